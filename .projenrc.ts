import { Component, cdk8s, javascript, release } from 'projen';

const ISTIO_VERSION = '1.30.3';

const project = new cdk8s.ConstructLibraryCdk8s({
  name: 'cdk8s-mesh',
  description: 'An entire Istio service mesh as typed cdk8s constructs: control plane, CA, sidecars, telemetry and every traffic and security policy.',
  author: 'cdk8s-mesh developers',
  authorAddress: 'cdk8s-mesh@users.noreply.github.com',
  repositoryUrl: 'https://github.com/cdk8s-mesh/cdk8s-mesh.git',
  license: 'Apache-2.0',
  keywords: ['cdk8s', 'istio', 'service-mesh', 'kubernetes', 'envoy', 'mtls'],
  defaultReleaseBranch: 'main',
  packageManager: javascript.NodePackageManager.NPM,
  projenrcTs: true,
  // GitHub carries only the release workflow: CI is .ci/run (the README's test command on a clean clone).
  github: true,
  buildWorkflow: false,
  depsUpgrade: false,
  pullRequestTemplate: false,
  githubOptions: { mergify: false, pullRequestLint: false },

  // Releases: a maintainer starts the release workflow; the version comes from the conventional commits since the
  // last tag (feat: minor, fix: patch, while the major version is 0), the whole build runs, then both npm packages
  // are published, and each jsii language where its registry is configured (see the README's "Releasing").
  releaseTrigger: release.ReleaseTrigger.workflowDispatch(),

  jsiiVersion: '~6.0.0',
  cdk8sVersion: '2.70.0',
  constructsVersion: '10.3.0',
  peerDeps: ['cdk8s-plus-27@^2.9.5'],
  // Grafana's own dashboard builders (Apache-2.0). Not a jsii module, so it is bundled and never part of the public API.
  // RE2 (the regular-expression engine istiod and Envoy use) in pure JavaScript: every regex a user gives is
  // checked with it at synthesis, so what JavaScript accepts and RE2 refuses (lookbehind, backreferences) is an error.
  // CEL (Istio's access-log filters are CEL expressions) is parsed the same way, loaded only when a filter is given.
  // Graphviz as WebAssembly renders the mesh's diagram to SVG in-process (no system binaries).
  bundledDeps: ['@grafana/grafana-foundation-sdk@0.0.21', 're2js@^2.10.0', '@bufbuild/cel@^0.6.1', '@bufbuild/protobuf@^2.6.2', '@viz-js/viz@^3.31.0'],
  devDeps: [
    'cdk8s-cli@^2.207.0',
    'ajv@^8.17.0',
    // kubernetes-models 4.3 (Kubernetes 1.27, the API cdk8s-plus-27 targets) ships plain JSON schemas (4.4+ ship only
    // precompiled validators), which is what the strict schema check in test/ needs.
    'kubernetes-models@4.3.1',
    '@kubernetes-models/validate@^3.1.2',
    // cert-manager's CRD schemas (for the optional Issuer and Certificate objects), the last version with plain schemas.
    '@kubernetes-models/cert-manager@4.3.1',
    'yaml@^2.4.0',
    // The Prometheus project's own PromQL grammar: every dashboard query is parsed with it in test/.
    '@prometheus-io/lezer-promql@^0.315.0',
    '@lezer/lr@^1.4.12',
    '@lezer/highlight@^1.2.5',
    // Property-based tests: random meshes, seeded, in CI.
    'fast-check@^4.10.2',
    // A DOT parser independent of Graphviz: the diagram's DOT is parsed in test/.
    'dotparser@^1.1.1',
  ],

  // The layout users of construct libraries expect: a root-level tsconfig.dev.json for tests and tooling.
  tsconfigDevFile: 'tsconfig.dev.json',

  // jsii targets: configured so the API is proven for every language; packaging them needs registries
  // (PyPI, Maven Central, NuGet) this project's CI does not reach, so CI packages JavaScript only.
  publishToPypi: { distName: 'cdk8s-mesh', module: 'cdk8s_mesh' },
  publishToMaven: { javaPackage: 'io.github.cdk8s_mesh', mavenGroupId: 'io.github.cdk8s-mesh', mavenArtifactId: 'cdk8s-mesh' },
  publishToGo: { moduleName: 'github.com/cdk8s-mesh/cdk8s-mesh-go' },
  publishToNuget: { dotNetNamespace: 'Cdk8sMesh', packageId: 'Cdk8sMesh' },

  jestOptions: {
    // Snapshots are compared, never silently rewritten: `npx projen test -u` updates them on purpose.
    updateSnapshot: javascript.UpdateSnapshot.NEVER,
    jestConfig: {
      testMatch: ['<rootDir>/test/**/*.test.ts'],
      // Every object a test synthesizes is validated strictly, as the cluster would (opt out: allowInvalidOutput).
      setupFilesAfterEnv: ['<rootDir>/test/support/strict-synth.ts'],
      // Synthesizing whole meshes and validating them against every schema is CPU-bound work.
      testTimeout: 60_000,
      coverageReporters: ['json', 'lcov', 'clover', 'cobertura', 'text-summary'],
    },
  },
  gitignore: ['examples/*/dist/'],
  npmignoreEnabled: true,
});

// Istio's CRDs (an API schema: data, attributed in NOTICE) are kept in the repo and shipped with the package.
project.npmignore?.addPatterns('!/crds/');
// The TypeScript sources ship too: the compiled lib/ maps to them, so the paths in a stack trace (as jest and
// `node --enable-source-maps` print them) are files a user can open.
project.npmignore?.addPatterns('!/src/');
project.addPackageIgnore('/examples/');
project.addPackageIgnore('/bench/');
project.addPackageIgnore('/scripts/');
project.addPackageIgnore('/.ci/');

// Typed Istio bindings, generated from the shipped CRDs and committed (src/imports/ is never edited by hand).
project.addTask('import:istio', {
  description: `Regenerate src/imports/ from Istio ${ISTIO_VERSION}'s CRDs`,
  exec: 'ts-node --project tsconfig.dev.json scripts/import-istio.ts istio',
});
project.addTask('import:gateway-api', {
  description: 'Regenerate src/imports/gateway-api.ts from the Kubernetes Gateway API v1.5.1 CRDs',
  exec: 'ts-node --project tsconfig.dev.json scripts/import-istio.ts gateway-api',
});

// Every example under examples/<name>/main.ts, synthesized into examples/<name>/dist/*.k8s.yaml.
project.addTask('examples', {
  description: 'Synthesize every example into examples/<name>/dist',
  exec: 'ts-node --project tsconfig.dev.json scripts/synth-examples.ts',
});

// docs/errors.md, one row per code of the catalogue (src/analysis/codes.ts); a test fails when it is stale.
project.addTask('errors:doc', {
  description: 'Regenerate docs/errors.md from the catalogue of codes',
  exec: 'ts-node --project tsconfig.dev.json scripts/errors-doc.ts',
});

// crds/*.json, the CRDs of each crds/*.yaml as the library reads them (parsing YAML at synthesis spawns a process
// in cdk8s's Yaml.load); a test fails when one is stale.
project.addTask('crds:json', {
  description: 'Regenerate crds/*.json from the CRD YAML files of crds/',
  exec: 'ts-node --project tsconfig.dev.json scripts/crds-json.ts',
});

// What can be proven about the jsii languages here (README "Languages"): each one's bindings, generated from .jsii,
// read by its own parser. The test task runs it last (about 30-60 s; `compile` must have run).
const checkLanguages = project.addTask('check:languages', {
  description: 'Generate the Python, Go, Java and C# bindings from .jsii and parse each (run `compile` first)',
  exec: 'ts-node --project tsconfig.dev.json scripts/check-languages.ts',
});

// `build` packages JavaScript only, everywhere: Python, Java, .NET and Go packaging fetch from their own
// registries. `npx projen package-all` still builds every language where those are reachable.
project.packageTask.reset();
const packageJs = project.tasks.tryFind('package:js')!;
project.packageTask.spawn(packageJs);

// docs/bookinfo-mesh.svg and the README's Mermaid block: Bookinfo's picture (a test fails when they are stale).
project.addTask('diagram:doc', {
  description: "Regenerate Bookinfo's picture (docs/bookinfo-mesh.svg, the README's Mermaid block)",
  exec: 'ts-node --project tsconfig.dev.json scripts/diagram-doc.ts',
});

// The synthesis benchmark against plain cdk8s on the same objects (bench/synth.ts), on the compiled library.
project.addTask('bench', {
  description: 'Synthesis benchmark, cdk8s-mesh against plain cdk8s on the same objects; writes bench/results.json and bench/RESULTS.md',
  steps: [{ spawn: 'compile' }, { exec: 'ts-node --project tsconfig.dev.json bench/synth.ts', receiveArgs: true }],
});
// CI: that the benchmark still runs (100 services, one run, no time asserted); `test` runs after `compile` in `build`.
const benchSmoke = project.addTask('bench:smoke', {
  description: 'The synthesis benchmark at 100 services, once, writing nothing (run `compile` first)',
  exec: 'ts-node --project tsconfig.dev.json bench/synth.ts --smoke',
});

// The Pulumi adapter (packages/pulumi, npm `cdk8s-mesh-pulumi`): Pulumi's types are not jsii-compatible, so it
// is a package of its own, an npm workspace of this repo (`npm ci` installs it), with its own compile and tests
// that the build runs: compiled after the library (its example's lint needs its types), tested after jest,
// packed beside the library's tarball.
// The examples that are npm packages of their own (a Pulumi project, the starter application) are workspaces too,
// so `npm install` in either resolves the library and the adapter from this repository.
project.package.addField('workspaces', ['packages/pulumi', 'examples/pulumi', 'examples/starter']);
project.addPackageIgnore('/packages/');
const pulumiWorkspace = '--workspace=cdk8s-mesh-pulumi';
const pulumiCompile = project.addTask('pulumi:compile', {
  description: 'Compile and type-check the Pulumi adapter (packages/pulumi)',
  exec: `npm run build ${pulumiWorkspace}`,
});
const pulumiTest = project.addTask('pulumi:test', {
  description: 'Test the Pulumi adapter under pulumi.runtime.setMocks',
  exec: `npm test ${pulumiWorkspace}`,
  receiveArgs: true,
});
const pulumiPackage = project.addTask('pulumi:package', {
  description: "Pack the Pulumi adapter into dist/js, at the library's version",
  exec: 'ts-node --project tsconfig.dev.json scripts/pack-pulumi.ts',
});
project.postCompileTask.spawn(pulumiCompile);
project.testTask.spawn(pulumiTest);
project.testTask.spawn(checkLanguages);
project.testTask.spawn(benchSmoke);
// package:js (what the release workflow's npm job runs) packs both npm packages.
packageJs.spawn(pulumiPackage);
project.tsconfigDev.addExclude('packages');
project.eslint?.addLintPattern('packages/pulumi/src');
project.eslint?.addLintPattern('packages/pulumi/test');
project.eslint?.addIgnorePattern('packages/pulumi/lib/');
project.jest?.addIgnorePattern('/packages/');

project.tsconfigDev.addInclude('examples/**/*.ts');
// The starter imports the library by its package name, as an application does: here that name means the sources.
project.tsconfigDev.file.addOverride('compilerOptions.paths', { 'cdk8s-mesh': ['./src/index.ts'] });
project.tsconfigDev.addInclude('scripts/**/*.ts');
project.tsconfigDev.addInclude('bench/**/*.ts');
project.eslint?.addLintPattern('examples');
project.eslint?.addLintPattern('scripts');
project.eslint?.allowDevDeps('scripts/**');
project.eslint?.allowDevDeps('examples/**');
project.eslint?.addLintPattern('bench');
project.eslint?.allowDevDeps('bench/**');
project.eslint?.addIgnorePattern('src/imports/');
// Type-aware linting resolves each file's project through tsconfig.dev.json, which covers src, test,
// examples and scripts (the project service only looks for files named tsconfig.json).
project.eslint?.config.parserOptions && Object.assign(project.eslint.config.parserOptions, {
  projectService: undefined,
  project: ['./tsconfig.dev.json', './projenrc/tsconfig.json', './packages/pulumi/tsconfig.dev.json'],
});

// What the tests need besides Node.js (Go, promtool): checked first, so a machine without them fails at once with
// one line (or installs them, where apt-get may run), not with failed tests minutes later.
const prereqs = project.addTask('prereqs', {
  description: 'Check (or install, where apt-get may run) what the tests need besides Node.js: Go and promtool',
  exec: 'bash scripts/prereqs.sh',
});
project.preCompileTask.spawn(prereqs);
project.testTask.prependSpawn(prereqs);

// The release workflow, adjusted:
const releaseWorkflow = project.github!.tryFindWorkflow('release')!;
const PUBLISH_JOBS: Record<string, string> = {
  release_npm: '', release_maven: 'RELEASE_MAVEN', release_pypi: 'RELEASE_PYPI', release_nuget: 'RELEASE_NUGET', release_golang: 'RELEASE_GO',
};
// The publish jobs exist only once the release component has added them, before synthesis.
class PublishJobs extends Component {
  public preSynthesize(): void {
    for (const [job, variable] of Object.entries(PUBLISH_JOBS)) {
      // dist/js holds two npm packages (the library and the Pulumi adapter): each publish job unpacks the library's.
      const steps = (releaseWorkflow.getJob(job) as { steps?: Array<{ name?: string; run?: string }> }).steps ?? [];
      const extract = steps.find(step => step.name === 'Extract build artifact');
      if (!extract?.run?.includes('dist/js/*.tgz')) {
        throw new Error(`the release workflow's ${job} no longer unpacks dist/js/*.tgz: check how it finds the library's package`);
      }
      extract.run = extract.run.replace('dist/js/*.tgz', 'dist/js/*.jsii.tgz');
      // A jsii language is published only where its registry is configured: a repository variable says so.
      if (variable) {
        releaseWorkflow.file!.addOverride(`jobs.${job}.if`, `needs.release.outputs.tag_exists != 'true' && needs.release.outputs.latest_commit == github.sha && vars.${variable} == 'true'`);
      }
    }
  }
}
new PublishJobs(project);
// The GitHub release is made when every publish job that ran succeeded (the skipped languages do not hold it back).
releaseWorkflow.file!.addOverride('jobs.release_github.if', "!failure() && !cancelled() && needs.release.outputs.tag_exists != 'true' && needs.release.outputs.latest_commit == github.sha");
// Last, the version's notes (from its conventional commits) go on top of CHANGELOG.md, committed to the branch.
releaseWorkflow.addJobs({
  release_changelog: {
    name: 'Add the release notes to CHANGELOG.md',
    needs: ['release', 'release_github'],
    runsOn: ['ubuntu-latest'],
    permissions: { contents: 'write' as any },
    if: "!failure() && !cancelled() && needs.release.outputs.tag_exists != 'true' && needs.release.outputs.latest_commit == github.sha && !inputs.dry_run",
    steps: [
      { name: 'Checkout', uses: 'actions/checkout@v4', with: { 'fetch-depth': 0 } },
      { name: 'Download build artifacts', uses: 'actions/download-artifact@v4', with: { 'artifact-ids': '${{ needs.release.outputs.artifact_id }}', 'path': 'dist' } },
      {
        name: 'Update CHANGELOG.md',
        run: [
          'git config user.name "github-actions[bot]"',
          'git config user.email "41898282+github-actions[bot]@users.noreply.github.com"',
          'bash scripts/changelog.sh dist/changelog.md CHANGELOG.md',
          'git add CHANGELOG.md',
          'git commit -m "chore(release): $(cat dist/version.txt)"',
          'git push origin "HEAD:${GITHUB_REF_NAME}"',
        ].join('\n'),
      },
    ],
  },
});

project.synth();

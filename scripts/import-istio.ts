/**
 * Regenerates the typed bindings in src/imports/ from the CRDs this package ships: Istio's
 * (`import-istio.ts istio`, the default) or the Kubernetes Gateway API's (`import-istio.ts gateway-api`).
 *
 * Each API group becomes one module (`istio-networking.ts`, `gateway-api.ts`, ...). One API version per kind
 * is bound: v1 where the CRD serves it (the library renders `networking.istio.io/v1`, `security.istio.io/v1`,
 * `gateway.networking.k8s.io/v1`), otherwise the storage version (EnvoyFilter v1alpha3, TCPRoute v1alpha2,
 * ...). The older versions the CRDs also serve have the same schemas; binding them would triple the generated
 * code for nothing.
 */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as YAML from 'yaml';

const ROOT = path.join(__dirname, '..');
const OUT = path.join(ROOT, 'src', 'imports');

/** Per CRD bundle: its file, and API group -> module name. */
const BUNDLES: Record<string, { crds: string; groups: Record<string, string>; kinds?: string[] }> = {
  'istio': {
    crds: 'istio-1.30.3.yaml',
    groups: {
      'networking.istio.io': 'istio-networking',
      'security.istio.io': 'istio-security',
      'telemetry.istio.io': 'istio-telemetry',
      'extensions.istio.io': 'istio-extensions',
    },
  },
  'gateway-api': {
    crds: 'gateway-api-1.5.1.yaml',
    groups: { 'gateway.networking.k8s.io': 'gateway-api' },
    // Only the kinds the library renders: the bundle's others (ListenerSet, BackendTLSPolicy, ...) are installed, not written.
    kinds: ['Gateway', 'GRPCRoute', 'HTTPRoute', 'ReferenceGrant', 'TCPRoute', 'TLSRoute'],
  },
};
const bundle = BUNDLES[process.argv[2] ?? 'istio'];
if (!bundle) {
  throw new Error(`unknown CRD bundle '${process.argv[2]}': use ${Object.keys(BUNDLES).join(' or ')}`);
}
const CRDS = path.join(ROOT, 'crds', bundle.crds);
const GROUPS = bundle.groups;

/**
 * Makes every bound object apply its JSON patches (`addJsonPatch`) and overrides to its final JSON, in the API's own
 * spelling, and check them against the CRD's schema at synthesis (src/private/overridden-json.ts).
 *
 * cdk8s import's `toJson()` converts the binding's camelCase to the API's spelling after `ApiObject.toJson()` has
 * applied the patches, and keeps only the fields it knows: a patch in the API's spelling (`consecutive5xxErrors`)
 * was dropped, one in the binding's (`consecutive5XxErrors`) survived, a misspelled field vanished.
 */
function patchedLast(source: string, kinds: number): string {
  const constructors = /(\n {4}super\(scope, id, \{\n {6}\.\.\.\w+\.GVK,\n {6}\.\.\.props,\n {4}\}\);\n)( {2}\})/g;
  const toJsons = /public override toJson\(\): any \{\n {4}const resolved = super\.toJson\(\);\n\n {4}return \{\n {6}\.\.\.(\w+)\.GVK,\n {6}\.\.\.(toJson_\w+)\(resolved\),\n {4}\};\n {2}\}/g;
  const hooked = source
    .replace("import { Construct } from 'constructs';\n", "import { Construct } from 'constructs';\nimport { checkOverrides, patchedLast as patched } from '../private/overridden-json';\n")
    .replace(constructors, '$1    checkOverrides(this);\n$2')
    .replace(toJsons, [
      'public override toJson(): any {',
      '    return patched(this, () => {',
      '      const resolved = super.toJson();',
      '      return { ...$1.GVK, ...$2(resolved) };',
      '    });',
      '  }',
    ].join('\n'));
  const count = (re: RegExp) => (hooked.match(re) ?? []).length;
  if (count(/checkOverrides\(this\)/g) !== kinds || count(/return patched\(this/g) !== kinds) {
    throw new Error(`cdk8s import's output changed shape: update patchedLast() in scripts/import-istio.ts (${kinds} kinds)`);
  }
  return hooked;
}

function boundVersion(crd: any): any {
  const versions: any[] = crd.spec.versions;
  return versions.find(v => v.name === 'v1' && v.served) ?? versions.find(v => v.storage);
}

const docs = YAML.parseAllDocuments(fs.readFileSync(CRDS, 'utf-8')).map(d => d.toJSON()).filter(Boolean);
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'crd-import-'));

for (const [group, moduleName] of Object.entries(GROUPS)) {
  const crds = docs
    .filter(crd => crd.kind === 'CustomResourceDefinition' && crd.spec.group === group)
    .filter(crd => !bundle.kinds || bundle.kinds.includes(crd.spec.names.kind))
    .map(crd => ({ ...crd, spec: { ...crd.spec, versions: [boundVersion(crd)] } }))
    .sort((a, b) => a.spec.names.kind.localeCompare(b.spec.names.kind));
  if (crds.length === 0) {
    throw new Error(`no CRD of group ${group} in ${CRDS}`);
  }
  const file = path.join(work, `${moduleName}.yaml`);
  fs.writeFileSync(file, crds.map(crd => YAML.stringify(crd)).join('---\n'));
  execFileSync('npx', ['cdk8s', 'import', `${moduleName}:=${file}`, '--output', OUT, '--language', 'typescript', '--no-save', '--no-check-upgrade'], {
    cwd: ROOT,
    stdio: 'inherit',
  });
  // cdk8s names the file after the module and the group; keep the short module name.
  const generated = path.join(OUT, `${moduleName}-${group}.ts`);
  fs.writeFileSync(path.join(OUT, `${moduleName}.ts`), patchedLast(fs.readFileSync(generated, 'utf-8'), crds.length));
  fs.rmSync(generated);
}

fs.rmSync(work, { recursive: true, force: true });

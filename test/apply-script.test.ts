import * as fs from 'fs';
import * as path from 'path';
import { ApiObject, App, Chart, Duration, Testing, YamlOutputType } from 'cdk8s';
import { Construct } from 'constructs';
import * as YAML from 'yaml';
import { Bookinfo } from '../examples/bookinfo/mesh';
import { ApplyScript, Mesh, MeshService, Protocol } from '../src';
import { FakeApiServer } from './support/fake-api-server';
import { findKubectl, kubectlMissing, run } from './support/kubectl';
import { allowInvalidOutput } from './support/strict-synth';
import { synthErrors } from './support/util';

/** A small mesh (one service), in an App of its own that writes to a fresh directory. */
function smallMesh(app: App, id = 'shop', props: { installCrds?: boolean; rootNamespace?: string } = {}): Mesh {
  const mesh = new Mesh(app, id, { denyByDefault: false, ...props });
  new MeshService(mesh, 'web', { namespace: `${id}-apps`, ports: [{ port: 8080, protocol: Protocol.HTTP }] }).addVersion('v1', { image: 'example/web:v1' });
  return mesh;
}

/** The script's commands: its lines after the preamble. */
function commands(script: string): string[] {
  const lines = script.trimEnd().split('\n');
  return lines.slice(lines.findIndex(l => l.startsWith('kubectl()')) + 1);
}

const PREAMBLE = [
  '#!/bin/sh',
  '# Applies the manifests beside it, each file with its own kubectl apply, in name order, without the CRD race:',
  '# CRDs are established before the files that use them, the control plane rolled out before the workloads.',
  '# Written by cdk8s-mesh\'s ApplyScript at synth (synthesize again rather than edit it). Arguments are passed',
  '# to every kubectl command (./apply.sh --context kind-mesh); KUBECTL names another kubectl.',
  'set -eu',
  'cd "$(dirname "$0")"',
  'kubectl() { command "${KUBECTL:-kubectl}" "$@"; }',
];

describe('ApplyScript', () => {
  test('a mesh: its CRDs applied server-side and waited for until established, its control plane rolled out before the workloads', () => {
    // GIVEN
    const app = Testing.app();
    smallMesh(app);

    // WHEN
    const script = ApplyScript.render(app);

    // THEN
    expect(script.split('\n').slice(0, PREAMBLE.length)).toEqual(PREAMBLE);
    expect(commands(script)).toEqual([
      'kubectl "$@" apply --server-side --force-conflicts -f 0000-shop-crds.k8s.yaml',
      'kubectl "$@" wait --for condition=established --timeout=300s -f 0000-shop-crds.k8s.yaml',
      'kubectl "$@" apply -f 0001-shop-namespaces.k8s.yaml',
      'kubectl "$@" apply -f 0002-shop-control-plane.k8s.yaml',
      'kubectl "$@" rollout status --timeout=300s -n istio-cni daemonset/istio-cni-node',
      'kubectl "$@" rollout status --timeout=300s -n istio-system deployment/istiod',
      'kubectl "$@" apply -f 0003-shop.k8s.yaml',
    ]);
  });

  test('a mesh without CRDs (installCrds: false) waits for nothing before its namespaces', () => {
    const app = Testing.app();
    smallMesh(app, 'shop', { installCrds: false });

    expect(commands(ApplyScript.render(app))).toEqual([
      'kubectl "$@" apply -f 0000-shop-namespaces.k8s.yaml',
      'kubectl "$@" apply -f 0001-shop-control-plane.k8s.yaml',
      'kubectl "$@" rollout status --timeout=300s -n istio-cni daemonset/istio-cni-node',
      'kubectl "$@" rollout status --timeout=300s -n istio-system deployment/istiod',
      'kubectl "$@" apply -f 0002-shop.k8s.yaml',
    ]);
  });

  test('every control plane of a mesh (a canary revision too) is rolled out before the workloads', () => {
    const app = Testing.app();
    const mesh = smallMesh(app, 'shop', { installCrds: false });
    mesh.addControlPlane('canary', { revision: 'canary' });

    expect(commands(ApplyScript.render(app)).filter(c => c.includes('rollout'))).toEqual([
      'kubectl "$@" rollout status --timeout=300s -n istio-cni daemonset/istio-cni-node',
      'kubectl "$@" rollout status --timeout=300s -n istio-system deployment/istiod',
      'kubectl "$@" rollout status --timeout=300s -n istio-system deployment/istiod-canary',
    ]);
  });

  test('a chart of the user\'s own that depends on the mesh is applied after it, in the order cdk8s numbers the files', () => {
    // GIVEN (one mesh per App: MESH0046)
    const app = Testing.app();
    const mesh = smallMesh(app);
    const own = new Chart(app, 'own');
    new ApiObject(own, 'config', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'settings', namespace: 'shop-apps' } });
    own.addDependency(mesh);
    app.synth();

    // WHEN
    const lines = commands(ApplyScript.render(app));

    // THEN every file cdk8s wrote is applied once, in name order
    const written = fs.readdirSync(app.outdir).filter(f => f.endsWith('.k8s.yaml')).sort();
    expect(lines.filter(c => c.includes(' apply ')).map(c => c.split(' ').pop())).toEqual(written);
    expect(lines[lines.length - 1]).toEqual('kubectl "$@" apply -f 0004-own.k8s.yaml');
  });

  test('a chart with CRDs and other objects waits for its CRDs by name; an empty chart is left out (kubectl refuses an empty file)', () => {
    // GIVEN a chart of the user's own with a CRD beside a ConfigMap, and an empty one
    const app = Testing.app();
    const own = new Chart(app, 'own');
    new ApiObject(own, 'crd', {
      apiVersion: 'apiextensions.k8s.io/v1',
      kind: 'CustomResourceDefinition',
      metadata: { name: 'widgets.example.com' },
      spec: {
        group: 'example.com',
        names: { kind: 'Widget', plural: 'widgets', singular: 'widget', listKind: 'WidgetList' },
        scope: 'Namespaced',
        versions: [{ name: 'v1', served: true, storage: true, schema: { openAPIV3Schema: { 'type': 'object', 'x-kubernetes-preserve-unknown-fields': true } } }],
      },
    });
    new ApiObject(own, 'config', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'settings', namespace: 'default' } });
    new Chart(app, 'empty');

    // WHEN
    const lines = commands(ApplyScript.render(app));

    // THEN (no mesh: nothing depends on anything, so cdk8s does not number the files)
    expect(lines).toEqual([
      'kubectl "$@" apply --server-side --force-conflicts -f own.k8s.yaml',
      'kubectl "$@" wait --for condition=established --timeout=300s crd/widgets.example.com',
    ]);
  });

  test('a chart with a webhook waits for the rollout of its Deployments, in the namespace they were applied to', () => {
    // GIVEN a chart of the user's own with a webhook and its server, one Deployment without a namespace
    const app = Testing.app();
    const own = new Chart(app, 'own');
    new ApiObject(own, 'webhook', { apiVersion: 'admissionregistration.k8s.io/v1', kind: 'ValidatingWebhookConfiguration', metadata: { name: 'checks' }, webhooks: [] });
    const deployment = (name: string, namespace?: string) => new ApiObject(own, name, {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name, namespace },
      spec: { selector: { matchLabels: { app: name } }, template: { metadata: { labels: { app: name } }, spec: { containers: [{ name, image: `example/${name}:1` }] } } },
    });
    deployment('checker');
    deployment('other', 'tools');

    // WHEN
    const lines = commands(ApplyScript.render(app));

    // THEN the Deployment without a namespace is waited for where kubectl applied it (not in a namespace 'undefined')
    expect(lines).toEqual([
      'kubectl "$@" apply -f own.k8s.yaml',
      'kubectl "$@" rollout status --timeout=300s deployment/checker',
      'kubectl "$@" rollout status --timeout=300s -n tools deployment/other',
    ]);
  });

  test('app.synth() writes the script beside the manifests, executable, as render() gives it; Testing.synth() writes nothing', () => {
    // GIVEN
    const app = Testing.app();
    const mesh = smallMesh(app);
    const script = new ApplyScript(app, 'apply', { timeout: Duration.seconds(90) });

    // WHEN
    Testing.synth(mesh);
    const before = fs.readdirSync(app.outdir);
    app.synth();

    // THEN
    expect(before).toEqual([]);
    const file = path.join(app.outdir, 'apply.sh');
    expect(script.fileName).toEqual('apply.sh');
    expect(() => fs.accessSync(file, fs.constants.X_OK)).not.toThrow();
    expect(fs.readFileSync(file, 'utf8')).toEqual(ApplyScript.render(app, { timeout: Duration.seconds(90) }));
    expect(fs.readFileSync(file, 'utf8')).toContain('--timeout=90s');
  });

  test('fileName names the file', () => {
    const app = Testing.app();
    smallMesh(app);
    new ApplyScript(app, 'apply', { fileName: 'install-mesh' });

    app.synth();

    expect(fs.existsSync(path.join(app.outdir, 'install-mesh'))).toBe(true);
    expect(fs.existsSync(path.join(app.outdir, 'apply.sh'))).toBe(false);
  });

  test('FOLDER_PER_CHART_FILE_PER_RESOURCE: each chart\'s folder is applied', () => {
    const app = new App({ outdir: fs.mkdtempSync(path.join(Testing.app().outdir, 'out-')), yamlOutputType: YamlOutputType.FOLDER_PER_CHART_FILE_PER_RESOURCE });
    smallMesh(app);
    app.synth();

    const lines = commands(ApplyScript.render(app));

    expect(lines.slice(0, 3)).toEqual([
      'kubectl "$@" apply --server-side --force-conflicts -f 0000-shop-crds/',
      'kubectl "$@" wait --for condition=established --timeout=300s -f 0000-shop-crds/',
      'kubectl "$@" apply -f 0001-shop-namespaces/',
    ]);
    expect(fs.readdirSync(app.outdir).sort()).toEqual(['0000-shop-crds', '0001-shop-namespaces', '0002-shop-control-plane', '0003-shop']);
  });

  describe('fails', () => {
    test.each([
      [YamlOutputType.FILE_PER_APP, 'every chart into one file (yamlOutputType FILE_PER_APP)'],
      [YamlOutputType.FILE_PER_RESOURCE, 'one file per object, not per chart (yamlOutputType FILE_PER_RESOURCE)'],
    ])('fails when the App writes %s', (yamlOutputType, what) => {
      const app = new App({ outdir: Testing.app().outdir, yamlOutputType });
      smallMesh(app);
      new ApplyScript(app, 'apply');

      const rule = 'so no order of commands can apply the CRDs before the objects that use them: use YamlOutputType.FILE_PER_CHART (the default) or FOLDER_PER_CHART_FILE_PER_RESOURCE';
      expect(synthErrors(app)).toEqual([`[apply] [MESH0770] the App writes ${what}, ${rule}`]);
      expect(() => ApplyScript.render(app)).toThrow(`[MESH0770] ApplyScript.render: the App writes ${what}, ${rule}`);
    });

    test('fails with two scripts in one App', () => {
      const app = Testing.app();
      smallMesh(app);
      new ApplyScript(app, 'apply');
      new ApplyScript(app, 'apply2');

      expect(synthErrors(app)).toEqual(['[apply2] [MESH0771] the App already has an ApplyScript (apply): one script applies every chart of the App, keep one']);
    });

    test('fails outside an App, and when render() is given no App', () => {
      const root = new Construct(undefined as any, '');
      const script = new ApplyScript(root, 'apply');

      expect(script.node.validate()).toEqual(["[MESH0772] the construct tree's root (Construct) is not a cdk8s App, so nothing would write the script: "
        + "create it in the App (new ApplyScript(app, 'apply')), or call ApplyScript.render(app) and write it yourself"]);
      expect(() => ApplyScript.render(new Chart(Testing.app(), 'c') as any)).toThrow('[MESH0772] ApplyScript.render: app is not a cdk8s App: give the App whose manifests the script applies');
      expect(() => ApplyScript.render(undefined as any)).toThrow('[MESH0772] ApplyScript.render: app is missing: give the App whose manifests the script applies');
    });

    test.each(['apply.yaml', 'apply.JSON', 'scripts/apply.sh', '', '..'])('fails with fileName %p', fileName => {
      const app = Testing.app();
      smallMesh(app);
      new ApplyScript(app, 'apply', { fileName });

      expect(synthErrors(app)).toEqual([`[apply] [MESH0773] fileName '${fileName}' is not a file name the script can have: `
        + 'give a name without a directory that does not end in .yaml, .yml or .json (kubectl apply -f dist/ would read it as manifests), e.g. \'apply.sh\'']);
    });

    test('fails with a timeout below a second', () => {
      const app = Testing.app();
      smallMesh(app);
      new ApplyScript(app, 'apply', { timeout: Duration.millis(500) });

      expect(synthErrors(app)).toEqual(['[apply] [MESH0774] timeout 500ms is below a second: kubectl would give up at once, give at least Duration.seconds(1) (the default is 5 minutes)']);
      expect(() => ApplyScript.render(Testing.app(), { timeout: Duration.millis(500) })).toThrow('[MESH0774] ApplyScript.render: timeout 500ms is below a second');
    });
  });
});

/**
 * The real kubectl against a small API server (test/support/fake-api-server.ts) that, like a real one, serves a
 * custom kind only once its CRD is established (after a delay here), refuses objects in a namespace that does
 * not exist, and reports Deployments and DaemonSets rolled out after a delay.
 */
describe('applying with kubectl', () => {
  const kubectl = findKubectl();
  if (!kubectl) {
    test('finds kubectl', () => {
      throw new Error(kubectlMissing);
    });
    return;
  }
  let server: FakeApiServer;
  afterEach(async () => server?.close());

  /** Synthesizes an App with its script, and a kubeconfig for the server beside it. */
  async function setUp(build: (app: App) => void, delays: { crdDelayMs: number; rolloutDelayMs: number }) {
    const app = Testing.app();
    build(app);
    new ApplyScript(app, 'apply');
    app.synth();
    server = await FakeApiServer.start(delays);
    const kubeconfig = path.join(app.outdir, '.kubeconfig');
    fs.writeFileSync(kubeconfig, server.kubeconfig());
    // HOME holds kubectl's discovery cache: a fresh one per test.
    const env = { KUBECONFIG: kubeconfig, HOME: fs.mkdtempSync(path.join(app.outdir, '.home-')), KUBECTL: kubectl! };
    const objectsOf = (file: string) => YAML.parseAllDocuments(fs.readFileSync(path.join(app.outdir, file), 'utf8')).map(d => d.toJS()).filter(Boolean);
    return { app, env, objectsOf };
  }

  test('kubectl apply -f dist/ in one go hits the CRD race on an empty cluster', async () => {
    const { app, env } = await setUp(a => smallMesh(a), { crdDelayMs: 0, rolloutDelayMs: 0 });

    const result = await run(kubectl, ['apply', '-f', app.outdir], env);

    expect(result.ok).toBe(false);
    expect(result.stderr).toMatch(/resource mapping not found for name: "default" namespace: "istio-system" from ".*0003-shop\.k8s\.yaml": no matches for kind "PeerAuthentication" in version "security\.istio\.io\/v1"\nensure CRDs are installed first/);
  });

  test('the script without its wait hits the race too, when the CRDs are not established yet', async () => {
    // GIVEN the script with its `kubectl wait` taken out
    const { app, env } = await setUp(a => smallMesh(a), { crdDelayMs: 60_000, rolloutDelayMs: 0 });
    const file = path.join(app.outdir, 'apply.sh');
    const script = fs.readFileSync(file, 'utf8');
    fs.writeFileSync(file, script.split('\n').filter(l => !l.includes(' wait ')).join('\n'));

    // WHEN
    const result = await run(file, [], env);

    // THEN
    expect(result.ok).toBe(false);
    expect(result.stderr).toContain('ensure CRDs are installed first');
  });

  test('the script applies Bookinfo (the README\'s) to an empty cluster: every custom object after its CRD is established, the workloads after istiod rolled out', async () => {
    // GIVEN
    const { app, env, objectsOf } = await setUp(a => new Bookinfo(a, 'bookinfo'), { crdDelayMs: 500, rolloutDelayMs: 500 });

    // WHEN the script the README shows is run
    const readme = fs.readFileSync(path.join(__dirname, '..', 'README.md'), 'utf8');
    const shown = /For Bookinfo the script is:\n\n```sh\n([\s\S]*?)```/.exec(readme)?.[1];
    expect(shown).toEqual(fs.readFileSync(path.join(app.outdir, 'apply.sh'), 'utf8'));
    const result = await run(path.join(app.outdir, 'apply.sh'), [], env);

    // THEN every object of every file is there, and nothing was refused
    expect(result.stderr).toEqual('');
    expect(result.ok).toBe(true);
    const files = fs.readdirSync(app.outdir).filter(f => f.endsWith('.k8s.yaml')).sort();
    expect(files).toHaveLength(5);
    for (const o of files.flatMap(objectsOf)) {
      expect([o.kind, o.metadata.namespace, o.metadata.name, server.get(o.kind, o.metadata.namespace, o.metadata.name) !== undefined])
        .toEqual([o.kind, o.metadata.namespace, o.metadata.name, true]);
    }
    expect(server.writes.filter(w => w.status >= 300)).toEqual([]);
    // custom objects were written after their CRD was established
    const crds = objectsOf(files[0]);
    const custom = server.writes.filter(w => w.group.includes('.') && !w.group.endsWith('.k8s.io'));
    expect(custom.length).toBeGreaterThan(10);
    for (const w of custom) {
      const crd = crds.find(c => c.spec.group === w.group && c.spec.names.kind === w.kind)!;
      expect(w.at).toBeGreaterThanOrEqual(server.ready.get(crd.metadata.name)!);
    }
    // the mesh's own objects (gateway, workloads, policy) were written after istiod and the CNI agent rolled out
    const istiod = Math.max(server.ready.get('Deployment istio-system/istiod')!, server.ready.get('DaemonSet istio-cni/istio-cni-node')!);
    const meshObjects = new Set(objectsOf(files[3]).map(o => `${o.kind} ${o.metadata.namespace}/${o.metadata.name}`));
    const meshWrites = server.writes.filter(w => meshObjects.has(`${w.kind} ${w.namespace}/${w.name}`));
    expect(meshWrites).toHaveLength(meshObjects.size);
    expect(Math.min(...meshWrites.map(w => w.at))).toBeGreaterThanOrEqual(istiod);
  });

  test('a CRD too large for client-side apply (as the Gateway API\'s HTTPRoute CRD is) is applied server-side by the script', async () => {
    // GIVEN a chart with a CRD of more than 256 KiB, and a chart that uses its kind
    allowInvalidOutput('a kind of the test\'s own, which the schemas do not know');
    const { app, env } = await setUp(a => {
      const big = new Chart(a, 'big');
      new ApiObject(big, 'crd', {
        apiVersion: 'apiextensions.k8s.io/v1',
        kind: 'CustomResourceDefinition',
        metadata: { name: 'widgets.example.com' },
        spec: {
          group: 'example.com',
          names: { kind: 'Widget', plural: 'widgets', singular: 'widget', listKind: 'WidgetList' },
          scope: 'Namespaced',
          versions: [{ name: 'v1', served: true, storage: true, schema: { openAPIV3Schema: { type: 'object', description: 'x'.repeat(300_000) } } }],
        },
      });
      const users = new Chart(a, 'users');
      new ApiObject(users, 'widget', { apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w', namespace: 'default' } });
      users.addDependency(big);
    }, { crdDelayMs: 300, rolloutDelayMs: 0 });

    // WHEN the CRD's file is applied client-side, then the script is run
    const clientSide = await run(kubectl, ['apply', '-f', path.join(app.outdir, '0000-big.k8s.yaml')], env);
    const result = await run(path.join(app.outdir, 'apply.sh'), [], env);

    // THEN
    expect(clientSide.stderr).toContain('metadata.annotations: Too long: may not be more than 262144 bytes');
    expect(result.stderr).toEqual('');
    expect(server.get('Widget', 'default', 'w')).toBeDefined();
  });

  test('the script applies a mesh without CRDs to a cluster that has them', async () => {
    // GIVEN a cluster with Istio's CRDs, and a mesh that does not install them
    const { app, env } = await setUp(a => smallMesh(a, 'shop', { installCrds: false }), { crdDelayMs: 0, rolloutDelayMs: 500 });
    const crds = YAML.parseAllDocuments(fs.readFileSync(path.join(__dirname, '..', 'crds', 'istio-1.30.3.yaml'), 'utf8')).map(d => d.toJS()).filter(Boolean);
    server.seed(crds);

    // WHEN
    const result = await run(path.join(app.outdir, 'apply.sh'), [], env);

    // THEN
    expect(result.stderr).toEqual('');
    expect(server.get('PeerAuthentication', 'istio-system', 'default')).toBeDefined();
    expect(server.writes.filter(w => w.kind === 'CustomResourceDefinition')).toEqual([]);
  });
});

import { ApiObject, App, Chart, JsonPatch } from 'cdk8s';
import { Construct } from 'constructs';
import { Mesh, MeshService, TelemetryStack, TrafficSplit, TrafficTarget } from '../../../src';
import { MeshRelease, MeshReleaseMocks, planRelease } from '../src';

const crd = (scope: Construct, id: string, kind: string, scope_: 'Namespaced' | 'Cluster' = 'Namespaced') => new ApiObject(scope, id, {
  apiVersion: 'apiextensions.k8s.io/v1',
  kind: 'CustomResourceDefinition',
  metadata: { name: `${kind.toLowerCase()}s.example.com` },
  spec: {
    group: 'example.com',
    names: { kind, plural: `${kind.toLowerCase()}s` },
    scope: scope_,
    versions: [{ name: 'v1', served: true, storage: true, schema: { openAPIV3Schema: { 'type': 'object', 'x-kubernetes-preserve-unknown-fields': true } } }],
  },
});
const custom = (scope: Construct, id: string, kind: string, namespace?: string) =>
  new ApiObject(scope, id, { apiVersion: 'example.com/v1', kind, metadata: { name: id, namespace } });
const configMap = (scope: Construct, id: string, namespace?: string, extra: Record<string, unknown> = {}) =>
  new ApiObject(scope, id, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: id, namespace }, data: { key: 'value' }, ...extra });
const namespace = (scope: Construct, name: string) => new ApiObject(scope, `ns-${name}`, { apiVersion: 'v1', kind: 'Namespace', metadata: { name } });

/** Each planned chart as `id: object names`, and each object's dependencies. */
function describe_(source: Construct, options = {}) {
  const plan = planRelease(source, options);
  return {
    charts: plan.map(c => `${c.id} <- [${c.dependsOn.map(d => d.id).join(', ')}]: ${c.objects.map(o => o.name).join(', ')}`),
    objects: Object.fromEntries(plan.flatMap(c => c.objects).filter(o => o.dependsOn.length > 0).map(o => [o.name, o.dependsOn.map(d => d.name)])),
    plan,
  };
}

describe('order', () => {
  test('a custom object needs its CRD and a namespaced object its Namespace, within a chart too', () => {
    const app = new App();
    const chart = new Chart(app, 'own');
    custom(chart, 'widget', 'Widget', 'apps');
    configMap(chart, 'settings', 'apps');
    crd(chart, 'crd', 'Widget');
    namespace(chart, 'apps');
    const { charts, objects } = describe_(app);
    // Registration order follows the dependencies, otherwise the order cdk8s writes.
    expect(charts).toEqual(['own <- []: widgets.example.com, apps, apps/widget, apps/settings']);
    expect(objects).toEqual({ 'apps/widget': ['widgets.example.com', 'apps'], 'apps/settings': ['apps'] });
  });

  test('across charts, the chart holding a CRD or Namespace comes first, unless the charts already order them', () => {
    const app = new App();
    const users = new Chart(app, 'users');
    custom(users, 'widget', 'Widget', 'apps');
    const definitions = new Chart(app, 'definitions');
    crd(definitions, 'crd', 'Widget');
    namespace(definitions, 'apps');
    expect(describe_(app).charts).toEqual([
      'definitions <- []: widgets.example.com, apps',
      'users <- [definitions]: apps/widget',
    ]);

    // Declared chart dependencies are kept, and no redundant one is added.
    const app2 = new App();
    const a = new Chart(app2, 'a');
    crd(a, 'crd', 'Widget');
    const b = new Chart(app2, 'b');
    b.addDependency(a);
    const c = new Chart(app2, 'c');
    c.addDependency(b);
    custom(c, 'widget', 'Widget', 'default');
    expect(describe_(app2).charts).toEqual(['a <- []: widgets.example.com', 'b <- [a]: ', 'c <- [b]: default/widget']);
  });

  test('a kind of a group under k8s.io that a CRD of the release defines (the Gateway API\'s) needs its CRD too, and takes the CRD\'s scope', () => {
    // GIVEN the Gateway API's CRDs in one chart, its objects in another that does not depend on it
    const app = new App();
    const routes = new Chart(app, 'routes');
    const gatewayApi = (scope: Construct, id: string, kind: string, namespaced?: string) =>
      new ApiObject(scope, id, { apiVersion: 'gateway.networking.k8s.io/v1', kind, metadata: { name: id, namespace: namespaced } });
    gatewayApi(routes, 'route', 'HTTPRoute', 'apps');
    gatewayApi(routes, 'istio', 'GatewayClass');
    const definitions = new Chart(app, 'definitions');
    for (const [kind, scope] of [['HTTPRoute', 'Namespaced'], ['GatewayClass', 'Cluster']]) {
      new ApiObject(definitions, kind, {
        apiVersion: 'apiextensions.k8s.io/v1',
        kind: 'CustomResourceDefinition',
        metadata: { name: `${kind.toLowerCase()}es.gateway.networking.k8s.io` },
        spec: { group: 'gateway.networking.k8s.io', names: { kind, plural: `${kind.toLowerCase()}es` }, scope, versions: [] },
      });
    }

    // WHEN
    const { charts, plan } = describe_(app, { namespace: 'team' });

    // THEN the routes' chart comes after the CRDs', and the cluster-scoped GatewayClass gets no namespace
    expect(charts).toEqual([
      'definitions <- []: httproutees.gateway.networking.k8s.io, gatewayclasses.gateway.networking.k8s.io',
      'routes <- [definitions]: apps/route, istio',
    ]);
    expect(plan[1].objects.map(o => o.manifest.metadata.namespace)).toEqual(['apps', undefined]);
  });

  test('dependencies between constructs become dependencies between objects, or between charts', () => {
    const app = new App();
    const base = new Chart(app, 'base');
    const secret = configMap(base, 'secret-ish', 'default');
    const chart = new Chart(app, 'chart');
    const first = configMap(chart, 'first', 'default');
    const group = new Construct(chart, 'group');
    configMap(group, 'second', 'default');
    configMap(group, 'third', 'default');
    group.node.addDependency(first);
    first.node.addDependency(secret);
    const { charts, objects } = describe_(app);
    expect(charts).toEqual([
      'base <- []: default/secret-ish',
      'chart <- [base]: default/first, default/second, default/third',
    ]);
    expect(objects).toEqual({ 'default/second': ['default/first'], 'default/third': ['default/first'] });
  });

  test('a chart depends on the charts nested in it', () => {
    const app = new App();
    const outer = new Chart(app, 'outer');
    configMap(outer, 'outer-config', 'default');
    const inner = new Chart(outer, 'inner');
    configMap(inner, 'inner-config', 'default');
    expect(describe_(app).charts).toEqual(['outer/inner <- []: default/inner-config', 'outer <- [outer/inner]: default/outer-config']);
    // A Chart released alone brings its nested charts.
    expect(describe_(outer).charts).toEqual(describe_(app).charts);
  });

  test('a cycle cannot be deployed: MESH0504 names its path', () => {
    const app = new App();
    const a = new Chart(app, 'a');
    crd(a, 'gadgets', 'Gadget');
    custom(a, 'widget', 'Widget', 'default');
    const b = new Chart(app, 'b');
    crd(b, 'widgets', 'Widget');
    custom(b, 'gadget', 'Gadget', 'default');
    expect(() => planRelease(app)).toThrow("[MESH0504] <root>: these depend on each other in a cycle, so no order can deploy them: chart 'a' -> chart 'b' -> chart 'a'; remove one of the dependencies");

    const app2 = new App();
    const chart = new Chart(app2, 'chart');
    const x = configMap(chart, 'x', 'default');
    const y = configMap(chart, 'y', 'default');
    x.node.addDependency(y);
    y.node.addDependency(x);
    // A cycle the constructs declare is cdk8s's own error, as in `cdk8s synth`.
    expect(() => planRelease(chart)).toThrow('Dependency cycle detected: chart/x => chart/y => chart/x');

    // One the release adds (a CRD that depends on its own custom object) is MESH0504.
    const app3 = new App();
    const single = new Chart(app3, 'single');
    const definition = crd(single, 'crd', 'Widget');
    definition.node.addDependency(custom(single, 'widget', 'Widget', 'default'));
    expect(() => planRelease(app3)).toThrow('[MESH0504] single: these depend on each other in a cycle, so no order can deploy them: single/widget -> single/crd -> single/widget; remove one of the dependencies');
  });
});

describe('sources', () => {
  test('a Mesh releases every layer of the mesh and nothing else of its App', () => {
    const app = new App();
    const mesh = new Mesh(app, 'mesh');
    new MeshService(mesh, 'web', { namespace: 'shop', ports: [{ port: 8080 }] }).addVersion('v1', { image: 'example/web:1.0' });
    new TelemetryStack(mesh, 'telemetry');
    const other = new Chart(app, 'unrelated');
    configMap(other, 'elsewhere', 'default');
    const plan = planRelease(mesh);
    expect(plan.map(c => c.id)).toEqual(['mesh-crds', 'mesh-namespaces', 'mesh-control-plane', 'mesh', 'mesh-telemetry']);
    expect(plan.flatMap(c => c.objects).map(o => o.name)).not.toContain('default/elsewhere');
    expect(planRelease(app).map(c => c.id)).toContain('unrelated');
  });

  test('a Chart alone: its dependencies outside the release are left to whoever deploys them', () => {
    const app = new App();
    const mesh = new Mesh(app, 'mesh');
    new MeshService(mesh, 'web', { namespace: 'shop', ports: [{ port: 8080 }] }).addVersion('v1', { image: 'example/web:1.0' });
    const plan = planRelease(mesh.charts[2]);
    expect(plan.map(c => `${c.id} <- ${c.dependsOn.length}`)).toEqual(['mesh-control-plane <- 0']);
    expect(plan[0].objects.map(o => o.name)).toContain('istio-system/istiod');
  });

  test('the App is validated as cdk8s synth validates it: a broken mesh does not deploy', () => {
    const app = new App();
    const mesh = new Mesh(app, 'mesh');
    const web = new MeshService(mesh, 'web', { namespace: 'shop', ports: [{ port: 8080 }] });
    web.addVersion('v1', { image: 'example/web:1.0' });
    new TrafficSplit(mesh, 'split', { service: web, routes: [{ targets: [TrafficTarget.version('v9')] }] });
    const expected = "Validation failed with the following errors:\n  [mesh/split] [MESH0101] route 1: subset 'v9' is not a version of service 'web' (versions: v1): "
      + "add it with addVersion('v9', ...) or route to an existing version";
    expect(() => planRelease(app)).toThrow(expected);
    // The mesh validates before its layer charts' constructs, as from the App, so its analysis reaches them.
    expect(() => planRelease(mesh)).toThrow(expected);
    mesh.addControlPlane('second', {});
    expect(() => planRelease(mesh)).toThrow("[mesh-control-plane/second] [MESH0035] revision 'default' already has a control plane (mesh-control-plane/istiod)");
  });

  test('anything else is MESH0500; an App without objects is MESH0506 for a release', async () => {
    const app = new App();
    const loose = new Construct(app, 'loose');
    expect(() => planRelease(loose)).toThrow('[MESH0500] loose: a release deploys a cdk8s App, a Mesh or a Chart, and this construct is none of them: '
      + 'pass the App (every chart), the Mesh (every layer of the mesh) or one Chart');
    await MeshReleaseMocks.install();
    expect(() => new MeshRelease('empty', { source: new App() })).toThrow('[MESH0506] <root>: the source synthesizes no object, so the release would deploy nothing: '
      + 'create the Mesh (or your charts) in the App before the release');
  });

  test.each([
    ['no args', () => new (MeshRelease as any)('r')],
    ['no source', () => new MeshRelease('r', { source: undefined as any })],
  ])('fails with MESH0500, not a TypeError, on a release with %s (plain JavaScript)', async (_name, act) => {
    await MeshReleaseMocks.install();
    expect(act).toThrow('[MESH0500] MeshRelease r: source is missing: pass the App (every chart), the Mesh (every layer of the mesh) or one Chart as args.source');
  });

  test.each([
    ['namespace with a space', { namespace: 'Bad NS' }, "[MESH0507] MeshRelease r: namespace 'Bad NS' is not a namespace name: use at most 63 lowercase letters, digits and '-', starting and ending with a letter or digit"],
    ['empty namespace', { namespace: '' }, "[MESH0507] MeshRelease r: namespace '' is not a namespace name: use at most 63 lowercase letters, digits and '-', starting and ending with a letter or digit"],
    ['namespace of 64 characters', { namespace: 'n'.repeat(64) }, `[MESH0507] MeshRelease r: namespace '${'n'.repeat(64)}' is not a namespace name: use at most 63 lowercase letters, digits and '-', starting and ending with a letter or digit`],
    ['empty resourcePrefix', { resourcePrefix: '' }, "[MESH0508] MeshRelease r: resourcePrefix '' is empty: give a prefix such as 'bookinfo', or leave it out to use the release's name"],
    ['resourcePrefix a number', { resourcePrefix: 5 }, "[MESH0508] MeshRelease r: resourcePrefix 5 is not a string: give a prefix such as 'bookinfo', or leave it out to use the release's name"],
    ['resourcePrefix with CR/LF', { resourcePrefix: 'a\r\nb' }, '[MESH0508] MeshRelease r: resourcePrefix "a\\r\\nb" holds a control character: give a prefix of printable characters, such as \'bookinfo\''],
    ['skipAwait "yes"', { skipAwait: 'yes' }, "[MESH0509] MeshRelease r: skipAwait 'yes' is not a boolean: pass true or false"],
  ])('fails before registering anything on a release with %s', async (_name, args, message) => {
    await MeshReleaseMocks.install();
    const app = new App();
    new Mesh(app, 'mesh');
    expect(() => new MeshRelease('r', { source: app, ...args } as any)).toThrow(message);
  });

  test.each([
    ['a namespace of 63 characters', { namespace: 'n'.repeat(63) }],
    ['a namespace with dashes', { namespace: 'team-a' }],
    ['a resourcePrefix with punctuation', { resourcePrefix: 'prod:eu-1' }],
    ['skipAwait false', { skipAwait: false }],
  ])('accepts %s', async (_name, args) => {
    const mocks = await MeshReleaseMocks.install();
    const app = new App();
    new Mesh(app, 'mesh');
    const release = new MeshRelease('r', { source: app, ...args });
    await mocks.registered(release.resources);
    expect(release.resources.length).toBeGreaterThan(0);
  });

  test.each([undefined, null, 'app', {}])('fails with MESH0500, not a TypeError, on a plan of %p', source => {
    expect(() => planRelease(source as any)).toThrow('[MESH0500] planRelease: source is not a construct: pass the App (every chart), the Mesh (every layer of the mesh) or one Chart');
  });
});

describe('objects', () => {
  test('namespace: given to namespaced objects without one, built-in or custom; cluster-scoped objects and explicit namespaces are kept', () => {
    const app = new App();
    const chart = new Chart(app, 'chart');
    configMap(chart, 'config');
    configMap(chart, 'pinned', 'elsewhere');
    new ApiObject(chart, 'reader', { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole', metadata: { name: 'reader' }, rules: [] });
    crd(chart, 'widgets', 'Widget');
    crd(chart, 'realms', 'Realm', 'Cluster');
    custom(chart, 'widget', 'Widget');
    custom(chart, 'realm', 'Realm');
    const names = planRelease(app, { namespace: 'team' }).flatMap(c => c.objects).map(o => o.name);
    expect(names.sort()).toEqual(['elsewhere/pinned', 'reader', 'realm', 'realms.example.com', 'team/config', 'team/widget', 'widgets.example.com']);
    // Without the option, nothing is added: the provider's namespace applies.
    expect(planRelease(app).flatMap(c => c.objects).map(o => o.manifest.metadata.namespace).filter(n => n)).toEqual(['elsewhere']);
  });

  test('namespace: a custom kind whose CRD the release lacks is MESH0502', () => {
    const app = new App();
    const chart = new Chart(app, 'chart');
    custom(chart, 'mystery', 'Mystery');
    expect(() => planRelease(app, { namespace: 'team' })).toThrow("[MESH0502] chart/mystery: Mystery 'mystery' names no namespace, and its kind is neither "
      + "built into Kubernetes nor defined by a CustomResourceDefinition of this release, so whether the release's namespace 'team' applies is unknown: "
      + 'set metadata.namespace on it, or add its CRD to the App');
    custom(chart, 'known', 'Mystery', 'team');
    expect(() => planRelease(app)).not.toThrow();
  });

  test('two objects of one kind, namespace and name are MESH0503, across charts too', () => {
    const app = new App();
    configMap(new Chart(app, 'one'), 'config', 'default');
    const two = new Chart(app, 'two');
    new ApiObject(two, 'again', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'config', namespace: 'default' } });
    expect(() => planRelease(app)).toThrow("[MESH0503] two/again: ConfigMap 'default/config' is also synthesized by 'one/config': "
      + 'Kubernetes keeps one object per kind, namespace and name, so rename one of them');
  });

  test('an object patched out of its name or kind is MESH0501', () => {
    const app = new App();
    const chart = new Chart(app, 'chart');
    configMap(chart, 'config', 'default').addJsonPatch(JsonPatch.remove('/metadata/name'));
    expect(() => planRelease(app)).toThrow('[MESH0501] chart/config: the object has no apiVersion, kind or metadata.name after synthesis');
    const app2 = new App();
    configMap(new Chart(app2, 'chart'), 'config', 'default').addJsonPatch(JsonPatch.remove('/kind'));
    expect(() => planRelease(app2)).toThrow('[MESH0501] chart/config: the object has no apiVersion, kind or metadata.name after synthesis');
  });

  test('a top-level field the typed class would drop is MESH0505, never lost silently', async () => {
    await MeshReleaseMocks.install();
    const app = new App();
    const chart = new Chart(app, 'chart');
    configMap(chart, 'config', 'default', { dataa: { typo: 'yes' } });
    expect(() => new MeshRelease('typo', { source: app })).toThrow("[MESH0505] chart/config: kubernetes:core/v1:ConfigMap in @pulumi/kubernetes has no input for 'dataa', "
      + 'so the field would not reach the cluster: upgrade @pulumi/kubernetes, or move the field where the kind has it');
  });

  test('kinds the SDK has no class for are custom resources with the provider\'s type token', async () => {
    const mocks = await MeshReleaseMocks.install();
    const app = new App();
    const chart = new Chart(app, 'chart');
    new ApiObject(chart, 'metrics', { apiVersion: 'metrics.k8s.io/v1beta1', kind: 'NodeMetrics', metadata: { name: 'n' } });
    new ApiObject(chart, 'cert', { apiVersion: 'cert-manager.io/v1', kind: 'Certificate', metadata: { name: 'c', namespace: 'default' }, spec: {} });
    const release = new MeshRelease('kinds', { source: app });
    await mocks.registered(release.resources);
    expect(mocks.objects.map(o => [o.type, o.name]).sort()).toEqual([
      ['kubernetes:cert-manager.io/v1:Certificate', 'kinds:default/c'],
      ['kubernetes:metrics.k8s.io/v1beta1:NodeMetrics', 'kinds:n'],
    ]);
  });
});

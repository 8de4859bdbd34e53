import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, Testing } from 'cdk8s';
import {
  AccessPolicy, CircuitBreaker, EgressGateway, FaultInjection, Mesh, MeshLayer, MeshService, MeshTesting, MtlsMode, MtlsPolicy, PolicyScope, Protocol,
  RateLimit, RetryPolicy, Severity, TelemetryPolicy, Timeout, TrafficSplit, TrafficTarget,
} from '../src';
import { withoutPodSecurity } from './support/pod-security';
import { newService, ofKind, synthErrors } from './support/util';

/** A fresh app writing into a temporary folder. */
function tempApp(): App {
  return new App({ outdir: fs.mkdtempSync(path.join(os.tmpdir(), 'mesh-')) });
}

/** What `app.synth()` threw, or '' when it did not. */
function synthFailure(app: App): string {
  try {
    app.synth();
    return '';
  } catch (e) {
    return (e as Error).message;
  }
}

/** Runs `fn` and returns every line it wrote to stderr. */
function stderrOf(fn: () => void): string[] {
  const lines: string[] = [];
  const spy = jest.spyOn(process.stderr, 'write').mockImplementation((chunk: any) => {
    lines.push(...String(chunk).split('\n').filter(l => l.length > 0));
    return true;
  });
  try {
    fn();
  } finally {
    spy.mockRestore();
  }
  return lines;
}

describe('every mistake at once', () => {
  test('fails with every independent mistake of a program in one run, each behind its construct path once', () => {
    // GIVEN a program with four unrelated mistakes
    const app = tempApp();
    const mesh = new Mesh(app, 'shop', { rootNamespace: 'Bad_Root' });
    const web = new MeshService(mesh, 'web', { serviceName: '9-Lives', ports: [{ port: 8080, protocol: Protocol.HTTP }] });
    web.addVersion('v1', { image: 'example/web:v1' });
    new MeshService(mesh, 'db', { ports: [{ port: 5432, protocol: Protocol.TCP, name: 'http-db' }] }).addVersion('v1', { image: 'postgres' });
    const api = newService(mesh, 'api', ['v1', 'v2']);
    const split = new TrafficSplit(mesh, 'api-split', { service: api });
    split.addRoute({ targets: [TrafficTarget.version('v1', 70), TrafficTarget.version('v3', 20)] });

    // WHEN
    const message = synthFailure(app);

    // THEN every one is reported, with its path once, in the order cdk8s walks the tree
    const reported = message.split('\n').slice(1).map(l => l.trim());
    expect(message.split('\n')[0]).toEqual('Validation failed with the following errors:');
    expect(reported).toEqual(synthErrors(mesh));
    expect(reported).toEqual(expect.arrayContaining([
      "[shop] [MESH0001] rootNamespace 'Bad_Root' is not a valid DNS label: use at most 63 lowercase letters, digits and '-', starting and ending with a letter or digit",
      "[shop/web] [MESH0001] serviceName '9-Lives' is not a valid DNS label: use at most 63 lowercase letters, digits and '-', starting and ending with a letter or digit",
      "[shop/db] [MESH0011] port 5432 name 'http-db' does not start with its protocol 'tcp': Istio selects the protocol by the name prefix, use 'tcp' or 'tcp-<suffix>'",
      '[shop/api-split] [MESH0102] route 1 weights add up to 90 (v1=70, v3=20): make them add up to 100',
      "[shop/api-split] [MESH0101] route 1: subset 'v3' is not a version of service 'api' (versions: v1, v2): add it with addVersion('v3', ...) or route to an existing version",
    ]));
    for (const line of reported) {
      expect(line).toMatch(/^\[[^\]]+\] \[MESH\d{4}\] /);
      expect(line.split('shop/').length).toBeLessThanOrEqual(2);
    }

    // AND nothing was written
    expect(fs.readdirSync(app.outdir)).toEqual([]);
  });

  test('the order of the program does not matter: revisions and versions may come after what uses them', () => {
    // GIVEN services that name a revision and a namespace revision before the control plane exists
    const mesh = new Mesh(Testing.app(), 'mesh');
    const web = newService(mesh, 'web', ['v1'], { namespace: 'shop' });
    const api = newService(mesh, 'api', ['v1'], { revision: 'canary' });
    new TrafficSplit(mesh, 'split', { service: web, routes: [{ targets: [TrafficTarget.version('v2')] }] });
    mesh.setNamespaceRevision('shop', 'canary');

    // WHEN the revision and the version are added last
    mesh.addControlPlane('canary', { revision: 'canary' });
    web.addVersion('v2', { image: 'example/web:v2' });

    // THEN
    expect(synthErrors(mesh)).toEqual([]);
    expect(web.controlPlane.revision).toEqual('canary');
    expect(api.controlPlane.revision).toEqual('canary');
    const workloads = ofKind(Testing.synth(mesh), 'Deployment');
    expect(workloads.map(d => [d.metadata.name, d.spec.template.metadata.labels['istio.io/rev']])).toEqual([['web-v1', 'canary'], ['web-v2', 'canary'], ['api-v1', 'canary']]);
    expect(withoutPodSecurity(Testing.synth(mesh._layer(MeshLayer.NAMESPACES)).find(n => n.metadata.name === 'shop').metadata.labels)).toEqual({ 'istio.io/rev': 'canary' });
  });

  test('fails at synth, not before, on a revision that never appears', () => {
    // GIVEN
    const mesh = new Mesh(Testing.app(), 'mesh');
    newService(mesh, 'api', ['v1'], { revision: 'canary' });
    mesh.setNamespaceRevision('shop', 'stable');

    // THEN
    expect(synthErrors(mesh)).toEqual([
      "[mesh] [MESH0036] namespace 'shop' uses revision 'stable', but no control plane has it (revisions: default): add it with Mesh.addControlPlane()",
      "[mesh/api] [MESH0036] service 'api' uses revision 'canary', but no control plane has it (revisions: default): add it with Mesh.addControlPlane()",
    ]);
  });
});

test('fails with the mistake, not a crash, when the analysis meets a construct that recorded one', () => {
  // GIVEN a service with an invalid namespace, which the access analysis asks about
  const mesh = new Mesh(Testing.app(), 'mesh');
  const api = newService(mesh, 'api', ['v1'], { namespace: 'Bad_NS' });
  const web = newService(mesh, 'web');
  new AccessPolicy(mesh, 'api-access', { service: api, allow: [{ from: web }] });

  // THEN
  expect(synthErrors(mesh)).toEqual([
    "[mesh/api] [MESH0001] namespace 'Bad_NS' is not a valid DNS label: use at most 63 lowercase letters, digits and '-', starting and ending with a letter or digit",
  ]);
});

test('fails with the mesh\'s own mistakes and what the analysis finds in the mesh, together', () => {
  // GIVEN a mesh with a bad prop (recorded as it is created) and a namespace revision no control plane has (analysis)
  const mesh = new Mesh(Testing.app(), 'mesh', { trustDomain: 'Not_A_Domain' });
  mesh.setNamespaceRevision('shop', 'stable');

  // THEN
  expect(synthErrors(mesh)).toEqual([
    "[mesh] [MESH0001] trustDomain 'Not_A_Domain' is not a valid DNS name: use lowercase letters, digits, '-' and '.'",
    "[mesh] [MESH0036] namespace 'shop' uses revision 'stable', but no control plane has it (revisions: default): add it with Mesh.addControlPlane()",
  ]);
});

test('fails with a coded error, not a crash, on an empty namespace', () => {
  const mesh = new Mesh(Testing.app(), 'mesh');
  newService(mesh, 'web', ['v1'], { namespace: '' });
  expect(synthErrors(mesh)).toEqual([
    "[mesh/web] [MESH0001] namespace '' is not a valid DNS label: use at most 63 lowercase letters, digits and '-', starting and ending with a letter or digit",
  ]);
});

test('a namespace shared by a gateway and a service is enrolled in injection, whichever came first', () => {
  for (const gatewayFirst of [true, false]) {
    const mesh = new Mesh(Testing.app(), 'mesh');
    if (gatewayFirst) {
      new EgressGateway(mesh, 'gw', { namespace: 'edge' });
    }
    newService(mesh, 'web', ['v1'], { namespace: 'edge' });
    if (!gatewayFirst) {
      new EgressGateway(mesh, 'gw', { namespace: 'edge' });
    }
    const edge = Testing.synth(mesh._layer(MeshLayer.NAMESPACES)).find(n => n.metadata.name === 'edge');
    expect([gatewayFirst, withoutPodSecurity(edge.metadata.labels)]).toEqual([gatewayFirst, { 'istio-injection': 'enabled' }]);
  }
});

describe('the same object written twice', () => {
  test('fails on two services sharing a ServiceAccount name, naming both', () => {
    // GIVEN
    const mesh = new Mesh(Testing.app(), 'shop');
    newService(mesh, 'web', ['v1'], { serviceAccountName: 'shared' });
    newService(mesh, 'api', ['v1'], { serviceAccountName: 'shared' });

    // THEN
    expect(synthErrors(mesh)).toEqual([
      "[shop/api/ServiceAccount/Resource] [MESH0008] ServiceAccount 'default/shared' is also written by shop/web/ServiceAccount/Resource: the cluster keeps one object per kind, namespace and name, give one of them another name",
    ]);
  });

  test('fails on two meshes in one App colliding on cluster-wide objects, reported once, on the second mesh', () => {
    // GIVEN
    const app = Testing.app();
    new Mesh(app, 'one');
    const two = new Mesh(app, 'two');

    // THEN one error says it all, instead of one MESH0008 per CRD, webhook, role and root-namespace object
    expect(synthErrors(two)).toEqual([
      '[two] [MESH0046] the App already has a Mesh (one): both would write the same cluster-wide objects (CRDs, the injector webhook, cluster roles, '
      + 'the root namespace), so put each Mesh in an App of its own',
    ]);
  });

  test('a service and a version of one name, or objects of different kinds with one name, are fine', () => {
    const mesh = new Mesh(Testing.app(), 'shop');
    newService(mesh, 'web', ['v1']);
    newService(mesh, 'web-v1', ['v2'], { namespace: 'other' });
    expect(synthErrors(mesh)).toEqual([]);
  });
});

describe('warnings at synth', () => {
  test('every warning is printed to stderr during synthesis, once, one line each with its code and path', () => {
    // GIVEN a service nothing may call and one without versions
    const app = tempApp();
    const mesh = new Mesh(app, 'shop');
    newService(mesh, 'web', []);
    mesh.denyByDefault();

    // WHEN
    const printed = stderrOf(() => app.synth());

    // THEN
    expect(printed).toEqual([
      "warning: [MESH0111] shop/web: service 'web' has no versions, so its Service selects no pods: add one with addVersion()",
      "warning: [MESH0303] shop/web: service 'web' has no AccessPolicy under deny-by-default, so nothing may call it: allow its callers with an AccessPolicy",
    ]);
    expect(fs.readdirSync(app.outdir).length).toBeGreaterThan(0);
    // analyze() still returns them for tests
    expect(mesh.analyze().map(f => [f.code, f.severity])).toEqual([['MESH0111', Severity.WARNING], ['MESH0303', Severity.WARNING]]);
  });

  test('fails on warnings with failOnWarnings, for CI', () => {
    // GIVEN
    const app = tempApp();
    const mesh = new Mesh(app, 'shop', { failOnWarnings: true });
    newService(mesh, 'web', []);

    // WHEN
    let message = '';
    stderrOf(() => {
      message = synthFailure(app);
    });

    // THEN
    expect(message).toEqual("Validation failed with the following errors:\n  [shop/web] [MESH0111] service 'web' has no versions, so its Service selects no pods: add one with addVersion()\n"
      + "  [shop/web] [MESH0303] service 'web' has no AccessPolicy under deny-by-default, so nothing may call it: allow its callers with an AccessPolicy");
    expect(fs.readdirSync(app.outdir)).toEqual([]);
  });

  test('a second synthesis reports the same, once', () => {
    // GIVEN (a mesh that does not deny by default: a service without an AccessPolicy is no warning)
    const app = tempApp();
    const mesh = new Mesh(app, 'shop', { failOnWarnings: true, denyByDefault: false });
    newService(mesh, 'web', []);

    // THEN
    stderrOf(() => {
      expect(synthErrors(mesh)).toEqual(["[shop/web] [MESH0111] service 'web' has no versions, so its Service selects no pods: add one with addVersion()"]);
      expect(synthErrors(mesh)).toEqual(["[shop/web] [MESH0111] service 'web' has no versions, so its Service selects no pods: add one with addVersion()"]);
    });

    // AND once fixed, nothing is left over from the earlier run
    (mesh.node.findChild('web') as MeshService).addVersion('v1', { image: 'example/web:v1' });
    expect(synthErrors(mesh)).toEqual([]);
  });
});

describe('plain JavaScript callers get coded errors, not crashes', () => {
  test('fails on a MeshService without props, reported at synth', () => {
    const mesh = new Mesh(Testing.app(), 'mesh');
    new MeshService(mesh, 'web', undefined as any);
    expect(synthErrors(mesh)).toEqual([
      '[mesh/web] [MESH0006] ports is missing: give the service its ports, e.g. [{ port: 8080, protocol: Protocol.HTTP }]',
    ]);
  });

  test.each([
    ['Timeout.of()', () => Timeout.of(undefined as any), '[MESH0006] Timeout.of: duration is missing: give a cdk8s Duration, e.g. Duration.seconds(5)'],
    ['RetryPolicy.of()', () => RetryPolicy.of(undefined as any), '[MESH0006] RetryPolicy.of: options is missing: give at least the attempts, e.g. RetryPolicy.of({ attempts: 3 })'],
    ['RetryPolicy.of({})', () => RetryPolicy.of({} as any), '[MESH0006] RetryPolicy.of: attempts is missing: give the number of attempts, e.g. RetryPolicy.of({ attempts: 3 })'],
    ['CircuitBreaker.of()', () => CircuitBreaker.of(undefined as any), '[MESH0006] CircuitBreaker.of: options is missing: give at least one limit, e.g. CircuitBreaker.of({ maxConnections: 100 })'],
    ['FaultInjection.of()', () => FaultInjection.of(undefined as any), '[MESH0050] FaultInjection.of: injects nothing: give a delay, an abort or both'],
  ])('fails on %s, naming the factory', (_name, act, message) => {
    expect(act).toThrow(message);
  });

  test('fails on an AccessPolicy caller or service that is a plain object', () => {
    // GIVEN
    const mesh = new Mesh(Testing.app(), 'mesh');
    const api = newService(mesh, 'api');
    new AccessPolicy(mesh, 'access', { service: api, allow: [{ from: { serviceName: 'web' } as any }] });

    // THEN
    expect(synthErrors(mesh)).toEqual([
      '[mesh/access] [MESH0009] caller is not a service or gateway of a mesh: name a MeshService, one imported with MeshService.fromName(), or a gateway',
    ]);
    expect(() => new AccessPolicy(mesh, 'other', { service: { serviceName: 'web' } as any })).toThrow(
      '[MESH0009] mesh/other: service is not a service of a mesh: name a MeshService, or one imported with MeshService.fromName()');
  });

  test('fails on revoking something that is not an identity, at synth', () => {
    const mesh = new Mesh(Testing.app(), 'mesh');
    mesh.revokeIdentity(undefined as any);
    expect(synthErrors(mesh)).toEqual([
      '[mesh] [MESH0009] revokeIdentity() was given something that is not a service or gateway of a mesh: name a MeshService, one imported with MeshService.fromName(), or a gateway',
    ]);
  });
});

describe('every object has its namespace', () => {
  test('policies and routes in namespaces where no service of the mesh lives get their Namespace', () => {
    // GIVEN policies and routing for namespaces and an imported service that nothing else of the mesh uses
    const mesh = new Mesh(Testing.app(), 'mesh');
    const web = newService(mesh, 'web');
    const ledger = MeshService.fromName(mesh, 'ledger', 'ledger', { namespace: 'finance', versions: ['v1'] });
    new MtlsPolicy(mesh, 'apps-mtls', { mode: MtlsMode.PERMISSIVE, scope: PolicyScope.namespace('apps') });
    new TelemetryPolicy(mesh, 'ops-telemetry', { scope: PolicyScope.namespace('ops'), accessLogging: {} });
    new AccessPolicy(mesh, 'ledger-access', { service: ledger, allow: [{ from: web }] });
    new TrafficSplit(mesh, 'ledger-split', { service: ledger, routes: [{ targets: [TrafficTarget.version('v1')] }] });
    new RateLimit(mesh, 'ledger-limit', { service: MeshService.fromName(mesh, 'audit', 'audit', { namespace: 'audit' }), requests: 10 });

    // WHEN
    const manifests = MeshTesting.synth(mesh);
    const rendered = new Set(manifests.filter(m => m.kind === 'Namespace').map(m => m.metadata.name));

    // THEN every namespace an object is written into is itself written
    const used = [...new Set(manifests.map(m => m.metadata.namespace).filter((ns): ns is string => ns !== undefined))].sort();
    // (istio-cni: the Istio CNI node agent's)
    expect(used).toEqual(['apps', 'audit', 'default', 'finance', 'istio-cni', 'istio-system', 'ops']);
    expect(used.filter(ns => !rendered.has(ns))).toEqual([]);
  });
});

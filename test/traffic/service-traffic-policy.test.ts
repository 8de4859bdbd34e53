import { ApiObject, App, Duration, Testing } from 'cdk8s';
import { Construct } from 'constructs';
import {
  CircuitBreaker, HttpMethod, LoadBalancer, Mesh, MeshService, MeshServiceBase, MeshTesting, RetryPolicy, ServiceTrafficPolicy, Timeout, TrafficSplit,
  TrafficTarget,
} from '../../src';
import { validateManifests } from '../support/schemas';
import { openMesh, newService, synthErrors } from '../support/util';

describe('ServiceTrafficPolicy', () => {
  test('gives an imported service its settings: its VirtualService and DestinationRule use them', () => {
    // GIVEN
    const mesh = openMesh();
    const ledger = MeshService.fromName(mesh, 'ledger', 'ledger', { namespace: 'finance' }) as MeshServiceBase;

    // WHEN
    const policy = new ServiceTrafficPolicy(mesh, 'ledger-traffic', {
      service: ledger,
      timeout: Timeout.of(Duration.millis(1500)),
      retries: RetryPolicy.of({ attempts: 2 }),
      circuitBreaker: CircuitBreaker.of({ maxConnections: 10 }),
      loadBalancer: LoadBalancer.random(),
    });
    const manifests = Testing.synth(mesh);

    // THEN
    expect(manifests).toMatchSnapshot();
    expect(synthErrors(mesh)).toEqual([]);
    expect(policy.service).toBe(ledger);
    expect(policy.timeout).toEqual(Timeout.of(Duration.millis(1500)));
    expect(policy.retries).toEqual(RetryPolicy.of({ attempts: 2 }));
    expect(policy.circuitBreaker).toEqual(CircuitBreaker.of({ maxConnections: 10 }));
    expect(policy.loadBalancer).toEqual(LoadBalancer.random());
    expect(ledger.trafficPolicy).toEqual({
      timeout: policy.timeout, retries: policy.retries, circuitBreaker: policy.circuitBreaker, loadBalancer: policy.loadBalancer,
    });
    // the routing objects are the service's (named after it, beside it in the tree), not the policy's
    expect(ledger.virtualService?.node.path).toEqual('mesh/ledger/VirtualService');
    expect(ledger.destinationRule?.node.path).toEqual('mesh/ledger/DestinationRule');
    expect(MeshTesting.find(manifests, 'VirtualService', 'ledger', 'finance').spec).toEqual({
      hosts: ['ledger.finance.svc.cluster.local'],
      http: [{ name: 'default', route: [{ destination: { host: 'ledger.finance.svc.cluster.local' } }], timeout: '1500ms', retries: { attempts: 2 } }],
    });
    expect(MeshTesting.find(manifests, 'DestinationRule', 'ledger', 'finance').spec).toEqual({
      host: 'ledger.finance.svc.cluster.local',
      trafficPolicy: { loadBalancer: { simple: 'RANDOM' }, connectionPool: { tcp: { maxConnections: 10 } } },
    });
    expect(validateManifests(manifests)).toEqual([]);
  });

  test.each([
    ['timeout', { timeout: Timeout.of(Duration.seconds(1)) }, ['VirtualService']],
    ['retries', { retries: RetryPolicy.of({ attempts: 3 }) }, ['VirtualService']],
    ['circuitBreaker', { circuitBreaker: CircuitBreaker.of({ maxRequests: 5 }) }, ['DestinationRule']],
    ['loadBalancer', { loadBalancer: LoadBalancer.roundRobin() }, ['DestinationRule']],
  ])('makes only the objects its settings need: %s', (_name, settings, kinds) => {
    // GIVEN
    const mesh = openMesh();
    const ledger = MeshService.fromName(mesh, 'ledger', 'ledger');

    // WHEN
    new ServiceTrafficPolicy(mesh, 'p', { service: ledger, ...settings });

    // THEN
    expect(Testing.synth(mesh).map(m => m.kind).filter(k => k !== 'PeerAuthentication').sort()).toEqual(kinds);
  });

  test('without auto mTLS the DestinationRule it makes states the TLS mode', () => {
    const mesh = openMesh({ autoMtls: false });
    const ledger = MeshService.fromName(mesh, 'ledger', 'ledger');
    new ServiceTrafficPolicy(mesh, 'p', { service: ledger, timeout: Timeout.of(Duration.seconds(1)) });
    expect(MeshTesting.find(Testing.synth(mesh), 'DestinationRule', 'ledger').spec).toEqual({
      host: 'ledger.default.svc.cluster.local',
      trafficPolicy: { tls: { mode: 'ISTIO_MUTUAL' } },
    });
  });

  test('gives a MeshService the same objects as its props would', () => {
    // GIVEN the same settings, once in the props and once in a policy
    const settings = { timeout: Timeout.of(Duration.seconds(2)), circuitBreaker: CircuitBreaker.of({ maxConnections: 3 }) };
    const withProps = openMesh();
    newService(withProps, 'web', ['v1'], settings);
    const withPolicy = openMesh();
    const web = newService(withPolicy, 'web', ['v1']);

    // WHEN
    new ServiceTrafficPolicy(withPolicy, 'web-traffic', { service: web, ...settings });

    // THEN (the policy's objects come later in the tree, so later in the output)
    const byName = (manifests: any[]) => [...manifests].sort((a, b) => `${a.kind}/${a.metadata.name}`.localeCompare(`${b.kind}/${b.metadata.name}`));
    expect(byName(Testing.synth(withPolicy))).toEqual(byName(Testing.synth(withProps)));
    expect(synthErrors(withPolicy)).toEqual([]);
    expect(web.trafficPolicy).toEqual(settings);
  });

  test("its timeout and retries are the defaults of a TrafficSplit's routes", () => {
    // GIVEN
    const mesh = openMesh();
    const ledger = MeshService.fromName(mesh, 'ledger', 'ledger', { versions: ['v1', 'v2'] });

    // WHEN the policy comes after the split
    new TrafficSplit(mesh, 'split', {
      service: ledger,
      routes: [
        { name: 'canary', matches: [{ method: HttpMethod.POST }], targets: [TrafficTarget.version('v2')], timeout: Timeout.of(Duration.seconds(9)) },
        { name: 'stable', targets: [TrafficTarget.version('v1')] },
      ],
    });
    new ServiceTrafficPolicy(mesh, 'p', { service: ledger, timeout: Timeout.of(Duration.seconds(3)), retries: RetryPolicy.of({ attempts: 1 }) });

    // THEN a route's own setting wins, the policy's fills in the rest
    const http = MeshTesting.find(Testing.synth(mesh), 'VirtualService', 'ledger').spec.http;
    expect(http.map((r: any) => [r.name, r.timeout, r.retries])).toEqual([
      ['canary', '9s', { attempts: 1 }],
      ['stable', '3s', { attempts: 1 }],
    ]);
  });

  test("the mesh's analysis reads the policy's settings", () => {
    // GIVEN locality load balancing without outlier detection, set through a policy
    const mesh = openMesh();
    const web = newService(mesh, 'web');

    // WHEN
    new ServiceTrafficPolicy(mesh, 'web-traffic', { service: web, loadBalancer: LoadBalancer.roundRobin({ locality: { failover: [{ from: 'us', to: 'eu' }] } }) });

    // THEN
    expect(mesh.analyze().map(f => [f.code, f.path])).toContainEqual(['MESH0113', 'mesh/web']);
  });

  test("fails on settings in both a MeshService's props and a policy", () => {
    // GIVEN
    const mesh = openMesh();
    const web = newService(mesh, 'web', ['v1'], { timeout: Timeout.of(Duration.seconds(1)), retries: RetryPolicy.of({ attempts: 2 }) });

    // WHEN
    new ServiceTrafficPolicy(mesh, 'web-traffic', { service: web, loadBalancer: LoadBalancer.random() });

    // THEN the props stand
    expect(synthErrors(mesh)).toEqual([
      "[mesh/web-traffic] [MESH0115] service 'web' already sets timeout, retries in its props: give a service's traffic settings in one place, its props or one ServiceTrafficPolicy",
    ]);
    expect(web.trafficPolicy).toEqual({ timeout: Timeout.of(Duration.seconds(1)), retries: RetryPolicy.of({ attempts: 2 }) });
  });

  test('fails on two policies for one service, reported on the later one in the tree whatever the order they were made in', () => {
    // GIVEN a scope made first, so that what is made in it later still comes first in the tree
    const mesh = openMesh();
    const early = new Construct(mesh, 'early');
    const web = newService(mesh, 'web');

    // WHEN
    new ServiceTrafficPolicy(mesh, 'late', { service: web, timeout: Timeout.of(Duration.seconds(1)) });
    const first = new ServiceTrafficPolicy(early, 'first', { service: web, timeout: Timeout.of(Duration.seconds(2)) });

    // THEN
    expect(synthErrors(mesh)).toEqual([
      "[mesh/late] [MESH0116] service 'web' already has a ServiceTrafficPolicy (mesh/early/first): give every traffic setting of a service in that one",
    ]);
    expect(web.trafficPolicy.timeout).toBe(first.timeout);
  });

  test('fails on two policies for two imports of one service', () => {
    const mesh = openMesh();
    const a = MeshService.fromName(mesh, 'a', 'ledger', { namespace: 'finance' });
    const b = MeshService.fromName(mesh, 'b', 'ledger', { namespace: 'finance' });
    new ServiceTrafficPolicy(mesh, 'pa', { service: a, timeout: Timeout.of(Duration.seconds(1)) });
    new ServiceTrafficPolicy(mesh, 'pb', { service: b, timeout: Timeout.of(Duration.seconds(1)) });
    // Each import writes the service's VirtualService, so the two objects collide as well (MESH0008).
    expect(synthErrors(mesh)).toEqual([
      "[mesh/b/VirtualService] [MESH0008] VirtualService 'finance/ledger' is also written by mesh/a/VirtualService: the cluster keeps one object per kind, namespace and name, give one of them another name",
      "[mesh/pb] [MESH0116] service 'ledger' already has a ServiceTrafficPolicy (mesh/pa): give every traffic setting of a service in that one",
    ]);
  });

  test.each([
    ['a service of another mesh', "[mesh/p] [MESH0108] service 'web' belongs to another mesh (other): give settings to a service of this mesh, or import it with MeshService.fromName()"],
    ['a construct that is not a service', "[mesh/p] [MESH0108] service 'mesh/thing' is not a MeshService: define it with new MeshService() or MeshService.fromName()"],
  ])('fails on %s', (what, message) => {
    // GIVEN
    const mesh = openMesh();
    const service = what === 'a construct that is not a service'
      ? Object.assign(new Construct(mesh, 'thing'), { serviceName: 'thing', namespace: 'default', mesh })
      : newService(new Mesh(Testing.app(), 'other'), 'web');

    // WHEN
    new ServiceTrafficPolicy(mesh, 'p', { service: service as any, timeout: Timeout.of(Duration.seconds(1)) });

    // THEN nothing is made for it
    expect(synthErrors(mesh)).toEqual([message]);
    expect(App.of(mesh).node.findAll().filter(c => ApiObject.isApiObject(c) && ['VirtualService', 'DestinationRule'].includes(c.kind))).toEqual([]);
  });

  test('fails without a service (plain JavaScript)', () => {
    const mesh = openMesh();
    expect(() => new ServiceTrafficPolicy(mesh, 'p', {} as any)).toThrow('[MESH0006] mesh/p: service is missing: name the service whose traffic the settings apply to');
  });
});

import { Duration } from 'cdk8s';
import {
  AccessPolicy, EgressGateway, ExternalService, IngressGateway, MeshService, MeshTesting, Mirror, Protocol, RoutingApi, Severity, Timeout,
  TrafficSplit, TrafficTarget,
} from '../../src';
import { synthChecked } from '../gateway-api/gateway-api-schemas';
import { validateManifests } from '../support/schemas';
import { newMesh, newService, openMesh, synthErrors } from '../support/util';

describe('exportTo', () => {
  test('is written on the VirtualService and DestinationRule of a service, and on the ServiceEntry and egress VirtualService of an external service', () => {
    // GIVEN
    const mesh = openMesh({ autoMtls: false });
    const db = newService(mesh, 'db', ['v1', 'v2'], { exportTo: ['.', 'shop'], timeout: Timeout.of(Duration.seconds(2)) });
    new TrafficSplit(mesh, 'split', { service: db, routes: [{ targets: [TrafficTarget.version('v1', 50), TrafficTarget.version('v2', 50)] }] });
    const egress = new EgressGateway(mesh, 'egress');
    const ext = new ExternalService(mesh, 'payments', { hosts: ['api.payments.example'], exportTo: ['.', 'istio-system'], egressGateway: egress });

    // WHEN
    const manifests = MeshTesting.synth(mesh);

    // THEN
    expect(db.exportTo).toEqual(['.', 'shop']);
    expect(MeshTesting.find(manifests, 'VirtualService', 'db').spec.exportTo).toEqual(['.', 'shop']);
    expect(MeshTesting.find(manifests, 'DestinationRule', 'db').spec.exportTo).toEqual(['.', 'shop']);
    expect(ext.exportTo).toEqual(['.', 'istio-system']);
    expect(MeshTesting.find(manifests, 'ServiceEntry', 'payments').spec.exportTo).toEqual(['.', 'istio-system']);
    expect(MeshTesting.find(manifests, 'VirtualService', 'payments-egress').spec.exportTo).toEqual(['.', 'istio-system']);
    expect(synthErrors(mesh)).toEqual([]);
    expect(validateManifests(manifests)).toEqual([]);
  });

  test('is written on the routing objects of an imported service', () => {
    const mesh = openMesh();
    const ledger = MeshService.fromName(mesh, 'ledger', 'ledger', { namespace: 'finance', versions: ['v1'], exportTo: ['.', 'shop'] });
    new TrafficSplit(mesh, 'split', { service: ledger, routes: [{ targets: [TrafficTarget.version('v1')] }] });
    const manifests = MeshTesting.synth(mesh);
    expect(MeshTesting.find(manifests, 'VirtualService', 'ledger', 'finance').spec.exportTo).toEqual(['.', 'shop']);
    expect(MeshTesting.find(manifests, 'DestinationRule', 'ledger', 'finance').spec.exportTo).toEqual(['.', 'shop']);
    expect(synthErrors(mesh)).toEqual([]);
  });

  test('is left out when not given', () => {
    const mesh = openMesh();
    const db = newService(mesh, 'db', ['v1'], { timeout: Timeout.of(Duration.seconds(2)) });
    new ExternalService(mesh, 'payments', { hosts: ['api.payments.example'] });
    const manifests = MeshTesting.synth(mesh);
    expect(db.exportTo).toBeUndefined();
    expect(MeshTesting.find(manifests, 'VirtualService', 'db').spec).not.toHaveProperty('exportTo');
    expect(MeshTesting.find(manifests, 'ServiceEntry', 'payments').spec).not.toHaveProperty('exportTo');
  });

  test.each([
    ['an entry that is no namespace', ['Shop'], false,
      "[mesh/db] [MESH0888] exportTo entry 'Shop' is not '.', '*' or a namespace name: give a namespace (a DNS label), '.' for the service's own namespace or '*' for every namespace"],
    ['~ on a service', ['~'], false,
      "[mesh/db] [MESH0888] exportTo entry '~' is not '.', '*' or a namespace name: give a namespace (a DNS label), '.' for the service's own namespace or '*' for every namespace"],
    ['an empty list', [], false,
      "[mesh/db] [MESH0888] exportTo is empty: list the namespaces that may see the service's routing ('.' for its own, '*' for all), or omit it to keep the mesh's default"],
    ['. and the own namespace', ['.', 'default'], false,
      "[mesh/db] [MESH0889] exportTo lists '.' and 'default' (the service's own namespace) twice: list each namespace once"],
    ['a namespace twice', ['shop', 'shop'], false, "[mesh/db] [MESH0889] exportTo lists 'shop' twice: list each namespace once"],
    ['* with others', ['*', 'shop'], false,
      "[mesh/db] [MESH0890] exportTo has '*' (every namespace) with other entries (*, shop), which istiod refuses: give '*' alone, or only namespaces"],
    ['~ with others on an external service', ['~', 'shop'], true,
      "[mesh/db] [MESH0890] exportTo has '~' (no namespace but its own proxies) with other entries (~, shop), which istiod refuses: give '~' alone, or only namespaces"],
  ])('fails on %s', (_, exportTo, external, message) => {
    // GIVEN
    const mesh = openMesh();

    // WHEN
    if (external) {
      new ExternalService(mesh, 'db', { hosts: ['db.example.com'], exportTo });
    } else {
      newService(mesh, 'db', ['v1'], { exportTo });
    }

    // THEN
    expect(synthErrors(mesh)).toEqual([message]);
  });

  test('~ alone is accepted on an external service', () => {
    const mesh = openMesh();
    new ExternalService(mesh, 'db', { hosts: ['db.example.com'], exportTo: ['~'] });
    expect(synthErrors(mesh)).toEqual([]);
  });

  test('fails on callers the program names in namespaces the routing is hidden from', () => {
    // GIVEN a service exported to its own namespace only
    const mesh = newMesh();
    const db = newService(mesh, 'db', ['v1', 'v2'], { exportTo: ['.'] });
    const web = newService(mesh, 'web', ['v1'], { namespace: 'shop' });
    const admin = newService(mesh, 'admin', ['v1']);
    const gateway = new IngressGateway(mesh, 'gw');

    // WHEN an AccessPolicy, a route match and a gateway name callers in other namespaces
    new AccessPolicy(mesh, 'db-access', { service: db, allow: [{ from: web }, { from: admin }, { from: gateway }] });
    new TrafficSplit(mesh, 'split', {
      service: db,
      routes: [{ matches: [{ sourceService: web }], targets: [TrafficTarget.version('v2')] }, { targets: [TrafficTarget.version('v1')] }],
    });
    gateway.addRoute({ service: db });

    // THEN each is reported once, on the service; the caller in the service's own namespace is not
    const hidden = mesh.analyze().filter(f => f.code === 'MESH0891');
    expect(hidden.map(f => [f.severity, f.path, f.message])).toEqual([
      [Severity.ERROR, 'mesh/db', "caller 'web' in namespace 'shop' calls service 'db' (its AccessPolicy (mesh/db-access) allows it), but exportTo (.) hides its routing (VirtualService, DestinationRule), so that caller's requests bypass it: no weights, subsets, timeouts, retries or circuit breaker apply: add 'shop' to exportTo, or stop naming that caller"],
      [Severity.ERROR, 'mesh/db', "caller 'gw' in namespace 'istio-ingress' calls service 'db' (its AccessPolicy (mesh/db-access) allows it), but exportTo (.) hides its routing (VirtualService, DestinationRule), so that caller's requests bypass it: no weights, subsets, timeouts, retries or circuit breaker apply: add 'istio-ingress' to exportTo, or stop naming that caller"],
      [Severity.ERROR, 'mesh/db', "calling service 'web' in namespace 'shop' calls service 'db' (a route of mesh/split matches it), but exportTo (.) hides its routing (VirtualService, DestinationRule), so that caller's requests bypass it: no weights, subsets, timeouts, retries or circuit breaker apply: add 'shop' to exportTo, or stop naming that caller"],
      [Severity.ERROR, 'mesh/db', "ingress gateway 'gw' in namespace 'istio-ingress' calls service 'db' (it routes to the service), but exportTo (.) hides its routing (VirtualService, DestinationRule), so that caller's requests bypass it: no weights, subsets, timeouts, retries or circuit breaker apply: add 'istio-ingress' to exportTo, or stop naming that caller"],
    ]);
  });

  test('fails when a service mirrors to a version of one whose routing is hidden from the mirroring service\'s callers', () => {
    // GIVEN an open mesh (no AccessPolicy admits the mirroring service's callers to audit) and an audit service
    // exported to its own namespace only
    const mesh = openMesh();
    const audit = newService(mesh, 'audit', ['v1', 'v2'], { namespace: 'audit', exportTo: ['.'] });
    const orders = newService(mesh, 'orders', ['v1']);
    const web = newService(mesh, 'web', ['v1'], { namespace: 'shop' });
    const gateway = new IngressGateway(mesh, 'gw');

    // WHEN the orders routes mirror to audit v2: the copies are sent by the proxies of orders' callers
    new AccessPolicy(mesh, 'orders-access', { service: orders, allow: [{ from: web }] });
    new TrafficSplit(mesh, 'split', {
      service: orders,
      routes: [{ targets: [TrafficTarget.version('v1')], mirrors: [Mirror.to(audit, { version: 'v2' })] }],
    });
    gateway.addRoute({ service: orders });

    // THEN each caller that cannot see audit's subsets is reported, on audit
    const hidden = mesh.analyze().filter(f => f.code === 'MESH0891');
    expect(hidden.map(f => [f.severity, f.path, f.message])).toEqual([
      [Severity.ERROR, 'mesh/audit', "caller 'web' in namespace 'shop' calls service 'audit' (its requests to service 'orders' are mirrored to it by mesh/split), but exportTo (.) hides its routing (VirtualService, DestinationRule), so that caller's requests bypass it: no weights, subsets, timeouts, retries or circuit breaker apply: add 'shop' to exportTo, or stop naming that caller"],
      [Severity.ERROR, 'mesh/audit', "ingress gateway 'gw' in namespace 'istio-ingress' calls service 'audit' (its requests to service 'orders' are mirrored to it by mesh/split), but exportTo (.) hides its routing (VirtualService, DestinationRule), so that caller's requests bypass it: no weights, subsets, timeouts, retries or circuit breaker apply: add 'istio-ingress' to exportTo, or stop naming that caller"],
    ]);
  });

  test('callers in exported namespaces, or a service without routing objects, are not reported', () => {
    // GIVEN
    const mesh = newMesh();
    const db = newService(mesh, 'db', ['v1', 'v2'], { exportTo: ['.', 'shop'] });
    const cache = newService(mesh, 'cache', ['v1'], { exportTo: ['.'] });
    const web = newService(mesh, 'web', ['v1'], { namespace: 'shop' });

    // WHEN
    new AccessPolicy(mesh, 'db-access', { service: db, allow: [{ from: web }] });
    new AccessPolicy(mesh, 'cache-access', { service: cache, allow: [{ from: web }] });
    new TrafficSplit(mesh, 'split', { service: db, routes: [{ targets: [TrafficTarget.version('v1')] }] });

    // THEN
    expect(mesh.analyze().filter(f => f.code === 'MESH0891')).toEqual([]);
  });

  test('fails when an egress gateway routes an external service hidden from its namespace', () => {
    const mesh = openMesh();
    const egress = new EgressGateway(mesh, 'egress');
    new ExternalService(mesh, 'payments', { hosts: ['api.payments.example'], exportTo: ['.'], egressGateway: egress });
    expect(mesh.analyze().filter(f => f.code === 'MESH0891').map(f => `${f.path} ${f.message}`)).toEqual([
      `mesh/payments egress gateway 'egress' in namespace '${egress.namespace}' calls external service 'payments' (calls to it are routed through it), but exportTo (.) hides its ServiceEntry and VirtualService, so the gateway does not know the host and cannot forward the calls: add '${egress.namespace}' to exportTo, or stop naming that caller`,
    ]);
  });

  test('with the Gateway API, a routed service with exportTo fails, or stays in Istio\'s API when allowed', () => {
    // GIVEN
    const strict = openMesh({ routingApi: RoutingApi.GATEWAY_API });
    const db = newService(strict, 'db', ['v1', 'v2'], { exportTo: ['.'] });
    new TrafficSplit(strict, 'split', { service: db, routes: [{ targets: [TrafficTarget.version('v1', 50), TrafficTarget.version('v2', 50)] }] });

    // THEN
    expect(synthErrors(strict)).toEqual([
      "[mesh/db] [MESH0892] exportTo (.) limits which namespaces see the service's routing, which the Gateway API cannot express (its routes have no exportTo: they apply to callers in every namespace), so service 'db' cannot be routed with it: drop exportTo, or set the mesh's allowIstioApiFallback",
    ]);

    // GIVEN the fallback
    const lenient = openMesh({ routingApi: RoutingApi.GATEWAY_API, allowIstioApiFallback: true });
    const db2 = newService(lenient, 'db', ['v1', 'v2'], { exportTo: ['.'] });
    new TrafficSplit(lenient, 'split', { service: db2, routes: [{ targets: [TrafficTarget.version('v1', 50), TrafficTarget.version('v2', 50)] }] });

    // WHEN
    const objects = synthChecked(lenient.charts);

    // THEN
    expect(objects.find(o => o.kind === 'VirtualService' && o.metadata.name === 'db').spec.exportTo).toEqual(['.']);
    expect(objects.filter(o => o.kind === 'HTTPRoute')).toEqual([]);
  });

  test('a service without routing keeps the Gateway API', () => {
    const mesh = openMesh({ routingApi: RoutingApi.GATEWAY_API });
    new MeshService(mesh, 'db', { ports: [{ port: 8080, protocol: Protocol.HTTP }], exportTo: ['.'] });
    expect(synthErrors(mesh)).toEqual([]);
  });
});

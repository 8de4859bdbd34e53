/**
 * Hostile inputs to routes, hosts, gateways, external services and policies: each refused input with its exact
 * message, and the legal neighbour accepted.
 */
import { App, Duration } from 'cdk8s';
import {
  EgressGateway, EgressScope, ExternalService, IngressGateway, LoadBalancer, Mesh, MeshAnalyzer, MeshTesting, MtlsMode, MtlsPolicy,
  PolicyScope, Protocol, ServiceTrafficPolicy, Severity, TelemetryPolicy, Timeout,
} from '../../src';
import { validateManifests } from '../support/schemas';
import { openMesh, newService, synthErrors } from '../support/util';

/** The warnings the mesh prints at synth, as `[path] [CODE] message`. */
function warnings(mesh: Mesh): string[] {
  return MeshAnalyzer.analyze(mesh).filter(f => f.severity === Severity.WARNING).map(f => `[${f.path}] [${f.code}] ${f.message}`);
}

describe('ExternalService hosts', () => {
  test.each([
    ['a 64-character label', `${'a'.repeat(64)}.example.com`,
      `[mesh/ext] [MESH0130] host '${'a'.repeat(64)}.example.com' is not a host name: use 'api.example.com' (or '*.example.com' with resolution NONE)`],
    ['an IP address', '10.0.0.1',
      "[mesh/ext] [MESH0130] host '10.0.0.1' is an IP address, not a host name: a ServiceEntry is called by name, use the name clients call (e.g. 'api.example.com')"],
    ['a cluster-local name', 'web.default.svc.cluster.local',
      "[mesh/ext] [MESH0182] host 'web.default.svc.cluster.local' is a name inside the cluster, which the mesh already knows: an ExternalService is for hosts outside it, name the service with MeshService.fromName()"],
    ['a .svc name', 'web.default.svc',
      "[mesh/ext] [MESH0182] host 'web.default.svc' is a name inside the cluster, which the mesh already knows: an ExternalService is for hosts outside it, name the service with MeshService.fromName()"],
  ])('fails on %s', (_, host, message) => {
    // GIVEN
    const mesh = openMesh();
    // WHEN
    new ExternalService(mesh, 'ext', { hosts: [host] });
    // THEN
    expect(synthErrors(mesh)).toEqual([message]);
  });

  test('fails on one host listed twice, once', () => {
    // GIVEN
    const mesh = openMesh();
    // WHEN
    new ExternalService(mesh, 'ext', { hosts: ['api.example.com', 'b.example.com', 'api.example.com'] });
    // THEN
    expect(synthErrors(mesh)).toEqual(["[mesh/ext] [MESH0181] host 'api.example.com' is listed twice: list each host once"]);
  });

  test('takes 63-character labels, a 253-character name and names with digits', () => {
    // GIVEN
    const mesh = openMesh();
    const long = `${'a'.repeat(63)}.${'b'.repeat(63)}.${'c'.repeat(63)}.${'d'.repeat(61)}`;
    // WHEN
    new ExternalService(mesh, 'ext', { hosts: [long, '10.0.0.1.example.com', 'api.example.com'] });
    // THEN
    expect(synthErrors(mesh)).toEqual([]);
    expect(MeshTesting.find(MeshTesting.synth(mesh), 'ServiceEntry', 'ext').spec.hosts).toEqual([long, '10.0.0.1.example.com', 'api.example.com']);
  });
});

describe('ExternalService names and ports', () => {
  test('fails on the name of a service of its namespace, defined after it', () => {
    // GIVEN
    const mesh = openMesh();
    // WHEN
    new ExternalService(mesh, 'ext', { hosts: ['api.example.com'], name: 'web' });
    newService(mesh, 'web');
    // THEN
    expect(synthErrors(mesh)).toEqual([
      "[mesh/ext] [MESH0183] name 'web' is the name of service mesh/web in namespace 'default': the ServiceEntry and the Service would share one name for two destinations, give the external service another name (e.g. 'web-external')",
    ]);
  });

  test('takes the name of a service of another namespace', () => {
    // GIVEN
    const mesh = openMesh();
    newService(mesh, 'web');
    // WHEN
    new ExternalService(mesh, 'ext', { hosts: ['api.example.com'], name: 'web', namespace: 'partners' });
    // THEN
    expect(synthErrors(mesh)).toEqual([]);
  });

  test.each([
    [443, Protocol.HTTP, '[mesh/ext] [MESH0184] port 443 is HTTP, but clients call 443 with TLS (https://), which the proxy would read as plain HTTP and fail: make it Protocol.HTTPS or Protocol.TLS, or use port 80 for plain HTTP'],
    [80, Protocol.TLS, '[mesh/ext] [MESH0184] port 80 is TLS, but clients call 80 with plain HTTP (http://), which the proxy would expect to be TLS and fail: make it Protocol.HTTP, or use port 443 for TLS'],
    [80, Protocol.HTTPS, '[mesh/ext] [MESH0184] port 80 is HTTPS, but clients call 80 with plain HTTP (http://), which the proxy would expect to be TLS and fail: make it Protocol.HTTP, or use port 443 for TLS'],
  ])('warns of port %d as %s', (port, protocol, message) => {
    // GIVEN
    const mesh = openMesh();
    // WHEN
    new ExternalService(mesh, 'ext', { hosts: ['api.example.com'], ports: [{ port, protocol }] });
    // THEN
    expect(synthErrors(mesh)).toEqual([]);
    expect(warnings(mesh)).toEqual([message]);
  });

  test('does not warn of HTTPS on 443 and HTTP on 80', () => {
    // GIVEN
    const mesh = openMesh();
    // WHEN
    new ExternalService(mesh, 'ext', { hosts: ['api.example.com'], ports: [{ port: 443, protocol: Protocol.HTTPS }, { port: 80, protocol: Protocol.HTTP }] });
    // THEN
    expect(warnings(mesh)).toEqual([]);
  });
});

describe('EgressScope services', () => {
  test('fails on service and namespace both', () => {
    // GIVEN
    const mesh = openMesh();
    // WHEN
    new EgressScope(mesh, 'scope', { service: newService(mesh, 'web'), namespace: 'default' });
    // THEN
    expect(synthErrors(mesh)).toEqual([
      "[mesh/scope] [MESH0185] service 'web' and namespace 'default' are both given, but a scope is one service's workloads or a whole namespace's: drop namespace to scope the service, or service to scope the namespace",
    ]);
  });

  test('fails on services of another mesh', () => {
    // GIVEN
    const mesh = openMesh();
    const other = new Mesh(new App(), 'other');
    // WHEN
    new EgressScope(mesh, 'scope', { service: newService(other, 'web') }).allowService(newService(other, 'api'));
    // THEN
    expect(synthErrors(mesh)).toEqual([
      "[mesh/scope] [MESH0186] service 'web' belongs to another mesh (other): scope a service of this mesh, or import it with MeshService.fromName()",
      "[mesh/scope] [MESH0186] allowService() was given service 'api' of another mesh (other): allow a service of this mesh, or import it with MeshService.fromName()",
    ]);
  });

  test('takes a service of this mesh, and a namespace alone', () => {
    // GIVEN
    const mesh = openMesh();
    const web = newService(mesh, 'web');
    // WHEN
    new EgressScope(mesh, 'scope', { service: web }).allowService(newService(mesh, 'api'));
    new EgressScope(mesh, 'ns', { namespace: 'default' });
    // THEN
    expect(synthErrors(mesh)).toEqual([]);
  });
});

describe('traffic settings', () => {
  test.each([
    ['api', "[MESH0187] LoadBalancer.consistentHashByCookie: path \"api\" is not an absolute path: a cookie path starts with '/' and has no spaces, ';' or control characters (RFC 6265), e.g. '/api'"],
    ['/a;b', "[MESH0187] LoadBalancer.consistentHashByCookie: path \"/a;b\" is not an absolute path: a cookie path starts with '/' and has no spaces, ';' or control characters (RFC 6265), e.g. '/api'"],
  ])('fails on cookie path %s', (path, message) => {
    expect(() => LoadBalancer.consistentHashByCookie('session', { path })).toThrow(message);
  });

  test('takes an absolute cookie path', () => {
    expect(() => LoadBalancer.consistentHashByCookie('session', { path: '/api', ttl: Duration.seconds(5) })).not.toThrow();
  });

  test('fails on a ServiceTrafficPolicy with no setting', () => {
    // GIVEN
    const mesh = openMesh();
    // WHEN
    new ServiceTrafficPolicy(mesh, 'policy', { service: newService(mesh, 'web') });
    // THEN
    expect(synthErrors(mesh)).toEqual([
      '[mesh/policy] [MESH0188] no setting is given, so the policy would change nothing: give timeout, retries, circuitBreaker, loadBalancer, connectionPool, outlierDetection or portPolicies, or remove it',
    ]);
  });

  test('takes a ServiceTrafficPolicy with one setting', () => {
    // GIVEN
    const mesh = openMesh();
    // WHEN
    new ServiceTrafficPolicy(mesh, 'policy', { service: newService(mesh, 'web'), timeout: Timeout.of(Duration.seconds(5)) });
    // THEN
    expect(synthErrors(mesh)).toEqual([]);
  });
});

describe('ingress gateway route hosts', () => {
  test.each([
    ['empty', ''], ['a space', 'a b.com'], ['a scheme', 'http://a.com'], ['a path', 'a.com/x'], ['a port', 'a.com:80'], ['uppercase', 'A.com'], ['a wildcard inside', 'a.*.com'],
  ])('fails on %s', (_, host) => {
    // GIVEN
    const mesh = openMesh();
    const gw = new IngressGateway(mesh, 'gw');
    // WHEN
    gw.addRoute({ service: newService(mesh, 'web'), hosts: [host] });
    // THEN
    expect(synthErrors(mesh)).toEqual([
      `[mesh/gw] [MESH0189] route host ${JSON.stringify(host)} is not a host name: use a lowercase name such as 'shop.example.com', '*.example.com' or '*', without scheme, port or path`,
    ]);
  });

  test('takes host names and wildcards', () => {
    // GIVEN
    const mesh = openMesh();
    const gw = new IngressGateway(mesh, 'gw');
    // WHEN
    gw.addRoute({ service: newService(mesh, 'web'), hosts: ['shop.example.com', '*.example.org'] });
    // THEN
    expect(synthErrors(mesh)).toEqual([]);
  });

  test("a listener host 'ns/host' puts the route's VirtualService in that namespace", () => {
    // GIVEN
    const mesh = openMesh();
    const gw = new IngressGateway(mesh, 'gw', { listeners: [{ port: 80, protocol: Protocol.HTTP, hosts: ['shop/a.example.com', './b.example.com'] }] });
    // WHEN
    gw.addRoute({ service: newService(mesh, 'web'), hosts: ['a.example.com'] });
    gw.addRoute({ service: newService(mesh, 'api'), hosts: ['b.example.com'] });
    // THEN
    expect(synthErrors(mesh)).toEqual([]);
    const manifests = MeshTesting.synth(mesh);
    expect(validateManifests(manifests)).toEqual([]);
    expect(MeshTesting.find(manifests, 'Gateway', 'gw').spec.servers[0].hosts).toEqual(['shop/a.example.com', './b.example.com']);
    const routes = manifests.filter((m: any) => m.kind === 'VirtualService' && m.spec.gateways?.includes('istio-ingress/gw'));
    expect(routes.map((r: any) => [r.metadata.namespace, r.spec.hosts])).toEqual([['shop', ['a.example.com']], ['istio-ingress', ['b.example.com']]]);
  });

  test('fails on a route whose hosts are bound from two namespaces', () => {
    // GIVEN
    const mesh = openMesh();
    const gw = new IngressGateway(mesh, 'gw', { listeners: [{ port: 80, protocol: Protocol.HTTP, hosts: ['one/a.example.com', 'two/b.example.com'] }] });
    // WHEN
    gw.addRoute({ service: newService(mesh, 'web') });
    // THEN
    expect(synthErrors(mesh)).toEqual([
      "[mesh/gw] [MESH0191] route hosts a.example.com, b.example.com are bound from different namespaces (one, two) by the listeners' '<namespace>/<host>' hosts, but one route is one VirtualService in one namespace: add a route for each namespace's hosts",
    ]);
  });
});

describe('egress gateway with nothing routed through it', () => {
  test('serves its listeners as declared, so that its Gateway has servers', () => {
    // GIVEN
    const mesh = openMesh();
    // WHEN
    new EgressGateway(mesh, 'egress', { listeners: [{ port: 443, protocol: Protocol.TLS, hosts: ['api.example.com'] }] });
    // THEN
    expect(synthErrors(mesh)).toEqual([]);
    const manifests = MeshTesting.synth(mesh);
    expect(validateManifests(manifests)).toEqual([]);
    expect(MeshTesting.find(manifests, 'Gateway', 'egress').spec.servers.map((s: any) => [s.port.number, s.hosts])).toEqual([[443, ['api.example.com']]]);
  });

  test('serves only the hosts routed through it once something is', () => {
    // GIVEN
    const mesh = openMesh();
    const egress = new EgressGateway(mesh, 'egress');
    // WHEN
    new ExternalService(mesh, 'ext', { hosts: ['api.example.com'], ports: [{ port: 443, protocol: Protocol.TLS }], egressGateway: egress });
    // THEN
    expect(synthErrors(mesh)).toEqual([]);
    expect(MeshTesting.find(MeshTesting.synth(mesh), 'Gateway', 'egress').spec.servers.map((s: any) => [s.port.number, s.hosts])).toEqual([[443, ['api.example.com']]]);
  });
});

describe('proxy options', () => {
  test('warns of a port both included and excluded', () => {
    // GIVEN
    const mesh = openMesh();
    // WHEN
    newService(mesh, 'web', ['v1'], { proxy: { includeInboundPorts: [8080, 9090], excludeInboundPorts: [9090] } });
    // THEN
    expect(synthErrors(mesh)).toEqual([]);
    expect(warnings(mesh)).toEqual([
      '[mesh/web] [MESH0190] proxy.includeInboundPorts and proxy.excludeInboundPorts both list 9090: with listed include ports Istio ignores excludeInboundPorts, so the proxy still takes that traffic, list each port in one of them',
    ]);
  });

  test("takes '*' in includeOutboundIpRanges (every address), not in excludeOutboundIpRanges", () => {
    // GIVEN
    const mesh = openMesh();
    // WHEN
    newService(mesh, 'web', ['v1'], { proxy: { includeOutboundIpRanges: ['*'], includeInboundPorts: [8080], excludeInboundPorts: [9090] } });
    newService(mesh, 'api', ['v1'], { proxy: { excludeOutboundIpRanges: ['*'] } });
    // THEN
    expect(synthErrors(mesh)).toEqual([
      "[mesh/api] [MESH0027] proxy.excludeOutboundIpRanges has '*', which is not a CIDR range: write it as '10.0.0.0/8' or 'fd00::/8'",
    ]);
    expect(warnings(mesh)).toEqual([]);
  });
});

describe('policy scopes', () => {
  test('fails on PolicyScope.workload() of a service of another mesh', () => {
    // GIVEN
    const mesh = openMesh();
    const other = new Mesh(new App(), 'other');
    // WHEN
    new MtlsPolicy(mesh, 'mtls', { mode: MtlsMode.STRICT, scope: PolicyScope.workload(newService(other, 'web')) });
    // THEN
    expect(synthErrors(mesh)).toContain(
      "[mesh/mtls] [MESH0213] scope PolicyScope.workload() names service 'web' of another mesh (other): select a service of this mesh, or import it with MeshService.fromName()",
    );
  });

  test('fails on a TelemetryPolicy for a service of another mesh', () => {
    // GIVEN
    const mesh = openMesh();
    const other = new Mesh(new App(), 'other');
    // WHEN
    new TelemetryPolicy(mesh, 'telemetry', { scope: PolicyScope.workload(newService(other, 'web')), tracing: { samplingPercentage: 50 } });
    // THEN
    expect(synthErrors(mesh)).toContain(
      "[mesh/telemetry] [MESH0213] scope PolicyScope.workload() names service 'web' of another mesh (other): select a service of this mesh, or import it with MeshService.fromName()",
    );
  });

  test('takes PolicyScope.workload() of a service of this mesh', () => {
    // GIVEN
    const mesh = openMesh();
    // WHEN
    new MtlsPolicy(mesh, 'mtls', { mode: MtlsMode.PERMISSIVE, scope: PolicyScope.workload(newService(mesh, 'web')) });
    // THEN
    expect(synthErrors(mesh)).toEqual([]);
  });
});

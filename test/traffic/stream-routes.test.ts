import {
  IngressGateway, MeshDiagram, MeshProps, MeshService, MeshTesting, Protocol, RoutingApi, Severity, TrafficSplit, TrafficTarget,
} from '../../src';
import { synthChecked } from '../gateway-api/gateway-api-schemas';
import { validateManifests } from '../support/schemas';
import { newService, openMesh, synthErrors } from '../support/util';

const DB_HOST = 'db.default.svc.cluster.local';

/** A database with a TCP port, a TLS port and an HTTP admin port, in two versions. */
function database(props: MeshProps = {}) {
  const mesh = openMesh(props);
  const db = newService(mesh, 'db', ['v1', 'v2'], {
    ports: [{ port: 5432, protocol: Protocol.TCP }, { port: 5433, protocol: Protocol.TLS }, { port: 8080, protocol: Protocol.HTTP }],
  });
  const api = newService(mesh, 'api', ['v1'], { namespace: 'shop' });
  return { mesh, db, api };
}

describe('TCP and TLS routes of a TrafficSplit', () => {
  test('a weighted TCP canary and an SNI route render the VirtualService tcp and tls sections, and their subsets', () => {
    // GIVEN
    const { mesh, db, api } = database();

    // WHEN
    const split = new TrafficSplit(mesh, 'split', {
      service: db,
      tcpRoutes: [
        { port: 5432, sourceService: api, destinationSubnets: ['10.1.0.0/16'], targets: [TrafficTarget.version('v2')] },
        { port: 5432, targets: [TrafficTarget.version('v1', 90), TrafficTarget.version('v2', 10)] },
      ],
    });
    split.addTlsRoute({ port: 5433, sourceNamespace: 'shop', targets: [TrafficTarget.version('v2')] });
    const manifests = MeshTesting.synth(mesh);

    // THEN
    expect(MeshTesting.find(manifests, 'VirtualService', 'db').spec).toEqual({
      hosts: [DB_HOST],
      // The admin port keeps the default route.
      http: [{ name: 'default', route: [{ destination: { host: DB_HOST } }] }],
      tcp: [
        {
          match: [{ port: 5432, sourceLabels: { app: 'api' }, sourceNamespace: 'shop', destinationSubnets: ['10.1.0.0/16'] }],
          route: [{ destination: { host: DB_HOST, subset: 'v2', port: { number: 5432 } } }],
        },
        {
          match: [{ port: 5432 }],
          route: [
            { destination: { host: DB_HOST, subset: 'v1', port: { number: 5432 } }, weight: 90 },
            { destination: { host: DB_HOST, subset: 'v2', port: { number: 5432 } }, weight: 10 },
          ],
        },
      ],
      tls: [{
        match: [{ port: 5433, sniHosts: [DB_HOST], sourceNamespace: 'shop' }],
        route: [{ destination: { host: DB_HOST, subset: 'v2', port: { number: 5433 } } }],
      }],
    });
    expect(MeshTesting.find(manifests, 'DestinationRule', 'db').spec.subsets).toEqual([
      { name: 'v1', labels: { version: 'v1' } }, { name: 'v2', labels: { version: 'v2' } },
    ]);
    expect(split.versionsUsed).toEqual(['v1', 'v2']);
    expect(split.tcpRoutes.map(r => r.port)).toEqual([5432, 5432]);
    expect(split.tlsRoutes.map(r => r.sourceNamespace)).toEqual(['shop']);
    expect(split.routes).toEqual([]);
    expect(synthErrors(mesh)).toEqual([]);
    expect(validateManifests(manifests)).toEqual([]);
  });

  test('a TCP route without conditions takes every connection; a split on a TCP-only service has no http section', () => {
    // GIVEN
    const mesh = openMesh();
    const broker = newService(mesh, 'broker', ['v1', 'v2'], { ports: [{ port: 9092, protocol: Protocol.TCP }] });

    // WHEN
    new TrafficSplit(mesh, 'split', { service: broker, tcpRoutes: [{ targets: [TrafficTarget.version('v1', 50), TrafficTarget.version('v2', 50)] }] });
    const manifests = MeshTesting.synth(mesh);

    // THEN no MESH0107: the split has no HTTP route
    expect(synthErrors(mesh)).toEqual([]);
    expect(MeshTesting.find(manifests, 'VirtualService', 'broker').spec).toEqual({
      hosts: ['broker.default.svc.cluster.local'],
      tcp: [{
        route: [
          { destination: { host: 'broker.default.svc.cluster.local', subset: 'v1' }, weight: 50 },
          { destination: { host: 'broker.default.svc.cluster.local', subset: 'v2' }, weight: 50 },
        ],
      }],
    });
    expect(validateManifests(manifests)).toEqual([]);
  });

  test('an imported service (defined elsewhere) gets its TCP canary too', () => {
    // GIVEN a broker another program deploys
    const mesh = openMesh();
    const broker = MeshService.fromName(mesh, 'broker', 'broker', { namespace: 'queues', ports: [{ port: 5672, protocol: Protocol.TCP }], versions: ['v1', 'v2'] });

    // WHEN
    new TrafficSplit(mesh, 'split', { service: broker, tcpRoutes: [{ port: 5672, targets: [TrafficTarget.version('v1', 80), TrafficTarget.version('v2', 20)] }] });
    const manifests = MeshTesting.synth(mesh);

    // THEN
    const host = 'broker.queues.svc.cluster.local';
    expect(MeshTesting.find(manifests, 'VirtualService', 'broker', 'queues').spec).toEqual({
      hosts: [host],
      tcp: [{
        match: [{ port: 5672 }],
        route: [
          { destination: { host, subset: 'v1', port: { number: 5672 } }, weight: 80 },
          { destination: { host, subset: 'v2', port: { number: 5672 } }, weight: 20 },
        ],
      }],
    });
    expect(MeshTesting.find(manifests, 'DestinationRule', 'broker', 'queues').spec.subsets.map((x: any) => x.name)).toEqual(['v1', 'v2']);
    expect(synthErrors(mesh)).toEqual([]);
  });

  test('a gateway\'s TCP route goes through the service\'s TCP canary; a route with caller conditions is skipped', () => {
    // GIVEN
    const { mesh, db, api } = database();
    const gw = new IngressGateway(mesh, 'gw', { listeners: [{ port: 5432, protocol: Protocol.TCP }] });
    new TrafficSplit(mesh, 'split', {
      service: db,
      tcpRoutes: [
        { port: 5432, sourceService: api, targets: [TrafficTarget.version('v2')] },
        { port: 5432, targets: [TrafficTarget.version('v1', 90), TrafficTarget.version('v2', 10)] },
      ],
    });

    // WHEN
    gw.addTcpRoute({ port: 5432, service: db, servicePort: 5432 });
    const manifests = MeshTesting.synth(mesh);

    // THEN
    expect(manifests.find(m => m.kind === 'VirtualService' && m.metadata.name === 'gw-streams').spec.tcp).toEqual([{
      match: [{ port: 5432 }],
      route: [
        { destination: { host: DB_HOST, subset: 'v1', port: { number: 5432 } }, weight: 90 },
        { destination: { host: DB_HOST, subset: 'v2', port: { number: 5432 } }, weight: 10 },
      ],
    }]);
    expect(synthErrors(mesh)).toEqual([]);
  });

  test('with the Gateway API, a gateway\'s TCPRoute carries the service\'s TCP canary', () => {
    // GIVEN
    const { mesh, db } = database({ routingApi: RoutingApi.GATEWAY_API });
    const gw = new IngressGateway(mesh, 'gw', { listeners: [{ port: 5432, protocol: Protocol.TCP }] });
    new TrafficSplit(mesh, 'split', { service: db, tcpRoutes: [{ port: 5432, targets: [TrafficTarget.version('v1', 90), TrafficTarget.version('v2', 10)] }] });

    // WHEN
    gw.addTcpRoute({ port: 5432, service: db, servicePort: 5432 });
    const objects = synthChecked(mesh.charts);

    // THEN
    expect(objects.find(o => o.kind === 'TCPRoute' && o.metadata.name === 'gw-tcp-0').spec.rules).toEqual([{
      backendRefs: [
        { group: '', kind: 'Service', name: 'db-v1', namespace: 'default', port: 5432, weight: 90 },
        { group: '', kind: 'Service', name: 'db-v2', namespace: 'default', port: 5432, weight: 10 },
      ],
    }]);
    expect(synthErrors(mesh)).toEqual([]);
  });

  test('the diagram draws each TCP and TLS route to its versions', () => {
    // GIVEN
    const { mesh, db } = database();
    new TrafficSplit(mesh, 'split', {
      service: db,
      tcpRoutes: [{ port: 5432, targets: [TrafficTarget.version('v1', 90), TrafficTarget.version('v2', 10)] }],
      tlsRoutes: [{ targets: [TrafficTarget.version('v2')] }],
    });

    // WHEN
    const dot = MeshDiagram.dot(mesh);

    // THEN
    expect(dot).toContain('TCP route 1: port 5432');
    expect(dot).toContain('90%');
    expect(dot).toContain(`TLS route 1: SNI ${DB_HOST}`);
  });

  test('an L4 route to a version the service does not have is reported like an HTTP one', () => {
    const { mesh, db } = database();
    new TrafficSplit(mesh, 'split', { service: db, tcpRoutes: [{ targets: [TrafficTarget.version('v9')] }] });
    expect(synthErrors(mesh)).toEqual([
      "[mesh/split] [MESH0101] TCP route 1: subset 'v9' is not a version of service 'db' (versions: v1, v2): add it with addVersion('v9', ...) or route to an existing version",
    ]);
  });

  test('fails on an HTTP route of a service without an HTTP port, once however many routes', () => {
    const mesh = openMesh();
    const db = newService(mesh, 'db', ['v1'], { ports: [{ port: 5432, protocol: Protocol.TCP }] });
    new TrafficSplit(mesh, 'split', {
      service: db,
      routes: [{ name: 'a', matches: [], targets: [TrafficTarget.version('v1')] }],
      tcpRoutes: [{ targets: [TrafficTarget.version('v1')] }],
    });
    expect(synthErrors(mesh)).toEqual(["[mesh/split] [MESH0107] service 'db' has no HTTP, HTTP2 or GRPC port (ports: tcp): HTTP routes need one"]);
  });

  test.each([
    ['a port the service does not have', { port: 6000, targets: [TrafficTarget.version('v1')] }, false,
      "[mesh/split] [MESH0880] TCP route 1 port 6000 is not a port of service 'db' (ports: 5432 tcp, 5433 tls, 8080 http): route one of its ports, or omit port to take every TCP port"],
    ['a TCP route on the HTTP port', { port: 8080, targets: [TrafficTarget.version('v1')] }, false,
      '[mesh/split] [MESH0881] TCP route 1 port 8080 is http: Istio routes connections to an HTTP port with HTTP routes only, so the route would never be used: route a TCP, TLS or HTTPS port, or use addRoute() for HTTP'],
    ['a TLS route on the TCP port', { port: 5432, targets: [TrafficTarget.version('v1')] }, true,
      '[mesh/split] [MESH0882] TLS route 1 port 5432 is tcp: a TLS route takes a TLS or HTTPS port: route a TLS or HTTPS port'],
    ['an SNI host that is not the service\'s', { sniHosts: ['other.example.com'], targets: [TrafficTarget.version('v1')] }, true,
      `[mesh/split] [MESH0883] TLS route 1 SNI host 'other.example.com' is not one of the service's hosts (${DB_HOST}), which istiod requires of a VirtualService's TLS route: give one of them, or a name a wildcard host covers`],
    ['empty sniHosts', { sniHosts: [], targets: [TrafficTarget.version('v1')] }, true,
      `[mesh/split] [MESH0883] TLS route 1 sniHosts is empty, so the route takes no connection: give the SNI host names it takes, or omit sniHosts to take the service's hosts (${DB_HOST})`],
    ['a subnet with too long a prefix', { destinationSubnets: ['10.0.0.0/33'], targets: [TrafficTarget.version('v1')] }, false,
      "[mesh/split] [MESH0884] TCP route 1 destination subnet '10.0.0.0/33' is not an IP address or CIDR block: give one such as '10.1.0.0/16' or '10.1.2.3'"],
    ['a subnet that is no address', { destinationSubnets: ['db.local'], targets: [TrafficTarget.version('v1')] }, false,
      "[mesh/split] [MESH0884] TCP route 1 destination subnet 'db.local' is not an IP address or CIDR block: give one such as '10.1.0.0/16' or '10.1.2.3'"],
    ['a namespace that is no DNS label', { sourceNamespace: 'Shop', targets: [TrafficTarget.version('v1')] }, false,
      "[mesh/split] [MESH0001] TCP route 1 sourceNamespace 'Shop' is not a valid DNS label: use at most 63 lowercase letters, digits and '-', starting and ending with a letter or digit"],
    ['weights that do not add up', { targets: [TrafficTarget.version('v1', 90), TrafficTarget.version('v2', 20)] }, false,
      '[mesh/split] [MESH0102] TCP route 1 weights add up to 110 (v1=90, v2=20): make them add up to 100'],
    ['no targets', { targets: undefined }, false,
      "[mesh/split] [MESH0006] TCP route 1 targets is missing: give the versions that receive its connections, e.g. [TrafficTarget.version('v1')]"],
  ])('fails on %s', (_, route, tls, message) => {
    // GIVEN
    const { mesh, db } = database();
    const split = new TrafficSplit(mesh, 'split', { service: db });

    // WHEN
    if (tls) {
      split.addTlsRoute(route as any);
    } else {
      split.addTcpRoute(route as any);
    }

    // THEN
    expect(synthErrors(mesh)).toEqual([message]);
  });

  test('fails on sourceService with sourceNamespace, and on a route an earlier one shadows', () => {
    // GIVEN
    const { mesh, db, api } = database();

    // WHEN
    new TrafficSplit(mesh, 'split', {
      service: db,
      tcpRoutes: [
        { sourceService: api, sourceNamespace: 'shop', targets: [TrafficTarget.version('v1')] },
        { port: 5432, targets: [TrafficTarget.version('v2')] },
        { port: 5432, sourceNamespace: 'shop', targets: [TrafficTarget.version('v1')] },
      ],
      tlsRoutes: [
        { targets: [TrafficTarget.version('v1')] },
        { port: 5433, sniHosts: [DB_HOST], targets: [TrafficTarget.version('v2')] },
      ],
    });

    // THEN
    expect(synthErrors(mesh)).toEqual([
      "[mesh/split] [MESH0885] TCP route 1 gives both sourceService and sourceNamespace 'shop': the source service's namespace is the one matched, give one of them",
      '[mesh/split] [MESH0886] TCP route 3 takes only connections TCP route 2 takes first, so it is never used: give it other conditions, or add it before TCP route 2',
      '[mesh/split] [MESH0886] TLS route 2 takes only connections TLS route 1 takes first, so it is never used: give it other conditions, or add it before TLS route 1',
    ]);
  });
});

describe('TCP and TLS routes with the Gateway API', () => {
  test('GAMMA TCPRoutes and TLSRoutes, one per port, the service as parent, weighted version Services', () => {
    // GIVEN
    const { mesh, db } = database({ routingApi: RoutingApi.GATEWAY_API });

    // WHEN
    new TrafficSplit(mesh, 'split', {
      service: db,
      tcpRoutes: [{ targets: [TrafficTarget.version('v1', 90), TrafficTarget.version('v2', 10)] }],
    });
    const other = database({ routingApi: RoutingApi.GATEWAY_API });
    new TrafficSplit(other.mesh, 'split', {
      service: other.db,
      tlsRoutes: [{ port: 5433, targets: [TrafficTarget.version('v2')] }],
    });
    const objects = [...synthChecked(mesh.charts), ...synthChecked(other.mesh.charts)];
    const named = (kind: string, name: string) => objects.find(o => o.kind === kind && o.metadata.name === name);

    // THEN a TCP route without a port takes the TCP and the TLS port
    expect(objects.filter(o => o.kind === 'VirtualService')).toEqual([]);
    expect(named('TCPRoute', 'db-tcp-5432')).toEqual({
      apiVersion: 'gateway.networking.k8s.io/v1alpha2',
      kind: 'TCPRoute',
      metadata: { name: 'db-tcp-5432', namespace: 'default' },
      spec: {
        parentRefs: [{ group: '', kind: 'Service', name: 'db', port: 5432 }],
        rules: [{
          backendRefs: [
            { group: '', kind: 'Service', name: 'db-v1', port: 5432, weight: 90 },
            { group: '', kind: 'Service', name: 'db-v2', port: 5432, weight: 10 },
          ],
        }],
      },
    });
    expect(named('TCPRoute', 'db-tcp-5433').spec.parentRefs).toEqual([{ group: '', kind: 'Service', name: 'db', port: 5433 }]);
    expect(named('TLSRoute', 'db-tls-5433-1').spec).toEqual({
      parentRefs: [{ group: '', kind: 'Service', name: 'db', port: 5433 }],
      hostnames: [DB_HOST],
      rules: [{ backendRefs: [{ group: '', kind: 'Service', name: 'db-v2', port: 5433 }] }],
    });
    expect(named('Service', 'db-v1')).toBeDefined();
    expect(named('Service', 'db-v2')).toBeDefined();
    expect((mesh.node.findChild('db') as MeshService).gatewayApiRoutes.map(r => r.kind).sort()).toEqual(['HTTPRoute', 'TCPRoute', 'TCPRoute']);
    expect(other.db.gatewayApiRoutes.map(r => r.kind).sort()).toEqual(['HTTPRoute', 'TLSRoute']);
    expect(synthErrors(mesh)).toEqual([]);
    expect(synthErrors(other.mesh)).toEqual([]);
  });

  test('a TCPRoute is written after the version Services it sends connections to (make-before-break)', () => {
    // GIVEN a TCP-only service: no HTTPRoute orders the version Services first
    const mesh = openMesh({ routingApi: RoutingApi.GATEWAY_API });
    const broker = newService(mesh, 'broker', ['v1', 'v2'], { ports: [{ port: 5672, protocol: Protocol.TCP }] });

    // WHEN
    new TrafficSplit(mesh, 'split', {
      service: broker,
      tcpRoutes: [{ targets: [TrafficTarget.version('v1', 90), TrafficTarget.version('v2', 10)] }],
    });
    const objects = MeshTesting.synth(mesh);
    const at = (kind: string, name: string) => objects.findIndex(o => o.kind === kind && o.metadata.name === name);

    // THEN
    expect(at('TCPRoute', 'broker-tcp-5672')).toBeGreaterThan(-1);
    expect(at('Service', 'broker-v1')).toBeGreaterThan(-1);
    expect(at('TCPRoute', 'broker-tcp-5672')).toBeGreaterThan(at('Service', 'broker-v1'));
    expect(at('TCPRoute', 'broker-tcp-5672')).toBeGreaterThan(at('Service', 'broker-v2'));
  });

  test('fails on what a TCPRoute cannot express, or falls back to Istio\'s API when allowed', () => {
    // GIVEN
    const strict = database({ routingApi: RoutingApi.GATEWAY_API });
    const tcpRoutes = [
      { port: 5432, sourceService: strict.api, targets: [TrafficTarget.version('v2')] },
      { port: 5432, targets: [TrafficTarget.version('v1')] },
    ];

    // WHEN
    new TrafficSplit(strict.mesh, 'split', { service: strict.db, tcpRoutes });

    // THEN
    expect(synthErrors(strict.mesh)).toEqual([
      "[mesh/split] [MESH0887] TCP route 1 matches the calling service, which a Gateway API TCPRoute cannot express (it matches only the port), so service 'db' cannot be routed with it: drop the condition, or set the mesh's allowIstioApiFallback",
      "[mesh/split] [MESH0887] TCP route 2 and TCP route 1 both take port 5432, and a Gateway API TCPRoute has no matches (a port has one), so service 'db' cannot be routed with it: give each port one TCP route, or set the mesh's allowIstioApiFallback",
    ]);

    // GIVEN a TCP route on the port of a TLS route
    const shared = database({ routingApi: RoutingApi.GATEWAY_API });
    new TrafficSplit(shared.mesh, 'split', {
      service: shared.db,
      tcpRoutes: [{ port: 5433, targets: [TrafficTarget.version('v1')] }],
      tlsRoutes: [{ port: 5433, targets: [TrafficTarget.version('v2')] }],
    });

    // THEN
    expect(synthErrors(shared.mesh)).toEqual([
      "[mesh/split] [MESH0887] TCP route 1 and TLS route 1 both take port 5433, and the Gateway API has no order between a TCPRoute and a TLSRoute of one port (Istio's API tries the TLS route first), so service 'db' cannot be routed with it: give each port one TCP route, or set the mesh's allowIstioApiFallback",
    ]);

    // GIVEN the fallback
    const lenient = database({ routingApi: RoutingApi.GATEWAY_API, allowIstioApiFallback: true });
    new TrafficSplit(lenient.mesh, 'split', {
      service: lenient.db,
      tcpRoutes: [{ port: 5432, sourceService: lenient.api, targets: [TrafficTarget.version('v2')] }],
    });

    // WHEN
    const findings = lenient.mesh.analyze();
    const manifests = MeshTesting.synth(lenient.mesh);

    // THEN
    expect(findings.filter(f => f.severity === Severity.WARNING && f.code === 'MESH0745').map(f => f.message)).toEqual([
      "routing stays in Istio's API (VirtualService and DestinationRule with subsets), because the Gateway API cannot express it: TCP route 1 matches the calling service",
    ]);
    expect(MeshTesting.find(manifests, 'VirtualService', 'db').spec.tcp).toHaveLength(1);
    expect(manifests.filter(m => m.kind === 'TCPRoute')).toEqual([]);
  });
});

import { Duration } from 'cdk8s';
import {
  EgressGateway, EgressScope, ExternalService, ExternalTrafficSplit, FaultInjection, HeaderMatch, MeshDiagram, MeshService, MeshTesting, Protocol,
  RetryPolicy, RoutingApi, Severity, StringMatch, Timeout, TrafficSplit, TrafficTarget,
} from '../../src';
import { validateManifests } from '../support/schemas';
import { newMesh, synthErrors } from '../support/util';

const HTTP_AND_HTTPS = [{ port: 80, protocol: Protocol.HTTP }, { port: 8080, protocol: Protocol.HTTP }, { port: 443 }];

describe('ExternalTrafficSplit', () => {
  test('timeout, retries, fault, matches and port routing: one VirtualService per host, with the service\'s exportTo', () => {
    // GIVEN
    const mesh = newMesh();
    const payments = new ExternalService(mesh, 'payments', {
      hosts: ['api.payments.example', 'eu.payments.example'], ports: HTTP_AND_HTTPS, namespace: 'egress', exportTo: ['.', 'shop'],
    });

    // WHEN
    const split = new ExternalTrafficSplit(mesh, 'payments-routes', {
      externalService: payments,
      routes: [{
        name: 'slow-api',
        matches: [{ uri: StringMatch.prefix('/v2'), headers: [HeaderMatch.exact('x-test', 'yes')] }, { port: 80 }],
        port: 8080,
        timeout: Timeout.of(Duration.seconds(3)),
        retries: RetryPolicy.of({ attempts: 4 }),
        fault: FaultInjection.abort(503, 10),
      }],
    });
    split.addRoute({ timeout: Timeout.of(Duration.seconds(10)) });
    const manifests = MeshTesting.synth(mesh);

    // THEN
    const first = {
      name: 'slow-api',
      match: [{ uri: { prefix: '/v2' }, headers: { 'x-test': { exact: 'yes' } } }, { port: 80 }],
      fault: { abort: { httpStatus: 503, percentage: { value: 10 } } },
      timeout: '3s',
      retries: { attempts: 4 },
    };
    expect(MeshTesting.find(manifests, 'VirtualService', 'payments-routes-1', 'egress').spec).toEqual({
      hosts: ['api.payments.example'],
      exportTo: ['.', 'shop'],
      http: [
        { ...first, route: [{ destination: { host: 'api.payments.example', port: { number: 8080 } } }] },
        // without a port, the request goes on to the port it was for
        { timeout: '10s', route: [{ destination: { host: 'api.payments.example' } }] },
      ],
    });
    expect(MeshTesting.find(manifests, 'VirtualService', 'payments-routes-2', 'egress').spec).toEqual({
      hosts: ['eu.payments.example'],
      exportTo: ['.', 'shop'],
      http: [
        { ...first, route: [{ destination: { host: 'eu.payments.example', port: { number: 8080 } } }] },
        { timeout: '10s', route: [{ destination: { host: 'eu.payments.example' } }] },
      ],
    });
    expect(split.routes.map(r => r.name)).toEqual(['slow-api', undefined]);
    expect(ExternalTrafficSplit.isExternalTrafficSplit(split)).toBe(true);
    expect(validateManifests(manifests)).toEqual([]);
  });

  test('one host: the VirtualService has the split\'s name; a redirect goes nowhere else', () => {
    const mesh = newMesh();
    const ext = new ExternalService(mesh, 'ext', { hosts: ['a.example'], ports: [{ port: 80, protocol: Protocol.HTTP }] });
    new ExternalTrafficSplit(mesh, 'ext-routes', {
      externalService: ext,
      routes: [{ matches: [{ uri: StringMatch.exact('/old') }], redirect: { fullPath: '/new' } }, {}],
    });
    const manifests = MeshTesting.synth(mesh);
    expect(MeshTesting.find(manifests, 'VirtualService', 'ext-routes').spec).toEqual({
      hosts: ['a.example'],
      http: [
        { match: [{ uri: { exact: '/old' } }], redirect: { uri: '/new' } },
        { route: [{ destination: { host: 'a.example' } }] },
      ],
    });
    expect(validateManifests(manifests)).toEqual([]);
  });

  test('through an egress gateway: the routes join the sidecar-to-gateway hop of the service\'s egress VirtualService', () => {
    // GIVEN
    const mesh = newMesh();
    const egressGateway = new EgressGateway(mesh, 'egress');
    const ext = new ExternalService(mesh, 'ext', { hosts: ['a.example', 'b.example'], ports: [{ port: 80, protocol: Protocol.HTTP }, { port: 443 }], egressGateway });

    // WHEN
    new ExternalTrafficSplit(mesh, 'ext-routes', {
      externalService: ext,
      routes: [
        { matches: [{ uri: StringMatch.prefix('/slow') }], timeout: Timeout.of(Duration.seconds(2)) },
        { retries: RetryPolicy.of({ attempts: 3 }) },
      ],
    });
    const manifests = MeshTesting.synth(mesh);

    // THEN no VirtualService of its own: two for one host would conflict
    expect(manifests.filter(m => m.kind === 'VirtualService').map(m => m.metadata.name)).toEqual(['ext-egress']);
    const gatewayHost = egressGateway.host;
    const http = MeshTesting.find(manifests, 'VirtualService', 'ext-egress').spec.http;
    const hop = (host: string) => ({ gateways: ['mesh'], port: 80, authority: { exact: host } });
    const toGateway = [{ destination: { host: gatewayHost, port: { number: 80 } } }];
    expect(http).toEqual(['a.example', 'b.example'].flatMap(host => [
      { match: [{ uri: { prefix: '/slow' }, ...hop(host) }], timeout: '2s', route: toGateway },
      { match: [hop(host)], retries: { attempts: 3 }, route: toGateway },
      { match: [hop(host)], route: toGateway },
      {
        match: [{ gateways: [egressGateway.gatewayRef], port: 80, authority: { exact: host } }],
        route: [{ destination: { host, port: { number: 80 } } }],
      },
    ]));
    expect(synthErrors(mesh)).toEqual([]);
    expect(validateManifests(manifests)).toEqual([]);
  });

  test('through an egress gateway, a match on another port is left out of each port\'s hop; the caller\'s labels stay', () => {
    const mesh = newMesh();
    const egressGateway = new EgressGateway(mesh, 'egress', { listeners: [{ port: 80, protocol: Protocol.HTTP }, { port: 8081, protocol: Protocol.HTTP }] });
    const ext = new ExternalService(mesh, 'ext', { hosts: ['a.example'], ports: [{ port: 80, protocol: Protocol.HTTP }, { port: 8081, protocol: Protocol.HTTP }], egressGateway });
    const caller = new MeshService(mesh, 'caller', { ports: [{ port: 80 }] });
    new ExternalTrafficSplit(mesh, 'ext-routes', {
      externalService: ext,
      routes: [{ matches: [{ port: 8081 }, { sourceService: caller }], fault: FaultInjection.abort(500, 50) }],
    });
    const http = MeshTesting.find(MeshTesting.synth(mesh), 'VirtualService', 'ext-egress').spec.http;
    const fault = { abort: { httpStatus: 500, percentage: { value: 50 } } };
    const hop = (port: number) => ({ gateways: ['mesh'], port, authority: { exact: 'a.example' } });
    const to = (port: number) => [{ destination: { host: egressGateway.host, port: { number: port } } }];
    expect(http.filter((r: any) => r.fault)).toEqual([
      { match: [{ sourceLabels: { app: 'caller' }, sourceNamespace: 'default', ...hop(80) }], fault, route: to(80) },
      { match: [hop(8081), { sourceLabels: { app: 'caller' }, sourceNamespace: 'default', ...hop(8081) }], fault, route: to(8081) },
    ]);
    expect(synthErrors(mesh)).toEqual([]);
  });

  test('fails on a source service of another mesh', () => {
    const mesh = newMesh();
    const ext = new ExternalService(mesh, 'payments', { hosts: ['a.example'], ports: [{ port: 80, protocol: Protocol.HTTP }] });
    const caller = new MeshService(newMesh(), 'caller', { ports: [{ port: 80 }] });
    new ExternalTrafficSplit(mesh, 'routes', { externalService: ext, routes: [{ matches: [{ sourceService: caller }] }] });
    expect(synthErrors(mesh)).toEqual(["[mesh/routes] [MESH0108] route 1 matches source service 'caller' of another mesh: name a service of this mesh"]);
  });

  test('with the Gateway API: a coded error, or a VirtualService with allowIstioApiFallback', () => {
    const split = (allowIstioApiFallback: boolean) => {
      const mesh = newMesh({ routingApi: RoutingApi.GATEWAY_API, allowIstioApiFallback });
      const ext = new ExternalService(mesh, 'payments', { hosts: ['a.example'], ports: [{ port: 80, protocol: Protocol.HTTP }] });
      new ExternalTrafficSplit(mesh, 'routes', { externalService: ext, routes: [{ timeout: Timeout.of(Duration.seconds(1)) }] });
      return mesh;
    };
    expect(synthErrors(split(false))).toEqual([
      "[mesh/routes] [MESH0897] external service 'payments' cannot be routed with the Gateway API, which has no parent for a ServiceEntry's hosts: set the mesh's allowIstioApiFallback to route it with a VirtualService, or route it with RoutingApi.ISTIO",
    ]);
    const fallback = split(true);
    expect(synthErrors(fallback)).toEqual([]);
    expect(fallback.analyze().filter(f => f.code === 'MESH0745').map(f => `${f.severity} ${f.path} ${f.message}`)).toEqual([
      `${Severity.WARNING} mesh/routes routing stays in Istio's API (VirtualService and DestinationRule with subsets), because the Gateway API cannot express it: the routes of external service 'payments'`,
    ]);
    expect(MeshTesting.find(MeshTesting.synth(fallback), 'VirtualService', 'routes').spec.http)
      .toEqual([{ timeout: '1s', route: [{ destination: { host: 'a.example' } }] }]);
  });

  test('with the Gateway API, through an egress gateway: the gateway alone reports it, the routes follow its choice', () => {
    const mesh = newMesh({ routingApi: RoutingApi.GATEWAY_API });
    const egressGateway = new EgressGateway(mesh, 'egress');
    const ext = new ExternalService(mesh, 'ext', { hosts: ['a.example'], ports: [{ port: 80, protocol: Protocol.HTTP }], egressGateway });
    new ExternalTrafficSplit(mesh, 'routes', { externalService: ext, routes: [{ timeout: Timeout.of(Duration.seconds(1)) }] });
    expect(synthErrors(mesh).map(e => e.slice(0, 30))).toEqual(['[mesh/egress] [MESH0744] an eg']);
  });

  test('the analysis, the diagram and the egress scope read a mesh with one', () => {
    const mesh = newMesh();
    const egressGateway = new EgressGateway(mesh, 'egress');
    const ext = new ExternalService(mesh, 'ext', { hosts: ['a.example'], ports: [{ port: 80, protocol: Protocol.HTTP }], egressGateway });
    const web = new MeshService(mesh, 'web', { ports: [{ port: 80 }] });
    new EgressScope(mesh, 'web-egress', { service: web, allowExternal: [ext] });
    new ExternalTrafficSplit(mesh, 'routes', { externalService: ext, routes: [{ timeout: Timeout.of(Duration.seconds(1)) }] });
    expect(mesh.analyze().filter(f => f.code >= 'MESH0893' && f.code <= 'MESH0899')).toEqual([]);
    expect(MeshDiagram.dot(mesh)).toContain('a.example');
    expect(MeshTesting.find(MeshTesting.synth(mesh), 'VirtualService', 'ext-egress').spec.http[0].timeout).toEqual('1s');
  });

  test.each([
    ['a port the service does not list', { port: 9090 }, "[mesh/routes] [MESH0894] route 1 port 9090 is not a port of external service 'payments' (ports: 80 http, 8080 http, 443 https): give one of its HTTP ports"],
    ['a match on a port the service does not list', { matches: [{ port: 9090 }] }, "[mesh/routes] [MESH0894] route 1 matches port 9090 is not a port of external service 'payments' (ports: 80 http, 8080 http, 443 https): give one of its HTTP ports"],
    ['an HTTPS port', { port: 443 }, "[mesh/routes] [MESH0895] route 1 port 443 is https, where the sidecar sees no HTTP requests (the application's TLS hides them on HTTPS and TLS ports), so an HTTP route cannot take them: give an HTTP port"],
    ['a match on an HTTPS port', { name: 'tls', matches: [{ port: 443 }] }, "[mesh/routes] [MESH0895] route 'tls' matches port 443 is https, where the sidecar sees no HTTP requests (the application's TLS hides them on HTTPS and TLS ports), so an HTTP route cannot take them: give an HTTP port"],
    ['a port out of range', { port: 70000 }, '[mesh/routes] [MESH0003] route 1 port 70000 is out of range: use a whole number from 1 to 65535'],
    ['a port as a string (from JavaScript)', { port: '80' }, "[mesh/routes] [MESH0091] route 1 port '80' is a string, not a number: give a whole number from 1 to 65535, without quotes"],
    ['targets (from JavaScript)', { targets: [TrafficTarget.version('v1')] }, '[mesh/routes] [MESH0896] route 1 gives targets, but an external service has no versions: leave it out (requests go to the host they were for), or give port to route to another port'],
    ['a mirror (from JavaScript)', { mirror: { version: 'v2' } }, '[mesh/routes] [MESH0896] route 1 gives a mirror, but an external service has no versions: leave it out (requests go to the host they were for), or give port to route to another port'],
  ])('fails on %s', (_what, route: any, message) => {
    // GIVEN
    const mesh = newMesh();
    const payments = new ExternalService(mesh, 'payments', { hosts: ['a.example'], ports: HTTP_AND_HTTPS });

    // WHEN
    new ExternalTrafficSplit(mesh, 'routes', { externalService: payments, routes: [route] });

    // THEN
    expect(synthErrors(mesh)).toEqual([message]);
  });

  test('an HTTP2 or gRPC port takes routes as an HTTP one; a TCP port does not', () => {
    const mesh = newMesh();
    const ext = new ExternalService(mesh, 'payments', {
      hosts: ['a.example'], ports: [{ port: 50051, protocol: Protocol.GRPC }, { port: 8081, protocol: Protocol.HTTP2 }, { port: 5432, protocol: Protocol.TCP }],
    });
    new ExternalTrafficSplit(mesh, 'routes', { externalService: ext, routes: [{ matches: [{ port: 8081 }], port: 50051 }, { port: 5432 }] });
    expect(synthErrors(mesh)).toEqual([
      "[mesh/routes] [MESH0895] route 2 port 5432 is tcp, where the sidecar sees no HTTP requests (the application's TLS hides them on HTTPS and TLS ports), so an HTTP route cannot take them: give an HTTP port",
    ]);
  });

  test('fails on a service without a plain HTTP port once, whatever the number of routes', () => {
    const mesh = newMesh();
    const payments = new ExternalService(mesh, 'payments', { hosts: ['a.example'], ports: [{ port: 443 }, { port: 8443, protocol: Protocol.TLS }] });
    new ExternalTrafficSplit(mesh, 'routes', { externalService: payments, routes: [{ matches: [{ uri: StringMatch.prefix('/a') }] }, {}] });
    expect(synthErrors(mesh)).toEqual([
      "[mesh/routes] [MESH0895] external service 'payments' has no HTTP port (ports: 443 https, 8443 tls): on HTTPS and TLS ports the application's TLS hides the requests from its sidecar, add a plain HTTP port (e.g. { port: 80, protocol: Protocol.HTTP }) and call it with http://",
    ]);
  });

  test('fails on a MeshService or a plain object as the external service, at once', () => {
    const mesh = newMesh();
    const web = new MeshService(mesh, 'web', { ports: [{ port: 80 }] });
    const message = (path: string) => `[MESH0893] mesh/${path}: externalService is not an ExternalService: name one made with new ExternalService(), or route a MeshService with a TrafficSplit`;
    expect(() => new ExternalTrafficSplit(mesh, 'routes', { externalService: web as any })).toThrow(message('routes'));
    expect(() => new ExternalTrafficSplit(mesh, 'plain', { externalService: { hosts: ['a.example'] } as any })).toThrow(message('plain'));
    expect(() => new TrafficSplit(mesh, 'split', { service: web, routes: [{ targets: [TrafficTarget.version('v1')] }] })).not.toThrow();
  });

  test('fails on a missing external service', () => {
    const mesh = newMesh();
    expect(() => new ExternalTrafficSplit(mesh, 'routes', {} as any)).toThrow('[MESH0006] mesh/routes: externalService is missing: name the ExternalService whose calls are routed');
  });

  test('fails on an external service of another mesh, and renders nothing', () => {
    const other = newMesh();
    const ext = new ExternalService(other, 'payments', { hosts: ['a.example'], ports: [{ port: 80, protocol: Protocol.HTTP }] });
    const mesh = newMesh();
    new ExternalTrafficSplit(mesh, 'routes', { externalService: ext, routes: [{}] });
    expect(synthErrors(mesh)).toEqual(['[mesh/routes] [MESH0893] external service mesh/payments belongs to another mesh: route an external service of this mesh']);
    expect(ext._split).toBeUndefined();
  });

  test('fails on a second split of one external service, which renders nothing', () => {
    const mesh = newMesh();
    const ext = new ExternalService(mesh, 'payments', { hosts: ['a.example'], ports: [{ port: 80, protocol: Protocol.HTTP }] });
    new ExternalTrafficSplit(mesh, 'routes', { externalService: ext, routes: [{}] });
    new ExternalTrafficSplit(mesh, 'more', { externalService: ext, routes: [{}] });
    expect(synthErrors(mesh)).toEqual(["[mesh/more] [MESH0898] external service 'payments' already has a split (mesh/routes): two VirtualServices for one host conflict, put every route in one split"]);
    expect(mesh.node.findAll().filter(c => c.node.id.startsWith('VirtualService')).map(c => c.node.path)).toEqual(['mesh/routes/VirtualService']);
  });

  test('fails on port routing through an egress gateway', () => {
    const mesh = newMesh();
    const egressGateway = new EgressGateway(mesh, 'egress');
    const ext = new ExternalService(mesh, 'payments', { hosts: ['a.example'], ports: [{ port: 80, protocol: Protocol.HTTP }], egressGateway });
    new ExternalTrafficSplit(mesh, 'routes', { externalService: ext, routes: [{ port: 80 }] });
    expect(synthErrors(mesh)).toEqual(["[mesh/routes] [MESH0899] route 1 routes to port 80, but external service 'payments' is called through egress gateway 'egress', whose routes keep the port: leave port out, or call the service directly"]);
  });

  test('fails on a route after a catch-all, and on a repeated route name', () => {
    const mesh = newMesh();
    const ext = new ExternalService(mesh, 'payments', { hosts: ['a.example'], ports: [{ port: 80, protocol: Protocol.HTTP }] });
    new ExternalTrafficSplit(mesh, 'routes', {
      externalService: ext,
      routes: [{ name: 'a', matches: [{ uri: StringMatch.prefix('/a') }] }, { name: 'a' }, { name: 'late' }],
    });
    expect(synthErrors(mesh)).toEqual([
      "[mesh/routes] [MESH0109] route 'a' is already defined: give each route its own name",
      "[mesh/routes] [MESH0104] route 'late' comes after route 'a' without matches, which takes all traffic, so it is never used: give that route matches, or add this one before it",
    ]);
  });
});

describe('TrafficSplit given an ExternalService', () => {
  test('is refused with the construct to use instead, and synthesis does not crash', () => {
    // GIVEN
    const mesh = newMesh();
    const payments = new ExternalService(mesh, 'payments', { hosts: ['api.payments.example'], ports: [{ port: 80, protocol: Protocol.HTTP }] });

    // WHEN (from JavaScript, or with a cast: an ExternalService is not an IMeshService)
    new TrafficSplit(mesh, 'split', { service: payments as any, routes: [{ timeout: Timeout.of(Duration.seconds(3)), targets: [TrafficTarget.version('v1')] }] });

    // THEN
    expect(synthErrors(mesh)).toContain(
      "[mesh/split] [MESH0108] service 'mesh/payments' is an ExternalService, which has no versions to split between: route it with new ExternalTrafficSplit(mesh, id, { externalService, routes })",
    );
  });
});

/**
 * MeshTesting.routeFor / explainRoute: the synthesized VirtualServices and DestinationRules evaluated the way a
 * client's sidecar does.
 */
import { Duration, Testing } from 'cdk8s';
import { Bookinfo } from '../../examples/bookinfo/mesh';
import {
  FaultInjection, HeaderMatch, HttpMethod, IngressGateway, Mesh, MeshService, MeshTesting, Protocol, RoutingApi, StringMatch, Timeout,
  TrafficSplit, TrafficTarget,
} from '../../src';
import { openMesh, newService } from '../support/util';

describe('Bookinfo', () => {
  const bookinfo = new Bookinfo(Testing.app(), 'bookinfo');
  const manifests = MeshTesting.synth(bookinfo);

  test.each<[string, { [name: string]: string }, any[]]>([
    ['everyone', {}, [{ version: 'v1', weight: 90 }, { version: 'v3', weight: 10 }]],
    ['jason', { 'end-user': 'jason' }, [{ version: 'v2', weight: 100 }]],
    ['jason, header name in capitals', { 'End-User': 'jason' }, [{ version: 'v2', weight: 100 }]],
    ['jasonx (exact, not prefix)', { 'end-user': 'jasonx' }, [{ version: 'v1', weight: 90 }, { version: 'v3', weight: 10 }]],
  ])('reviews for %s', (_, headers, expected) => {
    expect(MeshTesting.routeFor(bookinfo, bookinfo.reviews, { headers }, manifests))
      .toEqual(expected.map(t => ({ service: 'reviews', namespace: 'bookinfo', ...t })));
  });

  test('explainRoute names the VirtualService and route, and what the route sets', () => {
    expect(MeshTesting.explainRoute(bookinfo, bookinfo.reviews, {}, manifests)).toEqual({
      targets: [{ service: 'reviews', namespace: 'bookinfo', version: 'v1', weight: 90 }, { service: 'reviews', namespace: 'bookinfo', version: 'v3', weight: 10 }],
      virtualService: 'bookinfo/reviews',
      route: 'canary',
      reason: "route 'canary' of VirtualService bookinfo/reviews takes the request (it has no match, so it takes every request): reviews v1 90%, reviews v3 10%",
    });
    expect(MeshTesting.explainRoute(bookinfo, bookinfo.ratings, { headers: { 'end-user': 'jason' } }, manifests)).toMatchObject({
      route: 'jason-delay', fault: { delay: '7s', delayPercentage: 100 },
    });
    expect(MeshTesting.explainRoute(bookinfo, bookinfo.ratings, {}, manifests).fault).toBeUndefined();
    expect(MeshTesting.explainRoute(bookinfo, bookinfo.details, {}, manifests)).toMatchObject({ route: 'default', timeout: '10s', retryAttempts: 3 });
  });

  test('a service without a VirtualService reaches every version, shared by pod count (weight undefined)', () => {
    expect(MeshTesting.explainRoute(bookinfo, bookinfo.productpage, {}, manifests)).toEqual({
      targets: [{ service: 'productpage', namespace: 'bookinfo', version: 'v1', weight: undefined }],
      reason: "no VirtualService routes 'productpage.bookinfo.svc.cluster.local': the Kubernetes Service balances requests over its workloads (productpage v1), by pod count",
    });
  });

  test('a canary of 25% is reflected in the weights', () => {
    const other = new Bookinfo(Testing.app(), 'bookinfo', { reviewsCanaryPercent: 25 });
    expect(MeshTesting.routeFor(other, other.reviews).map(t => [t.version, t.weight])).toEqual([['v1', 75], ['v3', 25]]);
  });
});

describe('matches', () => {
  const mesh = openMesh();
  const web = newService(mesh, 'web');
  const admin = newService(mesh, 'admin', ['v1', 'v2']);
  const api = new MeshService(mesh, 'api', { ports: [{ port: 8080, protocol: Protocol.HTTP }, { port: 9090, protocol: Protocol.HTTP }] });
  ['v1', 'v2', 'v3', 'v4'].forEach(v => api.addVersion(v, { image: `example/api:${v}` }));
  new TrafficSplit(mesh, 'api-routes', {
    service: api,
    routes: [
      { name: 'from-admin', matches: [{ sourceService: admin }], targets: [TrafficTarget.version('v4')] },
      { name: 'beta', matches: [{ headers: [HeaderMatch.regex('x-beta', '(yes|true)')] }], targets: [TrafficTarget.version('v3')] },
      { name: 'writes', matches: [{ method: HttpMethod.POST, uri: StringMatch.prefix('/api/') }], targets: [TrafficTarget.version('v2')] },
      { name: 'exact', matches: [{ uri: StringMatch.exact('/v2') }, { uri: StringMatch.regex('/two/[0-9]+') }], targets: [TrafficTarget.version('v2')] },
      {
        name: 'slow',
        matches: [{ uri: StringMatch.prefix('/slow') }],
        targets: [TrafficTarget.version('v1')],
        timeout: Timeout.of(Duration.seconds(3)),
        fault: FaultInjection.abort(503, 50),
      },
      { name: 'rest', targets: [TrafficTarget.version('v1', 80), TrafficTarget.version('v2', 20)] },
    ],
  });
  const manifests = MeshTesting.synth(mesh);

  test.each<[string, any, string, any[]]>([
    ['a plain request', {}, 'rest', [['v1', 80], ['v2', 20]]],
    ['from web', { from: web }, 'rest', [['v1', 80], ['v2', 20]]],
    ['from admin', { from: admin }, 'from-admin', [['v4', 100]]],
    ['from admin v2', { from: admin, fromVersion: 'v2' }, 'from-admin', [['v4', 100]]],
    ['x-beta: yes', { headers: { 'x-beta': 'yes' } }, 'beta', [['v3', 100]]],
    ['x-beta: yess (regex over the whole value)', { headers: { 'x-beta': 'yess' } }, 'rest', [['v1', 80], ['v2', 20]]],
    ['POST /api/books', { method: HttpMethod.POST, path: '/api/books' }, 'writes', [['v2', 100]]],
    ['GET /api/books', { method: HttpMethod.GET, path: '/api/books' }, 'rest', [['v1', 80], ['v2', 20]]],
    ['POST /apix', { method: HttpMethod.POST, path: '/apix' }, 'rest', [['v1', 80], ['v2', 20]]],
    ['/v2', { path: '/v2' }, 'exact', [['v2', 100]]],
    ['/v2/ (exact)', { path: '/v2/' }, 'rest', [['v1', 80], ['v2', 20]]],
    ['/two/42 (second match)', { path: '/two/42' }, 'exact', [['v2', 100]]],
    ['/slow/x on port 9090', { path: '/slow/x', port: 9090 }, 'slow', [['v1', 100]]],
  ])('%s takes route %s', (_, request, route, targets) => {
    const decision = MeshTesting.explainRoute(mesh, api, request, manifests);
    expect(decision.route).toEqual(route);
    expect(decision.targets.map(t => [t.version, t.weight])).toEqual(targets);
  });

  test('a route\'s timeout and abort', () => {
    expect(MeshTesting.explainRoute(mesh, api, { path: '/slow' }, manifests)).toMatchObject({ timeout: '3s', fault: { abortStatus: 503, abortPercentage: 50 } });
  });
});

describe('hand-written routes', () => {
  const mesh = openMesh();
  const api = newService(mesh, 'api', ['v1', 'v2']);
  const web = newService(mesh, 'web');
  const base = MeshTesting.synth(mesh);
  const vs = (spec: any, name = 'api') => ({ apiVersion: 'networking.istio.io/v1', kind: 'VirtualService', metadata: { name, namespace: 'default' }, spec });
  const dr = (subsets: any[]) => ({
    apiVersion: 'networking.istio.io/v1',
    kind: 'DestinationRule',
    metadata: { name: 'api', namespace: 'default' },
    spec: { host: 'api', subsets },
  });
  const subsets = dr([{ name: 'one', labels: { version: 'v1' } }, { name: 'all', labels: { app: 'api' } }]);

  test.each<[string, any, any[]]>([
    ['a short host and a subset', { hosts: ['api'], http: [{ route: [{ destination: { host: 'api', subset: 'one' } }] }] }, [['v1', 100]]],
    ['a subset that selects several versions', { hosts: ['api.default'], http: [{ route: [{ destination: { host: 'api', subset: 'all' } }] }] },
      [['v1', undefined], ['v2', undefined]]],
    ['no subset', { hosts: ['api.default.svc'], http: [{ route: [{ destination: { host: 'api.default.svc.cluster.local' } }] }] }, [['v1', undefined], ['v2', undefined]]],
    ['a weight of 0', { hosts: ['api'], http: [{ route: [{ destination: { host: 'api', subset: 'one' }, weight: 100 }, { destination: { host: 'api', subset: 'all' }, weight: 0 }] }] },
      [['v1', 100]]],
    ['ignoreUriCase', { hosts: ['api'], http: [{ match: [{ uri: { exact: '/A' }, ignoreUriCase: true }], route: [{ destination: { host: 'api', subset: 'one' } }] }] },
      [['v1', 100]]],
    ['a presence match', { hosts: ['api'], http: [{ match: [{ headers: { 'x-a': {} } }], route: [{ destination: { host: 'api', subset: 'one' } }] }] }, [['v1', 100]]],
    ['withoutHeaders', { hosts: ['api'], http: [{ match: [{ withoutHeaders: { 'x-a': {} } }], route: [{ destination: { host: 'api', subset: 'one' } }] }] }, []],
    ['a gateway-only route', { hosts: ['api'], gateways: ['istio-ingress/gw'], http: [{ route: [{ destination: { host: 'api', subset: 'one' } }] }] },
      [['v1', undefined], ['v2', undefined]]],
    ['no matching route', { hosts: ['api'], http: [{ match: [{ uri: { prefix: '/x' } }], route: [{ destination: { host: 'api', subset: 'one' } }] }] }, []],
    ['relative weights (a share is weight / sum)',
      { hosts: ['api'], http: [{ route: [{ destination: { host: 'api', subset: 'one' }, weight: 1 }, { destination: { host: 'web' }, weight: 3 }] }] },
      [['v1', 25], ['web', 'v1', 75]]],
    ['a single destination gets every request, whatever its weight', { hosts: ['api'], http: [{ route: [{ destination: { host: 'api', subset: 'one' }, weight: 40 }] }] },
      [['v1', 100]]],
    ['a route to another service', { hosts: ['api'], http: [{ route: [{ destination: { host: 'web' } }] }] }, [['web', 'v1', 100]]],
  ])('%s', (_, spec, expected) => {
    const targets = MeshTesting.routeFor(mesh, api, { path: '/a', headers: { 'X-A': '1' } }, [...base, subsets, vs(spec)]);
    expect(targets.map(t => t.service === 'api' ? [t.version, t.weight] : [t.service, t.version, t.weight])).toEqual(expected);
  });

  test('no route matching: the proxy answers 404', () => {
    const spec = { hosts: ['api'], http: [{ match: [{ uri: { prefix: '/x' } }], route: [{ destination: { host: 'api' } }] }] };
    expect(MeshTesting.explainRoute(mesh, api, {}, [...base, vs(spec)]).reason).toEqual('no route of VirtualService default/api matches GET /: the client\'s proxy answers 404');
  });

  test.each<[string, any[], string]>([
    ['a subset no DestinationRule defines', [vs({ hosts: ['api'], http: [{ route: [{ destination: { host: 'api', subset: 'v9' } }] }] }), subsets],
      "[MESH0605] MeshTesting.routeFor: a route sends requests to subset 'v9' of 'api.default.svc.cluster.local', which no DestinationRule defines (subsets: v1, v2, one, all), "
      + 'so those requests would fail with 503: define the subset'],
    ['a subset no workload has', [vs({ hosts: ['api'], http: [{ route: [{ destination: { host: 'api', subset: 'v9' } }] }] }), dr([{ name: 'v9', labels: { version: 'v9' } }])],
      "[MESH0605] MeshTesting.routeFor: a route sends requests to subset 'v9' of 'api.default.svc.cluster.local', which no workload of the manifests serves"],
    ['a host that is no Service', [vs({ hosts: ['api'], http: [{ route: [{ destination: { host: 'example.com' } }] }] })],
      "[MESH0605] MeshTesting.routeFor: a route sends requests to host 'example.com', which is no Service of the manifests"],
    ['two VirtualServices for one host', [vs({ hosts: ['api'], http: [] }), vs({ hosts: ['api.default.svc.cluster.local'], http: [] }, 'api-2')],
      "[MESH0606] MeshTesting.routeFor: VirtualServices default/api, default/api-2 all route host 'api.default.svc.cluster.local' inside the mesh, and Istio uses only one of them"],
    ['a match on the authority of a request without a host', [vs({ hosts: ['api'], http: [{ match: [{ authority: { exact: 'api' } }], route: [{ destination: { host: 'api' } }] }] })],
      "[MESH0600] MeshTesting.routeFor: VirtualService default/api has route http[0] match[0] authority, which this evaluation cannot decide (the request gives no host: give it a 'host' header)"],
    ['tcp routes', [vs({ hosts: ['api'], tcp: [{ route: [{ destination: { host: 'api' } }] }] })],
      '[MESH0600] MeshTesting.routeFor: VirtualService default/api has tcp or tls routes, which this evaluation cannot decide (only HTTP routes are modelled)'],
    ['weights that add up to 0', [vs({ hosts: ['api'], http: [{ route: [{ destination: { host: 'api' } }, { destination: { host: 'web' }, weight: 0 }] }] })],
      '[MESH0600] MeshTesting.routeFor: VirtualService default/api has route http[0] with weights that add up to 0, which this evaluation cannot decide'],
  ])('fails on %s', (_, extra, message) => {
    expect(() => MeshTesting.routeFor(mesh, api, {}, [...base, ...extra])).toThrow(message);
  });

  test('a redirect reaches no version, and explainRoute says the route redirects', () => {
    const manifests = [...base, vs({ hosts: ['api'], http: [{ name: 'old', redirect: { uri: '/x' } }] })];
    expect(MeshTesting.routeFor(mesh, api, {}, manifests)).toEqual([]);
    expect(MeshTesting.explainRoute(mesh, api, {}, manifests)).toEqual({
      targets: [],
      virtualService: 'default/api',
      route: 'old',
      reason: "route 'old' of VirtualService default/api takes the request (it has no match, so it takes every request) and redirects it",
    });
  });

  test('a direct response reaches no version; query parameters, the scheme and the authority are matched as sent', () => {
    const manifests = [...base, subsets, vs({
      hosts: ['api'],
      http: [
        { name: 'gone', match: [{ uri: { prefix: '/old' } }], directResponse: { status: 410 } },
        { name: 'debug', match: [{ queryParams: { debug: { exact: '' }, id: { regex: '[0-9]+' } }, scheme: { exact: 'http' } }], route: [{ destination: { host: 'api', subset: 'one' } }] },
        { name: 'host', match: [{ authority: { prefix: 'api.example' } }], route: [{ destination: { host: 'api', subset: 'one' } }] },
        { route: [{ destination: { host: 'api', subset: 'all' } }] },
      ],
    })];
    expect(MeshTesting.explainRoute(mesh, api, { path: '/old/x' }, manifests)).toEqual({
      targets: [],
      virtualService: 'default/api',
      route: 'gone',
      reason: "route 'gone' of VirtualService default/api takes the request (its match[0] matches the request) and answers it with status 410",
    });
    expect(MeshTesting.explainRoute(mesh, api, { path: '/?id=12&debug' }, manifests).route).toEqual('debug');
    expect(MeshTesting.explainRoute(mesh, api, { path: '/?id=x1&debug', headers: { host: 'api' } }, manifests).route).toEqual('http[3]');
    expect(MeshTesting.explainRoute(mesh, api, { path: '/?id=12', headers: { host: 'api' } }, manifests).route).toEqual('http[3]');
    expect(MeshTesting.explainRoute(mesh, api, { headers: { host: 'api.example.com' } }, manifests).route).toEqual('host');
  });

  test('callers whose versions are routed differently need fromVersion', () => {
    const spec = { hosts: ['api'], http: [{ match: [{ sourceLabels: { version: 'v2' } }], route: [{ destination: { host: 'api', subset: 'one' } }] }, { route: [{ destination: { host: 'api', subset: 'all' } }] }] };
    const manifests = [...base, subsets, vs(spec)];
    expect(() => MeshTesting.routeFor(mesh, api, { from: api }, manifests)).toThrow(
      "[MESH0602] MeshTesting.routeFor: the versions of 'api' are routed differently (Deployment default/api-v1 (cluster.local/ns/default/sa/api): http[1]; "
      + 'Deployment default/api-v2 (cluster.local/ns/default/sa/api): http[0]): give fromVersion');
    expect(MeshTesting.routeFor(mesh, api, { from: api, fromVersion: 'v2' }, manifests).map(t => t.version)).toEqual(['v1']);
    expect(MeshTesting.routeFor(mesh, api, { from: web }, manifests).map(t => t.version)).toEqual(['v1', 'v2']);
  });

  test.each<[string, () => unknown, string]>([
    ['not a mesh', () => MeshTesting.routeFor({} as Mesh, api), '[MESH0097] MeshTesting.routeFor: mesh is not a Mesh'],
    ['a service of another mesh', () => MeshTesting.routeFor(mesh, newService(openMesh(), 'x'), {}, base),
      "[MESH0097] MeshTesting.routeFor: service 'x' belongs to another mesh (mesh): give a service of mesh 'mesh'"],
    ['a caller of another mesh', () => MeshTesting.routeFor(mesh, api, { from: newService(openMesh(), 'x') }, base),
      "[MESH0097] MeshTesting.routeFor: from 'x' belongs to another mesh (mesh)"],
    ['fromVersion without from', () => MeshTesting.explainRoute(mesh, api, { fromVersion: 'v1' }, base),
      "[MESH0603] MeshTesting.explainRoute: fromVersion 'v1' is given without from: name the calling service too"],
    ['a port the service lacks', () => MeshTesting.routeFor(mesh, api, { port: 1 }, base), '[MESH0603] MeshTesting.routeFor: port 1 is not a port of Service'],
  ])('fails on %s', (_, call, message) => {
    expect(call).toThrow(message);
  });
});

describe('callers whose proxy does not apply the mesh\'s routes', () => {
  const bookinfo = new Bookinfo(Testing.app(), 'bookinfo');
  const manifests = MeshTesting.synth(bookinfo);

  test('a gateway applies only the VirtualServices bound to its Gateway: routeFor refuses it rather than answer for a sidecar', () => {
    expect(() => MeshTesting.routeFor(bookinfo, bookinfo.reviews, { from: bookinfo.gateway }, manifests)).toThrow(
      "[MESH0603] MeshTesting.routeFor: from 'bookinfo-gateway' is a gateway, whose proxy applies only the VirtualServices bound to its Gateway, "
      + "not the routes of 'reviews' inside the mesh, which this evaluates: name a service as from");
  });

  test('a caller without a sidecar is balanced by the Kubernetes Service over every version', () => {
    const plain = manifests.map(m => m.kind === 'Deployment' && m.metadata.name === 'productpage-v1'
      ? { ...m, spec: { ...m.spec, template: { ...m.spec.template, metadata: { ...m.spec.template.metadata, labels: { ...m.spec.template.metadata.labels, 'sidecar.istio.io/inject': 'false' } } } } }
      : m);
    expect(MeshTesting.routeFor(bookinfo, bookinfo.reviews, { from: bookinfo.productpage }, manifests).map(t => [t.version, t.weight])).toEqual([['v1', 90], ['v3', 10]]);
    const decision = MeshTesting.explainRoute(bookinfo, bookinfo.reviews, { from: bookinfo.productpage }, plain);
    expect(decision.targets.map(t => [t.version, t.weight])).toEqual([['v1', undefined], ['v2', undefined], ['v3', undefined]]);
    expect(decision.reason).toContain('runs no Istio proxy, so no VirtualService applies');
  });

  test('a match with an empty gateways list is bound like its VirtualService', () => {
    const vs = {
      apiVersion: 'networking.istio.io/v1',
      kind: 'VirtualService',
      metadata: { name: 'reviews', namespace: 'bookinfo' },
      spec: { hosts: ['reviews'], http: [{ match: [{ gateways: [] }], route: [{ destination: { host: 'reviews', subset: 'v2' } }] }] },
    };
    const others = manifests.filter(m => m.kind !== 'VirtualService' || m.metadata.name !== 'reviews');
    expect(MeshTesting.routeFor(bookinfo, bookinfo.reviews, {}, [...others, vs]).map(t => [t.version, t.weight])).toEqual([['v2', 100]]);
  });
});

describe('a TCP port', () => {
  const mesh = openMesh();
  const db = new MeshService(mesh, 'db', { ports: [{ port: 8080, protocol: Protocol.HTTP }, { port: 5432, protocol: Protocol.TCP }] });
  ['v1', 'v2'].forEach(v => db.addVersion(v, { image: `example/db:${v}` }));
  new TrafficSplit(mesh, 'db-routes', { service: db, routes: [{ targets: [TrafficTarget.version('v1', 90), TrafficTarget.version('v2', 10)] }] });
  const manifests = MeshTesting.synth(mesh);

  test('its requests are not routed by the HTTP routes: routeFor refuses rather than answer with them', () => {
    expect(MeshTesting.routeFor(mesh, db, { port: 8080 }, manifests).map(t => [t.version, t.weight])).toEqual([['v1', 90], ['v2', 10]]);
    expect(() => MeshTesting.routeFor(mesh, db, { port: 5432 }, manifests)).toThrow(
      '[MESH0600] MeshTesting.routeFor: VirtualService default/db has routes for port 5432, which carries TCP, which this evaluation cannot decide (only HTTP routes are modelled)');
  });

  test('without a VirtualService, the Kubernetes Service balances it by pod count', () => {
    const plain = manifests.filter(m => m.kind !== 'VirtualService');
    expect(MeshTesting.routeFor(mesh, db, { port: 5432 }, plain).map(t => [t.version, t.weight])).toEqual([['v1', undefined], ['v2', undefined]]);
  });
});

describe('a mesh that routes with the Gateway API', () => {
  test('routeFor says it cannot evaluate the HTTPRoutes rather than answer as if nothing routed the service', () => {
    // GIVEN a split rendered as a GAMMA HTTPRoute (beta testers to v2, the rest 90/10) and an ingress route to it
    const mesh = openMesh({ routingApi: RoutingApi.GATEWAY_API });
    const web = new MeshService(mesh, 'web', { namespace: 'shop', ports: [{ port: 8080, protocol: Protocol.HTTP }] });
    web.addVersion('v1', { image: 'example/web:v1' });
    web.addVersion('v2', { image: 'example/web:v2' });
    new TrafficSplit(mesh, 'web-routes', {
      service: web,
      routes: [
        { name: 'beta', matches: [{ headers: [HeaderMatch.exact('x-beta', '1')] }], targets: [TrafficTarget.version('v2')] },
        { name: 'rest', targets: [TrafficTarget.version('v1', 90), TrafficTarget.version('v2', 10)] },
      ],
    });
    const gateway = new IngressGateway(mesh, 'ingress');
    gateway.addRoute({ service: web, paths: [StringMatch.prefix('/')] });
    const manifests = MeshTesting.synth(mesh);
    expect(manifests.filter(m => m.kind === 'VirtualService')).toEqual([]);

    // THEN neither a sidecar's routing nor the gateway's is answered by pod count (the HTTPRoutes send 90/10)
    expect(() => MeshTesting.routeFor(mesh, web, { headers: { 'x-beta': '1' } }, manifests)).toThrow(
      "[MESH0600] MeshTesting.routeFor: HTTPRoute shop/web (Gateway API) routes service 'web' in namespace 'shop', which this evaluation cannot decide");
    expect(() => MeshTesting.explainRoute(mesh, web, { via: gateway }, manifests)).toThrow(/\[MESH0600\] MeshTesting.explainRoute: Gateway istio-ingress\/ingress \(Gateway API\) configures the gateway/);
  });
});

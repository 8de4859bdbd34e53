import { Duration } from 'cdk8s';
import {
  HeaderMatch, HttpRouteOptions, IngressGateway, Mesh, MeshService, MeshTesting, RetryPolicy, RouteMatch, ServiceTrafficPolicy, StringMatch, Timeout,
  TrafficSplit, TrafficTarget,
} from '../../src';
import { validateManifests } from '../support/schemas';
import { newService, openMesh, synthErrors } from '../support/util';

const HOST = 'reviews.default.svc.cluster.local';

/** The gateway's VirtualService routes. */
function gatewayHttp(mesh: Mesh): any[] {
  return MeshTesting.find(MeshTesting.synth(mesh), 'VirtualService', 'gw', 'istio-ingress').spec.http;
}

/** A mesh with service 'reviews' (v1, v2, v3), its split with `routes`, and a gateway route to it for `paths`. */
function throughGateway(routes: HttpRouteOptions[], paths?: StringMatch[], gatewayRoute: object = {}) {
  const mesh = openMesh();
  const reviews = newService(mesh, 'reviews', ['v1', 'v2', 'v3']);
  const gw = new IngressGateway(mesh, 'gw');
  gw.addRoute({ service: reviews, paths, ...gatewayRoute });
  new TrafficSplit(mesh, 'split', { service: reviews, routes });
  return { mesh, reviews, gw };
}

function subset(version: string, weight?: number) {
  return { destination: { host: HOST, subset: version, port: { number: 8080 } }, weight };
}

const canary: HttpRouteOptions[] = [
  {
    name: 'canary',
    matches: [{ headers: [HeaderMatch.exact('x-canary', 'yes')] }],
    targets: [TrafficTarget.version('v1', 90), TrafficTarget.version('v2', 10)],
    mirror: { version: 'v3', percentage: 50 },
    timeout: Timeout.of(Duration.seconds(2)),
  },
  { name: 'default', targets: [TrafficTarget.version('v1')] },
];

describe('gateway routes through the service\'s routing', () => {
  test('a canary applies to ingress traffic: the same matches, subsets, weights, mirror and timeout at the gateway', () => {
    // GIVEN a split with a header match, 90/10 weights, a mirror and a timeout, reached through the gateway at /reviews
    const { mesh } = throughGateway(canary, [StringMatch.prefix('/reviews')]);
    // WHEN
    const manifests = MeshTesting.synth(mesh);
    const http = MeshTesting.find(manifests, 'VirtualService', 'gw', 'istio-ingress').spec.http;
    const inMesh = MeshTesting.find(manifests, 'VirtualService', 'reviews').spec.http;
    // THEN the gateway's routes are the split's, each restricted to the gateway route's path, sent to its port
    expect(http).toHaveLength(2);
    expect(http[0].name).toEqual('reviews-canary');
    expect(http[0].match).toEqual([{ uri: { prefix: '/reviews' }, headers: { 'x-canary': { exact: 'yes' } } }]);
    expect(http[0].route).toEqual([subset('v1', 90), subset('v2', 10)]);
    expect(http[0].mirror).toEqual({ host: HOST, subset: 'v3', port: { number: 8080 } });
    expect(http[0].mirrorPercentage).toEqual({ value: 50 });
    expect(http[0].timeout).toEqual('2s');
    expect(http[1]).toEqual({ name: 'reviews-default', match: [{ uri: { prefix: '/reviews' } }], route: [{ destination: { host: HOST, subset: 'v1', port: { number: 8080 } } }] });
    // and the same subsets and weights as inside the mesh
    const versions = (routes: any[]) => routes.map(r => r.route.map((d: any) => [d.destination.subset, d.weight]));
    expect(versions(http)).toEqual(versions(inMesh));
    expect(http[0].match[0].headers).toEqual(inMesh[0].match[0].headers);
    expect(MeshTesting.find(manifests, 'DestinationRule', 'reviews').spec.subsets.map((s: any) => s.name)).toEqual(['v1', 'v2', 'v3']);
    expect(mesh.analyze()).toEqual([]);
    expect(validateManifests(manifests)).toEqual([]);
  });

  test('the split may be made after the gateway route, and the gateway route may have no paths', () => {
    // GIVEN the split first, then a gateway route without paths
    const mesh = openMesh();
    const reviews = newService(mesh, 'reviews', ['v1', 'v2', 'v3']);
    new TrafficSplit(mesh, 'split', { service: reviews, routes: canary });
    new IngressGateway(mesh, 'gw').addRoute({ service: reviews });
    // WHEN
    const http = gatewayHttp(mesh);
    // THEN the split's matches alone
    expect(http.map(r => r.match)).toEqual([[{ headers: { 'x-canary': { exact: 'yes' } } }], undefined]);
    expect(http[1].route).toEqual([{ destination: { host: HOST, subset: 'v1', port: { number: 8080 } } }]);
  });

  test.each<[string, StringMatch, StringMatch, object | undefined]>([
    ['a longer split prefix narrows the gateway\'s', StringMatch.prefix('/api'), StringMatch.prefix('/api/v2'), { prefix: '/api/v2' }],
    ['a longer gateway prefix narrows the split\'s', StringMatch.prefix('/api/v2'), StringMatch.prefix('/api'), { prefix: '/api/v2' }],
    ['an exact path within the prefix', StringMatch.prefix('/api'), StringMatch.exact('/api/login'), { exact: '/api/login' }],
    ['the same exact path', StringMatch.exact('/login'), StringMatch.exact('/login'), { exact: '/login' }],
    ['an exact path the regex matches', StringMatch.regex('/v[0-9]+/.*'), StringMatch.exact('/v2/x'), { exact: '/v2/x' }],
    ['the same regex', StringMatch.regex('/v[0-9]+/.*'), StringMatch.regex('/v[0-9]+/.*'), { regex: '/v[0-9]+/.*' }],
  ])('path × split match: %s', (_, path, uri, merged) => {
    // GIVEN
    const { mesh } = throughGateway([{ name: 'api', matches: [{ uri, method: 'POST' as any }], targets: [TrafficTarget.version('v2')] }, { targets: [TrafficTarget.version('v1')] }], [path]);
    // WHEN
    const http = gatewayHttp(mesh);
    // THEN the narrower match, with the split match's other conditions
    expect(http[0].match).toEqual([{ uri: merged, method: { exact: 'POST' } }]);
    expect(http[1].match).toEqual([{ uri: path._toIstio() }]);
    expect(mesh.analyze()).toEqual([]);
  });

  test('every gateway path with every split match (OR of ANDs), leaving out the pairs that share no path', () => {
    // GIVEN
    const matches: RouteMatch[] = [{ uri: StringMatch.prefix('/api/v2') }, { headers: [HeaderMatch.exact('x-beta', '1')] }];
    const { mesh } = throughGateway([{ matches, targets: [TrafficTarget.version('v2')] }, { targets: [TrafficTarget.version('v1')] }],
      [StringMatch.prefix('/api'), StringMatch.prefix('/shop')]);
    // WHEN
    const http = gatewayHttp(mesh);
    // THEN
    expect(http[0].match).toEqual([
      { uri: { prefix: '/api/v2' } },
      { uri: { prefix: '/api' }, headers: { 'x-beta': { exact: '1' } } },
      { uri: { prefix: '/shop' }, headers: { 'x-beta': { exact: '1' } } },
    ]);
  });

  test('a split route whose paths the gateway route never takes is bypassed: a warning, and the route left out', () => {
    // GIVEN
    const { mesh, gw } = throughGateway([{ name: 'api', matches: [{ uri: StringMatch.prefix('/api') }], targets: [TrafficTarget.version('v2')] }, { targets: [TrafficTarget.version('v1')] }],
      [StringMatch.prefix('/shop')]);
    // WHEN
    const http = gatewayHttp(mesh);
    // THEN
    expect(http.map(r => r.name)).toEqual(['reviews-2']);
    expect(mesh.analyze()).toEqual([{
      code: 'MESH0730',
      severity: 'WARNING',
      path: gw.node.path,
      message: "route 'api' of TrafficSplit 'mesh/split' matches no path the route to service 'reviews' takes (prefix '/shop'), so ingress traffic bypasses it: "
        + "give the gateway route the paths the split route matches, or change the split route's matches",
    }]);
    expect(synthErrors(mesh)).toEqual([]);
  });

  test('a split route matching the caller never takes ingress traffic: left out with a warning, its other matches kept', () => {
    // GIVEN one route only for calls from 'web', one for calls from 'web' or with a header
    const mesh = openMesh();
    const reviews = newService(mesh, 'reviews', ['v1', 'v2', 'v3']);
    const web = newService(mesh, 'web');
    const gw = new IngressGateway(mesh, 'gw');
    gw.addRoute({ service: reviews });
    new TrafficSplit(mesh, 'split', {
      service: reviews,
      routes: [
        { name: 'from-web', matches: [{ sourceService: web }], targets: [TrafficTarget.version('v2')] },
        { name: 'beta', matches: [{ sourceService: web }, { headers: [HeaderMatch.exact('x-beta', '1')] }], targets: [TrafficTarget.version('v3')] },
        { targets: [TrafficTarget.version('v1')] },
      ],
    });
    // WHEN
    const http = gatewayHttp(mesh);
    // THEN
    expect(http.map(r => [r.name, r.match])).toEqual([['reviews-beta', [{ headers: { 'x-beta': { exact: '1' } } }]], ['reviews-3', undefined]]);
    expect(mesh.analyze().map(f => [f.code, f.severity, f.message])).toEqual([
      ['MESH0729', 'WARNING', "the route to service 'reviews' leaves out route 'from-web' of TrafficSplit 'mesh/split': requests through the gateway come from the gateway, "
        + "never from service 'web', so ingress traffic bypasses that route: match ingress traffic on headers or paths, or accept that the gateway skips it"],
      ['MESH0729', 'WARNING', "the route to service 'reviews' leaves out the matches on sourceService of route 'beta' of TrafficSplit 'mesh/split': requests through the gateway "
        + "come from the gateway, never from service 'web', so ingress traffic bypasses those matches: match ingress traffic on headers or paths, or accept that the gateway skips it"],
    ]);
  });

  test('a split none of whose routes take ingress traffic: a warning that such requests get 404', () => {
    // GIVEN
    const mesh = openMesh();
    const reviews = newService(mesh, 'reviews', ['v1']);
    const web = newService(mesh, 'web');
    new IngressGateway(mesh, 'gw').addRoute({ service: reviews });
    new TrafficSplit(mesh, 'split', { service: reviews, routes: [{ matches: [{ sourceService: web }], targets: [TrafficTarget.version('v1')] }] });
    // WHEN
    const codes = mesh.analyze().map(f => [f.code, f.severity]);
    // THEN
    expect(codes).toContainEqual(['MESH0731', 'WARNING']);
    expect(mesh.analyze().find(f => f.code === 'MESH0731')!.message).toEqual(
      "the route to service 'reviews' goes through no route of TrafficSplit 'mesh/split', so requests to it through the gateway get 404: "
      + 'give the split a route ingress traffic matches, or route the gateway elsewhere');
  });

  test('fails on a regex path that cannot be combined with a split prefix', () => {
    // GIVEN
    const { mesh } = throughGateway([{ name: 'api', matches: [{ uri: StringMatch.prefix('/v1') }], targets: [TrafficTarget.version('v2')] }, { targets: [TrafficTarget.version('v1')] }],
      [StringMatch.regex('/v[0-9]+/.*')]);
    // THEN
    expect(synthErrors(mesh)).toEqual([
      "[mesh/gw] [MESH0728] the route to service 'reviews' and route 'api' of TrafficSplit 'mesh/split' both match the path, one by a regex, so which requests both take "
      + 'cannot be told: match paths by prefix or exact in one of them, or route the gateway to those paths separately',
    ]);
  });

  test('the gateway route\'s rewrite acts first: the split matches the rewritten path, and both rewrites become one', () => {
    // GIVEN the gateway strips '/shop', the split sends '/api' to v2 and rewrites it to '/v2/api'
    const { mesh } = throughGateway([
      { name: 'api', matches: [{ uri: StringMatch.prefix('/api') }], targets: [TrafficTarget.version('v2')], rewrite: { pathPrefix: '/v2/api' } },
      { name: 'login', matches: [{ uri: StringMatch.exact('/login') }], targets: [TrafficTarget.version('v3')] },
      { targets: [TrafficTarget.version('v1')] },
    ], [StringMatch.prefix('/shop/')], { rewrite: { pathPrefix: '/', host: 'reviews.internal' } });
    // WHEN
    const http = gatewayHttp(mesh);
    // THEN
    expect(http.map(r => [r.name, r.match, r.rewrite])).toEqual([
      ['reviews-api', [{ uri: { prefix: '/shop/api' } }], { uri: '/v2/api', authority: 'reviews.internal' }],
      ['reviews-login', [{ uri: { exact: '/shop/login' } }], { uriRegexRewrite: { match: '/.*', rewrite: '/login' }, authority: 'reviews.internal' }],
      ['reviews-3', [{ uri: { prefix: '/shop/' } }], { uri: '/', authority: 'reviews.internal' }],
    ]);
    expect(synthErrors(mesh)).toEqual([]);
    expect(validateManifests(MeshTesting.synth(mesh))).toEqual([]);
  });

  test('one rule for the paths that get the same rewrite, a rule per path where the rewrites differ', () => {
    // GIVEN two gateway paths both stripped to '/', and a split route that rewrites '/api' after them
    const { mesh } = throughGateway([
      { name: 'api', matches: [{ uri: StringMatch.prefix('/api') }], targets: [TrafficTarget.version('v2')], rewrite: { pathPrefix: '/v2/api' } },
      { targets: [TrafficTarget.version('v1')] },
    ], [StringMatch.prefix('/a/'), StringMatch.prefix('/b/')], { rewrite: { pathPrefix: '/' } });
    // WHEN
    const http = gatewayHttp(mesh);
    // THEN
    expect(http.map(r => [r.name, r.match, r.rewrite])).toEqual([
      ['reviews-api', [{ uri: { prefix: '/a/api' } }, { uri: { prefix: '/b/api' } }], { uri: '/v2/api' }],
      ['reviews-2', [{ uri: { prefix: '/a/' } }, { uri: { prefix: '/b/' } }], { uri: '/' }],
    ]);
  });

  test('a rule per path where the combined rewrites differ', () => {
    // GIVEN a split route that rewrites the prefix '/' to '/v1/', reached through a prefix and an exact path
    const { mesh } = throughGateway([{ matches: [{ uri: StringMatch.prefix('/') }], targets: [TrafficTarget.version('v1')], rewrite: { pathPrefix: '/v1/' } }],
      [StringMatch.prefix('/x/'), StringMatch.exact('/y')]);
    // WHEN
    const http = gatewayHttp(mesh);
    // THEN
    expect(http.map(r => [r.name, r.match, r.rewrite])).toEqual([
      ['reviews-1-1', [{ uri: { prefix: '/x/' } }], { uri: '/v1/x/' }],
      ['reviews-1-2', [{ uri: { exact: '/y' } }], { uriRegexRewrite: { match: '/.*', rewrite: '/v1/y' } }],
    ]);
  });

  test('the gateway route\'s timeout and retries win; request headers: the split\'s last; response headers: the gateway route\'s last', () => {
    // GIVEN both set a timeout, retries and the same headers
    const { mesh } = throughGateway([{
      targets: [TrafficTarget.version('v1')],
      timeout: Timeout.of(Duration.seconds(2)),
      retries: RetryPolicy.of({ attempts: 5 }),
      headers: { request: { set: { 'x-a': 'split' }, remove: ['x-b'] }, response: { set: { 'x-c': 'split', 'x-d': 'split' } } },
    }], undefined, {
      timeout: Timeout.of(Duration.seconds(9)),
      retries: RetryPolicy.of({ attempts: 1 }),
      headers: { request: { set: { 'x-a': 'gateway', 'x-b': 'gateway', 'x-e': 'gateway' } }, response: { remove: ['x-c'] } },
    });
    // WHEN
    const [route] = gatewayHttp(mesh);
    // THEN
    expect(route.timeout).toEqual('9s');
    expect(route.retries.attempts).toEqual(1);
    expect(route.headers).toEqual({
      request: { set: { 'x-e': 'gateway', 'x-a': 'split' }, remove: ['x-b'] },
      response: { set: { 'x-d': 'split' }, remove: ['x-c'] },
    });
  });

  test('fails on header changes and rewrites the two routes cannot share', () => {
    // GIVEN the split adds to a header the gateway route sets, and redirects what the gateway route rewrites
    const { mesh } = throughGateway([
      { name: 'old', matches: [{ uri: StringMatch.exact('/old') }], redirect: { fullPath: '/new' } },
      { targets: [TrafficTarget.version('v1')], headers: { request: { add: { 'x-a': 'split' } } } },
    ], undefined, { rewrite: { host: 'reviews.internal' }, headers: { request: { set: { 'x-a': 'gateway' } } } });
    // THEN
    expect(synthErrors(mesh)).toEqual([
      "[mesh/gw] [MESH0732] the route to service 'reviews' rewrites requests that route 'old' of TrafficSplit 'mesh/split' redirects, and a route cannot both rewrite and "
      + "redirect (istiod refuses it): drop the gateway route's rewrite, or route those paths separately",
      "[mesh/gw] [MESH0732] the route to service 'reviews' and route 2 of TrafficSplit 'mesh/split' both change header 'x-a', and the later adds to it, which one route's "
      + 'header changes cannot say: change the header in one of them',
    ]);
  });

  test('without a split, the service\'s timeout and retries apply to gateway routes to it, unless the route sets its own', () => {
    // GIVEN a service with a timeout in its props, one with a ServiceTrafficPolicy
    const mesh = openMesh();
    const a = newService(mesh, 'a', ['v1'], { timeout: Timeout.of(Duration.seconds(3)) });
    const b = newService(mesh, 'b');
    new ServiceTrafficPolicy(mesh, 'b-policy', { service: b, retries: RetryPolicy.of({ attempts: 4 }) });
    const gw = new IngressGateway(mesh, 'gw');
    gw.addRoute({ service: a, paths: [StringMatch.prefix('/a')] });
    gw.addRoute({ service: b, paths: [StringMatch.prefix('/b')] });
    gw.addRoute({ service: a, paths: [StringMatch.prefix('/fast')], timeout: Timeout.of(Duration.millis(500)) });
    // WHEN
    const http = gatewayHttp(mesh);
    // THEN
    expect(http.map(r => [r.name, r.timeout, r.retries?.attempts])).toEqual([['a', '3s', undefined], ['b', undefined, 4], ['a', '500ms', undefined]]);
    expect(http[0].route).toEqual([{ destination: { host: 'a.default.svc.cluster.local', port: { number: 8080 } } }]);
  });

  test('an imported service is routed as before', () => {
    // GIVEN
    const mesh = openMesh();
    const ext = MeshService.fromName(mesh, 'ext', 'ext', { namespace: 'other', ports: [{ port: 80 }] });
    new IngressGateway(mesh, 'gw').addRoute({ service: ext });
    // WHEN
    const http = gatewayHttp(mesh);
    // THEN
    expect(http).toEqual([{ name: 'ext', route: [{ destination: { host: 'ext.other.svc.cluster.local', port: { number: 80 } } }] }]);
  });
});

describe('MeshTesting.routeFor through a gateway', () => {
  test('a canary at the ingress: the header route, the 90/10 split, a path the gateway does not route', () => {
    // GIVEN
    const { mesh, reviews, gw } = throughGateway(canary, [StringMatch.prefix('/reviews')]);
    const manifests = MeshTesting.synth(mesh);
    const at = (path: string, headers: { [name: string]: string } = {}) =>
      MeshTesting.routeFor(mesh, reviews, { via: gw, path, headers }, manifests).map(t => [t.version, t.weight]);
    // THEN
    expect(at('/reviews/1', { 'x-canary': 'yes' })).toEqual([['v1', 90], ['v2', 10]]);
    expect(at('/reviews/1')).toEqual([['v1', 100]]);
    expect(at('/other')).toEqual([]);
    expect(MeshTesting.explainRoute(mesh, reviews, { via: gw, path: '/reviews/1', headers: { 'x-canary': 'yes' } }, manifests)).toMatchObject({
      virtualService: 'istio-ingress/gw',
      route: 'reviews-canary',
      timeout: '2s',
    });
    expect(MeshTesting.explainRoute(mesh, reviews, { via: gw, host: 'shop.example.com', path: '/other' }, manifests).reason).toEqual(
      "no route of VirtualService istio-ingress/gw bound to Gateway istio-ingress/gw matches GET /other for host 'shop.example.com': the gateway answers 404");
  });

  test('fails on via with from, and on host without via', () => {
    // GIVEN
    const { mesh, reviews, gw } = throughGateway(canary);
    const manifests = MeshTesting.synth(mesh);
    // THEN
    expect(() => MeshTesting.routeFor(mesh, reviews, { via: gw, from: reviews }, manifests)).toThrow(
      '[MESH0603] MeshTesting.routeFor: from is given with via, but a request through a gateway comes from the gateway: leave from out');
    expect(() => MeshTesting.routeFor(mesh, reviews, { host: 'shop.example.com' }, manifests)).toThrow(
      "[MESH0603] MeshTesting.routeFor: host 'shop.example.com' is given without via: name the gateway the request enters through too");
    expect(() => MeshTesting.routeFor(mesh, reviews, { via: reviews as any }, manifests)).toThrow(
      '[MESH0603] MeshTesting.routeFor: via is not an ingress gateway of this mesh: name the IngressGateway the request enters through');
  });
});

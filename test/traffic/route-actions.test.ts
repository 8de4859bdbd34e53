import { Duration } from 'cdk8s';
import {
  FaultInjection, HttpRouteOptions, IngressGateway, MeshTesting, RetryPolicy, RouteMatch, StringMatch, Timeout, TrafficSplit, TrafficTarget,
} from '../../src';
import { validateManifests } from '../support/schemas';
import { newService, openMesh, synthErrors } from '../support/util';

/** A split of service 'web' (versions v1, v2) with one route. */
function splitWith(route: HttpRouteOptions) {
  const mesh = openMesh();
  const web = newService(mesh, 'web', ['v1', 'v2']);
  new TrafficSplit(mesh, 'split', { service: web, routes: [route] });
  return { mesh, web };
}

const api: RouteMatch[] = [{ uri: StringMatch.prefix('/api') }];

describe('route actions', () => {
  test('a split route renders header changes, a prefix rewrite and a host rewrite', () => {
    // GIVEN
    const { mesh } = splitWith({
      name: 'api',
      matches: api,
      targets: [TrafficTarget.version('v1')],
      headers: {
        request: { set: { 'x-env': 'prod' }, add: { 'x-trace': '%REQ(x-request-id)%' }, remove: ['x-debug'] },
        response: { set: { 'cache-control': 'no-store' } },
      },
      rewrite: { pathPrefix: '/v1/api', host: 'web.internal:8080' },
    });
    // WHEN
    const manifests = MeshTesting.synth(mesh);
    const route = MeshTesting.find(manifests, 'VirtualService', 'web').spec.http[0];
    // THEN
    expect(route.headers).toEqual({
      request: { set: { 'x-env': 'prod' }, add: { 'x-trace': '%REQ(x-request-id)%' }, remove: ['x-debug'] },
      response: { set: { 'cache-control': 'no-store' } },
    });
    expect(route.rewrite).toEqual({ uri: '/v1/api', authority: 'web.internal:8080' });
    expect(validateManifests(manifests)).toEqual([]);
  });

  test('a full path rewrite renders as Istio renders the Gateway API\'s ReplaceFullPath', () => {
    // GIVEN
    const { mesh } = splitWith({ targets: [TrafficTarget.version('v1')], rewrite: { fullPath: '/healthz' } });
    // WHEN
    const route = MeshTesting.find(MeshTesting.synth(mesh), 'VirtualService', 'web').spec.http[0];
    // THEN
    expect(route.rewrite).toEqual({ uriRegexRewrite: { match: '/.*', rewrite: '/healthz' } });
  });

  test('a split route that redirects needs no targets, takes no service timeout, and renders every redirect field', () => {
    // GIVEN a service with a timeout, and a route that redirects
    const mesh = openMesh();
    const web = newService(mesh, 'web', ['v1'], { timeout: Timeout.of(Duration.seconds(3)) });
    new TrafficSplit(mesh, 'split', {
      service: web,
      routes: [
        { name: 'old', matches: [{ uri: StringMatch.exact('/old') }], redirect: { scheme: 'https', host: 'new.example.com', port: 8443, fullPath: '/new', statusCode: 308 } },
        { targets: [TrafficTarget.version('v1')] },
      ],
    });
    // WHEN
    const manifests = MeshTesting.synth(mesh);
    const http = MeshTesting.find(manifests, 'VirtualService', 'web').spec.http;
    // THEN
    expect(synthErrors(mesh)).toEqual([]);
    expect(http[0]).toEqual({
      name: 'old',
      match: [{ uri: { exact: '/old' } }],
      redirect: { scheme: 'https', authority: 'new.example.com', port: 8443, uri: '/new', redirectCode: 308 },
    });
    expect(http[1].timeout).toEqual('3s');
    expect(validateManifests(manifests)).toEqual([]);
  });

  test('a gateway route takes the same actions, and its timeout and retries', () => {
    // GIVEN
    const mesh = openMesh();
    const web = newService(mesh, 'web');
    const gw = new IngressGateway(mesh, 'gw');
    gw.addRoute({
      service: web,
      paths: [StringMatch.prefix('/shop/')],
      rewrite: { pathPrefix: '/' },
      headers: { response: { remove: ['server'] } },
      timeout: Timeout.of(Duration.seconds(2)),
      retries: RetryPolicy.of({ attempts: 2 }),
    });
    gw.addRoute({ paths: [StringMatch.exact('/')], redirect: { fullPath: '/shop/' } });
    // WHEN
    const manifests = MeshTesting.synth(mesh);
    const http = MeshTesting.find(manifests, 'VirtualService', 'gw', 'istio-ingress').spec.http;
    // THEN
    expect(synthErrors(mesh)).toEqual([]);
    expect(http[0]).toMatchObject({
      name: 'web',
      match: [{ uri: { prefix: '/shop/' } }],
      rewrite: { uri: '/' },
      headers: { response: { remove: ['server'] } },
      timeout: '2s',
      retries: { attempts: 2 },
    });
    expect(http[1]).toEqual({ name: 'redirect', match: [{ uri: { exact: '/' } }], redirect: { uri: '/shop/' } });
    expect(gw.routedServices).toEqual([web]);
    expect(validateManifests(manifests)).toEqual([]);
  });

  test.each<[string, HttpRouteOptions, string[]]>([
    ['a header name that is no HTTP token', { targets: [TrafficTarget.version('v1')], headers: { request: { set: { 'x user': 'a' } } } },
      ["[mesh/split] [MESH0720] route 1 headers.request.set header name \"x user\" is not an HTTP header name: use letters, digits and '-'"]],
    ['a pseudo-header', { name: 'canary', targets: [TrafficTarget.version('v1')], headers: { request: { set: { ':path': '/x' } } } },
      ["[mesh/split] [MESH0720] route 'canary' headers.request.set names pseudo-header ':path', which Envoy cannot change (istiod refuses it): rewrite the path with rewrite, or leave it out"]],
    ['the Host header', { targets: [TrafficTarget.version('v1')], headers: { response: { remove: ['Host'] } } },
      ["[mesh/split] [MESH0720] route 1 headers.response.remove names header 'Host', which istiod refuses to change there: set the host with rewrite.host"]],
    ['a value with a control character', { targets: [TrafficTarget.version('v1')], headers: { request: { add: { 'x-a': 'a\nb' } } } },
      ["[mesh/split] [MESH0721] route 1 headers.request.add header 'x-a' value \"a\\nb\" has the control character '\\n', which no header may carry (istiod refuses it): remove it"]],
    ['a value with a single %', { name: 'canary', targets: [TrafficTarget.version('v1')], headers: { response: { set: { 'x-load': '100%' } } } },
      ["[mesh/split] [MESH0721] route 'canary' headers.response.set header 'x-load' value \"100%\" has a single '%', which Envoy reads as the start of a variable (istiod refuses it): write '%%' for a percent sign"]],
    ['a header set and removed', { name: 'canary', targets: [TrafficTarget.version('v1')], headers: { request: { set: { 'X-Debug': '1' }, remove: ['x-debug'] } } },
      ["[mesh/split] [MESH0722] route 'canary' headers.request both changes and removes header 'x-debug': Envoy would apply one of them, drop the other"]],
    ['an empty rewrite', { targets: [TrafficTarget.version('v1')], rewrite: {} },
      ['[mesh/split] [MESH0723] route 1 rewrite is empty (istiod refuses it): give pathPrefix, fullPath or host, or leave rewrite out']],
    ['a rewrite of both paths', { matches: api, targets: [TrafficTarget.version('v1')], rewrite: { pathPrefix: '/a', fullPath: '/b' } },
      ['[mesh/split] [MESH0723] route 1 rewrite has both pathPrefix and fullPath (istiod refuses it): keep one']],
    ['a prefix rewrite of an exact match', { name: 'api', matches: [{ uri: StringMatch.exact('/login') }], targets: [TrafficTarget.version('v1')], rewrite: { pathPrefix: '/v2' } },
      ["[mesh/split] [MESH0723] route 'api' rewrite.pathPrefix replaces the path prefix the route matched, but a match matches the path by exact '/login': match every path with StringMatch.prefix(...), or use rewrite.fullPath"]],
    ['a prefix rewrite of a route without matches', { targets: [TrafficTarget.version('v1')], rewrite: { pathPrefix: '/v2' } },
      ['[mesh/split] [MESH0723] route 1 rewrite.pathPrefix replaces the path prefix the route matched, but it matches every path: match every path with StringMatch.prefix(...), or use rewrite.fullPath']],
    ['a rewrite to no path', { targets: [TrafficTarget.version('v1')], rewrite: { fullPath: 'v2' } },
      ['[mesh/split] [MESH0723] route 1 rewrite.fullPath "v2" is not a request path: write one that starts with \'/\', without spaces (%20) or control characters']],
    ['a rewrite to no host', { targets: [TrafficTarget.version('v1')], rewrite: { host: 'https://x' } },
      ["[mesh/split] [MESH0723] route 1 rewrite.host \"https://x\" is not a host name: use a lowercase name such as 'shop.example.com', optionally with ':port', without scheme or path"]],
    ['a redirect beside targets', { name: 'old', targets: [TrafficTarget.version('v1')], redirect: { fullPath: '/new' } },
      ["[mesh/split] [MESH0724] route 'old' has a redirect and targets: a redirect answers the request itself, so it goes nowhere and nothing else of the route applies, drop it or the redirect"]],
    ['a redirect beside a mirror, a fault, a rewrite, a timeout and retries', {
      redirect: { fullPath: '/new' },
      mirror: { version: 'v2' },
      fault: FaultInjection.abort(503, 1),
      rewrite: { host: 'a.example.com' },
      timeout: Timeout.of(Duration.seconds(1)),
      retries: RetryPolicy.of({ attempts: 1 }),
    }, ['[mesh/split] [MESH0724] route 1 has a redirect and mirror, fault, rewrite, timeout, retries: a redirect answers the request itself, so it goes nowhere and nothing else of the route applies, drop them or the redirect']],
    ['a redirect that changes nothing', { redirect: { statusCode: 302 } },
      ['[mesh/split] [MESH0725] route 1 redirect changes nothing, so it would send clients back to the same location (istiod refuses it): give scheme, host, port, fullPath or pathPrefix']],
    ['a redirect status that is no redirect', { name: 'old', redirect: { fullPath: '/new', statusCode: 304 } },
      ["[mesh/split] [MESH0725] route 'old' redirect.statusCode 304 is not a redirect status Envoy answers with: use 301, 302, 303, 307, 308"]],
    ['a redirect scheme', { redirect: { scheme: 'ftp' } },
      ["[mesh/split] [MESH0725] route 1 redirect.scheme 'ftp' is not a scheme Envoy redirects to: use 'http' or 'https'"]],
    ['a redirect port', { redirect: { port: 70000 } },
      ['[mesh/split] [MESH0725] route 1 redirect.port 70000 is out of range: use a whole number from 1 to 65535']],
    ['a redirect host', { redirect: { host: 'Shop.Example.com' } },
      ["[mesh/split] [MESH0725] route 1 redirect.host \"Shop.Example.com\" is not a host name: use a lowercase name such as 'shop.example.com', optionally with ':port', without scheme or path"]],
    ['a redirect to no path', { redirect: { fullPath: 'new' } },
      ['[mesh/split] [MESH0725] route 1 redirect.fullPath "new" is not a request path: write one that starts with \'/\', without spaces (%20) or control characters']],
    ['a redirect by path prefix', { name: 'old', matches: api, redirect: { pathPrefix: '/v2/api' } },
      ["[mesh/split] [MESH0726] route 'old' redirect.pathPrefix cannot be rendered in Istio's VirtualService, which redirects only to a whole path: use redirect.fullPath, or render routing with the Gateway API (the mesh's routingApi)"]],
  ])('fails on %s', (_, route, errors) => {
    // GIVEN
    const { mesh } = splitWith(route);
    // THEN
    expect(synthErrors(mesh)).toEqual(errors);
  });

  test('fails on a gateway route that redirects and has a service, and one with a prefix rewrite of a regex path', () => {
    // GIVEN
    const mesh = openMesh();
    const web = newService(mesh, 'web');
    const gw = new IngressGateway(mesh, 'gw', { listeners: [{ port: 80, hosts: ['a.example.com', 'b.example.com'] }] });
    // WHEN
    gw.addRoute({ service: web, hosts: ['a.example.com'], redirect: { scheme: 'https' } });
    gw.addRoute({ service: web, hosts: ['b.example.com'], paths: [StringMatch.regex('/v[0-9]+/.*')], rewrite: { pathPrefix: '/' } });
    // THEN
    expect(synthErrors(mesh)).toEqual([
      "[mesh/gw] [MESH0724] the route to service 'web' has a redirect and a service: a redirect answers the request itself, so it goes nowhere and nothing else of the route applies, drop it or the redirect",
      "[mesh/gw] [MESH0723] the route to service 'web' rewrite.pathPrefix replaces the path prefix the route matched, but a match matches the path by regex '/v[0-9]+/.*': match every path with StringMatch.prefix(...), or use rewrite.fullPath",
    ]);
  });
});

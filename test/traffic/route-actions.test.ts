import { Duration } from 'cdk8s';
import {
  FaultInjection, HttpMethod, HttpRouteOptions, IngressGateway, MeshTesting, RedirectPortDerivation, RetryPolicy, RouteMatch, StringMatch, Timeout,
  TrafficSplit, TrafficTarget, UnmatchedPreflights,
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
      ['[mesh/split] [MESH0723] route 1 rewrite is empty (istiod refuses it): give pathPrefix, fullPath, uriRegexRewrite or host, or leave rewrite out']],
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

describe('direct responses, CORS, regex rewrites, derived redirect ports and per-target headers', () => {
  test('a route answers with a direct response: no destination, no service timeout, the body as text or bytes', () => {
    // GIVEN a service with a timeout, a route that answers, one that answers with bytes, and the rest to v1
    const mesh = openMesh();
    const web = newService(mesh, 'web', ['v1'], { timeout: Timeout.of(Duration.seconds(3)) });
    new TrafficSplit(mesh, 'split', {
      service: web,
      routes: [
        { name: 'gone', matches: [{ uri: StringMatch.prefix('/old') }], directResponse: { status: 410, body: '{"error":"gone"}' } },
        { name: 'teapot', matches: [{ uri: StringMatch.exact('/tea') }], directResponse: { status: 418, bodyBytes: 'dGVh' } },
        { name: 'empty', matches: [{ uri: StringMatch.exact('/ping') }], directResponse: { status: 204 } },
        { targets: [TrafficTarget.version('v1')] },
      ],
    });
    // WHEN
    const manifests = MeshTesting.synth(mesh);
    const http = MeshTesting.find(manifests, 'VirtualService', 'web').spec.http;
    // THEN
    expect(synthErrors(mesh)).toEqual([]);
    expect(http[0]).toEqual({ name: 'gone', match: [{ uri: { prefix: '/old' } }], directResponse: { status: 410, body: { string: '{"error":"gone"}' } } });
    expect(http[1].directResponse).toEqual({ status: 418, body: { bytes: 'dGVh' } });
    expect(http[2].directResponse).toEqual({ status: 204 });
    expect(http[3].timeout).toEqual('3s');
    expect(validateManifests(manifests)).toEqual([]);
    // AND routeFor sees the answer, with no version reached
    expect(MeshTesting.routeFor(mesh, web, { path: '/old/a' })).toEqual([]);
    expect(MeshTesting.routeFor(mesh, web, { path: '/new' }).map(t => t.version)).toEqual(['v1']);
  });

  test('a CORS policy, a regex rewrite, a derived redirect port and per-target headers render in Istio\'s spelling', () => {
    // GIVEN
    const mesh = openMesh();
    const web = newService(mesh, 'web', ['v1', 'v2']);
    new TrafficSplit(mesh, 'split', {
      service: web,
      routes: [
        { name: 'http', matches: [{ scheme: StringMatch.exact('http'), uri: StringMatch.prefix('/secure') }], redirect: { scheme: 'https', derivePort: RedirectPortDerivation.FROM_PROTOCOL_DEFAULT } },
        {
          name: 'api',
          matches: [{ uri: StringMatch.regex('^/service/[^/]+/.*$') }],
          rewrite: { uriRegexRewrite: { match: '^/service/([^/]+)(/.*)$', rewrite: '\\2/instance/\\1' } },
          corsPolicy: {
            allowOrigins: [StringMatch.exact('https://shop.example.com'), StringMatch.regex('https://.*\\.example\\.com')],
            allowMethods: [HttpMethod.GET, HttpMethod.POST],
            allowHeaders: ['x-user'],
            exposeHeaders: ['x-trace'],
            maxAge: Duration.hours(24),
            allowCredentials: true,
            unmatchedPreflights: UnmatchedPreflights.IGNORE,
          },
          targets: [
            TrafficTarget.version('v1', 90, { headers: { request: { set: { 'x-version': 'v1' } } } }),
            TrafficTarget.version('v2', 10, { headers: { response: { add: { 'x-canary': 'true' } }, request: { remove: ['x-debug'] } } }),
          ],
        },
      ],
    });
    // WHEN
    const manifests = MeshTesting.synth(mesh);
    const http = MeshTesting.find(manifests, 'VirtualService', 'web').spec.http;
    // THEN
    expect(synthErrors(mesh)).toEqual([]);
    expect(http[0].redirect).toEqual({ scheme: 'https', derivePort: 'FROM_PROTOCOL_DEFAULT' });
    expect(http[1].rewrite).toEqual({ uriRegexRewrite: { match: '^/service/([^/]+)(/.*)$', rewrite: '\\2/instance/\\1' } });
    expect(http[1].corsPolicy).toEqual({
      allowOrigins: [{ exact: 'https://shop.example.com' }, { regex: 'https://.*\\.example\\.com' }],
      allowMethods: ['GET', 'POST'],
      allowHeaders: ['x-user'],
      exposeHeaders: ['x-trace'],
      maxAge: '86400s',
      allowCredentials: true,
      unmatchedPreflights: 'IGNORE',
    });
    expect(http[1].route).toEqual([
      { destination: { host: 'web.default.svc.cluster.local', subset: 'v1' }, weight: 90, headers: { request: { set: { 'x-version': 'v1' } } } },
      { destination: { host: 'web.default.svc.cluster.local', subset: 'v2' }, weight: 10, headers: { request: { remove: ['x-debug'] }, response: { add: { 'x-canary': 'true' } } } },
    ]);
    expect(validateManifests(manifests)).toEqual([]);
  });

  test('a gateway route may answer with a direct response, and a split route\'s direct response carries through a gateway', () => {
    // GIVEN a gateway that answers /health itself, and routes the rest to 'web', whose split answers /old
    const mesh = openMesh();
    const web = newService(mesh, 'web', ['v1']);
    new TrafficSplit(mesh, 'split', {
      service: web,
      routes: [
        { name: 'gone', matches: [{ uri: StringMatch.prefix('/old') }], directResponse: { status: 410 } },
        { name: 'rest', targets: [TrafficTarget.version('v1')] },
      ],
    });
    const gw = new IngressGateway(mesh, 'gw');
    gw.addRoute({ paths: [StringMatch.exact('/health')], directResponse: { status: 200, body: 'ok' } });
    gw.addRoute({ service: web, corsPolicy: { allowOrigins: [StringMatch.exact('https://shop.example.com')] } });
    // WHEN
    const manifests = MeshTesting.synth(mesh);
    const http = MeshTesting.find(manifests, 'VirtualService', 'gw', 'istio-ingress').spec.http;
    // THEN
    expect(synthErrors(mesh)).toEqual([]);
    expect(http[0]).toEqual({ name: 'direct-response', match: [{ uri: { exact: '/health' } }], directResponse: { status: 200, body: { string: 'ok' } } });
    expect(http[1]).toEqual({
      name: 'web-gone', match: [{ uri: { prefix: '/old' } }], directResponse: { status: 410 }, corsPolicy: { allowOrigins: [{ exact: 'https://shop.example.com' }] },
    });
    expect(http[2]).toMatchObject({ name: 'web-rest', corsPolicy: { allowOrigins: [{ exact: 'https://shop.example.com' }] } });
    expect(validateManifests(manifests)).toEqual([]);
  });

  test('a gateway route and its split route with different CORS policies cannot be combined', () => {
    const mesh = openMesh();
    const web = newService(mesh, 'web', ['v1']);
    new TrafficSplit(mesh, 'split', { service: web, routes: [{ targets: [TrafficTarget.version('v1')], corsPolicy: { allowOrigins: [StringMatch.exact('https://a.com')] } }] });
    new IngressGateway(mesh, 'gw').addRoute({ service: web, corsPolicy: { allowOrigins: [StringMatch.exact('https://b.com')] } });
    expect(synthErrors(mesh)).toEqual([
      "[mesh/gw] [MESH0732] the route to service 'web' and route 1 of TrafficSplit 'mesh/split' both set a corsPolicy, and the gateway answers a browser's preflight with one policy: set it on one of them",
    ]);
  });

  test.each<[string, HttpRouteOptions, string]>([
    ['a regex rewrite beside a prefix rewrite', { matches: api, targets: [TrafficTarget.version('v1')], rewrite: { pathPrefix: '/b', uriRegexRewrite: { match: 'a', rewrite: 'b' } } },
      '[MESH0807] route 1 rewrite.uriRegexRewrite is given beside pathPrefix, and a route rewrites the path one way (istiod refuses both): keep one'],
    ['a regex rewrite without its match', { targets: [TrafficTarget.version('v1')], rewrite: { uriRegexRewrite: { match: '' } as any } },
      "[MESH0807] route 1 rewrite.uriRegexRewrite {\"match\":\"\"} needs a match (an RE2 regular expression) and a rewrite (a string), e.g. { match: '^/v1/(.*)$', rewrite: '/api/\\1' }"],
    ['a regex rewrite that is no RE2', { targets: [TrafficTarget.version('v1')], rewrite: { uriRegexRewrite: { match: '(?!x)', rewrite: '/' } } },
      "[MESH0040] route 1 rewrite.uriRegexRewrite.match '(?!x)' is not a valid RE2 regular expression (invalid or unsupported Perl syntax: `(?!`): Envoy and istiod use RE2, which has no lookaround or backreferences and repeats at most 1000 times, rewrite it"],
    ['a regex rewrite to a path with a space', { targets: [TrafficTarget.version('v1')], rewrite: { uriRegexRewrite: { match: '^/a', rewrite: '/a b' } } },
      '[MESH0807] route 1 rewrite.uriRegexRewrite.rewrite "/a b" has a space or control character, which no request path carries: write it as %20, or remove it'],
    ['a direct response status out of range', { directResponse: { status: 700 } }, '[MESH0808] route 1 directResponse.status 700 is not a status istiod takes: use a whole number from 200 to 599'],
    ['a direct response with two bodies', { directResponse: { status: 200, body: 'x', bodyBytes: 'eA==' } },
      '[MESH0808] route 1 directResponse has both body and bodyBytes, and a response has one body: keep one'],
    ['a direct response body that is no base64', { directResponse: { status: 200, bodyBytes: 'not base64!' } },
      "[MESH0808] route 1 directResponse.bodyBytes is not base64, which Istio reads it as: encode the bytes, e.g. Buffer.from(bytes).toString('base64'), or give text as body"],
    ['a direct response beside targets', { targets: [TrafficTarget.version('v1')], directResponse: { status: 503 } },
      '[MESH0809] route 1 has a directResponse and targets: a route sends requests to its targets, redirects or answers them itself, only one of these, and an answered request goes nowhere else, drop it or the directResponse'],
    ['a direct response beside a redirect and a rewrite', { directResponse: { status: 503 }, redirect: { fullPath: '/x' }, rewrite: { fullPath: '/y' } },
      '[MESH0809] route 1 has a directResponse and redirect, rewrite: a route sends requests to its targets, redirects or answers them itself, only one of these, and an answered request goes nowhere else, drop them or the directResponse'],
    ['a CORS origin with a path', { targets: [TrafficTarget.version('v1')], corsPolicy: { allowOrigins: [StringMatch.exact('example.com/path')] } },
      "[MESH0810] route 1 corsPolicy.allowOrigins exact 'example.com/path' is not an origin a browser sends (scheme://host[:port], without path), so it allows nothing: write e.g. 'https://shop.example.com'"],
    ['a CORS header that is no header name', { targets: [TrafficTarget.version('v1')], corsPolicy: { allowHeaders: ['bad header'] } },
      '[MESH0810] route 1 corsPolicy.allowHeaders "bad header" is not an HTTP header name: use letters, digits and \'-\', or \'*\''],
    ['a CORS maxAge with milliseconds', { targets: [TrafficTarget.version('v1')], corsPolicy: { maxAge: Duration.millis(1500) } },
      '[MESH0810] route 1 corsPolicy.maxAge 1 second 500 millis is not a whole number of seconds, and browsers cache preflight answers by the second (istiod refuses it): give e.g. Duration.hours(24)'],
    ['a redirect with port and derivePort', { redirect: { port: 8443, derivePort: RedirectPortDerivation.FROM_REQUEST_PORT } },
      '[MESH0811] route 1 redirect has both port and derivePort (istiod refuses it): keep one'],
    ['a target that sets :authority', { targets: [TrafficTarget.version('v1', undefined, { headers: { request: { set: { ':authority': 'x' } } } })] },
      "[MESH0720] route 1 target 'v1' headers.request.set names header ':authority', which istiod refuses to change there: set the host with rewrite.host"],
    ['a target header value with a single %', { targets: [TrafficTarget.version('v1', undefined, { headers: { request: { set: { 'x-a': 'bad%' } } } })] },
      "[MESH0721] route 1 target 'v1' headers.request.set header 'x-a' value \"bad%\" has a single '%', which Envoy reads as the start of a variable (istiod refuses it): write '%%' for a percent sign"],
  ])('fails on %s', (_what, route, message) => {
    const { mesh } = splitWith(route);
    expect(synthErrors(mesh)).toEqual([`[mesh/split] ${message}`]);
  });
});

describe('regex rewrites through a gateway', () => {
  test('a split route\'s regex rewrite carries through a gateway route that does not rewrite the path', () => {
    const mesh = openMesh();
    const web = newService(mesh, 'web', ['v1']);
    new TrafficSplit(mesh, 'split', { service: web, routes: [{ targets: [TrafficTarget.version('v1')], rewrite: { uriRegexRewrite: { match: '^/a/(.*)$', rewrite: '/\\1' } } }] });
    new IngressGateway(mesh, 'gw').addRoute({ service: web, paths: [StringMatch.prefix('/a/')], rewrite: { host: 'web.internal' } });
    const http = MeshTesting.find(MeshTesting.synth(mesh), 'VirtualService', 'gw', 'istio-ingress').spec.http;
    expect(http[0].rewrite).toEqual({ uriRegexRewrite: { match: '^/a/(.*)$', rewrite: '/\\1' }, authority: 'web.internal' });
  });

  test('fails on a gateway route\'s regex rewrite before a split route that matches the path', () => {
    const mesh = openMesh();
    const web = newService(mesh, 'web', ['v1']);
    new TrafficSplit(mesh, 'split', {
      service: web,
      routes: [{ name: 'api', matches: [{ uri: StringMatch.prefix('/api') }], targets: [TrafficTarget.version('v1')] }, { targets: [TrafficTarget.version('v1')] }],
    });
    new IngressGateway(mesh, 'gw').addRoute({ service: web, rewrite: { uriRegexRewrite: { match: '^/x(.*)$', rewrite: '\\1' } } });
    expect(synthErrors(mesh)).toEqual([
      "[mesh/gw] [MESH0728] the route to service 'web' rewrites the path by a regex, and route 'api' of TrafficSplit 'mesh/split' matches the path too, so the path either sees "
      + 'cannot be told: rewrite by prefix or whole path where both apply, or route the gateway to those paths separately',
    ]);
  });
});

import { HeaderMatch, HttpMethod, MeshService, MeshTesting, QueryParamMatch, RouteMatch, RoutingApi, StringMatch, TrafficSplit, TrafficTarget } from '../../src';
import { validateManifests } from '../support/schemas';
import { newService, openMesh, synthErrors } from '../support/util';

describe('matches', () => {
  test('string and header matches', () => {
    expect(StringMatch.exact('/a')._toIstio()).toEqual({ exact: '/a' });
    expect(StringMatch.prefix('/api')._toIstio()).toEqual({ prefix: '/api' });
    expect(StringMatch.regex('^/v[0-9]+/')._toIstio()).toEqual({ regex: '^/v[0-9]+/' });
    const h = HeaderMatch.exact('End-User', 'jason');
    expect(h.name).toEqual('end-user');
    expect(h.value._toIstio()).toEqual({ exact: 'jason' });
    expect(HeaderMatch.prefix('x-a', 'b').value._toIstio()).toEqual({ prefix: 'b' });
    expect(HeaderMatch.regex('x-a', 'b+').value._toIstio()).toEqual({ regex: 'b+' });
  });

  test('an exact header match may be empty (the header is present and empty), and may name a request pseudo-header', () => {
    expect(HeaderMatch.exact('x-user', '').value._toIstio()).toEqual({ exact: '' });
    const authority = HeaderMatch.exact(':Authority', 'example.com');
    expect(authority.name).toEqual(':authority');
    expect(authority.value._toIstio()).toEqual({ exact: 'example.com' });
    expect(HeaderMatch.prefix(':path', '/api').name).toEqual(':path');
  });

  test.each([
    [() => HeaderMatch.regex('end-user', ''), "[MESH0043] HeaderMatch.regex: header 'end-user' has no value to match: give one, e.g. HeaderMatch.exact('end-user', 'jason')"],
    [() => HeaderMatch.exact(':status', '200'), "[MESH0044] HeaderMatch.exact: header name ':status' is not an HTTP header name: use letters, digits and '-'"],
    [() => HeaderMatch.prefix('x', ''), "[MESH0043] HeaderMatch.prefix: header 'x' has no value to match: give one, e.g. HeaderMatch.exact('x', 'jason')"],
    [() => HeaderMatch.exact('bad header', 'x'), "[MESH0044] HeaderMatch.exact: header name 'bad header' is not an HTTP header name: use letters, digits and '-'"],
    [() => StringMatch.exact(''), '[MESH0043] StringMatch.exact: value is empty: give the text to match'],
    [() => StringMatch.regex('(unclosed'), "[MESH0040] StringMatch.regex: pattern '(unclosed' is not a valid RE2 regular expression (missing closing ): `(unclosed`): Envoy and istiod use RE2, which has no lookaround or backreferences and repeats at most 1000 times, rewrite it"],
  ])('fails %#', (make, message) => {
    expect(make).toThrow(message);
  });
});

describe('matches on query parameters, absent headers, authority, scheme, port and the caller', () => {
  /** Service 'web' (versions v1, v2, port 8080) routed by one route with `match`; 'caller' (versions v1, v2) calls it. */
  function routed(match: RouteMatch, props: { routingApi?: RoutingApi; allowIstioApiFallback?: boolean } = {}) {
    const mesh = openMesh(props);
    const caller = newService(mesh, 'caller', ['v1', 'v2']);
    const web = newService(mesh, 'web', ['v1', 'v2']);
    new TrafficSplit(mesh, 'split', {
      service: web,
      routes: [
        { name: 'special', matches: [typeof match === 'function' ? (match as any)(caller) : match], targets: [TrafficTarget.version('v2')] },
        { name: 'rest', targets: [TrafficTarget.version('v1')] },
      ],
    });
    return { mesh, caller, web };
  }

  test('every condition renders in Istio\'s spelling, field by field', () => {
    // GIVEN a match with every new condition, from version v2 of 'caller'
    const { mesh } = routed(((caller: MeshService) => ({
      name: 'beta',
      queryParams: [QueryParamMatch.exact('tier', 'gold'), QueryParamMatch.present('debug'), QueryParamMatch.regex('id', '\\d+'), QueryParamMatch.prefix('q', 'ab')],
      withoutHeaders: [HeaderMatch.present('x-skip'), HeaderMatch.exact('x-env', 'dev')],
      authority: StringMatch.exact('web.example.com'),
      scheme: StringMatch.exact('http'),
      port: 8080,
      uri: StringMatch.prefix('/API'),
      ignoreUriCase: true,
      statPrefix: 'web-beta',
      sourceService: caller,
      sourceVersion: 'v2',
      sourceLabels: { track: 'beta' },
    })) as any);
    // WHEN
    const manifests = MeshTesting.synth(mesh);
    const match = MeshTesting.find(manifests, 'VirtualService', 'web').spec.http[0].match[0];
    // THEN
    expect(match).toEqual({
      name: 'beta',
      // presence is `{}`: Envoy takes a matcher without a value as "present"; `exact: ''` would take only an empty value
      queryParams: { tier: { exact: 'gold' }, debug: {}, id: { regex: '\\d+' }, q: { prefix: 'ab' } },
      withoutHeaders: { 'x-skip': {}, 'x-env': { exact: 'dev' } },
      authority: { exact: 'web.example.com' },
      scheme: { exact: 'http' },
      port: 8080,
      uri: { prefix: '/API' },
      ignoreUriCase: true,
      statPrefix: 'web-beta',
      sourceLabels: { track: 'beta', app: 'caller', version: 'v2' },
      sourceNamespace: 'default',
    });
    expect(validateManifests(manifests)).toEqual([]);
  });

  test('a namespace alone, and labels alone, render without an app label', () => {
    const { mesh } = routed({ sourceNamespace: 'batch', sourceLabels: { team: 'data' } });
    const match = MeshTesting.find(MeshTesting.synth(mesh), 'VirtualService', 'web').spec.http[0].match[0];
    expect(match).toEqual({ sourceNamespace: 'batch', sourceLabels: { team: 'data' } });
  });

  test('routeFor honours query parameters, absent headers, the authority, the port and the calling version', () => {
    // GIVEN a route for version v2 of the caller with ?tier=gold, without x-skip, on host web.example.com
    const { mesh, caller, web } = routed(((c: MeshService) => ({
      sourceService: c,
      sourceVersion: 'v2',
      queryParams: [QueryParamMatch.exact('tier', 'gold'), QueryParamMatch.present('debug')],
      withoutHeaders: [HeaderMatch.present('x-skip')],
      authority: StringMatch.prefix('web.example'),
      port: 8080,
    })) as any);
    const to = (opts: any) => MeshTesting.routeFor(mesh, web, { from: caller, fromVersion: 'v2', path: '/?tier=gold&debug', headers: { host: 'web.example.com' }, ...opts })
      .map(t => t.version);
    // THEN only the request that meets every condition reaches v2
    expect(to({})).toEqual(['v2']);
    expect(to({ path: '/?tier=silver&debug' })).toEqual(['v1']);
    expect(to({ path: '/?tier=gold' })).toEqual(['v1']);
    // presence: with a value too
    expect(to({ path: '/?tier=gold&debug=1' })).toEqual(['v2']);
    expect(to({ headers: { 'host': 'web.example.com', 'x-skip': '1' } })).toEqual(['v1']);
    expect(to({ headers: { host: 'other.example.com' } })).toEqual(['v1']);
    expect(to({ fromVersion: 'v1' })).toEqual(['v1']);
  });

  test('duplicate-route detection sees the new conditions, in any order', () => {
    // GIVEN two routes whose matches differ only in the order of their query parameters, and a third on another port
    const mesh = openMesh();
    const web = newService(mesh, 'web', ['v1'], { ports: [{ port: 80 }, { port: 8080 }] } as any);
    const a = QueryParamMatch.exact('a', '1');
    const b = QueryParamMatch.exact('b', '2');
    new TrafficSplit(mesh, 'split', {
      service: web,
      routes: [
        { name: 'one', matches: [{ queryParams: [a, b] }], targets: [TrafficTarget.version('v1')] },
        { name: 'two', matches: [{ queryParams: [b, a] }], targets: [TrafficTarget.version('v1')] },
        { name: 'three', matches: [{ queryParams: [a, b], port: 8080 }], targets: [TrafficTarget.version('v1')] },
      ],
    });
    // THEN only the second is the same as the first
    expect(synthErrors(mesh)).toEqual([
      "[mesh/split] [MESH0168] route 'two' has the same matches as an earlier route, which takes their requests first, so it is never used: change its matches, or remove it",
    ]);
  });
});

describe('checks of the new match conditions', () => {
  test.each([
    [() => QueryParamMatch.exact('a', ''), "[MESH0800] QueryParamMatch.exact: query parameter 'a' has no value to match: give one, or match its presence with QueryParamMatch.present('a')"],
    [() => QueryParamMatch.present('a=b'), "[MESH0800] QueryParamMatch.present: query parameter name 'a=b' is not one a request can carry: give a non-empty name without '&', '=', '#', '?', spaces or control characters"],
    [() => QueryParamMatch.prefix('a', 'x y'), "[MESH0800] QueryParamMatch.prefix: query parameter 'a' value \"x y\" is not one a request can carry: give a non-empty value without '&', '#', spaces or control characters (Envoy compares the value as sent, percent-encoded)"],
    [() => QueryParamMatch.regex('a', '(?<=x)'), "[MESH0040] StringMatch.regex: pattern '(?<=x)' is not a valid RE2 regular expression"],
  ])('a query parameter factory fails %#', (make, message) => {
    expect(make).toThrow(message);
  });

  test.each([
    ['a query parameter twice', () => ({ queryParams: [QueryParamMatch.exact('a', '1'), QueryParamMatch.present('a')] }),
      "[MESH0801] queryParams names 'a' twice in one match: list it once (use several matches for OR)"],
    ['a header required and excluded', () => ({ headers: [HeaderMatch.exact('x', '1')], withoutHeaders: [HeaderMatch.present('x')] }),
      "[MESH0801] header 'x' is both required and excluded (withoutHeaders) by one match, so it takes no request: keep one of them"],
    ['a scheme no request carries', () => ({ scheme: StringMatch.exact('HTTPS') }),
      "[MESH0802] scheme exact 'HTTPS' is not a scheme a request carries (Envoy compares ':scheme', case-sensitive, 'http' or 'https'), so it matches nothing: use 'http' or 'https'"],
    ['an upper-case authority', () => ({ authority: StringMatch.exact('Web.Example.com') }),
      "[MESH0802] authority exact 'Web.Example.com' has upper-case letters, but clients send host names in lower case and Envoy compares them as sent, so it matches nothing: write 'web.example.com'"],
    ['a port out of range', () => ({ port: 70000 }), '[MESH0803] port 70000 is not a port: use a whole number from 1 to 65535, the service port the request comes to'],
    ['a port the service lacks', () => ({ port: 9090 }),
      "[MESH0803] route 1 matches port 9090, which is not a port of service 'web' (ports: 8080), so it takes no request: match one of them"],
    ['a version without its service', () => ({ sourceVersion: 'v2' }), "[MESH0804] sourceVersion 'v2' is given without sourceService: name the calling service whose version it is"],
    ['a version the caller lacks', (c: MeshService) => ({ sourceService: c, sourceVersion: 'v3' }),
      "[MESH0804] sourceVersion 'v3' is not a version of service 'caller' (versions: v1, v2), so no caller matches: name one of them"],
    ['a version that is no name', (c: MeshService) => ({ sourceService: c, sourceVersion: 'V 2' }),
      "[MESH0804] sourceVersion 'V 2' is not a version name: use lowercase letters, digits and '-', e.g. 'v2'"],
    ['an app label beside sourceService', (c: MeshService) => ({ sourceService: c, sourceLabels: { app: 'other' } }),
      "[MESH0805] sourceLabels sets 'app: other', but sourceService is 'caller', so no caller matches: drop the label"],
    ['a namespace that is no name', () => ({ sourceNamespace: 'Bad_NS' }), "[MESH0805] sourceNamespace 'Bad_NS' is not a namespace name: use lowercase letters, digits and '-'"],
    ['another namespace than sourceService\'s', (c: MeshService) => ({ sourceService: c, sourceNamespace: 'other' }),
      "[MESH0805] sourceNamespace 'other' is not the namespace of sourceService 'caller' ('default'), so no caller matches: drop sourceNamespace"],
    ['ignoreUriCase without uri', () => ({ ignoreUriCase: true, method: HttpMethod.GET }),
      "[MESH0806] ignoreUriCase is set but the match has no uri, and Istio ignores case only in exact and prefix uri matches, so it does nothing: match the uri by exact or prefix (or use '(?i)' in the regex), or drop ignoreUriCase"],
    ['a statPrefix with a space', () => ({ statPrefix: 'a b', method: HttpMethod.GET }),
      "[MESH0806] statPrefix 'a b' is not a name Envoy can report: give a non-empty name without spaces or control characters, e.g. 'reviews-canary'"],
    ['withoutHeaders not made by HeaderMatch', () => ({ withoutHeaders: ['x'] }), "[MESH0096] withoutHeaders[0] 'x' is not a HeaderMatch: make it with HeaderMatch.present(name)"],
  ])('fails on %s', (_what, match: (caller: MeshService) => any, message) => {
    // GIVEN
    const mesh = openMesh();
    const caller = newService(mesh, 'caller', ['v1', 'v2']);
    const web = newService(mesh, 'web', ['v1', 'v2']);
    new TrafficSplit(mesh, 'split', { service: web, routes: [{ matches: [match(caller)], targets: [TrafficTarget.version('v1')] }, { targets: [TrafficTarget.version('v2')] }] });
    // THEN
    expect(synthErrors(mesh)).toEqual([`[mesh/split] ${message}`]);
  });
});

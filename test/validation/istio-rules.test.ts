import { Duration } from 'cdk8s';
import {
  CertificateAuthority, CircuitBreaker, ControlPlane, ExternalService, FaultInjection, HeaderMatch, HttpMethod, IngressGateway, LoadBalancer,
  MeshService, MeshTesting, PolicyScope, Protocol, RateLimit, RetryOn, RetryPolicy, ServiceTrafficPolicy, StringMatch, TelemetryPolicy,
  TelemetryStack, Timeout, TrafficSplit, TrafficTarget,
} from '../../src';
import { validateManifests } from '../support/schemas';
import { openMesh, newService, synthErrors } from '../support/util';

// What istiod's validating webhook (pkg/config/validation), the CRDs' CEL rules, Envoy and Prometheus refuse,
// or silently do otherwise than asked, is a coded error (or a warning) at synth; each legal neighbour passes.

const THOUSAND_YEARS = Duration.days(365_000);

describe('regular expressions are RE2, as Envoy and istiod read them', () => {
  const rewrite = 'Envoy and istiod use RE2, which has no lookaround or backreferences and repeats at most 1000 times, rewrite it';
  test.each<[string, string]>([
    ['(?<=/api)x', "pattern '(?<=/api)x' is not a valid RE2 regular expression (invalid named capture: `(?<=/api)x`)"],
    ['(a)\\1', "pattern '(a)\\1' is not a valid RE2 regular expression (invalid escape sequence: `\\1`)"],
    ['a{1001}', "pattern 'a{1001}' is not a valid RE2 regular expression (invalid repeat count: `{1001}`)"],
    ['/(?!admin)', "pattern '/(?!admin)' is not a valid RE2 regular expression (invalid or unsupported Perl syntax: `(?!`)"],
  ])('fails on %s, which JavaScript accepts', (pattern, message) => {
    expect(() => new RegExp(pattern)).not.toThrow();
    expect(() => StringMatch.regex(pattern)).toThrow(`[MESH0040] StringMatch.regex: ${message}: ${rewrite}`);
  });

  test('fails on a pattern longer than 1024 characters, and in a header match', () => {
    expect(() => StringMatch.regex('a'.repeat(1025))).toThrow('[MESH0040] StringMatch.regex: pattern is 1025 characters long: istiod refuses regular expressions longer than 1024, shorten it');
    expect(() => HeaderMatch.regex('x-user', '(?<=a)b')).toThrow("[MESH0040] StringMatch.regex: pattern '(?<=a)b' is not a valid RE2 regular expression (invalid named capture: `(?<=a)b`)");
  });

  test.each(['a{1000}', 'a'.repeat(1024), '/api/v[0-9]+/.*', '(?i)^jason$', '\\d+', '(?P<id>[0-9]+)'])('accepts %s', pattern => {
    expect(StringMatch.regex(pattern)._toIstio()).toEqual({ regex: pattern });
  });
});

describe('durations are whole milliseconds a Go duration holds', () => {
  const tooLong = 'is longer than a Go duration holds (2562047h, about 292 years), so the cluster cannot read it: use a shorter one';
  test.each<[string, () => unknown, string]>([
    ['a 1,000-year timeout', () => Timeout.of(THOUSAND_YEARS), `[MESH0160] Timeout.of: duration 31536000000s ${tooLong}`],
    ['a fraction of a millisecond', () => Timeout.of(Duration.millis(1.5)), '[MESH0160] Timeout.of: duration 1.5 millis is not a whole number of milliseconds: durations are written to the millisecond, round it'],
    ['a 1,000-year perTryTimeout', () => RetryPolicy.of({ attempts: 2, perTryTimeout: THOUSAND_YEARS }), `[MESH0160] RetryPolicy.of: perTryTimeout 31536000000s ${tooLong}`],
    ['a 1,000-year outlier interval', () => CircuitBreaker.of({ consecutiveErrors: 5, interval: THOUSAND_YEARS }), `[MESH0160] CircuitBreaker.of: interval 31536000000s ${tooLong}`],
    ['a fractional connect timeout', () => CircuitBreaker.of({ connectTimeout: Duration.seconds(1.0005) }), '[MESH0160] CircuitBreaker.of: connectTimeout 1 second 0.5 millis is not a whole number of milliseconds: durations are written to the millisecond, round it'],
    ['a 1,000-year fault delay', () => FaultInjection.delay(THOUSAND_YEARS), `[MESH0160] FaultInjection.of: delay fixedDelay 31536000000s ${tooLong}`],
    ['a 1,000-year cookie ttl', () => LoadBalancer.consistentHashByCookie('session', { ttl: THOUSAND_YEARS }), `[MESH0160] LoadBalancer.consistentHashByCookie: ttl 31536000000s ${tooLong}`],
  ])('fails on %s', (_, make, message) => {
    expect(make).toThrow(message);
  });

  test('the longest duration Go holds, and the shortest Istio takes, pass', () => {
    expect(Timeout.of(Duration.hours(2_562_047))._toIstio()).toEqual('9223369200s');
    expect(Timeout.of(Duration.millis(1))._toIstio()).toEqual('1ms');
    expect(RetryPolicy.of({ attempts: 2, perTryTimeout: Duration.millis(1500) })._toIstio().perTryTimeout).toEqual('1500ms');
  });

  test('fails on a rate-limit window that cannot be written, and renders the default in its place', () => {
    const mesh = openMesh();
    const api = newService(mesh, 'api');
    const limit = new RateLimit(mesh, 'rl', { service: api, requests: 10, per: Duration.millis(100.5) });
    expect(synthErrors(mesh)).toEqual(['[mesh/rl] [MESH0160] per 100.5 millis is not a whole number of milliseconds: durations are written to the millisecond, round it']);
    expect(JSON.stringify(limit.resource.toJson())).toContain('"fill_interval":"60s"');
  });

  test('fails on Prometheus durations that cannot be written, and renders the defaults in their place', () => {
    const mesh = openMesh();
    const stack = new TelemetryStack(mesh, 'Telemetry', { prometheus: { scrapeInterval: Duration.millis(1500.5), retention: THOUSAND_YEARS } });
    expect(synthErrors(mesh)).toEqual([
      `[mesh-telemetry/Prometheus] [MESH0430] retention 31536000000s ${tooLong}`,
      '[mesh-telemetry/Prometheus] [MESH0430] scrapeInterval 1 second 500.5 millis is not a whole number of milliseconds: durations are written to the millisecond, round it',
    ]);
    expect(stack.prometheus!.retention.toDays()).toEqual(15);
    expect(stack.prometheus!.scrapeInterval.toSeconds()).toEqual(15);
  });
});

describe('control plane and certificate durations are whole milliseconds a Go duration holds', () => {
  const tooLong = 'is longer than a Go duration holds (2562047h, about 292 years), so the cluster cannot read it: use a shorter one';
  test.each<[string, () => unknown, string]>([
    ['a 1,000-year workload certificate', () => CertificateAuthority.selfSigned({ workloadCertTtl: THOUSAND_YEARS }), `[MESH0212] CertificateAuthority: workloadCertTtl 31536000000s ${tooLong}`],
    ['a fractional maximum', () => CertificateAuthority.selfSigned({ maxWorkloadCertTtl: Duration.millis(86_400_000.5) }),
      '[MESH0212] CertificateAuthority: maxWorkloadCertTtl 1 day 0.5 millis is not a whole number of milliseconds: durations are written to the millisecond, round it'],
    ['a 1,000-year intermediate', () => CertificateAuthority.certManager({ intermediateCa: { issuerName: 'root', duration: THOUSAND_YEARS } }),
      `[MESH0212] CertificateAuthority.certManager: intermediateCa.duration 31536000000s ${tooLong}`],
  ])('fails on %s', (_, make, message) => {
    expect(make).toThrow(message);
  });

  test('fails on an istiod keepalive Go cannot hold, and renders the default in its place; a day passes', () => {
    const mesh = openMesh({ controlPlane: { keepaliveMaxServerConnectionAge: THOUSAND_YEARS } });
    expect(synthErrors(mesh)).toEqual([`[mesh-control-plane/istiod] [MESH0160] keepaliveMaxServerConnectionAge 31536000000s ${tooLong}`]);
    expect(JSON.stringify((mesh.controlPlane as ControlPlane).resource!.toJson())).toContain('"--keepaliveMaxServerConnectionAge","30m"');
    expect(() => CertificateAuthority.selfSigned({ workloadCertTtl: Duration.days(1), maxWorkloadCertTtl: Duration.days(90) })).not.toThrow();
    expect(synthErrors(openMesh({ controlPlane: { keepaliveMaxServerConnectionAge: Duration.days(1) } }))).toEqual([]);
  });
});

describe('retryOn takes what Istio takes', () => {
  test.each(['timeout', '5XX', '600'])('fails on %s (from JavaScript)', value => {
    expect(() => RetryPolicy.of({ attempts: 2, retryOn: [value as RetryOn] })).toThrow(
      `[MESH0161] RetryPolicy.of: retryOn '${value}' is not a retry condition Istio takes: use RetryOn values (5xx, gateway-error, reset, reset-before-request, connect-failure, refused-stream, retriable-4xx, envoy-ratelimited, http3-post-connect-failure, cancelled, deadline-exceeded, internal, resource-exhausted, unavailable) or an HTTP status code`);
  });

  test('several conditions in one string fail: each is its own element (and checked for repeats)', () => {
    expect(() => RetryPolicy.of({ attempts: 2, retryOn: ['reset,timeout' as RetryOn] })).toThrow(
      "[MESH0161] RetryPolicy.of: retryOn 'reset,timeout' holds several conditions in one string: give each as its own element, e.g. ['reset', 'timeout']");
  });

  test('every RetryOn value, the other conditions istiod takes, and status codes pass', () => {
    const all = Object.values(RetryOn);
    expect(RetryPolicy.of({ attempts: 2, retryOn: all })._toIstio().retryOn).toEqual(all.join(','));
    const more = ['retriable-status-codes', '503', 'envoy-ratelimited'] as unknown as RetryOn[];
    expect(RetryPolicy.of({ attempts: 2, retryOn: more })._toIstio().retryOn).toEqual('retriable-status-codes,503,envoy-ratelimited');
  });
});

describe('a per-try timeout the route timeout always beats is a warning', () => {
  const warning = (path: string, label: string, perTry: string, timeout: string) => ({
    code: 'MESH0162',
    severity: 'WARNING',
    path,
    message: `${label}retries perTryTimeout ${perTry} is not shorter than the timeout ${timeout}, which ends the request first, so no try is cut short and retried: make perTryTimeout shorter than the timeout`,
  });

  test('warns on a route whose perTryTimeout is longer than its timeout, and on one that takes the service timeout', () => {
    const mesh = openMesh();
    const web = newService(mesh, 'web', ['v1'], { timeout: Timeout.of(Duration.seconds(2)) });
    new TrafficSplit(mesh, 'split', {
      service: web,
      routes: [
        { name: 'slow', matches: [{ uri: StringMatch.prefix('/slow') }], targets: [TrafficTarget.version('v1')], timeout: Timeout.of(Duration.seconds(5)), retries: RetryPolicy.of({ attempts: 2, perTryTimeout: Duration.seconds(10) }) },
        { targets: [TrafficTarget.version('v1')], retries: RetryPolicy.of({ attempts: 2, perTryTimeout: Duration.seconds(2) }) },
      ],
    });
    expect(mesh.analyze().filter(f => f.code === 'MESH0162')).toEqual([
      warning('mesh/split', "route 'slow': ", '10s', '5s'),
      warning('mesh/split', 'route 2: ', '2s', '2s'),
    ]);
    expect(synthErrors(mesh)).toEqual([]);
  });

  test('warns on a ServiceTrafficPolicy, whatever order it is given in', () => {
    const mesh = openMesh();
    const web = newService(mesh, 'web');
    new ServiceTrafficPolicy(mesh, 'web-traffic', { service: web, timeout: Timeout.of(Duration.seconds(1)), retries: RetryPolicy.of({ attempts: 3, perTryTimeout: Duration.seconds(3) }) });
    expect(mesh.analyze().filter(f => f.code === 'MESH0162')).toEqual([warning('mesh/web-traffic', '', '3s', '1s')]);
  });

  test('a per-try timeout shorter than the timeout passes', () => {
    const mesh = openMesh();
    newService(mesh, 'web', ['v1'], { timeout: Timeout.of(Duration.seconds(10)), retries: RetryPolicy.of({ attempts: 3, perTryTimeout: Duration.seconds(3) }) });
    expect(mesh.analyze()).toEqual([]);
  });
});

describe('locality load balancing follows istiod', () => {
  test.each<[string, () => unknown, string]>([
    ['a weight of 0', () => LoadBalancer.roundRobin({ locality: { distribute: [{ from: 'us', to: { us: 100, eu: 0 } }] } }),
      '[MESH0034] LoadBalancer: locality distribution from \'us\' has weights {"us":100,"eu":0} (total 100): use whole percentages of at least 1 that add up to 100'],
    ['failover with a topology label in failoverPriority', () => LoadBalancer.roundRobin({ locality: { failover: [{ from: 'us', to: 'eu' }], failoverPriority: ['topology.kubernetes.io/zone'] } }),
      "[MESH0163] LoadBalancer: locality sets failover and failoverPriority 'topology.kubernetes.io/zone': istiod refuses a topology label in failoverPriority with failover, drop one of them"],
    ['a wildcard failover region', () => LoadBalancer.roundRobin({ locality: { failover: [{ from: 'us', to: '*' }] } }),
      "[MESH0032] LoadBalancer: locality failover 'us' -> '*' must name two regions (no '/' or '*')"],
    ['a wildcard before the last segment', () => LoadBalancer.roundRobin({ locality: { distribute: [{ from: '*/z1', to: { us: 100 } }] } }),
      "[MESH0033] LoadBalancer: locality '*/z1' is not region[/zone[/subzone]] ('*' may stand for the last segment)"],
    ['overlapping sources', () => LoadBalancer.roundRobin({ locality: { distribute: [{ from: 'us', to: { us: 100 } }, { from: 'us/z1', to: { eu: 100 } }] } }),
      "[MESH0164] LoadBalancer: locality 'us/z1' overlaps 'us': istiod refuses localities that repeat or contain one another, list each once"],
    ['overlapping destinations', () => LoadBalancer.roundRobin({ locality: { distribute: [{ from: 'us', to: { 'eu/*': 50, 'eu/z1': 50 } }] } }),
      "[MESH0164] LoadBalancer: locality 'eu/z1' overlaps 'eu/*': istiod refuses localities that repeat or contain one another, list each once"],
  ])('fails on %s', (_, make, message) => {
    expect(make).toThrow(message);
  });

  test('failover with a custom failoverPriority label, distinct localities and a final wildcard pass', () => {
    expect(() => LoadBalancer.roundRobin({ locality: { failover: [{ from: 'us', to: 'eu' }], failoverPriority: ['topology.istio.io/network'] } })).not.toThrow();
    expect(() => LoadBalancer.roundRobin({ locality: { distribute: [{ from: 'us/z1', to: { 'us/z1': 60, 'us/z2': 39, 'eu': 1 } }, { from: 'us/z2', to: { us: 100 } }, { from: '*', to: { eu: 100 } }] } })).not.toThrow();
  });
});

describe('route matches that would match nothing', () => {
  test('fails on a path without a leading slash and a lower-case method, in a split and at a gateway', () => {
    const mesh = openMesh();
    const web = newService(mesh, 'web');
    new TrafficSplit(mesh, 'split', {
      service: web,
      routes: [
        { matches: [{ uri: StringMatch.prefix('api') }, { uri: StringMatch.exact('health'), method: 'get' as HttpMethod }], targets: [TrafficTarget.version('v1')] },
        { matches: [{ method: 'FETCH' as HttpMethod }], targets: [TrafficTarget.version('v1')] },
        { targets: [TrafficTarget.version('v1')] },
      ],
    });
    const gw = new IngressGateway(mesh, 'edge');
    gw.addRoute({ service: web, paths: [StringMatch.prefix('static')] });
    expect(synthErrors(mesh)).toEqual([
      "[mesh/split] [MESH0165] uri prefix 'api' does not start with '/': every request path does, so it would match nothing, write '/api'",
      "[mesh/split] [MESH0165] uri exact 'health' does not start with '/': every request path does, so it would match nothing, write '/health'",
      "[mesh/split] [MESH0166] method 'get' is not upper-case: HTTP methods are case-sensitive, so it would match no request, use HttpMethod.GET",
      "[mesh/split] [MESH0090] method 'FETCH' is not a value of HttpMethod: use HttpMethod.GET, HttpMethod.HEAD, HttpMethod.POST, HttpMethod.PUT, HttpMethod.DELETE, HttpMethod.PATCH, HttpMethod.OPTIONS, HttpMethod.CONNECT or HttpMethod.TRACE",
      "[mesh/edge] [MESH0165] path prefix 'static' does not start with '/': every request path does, so it would match nothing, write '/static'",
    ]);
  });

  test('fails on a control character in a matched value', () => {
    expect(() => HeaderMatch.exact('x-user', 'a\r\nb')).toThrow(
      "[MESH0167] HeaderMatch.exact: header 'x-user' value \"a\\r\\nb\" has the control character '\\r', which no request header carries, so it never matches: remove it");
    expect(() => StringMatch.prefix('/api\u0000')).toThrow(
      "[MESH0167] StringMatch.prefix: value \"/api\\u0000\" has the control character '\\u0000', which no request path or header carries, so it never matches: remove it");
  });

  test('paths with a slash, upper-case methods, regexes and tabs in header values pass', () => {
    const mesh = openMesh();
    const web = newService(mesh, 'web');
    new TrafficSplit(mesh, 'split', {
      service: web,
      routes: [
        { matches: [{ uri: StringMatch.prefix('/api'), method: HttpMethod.GET, headers: [HeaderMatch.exact('x-user', 'a\tb')] }], targets: [TrafficTarget.version('v1')] },
        { matches: [{ uri: StringMatch.regex('.*/health') }], targets: [TrafficTarget.version('v1')] },
        { targets: [TrafficTarget.version('v1')] },
      ],
    });
    // (A gateway route by path prefix to web would carry the split, and a prefix beside a regex is MESH0728: to another service.)
    new IngressGateway(mesh, 'edge').addRoute({ service: newService(mesh, 'assets'), paths: [StringMatch.prefix('/static')] });
    expect(synthErrors(mesh)).toEqual([]);
    expect(validateManifests(MeshTesting.synth(mesh))).toEqual([]);
  });
});

describe('a route added twice is never used', () => {
  test('fails on a split route with the same matches as an earlier one (headers in any order)', () => {
    const mesh = openMesh();
    const web = newService(mesh, 'web', ['v1', 'v2']);
    const headers = [HeaderMatch.exact('a', '1'), HeaderMatch.exact('b', '2')];
    new TrafficSplit(mesh, 'split', {
      service: web,
      routes: [
        { matches: [{ headers }, { uri: StringMatch.prefix('/x') }], targets: [TrafficTarget.version('v2')] },
        { matches: [{ headers: [...headers].reverse() }], targets: [TrafficTarget.version('v1')] },
        { targets: [TrafficTarget.version('v1')] },
      ],
    });
    expect(synthErrors(mesh)).toEqual(['[mesh/split] [MESH0168] route 2 has the same matches as an earlier route, which takes their requests first, so it is never used: change its matches, or remove it']);
  });

  test('fails on a gateway route with the same paths, or after a route of every path', () => {
    const mesh = openMesh();
    const web = newService(mesh, 'web');
    const api = newService(mesh, 'api');
    const gw = new IngressGateway(mesh, 'edge');
    gw.addRoute({ service: api, paths: [StringMatch.prefix('/api')] });
    gw.addRoute({ service: web, paths: [StringMatch.prefix('/api')] });
    gw.addRoute({ service: web });
    gw.addRoute({ service: api, paths: [StringMatch.prefix('/v2')] });
    expect(synthErrors(mesh)).toEqual([
      "[mesh/edge] [MESH0168] route to service 'web' is never used: the route to service 'api' before it takes the same paths of hosts *: give it other paths, or remove it",
      "[mesh/edge] [MESH0168] route to service 'api' is never used: the route to service 'web' before it takes every path of hosts *: add this one first, or give that one paths",
    ]);
  });

  test('routes with other matches, and a catch-all last, pass', () => {
    const mesh = openMesh();
    const web = newService(mesh, 'web', ['v1', 'v2']);
    new TrafficSplit(mesh, 'split', {
      service: web,
      routes: [
        { matches: [{ headers: [HeaderMatch.exact('a', '1')] }], targets: [TrafficTarget.version('v2')] },
        { matches: [{ headers: [HeaderMatch.exact('a', '1')], uri: StringMatch.prefix('/x') }], targets: [TrafficTarget.version('v1')] },
        { targets: [TrafficTarget.version('v1')] },
      ],
    });
    const gw = new IngressGateway(mesh, 'edge');
    gw.addRoute({ service: web, paths: [StringMatch.prefix('/api')] });
    gw.addRoute({ service: web, paths: [StringMatch.exact('/api')] });
    gw.addRoute({ service: web });
    expect(synthErrors(mesh)).toEqual([]);
  });
});

describe('external services, rate limits and HTTP settings on services without HTTP', () => {
  test('fails on an ExternalService with two ports of one number; distinct ports pass', () => {
    const mesh = openMesh();
    new ExternalService(mesh, 'api', { hosts: ['api.example.com'], ports: [{ port: 443, protocol: Protocol.HTTPS }, { port: 443, protocol: Protocol.TLS }] });
    new ExternalService(mesh, 'ok', { hosts: ['ok.example.com'], ports: [{ port: 443, protocol: Protocol.HTTPS }, { port: 80, protocol: Protocol.HTTP }] });
    expect(synthErrors(mesh)).toEqual(['[mesh/api] [MESH0169] ports has port 443 twice (https, tls): a port has one protocol, list it once']);
  });

  test('fails on a rate limit of a TCP-only service; one of an HTTP service passes', () => {
    const mesh = openMesh();
    const db = new MeshService(mesh, 'db', { ports: [{ port: 5432, protocol: Protocol.TCP }] });
    db.addVersion('v1', { image: 'example/db:v1' });
    new RateLimit(mesh, 'rl', { service: db, requests: 10 });
    new RateLimit(mesh, 'web-rl', { service: newService(mesh, 'web'), requests: 10 });
    expect(synthErrors(mesh)).toEqual([
      "[mesh/rl] [MESH0170] service 'db' has no HTTP, HTTP2 or GRPC port (ports: 5432/tcp): the rate limit counts HTTP requests, so it would limit nothing, limit an HTTP service",
    ]);
  });

  test('fails on settings only HTTP requests get, on a TCP-only service; TCP limits pass', () => {
    const mesh = openMesh();
    const db = new MeshService(mesh, 'db', {
      ports: [{ port: 5432, protocol: Protocol.TCP }],
      timeout: Timeout.of(Duration.seconds(5)),
      circuitBreaker: CircuitBreaker.of({ maxConnections: 10, maxRequests: 5 }),
      loadBalancer: LoadBalancer.consistentHashByHeader('x-user'),
    });
    db.addVersion('v1', { image: 'example/db:v1' });
    const cache = new MeshService(mesh, 'cache', { ports: [{ port: 6379, protocol: Protocol.TCP }] });
    cache.addVersion('v1', { image: 'example/cache:v1' });
    new ServiceTrafficPolicy(mesh, 'cache-traffic', { service: cache, circuitBreaker: CircuitBreaker.of({ maxConnections: 10, consecutiveErrors: 3 }), loadBalancer: LoadBalancer.consistentHashBySourceIp() });
    expect(synthErrors(mesh)).toEqual([
      "[mesh/db] [MESH0171] service 'db' has no HTTP, HTTP2 or GRPC port (ports: 5432/tcp), so timeout, circuitBreaker maxRequests, a loadBalancer hashing on an HTTP header, cookie or query parameter would do nothing: Envoy applies them to HTTP requests only, drop them or give the service an HTTP port",
    ]);
  });
});

describe('access-log filters are CEL', () => {
  test('fails on a filter that is not CEL', () => {
    const mesh = openMesh();
    new TelemetryPolicy(mesh, 'logs', { scope: PolicyScope.mesh(), accessLogging: { filter: 'response.code >=' } });
    expect(synthErrors(mesh)).toEqual([
      "[mesh/logs] [MESH0431] accessLogging.filter 'response.code >=' is not a CEL expression (at 1:15: found > but expecting end of input): write one such as 'response.code >= 400'",
    ]);
  });

  test('a CEL filter passes', () => {
    const mesh = openMesh();
    new TelemetryPolicy(mesh, 'logs', { scope: PolicyScope.mesh(), accessLogging: { filter: 'response.code >= 400 || request.url_path.startsWith("/api")' } });
    expect(synthErrors(mesh)).toEqual([]);
  });
});

describe('log levels are what istiod and Envoy read', () => {
  test.each<[string, string]>([
    ['default:verbose', "logLevel 'default:verbose' has the level 'verbose', which istiod does not know: use debug, info, warn, error, fatal, none"],
    ['default:warning', "logLevel 'default:warning' has the level 'warning', which istiod does not know: use debug, info, warn, error, fatal, none"],
    ['a:b:info', "logLevel 'a:b:info' is invalid: write '<scope>:<level>' pairs separated by commas, e.g. 'default:info,ads:debug'"],
    ['', "logLevel '' is invalid: write '<scope>:<level>' pairs separated by commas, e.g. 'default:info,ads:debug'"],
  ])('fails on control plane logLevel %j', (logLevel, message) => {
    const mesh = openMesh({ controlPlane: { logLevel } });
    expect(synthErrors(mesh)).toEqual([`[mesh-control-plane/istiod] [MESH0061] ${message}`]);
  });

  test.each(['warn', 'debug', 'default:warn,ads:debug', 'none,ads:fatal'])('accepts control plane logLevel %j', logLevel => {
    const mesh = openMesh({ controlPlane: { logLevel } });
    expect(synthErrors(mesh)).toEqual([]);
    expect((mesh.controlPlane as ControlPlane)._logLevel).toEqual(logLevel);
  });

  test('fails on proxy levels Envoy does not know; its levels pass', () => {
    const mesh = openMesh();
    newService(mesh, 'a', ['v1'], { proxy: { componentLogLevel: 'misc:verbose' } });
    newService(mesh, 'b', ['v1'], { proxy: { logLevel: 'verbose' as any } });
    newService(mesh, 'c', ['v1'], { proxy: { componentLogLevel: 'misc:warn,upstream:trace,http:off' } });
    expect(synthErrors(mesh)).toEqual([
      "[mesh/a] [MESH0029] proxy.componentLogLevel 'misc:verbose' has the level 'verbose', which Envoy does not know: use trace, debug, info, warning, warn, error, critical, off",
      "[mesh/b] [MESH0090] proxy.logLevel 'verbose' is not a value of ProxyLogLevel: use ProxyLogLevel.TRACE, ProxyLogLevel.DEBUG, ProxyLogLevel.INFO, ProxyLogLevel.WARNING, ProxyLogLevel.ERROR, ProxyLogLevel.CRITICAL or ProxyLogLevel.OFF",
    ]);
  });
});

describe('gateways take what istiod takes, and routes do what they say', () => {
  test('fails on a short listener host name; a fully qualified one and * pass', () => {
    const mesh = openMesh();
    const gw = new IngressGateway(mesh, 'gw', { listeners: [{ port: 80, hosts: ['shop', 'shop.example.com', '*.example.org'] }, { port: 8081 }] });
    gw.addRoute({ service: newService(mesh, 'web') });
    expect(synthErrors(mesh)).toEqual([
      "[mesh/gw] [MESH0122] listener 80 host 'shop' is a short name, which istiod refuses in a gateway: use a fully qualified name such as 'shop.example.com', or '*'",
    ]);
  });

  test('fails on a route to a host only TLS listeners serve; one an HTTPS listener also serves passes', () => {
    const mesh = openMesh();
    const web = newService(mesh, 'web');
    const gw = new IngressGateway(mesh, 'edge', {
      listeners: [
        { port: 443, protocol: Protocol.TLS, hosts: ['db.example.com', 'shop.example.com'] },
        { port: 9443, protocol: Protocol.HTTPS, hosts: ['shop.example.com'], credentialName: 'shop-cert' },
      ],
    });
    gw.addRoute({ service: web, hosts: ['db.example.com'] });
    gw.addRoute({ service: web, hosts: ['shop.example.com'] });
    expect(synthErrors(mesh)).toEqual([
      "[mesh/edge] [MESH0172] route host 'db.example.com' is served only by TLS or TCP listeners (443), which pass the stream through without reading HTTP, so an HTTP route would do nothing: serve the host on an HTTP or HTTPS listener, or route it with addTlsRoute() or addTcpRoute()",
    ]);
    expect(gw.routeObjects.length).toEqual(1);
  });
});

describe('a telemetry setting that would do nothing', () => {
  test('fails on an access-log filter with logging disabled; a filter with logging on passes', () => {
    const mesh = openMesh();
    new TelemetryPolicy(mesh, 'logs', { scope: PolicyScope.mesh(), accessLogging: { enabled: false, filter: 'response.code >= 400' } });
    new TelemetryPolicy(mesh, 'shop-logs', { scope: PolicyScope.namespace('shop'), accessLogging: { enabled: true, filter: 'response.code >= 400' } });
    expect(synthErrors(mesh)).toEqual([
      '[mesh/logs] [MESH0432] accessLogging.filter is given with enabled false, which logs nothing, so the filter would do nothing: drop the filter, or enable logging',
    ]);
  });
});

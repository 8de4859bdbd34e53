import { Duration, Testing } from 'cdk8s';
import {
  CertificateAuthority, CircuitBreaker, FaultInjection, HeaderMatch, IngressGateway, LoadBalancer, Mesh, RateLimit, RetryOn,
  RetryPolicy, StringMatch, TelemetryStack, Timeout, TracingBackend, TrafficSplit, TrafficTarget,
} from '../../src';
import { openMesh, newService, synthErrors } from '../support/util';

// Callers from plain JavaScript bypass the types: `js()` stands for such a caller.
const js = (value: unknown) => value as any;

const NOT_A_DURATION = "is a string, not a Duration: make it with cdk8s's Duration, e.g. Duration.seconds(5)";
const PLAIN_DURATION = "{\"seconds\":5} is a plain object, not a Duration: make it with cdk8s's Duration, e.g. Duration.seconds(5)";

/** A mesh with service `web` (versions v1, v2) routed by a TrafficSplit `split` with `route` first. */
function split(route: any): Mesh {
  const mesh = openMesh();
  const web = newService(mesh, 'web', ['v1', 'v2']);
  new TrafficSplit(mesh, 'split', { service: web, routes: [{ targets: [TrafficTarget.version('v1')], ...route }, ...route.matches ? [{ targets: [TrafficTarget.version('v1')] }] : []] });
  return mesh;
}

describe('durations that are not cdk8s Durations (MESH0173)', () => {
  test.each([
    ['Timeout.of', () => Timeout.of(js('5s')), `[MESH0173] Timeout.of: duration '5s' ${NOT_A_DURATION}`],
    ['Timeout.of', () => Timeout.of(js({ seconds: 5 })), `[MESH0173] Timeout.of: duration ${PLAIN_DURATION}`],
    ['RetryPolicy.of', () => RetryPolicy.of({ attempts: 2, perTryTimeout: js('5s') }), `[MESH0173] RetryPolicy.of: perTryTimeout '5s' ${NOT_A_DURATION}`],
    ['CircuitBreaker.of', () => CircuitBreaker.of({ interval: js({ seconds: 5 }) }), `[MESH0173] CircuitBreaker.of: interval ${PLAIN_DURATION}`],
    ['FaultInjection.of', () => FaultInjection.of({ delay: { fixedDelay: js('5s') } }), `[MESH0173] FaultInjection.of: delay fixedDelay '5s' ${NOT_A_DURATION}`],
    ['LoadBalancer.consistentHashByCookie', () => LoadBalancer.consistentHashByCookie('session', { ttl: js('5s') }), `[MESH0173] LoadBalancer.consistentHashByCookie: ttl '5s' ${NOT_A_DURATION}`],
    ['CertificateAuthority.selfSigned', () => CertificateAuthority.selfSigned({ workloadCertTtl: js('5s') }), `[MESH0173] CertificateAuthority: workloadCertTtl '5s' ${NOT_A_DURATION}`],
    ['CertificateAuthority.certManager', () => CertificateAuthority.certManager({ intermediateCa: { issuerName: 'root', duration: js({ seconds: 5 }) } }),
      `[MESH0173] CertificateAuthority.certManager: intermediateCa.duration ${PLAIN_DURATION}`],
  ])('%s fails at once on a string or a plain object', (_, make, message) => {
    expect(make).toThrow(new Error(message));
  });

  test('a construct reports it at synth, and renders its default instead of crashing', () => {
    const mesh = openMesh({ controlPlane: { keepaliveMaxServerConnectionAge: js('5s') } });
    new RateLimit(mesh, 'rl', { service: newService(mesh, 'web'), requests: 10, per: js({ seconds: 5 }) });
    new TelemetryStack(mesh, 'telemetry', { prometheus: { retention: js('15d'), scrapeInterval: js({ seconds: 5 }) } });
    expect(synthErrors(mesh)).toEqual([
      `[mesh-control-plane/istiod] [MESH0173] keepaliveMaxServerConnectionAge '5s' ${NOT_A_DURATION}`,
      `[mesh/rl] [MESH0173] per ${PLAIN_DURATION}`,
      `[mesh-telemetry/Prometheus] [MESH0173] retention '15d' ${NOT_A_DURATION}`,
      `[mesh-telemetry/Prometheus] [MESH0173] scrapeInterval ${PLAIN_DURATION}`,
    ]);
  });

  test('a Duration of another copy of cdk8s (told by its methods, not instanceof) is accepted', () => {
    const foreign = { toMilliseconds: () => 5000, toHumanString: () => '5 seconds' };
    expect(Timeout.of(js(foreign))._toIstio()).toEqual('5s');
    expect(Timeout.of(Duration.seconds(5))._toIstio()).toEqual('5s');
  });

  test('a Duration that is not a whole number of milliseconds is a coded error everywhere', () => {
    expect(() => Timeout.of(Duration.millis(0.5))).toThrow(/^\[MESH0160\] Timeout.of: duration .* is not a whole number of milliseconds: durations are written to the millisecond, round it$/);
    expect(() => CertificateAuthority.selfSigned({ workloadCertTtl: Duration.millis(0.5) })).toThrow(/^\[MESH0212\] CertificateAuthority: workloadCertTtl .* is not a whole number of milliseconds/);
    const mesh = openMesh();
    new RateLimit(mesh, 'rl', { service: newService(mesh, 'web'), requests: 10, per: Duration.millis(100.5) });
    expect(synthErrors(mesh)).toEqual([expect.stringMatching(/^\[mesh\/rl\] \[MESH0160\] per .* is not a whole number of milliseconds/)]);
  });
});

describe("a route's value objects not made by their factories (MESH0096)", () => {
  test('fault, timeout and retries that are plain objects or a bare Duration are reported and left out', () => {
    const mesh = split({ fault: js({ abort: { httpStatus: 503 } }), timeout: js(Duration.seconds(1)), retries: js({ attempts: 3 }) });
    expect(synthErrors(mesh)).toEqual([
      '[mesh/split] [MESH0096] route 1 fault is not a FaultInjection: make it with FaultInjection.of({ ... })',
      '[mesh/split] [MESH0096] route 1 timeout is not a Timeout: wrap the Duration in Timeout.of(duration)',
      '[mesh/split] [MESH0096] route 1 retries is not a RetryPolicy: make it with RetryPolicy.of({ attempts: ... })',
    ]);
  });

  test('a uri that is a string and a header match that is a plain object are reported', () => {
    const mesh = split({ matches: [{ uri: js('/api') }, { headers: [js({ name: 'x', exact: 'v' })] }] });
    expect(synthErrors(mesh)).toEqual([
      "[mesh/split] [MESH0096] uri '/api' is not a StringMatch: make it with StringMatch.prefix('/api'), StringMatch.exact(...) or StringMatch.regex(...)",
      '[mesh/split] [MESH0096] headers[0] {"name":"x","exact":"v"} is not a HeaderMatch: make it with HeaderMatch.exact(name, value), HeaderMatch.prefix(...) or HeaderMatch.regex(...)',
    ]);
  });

  test('values made by their factories are accepted and rendered', () => {
    const mesh = split({
      matches: [{ uri: StringMatch.prefix('/api'), headers: [HeaderMatch.exact('x-user', 'jason')] }],
      fault: FaultInjection.of({ abort: { httpStatus: 503, percentage: 1 } }),
      timeout: Timeout.of(Duration.seconds(1)),
      retries: RetryPolicy.of({ attempts: 3 }),
    });
    expect(synthErrors(mesh)).toEqual([]);
    const vs = Testing.synth(mesh).find(o => o.kind === 'VirtualService');
    expect(vs.spec.http[0]).toMatchObject({ fault: { abort: { httpStatus: 503 } }, timeout: '1s', retries: { attempts: 3 } });
  });

  test('a CertificateAuthority or a tracing backend that is a plain object is reported', () => {
    const mesh = openMesh({ controlPlane: { certificateAuthority: js({ kind: 'selfSigned' }) } });
    newService(mesh, 'web');
    new TelemetryStack(mesh, 'telemetry', { tracing: js({ kind: 'jaeger' }) });
    expect(synthErrors(mesh)).toEqual([
      '[mesh-control-plane/istiod] [MESH0096] certificateAuthority is not a CertificateAuthority: make it with CertificateAuthority.selfSigned(), CertificateAuthority.pluginCerts(...) or CertificateAuthority.certManager(...)',
      '[mesh/telemetry] [MESH0096] tracing is not a TracingBackend: make it with TracingBackend.jaeger(), TracingBackend.zipkin() or TracingBackend.openTelemetry({ host: ... })',
    ]);
  });

  test('missing arguments of factories are reported as missing (MESH0006)', () => {
    expect(() => TracingBackend.openTelemetry(js({}))).toThrow(new Error(
      "[MESH0006] TracingBackend.openTelemetry: host is missing: give the collector's host name, e.g. 'otel-collector.observability.svc.cluster.local'"));
    expect(() => LoadBalancer.consistentHashByHeader(js(undefined))).toThrow(new Error(
      "[MESH0006] LoadBalancer.consistentHashByHeader: headerName is missing: name the header to hash on, e.g. 'x-user'"));
    expect(() => StringMatch.prefix(js(undefined))).toThrow(new Error(
      "[MESH0006] StringMatch.prefix: value is missing: give the text to match, e.g. StringMatch.prefix('/api')"));
    expect(() => StringMatch.prefix(js(3))).toThrow(new Error(
      "[MESH0091] StringMatch.prefix: value 3 is a number, not a string: give a string, e.g. '/api'"));
    expect(TracingBackend.openTelemetry({ host: 'otel-collector.observability.svc.cluster.local' }).providerName).toEqual('otel');
    expect(LoadBalancer.consistentHashByHeader('x-user')).toBeDefined();
  });
});

describe('uri matches', () => {
  test('a space in an exact or prefix path matches nothing (MESH0174)', () => {
    const mesh = split({ matches: [{ uri: StringMatch.prefix('/a b') }] });
    expect(synthErrors(mesh)).toEqual([
      "[mesh/split] [MESH0174] uri prefix '/a b' has a space, which no request path carries (clients send it as %20), so it would match nothing: write '/a%20b'",
    ]);
    const gateway = openMesh();
    new IngressGateway(gateway, 'gw').addRoute({ service: newService(gateway, 'web'), paths: [StringMatch.exact('/a b')] });
    expect(synthErrors(gateway)).toEqual([
      "[mesh/gw] [MESH0174] path exact '/a b' has a space, which no request path carries (clients send it as %20), so it would match nothing: write '/a%20b'",
    ]);
  });

  test('a percent-encoded space, a space in a header value and a space in a regex are accepted', () => {
    const mesh = split({ matches: [{ uri: StringMatch.prefix('/a%20b') }, { headers: [HeaderMatch.prefix('user-agent', 'Mozilla 5')] }, { uri: StringMatch.regex('/a[ ]b') }] });
    expect(synthErrors(mesh)).toEqual([]);
  });

  test("RE2's named groups, (?<n>) and (?P<n>), are accepted (RE2 since 2023-07, Go's regexp since 1.22)", () => {
    const mesh = split({ matches: [{ uri: StringMatch.regex('/(?<n>a)') }, { uri: StringMatch.regex('/(?P<m>b)') }, { headers: [HeaderMatch.regex('x-user', '(?<n>a)')] }] });
    expect(synthErrors(mesh)).toEqual([]);
  });
});

describe('retries', () => {
  test('attempts 0 disables retries and is accepted on a route, as RetryPolicy.none()', () => {
    const mesh = split({ retries: RetryPolicy.of({ attempts: 0 }) });
    expect(synthErrors(mesh)).toEqual([]);
    expect(Testing.synth(mesh).find(o => o.kind === 'VirtualService').spec.http[0].retries).toEqual({ attempts: 0 });
  });

  test('retryOn with several conditions in one string fails (MESH0161); each as its own element is accepted', () => {
    expect(() => RetryPolicy.of({ attempts: 2, retryOn: [js('5xx,reset')] })).toThrow(new Error(
      "[MESH0161] RetryPolicy.of: retryOn '5xx,reset' holds several conditions in one string: give each as its own element, e.g. ['5xx', 'reset']"));
    expect(RetryPolicy.of({ attempts: 2, retryOn: [RetryOn.FIVE_XX, RetryOn.RESET] })._toIstio().retryOn).toEqual('5xx,reset');
  });
});

describe('rate limit buckets', () => {
  test('a burst below requests fails (MESH0176); a burst of at least requests is accepted', () => {
    const mesh = openMesh();
    const web = newService(mesh, 'web');
    new RateLimit(mesh, 'rl', { service: web, requests: 10, burst: 5 });
    expect(synthErrors(mesh)).toEqual([
      '[mesh/rl] [MESH0176] burst 5 is below requests 10: the bucket holds at most burst tokens, so only 5 requests would pass per window, give a burst of at least 10 (or leave it out)',
    ]);
    const ok = openMesh();
    new RateLimit(ok, 'rl', { service: newService(ok, 'web'), requests: 10, burst: 10 });
    expect(synthErrors(ok)).toEqual([]);
  });

  test("requests and burst up to Envoy's uint32 are accepted; 2**32 is not", () => {
    const mesh = openMesh();
    new RateLimit(mesh, 'rl', { service: newService(mesh, 'web'), requests: 2 ** 31, burst: 2 ** 32 - 1 });
    expect(synthErrors(mesh)).toEqual([]);
    const over = openMesh();
    new RateLimit(over, 'rl', { service: newService(over, 'web'), requests: 2 ** 32 });
    expect(synthErrors(over)).toEqual([expect.stringMatching(/^\[mesh\/rl\] \[MESH\d{4}\] requests 4294967296 /)]);
  });
});

import { Duration } from 'cdk8s';
import { CircuitBreaker, FaultInjection, HeaderMatch, LoadBalancer, RetryOn, RetryPolicy, StringMatch, Timeout } from '../../src';

describe('Timeout', () => {
  test('renders Istio durations', () => {
    expect(Timeout.of(Duration.seconds(10))._toIstio()).toEqual('10s');
    expect(Timeout.of(Duration.millis(250))._toIstio()).toEqual('250ms');
    expect(Timeout.of(Duration.minutes(2))._toIstio()).toEqual('120s');
    expect(Timeout.of(Duration.seconds(3)).duration.toSeconds()).toEqual(3);
  });

  test('fails on a zero timeout', () => {
    expect(() => Timeout.of(Duration.millis(0))).toThrow('[MESH0020] Timeout.of: duration 0ms is too short: use at least 1ms');
  });
});

describe('RetryPolicy', () => {
  test('renders attempts, per-try timeout and conditions', () => {
    const retryOn = [RetryOn.GATEWAY_ERROR, RetryOn.CONNECT_FAILURE, RetryOn.GRPC_UNAVAILABLE];
    expect(RetryPolicy.of({ attempts: 3, perTryTimeout: Duration.seconds(2), retryOn })._toIstio())
      .toEqual({ attempts: 3, perTryTimeout: '2s', retryOn: 'gateway-error,connect-failure,unavailable' });
  });

  test('defaults leave per-try timeout and conditions to Istio', () => {
    expect(RetryPolicy.of({ attempts: 1 })._toIstio()).toEqual({ attempts: 1 });
  });

  test('none() disables retries', () => {
    expect(RetryPolicy.none()._toIstio()).toEqual({ attempts: 0 });
  });

  test.each([
    [{ attempts: 0 }, '[MESH0021] RetryPolicy.of: attempts 0 is invalid: use a whole number of at least 1'],
    [{ attempts: 1.5 }, '[MESH0021] RetryPolicy.of: attempts 1.5 is invalid: use a whole number of at least 1'],
    [{ attempts: 2, perTryTimeout: Duration.millis(0) }, '[MESH0020] RetryPolicy.of: perTryTimeout 0ms is too short: use at least 1ms'],
    [{ attempts: 2, retryOn: [RetryOn.RESET, RetryOn.RESET] }, "[MESH0022] RetryPolicy.of: retryOn lists 'reset' twice: list each condition once"],
  ])('fails on %p', (options, message) => {
    expect(() => RetryPolicy.of(options)).toThrow(message);
  });
});

describe('CircuitBreaker', () => {
  test('renders connection pool and outlier detection', () => {
    const cb = CircuitBreaker.of({
      maxConnections: 100,
      connectTimeout: Duration.millis(500),
      maxPendingRequests: 10,
      maxRequests: 1000,
      maxRequestsPerConnection: 1,
      maxRetries: 3,
      consecutiveErrors: 5,
      interval: Duration.seconds(5),
      baseEjectionTime: Duration.minutes(1),
      maxEjectionPercent: 50,
    });
    expect(cb.detectsOutliers).toBe(true);
    expect(cb._connectionPool()).toEqual({
      tcp: { maxConnections: 100, connectTimeout: '500ms' },
      http: { http1MaxPendingRequests: 10, http2MaxRequests: 1000, maxRequestsPerConnection: 1, maxRetries: 3 },
    });
    expect(cb._outlierDetection()).toEqual({ consecutive5XxErrors: 5, interval: '5s', baseEjectionTime: '60s', maxEjectionPercent: 50 });
  });

  test('outlier detection alone', () => {
    const cb = CircuitBreaker.of({ consecutiveErrors: 3 });
    expect(cb._connectionPool()).toBeUndefined();
    expect(cb._outlierDetection()).toEqual({ consecutive5XxErrors: 3 });
  });

  test('limits alone do not detect outliers', () => {
    const cb = CircuitBreaker.of({ maxPendingRequests: 1 });
    expect(cb.detectsOutliers).toBe(false);
    expect(cb._outlierDetection()).toBeUndefined();
    expect(cb._connectionPool()).toEqual({ http: { http1MaxPendingRequests: 1 } });
  });

  test.each([
    [{}, '[MESH0025] CircuitBreaker.of: sets no limit: give at least one of maxConnections, maxPendingRequests, maxRequests, maxRequestsPerConnection, maxRetries, connectTimeout or consecutiveErrors'],
    [{ maxConnections: 0 }, '[MESH0021] CircuitBreaker.of: maxConnections 0 is invalid: use a whole number of at least 1'],
    [{ consecutiveErrors: -1 }, '[MESH0021] CircuitBreaker.of: consecutiveErrors -1 is invalid: use a whole number of at least 1'],
    [{ consecutiveErrors: 1, maxEjectionPercent: 101 }, '[MESH0023] CircuitBreaker.of: maxEjectionPercent 101 is not a percentage: use a whole number from 0 to 100'],
    [{ interval: Duration.seconds(1) }, '[MESH0024] CircuitBreaker.of: interval tune outlier detection, which is off without consecutiveErrors: set consecutiveErrors too'],
    [{ maxConnections: 1, connectTimeout: Duration.millis(0) }, '[MESH0020] CircuitBreaker.of: connectTimeout 0ms is too short: use at least 1ms'],
  ])('fails on %p', (options, message) => {
    expect(() => CircuitBreaker.of(options)).toThrow(message);
  });
});

describe('LoadBalancer', () => {
  test.each([
    [LoadBalancer.roundRobin(), { simple: 'ROUND_ROBIN' }],
    [LoadBalancer.leastRequest(), { simple: 'LEAST_REQUEST' }],
    [LoadBalancer.random(), { simple: 'RANDOM' }],
    [LoadBalancer.consistentHashByHeader('X-User'), { consistentHash: { httpHeaderName: 'x-user' } }],
    [LoadBalancer.consistentHashByCookie('session', { ttl: Duration.hours(1), path: '/' }), { consistentHash: { httpCookie: { name: 'session', ttl: '3600s', path: '/' } } }],
    [LoadBalancer.consistentHashByCookie('session'), { consistentHash: { httpCookie: { name: 'session' } } }],
    [LoadBalancer.consistentHashBySourceIp(), { consistentHash: { useSourceIp: true } }],
  ])('%#: renders', (lb, expected) => {
    expect(JSON.parse(JSON.stringify(lb._toIstio()))).toEqual(expected);
  });

  test('locality failover and distribution', () => {
    const failover = LoadBalancer.leastRequest({ locality: { failover: [{ from: 'us-east', to: 'us-west' }], failoverPriority: ['topology.kubernetes.io/region'] } });
    expect(JSON.parse(JSON.stringify(failover._toIstio()))).toEqual({
      simple: 'LEAST_REQUEST',
      localityLbSetting: { enabled: true, failover: [{ from: 'us-east', to: 'us-west' }], failoverPriority: ['topology.kubernetes.io/region'] },
    });
    const distribute = LoadBalancer.roundRobin({ locality: { distribute: [{ from: 'us-east/zone1/*', to: { 'us-east/zone1/*': 80, 'us-east/zone2/*': 20 } }] } });
    expect(JSON.parse(JSON.stringify(distribute._toIstio()))).toEqual({
      simple: 'ROUND_ROBIN',
      localityLbSetting: { enabled: true, distribute: [{ from: 'us-east/zone1/*', to: { 'us-east/zone1/*': 80, 'us-east/zone2/*': 20 } }] },
    });
  });

  test.each([
    [() => LoadBalancer.roundRobin({ locality: { failover: [{ from: 'a', to: 'b' }], distribute: [{ from: 'a', to: { b: 100 } }] } }),
      '[MESH0031] LoadBalancer: locality sets both failover and distribute: Istio accepts one of them, choose failover (next-nearest) or distribute (fixed weights)'],
    [() => LoadBalancer.roundRobin({ locality: { failover: [{ from: 'us/z1', to: 'eu' }] } }), "[MESH0032] LoadBalancer: locality failover 'us/z1' -> 'eu' must name two regions (no '/')"],
    [() => LoadBalancer.roundRobin({ locality: { failover: [{ from: 'us', to: 'us' }] } }), "[MESH0032] LoadBalancer: locality failover from 'us' to itself: name another region"],
    [() => LoadBalancer.roundRobin({ locality: { distribute: [{ from: 'us', to: { eu: 50, us: 40 } }] } }),
      '[MESH0034] LoadBalancer: locality distribution from \'us\' has weights {"eu":50,"us":40} (total 90): use whole, non-negative percentages that add up to 100'],
    [() => LoadBalancer.roundRobin({ locality: { distribute: [{ from: 'us//x', to: { eu: 100 } }] } }), "[MESH0033] LoadBalancer: locality 'us//x' is not region[/zone[/subzone]] ('*' may stand for a whole segment)"],
    [() => LoadBalancer.consistentHashByHeader('bad header'), "[MESH0030] LoadBalancer.consistentHashByHeader: headerName 'bad header' is not an HTTP header name: use letters, digits and '-'"],
    [() => LoadBalancer.consistentHashByCookie('a;b'), "[MESH0030] LoadBalancer.consistentHashByCookie: name 'a;b' is not a cookie name: use letters, digits and '-'"],
  ])('fails %#', (make, message) => {
    expect(make).toThrow(message);
  });
});

describe('FaultInjection', () => {
  test('delay, abort and both', () => {
    expect(FaultInjection.delay(Duration.seconds(7))._toIstio()).toEqual({ delay: { fixedDelay: '7s', percentage: { value: 100 } } });
    expect(FaultInjection.abort(503, 10)._toIstio()).toEqual({ abort: { httpStatus: 503, percentage: { value: 10 } } });
    expect(FaultInjection.of({ delay: { fixedDelay: Duration.millis(100), percentage: 0.5 }, abort: { httpStatus: 500 } })._toIstio()).toEqual({
      delay: { fixedDelay: '100ms', percentage: { value: 0.5 } },
      abort: { httpStatus: 500, percentage: { value: 100 } },
    });
  });

  test.each([
    [() => FaultInjection.of({}), '[MESH0050] FaultInjection.of: injects nothing: give a delay, an abort or both'],
    [() => FaultInjection.delay(Duration.millis(0)), '[MESH0051] FaultInjection.of: delay fixedDelay 0ms is too short: use at least 1ms'],
    [() => FaultInjection.delay(Duration.seconds(1), 101), '[MESH0002] FaultInjection.of: delay percentage 101 is not a percentage: use a number from 0 to 100'],
    [() => FaultInjection.abort(600), '[MESH0052] FaultInjection.of: abort httpStatus 600 is not an HTTP status: use 200 to 599'],
    [() => FaultInjection.abort(503, -1), '[MESH0002] FaultInjection.of: abort percentage -1 is not a percentage: use a number from 0 to 100'],
  ])('fails %#', (make, message) => {
    expect(make).toThrow(message);
  });
});

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

  test.each([
    [() => HeaderMatch.exact('end-user', ''), "[MESH0043] HeaderMatch.exact: header 'end-user' has no value to match: give one, e.g. HeaderMatch.exact('end-user', 'jason')"],
    [() => HeaderMatch.prefix('x', ''), "[MESH0043] HeaderMatch.prefix: header 'x' has no value to match: give one, e.g. HeaderMatch.exact('x', 'jason')"],
    [() => HeaderMatch.exact('bad header', 'x'), "[MESH0044] HeaderMatch.exact: header name 'bad header' is not an HTTP header name: use letters, digits and '-'"],
    [() => StringMatch.exact(''), '[MESH0043] StringMatch.exact: value is empty: give the text to match'],
    [() => StringMatch.regex('(unclosed'), "[MESH0040] StringMatch.regex: pattern '(unclosed' is not a valid regular expression (Invalid regular expression: /(unclosed/: Unterminated group): fix its syntax"],
  ])('fails %#', (make, message) => {
    expect(make).toThrow(message);
  });
});

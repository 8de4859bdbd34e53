import { Duration } from 'cdk8s';
import { CircuitBreaker, RetryOn, RetryPolicy, Timeout } from '../../src';

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

  test('attempts 0 disables retries, as none() does (Istio takes 0 as no retries)', () => {
    expect(RetryPolicy.of({ attempts: 0 })._toIstio()).toEqual({ attempts: 0 });
  });

  test.each([
    [{ attempts: -1 }, '[MESH0021] RetryPolicy.of: attempts -1 is invalid: use a whole number of at least 0'],
    [{ attempts: 1.5 }, '[MESH0021] RetryPolicy.of: attempts 1.5 is invalid: use a whole number of at least 0'],
    [{ attempts: 0, retryOn: [RetryOn.RESET] }, '[MESH0175] RetryPolicy.of: attempts 0 disables retries, so perTryTimeout and retryOn would do nothing (istiod refuses them): drop them, or give at least 1 attempt'],
    [{ attempts: 0, perTryTimeout: Duration.seconds(1) }, '[MESH0175] RetryPolicy.of: attempts 0 disables retries, so perTryTimeout and retryOn would do nothing (istiod refuses them): drop them, or give at least 1 attempt'],
    [{ attempts: 2, retryOn: ['5xx,reset' as RetryOn] }, "[MESH0161] RetryPolicy.of: retryOn '5xx,reset' holds several conditions in one string: give each as its own element, e.g. ['5xx', 'reset']"],
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

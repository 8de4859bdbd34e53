import { Duration } from 'cdk8s';
import * as istio from '../imports/istio-networking';
import { istioDuration } from '../private/duration';
import { checkArray, checkType } from '../private/enums';
import { meshError, required } from '../private/errors';
import { checkDuration, invalidRetryOn } from '../private/istio-rules';
import { validateInt32 } from '../private/kubernetes-rules';

function positiveDuration(where: string, prop: string, d: Duration): Duration {
  required(where, prop, d, 'give a cdk8s Duration, e.g. Duration.seconds(5)');
  const ms = checkDuration(where, 'MESH0160', prop, d)!;
  if (ms < 1) {
    throw meshError('MESH0020', where, `${prop} ${ms}ms is too short: use at least 1ms`);
  }
  return d;
}

function wholeNumber(where: string, prop: string, value: number | undefined, min: number): number | undefined {
  // A string from JavaScript is said as such (MESH0091), not as a number out of range.
  checkType(where, prop, value, 'number', `a whole number of at least ${min}`);
  if (value !== undefined && (!Number.isInteger(value) || value < min)) {
    throw meshError('MESH0021', where, `${prop} ${value} is invalid: use a whole number of at least ${min}`);
  }
  validateInt32(where, prop, value, min);
  return value;
}

/**
 * How long a request may take, end to end, before the sidecar answers 504.
 *
 * @see https://istio.io/latest/docs/reference/config/networking/virtual-service/#HTTPRoute-timeout
 */
export class Timeout {
  /**
   * A timeout of `duration` (at least 1ms).
   */
  public static of(duration: Duration): Timeout {
    return new Timeout(positiveDuration('Timeout.of', 'duration', duration));
  }

  private constructor(
    /** How long a request may take. */
    public readonly duration: Duration,
  ) {}

  /** @internal */
  public _toIstio(): string {
    return istioDuration(this.duration);
  }
}

/**
 * Conditions under which a request is retried, Envoy's `retry_on` names.
 *
 * @see https://www.envoyproxy.io/docs/envoy/latest/configuration/http/http_filters/router_filter#x-envoy-retry-on
 */
export enum RetryOn {
  /** Any 5xx response, or a reset, connection failure or refused stream. */
  FIVE_XX = '5xx',
  /** 502, 503 or 504 responses. */
  GATEWAY_ERROR = 'gateway-error',
  /** No response at all: disconnect, reset or read timeout. */
  RESET = 'reset',
  /** A reset before the request was sent upstream (safe to retry even for requests that are not idempotent). */
  RESET_BEFORE_REQUEST = 'reset-before-request',
  /** The connection could not be established. */
  CONNECT_FAILURE = 'connect-failure',
  /** The upstream refused the stream with REFUSED_STREAM. */
  REFUSED_STREAM = 'refused-stream',
  /** A 409 response. */
  RETRIABLE_4XX = 'retriable-4xx',
  /** A response with the `x-envoy-ratelimited` header (Envoy's own rate limiting answered). */
  ENVOY_RATELIMITED = 'envoy-ratelimited',
  /** An HTTP/3 request that failed after its QUIC connection was established (retried over TCP). */
  HTTP3_POST_CONNECT_FAILURE = 'http3-post-connect-failure',
  /** gRPC status CANCELLED. */
  GRPC_CANCELLED = 'cancelled',
  /** gRPC status DEADLINE_EXCEEDED. */
  GRPC_DEADLINE_EXCEEDED = 'deadline-exceeded',
  /** gRPC status INTERNAL. */
  GRPC_INTERNAL = 'internal',
  /** gRPC status RESOURCE_EXHAUSTED. */
  GRPC_RESOURCE_EXHAUSTED = 'resource-exhausted',
  /** gRPC status UNAVAILABLE. */
  GRPC_UNAVAILABLE = 'unavailable',
}

/**
 * Options of `RetryPolicy.of()`.
 */
export interface RetryPolicyOptions {
  /** How many times a request is retried (not counting the first try); 0 disables retries, as `RetryPolicy.none()`. */
  readonly attempts: number;

  /**
   * How long each try may take.
   *
   * @default - the route's timeout
   */
  readonly perTryTimeout?: Duration;

  /**
   * When to retry.
   *
   * @default - Istio's default: connect-failure, refused-stream, unavailable, cancelled, retriable-status-codes
   */
  readonly retryOn?: RetryOn[];

  /**
   * Response status codes that are retried (Istio writes them into `retryOn`, and Envoy's
   * `retriable-status-codes` condition then retries them), e.g. `[503, 504]`.
   *
   * @default - none beyond `retryOn`
   */
  readonly retriableStatusCodes?: number[];

  /**
   * The shortest wait between tries (Envoy backs off exponentially from it, with jitter, up to ten times it).
   *
   * @default - Envoy's default, 25ms
   */
  readonly backoff?: Duration;

  /**
   * Whether a retry may go to an endpoint in another locality (zone or region) when the local ones failed.
   *
   * @default false
   */
  readonly retryRemoteLocalities?: boolean;

  /**
   * Whether a retry avoids the endpoints already tried.
   *
   * @default true
   */
  readonly retryIgnorePreviousHosts?: boolean;
}

/**
 * How failed requests are retried.
 *
 * @see https://istio.io/latest/docs/reference/config/networking/virtual-service/#HTTPRetry
 */
export class RetryPolicy {
  /**
   * Retry up to `attempts` times.
   */
  public static of(options: RetryPolicyOptions): RetryPolicy {
    const where = 'RetryPolicy.of';
    required(where, 'options', options, 'give at least the attempts, e.g. RetryPolicy.of({ attempts: 3 })');
    required(where, 'attempts', options.attempts, 'give the number of attempts, e.g. RetryPolicy.of({ attempts: 3 })');
    // Istio takes 0 as 'no retries', as RetryPolicy.none() writes it.
    wholeNumber(where, 'attempts', options.attempts, 0);
    if (options.perTryTimeout) {
      positiveDuration(where, 'perTryTimeout', options.perTryTimeout);
    }
    // Beyond RetryOn's values, Istio takes HTTP status codes (from JavaScript): invalidRetryOn knows both.
    const retryOn = checkArray(where, 'retryOn', options.retryOn) ? options.retryOn ?? [] : [];
    // Istio's retryOn is one comma-separated string, but each element here is one condition: one holding a
    // list would also escape the check for repeated conditions.
    const list = retryOn.find(r => String(r).includes(','));
    if (list !== undefined) {
      throw meshError('MESH0161', where, `retryOn '${list}' holds several conditions in one string: give each as its own element, e.g. [${String(list).split(',').map(c => `'${c.trim()}'`).join(', ')}]`);
    }
    const unknown = invalidRetryOn(retryOn);
    if (unknown !== undefined) {
      throw meshError('MESH0161', where, `retryOn '${unknown}' is not a retry condition Istio takes: use RetryOn values (${Object.values(RetryOn).join(', ')}) or an HTTP status code`);
    }
    const dup = retryOn.find((r, i) => retryOn.indexOf(r) !== i);
    if (dup) {
      throw meshError('MESH0022', where, `retryOn lists '${dup}' twice: list each condition once`);
    }
    if (options.attempts === 0 && (options.perTryTimeout || retryOn.length > 0)) {
      // istiod refuses a retry policy configured with retries disabled.
      throw meshError('MESH0175', where, 'attempts 0 disables retries, so perTryTimeout and retryOn would do nothing (istiod refuses them): drop them, or give at least 1 attempt');
    }
    const codes = retriableStatusCodes(where, options.retriableStatusCodes, retryOn);
    if (options.backoff !== undefined) {
      positiveDuration(where, 'backoff', options.backoff);
    }
    for (const flag of ['retryRemoteLocalities', 'retryIgnorePreviousHosts'] as const) {
      checkType(where, flag, options[flag], 'boolean');
    }
    const idle = (['retriableStatusCodes', 'backoff', 'retryRemoteLocalities', 'retryIgnorePreviousHosts'] as const)
      .filter(p => p === 'retriableStatusCodes' ? codes.length > 0 : options[p] !== undefined);
    if (options.attempts === 0 && idle.length > 0) {
      throw meshError('MESH0838', where, `attempts 0 disables retries, so ${idle.join(', ')} would do nothing: drop ${idle.length > 1 ? 'them' : 'it'}, or give at least 1 attempt`);
    }
    return new RetryPolicy(options.attempts, options.perTryTimeout, options.retryOn ? [...options.retryOn] : undefined, {
      retriableStatusCodes: codes.length > 0 ? codes : undefined,
      backoff: options.backoff,
      retryRemoteLocalities: options.retryRemoteLocalities,
      retryIgnorePreviousHosts: options.retryIgnorePreviousHosts,
    });
  }

  /**
   * Never retry (Istio retries twice by default).
   */
  public static none(): RetryPolicy {
    return new RetryPolicy(0);
  }

  private constructor(
    /** Retries after the first try; 0 disables retries. */
    public readonly attempts: number,
    /** How long each try may take. */
    public readonly perTryTimeout?: Duration,
    /** When to retry. */
    public readonly retryOn?: RetryOn[],
    private readonly more: RetryDetails = {},
  ) {}

  /** Response status codes that are retried. */
  public get retriableStatusCodes(): number[] | undefined {
    return this.more.retriableStatusCodes ? [...this.more.retriableStatusCodes] : undefined;
  }

  /** The shortest wait between tries. */
  public get backoff(): Duration | undefined {
    return this.more.backoff;
  }

  /** Whether a retry may go to an endpoint in another locality. */
  public get retryRemoteLocalities(): boolean | undefined {
    return this.more.retryRemoteLocalities;
  }

  /** Whether a retry avoids the endpoints already tried. */
  public get retryIgnorePreviousHosts(): boolean | undefined {
    return this.more.retryIgnorePreviousHosts;
  }

  /** @internal */
  public _toIstio(): istio.VirtualServiceSpecHttpRetries {
    const retryOn = [...this.retryOn ?? [], ...(this.more.retriableStatusCodes ?? []).map(String)];
    return {
      attempts: this.attempts,
      perTryTimeout: this.perTryTimeout ? istioDuration(this.perTryTimeout) : undefined,
      retryOn: retryOn.length > 0 ? retryOn.join(',') : undefined,
      backoff: this.more.backoff ? istioDuration(this.more.backoff) : undefined,
      retryRemoteLocalities: this.more.retryRemoteLocalities,
      retryIgnorePreviousHosts: this.more.retryIgnorePreviousHosts,
    };
  }
}

/** A retry policy's settings beyond attempts, perTryTimeout and retryOn. */
interface RetryDetails {
  readonly retriableStatusCodes?: number[];
  readonly backoff?: Duration;
  readonly retryRemoteLocalities?: boolean;
  readonly retryIgnorePreviousHosts?: boolean;
}

/**
 * Checks `retriableStatusCodes` as istiod checks a status code in retryOn (one HTTP defines, as Go's net/http
 * knows them), each once and not also in `retryOn`; returns them sorted.
 */
function retriableStatusCodes(where: string, codes: number[] | undefined, retryOn: readonly string[]): number[] {
  if (!checkArray(where, 'retriableStatusCodes', codes) || codes === undefined) {
    return [];
  }
  for (const code of codes) {
    checkType(where, 'retriableStatusCodes', code, 'number', 'a status code such as 503');
    if (!Number.isInteger(code) || code < 100 || code > 599 || invalidRetryOn([String(code)]) !== undefined) {
      throw meshError('MESH0836', where, `retriableStatusCodes ${code} is not an HTTP status code istiod takes: give a status code from 100 to 599 that HTTP defines, e.g. 503`);
    }
  }
  const dup = codes.find((c, i) => codes.indexOf(c) !== i || retryOn.includes(String(c)));
  if (dup !== undefined) {
    throw meshError('MESH0837', where, `retriableStatusCodes lists ${dup} ${codes.indexOf(dup) !== codes.lastIndexOf(dup) ? 'twice' : 'again after retryOn'}: list each status code once`);
  }
  return [...codes].sort((a, b) => a - b);
}

/**
 * Options of `CircuitBreaker.of()`: connection pool limits, and outlier detection that ejects failing endpoints.
 */
export interface CircuitBreakerOptions {
  /**
   * Most TCP connections to one destination host.
   *
   * @default - Envoy's default (2^32-1)
   */
  readonly maxConnections?: number;
  /**
   * Most requests queued while waiting for a connection.
   *
   * @default - Envoy's default (2^32-1)
   */
  readonly maxPendingRequests?: number;
  /**
   * Most concurrent requests to a destination.
   *
   * @default - Envoy's default (2^32-1)
   */
  readonly maxRequests?: number;
  /**
   * Most requests per connection before it is closed; 1 disables keep-alive.
   *
   * @default - unlimited
   */
  readonly maxRequestsPerConnection?: number;
  /**
   * Most retries outstanding to all hosts of the destination at once.
   *
   * @default - Envoy's default (2^32-1)
   */
  readonly maxRetries?: number;
  /**
   * TCP connect timeout.
   *
   * @default - Istio's default, 10s
   */
  readonly connectTimeout?: Duration;
  /**
   * Consecutive 5xx responses (or connection errors) after which a host is ejected.
   *
   * @default - no outlier detection
   */
  readonly consecutiveErrors?: number;
  /**
   * How often hosts are analysed for ejection.
   *
   * @default - Istio's default, 10s (only with `consecutiveErrors`)
   */
  readonly interval?: Duration;
  /**
   * How long an ejected host stays out, multiplied by the times it was ejected.
   *
   * @default - Istio's default, 30s (only with `consecutiveErrors`)
   */
  readonly baseEjectionTime?: Duration;
  /**
   * Most hosts that may be ejected, as a percentage.
   *
   * @default - Istio's default, 10 (only with `consecutiveErrors`)
   */
  readonly maxEjectionPercent?: number;
}

/**
 * Limits on the connections and requests to a service, and ejection of hosts that keep failing.
 *
 * @see https://istio.io/latest/docs/tasks/traffic-management/circuit-breaking/
 */
export class CircuitBreaker {
  /**
   * A circuit breaker with the given limits (at least one).
   */
  public static of(options: CircuitBreakerOptions): CircuitBreaker {
    const where = 'CircuitBreaker.of';
    required(where, 'options', options, 'give at least one limit, e.g. CircuitBreaker.of({ maxConnections: 100 })');
    for (const prop of ['maxConnections', 'maxPendingRequests', 'maxRequests', 'maxRequestsPerConnection', 'maxRetries', 'consecutiveErrors'] as const) {
      wholeNumber(where, prop, options[prop], 1);
    }
    const ejection = options.maxEjectionPercent;
    if (ejection !== undefined && (!Number.isInteger(ejection) || ejection < 0 || ejection > 100)) {
      throw meshError('MESH0023', where, `maxEjectionPercent ${options.maxEjectionPercent} is not a percentage: use a whole number from 0 to 100`);
    }
    for (const prop of ['connectTimeout', 'interval', 'baseEjectionTime'] as const) {
      const d = options[prop];
      if (d) { positiveDuration(where, prop, d); }
    }
    const outlierOnly = (['interval', 'baseEjectionTime', 'maxEjectionPercent'] as const).filter(p => options[p] !== undefined);
    if (options.consecutiveErrors === undefined && outlierOnly.length > 0) {
      throw meshError('MESH0024', where, `${outlierOnly.join(', ')} tune outlier detection, which is off without consecutiveErrors: set consecutiveErrors too`);
    }
    if (Object.values(options).every(v => v === undefined)) {
      throw meshError('MESH0025', where, 'sets no limit: give at least one of maxConnections, maxPendingRequests, maxRequests, maxRequestsPerConnection, maxRetries, connectTimeout or consecutiveErrors');
    }
    return new CircuitBreaker({ ...options });
  }

  private constructor(
    /** The limits. */
    public readonly options: CircuitBreakerOptions,
  ) {}

  /** Whether failing hosts are ejected. */
  public get detectsOutliers(): boolean {
    return this.options.consecutiveErrors !== undefined;
  }

  /** @internal */
  public _connectionPool(): istio.DestinationRuleSpecTrafficPolicyConnectionPool | undefined {
    const o = this.options;
    const tcp = o.maxConnections !== undefined || o.connectTimeout !== undefined
      ? { maxConnections: o.maxConnections, connectTimeout: o.connectTimeout ? istioDuration(o.connectTimeout) : undefined }
      : undefined;
    const http = [o.maxPendingRequests, o.maxRequests, o.maxRequestsPerConnection, o.maxRetries].some(v => v !== undefined)
      ? {
        http1MaxPendingRequests: o.maxPendingRequests,
        http2MaxRequests: o.maxRequests,
        maxRequestsPerConnection: o.maxRequestsPerConnection,
        maxRetries: o.maxRetries,
      }
      : undefined;
    return tcp || http ? { tcp, http } : undefined;
  }

  /** @internal */
  public _outlierDetection(): istio.DestinationRuleSpecTrafficPolicyOutlierDetection | undefined {
    const o = this.options;
    if (o.consecutiveErrors === undefined) {
      return undefined;
    }
    return {
      consecutive5XxErrors: o.consecutiveErrors,
      interval: o.interval ? istioDuration(o.interval) : undefined,
      baseEjectionTime: o.baseEjectionTime ? istioDuration(o.baseEjectionTime) : undefined,
      maxEjectionPercent: o.maxEjectionPercent,
    };
  }
}

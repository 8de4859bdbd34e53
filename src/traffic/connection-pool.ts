import { Duration } from 'cdk8s';
import * as istio from '../imports/istio-networking';
import { checkCount, checkPolicyDuration } from '../private/destination-values';
import { istioDuration } from '../private/duration';
import { checkEnum, checkType } from '../private/enums';
import { meshError, required } from '../private/errors';

/**
 * Whether an HTTP/1.1 connection to the destination is upgraded to HTTP/2.
 *
 * @see https://istio.io/latest/docs/reference/config/networking/destination-rule/#ConnectionPoolSettings-HTTPSettings-H2UpgradePolicy
 */
export enum H2UpgradePolicy {
  /** The mesh's default (`meshConfig.h2UpgradePolicy`). */
  DEFAULT = 'DEFAULT',
  /** Never upgrade. */
  DO_NOT_UPGRADE = 'DO_NOT_UPGRADE',
  /** Upgrade to HTTP/2. */
  UPGRADE = 'UPGRADE',
}

/**
 * TCP keepalive probes on the connections to the destination (`SO_KEEPALIVE`).
 */
export interface TcpKeepalive {
  /**
   * Most probes sent without an answer before the connection is taken as dead.
   *
   * @default - the operating system's (9 on Linux)
   */
  readonly probes?: number;
  /**
   * How long a connection is idle before probes start.
   *
   * @default - the operating system's (2 hours on Linux)
   */
  readonly time?: Duration;
  /**
   * Time between probes.
   *
   * @default - the operating system's (75s on Linux)
   */
  readonly interval?: Duration;
}

/**
 * Options of `ConnectionPool.of()`: Istio's `connectionPool`, its `tcp` and `http` settings side by side, under
 * Istio's names. Each applies to each endpoint of the destination, per client proxy.
 */
export interface ConnectionPoolOptions {
  /**
   * Most HTTP/1.1 or TCP connections to one endpoint (`tcp.maxConnections`).
   *
   * @default - Envoy's default (2^32-1)
   */
  readonly maxConnections?: number;
  /**
   * TCP connect timeout (`tcp.connectTimeout`).
   *
   * @default - Istio's default, 10s
   */
  readonly connectTimeout?: Duration;
  /**
   * TCP keepalive probes (`tcp.tcpKeepalive`).
   *
   * @default - no keepalive probes
   */
  readonly tcpKeepalive?: TcpKeepalive;
  /**
   * Longest life of a connection, after which it is drained and closed (`tcp.maxConnectionDuration`).
   *
   * @default - unlimited
   */
  readonly maxConnectionDuration?: Duration;
  /**
   * How long a TCP connection may be idle before it is closed (`tcp.idleTimeout`).
   *
   * @default - Istio's default, 1h
   */
  readonly tcpIdleTimeout?: Duration;
  /**
   * Most requests queued while waiting for a connection (`http.http1MaxPendingRequests`).
   *
   * @default - Envoy's default (2^32-1)
   */
  readonly http1MaxPendingRequests?: number;
  /**
   * Most concurrent requests to the destination (`http.http2MaxRequests`).
   *
   * @default - Envoy's default (2^32-1)
   */
  readonly http2MaxRequests?: number;
  /**
   * Most requests per connection before it is closed; 1 disables keep-alive (`http.maxRequestsPerConnection`).
   *
   * @default - unlimited
   */
  readonly maxRequestsPerConnection?: number;
  /**
   * Most retries outstanding to all endpoints at once (`http.maxRetries`).
   *
   * @default - Envoy's default (2^32-1)
   */
  readonly maxRetries?: number;
  /**
   * How long an HTTP connection may go without requests before it is closed (`http.idleTimeout`).
   *
   * @default - 1h
   */
  readonly httpIdleTimeout?: Duration;
  /**
   * Whether HTTP/1.1 connections are upgraded to HTTP/2 (`http.h2UpgradePolicy`).
   *
   * @default H2UpgradePolicy.DEFAULT
   */
  readonly h2UpgradePolicy?: H2UpgradePolicy;
  /**
   * Whether the client's protocol (HTTP/1.1 or HTTP/2) is kept towards the destination (`http.useClientProtocol`);
   * not with `h2UpgradePolicy: UPGRADE`.
   *
   * @default false
   */
  readonly useClientProtocol?: boolean;
  /**
   * Most concurrent streams on one HTTP/2 connection (`http.maxConcurrentStreams`).
   *
   * @default - Envoy's default (2^31-1)
   */
  readonly maxConcurrentStreams?: number;
}

/** The options that are counts, and their least value. */
const COUNTS = ['maxConnections', 'http1MaxPendingRequests', 'http2MaxRequests', 'maxRequestsPerConnection', 'maxRetries', 'maxConcurrentStreams'] as const;
const DURATIONS = ['connectTimeout', 'maxConnectionDuration', 'tcpIdleTimeout', 'httpIdleTimeout'] as const;

/**
 * Connection pool settings of a destination: the usual answer to 503 `UO` (overflow) and `UC`/`UF` (connection
 * closed or failed) errors. Exclusive field by field with a `CircuitBreaker`, which sets some of the same fields.
 *
 * @see https://istio.io/latest/docs/reference/config/networking/destination-rule/#ConnectionPoolSettings
 */
export class ConnectionPool {
  /**
   * Connection pool settings (at least one).
   */
  public static of(options: ConnectionPoolOptions): ConnectionPool {
    const where = 'ConnectionPool.of';
    required(where, 'options', options, 'give at least one setting, e.g. ConnectionPool.of({ maxConnections: 100 })');
    for (const prop of COUNTS) {
      checkCount(where, prop, options[prop], 1);
    }
    for (const prop of DURATIONS) {
      checkPolicyDuration(where, prop, options[prop]);
    }
    const keepalive = options.tcpKeepalive;
    if (keepalive !== undefined) {
      checkCount(where, 'tcpKeepalive.probes', keepalive.probes, 1);
      checkPolicyDuration(where, 'tcpKeepalive.time', keepalive.time);
      checkPolicyDuration(where, 'tcpKeepalive.interval', keepalive.interval);
    }
    checkEnum(where, 'h2UpgradePolicy', options.h2UpgradePolicy, H2UpgradePolicy, 'H2UpgradePolicy');
    checkType(where, 'useClientProtocol', options.useClientProtocol, 'boolean');
    if (options.useClientProtocol && options.h2UpgradePolicy === H2UpgradePolicy.UPGRADE) {
      throw meshError('MESH0854', where, 'useClientProtocol keeps the client\'s protocol, h2UpgradePolicy UPGRADE forces HTTP/2 (istiod refuses both): choose one');
    }
    if (Object.values(options).every(v => v === undefined)) {
      throw meshError('MESH0853', where, `sets nothing: give at least one of ${[...COUNTS, ...DURATIONS, 'tcpKeepalive', 'h2UpgradePolicy', 'useClientProtocol'].join(', ')}`);
    }
    return new ConnectionPool({ ...options, tcpKeepalive: keepalive ? { ...keepalive } : undefined });
  }

  private constructor(
    /** The settings. */
    public readonly options: ConnectionPoolOptions,
  ) {}

  /** @internal */
  public _toIstio(): istio.DestinationRuleSpecTrafficPolicyConnectionPool {
    const o = this.options;
    const d = (x?: Duration) => x === undefined ? undefined : istioDuration(x);
    const k = o.tcpKeepalive;
    const tcp = compact({
      maxConnections: o.maxConnections,
      connectTimeout: d(o.connectTimeout),
      tcpKeepalive: k ? { probes: k.probes, time: d(k.time), interval: d(k.interval) } : undefined,
      maxConnectionDuration: d(o.maxConnectionDuration),
      idleTimeout: d(o.tcpIdleTimeout),
    });
    const http = compact({
      http1MaxPendingRequests: o.http1MaxPendingRequests,
      http2MaxRequests: o.http2MaxRequests,
      maxRequestsPerConnection: o.maxRequestsPerConnection,
      maxRetries: o.maxRetries,
      idleTimeout: d(o.httpIdleTimeout),
      h2UpgradePolicy: o.h2UpgradePolicy as istio.DestinationRuleSpecTrafficPolicyConnectionPoolHttpH2UpgradePolicy | undefined,
      useClientProtocol: o.useClientProtocol,
      maxConcurrentStreams: o.maxConcurrentStreams,
    });
    return { tcp, http };
  }
}

/** `o` without its undefined fields, or undefined when it has none. */
function compact<T extends object>(o: T): T | undefined {
  const defined = Object.entries(o).filter(([, v]) => v !== undefined);
  return defined.length === 0 ? undefined : Object.fromEntries(defined) as T;
}

import { Duration } from 'cdk8s';
import * as istio from '../imports/istio-networking';
import { checkCount, checkPercent, checkPolicyDuration } from '../private/destination-values';
import { istioDuration } from '../private/duration';
import { checkType } from '../private/enums';
import { meshError, required } from '../private/errors';

/**
 * Options of `OutlierDetection.of()`, under Istio's names.
 */
export interface OutlierDetectionOptions {
  /**
   * Consecutive 5xx responses (502, 503 and 504 included; with `splitExternalLocalOriginErrors` off, also
   * connection failures) after which an endpoint is ejected; 0 turns this detection off.
   *
   * @default - Istio's default, 5
   */
  readonly consecutive5xxErrors?: number;
  /**
   * Consecutive gateway errors (502, 503, 504; with `splitExternalLocalOriginErrors` off, also connection
   * failures) after which an endpoint is ejected; 0 turns this detection off.
   *
   * @default - off
   */
  readonly consecutiveGatewayErrors?: number;
  /**
   * Whether failures of the proxy's own (connect timeouts, resets) are counted apart from the endpoint's
   * responses, so that `consecutiveLocalOriginFailures` applies.
   *
   * @default false
   */
  readonly splitExternalLocalOriginErrors?: boolean;
  /**
   * Consecutive locally originated failures after which an endpoint is ejected (needs `splitExternalLocalOriginErrors`).
   *
   * @default - Envoy's default, 5 (with `splitExternalLocalOriginErrors`)
   */
  readonly consecutiveLocalOriginFailures?: number;
  /**
   * How often endpoints are analysed for ejection.
   *
   * @default - Istio's default, 10s
   */
  readonly interval?: Duration;
  /**
   * How long an ejected endpoint stays out, multiplied by the times it was ejected.
   *
   * @default - Istio's default, 30s
   */
  readonly baseEjectionTime?: Duration;
  /**
   * Most endpoints that may be ejected, as a percentage.
   *
   * @default - Istio's default, 10
   */
  readonly maxEjectionPercent?: number;
  /**
   * Outlier detection works only while at least this percentage of endpoints is healthy; 0 keeps it on always.
   *
   * @default - Istio's default, 0
   */
  readonly minHealthPercent?: number;
}

/**
 * Ejection of endpoints that keep failing, for a time. Exclusive field by field with a `CircuitBreaker`, whose
 * `consecutiveErrors` sets `consecutive5xxErrors`.
 *
 * @see https://istio.io/latest/docs/reference/config/networking/destination-rule/#OutlierDetection
 */
export class OutlierDetection {
  /**
   * Outlier detection with the given settings; `OutlierDetection.of({})` turns it on with Istio's defaults.
   */
  public static of(options: OutlierDetectionOptions): OutlierDetection {
    const where = 'OutlierDetection.of';
    required(where, 'options', options, 'give the settings, or {} for Istio\'s defaults, e.g. OutlierDetection.of({ consecutive5xxErrors: 3 })');
    checkCount(where, 'consecutive5xxErrors', options.consecutive5xxErrors, 0);
    checkCount(where, 'consecutiveGatewayErrors', options.consecutiveGatewayErrors, 0);
    checkCount(where, 'consecutiveLocalOriginFailures', options.consecutiveLocalOriginFailures, 1);
    checkType(where, 'splitExternalLocalOriginErrors', options.splitExternalLocalOriginErrors, 'boolean');
    for (const prop of ['interval', 'baseEjectionTime'] as const) {
      checkPolicyDuration(where, prop, options[prop]);
    }
    checkPercent(where, 'maxEjectionPercent', options.maxEjectionPercent);
    checkPercent(where, 'minHealthPercent', options.minHealthPercent);
    if (options.consecutiveLocalOriginFailures !== undefined && !options.splitExternalLocalOriginErrors) {
      throw meshError('MESH0855', where, `consecutiveLocalOriginFailures ${options.consecutiveLocalOriginFailures} counts local-origin failures, which are counted apart only with splitExternalLocalOriginErrors (istiod refuses it without): set splitExternalLocalOriginErrors: true`);
    }
    return new OutlierDetection({ ...options });
  }

  private constructor(
    /** The settings. */
    public readonly options: OutlierDetectionOptions,
  ) {}

  /** @internal */
  public _toIstio(): istio.DestinationRuleSpecTrafficPolicyOutlierDetection {
    const o = this.options;
    const d = (x?: Duration) => x === undefined ? undefined : istioDuration(x);
    return {
      consecutive5XxErrors: o.consecutive5xxErrors,
      consecutiveGatewayErrors: o.consecutiveGatewayErrors,
      splitExternalLocalOriginErrors: o.splitExternalLocalOriginErrors,
      consecutiveLocalOriginFailures: o.consecutiveLocalOriginFailures,
      interval: d(o.interval),
      baseEjectionTime: d(o.baseEjectionTime),
      maxEjectionPercent: o.maxEjectionPercent,
      minHealthPercent: o.minHealthPercent,
    };
  }
}

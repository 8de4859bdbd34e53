import { Duration } from 'cdk8s';
import * as istio from '../imports/istio-networking';
import { istioDuration } from '../private/duration';
import { meshError, required } from '../private/errors';
import { checkDuration } from '../private/istio-rules';
import { validatePercentage } from '../private/names';

/**
 * A fixed delay added before a request is forwarded.
 */
export interface DelayFault {
  /** How long requests are held. */
  readonly fixedDelay: Duration;
  /**
   * Share of requests delayed, 0 to 100.
   *
   * @default 100
   */
  readonly percentage?: number;
}

/**
 * Requests answered with an error instead of being forwarded.
 */
export interface AbortFault {
  /** The HTTP status returned (200-599). */
  readonly httpStatus: number;
  /**
   * Share of requests aborted, 0 to 100.
   *
   * @default 100
   */
  readonly percentage?: number;
}

/**
 * Options of `FaultInjection.of()`.
 */
export interface FaultInjectionOptions {
  /**
   * Delay requests.
   *
   * @default - no delay
   */
  readonly delay?: DelayFault;
  /**
   * Abort requests.
   *
   * @default - no abort
   */
  readonly abort?: AbortFault;
}

/**
 * Faults a route injects to test the resilience of its callers: delays, aborts, or both.
 *
 * @see https://istio.io/latest/docs/reference/config/networking/virtual-service/#HTTPFaultInjection
 */
export class FaultInjection {
  /** Delay `percentage` of requests by `fixedDelay`. */
  public static delay(fixedDelay: Duration, percentage: number = 100): FaultInjection {
    return FaultInjection.of({ delay: { fixedDelay, percentage } });
  }

  /** Answer `percentage` of requests with `httpStatus`. */
  public static abort(httpStatus: number, percentage: number = 100): FaultInjection {
    return FaultInjection.of({ abort: { httpStatus, percentage } });
  }

  /** A delay, an abort, or both. */
  public static of(options: FaultInjectionOptions): FaultInjection {
    const where = 'FaultInjection.of';
    if (!options?.delay && !options?.abort) {
      throw meshError('MESH0050', where, 'injects nothing: give a delay, an abort or both');
    }
    if (options.delay) {
      required(where, 'delay fixedDelay', options.delay.fixedDelay, 'give a cdk8s Duration, e.g. Duration.seconds(5)');
      const ms = checkDuration(where, 'MESH0160', 'delay fixedDelay', options.delay.fixedDelay)!;
      if (ms < 1) {
        throw meshError('MESH0051', where, `delay fixedDelay ${ms}ms is too short: use at least 1ms`);
      }
      validatePercentage(where, 'delay percentage', options.delay.percentage ?? 100);
    }
    if (options.abort) {
      const status = options.abort.httpStatus;
      if (!Number.isInteger(status) || status < 200 || status > 599) {
        throw meshError('MESH0052', where, `abort httpStatus ${status} is not an HTTP status: use 200 to 599`);
      }
      validatePercentage(where, 'abort percentage', options.abort.percentage ?? 100);
    }
    return new FaultInjection(options.delay, options.abort);
  }

  private constructor(
    /** The delay, if any. */
    public readonly delayFault?: DelayFault,
    /** The abort, if any. */
    public readonly abortFault?: AbortFault,
  ) {}

  /** @internal */
  public _toIstio(): istio.VirtualServiceSpecHttpFault {
    return {
      delay: this.delayFault
        ? { fixedDelay: istioDuration(this.delayFault.fixedDelay), percentage: { value: this.delayFault.percentage ?? 100 } }
        : undefined,
      abort: this.abortFault
        ? { httpStatus: this.abortFault.httpStatus, percentage: { value: this.abortFault.percentage ?? 100 } }
        : undefined,
    };
  }
}

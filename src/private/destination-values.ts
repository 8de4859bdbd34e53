import { Duration } from 'cdk8s';
import { IConstruct } from 'constructs';
import { checkType } from './enums';
import { reportError } from './errors';
import { checkDuration } from './istio-rules';
import { validateInt32 } from './kubernetes-rules';

// The checks istiod's validation (pkg/config/validation, validateTrafficPolicy) applies to a DestinationRule's
// connection pool, outlier detection and load balancer, for the value objects that render them.

/**
 * Checks a duration of a DestinationRule setting: a Duration to the millisecond (MESH0160) of at least 1ms
 * (MESH0850), as istiod's `ValidateDuration` requires. Says whether it passes.
 *
 * @internal
 */
export function checkPolicyDuration(where: IConstruct | string, prop: string, d: Duration | undefined): boolean {
  if (d === undefined) {
    return true;
  }
  const ms = checkDuration(where, 'MESH0160', prop, d);
  if (ms !== undefined && ms < 1) {
    reportError(where, 'MESH0850', `${prop} ${ms}ms is too short: istiod takes durations of at least 1ms`);
    return false;
  }
  return ms !== undefined;
}

/**
 * Checks a count of a DestinationRule setting: a whole number from `min` to `max` (MESH0851; a string from
 * JavaScript is MESH0091).
 *
 * @internal
 */
export function checkCount(where: IConstruct | string, prop: string, value: number | undefined, min: number, max: number = 2_147_483_647): boolean {
  if (value === undefined) {
    return true;
  }
  if (!checkType(where, prop, value, 'number', `a whole number of at least ${min}`)) {
    return false;
  }
  if (!Number.isInteger(value) || value < min || value > max) {
    reportError(where, 'MESH0851', `${prop} ${value} is invalid: use a whole number from ${min} to ${max}`);
    return false;
  }
  return validateInt32(where, prop, value, min, max);
}

/**
 * Checks a percentage of a DestinationRule setting: a whole number from 0 to 100 (MESH0852).
 *
 * @internal
 */
export function checkPercent(where: IConstruct | string, prop: string, value: number | undefined): boolean {
  if (value === undefined) {
    return true;
  }
  if (!checkType(where, prop, value, 'number', 'a whole number from 0 to 100')) {
    return false;
  }
  if (!Number.isInteger(value) || value < 0 || value > 100) {
    reportError(where, 'MESH0852', `${prop} ${value} is not a percentage: use a whole number from 0 to 100`);
    return false;
  }
  return true;
}

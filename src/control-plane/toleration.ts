import { IConstruct } from 'constructs';
import { reportError } from '../private/errors';
import { validateLabels } from '../private/kubernetes-rules';

/**
 * How a toleration matches a taint's value.
 *
 * @see https://kubernetes.io/docs/concepts/scheduling-eviction/taint-and-toleration/
 */
export enum TolerationOperator {
  /** Any value of the taint's key. */
  EXISTS = 'Exists',
  /** Only the toleration's `value`. */
  EQUAL = 'Equal',
}

/**
 * The effect of a taint, which a toleration may restrict itself to.
 *
 * @see https://kubernetes.io/docs/concepts/scheduling-eviction/taint-and-toleration/
 */
export enum TolerationEffect {
  /** New pods are not scheduled on the node. */
  NO_SCHEDULE = 'NoSchedule',
  /** The scheduler avoids the node when it can. */
  PREFER_NO_SCHEDULE = 'PreferNoSchedule',
  /** Pods already running on the node are evicted too. */
  NO_EXECUTE = 'NoExecute',
}

/**
 * A toleration of node taints by istiod's pods.
 */
export interface ControlPlaneToleration {
  /** The taint key. */
  readonly key: string;

  /**
   * Whether the taint's value must be `value` (`EQUAL`) or may be any (`EXISTS`).
   *
   * @default - TolerationOperator.EQUAL when a value is given (as in Kubernetes), else TolerationOperator.EXISTS
   */
  readonly operator?: TolerationOperator;

  /**
   * The taint value, with `TolerationOperator.EQUAL`.
   *
   * @default - none
   */
  readonly value?: string;

  /**
   * The taint effect tolerated.
   *
   * @default - every effect
   */
  readonly effect?: TolerationEffect;
}

/**
 * The valid tolerations. The enums bind TypeScript callers only: a JavaScript caller may pass any string,
 * so an invalid toleration is reported and left out.
 *
 * @internal
 */
export function validTolerations(scope: IConstruct, tolerations: ControlPlaneToleration[]): ControlPlaneToleration[] {
  return tolerations.filter(t => {
    let valid = true;
    if (t.operator !== undefined && !Object.values(TolerationOperator).includes(t.operator)) {
      reportError(scope, 'MESH0064', `toleration '${t.key}' has operator '${t.operator}': use 'Exists' or 'Equal'`);
      valid = false;
    }
    if (t.effect !== undefined && !Object.values(TolerationEffect).includes(t.effect)) {
      reportError(scope, 'MESH0064', `toleration '${t.key}' has effect '${t.effect}': use 'NoSchedule', 'PreferNoSchedule' or 'NoExecute'`);
      valid = false;
    }
    // Kubernetes refuses a value with Exists: the value would say which taint to tolerate.
    if (t.operator === TolerationOperator.EXISTS && t.value !== undefined) {
      reportError(scope, 'MESH0081', `toleration '${t.key}' has operator Exists and value '${t.value}': Kubernetes takes a value only with Equal, use operator TolerationOperator.EQUAL to tolerate that value, or leave value out to tolerate any`);
      valid = false;
    }
    // An empty key with Exists tolerates every taint.
    if (t.key) {
      validateLabels(scope, 'tolerations', { [t.key]: t.value ?? '' });
    }
    return valid;
  });
}

import { IConstruct } from 'constructs';
import type { MeshCode } from '../analysis/codes';

/**
 * Formats a finding the way Istio's validation does: lowercase, no trailing period, names the prop,
 * shows the value, states the rule and the fix; prefixed with a stable code and the construct path.
 *
 * @internal
 */
export function formatFinding(code: MeshCode, scope: IConstruct | string, message: string): string {
  return `[${code}] ${typeof scope === 'string' ? scope : displayPath(scope)}: ${message}`;
}

/**
 * An error raised while the user's call is still on the stack. `scope` is the construct the error is
 * about, or, for value types that have no construct yet, the factory that was called (`RetryPolicy.of`).
 *
 * @internal
 */
export function meshError(code: MeshCode, scope: IConstruct | string, message: string): Error {
  return new Error(formatFinding(code, scope, message));
}

/**
 * The construct path as a user wrote it: the App's empty root id is dropped.
 *
 * @internal
 */
export function displayPath(scope: IConstruct): string {
  return scope.node.path === '' ? '<root>' : scope.node.path;
}

/**
 * Checks that a required prop was given: jsii languages enforce it, plain JavaScript does not.
 *
 * @internal
 */
export function required<T>(scope: IConstruct | string, prop: string, value: T | undefined | null, hint: string): T {
  if (value === undefined || value === null) {
    throw meshError('MESH0006', scope, `${prop} is missing: ${hint}`);
  }
  return value;
}

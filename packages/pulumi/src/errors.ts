import type { IConstruct } from 'constructs';

/**
 * An error about a release, in cdk8s-mesh's format: a stable code, the construct path, then what is wrong
 * and how to fix it.
 */
export function releaseError(code: string, scope: IConstruct | string, message: string): Error {
  const where = typeof scope === 'string' ? scope : scope.node.path === '' ? '<root>' : scope.node.path;
  return new Error(`[${code}] ${where}: ${message}`);
}

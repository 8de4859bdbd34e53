import type { IConstruct } from 'constructs';

/**
 * An error about a release, in cdk8s-mesh's format: a stable code, the construct path, then what is wrong
 * and how to fix it.
 *
 * `code` is a MESH05xx code of cdk8s-mesh's catalogue (src/analysis/codes.ts, documented in docs/errors.md).
 * It is a string, not the catalogue's `MeshCode`, because this package does not compile against cdk8s-mesh
 * (an optional peer); test/analysis/codes.test.ts checks that every code used here is in the catalogue.
 */
export function releaseError(code: string, scope: IConstruct | string, message: string): Error {
  const where = typeof scope === 'string' ? scope : scope.node.path === '' ? '<root>' : scope.node.path;
  return new Error(`[${code}] ${where}: ${message}`);
}

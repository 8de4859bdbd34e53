/**
 * How serious a finding is.
 */
export enum Severity {
  /** The mesh would not work as written: synthesis fails. */
  ERROR = 'ERROR',
  /** The mesh works, but probably not as intended. Printed during synthesis; fatal only with the Mesh's `failOnWarnings`. */
  WARNING = 'WARNING',
}

/**
 * One result of analysing a mesh.
 */
export interface Finding {
  /** Stable code, e.g. `MESH0101`. Codes never change meaning; docs/errors.md lists every code, with its fix. */
  readonly code: string;
  /** Whether synthesis fails because of it. */
  readonly severity: Severity;
  /** Path of the construct the finding is about. */
  readonly path: string;
  /** What is wrong and how to fix it, Istio's message style. */
  readonly message: string;
}

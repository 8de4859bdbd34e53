import type { IConstruct } from 'constructs';

const STEPS = new WeakMap<IConstruct, ((mesh: any) => void)[]>();

/**
 * Registers a step that runs before every analysis of `mesh` (so at synthesis too, before anything is reported or
 * written): a renderer that decides what to write only once every construct is known (the Gateway API's).
 *
 * @internal
 */
export function beforeAnalysis<T extends IConstruct>(mesh: T, step: (mesh: T) => void): void {
  STEPS.set(mesh, [...STEPS.get(mesh) ?? [], step]);
}

/**
 * Runs the steps registered for `mesh`.
 *
 * @internal
 */
export function runBeforeAnalysis(mesh: IConstruct): void {
  for (const step of STEPS.get(mesh) ?? []) {
    step(mesh);
  }
}

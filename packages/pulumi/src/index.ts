export { MeshRelease, ChartRelease } from './mesh-release';
export type { MeshReleaseArgs } from './mesh-release';
export { planRelease } from './plan';
export type { PlannedChart, PlannedObject, ReleasePlanOptions } from './plan';

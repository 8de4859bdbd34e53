export { MeshRelease, ChartRelease } from './mesh-release';
export type { MeshReleaseArgs } from './mesh-release';
export { planRelease } from './plan';
export type { PlannedChart, PlannedObject, ReleasePlanOptions } from './plan';
export { MeshReleaseMocks, outputOf } from './testing';
export type { MeshReleaseMocksOptions, MockedResource, RegisteredResource } from './testing';

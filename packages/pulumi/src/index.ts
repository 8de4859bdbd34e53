/**
 * Deploy a cdk8s-mesh mesh, or any cdk8s App, with Pulumi ({@link MeshRelease}), and unit-test the release under
 * Pulumi's mocks ({@link MeshReleaseMocks}). This reference is generated from the sources (`npm run docs`);
 * README.md shows how to use them.
 *
 * @packageDocumentation
 */
export { MeshRelease, ChartRelease } from './mesh-release';
export type { MeshReleaseArgs } from './mesh-release';
export { planRelease } from './plan';
export type { GroupVersionKind } from './kinds';
export type { PlannedChart, PlannedObject, ReleasePlanOptions } from './plan';
export { MeshReleaseMocks, outputOf } from './testing';
export type { MeshReleaseMocksOptions, MockedResource, RegisteredResource } from './testing';

import type { ControlPlane } from './control-plane';
import { layerOf, MeshLayer } from '../layers';
import type { IMesh } from '../mesh-identity';
import { constructsOfKind } from '../private/tree';

/**
 * Every control plane of a mesh, in the order they were added (the default one first).
 *
 * @internal
 */
export function controlPlanesOf(mesh: IMesh): ControlPlane[] {
  return constructsOfKind(layerOf(mesh, MeshLayer.CONTROL_PLANE), 'ControlPlane') as ControlPlane[];
}

/**
 * The control plane of a revision label (`default` for the unnamed one), if the mesh has it.
 *
 * @internal
 */
export function findControlPlane(mesh: IMesh, revisionLabel: string): ControlPlane | undefined {
  return controlPlanesOf(mesh).find(c => c.revisionLabel === revisionLabel);
}

/**
 * The control plane a workload that chose `revision` (or none) is served by. An unknown revision is the
 * analysis' MESH0036; until it is fixed, the workload stays with the default control plane.
 *
 * @internal
 */
export function chosenControlPlane(mesh: IMesh, revision: string | undefined, fallback: () => ControlPlane): ControlPlane {
  return revision === undefined ? fallback() : findControlPlane(mesh, revision || 'default') ?? mesh.controlPlane as ControlPlane;
}

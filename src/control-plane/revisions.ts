import { Construct } from 'constructs';
import type { ControlPlane } from './control-plane';
import { layerScope, MeshLayer } from '../layers';
import type { IMesh } from '../mesh-identity';
import { meshError } from '../private/errors';
import { constructsOfKind } from '../private/tree';

/**
 * Every control plane of a mesh, in the order they were added (the default one first).
 *
 * @internal
 */
export function controlPlanesOf(mesh: IMesh): ControlPlane[] {
  return constructsOfKind(layerScope(mesh, MeshLayer.CONTROL_PLANE), 'ControlPlane') as ControlPlane[];
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

/**
 * The scope a mesh's control plane `id` is created in (its control-plane layer), checked first: two
 * constructs cannot share an id, so a taken one is thrown at once, as there is nothing to record it on.
 *
 * @internal
 */
export function controlPlaneScope(mesh: IMesh, id: string): Construct {
  const layer = layerScope(mesh, MeshLayer.CONTROL_PLANE);
  const existing = layer.node.tryFindChild(id);
  if (existing) {
    throw meshError('MESH0093', mesh, `addControlPlane: id '${id}' is already taken (${existing.node.path}): give each control plane its own id`);
  }
  return layer;
}

import type { ProxySettings } from './proxy-settings';
import type { ControlPlane } from '../control-plane/control-plane';
import type { IMesh } from '../mesh-identity';
import { constructsOfKind, treeGeneration } from '../private/tree';

/**
 * A workload with a sidecar: which control plane serves it, how it is injected, with which settings.
 *
 * @internal
 */
export interface MeshWorkload {
  readonly namespace: string;
  readonly serviceName: string;
  readonly controlPlane: ControlPlane;
  readonly explicit: boolean;
  readonly settings: ProxySettings;
  /** The injector template its pods select (`sidecar` unless its settings are its own). */
  readonly templateName: string;
}

/**
 * The workloads of a mesh: one per service defined in it, found in the construct tree.
 *
 * @internal
 */
export function meshWorkloads(mesh: IMesh): MeshWorkload[] {
  const cached = CACHE.get(mesh);
  if (cached && cached.generation === treeGeneration()) {
    return cached.workloads;
  }
  const workloads = constructsOfKind(mesh, 'MeshService').map(s => (s as unknown as { readonly _workload: MeshWorkload })._workload);
  CACHE.set(mesh, { generation: treeGeneration(), workloads });
  return workloads;
}

/** Each namespace's labels and each injector's templates read the workloads: they are worked out once per tree. */
const CACHE = new WeakMap<IMesh, { readonly generation: number; readonly workloads: MeshWorkload[] }>();

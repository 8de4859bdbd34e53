import type { Mesh } from '../mesh';

/**
 * The parts of Istio's MeshConfig derived from the mesh model: what the control plane's `istio`
 * ConfigMap carries under its `mesh` key.
 *
 * @see https://istio.io/latest/docs/reference/config/istio.mesh.v1alpha1/
 * @internal
 */
export function renderMeshConfig(mesh: Mesh): Record<string, unknown> {
  return {
    trustDomain: mesh.trustDomain,
    rootNamespace: mesh.rootNamespace,
    enableAutoMtls: mesh.autoMtls,
    outboundTrafficPolicy: { mode: mesh.outboundTrafficPolicy },
    defaultConfig: {
      discoveryAddress: `istiod.${mesh.rootNamespace}.svc:15012`,
    },
  };
}

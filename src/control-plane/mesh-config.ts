import { Lazy, Yaml } from 'cdk8s';
import { k8s } from 'cdk8s-plus-27';
import type { ControlPlane } from './control-plane';
import type { IMesh } from '../mesh-identity';
import { compact } from '../private/compact';
import { extensionProvidersOf } from '../telemetry/providers';

/**
 * The MeshConfig of one control plane, derived from the mesh model: what its `istio` ConfigMap carries
 * under its `mesh` key.
 *
 * @see https://istio.io/latest/docs/reference/config/istio.mesh.v1alpha1/
 * @internal
 */
export function renderMeshConfig(mesh: IMesh, controlPlane: ControlPlane): Record<string, unknown> {
  const proxy = controlPlane._proxyDefaults;
  return {
    trustDomain: mesh.trustDomain,
    rootNamespace: mesh.rootNamespace,
    enableAutoMtls: mesh.autoMtls,
    outboundTrafficPolicy: { mode: mesh.outboundTrafficPolicy },
    accessLogFile: controlPlane.accessLogging ? '/dev/stdout' : undefined,
    defaultConfig: {
      discoveryAddress: controlPlane.discoveryAddress,
      holdApplicationUntilProxyStarts: proxy.holdApplicationUntilProxyStarts || undefined,
      concurrency: proxy.concurrency,
    },
    defaultProviders: { metrics: ['prometheus'] },
    enablePrometheusMerge: true,
    extensionProviders: extensionProvidersOf(mesh).map(p => ({ name: p.name, ...p.config })),
  };
}

/**
 * The `istio` ConfigMap of a control plane: its MeshConfig, rendered at synth from the whole mesh.
 *
 * @internal
 */
export function renderMeshConfigMap(controlPlane: ControlPlane): void {
  new k8s.KubeConfigMap(controlPlane, 'MeshConfig', {
    metadata: controlPlane._metadata(`istio${controlPlane._suffix}`),
    data: {
      mesh: Lazy.any({ produce: () => Yaml.stringify(compact(renderMeshConfig(controlPlane.mesh, controlPlane))) }),
      meshNetworks: 'networks: {}',
    },
  });
}

import { SidecarEnvironment } from '../../src/sidecar/sidecar';

/** A control plane's sidecar environment as Istio's own injection tests have it (default revision, istio-system). */
export function testSidecarEnv(overrides: Partial<SidecarEnvironment> = {}): SidecarEnvironment {
  return {
    image: 'registry.istio.io/testing/proxyv2:latest',
    revision: 'default',
    caAddress: 'istiod.istio-system.svc:15012',
    discoveryAddress: 'istiod.istio-system.svc:15012',
    trustDomain: 'cluster.local',
    clusterId: 'Kubernetes',
    clusterDomain: 'cluster.local',
    cni: false,
    agentLogLevel: 'default:info',
    proxyMetadata: {},
    ...overrides,
  };
}

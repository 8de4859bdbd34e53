import type { CniOptions, ControlPlaneOptions } from './control-plane/control-plane-options';
import type { ExistingIstioOptions } from './control-plane/existing-istio';
import type { RoutingApi } from './gateway-api/routing-api';
import type { OutboundTrafficPolicy } from './mesh-identity';
import type { MtlsMode } from './security/mtls-mode';

/**
 * Properties of a `Mesh`.
 */
export interface MeshProps {
  /**
   * The SPIFFE trust domain of workload identities (`spiffe://<trustDomain>/ns/<ns>/sa/<sa>`). With
   * `existingIstio`, it must be the installation's.
   *
   * @default 'cluster.local'
   * @see https://istio.io/latest/docs/reference/config/istio.mesh.v1alpha1/#MeshConfig-trust_domain
   */
  readonly trustDomain?: string;

  /**
   * The namespace of the control plane; policies placed here apply mesh-wide. With `existingIstio`, it must be
   * the installation's, and the mesh writes neither it (as a Namespace) nor any policy into it.
   *
   * @default 'istio-system'
   * @see https://istio.io/latest/docs/reference/config/istio.mesh.v1alpha1/#MeshConfig-root_namespace
   */
  readonly rootNamespace?: string;

  /**
   * The Istio release the mesh runs.
   *
   * A patch release of 1.30: the CRDs and sidecar injection template the mesh renders are 1.30.3's. With
   * `existingIstio`, it must be the installation's.
   *
   * @default '1.30.3'
   */
  readonly version?: string;

  /**
   * The registry Istio's images are pulled from.
   *
   * @default 'docker.io/istio'
   */
  readonly hub?: string;

  /**
   * The tag of Istio's images.
   *
   * @default - the `version`
   */
  readonly tag?: string;

  /**
   * The mesh-wide mutual TLS mode, rendered as the root namespace's PeerAuthentication.
   * Namespaces and workloads may override it with an `MtlsPolicy`.
   *
   * @default MtlsMode.STRICT
   */
  readonly mtls?: MtlsMode;

  /**
   * Whether clients detect mTLS support of their destinations by themselves (Istio's auto mTLS).
   * When off, every service's DestinationRule states the TLS mode its destination accepts. With `existingIstio`,
   * it must match the installed mesh config (synthesis warns that `false` must be set there).
   *
   * @default true
   * @see https://istio.io/latest/docs/reference/config/istio.mesh.v1alpha1/#MeshConfig-enable_auto_mtls
   */
  readonly autoMtls?: boolean;

  /**
   * What sidecars do with traffic to hosts the mesh does not know. With `existingIstio`, it must match the
   * installed mesh config (synthesis warns that `REGISTRY_ONLY` must be set there).
   *
   * @default OutboundTrafficPolicy.ALLOW_ANY
   */
  readonly outboundTrafficPolicy?: OutboundTrafficPolicy;

  /**
   * The namespace of services that do not name one.
   *
   * @default 'default'
   */
  readonly defaultNamespace?: string;

  /**
   * The cluster's DNS domain, used to build service host names (`<svc>.<ns>.svc.<clusterDomain>`). With
   * `existingIstio`, it must be the installation's.
   *
   * @default 'cluster.local'
   */
  readonly clusterDomain?: string;

  /**
   * Adopts an Istio installed by other means instead of rendering one: the mesh then writes no CRDs, control
   * plane or CNI node agent, and its workloads are injected by the installed revision. Its mesh-wide policies
   * (mTLS mode, deny-by-default, revoked identities, the telemetry stack's mesh policy) are written into each
   * namespace of the mesh, not the root namespace, so that they leave the installation's other workloads alone.
   *
   * @default - the mesh installs its own Istio
   * @see https://istio.io/latest/docs/setup/install/
   */
  readonly existingIstio?: ExistingIstioOptions;

  /**
   * The default control plane: the revision services use unless they or their namespace choose another.
   * More revisions with `addControlPlane()`.
   *
   * @default - an unnamed revision with Istio's defaults
   */
  readonly controlPlane?: ControlPlaneOptions;

  /**
   * The Istio CNI node agent, which sets up the traffic capture of pods whose control plane has `cni` on (the
   * default): the mesh installs it, once, when a control plane uses it.
   *
   * @default - installed in namespace 'istio-cni' when a control plane uses CNI
   * @see https://istio.io/latest/docs/setup/additional-setup/cni/
   */
  readonly cni?: CniOptions;

  /**
   * Whether the mesh renders Istio's CRDs (its first layer). Turn off when something else manages them.
   *
   * @default - true, or false when the mesh adopts an existing Istio (`existingIstio`), which owns them
   */
  readonly installCrds?: boolean;

  /**
   * Whether analysis warnings fail synthesis, as errors do (for CI). Either way, every warning is printed
   * to stderr during synthesis.
   *
   * @default false
   */
  readonly failOnWarnings?: boolean;

  /**
   * Whether every call that no `AccessPolicy` allows is refused, in the whole mesh (Istio's "allow nothing"
   * AuthorizationPolicy in the root namespace). A service without an AccessPolicy then accepts no call, which
   * synthesis warns about. Turn it off to let every workload call every other unless its AccessPolicy says
   * otherwise; `Mesh.denyByDefault()` then denies by default in chosen namespaces.
   *
   * @default true
   */
  readonly denyByDefault?: boolean;

  /**
   * Whether every workload (each service's pods) and gateway gets Kubernetes NetworkPolicies derived from the
   * same call graph as its AccessPolicies: a second wall, at L3/L4, for when a sidecar is bypassed. A workload
   * then accepts connections only from its allowed callers (on the ports they may call), from Prometheus
   * (15020, 15090), and may connect only to the services it may call, to DNS (53), to istiod (15012), to the
   * tracing collector and to the declared external services. They need a network plugin that enforces them.
   *
   * @default - on when the mesh denies by default (`denyByDefault`)
   * @see https://kubernetes.io/docs/concepts/services-networking/network-policies/
   */
  readonly networkPolicies?: boolean;

  /**
   * Whether every object of every layer is annotated for Argo CD, so that one Application can sync the whole
   * synthesized output in a working order: `argocd.argoproj.io/sync-wave` -3 on the CRDs, -2 on the
   * namespaces, -1 on the control plane, 0 on the workloads and policy and on the telemetry stack, 1 on the routes
   * (VirtualServices and Gateway API routes: after the DestinationRules and the Deployments they send traffic to).
   * Argo CD syncs a wave once every object of the waves before it is healthy: CRDs established, istiod rolled out.
   * Custom resources also get `argocd.argoproj.io/sync-options: SkipDryRunOnMissingResource=true` (for when
   * their CRD comes from another Application, or an Istio installed otherwise), and CRDs `ServerSideApply=true`
   * (some are too large for client-side apply). An annotation an object already has is kept; sync options are
   * added to its own. Objects added after the mesh is created are annotated too (at synth).
   *
   * @default false
   * @see https://argo-cd.readthedocs.io/en/stable/user-guide/sync-waves/
   * @see https://argo-cd.readthedocs.io/en/stable/user-guide/sync-options/
   */
  readonly argoCdSyncWaves?: boolean;

  /**
   * The API the mesh renders routing with: Istio's (Gateway, VirtualService, DestinationRule subsets), or the
   * Kubernetes Gateway API (a `Gateway` of class `istio` with `HTTPRoute`s for ingress, GAMMA `HTTPRoute`s for
   * routing inside the mesh, a Service per version routed to). What the Gateway API cannot express is an error,
   * unless `allowIstioApiFallback` is on.
   *
   * @default RoutingApi.ISTIO
   * @see https://istio.io/latest/docs/tasks/traffic-management/ingress/gateway-api/
   */
  readonly routingApi?: RoutingApi;

  /**
   * With the Gateway API (`routingApi`), whether the routing of a service or gateway that it cannot express (a
   * fault, a match on the calling service, an egress gateway...) stays in Istio's API, with a warning, instead of
   * failing synthesis. Only that object stays: the rest of the mesh is rendered with the Gateway API.
   *
   * @default false
   */
  readonly allowIstioApiFallback?: boolean;

  /**
   * Whether the CRD layer installs the Gateway API's CRDs (v1.5.1, experimental channel). Turn it on to install them
   * even when Istio's CRDs are left to an existing installation (`installCrds: false`); off when the cluster has them.
   *
   * @default - installed with Istio's CRDs (`installCrds`), when `routingApi` is `RoutingApi.GATEWAY_API`
   */
  readonly installGatewayApiCrds?: boolean;
}

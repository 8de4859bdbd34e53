import { IConstruct } from 'constructs';
import type { ControlPlane } from './control-plane/control-plane';
import type { MtlsMode } from './security/mtls-mode';
import type { MeshServicePort } from './traffic/protocol';

/**
 * What sidecars do with traffic to hosts the mesh does not know.
 *
 * @see https://istio.io/latest/docs/reference/config/istio.mesh.v1alpha1/#MeshConfig-OutboundTrafficPolicy-Mode
 */
export enum OutboundTrafficPolicy {
  /** Pass it through to the original destination. */
  ALLOW_ANY = 'ALLOW_ANY',
  /** Block it unless a ServiceEntry (or a service in the mesh) declares the host. */
  REGISTRY_ONLY = 'REGISTRY_ONLY',
}

/**
 * What every construct of a mesh needs to know about it: its identity, names and mesh-wide defaults, and
 * the answers that depend on the whole mesh (a service's mTLS mode, a revision's control plane). Model
 * constructs depend on this description, found with `Mesh.ofConstruct(scope)`, never on the `Mesh` class itself.
 */
export interface IMesh extends IConstruct {
  /** The SPIFFE trust domain. */
  readonly trustDomain: string;
  /** The control plane's namespace; policies here apply mesh-wide. */
  readonly rootNamespace: string;
  /** The namespace of services that do not name one. */
  readonly defaultNamespace: string;
  /** The cluster's DNS domain. */
  readonly clusterDomain: string;
  /** The Istio release. */
  readonly version: string;
  /** The image registry. */
  readonly hub: string;
  /** The image tag. */
  readonly tag: string;
  /** The mesh-wide mutual TLS mode. */
  readonly mtlsMode: MtlsMode;
  /** Whether clients detect their destinations' mTLS support. */
  readonly autoMtls: boolean;
  /** What sidecars do with traffic to unknown hosts. */
  readonly outboundTrafficPolicy: OutboundTrafficPolicy;
  /** Whether the mesh renders Istio's CRDs. */
  readonly installCrds: boolean;
  /**
   * Whether the mesh adopts an Istio installed by other means (its `existingIstio` prop): it renders no CRDs,
   * control plane or CNI node agent, and writes its mesh-wide policies into each of its namespaces.
   */
  readonly existingIstio: boolean;
  /** Whether the mesh writes the Namespace objects of its namespaces. */
  readonly writesNamespaces: boolean;
  /** Whether workloads and gateways get NetworkPolicies derived from the call graph. */
  readonly networkPolicies: boolean;
  /** The default control plane. */
  readonly controlPlane: ControlPlane;

  /**
   * The host name of a service in this mesh: `<name>.<namespace>.svc.<clusterDomain>`.
   */
  hostOf(serviceName: string, namespace: string): string;

  /**
   * The mTLS identity of a service account, as AuthorizationPolicy principals name it:
   * `<trustDomain>/ns/<namespace>/sa/<serviceAccount>` (the SPIFFE ID without `spiffe://`).
   */
  principalOf(namespace: string, serviceAccount: string): string;

  /**
   * The mutual TLS mode a workload of `service` accepts on `port` (a service port), from the most specific
   * `MtlsPolicy`: the service's own, then its namespace's, then the mesh's.
   *
   * @param port a service port; when omitted, the workload-wide mode
   */
  mtlsModeOf(service: IMeshService, port?: number): MtlsMode;

  /**
   * The control plane of a revision (`default` or empty for the unnamed one).
   *
   * @throws when no control plane has that revision
   */
  controlPlaneOf(revision: string): ControlPlane;

  /**
   * The control plane that serves a namespace's services by default.
   */
  namespaceControlPlane(namespace: string): ControlPlane;
}

/**
 * A workload identity in the mesh: what access policies allow and what can be revoked. Services and
 * gateways have one.
 */
export interface IMeshIdentity extends IConstruct {
  /** The mesh. */
  readonly mesh: IMesh;
  /** The name the workload is known by (its Kubernetes Service). */
  readonly serviceName: string;
  /** The SPIFFE identity: `spiffe://<trust-domain>/ns/<namespace>/sa/<service-account>`. */
  readonly identity: string;
  /** The identity as AuthorizationPolicy principals name it (without `spiffe://`). */
  readonly principal: string;
}

/**
 * A service in the mesh, defined in this program (`MeshService`) or elsewhere (`MeshService.fromName()`).
 */
export interface IMeshService extends IMeshIdentity {
  /** The namespace. */
  readonly namespace: string;
  /** The service account its workloads run as: their identity. */
  readonly serviceAccountName: string;
  /** The ports, with every default resolved. */
  readonly ports: MeshServicePort[];
  /** The host name clients use: `<name>.<namespace>.svc.<clusterDomain>`. */
  readonly host: string;
  /**
   * The versions of the service, or undefined when unknown (an imported service that did not list them).
   */
  readonly versionNames?: string[];
}

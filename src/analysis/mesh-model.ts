import type { ControlPlane } from '../control-plane/control-plane';
import { controlPlanesOf } from '../control-plane/revisions';
import type { EgressGateway } from '../gateways/egress-gateway';
import type { IngressGateway } from '../gateways/ingress-gateway';
import type { MeshGateway } from '../gateways/mesh-gateway';
import type { IMesh, IMeshIdentity, IMeshService } from '../mesh-identity';
import { meshNamespaces } from '../namespaces';
import { serviceKey } from '../private/services';
import { ConstructKind, constructsOfKind, isKind, treeGeneration, tryMeshOf } from '../private/tree';
import type { AccessPolicy } from '../security/access-policy';
import type { DenyByDefault } from '../security/deny-by-default';
import type { MtlsMode } from '../security/mtls-mode';
import { MtlsPolicy, PolicyScope } from '../security/mtls-policy';
import { ExtensionProvider, extensionProvidersOf, ProviderKind, providersOf } from '../telemetry/providers';
import type { TelemetryPolicy } from '../telemetry/telemetry-policy';
import type { TelemetryStack } from '../telemetry/telemetry-stack';
import type { ExternalService } from '../traffic/external-service';
import type { MeshService } from '../traffic/mesh-service';
import type { ServiceTrafficPolicy } from '../traffic/service-traffic-policy';
import type { TrafficSplit } from '../traffic/traffic-split';

/**
 * A read-only view of a mesh's model for its analysis, found by walking the construct tree (the mesh's own
 * chart and its control-plane layer), the way cdk8s finds a chart's API objects: nothing registers with the
 * mesh. The view is built once and reused until a construct of a known kind is created.
 *
 * @internal
 */
export class MeshModel {
  /**
   * The view of `mesh` as it is now.
   */
  public static of(mesh: IMesh): MeshModel {
    const cached = CACHE.get(mesh);
    if (cached && cached.generation === treeGeneration()) {
      return cached;
    }
    const model = new MeshModel(mesh);
    CACHE.set(mesh, model);
    return model;
  }

  /** Every `MeshService` of the mesh, in tree order (the order they were added, for siblings). */
  public readonly services: MeshService[];
  /** Every control plane, the default one first. */
  public readonly controlPlanes: ControlPlane[];
  /** Every ingress and egress gateway. */
  public readonly gateways: MeshGateway[];
  /** Every traffic split. */
  public readonly trafficSplits: TrafficSplit[];
  /** Every access policy. */
  public readonly accessPolicies: AccessPolicy[];
  /** Every mTLS policy, the mesh-wide one included. */
  public readonly mtlsPolicies: MtlsPolicy[];
  /** Every deny-by-default policy. */
  public readonly denyByDefaults: DenyByDefault[];
  /** Every telemetry stack (a mesh may have one). */
  public readonly telemetryStacks: TelemetryStack[];
  /** Every telemetry policy. */
  public readonly telemetryPolicies: TelemetryPolicy[];
  /** Every traffic policy of a service (the way an imported service gets its traffic settings). */
  public readonly serviceTrafficPolicies: ServiceTrafficPolicy[];
  /** Every external service. */
  public readonly externalServices: ExternalService[];

  private readonly generation: number;
  private _mtlsByScope?: Map<string, MtlsPolicy>;
  private _accessByTarget?: Map<string | IMeshIdentity, AccessPolicy[]>;

  private constructor(private readonly mesh: IMesh) {
    this.generation = treeGeneration();
    // A Mesh inside this one (an error of its own) keeps its constructs to itself.
    const of = <T>(kind: ConstructKind) => constructsOfKind(mesh, kind).filter(c => tryMeshOf(c) === mesh) as unknown as T[];
    this.services = of<MeshService>('MeshService');
    this.controlPlanes = controlPlanesOf(mesh);
    this.gateways = of<MeshGateway>('MeshGateway');
    this.trafficSplits = of<TrafficSplit>('TrafficSplit');
    this.accessPolicies = of<AccessPolicy>('AccessPolicy');
    this.mtlsPolicies = of<MtlsPolicy>('MtlsPolicy');
    this.denyByDefaults = of<DenyByDefault>('DenyByDefault');
    this.telemetryStacks = of<TelemetryStack>('TelemetryStack');
    this.telemetryPolicies = of<TelemetryPolicy>('TelemetryPolicy');
    this.externalServices = of<ExternalService>('ExternalService');
    this.serviceTrafficPolicies = of<ServiceTrafficPolicy>('ServiceTrafficPolicy');
  }

  /** The ingress gateways. */
  public get ingressGateways(): IngressGateway[] {
    return this.gateways.filter(g => isKind(g, 'IngressGateway')) as IngressGateway[];
  }

  /** The egress gateways. */
  public get egressGateways(): EgressGateway[] {
    return this.gateways.filter(g => isKind(g, 'EgressGateway')) as EgressGateway[];
  }

  /** The control plane of a revision label (`default` for the unnamed one), if the mesh has it. */
  public controlPlaneOf(revisionLabel: string): ControlPlane | undefined {
    return this.controlPlanes.find(c => c.revisionLabel === revisionLabel);
  }

  /**
   * The mTLS mode of a service (on `port`, if given): its workload's policy, else its namespace's, else `meshPolicy`.
   */
  public mtlsModeOf(service: IMeshService, meshPolicy: MtlsPolicy, port?: number): MtlsMode {
    // The namespace's key as PolicyScope.namespace() makes it, without its check: a service with an invalid
    // namespace has reported that already, and the analysis must still run.
    const namespaceKey = service.namespace === this.mesh.rootNamespace ? 'mesh' : `ns/${service.namespace}`;
    const policy = this.mtlsPolicyOf(PolicyScope.workload(service)._key(this.mesh)) ?? this.mtlsPolicyOf(namespaceKey) ?? meshPolicy;
    return port === undefined ? policy.mode : policy.modeFor(port);
  }

  /** The mTLS policy of a scope key (`mesh`, `ns/<name>`, `svc/<ns>/<name>`): the first one declared. */
  public mtlsPolicyOf(scopeKey: string): MtlsPolicy | undefined {
    if (!this._mtlsByScope) {
      this._mtlsByScope = new Map();
      for (const policy of this.mtlsPolicies) {
        const key = policy.scope._key(this.mesh);
        if (!this._mtlsByScope.has(key)) {
          this._mtlsByScope.set(key, policy);
        }
      }
    }
    return this._mtlsByScope.get(scopeKey);
  }

  /**
   * The access policies of a service or gateway, in the order they were declared. What they admit together is
   * `AccessModel`'s to answer (src/analysis/access-model.ts).
   */
  public accessPoliciesOf(target: IMeshIdentity): AccessPolicy[] {
    if (!this._accessByTarget) {
      this._accessByTarget = new Map();
      for (const policy of this.accessPolicies) {
        const key = policy.service ? serviceKey(policy.service) : policy.gateway!;
        this._accessByTarget.set(key, [...this._accessByTarget.get(key) ?? [], policy]);
      }
    }
    return [...this._accessByTarget.get(isKind(target, 'MeshGateway') ? target : serviceKey(target as IMeshService)) ?? []];
  }

  /** The namespaces that deny by default (the root namespace for the whole mesh). */
  public get denyByDefaultNamespaces(): string[] {
    return this.denyByDefaults.map(d => d.namespace);
  }

  /**
   * Whether the workloads of a namespace refuse calls no AccessPolicy allows: its own deny-by-default, or the
   * whole mesh's, which covers every namespace (the root namespace's policy), or, when the mesh adopts an
   * existing Istio, each namespace of the mesh (it is written into each of them).
   */
  public deniesByDefault(namespace: string): boolean {
    const denied = this.denyByDefaultNamespaces;
    const root = this.mesh.rootNamespace;
    if (namespace !== root && denied.includes(namespace)) {
      return true;
    }
    if (!denied.includes(root)) {
      return false;
    }
    return !this.mesh.existingIstio || namespace !== root && meshNamespaces(this.mesh).some(n => n.namespaceName === namespace);
  }

  /** The telemetry stack, if the mesh has one (the first, if it has several). */
  public get telemetryStack(): TelemetryStack | undefined {
    return this.telemetryStacks[0];
  }

  /**
   * The extension providers of the mesh config: the built-in ones (`prometheus`, `envoy`), replaced or joined
   * by those of the telemetry stack (its tracing backend, its access log format).
   */
  public get extensionProviders(): ExtensionProvider[] {
    return extensionProvidersOf(this.mesh);
  }

  /** The extension providers of one kind. */
  public providersOf(kind: ProviderKind): ExtensionProvider[] {
    return providersOf(this.mesh, kind);
  }
}

const CACHE = new WeakMap<IMesh, MeshModel>();

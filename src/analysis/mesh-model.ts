import { IConstruct } from 'constructs';
import type { ControlPlane } from '../control-plane/control-plane';
import type { EgressGateway } from '../control-plane/egress-gateway';
import type { MeshGateway } from '../control-plane/gateway';
import type { IngressGateway } from '../control-plane/ingress-gateway';
import { layerOf, MeshLayer } from '../layers';
import type { IMesh } from '../mesh-identity';
import { serviceKey } from '../private/services';
import { isKind, treeGeneration } from '../private/tree';
import type { AccessPolicy } from '../security/access-policy';
import type { DenyByDefault } from '../security/deny-by-default';
import type { MtlsPolicy } from '../security/mtls-policy';
import type { RevokedIdentities } from '../security/revoked-identities';
import type { ProxySettings } from '../sidecar/sidecar';
import { BUILTIN_PROVIDERS, ExtensionProvider, ProviderKind } from '../telemetry/providers';
import type { TelemetryPolicy } from '../telemetry/telemetry-policy';
import type { TelemetryStack } from '../telemetry/telemetry-stack';
import type { ExternalService } from '../traffic/external-service';
import type { IMeshService, MeshService } from '../traffic/mesh-service';
import type { TrafficSplit } from '../traffic/traffic-split';

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
 * A read-only view of a mesh's model, found by walking the construct tree (the mesh's own chart and its
 * control-plane layer), the way cdk8s finds a chart's API objects: nothing registers with the mesh. The view
 * is built once and reused until a construct of a known kind is created.
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
  public readonly services: MeshService[] = [];
  /** Every control plane, the default one first. */
  public readonly controlPlanes: ControlPlane[] = [];
  /** Every ingress and egress gateway. */
  public readonly gateways: MeshGateway[] = [];
  /** Every traffic split. */
  public readonly trafficSplits: TrafficSplit[] = [];
  /** Every access policy. */
  public readonly accessPolicies: AccessPolicy[] = [];
  /** Every mTLS policy, the mesh-wide one included. */
  public readonly mtlsPolicies: MtlsPolicy[] = [];
  /** Every deny-by-default policy. */
  public readonly denyByDefaults: DenyByDefault[] = [];
  /** The revoked identities' policy, if any identity was revoked. */
  public readonly revokedIdentities: RevokedIdentities[] = [];
  /** Every telemetry stack (a mesh may have one). */
  public readonly telemetryStacks: TelemetryStack[] = [];
  /** Every telemetry policy. */
  public readonly telemetryPolicies: TelemetryPolicy[] = [];
  /** Every external service. */
  public readonly externalServices: ExternalService[] = [];

  private readonly generation: number;
  private _workloads?: MeshWorkload[];
  private _mtlsByScope?: Map<string, MtlsPolicy>;
  private _accessByService?: Map<string, AccessPolicy>;

  private constructor(private readonly mesh: IMesh) {
    this.generation = treeGeneration();
    const roots: IConstruct[] = [mesh, layerOf(mesh, MeshLayer.CONTROL_PLANE)];
    for (const root of roots) {
      for (const c of root.node.findAll()) {
        this.classify(c);
      }
    }
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

  /** The workloads with a sidecar, one per `MeshService`. */
  public get workloads(): MeshWorkload[] {
    this._workloads ??= this.services.map(s => s._workload);
    return this._workloads;
  }

  /** The workloads of one namespace. */
  public workloadsIn(namespace: string): MeshWorkload[] {
    return this.workloads.filter(w => w.namespace === namespace);
  }

  /** The webhook-injected workloads a control plane serves (its injector generates a template for each distinct settings). */
  public webhookWorkloads(controlPlane: ControlPlane): MeshWorkload[] {
    return this.workloads.filter(w => w.controlPlane === controlPlane && !w.explicit);
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

  /** The access policy of a service: the first one declared. */
  public accessPolicyOf(service: IMeshService): AccessPolicy | undefined {
    if (!this._accessByService) {
      this._accessByService = new Map();
      for (const policy of this.accessPolicies) {
        const key = serviceKey(policy.service);
        if (!this._accessByService.has(key)) {
          this._accessByService.set(key, policy);
        }
      }
    }
    return this._accessByService.get(serviceKey(service));
  }

  /** The namespaces that deny by default (the root namespace for the whole mesh). */
  public get denyByDefaultNamespaces(): string[] {
    return this.denyByDefaults.map(d => d.namespace);
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
    const providers = new Map<string, ExtensionProvider>(BUILTIN_PROVIDERS.map(p => [p.name, p]));
    for (const provider of this.telemetryStack?._extensionProviders ?? []) {
      providers.set(provider.name, provider);
    }
    return [...providers.values()];
  }

  /** The extension providers of one kind. */
  public providersOf(kind: ProviderKind): ExtensionProvider[] {
    return this.extensionProviders.filter(p => p.kind === kind);
  }

  private classify(c: IConstruct): void {
    if (isKind(c, 'MeshService')) {
      this.services.push(c as MeshService);
    } else if (isKind(c, 'ControlPlane')) {
      this.controlPlanes.push(c as ControlPlane);
    } else if (isKind(c, 'MeshGateway')) {
      this.gateways.push(c as MeshGateway);
    } else if (isKind(c, 'TrafficSplit')) {
      this.trafficSplits.push(c as TrafficSplit);
    } else if (isKind(c, 'AccessPolicy')) {
      this.accessPolicies.push(c as AccessPolicy);
    } else if (isKind(c, 'MtlsPolicy')) {
      this.mtlsPolicies.push(c as MtlsPolicy);
    } else if (isKind(c, 'DenyByDefault')) {
      this.denyByDefaults.push(c as DenyByDefault);
    } else if (isKind(c, 'RevokedIdentities')) {
      this.revokedIdentities.push(c as RevokedIdentities);
    } else if (isKind(c, 'TelemetryStack')) {
      this.telemetryStacks.push(c as TelemetryStack);
    } else if (isKind(c, 'TelemetryPolicy')) {
      this.telemetryPolicies.push(c as TelemetryPolicy);
    } else if (isKind(c, 'ExternalService')) {
      this.externalServices.push(c as ExternalService);
    }
  }
}

const CACHE = new WeakMap<IMesh, MeshModel>();

import { ApiObject, Lazy } from 'cdk8s';
import { Construct } from 'constructs';
import { DestinationPolicyOptions, PortPolicy, checkedPortPolicies, destinationPolicyToIstio, destinationSettingsOf, hasPolicy } from './destination-policy';
import type { HttpRule } from './http-rule';
import { httpRuleToIstio, tcpRuleToIstio, tlsRuleToIstio } from './istio-routes';
import { MeshServicePort } from './protocol';
import { policiesBeforeRoutes, routesAfterPolicies } from './rollout-order';
import { checkedTrafficPolicy, trafficPolicyOf, trafficSettingsOf } from './service-traffic-policy';
import type { ServiceTrafficPolicy, TrafficPolicyOptions } from './service-traffic-policy';
import type { TrafficSplit } from './traffic-split';
import { isGatewayApiObject } from '../gateway-api/objects';
import { RoutingApi } from '../gateway-api/routing-api';
import { routingOf } from '../gateway-api/routing-settings';
import * as istio from '../imports/istio-networking';
import type { IMesh, IMeshService } from '../mesh-identity';
import { ensureNamespace } from '../namespaces';
import { reportError } from '../private/errors';
import { isHttpProtocol } from '../private/protocols';
import { constructsOfKind } from '../private/tree';
import { MtlsMode } from '../security/mtls-mode';

/**
 * What `MeshService` and imported services share: identity, host name, and the VirtualService and
 * DestinationRule of the service, created when something needs them.
 */
export abstract class MeshServiceBase extends Construct implements IMeshService {
  public abstract readonly mesh: IMesh;
  public abstract readonly serviceName: string;
  public abstract readonly namespace: string;
  public abstract readonly serviceAccountName: string;
  public abstract readonly ports: MeshServicePort[];
  public abstract readonly versionNames?: string[];

  /**
   * The API the service's routing is rendered with (decided at synthesis, see `gateway-api/`).
   *
   * @internal
   */
  public _routingApi: RoutingApi = RoutingApi.ISTIO;
  /**
   * Whether the service has routing of its own to render (a split, a timeout or retries).
   *
   * @internal
   */
  public _routed = false;
  /**
   * The namespaces the service's routing objects are exported to, checked; undefined: Istio's default.
   *
   * @internal
   */
  protected _exportTo?: string[];
  private _split?: TrafficSplit;
  /** Versions other services' routes mirror to: each needs its subset, as a version routed to does. */
  private readonly _mirroredVersions = new Set<string>();
  private _ownTrafficPolicy: TrafficPolicyOptions = {};

  /** The host name clients use. */
  public get host(): string {
    return this.mesh.hostOf(this.serviceName, this.namespace);
  }

  /** The SPIFFE identity of the service's workloads. */
  public get identity(): string {
    return `spiffe://${this.principal}`;
  }

  /** The identity as AuthorizationPolicy principals name it. */
  public get principal(): string {
    return this.mesh.principalOf(this.namespace, this.serviceAccountName);
  }

  /**
   * Service-level traffic settings: the service's own (a `MeshService`'s props), else its `ServiceTrafficPolicy`'s.
   */
  public get trafficPolicy(): TrafficPolicyOptions {
    if (trafficSettingsOf(this._ownTrafficPolicy).length > 0) {
      // A policy beside the props is reported (MESH0115): the props stand.
      return trafficPolicyOf(this._ownTrafficPolicy);
    }
    // A second policy is reported (MESH0116): the first in the tree stands, whatever order they were made in.
    const policy = (constructsOfKind(this.mesh, 'ServiceTrafficPolicy') as ServiceTrafficPolicy[]).find(p => p.service === this);
    return trafficPolicyOf(policy ?? this._ownTrafficPolicy);
  }

  /**
   * The namespaces whose proxies see the service's VirtualService and DestinationRule (`.`: its own, `*`: all);
   * undefined: Istio's default, every namespace.
   */
  public get exportTo(): string[] | undefined {
    return this._exportTo ? [...this._exportTo] : undefined;
  }

  /** The routing rules of the service, if a `TrafficSplit` was made for it. */
  public get trafficSplit(): TrafficSplit | undefined {
    return this._split;
  }

  /** The VirtualService of the service, if it has one (with the Istio API; see the mesh's `routingApi`). */
  public get virtualService(): ApiObject | undefined {
    return this.node.tryFindChild('VirtualService') as ApiObject | undefined;
  }

  /** The DestinationRule of the service, if it has one. */
  public get destinationRule(): ApiObject | undefined {
    return this.node.tryFindChild('DestinationRule') as ApiObject | undefined;
  }

  /**
   * The service's routing inside the mesh in the Gateway API (the mesh's `routingApi`): GAMMA `HTTPRoute`s (a
   * `GRPCRoute` for a gRPC port) whose parent is the service, one per port, and a `TCPRoute` or `TLSRoute` per TCP
   * or TLS route of its split and port. Made at synthesis (or `analyze()`).
   */
  public get gatewayApiRoutes(): ApiObject[] {
    return this.node.children.filter(c => isGatewayApiObject(c, 'HTTPRoute', 'GRPCRoute', 'TCPRoute', 'TLSRoute')) as ApiObject[];
  }

  /**
   * Attaches the service's routing rules; a service has one `TrafficSplit`.
   *
   * @internal
   */
  public _attachSplit(split: TrafficSplit): void {
    if (this._split) {
      // A second split is the analysis' MESH0106; the first one routes.
      return;
    }
    this._split = split;
    this._ensureVirtualService();
    // The Gateway API has no subsets: a DestinationRule is then only for traffic policy.
    if (routingOf(this.mesh).api === RoutingApi.ISTIO || routingOf(this.mesh).allowIstioApiFallback) {
      this._ensureDestinationRule();
    }
  }

  /**
   * Records that another service's route mirrors to `version` of this one, which then gets its subset.
   *
   * @internal
   */
  public _mirroredTo(version: string): void {
    this._mirroredVersions.add(version);
    if (routingOf(this.mesh).api === RoutingApi.ISTIO || routingOf(this.mesh).allowIstioApiFallback) {
      this._ensureDestinationRule();
    }
  }

  /**
   * Attaches a `ServiceTrafficPolicy`: its settings are the service's, and the routing objects they need are made.
   *
   * @internal
   */
  public _attachTrafficPolicy(policy: ServiceTrafficPolicy): void {
    const own = trafficSettingsOf(this._ownTrafficPolicy);
    if (own.length > 0) {
      reportError(policy, 'MESH0115', `service '${this.serviceName}' already sets ${own.join(', ')} in its props: give a service's traffic settings in one place, its props or one ServiceTrafficPolicy`);
    }
    this._ensureRoutingObjects(policy);
  }

  /**
   * Takes the service's own settings (a `MeshService`'s props) and makes the routing objects they need.
   *
   * @internal
   */
  protected _applyTrafficPolicy(settings: TrafficPolicyOptions): void {
    const checked = checkedTrafficPolicy(this, settings);
    const portPolicies = checkedPortPolicies(this, this.serviceName, this.ports.map(p => p.port), checked.portPolicies);
    this._ownTrafficPolicy = { ...checked, portPolicies };
    this._ensureRoutingObjects(this._ownTrafficPolicy);
  }

  private _ensureRoutingObjects(p: TrafficPolicyOptions): void {
    if (p.timeout || p.retries) {
      this._ensureVirtualService();
    }
    if (destinationSettingsOf(p).length > 0 || p.portPolicies?.length || !this.mesh.autoMtls) {
      this._ensureDestinationRule();
    }
  }

  /**
   * Makes the service's VirtualService, if it has none (the Gateway API's renderer replaces it at synthesis).
   *
   * @internal
   */
  public _ensureVirtualService(): void {
    this._routed = true;
    // An imported service's namespace may hold nothing else of the mesh: it is rendered all the same.
    ensureNamespace(this.mesh, this.namespace);
    if (!this.virtualService) {
      routesAfterPolicies(this.mesh, new istio.VirtualService(this, 'VirtualService', {
        metadata: { name: this.serviceName, namespace: this.namespace },
        spec: Lazy.any({ produce: () => this._virtualServiceSpec() }),
      }));
    }
  }

  /**
   * Makes the DestinationRule that declares the service's subsets, with Istio's API (the Gateway API has no
   * subsets: a version is a Service of its own there, made for the routes that use it).
   *
   * @internal
   */
  protected _ensureSubsets(): void {
    if (routingOf(this.mesh).api === RoutingApi.ISTIO) {
      this._ensureDestinationRule();
    }
  }

  /**
   * Makes the service's DestinationRule, if it has none.
   *
   * @internal
   */
  public _ensureDestinationRule(): void {
    ensureNamespace(this.mesh, this.namespace);
    if (!this.destinationRule) {
      policiesBeforeRoutes(this.mesh, new istio.DestinationRule(this, 'DestinationRule', {
        metadata: { name: this.serviceName, namespace: this.namespace },
        spec: Lazy.any({ produce: () => this._destinationRuleSpec() }),
      }));
    }
  }

  /**
   * The service's routing inside the mesh as resolved rules, for either API: its split's routes, else one
   * route to the service with its timeout and retries.
   *
   * @internal
   */
  public _httpRules(): HttpRule[] {
    const defaults = { timeout: this.trafficPolicy.timeout, retries: this.trafficPolicy.retries };
    if (this._split && this._split.routes.length > 0) {
      return this._split._rules(defaults);
    }
    // A split of TCP and TLS routes only leaves the HTTP ports (if any) to the default route.
    if (this._split && !this.ports.some(p => isHttpProtocol(p.protocol!))) {
      return [];
    }
    return [{ source: this, label: 'the default route', name: 'default', matches: [], backends: [{ service: this }], ...defaults }];
  }

  /** @internal */
  public _virtualServiceSpec(): istio.VirtualServiceSpec {
    const http = this._httpRules();
    const tls = this._split?._tlsRules() ?? [];
    const tcp = this._split?._tcpRules() ?? [];
    return {
      hosts: [this.host],
      exportTo: this.exportTo,
      http: http.length > 0 ? http.map(httpRuleToIstio) : undefined,
      tls: tls.length > 0 ? tls.map(tlsRuleToIstio) : undefined,
      tcp: tcp.length > 0 ? tcp.map(tcpRuleToIstio) : undefined,
    };
  }

  /**
   * The connection settings of one version (its subset's `trafficPolicy`), if it has any.
   *
   * @internal
   */
  public _versionPolicy(_version: string): DestinationPolicyOptions | undefined {
    return undefined;
  }

  /**
   * The service's traffic policy as a DestinationRule writes it: its settings, its ports' and its TLS (its own, else,
   * without auto mTLS, the one its mTLS mode needs, port by port where a port's mode differs).
   *
   * @internal
   */
  public _trafficPolicy(): istio.DestinationRuleSpecTrafficPolicy | undefined {
    const p = this.trafficPolicy;
    const tls = p.tls?._toIstio() ?? this._meshTls();
    const service = destinationPolicyToIstio(p);
    // Istio does not inherit the service's settings into a port's: a field a port entry leaves out falls back to
    // Istio's default, so each entry carries the service's settings it does not replace.
    const inherited = Object.fromEntries(Object.entries({
      loadBalancer: service.loadBalancer, connectionPool: service.connectionPool, outlierDetection: service.outlierDetection, tls,
    }).filter(([, v]) => v !== undefined));
    const ports = portLevelSettings(p.portPolicies ?? [], p.tls ? [] : this._portMeshTls(tls))
      .map(entry => ({ port: entry.port, ...inherited, ...Object.fromEntries(Object.entries(entry).filter(([, v]) => v !== undefined)) }));
    const trafficPolicy: istio.DestinationRuleSpecTrafficPolicy = {
      ...service,
      portLevelSettings: ports.length > 0 ? ports : undefined,
      tls,
    };
    return hasPolicy(trafficPolicy) ? trafficPolicy : undefined;
  }

  /** Without auto mTLS, the TLS the workloads' mTLS mode needs (with it, Istio picks it). */
  private _meshTls(port?: number): istio.DestinationRuleSpecTrafficPolicyTls | undefined {
    return this.mesh.autoMtls ? undefined : {
      mode: (this.mesh.mtlsModeOf(this, port) === MtlsMode.DISABLE ? 'DISABLE' : 'ISTIO_MUTUAL') as istio.DestinationRuleSpecTrafficPolicyTlsMode,
    };
  }

  /** Without auto mTLS, the ports whose mTLS mode (a workload policy's port override) needs other TLS than the service's. */
  private _portMeshTls(serviceTls: istio.DestinationRuleSpecTrafficPolicyTls | undefined): PortTls[] {
    if (!serviceTls) {
      return [];
    }
    return this.ports.map(p => ({ port: p.port, tls: this._meshTls(p.port)! })).filter(p => p.tls.mode !== serviceTls.mode);
  }

  /**
   * The traffic policy of one version's own destination (the Gateway API's per-version Service): the service's,
   * with the version's settings over it field by field, as Istio merges a subset's policy over its DestinationRule's.
   *
   * @internal
   */
  public _versionTrafficPolicy(version: string): istio.DestinationRuleSpecTrafficPolicy | undefined {
    const own = this._subsetPolicy(version);
    const merged = { ...this._trafficPolicy(), ...Object.fromEntries(Object.entries(own ?? {}).filter(([, v]) => v !== undefined)) };
    return hasPolicy(merged) ? merged : undefined;
  }

  private _subsetPolicy(version: string): istio.DestinationRuleSpecSubsetsTrafficPolicy | undefined {
    const policy = destinationPolicyToIstio(this._versionPolicy(version));
    return hasPolicy(policy) ? policy as istio.DestinationRuleSpecSubsetsTrafficPolicy : undefined;
  }

  /**
   * The versions the DestinationRule has subsets for: every declared version (Istio's practice is to declare a
   * subset before any route uses it), and any other a route uses (an imported service may not list its versions).
   *
   * @internal
   */
  public get _subsetVersions(): string[] {
    return [...new Set([...this.versionNames ?? [], ...this._split?.versionsUsed ?? [], ...this._mirroredVersions])].sort();
  }

  /** @internal */
  public _destinationRuleSpec(): istio.DestinationRuleSpec {
    // The Gateway API has no subsets: its versions are Services of their own (see gateway-api/render.ts).
    const versions = this._routingApi === RoutingApi.ISTIO ? this._subsetVersions : [];
    return {
      host: this.host,
      exportTo: this.exportTo,
      trafficPolicy: this._trafficPolicy(),
      subsets: versions.length === 0 ? undefined : versions.map(v => ({ name: v, labels: { version: v }, trafficPolicy: this._subsetPolicy(v) })),
    };
  }
}

/** The TLS one port needs. */
interface PortTls {
  readonly port: number;
  readonly tls: istio.DestinationRuleSpecTrafficPolicyTls;
}

/**
 * A DestinationRule's `portLevelSettings`: the port policies, and for the ports in `meshTls` whose policy sets no TLS
 * of its own, the TLS their mTLS mode needs.
 */
function portLevelSettings(policies: PortPolicy[], meshTls: PortTls[]): istio.DestinationRuleSpecTrafficPolicyPortLevelSettings[] {
  // The policies in the program's order, then the ports only their mTLS mode adds.
  const ports = [...policies.map(pp => pp.port), ...meshTls.map(m => m.port).filter(port => !policies.some(pp => pp.port === port))];
  return ports.map(port => {
    const policy = destinationPolicyToIstio(policies.find(pp => pp.port === port));
    const tls = policy.tls ?? meshTls.find(m => m.port === port)?.tls;
    return { port: { number: port }, ...policy, tls } as istio.DestinationRuleSpecTrafficPolicyPortLevelSettings;
  });
}

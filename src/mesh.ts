import { ApiObject, Chart, Yaml } from 'cdk8s';
import { Construct, IConstruct } from 'constructs';
import { Finding, Severity } from './analysis/finding';
import { MeshAnalyzer } from './analysis/mesh-analyzer';
import { ControlPlane, ControlPlaneOptions } from './control-plane/control-plane';
import type { MeshGateway } from './control-plane/gateway';
import { IstioCrds } from './control-plane/istio-crds';
import { renderMeshConfig } from './control-plane/mesh-config';
import { compact } from './private/compact';
import { meshError } from './private/errors';
import { validateDnsLabel, validateDnsSubdomain, validateImageTag } from './private/names';
import { serviceKey } from './private/services';
import type { AccessPolicy } from './security/access-policy';
import { DenyByDefault, DenyByDefaultOptions } from './security/deny-by-default';
import { MtlsMode, MtlsPolicy, PolicyScope } from './security/mtls-policy';
import { RevokedIdentities } from './security/revoked-identities';
import type { ProxySettings } from './sidecar/sidecar';
import { BUILTIN_PROVIDERS, ExtensionProvider, ProviderKind } from './telemetry/providers';
import type { TelemetryPolicy } from './telemetry/telemetry-policy';
import type { TelemetryStack } from './telemetry/telemetry-stack';
import type { IMeshIdentity, IMeshService } from './traffic/mesh-service';
import type { TrafficSplit } from './traffic/traffic-split';

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
 * The layers a mesh synthesizes into, one cdk8s chart each, in the order they must be applied.
 */
export enum MeshLayer {
  /** Istio's CustomResourceDefinitions. */
  CRDS = 'crds',
  /** Namespaces: the root namespace and every namespace a service lives in. */
  NAMESPACES = 'namespaces',
  /** The control planes (istiod, its webhooks and RBAC), in the root namespace. */
  CONTROL_PLANE = 'control-plane',
  /**
   * The telemetry stack (Prometheus, Grafana, tracing, Kiali): only when the mesh has one. It needs only its
   * namespace, so it is written last, after the workloads.
   */
  TELEMETRY = 'telemetry',
}

/**
 * Properties of a `Mesh`.
 */
export interface MeshProps {
  /**
   * The SPIFFE trust domain of workload identities (`spiffe://<trustDomain>/ns/<ns>/sa/<sa>`).
   *
   * @default 'cluster.local'
   * @see https://istio.io/latest/docs/reference/config/istio.mesh.v1alpha1/#MeshConfig-trust_domain
   */
  readonly trustDomain?: string;

  /**
   * The namespace of the control plane; policies placed here apply mesh-wide.
   *
   * @default 'istio-system'
   * @see https://istio.io/latest/docs/reference/config/istio.mesh.v1alpha1/#MeshConfig-root_namespace
   */
  readonly rootNamespace?: string;

  /**
   * The Istio release the mesh runs.
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
   * When off, every service's DestinationRule states the TLS mode its destination accepts.
   *
   * @default true
   * @see https://istio.io/latest/docs/reference/config/istio.mesh.v1alpha1/#MeshConfig-enable_auto_mtls
   */
  readonly autoMtls?: boolean;

  /**
   * What sidecars do with traffic to hosts the mesh does not know.
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
   * The cluster's DNS domain, used to build service host names (`<svc>.<ns>.svc.<clusterDomain>`).
   *
   * @default 'cluster.local'
   */
  readonly clusterDomain?: string;

  /**
   * The default control plane: the revision services use unless they or their namespace choose another.
   * More revisions with `addControlPlane()`.
   *
   * @default - an unnamed revision with Istio's defaults
   */
  readonly controlPlane?: ControlPlaneOptions;

  /**
   * Whether the mesh renders Istio's CRDs (its first layer). Turn off when something else manages them.
   *
   * @default true
   */
  readonly installCrds?: boolean;
}

/**
 * The root of a service mesh: its identity, version and mesh-wide defaults, and every service in it.
 *
 * A `Mesh` is a cdk8s chart that holds the workloads and their policy. The layers that must exist
 * before them (Istio's CRDs, the namespaces, the control planes) are charts of their own, created
 * beside it and declared as its dependencies, so `cdk8s synth` numbers the files in apply order.
 */
export class Mesh extends Chart {
  /**
   * Whether `x` is a `Mesh`.
   */
  public static isMesh(x: any): x is Mesh {
    return x !== null && typeof x === 'object' && MESH_SYMBOL in x;
  }

  /**
   * The mesh `scope` belongs to: `scope` itself or its nearest `Mesh` ancestor.
   *
   * @throws when `scope` is not inside a mesh
   */
  public static ofConstruct(scope: IConstruct): Mesh {
    const mesh = scope.node.scopes.slice().reverse().find(Mesh.isMesh);
    if (!mesh) {
      throw meshError('MESH0004', scope, 'is not inside a Mesh: create it with a Mesh (or a construct inside one) as its scope');
    }
    return mesh;
  }

  /** The SPIFFE trust domain. */
  public readonly trustDomain: string;
  /** The control plane's namespace; policies here apply mesh-wide. */
  public readonly rootNamespace: string;
  /** The Istio release. */
  public readonly version: string;
  /** The image registry. */
  public readonly hub: string;
  /** The image tag. */
  public readonly tag: string;
  /** The mesh-wide mutual TLS mode. */
  public readonly mtlsMode: MtlsMode;
  /** Whether clients detect their destinations' mTLS support. */
  public readonly autoMtls: boolean;
  /** What sidecars do with traffic to unknown hosts. */
  public readonly outboundTrafficPolicy: OutboundTrafficPolicy;
  /** The namespace of services that do not name one. */
  public readonly defaultNamespace: string;
  /** The cluster's DNS domain. */
  public readonly clusterDomain: string;
  /** The mesh-wide mTLS policy (the root namespace's PeerAuthentication). */
  public readonly mtlsPolicy: MtlsPolicy;
  /** The default control plane. */
  public readonly controlPlane: ControlPlane;

  private readonly _services: IMeshService[] = [];
  private readonly _layers = new Map<MeshLayer, Chart>();
  private readonly _namespaces = new Map<string, MeshNamespace>();
  private readonly _namespaceRevisions = new Map<string, ControlPlane>();
  private readonly _controlPlanes: ControlPlane[] = [];
  private readonly _workloads: MeshWorkload[] = [];
  private readonly _workloadsByNamespace = new Map<string, MeshWorkload[]>();
  private _revoked?: RevokedIdentities;
  private readonly _gatewayList: MeshGateway[] = [];
  private readonly _mtlsPolicies = new Map<string, MtlsPolicy>();
  private readonly _accessPolicyByService = new Map<string, AccessPolicy>();
  private readonly _splits: TrafficSplit[] = [];
  private readonly _denyNamespaces: string[] = [];
  private readonly _providers = new Map<string, ExtensionProvider>(BUILTIN_PROVIDERS.map(p => [p.name, p]));
  private readonly _telemetryPolicies = new Map<string, TelemetryPolicy>();
  private _telemetryStack?: TelemetryStack;

  public constructor(scope: Construct, id: string, props: MeshProps = {}) {
    super(scope, id);
    Object.defineProperty(this, MESH_SYMBOL, { value: true });

    this.trustDomain = validateDnsSubdomain(this, 'trustDomain', props.trustDomain ?? 'cluster.local');
    this.rootNamespace = validateDnsLabel(this, 'rootNamespace', props.rootNamespace ?? 'istio-system');
    this.version = props.version ?? '1.30.3';
    this.hub = props.hub ?? 'docker.io/istio';
    this.tag = validateImageTag(this, 'tag', props.tag ?? this.version);
    this.mtlsMode = props.mtls ?? MtlsMode.STRICT;
    this.autoMtls = props.autoMtls ?? true;
    this.outboundTrafficPolicy = props.outboundTrafficPolicy ?? OutboundTrafficPolicy.ALLOW_ANY;
    this.defaultNamespace = validateDnsLabel(this, 'defaultNamespace', props.defaultNamespace ?? 'default');
    this.clusterDomain = validateDnsSubdomain(this, 'clusterDomain', props.clusterDomain ?? 'cluster.local');

    const layers = [...(props.installCrds ?? true) ? [MeshLayer.CRDS] : [], MeshLayer.NAMESPACES, MeshLayer.CONTROL_PLANE];
    // A chain: each layer depends on the one before it, and the mesh on the last. (cdk8s makes every object
    // of a chart depend on every object of the charts it depends on, so direct edges to all would cost more.)
    let previous: Chart | undefined;
    for (const layer of layers) {
      const chart = new Chart(this.node.scope ?? this, `${this.node.id}-${layer}`);
      if (previous) {
        chart.addDependency(previous);
      }
      this._layers.set(layer, chart);
      previous = chart;
    }
    this.addDependency(previous!);
    if (props.installCrds ?? true) {
      new IstioCrds(this._layer(MeshLayer.CRDS), 'istio');
    }
    this._namespace(this.rootNamespace, false);
    new ApiObject(this._layer(MeshLayer.CONTROL_PLANE), 'ReaderServiceAccount', {
      apiVersion: 'v1',
      kind: 'ServiceAccount',
      metadata: { name: 'istio-reader-service-account', namespace: this.rootNamespace, labels: { 'app': 'istio-reader', 'app.kubernetes.io/part-of': 'istio' } },
    });
    this.controlPlane = this.addControlPlane('istiod', props.controlPlane ?? {});
    this.mtlsPolicy = new MtlsPolicy(this, 'MeshMtls', { mode: this.mtlsMode, scope: PolicyScope.mesh() });

    this.node.addValidation({
      validate: () => this.analyze().filter(f => f.severity === Severity.ERROR).map(f => `[${f.code}] ${f.path}: ${f.message}`),
    });
  }

  /**
   * Every service in the mesh, in the order they were added.
   */
  public get services(): IMeshService[] {
    return [...this._services];
  }

  /**
   * Every namespace the mesh uses: the root namespace and each service's, in the order first used.
   */
  public get namespaces(): string[] {
    return [...this._namespaces.keys()];
  }

  /**
   * Every control plane, the default one first.
   */
  public get controlPlanes(): ControlPlane[] {
    return [...this._controlPlanes];
  }

  /**
   * Adds a control plane of another revision, to run beside the default one (a canary upgrade): services
   * and namespaces that choose its revision are injected by it.
   */
  public addControlPlane(id: string, options: ControlPlaneOptions): ControlPlane {
    return new ControlPlane(this._layer(MeshLayer.CONTROL_PLANE), id, { ...options, mesh: this });
  }

  /**
   * Adds a control plane; called by every `ControlPlane`.
   *
   * @internal
   */
  public _registerControlPlane(controlPlane: ControlPlane): void {
    const clash = this._controlPlanes.find(c => c.revisionLabel === controlPlane.revisionLabel);
    if (clash) {
      throw meshError('MESH0035', controlPlane, `revision '${controlPlane.revisionLabel}' already has a control plane (${clash.node.path}): give each control plane its own revision`);
    }
    this._controlPlanes.push(controlPlane);
  }

  /**
   * The control plane of a revision (`default` or empty for the unnamed one).
   *
   * @throws when no control plane has that revision
   */
  public controlPlaneOf(revision: string): ControlPlane {
    const label = revision || 'default';
    const found = this._controlPlanes.find(c => c.revisionLabel === label);
    if (!found) {
      throw meshError('MESH0036', this, `no control plane has revision '${label}' (revisions: ${this._controlPlanes.map(c => c.revisionLabel).join(', ')}): add it with addControlPlane() before the services and namespaces that use it`);
    }
    return found;
  }

  /**
   * Chooses the control plane revision of a namespace: its services are injected by that control plane
   * unless they choose another. Call it before adding services to the namespace.
   */
  public setNamespaceRevision(namespace: string, revision: string): void {
    validateDnsLabel(this, 'namespace', namespace);
    const controlPlane = this.controlPlaneOf(revision);
    if (this._workloadsByNamespace.has(namespace)) {
      throw meshError('MESH0037', this, `namespace '${namespace}' already has services, which chose their revision when created: set the namespace's revision before adding them`);
    }
    this._namespaceRevisions.set(namespace, controlPlane);
    this._namespace(namespace);
  }

  /**
   * The control plane that serves a namespace's services by default.
   */
  public namespaceControlPlane(namespace: string): ControlPlane {
    return this._namespaceRevisions.get(namespace) ?? this.controlPlane;
  }

  /**
   * Revokes workload identities mesh-wide: every request from them is denied, whatever the
   * `AccessPolicy` of its destination (a DENY AuthorizationPolicy in the root namespace, which Istio
   * evaluates before any ALLOW). Use it when a workload's key may be compromised, until the CA is rotated.
   *
   * @see https://istio.io/latest/docs/concepts/security/#authorization-policy-precedence
   */
  public revokeIdentity(identity: IMeshIdentity): void {
    this._revoked ??= new RevokedIdentities(this, 'RevokedIdentities', { mesh: this });
    this._revoked.add(identity);
  }

  /**
   * The mTLS identity of a service account, as AuthorizationPolicy principals name it:
   * `<trustDomain>/ns/<namespace>/sa/<serviceAccount>` (the SPIFFE ID without `spiffe://`).
   */
  public principalOf(namespace: string, serviceAccount: string): string {
    return `${this.trustDomain}/ns/${namespace}/sa/${serviceAccount}`;
  }

  /**
   * The host name of a service in this mesh: `<name>.<namespace>.svc.<clusterDomain>`.
   */
  public hostOf(serviceName: string, namespace: string): string {
    return `${serviceName}.${namespace}.svc.${this.clusterDomain}`;
  }

  /**
   * Denies every call that no `AccessPolicy` allows: in one namespace, or (by default) in the whole mesh.
   */
  public denyByDefault(options: DenyByDefaultOptions = {}): DenyByDefault {
    const namespace = options.namespace ?? this.rootNamespace;
    if (this._denyNamespaces.includes(namespace)) {
      throw meshError('MESH0206', this, `denyByDefault() was already called for ${namespace === this.rootNamespace ? 'the whole mesh' : `namespace '${namespace}'`}: call it once per namespace`);
    }
    this._namespace(namespace, namespace !== this.rootNamespace);
    this._denyNamespaces.push(namespace);
    return new DenyByDefault(this, namespace === this.rootNamespace ? 'DenyByDefault' : `DenyByDefault-${namespace}`, { namespace });
  }

  /**
   * The mutual TLS mode a workload of `service` accepts on `port` (a service port), from the most specific
   * `MtlsPolicy`: the service's own, then its namespace's, then the mesh's.
   *
   * @param port a service port; when omitted, the workload-wide mode
   */
  public mtlsModeOf(service: IMeshService, port?: number): MtlsMode {
    const policy = this._mtlsPolicies.get(PolicyScope.workload(service)._key(this))
      ?? this._mtlsPolicies.get(PolicyScope.namespace(service.namespace)._key(this))
      ?? this.mtlsPolicy;
    return port === undefined ? policy.mode : policy.modeFor(port);
  }

  /**
   * The Istio MeshConfig derived from this model, as YAML: what the control plane's `istio` ConfigMap
   * carries under its `mesh` key.
   */
  public meshConfig(): string {
    return Yaml.stringify(compact(renderMeshConfig(this, this.controlPlane)));
  }

  /**
   * The mesh's telemetry stack, if it has one.
   */
  public get telemetry(): TelemetryStack | undefined {
    return this._telemetryStack;
  }

  /**
   * The names of the extension providers Telemetry objects may name (the mesh config's
   * `extensionProviders`): always `prometheus` (metrics) and `envoy` (access logs to the proxy's stdout),
   * plus the tracing backend of the telemetry stack.
   */
  public get extensionProviderNames(): string[] {
    return [...this._providers.keys()];
  }

  /**
   * Runs every whole-mesh check and returns the findings, errors and warnings, sorted by path and code.
   * Synthesis runs the same checks and fails on any error.
   */
  public analyze(): Finding[] {
    return MeshAnalyzer.analyze(this);
  }

  /**
   * The chart of one layer (each is created with the mesh, in apply order).
   *
   * @internal
   */
  public _layer(layer: MeshLayer): Chart {
    if (layer === MeshLayer.TELEMETRY && !this._layers.has(layer)) {
      // Created on first use (a mesh without telemetry writes no empty file). It needs only its namespace, and
      // nothing needs it: cdk8s makes every object of a chart depend on every object of the charts it depends
      // on, and this layer grows with the mesh (a dashboard per service), as the workloads' does.
      const chart = new Chart(this.node.scope ?? this, `${this.node.id}-${layer}`);
      chart.addDependency(this._layer(MeshLayer.NAMESPACES));
      this._layers.set(layer, chart);
    }
    const chart = this._layers.get(layer);
    if (!chart) {
      throw meshError('MESH0007', this, `the mesh has no ${layer} layer${layer === MeshLayer.CRDS ? ' (installCrds is false)' : ''}`);
    }
    return chart;
  }

  /**
   * Every chart of the mesh, in the order they are applied: CRDs (unless `installCrds` is false), namespaces,
   * control plane, the mesh itself (workloads and policy), then the telemetry stack's when there is one.
   * Each depends on the ones it needs, so `cdk8s synth` numbers its files in this order, and a Pulumi
   * `MeshRelease` of the mesh deploys exactly these.
   */
  public get charts(): Chart[] {
    const before = [MeshLayer.CRDS, MeshLayer.NAMESPACES, MeshLayer.CONTROL_PLANE].map(l => this._layers.get(l));
    return [...before, this, this._layers.get(MeshLayer.TELEMETRY)].filter((c): c is Chart => c !== undefined);
  }

  /**
   * Declares a namespace the mesh uses and renders it, enrolled in sidecar injection unless it is the root namespace.
   *
   * @internal
   */
  public _namespace(name: string, injected: boolean = true): void {
    if (this._namespaces.has(name)) {
      return;
    }
    this._namespaces.set(name, new MeshNamespace(this._layer(MeshLayer.NAMESPACES), name, () => injected ? this.injectionLabels(name) : {}));
  }

  /**
   * Adds a workload whose pods the webhook injects or that carry an explicit sidecar.
   *
   * @internal
   */
  public _registerWorkload(workload: MeshWorkload): void {
    this._workloads.push(workload);
    const inNamespace = this._workloadsByNamespace.get(workload.namespace) ?? [];
    inNamespace.push(workload);
    this._workloadsByNamespace.set(workload.namespace, inNamespace);
  }

  /**
   * The webhook-injected workloads a control plane serves, with their proxy settings (its injector
   * generates a template for each distinct one).
   *
   * @internal
   */
  public _webhookWorkloads(controlPlane: ControlPlane): MeshWorkload[] {
    return this._workloads.filter(w => w.controlPlane === controlPlane && !w.explicit);
  }

  /**
   * The labels that select a namespace's control plane: `istio-injection=enabled` for the unnamed
   * revision, `istio.io/rev=<revision>` for a named one, none when its workloads use several (each pod
   * then selects its own).
   */
  private injectionLabels(namespace: string): { [key: string]: string } {
    const webhook = (this._workloadsByNamespace.get(namespace) ?? []).filter(w => !w.explicit);
    const planes = new Set(webhook.length > 0 ? webhook.map(w => w.controlPlane) : [this.namespaceControlPlane(namespace)]);
    if (planes.size > 1) {
      return {};
    }
    const [plane] = planes;
    return plane.revision ? { 'istio.io/rev': plane.revision } : { 'istio-injection': 'enabled' };
  }

  /** @internal */
  public _registerMtlsPolicy(key: string, policy: MtlsPolicy): void {
    const existing = this._mtlsPolicies.get(key);
    if (existing) {
      throw meshError('MESH0200', policy, `${policy.scope._describe(this)} already has an MtlsPolicy (${existing.node.path}): Istio honours one per scope, so set the mode and port overrides on that one`);
    }
    this._mtlsPolicies.set(key, policy);
  }

  /** @internal */
  public _registerAccessPolicy(policy: AccessPolicy): void {
    const key = serviceKey(policy.service);
    const existing = this._accessPolicyByService.get(key);
    if (existing) {
      throw meshError('MESH0210', policy, `service '${policy.service.serviceName}' already has an AccessPolicy (${existing.node.path}): add callers to it with allowFrom()`);
    }
    this._accessPolicyByService.set(key, policy);
  }

  /** @internal */
  public _registerGateway(gateway: MeshGateway): void {
    this._gatewayList.push(gateway);
  }

  /** @internal */
  public get _gateways(): MeshGateway[] {
    return [...this._gatewayList];
  }

  /** @internal */
  public _registerTelemetryStack(stack: TelemetryStack): void {
    if (this._telemetryStack) {
      throw meshError('MESH0400', stack, `the mesh already has a telemetry stack (${this._telemetryStack.node.path}): a mesh has one; configure its parts there`);
    }
    this._telemetryStack = stack;
  }

  /**
   * Adds or replaces (by name) an extension provider of the mesh config.
   *
   * @internal
   */
  public _setExtensionProvider(provider: ExtensionProvider): void {
    this._providers.set(provider.name, provider);
  }

  /** @internal */
  public get _extensionProviders(): ExtensionProvider[] {
    return [...this._providers.values()];
  }

  /**
   * The extension providers of one kind (tracing backends, access loggers).
   *
   * @internal
   */
  public _providersOf(kind: ProviderKind): ExtensionProvider[] {
    return this._extensionProviders.filter(p => p.kind === kind);
  }

  /** @internal */
  public _registerTelemetryPolicy(key: string, policy: TelemetryPolicy): void {
    const existing = this._telemetryPolicies.get(key);
    if (existing) {
      throw meshError('MESH0410', policy, `${policy.scope._describe(this)} already has a TelemetryPolicy (${existing.node.path}): Istio applies one Telemetry per scope, so set tracing and access logging on that one`);
    }
    this._telemetryPolicies.set(key, policy);
  }

  /** @internal */
  public get _telemetryPolicyList(): TelemetryPolicy[] {
    return [...this._telemetryPolicies.values()];
  }

  /** @internal */
  public _registerSplit(split: TrafficSplit): void {
    this._splits.push(split);
  }

  /** @internal */
  public get _trafficSplits(): TrafficSplit[] {
    return [...this._splits];
  }

  /** @internal */
  public _accessPolicyOf(service: IMeshService): AccessPolicy | undefined {
    return this._accessPolicyByService.get(serviceKey(service));
  }

  /** @internal */
  public get _accessPolicies(): AccessPolicy[] {
    return [...this._accessPolicyByService.values()];
  }

  /** @internal */
  public get _denyByDefaultNamespaces(): string[] {
    return [...this._denyNamespaces];
  }

  /**
   * Adds a service; called by every `MeshService`.
   *
   * @internal
   */
  public _registerService(service: IMeshService): void {
    const clash = this._services.find(s => s.serviceName === service.serviceName && s.namespace === service.namespace);
    if (clash) {
      throw meshError('MESH0010', service, `service '${service.serviceName}' in namespace '${service.namespace}' is already in the mesh (${clash.node.path}): give one of them another name or namespace, or import the existing one with MeshService.fromName()`);
    }
    this._services.push(service);
    this._telemetryStack?._onService(service);
  }
}

const MESH_SYMBOL = Symbol.for('cdk8s-mesh.Mesh');

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
 * A namespace whose injection labels are decided at synth time, once every workload in it is known.
 */
class MeshNamespace extends ApiObject {
  public constructor(scope: Construct, name: string, private readonly labelsOf: () => { [key: string]: string }) {
    super(scope, name, { apiVersion: 'v1', kind: 'Namespace', metadata: { name } });
  }

  public toJson(): any {
    const json = super.toJson();
    const labels = { ...json.metadata.labels, ...this.labelsOf() };
    json.metadata.labels = Object.keys(labels).length > 0 ? labels : undefined;
    if (!json.metadata.labels) {
      delete json.metadata.labels;
    }
    return json;
  }
}

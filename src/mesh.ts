import { Chart, Yaml } from 'cdk8s';
import { Construct, IConstruct } from 'constructs';
import { Finding, Severity } from './analysis/finding';
import { MeshAnalyzer } from './analysis/mesh-analyzer';
import { MeshModel } from './analysis/mesh-model';
import { ControlPlane } from './control-plane/control-plane';
import { ControlPlaneOptions } from './control-plane/control-plane-options';
import { addControlPlane, installIstio } from './control-plane/existing-istio';
import { renderMeshConfig } from './control-plane/mesh-config';
import { controlPlanesOf, findControlPlane } from './control-plane/revisions';
import { createLayers, layerOf, MeshLayer, meshCharts } from './layers';
import { IMesh, IMeshIdentity, IMeshService, OutboundTrafficPolicy } from './mesh-identity';
import { MeshProps } from './mesh-props';
import { meshSettings } from './mesh-settings';
import { ensureNamespace, meshNamespaces, namespaceControlPlane, setNamespaceRevision } from './namespaces';
import { compact } from './private/compact';
import { meshError, reportError } from './private/errors';
import { validateObjectSizes } from './private/kubernetes-rules';
import { nameString, validateDnsLabel, validateDnsSubdomain, validatePort } from './private/names';
import { checkOwnService } from './private/services';
import { isKind, markKind, meshOf, treeGeneration } from './private/tree';
import { DenyByDefault, DenyByDefaultOptions } from './security/deny-by-default';
import { MtlsMode } from './security/mtls-mode';
import { MtlsPolicy, PolicyScope } from './security/mtls-policy';
import { watchNetworkPolicies } from './security/network-policies';
import { RevokedIdentities } from './security/revoked-identities';
import type { TelemetryStack } from './telemetry/telemetry-stack';
import { inRolloutOrder } from './traffic/rollout-order';

/**
 * The root of a service mesh: its identity, version and mesh-wide defaults.
 *
 * A `Mesh` is a cdk8s chart that holds the workloads and their policy. The layers that must exist before
 * them (Istio's CRDs, the namespaces, the control planes) are charts of their own, created beside it and
 * placed before it in the tree, so `cdk8s synth` writes and numbers the files in apply order. The mesh keeps no lists
 * of what is in it: services, policies and gateways are found in the construct tree, and every problem of
 * the program is reported at synth.
 */
export class Mesh extends Chart implements IMesh {
  /** Whether `x` is a `Mesh`. */
  public static isMesh(x: any): x is Mesh {
    return isKind(x, 'Mesh');
  }

  /**
   * The mesh `c` belongs to: `c` itself or its nearest ancestor that is a mesh, found through the construct
   * tree (model constructs find their `IMesh` description the same way).
   *
   * @throws when `c` is not inside a mesh
   */
  public static ofConstruct(c: IConstruct): IMesh {
    return meshOf(c);
  }

  /**
   * The mesh `c` belongs to, as `ofConstruct()` finds it. It overrides `Chart.of`, so its declared type is
   * the chart's (languages other than TypeScript check overrides strictly); the value is the `Mesh`.
   *
   * @throws when `c` is not inside a mesh
   */
  public static of(c: IConstruct): Chart {
    return meshOf(c) as Mesh;
  }

  public readonly trustDomain: string;
  public readonly rootNamespace: string;
  public readonly version: string;
  public readonly hub: string;
  public readonly tag: string;
  public readonly mtlsMode: MtlsMode;
  public readonly autoMtls: boolean;
  public readonly outboundTrafficPolicy: OutboundTrafficPolicy;
  public readonly defaultNamespace: string;
  public readonly clusterDomain: string;
  public readonly installCrds: boolean;
  public readonly existingIstio: boolean;
  public readonly writesNamespaces: boolean;
  /** Whether analysis warnings fail synthesis. */
  public readonly failOnWarnings: boolean;
  /** Whether the whole mesh refuses every call no `AccessPolicy` allows (the `denyByDefault` prop). */
  public readonly deniesByDefault: boolean;
  public readonly networkPolicies: boolean;
  /** The mesh-wide mTLS policy (the root namespace's PeerAuthentication). */
  public readonly mtlsPolicy: MtlsPolicy;
  public readonly controlPlane: ControlPlane;

  /** The constructs the last analysis reported errors on (their errors are reset on the next one). */
  private analysed: IConstruct[] = [];
  /** The warnings printed so far: cdk8s validates the whole app again for every chart it writes. */
  private readonly printed = new Set<string>();

  public constructor(scope: Construct, id: string, props: MeshProps = {}) {
    super(scope, id);
    markKind(this, 'Mesh');

    const settings = meshSettings(this, props);
    this.trustDomain = settings.trustDomain;
    this.rootNamespace = settings.rootNamespace;
    this.version = settings.version;
    this.hub = settings.hub;
    this.tag = settings.tag;
    this.mtlsMode = settings.mtlsMode;
    this.autoMtls = settings.autoMtls;
    this.outboundTrafficPolicy = settings.outboundTrafficPolicy;
    this.defaultNamespace = settings.defaultNamespace;
    this.clusterDomain = settings.clusterDomain;
    this.installCrds = settings.installCrds;
    this.existingIstio = settings.existingIstio !== undefined;
    this.writesNamespaces = settings.existingIstio?.namespaces ?? true;
    this.failOnWarnings = settings.failOnWarnings;
    this.deniesByDefault = settings.denyByDefault;
    this.networkPolicies = settings.networkPolicies;
    watchNetworkPolicies(this);

    createLayers(this, settings.argoCdSyncWaves, () => (this.validateMesh(), validateObjectSizes(meshCharts(this), treeGeneration()), []));
    this.controlPlane = installIstio(this, settings.existingIstio, settings.controlPlane, settings.cni);
    this.mtlsPolicy = new MtlsPolicy(this, 'MeshMtls', { mode: this.mtlsMode, scope: PolicyScope.mesh() });
    if (this.deniesByDefault) {
      this.denyByDefault();
    }
  }

  /** Every service in the mesh, in the order they were added. */
  public get services(): IMeshService[] {
    return [...MeshModel.of(this).services];
  }

  /** The chart's objects as cdk8s renders them, each DestinationRule before the routes (see rollout-order.ts). */
  public toJson(): any[] {
    return inRolloutOrder(this, super.toJson());
  }

  /** Every namespace the mesh uses: the root namespace, the Istio CNI node agent's and each service's, in the order first used. */
  public get namespaces(): string[] {
    return meshNamespaces(this).map(n => n.namespaceName);
  }

  /** Every control plane, the default one first. */
  public get controlPlanes(): ControlPlane[] {
    return [...controlPlanesOf(this)];
  }

  /**
   * Adds a control plane of another revision, to run beside the default one (a canary upgrade): services
   * and namespaces that choose its revision are injected by it. A mesh that adopts an existing Istio lists
   * installed revisions in `existingIstio.revisions` instead.
   */
  public addControlPlane(id: string, options: ControlPlaneOptions): ControlPlane {
    return addControlPlane(this, id, options);
  }

  public controlPlaneOf(revision: string): ControlPlane {
    nameString('Mesh.controlPlaneOf', 'revision', revision, 'canary');
    const label = revision || 'default';
    const found = findControlPlane(this, label);
    if (!found) {
      const fix = this.existingIstio ? 'if it is installed, list it in existingIstio.revisions' : 'add it with addControlPlane()';
      throw meshError('MESH0036', this, `no control plane has revision '${label}' (revisions: ${controlPlanesOf(this).map(c => c.revisionLabel).join(', ')}): ${fix}`);
    }
    return found;
  }

  /**
   * Chooses the control plane revision of a namespace: its services are injected by that control plane
   * unless they choose another. The revision may be added before or after this call.
   */
  public setNamespaceRevision(namespace: string, revision: string): void {
    setNamespaceRevision(this, namespace, revision);
  }

  public namespaceControlPlane(namespace: string): ControlPlane {
    validateDnsLabel('Mesh.namespaceControlPlane', 'namespace', namespace);
    return namespaceControlPlane(this, namespace);
  }

  /**
   * Revokes workload identities mesh-wide: every request from them is denied, whatever the
   * `AccessPolicy` of its destination (a DENY AuthorizationPolicy in the root namespace, which Istio
   * evaluates before any ALLOW). Use it when a workload's key may be compromised, until the CA is rotated.
   *
   * @see https://istio.io/latest/docs/concepts/security/#authorization-policy-precedence
   */
  public revokeIdentity(identity: IMeshIdentity): void {
    RevokedIdentities._revoke(this, identity);
  }

  public principalOf(namespace: string, serviceAccount: string): string {
    validateDnsLabel('Mesh.principalOf', 'namespace', namespace);
    validateDnsSubdomain('Mesh.principalOf', 'serviceAccount', serviceAccount);
    return `${this.trustDomain}/ns/${namespace}/sa/${serviceAccount}`;
  }

  public hostOf(serviceName: string, namespace: string): string {
    validateDnsLabel('Mesh.hostOf', 'serviceName', serviceName);
    validateDnsLabel('Mesh.hostOf', 'namespace', namespace);
    return `${serviceName}.${namespace}.svc.${this.clusterDomain}`;
  }

  /** Denies every call that no `AccessPolicy` allows: in one namespace, or (by default) in the whole mesh. */
  public denyByDefault(options: DenyByDefaultOptions = {}): DenyByDefault {
    const namespace = options.namespace === undefined ? this.rootNamespace : nameString(this, 'namespace', options.namespace).name;
    const id = namespace === this.rootNamespace ? 'DenyByDefault' : `DenyByDefault-${namespace}`;
    const existing = this.node.tryFindChild(id) as DenyByDefault | undefined;
    // The mesh-wide one the denyByDefault prop made may be asked for again.
    if (existing && !(this.deniesByDefault && namespace === this.rootNamespace)) {
      reportError(this, 'MESH0206', `denyByDefault() was already called for ${namespace === this.rootNamespace ? 'the whole mesh' : `namespace '${namespace}'`}: call it once per namespace`);
    }
    ensureNamespace(this, namespace, namespace !== this.rootNamespace);
    return existing ?? new DenyByDefault(this, id, { namespace });
  }

  public mtlsModeOf(service: IMeshService, port?: number): MtlsMode {
    checkOwnService('Mesh.mtlsModeOf', this, service);
    if (port !== undefined) {
      validatePort('Mesh.mtlsModeOf', 'port', port);
    }
    return MeshModel.of(this).mtlsModeOf(service, this.mtlsPolicy, port);
  }

  /**
   * The Istio MeshConfig derived from this model, as YAML: what the control plane's `istio` ConfigMap
   * carries under its `mesh` key.
   */
  public meshConfig(): string {
    return Yaml.stringify(compact(renderMeshConfig(this, this.controlPlane)));
  }

  /** The mesh's telemetry stack, if it has one. */
  public get telemetry(): TelemetryStack | undefined {
    return MeshModel.of(this).telemetryStack;
  }

  /**
   * The names of the extension providers Telemetry objects may name (the mesh config's
   * `extensionProviders`): always `prometheus` (metrics) and `envoy` (access logs to the proxy's stdout),
   * plus the tracing backend of the telemetry stack.
   */
  public get extensionProviderNames(): string[] {
    return MeshModel.of(this).extensionProviders.map(p => p.name);
  }

  /**
   * Every problem of the mesh, errors and warnings, sorted by path and code: what each construct recorded
   * about its own props, and the whole-mesh checks. Synthesis reports the same errors (and prints the warnings).
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
    return layerOf(this, layer);
  }

  /**
   * Every chart of the mesh, in the order they are applied: CRDs (unless `installCrds` is false), namespaces,
   * control plane, the mesh itself (workloads and policy), then the telemetry stack's when there is one.
   * `cdk8s synth` numbers its files in this order, and a Pulumi `MeshRelease` of the mesh deploys exactly
   * these, each after the ones it needs.
   */
  public get charts(): Chart[] {
    return meshCharts(this);
  }

  /**
   * Runs at synth, as the first validation of the mesh's first chart (see createLayers): prints every warning
   * (once), and hands each construct the errors the analysis found in it, which cdk8s reports behind its path.
   */
  private validateMesh(): void {
    const findings = MeshAnalyzer._analyzeMesh(this);
    for (const scope of this.analysed) {
      MeshAnalyzer._setErrors(scope, []);
    }
    const byScope = new Map<IConstruct, string[]>();
    for (const f of findings) {
      const fatal = f.severity === Severity.ERROR || this.failOnWarnings;
      const line = `warning: [${f.code}] ${f.path}: ${f.message}`;
      if (f.severity === Severity.WARNING && !this.printed.has(line)) {
        process.stderr.write(`${line}\n`);
        this.printed.add(line);
      }
      // A construct's own errors are reported by its own validation; everything else is handed to it here.
      if (fatal && !(f.recorded && f.severity === Severity.ERROR)) {
        byScope.set(f.scope, [...byScope.get(f.scope) ?? [], `[${f.code}] ${f.message}`]);
      }
    }
    for (const [scope, messages] of byScope) {
      MeshAnalyzer._setErrors(scope, messages);
    }
    this.analysed = [...byScope.keys()];
  }
}


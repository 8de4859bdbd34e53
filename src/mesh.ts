import { Chart, Yaml } from 'cdk8s';
import { k8s } from 'cdk8s-plus-27';
import { Construct, IConstruct } from 'constructs';
import { Finding, Severity } from './analysis/finding';
import { MeshAnalyzer } from './analysis/mesh-analyzer';
import { MeshModel } from './analysis/mesh-model';
import { ControlPlane } from './control-plane/control-plane';
import { ControlPlaneOptions } from './control-plane/control-plane-options';
import { renderMeshConfig } from './control-plane/mesh-config';
import { controlPlanesOf, findControlPlane } from './control-plane/revisions';
import { createLayers, layerOf, MeshLayer, meshCharts } from './layers';
import { IMesh, OutboundTrafficPolicy } from './mesh-identity';
import type { IMeshIdentity, IMeshService } from './mesh-identity';
import { MeshProps } from './mesh-props';
import { ensureNamespace, meshNamespaces, namespaceControlPlane } from './namespaces';
import { compact } from './private/compact';
import { checkEnum, checkType } from './private/enums';
import { meshError, reportError } from './private/errors';
import { validateDnsLabel, validateDnsSubdomain, validateImageTag } from './private/names';
import { invalidateTree, isKind, isMeshIdentityKind, markKind, meshOf } from './private/tree';
import { DenyByDefault, DenyByDefaultOptions } from './security/deny-by-default';
import { MtlsMode } from './security/mtls-mode';
import { MtlsPolicy, PolicyScope } from './security/mtls-policy';
import { RevokedIdentities } from './security/revoked-identities';
import type { TelemetryStack } from './telemetry/telemetry-stack';

/**
 * The root of a service mesh: its identity, version and mesh-wide defaults.
 *
 * A `Mesh` is a cdk8s chart that holds the workloads and their policy. The layers that must exist before
 * them (Istio's CRDs, the namespaces, the control planes) are charts of their own, created beside it and
 * declared as its dependencies, so `cdk8s synth` numbers the files in apply order. The mesh keeps no lists
 * of what is in it: services, policies and gateways are found in the construct tree, and every problem of
 * the program is reported at synth.
 */
export class Mesh extends Chart implements IMesh {
  /**
   * Whether `x` is a `Mesh`.
   */
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
  /** Whether analysis warnings fail synthesis. */
  public readonly failOnWarnings: boolean;
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
    // First of the mesh's validations: the others read what the analysis finds (the mesh's own included).
    this.node.addValidation({ validate: () => this.validateMesh() });

    this.trustDomain = validateDnsSubdomain(this, 'trustDomain', props.trustDomain ?? 'cluster.local');
    this.rootNamespace = validateDnsLabel(this, 'rootNamespace', props.rootNamespace ?? 'istio-system');
    this.version = checkVersion(this, props.version);
    this.hub = props.hub ?? 'docker.io/istio';
    this.tag = validateImageTag(this, 'tag', props.tag ?? this.version);
    this.mtlsMode = checkEnum(this, 'mtls', props.mtls, MtlsMode, 'MtlsMode') ? props.mtls ?? MtlsMode.STRICT : MtlsMode.STRICT;
    this.autoMtls = checkType(this, 'autoMtls', props.autoMtls, 'boolean') ? props.autoMtls ?? true : true;
    this.outboundTrafficPolicy = checkEnum(this, 'outboundTrafficPolicy', props.outboundTrafficPolicy, OutboundTrafficPolicy, 'OutboundTrafficPolicy')
      ? props.outboundTrafficPolicy ?? OutboundTrafficPolicy.ALLOW_ANY : OutboundTrafficPolicy.ALLOW_ANY;
    this.defaultNamespace = validateDnsLabel(this, 'defaultNamespace', props.defaultNamespace ?? 'default');
    this.clusterDomain = validateDnsSubdomain(this, 'clusterDomain', props.clusterDomain ?? 'cluster.local');
    this.installCrds = checkType(this, 'installCrds', props.installCrds, 'boolean') ? props.installCrds ?? true : true;
    this.failOnWarnings = checkType(this, 'failOnWarnings', props.failOnWarnings, 'boolean') ? props.failOnWarnings ?? false : false;

    createLayers(this);
    ensureNamespace(this, this.rootNamespace, false);
    new k8s.KubeServiceAccount(layerOf(this, MeshLayer.CONTROL_PLANE), 'ReaderServiceAccount', {
      metadata: { name: 'istio-reader-service-account', namespace: this.rootNamespace, labels: { 'app': 'istio-reader', 'app.kubernetes.io/part-of': 'istio' } },
    });
    this.controlPlane = this.addControlPlane('istiod', props.controlPlane ?? {});
    this.mtlsPolicy = new MtlsPolicy(this, 'MeshMtls', { mode: this.mtlsMode, scope: PolicyScope.mesh() });
  }

  /**
   * Every service in the mesh, in the order they were added.
   */
  public get services(): IMeshService[] {
    return [...MeshModel.of(this).services];
  }

  /**
   * Every namespace the mesh uses: the root namespace and each service's, in the order first used.
   */
  public get namespaces(): string[] {
    return meshNamespaces(this).map(n => n.namespaceName);
  }

  /**
   * Every control plane, the default one first.
   */
  public get controlPlanes(): ControlPlane[] {
    return [...controlPlanesOf(this)];
  }

  /**
   * Adds a control plane of another revision, to run beside the default one (a canary upgrade): services
   * and namespaces that choose its revision are injected by it.
   */
  public addControlPlane(id: string, options: ControlPlaneOptions): ControlPlane {
    const existing = layerOf(this, MeshLayer.CONTROL_PLANE).node.tryFindChild(id);
    if (existing) {
      // Two constructs cannot share an id, so there is nothing to record the problem on.
      throw meshError('MESH0093', this, `addControlPlane: id '${id}' is already taken (${existing.node.path}): give each control plane its own id`);
    }
    return new ControlPlane(layerOf(this, MeshLayer.CONTROL_PLANE), id, { ...options, mesh: this });
  }

  public controlPlaneOf(revision: string): ControlPlane {
    const label = revision || 'default';
    const found = findControlPlane(this, label);
    if (!found) {
      throw meshError('MESH0036', this, `no control plane has revision '${label}' (revisions: ${controlPlanesOf(this).map(c => c.revisionLabel).join(', ')}): add it with addControlPlane()`);
    }
    return found;
  }

  /**
   * Chooses the control plane revision of a namespace: its services are injected by that control plane
   * unless they choose another. The revision may be added before or after this call.
   */
  public setNamespaceRevision(namespace: string, revision: string): void {
    validateDnsLabel(this, 'namespace', namespace);
    ensureNamespace(this, namespace).revision = revision || 'default';
    // The namespace's workloads may change control plane: views of the tree built before are stale.
    invalidateTree();
  }

  public namespaceControlPlane(namespace: string): ControlPlane {
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
    if (!isMeshIdentityKind(identity)) {
      reportError(this, 'MESH0009', 'revokeIdentity() was given something that is not a service or gateway of a mesh: name a MeshService, one imported with MeshService.fromName(), or a gateway');
      return;
    }
    if (identity.mesh !== this) {
      reportError(this, 'MESH0250', `revokeIdentity() was given '${identity.serviceName}' (${identity.node.path}), which belongs to another mesh: `
        + 'revoke an identity of this mesh, or import the service into it with MeshService.fromName()');
      return;
    }
    const revoked = this.node.tryFindChild('RevokedIdentities') as RevokedIdentities | undefined;
    (revoked ?? new RevokedIdentities(this, 'RevokedIdentities', { mesh: this })).add(identity);
  }

  public principalOf(namespace: string, serviceAccount: string): string {
    return `${this.trustDomain}/ns/${namespace}/sa/${serviceAccount}`;
  }

  public hostOf(serviceName: string, namespace: string): string {
    return `${serviceName}.${namespace}.svc.${this.clusterDomain}`;
  }

  /**
   * Denies every call that no `AccessPolicy` allows: in one namespace, or (by default) in the whole mesh.
   */
  public denyByDefault(options: DenyByDefaultOptions = {}): DenyByDefault {
    const namespace = options.namespace ?? this.rootNamespace;
    const id = namespace === this.rootNamespace ? 'DenyByDefault' : `DenyByDefault-${namespace}`;
    const existing = this.node.tryFindChild(id) as DenyByDefault | undefined;
    if (existing) {
      reportError(this, 'MESH0206', `denyByDefault() was already called for ${namespace === this.rootNamespace ? 'the whole mesh' : `namespace '${namespace}'`}: call it once per namespace`);
      return existing;
    }
    ensureNamespace(this, namespace, namespace !== this.rootNamespace);
    return new DenyByDefault(this, id, { namespace });
  }

  public mtlsModeOf(service: IMeshService, port?: number): MtlsMode {
    const model = MeshModel.of(this);
    // The namespace's key as PolicyScope.namespace() makes it, without its check: a service with an invalid
    // namespace has reported that already, and the analysis must still run.
    const namespaceKey = service.namespace === this.rootNamespace ? 'mesh' : `ns/${service.namespace}`;
    const policy = model.mtlsPolicyOf(PolicyScope.workload(service)._key(this)) ?? model.mtlsPolicyOf(namespaceKey) ?? this.mtlsPolicy;
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
   * Each depends on the ones it needs, so `cdk8s synth` numbers its files in this order, and a Pulumi
   * `MeshRelease` of the mesh deploys exactly these.
   */
  public get charts(): Chart[] {
    return meshCharts(this);
  }

  /**
   * Runs at synth, before the constructs of the mesh are validated (cdk8s validates in tree order, and they
   * are all inside the mesh or in its layers, created after it): prints every warning (once), and hands each
   * construct the errors the whole-mesh analysis found in it, which cdk8s then reports behind its path.
   */
  private validateMesh(): string[] {
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
    return [];
  }
}

/** The Istio release the mesh renders: its CRDs and injection template are 1.30.3's, so a patch release of 1.30. */
const SHIPPED_VERSION = '1.30.3';

function checkVersion(mesh: Mesh, version: string | undefined): string {
  if (version === undefined || (checkType(mesh, 'version', version, 'string', `a string such as '${SHIPPED_VERSION}'`) && /^1\.30\.\d+$/.test(version))) {
    return version ?? SHIPPED_VERSION;
  }
  if (typeof version === 'string') {
    reportError(mesh, 'MESH0094', `version '${version}' is not a 1.30 patch release: the mesh renders Istio ${SHIPPED_VERSION}'s CRDs and injection template, `
      + `and other releases' istiod and proxies would not match them, use a 1.30.x version (e.g. '${SHIPPED_VERSION}'), or set tag for images built otherwise`);
  }
  return SHIPPED_VERSION;
}

import { ApiObject, JsonPatch, Lazy } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import { Construct, IConstruct } from 'constructs';
import { LoadBalancer } from './load-balancer';
import { MeshServicePort, Protocol } from './protocol';
import { CircuitBreaker, RetryPolicy, Timeout } from './resilience';
import type { TrafficSplit } from './traffic-split';
import type { ControlPlane } from '../control-plane/control-plane';
import { chosenControlPlane } from '../control-plane/revisions';
import * as istio from '../imports/istio-networking';
import type { IMesh, IMeshService } from '../mesh-identity';
import { ensureNamespace, namespaceControlPlane } from '../namespaces';
import { reportError, required } from '../private/errors';
import { validateDnsLabel, validatePort } from '../private/names';
import { checkProtocol, isHttpProtocol } from '../private/protocols';
import { announce, isKind, markKind, meshOf } from '../private/tree';
import { MtlsMode } from '../security/mtls-mode';
import { Injection } from '../sidecar/injection';
import { ProxyOptions } from '../sidecar/proxy';
import { ProxySettings, injectManifest, mergeProxy, validateProxyOptions } from '../sidecar/sidecar';
import type { MeshWorkload } from '../sidecar/workload';

/**
 * Service-level route and connection settings, shared by `MeshService` and `MeshService.fromName()`.
 */
export interface TrafficPolicyOptions {
  /**
   * Request timeout on every route to the service (a `TrafficSplit` route may override it).
   *
   * @default - Istio's default: no timeout
   */
  readonly timeout?: Timeout;

  /**
   * Retries on every route to the service (a `TrafficSplit` route may override it).
   *
   * @default - Istio's default: 2 attempts on connect-failure, refused-stream, unavailable, cancelled and retriable status codes
   */
  readonly retries?: RetryPolicy;

  /**
   * Connection limits and outlier detection.
   *
   * @default - no limits
   */
  readonly circuitBreaker?: CircuitBreaker;

  /**
   * How clients pick an endpoint.
   *
   * @default - Istio's default: LEAST_REQUEST
   */
  readonly loadBalancer?: LoadBalancer;
}

/**
 * Options of `MeshService.fromName()`.
 */
export interface ImportedMeshServiceOptions extends TrafficPolicyOptions {
  /**
   * The namespace.
   *
   * @default - the mesh's default namespace
   */
  readonly namespace?: string;

  /**
   * The service account of its workloads.
   *
   * @default - the service name
   */
  readonly serviceAccountName?: string;

  /**
   * Its ports.
   *
   * @default - one HTTP port, 80
   */
  readonly ports?: MeshServicePort[];

  /**
   * Its versions, so that routes to them can be checked.
   *
   * @default - unknown: routes to any version are accepted
   */
  readonly versions?: string[];
}

/**
 * Properties of a `MeshService`.
 */
export interface MeshServiceProps extends TrafficPolicyOptions {
  /** The service's ports. */
  readonly ports: MeshServicePort[];

  /**
   * The Kubernetes Service name, also the `app` label of its workloads.
   *
   * @default - the construct id
   */
  readonly serviceName?: string;

  /**
   * The namespace.
   *
   * @default - the mesh's default namespace
   */
  readonly namespace?: string;

  /**
   * The service account its workloads run as (its identity).
   *
   * @default - the service name
   */
  readonly serviceAccountName?: string;

  /**
   * The control plane revision that injects and configures the service's proxies.
   *
   * @default - the namespace's revision (`Mesh.setNamespaceRevision()`), else the mesh's default control plane
   */
  readonly revision?: string;

  /**
   * How the sidecar gets into the pods.
   *
   * @default Injection.webhook()
   */
  readonly injection?: Injection;

  /**
   * Settings of the service's proxies, over its control plane's defaults.
   *
   * @default - the control plane's
   */
  readonly proxy?: ProxyOptions;
}

/**
 * Options of `MeshService.addVersion()`.
 */
export interface VersionOptions {
  /** The container image. */
  readonly image: string;

  /**
   * Number of pods.
   *
   * @default 1
   */
  readonly replicas?: number;

  /**
   * Environment variables.
   *
   * @default - none
   */
  readonly env?: { [name: string]: string };

  /**
   * CPU and memory requests and limits.
   *
   * @default - cdk8s-plus defaults: requests 1000m CPU / 512Mi, limits 1500m CPU / 2048Mi
   */
  readonly resources?: kplus.ContainerResources;

  /**
   * Paths where the workload writes; each gets an empty directory, since the root filesystem is read-only.
   *
   * @default - none
   */
  readonly writablePaths?: string[];

  /**
   * The command (entrypoint).
   *
   * @default - the image's
   */
  readonly command?: string[];

  /**
   * Arguments to the command.
   *
   * @default - the image's
   */
  readonly args?: string[];

  /**
   * The user id the container runs as (never root).
   *
   * @default - cdk8s-plus default: 25000
   */
  readonly user?: number;

  /**
   * When the image is pulled.
   *
   * @default kplus.ImagePullPolicy.ALWAYS
   */
  readonly imagePullPolicy?: kplus.ImagePullPolicy;

  /**
   * Annotations of the pods.
   *
   * @default - none
   */
  readonly podAnnotations?: { [key: string]: string };
}

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
  /** Service-level traffic settings. */
  public abstract readonly trafficPolicy: TrafficPolicyOptions;

  private _virtualService?: istio.VirtualService;
  private _destinationRule?: istio.DestinationRule;
  private _split?: TrafficSplit;

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

  /** The routing rules of the service, if a `TrafficSplit` was made for it. */
  public get trafficSplit(): TrafficSplit | undefined {
    return this._split;
  }

  /** The VirtualService of the service, if it has one. */
  public get virtualService(): ApiObject | undefined {
    return this._virtualService;
  }

  /** The DestinationRule of the service, if it has one. */
  public get destinationRule(): ApiObject | undefined {
    return this._destinationRule;
  }

  /**
   * Attaches the service's routing rules; a service has one `TrafficSplit`.
   *
   * @internal
   */
  public _attachSplit(split: TrafficSplit): void {
    // A service without ports has already reported that; the split does not report it again.
    if (this.ports.length > 0 && !this.ports.some(p => isHttpProtocol(p.protocol!))) {
      reportError(split, 'MESH0107', `service '${this.serviceName}' has no HTTP, HTTP2 or GRPC port (ports: ${this.ports.map(p => p.name).join(', ')}): HTTP routes need one`);
    }
    if (this._split) {
      // A second split is the analysis' MESH0106; the first one routes.
      return;
    }
    this._split = split;
    this._ensureVirtualService();
    this._ensureDestinationRule();
  }

  /** @internal */
  protected _applyTrafficPolicy(): void {
    const p = this.trafficPolicy;
    if (p.timeout || p.retries) {
      this._ensureVirtualService();
    }
    if (p.circuitBreaker || p.loadBalancer || !this.mesh.autoMtls) {
      this._ensureDestinationRule();
    }
  }

  private _ensureVirtualService(): void {
    this._virtualService ??= new istio.VirtualService(this, 'VirtualService', {
      metadata: { name: this.serviceName, namespace: this.namespace },
      spec: Lazy.any({ produce: () => this._virtualServiceSpec() }),
    });
  }

  private _ensureDestinationRule(): void {
    this._destinationRule ??= new istio.DestinationRule(this, 'DestinationRule', {
      metadata: { name: this.serviceName, namespace: this.namespace },
      spec: Lazy.any({ produce: () => this._destinationRuleSpec() }),
    });
  }

  /** @internal */
  public _virtualServiceSpec(): istio.VirtualServiceSpec {
    const defaults = {
      timeout: this.trafficPolicy.timeout?._toIstio(),
      retries: this.trafficPolicy.retries?._toIstio(),
    };
    const http = this._split
      ? this._split._toIstio(defaults)
      : [{ name: 'default', route: [{ destination: { host: this.host } }], ...defaults }];
    return { hosts: [this.host], http };
  }

  /** @internal */
  public _destinationRuleSpec(): istio.DestinationRuleSpec {
    const p = this.trafficPolicy;
    const tls = this.mesh.autoMtls ? undefined : {
      mode: (this.mesh.mtlsModeOf(this) === MtlsMode.DISABLE ? 'DISABLE' : 'ISTIO_MUTUAL') as istio.DestinationRuleSpecTrafficPolicyTlsMode,
    };
    const trafficPolicy: istio.DestinationRuleSpecTrafficPolicy = {
      loadBalancer: p.loadBalancer?._toIstio(),
      connectionPool: p.circuitBreaker?._connectionPool(),
      outlierDetection: p.circuitBreaker?._outlierDetection(),
      tls,
    };
    const versions = this._split?.versionsUsed ?? [];
    return {
      host: this.host,
      trafficPolicy: Object.values(trafficPolicy).some(v => v !== undefined) ? trafficPolicy : undefined,
      subsets: versions.length === 0 ? undefined : versions.map(v => ({ name: v, labels: { version: v } })),
    };
  }
}

/**
 * One workload in the mesh: a ServiceAccount (its identity), a Service whose ports are named for their
 * protocol, and one Deployment per version, whose pods carry Istio's `app` and `version` labels and are
 * enrolled in sidecar injection.
 */
export class MeshService extends MeshServiceBase {
  /**
   * A service defined elsewhere (another program, chart or team), for routes and policies that name it.
   */
  public static fromName(scope: Construct, id: string, serviceName: string, options: ImportedMeshServiceOptions = {}): IMeshService {
    return new ImportedMeshService(scope, id, serviceName, options);
  }

  /**
   * Whether `x` is a `MeshService`.
   */
  public static isMeshService(x: any): x is MeshService {
    return isKind(x, 'MeshService');
  }

  public readonly mesh: IMesh;
  public readonly serviceName: string;
  public readonly namespace: string;
  public readonly serviceAccountName: string;
  public readonly ports: MeshServicePort[];
  public readonly trafficPolicy: TrafficPolicyOptions;
  /** The revision the service chose, if it chose one. */
  public readonly revision?: string;
  /** The Kubernetes Service. */
  public readonly service: kplus.Service;
  /** The ServiceAccount: the identity of the service's workloads. */
  public readonly serviceAccount: kplus.ServiceAccount;
  /** How the sidecar gets into the pods. */
  public readonly injection: Injection;

  private readonly proxyOptions?: ProxyOptions;
  private readonly _versions = new Map<string, MeshServiceVersion>();

  public constructor(scope: Construct, id: string, props: MeshServiceProps) {
    super(scope, id);
    markKind(this, 'MeshService');
    this.mesh = meshOf(this);
    this.serviceName = validateDnsLabel(this, 'serviceName', props.serviceName ?? id);
    // Defaults are checked where they come from (the mesh's default namespace, the service name), not again here.
    this.namespace = props.namespace === undefined ? this.mesh.defaultNamespace : validateDnsLabel(this, 'namespace', props.namespace);
    this.serviceAccountName = props.serviceAccountName === undefined ? this.serviceName : validateDnsLabel(this, 'serviceAccountName', props.serviceAccountName);
    // A missing list is reported as missing (MESH0006), not also as empty.
    this.ports = props.ports
      ? resolvePorts(this, props.ports)
      : required(this, 'ports', props.ports, 'give the service its ports, e.g. [{ port: 8080, protocol: Protocol.HTTP }]', []);
    this.trafficPolicy = trafficPolicyOf(props);
    this.revision = props.revision;
    this.injection = props.injection ?? Injection.webhook();
    // The options without any invalid value (each is reported): nothing rendered from them carries one.
    this.proxyOptions = validateProxyOptions(this, props.proxy);
    ensureNamespace(this.mesh, this.namespace);

    this.serviceAccount = new kplus.ServiceAccount(this, 'ServiceAccount', {
      metadata: { name: this.serviceAccountName, namespace: this.namespace, labels: { account: this.serviceName } },
    });

    this.service = new kplus.Service(this, 'Resource', {
      metadata: { name: this.serviceName, namespace: this.namespace, labels: { app: this.serviceName, service: this.serviceName } },
      ports: this.ports.map(p => ({ port: p.port, targetPort: p.targetPort, name: p.name })),
    });
    this.service.selectLabel('app', this.serviceName);
    // cdk8s-plus-27's ServicePort has no appProtocol; Istio prefers it over the name prefix.
    this.ports.forEach((p, i) => ApiObject.of(this.service).addJsonPatch(JsonPatch.add(`/spec/ports/${i}/appProtocol`, p.protocol!)));

    this._applyTrafficPolicy();
    announce(this.mesh, this);
  }

  /**
   * The control plane that serves the service's proxies: its own revision's, else its namespace's, else the
   * mesh's default. Decided when asked, so revisions and namespace revisions may be set in any order.
   */
  public get controlPlane(): ControlPlane {
    return chosenControlPlane(this.mesh, this.revision, () => namespaceControlPlane(this.mesh, this.namespace));
  }

  /**
   * The proxy settings, every default resolved.
   *
   * @internal
   */
  public get _proxySettings(): ProxySettings {
    return mergeProxy(this.controlPlane._proxyDefaults, this.proxyOptions);
  }

  /**
   * The injector template its pods select.
   *
   * @internal
   */
  public get _templateName(): string {
    return this.controlPlane._templateNameFor(this.namespace, this.serviceName, this._proxySettings);
  }

  /**
   * The service's workload, as its control plane's injector sees it.
   *
   * @internal
   */
  public get _workload(): MeshWorkload {
    const settings = this._proxySettings;
    return {
      namespace: this.namespace,
      serviceName: this.serviceName,
      controlPlane: this.controlPlane,
      explicit: this.injection.isExplicit,
      settings,
      templateName: this.controlPlane._templateNameFor(this.namespace, this.serviceName, settings),
    };
  }

  /**
   * The names of the service's versions, in the order they were added (never undefined for a `MeshService`).
   */
  public get versionNames(): string[] | undefined {
    return [...this._versions.keys()];
  }

  /**
   * The service's versions.
   */
  public get versions(): MeshServiceVersion[] {
    return [...this._versions.values()];
  }

  /**
   * Adds a version: a Deployment `<service>-<version>` whose pods carry `app` and `version` labels.
   * A name already used is reported at synth, and the version of that name is returned unchanged.
   */
  public addVersion(name: string, options: VersionOptions): MeshServiceVersion {
    const existing = this._versions.get(name);
    if (existing) {
      reportError(this, 'MESH0013', `version '${name}' already exists (versions: ${[...this._versions.keys()].join(', ')}): give each version its own name`);
      // The first one stays: a second construct with the same id cannot be made.
      return existing;
    }
    validateDnsLabel(this, 'version', name);
    // An empty name (reported above) cannot be a construct id; any id that is not a valid version name will do.
    const version = new MeshServiceVersion(this, name === '' ? '<empty>' : name, { service: this, versionName: name, ...options });
    this._versions.set(name, version);
    return version;
  }
}

/**
 * Properties of a `MeshServiceVersion`.
 */
export interface MeshServiceVersionProps extends VersionOptions {
  /** The service this is a version of. */
  readonly service: MeshService;
  /** The version name (the pods' `version` label). */
  readonly versionName: string;
}

/**
 * One version of a service: a Deployment whose pods are enrolled in the mesh. Create with `MeshService.addVersion()`.
 */
export class MeshServiceVersion extends Construct {
  /** The version name. */
  public readonly versionName: string;
  /** The Deployment. */
  public readonly deployment: kplus.Deployment;
  /** The labels of its pods that identify it. */
  public readonly selectorLabels: { [key: string]: string };

  public constructor(scope: Construct, id: string, props: MeshServiceVersionProps) {
    super(scope, id);
    const service = props.service;
    this.versionName = props.versionName;
    let replicas = props.replicas ?? 1;
    if (!Number.isInteger(replicas) || replicas < 0) {
      reportError(this, 'MESH0014', `replicas ${replicas} is invalid: use a whole number of at least 0`);
      replicas = 1;
    }
    if (!props.image) {
      reportError(this, 'MESH0015', 'image is empty: name the container image of this version');
    }
    let user = props.user;
    if (user === 0) {
      reportError(this, 'MESH0016', 'user 0 is root: workloads run as non-root, use another user id');
      user = undefined;
    }
    this.selectorLabels = { app: service.serviceName, version: this.versionName };
    const podAnnotations = { ...props.podAnnotations };
    const injection = injectionMetadata(this, service, podAnnotations);

    this.deployment = new kplus.Deployment(this, 'Resource', {
      metadata: { name: `${service.serviceName}-${this.versionName}`, namespace: service.namespace, labels: { ...this.selectorLabels } },
      replicas,
      select: false,
      serviceAccount: service.serviceAccount,
      podMetadata: {
        labels: { ...this.selectorLabels, ...injection.labels },
        annotations: { ...podAnnotations, ...injection.annotations },
      },
    });
    this.deployment.select(kplus.LabelSelector.of({ labels: this.selectorLabels }));
    const resource = ApiObject.of(this.deployment);
    // cdk8s-plus labels every pod template with its construct address (a hashed value) even when the
    // workload selects by other labels; pods here are selected by app and version only.
    resource.addJsonPatch(JsonPatch.remove('/spec/template/metadata/labels/cdk8s.io~1metadata.addr'));
    if (service.injection.isExplicit) {
      // Explicit injection works on the finished manifest, as `istioctl kube-inject` does, so that it sees
      // every container and port, including ones added to the Deployment after this constructor.
      const render = resource.toJson.bind(resource);
      resource.toJson = () => injectManifest(render(), service.controlPlane._sidecarEnvironment, service._proxySettings);
    }

    const env: { [name: string]: kplus.EnvValue } = {};
    for (const [key, value] of Object.entries(props.env ?? {}).sort(([a], [b]) => a.localeCompare(b))) {
      env[key] = kplus.EnvValue.fromValue(value);
    }
    const container = this.deployment.addContainer({
      name: service.serviceName,
      image: props.image,
      imagePullPolicy: props.imagePullPolicy,
      ports: uniqueTargetPorts(service.ports).map(number => ({ number })),
      envVariables: env,
      resources: props.resources,
      command: props.command,
      args: props.args,
      securityContext: user !== undefined ? { user } : undefined,
    });
    (props.writablePaths ?? []).forEach((path, i) => {
      if (!path.startsWith('/')) {
        reportError(this, 'MESH0017', `writablePaths '${path}' is not an absolute path: start it with '/'`);
        return;
      }
      const volume = kplus.Volume.fromEmptyDir(this, `Writable${i}`, `writable-${i}`);
      container.mount(path, volume);
    });
  }
}

/**
 * The labels and annotations that select a service's injection: the webhook of its control plane's
 * revision (and its template, when its proxy settings are its own), or none for an explicit sidecar.
 * An opt-out annotation in `podAnnotations` is reported and removed from it.
 */
function injectionMetadata(
  scope: IConstruct,
  service: MeshService,
  podAnnotations: { [key: string]: string },
): { labels: { [key: string]: string }; annotations: { [key: string]: string } } {
  const optOut = podAnnotations['sidecar.istio.io/inject'];
  if (optOut !== undefined) {
    const fix = service.injection.isExplicit
      ? 'explicit injection already writes the sidecar and opts the pods out of the webhook: drop the annotation'
      : "to keep the webhook's sidecar out, drop the annotation and use Injection.explicit(), or leave the service out of the mesh";
    reportError(scope, 'MESH0018', `podAnnotations sets 'sidecar.istio.io/inject: ${optOut}' on a service with ${service.injection.isExplicit ? 'explicit' : 'webhook'} injection: ${fix}`);
    delete podAnnotations['sidecar.istio.io/inject'];
  }
  if (service.injection.isExplicit) {
    return { labels: { 'sidecar.istio.io/inject': 'false' }, annotations: {} };
  }
  // The control plane (and so the template) is decided at synth, when every revision is known: a value
  // that resolves to undefined leaves its key out.
  const lazy = (produce: () => string | undefined): string => Lazy.any({ produce });
  return {
    labels: {
      'sidecar.istio.io/inject': 'true',
      'istio.io/rev': lazy(() => service.controlPlane.revision || undefined),
    },
    annotations: {
      'inject.istio.io/templates': lazy(() => service._templateName !== 'sidecar' ? service._templateName : undefined),
      // istiod puts the proxy first among the containers when the pod's proxy config asks it to.
      'proxy.istio.io/config': lazy(() => {
        const settings = service._proxySettings;
        const hold = settings.holdApplicationUntilProxyStarts && !settings.nativeSidecar;
        return hold ? JSON.stringify({ holdApplicationUntilProxyStarts: true }) : undefined;
      }),
    },
  };
}

class ImportedMeshService extends MeshServiceBase {
  public readonly mesh: IMesh;
  public readonly serviceName: string;
  public readonly namespace: string;
  public readonly serviceAccountName: string;
  public readonly ports: MeshServicePort[];
  public readonly versionNames?: string[];
  public readonly trafficPolicy: TrafficPolicyOptions;

  public constructor(scope: Construct, id: string, serviceName: string, options: ImportedMeshServiceOptions) {
    super(scope, id);
    markKind(this, 'ImportedMeshService');
    this.mesh = meshOf(this);
    this.serviceName = validateDnsLabel(this, 'serviceName', serviceName);
    this.namespace = options.namespace === undefined ? this.mesh.defaultNamespace : validateDnsLabel(this, 'namespace', options.namespace);
    this.serviceAccountName = options.serviceAccountName === undefined ? this.serviceName : validateDnsLabel(this, 'serviceAccountName', options.serviceAccountName);
    this.ports = resolvePorts(this, options.ports ?? [{ port: 80 }]);
    this.versionNames = options.versions ? [...options.versions] : undefined;
    this.trafficPolicy = trafficPolicyOf(options);
    this._applyTrafficPolicy();
  }
}

/**
 * The ports with every default resolved. Each problem is reported; the service goes on with what can stand:
 * a misnamed port takes its default name, and of two ports with one number the first is kept.
 */
function resolvePorts(scope: IConstruct, ports: MeshServicePort[]): MeshServicePort[] {
  if (ports.length === 0) {
    reportError(scope, 'MESH0012', 'ports is empty: a service needs at least one port, e.g. { port: 8080, protocol: Protocol.HTTP }');
    return [];
  }
  const perProtocol = new Map<Protocol, number>();
  for (const p of ports) {
    const protocol = p.protocol ?? Protocol.HTTP;
    perProtocol.set(protocol, (perProtocol.get(protocol) ?? 0) + 1);
  }
  // Names given in place of a wrong one: not the user's, so not checked for clashes (that would report the same mistake twice).
  const standIns = new Set<MeshServicePort>();
  const resolved = ports.map(p => {
    const protocol = p.protocol ?? Protocol.HTTP;
    checkProtocol(scope, 'service port', p.port, protocol);
    validatePort(scope, 'port', p.port);
    // A defaulted targetPort is the port: checked once, as the port.
    const targetPort = p.targetPort === undefined ? p.port : validatePort(scope, 'targetPort', p.targetPort);
    const defaultName = perProtocol.get(protocol)! > 1 ? `${protocol}-${p.port}` : protocol;
    let name = p.name ?? defaultName;
    let standIn = false;
    if (name !== protocol && !name.startsWith(`${protocol}-`)) {
      reportError(scope, 'MESH0011', `port ${p.port} name '${name}' does not start with its protocol '${protocol}': Istio selects the protocol by the name prefix, use '${protocol}' or '${protocol}-<suffix>'`);
      name = defaultName;
      standIn = true;
    } else {
      validateDnsLabel(scope, 'port name', name);
    }
    const port: MeshServicePort = { port: p.port, protocol, targetPort, name };
    if (standIn) {
      standIns.add(port);
    }
    return port;
  });
  const unique: MeshServicePort[] = [];
  const reported = new Set<number>();
  for (const p of resolved) {
    if (!unique.some(u => u.port === p.port)) {
      unique.push(p);
    } else if (!reported.has(p.port)) {
      reported.add(p.port);
      reportError(scope, 'MESH0012', `two ports have port ${p.port}: each port needs its own port`);
    }
  }
  const names = unique.filter(p => !standIns.has(p)).map(p => p.name!);
  for (const dup of new Set(names.filter((n, i) => names.indexOf(n) !== i))) {
    reportError(scope, 'MESH0012', `two ports have name '${dup}': each port needs its own name`);
  }
  return unique;
}

/** Only the traffic policy fields of a service's props (they also carry ports, names...). */
function trafficPolicyOf(p: TrafficPolicyOptions): TrafficPolicyOptions {
  return { timeout: p.timeout, retries: p.retries, circuitBreaker: p.circuitBreaker, loadBalancer: p.loadBalancer };
}

function uniqueTargetPorts(ports: MeshServicePort[]): number[] {
  return [...new Set(ports.map(p => p.targetPort!))];
}


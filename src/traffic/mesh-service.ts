import { ApiObject, JsonPatch } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import { Construct, IConstruct } from 'constructs';
import { DestinationPolicyOptions, checkedDestinationPolicy, destinationSettingsOf } from './destination-policy';
import { checkExportTo } from './export-to';
import { MeshServiceBase } from './mesh-service-base';
import { MeshServiceVersion, VersionOptions } from './mesh-service-version';
import { MeshServicePort } from './protocol';
import { TrafficPolicyOptions, trafficSettingsOf } from './service-traffic-policy';
import type { ControlPlane } from '../control-plane/control-plane';
import { chosenControlPlane } from '../control-plane/revisions';
import type { IMesh, IMeshService } from '../mesh-identity';
import { ensureNamespace, namespaceControlPlane } from '../namespaces';
import { checkStringMap, listOr } from '../private/enums';
import { reportError, reportWarning, required } from '../private/errors';
import { proxyRequestsAboveLimits, validateInjectable, validateLabels, validateServiceName } from '../private/kubernetes-rules';
import { validateDnsLabel, validateDnsSubdomain, validatePort } from '../private/names';
import { resolvePorts } from '../private/ports';
import { announce, isKind, markKind, meshOf } from '../private/tree';
import { NetworkPeer } from '../security/network-peer';
import { Injection } from '../sidecar/injection';
import { ProxyOptions } from '../sidecar/proxy';
import { ProxySettings, mergeProxy, validateProxyOptions } from '../sidecar/proxy-settings';
import type { MeshWorkload } from '../sidecar/workload';

/**
 * Options of `MeshService.fromName()`. Traffic settings of an imported service are a `ServiceTrafficPolicy`'s.
 */
export interface ImportedMeshServiceOptions {
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

  /**
   * The labels of its pods, which the mesh's NetworkPolicies name it by.
   *
   * @default - unknown: NetworkPolicies name its pods by `app: <serviceName>`, and synthesis warns (MESH0305)
   */
  readonly podLabels?: { [key: string]: string };

  /**
   * The namespaces whose proxies see the VirtualService and DestinationRule this program writes for the service:
   * `.` for its own, `*` for every namespace, or namespace names (see `MeshServiceProps.exportTo`).
   *
   * @default - every namespace (Istio's default)
   */
  readonly exportTo?: string[];
}

/**
 * Options of `MeshService.allowEgressTo()`.
 */
export interface EgressPeerOptions {
  /**
   * The ports the service's pods may connect to.
   *
   * @default - every port
   */
  readonly ports?: number[];
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

  /**
   * The namespaces whose proxies see the service's VirtualService and DestinationRule: `.` for the service's own,
   * `*` for every namespace, or namespace names. Istio pushes every object to every proxy that sees it, so a large
   * mesh keeps the routing of a service out of the namespaces that never call it. A caller in a namespace left
   * out bypasses the routing (weights, timeouts, retries, subsets), which synthesis reports.
   *
   * @default - every namespace (Istio's default)
   * @see https://istio.io/latest/docs/reference/config/networking/virtual-service/#VirtualService-export_to
   */
  readonly exportTo?: string[];
}

/**
 * One workload in the mesh: a ServiceAccount (its identity), a Service whose ports are named for their
 * protocol, and one Deployment per version, whose pods carry Istio's `app` and `version` labels and are
 * enrolled in sidecar injection.
 */
export class MeshService extends MeshServiceBase {
  /**
   * A service defined elsewhere (another program, chart or team), for routes and policies that name it. It renders
   * nothing by itself; its traffic settings are a `ServiceTrafficPolicy`'s.
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
  /** The revision the service chose, if it chose one. */
  public readonly revision?: string;
  /** The Kubernetes Service. */
  public readonly resource: kplus.Service;
  /** The ServiceAccount: the identity of the service's workloads. */
  public readonly serviceAccount: kplus.ServiceAccount;
  /** How the sidecar gets into the pods. */
  public readonly injection: Injection;

  private readonly proxyOptions?: ProxyOptions;
  private readonly _versions = new Map<string, MeshServiceVersion>();
  private readonly _versionPolicies = new Map<string, DestinationPolicyOptions>();
  private readonly egressPeers: { readonly peer: NetworkPeer; readonly ports?: number[] }[] = [];

  public constructor(scope: Construct, id: string, props: MeshServiceProps) {
    super(scope, id);
    // From JavaScript the props may be missing altogether: each required one is then reported as missing.
    props = props ?? {} as MeshServiceProps;
    markKind(this, 'MeshService');
    this.mesh = meshOf(this);
    this.serviceName = validateServiceName(this, 'serviceName', validateDnsLabel(this, 'serviceName', props.serviceName ?? id));
    // Defaults are checked where they come from (the mesh's default namespace, the service name), not again here.
    this.namespace = props.namespace === undefined ? this.mesh.defaultNamespace : validateDnsLabel(this, 'namespace', props.namespace);
    this.serviceAccountName = props.serviceAccountName === undefined ? this.serviceName : validateDnsSubdomain(this, 'serviceAccountName', props.serviceAccountName);
    // A missing list is reported as missing (MESH0006), not also as empty.
    // A value that is no list is reported as such (MESH0092), not also as empty.
    this.ports = props.ports
      ? resolvePorts(this, listOr(this, 'ports', props.ports) ?? [])
      : required(this, 'ports', props.ports, 'give the service its ports, e.g. [{ port: 8080, protocol: Protocol.HTTP }]', []);
    this.revision = props.revision;
    this.injection = checkInjection(this, props.injection) ? props.injection ?? Injection.webhook() : Injection.webhook();
    // The options without any invalid value (each is reported): nothing rendered from them carries one.
    this.proxyOptions = validateProxyOptions(this, props.proxy);
    if (props.proxy?.resources) {
      // The control plane, whose defaults fill in what is not given, is known at synth.
      this.node.addValidation({ validate: () => proxyRequestsAboveLimits(this._proxySettings) });
    }
    if (!this.injection.isExplicit) {
      validateInjectable(this, this.namespace, this.mesh.rootNamespace, 'the service would run without its sidecar', 'put the service in another namespace, or use Injection.explicit()');
    }
    ensureNamespace(this.mesh, this.namespace);

    this.serviceAccount = new kplus.ServiceAccount(this, 'ServiceAccount', {
      metadata: { name: this.serviceAccountName, namespace: this.namespace, labels: { account: this.serviceName } },
    });

    this.resource = new kplus.Service(this, 'Resource', {
      metadata: { name: this.serviceName, namespace: this.namespace, labels: { app: this.serviceName, service: this.serviceName } },
      ports: this.ports.map(p => ({ port: p.port, targetPort: p.targetPort, name: p.name })),
    });
    this.resource.selectLabel('app', this.serviceName);
    // cdk8s-plus-27's ServicePort has no appProtocol; Istio prefers it over the name prefix.
    this.ports.forEach((p, i) => ApiObject.of(this.resource).addJsonPatch(JsonPatch.add(`/spec/ports/${i}/appProtocol`, p.protocol!)));

    this._exportTo = checkExportTo(this, this.namespace, props.exportTo, false);
    this._applyTrafficPolicy(props);
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
    const controlPlane = this.controlPlane;
    const settings = mergeProxy(controlPlane._proxyDefaults, this.proxyOptions);
    return {
      namespace: this.namespace,
      serviceName: this.serviceName,
      controlPlane,
      explicit: this.injection.isExplicit,
      settings,
      templateName: controlPlane._templateNameFor(this.namespace, this.serviceName, settings),
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
   * Lets the service's pods connect to `peer` (the Kubernetes API server's addresses, a database outside the
   * mesh) past the NetworkPolicy the mesh renders for them (its `networkPolicies`). The services they may call,
   * DNS, istiod, the tracing collector and the external services need no such call.
   */
  public allowEgressTo(peer: NetworkPeer, options: EgressPeerOptions = {}): void {
    if (!(peer instanceof NetworkPeer)) {
      reportError(this, 'MESH0096', 'allowEgressTo() was given something that is not a NetworkPeer: make it with NetworkPeer.cidr(), NetworkPeer.namespace(), NetworkPeer.pods() or NetworkPeer.anywhere()');
      return;
    }
    const ports = listOr(this, 'ports', options?.ports);
    const valid = peer._check(this, 'allowEgressTo') && (ports ?? []).every(port => validatePort(this, 'allowEgressTo port', port) === port && Number.isInteger(port) && port >= 1 && port <= 65535);
    if (valid && !this.mesh.networkPolicies) {
      reportWarning(this, 'MESH0263', `allowEgressTo(${peer}) does nothing: the mesh renders no NetworkPolicies, so the service's pods may connect anywhere already: turn the mesh's networkPolicies on, or drop the call`);
    }
    if (valid) {
      this.egressPeers.push({ peer, ports: ports?.length ? [...ports] : undefined });
    }
  }

  /**
   * What `allowEgressTo()` lets the service's pods connect to.
   *
   * @internal
   */
  public get _egressPeers(): { readonly peer: NetworkPeer; readonly ports?: number[] }[] {
    return [...this.egressPeers];
  }

  /**
   * Adds a version: a Deployment `<service>-<version>` whose pods carry `app` and `version` labels.
   * A name already used is reported at synth, and the version of that name is returned unchanged.
   */
  public addVersion(name: string, options: VersionOptions): MeshServiceVersion {
    // From JavaScript the name may be no string: it is reported, and its text names the version's construct.
    name = validateDnsLabel(this, 'version', name);
    const existing = this._versions.get(name);
    if (existing) {
      reportError(this, 'MESH0013', `version '${name}' already exists (versions: ${[...this._versions.keys()].join(', ')}): give each version its own name`);
      // The first one stays: a second construct with the same id cannot be made.
      return existing;
    }
    // An empty name (reported above) cannot be a construct id; any id that is not a valid version name will do.
    const version = new MeshServiceVersion(this, name === '' ? '<empty>' : name, { service: this, versionName: name, ...options });
    this._versions.set(name, version);
    const policy = options?.trafficPolicy === undefined ? undefined : this._checkedVersionPolicy(name, options.trafficPolicy);
    if (policy) {
      this._versionPolicies.set(name, policy);
    }
    // A DestinationRule declares a subset for every version once there are two to choose between, so that a route
    // added later finds its subset already pushed (make-before-break). With one version there is nothing to route
    // between, and a DestinationRule would only cost istiod a push to every proxy that calls the service.
    if (policy || this._versions.size >= 2) {
      this._ensureSubsets();
    }
    return version;
  }

  /** @internal */
  public _versionPolicy(version: string): DestinationPolicyOptions | undefined {
    return this._versionPolicies.get(version);
  }

  private _checkedVersionPolicy(name: string, policy: DestinationPolicyOptions): DestinationPolicyOptions | undefined {
    const label = `version '${name}' trafficPolicy `;
    const routeSettings = ['timeout', 'retries'].filter(k => (policy as { [k: string]: unknown })?.[k] !== undefined);
    if (routeSettings.length > 0) {
      reportError(this, 'MESH0863', `${label}sets ${routeSettings.join(' and ')}, which ${routeSettings.length > 1 ? 'are route settings' : 'is a route setting'} (a VirtualService's), not a subset's: give ${routeSettings.length > 1 ? 'them' : 'it'} to a TrafficSplit route to the version (TrafficTarget.version('${name}')), or to the service`);
    }
    if (destinationSettingsOf(policy).length === 0) {
      if (routeSettings.length === 0) {
        reportError(this, 'MESH0864', `${label}sets nothing: give circuitBreaker, loadBalancer, connectionPool or outlierDetection, or remove it`);
      }
      return undefined;
    }
    return checkedDestinationPolicy(this, label, policy);
  }
}

/** Whether `injection` is an Injection (or missing); anything else (a string from JavaScript) is MESH0096. */
function checkInjection(scope: IConstruct, injection: unknown): boolean {
  if (injection === undefined || injection instanceof Injection) {
    return true;
  }
  reportError(scope, 'MESH0096', `injection ${typeof injection === 'string' ? `'${injection}'` : JSON.stringify(injection) ?? String(injection)} is not an Injection: choose Injection.webhook() or Injection.explicit()`);
  return false;
}

class ImportedMeshService extends MeshServiceBase {
  public readonly mesh: IMesh;
  public readonly serviceName: string;
  public readonly namespace: string;
  public readonly serviceAccountName: string;
  public readonly ports: MeshServicePort[];
  public readonly versionNames?: string[];
  /**
   * The labels of its pods, when given.
   *
   * @internal
   */
  public readonly _podLabels?: { [key: string]: string };

  public constructor(scope: Construct, id: string, serviceName: string, options: ImportedMeshServiceOptions) {
    super(scope, id);
    markKind(this, 'ImportedMeshService');
    this.mesh = meshOf(this);
    this.serviceName = validateServiceName(this, 'serviceName', validateDnsLabel(this, 'serviceName', serviceName));
    this.namespace = options.namespace === undefined ? this.mesh.defaultNamespace : validateDnsLabel(this, 'namespace', options.namespace);
    this.serviceAccountName = options.serviceAccountName === undefined ? this.serviceName : validateDnsSubdomain(this, 'serviceAccountName', options.serviceAccountName);
    this.ports = resolvePorts(this, listOr(this, 'ports', options.ports) ?? [{ port: 80 }]);
    this.versionNames = options.versions ? [...options.versions] : undefined;
    this._exportTo = checkExportTo(this, this.namespace, options.exportTo, false);
    if (options.podLabels !== undefined && checkStringMap(this, 'podLabels', options.podLabels)) {
      validateLabels(this, 'podLabels', options.podLabels);
      if (Object.keys(options.podLabels).length === 0) {
        reportError(this, 'MESH0260', `podLabels is empty, which would select every pod of its namespace: give the labels that select the service's pods, e.g. { app: '${this.serviceName}' }`);
      } else {
        this._podLabels = { ...options.podLabels };
      }
    }
    // The options used to carry traffic settings: from plain JavaScript they would be dropped without a word.
    const settings = trafficSettingsOf(options as TrafficPolicyOptions);
    if (settings.length > 0) {
      reportError(this, 'MESH0117', `MeshService.fromName() takes no traffic settings (given: ${settings.join(', ')}): give them to a ServiceTrafficPolicy for this service`);
    }
  }
}

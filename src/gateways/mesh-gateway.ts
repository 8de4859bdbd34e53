import { ApiObject, Lazy } from 'cdk8s';
import { k8s } from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import { ListenerTls } from './listener-tls';
import { MeshModel } from '../analysis/mesh-model';
import type { ControlPlane } from '../control-plane/control-plane';
import { chosenControlPlane } from '../control-plane/revisions';
import * as istio from '../imports/istio-networking';
import * as security from '../imports/istio-security';
import type { IMesh, IMeshIdentity } from '../mesh-identity';
import { ensureNamespace } from '../namespaces';
import { beforeAnalysis } from '../private/before-analysis';
import { checkEnum, checkStringMap, checkType, listOr } from '../private/enums';
import { reportError } from '../private/errors';
import { proxyRequestsAboveLimits, validateInt32, validateLabels, validateNotIstioPort, validateServiceName } from '../private/kubernetes-rules';
import { validateDnsLabel, validateDnsSubdomain, validatePort } from '../private/names';
import { restrictedPodSecurityContext } from '../private/pod-security';
import { checkProtocol, istioProtocol } from '../private/protocols';
import type { ResolvedListener } from '../private/resolved-listener';
import { announce, constructsOfKind, isKind, markKind, meshOf } from '../private/tree';
import { ProxyOptions } from '../sidecar/proxy';
import { mergeProxy, validateProxyOptions } from '../sidecar/proxy-settings';
import { PROXY_PORTS, proxyContainer, proxyVolumes } from '../sidecar/sidecar';
import { Protocol } from '../traffic/protocol';

/**
 * How the gateway's Service is exposed.
 */
export enum GatewayServiceType {
  /** An external load balancer (the usual ingress). */
  LOAD_BALANCER = 'LoadBalancer',
  /** A port on every node. */
  NODE_PORT = 'NodePort',
  /** Inside the cluster only (the usual egress). */
  CLUSTER_IP = 'ClusterIP',
}

/**
 * Which edge a gateway guards.
 */
export enum GatewayKind {
  /** Traffic into the mesh from outside: exposed by a load balancer, callable by anyone. */
  INGRESS = 'ingressgateway',
  /** Traffic out of the mesh: inside the cluster, callable by the mesh's workloads. */
  EGRESS = 'egressgateway',
}

/**
 * A port the gateway listens on, with the hosts it serves there.
 */
export interface GatewayListener {
  /** The port clients connect to (the gateway Service's port). */
  readonly port: number;

  /**
   * The protocol: HTTP, HTTPS (terminated at the gateway with `credentialName`'s certificate) or TLS
   * (passed through to the destination, routed by SNI).
   *
   * @default Protocol.HTTP
   */
  readonly protocol?: Protocol;

  /**
   * The host names served on this port (`*` for any, `*.example.com` for a domain).
   *
   * @default ['*']
   */
  readonly hosts?: string[];

  /**
   * The Secret (in the gateway's namespace) with the certificate and key of an HTTPS listener: `tls.crt`
   * and `tls.key`, as cert-manager writes them. Required for HTTPS unless `tls` names it; the key never enters a manifest.
   *
   * @default - none
   */
  readonly credentialName?: string;

  /**
   * How an HTTPS listener terminates TLS: its certificate's Secret, client certificate verification (mutual TLS),
   * TLS versions and cipher suites, e.g. `ListenerTls.mutual('shop-cert', { minVersion: TlsVersion.TLSV1_3 })`.
   * Give it instead of `credentialName`.
   *
   * @default - SIMPLE TLS with credentialName's certificate
   */
  readonly tls?: ListenerTls;

  /**
   * On an HTTP listener: answer every request with a 301 redirect to the same URL over HTTPS, which an HTTPS
   * listener of the gateway serves. The listener's hosts then need no route.
   *
   * @default false
   */
  readonly httpsRedirect?: boolean;
}

/**
 * A gateway installed by other means (istioctl's `istio-ingressgateway`, Istio's `gateway` Helm chart): the mesh
 * writes its Gateway object and routes, selecting the installed pods by their labels, but no Deployment,
 * Service, ServiceAccount or NetworkPolicy.
 *
 * @see https://istio.io/latest/docs/setup/additional-setup/gateway/
 */
export interface ExistingGateway {
  /**
   * The labels of the installed gateway's pods, which its Gateway object selects (and NetworkPolicies name).
   *
   * @example { istio: 'ingressgateway' }
   */
  readonly selector: { [key: string]: string };

  /**
   * The name of the installed gateway's Service (its host inside the cluster is `<serviceName>.<namespace>.svc`).
   *
   * @default - 'istio-ingressgateway' for an ingress gateway, 'istio-egressgateway' for an egress gateway
   */
  readonly serviceName?: string;

  /**
   * The service account its pods run as: their mTLS identity, which AccessPolicies name.
   *
   * @default - '<serviceName>-service-account' (what istioctl installs) when serviceName is left out, else the serviceName (what Istio's gateway Helm chart installs)
   */
  readonly serviceAccountName?: string;
}

/**
 * Options common to ingress and egress gateways.
 */
export interface GatewayOptions {
  /**
   * The namespace of the gateway's workload and objects.
   *
   * @default - 'istio-ingress' for ingress gateways, the root namespace for egress gateways and gateways that exist already
   */
  readonly namespace?: string;

  /**
   * The name of the Deployment, Service, ServiceAccount and Gateway (of a gateway that exists already: of its Gateway object).
   *
   * @default - the construct id
   */
  readonly name?: string;

  /**
   * A gateway installed by other means that this one binds to, instead of deploying its own: the mesh then
   * writes only the Gateway object (selecting the installed pods), its routes and, where the mesh denies by
   * default in the gateway's namespace, the AuthorizationPolicy that lets it be called. `replicas`,
   * `serviceType`, `revision` and `proxy` (and an ingress gateway's `allowAccessFrom`) configure a workload the
   * mesh deploys, so they cannot be given with it.
   *
   * @default - the mesh deploys the gateway
   */
  readonly existing?: ExistingGateway;

  /**
   * The ports and hosts it serves.
   *
   * @default - HTTP on port 80, any host (ingress); HTTP on port 80 and TLS on port 443 (egress)
   */
  readonly listeners?: GatewayListener[];

  /**
   * Number of gateway pods.
   *
   * @default 1
   */
  readonly replicas?: number;

  /**
   * How the Service is exposed.
   *
   * @default - LOAD_BALANCER for ingress, CLUSTER_IP for egress
   */
  readonly serviceType?: GatewayServiceType;

  /**
   * The control plane revision that configures the gateway.
   *
   * @default - the mesh's default control plane
   */
  readonly revision?: string;

  /**
   * Settings of the gateway's proxy (resources, log level).
   *
   * @default - its control plane's proxy defaults
   */
  readonly proxy?: ProxyOptions;
}


/**
 * An Istio gateway: a standalone Envoy (Deployment, Service, ServiceAccount) at the edge of the mesh, and
 * the Gateway object that tells it which ports and hosts to serve. Its pod is rendered from the same
 * proxy model as sidecars, so it needs no injection.
 */
export abstract class MeshGateway extends Construct implements IMeshIdentity {
  /**
   * Whether `x` is a `MeshGateway` (told by a symbol, as cdk8s tells charts apart: it works across copies of the library).
   */
  public static isMeshGateway(x: any): x is MeshGateway {
    return isKind(x, 'MeshGateway');
  }

  public readonly mesh: IMesh;
  /** The name of the Deployment, Service and ServiceAccount (of a gateway that exists already: of its Service). */
  public readonly serviceName: string;
  /** The name of the Gateway object (and the routes' VirtualServices). */
  public readonly gatewayName: string;
  /** The service account the gateway's pods run as: their identity. */
  public readonly serviceAccountName: string;
  /** The installed gateway this one binds to, with every default resolved; undefined when the mesh deploys it. */
  public readonly existing?: ExistingGateway;
  /** The namespace. */
  public readonly namespace: string;
  /** The revision the gateway chose, if it chose one. */
  public readonly revision?: string;

  /** Which edge it guards. */
  public readonly kind: GatewayKind;

  /** @internal */
  protected readonly _listeners: ResolvedListener[];
  /**
   * Whether the listeners were rejected (an empty list): the defaults stand in for them, and the gateway's
   * hosts are not held against it.
   *
   * @internal
   */
  protected readonly _listenersRejected: boolean;
  /**
   * Host names of listeners that were reported as invalid and left out: a route to one is not reported again.
   *
   * @internal
   */
  protected readonly _rejectedHosts: ReadonlySet<string>;
  /**
   * How the gateway's Service is exposed.
   *
   * @internal
   */
  protected readonly _serviceType: GatewayServiceType;
  private readonly proxyOptions: ProxyOptions;
  private readonly allowedCallers: security.AuthorizationPolicySpecRules;
  private accessWatched = false;

  protected constructor(scope: Construct, id: string, options: GatewayOptions, kind: GatewayKind) {
    super(scope, id);
    markKind(this, 'MeshGateway');
    this.mesh = meshOf(this);
    this.kind = kind;
    const ingress = kind === GatewayKind.INGRESS;
    const defaults = {
      namespace: ingress ? 'istio-ingress' : undefined,
      serviceType: ingress ? GatewayServiceType.LOAD_BALANCER : GatewayServiceType.CLUSTER_IP,
      role: kind as string,
      // An ingress is called by clients outside the mesh, which have no mesh identity; an egress by the
      // mesh's workloads, which all have one.
      allowedCallers: ingress ? {} : { from: [{ source: { principals: ['*'] } }] },
    };
    this.allowedCallers = defaults.allowedCallers;
    this.existing = this.existingGateway(options, kind);
    this.gatewayName = validateDnsLabel(this, 'name', options.name ?? id);
    this.serviceName = this.existing?.serviceName ?? validateServiceName(this, 'name', this.gatewayName);
    this.serviceAccountName = this.existing?.serviceAccountName ?? this.serviceName;
    this.namespace = validateDnsLabel(this, 'namespace', options.namespace ?? (this.existing ? undefined : defaults.namespace) ?? this.mesh.rootNamespace);
    this.revision = this.existing ? undefined : options.revision;
    // An installed gateway's proxy is not the mesh's to configure (reported with existing, MESH0707).
    this.proxyOptions = this.existing ? {} : validateProxyOptions(this, options.proxy);
    if (!this.existing && options.proxy?.resources) {
      // The control plane, whose defaults fill in what is not given, is known at synth.
      this.node.addValidation({ validate: () => proxyRequestsAboveLimits(mergeProxy(this.controlPlane._proxyDefaults, this.proxyOptions)) });
    }
    const rejectedHosts = new Set<string>();
    this._rejectedHosts = rejectedHosts;
    const listeners = listOr(this, 'listeners', options.listeners) ?? defaultListeners(kind);
    this._listenersRejected = listeners.length === 0;
    if (this._listenersRejected) {
      reportError(this, 'MESH0122', 'listeners is empty: a gateway needs at least one, e.g. { port: 80 }');
    }
    this._listeners = this.resolveListeners(this._listenersRejected ? defaultListeners(kind) : listeners, rejectedHosts);
    const gateway = () => new istio.Gateway(this, 'Resource', {
      metadata: { name: this.gatewayName, namespace: this.namespace },
      spec: Lazy.any({ produce: () => this._gatewaySpec() }),
    });
    if (this.existing) {
      this._serviceType = defaults.serviceType;
      gateway();
      // An installed workload gets a policy only where the mesh's own deny-by-default would refuse its callers.
      if (MeshModel.of(this.mesh).deniesByDefault(this.namespace)) {
        this.allowCallers();
      }
      announce(this.mesh, this);
      return;
    }
    let replicas = options.replicas ?? 1;
    if (!checkType(this, 'replicas', options.replicas, 'number')) {
      replicas = 1;
    } else if (!Number.isInteger(replicas) || replicas < 0) {
      reportError(this, 'MESH0121', `replicas ${replicas} is invalid: use a whole number of at least 0`);
      replicas = 1;
    } else if (!validateInt32(this, 'replicas', replicas, 0)) {
      replicas = 1;
    }
    // Gateway pods carry their proxy themselves; their namespace is not enrolled in injection.
    ensureNamespace(this.mesh, this.namespace, false);

    // The control plane is decided at synth, when every revision is known.
    const labels = { 'app': this.serviceName, 'istio': defaults.role, 'istio.io/rev': Lazy.any({ produce: () => this.controlPlane.revisionLabel }) as string };
    const meta = { name: this.serviceName, namespace: this.namespace, labels };
    new k8s.KubeServiceAccount(this, 'ServiceAccount', { metadata: meta });
    // Not a KubeDeployment: the sidecar model's container is plain JSON, whose quantities and ports its toJson would drop.
    new ApiObject(this, 'Deployment', {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: meta,
      spec: {
        replicas,
        selector: { matchLabels: { app: this.serviceName, istio: defaults.role } },
        template: {
          metadata: {
            labels: { ...labels, 'sidecar.istio.io/inject': 'false', 'service.istio.io/canonical-name': this.serviceName },
            annotations: { 'prometheus.io/path': '/stats/prometheus', 'prometheus.io/port': String(PROXY_PORTS.agent), 'prometheus.io/scrape': 'true' },
          },
          spec: {
            serviceAccountName: this.serviceName,
            containers: Lazy.any({ produce: () => [this.proxyContainer()] }),
            volumes: proxyVolumes(),
            // Pod Security "baseline" (and so "restricted") allows this sysctl since Kubernetes 1.22: it is namespaced.
            securityContext: { ...restrictedPodSecurityContext(), sysctls: [{ name: 'net.ipv4.ip_unprivileged_port_start', value: '0' }] },
          },
        },
      },
    });
    this._serviceType = checkEnum(this, 'serviceType', options.serviceType, GatewayServiceType, 'GatewayServiceType') ? options.serviceType ?? defaults.serviceType : defaults.serviceType;
    new k8s.KubeService(this, 'Service', {
      metadata: meta,
      spec: {
        type: this._serviceType,
        selector: { app: this.serviceName, istio: defaults.role },
        ports: [
          { name: 'status-port', port: PROXY_PORTS.health, protocol: 'TCP', targetPort: k8s.IntOrString.fromNumber(PROXY_PORTS.health) },
          ...this._listeners.map(l => ({ name: l.name, port: l.port, protocol: 'TCP', targetPort: k8s.IntOrString.fromNumber(l.targetPort) })),
        ],
      },
    });
    gateway();
    this.allowCallers();
    announce(this.mesh, this);
  }

  /**
   * Lets an installed gateway be called where an allow-nothing policy of the mesh now covers its namespace
   * (the root namespace's covers every namespace, unless the mesh adopts an existing Istio).
   *
   * @internal
   */
  public _deniedByDefaultIn(namespace: string): void {
    if (this.existing && (namespace === this.namespace || namespace === this.mesh.rootNamespace && !this.mesh.existingIstio)) {
      this.allowCallers();
    }
  }

  /**
   * The control plane that configures the gateway: its revision's, else the mesh's default.
   */
  public get controlPlane(): ControlPlane {
    // An unknown revision is the analysis' MESH0036; until then the gateway stays with the default.
    return chosenControlPlane(this.mesh, this.revision, () => this.mesh.controlPlane as ControlPlane);
  }

  /**
   * The Gateway object: Istio's, or the Gateway API's when the mesh renders routing with it (decided at synthesis,
   * when every route is known: read it after `analyze()` or synthesis).
   */
  public get resource(): ApiObject {
    return this.node.findChild('Resource') as ApiObject;
  }

  /**
   * The listeners, every default resolved.
   *
   * @internal
   */
  public get _resolvedListeners(): ResolvedListener[] {
    return [...this._listeners];
  }

  /** The host name of the gateway's Service. */
  public get host(): string {
    return this.mesh.hostOf(this.serviceName, this.namespace);
  }

  /** The gateway's SPIFFE identity. */
  public get identity(): string {
    return `spiffe://${this.principal}`;
  }

  /** The identity as AuthorizationPolicy principals name it. */
  public get principal(): string {
    return this.mesh.principalOf(this.namespace, this.serviceAccountName);
  }

  /**
   * The container ports of the listeners.
   *
   * @internal
   */
  public get _listenerTargetPorts(): number[] {
    return this._listeners.map(l => l.targetPort);
  }

  /** `<namespace>/<name>`, as VirtualServices name the gateway. */
  public get gatewayRef(): string {
    return `${this.namespace}/${this.gatewayName}`;
  }

  /** The hosts the gateway serves, on any listener (without the namespace a listener host may name). */
  public get hosts(): string[] {
    return [...new Set(this._listeners.flatMap(l => l.hosts.map(gatewayHostName)))];
  }

  /** @internal */
  public _gatewaySpec(): istio.GatewaySpec {
    return {
      selector: this.existing ? { ...this.existing.selector } : { app: this.serviceName, istio: this.kind },
      servers: this._listeners.map(l => ({
        port: { number: l.port, name: l.name, protocol: istioProtocol(l.protocol) },
        hosts: [...l.hosts],
        tls: l.protocol === Protocol.HTTPS ? l.tls?._render() ?? { mode: istio.GatewaySpecServersTlsMode.SIMPLE, credentialName: l.credentialName }
          : l.protocol === Protocol.TLS ? { mode: istio.GatewaySpecServersTlsMode.PASSTHROUGH }
            : l.httpsRedirect ? { httpsRedirect: true } : undefined,
      })),
    };
  }


  /**
   * The labels that select the gateway's pods: an installed gateway's selector, or the app and role of the one
   * the mesh deploys.
   *
   * @internal
   */
  public get _podLabels(): { [key: string]: string } {
    return this.existing ? { ...this.existing.selector } : { app: this.serviceName, istio: this.kind };
  }

  /**
   * A gateway is an entry or exit by design: it stays reachable when the mesh denies by default. Its own policy
   * admits every caller, so it gives way to an `AccessPolicy` that allow-lists the gateway's callers (Istio admits
   * what any ALLOW policy admits: beside an allow-all policy, the program's ALLOW rules would refuse nobody).
   */
  private allowCallers(): void {
    if (this.node.tryFindChild('Access')) {
      return;
    }
    this.writeOwnAccess();
    if (!this.accessWatched) {
      this.accessWatched = true;
      beforeAnalysis(this.mesh, () => this.yieldToAccessPolicies());
    }
  }

  /** Drops the gateway's own policy while an AccessPolicy allow-lists its callers; writes it back when none does. */
  private yieldToAccessPolicies(): void {
    const taken = constructsOfKind(this.node.root, 'AccessPolicy')
      .map(p => p as unknown as { gateway?: unknown; _allowListed: boolean })
      .some(p => p.gateway === this && p._allowListed);
    const own = this.node.tryFindChild('Access');
    if (taken && own) {
      this.node.tryRemoveChild('Access');
    } else if (!taken && !own) {
      this.writeOwnAccess();
    }
  }

  private writeOwnAccess(): void {
    new security.AuthorizationPolicy(this, 'Access', {
      metadata: { name: this.gatewayName, namespace: this.namespace },
      spec: {
        selector: { matchLabels: this.existing ? { ...this.existing.selector } : { app: this.serviceName } },
        action: security.AuthorizationPolicySpecAction.ALLOW,
        rules: [this.allowedCallers],
      },
    });
  }

  /**
   * The installed gateway of `existing`, checked, with its defaults; the options that configure a workload the
   * mesh would deploy are reported beside it.
   */
  private existingGateway(options: GatewayOptions, kind: GatewayKind): ExistingGateway | undefined {
    const existing = options.existing;
    if (existing === undefined || existing === null) {
      return undefined;
    }
    const workloadOptions = ['replicas', 'serviceType', 'revision', 'proxy', 'allowAccessFrom'] as const;
    const given = workloadOptions.filter(o => (options as { [key: string]: unknown })[o] !== undefined);
    if (given.length > 0) {
      reportError(this, 'MESH0707', `${given.join(', ')} ${given.length > 1 ? 'are' : 'is'} set beside existing, but the gateway's workload is installed by other means, `
        + 'which configure it: set them where the gateway is installed, or leave existing out to have the mesh deploy the gateway');
    }
    const selector = typeof existing === 'object' && checkStringMap(this, 'existing.selector', existing.selector) ? existing.selector ?? {} : {};
    if (Object.keys(selector).length === 0) {
      reportError(this, 'MESH0708', `existing.selector is ${existing.selector === undefined ? 'missing' : 'empty'}, so the Gateway would select no installed pods: `
        + `give the labels of the installed gateway's pods, e.g. { istio: '${kind}' }`);
    }
    validateLabels(this, 'existing.selector', selector);
    const serviceName = existing.serviceName === undefined ? undefined : validateServiceName(this, 'existing.serviceName', validateDnsLabel(this, 'existing.serviceName', existing.serviceName));
    const serviceAccountName = existing.serviceAccountName === undefined ? undefined : validateDnsSubdomain(this, 'existing.serviceAccountName', existing.serviceAccountName);
    const installed = `istio-${kind}`;
    return {
      selector: Object.keys(selector).length > 0 ? { ...selector } : { istio: kind },
      serviceName: serviceName ?? installed,
      serviceAccountName: serviceAccountName ?? (serviceName ?? `${installed}-service-account`),
    };
  }

  /** The gateway's Envoy: the sidecar's proxy container, as a router, with the listeners' ports. */
  private proxyContainer(): any {
    const controlPlane = this.controlPlane;
    const container = proxyContainer(controlPlane._sidecarEnvironment, mergeProxy(controlPlane._proxyDefaults, this.proxyOptions), {
      workloadName: this.serviceName,
      owner: `kubernetes://apis/apps/v1/namespaces/${this.namespace}/deployments/${this.serviceName}`,
      podPorts: '[]',
      appContainers: '',
      defaultContainer: 'istio-proxy',
      canonicalName: this.serviceName,
      canonicalRevision: 'latest',
    }, 'router');
    container.ports = [
      ...this._listeners.map(l => ({ containerPort: l.targetPort, name: l.name, protocol: 'TCP' })),
      { containerPort: PROXY_PORTS.health, name: 'status-port', protocol: 'TCP' },
      ...container.ports,
    ];
    return container;
  }

  /**
   * The listeners with their defaults. Each problem is reported and the listener kept with what is valid
   * (an invalid host left out, a stray credentialName dropped), so that routes to its hosts still find them.
   */
  private resolveListeners(listeners: GatewayListener[], rejectedHosts: Set<string>): ResolvedListener[] {
    const resolved = listeners.map(l => {
      const port = validatePort(this, 'listener port', l.port);
      const protocol = l.protocol ?? Protocol.HTTP;
      // A protocol the gateway cannot serve is reported once: its credentialName is not judged against it.
      const served = checkProtocol(this, 'gateway listener', port, protocol);
      const given = l.hosts ?? ['*'];
      if (given.length === 0) {
        reportError(this, 'MESH0122', `listener ${port} has no hosts: list the host names it serves, or '*'`);
      }
      const hosts = given.filter(written => {
        // '<namespace>/<host>' lets only VirtualServices of that namespace ('.': the gateway's, '*': any) bind the host.
        const slash = typeof written === 'string' ? written.indexOf('/') : -1;
        const namespace = slash >= 0 ? written.slice(0, slash) : undefined;
        const host = slash >= 0 ? written.slice(slash + 1) : written;
        const namespaceOk = namespace === undefined || namespace === '.' || namespace === '*' || /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/.test(namespace);
        if (!namespaceOk || host !== '*' && !validHost(host)) {
          reportError(this, 'MESH0122', `listener ${port} host '${written}' is not a host name: use 'example.com', '*.example.com' or '*'`);
          rejectedHosts.add(written);
          rejectedHosts.add(host);
          return false;
        }
        if (host !== '*' && !host.includes('.')) {
          // istiod refuses short names in a Gateway's hosts: a gateway serves names clients resolve.
          reportError(this, 'MESH0122', `listener ${port} host '${written}' is a short name, which istiod refuses in a gateway: use a fully qualified name such as '${host}.example.com', or '*'`);
          rejectedHosts.add(written);
          rejectedHosts.add(host);
          return false;
        }
        return true;
      });
      const { tls, httpsRedirect } = this.listenerTls(l, port, protocol, served);
      let credentialName = tls?.credentialName ?? l.credentialName;
      if (served && protocol === Protocol.HTTPS && !credentialName && (l.tls === undefined || l.tls === null)) {
        reportError(this, 'MESH0123', `HTTPS listener ${port} has no credentialName: name the Secret with its certificate and key (tls.crt, tls.key)`);
      }
      if (served && protocol !== Protocol.HTTPS && credentialName) {
        reportError(this, 'MESH0123', `${istioProtocol(protocol)} listener ${port} has a credentialName, which only HTTPS listeners use: drop it or make the listener HTTPS`);
        credentialName = undefined;
      }
      if (credentialName && !tls) {
        validateDnsSubdomain(this, 'credentialName', credentialName);
      }
      // Envoy runs unprivileged: ports below 1024 are served on 8000 + port, as Istio's gateways do.
      const targetPort = port < 1024 ? port + 8000 : port;
      return { port, protocol, hosts, credentialName, tls, httpsRedirect, targetPort, name: `${protocol}-${port}` };
    });
    // A port already reported as out of range is not reported again as a duplicate.
    const ports = resolved.map(l => l.port).filter(p => Number.isInteger(p) && p >= 1 && p <= 65535);
    for (const dup of new Set(ports.filter((p, i) => ports.indexOf(p) !== i))) {
      reportError(this, 'MESH0122', `two listeners have port ${dup}: give each listener its own port`);
    }
    const unique = [...new Set(ports)];
    unique.forEach(p => validateNotIstioPort(this, 'listener port', p));
    // Two listeners on one container port: the Service sends both to one Envoy listener.
    const byTarget = new Map<number, number[]>();
    for (const p of unique) {
      const target = p < 1024 ? p + 8000 : p;
      byTarget.set(target, [...byTarget.get(target) ?? [], p]);
    }
    for (const [target, listenerPorts] of byTarget) {
      if (listenerPorts.length > 1) {
        reportError(this, 'MESH0135', `listeners ${listenerPorts.join(' and ')} are both served on container port ${target} (a port below 1024 is served on 8000 + port): change one of the listener ports`);
      }
    }
    for (const l of resolved.filter(r => r.httpsRedirect)) {
      const https = resolved.filter(r => r.protocol === Protocol.HTTPS);
      const uncovered = l.hosts.map(gatewayHostName).filter(h => !https.some(r => r.hosts.some(x => hostCovers(gatewayHostName(x), h))));
      if (uncovered.length > 0) {
        reportError(this, 'MESH1107', `listener ${l.port} redirects to HTTPS, but no HTTPS listener of the gateway serves ${uncovered.map(h => `'${h}'`).join(', ')}, so the redirected clients would find nothing there: add an HTTPS listener with ${uncovered.length > 1 ? 'those hosts' : 'that host'}, or drop httpsRedirect`);
      }
    }
    return resolved;
  }

  /**
   * A listener's TLS settings and HTTPS redirect, checked (each problem reported; what is wrong is left out).
   */
  private listenerTls(l: GatewayListener, port: number, protocol: Protocol, served: boolean): { tls?: ListenerTls; httpsRedirect?: boolean } {
    let tls: ListenerTls | undefined;
    if (l.tls !== undefined && l.tls !== null) {
      if (!ListenerTls.isListenerTls(l.tls)) {
        reportError(this, 'MESH1100', `listener ${port} tls is not a ListenerTls: make it with ListenerTls.simple(), ListenerTls.mutual() or ListenerTls.optionalMutual()`);
      } else if (served && protocol !== Protocol.HTTPS) {
        reportError(this, 'MESH1100', `${istioProtocol(protocol)} listener ${port} has tls, which only HTTPS listeners terminate${protocol === Protocol.TLS ? ' (a TLS listener passes the stream through unread)' : ''}: make the listener HTTPS, or drop tls`);
      } else if (l.credentialName !== undefined) {
        reportError(this, 'MESH1100', `listener ${port} has both credentialName and tls: give the Secret once, in tls (ListenerTls.simple('${l.credentialName}'))`);
      } else if (served && l.tls._check(this, port)) {
        tls = l.tls;
      } else if (served) {
        // Reported by the check: the listener keeps its certificate, so that its hosts are still served.
        tls = typeof l.tls.credentialName === 'string' && l.tls.credentialName !== '' ? ListenerTls.simple(l.tls.credentialName) : undefined;
      }
    }
    let httpsRedirect: boolean | undefined;
    if (l.httpsRedirect !== undefined && l.httpsRedirect !== null && checkType(this, 'httpsRedirect', l.httpsRedirect, 'boolean') && l.httpsRedirect) {
      if (served && protocol !== Protocol.HTTP) {
        reportError(this, 'MESH1106', `${istioProtocol(protocol)} listener ${port} has httpsRedirect, which only plain HTTP listeners take: drop it, or set it on the HTTP listener`);
      } else if (this.kind !== GatewayKind.INGRESS) {
        reportError(this, 'MESH1106', `listener ${port} has httpsRedirect, but the gateway is an egress gateway, whose callers are the mesh's workloads: drop httpsRedirect`);
      } else {
        httpsRedirect = true;
      }
    }
    return { tls, httpsRedirect };
  }
}

/** The listeners a gateway of `kind` has when none are given. */
function defaultListeners(kind: GatewayKind): GatewayListener[] {
  return kind === GatewayKind.INGRESS ? [{ port: 80 }] : [{ port: 80, protocol: Protocol.HTTP }, { port: 443, protocol: Protocol.TLS }];
}

/**
 * The host name of a gateway listener host, which may name the namespace of the VirtualServices that bind it
 * (`ns/api.example.com`).
 *
 * @internal
 */
export function gatewayHostName(host: string): string {
  return host.slice(host.indexOf('/') + 1);
}

/**
 * The namespace a gateway listener host lets VirtualServices bind it from: `*` for any, else one namespace.
 *
 * @internal
 */
export function gatewayHostNamespace(host: string, gatewayNamespace: string): string {
  const slash = host.indexOf('/');
  const namespace = slash >= 0 ? host.slice(0, slash) : '*';
  return namespace === '.' ? gatewayNamespace : namespace;
}

/** @internal */
export function validHost(host: string): boolean {
  // A DNS name: labels of at most 63 characters, 253 in all (RFC 1123).
  return typeof host === 'string' && host.length <= 253
    && /^(\*\.)?[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/.test(host)
    && host.split('.').every(label => label.length <= 63);
}

/**
 * Whether `pattern` (a gateway or route host, possibly `*` or `*.domain`) covers `host`.
 *
 * @internal
 */
export function hostCovers(pattern: string, host: string): boolean {
  if (pattern === '*' || pattern === host) {
    return true;
  }
  if (pattern.startsWith('*.')) {
    const domain = pattern.slice(1);
    return host.endsWith(domain) || host.startsWith('*.') && host.slice(1).endsWith(domain);
  }
  return false;
}

import { ApiObject, Lazy } from 'cdk8s';
import { Construct } from 'constructs';
import type { ExternalTrafficSplit } from './external-split';
import type { MeshCode } from '../analysis/codes';
import type { EgressGateway } from '../gateways/egress-gateway';
import { validHost } from '../gateways/mesh-gateway';
import * as istio from '../imports/istio-networking';
import type { IMesh, IMeshService } from '../mesh-identity';
import { ensureNamespace } from '../namespaces';
import { admitCaller, restrictCallers } from './egress-callers';
import { checkExportTo } from './export-to';
import { TlsOrigination, checkTlsOrigination, originationTargetPort, renderTlsOrigination, withMutualTlsHop } from './external-tls';
import { Protocol } from './protocol';
import { checkEnum, listOr } from '../private/enums';
import { reportError, reportWarning, required } from '../private/errors';
import { validateNotIstioPort } from '../private/kubernetes-rules';
import { validateDnsLabel, validatePort } from '../private/names';
import { checkProtocol, istioProtocol } from '../private/protocols';
import { checkEgressGateway } from '../private/services';
import { constructsOfKind, isKind, markKind, meshOf } from '../private/tree';

/**
 * A port of an external service.
 */
export interface ExternalPort {
  /** The port number. */
  readonly port: number;

  /**
   * The protocol. Through an egress gateway, HTTP is routed by authority, HTTPS and TLS by SNI; other
   * protocols cannot be routed through one.
   *
   * @default Protocol.HTTPS
   */
  readonly protocol?: Protocol;
}

/**
 * How the mesh finds the addresses of an external service.
 */
export enum ExternalResolution {
  /** Resolve the host names with DNS. */
  DNS = 'DNS',
  /** Send to the address the application connected to. */
  NONE = 'NONE',
}

/**
 * Properties of an `ExternalService`.
 */
export interface ExternalServiceProps {
  /** The host names of the service (`api.example.com`, `*.example.com` with resolution NONE). */
  readonly hosts: string[];

  /**
   * Its ports.
   *
   * @default - HTTPS on 443
   */
  readonly ports?: ExternalPort[];

  /**
   * How its addresses are found.
   *
   * @default ExternalResolution.DNS
   */
  readonly resolution?: ExternalResolution;

  /**
   * The name of the ServiceEntry.
   *
   * @default - the construct id
   */
  readonly name?: string;

  /**
   * The namespace of the ServiceEntry (visible mesh-wide).
   *
   * @default - the mesh's default namespace
   */
  readonly namespace?: string;

  /**
   * Send calls to it through an egress gateway, so that they leave the mesh from known pods.
   *
   * @default - straight from each calling pod
   */
  readonly egressGateway?: EgressGateway;

  /**
   * The namespaces whose proxies see the ServiceEntry (and, through an egress gateway, its VirtualService): `.`
   * for its own namespace, `*` for every namespace, `~` for none but its own proxies, or namespace names. A caller
   * in a namespace left out does not know the service (with REGISTRY_ONLY outbound traffic, its calls are refused),
   * which synthesis reports.
   *
   * @default - every namespace (Istio's default)
   * @see https://istio.io/latest/docs/reference/config/networking/service-entry/#ServiceEntry-export_to
   */
  readonly exportTo?: string[];

  /**
   * TLS the mesh originates: the application calls a plain HTTP port, its sidecar (or the egress gateway) opens TLS
   * to the host.
   *
   * @default - none: the application's own TLS, if any, goes through unread
   * @see https://istio.io/latest/docs/tasks/traffic-management/egress/egress-tls-origination/
   */
  readonly tlsOrigination?: TlsOrigination[];

  /**
   * The only services of the mesh that may call it. Every other workload of the mesh stops knowing the host (its
   * namespace's Sidecar leaves it out, REGISTRY_ONLY), the callers' Sidecars list it, and through an egress
   * gateway a DENY AuthorizationPolicy there refuses it to every other identity. Add more with `addCaller()`.
   *
   * The namespaces' Sidecars are REGISTRY_ONLY and list the namespaces the program knows (with the cluster's
   * 'default' and 'kube-system'): their workloads lose passthrough to hosts the mesh does not declare and to
   * namespaces the program does not model. A namespace that needs more declares its own `EgressScope`, which the
   * mesh then keeps (and merges into its callers' Sidecars).
   *
   * @default - every workload that knows the host may call it
   * @see https://istio.io/latest/docs/reference/config/networking/sidecar/
   */
  readonly callers?: IMeshService[];
}

/**
 * A service outside the mesh that workloads may call: a ServiceEntry, so the mesh knows it (required
 * with REGISTRY_ONLY outbound traffic), optionally reached through an egress gateway.
 *
 * @see https://istio.io/latest/docs/reference/config/networking/service-entry/
 */
export class ExternalService extends Construct {
  /**
   * Whether `x` is an `ExternalService` (told by a symbol, as cdk8s tells charts apart: it works across copies of the library).
   */
  public static isExternalService(x: any): x is ExternalService {
    return isKind(x, 'ExternalService');
  }

  /** The mesh. */
  public readonly mesh: IMesh;
  /** The host names. */
  public readonly hosts: string[];
  /** The ports, every default resolved. */
  public readonly ports: ExternalPort[];
  /** The namespace of its objects. */
  public readonly namespace: string;
  /** The egress gateway calls pass through, if any. */
  public readonly egressGateway?: EgressGateway;
  /** The namespaces whose proxies see the service; undefined: Istio's default, every namespace. */
  public readonly exportTo?: string[];
  /** The TLS the mesh originates, per plain HTTP port, every default resolved. */
  public readonly tlsOrigination: TlsOrigination[];
  /** The ports whose protocol was reported as unknown. */
  private readonly unknownProtocolPorts: ReadonlySet<ExternalPort>;
  /** The ServiceEntry. */
  public readonly resource: ApiObject;
  /**
   * The split routing the service's calls, if any.
   *
   * @internal
   */
  public _split?: ExternalTrafficSplit;
  /** The only services that may call it; empty: any workload. */
  private readonly onlyCallers: IMeshService[] = [];

  public constructor(scope: Construct, id: string, props: ExternalServiceProps) {
    super(scope, id);
    // From JavaScript the props may be missing altogether: each required one is then reported as missing.
    props = props ?? {} as ExternalServiceProps;
    markKind(this, 'ExternalService');
    this.mesh = meshOf(this);
    // A missing list is reported as missing (MESH0006), not also as empty.
    const hosts = props.hosts === undefined || props.hosts === null
      ? required(this, 'hosts', props.hosts, "list the service's host names, e.g. ['api.example.com']", [])
      : listOr(this, 'hosts', props.hosts, [])!;
    if (Array.isArray(props.hosts) && hosts.length === 0) {
      reportError(this, 'MESH0130', "hosts is empty: list the service's host names, e.g. ['api.example.com']");
    }
    const resolution = checkEnum(this, 'resolution', props.resolution, ExternalResolution, 'ExternalResolution') ? props.resolution ?? ExternalResolution.DNS : ExternalResolution.DNS;
    // A host that is reported is left out of the ServiceEntry.
    this.hosts = hosts.filter((host, i) => {
      if (!validHost(host) || host === '*') {
        reportError(this, 'MESH0130', `host '${host}' is not a host name: use 'api.example.com' (or '*.example.com' with resolution NONE)`);
        return false;
      }
      if (/^[0-9]+(\.[0-9]+){3}$/.test(host)) {
        reportError(this, 'MESH0130', `host '${host}' is an IP address, not a host name: a ServiceEntry is called by name, use the name clients call (e.g. 'api.example.com')`);
        return false;
      }
      if (hosts.indexOf(host) !== i) {
        // Reported once, at its second listing; the first is kept.
        reportError(this, 'MESH0181', `host '${host}' is listed twice: list each host once`);
        return false;
      }
      if (/\.svc(\.cluster\.local)?$/.test(host) || host.endsWith('.cluster.local')) {
        reportError(this, 'MESH0182', `host '${host}' is a name inside the cluster, which the mesh already knows: an ExternalService is for hosts outside it, name the service with MeshService.fromName()`);
        return false;
      }
      if (host.startsWith('*') && resolution === ExternalResolution.DNS) {
        reportError(this, 'MESH0131', `host '${host}' is a wildcard, which DNS cannot resolve: use resolution NONE, or list the host names`);
        return false;
      }
      return true;
    });
    this.ports = (listOr(this, 'ports', props.ports) ?? [{ port: 443 }]).map(p => ({ port: validatePort(this, 'port', p.port), protocol: p.protocol ?? Protocol.HTTPS }));
    // The sidecar's outbound listener for the port would take one of the proxy's own.
    new Set(this.ports.map(p => p.port)).forEach(port => validateNotIstioPort(this, 'port', port));
    if (this.ports.length === 0) {
      reportError(this, 'MESH0130', 'ports is empty: list at least one, e.g. { port: 443, protocol: Protocol.HTTPS }');
    }
    const numbers = this.ports.map(p => p.port);
    for (const dup of new Set(numbers.filter((n, i) => numbers.indexOf(n) !== i))) {
      // The ServiceEntry CRD refuses two ports of one number (its rule: every number exists once).
      reportError(this, 'MESH0169', `ports has port ${dup} twice (${this.ports.filter(p => p.port === dup).map(p => p.protocol).join(', ')}): a port has one protocol, list it once`);
    }
    // A port whose protocol is reported here is not reported again as one the egress gateway cannot route.
    this.unknownProtocolPorts = new Set(this.ports.filter(p => !checkProtocol(this, 'external service port', p.port, p.protocol!)));
    // Legal, but almost surely a mistake: clients of https://host send TLS to 443, of http://host plain HTTP to 80.
    for (const p of this.ports.filter(port => !this.unknownProtocolPorts.has(port))) {
      if (p.port === 443 && p.protocol === Protocol.HTTP) {
        reportWarning(this, 'MESH0184', 'port 443 is HTTP, but clients call 443 with TLS (https://), which the proxy would read as plain HTTP and fail: make it Protocol.HTTPS or Protocol.TLS, or use port 80 for plain HTTP');
      } else if (p.port === 80 && (p.protocol === Protocol.HTTPS || p.protocol === Protocol.TLS)) {
        reportWarning(this, 'MESH0184', `port 80 is ${istioProtocol(p.protocol)}, but clients call 80 with plain HTTP (http://), which the proxy would expect to be TLS and fail: make it Protocol.HTTP, or use port 443 for TLS`);
      }
    }
    // The mesh's default namespace is checked by the mesh, not again here.
    this.namespace = props.namespace === undefined ? this.mesh.defaultNamespace : validateDnsLabel(this, 'namespace', props.namespace);
    ensureNamespace(this.mesh, this.namespace);
    // A gateway of another mesh is reported and not used.
    this.egressGateway = props.egressGateway && checkEgressGateway(this, 'egressGateway', props.egressGateway) && this.acceptsGateway(props.egressGateway)
      ? props.egressGateway : undefined;

    this.exportTo = checkExportTo(this, this.namespace, props.exportTo, true);
    this.tlsOrigination = checkTlsOrigination(this, this.ports, props.tlsOrigination);
    const name = validateDnsLabel(this, 'name', props.name ?? id);
    // Checked at synth, so that a service defined after this one is seen too.
    this.node.addValidation({ validate: () => this.serviceNamedAlike(name) });
    this.resource = new istio.ServiceEntry(this, 'Resource', {
      metadata: { name, namespace: this.namespace },
      spec: {
        hosts: this.hosts,
        exportTo: this.exportTo,
        location: istio.ServiceEntrySpecLocation.MESH_UNDERSCORE_EXTERNAL,
        resolution: resolution === ExternalResolution.DNS ? istio.ServiceEntrySpecResolution.DNS : istio.ServiceEntrySpecResolution.NONE,
        ports: this.ports.map(p => ({ number: p.port, name: `${p.protocol}-${p.port}`, protocol: istioProtocol(p.protocol!), ...originationTargetPort(this.tlsOrigination, p.port) })),
      },
    });

    if (this.egressGateway) {
      this.routeThrough(this.egressGateway);
    }
    renderTlsOrigination(this);
    restrictCallers(this, props.callers, this.onlyCallers);
  }

  /** The only services of the mesh that may call it (empty: any workload that knows the host). */
  public get callers(): IMeshService[] {
    return [...this.onlyCallers];
  }

  /** Lets one more service of the mesh call it, and makes it one of the only ones that may (see `callers`). */
  public addCaller(service: IMeshService): void {
    admitCaller(this, service, this.onlyCallers);
  }

  /** A service of the mesh with this one's name in its namespace: one name would stand for two destinations. */
  private serviceNamedAlike(name: string): string[] {
    const services = [...constructsOfKind(this.node.root, 'MeshService'), ...constructsOfKind(this.node.root, 'ImportedMeshService')] as unknown as IMeshService[];
    const alike = services.find(s => s.mesh === this.mesh && s.serviceName === name && s.namespace === this.namespace);
    const code: MeshCode = 'MESH0183';
    return alike
      ? [`[${code}] name '${name}' is the name of service ${alike.node.path} in namespace '${this.namespace}': the ServiceEntry and the Service would share one name for two destinations, give the external service another name (e.g. '${name}-external')`]
      : [];
  }

  private acceptsGateway(gateway: EgressGateway): boolean {
    if (gateway.mesh !== this.mesh) {
      reportError(this, 'MESH0132', `egress gateway ${gateway.node.path} belongs to another mesh: use one of this mesh's gateways`);
      return false;
    }
    return true;
  }

  /**
   * Routes the service through the gateway. A port the gateway cannot route is reported; the route is made
   * all the same (synthesis stops on the report), so that the gateway is not also warned of routing nothing.
   */
  private routeThrough(gateway: EgressGateway): void {
    for (const p of this.ports.filter(port => !this.unknownProtocolPorts.has(port))) {
      const listener = gateway._listenerFor(p.port);
      const wanted = p.protocol === Protocol.HTTP ? Protocol.HTTP
        : p.protocol === Protocol.HTTPS || p.protocol === Protocol.TLS ? Protocol.TLS
          : undefined;
      if (!wanted) {
        reportError(this, 'MESH0133', `port ${p.port} is ${istioProtocol(p.protocol!)}, which an egress gateway cannot route by host: use HTTP, HTTPS or TLS, or call it directly`);
      } else if (!listener || listener.protocol !== wanted) {
        reportError(this, 'MESH0133', `egress gateway '${gateway.serviceName}' has no ${istioProtocol(wanted)} listener on port ${p.port}: add one to its listeners`);
      }
    }
    gateway._route(this);
    new istio.VirtualService(this, 'ViaEgressGateway', {
      metadata: { name: `${this.resource.name}-egress`, namespace: this.namespace },
      spec: Lazy.any({ produce: () => this._egressRoutes(gateway) }),
    });
  }

  /**
   * Attaches the split routing the service's calls; false when it has one already (one host, one VirtualService).
   *
   * @internal
   */
  public _attachSplit(split: ExternalTrafficSplit): boolean {
    if (this._split) {
      return false;
    }
    this._split = split;
    return true;
  }

  /**
   * Two hops: from every sidecar to the egress gateway, and from the gateway to the service.
   *
   * @internal
   */
  public _egressRoutes(gateway: EgressGateway): istio.VirtualServiceSpec {
    const tls: istio.VirtualServiceSpecTls[] = [];
    const http: istio.VirtualServiceSpecHttp[] = [];
    for (const { port, protocol } of this.ports) {
      for (const host of this.hosts) {
        // TLS is routed by SNI, HTTP by authority; first hop to the gateway, second from it to the service.
        const byHost = protocol === Protocol.HTTP ? { authority: { exact: host } } : { sniHosts: [host] };
        const hop = (from: string, to: string) => ({
          match: [{ gateways: [from], port, ...byHost }],
          route: [{ destination: { host: to, port: { number: port } } }],
        });
        const routes: Array<istio.VirtualServiceSpecTls | istio.VirtualServiceSpecHttp> = protocol === Protocol.HTTP ? http : tls;
        if (protocol === Protocol.HTTP && this._split) {
          // The split's routes act on the first hop, where the sidecar sees the requests, before its plain route.
          http.push(...this._split._egressHop(host, port, gateway.host));
        }
        routes.push(hop('mesh', gateway.host), hop(gateway.gatewayRef, host));
      }
    }
    return {
      hosts: this.hosts,
      exportTo: this.exportTo,
      gateways: ['mesh', gateway.gatewayRef],
      tls: tls.length > 0 ? tls : undefined,
      http: http.length > 0 ? withMutualTlsHop(gateway, http) : undefined,
    };
  }

}

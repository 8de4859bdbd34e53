import { ApiObject, JsonPatch, Lazy } from 'cdk8s';
import { Construct } from 'constructs';
import { GatewayKind, GatewayOptions, GatewayServiceType, MeshGateway, gatewayHostName, gatewayHostNamespace, hostCovers, validHost } from './mesh-gateway';
import * as istio from '../imports/istio-networking';
import type { IMeshService } from '../mesh-identity';
import { ensureNamespace } from '../namespaces';
import { listOr } from '../private/enums';
import { reportError } from '../private/errors';
import { isHttpProtocol, istioProtocol } from '../private/protocols';
import { findServicePort, checkService } from '../private/services';
import { isKind, markKind } from '../private/tree';
import { NetworkPeer } from '../security/network-peer';
import type { HttpRule, TcpRule, TlsRule } from '../traffic/http-rule';
import { IngressRoute, ingressRules, RoutingFinding } from '../traffic/ingress-routing';
import { httpRuleToIstio, tcpRuleToIstio, tlsRuleToIstio } from '../traffic/istio-routes';
import { Protocol } from '../traffic/protocol';
import { routesAfterPolicies } from '../traffic/rollout-order';
import { checkRouteActions, CheckedActions, RouteActions } from '../traffic/route-actions';
import { StringMatch, validateUriMatch } from '../traffic/route-match';

/**
 * Properties of an `IngressGateway`.
 */
export interface IngressGatewayProps extends GatewayOptions {
  /**
   * Who may connect to the gateway's listeners, when the mesh renders NetworkPolicies (`networkPolicies`): a
   * load balancer's or an office's addresses, the pods of a namespace. The status port (15021), which load
   * balancers check, stays open to anyone. With address blocks, a LoadBalancer or NodePort Service keeps the
   * client's address (`externalTrafficPolicy: Local`), so that the blocks see it.
   *
   * @default - anyone
   */
  readonly allowAccessFrom?: NetworkPeer[];
}

/**
 * A route from the gateway to a service, through the service's routing: when the service has a `TrafficSplit`,
 * its routes (matches, weighted versions, mirror, fault, actions) apply to the requests the gateway route
 * takes, as if the gateway called the service; its service-level timeout and retries apply too.
 *
 * The gateway route's own actions act first: its rewrite changes the path the split's matches see, and its
 * request header changes come before the split's. Where both set one thing, the split route's wins on the
 * request (a header, the host, a further rewrite of the path) and the gateway route's wins on the response
 * headers, the timeout and the retries.
 */
export interface GatewayRouteOptions extends RouteActions {
  /**
   * The service requests go to.
   *
   * @default - none: only a route that redirects or answers with a directResponse has none
   */
  readonly service?: IMeshService;

  /**
   * The request paths routed (exact, prefix or regex).
   *
   * @default - every path
   */
  readonly paths?: StringMatch[];

  /**
   * The hosts the route serves; each must be one the gateway serves.
   *
   * @default - every host of the gateway
   */
  readonly hosts?: string[];

  /**
   * The service port requests go to.
   *
   * @default - the service's only HTTP port
   */
  readonly port?: number;
}

/**
 * A TLS route from the gateway to a service: connections to a TLS (passthrough) listener whose SNI is one of
 * `hosts` go, still encrypted, to the service.
 */
export interface GatewayTlsRouteOptions {
  /** The SNI host names routed; each must be served by a TLS listener of the gateway. */
  readonly hosts: string[];

  /** The service connections go to. */
  readonly service: IMeshService;

  /**
   * The service port connections go to (a TLS or HTTPS port).
   *
   * @default - the service's only TLS or HTTPS port
   */
  readonly port?: number;
}

/**
 * A TCP route from the gateway to a service: every connection to a TCP listener goes to the service.
 */
export interface GatewayTcpRouteOptions {
  /** The port of the gateway's TCP listener. */
  readonly port: number;

  /** The service connections go to. */
  readonly service: IMeshService;

  /**
   * The service port connections go to (a TCP or TLS port).
   *
   * @default - the service's only TCP port
   */
  readonly servicePort?: number;
}

interface Route {
  readonly label: string;
  readonly service?: IMeshService;
  readonly paths: StringMatch[];
  readonly hosts: string[];
  readonly port?: number;
  readonly actions: CheckedActions;
}

/**
 * The entry to the mesh from outside: an Envoy gateway deployment with its Service (a load balancer by
 * default), a Gateway object with its listeners, and a VirtualService with the routes from it to services.
 *
 * @see https://istio.io/latest/docs/tasks/traffic-management/ingress/ingress-control/
 */
export class IngressGateway extends MeshGateway {
  /**
   * Whether `x` is an `IngressGateway` (told by a symbol, as cdk8s tells charts apart: it works across copies of the library).
   */
  public static isIngressGateway(x: any): x is IngressGateway {
    return isKind(x, 'IngressGateway');
  }

  private readonly routes: Route[] = [];
  private readonly tlsRoutes: TlsRule[] = [];
  private readonly tcpRoutes: TcpRule[] = [];
  /** The hosts of routes that were reported and left out: they count as routed, so the mistake is reported once. */
  private readonly rejectedRouteHosts: string[] = [];
  /** One VirtualService per set of hosts that routes serve. */
  private readonly virtualServices = new Map<string, istio.VirtualService>();
  private streamVirtualService?: istio.VirtualService;

  /**
   * Who may connect to the listeners (undefined: anyone).
   *
   * @internal
   */
  public readonly _accessFrom?: NetworkPeer[];

  public constructor(scope: Construct, id: string, props: IngressGatewayProps = {}) {
    super(scope, id, props, GatewayKind.INGRESS);
    markKind(this, 'IngressGateway');
    // An installed gateway's allowAccessFrom was reported (MESH0707): the mesh renders no NetworkPolicy for it.
    this._accessFrom = this.existing ? undefined : checkedPeers(this, props?.allowAccessFrom);
    // Through a load balancer or node port, the Service's default (Cluster) policy hands connections on from
    // the node that took them, under that node's address: keep the client's, which address blocks name.
    if (this._accessFrom?.some(peer => peer._render().some(p => p.ipBlock)) && this._serviceType !== GatewayServiceType.CLUSTER_IP) {
      (this.node.findChild('Service') as ApiObject).addJsonPatch(JsonPatch.add('/spec/externalTrafficPolicy', 'Local'));
    }
  }

  /**
   * Routes requests for some paths (and hosts) to a service, through its routing (see `GatewayRouteOptions`),
   * or redirects them. Routes are matched in the order they were added.
   */
  public addRoute(options: GatewayRouteOptions): void {
    const hosts = listOr(this, 'hosts', options.hosts) ?? this.hosts;
    // Each problem is reported; a route with any is left out, and its hosts count as routed (see unroutedHosts).
    const reject = () => {
      this.rejectedRouteHosts.push(...hosts.filter(host => this.hosts.some(h => hostCovers(h, host))));
    };
    const service = options.service;
    // A route that redirects or answers with a direct response goes to no service.
    const redirects = (options.redirect !== undefined && options.redirect !== null)
      || (options.directResponse !== undefined && options.directResponse !== null);
    if ((service === undefined || service === null) && !redirects) {
      reportError(this, 'MESH0006', 'service is missing: name the service the route goes to, or redirect, or give a directResponse');
      reject();
      return;
    }
    if (service !== undefined && service !== null && !checkService(this, 'service', service)) {
      reject();
      return;
    }
    const label = service ? `the route to service '${service.serviceName}'`
      : `${options.directResponse ? 'direct response' : 'redirect'} route ${this.routes.filter(r => !r.service).length + 1}`;
    let valid = true;
    if (service && service.mesh !== this.mesh) {
      reportError(this, 'MESH0124', `service '${service.serviceName}' belongs to another mesh (${service.mesh.node.path}): route to a service of this mesh`);
      valid = false;
    }
    for (const host of hosts) {
      // A route host is a VirtualService host: a DNS name, '*.domain' or '*' (no scheme, port, path or namespace).
      if (!this._rejectedHosts.has(host) && host !== '*' && !validHost(host)) {
        reportError(this, 'MESH0189', `route host ${JSON.stringify(host)} is not a host name: use a lowercase name such as 'shop.example.com', '*.example.com' or '*', without scheme, port or path`);
        valid = false;
        continue;
      }
      // A host already reported as an invalid listener host is not reported again.
      if (!this._rejectedHosts.has(host) && !this.hosts.some(h => hostCovers(h, host))) {
        reportError(this, 'MESH0125', `route host '${host}' is not served by the gateway (hosts: ${this.hosts.join(', ')}): add it to a listener's hosts or route another host`);
        valid = false;
        continue;
      }
      // A TLS listener passes the encrypted stream through by SNI: it never reads the HTTP an HTTP route matches.
      const serving = this._listeners.filter(l => l.hosts.some(h => hostCovers(gatewayHostName(h), host)));
      if (serving.length > 0 && serving.every(l => l.protocol === Protocol.TLS || l.protocol === Protocol.TCP)) {
        reportError(this, 'MESH0172', `route host '${host}' is served only by TLS or TCP listeners (${serving.map(l => l.port).join(', ')}), which pass the stream through without reading HTTP, so an HTTP route would do nothing: serve the host on an HTTP or HTTPS listener, or route it with addTlsRoute() or addTcpRoute()`);
        valid = false;
      }
    }
    const paths = [...options.paths ?? []];
    for (const path of paths) {
      validateUriMatch(this, 'path', path);
    }
    const actions = checkRouteActions(this, label, options, paths.map(uri => ({ uri })), { destination: service ? 'a service' : undefined });
    const key = hostsKey(hosts);
    // Routes of one set of hosts are tried in order: one whose paths an earlier one already takes gets no request.
    const earlier = this.routes.filter(r => hostsKey(r.hosts) === key);
    const taken = new Set(earlier.flatMap(r => r.paths.map(pathKey)));
    if (valid && (earlier.some(r => r.paths.length === 0) || paths.length > 0 && paths.every(path => taken.has(pathKey(path))))) {
      const to = earlier.find(r => r.paths.length === 0 || r.paths.some(path => paths.some(mine => pathKey(mine) === pathKey(path))))!;
      reportError(this, 'MESH0168', to.paths.length === 0
        ? `${label.replace(/^the /, '')} is never used: ${to.label} before it takes every path of hosts ${hosts.join(', ')}: add this one first, or give that one paths`
        : `${label.replace(/^the /, '')} is never used: ${to.label} before it takes the same paths of hosts ${hosts.join(', ')}: give it other paths, or remove it`);
      valid = false;
    }
    // The VirtualService lives where the listener hosts let it bind ('ns/host'), by default in the gateway's namespace.
    const namespaces = [...new Set(hosts.map(host => this.bindingNamespace(host)))];
    if (valid && namespaces.length > 1) {
      reportError(this, 'MESH0191', `route hosts ${hosts.join(', ')} are bound from different namespaces (${namespaces.join(', ')}) by the listeners' '<namespace>/<host>' hosts, but one route is one VirtualService in one namespace: add a route for each namespace's hosts`);
      valid = false;
    }
    const port = service && !redirects ? this.routePort(service, options.port) : undefined;
    if (!valid || service && !redirects && port === undefined) {
      reject();
      return;
    }
    this.routes.push({ label, service: redirects ? undefined : service, paths, hosts: [...hosts], port, actions });
    if (!this.virtualServices.has(key)) {
      if (namespaces[0] !== this.namespace) {
        ensureNamespace(this.mesh, namespaces[0]);
      }
      const n = this.virtualServices.size;
      this.virtualServices.set(key, routesAfterPolicies(this.mesh, new istio.VirtualService(this, n === 0 ? 'Routes' : `Routes${n}`, {
        metadata: { name: n === 0 ? this.gatewayName : `${this.gatewayName}-${n}`, namespace: namespaces[0] },
        spec: Lazy.any({ produce: () => this._virtualServiceSpec(key) }),
      })));
    }
  }

  /**
   * Routes connections to a TLS (passthrough) listener by their SNI host to a service, still encrypted.
   */
  public addTlsRoute(options: GatewayTlsRouteOptions): void {
    const hosts = listOr(this, 'hosts', options.hosts) ?? [];
    const label = `the TLS route of ${hosts.map(h => `'${h}'`).join(', ') || 'no host'}`;
    const service = this.streamService(options.service);
    let valid = service !== undefined;
    if (hosts.length === 0) {
      reportError(this, 'MESH0733', 'TLS route hosts is empty: list the SNI host names it routes, each served by a TLS listener');
      valid = false;
    }
    const tlsListeners = this._listeners.filter(l => l.protocol === Protocol.TLS);
    const ports = new Set<number>();
    for (const host of hosts) {
      if (host !== '*' && !validHost(host)) {
        reportError(this, 'MESH0733', `TLS route host ${JSON.stringify(host)} is not a host name: use a lowercase name such as 'db.example.com' or '*.example.com'`);
        valid = false;
        continue;
      }
      const serving = tlsListeners.filter(l => l.hosts.some(h => hostCovers(gatewayHostName(h), host)));
      if (serving.length === 0) {
        const listed = tlsListeners.map(l => `${l.port}: ${l.hosts.join(', ')}`).join('; ');
        reportError(this, 'MESH0733', `TLS route host '${host}' is not served by a TLS listener of the gateway (${listed ? `TLS listeners ${listed}` : 'it has none'}): add the host to a listener with protocol Protocol.TLS`);
        valid = false;
        continue;
      }
      serving.forEach(l => ports.add(l.port));
      const taken = this.tlsRoutes.find(r => r.sniHosts.includes(host) && serving.some(l => l.port === r.port));
      if (taken) {
        reportError(this, 'MESH0733', `TLS route host '${host}' is already routed by ${taken.label}, which takes its connections first: route each SNI host once`);
        valid = false;
      }
    }
    const port = service && this.streamPort(service, options.port, 'port', [Protocol.TLS, Protocol.HTTPS], 'TLS or HTTPS');
    if (!valid || !service || port === undefined) {
      return;
    }
    for (const listenerPort of [...ports].sort((a, b) => a - b)) {
      this.tlsRoutes.push({ source: this, label, port: listenerPort, sniHosts: [...hosts], backends: [{ service, port }] });
    }
    this.ensureStreamRoutes();
  }

  /**
   * Routes every connection to a TCP listener to a service. A listener has one TCP route.
   */
  public addTcpRoute(options: GatewayTcpRouteOptions): void {
    const listenerPort = options.port;
    const label = `the TCP route of listener ${listenerPort}`;
    const service = this.streamService(options.service);
    let valid = service !== undefined;
    const listener = this._listeners.find(l => l.port === listenerPort);
    if (!listener || listener.protocol !== Protocol.TCP) {
      const listed = this._listeners.map(l => `${l.port} ${istioProtocol(l.protocol)}`).join(', ');
      reportError(this, 'MESH0734', `TCP route port ${listenerPort} is not a TCP listener of the gateway (listeners: ${listed}): add { port: ${listenerPort}, protocol: Protocol.TCP } to its listeners, or route a TCP listener's port`);
      valid = false;
    } else if (this.tcpRoutes.some(r => r.port === listenerPort)) {
      reportError(this, 'MESH0734', `TCP route port ${listenerPort} already has a TCP route, which takes every connection: route each TCP listener once`);
      valid = false;
    }
    const port = service && this.streamPort(service, options.servicePort, 'servicePort', [Protocol.TCP, Protocol.TLS], 'TCP or TLS');
    if (!valid || !service || port === undefined) {
      return;
    }
    this.tcpRoutes.push({ source: this, label, port: listenerPort, backends: [{ service, port }] });
    this.ensureStreamRoutes();
  }

  /** The services the gateway routes to, in order (HTTP routes first, then TLS and TCP routes). */
  public get routedServices(): IMeshService[] {
    return [...new Set([
      ...this.routes.flatMap(r => r.service ? [r.service] : []),
      ...this.tlsRoutes.flatMap(r => r.backends.map(b => b.service)),
      ...this.tcpRoutes.flatMap(r => r.backends.map(b => b.service)),
    ])];
  }

  /**
   * The gateway hosts no route serves. A route that was reported as invalid counts as serving its hosts,
   * and a gateway whose listeners were reported has none to hold against it: each mistake is reported once.
   */
  public get unroutedHosts(): string[] {
    if (this._listenersRejected) {
      return [];
    }
    const routed = [...this.routes.flatMap(r => r.hosts), ...this.rejectedRouteHosts, ...this.tlsRoutes.flatMap(r => r.sniHosts)];
    // A TCP listener with its route serves its hosts; the hosts of its other listeners still need routes of their own.
    const tcpRouted = new Set(this.tcpRoutes.map(r => r.port));
    // A listener that redirects to HTTPS answers every request itself.
    const hosts = [...new Set(this._listeners.filter(l => !tcpRouted.has(l.port) && !l.httpsRedirect).flatMap(l => l.hosts.map(gatewayHostName)))];
    return hosts.filter(host => !routed.some(h => hostCovers(h, host) || hostCovers(host, h)));
  }

  /**
   * The objects with the gateway's routes: a VirtualService per set of hosts of HTTP routes and one for TLS and
   * TCP routes, or with the Gateway API (the mesh's `routingApi`, decided at synthesis) an HTTPRoute (and a
   * GRPCRoute for gRPC backends) per set of hosts, the TLSRoutes and TCPRoutes, and an HTTPRoute that redirects to
   * HTTPS per listener with `httpsRedirect`.
   */
  public get routeObjects(): ApiObject[] {
    return this.node.children.filter(c => /^((Grpc)?Routes\d*|StreamRoutes|TlsRoute\d+|TcpRoute\d+|HttpsRedirect\d+)$/.test(c.node.id)) as ApiObject[];
  }

  /**
   * The gateway's routes for one set of hosts as resolved rules, for either API, in the order they are tried.
   *
   * @internal
   */
  public _httpRules(key: string): HttpRule[] {
    return this.routes.filter(r => hostsKey(r.hosts) === key).flatMap(r => ingressRules(this, this.ingressRoute(r)).rules);
  }

  /**
   * What combining the gateway's routes with their services' routing found (ingress traffic that bypasses a
   * split, matches or rewrites that cannot be combined), for the mesh's analysis.
   *
   * @internal
   */
  public _routingFindings(): RoutingFinding[] {
    const findings = this.routes.flatMap(r => ingressRules(this, this.ingressRoute(r)).findings);
    return findings.filter((f, i) => findings.findIndex(g => g.message === f.message) === i);
  }

  /**
   * The gateway's TLS passthrough routes (by SNI) as resolved rules, for either API. A TLS route goes through its
   * service's routing, as a TCP route does: when the service's `TrafficSplit` has a TLS route that takes the
   * service's own host (on the port, without conditions on the caller or the destination address), its weighted
   * versions apply to the gateway's connections too.
   *
   * @internal
   */
  public _tlsRules(): TlsRule[] {
    return this.tlsRoutes.map(rule => {
      const { service, port } = rule.backends[0];
      const split = (service as { trafficSplit?: { _tlsRules(): TlsRule[] } }).trafficSplit;
      // The service's own TLS route that takes connections to the service's host (on the port, without conditions on
      // the caller or the destination address) carries its weighted versions through, as for TCP routes: the
      // gateway's connections come for the service, whatever external name their SNI carries.
      const taking = split?._tlsRules().find(r => (r.port === undefined || r.port === port)
        && r.sourceLabels === undefined && r.sourceNamespace === undefined && r.destinationSubnets === undefined
        && r.sniHosts.some(sni => hostCovers(sni, service.host)));
      return taking ? { ...rule, backends: taking.backends.map(b => ({ ...b, port })) } : rule;
    });
  }

  /**
   * The gateway's TCP routes (by listener port) as resolved rules, for either API. A TCP route goes through its
   * service's routing, as an HTTP route does: when the service's `TrafficSplit` has a TCP route that takes the
   * gateway's connections (on the port, without conditions on the caller or the destination address), its
   * weighted versions apply to them too.
   *
   * @internal
   */
  public _tcpRules(): TcpRule[] {
    return this.tcpRoutes.map(rule => {
      const { service, port } = rule.backends[0];
      const split = (service as { trafficSplit?: { _tcpRules(): TcpRule[] } }).trafficSplit;
      const taking = split?._tcpRules().find(r => (r.port === undefined || r.port === port)
        && r.sourceLabels === undefined && r.sourceNamespace === undefined && r.destinationSubnets === undefined);
      return taking ? { ...rule, backends: taking.backends.map(b => ({ ...b, port })) } : rule;
    });
  }

  /** The host sets the gateway's routes serve, one per VirtualService (or HTTPRoute), in order. @internal */
  public get _routeHostSets(): string[] {
    return [...this.virtualServices.keys()];
  }

  /** @internal */
  public _virtualServiceSpec(key: string): istio.VirtualServiceSpec {
    const routes = this.routes.filter(r => hostsKey(r.hosts) === key);
    return {
      hosts: [...routes[0].hosts],
      gateways: [this.gatewayRef],
      http: this._httpRules(key).map(httpRuleToIstio),
    };
  }

  /** @internal */
  public _streamVirtualServiceSpec(): istio.VirtualServiceSpec {
    const hosts = [
      ...this.tlsRoutes.flatMap(r => r.sniHosts),
      ...this.tcpRoutes.flatMap(r => this._listeners.find(l => l.port === r.port)!.hosts.map(gatewayHostName)),
    ];
    return {
      hosts: [...new Set(hosts)],
      gateways: [this.gatewayRef],
      tls: this.tlsRoutes.length > 0 ? this._tlsRules().map(tlsRuleToIstio) : undefined,
      tcp: this.tcpRoutes.length > 0 ? this._tcpRules().map(tcpRuleToIstio) : undefined,
    };
  }

  private ingressRoute(r: Route): IngressRoute {
    return { label: r.label, name: r.service?.serviceName ?? (r.actions.directResponse ? 'direct-response' : 'redirect'), service: r.service, paths: r.paths, port: r.port, actions: r.actions };
  }

  /** The one VirtualService of the TLS and TCP routes, made with the first of them. */
  private ensureStreamRoutes(): void {
    this.streamVirtualService ??= routesAfterPolicies(this.mesh, new istio.VirtualService(this, 'StreamRoutes', {
      metadata: { name: `${this.gatewayName}-streams`, namespace: this.namespace },
      spec: Lazy.any({ produce: () => this._streamVirtualServiceSpec() }),
    }));
  }

  /** The service of a TLS or TCP route, when it is one of this mesh (each problem reported). */
  private streamService(service: IMeshService | undefined): IMeshService | undefined {
    if (service === undefined || service === null) {
      reportError(this, 'MESH0006', 'service is missing: name the service the route goes to');
      return undefined;
    }
    if (!checkService(this, 'service', service)) {
      return undefined;
    }
    if (service.mesh !== this.mesh) {
      reportError(this, 'MESH0124', `service '${service.serviceName}' belongs to another mesh (${service.mesh.node.path}): route to a service of this mesh`);
      return undefined;
    }
    return service;
  }

  /** The service port a TLS or TCP route goes to: the one chosen, else the only one of `protocols`; undefined (reported) when none fits. */
  private streamPort(service: IMeshService, chosen: number | undefined, prop: string, protocols: Protocol[], names: string): number | undefined {
    if (chosen === undefined) {
      const fitting = service.ports.filter(p => protocols.includes(p.protocol!));
      if (fitting.length !== 1) {
        reportError(this, 'MESH0735', `service '${service.serviceName}' has ${fitting.length} ${names} ports (ports: ${service.ports.map(p => `${p.port} ${p.protocol}`).join(', ')}): choose one with ${prop}`);
        return undefined;
      }
      return fitting[0].port;
    }
    const p = findServicePort(this, service, chosen);
    if (!p) {
      return undefined;
    }
    if (!protocols.includes(p.protocol!)) {
      reportError(this, 'MESH0735', `${prop} ${p.port} of service '${service.serviceName}' is ${p.protocol}, but this route passes the stream on unread: choose a ${names} port`);
      return undefined;
    }
    return p.port;
  }

  /**
   * The namespace a VirtualService for `host` binds the gateway from: the gateway's own, unless every listener
   * host serving it names another namespace ('ns/host').
   */
  private bindingNamespace(host: string): string {
    const allowed = this._listeners.flatMap(l => l.hosts)
      .filter(h => hostCovers(gatewayHostName(h), host))
      .map(h => gatewayHostNamespace(h, this.namespace));
    return allowed.length === 0 || allowed.some(ns => ns === '*' || ns === this.namespace) ? this.namespace : allowed[0];
  }

  /** The service port a route goes to: the one chosen, else the service's only HTTP port; undefined (reported) when there is none. */
  private routePort(service: IMeshService, chosen: number | undefined): number | undefined {
    if (chosen === undefined) {
      const http = service.ports.filter(p => isHttpProtocol(p.protocol!));
      if (http.length !== 1) {
        reportError(this, 'MESH0126', `service '${service.serviceName}' has ${http.length} HTTP ports (${service.ports.map(p => p.port).join(', ')}): choose one with port`);
        return undefined;
      }
      return http[0].port;
    }
    const p = findServicePort(this, service, chosen);
    if (!p) {
      return undefined;
    }
    if (!isHttpProtocol(p.protocol!)) {
      reportError(this, 'MESH0126', `port ${p.port} of service '${service.serviceName}' is ${p.protocol}: gateway routes need an HTTP port`);
      return undefined;
    }
    return p.port;
  }
}

/** The peers of `allowAccessFrom`, each problem reported; undefined (anyone) when there are none that can be rendered. */
function checkedPeers(gateway: IngressGateway, peers: NetworkPeer[] | undefined): NetworkPeer[] | undefined {
  const list = listOr(gateway, 'allowAccessFrom', peers);
  if (list === undefined || list === null) {
    return undefined;
  }
  if (list.length === 0) {
    reportError(gateway, 'MESH0261', 'allowAccessFrom is empty, so nothing could reach the gateway: list who may, e.g. [NetworkPeer.cidr(\'203.0.113.0/24\')], or leave it out to admit anyone');
    return undefined;
  }
  if (!gateway.mesh.networkPolicies) {
    reportError(gateway, 'MESH0262', 'allowAccessFrom is set, but the mesh renders no NetworkPolicies, so it would admit anyone: turn the mesh\'s networkPolicies on, or leave allowAccessFrom out');
  }
  const valid = list.filter((peer, i) => {
    if (!(peer instanceof NetworkPeer)) {
      reportError(gateway, 'MESH0096', `allowAccessFrom[${i}] is not a NetworkPeer: make it with NetworkPeer.cidr(), NetworkPeer.namespace(), NetworkPeer.pods() or NetworkPeer.anywhere()`);
      return false;
    }
    return peer._check(gateway, 'allowAccessFrom');
  });
  return valid.length === list.length ? valid : undefined;
}

function pathKey(path: StringMatch): string {
  return `${path.kind}:${path.value}`;
}

function hostsKey(hosts: string[]): string {
  return [...new Set(hosts)].sort().join(',');
}

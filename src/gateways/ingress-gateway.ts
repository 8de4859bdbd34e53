import { ApiObject, JsonPatch, Lazy } from 'cdk8s';
import { Construct } from 'constructs';
import { GatewayKind, GatewayOptions, GatewayServiceType, MeshGateway, gatewayHostName, gatewayHostNamespace, hostCovers, validHost } from './mesh-gateway';
import * as istio from '../imports/istio-networking';
import type { IMeshService } from '../mesh-identity';
import { ensureNamespace } from '../namespaces';
import { listOr } from '../private/enums';
import { reportError } from '../private/errors';
import { isHttpProtocol } from '../private/protocols';
import { findServicePort, checkService } from '../private/services';
import { isKind, markKind } from '../private/tree';
import { NetworkPeer } from '../security/network-peer';
import type { HttpRule, TcpRule, TlsRule } from '../traffic/http-rule';
import { httpRuleToIstio } from '../traffic/istio-routes';
import { Protocol } from '../traffic/protocol';
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
 * A route from the gateway to a service.
 */
export interface GatewayRouteOptions {
  /** The service requests go to. */
  readonly service: IMeshService;

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

interface Route {
  readonly service: IMeshService;
  readonly paths: StringMatch[];
  readonly hosts: string[];
  readonly port: number;
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
  /** The hosts of routes that were reported and left out: they count as routed, so the mistake is reported once. */
  private readonly rejectedRouteHosts: string[] = [];
  /** One VirtualService per set of hosts that routes serve. */
  private readonly virtualServices = new Map<string, istio.VirtualService>();

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
   * Routes requests for some paths (and hosts) to a service. Routes are matched in the order they were added.
   */
  public addRoute(options: GatewayRouteOptions): void {
    const hosts = listOr(this, 'hosts', options.hosts) ?? this.hosts;
    // Each problem is reported; a route with any is left out, and its hosts count as routed (see unroutedHosts).
    const reject = () => {
      this.rejectedRouteHosts.push(...hosts.filter(host => this.hosts.some(h => hostCovers(h, host))));
    };
    const service = options.service;
    if (service === undefined || service === null) {
      reportError(this, 'MESH0006', 'service is missing: name the service the route goes to');
      reject();
      return;
    }
    if (!checkService(this, 'service', service)) {
      reject();
      return;
    }
    let valid = true;
    if (service.mesh !== this.mesh) {
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
      if (serving.length > 0 && serving.every(l => l.protocol === Protocol.TLS)) {
        reportError(this, 'MESH0172', `route host '${host}' is served only by TLS listeners (${serving.map(l => l.port).join(', ')}), which pass the encrypted stream through without reading HTTP, so the route would do nothing: serve the host on an HTTP or HTTPS listener`);
        valid = false;
      }
    }
    const paths = [...options.paths ?? []];
    for (const path of paths) {
      validateUriMatch(this, 'path', path);
    }
    const key = hostsKey(hosts);
    // Routes of one set of hosts are tried in order: one whose paths an earlier one already takes gets no request.
    const earlier = this.routes.filter(r => hostsKey(r.hosts) === key);
    const taken = new Set(earlier.flatMap(r => r.paths.map(pathKey)));
    if (valid && (earlier.some(r => r.paths.length === 0) || paths.length > 0 && paths.every(path => taken.has(pathKey(path))))) {
      const to = earlier.find(r => r.paths.length === 0 || r.paths.some(path => paths.some(mine => pathKey(mine) === pathKey(path))))!;
      reportError(this, 'MESH0168', to.paths.length === 0
        ? `route to service '${service.serviceName}' is never used: the route to service '${to.service.serviceName}' before it takes every path of hosts ${hosts.join(', ')}: add this one first, or give that one paths`
        : `route to service '${service.serviceName}' is never used: the route to service '${to.service.serviceName}' before it takes the same paths of hosts ${hosts.join(', ')}: give it other paths, or remove it`);
      valid = false;
    }
    // The VirtualService lives where the listener hosts let it bind ('ns/host'), by default in the gateway's namespace.
    const namespaces = [...new Set(hosts.map(host => this.bindingNamespace(host)))];
    if (valid && namespaces.length > 1) {
      reportError(this, 'MESH0191', `route hosts ${hosts.join(', ')} are bound from different namespaces (${namespaces.join(', ')}) by the listeners' '<namespace>/<host>' hosts, but one route is one VirtualService in one namespace: add a route for each namespace's hosts`);
      valid = false;
    }
    const port = this.routePort(service, options.port);
    if (!valid || port === undefined) {
      reject();
      return;
    }
    this.routes.push({ service, paths, hosts: [...hosts], port });
    if (!this.virtualServices.has(key)) {
      if (namespaces[0] !== this.namespace) {
        ensureNamespace(this.mesh, namespaces[0]);
      }
      const n = this.virtualServices.size;
      this.virtualServices.set(key, new istio.VirtualService(this, n === 0 ? 'Routes' : `Routes${n}`, {
        metadata: { name: n === 0 ? this.gatewayName : `${this.gatewayName}-${n}`, namespace: namespaces[0] },
        spec: Lazy.any({ produce: () => this._virtualServiceSpec(key) }),
      }));
    }
  }

  /** The services the gateway routes to, in order. */
  public get routedServices(): IMeshService[] {
    return [...new Set(this.routes.map(r => r.service))];
  }

  /**
   * The gateway hosts no route serves. A route that was reported as invalid counts as serving its hosts,
   * and a gateway whose listeners were reported has none to hold against it: each mistake is reported once.
   */
  public get unroutedHosts(): string[] {
    if (this._listenersRejected) {
      return [];
    }
    const routed = [...this.routes.flatMap(r => r.hosts), ...this.rejectedRouteHosts];
    return this.hosts.filter(host => !routed.some(h => hostCovers(h, host) || hostCovers(host, h)));
  }

  /**
   * The objects with the gateway's routes: a VirtualService per set of hosts, or with the Gateway API (the mesh's
   * `routingApi`, decided at synthesis) an HTTPRoute (and a GRPCRoute for gRPC backends) per set of hosts, and the
   * TLSRoutes and TCPRoutes.
   */
  public get routeObjects(): ApiObject[] {
    return this.node.children.filter(c => /^((Grpc)?Routes\d*|TlsRoute\d+|TcpRoute\d+)$/.test(c.node.id)) as ApiObject[];
  }

  /**
   * The gateway's routes for one set of hosts as resolved rules, for either API, in the order they are tried.
   *
   * @internal
   */
  public _httpRules(key: string): HttpRule[] {
    return this.routes.filter(r => hostsKey(r.hosts) === key).map(r => ({
      source: this,
      label: `the route to service '${r.service.serviceName}'`,
      name: r.service.serviceName,
      matches: r.paths.map(path => ({ uri: path })),
      backends: [{ service: r.service, port: r.port }],
    }));
  }

  /**
   * The gateway's TLS passthrough routes (by SNI) as resolved rules, for either API.
   *
   * @internal
   */
  public _tlsRules(): TlsRule[] {
    return [];
  }

  /**
   * The gateway's TCP routes (by listener port) as resolved rules, for either API.
   *
   * @internal
   */
  public _tcpRules(): TcpRule[] {
    return [];
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

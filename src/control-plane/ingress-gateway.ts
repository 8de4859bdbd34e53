import { ApiObject, Lazy } from 'cdk8s';
import { Construct } from 'constructs';
import { GatewayKind, GatewayOptions, MeshGateway, hostCovers } from './gateway';
import * as istio from '../imports/istio-networking';
import { meshError, required } from '../private/errors';
import { isHttpProtocol } from '../private/protocols';
import { servicePort } from '../private/services';
import type { IMeshService } from '../mesh-identity';
import { StringMatch } from '../traffic/route-match';

/**
 * Properties of an `IngressGateway`.
 */
export interface IngressGatewayProps extends GatewayOptions {}

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
  private readonly routes: Route[] = [];
  /** One VirtualService per set of hosts that routes serve. */
  private readonly virtualServices = new Map<string, istio.VirtualService>();

  public constructor(scope: Construct, id: string, props: IngressGatewayProps = {}) {
    super(scope, id, props, GatewayKind.INGRESS);
  }

  /**
   * Routes requests for some paths (and hosts) to a service. Routes are matched in the order they were added.
   */
  public addRoute(options: GatewayRouteOptions): void {
    const service = required(this, 'service', options.service, 'name the service the route goes to');
    if (service.mesh !== this.mesh) {
      throw meshError('MESH0124', this, `service '${service.serviceName}' belongs to another mesh (${service.mesh.node.path}): route to a service of this mesh`);
    }
    const hosts = options.hosts ?? this.hosts;
    for (const host of hosts) {
      if (!this.hosts.some(h => hostCovers(h, host))) {
        throw meshError('MESH0125', this, `route host '${host}' is not served by the gateway (hosts: ${this.hosts.join(', ')}): add it to a listener's hosts or route another host`);
      }
    }
    const http = service.ports.filter(p => isHttpProtocol(p.protocol!));
    let port: number;
    if (options.port !== undefined) {
      const p = servicePort(this, service, options.port);
      if (!isHttpProtocol(p.protocol!)) {
        throw meshError('MESH0126', this, `port ${p.port} of service '${service.serviceName}' is ${p.protocol}: gateway routes need an HTTP port`);
      }
      port = p.port;
    } else if (http.length === 1) {
      port = http[0].port;
    } else {
      throw meshError('MESH0126', this, `service '${service.serviceName}' has ${http.length} HTTP ports (${service.ports.map(p => p.port).join(', ')}): choose one with port`);
    }
    this.routes.push({ service, paths: [...options.paths ?? []], hosts: [...hosts], port });
    const key = hostsKey(hosts);
    if (!this.virtualServices.has(key)) {
      const n = this.virtualServices.size;
      this.virtualServices.set(key, new istio.VirtualService(this, n === 0 ? 'Routes' : `Routes${n}`, {
        metadata: { name: n === 0 ? this.serviceName : `${this.serviceName}-${n}`, namespace: this.namespace },
        spec: Lazy.any({ produce: () => this._virtualServiceSpec(key) }),
      }));
    }
  }

  /** The services the gateway routes to, in order. */
  public get routedServices(): IMeshService[] {
    return [...new Set(this.routes.map(r => r.service))];
  }

  /** The gateway hosts no route serves. */
  public get unroutedHosts(): string[] {
    return this.hosts.filter(host => !this.routes.some(r => r.hosts.some(h => hostCovers(h, host) || hostCovers(host, h))));
  }

  /** The VirtualServices with the gateway's routes, one per set of hosts. */
  public get routeObjects(): ApiObject[] {
    return [...this.virtualServices.values()];
  }

  /** @internal */
  public _virtualServiceSpec(key: string): istio.VirtualServiceSpec {
    const routes = this.routes.filter(r => hostsKey(r.hosts) === key);
    return {
      hosts: [...routes[0].hosts],
      gateways: [this.gatewayRef],
      http: routes.map(r => ({
        name: r.service.serviceName,
        match: r.paths.length > 0 ? r.paths.map(path => ({ uri: path._toIstio() })) : undefined,
        route: [{ destination: { host: r.service.host, port: { number: r.port } } }],
      })),
    };
  }

}

function hostsKey(hosts: string[]): string {
  return [...new Set(hosts)].sort().join(',');
}

import { Lazy } from 'cdk8s';
import { Construct, IConstruct } from 'constructs';
import type { ExternalService } from './external-service';
import { originatingPortTo } from './external-tls';
import type { FaultInjection } from './fault-injection';
import type { HttpRule } from './http-rule';
import { httpRuleToIstio } from './istio-routes';
import { checkRouteActions, madeByFactory, RouteActions } from './route-actions';
import { RouteMatch, validateRouteMatch } from './route-match';
import type { MeshCode } from '../analysis/codes';
import { RoutingApi } from '../gateway-api/routing-api';
import { chooseRoutingApi } from '../gateway-api/routing-settings';
import * as istio from '../imports/istio-networking';
import { listOr } from '../private/enums';
import { meshError, reportError, reportWarning, required } from '../private/errors';
import { validateDnsLabel, validatePort } from '../private/names';
import { isHttpProtocol } from '../private/protocols';
import { isKind, isMeshServiceKind, markKind, meshOf } from '../private/tree';

/**
 * One routing rule for calls to an external service: which requests it takes, what it does to them, and the port
 * of the service they go to. There are no targets: an external service has no versions, and a request goes to the
 * host it was for.
 *
 * @see https://istio.io/latest/docs/reference/config/networking/virtual-service/#HTTPRoute
 */
export interface ExternalHttpRouteOptions extends RouteActions {
  /**
   * The route's name, reported in access logs and metrics.
   *
   * @default - unnamed
   */
  readonly name?: string;

  /**
   * The requests the route takes: any one of the matches (each match's conditions all hold).
   *
   * @default - every request: a catch-all route, which must be the last
   */
  readonly matches?: RouteMatch[];

  /**
   * The port of the external service the requests go to: one of its HTTP ports.
   *
   * @default - the port the request was for
   */
  readonly port?: number;

  /**
   * Delays or aborts to inject.
   *
   * @default - none
   */
  readonly fault?: FaultInjection;
}

/**
 * Properties of an `ExternalTrafficSplit`.
 */
export interface ExternalTrafficSplitProps {
  /** The external service whose calls are routed. */
  readonly externalService: ExternalService;

  /**
   * The HTTP routes, in the order they are tried; more can be added with `addRoute()`.
   *
   * @default - none yet
   */
  readonly routes?: ExternalHttpRouteOptions[];
}

/**
 * The ordered HTTP routing rules of calls to an `ExternalService`: timeouts, retries, faults, header changes, port
 * routing, for the requests the routes match. The first route that matches takes the request.
 *
 * Routes need a plain HTTP port of the service: on an HTTPS or TLS port the application's own TLS hides the
 * requests from its sidecar. Without an egress gateway, each host of the service gets a VirtualService; through one,
 * the routes join the first hop (from the sidecar to the gateway) of the service's `<name>-egress` VirtualService, as
 * two VirtualServices for one host would conflict.
 *
 * There are no TCP or TLS routes: an L4 route only picks a destination, and an external service has no versions to
 * pick from (the connection already goes to the host it was for).
 *
 * A construct of its own rather than a `TrafficSplit` with an optional service: `TrafficSplit.service` stays a
 * service of the mesh for everything that reads it (the analysis, the diagram, users' code), and routes here can
 * take no version, by their type.
 *
 * @see https://istio.io/latest/docs/tasks/traffic-management/egress/egress-control/#manage-traffic-to-external-services
 */
export class ExternalTrafficSplit extends Construct {
  /**
   * Whether `x` is an `ExternalTrafficSplit` (told by a symbol, as cdk8s tells charts apart: it works across copies of the library).
   */
  public static isExternalTrafficSplit(x: any): x is ExternalTrafficSplit {
    return isKind(x, 'ExternalTrafficSplit');
  }

  /** The external service whose calls are routed. */
  public readonly externalService: ExternalService;

  private readonly _routes: ExternalHttpRouteOptions[] = [];
  /** Whether the split renders: its service is an external service of this mesh, and the routing API allows it. */
  private readonly _renders: boolean = false;

  public constructor(scope: Construct, id: string, props: ExternalTrafficSplitProps) {
    super(scope, id);
    // From JavaScript the props may be missing altogether: each required one is then reported as missing.
    props = props ?? {} as ExternalTrafficSplitProps;
    markKind(this, 'ExternalTrafficSplit');
    const mesh = meshOf(this);
    required(this, 'externalService', props.externalService, 'name the ExternalService whose calls are routed');
    this.externalService = props.externalService;
    const name = validateDnsLabel(this, 'name', id);
    const service = props.externalService as unknown;
    if (!isKind(service, 'ExternalService')) {
      // A MeshService is routed with a TrafficSplit; a plain object has no hosts to route.
      throw meshError('MESH0893', this, 'externalService is not an ExternalService: name one made with new ExternalService(), or route a MeshService with a TrafficSplit');
    }
    const external = this.externalService;
    if (external.mesh !== mesh) {
      reportError(this, 'MESH0893', `external service ${external.node.path} belongs to another mesh: route an external service of this mesh`);
    } else if (!external._attachSplit(this)) {
      reportError(this, 'MESH0898', `external service '${external.resource.name}' already has a split (${external._split!.node.path}): two VirtualServices for one host conflict, put every route in one split`);
    } else {
      // GAMMA routes attach to a Service; a ServiceEntry's hosts cannot be the parent of an HTTPRoute. Through an
      // egress gateway, the gateway reports it (MESH0744), and the routes follow its choice.
      const what = `the routes of external service '${external.resource.name}'`;
      const problems = external.egressGateway ? [] : [{
        scope: this,
        code: 'MESH0897' as const,
        what,
        message: `external service '${external.resource.name}' cannot be routed with the Gateway API, which has no parent for a ServiceEntry's hosts: set the mesh's allowIstioApiFallback to route it with a VirtualService, or route it with RoutingApi.ISTIO`,
      }];
      const report = (on: IConstruct, code: MeshCode, message: string) => code === 'MESH0745' ? reportWarning(on, code, message) : reportError(on, code, message);
      this._renders = chooseRoutingApi(mesh, this, problems, report) === RoutingApi.ISTIO || external.egressGateway !== undefined;
    }
    if (this._renders && !external.egressGateway) {
      // One VirtualService per host: each route's destination is its host, the one the request was for (a
      // wildcard host too: istiod refuses only '*' as a destination, and resolution NONE sends to the address called).
      external.hosts.forEach((host, i) => new istio.VirtualService(this, `VirtualService${i === 0 ? '' : i + 1}`, {
        metadata: { name: external.hosts.length > 1 ? `${name}-${i + 1}` : name, namespace: external.namespace },
        spec: Lazy.any({ produce: () => ({ hosts: [host], exportTo: external.exportTo, http: this._toIstio(host) }) }),
      }));
    }
    for (const route of listOr(this, 'routes', props.routes) ?? []) {
      this.addRoute(route);
    }
  }

  /**
   * The routes, in the order they are tried.
   */
  public get routes(): ExternalHttpRouteOptions[] {
    return [...this._routes];
  }

  /**
   * Adds a route after the existing ones. Every problem of the route is reported at synth.
   */
  public addRoute(route: ExternalHttpRouteOptions): void {
    route = route ?? {} as ExternalHttpRouteOptions;
    const label = route.name ? `route '${route.name}'` : `route ${this._routes.length + 1}`;
    const external = this.externalService;
    const http = external.ports.filter(p => isHttpProtocol(p.protocol!)).map(p => p.port);
    const describe = external.ports.map(p => `${p.port} ${p.protocol}`).join(', ');
    if (http.length === 0 && this._routes.length === 0) {
      // Reported once, at the first route: the service, not each route, lacks the port.
      reportError(this, 'MESH0895', `external service '${external.resource.name}' has no HTTP port (ports: ${describe}): on HTTPS and TLS ports the application's TLS hides the requests from its sidecar, add a plain HTTP port (e.g. { port: 80, protocol: Protocol.HTTP }) and call it with http://`);
    }
    const loose = route as { targets?: unknown; mirror?: unknown };
    if (loose.targets !== undefined || loose.mirror !== undefined) {
      // From JavaScript: an external service has no versions to send or copy requests to.
      reportError(this, 'MESH0896', `${label} gives ${loose.targets !== undefined ? 'targets' : 'a mirror'}, but an external service has no versions: leave it out (requests go to the host they were for), or give port to route to another port`);
    }
    // A port that is no port (from JavaScript, a string; out of range) is reported as such, not as one the service lacks.
    // Such a port is left out of the route.
    if (route.port !== undefined) {
      validatePort(this, `${label} port`, route.port);
    }
    const validPort = Number.isInteger(route.port) && route.port! >= 1 && route.port! <= 65535;
    if (validPort) {
      this.checkPort(label, 'port', route.port!, describe);
      if (external.egressGateway) {
        reportError(this, 'MESH0899', `${label} routes to port ${route.port}, but external service '${external.resource.name}' is called through egress gateway '${external.egressGateway.serviceName}', whose routes keep the port: leave port out, or call the service directly`);
      }
    }
    const catchAll = this._routes.find(r => !r.matches || r.matches.length === 0);
    if (catchAll) {
      reportError(this, 'MESH0104', `${label} comes after ${catchAll.name ? `route '${catchAll.name}'` : 'a route'} without matches, which takes all traffic, so it is never used: give that route matches, or add this one before it`);
    }
    if (route.name !== undefined) {
      validateDnsLabel(this, 'route name', route.name);
      if (this._routes.some(r => r.name === route.name)) {
        reportError(this, 'MESH0109', `${label} is already defined: give each route its own name`);
      }
    }
    const matches = listOr(this, `${label} matches`, route.matches);
    const checkedMatches = (matches ?? []).map(match => {
      const checked = validateRouteMatch(this, match);
      // A sourceService that is no service is reported by validateRouteMatch (MESH0009).
      if (match.sourceService && isMeshServiceKind(match.sourceService) && match.sourceService.mesh !== external.mesh) {
        reportError(this, 'MESH0108', `${label} matches source service '${match.sourceService.serviceName}' of another mesh: name a service of this mesh`);
      }
      if (Number.isInteger(match.port)) {
        this.checkPort(label, 'matches port', match.port!, describe);
      }
      return checked;
    });
    const fault = madeByFactory(this, `${label} fault`, route.fault, 'FaultInjection', 'FaultInjection.of({ ... })');
    const answers = route.redirect !== undefined || route.directResponse !== undefined;
    const actions = checkRouteActions(this, label, route, checkedMatches, {
      destination: answers ? undefined : 'the external service', mirror: false, fault: fault !== undefined,
    });
    const port = validPort ? route.port : undefined;
    this._routes.push({ name: route.name, port, matches: matches ? checkedMatches : undefined, fault, ...actions });
  }

  /** A port a route names must be one of the service's, and plain HTTP, where the sidecar sees the requests. */
  private checkPort(label: string, what: string, port: number, describe: string): void {
    const external = this.externalService;
    const found = external.ports.find(p => p.port === port);
    if (!found) {
      reportError(this, 'MESH0894', `${label} ${what} ${port} is not a port of external service '${external.resource.name}' (ports: ${describe}): give one of its HTTP ports`);
    } else if (!isHttpProtocol(found.protocol!) && !(what === 'port' && originatingPortTo(external, port) !== undefined)) {
      // A route may send to a TLS port the mesh originates TLS to (through the HTTP port that originates it).
      reportError(this, 'MESH0895', `${label} ${what} ${port} is ${found.protocol}, where the sidecar sees no HTTP requests (the application's TLS hides them on HTTPS and TLS ports), so an HTTP route cannot take them: give an HTTP port`);
    }
  }

  /**
   * The routes as resolved rules: they have no backends, each renderer sends the requests to the host they were for.
   *
   * @internal
   */
  public _rules(): HttpRule[] {
    return this._routes.map((route, i) => ({
      source: this,
      label: route.name ? `route '${route.name}'` : `route ${i + 1}`,
      name: route.name,
      matches: route.matches ?? [],
      backends: [],
      fault: route.fault,
      timeout: route.timeout,
      retries: route.retries,
      headers: route.headers,
      rewrite: route.rewrite,
      redirect: route.redirect,
      directResponse: route.directResponse,
      corsPolicy: route.corsPolicy,
    }));
  }

  /**
   * The routes of the VirtualService of `host`, without an egress gateway.
   *
   * @internal
   */
  public _toIstio(host: string): istio.VirtualServiceSpecHttp[] {
    return this._rules().map((rule, i) => withDestination(httpRuleToIstio(rule), host, this._destinationPort(this._routes[i].port)));
  }

  /** The service port a route's requests go to: for a TLS port the mesh originates TLS to, the HTTP port that does. */
  private _destinationPort(port: number | undefined): number | undefined {
    const found = this.externalService.ports.find(p => p.port === port);
    return found && !isHttpProtocol(found.protocol!) ? originatingPortTo(this.externalService, found.port) ?? port : port;
  }

  /**
   * The routes of the first hop through `gateway` for `host` on `port`: each match also holds the hop's own
   * conditions (from the sidecars, to that port and authority), and requests go on to the gateway.
   *
   * @internal
   */
  public _egressHop(host: string, port: number, gatewayHost: string): istio.VirtualServiceSpecHttp[] {
    if (!this._renders) {
      return [];
    }
    const hop = { gateways: ['mesh'], port, authority: { exact: host } };
    return this._rules().flatMap(rule => {
      const rendered = httpRuleToIstio(rule);
      // A match on another port never takes this hop's requests; a match's own authority gives way to the hop's host.
      const matches = (rendered.match ?? [{}]).filter(m => m.port === undefined || m.port === port).map(m => ({ ...m, ...hop }));
      return matches.length === 0 ? [] : [{ ...withDestination(rendered, gatewayHost, port), match: matches }];
    });
  }
}

/** A rendered route with its destination: none for a redirect or a direct response, which answer at once. */
function withDestination(route: istio.VirtualServiceSpecHttp, host: string, port?: number): istio.VirtualServiceSpecHttp {
  return route.redirect || route.directResponse ? route
    : { ...route, route: [{ destination: { host, port: port !== undefined ? { number: port } : undefined } }] };
}

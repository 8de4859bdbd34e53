import { Construct } from 'constructs';
import { FaultInjection } from './fault-injection';
import type { MeshServiceBase } from './mesh-service-base';
import type { IMeshService } from '../mesh-identity';
import type { HttpRule, RuleMirror, TcpRule, TlsRule } from './http-rule';
import { httpRuleToIstio } from './istio-routes';
import { checkRouteMirrors, Mirror } from './mirror';
import type { RetryPolicy, Timeout } from './resilience';
import { checkHeaderChanges, checkRouteActions, HeaderOperations, madeByFactory, RouteActions } from './route-actions';
import { RouteMatch, routeMatchKey, validateRouteMatch } from './route-match';
import { checkStreamRoute, CheckedStreamRoute, streamRules, TcpRouteOptions, TlsRouteOptions } from './stream-route';
import * as istio from '../imports/istio-networking';
import { listOr } from '../private/enums';
import { meshError, reportError, required } from '../private/errors';
import { validateDnsLabel, validatePercentage } from '../private/names';
import { isHttpProtocol } from '../private/protocols';
import { invalidateTree, isKind, isMeshServiceKind, markKind, meshOf } from '../private/tree';

/**
 * What a route does to the requests it sends to one target alone.
 */
export interface TrafficTargetOptions {
  /**
   * Changes to the headers of the requests sent to this target, and of its responses (Istio's `route[].headers`).
   *
   * @default - none
   */
  readonly headers?: HeaderOperations;
}

/**
 * A version of a service that receives a share of a route's traffic.
 */
export class TrafficTarget {
  /**
   * Send `weight` percent of the route's traffic to `name` (all of it when it is the route's only target).
   *
   * @param name the version
   * @param weight percent of the route's traffic (none for a route's only target)
   * @param options what the route does to this target's requests alone
   */
  public static version(name: string, weight?: number, options?: TrafficTargetOptions): TrafficTarget {
    validateDnsLabel('TrafficTarget.version', 'version', name);
    if (weight !== undefined && (!Number.isInteger(weight) || weight < 0 || weight > 100)) {
      throw meshError('MESH0102', 'TrafficTarget.version', `weight ${weight} of version '${name}' is invalid: use a whole percentage from 0 to 100`);
    }
    return new TrafficTarget(name, weight, options?.headers);
  }

  private constructor(
    /** The version. */
    public readonly versionName: string,
    /** Percentage of the route's traffic; undefined for a route's only target. */
    public readonly weight?: number,
    /** Changes to the headers of this target's requests and responses. */
    public readonly headers?: HeaderOperations,
  ) {}
}

/**
 * A copy of a route's traffic sent to another version, whose responses are discarded.
 */
export interface MirrorOptions {
  /** The version that receives the copies. */
  readonly version: string;
  /**
   * Share of requests copied, 0 to 100.
   *
   * @default 100
   */
  readonly percentage?: number;
}

/**
 * One routing rule: which requests it takes, and where they go.
 *
 * @see https://istio.io/latest/docs/reference/config/networking/virtual-service/#HTTPRoute
 */
export interface HttpRouteOptions extends RouteActions {
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
   * The versions that receive the traffic, with weights adding up to 100 when more than one.
   *
   * @default - none: only a route that redirects or answers with a directResponse has none
   */
  readonly targets?: TrafficTarget[];

  /**
   * Copy traffic to another version of the service (a shorthand for one of `mirrors`).
   *
   * @default - no mirroring
   */
  readonly mirror?: MirrorOptions;

  /**
   * Copy traffic to other services of the mesh, or versions of them (of this service too), each its share of
   * the requests: `[Mirror.to(audit), Mirror.to(reviews, { version: 'v3', percentage: 10 })]`.
   *
   * @default - no mirroring
   */
  readonly mirrors?: Mirror[];

  /**
   * Delays or aborts to inject.
   *
   * @default - none
   */
  readonly fault?: FaultInjection;
}

/**
 * Properties of a `TrafficSplit`.
 */
export interface TrafficSplitProps {
  /** The service whose traffic is routed. */
  readonly service: IMeshService;

  /**
   * The routes, in the order they are tried; more can be added with `addRoute()`.
   *
   * @default - none yet
   */
  readonly routes?: HttpRouteOptions[];

  /**
   * The TCP routes, in the order they are tried; more can be added with `addTcpRoute()`.
   *
   * @default - none
   */
  readonly tcpRoutes?: TcpRouteOptions[];

  /**
   * The TLS routes (by SNI), in the order they are tried; more can be added with `addTlsRoute()`.
   *
   * @default - none
   */
  readonly tlsRoutes?: TlsRouteOptions[];
}

interface StreamRoute {
  readonly options: TlsRouteOptions;
  readonly checked: CheckedStreamRoute;
  readonly targets: TrafficTarget[];
}

/**
 * The ordered routing rules of one service: match requests (headers, URI, method, caller), route them to
 * versions by weight, mirror them, inject faults. The first route that matches takes the request. TCP and TLS
 * routes do the same with connections to the service's TCP, TLS and HTTPS ports (a database or broker canary).
 *
 * Renders the service's VirtualService, and its DestinationRule with a subset for every version the service declares.
 *
 * @see https://istio.io/latest/docs/concepts/traffic-management/
 */
export class TrafficSplit extends Construct {
  /**
   * Whether `x` is a `TrafficSplit` (told by a symbol, as cdk8s tells charts apart: it works across copies of the library).
   */
  public static isTrafficSplit(x: any): x is TrafficSplit {
    return isKind(x, 'TrafficSplit');
  }

  /** The service whose traffic is routed. */
  public readonly service: IMeshService;

  private readonly _routes: HttpRouteOptions[] = [];
  private readonly _tcpRoutes: StreamRoute[] = [];
  private readonly _tlsRoutes: StreamRoute[] = [];
  private _reportedNoHttpPort = false;
  /** Whether the service is one the split can route (a service of this mesh): only then are routes checked against its ports. */
  private readonly _routable: boolean = false;

  public constructor(scope: Construct, id: string, props: TrafficSplitProps) {
    super(scope, id);
    // From JavaScript the props may be missing altogether: each required one is then reported as missing.
    props = props ?? {} as TrafficSplitProps;
    markKind(this, 'TrafficSplit');
    const mesh = meshOf(this);
    // Without a service nothing can stand in (the mesh's analysis reads it), so this one still throws.
    required(this, 'service', props.service, 'name the service whose traffic is routed');
    this.service = props.service;
    if (!isMeshServiceKind(props.service) && !Construct.isConstruct(props.service)) {
      // A plain object (from JavaScript) has nothing to report a path for, nor to route.
      throw meshError('MESH0009', this, 'service is not a service of a mesh: name a MeshService, or one imported with MeshService.fromName()');
    }
    if (isKind(props.service, 'ExternalService')) {
      // An external service has hosts, not versions: its routes are an ExternalTrafficSplit's.
      reportError(this, 'MESH0108', `service '${props.service.node.path}' is an ExternalService, which has no versions to split between: route it with new ExternalTrafficSplit(mesh, id, { externalService, routes })`);
    } else if (!isKind(props.service, 'MeshService') && !isKind(props.service, 'ImportedMeshService')) {
      reportError(this, 'MESH0108', `service '${props.service.node.path}' is not a MeshService: define it with new MeshService() or MeshService.fromName()`);
    } else if (props.service.mesh !== mesh) {
      reportError(this, 'MESH0108', `service '${props.service.serviceName}' belongs to another mesh (${props.service.mesh.node.path}): route a service of this mesh, or import it with MeshService.fromName()`);
    } else {
      // Only a service of this mesh gets the split's VirtualService and DestinationRule.
      (props.service as MeshServiceBase)._attachSplit(this);
      this._routable = true;
    }
    for (const route of listOr(this, 'routes', props.routes) ?? []) {
      this.addRoute(route);
    }
    for (const route of listOr(this, 'tcpRoutes', props.tcpRoutes) ?? []) {
      this.addTcpRoute(route);
    }
    for (const route of listOr(this, 'tlsRoutes', props.tlsRoutes) ?? []) {
      this.addTlsRoute(route);
    }
  }

  /**
   * The TCP routes, in the order they are tried.
   */
  public get tcpRoutes(): TcpRouteOptions[] {
    return this._tcpRoutes.map(r => ({ ...r.options, targets: [...r.targets] }));
  }

  /**
   * The TLS routes, in the order they are tried.
   */
  public get tlsRoutes(): TlsRouteOptions[] {
    return this._tlsRoutes.map(r => ({ ...r.options, targets: [...r.targets] }));
  }

  /**
   * The routes, in the order they are tried.
   */
  public get routes(): HttpRouteOptions[] {
    return [...this._routes];
  }

  /**
   * Every version a route sends or mirrors traffic to, sorted.
   */
  public get versionsUsed(): string[] {
    const versions = new Set<string>();
    for (const route of this._routes) {
      (route.targets ?? []).forEach(t => versions.add(t.versionName));
      for (const m of routeMirrors(this, route)) {
        if (m.version !== undefined && m.service === this.service) {
          versions.add(m.version);
        }
      }
    }
    for (const route of [...this._tcpRoutes, ...this._tlsRoutes]) {
      route.targets.forEach(t => versions.add(t.versionName));
    }
    return [...versions].sort();
  }

  /**
   * Adds a route after the existing ones.
   *
   * Every problem of the route is reported at synth. The route is still added, without what cannot stand
   * (a repeated target, a mirror to a version it already routes to), so that later routes are checked
   * against it and the split is not also reported as having no routes.
   */
  public addRoute(route: HttpRouteOptions): void {
    const label = route.name ? `route '${route.name}'` : `route ${this._routes.length + 1}`;
    const ports = this.service.ports ?? [];
    // Reported once per split, whatever the number of routes: the service, not each route, lacks the port.
    if (this._routable && !this._reportedNoHttpPort && ports.length > 0 && !ports.some(p => isHttpProtocol(p.protocol!))) {
      this._reportedNoHttpPort = true;
      reportError(this, 'MESH0107', `service '${this.service.serviceName}' has no HTTP, HTTP2 or GRPC port (ports: ${ports.map(p => p.name).join(', ')}): HTTP routes need one`);
    }
    // Missing targets are reported as missing (MESH0006), not also as empty; a route that redirects or answers needs none.
    const answers = route.redirect !== undefined || route.directResponse !== undefined;
    const given = answers ? route.targets ?? []
      : required(this, `${label} targets`, route.targets, 'give the versions that receive its traffic, e.g. [TrafficTarget.version(\'v1\')], or redirect, or give a directResponse', []);
    const catchAll = this._routes.find(r => !r.matches || r.matches.length === 0);
    if (catchAll) {
      reportError(this, 'MESH0104', `${label} comes after ${catchAll.name ? `route '${catchAll.name}'` : 'a route'} without matches, which takes all traffic, so it is never used: give that route matches, or add this one before it`);
    }
    const matches = listOr(this, `${label} matches`, route.matches);
    const earlier = this._routes.filter(r => r.matches && r.matches.length > 0);
    if (!catchAll && matches && matches.length > 0 && earlier.length > 0) {
      // Routes are tried in order: a route whose every match an earlier route already has never gets a request.
      const taken = new Set(earlier.flatMap(r => r.matches!.map(m => safeKey(m))));
      if (matches.every(m => { const key = safeKey(m); return key !== undefined && taken.has(key); })) {
        reportError(this, 'MESH0168', `${label} has the same matches as an earlier route, which takes their requests first, so it is never used: change its matches, or remove it`);
      }
    }
    if (route.name !== undefined) {
      validateDnsLabel(this, 'route name', route.name);
      if (this._routes.some(r => r.name === route.name)) {
        reportError(this, 'MESH0109', `${label} is already defined: give each route its own name`);
      }
    }
    const checkedMatches = (matches ?? []).map(match => {
      const checked = validateRouteMatch(this, match);
      // A sourceService that is no service is reported by validateRouteMatch (MESH0009).
      if (match.sourceService && isMeshServiceKind(match.sourceService) && match.sourceService.mesh !== this.service.mesh) {
        reportError(this, 'MESH0108', `${label} matches source service '${match.sourceService.serviceName}' of another mesh: name a service of this mesh`);
      }
      const numbers = ports.map(p => p.port);
      if (Number.isInteger(match.port) && match.port! >= 1 && match.port! <= 65535 && numbers.length > 0 && !numbers.includes(match.port!)) {
        reportError(this, 'MESH0803', `${label} matches port ${match.port}, which is not a port of service '${this.service.serviceName}' (ports: ${numbers.join(', ')}), so it takes no request: match one of them`);
      }
      return checked;
    });
    const targets = (route.targets && (!answers || given.length > 0) ? validateTargets(this, label, given) : [])
      .map(t => t.headers === undefined ? t : withHeaders(t, checkHeaderChanges(this, `${label} target '${t.versionName}'`, t.headers)));
    let mirror = route.mirror;
    if (mirror) {
      validateDnsLabel(this, 'mirror version', mirror.version);
      validatePercentage(this, 'mirror percentage', mirror.percentage ?? 100);
      if (targets.some(t => t.versionName === mirror!.version)) {
        reportError(this, 'MESH0105', `${label} mirrors to version '${mirror.version}', which already receives its traffic: mirror to another version`);
        // Dropped, so that an unknown version is not reported twice (as a target and as the mirror).
        mirror = undefined;
      }
    }
    const mirrors = checkRouteMirrors(this, label, route.mirrors, mirror, targets);
    for (const m of mirrors.filter(x => x.version !== undefined && x.service !== this.service)) {
      // The version mirrored to needs its subset in its service's DestinationRule.
      (m.service as Partial<MeshServiceBase>)._mirroredTo?.(m.version!);
    }
    // A fault, timeout or retries not made by its factory (a plain object from JavaScript, a Duration for a
    // Timeout) would crash at synthesis: reported, and left out.
    const fault = madeByFactory(this, `${label} fault`, route.fault, 'FaultInjection', 'FaultInjection.of({ ... })');
    // The timeout and retries are checked with the other actions.
    const actions = checkRouteActions(this, label, route, checkedMatches, {
      destination: given.length > 0 ? 'targets' : undefined, mirror: mirror !== undefined || mirrors.length > 0, fault: fault !== undefined,
    });
    this._routes.push({ ...route, matches: matches ? checkedMatches : undefined, targets, mirror, mirrors, fault, ...actions });
    // Views of the mesh index who mirrors to whom.
    invalidateTree();
  }

  /**
   * Adds a TCP route after the existing ones: connections to the service's TCP (or TLS, HTTPS) ports that meet
   * its conditions go to its targets, by weight. Every problem of the route is reported at synth.
   */
  public addTcpRoute(route: TcpRouteOptions): void {
    this.addStreamRoute(route, false);
  }

  /**
   * Adds a TLS route after the existing ones: TLS connections whose SNI is one of its hosts, and that meet its
   * other conditions, go to its targets, by weight, still encrypted. Every problem of the route is reported at synth.
   */
  public addTlsRoute(route: TlsRouteOptions): void {
    this.addStreamRoute(route, true);
  }

  private addStreamRoute(route: TlsRouteOptions, tls: boolean): void {
    const routes = tls ? this._tlsRoutes : this._tcpRoutes;
    const label = `${tls ? 'TLS' : 'TCP'} route ${routes.length + 1}`;
    route = route ?? {} as TlsRouteOptions;
    const given = required(this, `${label} targets`, route.targets, 'give the versions that receive its connections, e.g. [TrafficTarget.version(\'v1\')]', []);
    const targets = route.targets ? validateTargets(this, label, given) : [];
    const hosts = [this.service.host];
    // A service the split cannot route (reported: MESH0108) has no ports to check the route against.
    const checked = this._routable ? checkStreamRoute(this, this.service, hosts, label, route, tls, routes.map(r => r.checked)) : { label };
    routes.push({ options: route, checked, targets });
  }

  /**
   * The TCP routes as resolved rules, for either API.
   *
   * @internal
   */
  public _tcpRules(): TcpRule[] {
    return streamRules<TcpRule>(this, this.service, this._tcpRoutes);
  }

  /**
   * The TLS routes as resolved rules, for either API.
   *
   * @internal
   */
  public _tlsRules(): TlsRule[] {
    return streamRules<TlsRule>(this, this.service, this._tlsRoutes);
  }

  /**
   * The routes as resolved rules, for either API: `defaults` are the service's timeout and retries, which a
   * route without its own takes.
   *
   * @internal
   */
  public _rules(defaults: { timeout?: Timeout; retries?: RetryPolicy }): HttpRule[] {
    const service = this.service;
    return this._routes.map((route, i) => {
      const targets = route.targets ?? [];
      // A redirect or a direct response answers at once: the service's timeout and retries have no call to apply to.
      const redirects = route.redirect !== undefined || route.directResponse !== undefined;
      return {
        source: this,
        label: route.name ? `route '${route.name}'` : `route ${i + 1}`,
        name: route.name,
        matches: route.matches ?? [],
        backends: targets.map(t => ({ service, version: t.versionName, weight: targets.length > 1 ? t.weight : undefined, headers: t.headers })),
        mirrors: routeMirrors(this, route).map((m): RuleMirror => ({
          backend: { service: m.service, version: m.version, port: m.port }, percentage: m.percentage,
        })),
        fault: route.fault,
        timeout: route.timeout ?? (redirects ? undefined : defaults.timeout),
        retries: route.retries ?? (redirects ? undefined : defaults.retries),
        headers: route.headers,
        rewrite: route.rewrite,
        redirect: route.redirect,
        directResponse: route.directResponse,
        corsPolicy: route.corsPolicy,
      };
    });
  }

  /** @internal */
  public _toIstio(defaults: { timeout?: Timeout; retries?: RetryPolicy }): istio.VirtualServiceSpecHttp[] {
    return this._rules(defaults).map(httpRuleToIstio);
  }
}

/**
 * Checks a route's targets and returns them with each version once (the first target of a version stays).
 * Weights are checked only when every version is listed once: merging repeated targets changes them.
 */
function validateTargets(split: TrafficSplit, label: string, targets: TrafficTarget[]): TrafficTarget[] {
  if (targets.length === 0) {
    reportError(split, 'MESH0114', `${label} has no targets: add at least one TrafficTarget.version()`);
    return [];
  }
  const names = targets.map(t => t.versionName);
  const dups = [...new Set(names.filter((n, i) => names.indexOf(n) !== i))];
  if (dups.length > 0) {
    dups.forEach(dup => reportError(split, 'MESH0110', `${label} lists version '${dup}' twice: give each version one target with its total weight`));
    return targets.filter((t, i) => names.indexOf(t.versionName) === i);
  }
  if (targets.length === 1) {
    const w = targets[0].weight;
    if (w !== undefined && w !== 100) {
      reportError(split, 'MESH0102', `${label} sends weight ${w} to its only target '${targets[0].versionName}': a single target takes all traffic, omit the weight or use 100`);
    }
    return [...targets];
  }
  const missing = targets.filter(t => t.weight === undefined).map(t => t.versionName);
  if (missing.length > 0) {
    reportError(split, 'MESH0102', `${label} has several targets but no weight for ${missing.map(m => `'${m}'`).join(', ')}: give every target a weight, adding up to 100`);
    return [...targets];
  }
  const total = targets.reduce((sum, t) => sum + t.weight!, 0);
  if (total !== 100) {
    const weights = targets.map(t => `${t.versionName}=${t.weight}`).join(', ');
    reportError(split, 'MESH0102', `${label} weights add up to ${total} (${weights}): make them add up to 100`);
  }
  return [...targets];
}

/** The target with its checked header changes (none: they were reported, and are left out). */
function withHeaders(target: TrafficTarget, headers: HeaderOperations | undefined): TrafficTarget {
  return TrafficTarget.version(target.versionName, target.weight, { headers });
}

/** A match's key, or none when the match is too broken to compare (a plain object from JavaScript). */
function safeKey(match: RouteMatch): string | undefined {
  try {
    return routeMatchKey(match);
  } catch {
    return undefined;
  }
}

/**
 * Every mirror of a route of `split`: its `mirror` (a version of the split's service) first, then its `mirrors`.
 *
 * @internal
 */
export function routeMirrors(split: TrafficSplit, route: HttpRouteOptions): Mirror[] {
  const shorthand = route.mirror ? [Mirror._unchecked(split.service, route.mirror.percentage ?? 100, route.mirror.version)] : [];
  return [...shorthand, ...route.mirrors ?? []];
}

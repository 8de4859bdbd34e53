import { ApiObject, Lazy } from 'cdk8s';
import { k8s } from 'cdk8s-plus-27';
import { IConstruct } from 'constructs';
import { gatewayApiGatewaySpec, listenerNameOf, listenerNamesOf } from './gateway-listeners';
import { isGatewayApiObject } from './objects';
import { precedenceProblems } from './precedence';
import { backendRef, backendServiceName, BackendUse, grpcRouteRules, httpRouteRules, RouteContext } from './route-rules';
import { RoutingApi } from './routing-api';
import { chooseRoutingApi, Inexpressible, routingOf } from './routing-settings';
import type { MeshCode } from '../analysis/codes';
import type { EgressGateway } from '../gateways/egress-gateway';
import type { IngressGateway } from '../gateways/ingress-gateway';
import * as gw from '../imports/gateway-api';
import * as istio from '../imports/istio-networking';
import type { IMesh, IMeshService } from '../mesh-identity';
import { reportError, reportWarning } from '../private/errors';
import { reportLostOverrides } from '../private/overridden-json';
import { constructsOfKind } from '../private/tree';
import type { HttpRule, RuleBackend, TcpRule, TlsRule } from '../traffic/http-rule';
import type { MeshServiceBase } from '../traffic/mesh-service-base';
import { Protocol } from '../traffic/protocol';
import { policiesBeforeRoutes, routesAfterPolicies } from '../traffic/rollout-order';

const GATEWAY_GROUP = 'gateway.networking.k8s.io';

/** What was reported already: the rendering is decided again on every analysis, each problem is reported once. */
const REPORTED = new WeakMap<IConstruct, Set<string>>();

function reportWarningOnce(scope: IConstruct, code: MeshCode, message: string): void {
  const seen = REPORTED.get(scope) ?? new Set<string>();
  REPORTED.set(scope, seen);
  if (!seen.has(`${code} ${message}`)) {
    seen.add(`${code} ${message}`);
    reportWarning(scope, code, message);
  }
}

function reportOnce(scope: IConstruct, code: MeshCode, message: string): void {
  const seen = REPORTED.get(scope) ?? new Set<string>();
  REPORTED.set(scope, seen);
  if (seen.has(`${code} ${message}`)) {
    return;
  }
  seen.add(`${code} ${message}`);
  if (code === 'MESH0745') {
    reportWarning(scope, code, message);
  } else {
    reportError(scope, code, message);
  }
}

/**
 * Renders a mesh's routing with the Gateway API (its `routingApi`): decides, for each service with routing of its
 * own and each gateway, which API renders it (`chooseRoutingApi`), and makes the objects of that API in place of
 * Istio's. It runs before every analysis of the mesh (so at synthesis, once every route is known), and again
 * gives the same objects; the objects' specs are produced when they are written.
 *
 * @internal
 */
export function renderGatewayApi(mesh: IMesh): void {
  if (routingOf(mesh).api !== RoutingApi.GATEWAY_API) {
    return;
  }
  const services = [...constructsOfKind(mesh, 'MeshService'), ...constructsOfKind(mesh, 'ImportedMeshService')] as MeshServiceBase[];
  const versions: BackendUse[] = [];
  for (const service of services.filter(s => s._routed)) {
    versions.push(...renderServiceRoutes(mesh, service));
  }
  for (const gateway of constructsOfKind(mesh, 'IngressGateway') as IngressGateway[]) {
    versions.push(...renderIngressRoutes(mesh, gateway));
  }
  for (const gateway of constructsOfKind(mesh, 'EgressGateway') as EgressGateway[]) {
    const routed = gateway.externalServices.map(e => e.node.id);
    const what = `an egress gateway${routed.length > 0 ? ` (routing external services ${routed.map(r => `'${r}'`).join(', ')})` : ''}`;
    chooseRoutingApi(mesh, gateway, [{
      scope: gateway,
      code: 'MESH0744',
      what,
      message: `${what} cannot be expressed in the Gateway API: set the mesh's allowIstioApiFallback to keep it in Istio's API, or call the external services directly`,
    }], reportOnce);
  }
  renderVersionServices(mesh, services, versions);
  for (const service of services) {
    for (const version of service.versionNames ?? []) {
      if (service._versionPolicy(version) && !versions.some(u => u.service === service && u.version === version)) {
        const name = backendServiceName({ service, version });
        reportWarningOnce(service, 'MESH0865', `version '${version}' has a trafficPolicy, but with the Gateway API it applies only to traffic routed to the version (through Service '${name}') and no route of the mesh sends it any: route to the version with a TrafficSplit, or give the policy to the service`);
      }
    }
  }
}

/** The service's ports that HTTP routes apply to, each with the kind of route object it gets. */
function routablePorts(service: IMeshService): { port: number; grpc: boolean }[] {
  return service.ports
    .filter(p => p.protocol === Protocol.HTTP || p.protocol === Protocol.HTTP2 || p.protocol === Protocol.GRPC)
    .map(p => ({ port: p.port, grpc: p.protocol === Protocol.GRPC }));
}

/** The rules of one object, rendered to the route kind of a port. */
function renderRules(rules: HttpRule[], ctx: RouteContext, grpc: boolean) {
  return grpc ? grpcRouteRules(rules, ctx) : httpRouteRules(rules, ctx);
}

/** Problems of precedence: rules that render alike do the same with a request, whatever their order. */
function orderProblems(rules: HttpRule[], rendered: { rules: object[] }, subject: string): Inexpressible[] {
  const key = (i: number) => JSON.stringify({ ...rendered.rules[i], name: undefined, matches: undefined });
  return precedenceProblems(rules, subject, (i, j) => key(i) === key(j));
}

/**
 * A service's routing inside the mesh: GAMMA routes (one per HTTP or gRPC port, the service as their parent), or,
 * when the Gateway API cannot express it and the mesh allows, its VirtualService and subsets as before.
 */
function renderServiceRoutes(mesh: IMesh, service: MeshServiceBase): BackendUse[] {
  const subject = `service '${service.serviceName}'`;
  const rules = service._httpRules();
  const ports = routablePorts(service);
  const problems: Inexpressible[] = [];
  const used: BackendUse[] = [];
  for (const { port, grpc } of ports) {
    const rendered = renderRules(rules, { subject, namespace: service.namespace, port }, grpc);
    problems.push(...rendered.problems, ...orderProblems(rules, rendered, subject));
    used.push(...rendered.backends);
  }
  const streams = serviceStreamRoutes(service);
  problems.push(...streams.problems);
  if (service.exportTo !== undefined) {
    const what = `exportTo (${service.exportTo.join(', ')}) limits which namespaces see the service's routing`;
    problems.push({
      scope: service,
      code: 'MESH0892',
      what,
      message: `${what}, which the Gateway API cannot express (its routes have no exportTo: they apply to callers in every namespace), so ${subject} cannot be routed with it: drop exportTo, or set the mesh's allowIstioApiFallback`,
    });
  }
  used.push(...streams.routes.flatMap(r => r.rule.backends));
  const api = chooseRoutingApi(mesh, service, unique(problems), reportOnce);
  service._routingApi = api;
  if (api === RoutingApi.ISTIO) {
    reportPrefixRedirects(rules);
    service._ensureVirtualService();
    if (service.trafficSplit) {
      service._ensureDestinationRule();
    }
    for (const c of service.gatewayApiRoutes) {
      reportLostOverrides(service, c, "the service is routed with Istio's API, so its Gateway API routes are not written: override its virtualService");
      service.node.tryRemoveChild(c.node.id);
    }
    return [];
  }
  reportLostOverrides(service, service.virtualService, 'the service is routed with the Gateway API, so its VirtualService is not written: '
    + 'override its gatewayApiRoutes (made by mesh.analyze())');
  renderServiceStreamRoutes(mesh, service, streams.routes);
  service.node.tryRemoveChild('VirtualService');
  // Without subsets, a DestinationRule without traffic policy says nothing.
  const dr = service.destinationRule;
  if (dr && service._destinationRuleSpec().trafficPolicy === undefined) {
    reportLostOverrides(service, dr, 'the service is routed with the Gateway API, which does not use its subsets, and it has no traffic policy, '
      + 'so its DestinationRule is not written: give the service a traffic policy (a circuit breaker or a load balancer) to keep it');
    service.node.tryRemoveChild('DestinationRule');
  }
  for (const { port, grpc } of ports) {
    const id = `${grpc ? 'GrpcRoute' : 'HttpRoute'}${ports.length > 1 ? `-${port}` : ''}`;
    if (service.node.tryFindChild(id)) {
      continue;
    }
    const ctx = { subject, namespace: service.namespace, port };
    const metadata = { name: ports.length > 1 ? `${service.serviceName}-${port}` : service.serviceName, namespace: service.namespace };
    const parentRefs = [{ group: '', kind: 'Service', name: service.serviceName, port }];
    const rendered = () => (grpc ? grpcRouteRules : httpRouteRules)(service._httpRules(), ctx).rules;
    const spec = Lazy.any({ produce: () => ({ parentRefs, rules: rendered() }) });
    routesAfterPolicies(mesh, grpc ? new gw.GrpcRoute(service, id, { metadata, spec }) : new gw.HttpRoute(service, id, { metadata, spec }));
    // A mirror to a service of another namespace is a reference across namespaces.
    for (const mirror of rules.flatMap(r => r.mirrors ?? [])) {
      referenceGrant(mesh, service.namespace, mirror.backend.service.namespace, grpc ? 'GRPCRoute' : 'HTTPRoute');
    }
  }
  return used;
}

/** One GAMMA TCPRoute or TLSRoute of a service: a split's rule on one of the service's ports. */
interface StreamRouteObject {
  readonly id: string;
  readonly name: string;
  readonly port: number;
  readonly rule: TcpRule | TlsRule;
  readonly tls: boolean;
}

/**
 * A service's TCP and TLS routes as GAMMA TCPRoutes and TLSRoutes (parent: the service and one of its ports; a
 * rule without a port gets one per port it applies to), with what the Gateway API cannot express: the L4
 * conditions other than the port and SNI, and several TCP routes on one port (a TCPRoute has no matches).
 */
function serviceStreamRoutes(service: MeshServiceBase): { routes: StreamRouteObject[]; problems: Inexpressible[] } {
  const split = service.trafficSplit;
  if (!split) {
    return { routes: [], problems: [] };
  }
  const subject = `service '${service.serviceName}'`;
  const problems: Inexpressible[] = [];
  const routes: StreamRouteObject[] = [];
  // TLS routes first: a TCP route on a port a TLS route takes is a problem (Istio's API tries TLS routes first there).
  const kinds: [TcpRule[] | TlsRule[], boolean][] = [[split._tlsRules(), true], [split._tcpRules(), false]];
  for (const [rules, tls] of kinds) {
    const accepted = tls ? [Protocol.TLS, Protocol.HTTPS] : [Protocol.TCP, Protocol.TLS, Protocol.HTTPS];
    rules.forEach((rule: TcpRule | TlsRule, i: number) => {
      const conditions = [
        rule.sourceLabels ? 'the calling service' : undefined,
        rule.sourceNamespace !== undefined && !rule.sourceLabels ? 'the calling namespace' : undefined,
        rule.destinationSubnets ? 'destination subnets' : undefined,
      ].filter(c => c !== undefined);
      if (conditions.length > 0) {
        const what = `${rule.label} matches ${conditions.join(' and ')}`;
        problems.push({
          scope: rule.source,
          code: 'MESH0887',
          what,
          message: `${what}, which a Gateway API ${tls ? 'TLSRoute' : 'TCPRoute'} cannot express (it matches only the port${tls ? ' and SNI host' : ''}), so ${subject} cannot be routed with it: drop the condition, or set the mesh's allowIstioApiFallback`,
        });
      }
      const ports = rule.port !== undefined ? [rule.port] : service.ports.filter(p => accepted.includes(p.protocol!)).map(p => p.port);
      for (const port of ports) {
        const taken = tls ? undefined : routes.find(r => r.port === port);
        if (taken) {
          const what = `${rule.label} and ${taken.rule.label} both take port ${port}`;
          const why = taken.tls
            ? 'and the Gateway API has no order between a TCPRoute and a TLSRoute of one port (Istio\'s API tries the TLS route first)'
            : 'and a Gateway API TCPRoute has no matches (a port has one)';
          problems.push({
            scope: rule.source,
            code: 'MESH0887',
            what,
            message: `${what}, ${why}, so ${subject} cannot be routed with it: give each port one TCP route, or set the mesh's allowIstioApiFallback`,
          });
          continue;
        }
        const n = tls ? `tls-${port}-${i + 1}` : `tcp-${port}`;
        routes.push({ id: tls ? `TlsRoute-${port}-${i + 1}` : `TcpRoute-${port}`, name: `${service.serviceName}-${n}`, port, rule, tls });
      }
    });
  }
  return { routes, problems };
}

/**
 * The service's GAMMA TCPRoutes and TLSRoutes, each bound to the service's port, its backends weighted, written
 * after the per-version Services they send connections to.
 */
function renderServiceStreamRoutes(mesh: IMesh, service: MeshServiceBase, routes: StreamRouteObject[]): void {
  for (const { id, name, port, rule, tls } of routes) {
    if (service.node.tryFindChild(id)) {
      continue;
    }
    const ctx = { subject: `service '${service.serviceName}'`, namespace: service.namespace, port };
    const metadata = { name, namespace: service.namespace };
    const parentRefs = [{ group: '', kind: 'Service', name: service.serviceName, port }];
    const backendRefs = weightedRefs(rule.backends.map(b => ({ ...b, port })), ctx);
    if (tls) {
      const hostnames = [...(rule as TlsRule).sniHosts];
      const spec = { parentRefs, hostnames, rules: [{ backendRefs }] } as gw.TlsRouteSpec;
      routesAfterPolicies(mesh, new gw.TlsRoute(service, id, { metadata, spec }));
    } else {
      routesAfterPolicies(mesh, new gw.TcpRoute(service, id, { metadata, spec: { parentRefs, rules: [{ backendRefs }] } as gw.TcpRouteSpec }));
    }
  }
}

/**
 * An ingress gateway's routes: a Gateway API `Gateway` with an `HTTPRoute` per set of hosts (a `GRPCRoute` for the
 * routes to gRPC ports), `TLSRoute`s and `TCPRoute`s, and the ReferenceGrants that let them reach services in other
 * namespaces; or, when the Gateway API cannot express them and the mesh allows, Istio's Gateway and VirtualServices.
 */
function renderIngressRoutes(mesh: IMesh, gateway: IngressGateway): BackendUse[] {
  const subject = `gateway '${gateway.gatewayName}'`;
  const sets = gateway._routeHostSets.map((key, n) => {
    const rules = gateway._httpRules(key);
    const grpc = rules.filter(r => r.backends.length > 0 && r.backends.every(b => isGrpcPort(b.service, b.port)));
    const http = rules.filter(r => !grpc.includes(r));
    // The namespace the gateway bound the hosts' VirtualService in (kept by the objects that replace it).
    const suffix = n === 0 ? '' : `${n}`;
    const bound = (gateway.node.tryFindChild(`Routes${suffix}`) ?? gateway.node.tryFindChild(`GrpcRoutes${suffix}`)) as ApiObject | undefined;
    const namespace = bound?.metadata.namespace ?? gateway.namespace;
    return { key, n, http, grpc, namespace, hosts: key.split(',') };
  });
  const problems: Inexpressible[] = [];
  const used: BackendUse[] = [];
  for (const set of sets) {
    const ctx = { subject, namespace: set.namespace, port: 80 };
    const http = httpRouteRules(set.http, ctx);
    const grpc = grpcRouteRules(set.grpc, ctx);
    problems.push(...http.problems, ...grpc.problems, ...orderProblems(set.http, http, subject));
    used.push(...http.backends, ...grpc.backends);
  }
  used.push(...gateway._tlsRules().flatMap(r => r.backends), ...gateway._tcpRules().flatMap(r => r.backends));
  for (const l of gateway._resolvedListeners) {
    for (const gap of l.tls?._gatewayApiGaps() ?? []) {
      const what = `listener ${l.port} sets ${gap}`;
      problems.push({ scope: gateway, code: 'MESH1103', what, message: `${what}, which the Gateway API cannot express, so ${subject} cannot be rendered with it: drop the setting, or set the mesh's allowIstioApiFallback` });
    }
  }
  const api = chooseRoutingApi(mesh, gateway, unique(problems), reportOnce);
  const resource = gateway.node.tryFindChild('Resource');
  if (api === RoutingApi.ISTIO) {
    reportPrefixRedirects(sets.flatMap(set => [...set.http, ...set.grpc]));
    return [];
  }
  if (ApiObject.isApiObject(resource) && !isGatewayApiObject(resource, 'Gateway')) {
    reportLostOverrides(gateway, resource, GATEWAY_REPLACED);
    gateway.node.tryRemoveChild('Resource');
    new gw.Gateway(gateway, 'Resource', {
      metadata: { name: gateway.gatewayName, namespace: gateway.namespace },
      spec: Lazy.any({ produce: () => gatewayApiGatewaySpec(gateway) }),
    });
  }
  const parentRef = (sectionName?: string) => ({
    group: GATEWAY_GROUP, kind: 'Gateway', name: gateway.gatewayName, sectionName, namespace: undefined as string | undefined,
  });
  const redirecting = gateway._resolvedListeners.filter(l => l.httpsRedirect);
  for (const l of redirecting) {
    // Istio's httpsRedirect as the Gateway API says it: an HTTPRoute on the listener that redirects every request.
    const id = `HttpsRedirect${l.port}`;
    if (!gateway.node.tryFindChild(id)) {
      routesAfterPolicies(mesh, new gw.HttpRoute(gateway, id, {
        metadata: { name: `${gateway.gatewayName}-https-redirect-${l.port}`, namespace: gateway.namespace },
        spec: {
          parentRefs: listenerNamesOf(gateway, l.port).map(name => parentRef(name)),
          rules: [{
            filters: [{
              type: gw.HttpRouteSpecRulesFiltersType.REQUEST_REDIRECT,
              requestRedirect: { scheme: gw.HttpRouteSpecRulesFiltersRequestRedirectScheme.HTTPS, statusCode: 301 },
            }],
          }],
        } as gw.HttpRouteSpec,
      }));
    }
  }
  for (const set of sets) {
    const suffix = set.n === 0 ? '' : `${set.n}`;
    const name = set.n === 0 ? gateway.gatewayName : `${gateway.gatewayName}-${set.n}`;
    const hostnames = set.hosts.includes('*') ? undefined : set.hosts;
    const parentNamespace = set.namespace === gateway.namespace ? undefined : gateway.namespace;
    // A listener that redirects to HTTPS takes no routes: the others are named, so that routes bind only to them.
    const parentRefs = redirecting.length === 0 ? [{ ...parentRef(), namespace: parentNamespace }]
      : gateway._resolvedListeners.filter(l => !l.httpsRedirect && (l.protocol === Protocol.HTTP || l.protocol === Protocol.HTTPS))
        .flatMap(l => listenerNamesOf(gateway, l.port)).map(section => ({ ...parentRef(section), namespace: parentNamespace }));
    const ctx = { subject, namespace: set.namespace, port: 80 };
    const rulesOf = (grpc: boolean) => {
      const rules = gateway._httpRules(set.key).filter(r => grpc === (r.backends.length > 0 && r.backends.every(b => isGrpcPort(b.service, b.port))));
      return rules;
    };
    const existing = gateway.node.tryFindChild(`Routes${suffix}`);
    if (set.http.length > 0 && !isGatewayApiObject(existing, 'HTTPRoute')) {
      reportLostOverrides(gateway, existing, GATEWAY_REPLACED);
      gateway.node.tryRemoveChild(`Routes${suffix}`);
      routesAfterPolicies(mesh, new gw.HttpRoute(gateway, `Routes${suffix}`, {
        metadata: { name, namespace: set.namespace },
        spec: Lazy.any({ produce: () => ({ parentRefs, hostnames, rules: httpRouteRules(rulesOf(false), ctx).rules }) }),
      }));
    } else if (set.http.length === 0 && ApiObject.isApiObject(existing) && existing.kind === 'VirtualService') {
      reportLostOverrides(gateway, existing, GATEWAY_REPLACED);
      gateway.node.tryRemoveChild(`Routes${suffix}`);
    }
    if (set.grpc.length > 0 && !gateway.node.tryFindChild(`GrpcRoutes${suffix}`)) {
      routesAfterPolicies(mesh, new gw.GrpcRoute(gateway, `GrpcRoutes${suffix}`, {
        metadata: { name: `${name}-grpc`, namespace: set.namespace },
        spec: Lazy.any({ produce: () => ({ parentRefs, hostnames, rules: grpcRouteRules(rulesOf(true), ctx).rules }) }),
      }));
    }
    for (const rule of [...set.http, ...set.grpc]) {
      for (const b of [...rule.backends, ...(rule.mirrors ?? []).map(m => m.backend)]) {
        referenceGrant(mesh, set.namespace, b.service.namespace, set.grpc.includes(rule) ? 'GRPCRoute' : 'HTTPRoute');
      }
    }
  }
  renderStreamRoutes(mesh, gateway, parentRef);
  return used;
}

/** Why an overridden Istio object of an ingress gateway is not written (see `reportLostOverrides`). */
const GATEWAY_REPLACED = 'the gateway is routed with the Gateway API, so its Istio objects are not written: override its Gateway API objects '
  + '(its Gateway and routes, made by mesh.analyze())';

/**
 * A redirect by path prefix, which the Gateway API takes (ReplacePrefixMatch) and the model accepted for it, in a
 * route that falls back to Istio's API: a VirtualService redirects only to a whole path.
 */
function reportPrefixRedirects(rules: HttpRule[]): void {
  for (const rule of rules.filter(r => r.redirect?.pathPrefix !== undefined)) {
    reportOnce(rule.source, 'MESH0726', `${rule.label} redirects by path prefix, which Istio's VirtualService cannot (it redirects only to a whole path), and its routing stays in Istio's API: use redirect.fullPath, or make the rest of its routing expressible in the Gateway API`);
  }
}

/** The gateway's TLS (by SNI) and TCP routes: a TLSRoute and a TCPRoute per rule, bound to the listener of its port. */
function renderStreamRoutes(mesh: IMesh, gateway: IngressGateway, parentRef: (sectionName?: string) => object): void {
  // The TLS and TCP routes' VirtualService gives way to the TLSRoutes and TCPRoutes.
  reportLostOverrides(gateway, gateway.node.tryFindChild('StreamRoutes'), GATEWAY_REPLACED);
  gateway.node.tryRemoveChild('StreamRoutes');
  gateway._tlsRules().forEach((rule, i) => {
    const id = `TlsRoute${i}`;
    if (!gateway.node.tryFindChild(id)) {
      const ctx = { subject: `gateway '${gateway.gatewayName}'`, namespace: gateway.namespace, port: rule.port! };
      routesAfterPolicies(mesh, new gw.TlsRoute(gateway, id, {
        metadata: { name: `${gateway.gatewayName}-tls-${i}`, namespace: gateway.namespace },
        spec: {
          parentRefs: [parentRef(listenerNameOf(gateway, rule.port!))],
          hostnames: [...rule.sniHosts],
          rules: [{ backendRefs: weightedRefs(rule.backends, ctx) }],
        } as gw.TlsRouteSpec,
      }));
    }
    rule.backends.forEach(b => referenceGrant(mesh, gateway.namespace, b.service.namespace, 'TLSRoute'));
  });
  gateway._tcpRules().forEach((rule, i) => {
    const id = `TcpRoute${i}`;
    if (!gateway.node.tryFindChild(id)) {
      const ctx = { subject: `gateway '${gateway.gatewayName}'`, namespace: gateway.namespace, port: rule.port! };
      routesAfterPolicies(mesh, new gw.TcpRoute(gateway, id, {
        metadata: { name: `${gateway.gatewayName}-tcp-${i}`, namespace: gateway.namespace },
        spec: {
          parentRefs: [parentRef(listenerNameOf(gateway, rule.port!))],
          rules: [{ backendRefs: weightedRefs(rule.backends, ctx) }],
        } as gw.TcpRouteSpec,
      }));
    }
    rule.backends.forEach(b => referenceGrant(mesh, gateway.namespace, b.service.namespace, 'TCPRoute'));
  });
}

/** A stream rule's backends as backendRefs, each with its weight when there are several. */
function weightedRefs(backends: RuleBackend[], ctx: RouteContext) {
  return backends.map(b => ({ ...backendRef(b, ctx), weight: backends.length > 1 ? b.weight : undefined }));
}

/**
 * Lets routes of one kind in namespace `from` reach Services in namespace `to` (the Gateway API refuses a
 * reference across namespaces without it): one ReferenceGrant per namespace pair and kind, in `to`.
 */
function referenceGrant(mesh: IMesh, from: string, to: string, kind: string): void {
  if (from === to) {
    return;
  }
  const id = `ReferenceGrant-${kind}-${from}-${to}`;
  if (mesh.node.tryFindChild(id)) {
    return;
  }
  new gw.ReferenceGrant(mesh, id, {
    metadata: { name: `${kind.toLowerCase()}s-from-${from}`, namespace: to },
    spec: { from: [{ group: GATEWAY_GROUP, kind, namespace: from }], to: [{ group: '', kind: 'Service' }] },
  });
}

function isGrpcPort(service: IMeshService, port: number | undefined): boolean {
  const p = port === undefined ? undefined : service.ports.find(x => x.port === port);
  return p?.protocol === Protocol.GRPC;
}

/**
 * The Services the versions routed to are reached through (`<service>-<version>`: the Gateway API has no subsets),
 * each written once, in its service's namespace, beside the service: its pods' labels plus `version`, its ports. A
 * service with a DestinationRule gives each the same traffic policy (a DestinationRule applies to one host).
 */
function renderVersionServices(mesh: IMesh, services: MeshServiceBase[], used: BackendUse[]): void {
  const taken = new Map(services.map(s => [`${s.namespace}/${s.serviceName}`, s]));
  const seen = new Set<string>();
  for (const { service, version } of used) {
    if (version === undefined || seen.has(`${service.namespace}/${service.serviceName}/${version}`)) {
      continue;
    }
    seen.add(`${service.namespace}/${service.serviceName}/${version}`);
    const owner = service as MeshServiceBase;
    const name = backendServiceName({ service, version });
    const other = taken.get(`${service.namespace}/${name}`);
    if (other) {
      reportOnce(owner, 'MESH0747', `version '${version}' is routed through a Service '${name}' (the Gateway API has no subsets), but service '${other.serviceName}' in namespace '${service.namespace}' has that name: rename one of them`);
      continue;
    }
    if (name.length > 63) {
      reportOnce(owner, 'MESH0748', `version '${version}' is routed through a Service named '${name}' (${name.length} characters), longer than a Service name may be (63): shorten the service or version name`);
      continue;
    }
    const clash = [...seen].find(k => k !== `${service.namespace}/${service.serviceName}/${version}` && k.startsWith(`${service.namespace}/`) && versionServiceName(k) === name);
    if (clash) {
      reportOnce(owner, 'MESH0747', `version '${version}' is routed through a Service '${name}' (the Gateway API has no subsets), but another service's version is routed through a Service of that name: rename one of them`);
      continue;
    }
    const id = `VersionService-${version}`;
    if (owner.node.tryFindChild(id)) {
      continue;
    }
    const labels = { ...podLabelsOf(owner), version };
    // The Service a route sends to is written before the routes, as a DestinationRule is.
    policiesBeforeRoutes(mesh, new k8s.KubeService(owner, id, {
      metadata: { name, namespace: service.namespace, labels: { app: service.serviceName, version } },
      spec: {
        selector: labels,
        ports: service.ports.map(p => ({
          name: p.name,
          port: p.port,
          targetPort: k8s.IntOrString.fromNumber(p.targetPort ?? p.port),
          appProtocol: p.protocol,
          protocol: 'TCP',
        })),
      },
    }));
    // The service's traffic policy, with the version's own over it (as Istio merges a subset's over its rule's).
    if (owner._versionTrafficPolicy(version)) {
      policiesBeforeRoutes(mesh, new istio.DestinationRule(owner, `VersionDestinationRule-${version}`, {
        metadata: { name, namespace: service.namespace },
        spec: Lazy.any({ produce: () => ({ host: mesh.hostOf(name, service.namespace), trafficPolicy: owner._versionTrafficPolicy(version) }) }),
      }));
    }
  }
}

function versionServiceName(key: string): string {
  const [, service, version] = key.split('/');
  return `${service}-${version}`;
}

/** The labels that select a service's pods: an imported service's `podLabels`, else `app: <name>`. */
function podLabelsOf(service: MeshServiceBase): { [key: string]: string } {
  return (service as { _podLabels?: { [key: string]: string } })._podLabels ?? { app: service.serviceName };
}

function unique(problems: Inexpressible[]): Inexpressible[] {
  const keys = new Set<string>();
  return problems.filter(p => {
    const key = `${p.scope.node.path} ${p.code} ${p.message}`;
    return keys.has(key) ? false : (keys.add(key), true);
  });
}

import { AccessModel } from '../analysis/access-model';
import { MeshModel } from '../analysis/mesh-model';
import type { IngressGateway } from '../gateways/ingress-gateway';
import type { MeshGateway } from '../gateways/mesh-gateway';
import type { IMesh, IMeshIdentity, IMeshService } from '../mesh-identity';
import { istioProtocol } from '../private/protocols';
import { serviceKey } from '../private/services';
import { sidecarScope } from '../private/sidecar-scope';
import { constructsOfKind, isKind, isMeshServiceKind } from '../private/tree';
import type { AccessAction, AccessRule } from '../security/access-policy';
import type { RevokedIdentities } from '../security/revoked-identities';
import type { ExternalService } from '../traffic/external-service';
import type { TcpRule } from '../traffic/http-rule';
import type { RouteMatch } from '../traffic/route-match';
import { routeMirrors, type HttpRouteOptions } from '../traffic/traffic-split';

/**
 * What a node of the picture stands for (each is drawn in a shape of its own).
 *
 * @internal
 */
export type GraphNodeKind = 'service' | 'version' | 'gateway' | 'external' | 'anyone';

/**
 * What an edge of the picture says: where a service's routes send requests, who may call whom, what an
 * ingress gateway routes to a service, what leaves through an egress gateway.
 *
 * @internal
 */
export type GraphEdgeKind = 'route' | 'mirror' | 'access' | 'ingress' | 'egress';

/** @internal */
export interface GraphNode {
  /** Unique and stable: the same program gives the same ids, and two constructs never share one. */
  readonly id: string;
  /** The label's lines (user strings, unescaped). */
  readonly label: string[];
  readonly kind: GraphNodeKind;
}

/** @internal */
export interface GraphCluster {
  readonly id: string;
  readonly label: string[];
  readonly nodes: GraphNode[];
}

/** @internal */
export interface GraphEdge {
  readonly from: string;
  readonly to: string;
  readonly label: string[];
  readonly kind: GraphEdgeKind;
}

/**
 * The picture of a mesh, independent of the notation it is written in: the mesh (a box holding one cluster
 * per namespace), what is outside it (callers from anywhere, external services), and the edges.
 *
 * @internal
 */
export interface MeshGraph {
  /** The mesh box's label. */
  readonly meshLabel: string[];
  /** One cluster per namespace, sorted by name. */
  readonly namespaces: GraphCluster[];
  /** What is outside the mesh. */
  readonly outside: GraphNode[];
  readonly edges: GraphEdge[];
}

/**
 * A node id from its kind and the names that identify it. Each character other than a lowercase letter or
 * digit is written `_<hex code point>_` and the parts are joined with `__`, so the id is made of
 * `[a-z0-9_]` only (an id both Mermaid and DOT take unquoted) and two different lists never give one id
 * (`a-b`/`c` and `a`/`b-c` stay apart).
 *
 * @internal
 */
export function nodeId(kind: string, ...parts: string[]): string {
  const encode = (part: string) => [...part].map(c => (/[a-z0-9]/.test(c) ? c : `_${c.codePointAt(0)!.toString(16)}_`)).join('');
  return [kind, ...parts.map(encode)].join('__');
}

const ALLOW = 'ALLOW' as AccessAction;
const ANYONE = 'anyone';

/**
 * Builds the picture of a mesh from the model its analysis reads (MeshModel): services and their versions by
 * namespace, the routes of each TrafficSplit, who may call each service, the mTLS mode of each scope that
 * sets one, gateways and external services.
 *
 * @internal
 */
export function meshGraph(mesh: IMesh): MeshGraph {
  const model = MeshModel.of(mesh);
  const namespaces = new Map<string, GraphNode[]>();
  const outside: GraphNode[] = [];
  const edges: GraphEdge[] = [];
  const ids = new Set<string>();
  const addNode = (namespace: string | undefined, node: GraphNode) => {
    if (ids.has(node.id)) {
      return;
    }
    ids.add(node.id);
    if (namespace === undefined) {
      outside.push(node);
    } else {
      namespaces.set(namespace, [...namespaces.get(namespace) ?? [], node]);
    }
  };
  const denied = new Set(model.denyByDefaultNamespaces);
  const access = AccessModel.of(model);
  // Mesh.revokeIdentity(): a DENY policy refuses every call from these, whatever the AccessPolicies allow.
  const revoked = new Set((mesh.node.tryFindChild('RevokedIdentities') as RevokedIdentities | undefined)?.principals ?? []);
  const revokedLabel = (identity: IMeshIdentity) => revoked.has(identity.principal) ? ['identity revoked: may call nothing'] : [];

  // Services and their versions.
  const serviceId = (s: IMeshService) => nodeId('svc', s.namespace, s.serviceName);
  const versionId = (s: IMeshService, version: string) => nodeId('ver', s.namespace, s.serviceName, version);
  const addService = (s: IMeshService) => {
    const own = model.mtlsPolicyOf(`svc/${serviceKey(s)}`);
    const mtls = own ? [`mTLS ${own.mode}`, ...own.portOverrides.map(o => `port ${o.port}: mTLS ${o.mode}`)] : [];
    const refuses = access.refusesEveryCall(s);
    const imported = isKind(s, 'ImportedMeshService') ? ['(imported)'] : [];
    addNode(s.namespace, { id: serviceId(s), kind: 'service', label: [s.serviceName, ...imported, ...mtls, ...refuses ? ['refuses every call'] : [], ...revokedLabel(s)] });
    for (const version of s.versionNames ?? []) {
      addNode(s.namespace, { id: versionId(s, version), kind: 'version', label: [`${s.serviceName} ${version}`] });
    }
  };
  model.services.forEach(addService);
  // An imported service is drawn where the program routes to, protects or calls it.
  const imported = [...new Set([
    ...model.trafficSplits.map(t => t.service),
    ...model.accessPolicies.flatMap(p => p.service ? [p.service, ...access.namedCallers(p.service).filter(isMeshServiceKind) as IMeshService[]] : []),
    ...model.ingressGateways.flatMap(g => g.routedServices),
  ].filter(s => isKind(s, 'ImportedMeshService')))];
  imported.forEach(addService);

  // Gateways.
  const gatewayId = (g: MeshGateway) => nodeId('gw', g.namespace, g.serviceName);
  for (const g of model.gateways) {
    const listeners = (g._gatewaySpec().servers ?? []).map(s => `${s.port?.protocol} :${s.port?.number} ${(s.hosts ?? []).join(' ')}`);
    addNode(g.namespace, { id: gatewayId(g), kind: 'gateway', label: [`${g.serviceName} (${isKind(g, 'IngressGateway') ? 'ingress' : 'egress'} gateway)`, ...listeners, ...revokedLabel(g)] });
  }

  // External services, outside the mesh.
  const externalId = (e: ExternalService) => nodeId('ext', e.namespace, e.resource.name);
  for (const e of model.externalServices) {
    addNode(undefined, { id: externalId(e), kind: 'external', label: [...e.hosts, e.ports.map(p => `${istioProtocol(p.protocol!)} :${p.port}`).join(', ')] });
  }
  const anyone = () => addNode(undefined, { id: ANYONE, kind: 'anyone', label: ['anyone'] });

  // Routes: each route of a split to its targets (and mirror); a service without a split reaches every version.
  for (const s of [...model.services, ...imported]) {
    const split = model.trafficSplits.find(t => serviceKey(t.service) === serviceKey(s));
    if (!split) {
      (s.versionNames ?? []).forEach(v => edges.push({ from: serviceId(s), to: versionId(s, v), kind: 'route', label: [] }));
      continue;
    }
    split.routes.forEach((route, i) => {
      const name = route.name ?? `route ${i + 1}`;
      const conditions = describeMatches(route.matches);
      const fault = describeFault(route);
      const targets = route.targets ?? [];
      for (const target of targets) {
        addNode(s.namespace, { id: versionId(s, target.versionName), kind: 'version', label: [`${s.serviceName} ${target.versionName}`] });
        // A weight follows the route's name ('canary: 90%'), or has a line of its own after the conditions.
        const weight = targets.length > 1 && target.weight !== undefined ? `${target.weight}%` : undefined;
        const head = conditions ? [`${name}: ${conditions}`, ...weight ? [weight] : []] : [weight ? `${name}: ${weight}` : name];
        edges.push({ from: serviceId(s), to: versionId(s, target.versionName), kind: 'route', label: [...head, ...fault] });
      }
      // A mirror goes to a version (of this service or another), or to another service as a whole.
      for (const m of routeMirrors(split, route)) {
        const t = m.service;
        if (m.version !== undefined) {
          addNode(t.namespace, { id: versionId(t, m.version), kind: 'version', label: [`${t.serviceName} ${m.version}`] });
        }
        const to = m.version !== undefined ? versionId(t, m.version) : serviceId(t);
        edges.push({ from: serviceId(s), to, kind: 'mirror', label: [`${name}: mirror ${m.percentage}%`] });
      }
    });
    // TCP and TLS routes: an edge per target, named by the route and its port (and SNI hosts).
    const streams: (TcpRule & { sniHosts?: string[] })[] = [...split._tcpRules(), ...split._tlsRules()];
    for (const rule of streams) {
      const on = [rule.port === undefined ? undefined : `port ${rule.port}`, rule.sniHosts ? `SNI ${rule.sniHosts.join(' ')}` : undefined].filter(x => x);
      const name = on.length > 0 ? `${rule.label}: ${on.join(', ')}` : rule.label;
      for (const b of rule.backends.filter(x => x.version !== undefined)) {
        addNode(s.namespace, { id: versionId(s, b.version!), kind: 'version', label: [`${s.serviceName} ${b.version}`] });
        edges.push({ from: serviceId(s), to: versionId(s, b.version!), kind: 'route', label: b.weight !== undefined ? [name, `${b.weight}%`] : [name] });
      }
    }
  }

  // Ingress: who may reach each ingress gateway, and what it routes to.
  for (const g of model.ingressGateways) {
    const peers = g._accessFrom;
    anyone();
    edges.push({ from: ANYONE, to: gatewayId(g), kind: 'access', label: ['may call', ...peers ? peers.map(p => `from ${p}`) : []] });
    for (const route of ingressRoutes(g)) {
      edges.push({ from: gatewayId(g), to: serviceId(route.service), kind: 'ingress', label: route.label });
    }
  }

  // Who may call whom: an edge per allowed caller, or from anyone when nothing restricts the service's callers.
  const callerId = (caller: IMeshIdentity) => (isKind(caller, 'MeshGateway') ? gatewayId(caller as MeshGateway) : serviceId(caller as IMeshService));
  // A caller whose EgressScope (an Istio Sidecar) does not list the service never reaches it: REGISTRY_ONLY refuses
  // the request, ALLOW_ANY sends it in plaintext, without the identity its AccessPolicy names.
  const sidecars = constructsOfKind(mesh, 'EgressScope').map(e => (e as unknown as { resource: { toJson(): any } }).resource.toJson());
  const reaches = (caller: IMeshIdentity, s: IMeshService) => {
    const from = { namespace: (caller as IMeshService).namespace, labels: { app: caller.serviceName }, proxy: true };
    return !isKind(caller, 'MeshService')
      || sidecarScope(sidecars, 'MeshDiagram', mesh.rootNamespace, mesh.outboundTrafficPolicy, from, { namespace: s.namespace, host: s.host }).known;
  };
  for (const s of [...model.services, ...imported]) {
    if (access.restricts(s)) {
      for (const { rule, caller } of access.rulesOf(s, ALLOW)) {
        // A caller named by identity gets its own edge (unless a DENY rule refuses all it sends); others come from anyone.
        const named = caller._identities.filter(i => !revoked.has(i.principal) && reaches(i, s) && !access.denies(s, i));
        for (const identity of named) {
          edges.push({ from: callerId(identity), to: serviceId(s), kind: 'access', label: ['may call', ...describeAccess(rule)] });
        }
        if (caller._identities.length === 0) {
          anyone();
          edges.push({ from: ANYONE, to: serviceId(s), kind: 'access', label: ['may call', ...caller._isAnyone() ? [] : [caller.name], ...describeAccess(rule)] });
        }
      }
    } else {
      anyone();
      edges.push({ from: ANYONE, to: serviceId(s), kind: 'access', label: ['may call'] });
    }
  }

  // What leaves through each egress gateway.
  for (const g of model.egressGateways) {
    for (const e of g.externalServices) {
      edges.push({ from: gatewayId(g), to: externalId(e), kind: 'egress', label: [e.ports.map(p => `${istioProtocol(p.protocol!)} :${p.port}`).join(', ')] });
    }
  }

  const meshLabel = [`mesh ${mesh.node.path}`, `mTLS ${mesh.mtlsMode} (mesh-wide)`, ...denied.has(mesh.rootNamespace) ? ['deny by default (mesh-wide)'] : []];
  return {
    meshLabel,
    namespaces: [...namespaces.keys()].sort().map(ns => {
      const own = ns === mesh.rootNamespace ? undefined : model.mtlsPolicyOf(`ns/${ns}`);
      const label = [`namespace ${ns}`, ...own ? [`mTLS ${own.mode}`] : [], ...denied.has(ns) && ns !== mesh.rootNamespace ? ['deny by default'] : []];
      return { id: nodeId('ns', ns), label, nodes: namespaces.get(ns)! };
    }),
    outside,
    edges,
  };
}

/**
 * The routes of an ingress gateway, read from its route objects (VirtualServices, or the Gateway API's HTTPRoutes
 * and GRPCRoutes): per object, each service it sends to, with the hosts and the paths that reach it (a route that
 * goes through the service's split has a rule per split route, drawn as one edge).
 */
function ingressRoutes(gateway: IngressGateway): { service: IMeshService; label: string[] }[] {
  const routes: { service: IMeshService; label: string[] }[] = [];
  const PATH_KINDS: { [type: string]: string } = { Exact: 'exact', PathPrefix: 'prefix', RegularExpression: 'regex' };
  for (const object of gateway.routeObjects) {
    const json = object.toJson();
    const spec = json.spec ?? {};
    const gatewayApi = typeof json.apiVersion === 'string' && json.apiVersion.startsWith('gateway.networking.k8s.io/');
    const hosts: string[] = (gatewayApi ? spec.hostnames : spec.hosts) ?? [];
    // Each rule as the services it sends to and the paths it takes (undefined: every path).
    const rules: { services: IMeshService[]; paths: (string | undefined)[] }[] = gatewayApi
      ? (spec.rules ?? []).map((rule: any) => ({
        services: (rule.backendRefs ?? []).map((b: any) => backendService(gateway, b, json.metadata?.namespace)),
        paths: (rule.matches ?? []).length === 0 ? [undefined]
          : rule.matches.map((m: any) => (m.path ? describeString(PATH_KINDS[m.path.type] ?? 'regex', m.path.value) : m.method?.service
            ? `/${m.method.service}/${m.method.method ?? ''}` : undefined)),
      }))
      : (spec.http ?? []).map((http: any) => ({
        services: (http.route ?? []).map((r: any) => gateway.routedServices.find(s => s.host === r.destination?.host)),
        paths: (http.match ?? []).length === 0 ? [undefined]
          : http.match.map((m: any) => (m.uri ? describeString(...Object.entries(m.uri as { [kind: string]: string })[0]) : undefined)),
      }));
    const byService = new Map<IMeshService, (string | undefined)[]>();
    for (const rule of rules) {
      for (const service of new Set(rule.services.filter((x): x is IMeshService => x !== undefined))) {
        byService.set(service, [...byService.get(service) ?? [], ...rule.paths]);
      }
    }
    for (const [service, paths] of byService) {
      const hostLine = hosts.length === 0 || hosts.length === 1 && hosts[0] === '*' ? [] : [`hosts ${hosts.join(' ')}`];
      const every = paths.includes(undefined);
      const listed = [...new Set(paths.filter((x): x is string => x !== undefined))];
      routes.push({ service, label: [...hostLine, ...every || listed.length === 0 ? ['every path'] : listed] });
    }
  }
  return routes;
}

/** The routed service a Gateway API backendRef names: the service itself, or one of its per-version Services. */
function backendService(
  gateway: IngressGateway, ref: { name?: string; namespace?: string }, routeNamespace: string | undefined,
): IMeshService | undefined {
  const namespace = ref.namespace ?? routeNamespace;
  return gateway.routedServices.find(s => s.namespace === namespace
    && (ref.name === s.serviceName || (s.versionNames ?? []).some(v => ref.name === `${s.serviceName}-${v}`)));
}

/** A string match in words: the value (exact), `prefix <value>` or `~ <regex>`. */
function describeString(kind: string, value: string): string {
  return kind === 'exact' ? value : kind === 'prefix' ? `prefix ${value}` : `~ ${value}`;
}

/** A route's matches in words: the conditions of each match joined with ', ', the matches with ' or '. */
function describeMatches(matches: RouteMatch[] | undefined): string {
  return (matches ?? []).map(m => [
    ...(m.headers ?? []).map(h => (h.value.kind === 'exact' ? `header ${h.name}=${h.value.value}` : `header ${h.name} ${describeString(h.value.kind, h.value.value)}`)),
    ...m.uri ? [`uri ${describeString(m.uri.kind, m.uri.value)}`] : [],
    ...m.method ? [`method ${m.method}`] : [],
    ...m.sourceService ? [`from ${m.sourceService.serviceName}`] : [],
  ].join(', ')).join(' or ');
}

/** A route's fault in words, from what it renders (Istio's durations and percentages). */
function describeFault(route: HttpRouteOptions): string[] {
  const fault = route.fault?._toIstio();
  if (!fault) {
    return [];
  }
  const share = (p?: { value?: number }) => (p?.value === undefined || p.value === 100 ? '' : ` (${p.value}%)`);
  return [
    ...fault.delay ? [`delay ${fault.delay.fixedDelay}${share(fault.delay.percentage)}`] : [],
    ...fault.abort ? [`abort ${fault.abort.httpStatus}${share(fault.abort.percentage)}`] : [],
  ];
}

/** What an access rule restricts the caller to, in words. */
function describeAccess(rule: AccessRule): string[] {
  return [
    ...rule.methods?.length ? [`methods ${rule.methods.join(', ')}`] : [],
    ...rule.notMethods?.length ? [`not methods ${rule.notMethods.join(', ')}`] : [],
    ...rule.paths?.length ? [`paths ${rule.paths.join(', ')}`] : [],
    ...rule.notPaths?.length ? [`not paths ${rule.notPaths.join(', ')}`] : [],
    ...rule.hosts?.length ? [`hosts ${rule.hosts.join(', ')}`] : [],
    ...rule.notHosts?.length ? [`not hosts ${rule.notHosts.join(', ')}`] : [],
    ...rule.ports?.length ? [`ports ${rule.ports.join(', ')}`] : [],
    ...rule.notPorts?.length ? [`not ports ${rule.notPorts.join(', ')}`] : [],
    ...(rule.when ?? []).map(c => `when ${c.key}`),
  ];
}

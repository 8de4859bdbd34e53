import { RE2JS } from 're2js';
import { AuthzRequest, Peer } from './authorization';
import { Workload, selects, workloadsSelected } from './workloads';
import { meshError } from '../private/errors';

/**
 * A version a route reaches, with its share.
 *
 * @internal
 */
export interface RoutedVersion {
  readonly service: string;
  readonly namespace: string;
  readonly version?: string;
  readonly subset?: string;
  readonly weight?: number;
}

/**
 * The route a request takes through a service's VirtualService.
 *
 * @internal
 */
export interface RoutedRequest {
  readonly virtualService?: string;
  readonly route?: string;
  readonly targets: RoutedVersion[];
  readonly http?: any;
  readonly reason: string;
}

const MATCH_KEYS = [
  'name', 'uri', 'method', 'headers', 'withoutHeaders', 'queryParams', 'authority', 'scheme', 'sourceLabels', 'sourceNamespace', 'port', 'gateways',
  'ignoreUriCase', 'statPrefix',
];
const ROUTE_KEYS = [
  'name', 'match', 'route', 'timeout', 'retries', 'fault', 'mirror', 'mirrors', 'mirrorPercentage', 'mirrorPercent', 'headers', 'corsPolicy', 'rewrite',
  'redirect', 'directResponse',
];

/**
 * Where a request to `service` goes, evaluated the way a client's sidecar does: the VirtualService of the
 * service's host bound to the mesh, whose first HTTP route that matches takes the request, and the
 * DestinationRule subsets that turn its destinations into workloads. Without a VirtualService, the
 * Kubernetes Service balances over every workload it selects.
 *
 * @internal
 */
export function route(
  manifests: any[], where: string, cluster: string, service: { name: string; namespace: string },
  source: Peer | undefined, request: AuthzRequest, servicePort: number, bypass?: string,
): RoutedRequest {
  const host = fqdn(service.name, service.namespace, cluster);
  // Why no VirtualService applies: the caller's proxy does not route the request (it has none, or passes it through).
  const unrouted = bypass ?? (source !== undefined && !source.proxy ? `${source.label} runs no Istio proxy` : undefined);
  if (unrouted !== undefined) {
    const targets = destinationVersions(manifests, where, cluster, { host }, service.namespace, undefined);
    return { targets, reason: `${unrouted}, so no VirtualService applies: the Kubernetes Service balances requests over its workloads (${versionList(targets)}), by pod count` };
  }
  const gamma = manifests.find(m => isGatewayApiRoute(m) && (m.spec?.parentRefs ?? []).some((ref: any) => ref?.kind === 'Service' && (ref.group ?? '') === ''
    && ref.name === service.name && (ref.namespace ?? m.metadata?.namespace ?? 'default') === service.namespace));
  if (gamma !== undefined) {
    throw gatewayApiUnsupported(where, gamma, `routes service '${service.name}' in namespace '${service.namespace}'`);
  }
  const bound = manifests.filter(m => m?.kind === 'VirtualService'
    && (m.spec?.gateways === undefined || m.spec.gateways.length === 0 || m.spec.gateways.includes('mesh'))
    && (m.spec?.hosts ?? []).some((h: string) => hostMatches(h, m.metadata?.namespace ?? 'default', host, cluster)));
  if (bound.length > 1) {
    throw meshError('MESH0606', where, `VirtualServices ${bound.map(nameOf).join(', ')} all route host '${host}' inside the mesh, and Istio uses only one of them: `
      + 'give each host one VirtualService');
  }
  if (bound.length === 0) {
    const targets = destinationVersions(manifests, where, cluster, { host }, service.namespace, undefined);
    return { targets, reason: `no VirtualService routes '${host}': the Kubernetes Service balances requests over its workloads (${versionList(targets)}), by pod count` };
  }
  const vs = bound[0];
  const http: any[] = vs.spec?.http ?? [];
  if (http.length === 0 && (vs.spec?.tcp !== undefined || vs.spec?.tls !== undefined)) {
    throw unsupported(where, vs, 'tcp or tls routes', 'only HTTP routes are modelled');
  }
  if (!request.http) {
    // Istio applies a VirtualService's HTTP routes only to a port that carries HTTP.
    throw unsupported(where, vs, `routes for port ${servicePort}, which carries TCP`, 'only HTTP routes are modelled');
  }
  return firstRoute(manifests, where, cluster, http.map((r, index) => ({ vs, r, index })), source, request, servicePort, 'mesh')
    ?? {
      virtualService: nameOf(vs),
      targets: [],
      reason: `no route of VirtualService ${nameOf(vs)} matches ${request.method} ${request.path}${source ? ` from ${source.label}` : ''}: the client's proxy answers 404`,
    };
}

/**
 * Where a request that enters through a gateway goes: the HTTP routes of the VirtualServices bound to its Gateway
 * (`<namespace>/<name>`) for the host the client asks for, in order (the gateway merges them), whose first match
 * takes the request.
 *
 * @internal
 */
export function routeAtGateway(
  manifests: any[], where: string, cluster: string, gateway: { name: string; namespace: string },
  host: string, request: AuthzRequest, listenerPort: number,
): RoutedRequest {
  const ref = `${gateway.namespace}/${gateway.name}`;
  const bound = manifests.filter(m => m?.kind === 'VirtualService' && (m.spec?.http ?? []).length > 0
    && (m.spec?.gateways ?? []).some((g: string) => g === ref || g === gateway.name && (m.metadata?.namespace ?? 'default') === gateway.namespace)
    && (m.spec?.hosts ?? []).some((h: string) => coversHost(h, host) || coversHost(host, h)));
  if (bound.length === 0) {
    // A Gateway API Gateway addressed to the gateway's Service configures it instead: its routes are not modelled.
    const address = fqdn(gateway.name, gateway.namespace, cluster);
    const gatewayApi = manifests.find(m => m?.kind === 'Gateway' && isGatewayApi(m) && (m.metadata?.namespace ?? 'default') === gateway.namespace
      && (m.spec?.addresses ?? []).some((a: any) => a?.value === address || a?.value === gateway.name));
    if (gatewayApi !== undefined) {
      throw gatewayApiUnsupported(where, gatewayApi, `configures the gateway '${gateway.namespace}/${gateway.name}'`);
    }
  }
  const entries = bound.flatMap(vs => (vs.spec.http as any[]).map((r, index) => ({ vs, r, index })));
  const taken = firstRoute(manifests, where, cluster, entries, undefined, request, listenerPort, ref, host);
  if (taken) {
    return taken;
  }
  return {
    targets: [],
    reason: bound.length === 0
      ? `no VirtualService bound to Gateway ${ref} routes host '${host}': the gateway answers 404`
      : `no route of VirtualService ${bound.map(nameOf).join(', ')} bound to Gateway ${ref} matches ${request.method} ${request.path} for host '${host}': the gateway answers 404`,
  };
}

/** Whether a host pattern (`*`, `*.example.com`, a name) covers a host. */
function coversHost(pattern: string, host: string): boolean {
  return pattern === '*' || pattern === host || pattern.startsWith('*.') && host.endsWith(pattern.slice(1));
}

/** The first of the HTTP routes that takes the request, or none; `gateway` is the name a match's gateways must hold. */
function firstRoute(
  manifests: any[], where: string, cluster: string, entries: { vs: any; r: any; index: number }[],
  source: Peer | undefined, request: AuthzRequest, port: number, gateway: string, host?: string,
): RoutedRequest | undefined {
  for (const { vs, r, index } of entries) {
    const name = r?.name ? `'${r.name}'` : `http[${index}]`;
    const unknown = Object.keys(r ?? {}).filter(k => !ROUTE_KEYS.includes(k) && r[k] !== undefined);
    if (unknown.length > 0) {
      throw unsupported(where, vs, `route ${name} ${unknown.join(', ')}`, `only ${ROUTE_KEYS.join(', ')} are modelled in a route`);
    }
    const matches: any[] = r.match ?? [];
    const matched = matches.length === 0 ? 0 : matches.findIndex((m, i) => matchRequest(where, vs, `route ${name} match[${i}]`, m, source, request, port, gateway, host));
    if (matched < 0) {
      continue;
    }
    const by = matches.length === 0 ? 'it has no match, so it takes every request' : `its match[${matched}] matches the request`;
    if (r.redirect !== undefined) {
      return { virtualService: nameOf(vs), route: r.name ?? `http[${index}]`, targets: [], http: r, reason: `route ${name} of VirtualService ${nameOf(vs)} takes the request (${by}) and redirects it` };
    }
    if (r.directResponse !== undefined) {
      return {
        virtualService: nameOf(vs),
        route: r.name ?? `http[${index}]`,
        targets: [],
        http: r,
        reason: `route ${name} of VirtualService ${nameOf(vs)} takes the request (${by}) and answers it with status ${r.directResponse.status}`,
      };
    }
    const destinations: any[] = r.route ?? [];
    // Weights are relative (a destination gets weight / sum of weights); a single destination gets every request.
    const total = destinations.reduce((sum, d) => sum + (d.weight ?? 0), 0);
    if (destinations.length > 1 && total === 0) {
      throw unsupported(where, vs, `route ${name} with weights that add up to 0`, 'Istio refuses such a route');
    }
    const targets: RoutedVersion[] = [];
    for (const d of destinations) {
      const weight = destinations.length === 1 ? 100 : Math.round((d.weight ?? 0) * 10000 / total) / 100;
      if (weight === 0) {
        continue;
      }
      const versions = destinationVersions(manifests, where, cluster, d.destination ?? {}, vs.metadata?.namespace ?? 'default', weight);
      targets.push(...versions);
    }
    return {
      virtualService: nameOf(vs),
      route: r.name ?? `http[${index}]`,
      targets,
      http: r,
      reason: `route ${name} of VirtualService ${nameOf(vs)} takes the request (${by}): ${versionList(targets)}`,
    };
  }
  return undefined;
}

/** `<name>.<namespace>.svc.<cluster domain>`. */
function fqdn(name: string, namespace: string, cluster: string): string {
  return `${name}.${namespace}.svc.${cluster}`;
}

/**
 * Whether a host as a VirtualService, destination or DestinationRule writes it (short names are relative to its
 * namespace) names `host`.
 *
 * @internal
 */
export function hostMatches(written: string, namespace: string, host: string, cluster: string): boolean {
  const full = resolveHost(written, namespace, cluster);
  return full.startsWith('*') ? host.endsWith(full.slice(1)) : full === host;
}

function resolveHost(written: string, namespace: string, cluster: string): string {
  if (written === '*' || written.startsWith('*.')) {
    return written;
  }
  const parts = written.split('.');
  if (parts.length === 1) {
    return fqdn(written, namespace, cluster);
  }
  if (parts.length === 2) {
    return fqdn(parts[0], parts[1], cluster);
  }
  if (parts.length === 3 && parts[2] === 'svc') {
    return fqdn(parts[0], parts[1], cluster);
  }
  return written;
}

/**
 * The versions one destination reaches: its subset's workloads (by the DestinationRule's labels), or every
 * workload of the Service. `weight` stays only on a destination that reaches one version: several versions
 * behind one destination share it by pod count.
 */
function destinationVersions(
  manifests: any[], where: string, cluster: string, destination: any, namespace: string, weight: number | undefined,
): RoutedVersion[] {
  const host = resolveHost(String(destination.host), namespace, cluster);
  const m = host.match(new RegExp(`^([^.]+)\\.([^.]+)\\.svc\\.${cluster.replace(/\./g, '\\.')}$`));
  const service = m && manifests.find(o => o?.kind === 'Service' && o.metadata?.name === m[1] && (o.metadata?.namespace ?? 'default') === m[2]);
  if (!m || !service) {
    throw meshError('MESH0605', where, `a route sends requests to host '${destination.host}', which is no Service of the manifests: route to a service of the mesh`);
  }
  let workloads: Workload[] = workloadsSelected(manifests, m[2], service.spec?.selector);
  if (destination.subset !== undefined) {
    const rules = manifests.filter(o => o?.kind === 'DestinationRule' && hostMatches(String(o.spec?.host), o.metadata?.namespace ?? 'default', host, cluster));
    const subset = rules.flatMap(r => r.spec?.subsets ?? []).find((s: any) => s.name === destination.subset);
    if (!subset) {
      throw meshError('MESH0605', where, `a route sends requests to subset '${destination.subset}' of '${host}', which no DestinationRule defines `
        + `(${rules.length === 0 ? 'no DestinationRule for the host' : `subsets: ${rules.flatMap(r => r.spec?.subsets ?? []).map((s: any) => s.name).join(', ') || 'none'}`}), `
        + 'so those requests would fail with 503: define the subset');
    }
    workloads = workloads.filter(w => selects(subset.labels, w.labels));
  }
  if (workloads.length === 0) {
    throw meshError('MESH0605', where, `a route sends requests to ${destination.subset !== undefined ? `subset '${destination.subset}' of ` : ''}'${host}', `
      + 'which no workload of the manifests serves, so those requests would fail with 503: add the version, or route elsewhere');
  }
  const versions = [...new Set(workloads.map(w => w.version))];
  return versions.map(version => ({
    service: m[1],
    namespace: m[2],
    version,
    subset: destination.subset,
    weight: versions.length === 1 ? weight : undefined,
  }));
}

function matchRequest(
  method: string, vs: any, where: string, match: any, source: Peer | undefined, request: AuthzRequest, servicePort: number, gateway: string,
  host?: string,
): boolean {
  const unknown = Object.keys(match ?? {}).filter(k => !MATCH_KEYS.includes(k) && match[k] !== undefined);
  if (unknown.length > 0) {
    throw unsupported(method, vs, `${where} ${unknown.join(', ')}`, `only ${MATCH_KEYS.join(', ')} are modelled in a match`);
  }
  const ignoreCase = match.ignoreUriCase === true;
  const path = request.path.split('?')[0];
  if (match.uri && !stringMatch(method, vs, `${where} uri`, match.uri, ignoreCase ? path.toLowerCase() : path, ignoreCase)) {
    return false;
  }
  if (match.method && !stringMatch(method, vs, `${where} method`, match.method, request.method)) {
    return false;
  }
  for (const [name, m] of Object.entries<any>(match.headers ?? {})) {
    if (!stringMatch(method, vs, `${where} header '${name}'`, m, request.headers[name.toLowerCase()])) {
      return false;
    }
  }
  const query = queryOf(request.path);
  for (const [name, m] of Object.entries<any>(match.queryParams ?? {})) {
    // Istio's `{}` (no match type) matches the parameter's presence, with or without a value; `exact: ""` an empty value.
    const isObject = m !== null && typeof m === 'object';
    const present = isObject && Object.keys(m).length === 0 ? query[name] !== undefined
      : isObject && m.exact === '' ? query[name] === ''
        : stringMatch(method, vs, `${where} queryParams '${name}'`, m, query[name]);
    if (!present) {
      return false;
    }
  }
  if (match.scheme !== undefined) {
    if (gateway !== 'mesh') {
      throw unsupported(method, vs, `${where} scheme`, 'the scheme a client uses to reach a gateway is not modelled');
    }
    // Inside the mesh the application sends plain HTTP (its proxy adds mutual TLS), so the scheme is 'http'.
    if (!stringMatch(method, vs, `${where} scheme`, match.scheme, 'http')) {
      return false;
    }
  }
  if (match.authority !== undefined) {
    const authority = request.headers[':authority'] ?? request.headers.host ?? host;
    if (authority === undefined) {
      throw unsupported(method, vs, `${where} authority`, "the request gives no host: give it a 'host' header");
    }
    if (!stringMatch(method, vs, `${where} authority`, match.authority, authority)) {
      return false;
    }
  }
  for (const [name, m] of Object.entries<any>(match.withoutHeaders ?? {})) {
    if (stringMatch(method, vs, `${where} withoutHeaders '${name}'`, m, request.headers[name.toLowerCase()])) {
      return false;
    }
  }
  if (match.port !== undefined && match.port !== servicePort) {
    return false;
  }
  // A match's gateways replace the VirtualService's (none given: the VirtualService's, which take the request).
  if (match.gateways?.length && !match.gateways.includes(gateway)) {
    return false;
  }
  if (match.sourceLabels !== undefined && !(source && selects(match.sourceLabels, source.labels))) {
    return false;
  }
  return match.sourceNamespace === undefined || source?.namespace === match.sourceNamespace;
}

/** The query parameters of a path, as sent (not decoded: Envoy compares them so); the first value of each name. */
function queryOf(path: string): { [name: string]: string } {
  const at = path.indexOf('?');
  const params: { [name: string]: string } = {};
  for (const pair of at < 0 ? [] : path.slice(at + 1).split('#')[0].split('&').filter(p => p !== '')) {
    const eq = pair.indexOf('=');
    const name = eq < 0 ? pair : pair.slice(0, eq);
    if (!(name in params)) {
      params[name] = eq < 0 ? '' : pair.slice(eq + 1);
    }
  }
  return params;
}

/** Istio's StringMatch: exact, prefix or RE2 regex over the whole value; `{}` only asks that the header be present. */
function stringMatch(method: string, vs: any, where: string, m: any, value: string | undefined, ignoreCase = false): boolean {
  if (value === undefined) {
    return false;
  }
  const kinds = Object.keys(m ?? {}).filter(k => m[k] !== undefined);
  if (kinds.length === 0) {
    return true;
  }
  const [kind] = kinds;
  const expected = String(m[kind]);
  switch (kind) {
    case 'exact': return value === (ignoreCase ? expected.toLowerCase() : expected);
    case 'prefix': return value.startsWith(ignoreCase ? expected.toLowerCase() : expected);
    case 'regex': return RE2JS.compile(expected, ignoreCase ? RE2JS.CASE_INSENSITIVE : 0).matches(value);
    default: throw unsupported(method, vs, `${where} ${kind}`, 'only exact, prefix and regex are modelled');
  }
}

function versionList(targets: RoutedVersion[]): string {
  return targets.map(t => `${t.service} ${t.version ?? '(no version label)'}${t.weight !== undefined ? ` ${t.weight}%` : ''}`).join(', ') || 'nothing';
}

function nameOf(o: any): string {
  return `${o.metadata?.namespace ?? 'default'}/${o.metadata?.name}`;
}

function isGatewayApi(m: any): boolean {
  return typeof m?.apiVersion === 'string' && m.apiVersion.startsWith('gateway.networking.k8s.io/');
}

function isGatewayApiRoute(m: any): boolean {
  return isGatewayApi(m) && ['HTTPRoute', 'GRPCRoute', 'TLSRoute', 'TCPRoute'].includes(m.kind);
}

/** A Gateway API object routes the request: the evaluation models Istio's API only, so it cannot answer (never a wrong answer). */
function gatewayApiUnsupported(method: string, object: any, what: string): Error {
  return meshError('MESH0600', method, `${object.kind} ${nameOf(object)} (Gateway API) ${what}, which this evaluation cannot decide (only Istio's VirtualServices and DestinationRules are modelled): `
    + 'test that route against a cluster, or evaluate the mesh rendered with RoutingApi.ISTIO');
}

function unsupported(method: string, vs: any, what: string, why: string): Error {
  return meshError('MESH0600', method, `VirtualService ${nameOf(vs)} has ${what}, which this evaluation cannot decide (${why}): `
    + 'test that route against a cluster, or leave it out of the manifests given');
}

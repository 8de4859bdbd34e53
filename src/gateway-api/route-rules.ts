import { IConstruct } from 'constructs';
import { gatewayApiDuration } from './durations';
import type { Inexpressible } from './routing-settings';
import * as gw from '../imports/gateway-api';
import type { IMeshService } from '../mesh-identity';
import type { HttpRule, RuleBackend } from '../traffic/http-rule';
import type { RetryPolicy } from '../traffic/resilience';
import type { CorsPolicy, HeaderChanges, HeaderOperations } from '../traffic/route-actions';
import type { HeaderMatch, QueryParamMatch, RouteMatch } from '../traffic/route-match';

/**
 * Where one object's rules are rendered: what the messages call it and where its backends are referenced from.
 *
 * @internal
 */
export interface RouteContext {
  /** How messages name the object whose routing this is: `service 'ratings'`, `gateway 'ingress'`. */
  readonly subject: string;
  /** The namespace of the route object: a backend in another one is referenced with its namespace. */
  readonly namespace: string;
  /** The service port of a backend that names none (the port the request came to). */
  readonly port: number;
}

/**
 * A backend a route object references: a service, or one version of it (its per-version Service).
 *
 * @internal
 */
export interface BackendUse {
  readonly service: IMeshService;
  readonly version?: string;
}

/**
 * Rules rendered for the Gateway API, with what it could not express and the backends they reference.
 *
 * @internal
 */
export interface RenderedRules<T> {
  readonly rules: T[];
  readonly problems: Inexpressible[];
  readonly backends: BackendUse[];
}

/** The Gateway API's limits on one route object. */
const MAX_RULES = 16;
const MAX_MATCHES_PER_RULE = 64;
const MAX_MATCHES = 128;

/** A rule or filter name the Gateway API takes (a SectionName). */
const SECTION_NAME = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
/** A host name without port or wildcard (the Gateway API's PreciseHostname). */
const PRECISE_HOSTNAME = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
/** A header name the Gateway API takes: an RFC 7230 token (pseudo-headers such as `:authority` are not). */
const GATEWAY_HEADER_NAME = /^[A-Za-z0-9!#$%&'*+\-.^_`|~]+$/;

/**
 * The name of the Service a backend is reached through: the service's own, or `<service>-<version>` (the Gateway
 * API has no subsets).
 *
 * @internal
 */
export function backendServiceName(backend: BackendUse): string {
  return backend.version === undefined ? backend.service.serviceName : `${backend.service.serviceName}-${backend.version}`;
}

/**
 * Resolved HTTP rules as `HTTPRoute` rules. Everything the Gateway API cannot express is returned as a problem
 * (the rule is rendered without it).
 *
 * @internal
 */
export function httpRouteRules(rules: HttpRule[], ctx: RouteContext): RenderedRules<gw.HttpRouteSpecRules> {
  const problems: Inexpressible[] = [];
  const backends: BackendUse[] = [];
  const problem = (scope: IConstruct, code: Inexpressible['code'], what: string, fix: string) => {
    problems.push({ scope, code, what, message: `${what}, which the Gateway API cannot express, so ${ctx.subject} cannot be routed with it: ${fix}, or set the mesh's allowIstioApiFallback` });
  };
  checkLimits(rules, ctx, problems);
  const names = new Set<string>();
  const rendered = rules.map(rule => {
    if (rule.fault) {
      problem(rule.source, 'MESH0740', `${rule.label} injects a fault (${faultText(rule)})`, 'drop the fault');
    }
    for (const match of rule.matches) {
      if (match.sourceService) {
        problem(rule.source, 'MESH0741', `${rule.label} matches the calling service '${match.sourceService.serviceName}'`, 'match on a header the caller sets');
      }
      for (const h of match.headers ?? []) {
        if (!GATEWAY_HEADER_NAME.test(h.name)) {
          problem(rule.source, 'MESH0743', `${rule.label} matches the pseudo-header '${h.name}'`, 'match on another header');
        }
      }
      for (const what of inexpressibleConditions(match, ctx.port)) {
        problem(rule.source, 'MESH0812', `${rule.label} matches ${what}`, 'drop that condition');
      }
    }
    for (const what of inexpressibleActions(rule)) {
      problem(rule.source, 'MESH0813', `${rule.label} ${what}`, 'drop it');
    }
    const prefixRewrite = rule.rewrite?.pathPrefix !== undefined || rule.redirect?.pathPrefix !== undefined;
    if (prefixRewrite && !(rule.matches.length === 1 && rule.matches[0].uri?.kind === 'prefix')) {
      problem(rule.source, 'MESH0743', `${rule.label} replaces the path prefix, which the Gateway API allows only in a rule with exactly one path prefix match (it has ${
        rule.matches.length === 1 ? 'a match without a path prefix' : `${rule.matches.length} matches`})`, 'give the route one prefix path');
    }
    const redirectScheme = rule.redirect?.scheme;
    if (redirectScheme !== undefined && redirectScheme !== 'http' && redirectScheme !== 'https') {
      problem(rule.source, 'MESH0743', `${rule.label} redirects to scheme '${redirectScheme}' (the Gateway API redirects to http or https)`, "redirect to 'http' or 'https'");
    }
    const status = rule.redirect?.statusCode;
    if (status !== undefined && ![301, 302, 303, 307, 308].includes(status)) {
      problem(rule.source, 'MESH0743', `${rule.label} redirects with status ${status} (the Gateway API answers 301, 302, 303, 307 or 308)`, 'use one of those');
    }
    for (const [what, host] of [['rewrites the host to', rule.rewrite?.host], ['redirects to the host', rule.redirect?.host]] as const) {
      if (host !== undefined && !PRECISE_HOSTNAME.test(host)) {
        problem(rule.source, 'MESH0743', `${rule.label} ${what} '${host}' (the Gateway API takes a host name without port or wildcard)`, 'give a host name alone');
      }
    }
    const retry = rule.retries ? retryOf(rule.retries) : undefined;
    for (const condition of retry?.unsupported ?? []) {
      problem(rule.source, 'MESH0742', `${rule.label} retries on '${condition}' (the Gateway API retries on status codes, and Istio adds connect-failure, refused-stream, unavailable and cancelled)`,
        'retry on RetryOn.GATEWAY_ERROR, RetryOn.RETRIABLE_4XX, connect failures or refused streams only');
    }
    for (const [what, fix] of retry?.inexpressible ?? []) {
      problem(rule.source, 'MESH0839', `${rule.label} ${what}`, fix);
    }
    const name = rule.name !== undefined && SECTION_NAME.test(rule.name) && rule.name.length <= 253 && !names.has(rule.name) ? rule.name : undefined;
    if (name) {
      names.add(name);
    }
    const refs = rule.backends.map(b => {
      backends.push({ service: b.service, version: b.version });
      const own = headerFilters(b.headers) as unknown as gw.HttpRouteSpecRulesBackendRefsFilters[];
      return { ...backendRef(b, ctx), weight: rule.backends.length > 1 ? b.weight : undefined, filters: own.length > 0 ? own : undefined };
    });
    const filters: gw.HttpRouteSpecRulesFilters[] = headerFilters(rule.headers);
    if (rule.corsPolicy) {
      filters.push({ type: gw.HttpRouteSpecRulesFiltersType.CORS, cors: corsFilter(rule.corsPolicy) });
    }
    if (rule.rewrite && (rule.rewrite.host !== undefined || rule.rewrite.pathPrefix !== undefined || rule.rewrite.fullPath !== undefined)) {
      const { pathPrefix, fullPath, host } = rule.rewrite;
      filters.push({
        type: gw.HttpRouteSpecRulesFiltersType.URL_REWRITE,
        urlRewrite: {
          hostname: host,
          path: pathModifier(fullPath, pathPrefix) as gw.HttpRouteSpecRulesFiltersUrlRewritePath | undefined,
        },
      });
    }
    if (rule.redirect) {
      const { scheme, host, port, fullPath, pathPrefix, statusCode } = rule.redirect;
      filters.push({
        type: gw.HttpRouteSpecRulesFiltersType.REQUEST_REDIRECT,
        requestRedirect: {
          scheme: scheme as gw.HttpRouteSpecRulesFiltersRequestRedirectScheme | undefined,
          hostname: host,
          // A derived port is the Gateway API's own default: the scheme's when it is given, else the request's (else reported).
          port,
          path: pathModifier(fullPath, pathPrefix) as gw.HttpRouteSpecRulesFiltersRequestRedirectPath | undefined,
          // Istio's redirect answers 301 unless told otherwise; the Gateway API's default is 302.
          statusCode: (statusCode ?? 301) as gw.HttpRouteSpecRulesFiltersRequestRedirectStatusCode,
        },
      });
    }
    // One RequestMirror filter per mirror (the filter may be repeated).
    for (const mirror of rule.mirrors ?? []) {
      backends.push({ service: mirror.backend.service, version: mirror.backend.version });
      const requestMirror = { backendRef: backendRef(mirror.backend, ctx), ...mirrorShare(mirror.percentage) };
      filters.push({ type: gw.HttpRouteSpecRulesFiltersType.REQUEST_MIRROR, requestMirror });
    }
    const timeout = rule.timeout?.duration.toMilliseconds();
    const perTry = rule.retries?.perTryTimeout?.toMilliseconds();
    // A try cannot outlast the request: a longer per-try timeout changes nothing, and the Gateway API refuses it.
    const backendRequest = perTry !== undefined && rule.retries!.attempts > 0 && (timeout === undefined || perTry <= timeout) ? perTry : undefined;
    return {
      name,
      // Written out as the API server would default it: every path.
      matches: rule.matches.length > 0 ? rule.matches.map(httpRouteMatch) : [{ path: { type: gw.HttpRouteSpecRulesMatchesPathType.PATH_PREFIX, value: '/' } }],
      backendRefs: refs.length > 0 ? refs : undefined,
      filters: filters.length > 0 ? filters : undefined,
      timeouts: timeout !== undefined || backendRequest !== undefined ? {
        request: timeout === undefined ? undefined : gatewayApiDuration(timeout),
        backendRequest: backendRequest === undefined ? undefined : gatewayApiDuration(backendRequest),
      } : undefined,
      retry: retry?.retry,
    };
  });
  return { rules: rendered, problems, backends };
}

/**
 * Resolved HTTP rules as `GRPCRoute` rules, for a gRPC port: matches on headers and on the gRPC method (a path
 * `/package.Service/Method`, exact, or a prefix `/package.Service/`), weighted backends, header changes and
 * mirrors. A GRPCRoute has no timeouts, retries, rewrites, redirects or path matches of other forms: each is a problem.
 *
 * @internal
 */
export function grpcRouteRules(rules: HttpRule[], ctx: RouteContext): RenderedRules<gw.GrpcRouteSpecRules> {
  const http = httpRouteRules(rules, ctx);
  const problems = [...http.problems];
  const problem = (rule: HttpRule, what: string) => {
    problems.push({ scope: rule.source, code: 'MESH0750', what: `${rule.label} ${what}`, message: `${rule.label} ${what}, which a GRPCRoute (port ${ctx.port} of ${ctx.subject} is gRPC) cannot express: drop it, or set the mesh's allowIstioApiFallback` });
  };
  const rendered = rules.map((rule, i) => {
    const r = http.rules[i];
    if (rule.timeout) {
      problem(rule, 'sets a timeout');
    }
    if (rule.retries && rule.retries.attempts > 0) {
      problem(rule, 'sets retries');
    }
    if (rule.rewrite) {
      problem(rule, 'rewrites the request');
    }
    if (rule.redirect) {
      problem(rule, 'redirects the request');
    }
    if (rule.corsPolicy) {
      problem(rule, 'sets a corsPolicy');
    }
    if (rule.matches.some(m => (m.queryParams ?? []).length > 0)) {
      problem(rule, 'matches query parameters');
    }
    const matches = rule.matches.map(m => {
      const method = m.uri ? grpcMethod(m.uri.kind, m.uri.value) : undefined;
      if (m.uri && !method) {
        problem(rule, `matches the path ${m.uri.kind} '${m.uri.value}', which is not a gRPC method ('/package.Service/Method', or a prefix '/package.Service/')`);
      }
      if (m.method) {
        problem(rule, `matches the HTTP method ${m.method}`);
      }
      return {
        method,
        headers: m.headers && m.headers.length > 0 ? m.headers.map(h => ({ ...headerMatch(h) })) as gw.GrpcRouteSpecRulesMatchesHeaders[] : undefined,
      };
    });
    return {
      name: r.name,
      matches: matches.length > 0 ? matches : undefined,
      backendRefs: r.backendRefs,
      // Reported above: a GRPCRoute has neither.
      filters: r.filters?.filter(f => f.urlRewrite === undefined && f.requestRedirect === undefined && f.cors === undefined),
    } as gw.GrpcRouteSpecRules;
  });
  return { rules: rendered, problems, backends: http.backends };
}

/**
 * A backend as a `backendRef`: the Service it is reached through, its namespace when not the route's, and its port.
 *
 * @internal
 */
export function backendRef(b: RuleBackend, ctx: RouteContext): { group: string; kind: string; name: string; namespace?: string; port: number } {
  return {
    group: '',
    kind: 'Service',
    name: backendServiceName(b),
    namespace: b.service.namespace === ctx.namespace ? undefined : b.service.namespace,
    port: b.port ?? ctx.port,
  };
}

function httpRouteMatch(match: RouteMatch): gw.HttpRouteSpecRulesMatches {
  const uri = match.uri;
  return {
    queryParams: match.queryParams && match.queryParams.length > 0
      ? match.queryParams.map(q => queryParamMatch(q) as gw.HttpRouteSpecRulesMatchesQueryParams) : undefined,
    path: uri ? {
      type: uri.kind === 'exact' ? gw.HttpRouteSpecRulesMatchesPathType.EXACT
        : uri.kind === 'prefix' ? gw.HttpRouteSpecRulesMatchesPathType.PATH_PREFIX : gw.HttpRouteSpecRulesMatchesPathType.REGULAR_EXPRESSION,
      value: uri.value,
    } : undefined,
    headers: match.headers && match.headers.length > 0 ? match.headers.map(h => headerMatch(h) as gw.HttpRouteSpecRulesMatchesHeaders) : undefined,
    method: match.method as unknown as gw.HttpRouteSpecRulesMatchesMethod | undefined,
  };
}

/** A header match: exact, or a regular expression (a prefix becomes one: the Gateway API has no prefix match on headers). */
function headerMatch(h: HeaderMatch): { type: string; name: string; value: string } {
  const { kind, value } = h.value;
  return kind === 'exact' ? { type: 'Exact', name: h.name, value }
    : kind === 'regex' ? { type: 'RegularExpression', name: h.name, value }
      : { type: 'RegularExpression', name: h.name, value: `${escapeRe2(value)}.*` };
}

/**
 * A query parameter match: exact, or a regular expression (a prefix, and presence, become one: the Gateway API
 * has neither).
 */
function queryParamMatch(q: QueryParamMatch): { type: string; name: string; value: string } {
  const { kind, value } = q.value;
  return kind === 'present' ? { type: 'RegularExpression', name: q.name, value: '.*' }
    : kind === 'exact' ? { type: 'Exact', name: q.name, value }
      : kind === 'regex' ? { type: 'RegularExpression', name: q.name, value }
        : { type: 'RegularExpression', name: q.name, value: `${escapeRe2(value)}.*` };
}

/** The conditions of a match the Gateway API has no field for (`port`: the route object's port, which holds). */
function inexpressibleConditions(match: RouteMatch, port: number): string[] {
  return [
    ...(match.withoutHeaders ?? []).map(h => `the absence of header '${h.name}' (withoutHeaders)`),
    ...match.authority ? [`the authority ${match.authority.kind} '${match.authority.value}'`] : [],
    ...match.scheme ? [`the scheme ${match.scheme.kind} '${match.scheme.value}'`] : [],
    ...match.port !== undefined && match.port !== port ? [`port ${match.port} (its routes of port ${port} take no such request)`] : [],
    ...match.sourceVersion !== undefined ? [`the calling version '${match.sourceVersion}'`] : [],
    ...match.sourceLabels !== undefined ? [`the caller's labels ${Object.entries(match.sourceLabels).map(([k, v]) => `${k}=${v}`).join(', ')}`] : [],
    ...match.sourceNamespace !== undefined ? [`the calling namespace '${match.sourceNamespace}'`] : [],
    ...match.ignoreUriCase ? ['the path without regard to case (ignoreUriCase)'] : [],
    ...match.statPrefix !== undefined ? [`with statPrefix '${match.statPrefix}'`] : [],
    ...match.name !== undefined ? [`with the name '${match.name}'`] : [],
  ];
}

/** The origins the Gateway API's CORS filter takes: `*`, or `http(s)://host[:port]` with an optional `*.` host. */
const GATEWAY_ORIGIN = /^(\*|https?:\/\/((\*\.)?([a-zA-Z0-9-]+\.)*[a-zA-Z0-9-]+|\*)(:[0-9]{1,5})?)$/;

/** The actions of a rule the Gateway API has no filter for. */
function inexpressibleActions(rule: HttpRule): string[] {
  const cors = rule.corsPolicy;
  const redirect = rule.redirect;
  return [
    ...rule.directResponse ? [`answers with a direct response (status ${rule.directResponse.status})`] : [],
    ...rule.rewrite?.uriRegexRewrite ? [`rewrites the path by regex '${rule.rewrite.uriRegexRewrite.match}'`] : [],
    // The Gateway API's redirect takes the scheme's port when it changes the scheme, else the request's.
    ...redirect?.derivePort !== undefined && (redirect.derivePort === 'FROM_PROTOCOL_DEFAULT') !== (redirect.scheme !== undefined)
      ? [`redirects with derivePort ${redirect.derivePort} ${redirect.scheme === undefined ? 'without' : 'with'} a scheme (the Gateway API takes the port of the scheme it redirects to, else the request's)`] : [],
    ...(cors?.allowOrigins ?? []).filter(o => o.kind !== 'exact' || !GATEWAY_ORIGIN.test(o.value))
      .map(o => `allows the CORS origin ${o.kind} '${o.value}' (the Gateway API takes exact origins, http(s)://host[:port], '*.' hosts)`),
    ...cors?.unmatchedPreflights !== undefined ? [`sets the CORS unmatchedPreflights ${cors.unmatchedPreflights}`] : [],
  ];
}

/** A CORS policy as the Gateway API's CORS filter (what it cannot say is reported by `inexpressibleActions`). */
function corsFilter(cors: CorsPolicy): gw.HttpRouteSpecRulesFiltersCors {
  const list = <T>(l: T[] | undefined) => l && l.length > 0 ? [...l] : undefined;
  return {
    allowOrigins: list((cors.allowOrigins ?? []).filter(o => o.kind === 'exact' && GATEWAY_ORIGIN.test(o.value)).map(o => o.value)),
    allowMethods: list(cors.allowMethods) as gw.HttpRouteSpecRulesFiltersCorsAllowMethods[] | undefined,
    allowHeaders: list(cors.allowHeaders),
    exposeHeaders: list(cors.exposeHeaders),
    maxAge: cors.maxAge ? cors.maxAge.toSeconds() : undefined,
    allowCredentials: cors.allowCredentials === true ? true : undefined,
  };
}

/** Header changes as request and response header filters. */
function headerFilters(ops: HeaderOperations | undefined): gw.HttpRouteSpecRulesFilters[] {
  const filters: gw.HttpRouteSpecRulesFilters[] = [];
  const request = headerModifier(ops?.request);
  if (request) {
    filters.push({ type: gw.HttpRouteSpecRulesFiltersType.REQUEST_HEADER_MODIFIER, requestHeaderModifier: request });
  }
  const response = headerModifier(ops?.response);
  if (response) {
    filters.push({ type: gw.HttpRouteSpecRulesFiltersType.RESPONSE_HEADER_MODIFIER, responseHeaderModifier: response });
  }
  return filters;
}

/** `value` as an RE2 pattern that matches it literally. */
export function escapeRe2(value: string): string {
  return value.replace(/[\\.+*?()|[\]{}^$]/g, c => `\\${c}`);
}

function grpcMethod(kind: string, path: string): gw.GrpcRouteSpecRulesMatchesMethod | undefined {
  const exact = /^\/([A-Za-z_][A-Za-z0-9_.]*)\/([A-Za-z_][A-Za-z0-9_]*)$/.exec(path);
  if (kind === 'exact' && exact) {
    return { type: gw.GrpcRouteSpecRulesMatchesMethodType.EXACT, service: exact[1], method: exact[2] };
  }
  const service = /^\/([A-Za-z_][A-Za-z0-9_.]*)\/$/.exec(path);
  if (kind === 'prefix' && service) {
    return { type: gw.GrpcRouteSpecRulesMatchesMethodType.EXACT, service: service[1] };
  }
  return undefined;
}

interface PathModifier {
  readonly type: string;
  readonly replaceFullPath?: string;
  readonly replacePrefixMatch?: string;
}

/** A rewrite's or redirect's path: the whole path replaced, or the prefix the rule matched. */
function pathModifier(fullPath: string | undefined, pathPrefix: string | undefined): PathModifier | undefined {
  return fullPath !== undefined ? { type: 'ReplaceFullPath', replaceFullPath: fullPath }
    : pathPrefix !== undefined ? { type: 'ReplacePrefixMatch', replacePrefixMatch: pathPrefix } : undefined;
}

function headerModifier(changes: HeaderChanges | undefined): gw.HttpRouteSpecRulesFiltersRequestHeaderModifier | undefined {
  if (!changes) {
    return undefined;
  }
  const pairs = (m: { [name: string]: string } | undefined) =>
    m && Object.keys(m).length > 0 ? Object.entries(m).map(([name, value]) => ({ name, value })) : undefined;
  const remove = changes.remove && changes.remove.length > 0 ? [...changes.remove] : undefined;
  const modifier = { set: pairs(changes.set), add: pairs(changes.add), remove };
  return modifier.set || modifier.add || modifier.remove ? modifier : undefined;
}

/** A mirror's share of requests: all (nothing written), a whole percent, or a fraction of a million. */
function mirrorShare(percentage: number): { percent?: number; fraction?: { numerator: number; denominator: number } } {
  if (percentage >= 100) {
    return {};
  }
  return Number.isInteger(percentage)
    ? { percent: percentage }
    : { fraction: { numerator: Math.round(percentage * 10_000), denominator: 1_000_000 } };
}

/**
 * Istio's retry conditions in the Gateway API's terms: status codes, and the conditions Istio's translation always
 * adds (connect-failure, refused-stream, unavailable, cancelled). A condition with neither form is `unsupported`.
 */
function retryOf(policy: RetryPolicy): { retry: gw.HttpRouteSpecRulesRetry; unsupported: string[]; inexpressible: [string, string][] } {
  if (policy.attempts === 0) {
    return { retry: { attempts: 0 }, unsupported: [], inexpressible: [] };
  }
  const inexpressible: [string, string][] = [];
  if (policy.retryRemoteLocalities) {
    inexpressible.push(['retries to other localities (retryRemoteLocalities)', 'drop retryRemoteLocalities']);
  }
  if (policy.retryIgnorePreviousHosts === false) {
    // Istio's translation of an HTTPRoute keeps its default: retries avoid the hosts already tried.
    inexpressible.push(['retries on the hosts already tried (retryIgnorePreviousHosts false)', 'drop retryIgnorePreviousHosts']);
  }
  const inRetryOn = (policy.retryOn ?? []).map(String).filter(c => /^\d{3}$/.test(c)).map(Number);
  const statuses = [...inRetryOn, ...policy.retriableStatusCodes ?? []];
  const outside = statuses.filter(c => c < 400);
  if (outside.length > 0) {
    inexpressible.push([`retries on status ${outside.join(', ')} (the Gateway API retries on 400 to 599)`, 'retry on status codes from 400 to 599']);
  }
  const codes = new Set<number>();
  const unsupported: string[] = [];
  for (const condition of policy.retryOn ?? []) {
    const c = String(condition);
    if (c === 'gateway-error') {
      [502, 503, 504].forEach(code => codes.add(code));
    } else if (c === 'retriable-4xx') {
      codes.add(409);
    } else if (/^\d{3}$/.test(c)) {
      // One below 400 is reported above.
      if (Number(c) >= 400) {
        codes.add(Number(c));
      }
    } else if (!['connect-failure', 'refused-stream', 'unavailable', 'cancelled', 'retriable-status-codes'].includes(c)) {
      unsupported.push(c);
    }
  }
  (policy.retriableStatusCodes ?? []).filter(c => c >= 400).forEach(c => codes.add(c));
  const backoff = policy.backoff ? gatewayApiDuration(policy.backoff.toMilliseconds()) : undefined;
  const sorted = codes.size > 0 ? [...codes].sort((a, b) => a - b) : undefined;
  return { retry: { attempts: policy.attempts, backoff, codes: sorted }, unsupported, inexpressible };
}

function checkLimits(rules: HttpRule[], ctx: RouteContext, problems: Inexpressible[]): void {
  if (rules.length === 0) {
    return;
  }
  const source = rules[0].source;
  const matches = rules.reduce((n, r) => n + Math.max(r.matches.length, 1), 0);
  const crowded = rules.find(r => r.matches.length > MAX_MATCHES_PER_RULE);
  const what = rules.length > MAX_RULES ? `${ctx.subject} has ${rules.length} routes, more than one route object may hold (${MAX_RULES})`
    : crowded ? `${crowded.label} has ${crowded.matches.length} matches, more than one rule may hold (${MAX_MATCHES_PER_RULE})`
      : matches > MAX_MATCHES ? `${ctx.subject} has ${matches} matches in all, more than one route object may hold (${MAX_MATCHES})` : undefined;
  if (what) {
    problems.push({ scope: source, code: 'MESH0749', what, message: `${what}: merge routes (one route may have several matches), or set the mesh's allowIstioApiFallback` });
  }
}

function faultText(rule: HttpRule): string {
  const fault = rule.fault!._toIstio();
  const parts = [fault.delay ? `a ${fault.delay.fixedDelay} delay` : undefined, fault.abort ? `an abort with ${fault.abort.httpStatus}` : undefined];
  return parts.filter(p => p !== undefined).join(' and ');
}

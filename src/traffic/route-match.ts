import { IConstruct } from 'constructs';
import * as istio from '../imports/istio-networking';
import type { IMeshService } from '../mesh-identity';
import { checkArray, checkEnum, checkStringMap, checkType, quoted } from '../private/enums';
import { meshError, reportError, required } from '../private/errors';
import { checkRegex, controlCharacter } from '../private/istio-rules';
import { validateLabels } from '../private/kubernetes-rules';
import { HTTP_TOKEN } from '../private/names';
import { checkService } from '../private/services';

/**
 * HTTP request methods.
 */
export enum HttpMethod {
  /** GET */
  GET = 'GET',
  /** HEAD */
  HEAD = 'HEAD',
  /** POST */
  POST = 'POST',
  /** PUT */
  PUT = 'PUT',
  /** DELETE */
  DELETE = 'DELETE',
  /** PATCH */
  PATCH = 'PATCH',
  /** OPTIONS */
  OPTIONS = 'OPTIONS',
  /** CONNECT */
  CONNECT = 'CONNECT',
  /** TRACE */
  TRACE = 'TRACE',
}

/**
 * How a string (a URI, a header value) is matched.
 *
 * @see https://istio.io/latest/docs/reference/config/networking/virtual-service/#StringMatch
 */
export class StringMatch {
  /** The whole string equals `value`. */
  public static exact(value: string): StringMatch {
    return new StringMatch('exact', matchable('StringMatch.exact', value));
  }

  /** The string starts with `value`. */
  public static prefix(value: string): StringMatch {
    return new StringMatch('prefix', matchable('StringMatch.prefix', value));
  }

  /** The whole string matches the RE2 regular expression `pattern`. */
  public static regex(pattern: string): StringMatch {
    nonEmpty('StringMatch.regex', pattern);
    // Envoy and istiod use RE2: JavaScript takes lookbehind, backreferences and more that they refuse.
    checkRegex('StringMatch.regex', 'pattern', pattern);
    return new StringMatch('regex', pattern);
  }

  /**
   * An exact match on the empty string, which only a header can carry (a request path is never empty).
   *
   * @internal
   */
  public static _emptyExact(): StringMatch {
    return new StringMatch('exact', '');
  }

  /**
   * Any value, even an empty one: the header is present (Istio's `{}`).
   *
   * @internal
   */
  public static _present(): StringMatch {
    return new StringMatch('present', '');
  }

  private constructor(
    /** `exact`, `prefix` or `regex`. */
    public readonly kind: string,
    /** The value or pattern. */
    public readonly value: string,
  ) {}

  /** @internal */
  public _toIstio(): { exact?: string; prefix?: string; regex?: string } {
    return this.kind === 'present' ? {} : { [this.kind]: this.value };
  }
}

/**
 * A match on one HTTP header.
 */
export class HeaderMatch {
  /** The header equals `value`. */
  public static exact(name: string, value: string): HeaderMatch {
    // An empty value is a match of its own: the header is present and empty (istiod and Envoy take `exact: ''`).
    const match = value === '' ? StringMatch._emptyExact() : StringMatch.exact(headerValue('HeaderMatch.exact', name, value));
    return new HeaderMatch(headerName('HeaderMatch.exact', name), match);
  }

  /** The header starts with `value`. */
  public static prefix(name: string, value: string): HeaderMatch {
    return new HeaderMatch(headerName('HeaderMatch.prefix', name), StringMatch.prefix(headerValue('HeaderMatch.prefix', name, value)));
  }

  /** The header matches the RE2 regular expression `pattern`. */
  public static regex(name: string, pattern: string): HeaderMatch {
    return new HeaderMatch(headerName('HeaderMatch.regex', name), StringMatch.regex(headerValue('HeaderMatch.regex', name, pattern)));
  }

  /** The header is present, with any value (Istio's `{}`); in `withoutHeaders`: the header is absent. */
  public static present(name: string): HeaderMatch {
    return new HeaderMatch(headerName('HeaderMatch.present', name), StringMatch._present());
  }

  private constructor(
    /** The header name, lowercase. */
    public readonly name: string,
    /** How its value is matched. */
    public readonly value: StringMatch,
  ) {}
}

/**
 * A match on one query parameter of the request (`?name=value`).
 *
 * @see https://istio.io/latest/docs/reference/config/networking/virtual-service/#HTTPMatchRequest
 */
export class QueryParamMatch {
  /** The parameter equals `value`. */
  public static exact(name: string, value: string): QueryParamMatch {
    if (value === '') {
      throw meshError('MESH0800', 'QueryParamMatch.exact', `query parameter '${name}' has no value to match: give one, or match its presence with QueryParamMatch.present('${name}')`);
    }
    return new QueryParamMatch(paramName('QueryParamMatch.exact', name), StringMatch.exact(paramValue('QueryParamMatch.exact', name, value)));
  }

  /** The parameter starts with `value`. */
  public static prefix(name: string, value: string): QueryParamMatch {
    return new QueryParamMatch(paramName('QueryParamMatch.prefix', name), StringMatch.prefix(paramValue('QueryParamMatch.prefix', name, value)));
  }

  /** The parameter matches the RE2 regular expression `pattern` (the whole value: `\d+` matches `123`, not `a123`). */
  public static regex(name: string, pattern: string): QueryParamMatch {
    return new QueryParamMatch(paramName('QueryParamMatch.regex', name), StringMatch.regex(pattern));
  }

  /**
   * The parameter is present, with or without a value (`?debug`, `?debug=1`): Istio's `{}` (no match type, which
   * istiod leaves to Envoy as a presence match; `exact: ""` would match only an empty value, `?debug` or `?debug=`).
   */
  public static present(name: string): QueryParamMatch {
    return new QueryParamMatch(paramName('QueryParamMatch.present', name), StringMatch._present());
  }

  private constructor(
    /** The parameter name, as the request spells it (query parameter names are case-sensitive). */
    public readonly name: string,
    /** How its value is matched (a match of kind `present`: any value, or none). */
    public readonly value: StringMatch,
  ) {}
}

/**
 * Conditions a request must all meet for a route to take it.
 *
 * @see https://istio.io/latest/docs/reference/config/networking/virtual-service/#HTTPMatchRequest
 */
export interface RouteMatch {
  /**
   * Headers the request must carry.
   *
   * @default - any headers
   */
  readonly headers?: HeaderMatch[];

  /**
   * The request path.
   *
   * @default - any path
   */
  readonly uri?: StringMatch;

  /**
   * The request method.
   *
   * @default - any method
   */
  readonly method?: HttpMethod;

  /**
   * The calling service (matched on its workloads' `app` label and namespace).
   *
   * @default - any caller
   */
  readonly sourceService?: IMeshService;

  /**
   * The calling version of `sourceService` (its workloads' `version` label): one the service declares.
   *
   * @default - any version of the caller
   */
  readonly sourceVersion?: string;

  /**
   * Labels the calling workload carries (Istio's `sourceLabels`), beside `sourceService`'s `app` and `sourceVersion`'s `version`.
   *
   * @default - any caller's labels
   */
  readonly sourceLabels?: { [key: string]: string };

  /**
   * The namespace of the calling workload (Istio's `sourceNamespace`); with `sourceService` it must be the service's.
   *
   * @default - any namespace (with `sourceService`: its namespace)
   */
  readonly sourceNamespace?: string;

  /**
   * Headers the request must not carry with the given value (`HeaderMatch.present(name)`: must not carry at all).
   *
   * @default - no header is excluded
   */
  readonly withoutHeaders?: HeaderMatch[];

  /**
   * Query parameters the request must carry.
   *
   * @default - any query parameters
   */
  readonly queryParams?: QueryParamMatch[];

  /**
   * The request's authority (the Host header, `:authority`).
   *
   * @default - any authority
   */
  readonly authority?: StringMatch;

  /**
   * The request's scheme (`:scheme`, `http` or `https`; case-sensitive).
   *
   * @default - any scheme
   */
  readonly scheme?: StringMatch;

  /**
   * The service port the request came to.
   *
   * @default - any port of the service
   */
  readonly port?: number;

  /**
   * Match `uri` without regard to case (exact and prefix matches).
   *
   * @default false
   */
  readonly ignoreUriCase?: boolean;

  /**
   * The match's name, which Istio joins to the route's name in access logs.
   *
   * @default - unnamed
   */
  readonly name?: string;

  /**
   * The prefix Envoy emits the route's statistics under, when the match takes a request.
   *
   * @default - Envoy's default statistics
   */
  readonly statPrefix?: string;
}

/**
 * Checks a match: a construct records each problem (the match is kept: an empty one must not turn its route
 * into a catch-all), a factory (`where` a string) throws.
 *
 * @internal
 */
export function validateRouteMatch(where: IConstruct | string, match: RouteMatch): RouteMatch {
  checkService(where, 'sourceService', match.sourceService);
  // From JavaScript a header or uri may be a plain object or a string: reported, and left out of the match.
  const given = checkArray(where, 'headers', match.headers) ? match.headers ?? [] : [];
  const headers = given.filter((h, i) => {
    const made = typeof (h as { value?: { _toIstio?: unknown } } | null)?.value?._toIstio === 'function' && typeof h.name === 'string';
    if (!made) {
      reportError(where, 'MESH0096', `headers[${i}] ${quoted(h)} is not a HeaderMatch: make it with HeaderMatch.exact(name, value), HeaderMatch.prefix(...) or HeaderMatch.regex(...)`);
    }
    return made;
  });
  const uri = match.uri === undefined || isStringMatch(match.uri) ? match.uri : undefined;
  if (match.uri !== undefined && uri === undefined) {
    const example = typeof match.uri === 'string' ? `StringMatch.prefix('${match.uri}')` : 'StringMatch.prefix(...)';
    reportError(where, 'MESH0096', `uri ${quoted(match.uri)} is not a StringMatch: make it with ${example}, StringMatch.exact(...) or StringMatch.regex(...)`);
  }
  const names = headers.map(h => h.name);
  for (const dup of new Set(names.filter((n, i) => names.indexOf(n) !== i))) {
    reportError(where, 'MESH0041', `header '${dup}' is matched twice in one match: a request has one value per header, so list it once (use several matches for OR)`);
  }
  // A condition reported above as not made by its factory is still one: the match is not also called empty.
  const conditions = [
    match.uri, match.method, match.sourceService, match.sourceVersion, match.sourceNamespace, match.authority, match.scheme, match.port,
  ]
    .filter(c => c !== undefined).length + given.length + (match.withoutHeaders?.length ?? 0) + (match.queryParams?.length ?? 0)
    + Object.keys(match.sourceLabels ?? {}).length;
  if (conditions === 0) {
    reportError(where, 'MESH0042', 'a match has no condition: give headers, uri, method, queryParams, authority, port or a source (a route without matches takes all traffic)');
  }
  const more = validateMoreConditions(where, match);
  if (uri) {
    validateUriMatch(where, 'uri', uri);
  }
  const methods = Object.values(HttpMethod) as string[];
  if (match.method !== undefined && !methods.includes(match.method) && methods.includes(String(match.method).toUpperCase())) {
    reportError(where, 'MESH0166', `method '${match.method}' is not upper-case: HTTP methods are case-sensitive, so it would match no request, use HttpMethod.${String(match.method).toUpperCase()}`);
  } else {
    checkEnum(where, 'method', match.method, HttpMethod, 'HttpMethod');
  }
  return { ...match, headers: match.headers === undefined ? undefined : headers, uri, ...more };
}

/** Whether `value` was made by a StringMatch factory (told by its methods: it works across copies of the library). */
function isStringMatch(value: unknown): value is StringMatch {
  const m = value as { _toIstio?: unknown; kind?: unknown; value?: unknown } | null;
  return typeof value === 'object' && value !== null && typeof m!._toIstio === 'function' && typeof m!.kind === 'string' && typeof m!.value === 'string';
}

/**
 * Checks a match on the request path: an exact or prefix path starts with '/' (Envoy matches the path as the
 * request carries it, which always does), so one without it would match no request.
 *
 * @internal
 */
export function validateUriMatch(where: IConstruct | string, prop: string, uri: StringMatch): void {
  if (uri.kind !== 'regex' && !uri.value.startsWith('/')) {
    reportError(where, 'MESH0165', `${prop} ${uri.kind} '${uri.value}' does not start with '/': every request path does, so it would match nothing, write '/${uri.value}'`);
  }
  // A request path never carries a space unencoded (clients send %20), and Envoy compares the path as sent.
  if (uri.kind !== 'regex' && /\s/.test(uri.value)) {
    reportError(where, 'MESH0174', `${prop} ${uri.kind} '${uri.value}' has a space, which no request path carries (clients send it as %20), so it would match nothing: write '${uri.value.replace(/ /g, '%20')}'`);
  }
}

/** @internal */
export function routeMatchToIstio(match: RouteMatch): istio.VirtualServiceSpecHttpMatch {
  const byName = (list: { name: string; value: StringMatch }[] | undefined) => list && list.length > 0
    ? Object.fromEntries(list.map(h => [h.name, h.value._toIstio()]))
    : undefined;
  const labels = {
    ...match.sourceLabels,
    ...match.sourceService ? { app: match.sourceService.serviceName } : {},
    ...match.sourceVersion !== undefined ? { version: match.sourceVersion } : {},
  };
  return {
    name: match.name,
    headers: byName(match.headers),
    withoutHeaders: byName(match.withoutHeaders),
    queryParams: byName(match.queryParams),
    uri: match.uri?._toIstio(),
    ignoreUriCase: match.ignoreUriCase || undefined,
    method: match.method ? { exact: match.method } : undefined,
    authority: match.authority?._toIstio(),
    scheme: match.scheme?._toIstio(),
    port: match.port,
    sourceLabels: Object.keys(labels).length > 0 ? labels : undefined,
    sourceNamespace: match.sourceNamespace ?? match.sourceService?.namespace,
    statPrefix: match.statPrefix,
  };
}

function nonEmpty(where: string, value: string): string {
  if (value === '') {
    throw meshError('MESH0043', where, 'value is empty: give the text to match');
  }
  return value;
}

/** A literal matched against a request's path or a header: not empty, and without characters a request never carries there. */
function matchable(where: string, value: string): string {
  required(where, 'value', value, `give the text to match, e.g. ${where}('/api')`);
  checkType(where, 'value', value, 'string', "a string, e.g. '/api'");
  nonEmpty(where, value);
  const control = controlCharacter(value);
  if (control !== undefined) {
    throw meshError('MESH0167', where, `value ${JSON.stringify(value)} has the control character '${control}', which no request path or header carries, so it never matches: remove it`);
  }
  return value;
}

/** The HTTP/2 pseudo-headers of a request, which istiod and Envoy match as headers. */
const REQUEST_PSEUDO_HEADERS = [':authority', ':method', ':path', ':scheme'];

/**
 * A header name, written lowercase: header names are case-insensitive (RFC 9110 section 5.1) and Istio's
 * VirtualService wants its header keys lowercase, so 'X-User' matches the same requests as 'x-user'.
 */
function headerName(where: string, name: string): string {
  if (REQUEST_PSEUDO_HEADERS.includes(String(name).toLowerCase())) {
    return name.toLowerCase();
  }
  if (!HTTP_TOKEN.test(name)) {
    throw meshError('MESH0044', where, `header name '${name}' is not an HTTP header name: use letters, digits and '-'`);
  }
  return name.toLowerCase();
}

function headerValue(where: string, name: string, value: string): string {
  if (value === '') {
    throw meshError('MESH0043', where, `header '${name}' has no value to match: give one, e.g. HeaderMatch.exact('${name}', 'jason')`);
  }
  const control = controlCharacter(value);
  if (control !== undefined) {
    throw meshError('MESH0167', where, `header '${name}' value ${JSON.stringify(value)} has the control character '${control}', which no request header carries, so it never matches: remove it`);
  }
  return value;
}

/**
 * A match's identity: two matches with one key take the same requests (headers compared in any order).
 *
 * @internal
 */
export function routeMatchKey(match: RouteMatch): string {
  // The name and statistics prefix say nothing about which requests a match takes.
  const { name: _name, statPrefix: _stat, ...istioMatch } = routeMatchToIstio(match);
  const sorted = (map: object | undefined) => map ? Object.entries(map).sort(([a], [b]) => a.localeCompare(b)) : undefined;
  return JSON.stringify({
    ...istioMatch,
    headers: sorted(istioMatch.headers),
    withoutHeaders: sorted(istioMatch.withoutHeaders),
    queryParams: sorted(istioMatch.queryParams),
    sourceLabels: sorted(istioMatch.sourceLabels),
  });
}

/**
 * Checks the conditions besides headers, uri and method, and returns those that stand (from JavaScript a list or
 * a match may be anything: reported, and left out).
 */
function validateMoreConditions(where: IConstruct | string, match: RouteMatch): Partial<RouteMatch> {
  const withoutHeaders = madeMatches(where, 'withoutHeaders', match.withoutHeaders, 'HeaderMatch', 'HeaderMatch.present(name)') as HeaderMatch[] | undefined;
  const queryParams = madeMatches(where, 'queryParams', match.queryParams, 'QueryParamMatch', "QueryParamMatch.exact('name', 'value')") as QueryParamMatch[] | undefined;
  for (const [prop, list] of [['withoutHeaders', withoutHeaders], ['queryParams', queryParams]] as const) {
    const names = (list ?? []).map(m => m.name);
    for (const dup of new Set(names.filter((n, i) => names.indexOf(n) !== i))) {
      reportError(where, 'MESH0801', `${prop} names '${dup}' twice in one match: list it once (use several matches for OR)`);
    }
  }
  for (const h of withoutHeaders ?? []) {
    const same = (match.headers ?? []).find(m => m?.name === h.name && (h.value.kind === 'present' || (m.value?.kind === h.value.kind && m.value?.value === h.value.value)));
    if (same) {
      reportError(where, 'MESH0801', `header '${h.name}' is both required and excluded (withoutHeaders) by one match, so it takes no request: keep one of them`);
    }
  }
  const authority = stringMatchOr(where, 'authority', match.authority, "StringMatch.exact('shop.example.com')");
  const scheme = stringMatchOr(where, 'scheme', match.scheme, "StringMatch.exact('https')");
  if (scheme && scheme.kind === 'exact' && scheme.value !== 'http' && scheme.value !== 'https') {
    reportError(where, 'MESH0802', `scheme exact '${scheme.value}' is not a scheme a request carries (Envoy compares ':scheme', case-sensitive, 'http' or 'https'), so it matches nothing: use 'http' or 'https'`);
  }
  if (authority && authority.kind !== 'regex' && authority.value !== authority.value.toLowerCase()) {
    reportError(where, 'MESH0802', `authority ${authority.kind} '${authority.value}' has upper-case letters, but clients send host names in lower case and Envoy compares them as sent, so it matches nothing: write '${authority.value.toLowerCase()}'`);
  }
  if (match.port !== undefined && (typeof match.port !== 'number' || !Number.isInteger(match.port) || match.port < 1 || match.port > 65535)) {
    reportError(where, 'MESH0803', `port ${quoted(match.port)} is not a port: use a whole number from 1 to 65535, the service port the request comes to`);
  }
  checkSource(where, match);
  if (match.ignoreUriCase !== undefined && checkType(where, 'ignoreUriCase', match.ignoreUriCase, 'boolean') && match.ignoreUriCase
    && (match.uri === undefined || match.uri?.kind === 'regex')) {
    reportError(where, 'MESH0806', `ignoreUriCase is set but the match ${match.uri === undefined ? 'has no uri' : 'matches the uri by regex'}, and Istio ignores case only in exact and prefix uri matches, so it does nothing: match the uri by exact or prefix (or use '(?i)' in the regex), or drop ignoreUriCase`);
  }
  for (const prop of ['name', 'statPrefix'] as const) {
    const value = match[prop];
    if (value !== undefined && (typeof value !== 'string' || value === '' || controlCharacter(value) !== undefined || /\s/.test(value))) {
      reportError(where, 'MESH0806', `${prop} ${quoted(value)} is not a name Envoy can report: give a non-empty name without spaces or control characters, e.g. 'reviews-canary'`);
    }
  }
  return {
    withoutHeaders: match.withoutHeaders === undefined ? undefined : withoutHeaders,
    queryParams: match.queryParams === undefined ? undefined : queryParams,
    authority,
    scheme,
  };
}

/** The calling version, labels and namespace: consistent with each other and with `sourceService`. */
function checkSource(where: IConstruct | string, match: RouteMatch): void {
  const service = match.sourceService;
  if (match.sourceVersion !== undefined) {
    if (service === undefined) {
      reportError(where, 'MESH0804', `sourceVersion '${match.sourceVersion}' is given without sourceService: name the calling service whose version it is`);
    } else if (typeof match.sourceVersion !== 'string' || !/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(match.sourceVersion) || match.sourceVersion.length > 63) {
      reportError(where, 'MESH0804', `sourceVersion ${quoted(match.sourceVersion)} is not a version name: use lowercase letters, digits and '-', e.g. 'v2'`);
    } else if (service.versionNames !== undefined && service.versionNames.length > 0 && !service.versionNames.includes(match.sourceVersion)) {
      reportError(where, 'MESH0804', `sourceVersion '${match.sourceVersion}' is not a version of service '${service.serviceName}' (versions: ${service.versionNames.join(', ')}), so no caller matches: name one of them`);
    }
  }
  if (match.sourceLabels !== undefined && checkStringMap(where, 'sourceLabels', match.sourceLabels)) {
    validateLabels(where, 'sourceLabels', match.sourceLabels);
    for (const [key, given] of [['app', service?.serviceName], ['version', match.sourceVersion]] as const) {
      const label = match.sourceLabels[key];
      if (label !== undefined && given !== undefined && label !== given) {
        reportError(where, 'MESH0805', `sourceLabels sets '${key}: ${label}', but ${key === 'app' ? 'sourceService' : 'sourceVersion'} is '${given}', so no caller matches: drop the label`);
      }
    }
  }
  if (match.sourceNamespace !== undefined) {
    if (typeof match.sourceNamespace !== 'string' || !/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(match.sourceNamespace) || match.sourceNamespace.length > 63) {
      reportError(where, 'MESH0805', `sourceNamespace ${quoted(match.sourceNamespace)} is not a namespace name: use lowercase letters, digits and '-'`);
    } else if (service !== undefined && typeof service.namespace === 'string' && service.namespace !== match.sourceNamespace) {
      reportError(where, 'MESH0805', `sourceNamespace '${match.sourceNamespace}' is not the namespace of sourceService '${service.serviceName}' ('${service.namespace}'), so no caller matches: drop sourceNamespace`);
    }
  }
}

/** A list of matches made by their factory (told by `name` and a `value` with `_toIstio`); others are reported (MESH0096). */
function madeMatches(
  where: IConstruct | string, prop: string, list: unknown, type: string, factory: string,
): { name: string; value: StringMatch }[] | undefined {
  if (list === undefined || !checkArray(where, prop, list)) {
    return undefined;
  }
  return (list as unknown[]).filter((m, i) => {
    const made = typeof (m as { name?: unknown } | null)?.name === 'string' && isStringMatch((m as { value?: unknown }).value);
    if (!made) {
      reportError(where, 'MESH0096', `${prop}[${i}] ${quoted(m)} is not a ${type}: make it with ${factory}`);
    }
    return made;
  }) as { name: string; value: StringMatch }[];
}

function stringMatchOr(where: IConstruct | string, prop: string, value: unknown, example: string): StringMatch | undefined {
  if (value === undefined || isStringMatch(value)) {
    return value as StringMatch | undefined;
  }
  reportError(where, 'MESH0096', `${prop} ${quoted(value)} is not a StringMatch: make it with ${example}, StringMatch.prefix(...) or StringMatch.regex(...)`);
  return undefined;
}

/** A query parameter name: what a request can carry before '=' (not empty, no '&', '=', '#', spaces or control characters). */
function paramName(where: string, name: string): string {
  required(where, 'name', name, `give the parameter's name, e.g. ${where}('debug')`);
  if (typeof name !== 'string' || name === '' || /[&=#?\s]/.test(name) || controlCharacter(name) !== undefined) {
    throw meshError('MESH0800', where, `query parameter name ${quoted(name)} is not one a request can carry: give a non-empty name without '&', '=', '#', '?', spaces or control characters`);
  }
  return name;
}

function paramValue(where: string, name: string, value: string): string {
  checkType(where, 'value', value, 'string', "a string, e.g. 'true'");
  if (value === '' || /[&#\s]/.test(value) || controlCharacter(value) !== undefined) {
    throw meshError('MESH0800', where, `query parameter '${name}' value ${JSON.stringify(value)} is not one a request can carry: give a non-empty value without '&', '#', spaces or control characters (Envoy compares the value as sent, percent-encoded)`);
  }
  return value;
}

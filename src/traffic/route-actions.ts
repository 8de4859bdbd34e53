import type { Duration } from 'cdk8s';
import type { IConstruct } from 'constructs';
import type { RetryPolicy, Timeout } from './resilience';
import { HttpMethod, RouteMatch, StringMatch } from './route-match';
import { RoutingApi } from '../gateway-api/routing-api';
import { routingOf } from '../gateway-api/routing-settings';
import { checkArray, checkEnum, checkEnumList, checkStringList, checkStringMap, checkType, quoted } from '../private/enums';
import { reportError } from '../private/errors';
import { checkIsDuration, checkRegex, controlCharacter, isDuration, wholeMilliseconds } from '../private/istio-rules';
import { HTTP_TOKEN } from '../private/names';
import { tryMeshOf } from '../private/tree';

/**
 * Changes to the headers of a request or a response.
 *
 * @see https://istio.io/latest/docs/reference/config/networking/virtual-service/#Headers-HeaderOperations
 */
export interface HeaderChanges {
  /**
   * Headers set, replacing any value they had.
   *
   * @default - none
   */
  readonly set?: { [name: string]: string };

  /**
   * Headers added beside any value they already have.
   *
   * @default - none
   */
  readonly add?: { [name: string]: string };

  /**
   * Names of headers removed.
   *
   * @default - none
   */
  readonly remove?: string[];
}

/**
 * Changes to the headers of the requests a route takes, and of their responses.
 */
export interface HeaderOperations {
  /**
   * Changes to the request, before it is passed on.
   *
   * @default - none
   */
  readonly request?: HeaderChanges;

  /**
   * Changes to the response, before it is returned.
   *
   * @default - none
   */
  readonly response?: HeaderChanges;
}

/**
 * How a route rewrites a request before passing it on.
 *
 * @see https://istio.io/latest/docs/reference/config/networking/virtual-service/#HTTPRewrite
 * @see https://gateway-api.sigs.k8s.io/reference/spec/#httpurlrewritefilter
 */
export interface UrlRewrite {
  /**
   * Replaces the path prefix the route matched (the route must match paths by prefix), keeping the rest of the path.
   *
   * @default - the path is kept (or `fullPath` replaces it)
   */
  readonly pathPrefix?: string;

  /**
   * Replaces the whole path.
   *
   * @default - the path is kept (or `pathPrefix` replaces its prefix)
   */
  readonly fullPath?: string;

  /**
   * Replaces the Host (`:authority`) header (Istio's `authority`).
   *
   * @default - the host is kept
   */
  readonly host?: string;

  /**
   * Rewrites the path with an RE2 regular expression (Istio's `uriRegexRewrite`): every part of the path that
   * `match` matches is replaced by `rewrite`, which may refer to groups as `\1`.
   *
   * @default - the path is kept (or `pathPrefix` or `fullPath` replaces it)
   */
  readonly uriRegexRewrite?: RegexRewrite;
}

/**
 * A rewrite of the path by regular expression.
 *
 * @see https://istio.io/latest/docs/reference/config/networking/virtual-service/#RegexRewrite
 */
export interface RegexRewrite {
  /** The RE2 regular expression matched against the path, e.g. `^/service/([^/]+)(/.*)$`. */
  readonly match: string;
  /** What replaces each match, with groups as `\1`, e.g. `\2/instance/\1`. */
  readonly rewrite: string;
}

/**
 * How a redirect picks the port of the new location, instead of a fixed `port` (Istio's `derivePort`).
 */
export enum RedirectPortDerivation {
  /** The scheme's well-known port: 80 for http, 443 for https. */
  FROM_PROTOCOL_DEFAULT = 'FROM_PROTOCOL_DEFAULT',
  /** The port the request came to. */
  FROM_REQUEST_PORT = 'FROM_REQUEST_PORT',
}

/**
 * A fixed response the route answers with, instead of passing the request on.
 *
 * @see https://istio.io/latest/docs/reference/config/networking/virtual-service/#HTTPDirectResponse
 */
export interface DirectResponse {
  /** The response status, 200 to 599. */
  readonly status: number;

  /**
   * The response body, as text (Istio's `body.string`).
   *
   * @default - no body (or `bodyBytes`)
   */
  readonly body?: string;

  /**
   * The response body, as bytes written in base64 (Istio's `body.bytes`).
   *
   * @default - no body (or `body`)
   */
  readonly bodyBytes?: string;
}

/**
 * What a route does with a cross-origin preflight request whose origin is not allowed (Istio's `unmatchedPreflights`).
 */
export enum UnmatchedPreflights {
  /** Pass it on to the service. */
  FORWARD = 'FORWARD',
  /** Answer it without the CORS headers (the browser then refuses the request). */
  IGNORE = 'IGNORE',
}

/**
 * Cross-origin resource sharing: the browsers' cross-origin requests the route allows.
 *
 * @see https://istio.io/latest/docs/reference/config/networking/virtual-service/#CorsPolicy
 */
export interface CorsPolicy {
  /**
   * The origins allowed, e.g. `StringMatch.exact('https://shop.example.com')`.
   *
   * @default - none: no cross-origin request is allowed
   */
  readonly allowOrigins?: StringMatch[];

  /**
   * The methods allowed (`Access-Control-Allow-Methods`).
   *
   * @default - the browser's simple methods
   */
  readonly allowMethods?: HttpMethod[];

  /**
   * The request headers allowed (`Access-Control-Allow-Headers`).
   *
   * @default - the browser's simple headers
   */
  readonly allowHeaders?: string[];

  /**
   * The response headers the browser may read (`Access-Control-Expose-Headers`).
   *
   * @default - the browser's simple response headers
   */
  readonly exposeHeaders?: string[];

  /**
   * How long the browser may cache the answer to a preflight request (`Access-Control-Max-Age`), in whole seconds.
   *
   * @default - the browser's default
   */
  readonly maxAge?: Duration;

  /**
   * Whether requests with credentials (cookies, authorization) are allowed (`Access-Control-Allow-Credentials`).
   *
   * @default false
   */
  readonly allowCredentials?: boolean;

  /**
   * What to do with a preflight request whose origin is not allowed.
   *
   * @default UnmatchedPreflights.FORWARD
   */
  readonly unmatchedPreflights?: UnmatchedPreflights;
}

/**
 * How a route answers with a redirect instead of passing the request on. What is not given is kept from the request.
 *
 * @see https://istio.io/latest/docs/reference/config/networking/virtual-service/#HTTPRedirect
 * @see https://gateway-api.sigs.k8s.io/reference/spec/#httprequestredirectfilter
 */
export interface HttpRedirect {
  /**
   * The scheme of the new location: `http` or `https`.
   *
   * @default - the request's
   */
  readonly scheme?: string;

  /**
   * The host of the new location.
   *
   * @default - the request's
   */
  readonly host?: string;

  /**
   * The port of the new location.
   *
   * @default - the request's (the scheme's well-known port when the scheme changes)
   */
  readonly port?: number;

  /**
   * The whole path of the new location.
   *
   * @default - the request's path (or `pathPrefix` replaces its prefix)
   */
  readonly fullPath?: string;

  /**
   * Replaces the path prefix the route matched (the route must match paths by prefix).
   *
   * @default - the request's path (or `fullPath` replaces it)
   */
  readonly pathPrefix?: string;

  /**
   * The response status: 301, 302, 303, 307 or 308 (Istio's `redirectCode`).
   *
   * @default 301
   */
  readonly statusCode?: number;

  /**
   * Derive the port of the new location instead of giving `port`.
   *
   * @default - the request's port (or `port`)
   */
  readonly derivePort?: RedirectPortDerivation;
}

/**
 * What a route does with the requests it takes besides choosing where they go: the same actions for routes
 * inside the mesh (a `TrafficSplit`'s) and at a gateway.
 */
export interface RouteActions {
  /**
   * Timeout of the route.
   *
   * @default - the service's timeout (a gateway route: the destination service's)
   */
  readonly timeout?: Timeout;

  /**
   * Retries of the route.
   *
   * @default - the service's retries (a gateway route: the destination service's)
   */
  readonly retries?: RetryPolicy;

  /**
   * Changes to request and response headers.
   *
   * @default - none
   */
  readonly headers?: HeaderOperations;

  /**
   * Rewrites the path or host before passing the request on.
   *
   * @default - none
   */
  readonly rewrite?: UrlRewrite;

  /**
   * Answers with a redirect instead of passing the request on (a route that redirects has no destination).
   *
   * @default - none
   */
  readonly redirect?: HttpRedirect;

  /**
   * Answers with a fixed response instead of passing the request on (a route that answers has no destination).
   *
   * @default - none
   */
  readonly directResponse?: DirectResponse;

  /**
   * Answers browsers' cross-origin preflight requests, and adds the CORS headers to responses.
   *
   * @default - none: CORS requests are passed on to the service
   */
  readonly corsPolicy?: CorsPolicy;
}

/**
 * Route actions after their checks: what could not stand was reported and left out.
 *
 * @internal
 */
export interface CheckedActions {
  readonly timeout?: Timeout;
  readonly retries?: RetryPolicy;
  readonly headers?: HeaderOperations;
  readonly rewrite?: UrlRewrite;
  readonly redirect?: HttpRedirect;
  readonly directResponse?: DirectResponse;
  readonly corsPolicy?: CorsPolicy;
}

/**
 * What else a route does, besides its actions: a redirect excludes all of it.
 *
 * @internal
 */
export interface RouteSurroundings {
  /** What the route sends requests to, as its messages name it (`targets`, `service`); undefined: nothing. */
  readonly destination?: string;
  readonly mirror?: boolean;
  readonly fault?: boolean;
}

/** Redirect statuses Envoy can answer with (its RedirectResponseCode). */
const REDIRECT_CODES = [301, 302, 303, 307, 308];

/** A host with an optional port, as a rewrite or redirect sets the authority. */
const AUTHORITY = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*(:[0-9]{1,5})?$/;

/**
 * Checks a route's actions as istiod would (and what it takes but would silently do nothing), reporting each
 * problem on `scope`. `matches` are the route's (a gateway route's: its paths), which a rewrite of the path
 * prefix needs to be by prefix.
 *
 * @internal
 */
export function checkRouteActions(
  scope: IConstruct, label: string, actions: RouteActions, matches: RouteMatch[], around: RouteSurroundings,
): CheckedActions {
  // From JavaScript an action may be a string or a list: reported (MESH0096), and left out.
  const headers = isRecord(scope, `${label} headers`, actions.headers, '{ request: { set: { ... } } }') ? checkHeaderOperations(scope, label, actions.headers!) : undefined;
  let rewrite = isRecord(scope, `${label} rewrite`, actions.rewrite, "{ pathPrefix: '/' }") ? checkRewrite(scope, label, actions.rewrite!, matches) : undefined;
  const redirect = isRecord(scope, `${label} redirect`, actions.redirect, "{ fullPath: '/' }") ? checkRedirect(scope, label, actions.redirect!) : undefined;
  const directResponse = isRecord(scope, `${label} directResponse`, actions.directResponse, '{ status: 503 }')
    ? checkDirectResponse(scope, label, actions.directResponse!) : undefined;
  const corsPolicy = isRecord(scope, `${label} corsPolicy`, actions.corsPolicy, "{ allowOrigins: [StringMatch.exact('https://shop.example.com')] }")
    ? checkCorsPolicy(scope, label, actions.corsPolicy!) : undefined;
  if (actions.directResponse !== undefined) {
    // istiod refuses a direct response beside a destination, a redirect, a fault or a rewrite; a mirror, timeout or retries beside one do nothing.
    const beside = [
      ...around.destination ? [around.destination] : [],
      ...actions.redirect !== undefined ? ['redirect'] : [],
      ...around.mirror ? ['mirror'] : [],
      ...around.fault ? ['fault'] : [],
      ...actions.rewrite ? ['rewrite'] : [],
      ...actions.timeout ? ['timeout'] : [],
      ...actions.retries ? ['retries'] : [],
    ];
    if (beside.length > 0) {
      reportError(scope, 'MESH0809', `${label} has a directResponse and ${beside.join(', ')}: a route sends requests to its targets, redirects or answers them itself, only one of these, and an answered request goes nowhere else, drop ${beside.length > 1 ? 'them' : 'it'} or the directResponse`);
      rewrite = undefined;
    }
  } else if (actions.redirect !== undefined) {
    // istiod refuses a redirect beside a destination, a fault or a rewrite; a mirror, timeout or retries beside one do nothing.
    const beside = [
      ...around.destination ? [around.destination] : [],
      ...around.mirror ? ['mirror'] : [],
      ...around.fault ? ['fault'] : [],
      ...actions.rewrite ? ['rewrite'] : [],
      ...actions.timeout ? ['timeout'] : [],
      ...actions.retries ? ['retries'] : [],
    ];
    if (beside.length > 0) {
      reportError(scope, 'MESH0724', `${label} has a redirect and ${beside.join(', ')}: a redirect answers the request itself, so it goes nowhere and nothing else of the route applies, drop ${beside.length > 1 ? 'them' : 'it'} or the redirect`);
      rewrite = undefined;
    }
  }
  // A timeout or retries not made by its factory would crash at synthesis: reported, and left out.
  const timeout = madeByFactory(scope, `${label} timeout`, actions.timeout, 'Timeout', 'Timeout.of(...)');
  const retries = madeByFactory(scope, `${label} retries`, actions.retries, 'RetryPolicy', 'RetryPolicy.of({ attempts: ... })');
  return { timeout, retries, headers, rewrite, redirect, directResponse, corsPolicy };
}

/** Whether an action is given as an object; anything else (from JavaScript) is reported. */
function isRecord(scope: IConstruct, prop: string, value: unknown, example: string): boolean {
  if (value === undefined) {
    return false;
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    reportError(scope, 'MESH0096', `${prop} ${quoted(value)} is not an object: give one, e.g. ${example}`);
    return false;
  }
  return true;
}

/**
 * Checks header changes given as an object (a route's, or one destination's: `label` names it); what is not
 * valid is reported, and the changes are then left out.
 *
 * @internal
 */
export function checkHeaderChanges(scope: IConstruct, label: string, ops: unknown): HeaderOperations | undefined {
  return isRecord(scope, `${label} headers`, ops, '{ request: { set: { ... } } }') ? checkHeaderOperations(scope, label, ops as HeaderOperations) : undefined;
}

function checkHeaderOperations(scope: IConstruct, label: string, ops: HeaderOperations): HeaderOperations | undefined {
  let valid = true;
  for (const side of ['request', 'response'] as const) {
    const changes = ops[side];
    const where = `${label} headers.${side}`;
    if (!isRecord(scope, where, changes, "{ set: { 'x-env': 'prod' } }")) {
      valid = valid && changes === undefined;
      continue;
    }
    const typed = checkStringMap(scope, `${where}.set`, changes!.set) && checkStringMap(scope, `${where}.add`, changes!.add)
      && checkStringList(scope, `${where}.remove`, changes!.remove);
    if (!typed) {
      valid = false;
      continue;
    }
    for (const kind of ['set', 'add'] as const) {
      for (const [name, value] of Object.entries(changes![kind] ?? {})) {
        valid = checkHeaderName(scope, `${where}.${kind}`, name) && valid;
        valid = checkHeaderValue(scope, `${where}.${kind}`, name, value) && valid;
      }
    }
    for (const name of changes!.remove ?? []) {
      valid = checkHeaderName(scope, `${where}.remove`, name) && valid;
    }
    const set = Object.keys(changes!.set ?? {}).map(n => n.toLowerCase());
    const add = Object.keys(changes!.add ?? {}).map(n => n.toLowerCase());
    for (const name of (changes!.remove ?? []).filter(n => set.includes(String(n).toLowerCase()) || add.includes(String(n).toLowerCase()))) {
      reportError(scope, 'MESH0722', `${where} both changes and removes header '${name}': Envoy would apply one of them, drop the other`);
      valid = false;
    }
  }
  return valid ? ops : undefined;
}

function checkHeaderName(scope: IConstruct, where: string, name: string): boolean {
  const lower = String(name).toLowerCase();
  if (lower === 'host' || lower === ':authority') {
    reportError(scope, 'MESH0720', `${where} names header '${name}', which istiod refuses to change there: set the host with rewrite.host`);
    return false;
  }
  if (lower.startsWith(':')) {
    reportError(scope, 'MESH0720', `${where} names pseudo-header '${name}', which Envoy cannot change (istiod refuses it): rewrite the path with rewrite, or leave it out`);
    return false;
  }
  if (!HTTP_TOKEN.test(name)) {
    reportError(scope, 'MESH0720', `${where} header name ${JSON.stringify(name)} is not an HTTP header name: use letters, digits and '-'`);
    return false;
  }
  return true;
}

function checkHeaderValue(scope: IConstruct, where: string, name: string, value: string): boolean {
  if (typeof value !== 'string') {
    reportError(scope, 'MESH0721', `${where} header '${name}' value ${JSON.stringify(value)} is not a string: give the header's text`);
    return false;
  }
  const control = controlCharacter(value);
  if (control !== undefined) {
    reportError(scope, 'MESH0721', `${where} header '${name}' value ${JSON.stringify(value)} has the control character '${control}', which no header may carry (istiod refuses it): remove it`);
    return false;
  }
  // Envoy reads '%NAME%' as a variable, and istiod refuses a lone '%'.
  if ((value.match(/%/g) ?? []).length % 2 !== 0) {
    reportError(scope, 'MESH0721', `${where} header '${name}' value ${JSON.stringify(value)} has a single '%', which Envoy reads as the start of a variable (istiod refuses it): write '%%' for a percent sign`);
    return false;
  }
  return true;
}

function checkPath(scope: IConstruct, where: string, path: string, code: 'MESH0723' | 'MESH0725'): boolean {
  if (typeof path !== 'string' || !path.startsWith('/') || /\s/.test(path) || controlCharacter(path) !== undefined) {
    reportError(scope, code, `${where} ${JSON.stringify(path)} is not a request path: write one that starts with '/', without spaces (%20) or control characters`);
    return false;
  }
  return true;
}

function checkAuthority(scope: IConstruct, where: string, host: string, code: 'MESH0723' | 'MESH0725'): boolean {
  if (typeof host !== 'string' || !AUTHORITY.test(host)) {
    reportError(scope, code, `${where} ${JSON.stringify(host)} is not a host name: use a lowercase name such as 'shop.example.com', optionally with ':port', without scheme or path`);
    return false;
  }
  return true;
}

function checkRewrite(scope: IConstruct, label: string, rewrite: UrlRewrite, matches: RouteMatch[]): UrlRewrite | undefined {
  const where = `${label} rewrite`;
  if (rewrite.pathPrefix === undefined && rewrite.fullPath === undefined && rewrite.host === undefined && rewrite.uriRegexRewrite === undefined) {
    reportError(scope, 'MESH0723', `${where} is empty (istiod refuses it): give pathPrefix, fullPath, uriRegexRewrite or host, or leave rewrite out`);
    return undefined;
  }
  let valid = true;
  if (rewrite.uriRegexRewrite !== undefined) {
    valid = checkRegexRewrite(scope, `${where}.uriRegexRewrite`, rewrite);
  }
  if (rewrite.pathPrefix !== undefined && rewrite.fullPath !== undefined) {
    reportError(scope, 'MESH0723', `${where} has both pathPrefix and fullPath (istiod refuses it): keep one`);
    valid = false;
  }
  if (rewrite.pathPrefix !== undefined) {
    valid = checkPath(scope, `${where}.pathPrefix`, rewrite.pathPrefix, 'MESH0723') && valid;
    const notPrefix = matches.length === 0 ? 'it matches every path' : matches.some(m => m.uri?.kind !== 'prefix')
      ? `a match ${describeUri(matches.find(m => m.uri?.kind !== 'prefix')!.uri)}` : undefined;
    if (notPrefix) {
      reportError(scope, 'MESH0723', `${where}.pathPrefix replaces the path prefix the route matched, but ${notPrefix}: match every path with StringMatch.prefix(...), or use rewrite.fullPath`);
      valid = false;
    }
  }
  if (rewrite.fullPath !== undefined) {
    valid = checkPath(scope, `${where}.fullPath`, rewrite.fullPath, 'MESH0723') && valid;
  }
  if (rewrite.host !== undefined) {
    valid = checkAuthority(scope, `${where}.host`, rewrite.host, 'MESH0723') && valid;
  }
  return valid ? rewrite : undefined;
}

function checkRegexRewrite(scope: IConstruct, where: string, rewrite: UrlRewrite): boolean {
  const other = rewrite.pathPrefix !== undefined ? 'pathPrefix' : rewrite.fullPath !== undefined ? 'fullPath' : undefined;
  if (other) {
    reportError(scope, 'MESH0807', `${where} is given beside ${other}, and a route rewrites the path one way (istiod refuses both): keep one`);
    return false;
  }
  const regex = rewrite.uriRegexRewrite as Partial<RegexRewrite> | null;
  if (regex === null || typeof regex !== 'object' || typeof regex.match !== 'string' || typeof regex.rewrite !== 'string' || regex.match === '') {
    reportError(scope, 'MESH0807', `${where} ${quoted(regex)} needs a match (an RE2 regular expression) and a rewrite (a string), e.g. { match: '^/v1/(.*)$', rewrite: '/api/\\1' }`);
    return false;
  }
  if (!checkRegex(scope, `${where}.match`, regex.match)) {
    return false;
  }
  if (controlCharacter(regex.rewrite) !== undefined || /\s/.test(regex.rewrite)) {
    reportError(scope, 'MESH0807', `${where}.rewrite ${JSON.stringify(regex.rewrite)} has a space or control character, which no request path carries: write it as %20, or remove it`);
    return false;
  }
  return true;
}

function checkDirectResponse(scope: IConstruct, label: string, response: DirectResponse): DirectResponse | undefined {
  const where = `${label} directResponse`;
  if (!checkType(scope, `${where}.status`, response.status, 'number') || !checkType(scope, `${where}.body`, response.body, 'string')
    || !checkType(scope, `${where}.bodyBytes`, response.bodyBytes, 'string')) {
    return undefined;
  }
  let valid = true;
  if (!Number.isInteger(response.status) || response.status < 200 || response.status > 599) {
    reportError(scope, 'MESH0808', `${where}.status ${response.status} is not a status istiod takes: use a whole number from 200 to 599`);
    valid = false;
  }
  if (response.body !== undefined && response.bodyBytes !== undefined) {
    reportError(scope, 'MESH0808', `${where} has both body and bodyBytes, and a response has one body: keep one`);
    valid = false;
  }
  if (response.bodyBytes !== undefined && !/^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/.test(response.bodyBytes)) {
    reportError(scope, 'MESH0808', `${where}.bodyBytes is not base64, which Istio reads it as: encode the bytes, e.g. Buffer.from(bytes).toString('base64'), or give text as body`);
    valid = false;
  }
  return valid ? response : undefined;
}

function checkCorsPolicy(scope: IConstruct, label: string, cors: CorsPolicy): CorsPolicy | undefined {
  const where = `${label} corsPolicy`;
  let valid = checkArray(scope, `${where}.allowOrigins`, cors.allowOrigins)
    && checkEnumList(scope, `${where}.allowMethods`, cors.allowMethods, HttpMethod, 'HttpMethod')
    && checkStringList(scope, `${where}.allowHeaders`, cors.allowHeaders)
    && checkStringList(scope, `${where}.exposeHeaders`, cors.exposeHeaders)
    && checkType(scope, `${where}.allowCredentials`, cors.allowCredentials, 'boolean')
    && checkEnum(scope, `${where}.unmatchedPreflights`, cors.unmatchedPreflights, UnmatchedPreflights, 'UnmatchedPreflights');
  if (!valid) {
    return undefined;
  }
  (cors.allowOrigins ?? []).forEach((origin, i) => {
    if (typeof (origin as { _toIstio?: unknown } | null)?._toIstio !== 'function') {
      reportError(scope, 'MESH0096', `${where}.allowOrigins[${i}] ${quoted(origin)} is not a StringMatch: make it with StringMatch.exact('https://shop.example.com'), StringMatch.prefix(...) or StringMatch.regex(...)`);
      valid = false;
    } else if (origin.kind === 'exact' && origin.value !== '*' && !/^[a-z][a-z0-9+.-]*:\/\/[^/\s]+$/.test(origin.value)) {
      // A browser sends the origin as scheme://host[:port], never with a path: an exact origin of another form allows nothing.
      reportError(scope, 'MESH0810', `${where}.allowOrigins exact '${origin.value}' is not an origin a browser sends (scheme://host[:port], without path), so it allows nothing: write e.g. 'https://shop.example.com'`);
      valid = false;
    }
  });
  for (const prop of ['allowHeaders', 'exposeHeaders'] as const) {
    for (const name of cors[prop] ?? []) {
      if (name !== '*' && !HTTP_TOKEN.test(name)) {
        reportError(scope, 'MESH0810', `${where}.${prop} ${JSON.stringify(name)} is not an HTTP header name: use letters, digits and '-', or '*'`);
        valid = false;
      }
    }
  }
  if (cors.maxAge !== undefined) {
    if (!checkIsDuration(scope, `${where}.maxAge`, cors.maxAge)) {
      return undefined;
    }
    const ms = wholeMilliseconds(cors.maxAge);
    if (ms === undefined || ms <= 0 || ms % 1000 !== 0) {
      reportError(scope, 'MESH0810', `${where}.maxAge ${cors.maxAge.toHumanString()} is not a whole number of seconds, and browsers cache preflight answers by the second (istiod refuses it): give e.g. Duration.hours(24)`);
      valid = false;
    }
  }
  return valid ? cors : undefined;
}

function describeUri(uri: StringMatch | undefined): string {
  return uri === undefined ? 'matches every path' : `matches the path by ${uri.kind} '${uri.value}'`;
}

function checkRedirect(scope: IConstruct, label: string, redirect: HttpRedirect): HttpRedirect | undefined {
  const where = `${label} redirect`;
  const given = (['scheme', 'host', 'port', 'derivePort', 'fullPath', 'pathPrefix'] as const).filter(k => redirect[k] !== undefined);
  if (given.length === 0) {
    reportError(scope, 'MESH0725', `${where} changes nothing, so it would send clients back to the same location (istiod refuses it): give scheme, host, port, fullPath or pathPrefix`);
    return undefined;
  }
  if (!checkEnum(scope, `${where}.derivePort`, redirect.derivePort, RedirectPortDerivation, 'RedirectPortDerivation')) {
    return undefined;
  }
  if (redirect.derivePort !== undefined && redirect.port !== undefined) {
    reportError(scope, 'MESH0811', `${where} has both port and derivePort (istiod refuses it): keep one`);
    return undefined;
  }
  let valid = checkType(scope, `${where}.port`, redirect.port, 'number') && checkType(scope, `${where}.statusCode`, redirect.statusCode, 'number');
  if (!valid) {
    return undefined;
  }
  if (redirect.scheme !== undefined && redirect.scheme !== 'http' && redirect.scheme !== 'https') {
    reportError(scope, 'MESH0725', `${where}.scheme '${redirect.scheme}' is not a scheme Envoy redirects to: use 'http' or 'https'`);
    valid = false;
  }
  if (redirect.port !== undefined && (!Number.isInteger(redirect.port) || redirect.port < 1 || redirect.port > 65535)) {
    reportError(scope, 'MESH0725', `${where}.port ${redirect.port} is out of range: use a whole number from 1 to 65535`);
    valid = false;
  }
  if (redirect.statusCode !== undefined && !REDIRECT_CODES.includes(redirect.statusCode)) {
    reportError(scope, 'MESH0725', `${where}.statusCode ${redirect.statusCode} is not a redirect status Envoy answers with: use ${REDIRECT_CODES.join(', ')}`);
    valid = false;
  }
  if (redirect.host !== undefined) {
    valid = checkAuthority(scope, `${where}.host`, redirect.host, 'MESH0725') && valid;
  }
  if (redirect.fullPath !== undefined) {
    valid = checkPath(scope, `${where}.fullPath`, redirect.fullPath, 'MESH0725') && valid;
  }
  if (redirect.pathPrefix !== undefined) {
    if (redirect.fullPath !== undefined) {
      reportError(scope, 'MESH0725', `${where} has both fullPath and pathPrefix: keep one`);
      valid = false;
    }
    // Istio substitutes '%PREFIX()%' in a redirect only for routes it translated from the Gateway API: in a
    // VirtualService Envoy would send clients to the literal text. The Gateway API's ReplacePrefixMatch takes it
    // (a route that falls back to Istio's API is reported when it does).
    const mesh = tryMeshOf(scope);
    if (!mesh || routingOf(mesh).api !== RoutingApi.GATEWAY_API) {
      reportError(scope, 'MESH0726', `${where}.pathPrefix cannot be rendered in Istio's VirtualService, which redirects only to a whole path: use redirect.fullPath, or render routing with the Gateway API (the mesh's routingApi)`);
      valid = false;
    }
  }
  return valid ? redirect : undefined;
}

/**
 * `value` when it is undefined or was made by its factory (it has the factory's `_toIstio`); anything else is
 * reported (MESH0096) and left out.
 *
 * @internal
 */
export function madeByFactory<T>(scope: IConstruct, prop: string, value: T | undefined, type: string, factory: string): T | undefined {
  if (value === undefined || typeof (value as { _toIstio?: unknown } | null)?._toIstio === 'function') {
    return value;
  }
  const hint = isDuration(value) ? `wrap the Duration in ${factory.replace('...', 'duration')}` : `make it with ${factory}`;
  reportError(scope, 'MESH0096', `${prop} is not a ${type}: ${hint}`);
  return undefined;
}

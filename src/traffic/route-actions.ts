import type { IConstruct } from 'constructs';
import type { RetryPolicy, Timeout } from './resilience';
import type { RouteMatch, StringMatch } from './route-match';
import { RoutingApi } from '../gateway-api/routing-api';
import { routingOf } from '../gateway-api/routing-settings';
import { checkStringList, checkStringMap, checkType, quoted } from '../private/enums';
import { reportError } from '../private/errors';
import { controlCharacter, isDuration } from '../private/istio-rules';
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
   * Replaces the Host (`:authority`) header.
   *
   * @default - the host is kept
   */
  readonly host?: string;
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
   * The response status: 301, 302, 303, 307 or 308.
   *
   * @default 301
   */
  readonly statusCode?: number;
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
  if (actions.redirect !== undefined) {
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
  return { timeout, retries, headers, rewrite, redirect };
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
  if (rewrite.pathPrefix === undefined && rewrite.fullPath === undefined && rewrite.host === undefined) {
    reportError(scope, 'MESH0723', `${where} is empty (istiod refuses it): give pathPrefix, fullPath or host, or leave rewrite out`);
    return undefined;
  }
  let valid = true;
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

function describeUri(uri: StringMatch | undefined): string {
  return uri === undefined ? 'matches every path' : `matches the path by ${uri.kind} '${uri.value}'`;
}

function checkRedirect(scope: IConstruct, label: string, redirect: HttpRedirect): HttpRedirect | undefined {
  const where = `${label} redirect`;
  const given = (['scheme', 'host', 'port', 'fullPath', 'pathPrefix'] as const).filter(k => redirect[k] !== undefined);
  if (given.length === 0) {
    reportError(scope, 'MESH0725', `${where} changes nothing, so it would send clients back to the same location (istiod refuses it): give scheme, host, port, fullPath or pathPrefix`);
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

import { IConstruct } from 'constructs';
import * as istio from '../imports/istio-networking';
import type { IMeshService } from '../mesh-identity';
import { checkArray, checkEnum, checkType, quoted } from '../private/enums';
import { meshError, reportError, required } from '../private/errors';
import { checkRegex, controlCharacter } from '../private/istio-rules';
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

  private constructor(
    /** `exact`, `prefix` or `regex`. */
    public readonly kind: string,
    /** The value or pattern. */
    public readonly value: string,
  ) {}

  /** @internal */
  public _toIstio(): { exact?: string; prefix?: string; regex?: string } {
    return { [this.kind]: this.value };
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

  private constructor(
    /** The header name, lowercase. */
    public readonly name: string,
    /** How its value is matched. */
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
  if (given.length === 0 && !match.uri && !match.method && !match.sourceService) {
    reportError(where, 'MESH0042', 'a match has no condition: give headers, uri, method or sourceService (a route without matches takes all traffic)');
  }
  if (uri) {
    validateUriMatch(where, 'uri', uri);
  }
  const methods = Object.values(HttpMethod) as string[];
  if (match.method !== undefined && !methods.includes(match.method) && methods.includes(String(match.method).toUpperCase())) {
    reportError(where, 'MESH0166', `method '${match.method}' is not upper-case: HTTP methods are case-sensitive, so it would match no request, use HttpMethod.${String(match.method).toUpperCase()}`);
  } else {
    checkEnum(where, 'method', match.method, HttpMethod, 'HttpMethod');
  }
  return { ...match, headers: match.headers === undefined ? undefined : headers, uri };
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
  const headers = match.headers && match.headers.length > 0
    ? Object.fromEntries(match.headers.map(h => [h.name, h.value._toIstio()]))
    : undefined;
  return {
    headers,
    uri: match.uri?._toIstio(),
    method: match.method ? { exact: match.method } : undefined,
    sourceLabels: match.sourceService ? { app: match.sourceService.serviceName } : undefined,
    sourceNamespace: match.sourceService?.namespace,
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
  const istioMatch = routeMatchToIstio(match);
  const headers = istioMatch.headers ? Object.entries(istioMatch.headers).sort(([a], [b]) => a.localeCompare(b)) : undefined;
  return JSON.stringify({ ...istioMatch, headers });
}

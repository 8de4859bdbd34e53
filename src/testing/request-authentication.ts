import type { JwtToken } from './access-request';
import { Workload, selects } from './workloads';
import { meshError } from '../private/errors';

/**
 * What the proxy knows of the end user after JWT authentication: `request.auth.*` of AuthorizationPolicies.
 *
 * @internal
 */
export interface RequestIdentity {
  /** `<iss>/<sub>`. */
  readonly principal: string;
  readonly audiences: string[];
  readonly presenter?: string;
  /** Every claim of the token, `iss`, `sub`, `aud` and `azp` included. */
  readonly claims: { [name: string]: any };
}

/**
 * The outcome of JWT authentication on one proxy.
 *
 * @internal
 */
export interface Authentication {
  /** Set when the proxy answers 401: why, naming the RequestAuthentication. */
  readonly rejected?: string;
  /** The RequestAuthentication that rejected the token, or that validated it. */
  readonly policy?: string;
  /** The end user, when a rule read and accepted the token. */
  readonly identity?: RequestIdentity;
  /** Why the request has no request principal (no token, or one no rule reads), or which rule accepted it. */
  readonly note: string;
  /** Whether the token goes on to the next hop (not read here, or read by a rule with forwardOriginalToken). */
  readonly forwarded: boolean;
  /** The headers the accepting rule adds from the token's claims (outputClaimToHeaders), names lowercase. */
  readonly addedHeaders: { [name: string]: string };
}

const JWT_RULE_KEYS = [
  'issuer', 'audiences', 'jwksUri', 'jwks_uri', 'jwks', 'fromHeaders', 'fromParams', 'fromCookies', 'outputPayloadToHeader', 'forwardOriginalToken',
  'outputClaimToHeaders', 'timeout', 'spaceDelimitedClaims',
];

/** The claims Istio always splits on spaces (Envoy's normalize_payload_in_metadata), besides a rule's spaceDelimitedClaims. */
const SPACE_DELIMITED = ['scope', 'permission'];

/**
 * Authenticates the request's token the way the workload's proxy does with the RequestAuthentications that apply
 * to it (its namespace's with a selector that selects it or none, and the root namespace's; their rules combined):
 * without a token, or with one in a place no rule reads, the request passes with no request principal; a token a
 * rule reads must come from an issuer a rule for that place names (else 401, Envoy's "Jwt issuer is not
 * configured"), be valid, and carry an accepted audience when the rule lists audiences (else 401).
 *
 * @throws MESH0600 for a RequestAuthentication this evaluation does not model (targetRef, unknown rule fields)
 * @internal
 */
export function authenticate(where: string, manifests: any[], rootNamespace: string, target: Workload, jwt: JwtToken | undefined): Authentication {
  const applying = manifests.filter(m => m?.kind === 'RequestAuthentication').filter(ra => {
    const ns = ra.metadata?.namespace ?? 'default';
    for (const key of ['targetRef', 'targetRefs']) {
      if (ra.spec?.[key] !== undefined && (ns === target.namespace || ns === rootNamespace)) {
        throw unsupported(where, ra, key, 'policies attached to a Gateway API resource are not modelled');
      }
    }
    return (ns === target.namespace || ns === rootNamespace) && selects(ra.spec?.selector?.matchLabels, target.labels);
  });
  const rules = applying.flatMap(ra => (ra.spec?.jwtRules ?? []).map((rule: any, i: number) => {
    const unknown = Object.keys(rule ?? {}).filter(k => !JWT_RULE_KEYS.includes(k));
    if (unknown.length > 0) {
      throw unsupported(where, ra, `jwtRules[${i}] ${unknown.join(', ')}`, `only ${JWT_RULE_KEYS.join(', ')} are modelled there`);
    }
    return { ra, rule };
  }));
  const none = { forwarded: true, addedHeaders: {} };
  if (jwt === undefined) {
    return { ...none, note: 'the request carries no token, so it has no request principal' };
  }
  if (rules.length === 0) {
    return { ...none, note: `no RequestAuthentication applies to ${target.ref}, so its proxy reads no token and the request has no request principal` };
  }
  const place = placeOf(jwt);
  const readers = rules.filter(r => reads(r.rule, place));
  const names = [...new Set(applying.map(nameOf))].join(', ');
  if (readers.length === 0) {
    return { ...none, note: `no rule of RequestAuthentication ${names} reads the token from ${place.label}, so the request has no request principal` };
  }
  const accepting = readers.find(r => r.rule.issuer === jwt.issuer);
  if (!accepting) {
    const issuers = [...new Set(readers.map(r => String(r.rule.issuer)))].join(', ');
    return {
      ...none,
      forwarded: false,
      policy: nameOf(readers[0].ra),
      note: '',
      rejected: `401: RequestAuthentication ${names} reads tokens from ${place.label} for issuers ${issuers}, not '${jwt.issuer}' (Jwt issuer is not configured)`,
    };
  }
  const policy = nameOf(accepting.ra);
  if (jwt.valid === false) {
    return { ...none, forwarded: false, policy, note: '', rejected: `401: RequestAuthentication ${policy} rejects the token of '${jwt.issuer}': its signature or expiry is not valid` };
  }
  const accepted: string[] | undefined = accepting.rule.audiences;
  if (accepted !== undefined && accepted.length > 0 && !(jwt.audiences ?? []).some(a => accepted.includes(a))) {
    return {
      ...none,
      forwarded: false,
      policy,
      note: '',
      rejected: `401: RequestAuthentication ${policy} accepts tokens of '${jwt.issuer}' for audiences ${accepted.join(', ')}, and the token's are ${(jwt.audiences ?? []).join(', ') || 'none'}`,
    };
  }
  const claims: { [name: string]: any } = {
    ...jwt.claims,
    iss: jwt.issuer,
    ...jwt.subject !== undefined ? { sub: jwt.subject } : {},
    ...jwt.audiences !== undefined ? { aud: [...jwt.audiences] } : {},
    ...jwt.presenter !== undefined ? { azp: jwt.presenter } : {},
  };
  for (const name of [...SPACE_DELIMITED, ...accepting.rule.spaceDelimitedClaims ?? []]) {
    if (typeof claims[name] === 'string') {
      claims[name] = claims[name].split(' ').filter((v: string) => v !== '');
    }
  }
  const addedHeaders: { [name: string]: string } = {};
  for (const output of accepting.rule.outputClaimToHeaders ?? []) {
    const value = claims[output?.claim];
    if (typeof value === 'string' && output?.header) {
      addedHeaders[String(output.header).toLowerCase()] = value;
    }
  }
  const principal = `${jwt.issuer}/${jwt.subject ?? ''}`;
  return {
    policy,
    addedHeaders,
    forwarded: accepting.rule.forwardOriginalToken === true,
    identity: { principal, audiences: [...jwt.audiences ?? []], presenter: jwt.presenter, claims },
    note: `RequestAuthentication ${policy} accepts the token of '${jwt.issuer}' (request principal ${principal})`,
  };
}

/**
 * A claim by its path (`groups`, or `[a][b]` split into `['a', 'b']`), as strings: a string claim, the strings
 * of a list claim; undefined when there is none or it is not a string.
 *
 * @internal
 */
export function claimValues(identity: RequestIdentity | undefined, path: string[]): string[] | undefined {
  let value: any = identity?.claims;
  for (const name of path) {
    value = value !== null && typeof value === 'object' && !Array.isArray(value) ? value[name] : undefined;
  }
  if (typeof value === 'string') {
    return [value];
  }
  return Array.isArray(value) ? value.filter(v => typeof v === 'string') : undefined;
}

/** Where the token is sent. */
interface Place {
  readonly kind: 'header' | 'param' | 'cookie';
  readonly name: string;
  readonly label: string;
}

function placeOf(jwt: JwtToken): Place {
  if (jwt.queryParameter !== undefined) {
    return { kind: 'param', name: jwt.queryParameter, label: `the query parameter '${jwt.queryParameter}'` };
  }
  if (jwt.cookie !== undefined) {
    return { kind: 'cookie', name: jwt.cookie, label: `the cookie '${jwt.cookie}'` };
  }
  const header = (jwt.header ?? 'Authorization').toLowerCase();
  return { kind: 'header', name: header, label: `the header '${jwt.header ?? 'Authorization'}'` };
}

/** Whether a jwtRule reads the place: its fromHeaders/fromParams/fromCookies, or, with none, Authorization: Bearer and access_token. */
function reads(rule: any, place: Place): boolean {
  const headers: any[] | undefined = rule.fromHeaders;
  const params: string[] | undefined = rule.fromParams;
  const cookies: string[] | undefined = rule.fromCookies;
  if (headers === undefined && params === undefined && cookies === undefined) {
    return place.kind === 'header' ? place.name === 'authorization' : place.kind === 'param' && place.name === 'access_token';
  }
  switch (place.kind) {
    case 'header': return (headers ?? []).some(h => String(h?.name).toLowerCase() === place.name);
    case 'param': return (params ?? []).includes(place.name);
    default: return (cookies ?? []).includes(place.name);
  }
}

function nameOf(object: any): string {
  return `${object.metadata?.namespace ?? 'default'}/${object.metadata?.name}`;
}

function unsupported(where: string, ra: any, what: string, why: string): Error {
  return meshError('MESH0600', where, `RequestAuthentication ${nameOf(ra)} has ${what}, which this evaluation cannot decide (${why}): `
    + 'test that policy against a cluster, or leave it out of the manifests given');
}

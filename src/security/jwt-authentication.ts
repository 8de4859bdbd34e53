import { ApiObject, Duration, Lazy } from 'cdk8s';
import { Construct } from 'constructs';
import type { MeshCode } from '../analysis/codes';
import type { MeshGateway } from '../gateways/mesh-gateway';
import * as istio from '../imports/istio-security';
import type { IMesh, IMeshService } from '../mesh-identity';
import { ensureNamespace } from '../namespaces';
import { checkScopeMesh, PolicyScope } from './mtls-policy';
import { istioDuration } from '../private/duration';
import { checkStringList, checkType, listedTwice, listOr, quoted } from '../private/enums';
import { meshError, recordedProblems, reportError } from '../private/errors';
import { checkDuration, controlCharacter } from '../private/istio-rules';
import { HTTP_TOKEN, validateDnsLabel } from '../private/names';
import { isKind, isMeshServiceKind, markKind, meshOf } from '../private/tree';

/**
 * A header a token is read from.
 */
export interface JwtHeader {
  /** The header's name, e.g. `x-jwt-assertion`. */
  readonly name: string;

  /**
   * What comes before the token in the header's value, stripped before it is decoded (`Bearer `).
   *
   * @default - none: the whole value is the token
   */
  readonly prefix?: string;
}

/**
 * A claim of a verified token, copied into a request header for the workload.
 */
export interface JwtClaimToHeader {
  /** The header to set (letters, digits, `-` and `_`). */
  readonly header: string;
  /** The claim to copy; nested claims are written with dots (`user.email`). */
  readonly claim: string;
}

/**
 * One issuer whose tokens the workloads accept: where its keys are, what audiences it must name, where the
 * token is read from and what is passed on once it is verified (Istio's `JWTRule`).
 *
 * @see https://istio.io/latest/docs/reference/config/security/jwt/
 */
export interface JwtRule {
  /** The issuer: the token's `iss` claim, e.g. `https://accounts.example.com`. */
  readonly issuer: string;

  /**
   * The URL of the issuer's public keys (JWKS), `http` or `https`.
   *
   * @default - found by OpenID discovery from the issuer (`<issuer>/.well-known/openid-configuration`), unless `jwks` is given
   */
  readonly jwksUri?: string;

  /**
   * The issuer's public keys inline: a JSON Web Key Set (`{"keys": [...]}`), instead of `jwksUri`.
   *
   * @default - fetched from `jwksUri`
   */
  readonly jwks?: string;

  /**
   * The audiences a token must name (one of them, in its `aud` claim).
   *
   * @default - any audience
   */
  readonly audiences?: string[];

  /**
   * Headers the token is read from, instead of the default places.
   *
   * @default - `Authorization: Bearer <token>` and the `access_token` query parameter, unless params or cookies are given
   */
  readonly fromHeaders?: JwtHeader[];

  /**
   * Query parameters the token is read from.
   *
   * @default - none beyond the default places
   */
  readonly fromParams?: string[];

  /**
   * Cookies the token is read from.
   *
   * @default - none
   */
  readonly fromCookies?: string[];

  /**
   * Whether the token is kept in the request passed on to the workload.
   *
   * @default false
   */
  readonly forwardOriginalToken?: boolean;

  /**
   * A header the verified token's payload is written to (base64url-encoded JSON) for the workload.
   *
   * @default - none
   */
  readonly outputPayloadToHeader?: string;

  /**
   * Claims of the verified token copied into request headers.
   *
   * @default - none
   */
  readonly outputClaimToHeaders?: JwtClaimToHeader[];

  /**
   * Claims whose value is a space-separated string to be read as a list (e.g. `scope`), at most 64.
   *
   * @default - `scope` and `permission` only
   */
  readonly spaceDelimitedClaims?: string[];

  /**
   * How long istiod waits for the keys when it fetches them from `jwksUri`.
   *
   * @default - Istio's default (5 seconds)
   */
  readonly timeout?: Duration;
}

/**
 * Properties of a `JwtAuthentication`. Give exactly one of `service`, `gateway` and `scope`.
 */
export interface JwtAuthenticationProps {
  /**
   * The service whose workloads validate tokens.
   *
   * @default - none: give `gateway` or `scope`
   */
  readonly service?: IMeshService;

  /**
   * The gateway whose proxies validate tokens: end users at the ingress.
   *
   * @default - none: give `service` or `scope`
   */
  readonly gateway?: MeshGateway;

  /**
   * The workloads that validate tokens: every workload of the mesh, of a namespace, or of a service.
   *
   * @default - none: give `service` or `gateway`
   */
  readonly scope?: PolicyScope;

  /**
   * The issuers whose tokens are accepted; more with `addRule()`.
   *
   * @default - none yet: add at least one
   */
  readonly rules?: JwtRule[];

  /**
   * The RequestAuthentication's name.
   *
   * @default - `<service or gateway>-jwt`, or `jwt` for a namespace or the whole mesh
   */
  readonly name?: string;
}

/**
 * Tokens of end users (JSON Web Tokens) that the selected workloads validate: a request with an invalid token
 * is refused, and a valid one gives the request its request principal (`<iss>/<sub>`) and claims, which access
 * rules can require. Renders a RequestAuthentication.
 *
 * A JwtAuthentication alone does not refuse requests without a token: an access rule must require one
 * (the analysis warns, MESH1047, when none does).
 *
 * @see https://istio.io/latest/docs/reference/config/security/request_authentication/
 */
export class JwtAuthentication extends Construct {
  /**
   * Whether `x` is a `JwtAuthentication` (told by a symbol, as cdk8s tells charts apart: it works across copies of the library).
   */
  public static isJwtAuthentication(x: any): x is JwtAuthentication {
    return isKind(x, 'JwtAuthentication');
  }

  /** The namespace the RequestAuthentication lives in (the root namespace for the whole mesh). */
  public readonly namespace: string;
  /** The service whose workloads validate tokens, if the target is a service. */
  public readonly service?: IMeshService;
  /** The gateway whose proxies validate tokens, if the target is a gateway. */
  public readonly gateway?: MeshGateway;
  /** The RequestAuthentication object. */
  public readonly resource: ApiObject;

  private readonly mesh: IMesh;
  private readonly _scope?: PolicyScope;
  private readonly _rules: JwtRule[] = [];

  public constructor(scope: Construct, id: string, props: JwtAuthenticationProps) {
    super(scope, id);
    props = props ?? {} as JwtAuthenticationProps;
    const given = (['service', 'gateway', 'scope'] as const).filter(p => props[p] !== undefined && props[p] !== null);
    // The target decides the namespace and the selector: nothing can stand in for it.
    if (given.length !== 1) {
      throw meshError('MESH1030', this, `${given.length === 0 ? 'no target is given' : `${given.join(' and ')} are both given`}: `
        + 'give exactly one of service (its workloads), gateway (its proxies) or scope (PolicyScope.namespace(...) or PolicyScope.mesh())');
    }
    if (props.service !== undefined && !isMeshServiceKind(props.service)) {
      throw meshError('MESH0009', this, 'service is not a service of a mesh: name a MeshService, or one imported with MeshService.fromName()');
    }
    if (props.gateway !== undefined && !isKind(props.gateway, 'MeshGateway')) {
      throw meshError('MESH0009', this, 'gateway is not a gateway of a mesh: name an IngressGateway or EgressGateway');
    }
    if (props.scope !== undefined && typeof (props.scope as { _key?: unknown })._key !== 'function') {
      throw meshError('MESH0096', this, 'scope is not a PolicyScope: choose PolicyScope.namespace(...), PolicyScope.workload(...) or PolicyScope.mesh()');
    }
    markKind(this, 'JwtAuthentication');
    this.mesh = meshOf(this);
    this.service = props.service ?? props.scope?.service;
    this.gateway = props.gateway;
    this._scope = props.scope;
    if (this._scope) {
      checkScopeMesh(this, this._scope, this.mesh);
    } else if (this.service && this.service.mesh !== this.mesh) {
      reportError(this, 'MESH0205', `service '${this.service.serviceName}' belongs to another mesh (${this.service.mesh.node.path}): protect a service of this mesh`);
    } else if (this.gateway && this.gateway.mesh !== this.mesh) {
      reportError(this, 'MESH0205', `gateway '${this.gateway.serviceName}' belongs to another mesh (${this.gateway.mesh.node.path}): name a gateway of this mesh`);
    }
    this.namespace = this.gateway?.namespace ?? this.service?.namespace ?? this._scope!._namespace(this.mesh);

    for (const rule of listOr(this, 'rules', props.rules) ?? []) {
      this.addRule(rule);
    }
    const target = this.gateway?.gatewayName ?? this.service?.serviceName;
    const name = props.name !== undefined ? validateDnsLabel(this, 'name', props.name) : target ? `${target}-jwt` : 'jwt';
    // A gateway's namespace holds pods that carry their own proxy: it is not enrolled in injection.
    ensureNamespace(this.mesh, this.namespace, !this.gateway);
    this.resource = new istio.RequestAuthentication(this, 'Resource', {
      metadata: { name, namespace: this.namespace },
      spec: Lazy.any({ produce: () => this._toIstio() }),
    });
  }

  /**
   * The issuers whose tokens are accepted, in the order they were added.
   */
  public get rules(): JwtRule[] {
    return this._rules.map(copyRule);
  }

  /**
   * The labels of the pods that validate tokens; undefined for a namespace or the whole mesh.
   */
  public get selectorLabels(): { [key: string]: string } | undefined {
    if (this.gateway) {
      return this.gateway._podLabels;
    }
    return this.service ? { app: this.service.serviceName } : undefined;
  }

  /**
   * Accepts the tokens of one more issuer. A rule with a mistake is reported and left out.
   */
  public addRule(rule: JwtRule): void {
    if (rule === undefined || rule === null || typeof rule !== 'object') {
      reportError(this, 'MESH1032', `rule ${quoted(rule)} is not a JwtRule: give an object such as { issuer: 'https://accounts.example.com', jwksUri: 'https://accounts.example.com/jwks.json' }`);
      return;
    }
    const problems = recordedProblems(this).length;
    const fail = (code: MeshCode, message: string) => reportError(this, code, `${at(rule)}: ${message}`);
    checkRule(this, rule, fail);
    if (typeof rule.issuer === 'string' && this._rules.some(r => r.issuer === rule.issuer)) {
      fail('MESH1033', 'the issuer already has a rule, and Istio does not define which of two rules of one issuer checks its tokens: give each issuer one rule, with every audience and location it needs');
    }
    if (recordedProblems(this).length > problems) {
      return;
    }
    this._rules.push(copyRule(rule));
  }

  /** @internal */
  public _toIstio(): istio.RequestAuthenticationSpec {
    const labels = this.selectorLabels;
    return {
      selector: labels ? { matchLabels: labels } : undefined,
      jwtRules: this._rules.map(rule => ({
        issuer: rule.issuer,
        jwksUri: rule.jwksUri,
        jwks: rule.jwks,
        audiences: nonEmpty(rule.audiences),
        fromHeaders: nonEmpty(rule.fromHeaders)?.map(h => ({ name: h.name, prefix: h.prefix })),
        fromParams: nonEmpty(rule.fromParams),
        fromCookies: nonEmpty(rule.fromCookies),
        forwardOriginalToken: rule.forwardOriginalToken || undefined,
        outputPayloadToHeader: rule.outputPayloadToHeader,
        outputClaimToHeaders: nonEmpty(rule.outputClaimToHeaders)?.map(c => ({ header: c.header, claim: c.claim })),
        spaceDelimitedClaims: nonEmpty(rule.spaceDelimitedClaims),
        timeout: rule.timeout ? istioDuration(rule.timeout) : undefined,
      })),
    };
  }
}

/** The header names istiod takes for a claim's header (ValidateHTTPHeaderName, and the CRD's pattern). */
const CLAIM_HEADER = /^[-_A-Za-z0-9]+$/;

/** A rule with its own lists (what is given or read must not change what the policy holds), without the fields not given. */
function copyRule(rule: JwtRule): JwtRule {
  const copy: { [key: string]: unknown } = {
    ...rule,
    audiences: rule.audiences ? [...rule.audiences] : undefined,
    fromHeaders: rule.fromHeaders?.map(h => ({ ...h })),
    fromParams: rule.fromParams ? [...rule.fromParams] : undefined,
    fromCookies: rule.fromCookies ? [...rule.fromCookies] : undefined,
    outputClaimToHeaders: rule.outputClaimToHeaders?.map(c => ({ ...c })),
    spaceDelimitedClaims: rule.spaceDelimitedClaims ? [...rule.spaceDelimitedClaims] : undefined,
  };
  return Object.fromEntries(Object.entries(copy).filter(([, v]) => v !== undefined)) as unknown as JwtRule;
}

function nonEmpty<T>(list: T[] | undefined): T[] | undefined {
  return list && list.length > 0 ? [...list] : undefined;
}

function at(rule: JwtRule): string {
  return typeof rule.issuer === 'string' && rule.issuer.trim() !== '' ? `rule of issuer '${rule.issuer}'` : 'rule';
}

/**
 * Every mistake of one rule, as istiod (ValidateRequestAuthentication, validateJwtRule) and the CRD's rules would
 * refuse it, reported through `fail`.
 */
function checkRule(scope: Construct, rule: JwtRule, fail: (code: MeshCode, message: string) => void): void {
  if (typeof rule.issuer !== 'string' || rule.issuer.trim() === '') {
    fail('MESH1032', `issuer ${rule.issuer === undefined ? 'is missing' : `${quoted(rule.issuer)} is not an issuer`}: give the token's 'iss' claim, e.g. 'https://accounts.example.com'`);
  }
  const strings = (prop: string, list: unknown) => checkStringList(scope, `${at(rule)}: ${prop}`, list);
  if (rule.jwksUri !== undefined && rule.jwks !== undefined) {
    fail('MESH1035', 'jwksUri and jwks are both given, and Istio takes one source of keys: keep jwksUri (fetched) or jwks (inline)');
  }
  if (rule.jwksUri !== undefined) {
    const problem = jwksUriProblem(rule.jwksUri);
    if (problem) {
      fail('MESH1034', `jwksUri ${quoted(rule.jwksUri)} ${problem}: give the http or https URL of the issuer's keys, e.g. 'https://accounts.example.com/.well-known/jwks.json'`);
    }
  }
  if (rule.jwks !== undefined) {
    const problem = jwksProblem(rule.jwks);
    if (problem) {
      fail('MESH1036', `jwks ${problem}: give a JSON Web Key Set, '{"keys": [{"kty": "RSA", ...}]}', or the URL of one as jwksUri`);
    }
  }
  for (const [prop, list] of [['audiences', rule.audiences], ['fromParams', rule.fromParams], ['fromCookies', rule.fromCookies], ['spaceDelimitedClaims', rule.spaceDelimitedClaims]] as const) {
    if (!strings(prop, list)) {
      continue;
    }
    const empty = (list ?? []).find(v => v.trim() === '' || controlCharacter(v) !== undefined || (prop !== 'audiences' && /\s/.test(v)));
    if (empty !== undefined) {
      fail('MESH1037', `${prop} lists ${quoted(empty)}, which no request carries: give ${prop === 'audiences' ? 'audience names' : prop === 'spaceDelimitedClaims' ? 'claim names' : `${prop === 'fromParams' ? 'query parameter' : 'cookie'} names`} without spaces or control characters`);
    } else if (prop === 'fromCookies' && (list ?? []).some(c => !HTTP_TOKEN.test(c))) {
      fail('MESH1037', `fromCookies lists ${quoted((list ?? []).find(c => !HTTP_TOKEN.test(c)))}, which is not a cookie name: use letters, digits and !#$%&'*+.^_\`|~-`);
    }
    const twice = listedTwice(list ?? []);
    if (twice.length > 0) {
      fail('MESH1037', `${prop} lists ${twice.map(quoted).join(', ')} twice: list each once`);
    }
  }
  if ((rule.spaceDelimitedClaims ?? []).length > 64) {
    fail('MESH1037', `spaceDelimitedClaims lists ${rule.spaceDelimitedClaims!.length} claims, more than the 64 Istio takes: list only the claims that hold space-separated lists`);
  }
  for (const [i, header] of (listOr(scope, `${at(rule)}: fromHeaders`, rule.fromHeaders) ?? []).entries()) {
    const name = header?.name;
    if (typeof name !== 'string' || !HTTP_TOKEN.test(name)) {
      fail('MESH1037', `fromHeaders[${i}] name ${quoted(name)} is not a header name: use letters, digits and !#$%&'*+.^_\`|~-, e.g. 'x-jwt-assertion'`);
    }
    checkType(scope, `${at(rule)}: fromHeaders[${i}].prefix`, header?.prefix, 'string');
  }
  if (rule.outputPayloadToHeader !== undefined && (typeof rule.outputPayloadToHeader !== 'string' || !HTTP_TOKEN.test(rule.outputPayloadToHeader))) {
    fail('MESH1037', `outputPayloadToHeader ${quoted(rule.outputPayloadToHeader)} is not a header name: use letters, digits and !#$%&'*+.^_\`|~-, e.g. 'x-jwt-payload'`);
  }
  const claims = listOr(scope, `${at(rule)}: outputClaimToHeaders`, rule.outputClaimToHeaders) ?? [];
  for (const [i, c] of claims.entries()) {
    if (typeof c?.header !== 'string' || !CLAIM_HEADER.test(c.header)) {
      fail('MESH1037', `outputClaimToHeaders[${i}] header ${quoted(c?.header)} is not a header name istiod takes: use letters, digits, '-' and '_', e.g. 'x-user-email'`);
    }
    if (typeof c?.claim !== 'string' || c.claim.trim() === '' || /\s/.test(c.claim)) {
      fail('MESH1038', `outputClaimToHeaders[${i}] claim ${quoted(c?.claim)} is not a claim name: give the claim to copy, e.g. 'email' (nested: 'user.email')`);
    }
  }
  const twice = listedTwice(claims.filter(c => typeof c?.header === 'string'), c => c.header.toLowerCase());
  if (twice.length > 0) {
    fail('MESH1038', `outputClaimToHeaders writes header '${twice[0].header}' twice: copy one claim into each header`);
  }
  checkType(scope, `${at(rule)}: forwardOriginalToken`, rule.forwardOriginalToken, 'boolean');
  if (rule.timeout !== undefined) {
    const ms = checkDuration(scope, 'MESH1039', `${at(rule)}: timeout`, rule.timeout);
    if (ms === 0) {
      fail('MESH1039', 'timeout 0s is below 1ms, which istiod refuses: give a timeout of at least 1ms, or leave it out for the default');
    }
  }
}

/**
 * What is wrong with a JWKS URI, if anything: istiod (security.ParseJwksURI) and the CRD want an http or https
 * URL of at most 2048 characters, and the proxy needs its host (and port) to fetch it.
 */
function jwksUriProblem(uri: unknown): string | undefined {
  if (typeof uri !== 'string') {
    return 'is not a string';
  }
  if (uri.length > 2048) {
    return `is ${uri.length} characters long, more than the 2048 Istio takes`;
  }
  let url: URL;
  try {
    url = new URL(uri);
  } catch {
    return 'is not a URL';
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    return `has scheme '${url.protocol.slice(0, -1)}', not http or https`;
  }
  if (url.hostname === '') {
    return 'has no host';
  }
  return undefined;
}

/** What is wrong with an inline JWKS, if anything: istiod parses it as a JSON Web Key Set. */
function jwksProblem(jwks: unknown): string | undefined {
  if (typeof jwks !== 'string') {
    return `${quoted(jwks)} is not a string of JSON`;
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(jwks);
  } catch {
    return 'is not JSON';
  }
  const keys = (parsed as { keys?: unknown } | null)?.keys;
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed) || !Array.isArray(keys)) {
    return 'has no "keys" list';
  }
  const bad = keys.findIndex(k => typeof k !== 'object' || k === null || typeof (k as { kty?: unknown }).kty !== 'string');
  if (keys.length === 0) {
    return 'has no key in its "keys" list';
  }
  return bad >= 0 ? `key ${bad} has no "kty" (key type)` : undefined;
}

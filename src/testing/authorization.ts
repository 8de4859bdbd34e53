import { inRange } from './ip-address';
import { RequestIdentity, claimValues } from './request-authentication';
import { Workload, selects } from './workloads';
import { meshError } from '../private/errors';

/**
 * Who is calling, as the called workload's proxy sees it: the peer's mTLS identity, or none for a plaintext call.
 *
 * @internal
 */
export interface Peer {
  /** `<trust-domain>/ns/<namespace>/sa/<service-account>`, or undefined for plaintext. */
  readonly principal?: string;
  /** What the caller is, for messages: `Deployment/web-v1 (cluster.local/ns/default/sa/web)`. */
  readonly label: string;
  /** Whether the caller runs an Istio proxy (and so can speak mTLS). */
  readonly proxy: boolean;
  /** The caller's pod labels (for VirtualService `sourceLabels`). */
  readonly labels: { [key: string]: string };
  /** The caller's namespace (for VirtualService `sourceNamespace`). */
  readonly namespace: string;
  /** Whether the caller is a gateway, whose proxy no Istio `Sidecar` scopes. */
  readonly gateway?: boolean;
}

/**
 * One request, as AuthorizationPolicies see it: `port` is the workload's (target) port.
 *
 * @internal
 */
export interface AuthzRequest {
  readonly method: string;
  readonly path: string;
  readonly port: number;
  /** Header names lowercase. */
  readonly headers: { [name: string]: string };
  /**
   * Whether the port carries HTTP (HTTP, HTTP2, gRPC, or not declared, which Istio detects). On a TCP port the
   * HTTP-only fields of a policy (methods, paths, request headers) cannot match: an ALLOW rule with one is dropped,
   * a DENY rule is applied without them.
   */
  readonly http: boolean;
  /** The request's host, lowercase or not, with a port when the client sends one. */
  readonly host?: string;
  /** The end user, when a RequestAuthentication accepted a token. */
  readonly identity?: RequestIdentity;
  readonly sourceIp?: string;
  readonly remoteIp?: string;
  readonly destinationIp?: string;
  readonly sni?: string;
  /** What each external authorizer answers, by provider name. */
  readonly externalAuthorizers?: { [provider: string]: boolean };
}

/**
 * What Istio decides, and why.
 *
 * @internal
 */
export interface Verdict {
  readonly allowed: boolean;
  readonly reason: string;
  readonly policy?: string;
}

const SOURCE_KEYS = [
  'principals', 'notPrincipals', 'requestPrincipals', 'notRequestPrincipals', 'namespaces', 'notNamespaces', 'serviceAccounts', 'notServiceAccounts',
  'ipBlocks', 'notIpBlocks', 'remoteIpBlocks', 'notRemoteIpBlocks',
];
const OPERATION_KEYS = ['hosts', 'notHosts', 'methods', 'notMethods', 'paths', 'notPaths', 'ports', 'notPorts'];
const RULE_KEYS = ['from', 'to', 'when'];
const CONDITION_KEYS = [
  'request.headers[...]', 'source.ip', 'remote.ip', 'source.namespace', 'source.principal', 'request.auth.principal', 'request.auth.audiences',
  'request.auth.presenter', 'request.auth.claims[...]', 'destination.ip', 'destination.port', 'connection.sni',
];

/**
 * A match that depends on something the request does not give (its source IP, host, SNI): the field that needs it
 * and the option that gives it.
 */
interface Unknown {
  readonly needs: string;
}

/** A match: true, false, or unknown for want of an input. */
type Match = boolean | Unknown;

/**
 * The mTLS mode the workload accepts on `port`, from the most specific PeerAuthentication (the workload's,
 * with its port-level mode first, then its namespace's, then the root namespace's), PERMISSIVE when none sets one.
 *
 * @internal
 */
export function peerAuthentication(manifests: any[], rootNamespace: string, target: Workload, port: number): { mode: string; policy?: string } {
  const all = manifests.filter(m => m?.kind === 'PeerAuthentication');
  const inNs = (ns: string) => all.filter(p => (p.metadata?.namespace ?? 'default') === ns);
  // A selector without labels is no selector: the policy is its namespace's (or, in the root namespace, the mesh's).
  const selector = (p: any) => (Object.keys(p.spec?.selector?.matchLabels ?? {}).length > 0 ? p.spec.selector.matchLabels : undefined);
  const levels = [
    inNs(target.namespace).filter(p => selector(p) && selects(selector(p), target.labels)),
    inNs(target.namespace).filter(p => !selector(p)),
    target.namespace === rootNamespace ? [] : inNs(rootNamespace).filter(p => !selector(p)),
  ];
  for (const [level, policies] of levels.entries()) {
    for (const policy of policies) {
      const portMode = level === 0 ? policy.spec?.portLevelMtls?.[String(port)]?.mode : undefined;
      const mode = portMode && portMode !== 'UNSET' ? portMode : policy.spec?.mtls?.mode;
      if (mode && mode !== 'UNSET') {
        return { mode, policy: nameOf(policy) };
      }
    }
  }
  return { mode: 'PERMISSIVE' };
}

/**
 * Evaluates the AuthorizationPolicies of the manifests for one request the way Istio's proxies do, in Istio's
 * order: a matching CUSTOM policy asks its external authorizer (the request's `externalAuthorizers`), whose
 * denial ends it; then any matching DENY policy denies; then, when ALLOW policies apply to the workload, one of
 * their rules must match; with none, the request is allowed. AUDIT policies never decide. Policies marked
 * `istio.io/dry-run` are not enforced.
 *
 * @throws MESH0600 for a policy that applies and has something this evaluation does not model
 * @throws MESH1050 when a CUSTOM policy matches and the request does not say what its authorizer answers
 * @throws MESH1051 when whether a rule matches depends on an input the request does not give
 * @internal
 */
export function authorize(method: string, manifests: any[], rootNamespace: string, target: Workload, peer: Peer, request: AuthzRequest): Verdict {
  const applying = manifests
    .filter(m => m?.kind === 'AuthorizationPolicy')
    .filter(p => applies(method, p, rootNamespace, target))
    .filter(p => p.metadata?.annotations?.['istio.io/dry-run'] !== 'true')
    .sort((a, b) => specificity(b, target) - specificity(a, target));
  const what = `${request.method} ${request.path} on port ${request.port} of ${target.ref} from ${peer.label}${request.identity ? ` with request principal ${request.identity.principal}` : ''}`;
  for (const policy of applying) {
    const action = policy.spec?.action ?? 'ALLOW';
    if (!['ALLOW', 'DENY', 'AUDIT', 'CUSTOM'].includes(action)) {
      throw unsupported(method, policy, `action ${action}`, 'Istio knows ALLOW, DENY, AUDIT and CUSTOM');
    }
    // Every rule of an applying policy is checked, so that a field this evaluation does not know is never skipped.
    (policy.spec?.rules ?? []).forEach((rule: any, i: number) => matchRule(method, policy, i, rule, peer, request, action));
  }
  const ofAction = (action: string) => applying.filter(p => (p.spec?.action ?? 'ALLOW') === action);
  for (const policy of ofAction('CUSTOM')) {
    const rule = firstMatch(method, policy, peer, request, 'CUSTOM');
    if (rule < 0) {
      continue;
    }
    const provider = String(policy.spec?.provider?.name);
    const answer = request.externalAuthorizers?.[provider];
    if (answer === undefined) {
      throw meshError('MESH1050', method, `rule ${rule + 1} of CUSTOM policy ${nameOf(policy)} matches ${what}, so the external authorizer '${provider}' decides, `
        + `and the request does not say what it answers: give externalAuthorizers: { '${provider}': true } (or false)`);
    }
    if (!answer) {
      return { allowed: false, policy: nameOf(policy), reason: `denied: rule ${rule + 1} of CUSTOM policy ${nameOf(policy)} matches ${what}, and its external authorizer '${provider}' denies it` };
    }
  }
  for (const policy of ofAction('DENY')) {
    const rule = firstMatch(method, policy, peer, request, 'DENY');
    if (rule >= 0) {
      return { allowed: false, policy: nameOf(policy), reason: `denied: rule ${rule + 1} of DENY policy ${nameOf(policy)} matches ${what}` };
    }
  }
  const allow = ofAction('ALLOW');
  if (allow.length === 0) {
    return { allowed: true, reason: `allowed: no ALLOW policy applies to ${target.ref}, so every request no DENY policy matches is allowed` };
  }
  const unknowns: Unknown[] = [];
  for (const policy of allow) {
    const rule = firstMatch(method, policy, peer, request, 'ALLOW', unknowns);
    if (rule >= 0) {
      return { allowed: true, policy: nameOf(policy), reason: `allowed: rule ${rule + 1} of ALLOW policy ${nameOf(policy)} matches ${what}` };
    }
  }
  if (unknowns.length > 0) {
    throw missingInput(method, unknowns[0]);
  }
  const names = allow.map(p => `${nameOf(p)}${(p.spec?.rules ?? []).length === 0 ? ' (no rules: allows nothing)' : ''}`);
  return {
    allowed: false,
    policy: nameOf(allow[0]),
    reason: `denied: ALLOW policies apply (${names.join(', ')}) and no rule of theirs matches ${what}`,
  };
}

/**
 * The index of the first rule of the policy that matches, or -1. A rule whose match depends on a missing input
 * decides nothing when an earlier rule matches; otherwise it is an error (MESH1051), except for ALLOW, where
 * another policy may still allow: there the unknowns are collected, and reported when nothing allows.
 */
function firstMatch(method: string, policy: any, peer: Peer, request: AuthzRequest, action: string, unknowns?: Unknown[]): number {
  const results: Match[] = (policy.spec?.rules ?? []).map((r: any, i: number) => matchRule(method, policy, i, r, peer, request, action));
  const index = results.findIndex(r => r === true);
  const unknown = results.find(isUnknown);
  if (index < 0 && unknown) {
    if (unknowns) {
      unknowns.push(unknown);
    } else {
      throw missingInput(method, unknown);
    }
  }
  return index;
}

function missingInput(method: string, unknown: Unknown): Error {
  return meshError('MESH1051', method, `${unknown.needs}, which the request does not give, so whether the rule matches is unknown: give it in the options`);
}

/**
 * Istio's string match of principals, namespaces, methods and values: `*` (any non-empty value), `prefix*`,
 * `*suffix` or exact.
 *
 * @internal
 */
export function wildcardMatch(pattern: string, value: string | undefined): boolean {
  if (value === undefined) {
    return false;
  }
  if (pattern === '*') {
    return value !== '';
  }
  if (pattern.endsWith('*')) {
    return value.startsWith(pattern.slice(0, -1));
  }
  if (pattern.startsWith('*')) {
    return value.endsWith(pattern.slice(1));
  }
  return value === pattern;
}

/** `namespace/name`, as the decision names a policy. */
function nameOf(policy: any): string {
  return `${policy.metadata?.namespace ?? 'default'}/${policy.metadata?.name}`;
}

function applies(method: string, policy: any, rootNamespace: string, target: Workload): boolean {
  const ns = policy.metadata?.namespace ?? 'default';
  if (ns !== target.namespace && ns !== rootNamespace) {
    return false;
  }
  for (const key of ['targetRef', 'targetRefs']) {
    if (policy.spec?.[key] !== undefined) {
      throw unsupported(method, policy, key, 'policies attached to a Gateway API resource are not modelled');
    }
  }
  return selects(policy.spec?.selector?.matchLabels, target.labels);
}

/** Higher is more specific: the workload's own policies are reported first when several deny. */
function specificity(policy: any, target: Workload): number {
  return ((policy.metadata?.namespace ?? 'default') === target.namespace ? 2 : 0) + (policy.spec?.selector?.matchLabels ? 1 : 0);
}

function matchRule(method: string, policy: any, index: number, rule: any, peer: Peer, request: AuthzRequest, action: string): Match {
  const where = `rule ${index + 1}`;
  unknownKeys(method, policy, where, rule ?? {}, RULE_KEYS);
  const from: any[] = rule?.from ?? [];
  const to: any[] = rule?.to ?? [];
  const when: any[] = rule?.when ?? [];
  const context: Context = { method, policy, peer, request, action, where };
  const sources = from.map((f, i) => matchSource({ ...context, where: `${where} from[${i}].source` }, f?.source ?? {}));
  const operations = to.map((t, i) => matchOperation({ ...context, where: `${where} to[${i}].operation` }, t?.operation ?? {}));
  const conditions = when.map((c, i) => matchCondition({ ...context, where: `${where} when[${i}]` }, c ?? {}));
  return and([from.length === 0 || or(sources), to.length === 0 || or(operations), ...conditions]);
}

/** What a field is matched in: the policy, the rule (for messages), the caller, the request and the action. */
interface Context {
  readonly method: string;
  readonly policy: any;
  readonly peer: Peer;
  readonly request: AuthzRequest;
  readonly action: string;
  readonly where: string;
}

function matchSource(c: Context, source: any): Match {
  unknownKeys(c.method, c.policy, c.where, source, SOURCE_KEYS);
  const { peer, request } = c;
  const namespace = peer.principal?.match(/\/ns\/([^/]+)\/sa\//)?.[1];
  const serviceAccount = peer.principal?.match(/\/ns\/([^/]+\/sa\/[^/]+)$/)?.[1]?.replace('/sa/', '/');
  const requestPrincipal = request.identity?.principal;
  return and([
    field(source.principals, peer.principal, true), field(source.notPrincipals, peer.principal, false),
    field(source.namespaces, namespace, true), field(source.notNamespaces, namespace, false),
    field(source.serviceAccounts, serviceAccount, true, exact), field(source.notServiceAccounts, serviceAccount, false, exact),
    httpOnly(c, source.requestPrincipals, () => field(source.requestPrincipals, requestPrincipal, true)),
    httpOnly(c, source.notRequestPrincipals, () => field(source.notRequestPrincipals, requestPrincipal, false)),
    ipField(c, 'ipBlocks', source.ipBlocks, request.sourceIp, 'sourceIp', true), ipField(c, 'notIpBlocks', source.notIpBlocks, request.sourceIp, 'sourceIp', false),
    ipField(c, 'remoteIpBlocks', source.remoteIpBlocks, request.remoteIp, 'remoteIp', true),
    ipField(c, 'notRemoteIpBlocks', source.notRemoteIpBlocks, request.remoteIp, 'remoteIp', false),
  ]);
}

function matchOperation(c: Context, operation: any): Match {
  unknownKeys(c.method, c.policy, c.where, operation, OPERATION_KEYS);
  const { request } = c;
  const port = String(request.port);
  const path = request.path.split('?')[0];
  const host = request.host === undefined ? undefined : request.host.toLowerCase();
  const hostMatch = (patterns: string[] | undefined, positive: boolean): Match => {
    if (patterns === undefined) {
      return true;
    }
    if (host === undefined) {
      return { needs: `AuthorizationPolicy ${nameOf(c.policy)} ${c.where} matches hosts, and so needs the request's host (host)` };
    }
    return field(patterns.map(p => p.toLowerCase()), host, positive);
  };
  return and([
    field(operation.ports, port, true, exact), field(operation.notPorts, port, false, exact),
    httpOnly(c, operation.methods, () => field(operation.methods, request.method, true)),
    httpOnly(c, operation.notMethods, () => field(operation.notMethods, request.method, false)),
    httpOnly(c, operation.paths, () => field(operation.paths, path, true, pathMatch)),
    httpOnly(c, operation.notPaths, () => field(operation.notPaths, path, false, pathMatch)),
    httpOnly(c, operation.hosts, () => hostMatch(operation.hosts, true)),
    httpOnly(c, operation.notHosts, () => hostMatch(operation.notHosts, false)),
  ]);
}

function matchCondition(c: Context, condition: any): Match {
  unknownKeys(c.method, c.policy, c.where, condition, ['key', 'values', 'notValues']);
  const { peer, request } = c;
  const key = String(condition.key);
  const header = key.match(/^request\.headers\[(.+)\]$/);
  const claim = key.match(/^request\.auth\.claims((\[[^\]]+\])+)$/);
  const namespace = peer.principal?.match(/\/ns\/([^/]+)\/sa\//)?.[1];
  const values = (value: string | undefined) => and([field(condition.values, value, true), field(condition.notValues, value, false)]);
  const anyOf = (list: string[] | undefined) => and([fieldOfList(condition.values, list, true), fieldOfList(condition.notValues, list, false)]);
  const ip = (value: string | undefined, option: string) => and([
    ipField(c, `${key} values`, condition.values, value, option, true), ipField(c, `${key} notValues`, condition.notValues, value, option, false),
  ]);
  if (header) {
    return httpOnly(c, key, () => values(request.headers[header[1].toLowerCase()]));
  } else if (claim) {
    const path = [...claim[1].matchAll(/\[([^\]]+)\]/g)].map(m => m[1]);
    return httpOnly(c, key, () => anyOf(claimValues(request.identity, path)));
  }
  switch (key) {
    case 'source.principal': return values(peer.principal);
    case 'source.namespace': return values(namespace);
    case 'destination.port': return values(String(request.port));
    case 'source.ip': return ip(request.sourceIp, 'sourceIp');
    case 'remote.ip': return ip(request.remoteIp, 'remoteIp');
    case 'destination.ip': return ip(request.destinationIp, 'destinationIp');
    case 'connection.sni': return request.sni === undefined ? { needs: `AuthorizationPolicy ${nameOf(c.policy)} ${c.where} matches connection.sni, and so needs the connection's SNI (sni)` } : values(request.sni);
    case 'request.auth.principal': return httpOnly(c, key, () => values(request.identity?.principal));
    case 'request.auth.presenter': return httpOnly(c, key, () => values(request.identity?.presenter));
    case 'request.auth.audiences': return httpOnly(c, key, () => anyOf(request.identity?.audiences));
    default:
      throw unsupported(c.method, c.policy, `${c.where} key '${key}'`, `only ${CONDITION_KEYS.join(', ')} are modelled`);
  }
}

/**
 * An HTTP-only field (methods, paths, hosts, request principals, request.* conditions): on a TCP port, Istio drops
 * an ALLOW (or AUDIT, CUSTOM) rule that has one, so it matches nothing, and applies a DENY rule without it.
 */
function httpOnly(c: Context, value: unknown, match: () => Match): Match {
  if (value === undefined || c.request.http) {
    return match();
  }
  return c.action === 'DENY';
}

/** An IP field or condition: addresses and CIDR ranges against an address of the request, unknown when it gives none. */
function ipField(c: Context, name: string, ranges: string[] | undefined, ip: string | undefined, option: string, positive: boolean): Match {
  if (ranges === undefined) {
    return true;
  }
  if (ip === undefined) {
    const what = option === 'destinationIp' ? 'the address the connection is made to' : option === 'remoteIp' ? "the original client's address" : "the caller's address";
    return { needs: `AuthorizationPolicy ${nameOf(c.policy)} ${c.where} matches ${name}, and so needs ${what} (${option})` };
  }
  const any = ranges.some(r => inRange(r, ip));
  return positive ? any : !any;
}

/** Several values (a list claim, the audiences): a pattern list matches when one of its patterns matches one of them. */
function fieldOfList(patterns: string[] | undefined, values: string[] | undefined, positive: boolean): boolean {
  if (patterns === undefined) {
    return true;
  }
  const any = patterns.some(p => (values ?? []).some(v => wildcardMatch(p, v)));
  return positive ? any : !any;
}

/**
 * A path against Istio's patterns: `*`, `prefix*`, `*suffix`, exact, or a template whose `{*}` matches one path
 * segment and `{**}` the rest of the path (one or more characters, slashes included).
 */
function pathMatch(pattern: string, path: string | undefined): boolean {
  if (path === undefined || !pattern.includes('{')) {
    return wildcardMatch(pattern, path);
  }
  const regex = pattern.split(/(\{\*\*\}|\{\*\})/).map(part => {
    if (part === '{*}') {
      return '[^/]+';
    }
    return part === '{**}' ? '.+' : part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  }).join('');
  return new RegExp(`^${regex}$`).test(path);
}

function isUnknown(match: Match): match is Unknown {
  return typeof match === 'object';
}

/** Every match true: false when one is false, else unknown when one is. */
function and(matches: Match[]): Match {
  if (matches.some(m => m === false)) {
    return false;
  }
  return matches.find(isUnknown) ?? true;
}

/** One match true: true when one is, else unknown when one is, else false. */
function or(matches: Match[]): Match {
  if (matches.some(m => m === true)) {
    return true;
  }
  return matches.find(isUnknown) ?? false;
}

/** A field of a source, operation or condition: unset matches; a list matches when one pattern does (or, negated, none). */
function field(patterns: string[] | undefined, value: string | undefined, positive: boolean, match = wildcardMatch): boolean {
  if (patterns === undefined) {
    return true;
  }
  const any = patterns.some(p => match(p, value));
  return positive ? any : !any;
}

function exact(pattern: string, value: string | undefined): boolean {
  return pattern === value;
}

function unknownKeys(method: string, policy: any, where: string, object: any, known: string[]): void {
  const unknown = Object.keys(object).filter(k => !known.includes(k) && object[k] !== undefined);
  if (unknown.length > 0) {
    throw unsupported(method, policy, `${where} ${unknown.join(', ')}`, `only ${known.join(', ')} are modelled there`);
  }
}

function unsupported(method: string, policy: any, what: string, why: string): Error {
  return meshError('MESH0600', method, `AuthorizationPolicy ${nameOf(policy)} has ${what}, which this evaluation cannot decide (${why}): `
    + 'test that policy against a cluster, or leave it out of the manifests given');
}

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

const SOURCE_KEYS = ['principals', 'notPrincipals', 'namespaces', 'notNamespaces'];
const OPERATION_KEYS = ['methods', 'notMethods', 'paths', 'notPaths', 'ports', 'notPorts'];
const RULE_KEYS = ['from', 'to', 'when'];
/** The operation fields that only HTTP requests have. */
const HTTP_OPERATION_KEYS = ['methods', 'notMethods', 'paths', 'notPaths'];

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
 * Evaluates the AuthorizationPolicies of the manifests for one request the way Istio's proxies do: CUSTOM
 * policies are not evaluated (an error), then any matching DENY policy denies, then, when ALLOW policies apply
 * to the workload, one of their rules must match; with none, the request is allowed.
 *
 * @throws MESH0600 for a policy that applies and has something this evaluation does not model
 * @internal
 */
export function authorize(method: string, manifests: any[], rootNamespace: string, target: Workload, peer: Peer, request: AuthzRequest): Verdict {
  const applying = manifests
    .filter(m => m?.kind === 'AuthorizationPolicy')
    .filter(p => applies(method, p, rootNamespace, target))
    .sort((a, b) => specificity(b, target) - specificity(a, target));
  const what = `${request.method} ${request.path} on port ${request.port} of ${target.ref} from ${peer.label}`;
  for (const policy of applying) {
    const action = policy.spec?.action ?? 'ALLOW';
    if (!['ALLOW', 'DENY', 'AUDIT'].includes(action)) {
      throw unsupported(method, policy, `action ${action}`, 'its decision is made by an external authorizer');
    }
    // Every rule of an applying policy is checked, so that a field this evaluation does not know is never skipped.
    (policy.spec?.rules ?? []).forEach((rule: any, i: number) => matchRule(method, policy, i, rule, peer, request, action));
  }
  for (const policy of applying.filter(p => p.spec?.action === 'DENY')) {
    const rule = (policy.spec?.rules ?? []).findIndex((r: any, i: number) => matchRule(method, policy, i, r, peer, request, 'DENY'));
    if (rule >= 0) {
      return { allowed: false, policy: nameOf(policy), reason: `denied: rule ${rule + 1} of DENY policy ${nameOf(policy)} matches ${what}` };
    }
  }
  const allow = applying.filter(p => (p.spec?.action ?? 'ALLOW') === 'ALLOW');
  if (allow.length === 0) {
    return { allowed: true, reason: `allowed: no ALLOW policy applies to ${target.ref}, so every request no DENY policy matches is allowed` };
  }
  for (const policy of allow) {
    const rule = (policy.spec?.rules ?? []).findIndex((r: any, i: number) => matchRule(method, policy, i, r, peer, request, 'ALLOW'));
    if (rule >= 0) {
      return { allowed: true, policy: nameOf(policy), reason: `allowed: rule ${rule + 1} of ALLOW policy ${nameOf(policy)} matches ${what}` };
    }
  }
  const names = allow.map(p => `${nameOf(p)}${(p.spec?.rules ?? []).length === 0 ? ' (no rules: allows nothing)' : ''}`);
  return {
    allowed: false,
    policy: nameOf(allow[0]),
    reason: `denied: ALLOW policies apply (${names.join(', ')}) and no rule of theirs matches ${what}`,
  };
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

function matchRule(method: string, policy: any, index: number, rule: any, peer: Peer, request: AuthzRequest, action: string): boolean {
  const where = `rule ${index + 1}`;
  unknownKeys(method, policy, where, rule ?? {}, RULE_KEYS);
  const from: any[] = rule?.from ?? [];
  const to: any[] = rule?.to ?? [];
  const when: any[] = rule?.when ?? [];
  const sources = from.map((f, i) => matchSource(method, policy, `${where} from[${i}].source`, f?.source ?? {}, peer));
  const operations = to.map((t, i) => matchOperation(method, policy, `${where} to[${i}].operation`, t?.operation ?? {}, request, action));
  const conditions = when.map((c, i) => matchCondition(method, policy, `${where} when[${i}]`, c ?? {}, peer, request, action));
  return (from.length === 0 || sources.some(Boolean)) && (to.length === 0 || operations.some(Boolean)) && conditions.every(Boolean);
}

function matchSource(method: string, policy: any, where: string, source: any, peer: Peer): boolean {
  unknownKeys(method, policy, where, source, SOURCE_KEYS);
  const namespace = peer.principal?.match(/\/ns\/([^/]+)\/sa\//)?.[1];
  return field(source.principals, peer.principal, true) && field(source.notPrincipals, peer.principal, false)
    && field(source.namespaces, namespace, true) && field(source.notNamespaces, namespace, false);
}

function matchOperation(method: string, policy: any, where: string, operation: any, request: AuthzRequest, action: string): boolean {
  unknownKeys(method, policy, where, operation, OPERATION_KEYS);
  for (const path of [...operation.paths ?? [], ...operation.notPaths ?? []]) {
    if (path.includes('{')) {
      throw unsupported(method, policy, `${where} path '${path}'`, 'path templates ({*}, {**}) are not modelled');
    }
  }
  const port = String(request.port);
  const ports = field(operation.ports, port, true, exact) && field(operation.notPorts, port, false, exact);
  if (!request.http) {
    // On TCP, Istio drops an ALLOW rule with HTTP-only fields, and applies a DENY rule without them.
    const httpOnly = HTTP_OPERATION_KEYS.some(k => operation[k] !== undefined);
    return httpOnly && action !== 'DENY' ? false : ports;
  }
  const path = request.path.split('?')[0];
  return field(operation.methods, request.method, true) && field(operation.notMethods, request.method, false)
    && field(operation.paths, path, true) && field(operation.notPaths, path, false) && ports;
}

function matchCondition(method: string, policy: any, where: string, condition: any, peer: Peer, request: AuthzRequest, action: string): boolean {
  unknownKeys(method, policy, where, condition, ['key', 'values', 'notValues']);
  const key = String(condition.key);
  const header = key.match(/^request\.headers\[(.+)\]$/);
  const namespace = peer.principal?.match(/\/ns\/([^/]+)\/sa\//)?.[1];
  let value: string | undefined;
  if (header && !request.http) {
    // An HTTP-only condition on TCP: the ALLOW rule is dropped, the DENY rule applied without it.
    return action === 'DENY';
  } else if (header) {
    value = request.headers[header[1].toLowerCase()];
  } else if (key === 'source.principal') {
    value = peer.principal;
  } else if (key === 'source.namespace') {
    value = namespace;
  } else if (key === 'destination.port') {
    value = String(request.port);
  } else {
    throw unsupported(method, policy, `${where} key '${key}'`, 'only request.headers[...], source.principal, source.namespace and destination.port are modelled');
  }
  return field(condition.values, value, true) && field(condition.notValues, value, false);
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

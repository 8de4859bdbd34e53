import type { MeshModel } from './mesh-model';
import type { IMeshIdentity } from '../mesh-identity';
import type { AccessAction, AccessPolicy, AccessRule } from '../security/access-policy';
import type { Caller } from '../security/caller';

/** Whether a rule matches: surely, surely not, or depending on what the model does not know (IPs, tokens, paths). */
export type Verdict = 'yes' | 'maybe' | 'no';

/**
 * A rule of an access policy, with its caller and the policy.
 *
 * @internal
 */
export interface AppliedRule {
  readonly rule: AccessRule;
  readonly caller: Caller;
  readonly policy: AccessPolicy;
}

// The actions, without importing the policy at run time (it imports this model through the mirror access).
const ALLOW = 'ALLOW' as AccessAction;
const DENY = 'DENY' as AccessAction;

const CACHE = new WeakMap<MeshModel, AccessModel>();

/**
 * The mesh's own reasoning about access, in one place: which policies apply to a service or gateway, whether a
 * workload of the mesh may call it (as Istio evaluates them: CUSTOM, which the model cannot decide, then DENY,
 * then ALLOW, where no ALLOW policy means allow, unless the namespace denies by default), which callers the ALLOW
 * rules name, and whether they admit callers the model cannot name (anyone, namespaces, IP blocks, JWTs).
 *
 * @internal
 */
export class AccessModel {
  /** The access model of a mesh model (one per model, which is one per state of the tree). */
  public static of(model: MeshModel): AccessModel {
    let access = CACHE.get(model);
    if (!access) {
      access = new AccessModel(model);
      CACHE.set(model, access);
    }
    return access;
  }

  private constructor(private readonly model: MeshModel) {}

  /** The access policies of a service or gateway, in the order they were declared. */
  public policiesOf(target: IMeshIdentity): AccessPolicy[] {
    return this.model.accessPoliciesOf(target);
  }

  /** Whether some policy makes the target refuse what no ALLOW rule admits (an ALLOW policy, maybe empty). */
  public allowListed(target: IMeshIdentity): boolean {
    return this.policiesOf(target).some(p => p._allowListed);
  }

  /** Whether the target refuses callers not admitted by name: allow-listed, or denied by default without an ALLOW policy. */
  public restricts(target: IMeshIdentity): boolean {
    return this.allowListed(target) || this.deniedByDefault(target);
  }

  /** The rules of one action over every policy of the target (ALLOW with the callers admitted for mirroring). */
  public rulesOf(target: IMeshIdentity, action: AccessAction): AppliedRule[] {
    return this.policiesOf(target).flatMap(policy => policy._rulesOf(action).map(r => ({ ...r, policy })));
  }

  /** Whether the target refuses every call: allow-listed without an ALLOW rule, or denied by default without one. */
  public refusesEveryCall(target: IMeshIdentity): boolean {
    const allows = this.rulesOf(target, ALLOW).length > 0;
    return !allows && this.restricts(target)
      || this.rulesOf(target, DENY).some(r => r.caller._isAnyone() && unconditional(r.rule));
  }

  /**
   * Whether `identity` (a service or gateway of the mesh) may call the target: on `port` (a port of the target),
   * or on some port when it is left out. A DENY rule refuses only when it surely matches every such request; an
   * ALLOW rule admits when it may match some.
   */
  public mayCall(target: IMeshIdentity, identity: IMeshIdentity, port?: number): boolean {
    if (this.rulesOf(target, DENY).some(r => ruleVerdict(r, identity, port, true) === 'yes')) {
      return false;
    }
    if (this.allowListed(target)) {
      return this.rulesOf(target, ALLOW).some(r => ruleVerdict(r, identity, port, false) !== 'no');
    }
    return !this.deniedByDefault(target);
  }

  /** Whether a DENY rule surely refuses every request of `identity` to the target. */
  public denies(target: IMeshIdentity, identity: IMeshIdentity): boolean {
    return this.rulesOf(target, DENY).some(r => ruleVerdict(r, identity, undefined, true) === 'yes');
  }

  /** The services and gateways the ALLOW rules name by identity (those of `Caller.service()`), each once. */
  public namedCallers(target: IMeshIdentity): IMeshIdentity[] {
    return [...new Set(this.rulesOf(target, ALLOW).flatMap(r => r.caller._identities))];
  }

  /** Whether an ALLOW rule admits callers the model cannot name: anyone, any identity, namespaces, IP blocks, JWTs. */
  public admitsUnnamed(target: IMeshIdentity): boolean {
    return this.rulesOf(target, ALLOW).some(r => unnamed(r.caller));
  }

  private deniedByDefault(target: IMeshIdentity): boolean {
    const namespace = (target as unknown as { namespace?: string }).namespace;
    return namespace !== undefined && this.model.deniesByDefault(namespace);
  }
}

/** Whether a caller admits callers beyond the services and principals it names. */
export function unnamed(caller: Caller): boolean {
  const principals = caller._fields.principals;
  return principals === undefined || principals.some(p => p.includes('*'));
}

/** Whether a rule is about every request of its caller: no operation, no condition. */
function unconditional(rule: AccessRule): boolean {
  const lists = [rule.methods, rule.notMethods, rule.paths, rule.notPaths, rule.hosts, rule.notHosts, rule.ports, rule.notPorts, rule.when];
  return lists.every(l => !l || l.length === 0);
}

/** Istio's string match: exact, `*`, a prefix (`abc*`) or a suffix (`*abc`). */
export function istioMatch(pattern: string, value: string): boolean {
  if (pattern === '*') {
    return true;
  }
  if (pattern.endsWith('*')) {
    return value.startsWith(pattern.slice(0, -1));
  }
  if (pattern.startsWith('*')) {
    return value.endsWith(pattern.slice(1));
  }
  return pattern === value;
}

/** Whether `caller` matches the mTLS identity of a workload of the mesh. */
export function callerVerdict(caller: Caller, identity: IMeshIdentity): Verdict {
  const f = caller._fields;
  const namespace = (identity as unknown as { namespace?: string }).namespace ?? '';
  const verdicts: Verdict[] = [
    f.principals ? (f.principals.some(p => istioMatch(p, identity.principal)) ? 'yes' : 'no') : 'yes',
    f.notPrincipals?.some(p => istioMatch(p, identity.principal)) ? 'no' : 'yes',
    f.namespaces ? (f.namespaces.some(n => istioMatch(n, namespace)) ? 'yes' : 'no') : 'yes',
    f.notNamespaces?.some(n => istioMatch(n, namespace)) ? 'no' : 'yes',
    // Addresses and tokens are not the model's to know.
    f.ipBlocks || f.notIpBlocks || f.remoteIpBlocks || f.notRemoteIpBlocks || f.requestPrincipals || f.notRequestPrincipals || caller._conditions.length > 0 ? 'maybe' : 'yes',
  ];
  return verdicts.includes('no') ? 'no' : verdicts.includes('maybe') ? 'maybe' : 'yes';
}

/** Whether a rule matches the requests of `identity` on `port` (some port when left out). */
function ruleVerdict(applied: AppliedRule, identity: IMeshIdentity, port: number | undefined, everyRequest: boolean): Verdict {
  const { rule, caller } = applied;
  const who = callerVerdict(caller, identity);
  if (who === 'no') {
    return 'no';
  }
  let verdict: Verdict = who;
  if (rule.ports?.length || rule.notPorts?.length) {
    if (port === undefined) {
      // On some port: a rule about some ports matches some requests, not every one.
      verdict = everyRequest ? 'maybe' : verdict;
    } else if (rule.ports?.length && !rule.ports.includes(port) || rule.notPorts?.includes(port)) {
      return 'no';
    }
  }
  const narrowed = [rule.methods, rule.notMethods, rule.paths, rule.notPaths, rule.hosts, rule.notHosts, rule.when].some(l => l && l.length > 0);
  return narrowed ? 'maybe' : verdict;
}

import { ApiObject, Lazy } from 'cdk8s';
import { Construct } from 'constructs';
import { Caller } from './caller';
import { Condition } from './condition';
import type { IExternalAuthorizer } from './external-authorizer';
import { mirroredCallerRules } from './mirror-access';
import type { MeshCode } from '../analysis/codes';
import * as istio from '../imports/istio-security';
import type { IMesh, IMeshIdentity, IMeshService } from '../mesh-identity';
import { ensureNamespace } from '../namespaces';
import { checkEnumList, listOr } from '../private/enums';
import { meshError, reportError, reportWarning, required } from '../private/errors';
import { validateDnsLabel } from '../private/names';
import { isHttpProtocol } from '../private/protocols';
import { noSuchPort, servicePort } from '../private/services';
import { invalidateTree, isKind, isMeshIdentityKind, isMeshServiceKind, markKind, meshOf } from '../private/tree';
import { HttpMethod } from '../traffic/route-match';

/**
 * Which requests of the caller a rule is about: some methods, paths, hosts or ports of the target, under
 * conditions. Every field given must match; a field left out matches anything.
 */
export interface AccessOptions {
  /**
   * HTTP methods the rule is about.
   *
   * @default - any method
   */
  readonly methods?: HttpMethod[];

  /**
   * HTTP methods the rule is not about.
   *
   * @default - none left out
   */
  readonly notMethods?: HttpMethod[];

  /**
   * Request paths: exact (`/api/books`), prefix (`/api/*`), suffix (`*.css`), `*`, or a path template with
   * `{*}` (one segment) and `{**}` (any segments, last): `/books/{*}/reviews`.
   *
   * @default - any path
   */
  readonly paths?: string[];

  /**
   * Request paths the rule is not about, in the forms of `paths`.
   *
   * @default - none left out
   */
  readonly notPaths?: string[];

  /**
   * Hosts (the Host or :authority header; `*` as a prefix or suffix matches any) the rule is about.
   *
   * @default - any host
   */
  readonly hosts?: string[];

  /**
   * Hosts the rule is not about.
   *
   * @default - none left out
   */
  readonly notHosts?: string[];

  /**
   * Ports of the target (a service's ports, rendered as the workloads' target ports; a gateway's listener ports).
   *
   * @default - every port
   */
  readonly ports?: number[];

  /**
   * Ports of the target the rule is not about.
   *
   * @default - none left out
   */
  readonly notPorts?: number[];

  /**
   * Conditions that must all hold as well (Istio's `when`).
   *
   * @default - none
   */
  readonly when?: Condition[];
}

/**
 * A rule of an `AccessPolicy`: a caller, and which of its requests the rule is about.
 */
export interface AccessRule extends AccessOptions {
  /**
   * The caller: a `Caller` (anyone, a namespace, IP blocks, a JWT...), or a service or gateway of the mesh,
   * identified by its SPIFFE principal (the same as `Caller.service(...)`).
   */
  readonly from: Caller | IMeshIdentity;
}

/**
 * The requests a CUSTOM rule hands to an external authorizer, which decides.
 */
export interface CustomAccess {
  /** The authorizer (an extension provider of the mesh) that decides. */
  readonly authorizer: IExternalAuthorizer;
  /** The requests it decides about. */
  readonly rules: AccessRule[];
}

/**
 * What an AuthorizationPolicy does with the requests its rules match.
 */
export enum AccessAction {
  /** Let them through (when any ALLOW policy applies, requests no ALLOW rule matches are refused). */
  ALLOW = 'ALLOW',
  /** Refuse them, whatever the ALLOW policies say (evaluated before ALLOW). */
  DENY = 'DENY',
  /** Log them (with a logging plugin); does not decide. */
  AUDIT = 'AUDIT',
  /** Ask an external authorizer (evaluated first). */
  CUSTOM = 'CUSTOM',
}

/**
 * Properties of an `AccessPolicy`.
 */
export interface AccessPolicyProps {
  /**
   * The service whose workloads are protected. Exactly one of `service` and `gateway`.
   *
   * @default - none: then `gateway`
   */
  readonly service?: IMeshService;

  /**
   * The ingress or egress gateway (owned or existing) whose pods are protected: e.g. to refuse end users without a
   * JWT at the ingress, or by their `remoteIpBlocks`. Exactly one of `service` and `gateway`. A gateway writes its
   * own policy admitting every caller (so that it stays reachable under deny-by-default); a policy here that
   * allow-lists callers (ALLOW rules, or no rules at all) replaces it, so that only the callers it names get in:
   * keep the public paths open with e.g. `{ from: Caller.anyone(), notPaths: ['/api/*'] }`. DENY rules alone leave
   * the gateway's own policy in place.
   *
   * @default - none: then `service`
   */
  readonly gateway?: IMeshIdentity;

  /**
   * The name of the AuthorizationPolicy objects: the ALLOW one's; the others get `-deny`, `-audit` and `-custom`.
   *
   * @default - the service's name; for a gateway, its name and `-access` (the gateway's own policy has its name)
   */
  readonly name?: string;

  /**
   * The callers allowed; more with `allowFrom()`.
   *
   * @default - none yet
   */
  readonly allow?: AccessRule[];

  /**
   * The requests refused, whatever the ALLOW rules of any policy say; more with `denyFrom()`.
   *
   * @default - none
   */
  readonly deny?: AccessRule[];

  /**
   * The requests audited (logged by a logging plugin); more with `auditFrom()`.
   *
   * @default - none
   */
  readonly audit?: AccessRule[];

  /**
   * The requests an external authorizer decides about; more with `customFrom()`.
   *
   * @default - none
   */
  readonly custom?: CustomAccess;
}

/** One rule as the policy keeps it: the caller made a `Caller`, the options copied. */
interface KeptRule {
  readonly given: AccessRule;
  readonly caller: Caller;
}

const SUFFIX: Record<AccessAction, string> = { ALLOW: '', DENY: '-deny', AUDIT: '-audit', CUSTOM: '-custom' };
const OBJECT_ID: Record<AccessAction, string> = { ALLOW: 'Resource', DENY: 'Deny', AUDIT: 'Audit', CUSTOM: 'Custom' };
const ACTIONS = [AccessAction.ALLOW, AccessAction.DENY, AccessAction.AUDIT, AccessAction.CUSTOM];

/**
 * "Who may call whom": rules about the callers of a service (or gateway), by mTLS identity, namespace, IP block
 * or JWT, optionally only some methods, paths, hosts or ports, under conditions. ALLOW rules admit callers,
 * DENY rules refuse them first, AUDIT rules log, CUSTOM rules ask an external authorizer. Renders one
 * AuthorizationPolicy per action that has rules; a policy without any rule renders the ALLOW one without rules,
 * which refuses every call.
 *
 * Once a service has an ALLOW rule (or an empty policy), calls no ALLOW rule matches are refused. Combine with
 * `Mesh.denyByDefault()` so that services without one refuse every call too. A service may have several
 * policies (each with its own `name`); Istio applies them all.
 *
 * @see https://istio.io/latest/docs/reference/config/security/authorization-policy/
 */
export class AccessPolicy extends Construct {
  /**
   * Whether `x` is an `AccessPolicy` (told by a symbol, as cdk8s tells charts apart: it works across copies of the library).
   */
  public static isAccessPolicy(x: any): x is AccessPolicy {
    return isKind(x, 'AccessPolicy');
  }

  /** The protected service (none when the policy protects a gateway). */
  public readonly service?: IMeshService;
  /** The protected gateway (none when the policy protects a service). */
  public readonly gateway?: IMeshIdentity;
  /** The name of the ALLOW AuthorizationPolicy (the others add `-deny`, `-audit`, `-custom`). */
  public readonly policyName: string;
  /** The namespace of the protected workloads, where the objects are written. */
  public readonly namespace: string;

  private readonly mesh: IMesh;
  private readonly kept: Record<AccessAction, KeptRule[]> = { ALLOW: [], DENY: [], AUDIT: [], CUSTOM: [] };
  private _authorizer?: IExternalAuthorizer;

  public constructor(scope: Construct, id: string, props: AccessPolicyProps) {
    super(scope, id);
    // From JavaScript the props may be missing altogether: each required one is then reported as missing.
    props = props ?? {} as AccessPolicyProps;
    // Nothing can stand in for a missing target, so this one throws; before the construct joins the model,
    // so that the mesh's analysis never meets a policy without one.
    if (props.gateway !== undefined && props.gateway !== null) {
      if (props.service !== undefined) {
        throw meshError('MESH1010', this, 'both service and gateway are given: a policy protects one target, so give one and write a second policy for the other');
      }
      if (!isKind(props.gateway, 'MeshGateway')) {
        throw meshError('MESH1011', this, 'gateway is not a gateway of a mesh: name an IngressGateway or EgressGateway');
      }
      this.gateway = props.gateway;
    } else {
      this.service = required(this, 'service', props.service, 'name the service whose workloads are protected (or a gateway)');
      if (!isMeshServiceKind(this.service)) {
        throw meshError('MESH0009', this, 'service is not a service of a mesh: name a MeshService, or one imported with MeshService.fromName()');
      }
    }
    markKind(this, 'AccessPolicy');
    this.mesh = meshOf(this);
    const target = this.target;
    if (target.mesh !== this.mesh) {
      reportError(this, 'MESH0205', `${this.service ? 'service' : 'gateway'} '${target.serviceName}' belongs to another mesh (${target.mesh.node.path}): protect a ${this.service ? 'service' : 'gateway'} of this mesh`);
    }
    this.namespace = (target as unknown as { namespace: string }).namespace;
    // A gateway writes its own policy under its name (the one that keeps it reachable): its AccessPolicy takes another.
    const defaultName = this.service ? target.serviceName : `${target.serviceName}-access`;
    this.policyName = props.name === undefined ? defaultName : validateDnsLabel(this, 'name', props.name);

    for (const rule of listOr(this, 'allow', props.allow) ?? []) {
      this.allowFrom(rule?.from, rule);
    }
    for (const rule of listOr(this, 'deny', props.deny) ?? []) {
      this.denyFrom(rule?.from, rule);
    }
    for (const rule of listOr(this, 'audit', props.audit) ?? []) {
      this.auditFrom(rule?.from, rule);
    }
    if (props.custom !== undefined) {
      for (const rule of listOr(this, 'custom.rules', props.custom?.rules) ?? []) {
        this.customFrom(props.custom.authorizer, rule?.from, rule);
      }
    }

    // An imported service's namespace may hold nothing else of the mesh: it is rendered all the same.
    ensureNamespace(this.mesh, this.namespace);
    this.sync();
  }

  /** The protected service or gateway. */
  private get target(): IMeshIdentity {
    return (this.service ?? this.gateway)!;
  }

  /**
   * The AuthorizationPolicy objects, one per action that has rules (ALLOW, DENY, AUDIT, CUSTOM, in that order):
   * the ALLOW one alone when the policy has no rule at all.
   */
  public get resources(): ApiObject[] {
    return ACTIONS.map(a => this.node.tryFindChild(OBJECT_ID[a]) as ApiObject | undefined).filter((o): o is ApiObject => o !== undefined);
  }

  /**
   * The policy's first AuthorizationPolicy object: the ALLOW one (named `policyName`) when the policy has ALLOW
   * rules or no rules at all, else the DENY, AUDIT or CUSTOM one. All of them are `resources`.
   */
  public get resource(): ApiObject {
    return this.resources[0];
  }

  /**
   * The allowed callers, in the order they were added, then the callers admitted because a service they may call
   * mirrors its traffic to this one (the mirroring sidecar sends the copies with its caller's identity).
   */
  public get rules(): AccessRule[] {
    return [...this._ownRules, ...this.service ? mirroredCallerRules(this, this._ownRules) : []].map(r => ({ ...r }));
  }

  /** The DENY rules, in the order they were added. */
  public get denyRules(): AccessRule[] {
    return this.kept.DENY.map(r => ({ ...r.given }));
  }

  /** The AUDIT rules, in the order they were added. */
  public get auditRules(): AccessRule[] {
    return this.kept.AUDIT.map(r => ({ ...r.given }));
  }

  /** The CUSTOM rules, in the order they were added. */
  public get customRules(): AccessRule[] {
    return this.kept.CUSTOM.map(r => ({ ...r.given }));
  }

  /** The external authorizer of the CUSTOM rules, if the policy has any. */
  public get authorizer(): IExternalAuthorizer | undefined {
    return this._authorizer;
  }

  /**
   * The callers given to this policy's ALLOW rules (without those admitted for mirroring).
   *
   * @internal
   */
  public get _ownRules(): AccessRule[] {
    return this.kept.ALLOW.map(r => ({ ...r.given }));
  }

  /**
   * The rules of an action, each with its caller (ALLOW with the mirrored callers).
   *
   * @internal
   */
  public _rulesOf(action: AccessAction): { rule: AccessRule; caller: Caller }[] {
    const rules = action === AccessAction.ALLOW ? this.rules : this.kept[action].map(r => r.given);
    return rules.map(rule => ({ rule, caller: Caller._of(rule.from) }));
  }

  /**
   * Whether the policy renders an ALLOW AuthorizationPolicy (it has ALLOW rules, or no rule at all), which makes
   * its target refuse what no ALLOW rule admits.
   *
   * @internal
   */
  public get _allowListed(): boolean {
    return this.kept.ALLOW.length > 0 || ACTIONS.every(a => this.kept[a].length === 0);
  }

  /**
   * Allows `source` to call the target, optionally only some methods, paths, hosts or ports, under conditions.
   */
  public allowFrom(source: Caller | IMeshIdentity, options: AccessOptions = {}): void {
    this.add(AccessAction.ALLOW, source, options);
  }

  /**
   * Refuses the requests of `source` (all, or those the options describe), whatever the ALLOW rules say.
   */
  public denyFrom(source: Caller | IMeshIdentity, options: AccessOptions = {}): void {
    this.add(AccessAction.DENY, source, options);
  }

  /**
   * Audits the requests of `source` (all, or those the options describe): a logging plugin logs them.
   */
  public auditFrom(source: Caller | IMeshIdentity, options: AccessOptions = {}): void {
    this.add(AccessAction.AUDIT, source, options);
  }

  /**
   * Hands the requests of `source` (all, or those the options describe) to an external authorizer, which decides.
   * A policy's CUSTOM rules all go to one authorizer.
   */
  public customFrom(authorizer: IExternalAuthorizer, source: Caller | IMeshIdentity, options: AccessOptions = {}): void {
    if (!authorizer || typeof authorizer.providerName !== 'string') {
      reportError(this, 'MESH1014', 'custom rules need an authorizer: give the ExternalAuthorizer declared on the mesh');
      return;
    }
    if (authorizer.mesh !== this.mesh) {
      reportError(this, 'MESH1014', `authorizer '${authorizer.providerName}' is declared on another mesh (${authorizer.mesh?.node.path}): declare it on this mesh`);
      return;
    }
    if (this._authorizer && this._authorizer !== authorizer) {
      reportError(this, 'MESH1015', `custom rules already go to authorizer '${this._authorizer.providerName}', and Istio's CUSTOM policy names one provider: send '${authorizer.providerName}' its requests from a second AccessPolicy`);
      return;
    }
    if (this.add(AccessAction.CUSTOM, source, options)) {
      this._authorizer = authorizer;
      this.sync();
    }
  }

  /** Checks a rule and keeps it; a rule with a mistake is reported and left out. Whether it was kept. */
  private add(action: AccessAction, source: Caller | IMeshIdentity, options: AccessOptions): boolean {
    // Every mistake of the rule is recorded, and a rule with one is left out: a narrower rule that is wrong must
    // not stand as a wider one, nor make the analysis report its consequences as further problems.
    if (!required<Caller | IMeshIdentity | null>(this, 'caller', source, 'name the service allowed to call, e.g. { from: frontend }', null)) {
      return false;
    }
    if (!Caller.isCaller(source) && !isMeshIdentityKind(source)) {
      reportError(this, 'MESH0009', 'caller is not a service or gateway of a mesh: name a MeshService, one imported with MeshService.fromName(), or a gateway');
      return false;
    }
    const caller = Caller._of(source);
    options = options ?? {};
    let valid = true;
    const fail = (code: MeshCode, message: string) => {
      reportError(this, code, message);
      valid = false;
    };
    for (const identity of caller._identities.filter(i => i.mesh !== this.mesh)) {
      fail('MESH0205', `caller '${identity.serviceName}' belongs to another mesh (${identity.mesh.node.path}): import it into this mesh with MeshService.fromName()`);
    }
    for (const prop of ['methods', 'notMethods'] as const) {
      if (!checkEnumList(this, prop, options[prop], HttpMethod, 'HttpMethod')) {
        valid = false;
      }
    }
    const when = options.when ?? [];
    when.forEach((c, i) => {
      if (!Condition.isCondition(c)) {
        fail('MESH1009', `when[${i}] is not a Condition: make it with Condition.header(), Condition.claim(), Condition.sni()...`);
      }
    });
    for (const prop of ['hosts', 'notHosts'] as const) {
      for (const host of options[prop] ?? []) {
        if (typeof host !== 'string' || host === '') {
          fail('MESH1000', `${prop} has an empty host: give each host as a non-empty string, e.g. 'shop.example.com'`);
        }
      }
    }
    for (const prop of ['paths', 'notPaths'] as const) {
      for (const path of options[prop] ?? []) {
        const problem = pathProblem(path);
        if (problem) {
          fail(problem.code, problem.message);
        }
      }
    }
    const service = this.service;
    const ports = [...options.ports ?? [], ...options.notPorts ?? []];
    const unknown = service
      ? ports.filter(port => !service.ports.some(p => p.port === port))
      : ports.filter(p => !Number.isInteger(p) || p < 1 || p > 65535);
    for (const port of unknown) {
      fail(service ? 'MESH0203' : 'MESH0003', service ? noSuchPort(service, port) : `port ${port} is out of range: use a whole number from 1 to 65535`);
    }
    // Which ports the rule is about is only known when every port it names is one of the service's.
    if (service && unknown.length === 0) {
      const reachable = (options.ports?.length ? options.ports.map(port => service.ports.find(p => p.port === port)!) : service.ports)
        .filter(p => !options.notPorts?.includes(p.port));
      const httpOnly = [
        ...(['methods', 'paths', 'notMethods', 'notPaths', 'hosts', 'notHosts'] as const).filter(f => options[f]?.length),
        ...caller._httpOnly ? ['a JWT'] : [],
        ...when.filter(c => Condition.isCondition(c) && c.httpOnly).map(c => `when ${c.key}`),
      ];
      if (httpOnly.length > 0 && reachable.length > 0 && !reachable.some(p => isHttpProtocol(p.protocol!))) {
        const tail = `${httpOnly.join(' and ')} for caller '${caller.name}' need an HTTP port, but the ports ${action === AccessAction.DENY ? 'denied' : 'allowed'} are ${reachable.map(p => `${p.name}`).join(', ')}`;
        if (action === AccessAction.DENY) {
          // Istio applies a DENY rule without what a TCP request cannot have: it refuses more than it says.
          reportWarning(this, 'MESH1013', `${tail}, so Istio ignores them and refuses every request of the caller there: drop them or deny an HTTP port`);
        } else {
          // Istio drops an ALLOW rule with them: it would admit nothing.
          fail('MESH0207', `${tail}: drop ${httpOnly.join(' and ')} or allow an HTTP port`);
        }
      }
    }
    const identity = caller._identities.length === 1 && !Caller.isCaller(source) ? source : undefined;
    if (identity && this.kept[action].some(r => r.given.from === identity)) {
      fail('MESH0209', `caller '${caller.name}' is already ${action === AccessAction.ALLOW ? 'allowed' : `in a ${action} rule`}: give it one rule with every method, path and port it needs`);
    }
    if (!valid) {
      return false;
    }
    const copy = <T>(list: T[] | undefined) => (list ? [...list] : undefined);
    const given: AccessRule = {
      from: source,
      methods: copy(options.methods),
      paths: copy(options.paths),
      ports: copy(options.ports),
      ...options.notMethods ? { notMethods: copy(options.notMethods) } : {},
      ...options.notPaths ? { notPaths: copy(options.notPaths) } : {},
      ...options.hosts ? { hosts: copy(options.hosts) } : {},
      ...options.notHosts ? { notHosts: copy(options.notHosts) } : {},
      ...options.notPorts ? { notPorts: copy(options.notPorts) } : {},
      ...options.when ? { when: copy(options.when) } : {},
    };
    this.kept[action].push({ given, caller });
    // Views of the mesh index who may call whom.
    invalidateTree();
    if (action !== AccessAction.CUSTOM) {
      this.sync();
    }
    return true;
  }

  /** Makes the objects match the rules: one per action that has rules, the ALLOW one when there is none. */
  private sync(): void {
    for (const action of ACTIONS) {
      const wanted = action === AccessAction.ALLOW ? this._allowListed : this.kept[action].length > 0;
      const id = OBJECT_ID[action];
      const present = this.node.tryFindChild(id) !== undefined;
      if (wanted && !present) {
        new istio.AuthorizationPolicy(this, id, {
          metadata: { name: `${this.policyName}${SUFFIX[action]}`, namespace: this.namespace },
          spec: Lazy.any({ produce: () => this._toIstio(action) }),
        });
      } else if (!wanted && present) {
        this.node.tryRemoveChild(id);
      }
    }
  }

  /** @internal */
  public _toIstio(action: AccessAction = AccessAction.ALLOW): istio.AuthorizationPolicySpec {
    // A gateway's pod labels (MeshGateway._podLabels), read without importing the gateway (an import cycle).
    const gateway = this.gateway as unknown as { _podLabels: { [key: string]: string } } | undefined;
    const selector = this.service ? { app: this.service.serviceName } : gateway!._podLabels;
    return {
      selector: { matchLabels: selector },
      action: action as unknown as istio.AuthorizationPolicySpecAction,
      provider: action === AccessAction.CUSTOM && this._authorizer ? { name: this._authorizer.providerName } : undefined,
      rules: this._rulesOf(action).map(({ rule, caller }) => this.renderRule(rule, caller)),
    };
  }

  private renderRule(rule: AccessRule, caller: Caller): istio.AuthorizationPolicySpecRules {
    const port = (p: number) => String(this.service ? servicePort(this, this.service, p).targetPort : p < 1024 ? p + 8000 : p);
    const list = <T>(values: T[] | undefined) => (values?.length ? [...values] : undefined);
    const operation = {
      hosts: list(rule.hosts),
      notHosts: list(rule.notHosts),
      methods: list(rule.methods),
      notMethods: list(rule.notMethods),
      paths: list(rule.paths),
      notPaths: list(rule.notPaths),
      ports: list(rule.ports?.map(port)),
      notPorts: list(rule.notPorts?.map(port)),
    };
    const hasOperation = Object.values(operation).some(v => v !== undefined);
    const source = caller._source();
    const when = [...caller._conditions, ...rule.when ?? []].map(c => c._toIstio());
    return {
      from: source ? [{ source }] : undefined,
      to: hasOperation ? [{ operation }] : undefined,
      when: when.length > 0 ? when : undefined,
    };
  }
}

/**
 * What istiod finds wrong with a path of a rule (security.ValidatePathTemplate and the path forms), if anything.
 */
function pathProblem(path: string): { code: MeshCode; message: string } | undefined {
  if (typeof path !== 'string') {
    return { code: 'MESH0208', message: `path '${path}' is not an Istio path pattern: use an exact path ('/api'), a prefix ('/api/*'), a suffix ('*.css') or '*'` };
  }
  if (path.includes('{') || path.includes('}')) {
    let any = false;
    for (const segment of path.replace(/^\/+|\/+$/g, '').split('/')) {
      if (segment === '{*}' || segment === '{**}') {
        if (any) {
          return { code: 'MESH1016', message: `path '${path}' has ${segment} after {**}: {**} must be the last operator of a path template` };
        }
        any = segment === '{**}';
      } else if (/[{}]/.test(segment)) {
        return { code: 'MESH1016', message: `path '${path}' has segment '${segment}' with '{' or '}' beyond a supported template: a segment is a literal, {*} (one segment) or {**} (the rest)` };
      } else if (!/^[A-Za-z0-9\-._~!$&'()*+,;=:@%]*$/.test(segment)) {
        return { code: 'MESH1016', message: `path '${path}' has segment '${segment}', which is not a valid literal of a path template: use the characters a URL path allows` };
      }
    }
    return path.startsWith('/') ? undefined : { code: 'MESH1016', message: `path '${path}' is a template without a leading '/': start it with '/'` };
  }
  if (!(path === '*' || path.startsWith('/') || path.startsWith('*')) || path.indexOf('*', 1) !== -1 && path.indexOf('*', 1) !== path.length - 1) {
    return { code: 'MESH0208', message: `path '${path}' is not an Istio path pattern: use an exact path ('/api'), a prefix ('/api/*'), a suffix ('*.css') or '*'` };
  }
  return undefined;
}

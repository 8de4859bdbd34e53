import { ApiObject, Lazy } from 'cdk8s';
import { Construct } from 'constructs';
import type { MeshCode } from '../analysis/codes';
import * as istio from '../imports/istio-security';
import type { IMesh, IMeshIdentity, IMeshService } from '../mesh-identity';
import { ensureNamespace } from '../namespaces';
import { mirroredCallerRules } from './mirror-access';
import { checkEnumList, listOr } from '../private/enums';
import { meshError, reportError, required } from '../private/errors';
import { isHttpProtocol } from '../private/protocols';
import { noSuchPort, servicePort } from '../private/services';
import { isKind, isMeshIdentityKind, isMeshServiceKind, markKind, meshOf } from '../private/tree';
import { HttpMethod } from '../traffic/route-match';

/**
 * What a caller may do: only some methods, paths or ports of the service.
 */
export interface AccessOptions {
  /**
   * HTTP methods the caller may use.
   *
   * @default - any method
   */
  readonly methods?: HttpMethod[];

  /**
   * Request paths the caller may use: exact (`/api/books`), prefix (`/api/*`), suffix (`*.css`) or `*`.
   *
   * @default - any path
   */
  readonly paths?: string[];

  /**
   * Service ports the caller may reach (rendered as the workloads' target ports).
   *
   * @default - every port
   */
  readonly ports?: number[];
}

/**
 * One caller allowed to call the service.
 */
export interface AccessRule extends AccessOptions {
  /** The calling service (or gateway), identified by its SPIFFE principal. */
  readonly from: IMeshIdentity;
}

/**
 * Properties of an `AccessPolicy`.
 */
export interface AccessPolicyProps {
  /** The service whose workloads are protected. */
  readonly service: IMeshService;

  /**
   * The callers allowed; more with `allowFrom()`.
   *
   * @default - none yet
   */
  readonly allow?: AccessRule[];
}

/**
 * "A may call B": the services allowed to call one service, each by its mTLS identity (SPIFFE principal),
 * optionally only some methods, paths or ports. Renders an ALLOW AuthorizationPolicy.
 *
 * Once a service has an AccessPolicy, calls it does not allow are refused. Combine with
 * `Mesh.denyByDefault()` so that services without one refuse every call too.
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

  /** The protected service. */
  public readonly service: IMeshService;
  /** The AuthorizationPolicy object. */
  public readonly resource: ApiObject;

  private readonly mesh: IMesh;
  private readonly _rules: AccessRule[] = [];

  public constructor(scope: Construct, id: string, props: AccessPolicyProps) {
    super(scope, id);
    // From JavaScript the props may be missing altogether: each required one is then reported as missing.
    props = props ?? {} as AccessPolicyProps;
    // Nothing can stand in for a missing service, so this one throws; before the construct joins the model,
    // so that the mesh's analysis never meets a policy without one.
    this.service = required(this, 'service', props.service, 'name the service whose workloads are protected');
    if (!isMeshServiceKind(this.service)) {
      throw meshError('MESH0009', this, 'service is not a service of a mesh: name a MeshService, or one imported with MeshService.fromName()');
    }
    markKind(this, 'AccessPolicy');
    this.mesh = meshOf(this);
    if (this.service.mesh !== this.mesh) {
      reportError(this, 'MESH0205', `service '${this.service.serviceName}' belongs to another mesh (${this.service.mesh.node.path}): protect a service of this mesh`);
    }

    for (const rule of listOr(this, 'allow', props.allow) ?? []) {
      this.allowFrom(rule.from, rule);
    }

    // An imported service's namespace may hold nothing else of the mesh: it is rendered all the same.
    ensureNamespace(this.mesh, this.service.namespace);
    this.resource = new istio.AuthorizationPolicy(this, 'Resource', {
      metadata: { name: this.service.serviceName, namespace: this.service.namespace },
      spec: Lazy.any({ produce: () => this._toIstio() }),
    });
  }

  /**
   * The allowed callers, in the order they were added, then the callers admitted because a service they may call
   * mirrors its traffic to this one (the mirroring sidecar sends the copies with its caller's identity).
   */
  public get rules(): AccessRule[] {
    return [...this._rules, ...mirroredCallerRules(this, this._rules)].map(r => ({ ...r }));
  }

  /**
   * The callers given to this policy (without those admitted for mirroring).
   *
   * @internal
   */
  public get _ownRules(): AccessRule[] {
    return this._rules.map(r => ({ ...r }));
  }

  /**
   * Allows `source` to call the service, optionally only some methods, paths or ports.
   */
  public allowFrom(source: IMeshIdentity, options: AccessOptions = {}): void {
    const target = this.service;
    // Every mistake of the rule is recorded, and a rule with one is left out: a narrower rule that is wrong must
    // not stand as a wider one, nor make the analysis report its consequences as further problems.
    if (!required<IMeshIdentity | null>(this, 'caller', source, 'name the service allowed to call, e.g. { from: frontend }', null)) {
      return;
    }
    if (!isMeshIdentityKind(source)) {
      reportError(this, 'MESH0009', 'caller is not a service or gateway of a mesh: name a MeshService, one imported with MeshService.fromName(), or a gateway');
      return;
    }
    let valid = true;
    const fail = (code: MeshCode, message: string) => {
      reportError(this, code, message);
      valid = false;
    };
    if (source.mesh !== this.mesh) {
      fail('MESH0205', `caller '${source.serviceName}' belongs to another mesh (${source.mesh.node.path}): import it into this mesh with MeshService.fromName()`);
    }
    if (!checkEnumList(this, 'methods', options.methods, HttpMethod, 'HttpMethod')) {
      valid = false;
    }
    const ports = options.ports ?? [];
    const unknown = ports.filter(port => !target.ports.some(p => p.port === port));
    for (const port of unknown) {
      fail('MESH0203', noSuchPort(target, port));
    }
    // Which ports the caller may reach is only known when every port it names is one of the service's.
    if (unknown.length === 0) {
      const reachable = ports.length > 0 ? ports.map(port => target.ports.find(p => p.port === port)!) : target.ports;
      const httpOnly = [options.methods?.length ? 'methods' : undefined, options.paths?.length ? 'paths' : undefined].filter(Boolean);
      if (httpOnly.length > 0 && !reachable.some(p => isHttpProtocol(p.protocol!))) {
        fail('MESH0207', `${httpOnly.join(' and ')} for caller '${source.serviceName}' need an HTTP port, but the ports allowed are ${reachable.map(p => `${p.name}`).join(', ')}: drop ${httpOnly.join(' and ')} or allow an HTTP port`);
      }
    }
    for (const path of options.paths ?? []) {
      if (!(path === '*' || path.startsWith('/') || path.startsWith('*')) || path.indexOf('*', 1) !== -1 && path.indexOf('*', 1) !== path.length - 1) {
        fail('MESH0208', `path '${path}' is not an Istio path pattern: use an exact path ('/api'), a prefix ('/api/*'), a suffix ('*.css') or '*'`);
      }
    }
    if (this._rules.some(r => r.from === source)) {
      fail('MESH0209', `caller '${source.serviceName}' is already allowed: give it one rule with every method, path and port it needs`);
    }
    if (!valid) {
      return;
    }
    this._rules.push({
      from: source,
      methods: options.methods ? [...options.methods] : undefined,
      paths: options.paths ? [...options.paths] : undefined,
      ports: options.ports ? [...options.ports] : undefined,
    });
  }

  /** @internal */
  public _toIstio(): istio.AuthorizationPolicySpec {
    const target = this.service;
    return {
      selector: { matchLabels: { app: target.serviceName } },
      action: istio.AuthorizationPolicySpecAction.ALLOW,
      rules: this.rules.map(rule => {
        const ports = rule.ports?.map(port => String(servicePort(this, target, port).targetPort));
        const operation = rule.methods?.length || rule.paths?.length || ports?.length
          ? { methods: rule.methods?.length ? [...rule.methods] : undefined, paths: rule.paths?.length ? [...rule.paths] : undefined, ports }
          : undefined;
        return {
          from: [{ source: { principals: [rule.from.principal] } }],
          to: operation ? [{ operation }] : undefined,
        };
      }),
    };
  }
}

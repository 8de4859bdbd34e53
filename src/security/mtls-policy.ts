import { ApiObject, Lazy } from 'cdk8s';
import { Construct, IConstruct } from 'constructs';
import * as istio from '../imports/istio-security';
import type { IMesh, IMeshService } from '../mesh-identity';
import { ensureNamespace } from '../namespaces';
import { MtlsMode } from './mtls-mode';
import { checkEnum } from '../private/enums';
import { meshError, recordedProblems, reportError, required } from '../private/errors';
import { dropMeshWideCopy, meshWideObject, policyObjects } from '../private/mesh-wide';
import { validateDnsLabel, validatePort } from '../private/names';
import { findServicePort, serviceKey, servicePort, requiredService } from '../private/services';
import { constructsOfKind, isKind, markKind, meshOf } from '../private/tree';

/**
 * Which workloads a policy applies to: the whole mesh, one namespace or one service's workloads.
 */
export abstract class PolicyScope {
  /**
   * Every workload in the mesh (the policy is placed in the root namespace).
   */
  public static mesh(): PolicyScope {
    return new MeshScope();
  }

  /**
   * Every workload in one namespace.
   */
  public static namespace(name: string): PolicyScope {
    return new NamespaceScope(validateDnsLabel('PolicyScope.namespace', 'name', name));
  }

  /**
   * The workloads of one service (every version), selected by its `app` label.
   */
  public static workload(service: IMeshService): PolicyScope {
    return new WorkloadScope(requiredService('PolicyScope.workload', 'service', service, 'name the service whose workloads the policy selects'));
  }

  /** The service whose workloads are selected; undefined for mesh and namespace scopes. */
  public abstract readonly service?: IMeshService;

  /**
   * A key unique to the workloads the scope selects.
   *
   * @internal
   */
  public abstract _key(mesh: IMesh): string;

  /**
   * The namespace a policy with this scope lives in.
   *
   * @internal
   */
  public abstract _namespace(mesh: IMesh): string;

  /**
   * A readable description for messages.
   *
   * @internal
   */
  public abstract _describe(mesh: IMesh): string;
}

class MeshScope extends PolicyScope {
  public readonly service?: IMeshService = undefined;
  public _key(): string { return 'mesh'; }
  public _namespace(mesh: IMesh): string { return mesh.rootNamespace; }
  public _describe(): string { return 'the whole mesh'; }
}

class NamespaceScope extends PolicyScope {
  public readonly service?: IMeshService = undefined;
  public constructor(private readonly name: string) { super(); }
  public _key(mesh: IMesh): string {
    return this.name === mesh.rootNamespace ? 'mesh' : `ns/${this.name}`;
  }
  public _namespace(): string { return this.name; }
  public _describe(): string { return `namespace '${this.name}'`; }
}

class WorkloadScope extends PolicyScope {
  public constructor(public readonly service: IMeshService) { super(); }
  public _key(): string { return `svc/${serviceKey(this.service)}`; }
  public _namespace(): string { return this.service.namespace; }
  public _describe(): string { return `service '${this.service.serviceName}'`; }
}

/**
 * A mutual TLS mode for one port of a workload, overriding the workload's mode.
 */
export interface PortMtls {
  /** The service port (as declared on the `MeshService`); rendered as its target port. */
  readonly port: number;
  /** The mode on that port. */
  readonly mode: MtlsMode;
}

/**
 * Properties of an `MtlsPolicy`.
 */
export interface MtlsPolicyProps {
  /** How the selected workloads accept connections. */
  readonly mode: MtlsMode;

  /**
   * Which workloads the policy applies to. The mesh-wide mode is the `Mesh`'s `mtls` prop.
   */
  readonly scope: PolicyScope;

  /**
   * Per-port modes; only for a workload scope (Istio selects ports on workloads only).
   *
   * @default - every port uses `mode`
   */
  readonly portOverrides?: PortMtls[];
}

/**
 * How workloads accept connections: mutual TLS STRICT, PERMISSIVE or DISABLE, for the mesh, a namespace
 * or one service's workloads, with per-port overrides. Renders a PeerAuthentication.
 *
 * The most specific policy wins: workload over namespace over mesh. Each scope has at most one policy.
 *
 * @see https://istio.io/latest/docs/reference/config/security/peer_authentication/
 */
export class MtlsPolicy extends Construct {
  /**
   * Whether `x` is a `MtlsPolicy` (told by a symbol, as cdk8s tells charts apart: it works across copies of the library).
   */
  public static isMtlsPolicy(x: any): x is MtlsPolicy {
    return isKind(x, 'MtlsPolicy');
  }

  /** The mode of the selected workloads. */
  public readonly mode: MtlsMode;
  /** The workloads the policy applies to. */
  public readonly scope: PolicyScope;
  /**
   * The PeerAuthentication object; none for the mesh-wide policy of a mesh that adopts an existing Istio, which
   * writes a copy into each of its namespaces instead (see `resources`).
   */
  public readonly resource?: ApiObject;

  private readonly mesh: IMesh;
  private readonly _portOverrides = new Map<number, MtlsMode>();

  public constructor(scope: Construct, id: string, props: MtlsPolicyProps) {
    super(scope, id);
    // From JavaScript the props may be missing altogether: each required one is then reported as missing.
    props = props ?? {} as MtlsPolicyProps;
    // Nothing can stand in for a missing scope (it decides the policy's namespace and what the analysis
    // compares it with), so that one throws; before the construct joins the model, which then never meets it.
    this.scope = required(this, 'scope', props.scope, 'choose PolicyScope.namespace(...) or PolicyScope.workload(...)');
    if (typeof (this.scope as { _key?: unknown })._key !== 'function') {
      throw meshError('MESH0096', this, 'scope is not a PolicyScope: choose PolicyScope.namespace(...) or PolicyScope.workload(...)');
    }
    markKind(this, 'MtlsPolicy');
    this.mesh = meshOf(this);
    checkScopeMesh(this, this.scope, this.mesh);
    // STRICT stands in for a missing mode: the one no rule of the analysis objects to.
    this.mode = required(this, 'mode', props.mode, 'choose MtlsMode.STRICT, PERMISSIVE or DISABLE', MtlsMode.STRICT);
    if (!checkEnum(this, 'mode', this.mode, MtlsMode, 'MtlsMode')) {
      this.mode = MtlsMode.STRICT;
    }

    for (const override of props.portOverrides ?? []) {
      this.addPortOverride(override.port, override.mode);
    }

    const service = this.scope.service;
    // A policy's namespace is rendered even when no service of the mesh lives there.
    ensureNamespace(this.mesh, this.scope._namespace(this.mesh));
    const render = (parent: Construct, objectId: string, namespace: string) => new istio.PeerAuthentication(parent, objectId, {
      metadata: { name: service ? service.serviceName : 'default', namespace },
      spec: Lazy.any({ produce: () => this._toIstio() }),
    });
    if (this.scope instanceof MeshScope) {
      // The namespaces that have their own MtlsPolicy keep it: Istio honours one namespace-wide PeerAuthentication.
      const ownPolicy = (ns: string) => constructsOfKind(this.mesh, 'MtlsPolicy').some(p => (p as MtlsPolicy).scope?._key(this.mesh) === `ns/${ns}`);
      this.resource = meshWideObject(this, this.mesh, render, ownPolicy);
    } else {
      this.resource = render(this, 'Resource', this.scope._namespace(this.mesh));
      if (!service) {
        dropMeshWideCopy(this.mesh.node.tryFindChild('MeshMtls') as Construct | undefined, this.scope._namespace(this.mesh));
      }
    }
  }

  /**
   * Every PeerAuthentication the policy writes: its `resource`, or, for the mesh-wide policy of a mesh that
   * adopts an existing Istio, one per namespace of the mesh that has no MtlsPolicy of its own.
   */
  public get resources(): ApiObject[] {
    return policyObjects(this);
  }

  /**
   * The per-port modes, by service port.
   */
  public get portOverrides(): PortMtls[] {
    return [...this._portOverrides.entries()].map(([port, mode]) => ({ port, mode }));
  }

  /**
   * Sets the mode of one port of the workload.
   */
  public addPortOverride(port: number, mode: MtlsMode): void {
    // A port with a mistake is recorded and left out, and only its first mistake is reported: the others
    // follow from it (a port out of range is no port of the service either).
    const service = this.scope.service;
    if (!checkEnum(this, `port ${port} mode`, mode, MtlsMode, 'MtlsMode')) {
      return;
    }
    if (!service) {
      reportError(this, 'MESH0202', `port ${port} override needs a workload scope, not ${this.scope._describe(this.mesh)}: use PolicyScope.workload(service)`);
      return;
    }
    const problems = recordedProblems(this).length;
    validatePort(this, 'port', port);
    if (recordedProblems(this).length > problems) {
      return;
    }
    if (!findServicePort(this, service, port)) {
      return;
    }
    if (this._portOverrides.has(port)) {
      reportError(this, 'MESH0204', `port ${port} already has a mode (${this._portOverrides.get(port)}): set each port once`);
      return;
    }
    this._portOverrides.set(port, mode);
  }

  /**
   * The mode a connection to `port` of the selected workloads gets from this policy.
   */
  public modeFor(port: number): MtlsMode {
    return this._portOverrides.get(port) ?? this.mode;
  }

  /** @internal */
  public _toIstio(): istio.PeerAuthenticationSpec {
    const service = this.scope.service;
    const overrides = [...this._portOverrides.entries()].sort(([a], [b]) => a - b);
    return {
      selector: service ? { matchLabels: { app: service.serviceName } } : undefined,
      mtls: { mode: this.mode as string as istio.PeerAuthenticationSpecMtlsMode },
      portLevelMtls: overrides.length === 0 ? undefined : Object.fromEntries(overrides.map(([port, mode]) => {
        return [String(servicePort(this, service!, port).targetPort), { mode: mode as string as istio.PeerAuthenticationSpecPortLevelMtlsMode }];
      })),
    };
  }
}

/**
 * Reports a workload scope whose service belongs to another mesh: the policy would select workloads this
 * mesh does not run (and be placed in a namespace it may not create).
 *
 * @internal
 */
export function checkScopeMesh(policy: IConstruct, scope: PolicyScope, mesh: IMesh): void {
  const service = scope.service;
  if (service && service.mesh !== mesh) {
    reportError(policy, 'MESH0213', `scope PolicyScope.workload() names service '${service.serviceName}' of another mesh (${service.mesh.node.path}): select a service of this mesh, or import it with MeshService.fromName()`);
  }
}

import { Construct } from 'constructs';
import type { IMesh } from '../mesh-identity';
import { MtlsMode } from './mtls-mode';
import { MtlsPolicy, PolicyScope } from './mtls-policy';
import { meshError, reportError, required } from '../private/errors';
import { constructsOfKind, isKind, markKind, meshOf, tryMeshOf } from '../private/tree';

/**
 * Options of a scope that still accepts plaintext.
 */
export interface PermissiveStageOptions {
  /**
   * Why the scope waits: which clients still call it in plaintext, and what moves them. The analysis names the
   * declared `PlaintextClient`s itself; this is for the reviewer.
   *
   * @default - none
   */
  readonly reason?: string;
}

/**
 * Options of a scope that has moved to STRICT.
 */
export interface StrictStageOptions {
  /**
   * Service ports that still accept plaintext, for the plaintext clients that call them: only for a workload scope
   * (Istio selects ports on workloads only).
   *
   * @default - every port is STRICT
   */
  readonly permissivePorts?: number[];
}

/**
 * Where one scope (a namespace or a service's workloads) is on its way from PERMISSIVE to STRICT mutual TLS.
 *
 * Moving a scope to STRICT is a one-line change in review: `MtlsStage.permissive(scope)` becomes
 * `MtlsStage.strict(scope)`, and the analysis says whether a declared plaintext client would break.
 *
 * @see https://istio.io/latest/docs/tasks/security/authentication/mtls-migration/
 */
export class MtlsStage {
  /**
   * The scope still accepts plaintext (PERMISSIVE) while its clients move into the mesh.
   */
  public static permissive(scope: PolicyScope, options: PermissiveStageOptions = {}): MtlsStage {
    return new MtlsStage(checkStageScope('MtlsStage.permissive', scope), MtlsMode.PERMISSIVE, options.reason, []);
  }

  /**
   * The scope accepts mutual TLS only (STRICT): its migration is done, save the `permissivePorts` of a workload.
   */
  public static strict(scope: PolicyScope, options: StrictStageOptions = {}): MtlsStage {
    return new MtlsStage(checkStageScope('MtlsStage.strict', scope), MtlsMode.STRICT, undefined, [...options.permissivePorts ?? []]);
  }

  /** The namespace or workloads the stage is about. */
  public readonly scope: PolicyScope;
  /** PERMISSIVE while clients move, STRICT when done. */
  public readonly mode: MtlsMode;
  /** Why the scope still accepts plaintext. */
  public readonly reason?: string;
  /** The service ports of a STRICT workload that still accept plaintext. */
  public readonly permissivePorts: number[];

  private constructor(scope: PolicyScope, mode: MtlsMode, reason: string | undefined, permissivePorts: number[]) {
    this.scope = scope;
    this.mode = mode;
    this.reason = reason;
    this.permissivePorts = permissivePorts;
  }
}

function checkStageScope(factory: string, scope: PolicyScope): PolicyScope {
  required(factory, 'scope', scope, 'choose PolicyScope.namespace(...) or PolicyScope.workload(...)');
  if (!(scope instanceof PolicyScope)) {
    throw meshError('MESH0096', factory, 'scope is not a PolicyScope: choose PolicyScope.namespace(...) or PolicyScope.workload(...)');
  }
  // Only the mesh scope's key needs no mesh (a namespace's is compared with the root namespace at synthesis).
  if (scope._key({ rootNamespace: undefined } as unknown as IMesh) === 'mesh') {
    throw meshError('MESH1125', factory, "scope is the whole mesh, whose mode is the Mesh's 'mtls' prop: stage namespaces and workloads here, and set mtls: MtlsMode.STRICT on the Mesh as the last step");
  }
  return scope;
}

/**
 * Properties of an `MtlsMigration`.
 */
export interface MtlsMigrationProps {
  /**
   * Where each namespace or workload is: PERMISSIVE while plaintext clients remain, STRICT when done.
   *
   * @default - no stage yet: every scope has the mesh's mode
   */
  readonly stages?: MtlsStage[];
}

/**
 * A staged move from PERMISSIVE to STRICT mutual TLS, one namespace or workload at a time, as Istio's mutual TLS
 * migration task does it: the mesh starts PERMISSIVE (the Mesh's `mtls` prop), scopes move to STRICT once no
 * plaintext client calls them, then the mesh goes STRICT, with the scopes that still wait kept PERMISSIVE.
 *
 * Each stage renders a PeerAuthentication through an `MtlsPolicy`, so every check of the mesh's mTLS sees it. The
 * analysis names each declared `PlaintextClient` a STRICT port would refuse (MESH1120), and each PERMISSIVE stage no
 * plaintext client needs any more (MESH1122).
 *
 * @see https://istio.io/latest/docs/tasks/security/authentication/mtls-migration/
 */
export class MtlsMigration extends Construct {
  /**
   * Whether `x` is an `MtlsMigration` (told by a symbol: it works across copies of the library).
   */
  public static isMtlsMigration(x: any): x is MtlsMigration {
    return isKind(x, 'MtlsMigration');
  }

  private readonly mesh: IMesh;
  private readonly _stages: { stage: MtlsStage; policy: MtlsPolicy }[] = [];

  public constructor(scope: Construct, id: string, props: MtlsMigrationProps = {}) {
    super(scope, id);
    this.mesh = meshOf(this);
    markKind(this, 'MtlsMigration');
    for (const stage of props?.stages ?? []) {
      this.addStage(stage);
    }
  }

  /**
   * The stages, in the order they were added.
   */
  public get stages(): MtlsStage[] {
    return this._stages.map(s => s.stage);
  }

  /**
   * The MtlsPolicy of each stage, in the order they were added.
   */
  public get policies(): MtlsPolicy[] {
    return this._stages.map(s => s.policy);
  }

  /**
   * Adds a stage: a PeerAuthentication for its scope, through the MtlsPolicy returned. A scope has one stage: a
   * second is reported (MESH0200) and left out, and undefined returned.
   */
  public addStage(stage: MtlsStage): MtlsPolicy | undefined {
    if (!(stage instanceof MtlsStage)) {
      reportError(this, 'MESH0096', 'stage is not an MtlsStage: use MtlsStage.permissive(scope) or MtlsStage.strict(scope)');
      return undefined;
    }
    const key = stage.scope._key(this.mesh);
    const first = this._stages.find(s => s.stage.scope._key(this.mesh) === key);
    if (first) {
      reportError(this, 'MESH0200', `${stage.scope._describe(this.mesh)} already has a stage (${first.stage.mode}) in this migration: give each scope one stage, and move it by changing that one`);
      return undefined;
    }
    const policy = new MtlsPolicy(this, key.replace(/\//g, '-'), {
      mode: stage.mode,
      scope: stage.scope,
      portOverrides: stage.permissivePorts.map(port => ({ port, mode: MtlsMode.PERMISSIVE })),
    });
    this._stages.push({ stage, policy });
    return policy;
  }

  /**
   * The stage of a scope, if the migration has one.
   */
  public stageOf(scope: PolicyScope): MtlsStage | undefined {
    return this._stages.find(s => s.stage.scope._key(this.mesh) === scope._key(this.mesh))?.stage;
  }

  /**
   * The MtlsPolicy of a stage (a stage of this migration).
   *
   * @internal
   */
  public _policyOf(stage: MtlsStage): MtlsPolicy | undefined {
    return this._stages.find(s => s.stage === stage)?.policy;
  }
}

/**
 * Every mTLS migration of a mesh.
 *
 * @internal
 */
export function mtlsMigrationsOf(mesh: IMesh): MtlsMigration[] {
  return constructsOfKind(mesh, 'MtlsMigration').filter(c => tryMeshOf(c) === mesh) as MtlsMigration[];
}

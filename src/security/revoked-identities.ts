import { ApiObject, Lazy } from 'cdk8s';
import { Construct } from 'constructs';
import * as istio from '../imports/istio-security';
import type { IMesh, IMeshIdentity } from '../mesh-identity';
import { reportError } from '../private/errors';
import { meshWideObject, policyObjects } from '../private/mesh-wide';
import { isKind, isMeshIdentityKind, markKind } from '../private/tree';

/**
 * Properties of `RevokedIdentities`.
 */
export interface RevokedIdentitiesProps {
  /** The mesh. */
  readonly mesh: IMesh;
}

/**
 * Workload identities denied mesh-wide: one DENY AuthorizationPolicy in the root namespace (or, when the mesh
 * adopts an existing Istio, one in each namespace of the mesh), which Istio evaluates before every ALLOW
 * policy. Create through `Mesh.revokeIdentity()`.
 */
export class RevokedIdentities extends Construct {
  /**
   * Whether `x` is a `RevokedIdentities` (told by a symbol, as cdk8s tells charts apart: it works across copies of the library).
   */
  public static isRevokedIdentities(x: any): x is RevokedIdentities {
    return isKind(x, 'RevokedIdentities');
  }

  /**
   * Revokes `identity` in `mesh` (what `Mesh.revokeIdentity()` does): adds it to the mesh's one
   * RevokedIdentities, created on first use. Something that is no identity, or one of another mesh, is
   * reported on the mesh.
   *
   * @internal
   */
  public static _revoke(mesh: IMesh, identity: IMeshIdentity): void {
    if (!isMeshIdentityKind(identity)) {
      reportError(mesh, 'MESH0009', 'revokeIdentity() was given something that is not a service or gateway of a mesh: name a MeshService, one imported with MeshService.fromName(), or a gateway');
      return;
    }
    if (identity.mesh !== mesh) {
      reportError(mesh, 'MESH0250', `revokeIdentity() was given '${identity.serviceName}' (${identity.node.path}), which belongs to another mesh: `
        + 'revoke an identity of this mesh, or import the service into it with MeshService.fromName()');
      return;
    }
    const revoked = mesh.node.tryFindChild('RevokedIdentities') as RevokedIdentities | undefined;
    (revoked ?? new RevokedIdentities(mesh, 'RevokedIdentities', { mesh })).add(identity);
  }

  /**
   * The AuthorizationPolicy; none when the mesh adopts an existing Istio, which writes a copy into each of its
   * namespaces instead (see `resources`).
   */
  public readonly resource?: ApiObject;

  private readonly identities: IMeshIdentity[] = [];

  public constructor(scope: Construct, id: string, props: RevokedIdentitiesProps) {
    super(scope, id);
    // From JavaScript the props may be missing altogether: each required one is then reported as missing.
    props = props ?? {} as RevokedIdentitiesProps;
    markKind(this, 'RevokedIdentities');
    this.resource = meshWideObject(this, props.mesh, (parent, objectId, namespace) => new istio.AuthorizationPolicy(parent, objectId, {
      metadata: { name: 'revoked-identities', namespace },
      spec: Lazy.any({ produce: () => this._toIstio() }),
    }));
  }

  /** Every AuthorizationPolicy written: the `resource`, or one per namespace of a mesh that adopts an existing Istio. */
  public get resources(): ApiObject[] {
    return policyObjects(this);
  }

  /** The principals denied, in the order they were revoked. */
  public get principals(): string[] {
    return this.identities.map(i => i.principal);
  }

  /** Denies every request from `identity`. */
  public add(identity: IMeshIdentity): void {
    if (!isMeshIdentityKind(identity)) {
      reportError(this, 'MESH0009', `add() was given ${identity === undefined ? 'nothing' : 'something that is not a service or gateway of a mesh'}: name a MeshService, one imported with MeshService.fromName(), or a gateway`);
      return;
    }
    if (this.identities.some(i => i.principal === identity.principal)) {
      reportError(this, 'MESH0211', `identity '${identity.principal}' is already revoked: revoke each identity once`);
      return;
    }
    this.identities.push(identity);
  }

  /** @internal */
  public _toIstio(): istio.AuthorizationPolicySpec {
    return {
      action: istio.AuthorizationPolicySpecAction.DENY,
      rules: [{ from: [{ source: { principals: this.principals } }] }],
    };
  }
}

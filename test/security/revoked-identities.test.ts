import { MeshTesting } from '../../src';
import { validateManifests } from '../support/schemas';
import { newMesh, newService } from '../support/util';

describe('revoking an identity', () => {
  test('denies it mesh-wide, before any ALLOW policy', () => {
    // GIVEN a service whose key may have leaked
    const mesh = newMesh();
    const web = newService(mesh, 'web');
    const db = newService(mesh, 'db');
    // WHEN it is revoked
    mesh.revokeIdentity(web);
    mesh.revokeIdentity(db);
    // THEN one DENY policy in the root namespace names them
    const manifests = MeshTesting.synth(mesh);
    const policy = MeshTesting.find(manifests, 'AuthorizationPolicy', 'revoked-identities', 'istio-system');
    expect(policy.spec).toEqual({
      action: 'DENY',
      rules: [{ from: [{ source: { principals: ['cluster.local/ns/default/sa/web', 'cluster.local/ns/default/sa/db'] } }] }],
    });
    expect(validateManifests(manifests)).toEqual([]);
  });

  test('fails on revoking one identity twice', () => {
    const mesh = newMesh();
    const web = newService(mesh, 'web');
    mesh.revokeIdentity(web);
    expect(() => mesh.revokeIdentity(web)).toThrow("[MESH0211] mesh/RevokedIdentities: identity 'cluster.local/ns/default/sa/web' is already revoked: revoke each identity once");
  });
});

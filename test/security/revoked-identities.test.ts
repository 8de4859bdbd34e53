import { MeshTesting, RevokedIdentities } from '../../src';
import { validateManifests } from '../support/schemas';
import { newMesh, newService, synthErrors } from '../support/util';

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
    mesh.revokeIdentity(web);
    expect((mesh.node.findChild('RevokedIdentities') as RevokedIdentities).principals).toEqual(['cluster.local/ns/default/sa/web']);
    expect(synthErrors(mesh)).toEqual(["[mesh/RevokedIdentities] [MESH0211] identity 'cluster.local/ns/default/sa/web' is already revoked: revoke each identity once"]);
  });

  test('fails on every identity revoked twice in one run', () => {
    const mesh = newMesh();
    const web = newService(mesh, 'web');
    const db = newService(mesh, 'db');
    mesh.revokeIdentity(web);
    mesh.revokeIdentity(db);
    mesh.revokeIdentity(web);
    mesh.revokeIdentity(db);
    expect(synthErrors(mesh)).toEqual([
      "[mesh/RevokedIdentities] [MESH0211] identity 'cluster.local/ns/default/sa/web' is already revoked: revoke each identity once",
      "[mesh/RevokedIdentities] [MESH0211] identity 'cluster.local/ns/default/sa/db' is already revoked: revoke each identity once",
    ]);
  });
});

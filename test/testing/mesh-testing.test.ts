import { AccessPolicy, MeshTesting } from '../../src';
import { newMesh, newService } from '../support/util';

describe('MeshTesting', () => {
  test('synth returns every layer in apply order', () => {
    const mesh = newMesh();
    newService(mesh, 'web', ['v1'], { namespace: 'apps' });
    const kinds = MeshTesting.synth(mesh).map(m => m.kind);
    const firstOf = (kind: string) => kinds.indexOf(kind);
    expect(kinds.slice(0, 15)).toEqual(Array(15).fill('CustomResourceDefinition'));
    expect(kinds.slice(15, 17)).toEqual(['Namespace', 'Namespace']);
    expect(firstOf('MutatingWebhookConfiguration')).toBeGreaterThan(16);
    expect(firstOf('MutatingWebhookConfiguration')).toBeLessThan(firstOf('PeerAuthentication'));
    const workloads = kinds.slice(firstOf('PeerAuthentication'));
    expect(workloads.sort()).toEqual(['AuthorizationPolicy', 'Deployment', 'NetworkPolicy', 'PeerAuthentication', 'Service', 'ServiceAccount']);
  });

  test('allowedCallers: nobody by default', () => {
    const mesh = newMesh();
    const web = newService(mesh, 'web');
    const api = newService(mesh, 'api');
    expect(MeshTesting.allowedCallers(mesh, api)).toEqual([]);
    new AccessPolicy(mesh, 'api-access', { service: api, allow: [{ from: web }] });
    expect(MeshTesting.allowedCallers(mesh, api)).toEqual(['cluster.local/ns/default/sa/web']);
    expect(MeshTesting.allowedCallers(mesh, web)).toEqual([]);
  });

  test('allowedCallers in a mesh that opts out of deny-by-default: unrestricted, restricted, denied by default', () => {
    const mesh = newMesh({ denyByDefault: false });
    const web = newService(mesh, 'web');
    const api = newService(mesh, 'api');
    const db = newService(mesh, 'db');
    expect(MeshTesting.allowedCallers(mesh, api)).toEqual(['*']);

    new AccessPolicy(mesh, 'api-access', { service: api, allow: [{ from: web }] });
    expect(MeshTesting.allowedCallers(mesh, api)).toEqual(['cluster.local/ns/default/sa/web']);
    expect(MeshTesting.allowedCallers(mesh, db)).toEqual(['*']);

    mesh.denyByDefault();
    expect(MeshTesting.allowedCallers(mesh, db)).toEqual([]);
    expect(MeshTesting.allowedCallers(mesh, api)).toEqual(['cluster.local/ns/default/sa/web']);
  });

  test('find fails unless exactly one object matches', () => {
    const mesh = newMesh();
    newService(mesh, 'web');
    const manifests = MeshTesting.synth(mesh);
    expect(() => MeshTesting.find(manifests, 'Service', 'nope')).toThrow("expected one Service 'nope', found 0");
    expect(() => MeshTesting.find(manifests, 'Service', 'web', 'other')).toThrow("expected one Service 'web' in namespace 'other', found 0");
  });
});

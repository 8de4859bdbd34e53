import { ApiObject, App, Testing } from 'cdk8s';
import { AccessPolicy, Mesh, MeshService, Protocol } from '../src';
import { synthErrors } from './support/util';

/**
 * Synthesis reuses what it works out from the tree (the pods of each namespace, the objects whose size it has
 * checked) within one synchronous run: a change between two syntheses in the same run must still be seen.
 */

function shop(): Mesh {
  const mesh = new Mesh(new App(), 'shop');
  const web = new MeshService(mesh, 'web', { namespace: 'store', ports: [{ port: 8080, protocol: Protocol.HTTP }] });
  web.addVersion('v1', { image: 'example/web:v1' });
  new AccessPolicy(mesh, 'web-access', { service: web, allow: [{ from: web }] });
  return mesh;
}

describe('caches of one synchronous run', () => {
  test('a Deployment added by hand after an analysis, in the same run, gives its namespace its Pod Security labels', () => {
    // GIVEN a namespace with no pods yet, analysed
    const mesh = shop();
    mesh.setNamespaceRevision('team', '');
    mesh.analyze();
    const labelsOf = () => Testing.synth(mesh.charts[1]).find(o => o.kind === 'Namespace' && o.metadata.name === 'team')!.metadata.labels;
    expect(labelsOf()['pod-security.kubernetes.io/enforce']).toBeUndefined();

    // WHEN a Deployment of the user's own is added there, in the same run
    new ApiObject(mesh, 'batch', {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'batch', namespace: 'team' },
      spec: { selector: { matchLabels: { app: 'batch' } }, template: { metadata: { labels: { app: 'batch' } }, spec: { containers: [{ name: 'c', image: 'example/batch:1' }] } } },
    });

    // THEN
    expect(labelsOf()['pod-security.kubernetes.io/enforce']).toBeDefined();
  });

  test('an object too large for the API server, added between two syntheses in the same run, is reported (MESH0077)', () => {
    // GIVEN
    const mesh = shop();
    expect(synthErrors(mesh)).toEqual([]);

    // WHEN
    new ApiObject(mesh, 'big', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'big', namespace: 'store' }, data: { blob: 'a'.repeat(2_000_000) } });

    // THEN
    expect(synthErrors(mesh)).toEqual([
      "[shop] [MESH0077] ConfigMap 'big' is 2000103 bytes once serialized, over the 1572864 bytes (1.5 MiB) the API server stores: shorten the values that make it large, or split it",
    ]);
  });
});

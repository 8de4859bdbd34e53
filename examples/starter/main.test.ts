import { Testing } from 'cdk8s';
import { MeshTesting } from 'cdk8s-mesh';
import { shop } from './mesh';

describe('the shop mesh', () => {
  const { mesh } = shop(Testing.app());
  const manifests = MeshTesting.synth(mesh); // every layer, validated as `cdk8s synth` validates

  test('api v2 is a 10% canary', () => {
    const route = MeshTesting.find(manifests, 'VirtualService', 'api', 'shop');
    expect(route.spec.http[0].route).toEqual([
      expect.objectContaining({ destination: expect.objectContaining({ subset: 'v1' }), weight: 90 }),
      expect.objectContaining({ destination: expect.objectContaining({ subset: 'v2' }), weight: 10 }),
    ]);
  });
});

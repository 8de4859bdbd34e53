import { Testing } from 'cdk8s';
import { HttpMethod, MeshTesting } from 'cdk8s-mesh';
import { shop } from './mesh';

const { mesh, gateway, web, api } = shop(Testing.app());
const manifests = MeshTesting.synth(mesh); // every layer, validated as `cdk8s synth` validates: once, for every question

describe('who may call whom', () => {
  test.each([
    { from: gateway, to: web, allowed: true },
    { from: web, to: api, allowed: true },
    { from: gateway, to: api, allowed: false }, // deny-by-default: no AccessPolicy lets the gateway past web
    { from: api, to: web, allowed: false },
  ])('$from.serviceName -> $to.serviceName: $allowed', ({ from, to, allowed }) => {
    expect(MeshTesting.canCall(mesh, from, to, {}, manifests)).toBe(allowed);
  });

  test('web may GET and POST api, nothing else', () => {
    expect(MeshTesting.canCall(mesh, web, api, { method: HttpMethod.POST }, manifests)).toBe(true);
    expect(MeshTesting.explainCall(mesh, web, api, { method: HttpMethod.DELETE }, manifests).allowed).toBe(false);
  });
});

test('api v2 is a 10% canary', () => {
  expect(MeshTesting.routeFor(mesh, api, {}, manifests).map(t => [t.version, t.weight])).toEqual([['v1', 90], ['v2', 10]]);
});

test('what the program adds', () => {
  const objects = MeshTesting.snapshot(mesh); // no CRDs, no control plane: the services, routes and policies
  expect(objects.filter(o => o.kind === 'CustomResourceDefinition')).toEqual([]);
  expect(objects.map(o => `${o.kind}/${o.metadata.name}`)).toEqual(expect.arrayContaining([
    'Deployment/api-v1', 'Deployment/api-v2', 'VirtualService/api', 'AuthorizationPolicy/api',
  ]));
  expect(objects).toMatchSnapshot();
});

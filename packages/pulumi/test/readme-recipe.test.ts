import * as k8s from '@pulumi/kubernetes';
import { App } from 'cdk8s';
import { AccessPolicy, IngressGateway, Mesh, MeshService, TrafficSplit, TrafficTarget } from 'cdk8s-mesh';
import { MeshRelease, MeshReleaseMocks, outputOf } from 'cdk8s-mesh-pulumi';

// The program under test. In an application this is a function of its own module, which the Pulumi
// program (index.ts) calls with the stack's config.
function shop(canaryPercent: number) {
  const app = new App();
  const mesh = new Mesh(app, 'shop');
  const web = new MeshService(mesh, 'web', { namespace: 'shop', ports: [{ port: 8080 }] });
  web.addVersion('v1', { image: 'example/web:1.0' });
  const reviews = new MeshService(mesh, 'reviews', { namespace: 'shop', ports: [{ port: 9080 }] });
  reviews.addVersion('v1', { image: 'example/reviews:1.0' });
  reviews.addVersion('v2', { image: 'example/reviews:2.0' });
  new TrafficSplit(mesh, 'reviews-routes', {
    service: reviews,
    routes: [{ targets: [TrafficTarget.version('v1', 100 - canaryPercent), TrafficTarget.version('v2', canaryPercent)] }],
  });
  const gateway = new IngressGateway(mesh, 'edge', { listeners: [{ port: 80, hosts: ['shop.example.com'] }] });
  gateway.addRoute({ service: web });
  new AccessPolicy(mesh, 'web-access', { service: web, allow: [{ from: gateway }] });
  new AccessPolicy(mesh, 'reviews-access', { service: reviews, allow: [{ from: web }] });

  const cluster = new k8s.Provider('cluster', { context: 'kind-shop' });
  const release = new MeshRelease('shop', { source: app }, { provider: cluster });
  return { release, reviews, gateway };
}

describe('the shop release', () => {
  let mocks: MeshReleaseMocks;
  let program: ReturnType<typeof shop>;

  beforeAll(async () => {
    mocks = await MeshReleaseMocks.install({
      // What the cluster would report: the gateway's load balancer gets an address.
      outputs: ({ type, inputs }) => type === 'kubernetes:core/v1:Service' && inputs.spec.type === 'LoadBalancer'
        ? { ...inputs, status: { loadBalancer: { ingress: [{ ip: '203.0.113.10' }] } } }
        : undefined,
    });
    program = shop(10); // after the install: resources created before it are not recorded
    await mocks.settled(); // every resource registered
  });

  test('every Kubernetes object goes through the cluster provider', () => {
    const cluster = mocks.find('cluster', 'pulumi:providers:kubernetes');
    expect(mocks.objects.length).toBeGreaterThan(50);
    for (const object of mocks.objects) {
      expect(object.provider.startsWith(`${cluster.urn}::`)).toBe(true);
    }
  });

  test('10% of reviews traffic goes to v2', async () => {
    const resources = await mocks.registered(program.release.getResources(program.reviews));
    const route = resources.find(r => r.type === 'kubernetes:networking.istio.io/v1:VirtualService')!;
    expect(route.inputs.spec.http[0].route.map((r: any) => [r.destination.subset, r.weight])).toEqual([['v1', 90], ['v2', 10]]);
  });

  test('the reviews pods are created after istiod, so they get their sidecar', async () => {
    const istiod = mocks.find('shop:istio-system/istiod', 'kubernetes:apps/v1:Deployment');
    const deployments = (await mocks.registered(program.release.getResources(program.reviews)))
      .filter(r => r.type === 'kubernetes:apps/v1:Deployment');
    expect(deployments.map(d => d.inputs.metadata.name)).toEqual(['reviews-v1', 'reviews-v2']);
    for (const deployment of deployments) {
      expect(mocks.createdBefore(deployment)).toContain(istiod.urn);
    }
  });

  test('the gateway\'s address is an output of its Service', async () => {
    const service = program.release.getResources(program.gateway)
      .find((r): r is k8s.core.v1.Service => r instanceof k8s.core.v1.Service)!;
    expect(await outputOf(service.status.loadBalancer.ingress[0].ip)).toEqual('203.0.113.10');
  });
});

import * as k8s from '@pulumi/kubernetes';
import * as pulumi from '@pulumi/pulumi';
import { ApiObject, App, Chart } from 'cdk8s';
import { MeshRelease, MeshReleaseMocks, outputOf } from '../src';

/** Two charts: a Namespace, then a ConfigMap and a LoadBalancer Service in it. */
function shop() {
  const app = new App();
  const base = new Chart(app, 'base');
  const namespace = new ApiObject(base, 'ns', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'shop' } });
  const apps = new Chart(app, 'apps');
  apps.addDependency(base);
  const config = new ApiObject(apps, 'config', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'settings', namespace: 'shop' }, data: { mode: 'fast' } });
  const service = new ApiObject(apps, 'web', {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: 'web', namespace: 'shop' },
    spec: { type: 'LoadBalancer', ports: [{ port: 80 }] },
  });
  return { app, namespace, config, service };
}

describe('MeshReleaseMocks records what the engine receives', () => {
  test('type, name, parent, provider, dependencies, inputs and state of each resource', async () => {
    // GIVEN
    const mocks = await MeshReleaseMocks.install();
    const { app, namespace, config } = shop();
    // WHEN
    const provider = new k8s.Provider('cluster', { context: 'kind-shop' });
    const ready = new k8s.core.v1.ConfigMap('ready', { data: {} });
    const release = new MeshRelease('shop', { source: app }, { provider, dependsOn: [ready] });
    await mocks.settled();
    // THEN
    expect(mocks.resources.map(r => [r.type, r.name]).sort()).toEqual([
      ['cdk8s-mesh:index:ChartRelease', 'shop:apps'],
      ['cdk8s-mesh:index:ChartRelease', 'shop:base'],
      ['cdk8s-mesh:index:MeshRelease', 'shop'],
      ['kubernetes:core/v1:ConfigMap', 'ready'],
      ['kubernetes:core/v1:ConfigMap', 'shop:shop/settings'],
      ['kubernetes:core/v1:Namespace', 'shop:shop'],
      ['kubernetes:core/v1:Service', 'shop:shop/web'],
      ['pulumi:providers:kubernetes', 'cluster'],
    ]);
    expect(mocks.objects.map(r => r.name).sort()).toEqual(['ready', 'shop:shop', 'shop:shop/settings', 'shop:shop/web']);

    const cluster = mocks.find('cluster');
    const settings = await mocks.registrationOf(release.getResource(config));
    const ns = await mocks.registrationOf(release.getResource(namespace));
    expect(settings.custom).toBe(true);
    expect(settings.parent).toEqual(mocks.find('shop:apps').urn);
    expect(mocks.find('shop:apps').parent).toEqual(mocks.find('shop', 'cdk8s-mesh:index:MeshRelease').urn);
    expect(mocks.find('shop:apps').custom).toBe(false);
    expect(settings.provider).toEqual(`${cluster.urn}::cluster-id`);
    expect(mocks.find('ready').provider).toEqual('');
    expect(settings.dependencies).toEqual([ns.urn]);
    expect(ns.dependencies).toEqual([mocks.find('ready').urn]);
    expect(settings.inputs).toEqual(config.toJson());
    expect(settings.state).toEqual(settings.inputs);
    expect(mocks.createdBefore(settings)).toEqual(new Set([ns.urn, mocks.find('ready').urn]));
    expect(mocks.createdBefore(ns.urn)).toEqual(new Set([mocks.find('ready').urn]));
    expect(mocks.byUrn(settings.urn)).toBe(settings);
  });

  test('outputs gives a resource the state a cluster would, and outputOf reads it', async () => {
    const mocks = await MeshReleaseMocks.install({
      outputs: ({ type, inputs }) => type === 'kubernetes:core/v1:Service'
        ? { ...inputs, status: { loadBalancer: { ingress: [{ ip: '203.0.113.7' }] } } }
        : undefined,
    });
    const { app, service, config } = shop();
    const release = new MeshRelease('shop', { source: app });
    const web = release.getResource(service) as k8s.core.v1.Service;
    expect(await outputOf(web.status.loadBalancer.ingress[0].ip)).toEqual('203.0.113.7');
    expect(await outputOf(web.spec.type)).toEqual('LoadBalancer');
    expect(await outputOf((release.getResource(config) as k8s.core.v1.ConfigMap).data)).toEqual({ mode: 'fast' });
    expect((await mocks.registrationOf(web)).state.status.loadBalancer.ingress).toEqual([{ ip: '203.0.113.7' }]);
    expect(await outputOf(Promise.resolve(3))).toBe(3);
    expect(await outputOf('plain')).toBe('plain');
  });

  test('fails rather than waits forever on an output that is unknown in a preview', async () => {
    await MeshReleaseMocks.install({ preview: true });
    expect(pulumi.runtime.isDryRun()).toBe(true);
    const { app, service } = shop();
    const web = new MeshRelease('shop', { source: app }).getResource(service) as k8s.core.v1.Service;
    expect(await outputOf(web.spec.type)).toEqual('LoadBalancer');
    await expect(outputOf(web.status)).rejects.toThrow('the output is unknown, as it is in a preview when the mocks return no value for it: '
      + 'give it a value with `outputs` in the options');
  });

  test('project, stack and config reach the program', async () => {
    await MeshReleaseMocks.install({ project: 'shop', stack: 'dev', config: { 'shop:replicas': '3' } });
    expect(pulumi.getProject()).toEqual('shop');
    expect(pulumi.getStack()).toEqual('dev');
    expect(new pulumi.Config().requireNumber('replicas')).toBe(3);
  });

  test('each install starts a new record', async () => {
    const first = await MeshReleaseMocks.install();
    const old = new k8s.core.v1.ConfigMap('old', {});
    await first.settled();
    expect(first.resources.map(r => r.name)).toEqual(['old']);
    const second = await MeshReleaseMocks.install();
    expect(second.resources).toEqual([]);
    await expect(second.registrationOf(old)).rejects.toThrow(/^no resource registered as urn:pulumi:stack::project::kubernetes:core\/v1:ConfigMap::old since the install: create it after MeshReleaseMocks.install\(\)$/);
  });

  test.each([
    ['no resource has the name', 'nope', undefined, "expected one resource named 'nope', found 0"],
    ['two types share the name', 'shop:shop/web', undefined, "expected one resource named 'shop:shop/web', found 2 (kubernetes:core/v1:ConfigMap, kubernetes:core/v1:Service): give the type"],
    ['no resource of the type has the name', 'shop:shop/web', 'kubernetes:apps/v1:Deployment', "expected one resource named 'shop:shop/web' of type kubernetes:apps/v1:Deployment, found 0"],
  ])('find fails when %s', async (_name, name, type, message) => {
    const mocks = await MeshReleaseMocks.install();
    const { app } = shop();
    new ApiObject(app.charts[1], 'web-config', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'web', namespace: 'shop' } });
    new MeshRelease('shop', { source: app });
    await mocks.settled();
    expect(() => mocks.find(name, type)).toThrow(message);
    expect(mocks.find('shop:shop/web', 'kubernetes:core/v1:Service').inputs.kind).toEqual('Service');
  });
});

import * as k8s from '@pulumi/kubernetes';
import * as pulumi from '@pulumi/pulumi';
import { ApiObject, App, Chart, JsonPatch, Testing } from 'cdk8s';
import { Bookinfo } from '../../../examples/bookinfo/mesh';
import { MeshRelease, MeshReleaseMocks } from '../src';

/** Bookinfo (the whole example: control plane, gateway, policy, telemetry) released under mocks. */
async function releaseBookinfo(props: { reviewsCanaryPercent?: number } = {}, opts?: pulumi.ComponentResourceOptions) {
  const mocks = await MeshReleaseMocks.install();
  const app = new App();
  const mesh = new Bookinfo(app, 'bookinfo', props);
  const release = new MeshRelease('bookinfo', { source: app }, opts);
  await mocks.registered([...release.resources, ...release.charts, release]);
  return { mocks, mesh, release };
}

/** What `cdk8s synth` writes for the same program, chart by chart. */
function synthesized(props: { reviewsCanaryPercent?: number } = {}): Map<string, any[]> {
  const app = new App();
  new Bookinfo(app, 'bookinfo', props);
  return new Map(app.charts.map(chart => [chart.node.id, Testing.synth(chart)]));
}

const tokenOf = (m: any) => `kubernetes:${m.apiVersion.includes('/') ? m.apiVersion : `core/${m.apiVersion}`}:${m.kind}`;
const nameOf = (m: any) => `bookinfo:${m.metadata.namespace ? `${m.metadata.namespace}/` : ''}${m.metadata.name}`;
const urnsOf = (mocks: MeshReleaseMocks, chart: string) => {
  const component = mocks.find(`bookinfo:${chart}`, 'cdk8s-mesh:index:ChartRelease');
  return mocks.objects.filter(r => r.parent === component.urn).map(r => r.urn);
};

describe('MeshRelease of Bookinfo', () => {
  let mocks: MeshReleaseMocks;
  let release: MeshRelease;
  let mesh: Bookinfo;
  beforeAll(async () => {
    ({ mocks, release, mesh } = await releaseBookinfo());
  });

  test('every object cdk8s synth writes is one resource of its kind, with the manifest as its inputs', () => {
    const manifests = [...synthesized().values()].flat();
    expect(manifests).toHaveLength(113);
    expect(mocks.objects).toHaveLength(manifests.length);
    for (const manifest of manifests) {
      const registration = mocks.find(nameOf(manifest), tokenOf(manifest));
      expect(registration.inputs).toEqual(manifest);
    }
  });

  test('built-in kinds get the typed class of @pulumi/kubernetes, Istio kinds a CustomResource', () => {
    expect(release.getResource('apps/v1/Deployment', 'bookinfo', 'reviews-v3')).toBeInstanceOf(k8s.apps.v1.Deployment);
    expect(release.getResource('v1/Namespace', 'bookinfo')).toBeInstanceOf(k8s.core.v1.Namespace);
    expect(release.getResource('admissionregistration.k8s.io/v1/MutatingWebhookConfiguration', 'istio-sidecar-injector'))
      .toBeInstanceOf(k8s.admissionregistration.v1.MutatingWebhookConfiguration);
    expect(release.getResource('apiextensions.k8s.io/v1/CustomResourceDefinition', 'virtualservices.networking.istio.io'))
      .toBeInstanceOf(k8s.apiextensions.v1.CustomResourceDefinition);
    expect(release.getResource('networking.istio.io/v1/VirtualService', 'bookinfo', 'reviews')).toBeInstanceOf(k8s.apiextensions.CustomResource);

    const kinds = new Map<string, string>();
    for (const resource of release.resources) {
      const type = (resource as any).__pulumiType as string;
      const typed = (resource.constructor as any).__pulumiType;
      if (type.includes('istio.io/')) {
        expect(resource).toBeInstanceOf(k8s.apiextensions.CustomResource);
      } else {
        expect(typed).toEqual(type);
      }
      kinds.set(type, resource.constructor.name);
    }
    expect(kinds.get('kubernetes:autoscaling/v2:HorizontalPodAutoscaler')).toEqual('HorizontalPodAutoscaler');
    expect(kinds.get('kubernetes:rbac.authorization.k8s.io/v1:ClusterRole')).toEqual('ClusterRole');
    expect(kinds.get('kubernetes:telemetry.istio.io/v1:Telemetry')).toEqual('CustomResource');
    expect(() => release.getResource('apps/v1/Deployment', 'bookinfo', 'nope')).toThrow("the release has no apps/v1/Deployment 'bookinfo/nope'");
  });

  test('one component per chart, in apply order, each holding its chart\'s objects', () => {
    expect(release.charts.map(c => c.chartId)).toEqual(mesh.charts.map(c => c.node.id));
    expect(release.charts.map(c => c.resources.length)).toEqual([15, 4, 25, 38, 31]);
    const release_ = mocks.find('bookinfo', 'cdk8s-mesh:index:MeshRelease');
    for (const chart of release.charts) {
      const component = mocks.find(`bookinfo:${chart.chartId}`, 'cdk8s-mesh:index:ChartRelease');
      expect(component.parent).toEqual(release_.urn);
      expect(urnsOf(mocks, chart.chartId)).toHaveLength(chart.resources.length);
    }
  });

  test('CRDs first, then namespaces, then the control plane, then workloads and policy; telemetry after the namespaces', () => {
    const crds = urnsOf(mocks, 'bookinfo-crds');
    const namespaces = urnsOf(mocks, 'bookinfo-namespaces');
    const controlPlane = urnsOf(mocks, 'bookinfo-control-plane');
    const dependencies = (chart: string) => urnsOf(mocks, chart).map(urn => mocks.byUrn(urn).dependencies.slice().sort());
    for (const deps of dependencies('bookinfo-crds')) {
      expect(deps).toEqual([]);
    }
    for (const deps of dependencies('bookinfo-namespaces')) {
      expect(deps).toEqual(crds.slice().sort());
    }
    for (const deps of dependencies('bookinfo-control-plane')) {
      expect(deps).toEqual(namespaces.slice().sort());
    }
    for (const deps of dependencies('bookinfo')) {
      expect(deps).toEqual(controlPlane.slice().sort());
    }
    for (const deps of dependencies('bookinfo-telemetry')) {
      expect(deps).toEqual(namespaces.slice().sort());
    }
  });

  test('every custom resource depends on its CRD', () => {
    const crds = mocks.objects.filter(r => r.inputs.kind === 'CustomResourceDefinition');
    const custom = mocks.objects.filter(r => r.type.includes('.istio.io/'));
    expect(custom.length).toBeGreaterThan(10);
    for (const object of custom) {
      const crd = crds.find(c => c.inputs.spec.group === object.inputs.apiVersion.split('/')[0] && c.inputs.spec.names.kind === object.inputs.kind);
      expect(crd).toBeDefined();
      expect(mocks.createdBefore(object.urn)).toContain(crd!.urn);
    }
  });

  test('workloads and gateways depend on istiod and on the webhooks that inject and validate them', () => {
    const istiod = mocks.find('bookinfo:istio-system/istiod', 'kubernetes:apps/v1:Deployment').urn;
    const injector = mocks.find('bookinfo:istio-sidecar-injector', 'kubernetes:admissionregistration.k8s.io/v1:MutatingWebhookConfiguration').urn;
    const validator = mocks.objects.find(r => r.inputs.kind === 'ValidatingWebhookConfiguration')!.urn;
    const workloads = mocks.objects.filter(r => r.inputs.kind === 'Deployment' && r.inputs.metadata.namespace === 'bookinfo');
    expect(workloads.map(w => w.inputs.metadata.name).sort()).toEqual(['details-v1', 'productpage-v1', 'ratings-v1', 'reviews-v1', 'reviews-v2', 'reviews-v3']);
    const gateway = mocks.find('bookinfo:istio-ingress/bookinfo-gateway', 'kubernetes:apps/v1:Deployment');
    const policy = mocks.objects.filter(r => ['VirtualService', 'DestinationRule', 'AuthorizationPolicy', 'PeerAuthentication'].includes(r.inputs.kind));
    for (const object of [...workloads, gateway, ...policy]) {
      expect(object.dependencies).toEqual(expect.arrayContaining([istiod, injector, validator]));
    }
    // istiod itself is not behind its own webhook.
    expect(mocks.createdBefore(istiod)).not.toContain(injector);
  });
});

describe('finding the resource of a cdk8s object', () => {
  let mocks: MeshReleaseMocks;
  let release: MeshRelease;
  let mesh: Bookinfo;
  let app: App;
  beforeAll(async () => {
    ({ mocks, release, mesh } = await releaseBookinfo());
    app = mesh.node.root as App;
  });
  /** Where each resource is in the release (a failed comparison of Pulumi resources themselves prints megabytes). */
  const indices = (resources: pulumi.CustomResource[]) => resources.map(r => release.resources.indexOf(r));

  test('getResource(apiObject) is the resource registered with that object\'s manifest, for each of the 113', async () => {
    const apiObjects = app.charts.flatMap(chart => chart.node.findAll().filter(ApiObject.isApiObject));
    expect(apiObjects).toHaveLength(113);
    const resources = apiObjects.map(apiObject => release.getResource(apiObject));
    expect(new Set(resources).size).toBe(113);
    const registrations = await mocks.registered(resources);
    registrations.forEach((registration, i) => expect(registration.inputs).toEqual(apiObjects[i].toJson()));
  });

  test('getResource(apiObject) and the string form agree', () => {
    const deployment = mesh.reviews.node.findAll().filter(ApiObject.isApiObject).find(o => o.kind === 'Deployment' && o.name === 'reviews-v2')!;
    expect(indices([release.getResource(deployment)])).toEqual(indices([release.getResource('apps/v1/Deployment', 'bookinfo', 'reviews-v2')]));
  });

  test('getResources(construct) is every object under it, in registration order', async () => {
    const gateway = release.getResources(mesh.gateway);
    const registrations = await mocks.registered(gateway);
    expect(registrations.map(r => `${r.inputs.kind}/${r.inputs.metadata.name}`).sort()).toEqual([
      'AuthorizationPolicy/bookinfo-gateway', 'Deployment/bookinfo-gateway', 'Gateway/bookinfo-gateway', 'NetworkPolicy/bookinfo-gateway',
      'Service/bookinfo-gateway', 'ServiceAccount/bookinfo-gateway', 'VirtualService/bookinfo-gateway',
    ]);
    expect(indices(gateway)).toEqual(indices(gateway).slice().sort((a, b) => a - b));
    // A chart: exactly its component's resources (the Mesh itself, a chart too, stands for the whole mesh: below).
    for (const chart of app.charts.filter(c => c !== mesh)) {
      expect(indices(release.getResources(chart))).toEqual(indices(release.charts.find(c => c.chartId === chart.node.id)!.resources));
    }
  });

  test('getResources of a Mesh or the App is every object of the release, though a mesh\'s layers are charts beside it', () => {
    expect(mesh.node.findAll().filter(ApiObject.isApiObject)).toHaveLength(38);
    expect(indices(release.getResources(mesh))).toEqual(indices(release.resources));
    expect(indices(release.getResources(app))).toEqual(indices(release.resources));
  });

  test('fails with the object\'s kind, name and path when the object is in a chart the release does not deploy', () => {
    const other = new App();
    const stray = new ApiObject(new Chart(other, 'other'), 'stray', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'stray', namespace: 'bookinfo' } });
    expect(() => release.getResource(stray)).toThrow("the release has no ConfigMap 'bookinfo/stray' (other/stray): "
      + 'its chart is not deployed by this release: give the release the App, or the chart that holds it');
  });

  test('fails when the object was created after the release', () => {
    const late = new ApiObject(app.charts[3], 'late', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'late' } });
    try {
      expect(() => release.getResource(late)).toThrow("the release has no ConfigMap 'late' (bookinfo/late): "
        + 'it was created after the release, which deploys what its charts held then: create every object before the MeshRelease');
      expect(() => release.getResources(late)).toThrow("the release has no object of 'bookinfo/late': the construct synthesizes no object, "
        + 'or only objects of charts the release does not deploy');
    } finally {
      app.charts[3].node.tryRemoveChild('late');
    }
  });

  test('getResource(apiObject) follows the object as synthesized: a JSON patch that renames it', async () => {
    const patchedMocks = await MeshReleaseMocks.install();
    const own = new App();
    const config = new ApiObject(new Chart(own, 'chart'), 'config', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'before', namespace: 'default' } });
    config.addJsonPatch(JsonPatch.replace('/metadata/name', 'after'));
    const patched = new MeshRelease('patched', { source: own });
    expect((await patchedMocks.registrationOf(patched.getResource(config))).name).toEqual('patched:default/after');
    expect(patched.getResource(config)).toBe(patched.getResource('v1/ConfigMap', 'default', 'after'));
  });

  test.each([
    ['undefined', undefined, 'getResource(undefined) is given no ApiObject: pass a cdk8s ApiObject, or its apiVersion/kind, namespace and name'],
    ['a kind alone', 'apps/v1/Deployment', "getResource('apps/v1/Deployment') names no object: give its namespace and name, its name alone for a cluster-scoped kind, or the ApiObject itself"],
  ])('fails with a message, not a TypeError, on getResource of %s (plain JavaScript)', (_name, arg, message) => {
    expect(() => (release.getResource as any)(arg)).toThrow(message);
  });
});

describe('stable names', () => {
  test('two runs of the same program register the same resources, inputs and dependencies', async () => {
    const first = (await releaseBookinfo()).mocks;
    const second = (await releaseBookinfo()).mocks;
    expect(second.resources.map(r => r.urn)).toEqual(first.resources.map(r => r.urn));
    for (const registration of first.resources) {
      expect(second.byUrn(registration.urn).inputs).toEqual(registration.inputs);
      expect(second.byUrn(registration.urn).dependencies.slice().sort()).toEqual(registration.dependencies.slice().sort());
    }
  });

  test('a changed weight changes the inputs of exactly one resource: the VirtualService', async () => {
    const before = (await releaseBookinfo({ reviewsCanaryPercent: 10 })).mocks;
    const after = (await releaseBookinfo({ reviewsCanaryPercent: 25 })).mocks;
    expect(after.resources.map(r => r.urn).sort()).toEqual(before.resources.map(r => r.urn).sort());
    const changed = before.resources.filter(r => !isEqual(after.byUrn(r.urn).inputs, r.inputs));
    expect(changed.map(r => r.name)).toEqual(['bookinfo:bookinfo/reviews']);
    expect(changed[0].type).toEqual('kubernetes:networking.istio.io/v1:VirtualService');
    const weights = (r: any) => r.inputs.spec.http.find((h: any) => h.name === 'canary').route.map((d: any) => [d.destination.subset, d.weight]);
    expect(weights(changed[0])).toEqual([['v1', 90], ['v3', 10]]);
    expect(weights(after.byUrn(changed[0].urn))).toEqual([['v1', 75], ['v3', 25]]);
    for (const registration of before.resources) {
      expect(after.byUrn(registration.urn).dependencies.slice().sort()).toEqual(registration.dependencies.slice().sort());
    }
  });
});

test('a preview registers the same resources and dependencies as an update', async () => {
  const update = (await releaseBookinfo()).mocks;
  const preview = await MeshReleaseMocks.install({ preview: true });
  expect(pulumi.runtime.isDryRun()).toBe(true);
  const app = new App();
  new Bookinfo(app, 'bookinfo');
  const release = new MeshRelease('bookinfo', { source: app });
  await preview.registered([...release.resources, ...release.charts]);
  expect(preview.resources.map(r => r.urn).sort()).toEqual(update.resources.map(r => r.urn).sort());
  for (const registration of update.resources) {
    expect(preview.byUrn(registration.urn).dependencies.slice().sort()).toEqual(registration.dependencies.slice().sort());
  }
});

describe('resource options', () => {
  test('every object uses the provider given to the release', async () => {
    const mocks = await MeshReleaseMocks.install();
    const provider = new k8s.Provider('cluster', { context: 'kind-mesh' });
    const app = new App();
    new Bookinfo(app, 'bookinfo');
    const release = new MeshRelease('bookinfo', { source: app }, { provider });
    await mocks.registered([...release.resources, provider]);
    const providerUrn = mocks.find('cluster', 'pulumi:providers:kubernetes').urn;
    expect(mocks.objects).toHaveLength(113);
    for (const object of mocks.objects) {
      expect(object.provider).toMatch(new RegExp(`^${escape(providerUrn)}::`));
    }
  });

  test('the release\'s own dependsOn holds back its first charts (children do not inherit it)', async () => {
    const mocks = await MeshReleaseMocks.install();
    const cluster = new k8s.core.v1.ConfigMap('cluster-ready', { data: { ready: 'true' } });
    const app = new App();
    new Bookinfo(app, 'bookinfo');
    const release = new MeshRelease('bookinfo', { source: app }, { dependsOn: [cluster] });
    await mocks.registered([...release.resources, cluster]);
    const ready = mocks.find('cluster-ready').urn;
    for (const object of mocks.objects.filter(r => r.urn !== ready)) {
      expect(mocks.createdBefore(object.urn)).toContain(ready);
    }
  });

  test('skipAwait annotates every object; without it none is', async () => {
    const mocks = await MeshReleaseMocks.install();
    const app = new App();
    new Bookinfo(app, 'bookinfo');
    const release = new MeshRelease('bookinfo', { source: app, skipAwait: true });
    await mocks.registered(release.resources);
    expect(mocks.objects).toHaveLength(113);
    for (const object of mocks.objects) {
      expect(object.inputs.metadata.annotations['pulumi.com/skipAwait']).toEqual('true');
    }
    const plain = (await releaseBookinfo()).mocks;
    expect(plain.objects.filter(o => o.inputs.metadata.annotations?.['pulumi.com/skipAwait'])).toEqual([]);
  });

  test('resourcePrefix names the children; the Kubernetes names stay', async () => {
    const mocks = await MeshReleaseMocks.install();
    const app = new App();
    new Bookinfo(app, 'bookinfo');
    const release = new MeshRelease('mesh', { source: app, resourcePrefix: 'prod' });
    await mocks.registered(release.resources);
    const reviews = mocks.find('prod:bookinfo/reviews', 'kubernetes:networking.istio.io/v1:VirtualService');
    expect(reviews.inputs.metadata.name).toEqual('reviews');
    expect(mocks.find('prod:bookinfo-crds').type).toEqual('cdk8s-mesh:index:ChartRelease');
    expect(mocks.objects.every(o => o.name.startsWith('prod:'))).toBe(true);
  });
});

function isEqual(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\$]/g, '\\$&');
}

describe('MeshRelease of a mesh that adopts an existing Istio', () => {
  /** Bookinfo on the installed default revision and istio-ingressgateway, released under mocks. */
  async function releaseOnExistingIstio(namespaces: boolean) {
    const mocks = await MeshReleaseMocks.install();
    const app = new App();
    const mesh = new Bookinfo(app, 'bookinfo', { existingIstio: { namespaces }, gateway: { existing: { selector: { istio: 'ingressgateway' } } } });
    const release = new MeshRelease('bookinfo', { source: mesh });
    await mocks.registered([...release.resources, ...release.charts, release]);
    return { mocks, mesh, release };
  }

  test('deploys only the charts the mesh has: no CRDs and no control plane, the workloads after the namespaces', async () => {
    const { mocks, mesh, release } = await releaseOnExistingIstio(true);
    expect(release.charts.map(c => c.chartId)).toEqual(['bookinfo-namespaces', 'bookinfo', 'bookinfo-telemetry']);
    expect(release.charts.map(c => c.chartId)).toEqual(mesh.charts.map(c => c.node.id));
    const kinds = new Set(mocks.objects.map(r => r.inputs.kind));
    for (const kind of ['CustomResourceDefinition', 'MutatingWebhookConfiguration', 'ValidatingWebhookConfiguration', 'DaemonSet']) {
      expect(kinds.has(kind)).toBe(false);
    }
    expect(mocks.objects.filter(r => r.inputs.metadata.namespace === 'istio-system').map(r => `${r.inputs.kind}/${r.inputs.metadata.name}`))
      .toEqual(['Gateway/bookinfo-gateway', 'VirtualService/bookinfo-gateway']);
    // Istio's kinds are still custom resources, of CRDs the installation owns: nothing of the release to wait for
    const virtualService = release.getResource('networking.istio.io/v1/VirtualService', 'bookinfo', 'reviews');
    expect(virtualService).toBeInstanceOf(k8s.apiextensions.CustomResource);
    const namespaces = urnsOf(mocks, 'bookinfo-namespaces').slice().sort();
    for (const urn of urnsOf(mocks, 'bookinfo')) {
      expect(mocks.byUrn(urn).dependencies.slice().sort()).toEqual(namespaces);
    }
  });

  test('with namespaces owned elsewhere, deploys the workloads first, needing nothing of the release', async () => {
    const { mocks, release } = await releaseOnExistingIstio(false);
    expect(release.charts.map(c => c.chartId)).toEqual(['bookinfo', 'bookinfo-telemetry']);
    expect(mocks.objects.filter(r => r.inputs.kind === 'Namespace')).toEqual([]);
    for (const urn of urnsOf(mocks, 'bookinfo')) {
      expect(mocks.byUrn(urn).dependencies).toEqual([]);
    }
  });
});

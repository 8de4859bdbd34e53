import { ApiObject, Chart, Testing } from 'cdk8s';
import { IngressGateway, Mesh, MeshLayer, MeshProps, MeshService, Protocol, TelemetryStack } from '../src';
import { allowInvalidOutput } from './support/strict-synth';
import { newMesh, synthErrors } from './support/util';

const WAVE = 'argocd.argoproj.io/sync-wave';
const OPTIONS = 'argocd.argoproj.io/sync-options';

/** A mesh with a service, a gateway and a telemetry stack: objects in every layer. */
function fullMesh(props: MeshProps = {}): Mesh {
  const mesh = newMesh({ denyByDefault: false, argoCdSyncWaves: true, ...props });
  const web = new MeshService(mesh, 'web', { namespace: 'shop', ports: [{ port: 8080, protocol: Protocol.HTTP }] });
  web.addVersion('v1', { image: 'example/web:v1' });
  new IngressGateway(mesh, 'edge', { namespace: 'edge' }).addRoute({ service: web });
  new TelemetryStack(mesh, 'telemetry');
  return mesh;
}

/** Every object of every chart of the mesh, with the layer it is in (`mesh` for the mesh's own chart). */
function objectsByLayer(mesh: Mesh): Array<{ layer: string; object: any }> {
  return mesh.charts.flatMap(chart => {
    const layer = chart === mesh ? 'mesh' : chart.node.id.slice(mesh.node.id.length + 1);
    return Testing.synth(chart).map(object => ({ layer, object }));
  });
}

const waveOf = (o: any) => o.metadata?.annotations?.[WAVE];
const optionsOf = (o: any) => o.metadata?.annotations?.[OPTIONS];
const isCustom = (o: any) => o.apiVersion.includes('.') && !o.apiVersion.split('/')[0].endsWith('.k8s.io');

describe('argoCdSyncWaves', () => {
  test('every object of every layer carries its layer\'s wave: CRDs -3, namespaces -2, control plane -1, workloads and policy 0, routes 1, telemetry 0', () => {
    // GIVEN
    const mesh = fullMesh();

    // WHEN
    const objects = objectsByLayer(mesh);

    // THEN
    const expected: Record<string, string> = { 'crds': '-3', 'namespaces': '-2', 'control-plane': '-1', 'mesh': '0', 'telemetry': '0' };
    expect([...new Set(objects.map(o => o.layer))]).toEqual(Object.keys(expected));
    for (const { layer, object } of objects) {
      // Routes come after the DestinationRules and Deployments they send traffic to (make-before-break).
      const wave = layer === 'mesh' && object.kind === 'VirtualService' ? '1' : expected[layer];
      expect([layer, object.kind, object.metadata.name, waveOf(object)]).toEqual([layer, object.kind, object.metadata.name, wave]);
    }
    expect(objects.filter(o => o.object.kind === 'VirtualService').length).toBeGreaterThan(0);
  });

  test('custom resources skip the dry run while their CRD is missing, CRDs are applied server-side, built-in kinds get no sync option', () => {
    const objects = objectsByLayer(fullMesh()).map(o => o.object);

    const crds = objects.filter(o => o.kind === 'CustomResourceDefinition');
    const custom = objects.filter(o => isCustom(o));
    const builtIn = objects.filter(o => !isCustom(o) && o.kind !== 'CustomResourceDefinition');
    expect(crds.length).toBeGreaterThan(10);
    expect(custom.map(o => o.kind)).toEqual(expect.arrayContaining(['PeerAuthentication', 'Gateway', 'VirtualService', 'AuthorizationPolicy']));
    expect(builtIn.map(o => o.kind)).toEqual(expect.arrayContaining(['Namespace', 'Deployment', 'Service', 'MutatingWebhookConfiguration']));
    expect(crds.filter(o => optionsOf(o) !== 'ServerSideApply=true')).toEqual([]);
    expect(custom.filter(o => optionsOf(o) !== 'SkipDryRunOnMissingResource=true')).toEqual([]);
    expect(builtIn.filter(o => optionsOf(o) !== undefined)).toEqual([]);
  });

  test('objects added after the mesh was created are annotated too: a later service, the telemetry layer made on first use, an object put in a layer', () => {
    // GIVEN a mesh created first, everything else after it
    const mesh = newMesh({ denyByDefault: false, argoCdSyncWaves: true });
    new MeshService(mesh, 'late', { namespace: 'later', ports: [{ port: 8080, protocol: Protocol.HTTP }] }).addVersion('v1', { image: 'example/late:v1' });
    new TelemetryStack(mesh, 'telemetry');
    new ApiObject(mesh._layer(MeshLayer.CONTROL_PLANE), 'extra', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'extra', namespace: 'istio-system' } });

    // WHEN
    const objects = objectsByLayer(mesh);

    // THEN
    const find = (kind: string, name: string) => objects.find(o => o.object.kind === kind && o.object.metadata.name === name)!.object;
    expect(waveOf(find('Deployment', 'late-v1'))).toEqual('0');
    expect(waveOf(find('Namespace', 'later'))).toEqual('-2');
    expect(waveOf(find('ConfigMap', 'extra'))).toEqual('-1');
    expect(objects.filter(o => o.layer === 'telemetry').length).toBeGreaterThan(5);
    expect(objects.filter(o => waveOf(o.object) === undefined)).toEqual([]);
  });

  test('a mesh without CRDs (installCrds: false): the other layers keep their waves', () => {
    const objects = objectsByLayer(fullMesh({ installCrds: false }));

    expect(objects.filter(o => o.object.kind === 'CustomResourceDefinition')).toEqual([]);
    expect(new Set(objects.filter(o => o.layer === 'namespaces').map(o => waveOf(o.object)))).toEqual(new Set(['-2']));
    expect(new Set(objects.filter(o => o.layer === 'control-plane').map(o => waveOf(o.object)))).toEqual(new Set(['-1']));
    // A custom resource's CRD is then outside the sync: the option matters most here.
    expect(optionsOf(objects.find(o => o.object.kind === 'PeerAuthentication')!.object)).toEqual('SkipDryRunOnMissingResource=true');
  });

  test('annotations an object already has are kept; sync options are added to its own, unless it sets the same one', () => {
    // GIVEN objects of the mesh with their own annotations
    const mesh = newMesh({ denyByDefault: false, argoCdSyncWaves: true });
    const chart = mesh._layer(MeshLayer.CONTROL_PLANE);
    new ApiObject(chart, 'early', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'early', namespace: 'istio-system', annotations: { [WAVE]: '-10' } } });
    const policy = (name: string, options: string) => new ApiObject(mesh, name, {
      apiVersion: 'security.istio.io/v1',
      kind: 'AuthorizationPolicy',
      metadata: { name, namespace: 'istio-system', annotations: { [OPTIONS]: options } },
      spec: {},
    });
    policy('no-prune', 'Prune=false');
    policy('dry-run', 'SkipDryRunOnMissingResource=false');

    // WHEN
    const objects = objectsByLayer(mesh).map(o => o.object);

    // THEN
    const named = (name: string) => objects.find(o => o.metadata.name === name)!;
    expect(waveOf(named('early'))).toEqual('-10');
    expect(optionsOf(named('no-prune'))).toEqual('Prune=false,SkipDryRunOnMissingResource=true');
    expect(optionsOf(named('dry-run'))).toEqual('SkipDryRunOnMissingResource=false');
    expect(waveOf(named('no-prune'))).toEqual('0');
  });

  test('a kind whose CRD the App defines is a custom resource, whatever its group (the Gateway API\'s groups end in k8s.io)', () => {
    // GIVEN a CRD of a k8s.io group in a chart of the user's, and an object of its kind in the mesh
    allowInvalidOutput('a kind of the test\'s own, which the schemas do not know');
    const mesh = newMesh({ denyByDefault: false, argoCdSyncWaves: true });
    const own = new Chart(mesh.node.scope!, 'own');
    new ApiObject(own, 'crd', {
      apiVersion: 'apiextensions.k8s.io/v1',
      kind: 'CustomResourceDefinition',
      metadata: { name: 'widgets.things.k8s.io' },
      spec: { group: 'things.k8s.io', names: { kind: 'Widget', plural: 'widgets' }, scope: 'Namespaced', versions: [] },
    });
    new ApiObject(mesh, 'widget', { apiVersion: 'things.k8s.io/v1', kind: 'Widget', metadata: { name: 'w', namespace: 'istio-system' } });
    new ApiObject(mesh, 'route', { apiVersion: 'gateway.networking.k8s.io/v1', kind: 'HTTPRoute', metadata: { name: 'r', namespace: 'istio-system' } });

    // WHEN
    const objects = Testing.synth(mesh);

    // THEN
    expect(optionsOf(objects.find(o => o.kind === 'Widget'))).toEqual('SkipDryRunOnMissingResource=true');
    expect(optionsOf(objects.find(o => o.kind === 'HTTPRoute'))).toEqual('SkipDryRunOnMissingResource=true');
    // the user's own chart is not the mesh's: left as it is
    expect(Testing.synth(own)[0].metadata.annotations).toBeUndefined();
  });

  test('synthesizing twice gives the same objects', () => {
    const mesh = fullMesh();

    expect(objectsByLayer(mesh)).toEqual(objectsByLayer(mesh));
  });

  test('off (the default): no object carries an Argo CD annotation', () => {
    const objects = objectsByLayer(fullMesh({ argoCdSyncWaves: undefined }));

    expect(objects.length).toBeGreaterThan(50);
    expect(objects.filter(o => Object.keys(o.object.metadata?.annotations ?? {}).some(k => k.startsWith('argocd.argoproj.io/')))).toEqual([]);
  });

  describe('fails', () => {
    test('fails when an object of the mesh has a sync wave Argo CD cannot read', () => {
      const mesh = newMesh({ denyByDefault: false, argoCdSyncWaves: true });
      new ApiObject(mesh, 'odd', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'odd', namespace: 'istio-system', annotations: { [WAVE]: 'early' } } });

      expect(synthErrors(mesh)).toEqual(["[mesh] [MESH0775] mesh/odd: annotation argocd.argoproj.io/sync-wave 'early' is not an integer, so Argo CD ignores it "
        + "and syncs the object in wave 0: give a whole number such as '-1', or remove the annotation to keep the layer's wave (0)"]);
    });

    test('fails when argoCdSyncWaves is not a boolean', () => {
      const mesh = newMesh({ denyByDefault: false, argoCdSyncWaves: 'yes' as any });

      expect(synthErrors(mesh)).toEqual(["[mesh] [MESH0091] argoCdSyncWaves 'yes' is a string, not a boolean: give true or false, without quotes"]);
    });
  });
});

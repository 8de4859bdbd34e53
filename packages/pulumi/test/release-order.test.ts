import { ApiObject, App, Chart } from 'cdk8s';
import { AccessPolicy, Mesh, MeshService, Protocol, TelemetryStack, TrafficSplit, TrafficTarget } from '../../../src';
import { PlannedChart, planRelease } from '../src';

/**
 * The order a release deploys a mesh's charts in, pinned: a change to how the mesh's charts depend on each other
 * must still deploy the CRDs, the namespaces and the control plane before the workloads.
 */

/** The shop, with a telemetry stack: `api` with two versions split 90/10 and called by `web`. */
function shop(app: App, options: { userChart?: boolean } = {}): Mesh {
  const mesh = new Mesh(app, 'shop');
  const web = new MeshService(mesh, 'web', { namespace: 'store', ports: [{ port: 8080, protocol: Protocol.HTTP }] });
  web.addVersion('v1', { image: 'example/web:v1' });
  const api = new MeshService(mesh, 'api', { namespace: 'store', ports: [{ port: 8080, protocol: Protocol.HTTP }] });
  api.addVersion('v1', { image: 'example/api:v1' });
  api.addVersion('v2', { image: 'example/api:v2' });
  new TrafficSplit(mesh, 'api-split', { service: api, routes: [{ targets: [TrafficTarget.version('v1', 90), TrafficTarget.version('v2', 10)] }] });
  new AccessPolicy(mesh, 'api-access', { service: api, allow: [{ from: web }] });
  new AccessPolicy(mesh, 'web-access', { service: web, allow: [{ from: web }] });
  if (options.userChart) {
    // Created after the mesh and before its telemetry stack, whose layer is made on first use.
    const chart = new Chart(app, 'mine');
    new ApiObject(chart, 'settings', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'settings', namespace: 'store' }, data: { mode: 'shop' } });
  }
  new TelemetryStack(mesh, 'telemetry', {});
  return mesh;
}

/** The ids of the charts each chart of the plan depends on. */
function dependenciesOf(plan: PlannedChart[]): { [id: string]: string[] } {
  return Object.fromEntries(plan.map(c => [c.id, c.dependsOn.map(d => d.id)]));
}

/** Layer order: each chart with the one it must come after. */
const LAYER_EDGES: Array<[string, string]> = [
  ['shop-namespaces', 'shop-crds'],
  ['shop-control-plane', 'shop-namespaces'],
  ['shop', 'shop-control-plane'],
  ['shop-telemetry', 'shop-namespaces'],
];

/** Every chart comes after the charts it depends on. */
function expectTopological(plan: PlannedChart[]): void {
  const ids = plan.map(c => c.id);
  for (const chart of plan) {
    for (const dependency of chart.dependsOn) {
      expect([chart.id, ids.indexOf(dependency.id) < ids.indexOf(chart.id)]).toEqual([chart.id, true]);
    }
  }
}

describe('the release order of a mesh', () => {
  test('CRDs, namespaces, control plane, the workloads, then telemetry: each layer depends on the one before it', () => {
    // GIVEN
    const app = new App();
    const mesh = shop(app);

    // WHEN
    const plan = planRelease(app);

    // THEN
    expect(plan.map(c => c.id)).toEqual(['shop-crds', 'shop-namespaces', 'shop-control-plane', 'shop', 'shop-telemetry']);
    const dependencies = dependenciesOf(plan);
    for (const [chart, before] of LAYER_EDGES) {
      expect([chart, dependencies[chart]]).toEqual([chart, expect.arrayContaining([before])]);
    }
    expect(dependencies['shop-crds']).toEqual([]);
    expectTopological(plan);
    // The Mesh as the source releases the same charts in the same order.
    expect(planRelease(mesh).map(c => [c.id, c.dependsOn.map(d => d.id)])).toEqual(plan.map(c => [c.id, c.dependsOn.map(d => d.id)]));
  });

  test('a user chart created after the mesh and before its telemetry: released after the workloads, after the namespace it uses', () => {
    // GIVEN
    const app = new App();
    shop(app, { userChart: true });

    // WHEN
    const plan = planRelease(app);

    // THEN
    expect(plan.map(c => c.id)).toEqual(['shop-crds', 'shop-namespaces', 'shop-control-plane', 'shop', 'mine', 'shop-telemetry']);
    const dependencies = dependenciesOf(plan);
    for (const [chart, before] of LAYER_EDGES) {
      expect([chart, dependencies[chart]]).toEqual([chart, expect.arrayContaining([before])]);
    }
    // Its ConfigMap is in the namespace 'store', which the namespaces layer creates.
    expect(dependencies.mine).toEqual(['shop-namespaces']);
    expectTopological(plan);
  });

  test("the mesh's own analysis errors stop the release, as they stop cdk8s synth", () => {
    // GIVEN a service in the Istio CNI node agent's namespace (MESH0084, reported on the mesh itself)
    const app = new App();
    const mesh = shop(app);
    new MeshService(mesh, 'batch', { namespace: 'istio-cni', ports: [{ port: 8080, protocol: Protocol.HTTP }] }).addVersion('v1', { image: 'example/batch:v1' });

    // THEN
    expect(() => planRelease(mesh)).toThrow("[shop] [MESH0084] cni.namespace 'istio-cni' also holds service 'batch'");
    expect(() => planRelease(app)).toThrow("[shop] [MESH0084] cni.namespace 'istio-cni' also holds service 'batch'");
  });
});

import { Chart } from 'cdk8s';
import { IConstruct } from 'constructs';
import { IstioCrds } from './control-plane/istio-crds';
import { GatewayApiCrds } from './gateway-api/gateway-api-crds';
import { routingOf } from './gateway-api/routing-settings';
import type { IMesh } from './mesh-identity';
import { meshError } from './private/errors';
import { markLayer } from './private/tree';

/**
 * The layers a mesh synthesizes into, one cdk8s chart each, in the order they must be applied.
 */
export enum MeshLayer {
  /** Istio's CustomResourceDefinitions, and the Gateway API's when the mesh renders routing with it. */
  CRDS = 'crds',
  /** Namespaces: the root namespace and every namespace a service lives in. */
  NAMESPACES = 'namespaces',
  /** The control planes (istiod, its webhooks and RBAC), in the root namespace. */
  CONTROL_PLANE = 'control-plane',
  /**
   * The telemetry stack (Prometheus, Grafana, tracing, Kiali): only when the mesh has one. It needs only its
   * namespace, so it is written last, after the workloads.
   */
  TELEMETRY = 'telemetry',
}

/** The layers created with the mesh, in apply order; the mesh's own chart (workloads and policy) follows them. */
const LEADING_LAYERS = [MeshLayer.CRDS, MeshLayer.NAMESPACES, MeshLayer.CONTROL_PLANE];

/**
 * Creates the charts of the layers that must exist before the mesh's own chart, beside it and in apply order.
 * They form a chain: each depends on the one before it, and the mesh on the last. (cdk8s makes every object
 * of a chart depend on every object of the charts it depends on, so direct edges to all would cost more.)
 *
 * @internal
 */
export function createLayers(mesh: IMesh & Chart): void {
  const routing = routingOf(mesh);
  // The Gateway API's CRDs have a layer even when Istio's are left to someone else (an existing Istio).
  const crds = mesh.installCrds || routing.installGatewayApiCrds;
  let previous: Chart | undefined;
  for (const layer of LEADING_LAYERS.filter(l => l !== MeshLayer.CRDS || crds)) {
    const chart = new Chart(layerParent(mesh), layerId(mesh, layer));
    markLayer(chart, mesh);
    if (previous) {
      chart.addDependency(previous);
    }
    previous = chart;
  }
  mesh.addDependency(previous!);
  if (mesh.installCrds) {
    new IstioCrds(layerOf(mesh, MeshLayer.CRDS), 'istio');
  }
  if (routing.installGatewayApiCrds) {
    new GatewayApiCrds(layerOf(mesh, MeshLayer.CRDS), 'gateway-api');
  }
}

/**
 * The chart of one layer of a mesh. The telemetry layer is created on first use (a mesh without telemetry
 * writes no empty file); it needs only the namespaces, and nothing needs it: cdk8s makes every object of a
 * chart depend on every object of the charts it depends on, and this layer grows with the mesh.
 *
 * @internal
 */
export function layerOf(mesh: IMesh, layer: MeshLayer): Chart {
  const found = tryLayerOf(mesh, layer);
  if (found) {
    return found;
  }
  if (layer === MeshLayer.TELEMETRY) {
    const chart = new Chart(layerParent(mesh), layerId(mesh, layer));
    markLayer(chart, mesh);
    chart.addDependency(layerOf(mesh, MeshLayer.NAMESPACES));
    return chart;
  }
  throw meshError('MESH0007', mesh, `the mesh has no ${layer} layer${layer === MeshLayer.CRDS ? ' (installCrds is false)' : ''}`);
}

/**
 * Every chart of a mesh, in the order they are applied.
 *
 * @internal
 */
export function meshCharts(mesh: IMesh): Chart[] {
  const before = LEADING_LAYERS.map(l => tryLayerOf(mesh, l));
  return [...before, mesh as unknown as Chart, tryLayerOf(mesh, MeshLayer.TELEMETRY)].filter((c): c is Chart => c !== undefined);
}

function tryLayerOf(mesh: IMesh, layer: MeshLayer): Chart | undefined {
  return layerParent(mesh).node.tryFindChild(layerId(mesh, layer)) as Chart | undefined;
}

function layerParent(mesh: IMesh): IConstruct {
  return mesh.node.scope ?? mesh;
}

function layerId(mesh: IMesh, layer: MeshLayer): string {
  return `${mesh.node.id}-${layer}`;
}

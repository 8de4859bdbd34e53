import { Chart } from 'cdk8s';
import { Construct, IConstruct } from 'constructs';
import { IstioCrds } from './control-plane/istio-crds';
import type { IMesh } from './mesh-identity';
import { meshError } from './private/errors';
import { markLayer } from './private/tree';

/**
 * The layers a mesh synthesizes into, one cdk8s chart each, in the order they must be applied.
 */
export enum MeshLayer {
  /** Istio's CustomResourceDefinitions. */
  CRDS = 'crds',
  /**
   * Namespaces: the root namespace and every namespace a service lives in (a mesh that adopts an existing
   * Istio writes no root namespace, and with `existingIstio.namespaces` false, no namespaces at all).
   */
  NAMESPACES = 'namespaces',
  /** The control planes (istiod, its webhooks and RBAC), in the root namespace; none when the mesh adopts an existing Istio. */
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
  let previous: Chart | undefined;
  for (const layer of LEADING_LAYERS.filter(l => rendersLayer(mesh, l))) {
    const chart = new Chart(layerParent(mesh), layerId(mesh, layer));
    markLayer(chart, mesh);
    if (previous) {
      chart.addDependency(previous);
    }
    previous = chart;
  }
  if (previous) {
    mesh.addDependency(previous);
  }
  if (mesh.installCrds) {
    new IstioCrds(layerOf(mesh, MeshLayer.CRDS), 'istio');
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
    const namespaces = tryLayerOf(mesh, MeshLayer.NAMESPACES);
    if (namespaces) {
      chart.addDependency(namespaces);
    }
    return chart;
  }
  const why = layer === MeshLayer.CRDS ? (mesh.existingIstio ? ' (the mesh adopts an existing Istio)' : ' (installCrds is false)')
    : mesh.existingIstio ? ` (the mesh adopts an existing Istio${layer === MeshLayer.NAMESPACES ? ' with namespaces: false' : ''})` : '';
  throw meshError('MESH0007', mesh, `the mesh has no ${layer} layer${why}`);
}

/**
 * Where the model keeps what a layer would hold: the layer's chart, or, when the mesh does not render the layer
 * (a mesh that adopts an existing Istio renders no control plane, and may write no namespaces), a construct
 * in the mesh that holds the descriptions (the installed revisions, the namespaces used) and writes nothing.
 *
 * @internal
 */
export function layerScope(mesh: IMesh, layer: MeshLayer): Construct {
  return tryLayerOf(mesh, layer) ?? mesh.node.tryFindChild(`${layer}-layer`) as Construct ?? new Construct(mesh, `${layer}-layer`);
}

/** Whether the mesh renders a layer that comes before its own chart. */
function rendersLayer(mesh: IMesh, layer: MeshLayer): boolean {
  switch (layer) {
    case MeshLayer.CRDS: return mesh.installCrds;
    case MeshLayer.NAMESPACES: return mesh.writesNamespaces;
    case MeshLayer.CONTROL_PLANE: return !mesh.existingIstio;
    default: return true;
  }
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

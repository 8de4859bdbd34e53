import { ApiObject, Chart } from 'cdk8s';
import { Construct, IConstruct } from 'constructs';
import type { MeshCode } from './analysis/codes';
import { IstioCrds } from './control-plane/istio-crds';
import { GatewayApiCrds } from './gateway-api/gateway-api-crds';
import { routingOf } from './gateway-api/routing-settings';
import type { IMesh } from './mesh-identity';
import { meshError } from './private/errors';
import { markLayer, startValidationPass } from './private/tree';

/**
 * The layers a mesh synthesizes into, one cdk8s chart each, in the order they must be applied.
 */
export enum MeshLayer {
  /** Istio's CustomResourceDefinitions, and the Gateway API's when the mesh renders routing with it. */
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
 *
 * cdk8s writes charts in the order of the construct tree, except where a chart depends on another, and it turns
 * a dependency between two charts into one from every object of the first to every object of the second, which
 * it then walks without memoization: a mesh of thousands of services would spend most of its synthesis there.
 * So the order comes from the tree: the layers are created right after the mesh, and the mesh then moves behind
 * them, so the tree reads CRDs, namespaces, control plane, mesh (and the telemetry layer, created later, last).
 * cdk8s numbers the files (`0000-`) only when some chart depends on another, so one dependency stays, the
 * cheapest: between the first two leading layers, or, with only one, from the mesh to it (as before).
 * What must be applied before what is declared for the Pulumi adapter (`appliedAfter`), which orders whole charts.
 * cdk8s validates in the order of the tree too, so `analysis` (the mesh's whole-mesh validation, which hands what
 * it finds to the constructs it is about) is a validation of the first of the mesh's charts.
 *
 * @internal
 */
export function createLayers(mesh: IMesh & Chart, argoCdSyncWaves: boolean, analysis: () => string[]): void {
  const leading: Chart[] = [];
  for (const layer of LEADING_LAYERS.filter(l => rendersLayer(mesh, l))) {
    const chart = new Chart(layerParent(mesh), layerId(mesh, layer));
    markLayer(chart, mesh);
    appliedAfter(chart, leading.slice(-1));
    leading.push(chart);
  }
  // cdk8s validates in the order of the tree: the mesh's analysis hands its findings to constructs of every layer.
  (leading[0] ?? mesh).node.addValidation({ validate: () => (startValidationPass(), chainWhenNeeded(mesh), analysis()) });
  if (leading.length > 0) {
    appliedAfter(mesh, leading.slice(-1));
    if (!moveToEnd(mesh)) {
      // The constructs library keeps an integer-like id first, whatever its place: the charts are chained instead.
      leading.forEach((chart, i) => i > 0 && chart.addDependency(leading[i - 1]));
      mesh.addDependency(leading[leading.length - 1]);
    }
  }
  if (leading.length > 1) {
    leading[1].addDependency(leading[0]);
  } else if (leading.length === 1) {
    mesh.addDependency(leading[0]);
  }
  if (mesh.installCrds) {
    new IstioCrds(layerOf(mesh, MeshLayer.CRDS), 'istio');
  }
  if (routingOf(mesh).installGatewayApiCrds) {
    new GatewayApiCrds(layerOf(mesh, MeshLayer.CRDS), 'gateway-api');
  }
  if (argoCdSyncWaves) {
    // At synth, not now: objects are added to the layers until then (services, the telemetry layer, policies).
    mesh.node.addValidation({ validate: () => annotateSyncWaves(mesh) });
  }
}

/**
 * The Argo CD sync wave of each layer's objects. Argo CD syncs a wave only once every object of the waves before
 * it is healthy (a CRD once established, a Deployment once rolled out), so the order is the one `kubectl`
 * needs: CRDs, namespaces, then the control plane, whose istiod must serve the injection webhook before any
 * injected pod is created. The workloads and policy take wave 0, Argo CD's default, so objects of the user's own
 * without a wave go with them; the telemetry stack needs only its namespace (its pods are not injected), so it
 * takes wave 0 too rather than wait for every workload to be healthy.
 */
const SYNC_WAVES: { readonly [layer: string]: number } = {
  [MeshLayer.CRDS]: -3,
  [MeshLayer.NAMESPACES]: -2,
  [MeshLayer.CONTROL_PLANE]: -1,
  [MeshLayer.TELEMETRY]: 0,
};
/**
 * The routes of the mesh's own chart come one wave after its workloads and DestinationRules (make-before-break):
 * within a wave Argo CD orders custom resources by kind and name only, so a VirtualService could be applied before
 * the DestinationRule that declares its subsets, or before the Deployment of the version it sends traffic to is
 * ready. When routes are removed, Argo CD prunes the higher wave first: routes before the subsets they used.
 */
const ROUTES_WAVE = 1;
const ROUTE_KINDS = ['networking.istio.io/VirtualService', 'gateway.networking.k8s.io/HTTPRoute', 'gateway.networking.k8s.io/GRPCRoute',
  'gateway.networking.k8s.io/TCPRoute', 'gateway.networking.k8s.io/TLSRoute'];
const SYNC_WAVE = 'argocd.argoproj.io/sync-wave';
const SYNC_OPTIONS = 'argocd.argoproj.io/sync-options';
/** API groups under k8s.io whose kinds are defined by CRDs, not served by Kubernetes itself. */
const CRD_GROUPS_UNDER_K8S_IO = ['gateway.networking.k8s.io', 'gateway.networking.x-k8s.io'];

/**
 * Annotates every object of every layer of the mesh for Argo CD: its layer's sync wave, and the sync options
 * its kind needs. Custom resources skip the dry run while their CRD is missing (`SkipDryRunOnMissingResource`:
 * Argo CD dry-runs a whole sync first, and a kind whose CRD comes from elsewhere, another Application or an
 * Istio installed otherwise, is unknown until then); CRDs are applied server-side (`ServerSideApply`: the
 * Gateway API's HTTPRoute CRD is larger than the annotation client-side apply keeps). An annotation the object
 * already has is kept, and sync options are added to its own.
 *
 * @returns the objects whose own sync wave Argo CD would ignore
 */
function annotateSyncWaves(mesh: IMesh & Chart): string[] {
  const charts = meshCharts(mesh);
  const objects = charts.flatMap(chart => chart.node.findAll()
    .filter((c): c is ApiObject => ApiObject.isApiObject(c) && Chart.of(c) === chart)
    .map(o => ({ o, wave: chart === mesh ? (isRoute(o) ? ROUTES_WAVE : 0) : SYNC_WAVES[layerOfChart(mesh, chart)] })));
  // Rendered only when a kind of a k8s.io group needs it: the CRDs are large, and this runs on every validation.
  let crdKinds: Set<string> | undefined;
  const definedByCrd = () => crdKinds ??= new Set(mesh.node.root.node.findAll()
    .filter((c): c is ApiObject => ApiObject.isApiObject(c) && c.kind === 'CustomResourceDefinition' && c.apiVersion.startsWith('apiextensions.k8s.io/'))
    .map(c => {
      const spec = c.toJson().spec;
      return `${spec?.group}/${spec?.names?.kind}`;
    }));
  const errors: string[] = [];
  for (const { o, wave } of objects) {
    const annotations: { [key: string]: string } = o.metadata.toJson().annotations ?? {};
    const own = annotations[SYNC_WAVE];
    if (own === undefined) {
      o.metadata.addAnnotation(SYNC_WAVE, String(wave));
    } else if (!/^-?\d+$/.test(own)) {
      const code: MeshCode = 'MESH0775';
      errors.push(`[${code}] ${o.node.path}: annotation ${SYNC_WAVE} '${own}' is not an integer, so Argo CD ignores it and syncs the object in wave 0: `
        + `give a whole number such as '-1', or remove the annotation to keep the layer's wave (${wave})`);
    }
    const group = o.apiVersion.includes('/') ? o.apiVersion.slice(0, o.apiVersion.lastIndexOf('/')) : '';
    const option = group === 'apiextensions.k8s.io' && o.kind === 'CustomResourceDefinition' ? 'ServerSideApply=true'
      : isCustomKind(group, o.kind, definedByCrd) ? 'SkipDryRunOnMissingResource=true' : undefined;
    if (option) {
      const options = (annotations[SYNC_OPTIONS] ?? '').split(',').map(x => x.trim()).filter(x => x !== '');
      if (!options.some(x => x.split('=')[0] === option.split('=')[0])) {
        o.metadata.addAnnotation(SYNC_OPTIONS, [...options, option].join(','));
      }
    }
  }
  return errors;
}

/** Whether an object routes traffic (a VirtualService or a Gateway API route), whatever its API version. */
function isRoute(o: ApiObject): boolean {
  const group = o.apiVersion.includes('/') ? o.apiVersion.slice(0, o.apiVersion.lastIndexOf('/')) : '';
  return ROUTE_KINDS.includes(`${group}/${o.kind}`);
}

/** Whether a kind is defined by a CRD rather than served by Kubernetes itself. */
function isCustomKind(group: string, kind: string, definedByCrd: () => ReadonlySet<string>): boolean {
  if (group === '' || !group.includes('.')) {
    return false;
  }
  return !group.endsWith('.k8s.io') || CRD_GROUPS_UNDER_K8S_IO.includes(group) || definedByCrd().has(`${group}/${kind}`);
}

function layerOfChart(mesh: IMesh, chart: Chart): MeshLayer {
  return [...LEADING_LAYERS, MeshLayer.TELEMETRY].find(l => tryLayerOf(mesh, l) === chart)!;
}

/**
 * The chart of one layer of a mesh. The telemetry layer is created on first use (a mesh without telemetry
 * writes no empty file); it needs only the namespaces, and nothing needs it.
 *
 * @internal
 */
export function layerOf(mesh: IMesh, layer: MeshLayer): Chart {
  const found = tryLayerOf(mesh, layer);
  if (found) {
    return found;
  }
  if (layer === MeshLayer.TELEMETRY) {
    // Created after the mesh, so written after it (see createLayers).
    const chart = new Chart(layerParent(mesh), layerId(mesh, layer));
    markLayer(chart, mesh);
    const namespaces = tryLayerOf(mesh, MeshLayer.NAMESPACES);
    appliedAfter(chart, namespaces ? [namespaces] : []);
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
    // The Gateway API's CRDs have a layer even when Istio's are left to someone else (an existing Istio).
    case MeshLayer.CRDS: return mesh.installCrds || routingOf(mesh).installGatewayApiCrds;
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

/**
 * Moves a construct behind its siblings created so far: cdk8s writes charts that do not depend on each other in
 * the order of the tree. Whether it is now the last of them (not when its id is integer-like: JavaScript keeps
 * those keys first).
 */
function moveToEnd(construct: IConstruct): boolean {
  const parent = construct.node.scope;
  if (parent && parent.node.tryRemoveChild(construct.node.id)) {
    // The constructs library adds a child only from the child's constructor; the path, id and subtree stay as they are.
    (parent.node as unknown as { addChild(child: IConstruct, id: string): void }).addChild(construct, construct.node.id);
  }
  const siblings = parent?.node.children ?? [];
  return siblings[siblings.length - 1] === construct;
}

/**
 * The tree orders the mesh's charts only among themselves: a chart made before them that depends on one of them
 * would be written first, with what it depends on, but not with what that one depends on. When some other chart
 * depends on the mesh's (its constructs on theirs), each of the mesh's charts depends on the one before it, as
 * cdk8s needs to order them then (at the cost of an edge per pair of their objects). Run at validation, which
 * cdk8s runs before it orders the charts.
 */
function chainWhenNeeded(mesh: IMesh & Chart): void {
  const charts = meshCharts(mesh);
  const ours = new Set<IConstruct>(charts);
  const others = mesh.node.root.node.findAll().filter((c): c is Chart => Chart.isChart(c) && !ours.has(c));
  const dependsOnOurs = others.some(chart => chart.node.findAll()
    .some(c => (c === chart || Chart.of(c) === chart) && c.node.dependencies.some(d => ours.has(Chart.of(d)))));
  if (!dependsOnOurs) {
    return;
  }
  charts.forEach((chart, i) => {
    const before = chart === tryLayerOf(mesh, MeshLayer.TELEMETRY) ? tryLayerOf(mesh, MeshLayer.NAMESPACES) : charts[i - 1];
    if (i > 0 && before) {
      chart.addDependency(before);
    }
  });
}

/**
 * Declares that `chart` is applied after `before` (read by the Pulumi adapter through the symbol, without
 * depending on this library): the order the layers are written in, as dependencies between whole charts.
 */
function appliedAfter(chart: Chart, before: Chart[]): void {
  Object.defineProperty(chart, APPLIED_AFTER, { value: () => [...before], configurable: true });
}

/** The key of a chart's `() => Chart[]`: the charts it must be applied after. */
const APPLIED_AFTER = Symbol.for('cdk8s-mesh.appliedAfter');

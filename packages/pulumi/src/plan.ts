import { ApiObject, Chart, DependencyGraph } from 'cdk8s';
import type { IConstruct } from 'constructs';
import { releaseError } from './errors';
import { GroupVersionKind, groupVersionKind, isNamespaced } from './kinds';

/**
 * Options of a release plan.
 */
export interface ReleasePlanOptions {
  /**
   * The namespace of every namespaced object that names none. Objects that name one keep it.
   *
   * @default - none: such objects go to the Kubernetes provider's default namespace
   */
  readonly namespace?: string;
}

/**
 * One synthesized object, as it will be registered.
 */
export interface PlannedObject {
  /** The construct that synthesized it. */
  readonly apiObject: ApiObject;
  /** The manifest, exactly as `cdk8s synth` writes it (plus the release's default namespace, if any). */
  readonly manifest: any;
  /** Its API group, version and kind, read from the manifest. */
  readonly gvk: GroupVersionKind;
  /** `namespace/name`, or `name` for an object without a namespace: unique in the release, stable across runs. */
  readonly name: string;
  /** The chart it belongs to. */
  readonly chart: PlannedChart;
  /** Objects of the same chart it needs first. Objects of other charts are reached through `chart.dependsOn`. */
  readonly dependsOn: PlannedObject[];
}

/**
 * One cdk8s chart of the release, with its objects in the order they are registered.
 */
export interface PlannedChart {
  /** The cdk8s chart. */
  readonly chart: Chart;
  /** The chart's construct path: unique in the App. */
  readonly id: string;
  /** Its own objects (not those of nested charts), each after the objects it depends on. */
  readonly objects: PlannedObject[];
  /** Charts of the release whose every object must exist before any of this chart's. */
  readonly dependsOn: PlannedChart[];
}

interface MutableChart extends PlannedChart {
  readonly objects: MutableObject[];
  readonly dependsOn: MutableChart[];
}

interface MutableObject extends PlannedObject {
  readonly chart: MutableChart;
  readonly dependsOn: MutableObject[];
}

/**
 * Works out what a release deploys and in which order, from a cdk8s App, a Mesh (every chart of the mesh) or
 * one Chart, without touching Pulumi:
 *
 * 1. the App (or the charts) are validated exactly as `cdk8s synth` validates them, so a mesh that does not
 *    synthesize does not deploy either;
 * 2. every ApiObject is rendered with `toJson()`, as `cdk8s synth` renders it;
 * 3. the order comes from the constructs: a chart depends on the charts it was given with `addDependency`,
 *    on the charts a Mesh declares it applied after (its layers: CRDs, namespaces, control plane, then
 *    workloads and policy; the telemetry layer needs only the namespaces), on the charts of constructs its
 *    constructs depend on, and on its nested charts; an object depends on the objects of its own chart its
 *    construct depends on;
 * 4. two dependencies Kubernetes itself imposes are added where the charts do not already imply them: an
 *    object of a custom kind needs the CustomResourceDefinition that defines it, and a namespaced object its
 *    Namespace, when the release has them.
 *
 * Dependencies on charts outside the release (a Chart given alone) are left out: those are deployed elsewhere.
 */
export function planRelease(source: IConstruct, options: ReleasePlanOptions = {}): PlannedChart[] {
  const charts = releaseCharts(source);
  validate(source, charts);

  const planned: MutableChart[] = charts.map(chart => ({ chart, id: chart.node.path, objects: [], dependsOn: [] }));
  const byChart = new Map<Chart, MutableChart>(planned.map(p => [p.chart, p]));
  const byApiObject = new Map<ApiObject, MutableObject>();

  const rendered = planned.flatMap(p => chartObjects(p.chart).map(apiObject => ({ chart: p, apiObject, manifest: apiObject.toJson() })));
  const crdScopes = new Map<string, string>();
  for (const { manifest } of rendered) {
    if (manifest?.kind === 'CustomResourceDefinition' && groupVersionKind(manifest)?.group === 'apiextensions.k8s.io') {
      crdScopes.set(`${manifest.spec?.group}/${manifest.spec?.names?.kind}`, manifest.spec?.scope);
    }
  }

  const identities = new Map<string, MutableObject>();
  for (const { chart, apiObject, manifest } of rendered) {
    const gvk = groupVersionKind(manifest ?? {});
    const name = manifest?.metadata?.name;
    if (!gvk || typeof name !== 'string' || name === '') {
      throw releaseError('MESH0501', apiObject, 'the object has no apiVersion, kind or metadata.name after synthesis: '
        + 'every object needs all three (a Pulumi resource is named after the object), so check the JSON patches applied to it');
    }
    if (manifest.metadata.namespace === undefined && options.namespace !== undefined) {
      const namespaced = isNamespaced(gvk, crdScopes);
      if (namespaced === undefined) {
        throw releaseError('MESH0502', apiObject, `${gvk.kind} '${name}' names no namespace, and its kind is neither built into Kubernetes `
          + `nor defined by a CustomResourceDefinition of this release, so whether the release's namespace '${options.namespace}' applies is unknown: `
          + 'set metadata.namespace on it, or add its CRD to the App');
      }
      if (namespaced) {
        manifest.metadata.namespace = options.namespace;
      }
    }
    const namespace: string | undefined = manifest.metadata.namespace;
    const identity = `${gvk.group}/${gvk.kind}/${namespace ?? ''}/${name}`;
    const clash = identities.get(identity);
    if (clash) {
      throw releaseError('MESH0503', apiObject, `${gvk.kind} '${namespace ? `${namespace}/` : ''}${name}' is also synthesized by `
        + `'${clash.apiObject.node.path}': Kubernetes keeps one object per kind, namespace and name, so rename one of them`);
    }
    const object: MutableObject = {
      apiObject, manifest, gvk, name: namespace ? `${namespace}/${name}` : name, chart, dependsOn: [],
    };
    identities.set(identity, object);
    chart.objects.push(object);
    byApiObject.set(apiObject, object);
  }

  declaredDependencies(planned, byChart, byApiObject);
  kubernetesDependencies(planned, identities);

  const sorted = sortTopologically(planned, c => c.dependsOn, c => `chart '${c.id}'`, source);
  for (const chart of sorted) {
    // In place: the dependencies refer to these very objects.
    const objects = sortTopologically(chart.objects, o => o.dependsOn, o => o.apiObject.node.path, chart.chart);
    chart.objects.splice(0, objects.length, ...objects);
  }
  return sorted;
}

/**
 * An App's charts, a Mesh's charts (both have `charts`, in dependency order), or a Chart and its nested charts.
 */
function releaseCharts(source: IConstruct): Chart[] {
  if (source === undefined || source === null || typeof source !== 'object' || !('node' in source)) {
    // From JavaScript: nothing, or something that is no construct at all.
    throw releaseError('MESH0500', 'planRelease', 'source is not a construct: pass the App (every chart), the Mesh (every layer of the mesh) or one Chart');
  }
  const charts: unknown = (source as any).charts;
  if (Array.isArray(charts) && charts.every(c => Chart.isChart(c))) {
    return charts;
  }
  if (Chart.isChart(source)) {
    return source.node.findAll().filter((c): c is Chart => Chart.isChart(c));
  }
  throw releaseError('MESH0500', source, 'a release deploys a cdk8s App, a Mesh or a Chart, and this construct is none of them: '
    + 'pass the App (every chart), the Mesh (every layer of the mesh) or one Chart');
}

/**
 * Runs every construct's validations, as `cdk8s synth` does, and throws them all together in its format.
 */
function validate(source: IConstruct, charts: Chart[]): void {
  const scopes = Chart.isChart(source) ? charts : [source];
  // In the order of the tree, as cdk8s's walk from the App: a mesh's analysis is a validation of its first chart
  // (its first layer, which comes before it), and hands the other constructs the errors it finds.
  const constructs = [...new Set(scopes.flatMap(s => s.node.findAll()))];
  const errors = constructs.flatMap(c => c.node.validate().map(message => `[${c.node.path}] ${message}`));
  if (errors.length > 0) {
    throw new Error(`Validation failed with the following errors:\n  ${errors.join('\n  ')}`);
  }
}

/**
 * A chart's own objects (not those of nested charts) in the order `cdk8s synth` writes them.
 */
function chartObjects(chart: Chart): ApiObject[] {
  // A Mesh writes its chart in an order it works out itself (cdk8s's, with edges cdk8s would walk too slowly).
  const declared: unknown = (chart as any)[OBJECT_ORDER];
  if (typeof declared === 'function') {
    return declared();
  }
  return new DependencyGraph(chart.node).topology()
    .filter((c): c is ApiObject => ApiObject.isApiObject(c) && Chart.of(c) === chart);
}

/**
 * The dependencies the constructs declare (`node.addDependency`, `chart.addDependency`), and nested charts.
 */
function declaredDependencies(charts: MutableChart[], byChart: Map<Chart, MutableChart>, byApiObject: Map<ApiObject, MutableObject>): void {
  const addChart = (from: MutableChart, to: Chart) => {
    const target = byChart.get(to);
    if (target && target !== from && !from.dependsOn.includes(target)) {
      from.dependsOn.push(target);
    }
  };
  for (const planned of charts) {
    const chart = planned.chart;
    for (const nested of chart.node.children.filter((c): c is Chart => Chart.isChart(c))) {
      addChart(planned, nested);
    }
    for (const before of appliedAfter(chart)) {
      addChart(planned, before);
    }
    for (const construct of chart.node.findAll().filter(c => c === chart || Chart.of(c) === chart)) {
      let sources: MutableObject[] | undefined;
      for (const dependency of construct.node.dependencies) {
        if (Chart.isChart(dependency)) {
          addChart(planned, dependency);
          continue;
        }
        sources ??= construct === chart ? [] : ownObjects(construct, chart, byApiObject);
        for (const target of dependency.node.findAll().filter((c): c is ApiObject => ApiObject.isApiObject(c))) {
          const targetChart = Chart.of(target);
          if (targetChart !== chart) {
            addChart(planned, targetChart);
            continue;
          }
          const object = byApiObject.get(target);
          for (const source of sources) {
            if (object && source !== object && !source.dependsOn.includes(object)) {
              source.dependsOn.push(object);
            }
          }
        }
      }
    }
  }
}

/** How cdk8s-mesh declares the order of a chart's objects (its `synthesisOrder`, in rollout-order.ts). */
const OBJECT_ORDER = Symbol.for('cdk8s-mesh.objectOrder');

/** How cdk8s-mesh declares the charts a chart is applied after (a mesh's layers: it orders them by the tree, for cdk8s). */
const APPLIED_AFTER = Symbol.for('cdk8s-mesh.appliedAfter');

/** The charts `chart` is declared to be applied after, by the library (`appliedAfter` in its layers.ts). */
function appliedAfter(chart: Chart): Chart[] {
  const declared: unknown = (chart as any)[APPLIED_AFTER];
  return typeof declared === 'function' ? (declared() as unknown[]).filter((c): c is Chart => Chart.isChart(c)) : [];
}

function ownObjects(construct: IConstruct, chart: Chart, byApiObject: Map<ApiObject, MutableObject>): MutableObject[] {
  return construct.node.findAll()
    .filter((c): c is ApiObject => ApiObject.isApiObject(c) && Chart.of(c) === chart)
    .map(c => byApiObject.get(c))
    .filter((o): o is MutableObject => o !== undefined);
}

/**
 * A custom object needs its CRD, a namespaced object its Namespace: added where the charts do not imply them.
 */
function kubernetesDependencies(charts: MutableChart[], identities: Map<string, MutableObject>): void {
  const crds = new Map<string, MutableObject>();
  const namespaces = new Map<string, MutableObject>();
  for (const object of identities.values()) {
    if (object.gvk.group === 'apiextensions.k8s.io' && object.gvk.kind === 'CustomResourceDefinition') {
      crds.set(`${object.manifest.spec?.group}/${object.manifest.spec?.names?.kind}`, object);
    } else if (object.gvk.group === '' && object.gvk.kind === 'Namespace') {
      namespaces.set(object.manifest.metadata.name, object);
    }
  }
  for (const chart of charts) {
    // Charts this chart is already known to come after: each pair is settled once, not once per object.
    const after = new Set<MutableChart>([chart]);
    for (const object of chart.objects) {
      // By the CRDs of the release, not by the group's name: the Gateway API's groups end in k8s.io too.
      const crd = crds.get(`${object.gvk.group}/${object.gvk.kind}`);
      const namespace = namespaces.get(object.manifest.metadata.namespace);
      for (const needed of [crd, namespace]) {
        if (!needed || needed === object) {
          continue;
        }
        if (needed.chart === chart) {
          if (!object.dependsOn.includes(needed)) {
            object.dependsOn.push(needed);
          }
        } else if (!after.has(needed.chart)) {
          if (!reaches(chart, needed.chart)) {
            chart.dependsOn.push(needed.chart);
          }
          after.add(needed.chart);
        }
      }
    }
  }
}

function reaches(from: MutableChart, to: MutableChart, seen = new Set<MutableChart>()): boolean {
  if (from === to) {
    return true;
  }
  seen.add(from);
  return from.dependsOn.some(next => !seen.has(next) && reaches(next, to, seen));
}

/**
 * Depth first, in the given order: each item comes right after the items it needs, which come as late as
 * they can, so the output is the same on every run and close to the order cdk8s writes. A cycle cannot be
 * deployed in any order: it is an error naming its path.
 */
function sortTopologically<T>(items: readonly T[], dependencies: (item: T) => readonly T[], describe: (item: T) => string, scope: IConstruct): T[] {
  const sorted: T[] = [];
  const done = new Set<T>();
  const path: T[] = [];
  const visit = (item: T) => {
    if (done.has(item)) {
      return;
    }
    if (path.includes(item)) {
      const cycle = [...path.slice(path.indexOf(item)), item].map(describe);
      throw releaseError('MESH0504', scope, `these depend on each other in a cycle, so no order can deploy them: ${cycle.join(' -> ')}; `
        + 'remove one of the dependencies');
    }
    path.push(item);
    dependencies(item).forEach(visit);
    path.pop();
    done.add(item);
    sorted.push(item);
  };
  items.forEach(visit);
  return sorted;
}

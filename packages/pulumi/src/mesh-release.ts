import * as k8s from '@pulumi/kubernetes';
import * as pulumi from '@pulumi/pulumi';
import type { ApiObject, App, Chart } from 'cdk8s';
import type { IConstruct } from 'constructs';
import { releaseError } from './errors';
import { GroupVersionKind, isBuiltInGroup, typeToken } from './kinds';
import { PlannedChart, PlannedObject, planRelease } from './plan';

/**
 * What a `MeshRelease` deploys, and how.
 */
export interface MeshReleaseArgs {
  /**
   * What to deploy: a cdk8s App (every chart in it), a `Mesh` (every layer of the mesh: CRDs, namespaces,
   * control plane, workloads and policy, telemetry) or one Chart (and the charts nested in it).
   *
   * It is validated as `cdk8s synth` validates it, and synthesized into the same objects.
   */
  readonly source: App | Chart;

  /**
   * The namespace of every namespaced object that names none. cdk8s-mesh names a namespace on every
   * namespaced object it writes, so this matters only for charts of your own.
   *
   * @default - the Kubernetes provider's namespace
   */
  readonly namespace?: string;

  /**
   * The prefix of every child resource's Pulumi name (`<prefix>:<namespace>/<name>`), not of the
   * Kubernetes objects' names.
   *
   * @default - the release's name
   */
  readonly resourcePrefix?: string;

  /**
   * Do not wait for objects to become ready (the `pulumi.com/skipAwait` annotation on every object). By
   * default Pulumi waits for each Deployment to roll out, each Service to get endpoints and each CRD to be
   * established before it creates what depends on them.
   *
   * @default false
   */
  readonly skipAwait?: boolean;
}

/**
 * Deploys a cdk8s-mesh mesh (or any cdk8s App or Chart) with Pulumi: every synthesized object becomes a
 * Pulumi Kubernetes resource, so `pulumi preview` shows the diff object by object and `pulumi up` applies it.
 *
 * - Each object is a resource of its own kind: the typed class of `@pulumi/kubernetes` for a built-in kind
 *   (`k8s.apps.v1.Deployment`), `k8s.apiextensions.CustomResource` for Istio's and other custom kinds. Its
 *   inputs are the manifest `cdk8s synth` writes.
 * - Each chart is a `ChartRelease` component, and every object of a chart depends on every chart that chart
 *   depends on: for a Mesh, CRDs, then namespaces, then the control plane (istiod and its injection and
 *   validation webhooks, which Pulumi waits for), then the workloads and their policy; the telemetry stack
 *   needs only the namespaces. A custom object also depends on its CRD, and a namespaced object on its
 *   Namespace, wherever the charts do not already say so.
 * - Names are `<prefix>:<namespace>/<name>`: they depend on nothing but the object, so a later run maps
 *   every object to the same resource, and a changed weight is an update of one VirtualService.
 *
 * Give a Kubernetes provider as usual, with the `provider` (or `providers`) resource option: every object
 * uses it.
 */
export class MeshRelease extends pulumi.ComponentResource {
  /** The charts deployed, in dependency order. */
  public readonly charts: ChartRelease[];
  /** Every object's resource, in the order they were registered. */
  public readonly resources: pulumi.CustomResource[];

  private readonly byObject: Map<string, pulumi.CustomResource>;
  private readonly byApiObject: Map<ApiObject, pulumi.CustomResource>;
  private readonly releasedCharts: Set<Chart>;

  /**
   * Plans the release (validating and synthesizing the source) and registers every object.
   *
   * @param name the release's Pulumi name, and the prefix of its children's names unless `resourcePrefix` is given
   * @param args what to deploy, and how
   * @param opts the usual resource options: `provider` (or `providers`) reaches every object, `dependsOn` holds
   * back the first charts
   * @throws a MESH05xx error, before anything is registered, when the source cannot be deployed as it is
   */
  constructor(name: string, args: MeshReleaseArgs, opts?: pulumi.ComponentResourceOptions) {
    // Everything that can fail is worked out before the first registration: a program that throws halfway
    // would leave registrations in flight.
    if (!args?.source) {
      // From JavaScript the args may be missing: say so in the library's words, not with a TypeError.
      throw releaseError('MESH0500', `MeshRelease ${name}`, 'source is missing: pass the App (every chart), the Mesh (every layer of the mesh) or one Chart as args.source');
    }
    checkArgs(name, args);
    const plan = planRelease(args.source, { namespace: args.namespace });
    if (plan.every(chart => chart.objects.length === 0)) {
      throw releaseError('MESH0506', args.source, 'the source synthesizes no object, so the release would deploy nothing: '
        + 'create the Mesh (or your charts) in the App before the release');
    }
    const classes = new Map(plan.flatMap(chart => chart.objects).map(object => [object, resourceClass(object)]));

    super('cdk8s-mesh:index:MeshRelease', name, {}, opts);
    this.byObject = new Map();
    this.byApiObject = new Map();
    this.releasedCharts = new Set(plan.map(chart => chart.chart));
    const prefix = args.resourcePrefix ?? name;
    const charts = new Map<PlannedChart, ChartRelease>();
    const resources = new Map<PlannedObject, pulumi.CustomResource>();
    for (const planned of plan) {
      // Children do not inherit their parent's dependsOn: the first charts take the release's own.
      const needed: pulumi.Input<pulumi.Resource>[] = planned.dependsOn.length > 0
        ? planned.dependsOn.map(c => registeredBefore(charts, c))
        : opts?.dependsOn ? [opts.dependsOn as pulumi.Input<pulumi.Resource>] : [];
      const chart = new ChartRelease(`${prefix}:${planned.id}`, planned, { parent: this, dependsOn: needed });
      for (const object of planned.objects) {
        const manifest = args.skipAwait ? withAnnotation(object.manifest, 'pulumi.com/skipAwait', 'true') : object.manifest;
        const Class = classes.get(object)!;
        const resource = new Class(`${prefix}:${object.name}`, manifest, {
          parent: chart,
          dependsOn: [...needed, ...object.dependsOn.map(o => registeredBefore(resources, o))],
        });
        resources.set(object, resource);
        chart._add(resource);
        const { apiVersion, metadata } = object.manifest;
        this.byObject.set(objectKey(apiVersion, object.gvk.kind, metadata.namespace, metadata.name), resource);
        this.byApiObject.set(object.apiObject, resource);
      }
      chart._complete();
      charts.set(planned, chart);
    }
    this.charts = [...charts.values()];
    this.resources = [...resources.values()];
    this.registerOutputs({});
  }

  /**
   * The resource registered for one cdk8s object, the `ApiObject` itself:
   * `release.getResource(mesh.gateway.service)`. It is the object exactly as synthesized (its apiVersion,
   * kind, namespace and name after every patch), so nothing has to be spelled again.
   *
   * @param apiObject the object, as the cdk8s program created it
   * @throws when the object is not part of the release: in a chart the release does not deploy, or created
   * after the release
   */
  public getResource(apiObject: ApiObject): pulumi.CustomResource;
  /**
   * The resource of one object by its apiVersion, kind, namespace and name as synthesized:
   * `getResource('apps/v1/Deployment', 'bookinfo', 'reviews-v1')`, or for an object without a namespace
   * `getResource('v1/Namespace', 'bookinfo')`.
   *
   * @param apiVersionKind `<apiVersion>/<kind>`: `apps/v1/Deployment`, `networking.istio.io/v1/VirtualService`
   * @param namespaceOrName the namespace, or for a cluster-scoped object its name
   * @param name the name of a namespaced object
   * @throws when the release has no such object
   */
  public getResource(apiVersionKind: string, namespaceOrName: string, name?: string): pulumi.CustomResource;
  public getResource(objectOrApiVersionKind: ApiObject | string, namespaceOrName?: string, name?: string): pulumi.CustomResource {
    if (typeof objectOrApiVersionKind !== 'string') {
      return this.resourceOf(objectOrApiVersionKind);
    }
    const apiVersionKind = objectOrApiVersionKind;
    if (namespaceOrName === undefined) {
      throw new Error(`getResource('${apiVersionKind}') names no object: give its namespace and name, its name alone for a cluster-scoped kind, or the ApiObject itself`);
    }
    const slash = apiVersionKind.lastIndexOf('/');
    const key = name === undefined
      ? objectKey(apiVersionKind.slice(0, slash), apiVersionKind.slice(slash + 1), undefined, namespaceOrName)
      : objectKey(apiVersionKind.slice(0, slash), apiVersionKind.slice(slash + 1), namespaceOrName, name);
    const resource = this.byObject.get(key);
    if (!resource) {
      throw new Error(`the release has no ${apiVersionKind} '${name === undefined ? namespaceOrName : `${namespaceOrName}/${name}`}'`);
    }
    return resource;
  }

  /**
   * The resources of every object a construct synthesizes, in the order they were registered: its own
   * `ApiObject`s and those of its children (`release.getResources(mesh.gateway)`: the gateway's Deployment,
   * Service, Gateway and policy), or for a `Mesh` or an App every object of its charts (a mesh's layers are
   * charts beside it, not under it).
   *
   * Only children count: an object another construct writes on a construct's behalf is found with
   * `getResource`.
   *
   * @param scope a chart, a `Mesh`, the App or any construct of the program
   * @throws when the release has no object of the construct
   */
  public getResources(scope: IConstruct): pulumi.CustomResource[] {
    const charts: unknown = (scope as { charts?: unknown }).charts;
    const roots: IConstruct[] = [scope, ...(Array.isArray(charts) ? charts as IConstruct[] : [])];
    const under = new Set(roots.flatMap(root => root.node.findAll()));
    const found = [...this.byApiObject].filter(([apiObject]) => under.has(apiObject)).map(([, resource]) => resource);
    if (found.length === 0) {
      throw new Error(`the release has no object of '${scope.node.path || '<root>'}': the construct synthesizes no object, `
        + 'or only objects of charts the release does not deploy');
    }
    return found;
  }

  private resourceOf(apiObject: ApiObject): pulumi.CustomResource {
    const resource = this.byApiObject.get(apiObject);
    if (resource) {
      return resource;
    }
    if (!apiObject?.node) {
      // From JavaScript: anything at all.
      throw new Error(`getResource(${String(apiObject)}) is given no ApiObject: pass a cdk8s ApiObject, or its apiVersion/kind, namespace and name`);
    }
    const namespace = apiObject.metadata.namespace;
    const reason = apiObject.node.scopes.some(scope => this.releasedCharts.has(scope as Chart))
      ? 'it was created after the release, which deploys what its charts held then: create every object before the MeshRelease'
      : 'its chart is not deployed by this release: give the release the App, or the chart that holds it';
    throw new Error(`the release has no ${apiObject.kind} '${namespace ? `${namespace}/` : ''}${apiObject.name}' (${apiObject.node.path}): ${reason}`);
  }
}

/**
 * The optional args, checked before anything is planned: each would otherwise go wrong only at deploy time
 * (a namespace the API server refuses on every object) or silently (a prefix that is no name, 'yes' read as true).
 */
function checkArgs(name: string, args: MeshReleaseArgs): void {
  const where = `MeshRelease ${name}`;
  const { namespace, resourcePrefix, skipAwait } = args as { namespace?: unknown; resourcePrefix?: unknown; skipAwait?: unknown };
  if (namespace !== undefined && (typeof namespace !== 'string' || namespace.length > 63 || !/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(namespace))) {
    throw releaseError('MESH0507', where, `namespace ${quote(namespace)} is not a namespace name: use at most 63 lowercase letters, digits and '-', starting and ending with a letter or digit`);
  }
  if (resourcePrefix !== undefined) {
    if (typeof resourcePrefix !== 'string' || resourcePrefix === '') {
      throw releaseError('MESH0508', where, `resourcePrefix ${quote(resourcePrefix)} is ${resourcePrefix === '' ? 'empty' : 'not a string'}: `
        + 'give a prefix such as \'bookinfo\', or leave it out to use the release\'s name');
    }
    // A Pulumi name is one line of the resource's URN: a control character breaks the URN and every display of it.
    if (/[\u0000-\u001f\u007f]/.test(resourcePrefix)) {
      throw releaseError('MESH0508', where, `resourcePrefix ${JSON.stringify(resourcePrefix)} holds a control character: give a prefix of printable characters, such as 'bookinfo'`);
    }
  }
  if (skipAwait !== undefined && typeof skipAwait !== 'boolean') {
    throw releaseError('MESH0509', where, `skipAwait ${quote(skipAwait)} is not a boolean: pass true or false`);
  }
}

function quote(value: unknown): string {
  return typeof value === 'string' ? `'${value}'` : String(value);
}

/**
 * The resources of one cdk8s chart. Depending on it (`dependsOn: [release.charts[i]]`) waits for all of them.
 */
export class ChartRelease extends pulumi.ComponentResource {
  /** The chart's construct path. */
  public readonly chartId: string;
  /** Its objects' resources, in registration order. */
  public readonly resources: pulumi.CustomResource[] = [];

  /**
   * Made by `MeshRelease`, one per chart, not by hand.
   *
   * @param name the component's Pulumi name: `<prefix>:<chart path>`
   * @param chart the planned chart
   * @param opts its parent (the release) and the charts it waits for
   */
  constructor(name: string, chart: PlannedChart, opts: pulumi.ComponentResourceOptions) {
    super('cdk8s-mesh:index:ChartRelease', name, {}, opts);
    this.chartId = chart.id;
  }

  /** @internal */
  public _add(resource: pulumi.CustomResource): void {
    this.resources.push(resource);
  }

  /** @internal */
  public _complete(): void {
    this.registerOutputs({});
  }
}

/**
 * What a chart or object depends on is registered first (the plan is sorted): Pulumi ignores an `undefined` in
 * `dependsOn`, so a miss would silently lose the order.
 */
function registeredBefore<K extends { readonly name?: string; readonly id?: string }, V>(registered: Map<K, V>, key: K): V {
  const value = registered.get(key);
  if (value === undefined) {
    throw new Error(`internal error: '${key.id ?? key.name}' is needed before it is registered`);
  }
  return value;
}

function objectKey(apiVersion: string, kind: string, namespace: string | undefined, name: string): string {
  return `${apiVersion}/${kind}/${namespace ?? ''}/${name}`;
}

type ResourceClass = new (name: string, args: any, opts?: pulumi.CustomResourceOptions) => pulumi.CustomResource;

/**
 * The class an object is registered with: the SDK's typed class when it has one for the kind, `CustomResource`
 * otherwise. Both register the same type token (`kubernetes:apps/v1:Deployment`) with the same inputs.
 *
 * A typed class copies the top-level fields it knows and drops any other: a field it lacks is MESH0505.
 */
function resourceClass(object: PlannedObject): ResourceClass {
  const Typed = typedClass(object.gvk);
  const inputs = Typed && typedInputs(Typed);
  if (!Typed || !inputs) {
    return k8s.apiextensions.CustomResource;
  }
  const dropped = Object.keys(object.manifest).filter(key => key !== 'apiVersion' && key !== 'kind' && !inputs.has(key));
  if (dropped.length > 0) {
    throw releaseError('MESH0505', object.apiObject, `${typeToken(object.gvk)} in @pulumi/kubernetes has no input for `
      + `${dropped.map(k => `'${k}'`).join(', ')}, so the field would not reach the cluster: upgrade @pulumi/kubernetes, or move the field where the kind has it`);
  }
  return Typed;
}

function typedClass(gvk: GroupVersionKind): ResourceClass | undefined {
  if (!isBuiltInGroup(gvk.group)) {
    return undefined;
  }
  const module = gvk.group === '' ? 'core' : gvk.group.split('.')[0];
  const candidate = (k8s as any)[module]?.[gvk.version]?.[gvk.kind];
  return typeof candidate === 'function' && candidate.__pulumiType === typeToken(gvk) ? candidate : undefined;
}

const INPUTS = new WeakMap<ResourceClass, Set<string> | undefined>();

/**
 * The top-level fields a typed class copies from its args. The SDK's classes are generated, each field read
 * as `args?.<field>` (`args.<field>` in older versions); when none is found the class is not used at all.
 */
function typedInputs(Typed: ResourceClass): Set<string> | undefined {
  if (!INPUTS.has(Typed)) {
    const fields = [...Typed.toString().matchAll(/\bargs\s*\?\.\s*(\w+)|\bargs\.(\w+)/g)].map(m => m[1] ?? m[2]);
    INPUTS.set(Typed, fields.includes('metadata') ? new Set(fields) : undefined);
  }
  return INPUTS.get(Typed);
}

function withAnnotation(manifest: any, key: string, value: string): any {
  const metadata = manifest.metadata ?? {};
  return { ...manifest, metadata: { ...metadata, annotations: { ...metadata.annotations, [key]: value } } };
}

import { meshError } from '../private/errors';

/** The kinds whose pod template makes workloads. */
const WORKLOAD_KINDS = ['Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet'];

/**
 * A workload as its synthesized manifest describes it: what Istio sees of a pod.
 *
 * @internal
 */
export interface Workload {
  /** `Deployment bookinfo/reviews-v1`. */
  readonly ref: string;
  readonly namespace: string;
  /** The pod template's labels. */
  readonly labels: { [key: string]: string };
  /** The pod template's service account (`default` when it names none, as Kubernetes does). */
  readonly serviceAccount: string;
  /** Whether its pods run an Istio proxy (injected, explicitly written, or a gateway's own). */
  readonly proxy: boolean;
  /** The pod template's container ports, by name. */
  readonly namedPorts: { [name: string]: number };
  /** The `version` label, as DestinationRule subsets select it. */
  readonly version?: string;
}

/**
 * The one object of `kind` named `name` in `namespace`, or undefined.
 *
 * @internal
 */
export function findObject(manifests: any[], kind: string, name: string, namespace: string): any | undefined {
  return manifests.find(m => m?.kind === kind && m.metadata?.name === name && (m.metadata?.namespace ?? 'default') === namespace);
}

/**
 * Whether `labels` has every label of `selector`.
 *
 * @internal
 */
export function selects(selector: { [key: string]: string } | undefined, labels: { [key: string]: string }): boolean {
  return Object.entries(selector ?? {}).every(([k, v]) => labels[k] === v);
}

/**
 * The workloads of `namespace` whose pods carry every label of `selector` (an empty selector selects none, as
 * a Kubernetes Service without one has no endpoints).
 *
 * @internal
 */
export function workloadsSelected(manifests: any[], namespace: string, selector: { [key: string]: string } | undefined): Workload[] {
  if (!selector || Object.keys(selector).length === 0) {
    return [];
  }
  return manifests
    .filter(m => WORKLOAD_KINDS.includes(m?.kind) && (m.metadata?.namespace ?? 'default') === namespace)
    .map(m => workloadOf(manifests, m))
    .filter(w => selects(selector, w.labels));
}

/**
 * The workloads behind the Kubernetes Service `name` of `namespace`, by its selector.
 *
 * @throws MESH0601 when the manifests hold no such Service
 * @internal
 */
export function serviceWorkloads(manifests: any[], where: string, name: string, namespace: string): { service: any; workloads: Workload[] } {
  const service = findObject(manifests, 'Service', name, namespace);
  if (!service) {
    throw meshError('MESH0601', where, `the manifests hold no Service '${namespace}/${name}': give the manifests MeshTesting.synth() returns for this mesh, or a service they define`);
  }
  return { service, workloads: workloadsSelected(manifests, namespace, service.spec?.selector) };
}

/**
 * Keeps the workloads of one version (all of them when `version` is undefined).
 *
 * @throws MESH0601 when there is none
 * @internal
 */
export function ofVersion(where: string, what: string, workloads: Workload[], version: string | undefined): Workload[] {
  const found = version === undefined ? workloads : workloads.filter(w => w.version === version);
  if (found.length === 0) {
    const versions = [...new Set(workloads.map(w => w.version ?? '(no version label)'))].sort();
    const detail = version === undefined ? '' : ` with the label version=${version}`;
    throw meshError('MESH0601', where, `${what} has no workload${detail} in the manifests (versions: ${versions.join(', ') || 'none'}): `
      + (version === undefined ? 'add a version to the service' : 'name a version the service has'));
  }
  return found;
}

function workloadOf(manifests: any[], object: any): Workload {
  const namespace = object.metadata?.namespace ?? 'default';
  const template = object.spec?.template ?? {};
  const labels: { [key: string]: string } = { ...template.metadata?.labels };
  const pod = template.spec ?? {};
  const containers: any[] = [...pod.initContainers ?? [], ...pod.containers ?? []];
  const namedPorts: { [name: string]: number } = {};
  for (const port of containers.flatMap(c => c.ports ?? [])) {
    if (port.name) {
      namedPorts[port.name] = port.containerPort;
    }
  }
  return {
    ref: `${object.kind} ${namespace}/${object.metadata?.name}`,
    namespace,
    labels,
    serviceAccount: pod.serviceAccountName ?? pod.serviceAccount ?? 'default',
    proxy: hasProxy(manifests, namespace, labels, template.metadata?.annotations ?? {}, containers),
    namedPorts,
    version: labels.version,
  };
}

/**
 * Whether the pods run an Istio proxy: one is in the template (explicit injection, a gateway), or the injection
 * webhook adds it (the pod's label or annotation, else its namespace's labels, as Istio's webhook selects).
 */
function hasProxy(manifests: any[], namespace: string, labels: any, annotations: any, containers: any[]): boolean {
  if (containers.some(c => c.name === 'istio-proxy')) {
    return true;
  }
  // Istio's webhooks: either label disabled, no sidecar; else either enabled (or a revision named), a sidecar.
  const podChoice = labels['sidecar.istio.io/inject'] ?? annotations['sidecar.istio.io/inject'];
  const nsLabels = manifests.find(m => m?.kind === 'Namespace' && m.metadata?.name === namespace)?.metadata?.labels ?? {};
  const nsChoice = nsLabels['istio-injection'];
  if (podChoice === 'false' || nsChoice === 'disabled') {
    return false;
  }
  if (podChoice === 'true' || nsChoice === 'enabled') {
    return true;
  }
  return nsLabels['istio.io/rev'] !== undefined || labels['istio.io/rev'] !== undefined;
}

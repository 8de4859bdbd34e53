import { ApiObject } from 'cdk8s';
import { k8s } from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import type { ControlPlane } from './control-plane/control-plane';
import { findControlPlane } from './control-plane/revisions';
import { layerScope, meshCharts, MeshLayer } from './layers';
import type { IMesh } from './mesh-identity';
import { reportError } from './private/errors';
import { POD_KINDS, SYSTEM_NAMESPACES, validateInjectable } from './private/kubernetes-rules';
import { validateDnsLabel } from './private/names';
import { PodSecurityLevel, podSecurityLabels, weakestLevel } from './private/pod-security';
import { announce, constructsOfKind, duringSynthesis, invalidateTree, isKind, markKind, tryMeshOf } from './private/tree';
import { meshWorkloads } from './sidecar/workload';

/**
 * Declares a namespace the mesh uses and renders it (once) in the namespaces layer, enrolled in sidecar
 * injection unless `injected` is false (the root namespace, the gateways' and the telemetry stack's).
 *
 * @internal
 */
export function ensureNamespace(mesh: IMesh, name: string, injected: boolean = true): MeshNamespace {
  const chart = layerScope(mesh, MeshLayer.NAMESPACES);
  // An empty name was reported (MESH0001) by whoever gave it; a construct id may not be empty.
  const existing = chart.node.tryFindChild(name || '<empty>') as MeshNamespace | undefined;
  if (existing) {
    // A namespace is enrolled when anything that needs injection lives in it, whatever was declared first.
    existing.injected ||= injected && name !== mesh.rootNamespace;
    return existing;
  }
  const created = new MeshNamespace(chart, name, mesh, injected && name !== mesh.rootNamespace);
  // Mesh-wide policies of a mesh that adopts an existing Istio are written into each of its namespaces.
  announce(mesh, created);
  return created;
}

/**
 * The namespaces of a mesh, in the order first used.
 *
 * @internal
 */
export function meshNamespaces(mesh: IMesh): MeshNamespace[] {
  return layerScope(mesh, MeshLayer.NAMESPACES).node.children.filter((c): c is MeshNamespace => isKind(c, 'MeshNamespace'));
}

export type { PodSecurityLevel } from './private/pod-security';

/**
 * Every namespace whose pods may run the mesh's proxies: the mesh's own (its root namespace first) and those of
 * services defined elsewhere (`MeshService.fromName()`), which the mesh names but does not create.
 *
 * @internal
 */
export function proxyNamespaces(mesh: IMesh): string[] {
  const imported = constructsOfKind(mesh, 'ImportedMeshService').filter(c => tryMeshOf(c) === mesh).map(c => (c as unknown as { namespace: string }).namespace);
  return [...new Set([mesh.rootNamespace, ...meshNamespaces(mesh).map(n => n.namespaceName), ...imported])];
}

/**
 * The objects of the mesh's charts that run pods in `namespace` (Deployments, DaemonSets and the like).
 *
 * @internal
 */
export function meshPodsIn(mesh: IMesh, namespace: string): ApiObject[] {
  // One walk for every namespace (each Namespace object asks at synth), reused while the tree stays as it is.
  const byNamespace = duringSynthesis(mesh, 'meshPodsIn', () => {
    const index = new Map<string | undefined, ApiObject[]>();
    for (const c of meshCharts(mesh).flatMap(chart => chart.node.findAll())) {
      if (ApiObject.isApiObject(c) && POD_KINDS.includes(c.kind)) {
        index.set(c.metadata.namespace, [...index.get(c.metadata.namespace) ?? [], c]);
      }
    }
    return index;
  });
  return [...byNamespace.get(namespace) ?? []];
}

/**
 * A namespace of the mesh: what the model knows of it, and its Namespace object when the mesh writes one (not
 * for the root namespace of an installed Istio, nor when namespaces are owned elsewhere). Its injection labels
 * are decided at synth time, once every workload in it is known.
 *
 * @internal
 */
export class MeshNamespace extends Construct {
  /** The revision its services use unless they choose another (`Mesh.setNamespaceRevision()`). */
  public revision?: string;
  /**
   * What pods the model does not work out itself need of the namespace's Pod Security level, with why
   * (e.g. the Istio CNI node agent: privileged).
   */
  public readonly podSecurityNeeds: { level: PodSecurityLevel; reason: string }[] = [];

  /** The Namespace object, when the mesh writes one. */
  public readonly resource?: k8s.KubeNamespace;

  public constructor(scope: Construct, public readonly namespaceName: string, private readonly mesh: IMesh, public injected: boolean) {
    super(scope, namespaceName || '<empty>');
    markKind(this, 'MeshNamespace');
    if (mesh.writesNamespaces && !(mesh.existingIstio && namespaceName === mesh.rootNamespace)) {
      this.resource = new NamespaceObject(this, 'Resource', this);
    }
  }

  /**
   * The labels of the Namespace object: its injection and Pod Security labels.
   *
   * @internal
   */
  public _labels(): { [key: string]: string } {
    return {
      ...this.injected ? this.injectionLabels() : {},
      // Only where the mesh runs pods: a namespace it names for a policy or an imported service holds pods of
      // others, and the cluster's own namespaces must keep admitting theirs.
      ...this.holdsMeshPods() ? podSecurityLabels(this.podSecurityLevel) : {},
    };
  }

  /**
   * The Pod Security level the namespace enforces: the weakest its pods meet (the model's workloads, and what
   * `podSecurityNeeds` declares).
   */
  public get podSecurityLevel(): PodSecurityLevel {
    return namespacePodSecurityLevel(this.mesh, this.namespaceName, this.podSecurityNeeds);
  }

  /** Whether the mesh runs pods here (or something declares what its pods need); never a system namespace. */
  private holdsMeshPods(): boolean {
    if (SYSTEM_NAMESPACES.includes(this.namespaceName)) {
      return false;
    }
    return this.podSecurityNeeds.length > 0 || meshPodsIn(this.mesh, this.namespaceName).length > 0;
  }

  /**
   * The labels that select the namespace's control plane: `istio-injection=enabled` for the unnamed
   * revision, `istio.io/rev=<revision>` for a named one, none when its workloads use several (each pod
   * then selects its own).
   */
  private injectionLabels(): { [key: string]: string } {
    const webhook = meshWorkloads(this.mesh).filter(w => w.namespace === this.namespaceName && !w.explicit);
    const planes = new Set<ControlPlane>(webhook.length > 0
      ? webhook.map(w => w.controlPlane)
      : [namespaceControlPlane(this.mesh, this.namespaceName)]);
    if (planes.size > 1) {
      return {};
    }
    const [plane] = planes;
    return plane.revision ? { 'istio.io/rev': plane.revision } : { 'istio-injection': 'enabled' };
  }
}

/** A namespace's Namespace object, whose labels are its namespace's, worked out at synth. */
class NamespaceObject extends k8s.KubeNamespace {
  public constructor(scope: Construct, id: string, private readonly namespace: MeshNamespace) {
    super(scope, id, { metadata: { name: namespace.namespaceName } });
  }

  public toJson(): any {
    const json = super.toJson();
    const labels = { ...json.metadata.labels, ...this.namespace._labels() };
    if (Object.keys(labels).length > 0) {
      json.metadata.labels = labels;
    } else {
      delete json.metadata.labels;
    }
    return json;
  }
}

/**
 * The control plane that serves a namespace's services by default: its revision's (`Mesh.setNamespaceRevision()`),
 * else the mesh's default. An unknown revision is the analysis' MESH0036; until it is fixed, the default serves.
 *
 * @internal
 */
export function namespaceControlPlane(mesh: IMesh, namespace: string): ControlPlane {
  const revision = (layerScope(mesh, MeshLayer.NAMESPACES).node.tryFindChild(namespace || '<empty>') as MeshNamespace | undefined)?.revision;
  return (revision === undefined ? undefined : findControlPlane(mesh, revision)) ?? mesh.controlPlane as ControlPlane;
}

/**
 * Chooses a namespace's control plane revision (what `Mesh.setNamespaceRevision()` does). A second call with
 * another revision would replace the first without a word, so it is reported (MESH0099) and ignored.
 *
 * @internal
 */
export function setNamespaceRevision(mesh: IMesh, namespace: string, revision: string): void {
  validateDnsLabel(mesh, 'namespace', namespace);
  validateInjectable(mesh, namespace, mesh.rootNamespace, 'its revision would not apply', 'set the revision of another namespace');
  const ns = ensureNamespace(mesh, namespace);
  const label = revision || 'default';
  if (ns.revision !== undefined && ns.revision !== label) {
    reportError(mesh, 'MESH0099', `namespace '${namespace}' already has revision '${ns.revision}' (from an earlier setNamespaceRevision()): set each namespace's revision once, to the revision it should use`);
    return;
  }
  ns.revision = label;
  // The namespace's workloads may change control plane: views of the tree built before are stale.
  invalidateTree();
}

/**
 * The Pod Security level a namespace of the mesh can enforce: the weakest its pods meet. Workloads meet
 * "restricted" unless their options relax it, or their control plane has no Istio CNI (then `istio-init`
 * runs as root with NET_ADMIN and NET_RAW: "privileged"); gateways, istiod and the add-ons meet
 * "restricted"; what the model does not see is in the namespace's `podSecurityNeeds`.
 */
function namespacePodSecurityLevel(mesh: IMesh, namespace: string, needs: readonly { readonly level: PodSecurityLevel }[]): PodSecurityLevel {
  const levels: PodSecurityLevel[] = needs.map(n => n.level);
  for (const service of constructsOfKind(mesh, 'MeshService') as unknown as ServiceView[]) {
    if (service.namespace !== namespace) {
      continue;
    }
    for (const version of service.versions) {
      levels.push(version._podSecurityLevel);
      if (!service.controlPlane.cni) {
        levels.push('privileged');
      }
    }
  }
  return weakestLevel(levels);
}

/** What the namespace's level reads of a service (a type-only view: services import this file). */
interface ServiceView {
  readonly namespace: string;
  readonly versions: readonly { readonly _podSecurityLevel: PodSecurityLevel }[];
  readonly controlPlane: { readonly cni: boolean };
}

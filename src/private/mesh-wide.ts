import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import { isKind, whenAnnounced } from './tree';
import type { IMesh } from '../mesh-identity';
import { meshNamespaces } from '../namespaces';

/**
 * Writes a mesh-wide policy object: into the root namespace, which makes Istio apply it to every workload, or,
 * in a mesh that adopts an existing Istio (whose root namespace's policies would apply to every workload of the
 * cluster, not only the mesh's), one copy into each namespace of the mesh, now and as namespaces are added.
 *
 * A namespace whose own policy of the kind takes the copy's place (`skip`) gets no copy: Istio honours one
 * namespace-wide policy of a kind (PeerAuthentication, Telemetry) per namespace, and the namespace's own
 * drops the copy when it comes later (`dropMeshWideCopy`).
 *
 * @returns the root namespace's object, or undefined when the policy is written per namespace
 * @internal
 */
export function meshWideObject(
  owner: Construct,
  mesh: IMesh,
  make: (scope: Construct, id: string, namespace: string) => ApiObject,
  skip: (namespace: string) => boolean = () => false,
): ApiObject | undefined {
  if (!mesh.existingIstio) {
    return make(owner, 'Resource', mesh.rootNamespace);
  }
  const add = (namespace: string) => {
    if (namespace !== mesh.rootNamespace && namespace && !owner.node.tryFindChild(namespace) && !skip(namespace)) {
      make(owner, namespace, namespace);
    }
  };
  meshNamespaces(mesh).forEach(ns => add(ns.namespaceName));
  whenAnnounced(mesh, added => {
    if (isKind(added, 'MeshNamespace')) {
      add((added as unknown as { namespaceName: string }).namespaceName);
    }
  });
  return undefined;
}

/**
 * Drops the copy of a mesh-wide policy from a namespace that has one of its own (see `meshWideObject`).
 *
 * @internal
 */
export function dropMeshWideCopy(owner: Construct | undefined, namespace: string): void {
  owner?.node.tryRemoveChild(namespace);
}

/**
 * The objects a policy writes: its own, or the copies of a mesh-wide one (see `meshWideObject`).
 *
 * @internal
 */
export function policyObjects(owner: Construct): ApiObject[] {
  return owner.node.children.filter((c): c is ApiObject => ApiObject.isApiObject(c));
}

/**
 * An object's API group, version and kind, as its manifest's `apiVersion` and `kind` give them.
 */
export interface GroupVersionKind {
  /** The API group, `''` for the core group. */
  readonly group: string;
  /** The API version: `v1`, `v1beta1`. */
  readonly version: string;
  /** The kind: `Deployment`, `VirtualService`. */
  readonly kind: string;
}

export function groupVersionKind(manifest: { apiVersion?: unknown; kind?: unknown }): GroupVersionKind | undefined {
  const { apiVersion, kind } = manifest;
  if (typeof apiVersion !== 'string' || typeof kind !== 'string' || apiVersion === '' || kind === '') {
    return undefined;
  }
  const slash = apiVersion.lastIndexOf('/');
  return slash < 0
    ? { group: '', version: apiVersion, kind }
    : { group: apiVersion.slice(0, slash), version: apiVersion.slice(slash + 1), kind };
}

/**
 * Groups served by Kubernetes itself: the core group, the dotless legacy groups (`apps`, `batch`, `policy`,
 * `autoscaling`) and every `*.k8s.io` group. Anything else is defined by a CustomResourceDefinition.
 */
export function isBuiltInGroup(group: string): boolean {
  return group === '' || !group.includes('.') || group.endsWith('.k8s.io');
}

/**
 * The built-in kinds that are cluster-scoped (Kubernetes 1.27 to 1.34); every other built-in kind is
 * namespaced.
 */
const CLUSTER_SCOPED_BUILT_INS = new Set([
  'APIService', 'CertificateSigningRequest', 'ClusterRole', 'ClusterRoleBinding', 'ClusterTrustBundle',
  'ComponentStatus', 'CSIDriver', 'CSINode', 'CustomResourceDefinition', 'DeviceClass', 'FlowSchema',
  'IngressClass', 'IPAddress', 'MutatingAdmissionPolicy', 'MutatingAdmissionPolicyBinding',
  'MutatingWebhookConfiguration', 'Namespace', 'Node', 'PersistentVolume', 'PriorityClass',
  'PriorityLevelConfiguration', 'ResourceSlice', 'RuntimeClass', 'ServiceCIDR', 'StorageClass',
  'StorageVersion', 'StorageVersionMigration', 'ValidatingAdmissionPolicy', 'ValidatingAdmissionPolicyBinding',
  'ValidatingWebhookConfiguration', 'VolumeAttachment', 'VolumeAttributesClass',
]);

/**
 * Whether objects of a kind live in a namespace: known for built-in kinds, read from the CRD for custom
 * ones (`crdScopes`: `group/kind` to `Namespaced | Cluster`), `undefined` when neither tells.
 */
export function isNamespaced(gvk: GroupVersionKind, crdScopes: ReadonlyMap<string, string>): boolean | undefined {
  // A CRD of the release comes first: some groups under k8s.io are CRDs (the Gateway API's GatewayClass is
  // cluster-scoped), not kinds Kubernetes serves itself.
  const scope = crdScopes.get(`${gvk.group}/${gvk.kind}`);
  if (scope !== undefined) {
    return scope !== 'Cluster';
  }
  return isBuiltInGroup(gvk.group) ? !CLUSTER_SCOPED_BUILT_INS.has(gvk.kind) : undefined;
}

/**
 * The Pulumi type token the Kubernetes provider knows an object by: `kubernetes:<group>/<version>:<kind>`,
 * with `core` for the core group (`kubernetes:core/v1:Namespace`, `kubernetes:networking.istio.io/v1:VirtualService`).
 */
export function typeToken(gvk: GroupVersionKind): string {
  return `kubernetes:${gvk.group === '' ? 'core' : gvk.group}/${gvk.version}:${gvk.kind}`;
}

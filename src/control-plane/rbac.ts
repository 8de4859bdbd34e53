import { k8s } from 'cdk8s-plus-27';
import { Construct } from 'constructs';

/*
 * The permissions istiod needs, as RBAC rules, and the objects that grant them. Facts of Istio 1.30's
 * control plane: what it reads, which statuses it writes, what its gateway controller deploys.
 */

/** @internal */
export interface Rule {
  readonly apiGroups: string[];
  readonly resources: string[];
  readonly verbs: string[];
}

const READ = ['get', 'list', 'watch'];
const MANAGE = ['get', 'watch', 'list', 'update', 'patch', 'create', 'delete'];
const ISTIO_GROUPS = ['config.istio.io', 'security.istio.io', 'networking.istio.io', 'authentication.istio.io', 'rbac.istio.io', 'telemetry.istio.io', 'extensions.istio.io'];
const GATEWAY_API_STATUSES = ['backendtlspolicies', 'gatewayclasses', 'gateways', 'grpcroutes', 'httproutes', 'referencegrants', 'tcproutes', 'tlsroutes', 'udproutes', 'listenersets'].map(r => `${r}/status`);

const rule = (apiGroups: string[], resources: string[], verbs: string[]): Rule => ({ apiGroups, resources, verbs });

/**
 * istiod, cluster-wide: config from every namespace, workloads and endpoints, webhooks it keeps
 * patched with its CA bundle, statuses it reports, and certificate reviews.
 *
 * @internal
 */
export const ISTIOD_CLUSTER_RULES: Rule[] = [
  rule(['admissionregistration.k8s.io'], ['mutatingwebhookconfigurations'], [...READ, 'update', 'patch']),
  rule(['admissionregistration.k8s.io'], ['validatingwebhookconfigurations'], [...READ, 'update']),
  rule(ISTIO_GROUPS, ['*'], READ),
  rule(['networking.istio.io'], ['workloadentries'], MANAGE),
  rule(['networking.istio.io'], ['workloadentries/status', 'serviceentries/status'], MANAGE),
  rule(['security.istio.io'], ['authorizationpolicies/status'], MANAGE),
  rule([''], ['services/status'], MANAGE),
  rule(['apiextensions.k8s.io'], ['customresourcedefinitions'], READ),
  rule([''], ['pods', 'nodes', 'services', 'namespaces', 'endpoints'], READ),
  rule(['discovery.k8s.io'], ['endpointslices'], READ),
  rule(['networking.k8s.io'], ['ingresses', 'ingressclasses'], READ),
  rule(['networking.k8s.io'], ['ingresses/status'], ['*']),
  // istiod publishes its root certificate as the istio-ca-root-cert ConfigMap in every namespace.
  rule([''], ['configmaps'], ['create', 'get', 'list', 'watch', 'update']),
  rule(['authentication.k8s.io'], ['tokenreviews'], ['create']),
  rule(['authorization.k8s.io'], ['subjectaccessreviews'], ['create']),
  rule(['gateway.networking.k8s.io', 'gateway.networking.x-k8s.io'], ['*'], READ),
  rule(['gateway.networking.x-k8s.io'], ['xbackendtrafficpolicies/status'], ['update', 'patch']),
  rule(['gateway.networking.k8s.io'], GATEWAY_API_STATUSES, ['update', 'patch']),
  rule(['gateway.networking.k8s.io'], ['gatewayclasses'], ['create', 'update', 'patch', 'delete']),
  rule(['inference.networking.k8s.io'], ['inferencepools'], READ),
  rule(['inference.networking.k8s.io'], ['inferencepools/status'], ['update', 'patch']),
  // Gateway TLS credentials (credentialName) are Secrets in the gateways' namespaces.
  rule([''], ['secrets'], READ),
  rule(['multicluster.x-k8s.io'], ['serviceexports'], [...READ, 'create', 'delete']),
  rule(['multicluster.x-k8s.io'], ['serviceimports'], READ),
];

/**
 * istiod's Gateway API controller: what it deploys for each Gateway.
 *
 * @internal
 */
export const GATEWAY_CONTROLLER_RULES: Rule[] = [
  rule(['apps'], ['deployments'], MANAGE),
  rule(['autoscaling'], ['horizontalpodautoscalers'], MANAGE),
  rule(['policy'], ['poddisruptionbudgets'], MANAGE),
  rule([''], ['services'], MANAGE),
  rule([''], ['serviceaccounts'], MANAGE),
];

/**
 * The read-only role of tools and remote clusters' istiods (istio-reader-service-account).
 *
 * @internal
 */
export const READER_RULES: Rule[] = [
  rule(ISTIO_GROUPS, ['*'], READ),
  rule([''], ['endpoints', 'pods', 'services', 'nodes', 'replicationcontrollers', 'namespaces', 'secrets', 'configmaps'], READ),
  rule(['networking.istio.io'], ['workloadentries'], READ),
  rule(['networking.x-k8s.io', 'gateway.networking.k8s.io'], ['gateways'], READ),
  rule(['apiextensions.k8s.io'], ['customresourcedefinitions'], READ),
  rule(['discovery.k8s.io'], ['endpointslices'], READ),
  rule(['multicluster.x-k8s.io'], ['serviceexports'], [...READ, 'create', 'delete']),
  rule(['multicluster.x-k8s.io'], ['serviceimports'], READ),
  rule(['apps'], ['replicasets'], READ),
  rule(['authentication.k8s.io'], ['tokenreviews'], ['create']),
  rule(['authorization.k8s.io'], ['subjectaccessreviews'], ['create']),
];

/**
 * istiod in its own namespace: its CA Secret, leader-election leases, and the Gateways it creates.
 *
 * @internal
 */
export const ISTIOD_NAMESPACE_RULES: Rule[] = [
  rule(['networking.istio.io'], ['gateways'], ['create']),
  rule([''], ['secrets'], ['create', 'get', 'watch', 'list', 'update', 'delete']),
  rule([''], ['configmaps'], ['delete']),
  rule(['coordination.k8s.io'], ['leases'], ['get', 'update', 'patch', 'create']),
];

/**
 * What istiod's RBAC is rendered from: the `ControlPlane`, which is also its scope. (Named by what is read
 * of it, not by its class, so that the renderers stay out of its import cycle.)
 *
 * @internal
 */
export interface RbacOwner extends Construct {
  readonly serviceName: string;
  readonly namespace: string;
  readonly _suffix: string;
  _labels(): { [key: string]: string };
  _metadata(name: string, extraLabels?: { [key: string]: string }): k8s.ObjectMeta;
}

/**
 * istiod's service account, and the roles and bindings that grant it (and the reader service account)
 * the rules above.
 *
 * @internal
 */
export function renderRbac(controlPlane: RbacOwner): void {
  const { serviceName, namespace } = controlPlane;
  const labels = controlPlane._labels();
  const clusterMeta = (name: string) => ({ name, labels });
  const nsSuffix = `${controlPlane._suffix}-${namespace}`;

  new k8s.KubeServiceAccount(controlPlane, 'ServiceAccount', { metadata: controlPlane._metadata(serviceName) });
  const serviceAccount = { kind: 'ServiceAccount', name: serviceName, namespace };
  const clusterRole = (roleId: string, name: string, rules: Rule[], subject = serviceAccount) => {
    new k8s.KubeClusterRole(controlPlane, roleId, { metadata: clusterMeta(name), rules });
    new k8s.KubeClusterRoleBinding(controlPlane, `${roleId}Binding`, {
      metadata: clusterMeta(name),
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name },
      subjects: [subject],
    });
  };
  clusterRole('ClusterRole', `istiod-clusterrole${nsSuffix}`, ISTIOD_CLUSTER_RULES);
  clusterRole('GatewayControllerRole', `istiod-gateway-controller${nsSuffix}`, GATEWAY_CONTROLLER_RULES);
  clusterRole('ReaderRole', `istio-reader-clusterrole${nsSuffix}`, READER_RULES,
    { kind: 'ServiceAccount', name: 'istio-reader-service-account', namespace });
  new k8s.KubeRole(controlPlane, 'Role', { metadata: controlPlane._metadata(serviceName), rules: ISTIOD_NAMESPACE_RULES });
  new k8s.KubeRoleBinding(controlPlane, 'RoleBinding', {
    metadata: controlPlane._metadata(serviceName),
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: serviceName },
    subjects: [serviceAccount],
  });
}

/**
 * The service account other clusters' control planes and tools read this one's API with (istio-reader).
 *
 * @internal
 */
export function readerServiceAccount(scope: Construct, rootNamespace: string): void {
  new k8s.KubeServiceAccount(scope, 'ReaderServiceAccount', {
    metadata: { name: 'istio-reader-service-account', namespace: rootNamespace, labels: { 'app': 'istio-reader', 'app.kubernetes.io/part-of': 'istio' } },
  });
}

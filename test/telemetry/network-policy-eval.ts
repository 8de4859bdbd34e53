/**
 * A small NetworkPolicy evaluator for tests: whether the policies of a synthesized output admit a connection
 * from one pod to another on a TCP port, as the Kubernetes NetworkPolicy API defines it (ingress only; egress
 * is not evaluated). Pods are named by their namespace and labels; namespaces carry the label
 * `kubernetes.io/metadata.name` the API server sets, and any labels their Namespace object has.
 */

/** A pod as a NetworkPolicy sees it. */
export interface PolicyPod {
  readonly namespace: string;
  readonly labels: { [key: string]: string };
}

/** The pod a Deployment (or DaemonSet) of `manifests` runs: its namespace and its template's labels. */
export function podOf(manifests: any[], kind: string, name: string, namespace?: string): PolicyPod {
  const owner = manifests.find(m => m.kind === kind && m.metadata.name === name && (namespace === undefined || m.metadata.namespace === namespace));
  if (!owner) {
    throw new Error(`no ${kind} ${name} in the output`);
  }
  return { namespace: owner.metadata.namespace, labels: { ...owner.spec.template.metadata.labels } };
}

/** Whether `selector` selects `labels` (an empty selector selects everything). */
export function selects(selector: any, labels: { [key: string]: string }): boolean {
  const matchLabels = Object.entries(selector?.matchLabels ?? {}).every(([key, value]) => labels[key] === value);
  const matchExpressions = (selector?.matchExpressions ?? []).every((e: any) => {
    switch (e.operator) {
      case 'In': return has(labels, e.key) && e.values.includes(labels[e.key]);
      case 'NotIn': return !has(labels, e.key) || !e.values.includes(labels[e.key]);
      case 'Exists': return has(labels, e.key);
      case 'DoesNotExist': return !has(labels, e.key);
      default: throw new Error(`unknown selector operator ${e.operator}`);
    }
  });
  return matchLabels && matchExpressions;
}

function has(labels: { [key: string]: string }, key: string): boolean {
  return Object.prototype.hasOwnProperty.call(labels, key);
}

/** Whether the NetworkPolicies of `manifests` admit a TCP connection from `from` to `to` on `port`. */
export function admits(manifests: any[], from: PolicyPod, to: PolicyPod, port: number): boolean {
  const namespaceLabels = (name: string) => ({
    ...manifests.find(m => m.kind === 'Namespace' && m.metadata.name === name)?.metadata.labels,
    'kubernetes.io/metadata.name': name,
  });
  const policies = manifests.filter(m => m.kind === 'NetworkPolicy'
    && m.metadata.namespace === to.namespace
    && selects(m.spec.podSelector, to.labels)
    && (m.spec.policyTypes === undefined || m.spec.policyTypes.includes('Ingress')));
  if (policies.length === 0) {
    // A pod no policy selects for ingress is not isolated.
    return true;
  }
  const portMatches = (ports: any[] | undefined) => !ports?.length || ports.some(p => {
    if ((p.protocol ?? 'TCP') !== 'TCP') {
      return false;
    }
    if (typeof p.port === 'string') {
      throw new Error(`named port ${p.port}: the evaluator takes port numbers only`);
    }
    return p.port === undefined || p.port === port || (p.endPort !== undefined && port >= p.port && port <= p.endPort);
  });
  const peerMatches = (peer: any, policyNamespace: string) => {
    if (peer.ipBlock) {
      // Pod addresses are not modelled: an address block admits no pod here.
      return false;
    }
    const namespaceOk = peer.namespaceSelector
      ? selects(peer.namespaceSelector, namespaceLabels(from.namespace))
      : from.namespace === policyNamespace;
    const podOk = peer.podSelector ? selects(peer.podSelector, from.labels) : true;
    return namespaceOk && podOk;
  };
  return policies.some(policy => (policy.spec.ingress ?? []).some((rule: any) =>
    portMatches(rule.ports) && (!rule.from?.length || rule.from.some((peer: any) => peerMatches(peer, policy.metadata.namespace)))));
}

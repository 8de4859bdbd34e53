/**
 * A NetworkPolicy evaluator with Kubernetes' semantics, over synthesized manifests: which connections the
 * NetworkPolicies in them admit.
 *
 * - A pod no policy selects for a direction (Ingress, Egress) is open in that direction; a pod some policy
 *   selects for it admits what the union of those policies' rules admits.
 * - A connection needs both: the source's egress and the destination's ingress.
 * - Peers: `podSelector` (pods of the policy's namespace), `namespaceSelector` (every pod of the namespaces it
 *   selects), both (the pods it selects in those namespaces), `ipBlock` (addresses outside the cluster: whether
 *   an ipBlock matches pod addresses is left to the network plugin, so here it never does). A rule without
 *   peers admits every peer, a rule without ports every port.
 * - Ports: a number, or a name resolved against the destination pod's container ports; `endPort` makes a range.
 * - Namespaces carry `kubernetes.io/metadata.name: <name>` (set by the API server) and their rendered labels.
 *
 * @see https://kubernetes.io/docs/concepts/services-networking/network-policies/
 */

/** A pod: from a workload's pod template, or declared by a test (a pod the mesh does not render, such as CoreDNS). */
export interface Pod {
  /** `<Kind>/<name>` of the workload, or any name a test gives. */
  readonly name: string;
  readonly namespace: string;
  readonly labels: { [key: string]: string };
  /** Container ports: what named ports resolve to. */
  readonly ports: { readonly name?: string; readonly containerPort: number; readonly protocol?: string }[];
}

/** An address outside the cluster (a client on the internet, an external API, the API server). */
export interface Address {
  readonly ip: string;
}

export type Endpoint = Pod | Address;

/** The pod template labels and container ports of every workload in `manifests`, in their namespaces. */
export function podsOf(manifests: any[]): Pod[] {
  const kinds = ['Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet', 'Job'];
  return manifests.filter(m => kinds.includes(m.kind)).map(m => {
    const spec = m.spec?.template?.spec ?? {};
    const containers = [...spec.containers ?? [], ...spec.initContainers ?? []];
    return {
      name: `${m.kind}/${m.metadata.name}`,
      namespace: m.metadata.namespace ?? 'default',
      labels: { ...m.spec?.template?.metadata?.labels },
      ports: containers.flatMap((c: any) => c.ports ?? []),
    };
  });
}

/** The pod of the workload `kind/name` (of `namespace`, if given). */
export function podOf(manifests: any[], name: string, namespace?: string): Pod {
  const pod = podsOf(manifests).find(p => p.name === name && (namespace === undefined || p.namespace === namespace));
  if (!pod) {
    throw new Error(`no pod '${name}'${namespace ? ` in namespace '${namespace}'` : ''} (pods: ${podsOf(manifests).map(p => `${p.namespace}/${p.name}`).join(', ')})`);
  }
  return pod;
}

/** The NetworkPolicies and namespace labels of a set of manifests, to ask about connections. */
export class NetworkPolicies {
  private readonly policies: any[];
  private readonly namespaceLabels = new Map<string, { [key: string]: string }>();

  public constructor(manifests: any[]) {
    this.policies = manifests.filter(m => m.kind === 'NetworkPolicy' && m.apiVersion === 'networking.k8s.io/v1');
    for (const ns of manifests.filter(m => m.kind === 'Namespace')) {
      this.namespaceLabels.set(ns.metadata.name, { ...ns.metadata.labels });
    }
  }

  /** Whether a connection from `from` to `to` on `port` (and `protocol`) is admitted. */
  public admits(from: Endpoint, to: Endpoint, port: number, protocol: string = 'TCP'): boolean {
    return this.egressAdmits(from, to, port, protocol) && this.ingressAdmits(from, to, port, protocol);
  }

  /** Whether `from`'s egress admits the connection (an address outside the cluster has no policies). */
  public egressAdmits(from: Endpoint, to: Endpoint, port: number, protocol: string = 'TCP'): boolean {
    if (!isPod(from)) {
      return true;
    }
    const selecting = this.selecting(from, 'Egress');
    return selecting.length === 0 || selecting.some(p => (p.spec.egress ?? []).some((rule: any) =>
      this.peersMatch(rule.to, p.metadata.namespace, to) && portsMatch(rule.ports, to, port, protocol)));
  }

  /** Whether `to`'s ingress admits the connection. */
  public ingressAdmits(from: Endpoint, to: Endpoint, port: number, protocol: string = 'TCP'): boolean {
    if (!isPod(to)) {
      return true;
    }
    const selecting = this.selecting(to, 'Ingress');
    return selecting.length === 0 || selecting.some(p => (p.spec.ingress ?? []).some((rule: any) =>
      this.peersMatch(rule.from, p.metadata.namespace, from) && portsMatch(rule.ports, to, port, protocol)));
  }

  /** The policies that select `pod` for a direction. */
  public selecting(pod: Pod, direction: 'Ingress' | 'Egress'): any[] {
    return this.policies.filter(p => (p.metadata.namespace ?? 'default') === pod.namespace
      && policyTypes(p.spec).includes(direction)
      && selectorMatches(p.spec.podSelector, pod.labels));
  }

  private peersMatch(peers: any[] | undefined, policyNamespace: string, endpoint: Endpoint): boolean {
    if (peers === undefined || peers.length === 0) {
      return true;
    }
    return peers.some(peer => {
      if (peer.ipBlock) {
        const except: string[] = peer.ipBlock.except ?? [];
        return !isPod(endpoint) && inBlock(endpoint.ip, peer.ipBlock.cidr) && !except.some(e => inBlock(endpoint.ip, e));
      }
      if (!isPod(endpoint)) {
        return false;
      }
      const namespaceOk = peer.namespaceSelector
        ? selectorMatches(peer.namespaceSelector, this.labelsOfNamespace(endpoint.namespace))
        : endpoint.namespace === policyNamespace;
      const podOk = peer.podSelector ? selectorMatches(peer.podSelector, endpoint.labels) : true;
      return namespaceOk && podOk;
    });
  }

  private labelsOfNamespace(namespace: string): { [key: string]: string } {
    return { ...this.namespaceLabels.get(namespace), 'kubernetes.io/metadata.name': namespace };
  }
}

function isPod(endpoint: Endpoint): endpoint is Pod {
  return (endpoint as Pod).namespace !== undefined;
}

/** `policyTypes`, defaulted as the API server does: Ingress always, Egress when the policy has egress rules. */
function policyTypes(spec: any): string[] {
  return spec.policyTypes ?? ['Ingress', ...spec.egress ? ['Egress'] : []];
}

/** Whether a label selector selects `labels` (an empty selector selects everything). */
export function selectorMatches(selector: any, labels: { [key: string]: string }): boolean {
  if (!selector) {
    return true;
  }
  const byLabels = Object.entries(selector.matchLabels ?? {}).every(([k, v]) => labels[k] === v);
  const byExpressions = (selector.matchExpressions ?? []).every((e: any) => {
    switch (e.operator) {
      case 'In': return e.key in labels && e.values.includes(labels[e.key]);
      case 'NotIn': return !(e.key in labels) || !e.values.includes(labels[e.key]);
      case 'Exists': return e.key in labels;
      case 'DoesNotExist': return !(e.key in labels);
      default: throw new Error(`unknown selector operator '${e.operator}'`);
    }
  });
  return byLabels && byExpressions;
}

/** Whether a rule's ports admit `port`/`protocol` on the destination (a name is one of its container ports). */
function portsMatch(ports: any[] | undefined, to: Endpoint, port: number, protocol: string): boolean {
  if (ports === undefined || ports.length === 0) {
    return true;
  }
  return ports.some(p => {
    if ((p.protocol ?? 'TCP') !== protocol) {
      return false;
    }
    if (p.port === undefined) {
      return true;
    }
    if (typeof p.port === 'string') {
      // A named port is the destination pod's container port of that name (and protocol).
      return isPod(to) && to.ports.some(c => c.name === p.port && c.containerPort === port && (c.protocol ?? 'TCP') === protocol);
    }
    return p.endPort !== undefined ? port >= p.port && port <= p.endPort : port === p.port;
  });
}

/** Whether an IPv4 or IPv6 address is in a CIDR block. */
export function inBlock(ip: string, cidr: string): boolean {
  const [base, lengthText] = cidr.split('/');
  const length = Number(lengthText);
  const a = toBits(ip);
  const b = toBits(base);
  if (a === undefined || b === undefined || a.length !== b.length) {
    return false;
  }
  return a.slice(0, length) === b.slice(0, length);
}

function toBits(ip: string): string | undefined {
  if (ip.includes(':')) {
    const [head, tail] = ip.split('::');
    const groups = (s: string | undefined) => (s ? s.split(':') : []);
    const missing = 8 - groups(head).length - groups(tail).length;
    const all = tail === undefined ? groups(head) : [...groups(head), ...Array(missing).fill('0'), ...groups(tail)];
    return all.length === 8 ? all.map(g => parseInt(g, 16).toString(2).padStart(16, '0')).join('') : undefined;
  }
  const octets = ip.split('.').map(Number);
  return octets.length === 4 ? octets.map(o => o.toString(2).padStart(8, '0')).join('') : undefined;
}

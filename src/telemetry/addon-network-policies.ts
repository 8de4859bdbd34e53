import { Lazy } from 'cdk8s';
import { k8s } from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import type { TelemetryStack } from './telemetry-stack';
import { addonLabels } from './workload';
import { proxyNamespaces as meshProxyNamespaces } from '../namespaces';
import type { NetworkPeer } from '../security/network-peer';

/**
 * Who, beyond the add-ons themselves, may reach the stack's UIs.
 *
 * @internal
 */
export interface AddonAccess {
  /** Peers that may open Grafana (port 3000). */
  readonly grafana: NetworkPeer[];
  /** Peers that may open Kiali's UI (port 20001). */
  readonly kiali: NetworkPeer[];
  /** Peers that may open Prometheus's UI and query API (port 9090). */
  readonly prometheus: NetworkPeer[];
  /** Peers that may open the tracing backend's UI and query API. */
  readonly tracing: NetworkPeer[];
}

const PART_OF = addonLabels('', '')['app.kubernetes.io/part-of'];

/** A NetworkPolicy ingress rule: `from` (none: anyone) on TCP `ports`. */
function rule(from: k8s.NetworkPolicyPeer[] | undefined, ports: number[]): k8s.NetworkPolicyIngressRule {
  return { from, ports: ports.map(port => ({ port: k8s.IntOrString.fromNumber(port), protocol: 'TCP' })) };
}

/** The rules that admit `peers` on `ports`: one without `from` if a peer is anywhere, else one listing them, or none. */
function peerRules(peers: NetworkPeer[], ports: number[]): k8s.NetworkPolicyIngressRule[] {
  if (peers.some(p => p._anywhere)) {
    return [rule(undefined, ports)];
  }
  return peers.length ? [rule(peers.flatMap(p => p._render()), ports)] : [];
}

/**
 * Renders the NetworkPolicies of the stack's add-ons (into `scope`): each admits only what needs it.
 * Prometheus (9090) is read by Grafana and Kiali; Grafana (3000) by Kiali and the peers listed; Kiali's UI
 * (20001) by the peers listed and its metrics (9090) by Prometheus; the tracing backend takes spans from
 * the proxies of every namespace of the mesh (gateways' and istiod's included) and is read by Grafana,
 * Kiali and (its metrics) Prometheus. Only ingress is limited: egress stays open. The kubelet's probes and
 * `kubectl port-forward` come from the node, which NetworkPolicies do not stop.
 *
 * @internal
 */
export function addonNetworkPolicies(scope: Construct, stack: TelemetryStack, access: AddonAccess): void {
  const namespace = stack.namespace;
  // An add-on's pods, by the labels every one of them carries (its Deployment's template labels): `app`, and
  // the stack's part-of label, so that another `app: grafana` of the namespace is neither admitted nor limited.
  const pods = (name: string) => ({ matchLabels: { 'app': name, 'app.kubernetes.io/part-of': PART_OF } });
  const app = (name: string): k8s.NetworkPolicyPeer => ({ podSelector: pods(name) });
  const grafana = stack.grafana ? [app(stack.grafana.serviceName)] : [];
  const kiali = stack.kiali ? [app(stack.kiali.serviceName)] : [];
  const prometheus = stack.prometheus ? [app(stack.prometheus.serviceName)] : [];
  const readers = [...grafana, ...kiali];
  const policy = (name: string, ingress: k8s.NetworkPolicyIngressRule[]) => new k8s.KubeNetworkPolicy(scope, name, {
    metadata: { name: `telemetry-${name}`, namespace, labels: { 'app.kubernetes.io/part-of': PART_OF, 'app.kubernetes.io/managed-by': 'cdk8s-mesh' } },
    spec: {
      podSelector: pods(name),
      policyTypes: ['Ingress'],
      // Rules with no `from` would admit anyone: a part nobody reads gets none, which admits no one.
      ingress: ingress.filter(r => r.from === undefined || r.from.length > 0),
    },
  });

  if (stack.prometheus) {
    policy(stack.prometheus.serviceName, [rule(readers, [9090]), ...peerRules(access.prometheus, [9090])]);
  }
  if (stack.grafana) {
    policy(stack.grafana.serviceName, [rule(kiali, [3000]), ...peerRules(access.grafana, [3000])]);
  }
  if (stack.kiali) {
    policy(stack.kiali.serviceName, [...peerRules(access.kiali, [20001]), rule(prometheus, [9090])]);
  }
  const tracing = stack._tracingConfig?.pods;
  if (tracing) {
    // Every namespace of the mesh, workloads', gateways' and istiod's, in name order (services may come
    // after the stack, so it is read at synthesis).
    const proxies: k8s.NetworkPolicyPeer = {
      namespaceSelector: {
        matchExpressions: [{
          key: 'kubernetes.io/metadata.name',
          operator: 'In',
          values: Lazy.any({ produce: () => proxyNamespaces(stack) }) as unknown as string[],
        }],
      },
    };
    policy(tracing.app, [
      rule([proxies], tracing.collectorPorts),
      rule(readers, [tracing.queryPort]),
      ...peerRules(access.tracing, [tracing.queryPort]),
      rule(prometheus, [tracing.metricsPort]),
    ]);
  }
}

/** The namespaces of the mesh's proxies: every namespace of the mesh (workloads', gateways', istiod's) and imported services'. */
function proxyNamespaces(stack: TelemetryStack): string[] {
  return meshProxyNamespaces(stack.mesh).sort();
}

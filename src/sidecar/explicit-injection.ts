import type { ProxySettings } from './proxy-settings';
import { PROXY_PORTS, PodFacts, SidecarEnvironment, renderSidecar } from './sidecar';
import { meshError } from '../private/errors';

/** Controllers whose pod template explicit injection fills in, with their API path. */
const WORKLOAD_KINDS: { [kind: string]: string } = {
  Deployment: 'deployments',
  StatefulSet: 'statefulsets',
  DaemonSet: 'daemonsets',
  ReplicaSet: 'replicasets',
  Job: 'jobs',
  Pod: 'pods',
};

/**
 * Explicit injection: writes the sidecar into a workload manifest (a Deployment, StatefulSet, DaemonSet,
 * ReplicaSet, Job or Pod), the way `istioctl kube-inject` does. Returns a new manifest.
 *
 * @internal
 */
export function injectManifest(manifest: any, env: SidecarEnvironment, settings: ProxySettings): any {
  const plural = WORKLOAD_KINDS[manifest.kind];
  if (!plural) {
    throw meshError('MESH0095', 'explicit injection', `cannot inject a sidecar into a ${manifest?.kind}: inject Deployments, StatefulSets, DaemonSets, ReplicaSets, Jobs or Pods`);
  }
  const out = JSON.parse(JSON.stringify(manifest));
  const template = manifest.kind === 'Pod' ? out : out.spec.template;
  template.metadata ??= {};
  template.spec ??= {};
  const spec = template.spec;
  const workloadName: string = out.metadata.name;
  const namespace: string = out.metadata.namespace ?? 'default';
  const appContainers: any[] = spec.containers ?? [];
  const labels = template.metadata.labels ?? {};
  const facts: PodFacts = {
    workloadName,
    owner: `kubernetes://apis/${out.apiVersion}/namespaces/${namespace}/${plural}/${workloadName}`,
    podPorts: `[${appContainers.flatMap(c => c.ports ?? []).map(goPortJson).join(',')}]`,
    appContainers: appContainers.map(c => c.name).join(','),
    defaultContainer: appContainers[0]?.name ?? '',
    canonicalName: labels.app ?? workloadName,
    canonicalRevision: labels.version ?? 'latest',
  };
  const fragment = renderSidecar(env, settings, facts);
  const probers = rewriteProbes(appContainers);
  if (Object.keys(probers).length > 0) {
    const proxy = [...fragment.initContainers, ...fragment.containers].find(c => c.name === 'istio-proxy');
    proxy.env.push({ name: 'ISTIO_KUBE_APP_PROBERS', value: JSON.stringify(probers) });
  }
  const hold = settings.holdApplicationUntilProxyStarts && !settings.nativeSidecar;
  spec.initContainers = [...fragment.initContainers, ...spec.initContainers ?? []];
  spec.containers = hold ? [...fragment.containers, ...appContainers] : [...appContainers, ...fragment.containers];
  spec.volumes = [...spec.volumes ?? [], ...fragment.volumes];
  template.metadata.labels = sortKeys({ ...labels, ...fragment.labels });
  template.metadata.annotations = sortKeys({
    ...template.metadata.annotations,
    ...fragment.annotations,
    // The proxy merges the application's metrics into its own on 15020.
    'prometheus.io/path': '/stats/prometheus',
    'prometheus.io/port': String(PROXY_PORTS.agent),
    'prometheus.io/scrape': 'true',
    'sidecar.istio.io/status': JSON.stringify({
      initContainers: fragment.initContainers.map(c => c.name),
      containers: fragment.containers.length > 0 ? fragment.containers.map(c => c.name) : null,
      volumes: fragment.volumes.map(v => v.name),
      imagePullSecrets: null,
      revision: env.revision,
    }),
  });
  return out;
}

/**
 * Under STRICT mTLS the kubelet's plaintext HTTP probes would be refused by the proxy, so, as Istio's
 * injector does, each HTTP probe is sent to pilot-agent (15020, outside the capture), which makes the
 * original request from inside the pod. Rewrites the containers' probes in place and returns the
 * original ones, keyed by the path pilot-agent serves them on.
 */
function rewriteProbes(containers: any[]): { [path: string]: object } {
  const probers: { [path: string]: object } = {};
  for (const c of containers) {
    for (const [field, suffix] of [['livenessProbe', 'livez'], ['readinessProbe', 'readyz'], ['startupProbe', 'startupz']] as const) {
      const probe = c[field];
      if (!probe?.httpGet) {
        continue;
      }
      const path = `/app-health/${c.name}/${suffix}`;
      const original = { ...probe.httpGet, scheme: probe.httpGet.scheme ?? 'HTTP' };
      if (typeof original.port === 'string') {
        // A named port: pilot-agent needs the number.
        original.port = (c.ports ?? []).find((p: any) => p.name === original.port)?.containerPort ?? original.port;
      }
      probers[path] = { httpGet: original, timeoutSeconds: probe.timeoutSeconds ?? 1 };
      c[field] = { ...probe, httpGet: { path, port: PROXY_PORTS.agent, scheme: 'HTTP' } };
    }
  }
  return probers;
}

/** A container port as istiod's `structToJSON` writes it (Go's field order, empty fields left out). */
function goPortJson(p: any): string {
  return JSON.stringify({ name: p.name, hostPort: p.hostPort, containerPort: p.containerPort, protocol: p.protocol, hostIP: p.hostIP });
}

function sortKeys(o: { [key: string]: string }): { [key: string]: string } {
  return Object.fromEntries(Object.entries(o).sort(([a], [b]) => a.localeCompare(b)));
}

import type { ProxySettings } from './proxy-settings';

/** The proxy's own ports. */
export const PROXY_PORTS = {
  /** Outbound capture. */
  outbound: 15001,
  /** Inbound capture. */
  inbound: 15006,
  /** pilot-agent: merged Prometheus metrics, health and drain. */
  agent: 15020,
  /** Health checks (`/healthz/ready`). */
  health: 15021,
  /** Envoy's Prometheus endpoint. */
  envoyMetrics: 15090,
} as const;

/** The uid and gid the proxy runs as; iptables exempts its traffic. */
const PROXY_UID = 1337;

/**
 * What a control plane fixes for every proxy it serves.
 *
 * @internal
 */
export interface SidecarEnvironment {
  /** The proxyv2 image. */
  readonly image: string;
  /** The control plane revision (`default` for the unnamed one). */
  readonly revision: string;
  /** Where proxies get certificates. */
  readonly caAddress: string;
  /** Where proxies get configuration. */
  readonly discoveryAddress: string;
  readonly trustDomain: string;
  readonly clusterId: string;
  readonly clusterDomain: string;
  /** Whether Istio CNI sets up traffic capture (then an unprivileged istio-validation init container checks it). */
  readonly cni: boolean;
  /** pilot-agent's log level, `<scope>:<level>`. */
  readonly agentLogLevel: string;
  /** Extra proxy metadata (environment of pilot-agent), such as the workload certificate lifetime. */
  readonly proxyMetadata: { [key: string]: string };
}

/**
 * What the sidecar needs to know about the pod it joins: concrete values (explicit injection) or the
 * injector's Go template expressions that compute them when the webhook runs.
 *
 * @internal
 */
export interface PodFacts {
  /** The workload's name (the Deployment's, for its pods). */
  readonly workloadName: string;
  /** `kubernetes://apis/<apiVersion>/namespaces/<ns>/<kind>s/<name>`. */
  readonly owner: string;
  /** The application containers' ports, as a JSON array. */
  readonly podPorts: string;
  /** The application containers' names, comma-separated. */
  readonly appContainers: string;
  /** The first application container. */
  readonly defaultContainer: string;
  /** Istio's canonical service name: the `app` label, else the workload name. */
  readonly canonicalName: string;
  /** Istio's canonical revision: the `version` label, else `latest`. */
  readonly canonicalRevision: string;
}

/**
 * The sidecar's part of a pod.
 *
 * @internal
 */
export interface SidecarFragment {
  readonly labels: { [key: string]: string };
  readonly annotations: { [key: string]: string };
  /** Init containers placed before the pod's own. */
  readonly initContainers: any[];
  /** Containers placed beside the pod's own (classic sidecars). */
  readonly containers: any[];
  readonly volumes: any[];
}

/**
 * The sidecar model: what joins a pod for it to be in the mesh. Rendered into pod specs (explicit
 * injection) and into the injector webhook's template, from this one function.
 *
 * @internal
 */
export function renderSidecar(env: SidecarEnvironment, settings: ProxySettings, pod: PodFacts): SidecarFragment {
  const proxy = proxyContainer(env, settings, pod, 'sidecar');
  const native = settings.nativeSidecar;
  const hold = settings.holdApplicationUntilProxyStarts && !native;
  if (native) {
    // A native sidecar stops after the application: drain its connections first.
    proxy.restartPolicy = 'Always';
    proxy.lifecycle = { preStop: { exec: { command: ['pilot-agent', 'request', `--debug-port=${PROXY_PORTS.agent}`, 'POST', 'drain'] } } };
  }
  if (hold) {
    proxy.lifecycle = { postStart: { exec: { command: ['pilot-agent', 'wait'] } } };
  }
  return {
    labels: {
      'security.istio.io/tlsMode': 'istio',
      'service.istio.io/canonical-name': pod.canonicalName,
      'service.istio.io/canonical-revision': pod.canonicalRevision,
    },
    annotations: {
      'istio.io/rev': env.revision,
      'kubectl.kubernetes.io/default-container': pod.defaultContainer,
      'kubectl.kubernetes.io/default-logs-container': pod.defaultContainer,
      ...env.cni ? captureAnnotations(settings) : {},
    },
    initContainers: native ? [captureContainer(env, settings), proxy] : [captureContainer(env, settings)],
    containers: native ? [] : [proxy],
    volumes: proxyVolumes(),
  };
}

/**
 * The proxy container: a sidecar beside an application, or a gateway's only container (`router`).
 *
 * @internal
 */
export function proxyContainer(env: SidecarEnvironment, settings: ProxySettings, pod: PodFacts, mode: 'sidecar' | 'router'): any {
  const sidecar = mode === 'sidecar';
  const fieldRef = (fieldPath: string) => ({ valueFrom: { fieldRef: { fieldPath } } });
  const resourceRef = (resource: string) => ({ valueFrom: { resourceFieldRef: { resource, divisor: '1' } } });
  const env_ = [
    { name: 'PILOT_CERT_PROVIDER', value: 'istiod' },
    { name: 'CA_ADDR', value: env.caAddress },
    { name: 'POD_NAME', ...fieldRef('metadata.name') },
    { name: 'POD_NAMESPACE', ...fieldRef('metadata.namespace') },
    { name: 'INSTANCE_IP', ...fieldRef('status.podIP') },
    { name: 'SERVICE_ACCOUNT', ...fieldRef('spec.serviceAccountName') },
    { name: 'HOST_IP', ...fieldRef('status.hostIP') },
    { name: 'ISTIO_CPU_LIMIT', ...resourceRef('limits.cpu') },
    { name: 'PROXY_CONFIG', value: JSON.stringify(proxyConfigOf(env, settings)) },
    ...sidecar ? [
      { name: 'ISTIO_META_POD_PORTS', value: pod.podPorts },
      { name: 'ISTIO_META_APP_CONTAINERS', value: pod.appContainers },
    ] : [],
    { name: 'GOMEMLIMIT', ...resourceRef('limits.memory') },
    { name: 'GOMAXPROCS', ...resourceRef('limits.cpu') },
    { name: 'ISTIO_META_CLUSTER_ID', value: env.clusterId },
    { name: 'ISTIO_META_NODE_NAME', ...fieldRef('spec.nodeName') },
    ...sidecar ? [{ name: 'ISTIO_META_INTERCEPTION_MODE', value: 'REDIRECT' }] : [],
    { name: 'ISTIO_META_WORKLOAD_NAME', value: pod.workloadName },
    { name: 'ISTIO_META_OWNER', value: pod.owner },
    { name: 'ISTIO_META_MESH_ID', value: env.trustDomain },
    { name: 'TRUST_DOMAIN', value: env.trustDomain },
    ...Object.entries(env.proxyMetadata).sort(([a], [b]) => a.localeCompare(b)).map(([name, value]) => ({ name, value })),
  ];
  return {
    name: 'istio-proxy',
    image: env.image,
    args: [
      'proxy', mode,
      '--domain', `$(POD_NAMESPACE).svc.${env.clusterDomain}`,
      `--proxyLogLevel=${settings.logLevel}`,
      `--proxyComponentLogLevel=${settings.componentLogLevel}`,
      `--log_output_level=${env.agentLogLevel}`,
    ],
    env: env_,
    ports: [{ containerPort: PROXY_PORTS.envoyMetrics, name: 'http-envoy-prom', protocol: 'TCP' }],
    readinessProbe: {
      failureThreshold: 4,
      httpGet: { path: '/healthz/ready', port: PROXY_PORTS.health },
      periodSeconds: 15,
      timeoutSeconds: 3,
    },
    resources: resourcesOf(settings),
    securityContext: unprivileged(),
    startupProbe: {
      failureThreshold: 600,
      httpGet: { path: '/healthz/ready', port: PROXY_PORTS.health },
      periodSeconds: 1,
      timeoutSeconds: 3,
    },
    volumeMounts: [
      { mountPath: '/var/run/secrets/workload-spiffe-uds', name: 'workload-socket' },
      { mountPath: '/var/run/secrets/credential-uds', name: 'credential-socket' },
      { mountPath: '/var/run/secrets/workload-spiffe-credentials', name: 'workload-certs' },
      { mountPath: '/var/run/secrets/istio', name: 'istiod-ca-cert' },
      { mountPath: '/var/run/secrets/istio/crl', name: 'istio-ca-crl' },
      { mountPath: '/var/lib/istio/data', name: 'istio-data' },
      { mountPath: '/etc/istio/proxy', name: 'istio-envoy' },
      { mountPath: '/var/run/secrets/tokens', name: 'istio-token' },
      { mountPath: '/etc/istio/pod', name: 'istio-podinfo' },
    ],
  };
}

/** The proxy's user, unprivileged: iptables exempts its own traffic by this uid. */
function unprivileged(): object {
  return {
    allowPrivilegeEscalation: false,
    capabilities: { drop: ['ALL'] },
    privileged: false,
    readOnlyRootFilesystem: true,
    runAsGroup: PROXY_UID,
    runAsNonRoot: true,
    runAsUser: PROXY_UID,
  };
}

/** The proxy configuration each proxy starts with: the mesh's defaults and the workload's own settings. */
function proxyConfigOf(env: SidecarEnvironment, settings: ProxySettings): object {
  return {
    discoveryAddress: env.discoveryAddress,
    concurrency: settings.concurrency,
    holdApplicationUntilProxyStarts: settings.holdApplicationUntilProxyStarts || undefined,
  };
}

function resourcesOf(settings: ProxySettings): any {
  return {
    limits: { cpu: settings.cpuLimit, memory: settings.memoryLimit },
    requests: { cpu: settings.cpuRequest, memory: settings.memoryRequest },
  };
}

/**
 * What the Istio CNI plugin reads to set up a pod's capture (the arguments istio-init would have had), as
 * Istio's injection template writes them when CNI is on; the plugin's defaults stand in for any left out.
 */
function captureAnnotations(settings: ProxySettings): { [key: string]: string } {
  const status = String(PROXY_PORTS.agent);
  const excluded = settings.excludeInboundPorts.split(',').map(p => p.trim()).filter(p => p !== '');
  return {
    'sidecar.istio.io/interceptionMode': 'REDIRECT',
    ...settings.includeOutboundIpRanges ? { 'traffic.sidecar.istio.io/includeOutboundIPRanges': settings.includeOutboundIpRanges } : {},
    ...settings.excludeOutboundIpRanges ? { 'traffic.sidecar.istio.io/excludeOutboundIPRanges': settings.excludeOutboundIpRanges } : {},
    'traffic.sidecar.istio.io/includeInboundPorts': settings.includeInboundPorts,
    // The agent's status port is never captured, as istio-init's -d has it.
    'traffic.sidecar.istio.io/excludeInboundPorts': excluded.includes(status) ? excluded.join(',') : [...excluded, status].join(','),
    ...settings.includeOutboundPorts ? { 'traffic.sidecar.istio.io/includeOutboundPorts': settings.includeOutboundPorts } : {},
    ...settings.excludeOutboundPorts ? { 'traffic.sidecar.istio.io/excludeOutboundPorts': settings.excludeOutboundPorts } : {},
  };
}

/**
 * The init container that redirects the pod's traffic through the proxy (istio-init, privileged for
 * iptables), or, when Istio CNI has done that, checks it (istio-validation, unprivileged).
 */
function captureContainer(env: SidecarEnvironment, settings: ProxySettings): any {
  const d = [PROXY_PORTS.envoyMetrics, PROXY_PORTS.health, PROXY_PORTS.agent, settings.excludeInboundPorts].filter(p => p !== '').join(',');
  const args = [
    'istio-iptables',
    '-p', String(PROXY_PORTS.outbound),
    '-z', String(PROXY_PORTS.inbound),
    '-u', String(PROXY_UID),
    '-m', 'REDIRECT',
    '-i', settings.includeOutboundIpRanges,
    '-x', settings.excludeOutboundIpRanges,
    '-b', settings.includeInboundPorts,
    '-d', d,
    ...settings.includeOutboundPorts ? ['-q', settings.includeOutboundPorts] : [],
    ...settings.excludeOutboundPorts ? ['-o', settings.excludeOutboundPorts] : [],
    `--log_output_level=${env.agentLogLevel}`,
    ...env.cni ? ['--run-validation', '--skip-rule-apply'] : [],
  ];
  return {
    name: env.cni ? 'istio-validation' : 'istio-init',
    image: env.image,
    args,
    resources: resourcesOf(settings),
    securityContext: env.cni ? unprivileged() : {
      allowPrivilegeEscalation: false,
      capabilities: { add: ['NET_ADMIN', 'NET_RAW'], drop: ['ALL'] },
      privileged: false,
      readOnlyRootFilesystem: false,
      runAsGroup: 0,
      runAsNonRoot: false,
      runAsUser: 0,
    },
  };
}

/**
 * The proxy's volumes: sockets and certificates, Envoy's scratch space, pod info, the token it
 * presents to the CA, and the mesh's root certificate and revocation list.
 *
 * @internal
 */
export function proxyVolumes(): any[] {
  return [
    { name: 'workload-socket', emptyDir: {} },
    { name: 'credential-socket', emptyDir: {} },
    { name: 'workload-certs', emptyDir: {} },
    { name: 'istio-envoy', emptyDir: { medium: 'Memory' } },
    { name: 'istio-data', emptyDir: {} },
    {
      name: 'istio-podinfo',
      downwardAPI: {
        items: [
          { path: 'labels', fieldRef: { fieldPath: 'metadata.labels' } },
          { path: 'annotations', fieldRef: { fieldPath: 'metadata.annotations' } },
        ],
      },
    },
    {
      name: 'istio-token',
      projected: { sources: [{ serviceAccountToken: { audience: 'istio-ca', expirationSeconds: 43200, path: 'istio-token' } }] },
    },
    { name: 'istiod-ca-cert', configMap: { name: 'istio-ca-root-cert' } },
    { name: 'istio-ca-crl', configMap: { name: 'istio-ca-crl', optional: true } },
  ];
}

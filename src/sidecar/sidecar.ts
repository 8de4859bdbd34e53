import { Yaml } from 'cdk8s';
import { IConstruct } from 'constructs';
import { ProxyLogLevel, ProxyOptions } from './proxy';
import { compact } from '../private/compact';
import { reportError } from '../private/errors';
import { cpuQuantity, memoryQuantity } from '../private/quantities';

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
 * Proxy options with every default resolved, as the strings the proxy takes.
 *
 * @internal
 */
export interface ProxySettings {
  readonly cpuRequest: string;
  readonly memoryRequest: string;
  readonly cpuLimit: string;
  readonly memoryLimit: string;
  readonly logLevel: ProxyLogLevel;
  readonly componentLogLevel: string;
  readonly includeInboundPorts: string;
  readonly excludeInboundPorts: string;
  readonly includeOutboundPorts: string;
  readonly excludeOutboundPorts: string;
  readonly includeOutboundIpRanges: string;
  readonly excludeOutboundIpRanges: string;
  readonly holdApplicationUntilProxyStarts: boolean;
  readonly nativeSidecar: boolean;
  readonly concurrency?: number;
}

/** Istio's own proxy defaults. @internal */
export const ISTIO_PROXY_DEFAULTS: ProxySettings = {
  cpuRequest: '100m',
  memoryRequest: '128Mi',
  cpuLimit: '2',
  memoryLimit: '1Gi',
  logLevel: ProxyLogLevel.WARNING,
  componentLogLevel: 'misc:error',
  includeInboundPorts: '*',
  excludeInboundPorts: '',
  includeOutboundPorts: '',
  excludeOutboundPorts: '',
  includeOutboundIpRanges: '*',
  excludeOutboundIpRanges: '',
  holdApplicationUntilProxyStarts: false,
  nativeSidecar: true,
};

/**
 * Applies `options` over `base`, validating each (see `validateProxyOptions`): an invalid value is reported
 * and left out, so `base` stands in for it.
 *
 * @internal
 */
export function resolveProxy(scope: IConstruct | string, base: ProxySettings, options: ProxyOptions = {}): ProxySettings {
  return mergeProxy(base, validateProxyOptions(scope, options));
}

/**
 * Checks a workload's proxy options. A construct records each problem and goes on (a factory, named by a
 * string, throws at the first); the options come back without the invalid values, so that nothing rendered
 * from them carries one.
 *
 * @internal
 */
export function validateProxyOptions(scope: IConstruct | string, options: ProxyOptions = {}): ProxyOptions {
  const valid: { -readonly [K in keyof ProxyOptions]: ProxyOptions[K] } = { ...options };
  for (const prop of ['includeInboundPorts', 'excludeInboundPorts', 'includeOutboundPorts', 'excludeOutboundPorts'] as const) {
    valid[prop] = options[prop]?.filter(p => {
      const ok = Number.isInteger(p) && p >= 1 && p <= 65535;
      if (!ok) {
        reportError(scope, 'MESH0026', `proxy.${prop} has port ${p}: use whole numbers from 1 to 65535`);
      }
      return ok;
    });
  }
  for (const prop of ['includeOutboundIpRanges', 'excludeOutboundIpRanges'] as const) {
    valid[prop] = options[prop]?.filter(cidr => {
      const ok = CIDR.test(cidr);
      if (!ok) {
        reportError(scope, 'MESH0027', `proxy.${prop} has '${cidr}', which is not a CIDR range: write it as '10.0.0.0/8' or 'fd00::/8'`);
      }
      return ok;
    });
  }
  if (options.concurrency !== undefined && (!Number.isInteger(options.concurrency) || options.concurrency < 0)) {
    reportError(scope, 'MESH0028', `proxy.concurrency ${options.concurrency} is invalid: use a whole number of worker threads (0 for one per CPU core)`);
    valid.concurrency = undefined;
  }
  if (options.componentLogLevel !== undefined && !/^[a-z_]+:[a-z]+(,[a-z_]+:[a-z]+)*$/.test(options.componentLogLevel)) {
    reportError(scope, 'MESH0029', `proxy.componentLogLevel '${options.componentLogLevel}' is invalid: write '<component>:<level>' pairs separated by commas, e.g. 'misc:error,upstream:debug'`);
    valid.componentLogLevel = undefined;
  }
  return valid;
}

/**
 * A workload's proxy settings: its options over its control plane's defaults (checked with `validateProxyOptions`).
 *
 * @internal
 */
export function mergeProxy(base: ProxySettings, options: ProxyOptions = {}): ProxySettings {
  const list = (values: Array<number | string> | undefined, fallback: string) => values === undefined ? fallback : values.join(',');
  const r = options.resources;
  return {
    cpuRequest: r?.cpu?.request ? cpuQuantity(r.cpu.request) : base.cpuRequest,
    memoryRequest: r?.memory?.request ? memoryQuantity(r.memory.request) : base.memoryRequest,
    cpuLimit: r?.cpu?.limit ? cpuQuantity(r.cpu.limit) : base.cpuLimit,
    memoryLimit: r?.memory?.limit ? memoryQuantity(r.memory.limit) : base.memoryLimit,
    logLevel: options.logLevel ?? base.logLevel,
    componentLogLevel: options.componentLogLevel ?? base.componentLogLevel,
    includeInboundPorts: list(options.includeInboundPorts, base.includeInboundPorts),
    excludeInboundPorts: list(options.excludeInboundPorts, base.excludeInboundPorts),
    includeOutboundPorts: list(options.includeOutboundPorts, base.includeOutboundPorts),
    excludeOutboundPorts: list(options.excludeOutboundPorts, base.excludeOutboundPorts),
    includeOutboundIpRanges: list(options.includeOutboundIpRanges, base.includeOutboundIpRanges),
    excludeOutboundIpRanges: list(options.excludeOutboundIpRanges, base.excludeOutboundIpRanges),
    holdApplicationUntilProxyStarts: options.holdApplicationUntilProxyStarts ?? base.holdApplicationUntilProxyStarts,
    nativeSidecar: options.nativeSidecar ?? base.nativeSidecar,
    concurrency: options.concurrency ?? base.concurrency,
  };
}

const CIDR = /^(\d{1,3}(\.\d{1,3}){3}\/\d{1,2}|[0-9a-fA-F:]+\/\d{1,3})$/;

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

/**
 * The pod facts as the injector's Go template computes them when the webhook runs.
 * (Functions from istiod's template function map: `toLower`, `structToJSON`, and sprig's `default`.)
 */
const TEMPLATE_FACTS: PodFacts = {
  workloadName: '{{ .DeploymentMeta.Name }}',
  owner: 'kubernetes://apis/{{ .TypeMeta.APIVersion }}/namespaces/{{ .DeploymentMeta.Namespace }}/{{ toLower .TypeMeta.Kind }}s/{{ .DeploymentMeta.Name }}',
  podPorts: '[{{ $pp := true }}{{ range .Spec.Containers }}{{ range .Ports }}{{ if not $pp }},{{ end }}{{ $pp = false }}{{ structToJSON . }}{{ end }}{{ end }}]',
  appContainers: '{{ $ac := true }}{{ range .Spec.Containers }}{{ if ne .Name `istio-proxy` }}{{ if not $ac }},{{ end }}{{ $ac = false }}{{ .Name }}{{ end }}{{ end }}',
  defaultContainer: '{{ (index .Spec.Containers 0).Name }}',
  canonicalName: '{{ index .ObjectMeta.Labels `app` | default .DeploymentMeta.Name }}',
  canonicalRevision: '{{ index .ObjectMeta.Labels `version` | default `latest` }}',
};

/**
 * The injector webhook's template for proxies with `settings`: the sidecar model rendered with the
 * pod facts left as Go template expressions, which istiod evaluates for each pod it injects.
 *
 * @internal
 */
export function sidecarTemplate(env: SidecarEnvironment, settings: ProxySettings): string {
  // Render with placeholder tokens, then put each expression in single quotes: the values they produce
  // (names, JSON) hold double quotes but never single ones.
  const tokens = Object.fromEntries(Object.keys(TEMPLATE_FACTS).map(k => [k, `TEMPLATE_FACT_${k}`])) as unknown as PodFacts;
  const fragment = renderSidecar(env, settings, tokens);
  let text = Yaml.stringify(compact({
    metadata: { labels: fragment.labels, annotations: fragment.annotations },
    spec: {
      initContainers: fragment.initContainers,
      containers: fragment.containers.length > 0 ? fragment.containers : undefined,
      volumes: fragment.volumes,
    },
  }));
  for (const [key, expression] of Object.entries(TEMPLATE_FACTS)) {
    text = text.split(`TEMPLATE_FACT_${key}`).join(`'${expression}'`);
  }
  return text;
}

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
    throw new Error(`cannot inject a sidecar into a ${manifest.kind}: inject Deployments, StatefulSets, DaemonSets, ReplicaSets, Jobs or Pods`);
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

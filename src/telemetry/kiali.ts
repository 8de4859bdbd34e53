import { ApiObject, Yaml } from 'cdk8s';
import { k8s } from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import { TelemetryComponentOptions } from './component';
import type { TelemetryStack } from './telemetry-stack';
import { addonDeployment, addonIdentity, addonLabels, addonService } from './workload';
import { checkEnum } from '../private/enums';
import { reportError, required } from '../private/errors';
import type { NetworkPeer } from '../security/network-peer';

/**
 * How users log in to Kiali.
 *
 * @see https://kiali.io/docs/configuration/authentication/
 */
export enum KialiAuthStrategy {
  /**
   * Users log in with a Kubernetes token (`kubectl create token <service-account>`), and see what that
   * token may read: give each user a ServiceAccount bound to the ClusterRole they may have. Each pod makes
   * the key it signs sessions with at start, in memory (no manifest holds it; a restart logs users out),
   * with a shell of the image: Kiali's standard image has one, its distroless variant does not.
   */
  TOKEN = 'token',
  /**
   * No login: anyone who reaches Kiali sees what Kiali's own ServiceAccount may read. Kiali's RBAC then
   * leaves out pod logs and port-forwarding (so no logs or proxy configuration in the console).
   */
  ANONYMOUS = 'anonymous',
}

/**
 * Options of the telemetry stack's Kiali.
 */
export interface KialiOptions extends TelemetryComponentOptions {
  /**
   * Whether the stack runs Kiali (it needs the stack's Prometheus).
   *
   * @default true when `kiali` options are given
   */
  readonly enabled?: boolean;

  /**
   * The URL users open Grafana at (Kiali links its dashboards there).
   *
   * @default - no Grafana links
   */
  readonly grafanaExternalUrl?: string;

  /**
   * How users log in.
   *
   * @default KialiAuthStrategy.TOKEN
   */
  readonly authStrategy?: KialiAuthStrategy;

  /**
   * Who may open connections to Kiali's UI (port 20001) when the stack renders NetworkPolicies (its
   * `networkPolicies`); added to the stack's `allowAccessFrom`. `kubectl port-forward` works without any.
   *
   * @default - no one
   */
  readonly allowAccessFrom?: NetworkPeer[];
}

/**
 * Properties of a `Kiali`.
 */
export interface KialiProps extends KialiOptions {
  /** The stack it is part of: its mesh, namespace, Prometheus and tracing backend. */
  readonly stack: TelemetryStack;
}

/**
 * Kiali, the mesh's console: the service graph and configuration checks, read from the stack's
 * Prometheus, Grafana and Jaeger. It runs view-only with read-only RBAC (the mesh is changed through
 * code, not the console), and users log in with a Kubernetes token unless anonymous access is asked for.
 * Its RBAC grants no more than Istio's own Kiali sample does, and less: no writes, no `pods/proxy`, no
 * Secrets, and without a login no pod logs or port-forwarding either.
 *
 * Created by a `TelemetryStack` (its `kiali` option); read it from the stack.
 *
 * @see https://kiali.io/docs/configuration/
 */
export class Kiali extends Construct {
  /** The Service name. */
  public readonly serviceName = 'kiali';
  /** The namespace. */
  public readonly namespace: string;
  /** The in-cluster URL of its UI. */
  public readonly url: string;
  /** The Deployment. */
  public readonly resource: ApiObject;
  /** How users log in. */
  public readonly authStrategy: KialiAuthStrategy;

  public constructor(scope: Construct, id: string, props: KialiProps) {
    super(scope, id);
    // From JavaScript the props may be missing altogether: each required one is then reported as missing.
    props = props ?? {} as KialiProps;
    const stack = props.stack;
    const mesh = stack.mesh;
    const prometheus = required(this, 'stack.prometheus', stack.prometheus, 'Kiali reads the stack\'s Prometheus: enable it');
    const tracing = stack._tracingConfig;
    this.namespace = stack.namespace;
    this.url = `http://${this.serviceName}.${this.namespace}.svc.${mesh.clusterDomain}:20001/kiali`;
    if (props.grafanaExternalUrl !== undefined && !isWebUrl(props.grafanaExternalUrl)) {
      // Kiali puts it in the links it shows: anything but an absolute http(s) URL is a broken (or script) link.
      reportError(this, 'MESH0437', `grafanaExternalUrl '${props.grafanaExternalUrl}' is not an absolute http or https URL: give the URL users open Grafana at, e.g. 'https://grafana.example.com'`);
    }
    const strategy = checkEnum(this, 'authStrategy', props.authStrategy, KialiAuthStrategy, 'KialiAuthStrategy')
      ? props.authStrategy ?? KialiAuthStrategy.TOKEN : KialiAuthStrategy.TOKEN;
    this.authStrategy = strategy;
    const version = props.version ?? 'v2.17.0';
    const labels = addonLabels(this.serviceName, version);
    const name = this.serviceName;
    const istiod = mesh.controlPlane;

    const config = Yaml.stringify({
      auth: { strategy },
      // Kiali reads no Secrets (its RBAC grants none): remote clusters are not looked for.
      clustering: { autodetect_secrets: { enabled: false } },
      deployment: { namespace: this.namespace, instance_name: name, view_only_mode: true, cluster_wide_access: true },
      istio_namespace: mesh.rootNamespace,
      server: { port: 20001, web_root: '/kiali', observability: { metrics: { enabled: true, port: 9090 } } },
      external_services: {
        istio: {
          root_namespace: mesh.rootNamespace,
          config_map_name: `istio${istiod.revision ? `-${istiod.revision}` : ''}`,
          istiod_deployment_name: istiod.serviceName,
          istio_sidecar_injector_config_map_name: `istio-sidecar-injector${istiod.revision ? `-${istiod.revision}` : ''}`,
          url_service_version: `http://${istiod.serviceName}.${mesh.rootNamespace}:15014/version`,
        },
        prometheus: { url: prometheus.url },
        grafana: stack.grafana
          ? { enabled: true, internal_url: stack.grafana.url, external_url: props.grafanaExternalUrl ?? '' }
          : { enabled: false },
        // Kiali reads traces from Jaeger's query API; it has no Zipkin client.
        tracing: tracing?.grafanaType === 'jaeger'
          ? { enabled: true, provider: 'jaeger', internal_url: tracing.queryUrl, use_grpc: false }
          : { enabled: false },
      },
    });

    new k8s.KubeConfigMap(this, 'Config', { metadata: { name, namespace: this.namespace, labels }, data: { 'config.yaml': config } });
    addonIdentity(this, name, this.namespace, labels, kialiRules(strategy));
    this.resource = addonDeployment(this, {
      name,
      namespace: this.namespace,
      image: 'quay.io/kiali/kiali',
      version,
      // A login needs a key to sign sessions with. Written in no manifest: each pod makes its own at start
      // into memory, where Kiali reads its override secrets (a restart ends the sessions: users log in again).
      command: strategy === KialiAuthStrategy.TOKEN
        ? ['/bin/sh', '-c', `head -c 24 /dev/urandom | base64 | tr -d '\\n' > ${SIGNING_KEY_DIR}/value.txt && exec ${KIALI_COMMAND.join(' ')}`]
        : KIALI_COMMAND,
      ports: [{ name: 'http-api', containerPort: 20001 }, { name: 'http-metrics', containerPort: 9090 }],
      probe: { path: '/kiali/healthz', port: 20001 },
      mounts: [
        { name: 'config', mountPath: '/kiali-configuration', readOnly: true },
        { name: 'tmp', mountPath: '/tmp' },
        ...strategy === KialiAuthStrategy.TOKEN ? [{ name: 'signing-key', mountPath: SIGNING_KEY_DIR }] : [],
      ],
      volumes: [
        { name: 'config', configMap: { name } },
        { name: 'tmp', emptyDir: {} },
        ...strategy === KialiAuthStrategy.TOKEN ? [{ name: 'signing-key', emptyDir: { medium: 'Memory', sizeLimit: k8s.Quantity.fromString('1Mi') } }] : [],
      ],
      user: 1000,
      resources: { cpu: '10m', memory: '64Mi', memoryLimit: '1Gi' },
      options: props,
      serviceAccountName: name,
      annotations: { 'prometheus.io/scrape': 'true', 'prometheus.io/port': '9090' },
      config: () => config,
    });
    addonService(this, 'Service', name, this.namespace, name, version, [{ name: 'http-api', port: 20001 }, { name: 'http-metrics', port: 9090 }]);
  }
}

const KIALI_COMMAND = ['/opt/kiali/kiali', '-config', '/kiali-configuration/config.yaml'];

/** Where Kiali reads the key it signs sessions with (one of its override-secret files). */
const SIGNING_KEY_DIR = '/kiali-override-secrets/login-token-signing-key';

/**
 * What Kiali's ServiceAccount may do, for an auth strategy: each rule within what Istio's Kiali sample
 * grants (`samples/addons/kiali.yaml`), read-only, and without `pods/proxy`, Secrets or node objects.
 * Without a login, anyone who reaches Kiali acts with these rights: pod logs and port-forwarding (the
 * proxies' admin ports) are left out then. With a token, Kiali checks each user's own rights (it reviews
 * their token, hence `tokenreviews`).
 *
 * @internal
 */
export function kialiRules(strategy: KialiAuthStrategy): k8s.PolicyRule[] {
  const read = ['get', 'list', 'watch'];
  const login = strategy !== KialiAuthStrategy.ANONYMOUS;
  return [
    { apiGroups: [''], resources: ['configmaps', 'endpoints', 'namespaces', 'pods', ...login ? ['pods/log'] : [], 'replicationcontrollers', 'services'], verbs: read },
    // The proxy's config dump and pilot-agent's status come through port-forwarding to the pod.
    ...login ? [{ apiGroups: [''], resources: ['pods/portforward'], verbs: ['create'] }] : [],
    { apiGroups: ['apps'], resources: ['daemonsets', 'deployments', 'replicasets', 'statefulsets'], verbs: read },
    { apiGroups: ['batch'], resources: ['cronjobs', 'jobs'], verbs: read },
    { apiGroups: ['networking.istio.io', 'security.istio.io', 'telemetry.istio.io', 'extensions.istio.io', 'gateway.networking.k8s.io'], resources: ['*'], verbs: read },
    { apiGroups: ['admissionregistration.k8s.io'], resources: ['mutatingwebhookconfigurations'], verbs: read },
    ...login ? [{ apiGroups: ['authentication.k8s.io'], resources: ['tokenreviews'], verbs: ['create'] }] : [],
  ];
}

/** Whether `value` is an absolute `http:` or `https:` URL with a host. */
function isWebUrl(value: string): boolean {
  if (typeof value !== 'string' || /\s/.test(value)) {
    return false;
  }
  try {
    const url = new URL(value);
    return (url.protocol === 'http:' || url.protocol === 'https:') && url.hostname !== '';
  } catch {
    return false;
  }
}

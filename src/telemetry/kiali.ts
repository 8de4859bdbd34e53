import { ApiObject, Yaml } from 'cdk8s';
import { k8s } from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import { TelemetryComponentOptions } from './component';
import type { TelemetryStack } from './telemetry-stack';
import { addonDeployment, addonIdentity, addonLabels, addonService } from './workload';
import { reportError, required } from '../private/errors';

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
 * Prometheus, Grafana and Jaeger. It runs view-only, with anonymous access and read-only RBAC: the mesh
 * is changed through code, not the console.
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
    const version = props.version ?? 'v2.17.0';
    const labels = addonLabels(this.serviceName, version);
    const name = this.serviceName;
    const istiod = mesh.controlPlane;

    const config = Yaml.stringify({
      auth: { strategy: 'anonymous' },
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
    const read = ['get', 'list', 'watch'];
    addonIdentity(this, name, this.namespace, labels, [
      { apiGroups: [''], resources: ['configmaps', 'endpoints', 'namespaces', 'nodes', 'pods', 'pods/log', 'replicationcontrollers', 'services'], verbs: read },
      // The proxy's config dump and pilot-agent's status come through the pod's port-forward and proxy subresources.
      { apiGroups: [''], resources: ['pods/portforward', 'pods/proxy'], verbs: ['get', 'create'] },
      { apiGroups: ['apps'], resources: ['daemonsets', 'deployments', 'replicasets', 'statefulsets'], verbs: read },
      { apiGroups: ['batch'], resources: ['cronjobs', 'jobs'], verbs: read },
      { apiGroups: ['discovery.k8s.io'], resources: ['endpointslices'], verbs: read },
      { apiGroups: ['networking.istio.io', 'security.istio.io', 'telemetry.istio.io', 'extensions.istio.io'], resources: ['*'], verbs: read },
      { apiGroups: ['gateway.networking.k8s.io', 'gateway.networking.x-k8s.io'], resources: ['*'], verbs: read },
      { apiGroups: ['admissionregistration.k8s.io'], resources: ['mutatingwebhookconfigurations'], verbs: read },
      { apiGroups: ['authentication.k8s.io'], resources: ['tokenreviews'], verbs: ['create'] },
      { apiGroups: ['authorization.k8s.io'], resources: ['selfsubjectaccessreviews'], verbs: ['create'] },
    ]);
    this.resource = addonDeployment(this, {
      name,
      namespace: this.namespace,
      image: 'quay.io/kiali/kiali',
      version,
      command: ['/opt/kiali/kiali', '-config', '/kiali-configuration/config.yaml'],
      ports: [{ name: 'http-api', containerPort: 20001 }, { name: 'http-metrics', containerPort: 9090 }],
      probe: { path: '/kiali/healthz', port: 20001 },
      mounts: [{ name: 'config', mountPath: '/kiali-configuration', readOnly: true }, { name: 'tmp', mountPath: '/tmp' }],
      volumes: [{ name: 'config', configMap: { name } }, { name: 'tmp', emptyDir: {} }],
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

import { ApiObject, Duration, Lazy, Size, SizeRoundingBehavior, Yaml } from 'cdk8s';
import { k8s } from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import { TelemetryComponentOptions } from './component';
import { addonDeployment, addonIdentity, addonLabels, addonService } from './workload';
import { controlPlanesOf } from '../control-plane/revisions';
import type { IMesh } from '../mesh-identity';
import { meshNamespaces } from '../namespaces';
import { compact } from '../private/compact';
import { prometheusDuration } from '../private/duration';
import { listedTwice } from '../private/enums';
import { meshError, reportError } from '../private/errors';
import { checkDuration } from '../private/istio-rules';
import { validateDnsLabel, validateDnsSubdomain } from '../private/names';
import { memoryQuantity } from '../private/quantities';
import type { NetworkPeer } from '../security/network-peer';

/**
 * Where Prometheus keeps its time series.
 */
export abstract class PrometheusStorage {
  /**
   * A volume that lives as long as the pod: the data is lost when the pod is replaced.
   */
  public static emptyDir(): PrometheusStorage {
    return new EmptyDirStorage();
  }

  /**
   * A PersistentVolumeClaim the stack renders, which outlives the pod.
   */
  public static persistentVolume(options: PersistentStorageOptions): PrometheusStorage {
    if (!options.size || options.size.toMebibytes({ rounding: SizeRoundingBehavior.NONE }) < 1) {
      throw meshError('MESH0421', 'PrometheusStorage.persistentVolume', 'size is below 1Mi: give the volume a size, e.g. Size.gibibytes(20)');
    }
    if (options.storageClassName !== undefined) {
      // A StorageClass is named like any object (a DNS subdomain); a claim naming another one is refused at apply.
      validateDnsSubdomain('PrometheusStorage.persistentVolume', 'storageClassName', options.storageClassName);
    }
    return new PersistentStorage(options);
  }

  /** @internal */
  public abstract _volume(claimName: string): object;

  /** The size of the volume, when the storage has one. @internal */
  public abstract get _size(): Size | undefined;

  /** @internal */
  public abstract _claim(scope: Construct, name: string, namespace: string, labels: { [key: string]: string }): void;
}

/**
 * Options of `PrometheusStorage.persistentVolume()`.
 */
export interface PersistentStorageOptions {
  /** The size of the volume. */
  readonly size: Size;

  /**
   * The StorageClass of the volume.
   *
   * @default - the cluster's default StorageClass
   */
  readonly storageClassName?: string;
}

class EmptyDirStorage extends PrometheusStorage {
  public get _size(): Size | undefined {
    return undefined;
  }
  public _volume(): object {
    return { emptyDir: {} };
  }
  public _claim(): void {}
}

class PersistentStorage extends PrometheusStorage {
  public constructor(private readonly options: PersistentStorageOptions) { super(); }
  public get _size(): Size | undefined {
    return this.options.size;
  }
  public _volume(claimName: string): object {
    return { persistentVolumeClaim: { claimName } };
  }
  public _claim(scope: Construct, name: string, namespace: string, labels: { [key: string]: string }): void {
    new k8s.KubePersistentVolumeClaim(scope, 'Storage', {
      metadata: { name, namespace, labels },
      spec: {
        accessModes: ['ReadWriteOnce'],
        storageClassName: this.options.storageClassName,
        resources: { requests: { storage: k8s.Quantity.fromString(memoryQuantity(this.options.size)) } },
      },
    });
  }
}

/**
 * Options of the telemetry stack's Prometheus.
 */
export interface PrometheusOptions extends TelemetryComponentOptions {
  /**
   * Whether the stack runs Prometheus.
   *
   * @default true
   */
  readonly enabled?: boolean;

  /**
   * Who else may open Prometheus's UI and query API (port 9090), besides Grafana and Kiali, when the stack renders NetworkPolicies (its
   * `networkPolicies`). `kubectl port-forward` works without any.
   *
   * @default - no one else
   */
  readonly allowAccessFrom?: NetworkPeer[];

  /**
   * How long samples are kept.
   *
   * @default Duration.days(15)
   */
  readonly retention?: Duration;

  /**
   * The most disk the samples may take; the oldest go first.
   *
   * @default - no size limit
   */
  readonly retentionSize?: Size;

  /**
   * Where the samples are stored.
   *
   * @default PrometheusStorage.emptyDir()
   */
  readonly storage?: PrometheusStorage;

  /**
   * How often every target is scraped.
   *
   * @default Duration.seconds(15)
   */
  readonly scrapeInterval?: Duration;

  /**
   * Namespaces whose annotated pods are scraped besides the mesh's own (its root namespace, the
   * namespaces of its services and gateways, and the telemetry namespace).
   *
   * @default - none
   */
  readonly extraNamespaces?: string[];
}

/**
 * Properties of a `Prometheus`.
 */
export interface PrometheusProps extends PrometheusOptions {
  /** The mesh it monitors. */
  readonly mesh: IMesh;
  /** The namespace it runs in. */
  readonly namespace: string;
}

/**
 * Prometheus as the mesh's metrics store: it scrapes istiod's monitoring port and every proxy's merged
 * metrics (pilot-agent's `:15020/stats/prometheus`, which serves Envoy's and the application's), found
 * through Kubernetes service discovery in the mesh's namespaces only.
 *
 * Renders a ServiceAccount with read access to pods, services and endpoint slices, its configuration,
 * a Deployment and a Service on port 9090.
 *
 * Created by a `TelemetryStack` (its `prometheus` option); read it from the stack.
 *
 * @see https://istio.io/latest/docs/ops/integrations/prometheus/
 */
export class Prometheus extends Construct {
  /** The Service name. */
  public readonly serviceName = 'prometheus';
  /** The namespace. */
  public readonly namespace: string;
  /** The in-cluster URL of its HTTP API. */
  public readonly url: string;
  /** How long samples are kept. */
  public readonly retention: Duration;
  /** How often targets are scraped. */
  public readonly scrapeInterval: Duration;
  /** The Deployment. */
  public readonly resource: ApiObject;

  private readonly mesh: IMesh;
  private readonly extraNamespaces: string[];

  public constructor(scope: Construct, id: string, props: PrometheusProps) {
    super(scope, id);
    // From JavaScript the props may be missing altogether: each required one is then reported as missing.
    props = props ?? {} as PrometheusProps;
    this.mesh = props.mesh;
    this.namespace = props.namespace;
    this.url = `http://${this.serviceName}.${this.namespace}.svc.${this.mesh.clusterDomain}:9090`;
    this.retention = props.retention ?? Duration.days(15);
    this.scrapeInterval = props.scrapeInterval ?? Duration.seconds(15);
    // Kept as given when too short: nothing below renders them wrong, and synthesis reports them. One that
    // cannot be rendered (a fraction of a millisecond, longer than Prometheus parses) is reported and replaced.
    if (checkDuration(this, 'MESH0430', 'retention', this.retention) === undefined) {
      this.retention = Duration.days(15);
    } else if (this.retention.toMilliseconds() < 1000) {
      reportError(this, 'MESH0422', `retention ${prometheusDuration(this.retention)} is below a second: keep samples for at least a second (the default is 15 days)`);
    }
    if (checkDuration(this, 'MESH0430', 'scrapeInterval', this.scrapeInterval) === undefined) {
      this.scrapeInterval = Duration.seconds(15);
    } else if (this.scrapeInterval.toMilliseconds() < 1000) {
      reportError(this, 'MESH0422', `scrapeInterval ${prometheusDuration(this.scrapeInterval)} is below a second: scrape at most once a second`);
    }
    this.extraNamespaces = (props.extraNamespaces ?? []).map(n => validateDnsLabel(this, 'extraNamespaces', n));
    for (const twice of listedTwice(this.extraNamespaces)) {
      reportError(this, 'MESH0436', `extraNamespaces lists '${twice}' twice: list each namespace once`);
    }

    const version = props.version ?? 'v3.10.0';
    const labels = addonLabels(this.serviceName, version);
    const meta = { name: this.serviceName, namespace: this.namespace, labels };
    const storage = props.storage ?? PrometheusStorage.emptyDir();
    storage._claim(this, this.serviceName, this.namespace, labels);

    addonIdentity(this, this.serviceName, this.namespace, labels, [
      { apiGroups: [''], resources: ['pods', 'services', 'endpoints'], verbs: ['get', 'list', 'watch'] },
      { apiGroups: ['discovery.k8s.io'], resources: ['endpointslices'], verbs: ['get', 'list', 'watch'] },
    ]);
    const config = () => Yaml.stringify(compact(this._config()));
    new k8s.KubeConfigMap(this, 'Config', {
      metadata: meta,
      data: { 'prometheus.yml': Lazy.any({ produce: config }) as unknown as string },
    });

    const args = [
      '--config.file=/etc/prometheus/prometheus.yml',
      '--storage.tsdb.path=/prometheus',
      `--storage.tsdb.retention.time=${prometheusDuration(this.retention)}`,
    ];
    const retentionSize = props.retentionSize ? prometheusSize(this, props.retentionSize) : undefined;
    if (retentionSize) {
      args.push(`--storage.tsdb.retention.size=${retentionSize}`);
      const volume = storage._size;
      const toMebibytes = (size: Size) => size.toMebibytes({ rounding: SizeRoundingBehavior.NONE });
      if (volume && toMebibytes(props.retentionSize!) > toMebibytes(volume)) {
        // Prometheus deletes old blocks only past the limit: the volume fills first and the TSDB stops writing.
        reportError(this, 'MESH0435', `retentionSize ${memoryQuantity(props.retentionSize!)} is above the volume's size ${memoryQuantity(volume)}, so the volume fills before Prometheus deletes old samples: `
          + 'give a retentionSize below the volume size (leave room for the write-ahead log), or a larger volume');
      }
    }
    this.resource = addonDeployment(this, {
      name: this.serviceName,
      namespace: this.namespace,
      image: 'docker.io/prom/prometheus',
      version,
      args,
      ports: [{ name: 'http', containerPort: 9090 }],
      probe: { path: '/-/ready', port: 9090 },
      mounts: [
        { name: 'config', mountPath: '/etc/prometheus', readOnly: true },
        { name: 'data', mountPath: '/prometheus' },
      ],
      volumes: [
        { name: 'config', configMap: { name: this.serviceName } },
        { name: 'data', ...storage._volume(this.serviceName) },
      ],
      user: 65534,
      resources: { cpu: '100m', memory: '512Mi', memoryLimit: '2Gi' },
      options: props,
      serviceAccountName: this.serviceName,
      config,
      recreate: true,
    });
    addonService(this, 'Service', this.serviceName, this.namespace, this.serviceName, version, [{ name: 'http', port: 9090 }]);
  }

  /**
   * The namespaces whose pods are scraped: the mesh's, the telemetry namespace and any extra ones.
   */
  public get scrapedNamespaces(): string[] {
    // In name order: the order services were written in must not change the configuration (or its hash).
    return [...new Set([...meshNamespaces(this.mesh).map(n => n.namespaceName), this.namespace, ...this.extraNamespaces])].sort();
  }

  /**
   * The scrape configuration (`prometheus.yml`).
   *
   * @internal
   */
  public _config(): object {
    const meta = (name: string) => `__meta_kubernetes_${name}`;
    const podAnnotation = (name: string) => meta(`pod_annotation_prometheus_io_${name}`);
    const istiods = controlPlanesOf(this.mesh).map(c => c.serviceName);
    return {
      global: {
        scrape_interval: prometheusDuration(this.scrapeInterval),
        scrape_timeout: prometheusDuration(Duration.millis(Math.min(this.scrapeInterval.toMilliseconds(), 10_000))),
        evaluation_interval: '1m',
      },
      scrape_configs: [
        {
          // istiod's own metrics: xDS pushes, injections, validation, CA signing.
          job_name: 'istiod',
          kubernetes_sd_configs: [{ role: 'endpointslice', namespaces: { names: [this.mesh.rootNamespace] } }],
          relabel_configs: [
            { source_labels: [meta('service_name'), meta('endpointslice_port_name')], action: 'keep', regex: `(${istiods.join('|')});http-monitoring` },
            { source_labels: [meta('pod_name')], target_label: 'pod' },
            { source_labels: [meta('service_label_istio_io_rev')], target_label: 'revision' },
          ],
        },
        {
          // Every pod that asks to be scraped: injected pods and gateways ask for pilot-agent's merged
          // endpoint (:15020/stats/prometheus), which serves Envoy's istio_* metrics and the app's own.
          job_name: 'mesh-pods',
          kubernetes_sd_configs: [{ role: 'pod', namespaces: { names: this.scrapedNamespaces } }],
          relabel_configs: [
            { source_labels: [podAnnotation('scrape')], action: 'keep', regex: 'true' },
            // istiod has its own job.
            { source_labels: [meta('pod_label_app')], action: 'drop', regex: 'istiod' },
            { source_labels: [meta('pod_phase')], action: 'drop', regex: 'Pending|Succeeded|Failed|Completed' },
            { source_labels: [podAnnotation('scheme')], action: 'replace', regex: '(https?)', target_label: '__scheme__' },
            { source_labels: [podAnnotation('path')], action: 'replace', regex: '(.+)', target_label: '__metrics_path__' },
            // The annotated port on the pod's address: IPv4 as ip:port, IPv6 in brackets.
            { source_labels: [podAnnotation('port'), meta('pod_ip')], action: 'replace', regex: '(\\d+);(\\d+\\.\\d+\\.\\d+\\.\\d+)', replacement: '$2:$1', target_label: '__address__' },
            { source_labels: [podAnnotation('port'), meta('pod_ip')], action: 'replace', regex: '(\\d+);([0-9A-Fa-f]*:[0-9A-Fa-f:.]*)', replacement: '[$2]:$1', target_label: '__address__' },
            { action: 'labelmap', regex: '__meta_kubernetes_pod_label_(.+)' },
            { source_labels: [meta('namespace')], target_label: 'namespace' },
            { source_labels: [meta('pod_name')], target_label: 'pod' },
          ],
        },
        {
          job_name: 'prometheus',
          static_configs: [{ targets: ['localhost:9090'] }],
        },
      ],
    };
  }
}

/** A size as Prometheus's retention flag reads it (base-1024 units: `MB`, `GB`); undefined, and recorded on `scope`, when it has none. */
function prometheusSize(scope: Construct, size: Size): string | undefined {
  const mebibytes = size.toMebibytes({ rounding: SizeRoundingBehavior.NONE });
  if (!Number.isInteger(mebibytes) || mebibytes < 1) {
    reportError(scope, 'MESH0421', `retentionSize ${size.toKibibytes({ rounding: SizeRoundingBehavior.NONE })}Ki is not a whole number of MiB: use Size.mebibytes() or Size.gibibytes()`);
    return undefined;
  }
  return mebibytes % 1024 === 0 ? `${mebibytes / 1024}GB` : `${mebibytes}MB`;
}

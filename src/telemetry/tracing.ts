import { Lazy, Yaml } from 'cdk8s';
import { k8s } from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import { TelemetryComponentOptions } from './component';
import type { ExtensionProvider } from './providers';
import { addonDeployment, addonService } from './workload';
import type { IMesh } from '../mesh-identity';
import { reportError, required } from '../private/errors';
import { validateInt32 } from '../private/kubernetes-rules';
import { validateDnsLabel, validateDnsSubdomain, validatePort } from '../private/names';
import type { NetworkPeer } from '../security/network-peer';

/**
 * Options of `TracingBackend.jaeger()`.
 */
export interface JaegerOptions extends TelemetryComponentOptions {
  /**
   * The most traces kept in memory; the oldest go first. (Traces do not survive a restart.)
   *
   * @default 50000
   */
  readonly maxTraces?: number;

  /**
   * Who else may open Jaeger's UI and query API (port 16686), besides Grafana and Kiali, when the stack renders NetworkPolicies (its
   * `networkPolicies`). `kubectl port-forward` works without any.
   *
   * @default - no one else
   */
  readonly allowAccessFrom?: NetworkPeer[];
}

/**
 * Options of `TracingBackend.zipkin()`.
 */
export interface ZipkinOptions extends TelemetryComponentOptions {
  /**
   * The most spans kept in memory; the oldest go first.
   *
   * @default 500000
   */
  readonly maxSpans?: number;

  /**
   * Who else may open Zipkin's UI and query API (port 9411) (the proxies send their spans there too, from every namespace of the mesh), when the stack renders NetworkPolicies (its
   * `networkPolicies`). `kubectl port-forward` works without any.
   *
   * @default - no one else
   */
  readonly allowAccessFrom?: NetworkPeer[];
}

/**
 * Options of `TracingBackend.openTelemetry()`.
 */
export interface OpenTelemetryCollectorOptions {
  /** The collector's host name (`otel-collector.observability.svc.cluster.local`). */
  readonly host: string;

  /**
   * Its OTLP gRPC port.
   *
   * @default 4317
   */
  readonly port?: number;

  /**
   * The extension provider's name, which Telemetry policies name.
   *
   * @default 'otel'
   */
  readonly providerName?: string;
}

/**
 * What a tracing backend gives the rest of the stack.
 *
 * @internal
 */
export interface TracingBackendConfig {
  /** The extension provider proxies report spans to. */
  readonly provider: ExtensionProvider;
  /** The in-cluster URL of its query API and UI, when the stack runs it. */
  readonly queryUrl?: string;
  /** The Grafana data source type that reads it. */
  readonly grafanaType?: string;
  /** The pods the stack runs for it (their `app` label) and their ports, when it runs any: what its NetworkPolicy opens. */
  readonly pods?: TracingPods;
}

/**
 * The tracing backend's pods, as a NetworkPolicy sees them.
 *
 * @internal
 */
export interface TracingPods {
  /** Their `app` label. */
  readonly app: string;
  /** The ports proxies send spans to. */
  readonly collectorPorts: number[];
  /** The port Grafana and Kiali read traces from. */
  readonly queryPort: number;
  /** The port Prometheus scrapes. */
  readonly metricsPort: number;
}

/**
 * Where proxies send their spans: a Jaeger or Zipkin the telemetry stack runs, or an OpenTelemetry
 * collector that runs elsewhere. The backend becomes an extension provider of the mesh config
 * (named `jaeger`, `zipkin` or as given), which Telemetry policies name.
 *
 * @see https://istio.io/latest/docs/tasks/observability/distributed-tracing/
 */
export abstract class TracingBackend {
  /**
   * Jaeger (v2, a single pod with in-memory storage): proxies send OTLP over gRPC to its collector;
   * it also receives Zipkin (9411) and OTLP over HTTP (4318). Its UI is the `tracing` Service, at `/jaeger`.
   */
  public static jaeger(options: JaegerOptions = {}): TracingBackend {
    return new JaegerBackend(options);
  }

  /**
   * Zipkin (in-memory storage): proxies send Zipkin spans to the `zipkin` Service's port 9411, which also
   * serves its UI.
   */
  public static zipkin(options: ZipkinOptions = {}): TracingBackend {
    return new ZipkinBackend(options);
  }

  /**
   * An OpenTelemetry collector that runs elsewhere: proxies send OTLP over gRPC to it; the stack runs nothing.
   */
  public static openTelemetry(options: OpenTelemetryCollectorOptions): TracingBackend {
    const where = 'TracingBackend.openTelemetry';
    required(where, 'options', options, "give the collector's host, e.g. { host: 'otel-collector.observability.svc.cluster.local' }");
    required(where, 'host', options.host, "give the collector's host name, e.g. 'otel-collector.observability.svc.cluster.local'");
    validateDnsSubdomain(where, 'host', options.host);
    validatePort(where, 'port', options.port ?? 4317);
    validateDnsLabel(where, 'providerName', options.providerName ?? 'otel');
    return new CollectorBackend(options);
  }

  /** The name of the extension provider Telemetry policies name. */
  public abstract readonly providerName: string;

  /**
   * Who may open the backend's UI besides the add-ons (its options' `allowAccessFrom`), as given.
   *
   * @internal
   */
  public get _accessFrom(): NetworkPeer[] | undefined {
    return undefined;
  }

  /**
   * Renders what the backend runs into `scope`.
   *
   * @internal
   */
  public abstract _bind(scope: Construct, mesh: IMesh, namespace: string): TracingBackendConfig;
}

/** `value`, or `fallback` (the default) once a value that is not a whole number of at least 1 is recorded on `scope`. */
function positiveWhole(scope: Construct, prop: string, value: number | undefined, fallback: number): number {
  if (value === undefined) {
    return fallback;
  }
  if (!Number.isInteger(value) || value < 1) {
    reportError(scope, 'MESH0423', `${prop} ${value} is invalid: use a whole number of at least 1`);
    return fallback;
  }
  return validateInt32(scope, prop, value, 1) ? value : fallback;
}

class JaegerBackend extends TracingBackend {
  public readonly providerName = 'jaeger';
  public constructor(private readonly options: JaegerOptions) { super(); }

  public get _accessFrom(): NetworkPeer[] | undefined {
    return this.options.allowAccessFrom;
  }

  public _bind(scope: Construct, mesh: IMesh, namespace: string): TracingBackendConfig {
    const maxTraces = positiveWhole(scope, 'maxTraces', this.options.maxTraces, 50_000);
    const version = this.options.version ?? '2.14.0';
    const name = 'jaeger';
    const config = () => Yaml.stringify(jaegerConfig(maxTraces));
    new k8s.KubeConfigMap(scope, 'Config', {
      metadata: { name, namespace },
      data: { 'config.yaml': Lazy.any({ produce: config }) as unknown as string },
    });
    addonDeployment(scope, {
      name,
      namespace,
      image: 'docker.io/jaegertracing/jaeger',
      version,
      args: ['--config', '/etc/jaeger/config.yaml'],
      ports: [
        { name: 'http-query', containerPort: 16686 },
        { name: 'grpc-otlp', containerPort: 4317 },
        { name: 'http-otlp', containerPort: 4318 },
        { name: 'http-zipkin', containerPort: 9411 },
        { name: 'http-metrics', containerPort: 8888 },
        { name: 'http-health', containerPort: 13133 },
      ],
      probe: { path: '/status', port: 13133 },
      mounts: [{ name: 'config', mountPath: '/etc/jaeger', readOnly: true }, { name: 'tmp', mountPath: '/tmp' }],
      volumes: [{ name: 'config', configMap: { name } }, { name: 'tmp', emptyDir: {} }],
      user: 10001,
      resources: { cpu: '10m', memory: '256Mi', memoryLimit: '1Gi' },
      options: this.options,
      annotations: { 'prometheus.io/scrape': 'true', 'prometheus.io/port': '8888' },
      config,
    });
    // Istio's conventional names: `istioctl dashboard jaeger` opens `tracing`, and older proxies report to `zipkin`.
    addonService(scope, 'QueryService', 'tracing', namespace, name, version, [{ name: 'http-query', port: 80, targetPort: 16686 }]);
    addonService(scope, 'CollectorService', 'jaeger-collector', namespace, name, version, [
      { name: 'grpc-otlp', port: 4317 },
      { name: 'http-otlp', port: 4318 },
      { name: 'http-zipkin', port: 9411 },
    ]);
    addonService(scope, 'ZipkinService', 'zipkin', namespace, name, version, [{ name: 'http-zipkin', port: 9411 }]);
    return {
      provider: {
        name: this.providerName,
        kind: 'tracing',
        config: { opentelemetry: { service: `jaeger-collector.${namespace}.svc.${mesh.clusterDomain}`, port: 4317 } },
      },
      queryUrl: `http://tracing.${namespace}.svc.${mesh.clusterDomain}:80/jaeger`,
      grafanaType: 'jaeger',
      // Jaeger v2 runs no admin port (v1's 14269) and no zpages or pprof extension: health (13133) is for the
      // kubelet's probes alone, which NetworkPolicies do not stop.
      pods: { app: name, collectorPorts: [4317, 4318, 9411], queryPort: 16686, metricsPort: 8888 },
    };
  }
}

/** Jaeger v2's configuration (an OpenTelemetry collector's): OTLP and Zipkin in, memory storage, the query UI. */
function jaegerConfig(maxTraces: number): object {
  return {
    service: {
      extensions: ['jaeger_storage', 'jaeger_query', 'healthcheckv2'],
      pipelines: { traces: { receivers: ['otlp', 'zipkin'], processors: ['batch'], exporters: ['jaeger_storage_exporter'] } },
      telemetry: {
        resource: { 'service.name': 'jaeger' },
        metrics: { level: 'basic', readers: [{ pull: { exporter: { prometheus: { host: '0.0.0.0', port: 8888 } } } }] },
      },
    },
    extensions: {
      healthcheckv2: { use_v2: true, http: { endpoint: '0.0.0.0:13133' } },
      jaeger_query: { base_path: '/jaeger', storage: { traces: 'memory_store' } },
      jaeger_storage: { backends: { memory_store: { memory: { max_traces: maxTraces } } } },
    },
    receivers: {
      otlp: { protocols: { grpc: { endpoint: '0.0.0.0:4317' }, http: { endpoint: '0.0.0.0:4318' } } },
      zipkin: { endpoint: '0.0.0.0:9411' },
    },
    processors: { batch: {} },
    exporters: { jaeger_storage_exporter: { trace_storage: 'memory_store' } },
  };
}

class ZipkinBackend extends TracingBackend {
  public readonly providerName = 'zipkin';
  public constructor(private readonly options: ZipkinOptions) { super(); }

  public get _accessFrom(): NetworkPeer[] | undefined {
    return this.options.allowAccessFrom;
  }

  public _bind(scope: Construct, mesh: IMesh, namespace: string): TracingBackendConfig {
    const maxSpans = positiveWhole(scope, 'maxSpans', this.options.maxSpans, 500_000);
    const version = this.options.version ?? '3.5.1';
    const name = 'zipkin';
    const env = { STORAGE_TYPE: 'mem', MEM_MAX_SPANS: String(maxSpans), JAVA_OPTS: '-XX:+ExitOnOutOfMemoryError' };
    addonDeployment(scope, {
      name,
      namespace,
      image: 'docker.io/openzipkin/zipkin-slim',
      version,
      env,
      ports: [{ name: 'http-zipkin', containerPort: 9411 }],
      probe: { path: '/health', port: 9411 },
      mounts: [{ name: 'tmp', mountPath: '/tmp' }],
      volumes: [{ name: 'tmp', emptyDir: {} }],
      user: 1000,
      resources: { cpu: '10m', memory: '512Mi', memoryLimit: '1Gi' },
      options: this.options,
      annotations: { 'prometheus.io/scrape': 'true', 'prometheus.io/port': '9411', 'prometheus.io/path': '/prometheus' },
      config: () => JSON.stringify(env),
    });
    addonService(scope, 'Service', 'zipkin', namespace, name, version, [{ name: 'http-zipkin', port: 9411 }]);
    return {
      provider: { name: this.providerName, kind: 'tracing', config: { zipkin: { service: `zipkin.${namespace}.svc.${mesh.clusterDomain}`, port: 9411 } } },
      queryUrl: `http://zipkin.${namespace}.svc.${mesh.clusterDomain}:9411`,
      grafanaType: 'zipkin',
      // One port for spans, queries and metrics alike.
      pods: { app: name, collectorPorts: [9411], queryPort: 9411, metricsPort: 9411 },
    };
  }
}

class CollectorBackend extends TracingBackend {
  public readonly providerName: string;
  public constructor(private readonly options: OpenTelemetryCollectorOptions) {
    super();
    this.providerName = options.providerName ?? 'otel';
  }

  public _bind(): TracingBackendConfig {
    return { provider: { name: this.providerName, kind: 'tracing', config: { opentelemetry: { service: this.options.host, port: this.options.port ?? 4317 } } } };
  }
}

import { Construct } from 'constructs';
import { addonNetworkPolicies } from './addon-network-policies';
import { Grafana, GrafanaOptions } from './grafana';
import { Kiali, KialiOptions } from './kiali';
import { Prometheus, PrometheusOptions } from './prometheus';
import { BUILTIN_PROVIDERS, ExtensionProvider } from './providers';
import { TelemetryPolicy } from './telemetry-policy';
import { TracingBackend, TracingBackendConfig } from './tracing';
import { layerOf, MeshLayer } from '../layers';
import type { IMesh } from '../mesh-identity';
import { ensureNamespace } from '../namespaces';
import { checkArray, checkEnum, checkType } from '../private/enums';
import { recordedProblems, reportError } from '../private/errors';
import { validateDnsLabel, validatePercentage } from '../private/names';
import { constructsOfKind, isKind, markKind, meshOf } from '../private/tree';
import { PolicyScope } from '../security/mtls-policy';
import type { NetworkPeer } from '../security/network-peer';

/**
 * How each access log line is written.
 */
export enum AccessLogEncoding {
  /** Envoy's default one-line text format. */
  TEXT = 'TEXT',
  /** One JSON object per line, with named fields: for log pipelines that parse. */
  JSON = 'JSON',
}

/**
 * Mesh-wide access logging: every proxy writes a line per request to its stdout.
 */
export interface AccessLogOptions {
  /**
   * The line format.
   *
   * @default AccessLogEncoding.TEXT
   */
  readonly encoding?: AccessLogEncoding;

  /**
   * A CEL expression: only requests it holds for are logged (`response.code >= 400`).
   *
   * @default - every request
   */
  readonly filter?: string;
}

/**
 * Properties of a `TelemetryStack`.
 */
export interface TelemetryStackProps {
  /**
   * The namespace the stack runs in.
   *
   * @default - the mesh's root namespace; 'mesh-telemetry' when the mesh adopts an existing Istio, whose root
   * namespace may hold Istio's own add-ons of the same names
   */
  readonly namespace?: string;

  /**
   * Prometheus, which scrapes istiod and every proxy.
   *
   * @default - Prometheus with its defaults
   */
  readonly prometheus?: PrometheusOptions;

  /**
   * Grafana, with dashboards generated for the mesh and each service.
   *
   * @default - Grafana with its defaults
   */
  readonly grafana?: GrafanaOptions;

  /**
   * Where proxies send spans. Tracing is configured mesh-wide with `samplingPercentage`; per service with
   * a `TelemetryPolicy`.
   *
   * @default - no tracing
   */
  readonly tracing?: TracingBackend;

  /**
   * The mesh-wide percentage (0 to 100) of requests traced, when `tracing` is set.
   *
   * @default 1
   */
  readonly samplingPercentage?: number;

  /**
   * Mesh-wide access logs. Per service, use a `TelemetryPolicy`.
   *
   * @default - no access logs
   */
  readonly accessLogging?: AccessLogOptions;

  /**
   * Kiali, the mesh console.
   *
   * @default - no Kiali
   */
  readonly kiali?: KialiOptions;

  /**
   * Whether the stack renders NetworkPolicies for its add-ons, so that each accepts connections only from
   * what needs it: Prometheus from Grafana and Kiali, the tracing backend's collector from the mesh's
   * proxies and its query API from Grafana and Kiali, Grafana from Kiali, and Grafana's and Kiali's UIs from
   * no one else but the peers in `allowAccessFrom`. Only ingress is limited: the add-ons' egress stays
   * open. `kubectl port-forward` (and `istioctl dashboard`) still reach them: it enters the pod from its
   * node, which NetworkPolicies do not stop. They take effect only with a network plugin that enforces
   * NetworkPolicies.
   *
   * @default true
   * @see https://kubernetes.io/docs/concepts/services-networking/network-policies/
   */
  readonly networkPolicies?: boolean;

  /**
   * Who may open Grafana's and Kiali's UIs (besides `kubectl port-forward`), when `networkPolicies` is on:
   * a namespace of operators' tools, an office's or a VPN's addresses. Each add-on's own `allowAccessFrom` adds to it.
   *
   * @default - no one
   */
  readonly allowAccessFrom?: NetworkPeer[];
}

/**
 * The mesh's telemetry: Prometheus scraping istiod and every proxy, Grafana with dashboards generated from
 * the mesh model, a tracing backend (Jaeger or Zipkin) wired into the mesh config as an extension
 * provider, mesh-wide tracing and access logging (an Istio `Telemetry` object), and Kiali. Each part is
 * optional. A mesh has at most one stack; its objects are a layer of their own, applied after the control
 * plane and before the workloads.
 *
 * It has no single main object, so no `resource`: read each part's from the part (`prometheus.resource`,
 * `grafana.resource`, `kiali.resource`, `meshPolicy.resource`).
 *
 * @see https://istio.io/latest/docs/ops/integrations/
 */
export class TelemetryStack extends Construct {
  /**
   * Whether `x` is a `TelemetryStack` (told by a symbol, as cdk8s tells charts apart: it works across copies of the library).
   */
  public static isTelemetryStack(x: any): x is TelemetryStack {
    return isKind(x, 'TelemetryStack');
  }

  /** The mesh it observes. */
  public readonly mesh: IMesh;
  /** The namespace it runs in. */
  public readonly namespace: string;
  /** Prometheus, when enabled. */
  public readonly prometheus?: Prometheus;
  /** Grafana, when enabled. */
  public readonly grafana?: Grafana;
  /** Kiali, when enabled. */
  public readonly kiali?: Kiali;
  /** The tracing backend, when set. */
  public readonly tracing?: TracingBackend;
  /** The mesh-wide Telemetry policy, when tracing or access logging is on. */
  public readonly meshPolicy?: TelemetryPolicy;
  /**
   * What the tracing backend gives Grafana and Kiali.
   *
   * @internal
   */
  public readonly _tracingConfig?: TracingBackendConfig;
  /**
   * The extension providers the stack adds to the mesh config (or replaces there, by name).
   *
   * @internal
   */
  public readonly _extensionProviders: ExtensionProvider[] = [];

  public constructor(scope: Construct, id: string, props: TelemetryStackProps = {}) {
    super(scope, id);
    markKind(this, 'TelemetryStack');
    this.mesh = meshOf(this);
    this.namespace = validateDnsLabel(this, 'namespace', props.namespace ?? (this.mesh.existingIstio ? 'mesh-telemetry' : this.mesh.rootNamespace));
    // Each mistake is recorded, and what it concerns is left out, so that nothing else reports it again.
    let samplingPercentage = props.samplingPercentage;
    if (samplingPercentage !== undefined) {
      const problems = recordedProblems(this).length;
      validatePercentage(this, 'samplingPercentage', samplingPercentage);
      if (recordedProblems(this).length > problems) {
        // The mesh policy's own check would report it again.
        samplingPercentage = undefined;
      }
      if (!props.tracing) {
        reportError(this, 'MESH0401', `samplingPercentage ${props.samplingPercentage} is set without a tracing backend: add tracing: TracingBackend.jaeger() (or zipkin(), openTelemetry())`);
      }
    }
    // 'false' from JavaScript would read as true: a value of another type is reported and the default kept.
    const enabled = (prop: string, value: boolean | undefined, fallback: boolean) => checkType(this, prop, value, 'boolean') ? value ?? fallback : fallback;
    const prometheusOn = enabled('prometheus.enabled', props.prometheus?.enabled, true);
    const grafanaOn = enabled('grafana.enabled', props.grafana?.enabled, true);
    const kialiOn = props.kiali ? enabled('kiali.enabled', props.kiali.enabled, true) : false;
    checkEnum(this, 'accessLogging.encoding', props.accessLogging?.encoding, AccessLogEncoding, 'AccessLogEncoding');
    for (const [part, on] of [['grafana', grafanaOn], ['kiali', kialiOn]] as const) {
      if (on && !prometheusOn) {
        // Left out below: they are only created with Prometheus.
        reportError(this, 'MESH0402', `${part} reads the stack's Prometheus, which is disabled: enable prometheus, or set ${part}: { enabled: false }`);
      }
    }
    let tracing = props.tracing;
    if (tracing !== undefined && typeof (tracing as { _bind?: unknown })._bind !== 'function') {
      // A plain object (from JavaScript) cannot render a backend: reported, and left out.
      reportError(this, 'MESH0096', 'tracing is not a TracingBackend: make it with TracingBackend.jaeger(), TracingBackend.zipkin() or TracingBackend.openTelemetry({ host: ... })');
      tracing = undefined;
    }
    if (tracing && BUILTIN_PROVIDERS.some(p => p.name === tracing!.providerName)) {
      reportError(this, 'MESH0403', `tracing provider name '${tracing.providerName}' is one of the mesh's built-in providers (${BUILTIN_PROVIDERS.map(p => p.name).join(', ')}): give it another providerName`);
      // Left out: as a provider it would replace the built-in one that Telemetry policies name.
      tracing = undefined;
    }
    // A mesh has one stack: the analysis reports any other (MESH0400), which renders nothing, for its parts
    // would take the ids of the first one's in the telemetry layer.
    if (constructsOfKind(this.mesh, 'TelemetryStack').some(s => s !== this)) {
      return;
    }
    ensureNamespace(this.mesh, this.namespace, false);
    const layer = layerOf(this.mesh, MeshLayer.TELEMETRY);

    if (tracing) {
      this.tracing = tracing;
      this._tracingConfig = tracing._bind(new Construct(layer, 'Tracing'), this.mesh, this.namespace);
      this._extensionProviders.push(this._tracingConfig.provider);
    }
    if (props.accessLogging?.encoding === AccessLogEncoding.JSON) {
      this._extensionProviders.push({ name: 'envoy', kind: 'accessLogging', config: { envoyFileAccessLog: { path: '/dev/stdout', logFormat: { labels: JSON_ACCESS_LOG } } } });
    }

    if (prometheusOn) {
      this.prometheus = new Prometheus(layer, 'Prometheus', { ...props.prometheus, mesh: this.mesh, namespace: this.namespace });
      if (grafanaOn) {
        this.grafana = new Grafana(layer, 'Grafana', { ...props.grafana, stack: this });
      }
      if (kialiOn) {
        this.kiali = new Kiali(layer, 'Kiali', { ...props.kiali, stack: this });
      }
    }

    const networkPolicies = enabled('networkPolicies', props.networkPolicies, true);
    const everyUi = this.peers('allowAccessFrom', props.allowAccessFrom);
    const access = {
      grafana: [...everyUi, ...this.peers('grafana.allowAccessFrom', props.grafana?.allowAccessFrom)],
      kiali: [...everyUi, ...this.peers('kiali.allowAccessFrom', props.kiali?.allowAccessFrom)],
      prometheus: this.peers('prometheus.allowAccessFrom', props.prometheus?.allowAccessFrom),
      tracing: this.peers('tracing allowAccessFrom', tracing?._accessFrom),
    };
    if (networkPolicies) {
      addonNetworkPolicies(new Construct(layer, 'NetworkPolicies'), this, access);
    } else {
      for (const [prop, value, what] of [['allowAccessFrom', props.allowAccessFrom, 'the add-ons'], ['grafana.allowAccessFrom', props.grafana?.allowAccessFrom, 'Grafana'],
        ['kiali.allowAccessFrom', props.kiali?.allowAccessFrom, 'Kiali'], ['prometheus.allowAccessFrom', props.prometheus?.allowAccessFrom, 'Prometheus'],
        ['tracing allowAccessFrom', tracing?._accessFrom, 'the tracing backend']] as const) {
        if (value !== undefined) {
          reportError(this, 'MESH0441', `${prop} is given with networkPolicies false, so no NetworkPolicy limits who reaches ${what} and the peers change nothing: drop allowAccessFrom, or leave networkPolicies on`);
        }
      }
    }

    if (tracing || props.accessLogging) {
      this.meshPolicy = new TelemetryPolicy(this, 'MeshPolicy', {
        scope: PolicyScope.mesh(),
        tracing: tracing ? { samplingPercentage: samplingPercentage ?? 1 } : undefined,
        accessLogging: props.accessLogging ? { filter: props.accessLogging.filter } : undefined,
      });
    }
  }

  /** The peers of an `allowAccessFrom` prop that can be rendered; each problem is reported, and the peer left out. */
  private peers(prop: string, value: NetworkPeer[] | undefined): NetworkPeer[] {
    if (value === undefined || !checkArray(this, prop, value)) {
      return [];
    }
    return value.filter((peer, i) => {
      // From JavaScript, a plain object cannot render a peer.
      if (typeof (peer as { _check?: unknown } | undefined)?._check !== 'function') {
        reportError(this, 'MESH0096', `${prop}[${i}] is not a NetworkPeer: make it with NetworkPeer.namespace(...), NetworkPeer.pods(...), NetworkPeer.cidr(...) or NetworkPeer.anywhere()`);
        return false;
      }
      return peer._check(this, prop);
    });
  }
}

/** The fields of a JSON access log line, as Envoy's format commands. */
const JSON_ACCESS_LOG: { [field: string]: string } = {
  start_time: '%START_TIME%',
  method: '%REQ(:METHOD)%',
  path: '%REQ(X-ENVOY-ORIGINAL-PATH?:PATH)%',
  protocol: '%PROTOCOL%',
  response_code: '%RESPONSE_CODE%',
  response_flags: '%RESPONSE_FLAGS%',
  bytes_received: '%BYTES_RECEIVED%',
  bytes_sent: '%BYTES_SENT%',
  duration: '%DURATION%',
  upstream_service_time: '%RESP(X-ENVOY-UPSTREAM-SERVICE-TIME)%',
  authority: '%REQ(:AUTHORITY)%',
  request_id: '%REQ(X-REQUEST-ID)%',
  trace_id: '%TRACE_ID%',
  user_agent: '%REQ(USER-AGENT)%',
  downstream_remote_address: '%DOWNSTREAM_REMOTE_ADDRESS%',
  upstream_host: '%UPSTREAM_HOST%',
  upstream_cluster: '%UPSTREAM_CLUSTER%',
};

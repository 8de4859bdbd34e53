import { ApiObject, Duration, Lazy, Yaml } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import { renderMeshConfig } from './mesh-config';
import { GATEWAY_CONTROLLER_RULES, ISTIOD_CLUSTER_RULES, ISTIOD_NAMESPACE_RULES, READER_RULES, Rule } from './rbac';
import { CertificateAuthority, CertificateAuthorityConfig } from '../ca/certificate-authority';
import type { IMesh } from '../mesh-identity';
import { compact } from '../private/compact';
import { goDuration } from '../private/duration';
import { reportError, required } from '../private/errors';
import { validateDnsLabel, validateImageTag } from '../private/names';
import { cpuQuantity, memoryQuantity } from '../private/quantities';
import { markKind } from '../private/tree';
import { ProxyOptions } from '../sidecar/proxy';
import { ISTIO_PROXY_DEFAULTS, ProxySettings, SidecarEnvironment, resolveProxy, sidecarTemplate } from '../sidecar/sidecar';
import { meshWorkloads } from '../sidecar/workload';

/**
 * The build of Istio's images.
 *
 * @see https://istio.io/latest/docs/ops/configuration/security/harden-docker-images/
 */
export enum ImageVariant {
  /** Debian-based images with a shell and debugging tools. */
  DEFAULT = '',
  /** Distroless images: no shell or package manager, fewer CVEs. */
  DISTROLESS = 'distroless',
}

/**
 * How istiod scales with load.
 */
export interface ControlPlaneAutoscaling {
  /**
   * The fewest replicas.
   *
   * @default 1
   */
  readonly minReplicas?: number;

  /**
   * The most replicas.
   *
   * @default 5
   */
  readonly maxReplicas?: number;

  /**
   * Average CPU use, in percent of the request, that the autoscaler keeps replicas at.
   *
   * @default 80
   */
  readonly targetCpuUtilization?: number;
}

/**
 * A toleration of node taints by istiod's pods.
 */
export interface ControlPlaneToleration {
  /** The taint key. */
  readonly key: string;

  /**
   * `Equal` (the taint's value must be `value`) or `Exists`.
   *
   * @default 'Exists'
   */
  readonly operator?: string;

  /**
   * The taint value, with `Equal`.
   *
   * @default - none
   */
  readonly value?: string;

  /**
   * The taint effect tolerated: `NoSchedule`, `PreferNoSchedule` or `NoExecute`.
   *
   * @default - every effect
   */
  readonly effect?: string;
}

/**
 * Options of a control plane: the ones Istio's Helm values are reached for.
 */
export interface ControlPlaneOptions {
  /**
   * The revision: a name that lets two control planes run side by side (a canary upgrade). Workloads and
   * namespaces choose theirs. Objects of a named revision carry it in their names (`istiod-<revision>`).
   *
   * @default - none: the unnamed `default` revision
   * @see https://istio.io/latest/docs/setup/upgrade/canary/
   */
  readonly revision?: string;

  /**
   * Fixed number of istiod replicas, instead of autoscaling (set one or the other).
   *
   * @default - autoscaled
   */
  readonly replicas?: number;

  /**
   * Autoscaling of istiod on CPU (set this or `replicas`, not both).
   *
   * @default - 1 to 5 replicas at 80% CPU
   */
  readonly autoscaling?: ControlPlaneAutoscaling;

  /**
   * CPU and memory of istiod.
   *
   * @default - requests 500m CPU and 2Gi, no limits (Istio's)
   */
  readonly resources?: kplus.ContainerResources;

  /**
   * Node labels istiod's pods must be scheduled on.
   *
   * @default - any node
   */
  readonly nodeSelector?: { [label: string]: string };

  /**
   * Taints istiod's pods tolerate, beyond Istio CNI's not-ready taint.
   *
   * @default - none
   */
  readonly tolerations?: ControlPlaneToleration[];

  /**
   * The PriorityClass of istiod's pods.
   *
   * @default - none
   */
  readonly priorityClassName?: string;

  /**
   * The registry of this control plane's images (istiod and proxies).
   *
   * @default - the mesh's
   */
  readonly hub?: string;

  /**
   * The tag of this control plane's images: a canary revision runs a newer one.
   *
   * @default - the mesh's
   */
  readonly tag?: string;

  /**
   * The image build.
   *
   * @default ImageVariant.DEFAULT
   */
  readonly variant?: ImageVariant;

  /**
   * istiod's log levels, `<scope>:<level>` separated by commas.
   *
   * @default 'default:info'
   */
  readonly logLevel?: string;

  /**
   * Defaults of every proxy this control plane serves; services override them.
   *
   * @default - Istio's
   */
  readonly proxy?: ProxyOptions;

  /**
   * Who signs workload certificates.
   *
   * @default CertificateAuthority.selfSigned()
   */
  readonly certificateAuthority?: CertificateAuthority;

  /**
   * Whether Istio CNI (installed separately) sets up pods' traffic capture, so the sidecar needs no
   * privileged init container.
   *
   * @default false
   */
  readonly cni?: boolean;

  /**
   * Whether every proxy writes Envoy's access log to its standard output.
   *
   * @default false
   */
  readonly accessLogging?: boolean;

  /**
   * How long a proxy's connection to istiod lives before it reconnects (spreading proxies over replicas).
   *
   * @default Duration.minutes(30)
   */
  readonly keepaliveMaxServerConnectionAge?: Duration;
}

/**
 * Properties of a `ControlPlane`.
 */
export interface ControlPlaneProps extends ControlPlaneOptions {
  /** The mesh the control plane serves. */
  readonly mesh: IMesh;
}

/**
 * istiod: the control plane of one revision, with everything Istio's own install gives it: service
 * account, RBAC, the mesh config, the sidecar injector's config and webhook (generated from this
 * library's sidecar model), the validating webhook, Deployment, Service, autoscaler and disruption budget.
 *
 * Create with `new Mesh()` (the default one) or `Mesh.addControlPlane()` (more revisions).
 *
 * @see https://istio.io/latest/docs/ops/deployment/architecture/
 */
export class ControlPlane extends Construct {
  /** The mesh. */
  public readonly mesh: IMesh;
  /** The revision name; empty for the default (unnamed) revision. */
  public readonly revision: string;
  /** The value of `istio.io/rev` that selects this control plane: the revision, or `default`. */
  public readonly revisionLabel: string;
  /** The namespace istiod runs in (the mesh's root namespace). */
  public readonly namespace: string;
  /** The name of istiod's Deployment and Service: `istiod`, or `istiod-<revision>`. */
  public readonly serviceName: string;
  /** Where proxies get their configuration: `<service>.<namespace>.svc:15012`. */
  public readonly discoveryAddress: string;
  /** The image registry. */
  public readonly hub: string;
  /** The image tag. */
  public readonly tag: string;
  /** The image build. */
  public readonly variant: ImageVariant;
  /** Whether proxies write access logs to standard output. */
  public readonly accessLogging: boolean;
  /** Whether Istio CNI captures traffic. */
  public readonly cni: boolean;
  /** The certificate authority. */
  public readonly certificateAuthority: CertificateAuthority;

  private readonly suffix: string;
  private readonly ca: CertificateAuthorityConfig;
  private readonly proxyDefaults: ProxySettings;
  private readonly logLevel: string;

  public constructor(scope: Construct, id: string, props: ControlPlaneProps) {
    super(scope, id);
    markKind(this, 'ControlPlane');
    this.mesh = required(this, 'mesh', props.mesh, 'create control planes with Mesh.addControlPlane()');
    let revision = props.revision === undefined || props.revision === '' ? '' : validateDnsLabel(this, 'revision', props.revision);
    if (revision === 'default') {
      reportError(this, 'MESH0060', "revision 'default' names the unnamed revision: leave revision out, or choose another name");
      // What the user meant: the unnamed revision.
      revision = '';
    }
    this.revision = revision;
    this.revisionLabel = this.revision || 'default';
    this.suffix = this.revision ? `-${this.revision}` : '';
    this.namespace = this.mesh.rootNamespace;
    this.serviceName = `istiod${this.suffix}`;
    this.discoveryAddress = `${this.serviceName}.${this.namespace}.svc:15012`;
    this.hub = props.hub ?? this.mesh.hub;
    // The mesh checks its own tag: a bad one is reported there, once.
    this.tag = props.tag === undefined ? this.mesh.tag : validateImageTag(this, 'tag', props.tag);
    this.variant = props.variant ?? ImageVariant.DEFAULT;
    this.accessLogging = props.accessLogging ?? false;
    this.cni = props.cni ?? false;
    this.certificateAuthority = props.certificateAuthority ?? CertificateAuthority.selfSigned();
    this.ca = this.certificateAuthority.bind(this, { namespace: this.namespace });
    this.proxyDefaults = resolveProxy(this, ISTIO_PROXY_DEFAULTS, props.proxy);
    this.logLevel = props.logLevel ?? 'default:info';
    if (!/^[a-z_-]+:[a-z]+(,[a-z_-]+:[a-z]+)*$/.test(this.logLevel)) {
      reportError(this, 'MESH0061', `logLevel '${this.logLevel}' is invalid: write '<scope>:<level>' pairs separated by commas, e.g. 'default:info,ads:debug'`);
      this.logLevel = 'default:info';
    }
    const replicas = this.replicasOf(props);

    const labels = this.labels();
    const meta = (name: string, extra: { [key: string]: string } = {}) => ({ name, namespace: this.namespace, labels: { ...labels, ...extra } });
    const clusterMeta = (name: string) => ({ name, labels });
    const nsSuffix = `${this.suffix}-${this.namespace}`;

    new ApiObject(this, 'ServiceAccount', { apiVersion: 'v1', kind: 'ServiceAccount', metadata: meta(this.serviceName) });
    const serviceAccount = { kind: 'ServiceAccount', name: this.serviceName, namespace: this.namespace };
    const clusterRole = (roleId: string, name: string, rules: Rule[], subject = serviceAccount) => {
      new ApiObject(this, roleId, { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole', metadata: clusterMeta(name), rules });
      new ApiObject(this, `${roleId}Binding`, {
        apiVersion: 'rbac.authorization.k8s.io/v1',
        kind: 'ClusterRoleBinding',
        metadata: clusterMeta(name),
        roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name },
        subjects: [subject],
      });
    };
    clusterRole('ClusterRole', `istiod-clusterrole${nsSuffix}`, ISTIOD_CLUSTER_RULES);
    clusterRole('GatewayControllerRole', `istiod-gateway-controller${nsSuffix}`, GATEWAY_CONTROLLER_RULES);
    clusterRole('ReaderRole', `istio-reader-clusterrole${nsSuffix}`, READER_RULES,
      { kind: 'ServiceAccount', name: 'istio-reader-service-account', namespace: this.namespace });
    new ApiObject(this, 'Role', { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'Role', metadata: meta(this.serviceName), rules: ISTIOD_NAMESPACE_RULES });
    new ApiObject(this, 'RoleBinding', {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'RoleBinding',
      metadata: meta(this.serviceName),
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: this.serviceName },
      subjects: [serviceAccount],
    });

    new ApiObject(this, 'MeshConfig', {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: meta(`istio${this.suffix}`),
      data: {
        mesh: Lazy.any({ produce: () => Yaml.stringify(compact(renderMeshConfig(this.mesh, this))) }),
        meshNetworks: 'networks: {}',
      },
    });
    new ApiObject(this, 'InjectorConfig', {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: meta(`istio-sidecar-injector${this.suffix}`),
      data: {
        config: Lazy.any({ produce: () => this.injectorConfig() }),
        values: Lazy.any({ produce: () => JSON.stringify(this.values(), undefined, 2) }),
      },
    });
    new ApiObject(this, 'Values', {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: {
        ...meta(`values${this.suffix}`),
        annotations: { 'kubernetes.io/description': 'The settings this control plane was generated with, in the shape of Istio\'s Helm values, for tools that read them. Changing them has no effect.' },
      },
      data: { 'merged-values': Lazy.any({ produce: () => JSON.stringify(this.values(), undefined, 2) }) },
    });

    this.webhooks(labels);
    this.deployment(props, replicas, labels);

    new ApiObject(this, 'Service', {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: meta(this.serviceName, { istio: 'pilot' }),
      spec: {
        ports: [
          { name: 'grpc-xds', port: 15010, protocol: 'TCP' },
          { name: 'https-dns', port: 15012, protocol: 'TCP' },
          { name: 'https-webhook', port: 443, protocol: 'TCP', targetPort: 15017 },
          { name: 'http-monitoring', port: 15014, protocol: 'TCP' },
        ],
        selector: this.selector(),
      },
    });

    if (replicas.autoscaling) {
      const a = replicas.autoscaling;
      new ApiObject(this, 'Autoscaler', {
        apiVersion: 'autoscaling/v2',
        kind: 'HorizontalPodAutoscaler',
        metadata: meta(this.serviceName),
        spec: {
          minReplicas: a.minReplicas,
          maxReplicas: a.maxReplicas,
          metrics: [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: a.targetCpuUtilization } } }],
          scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: this.serviceName },
        },
      });
    }
    if (replicas.min > 1) {
      new ApiObject(this, 'DisruptionBudget', {
        apiVersion: 'policy/v1',
        kind: 'PodDisruptionBudget',
        metadata: meta(this.serviceName),
        spec: { minAvailable: 1, selector: { matchLabels: this.selector() } },
      });
    }
  }

  /**
   * The image of the proxies this control plane injects.
   */
  public get proxyImage(): string {
    return this.image('proxyv2');
  }

  /**
   * Where proxies send certificate signing requests: istiod itself, or the external CA.
   */
  public get caAddress(): string {
    return this.ca.caAddress ?? this.discoveryAddress;
  }

  /**
   * What this control plane fixes for every proxy it serves.
   *
   * @internal
   */
  public get _sidecarEnvironment(): SidecarEnvironment {
    return {
      image: this.proxyImage,
      revision: this.revisionLabel,
      caAddress: this.caAddress,
      discoveryAddress: this.discoveryAddress,
      trustDomain: this.mesh.trustDomain,
      clusterId: 'Kubernetes',
      clusterDomain: this.mesh.clusterDomain,
      cni: this.cni,
      agentLogLevel: 'default:info',
      proxyMetadata: this.ca.proxyEnv,
    };
  }

  /**
   * The proxy settings of workloads that set none of their own.
   *
   * @internal
   */
  public get _proxyDefaults(): ProxySettings {
    return this.proxyDefaults;
  }

  /**
   * The injector template a service's pods select: the default `sidecar`, or one generated for the
   * service's own proxy settings.
   *
   * @internal
   */
  public _templateNameFor(namespace: string, serviceName: string, settings: ProxySettings): string {
    return sameSettings(settings, this.proxyDefaults) ? 'sidecar' : `sidecar-${namespace}-${serviceName}`;
  }

  /** The replica count or autoscaling bounds; an invalid value is reported and its default stands in for it. */
  private replicasOf(props: ControlPlaneOptions): { min: number; autoscaling?: Required<ControlPlaneAutoscaling> } {
    const whole = (prop: string, value: number, min: number, fallback: number) => {
      if (!Number.isInteger(value) || value < min) {
        reportError(this, 'MESH0062', `${prop} ${value} is invalid: use a whole number of at least ${min}`);
        return fallback;
      }
      return value;
    };
    if (props.replicas !== undefined) {
      if (props.autoscaling) {
        // The fixed count wins: the autoscaling bounds are not checked, since the fix may be to drop them.
        reportError(this, 'MESH0063', 'replicas and autoscaling are both set: set replicas for a fixed count, or autoscaling, not both');
      }
      return { min: whole('replicas', props.replicas, 1, 1) };
    }
    const minReplicas = whole('autoscaling.minReplicas', props.autoscaling?.minReplicas ?? 1, 1, 1);
    let maxReplicas = whole('autoscaling.maxReplicas', props.autoscaling?.maxReplicas ?? Math.max(5, minReplicas), 1, Math.max(5, minReplicas));
    const targetCpuUtilization = whole('autoscaling.targetCpuUtilization', props.autoscaling?.targetCpuUtilization ?? 80, 1, 80);
    if (maxReplicas < minReplicas) {
      reportError(this, 'MESH0062', `autoscaling.maxReplicas ${maxReplicas} is below minReplicas ${minReplicas}: raise maxReplicas`);
      maxReplicas = minReplicas;
    }
    return { min: minReplicas, autoscaling: { minReplicas, maxReplicas, targetCpuUtilization } };
  }

  /** One of Istio's images, of this control plane's hub, tag and variant. */
  private image(name: string): string {
    return `${this.hub}/${name}:${this.tag}${this.variant ? `-${this.variant}` : ''}`;
  }

  private labels(): { [key: string]: string } {
    return {
      'app': 'istiod',
      'app.kubernetes.io/managed-by': 'cdk8s-mesh',
      'app.kubernetes.io/name': 'istiod',
      'app.kubernetes.io/part-of': 'istio',
      'app.kubernetes.io/version': this.tag,
      'istio.io/rev': this.revisionLabel,
    };
  }

  private selector(): { [key: string]: string } {
    return { 'app': 'istiod', 'istio.io/rev': this.revisionLabel };
  }

  private webhooks(labels: { [key: string]: string }): void {
    const service = { name: this.serviceName, namespace: this.namespace };
    const inject = (name: string, namespaceSelector: object, objectSelector: object) => ({
      name,
      admissionReviewVersions: ['v1'],
      clientConfig: { service: { ...service, path: '/inject', port: 443 } },
      failurePolicy: 'Fail',
      namespaceSelector,
      objectSelector,
      reinvocationPolicy: 'Never',
      rules: [{ apiGroups: [''], apiVersions: ['v1'], operations: ['CREATE'], resources: ['pods'] }],
      sideEffects: 'None',
    });
    const expr = (key: string, operator: string, ...values: string[]) => ({ key, operator, values: values.length > 0 ? values : undefined });
    const rev = this.revisionLabel;
    const notOptedOut = expr('sidecar.istio.io/inject', 'NotIn', 'false');
    const webhooks = [
      // A namespace labelled istio.io/rev=<rev> (and not istio-injection).
      inject('rev.namespace.sidecar-injector.istio.io',
        { matchExpressions: [expr('istio.io/rev', 'In', rev), expr('istio-injection', 'DoesNotExist')] },
        { matchExpressions: [notOptedOut] }),
      // A pod labelled istio.io/rev=<rev> in a namespace that chose no revision.
      inject('rev.object.sidecar-injector.istio.io',
        { matchExpressions: [expr('istio.io/rev', 'DoesNotExist'), expr('istio-injection', 'DoesNotExist')] },
        { matchExpressions: [notOptedOut, expr('istio.io/rev', 'In', rev)] }),
    ];
    if (!this.revision) {
      webhooks.push(
        // A namespace labelled istio-injection=enabled.
        inject('namespace.sidecar-injector.istio.io',
          { matchExpressions: [expr('istio-injection', 'In', 'enabled')] },
          { matchExpressions: [notOptedOut] }),
        // A pod labelled sidecar.istio.io/inject=true, where neither it nor its namespace chose a revision.
        inject('object.sidecar-injector.istio.io',
          { matchExpressions: [expr('istio-injection', 'DoesNotExist'), expr('istio.io/rev', 'DoesNotExist')] },
          { matchExpressions: [expr('sidecar.istio.io/inject', 'In', 'true'), expr('istio.io/rev', 'DoesNotExist')] }),
      );
    }
    new ApiObject(this, 'InjectionWebhook', {
      apiVersion: 'admissionregistration.k8s.io/v1',
      kind: 'MutatingWebhookConfiguration',
      metadata: { name: `istio-sidecar-injector${this.suffix}`, labels: { ...labels, app: 'sidecar-injector' } },
      webhooks,
    });
    new ApiObject(this, 'ValidationWebhook', {
      apiVersion: 'admissionregistration.k8s.io/v1',
      kind: 'ValidatingWebhookConfiguration',
      metadata: { name: `istio-validator${this.suffix}-${this.namespace}`, labels: { ...labels, istio: 'istiod' } },
      webhooks: [{
        name: 'rev.validation.istio.io',
        admissionReviewVersions: ['v1'],
        clientConfig: { service: { ...service, path: '/validate' } },
        // istiod turns this to Fail once it serves the webhook (and patches in its CA bundle).
        failurePolicy: 'Ignore',
        objectSelector: { matchExpressions: [expr('istio.io/rev', 'In', rev)] },
        rules: [{
          apiGroups: ['security.istio.io', 'networking.istio.io', 'telemetry.istio.io', 'extensions.istio.io'],
          apiVersions: ['*'],
          operations: ['CREATE', 'UPDATE'],
          resources: ['*'],
        }],
        sideEffects: 'None',
      }],
    });
  }

  private deployment(props: ControlPlaneOptions, replicas: { autoscaling?: object; min: number }, labels: { [key: string]: string }): void {
    const fieldRef = (fieldPath: string) => ({ valueFrom: { fieldRef: { apiVersion: 'v1', fieldPath } } });
    const env: { [name: string]: object } = {
      REVISION: { value: this.revisionLabel },
      PILOT_CERT_PROVIDER: { value: 'istiod' },
      POD_NAME: fieldRef('metadata.name'),
      POD_NAMESPACE: fieldRef('metadata.namespace'),
      SERVICE_ACCOUNT: fieldRef('spec.serviceAccountName'),
      KUBECONFIG: { value: '/var/run/secrets/remote/config' },
      CA_TRUSTED_NODE_ACCOUNTS: { value: `${this.namespace}/ztunnel` },
      PILOT_TRACE_SAMPLING: { value: '1' },
      PILOT_ENABLE_ANALYSIS: { value: 'false' },
      CLUSTER_ID: { value: 'Kubernetes' },
      GOMAXPROCS: { valueFrom: { resourceFieldRef: { divisor: '1', resource: 'limits.cpu' } } },
      PLATFORM: { value: '' },
      INJECTION_WEBHOOK_CONFIG_NAME: { value: `istio-sidecar-injector${this.suffix}` },
      VALIDATION_WEBHOOK_CONFIG_NAME: { value: `istio-validator${this.suffix}-${this.namespace}` },
      ...Object.fromEntries(Object.entries(this.ca.istiodEnv).map(([k, v]) => [k, { value: v }])),
    };
    const r = props.resources;
    const requests = { cpu: r?.cpu?.request ? cpuQuantity(r.cpu.request) : '500m', memory: r?.memory?.request ? memoryQuantity(r.memory.request) : '2048Mi' };
    const limits = {
      cpu: r?.cpu?.limit ? cpuQuantity(r.cpu.limit) : undefined,
      memory: r?.memory?.limit ? memoryQuantity(r.memory.limit) : undefined,
    };
    const external = this.ca.externalIstiodCert;
    const podLabels = { ...labels, 'istio': 'pilot', 'istio.io/dataplane-mode': 'none', 'sidecar.istio.io/inject': 'false' };
    // An invalid toleration is reported and left out of the pod.
    const tolerations = (props.tolerations ?? []).filter(t => {
      let valid = true;
      if (t.operator !== undefined && t.operator !== 'Exists' && t.operator !== 'Equal') {
        reportError(this, 'MESH0064', `toleration '${t.key}' has operator '${t.operator}': use 'Exists' or 'Equal'`);
        valid = false;
      }
      if (t.effect !== undefined && !['NoSchedule', 'PreferNoSchedule', 'NoExecute'].includes(t.effect)) {
        reportError(this, 'MESH0064', `toleration '${t.key}' has effect '${t.effect}': use 'NoSchedule', 'PreferNoSchedule' or 'NoExecute'`);
        valid = false;
      }
      return valid;
    });
    new ApiObject(this, 'Deployment', {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: this.serviceName, namespace: this.namespace, labels: { ...labels, istio: 'pilot' } },
      spec: {
        replicas: replicas.autoscaling ? undefined : replicas.min,
        selector: { matchLabels: this.selector() },
        strategy: { rollingUpdate: { maxSurge: '100%', maxUnavailable: '25%' } },
        template: {
          metadata: {
            annotations: { 'prometheus.io/port': '15014', 'prometheus.io/scrape': 'true', 'sidecar.istio.io/inject': 'false' },
            labels: podLabels,
          },
          spec: {
            serviceAccountName: this.serviceName,
            priorityClassName: props.priorityClassName,
            nodeSelector: props.nodeSelector ? { ...props.nodeSelector } : undefined,
            tolerations: [
              { key: 'cni.istio.io/not-ready', operator: 'Exists' },
              ...tolerations.map(t => ({ key: t.key, operator: t.operator ?? 'Exists', value: t.value, effect: t.effect })),
            ],
            containers: [{
              name: 'discovery',
              image: this.image('pilot'),
              args: [
                'discovery',
                '--monitoringAddr=:15014',
                `--log_output_level=${this.logLevel}`,
                '--domain', this.mesh.clusterDomain,
                '--keepaliveMaxServerConnectionAge', goDuration(props.keepaliveMaxServerConnectionAge ?? Duration.minutes(30)),
              ],
              env: Object.entries(env).map(([name, v]) => ({ name, ...v })),
              ports: [
                { containerPort: 8080, name: 'http-debug', protocol: 'TCP' },
                { containerPort: 15010, name: 'grpc-xds', protocol: 'TCP' },
                { containerPort: 15012, name: 'tls-xds', protocol: 'TCP' },
                { containerPort: 15017, name: 'https-webhooks', protocol: 'TCP' },
                { containerPort: 15014, name: 'http-monitoring', protocol: 'TCP' },
              ],
              readinessProbe: { httpGet: { path: '/ready', port: 8080 }, initialDelaySeconds: 1, periodSeconds: 3, timeoutSeconds: 5 },
              resources: { requests, limits: limits.cpu || limits.memory ? limits : undefined },
              securityContext: {
                allowPrivilegeEscalation: false,
                capabilities: { drop: ['ALL'] },
                readOnlyRootFilesystem: true,
                runAsNonRoot: true,
              },
              volumeMounts: [
                { mountPath: '/var/run/secrets/tokens', name: 'istio-token', readOnly: true },
                { mountPath: '/var/run/secrets/istio-dns', name: 'local-certs' },
                { mountPath: '/etc/cacerts', name: 'cacerts', readOnly: true },
                { mountPath: '/var/run/secrets/remote', name: 'istio-kubeconfig', readOnly: true },
                { mountPath: '/var/run/secrets/istiod/tls', name: 'istio-csr-dns-cert', readOnly: true },
                { mountPath: '/var/run/secrets/istiod/ca', name: 'istio-csr-ca-configmap', readOnly: true },
              ],
            }],
            volumes: [
              { name: 'local-certs', emptyDir: { medium: 'Memory' } },
              { name: 'istio-token', projected: { sources: [{ serviceAccountToken: { audience: 'istio-ca', expirationSeconds: 43200, path: 'istio-token' } }] } },
              { name: 'cacerts', secret: { secretName: this.ca.caSecretName, optional: this.ca.caSecretOptional } },
              { name: 'istio-kubeconfig', secret: { secretName: 'istio-kubeconfig', optional: true } },
              { name: 'istio-csr-dns-cert', secret: { secretName: this.ca.istiodCertSecretName, optional: !external } },
              { name: 'istio-csr-ca-configmap', configMap: { name: 'istio-ca-root-cert', defaultMode: 420, optional: !external } },
            ],
          },
        },
      },
    });
  }

  /** The injector's configuration: one template per distinct proxy settings of the services it serves. */
  private injectorConfig(): string {
    const env = this._sidecarEnvironment;
    const templates: { [name: string]: string } = { sidecar: sidecarTemplate(env, this.proxyDefaults) };
    for (const workload of meshWorkloads(this.mesh).filter(w => w.controlPlane === this && !w.explicit)) {
      templates[workload.templateName] ??= sidecarTemplate(env, workload.settings);
    }
    return Yaml.stringify({
      defaultTemplates: ['sidecar'],
      policy: 'enabled',
      alwaysInjectSelector: [],
      neverInjectSelector: [],
      injectedAnnotations: {},
      templates,
    });
  }

  /**
   * This control plane's settings in the shape of Istio's Helm values (the injector reads some of them).
   * Only keys Istio 1.30's values define: istiod parses them into its own values type. The generated
   * templates carry the proxy settings themselves.
   */
  private values(): object {
    const p = this.proxyDefaults;
    return {
      global: {
        hub: this.hub,
        tag: this.tag,
        variant: this.variant,
        istioNamespace: this.namespace,
        caAddress: this.ca.caAddress ?? '',
        pilotCertProvider: 'istiod',
        meshID: this.mesh.trustDomain,
        multiCluster: { clusterName: 'Kubernetes' },
        network: '',
        logging: { level: this.logLevel },
        proxy: {
          image: 'proxyv2',
          clusterDomain: this.mesh.clusterDomain,
          logLevel: p.logLevel,
          componentLogLevel: p.componentLogLevel,
          includeIPRanges: p.includeOutboundIpRanges,
          excludeIPRanges: p.excludeOutboundIpRanges,
          includeInboundPorts: p.includeInboundPorts,
          excludeInboundPorts: p.excludeInboundPorts,
          includeOutboundPorts: p.includeOutboundPorts,
          excludeOutboundPorts: p.excludeOutboundPorts,
          resources: { requests: { cpu: p.cpuRequest, memory: p.memoryRequest }, limits: { cpu: p.cpuLimit, memory: p.memoryLimit } },
        },
        proxy_init: { image: 'proxyv2' },
      },
      pilot: { cni: { enabled: this.cni } },
      revision: this.revision,
      sidecarInjectorWebhook: { rewriteAppHTTPProbe: true },
    };
  }
}

function sameSettings(a: ProxySettings, b: ProxySettings): boolean {
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]) as Set<keyof ProxySettings>;
  return [...keys].every(k => a[k] === b[k]);
}

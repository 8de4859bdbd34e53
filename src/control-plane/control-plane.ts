import { ApiObject } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import { ControlPlaneOptions, ImageVariant } from './control-plane-options';
import { renderInjectorConfig } from './injector-config';
import { IstiodReplicas, renderIstiod } from './istiod';
import { renderMeshConfigMap } from './mesh-config';
import { renderRbac } from './rbac';
import { renderWebhooks } from './webhooks';
import { CertificateAuthority, CertificateAuthorityConfig } from '../ca/certificate-authority';
import type { IMesh } from '../mesh-identity';
import { checkEnum, checkType } from '../private/enums';
import { reportError, reportWarning, required } from '../private/errors';
import { ISTIO_LOG_LEVELS, checkDuration, istioLogLevelProblem } from '../private/istio-rules';
import {
  proxyRequestsAboveLimits, validateDerivedName, validateHub, validateInt32, validateLabels, validateResources, validateVersionLabel,
} from '../private/kubernetes-rules';
import { validateDnsLabel, validateDnsSubdomain, validateImageTag } from '../private/names';
import { announce, isKind, markKind } from '../private/tree';
import { ISTIO_PROXY_DEFAULTS, ProxySettings, resolveProxy } from '../sidecar/proxy-settings';
import type { SidecarEnvironment } from '../sidecar/sidecar';

/**
 * Properties of a `ControlPlane`.
 */
export interface ControlPlaneProps extends ControlPlaneOptions {
  /** The mesh the control plane serves. */
  readonly mesh: IMesh;
}

/**
 * istiod: the control plane of one revision, with everything Istio's own install gives it: service
 * account and RBAC (rbac.ts), the mesh config (mesh-config.ts), the sidecar injector's config
 * (injector-config.ts, generated from this library's sidecar model), the injection and validation
 * webhooks (webhooks.ts), and istiod's Deployment, Service, autoscaler and disruption budget (istiod.ts).
 *
 * Create with `new Mesh()` (the default one) or `Mesh.addControlPlane()` (more revisions).
 *
 * @see https://istio.io/latest/docs/ops/deployment/architecture/
 */
export class ControlPlane extends Construct {
  /**
   * Whether `x` is a `ControlPlane` (told by a symbol, as cdk8s tells charts apart: it works across copies of the library).
   */
  public static isControlPlane(x: any): x is ControlPlane {
    return isKind(x, 'ControlPlane');
  }

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
  /** Whether the Istio CNI node agent captures the traffic of this control plane's pods. */
  public readonly cni: boolean;
  /** The certificate authority. */
  public readonly certificateAuthority: CertificateAuthority;
  /** istiod's Deployment; none for a revision of an existing Istio the mesh adopts (`existingIstio`), which it describes but does not render. */
  public readonly resource?: ApiObject;
  /** Whether the control plane is installed by other means (the mesh's `existingIstio`): described, not rendered. */
  public readonly installed: boolean;

  /**
   * What names of a named revision's objects end with: `-<revision>`, or nothing.
   *
   * @internal
   */
  public readonly _suffix: string;
  /**
   * What the certificate authority puts on istiod and its proxies.
   *
   * @internal
   */
  public readonly _ca: CertificateAuthorityConfig;
  /**
   * istiod's log levels.
   *
   * @internal
   */
  public readonly _logLevel: string;

  private readonly proxyDefaults: ProxySettings;

  public constructor(scope: Construct, id: string, props: ControlPlaneProps) {
    super(scope, id);
    // From JavaScript the props may be missing altogether: each required one is then reported as missing.
    props = props ?? {} as ControlPlaneProps;
    markKind(this, 'ControlPlane');
    this.mesh = required(this, 'mesh', props.mesh, 'create control planes with Mesh.addControlPlane()');
    // An empty revision is refused as any other name that is no DNS label: the unnamed revision is the one left out.
    let revision = props.revision === undefined ? '' : validateDnsLabel(this, 'revision', props.revision);
    if (revision === 'default') {
      reportError(this, 'MESH0060', "revision 'default' names the unnamed revision: leave revision out, or choose another name");
      // What the user meant: the unnamed revision.
      revision = '';
    }
    // istiod's Service is named after the revision, and a Service name is at most 63 characters.
    if (revision && !validateDerivedName(this, 'revision', revision, `istiod-${revision}`, "istiod's Service name", 63)) {
      revision = revision.slice(0, 56).replace(/-+$/, '');
    }
    this.revision = revision;
    this.revisionLabel = this.revision || 'default';
    this._suffix = this.revision ? `-${this.revision}` : '';
    this.namespace = this.mesh.rootNamespace;
    this.serviceName = `istiod${this._suffix}`;
    this.discoveryAddress = `${this.serviceName}.${this.namespace}.svc:15012`;
    this.hub = props.hub ?? this.mesh.hub;
    if (props.hub !== undefined) {
      validateHub(this, 'hub', props.hub);
    }
    validateResources(this, 'resources', props.resources);
    validateLabels(this, 'nodeSelector', props.nodeSelector);
    if (props.priorityClassName !== undefined) {
      validateDnsSubdomain(this, 'priorityClassName', props.priorityClassName);
    }
    // The mesh checks its own tag: a bad one is reported there, once.
    this.tag = props.tag === undefined ? this.mesh.tag : validateVersionLabel(this, 'tag', validateImageTag(this, 'tag', props.tag));
    this.variant = checkEnum(this, 'variant', props.variant, ImageVariant, 'ImageVariant') ? props.variant ?? ImageVariant.DEFAULT : ImageVariant.DEFAULT;
    if (this.variant) {
      // The images' tag is `<tag>-<variant>`, and an image tag is at most 128 characters.
      validateDerivedName(this, 'tag', this.tag, `${this.tag}-${this.variant}`, 'the image tag', 128);
    }
    this.accessLogging = checkType(this, 'accessLogging', props.accessLogging, 'boolean') ? props.accessLogging ?? false : false;
    this.cni = checkType(this, 'cni', props.cni, 'boolean') ? props.cni ?? true : true;
    this.certificateAuthority = props.certificateAuthority ?? CertificateAuthority.selfSigned();
    if (typeof (this.certificateAuthority as { bind?: unknown }).bind !== 'function') {
      // A plain object (from JavaScript) cannot configure istiod: reported, and the default CA stands in.
      reportError(this, 'MESH0096', 'certificateAuthority is not a CertificateAuthority: make it with CertificateAuthority.selfSigned(), CertificateAuthority.pluginCerts(...) or CertificateAuthority.certManager(...)');
      this.certificateAuthority = CertificateAuthority.selfSigned();
    }
    this._ca = this.certificateAuthority.bind(this, { namespace: this.namespace });
    this.proxyDefaults = resolveProxy(this, ISTIO_PROXY_DEFAULTS, props.proxy);
    const proxyProblems = proxyRequestsAboveLimits(this.proxyDefaults);
    this.node.addValidation({ validate: () => proxyProblems });
    this._logLevel = props.logLevel ?? 'default:info';
    // istiod's own parser: a bare level sets the default scope; an unknown level stops istiod at start.
    const logLevelProblem = istioLogLevelProblem(this._logLevel);
    if (logLevelProblem?.level !== undefined) {
      reportError(this, 'MESH0061', `logLevel '${this._logLevel}' has the level '${logLevelProblem.level}', which istiod does not know: use ${ISTIO_LOG_LEVELS.join(', ')}`);
      this._logLevel = 'default:info';
    } else if (logLevelProblem) {
      reportError(this, 'MESH0061', `logLevel '${this._logLevel}' is invalid: write '<scope>:<level>' pairs separated by commas, e.g. 'default:info,ads:debug'`);
      this._logLevel = 'default:info';
    }
    this.installed = this.mesh.existingIstio;
    if (this.installed) {
      return;
    }
    const replicas = this.replicasOf(props);

    renderRbac(this);
    renderMeshConfigMap(this);
    renderInjectorConfig(this);
    renderWebhooks(this);
    // A keepalive istiod's flag parser cannot read is reported, and the default rendered in its place.
    const keepalive = props.keepaliveMaxServerConnectionAge;
    if (keepalive !== undefined && checkDuration(this, 'MESH0160', 'keepaliveMaxServerConnectionAge', keepalive) === undefined) {
      props = { ...props, keepaliveMaxServerConnectionAge: undefined };
    }
    this.resource = renderIstiod(this, props, replicas);
    // The mesh's CNI agent listens: the first control plane that uses it has it rendered.
    announce(this.mesh, this);
    if (!this.cni) {
      reportWarning(this, 'MESH0082', "cni is false: this control plane's pods get the istio-init container, which runs as root with NET_ADMIN and NET_RAW, "
        + "capabilities outside the 'baseline' Pod Security profile, so they meet only 'privileged' and so must their namespaces: set cni: true, "
        + 'and the mesh runs the Istio CNI node agent instead');
    }
  }

  /**
   * The image of the proxies this control plane injects.
   */
  public get proxyImage(): string {
    return this._image('proxyv2');
  }

  /**
   * Where proxies send certificate signing requests: istiod itself, or the external CA.
   */
  public get caAddress(): string {
    return this._ca.caAddress ?? this.discoveryAddress;
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
      proxyMetadata: this._ca.proxyEnv,
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
    // '.' cannot be part of a namespace or service name: `sidecar-<ns>-<name>` made service b-c of namespace a
    // and service c of namespace a-b share one template, so one of them silently ran the other's proxy settings.
    return sameSettings(settings, this.proxyDefaults) ? 'sidecar' : `sidecar-${serviceName}.${namespace}`;
  }

  /**
   * One of Istio's images, of this control plane's hub, tag and variant.
   *
   * @internal
   */
  public _image(name: string): string {
    return `${this.hub}/${name}:${this.tag}${this.variant ? `-${this.variant}` : ''}`;
  }

  /**
   * The labels of every object of this control plane.
   *
   * @internal
   */
  public _labels(): { [key: string]: string } {
    return {
      'app': 'istiod',
      'app.kubernetes.io/managed-by': 'cdk8s-mesh',
      'app.kubernetes.io/name': 'istiod',
      'app.kubernetes.io/part-of': 'istio',
      'app.kubernetes.io/version': this.tag,
      'istio.io/rev': this.revisionLabel,
    };
  }

  /**
   * The labels that select istiod's pods.
   *
   * @internal
   */
  public _selector(): { [key: string]: string } {
    return { 'app': 'istiod', 'istio.io/rev': this.revisionLabel };
  }

  /**
   * The metadata of one of this control plane's objects in its namespace.
   *
   * @internal
   */
  public _metadata(name: string, extraLabels: { [key: string]: string } = {}): kplus.k8s.ObjectMeta {
    return { name, namespace: this.namespace, labels: { ...this._labels(), ...extraLabels } };
  }

  /** The replica count or autoscaling bounds; an invalid value is reported and its default stands in for it. */
  private replicasOf(props: ControlPlaneOptions): IstiodReplicas {
    const whole = (prop: string, value: number, min: number, fallback: number) => {
      if (!checkType(this, prop, value, 'number')) {
        return fallback;
      }
      if (!Number.isInteger(value) || value < min) {
        reportError(this, 'MESH0062', `${prop} ${value} is invalid: use a whole number of at least ${min}`);
        return fallback;
      }
      return validateInt32(this, prop, value, min) ? value : fallback;
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
}

function sameSettings(a: ProxySettings, b: ProxySettings): boolean {
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]) as Set<keyof ProxySettings>;
  return [...keys].every(k => a[k] === b[k]);
}

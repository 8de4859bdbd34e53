import { ApiObject, JsonPatch, Lazy } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import { Construct, IConstruct } from 'constructs';
import type { DestinationPolicyOptions } from './destination-policy';
import type { MeshService } from './mesh-service';
import { checkEnum, checkStringList, checkStringMap, checkType } from '../private/enums';
import { reportError, reportWarning } from '../private/errors';
import { validateAnnotations, validateEnvNames, validateImageReference, validateInt32, validateResources } from '../private/kubernetes-rules';
import { PodSecurityLevel, restrictedPodSecurityContext, withCapabilitiesDropped, workloadSecurity } from '../private/pod-security';
import { uniqueTargetPorts } from '../private/ports';
import { checkOwnService, requiredService } from '../private/services';
import { meshOf } from '../private/tree';
import { LinuxCapability, SeccompProfile } from '../security/container-security';
import { injectManifest } from '../sidecar/explicit-injection';

/**
 * Options of `MeshService.addVersion()`.
 */
export interface VersionOptions {
  /** The container image. */
  readonly image: string;

  /**
   * Number of pods.
   *
   * @default 1
   */
  readonly replicas?: number;

  /**
   * Environment variables.
   *
   * @default - none
   */
  readonly env?: { [name: string]: string };

  /**
   * CPU and memory requests and limits.
   *
   * @default - cdk8s-plus defaults: requests 1000m CPU / 512Mi, limits 1500m CPU / 2048Mi
   */
  readonly resources?: kplus.ContainerResources;

  /**
   * Paths where the workload writes; each gets an empty directory, since the root filesystem is read-only.
   *
   * @default - none
   */
  readonly writablePaths?: string[];

  /**
   * The command (entrypoint).
   *
   * @default - the image's
   */
  readonly command?: string[];

  /**
   * Arguments to the command.
   *
   * @default - the image's
   */
  readonly args?: string[];

  /**
   * The user id the container runs as (never root: see `runAsRoot`).
   *
   * @default - cdk8s-plus default: 25000
   */
  readonly user?: number;

  /**
   * Runs the container as root (user 0). Its pods then meet Pod Security "baseline", not "restricted", and its
   * namespace is labelled to enforce "baseline" (a warning says so).
   *
   * @default false
   * @see https://kubernetes.io/docs/concepts/security/pod-security-standards/
   */
  readonly runAsRoot?: boolean;

  /**
   * Lets the container's processes gain more privileges than their parent (setuid programs, file capabilities).
   * Its pods then meet Pod Security "baseline", not "restricted" (a warning says so).
   *
   * @default false
   */
  readonly allowPrivilegeEscalation?: boolean;

  /**
   * Capabilities given back to the container, which otherwise drops them all. `NET_BIND_SERVICE` alone keeps
   * Pod Security "restricted"; the ones "baseline" allows (e.g. `CHOWN`, `SETUID`) make the namespace "baseline";
   * any other (e.g. `NET_ADMIN`) "privileged". Each is a warning.
   *
   * @default - none: every capability is dropped
   */
  readonly addCapabilities?: LinuxCapability[];

  /**
   * The container's seccomp profile. `SeccompProfile.unconfined()` makes the namespace Pod Security "privileged";
   * `SeccompProfile.localhost()` keeps "restricted" (both are warnings).
   *
   * @default SeccompProfile.runtimeDefault()
   */
  readonly seccompProfile?: SeccompProfile;

  /**
   * Whether the container's root filesystem is read-only. Prefer `writablePaths`; a writable root filesystem
   * is a warning (Pod Security "restricted" does not ask for it, so the namespace's level stays).
   *
   * @default true
   */
  readonly readOnlyRootFilesystem?: boolean;

  /**
   * When the image is pulled.
   *
   * @default kplus.ImagePullPolicy.ALWAYS
   */
  readonly imagePullPolicy?: kplus.ImagePullPolicy;

  /**
   * Annotations of the pods.
   *
   * @default - none
   */
  readonly podAnnotations?: { [key: string]: string };

  /**
   * Connection settings for this version only (its DestinationRule subset's `trafficPolicy`; with the Gateway API,
   * the DestinationRule of its own Service): each given field replaces the service's. Timeouts and retries are
   * route settings: give them to a `TrafficSplit` route to the version.
   *
   * @default - the service's settings
   * @see https://istio.io/latest/docs/reference/config/networking/destination-rule/#Subset
   */
  readonly trafficPolicy?: DestinationPolicyOptions;
}

/**
 * Properties of a `MeshServiceVersion`.
 */
export interface MeshServiceVersionProps extends VersionOptions {
  /** The service this is a version of. */
  readonly service: MeshService;
  /** The version name (the pods' `version` label). */
  readonly versionName: string;
}

/**
 * One version of a service: a Deployment whose pods are enrolled in the mesh. Create with `MeshService.addVersion()`.
 */
export class MeshServiceVersion extends Construct {
  /** The version name. */
  public readonly versionName: string;
  /** The Deployment. */
  public readonly resource: kplus.Deployment;
  /** The labels of its pods that identify it. */
  public readonly selectorLabels: { [key: string]: string };
  /**
   * The Pod Security level its pods meet (its namespace enforces the weakest of its pods').
   *
   * @internal
   */
  public readonly _podSecurityLevel: PodSecurityLevel;

  public constructor(scope: Construct, id: string, props: MeshServiceVersionProps) {
    super(scope, id);
    // From JavaScript the props may be missing altogether: each required one is then reported as missing.
    props = props ?? {} as MeshServiceVersionProps;
    const service = requiredService(this, 'service', props.service, 'give the service it is a version of, or use MeshService.addVersion()');
    checkOwnService(this, meshOf(this), service);
    this.versionName = props.versionName;
    let replicas = props.replicas ?? 1;
    if (!checkType(this, 'replicas', props.replicas, 'number')) {
      replicas = 1;
    } else if (!Number.isInteger(replicas) || replicas < 0) {
      reportError(this, 'MESH0014', `replicas ${replicas} is invalid: use a whole number of at least 0`);
      replicas = 1;
    } else if (!validateInt32(this, 'replicas', replicas, 0)) {
      replicas = 1;
    }
    if (!props.image) {
      reportError(this, 'MESH0015', 'image is empty: name the container image of this version');
    } else {
      validateImageReference(this, 'image', props.image);
    }
    // env from JavaScript may be no map at all (a string's characters would read as variables '0', '1'...).
    const envIsMap = typeof props.env === 'object' && props.env !== null && !Array.isArray(props.env);
    if (envIsMap) {
      validateEnvNames(this, 'env', props.env);
    }
    checkStringMap(this, 'env', props.env);
    if (envIsMap) {
      validateNotSidecarEnv(this, props.env);
    }
    checkStringMap(this, 'podAnnotations', props.podAnnotations);
    checkStringList(this, 'command', props.command);
    checkStringList(this, 'args', props.args);
    checkEnum(this, 'imagePullPolicy', props.imagePullPolicy, kplus.ImagePullPolicy as unknown as { [m: string]: string }, 'ImagePullPolicy');
    validateResources(this, 'resources', props.resources);
    validateAnnotations(this, 'podAnnotations', props.podAnnotations);
    validateAppArmorAnnotations(this, props.podAnnotations);
    let user = props.user;
    if (user === 0 && props.runAsRoot === true) {
      // Both say root: runAsRoot is what says it.
      user = undefined;
    } else if (user === 0) {
      reportError(this, 'MESH0016', 'user 0 is root: workloads run as non-root, use another user id (or runAsRoot: true if the image must run as root)');
      user = undefined;
    } else if (!validateInt32(this, 'user', user, 1)) {
      // Kubernetes takes user ids from 0 to 2147483647 (runAsUser).
      user = undefined;
    }
    const security = workloadSecurity(this, { ...props, user }, service.namespace);
    this._podSecurityLevel = security.level;
    this.selectorLabels = { app: service.serviceName, version: this.versionName };
    const podAnnotations = { ...props.podAnnotations };
    const injection = injectionMetadata(this, service, podAnnotations);

    this.resource = new kplus.Deployment(this, 'Resource', {
      metadata: { name: `${service.serviceName}-${this.versionName}`, namespace: service.namespace, labels: { ...this.selectorLabels } },
      replicas,
      select: false,
      serviceAccount: service.serviceAccount,
      securityContext: { ensureNonRoot: !security.runAsRoot },
      podMetadata: {
        labels: { ...this.selectorLabels, ...injection.labels },
        annotations: { ...podAnnotations, ...injection.annotations },
      },
    });
    this.resource.select(kplus.LabelSelector.of({ labels: this.selectorLabels }));
    // cdk8s-plus labels every pod template with its construct address (a hashed value) even when the
    // workload selects by other labels; pods here are selected by app and version only.
    ApiObject.of(this.resource).addJsonPatch(JsonPatch.remove('/spec/template/metadata/labels/cdk8s.io~1metadata.addr'));
    if (service.injection.isExplicit) {
      InjectedDeployment.replace(this.resource, service);
    }

    const env: { [name: string]: kplus.EnvValue } = {};
    for (const [key, value] of Object.entries(props.env ?? {}).sort(([a], [b]) => a.localeCompare(b))) {
      env[key] = kplus.EnvValue.fromValue(value);
    }
    const container = this.resource.addContainer({
      name: service.serviceName,
      image: props.image,
      imagePullPolicy: props.imagePullPolicy,
      ports: uniqueTargetPorts(service.ports).map(number => ({ number })),
      envVariables: env,
      resources: props.resources,
      command: props.command,
      args: props.args,
      securityContext: {
        user: security.runAsRoot ? 0 : user,
        ensureNonRoot: !security.runAsRoot,
        allowPrivilegeEscalation: security.allowPrivilegeEscalation,
        readOnlyRootFilesystem: security.readOnlyRootFilesystem,
      },
    });
    // What cdk8s-plus cannot say: capabilities as Kubernetes names them (its enum adds a 'CAP_' prefix, which
    // Pod Security does not recognize, and has no 'ALL') and seccomp profiles. The version's container is the first.
    const deployment = ApiObject.of(this.resource);
    deployment.addJsonPatch(JsonPatch.add('/spec/template/spec/securityContext/seccompProfile', restrictedPodSecurityContext().seccompProfile));
    deployment.addJsonPatch(JsonPatch.add('/spec/template/spec/containers/0/securityContext/capabilities', {
      ...security.addCapabilities.length > 0 ? { add: security.addCapabilities } : {},
      drop: ['ALL'],
    }));
    if (security.seccompProfile) {
      deployment.addJsonPatch(JsonPatch.add('/spec/template/spec/containers/0/securityContext/seccompProfile', security.seccompProfile));
    }
    // Containers added later (version.resource.addContainer()) get cdk8s-plus's security context, which cannot drop
    // capabilities: each that says nothing of them drops them all, or the namespace's "restricted" would refuse the pod.
    const render = deployment.toJson.bind(deployment);
    deployment.toJson = () => withCapabilitiesDropped(render());
    (props.writablePaths ?? []).forEach((path, i, paths) => {
      if (!path.startsWith('/')) {
        reportError(this, 'MESH0017', `writablePaths '${path}' is not an absolute path: start it with '/'`);
        return;
      }
      // An empty volume mounted on '/' would hide the whole image: the container would have nothing to run.
      if (/^\/+$/.test(path)) {
        reportError(this, 'MESH0017', `writablePaths '${path}' is the root directory: an empty volume there hides the whole image, list the directories the application writes to (e.g. '/tmp')`);
        return;
      }
      // Kubernetes refuses two volume mounts at one path.
      if (paths.indexOf(path) !== i) {
        if (paths.indexOf(path, paths.indexOf(path) + 1) === i) {
          reportError(this, 'MESH0017', `writablePaths lists '${path}' twice: list each path once`);
        }
        return;
      }
      const volume = kplus.Volume.fromEmptyDir(this, `Writable${i}`, `writable-${i}`);
      container.mount(path, volume);
    });
  }
}

/**
 * The labels and annotations that select a service's injection: the webhook of its control plane's
 * revision (and its template, when its proxy settings are its own), or none for an explicit sidecar.
 * An opt-out annotation in `podAnnotations` is reported and removed from it.
 */
/** Variables of Istio's sidecar: set on the application's container they configure nothing. */
function validateNotSidecarEnv(scope: IConstruct, env: { [name: string]: string } | undefined): void {
  for (const name of Object.keys(env ?? {}).filter(n => /^(ISTIO_|PILOT_|PROXY_CONFIG$)/.test(n))) {
    reportWarning(scope, 'MESH0049', `env '${name}' is a variable of Istio's sidecar, but env sets the application's container, not the sidecar's: configure the proxy with the service's proxy options, or rename the variable`);
  }
}

function injectionMetadata(
  scope: IConstruct,
  service: MeshService,
  podAnnotations: { [key: string]: string },
): { labels: { [key: string]: string }; annotations: { [key: string]: string } } {
  const optOut = podAnnotations['sidecar.istio.io/inject'];
  if (optOut !== undefined) {
    const fix = service.injection.isExplicit
      ? 'explicit injection already writes the sidecar and opts the pods out of the webhook: drop the annotation'
      : "to keep the webhook's sidecar out, drop the annotation and use Injection.explicit(), or leave the service out of the mesh";
    reportError(scope, 'MESH0018', `podAnnotations sets 'sidecar.istio.io/inject: ${optOut}' on a service with ${service.injection.isExplicit ? 'explicit' : 'webhook'} injection: ${fix}`);
    delete podAnnotations['sidecar.istio.io/inject'];
  }
  if (service.injection.isExplicit) {
    return { labels: { 'sidecar.istio.io/inject': 'false' }, annotations: {} };
  }
  // The control plane (and so the template) is decided at synth, when every revision is known: a value
  // that resolves to undefined leaves its key out.
  const lazy = (produce: () => string | undefined): string => Lazy.any({ produce });
  return {
    labels: {
      'sidecar.istio.io/inject': 'true',
      'istio.io/rev': lazy(() => service.controlPlane.revision || undefined),
    },
    annotations: {
      'inject.istio.io/templates': lazy(() => service._templateName !== 'sidecar' ? service._templateName : undefined),
      // istiod puts the proxy first among the containers when the pod's proxy config asks it to.
      'proxy.istio.io/config': lazy(() => {
        const settings = service._proxySettings;
        const hold = settings.holdApplicationUntilProxyStarts && !settings.nativeSidecar;
        return hold ? JSON.stringify({ holdApplicationUntilProxyStarts: true }) : undefined;
      }),
    },
  };
}

/**
 * The Deployment of a version whose sidecar is explicit: what cdk8s-plus renders for it, with the proxy written
 * in. Explicit injection works on the finished manifest, as `istioctl kube-inject` does, so that it sees every
 * container and port, including ones added to the Deployment after the version was made.
 *
 * Why it replaces an object instead of being the only one: the version's `resource` stays a cdk8s-plus
 * `Deployment`, whose API builds the pod (containers, volumes, the restricted security context) and lets users
 * extend it; but cdk8s-plus makes the Deployment's API object (a `KubeDeployment`) in its own constructor, with no
 * way to choose its class. So this object takes that one's place in the construct tree (the same id, so the same
 * path; the Deployment has no other API object, so the same place in the output) and renders through it. The
 * cdk8s-plus object stays the Deployment's API object and default child, so its metadata, its JSON patches and
 * `ApiObject.of(version.resource)` work as on any Deployment. One thing does not carry over: cdk8s finds
 * dependencies in the tree, so a dependency goes on `version.resource` (the construct), not on its API object.
 */
class InjectedDeployment extends ApiObject {
  /**
   * Renders `deployment` with the sidecar of `service` written in.
   */
  public static replace(deployment: kplus.Deployment, service: MeshService): InjectedDeployment {
    const rendered = ApiObject.of(deployment);
    const id = rendered.node.id;
    deployment.node.tryRemoveChild(id);
    const injected = new InjectedDeployment(deployment, id, rendered, service);
    deployment.node.defaultChild = rendered;
    return injected;
  }

  private constructor(scope: Construct, id: string, private readonly rendered: ApiObject, private readonly service: MeshService) {
    super(scope, id, {
      apiVersion: rendered.apiVersion,
      kind: rendered.kind,
      metadata: { name: rendered.name, namespace: rendered.metadata.namespace },
    });
  }

  /**
   * The manifest cdk8s-plus renders, with the sidecar written in: the control plane and the proxy settings are
   * read now, when every revision is known.
   */
  public toJson(): any {
    return injectManifest(this.rendered.toJson(), this.service.controlPlane._sidecarEnvironment, this.service._proxySettings);
  }
}

/** The prefix of the annotations that choose a container's AppArmor profile (Kubernetes before 1.30). */
const APPARMOR_ANNOTATION = 'container.apparmor.security.beta.kubernetes.io/';

/**
 * Reports (MESH0231) each AppArmor annotation of `podAnnotations` with a profile Pod Security 'baseline'
 * forbids (anything but 'runtime/default' or 'localhost/<profile>'): the namespace's label would refuse the
 * pods, as the version's model does not relax Pod Security through annotations.
 *
 * @see https://kubernetes.io/docs/concepts/security/pod-security-standards/#baseline
 */
function validateAppArmorAnnotations(scope: IConstruct, podAnnotations: { [key: string]: string } | undefined): void {
  if (typeof podAnnotations !== 'object' || podAnnotations === null) {
    return;
  }
  for (const [key, value] of Object.entries(podAnnotations)) {
    if (key.startsWith(APPARMOR_ANNOTATION) && typeof value === 'string' && value !== '' && value !== 'runtime/default' && !value.startsWith('localhost/')) {
      reportError(scope, 'MESH0231', `podAnnotations '${key}' is '${value}', an AppArmor profile Pod Security 'baseline' forbids, so the namespace would refuse the pods: use 'runtime/default' or a profile loaded on the nodes ('localhost/<profile>'), or drop the annotation`);
    }
  }
}

import { Size } from 'cdk8s';
import { ContainerResources, k8s } from 'cdk8s-plus-27';
import { Construct, IConstruct } from 'constructs';
import type { ControlPlane } from './control-plane';
import type { CniOptions } from './control-plane-options';
import type { Rule } from './rbac';
import type { MeshCode } from '../analysis/codes';
import { Severity } from '../analysis/finding';
import { layerOf, layerScope, MeshLayer } from '../layers';
import type { IMesh } from '../mesh-identity';
import { ensureNamespace, meshPodsIn } from '../namespaces';
import { checkStringList, checkType, quoted } from '../private/enums';
import { reportError, reportWarning } from '../private/errors';
import { ISTIO_LOG_LEVELS, istioLogLevelProblem } from '../private/istio-rules';
import { SYSTEM_NAMESPACES, validateResources } from '../private/kubernetes-rules';
import { validateDnsLabel } from '../private/names';
import { cpuQuantity, memoryQuantity } from '../private/quantities';
import { isKind, whenAnnounced } from '../private/tree';
import { meshWorkloads } from '../sidecar/workload';

/*
 * The Istio CNI node agent, as Istio 1.30's `istio-cni` chart installs it with its default values (sidecar
 * mode: ambient off, chained to the cluster's own CNI plugin, pod repair on).
 */

/** The construct id of a mesh's agent, in its control-plane layer. */
const ID = 'istio-cni';
/** The DaemonSet's name: the CNI plugin recognises the agent's own pods by it (`istio-cni-node-*`). */
const DAEMONSET_NAME = 'istio-cni-node';
/** The init container the sidecar has when CNI captures its traffic: the agent repairs pods where it failed. */
const VALIDATION_CONTAINER = 'istio-validation';

/** What the agent reads: pods (for their capture settings), nodes and namespaces. */
const AGENT_RULES: Rule[] = [{ apiGroups: [''], resources: ['pods', 'nodes', 'namespaces'], verbs: ['get', 'list', 'watch'] }];
/** What pod repair needs: the pods whose capture failed, and events about them. */
const REPAIR_RULES: Rule[] = [
  { apiGroups: [''], resources: ['events'], verbs: ['create', 'patch'] },
  { apiGroups: [''], resources: ['pods'], verbs: ['watch', 'get', 'list'] },
];

/**
 * The capabilities the agent adds to the ones it drops, each for what it does on the node: NET_ADMIN and
 * NET_RAW for iptables in pods' network namespaces, SYS_PTRACE and SYS_ADMIN to enter those namespaces through
 * `/proc` (pod repair), DAC_OVERRIDE to write the CNI plugin and its config into host directories owned by others.
 */
const AGENT_CAPABILITIES = ['NET_ADMIN', 'NET_RAW', 'SYS_PTRACE', 'SYS_ADMIN', 'DAC_OVERRIDE'];

/**
 * The Istio CNI node agent of a mesh: checks the mesh's `cni` options when the mesh is created, and renders
 * the agent (service account, ConfigMap, RBAC, DaemonSet) in the control-plane layer once a control plane
 * uses CNI, unless the options say someone else installs it.
 *
 * @internal
 */
export class CniAgent extends Construct {
  /** The agent of a mesh (every mesh has one, rendered or not). */
  public static of(mesh: IMesh): CniAgent | undefined {
    return layerScope(mesh, MeshLayer.CONTROL_PLANE).node.tryFindChild(ID) as CniAgent | undefined;
  }

  /**
   * Declares the agent of a mesh, with the options of its `cni` prop.
   */
  public static forMesh(mesh: IMesh, options: CniOptions | undefined): CniAgent {
    return new CniAgent(layerOf(mesh, MeshLayer.CONTROL_PLANE), ID, mesh, options);
  }

  /** Whether the mesh installs the agent (when a control plane uses it). */
  public readonly install: boolean;
  /** Whether the program said where the agent runs. */
  private readonly namespaceGiven: boolean;
  /** The agent's namespace. */
  public readonly namespace: string;
  /** The agent's log levels. */
  public readonly logLevel: string;
  /** The namespaces the CNI plugin leaves alone, as the ConfigMap lists them. */
  public readonly excludeNamespaces: string[];
  /** The options the program gave, by name (for what has no effect). */
  private readonly given: string[];
  /** The namespaces cni.excludeNamespaces lists. */
  private readonly listedExcluded: string[];
  private readonly options: CniOptions;
  /** Whether a control plane uses CNI. */
  private served = false;

  private constructor(scope: Construct, id: string, private readonly mesh: IMesh, options: CniOptions | undefined) {
    super(scope, id);
    if (options !== undefined && (typeof options !== 'object' || options === null || Array.isArray(options))) {
      // From JavaScript, `cni: true` reads as "use CNI", which is each control plane's own `cni`.
      reportError(mesh, 'MESH0088', `cni ${quoted(options)} is not CniOptions: give an object such as { namespace: 'istio-cni' }; whether pods use CNI is each control plane's cni, e.g. controlPlane: { cni: true }`);
      options = undefined;
    }
    const o: CniOptions = options ?? {};
    this.options = o;
    whenAnnounced(mesh, added => {
      if (isKind(added, 'ControlPlane') && (added as ControlPlane).cni) {
        this.serve(added as ControlPlane);
      }
    });
    this.given = (['install', 'namespace', 'logLevel', 'resources', 'excludeNamespaces'] as const).filter(k => o[k] !== undefined);
    this.install = checkType(mesh, 'cni.install', o.install, 'boolean') ? o.install ?? true : true;
    // Where the agent runs: the mesh's own in a namespace of its own; an agent the cluster already runs where
    // cni.namespace says, else where Istio's chart puts it, the root namespace.
    this.namespaceGiven = o.namespace !== undefined;
    this.namespace = this.namespaceGiven ? validateDnsLabel(mesh, 'cni.namespace', o.namespace as string) : this.install ? 'istio-cni' : mesh.rootNamespace;
    if (this.install && this.namespace === mesh.rootNamespace) {
      reportError(mesh, 'MESH0083', `cni.namespace '${this.namespace}' is the mesh's root namespace, where istiod runs: the namespace would have to admit the agent's privileged pods, `
        + "and so any other, give the agent a namespace of its own (e.g. 'istio-cni')");
    }
    this.logLevel = o.logLevel ?? 'info';
    const logLevelProblem = istioLogLevelProblem(this.logLevel);
    if (logLevelProblem?.level !== undefined) {
      reportError(mesh, 'MESH0087', `cni.logLevel '${this.logLevel}' has the level '${logLevelProblem.level}', which the CNI agent does not know: use ${ISTIO_LOG_LEVELS.join(', ')}`);
      this.logLevel = 'info';
    } else if (logLevelProblem) {
      reportError(mesh, 'MESH0087', `cni.logLevel ${quoted(this.logLevel)} is invalid: write '<scope>:<level>' pairs (or one level) separated by commas, e.g. 'default:info,cni:debug'`);
      this.logLevel = 'info';
    }
    validateResources(mesh, 'cni.resources', o.resources);
    const excluded = checkStringList(mesh, 'cni.excludeNamespaces', o.excludeNamespaces) ? o.excludeNamespaces ?? [] : [];
    excluded.forEach((ns, i) => validateDnsLabel(mesh, `cni.excludeNamespaces[${i}]`, ns));
    this.listedExcluded = excluded;
    // kube-system as Istio's chart; the agent's own, so that its pods start without the plugin asking the API
    // server about them (the plugin's credentials are written by the agent).
    this.excludeNamespaces = [...new Set(['kube-system', this.namespace, ...excluded])];
    const ignored = this.given.filter(k => k !== 'install' && k !== 'namespace');
    if (!this.install && ignored.length > 0) {
      reportWarning(mesh, 'MESH0086', `${props(ignored)} set, but cni.install is false: the mesh does not install the CNI agent, so ${ignored.length > 1 ? 'they have' : 'it has'} no effect, `
        + `configure the agent where it is installed, or drop ${ignored.map(k => `cni.${k}`).join(' and ')}`);
    }
  }

  /**
   * The whole-mesh checks of the agent's options: what the program may have written anywhere.
   *
   * @internal
   */
  public _check(report: (code: MeshCode, severity: Severity, scope: IConstruct, message: string) => void): void {
    if (!this.served) {
      if (this.given.length > 0) {
        report('MESH0086', Severity.WARNING, this.mesh, `${props(this.given)} set, but no control plane uses CNI (each has cni: false), so the mesh installs no CNI agent `
          + `and ${this.given.length > 1 ? 'they have' : 'it has'} no effect: set cni on a control plane, or drop ${this.given.map(k => `cni.${k}`).join(' and ')}`);
      }
      return;
    }
    // The root namespace is MESH0083 already.
    if (!this.install || this.namespace === this.mesh.rootNamespace) {
      return;
    }
    // (an agent's own pods aside: a Mesh inside this one, MESH0045, has one too)
    const pods = meshPodsIn(this.mesh, this.namespace).filter(c => !c.node.scopes.some(s => s instanceof CniAgent));
    const workload = meshWorkloads(this.mesh).find(w => w.namespace === this.namespace);
    if (workload || pods.length > 0) {
      const what = workload ? `service '${workload.serviceName}'` : `${pods[0].kind} '${pods[0].name}'`;
      report('MESH0084', Severity.ERROR, this.mesh, `cni.namespace '${this.namespace}' also holds ${what}: the namespace would have to admit the agent's privileged pods, `
        + "and so theirs, give the agent a namespace of its own (e.g. 'istio-cni')");
    }
    // Pods of a namespace the plugin leaves out are never captured: those of a control plane with CNI would not start.
    const reported = new Set<string>();
    const excluded = this.excludeNamespaces.filter(ns => ns !== this.namespace);
    // (a webhook-injected service in a system namespace is never injected at all: MESH0079 says so)
    const uncaptured = meshWorkloads(this.mesh).filter(x => x.controlPlane.cni && excluded.includes(x.namespace)
      && (x.explicit || !SYSTEM_NAMESPACES.includes(x.namespace)));
    for (const w of uncaptured) {
      if (!reported.has(w.namespace)) {
        reported.add(w.namespace);
        const listed = this.listedExcluded.includes(w.namespace) && w.namespace !== 'kube-system';
        report('MESH0085', Severity.ERROR, this.mesh, `namespace '${w.namespace}' is left out by the CNI plugin (${listed ? 'cni.excludeNamespaces lists it' : 'Istio leaves kube-system out'}), `
          + `and service '${w.serviceName}' there gets its sidecar from revision '${w.controlPlane.revisionLabel}', which uses CNI: nothing would capture its pods' traffic `
          + `and istio-validation would stop them, ${listed ? `remove '${w.namespace}' from cni.excludeNamespaces` : 'put the service in another namespace'}, `
          + 'or set cni: false on that control plane');
      }
    }
  }

  /** Called for each control plane that uses CNI: the first has the agent rendered (unless the mesh does not install it). */
  private serve(controlPlane: ControlPlane): void {
    if (this.served) {
      return;
    }
    this.served = true;
    if (this.install) {
      this.render(controlPlane);
    } else {
      this.declareExisting();
    }
  }

  /**
   * An agent the cluster already runs: its namespace must admit privileged pods, or they are refused when they
   * are next made (a new node, a rollout).
   */
  private declareExisting(): void {
    if (SYSTEM_NAMESPACES.includes(this.namespace)) {
      return;
    }
    ensureNamespace(this.mesh, this.namespace, false).podSecurityNeeds.push({
      level: 'privileged',
      reason: 'the Istio CNI node agent the cluster runs (cni.install is false) runs privileged pods here',
    });
    if (!this.namespaceGiven) {
      reportWarning(this.mesh, 'MESH0264', `cni.install is false and cni.namespace does not say where the cluster's CNI agent runs: the mesh assumes the root namespace '${this.namespace}' `
        + "(where Istio's chart installs it) and labels it privileged so the agent's pods are admitted, give cni.namespace (e.g. 'kube-system' or 'istio-cni')");
    }
  }

  private render(controlPlane: ControlPlane): void {
    const namespace = this.namespace;
    if (!SYSTEM_NAMESPACES.includes(namespace)) {
      ensureNamespace(this.mesh, namespace, false).podSecurityNeeds.push({
        level: 'privileged',
        reason: `the Istio CNI node agent runs as root with the capabilities ${AGENT_CAPABILITIES.slice(0, -1).join(', ')} and ${AGENT_CAPABILITIES.slice(-1)}, `
          + 'and mounts host paths, to set up the traffic capture of pods on each node',
      });
    }
    const labels = (app: { [key: string]: string }) => ({
      ...app,
      'app.kubernetes.io/managed-by': 'cdk8s-mesh',
      'app.kubernetes.io/name': 'istio-cni',
      'app.kubernetes.io/part-of': 'istio',
      'app.kubernetes.io/version': controlPlane.tag,
      'istio.io/rev': 'default',
    });
    const meta = (name: string, app: { [key: string]: string } = { app: 'istio-cni' }) => ({ name, namespace, labels: labels(app) });
    const clusterMeta = (name: string, app: { [key: string]: string } = { app: 'istio-cni' }) => ({ name, labels: labels(app) });
    const serviceAccount = { kind: 'ServiceAccount', name: 'istio-cni', namespace };

    new k8s.KubeServiceAccount(this, 'ServiceAccount', { metadata: meta('istio-cni') });
    new k8s.KubeConfigMap(this, 'ConfigMap', { metadata: meta('istio-cni-config'), data: this.config(controlPlane) });
    new k8s.KubeClusterRole(this, 'ClusterRole', { metadata: clusterMeta('istio-cni'), rules: AGENT_RULES });
    new k8s.KubeClusterRole(this, 'RepairRole', { metadata: clusterMeta('istio-cni-repair-role'), rules: REPAIR_RULES });
    new k8s.KubeClusterRoleBinding(this, 'ClusterRoleBinding', {
      metadata: clusterMeta('istio-cni'),
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'istio-cni' },
      subjects: [serviceAccount],
    });
    new k8s.KubeClusterRoleBinding(this, 'RepairRoleBinding', {
      metadata: clusterMeta('istio-cni-repair-rolebinding', { 'k8s-app': 'istio-cni-repair' }),
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'istio-cni-repair-role' },
      subjects: [serviceAccount],
    });
    this.daemonSet(controlPlane, meta(DAEMONSET_NAME, { 'k8s-app': DAEMONSET_NAME }));
  }

  /** The agent's settings (its environment): sidecar mode, chained to the cluster's CNI plugin, pods repaired in place. */
  private config(controlPlane: ControlPlane): { [key: string]: string } {
    return {
      CURRENT_AGENT_VERSION: controlPlane.tag,
      AMBIENT_ENABLED: 'false',
      // The chart's default selector, unused while ambient is off (the agent still parses it).
      AMBIENT_ENABLEMENT_SELECTOR: [
        '- podSelector:',
        '    matchLabels:',
        '      istio.io/dataplane-mode: ambient',
        '- namespaceSelector:',
        '    matchLabels:',
        '      istio.io/dataplane-mode: ambient',
        '  podSelector:',
        '    matchExpressions:',
        '    - key: istio.io/dataplane-mode',
        '      operator: NotIn',
        '      values:',
        '      - none',
      ].join('\n'),
      AMBIENT_DNS_CAPTURE: 'true',
      AMBIENT_IPV6: 'true',
      AMBIENT_RECONCILE_POD_RULES_ON_STARTUP: 'true',
      ENABLE_AMBIENT_DETECTION_RETRY: 'false',
      ISTIO_OWNED_CNI_CONFIG: 'false',
      CHAINED_CNI_PLUGIN: 'true',
      EXCLUDE_NAMESPACES: this.excludeNamespaces.join(','),
      REPAIR_ENABLED: 'true',
      REPAIR_LABEL_PODS: 'false',
      REPAIR_DELETE_PODS: 'false',
      REPAIR_REPAIR_PODS: 'true',
      REPAIR_INIT_CONTAINER_NAME: VALIDATION_CONTAINER,
      REPAIR_BROKEN_POD_LABEL_KEY: 'cni.istio.io/uninitialized',
      REPAIR_BROKEN_POD_LABEL_VALUE: 'true',
      NATIVE_NFTABLES: 'false',
    };
  }

  private daemonSet(controlPlane: ControlPlane, metadata: k8s.ObjectMeta): void {
    const fieldRef = (fieldPath: string, apiVersion?: string) => ({ valueFrom: { fieldRef: { apiVersion, fieldPath } } });
    const resourceRef = (resource: string) => ({ valueFrom: { resourceFieldRef: { resource, divisor: k8s.Quantity.fromString('1') } } });
    const { requests, limits } = agentResources(this.options.resources);
    const selector = { 'k8s-app': DAEMONSET_NAME };
    const hostPath = (name: string, path: string, type?: string) => ({ name, hostPath: { path, type } });
    new k8s.KubeDaemonSet(this, 'DaemonSet', {
      metadata,
      spec: {
        selector: { matchLabels: selector },
        updateStrategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: k8s.IntOrString.fromNumber(1) } },
        template: {
          metadata: {
            labels: {
              ...selector,
              'sidecar.istio.io/inject': 'false',
              'istio.io/dataplane-mode': 'none',
              'app.kubernetes.io/managed-by': 'cdk8s-mesh',
              'app.kubernetes.io/name': 'istio-cni',
              'app.kubernetes.io/part-of': 'istio',
              'app.kubernetes.io/version': controlPlane.tag,
            },
            annotations: {
              'sidecar.istio.io/inject': 'false',
              'prometheus.io/scrape': 'true',
              'prometheus.io/port': '15014',
              'prometheus.io/path': '/metrics',
              // Kubernetes 1.27 has no appArmorProfile field: the default profile of some nodes blocks what the agent does.
              'container.apparmor.security.beta.kubernetes.io/install-cni': 'unconfined',
            },
          },
          spec: {
            nodeSelector: { 'kubernetes.io/os': 'linux' },
            // Every node, whatever its taints: a node without the agent starts pods whose traffic nobody captures.
            tolerations: [
              { effect: 'NoSchedule', operator: 'Exists' },
              { key: 'CriticalAddonsOnly', operator: 'Exists' },
              { effect: 'NoExecute', operator: 'Exists' },
            ],
            priorityClassName: 'system-node-critical',
            serviceAccountName: 'istio-cni',
            terminationGracePeriodSeconds: 30,
            containers: [{
              name: 'install-cni',
              image: controlPlane._image('install-cni'),
              ports: [{ containerPort: 15014, name: 'metrics', protocol: 'TCP' }],
              readinessProbe: { httpGet: { path: '/readyz', port: k8s.IntOrString.fromNumber(8000) } },
              securityContext: {
                privileged: false,
                runAsGroup: 0,
                runAsUser: 0,
                runAsNonRoot: false,
                capabilities: { drop: ['ALL'], add: AGENT_CAPABILITIES },
              },
              command: ['install-cni'],
              args: [`--log_output_level=${this.logLevel}`],
              envFrom: [{ configMapRef: { name: 'istio-cni-config' } }],
              env: [
                { name: 'REPAIR_NODE_NAME', ...fieldRef('spec.nodeName') },
                { name: 'REPAIR_RUN_AS_DAEMON', value: 'true' },
                { name: 'REPAIR_SIDECAR_ANNOTATION', value: 'sidecar.istio.io/status' },
                { name: 'ALLOW_SWITCH_TO_HOST_NS', value: 'true' },
                { name: 'NODE_NAME', ...fieldRef('spec.nodeName', 'v1') },
                { name: 'GOMEMLIMIT', ...resourceRef('limits.memory') },
                { name: 'GOMAXPROCS', ...resourceRef('limits.cpu') },
                { name: 'POD_NAME', ...fieldRef('metadata.name') },
                { name: 'POD_NAMESPACE', ...fieldRef('metadata.namespace') },
              ],
              volumeMounts: [
                { mountPath: '/host/opt/cni/bin', name: 'cni-bin-dir' },
                { mountPath: '/host/proc', name: 'cni-host-procfs', readOnly: true },
                { mountPath: '/host/etc/cni/net.d', name: 'cni-net-dir' },
                { mountPath: '/var/run/istio-cni', name: 'cni-socket-dir' },
              ],
              resources: {
                requests: Object.keys(requests).length > 0 ? requests : undefined,
                limits: Object.keys(limits).length > 0 ? limits : undefined,
              },
            }],
            volumes: [
              hostPath('cni-bin-dir', '/opt/cni/bin'),
              hostPath('cni-host-procfs', '/proc', 'Directory'),
              hostPath('cni-net-dir', '/etc/cni/net.d'),
              hostPath('cni-socket-dir', '/var/run/istio-cni'),
              // Not mounted in sidecar mode, as in Istio's chart; created if missing, so that it never holds the agent back.
              hostPath('cni-netns-dir', '/var/run/netns', 'DirectoryOrCreate'),
            ],
          },
        },
      },
    });
  }
}

/**
 * The whole-mesh checks of a mesh's CNI agent (see `CniAgent._check`).
 *
 * @internal
 */
export function checkCniAgent(mesh: IMesh, report: (code: MeshCode, severity: Severity, scope: IConstruct, message: string) => void): void {
  CniAgent.of(mesh)?._check(report);
}

/** 'cni.a is' or 'cni.a and cni.b are'. */
function props(names: string[]): string {
  return `${names.map(k => `cni.${k}`).join(' and ')} ${names.length > 1 ? 'are' : 'is'}`;
}

/** Quantities by resource name (cpu, memory, ephemeral-storage). */
type Quantities = { [resource: string]: k8s.Quantity };

/**
 * The agent container's requests and limits. A resource the user sets (its request, its limit or both)
 * replaces the default for it entirely: a default request kept next to a lower limit of the user's would be
 * refused by the API server (with a limit alone, Kubernetes takes the limit as the request). The defaults
 * (100m CPU, 100Mi memory requested) are the Istio chart's.
 */
function agentResources(r: ContainerResources | undefined): { requests: Quantities; limits: Quantities } {
  const requests: Quantities = {};
  const limits: Quantities = {};
  const set = (name: string, request: string | undefined, limit: string | undefined, fallback?: string) => {
    const given = request !== undefined || limit !== undefined;
    const req = given ? request : fallback;
    if (req !== undefined) {
      requests[name] = k8s.Quantity.fromString(req);
    }
    if (limit !== undefined) {
      limits[name] = k8s.Quantity.fromString(limit);
    }
  };
  const memory = (size: Size | undefined) => (size ? memoryQuantity(size) : undefined);
  set('cpu', r?.cpu?.request ? cpuQuantity(r.cpu.request) : undefined, r?.cpu?.limit ? cpuQuantity(r.cpu.limit) : undefined, '100m');
  set('memory', memory(r?.memory?.request), memory(r?.memory?.limit), '100Mi');
  set('ephemeral-storage', memory(r?.ephemeralStorage?.request), memory(r?.ephemeralStorage?.limit));
  return { requests, limits };
}

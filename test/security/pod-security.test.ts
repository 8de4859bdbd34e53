/**
 * Every pod the library writes meets Kubernetes' Pod Security Standard "restricted" unless a version's
 * options relax it, and each namespace is labelled with the level its pods meet. The proof is
 * test/support/pod-security.ts, an implementation of each rule of the standard written apart from the library
 * (its own rules are tested first, here).
 */
import { ApiObject, App, Chart, Testing } from 'cdk8s';
import {
  EgressGateway, IngressGateway, Injection, LinuxCapability, Mesh, MeshAnalyzer, MeshTesting, SeccompProfile,
  TelemetryStack, TracingBackend, VersionOptions,
} from '../../src';
import { ensureNamespace } from '../../src/namespaces';
import { podSecurityFailures, podSecurityLabels, podSecurityViolations, podsOf, PodView, RULES } from '../support/pod-security';
import { validateManifests } from '../support/schemas';
import { allowInvalidOutput, takeFailures } from '../support/strict-synth';
import { newMesh, newService, synthErrors } from '../support/util';

/** A pod that meets "restricted": the smallest one the standard asks for. */
function restrictedPod(): any {
  return {
    securityContext: { runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } },
    containers: [{ name: 'app', image: 'app', securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } } }],
    volumes: [{ name: 'tmp', emptyDir: {} }],
  };
}

const view = (spec: any, annotations: { [key: string]: string } = {}): PodView => ({ spec, annotations });

/** The restricted pod changed by `change`. */
function podWith(change: (spec: any) => void): any {
  const spec = restrictedPod();
  change(spec);
  return spec;
}

const app = (spec: any) => spec.containers[0];

/** Restricted rules that tighten a baseline one: what violates the baseline rule violates them too. */
const SUBSUMED: { [rule: string]: string } = { 'Capabilities': 'Capabilities (restricted)', 'HostPath Volumes': 'Volume Types', 'Seccomp': 'Seccomp (restricted)' };

describe('the Pod Security Standards, as test/support/pod-security.ts checks them', () => {
  test('the smallest restricted pod meets every level', () => {
    expect(podSecurityViolations(view(restrictedPod()), 'restricted')).toEqual([]);
    expect(podSecurityViolations(view({ containers: [{ name: 'app', image: 'app', securityContext: { privileged: true } }] }), 'privileged')).toEqual([]);
  });

  // Each rule: a pod that violates it (and only it, among the rules of its level) and a legal neighbour.
  test.each<[string, 'baseline' | 'restricted', any, any, { [key: string]: string }?]>([
    ['HostProcess', 'baseline', podWith(s => s.securityContext.windowsOptions = { hostProcess: true }), podWith(s => s.securityContext.windowsOptions = { hostProcess: false })],
    ['Host Namespaces', 'baseline', podWith(s => s.hostNetwork = true), podWith(s => s.hostNetwork = false)],
    ['Host Namespaces', 'baseline', podWith(s => s.hostPID = true), podWith(s => s.hostIPC = false)],
    ['Privileged Containers', 'baseline', podWith(s => app(s).securityContext.privileged = true), podWith(s => app(s).securityContext.privileged = false)],
    ['Capabilities', 'baseline', podWith(s => app(s).securityContext.capabilities.add = ['NET_ADMIN']), podWith(s => app(s).securityContext.capabilities.add = ['CHOWN'])],
    ['HostPath Volumes', 'baseline', podWith(s => s.volumes.push({ name: 'host', hostPath: { path: '/' } })), podWith(s => s.volumes.push({ name: 'cfg', configMap: { name: 'c' } }))],
    ['Host Ports', 'baseline', podWith(s => app(s).ports = [{ containerPort: 80, hostPort: 80 }]), podWith(s => app(s).ports = [{ containerPort: 80, hostPort: 0 }])],
    ['AppArmor', 'baseline', podWith(s => app(s).securityContext.appArmorProfile = { type: 'Unconfined' }), podWith(s => app(s).securityContext.appArmorProfile = { type: 'RuntimeDefault' })],
    ['SELinux', 'baseline', podWith(s => s.securityContext.seLinuxOptions = { type: 'spc_t' }), podWith(s => s.securityContext.seLinuxOptions = { type: 'container_t', level: 's0:c1' })],
    ['SELinux', 'baseline', podWith(s => app(s).securityContext.seLinuxOptions = { user: 'system_u' }), podWith(s => app(s).securityContext.seLinuxOptions = { type: 'container_init_t' })],
    ['/proc Mount Type', 'baseline', podWith(s => app(s).securityContext.procMount = 'Unmasked'), podWith(s => app(s).securityContext.procMount = 'Default')],
    ['Seccomp', 'baseline', podWith(s => app(s).securityContext.seccompProfile = { type: 'Unconfined' }), podWith(s => app(s).securityContext.seccompProfile = { type: 'Localhost', localhostProfile: 'p.json' })],
    ['Sysctls', 'baseline', podWith(s => s.securityContext.sysctls = [{ name: 'net.core.somaxconn', value: '1024' }]),
      podWith(s => s.securityContext.sysctls = [{ name: 'net.ipv4.ip_unprivileged_port_start', value: '0' }])],
    ['Volume Types', 'restricted', podWith(s => s.volumes.push({ name: 'nfs', nfs: { server: 'n', path: '/' } })),
      podWith(s => s.volumes.push({ name: 'v', projected: { sources: [] } }, { name: 'p', persistentVolumeClaim: { claimName: 'c' } }))],
    ['Privilege Escalation', 'restricted', podWith(s => delete app(s).securityContext.allowPrivilegeEscalation), podWith(() => undefined)],
    ['Running as Non-root', 'restricted', podWith(s => app(s).securityContext.runAsNonRoot = false), podWith(s => app(s).securityContext.runAsNonRoot = true)],
    ['Running as Non-root', 'restricted', podWith(s => delete s.securityContext.runAsNonRoot), podWith(s => {
      delete s.securityContext.runAsNonRoot;
      app(s).securityContext.runAsNonRoot = true;
    })],
    ['Running as Non-root user', 'restricted', podWith(s => app(s).securityContext.runAsUser = 0), podWith(s => app(s).securityContext.runAsUser = 1000)],
    ['Seccomp (restricted)', 'restricted', podWith(s => delete s.securityContext.seccompProfile), podWith(s => {
      delete s.securityContext.seccompProfile;
      app(s).securityContext.seccompProfile = { type: 'RuntimeDefault' };
    })],
    ['Capabilities (restricted)', 'restricted', podWith(s => app(s).securityContext.capabilities = { drop: ['NET_RAW'] }),
      podWith(s => app(s).securityContext.capabilities.add = ['NET_BIND_SERVICE'])],
    ['Capabilities (restricted)', 'restricted', podWith(s => app(s).securityContext.capabilities.add = ['CHOWN']), podWith(() => undefined)],
  ])('%s (%s): a violating pod and a passing one', (rule, level, violating, passing) => {
    const violated = podSecurityViolations(view(violating), 'restricted').map(v => v.split(':')[0]);
    expect(new Set(violated)).toEqual(new Set([rule, ...SUBSUMED[rule] ? [SUBSUMED[rule]] : []]));
    expect(podSecurityViolations(view(passing), level)).toEqual([]);
    // A restricted rule does not bind a baseline namespace.
    expect(podSecurityViolations(view(violating), 'baseline').length > 0).toBe(level === 'baseline');
    expect(podSecurityViolations(view(violating), 'privileged')).toEqual([]);
  });

  test('every rule of the standard is checked', () => {
    expect(RULES.map(r => `${r.level} ${r.name}`)).toEqual([
      'baseline HostProcess', 'baseline Host Namespaces', 'baseline Privileged Containers', 'baseline Capabilities',
      'baseline HostPath Volumes', 'baseline Host Ports', 'baseline AppArmor', 'baseline SELinux', 'baseline /proc Mount Type',
      'baseline Seccomp', 'baseline Sysctls', 'restricted Volume Types', 'restricted Privilege Escalation', 'restricted Running as Non-root',
      'restricted Running as Non-root user', 'restricted Seccomp (restricted)', 'restricted Capabilities (restricted)',
    ]);
  });

  test('AppArmor annotations: runtime/default and localhost/ are allowed, unconfined is not', () => {
    const key = 'container.apparmor.security.beta.kubernetes.io/app';
    expect(podSecurityViolations(view(restrictedPod(), { [key]: 'unconfined' }), 'baseline')).toEqual([`AppArmor: annotation ${key}: unconfined`]);
    expect(podSecurityViolations(view(restrictedPod(), { [key]: 'localhost/profile' }), 'restricted')).toEqual([]);
  });

  test('init and ephemeral containers are checked like containers', () => {
    const spec = restrictedPod();
    spec.initContainers = [{ name: 'init', image: 'i', securityContext: { privileged: true } }];
    spec.ephemeralContainers = [{ name: 'debug', image: 'd', securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } } }];
    expect(podSecurityViolations(view(spec), 'baseline')).toEqual(['Privileged Containers: initContainers[init].securityContext.privileged']);
  });

  test('a sysctl is judged by the version the namespace names: ip_local_reserved_ports is safe from 1.27, the keepalives from 1.29', () => {
    const pod = view(podWith(s => s.securityContext.sysctls = [{ name: 'net.ipv4.ip_local_reserved_ports', value: '80' }, { name: 'net.ipv4.tcp_keepalive_time', value: '60' }]));
    expect(podSecurityViolations(pod, 'baseline', 'v1.26')).toEqual([
      'Sysctls: spec.securityContext.sysctls net.ipv4.ip_local_reserved_ports', 'Sysctls: spec.securityContext.sysctls net.ipv4.tcp_keepalive_time',
    ]);
    expect(podSecurityViolations(pod, 'baseline', 'v1.27')).toEqual(['Sysctls: spec.securityContext.sysctls net.ipv4.tcp_keepalive_time']);
    expect(podSecurityViolations(pod, 'baseline', 'latest')).toEqual([]);
  });

  test('pod templates of every workload kind are found', () => {
    const template = { metadata: { annotations: { a: 'b' } }, spec: restrictedPod() };
    for (const kind of ['Deployment', 'DaemonSet', 'StatefulSet', 'ReplicaSet', 'Job']) {
      expect(podsOf({ kind, spec: { template } })).toEqual([{ spec: template.spec, annotations: { a: 'b' } }]);
    }
    expect(podsOf({ kind: 'CronJob', spec: { jobTemplate: { spec: { template } } } })).toHaveLength(1);
    expect(podsOf({ kind: 'Pod', spec: restrictedPod() })).toHaveLength(1);
    expect(podsOf({ kind: 'Service', spec: {} })).toEqual([]);
  });

  test('a pod is judged by the enforce label of its namespace, when the namespace is in the output', () => {
    const ns = (name: string, level?: string) => ({ apiVersion: 'v1', kind: 'Namespace', metadata: { name, labels: level ? { 'pod-security.kubernetes.io/enforce': level } : {} } });
    const deployment = (namespace: string) => ({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'root', namespace },
      spec: { selector: { matchLabels: { a: 'b' } }, template: { metadata: { labels: { a: 'b' } }, spec: podWith(s => app(s).securityContext.runAsUser = 0) } },
    });
    const failure = { object: 'apps/v1/Deployment strict/root', errors: ["Pod Security 'restricted' of namespace 'strict': Running as Non-root user: containers[app].securityContext.runAsUser 0"] };
    expect(podSecurityFailures([ns('strict', 'restricted'), deployment('strict')])).toEqual([failure]);
    expect(validateManifests([ns('strict', 'restricted'), deployment('strict')])).toEqual([failure]);
    expect(podSecurityFailures([ns('lax', 'baseline'), deployment('lax')])).toEqual([]);
    expect(podSecurityFailures([ns('open'), deployment('open')])).toEqual([]);
    expect(podSecurityFailures([deployment('strict')])).toEqual([]);
  });
});

/** The namespaces of a mesh's output with the level each enforces. */
function enforced(manifests: any[]): { [namespace: string]: string } {
  return Object.fromEntries(manifests.filter(m => m.kind === 'Namespace').map(n => [n.metadata.name, n.metadata.labels?.['pod-security.kubernetes.io/enforce']]));
}

/** Every pod template of the output that fails "restricted", with why. */
function unrestricted(manifests: any[]): string[] {
  return manifests.flatMap(m => podsOf(m).flatMap(p => podSecurityViolations(p, 'restricted', 'v1.27').map(v => `${m.kind} ${m.metadata.name}: ${v}`)));
}

/** Every kind of pod the library writes, under a control plane with Istio CNI. */
function fullMesh(): Mesh {
  const mesh = new Mesh(Testing.app(), 'mesh', { denyByDefault: false, controlPlane: { cni: true } });
  const web = newService(mesh, 'web', ['v1', 'v2'], { namespace: 'shop' });
  newService(mesh, 'ledger', ['v1'], { namespace: 'back', injection: Injection.explicit() });
  newService(mesh, 'audit', ['v1'], { namespace: 'back', injection: Injection.explicit(), proxy: { nativeSidecar: false } });
  mesh.addControlPlane('canary', { revision: 'canary', cni: true });
  newService(mesh, 'search', ['v1'], { namespace: 'shop', revision: 'canary' });
  const ingress = new IngressGateway(mesh, 'ingress');
  ingress.addRoute({ service: web });
  new EgressGateway(mesh, 'egress');
  new TelemetryStack(mesh, 'Telemetry', { tracing: TracingBackend.jaeger(), kiali: {} });
  return mesh;
}

describe('the pods of a mesh with Istio CNI are restricted', () => {
  let manifests: any[];
  beforeAll(() => {
    manifests = MeshTesting.synth(fullMesh());
  });

  /** The namespaces of the Istio CNI node agent (a DaemonSet): privileged, whatever else runs there. */
  const cniNamespaces = () => new Set<string>(manifests.filter(m => m.kind === 'DaemonSet' && /cni/.test(m.metadata.name)).map(m => m.metadata.namespace));

  test('every namespace enforces restricted, but the Istio CNI node agent\'s', () => {
    const levels = enforced(manifests);
    expect(Object.keys(levels).sort()).toEqual(expect.arrayContaining(['back', 'istio-ingress', 'istio-system', 'shop']));
    for (const [namespace, level] of Object.entries(levels)) {
      expect([namespace, level]).toEqual([namespace, cniNamespaces().has(namespace) ? 'privileged' : 'restricted']);
    }
    expect(manifests.find(m => m.kind === 'Namespace' && m.metadata.name === 'shop').metadata.labels).toMatchObject(podSecurityLabels('restricted'));
  });

  test('every pod template meets restricted: workloads, explicit sidecars, gateways, istiod and the add-ons', () => {
    const pods = manifests.filter(m => podsOf(m).length > 0).map(m => `${m.metadata.namespace}/${m.metadata.name}`);
    expect(pods).toEqual(expect.arrayContaining([
      'istio-system/istiod', 'istio-system/istiod-canary', 'shop/web-v1', 'shop/web-v2', 'shop/search-v1', 'back/ledger-v1', 'back/audit-v1',
      'istio-ingress/ingress', 'istio-system/egress', 'istio-system/prometheus', 'istio-system/grafana', 'istio-system/jaeger', 'istio-system/kiali',
    ]));
    // The agent itself is privileged by design (host network, hostPath volumes): every other pod is restricted.
    expect(unrestricted(manifests.filter(m => !(m.kind === 'DaemonSet' && /cni/.test(m.metadata.name))))).toEqual([]);
    expect(validateManifests(manifests)).toEqual([]);
  });

  test('explicit injection writes the unprivileged istio-validation, not istio-init', () => {
    const ledger = MeshTesting.find(manifests, 'Deployment', 'ledger-v1', 'back').spec.template.spec;
    expect(ledger.initContainers.map((c: any) => c.name)).toEqual(['istio-validation', 'istio-proxy']);
  });

  test("a workload's own container: no capabilities, no privilege escalation, non-root, the runtime's seccomp profile", () => {
    const pod = MeshTesting.find(manifests, 'Deployment', 'web-v1', 'shop').spec.template.spec;
    expect(pod.securityContext).toEqual({ fsGroupChangePolicy: 'Always', runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } });
    expect(pod.containers[0].securityContext).toEqual({
      allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] }, privileged: false, readOnlyRootFilesystem: true, runAsNonRoot: true,
    });
  });

  test('containers added to a version\'s Deployment drop every capability too, with webhook or explicit injection', () => {
    // GIVEN
    const mesh = newMesh({ denyByDefault: false, controlPlane: { cni: true } });
    const web = newService(mesh, 'web', ['v1'], { namespace: 'shop' });
    const ledger = newService(mesh, 'ledger', ['v1'], { namespace: 'shop', injection: Injection.explicit() });

    // WHEN
    for (const version of [...web.versions, ...ledger.versions]) {
      version.resource.addContainer({ name: 'helper', image: 'example/helper:1' });
      version.resource.addInitContainer({ name: 'setup', image: 'example/setup:1' });
    }
    const output = MeshTesting.synth(mesh);

    // THEN
    for (const name of ['web-v1', 'ledger-v1']) {
      const pod = MeshTesting.find(output, 'Deployment', name, 'shop').spec.template.spec;
      const helper = pod.containers.find((c: any) => c.name === 'helper');
      expect(helper.securityContext.capabilities).toEqual({ drop: ['ALL'] });
    }
    expect(unrestricted(output.filter(m => m.metadata.namespace !== 'istio-cni'))).toEqual([]);
    expect(enforced(output).shop).toEqual('restricted');
  });

  test('gateways and istiod set the seccomp profile for the whole pod', () => {
    const gateway = MeshTesting.find(manifests, 'Deployment', 'ingress', 'istio-ingress').spec.template.spec;
    expect(gateway.securityContext).toEqual({
      runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' }, sysctls: [{ name: 'net.ipv4.ip_unprivileged_port_start', value: '0' }],
    });
    expect(MeshTesting.find(manifests, 'Deployment', 'istiod', 'istio-system').spec.template.spec.securityContext).toEqual({
      runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' },
    });
  });
});

describe('without Istio CNI', () => {
  test("istio-init runs as root with NET_ADMIN and NET_RAW: the workloads' namespace enforces privileged, the others restricted", () => {
    // GIVEN
    const mesh = newMesh({ denyByDefault: false, controlPlane: { cni: false } });
    const web = newService(mesh, 'web', ['v1'], { namespace: 'shop' });
    newService(mesh, 'ledger', ['v1'], { namespace: 'back', injection: Injection.explicit() });
    newService(mesh, 'none', [], { namespace: 'empty' });
    new IngressGateway(mesh, 'ingress').addRoute({ service: web });

    // WHEN
    const manifests = MeshTesting.synth(mesh);

    // THEN
    // ('empty' holds no pod of the mesh: a service without versions, so it carries no label)
    expect(enforced(manifests)).toEqual({ 'istio-system': 'restricted', 'shop': 'privileged', 'back': 'privileged', 'empty': undefined, 'istio-ingress': 'restricted' });
    // The label is needed: istio-init fails even baseline.
    const ledger = podsOf(MeshTesting.find(manifests, 'Deployment', 'ledger-v1', 'back'))[0];
    expect(podSecurityViolations(ledger, 'baseline')).toEqual([
      'Capabilities: initContainers[istio-init].securityContext.capabilities.add NET_ADMIN',
      'Capabilities: initContainers[istio-init].securityContext.capabilities.add NET_RAW',
    ]);
  });

  test('a namespace follows the control plane of each of its workloads: one without CNI is enough', () => {
    const mesh = newMesh({ denyByDefault: false, controlPlane: { cni: true } });
    mesh.addControlPlane('legacy', { revision: 'legacy', cni: false });
    newService(mesh, 'web', ['v1'], { namespace: 'shop' });
    newService(mesh, 'old', ['v1'], { namespace: 'shop', revision: 'legacy' });
    newService(mesh, 'new', ['v1'], { namespace: 'modern' });
    expect(enforced(MeshTesting.synth(mesh))).toMatchObject({ shop: 'privileged', modern: 'restricted' });
  });
});

describe('a namespace needing more than its pods show', () => {
  test("podSecurityNeeds weakens the namespace's level (e.g. the Istio CNI node agent's: privileged)", () => {
    const mesh = newMesh({ denyByDefault: false, controlPlane: { cni: true } });
    ensureNamespace(mesh, 'istio-cni', false).podSecurityNeeds.push({ level: 'privileged', reason: 'the Istio CNI node agent' });
    ensureNamespace(mesh, 'tools', false).podSecurityNeeds.push({ level: 'baseline', reason: 'a tool' }, { level: 'restricted', reason: 'another' });
    expect(enforced(MeshTesting.synth(mesh))).toEqual({ 'istio-system': 'restricted', 'istio-cni': 'privileged', 'tools': 'baseline' });
  });
});

/** A mesh with Istio CNI and one version of 'web' in namespace 'shop', with `options`. */
function relaxed(options: Partial<VersionOptions>): { mesh: Mesh; warnings: string[]; level: string; pod: PodView; container: any } {
  const mesh = newMesh({ denyByDefault: false, controlPlane: { cni: true } });
  newService(mesh, 'web', [], { namespace: 'shop' }).addVersion('v1', { image: 'example/web:1', ...options });
  const manifests = MeshTesting.synth(mesh);
  const warnings = MeshAnalyzer.analyze(mesh).filter(f => f.code === 'MESH0225').map(f => `[${f.path}] [${f.code}] ${f.message}`);
  const deployment = MeshTesting.find(manifests, 'Deployment', 'web-v1', 'shop');
  return { mesh, warnings, level: enforced(manifests).shop, pod: podsOf(deployment)[0], container: deployment.spec.template.spec.containers[0] };
}

describe('relaxing a version (MESH0225)', () => {
  test.each<[string, Partial<VersionOptions>, string, string, string[]]>([
    ['runAsRoot', { runAsRoot: true }, 'baseline',
      "runAsRoot true runs the container as root (runAsUser 0): namespace 'shop' falls to Pod Security 'baseline'; run it as a non-root user (user) if its image allows",
      ['Running as Non-root: spec.securityContext.runAsNonRoot false', 'Running as Non-root: containers[web].securityContext.runAsNonRoot',
        'Running as Non-root user: containers[web].securityContext.runAsUser 0']],
    ['allowPrivilegeEscalation', { allowPrivilegeEscalation: true }, 'baseline',
      "allowPrivilegeEscalation true lets the container's processes gain privileges (setuid programs, file capabilities): namespace 'shop' falls to Pod Security 'baseline'; drop it unless the application runs setuid programs",
      ['Privilege Escalation: containers[web].securityContext.allowPrivilegeEscalation']],
    ['addCapabilities (baseline)', { addCapabilities: [LinuxCapability.CHOWN, LinuxCapability.SETUID] }, 'baseline',
      "addCapabilities 'CHOWN', 'SETUID' gives the container capabilities back after dropping them all: namespace 'shop' falls to Pod Security 'baseline'; add only what the application needs (NET_BIND_SERVICE alone keeps 'restricted')",
      ['Capabilities (restricted): containers[web].securityContext.capabilities.add CHOWN', 'Capabilities (restricted): containers[web].securityContext.capabilities.add SETUID']],
    ['addCapabilities (privileged)', { addCapabilities: [LinuxCapability.NET_BIND_SERVICE, LinuxCapability.NET_ADMIN] }, 'privileged',
      "addCapabilities 'NET_BIND_SERVICE', 'NET_ADMIN' gives the container capabilities back after dropping them all: namespace 'shop' falls to Pod Security 'privileged'; add only what the application needs (NET_BIND_SERVICE alone keeps 'restricted')",
      ['Capabilities: containers[web].securityContext.capabilities.add NET_ADMIN', 'Capabilities (restricted): containers[web].securityContext.capabilities.add NET_ADMIN']],
    ['addCapabilities (restricted)', { addCapabilities: [LinuxCapability.NET_BIND_SERVICE] }, 'restricted',
      "addCapabilities 'NET_BIND_SERVICE' gives the container capabilities back after dropping them all: namespace 'shop' stays at Pod Security 'restricted'; add only what the application needs (NET_BIND_SERVICE alone keeps 'restricted')",
      []],
    ['seccompProfile unconfined', { seccompProfile: SeccompProfile.unconfined() }, 'privileged',
      "seccompProfile Unconfined turns seccomp off for the container: every system call is allowed: namespace 'shop' falls to Pod Security 'privileged'; use SeccompProfile.runtimeDefault(), or SeccompProfile.localhost() with a profile that allows what the application needs",
      ['Seccomp: containers[web].securityContext.seccompProfile.type Unconfined', 'Seccomp (restricted): containers[web].securityContext.seccompProfile']],
    ['seccompProfile localhost', { seccompProfile: SeccompProfile.localhost('profiles/web.json') }, 'restricted',
      "seccompProfile Localhost 'profiles/web.json' replaces the runtime's default profile with a file each node must have, which Kubernetes does not check: namespace 'shop' stays at Pod Security 'restricted'; make sure every node has the profile",
      []],
    ['readOnlyRootFilesystem', { readOnlyRootFilesystem: false }, 'restricted',
      "readOnlyRootFilesystem false lets the container write to its image's filesystem: namespace 'shop' stays at Pod Security 'restricted'; list the directories the application writes to in writablePaths instead",
      []],
  ])('%s', (_name, options, level, warning, violations) => {
    const result = relaxed(options);
    expect(synthErrors(result.mesh)).toEqual([]);
    expect(result.warnings).toEqual([`[mesh/web/v1] [MESH0225] ${warning}`]);
    expect(result.level).toEqual(level);
    // The label is the tightest level the pod meets.
    expect(podSecurityViolations(result.pod, 'restricted')).toEqual(violations);
    expect(podSecurityViolations(result.pod, level as any)).toEqual([]);
  });

  test('what each option writes in the container', () => {
    expect(relaxed({ runAsRoot: true }).container.securityContext).toMatchObject({ runAsNonRoot: false, runAsUser: 0 });
    expect(relaxed({ runAsRoot: true, user: 0 }).container.securityContext).toMatchObject({ runAsNonRoot: false, runAsUser: 0 });
    expect(relaxed({ allowPrivilegeEscalation: true }).container.securityContext.allowPrivilegeEscalation).toBe(true);
    expect(relaxed({ readOnlyRootFilesystem: false }).container.securityContext.readOnlyRootFilesystem).toBe(false);
    expect(relaxed({ addCapabilities: [LinuxCapability.NET_BIND_SERVICE, LinuxCapability.NET_BIND_SERVICE] }).container.securityContext.capabilities)
      .toEqual({ add: ['NET_BIND_SERVICE'], drop: ['ALL'] });
    expect(relaxed({ seccompProfile: SeccompProfile.localhost('profiles/web.json') }).container.securityContext.seccompProfile)
      .toEqual({ type: 'Localhost', localhostProfile: 'profiles/web.json' });
  });

  test('the defaults, said explicitly, relax nothing', () => {
    const result = relaxed({
      runAsRoot: false,
      allowPrivilegeEscalation: false,
      readOnlyRootFilesystem: true,
      addCapabilities: [],
      seccompProfile: SeccompProfile.runtimeDefault(),
    });
    expect(result.warnings).toEqual([]);
    expect(result.level).toEqual('restricted');
    expect(result.container.securityContext.seccompProfile).toBeUndefined();
  });

  test('the namespace enforces the weakest level of its versions', () => {
    const mesh = newMesh({ denyByDefault: false, controlPlane: { cni: true } });
    const web = newService(mesh, 'web', [], { namespace: 'shop' });
    web.addVersion('v1', { image: 'example/web:1', runAsRoot: true });
    web.addVersion('v2', { image: 'example/web:2', seccompProfile: SeccompProfile.unconfined() });
    web.addVersion('v3', { image: 'example/web:3' });
    newService(mesh, 'other', ['v1'], { namespace: 'other' });
    expect(enforced(MeshTesting.synth(mesh))).toMatchObject({ shop: 'privileged', other: 'restricted' });
  });
});

describe('relaxations that cannot be used', () => {
  const errorsOf = (options: any) => {
    const mesh = newMesh({ denyByDefault: false, controlPlane: { cni: true } });
    newService(mesh, 'web', []).addVersion('v1', { image: 'example/web:1', ...options });
    return synthErrors(mesh);
  };

  test('fails when user and runAsRoot disagree (MESH0226)', () => {
    expect(errorsOf({ user: 1000, runAsRoot: true })).toEqual([
      '[mesh/web/v1] [MESH0226] user 1000 contradicts runAsRoot true, which runs the container as user 0: drop user, or drop runAsRoot to run as user 1000',
    ]);
    expect(errorsOf({ user: 1000, runAsRoot: false })).toEqual([]);
  });

  test('fails on a name that is not a capability (MESH0227)', () => {
    expect(errorsOf({ addCapabilities: ['CAP_NET_ADMIN', 'ALL', 'SETUID'] })).toEqual([
      "[mesh/web/v1] [MESH0227] addCapabilities 'CAP_NET_ADMIN' is not a Linux capability as Kubernetes names it: drop the 'CAP_' prefix: LinuxCapability.NET_ADMIN ('NET_ADMIN')",
      "[mesh/web/v1] [MESH0227] addCapabilities 'ALL' is not a Linux capability as Kubernetes names it: use a LinuxCapability, e.g. LinuxCapability.NET_BIND_SERVICE",
    ]);
  });

  test('fails on a Localhost profile outside the seccomp directory (MESH0228)', () => {
    expect(() => SeccompProfile.localhost('/etc/seccomp.json')).toThrow(
      "[MESH0228] SeccompProfile.localhost: path '/etc/seccomp.json' leaves the kubelet's seccomp directory: give a path relative to it, without a leading '/' or '..' (e.g. 'profiles/app.json')");
    expect(() => SeccompProfile.localhost('profiles/../../x.json')).toThrow("path 'profiles/../../x.json' leaves the kubelet's seccomp directory");
    expect(() => SeccompProfile.localhost('')).toThrow(
      "[MESH0228] SeccompProfile.localhost: path '' is empty: name the profile's file, relative to the kubelet's seccomp directory (e.g. 'profiles/app.json')");
    expect(SeccompProfile.localhost('profiles/..x.json').localhostProfile).toEqual('profiles/..x.json');
  });

  test('fails on an AppArmor annotation Pod Security forbids (MESH0231)', () => {
    expect(errorsOf({ podAnnotations: { 'container.apparmor.security.beta.kubernetes.io/web': 'unconfined' } })).toEqual([
      "[mesh/web/v1] [MESH0231] podAnnotations 'container.apparmor.security.beta.kubernetes.io/web' is 'unconfined', an AppArmor profile Pod Security 'baseline' forbids, so the namespace would refuse the pods: use 'runtime/default' or a profile loaded on the nodes ('localhost/<profile>'), or drop the annotation",
    ]);
    expect(errorsOf({ podAnnotations: { 'container.apparmor.security.beta.kubernetes.io/istio-proxy': 'docker-default' } })).toEqual([
      "[mesh/web/v1] [MESH0231] podAnnotations 'container.apparmor.security.beta.kubernetes.io/istio-proxy' is 'docker-default', an AppArmor profile Pod Security 'baseline' forbids, so the namespace would refuse the pods: use 'runtime/default' or a profile loaded on the nodes ('localhost/<profile>'), or drop the annotation",
    ]);
  });

  test('AppArmor annotations Pod Security allows pass, and the pods stay restricted', () => {
    for (const profile of ['runtime/default', 'localhost/web-profile']) {
      const mesh = newMesh({ denyByDefault: false, controlPlane: { cni: true } });
      newService(mesh, 'web', []).addVersion('v1', { image: 'example/web:1', podAnnotations: { 'container.apparmor.security.beta.kubernetes.io/web': profile } });
      expect(synthErrors(mesh)).toEqual([]);
      const manifests = MeshTesting.synth(mesh);
      expect(podSecurityFailures(manifests)).toEqual([]);
      expect(validateManifests(manifests)).toEqual([]);
    }
  });

  test('fails on values of the wrong type from JavaScript (MESH0091, MESH0092, MESH0096)', () => {
    expect(errorsOf({ runAsRoot: 'yes', seccompProfile: { type: 'Unconfined' }, addCapabilities: 'NET_ADMIN' })).toEqual([
      "[mesh/web/v1] [MESH0091] runAsRoot 'yes' is a string, not a boolean: give true or false, without quotes",
      "[mesh/web/v1] [MESH0092] addCapabilities 'NET_ADMIN' is not a list: give an array, e.g. ['NET_ADMIN']",
      '[mesh/web/v1] [MESH0096] seccompProfile is not a SeccompProfile: make it with SeccompProfile.runtimeDefault(), SeccompProfile.unconfined() or SeccompProfile.localhost(path)',
    ]);
  });
});

describe('the strict synthesis of every test checks Pod Security across the charts of an app', () => {
  test('a pod the mesh did not write, in a namespace the mesh labels restricted, is refused', () => {
    // GIVEN
    const mesh = newMesh({ denyByDefault: false, controlPlane: { cni: true } });
    newService(mesh, 'web', ['v1'], { namespace: 'shop' });
    const extra = new Chart(mesh.node.root as App, 'extra');
    new ApiObject(extra, 'root', {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'root', namespace: 'shop' },
      spec: { containers: [{ name: 'c', image: 'c', securityContext: { runAsUser: 0 } }] },
    });

    // WHEN
    (mesh.node.root as App).synthYaml();

    // THEN
    const failures = takeFailures().join('\n');
    expect(failures).toContain("v1/Pod shop/root: Pod Security 'restricted' of namespace 'shop': Privilege Escalation: containers[c].securityContext.allowPrivilegeEscalation");
    expect(failures).toContain('Running as Non-root user: containers[c].securityContext.runAsUser 0');
    allowInvalidOutput('the pod above is refused on purpose');
  });
});

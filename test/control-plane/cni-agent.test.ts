import * as fs from 'fs';
import * as path from 'path';
import { Size, Testing } from 'cdk8s';
import { Cpu } from 'cdk8s-plus-27';
import * as YAML from 'yaml';
import { CniOptions, Injection, IngressGateway, Mesh, MeshTesting, Severity } from '../../src';
import { meshNamespaces } from '../../src/namespaces';
import { validateManifests } from '../support/schemas';
import { newMesh, newService, ofKind, synthErrors } from '../support/util';

/** What Istio 1.30.3's `istio-cni` chart installs with its default values (`helm template`, namespace istio-system). */
const REFERENCE: any[] = YAML.parseAllDocuments(
  fs.readFileSync(path.join(__dirname, '..', 'fixtures', 'istio-1.30.3', 'cni', 'istio-cni-default.yaml'), 'utf-8'),
).map(d => d.toJSON()).filter(o => o);

/** Labels of Helm and Istio's installer, and the two whose values are ours (who manages the objects, which version). */
const INSTALLER_LABELS = [
  'release', 'helm.sh/chart', 'install.operator.istio.io/owning-resource', 'operator.istio.io/component',
  'app.kubernetes.io/instance', 'app.kubernetes.io/managed-by', 'app.kubernetes.io/version',
];

/** Every object of a mesh (all its charts). */
function synthAll(mesh: Mesh): any[] {
  return mesh.charts.flatMap(c => Testing.synth(c));
}

/** The CNI agent's objects: the ones named istio-cni* in the control-plane layer. */
function agentObjects(mesh: Mesh): any[] {
  return Testing.synth(mesh.charts.find(c => c.node.id === `${mesh.node.id}-control-plane`)!).filter(o => o.metadata.name.startsWith('istio-cni'));
}

/** The init container the injector gives pods of the default control plane. */
function injectedInit(mesh: Mesh): any {
  const injector = MeshTesting.find(synthAll(mesh), 'ConfigMap', 'istio-sidecar-injector');
  return YAML.parse(YAML.parse(injector.data.config).templates.sidecar).spec.initContainers[0];
}

/** An object without the installer's labels. */
function withoutInstallerLabels(o: any): any {
  const json = JSON.parse(JSON.stringify(o));
  for (const m of [json.metadata, json.spec?.template?.metadata]) {
    if (m?.labels) {
      m.labels = Object.fromEntries(Object.entries(m.labels).filter(([k]) => !INSTALLER_LABELS.includes(k)));
    }
  }
  return json;
}

/** One of our objects as Istio's chart would have written it in istio-system: our namespace, image and version swapped for the chart's. */
function asReference(o: any, namespace: string): any {
  const json = withoutInstallerLabels(JSON.parse(JSON.stringify(o).split(`"namespace":"${namespace}"`).join('"namespace":"istio-system"')));
  for (const c of json.spec?.template?.spec?.containers ?? []) {
    c.image = 'registry.istio.io/testing/install-cni:latest';
  }
  if (json.data?.CURRENT_AGENT_VERSION) {
    json.data.CURRENT_AGENT_VERSION = 'latest';
  }
  return json;
}

describe('the Istio CNI node agent, against Istio\'s istio-cni chart', () => {
  const mesh = newMesh({ denyByDefault: false });
  const objects = agentObjects(mesh);

  test('every object of the chart, and no other', () => {
    const names = (os: any[]) => os.map(o => `${o.kind}/${o.metadata.name}`).sort();
    expect(names(objects)).toEqual(names(REFERENCE));
    expect(names(objects)).toEqual([
      'ClusterRole/istio-cni', 'ClusterRole/istio-cni-repair-role', 'ClusterRoleBinding/istio-cni', 'ClusterRoleBinding/istio-cni-repair-rolebinding',
      'ConfigMap/istio-cni-config', 'DaemonSet/istio-cni-node', 'ServiceAccount/istio-cni',
    ]);
  });

  test.each(REFERENCE.map(o => [`${o.kind}/${o.metadata.name}`, o]))('%s field for field', (_key, reference) => {
    // GIVEN ours, in the agent's namespace (istio-cni), as the chart would have written it in istio-system
    const ours = asReference(MeshTesting.find(objects, reference.kind, reference.metadata.name), 'istio-cni');
    if (reference.kind === 'ConfigMap') {
      // The one value that differs on purpose: the agent's own namespace is left out too (see the next test).
      expect(ours.data.EXCLUDE_NAMESPACES).toEqual('kube-system,istio-cni');
      ours.data.EXCLUDE_NAMESPACES = reference.data.EXCLUDE_NAMESPACES;
    }

    // THEN
    expect(ours).toEqual(withoutInstallerLabels(reference));
  });

  test('in a namespace of its own, which admits privileged pods, and left out by the plugin with kube-system', () => {
    expect(new Set(objects.filter(o => !o.kind.startsWith('Cluster')).map(o => o.metadata.namespace))).toEqual(new Set(['istio-cni']));
    expect(MeshTesting.find(objects, 'ConfigMap', 'istio-cni-config').data.EXCLUDE_NAMESPACES).toEqual('kube-system,istio-cni');
    const ns = meshNamespaces(mesh).find(n => n.namespaceName === 'istio-cni')!;
    expect(ns.injected).toBe(false);
    expect(ns.podSecurityNeeds).toEqual([{
      level: 'privileged',
      reason: 'the Istio CNI node agent runs as root with the capabilities NET_ADMIN, NET_RAW, SYS_PTRACE, SYS_ADMIN and DAC_OVERRIDE, '
        + 'and mounts host paths, to set up the traffic capture of pods on each node',
    }]);
    expect(ofKind(synthAll(mesh), 'Namespace').map(n => n.metadata.name)).toEqual(['istio-system', 'istio-cni']);
  });

  test('the image, version and log level are the mesh\'s', () => {
    const daemonSet = MeshTesting.find(objects, 'DaemonSet', 'istio-cni-node');
    expect(daemonSet.spec.template.spec.containers[0].image).toEqual('docker.io/istio/install-cni:1.30.3');
    expect(daemonSet.spec.template.spec.containers[0].args).toEqual(['--log_output_level=info']);
    expect(MeshTesting.find(objects, 'ConfigMap', 'istio-cni-config').data.CURRENT_AGENT_VERSION).toEqual('1.30.3');
  });
});

describe('CNI is the default', () => {
  test('every control plane uses it: istio-validation, unprivileged, checks the capture, and no warning', () => {
    // GIVEN
    const mesh = newMesh({ denyByDefault: false });
    newService(mesh, 'web');

    // THEN
    expect(mesh.controlPlane.cni).toBe(true);
    const init = injectedInit(mesh);
    expect(init.name).toEqual('istio-validation');
    expect(init.securityContext.capabilities).toEqual({ drop: ['ALL'] });
    expect(init.securityContext.runAsNonRoot).toBe(true);
    expect(JSON.parse(MeshTesting.find(synthAll(mesh), 'ConfigMap', 'istio-sidecar-injector').data.values).pilot.cni.enabled).toBe(true);
    expect(mesh.analyze().filter(f => f.code.startsWith('MESH008'))).toEqual([]);
    expect(synthErrors(mesh)).toEqual([]);
  });

  test('pods carry the capture settings the CNI plugin reads, as Istio\'s injector writes them', () => {
    // GIVEN the defaults, and a service with capture settings of its own (explicitly injected: the annotations are in its Deployment)
    const mesh = newMesh({ denyByDefault: false });
    newService(mesh, 'web');
    newService(mesh, 'api', ['v1'], {
      injection: Injection.explicit(),
      proxy: { excludeInboundPorts: [8081], excludeOutboundIpRanges: ['10.0.0.0/8'], includeOutboundPorts: [443], excludeOutboundPorts: [3306] },
    });

    // THEN
    const template = YAML.parse(YAML.parse(MeshTesting.find(synthAll(mesh), 'ConfigMap', 'istio-sidecar-injector').data.config).templates.sidecar);
    expect(template.metadata.annotations).toMatchObject({
      'sidecar.istio.io/interceptionMode': 'REDIRECT',
      'traffic.sidecar.istio.io/includeOutboundIPRanges': '*',
      'traffic.sidecar.istio.io/includeInboundPorts': '*',
      'traffic.sidecar.istio.io/excludeInboundPorts': '15020',
    });
    expect(Object.keys(template.metadata.annotations).filter(k => k.startsWith('traffic.')).sort()).toEqual([
      'traffic.sidecar.istio.io/excludeInboundPorts', 'traffic.sidecar.istio.io/includeInboundPorts', 'traffic.sidecar.istio.io/includeOutboundIPRanges',
    ]);
    const api = MeshTesting.find(synthAll(mesh), 'Deployment', 'api-v1').spec.template.metadata.annotations;
    expect(api).toMatchObject({
      'sidecar.istio.io/interceptionMode': 'REDIRECT',
      'traffic.sidecar.istio.io/includeOutboundIPRanges': '*',
      'traffic.sidecar.istio.io/excludeOutboundIPRanges': '10.0.0.0/8',
      'traffic.sidecar.istio.io/includeInboundPorts': '*',
      'traffic.sidecar.istio.io/excludeInboundPorts': '8081,15020',
      'traffic.sidecar.istio.io/includeOutboundPorts': '443',
      'traffic.sidecar.istio.io/excludeOutboundPorts': '3306',
    });
  });

  test('one agent for every revision that uses it', () => {
    const mesh = newMesh({ denyByDefault: false });
    mesh.addControlPlane('canary', { revision: 'canary', tag: '1.30.4' });
    expect(ofKind(synthAll(mesh), 'DaemonSet').map(d => d.metadata.name)).toEqual(['istio-cni-node']);
    // the default revision's image
    expect(ofKind(synthAll(mesh), 'DaemonSet')[0].spec.template.spec.containers[0].image).toEqual('docker.io/istio/install-cni:1.30.3');
  });

  test('when only a later revision uses it, the agent is that revision\'s', () => {
    const mesh = newMesh({ denyByDefault: false, controlPlane: { cni: false } });
    mesh.addControlPlane('canary', { revision: 'canary', tag: '1.30.4' });
    expect(ofKind(synthAll(mesh), 'DaemonSet').map(d => d.spec.template.spec.containers[0].image)).toEqual(['docker.io/istio/install-cni:1.30.4']);
  });
});

describe('without CNI', () => {
  test('istio-init sets up the capture, no agent is installed, and the control plane warns which profile its pods fall to', () => {
    // GIVEN
    const mesh = newMesh({ denyByDefault: false, controlPlane: { cni: false } });
    newService(mesh, 'web');

    // THEN
    const init = injectedInit(mesh);
    expect(init.name).toEqual('istio-init');
    expect(init.securityContext.capabilities).toEqual({ add: ['NET_ADMIN', 'NET_RAW'], drop: ['ALL'] });
    expect(init.securityContext.runAsUser).toEqual(0);
    expect(agentObjects(mesh)).toEqual([]);
    expect(ofKind(synthAll(mesh), 'Namespace').map(n => n.metadata.name)).not.toContain('istio-cni');
    expect(mesh.analyze()).toEqual([{
      code: 'MESH0082',
      severity: Severity.WARNING,
      path: 'mesh-control-plane/istiod',
      message: "cni is false: this control plane's pods get the istio-init container, which runs as root with NET_ADMIN and NET_RAW, capabilities outside the 'baseline' "
        + "Pod Security profile, so they meet only 'privileged' and so must their namespaces: set cni: true, and the mesh runs the Istio CNI node agent instead",
    }]);
    expect(synthErrors(mesh)).toEqual([]);
  });

  test('the warning fails synthesis with failOnWarnings', () => {
    const mesh = newMesh({ denyByDefault: false, failOnWarnings: true, controlPlane: { cni: false } });
    expect(synthErrors(mesh)).toEqual([expect.stringMatching(/^\[mesh-control-plane\/istiod\] \[MESH0082\] cni is false: /)]);
  });

  test('pods carry no capture annotations: istio-init has the settings as arguments', () => {
    const mesh = newMesh({ denyByDefault: false, controlPlane: { cni: false } });
    const injector = MeshTesting.find(synthAll(mesh), 'ConfigMap', 'istio-sidecar-injector');
    const annotations = YAML.parse(YAML.parse(injector.data.config).templates.sidecar).metadata.annotations;
    expect(Object.keys(annotations).filter(k => k.startsWith('traffic.') || k === 'sidecar.istio.io/interceptionMode')).toEqual([]);
  });
});

describe('CniOptions', () => {
  test('install: false: no agent, and pods still rely on the one the cluster has, assumed in the root namespace unless cni.namespace says', () => {
    const mesh = newMesh({ denyByDefault: false, cni: { install: false } });
    newService(mesh, 'web');
    expect(agentObjects(mesh)).toEqual([]);
    const namespaces = ofKind(synthAll(mesh), 'Namespace');
    expect(namespaces.map(n => n.metadata.name)).toEqual(['istio-system', 'default']);
    // the agent Istio's chart installs runs privileged pods in the root namespace: it must admit them
    expect(namespaces.map(n => n.metadata.labels['pod-security.kubernetes.io/enforce'])).toEqual(['privileged', 'restricted']);
    expect(injectedInit(mesh).name).toEqual('istio-validation');
    expect(mesh.analyze().map(f => `[${f.path}] [${f.code}] ${f.message}`)).toEqual([
      "[mesh] [MESH0264] cni.install is false and cni.namespace does not say where the cluster's CNI agent runs: the mesh assumes the root namespace 'istio-system' (where Istio's chart installs it) "
      + "and labels it privileged so the agent's pods are admitted, give cni.namespace (e.g. 'kube-system' or 'istio-cni')",
    ]);
  });

  test('install: false with the namespace the cluster\'s agent runs in: that namespace admits privileged pods, the root stays restricted', () => {
    const mesh = newMesh({ denyByDefault: false, cni: { install: false, namespace: 'cni-system' } });
    newService(mesh, 'web');
    expect(agentObjects(mesh)).toEqual([]);
    const level = (ns: string) => ofKind(synthAll(mesh), 'Namespace').find(n => n.metadata.name === ns).metadata.labels['pod-security.kubernetes.io/enforce'];
    expect(level('istio-system')).toEqual('restricted');
    expect(level('cni-system')).toEqual('privileged');
    expect(mesh.analyze()).toEqual([]);
    // kube-system (where some platforms run it) is the cluster's: the mesh neither writes nor labels it
    const kube = newMesh({ denyByDefault: false, cni: { install: false, namespace: 'kube-system' } });
    expect(ofKind(synthAll(kube), 'Namespace').map(n => n.metadata.name)).toEqual(['istio-system']);
    expect(kube.analyze()).toEqual([]);
    // the root namespace may be named: it is where Istio's chart installs the agent
    const root = newMesh({ denyByDefault: false, cni: { install: false, namespace: 'istio-system' } });
    expect(synthErrors(root)).toEqual([]);
    expect(root.analyze()).toEqual([]);
  });

  test('a namespace of the program\'s choosing', () => {
    const mesh = newMesh({ denyByDefault: false, cni: { namespace: 'cni-system' } });
    const objects = agentObjects(mesh);
    expect(new Set(objects.filter(o => !o.kind.startsWith('Cluster')).map(o => o.metadata.namespace))).toEqual(new Set(['cni-system']));
    expect(MeshTesting.find(objects, 'ClusterRoleBinding', 'istio-cni').subjects).toEqual([{ kind: 'ServiceAccount', name: 'istio-cni', namespace: 'cni-system' }]);
    expect(MeshTesting.find(objects, 'ConfigMap', 'istio-cni-config').data.EXCLUDE_NAMESPACES).toEqual('kube-system,cni-system');
    expect(meshNamespaces(mesh).find(n => n.namespaceName === 'cni-system')!.podSecurityNeeds.map(n => n.level)).toEqual(['privileged']);
    expect(mesh.analyze()).toEqual([]);
  });

  test('kube-system is used as it is: no Namespace is written for it', () => {
    const mesh = newMesh({ denyByDefault: false, cni: { namespace: 'kube-system' } });
    expect(MeshTesting.find(agentObjects(mesh), 'DaemonSet', 'istio-cni-node').metadata.namespace).toEqual('kube-system');
    expect(MeshTesting.find(agentObjects(mesh), 'ConfigMap', 'istio-cni-config').data.EXCLUDE_NAMESPACES).toEqual('kube-system');
    expect(ofKind(synthAll(mesh), 'Namespace').map(n => n.metadata.name)).toEqual(['istio-system']);
    expect(synthErrors(mesh)).toEqual([]);
  });

  test('log level, resources and namespaces to leave out', () => {
    const mesh = newMesh({
      denyByDefault: false,
      cni: {
        logLevel: 'default:info,cni:debug',
        resources: { cpu: { request: Cpu.millis(50), limit: Cpu.units(1) }, memory: { request: Size.mebibytes(64), limit: Size.mebibytes(256) } },
        excludeNamespaces: ['batch', 'kube-system'],
      },
    });
    const objects = agentObjects(mesh);
    const container = MeshTesting.find(objects, 'DaemonSet', 'istio-cni-node').spec.template.spec.containers[0];
    expect(container.args).toEqual(['--log_output_level=default:info,cni:debug']);
    expect(container.resources).toEqual({ requests: { cpu: '50m', memory: '64Mi' }, limits: { cpu: '1', memory: '256Mi' } });
    expect(MeshTesting.find(objects, 'ConfigMap', 'istio-cni-config').data.EXCLUDE_NAMESPACES).toEqual('kube-system,istio-cni,batch');
    expect(synthErrors(mesh)).toEqual([]);
  });

  describe('a resource the user sets replaces its default', () => {
    const resourcesOf = (resources: any) => {
      const mesh = newMesh({ denyByDefault: false, cni: { resources } });
      expect(synthErrors(mesh)).toEqual([]);
      const manifests = synthAll(mesh);
      expect(validateManifests(manifests)).toEqual([]);
      return MeshTesting.find(manifests, 'DaemonSet', 'istio-cni-node').spec.template.spec.containers[0].resources;
    };

    test('nothing set: the chart\'s requests', () => {
      expect(resourcesOf(undefined)).toEqual({ requests: { cpu: '100m', memory: '100Mi' } });
    });

    test('a CPU limit alone is not paired with the default CPU request (100m above 50m would be refused)', () => {
      expect(resourcesOf({ cpu: { limit: Cpu.millis(50) } })).toEqual({ requests: { memory: '100Mi' }, limits: { cpu: '50m' } });
    });

    test('a memory limit alone is not paired with the default memory request', () => {
      expect(resourcesOf({ memory: { limit: Size.mebibytes(64) } })).toEqual({ requests: { cpu: '100m' }, limits: { memory: '64Mi' } });
    });

    test('ephemeral storage is rendered', () => {
      expect(resourcesOf({ ephemeralStorage: { request: Size.mebibytes(100), limit: Size.gibibytes(1) } })).toEqual({
        requests: { 'cpu': '100m', 'memory': '100Mi', 'ephemeral-storage': '100Mi' },
        limits: { 'ephemeral-storage': '1Gi' },
      });
    });

    test('a request alone replaces the default request, with no limit', () => {
      expect(resourcesOf({ cpu: { request: Cpu.millis(20) } })).toEqual({ requests: { cpu: '20m', memory: '100Mi' } });
    });
  });
});

describe('CniOptions errors', () => {
  const errors = (options: CniOptions, build: (mesh: Mesh) => void = () => {}) => {
    const mesh = newMesh({ denyByDefault: false, cni: options });
    build(mesh);
    return synthErrors(mesh);
  };

  test('fails when the agent\'s namespace is the root namespace', () => {
    expect(errors({ namespace: 'istio-system' })).toEqual([
      "[mesh] [MESH0083] cni.namespace 'istio-system' is the mesh's root namespace, where istiod runs: the namespace would have to admit the agent's privileged pods, "
      + "and so any other, give the agent a namespace of its own (e.g. 'istio-cni')",
    ]);
    // the legal neighbour: another root namespace
    expect(synthErrors(newMesh({ denyByDefault: false, rootNamespace: 'mesh-system', cni: { namespace: 'istio-system' } }))).toEqual([]);
  });

  test('fails when the agent\'s namespace holds workloads of the mesh', () => {
    expect(errors({ namespace: 'default' }, mesh => newService(mesh, 'web'))).toEqual([
      "[mesh] [MESH0084] cni.namespace 'default' also holds service 'web': the namespace would have to admit the agent's privileged pods, "
      + "and so theirs, give the agent a namespace of its own (e.g. 'istio-cni')",
    ]);
    // (the gateway without routes is MESH0127, beside the point here)
    expect(errors({ namespace: 'edge' }, mesh => new IngressGateway(mesh, 'gw', { namespace: 'edge' })).filter(e => !e.includes('MESH0127'))).toEqual([
      "[mesh] [MESH0084] cni.namespace 'edge' also holds Deployment 'gw': the namespace would have to admit the agent's privileged pods, "
      + "and so theirs, give the agent a namespace of its own (e.g. 'istio-cni')",
    ]);
    // the legal neighbour: the services elsewhere
    expect(errors({ namespace: 'default' }, mesh => newService(mesh, 'web', ['v1'], { namespace: 'shop' }))).toEqual([]);
  });

  test('fails when a namespace left out holds workloads whose control plane uses CNI', () => {
    expect(errors({ excludeNamespaces: ['shop'] }, mesh => newService(mesh, 'web', ['v1'], { namespace: 'shop' }))).toEqual([
      "[mesh] [MESH0085] namespace 'shop' is left out by the CNI plugin (cni.excludeNamespaces lists it), and service 'web' there gets its sidecar from revision 'default', "
      + "which uses CNI: nothing would capture its pods' traffic and istio-validation would stop them, remove 'shop' from cni.excludeNamespaces, or set cni: false on that control plane",
    ]);
    // kube-system is always left out: an explicitly injected service there is the same problem
    expect(errors({ excludeNamespaces: ['kube-system'] }, mesh => newService(mesh, 'dns', ['v1'], { namespace: 'kube-system', injection: Injection.explicit() }))).toEqual([
      "[mesh] [MESH0085] namespace 'kube-system' is left out by the CNI plugin (Istio leaves kube-system out), and service 'dns' there gets its sidecar from revision 'default', "
      + "which uses CNI: nothing would capture its pods' traffic and istio-validation would stop them, put the service in another namespace, or set cni: false on that control plane",
    ]);
    // the legal neighbour: its control plane does not use CNI (istio-init captures the traffic)
    expect(errors({ excludeNamespaces: ['shop'] }, mesh => {
      mesh.addControlPlane('legacy', { revision: 'legacy', cni: false });
      newService(mesh, 'web', ['v1'], { namespace: 'shop', revision: 'legacy' });
    })).toEqual([]);
  });

  test('warns of options without effect', () => {
    const analyzed = (mesh: Mesh) => mesh.analyze().map(f => `[${f.path}] [${f.code}] ${f.message}`);
    expect(analyzed(newMesh({ denyByDefault: false, cni: { install: false, logLevel: 'debug', namespace: 'cni' } }))).toEqual([
      '[mesh] [MESH0086] cni.logLevel is set, but cni.install is false: the mesh does not install the CNI agent, so it has no effect, '
      + 'configure the agent where it is installed, or drop cni.logLevel',
    ]);
    expect(analyzed(newMesh({ denyByDefault: false, cni: { logLevel: 'debug' }, controlPlane: { cni: false } })).filter(f => f.includes('MESH0086'))).toEqual([
      '[mesh] [MESH0086] cni.logLevel is set, but no control plane uses CNI (each has cni: false), so the mesh installs no CNI agent and it has no effect: '
      + 'set cni on a control plane, or drop cni.logLevel',
    ]);
    // the legal neighbours: install: false with where the agent runs; options for an agent a control plane uses
    expect(analyzed(newMesh({ denyByDefault: false, cni: { install: false, namespace: 'kube-system' } }))).toEqual([]);
    const later = newMesh({ denyByDefault: false, cni: { logLevel: 'debug' }, controlPlane: { cni: false } });
    later.addControlPlane('canary', { revision: 'canary' });
    expect(analyzed(later).filter(f => f.includes('MESH0086'))).toEqual([]);
  });

  test.each([
    ['verbose', "[mesh] [MESH0087] cni.logLevel 'verbose' has the level 'verbose', which the CNI agent does not know: use debug, info, warn, error, fatal, none"],
    ['cni=debug', "[mesh] [MESH0087] cni.logLevel 'cni=debug' is invalid: write '<scope>:<level>' pairs (or one level) separated by commas, e.g. 'default:info,cni:debug'"],
  ])('fails on logLevel %s', (logLevel, message) => {
    expect(errors({ logLevel })).toEqual([message]);
  });

  test.each(['debug', 'cni:debug,default:warn'])('accepts logLevel %s', logLevel => {
    expect(errors({ logLevel })).toEqual([]);
  });

  test('fails on names that are no namespace', () => {
    expect(errors({ namespace: 'CNI', excludeNamespaces: ['ok', 'Not_OK'] })).toEqual([
      "[mesh] [MESH0001] cni.namespace 'CNI' is not a valid DNS label: use at most 63 lowercase letters, digits and '-', starting and ending with a letter or digit",
      "[mesh] [MESH0001] cni.excludeNamespaces[1] 'Not_OK' is not a valid DNS label: use at most 63 lowercase letters, digits and '-', starting and ending with a letter or digit",
    ]);
  });

  test('fails on resources that are no quantities', () => {
    expect(errors({ resources: { cpu: { request: Cpu.units(2), limit: Cpu.millis(500) } } })).toEqual([
      '[mesh] [MESH0076] cni.resources.cpu.request 2 is above cni.resources.cpu.limit 500m: lower the request or raise the limit',
    ]);
    expect(errors({ resources: { ephemeralStorage: { request: Size.gibibytes(2), limit: Size.gibibytes(1) } } })).toEqual([
      '[mesh] [MESH0076] cni.resources.ephemeralStorage.request 2147483648 bytes is above cni.resources.ephemeralStorage.limit 1073741824 bytes: lower the request or raise the limit',
    ]);
  });

  test('from JavaScript: cni that is no CniOptions, and values of the wrong type', () => {
    const js = (v: unknown) => v as any;
    expect(errors(js(true))).toEqual([
      "[mesh] [MESH0088] cni true is not CniOptions: give an object such as { namespace: 'istio-cni' }; whether pods use CNI is each control plane's cni, e.g. controlPlane: { cni: true }",
    ]);
    expect(errors({ install: js('false'), excludeNamespaces: js('shop') })).toEqual([
      "[mesh] [MESH0091] cni.install 'false' is a string, not a boolean: give true or false, without quotes",
      "[mesh] [MESH0092] cni.excludeNamespaces 'shop' is not a list: give an array, e.g. ['shop']",
    ]);
    // null is no options: the defaults
    expect(errors(js(null))).toEqual([]);
  });
});

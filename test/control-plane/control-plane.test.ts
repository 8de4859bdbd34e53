import * as fs from 'fs';
import * as path from 'path';
import { ApiObject, App, Duration, Testing } from 'cdk8s';
import { Cpu } from 'cdk8s-plus-27';
import * as YAML from 'yaml';
import { ImageVariant, Injection, Mesh, MeshLayer, MeshTesting, ProxyLogLevel, TolerationEffect, TolerationOperator } from '../../src';
import { keyPaths } from '../support/key-paths';
import { withoutPodSecurity } from '../support/pod-security';
import { validateManifests } from '../support/schemas';
import { newMesh, newService, ofKind, synthErrors } from '../support/util';

/** Facts of Istio's own default install (scripts/extract-istio-facts.ts). */
const ISTIO = JSON.parse(fs.readFileSync(path.join(__dirname, '..', 'fixtures', 'istio-1.30.3', 'control-plane-facts.json'), 'utf-8'));

function controlPlaneObjects(mesh: Mesh): any[] {
  return Testing.synth(mesh.charts.find(c => c.node.id === `${mesh.node.id}-control-plane`)!);
}

function find(objects: any[], kind: string, name: string): any {
  return MeshTesting.find(objects, kind, name);
}

describe('the default control plane, against Istio\'s own install', () => {
  const mesh = newMesh();
  const objects = controlPlaneObjects(mesh);
  const deployment = find(objects, 'Deployment', 'istiod');
  const container = deployment.spec.template.spec.containers[0];

  test('every object Istio\'s install has, and the reader service account its binding names', () => {
    const ours = objects.map(o => `${o.kind}/${o.metadata.name}`).sort();
    const istio = ISTIO.objects.map((o: any) => `${o.kind}/${o.metadata?.name ?? o.name}`);
    // and the Istio CNI node agent's (compared with Istio's istio-cni chart in cni-agent.test.ts)
    const cni = ['ClusterRole/istio-cni', 'ClusterRole/istio-cni-repair-role', 'ClusterRoleBinding/istio-cni', 'ClusterRoleBinding/istio-cni-repair-rolebinding',
      'ConfigMap/istio-cni-config', 'DaemonSet/istio-cni-node', 'ServiceAccount/istio-cni'];
    expect(ours).toEqual([...istio, 'ServiceAccount/istio-reader-service-account', ...cni].sort());
    // no PodDisruptionBudget with a single replica: it would block node drains
    expect(ofKind(objects, 'PodDisruptionBudget')).toEqual([]);
  });

  test('RBAC rules and bindings', () => {
    // The order of verbs means nothing to RBAC.
    const normalize = (rules: any[]) => rules.map(r => ({ ...r, verbs: [...r.verbs].sort() }));
    for (const [key, rules] of Object.entries<any>(ISTIO.rbac)) {
      const [kind, name] = key.split('/');
      expect([key, normalize(find(objects, kind, name).rules)]).toEqual([key, normalize(rules)]);
    }
    for (const [key, binding] of Object.entries<any>(ISTIO.bindings)) {
      const [kind, name] = key.split('/');
      const ours = find(objects, kind, name);
      expect([key, { roleRef: ours.roleRef, subjects: ours.subjects }]).toEqual([key, binding]);
    }
  });

  test('the injection webhook: four selectors (namespace label, pod label, revision by namespace and by pod), path /inject', () => {
    expect(find(objects, 'MutatingWebhookConfiguration', 'istio-sidecar-injector').webhooks).toEqual(ISTIO.mutatingWebhooks);
  });

  test('the validation webhook: path /validate, Istio\'s API groups, fails open until istiod serves it', () => {
    expect(find(objects, 'ValidatingWebhookConfiguration', 'istio-validator-istio-system').webhooks).toEqual(ISTIO.validatingWebhooks);
  });

  test('istiod: ports 8080, 15010, 15012, 15014, 15017, probe, security, volumes', () => {
    expect(container.ports).toEqual(ISTIO.deployment.ports);
    expect(container.readinessProbe).toEqual(ISTIO.deployment.readinessProbe);
    expect(container.securityContext).toEqual(ISTIO.deployment.securityContext);
    expect(container.resources).toEqual(ISTIO.deployment.resources);
    expect(container.volumeMounts).toEqual(ISTIO.deployment.volumeMounts);
    expect(deployment.spec.template.spec.volumes).toEqual(ISTIO.deployment.volumes);
    expect(deployment.spec.template.spec.tolerations).toEqual(ISTIO.deployment.tolerations);
    expect(deployment.spec.strategy).toEqual(ISTIO.deployment.strategy);
    expect(deployment.spec.template.metadata.annotations).toEqual(ISTIO.deployment.podAnnotations);
    expect(container.image).toEqual('docker.io/istio/pilot:1.30.3');
  });

  test('istiod: the arguments and environment of Istio\'s, and the names of its webhooks', () => {
    expect(container.args).toEqual(ISTIO.deployment.args);
    expect(container.env).toEqual([
      ...ISTIO.deployment.env,
      { name: 'INJECTION_WEBHOOK_CONFIG_NAME', value: 'istio-sidecar-injector' },
      { name: 'VALIDATION_WEBHOOK_CONFIG_NAME', value: 'istio-validator-istio-system' },
    ]);
  });

  test('the Service (443 to the webhook port 15017) and the autoscaler', () => {
    expect(find(objects, 'Service', 'istiod').spec.ports).toEqual(ISTIO.service);
    expect(find(objects, 'HorizontalPodAutoscaler', 'istiod').spec).toEqual(ISTIO.autoscaler);
  });

  test('the mesh config carries what Istio\'s does (the rest is the model\'s: test/control-plane/mesh-config.test.ts)', () => {
    const meshConfig = YAML.parse(find(objects, 'ConfigMap', 'istio').data.mesh);
    expect(meshConfig).toMatchObject({ ...ISTIO.meshConfig, rootNamespace: 'istio-system' });
    expect(meshConfig).toEqual(YAML.parse(mesh.meshConfig()));
  });

  test('the injector config: the keys istiod reads, the sidecar template from the model', () => {
    const injector = find(objects, 'ConfigMap', 'istio-sidecar-injector');
    expect(Object.keys(injector.data).sort()).toEqual([...ISTIO.injectorConfigKeys].sort());
    const config = YAML.parse(injector.data.config);
    expect(config).toMatchObject({ defaultTemplates: ['sidecar'], policy: 'enabled' });
    expect(Object.keys(config.templates)).toEqual(['sidecar']);
    expect(YAML.parse(config.templates.sidecar).spec.initContainers[1].image).toEqual('docker.io/istio/proxyv2:1.30.3');
    expect(JSON.parse(injector.data.values)).toMatchObject({ global: { hub: 'docker.io/istio', tag: '1.30.3', istioNamespace: 'istio-system' }, revision: '' });
  });

  test('the values given to istiod use only keys Istio\'s own values have (istiod parses them into its values type)', () => {
    const values = JSON.parse(find(objects, 'ConfigMap', 'istio-sidecar-injector').data.values);
    const unknown = keyPaths(values).filter(k => !ISTIO.valuesKeyPaths.includes(k));
    expect(unknown).toEqual([]);
    expect(find(objects, 'ConfigMap', 'values').data['merged-values']).toEqual(find(objects, 'ConfigMap', 'istio-sidecar-injector').data.values);
  });

  test('the CRDs come first, then namespaces, then the control plane, then workloads', () => {
    expect(mesh.charts.map(c => c.node.id)).toEqual(['mesh-crds', 'mesh-namespaces', 'mesh-control-plane', 'mesh']);
    const crds = Testing.synth(mesh.charts[0]);
    expect(crds.map(c => c.kind)).toEqual(Array(15).fill('CustomResourceDefinition'));
    expect(crds.map(c => c.metadata.name)).toContain('virtualservices.networking.istio.io');
    // cdk8s writes them in this order (the tree's; see test/synth-order.test.ts); Pulumi deploys each after the one before.
    expect(App.of(mesh).charts.map(c => c.node.id)).toEqual(['mesh-crds', 'mesh-namespaces', 'mesh-control-plane', 'mesh']);
    const appliedAfter = (c: any) => c[Symbol.for('cdk8s-mesh.appliedAfter')]().map((d: any) => d.node.id);
    expect(mesh.charts.map(appliedAfter)).toEqual([[], ['mesh-crds'], ['mesh-namespaces'], ['mesh-control-plane']]);
  });

  test('every object validates strictly', () => {
    expect(validateManifests(MeshTesting.synth(mesh))).toEqual([]);
  });

  test('installCrds: false leaves the CRDs to something else', () => {
    const m = newMesh({ installCrds: false });
    expect(m.charts.map(c => c.node.id)).toEqual(['mesh-namespaces', 'mesh-control-plane', 'mesh']);
    expect(() => m._layer(MeshLayer.CRDS)).toThrow('[MESH0007] mesh: the mesh has no crds layer (installCrds is false)');
  });
});

describe('control plane options', () => {
  test('replicas, resources, scheduling, images, log level, access logs and proxy defaults', () => {
    // GIVEN every option
    const mesh = newMesh({
      controlPlane: {
        replicas: 3,
        resources: { cpu: { request: Cpu.millis(250), limit: Cpu.units(2) } },
        nodeSelector: { 'node-role': 'infra' },
        tolerations: [{ key: 'dedicated', operator: TolerationOperator.EQUAL, value: 'infra', effect: TolerationEffect.NO_SCHEDULE }],
        priorityClassName: 'system-cluster-critical',
        hub: 'registry.example.com/istio',
        tag: '1.30.4',
        variant: ImageVariant.DISTROLESS,
        logLevel: 'default:info,ads:debug',
        accessLogging: true,
        keepaliveMaxServerConnectionAge: Duration.minutes(10),
        proxy: { logLevel: ProxyLogLevel.ERROR, concurrency: 2, holdApplicationUntilProxyStarts: true },
      },
    });
    // WHEN
    const objects = controlPlaneObjects(mesh);
    const deployment = find(objects, 'Deployment', 'istiod');
    const pod = deployment.spec.template.spec;
    const c = pod.containers[0];
    // THEN
    expect(deployment.spec.replicas).toEqual(3);
    expect(ofKind(objects, 'HorizontalPodAutoscaler')).toEqual([]);
    expect(find(objects, 'PodDisruptionBudget', 'istiod').spec).toEqual({ minAvailable: 1, selector: { matchLabels: { 'app': 'istiod', 'istio.io/rev': 'default' } } });
    expect(c.resources).toEqual({ requests: { cpu: '250m', memory: '2048Mi' }, limits: { cpu: '2' } });
    expect(pod.nodeSelector).toEqual({ 'node-role': 'infra' });
    expect(pod.tolerations).toEqual([
      { key: 'cni.istio.io/not-ready', operator: 'Exists' },
      { key: 'dedicated', operator: 'Equal', value: 'infra', effect: 'NoSchedule' },
    ]);
    expect(pod.priorityClassName).toEqual('system-cluster-critical');
    expect(c.image).toEqual('registry.example.com/istio/pilot:1.30.4-distroless');
    expect(c.args).toContain('--log_output_level=default:info,ads:debug');
    expect(c.args.slice(-2)).toEqual(['--keepaliveMaxServerConnectionAge', '10m']);
    const meshConfig = YAML.parse(find(objects, 'ConfigMap', 'istio').data.mesh);
    expect(meshConfig.accessLogFile).toEqual('/dev/stdout');
    expect(meshConfig.defaultConfig).toEqual({ discoveryAddress: 'istiod.istio-system.svc:15012', holdApplicationUntilProxyStarts: true, concurrency: 2 });
    const template = YAML.parse(YAML.parse(find(objects, 'ConfigMap', 'istio-sidecar-injector').data.config).templates.sidecar);
    const proxy = template.spec.initContainers[1];
    expect(proxy.image).toEqual('registry.example.com/istio/proxyv2:1.30.4-distroless');
    expect(proxy.args).toContain('--proxyLogLevel=error');
    expect(validateManifests(objects)).toEqual([]);
  });

  test('autoscaling bounds; more than one replica gets a disruption budget', () => {
    const objects = controlPlaneObjects(newMesh({ controlPlane: { autoscaling: { minReplicas: 2, maxReplicas: 4, targetCpuUtilization: 60 } } }));
    expect(find(objects, 'HorizontalPodAutoscaler', 'istiod').spec).toMatchObject({ minReplicas: 2, maxReplicas: 4 });
    expect(find(objects, 'HorizontalPodAutoscaler', 'istiod').spec.metrics[0].resource.target.averageUtilization).toEqual(60);
    expect(find(objects, 'Deployment', 'istiod').spec.replicas).toBeUndefined();
    expect(ofKind(objects, 'PodDisruptionBudget')).toHaveLength(1);
  });

  test('with Istio CNI the injected init container is istio-validation', () => {
    const objects = controlPlaneObjects(newMesh({ controlPlane: { cni: true } }));
    const template = YAML.parse(YAML.parse(find(objects, 'ConfigMap', 'istio-sidecar-injector').data.config).templates.sidecar);
    expect(template.spec.initContainers[0].name).toEqual('istio-validation');
    expect(JSON.parse(find(objects, 'ConfigMap', 'istio-sidecar-injector').data.values).pilot.cni.enabled).toBe(true);
  });

  test('tolerations: the enums hold Kubernetes\' own values, and a key alone tolerates every effect', () => {
    // GIVEN a toleration of a key, and one per effect
    const mesh = newMesh({
      controlPlane: {
        tolerations: [
          { key: 'dedicated' },
          { key: 'a', operator: TolerationOperator.EQUAL, value: 'x', effect: TolerationEffect.NO_SCHEDULE },
          { key: 'b', operator: TolerationOperator.EXISTS, effect: TolerationEffect.PREFER_NO_SCHEDULE },
          { key: 'c', effect: TolerationEffect.NO_EXECUTE },
        ],
      },
    });
    // WHEN
    const pod = find(controlPlaneObjects(mesh), 'Deployment', 'istiod').spec.template.spec;
    // THEN
    expect(pod.tolerations).toEqual([
      { key: 'cni.istio.io/not-ready', operator: 'Exists' },
      { key: 'dedicated', operator: 'Exists' },
      { key: 'a', operator: 'Equal', value: 'x', effect: 'NoSchedule' },
      { key: 'b', operator: 'Exists', effect: 'PreferNoSchedule' },
      { key: 'c', operator: 'Exists', effect: 'NoExecute' },
    ]);
    expect(synthErrors(mesh)).toEqual([]);
  });

  test('resource is istiod\'s Deployment', () => {
    // GIVEN the default control plane and a canary
    const mesh = newMesh();
    const canary = mesh.addControlPlane('istiod-canary', { revision: 'canary' });
    // THEN
    expect(mesh.controlPlane.resource).toBe(mesh.controlPlane.node.findChild('Deployment'));
    expect(mesh.controlPlane.resource!.kind).toEqual('Deployment');
    expect(mesh.controlPlane.resource!.name).toEqual('istiod');
    expect(canary.resource!.name).toEqual('istiod-canary');
    expect(canary.resource!.toJson().spec.selector.matchLabels).toEqual({ 'app': 'istiod', 'istio.io/rev': 'canary' });
  });

  test.each([
    [{ replicas: 0 }, '[mesh-control-plane/istiod] [MESH0062] replicas 0 is invalid: use a whole number of at least 1'],
    [{ replicas: 2, autoscaling: { maxReplicas: 3 } }, '[mesh-control-plane/istiod] [MESH0063] replicas and autoscaling are both set: set replicas for a fixed count, or autoscaling, not both'],
    [{ autoscaling: { minReplicas: 0 } }, '[mesh-control-plane/istiod] [MESH0062] autoscaling.minReplicas 0 is invalid: use a whole number of at least 1'],
    [{ autoscaling: { maxReplicas: 2.5 } }, '[mesh-control-plane/istiod] [MESH0062] autoscaling.maxReplicas 2.5 is invalid: use a whole number of at least 1'],
    [{ autoscaling: { targetCpuUtilization: 0 } }, '[mesh-control-plane/istiod] [MESH0062] autoscaling.targetCpuUtilization 0 is invalid: use a whole number of at least 1'],
    [{ autoscaling: { minReplicas: 4, maxReplicas: 2 } }, '[mesh-control-plane/istiod] [MESH0062] autoscaling.maxReplicas 2 is below minReplicas 4: raise maxReplicas'],
    [{ logLevel: 'verbose' }, "[mesh-control-plane/istiod] [MESH0061] logLevel 'verbose' has the level 'verbose', which istiod does not know: use debug, info, warn, error, fatal, none"],
    [{ revision: 'default' }, "[mesh-control-plane/istiod] [MESH0060] revision 'default' names the unnamed revision: leave revision out, or choose another name"],
    [{ tag: '1.31.0 beta' }, "[mesh-control-plane/istiod] [MESH0005] tag '1.31.0 beta' is not a valid image tag: use letters, digits, '.', '_' and '-' (at most 128)"],
    [{ revision: 'Canary' }, "[mesh-control-plane/istiod] [MESH0001] revision 'Canary' is not a valid DNS label: use at most 63 lowercase letters, digits and '-', starting and ending with a letter or digit"],
    // A JavaScript caller may pass any string where the enums are expected.
    [{ tolerations: [{ key: 'a', operator: 'In' as TolerationOperator }] }, "[mesh-control-plane/istiod] [MESH0064] toleration 'a' has operator 'In': use 'Exists' or 'Equal'"],
    [{ tolerations: [{ key: 'a', effect: 'Never' as TolerationEffect }] }, "[mesh-control-plane/istiod] [MESH0064] toleration 'a' has effect 'Never': use 'NoSchedule', 'PreferNoSchedule' or 'NoExecute'"],
    [{ proxy: { concurrency: -1 } }, '[mesh-control-plane/istiod] [MESH0028] proxy.concurrency -1 is invalid: use a whole number of worker threads (0 for one per CPU core)'],
  ])('fails on %j', (controlPlane, message) => {
    // GIVEN a control plane with one invalid option
    const mesh = newMesh({ controlPlane });
    // THEN synthesis reports it, once
    expect(synthErrors(mesh)).toEqual([message]);
  });

  test('fails on several invalid options, reporting every one and rendering with the defaults in their place', () => {
    // GIVEN a control plane with four mistakes
    const mesh = newMesh({
      controlPlane: {
        logLevel: 'verbose',
        replicas: 0,
        tolerations: [{ key: 'a', operator: 'In' as TolerationOperator, effect: 'Never' as TolerationEffect }, { key: 'b', operator: TolerationOperator.EXISTS }],
        proxy: { excludeOutboundPorts: [0, 5432] },
      },
    });
    // THEN each is reported
    expect(synthErrors(mesh)).toEqual([
      '[mesh-control-plane/istiod] [MESH0026] proxy.excludeOutboundPorts has port 0: use whole numbers from 1 to 65535',
      "[mesh-control-plane/istiod] [MESH0061] logLevel 'verbose' has the level 'verbose', which istiod does not know: use debug, info, warn, error, fatal, none",
      '[mesh-control-plane/istiod] [MESH0062] replicas 0 is invalid: use a whole number of at least 1',
      "[mesh-control-plane/istiod] [MESH0064] toleration 'a' has operator 'In': use 'Exists' or 'Equal'",
      "[mesh-control-plane/istiod] [MESH0064] toleration 'a' has effect 'Never': use 'NoSchedule', 'PreferNoSchedule' or 'NoExecute'",
    ]);
    // AND the control plane was built with the defaults in place of the invalid values (its chart does not
    // synthesize with errors, its objects do)
    const object = (id: string) => (mesh.controlPlane.node.findChild(id) as ApiObject).toJson();
    const deployment = object('Deployment');
    expect(deployment.spec.replicas).toEqual(1);
    expect(deployment.spec.template.spec.containers[0].args).toContain('--log_output_level=default:info');
    expect(deployment.spec.template.spec.tolerations).toEqual([
      { key: 'cni.istio.io/not-ready', operator: 'Exists' },
      { key: 'b', operator: 'Exists' },
    ]);
    expect(JSON.parse(object('InjectorConfig').data.values).global.proxy.excludeOutboundPorts).toEqual('5432');
  });

  test('fails on revision \'default\' once: the control plane is the unnamed revision it means', () => {
    // GIVEN a second control plane that names the default revision
    const mesh = newMesh();
    const cp = mesh.addControlPlane('again', { revision: 'default' });
    // THEN it is the unnamed revision, which already has a control plane
    expect(cp.revision).toEqual('');
    expect(cp.serviceName).toEqual('istiod');
    expect(synthErrors(mesh)).toEqual([
      "[mesh-control-plane/again] [MESH0060] revision 'default' names the unnamed revision: leave revision out, or choose another name",
      "[mesh-control-plane/again] [MESH0035] revision 'default' already has a control plane (mesh-control-plane/istiod): give each control plane its own revision",
    ]);
  });

  test('a bad mesh tag is reported by the mesh, not again by the control plane that inherits it', () => {
    expect(synthErrors(newMesh({ tag: 'bad tag' }))).toEqual([
      "[mesh] [MESH0005] tag 'bad tag' is not a valid image tag: use letters, digits, '.', '_' and '-' (at most 128)",
    ]);
  });
});

describe('revisions: two control planes side by side', () => {
  test('a canary revision has its own istiod, config and revision-only webhooks', () => {
    // GIVEN a mesh with a canary control plane on a newer tag
    const mesh = newMesh();
    const canary = mesh.addControlPlane('istiod-canary', { revision: 'canary', tag: '1.31.0' });
    // WHEN
    const objects = controlPlaneObjects(mesh);
    // THEN both control planes exist, the canary's objects carry its revision
    expect(mesh.controlPlanes.map(c => c.revisionLabel)).toEqual(['default', 'canary']);
    expect(canary.serviceName).toEqual('istiod-canary');
    for (const [kind, name] of [
      ['Deployment', 'istiod-canary'], ['Service', 'istiod-canary'], ['ServiceAccount', 'istiod-canary'], ['ConfigMap', 'istio-canary'],
      ['ConfigMap', 'istio-sidecar-injector-canary'], ['ConfigMap', 'values-canary'], ['MutatingWebhookConfiguration', 'istio-sidecar-injector-canary'],
      ['ValidatingWebhookConfiguration', 'istio-validator-canary-istio-system'], ['ClusterRole', 'istiod-clusterrole-canary-istio-system'],
      ['ClusterRoleBinding', 'istiod-gateway-controller-canary-istio-system'], ['Role', 'istiod-canary'], ['HorizontalPodAutoscaler', 'istiod-canary'],
    ]) {
      expect(find(objects, kind, name).metadata.labels['istio.io/rev']).toEqual('canary');
    }
    const webhook = find(objects, 'MutatingWebhookConfiguration', 'istio-sidecar-injector-canary');
    expect(webhook.webhooks.map((w: any) => w.name)).toEqual(['rev.namespace.sidecar-injector.istio.io', 'rev.object.sidecar-injector.istio.io']);
    expect(webhook.webhooks[0].namespaceSelector.matchExpressions[0]).toEqual({ key: 'istio.io/rev', operator: 'In', values: ['canary'] });
    expect(webhook.webhooks[1].objectSelector.matchExpressions[1]).toEqual({ key: 'istio.io/rev', operator: 'In', values: ['canary'] });
    expect(webhook.webhooks[0].clientConfig.service.name).toEqual('istiod-canary');
    expect(find(objects, 'Deployment', 'istiod-canary').spec.template.spec.containers[0].image).toEqual('docker.io/istio/pilot:1.31.0');
    expect(YAML.parse(find(objects, 'ConfigMap', 'istio-canary').data.mesh).defaultConfig.discoveryAddress).toEqual('istiod-canary.istio-system.svc:15012');
    expect(find(objects, 'Deployment', 'istiod-canary').spec.selector.matchLabels).toEqual({ 'app': 'istiod', 'istio.io/rev': 'canary' });
    expect(validateManifests(objects)).toEqual([]);
  });

  test('a canary upgrade is a code change: a service moves to the new revision, its namespace stops choosing one', () => {
    // GIVEN two services in one namespace, one moved to the canary
    const mesh = newMesh();
    mesh.addControlPlane('istiod-canary', { revision: 'canary', tag: '1.31.0' });
    newService(mesh, 'reviews', ['v1']);
    const ratings = newService(mesh, 'ratings', ['v1'], { revision: 'canary' });
    // WHEN
    const manifests = MeshTesting.synth(mesh);
    // THEN the canary's pods select its webhook by their own label; the namespace selects none, so each pod decides
    expect(ratings.controlPlane.revision).toEqual('canary');
    const pods = (name: string) => MeshTesting.find(manifests, 'Deployment', name).spec.template.metadata.labels;
    expect(pods('ratings-v1')).toMatchObject({ 'istio.io/rev': 'canary', 'sidecar.istio.io/inject': 'true' });
    expect(pods('reviews-v1')['istio.io/rev']).toBeUndefined();
    expect(pods('reviews-v1')['sidecar.istio.io/inject']).toEqual('true');
    expect(withoutPodSecurity(MeshTesting.find(manifests, 'Namespace', 'default').metadata.labels)).toBeUndefined();
    // and the canary's injector serves the pods that chose it
    expect(validateManifests(manifests)).toEqual([]);
  });

  test('a namespace chooses a revision for its services', () => {
    const mesh = newMesh();
    mesh.addControlPlane('istiod-canary', { revision: 'canary' });
    mesh.setNamespaceRevision('shop', 'canary');
    const cart = newService(mesh, 'cart', ['v1'], { namespace: 'shop' });
    const manifests = MeshTesting.synth(mesh);
    expect(cart.controlPlane.revisionLabel).toEqual('canary');
    expect(withoutPodSecurity(MeshTesting.find(manifests, 'Namespace', 'shop').metadata.labels)).toEqual({ 'istio.io/rev': 'canary' });
    expect(mesh.namespaceControlPlane('shop')).toBe(mesh.controlPlaneOf('canary'));
  });

  test('a namespace of the default revision is labelled istio-injection=enabled', () => {
    const mesh = newMesh();
    newService(mesh, 'cart', ['v1'], { namespace: 'shop' });
    expect(withoutPodSecurity(MeshTesting.find(MeshTesting.synth(mesh), 'Namespace', 'shop').metadata.labels)).toEqual({ 'istio-injection': 'enabled' });
  });

  test('fails on two control planes with one revision', () => {
    // GIVEN two canaries, and a second unnamed revision
    const mesh = newMesh();
    mesh.addControlPlane('a', { revision: 'canary' });
    mesh.addControlPlane('b', { revision: 'canary' });
    mesh.addControlPlane('c', {});
    // THEN each later one is reported
    expect(synthErrors(mesh)).toEqual([
      "[mesh-control-plane/b] [MESH0035] revision 'canary' already has a control plane (mesh-control-plane/a): give each control plane its own revision",
      "[mesh-control-plane/c] [MESH0035] revision 'default' already has a control plane (mesh-control-plane/istiod): give each control plane its own revision",
    ]);
  });

  test('fails on a revision no control plane has', () => {
    // GIVEN a service and a namespace that choose a revision never added
    const mesh = newMesh();
    newService(mesh, 'cart', ['v1'], { revision: 'canary' });
    mesh.setNamespaceRevision('shop', 'canary');
    // THEN both are reported
    expect(synthErrors(mesh)).toEqual([
      "[mesh] [MESH0036] namespace 'shop' uses revision 'canary', but no control plane has it (revisions: default): add it with Mesh.addControlPlane()",
      "[mesh/cart] [MESH0036] service 'cart' uses revision 'canary', but no control plane has it (revisions: default): add it with Mesh.addControlPlane()",
    ]);
  });

  test('a namespace\'s revision may be set after its services, and the revision added after both', () => {
    // GIVEN a service, then its namespace's revision, then that revision's control plane
    const mesh = newMesh();
    const cart = newService(mesh, 'cart', ['v1'], { namespace: 'shop' });
    mesh.setNamespaceRevision('shop', 'canary');
    mesh.addControlPlane('istiod-canary', { revision: 'canary' });
    // WHEN
    const manifests = MeshTesting.synth(mesh);
    // THEN the service is served by the canary, and its namespace selects it
    expect(synthErrors(mesh)).toEqual([]);
    expect(cart.controlPlane.revisionLabel).toEqual('canary');
    expect(withoutPodSecurity(MeshTesting.find(manifests, 'Namespace', 'shop').metadata.labels)).toEqual({ 'istio.io/rev': 'canary' });
  });
});

describe('services and the injector', () => {
  test('a service with its own proxy settings gets its own template, which its pods select', () => {
    // GIVEN one service with default settings and one with its own
    const mesh = newMesh();
    newService(mesh, 'web', ['v1']);
    newService(mesh, 'db', ['v1'], { proxy: { concurrency: 1, excludeOutboundPorts: [5432] } });
    // WHEN
    const manifests = MeshTesting.synth(mesh);
    const config = YAML.parse(MeshTesting.find(manifests, 'ConfigMap', 'istio-sidecar-injector').data.config);
    // THEN
    expect(Object.keys(config.templates)).toEqual(['sidecar', 'sidecar-db.default']);
    expect(YAML.parse(config.templates['sidecar-db.default']).spec.initContainers[0].args).toEqual(expect.arrayContaining(['-o', '5432']));
    const annotations = (name: string) => MeshTesting.find(manifests, 'Deployment', name).spec.template.metadata.annotations ?? {};
    expect(annotations('db-v1')['inject.istio.io/templates']).toEqual('sidecar-db.default');
    expect(annotations('web-v1')['inject.istio.io/templates']).toBeUndefined();
  });

  test('services named alike across namespaces (b-c in a, c in a-b) each get their own template', () => {
    // GIVEN two services whose namespace and name join to the same text, with different proxy settings
    const mesh = newMesh({ installCrds: false });
    newService(mesh, 'b-c', ['v1'], { namespace: 'a', proxy: { concurrency: 1 } });
    newService(mesh, 'c', ['v1'], { namespace: 'a-b', proxy: { concurrency: 4 } });
    // WHEN
    const manifests = MeshTesting.synth(mesh);
    const config = YAML.parse(MeshTesting.find(manifests, 'ConfigMap', 'istio-sidecar-injector').data.config);
    // THEN each has its template, with its own settings, and its pods select it
    expect(Object.keys(config.templates)).toEqual(['sidecar', 'sidecar-b-c.a', 'sidecar-c.a-b']);
    expect(config.templates['sidecar-b-c.a']).toContain('"concurrency":1');
    expect(config.templates['sidecar-c.a-b']).toContain('"concurrency":4');
    const template = (namespace: string, name: string) => MeshTesting.find(manifests, 'Deployment', name, namespace).spec.template.metadata.annotations['inject.istio.io/templates'];
    expect(template('a', 'b-c-v1')).toEqual('sidecar-b-c.a');
    expect(template('a-b', 'c-v1')).toEqual('sidecar-c.a-b');
  });

  test('the templates are in name order, whatever the order the services were written in', () => {
    // GIVEN two services with their own proxy settings, written in either order
    const config = (names: string[]) => {
      const mesh = newMesh({ installCrds: false });
      names.forEach(name => newService(mesh, name, ['v1'], { proxy: { concurrency: name === 'web' ? 1 : 2 } }));
      return MeshTesting.find(MeshTesting.synth(mesh), 'ConfigMap', 'istio-sidecar-injector').data.config;
    };
    // WHEN / THEN the injector's configuration is the same, byte for byte
    expect(Object.keys(YAML.parse(config(['web', 'api'])).templates)).toEqual(['sidecar', 'sidecar-api.default', 'sidecar-web.default']);
    expect(config(['web', 'api'])).toEqual(config(['api', 'web']));
  });

  test('explicit injection writes the sidecar at synth and keeps the webhook out', () => {
    // GIVEN a service injected explicitly
    const mesh = newMesh();
    newService(mesh, 'legacy', ['v1'], { injection: Injection.explicit() });
    // WHEN
    const manifests = MeshTesting.synth(mesh);
    const pod = MeshTesting.find(manifests, 'Deployment', 'legacy-v1').spec.template;
    // THEN
    expect(pod.metadata.labels['sidecar.istio.io/inject']).toEqual('false');
    expect(pod.spec.initContainers.map((c: any) => c.name)).toEqual(['istio-validation', 'istio-proxy']);
    expect(pod.spec.containers.map((c: any) => c.name)).toEqual(['legacy']);
    expect(pod.metadata.annotations['sidecar.istio.io/status']).toContain('"revision":"default"');
    const proxyEnv = pod.spec.initContainers[1].env;
    expect(proxyEnv).toContainEqual({ name: 'ISTIO_META_OWNER', value: 'kubernetes://apis/apps/v1/namespaces/default/deployments/legacy-v1' });
    expect(proxyEnv).toContainEqual({ name: 'ISTIO_META_POD_PORTS', value: '[{"containerPort":8080}]' });
    expect(validateManifests(manifests)).toEqual([]);
  });

  test.each([
    [Injection.explicit(), 'true', "[mesh/x/v1] [MESH0018] podAnnotations sets 'sidecar.istio.io/inject: true' on a service with explicit injection: explicit injection already writes the sidecar and opts the pods out of the webhook: drop the annotation"],
    [Injection.webhook(), 'false', "[mesh/x/v1] [MESH0018] podAnnotations sets 'sidecar.istio.io/inject: false' on a service with webhook injection: to keep the webhook's sidecar out, drop the annotation and use Injection.explicit(), or leave the service out of the mesh"],
  ])('fails on explicit and webhook injection on one workload (%#)', (injection, value, message) => {
    const mesh = newMesh();
    const svc = newService(mesh, 'x', [], { injection });
    svc.addVersion('v1', { image: 'x', podAnnotations: { 'sidecar.istio.io/inject': value } });
    expect(synthErrors(mesh)).toEqual([message]);
  });
});

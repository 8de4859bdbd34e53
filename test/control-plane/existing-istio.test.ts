import { Testing } from 'cdk8s';
import {
  AccessPolicy, DenyByDefault, Injection, Mesh, MeshService, MeshTesting, MtlsMode, MtlsPolicy, OutboundTrafficPolicy, PolicyScope, Protocol,
  Severity, TelemetryPolicy, TelemetryStack, TracingBackend, TrafficSplit, TrafficTarget,
} from '../../src';
import { validateManifests } from '../support/schemas';
import { newMesh, newService, ofKind, synthErrors } from '../support/util';


/** The labels of the first pod template of a service's version. */
const podLabels = (manifests: any[], name: string) => manifests.find(m => m.kind === 'Deployment' && m.metadata.name === name).spec.template.metadata.labels;

describe('a mesh that adopts an existing Istio', () => {
  test('writes no CRD, control plane, CNI agent or root namespace: only its namespaces and its own objects', () => {
    // GIVEN a mesh on the installation's default revision
    const mesh = newMesh({ existingIstio: {} });
    newService(mesh, 'web', ['v1'], { namespace: 'shop' });
    // WHEN it is synthesized
    const manifests = MeshTesting.synth(mesh);
    // THEN nothing of Istio's own is written
    for (const kind of ['CustomResourceDefinition', 'MutatingWebhookConfiguration', 'ValidatingWebhookConfiguration', 'ConfigMap', 'DaemonSet', 'ClusterRole', 'ClusterRoleBinding', 'Role', 'RoleBinding']) {
      expect(ofKind(manifests, kind)).toEqual([]);
    }
    expect(ofKind(manifests, 'Deployment').map(d => d.metadata.name)).toEqual(['web-v1']);
    expect(ofKind(manifests, 'ServiceAccount').map(d => d.metadata.name)).toEqual(['web']);
    // AND the only Namespace is the mesh's own, not the installation's root namespace
    expect(ofKind(manifests, 'Namespace').map(n => n.metadata.name)).toEqual(['shop']);
    // AND the layers are the namespaces and the mesh: no CRD or control plane file
    expect(mesh.charts.map(c => c.node.id)).toEqual(['mesh-namespaces', 'mesh']);
    expect(mesh.installCrds).toBe(false);
    expect(mesh.existingIstio).toBe(true);
    expect(synthErrors(mesh)).toEqual([]);
    expect(validateManifests(manifests)).toEqual([]);
  });

  test('describes the installed revision: the default one, its discovery address and proxy image', () => {
    const mesh = newMesh({ existingIstio: {}, hub: 'registry.example.com/istio', tag: '1.30.3-distroless' });
    expect(mesh.controlPlane.installed).toBe(true);
    expect(mesh.controlPlane.resource).toBeUndefined();
    expect(mesh.controlPlane.revisionLabel).toEqual('default');
    expect(mesh.controlPlane.discoveryAddress).toEqual('istiod.istio-system.svc:15012');
    expect(mesh.controlPlane.proxyImage).toEqual('registry.example.com/istio/proxyv2:1.30.3-distroless');
  });

  test('labels namespaces for the default revision and its pods for the webhook (istio-injection=enabled)', () => {
    const mesh = newMesh({ existingIstio: {} });
    newService(mesh, 'web', ['v1'], { namespace: 'shop' });
    const manifests = MeshTesting.synth(mesh);
    expect(MeshTesting.find(manifests, 'Namespace', 'shop').metadata.labels).toMatchObject({ 'istio-injection': 'enabled' });
    expect(MeshTesting.find(manifests, 'Namespace', 'shop').metadata.labels['istio.io/rev']).toBeUndefined();
    expect(podLabels(manifests, 'web-v1')).toMatchObject({ 'sidecar.istio.io/inject': 'true' });
    expect(podLabels(manifests, 'web-v1')['istio.io/rev']).toBeUndefined();
  });

  test.each([
    ['a named revision', 'canary'],
    ['a revision tag', 'prod-stable'],
  ])('labels namespaces and pods for %s (istio.io/rev)', (_, revision) => {
    const mesh = newMesh({ existingIstio: { revision } });
    newService(mesh, 'web', ['v1'], { namespace: 'shop' });
    const manifests = MeshTesting.synth(mesh);
    expect(MeshTesting.find(manifests, 'Namespace', 'shop').metadata.labels).toMatchObject({ 'istio.io/rev': revision });
    expect(MeshTesting.find(manifests, 'Namespace', 'shop').metadata.labels['istio-injection']).toBeUndefined();
    expect(podLabels(manifests, 'web-v1')).toMatchObject({ 'sidecar.istio.io/inject': 'true', 'istio.io/rev': revision });
    expect(mesh.controlPlane.discoveryAddress).toEqual(`istiod-${revision}.istio-system.svc:15012`);
    expect(synthErrors(mesh)).toEqual([]);
  });

  test('lets namespaces and services choose another installed revision (a canary upgrade of the installation)', () => {
    const mesh = newMesh({ existingIstio: { revisions: ['canary'] } });
    newService(mesh, 'web', ['v1'], { namespace: 'shop' });
    newService(mesh, 'api', ['v1'], { namespace: 'backend', revision: 'canary' });
    newService(mesh, 'db', ['v1'], { namespace: 'data' });
    mesh.setNamespaceRevision('data', 'canary');
    const manifests = MeshTesting.synth(mesh);
    expect(MeshTesting.find(manifests, 'Namespace', 'shop').metadata.labels).toMatchObject({ 'istio-injection': 'enabled' });
    expect(MeshTesting.find(manifests, 'Namespace', 'backend').metadata.labels).toMatchObject({ 'istio.io/rev': 'canary' });
    expect(MeshTesting.find(manifests, 'Namespace', 'data').metadata.labels).toMatchObject({ 'istio.io/rev': 'canary' });
    expect(podLabels(manifests, 'api-v1')).toMatchObject({ 'istio.io/rev': 'canary' });
    expect(mesh.controlPlanes.map(c => c.revisionLabel)).toEqual(['default', 'canary']);
    expect(mesh.controlPlanes.every(c => c.installed)).toBe(true);
    expect(synthErrors(mesh)).toEqual([]);
  });

  test('fails on a revision it was not told is installed', () => {
    const mesh = newMesh({ existingIstio: {} });
    newService(mesh, 'web', ['v1'], { namespace: 'shop', revision: 'canary' });
    expect(synthErrors(mesh)).toEqual([
      "[mesh/web] [MESH0036] service 'web' uses revision 'canary', but no control plane has it (revisions: default): if it is installed, list it in existingIstio.revisions",
    ]);
  });

  test('with namespaces off, writes no Namespace and selects injection on each pod', () => {
    // GIVEN namespaces owned elsewhere, and services on the default and a named revision
    const mesh = newMesh({ existingIstio: { namespaces: false, revisions: ['canary'] } });
    newService(mesh, 'web', ['v1'], { namespace: 'shop' });
    newService(mesh, 'api', ['v1'], { namespace: 'shop', revision: 'canary' });
    // WHEN synthesized
    const manifests = MeshTesting.synth(mesh);
    // THEN no Namespace, and each pod carries what the installed webhooks' object selectors match
    expect(ofKind(manifests, 'Namespace')).toEqual([]);
    expect(mesh.charts.map(c => c.node.id)).toEqual(['mesh']);
    expect(podLabels(manifests, 'web-v1')).toMatchObject({ 'sidecar.istio.io/inject': 'true' });
    expect(podLabels(manifests, 'web-v1')['istio.io/rev']).toBeUndefined();
    expect(podLabels(manifests, 'api-v1')).toMatchObject({ 'sidecar.istio.io/inject': 'true', 'istio.io/rev': 'canary' });
    // AND the mesh still knows its namespaces, and still analyses and checks pod security
    expect(mesh.namespaces).toEqual(['istio-system', 'shop']);
    expect(mesh.writesNamespaces).toBe(false);
    expect(synthErrors(mesh)).toEqual([]);
    expect(validateManifests(manifests)).toEqual([]);
  });

  test('writes explicit sidecars against the installed revision', () => {
    const mesh = newMesh({ existingIstio: { revision: 'stable', cni: true } });
    newService(mesh, 'web', ['v1'], { namespace: 'shop', injection: Injection.explicit() });
    const manifests = MeshTesting.synth(mesh);
    const pod = MeshTesting.find(manifests, 'Deployment', 'web-v1').spec.template.spec;
    const proxy = [...pod.initContainers ?? [], ...pod.containers].find((c: any) => c.name === 'istio-proxy');
    expect(proxy.image).toEqual('docker.io/istio/proxyv2:1.30.3');
    expect(proxy.env).toEqual(expect.arrayContaining([{ name: 'PILOT_CERT_PROVIDER', value: 'istiod' }]));
    expect(JSON.stringify(proxy)).toContain('istiod-stable.istio-system.svc:15012');
    // The installation runs the CNI agent: no istio-init
    expect((pod.initContainers ?? []).map((c: any) => c.name)).not.toContain('istio-init');
    expect(synthErrors(mesh)).toEqual([]);
  });

  test('labels its namespaces for the Pod Security level the installed capture needs', () => {
    const withoutCni = newMesh({ existingIstio: {} });
    newService(withoutCni, 'web', ['v1'], { namespace: 'shop' });
    const withCni = newMesh({ existingIstio: { cni: true } });
    newService(withCni, 'web', ['v1'], { namespace: 'shop' });
    const enforce = (mesh: Mesh) => MeshTesting.find(MeshTesting.synth(mesh), 'Namespace', 'shop').metadata.labels['pod-security.kubernetes.io/enforce'];
    expect(enforce(withoutCni)).toEqual('privileged');
    expect(enforce(withCni)).toEqual('restricted');
  });
});

describe("a mesh that adopts an existing Istio leaves the installation's other workloads alone", () => {
  test('writes its mesh-wide mTLS mode, deny-by-default and revoked identities into each of its namespaces, none into the root namespace', () => {
    // GIVEN services in two namespaces, one identity revoked
    const mesh = newMesh({ existingIstio: {} });
    const web = newService(mesh, 'web', ['v1'], { namespace: 'shop' });
    const api = newService(mesh, 'api', ['v1'], { namespace: 'backend' });
    new AccessPolicy(mesh, 'api-access', { service: api, allow: [{ from: web }] });
    new AccessPolicy(mesh, 'web-access', { service: web, allow: [] });
    mesh.revokeIdentity(web);
    // WHEN synthesized
    const manifests = MeshTesting.synth(mesh);
    // THEN nothing lands in the root namespace
    expect(manifests.filter(m => m.metadata.namespace === 'istio-system')).toEqual([]);
    // AND each namespace of the mesh gets the mesh-wide policies
    for (const ns of ['shop', 'backend']) {
      expect(MeshTesting.find(manifests, 'PeerAuthentication', 'default', ns).spec).toEqual({ mtls: { mode: 'STRICT' } });
      expect(MeshTesting.find(manifests, 'AuthorizationPolicy', 'allow-nothing', ns).spec).toEqual({});
      expect(MeshTesting.find(manifests, 'AuthorizationPolicy', 'revoked-identities', ns).spec.action).toEqual('DENY');
    }
    expect(mesh.mtlsPolicy.resource).toBeUndefined();
    expect(mesh.mtlsPolicy.resources.map(r => r.metadata.namespace)).toEqual(['shop', 'backend']);
    expect((mesh.node.findChild('DenyByDefault') as DenyByDefault).resources.map(r => r.metadata.namespace)).toEqual(['shop', 'backend']);
    expect(validateManifests(manifests)).toEqual([]);
  });

  test("keeps a namespace's own MtlsPolicy and deny-by-default in place of the mesh-wide copies, whatever the order", () => {
    const mesh = newMesh({ existingIstio: {}, denyByDefault: false });
    // One namespace's policy before its services, the other's after
    new MtlsPolicy(mesh, 'legacy-mtls', { scope: PolicyScope.namespace('legacy'), mode: MtlsMode.PERMISSIVE });
    newService(mesh, 'old', ['v1'], { namespace: 'legacy' });
    newService(mesh, 'web', ['v1'], { namespace: 'shop' });
    new MtlsPolicy(mesh, 'shop-mtls', { scope: PolicyScope.namespace('shop'), mode: MtlsMode.PERMISSIVE });
    mesh.denyByDefault({ namespace: 'shop' });
    const manifests = MeshTesting.synth(mesh);
    expect(ofKind(manifests, 'PeerAuthentication').map(p => `${p.metadata.namespace}/${p.metadata.name}=${p.spec.mtls.mode}`).sort())
      .toEqual(['legacy/default=PERMISSIVE', 'shop/default=PERMISSIVE']);
    expect(ofKind(manifests, 'AuthorizationPolicy').map(p => `${p.metadata.namespace}/${p.metadata.name}`)).toEqual(['shop/allow-nothing']);
    expect(synthErrors(mesh)).toEqual([]);
  });

  test('a mesh-wide deny-by-default and a namespace one write one allow-nothing there', () => {
    const mesh = newMesh({ existingIstio: {} });
    const web = newService(mesh, 'web', ['v1'], { namespace: 'shop' });
    new AccessPolicy(mesh, 'web-access', { service: web, allow: [] });
    mesh.denyByDefault({ namespace: 'shop' });
    const manifests = MeshTesting.synth(mesh);
    expect(ofKind(manifests, 'AuthorizationPolicy').filter(p => p.metadata.name === 'allow-nothing').map(p => p.metadata.namespace)).toEqual(['shop']);
  });

  test('analysis and MeshTesting agree with the per-namespace policies', () => {
    // GIVEN a mesh-wide PERMISSIVE mode, deny-by-default, and a service imported from a namespace outside the mesh
    const mesh = newMesh({ existingIstio: {}, mtls: MtlsMode.PERMISSIVE });
    const web = newService(mesh, 'web', ['v1'], { namespace: 'shop' });
    const api = newService(mesh, 'api', ['v1'], { namespace: 'shop' });
    const legacy = MeshService.fromName(mesh, 'legacy', 'legacy', { namespace: 'legacy', ports: [{ port: 8080, protocol: Protocol.HTTP }], podLabels: { app: 'legacy' } });
    new AccessPolicy(mesh, 'web-access', { service: web, allow: [] });
    const manifests = MeshTesting.synth(mesh);
    // THEN the mode the analysis gives is the namespace copy's
    expect(mesh.mtlsModeOf(api)).toEqual(MtlsMode.PERMISSIVE);
    expect(MeshTesting.find(manifests, 'PeerAuthentication', 'default', 'shop').spec.mtls.mode).toEqual('PERMISSIVE');
    // AND deny-by-default covers the mesh's namespaces only: api (no AccessPolicy) refuses every call, as the analysis warns
    expect(MeshTesting.canCall(mesh, web, api, {}, manifests)).toBe(false);
    expect(mesh.analyze().filter(f => f.code === 'MESH0303').map(f => f.path)).toEqual(['mesh/api']);
    // AND the imported service's namespace, outside the mesh, is not denied by default by it
    expect(mesh.analyze().filter(f => f.code === 'MESH0303' && f.path === 'mesh/legacy')).toEqual([]);
    expect(legacy.namespace).toEqual('legacy');
  });

  test('revokes identities in its own namespaces only, and its NetworkPolicies agree', () => {
    // GIVEN a revoked caller, a service of the mesh and one imported from a namespace outside it
    const mesh = newMesh({ existingIstio: {}, denyByDefault: false, networkPolicies: true });
    const web = newService(mesh, 'web', ['v1'], { namespace: 'shop' });
    const api = newService(mesh, 'api', ['v1'], { namespace: 'shop' });
    const legacy = MeshService.fromName(mesh, 'legacy', 'legacy', { namespace: 'legacy', ports: [{ port: 8080, protocol: Protocol.HTTP }], podLabels: { app: 'legacy' } });
    mesh.revokeIdentity(web);
    const manifests = MeshTesting.synth(mesh);
    // THEN the DENY policy is in the mesh's namespace only
    expect(ofKind(manifests, 'AuthorizationPolicy').map(p => `${p.metadata.namespace}/${p.metadata.name}`)).toEqual(['shop/revoked-identities']);
    // AND web's NetworkPolicy lets it reach the imported service, which does not refuse it, but not api, which does
    const egress = MeshTesting.find(manifests, 'NetworkPolicy', 'web', 'shop').spec.egress.map((r: any) => r.to?.[0]?.podSelector?.matchLabels?.app);
    expect(egress).toContain(legacy.serviceName);
    expect(egress).not.toContain(api.serviceName);
    expect(MeshTesting.canCall(mesh, web, api, {}, manifests)).toBe(false);
  });

  test('writes the telemetry stack outside the root namespace, and its mesh policy into each namespace', () => {
    const mesh = newMesh({ existingIstio: {} });
    const web = newService(mesh, 'web', ['v1'], { namespace: 'shop' });
    new AccessPolicy(mesh, 'web-access', { service: web, allow: [] });
    const stack = new TelemetryStack(mesh, 'telemetry', { tracing: TracingBackend.jaeger() });
    new TelemetryPolicy(mesh, 'shop-telemetry', { scope: PolicyScope.namespace('other'), tracing: { samplingPercentage: 1 } });
    const manifests = MeshTesting.synth(mesh);
    expect(stack.namespace).toEqual('mesh-telemetry');
    expect(manifests.filter(m => m.metadata.namespace === 'istio-system')).toEqual([]);
    const telemetry = ofKind(manifests, 'Telemetry').map(t => `${t.metadata.namespace}/${t.metadata.name}`).sort();
    // 'other' has its own: Istio honours one namespace-wide Telemetry per namespace
    expect(telemetry).toEqual(['mesh-telemetry/mesh-default', 'other/default', 'shop/mesh-default']);
    expect(validateManifests(manifests)).toEqual([]);
  });
});

describe('what an existing Istio needs of its mesh config', () => {
  test('warns with the meshConfig to add for settings and providers it cannot write', () => {
    const mesh = newMesh({ existingIstio: {}, outboundTrafficPolicy: OutboundTrafficPolicy.REGISTRY_ONLY, denyByDefault: false });
    newService(mesh, 'web', ['v1'], { namespace: 'shop' });
    new TelemetryStack(mesh, 'telemetry', { tracing: TracingBackend.jaeger() });
    const warnings = mesh.analyze().filter(f => f.code === 'MESH0706');
    expect(warnings.map(w => [w.severity, w.path])).toEqual([[Severity.WARNING, 'mesh']]);
    const json = JSON.parse(/ (\{"meshConfig".*)$/.exec(warnings[0].message)![1]);
    expect(json.meshConfig.outboundTrafficPolicy).toEqual({ mode: 'REGISTRY_ONLY' });
    expect(json.meshConfig.extensionProviders.map((p: any) => p.name)).toEqual(mesh.extensionProviderNames.filter(n => n !== 'prometheus' && n !== 'envoy'));
    expect(warnings[0].message).toMatch(/^the mesh adopts an existing Istio, whose mesh config it cannot change, and needs outboundTrafficPolicy, extensionProviders there: add to the installation's values \(istioctl or Helm\) \{"meshConfig":/);
  });

  test("says nothing when the mesh needs only Istio's defaults", () => {
    const mesh = newMesh({ existingIstio: {}, denyByDefault: false });
    newService(mesh, 'web', ['v1'], { namespace: 'shop' });
    expect(mesh.analyze()).toEqual([]);
  });

  test('says nothing for a mesh that installs its own Istio', () => {
    const mesh = newMesh({ outboundTrafficPolicy: OutboundTrafficPolicy.REGISTRY_ONLY, denyByDefault: false });
    newService(mesh, 'web');
    expect(mesh.analyze().filter(f => f.code === 'MESH0706')).toEqual([]);
  });
});

describe('analysis of a mesh that adopts an existing Istio', () => {
  test('still finds errors in routing', () => {
    const mesh = newMesh({ existingIstio: {}, denyByDefault: false });
    const reviews = newService(mesh, 'reviews', ['v1', 'v2'], { namespace: 'shop' });
    new TrafficSplit(mesh, 'split', { service: reviews, routes: [{ targets: [TrafficTarget.version('v4')] }] });
    expect(mesh.analyze().map(f => `${f.code} ${f.path}`)).toEqual(['MESH0101 mesh/split']);
    expect(synthErrors(mesh)).toEqual([
      "[mesh/split] [MESH0101] route 1: subset 'v4' is not a version of service 'reviews' (versions: v1, v2): add it with addVersion('v4', ...) or route to an existing version",
    ]);
  });
});

describe('what a mesh that adopts an existing Istio refuses', () => {
  test.each([
    ['installCrds true', { installCrds: true },
      '[mesh] [MESH0700] installCrds is true beside existingIstio, but the installed Istio owns its CRDs (and their version): leave installCrds out'],
    ['a controlPlane', { controlPlane: { replicas: 2 } },
      '[mesh] [MESH0701] controlPlane is set beside existingIstio, but the mesh renders no control plane of its own: configure istiod where Istio is installed (istioctl or Helm values), and leave controlPlane out'],
    ['cni options', { cni: { namespace: 'kube-system' } },
      "[mesh] [MESH0702] cni is set beside existingIstio, but the mesh installs no Istio CNI node agent: install it with Istio's istio-cni chart, and say whether the installation uses it with existingIstio.cni"],
  ])('fails on %s beside existingIstio', (_, props, message) => {
    const mesh = newMesh({ existingIstio: {}, ...props as object });
    expect(synthErrors(mesh)).toEqual([message]);
    // AND still writes no control plane or CRD
    expect(mesh.charts.map(c => c.node.id)).toEqual(['mesh-namespaces', 'mesh']);
  });

  test('fails on addControlPlane()', () => {
    const mesh = newMesh({ existingIstio: {} });
    const canary = mesh.addControlPlane('canary', { revision: 'canary' });
    expect(canary.installed).toBe(true);
    expect(synthErrors(mesh)).toEqual([
      "[mesh] [MESH0703] addControlPlane('canary') adds a control plane, but the mesh adopts an existing Istio and renders none: install the revision with istioctl or Helm, and list it in existingIstio.revisions",
    ]);
    expect(ofKind(MeshTesting.synth(newMesh({ existingIstio: { revisions: ['canary'] } })), 'Deployment')).toEqual([]);
  });

  test.each([
    ['existingIstio that is no object', { existingIstio: true },
      ["[mesh] [MESH0704] existingIstio true is not ExistingIstioOptions: give an object such as { revision: 'canary' }, or {} for the installation's default revision"]],
    ['a revision listed twice', { existingIstio: { revisions: ['canary', 'canary'] } },
      ["[mesh] [MESH0705] existingIstio.revisions lists revision 'canary' twice: list each other revision once"]],
    ['the default revision listed again', { existingIstio: { revision: 'stable', revisions: ['stable'] } },
      ["[mesh] [MESH0705] existingIstio.revisions lists revision 'stable' that existingIstio.revision already names: list each other revision once"]],
    ['an invalid revision', { existingIstio: { revision: 'Canary' } },
      ["[mesh] [MESH0001] existingIstio.revision 'Canary' is not a valid DNS label: use at most 63 lowercase letters, digits and '-', starting and ending with a letter or digit"]],
    ['namespaces that is no boolean', { existingIstio: { namespaces: 'false' } },
      ["[mesh] [MESH0091] existingIstio.namespaces 'false' is a string, not a boolean: give true or false, without quotes"]],
  ])('fails on %s', (_, props, messages) => {
    const mesh = new Mesh(Testing.app(), 'mesh', props as any);
    expect(synthErrors(mesh)).toEqual(messages);
  });

  test('controlPlaneOf() of a revision it was not told is installed fails, naming existingIstio', () => {
    const mesh = newMesh({ existingIstio: { revisions: ['canary'] } });
    expect(mesh.controlPlaneOf('canary').discoveryAddress).toEqual('istiod-canary.istio-system.svc:15012');
    expect(() => mesh.controlPlaneOf('next')).toThrow(
      "[MESH0036] mesh: no control plane has revision 'next' (revisions: default, canary): if it is installed, list it in existingIstio.revisions");
  });

  test('fails on a namespace revision it was not told is installed, naming existingIstio', () => {
    const mesh = newMesh({ existingIstio: {} });
    newService(mesh, 'web', ['v1'], { namespace: 'shop' });
    mesh.setNamespaceRevision('shop', 'canary');
    expect(synthErrors(mesh)).toEqual([
      "[mesh] [MESH0036] namespace 'shop' uses revision 'canary', but no control plane has it (revisions: default): if it is installed, list it in existingIstio.revisions",
    ]);
  });
});

import { Testing } from 'cdk8s';
import {
  CertificateAuthority, EgressGateway, IngressGateway, Mesh, MeshAnalyzer, MeshService, MeshServiceVersion, MeshTesting, MtlsMode, MtlsPolicy,
  DenyByDefault, PolicyScope, Protocol, RevokedIdentities, Severity, TolerationOperator,
} from '../../src';
import { newMesh, newService, synthErrors } from '../support/util';

// Callers from plain JavaScript bypass the types: a name given as a number or an object is reported once
// (MESH0091), before it is used in a construct id or an object name. `js()` stands for such a caller.
const js = (value: unknown) => value as any;

describe('name props are strings (MESH0091)', () => {
  test('a service namespace that is a number is reported, not written as a number', () => {
    const mesh = newMesh();
    newService(mesh, 'web', ['v1'], { namespace: js(42) });
    expect(synthErrors(mesh)).toEqual(["[mesh/web] [MESH0091] namespace 42 is a number, not a string: give a name in quotes, e.g. 'web'"]);
  });

  test('a version name that is an object is reported, not a crash on the construct id', () => {
    const mesh = newMesh();
    newService(mesh, 'web', []).addVersion(js({}), { image: 'example/web:1' });
    expect(synthErrors(mesh)).toEqual(["[mesh/web] [MESH0091] version {} is an object, not a string: give a name in quotes, e.g. 'web'"]);
  });

  test('a root namespace that is an object is reported on the mesh', () => {
    const mesh = new Mesh(Testing.app(), 'mesh', { rootNamespace: js({}) });
    expect(synthErrors(mesh)).toEqual(["[mesh] [MESH0091] rootNamespace {} is an object, not a string: give a name in quotes, e.g. 'web'"]);
  });

  test('a gateway name, a revision and a priority class that are numbers are reported', () => {
    const mesh = new Mesh(Testing.app(), 'mesh', { controlPlane: { revision: js(42), priorityClassName: js(7) } });
    new EgressGateway(mesh, 'gw', { name: js(5) });
    expect(synthErrors(mesh)).toEqual(expect.arrayContaining([
      "[mesh-control-plane/istiod] [MESH0091] revision 42 is a number, not a string: give a name in quotes, e.g. 'web'",
      "[mesh-control-plane/istiod] [MESH0091] priorityClassName 7 is a number, not a string: give a name in quotes, e.g. 'web'",
      "[mesh/gw] [MESH0091] name 5 is a number, not a string: give a name in quotes, e.g. 'web'",
    ]));
  });

  test('pluginCerts() given a secret name that is a number throws at once', () => {
    expect(() => CertificateAuthority.pluginCerts({ secretName: js(3) })).toThrow(/^\[MESH0091\] .*secretName 3 is a number, not a string: give a name in quotes, e.g. 'web'$/);
  });

  test('denyByDefault() with a namespace that is a number reports it once', () => {
    const mesh = newMesh();
    mesh.denyByDefault({ namespace: js(42) });
    expect(synthErrors(mesh)).toEqual(["[mesh] [MESH0091] namespace 42 is a number, not a string: give a name in quotes, e.g. 'web'"]);
  });

  test('a factory given a namespace that is a number throws at once', () => {
    expect(() => PolicyScope.namespace(js(42))).toThrow("[MESH0091] PolicyScope.namespace: name 42 is a number, not a string: give a name in quotes, e.g. 'web'");
  });

  test('an ingress gateway namespace that is an object is reported', () => {
    const mesh = newMesh();
    new IngressGateway(mesh, 'gw', { namespace: js({}) });
    expect(synthErrors(mesh)).toContain("[mesh/gw] [MESH0091] namespace {} is an object, not a string: give a name in quotes, e.g. 'web'");
  });

  test('string names are accepted', () => {
    const mesh = newMesh();
    newService(mesh, 'web', ['v1'], { namespace: 'shop' });
    new MtlsPolicy(mesh, 'mtls', { mode: MtlsMode.STRICT, scope: PolicyScope.namespace('shop') });
    mesh.denyByDefault({ namespace: 'shop' });
    expect(synthErrors(mesh)).toEqual([]);
  });
});

describe('name rules', () => {
  test('a ServiceAccount name is a DNS subdomain: dots are accepted', () => {
    const mesh = newMesh();
    newService(mesh, 'web', ['v1'], { serviceAccountName: 'web.sa' });
    expect(synthErrors(mesh)).toEqual([]);
    expect(mesh.charts.flatMap(c => Testing.synth(c)).find(o => o.kind === 'ServiceAccount' && o.metadata.namespace === 'default')?.metadata.name).toEqual('web.sa');
  });

  test('a ServiceAccount name that is no DNS subdomain is still refused', () => {
    const mesh = newMesh();
    newService(mesh, 'web', ['v1'], { serviceAccountName: 'Web SA' });
    expect(synthErrors(mesh)).toEqual(["[mesh/web] [MESH0001] serviceAccountName 'Web SA' is not a valid DNS name: use lowercase letters, digits, '-' and '.'"]);
  });

  test('an empty revision is refused: the unnamed revision is the one left out', () => {
    const mesh = new Mesh(Testing.app(), 'mesh', { controlPlane: { revision: '' } });
    expect(synthErrors(mesh)).toEqual(["[mesh-control-plane/istiod] [MESH0001] revision '' is not a valid DNS label: use at most 63 lowercase letters, digits and '-', starting and ending with a letter or digit"]);
  });

  test('DenyByDefault without props reports its namespace as missing', () => {
    const mesh = newMesh();
    new DenyByDefault(mesh, 'deny', js(undefined));
    expect(synthErrors(mesh)).toEqual(["[mesh/deny] [MESH0006] namespace is missing: give a name, e.g. 'web'"]);
  });
});


describe('versions from JavaScript', () => {
  function versionErrors(options: any): string[] {
    const mesh = newMesh();
    const svc = newService(mesh, 'web', []);
    svc.addVersion('v1', { image: 'example/web:1', ...options });
    return synthErrors(mesh);
  }

  test('env and podAnnotations values are strings', () => {
    expect(versionErrors({ env: { A: 1, B: undefined }, podAnnotations: { a: 2 } })).toEqual([
      "[mesh/web/v1] [MESH0091] env['A'] 1 is a number, not a string: give a string, e.g. '1'",
      "[mesh/web/v1] [MESH0091] env['B'] is undefined, not a string: give a string, or leave the key out",
      "[mesh/web/v1] [MESH0091] podAnnotations['a'] 2 is a number, not a string: give a string, e.g. '2'",
    ]);
  });

  test('env and podAnnotations are maps: null, a string or a list is not one', () => {
    expect(versionErrors({ env: 'A=1', podAnnotations: null })).toEqual([
      "[mesh/web/v1] [MESH0091] env 'A=1' is a string, not a map of strings: give an object, e.g. { app: 'web' }",
      "[mesh/web/v1] [MESH0091] podAnnotations is null, not a map of strings: give an object, e.g. { app: 'web' }",
    ]);
    expect(versionErrors({ podAnnotations: ['a'] })).toEqual([
      '[mesh/web/v1] [MESH0091] podAnnotations ["a"] is a list, not a map of strings: give an object, e.g. { app: \'web\' }',
    ]);
    expect(versionErrors({ env: { A: '1' }, podAnnotations: { a: '2' } })).toEqual([]);
  });

  test('command and args are lists of strings', () => {
    expect(versionErrors({ command: [undefined], args: '--port=80' })).toEqual([
      '[mesh/web/v1] [MESH0091] command[0] is undefined, not a string: give a string, or leave the item out',
      "[mesh/web/v1] [MESH0092] args '--port=80' is not a list: give an array, e.g. ['--port=80']",
    ]);
  });

  test('imagePullPolicy is a value of ImagePullPolicy', () => {
    expect(versionErrors({ imagePullPolicy: 'always' })).toEqual([
      "[mesh/web/v1] [MESH0090] imagePullPolicy 'always' is not a value of ImagePullPolicy: use ImagePullPolicy.ALWAYS, ImagePullPolicy.IF_NOT_PRESENT or ImagePullPolicy.NEVER",
    ]);
  });

  test("writablePaths '/' is refused: an empty volume there hides the image", () => {
    expect(versionErrors({ writablePaths: ['/'] })).toEqual([
      "[mesh/web/v1] [MESH0017] writablePaths '/' is the root directory: an empty volume there hides the whole image, list the directories the application writes to (e.g. '/tmp')",
    ]);
  });

  test('the legal neighbours are accepted', () => {
    expect(versionErrors({ env: { A: '1' }, podAnnotations: { a: '2' }, command: ['/app'], args: ['--port=80'], imagePullPolicy: 'Always', writablePaths: ['/tmp'] })).toEqual([]);
  });

  test('env setting a variable of the sidecar warns (MESH0049): the application container does not configure the proxy', () => {
    const mesh = newMesh();
    newService(mesh, 'web', []).addVersion('v1', { image: 'example/web:1', env: { ISTIO_META_MESH_ID: 'other', PORT: '80' } });
    expect(synthErrors(mesh)).toEqual([]);
    expect(MeshAnalyzer.analyze(mesh).map(f => `${f.code} ${f.path}: ${f.message}`)).toContain(
      "MESH0049 mesh/web/v1: env 'ISTIO_META_MESH_ID' is a variable of Istio's sidecar, but env sets the application's container, not the sidecar's: configure the proxy with the service's proxy options, or rename the variable");
  });

  test('a MeshServiceVersion needs a service of its own mesh (MESH0006, MESH0097)', () => {
    const mesh = newMesh();
    expect(() => new MeshServiceVersion(mesh, 'v0', js(undefined))).toThrow('[MESH0006] mesh/v0: service is missing: give the service it is a version of, or use MeshService.addVersion()');
    const other = newService(newMesh(), 'web', []);
    new MeshServiceVersion(mesh, 'v1', { service: other, versionName: 'v1', image: 'example/web:1' });
    expect(synthErrors(mesh)).toContain("[mesh/v1] [MESH0097] service 'web' belongs to another mesh (mesh): give a service of mesh 'mesh'");
  });
});

describe('services and meshes from JavaScript', () => {
  test('a port that is null is reported (MESH0047) and the other ports kept', () => {
    const mesh = newMesh();
    const svc = new MeshService(mesh, 'web', { ports: js([null, { port: 8080, protocol: Protocol.HTTP }]) });
    expect(synthErrors(mesh)).toEqual(['[mesh/web] [MESH0047] ports[0] is null: give each port as an object, e.g. { port: 8080, protocol: Protocol.HTTP }']);
    expect(svc.ports.map(p => p.port)).toEqual([8080]);
  });

  test("injection given as the string 'explicit' is reported (MESH0096)", () => {
    const mesh = newMesh();
    newService(mesh, 'web', ['v1'], { injection: js('explicit') });
    expect(synthErrors(mesh)).toEqual(["[mesh/web] [MESH0096] injection 'explicit' is not an Injection: choose Injection.webhook() or Injection.explicit()"]);
  });

  test('RevokedIdentities.add(undefined) is reported, not a crash at synth', () => {
    const mesh = newMesh();
    new RevokedIdentities(mesh, 'revoked', { mesh }).add(js(undefined));
    expect(synthErrors(mesh)).toEqual(['[mesh/revoked] [MESH0009] add() was given nothing: name a MeshService, one imported with MeshService.fromName(), or a gateway']);
  });

  test('null props are the defaults', () => {
    const mesh = new Mesh(Testing.app(), 'mesh', js(null));
    expect(mesh.rootNamespace).toEqual('istio-system');
    expect(synthErrors(mesh)).toEqual([]);
  });

  test("a system namespace as the root namespace is refused (MESH0080); 'istio-mesh' is accepted", () => {
    expect(synthErrors(new Mesh(Testing.app(), 'mesh', { rootNamespace: 'kube-system' }))).toEqual([
      "[mesh] [MESH0080] rootNamespace 'kube-system' is a Kubernetes system namespace, which the mesh would write as its own Namespace (deleting the mesh would delete it): use a namespace of the mesh, e.g. 'istio-system'",
    ]);
    expect(synthErrors(new Mesh(Testing.app(), 'mesh', { rootNamespace: 'istio-mesh' }))).toEqual([]);
  });

  test('a toleration with operator Exists and a value is refused (MESH0081); a value alone means Equal', () => {
    const mesh = new Mesh(Testing.app(), 'mesh', { controlPlane: { tolerations: [{ key: 'dedicated', operator: TolerationOperator.EXISTS, value: 'x' }] } });
    expect(synthErrors(mesh)).toEqual([
      "[mesh-control-plane/istiod] [MESH0081] toleration 'dedicated' has operator Exists and value 'x': Kubernetes takes a value only with Equal, use operator TolerationOperator.EQUAL to tolerate that value, or leave value out to tolerate any",
    ]);
    const ok = new Mesh(Testing.app(), 'mesh', { controlPlane: { tolerations: [{ key: 'pool', value: 'system' }] } });
    expect(synthErrors(ok)).toEqual([]);
    const istiod = MeshTesting.find(MeshTesting.synth(ok), 'Deployment', 'istiod');
    expect(istiod.spec.template.spec.tolerations).toContainEqual({ key: 'pool', operator: 'Equal', value: 'system' });
  });
});

describe('Mesh methods and test helpers from JavaScript', () => {
  test('name arguments are checked', () => {
    const mesh = newMesh();
    expect(() => mesh.controlPlaneOf(js(undefined))).toThrow("[MESH0006] Mesh.controlPlaneOf: revision is missing: give a name, e.g. 'canary'");
    expect(() => mesh.namespaceControlPlane(js(undefined))).toThrow("[MESH0006] Mesh.namespaceControlPlane: namespace is missing: give a name, e.g. 'web'");
    expect(() => mesh.principalOf('a/b', 'sa')).toThrow("[MESH0001] Mesh.principalOf: namespace 'a/b' is not a valid DNS label: use at most 63 lowercase letters, digits and '-', starting and ending with a letter or digit");
    expect(() => mesh.hostOf('Web', 'default')).toThrow("[MESH0001] Mesh.hostOf: serviceName 'Web' is not a valid DNS label: use at most 63 lowercase letters, digits and '-', starting and ending with a letter or digit");
    expect(mesh.principalOf('shop', 'web.sa')).toEqual('cluster.local/ns/shop/sa/web.sa');
    expect(mesh.hostOf('web', 'shop')).toEqual('web.shop.svc.cluster.local');
    expect(mesh.controlPlaneOf('default')).toBe(mesh.controlPlane);
  });

  test('mtlsModeOf() takes a service of its mesh and a port (MESH0097, MESH0003)', () => {
    const mesh = newMesh();
    const web = newService(mesh, 'web');
    const foreign = newService(new Mesh(Testing.app(), 'other'), 'web');
    expect(() => mesh.mtlsModeOf(foreign)).toThrow("[MESH0097] Mesh.mtlsModeOf: service 'web' belongs to another mesh (other): give a service of mesh 'mesh'");
    expect(() => mesh.mtlsModeOf(web, NaN)).toThrow('[MESH0003] Mesh.mtlsModeOf: port NaN is out of range: use a whole number from 1 to 65535');
    expect(mesh.mtlsModeOf(web, 8080)).toEqual(MtlsMode.STRICT);
  });

  test('MeshTesting and MeshAnalyzer take a Mesh (MESH0097), find names what is there (MESH0098)', () => {
    expect(() => MeshTesting.synth(js({}))).toThrow("[MESH0097] MeshTesting.synth: mesh is not a Mesh: give the Mesh itself, e.g. new Mesh(app, 'mesh')");
    expect(() => MeshAnalyzer.analyze(js(undefined))).toThrow("[MESH0097] MeshAnalyzer.analyze: mesh is missing: give the Mesh itself, e.g. new Mesh(app, 'mesh')");
    const mesh = newMesh();
    const web = newService(mesh, 'web');
    const manifests = MeshTesting.synth(mesh);
    expect(() => MeshTesting.find(manifests, 'Service', 'nope')).toThrow(
      "[MESH0098] MeshTesting.find: expected one Service 'nope', found 0 (Services: istio-system/istiod, default/web): name an object the manifests hold, or give its namespace");
    expect(() => MeshTesting.find(js(undefined), 'Service', 'web')).toThrow('[MESH0092] MeshTesting.find: manifests is missing: give the list MeshTesting.synth() returns');
    expect(MeshTesting.find(manifests, 'Service', 'web').metadata.namespace).toEqual('default');
    const foreign = newService(new Mesh(Testing.app(), 'other'), 'web');
    expect(() => MeshTesting.allowedCallers(mesh, foreign)).toThrow("[MESH0097] MeshTesting.allowedCallers: service 'web' belongs to another mesh (other): give a service of mesh 'mesh'");
    expect(MeshTesting.allowedCallers(mesh, web, manifests)).toEqual([]);
  });
});

describe('namespace revisions', () => {
  test('a second setNamespaceRevision() with another revision is refused (MESH0099); the same one again is accepted', () => {
    const mesh = newMesh();
    mesh.addControlPlane('canary', { revision: 'canary' });
    newService(mesh, 'web');
    mesh.setNamespaceRevision('default', 'canary');
    mesh.setNamespaceRevision('default', 'canary');
    expect(synthErrors(mesh)).toEqual([]);
    mesh.setNamespaceRevision('default', 'default');
    expect(synthErrors(mesh)).toEqual([
      "[mesh] [MESH0099] namespace 'default' already has revision 'canary' (from an earlier setNamespaceRevision()): set each namespace's revision once, to the revision it should use",
    ]);
    expect(mesh.namespaceControlPlane('default').revision).toEqual('canary');
  });

  test('a namespace revision no service of the namespace uses is a warning (MESH0048); one a service uses is not', () => {
    const mesh = newMesh();
    mesh.addControlPlane('canary', { revision: 'canary' });
    newService(mesh, 'web', ['v1'], { revision: 'default' });
    mesh.setNamespaceRevision('default', 'canary');
    expect(mesh.analyze().filter(f => f.code === 'MESH0048')).toEqual([{
      code: 'MESH0048',
      severity: Severity.WARNING,
      path: 'mesh',
      message: "namespace 'default' has revision 'canary', but every service in it chooses its own (default), so the namespace is labelled for theirs "
        + "and revision 'canary' injects nothing: drop setNamespaceRevision() for it, or the revision of its services",
    }]);
    newService(mesh, 'api');
    expect(mesh.analyze().filter(f => f.code === 'MESH0048')).toEqual([]);
  });
});

describe('an imported service\'s podLabels from JavaScript', () => {
  function importErrors(podLabels: any): string[] {
    const mesh = newMesh({ denyByDefault: false });
    MeshService.fromName(mesh, 'imp', 'imp', { podLabels });
    return synthErrors(mesh);
  }

  test.each([
    [null, 'podLabels is null'],
    ['x', "podLabels 'x' is a string"],
    [['x'], 'podLabels ["x"] is a list'],
  ])('podLabels %j is not a map of strings', (podLabels, given) => {
    expect(importErrors(podLabels)).toEqual([`[mesh/imp] [MESH0091] ${given}, not a map of strings: give an object, e.g. { app: 'web' }`]);
  });

  test('a map of strings is kept', () => {
    expect(importErrors({ app: 'imp' })).toEqual([]);
    expect(importErrors(undefined)).toEqual([]);
  });
});

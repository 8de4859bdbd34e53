import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, Testing } from 'cdk8s';
import * as YAML from 'yaml';
import { Mesh, MeshLayer, MeshTesting, MtlsMode, OutboundTrafficPolicy } from '../src';
import { podSecurityLabels, withoutPodSecurity } from './support/pod-security';
import { newMesh, newService, synthErrors } from './support/util';

describe('Mesh', () => {
  test('defaults', () => {
    // GIVEN
    const mesh = newMesh();

    // THEN
    expect(mesh.trustDomain).toEqual('cluster.local');
    expect(mesh.rootNamespace).toEqual('istio-system');
    expect(mesh.version).toEqual('1.30.3');
    expect(mesh.hub).toEqual('docker.io/istio');
    expect(mesh.tag).toEqual('1.30.3');
    expect(mesh.mtlsMode).toEqual(MtlsMode.STRICT);
    expect(mesh.autoMtls).toBe(true);
    expect(mesh.outboundTrafficPolicy).toEqual(OutboundTrafficPolicy.ALLOW_ANY);
    expect(mesh.defaultNamespace).toEqual('default');
    expect(mesh.clusterDomain).toEqual('cluster.local');
    // the root namespace, and the Istio CNI node agent's
    expect(mesh.namespaces).toEqual(['istio-system', 'istio-cni']);
    expect(mesh.services).toEqual([]);
  });

  test('an empty mesh renders the root namespace, the mesh-wide STRICT PeerAuthentication and deny-by-default', () => {
    // GIVEN
    const mesh = newMesh();

    // WHEN (the CRD and control plane layers have tests of their own)
    const manifests = [...Testing.synth(mesh._layer(MeshLayer.NAMESPACES)), ...Testing.synth(mesh)];

    // THEN
    expect(manifests).toMatchSnapshot();
    expect(manifests).toEqual([
      { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'istio-system', labels: podSecurityLabels('restricted') } },
      { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'istio-cni', labels: podSecurityLabels('privileged') } },
      {
        apiVersion: 'security.istio.io/v1',
        kind: 'PeerAuthentication',
        metadata: { name: 'default', namespace: 'istio-system' },
        spec: { mtls: { mode: 'STRICT' } },
      },
      { apiVersion: 'security.istio.io/v1', kind: 'AuthorizationPolicy', metadata: { name: 'allow-nothing', namespace: 'istio-system' }, spec: {} },
    ]);
  });

  test('every prop', () => {
    // GIVEN
    const mesh = newMesh({
      trustDomain: 'example.org',
      rootNamespace: 'mesh-root',
      version: '1.30.2',
      hub: 'registry.example.org/istio',
      tag: '1.30.2-distroless',
      mtls: MtlsMode.PERMISSIVE,
      autoMtls: false,
      outboundTrafficPolicy: OutboundTrafficPolicy.REGISTRY_ONLY,
      defaultNamespace: 'apps',
      clusterDomain: 'corp.local',
    });
    const svc = newService(mesh, 'web');

    // WHEN
    const manifests = MeshTesting.synth(mesh);

    // THEN
    expect(mesh.tag).toEqual('1.30.2-distroless');
    expect(svc.namespace).toEqual('apps');
    expect(svc.host).toEqual('web.apps.svc.corp.local');
    expect(svc.identity).toEqual('spiffe://example.org/ns/apps/sa/web');
    expect(MeshTesting.find(manifests, 'PeerAuthentication', 'default', 'mesh-root').spec).toEqual({ mtls: { mode: 'PERMISSIVE' } });
    // without auto mTLS every service states its TLS mode
    // (and, as every DestinationRule, declares a subset for each of the service's versions)
    expect(MeshTesting.find(manifests, 'DestinationRule', 'web', 'apps').spec).toEqual({
      host: 'web.apps.svc.corp.local',
      trafficPolicy: { tls: { mode: 'ISTIO_MUTUAL' } },
      subsets: [{ name: 'v1', labels: { version: 'v1' } }],
    });
    expect(YAML.parse(mesh.meshConfig())).toMatchObject({
      trustDomain: 'example.org',
      rootNamespace: 'mesh-root',
      enableAutoMtls: false,
      outboundTrafficPolicy: { mode: 'REGISTRY_ONLY' },
      defaultConfig: { discoveryAddress: 'istiod.mesh-root.svc:15012' },
    });
  });

  test('namespaces are rendered in a chart applied before the workloads, enrolled in injection', () => {
    // GIVEN
    const app = Testing.app();
    const mesh = new Mesh(app, 'shop');
    newService(mesh, 'cart', ['v1'], { namespace: 'store' });
    newService(mesh, 'web', ['v1'], { namespace: 'store' });
    newService(mesh, 'admin', ['v1'], { namespace: 'backoffice' });

    // WHEN
    app.synth();

    // THEN
    const files = fs.readdirSync(app.outdir).sort();
    expect(files).toEqual(['0000-shop-crds.k8s.yaml', '0001-shop-namespaces.k8s.yaml', '0002-shop-control-plane.k8s.yaml', '0003-shop.k8s.yaml']);
    expect(mesh.namespaces).toEqual(['istio-system', 'istio-cni', 'store', 'backoffice']);
    const namespaces = Testing.synth(mesh._layer('namespaces' as any));
    expect(namespaces.map(n => [n.metadata.name, withoutPodSecurity(n.metadata.labels)])).toEqual([
      ['istio-system', undefined],
      ['istio-cni', undefined],
      ['store', { 'istio-injection': 'enabled' }],
      ['backoffice', { 'istio-injection': 'enabled' }],
    ]);
  });

  test('Mesh.of finds the enclosing mesh', () => {
    const mesh = newMesh();
    const svc = newService(mesh, 'web');
    expect(Mesh.of(svc)).toBe(mesh);
    expect(Mesh.of(mesh)).toBe(mesh);
    expect(Mesh.isMesh(svc)).toBe(false);
  });

  test('synthesis is deterministic: two runs give byte-identical YAML', () => {
    const render = () => {
      const app = new App({ outdir: fs.mkdtempSync(path.join(os.tmpdir(), 'mesh-')) });
      const mesh = new Mesh(app, 'm');
      newService(mesh, 'a', ['v1', 'v2']);
      newService(mesh, 'b');
      return app.synthYaml();
    };
    expect(render()).toEqual(render());
  });

  test.each([
    [{ trustDomain: 'Not_A_Domain' }, "[mesh] [MESH0001] trustDomain 'Not_A_Domain' is not a valid DNS name: use lowercase letters, digits, '-' and '.'"],
    [{ rootNamespace: 'istio.system' }, "[mesh] [MESH0001] rootNamespace 'istio.system' is not a valid DNS label: use at most 63 lowercase letters, digits and '-', starting and ending with a letter or digit"],
    [{ defaultNamespace: '-apps' }, "[mesh] [MESH0001] defaultNamespace '-apps' is not a valid DNS label: use at most 63 lowercase letters, digits and '-', starting and ending with a letter or digit"],
    [{ clusterDomain: 'cluster..local' }, "[mesh] [MESH0001] clusterDomain 'cluster..local' is not a valid DNS name: use lowercase letters, digits, '-' and '.'"],
    [{ tag: 'bad tag' }, "[mesh] [MESH0005] tag 'bad tag' is not a valid image tag: use letters, digits, '.', '_' and '-' (at most 128)"],
  ])('fails on invalid props %p', (props, message) => {
    // GIVEN a mesh with one invalid prop
    const mesh = newMesh(props);
    // THEN synthesis reports it, once
    expect(synthErrors(mesh)).toEqual([message]);
  });

  test('fails on several invalid props, reporting every one', () => {
    // GIVEN a mesh with two mistakes
    const mesh = newMesh({ trustDomain: 'Not_A_Domain', tag: 'bad tag' });
    // THEN
    expect(synthErrors(mesh)).toEqual([
      "[mesh] [MESH0001] trustDomain 'Not_A_Domain' is not a valid DNS name: use lowercase letters, digits, '-' and '.'",
      "[mesh] [MESH0005] tag 'bad tag' is not a valid image tag: use letters, digits, '.', '_' and '-' (at most 128)",
    ]);
  });

  test('fails when a construct that needs a mesh is outside one', () => {
    const chart = Testing.chart();
    expect(() => Mesh.of(chart)).toThrow('[MESH0004] test: is not inside a Mesh: create it with a Mesh (or a construct inside one) as its scope');
  });

  test('fails when denyByDefault is called twice for one namespace', () => {
    // GIVEN a mesh that does not deny by default (its own mesh-wide policy may be asked for again)
    const mesh = newMesh({ denyByDefault: false });
    const first = mesh.denyByDefault({ namespace: 'apps' });

    // WHEN
    const second = mesh.denyByDefault({ namespace: 'apps' });
    mesh.denyByDefault();
    mesh.denyByDefault();

    // THEN both mistakes are reported at synth, and the policy stays one
    expect(second).toBe(first);
    expect(synthErrors(mesh)).toEqual([
      "[mesh] [MESH0206] denyByDefault() was already called for namespace 'apps': call it once per namespace",
      '[mesh] [MESH0206] denyByDefault() was already called for the whole mesh: call it once per namespace',
    ]);
  });
});

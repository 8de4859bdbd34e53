import { MeshService, MeshTesting, MtlsMode, MtlsPolicy, PolicyScope, Protocol } from '../../src';
import { validateManifests } from '../support/schemas';
import { newMesh, newService, synthErrors } from '../support/util';

describe('MtlsPolicy', () => {
  test('namespace scope', () => {
    // GIVEN
    const mesh = newMesh();
    const web = newService(mesh, 'web', ['v1'], { namespace: 'legacy' });

    // WHEN
    const policy = new MtlsPolicy(mesh, 'legacy-mtls', { mode: MtlsMode.PERMISSIVE, scope: PolicyScope.namespace('legacy') });
    const manifests = MeshTesting.synth(mesh);

    // THEN
    expect(MeshTesting.find(manifests, 'PeerAuthentication', 'default', 'legacy')).toMatchSnapshot();
    expect(MeshTesting.find(manifests, 'PeerAuthentication', 'default', 'legacy').spec).toEqual({ mtls: { mode: 'PERMISSIVE' } });
    expect(policy.portOverrides).toEqual([]);
    expect(mesh.mtlsModeOf(web)).toEqual(MtlsMode.PERMISSIVE);
    expect(validateManifests(manifests)).toEqual([]);
  });

  test('workload scope with per-port overrides (rendered on target ports)', () => {
    // GIVEN
    const mesh = newMesh();
    const db = new MeshService(mesh, 'db', { ports: [{ port: 80, targetPort: 8080 }, { port: 9000, protocol: Protocol.TCP }] });
    new MtlsPolicy(mesh, 'ns', { mode: MtlsMode.PERMISSIVE, scope: PolicyScope.namespace('default') });

    // WHEN
    const policy = new MtlsPolicy(mesh, 'db-mtls', {
      mode: MtlsMode.STRICT,
      scope: PolicyScope.workload(db),
      portOverrides: [{ port: 9000, mode: MtlsMode.DISABLE }],
    });
    policy.addPortOverride(80, MtlsMode.PERMISSIVE);
    const manifests = MeshTesting.synth(mesh);

    // THEN
    expect(MeshTesting.find(manifests, 'PeerAuthentication', 'db', 'default').spec).toEqual({
      selector: { matchLabels: { app: 'db' } },
      mtls: { mode: 'STRICT' },
      portLevelMtls: { 8080: { mode: 'PERMISSIVE' }, 9000: { mode: 'DISABLE' } },
    });
    expect(policy.portOverrides).toEqual([{ port: 9000, mode: MtlsMode.DISABLE }, { port: 80, mode: MtlsMode.PERMISSIVE }]);
    // the most specific policy wins
    expect(mesh.mtlsModeOf(db)).toEqual(MtlsMode.STRICT);
    expect(mesh.mtlsModeOf(db, 9000)).toEqual(MtlsMode.DISABLE);
    expect(validateManifests(manifests)).toEqual([]);
  });

  test('the mesh-wide mode applies where nothing narrower does', () => {
    const mesh = newMesh({ mtls: MtlsMode.PERMISSIVE });
    const web = newService(mesh, 'web');
    expect(mesh.mtlsModeOf(web)).toEqual(MtlsMode.PERMISSIVE);
    expect(mesh.mtlsPolicy.mode).toEqual(MtlsMode.PERMISSIVE);
  });

  test('DestinationRule TLS only where needed: without auto mTLS, per destination mode', () => {
    const mesh = newMesh({ autoMtls: false });
    const plain = newService(mesh, 'plain');
    newService(mesh, 'secure');
    new MtlsPolicy(mesh, 'plain-mtls', { mode: MtlsMode.DISABLE, scope: PolicyScope.workload(plain) });
    const manifests = MeshTesting.synth(mesh);
    expect(MeshTesting.find(manifests, 'DestinationRule', 'plain').spec.trafficPolicy).toEqual({ tls: { mode: 'DISABLE' } });
    expect(MeshTesting.find(manifests, 'DestinationRule', 'secure').spec.trafficPolicy).toEqual({ tls: { mode: 'ISTIO_MUTUAL' } });
    // with auto mTLS (the default) no DestinationRule is needed for TLS
    const auto = newMesh();
    newService(auto, 'web');
    expect(MeshTesting.synth(auto).filter(m => m.kind === 'DestinationRule')).toEqual([]);
  });

  test('fails on a mesh-wide MtlsPolicy (the Mesh prop sets it)', () => {
    const mesh = newMesh();
    new MtlsPolicy(mesh, 'p', { mode: MtlsMode.PERMISSIVE, scope: PolicyScope.mesh() });
    new MtlsPolicy(mesh, 'q', { mode: MtlsMode.PERMISSIVE, scope: PolicyScope.namespace('istio-system') });
    expect(synthErrors(mesh)).toEqual([
      "[mesh/p] [MESH0201] the mesh-wide mTLS mode is the Mesh's 'mtls' prop (now STRICT): set it there instead of adding an MtlsPolicy for the whole mesh",
      "[mesh/q] [MESH0201] the mesh-wide mTLS mode is the Mesh's 'mtls' prop (now STRICT): set it there instead of adding an MtlsPolicy for the whole mesh",
    ]);
  });

  test('fails on two policies for one scope', () => {
    const mesh = newMesh();
    new MtlsPolicy(mesh, 'a', { mode: MtlsMode.STRICT, scope: PolicyScope.namespace('apps') });
    new MtlsPolicy(mesh, 'b', { mode: MtlsMode.PERMISSIVE, scope: PolicyScope.namespace('apps') });
    expect(synthErrors(mesh)).toEqual([
      "[mesh/b] [MESH0200] namespace 'apps' already has an MtlsPolicy (mesh/a): Istio honours one per scope, so set the mode and port overrides on that one",
    ]);
  });

  test.each([
    ['namespace', 8080, "[mesh/p] [MESH0202] port 8080 override needs a workload scope, not namespace 'default': use PolicyScope.workload(service)"],
    ['workload', 9999, "[mesh/p] [MESH0203] port 9999 is not a port of service 'web' (ports: 8080): name one of its ports"],
    ['workload', 0, '[mesh/p] [MESH0003] port 0 is out of range: use a whole number from 1 to 65535'],
  ])('fails on a port override for a %s scope, port %d', (kind, port, message) => {
    // GIVEN
    const mesh = newMesh();
    const web = newService(mesh, 'web');
    const scope = kind === 'namespace' ? PolicyScope.namespace('default') : PolicyScope.workload(web);
    // WHEN
    const policy = new MtlsPolicy(mesh, 'p', { mode: MtlsMode.STRICT, scope, portOverrides: [{ port, mode: MtlsMode.DISABLE }] });
    // THEN the override is left out
    expect(policy.portOverrides).toEqual([]);
    expect(synthErrors(mesh)).toEqual([message]);
  });

  test('fails on a port set twice, keeping the first mode', () => {
    const mesh = newMesh();
    const web = newService(mesh, 'web');
    const p = new MtlsPolicy(mesh, 'p', { mode: MtlsMode.STRICT, scope: PolicyScope.workload(web), portOverrides: [{ port: 8080, mode: MtlsMode.DISABLE }] });
    p.addPortOverride(8080, MtlsMode.PERMISSIVE);
    expect(p.portOverrides).toEqual([{ port: 8080, mode: MtlsMode.DISABLE }]);
    expect(synthErrors(mesh)).toEqual(['[mesh/p] [MESH0204] port 8080 already has a mode (DISABLE): set each port once']);
  });

  test('fails on every bad port override in one run', () => {
    // GIVEN
    const mesh = newMesh();
    const web = newService(mesh, 'web');
    // WHEN one override names a port the service lacks, and another sets a port twice
    const p = new MtlsPolicy(mesh, 'p', { mode: MtlsMode.STRICT, scope: PolicyScope.workload(web), portOverrides: [{ port: 9999, mode: MtlsMode.DISABLE }] });
    p.addPortOverride(8080, MtlsMode.PERMISSIVE);
    p.addPortOverride(8080, MtlsMode.DISABLE);
    // THEN both are reported
    expect(synthErrors(mesh)).toEqual([
      "[mesh/p] [MESH0203] port 9999 is not a port of service 'web' (ports: 8080): name one of its ports",
      '[mesh/p] [MESH0204] port 8080 already has a mode (PERMISSIVE): set each port once',
    ]);
    expect(p.portOverrides).toEqual([{ port: 8080, mode: MtlsMode.PERMISSIVE }]);
  });

  test('fails on an invalid namespace', () => {
    expect(() => PolicyScope.namespace('Apps')).toThrow("[MESH0001] PolicyScope.namespace: name 'Apps' is not a valid DNS label");
  });
});

describe('plain JavaScript callers', () => {
  test('fails on a policy without a mode', () => {
    const mesh = newMesh();
    const policy = new MtlsPolicy(mesh, 'a', { scope: PolicyScope.namespace('x') } as any);
    expect(policy.mode).toEqual(MtlsMode.STRICT);
    expect(synthErrors(mesh)).toEqual(['[mesh/a] [MESH0006] mode is missing: choose MtlsMode.STRICT, PERMISSIVE or DISABLE']);
  });

  test('fails at once on a policy without a scope: nothing can stand in for it', () => {
    const mesh = newMesh();
    expect(() => new MtlsPolicy(mesh, 'b', { mode: MtlsMode.STRICT } as any))
      .toThrow('[MESH0006] mesh/b: scope is missing: choose PolicyScope.namespace(...) or PolicyScope.workload(...)');
    // and the mesh is not left with a policy it cannot read
    expect(synthErrors(mesh)).toEqual([]);
  });
});

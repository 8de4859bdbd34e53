import {
  AccessPolicy, Mesh, MeshProps, MeshService, MeshTesting, MtlsMigration, MtlsMode, MtlsPolicy, MtlsStage, PlaintextClient, PolicyScope, Protocol,
  Severity,
} from '../../src';
import { istioRules } from '../support/istio-rules';
import { newMesh, newService, openMesh, synthErrors } from '../support/util';

/** The findings of the mTLS migration's rules (MESH112x), as `[code, path, message]`. */
function migrationFindings(mesh: Mesh): [string, string, string][] {
  return mesh.analyze().filter(f => f.code.startsWith('MESH112')).map(f => [f.code, f.path, f.message]);
}

/**
 * Istio's mutual TLS migration task, as a program: services in `shop` (orders) and `legacy` (ledger), a batch job
 * without a sidecar in `batch` that calls ledger in plaintext, and the migration at the stage given.
 */
function shop(meshProps: MeshProps, stages: (legacy: PolicyScope, shopScope: PolicyScope) => MtlsStage[]) {
  const mesh = openMesh(meshProps);
  const orders = newService(mesh, 'orders', ['v1'], { namespace: 'shop' });
  const ledger = newService(mesh, 'ledger', ['v1'], { namespace: 'legacy' });
  const client = new PlaintextClient(mesh, 'nightly-report', { namespace: 'batch', calls: [{ service: ledger }], description: 'the reporting cron job, moved into the mesh next quarter' });
  const migration = new MtlsMigration(mesh, 'to-strict', { stages: stages(PolicyScope.namespace('legacy'), PolicyScope.namespace('shop')) });
  return { mesh, orders, ledger, client, migration };
}

const LEDGER_STRICT_BY_LEGACY = "plaintext client 'nightly-report' (namespace 'batch') calls service 'ledger' on port 8080, which namespace 'legacy' makes STRICT, so its calls are refused: "
  + "keep namespace 'legacy' PERMISSIVE for now (MtlsStage.permissive), move the client into the mesh, or leave the port PERMISSIVE with MtlsStage.strict(PolicyScope.workload(ledger), { permissivePorts: [8080] })";

describe('MtlsMigration: the objects of each stage', () => {
  test('a PERMISSIVE namespace, a STRICT namespace and a STRICT workload with a port still PERMISSIVE', () => {
    // GIVEN
    const mesh = openMesh({ mtls: MtlsMode.PERMISSIVE });
    const orders = new MeshService(mesh, 'orders', { namespace: 'shop', ports: [{ port: 80, targetPort: 8080 }, { port: 9000, protocol: Protocol.TCP }] });
    orders.addVersion('v1', { image: 'example/orders:v1' });
    newService(mesh, 'ledger', ['v1'], { namespace: 'legacy' });
    const web = newService(mesh, 'web', ['v1'], { namespace: 'web' });

    // WHEN
    const migration = new MtlsMigration(mesh, 'to-strict', {
      stages: [
        MtlsStage.permissive(PolicyScope.namespace('legacy'), { reason: 'the reporting job calls ledger in plaintext' }),
        MtlsStage.strict(PolicyScope.namespace('web')),
      ],
    });
    migration.addStage(MtlsStage.strict(PolicyScope.workload(orders), { permissivePorts: [9000] }));
    const manifests = MeshTesting.synth(mesh);

    // THEN
    expect(MeshTesting.find(manifests, 'PeerAuthentication', 'default', 'legacy')).toEqual({
      apiVersion: 'security.istio.io/v1',
      kind: 'PeerAuthentication',
      metadata: { name: 'default', namespace: 'legacy' },
      spec: { mtls: { mode: 'PERMISSIVE' } },
    });
    expect(MeshTesting.find(manifests, 'PeerAuthentication', 'default', 'web').spec).toEqual({ mtls: { mode: 'STRICT' } });
    expect(MeshTesting.find(manifests, 'PeerAuthentication', 'orders', 'shop').spec).toEqual({
      selector: { matchLabels: { app: 'orders' } },
      mtls: { mode: 'STRICT' },
      portLevelMtls: { 9000: { mode: 'PERMISSIVE' } },
    });
    expect(migration.stages.map(s => [s.mode, s.reason, s.permissivePorts])).toEqual([
      [MtlsMode.PERMISSIVE, 'the reporting job calls ledger in plaintext', []],
      [MtlsMode.STRICT, undefined, []],
      [MtlsMode.STRICT, undefined, [9000]],
    ]);
    expect(migration.policies.map(p => p.node.path)).toEqual(['mesh/to-strict/ns-legacy', 'mesh/to-strict/ns-web', 'mesh/to-strict/svc-shop-orders']);
    expect(migration.stageOf(PolicyScope.namespace('web'))?.mode).toEqual(MtlsMode.STRICT);
    expect(migration.stageOf(PolicyScope.namespace('shop'))).toBeUndefined();
    // every check of the mesh's mTLS sees the stages
    expect(mesh.mtlsModeOf(web)).toEqual(MtlsMode.STRICT);
    expect(mesh.mtlsModeOf(orders, 80)).toEqual(MtlsMode.STRICT);
    expect(mesh.mtlsModeOf(orders, 9000)).toEqual(MtlsMode.PERMISSIVE);
  });

  test("istiod's validation (as the test setup emulates it) refuses port-level modes without a workload selector", () => {
    const peerAuthentication = (spec: object) => ({ apiVersion: 'security.istio.io/v1', kind: 'PeerAuthentication', metadata: { name: 'default', namespace: 'shop' }, spec });
    expect(istioRules(peerAuthentication({ mtls: { mode: 'STRICT' }, portLevelMtls: { 8080: { mode: 'PERMISSIVE' } } })))
      .toEqual(['/spec/portLevelMtls mesh/namespace peer authentication cannot have port level mTLS']);
    expect(istioRules(peerAuthentication({ selector: { matchLabels: { app: 'orders' } }, portLevelMtls: {} })))
      .toEqual(['/spec/portLevelMtls port level mTLS, if defined, must have at least one element']);
    expect(istioRules(peerAuthentication({ selector: { matchLabels: { app: 'orders' } }, portLevelMtls: { 8080: { mode: 'PERMISSIVE' } } }))).toEqual([]);
  });

  test('a migration without stages writes nothing', () => {
    const mesh = openMesh();
    newService(mesh, 'orders');
    const before = MeshTesting.synth(mesh).length;
    const other = openMesh();
    newService(other, 'orders');
    new MtlsMigration(other, 'to-strict');
    expect(MeshTesting.synth(other).length).toEqual(before);
  });

  test('fails: a stage for the whole mesh, whose mode is the Mesh prop', () => {
    expect(() => MtlsStage.strict(PolicyScope.mesh())).toThrow("[MESH1125] MtlsStage.strict: scope is the whole mesh, whose mode is the Mesh's 'mtls' prop: "
      + 'stage namespaces and workloads here, and set mtls: MtlsMode.STRICT on the Mesh as the last step');
    expect(() => MtlsStage.permissive(PolicyScope.mesh())).toThrow('[MESH1125] MtlsStage.permissive: scope is the whole mesh');
  });

  test('fails: a stage scope that is not a PolicyScope', () => {
    expect(() => MtlsStage.strict('shop' as any)).toThrow('[MESH0096] MtlsStage.strict: scope is not a PolicyScope: choose PolicyScope.namespace(...) or PolicyScope.workload(...)');
    expect(() => MtlsStage.strict(undefined as any)).toThrow('[MESH0006] MtlsStage.strict: scope is missing');
  });

  test('fails: two stages for one scope', () => {
    const mesh = openMesh();
    newService(mesh, 'orders', ['v1'], { namespace: 'shop' });
    const migration = new MtlsMigration(mesh, 'to-strict', { stages: [MtlsStage.permissive(PolicyScope.namespace('shop'))] });
    expect(migration.addStage(MtlsStage.strict(PolicyScope.namespace('shop')))).toBeUndefined();
    expect(synthErrors(mesh)).toContain("[mesh/to-strict] [MESH0200] namespace 'shop' already has a stage (PERMISSIVE) in this migration: give each scope one stage, and move it by changing that one");
    expect(migration.stages).toHaveLength(1);
  });

  test('fails: a port kept PERMISSIVE on a namespace stage (ports are selected on workloads only)', () => {
    const mesh = openMesh();
    newService(mesh, 'orders', ['v1'], { namespace: 'shop' });
    new MtlsMigration(mesh, 'to-strict', { stages: [MtlsStage.strict(PolicyScope.namespace('shop'), { permissivePorts: [8080] })] });
    expect(synthErrors(mesh)).toContain("[mesh/to-strict/ns-shop] [MESH0202] port 8080 override needs a workload scope, not namespace 'shop': use PolicyScope.workload(service)");
  });
});

describe('PlaintextClient', () => {
  test('calls every port of a service unless told which', () => {
    const mesh = openMesh();
    const orders = new MeshService(mesh, 'orders', { ports: [{ port: 8080 }, { port: 9090, protocol: Protocol.GRPC }] });
    const ledger = newService(mesh, 'ledger');
    const client = new PlaintextClient(mesh, 'nightly-report', { namespace: 'batch', calls: [{ service: orders }, { service: ledger, ports: [8080] }] });
    expect(client.calls).toEqual([{ service: orders, ports: [8080, 9090] }, { service: ledger, ports: [8080] }]);
    expect(client.clientName).toEqual('nightly-report');
    expect(client.namespace).toEqual('batch');
    expect(client.podLabels).toEqual({ app: 'nightly-report' });
    expect(PlaintextClient.isPlaintextClient(client)).toBe(true);
    expect(PlaintextClient.isPlaintextClient(orders)).toBe(false);
  });

  test('writes nothing of its own', () => {
    const mesh = openMesh({ mtls: MtlsMode.PERMISSIVE });
    const orders = newService(mesh, 'orders');
    const before = MeshTesting.synth(mesh);
    const other = openMesh({ mtls: MtlsMode.PERMISSIVE });
    const otherOrders = newService(other, 'orders');
    new PlaintextClient(other, 'nightly-report', { namespace: 'batch', calls: [{ service: otherOrders }] });
    expect(MeshTesting.synth(other)).toEqual(before);
    expect(orders).toBeDefined();
  });

  test('fails: a client that calls nothing', () => {
    const mesh = openMesh();
    new PlaintextClient(mesh, 'idle', { namespace: 'batch', calls: [] });
    expect(synthErrors(mesh)).toContain('[mesh/idle] [MESH1124] calls no service: list the services of the mesh it calls in plaintext, e.g. calls: [{ service: orders }], or remove the client');
  });

  test('fails: a port the service does not have, or a bad namespace', () => {
    const mesh = openMesh();
    const orders = newService(mesh, 'orders');
    const client = new PlaintextClient(mesh, 'job', { namespace: 'Batch', calls: [{ service: orders, ports: [9999] }] });
    const errors = synthErrors(mesh);
    expect(errors).toContain("[mesh/job] [MESH0203] port 9999 is not a port of service 'orders' (ports: 8080): name one of its ports");
    expect(errors.some(e => e.startsWith("[mesh/job] [MESH0001] namespace 'Batch' is not a valid DNS label"))).toBe(true);
    expect(client.calls).toEqual([{ service: orders, ports: [] }]);
  });

  test('fails: an id that cannot be the app label of its pods, unless podLabels are given', () => {
    const mesh = openMesh({ mtls: MtlsMode.PERMISSIVE });
    const orders = newService(mesh, 'orders');
    new PlaintextClient(mesh, 'Nightly_Report', { namespace: 'batch', calls: [{ service: orders }] });
    new PlaintextClient(mesh, 'Labelled', { namespace: 'batch', podLabels: { app: 'report' }, calls: [{ service: orders }] });
    const errors = synthErrors(mesh);
    expect(errors.filter(e => e.includes('MESH0001'))).toEqual([
      "[mesh/Nightly_Report] [MESH0001] id 'Nightly_Report' is not a valid DNS label: use at most 63 lowercase letters, digits and '-', starting and ending with a letter or digit",
    ]);
  });
});

describe('the clients that would break', () => {
  test('a STRICT namespace stage with a plaintext client calling into it is an error naming the client, service, port and fixes', () => {
    const { mesh } = shop({ mtls: MtlsMode.PERMISSIVE }, legacy => [MtlsStage.strict(legacy)]);
    expect(migrationFindings(mesh)).toEqual([['MESH1120', 'mesh/to-strict/ns-legacy', LEDGER_STRICT_BY_LEGACY]]);
    expect(mesh.analyze().find(f => f.code === 'MESH1120')?.severity).toEqual(Severity.ERROR);
  });

  test('a STRICT mesh with a plaintext client is an error on the mesh', () => {
    const mesh = openMesh();
    const ledger = newService(mesh, 'ledger', ['v1'], { namespace: 'legacy' });
    new PlaintextClient(mesh, 'nightly-report', { namespace: 'batch', calls: [{ service: ledger }] });
    expect(migrationFindings(mesh)).toEqual([['MESH1120', 'mesh',
      "plaintext client 'nightly-report' (namespace 'batch') calls service 'ledger' on port 8080, which the whole mesh makes STRICT, so its calls are refused: "
      + "keep namespace 'legacy' PERMISSIVE for now with MtlsStage.permissive(PolicyScope.namespace('legacy')), move the client into the mesh, "
      + 'or leave the port PERMISSIVE with MtlsStage.strict(PolicyScope.workload(ledger), { permissivePorts: [8080] })']]);
  });

  test('a STRICT port of a workload (a plain MtlsPolicy too) names only the ports that break', () => {
    const mesh = openMesh({ mtls: MtlsMode.PERMISSIVE });
    const ledger = new MeshService(mesh, 'ledger', { namespace: 'legacy', ports: [{ port: 8080 }, { port: 9000, protocol: Protocol.TCP }] });
    ledger.addVersion('v1', { image: 'example/ledger:v1' });
    new PlaintextClient(mesh, 'nightly-report', { namespace: 'batch', calls: [{ service: ledger }] });
    new MtlsMigration(mesh, 'to-strict', { stages: [MtlsStage.strict(PolicyScope.workload(ledger), { permissivePorts: [8080] })] });
    expect(migrationFindings(mesh)).toEqual([['MESH1120', 'mesh/to-strict/svc-legacy-ledger',
      "plaintext client 'nightly-report' (namespace 'batch') calls service 'ledger' on port 9000, which service 'ledger' makes STRICT, so its calls are refused: "
      + "keep service 'ledger' PERMISSIVE for now (MtlsStage.permissive), move the client into the mesh, or leave the port PERMISSIVE with MtlsStage.strict(PolicyScope.workload(ledger), { permissivePorts: [9000] })"]]);
  });

  test('a port kept PERMISSIVE for the client it serves is no error', () => {
    const mesh = openMesh();
    const ledger = newService(mesh, 'ledger', ['v1'], { namespace: 'legacy' });
    new PlaintextClient(mesh, 'nightly-report', { namespace: 'batch', calls: [{ service: ledger }] });
    new MtlsMigration(mesh, 'to-strict', { stages: [MtlsStage.strict(PolicyScope.workload(ledger), { permissivePorts: [8080] })] });
    expect(migrationFindings(mesh)).toEqual([]);
  });

  test('a DISABLE port takes plaintext: no error', () => {
    const mesh = openMesh();
    const ledger = newService(mesh, 'ledger', ['v1'], { namespace: 'legacy' });
    new PlaintextClient(mesh, 'nightly-report', { namespace: 'batch', calls: [{ service: ledger }] });
    new MtlsPolicy(mesh, 'ledger-plain', { mode: MtlsMode.DISABLE, scope: PolicyScope.namespace('legacy') });
    expect(migrationFindings(mesh)).toEqual([]);
  });

  test('an AccessPolicy that names callers by identity refuses a plaintext client even in PERMISSIVE', () => {
    const mesh = openMesh({ mtls: MtlsMode.PERMISSIVE });
    const ledger = newService(mesh, 'ledger', ['v1'], { namespace: 'legacy' });
    const orders = newService(mesh, 'orders', ['v1'], { namespace: 'shop' });
    new AccessPolicy(mesh, 'ledger-access', { service: ledger, allow: [{ from: orders }] });
    new PlaintextClient(mesh, 'nightly-report', { namespace: 'batch', calls: [{ service: ledger }] });
    expect(migrationFindings(mesh)).toEqual([['MESH1121', 'mesh/nightly-report',
      "calls service 'ledger', whose AccessPolicy (mesh/ledger-access) names its callers by mTLS identity, and a plaintext call carries none, so it is refused whatever the mTLS mode: "
      + 'admit the client by address (Caller.ipBlock(...)) or every caller (Caller.anyone()) in that AccessPolicy, or move the client into the mesh']]);
  });

  test('deny-by-default refuses a plaintext client of a service without an AccessPolicy', () => {
    const mesh = newMesh({ mtls: MtlsMode.PERMISSIVE });
    const ledger = newService(mesh, 'ledger', ['v1'], { namespace: 'legacy' });
    new PlaintextClient(mesh, 'nightly-report', { namespace: 'batch', calls: [{ service: ledger }] });
    expect(migrationFindings(mesh)).toEqual([['MESH1121', 'mesh/nightly-report',
      "calls service 'ledger', which has no AccessPolicy under deny-by-default, so its plaintext calls are refused whatever the mTLS mode: "
      + "give 'ledger' an AccessPolicy that admits the client by address (Caller.ipBlock(...)) or every caller (Caller.anyone()), or move the client into the mesh"]]);
  });

  test('the analysis and MeshTesting.canCall agree on a client without a sidecar', () => {
    // The client's pods as the cluster would run them: a Deployment opted out of injection, and its Service, so
    // that canCall can take it as the caller (MeshService.fromName() names it; its pods say it has no proxy).
    const clientObjects = [
      { apiVersion: 'v1', kind: 'Service', metadata: { name: 'nightly-report', namespace: 'batch' }, spec: { selector: { app: 'nightly-report' }, ports: [{ port: 8080 }] } },
      {
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        metadata: { name: 'nightly-report', namespace: 'batch' },
        spec: {
          selector: { matchLabels: { app: 'nightly-report' } },
          template: { metadata: { labels: { 'app': 'nightly-report', 'sidecar.istio.io/inject': 'false' } }, spec: { containers: [{ name: 'job', image: 'example/report:1' }] } },
        },
      },
    ];
    for (const [mtls, refused] of [[MtlsMode.STRICT, true], [MtlsMode.PERMISSIVE, false]] as const) {
      // The same program twice: declared (for the analysis), and as the cluster runs it (for canCall, which a
      // program with an error cannot be synthesized for).
      const declared = openMesh({ mtls });
      new PlaintextClient(declared, 'nightly-report', { namespace: 'batch', calls: [{ service: newService(declared, 'ledger', ['v1'], { namespace: 'legacy' }) }] });
      const mesh = openMesh({ mtls });
      const ledger = newService(mesh, 'ledger', ['v1'], { namespace: 'legacy' });
      const caller = MeshService.fromName(mesh, 'report-caller', 'nightly-report', { namespace: 'batch' });
      const manifests = [...MeshTesting.synth(mesh), ...clientObjects];
      const decision = MeshTesting.explainCall(mesh, caller, ledger, {}, manifests);
      expect([mtls, decision.allowed]).toEqual([mtls, !refused]);
      expect([mtls, migrationFindings(declared).some(f => f[0] === 'MESH1120')]).toEqual([mtls, refused]);
      if (refused) {
        expect(decision.reason).toContain('has no sidecar, so it calls in plaintext');
      }
    }
  });
});

describe('NetworkPolicies and plaintext clients', () => {
  test("a service without an AccessPolicy admits the declared plaintext client's pods on the ports it calls", () => {
    const mesh = openMesh({ mtls: MtlsMode.PERMISSIVE, networkPolicies: true });
    const ledger = new MeshService(mesh, 'ledger', { namespace: 'legacy', ports: [{ port: 80, targetPort: 8080 }, { port: 9000, protocol: Protocol.TCP }] });
    ledger.addVersion('v1', { image: 'example/ledger:v1' });
    new PlaintextClient(mesh, 'nightly-report', { namespace: 'batch', podLabels: { job: 'report' }, calls: [{ service: ledger, ports: [80] }] });
    const policy = MeshTesting.find(MeshTesting.synth(mesh), 'NetworkPolicy', 'ledger', 'legacy');
    expect(policy.spec.ingress).toContainEqual({
      from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'batch' } }, podSelector: { matchLabels: { job: 'report' } } }],
      ports: [{ port: 8080, protocol: 'TCP' }],
    });
  });
});

describe("Istio's mutual TLS migration, step by step", () => {
  test('1. the mesh PERMISSIVE while the plaintext clients are found: nothing breaks, nothing can move yet', () => {
    const { mesh, migration } = shop({ mtls: MtlsMode.PERMISSIVE }, () => []);
    expect(migration.stages).toEqual([]);
    expect(migrationFindings(mesh)).toEqual([]);
  });

  test('2. shop moves to STRICT; legacy, still called in plaintext, would break if it did', () => {
    const { mesh } = shop({ mtls: MtlsMode.PERMISSIVE }, (_legacy, shopScope) => [MtlsStage.strict(shopScope)]);
    expect(migrationFindings(mesh)).toEqual([]);
    const manifests = MeshTesting.synth(mesh);
    expect(MeshTesting.find(manifests, 'PeerAuthentication', 'default', 'shop').spec).toEqual({ mtls: { mode: 'STRICT' } });

    const tooEarly = shop({ mtls: MtlsMode.PERMISSIVE }, (legacy, shopScope) => [MtlsStage.strict(shopScope), MtlsStage.strict(legacy)]);
    expect(migrationFindings(tooEarly.mesh)).toEqual([['MESH1120', 'mesh/to-strict/ns-legacy', LEDGER_STRICT_BY_LEGACY]]);
  });

  test('3. the mesh goes STRICT with legacy kept PERMISSIVE; the shop stage is now redundant', () => {
    const { mesh } = shop({}, (legacy, shopScope) => [MtlsStage.permissive(legacy, { reason: 'nightly-report' }), MtlsStage.strict(shopScope)]);
    expect(migrationFindings(mesh)).toEqual([
      ['MESH1123', 'mesh/to-strict/ns-shop', "namespace 'shop' is STRICT, as the whole mesh is, so the stage changes nothing: drop it from the migration"],
    ]);
    const manifests = MeshTesting.synth(mesh);
    expect(MeshTesting.find(manifests, 'PeerAuthentication', 'default', 'istio-system').spec).toEqual({ mtls: { mode: 'STRICT' } });
    expect(MeshTesting.find(manifests, 'PeerAuthentication', 'default', 'legacy').spec).toEqual({ mtls: { mode: 'PERMISSIVE' } });
  });

  test('4. the client moves into the mesh (its PlaintextClient goes): legacy is told it can go STRICT', () => {
    const mesh = openMesh();
    newService(mesh, 'orders', ['v1'], { namespace: 'shop' });
    newService(mesh, 'ledger', ['v1'], { namespace: 'legacy' });
    new MtlsMigration(mesh, 'to-strict', { stages: [MtlsStage.permissive(PolicyScope.namespace('legacy'))] });
    expect(migrationFindings(mesh)).toEqual([
      ['MESH1122', 'mesh/to-strict/ns-legacy', "namespace 'legacy' is still PERMISSIVE, but no PlaintextClient calls it in plaintext: "
        + "move it to STRICT with MtlsStage.strict(PolicyScope.namespace('legacy')), or declare the clients it waits for with PlaintextClient"],
    ]);
    expect(mesh.analyze().find(f => f.code === 'MESH1122')?.severity).toEqual(Severity.WARNING);
  });

  test('5. legacy STRICT too: every stage is what the mesh is, and once they are dropped nothing is left to say', () => {
    const mesh = openMesh();
    newService(mesh, 'ledger', ['v1'], { namespace: 'legacy' });
    const migration = new MtlsMigration(mesh, 'to-strict', { stages: [MtlsStage.strict(PolicyScope.namespace('legacy'))] });
    expect(migrationFindings(mesh).map(f => f.slice(0, 2))).toEqual([['MESH1123', 'mesh/to-strict/ns-legacy']]);
    expect(migration.policies[0].resource?.toJson().spec).toEqual({ mtls: { mode: 'STRICT' } });

    const done = openMesh();
    newService(done, 'ledger', ['v1'], { namespace: 'legacy' });
    new MtlsMigration(done, 'to-strict');
    expect(migrationFindings(done)).toEqual([]);
  });

  test('a workload stage inherits from its namespace stage: the same mode there is redundant too', () => {
    const mesh = openMesh();
    const ledger = newService(mesh, 'ledger', ['v1'], { namespace: 'legacy' });
    new PlaintextClient(mesh, 'nightly-report', { namespace: 'batch', calls: [{ service: ledger }] });
    new MtlsMigration(mesh, 'to-strict', {
      stages: [MtlsStage.permissive(PolicyScope.namespace('legacy')), MtlsStage.permissive(PolicyScope.workload(ledger))],
    });
    // Both are true, and either fix ends both: ledger's own stage keeps the client working if legacy moves to STRICT.
    expect(migrationFindings(mesh)).toEqual([
      ['MESH1122', 'mesh/to-strict/ns-legacy', "namespace 'legacy' is still PERMISSIVE, but no PlaintextClient calls it in plaintext: "
        + "move it to STRICT with MtlsStage.strict(PolicyScope.namespace('legacy')), or declare the clients it waits for with PlaintextClient"],
      ['MESH1123', 'mesh/to-strict/svc-legacy-ledger', "service 'ledger' is PERMISSIVE, as namespace 'legacy' is, so the stage changes nothing: drop it from the migration"],
    ]);
  });

  test('a PERMISSIVE mesh with a migration and no plaintext client left can go STRICT', () => {
    const mesh = openMesh({ mtls: MtlsMode.PERMISSIVE });
    newService(mesh, 'orders', ['v1'], { namespace: 'shop' });
    new MtlsMigration(mesh, 'to-strict');
    expect(migrationFindings(mesh)).toEqual([['MESH1122', 'mesh/to-strict', 'the whole mesh is still PERMISSIVE, but no PlaintextClient calls a service whose mode it decides: '
      + "set mtls: MtlsMode.STRICT on the Mesh, the migration's last step, with MtlsStage.permissive() for the scopes that still wait"]]);
  });

  test('a PERMISSIVE mesh without a migration is not told to move (a program that chose it is not noisy)', () => {
    const mesh = openMesh({ mtls: MtlsMode.PERMISSIVE });
    newService(mesh, 'orders');
    expect(migrationFindings(mesh)).toEqual([]);
  });
});

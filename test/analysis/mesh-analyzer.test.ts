import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, Duration } from 'cdk8s';
import {
  AccessPolicy, CircuitBreaker, LoadBalancer, Mesh, MeshAnalyzer, MeshTesting, MtlsMode, MtlsPolicy, PolicyScope, Severity,
  StringMatch, TrafficSplit, TrafficTarget,
} from '../../src';
import { newMesh, newService, openMesh, synthErrors } from '../support/util';

describe('MeshAnalyzer', () => {
  test('a consistent mesh has no findings', () => {
    const mesh = newMesh();
    const web = newService(mesh, 'web', ['v1', 'v2']);
    const api = newService(mesh, 'api');
    new TrafficSplit(mesh, 'split', { service: web, routes: [{ targets: [TrafficTarget.version('v1', 50), TrafficTarget.version('v2', 50)] }] });
    new AccessPolicy(mesh, 'api-access', { service: api, allow: [{ from: web }] });
    // Under deny-by-default (the default), a service nothing may call is a warning: web is called by api.
    new AccessPolicy(mesh, 'web-access', { service: web, allow: [{ from: api }] });
    expect(mesh.analyze()).toEqual([]);
    expect(MeshAnalyzer.analyze(mesh)).toEqual([]);
  });

  test('fails synthesis on an unknown version, added or not after the split', () => {
    // GIVEN
    const mesh = openMesh();
    const reviews = newService(mesh, 'reviews', ['v1', 'v2', 'v3']);
    new TrafficSplit(mesh, 'split', {
      service: reviews,
      routes: [{ targets: [TrafficTarget.version('v1', 90), TrafficTarget.version('v4', 10)], mirror: { version: 'v5' } }],
    });

    // THEN
    expect(mesh.analyze()).toEqual([
      { code: 'MESH0101', severity: Severity.ERROR, path: 'mesh/split', message: "route 1: subset 'v4' is not a version of service 'reviews' (versions: v1, v2, v3): add it with addVersion('v4', ...) or route to an existing version" },
      { code: 'MESH0101', severity: Severity.ERROR, path: 'mesh/split', message: "route 1: subset 'v5' is not a version of service 'reviews' (versions: v1, v2, v3): add it with addVersion('v5', ...) or route to an existing version" },
    ]);
    expect(synthErrors(mesh)).toEqual([
      "[mesh/split] [MESH0101] route 1: subset 'v4' is not a version of service 'reviews' (versions: v1, v2, v3): add it with addVersion('v4', ...) or route to an existing version",
      "[mesh/split] [MESH0101] route 1: subset 'v5' is not a version of service 'reviews' (versions: v1, v2, v3): add it with addVersion('v5', ...) or route to an existing version",
    ]);
    expect(() => MeshTesting.synth(mesh)).toThrow("[mesh/split] [MESH0101] route 1: subset 'v4' is not a version of service 'reviews' (versions: v1, v2, v3)");

    // WHEN the versions appear later, the mesh is fine: checks run at synthesis
    reviews.addVersion('v4', { image: 'x' });
    reviews.addVersion('v5', { image: 'x' });
    expect(mesh.analyze()).toEqual([]);
    expect(synthErrors(mesh)).toEqual([]);
  });

  test('every error is reported together at synthesis, by cdk8s synth too', () => {
    const app = new App({ outdir: fs.mkdtempSync(path.join(os.tmpdir(), 'mesh-')) });
    const mesh = new Mesh(app, 'mesh');
    const a = newService(mesh, 'a');
    const b = newService(mesh, 'b');
    new TrafficSplit(mesh, 'a-split', { service: a });
    new TrafficSplit(mesh, 'b-split', { service: b, routes: [{ name: 'x', targets: [TrafficTarget.version('v9')] }] });
    // a problem the split recorded when the route was added comes out with the analysis' findings
    const c = newService(mesh, 'c');
    new TrafficSplit(mesh, 'c-split', { service: c, routes: [{ targets: [TrafficTarget.version('v1', 50)] }] });
    let message = '';
    try {
      app.synth();
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message).toContain("[mesh/a-split] [MESH0103] has no routes for service 'a': add one with addRoute(), or remove the split");
    expect(message).toContain("[mesh/b-split] [MESH0101] route 'x': subset 'v9' is not a version of service 'b' (versions: v1)");
    expect(message).toContain("[mesh/c-split] [MESH0102] route 1 sends weight 50 to its only target 'v1': a single target takes all traffic, omit the weight or use 100");
  });

  test('warnings do not fail synthesis', () => {
    // GIVEN
    const mesh = newMesh();
    const web = newService(mesh, 'web', ['v1'], { loadBalancer: LoadBalancer.roundRobin({ locality: { failover: [{ from: 'us', to: 'eu' }] } }) });
    newService(mesh, 'idle', []);
    const api = newService(mesh, 'api');
    new TrafficSplit(mesh, 'split', { service: web, routes: [{ matches: [{ uri: StringMatch.prefix('/a') }], targets: [TrafficTarget.version('v1')] }] });
    new AccessPolicy(mesh, 'api-access', { service: api });
    mesh.denyByDefault();

    // THEN
    expect(mesh.analyze().map(f => [f.code, f.severity, f.path])).toEqual([
      ['MESH0302', Severity.WARNING, 'mesh/api-access'],
      ['MESH0303', Severity.WARNING, 'mesh/idle'],
      ['MESH0111', Severity.WARNING, 'mesh/idle'],
      ['MESH0112', Severity.WARNING, 'mesh/split'],
      ['MESH0113', Severity.WARNING, 'mesh/web'],
      ['MESH0303', Severity.WARNING, 'mesh/web'],
    ].sort((x, y) => x[2].localeCompare(y[2]) || x[0].localeCompare(y[0])));
    expect(() => MeshTesting.synth(mesh)).not.toThrow();
  });

  test('locality load balancing with outlier detection is fine', () => {
    const mesh = openMesh();
    newService(mesh, 'web', ['v1'], {
      loadBalancer: LoadBalancer.roundRobin({ locality: { failover: [{ from: 'us', to: 'eu' }] } }),
      circuitBreaker: CircuitBreaker.of({ consecutiveErrors: 5, interval: Duration.seconds(10) }),
    });
    expect(mesh.analyze()).toEqual([]);
  });

  test('fails on an AccessPolicy where its service takes plaintext (principals need mTLS)', () => {
    const mesh = openMesh();
    const db = newService(mesh, 'db');
    const web = newService(mesh, 'web');
    new MtlsPolicy(mesh, 'db-mtls', { mode: MtlsMode.DISABLE, scope: PolicyScope.workload(db) });
    new AccessPolicy(mesh, 'db-access', { service: db, allow: [{ from: web }] });
    expect(mesh.analyze()).toEqual([{
      code: 'MESH0301',
      severity: Severity.ERROR,
      path: 'mesh/db-access',
      message: "caller 'web' is named by its mTLS identity, but service 'db' has mTLS DISABLE on port 8080, so no request there carries one and all are refused: use STRICT or PERMISSIVE for that service",
    }]);
  });
});

describe('deny-by-default findings', () => {
  test('a service covered by mesh-wide and namespace deny-by-default is reported once', () => {
    const mesh = newMesh();
    newService(mesh, 'web', ['v1'], { namespace: 'apps' });
    mesh.denyByDefault();
    mesh.denyByDefault({ namespace: 'apps' });
    expect(mesh.analyze().map(f => [f.code, f.path])).toEqual([['MESH0303', 'mesh/web']]);
  });

  test('a namespace deny-by-default covers only its namespace', () => {
    const mesh = newMesh({ denyByDefault: false });
    newService(mesh, 'web', ['v1'], { namespace: 'apps' });
    newService(mesh, 'other', ['v1'], { namespace: 'tools' });
    mesh.denyByDefault({ namespace: 'apps' });
    expect(mesh.analyze().map(f => [f.code, f.path])).toEqual([['MESH0303', 'mesh/web']]);
  });
});

describe('deny-by-default is the default', () => {
  test('a mesh denies every call no AccessPolicy allows unless it opts out, and warns of services nothing may call', () => {
    const mesh = newMesh();
    expect(mesh.deniesByDefault).toBe(true);
    newService(mesh, 'web');
    newService(mesh, 'api');
    expect(mesh.analyze()).toEqual([
      { code: 'MESH0303', severity: Severity.WARNING, path: 'mesh/api', message: "service 'api' has no AccessPolicy under deny-by-default, so nothing may call it: allow its callers with an AccessPolicy" },
      { code: 'MESH0303', severity: Severity.WARNING, path: 'mesh/web', message: "service 'web' has no AccessPolicy under deny-by-default, so nothing may call it: allow its callers with an AccessPolicy" },
    ]);
    const policies = MeshTesting.synth(mesh).filter(o => o.kind === 'AuthorizationPolicy');
    expect(policies).toEqual([{ apiVersion: 'security.istio.io/v1', kind: 'AuthorizationPolicy', metadata: { name: 'allow-nothing', namespace: 'istio-system' }, spec: {} }]);
  });

  test('the warnings are printed at synth', () => {
    const mesh = newMesh();
    newService(mesh, 'web');
    const written: string[] = [];
    const spy = jest.spyOn(process.stderr, 'write').mockImplementation((s: any) => (written.push(String(s)), true));
    try {
      MeshTesting.synth(mesh);
    } finally {
      spy.mockRestore();
    }
    expect(written).toContain("warning: [MESH0303] mesh/web: service 'web' has no AccessPolicy under deny-by-default, so nothing may call it: allow its callers with an AccessPolicy\n");
  });

  test('opting out renders no mesh-wide policy and no warning; denyByDefault() may still be asked for', () => {
    const mesh = newMesh({ denyByDefault: false });
    expect(mesh.deniesByDefault).toBe(false);
    newService(mesh, 'web');
    expect(mesh.analyze()).toEqual([]);
    expect(MeshTesting.synth(mesh).filter(o => o.kind === 'AuthorizationPolicy')).toEqual([]);
    mesh.denyByDefault();
    expect(mesh.analyze().map(f => f.code)).toEqual(['MESH0303']);
  });

  test('denyByDefault() on a mesh that denies by default returns the same policy, without an error', () => {
    const mesh = newMesh();
    expect(mesh.denyByDefault()).toBe(mesh.denyByDefault());
    expect(synthErrors(mesh)).toEqual([]);
    expect(MeshTesting.synth(mesh).filter(o => o.kind === 'AuthorizationPolicy')).toHaveLength(1);
  });

  test('denyByDefault given as something other than a boolean is reported (MESH0091)', () => {
    const mesh = newMesh({ denyByDefault: 'no' as any });
    expect(synthErrors(mesh)).toEqual(["[mesh] [MESH0091] denyByDefault 'no' is a string, not a boolean: give true or false, without quotes"]);
  });
});

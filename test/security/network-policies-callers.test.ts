import { AccessPolicy, Caller, MeshService, MeshTesting, Protocol } from '../../src';
import { Address, NetworkPolicies, Pod, podOf } from '../support/network-policy';
import { newMesh, newService } from '../support/util';

/** A client on the internet. */
const INTERNET: Address = { ip: '198.51.100.7' };
/** A pod of a namespace outside the mesh. */
const STRANGER: Pod = { name: 'stranger', namespace: 'elsewhere', labels: { app: 'stranger' }, ports: [] };

/** api (ports 80 -> 8080 and 9090) in shop, web in shop, report in ops, batch in jobs; deny-by-default. */
function callers(rules: (s: { web: MeshService; report: MeshService; batch: MeshService }) => ConstructorParameters<typeof AccessPolicy>[2]) {
  const mesh = newMesh({ denyByDefault: true, networkPolicies: true });
  const api = new MeshService(mesh, 'api', { namespace: 'shop', ports: [{ port: 80, targetPort: 8080, protocol: Protocol.HTTP }, { port: 9090, protocol: Protocol.GRPC }] });
  api.addVersion('v1', { image: 'example/api:v1' });
  const web = newService(mesh, 'web', ['v1'], { namespace: 'shop' });
  const report = newService(mesh, 'report', ['v1'], { namespace: 'ops' });
  const batch = newService(mesh, 'batch', ['v1'], { namespace: 'jobs' });
  new AccessPolicy(mesh, 'api-access', { ...rules({ web, report, batch }), service: api } as any);
  const manifests = MeshTesting.synth(mesh);
  const policies = new NetworkPolicies(manifests);
  const pod = (name: string, ns: string) => podOf(manifests, `Deployment/${name}-v1`, ns);
  const apiPod = pod('api', 'shop');
  const admits = (from: Pod | Address, port: number) => policies.admits(from, apiPod, port);
  return { admits, web: pod('web', 'shop'), report: pod('report', 'ops'), batch: pod('batch', 'jobs') };
}

describe('NetworkPolicies from the new callers', () => {
  test('a namespace caller admits that namespace\'s pods, on the rule\'s ports', () => {
    const { admits, web, report, batch } = callers(() => ({ allow: [{ from: Caller.namespace('ops'), ports: [80] }] }));
    expect(admits(report, 8080)).toBe(true);
    expect(admits(report, 9090)).toBe(false);
    expect(admits(web, 8080)).toBe(false);
    expect(admits(batch, 8080)).toBe(false);
    expect(admits(INTERNET, 8080)).toBe(false);
  });

  test('an ipBlock caller admits the block (and a bare address as /32)', () => {
    const { admits, web } = callers(() => ({ allow: [{ from: Caller.ipBlock('198.51.100.0/24') }, { from: Caller.ipBlock('192.0.2.1') }] }));
    expect(admits(INTERNET, 8080)).toBe(true);
    expect(admits({ ip: '192.0.2.1' }, 9090)).toBe(true);
    expect(admits({ ip: '192.0.2.2' }, 9090)).toBe(false);
    expect(admits(web, 8080)).toBe(false);
  });

  test.each([
    ['anyone', () => Caller.anyone()],
    ['a JWT', () => Caller.jwt({ issuer: 'https://idp.example.com' })],
    ['a remote IP block', () => Caller.remoteIpBlock('198.51.100.0/24')],
    ['any authenticated workload', () => Caller.authenticated()],
  ])('%s: the port is open to every source at L3/L4 (Istio enforces the rest)', (_name, caller) => {
    const { admits, web, batch } = callers(() => ({ allow: [{ from: caller(), ports: [9090] }] }));
    expect(admits(INTERNET, 9090)).toBe(true);
    expect(admits(STRANGER, 9090)).toBe(true);
    // The mesh's workloads may reach it too (their egress follows the same rules).
    expect(admits(web, 9090)).toBe(true);
    expect(admits(batch, 9090)).toBe(true);
    expect(admits(web, 8080)).toBe(false);
  });

  test('a principal the mesh does not model admits its namespace', () => {
    const { admits, report, web } = callers(() => ({ allow: [{ from: Caller.principal('cluster.local/ns/ops/sa/cron') }] }));
    // A pod of ops the mesh writes no policy for (its egress is open): admitted by namespace.
    expect(admits({ name: 'cron', namespace: 'ops', labels: { app: 'cron' }, ports: [] }, 8080)).toBe(true);
    expect(admits(STRANGER, 8080)).toBe(false);
    // The mesh's own workloads run as other identities: their egress does not reach it.
    expect(admits(report, 8080)).toBe(false);
    expect(admits(web, 8080)).toBe(false);
  });

  test('DENY rules never narrow the NetworkPolicy (a superset is safe)', () => {
    const { admits, web, report } = callers(({ web: w, report: r }) => ({ allow: [{ from: w }, { from: r }], deny: [{ from: r }, { from: Caller.namespace('shop'), paths: ['/admin/*'] }] }));
    expect(admits(web, 8080)).toBe(true);
    expect(admits(report, 8080)).toBe(true);
  });

  test('only DENY rules: the service is not allow-listed, deny-by-default closes it', () => {
    const { admits, web } = callers(({ report: r }) => ({ deny: [{ from: r }] }));
    expect(admits(web, 8080)).toBe(false);
  });
});

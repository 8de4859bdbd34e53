/**
 * MeshTesting.canCall / explainCall: the synthesized PeerAuthentications and AuthorizationPolicies evaluated
 * the way Istio's proxies do, on what the library writes and on hand-written manifests.
 */
import { Testing } from 'cdk8s';
import { Bookinfo } from '../../examples/bookinfo/mesh';
import {
  AccessPolicy, EgressScope, HttpMethod, IMeshIdentity, Mesh, MeshService, MeshTesting, MtlsMode, MtlsPolicy, OutboundTrafficPolicy, PolicyScope,
  Protocol,
} from '../../src';
import { newMesh, newService } from '../support/util';

/** Two services in `default`, web and api (ports 8080 and 9090, two versions), and the manifests of their mesh. */
function webAndApi(props: { denyByDefault?: boolean } = {}) {
  const mesh = newMesh(props);
  const web = newService(mesh, 'web');
  const api = new MeshService(mesh, 'api', { ports: [{ port: 8080, protocol: Protocol.HTTP }, { port: 9090, protocol: Protocol.HTTP, targetPort: 9091 }] });
  ['v1', 'v2'].forEach(v => api.addVersion(v, { image: `example/api:${v}` }));
  return { mesh, web, api };
}

/** The manifests without the DestinationRule the mesh writes for api (it declares api's two subsets), for one written by hand in its place. */
function withoutApiRule(manifests: any[]): any[] {
  return manifests.filter(o => !(o.kind === 'DestinationRule' && o.metadata.name === 'api'));
}

/** A DestinationRule for api with `trafficPolicy`, as a user writes it by hand. */
function destinationRule(name: string, namespace: string, trafficPolicy: any): any {
  return { apiVersion: 'networking.istio.io/v1', kind: 'DestinationRule', metadata: { name, namespace }, spec: { host: 'api.default.svc.cluster.local', trafficPolicy } };
}

/** An AuthorizationPolicy as a user (or another tool) writes it by hand. */
function policy(name: string, namespace: string, spec: any): any {
  return { apiVersion: 'security.istio.io/v1', kind: 'AuthorizationPolicy', metadata: { name, namespace }, spec };
}

const WEB = 'cluster.local/ns/default/sa/web';

describe('deny-by-default', () => {
  test.each([
    // denyByDefault, access policy for api, web may call api, api may call web
    [true, false, false, false],
    [true, true, true, false],
    [false, false, true, true],
    [false, true, true, true],
  ])('denyByDefault %s, AccessPolicy on api %s: web -> api %s, api -> web %s', (deny, access, webToApi, apiToWeb) => {
    // GIVEN
    const { mesh, web, api } = webAndApi({ denyByDefault: deny });
    if (access) {
      new AccessPolicy(mesh, 'api-access', { service: api, allow: [{ from: web }] });
    }
    // WHEN
    const manifests = MeshTesting.synth(mesh);
    // THEN
    expect(MeshTesting.canCall(mesh, web, api, {}, manifests)).toBe(webToApi);
    expect(MeshTesting.canCall(mesh, api, web, {}, manifests)).toBe(apiToWeb);
  });

  test('explainCall names the allow-nothing policy of the root namespace when nothing allows the call', () => {
    const { mesh, web, api } = webAndApi();
    expect(MeshTesting.explainCall(mesh, web, api)).toEqual({
      allowed: false,
      policy: 'istio-system/allow-nothing',
      reason: 'denied: ALLOW policies apply (istio-system/allow-nothing (no rules: allows nothing)) and no rule of theirs matches '
        + `GET / on port 8080 of Deployment default/api-v1 from Deployment default/web-v1 (${WEB})`,
    });
  });

  test('explainCall names the AccessPolicy that allows the call', () => {
    const { mesh, web, api } = webAndApi();
    new AccessPolicy(mesh, 'api-access', { service: api, allow: [{ from: web }] });
    expect(MeshTesting.explainCall(mesh, web, api, { toVersion: 'v2' })).toEqual({
      allowed: true,
      policy: 'default/api',
      reason: `allowed: rule 1 of ALLOW policy default/api matches GET / on port 8080 of Deployment default/api-v2 from Deployment default/web-v1 (${WEB})`,
    });
  });

  test('deny-by-default for one namespace: only its workloads refuse', () => {
    const mesh = newMesh({ denyByDefault: false });
    const web = newService(mesh, 'web');
    const api = newService(mesh, 'api', ['v1'], { namespace: 'locked' });
    const db = newService(mesh, 'db');
    mesh.denyByDefault({ namespace: 'locked' });
    const manifests = MeshTesting.synth(mesh);
    expect(MeshTesting.explainCall(mesh, web, api, {}, manifests).policy).toEqual('locked/allow-nothing');
    expect(MeshTesting.canCall(mesh, web, api, {}, manifests)).toBe(false);
    expect(MeshTesting.canCall(mesh, api, db, {}, manifests)).toBe(true);
  });
});

describe("the '*' trap", () => {
  test('without deny-by-default every caller may call payments, and canCall says so where allowedCallers could be misread', () => {
    // GIVEN a mesh that lets everyone call a service with no AccessPolicy
    const mesh = newMesh({ denyByDefault: false });
    const frontend = newService(mesh, 'frontend');
    const payments = newService(mesh, 'payments');
    // THEN the question "may frontend call payments?" gets its true answer
    expect(MeshTesting.canCall(mesh, frontend, payments)).toBe(true);
    expect(MeshTesting.explainCall(mesh, frontend, payments).reason).toMatch(/^allowed: no ALLOW policy applies to Deployment default\/payments-v1/);
    // and allowedCallers refuses to answer with a list that `not.toContain(frontend.principal)` would pass
    expect(() => MeshTesting.allowedCallers(mesh, payments)).toThrow(
      "[MESH0604] MeshTesting.allowedCallers: every caller may call 'payments' (no ALLOW policy applies to it), which a list of principals cannot say: "
      + 'use MeshTesting.canCall(mesh, caller, payments) instead');
  });

  test.each([
    ['a rule without from', { selector: { matchLabels: { app: 'payments' } }, rules: [{}] }],
    ['a source without principals', { selector: { matchLabels: { app: 'payments' } }, rules: [{ from: [{ source: { namespaces: ['default'] } }] }] }],
  ])('allowedCallers fails on %s, which allows more than principals', (_, spec) => {
    const mesh = newMesh({ denyByDefault: false });
    const frontend = newService(mesh, 'frontend');
    const payments = newService(mesh, 'payments');
    const manifests = [...MeshTesting.synth(mesh), policy('payments', 'default', spec)];
    expect(() => MeshTesting.allowedCallers(mesh, payments, manifests)).toThrow(/\[MESH0604\] .* \(a rule allows any source\)/);
    expect(MeshTesting.canCall(mesh, frontend, payments, {}, manifests)).toBe(true);
  });

  test('allowedCallers still lists the principals when ALLOW rules name them', () => {
    const { mesh, web, api } = webAndApi();
    new AccessPolicy(mesh, 'api-access', { service: api, allow: [{ from: web }] });
    expect(MeshTesting.allowedCallers(mesh, api)).toEqual([WEB]);
    expect(MeshTesting.allowedCallers(mesh, web)).toEqual([]);
  });
});

describe('DENY before ALLOW', () => {
  test('a revoked identity is denied although an AccessPolicy allows it', () => {
    const { mesh, web, api } = webAndApi();
    new AccessPolicy(mesh, 'api-access', { service: api, allow: [{ from: web }] });
    mesh.revokeIdentity(web);
    const decision = MeshTesting.explainCall(mesh, web, api);
    expect(decision.allowed).toBe(false);
    expect(decision.policy).toEqual('istio-system/revoked-identities');
    expect(decision.reason).toMatch(/^denied: rule 1 of DENY policy istio-system\/revoked-identities matches GET \/ on port 8080/);
  });

  test.each([
    // the DENY policy's operation, request, allowed
    [{ methods: ['DELETE'] }, { method: HttpMethod.DELETE }, false],
    [{ methods: ['DELETE'] }, { method: HttpMethod.GET }, true],
    [{ notMethods: ['GET'] }, { method: HttpMethod.POST }, false],
    [{ notMethods: ['GET'] }, { method: HttpMethod.GET }, true],
    [{ paths: ['/admin/*'] }, { path: '/admin/users' }, false],
    [{ paths: ['/admin/*'] }, { path: '/administrator' }, true],
    [{ notPaths: ['/public/*'] }, { path: '/private' }, false],
    [{ notPaths: ['/public/*'] }, { path: '/public/a?x=1' }, true],
  ])('a hand-written DENY policy on api with %j: %j allowed %s', (operation, request, allowed) => {
    const { mesh, web, api } = webAndApi({ denyByDefault: false });
    const manifests = [...MeshTesting.synth(mesh), policy('deny', 'default', { action: 'DENY', selector: { matchLabels: { app: 'api' } }, rules: [{ to: [{ operation }] }] })];
    expect(MeshTesting.canCall(mesh, web, api, request, manifests)).toBe(allowed);
  });

  test('a DENY policy with no rules denies nothing', () => {
    const { mesh, web, api } = webAndApi({ denyByDefault: false });
    const manifests = [...MeshTesting.synth(mesh), policy('deny', 'default', { action: 'DENY' })];
    expect(MeshTesting.canCall(mesh, web, api, {}, manifests)).toBe(true);
  });

  test('an AUDIT policy decides nothing', () => {
    const { mesh, web, api } = webAndApi({ denyByDefault: false });
    const manifests = [...MeshTesting.synth(mesh), policy('audit', 'default', { action: 'AUDIT', rules: [{}] })];
    expect(MeshTesting.canCall(mesh, web, api, {}, manifests)).toBe(true);
  });
});

describe('methods, paths and ports of an AccessPolicy', () => {
  const { mesh, web, api } = webAndApi();
  new AccessPolicy(mesh, 'api-access', {
    service: api,
    allow: [{ from: web, methods: [HttpMethod.GET, HttpMethod.HEAD], paths: ['/books', '/api/*', '*.css'], ports: [9090] }],
  });
  const manifests = MeshTesting.synth(mesh);

  test.each([
    [{ method: HttpMethod.GET, path: '/books', port: 9090 }, true],
    [{ method: HttpMethod.HEAD, path: '/api/v1/x', port: 9090 }, true],
    [{ method: HttpMethod.GET, path: '/static/site.css', port: 9090 }, true],
    [{ method: HttpMethod.GET, path: '/books?page=2', port: 9090 }, true],
    [{ method: HttpMethod.POST, path: '/books', port: 9090 }, false],
    [{ method: HttpMethod.GET, path: '/books/1', port: 9090 }, false],
    [{ method: HttpMethod.GET, path: '/api', port: 9090 }, false],
    [{ method: HttpMethod.GET, path: '/books', port: 8080 }, false],
    // the first port (8080) by default, GET / by default
    [{}, false],
    [{ port: 9090 }, false],
  ])('%j allowed %s', (request, allowed) => {
    expect(MeshTesting.canCall(mesh, web, api, request, manifests)).toBe(allowed);
  });

  test('the service port is turned into the target port the policy names', () => {
    expect(MeshTesting.find(manifests, 'AuthorizationPolicy', 'api').spec.rules[0].to[0].operation.ports).toEqual(['9091']);
    expect(MeshTesting.explainCall(mesh, web, api, { path: '/books', port: 9090 }, manifests).reason).toContain('GET /books on port 9091');
  });
});

describe('hand-written sources, operations and conditions', () => {
  const { mesh, web, api } = webAndApi({ denyByDefault: false });
  const base = MeshTesting.synth(mesh);
  const allow = (rule: any) => [...base, policy('api', 'default', { selector: { matchLabels: { app: 'api' } }, rules: [rule] })];

  test.each([
    [{ from: [{ source: { principals: [WEB] } }] }, true],
    [{ from: [{ source: { principals: ['cluster.local/ns/default/sa/*'] } }] }, true],
    [{ from: [{ source: { principals: ['*/sa/web'] } }] }, true],
    [{ from: [{ source: { principals: ['*'] } }] }, true],
    [{ from: [{ source: { principals: ['cluster.local/ns/default/sa/we'] } }] }, false],
    [{ from: [{ source: { principals: ['cluster.local/ns/other/*'] } }] }, false],
    [{ from: [{ source: { notPrincipals: [WEB] } }] }, false],
    [{ from: [{ source: { notPrincipals: ['cluster.local/ns/other/*'] } }] }, true],
    [{ from: [{ source: { namespaces: ['default'] } }] }, true],
    [{ from: [{ source: { namespaces: ['def*'] } }] }, true],
    [{ from: [{ source: { namespaces: ['other'] } }] }, false],
    [{ from: [{ source: { notNamespaces: ['default'] } }] }, false],
    [{ from: [{ source: { principals: [WEB], namespaces: ['other'] } }] }, false],
    [{ from: [{ source: { namespaces: ['other'] } }, { source: { principals: [WEB] } }] }, true],
    [{ to: [{ operation: { ports: ['8080'] } }] }, true],
    [{ to: [{ operation: { notPorts: ['8080'] } }] }, false],
    [{ to: [{ operation: { methods: ['G*'] } }] }, true],
    [{ to: [{ operation: { paths: ['*'] } }] }, true],
    [{ when: [{ key: 'request.headers[X-Team]', values: ['blue'] }] }, true],
    [{ when: [{ key: 'request.headers[x-team]', values: ['green'] }] }, false],
    [{ when: [{ key: 'request.headers[x-missing]', notValues: ['green'] }] }, true],
    [{ when: [{ key: 'source.namespace', values: ['default'] }] }, true],
    [{ when: [{ key: 'source.principal', notValues: [WEB] }] }, false],
    [{ when: [{ key: 'destination.port', values: ['8080'] }] }, true],
  ])('ALLOW rule %j: allowed %s', (rule, allowed) => {
    expect(MeshTesting.canCall(mesh, web, api, { headers: { 'X-Team': 'blue' } }, allow(rule))).toBe(allowed);
  });

  test('a policy in another namespace does not apply; one in the root namespace applies mesh-wide', () => {
    const nothing = { selector: { matchLabels: { app: 'api' } } };
    expect(MeshTesting.canCall(mesh, web, api, {}, [...base, policy('x', 'other', nothing)])).toBe(true);
    expect(MeshTesting.explainCall(mesh, web, api, {}, [...base, policy('x', 'istio-system', nothing)]).policy).toEqual('istio-system/x');
    expect(MeshTesting.canCall(mesh, web, api, {}, [...base, policy('x', 'istio-system', nothing)])).toBe(false);
  });

  test('a selector is matched against the pod labels the Deployment writes, version included', () => {
    const v2Only = policy('x', 'default', { selector: { matchLabels: { app: 'api', version: 'v2' } } });
    expect(MeshTesting.canCall(mesh, web, api, { toVersion: 'v1' }, [...base, v2Only])).toBe(true);
    expect(MeshTesting.canCall(mesh, web, api, { toVersion: 'v2' }, [...base, v2Only])).toBe(false);
    expect(() => MeshTesting.canCall(mesh, web, api, {}, [...base, v2Only])).toThrow(
      "[MESH0602] MeshTesting.canCall: the versions of 'web' and 'api' get different answers "
      + `(Deployment default/web-v1 (${WEB}) -> Deployment default/api-v1: allowed; Deployment default/web-v1 (${WEB}) -> Deployment default/api-v2: denied): `
      + 'give fromVersion and toVersion');
  });

  test('the caller\'s principal comes from the service account its Deployment runs as, not from the construct', () => {
    const rendered = base.map(o => o.kind === 'Deployment' && o.metadata.name === 'web-v1'
      ? { ...o, spec: { ...o.spec, template: { ...o.spec.template, spec: { ...o.spec.template.spec, serviceAccountName: 'wrong' } } } }
      : o);
    const onlyWeb = policy('api', 'default', { selector: { matchLabels: { app: 'api' } }, rules: [{ from: [{ source: { principals: [web.principal] } }] }] });
    expect(MeshTesting.canCall(mesh, web, api, {}, [...base, onlyWeb])).toBe(true);
    expect(MeshTesting.explainCall(mesh, web, api, {}, [...rendered, onlyWeb]).reason).toContain('(cluster.local/ns/default/sa/wrong)');
    expect(MeshTesting.canCall(mesh, web, api, {}, [...rendered, onlyWeb])).toBe(false);
  });
});

describe('a TCP port', () => {
  // Istio drops an ALLOW rule with HTTP-only fields on TCP (so it matches nothing), and applies a DENY rule
  // without them (so it matches more): https://istio.io/latest/docs/concepts/security/#using-istio-authorization-on-plain-tcp-protocols
  const mesh = newMesh({ denyByDefault: false });
  const web = newService(mesh, 'web');
  const db = new MeshService(mesh, 'db', { ports: [{ port: 5432, protocol: Protocol.TCP }, { port: 8080, protocol: Protocol.HTTP }] });
  db.addVersion('v1', { image: 'example/db:v1' });
  const base = MeshTesting.synth(mesh);
  const on = (action: string, rule: any) => [...base, policy('db', 'default', { selector: { matchLabels: { app: 'db' } }, action, rules: [rule] })];

  test.each<[string, any, boolean, boolean]>([
    ['ALLOW', { to: [{ operation: { methods: ['GET'] } }] }, false, true],
    ['ALLOW', { to: [{ operation: { ports: ['5432', '8080'], paths: ['/*'] } }] }, false, true],
    ['ALLOW', { when: [{ key: 'request.headers[x-team]', values: ['blue'] }] }, false, true],
    ['ALLOW', { to: [{ operation: { ports: ['5432', '8080'] } }] }, true, true],
    ['DENY', { to: [{ operation: { methods: ['POST'] } }] }, false, true],
    ['DENY', { to: [{ operation: { ports: ['8080'], methods: ['POST'] } }] }, true, true],
    ['DENY', { when: [{ key: 'request.headers[x-team]', values: ['green'] }] }, false, true],
  ])('%s rule %j: allowed on TCP %s, on HTTP %s', (action, rule, onTcp, onHttp) => {
    const request = { headers: { 'x-team': 'blue' } };
    expect(MeshTesting.canCall(mesh, web, db, { ...request, port: 5432 }, on(action, rule))).toBe(onTcp);
    expect(MeshTesting.canCall(mesh, web, db, { ...request, port: 8080 }, on(action, rule))).toBe(onHttp);
  });

  test('a port that names no protocol Istio knows is sniffed, so an HTTP request is evaluated as HTTP', () => {
    const sniffed = base.map(o => o.kind === 'Service' && o.metadata.name === 'db'
      ? { ...o, spec: { ...o.spec, ports: o.spec.ports.map((p: any) => ({ port: p.port, targetPort: p.targetPort, name: 'web' })) } }
      : o);
    const getOnly = policy('db', 'default', { selector: { matchLabels: { app: 'db' } }, rules: [{ to: [{ operation: { methods: ['GET'] } }] }] });
    expect(MeshTesting.canCall(mesh, web, db, { port: 5432 }, [...sniffed, getOnly])).toBe(true);
    expect(MeshTesting.canCall(mesh, web, db, { port: 5432, method: HttpMethod.POST }, [...sniffed, getOnly])).toBe(false);
  });
});

describe('callers', () => {
  test('a service imported with MeshService.fromName() has no workload in the manifests: it calls as its declared principal', () => {
    const mesh = newMesh();
    const api = newService(mesh, 'api');
    const batch = MeshService.fromName(mesh, 'batch', 'batch', { namespace: 'jobs', serviceAccountName: 'runner' });
    expect(MeshTesting.canCall(mesh, batch, api)).toBe(false);
    new AccessPolicy(mesh, 'api-access', { service: api, allow: [{ from: batch }] });
    const decision = MeshTesting.explainCall(mesh, batch, api);
    expect(decision.allowed).toBe(true);
    expect(decision.reason).toContain("from 'batch' (imported, cluster.local/ns/jobs/sa/runner)");
  });

  test('a gateway calls as the service account of its Deployment', () => {
    const bookinfo = new Bookinfo(Testing.app(), 'bookinfo');
    expect(MeshTesting.explainCall(bookinfo, bookinfo.gateway, bookinfo.productpage).reason)
      .toContain('from Deployment istio-ingress/bookinfo-gateway (cluster.local/ns/istio-ingress/sa/bookinfo-gateway)');
  });
});

describe('mTLS and sidecars', () => {
  /** The manifests with the web-v1 pods opted out of injection: a caller without a sidecar (the library cannot write one). */
  function withoutSidecar(manifests: any[]): any[] {
    return manifests.map(o => o.kind === 'Deployment' && o.metadata.name === 'web-v1'
      ? { ...o, spec: { ...o.spec, template: { ...o.spec.template, metadata: { ...o.spec.template.metadata, labels: { ...o.spec.template.metadata.labels, 'sidecar.istio.io/inject': 'false' } } } } }
      : o);
  }
  const peerAuth = (mode: string) => ({
    apiVersion: 'security.istio.io/v1',
    kind: 'PeerAuthentication',
    metadata: { name: 'api', namespace: 'default' },
    spec: { selector: { matchLabels: { app: 'api' } }, mtls: { mode } },
  });

  test('under STRICT (the default) a caller without a sidecar is refused by the PeerAuthentication', () => {
    const { mesh, web, api } = webAndApi({ denyByDefault: false });
    const manifests = withoutSidecar(MeshTesting.synth(mesh));
    expect(MeshTesting.explainCall(mesh, web, api, {}, manifests)).toEqual({
      allowed: false,
      policy: 'istio-system/default',
      reason: 'denied: PeerAuthentication istio-system/default is STRICT on Deployment default/api-v1, and Deployment default/web-v1 (no sidecar: plaintext) has no sidecar, so it calls in plaintext',
    });
  });

  test('under PERMISSIVE a plaintext caller gets through, but has no principal to match', () => {
    const { mesh, web, api } = webAndApi({ denyByDefault: false });
    const manifests = [...withoutSidecar(MeshTesting.synth(mesh)), peerAuth('PERMISSIVE')];
    expect(MeshTesting.canCall(mesh, web, api, {}, manifests)).toBe(true);
    const onlyWeb = policy('api', 'default', { selector: { matchLabels: { app: 'api' } }, rules: [{ from: [{ source: { principals: [WEB] } }] }] });
    expect(MeshTesting.canCall(mesh, web, api, {}, [...manifests, onlyWeb])).toBe(false);
    // with a sidecar the same call carries the principal
    expect(MeshTesting.canCall(mesh, web, api, {}, [...MeshTesting.synth(mesh), peerAuth('PERMISSIVE'), onlyWeb])).toBe(true);
  });

  test('a plaintext caller matches notNamespaces, as Istio compares the mTLS-only fields to an empty value (ISTIO-SECURITY-2021-004)', () => {
    const { mesh, web, api } = webAndApi({ denyByDefault: false });
    const notDefault = policy('api', 'default', { selector: { matchLabels: { app: 'api' } }, rules: [{ from: [{ source: { notNamespaces: ['default'] } }] }] });
    expect(MeshTesting.canCall(mesh, web, api, {}, [...MeshTesting.synth(mesh), notDefault])).toBe(false);
    expect(MeshTesting.canCall(mesh, web, api, {}, [...withoutSidecar(MeshTesting.synth(mesh)), peerAuth('PERMISSIVE'), notDefault])).toBe(true);
  });

  test('under DISABLE even a caller with a sidecar calls in plaintext, without a principal', () => {
    const { mesh, web, api } = webAndApi({ denyByDefault: false });
    const onlyWeb = policy('api', 'default', { selector: { matchLabels: { app: 'api' } }, rules: [{ from: [{ source: { principals: [WEB] } }] }] });
    expect(MeshTesting.canCall(mesh, web, api, {}, [...MeshTesting.synth(mesh), peerAuth('DISABLE'), onlyWeb])).toBe(false);
  });

  test('the caller\'s proxy sends what the DestinationRule says: ISTIO_MUTUAL to a port that takes plaintext only fails', () => {
    // GIVEN auto mTLS off (the library then writes DestinationRules with tls ISTIO_MUTUAL) and api's port 9090 DISABLE
    const mesh = newMesh({ denyByDefault: false, autoMtls: false });
    const web = newService(mesh, 'web');
    const api = new MeshService(mesh, 'api', { ports: [{ port: 8080, protocol: Protocol.HTTP }, { port: 9090, protocol: Protocol.HTTP }] });
    api.addVersion('v1', { image: 'example/api:v1' });
    new MtlsPolicy(mesh, 'api-mtls', { mode: MtlsMode.STRICT, scope: PolicyScope.workload(api), portOverrides: [{ port: 9090, mode: MtlsMode.DISABLE }] });
    const manifests = MeshTesting.synth(mesh);
    // THEN the library's DestinationRule sends plaintext to the DISABLE port (a port-level setting counts for its port)
    expect(MeshTesting.find(manifests, 'DestinationRule', 'api').spec.trafficPolicy.portLevelSettings).toEqual([{ port: { number: 9090 }, tls: { mode: 'DISABLE' } }]);
    expect(MeshTesting.canCall(mesh, web, api, { port: 8080 }, manifests)).toBe(true);
    expect(MeshTesting.canCall(mesh, web, api, { port: 9090 }, manifests)).toBe(true);
    // and a DestinationRule without it sends mTLS there, which the port refuses
    const serviceWide = manifests.map(o => o.kind === 'DestinationRule' && o.metadata.name === 'api'
      ? { ...o, spec: { ...o.spec, trafficPolicy: { ...o.spec.trafficPolicy, portLevelSettings: undefined } } }
      : o);
    expect(MeshTesting.explainCall(mesh, web, api, { port: 9090 }, serviceWide)).toEqual({
      allowed: false,
      policy: 'default/api',
      reason: 'denied: PeerAuthentication default/api is DISABLE on port 9090 of Deployment default/api-v1, so it accepts plaintext only, '
        + `and Deployment default/web-v1 (${WEB}) sends mTLS (DestinationRule default/api sets tls ISTIO_MUTUAL)`,
    });
  });

  test.each<[string, (manifests: any[]) => any[], boolean]>([
    ['auto mTLS on, no DestinationRule TLS: mTLS', m => m, true],
    ['a DestinationRule with tls DISABLE: plaintext, refused under STRICT', m => [...m, destinationRule('api', 'default', { tls: { mode: 'DISABLE' } })], false],
    ['one in the caller\'s namespace wins over the service\'s', m => [...m, destinationRule('api', 'default', { tls: { mode: 'ISTIO_MUTUAL' } }), destinationRule('api-x', 'front', { tls: { mode: 'DISABLE' } })], false],
    ['one in the root namespace counts after the service\'s', m => [...m, destinationRule('api', 'default', { tls: { mode: 'ISTIO_MUTUAL' } }), destinationRule('api-x', 'istio-system', { tls: { mode: 'DISABLE' } })], true],
  ])('%s', (_, manifests, allowed) => {
    const mesh = newMesh({ denyByDefault: false });
    const web = newService(mesh, 'web', ['v1'], { namespace: 'front' });
    const api = newService(mesh, 'api');
    expect(MeshTesting.canCall(mesh, web, api, {}, manifests(MeshTesting.synth(mesh)))).toBe(allowed);
  });

  test('auto mTLS off and no DestinationRule: the caller sends plaintext', () => {
    const mesh = newMesh({ denyByDefault: false, autoMtls: false });
    const web = newService(mesh, 'web');
    const api = newService(mesh, 'api');
    const manifests = MeshTesting.synth(mesh);
    expect(MeshTesting.canCall(mesh, web, api, {}, manifests)).toBe(true);
    expect(MeshTesting.explainCall(mesh, web, api, {}, manifests.filter(o => o.kind !== 'DestinationRule')).reason).toContain(
      'calls in plaintext (auto mTLS is off and no DestinationRule sets tls ISTIO_MUTUAL)');
  });

  test.each<[string, any, string]>([
    ['SIMPLE', { trafficPolicy: { tls: { mode: 'SIMPLE' } } }, 'DestinationRule default/api has tls SIMPLE, which this evaluation cannot decide'],
    ['a subset\'s own tls', { subsets: [{ name: 'v1', labels: { version: 'v1' }, trafficPolicy: { tls: { mode: 'DISABLE' } } }] },
      'DestinationRule default/api has a subset with its own tls, which this evaluation cannot decide'],
  ])('MESH0600 for a DestinationRule with %s', (_, spec, message) => {
    const { mesh, web, api } = webAndApi({ denyByDefault: false });
    const rule = { apiVersion: 'networking.istio.io/v1', kind: 'DestinationRule', metadata: { name: 'api', namespace: 'default' }, spec: { host: 'api', ...spec } };
    expect(() => MeshTesting.canCall(mesh, web, api, {}, [...withoutApiRule(MeshTesting.synth(mesh)), rule])).toThrow(`[MESH0600] MeshTesting.canCall: ${message}`);
  });

  test('a PeerAuthentication whose selector has no labels is its namespace\'s (the root namespace\'s: mesh-wide)', () => {
    const { mesh, web, api } = webAndApi({ denyByDefault: false });
    const manifests = withoutSidecar(MeshTesting.synth(mesh)).filter(o => o.kind !== 'PeerAuthentication');
    const strict = (namespace: string, selector: any) => ({
      apiVersion: 'security.istio.io/v1', kind: 'PeerAuthentication', metadata: { name: 'all', namespace }, spec: { selector, mtls: { mode: 'STRICT' } },
    });
    expect(MeshTesting.canCall(mesh, web, api, { toVersion: 'v1' }, manifests)).toBe(true);
    expect(MeshTesting.explainCall(mesh, web, api, { toVersion: 'v1' }, [...manifests, strict('istio-system', { matchLabels: {} })]).policy).toEqual('istio-system/all');
    expect(MeshTesting.canCall(mesh, web, api, { toVersion: 'v1' }, [...manifests, strict('istio-system', {})])).toBe(false);
    expect(MeshTesting.canCall(mesh, web, api, { toVersion: 'v1' }, [...manifests, strict('default', { matchLabels: {} })])).toBe(false);
  });

  test('a workload without a proxy enforces no policy', () => {
    const { mesh, web, api } = webAndApi();
    const manifests = withoutApiRule(MeshTesting.synth(mesh)).map(o => o.kind === 'Deployment' && o.metadata.name.startsWith('api-')
      ? { ...o, spec: { ...o.spec, template: { ...o.spec.template, metadata: { ...o.spec.template.metadata, labels: { ...o.spec.template.metadata.labels, 'sidecar.istio.io/inject': 'false' } } } } }
      : o);
    expect(MeshTesting.explainCall(mesh, web, api, { toVersion: 'v1' }, manifests).reason).toEqual('allowed: Deployment default/api-v1 runs no Istio proxy, so no policy is enforced on it');
    // unless the caller's DestinationRule asks for mTLS, which nothing there accepts
    const mutual = destinationRule('api', 'default', { tls: { mode: 'ISTIO_MUTUAL' } });
    expect(MeshTesting.explainCall(mesh, web, api, { toVersion: 'v1' }, [...manifests, mutual]).reason).toEqual(
      `denied: Deployment default/web-v1 (${WEB}) sends mTLS (DestinationRule default/api sets tls ISTIO_MUTUAL), but Deployment default/api-v1 runs no Istio proxy to accept it`);
  });

  test.each<[string, { [key: string]: string }, string, boolean]>([
    ['a namespace labelled disabled wins over a pod labelled true', { 'sidecar.istio.io/inject': 'true' }, 'disabled', false],
    ['a pod labelled false wins over a namespace labelled enabled', { 'sidecar.istio.io/inject': 'false' }, 'enabled', false],
    ['a pod labelled true in a namespace without the label is injected', { 'sidecar.istio.io/inject': 'true' }, '', true],
  ])('injection: %s (Istio: either label disabled, no sidecar)', (_, podLabels, namespaceLabel, proxy) => {
    const { mesh, web, api } = webAndApi();
    const manifests = MeshTesting.synth(mesh).map(o => {
      if (o.kind === 'Deployment' && o.metadata.name === 'api-v1') {
        const metadata = { ...o.spec.template.metadata, labels: { ...o.spec.template.metadata.labels, ...podLabels } };
        return { ...o, spec: { ...o.spec, template: { ...o.spec.template, metadata } } };
      }
      if (o.kind === 'Namespace' && o.metadata.name === 'default') {
        const labels = { ...o.metadata.labels };
        delete labels['istio-injection'];
        delete labels['istio.io/rev'];
        return { ...o, metadata: { ...o.metadata, labels: namespaceLabel ? { ...labels, 'istio-injection': namespaceLabel } : labels } };
      }
      return o;
    });
    expect(manifests.filter(o => o.kind === 'Namespace' && o.metadata.name === 'default')).toHaveLength(1);
    // deny-by-default: only a workload without a proxy lets web in
    expect(MeshTesting.canCall(mesh, web, api, { toVersion: 'v1' }, manifests)).toBe(!proxy);
  });
});

describe('Bookinfo: the whole call graph', () => {
  const bookinfo = new Bookinfo(Testing.app(), 'bookinfo');
  const manifests = MeshTesting.synth(bookinfo);
  const services: { [name: string]: IMeshIdentity } = {
    gateway: bookinfo.gateway, productpage: bookinfo.productpage, details: bookinfo.details, reviews: bookinfo.reviews, ratings: bookinfo.ratings,
  };
  const allowed = new Set(['gateway->productpage', 'productpage->details', 'productpage->reviews', 'reviews->ratings']);
  const pairs = Object.keys(services).flatMap(from => ['productpage', 'details', 'reviews', 'ratings'].map(to => [from, to, allowed.has(`${from}->${to}`)] as const));

  test.each(pairs)('%s -> %s: %s', (from, to, expected) => {
    expect(MeshTesting.canCall(bookinfo, services[from], services[to] as MeshService, {}, manifests)).toBe(expected);
  });

  test('every version of reviews may call ratings, and productpage may call every version of reviews', () => {
    for (const v of ['v1', 'v2', 'v3']) {
      expect(MeshTesting.canCall(bookinfo, bookinfo.reviews, bookinfo.ratings, { fromVersion: v }, manifests)).toBe(true);
      expect(MeshTesting.canCall(bookinfo, bookinfo.productpage, bookinfo.reviews, { toVersion: v }, manifests)).toBe(true);
    }
  });
});

describe('bad input', () => {
  const { mesh, web, api } = webAndApi();
  const manifests = MeshTesting.synth(mesh);

  test.each<[string, () => unknown, string]>([
    ['not a mesh', () => MeshTesting.canCall({} as Mesh, web, api), "[MESH0097] MeshTesting.canCall: mesh is not a Mesh: give the Mesh itself, e.g. new Mesh(app, 'mesh')"],
    ['no mesh', () => MeshTesting.explainCall(undefined as unknown as Mesh, web, api), '[MESH0097] MeshTesting.explainCall: mesh is missing'],
    ['a caller of another mesh', () => MeshTesting.canCall(mesh, newService(newMesh(), 'x'), api, {}, manifests),
      "[MESH0097] MeshTesting.canCall: from 'x' belongs to another mesh (mesh): give a service of mesh 'mesh'"],
    ['a service of another mesh', () => MeshTesting.canCall(mesh, web, newService(newMesh(), 'y'), {}, manifests),
      "[MESH0097] MeshTesting.canCall: to 'y' belongs to another mesh (mesh): give a service of mesh 'mesh'"],
    ['a caller that is no service', () => MeshTesting.canCall(mesh, {} as IMeshIdentity, api, {}, manifests),
      '[MESH0009] MeshTesting.canCall: from is not a service or gateway of a mesh'],
    ['an unknown version', () => MeshTesting.canCall(mesh, web, api, { toVersion: 'v9' }, manifests),
      "[MESH0601] MeshTesting.canCall: service 'api' has no workload with the label version=v9 in the manifests (versions: v1, v2): name a version the service has"],
    ['an unknown calling version', () => MeshTesting.canCall(mesh, web, api, { fromVersion: 'v2' }, manifests),
      "[MESH0601] MeshTesting.canCall: caller 'web' has no workload with the label version=v2 in the manifests (versions: v1)"],
    ['manifests without the service', () => MeshTesting.canCall(mesh, web, api, {}, []),
      "[MESH0601] MeshTesting.canCall: the manifests hold no Service 'default/api'"],
    ['a port the service lacks', () => MeshTesting.canCall(mesh, web, api, { port: 1234 }, manifests),
      "[MESH0603] MeshTesting.canCall: port 1234 is not a port of Service 'default/api' (ports: 8080, 9090): give one of its ports"],
    ['a path without /', () => MeshTesting.canCall(mesh, web, api, { path: 'books' }, manifests),
      "[MESH0603] MeshTesting.canCall: path 'books' does not start with '/'"],
    ['a lower-case method', () => MeshTesting.canCall(mesh, web, api, { method: 'get' as HttpMethod }, manifests), '[MESH0090] MeshTesting.canCall: method'],
    ['an unknown option', () => MeshTesting.canCall(mesh, web, api, { verb: 'GET' } as any, manifests),
      "[MESH0603] MeshTesting.canCall: options has 'verb', which is not an option"],
    ['manifests that are no list', () => MeshTesting.canCall(mesh, web, api, {}, {} as any), '[MESH0092] MeshTesting.canCall: manifests'],
  ])('fails on %s', (_, call, message) => {
    expect(call).toThrow(message);
  });

  test.each<[string, any]>([
    ['an Envoy filter key', { rules: [{ when: [{ key: 'experimental.envoy.filters.network.mysql_proxy[db.table]', values: ['[update]'] }] }] }],
    ['a source field it does not model', { rules: [{ from: [{ source: { trustDomains: ['example.com'] } }] }] }],
    ['an action Istio does not know', { action: 'LOG', rules: [{}] }],
    ['a targetRef', { targetRef: { kind: 'Service', name: 'api' } }],
  ])('fails with MESH0600, naming the policy and the field, on %s', (_, spec) => {
    const call = () => MeshTesting.canCall(mesh, web, api, {}, [...manifests, policy('odd', 'default', spec)]);
    expect(call).toThrow(/^\[MESH0600\] MeshTesting.canCall: AuthorizationPolicy default\/odd has .*, which this evaluation cannot decide/);
  });

  test('MESH0600 names the key it cannot evaluate', () => {
    const odd = policy('odd', 'default', { rules: [{ when: [{ key: 'experimental.envoy.filters.network.mysql_proxy[db.table]', values: ['[update]'] }] }] });
    expect(() => MeshTesting.canCall(mesh, web, api, {}, [...manifests, odd])).toThrow(
      "[MESH0600] MeshTesting.canCall: AuthorizationPolicy default/odd has rule 1 when[0] key 'experimental.envoy.filters.network.mysql_proxy[db.table]', which this evaluation cannot decide "
      + '(only request.headers[...], source.ip, remote.ip, source.namespace, source.principal, request.auth.principal, request.auth.audiences, request.auth.presenter, '
      + 'request.auth.claims[...], destination.ip, destination.port, connection.sni are modelled): test that policy against a cluster, or leave it out of the manifests given');
  });
});

describe("the caller's Sidecar scope (EgressScope)", () => {
  /** web may reach db only; api and db both allow web (no deny-by-default). */
  function scoped(outboundTrafficPolicy?: OutboundTrafficPolicy) {
    const mesh = newMesh({ denyByDefault: false });
    const web = newService(mesh, 'web');
    const api = newService(mesh, 'api');
    const db = newService(mesh, 'db');
    new EgressScope(mesh, 'web-egress', { service: web, allowServices: [db], outboundTrafficPolicy });
    return { mesh, web, api, db, manifests: MeshTesting.synth(mesh) };
  }

  test('REGISTRY_ONLY (the default): a host the Sidecar does not list is refused by the caller\'s own proxy', () => {
    const { mesh, web, api, db, manifests } = scoped();
    expect(MeshTesting.canCall(mesh, web, db, {}, manifests)).toBe(true);
    expect(MeshTesting.explainCall(mesh, web, api, {}, manifests)).toEqual({
      allowed: false,
      policy: 'default/web-egress',
      reason: `denied: Sidecar default/web-egress of Deployment default/web-v1 (${WEB}) does not list 'api.default.svc.cluster.local' among its egress hosts, `
        + "and it is REGISTRY_ONLY: the caller's proxy refuses the request",
    });
    // another caller is not scoped by web's Sidecar
    expect(MeshTesting.canCall(mesh, db, api, {}, manifests)).toBe(true);
    const decision = MeshTesting.explainRoute(mesh, api, { from: web }, manifests);
    expect(decision.targets).toEqual([]);
    expect(decision.reason).toContain('REGISTRY_ONLY: the caller\'s proxy refuses the request (502)');
  });

  test('ALLOW_ANY: the request passes through in plaintext, which a STRICT workload refuses, past every route', () => {
    const { mesh, web, api, manifests } = scoped(OutboundTrafficPolicy.ALLOW_ANY);
    expect(MeshTesting.explainCall(mesh, web, api, {}, manifests).reason).toContain(
      'calls in plaintext (its Sidecar default/web-egress does not list the host, so ALLOW_ANY passes the request through as it is)');
    expect(MeshTesting.canCall(mesh, web, api, {}, manifests)).toBe(false);
    expect(MeshTesting.explainRoute(mesh, api, { from: web }, manifests).reason).toContain('so ALLOW_ANY passes the request through, so no VirtualService applies');
  });

  test.each<[string, string[], boolean]>([
    ['every host of its namespace', ['default/*'], true],
    ['this namespace, as .', ['./*'], true],
    ['a suffix', ['*/*.default.svc.cluster.local'], true],
    ['another namespace', ['other/*'], false],
    ['none (~)', ['~/*'], false],
  ])('egress hosts: %s', (_, hosts, allowed) => {
    const { mesh, web, api, manifests } = scoped();
    const edited = manifests.map(o => o.kind === 'Sidecar' ? { ...o, spec: { ...o.spec, egress: [{ hosts }] } } : o);
    expect(MeshTesting.canCall(mesh, web, api, {}, edited)).toBe(allowed);
  });

  test('a Sidecar of the namespace scopes its services, not its gateway', () => {
    const bookinfo = new Bookinfo(Testing.app(), 'bookinfo');
    const onlyDetails = (namespace: string) => ({
      apiVersion: 'networking.istio.io/v1',
      kind: 'Sidecar',
      metadata: { name: 'default', namespace },
      spec: { egress: [{ hosts: ['bookinfo/details.bookinfo.svc.cluster.local'] }], outboundTrafficPolicy: { mode: 'REGISTRY_ONLY' } },
    });
    const manifests = MeshTesting.synth(bookinfo);
    expect(MeshTesting.canCall(bookinfo, bookinfo.productpage, bookinfo.reviews, {}, [...manifests, onlyDetails('bookinfo')])).toBe(false);
    expect(MeshTesting.canCall(bookinfo, bookinfo.productpage, bookinfo.details, {}, [...manifests, onlyDetails('bookinfo')])).toBe(true);
    expect(MeshTesting.canCall(bookinfo, bookinfo.gateway, bookinfo.productpage, {}, [...manifests, onlyDetails('istio-ingress')])).toBe(true);
  });

  test('an egress listener of its own port is MESH0600', () => {
    const { mesh, web, api, manifests } = scoped();
    const edited = manifests.map(o => o.kind === 'Sidecar' ? { ...o, spec: { ...o.spec, egress: [{ port: { number: 8080 }, hosts: ['*/*'] }] } } : o);
    expect(() => MeshTesting.canCall(mesh, web, api, {}, edited)).toThrow(
      '[MESH0600] MeshTesting.canCall: Sidecar default/web-egress has an egress listener with port, which this evaluation cannot decide');
  });
});

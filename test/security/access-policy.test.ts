import { AccessPolicy, Caller, HttpMethod, IngressGateway, JwtAuthentication, MeshService, MeshTesting, MtlsMode, MtlsPolicy, PolicyScope, Protocol } from '../../src';
import { validateManifests } from '../support/schemas';
import { newMesh, newService, ofKind, synthErrors } from '../support/util';

describe('AccessPolicy', () => {
  test('A may call B, by SPIFFE principal', () => {
    // GIVEN
    const mesh = newMesh();
    const frontend = newService(mesh, 'frontend', ['v1'], { namespace: 'web' });
    const reviews = newService(mesh, 'reviews', ['v1'], { namespace: 'shop' });

    // WHEN
    const policy = new AccessPolicy(mesh, 'reviews-access', { service: reviews, allow: [{ from: frontend }] });
    const manifests = MeshTesting.synth(mesh);

    // THEN
    const ap = MeshTesting.find(manifests, 'AuthorizationPolicy', 'reviews', 'shop');
    expect(ap).toMatchSnapshot();
    expect(ap.spec).toEqual({
      selector: { matchLabels: { app: 'reviews' } },
      action: 'ALLOW',
      rules: [{ from: [{ source: { principals: ['cluster.local/ns/web/sa/frontend'] } }] }],
    });
    expect(policy.rules).toEqual([{ from: frontend, methods: undefined, paths: undefined, ports: undefined }]);
    expect(MeshTesting.allowedCallers(mesh, reviews, manifests)).toEqual(['cluster.local/ns/web/sa/frontend']);
    expect(validateManifests(manifests)).toEqual([]);
  });

  test('only some methods, paths and ports', () => {
    // GIVEN
    const mesh = newMesh();
    const api = new MeshService(mesh, 'api', { ports: [{ port: 80, targetPort: 8080 }, { port: 9090, protocol: Protocol.GRPC }] });
    const web = newService(mesh, 'web');
    const batch = newService(mesh, 'batch');

    // WHEN
    const policy = new AccessPolicy(mesh, 'api-access', { service: api });
    policy.allowFrom(web, { methods: [HttpMethod.GET, HttpMethod.HEAD], paths: ['/books/*', '*.css', '/health', '*'], ports: [80] });
    policy.allowFrom(batch, { ports: [9090] });
    const manifests = MeshTesting.synth(mesh);

    // THEN
    expect(MeshTesting.find(manifests, 'AuthorizationPolicy', 'api').spec.rules).toEqual([
      {
        from: [{ source: { principals: ['cluster.local/ns/default/sa/web'] } }],
        to: [{ operation: { methods: ['GET', 'HEAD'], paths: ['/books/*', '*.css', '/health', '*'], ports: ['8080'] } }],
      },
      {
        from: [{ source: { principals: ['cluster.local/ns/default/sa/batch'] } }],
        to: [{ operation: { ports: ['9090'] } }],
      },
    ]);
    expect(validateManifests(manifests)).toEqual([]);
  });

  test('deny by default: mesh-wide and per namespace', () => {
    const mesh = newMesh();
    newService(mesh, 'web', ['v1'], { namespace: 'apps' });
    const meshWide = mesh.denyByDefault();
    const perNs = mesh.denyByDefault({ namespace: 'apps' });
    const manifests = MeshTesting.synth(mesh);
    expect(meshWide.namespace).toEqual('istio-system');
    expect(perNs.namespace).toEqual('apps');
    expect(MeshTesting.find(manifests, 'AuthorizationPolicy', 'allow-nothing', 'istio-system').spec).toEqual({});
    expect(MeshTesting.find(manifests, 'AuthorizationPolicy', 'allow-nothing', 'apps').spec).toEqual({});
    expect(validateManifests(manifests)).toEqual([]);
  });

  test('fails on a port the service does not have', () => {
    // GIVEN
    const mesh = newMesh();
    const api = newService(mesh, 'api');
    const web = newService(mesh, 'web');
    // WHEN
    const p = new AccessPolicy(mesh, 'p', { service: api, allow: [{ from: web, ports: [81] }] });
    // THEN the rule is left out, not widened to every port
    expect(p.rules).toEqual([]);
    expect(synthErrors(mesh)).toEqual(["[mesh/p] [MESH0203] port 81 is not a port of service 'api' (ports: 8080): name one of its ports"]);
  });

  test('fails on methods or paths for a TCP service', () => {
    const mesh = newMesh();
    const db = new MeshService(mesh, 'db', { ports: [{ port: 5432, protocol: Protocol.TCP }] });
    const web = newService(mesh, 'web');
    const p = new AccessPolicy(mesh, 'p', { service: db });
    p.allowFrom(web, { methods: [HttpMethod.GET], paths: ['/x'] });
    expect(synthErrors(mesh)).toEqual([
      "[mesh/p] [MESH0207] methods and paths for caller 'web' need an HTTP port, but the ports allowed are tcp: drop methods and paths or allow an HTTP port",
    ]);
  });

  test.each(['api', '/a*b', '/a/**'])('fails on path pattern %s', path => {
    const mesh = newMesh();
    const api = newService(mesh, 'api');
    const web = newService(mesh, 'web');
    const p = new AccessPolicy(mesh, 'p', { service: api });
    p.allowFrom(web, { paths: [path] });
    expect(synthErrors(mesh)).toEqual([
      `[mesh/p] [MESH0208] path '${path}' is not an Istio path pattern: use an exact path ('/api'), a prefix ('/api/*'), a suffix ('*.css') or '*'`,
    ]);
  });

  test('fails on a caller allowed twice, keeping the first rule', () => {
    const mesh = newMesh();
    const api = newService(mesh, 'api');
    const web = newService(mesh, 'web');
    const p = new AccessPolicy(mesh, 'p', { service: api, allow: [{ from: web }] });
    p.allowFrom(web, { methods: [HttpMethod.GET] });
    expect(p.rules).toEqual([{ from: web, methods: undefined, paths: undefined, ports: undefined }]);
    expect(synthErrors(mesh)).toEqual(["[mesh/p] [MESH0209] caller 'web' is already allowed: give it one rule with every method, path and port it needs"]);
  });

  test('fails on every mistake of its rules in one run', () => {
    // GIVEN
    const mesh = newMesh();
    const api = newService(mesh, 'api');
    const web = newService(mesh, 'web');
    const batch = newService(mesh, 'batch');
    // WHEN two rules each have a mistake, and a third is right
    const p = new AccessPolicy(mesh, 'p', { service: api, allow: [{ from: web, ports: [81] }] });
    p.allowFrom(batch, { paths: ['api'] });
    p.allowFrom(web, { paths: ['/api/*'] });
    // THEN both mistakes are reported, and only the right rule stays
    expect(synthErrors(mesh)).toEqual([
      "[mesh/p] [MESH0203] port 81 is not a port of service 'api' (ports: 8080): name one of its ports",
      "[mesh/p] [MESH0208] path 'api' is not an Istio path pattern: use an exact path ('/api'), a prefix ('/api/*'), a suffix ('*.css') or '*'",
    ]);
    expect(p.rules).toEqual([{ from: web, methods: undefined, paths: ['/api/*'], ports: undefined }]);
  });

  test('fails on two policies of one service that write the same object', () => {
    const mesh = newMesh();
    const api = newService(mesh, 'api');
    new AccessPolicy(mesh, 'a', { service: api });
    new AccessPolicy(mesh, 'b', { service: api });
    expect(synthErrors(mesh)).toEqual(["[mesh/b] [MESH1012] AuthorizationPolicy 'api' in namespace 'default' is also written by AccessPolicy mesh/a: give one of the policies another name"]);
  });

  test('fails on services of another mesh', () => {
    const other = newMesh();
    const foreign = newService(other, 'foreign');
    const mesh = newMesh();
    const api = newService(mesh, 'api');
    new AccessPolicy(mesh, 'a', { service: foreign });
    new AccessPolicy(mesh, 'b', { service: api, allow: [{ from: foreign }] });
    expect(synthErrors(mesh)).toEqual([
      "[mesh/a] [MESH0205] service 'foreign' belongs to another mesh (mesh): protect a service of this mesh",
      "[mesh/b] [MESH0205] caller 'foreign' belongs to another mesh (mesh): import it into this mesh with MeshService.fromName()",
    ]);
  });
});

describe('plain JavaScript callers', () => {
  test('fails at once on a policy without a service: nothing can stand in for it', () => {
    expect(() => new AccessPolicy(newMesh(), 'a', {} as any)).toThrow('[MESH0006] mesh/a: service is missing: name the service whose workloads are protected');
  });

  test('fails on a rule without a caller', () => {
    const mesh = newMesh();
    const api = newService(mesh, 'api');
    const p = new AccessPolicy(mesh, 'b', { service: api, allow: [{} as any] });
    expect(p.rules).toEqual([]);
    expect(synthErrors(mesh)).toEqual(['[mesh/b] [MESH0006] caller is missing: name the service allowed to call, e.g. { from: frontend }']);
  });
});

describe('AccessPolicy actions, names and targets', () => {
  const authorizer = (mesh: any) => ({ mesh, providerName: 'ext-authz' });

  test('DENY, AUDIT and CUSTOM beside ALLOW: one AuthorizationPolicy per action, with deterministic names', () => {
    // GIVEN
    const mesh = newMesh();
    const api = newService(mesh, 'api', ['v1'], { namespace: 'shop' });
    const web = newService(mesh, 'web', ['v1'], { namespace: 'shop' });
    // WHEN
    const policy = new AccessPolicy(mesh, 'api-access', {
      service: api,
      allow: [{ from: web }],
      deny: [{ from: Caller.ipBlock('203.0.113.0/24') }],
      audit: [{ from: Caller.anyone(), paths: ['/admin/*'] }],
      custom: { authorizer: authorizer(mesh), rules: [{ from: Caller.anyone(), paths: ['/orders/*'] }] },
    });
    const manifests = MeshTesting.synth(mesh);
    // THEN
    const spec = (name: string) => MeshTesting.find(manifests, 'AuthorizationPolicy', name, 'shop').spec;
    expect(spec('api')).toEqual({ selector: { matchLabels: { app: 'api' } }, action: 'ALLOW', rules: [{ from: [{ source: { principals: ['cluster.local/ns/shop/sa/web'] } }] }] });
    expect(spec('api-deny')).toEqual({ selector: { matchLabels: { app: 'api' } }, action: 'DENY', rules: [{ from: [{ source: { ipBlocks: ['203.0.113.0/24'] } }] }] });
    expect(spec('api-audit')).toEqual({ selector: { matchLabels: { app: 'api' } }, action: 'AUDIT', rules: [{ to: [{ operation: { paths: ['/admin/*'] } }] }] });
    expect(spec('api-custom')).toEqual({
      selector: { matchLabels: { app: 'api' } }, action: 'CUSTOM', provider: { name: 'ext-authz' }, rules: [{ to: [{ operation: { paths: ['/orders/*'] } }] }],
    });
    expect(policy.resources.map(r => r.name)).toEqual(['api', 'api-deny', 'api-audit', 'api-custom']);
    expect(policy.resource.name).toEqual('api');
    expect(policy.denyRules).toHaveLength(1);
    expect(policy.auditRules).toHaveLength(1);
    expect(policy.customRules).toHaveLength(1);
    expect(policy.authorizer?.providerName).toEqual('ext-authz');
    expect(validateManifests(manifests)).toEqual([]);
  });

  test('a policy with only DENY rules does not make the service allow-listed', () => {
    const mesh = newMesh({ denyByDefault: false });
    const api = newService(mesh, 'api');
    const web = newService(mesh, 'web');
    const batch = newService(mesh, 'batch');
    const policy = new AccessPolicy(mesh, 'p', { service: api });
    policy.denyFrom(batch);
    const manifests = MeshTesting.synth(mesh);
    expect(policy.resources.map(r => r.name)).toEqual(['api-deny']);
    expect(policy.resource.name).toEqual('api-deny');
    expect(manifests.filter(m => m.kind === 'AuthorizationPolicy').map(m => m.metadata.name)).toEqual(['api-deny']);
    // DENY before ALLOW, and no ALLOW policy means allow.
    expect(MeshTesting.canCall(mesh, web, api, {}, manifests)).toBe(true);
    expect(MeshTesting.canCall(mesh, batch, api, {}, manifests)).toBe(false);
    expect(mesh.analyze().filter(f => f.code === 'MESH0302')).toEqual([]);
  });

  test('the ALLOW policy comes back when an ALLOW rule is added after a DENY one', () => {
    const mesh = newMesh({ denyByDefault: false });
    const api = newService(mesh, 'api');
    const web = newService(mesh, 'web');
    const policy = new AccessPolicy(mesh, 'p', { service: api, deny: [{ from: Caller.namespace('legacy') }] });
    policy.allowFrom(web);
    expect(policy.resources.map(r => r.name)).toEqual(['api', 'api-deny']);
  });

  test('several named policies per service; the evaluator applies them all', () => {
    // GIVEN two teams, each with its own policy for the same service
    const mesh = newMesh();
    const api = newService(mesh, 'api');
    const web = newService(mesh, 'web');
    const batch = newService(mesh, 'batch');
    const stranger = newService(mesh, 'stranger');
    new AccessPolicy(mesh, 'web-team', { service: api, name: 'api-web', allow: [{ from: web, methods: [HttpMethod.GET] }] });
    new AccessPolicy(mesh, 'batch-team', { service: api, name: 'api-batch', allow: [{ from: batch }] });
    // WHEN
    const manifests = MeshTesting.synth(mesh);
    // THEN
    expect(MeshTesting.find(manifests, 'AuthorizationPolicy', 'api-web').spec.rules).toEqual([
      { from: [{ source: { principals: ['cluster.local/ns/default/sa/web'] } }], to: [{ operation: { methods: ['GET'] } }] },
    ]);
    expect(MeshTesting.find(manifests, 'AuthorizationPolicy', 'api-batch').spec.rules).toEqual([{ from: [{ source: { principals: ['cluster.local/ns/default/sa/batch'] } }] }]);
    expect(MeshTesting.canCall(mesh, web, api, { method: HttpMethod.GET }, manifests)).toBe(true);
    expect(MeshTesting.canCall(mesh, web, api, { method: HttpMethod.POST }, manifests)).toBe(false);
    expect(MeshTesting.canCall(mesh, batch, api, {}, manifests)).toBe(true);
    expect(MeshTesting.canCall(mesh, stranger, api, {}, manifests)).toBe(false);
    expect(synthErrors(mesh).filter(e => e.includes('api-'))).toEqual([]);
  });

  test('a name that is not a DNS label is refused', () => {
    const mesh = newMesh();
    const api = newService(mesh, 'api');
    new AccessPolicy(mesh, 'p', { service: api, name: 'Api_Web' });
    expect(synthErrors(mesh)).toContain("[mesh/p] [MESH0001] name 'Api_Web' is not a valid DNS label: use at most 63 lowercase letters, digits and '-', starting and ending with a letter or digit");
  });

  test('a gateway as the target: its pod labels, its namespace, listener ports as its container ports', () => {
    // GIVEN end users must bring a JWT at the ingress, and some addresses are refused there
    const mesh = newMesh();
    const web = newService(mesh, 'web');
    const edge = new IngressGateway(mesh, 'edge');
    edge.addRoute({ service: web });
    new AccessPolicy(mesh, 'web-access', { service: web, allow: [{ from: edge }] });
    // WHEN
    const policy = new AccessPolicy(mesh, 'edge-access', {
      gateway: edge,
      deny: [
        { from: Caller.anyone().except(Caller.authenticatedUser()), ports: [80] },
        { from: Caller.remoteIpBlock('198.51.100.0/24') },
      ],
    });
    const manifests = MeshTesting.synth(mesh);
    // THEN
    expect(policy.gateway).toBe(edge);
    expect(policy.service).toBeUndefined();
    expect(policy.namespace).toEqual(edge.namespace);
    expect(policy.resources.map(r => r.name)).toEqual(['edge-access-deny']);
    expect(MeshTesting.find(manifests, 'AuthorizationPolicy', 'edge-access-deny', edge.namespace).spec).toEqual({
      selector: { matchLabels: edge._podLabels },
      action: 'DENY',
      rules: [
        { from: [{ source: { notRequestPrincipals: ['*'] } }], to: [{ operation: { ports: ['8080'] } }] },
        { from: [{ source: { remoteIpBlocks: ['198.51.100.0/24'] } }] },
      ],
    });
    expect(synthErrors(mesh)).toEqual([]);
    expect(validateManifests(manifests)).toEqual([]);
  });

  test('ALLOW rules on a gateway replace its own allow-all policy, so that they refuse whom they do not name', () => {
    // GIVEN an ingress under deny-by-default: it writes its own policy admitting every caller
    const mesh = newMesh();
    const web = newService(mesh, 'web');
    const edge = new IngressGateway(mesh, 'edge', { listeners: [{ port: 80, hosts: ['shop.example.com'] }] });
    edge.addRoute({ hosts: ['shop.example.com'], service: web });
    new AccessPolicy(mesh, 'web-access', { service: web, allow: [{ from: edge }] });
    const before = MeshTesting.synth(mesh);
    expect(MeshTesting.find(before, 'AuthorizationPolicy', edge.gatewayName, edge.namespace).spec.rules).toEqual([{}]);
    // WHEN end users must bring a token of one issuer
    new AccessPolicy(mesh, 'edge-users', { gateway: edge, allow: [{ from: Caller.jwt({ issuer: 'https://idp.example.com' }) }] });
    new JwtAuthentication(mesh, 'edge-jwt', { gateway: edge, rules: [{ issuer: 'https://idp.example.com', jwksUri: 'https://idp.example.com/keys' }] });
    const manifests = MeshTesting.synth(mesh);
    // THEN the gateway's own policy gives way, and only the program's rules admit callers
    const edgePolicies = ofKind(manifests, 'AuthorizationPolicy').filter(p => p.metadata.namespace === edge.namespace);
    expect(edgePolicies.map(p => p.metadata.name)).toEqual(['edge-access']);
    expect(edgePolicies[0].spec).toEqual({
      selector: { matchLabels: edge._podLabels },
      action: 'ALLOW',
      rules: [{ from: [{ source: { requestPrincipals: ['https://idp.example.com/*'] } }] }],
    });
    const request = { host: 'shop.example.com', path: '/', port: 80 };
    expect(MeshTesting.canRequest(mesh, edge, request, manifests)).toBe(false);
    expect(MeshTesting.canRequest(mesh, edge, { ...request, jwt: { issuer: 'https://idp.example.com', subject: 'alice' } }, manifests)).toBe(true);
    expect(mesh.analyze().filter(f => f.code.startsWith('MESH10'))).toEqual([]);
    expect(synthErrors(mesh)).toEqual([]);
  });

  test('a gateway whose AccessPolicy only denies keeps its own allow-all policy', () => {
    const mesh = newMesh();
    const web = newService(mesh, 'web');
    const edge = new IngressGateway(mesh, 'edge', { listeners: [{ port: 80 }] });
    edge.addRoute({ service: web });
    new AccessPolicy(mesh, 'web-access', { service: web, allow: [{ from: edge }] });
    new AccessPolicy(mesh, 'edge-block', { gateway: edge, deny: [{ from: Caller.remoteIpBlock('203.0.113.0/24') }] });
    const names = ofKind(MeshTesting.synth(mesh), 'AuthorizationPolicy').filter(p => p.metadata.namespace === edge.namespace).map(p => p.metadata.name);
    expect(names.sort()).toEqual(['edge', 'edge-access-deny']);
  });

  test('exactly one target', () => {
    const mesh = newMesh();
    const api = newService(mesh, 'api');
    const edge = new IngressGateway(mesh, 'edge');
    expect(() => new AccessPolicy(mesh, 'p', { service: api, gateway: edge })).toThrow(
      '[MESH1010] mesh/p: both service and gateway are given: a policy protects one target, so give one and write a second policy for the other');
    expect(() => new AccessPolicy(mesh, 'q', { gateway: api as any })).toThrow('[MESH1011] mesh/q: gateway is not a gateway of a mesh: name an IngressGateway or EgressGateway');
    expect(() => new AccessPolicy(mesh, 'r', {})).toThrow('[MESH0006] mesh/r: service is missing');
  });

  test('CUSTOM rules: one authorizer of this mesh per policy', () => {
    const mesh = newMesh();
    const other = newMesh();
    const api = newService(mesh, 'api');
    const p = new AccessPolicy(mesh, 'p', { service: api });
    p.customFrom(undefined as any, Caller.anyone());
    p.customFrom(authorizer(other), Caller.anyone());
    p.customFrom(authorizer(mesh), Caller.anyone(), { paths: ['/a'] });
    p.customFrom({ mesh, providerName: 'opa' }, Caller.anyone());
    expect(synthErrors(mesh)).toEqual([
      '[mesh/p] [MESH1014] custom rules need an authorizer: give the ExternalAuthorizer declared on the mesh',
      "[mesh/p] [MESH1014] authorizer 'ext-authz' is declared on another mesh (mesh): declare it on this mesh",
      "[mesh/p] [MESH1015] custom rules already go to authorizer 'ext-authz', and Istio's CUSTOM policy names one provider: send 'opa' its requests from a second AccessPolicy",
    ]);
    expect(p.customRules).toHaveLength(1);
  });

  test('DENY rules are checked like ALLOW rules, and a service named twice there is refused', () => {
    const mesh = newMesh();
    const api = newService(mesh, 'api');
    const web = newService(mesh, 'web');
    const p = new AccessPolicy(mesh, 'p', { service: api, deny: [{ from: web, ports: [81] }, { from: web }, { from: web }] });
    expect(synthErrors(mesh)).toEqual([
      "[mesh/p] [MESH0203] port 81 is not a port of service 'api' (ports: 8080): name one of its ports",
      "[mesh/p] [MESH0209] caller 'web' is already in a DENY rule: give it one rule with every method, path and port it needs",
    ]);
    expect(p.denyRules).toEqual([{ from: web, methods: undefined, paths: undefined, ports: undefined }]);
  });

  test('end to end: anyone, a namespace, not-forms', () => {
    const mesh = newMesh();
    const api = newService(mesh, 'api', ['v1'], { namespace: 'shop' });
    const web = newService(mesh, 'web', ['v1'], { namespace: 'shop' });
    const cron = newService(mesh, 'cron', ['v1'], { namespace: 'shop' });
    const report = newService(mesh, 'report', ['v1'], { namespace: 'ops' });
    new AccessPolicy(mesh, 'p', {
      service: api,
      allow: [{ from: Caller.namespace('shop').except(Caller.service(cron)) }, { from: report, notPaths: ['/admin/*'] }],
      deny: [{ from: Caller.anyone(), paths: ['/internal/*'] }],
    });
    const manifests = MeshTesting.synth(mesh);
    expect(MeshTesting.canCall(mesh, web, api, { path: '/books' }, manifests)).toBe(true);
    expect(MeshTesting.canCall(mesh, web, api, { path: '/internal/x' }, manifests)).toBe(false);
    expect(MeshTesting.canCall(mesh, cron, api, { path: '/books' }, manifests)).toBe(false);
    expect(MeshTesting.canCall(mesh, report, api, { path: '/books' }, manifests)).toBe(true);
    expect(MeshTesting.canCall(mesh, report, api, { path: '/admin/x' }, manifests)).toBe(false);
  });
});

describe('the analysis reads the new rules', () => {
  const reasons = (mesh: any) => mesh.analyze().filter((f: any) => f.code === 'MESH0304').map((f: any) => f.message);

  test.each([
    ['Caller.anyone()', () => ({ allow: [{ from: Caller.anyone() }] })],
    ['the gateway\'s namespace', (gw: IngressGateway) => ({ allow: [{ from: Caller.namespace(gw.namespace) }] })],
    ['any authenticated workload', () => ({ allow: [{ from: Caller.authenticated() }] })],
    ['a JWT (the gateway passes end users\' tokens on)', () => ({ allow: [{ from: Caller.jwt({ issuer: 'https://idp' }) }] })],
    ['the gateway, with only some paths', (gw: IngressGateway) => ({ allow: [{ from: gw, paths: ['/shop/*'] }] })],
    ['a DENY rule about some paths only', (gw: IngressGateway) => ({ allow: [{ from: gw }], deny: [{ from: gw, paths: ['/admin/*'] }] })],
  ])('a gateway admitted by %s is not reported', (_name, rules) => {
    const mesh = newMesh();
    const web = newService(mesh, 'web');
    const gw = new IngressGateway(mesh, 'edge');
    gw.addRoute({ service: web });
    new AccessPolicy(mesh, 'web-access', { service: web, ...rules(gw) });
    expect(reasons(mesh)).toEqual([]);
  });

  test.each([
    ['an AccessPolicy denies it', (gw: IngressGateway) => ({ allow: [{ from: gw }], deny: [{ from: gw }] })],
    ['an AccessPolicy denies it', (gw: IngressGateway) => ({ deny: [{ from: Caller.namespace(gw.namespace) }] })],
    ['its AccessPolicy does not allow it', () => ({ allow: [{ from: Caller.namespace('elsewhere') }] })],
    ['its AccessPolicy does not allow it', (gw: IngressGateway) => ({ allow: [{ from: Caller.namespace(gw.namespace).except(Caller.service(gw)) }] })],
  ])('a gateway refused: %s', (reason, rules) => {
    const mesh = newMesh();
    const web = newService(mesh, 'web');
    const gw = new IngressGateway(mesh, 'edge');
    gw.addRoute({ service: web });
    new AccessPolicy(mesh, 'web-access', { service: web, ...rules(gw) });
    expect(reasons(mesh)).toEqual([
      `routes to service 'web', which refuses the gateway's calls (${reason}): allow the gateway, e.g. new AccessPolicy(..., { service, allow: [{ from: gateway }] })`,
    ]);
  });

  test('a service whose policies only deny is still reported under deny-by-default; one with no rules warns once', () => {
    const mesh = newMesh();
    const api = newService(mesh, 'api');
    const db = newService(mesh, 'db');
    new AccessPolicy(mesh, 'api-deny', { service: api, deny: [{ from: Caller.namespace('legacy') }] });
    new AccessPolicy(mesh, 'db-access', { service: db });
    const found = mesh.analyze().filter(f => ['MESH0302', 'MESH0303'].includes(f.code)).map(f => `${f.path} ${f.code}`);
    expect(found).toEqual(['mesh/api MESH0303', 'mesh/db-access MESH0302']);
  });

  test('MESH0301 names a namespace caller on a plaintext port; IP and JWT callers need no mTLS', () => {
    const mesh = newMesh();
    const api = newService(mesh, 'api');
    new MtlsPolicy(mesh, 'plain', { scope: PolicyScope.workload(api), mode: MtlsMode.DISABLE });
    new AccessPolicy(mesh, 'p', { service: api, allow: [{ from: Caller.namespace('shop') }, { from: Caller.ipBlock('10.0.0.0/8') }] });
    expect(mesh.analyze().filter(f => f.code === 'MESH0301').map(f => f.message)).toEqual([
      "caller 'namespace shop' is named by its mTLS identity, but service 'api' has mTLS DISABLE on port 8080, so no request there carries one and all are refused: use STRICT or PERMISSIVE for that service",
    ]);
  });
});

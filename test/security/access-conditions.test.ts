import { AccessPolicy, Caller, Condition, HttpMethod, MeshService, MeshTesting, Protocol } from '../../src';
import { newMesh, newService, synthErrors } from '../support/util';

function apiMesh() {
  const mesh = newMesh();
  const api = new MeshService(mesh, 'api', { ports: [{ port: 80, targetPort: 8080, protocol: Protocol.HTTP }, { port: 5432, protocol: Protocol.TCP }] });
  api.addVersion('v1', { image: 'example/api:v1' });
  const web = newService(mesh, 'web');
  return { mesh, api, web };
}

describe('access rule conditions', () => {
  test('every condition renders its key and values', () => {
    const { mesh, api, web } = apiMesh();
    new AccessPolicy(mesh, 'p', {
      service: api,
      allow: [{
        from: web,
        ports: [80],
        when: [
          Condition.header('x-api-version', { values: ['v2', 'v3'], notValues: ['v1'] }),
          Condition.claim('realm_access.roles', { values: ['buyer'] }),
          Condition.claim('https://shop.example.com/roles', { values: ['admin'] }),
          Condition.claimPath(['app.example.com', 'tier'], { values: ['gold'] }),
          Condition.sni({ values: ['api.example.com'] }),
          Condition.destinationPort({ values: [8080], notValues: [9090] }),
          Condition.sourceIp({ values: ['10.0.0.0/8'] }),
          Condition.remoteIp({ notValues: ['203.0.113.7'] }),
          Condition.destinationIp({ values: ['10.1.2.3'] }),
          Condition.requestPrincipal({ values: ['https://idp/alice'] }),
          Condition.audience({ values: ['shop'] }),
          Condition.presenter({ values: ['mobile-app'] }),
          Condition.sourceNamespace({ values: ['default'] }),
          Condition.sourcePrincipal({ notValues: ['cluster.local/ns/default/sa/batch'] }),
        ],
      }],
    });
    expect(synthErrors(mesh)).toEqual([]);
    const rule = MeshTesting.find(MeshTesting.synth(mesh), 'AuthorizationPolicy', 'api').spec.rules[0];
    expect(rule.when).toEqual([
      { key: 'request.headers[x-api-version]', values: ['v2', 'v3'], notValues: ['v1'] },
      { key: 'request.auth.claims[realm_access][roles]', values: ['buyer'] },
      { key: 'request.auth.claims[https://shop.example.com/roles]', values: ['admin'] },
      { key: 'request.auth.claims[app.example.com][tier]', values: ['gold'] },
      { key: 'connection.sni', values: ['api.example.com'] },
      { key: 'destination.port', values: ['8080'], notValues: ['9090'] },
      { key: 'source.ip', values: ['10.0.0.0/8'] },
      { key: 'remote.ip', notValues: ['203.0.113.7'] },
      { key: 'destination.ip', values: ['10.1.2.3'] },
      { key: 'request.auth.principal', values: ['https://idp/alice'] },
      { key: 'request.auth.audiences', values: ['shop'] },
      { key: 'request.auth.presenter', values: ['mobile-app'] },
      { key: 'source.namespace', values: ['default'] },
      { key: 'source.principal', notValues: ['cluster.local/ns/default/sa/batch'] },
    ]);
    expect(rule.to).toEqual([{ operation: { ports: ['8080'] } }]);
  });

  test('hosts, notHosts, notMethods, notPaths and notPorts render as the operation\'s fields', () => {
    const { mesh, api } = apiMesh();
    new AccessPolicy(mesh, 'p', {
      service: api,
      allow: [{
        from: Caller.anyone(),
        hosts: ['api.example.com', '*.example.org'],
        notHosts: ['admin.example.com'],
        notMethods: [HttpMethod.DELETE],
        paths: ['/books/{*}/reviews', '/static/{**}'],
        notPaths: ['/admin/*'],
        notPorts: [5432],
      }],
    });
    expect(synthErrors(mesh)).toEqual([]);
    expect(MeshTesting.find(MeshTesting.synth(mesh), 'AuthorizationPolicy', 'api').spec.rules).toEqual([{
      to: [{
        operation: {
          hosts: ['api.example.com', '*.example.org'],
          notHosts: ['admin.example.com'],
          notMethods: ['DELETE'],
          paths: ['/books/{*}/reviews', '/static/{**}'],
          notPaths: ['/admin/*'],
          notPorts: ['5432'],
        },
      }],
    }]);
  });

  describe('refuses values istiod refuses', () => {
    test.each([
      [() => Condition.header('x user', { values: ['a'] }), "[MESH1007] Condition.header: header name 'x user' is not an HTTP header name: use letters, digits and !#$%&'*+-.^_`|~, e.g. 'x-api-version'"],
      [() => Condition.claim('a[b]', { values: ['a'] }), "[MESH1007] Condition.claim: claim name 'a[b]' is not a claim: name it without brackets, with dots between the names of a nested claim, e.g. 'realm_access.roles'"],
      [() => Condition.claimPath([], { values: ['a'] }), "[MESH1007] Condition.claimPath: claim name '' is not a claim: name it without brackets, with dots between the names of a nested claim, e.g. 'realm_access.roles'"],
      [() => Condition.header('x-user', {}), "[MESH1006] Condition.header: condition 'request.headers[x-user]' has no values: give values, notValues or both"],
      [() => Condition.sni({ values: [''] }), "[MESH1006] Condition.sni: condition 'connection.sni' has an empty value: give each value as a non-empty string"],
      [() => Condition.destinationPort({ values: [70000] }), "[MESH1008] Condition.destinationPort: '70000' is not a port: use a whole number from 1 to 65535"],
      [() => Condition.sourceIp({ values: ['10.0.0.300'] }), "[MESH1001] Condition.sourceIp: '10.0.0.300' is not an IP address or CIDR block: use e.g. '10.0.0.1', '10.0.0.0/16' or '2001:db8::/32'"],
      [() => Condition.remoteIp({ notValues: ['::1/129'] }), "[MESH1001] Condition.remoteIp: '::1/129' is not an IP address or CIDR block: use e.g. '10.0.0.1', '10.0.0.0/16' or '2001:db8::/32'"],
      [() => Condition.destinationIp({ values: ['1.2.3.4/8/1'] }), "[MESH1001] Condition.destinationIp: '1.2.3.4/8/1' is not an IP address or CIDR block: use e.g. '10.0.0.1', '10.0.0.0/16' or '2001:db8::/32'"],
    ])('%#', (make, message) => {
      expect(make).toThrow(message);
    });
  });

  test('path templates are checked as istiod checks them', () => {
    const { mesh, api, web } = apiMesh();
    new AccessPolicy(mesh, 'p', { service: api, allow: [{ from: web, paths: ['/a/{**}/{*}', '/a/{x}', '/a/{*}/b c', 'a/{*}'] }] });
    expect(synthErrors(mesh)).toEqual([
      "[mesh/p] [MESH1016] path '/a/{**}/{*}' has {*} after {**}: {**} must be the last operator of a path template",
      "[mesh/p] [MESH1016] path '/a/{x}' has segment '{x}' with '{' or '}' beyond a supported template: a segment is a literal, {*} (one segment) or {**} (the rest)",
      "[mesh/p] [MESH1016] path '/a/{*}/b c' has segment 'b c', which is not a valid literal of a path template: use the characters a URL path allows",
      "[mesh/p] [MESH1016] path 'a/{*}' is a template without a leading '/': start it with '/'",
    ]);
  });

  test('a when that is not a Condition, and an empty host, are refused', () => {
    const { mesh, api, web } = apiMesh();
    new AccessPolicy(mesh, 'p', { service: api, allow: [{ from: web, when: [{ key: 'x' } as any], hosts: [''] }] });
    expect(synthErrors(mesh)).toEqual([
      '[mesh/p] [MESH1009] when[0] is not a Condition: make it with Condition.header(), Condition.claim(), Condition.sni()...',
      "[mesh/p] [MESH1000] hosts has an empty host: give each host as a non-empty string, e.g. 'shop.example.com'",
    ]);
  });

  test('HTTP-only fields on TCP-only ports: an error for ALLOW (Istio drops the rule), a warning for DENY (it denies more)', () => {
    const { mesh, api, web } = apiMesh();
    const p = new AccessPolicy(mesh, 'p', { service: api });
    p.allowFrom(web, { ports: [5432], hosts: ['db'], when: [Condition.header('x-a', { values: ['1'] })] });
    p.allowFrom(Caller.jwt({ issuer: 'https://idp' }), { ports: [5432] });
    p.denyFrom(web, { ports: [5432], paths: ['/x'] });
    expect(synthErrors(mesh)).toEqual([
      "[mesh/p] [MESH0207] hosts and when request.headers[x-a] for caller 'web' need an HTTP port, but the ports allowed are tcp: drop hosts and when request.headers[x-a] or allow an HTTP port",
      "[mesh/p] [MESH0207] a JWT for caller 'JWT https://idp/*' need an HTTP port, but the ports allowed are tcp: drop a JWT or allow an HTTP port",
    ]);
    expect(mesh.analyze().filter(f => f.code === 'MESH1013').map(f => f.message)).toEqual([
      "paths for caller 'web' need an HTTP port, but the ports denied are tcp, so Istio ignores them and refuses every request of the caller there: drop them or deny an HTTP port",
    ]);
    // The DENY rule is written (Istio applies it); the ALLOW rules with mistakes are not.
    expect(p.rules).toEqual([]);
    expect(p.denyRules).toHaveLength(1);
  });

  test('end to end: a header condition decides, as the evaluator reads the manifests', () => {
    const { mesh, api, web } = apiMesh();
    new AccessPolicy(mesh, 'p', { service: api, allow: [{ from: web, when: [Condition.header('x-tenant', { values: ['acme'] })] }] });
    const manifests = MeshTesting.synth(mesh);
    expect(MeshTesting.canCall(mesh, web, api, { headers: { 'x-tenant': 'acme' } }, manifests)).toBe(true);
    expect(MeshTesting.canCall(mesh, web, api, { headers: { 'x-tenant': 'other' } }, manifests)).toBe(false);
  });
});

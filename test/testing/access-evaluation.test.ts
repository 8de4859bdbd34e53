/**
 * MeshTesting's access evaluation beyond identities and operations: JWT (RequestAuthentication, request principals,
 * claims), IP blocks, hosts, SNI, path templates, CUSTOM policies and requests through an ingress gateway.
 */
import { IngressGateway, Mesh, MeshService, MeshTesting, Protocol, StringMatch } from '../../src';
import { inRange, isAddressOrRange } from '../../src/testing/ip-address';
import { newMesh, newService } from '../support/util';

/** web and api in `default`, no deny-by-default, and the manifests of their mesh. */
function webAndApi() {
  const mesh = newMesh({ denyByDefault: false });
  const web = newService(mesh, 'web');
  const api = newService(mesh, 'api');
  return { mesh, web, api, manifests: MeshTesting.synth(mesh) };
}

function policy(name: string, namespace: string, spec: any): any {
  return { apiVersion: 'security.istio.io/v1', kind: 'AuthorizationPolicy', metadata: { name, namespace }, spec };
}

function requestAuthentication(name: string, namespace: string, spec: any): any {
  return { apiVersion: 'security.istio.io/v1', kind: 'RequestAuthentication', metadata: { name, namespace }, spec };
}

const ISSUER = 'https://accounts.example.com';
const API = { matchLabels: { app: 'api' } };
/** api accepts tokens of ISSUER and allows only requests with a request principal of ISSUER. */
const JWT_API = [
  requestAuthentication('api-jwt', 'default', { selector: API, jwtRules: [{ issuer: ISSUER, jwksUri: `${ISSUER}/jwks.json` }] }),
  policy('api-users', 'default', { selector: API, rules: [{ from: [{ source: { requestPrincipals: [`${ISSUER}/*`] } }] }] }),
];

describe('JWT: RequestAuthentication before authorization', () => {
  const { mesh, web, api, manifests } = webAndApi();
  const all = [...manifests, ...JWT_API];

  test('a request without a token passes authentication with no request principal, and the ALLOW rule on request principals does not match', () => {
    const decision = MeshTesting.explainCall(mesh, web, api, {}, all);
    expect(decision.allowed).toBe(false);
    expect(decision.reason).toBe('denied: ALLOW policies apply (default/api-users) and no rule of theirs matches GET / on port 8080 of Deployment default/api-v1 '
      + 'from Deployment default/web-v1 (cluster.local/ns/default/sa/web)');
  });

  test('a valid token of the issuer gives the request principal iss/sub', () => {
    const decision = MeshTesting.explainCall(mesh, web, api, { jwt: { issuer: ISSUER, subject: 'alice' } }, all);
    expect(decision).toEqual({
      allowed: true,
      policy: 'default/api-users',
      reason: 'allowed: rule 1 of ALLOW policy default/api-users matches GET / on port 8080 of Deployment default/api-v1 from Deployment default/web-v1 '
        + `(cluster.local/ns/default/sa/web) with request principal ${ISSUER}/alice`,
    });
  });

  test('an invalid token is rejected with 401 by the RequestAuthentication, before any AuthorizationPolicy', () => {
    const decision = MeshTesting.explainCall(mesh, web, api, { jwt: { issuer: ISSUER, subject: 'alice', valid: false } }, all);
    expect(decision).toEqual({
      allowed: false,
      policy: 'default/api-jwt',
      reason: `denied: 401: RequestAuthentication default/api-jwt rejects the token of '${ISSUER}': its signature or expiry is not valid, at Deployment default/api-v1`,
    });
  });

  test("a token from an issuer no rule names is rejected with 401 where a rule reads its place (Envoy's \"Jwt issuer is not configured\")", () => {
    // istio/istio#40718 and keycloak/keycloak#17299: a token whose iss no jwtRule of the workload names is answered
    // 401 "Jwt issuer is not configured", even though a request without a token passes.
    const decision = MeshTesting.explainCall(mesh, web, api, { jwt: { issuer: 'https://other.example.com', subject: 'mallory' } }, all);
    expect(decision.allowed).toBe(false);
    expect(decision.policy).toBe('default/api-jwt');
    expect(decision.reason).toBe(`denied: 401: RequestAuthentication default/api-jwt reads tokens from the header 'Authorization' for issuers ${ISSUER}, `
      + "not 'https://other.example.com' (Jwt issuer is not configured), at Deployment default/api-v1");
  });

  test('without a RequestAuthentication for the workload, a token is not read: no request principal, no 401', () => {
    const withoutJwt = [...manifests, JWT_API[1]];
    const decision = MeshTesting.explainCall(mesh, web, api, { jwt: { issuer: ISSUER, subject: 'alice', valid: false } }, withoutJwt);
    expect(decision.allowed).toBe(false);
    expect(decision.policy).toBe('default/api-users');
    expect(decision.reason).toMatch(/^denied: ALLOW policies apply/);
  });

  test('audiences: a rule that lists them rejects a token with none of them (401), accepts one with one', () => {
    const ra = requestAuthentication('api-jwt', 'default', { selector: API, jwtRules: [{ issuer: ISSUER, audiences: ['bookinfo', 'shop'] }] });
    const withAudiences = [...manifests, ra, JWT_API[1]];
    const other = MeshTesting.explainCall(mesh, web, api, { jwt: { issuer: ISSUER, subject: 'a', audiences: ['payroll'] } }, withAudiences);
    expect(other.reason).toBe(`denied: 401: RequestAuthentication default/api-jwt accepts tokens of '${ISSUER}' for audiences bookinfo, shop, and the token's are payroll, at Deployment default/api-v1`);
    expect(MeshTesting.canCall(mesh, web, api, { jwt: { issuer: ISSUER, subject: 'a', audiences: ['payroll', 'shop'] } }, withAudiences)).toBe(true);
    expect(MeshTesting.canCall(mesh, web, api, { jwt: { issuer: ISSUER, subject: 'a' } }, withAudiences)).toBe(false);
  });

  test('where the token is read: fromHeaders replaces the default Authorization header; access_token is read by default', () => {
    const ra = requestAuthentication('api-jwt', 'default', { selector: API, jwtRules: [{ issuer: ISSUER, fromHeaders: [{ name: 'x-jwt-assertion' }] }] });
    const fromHeader = [...manifests, ra, JWT_API[1]];
    const token = { issuer: ISSUER, subject: 'alice' };
    expect(MeshTesting.canCall(mesh, web, api, { jwt: token }, fromHeader)).toBe(false);
    expect(MeshTesting.explainCall(mesh, web, api, { jwt: { ...token, valid: false } }, fromHeader).reason).toMatch(/^denied: ALLOW policies apply/);
    expect(MeshTesting.canCall(mesh, web, api, { jwt: { ...token, header: 'X-JWT-Assertion' } }, fromHeader)).toBe(true);
    expect(MeshTesting.canCall(mesh, web, api, { jwt: { ...token, queryParameter: 'access_token' } }, all)).toBe(true);
    expect(MeshTesting.canCall(mesh, web, api, { jwt: { ...token, queryParameter: 'token' } }, all)).toBe(false);
    expect(MeshTesting.canCall(mesh, web, api, { jwt: { ...token, cookie: 'session' } }, all)).toBe(false);
    const fromCookie = [...manifests, requestAuthentication('api-jwt', 'default', { selector: API, jwtRules: [{ issuer: ISSUER, fromCookies: ['session'] }] }), JWT_API[1]];
    expect(MeshTesting.canCall(mesh, web, api, { jwt: { ...token, cookie: 'session' } }, fromCookie)).toBe(true);
  });

  test("RequestAuthentications of the workload's namespace (selecting it or not) and of the root namespace combine; another namespace's do not apply", () => {
    const token = { issuer: ISSUER, subject: 'alice' };
    const rootWide = requestAuthentication('mesh-jwt', 'istio-system', { jwtRules: [{ issuer: ISSUER }] });
    expect(MeshTesting.canCall(mesh, web, api, { jwt: token }, [...manifests, rootWide, JWT_API[1]])).toBe(true);
    const namespaceWide = requestAuthentication('ns-jwt', 'default', { jwtRules: [{ issuer: 'https://other.example.com' }] });
    expect(MeshTesting.canCall(mesh, web, api, { jwt: { issuer: 'https://other.example.com', subject: 'bob' } }, [...all, namespaceWide])).toBe(false);
    expect(MeshTesting.explainCall(mesh, web, api, { jwt: { issuer: 'https://other.example.com', subject: 'bob' } }, [...all, namespaceWide]).reason).toMatch(/^denied: ALLOW policies apply/);
    const elsewhere = requestAuthentication('other-jwt', 'shop', { jwtRules: [{ issuer: ISSUER }] });
    expect(MeshTesting.canCall(mesh, web, api, { jwt: token }, [...manifests, elsewhere, JWT_API[1]])).toBe(false);
    const otherApp = requestAuthentication('web-jwt', 'default', { selector: { matchLabels: { app: 'web' } }, jwtRules: [{ issuer: ISSUER }] });
    expect(MeshTesting.canCall(mesh, web, api, { jwt: token }, [...manifests, otherApp, JWT_API[1]])).toBe(false);
  });

  test.each<[string, string[], any, boolean]>([
    ['requestPrincipals exact', ['https://accounts.example.com/alice'], { subject: 'alice' }, true],
    ['requestPrincipals exact, another subject', ['https://accounts.example.com/alice'], { subject: 'bob' }, false],
    ['requestPrincipals prefix', ['https://accounts.example.com/*'], { subject: 'bob' }, true],
    ['requestPrincipals suffix', ['*/alice'], { subject: 'alice' }, true],
    ['requestPrincipals any', ['*'], { subject: 'x' }, true],
  ])('%s: %j against %j is %s', (_, principals, token, allowed) => {
    const rule = policy('api-users', 'default', { selector: API, rules: [{ from: [{ source: { requestPrincipals: principals } }] }] });
    expect(MeshTesting.canCall(mesh, web, api, { jwt: { issuer: ISSUER, ...token } }, [...manifests, JWT_API[0], rule])).toBe(allowed);
  });

  test('notRequestPrincipals: a DENY of requests without a request principal lets only tokens through', () => {
    const deny = policy('require-jwt', 'default', { selector: API, action: 'DENY', rules: [{ from: [{ source: { notRequestPrincipals: ['*'] } }] }] });
    const withDeny = [...manifests, JWT_API[0], deny];
    expect(MeshTesting.explainCall(mesh, web, api, {}, withDeny)).toEqual(expect.objectContaining({ allowed: false, policy: 'default/require-jwt' }));
    expect(MeshTesting.canCall(mesh, web, api, { jwt: { issuer: ISSUER, subject: 'alice' } }, withDeny)).toBe(true);
  });

  test.each<[string, string, string[] | undefined, string[] | undefined, any, boolean]>([
    ['a string claim', 'request.auth.claims[group]', ['admin'], undefined, { group: 'admin' }, true],
    ['a string claim, another value', 'request.auth.claims[group]', ['admin'], undefined, { group: 'dev' }, false],
    ['a list claim: any item', 'request.auth.claims[groups]', ['admin'], undefined, { groups: ['dev', 'admin'] }, true],
    ['a list claim: no item', 'request.auth.claims[groups]', ['admin'], undefined, { groups: ['dev', 'ops'] }, false],
    ['a list claim, notValues: an item matches', 'request.auth.claims[groups]', undefined, ['admin'], { groups: ['dev', 'admin'] }, false],
    ['a list claim, notValues: none matches', 'request.auth.claims[groups]', undefined, ['admin'], { groups: ['dev'] }, true],
    ['a nested claim', 'request.auth.claims[realm_access][roles]', ['editor'], undefined, { realm_access: { roles: ['viewer', 'editor'] } }, true],
    ['a nested claim, another value', 'request.auth.claims[realm_access][roles]', ['editor'], undefined, { realm_access: { roles: ['viewer'] } }, false],
    ['a missing claim', 'request.auth.claims[group]', ['admin'], undefined, {}, false],
    ['a number claim matches nothing', 'request.auth.claims[level]', ['3'], undefined, { level: 3 }, false],
    ['scope, split on spaces', 'request.auth.claims[scope]', ['books:write'], undefined, { scope: 'books:read books:write' }, true],
    ['a claim prefix', 'request.auth.claims[email]', ['*@example.com'], undefined, { email: 'alice@example.com' }, true],
    ['the principal', 'request.auth.principal', [`${ISSUER}/alice`], undefined, {}, true],
    ['the audiences', 'request.auth.audiences', ['shop'], undefined, {}, true],
    ['the presenter', 'request.auth.presenter', ['mobile-app'], undefined, {}, true],
    ['the presenter, another', 'request.auth.presenter', ['web-app'], undefined, {}, false],
  ])('when %s (%s)', (_, key, values, notValues, claims, allowed) => {
    const rule = policy('api-users', 'default', { selector: API, rules: [{ when: [{ key, values, notValues }] }] });
    const jwt = { issuer: ISSUER, subject: 'alice', audiences: ['bookinfo', 'shop'], presenter: 'mobile-app', claims };
    expect(MeshTesting.canCall(mesh, web, api, { jwt }, [...manifests, JWT_API[0], rule])).toBe(allowed);
  });

  test('without a token, request.auth conditions match nothing, and their notValues everything', () => {
    const rule = (when: any) => [...manifests, JWT_API[0], policy('api-users', 'default', { selector: API, rules: [{ when: [when] }] })];
    expect(MeshTesting.canCall(mesh, web, api, {}, rule({ key: 'request.auth.claims[group]', values: ['*'] }))).toBe(false);
    expect(MeshTesting.canCall(mesh, web, api, {}, rule({ key: 'request.auth.principal', notValues: ['*'] }))).toBe(true);
  });

  test("outputClaimToHeaders: the rule's headers are seen by the same proxy's header conditions", () => {
    const ra = requestAuthentication('api-jwt', 'default', { selector: API, jwtRules: [{ issuer: ISSUER, outputClaimToHeaders: [{ header: 'X-Group', claim: 'group' }] }] });
    const rule = policy('api-users', 'default', { selector: API, rules: [{ when: [{ key: 'request.headers[x-group]', values: ['admin'] }] }] });
    expect(MeshTesting.canCall(mesh, web, api, { jwt: { issuer: ISSUER, claims: { group: 'admin' } } }, [...manifests, ra, rule])).toBe(true);
    expect(MeshTesting.canCall(mesh, web, api, { jwt: { issuer: ISSUER, claims: { group: 'dev' } } }, [...manifests, ra, rule])).toBe(false);
  });

  test('on a TCP port, an ALLOW rule on request principals matches nothing', () => {
    const mesh2 = newMesh({ denyByDefault: false });
    const web2 = newService(mesh2, 'web');
    const db = new MeshService(mesh2, 'db', { ports: [{ port: 5432, protocol: Protocol.TCP }] });
    db.addVersion('v1', { image: 'example/db:v1' });
    const rule = policy('db-users', 'default', { selector: { matchLabels: { app: 'db' } }, rules: [{ from: [{ source: { requestPrincipals: ['*'] } }] }] });
    const ra = requestAuthentication('db-jwt', 'default', { jwtRules: [{ issuer: ISSUER }] });
    expect(MeshTesting.canCall(mesh2, web2, db, { jwt: { issuer: ISSUER, subject: 'alice' } }, [...MeshTesting.synth(mesh2), ra, rule])).toBe(false);
  });

  test('a RequestAuthentication with a rule field this evaluation does not know is MESH0600', () => {
    const odd = requestAuthentication('api-jwt', 'default', { selector: API, jwtRules: [{ issuer: ISSUER, jwksRefresh: '5m' }] });
    expect(() => MeshTesting.canCall(mesh, web, api, { jwt: { issuer: ISSUER } }, [...manifests, odd])).toThrow(
      '[MESH0600] MeshTesting.canCall: RequestAuthentication default/api-jwt has jwtRules[0] jwksRefresh, which this evaluation cannot decide '
      + '(only issuer, audiences, jwksUri, jwks_uri, jwks, fromHeaders, fromParams, fromCookies, outputPayloadToHeader, forwardOriginalToken, outputClaimToHeaders, timeout, spaceDelimitedClaims are modelled there): '
      + 'test that policy against a cluster, or leave it out of the manifests given');
  });

  test.each<[string, any, string]>([
    ['no issuer', { subject: 'a' }, "[MESH0603] MeshTesting.canCall: jwt has no issuer: give the token's iss claim, e.g. { issuer: 'https://accounts.example.com', subject: 'alice' }"],
    ['an unknown field', { issuer: ISSUER, sub: 'a' }, "[MESH0603] MeshTesting.canCall: jwt has 'sub', which is not a field of a token: use issuer, subject, audiences, presenter, claims, valid, header, queryParameter, cookie (other claims go in claims)"],
    ['two places', { issuer: ISSUER, header: 'x-jwt', cookie: 'c' }, '[MESH0603] MeshTesting.canCall: jwt is sent in header and cookie: give one place the token is sent in'],
    ['a reserved claim', { issuer: ISSUER, claims: { iss: 'x' } }, '[MESH0603] MeshTesting.canCall: jwt claims has iss: give them as issuer, subject, audiences and presenter'],
    ['audiences not a list', { issuer: ISSUER, audiences: 'shop' }, "[MESH0603] MeshTesting.canCall: jwt.audiences is not a list of strings: give e.g. ['bookinfo']"],
  ])('a jwt with %s is MESH0603', (_, jwt, message) => {
    expect(() => MeshTesting.canCall(mesh, web, api, { jwt }, all)).toThrow(message);
  });
});

describe('network: IP blocks, hosts, SNI', () => {
  const { mesh, web, api, manifests } = webAndApi();
  const allowOnly = (source: any) => [...manifests, policy('api-net', 'default', { selector: API, rules: [{ from: [{ source }] }] })];
  const allowWhen = (when: any) => [...manifests, policy('api-net', 'default', { selector: API, rules: [{ when: [when] }] })];

  test.each<[string, any, string, boolean]>([
    ['ipBlocks, IPv4 CIDR, inside', { ipBlocks: ['10.0.0.0/8'] }, '10.1.2.3', true],
    ['ipBlocks, IPv4 CIDR, outside', { ipBlocks: ['10.0.0.0/8'] }, '192.168.0.1', false],
    ['ipBlocks, one address', { ipBlocks: ['192.168.0.1'] }, '192.168.0.1', true],
    ['ipBlocks, IPv6 CIDR, inside', { ipBlocks: ['2001:db8::/32'] }, '2001:db8:0:1::7', true],
    ['ipBlocks, IPv6 CIDR, outside', { ipBlocks: ['2001:db8::/32'] }, '2001:db9::7', false],
    ['ipBlocks, IPv6 CIDR against an IPv4 address', { ipBlocks: ['::/0'] }, '10.0.0.1', false],
    ['notIpBlocks, inside', { notIpBlocks: ['10.0.0.0/8'] }, '10.0.0.1', false],
    ['notIpBlocks, outside', { notIpBlocks: ['10.0.0.0/8'] }, '172.16.0.1', true],
    ['remoteIpBlocks default to the source IP', { remoteIpBlocks: ['203.0.113.0/24'] }, '203.0.113.9', true],
  ])('%s: %j from %s is %s', (_, source, sourceIp, allowed) => {
    expect(MeshTesting.canCall(mesh, web, api, { sourceIp }, allowOnly(source))).toBe(allowed);
  });

  test('remoteIpBlocks match remoteIp, ipBlocks the source IP', () => {
    const both = allowOnly({ ipBlocks: ['10.0.0.0/8'], remoteIpBlocks: ['203.0.113.0/24'] });
    expect(MeshTesting.canCall(mesh, web, api, { sourceIp: '10.0.0.5', remoteIp: '203.0.113.9' }, both)).toBe(true);
    expect(MeshTesting.canCall(mesh, web, api, { sourceIp: '10.0.0.5', remoteIp: '198.51.100.1' }, both)).toBe(false);
    expect(MeshTesting.canCall(mesh, web, api, { sourceIp: '2001:db8::1', remoteIp: '203.0.113.9' }, allowOnly({ notRemoteIpBlocks: ['203.0.113.0/24'] }))).toBe(false);
  });

  test.each<[string, any, any, boolean]>([
    ['source.ip', { key: 'source.ip', values: ['10.0.0.0/8'] }, { sourceIp: '10.9.9.9' }, true],
    ['source.ip notValues', { key: 'source.ip', notValues: ['10.0.0.0/8'] }, { sourceIp: '10.9.9.9' }, false],
    ['remote.ip', { key: 'remote.ip', values: ['2001:db8::/48'] }, { sourceIp: '10.0.0.1', remoteIp: '2001:db8:0:ffff::1' }, true],
    ['destination.ip', { key: 'destination.ip', values: ['10.244.0.0/16'] }, { destinationIp: '10.244.3.4' }, true],
    ['destination.ip, outside', { key: 'destination.ip', values: ['10.244.0.0/16'] }, { destinationIp: '10.245.3.4' }, false],
    ['connection.sni', { key: 'connection.sni', values: ['*.example.com'] }, { sni: 'api.example.com' }, true],
    ['connection.sni, another', { key: 'connection.sni', values: ['*.example.com'] }, { sni: 'api.example.org' }, false],
  ])('when %s', (_, when, options, allowed) => {
    expect(MeshTesting.canCall(mesh, web, api, options, allowWhen(when))).toBe(allowed);
  });

  test('a rule that needs the source IP, without one given, is MESH1051', () => {
    expect(() => MeshTesting.canCall(mesh, web, api, {}, allowOnly({ ipBlocks: ['10.0.0.0/8'] }))).toThrow(
      "[MESH1051] MeshTesting.canCall: AuthorizationPolicy default/api-net rule 1 from[0].source matches ipBlocks, and so needs the caller's address (sourceIp), "
      + 'which the request does not give, so whether the rule matches is unknown: give it in the options');
    expect(() => MeshTesting.canCall(mesh, web, api, {}, allowWhen({ key: 'destination.ip', values: ['10.0.0.1'] }))).toThrow(
      /^\[MESH1051\] MeshTesting.canCall: AuthorizationPolicy default\/api-net rule 1 when\[0\] matches destination.ip values, and so needs the address the connection is made to \(destinationIp\)/);
    expect(() => MeshTesting.canCall(mesh, web, api, {}, allowWhen({ key: 'connection.sni', values: ['a'] }))).toThrow(/^\[MESH1051\].*needs the connection's SNI \(sni\)/);
  });

  test('an input a rule needs does not matter when another part of the rule already fails, or another rule decides', () => {
    const rules = [...manifests, policy('api-net', 'default', {
      selector: API, rules: [{ from: [{ source: { ipBlocks: ['10.0.0.0/8'] } }], to: [{ operation: { methods: ['POST'] } }] }, { to: [{ operation: { paths: ['/public/*'] } }] }],
    })];
    expect(MeshTesting.canCall(mesh, web, api, { path: '/private' }, rules)).toBe(false);
    expect(MeshTesting.canCall(mesh, web, api, { method: 'POST' as any, path: '/public/x' }, rules)).toBe(true);
    expect(() => MeshTesting.canCall(mesh, web, api, { method: 'POST' as any, path: '/private' }, rules)).toThrow(/^\[MESH1051\]/);
  });

  test('a DENY rule that needs the source IP, without one given, is MESH1051 even when an ALLOW policy would allow', () => {
    const deny = policy('block', 'default', { selector: API, action: 'DENY', rules: [{ from: [{ source: { ipBlocks: ['198.51.100.0/24'] } }] }] });
    expect(() => MeshTesting.canCall(mesh, web, api, {}, [...manifests, deny])).toThrow(/^\[MESH1051\] MeshTesting.canCall: AuthorizationPolicy default\/block rule 1/);
    expect(MeshTesting.explainCall(mesh, web, api, { sourceIp: '198.51.100.7' }, [...manifests, deny]).policy).toBe('default/block');
  });

  test.each<[string, any, string | undefined, boolean]>([
    ['hosts: case-insensitive', { hosts: ['api.example.com'] }, 'API.Example.COM', true],
    ['hosts: the port is part of the host', { hosts: ['api.example.com'] }, 'api.example.com:8080', false],
    ['hosts: with the port', { hosts: ['api.example.com:*'] }, 'api.example.com:8080', true],
    ['hosts: suffix wildcard', { hosts: ['*.example.com'] }, 'shop.example.com', true],
    ['hosts: suffix wildcard, another domain', { hosts: ['*.example.com'] }, 'shop.example.org', false],
    ['hosts: prefix wildcard', { hosts: ['api.*'] }, 'api.internal', true],
    ['notHosts', { notHosts: ['admin.example.com'] }, 'admin.example.com', false],
    ['notHosts, another host', { notHosts: ['admin.example.com'] }, 'shop.example.com', true],
  ])('%s: %j for %s is %s', (_, operation, host, allowed) => {
    const rules = [...manifests, policy('api-net', 'default', { selector: API, rules: [{ to: [{ operation }] }] })];
    expect(MeshTesting.canCall(mesh, web, api, { host }, rules)).toBe(allowed);
  });

  test('a rule on hosts without a host given is MESH1051', () => {
    const rules = [...manifests, policy('api-net', 'default', { selector: API, rules: [{ to: [{ operation: { hosts: ['api'] } }] }] })];
    expect(() => MeshTesting.canCall(mesh, web, api, {}, rules)).toThrow(
      "[MESH1051] MeshTesting.canCall: AuthorizationPolicy default/api-net rule 1 to[0].operation matches hosts, and so needs the request's host (host), "
      + 'which the request does not give, so whether the rule matches is unknown: give it in the options');
  });

  test.each<[string, string, boolean]>([
    ['/books/{*}/reviews', '/books/1/reviews', true],
    ['/books/{*}/reviews', '/books/1/2/reviews', false],
    ['/books/{*}', '/books/', false],
    ['/books/{**}', '/books/a/b/c', true],
    ['/books/{**}/reviews', '/books/a/b/reviews', true],
    ['/books/{**}/reviews', '/authors/a/reviews', false],
    ['/books/{*}.json', '/books/1.json', true],
  ])('path template %s against %s is %s', (template, path, allowed) => {
    const rules = [...manifests, policy('api-paths', 'default', { selector: API, rules: [{ to: [{ operation: { paths: [template] } }] }] })];
    expect(MeshTesting.canCall(mesh, web, api, { path }, rules)).toBe(allowed);
  });

  test.each<[string, any, string]>([
    ['sourceIp', { sourceIp: '10.0.0.256' }, "[MESH0603] MeshTesting.canCall: sourceIp '10.0.0.256' is not an IPv4 or IPv6 address: give one address, e.g. '203.0.113.7' or '2001:db8::7'"],
    ['remoteIp', { remoteIp: '10.0.0.0/8' }, "[MESH0603] MeshTesting.canCall: remoteIp '10.0.0.0/8' is not an IPv4 or IPv6 address"],
    ['externalAuthorizers', { externalAuthorizers: { opa: 'yes' } }, "[MESH0603] MeshTesting.canCall: externalAuthorizers is not a map of provider names to true or false: give e.g. { 'ext-authz': true }"],
  ])('a bad %s is MESH0603', (_, options, message) => {
    expect(() => MeshTesting.canCall(mesh, web, api, options, manifests)).toThrow(message);
  });

  test('the CIDR helper: IPv4, IPv6, IPv4-mapped, bad prefixes', () => {
    expect(inRange('0.0.0.0/0', '1.2.3.4')).toBe(true);
    expect(inRange('10.0.0.0/31', '10.0.0.1')).toBe(true);
    expect(inRange('10.0.0.0/32', '10.0.0.1')).toBe(false);
    expect(inRange('::ffff:10.0.0.0/104', '10.200.0.1')).toBe(true);
    expect(inRange('10.0.0.1', '::ffff:10.0.0.1')).toBe(true);
    expect(inRange('fe80::/10', 'FE80::1')).toBe(true);
    expect(inRange('fe80::/10', 'fec0::1')).toBe(false);
    expect(inRange('2001:db8::/128', '2001:db8::')).toBe(true);
    expect(isAddressOrRange('10.0.0.0/33')).toBe(false);
    expect(isAddressOrRange('2001:db8::/129')).toBe(false);
    expect(isAddressOrRange('1::2::3')).toBe(false);
    expect(isAddressOrRange('01.2.3.4')).toBe(false);
    expect(isAddressOrRange('1:2:3:4:5:6:7:8')).toBe(true);
  });
});

describe('CUSTOM, DENY, ALLOW, AUDIT in order', () => {
  const { mesh, web, api, manifests } = webAndApi();
  const custom = policy('ext-authz', 'default', { selector: API, action: 'CUSTOM', provider: { name: 'opa' }, rules: [{ to: [{ operation: { paths: ['/admin*'] } }] }] });

  test('a CUSTOM policy that does not match asks no authorizer', () => {
    expect(MeshTesting.canCall(mesh, web, api, { path: '/books' }, [...manifests, custom])).toBe(true);
  });

  test('a CUSTOM policy that matches, without the authorizer answer, is MESH1050 naming the policy and the option', () => {
    expect(() => MeshTesting.canCall(mesh, web, api, { path: '/admin' }, [...manifests, custom])).toThrow(
      '[MESH1050] MeshTesting.canCall: rule 1 of CUSTOM policy default/ext-authz matches GET /admin on port 8080 of Deployment default/api-v1 from Deployment default/web-v1 '
      + "(cluster.local/ns/default/sa/web), so the external authorizer 'opa' decides, and the request does not say what it answers: give externalAuthorizers: { 'opa': true } (or false)");
  });

  test("the authorizer's denial ends it; its approval hands the request to DENY and ALLOW", () => {
    const deny = policy('no-delete', 'default', { selector: API, action: 'DENY', rules: [{ to: [{ operation: { methods: ['DELETE'] } }] }] });
    const all = [...manifests, custom, deny];
    expect(MeshTesting.explainCall(mesh, web, api, { path: '/admin', externalAuthorizers: { opa: false } }, all)).toEqual({
      allowed: false,
      policy: 'default/ext-authz',
      reason: 'denied: rule 1 of CUSTOM policy default/ext-authz matches GET /admin on port 8080 of Deployment default/api-v1 from Deployment default/web-v1 '
        + "(cluster.local/ns/default/sa/web), and its external authorizer 'opa' denies it",
    });
    expect(MeshTesting.canCall(mesh, web, api, { path: '/admin', externalAuthorizers: { opa: true } }, all)).toBe(true);
    expect(MeshTesting.explainCall(mesh, web, api, { method: 'DELETE' as any, path: '/admin', externalAuthorizers: { opa: true } }, all).policy).toBe('default/no-delete');
  });

  test('AUDIT never changes the decision; a policy in dry-run is not enforced', () => {
    const audit = policy('audit-all', 'default', { selector: API, action: 'AUDIT', rules: [{}] });
    expect(MeshTesting.canCall(mesh, web, api, {}, [...manifests, audit])).toBe(true);
    const dryRun = { ...policy('deny-all', 'default', { selector: API, action: 'DENY', rules: [{}] }), metadata: { name: 'deny-all', namespace: 'default', annotations: { 'istio.io/dry-run': 'true' } } };
    expect(MeshTesting.canCall(mesh, web, api, {}, [...manifests, dryRun])).toBe(true);
  });

  test('allowedCallers refuses to list callers of a rule that also needs a token or an address', () => {
    const rule = policy('api-users', 'default', { selector: API, rules: [{ from: [{ source: { principals: ['cluster.local/ns/default/sa/web'], requestPrincipals: ['*'] } }] }] });
    expect(() => MeshTesting.allowedCallers(mesh, api, [...manifests, rule])).toThrow(
      "[MESH0600] MeshTesting.allowedCallers: an ALLOW rule for 'api' has requestPrincipals besides principals, which a list of principals cannot say: use MeshTesting.canCall(mesh, caller, api) instead");
  });

  test('allowedCallers does not answer "everyone" for a rule that needs a token, nor list principals whose rule needs a claim', () => {
    const tokenOnly = policy('api-users', 'default', { selector: API, rules: [{ from: [{ source: { requestPrincipals: ['*'] } }] }] });
    expect(() => MeshTesting.allowedCallers(mesh, api, [...manifests, tokenOnly])).toThrow(/^\[MESH0600\] MeshTesting.allowedCallers: an ALLOW rule for 'api' has requestPrincipals besides principals/);
    const claim = policy('api-users', 'default', {
      selector: API, rules: [{ from: [{ source: { principals: ['cluster.local/ns/default/sa/web'] } }], when: [{ key: 'request.auth.claims[groups]', values: ['admin'] }] }],
    });
    expect(() => MeshTesting.allowedCallers(mesh, api, [...manifests, claim])).toThrow(/^\[MESH0600\] MeshTesting.allowedCallers: an ALLOW rule for 'api' has request.auth.claims\[groups\] besides principals/);
  });
});

describe('through the ingress gateway: canRequest / explainRequest', () => {
  /** shop behind the ingress gateway for shop.example.com. */
  function edge() {
    const mesh = newMesh({ denyByDefault: false });
    const shop = newService(mesh, 'shop');
    const gateway = new IngressGateway(mesh, 'ingress', { listeners: [{ port: 80, hosts: ['shop.example.com'] }] });
    gateway.addRoute({ service: shop, paths: [StringMatch.prefix('/')] });
    return { mesh, shop, gateway, manifests: MeshTesting.synth(mesh) };
  }
  const gatewayPods = (manifests: any[]) => manifests.find(m => m.kind === 'Deployment' && m.metadata.namespace === 'istio-ingress').spec.template.metadata.labels;

  test('anonymous users get 403 at the gateway, users with a token from our issuer get through, a bad token gets 401', () => {
    const { mesh, gateway, manifests } = edge();
    const selector = { matchLabels: gatewayPods(manifests) };
    const all = [
      ...manifests,
      requestAuthentication('edge-jwt', 'istio-ingress', { selector, jwtRules: [{ issuer: ISSUER }] }),
      // Istio's task "Ingress: require a valid token": DENY what has no request principal (the mesh's own ALLOW policy
      // for the gateway lets everyone in, and ALLOW policies add up, so an ALLOW on request principals would not do).
      policy('require-jwt', 'istio-ingress', { selector, action: 'DENY', rules: [{ from: [{ source: { notRequestPrincipals: ['*'] } }] }] }),
    ];
    const anonymous = MeshTesting.explainRequest(mesh, gateway, {}, all);
    expect(anonymous).toEqual({
      allowed: false,
      policy: 'istio-ingress/require-jwt',
      reason: 'denied: rule 1 of DENY policy istio-ingress/require-jwt matches GET / on port 8080 of Deployment istio-ingress/ingress from the client',
    });
    const user = MeshTesting.explainRequest(mesh, gateway, { jwt: { issuer: ISSUER, subject: 'alice' } }, all);
    expect(user).toEqual({
      allowed: true,
      policy: 'istio-ingress/ingress',
      reason: `allowed: rule 1 of ALLOW policy istio-ingress/ingress matches GET / on port 8080 of Deployment istio-ingress/ingress from the client with request principal ${ISSUER}/alice; `
        + 'then allowed: no ALLOW policy applies to Deployment default/shop-v1, so every request no DENY policy matches is allowed',
    });
    expect(MeshTesting.explainRequest(mesh, gateway, { jwt: { issuer: ISSUER, valid: false } }, all).reason).toMatch(/^denied: 401: RequestAuthentication istio-ingress\/edge-jwt rejects the token/);
  });

  test("the token reaches the service only with forwardOriginalToken; the service sees the gateway's identity", () => {
    const { mesh, gateway, manifests } = edge();
    const selector = { matchLabels: gatewayPods(manifests) };
    const atShop = [
      requestAuthentication('shop-jwt', 'default', { selector: { matchLabels: { app: 'shop' } }, jwtRules: [{ issuer: ISSUER }] }),
      policy('shop-users', 'default', { selector: { matchLabels: { app: 'shop' } }, rules: [{ from: [{ source: { requestPrincipals: ['*'], principals: ['cluster.local/ns/istio-ingress/sa/*'] } }] }] }),
    ];
    const jwt = { issuer: ISSUER, subject: 'alice' };
    const consumed = [...manifests, ...atShop, requestAuthentication('edge-jwt', 'istio-ingress', { selector, jwtRules: [{ issuer: ISSUER }] })];
    expect(MeshTesting.canRequest(mesh, gateway, { jwt }, consumed)).toBe(false);
    const forwarded = [...manifests, ...atShop, requestAuthentication('edge-jwt', 'istio-ingress', { selector, jwtRules: [{ issuer: ISSUER, forwardOriginalToken: true }] })];
    expect(MeshTesting.canRequest(mesh, gateway, { jwt }, forwarded)).toBe(true);
    // No rule at the gateway reads it: it passes through untouched.
    expect(MeshTesting.canRequest(mesh, gateway, { jwt }, [...manifests, ...atShop])).toBe(true);
  });

  test('remoteIpBlocks at the gateway match the original client; a host no route serves is not routed', () => {
    const { mesh, gateway, manifests } = edge();
    const selector = { matchLabels: gatewayPods(manifests) };
    const office = [...manifests, policy('office', 'istio-ingress', { selector, action: 'DENY', rules: [{ from: [{ source: { notRemoteIpBlocks: ['203.0.113.0/24'] } }] }] })];
    expect(MeshTesting.canRequest(mesh, gateway, { sourceIp: '10.0.0.9', remoteIp: '203.0.113.50' }, office)).toBe(true);
    expect(MeshTesting.canRequest(mesh, gateway, { sourceIp: '198.51.100.4' }, office)).toBe(false);
    const missed = MeshTesting.explainRequest(mesh, gateway, { host: 'admin.example.com', sourceIp: '203.0.113.1' }, office);
    expect(missed.allowed).toBe(false);
    expect(missed.reason).toMatch(/^not routed: no VirtualService bound to Gateway istio-ingress\/ingress routes host 'admin.example.com'/);
  });

  test('via must be an ingress gateway of the mesh', () => {
    const { mesh, shop } = edge();
    expect(() => MeshTesting.canRequest(mesh, shop as any, {})).toThrow(
      '[MESH0603] MeshTesting.canRequest: via is not an ingress gateway of this mesh: name the IngressGateway the request enters through');
    const other = newMesh();
    expect(() => MeshTesting.canRequest(other as Mesh, new IngressGateway(newMesh(), 'x'), {})).toThrow(/^\[MESH0603\]/);
  });
});

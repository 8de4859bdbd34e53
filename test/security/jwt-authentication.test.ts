import { Duration } from 'cdk8s';
import {
  AccessPolicy, IngressGateway, JwtAuthentication, JwtAuthenticationProps, JwtRule, Mesh, MeshService, MeshTesting, PolicyScope, Severity,
} from '../../src';
import { AuthorizationPolicy, AuthorizationPolicySpec } from '../../src/imports/istio-security';
import { validateManifests } from '../support/schemas';
import { newService, openMesh, synthErrors } from '../support/util';

const ISSUER = 'https://accounts.example.com';
const JWKS_URI = 'https://accounts.example.com/.well-known/jwks.json';
const JWKS = JSON.stringify({ keys: [{ kty: 'RSA', e: 'AQAB', n: 'xGOr-H7A', kid: 'k1' }] });

/** The MESH1047 warnings of a mesh, by path. */
function unrequired(mesh: Mesh): string[] {
  return mesh.analyze().filter(f => f.code === 'MESH1047').map(f => `${f.path}: ${f.message}`);
}

/** An ingress gateway with a route to a service, as the mesh wants one. */
function ingressOf(mesh: Mesh): IngressGateway {
  const ingress = new IngressGateway(mesh, 'ingress');
  ingress.addRoute({ service: newService(mesh, 'frontend') });
  return ingress;
}

/** A raw AuthorizationPolicy, as a user adds one beside what the library writes. */
function rawPolicy(mesh: Mesh, name: string, namespace: string, spec: AuthorizationPolicySpec): AuthorizationPolicy {
  return new AuthorizationPolicy(mesh, name, { metadata: { name, namespace }, spec });
}

describe('JwtAuthentication', () => {
  test('end users at the ingress: every field of a rule, on the gateway\'s proxies', () => {
    // GIVEN
    const mesh = openMesh();
    const ingress = ingressOf(mesh);

    // WHEN
    const jwt = new JwtAuthentication(mesh, 'users', {
      gateway: ingress,
      rules: [{
        issuer: ISSUER,
        jwksUri: JWKS_URI,
        audiences: ['shop', 'shop-admin'],
        fromHeaders: [{ name: 'x-jwt-assertion' }, { name: 'Authorization', prefix: 'Bearer ' }],
        fromParams: ['token'],
        fromCookies: ['session'],
        forwardOriginalToken: true,
        outputPayloadToHeader: 'x-jwt-payload',
        outputClaimToHeaders: [{ header: 'x-user-email', claim: 'email' }, { header: 'x-user-tier', claim: 'plan.tier' }],
        spaceDelimitedClaims: ['scope', 'roles'],
        timeout: Duration.millis(2500),
      }],
    });
    const manifests = MeshTesting.synth(mesh);

    // THEN
    const ra = MeshTesting.find(manifests, 'RequestAuthentication', 'ingress-jwt', 'istio-ingress');
    expect(ra.apiVersion).toEqual('security.istio.io/v1');
    expect(ra.spec).toEqual({
      selector: { matchLabels: { app: 'ingress', istio: 'ingressgateway' } },
      jwtRules: [{
        issuer: ISSUER,
        jwks_uri: JWKS_URI,
        audiences: ['shop', 'shop-admin'],
        fromHeaders: [{ name: 'x-jwt-assertion' }, { name: 'Authorization', prefix: 'Bearer ' }],
        fromParams: ['token'],
        fromCookies: ['session'],
        forwardOriginalToken: true,
        outputPayloadToHeader: 'x-jwt-payload',
        outputClaimToHeaders: [{ header: 'x-user-email', claim: 'email' }, { header: 'x-user-tier', claim: 'plan.tier' }],
        spaceDelimitedClaims: ['scope', 'roles'],
        timeout: '2500ms',
      }],
    });
    expect([jwt.namespace, jwt.gateway, jwt.service, jwt.selectorLabels]).toEqual(['istio-ingress', ingress, undefined, { app: 'ingress', istio: 'ingressgateway' }]);
    expect(jwt.rules.map(r => r.issuer)).toEqual([ISSUER]);
    // The gateway's namespace stays out of injection: its pods carry their own proxy.
    const namespace = MeshTesting.find(manifests, 'Namespace', 'istio-ingress');
    expect([namespace.metadata.labels['istio-injection'], namespace.metadata.labels['istio.io/rev']]).toEqual([undefined, undefined]);
    expect(validateManifests(manifests)).toEqual([]);
  });

  test('a service\'s workloads, with an inline key set; a minimal rule renders only the issuer and its keys', () => {
    const mesh = openMesh();
    const reviews = newService(mesh, 'reviews', ['v1'], { namespace: 'shop' });
    new JwtAuthentication(mesh, 'reviews-jwt', { service: reviews, rules: [{ issuer: ISSUER, jwks: JWKS }] });
    const ra = MeshTesting.find(MeshTesting.synth(mesh), 'RequestAuthentication', 'reviews-jwt', 'shop');
    expect(ra.spec).toEqual({ selector: { matchLabels: { app: 'reviews' } }, jwtRules: [{ issuer: ISSUER, jwks: JWKS }] });
  });

  test.each([
    ['a namespace', PolicyScope.namespace('shop'), 'shop', undefined],
    ['the whole mesh', PolicyScope.mesh(), 'istio-system', undefined],
  ])('%s: no selector, in its namespace, named jwt', (_, scope, namespace, selector) => {
    const mesh = openMesh();
    newService(mesh, 'reviews', ['v1'], { namespace: 'shop' });
    const jwt = new JwtAuthentication(mesh, 'jwt', { scope, rules: [{ issuer: ISSUER }] });
    const ra = MeshTesting.find(MeshTesting.synth(mesh), 'RequestAuthentication', 'jwt', namespace);
    expect(ra.spec).toEqual({ jwtRules: [{ issuer: ISSUER }] });
    expect([jwt.namespace, jwt.selectorLabels]).toEqual([namespace, selector]);
  });

  test('a workload scope is the service\'s workloads; the name can be chosen; rules added later are written', () => {
    const mesh = openMesh();
    const reviews = newService(mesh, 'reviews', ['v1'], { namespace: 'shop' });
    const jwt = new JwtAuthentication(mesh, 'jwt', { scope: PolicyScope.workload(reviews), name: 'partner-tokens' });
    jwt.addRule({ issuer: 'https://partner.example', jwksUri: 'http://keys.partner.example:8080/jwks' });
    jwt.addRule({ issuer: ISSUER, jwksUri: JWKS_URI });
    const ra = MeshTesting.find(MeshTesting.synth(mesh), 'RequestAuthentication', 'partner-tokens', 'shop');
    expect(ra.spec.selector).toEqual({ matchLabels: { app: 'reviews' } });
    expect(ra.spec.jwtRules.map((r: any) => [r.issuer, r.jwks_uri])).toEqual([
      ['https://partner.example', 'http://keys.partner.example:8080/jwks'], [ISSUER, JWKS_URI],
    ]);
    expect(jwt.service).toBe(reviews);
  });

  test('the rules it keeps are copies: changing the list given does not change the policy', () => {
    const mesh = openMesh();
    const reviews = newService(mesh, 'reviews');
    const audiences = ['a'];
    const jwt = new JwtAuthentication(mesh, 'jwt', { service: reviews, rules: [{ issuer: ISSUER, audiences }] });
    audiences.push('b');
    jwt.rules[0].audiences!.push('c');
    expect(jwt.rules[0].audiences).toEqual(['a']);
  });

  describe('fails', () => {
    test.each<[string, (mesh: Mesh, svc: MeshService) => JwtAuthenticationProps, string]>([
      ['without a target', () => ({ rules: [] }),
        '[MESH1030] mesh/jwt: no target is given: give exactly one of service (its workloads), gateway (its proxies) or scope (PolicyScope.namespace(...) or PolicyScope.mesh())'],
      ['with two targets', (mesh, svc) => ({ service: svc, gateway: new IngressGateway(mesh, 'in') }),
        '[MESH1030] mesh/jwt: service and gateway are both given: give exactly one of service (its workloads), gateway (its proxies) or scope (PolicyScope.namespace(...) or PolicyScope.mesh())'],
      ['with a service that is not one', () => ({ service: {} as any }),
        '[MESH0009] mesh/jwt: service is not a service of a mesh: name a MeshService, or one imported with MeshService.fromName()'],
      ['with a gateway that is not one', (_, svc) => ({ gateway: svc as any }),
        '[MESH0009] mesh/jwt: gateway is not a gateway of a mesh: name an IngressGateway or EgressGateway'],
      ['with a scope that is not one', () => ({ scope: 'shop' as any }),
        '[MESH0096] mesh/jwt: scope is not a PolicyScope: choose PolicyScope.namespace(...), PolicyScope.workload(...) or PolicyScope.mesh()'],
    ])('%s, at once', (_, props, message) => {
      const mesh = openMesh();
      const svc = newService(mesh, 'web');
      expect(() => new JwtAuthentication(mesh, 'jwt', props(mesh, svc))).toThrow(message);
    });

    const at = `rule of issuer '${ISSUER}'`;
    test.each<[string, Partial<JwtRule>, string]>([
      ['no issuer', { issuer: undefined }, "[MESH1032] rule: issuer is missing: give the token's 'iss' claim, e.g. 'https://accounts.example.com'"],
      ['an empty issuer', { issuer: ' ' }, "[MESH1032] rule: issuer ' ' is not an issuer: give the token's 'iss' claim, e.g. 'https://accounts.example.com'"],
      ['a jwksUri of another scheme', { jwksUri: 'ftp://keys.example.com/jwks.json' },
        `[MESH1034] ${at}: jwksUri 'ftp://keys.example.com/jwks.json' has scheme 'ftp', not http or https: give the http or https URL of the issuer's keys, e.g. 'https://accounts.example.com/.well-known/jwks.json'`],
      ['a jwksUri that is no URL', { jwksUri: 'keys.example.com/jwks.json' },
        `[MESH1034] ${at}: jwksUri 'keys.example.com/jwks.json' is not a URL: give the http or https URL of the issuer's keys, e.g. 'https://accounts.example.com/.well-known/jwks.json'`],
      ['a jwksUri with a bad port', { jwksUri: 'https://keys.example.com:99999/jwks.json' },
        `[MESH1034] ${at}: jwksUri 'https://keys.example.com:99999/jwks.json' is not a URL: give the http or https URL of the issuer's keys, e.g. 'https://accounts.example.com/.well-known/jwks.json'`],
      ['a jwksUri too long', { jwksUri: `https://k.example/${'a'.repeat(2040)}` },
        `[MESH1034] ${at}: jwksUri '${`https://k.example/${'a'.repeat(2040)}`}' is 2058 characters long, more than the 2048 Istio takes: give the http or https URL of the issuer's keys, e.g. 'https://accounts.example.com/.well-known/jwks.json'`],
      ['jwksUri and jwks', { jwksUri: JWKS_URI, jwks: JWKS },
        `[MESH1035] ${at}: jwksUri and jwks are both given, and Istio takes one source of keys: keep jwksUri (fetched) or jwks (inline)`],
      ['jwks that is not JSON', { jwks: '{keys' },
        `[MESH1036] ${at}: jwks is not JSON: give a JSON Web Key Set, '{"keys": [{"kty": "RSA", ...}]}', or the URL of one as jwksUri`],
      ['jwks without keys', { jwks: '{"kty":"RSA"}' },
        `[MESH1036] ${at}: jwks has no "keys" list: give a JSON Web Key Set, '{"keys": [{"kty": "RSA", ...}]}', or the URL of one as jwksUri`],
      ['jwks with no key', { jwks: '{"keys":[]}' },
        `[MESH1036] ${at}: jwks has no key in its "keys" list: give a JSON Web Key Set, '{"keys": [{"kty": "RSA", ...}]}', or the URL of one as jwksUri`],
      ['jwks with a key without its type', { jwks: '{"keys":[{"kty":"RSA"},{"n":"x"}]}' },
        `[MESH1036] ${at}: jwks key 1 has no "kty" (key type): give a JSON Web Key Set, '{"keys": [{"kty": "RSA", ...}]}', or the URL of one as jwksUri`],
      ['an empty audience', { audiences: [''] },
        `[MESH1037] ${at}: audiences lists '', which no request carries: give audience names without spaces or control characters`],
      ['a parameter with a space', { fromParams: ['a b'] },
        `[MESH1037] ${at}: fromParams lists 'a b', which no request carries: give query parameter names without spaces or control characters`],
      ['a cookie that is no cookie name', { fromCookies: ['a;b'] },
        `[MESH1037] ${at}: fromCookies lists 'a;b', which is not a cookie name: use letters, digits and !#$%&'*+.^_\`|~-`],
      ['a cookie twice', { fromCookies: ['s', 's'] }, `[MESH1037] ${at}: fromCookies lists 's' twice: list each once`],
      ['a header that is no header name', { fromHeaders: [{ name: 'x jwt' }] },
        `[MESH1037] ${at}: fromHeaders[0] name 'x jwt' is not a header name: use letters, digits and !#$%&'*+.^_\`|~-, e.g. 'x-jwt-assertion'`],
      ['a payload header that is no header name', { outputPayloadToHeader: 'x:payload' },
        `[MESH1037] ${at}: outputPayloadToHeader 'x:payload' is not a header name: use letters, digits and !#$%&'*+.^_\`|~-, e.g. 'x-jwt-payload'`],
      ['a claim header istiod refuses', { outputClaimToHeaders: [{ header: 'x.email', claim: 'email' }] },
        `[MESH1037] ${at}: outputClaimToHeaders[0] header 'x.email' is not a header name istiod takes: use letters, digits, '-' and '_', e.g. 'x-user-email'`],
      ['too many space-delimited claims', { spaceDelimitedClaims: Array.from({ length: 65 }, (_, i) => `c${i}`) },
        `[MESH1037] ${at}: spaceDelimitedClaims lists 65 claims, more than the 64 Istio takes: list only the claims that hold space-separated lists`],
      ['an empty claim', { outputClaimToHeaders: [{ header: 'x-email', claim: '' }] },
        `[MESH1038] ${at}: outputClaimToHeaders[0] claim '' is not a claim name: give the claim to copy, e.g. 'email' (nested: 'user.email')`],
      ['two claims in one header', { outputClaimToHeaders: [{ header: 'x-id', claim: 'sub' }, { header: 'X-Id', claim: 'email' }] },
        `[MESH1038] ${at}: outputClaimToHeaders writes header 'X-Id' twice: copy one claim into each header`],
      ['a zero timeout', { timeout: Duration.seconds(0) },
        `[MESH1039] ${at}: timeout 0s is below 1ms, which istiod refuses: give a timeout of at least 1ms, or leave it out for the default`],
      ['a timeout finer than a millisecond', { timeout: Duration.millis(1.5) },
        `[MESH1039] ${at}: timeout 1.5 millis is not a whole number of milliseconds: durations are written to the millisecond, round it`],
      ['a timeout that is no Duration', { timeout: '5s' as any },
        `[MESH0173] ${at}: timeout '5s' is a string, not a Duration: make it with cdk8s's Duration, e.g. Duration.seconds(5)`],
      ['a forwardOriginalToken that is no boolean', { forwardOriginalToken: 'true' as any },
        `[MESH0091] ${at}: forwardOriginalToken 'true' is a string, not a boolean: give true or false, without quotes`],
    ])('with %s in a rule, which is left out', (_, change, message) => {
      const mesh = openMesh();
      const web = newService(mesh, 'web');
      const jwt = new JwtAuthentication(mesh, 'jwt', { service: web, rules: [{ issuer: ISSUER, ...change } as JwtRule] });
      expect(synthErrors(mesh)).toEqual([`[mesh/jwt] ${message}`]);
      expect(jwt.rules).toEqual([]);
    });

    test('with a rule that is not one', () => {
      const mesh = openMesh();
      const jwt = new JwtAuthentication(mesh, 'jwt', { service: newService(mesh, 'web'), rules: ['https://x' as any] });
      expect(synthErrors(mesh)).toEqual([
        "[mesh/jwt] [MESH1032] rule 'https://x' is not a JwtRule: give an object such as { issuer: 'https://accounts.example.com', jwksUri: 'https://accounts.example.com/jwks.json' }",
      ]);
      expect(jwt.rules).toEqual([]);
    });

    test('with two rules of one issuer: the second is left out', () => {
      const mesh = openMesh();
      const jwt = new JwtAuthentication(mesh, 'jwt', { service: newService(mesh, 'web'), rules: [{ issuer: ISSUER }, { issuer: ISSUER, audiences: ['b'] }] });
      expect(synthErrors(mesh)).toEqual([
        `[mesh/jwt] [MESH1033] rule of issuer '${ISSUER}': the issuer already has a rule, and Istio does not define which of two rules of one issuer checks its tokens: give each issuer one rule, with every audience and location it needs`,
      ]);
      expect(jwt.rules).toEqual([{ issuer: ISSUER }]);
    });

    test('without any rule (analysis)', () => {
      const mesh = openMesh();
      new JwtAuthentication(mesh, 'jwt', { service: newService(mesh, 'web') });
      expect(mesh.analyze().map(f => [f.code, f.severity, f.path, f.message])).toEqual([
        ['MESH1031', Severity.ERROR, 'mesh/jwt', 'has no JWT rule, so it validates no token: add the issuers whose tokens are accepted with rules or addRule()'],
      ]);
      expect(synthErrors(mesh)).toEqual(['[mesh/jwt] [MESH1031] has no JWT rule, so it validates no token: add the issuers whose tokens are accepted with rules or addRule()']);
    });

    test('with a service of another mesh', () => {
      const mesh = openMesh();
      const other = openMesh();
      const foreign = newService(other, 'web');
      new JwtAuthentication(mesh, 'jwt', { service: foreign, rules: [{ issuer: ISSUER }] });
      expect(synthErrors(mesh)).toContain("[mesh/jwt] [MESH0205] service 'web' belongs to another mesh (mesh): protect a service of this mesh");
    });
  });
});

describe('tokens validated, but nothing requires one (MESH1047)', () => {
  const warning = (workloads: string) => `mesh/jwt: tokens of issuer '${ISSUER}' are validated on ${workloads}, but no ALLOW or DENY AuthorizationPolicy there requires one, `
    + 'so requests without a token are let through (only invalid tokens are refused): '
    + `require a token with an access rule from Caller.jwt({ issuer: '${ISSUER}' }) or Caller.authenticatedUser(), or deny requests without one (notRequestPrincipals: ['*'])`;

  test('warns for a gateway that validates tokens with no policy at all', () => {
    const mesh = openMesh();
    const ingress = ingressOf(mesh);
    new JwtAuthentication(mesh, 'jwt', { gateway: ingress, rules: [{ issuer: ISSUER }] });
    const findings = mesh.analyze().filter(f => f.code === 'MESH1047');
    expect(findings.map(f => f.severity)).toEqual([Severity.WARNING]);
    expect(unrequired(mesh)).toEqual([warning('istio-ingress/ingress')]);
  });

  test('names every issuer', () => {
    const mesh = openMesh();
    new JwtAuthentication(mesh, 'jwt', { service: newService(mesh, 'web'), rules: [{ issuer: ISSUER }, { issuer: 'https://b.example' }] });
    expect(unrequired(mesh)[0]).toMatch(new RegExp(`^mesh/jwt: tokens of issuers '${ISSUER}', 'https://b.example' are validated on default/web-v1, `));
  });

  test.each<[string, string, AuthorizationPolicySpec]>([
    ['an ALLOW on request principals, selecting the gateway', 'istio-ingress',
      { selector: { matchLabels: { istio: 'ingressgateway' } }, rules: [{ from: [{ source: { requestPrincipals: ['*'] } }] }] }],
    ['a DENY of requests without a principal, mesh-wide in the root namespace', 'istio-system',
      { action: 'DENY' as any, rules: [{ from: [{ source: { notRequestPrincipals: ['*'] } }] }] }],
    ['an ALLOW on a claim, for the whole namespace', 'istio-ingress',
      { rules: [{ when: [{ key: 'request.auth.claims[iss]', values: [ISSUER] }] }] }],
  ])('says nothing when a policy requires one: %s', (_, namespace, spec) => {
    const mesh = openMesh();
    const ingress = ingressOf(mesh);
    new JwtAuthentication(mesh, 'jwt', { gateway: ingress, rules: [{ issuer: ISSUER }] });
    rawPolicy(mesh, 'require-jwt', namespace, spec);
    expect(unrequired(mesh)).toEqual([]);
    expect(validateManifests(MeshTesting.synth(mesh))).toEqual([]);
  });

  test.each<[string, string, AuthorizationPolicySpec]>([
    ['an AUDIT policy, which refuses nothing', 'istio-ingress',
      { action: 'AUDIT' as any, rules: [{ from: [{ source: { requestPrincipals: ['*'] } }] }] }],
    ['a policy of another namespace', 'shop', { rules: [{ from: [{ source: { requestPrincipals: ['*'] } }] }] }],
    ['a policy selecting other workloads', 'istio-ingress',
      { selector: { matchLabels: { app: 'other' } }, rules: [{ from: [{ source: { requestPrincipals: ['*'] } }] }] }],
    ['a policy on mesh identities only', 'istio-ingress', { rules: [{ from: [{ source: { principals: ['cluster.local/ns/a/sa/b'] } }] }] }],
  ])('warns when the only policy is %s', (_, namespace, spec) => {
    const mesh = openMesh();
    const ingress = ingressOf(mesh);
    new JwtAuthentication(mesh, 'jwt', { gateway: ingress, rules: [{ issuer: ISSUER }] });
    rawPolicy(mesh, 'policy', namespace, spec);
    expect(unrequired(mesh)).toEqual([warning('istio-ingress/ingress')]);
  });

  test("warns beside today's AccessPolicy, which names callers by mesh identity only", () => {
    const mesh = openMesh();
    const web = newService(mesh, 'web', ['v1'], { namespace: 'shop' });
    const reviews = newService(mesh, 'reviews', ['v1'], { namespace: 'shop' });
    new AccessPolicy(mesh, 'reviews-access', { service: reviews, allow: [{ from: web }] });
    new JwtAuthentication(mesh, 'jwt', { service: reviews, rules: [{ issuer: ISSUER }] });
    expect(unrequired(mesh)).toEqual([warning('shop/reviews-v1')]);
  });

  test('names only the workloads no requiring policy selects: a policy for one version leaves the other', () => {
    const mesh = openMesh();
    const reviews = newService(mesh, 'reviews', ['v1', 'v2'], { namespace: 'shop' });
    new JwtAuthentication(mesh, 'jwt', { service: reviews, rules: [{ issuer: ISSUER }] });
    rawPolicy(mesh, 'v1-users', 'shop', { selector: { matchLabels: { app: 'reviews', version: 'v1' } }, rules: [{ from: [{ source: { requestPrincipals: ['*'] } }] }] });
    expect(unrequired(mesh)).toEqual([warning('shop/reviews-v2')]);
  });

  test('a namespace-wide JwtAuthentication: every workload of the namespace, and a targetRef to a service covers that one', () => {
    const mesh = openMesh();
    newService(mesh, 'web', ['v1'], { namespace: 'shop' });
    newService(mesh, 'reviews', ['v1'], { namespace: 'shop' });
    newService(mesh, 'other', ['v1'], { namespace: 'elsewhere' });
    new JwtAuthentication(mesh, 'jwt', { scope: PolicyScope.namespace('shop'), rules: [{ issuer: ISSUER }] });
    rawPolicy(mesh, 'web-users', 'shop', { targetRefs: [{ kind: 'Service', group: '', name: 'web' }], rules: [{ from: [{ source: { requestPrincipals: ['*'] } }] }] });
    expect(unrequired(mesh)).toEqual([warning('shop/reviews-v1')]);
  });

  test.each([
    ['the whole mesh', PolicyScope.mesh(), 'the whole mesh'],
    ['a namespace', PolicyScope.namespace('empty'), "namespace 'empty'"],
  ])('%s without workloads of the program is named as such', (_, scope, where) => {
    const mesh = openMesh();
    new JwtAuthentication(mesh, 'jwt', { scope, rules: [{ issuer: ISSUER }] });
    expect(unrequired(mesh)).toEqual([warning(where)]);
  });

  test('a mesh-wide JwtAuthentication covers every workload: a mesh-wide DENY without a principal silences it', () => {
    const mesh = openMesh();
    newService(mesh, 'web', ['v1'], { namespace: 'shop' });
    ingressOf(mesh);
    new JwtAuthentication(mesh, 'jwt', { scope: PolicyScope.mesh(), rules: [{ issuer: ISSUER }] });
    expect(unrequired(mesh)).toEqual([warning('shop/web-v1, default/frontend-v1, istio-ingress/ingress')]);
    rawPolicy(mesh, 'require-jwt', 'istio-system', { action: 'DENY' as any, rules: [{ from: [{ source: { notRequestPrincipals: ['*'] } }] }] });
    expect(unrequired(mesh)).toEqual([]);
  });

  test('an imported service is named by its selector', () => {
    const mesh = openMesh();
    const legacy = MeshService.fromName(mesh, 'legacy', 'legacy', { namespace: 'old' });
    new JwtAuthentication(mesh, 'jwt', { service: legacy, rules: [{ issuer: ISSUER }] });
    expect(unrequired(mesh)).toEqual([warning('old/legacy')]);
  });
});

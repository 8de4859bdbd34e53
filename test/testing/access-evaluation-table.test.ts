/**
 * The access evaluator of MeshTesting against Istio's documented evaluation order, table-driven: one mesh with
 * ALLOW, DENY, AUDIT and CUSTOM policies and JWT rules, and a list of (caller, request, token, authorizer answer)
 * with the decision and the policy that decides it.
 *
 * Istio's order (https://istio.io/latest/docs/concepts/security/#authorization-policy-precedence):
 *   1. "If there are any CUSTOM policies that match the request, evaluate and deny the request if the evaluation
 *      result is deny."
 *   2. "If there are any DENY policies that match the request, deny the request."
 *   3. "If there are no ALLOW policies for the workload, allow the request."
 *   4. "If any of the ALLOW policies match the request, allow the request."
 *   5. "Deny the request."
 * and AUDIT: "AUDIT action ... does not affect whether requests are allowed or denied".
 * RequestAuthentication (https://istio.io/latest/docs/reference/config/security/request_authentication/): "It will
 * reject a request if the request contains invalid authentication information, based on the configured
 * authentication rules. A request that does not contain any authentication credentials will be accepted but will
 * not have any authenticated identity."
 *
 * The mesh is built with today's constructs (MeshService, AccessPolicy) plus raw Istio objects for what their API
 * does not say yet (DENY, AUDIT, CUSTOM, RequestAuthentication, rules on request principals and claims); the table
 * does not depend on how the mesh is built, so the mesh can be rebuilt with the new constructs and the table kept.
 */
import { AccessPolicy, Caller, ExternalAuthorizer, HttpMethod, JwtAuthentication, JwtToken, Mesh, MeshService, MeshTesting } from '../../src';
import { AuthorizationPolicy, AuthorizationPolicySpecAction, RequestAuthentication } from '../../src/imports/istio-security';
import { newMesh, newService } from '../support/util';

const ISSUER = 'https://accounts.example.com';
const OTHER_ISSUER = 'https://login.example.org';
const API = { matchLabels: { app: 'api' } };

interface TheMesh {
  readonly mesh: Mesh;
  readonly services: { [name: string]: MeshService };
  readonly manifests: any[];
  /** The name each policy of the table has in this mesh, where it differs. */
  readonly names?: { [policy: string]: string };
}

/** web, api and batch in `default`, deny-by-default; api is guarded by every kind of policy. */
function build(): TheMesh {
  const mesh = newMesh();
  const web = newService(mesh, 'web');
  const api = newService(mesh, 'api');
  const batch = newService(mesh, 'batch');
  // ALLOW (today's construct): web may call api.
  new AccessPolicy(mesh, 'api-access', { service: api, allow: [{ from: web }] });
  // JWT: api validates tokens of ISSUER for the audience 'shop'.
  new RequestAuthentication(mesh, 'api-jwt', {
    metadata: { name: 'api-jwt', namespace: 'default' },
    spec: { selector: API, jwtRules: [{ issuer: ISSUER, jwksUri: `${ISSUER}/.well-known/jwks.json`, audiences: ['shop'] }] },
  });
  // ALLOW: end users of ISSUER in the group admin may use /admin, whoever calls.
  new AuthorizationPolicy(mesh, 'api-admins', {
    metadata: { name: 'api-admins', namespace: 'default' },
    spec: {
      selector: API,
      rules: [{
        from: [{ source: { requestPrincipals: [`${ISSUER}/*`] } }],
        to: [{ operation: { paths: ['/admin/*'] } }],
        when: [{ key: 'request.auth.claims[groups]', values: ['admin'] }],
      }],
    },
  });
  // DENY: no DELETE without an end user.
  new AuthorizationPolicy(mesh, 'api-no-anonymous-delete', {
    metadata: { name: 'api-no-anonymous-delete', namespace: 'default' },
    spec: { selector: API, action: AuthorizationPolicySpecAction.DENY, rules: [{ from: [{ source: { notRequestPrincipals: ['*'] } }], to: [{ operation: { methods: ['DELETE'] } }] }] },
  });
  // CUSTOM: the external authorizer 'opa' decides on /payments.
  new AuthorizationPolicy(mesh, 'api-payments-authz', {
    metadata: { name: 'api-payments-authz', namespace: 'default' },
    spec: { selector: API, action: AuthorizationPolicySpecAction.CUSTOM, provider: { name: 'opa' }, rules: [{ to: [{ operation: { paths: ['/payments/*'] } }] }] },
  });
  // AUDIT: every request is logged; it never decides.
  new AuthorizationPolicy(mesh, 'api-audit', {
    metadata: { name: 'api-audit', namespace: 'default' },
    spec: { selector: API, action: AuthorizationPolicySpecAction.AUDIT, rules: [{}] },
  });
  return { mesh, services: { web, api, batch }, manifests: MeshTesting.synth(mesh) };
}

/**
 * The same mesh written with the library's constructs alone: AccessPolicy's ALLOW, DENY, AUDIT and CUSTOM rules with
 * Callers (a JWT caller with a claim, anyone except end users with a token), JwtAuthentication and ExternalAuthorizer.
 * An AccessPolicy names its DENY, AUDIT and CUSTOM objects with a suffix, which `names` maps.
 */
function buildWithConstructs(): TheMesh {
  const mesh = newMesh();
  const web = newService(mesh, 'web');
  const api = newService(mesh, 'api');
  const batch = newService(mesh, 'batch');
  new AccessPolicy(mesh, 'api-access', { service: api, allow: [{ from: web }] });
  new JwtAuthentication(mesh, 'api-jwt', { service: api, name: 'api-jwt', rules: [{ issuer: ISSUER, jwksUri: `${ISSUER}/.well-known/jwks.json`, audiences: ['shop'] }] });
  new AccessPolicy(mesh, 'api-admins', {
    service: api,
    name: 'api-admins',
    allow: [{ from: Caller.jwt({ issuer: ISSUER, claims: { groups: ['admin'] } }), paths: ['/admin/*'] }],
  });
  new AccessPolicy(mesh, 'api-no-anonymous-delete', {
    service: api,
    name: 'api-no-anonymous',
    deny: [{ from: Caller.anyone().except(Caller.authenticatedUser()), methods: [HttpMethod.DELETE] }],
  });
  const opa = new ExternalAuthorizer(mesh, 'opa', { name: 'opa', host: 'opa.authz.svc.cluster.local', port: 9191 });
  new AccessPolicy(mesh, 'api-payments-authz', {
    service: api,
    name: 'api-payments',
    custom: { authorizer: opa, rules: [{ from: Caller.anyone(), paths: ['/payments/*'] }] },
  });
  new AccessPolicy(mesh, 'api-audit', { service: api, name: 'api-everything', audit: [{ from: Caller.anyone() }] });
  return {
    mesh,
    services: { web, api, batch },
    manifests: MeshTesting.synth(mesh),
    names: { 'default/api-no-anonymous-delete': 'default/api-no-anonymous-deny', 'default/api-payments-authz': 'default/api-payments-custom' },
  };
}

/** One request to api. */
interface Row {
  readonly name: string;
  readonly from: 'web' | 'batch';
  readonly method?: HttpMethod;
  readonly path: string;
  readonly jwt?: JwtToken;
  /** What the external authorizer 'opa' answers. */
  readonly opa?: boolean;
  readonly allowed: boolean;
  /** The policy that decides, `<namespace>/<name>`. */
  readonly policy: string;
  /** The start of the reason. */
  readonly reason: string;
}

const admin: JwtToken = { issuer: ISSUER, subject: 'alice', audiences: ['shop'], claims: { groups: ['staff', 'admin'] } };
const developer: JwtToken = { issuer: ISSUER, subject: 'bob', audiences: ['shop'], claims: { groups: ['dev'] } };
/** The AuthorizationPolicy the AccessPolicy renders. */
const ACCESS = 'default/api';

const TABLE: Row[] = [
  // Step 4: an ALLOW policy matches.
  { name: 'web reads books (the AccessPolicy allows web)', from: 'web', path: '/books', allowed: true, policy: ACCESS, reason: 'allowed: rule 1 of ALLOW policy default/api matches' },
  // Step 5: ALLOW policies apply and none matches.
  { name: 'batch reads books (no ALLOW rule names it)', from: 'batch', path: '/books', allowed: false, policy: ACCESS, reason: 'denied: ALLOW policies apply' },
  { name: 'batch with a developer token reads books (the token does not help outside /admin)', from: 'batch', path: '/books', jwt: developer, allowed: false, policy: ACCESS, reason: 'denied: ALLOW policies apply' },
  // ALLOW on request principals and a list claim.
  { name: 'batch with an admin token uses /admin', from: 'batch', path: '/admin/users', jwt: admin, allowed: true, policy: 'default/api-admins', reason: 'allowed: rule 1 of ALLOW policy default/api-admins' },
  { name: 'batch with a developer token uses /admin (claim groups lacks admin)', from: 'batch', path: '/admin/users', jwt: developer, allowed: false, policy: ACCESS, reason: 'denied: ALLOW policies apply' },
  { name: 'batch without a token uses /admin (no request principal)', from: 'batch', path: '/admin/users', allowed: false, policy: ACCESS, reason: 'denied: ALLOW policies apply' },
  // RequestAuthentication: invalid authentication information is rejected (401) before any policy.
  { name: 'an expired admin token is rejected', from: 'batch', path: '/admin/users', jwt: { ...admin, valid: false }, allowed: false, policy: 'default/api-jwt', reason: 'denied: 401: RequestAuthentication default/api-jwt rejects the token' },
  { name: 'a token for another audience is rejected', from: 'web', path: '/books', jwt: { ...admin, audiences: ['payroll'] }, allowed: false, policy: 'default/api-jwt', reason: 'denied: 401: RequestAuthentication default/api-jwt accepts tokens' },
  // istio/istio#40718: a token of an issuer no rule names is answered 401 "Jwt issuer is not configured".
  { name: 'a token of another issuer is rejected, even for web', from: 'web', path: '/books', jwt: { issuer: OTHER_ISSUER, subject: 'eve' }, allowed: false, policy: 'default/api-jwt', reason: 'denied: 401: RequestAuthentication default/api-jwt reads tokens' },
  // Step 2: DENY before ALLOW.
  { name: 'web deletes without a token (DENY matches, though the AccessPolicy allows web)', from: 'web', method: HttpMethod.DELETE, path: '/books/1', allowed: false, policy: 'default/api-no-anonymous-delete', reason: 'denied: rule 1 of DENY policy default/api-no-anonymous-delete' },
  { name: 'web deletes with a token (DENY does not match)', from: 'web', method: HttpMethod.DELETE, path: '/books/1', jwt: developer, allowed: true, policy: ACCESS, reason: 'allowed: rule 1 of ALLOW policy default/api matches' },
  // Step 1: CUSTOM first.
  { name: 'web pays, the authorizer denies (CUSTOM ends it)', from: 'web', path: '/payments/7', opa: false, allowed: false, policy: 'default/api-payments-authz', reason: 'denied: rule 1 of CUSTOM policy default/api-payments-authz' },
  { name: 'web pays, the authorizer allows (then ALLOW decides)', from: 'web', path: '/payments/7', opa: true, allowed: true, policy: ACCESS, reason: 'allowed: rule 1 of ALLOW policy default/api matches' },
  { name: 'batch pays, the authorizer allows (its approval does not replace ALLOW)', from: 'batch', path: '/payments/7', opa: true, allowed: false, policy: ACCESS, reason: 'denied: ALLOW policies apply' },
  { name: 'web deletes a payment without a token, the authorizer allows (then DENY)', from: 'web', method: HttpMethod.DELETE, path: '/payments/7', opa: true, allowed: false, policy: 'default/api-no-anonymous-delete', reason: 'denied: rule 1 of DENY policy' },
  { name: 'web pays with an expired token (401 comes before the authorizer)', from: 'web', path: '/payments/7', jwt: { ...admin, valid: false }, allowed: false, policy: 'default/api-jwt', reason: 'denied: 401' },
];

describe.each([
  ['raw Istio objects', build],
  ['the library\'s constructs', buildWithConstructs],
])("the access evaluator follows Istio's order: CUSTOM, DENY, ALLOW (AUDIT never decides), after JWT authentication, on a mesh of %s", (_kind, make) => {
  const { mesh, services, manifests, names = {} } = make();
  const named = (text: string) => Object.entries(names).reduce((t, [from, to]) => t.split(from).join(to), text);

  test('the mesh holds every kind of policy, strictly valid', () => {
    const actions = manifests.filter(m => m.kind === 'AuthorizationPolicy' && m.metadata.namespace === 'default').map(m => m.spec.action ?? 'ALLOW').sort();
    expect(actions).toEqual(['ALLOW', 'ALLOW', 'AUDIT', 'CUSTOM', 'DENY']);
    expect(manifests.filter(m => m.kind === 'RequestAuthentication').map(m => m.metadata.name)).toEqual(['api-jwt']);
  });

  test.each(TABLE.map(row => [row.name, row] as const))('%s', (_, row) => {
    const decision = MeshTesting.explainCall(mesh, services[row.from], services.api, {
      method: row.method, path: row.path, jwt: row.jwt, externalAuthorizers: row.opa === undefined ? undefined : { opa: row.opa },
    }, manifests);
    expect({ allowed: decision.allowed, policy: decision.policy }).toEqual({ allowed: row.allowed, policy: named(row.policy) });
    expect(decision.reason.startsWith(named(row.reason))).toBe(true);
  });

  test('a matching CUSTOM policy without the authorizer answer is MESH1050, not a guess', () => {
    expect(() => MeshTesting.canCall(mesh, services.web, services.api, { path: '/payments/7' }, manifests)).toThrow(
      new RegExp(`^\\[MESH1050\\] MeshTesting.canCall: rule 1 of CUSTOM policy ${named('default/api-payments-authz')} matches`));
    expect(() => MeshTesting.canCall(mesh, services.web, services.api, { path: '/payments/7' }, manifests)).toThrow(
      /matches GET \/payments\/7 .*give externalAuthorizers: \{ 'opa': true \} \(or false\)$/);
  });
});

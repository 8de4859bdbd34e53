import { AccessPolicy, Caller, EgressGateway, MeshService, MeshTesting } from '../../src';
import { newMesh, newService, synthErrors } from '../support/util';

/** The `from` and `when` of the one ALLOW rule a caller renders to, on a service 'api' of namespace 'shop'. */
function rendered(caller: (mesh: ReturnType<typeof newMesh>) => Caller): any {
  const mesh = newMesh();
  const api = newService(mesh, 'api', ['v1'], { namespace: 'shop' });
  new AccessPolicy(mesh, 'api-access', { service: api, allow: [{ from: caller(mesh) }] });
  expect(synthErrors(mesh)).toEqual([]);
  return MeshTesting.find(MeshTesting.synth(mesh), 'AuthorizationPolicy', 'api', 'shop').spec.rules[0];
}

describe('Caller', () => {
  test('service(): its SPIFFE principal, as { from: service } renders', () => {
    expect(rendered(mesh => Caller.service(newService(mesh, 'web', ['v1'], { namespace: 'web' })))).toEqual({
      from: [{ source: { principals: ['cluster.local/ns/web/sa/web'] } }],
    });
  });

  test('service() of a gateway: the gateway\'s service account', () => {
    expect(rendered(mesh => Caller.service(new EgressGateway(mesh, 'edge')))).toEqual({
      from: [{ source: { principals: ['cluster.local/ns/istio-system/sa/edge'] } }],
    });
  });

  test('anyone(): no from at all', () => {
    expect(rendered(() => Caller.anyone())).toEqual({});
  });

  test('authenticated(): any mTLS identity', () => {
    expect(rendered(() => Caller.authenticated())).toEqual({ from: [{ source: { principals: ['*'] } }] });
  });

  test('namespace(): the namespaces', () => {
    expect(rendered(() => Caller.namespace('shop', 'ops'))).toEqual({ from: [{ source: { namespaces: ['shop', 'ops'] } }] });
  });

  test('principal(): SPIFFE IDs, with or without spiffe://', () => {
    expect(rendered(() => Caller.principal('spiffe://cluster.local/ns/legacy/sa/batch', 'cluster.local/ns/ops/sa/cron'))).toEqual({
      from: [{ source: { principals: ['cluster.local/ns/legacy/sa/batch', 'cluster.local/ns/ops/sa/cron'] } }],
    });
  });

  test('ipBlock() and remoteIpBlock(): addresses and CIDR blocks, IPv4 and IPv6', () => {
    expect(rendered(() => Caller.ipBlock('10.0.0.0/16', '192.168.1.7'))).toEqual({ from: [{ source: { ipBlocks: ['10.0.0.0/16', '192.168.1.7'] } }] });
    expect(rendered(() => Caller.remoteIpBlock('2001:db8::/32'))).toEqual({ from: [{ source: { remoteIpBlocks: ['2001:db8::/32'] } }] });
  });

  test('jwt(): the request principal, any subject or one, and claims as when conditions (nested with [a][b])', () => {
    expect(rendered(() => Caller.jwt({ issuer: 'https://idp.example.com' }))).toEqual({
      from: [{ source: { requestPrincipals: ['https://idp.example.com/*'] } }],
    });
    expect(rendered(() => Caller.jwt({ issuer: 'https://idp.example.com', subject: 'alice', claims: { 'groups': ['admin', 'ops'], 'realm_access.roles': ['buyer'] } }))).toEqual({
      from: [{ source: { requestPrincipals: ['https://idp.example.com/alice'] } }],
      when: [
        { key: 'request.auth.claims[groups]', values: ['admin', 'ops'] },
        { key: 'request.auth.claims[realm_access][roles]', values: ['buyer'] },
      ],
    });
  });

  test('authenticatedUser(): any valid token', () => {
    expect(rendered(() => Caller.authenticatedUser())).toEqual({ from: [{ source: { requestPrincipals: ['*'] } }] });
  });

  test('except(): the other caller\'s field as the not-field', () => {
    expect(rendered(mesh => Caller.namespace('shop').except(Caller.service(newService(mesh, 'web', ['v1'], { namespace: 'shop' }))))).toEqual({
      from: [{ source: { namespaces: ['shop'], notPrincipals: ['cluster.local/ns/shop/sa/web'] } }],
    });
    expect(rendered(() => Caller.anyone().except(Caller.namespace('legacy')).except(Caller.namespace('test')))).toEqual({
      from: [{ source: { notNamespaces: ['legacy', 'test'] } }],
    });
    expect(rendered(() => Caller.anyone().except(Caller.ipBlock('10.1.0.0/16')))).toEqual({ from: [{ source: { notIpBlocks: ['10.1.0.0/16'] } }] });
    expect(rendered(() => Caller.anyone().except(Caller.remoteIpBlock('1.2.3.4')))).toEqual({ from: [{ source: { notRemoteIpBlocks: ['1.2.3.4'] } }] });
    expect(rendered(() => Caller.authenticatedUser().except(Caller.jwt({ issuer: 'https://old.example.com' })))).toEqual({
      from: [{ source: { requestPrincipals: ['*'], notRequestPrincipals: ['https://old.example.com/*'] } }],
    });
  });

  test('and(): the fields of one source, ANDed; anyone() is neutral', () => {
    expect(rendered(() => Caller.namespace('shop').and(Caller.jwt({ issuer: 'https://idp.example.com', claims: { scope: ['orders'] } })))).toEqual({
      from: [{ source: { namespaces: ['shop'], requestPrincipals: ['https://idp.example.com/*'] } }],
      when: [{ key: 'request.auth.claims[scope]', values: ['orders'] }],
    });
    expect(Caller.anyone().and(Caller.namespace('shop')).name).toEqual('namespace shop');
    expect(Caller.namespace('shop').and(Caller.ipBlock('10.0.0.0/8')).name).toEqual('namespace shop and IP block 10.0.0.0/8');
  });

  test('names for messages and the diagram', () => {
    const mesh = newMesh();
    expect(Caller.service(newService(mesh, 'web')).name).toEqual('web');
    expect(Caller.anyone().name).toEqual('anyone');
    expect(Caller.jwt({ issuer: 'https://idp', subject: 'bob' }).name).toEqual('JWT https://idp/bob');
    expect(Caller.namespace('a').except(Caller.principal('cluster.local/ns/a/sa/x')).name).toEqual('namespace a except principal cluster.local/ns/a/sa/x');
  });

  describe('refuses what Istio cannot express or take', () => {
    test.each([
      [() => Caller.namespace(), '[MESH1000] Caller.namespace: no namespace given: give at least one'],
      [() => Caller.principal(''), "[MESH1000] Caller.principal: principal '' is empty: give each principal as a non-empty string"],
      [() => Caller.ipBlock('10.0.0.0/33'), "[MESH1001] Caller.ipBlock: '10.0.0.0/33' is not an IP address or CIDR block: use e.g. '10.0.0.1', '10.0.0.0/16' or '2001:db8::/32'"],
      [() => Caller.remoteIpBlock('example.com'), "[MESH1001] Caller.remoteIpBlock: 'example.com' is not an IP address or CIDR block: use e.g. '10.0.0.1', '10.0.0.0/16' or '2001:db8::/32'"],
      [() => Caller.jwt({ issuer: '' }), '[MESH1000] Caller.jwt: issuer is missing: give the issuer (iss) of the tokens, e.g. https://accounts.example.com'],
      [() => Caller.jwt({ issuer: 'https://idp', subject: '' }), '[MESH1000] Caller.jwt: subject is empty: give the subject (sub) of the token, or leave it out for any subject'],
      [() => Caller.jwt({ issuer: 'https://idp', claims: { groups: [] } }), "[MESH1006] Caller.jwt: claim 'groups' has no values: give the values it may have"],
      [() => Caller.namespace('a').and(Caller.namespace('b')),
        "[MESH1002] Caller.and: 'namespace a' and 'namespace b' both set namespaces, and a source matches any of a list's values: Istio cannot require both; write one caller per rule, or add a condition with when"],
      [() => Caller.jwt({ issuer: 'https://a', claims: { g: ['x'] } }).and(Caller.jwt({ issuer: 'https://b' })),
        "[MESH1002] Caller.and: 'JWT https://a/*' and 'JWT https://b/*' both set requestPrincipals, and a source matches any of a list's values: Istio cannot require both; write one caller per rule, or add a condition with when"],
      [() => Caller.anyone().except(Caller.anyone()),
        "[MESH1003] Caller.except: cannot leave out 'anyone', which is anyone: Istio's not-fields negate one field of a source: except one kind of caller (a service, principals, namespaces, IP blocks or a JWT without claims)"],
      [() => Caller.anyone().except(Caller.namespace('a').and(Caller.ipBlock('1.1.1.1'))),
        "[MESH1003] Caller.except: cannot leave out 'namespace a and IP block 1.1.1.1', which is several fields: Istio's not-fields negate one field of a source: except one kind of caller (a service, principals, namespaces, IP blocks or a JWT without claims)"],
      [() => Caller.anyone().except(Caller.jwt({ issuer: 'https://a', claims: { g: ['x'] } })),
        "[MESH1003] Caller.except: cannot leave out 'JWT https://a/*', which is claims: Istio's not-fields negate one field of a source: except one kind of caller (a service, principals, namespaces, IP blocks or a JWT without claims)"],
      [() => Caller.anyone().except(Caller.anyone().except(Caller.namespace('a'))),
        "[MESH1003] Caller.except: cannot leave out 'anyone except namespace a', which is an exception: Istio's not-fields negate one field of a source: except one kind of caller (a service, principals, namespaces, IP blocks or a JWT without claims)"],
      [() => Caller.service({} as any), '[MESH0009] Caller.service: caller is not a service or gateway of a mesh: name a MeshService, one imported with MeshService.fromName(), or a gateway'],
    ])('%#', (make, message) => {
      expect(make).toThrow(message);
    });
  });

  test('an imported service is named by the principal its namespace and name give', () => {
    const mesh = newMesh();
    const legacy = MeshService.fromName(mesh, 'legacy', 'legacy', { namespace: 'old', ports: [{ port: 80 }] });
    expect(Caller.service(legacy)._fields).toEqual({ principals: ['cluster.local/ns/old/sa/legacy'] });
  });
});

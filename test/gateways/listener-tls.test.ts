import { IngressGateway, EgressGateway, ListenerTls, ListenerTlsMode, MeshTesting, Protocol, TlsVersion } from '../../src';
import { newService, openMesh, synthErrors } from '../support/util';

const SPKI = '0ICZ2qt3FdtahCypW+yEx2goEAQp9G4pdeYYtDJNjyw=';
const HASH = 'AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89';

/** A gateway with one HTTPS listener of `tls` (and a route to web), its Istio Gateway's servers and the errors. */
function httpsGateway(tls: ListenerTls | undefined, extra: object = {}) {
  const mesh = openMesh();
  const web = newService(mesh, 'web');
  const gw = new IngressGateway(mesh, 'gw', {
    listeners: [{ port: 443, protocol: Protocol.HTTPS, hosts: ['shop.example.com'], tls, ...extra }],
  });
  gw.addRoute({ service: web });
  return { mesh, gw };
}

function servers(mesh: ReturnType<typeof openMesh>): any[] {
  return MeshTesting.find(MeshTesting.synth(mesh), 'Gateway', 'gw', 'istio-ingress').spec.servers;
}

describe('listener TLS', () => {
  test('credentialName alone still renders SIMPLE TLS, unchanged', () => {
    const { mesh } = httpsGateway(undefined, { credentialName: 'shop-cert' });
    expect(servers(mesh)[0].tls).toEqual({ mode: 'SIMPLE', credentialName: 'shop-cert' });
    expect(synthErrors(mesh)).toEqual([]);
  });

  test('ListenerTls.simple renders the mode, the Secret, the TLS versions and the cipher suites', () => {
    const { mesh } = httpsGateway(ListenerTls.simple('shop-cert', {
      minVersion: TlsVersion.TLSV1_2, maxVersion: TlsVersion.TLSV1_3, cipherSuites: ['ECDHE-ECDSA-AES256-GCM-SHA384', 'ECDHE-RSA-AES256-GCM-SHA384'],
    }));
    expect(servers(mesh)[0]).toEqual({
      port: { number: 443, name: 'https-443', protocol: 'HTTPS' },
      hosts: ['shop.example.com'],
      tls: {
        mode: 'SIMPLE',
        credentialName: 'shop-cert',
        minProtocolVersion: 'TLSV1_2',
        maxProtocolVersion: 'TLSV1_3',
        cipherSuites: ['ECDHE-ECDSA-AES256-GCM-SHA384', 'ECDHE-RSA-AES256-GCM-SHA384'],
      },
    });
    expect(synthErrors(mesh)).toEqual([]);
  });

  test('ListenerTls.mutual renders MUTUAL with the CA credential, subject alt names and certificate pins', () => {
    const tls = ListenerTls.mutual('shop-cert', {
      caCredentialName: 'client-ca', subjectAltNames: ['partner.example.com'], verifyCertificateSpki: [SPKI], verifyCertificateHash: [HASH],
    });
    const { mesh } = httpsGateway(tls);
    expect(servers(mesh)[0].tls).toEqual({
      mode: 'MUTUAL',
      credentialName: 'shop-cert',
      caCertCredentialName: 'client-ca',
      subjectAltNames: ['partner.example.com'],
      verifyCertificateSpki: [SPKI],
      verifyCertificateHash: [HASH],
    });
    expect(tls.mode).toEqual(ListenerTlsMode.MUTUAL);
    expect(tls.verifiesClients).toBe(true);
    expect(synthErrors(mesh)).toEqual([]);
  });

  test('MUTUAL without a CA credential verifies against the certificate Secret\'s own CA (ca.crt or <name>-cacert)', () => {
    const { mesh } = httpsGateway(ListenerTls.mutual('shop-cert'));
    expect(servers(mesh)[0].tls).toEqual({ mode: 'MUTUAL', credentialName: 'shop-cert' });
    expect(synthErrors(mesh)).toEqual([]);
  });

  test('ListenerTls.optionalMutual renders OPTIONAL_MUTUAL', () => {
    const { mesh } = httpsGateway(ListenerTls.optionalMutual('shop-cert'));
    expect(servers(mesh)[0].tls).toEqual({ mode: 'OPTIONAL_MUTUAL', credentialName: 'shop-cert' });
    expect(synthErrors(mesh)).toEqual([]);
  });

  test('httpsRedirect renders tls.httpsRedirect on the HTTP server, whose hosts need no route', () => {
    // GIVEN
    const mesh = openMesh();
    const web = newService(mesh, 'web');
    const gw = new IngressGateway(mesh, 'gw', {
      listeners: [
        { port: 80, hosts: ['shop.example.com'], httpsRedirect: true },
        { port: 443, protocol: Protocol.HTTPS, hosts: ['shop.example.com'], tls: ListenerTls.simple('shop-cert') },
      ],
    });
    gw.addRoute({ service: web });
    // THEN
    expect(servers(mesh)).toEqual([
      { port: { number: 80, name: 'http-80', protocol: 'HTTP' }, hosts: ['shop.example.com'], tls: { httpsRedirect: true } },
      { port: { number: 443, name: 'https-443', protocol: 'HTTPS' }, hosts: ['shop.example.com'], tls: { mode: 'SIMPLE', credentialName: 'shop-cert' } },
    ]);
    expect(synthErrors(mesh)).toEqual([]);
  });

  test('a host served only by a redirecting listener is not reported as unrouted', () => {
    const mesh = openMesh();
    const web = newService(mesh, 'web');
    const gw = new IngressGateway(mesh, 'gw', {
      listeners: [
        { port: 80, hosts: ['*.example.com'], httpsRedirect: true },
        { port: 443, protocol: Protocol.HTTPS, hosts: ['*.example.com'], tls: ListenerTls.simple('shop-cert') },
      ],
    });
    gw.addRoute({ service: web, hosts: ['shop.example.com'] });
    expect(gw.unroutedHosts).toEqual([]);
  });

  describe('errors', () => {
    test.each([
      ['tls on a TLS (passthrough) listener', { port: 443, protocol: Protocol.TLS, tls: ListenerTls.simple('c') },
        '[mesh/gw] [MESH1100] TLS listener 443 has tls, which only HTTPS listeners terminate (a TLS listener passes the stream through unread): make the listener HTTPS, or drop tls'],
      ['tls on an HTTP listener', { port: 80, tls: ListenerTls.simple('c') },
        '[mesh/gw] [MESH1100] HTTP listener 80 has tls, which only HTTPS listeners terminate: make the listener HTTPS, or drop tls'],
      ['tls beside credentialName', { port: 443, protocol: Protocol.HTTPS, credentialName: 'c', tls: ListenerTls.simple('c') },
        "[mesh/gw] [MESH1100] listener 443 has both credentialName and tls: give the Secret once, in tls (ListenerTls.simple('c'))"],
      ['tls that is no ListenerTls', { port: 443, protocol: Protocol.HTTPS, tls: { mode: 'SIMPLE', credentialName: 'c' } },
        '[mesh/gw] [MESH1100] listener 443 tls is not a ListenerTls: make it with ListenerTls.simple(), ListenerTls.mutual() or ListenerTls.optionalMutual()'],
      ['tls without a Secret', { port: 443, protocol: Protocol.HTTPS, tls: ListenerTls.simple('') },
        "[mesh/gw] [MESH1100] listener 443 tls has no credentialName: name the Secret with the certificate and key (tls.crt, tls.key), e.g. ListenerTls.simple('shop-cert')"],
      ['minVersion above maxVersion', { port: 443, protocol: Protocol.HTTPS, tls: ListenerTls.simple('c', { minVersion: TlsVersion.TLSV1_3, maxVersion: TlsVersion.TLSV1_2 }) },
        '[mesh/gw] [MESH1101] listener 443 tls minVersion TLSV1_3 is above maxVersion TLSV1_2, so no TLS version is left and every handshake fails: lower minVersion or raise maxVersion'],
      ['a TLS 1.3 cipher suite', { port: 443, protocol: Protocol.HTTPS, tls: ListenerTls.simple('c', { cipherSuites: ['TLS_AES_128_GCM_SHA256'] }) },
        "[mesh/gw] [MESH1102] listener 443 tls cipherSuites 'TLS_AES_128_GCM_SHA256' is not a cipher suite Envoy accepts (istiod would drop it): use BoringSSL's names of TLS 1.2 suites, e.g. 'ECDHE-ECDSA-AES256-GCM-SHA384' (TLS 1.3's are not configurable)"],
      ['a cipher suite twice', { port: 443, protocol: Protocol.HTTPS, tls: ListenerTls.simple('c', { cipherSuites: ['AES128-SHA', 'AES128-SHA'] }) },
        "[mesh/gw] [MESH1102] listener 443 tls cipherSuites lists 'AES128-SHA' twice: list each cipher suite once"],
      ['empty cipherSuites', { port: 443, protocol: Protocol.HTTPS, tls: ListenerTls.simple('c', { cipherSuites: [] }) },
        "[mesh/gw] [MESH1102] listener 443 tls cipherSuites is empty: list the cipher suites to accept, or leave cipherSuites out for Envoy's defaults"],
      ['cipherSuites with TLS 1.3 only', { port: 443, protocol: Protocol.HTTPS, tls: ListenerTls.simple('c', { minVersion: TlsVersion.TLSV1_3, cipherSuites: ['AES128-SHA'] }) },
        '[mesh/gw] [MESH1102] listener 443 tls cipherSuites is set with minVersion TLSV1_3, whose cipher suites are not configurable, so the list would do nothing: drop cipherSuites, or lower minVersion'],
      ['client verification on SIMPLE', { port: 443, protocol: Protocol.HTTPS, tls: ListenerTls.simple('c', { caCredentialName: 'ca', subjectAltNames: ['a.example.com'] } as any) },
        '[mesh/gw] [MESH1105] listener 443 tls is SIMPLE but sets caCredentialName, subjectAltNames, which only verify client certificates: use ListenerTls.mutual() or ListenerTls.optionalMutual(), or drop them'],
      ['a malformed certificate hash', { port: 443, protocol: Protocol.HTTPS, tls: ListenerTls.mutual('c', { verifyCertificateHash: ['abc'] }) },
        "[mesh/gw] [MESH1105] listener 443 tls verifyCertificateHash 'abc' is not a SHA-256 hash in hex (64 digits, optionally in pairs separated by ':')"],
      ['a malformed SPKI hash', { port: 443, protocol: Protocol.HTTPS, tls: ListenerTls.mutual('c', { verifyCertificateSpki: ['abc'] }) },
        "[mesh/gw] [MESH1105] listener 443 tls verifyCertificateSpki 'abc' is not the base64 of a SHA-256 hash (44 characters ending in '=')"],
      ['empty subjectAltNames', { port: 443, protocol: Protocol.HTTPS, tls: ListenerTls.mutual('c', { subjectAltNames: [] }) },
        '[mesh/gw] [MESH1105] listener 443 tls subjectAltNames is empty: list at least one, or leave subjectAltNames out'],
      ['httpsRedirect on an HTTPS listener', { port: 443, protocol: Protocol.HTTPS, credentialName: 'c', httpsRedirect: true },
        '[mesh/gw] [MESH1106] HTTPS listener 443 has httpsRedirect, which only plain HTTP listeners take: drop it, or set it on the HTTP listener'],
      ['httpsRedirect without an HTTPS listener for its host', { port: 80, hosts: ['shop.example.com'], httpsRedirect: true },
        "[mesh/gw] [MESH1107] listener 80 redirects to HTTPS, but no HTTPS listener of the gateway serves 'shop.example.com', so the redirected clients would find nothing there: add an HTTPS listener with that host, or drop httpsRedirect"],
    ])('%s', (_, listener, message) => {
      const mesh = openMesh();
      new IngressGateway(mesh, 'gw', { listeners: [listener as any] });
      expect(synthErrors(mesh).filter(e => !e.includes('[MESH0127]'))).toEqual([message]);
    });

    test('httpsRedirect on an egress gateway', () => {
      const mesh = openMesh();
      new EgressGateway(mesh, 'gw', { listeners: [{ port: 80, httpsRedirect: true }] });
      expect(synthErrors(mesh).filter(e => e.includes('MESH1106'))).toEqual([
        "[mesh/gw] [MESH1106] listener 80 has httpsRedirect, but the gateway is an egress gateway, whose callers are the mesh's workloads: drop httpsRedirect",
      ]);
    });

    test('TLS 1.0 without cipher suites is a warning, as istiod gives', () => {
      const { mesh } = httpsGateway(ListenerTls.simple('shop-cert', { minVersion: TlsVersion.TLSV1_0 }));
      const warnings = mesh.analyze().filter(f => f.code === 'MESH1104').map(f => f.message);
      expect(warnings).toEqual([
        "listener 443 tls minVersion TLSV1_0 has no cipherSuites, and Envoy's default cipher suites no longer include any that TLSV1_0 clients offer, so they still cannot connect: list cipherSuites they offer (e.g. 'ECDHE-RSA-AES128-SHA'), or raise minVersion to TlsVersion.TLSV1_2",
      ]);
      expect(synthErrors(mesh)).toEqual([]);
    });
  });
});

import {
  ClientTls, ClientTlsMode, MeshAnalyzer, MeshService, MeshTesting, MtlsMode, MtlsPolicy, PolicyScope, Protocol, ServiceTrafficPolicy,
} from '../../src';
import { newService, openMesh, synthErrors } from '../support/util';

const named = (objects: any[], kind: string, name: string) => objects.find(o => o.kind === kind && o.metadata.name === name);

describe('ClientTls', () => {
  test.each([
    ['disable', ClientTls.disable(), { mode: 'DISABLE' }],
    ['istioMutual', ClientTls.istioMutual(), { mode: 'ISTIO_MUTUAL' }],
    ['istioMutual with SNI and names', ClientTls.istioMutual({ sni: 'web.shop', subjectAltNames: ['spiffe://cluster.local/ns/shop/sa/web'] }),
      { mode: 'ISTIO_MUTUAL', sni: 'web.shop', subjectAltNames: ['spiffe://cluster.local/ns/shop/sa/web'] }],
    ['simple', ClientTls.simple(), { mode: 'SIMPLE' }],
    ['simple with a CA file', ClientTls.simple({ sni: 'api.example.com', subjectAltNames: ['api.example.com'], caCertificates: '/etc/ssl/certs/ca-certificates.crt' }),
      { mode: 'SIMPLE', sni: 'api.example.com', subjectAltNames: ['api.example.com'], caCertificates: '/etc/ssl/certs/ca-certificates.crt' }],
    ['simple with a CA Secret', ClientTls.simple({ caCredentialName: 'api-ca' }), { mode: 'SIMPLE', credentialName: 'api-ca' }],
    ['simple without checks', ClientTls.simple({ insecureSkipVerify: true }), { mode: 'SIMPLE', insecureSkipVerify: true }],
    ['mutual', ClientTls.mutual({ credentialName: 'client-credential', sni: 'api.example.com', subjectAltNames: ['api.example.com'] }),
      { mode: 'MUTUAL', credentialName: 'client-credential', sni: 'api.example.com', subjectAltNames: ['api.example.com'] }],
    ['mutual without checks', ClientTls.mutual({ credentialName: 'client-credential', insecureSkipVerify: true }),
      { mode: 'MUTUAL', credentialName: 'client-credential', insecureSkipVerify: true }],
  ])('%s renders every field it sets', (_name, tls, expected) => {
    // GIVEN a service whose clients use the TLS (its workloads PERMISSIVE, which take any of them)
    const mesh = openMesh({ mtls: MtlsMode.PERMISSIVE });
    newService(mesh, 'web', ['v1'], { tls });

    // WHEN
    const dr = named(MeshTesting.synth(mesh), 'DestinationRule', 'web');

    // THEN
    expect(dr.spec.trafficPolicy).toEqual({ tls: expected });
  });

  test('the properties say what was chosen', () => {
    const tls = ClientTls.mutual({ credentialName: 'client-credential', sni: 'api.example.com' });
    expect([tls.mode, tls.credentialName, tls.sni, tls.insecureSkipVerify, tls.originatesTls]).toEqual([ClientTlsMode.MUTUAL, 'client-credential', 'api.example.com', false, true]);
    expect(ClientTls.istioMutual().originatesTls).toBe(false);
    expect(ClientTls.disable().originatesTls).toBe(false);
    expect(ClientTls.simple({ caCertificates: '/etc/ca.pem' }).caCertificates).toBe('/etc/ca.pem');
  });

  test.each([
    ['sni with a port', () => ClientTls.simple({ sni: 'api.example.com:443' }),
      "[MESH1060] ClientTls.simple: sni 'api.example.com:443' is not a host name: give the name the server's certificate is for (e.g. 'api.example.com'), without wildcard, port or IP address"],
    ['a wildcard sni', () => ClientTls.mutual({ credentialName: 'c', sni: '*.example.com' }),
      "[MESH1060] ClientTls.mutual: sni '*.example.com' is not a host name: give the name the server's certificate is for (e.g. 'api.example.com'), without wildcard, port or IP address"],
    ['an IP address as sni', () => ClientTls.istioMutual({ sni: '10.0.0.1' }),
      "[MESH1060] ClientTls.istioMutual: sni '10.0.0.1' is not a host name: give the name the server's certificate is for (e.g. 'api.example.com'), without wildcard, port or IP address"],
    ['empty subjectAltNames', () => ClientTls.simple({ subjectAltNames: [] }),
      '[MESH1061] ClientTls.simple: subjectAltNames is empty: list the names the server certificate may carry, or leave it out'],
    ['an empty subject alt name', () => ClientTls.simple({ subjectAltNames: [' '] }),
      "[MESH1061] ClientTls.simple: subjectAltNames[0] is empty: give a name the server certificate carries (e.g. 'api.example.com' or a spiffe:// identity)"],
    ['a subject alt name that is no string', () => ClientTls.simple({ subjectAltNames: [7 as any] }),
      "[MESH1061] ClientTls.simple: subjectAltNames[0] is not a string: give a name the server certificate carries (e.g. 'api.example.com' or a spiffe:// identity)"],
    ['a relative CA path', () => ClientTls.simple({ caCertificates: 'ca.pem' }),
      "[MESH1062] ClientTls.simple: caCertificates 'ca.pem' is not a path: give the absolute path of a file in the proxy's container (e.g. '/etc/ssl/certs/ca-certificates.crt'), or a Secret with caCredentialName"],
    ['a CA file and a CA Secret', () => ClientTls.simple({ caCertificates: '/etc/ca.pem', caCredentialName: 'ca' }),
      '[MESH1063] ClientTls.simple: caCertificates and caCredentialName are both given: istiod refuses CA files beside a credential, give one of them'],
    ['file paths beside a mutual credential (JavaScript)', () => ClientTls.mutual({ credentialName: 'c', privateKey: '/etc/key.pem' } as any),
      '[MESH1063] ClientTls.mutual: caCertificates, clientCertificate and privateKey are not options of a mutual ClientTls: the Secret credentialName holds the certificate, key and CA certificates'],
    ['no check and a CA', () => ClientTls.simple({ insecureSkipVerify: true, caCredentialName: 'ca' }),
      '[MESH1064] ClientTls.simple: insecureSkipVerify checks no certificate, but caCertificates, caCredentialName or subjectAltNames are given: istiod refuses both, leave insecureSkipVerify out to check the server'],
    ['no check and names, mutual', () => ClientTls.mutual({ credentialName: 'c', insecureSkipVerify: true, subjectAltNames: ['a.example'] }),
      '[MESH1064] ClientTls.mutual: insecureSkipVerify checks no certificate, but subjectAltNames are given: istiod refuses both, leave insecureSkipVerify out to check the server'],
    ['mutual without a credential (JavaScript)', () => ClientTls.mutual({} as any),
      "[MESH0006] ClientTls.mutual: credentialName is missing: name the Secret with the client certificate (tls.crt, tls.key and ca.crt), e.g. { credentialName: 'client-credential' }"],
    ['a credential name that is no Secret name', () => ClientTls.mutual({ credentialName: 'Client_Cert' }),
      "[MESH0001] ClientTls.mutual: credentialName 'Client_Cert' is not a valid DNS name: use lowercase letters, digits, '-' and '.'"],
  ])('fails on %s', (_name, make, message) => {
    expect(make).toThrow(message);
  });
});

describe("a destination's TLS mode without turning auto mTLS off", () => {
  test('service, version and port each take their TLS, and auto mTLS stays on for the rest of the mesh', () => {
    // GIVEN a service with TLS of its own on one port, ISTIO_MUTUAL on the rest, and a version in plain text
    const mesh = openMesh();
    const web = new MeshService(mesh, 'web', {
      ports: [{ port: 8080, protocol: Protocol.HTTP }, { port: 8443, protocol: Protocol.HTTPS }],
      tls: ClientTls.istioMutual(),
      portPolicies: [{ port: 8443, tls: ClientTls.simple({ caCredentialName: 'web-ca' }) }],
    });
    web.addVersion('v1', { image: 'example/web:v1' });
    web.addVersion('v2', { image: 'example/web:v2', trafficPolicy: { tls: ClientTls.istioMutual({ sni: 'v2.web.default' }) } });
    newService(mesh, 'other');
    new MtlsPolicy(mesh, 'permissive', { scope: PolicyScope.workload(web), mode: MtlsMode.PERMISSIVE });

    // WHEN
    const objects = MeshTesting.synth(mesh);

    // THEN
    expect(named(objects, 'DestinationRule', 'web').spec).toEqual({
      host: 'web.default.svc.cluster.local',
      trafficPolicy: {
        tls: { mode: 'ISTIO_MUTUAL' },
        portLevelSettings: [{ port: { number: 8443 }, tls: { mode: 'SIMPLE', credentialName: 'web-ca' } }],
      },
      subsets: [
        { name: 'v1', labels: { version: 'v1' } },
        { name: 'v2', labels: { version: 'v2' }, trafficPolicy: { tls: { mode: 'ISTIO_MUTUAL', sni: 'v2.web.default' } } },
      ],
    });
    expect(named(objects, 'DestinationRule', 'other')).toBeUndefined();
    expect(mesh.autoMtls).toBe(true);
  });

  test('a ServiceTrafficPolicy gives an imported service its TLS', () => {
    const mesh = openMesh();
    const legacy = MeshService.fromName(mesh, 'legacy', 'legacy');
    const policy = new ServiceTrafficPolicy(mesh, 'legacy-tls', { service: legacy, tls: ClientTls.disable() });
    new MtlsPolicy(mesh, 'legacy-mtls', { scope: PolicyScope.workload(legacy), mode: MtlsMode.DISABLE });

    const dr = named(MeshTesting.synth(mesh), 'DestinationRule', 'legacy');

    expect(policy.tls?.mode).toBe(ClientTlsMode.DISABLE);
    expect(dr.spec.trafficPolicy).toEqual({ tls: { mode: 'DISABLE' } });
  });

  test('with autoMtls false the service\'s own TLS replaces the one its mTLS mode needs', () => {
    const mesh = openMesh({ autoMtls: false });
    newService(mesh, 'web', ['v1'], { tls: ClientTls.simple() });

    const dr = named(MeshTesting.synth(mesh), 'DestinationRule', 'web');

    expect(dr.spec.trafficPolicy).toEqual({ tls: { mode: 'SIMPLE' } });
  });

  test('fails on a tls that is not a ClientTls (JavaScript)', () => {
    const mesh = openMesh();
    newService(mesh, 'web', ['v1'], { tls: { mode: 'ISTIO_MUTUAL' } as any });

    expect(synthErrors(mesh)).toEqual(['[mesh/web] [MESH0096] tls is not a ClientTls: make it with ClientTls.istioMutual() or another ClientTls factory']);
  });
});

describe('autoMtls false with port overrides', () => {
  test("the ports whose mTLS mode differs from the workload's get their own TLS", () => {
    // GIVEN a STRICT workload with one port in plain text, and another port with a policy of its own
    const mesh = openMesh({ autoMtls: false });
    const web = new MeshService(mesh, 'web', {
      ports: [{ port: 8080, protocol: Protocol.HTTP }, { port: 9090, protocol: Protocol.HTTP }, { port: 9443, protocol: Protocol.HTTP }],
      portPolicies: [{ port: 9443, tls: ClientTls.simple() }],
    });
    web.addVersion('v1', { image: 'example/web:v1' });
    new MtlsPolicy(mesh, 'web-mtls', {
      scope: PolicyScope.workload(web),
      mode: MtlsMode.STRICT,
      portOverrides: [{ port: 9090, mode: MtlsMode.DISABLE }, { port: 9443, mode: MtlsMode.DISABLE }],
    });

    // WHEN
    const dr = named(MeshTesting.synth(mesh), 'DestinationRule', 'web');

    // THEN port 9090 is plain text, 9443 keeps its own TLS, the service is ISTIO_MUTUAL
    expect(dr.spec.trafficPolicy).toEqual({
      tls: { mode: 'ISTIO_MUTUAL' },
      portLevelSettings: [
        { port: { number: 9443 }, tls: { mode: 'SIMPLE' } },
        { port: { number: 9090 }, tls: { mode: 'DISABLE' } },
      ],
    });
  });

  test('a DISABLE workload with a STRICT port gets ISTIO_MUTUAL on that port', () => {
    const mesh = openMesh({ autoMtls: false });
    const web = newService(mesh, 'web', ['v1'], { ports: [{ port: 8080, protocol: Protocol.HTTP }, { port: 8081, protocol: Protocol.HTTP }] });
    new MtlsPolicy(mesh, 'web-mtls', { scope: PolicyScope.workload(web), mode: MtlsMode.DISABLE, portOverrides: [{ port: 8081, mode: MtlsMode.STRICT }] });

    const dr = named(MeshTesting.synth(mesh), 'DestinationRule', 'web');

    expect(dr.spec.trafficPolicy).toEqual({
      tls: { mode: 'DISABLE' },
      portLevelSettings: [{ port: { number: 8081 }, tls: { mode: 'ISTIO_MUTUAL' } }],
    });
  });

  test('with auto mTLS on, port overrides write no TLS', () => {
    const mesh = openMesh();
    const web = newService(mesh, 'web', ['v1'], { ports: [{ port: 8080, protocol: Protocol.HTTP }, { port: 8081, protocol: Protocol.HTTP }] });
    new MtlsPolicy(mesh, 'web-mtls', { scope: PolicyScope.workload(web), mode: MtlsMode.STRICT, portOverrides: [{ port: 8081, mode: MtlsMode.DISABLE }] });

    expect(named(MeshTesting.synth(mesh), 'DestinationRule', 'web')).toBeUndefined();
  });
});

describe('client TLS against the destination\'s mTLS mode', () => {
  test('fails on plain text to a STRICT workload', () => {
    const mesh = openMesh();
    newService(mesh, 'web', ['v1'], { tls: ClientTls.disable() });

    expect(synthErrors(mesh)).toEqual([
      "[mesh/web] [MESH1068] tls is DISABLE, but the workloads of service 'web' take only mTLS on port 8080 (STRICT): connections would be refused, use ClientTls.istioMutual() or leave tls out (auto mTLS)",
    ]);
  });

  test('fails on plain text to a STRICT port, for a port policy and a version', () => {
    const mesh = openMesh();
    const web = new MeshService(mesh, 'web', {
      ports: [{ port: 8080, protocol: Protocol.HTTP }, { port: 9090, protocol: Protocol.HTTP }],
      portPolicies: [{ port: 9090, tls: ClientTls.disable() }],
    });
    web.addVersion('v1', { image: 'example/web:v1', trafficPolicy: { tls: ClientTls.disable() } });

    expect(MeshAnalyzer.analyze(mesh).filter(f => f.code === 'MESH1068').map(f => f.message)).toEqual([
      "portPolicies port 9090 tls is DISABLE, but the workloads of service 'web' take only mTLS on port 9090 (STRICT): connections would be refused, use ClientTls.istioMutual() or leave tls out (auto mTLS)",
      "version 'v1' trafficPolicy tls is DISABLE, but the workloads of service 'web' take only mTLS on ports 8080, 9090 (STRICT): connections would be refused, use ClientTls.istioMutual() or leave tls out (auto mTLS)",
    ]);
  });

  test('fails on ISTIO_MUTUAL to a DISABLE port', () => {
    const mesh = openMesh();
    const web = newService(mesh, 'web', ['v1'], { ports: [{ port: 8080, protocol: Protocol.HTTP }, { port: 8081, protocol: Protocol.HTTP }], tls: ClientTls.istioMutual() });
    new MtlsPolicy(mesh, 'web-mtls', { scope: PolicyScope.workload(web), mode: MtlsMode.STRICT, portOverrides: [{ port: 8081, mode: MtlsMode.DISABLE }] });

    expect(synthErrors(mesh)).toEqual([
      "[mesh/web] [MESH1069] tls is ISTIO_MUTUAL, but port 8081 of service 'web' has mTLS DISABLE: its proxy would hand the TLS to the application, use ClientTls.disable() for the port or enable mTLS on it",
    ]);
  });

  test('a port policy that fixes the conflict is no conflict; PERMISSIVE takes both', () => {
    const mesh = openMesh();
    const web = newService(mesh, 'web', ['v1'], {
      ports: [{ port: 8080, protocol: Protocol.HTTP }, { port: 8081, protocol: Protocol.HTTP }],
      tls: ClientTls.istioMutual(),
      portPolicies: [{ port: 8081, tls: ClientTls.disable() }],
    });
    new MtlsPolicy(mesh, 'web-mtls', { scope: PolicyScope.workload(web), mode: MtlsMode.STRICT, portOverrides: [{ port: 8081, mode: MtlsMode.DISABLE }] });
    const legacy = newService(mesh, 'legacy', ['v1'], { tls: ClientTls.disable() });
    new MtlsPolicy(mesh, 'legacy-mtls', { scope: PolicyScope.workload(legacy), mode: MtlsMode.PERMISSIVE });

    expect(synthErrors(mesh)).toEqual([]);
  });
});

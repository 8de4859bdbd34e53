import { EgressGateway, ExternalService, IngressGateway, IngressGatewayProps, MeshTesting, Protocol } from '../../src';
import { validateManifests } from '../support/schemas';
import { openMesh, newService, synthErrors } from '../support/util';

/** An ingress gateway routing its hosts to a service, so that only its listeners' problems are reported. */
function gateway(mesh: any, props: IngressGatewayProps): void {
  new IngressGateway(mesh, 'gw', props).addRoute({ service: newService(mesh, 'web') });
}

describe('Protocol', () => {
  test('one vocabulary, rendered as each field expects it: lowercase on service ports, upper case on Gateway servers and ServiceEntry ports', () => {
    // GIVEN HTTPS and TLS at each kind of port that takes them
    const mesh = openMesh();
    const web = newService(mesh, 'web', ['v1'], { ports: [{ port: 80 }, { port: 443, protocol: Protocol.TLS }] });
    new IngressGateway(mesh, 'edge', { listeners: [{ port: 443, protocol: Protocol.HTTPS, credentialName: 'edge-tls' }, { port: 9443, protocol: Protocol.TLS }] }).addRoute({ service: web });
    new ExternalService(mesh, 'api', { hosts: ['api.example.com'], ports: [{ port: 443, protocol: Protocol.HTTPS }, { port: 8443, protocol: Protocol.TLS }] });
    // WHEN
    const manifests = MeshTesting.synth(mesh);
    // THEN
    expect(MeshTesting.find(manifests, 'Service', 'web').spec.ports.map((p: any) => [p.name, p.appProtocol])).toEqual([['http', 'http'], ['tls', 'tls']]);
    expect(MeshTesting.find(manifests, 'Gateway', 'edge', 'istio-ingress').spec.servers.map((s: any) => s.port)).toEqual([
      { number: 443, name: 'https-443', protocol: 'HTTPS' },
      { number: 9443, name: 'tls-9443', protocol: 'TLS' },
    ]);
    expect(MeshTesting.find(manifests, 'ServiceEntry', 'api').spec.ports).toEqual([
      { number: 443, name: 'https-443', protocol: 'HTTPS' },
      { number: 8443, name: 'tls-8443', protocol: 'TLS' },
    ]);
    expect(validateManifests(manifests)).toEqual([]);
  });

  test('a service port takes HTTPS, which Istio carries as TLS', () => {
    // GIVEN
    const mesh = openMesh();
    // WHEN
    newService(mesh, 'web', ['v1'], { ports: [{ port: 8443, protocol: Protocol.HTTPS }] });
    // THEN
    expect(synthErrors(mesh)).toEqual([]);
    const port = MeshTesting.find(MeshTesting.synth(mesh), 'Service', 'web').spec.ports[0];
    expect([port.name, port.appProtocol]).toEqual(['https', 'https']);
  });

  test('an external service takes every protocol', () => {
    // GIVEN
    const mesh = openMesh();
    // WHEN
    new ExternalService(mesh, 'all', { hosts: ['all.example.com'], ports: Object.values(Protocol).map((protocol, i) => ({ port: 9000 + i, protocol })) });
    // THEN
    expect(synthErrors(mesh)).toEqual([]);
    expect(MeshTesting.find(MeshTesting.synth(mesh), 'ServiceEntry', 'all').spec.ports.map((p: any) => p.protocol)).toEqual(['HTTP', 'HTTP2', 'GRPC', 'TCP', 'TLS', 'HTTPS']);
  });

  test.each([
    ['a service port with a value from JavaScript', (mesh: any) => newService(mesh, 'web', ['v1'], { ports: [{ port: 53, protocol: 'udp' as Protocol }] }),
      "[mesh/web] [MESH0120] port 53 protocol 'udp' is not a protocol of service ports: use Protocol.HTTP, Protocol.HTTP2, Protocol.GRPC, Protocol.TCP, Protocol.TLS or Protocol.HTTPS"],
    ['a gateway listener GRPC', (mesh: any) => gateway(mesh, { listeners: [{ port: 9090, protocol: Protocol.GRPC }] }),
      "[mesh/gw] [MESH0120] listener 9090 protocol 'grpc' is not a protocol of gateway listeners: use Protocol.HTTP, Protocol.HTTPS, Protocol.TLS or Protocol.TCP"],
    ['a gateway listener SCTP-like value with a credentialName (judged once)', (mesh: any) => gateway(mesh, { listeners: [{ port: 5432, protocol: 'sctp' as Protocol, credentialName: 'db-tls' }] }),
      "[mesh/gw] [MESH0120] listener 5432 protocol 'sctp' is not a protocol of gateway listeners: use Protocol.HTTP, Protocol.HTTPS, Protocol.TLS or Protocol.TCP"],
    ['a gateway listener with the upper-case value of the former GatewayProtocol', (mesh: any) => gateway(mesh, { listeners: [{ port: 80, protocol: 'HTTP' as Protocol }] }),
      "[mesh/gw] [MESH0120] listener 80 protocol 'HTTP' is not a protocol of gateway listeners: use Protocol.HTTP, Protocol.HTTPS, Protocol.TLS or Protocol.TCP"],
    ['an external port with a value from JavaScript', (mesh: any) => new ExternalService(mesh, 'ext', { hosts: ['a.example'], ports: [{ port: 443, protocol: 'HTTPS' as Protocol }] }),
      "[mesh/ext] [MESH0120] port 443 protocol 'HTTPS' is not a protocol of external service ports: use Protocol.HTTP, Protocol.HTTP2, Protocol.GRPC, Protocol.TCP, Protocol.TLS or Protocol.HTTPS"],
    ['an external port with a value from JavaScript, through an egress gateway (judged once)',
      (mesh: any) => new ExternalService(mesh, 'ext', { hosts: ['a.example'], ports: [{ port: 53, protocol: 'udp' as Protocol }], egressGateway: new EgressGateway(mesh, 'egress') }),
      "[mesh/ext] [MESH0120] port 53 protocol 'udp' is not a protocol of external service ports: use Protocol.HTTP, Protocol.HTTP2, Protocol.GRPC, Protocol.TCP, Protocol.TLS or Protocol.HTTPS"],
  ])('fails on %s', (_, make, message) => {
    // GIVEN
    const mesh = openMesh();
    // WHEN
    make(mesh);
    // THEN
    expect(synthErrors(mesh)).toEqual([message]);
  });
});

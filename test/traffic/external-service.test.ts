import { EgressGateway, ExternalProtocol, ExternalService, MeshTesting } from '../../src';
import { newMesh } from '../support/util';

describe('ExternalService', () => {
  test('an external service the mesh knows (a ServiceEntry)', () => {
    const mesh = newMesh();
    new ExternalService(mesh, 'payments', { hosts: ['api.payments.example'], ports: [{ port: 443 }, { port: 80, protocol: ExternalProtocol.HTTP }] });
    const entry = MeshTesting.find(MeshTesting.synth(mesh), 'ServiceEntry', 'payments');
    expect(entry.spec).toEqual({
      hosts: ['api.payments.example'],
      location: 'MESH_EXTERNAL',
      resolution: 'DNS',
      ports: [{ number: 443, name: 'https-443', protocol: 'HTTPS' }, { number: 80, name: 'http-80', protocol: 'HTTP' }],
    });
  });

  test.each([
    [{ hosts: [] }, "[MESH0130] mesh/ext: hosts is empty: list the service's host names, e.g. ['api.example.com']"],
    [{ hosts: ['*.example.com'] }, "[MESH0131] mesh/ext: host '*.example.com' is a wildcard, which DNS cannot resolve: use resolution NONE, or list the host names"],
    [{ hosts: ['a.example'], ports: [{ port: 5432, protocol: ExternalProtocol.TCP }], egress: true }, '[MESH0133] mesh/ext: port 5432 is TCP, which an egress gateway cannot route by host: use HTTP, HTTPS or TLS, or call it directly'],
    [{ hosts: ['a.example'], ports: [{ port: 8443 }], egress: true }, "[MESH0133] mesh/ext: egress gateway 'egress' has no TLS listener on port 8443: add one to its listeners"],
  ])('fails on %j', (props: any, message) => {
    const mesh = newMesh();
    const egressGateway = props.egress ? new EgressGateway(mesh, 'egress') : undefined;
    expect(() => new ExternalService(mesh, 'ext', { ...props, egressGateway })).toThrow(message);
  });

  test('fails on an egress gateway of another mesh', () => {
    const egressGateway = new EgressGateway(newMesh(), 'egress');
    expect(() => new ExternalService(newMesh(), 'ext', { hosts: ['a.example'], egressGateway }))
      .toThrow('[MESH0132] mesh/ext: egress gateway mesh/egress belongs to another mesh: use one of this mesh\'s gateways');
  });
});

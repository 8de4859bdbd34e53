import { EgressGateway, ExternalService, MeshTesting, Protocol } from '../../src';
import { newMesh, synthErrors } from '../support/util';

describe('ExternalService', () => {
  test('an external service the mesh knows (a ServiceEntry)', () => {
    const mesh = newMesh();
    const ext = new ExternalService(mesh, 'payments', { hosts: ['api.payments.example'], ports: [{ port: 443 }, { port: 80, protocol: Protocol.HTTP }] });
    const entry = MeshTesting.find(MeshTesting.synth(mesh), 'ServiceEntry', 'payments');
    expect([ext.resource.kind, ext.resource.name]).toEqual(['ServiceEntry', 'payments']);
    expect(ext.ports).toEqual([{ port: 443, protocol: Protocol.HTTPS }, { port: 80, protocol: Protocol.HTTP }]);
    expect(entry.spec).toEqual({
      hosts: ['api.payments.example'],
      location: 'MESH_EXTERNAL',
      resolution: 'DNS',
      ports: [{ number: 443, name: 'https-443', protocol: 'HTTPS' }, { number: 80, name: 'http-80', protocol: 'HTTP' }],
    });
  });

  test.each([
    [{ hosts: [] }, "[mesh/ext] [MESH0130] hosts is empty: list the service's host names, e.g. ['api.example.com']"],
    [{ hosts: ['api example'] }, "[mesh/ext] [MESH0130] host 'api example' is not a host name: use 'api.example.com' (or '*.example.com' with resolution NONE)"],
    [{ hosts: ['a.example'], ports: [] }, '[mesh/ext] [MESH0130] ports is empty: list at least one, e.g. { port: 443, protocol: Protocol.HTTPS }'],
    [{ hosts: ['*.example.com'] }, "[mesh/ext] [MESH0131] host '*.example.com' is a wildcard, which DNS cannot resolve: use resolution NONE, or list the host names"],
    [{ hosts: ['a.example'], ports: [{ port: 5432, protocol: Protocol.TCP }], egress: true }, '[mesh/ext] [MESH0133] port 5432 is TCP, which an egress gateway cannot route by host: use HTTP, HTTPS or TLS, or call it directly'],
    [{ hosts: ['a.example'], ports: [{ port: 8443 }], egress: true }, "[mesh/ext] [MESH0133] egress gateway 'egress' has no TLS listener on port 8443: add one to its listeners"],
    [{ hosts: undefined }, "[mesh/ext] [MESH0006] hosts is missing: list the service's host names, e.g. ['api.example.com']"],
  ])('fails on %j', (props: any, message) => {
    // GIVEN
    const mesh = newMesh();
    const egressGateway = props.egress ? new EgressGateway(mesh, 'egress') : undefined;

    // WHEN
    new ExternalService(mesh, 'ext', { ...props, egressGateway });

    // THEN
    expect(synthErrors(mesh)).toEqual([message]);
  });

  test('fails on an egress gateway of another mesh, and does not route through it', () => {
    // GIVEN
    const egressGateway = new EgressGateway(newMesh(), 'egress');
    const mesh = newMesh();

    // WHEN
    const ext = new ExternalService(mesh, 'ext', { hosts: ['a.example'], egressGateway });

    // THEN
    expect(synthErrors(mesh)).toEqual(['[mesh/ext] [MESH0132] egress gateway mesh/egress belongs to another mesh: use one of this mesh\'s gateways']);
    expect(ext.egressGateway).toBeUndefined();
    expect(egressGateway.externalServices).toEqual([]);
  });

  test('fails on every mistake of an external service at once, and leaves out the bad hosts', () => {
    // GIVEN
    const mesh = newMesh();
    const egressGateway = new EgressGateway(mesh, 'egress');

    // WHEN a host that is not one, a wildcard with DNS, and two ports the gateway cannot route
    const ext = new ExternalService(mesh, 'ext', {
      hosts: ['api example', '*.example.com', 'a.example'],
      ports: [{ port: 5432, protocol: Protocol.TCP }, { port: 8443 }, { port: 443 }],
      egressGateway,
    });

    // THEN every one is reported, and the service still routes through the gateway
    expect(synthErrors(mesh)).toEqual([
      "[mesh/ext] [MESH0130] host 'api example' is not a host name: use 'api.example.com' (or '*.example.com' with resolution NONE)",
      "[mesh/ext] [MESH0131] host '*.example.com' is a wildcard, which DNS cannot resolve: use resolution NONE, or list the host names",
      '[mesh/ext] [MESH0133] port 5432 is TCP, which an egress gateway cannot route by host: use HTTP, HTTPS or TLS, or call it directly',
      "[mesh/ext] [MESH0133] egress gateway 'egress' has no TLS listener on port 8443: add one to its listeners",
    ]);
    expect(ext.hosts).toEqual(['a.example']);
    expect(egressGateway.externalServices).toEqual([ext]);
  });
});

import { EgressGateway, ExternalService, MeshTesting, Protocol, Severity } from '../../src';
import { validateManifests } from '../support/schemas';
import { newMesh, synthErrors } from '../support/util';

describe('EgressGateway', () => {
  test('calls through an egress gateway: two hops, the gateway serving exactly the routed hosts', () => {
    // GIVEN
    const mesh = newMesh();
    const egress = new EgressGateway(mesh, 'egress');
    const ext = new ExternalService(mesh, 'payments', { hosts: ['api.payments.example'], egressGateway: egress });
    // WHEN
    const manifests = MeshTesting.synth(mesh);
    // THEN
    expect(egress.namespace).toEqual('istio-system');
    expect(egress.externalServices).toEqual([ext]);
    expect(MeshTesting.find(manifests, 'Service', 'egress').spec.type).toEqual('ClusterIP');
    expect(MeshTesting.find(manifests, 'Gateway', 'egress').spec.servers).toEqual([
      { port: { number: 443, name: 'tls-443', protocol: 'TLS' }, hosts: ['api.payments.example'], tls: { mode: 'PASSTHROUGH' } },
    ]);
    expect(MeshTesting.find(manifests, 'VirtualService', 'payments-egress').spec).toEqual({
      hosts: ['api.payments.example'],
      gateways: ['mesh', 'istio-system/egress'],
      tls: [
        { match: [{ gateways: ['mesh'], port: 443, sniHosts: ['api.payments.example'] }], route: [{ destination: { host: 'egress.istio-system.svc.cluster.local', port: { number: 443 } } }] },
        { match: [{ gateways: ['istio-system/egress'], port: 443, sniHosts: ['api.payments.example'] }], route: [{ destination: { host: 'api.payments.example', port: { number: 443 } } }] },
      ],
    });
    expect(MeshTesting.find(manifests, 'AuthorizationPolicy', 'egress').spec.rules).toEqual([{ from: [{ source: { principals: ['*'] } }] }]);
    expect(validateManifests(manifests)).toEqual([]);
  });

  test('HTTP through the egress gateway is routed by authority', () => {
    const mesh = newMesh();
    const egress = new EgressGateway(mesh, 'egress');
    new ExternalService(mesh, 'legacy', { hosts: ['legacy.example'], ports: [{ port: 80, protocol: Protocol.HTTP }], egressGateway: egress });
    const spec = MeshTesting.find(MeshTesting.synth(mesh), 'VirtualService', 'legacy-egress').spec;
    expect(spec.http[0].match).toEqual([{ gateways: ['mesh'], port: 80, authority: { exact: 'legacy.example' } }]);
    expect(spec.tls).toBeUndefined();
  });

  test('warns about an egress gateway that routes nothing', () => {
    const mesh = newMesh();
    new EgressGateway(mesh, 'egress');
    expect(mesh.analyze().map(f => [f.code, f.severity, f.path, f.message])).toEqual([
      ['MESH0128', Severity.WARNING, 'mesh/egress', "egress gateway routes no external service: route one through it with ExternalService's egressGateway, or remove the gateway"],
    ]);
  });

  test('fails on several invalid props, reporting every one', () => {
    // GIVEN an egress gateway with three mistakes
    const mesh = newMesh();
    new EgressGateway(mesh, 'egress', {
      replicas: 1.5,
      listeners: [{ port: 443, protocol: Protocol.TLS, credentialName: 'tls' }, { port: 70000, protocol: Protocol.TLS }],
    });
    // THEN
    expect(synthErrors(mesh)).toEqual([
      '[mesh/egress] [MESH0123] TLS listener 443 has a credentialName, which only HTTPS listeners use: drop it or make the listener HTTPS',
      '[mesh/egress] [MESH0003] listener port 70000 is out of range: use a whole number from 1 to 65535',
      '[mesh/egress] [MESH0121] replicas 1.5 is invalid: use a whole number of at least 0',
    ]);
  });

  test('fails on empty listeners once: the default listeners stand in, so routes through the gateway are not reported too', () => {
    // GIVEN an egress gateway without listeners, and an external service routed through it
    const mesh = newMesh();
    const egress = new EgressGateway(mesh, 'egress', { listeners: [] });
    new ExternalService(mesh, 'payments', { hosts: ['api.payments.example'], egressGateway: egress });
    // THEN
    expect(synthErrors(mesh)).toEqual(['[mesh/egress] [MESH0122] listeners is empty: a gateway needs at least one, e.g. { port: 80 }']);
  });

});


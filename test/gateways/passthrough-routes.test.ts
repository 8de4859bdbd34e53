import { IngressGateway, MeshTesting, Protocol, RoutingApi, TrafficSplit, TrafficTarget } from '../../src';
import { synthChecked } from '../gateway-api/gateway-api-schemas';
import { newService, openMesh, synthErrors } from '../support/util';

const DB_HOST = 'db.default.svc.cluster.local';

/** A database with a TLS port in two versions, behind a gateway's passthrough listener for db.example.com. */
function passthrough(routingApi = RoutingApi.ISTIO) {
  const mesh = openMesh({ routingApi });
  const db = newService(mesh, 'db', ['v1', 'v2'], { ports: [{ port: 5433, protocol: Protocol.TLS }] });
  const gw = new IngressGateway(mesh, 'gw', { listeners: [{ port: 443, protocol: Protocol.TLS, hosts: ['db.example.com'] }] });
  return { mesh, db, gw };
}

describe('TLS passthrough routes at the ingress', () => {
  test('an SNI route renders the VirtualService tls section, bound to the gateway', () => {
    const { mesh, db, gw } = passthrough();
    gw.addTlsRoute({ hosts: ['db.example.com'], service: db });
    const vs = MeshTesting.find(MeshTesting.synth(mesh), 'VirtualService', 'gw-streams', 'istio-ingress');
    expect(vs.spec).toEqual({
      hosts: ['db.example.com'],
      gateways: ['istio-ingress/gw'],
      tls: [{ match: [{ port: 443, sniHosts: ['db.example.com'] }], route: [{ destination: { host: DB_HOST, port: { number: 5433 } } }] }],
    });
    expect(synthErrors(mesh)).toEqual([]);
  });

  test('the route goes through the service\'s TLS canary; a canary with caller conditions is skipped', () => {
    // GIVEN
    const { mesh, db, gw } = passthrough();
    const api = newService(mesh, 'api', ['v1'], { namespace: 'shop' });
    new TrafficSplit(mesh, 'split', {
      service: db,
      tlsRoutes: [
        { sourceService: api, targets: [TrafficTarget.version('v2')] },
        { targets: [TrafficTarget.version('v1', 80), TrafficTarget.version('v2', 20)] },
      ],
    });
    // WHEN
    gw.addTlsRoute({ hosts: ['db.example.com'], service: db });
    const vs = MeshTesting.find(MeshTesting.synth(mesh), 'VirtualService', 'gw-streams', 'istio-ingress');
    // THEN
    expect(vs.spec.tls).toEqual([{
      match: [{ port: 443, sniHosts: ['db.example.com'] }],
      route: [
        { destination: { host: DB_HOST, subset: 'v1', port: { number: 5433 } }, weight: 80 },
        { destination: { host: DB_HOST, subset: 'v2', port: { number: 5433 } }, weight: 20 },
      ],
    }]);
    expect(synthErrors(mesh)).toEqual([]);
  });

  test('without a canary that takes every connection, the route goes to the service', () => {
    const { mesh, db, gw } = passthrough();
    const api = newService(mesh, 'api', ['v1'], { namespace: 'shop' });
    new TrafficSplit(mesh, 'split', { service: db, tlsRoutes: [{ sourceService: api, targets: [TrafficTarget.version('v2')] }] });
    gw.addTlsRoute({ hosts: ['db.example.com'], service: db });
    expect(gw._tlsRules()[0].backends).toEqual([{ service: db, port: 5433 }]);
  });

  test('with the Gateway API, the TLSRoute on the Passthrough listener carries the canary', () => {
    // GIVEN
    const { mesh, db, gw } = passthrough(RoutingApi.GATEWAY_API);
    new TrafficSplit(mesh, 'split', { service: db, tlsRoutes: [{ targets: [TrafficTarget.version('v1', 80), TrafficTarget.version('v2', 20)] }] });
    // WHEN
    gw.addTlsRoute({ hosts: ['db.example.com'], service: db });
    const objects = synthChecked(mesh.charts);
    // THEN
    const gateway = objects.find(o => o.kind === 'Gateway' && o.metadata.name === 'gw');
    expect(gateway.spec.listeners).toEqual([{ name: 'tls-443', port: 443, protocol: 'TLS', hostname: 'db.example.com', tls: { mode: 'Passthrough' } }]);
    expect(objects.find(o => o.kind === 'TLSRoute' && o.metadata.name === 'gw-tls-0').spec).toEqual({
      parentRefs: [{ group: 'gateway.networking.k8s.io', kind: 'Gateway', name: 'gw', sectionName: 'tls-443' }],
      hostnames: ['db.example.com'],
      rules: [{
        backendRefs: [
          { group: '', kind: 'Service', name: 'db-v1', namespace: 'default', port: 5433, weight: 80 },
          { group: '', kind: 'Service', name: 'db-v2', namespace: 'default', port: 5433, weight: 20 },
        ],
      }],
    });
    expect(synthErrors(mesh)).toEqual([]);
  });
});

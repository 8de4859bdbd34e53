import { EgressGateway, EgressScope, ExternalService, MeshTesting, OutboundTrafficPolicy } from '../../src';
import { validateManifests } from '../support/schemas';
import { newMesh, newService } from '../support/util';

describe('EgressScope', () => {
  test('a service may reach only what is listed; everything else is refused (REGISTRY_ONLY)', () => {
    // GIVEN a frontend that may call the API, one external service, and the telemetry namespace
    const mesh = newMesh();
    const web = newService(mesh, 'web', ['v1'], { namespace: 'shop' });
    const api = newService(mesh, 'api', ['v1'], { namespace: 'backend' });
    const egress = new EgressGateway(mesh, 'egress');
    const payments = new ExternalService(mesh, 'payments', { hosts: ['api.payments.example'], egressGateway: egress });
    // WHEN
    new EgressScope(mesh, 'web-egress', { service: web, allowServices: [api], allowExternal: [payments], allowHosts: ['istio-system/*'] });
    const manifests = MeshTesting.synth(mesh);
    // THEN
    expect(MeshTesting.find(manifests, 'Sidecar', 'web-egress', 'shop').spec).toEqual({
      workloadSelector: { labels: { app: 'web' } },
      egress: [{ hosts: ['backend/api.backend.svc.cluster.local', 'default/api.payments.example', 'istio-system/egress.istio-system.svc.cluster.local', 'istio-system/*'] }],
      outboundTrafficPolicy: { mode: 'REGISTRY_ONLY' },
    });
    expect(validateManifests(manifests)).toEqual([]);
  });

  test('a whole namespace, allowing unknown hosts', () => {
    const mesh = newMesh();
    const scope = new EgressScope(mesh, 'ns', { namespace: 'batch', outboundTrafficPolicy: OutboundTrafficPolicy.ALLOW_ANY });
    scope.allowHost('./*');
    const spec = MeshTesting.find(MeshTesting.synth(mesh), 'Sidecar', 'default', 'batch').spec;
    expect(spec).toEqual({ egress: [{ hosts: ['./*'] }], outboundTrafficPolicy: { mode: 'ALLOW_ANY' } });
  });

  test('with nothing listed, only the control plane\'s namespace', () => {
    const mesh = newMesh();
    new EgressScope(mesh, 'locked');
    expect(MeshTesting.find(MeshTesting.synth(mesh), 'Sidecar', 'default', 'default').spec.egress).toEqual([{ hosts: ['istio-system/*'] }]);
  });

  test.each([
    [(m: any) => new EgressScope(m, 'x', { allowHosts: ['api.example.com'] }), "[MESH0141] mesh/x: host 'api.example.com' is not '<namespace>/<host>': use e.g. 'istio-system/*', './*' or 'shop/api.shop.svc.cluster.local'"],
    [(m: any) => new EgressScope(m, 'x', { service: newService(m, 'web'), namespace: 'other' }), "[MESH0140] mesh/x: service 'web' is in namespace 'default', not 'other': drop namespace, it follows the service"],
  ])('fails on bad input (%#)', (make, message) => {
    expect(() => make(newMesh())).toThrow(message);
  });
});


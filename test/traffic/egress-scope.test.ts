import { EgressGateway, EgressScope, ExternalService, MeshTesting, OutboundTrafficPolicy } from '../../src';
import { validateManifests } from '../support/schemas';
import { newMesh, newService, synthErrors } from '../support/util';

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
    [(m: any) => new EgressScope(m, 'x', { allowHosts: ['api.example.com'] }), "[mesh/x] [MESH0141] host 'api.example.com' is not '<namespace>/<host>': use e.g. 'istio-system/*', './*' or 'shop/api.shop.svc.cluster.local'"],
    [(m: any) => new EgressScope(m, 'x', { service: newService(m, 'web'), namespace: 'other' }), "[mesh/x] [MESH0140] service 'web' is in namespace 'default', not 'other': drop namespace, it follows the service"],
    [(m: any) => new EgressScope(m, 'x', { namespace: 'Batch' }), "[mesh/x] [MESH0001] namespace 'Batch' is not a valid DNS label: use at most 63 lowercase letters, digits and '-', starting and ending with a letter or digit"],
    [(m: any) => new EgressScope(m, 'x').allowHost('*'), "[mesh/x] [MESH0141] host '*' is not '<namespace>/<host>': use e.g. 'istio-system/*', './*' or 'shop/api.shop.svc.cluster.local'"],
  ])('fails on bad input (%#)', (make, message) => {
    // GIVEN
    const mesh = newMesh();

    // WHEN
    make(mesh);

    // THEN
    expect(synthErrors(mesh)).toEqual([message]);
  });

  test('fails on every mistake of a scope at once, and leaves out the bad hosts', () => {
    // GIVEN
    const mesh = newMesh();
    const web = newService(mesh, 'web', ['v1'], { namespace: 'shop' });

    // WHEN a namespace that is not the service's, and two hosts not in Istio's form
    const scope = new EgressScope(mesh, 'x', { service: web, namespace: 'other', allowHosts: ['api.example.com', 'istio-system/*'] });
    scope.allowHost('*');

    // THEN
    expect(synthErrors(mesh)).toEqual([
      "[mesh/x] [MESH0140] service 'web' is in namespace 'shop', not 'other': drop namespace, it follows the service",
      "[mesh/x] [MESH0141] host 'api.example.com' is not '<namespace>/<host>': use e.g. 'istio-system/*', './*' or 'shop/api.shop.svc.cluster.local'",
      "[mesh/x] [MESH0141] host '*' is not '<namespace>/<host>': use e.g. 'istio-system/*', './*' or 'shop/api.shop.svc.cluster.local'",
    ]);
    expect(scope.namespace).toEqual('shop');
    expect(scope.resource.toJson().spec.egress).toEqual([{ hosts: ['istio-system/*'] }]);
  });

  test('a wrong default namespace is reported by the mesh, not again by the scopes and external services in it', () => {
    const mesh = newMesh({ defaultNamespace: '-apps' });
    new EgressScope(mesh, 'x');
    new ExternalService(mesh, 'ext', { hosts: ['a.example'] });
    expect(synthErrors(mesh)).toEqual(["[mesh] [MESH0001] defaultNamespace '-apps' is not a valid DNS label: use at most 63 lowercase letters, digits and '-', starting and ending with a letter or digit"]);
  });
});

import { EgressGateway, EgressScope, ExternalService, MeshTesting, OutboundTrafficPolicy, Protocol, RoutingApi, TelemetryStack, TracingBackend, TrafficSplit, TrafficTarget } from '../../src';
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

describe('EgressScope with the Gateway API', () => {
  test('a service allowed lets the caller reach the Services its versions are routed through', () => {
    // GIVEN web, scoped to the API, whose split the Gateway API routes through per-version Services
    const mesh = newMesh({ denyByDefault: false, routingApi: RoutingApi.GATEWAY_API });
    const web = newService(mesh, 'web', ['v1'], { namespace: 'shop' });
    const api = newService(mesh, 'api', ['v1', 'v2'], { namespace: 'backend' });
    new TrafficSplit(mesh, 'api-routes', { service: api, routes: [{ targets: [TrafficTarget.version('v1', 90), TrafficTarget.version('v2', 10)] }] });
    new EgressScope(mesh, 'web-egress', { service: web, allowServices: [api] });
    // WHEN
    const manifests = MeshTesting.synth(mesh);
    // THEN the HTTPRoute sends to api-v1 and api-v2, and web's proxy is told of both (else it has no cluster for them)
    const route = manifests.find(m => m.kind === 'HTTPRoute' && m.metadata.name === 'api');
    expect(route.spec.rules[0].backendRefs.map((b: any) => b.name)).toEqual(['api-v1', 'api-v2']);
    const sidecar = manifests.find(m => m.kind === 'Sidecar' && m.metadata.name === 'web-egress');
    expect(sidecar.spec.egress[0].hosts).toEqual([
      'backend/api.backend.svc.cluster.local', 'backend/api-v1.backend.svc.cluster.local', 'backend/api-v2.backend.svc.cluster.local',
    ]);
    expect(synthErrors(mesh)).toEqual([]);
    expect(validateManifests(manifests)).toEqual([]);
  });

  describe('the endpoints the mesh itself needs', () => {
    test('warns of a scope that leaves out the tracing collector, naming the host and the fix', () => {
      // GIVEN the stack's Jaeger in 'observability'
      const mesh = newMesh();
      new TelemetryStack(mesh, 'telemetry', { namespace: 'observability', tracing: TracingBackend.jaeger() });
      const web = newService(mesh, 'web');

      // WHEN one scope leaves the collector out, one lists its namespace, one its host
      new EgressScope(mesh, 'web-egress', { service: web, allowHosts: ['istio-system/*'] });
      new EgressScope(mesh, 'batch', { namespace: 'batch', allowHosts: ['observability/*'] });
      new EgressScope(mesh, 'jobs', { namespace: 'jobs', allowHosts: ['observability/jaeger-collector.observability.svc.cluster.local'] });

      // THEN
      expect(mesh.analyze().filter(f => f.code === 'MESH1089').map(f => `[${f.path}] ${f.message}`)).toEqual([
        "[mesh/web-egress] the Sidecar leaves out host 'jaeger-collector.observability.svc.cluster.local' of the mesh's tracing provider 'jaeger', "
          + "so its proxies cannot reach it (spans or logs are dropped): add allowHosts: ['observability/jaeger-collector.observability.svc.cluster.local'] (or 'observability/*')",
      ]);
    });

    test('a collector outside the cluster is told by its ExternalService; a scope with nothing listed keeps the root namespace', () => {
      // GIVEN
      const mesh = newMesh();
      new TelemetryStack(mesh, 'telemetry', { tracing: TracingBackend.openTelemetry({ host: 'otel.example.com' }) });
      const otel = new ExternalService(mesh, 'otel', { hosts: ['otel.example.com'], ports: [{ port: 4317, protocol: Protocol.GRPC }] });

      // WHEN
      new EgressScope(mesh, 'locked', { namespace: 'locked' });
      new EgressScope(mesh, 'open', { namespace: 'open', allowExternal: [otel] });

      // THEN
      expect(mesh.analyze().filter(f => f.code === 'MESH1089').map(f => `[${f.path}] ${f.message}`)).toEqual([
        "[mesh/locked] the Sidecar leaves out host 'otel.example.com' of the mesh's tracing provider 'otel', "
          + "so its proxies cannot reach it (spans or logs are dropped): add allowHosts: ['default/otel.example.com'] (or 'default/*')",
      ]);
    });

    test('the Sidecars written for an external service\'s callers keep every namespace of the mesh, the collector\'s too', () => {
      // GIVEN
      const mesh = newMesh();
      new TelemetryStack(mesh, 'telemetry', { namespace: 'observability', tracing: TracingBackend.jaeger() });
      const payments = newService(mesh, 'payments');
      // WHEN
      new ExternalService(mesh, 'stripe', { hosts: ['api.stripe.com'], callers: [payments] });
      // THEN
      expect(mesh.analyze().filter(f => f.code === 'MESH1089')).toEqual([]);
      expect(MeshTesting.find(MeshTesting.synth(mesh), 'Sidecar', 'default', 'default').spec.egress[0].hosts).toContain('observability/*');
    });
  });
});

import { Duration } from 'cdk8s';
import { EgressGateway, EgressScope, ExternalService, MeshTesting, OutboundTrafficPolicy, RateLimit } from '../../src';
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

describe('RateLimit', () => {
  test('Envoy\'s local rate limit before the router of the service\'s inbound HTTP chain', () => {
    // GIVEN
    const mesh = newMesh();
    const api = newService(mesh, 'api');
    // WHEN
    new RateLimit(mesh, 'api-limit', { service: api, requests: 100, per: Duration.minutes(1), burst: 150 });
    const manifests = MeshTesting.synth(mesh);
    // THEN
    const filter = MeshTesting.find(manifests, 'EnvoyFilter', 'api-rate-limit', 'default');
    const [patch] = filter.spec.configPatches;
    expect(filter.spec.workloadSelector).toEqual({ labels: { app: 'api' } });
    expect(patch.applyTo).toEqual('HTTP_FILTER');
    expect(patch.match).toEqual({
      context: 'SIDECAR_INBOUND',
      listener: { filterChain: { filter: { name: 'envoy.filters.network.http_connection_manager', subFilter: { name: 'envoy.filters.http.router' } } } },
    });
    expect(patch.patch.operation).toEqual('INSERT_BEFORE');
    const config = patch.patch.value.typed_config;
    expect(config['@type']).toEqual('type.googleapis.com/envoy.extensions.filters.http.local_ratelimit.v3.LocalRateLimit');
    expect(config.token_bucket).toEqual({ max_tokens: 150, tokens_per_fill: 100, fill_interval: '60s' });
    expect(config.filter_enforced.default_value).toEqual({ numerator: 100, denominator: 'HUNDRED' });
    expect(validateManifests(manifests)).toEqual([]);
  });

  test('defaults: per minute, burst equal to the rate; sub-second windows in seconds', () => {
    const mesh = newMesh();
    const api = newService(mesh, 'api');
    new RateLimit(mesh, 'a', { service: api, requests: 10 });
    const bucket = (name: string) => MeshTesting.find(MeshTesting.synth(mesh), 'EnvoyFilter', name).spec.configPatches[0].patch.value.typed_config.token_bucket;
    expect(bucket('api-rate-limit')).toEqual({ max_tokens: 10, tokens_per_fill: 10, fill_interval: '60s' });
    const mesh2 = newMesh();
    new RateLimit(mesh2, 'b', { service: newService(mesh2, 'api'), requests: 5, per: Duration.millis(250) });
    expect(MeshTesting.find(MeshTesting.synth(mesh2), 'EnvoyFilter', 'api-rate-limit').spec.configPatches[0].patch.value.typed_config.token_bucket.fill_interval).toEqual('0.25s');
  });

  test.each([
    [{ requests: 0 }, '[MESH0151] mesh/rl: requests 0 is invalid: use a whole number of at least 1'],
    [{ requests: 10, burst: 1.5 }, '[MESH0151] mesh/rl: burst 1.5 is invalid: use a whole number of at least 1'],
    [{ requests: 10, per: Duration.millis(10) }, "[MESH0152] mesh/rl: per 10ms is shorter than Envoy's minimum refill interval of 50ms: use a longer window"],
  ])('fails on %j', (props, message) => {
    const mesh = newMesh();
    expect(() => new RateLimit(mesh, 'rl', { service: newService(mesh, 'api'), ...props })).toThrow(message);
  });
});

import { Duration } from 'cdk8s';
import { MeshTesting, RateLimit } from '../../src';
import { validateManifests } from '../support/schemas';
import { newMesh, newService, synthErrors } from '../support/util';

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
    [{ requests: 0 }, '[mesh/rl] [MESH0151] requests 0 is invalid: use a whole number of at least 1'],
    [{ requests: 10, burst: 1.5 }, '[mesh/rl] [MESH0151] burst 1.5 is invalid: use a whole number of at least 1'],
    [{ requests: 10, per: Duration.millis(10) }, "[mesh/rl] [MESH0152] per 10ms is shorter than Envoy's minimum refill interval of 50ms: use a longer window"],
    [{ requests: undefined }, '[mesh/rl] [MESH0006] requests is missing: give the requests allowed per window, e.g. 100'],
  ])('fails on %j', (props, message) => {
    // GIVEN
    const mesh = newMesh();

    // WHEN
    new RateLimit(mesh, 'rl', { service: newService(mesh, 'api'), ...props as any });

    // THEN
    expect(synthErrors(mesh)).toEqual([message]);
  });

  test('fails on a service of another mesh', () => {
    const mesh = newMesh();
    new RateLimit(mesh, 'rl', { service: newService(newMesh(), 'api'), requests: 1 });
    expect(synthErrors(mesh)).toEqual(["[mesh/rl] [MESH0150] service 'api' belongs to another mesh: limit a service of this mesh"]);
  });

  test('fails on every mistake of a rate limit at once', () => {
    // GIVEN
    const mesh = newMesh();
    const api = newService(newMesh(), 'api');

    // WHEN a service of another mesh, and a bad rate and window (the rate's default burst is not reported again)
    new RateLimit(mesh, 'rl', { service: api, requests: 0.5, per: Duration.millis(10) });

    // THEN
    expect(synthErrors(mesh)).toEqual([
      "[mesh/rl] [MESH0150] service 'api' belongs to another mesh: limit a service of this mesh",
      '[mesh/rl] [MESH0151] requests 0.5 is invalid: use a whole number of at least 1',
      "[mesh/rl] [MESH0152] per 10ms is shorter than Envoy's minimum refill interval of 50ms: use a longer window",
    ]);
  });

  test('fails on a rate limit without a service with a coded error, not a crash', () => {
    // nothing can stand in for the service, so this one still throws
    expect(() => new RateLimit(newMesh(), 'rl', { requests: 1 } as any)).toThrow('[MESH0006] mesh/rl: service is missing: name the service whose requests are limited');
  });
});

import { Duration } from 'cdk8s';
import { MeshTesting, RetryOn, RetryPolicy, RetryPolicyOptions, RoutingApi, TrafficSplit, TrafficTarget } from '../../src';
import { synthChecked } from '../gateway-api/gateway-api-schemas';
import { validateManifests } from '../support/schemas';
import { newMesh, newService, openMesh, synthErrors } from '../support/util';

describe('RetryPolicy', () => {
  test("every field of Istio's HTTPRetry", () => {
    // GIVEN
    const mesh = openMesh();

    // WHEN
    newService(mesh, 'api', ['v1'], {
      retries: RetryPolicy.of({
        attempts: 3,
        perTryTimeout: Duration.seconds(2),
        retryOn: [RetryOn.GATEWAY_ERROR, RetryOn.RESET_BEFORE_REQUEST, RetryOn.ENVOY_RATELIMITED, RetryOn.GRPC_UNAVAILABLE],
        retriableStatusCodes: [504, 409],
        backoff: Duration.millis(50),
        retryRemoteLocalities: true,
        retryIgnorePreviousHosts: false,
      }),
    });
    const manifests = MeshTesting.synth(mesh);

    // THEN the status codes follow the conditions in retryOn, sorted (istiod reads them as retriable-status-codes)
    expect(MeshTesting.find(manifests, 'VirtualService', 'api').spec.http[0].retries).toEqual({
      attempts: 3,
      perTryTimeout: '2s',
      retryOn: 'gateway-error,reset-before-request,envoy-ratelimited,unavailable,409,504',
      backoff: '50ms',
      retryRemoteLocalities: true,
      retryIgnorePreviousHosts: false,
    });
    expect(validateManifests(manifests)).toEqual([]);
  });

  test('reads back what it was given, with the defaults left unset', () => {
    const policy = RetryPolicy.of({ attempts: 2, retriableStatusCodes: [503, 502], backoff: Duration.millis(25), retryIgnorePreviousHosts: true });
    expect(policy.retriableStatusCodes).toEqual([502, 503]);
    expect(policy.backoff?.toMilliseconds()).toEqual(25);
    expect(policy.retryIgnorePreviousHosts).toBe(true);
    expect(policy.retryRemoteLocalities).toBeUndefined();
    expect(policy._toIstio()).toEqual({ attempts: 2, retryOn: '502,503', backoff: '25ms', retryIgnorePreviousHosts: true });
  });

  test.each<[string, RetryPolicyOptions, string]>([
    ['a status code above 599', { attempts: 1, retriableStatusCodes: [600] },
      '[MESH0836] RetryPolicy.of: retriableStatusCodes 600 is not an HTTP status code istiod takes: give a status code from 100 to 599 that HTTP defines, e.g. 503'],
    ['a status code HTTP does not define', { attempts: 1, retriableStatusCodes: [299] },
      '[MESH0836] RetryPolicy.of: retriableStatusCodes 299 is not an HTTP status code istiod takes: give a status code from 100 to 599 that HTTP defines, e.g. 503'],
    ['a fraction', { attempts: 1, retriableStatusCodes: [503.5] },
      '[MESH0836] RetryPolicy.of: retriableStatusCodes 503.5 is not an HTTP status code istiod takes: give a status code from 100 to 599 that HTTP defines, e.g. 503'],
    ['a status code twice', { attempts: 1, retriableStatusCodes: [503, 504, 503] },
      '[MESH0837] RetryPolicy.of: retriableStatusCodes lists 503 twice: list each status code once'],
    ['a status code retryOn lists', { attempts: 1, retryOn: ['503' as RetryOn], retriableStatusCodes: [503] },
      '[MESH0837] RetryPolicy.of: retriableStatusCodes lists 503 again after retryOn: list each status code once'],
    ['a backoff under 1ms', { attempts: 1, backoff: Duration.millis(0) },
      '[MESH0020] RetryPolicy.of: backoff 0ms is too short: use at least 1ms'],
    ['settings with attempts 0', { attempts: 0, backoff: Duration.millis(10), retryRemoteLocalities: false },
      '[MESH0838] RetryPolicy.of: attempts 0 disables retries, so backoff, retryRemoteLocalities would do nothing: drop them, or give at least 1 attempt'],
    ['status codes with attempts 0', { attempts: 0, retriableStatusCodes: [503] },
      '[MESH0838] RetryPolicy.of: attempts 0 disables retries, so retriableStatusCodes would do nothing: drop it, or give at least 1 attempt'],
  ])('fails on %s', (_what, options, message) => {
    expect(() => RetryPolicy.of(options)).toThrow(message);
  });

  test('takes every status code istiod takes, and none it refuses', () => {
    expect(RetryPolicy.of({ attempts: 1, retriableStatusCodes: [100, 429, 599 - 88] }).retriableStatusCodes).toEqual([100, 429, 511]);
    expect(() => RetryPolicy.of({ attempts: 1, retriableStatusCodes: [99] })).toThrow('MESH0836');
  });

  describe('the Gateway API', () => {
    function gatewayApiRetries(retries: RetryPolicy) {
      const mesh = newMesh({ denyByDefault: false, routingApi: RoutingApi.GATEWAY_API });
      const api = newService(mesh, 'api', ['v1']);
      new TrafficSplit(mesh, 'api-routes', { service: api, routes: [{ targets: [TrafficTarget.version('v1')], retries }] });
      return mesh;
    }

    test('attempts, backoff and codes: the status codes, and those a condition stands for', () => {
      // GIVEN
      const mesh = gatewayApiRetries(RetryPolicy.of({
        attempts: 4,
        backoff: Duration.millis(1500),
        retryOn: [RetryOn.GATEWAY_ERROR, RetryOn.CONNECT_FAILURE],
        retriableStatusCodes: [500, 503],
        retryIgnorePreviousHosts: true,
      }));

      // WHEN
      const objects = synthChecked(mesh.charts);

      // THEN
      const route = objects.find(o => o.kind === 'HTTPRoute' && o.metadata.name === 'api');
      expect(route.spec.rules[0].retry).toEqual({ attempts: 4, backoff: '1s500ms', codes: [500, 502, 503, 504] });
      expect(synthErrors(mesh)).toEqual([]);
    });

    test.each([
      ['retries to other localities', RetryPolicy.of({ attempts: 2, retryRemoteLocalities: true }), 'MESH0839',
        "route 1 retries to other localities (retryRemoteLocalities), which the Gateway API cannot express, so service 'api' cannot be routed with it: drop retryRemoteLocalities, or set the mesh's allowIstioApiFallback"],
      ['retries on hosts already tried', RetryPolicy.of({ attempts: 2, retryIgnorePreviousHosts: false }), 'MESH0839',
        "route 1 retries on the hosts already tried (retryIgnorePreviousHosts false), which the Gateway API cannot express, so service 'api' cannot be routed with it: drop retryIgnorePreviousHosts, or set the mesh's allowIstioApiFallback"],
      ['a status code below 400', RetryPolicy.of({ attempts: 2, retriableStatusCodes: [302, 503] }), 'MESH0839',
        "route 1 retries on status 302 (the Gateway API retries on 400 to 599), which the Gateway API cannot express, so service 'api' cannot be routed with it: retry on status codes from 400 to 599, or set the mesh's allowIstioApiFallback"],
      ['a condition without status codes', RetryPolicy.of({ attempts: 2, retryOn: [RetryOn.RESET_BEFORE_REQUEST] }), 'MESH0742',
        "route 1 retries on 'reset-before-request' (the Gateway API retries on status codes, and Istio adds connect-failure, refused-stream, unavailable and cancelled), which the Gateway API cannot express, "
        + "so service 'api' cannot be routed with it: retry on RetryOn.GATEWAY_ERROR, RetryOn.RETRIABLE_4XX, connect failures or refused streams only, or set the mesh's allowIstioApiFallback"],
    ])('fails on %s', (_what, retries, code, message) => {
      expect(synthErrors(gatewayApiRetries(retries))).toEqual([`[mesh/api-routes] [${code}] ${message}`]);
    });

    test("falls back to Istio's API with allowIstioApiFallback, keeping every field", () => {
      // GIVEN
      const mesh = newMesh({ denyByDefault: false, routingApi: RoutingApi.GATEWAY_API, allowIstioApiFallback: true });
      const api = newService(mesh, 'api', ['v1']);
      new TrafficSplit(mesh, 'api-routes', { service: api, routes: [{ targets: [TrafficTarget.version('v1')], retries: RetryPolicy.of({ attempts: 2, retryRemoteLocalities: true }) }] });

      // WHEN
      const objects = synthChecked(mesh.charts);

      // THEN
      expect(mesh.analyze().map(f => f.code)).toContain('MESH0745');
      expect(MeshTesting.find(objects, 'VirtualService', 'api').spec.http[0].retries).toEqual({ attempts: 2, retryRemoteLocalities: true });
    });
  });
});

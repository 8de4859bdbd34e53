import { ApiObject, Duration, JsonPatch, Testing } from 'cdk8s';
import {
  AccessPolicy, CircuitBreaker, IngressGateway, LoadBalancer, MeshService, MeshTesting, Overrides, Protocol, RateLimit, RetryPolicy, RoutingApi,
  ServiceTrafficPolicy, Timeout, TrafficSplit, TrafficTarget,
} from '../src';
import { newService, openMesh, synthErrors } from './support/util';
import * as gatewayApi from '../src/imports/gateway-api';
import * as istioExtensions from '../src/imports/istio-extensions';
import * as istioNetworking from '../src/imports/istio-networking';
import * as istioSecurity from '../src/imports/istio-security';
import * as istioTelemetry from '../src/imports/istio-telemetry';

/** A service with a DestinationRule (its circuit breaker) and a VirtualService (its timeout). */
function reviewsWithPolicy() {
  const mesh = openMesh();
  const reviews = newService(mesh, 'reviews', ['v1', 'v2']);
  new ServiceTrafficPolicy(mesh, 'reviews-traffic', {
    service: reviews,
    timeout: Timeout.of(Duration.seconds(2)),
    circuitBreaker: CircuitBreaker.of({ maxConnections: 10 }),
    loadBalancer: LoadBalancer.leastRequest(),
  });
  return { mesh, reviews };
}

const destinationRule = (mesh: any) => MeshTesting.find(MeshTesting.synth(mesh), 'DestinationRule', 'reviews');
const errorsOf = (mesh: any) => synthErrors(mesh).filter(e => /MESH09/.test(e));

describe('JSON patches on the objects the library writes', () => {
  test('a patch in Istio\'s spelling lands (the bindings used to drop it: they converted their spelling after the patches)', () => {
    // GIVEN
    const { mesh, reviews } = reviewsWithPolicy();

    // WHEN
    reviews.destinationRule!.addJsonPatch(JsonPatch.add('/spec/trafficPolicy/outlierDetection', { consecutive5xxErrors: 5 }));
    reviews.destinationRule!.addJsonPatch(JsonPatch.add('/spec/trafficPolicy/outlierDetection/interval', '10s'));

    // THEN
    expect(errorsOf(mesh)).toEqual([]);
    expect(destinationRule(mesh).spec.trafficPolicy.outlierDetection).toEqual({ consecutive5xxErrors: 5, interval: '10s' });
  });

  test('fails on the bindings\' spelling, naming Istio\'s', () => {
    // GIVEN
    const { mesh, reviews } = reviewsWithPolicy();

    // WHEN
    reviews.destinationRule!.addJsonPatch(JsonPatch.add('/spec/trafficPolicy/outlierDetection', { consecutive5XxErrors: 5 }));

    // THEN
    expect(errorsOf(mesh)).toEqual([
      '[mesh/reviews/DestinationRule] [MESH0900] field spec.trafficPolicy.outlierDetection.consecutive5XxErrors is not in the schema of '
      + 'DestinationRule networking.istio.io/v1: did you mean consecutive5xxErrors? Fields are written in Istio\'s YAML spelling',
    ]);
  });

  test('fails on a patch whose path is not there (replace, remove), with a coded error rather than a crash', () => {
    // GIVEN
    const { mesh, reviews } = reviewsWithPolicy();

    // WHEN
    reviews.destinationRule!.addJsonPatch(JsonPatch.replace('/spec/trafficPolicy/outlierDetection/interval', '10s'));
    reviews.destinationRule!.addJsonPatch(JsonPatch.remove('/spec/subsets/5'));
    reviews.virtualService!.addJsonPatch(JsonPatch.remove('/spec/http/1'));
    reviews.virtualService!.addJsonPatch(JsonPatch.add('/spec/http/3', {}));

    // THEN
    expect(errorsOf(mesh)).toEqual([
      // The DestinationRule comes before the VirtualService that uses it (make-before-break), so its problems are reported first.
      "[mesh/reviews/DestinationRule] [MESH0903] json patch replace /spec/trafficPolicy/outlierDetection/interval does not apply to DestinationRule 'reviews': "
      + 'there is no spec.trafficPolicy.outlierDetection (spec.trafficPolicy has connectionPool, loadBalancer)',
      "[mesh/reviews/DestinationRule] [MESH0903] json patch remove /spec/subsets/5 does not apply to DestinationRule 'reviews': "
      + 'there is no spec.subsets.5 (spec.subsets is a list of 2)',
      "[mesh/reviews/VirtualService] [MESH0903] json patch remove /spec/http/1 does not apply to VirtualService 'reviews': "
      + 'there is no spec.http.1 (spec.http is a list of 1)',
      "[mesh/reviews/VirtualService] [MESH0903] json patch add /spec/http/3 does not apply to VirtualService 'reviews': "
      + 'spec.http is a list of 1, so 3 is not an index to add at',
    ]);
    // the object alone (no validation first) throws the same coded error rather than cdk8s's serialization failure
    expect(() => reviews.destinationRule!.toJson()).toThrow(
      "[MESH0903] mesh/reviews/DestinationRule: json patch replace /spec/trafficPolicy/outlierDetection/interval does not apply to DestinationRule 'reviews'",
    );
  });

  test('patches apply before overrides, in the order they were made', () => {
    // GIVEN
    const { mesh, reviews } = reviewsWithPolicy();

    // WHEN
    Overrides.of(reviews.destinationRule!).set('spec.trafficPolicy.outlierDetection.consecutive5xxErrors', 7);
    reviews.destinationRule!.addJsonPatch(JsonPatch.add('/spec/trafficPolicy/outlierDetection', { consecutive5xxErrors: 5, interval: '5s' }));

    // THEN
    expect(destinationRule(mesh).spec.trafficPolicy.outlierDetection).toEqual({ consecutive5xxErrors: 7, interval: '5s' });
  });
});

describe('Overrides', () => {
  test('sets Istio\'s fields on a DestinationRule, making the objects on the way, beside what the library wrote', () => {
    // GIVEN
    const { mesh, reviews } = reviewsWithPolicy();

    // WHEN
    Overrides.of(reviews.destinationRule!)
      .set('spec.trafficPolicy.outlierDetection.consecutive5xxErrors', 5)
      .set('spec.trafficPolicy.outlierDetection.splitExternalLocalOriginErrors', true)
      .set('spec.trafficPolicy.connectionPool.http.h2UpgradePolicy', 'UPGRADE')
      .set('spec.exportTo', ['.']);

    // THEN
    expect(errorsOf(mesh)).toEqual([]);
    const spec = destinationRule(mesh).spec;
    expect(spec.trafficPolicy.outlierDetection).toEqual({ consecutive5xxErrors: 5, splitExternalLocalOriginErrors: true });
    expect(spec.trafficPolicy.connectionPool).toEqual({ tcp: { maxConnections: 10 }, http: { h2UpgradePolicy: 'UPGRADE' } });
    expect(spec.trafficPolicy.loadBalancer).toEqual({ simple: 'LEAST_REQUEST' });
    expect(spec.exportTo).toEqual(['.']);
  });

  test('removes a field the library wrote', () => {
    // GIVEN
    const { mesh, reviews } = reviewsWithPolicy();

    // WHEN
    Overrides.of(reviews.destinationRule!).remove('spec.trafficPolicy.loadBalancer');
    Overrides.of(reviews.virtualService!).remove('spec.http.0.timeout');

    // THEN
    expect(errorsOf(mesh)).toEqual([]);
    expect(destinationRule(mesh).spec.trafficPolicy).toEqual({ connectionPool: { tcp: { maxConnections: 10 } } });
    expect(MeshTesting.find(MeshTesting.synth(mesh), 'VirtualService', 'reviews').spec.http[0].timeout).toBeUndefined();
  });

  test('sets fields of a VirtualService route, by its index', () => {
    // GIVEN
    const mesh = openMesh();
    const web = newService(mesh, 'web', ['v1', 'v2']);
    new TrafficSplit(mesh, 'web-routes', { service: web, routes: [{ targets: [TrafficTarget.version('v1', 90), TrafficTarget.version('v2', 10)] }] });

    // WHEN
    Overrides.of(web.virtualService!)
      .set('spec.http.0.retries', { attempts: 3, retryOn: 'reset,connect-failure', retryRemoteLocalities: true })
      .set('spec.http.0.route.1.headers.request.set.x-canary', 'true');

    // THEN
    expect(errorsOf(mesh)).toEqual([]);
    const route = MeshTesting.find(MeshTesting.synth(mesh), 'VirtualService', 'web').spec.http[0];
    expect(route.retries).toEqual({ attempts: 3, retryOn: 'reset,connect-failure', retryRemoteLocalities: true });
    expect(route.route[1]).toEqual({
      destination: { host: 'web.default.svc.cluster.local', subset: 'v2' }, weight: 10, headers: { request: { set: { 'x-canary': 'true' } } },
    });
  });

  test('sets fields of an AuthorizationPolicy, and checks its enums', () => {
    // GIVEN
    const mesh = openMesh();
    const api = newService(mesh, 'api');
    const web = newService(mesh, 'web');
    const policy = new AccessPolicy(mesh, 'api-access', { service: api, allow: [{ from: web }] });

    // WHEN
    Overrides.of(policy.resource).set('spec.rules.0.when', [{ key: 'request.headers[x-tenant]', values: ['a'] }]);

    // THEN
    expect(errorsOf(mesh)).toEqual([]);
    expect(MeshTesting.find(MeshTesting.synth(mesh), 'AuthorizationPolicy', 'api').spec.rules[0].when)
      .toEqual([{ key: 'request.headers[x-tenant]', values: ['a'] }]);

    // WHEN
    Overrides.of(policy).set('spec.action', 'ALOW');

    // THEN
    expect(errorsOf(mesh)).toEqual([
      "[mesh/api-access/Resource] [MESH0902] field spec.action is 'ALOW', which AuthorizationPolicy security.istio.io/v1 does not allow: "
      + 'use one of ALLOW, DENY, AUDIT, CUSTOM',
    ]);
  });

  test('sets fields of a Gateway API HTTPRoute, in the Gateway API\'s spelling', () => {
    // GIVEN
    const mesh = openMesh({ routingApi: RoutingApi.GATEWAY_API });
    const details = newService(mesh, 'details');
    new ServiceTrafficPolicy(mesh, 'details-traffic', { service: details, retries: RetryPolicy.of({ attempts: 2 }) });
    mesh.analyze(); // the routes are made at synthesis, or by analyze()

    // WHEN
    Overrides.of(details.gatewayApiRoutes[0]).set('spec.rules.0.timeouts.request', '5s');

    // THEN
    expect(errorsOf(mesh)).toEqual([]);
    expect(MeshTesting.find(MeshTesting.synth(mesh), 'HTTPRoute', 'details').spec.rules[0].timeouts).toEqual({ request: '5s' });

    // WHEN
    Overrides.of(details.gatewayApiRoutes[0]).set('spec.rules.0.timeout', '5s');

    // THEN
    expect(errorsOf(mesh)).toEqual([
      '[mesh/details/HttpRoute] [MESH0900] field spec.rules.0.timeout is not in the schema of HTTPRoute gateway.networking.k8s.io/v1: '
      + 'did you mean timeouts? Fields are written in the Gateway API\'s YAML spelling',
    ]);
  });

  test('leaves fields whose schema keeps unknown fields open (an EnvoyFilter\'s patch value) and metadata to the cluster', () => {
    // GIVEN
    const mesh = openMesh();
    const api = newService(mesh, 'api');
    const limit = new RateLimit(mesh, 'api-limit', { service: api, requests: 100 });

    // WHEN
    Overrides.of(limit.resource)
      .set('spec.configPatches.0.patch.value.typed_config.filter_enabled', { default_value: { numerator: 50, denominator: 'HUNDRED' } })
      .set('metadata.annotations.example\\.com/owner', 'team-a');

    // THEN
    expect(errorsOf(mesh)).toEqual([]);
    const filter = MeshTesting.find(MeshTesting.synth(mesh), 'EnvoyFilter', 'api-rate-limit');
    expect(filter.spec.configPatches[0].patch.value.typed_config.filter_enabled).toEqual({ default_value: { numerator: 50, denominator: 'HUNDRED' } });
    expect(filter.metadata.annotations).toEqual({ 'example.com/owner': 'team-a' });
  });

  test.each([
    ['a misspelled field', 'spec.trafficPolicy.outlierDetection.consecutive5xxErorrs', 5,
      '[MESH0900] field spec.trafficPolicy.outlierDetection.consecutive5xxErorrs is not in the schema of DestinationRule networking.istio.io/v1: '
      + 'did you mean consecutive5xxErrors? Fields are written in Istio\'s YAML spelling'],
    ['a nested unknown field, with nothing close', 'spec.trafficPolicy.connectionPool.http.queueSize', 5,
      '[MESH0900] field spec.trafficPolicy.connectionPool.http.queueSize is not in the schema of DestinationRule networking.istio.io/v1: the fields there are '
      + 'h2UpgradePolicy, http1MaxPendingRequests, http2MaxRequests, idleTimeout, maxConcurrentStreams, maxRequestsPerConnection, maxRetries, useClientProtocol'],
    ['a string for an integer', 'spec.trafficPolicy.outlierDetection.consecutive5xxErrors', '5',
      "[MESH0901] field spec.trafficPolicy.outlierDetection.consecutive5xxErrors is a string ('5') in DestinationRule networking.istio.io/v1, "
      + 'whose schema wants an integer: give it an integer'],
    ['a value outside the range', 'spec.trafficPolicy.outlierDetection.consecutive5xxErrors', -1,
      '[MESH0902] field spec.trafficPolicy.outlierDetection.consecutive5xxErrors is -1, below the minimum 0 of DestinationRule networking.istio.io/v1: give at least 0'],
    ['a value outside the enum', 'spec.trafficPolicy.loadBalancer.simple', 'FASTEST',
      "[MESH0902] field spec.trafficPolicy.loadBalancer.simple is 'FASTEST', which DestinationRule networking.istio.io/v1 does not allow: "
      + 'use one of UNSPECIFIED, LEAST_CONN, RANDOM, PASSTHROUGH, ROUND_ROBIN, LEAST_REQUEST'],
    ['a field under a value that is not an object', 'spec.host.name', 'x',
      "[MESH0903] override set spec.host.name does not apply to DestinationRule 'reviews': spec.host is a string (\"reviews.default.svc.cluster.local\"), so it has no name"],
    ['an index into a list that is not there', 'spec.trafficPolicy.portLevelSettings.0.port', {},
      "[MESH0903] override set spec.trafficPolicy.portLevelSettings.0.port does not apply to DestinationRule 'reviews': there is no list spec.trafficPolicy.portLevelSettings to index: "
      + "set the whole list (set('spec.trafficPolicy.portLevelSettings', [...]))"],
  ])('fails on %s', (_, path, value, message) => {
    // GIVEN
    const { mesh, reviews } = reviewsWithPolicy();

    // WHEN
    Overrides.of(reviews.destinationRule!).set(path, value);

    // THEN
    expect(errorsOf(mesh)).toEqual([`[mesh/reviews/DestinationRule] ${message}`]);
  });

  test('fails on removing a field that is not there', () => {
    // GIVEN
    const { mesh, reviews } = reviewsWithPolicy();

    // WHEN
    Overrides.of(reviews.destinationRule!).remove('spec.trafficPolicy.outlierDetection');
    Overrides.of(reviews.virtualService!).remove('spec.http.2');

    // THEN
    expect(errorsOf(mesh)).toEqual([
      "[mesh/reviews/DestinationRule] [MESH0903] override remove spec.trafficPolicy.outlierDetection does not apply to DestinationRule 'reviews': "
      + 'there is no spec.trafficPolicy.outlierDetection (spec.trafficPolicy has connectionPool, loadBalancer)',
      "[mesh/reviews/VirtualService] [MESH0903] override remove spec.http.2 does not apply to VirtualService 'reviews': "
      + 'spec.http is a list of 1, so 2 is not an index to remove',
    ]);
  });

  test.each([
    ['an empty field name', (o: Overrides) => o.set('spec..host', 'x'),
      "[MESH0905] override set path 'spec..host' has an empty field name: write the fields from the top of the object, separated by dots, "
      + 'e.g. spec.trafficPolicy.outlierDetection.consecutive5xxErrors'],
    ['no value', (o: Overrides) => o.set('spec.exportTo', undefined),
      "[MESH0905] override set spec.exportTo has no value: give a value, or remove the field with remove('spec.exportTo')"],
    ['a change of name', (o: Overrides) => o.set('metadata.name', 'other'),
      '[MESH0905] override set metadata.name would change what the object is: the library names the object and refers to it by apiVersion, kind, name '
      + 'and namespace; override its other fields'],
  ])('fails on a path with %s', (_, change, message) => {
    // GIVEN
    const { mesh, reviews } = reviewsWithPolicy();

    // WHEN
    change(Overrides.of(reviews.destinationRule!));

    // THEN
    expect(errorsOf(mesh)).toEqual([`[mesh/reviews/DestinationRule] ${message}`]);
  });

  test('fails on an object that is not an Istio or Gateway API object', () => {
    // GIVEN
    const mesh = openMesh();
    const web = newService(mesh, 'web') as MeshService;

    // THEN
    expect(() => Overrides.of(web.resource)).toThrow(
      '[MESH0904] Overrides.of: mesh/web/Resource/Resource is a Service (v1), not an Istio or Gateway API object: use ApiObject.addJsonPatch for other objects',
    );
    expect(ApiObject.of(web.resource).kind).toEqual('Service');
    expect(() => Overrides.of(web)).toThrow(
      "[MESH0904] Overrides.of: mesh/web is not an object the library writes, and has no 'Resource' child that is: give the object itself, e.g. service.destinationRule",
    );
  });

  test('a service with a gRPC port: overrides its GRPCRoute too', () => {
    // GIVEN
    const mesh = openMesh({ routingApi: RoutingApi.GATEWAY_API });
    const rpc = newService(mesh, 'rpc', ['v1'], { ports: [{ port: 9000, protocol: Protocol.GRPC }] });
    new TrafficSplit(mesh, 'rpc-routes', { service: rpc, routes: [{ targets: [TrafficTarget.version('v1', 100)] }] });
    mesh.analyze();

    // WHEN
    Overrides.of(rpc.gatewayApiRoutes[0]).set('spec.rules.0.sessionPersistence', { sessionName: 'rpc', type: 'Cookie' });

    // THEN
    expect(errorsOf(mesh)).toEqual([]);
    expect(MeshTesting.find(MeshTesting.synth(mesh), 'GRPCRoute', 'rpc').spec.rules[0].sessionPersistence).toEqual({ sessionName: 'rpc', type: 'Cookie' });
  });
});

describe('every object of the generated bindings takes overrides', () => {
  const bindings = [istioNetworking, istioSecurity, istioTelemetry, istioExtensions, gatewayApi]
    .flatMap(module => Object.values(module))
    .filter((c: any) => typeof c === 'function' && Object.getPrototypeOf(c) === ApiObject)
    .map(c => [(c as any).GVK.kind, (c as any).GVK.apiVersion, c] as const);

  test('all of them are here', () => {
    expect(bindings.map(([kind]) => kind).sort()).toEqual([
      'AuthorizationPolicy', 'DestinationRule', 'EnvoyFilter', 'GRPCRoute', 'Gateway', 'Gateway', 'HTTPRoute', 'PeerAuthentication', 'ProxyConfig',
      'ReferenceGrant', 'RequestAuthentication', 'ServiceEntry', 'Sidecar', 'TCPRoute', 'TLSRoute', 'Telemetry', 'TrafficExtension', 'VirtualService',
      'WasmPlugin', 'WorkloadEntry', 'WorkloadGroup',
    ]);
  });

  test.each(bindings)('%s %s: a field lands in its own spelling, an unknown one fails', (kind, apiVersion, Binding) => {
    // GIVEN
    const chart = Testing.chart();
    const obj = new (Binding as any)(chart, 'Resource', { metadata: { name: 'x' }, spec: {} }) as ApiObject;

    // WHEN
    Overrides.of(obj).set('metadata.labels.team', 'a').set('spec.bogusField', 1);

    // THEN
    const json = obj.toJson();
    expect(json.metadata.labels).toEqual({ team: 'a' });
    expect(json.spec.bogusField).toEqual(1);
    expect(obj.node.validate()).toEqual([expect.stringMatching(new RegExp(`^\\[MESH0900\\] field spec.bogusField is not in the schema of ${kind} ${apiVersion}: `))]);
  });
});

describe('overrides of objects the routing API does not write', () => {
  test('fails when the Gateway API replaces an overridden VirtualService', () => {
    // GIVEN
    const mesh = openMesh({ routingApi: RoutingApi.GATEWAY_API });
    const web = newService(mesh, 'web', ['v1', 'v2']);
    new TrafficSplit(mesh, 'web-routes', { service: web, routes: [{ targets: [TrafficTarget.version('v1', 90), TrafficTarget.version('v2', 10)] }] });

    // WHEN
    Overrides.of(web.virtualService!).set('spec.http.0.retries.attempts', 3);

    // THEN
    expect(errorsOf(mesh)).toEqual([
      '[mesh/web] [MESH0906] the overrides of mesh/web/VirtualService (VirtualService) are lost: the service is routed with the Gateway API, '
      + 'so its VirtualService is not written: override its gatewayApiRoutes (made by mesh.analyze())',
    ]);
    expect(web.virtualService).toBeUndefined();
  });

  test('fails when the Gateway API replaces an ingress gateway\'s overridden Gateway', () => {
    // GIVEN
    const mesh = openMesh({ routingApi: RoutingApi.GATEWAY_API });
    const web = newService(mesh, 'web');
    const gateway = new IngressGateway(mesh, 'ingress');
    gateway.addRoute({ service: web });

    // WHEN
    Overrides.of(gateway.resource).set('spec.selector.istio', 'edge');

    // THEN
    expect(errorsOf(mesh)).toEqual([
      '[mesh/ingress] [MESH0906] the overrides of mesh/ingress/Resource (Gateway) are lost: the gateway is routed with the Gateway API, so its Istio objects '
      + 'are not written: override its Gateway API objects (its Gateway and routes, made by mesh.analyze())',
    ]);
    expect(gateway.resource.apiVersion).toEqual('gateway.networking.k8s.io/v1');
  });

  test('an unpatched VirtualService goes without a word', () => {
    // GIVEN
    const mesh = openMesh({ routingApi: RoutingApi.GATEWAY_API });
    const web = newService(mesh, 'web', ['v1', 'v2']);
    new TrafficSplit(mesh, 'web-routes', { service: web, routes: [{ targets: [TrafficTarget.version('v1', 90), TrafficTarget.version('v2', 10)] }] });

    // THEN
    expect(web.virtualService).toBeDefined();
    expect(errorsOf(mesh)).toEqual([]);
    expect(web.virtualService).toBeUndefined();
  });
});

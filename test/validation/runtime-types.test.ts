import { App, Duration, Testing } from 'cdk8s';
import {
  AccessLogEncoding, AccessPolicy, CircuitBreaker, LoadBalancer, Timeout, EgressGateway, EgressScope, ExternalResolution, ExternalService,
  GatewayServiceType, GrafanaRole, HttpMethod,
  ImageVariant, IngressGateway, Mesh, MeshService, MeshTesting, MtlsMode, MtlsPolicy, OutboundTrafficPolicy, PolicyScope, Protocol, ProxyLogLevel,
  RateLimit, RetryOn, RetryPolicy, ServiceTrafficPolicy, TelemetryPolicy, TelemetryStack, TrafficSplit, TrafficTarget,
} from '../../src';
import { injectManifest } from '../../src/sidecar/explicit-injection';
import { newService, openMesh, synthErrors } from '../support/util';

// Callers from plain JavaScript bypass the types: what they give is checked at run time, with one message
// per kind of mistake that lists what is legal. `js()` stands for such a caller.
const js = (value: unknown) => value as any;

const MTLS_MODES = 'use MtlsMode.STRICT, MtlsMode.PERMISSIVE or MtlsMode.DISABLE';
const OUTBOUND = 'use OutboundTrafficPolicy.ALLOW_ANY or OutboundTrafficPolicy.REGISTRY_ONLY';
const METHODS = 'use HttpMethod.GET, HttpMethod.HEAD, HttpMethod.POST, HttpMethod.PUT, HttpMethod.DELETE, HttpMethod.PATCH, HttpMethod.OPTIONS, HttpMethod.CONNECT or HttpMethod.TRACE';
const NOT_A_SERVICE = 'is not a service of a mesh: name a MeshService, or one imported with MeshService.fromName()';

describe('enum values (MESH0090)', () => {
  test.each([
    ['mtls', { mtls: js('strict') }, `[mesh] [MESH0090] mtls 'strict' is not a value of MtlsMode: ${MTLS_MODES}`],
    ['outboundTrafficPolicy', { outboundTrafficPolicy: js('DENY') }, `[mesh] [MESH0090] outboundTrafficPolicy 'DENY' is not a value of OutboundTrafficPolicy: ${OUTBOUND}`],
    ['controlPlane.variant', { controlPlane: { variant: js('slim') } },
      "[mesh-control-plane/istiod] [MESH0090] variant 'slim' is not a value of ImageVariant: use ImageVariant.DEFAULT or ImageVariant.DISTROLESS"],
  ])('fails on a Mesh %s that is not a member of its enum', (_, props, message) => {
    expect(synthErrors(openMesh(props))).toEqual([message]);
  });

  test('every member of the Mesh enums is accepted', () => {
    for (const mtls of Object.values(MtlsMode)) {
      for (const outboundTrafficPolicy of Object.values(OutboundTrafficPolicy)) {
        expect(synthErrors(openMesh({ mtls, outboundTrafficPolicy, controlPlane: { variant: ImageVariant.DISTROLESS } }))).toEqual([]);
      }
    }
  });

  test('fails on an MtlsPolicy mode or port override that is not an MtlsMode', () => {
    const mesh = openMesh();
    new MtlsPolicy(mesh, 'ns', { scope: PolicyScope.namespace('shop'), mode: js('strict') });
    const policy = new MtlsPolicy(mesh, 'web-mtls', { scope: PolicyScope.workload(newService(mesh, 'web')), mode: MtlsMode.PERMISSIVE });
    policy.addPortOverride(8080, js('off'));
    expect(synthErrors(mesh)).toEqual([
      `[mesh/ns] [MESH0090] mode 'strict' is not a value of MtlsMode: ${MTLS_MODES}`,
      `[mesh/web-mtls] [MESH0090] port 8080 mode 'off' is not a value of MtlsMode: ${MTLS_MODES}`,
    ]);
  });

  test('an MtlsPolicy with a port override of each mode is valid', () => {
    const mesh = openMesh();
    const policy = new MtlsPolicy(mesh, 'web-mtls', { scope: PolicyScope.workload(newService(mesh, 'web')), mode: MtlsMode.STRICT });
    policy.addPortOverride(8080, MtlsMode.DISABLE);
    expect(synthErrors(mesh)).toEqual([]);
  });

  test('fails on a service port protocol that is not a Protocol (MESH0120 lists the legal ones)', () => {
    const mesh = openMesh();
    newService(mesh, 'dns', ['v1'], { ports: [{ port: 53, protocol: js('udp') }] });
    expect(synthErrors(mesh)).toEqual([
      "[mesh/dns] [MESH0120] port 53 protocol 'udp' is not a protocol of service ports: use Protocol.HTTP, Protocol.HTTP2, Protocol.GRPC, Protocol.TCP, Protocol.TLS or Protocol.HTTPS",
    ]);
  });

  test('fails on an EgressScope outboundTrafficPolicy, a gateway serviceType and an ExternalService resolution outside their enums', () => {
    const mesh = openMesh();
    new EgressScope(mesh, 'egress', { outboundTrafficPolicy: js('DENY') });
    new IngressGateway(mesh, 'gw', { serviceType: js('Public') }).addRoute({ service: newService(mesh, 'web') });
    new ExternalService(mesh, 'api', { hosts: ['api.example.com'], resolution: js('dns') });
    expect(synthErrors(mesh)).toEqual([
      `[mesh/egress] [MESH0090] outboundTrafficPolicy 'DENY' is not a value of OutboundTrafficPolicy: ${OUTBOUND}`,
      "[mesh/gw] [MESH0090] serviceType 'Public' is not a value of GatewayServiceType: use GatewayServiceType.LOAD_BALANCER, GatewayServiceType.NODE_PORT or GatewayServiceType.CLUSTER_IP",
      "[mesh/api] [MESH0090] resolution 'dns' is not a value of ExternalResolution: use ExternalResolution.DNS or ExternalResolution.NONE",
    ]);
  });

  test('their legal values are accepted', () => {
    const mesh = openMesh();
    new EgressScope(mesh, 'egress', { outboundTrafficPolicy: OutboundTrafficPolicy.ALLOW_ANY });
    new IngressGateway(mesh, 'gw', { serviceType: GatewayServiceType.NODE_PORT }).addRoute({ service: newService(mesh, 'web') });
    new ExternalService(mesh, 'api', { hosts: ['api.example.com'], resolution: ExternalResolution.NONE });
    expect(synthErrors(mesh)).toEqual([]);
  });

  test('fails on a retryOn condition that is not a RetryOn, at once', () => {
    // RetryOn's values and the HTTP status codes Istio takes pass; anything else is one error (MESH0161, tested with the istiod rules).
    expect(() => RetryPolicy.of({ attempts: 2, retryOn: [RetryOn.RESET, js('5XX')] })).toThrow(
      "[MESH0161] RetryPolicy.of: retryOn '5XX' is not a retry condition Istio takes: use RetryOn values (5xx, gateway-error, reset, reset-before-request, connect-failure, "
      + 'refused-stream, retriable-4xx, envoy-ratelimited, http3-post-connect-failure, cancelled, deadline-exceeded, internal, resource-exhausted, unavailable) '
      + 'or an HTTP status code');
    expect(() => RetryPolicy.of({ attempts: 2, retryOn: js('5xx') })).toThrow(new Error("[MESH0092] RetryPolicy.of: retryOn '5xx' is not a list: give an array, e.g. ['5xx']"));
    expect(RetryPolicy.of({ attempts: 2, retryOn: [RetryOn.RESET, RetryOn.FIVE_XX] }).retryOn).toEqual(['reset', '5xx']);
  });

  test('fails on HTTP methods that are not HttpMethods, in route matches and access rules', () => {
    const mesh = openMesh();
    const web = newService(mesh, 'web');
    new TrafficSplit(mesh, 'split', { service: web, routes: [{ matches: [{ method: js('FETCH') }], targets: [TrafficTarget.version('v1')] }, { targets: [TrafficTarget.version('v1')] }] });
    new AccessPolicy(mesh, 'access', { service: web, allow: [{ from: newService(mesh, 'client'), methods: [HttpMethod.GET, js('post')] }] });
    expect(synthErrors(mesh)).toEqual([
      `[mesh/split] [MESH0090] method 'FETCH' is not a value of HttpMethod: ${METHODS}`,
      `[mesh/access] [MESH0090] methods[1] 'post' is not a value of HttpMethod: ${METHODS}`,
    ]);
  });

  test('HttpMethod members are accepted in route matches and access rules', () => {
    const mesh = openMesh();
    const web = newService(mesh, 'web');
    new TrafficSplit(mesh, 'split', { service: web, routes: [{ matches: [{ method: HttpMethod.GET }], targets: [TrafficTarget.version('v1')] }, { targets: [TrafficTarget.version('v1')] }] });
    new AccessPolicy(mesh, 'access', { service: web, allow: [{ from: newService(mesh, 'client'), methods: [HttpMethod.GET, HttpMethod.POST] }] });
    expect(synthErrors(mesh)).toEqual([]);
  });

  test('fails on a proxy logLevel that is not a ProxyLogLevel', () => {
    const mesh = openMesh();
    newService(mesh, 'web', ['v1'], { proxy: { logLevel: js('verbose') } });
    expect(synthErrors(mesh)).toEqual([
      "[mesh/web] [MESH0090] proxy.logLevel 'verbose' is not a value of ProxyLogLevel: use ProxyLogLevel.TRACE, ProxyLogLevel.DEBUG, ProxyLogLevel.INFO, "
      + 'ProxyLogLevel.WARNING, ProxyLogLevel.ERROR, ProxyLogLevel.CRITICAL or ProxyLogLevel.OFF',
    ]);
    const valid = openMesh();
    newService(valid, 'web', ['v1'], { proxy: { logLevel: ProxyLogLevel.DEBUG } });
    expect(synthErrors(valid)).toEqual([]);
  });

  test('fails on a Grafana anonymousRole of Admin: anonymous visitors could change users and data sources', () => {
    const mesh = openMesh();
    new TelemetryStack(mesh, 'telemetry', { grafana: { anonymousRole: js('Admin') } });
    expect(synthErrors(mesh)).toEqual([
      "[mesh-telemetry/Grafana] [MESH0440] anonymousRole 'Admin' lets anyone who reaches Grafana change it without logging in: anonymous visitors are at most viewers, use GrafanaRole.VIEWER (and an adminSecretName to log in and edit)",
    ]);
  });

  test('fails on a Grafana anonymousRole that is no role', () => {
    const mesh = openMesh();
    new TelemetryStack(mesh, 'telemetry', { grafana: { anonymousRole: js('viewer') } });
    expect(synthErrors(mesh)).toEqual([
      "[mesh-telemetry/Grafana] [MESH0090] anonymousRole 'viewer' is not a value of GrafanaRole: use GrafanaRole.VIEWER",
    ]);
  });

  test('a Grafana anonymousRole of Viewer and JSON access logs are accepted', () => {
    const mesh = openMesh();
    new TelemetryStack(mesh, 'telemetry', { grafana: { anonymousRole: GrafanaRole.VIEWER }, accessLogging: { encoding: AccessLogEncoding.JSON } });
    expect(synthErrors(mesh)).toEqual([]);
  });

  test('fails on an access log encoding that is not an AccessLogEncoding', () => {
    const mesh = openMesh();
    new TelemetryStack(mesh, 'telemetry', { accessLogging: { encoding: js('yaml') } });
    expect(synthErrors(mesh)).toEqual([
      "[mesh/telemetry] [MESH0090] accessLogging.encoding 'yaml' is not a value of AccessLogEncoding: use AccessLogEncoding.TEXT or AccessLogEncoding.JSON",
    ]);
  });
});

describe('JavaScript types (MESH0091, MESH0092)', () => {
  test('fails on booleans given as strings, which would read as true', () => {
    const mesh = openMesh({ installCrds: js('false'), autoMtls: js('false'), failOnWarnings: js('no'), controlPlane: { cni: js('true'), accessLogging: js(1) } });
    expect(synthErrors(mesh)).toEqual([
      '[mesh-control-plane/istiod] [MESH0091] accessLogging 1 is a number, not a boolean: give true or false',
      "[mesh-control-plane/istiod] [MESH0091] cni 'true' is a string, not a boolean: give true or false, without quotes",
      "[mesh] [MESH0091] autoMtls 'false' is a string, not a boolean: give true or false, without quotes",
      "[mesh] [MESH0091] installCrds 'false' is a string, not a boolean: give true or false, without quotes",
      "[mesh] [MESH0091] failOnWarnings 'no' is a string, not a boolean: give true or false, without quotes",
    ]);
  });

  test('fails on numbers given as strings as a type, not as a value out of range: ports, percentages, counts', () => {
    const mesh = openMesh();
    newService(mesh, 'web', ['v1'], { ports: [{ port: js('80') }] });
    new TelemetryStack(mesh, 'telemetry', { samplingPercentage: js('10') });
    expect(synthErrors(mesh).filter(e => e.includes('MESH0091'))).toEqual([
      "[mesh/web] [MESH0091] port '80' is a string, not a number: give a whole number from 1 to 65535, without quotes",
      "[mesh/telemetry] [MESH0091] samplingPercentage '10' is a string, not a number: give a number from 0 to 100, without quotes",
    ]);
    expect(synthErrors(mesh).filter(e => /MESH000[23]|MESH0070/.test(e))).toEqual([]);
    expect(() => CircuitBreaker.of({ maxConnections: js('100') })).toThrow(
      "[MESH0091] CircuitBreaker.of: maxConnections '100' is a string, not a number: give a whole number of at least 1, without quotes");
  });

  test('booleans are accepted', () => {
    const mesh = openMesh({ installCrds: false, autoMtls: false, failOnWarnings: true, controlPlane: { cni: true, accessLogging: true } });
    expect(synthErrors(mesh)).toEqual([]);
    expect(mesh.installCrds).toBe(false);
  });

  test('fails on replicas given as strings', () => {
    const mesh = openMesh({ controlPlane: { replicas: js('2') } });
    const web = newService(mesh, 'web', []);
    web.addVersion('v1', { image: 'example/web:v1', replicas: js('3') });
    new IngressGateway(mesh, 'gw', { replicas: js('2') }).addRoute({ service: web });
    expect(synthErrors(mesh)).toEqual([
      "[mesh-control-plane/istiod] [MESH0091] replicas '2' is a string, not a number: give a number such as 3, without quotes",
      "[mesh/web/v1] [MESH0091] replicas '3' is a string, not a number: give a number such as 3, without quotes",
      "[mesh/gw] [MESH0091] replicas '2' is a string, not a number: give a number such as 3, without quotes",
    ]);
  });

  test('fails on telemetry switches given as strings', () => {
    const mesh = openMesh();
    new TelemetryStack(mesh, 'telemetry', { tracing: undefined, kiali: { enabled: js('false') } });
    new TelemetryPolicy(mesh, 'policy', { scope: PolicyScope.namespace('shop'), accessLogging: { enabled: js('false') } });
    expect(synthErrors(mesh)).toEqual([
      "[mesh/telemetry] [MESH0091] kiali.enabled 'false' is a string, not a boolean: give true or false, without quotes",
      "[mesh/policy] [MESH0091] accessLogging.enabled 'false' is a string, not a boolean: give true or false, without quotes",
    ]);
  });

  test('fails on proxy settings of the wrong type instead of crashing', () => {
    const mesh = openMesh();
    newService(mesh, 'web', ['v1'], { proxy: { includeInboundPorts: js(8080), nativeSidecar: js('true') } });
    expect(synthErrors(mesh)).toEqual([
      "[mesh/web] [MESH0091] proxy.nativeSidecar 'true' is a string, not a boolean: give true or false, without quotes",
      '[mesh/web] [MESH0092] proxy.includeInboundPorts 8080 is not a list: give an array, e.g. [...]',
    ]);
    const valid = openMesh();
    newService(valid, 'web', ['v1'], { proxy: { includeInboundPorts: [8080], nativeSidecar: true } });
    expect(synthErrors(valid)).toEqual([]);
  });
});

describe('plain objects where a construct is expected (MESH0009) and missing ones (MESH0006)', () => {
  test.each([
    ['TrafficSplit', (mesh: Mesh) => new TrafficSplit(mesh, 'c', { service: js({ serviceName: 'web' }) })],
    ['ServiceTrafficPolicy', (mesh: Mesh) => new ServiceTrafficPolicy(mesh, 'c', { service: js({ serviceName: 'web' }) })],
    ['RateLimit', (mesh: Mesh) => new RateLimit(mesh, 'c', { service: js({ serviceName: 'web' }), requests: 10 })],
  ])('fails on a plain object as the service of a %s, at once', (_, create) => {
    expect(() => create(openMesh())).toThrow(new Error(`[MESH0009] mesh/c: service ${NOT_A_SERVICE}`));
  });

  test('fails on a plain object or nothing given to PolicyScope.workload, at once', () => {
    expect(() => PolicyScope.workload(js({ serviceName: 'web' }))).toThrow(new Error(`[MESH0009] PolicyScope.workload: service ${NOT_A_SERVICE}`));
    expect(() => PolicyScope.workload(js(undefined))).toThrow(new Error('[MESH0006] PolicyScope.workload: service is missing: name the service whose workloads the policy selects'));
    const mesh = openMesh();
    expect(PolicyScope.workload(newService(mesh, 'web')).service?.serviceName).toEqual('web');
  });

  test('fails on a scope that is not a PolicyScope, at once', () => {
    expect(() => new MtlsPolicy(openMesh(), 'p', { scope: js({ namespace: 'shop' }), mode: MtlsMode.STRICT })).toThrow(new Error(
      '[MESH0096] mesh/p: scope is not a PolicyScope: choose PolicyScope.namespace(...) or PolicyScope.workload(...)'));
    expect(() => new TelemetryPolicy(openMesh(), 'p', { scope: js({}) })).toThrow(new Error(
      '[MESH0096] mesh/p: scope is not a PolicyScope: choose PolicyScope.mesh(), PolicyScope.namespace(...) or PolicyScope.workload(...)'));
  });

  test('fails on traffic settings that were not made by their factories, in a service\'s props and a ServiceTrafficPolicy', () => {
    const mesh = openMesh();
    newService(mesh, 'web', ['v1'], { timeout: js({ duration: Duration.seconds(1) }), retries: js({ attempts: 3 }) });
    new ServiceTrafficPolicy(mesh, 'api-traffic', { service: newService(mesh, 'api'), circuitBreaker: js({ maxConnections: 1 }), loadBalancer: js('ROUND_ROBIN') });
    expect(synthErrors(mesh)).toEqual([
      '[mesh/web] [MESH0096] timeout is not a Timeout: make it with Timeout.of(...)',
      '[mesh/web] [MESH0096] retries is not a RetryPolicy: make it with RetryPolicy.of({ attempts: ... })',
      '[mesh/api-traffic] [MESH0096] circuitBreaker is not a CircuitBreaker: make it with CircuitBreaker.of({ ... })',
      '[mesh/api-traffic] [MESH0096] loadBalancer is not a LoadBalancer: make it with LoadBalancer.roundRobin() or another LoadBalancer factory',
    ]);
  });

  test('traffic settings made by their factories are accepted', () => {
    const mesh = openMesh();
    newService(mesh, 'web', ['v1'], { timeout: Timeout.of(Duration.seconds(1)), retries: RetryPolicy.of({ attempts: 3 }) });
    new ServiceTrafficPolicy(mesh, 'api-traffic', { service: newService(mesh, 'api'), circuitBreaker: CircuitBreaker.of({ maxConnections: 1 }), loadBalancer: LoadBalancer.roundRobin() });
    expect(synthErrors(mesh)).toEqual([]);
    MeshTesting.synth(mesh);
  });

  test('fails on plain objects given to a gateway route, an EgressScope, an ExternalService, a route match and Grafana', () => {
    const mesh = openMesh();
    const web = newService(mesh, 'web');
    new IngressGateway(mesh, 'gw').addRoute({ service: js({ serviceName: 'web' }) });
    const egress = new EgressScope(mesh, 'egress', { service: js({ serviceName: 'web' }) });
    egress.allowService(js({ host: 'x' }));
    egress.allowExternal(js({ hosts: ['x.example.com'] }));
    egress.allowService(js(undefined));
    new ExternalService(mesh, 'api', { hosts: ['api.example.com'], egressGateway: js({ name: 'egress' }) });
    new TrafficSplit(mesh, 'split', { service: web, routes: [{ matches: [{ sourceService: js({ serviceName: 'a' }) }], targets: [TrafficTarget.version('v1')] }, { targets: [TrafficTarget.version('v1')] }] });
    new TelemetryStack(mesh, 'telemetry', { grafana: { serviceDashboards: [js({ serviceName: 'web' })] } });
    expect(synthErrors(mesh)).toEqual([
      `[mesh/gw] [MESH0009] service ${NOT_A_SERVICE}`,
      `[mesh/egress] [MESH0009] service ${NOT_A_SERVICE}`,
      `[mesh/egress] [MESH0009] the service given to allowService() ${NOT_A_SERVICE}`,
      '[mesh/egress] [MESH0009] allowExternal() was given something that is not an external service: name an ExternalService',
      '[mesh/egress] [MESH0006] allowService() was given no service: name a MeshService, or one imported with MeshService.fromName()',
      '[mesh/api] [MESH0009] egressGateway is not an egress gateway of a mesh: name an EgressGateway',
      `[mesh/split] [MESH0009] sourceService ${NOT_A_SERVICE}`,
      `[mesh-telemetry/Grafana] [MESH0009] serviceDashboards ${NOT_A_SERVICE}`,
    ]);
  });

  test('the constructs themselves are accepted there', () => {
    const mesh = openMesh();
    const web = newService(mesh, 'web');
    const client = newService(mesh, 'client');
    new IngressGateway(mesh, 'gw').addRoute({ service: web });
    const out = new EgressGateway(mesh, 'out');
    const api = new ExternalService(mesh, 'api', { hosts: ['api.example.com'], egressGateway: out });
    const egress = new EgressScope(mesh, 'egress', { service: client });
    egress.allowService(web);
    egress.allowExternal(api);
    new TrafficSplit(mesh, 'split', { service: web, routes: [{ matches: [{ sourceService: client }], targets: [TrafficTarget.version('v1')] }, { targets: [TrafficTarget.version('v1')] }] });
    new TelemetryStack(mesh, 'telemetry', { grafana: { serviceDashboards: [web] } });
    expect(synthErrors(mesh)).toEqual([]);
  });
});

describe('other mistakes', () => {
  test('fails on a second control plane with an id already taken, at once', () => {
    const mesh = openMesh();
    mesh.addControlPlane('canary', { revision: 'canary' });
    expect(() => mesh.addControlPlane('canary', { revision: 'canary-2' })).toThrow(new Error(
      "[MESH0093] mesh: addControlPlane: id 'canary' is already taken (mesh-control-plane/canary): give each control plane its own id"));
    mesh.addControlPlane('canary-2', { revision: 'canary-2' });
    expect(synthErrors(mesh)).toEqual([]);
  });

  test('fails on revoking an identity of another mesh', () => {
    const app = new App();
    const mesh = new Mesh(app, 'a');
    const other = new Mesh(Testing.app(), 'b');
    mesh.revokeIdentity(newService(other, 'web'));
    expect(synthErrors(mesh)).toEqual([
      "[a] [MESH0250] revokeIdentity() was given 'web' (b/web), which belongs to another mesh: revoke an identity of this mesh, or import the service into it with MeshService.fromName()",
    ]);
  });

  test('revoking an identity of the mesh is valid', () => {
    const mesh = openMesh();
    mesh.revokeIdentity(newService(mesh, 'web'));
    expect(synthErrors(mesh)).toEqual([]);
  });

  test.each([['1.29.0'], ['1.31.0'], ['latest'], ['1.30']])('fails on mesh version %s, which the rendered CRDs and injection template are not', version => {
    expect(synthErrors(openMesh({ version }))).toEqual([
      `[mesh] [MESH0094] version '${version}' is not a 1.30 patch release: the mesh renders Istio 1.30.3's CRDs and injection template, `
      + "and other releases' istiod and proxies would not match them, use a 1.30.x version (e.g. '1.30.3'), or set tag for images built otherwise",
    ]);
  });

  test('fails on a version that is not a string', () => {
    expect(synthErrors(openMesh({ version: js(1.3) }))).toEqual([
      "[mesh] [MESH0091] version 1.3 is a number, not a string: give a string such as '1.30.3'",
    ]);
  });

  test('a 1.30 patch release is accepted, and its images are that tag', () => {
    const mesh = openMesh({ version: '1.30.1' });
    expect(synthErrors(mesh)).toEqual([]);
    expect(mesh.tag).toEqual('1.30.1');
    expect(MeshTesting.find(MeshTesting.synth(mesh), 'Deployment', 'istiod', 'istio-system').spec.template.spec.containers[0].image).toEqual('docker.io/istio/pilot:1.30.1');
  });

  test('explicit injection into a manifest without pods is a coded error', () => {
    expect(() => injectManifest({ kind: 'ConfigMap', metadata: { name: 'x' } }, js({}), js({}))).toThrow(new Error(
      '[MESH0095] explicit injection: cannot inject a sidecar into a ConfigMap: inject Deployments, StatefulSets, DaemonSets, ReplicaSets, Jobs or Pods'));
  });
});

describe('lists given as something else (MESH0092)', () => {
  test('fails on lists that are not arrays instead of crashing', () => {
    // GIVEN one of each, as a plain JavaScript caller might write them
    const mesh = openMesh();
    new MeshService(mesh, 'api', { ports: js({ port: 80, protocol: Protocol.HTTP }) });
    const web = newService(mesh, 'web');
    new ExternalService(mesh, 'ext', { hosts: js('api.example.com'), ports: js({ port: 443 }) });
    new IngressGateway(mesh, 'gw', { listeners: js({ port: 80 }) });
    new IngressGateway(mesh, 'edge').addRoute({ service: web, hosts: js('*') });
    new TrafficSplit(mesh, 'split', { service: web, routes: js({ targets: [] }) });
    new TrafficSplit(mesh, 'split2', { service: newService(mesh, 'shop'), routes: [{ matches: js({ method: HttpMethod.GET }), targets: [TrafficTarget.version('v1')] }] });
    new AccessPolicy(mesh, 'access', { service: web, allow: js({ from: web }) });
    new TelemetryStack(mesh, 'telemetry', { grafana: { serviceDashboards: js(web) } });

    // THEN
    expect(synthErrors(mesh).filter(e => e.includes('MESH0092'))).toEqual([
      '[mesh/api] [MESH0092] ports {"port":80,"protocol":"http"} is not a list: give an array, e.g. [...]',
      "[mesh/ext] [MESH0092] hosts 'api.example.com' is not a list: give an array, e.g. ['api.example.com']",
      '[mesh/ext] [MESH0092] ports {"port":443} is not a list: give an array, e.g. [...]',
      '[mesh/gw] [MESH0092] listeners {"port":80} is not a list: give an array, e.g. [...]',
      "[mesh/edge] [MESH0092] hosts '*' is not a list: give an array, e.g. ['*']",
      '[mesh/split] [MESH0092] routes {"targets":[]} is not a list: give an array, e.g. [...]',
      '[mesh/split2] [MESH0092] route 1 matches {"method":"GET"} is not a list: give an array, e.g. [...]',
      '[mesh/access] [MESH0092] allow {...} is not a list: give an array, e.g. [...]',
      "[mesh-telemetry/Grafana] [MESH0092] serviceDashboards MeshService 'mesh/web' is not a list: give an array, e.g. [...]",
    ]);
    expect(synthErrors(mesh).filter(e => !/^\[[^\]]+\] \[MESH\d{4}\] /.test(e))).toEqual([]);
  });

  test('the same lists as arrays are valid', () => {
    const mesh = openMesh();
    new MeshService(mesh, 'api', { ports: [{ port: 80, protocol: Protocol.HTTP }] }).addVersion('v1', { image: 'example/api:v1' });
    const web = newService(mesh, 'web');
    new ExternalService(mesh, 'ext', { hosts: ['api.example.com'], ports: [{ port: 443 }] });
    const edge = new IngressGateway(mesh, 'edge', { listeners: [{ port: 80 }] });
    edge.addRoute({ service: web, hosts: ['*'] });
    new TrafficSplit(mesh, 'split', { service: web, routes: [{ matches: [{ method: HttpMethod.GET }], targets: [TrafficTarget.version('v1')] }, { targets: [TrafficTarget.version('v1')] }] });
    new AccessPolicy(mesh, 'access', { service: web, allow: [{ from: newService(mesh, 'client') }, { from: edge }] });
    new TelemetryStack(mesh, 'telemetry', { grafana: { serviceDashboards: [web] } });
    expect(synthErrors(mesh)).toEqual([]);
  });
});

/**
 * The rows of the hostile-input table: bad or edge inputs across every public construct, prop, method and
 * factory. The expected outcome is what Kubernetes, the CRDs' rules, istiod and Envoy do with the input,
 * not what the library does today:
 *
 * - a value the cluster refuses, that does something else than asked, or that a JavaScript caller could
 *   only pass by bypassing the types, is a coded `error`;
 * - a legal input that is almost surely a mistake is a coded `warning` (a coded error also meets it);
 * - a legal edge value (the longest name that fits, port 65535, a 0% weight) is `valid`.
 */
import { App, Duration, Size } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import { Expected, Row } from './hostile-harness';
import {
  AccessLogEncoding, AccessPolicy, CertificateAuthority, CircuitBreaker, DenyByDefault, EgressGateway, EgressScope, ExternalResolution,
  ExternalService, FaultInjection, GatewayServiceType, GrafanaRole, HeaderMatch, HttpMethod, ImageVariant, IngressGateway, Injection,
  IssuerKind, LoadBalancer, Mesh, MeshAnalyzer, MeshService, MeshServiceVersion, MeshTesting, MtlsMode, MtlsPolicy, OutboundTrafficPolicy,
  PolicyScope, PrometheusStorage, Protocol, ProxyLogLevel, QueryParamMatch, RateLimit, RetryOn, RetryPolicy, RevokedIdentities, ServiceTrafficPolicy,
  StringMatch, TelemetryPolicy, TelemetryStack, Timeout, TolerationEffect, TolerationOperator, TracingBackend, TrafficSplit, TrafficTarget,
} from '../../src';

/** Any value, as a JavaScript caller may pass it. */
const js = (x: unknown): any => x;

const HTTP = [{ port: 8080, protocol: Protocol.HTTP }];

/**
 * A mesh that lets every workload call every other unless a row says otherwise: the rows are about input, and
 * under deny-by-default (the library's default) a gateway route to a service without an AccessPolicy is an error.
 */
function mesh(app: App, props: any = {}): Mesh {
  return new Mesh(app, 'mesh', { denyByDefault: false, ...props });
}

function svc(scope: Mesh, name = 'web', props: any = {}, versions: string[] = ['v1'], options: any = {}): MeshService {
  const s = new MeshService(scope, name, { ports: HTTP, ...props });
  versions.forEach(v => s.addVersion(v, { image: `example/${name}:${v}`, ...options }));
  return s;
}

/** A mesh with service `web` (v1, v2) and one route made of `route`. */
function route(app: App, r: any): TrafficSplit {
  const ms = mesh(app);
  const s = svc(ms, 'web', {}, ['v1', 'v2']);
  // A route with matches is followed by a catch-all, as a user writes it (requests matching none would get 404).
  const catchAll = r.matches ? [{ targets: [TrafficTarget.version('v1')] }] : [];
  return new TrafficSplit(ms, 'split', { service: s, routes: [{ targets: [TrafficTarget.version('v1')], ...r }, ...catchAll] });
}

/** A mesh with service `web` whose only version has `options`. */
function version(app: App, options: any): void {
  svc(mesh(app), 'web', {}, ['v1'], options);
}

/** A mesh whose control plane has `options`. */
function controlPlane(app: App, options: any): void {
  mesh(app, { controlPlane: options });
}

/** A mesh with service `web` whose proxy has `options`. */
function proxy(app: App, options: any): void {
  svc(mesh(app), 'web', { proxy: options });
}

/** A mesh with service `web` and a telemetry stack of `props`. */
/** A gateway of `props` with a route to service `web` for each listener host (a host without a route is an error). */
function gateway(app: App, props: any = {}, Kind: any = IngressGateway): any {
  const ms = mesh(app);
  const gw = new Kind(ms, 'gw', props);
  gw.addRoute({ service: svc(ms) });
  return gw;
}

function telemetry(app: App, props: any): TelemetryStack {
  const ms = mesh(app);
  svc(ms, 'web');
  return new TelemetryStack(ms, 'telemetry', props);
}

const rows: Row[] = [];

function row(name: string, expect: Expected, build: (app: App) => unknown): void {
  rows.push({ name, expect, build });
}

// ---------------------------------------------------------------------------------------------------------
// Families of values

/** Values no DNS-1123 label (a namespace, a revision, a subset) may take, named. */
const NOT_LABELS: Array<[string, unknown]> = [
  ['empty', ''],
  ['a space', 'a b'],
  ['uppercase', 'Web'],
  ['a slash', 'a/b'],
  ['CR/LF', 'a\r\nb'],
  ['a dot', 'a.b'],
  ['a leading dash', '-a'],
  ['a trailing dash', 'a-'],
  ['64 characters', 'a'.repeat(64)],
  ['unicode', 'wéb'],
  ['an underscore', 'a_b'],
  ['a number', 42],
  ['an object', {}],
];
/** And not DNS-1035 labels either (a Service name): a leading digit. */
const NOT_SERVICE_NAMES: Array<[string, unknown]> = [...NOT_LABELS, ['a leading digit', '9lives']];
/** Values no DNS-1123 subdomain (a ServiceAccount, a Secret, a PriorityClass) may take. */
const NOT_SUBDOMAINS: Array<[string, unknown]> = [
  ['empty', ''],
  ['a space', 'a b'],
  ['uppercase', 'Web'],
  ['a slash', 'a/b'],
  ['CR/LF', 'a\r\nb'],
  ['a leading dot', '.a'],
  ['254 characters', 'a'.repeat(254)],
  ['unicode', 'wéb'],
  ['an underscore', 'a_b'],
  ['a number', 42],
];
/** Values no port may take. */
const NOT_PORTS: Array<[string, unknown]> = [
  ['0', 0],
  ['-1', -1],
  ['65536', 65536],
  ['1.5', 1.5],
  ['NaN', NaN],
  ['Infinity', Infinity],
  ['2**31', 2 ** 31],
  ['2**53', 2 ** 53],
  ["the string '8080'", '8080'],
];
/** Values no int32 count (replicas, connections, attempts) may take. */
const NOT_COUNTS: Array<[string, unknown]> = [
  ['-1', -1],
  ['1.5', 1.5],
  ['NaN', NaN],
  ['Infinity', Infinity],
  ['2**31', 2 ** 31],
  ['2**40', 2 ** 40],
  ['2**53', 2 ** 53],
  ["the string '3'", '3'],
];
/** Values no percentage (0 to 100) may take. */
const NOT_PERCENTAGES: Array<[string, unknown]> = [
  ['-1', -1],
  ['100.5', 100.5],
  ['101', 101],
  ['NaN', NaN],
  ['Infinity', Infinity],
  ["the string '50'", '50'],
];
/** Durations istiod or Envoy refuse, or no duration at all (a negative one cdk8s refuses itself, in the caller's code). */
const NOT_DURATIONS: Array<[string, () => unknown]> = [
  ['1000 years', () => Duration.days(365_000)],
  ['NaN seconds', () => Duration.seconds(NaN)],
  ['Infinity', () => Duration.seconds(Infinity)],
  ['below a millisecond (1ns)', () => Duration.millis(0.000001)],
  ["the string '5s'", () => '5s'],
  ['a plain object', () => ({ seconds: 5 })],
];

// ---------------------------------------------------------------------------------------------------------
// Names

for (const [what, value] of NOT_SERVICE_NAMES) {
  row(`MeshService serviceName: ${what}`, 'error', app => svc(mesh(app), 'web', { serviceName: value }));
  row(`MeshService.fromName serviceName: ${what}`, 'error', app => {
    const ms = mesh(app);
    const imported = MeshService.fromName(ms, 'ext', js(value), { namespace: 'other' });
    new AccessPolicy(ms, 'policy', { service: imported });
  });
}
for (const [what, value] of NOT_LABELS) {
  row(`MeshService namespace: ${what}`, 'error', app => svc(mesh(app), 'web', { namespace: value }));
  row(`MeshService.fromName namespace: ${what}`, 'error', app => {
    const ms = mesh(app);
    new AccessPolicy(ms, 'policy', { service: MeshService.fromName(ms, 'ext', 'ext', { namespace: js(value) }) });
  });
  row(`MeshService.addVersion name: ${what}`, 'error', app => {
    const s = svc(mesh(app), 'web', {}, []);
    s.addVersion(js(value), { image: 'example/web:1' });
  });
  row(`Mesh rootNamespace: ${what}`, 'error', app => mesh(app, { rootNamespace: value }));
  row(`Mesh defaultNamespace: ${what}`, 'error', app => svc(mesh(app, { defaultNamespace: value })));
  row(`ControlPlaneOptions revision: ${what}`, 'error', app => controlPlane(app, { revision: value }));
  row(`Mesh.addControlPlane revision: ${what}`, 'error', app => mesh(app).addControlPlane('canary', { revision: js(value) }));
  row(`IngressGateway namespace: ${what}`, 'error', app => new IngressGateway(mesh(app), 'gw', { namespace: js(value) }));
  row(`EgressGateway name: ${what}`, 'error', app => new EgressGateway(mesh(app), 'gw', { name: js(value) }));
  row(`ExternalService namespace: ${what}`, 'error', app => new ExternalService(mesh(app), 'ext', { hosts: ['api.example.com'], namespace: js(value) }));
  row(`DenyByDefault namespace: ${what}`, 'error', app => mesh(app).denyByDefault({ namespace: js(value) }));
  row(`PolicyScope.namespace: ${what}`, 'error', app => new MtlsPolicy(mesh(app), 'mtls', { mode: MtlsMode.STRICT, scope: PolicyScope.namespace(js(value)) }));
  row(`TelemetryStack namespace: ${what}`, 'error', app => telemetry(app, { namespace: value }));
  row(`TrafficTarget.version name: ${what}`, 'error', app => route(app, { targets: [TrafficTarget.version(js(value))] }));
}
for (const [what, value] of NOT_LABELS.filter(([w]) => !['a dot', '64 characters', 'unicode', 'a number', 'an object'].includes(w))) {
  // A gateway's name is a Service's and a Deployment's: a DNS-1035 label.
  row(`IngressGateway name: ${what}`, 'error', app => new IngressGateway(mesh(app), 'gw', { name: js(value) }));
  row(`ExternalService name: ${what}`, 'error', app => new ExternalService(mesh(app), 'ext', { hosts: ['api.example.com'], name: js(value) }));
  row(`EgressScope namespace: ${what}`, 'error', app => new EgressScope(mesh(app), 'scope', { namespace: js(value) }));
  row(`Mesh.setNamespaceRevision namespace: ${what}`, 'error', app => mesh(app).setNamespaceRevision(js(value), 'default'));
}
for (const [what, value] of NOT_SUBDOMAINS) {
  row(`MeshService serviceAccountName: ${what}`, 'error', app => svc(mesh(app), 'web', { serviceAccountName: value }));
  row(`ControlPlaneOptions priorityClassName: ${what}`, 'error', app => controlPlane(app, { priorityClassName: value }));
  row(`CertificateAuthority.pluginCerts secretName: ${what}`, 'error', app => controlPlane(app, { certificateAuthority: CertificateAuthority.pluginCerts({ secretName: js(value) }) }));
  row(`GrafanaOptions adminSecretName: ${what}`, 'error', app => telemetry(app, { grafana: { adminSecretName: value } }));
}
// Legal edge names
row('MeshService serviceName: 63 characters', 'valid', app => svc(mesh(app), 'web', { serviceName: `a${'b'.repeat(62)}` }));
row('MeshService serviceName: one letter', 'valid', app => svc(mesh(app), 'a'));
row('MeshService namespace: 63 characters', 'valid', app => svc(mesh(app), 'web', { namespace: 'n'.repeat(63) }));
row('MeshService namespace: a leading digit (a DNS-1123 label)', 'valid', app => svc(mesh(app), 'web', { namespace: '9lives' }));
row('MeshService serviceAccountName: a dotted subdomain', 'valid', app => svc(mesh(app), 'web', { serviceAccountName: 'web.sa' }));
row('MeshService.addVersion name: 1.2 is not a subset name', 'error', app => svc(mesh(app), 'web', {}, ['1.2']));
row('MeshService.addVersion name: 63 characters', 'valid', app => svc(mesh(app), 'web', {}, ['v'.repeat(63)]));
row('MeshService.addVersion name: a leading digit', 'valid', app => svc(mesh(app), 'web', {}, ['2024']));
row('ControlPlaneOptions revision: 1-30-3', 'valid', app => controlPlane(app, { revision: '1-30-3' }));
row('ControlPlaneOptions revision: 60 characters, istiod-<rev> past 63', 'error', app => controlPlane(app, { revision: 'r'.repeat(60) }));
row('ControlPlaneOptions revision: 20 characters', 'valid', app => controlPlane(app, { revision: 'r'.repeat(20) }));
row('IngressGateway name: 63 characters', 'valid', app => gateway(app, { name: `g${'w'.repeat(62)}` }));
row("Mesh trustDomain: 'a b'", 'error', app => mesh(app, { trustDomain: 'a b' }));
row("Mesh trustDomain: ''", 'error', app => mesh(app, { trustDomain: '' }));
row("Mesh trustDomain: 'a/b'", 'error', app => mesh(app, { trustDomain: 'a/b' }));
row("Mesh trustDomain: 'example.com'", 'valid', app => svc(mesh(app, { trustDomain: 'example.com' })));
row("Mesh clusterDomain: ''", 'error', app => svc(mesh(app, { clusterDomain: '' })));
row("Mesh clusterDomain: 'cluster local'", 'error', app => svc(mesh(app, { clusterDomain: 'cluster local' })));
row("Mesh clusterDomain: 'example.internal'", 'valid', app => svc(mesh(app, { clusterDomain: 'example.internal' })));
row('MeshService.fromName serviceAccountName: uppercase', 'error', app => {
  const ms = mesh(app);
  const web = svc(ms);
  new AccessPolicy(ms, 'policy', { service: web, allow: [{ from: MeshService.fromName(ms, 'ext', 'ext', { namespace: 'other', serviceAccountName: 'Ext' }) }] });
});

// ---------------------------------------------------------------------------------------------------------
// Ports and counts

for (const [what, value] of NOT_PORTS) {
  row(`MeshServicePort port: ${what}`, 'error', app => svc(mesh(app), 'web', { ports: [{ port: value, protocol: Protocol.HTTP }] }));
  row(`MeshServicePort targetPort: ${what}`, 'error', app => svc(mesh(app), 'web', { ports: [{ port: 80, targetPort: value, protocol: Protocol.HTTP }] }));
  row(`GatewayListener port: ${what}`, 'error', app => new IngressGateway(mesh(app), 'gw', { listeners: [{ port: js(value), protocol: Protocol.HTTP, hosts: ['*'] }] }));
  row(`ExternalPort port: ${what}`, 'error', app => new ExternalService(mesh(app), 'ext', { hosts: ['api.example.com'], ports: [{ port: js(value), protocol: Protocol.HTTPS }] }));
  row(`AccessOptions ports: ${what}`, 'error', app => {
    const ms = mesh(app);
    const web = svc(ms);
    new AccessPolicy(ms, 'policy', { service: web, allow: [{ from: svc(ms, 'client'), ports: [js(value)] }] });
  });
  row(`MtlsPolicy addPortOverride: ${what}`, 'error', app => {
    const ms = mesh(app);
    new MtlsPolicy(ms, 'mtls', { mode: MtlsMode.STRICT, scope: PolicyScope.workload(svc(ms)) }).addPortOverride(js(value), MtlsMode.PERMISSIVE);
  });
  row(`ProxyOptions excludeInboundPorts: ${what}`, 'error', app => proxy(app, { excludeInboundPorts: [value] }));
  row(`ProxyOptions includeOutboundPorts: ${what}`, 'error', app => proxy(app, { includeOutboundPorts: [value] }));
  row(`TracingBackend.openTelemetry port: ${what}`, 'error', app => telemetry(app, { tracing: TracingBackend.openTelemetry({ host: 'otel.observability.svc.cluster.local', port: js(value) }) }));
  row(`IngressGateway.addRoute port: ${what}`, 'error', app => {
    const ms = mesh(app);
    new IngressGateway(ms, 'gw').addRoute({ service: svc(ms), port: js(value) });
  });
}
for (const port of [15000, 15001, 15004, 15006, 15008, 15020, 15021, 15053, 15090]) {
  row(`MeshServicePort port: Istio's reserved ${port}`, 'error', app => svc(mesh(app), 'web', { ports: [{ port, protocol: Protocol.HTTP }] }));
  row(`MeshServicePort targetPort: Istio's reserved ${port}`, 'error', app => svc(mesh(app), 'web', { ports: [{ port: 80, targetPort: port, protocol: Protocol.HTTP }] }));
}
for (const port of [15021, 15090, 15000]) {
  row(`GatewayListener port: Istio's reserved ${port}`, 'error', app => new IngressGateway(mesh(app), 'gw', { listeners: [{ port, protocol: Protocol.HTTP, hosts: ['*'] }] }));
}
row('MeshServicePort port: 1', 'valid', app => svc(mesh(app), 'web', { ports: [{ port: 1, protocol: Protocol.HTTP }] }));
row('MeshServicePort port: 65535', 'valid', app => svc(mesh(app), 'web', { ports: [{ port: 65535, protocol: Protocol.HTTP }] }));
row('MeshServicePort targetPort: 65535', 'valid', app => svc(mesh(app), 'web', { ports: [{ port: 80, targetPort: 65535, protocol: Protocol.HTTP }] }));
row('MeshServicePort: two ports numbered alike', 'error', app => svc(mesh(app), 'web', { ports: [{ port: 80, protocol: Protocol.HTTP }, { port: 80, protocol: Protocol.TCP }] }));
row('MeshServicePort: two ports named alike', 'error', app => svc(mesh(app), 'web', { ports: [{ port: 80, name: 'http', protocol: Protocol.HTTP }, { port: 81, name: 'http', protocol: Protocol.HTTP }] }));
row('MeshServicePort name: uppercase', 'error', app => svc(mesh(app), 'web', { ports: [{ port: 80, name: 'HTTP', protocol: Protocol.HTTP }] }));
// A Service port's name is a DNS-1123 label (63 characters; Kubernetes validateServicePort, ServicePort.name "must be a
// DNS_LABEL"); the 15-character IANA_SVC_NAME limit is a container port's, and versions' container ports carry no name.
// The cluster accepts it and Istio reads the protocol from its prefix: it was expected to fail by mistake.
row('MeshServicePort name: 16 characters', 'valid', app => svc(mesh(app), 'web', { ports: [{ port: 80, name: 'http-aaaaaaaaaaa', protocol: Protocol.HTTP }] }));
row('MeshServicePort name: 15 characters', 'valid', app => svc(mesh(app), 'web', { ports: [{ port: 80, name: 'http-aaaaaaaaaa', protocol: Protocol.HTTP }] }));
row('MeshServiceProps ports: empty', 'error', app => svc(mesh(app), 'web', { ports: [] }));
row('MeshServiceProps ports: undefined', 'error', app => svc(mesh(app), 'web', { ports: undefined }));
row('MeshServiceProps ports: a number', 'error', app => svc(mesh(app), 'web', { ports: 8080 }));
row('MeshServiceProps ports: [null]', 'error', app => svc(mesh(app), 'web', { ports: [null] }));
row('GatewayListener: two listeners on one port', 'error', app => new IngressGateway(mesh(app), 'gw', {
  listeners: [{ port: 80, protocol: Protocol.HTTP, hosts: ['a.example.com'] }, { port: 80, protocol: Protocol.HTTPS, hosts: ['b.example.com'], credentialName: 'cert' }],
}));
row('GatewayListener: 80 and 8080, which map to one target port', 'error', app => new IngressGateway(mesh(app), 'gw', {
  listeners: [{ port: 80, protocol: Protocol.HTTP, hosts: ['a.example.com'] }, { port: 8080, protocol: Protocol.HTTP, hosts: ['b.example.com'] }],
}));
row('GatewayListener port: 65535', 'valid', app => gateway(app, { listeners: [{ port: 65535, protocol: Protocol.HTTP, hosts: ['*'] }] }));
row('IngressGateway listeners: empty (a Gateway with no servers)', 'error', app => new IngressGateway(mesh(app), 'gw', { listeners: [] }));
row('ExternalService ports: the same port twice', 'error', app => new ExternalService(mesh(app), 'ext', { hosts: ['api.example.com'], ports: [{ port: 443, protocol: Protocol.HTTPS }, { port: 443, protocol: Protocol.HTTPS }] }));
row('ExternalService ports: 443 as HTTPS and TLS', 'error', app => new ExternalService(mesh(app), 'ext', { hosts: ['api.example.com'], ports: [{ port: 443, protocol: Protocol.HTTPS }, { port: 443, protocol: Protocol.TLS }] }));

const COUNTS: Array<[string, (app: App, v: unknown) => unknown]> = [
  ['VersionOptions replicas', (app, v) => version(app, { replicas: v })],
  ['VersionOptions user', (app, v) => version(app, { user: v })],
  ['ControlPlaneOptions replicas', (app, v) => controlPlane(app, { replicas: v })],
  ['ControlPlaneAutoscaling minReplicas', (app, v) => controlPlane(app, { autoscaling: { minReplicas: v, maxReplicas: 2 ** 30 } })],
  ['ControlPlaneAutoscaling maxReplicas', (app, v) => controlPlane(app, { autoscaling: { minReplicas: 1, maxReplicas: v } })],
  ['GatewayOptions replicas', (app, v) => new IngressGateway(mesh(app), 'gw', { replicas: js(v) })],
  ['ProxyOptions concurrency', (app, v) => proxy(app, { concurrency: v })],
  ['RetryPolicyOptions attempts', (app, v) => route(app, { retries: RetryPolicy.of({ attempts: js(v) }) })],
  ['CircuitBreakerOptions maxConnections', (app, v) => svc(mesh(app), 'web', { circuitBreaker: CircuitBreaker.of({ maxConnections: js(v) }) })],
  ['CircuitBreakerOptions maxPendingRequests', (app, v) => svc(mesh(app), 'web', { circuitBreaker: CircuitBreaker.of({ maxPendingRequests: js(v) }) })],
  ['CircuitBreakerOptions maxRequests', (app, v) => svc(mesh(app), 'web', { circuitBreaker: CircuitBreaker.of({ maxRequests: js(v) }) })],
  ['CircuitBreakerOptions maxRequestsPerConnection', (app, v) => svc(mesh(app), 'web', { circuitBreaker: CircuitBreaker.of({ maxRequestsPerConnection: js(v) }) })],
  ['CircuitBreakerOptions maxRetries', (app, v) => svc(mesh(app), 'web', { circuitBreaker: CircuitBreaker.of({ maxRetries: js(v) }) })],
  ['CircuitBreakerOptions consecutiveErrors', (app, v) => svc(mesh(app), 'web', { circuitBreaker: CircuitBreaker.of({ consecutiveErrors: js(v) }) })],
  ['RateLimitProps requests', (app, v) => { const ms = mesh(app); new RateLimit(ms, 'limit', { service: svc(ms), requests: js(v) }); }],
  ['RateLimitProps burst', (app, v) => { const ms = mesh(app); new RateLimit(ms, 'limit', { service: svc(ms), requests: 10, burst: js(v) }); }],
  ['TracingBackend.jaeger maxTraces', (app, v) => telemetry(app, { tracing: TracingBackend.jaeger({ maxTraces: js(v) }) })],
  ['TracingBackend.zipkin maxSpans', (app, v) => telemetry(app, { tracing: TracingBackend.zipkin({ maxSpans: js(v) }) })],
];
for (const [target, build] of COUNTS) {
  for (const [what, value] of NOT_COUNTS) {
    // A rate limit's requests and burst are Envoy's token bucket tokens_per_fill and max_tokens, both uint32
    // (envoy/type/v3/token_bucket.proto): 2**31 is a legal bucket, rendered as the user asked. These rows
    // expected an error before; 2**32 is the first value Envoy refuses.
    const uint32 = target.startsWith('RateLimitProps') && value === 2 ** 31;
    row(`${target}: ${what}`, uint32 ? 'valid' : 'error', app => build(app, value));
  }
}
row('RateLimitProps requests: 2**32 (above uint32)', 'error', app => { const ms = mesh(app); new RateLimit(ms, 'limit', { service: svc(ms), requests: 2 ** 32 }); });
row('RateLimitProps burst: 2**32 (above uint32)', 'error', app => { const ms = mesh(app); new RateLimit(ms, 'limit', { service: svc(ms), requests: 10, burst: 2 ** 32 }); });
row('VersionOptions replicas: 0 (scaled to zero)', 'valid', app => version(app, { replicas: 0 }));
row('VersionOptions replicas: 2**31-1', 'valid', app => version(app, { replicas: 2 ** 31 - 1 }));
row('VersionOptions user: 0 (root, refused by runAsNonRoot at pod start)', 'error', app => version(app, { user: 0 }));
row('CircuitBreakerOptions maxConnections: 2**31-1', 'valid', app => svc(mesh(app), 'web', { circuitBreaker: CircuitBreaker.of({ maxConnections: 2 ** 31 - 1 }) }));
row('RetryPolicyOptions attempts: 0 (no retries)', 'valid', app => route(app, { retries: RetryPolicy.of({ attempts: 0 }) }));
row('RetryPolicyOptions attempts: 2**31-1', 'valid', app => route(app, { retries: RetryPolicy.of({ attempts: 2 ** 31 - 1 }) }));
row('ControlPlaneAutoscaling: minReplicas above maxReplicas', 'error', app => controlPlane(app, { autoscaling: { minReplicas: 5, maxReplicas: 2 } }));
row('ControlPlaneAutoscaling targetCpuUtilization: 0', 'error', app => controlPlane(app, { autoscaling: { targetCpuUtilization: 0 } }));
row('ControlPlaneAutoscaling targetCpuUtilization: NaN', 'error', app => controlPlane(app, { autoscaling: { targetCpuUtilization: NaN } }));
row('ControlPlaneAutoscaling targetCpuUtilization: 2**31', 'error', app => controlPlane(app, { autoscaling: { targetCpuUtilization: 2 ** 31 } }));
row('ControlPlaneAutoscaling targetCpuUtilization: 150 (legal above 100)', 'valid', app => controlPlane(app, { autoscaling: { targetCpuUtilization: 150 } }));
row('ControlPlaneAutoscaling minReplicas: 0', 'error', app => controlPlane(app, { autoscaling: { minReplicas: 0, maxReplicas: 2 } }));
row('GatewayOptions replicas: 0', 'valid', app => gateway(app, { replicas: 0 }));
row('ProxyOptions concurrency: 0 (one worker per core)', 'valid', app => proxy(app, { concurrency: 0 }));
row('RateLimitProps requests: 0', 'error', app => { const ms = mesh(app); new RateLimit(ms, 'limit', { service: svc(ms), requests: 0 }); });
row('RateLimitProps requests: undefined', 'error', app => { const ms = mesh(app); new RateLimit(ms, 'limit', js({ service: svc(ms) })); });
row('RateLimitProps burst: below requests', 'error', app => { const ms = mesh(app); new RateLimit(ms, 'limit', { service: svc(ms), requests: 10, burst: 5 }); });
row('RateLimitProps: 2**31-1 requests', 'valid', app => { const ms = mesh(app); new RateLimit(ms, 'limit', { service: svc(ms), requests: 2 ** 31 - 1 }); });

// ---------------------------------------------------------------------------------------------------------
// Percentages, weights, statuses

const PERCENTAGES: Array<[string, (app: App, v: unknown) => unknown]> = [
  ['MirrorOptions percentage', (app, v) => route(app, { mirror: { version: 'v2', percentage: v } })],
  ['FaultInjection.delay percentage', (app, v) => route(app, { fault: FaultInjection.delay(Duration.seconds(1), js(v)) })],
  ['FaultInjection.abort percentage', (app, v) => route(app, { fault: FaultInjection.abort(503, js(v)) })],
  ['CircuitBreakerOptions maxEjectionPercent', (app, v) => svc(mesh(app), 'web', { circuitBreaker: CircuitBreaker.of({ consecutiveErrors: 5, maxEjectionPercent: js(v) }) })],
  ['TelemetryStackProps samplingPercentage', (app, v) => telemetry(app, { tracing: TracingBackend.jaeger(), samplingPercentage: v })],
  ['TracingSettings samplingPercentage', (app, v) => new TelemetryPolicy(telemetry(app, { tracing: TracingBackend.jaeger() }).node.scope!, 'policy', { scope: PolicyScope.namespace('default'), tracing: { samplingPercentage: js(v) } })],
];
for (const [target, build] of PERCENTAGES) {
  for (const [what, value] of NOT_PERCENTAGES) {
    row(`${target}: ${what}`, 'error', app => build(app, value));
  }
  row(`${target}: 0`, 'valid', app => build(app, 0));
  row(`${target}: 100`, 'valid', app => build(app, 100));
}
row('MirrorOptions percentage: 0.5', 'valid', app => route(app, { mirror: { version: 'v2', percentage: 0.5 } }));
row('TelemetryStackProps samplingPercentage: 0.01', 'valid', app => telemetry(app, { tracing: TracingBackend.jaeger(), samplingPercentage: 0.01 }));
for (const [what, value] of [['-1', -1], ['101', 101], ['1.5', 1.5], ['NaN', NaN], ["the string '50'", '50'], ['2**31', 2 ** 31]] as Array<[string, unknown]>) {
  row(`TrafficTarget.version weight: ${what}`, 'error', app => route(app, { targets: [TrafficTarget.version('v1', js(value)), TrafficTarget.version('v2', 50)] }));
}
row('TrafficTarget weights: 0 and 100', 'valid', app => route(app, { targets: [TrafficTarget.version('v1', 100), TrafficTarget.version('v2', 0)] }));
row('TrafficTarget weights: 99 and 1', 'valid', app => route(app, { targets: [TrafficTarget.version('v1', 99), TrafficTarget.version('v2', 1)] }));
row('TrafficTarget weights: summing to 90', 'error', app => route(app, { targets: [TrafficTarget.version('v1', 50), TrafficTarget.version('v2', 40)] }));
row('TrafficTarget weights: summing to 110', 'error', app => route(app, { targets: [TrafficTarget.version('v1', 60), TrafficTarget.version('v2', 50)] }));
row('TrafficTarget weights: all 0', 'error', app => route(app, { targets: [TrafficTarget.version('v1', 0), TrafficTarget.version('v2', 0)] }));
row('TrafficTarget: one version twice', 'error', app => route(app, { targets: [TrafficTarget.version('v1', 50), TrafficTarget.version('v1', 50)] }));
row('TrafficTarget: an unknown version', 'error', app => route(app, { targets: [TrafficTarget.version('v9')] }));
row('HttpRouteOptions targets: empty', 'error', app => route(app, { targets: [] }));
row('HttpRouteOptions targets: undefined', 'error', app => route(app, { targets: undefined }));
row("HttpRouteOptions targets: the strings ['v1']", 'error', app => route(app, { targets: ['v1'] }));
row('MirrorOptions version: the routed version itself', 'error', app => route(app, { mirror: { version: 'v1' } }));
row('MirrorOptions version: unknown', 'error', app => route(app, { mirror: { version: 'v9' } }));
for (const [what, value] of [['0', 0], ['199', 199], ['601', 601], ['1.5', 1.5], ['NaN', NaN], ["the string '503'", '503'], ['-503', -503]] as Array<[string, unknown]>) {
  row(`FaultInjection.abort httpStatus: ${what}`, 'error', app => route(app, { fault: FaultInjection.abort(js(value)) }));
}
row('FaultInjection.abort httpStatus: 200', 'valid', app => route(app, { fault: FaultInjection.abort(200) }));
row('FaultInjection.abort httpStatus: 599', 'valid', app => route(app, { fault: FaultInjection.abort(599) }));
row('FaultInjection.of: neither delay nor abort', 'error', app => route(app, { fault: FaultInjection.of({}) }));
row('FaultInjection.of: delay and abort', 'valid', app => route(app, { fault: FaultInjection.of({ delay: { fixedDelay: Duration.seconds(1), percentage: 10 }, abort: { httpStatus: 503, percentage: 10 } }) }));
row('FaultInjection.of abort httpStatus: undefined', 'error', app => route(app, { fault: FaultInjection.of(js({ abort: {} })) }));
row('FaultInjection.of delay fixedDelay: undefined', 'error', app => route(app, { fault: FaultInjection.of(js({ delay: {} })) }));
row('HttpRouteOptions fault: a plain object', 'error', app => route(app, { fault: { abort: { httpStatus: 503 } } }));

// ---------------------------------------------------------------------------------------------------------
// Durations

const DURATIONS: Array<[string, (app: App, d: any) => unknown]> = [
  ['Timeout.of', (app, d) => route(app, { timeout: Timeout.of(d) })],
  ['RetryPolicyOptions perTryTimeout', (app, d) => route(app, { retries: RetryPolicy.of({ attempts: 2, perTryTimeout: d }) })],
  ['CircuitBreakerOptions connectTimeout', (app, d) => svc(mesh(app), 'web', { circuitBreaker: CircuitBreaker.of({ maxConnections: 10, connectTimeout: d }) })],
  ['CircuitBreakerOptions interval', (app, d) => svc(mesh(app), 'web', { circuitBreaker: CircuitBreaker.of({ consecutiveErrors: 5, interval: d }) })],
  ['CircuitBreakerOptions baseEjectionTime', (app, d) => svc(mesh(app), 'web', { circuitBreaker: CircuitBreaker.of({ consecutiveErrors: 5, baseEjectionTime: d }) })],
  ['FaultInjection.delay fixedDelay', (app, d) => route(app, { fault: FaultInjection.delay(d) })],
  ['LoadBalancer.consistentHashByCookie ttl', (app, d) => svc(mesh(app), 'web', { loadBalancer: LoadBalancer.consistentHashByCookie('session', { ttl: d }) })],
  ['RateLimitProps per', (app, d) => { const ms = mesh(app); new RateLimit(ms, 'limit', { service: svc(ms), requests: 10, per: d }); }],
  ['ControlPlaneOptions keepaliveMaxServerConnectionAge', (app, d) => controlPlane(app, { keepaliveMaxServerConnectionAge: d })],
  ['CertificateAuthority.selfSigned workloadCertTtl', (app, d) => controlPlane(app, { certificateAuthority: CertificateAuthority.selfSigned({ workloadCertTtl: d }) })],
  ['CertificateAuthority.selfSigned maxWorkloadCertTtl', (app, d) => controlPlane(app, { certificateAuthority: CertificateAuthority.selfSigned({ maxWorkloadCertTtl: d }) })],
  ['CertManagerIntermediateCa duration', (app, d) => controlPlane(app, { certificateAuthority: CertificateAuthority.certManager({ intermediateCa: { issuerName: 'root', duration: d } }) })],
  ['PrometheusOptions retention', (app, d) => telemetry(app, { prometheus: { retention: d } })],
  ['PrometheusOptions scrapeInterval', (app, d) => telemetry(app, { prometheus: { scrapeInterval: d } })],
];
for (const [target, build] of DURATIONS) {
  for (const [what, value] of NOT_DURATIONS) {
    row(`${target}: ${what}`, 'error', app => build(app, value()));
  }
  row(`${target}: undefined where a Duration is expected`, target === 'Timeout.of' || target === 'FaultInjection.delay fixedDelay' ? 'error' : 'valid', app => build(app, undefined));
}
row('Timeout.of: 0 (istiod wants at least 1ms)', 'error', app => route(app, { timeout: Timeout.of(Duration.millis(0)) }));
row('Timeout.of: 1ms', 'valid', app => route(app, { timeout: Timeout.of(Duration.millis(1)) }));
row('Timeout.of: 1.5ms (istiod wants whole milliseconds)', 'error', app => route(app, { timeout: Timeout.of(Duration.millis(1.5)) }));
row('Timeout.of: 10 years', 'valid', app => route(app, { timeout: Timeout.of(Duration.days(3650)) }));
row('Timeout.of(undefined)', 'error', () => Timeout.of(js(undefined)));
row('RetryPolicy.of()', 'error', () => js(RetryPolicy).of());
row('RetryPolicy.none on a route', 'valid', app => route(app, { retries: RetryPolicy.none() }));
row('RetryPolicyOptions: perTryTimeout longer than the route timeout', 'warning', app => route(app, {
  timeout: Timeout.of(Duration.seconds(1)), retries: RetryPolicy.of({ attempts: 3, perTryTimeout: Duration.seconds(5) }),
}));
row('RetryPolicyOptions perTryTimeout: 1ms', 'valid', app => route(app, { retries: RetryPolicy.of({ attempts: 2, perTryTimeout: Duration.millis(1) }) }));
row('RateLimitProps per: 1ms (Envoy wants at least 50ms)', 'error', app => { const ms = mesh(app); new RateLimit(ms, 'limit', { service: svc(ms), requests: 10, per: Duration.millis(1) }); });
row('RateLimitProps per: 50ms', 'valid', app => { const ms = mesh(app); new RateLimit(ms, 'limit', { service: svc(ms), requests: 10, per: Duration.millis(50) }); });
row('CertificateAuthority.selfSigned: workloadCertTtl above maxWorkloadCertTtl', 'error', app => controlPlane(app, {
  certificateAuthority: CertificateAuthority.selfSigned({ workloadCertTtl: Duration.days(10), maxWorkloadCertTtl: Duration.days(1) }),
}));
row('CircuitBreakerOptions connectTimeout: 1ms', 'valid', app => svc(mesh(app), 'web', { circuitBreaker: CircuitBreaker.of({ connectTimeout: Duration.millis(1) }) }));
row('LoadBalancer.consistentHashByCookie ttl: 0 (a session cookie)', 'valid', app => svc(mesh(app), 'web', { loadBalancer: LoadBalancer.consistentHashByCookie('session', { ttl: Duration.seconds(0) }) }));

// ---------------------------------------------------------------------------------------------------------
// Enums and unions from JavaScript

const ENUMS: Array<[string, Array<[unknown, string]>, (app: App, v: any) => unknown]> = [
  ['MeshProps mtls', [['strict', 'lower case'], ['UNSET', 'not a mode of the library'], [1, 'a number']], (app, v) => mesh(app, { mtls: v })],
  ['MeshProps outboundTrafficPolicy', [['DENY', 'unknown'], ['allow_any', 'lower case']], (app, v) => mesh(app, { outboundTrafficPolicy: v })],
  ['MeshServicePort protocol', [['udp', 'unknown'], ['HTTP', 'upper case']], (app, v) => svc(mesh(app), 'web', { ports: [{ port: 80, protocol: v }] })],
  ['ControlPlaneOptions variant', [['alpine', 'unknown'], ['DISTROLESS', 'upper case']], (app, v) => controlPlane(app, { variant: v })],
  ['GatewayOptions serviceType', [['External', 'unknown'], ['loadbalancer', 'lower case']], (app, v) => new IngressGateway(mesh(app), 'gw', { serviceType: v })],
  ['RetryPolicyOptions retryOn', [['5XX', 'upper case'], ['sometimes', 'unknown'], ['5xx,reset', 'a list in one string']], (app, v) => route(app, { retries: RetryPolicy.of({ attempts: 2, retryOn: [v] }) })],
  ['RouteMatch method', [['get', 'lower case'], ['FETCH', 'unknown'], ['', 'empty']], (app, v) => route(app, { matches: [{ method: v }] })],
  ['AccessOptions methods', [['get', 'lower case'], ['FETCH', 'unknown']], (app, v) => {
    const ms = mesh(app);
    new AccessPolicy(ms, 'policy', { service: svc(ms), allow: [{ from: svc(ms, 'client'), methods: [v] }] });
  }],
  ['ProxyOptions logLevel', [['verbose', 'unknown'], ['WARNING', 'upper case'], ['warn', 'not an Envoy level']], (app, v) => proxy(app, { logLevel: v })],
  ['GrafanaOptions anonymousRole', [['Admin', 'Admin'], ['viewer', 'lower case']], (app, v) => telemetry(app, { grafana: { anonymousRole: v } })],
  ['AccessLogOptions encoding', [['XML', 'unknown'], ['json', 'lower case']], (app, v) => telemetry(app, { accessLogging: { encoding: v } })],
  ['ExternalServiceProps resolution', [['STATIC', 'not offered'], ['dns', 'lower case']], (app, v) => new ExternalService(mesh(app), 'ext', { hosts: ['api.example.com'], resolution: v })],
  ['ControlPlaneToleration operator', [['In', 'unknown'], ['exists', 'lower case']], (app, v) => controlPlane(app, { tolerations: [{ key: 'k', operator: v }] })],
  ['ControlPlaneToleration effect', [['Evict', 'unknown'], ['noschedule', 'lower case']], (app, v) => controlPlane(app, { tolerations: [{ key: 'k', effect: v }] })],
  ['CertManagerIntermediateCa issuerKind', [['Cluster', 'unknown'], ['issuer', 'lower case']], (app, v) => controlPlane(app, {
    certificateAuthority: CertificateAuthority.certManager({ intermediateCa: { issuerName: 'root', issuerKind: v } }),
  })],
  ['VersionOptions imagePullPolicy', [['Sometimes', 'unknown'], ['always', 'lower case']], (app, v) => version(app, { imagePullPolicy: v })],
  ['MtlsPolicyProps mode', [['strict', 'lower case'], ['UNSET', 'unknown'], [undefined, 'undefined']], (app, v) => new MtlsPolicy(mesh(app), 'mtls', { mode: v, scope: PolicyScope.mesh() })],
  ['PortMtls mode', [['permissive', 'lower case']], (app, v) => {
    const ms = mesh(app);
    new MtlsPolicy(ms, 'mtls', { mode: MtlsMode.STRICT, scope: PolicyScope.workload(svc(ms)), portOverrides: [{ port: 8080, mode: v }] });
  }],
  ['EgressScopeProps outboundTrafficPolicy', [['DENY', 'unknown']], (app, v) => new EgressScope(mesh(app), 'scope', { outboundTrafficPolicy: v })],
];
for (const [target, values, build] of ENUMS) {
  for (const [value, what] of values) {
    row(`${target}: ${JSON.stringify(value)} (${what})`, 'error', app => build(app, value));
  }
}
// 'http2' is the value of Protocol.HTTP2, which service ports offer: Istio selects HTTP/2 by the port name prefix
// 'http2' (https://istio.io/latest/docs/ops/configuration/traffic-management/protocol-selection/), so a
// JavaScript caller writing the string gets what it asked for. It was listed as "not offered" by mistake.
row('MeshServicePort protocol: "http2" (not offered)', 'valid', app => svc(mesh(app), 'web', { ports: [{ port: 80, protocol: 'http2' }] }));
// Every legal enum value (a runtime check must not refuse them).
for (const mode of Object.values(MtlsMode)) row(`MeshProps mtls: ${mode}`, 'valid', app => svc(mesh(app, { mtls: mode })));
for (const p of Object.values(OutboundTrafficPolicy)) row(`MeshProps outboundTrafficPolicy: ${p}`, 'valid', app => svc(mesh(app, { outboundTrafficPolicy: p })));
for (const p of Object.values(Protocol)) row(`MeshServicePort protocol: ${p}`, 'valid', app => svc(mesh(app), 'web', { ports: [{ port: 8443, protocol: p }] }));
for (const v of Object.values(ImageVariant)) row(`ControlPlaneOptions variant: '${v}'`, 'valid', app => controlPlane(app, { variant: v }));
for (const t of Object.values(GatewayServiceType)) row(`GatewayOptions serviceType: ${t}`, 'valid', app => gateway(app, { serviceType: t }));
row('RetryPolicyOptions retryOn: every RetryOn', 'valid', app => route(app, { retries: RetryPolicy.of({ attempts: 2, retryOn: Object.values(RetryOn) }) }));
for (const method of Object.values(HttpMethod)) row(`RouteMatch method: ${method}`, 'valid', app => route(app, { matches: [{ method }] }));
for (const level of Object.values(ProxyLogLevel)) row(`ProxyOptions logLevel: ${level}`, 'valid', app => proxy(app, { logLevel: level }));
for (const role of Object.values(GrafanaRole)) row(`GrafanaOptions anonymousRole: ${role}`, 'valid', app => telemetry(app, { grafana: { anonymousRole: role } }));
for (const e of Object.values(AccessLogEncoding)) row(`AccessLogOptions encoding: ${e}`, 'valid', app => telemetry(app, { accessLogging: { encoding: e } }));
for (const r of Object.values(ExternalResolution)) row(`ExternalServiceProps resolution: ${r}`, 'valid', app => new ExternalService(mesh(app), 'ext', { hosts: ['api.example.com'], ports: [{ port: 443, protocol: Protocol.TLS }], resolution: r }));
for (const e of Object.values(TolerationEffect)) row(`ControlPlaneToleration effect: ${e}`, 'valid', app => controlPlane(app, { tolerations: [{ key: 'dedicated', operator: TolerationOperator.EQUAL, value: 'istio', effect: e }] }));
row('ControlPlaneToleration operator: Exists with no value', 'valid', app => controlPlane(app, { tolerations: [{ key: 'dedicated', operator: TolerationOperator.EXISTS }] }));
row('ControlPlaneToleration operator: Exists with a value', 'error', app => controlPlane(app, { tolerations: [{ key: 'dedicated', operator: TolerationOperator.EXISTS, value: 'x' }] }));
row("ControlPlaneToleration key: 'bad key!'", 'error', app => controlPlane(app, { tolerations: [{ key: 'bad key!' }] }));
row('ControlPlaneToleration value: 64 characters', 'error', app => controlPlane(app, { tolerations: [{ key: 'k', value: 'v'.repeat(64) }] }));
for (const k of Object.values(IssuerKind)) row(`CertManagerIntermediateCa issuerKind: ${k}`, 'valid', app => controlPlane(app, { certificateAuthority: CertificateAuthority.certManager({ intermediateCa: { issuerName: 'root', issuerKind: k } }) }));
for (const p of Object.values(kplus.ImagePullPolicy)) row(`VersionOptions imagePullPolicy: ${p}`, 'valid', app => version(app, { imagePullPolicy: p }));

// ---------------------------------------------------------------------------------------------------------
// Control plane: log levels, images, resources, node selection

for (const level of ['debug', 'info', 'warn', 'error', 'none', 'default:debug', 'ads:warn,default:info']) {
  row(`ControlPlaneOptions logLevel: '${level}'`, 'valid', app => controlPlane(app, { logLevel: level }));
}
for (const level of ['default:verbose', 'verbose', 'WARN', '', 'default:', ':info', 'default:info;ads:debug', 'info\n']) {
  row(`ControlPlaneOptions logLevel: ${JSON.stringify(level)}`, 'error', app => controlPlane(app, { logLevel: level }));
}
row("ProxyOptions componentLogLevel: 'misc:error'", 'valid', app => proxy(app, { componentLogLevel: 'misc:error' }));
row("ProxyOptions componentLogLevel: 'misc:verbose'", 'error', app => proxy(app, { componentLogLevel: 'misc:verbose' }));
// Envoy exits on a logger it does not have, but its logger ids (ALL_LOGGER_IDS in source/common/common/logger.h) change
// with every Envoy release, and no list for the Envoy of Istio 1.30.3 could be pinned: a stale list would refuse loggers
// the proxy has. The library checks the '<component>:<level>' syntax and the level (MESH0029), not the component.
row("ProxyOptions componentLogLevel: 'nosuchlogger:info'", 'valid', app => proxy(app, { componentLogLevel: 'nosuchlogger:info' }));
const BAD_IMAGES: Array<[string, string]> = [
  ['a space', 'example/we b:1'], ['an uppercase repository', 'Example/Web:1'], ['two tags', 'example/web:1:2'], ['empty', ''],
  ['only a tag', ':1'], ['a trailing colon', 'example/web:'], ['CR/LF', 'example/web:1\n'], ['a 129-character tag', `example/web:${'t'.repeat(129)}`],
  ['a bad digest', 'example/web@sha256:xyz'],
];
for (const [what, image] of BAD_IMAGES) {
  row(`VersionOptions image: ${what}`, 'error', app => version(app, { image }));
  row(`TelemetryComponentOptions image (Grafana): ${what}`, 'error', app => telemetry(app, { grafana: { image } }));
}
row('VersionOptions image: a registry with a port and a digest', 'valid', app => version(app, { image: `registry.example.com:5000/team/web@sha256:${'a'.repeat(64)}` }));
row('VersionOptions image: no tag', 'valid', app => version(app, { image: 'nginx' }));
row('VersionOptions image: undefined', 'error', app => version(app, { image: undefined }));
row('MeshService.addVersion options: undefined', 'error', app => svc(mesh(app), 'web', {}, []).addVersion('v1', js(undefined)));
for (const [what, hub] of [['empty', ''], ['a space', 'docker io/istio'], ['uppercase', 'Docker.io/Istio'], ['a trailing slash', 'docker.io/istio/'], ['a tag', 'docker.io/istio:1']] as Array<[string, string]>) {
  row(`MeshProps hub: ${what}`, 'error', app => mesh(app, { hub }));
  row(`ControlPlaneOptions hub: ${what}`, 'error', app => controlPlane(app, { hub }));
}
for (const [what, tag] of [['empty', ''], ['a space', '1.30 .3'], ['a colon', '1.30:3'], ['129 characters', 't'.repeat(129)], ['a leading dot', '.1']] as Array<[string, string]>) {
  row(`MeshProps tag: ${what}`, 'error', app => mesh(app, { tag }));
  row(`ControlPlaneOptions tag: ${what}`, 'error', app => controlPlane(app, { tag }));
}
row("MeshProps hub: 'gcr.io/istio-release'", 'valid', app => svc(mesh(app, { hub: 'gcr.io/istio-release' })));
row("MeshProps version: '1.29.0' (the CRDs shipped are 1.30.3's)", 'error', app => mesh(app, { version: '1.29.0' }));
row("MeshProps version: 'latest'", 'error', app => mesh(app, { version: 'latest' }));
row("MeshProps version: '1.30.3'", 'valid', app => svc(mesh(app, { version: '1.30.3' })));
const cpu = (request: number, limit: number) => ({ cpu: { request: kplus.Cpu.millis(request), limit: kplus.Cpu.millis(limit) } });
const memory = (request: number, limit: number) => ({ memory: { request: Size.mebibytes(request), limit: Size.mebibytes(limit) } });
row('VersionOptions resources: a CPU request above its limit', 'error', app => version(app, { resources: cpu(500, 100) }));
row('VersionOptions resources: a memory request above its limit', 'error', app => version(app, { resources: memory(512, 128) }));
row('VersionOptions resources: request equal to limit', 'valid', app => version(app, { resources: { ...cpu(100, 100), ...memory(128, 128) } }));
row('ControlPlaneOptions resources: a CPU request above its limit', 'error', app => controlPlane(app, { resources: cpu(500, 100) }));
row('ProxyOptions resources: a memory request above its limit', 'error', app => proxy(app, { resources: memory(512, 128) }));
row('ProxyOptions resources: a negative CPU', 'error', app => proxy(app, { resources: { cpu: { request: kplus.Cpu.millis(-1) } } }));
row('TelemetryComponentOptions resources (Prometheus): a CPU request above its limit', 'error', app => telemetry(app, { prometheus: { resources: cpu(500, 100) } }));
row("ControlPlaneOptions nodeSelector: key 'bad key!'", 'error', app => controlPlane(app, { nodeSelector: { 'bad key!': 'x' } }));
row('ControlPlaneOptions nodeSelector: value with a space', 'error', app => controlPlane(app, { nodeSelector: { 'kubernetes.io/os': 'li nux' } }));
row('ControlPlaneOptions nodeSelector: empty key', 'error', app => controlPlane(app, { nodeSelector: { '': 'x' } }));
row('ControlPlaneOptions nodeSelector: kubernetes.io/os=linux', 'valid', app => controlPlane(app, { nodeSelector: { 'kubernetes.io/os': 'linux' } }));
row('ControlPlaneOptions nodeSelector: empty value (legal)', 'valid', app => controlPlane(app, { nodeSelector: { 'node-role.kubernetes.io/istio': '' } }));
row('ControlPlaneOptions cni: true', 'valid', app => controlPlane(app, { cni: true }));
row('ControlPlaneOptions cni: the string "yes"', 'error', app => controlPlane(app, { cni: 'yes' }));
row('MeshProps installCrds: false', 'valid', app => svc(mesh(app, { installCrds: false })));
row('MeshProps autoMtls: the string "false"', 'error', app => mesh(app, { autoMtls: 'false' }));
row('MeshProps: null', 'valid', app => new Mesh(app, 'mesh', js(null)));
row('MeshProps controlPlane: null', 'valid', app => svc(mesh(app, { controlPlane: null })));
row('MeshProps failOnWarnings with a warning', 'error', app => {
  const ms = mesh(app, { failOnWarnings: true });
  const s = svc(ms, 'web', {}, ['v1', 'v2']);
  new TrafficSplit(ms, 'split', { service: s, routes: [{ targets: [TrafficTarget.version('v1')], timeout: Timeout.of(Duration.seconds(1)), retries: RetryPolicy.of({ attempts: 3, perTryTimeout: Duration.seconds(5) }) }] });
});

// ---------------------------------------------------------------------------------------------------------
// Versions: env, annotations, commands, paths

row("VersionOptions env: name 'A=B'", 'error', app => version(app, { env: { 'A=B': 'x' } }));
row('VersionOptions env: empty name', 'error', app => version(app, { env: { '': 'x' } }));
row('VersionOptions env: name with CR/LF', 'error', app => version(app, { env: { 'A\nB': 'x' } }));
row('VersionOptions env: value a number', 'error', app => version(app, { env: { A: 1 } }));
row('VersionOptions env: value undefined', 'error', app => version(app, { env: { A: undefined } }));
row("VersionOptions env: name 'A_B.c-d' (legal since Kubernetes 1.30)", 'valid', app => version(app, { env: { 'A_B.c-d': 'x' } }));
row('VersionOptions env: empty value', 'valid', app => version(app, { env: { A: '' } }));
row('VersionOptions env: overriding an ISTIO_ variable of the sidecar', 'warning', app => version(app, { env: { ISTIO_META_MESH_ID: 'other' } }));
row("VersionOptions podAnnotations: key 'bad key!'", 'error', app => version(app, { podAnnotations: { 'bad key!': 'x' } }));
row('VersionOptions podAnnotations: empty key', 'error', app => version(app, { podAnnotations: { '': 'x' } }));
row('VersionOptions podAnnotations: a 64-character name part', 'error', app => version(app, { podAnnotations: { ['a'.repeat(64)]: 'x' } }));
row('VersionOptions podAnnotations: total above 256 KiB', 'error', app => version(app, { podAnnotations: { a: 'x'.repeat(300 * 1024) } }));
row('VersionOptions podAnnotations: total just below 256 KiB', 'valid', app => version(app, { podAnnotations: { a: 'x'.repeat(200 * 1024) } }));
row('VersionOptions podAnnotations: overriding sidecar.istio.io/inject', 'error', app => version(app, { podAnnotations: { 'sidecar.istio.io/inject': 'false' } }));
row('VersionOptions podAnnotations: a prefixed key', 'valid', app => version(app, { podAnnotations: { 'example.com/owner': 'team-a' } }));
row('VersionOptions podAnnotations: a number value', 'error', app => version(app, { podAnnotations: { a: 1 } }));
row('VersionOptions command: empty list', 'valid', app => version(app, { command: [] }));
row('VersionOptions command: [undefined]', 'error', app => version(app, { command: [undefined] }));
row('VersionOptions args: a string, not a list', 'error', app => version(app, { args: '--port=80' }));
row('VersionOptions writablePaths: a relative path', 'error', app => version(app, { writablePaths: ['tmp'] }));
row('VersionOptions writablePaths: / itself', 'error', app => version(app, { writablePaths: ['/'] }));
row('VersionOptions writablePaths: the same path twice', 'error', app => version(app, { writablePaths: ['/tmp', '/tmp'] }));
row('VersionOptions writablePaths: /tmp and /var/cache', 'valid', app => version(app, { writablePaths: ['/tmp', '/var/cache'] }));
row('VersionOptions user: 4294967296 (past the uid range Kubernetes takes)', 'error', app => version(app, { user: 2 ** 32 }));
row('MeshService.addVersion: one version twice', 'error', app => svc(mesh(app), 'web', {}, ['v1', 'v1']));
row('MeshService: no version at all', 'warning', app => svc(mesh(app), 'web', {}, []));
row('MeshServiceVersion constructed directly', 'valid', app => {
  const ms = mesh(app);
  const s = svc(ms, 'web', {}, []);
  new MeshServiceVersion(s, 'v1', { service: s, versionName: 'v1', image: 'example/web:1' });
});
row('MeshServiceVersion: service of another mesh', 'error', app => {
  const ms = mesh(app);
  const other = new Mesh(new App(), 'other');
  new MeshServiceVersion(ms, 'v1', { service: svc(other), versionName: 'v2', image: 'example/web:1' });
});
row('MeshServiceVersion: props undefined', 'error', app => new MeshServiceVersion(mesh(app), 'v1', js(undefined)));

// ---------------------------------------------------------------------------------------------------------
// Services: props, injection, proxy

row('MeshService: no props', 'error', app => new (MeshService as any)(mesh(app), 'web'));
row('MeshService: props null', 'error', app => new MeshService(mesh(app), 'web', js(null)));
row('MeshService: outside any Mesh', 'error', app => new MeshService(app, 'web', { ports: HTTP }));
row("MeshService id: 'web/api' (a slash)", 'error', app => svc(mesh(app), 'web/api'));
row("MeshService id: 'Web' (uppercase, used as the name)", 'error', app => svc(mesh(app), 'Web'));
row("MeshService revision: unknown 'canary'", 'error', app => svc(mesh(app), 'web', { revision: 'canary' }));
row('MeshService revision: of a control plane added', 'valid', app => {
  const ms = mesh(app);
  ms.addControlPlane('canary', { revision: 'canary' });
  svc(ms, 'web', { revision: 'canary' });
});
row('MeshService injection: Injection.explicit()', 'valid', app => svc(mesh(app), 'web', { injection: Injection.explicit() }));
row('MeshService injection: Injection.webhook()', 'valid', app => svc(mesh(app), 'web', { injection: Injection.webhook() }));
row("MeshService injection: the string 'explicit'", 'error', app => svc(mesh(app), 'web', { injection: 'explicit' }));
row('MeshService injection: explicit, with an ISTIO env of the version', 'valid', app => svc(mesh(app), 'web', { injection: Injection.explicit() }, ['v1'], { env: { PORT: '8080' } }));
row('MeshService injection: explicit, with writablePaths and a user', 'valid', app => svc(mesh(app), 'web', { injection: Injection.explicit() }, ['v1'], { writablePaths: ['/tmp'], user: 1000 }));
row("MeshService namespace: 'kube-system' (labelled for injection)", 'error', app => svc(mesh(app), 'web', { namespace: 'kube-system' }));
row("MeshService namespace: 'istio-system' (the control plane's)", 'error', app => svc(mesh(app), 'web', { namespace: 'istio-system' }));
row("MeshService namespace: 'kube-public'", 'error', app => svc(mesh(app), 'web', { namespace: 'kube-public' }));
for (const [what, cidr] of [['/33', '10.0.0.0/33'], ['300.0.0.0/8', '300.0.0.0/8'], ['no prefix length', '10.0.0.0'], ['empty', ''], ['a hostname', 'example.com/8'], ['a space', '10.0.0.0 /8'], ['IPv6 /129', 'fd00::/129']] as Array<[string, string]>) {
  row(`ProxyOptions excludeOutboundIpRanges: ${what}`, 'error', app => proxy(app, { excludeOutboundIpRanges: [cidr] }));
  row(`ProxyOptions includeOutboundIpRanges: ${what}`, 'error', app => proxy(app, { includeOutboundIpRanges: [cidr] }));
}
row("ProxyOptions includeOutboundIpRanges: '*'", 'valid', app => proxy(app, { includeOutboundIpRanges: ['*'] }));
row('ProxyOptions excludeOutboundIpRanges: 10.0.0.0/8 and fd00::/8', 'valid', app => proxy(app, { excludeOutboundIpRanges: ['10.0.0.0/8', 'fd00::/8'] }));
row('ProxyOptions excludeInboundPorts: 15021 (already excluded)', 'valid', app => proxy(app, { excludeInboundPorts: [15021] }));
row('ProxyOptions: includeInboundPorts and excludeInboundPorts overlapping', 'warning', app => proxy(app, { includeInboundPorts: [8080], excludeInboundPorts: [8080] }));
row('ProxyOptions holdApplicationUntilProxyStarts and nativeSidecar', 'valid', app => proxy(app, { holdApplicationUntilProxyStarts: true, nativeSidecar: true }));
row('ControlPlaneOptions proxy: excludeOutboundIpRanges /33', 'error', app => controlPlane(app, { proxy: { excludeOutboundIpRanges: ['10.0.0.0/33'] } }));
row('GatewayOptions proxy: concurrency NaN', 'error', app => new IngressGateway(mesh(app), 'gw', { proxy: { concurrency: NaN } }));

// ---------------------------------------------------------------------------------------------------------
// Routes and matches

const BAD_REGEXES: Array<[string, string]> = [
  ['lookbehind', '(?<=/api)x'], ['a backreference', '(a)\\1'], ['a{1001}', 'a{1001}'], ['negative lookahead', '(?!x)y'],
  ['longer than 1024 characters', 'a'.repeat(1100)], ['unbalanced', '(abc'], ['a possessive quantifier', 'a++'],
];
for (const [what, pattern] of BAD_REGEXES) {
  row(`StringMatch.regex uri: ${what}`, 'error', app => route(app, { matches: [{ uri: StringMatch.regex(pattern) }] }));
  row(`HeaderMatch.regex: ${what}`, 'error', app => route(app, { matches: [{ headers: [HeaderMatch.regex('x-user', pattern)] }] }));
  row(`IngressGateway.addRoute paths regex: ${what}`, 'error', app => {
    const ms = mesh(app);
    new IngressGateway(ms, 'gw').addRoute({ service: svc(ms), paths: [StringMatch.regex(pattern)] });
  });
}
// RE2 takes the named group (?<n>a) as well as (?P<n>a) since its 2023-07-01 release (google/re2 commit 6148386),
// and so does Go's regexp, with which istiod checks it, since Go 1.22 (golang/go commit ee61186): Istio 1.30's
// istiod and Envoy accept it, and it matches what the user wrote. These rows expected an error before.
row('StringMatch.regex uri: named group (?<n>)', 'valid', app => route(app, { matches: [{ uri: StringMatch.regex('/(?<n>a)') }] }));
row('HeaderMatch.regex: named group (?<n>)', 'valid', app => route(app, { matches: [{ headers: [HeaderMatch.regex('x-user', '(?<n>a)')] }] }));
row('IngressGateway.addRoute paths regex: named group (?<n>)', 'valid', app => {
  const ms = mesh(app);
  new IngressGateway(ms, 'gw').addRoute({ service: svc(ms), paths: [StringMatch.regex('/(?<n>a)')] });
});
row('HeaderMatch.regex: RE2 named group (?P<n>a)', 'valid', app => route(app, { matches: [{ headers: [HeaderMatch.regex('x-user', '(?P<n>a)')] }] }));
row('IngressGateway.addRoute paths regex: RE2 named group (?P<n>a)', 'valid', app => {
  const ms = mesh(app);
  new IngressGateway(ms, 'gw').addRoute({ service: svc(ms), paths: [StringMatch.regex('/(?P<n>a)')] });
});
row("StringMatch.regex: '^/api/.*$'", 'valid', app => route(app, { matches: [{ uri: StringMatch.regex('^/api/.*$') }] }));
row('StringMatch.regex: RE2 named group (?P<n>a)', 'valid', app => route(app, { matches: [{ uri: StringMatch.regex('/(?P<n>a)') }] }));
row('StringMatch.regex: a{1000}', 'valid', app => route(app, { matches: [{ uri: StringMatch.regex('/a{1000}') }] }));
row("StringMatch.prefix: 'api' (no leading /)", 'error', app => route(app, { matches: [{ uri: StringMatch.prefix('api') }] }));
row("StringMatch.exact: 'api' (no leading /)", 'error', app => route(app, { matches: [{ uri: StringMatch.exact('api') }] }));
row("StringMatch.prefix: ''", 'error', app => route(app, { matches: [{ uri: StringMatch.prefix('') }] }));
row('StringMatch.prefix: a space', 'error', app => route(app, { matches: [{ uri: StringMatch.prefix('/a b') }] }));
row('StringMatch.prefix: CR/LF', 'error', app => route(app, { matches: [{ uri: StringMatch.prefix('/a\r\nb') }] }));
row('StringMatch.prefix: undefined', 'error', app => route(app, { matches: [{ uri: StringMatch.prefix(js(undefined)) }] }));
row("StringMatch.prefix: '/'", 'valid', app => route(app, { matches: [{ uri: StringMatch.prefix('/') }] }));
row('StringMatch.prefix: unicode path (percent-encoded by clients)', 'valid', app => route(app, { matches: [{ uri: StringMatch.prefix('/caf%C3%A9') }] }));
row("RouteMatch uri: the string '/api'", 'error', app => route(app, { matches: [{ uri: '/api' }] }));
row('RouteMatch: empty match {}', 'error', app => route(app, { matches: [{}] }));
row('HeaderMatch.exact value: CR/LF', 'error', app => route(app, { matches: [{ headers: [HeaderMatch.exact('x', 'a\r\nb')] }] }));
row('HeaderMatch.exact value: 2 MiB (the object passes 1.5 MiB)', 'error', app => route(app, { matches: [{ headers: [HeaderMatch.exact('x', 'v'.repeat(2 * 1024 * 1024))] }] }));
row('HeaderMatch.exact name: empty', 'error', app => route(app, { matches: [{ headers: [HeaderMatch.exact('', 'v')] }] }));
row('HeaderMatch.exact name: a space', 'error', app => route(app, { matches: [{ headers: [HeaderMatch.exact('x user', 'v')] }] }));
// Header names are case-insensitive (RFC 9110 section 5.1): HeaderMatch writes the name lowercase, as the VirtualService
// reference asks ('The header keys must be lowercase'), so 'X-User' matches the requests the user meant.
row('HeaderMatch.exact name: uppercase (istiod wants lower case)', 'valid', app => route(app, { matches: [{ headers: [HeaderMatch.exact('X-User', 'v')] }] }));
row("HeaderMatch.exact name: ':authority' (a pseudo-header)", 'valid', app => route(app, { matches: [{ headers: [HeaderMatch.exact(':authority', 'example.com')] }] }));
row('HeaderMatch.exact value: empty', 'valid', app => route(app, { matches: [{ headers: [HeaderMatch.exact('x-user', '')] }] }));
row('HeaderMatch.exact: the same header twice', 'error', app => route(app, { matches: [{ headers: [HeaderMatch.exact('x-user', 'a'), HeaderMatch.exact('x-user', 'b')] }] }));
row('HeaderMatch: a plain object', 'error', app => route(app, { matches: [{ headers: [{ name: 'x', exact: 'v' }] }] }));
row('RouteMatch sourceService: a service of another mesh', 'error', app => {
  const other = svc(new Mesh(new App(), 'other'), 'client');
  route(app, { matches: [{ sourceService: other }] });
});
row('RouteMatch sourceService: a plain object', 'error', app => route(app, { matches: [{ sourceService: { serviceName: 'client' } }] }));
row('RouteMatch sourceService: a service of this mesh', 'valid', app => {
  const ms = mesh(app);
  const s = svc(ms, 'web', {}, ['v1']);
  new TrafficSplit(ms, 'split', { service: s, routes: [{ matches: [{ sourceService: svc(ms, 'client') }], targets: [TrafficTarget.version('v1')] }, { targets: [TrafficTarget.version('v1')] }] });
});
// Matches on query parameters, absent headers, authority, scheme, port and the caller
row('RouteMatch queryParams: a plain object', 'error', app => route(app, { matches: [{ queryParams: [{ name: 'a', exact: 'b' }] }] }));
row("QueryParamMatch.exact value: ''", 'error', app => route(app, { matches: [{ queryParams: [QueryParamMatch.exact('a', '')] }] }));
row("QueryParamMatch.present name: 'a=b'", 'error', app => route(app, { matches: [{ queryParams: [QueryParamMatch.present('a=b')] }] }));
row('QueryParamMatch.prefix value: CR/LF', 'error', app => route(app, { matches: [{ queryParams: [QueryParamMatch.prefix('a', 'b\r\nc')] }] }));
row('QueryParamMatch.regex: lookbehind', 'error', app => route(app, { matches: [{ queryParams: [QueryParamMatch.regex('a', '(?<=x)y')] }] }));
row('QueryParamMatch.present', 'valid', app => route(app, { matches: [{ queryParams: [QueryParamMatch.present('debug')] }] }));
row('RouteMatch port: NaN', 'error', app => route(app, { matches: [{ port: NaN }] }));
row('RouteMatch port: 0', 'error', app => route(app, { matches: [{ port: 0 }] }));
row("RouteMatch port: the string '80'", 'error', app => route(app, { matches: [{ port: '80' }] }));
row('RouteMatch port: a port the service lacks', 'error', app => route(app, { matches: [{ port: 81 }] }));
row("RouteMatch sourceNamespace: 'Bad_NS'", 'error', app => route(app, { matches: [{ sourceNamespace: 'Bad_NS' }] }));
row('RouteMatch sourceLabels: a number value', 'error', app => route(app, { matches: [{ sourceLabels: { team: 1 } }] }));
row('RouteMatch sourceVersion: without sourceService', 'error', app => route(app, { matches: [{ sourceVersion: 'v1' }] }));
row('RouteMatch withoutHeaders: a string', 'error', app => route(app, { matches: [{ withoutHeaders: 'x-user' }] }));
row("RouteMatch authority: the string 'a.com'", 'error', app => route(app, { matches: [{ authority: 'a.com' }] }));
row("RouteMatch scheme: 'HTTPS'", 'error', app => route(app, { matches: [{ scheme: StringMatch.exact('HTTPS') }] }));
row("RouteMatch ignoreUriCase: 'yes'", 'error', app => route(app, { matches: [{ uri: StringMatch.prefix('/a'), ignoreUriCase: 'yes' }] }));
row('RouteMatch withoutHeaders and authority', 'valid', app => route(app, { matches: [{ withoutHeaders: [HeaderMatch.present('x-skip')], authority: StringMatch.exact('web.example.com') }] }));

// Direct responses, CORS, regex rewrites, derived redirect ports, per-target headers
row("RouteActions directResponse: the string '404'", 'error', app => route(app, { targets: undefined, directResponse: '404' }));
row("DirectResponse status: the string '200'", 'error', app => route(app, { targets: undefined, directResponse: { status: '200' } }));
row('DirectResponse status: NaN', 'error', app => route(app, { targets: undefined, directResponse: { status: NaN } }));
row('DirectResponse status: 99', 'error', app => route(app, { targets: undefined, directResponse: { status: 99 } }));
row('DirectResponse bodyBytes: not base64', 'error', app => route(app, { targets: undefined, directResponse: { status: 200, bodyBytes: '%%%' } }));
row('DirectResponse: with targets', 'error', app => route(app, { directResponse: { status: 200 } }));
row('DirectResponse: status 204 without body', 'valid', app => route(app, { targets: undefined, directResponse: { status: 204 } }));
row('RouteActions corsPolicy: a string', 'error', app => route(app, { corsPolicy: '*' }));
row('CorsPolicy allowOrigins: strings', 'error', app => route(app, { corsPolicy: { allowOrigins: ['https://a.com'] } }));
row('CorsPolicy maxAge: a number', 'error', app => route(app, { corsPolicy: { maxAge: 60 } }));
row("CorsPolicy allowMethods: 'get'", 'error', app => route(app, { corsPolicy: { allowMethods: ['get'] } }));
row('CorsPolicy: every field', 'valid', app => route(app, {
  corsPolicy: {
    allowOrigins: [StringMatch.exact('https://a.example.com'), StringMatch.regex('https://.*[.]example[.]com')],
    allowMethods: [HttpMethod.GET],
    allowHeaders: ['x-user'],
    exposeHeaders: ['x-trace'],
    maxAge: Duration.hours(1),
    allowCredentials: true,
  },
}));
row('UrlRewrite uriRegexRewrite: a string', 'error', app => route(app, { rewrite: { uriRegexRewrite: '^/a' } }));
row('UrlRewrite uriRegexRewrite: lookbehind', 'error', app => route(app, { rewrite: { uriRegexRewrite: { match: '(?<=/a)b', rewrite: '/' } } }));
row("HttpRedirect derivePort: 'request'", 'error', app => route(app, { targets: undefined, redirect: { derivePort: 'request' } }));
row('TrafficTarget headers: a string', 'error', app => route(app, { targets: [TrafficTarget.version('v1', undefined, { headers: js('x-a: 1') })] }));

row('TrafficSplit: the same route added twice', 'error', app => {
  const ms = mesh(app);
  const s = svc(ms, 'web', {}, ['v1', 'v2']);
  const split = new TrafficSplit(ms, 'split', { service: s });
  const r = { matches: [{ uri: StringMatch.prefix('/a') }], targets: [TrafficTarget.version('v1')] };
  split.addRoute(r);
  split.addRoute({ ...r, targets: [TrafficTarget.version('v2')] });
});
row('TrafficSplit: a catch-all route before a matching one', 'error', app => {
  const ms = mesh(app);
  const s = svc(ms, 'web', {}, ['v1', 'v2']);
  new TrafficSplit(ms, 'split', { service: s, routes: [{ targets: [TrafficTarget.version('v1')] }, { matches: [{ uri: StringMatch.prefix('/a') }], targets: [TrafficTarget.version('v2')] }] });
});
row('TrafficSplit: two routes with one name', 'error', app => {
  const ms = mesh(app);
  const s = svc(ms, 'web', {}, ['v1', 'v2']);
  new TrafficSplit(ms, 'split', { service: s, routes: [{ name: 'r', matches: [{ uri: StringMatch.prefix('/a') }], targets: [TrafficTarget.version('v1')] }, { name: 'r', targets: [TrafficTarget.version('v2')] }] });
});
row("HttpRouteOptions name: 'Bad Name'", 'error', app => route(app, { name: 'Bad Name' }));
row('TrafficSplit: no routes at all', 'error', app => { const ms = mesh(app); new TrafficSplit(ms, 'split', { service: svc(ms) }); });
row('TrafficSplit: two splits on one service', 'error', app => {
  const ms = mesh(app);
  const s = svc(ms, 'web', {}, ['v1']);
  new TrafficSplit(ms, 's1', { service: s, routes: [{ targets: [TrafficTarget.version('v1')] }] });
  new TrafficSplit(ms, 's2', { service: s, routes: [{ targets: [TrafficTarget.version('v1')] }] });
});
row('TrafficSplit service: a plain object', 'error', app => new TrafficSplit(mesh(app), 'split', { service: js({ serviceName: 'web' }), routes: [{ targets: [TrafficTarget.version('v1')] }] }));
row('TrafficSplit service: undefined', 'error', app => new TrafficSplit(mesh(app), 'split', js({ routes: [] })));
row('TrafficSplit service: of another mesh', 'error', app => {
  const other = svc(new Mesh(new App(), 'other'));
  new TrafficSplit(mesh(app), 'split', { service: other, routes: [{ targets: [TrafficTarget.version('v1')] }] });
});
// ImportedMeshServiceOptions.versions is documented '@default - unknown: routes to any version are accepted': the
// split writes subset 'v1' (label version=v1), which is what the user asked; versions are given only to be checked.
row('TrafficSplit service: an imported service without versions', 'valid', app => {
  const ms = mesh(app);
  new TrafficSplit(ms, 'split', { service: MeshService.fromName(ms, 'ext', 'ext'), routes: [{ targets: [TrafficTarget.version('v1')] }] });
});
row('TrafficSplit service: an imported service with versions', 'valid', app => {
  const ms = mesh(app);
  new TrafficSplit(ms, 'split', { service: MeshService.fromName(ms, 'ext', 'ext', { namespace: 'other', ports: HTTP, versions: ['v1'] }), routes: [{ targets: [TrafficTarget.version('v1')] }] });
});
row('TrafficSplit on a TCP-only service', 'error', app => {
  const ms = mesh(app);
  const s = svc(ms, 'db', { ports: [{ port: 5432, protocol: Protocol.TCP }] }, ['v1']);
  new TrafficSplit(ms, 'split', { service: s, routes: [{ targets: [TrafficTarget.version('v1')] }] });
});
row('HttpRouteOptions timeout: a Duration, not a Timeout', 'error', app => route(app, { timeout: Duration.seconds(1) }));
row('HttpRouteOptions retries: a plain object', 'error', app => route(app, { retries: { attempts: 3 } }));
row('MeshServiceProps loadBalancer: the string ROUND_ROBIN', 'error', app => svc(mesh(app), 'web', { loadBalancer: 'ROUND_ROBIN' }));
row('MeshServiceProps circuitBreaker: plain options, not CircuitBreaker.of', 'error', app => svc(mesh(app), 'web', { circuitBreaker: { maxConnections: 10 } }));
row('CircuitBreaker.of: no option at all', 'error', app => svc(mesh(app), 'web', { circuitBreaker: CircuitBreaker.of({}) }));
row('CircuitBreaker.of: every option', 'valid', app => svc(mesh(app), 'web', {
  circuitBreaker: CircuitBreaker.of({
    maxConnections: 100,
    maxPendingRequests: 10,
    maxRequests: 100,
    maxRequestsPerConnection: 1,
    maxRetries: 3,
    connectTimeout: Duration.seconds(1),
    consecutiveErrors: 5,
    interval: Duration.seconds(10),
    baseEjectionTime: Duration.seconds(30),
    maxEjectionPercent: 50,
  }),
}));
row('CircuitBreaker.of(undefined)', 'error', app => svc(mesh(app), 'web', { circuitBreaker: CircuitBreaker.of(js(undefined)) }));
row('MeshServiceProps timeout and retries', 'valid', app => svc(mesh(app), 'web', { timeout: Timeout.of(Duration.seconds(5)), retries: RetryPolicy.of({ attempts: 2, perTryTimeout: Duration.seconds(2) }) }));

// ---------------------------------------------------------------------------------------------------------
// Load balancers

const LB_FACTORIES: Array<[string, (o: any) => LoadBalancer]> = [
  ['roundRobin', o => LoadBalancer.roundRobin(o)],
  ['leastRequest', o => LoadBalancer.leastRequest(o)],
  ['random', o => LoadBalancer.random(o)],
  ['consistentHashByHeader', o => LoadBalancer.consistentHashByHeader('x-user', o)],
  ['consistentHashByCookie', o => LoadBalancer.consistentHashByCookie('session', o)],
  ['consistentHashBySourceIp', o => LoadBalancer.consistentHashBySourceIp(o)],
];
for (const [factory, make] of LB_FACTORIES) {
  row(`LoadBalancer.${factory}: no options`, 'valid', app => svc(mesh(app), 'web', { loadBalancer: make(undefined) }));
  row(`LoadBalancer.${factory}: locality weight 0`, 'error', app => svc(mesh(app), 'web', { loadBalancer: make({ locality: { distribute: [{ from: 'r1/*', to: { 'r1/*': 0, 'r2/*': 100 } }] } }) }));
  row(`LoadBalancer.${factory}: failover and failoverPriority`, 'error', app => svc(mesh(app), 'web', {
    loadBalancer: make({ locality: { failover: [{ from: 'r1', to: 'r2' }], failoverPriority: ['topology.kubernetes.io/region'] } }),
  }));
  row(`LoadBalancer.${factory}: a valid distribution`, 'valid', app => svc(mesh(app), 'web', {
    loadBalancer: make({ locality: { distribute: [{ from: 'r1/z1/*', to: { 'r1/z1/*': 80, 'r1/z2/*': 20 } }] } }),
  }));
}
row('LoadBalancer locality: distribute and failover together', 'error', app => svc(mesh(app), 'web', {
  loadBalancer: LoadBalancer.roundRobin({ locality: { distribute: [{ from: 'r1/*', to: { 'r1/*': 100 } }], failover: [{ from: 'r1', to: 'r2' }] } }),
}));
row('LoadBalancer locality: weights summing to 90', 'error', app => svc(mesh(app), 'web', { loadBalancer: LoadBalancer.roundRobin({ locality: { distribute: [{ from: 'r1/*', to: { 'r1/*': 50, 'r2/*': 40 } }] } }) }));
row('LoadBalancer locality: weight 1.5', 'error', app => svc(mesh(app), 'web', { loadBalancer: LoadBalancer.roundRobin({ locality: { distribute: [{ from: 'r1/*', to: { 'r1/*': 98.5, 'r2/*': 1.5 } }] } }) }));
row('LoadBalancer locality: failover from = to', 'error', app => svc(mesh(app), 'web', { loadBalancer: LoadBalancer.roundRobin({ locality: { failover: [{ from: 'r1', to: 'r1' }] } }) }));
row("LoadBalancer locality: failover from 'r1/z1' (a zone; istiod wants regions)", 'error', app => svc(mesh(app), 'web', { loadBalancer: LoadBalancer.roundRobin({ locality: { failover: [{ from: 'r1/z1', to: 'r2' }] } }) }));
row("LoadBalancer locality: distribute from '*/z1' (wildcard not last)", 'error', app => svc(mesh(app), 'web', { loadBalancer: LoadBalancer.roundRobin({ locality: { distribute: [{ from: '*/z1', to: { 'r1/*': 100 } }] } }) }));
row('LoadBalancer locality: failoverPriority alone', 'valid', app => svc(mesh(app), 'web', { loadBalancer: LoadBalancer.roundRobin({ locality: { failoverPriority: ['topology.kubernetes.io/region', 'topology.kubernetes.io/zone'] } }) }));
row('LoadBalancer locality: failover alone', 'valid', app => svc(mesh(app), 'web', { loadBalancer: LoadBalancer.roundRobin({ locality: { failover: [{ from: 'us-east1', to: 'us-west1' }] } }) }));
row('LoadBalancer.consistentHashByHeader: empty header', 'error', app => svc(mesh(app), 'web', { loadBalancer: LoadBalancer.consistentHashByHeader('') }));
row('LoadBalancer.consistentHashByHeader: a space in the header', 'error', app => svc(mesh(app), 'web', { loadBalancer: LoadBalancer.consistentHashByHeader('x user') }));
row('LoadBalancer.consistentHashByHeader: undefined', 'error', app => svc(mesh(app), 'web', { loadBalancer: LoadBalancer.consistentHashByHeader(js(undefined)) }));
row('LoadBalancer.consistentHashByCookie: empty name', 'error', app => svc(mesh(app), 'web', { loadBalancer: LoadBalancer.consistentHashByCookie('') }));
row('LoadBalancer.consistentHashByCookie: a name with ;', 'error', app => svc(mesh(app), 'web', { loadBalancer: LoadBalancer.consistentHashByCookie('a;b') }));
row("LoadBalancer.consistentHashByCookie path: 'api' (no leading /)", 'error', app => svc(mesh(app), 'web', { loadBalancer: LoadBalancer.consistentHashByCookie('session', { path: 'api' }) }));
row("LoadBalancer.consistentHashByCookie path: '/api'", 'valid', app => svc(mesh(app), 'web', { loadBalancer: LoadBalancer.consistentHashByCookie('session', { ttl: Duration.hours(1), path: '/api' }) }));

// ---------------------------------------------------------------------------------------------------------
// ServiceTrafficPolicy

row('ServiceTrafficPolicy: on an imported service', 'valid', app => {
  const ms = mesh(app);
  new ServiceTrafficPolicy(ms, 'policy', { service: MeshService.fromName(ms, 'ext', 'ext', { namespace: 'other' }), timeout: Timeout.of(Duration.seconds(3)) });
});
row('ServiceTrafficPolicy: with no setting', 'error', app => { const ms = mesh(app); new ServiceTrafficPolicy(ms, 'policy', { service: svc(ms) }); });
row('ServiceTrafficPolicy: on a service with its own traffic settings', 'error', app => {
  const ms = mesh(app);
  new ServiceTrafficPolicy(ms, 'policy', { service: svc(ms, 'web', { circuitBreaker: CircuitBreaker.of({ maxConnections: 10 }) }), loadBalancer: LoadBalancer.random() });
});
row('ServiceTrafficPolicy: two on one service', 'error', app => {
  const ms = mesh(app);
  const s = svc(ms);
  new ServiceTrafficPolicy(ms, 'p1', { service: s, loadBalancer: LoadBalancer.random() });
  new ServiceTrafficPolicy(ms, 'p2', { service: s, loadBalancer: LoadBalancer.leastRequest() });
});
row('ServiceTrafficPolicy service: undefined', 'error', app => new ServiceTrafficPolicy(mesh(app), 'policy', js({ loadBalancer: LoadBalancer.random() })));
row('ServiceTrafficPolicy service: of another mesh', 'error', app => new ServiceTrafficPolicy(mesh(app), 'policy', { service: svc(new Mesh(new App(), 'other')), loadBalancer: LoadBalancer.random() }));
row('ServiceTrafficPolicy: with a TrafficSplit on the service', 'valid', app => {
  const ms = mesh(app);
  const s = svc(ms, 'web', {}, ['v1']);
  new TrafficSplit(ms, 'split', { service: s, routes: [{ targets: [TrafficTarget.version('v1')] }] });
  new ServiceTrafficPolicy(ms, 'policy', { service: s, circuitBreaker: CircuitBreaker.of({ maxConnections: 10 }) });
});

// ---------------------------------------------------------------------------------------------------------
// External services, egress

for (const [what, host] of [['empty', ''], ['a space', 'api example.com'], ['a scheme', 'https://api.example.com'], ['a path', 'api.example.com/v1'], ['a port', 'api.example.com:443'],
  ['uppercase', 'API.example.com'], ['a wildcard not first', 'api.*.com'], ['a bare *', '*'], ['a 64-character label', `${'a'.repeat(64)}.example.com`], ['an IP address', '10.0.0.1'], ['unicode', 'bücher.example']] as Array<[string, string]>) {
  row(`ExternalServiceProps hosts: ${what}`, 'error', app => new ExternalService(mesh(app), 'ext', { hosts: [host] }));
  row(`EgressScope allowHost: ${what}`, 'error', app => { const ms = mesh(app); new EgressScope(ms, 'scope', { service: svc(ms) }).allowHost(host); });
}
row("ExternalServiceProps hosts: '*.example.com' with DNS resolution", 'error', app => new ExternalService(mesh(app), 'ext', { hosts: ['*.example.com'], resolution: ExternalResolution.DNS }));
row("ExternalServiceProps hosts: '*.example.com' with NONE", 'valid', app => new ExternalService(mesh(app), 'ext', { hosts: ['*.example.com'], ports: [{ port: 443, protocol: Protocol.TLS }], resolution: ExternalResolution.NONE }));
row('ExternalServiceProps hosts: empty list', 'error', app => new ExternalService(mesh(app), 'ext', { hosts: [] }));
row('ExternalServiceProps hosts: undefined', 'error', app => new ExternalService(mesh(app), 'ext', js({})));
row('ExternalServiceProps hosts: the same host twice', 'error', app => new ExternalService(mesh(app), 'ext', { hosts: ['api.example.com', 'api.example.com'] }));
row('ExternalServiceProps hosts: a 253-character name', 'valid', app => new ExternalService(mesh(app), 'ext', { hosts: [`${'a'.repeat(63)}.${'b'.repeat(63)}.${'c'.repeat(63)}.${'d'.repeat(61)}`] }));
row('ExternalServiceProps hosts: a cluster-local name', 'error', app => new ExternalService(mesh(app), 'ext', { hosts: ['web.default.svc.cluster.local'] }));
row('ExternalService: two with one name', 'error', app => {
  const ms = mesh(app);
  new ExternalService(ms, 'e1', { hosts: ['a.example.com'], name: 'ext' });
  new ExternalService(ms, 'e2', { hosts: ['b.example.com'], name: 'ext' });
});
row('ExternalService: two with one name in two namespaces', 'valid', app => {
  const ms = mesh(app);
  new ExternalService(ms, 'e1', { hosts: ['a.example.com'], name: 'ext', namespace: 'one' });
  new ExternalService(ms, 'e2', { hosts: ['b.example.com'], name: 'ext', namespace: 'two' });
});
row('ExternalService: two for one host', 'error', app => {
  const ms = mesh(app);
  new ExternalService(ms, 'e1', { hosts: ['api.example.com'] });
  new ExternalService(ms, 'e2', { hosts: ['api.example.com'] });
});
row('ExternalService: named like a mesh service', 'error', app => {
  const ms = mesh(app);
  svc(ms, 'web');
  new ExternalService(ms, 'ext', { hosts: ['api.example.com'], name: 'web' });
});
row('ExternalService egressGateway: an IngressGateway', 'error', app => {
  const ms = mesh(app);
  new ExternalService(ms, 'ext', { hosts: ['api.example.com'], egressGateway: js(new IngressGateway(ms, 'gw')) });
});
row('ExternalService egressGateway: of another mesh', 'error', app => {
  const other = new EgressGateway(new Mesh(new App(), 'other'), 'egress');
  new ExternalService(mesh(app), 'ext', { hosts: ['api.example.com'], egressGateway: other });
});
row('ExternalService egressGateway: of this mesh', 'valid', app => {
  const ms = mesh(app);
  new ExternalService(ms, 'ext', { hosts: ['api.example.com'], ports: [{ port: 443, protocol: Protocol.TLS }], egressGateway: new EgressGateway(ms, 'egress') });
});
row('ExternalService: HTTP on 443, TLS on 80', 'warning', app => new ExternalService(mesh(app), 'ext', { hosts: ['api.example.com'], ports: [{ port: 443, protocol: Protocol.HTTP }] }));
row('EgressScope: no props', 'valid', app => { svc(mesh(app)); new EgressScope(Mesh.of(app.charts[0]), 'scope'); });
row('EgressScope: service and namespace both', 'error', app => { const ms = mesh(app); new EgressScope(ms, 'scope', { service: svc(ms), namespace: 'default' }); });
row('EgressScope: two on one service', 'error', app => {
  const ms = mesh(app);
  const s = svc(ms);
  new EgressScope(ms, 's1', { service: s });
  new EgressScope(ms, 's2', { service: s });
});
row('EgressScope: two on one namespace', 'error', app => {
  const ms = mesh(app);
  svc(ms);
  new EgressScope(ms, 's1', { namespace: 'default' });
  new EgressScope(ms, 's2', { namespace: 'default' });
});
row('EgressScope allowService: of another mesh', 'error', app => { const ms = mesh(app); new EgressScope(ms, 'scope', { service: svc(ms) }).allowService(svc(new Mesh(new App(), 'other'))); });
row('EgressScope allowService: undefined', 'error', app => { const ms = mesh(app); new EgressScope(ms, 'scope', { service: svc(ms) }).allowService(js(undefined)); });
row('EgressScope allowExternal: a plain object', 'error', app => { const ms = mesh(app); new EgressScope(ms, 'scope', { service: svc(ms) }).allowExternal(js({ hosts: ['a.example.com'] })); });
row('EgressScope allowHost: a namespaced host ns/host', 'valid', app => { const ms = mesh(app); new EgressScope(ms, 'scope', { service: svc(ms) }).allowHost('other/api.example.com'); });
row('EgressScope allowHost: *.example.com (a Sidecar egress host is <namespace>/<host>)', 'error', app => { const ms = mesh(app); new EgressScope(ms, 'scope', { service: svc(ms) }).allowHost('*.example.com'); });
row('EgressScope allowHost: */*.example.com', 'valid', app => { const ms = mesh(app); new EgressScope(ms, 'scope', { service: svc(ms) }).allowHost('*/*.example.com'); });
row('EgressScope allowExternal/allowService: every kind', 'valid', app => {
  const ms = mesh(app);
  const web = svc(ms);
  const scope = new EgressScope(ms, 'scope', { service: web, outboundTrafficPolicy: OutboundTrafficPolicy.REGISTRY_ONLY });
  scope.allowService(svc(ms, 'api'));
  scope.allowExternal(new ExternalService(ms, 'ext', { hosts: ['api.example.com'] }));
});
row('EgressScope namespace: one no service lives in (writes its Namespace?)', 'valid', app => { svc(mesh(app)); new EgressScope(Mesh.of(app.charts[0]), 'scope', { namespace: 'lonely' }); });

// ---------------------------------------------------------------------------------------------------------
// Rate limits

row('RateLimit: two on one service', 'error', app => {
  const ms = mesh(app);
  const s = svc(ms);
  new RateLimit(ms, 'r1', { service: s, requests: 10 });
  new RateLimit(ms, 'r2', { service: s, requests: 20 });
});
row('RateLimit: on a TCP-only service', 'error', app => {
  const ms = mesh(app);
  new RateLimit(ms, 'limit', { service: svc(ms, 'db', { ports: [{ port: 5432, protocol: Protocol.TCP }] }), requests: 10 });
});
// An imported service has one HTTP port (80) unless told otherwise: the EnvoyFilter limits the inbound HTTP requests of
// the workloads labelled app=ext in its namespace, which is what importing a service into the mesh is for.
row('RateLimit: on an imported service', 'valid', app => { const ms = mesh(app); new RateLimit(ms, 'limit', { service: MeshService.fromName(ms, 'ext', 'ext'), requests: 10 }); });
row('RateLimit service: of another mesh', 'error', app => new RateLimit(mesh(app), 'limit', { service: svc(new Mesh(new App(), 'other')), requests: 10 }));
row('RateLimit: 100 per minute, burst 200', 'valid', app => { const ms = mesh(app); new RateLimit(ms, 'limit', { service: svc(ms), requests: 100, per: Duration.minutes(1), burst: 200 }); });

// ---------------------------------------------------------------------------------------------------------
// Gateways

for (const [what, host] of [['empty', ''], ['a space', 'a b.com'], ['a scheme', 'http://a.com'], ['a path', 'a.com/x'], ['a port', 'a.com:80'], ['uppercase', 'A.com'], ['a wildcard inside', 'a.*.com']] as Array<[string, string]>) {
  row(`GatewayListener hosts: ${what}`, 'error', app => new IngressGateway(mesh(app), 'gw', { listeners: [{ port: 80, protocol: Protocol.HTTP, hosts: [host] }] }));
  row(`IngressGateway.addRoute hosts: ${what}`, 'error', app => { const ms = mesh(app); new IngressGateway(ms, 'gw').addRoute({ service: svc(ms), hosts: [host] }); });
}
row("GatewayListener hosts: 'ns/a.example.com'", 'valid', app => gateway(app, { listeners: [{ port: 80, protocol: Protocol.HTTP, hosts: ['default/a.example.com'] }] }));
row('GatewayListener hosts: empty list', 'error', app => new IngressGateway(mesh(app), 'gw', { listeners: [{ port: 80, protocol: Protocol.HTTP, hosts: [] }] }));
row('GatewayListener: HTTPS without credentialName', 'error', app => new IngressGateway(mesh(app), 'gw', { listeners: [{ port: 443, protocol: Protocol.HTTPS, hosts: ['a.example.com'] }] }));
row('GatewayListener: HTTPS with credentialName', 'valid', app => gateway(app, { listeners: [{ port: 443, protocol: Protocol.HTTPS, hosts: ['a.example.com'], credentialName: 'a-cert' }] }));
row("GatewayListener credentialName: 'Bad Name'", 'error', app => new IngressGateway(mesh(app), 'gw', { listeners: [{ port: 443, protocol: Protocol.HTTPS, hosts: ['a.example.com'], credentialName: 'Bad Name' }] }));
row('GatewayListener: credentialName on plain HTTP', 'error', app => new IngressGateway(mesh(app), 'gw', { listeners: [{ port: 80, protocol: Protocol.HTTP, hosts: ['a.example.com'], credentialName: 'cert' }] }));
row('IngressGateway.addRoute: a host the gateway does not serve', 'error', app => {
  const ms = mesh(app);
  new IngressGateway(ms, 'gw', { listeners: [{ port: 80, protocol: Protocol.HTTP, hosts: ['a.example.com'] }] }).addRoute({ service: svc(ms), hosts: ['b.example.com'] });
});
row('IngressGateway.addRoute: a port the gateway does not listen on', 'error', app => { const ms = mesh(app); new IngressGateway(ms, 'gw').addRoute({ service: svc(ms), port: 8443 }); });
row('IngressGateway.addRoute: the same route twice', 'error', app => {
  const ms = mesh(app);
  const gw = new IngressGateway(ms, 'gw');
  const s = svc(ms);
  gw.addRoute({ service: s, paths: [StringMatch.prefix('/a')] });
  gw.addRoute({ service: s, paths: [StringMatch.prefix('/a')] });
});
row('IngressGateway.addRoute: two services on one path', 'error', app => {
  const ms = mesh(app);
  const gw = new IngressGateway(ms, 'gw');
  gw.addRoute({ service: svc(ms, 'a'), paths: [StringMatch.prefix('/x')] });
  gw.addRoute({ service: svc(ms, 'b'), paths: [StringMatch.prefix('/x')] });
});
row('IngressGateway.addRoute service: undefined', 'error', app => new IngressGateway(mesh(app), 'gw').addRoute(js({})));
row('IngressGateway.addRoute service: of another mesh', 'error', app => new IngressGateway(mesh(app), 'gw').addRoute({ service: svc(new Mesh(new App(), 'other')) }));
row('IngressGateway.addRoute service: TCP-only', 'error', app => { const ms = mesh(app); new IngressGateway(ms, 'gw').addRoute({ service: svc(ms, 'db', { ports: [{ port: 5432, protocol: Protocol.TCP }] }) }); });
row("IngressGateway.addRoute paths: prefix 'api' (no leading /)", 'error', app => { const ms = mesh(app); new IngressGateway(ms, 'gw').addRoute({ service: svc(ms), paths: [StringMatch.prefix('api')] }); });
row('IngressGateway.addRoute: two services on two paths', 'valid', app => {
  const ms = mesh(app);
  const gw = new IngressGateway(ms, 'gw');
  gw.addRoute({ service: svc(ms, 'a'), paths: [StringMatch.prefix('/a')] });
  gw.addRoute({ service: svc(ms, 'b'), paths: [StringMatch.prefix('/b')] });
});
row('IngressGateway: two with one name', 'error', app => { const ms = mesh(app); new IngressGateway(ms, 'g1', { name: 'gw' }); new IngressGateway(ms, 'g2', { name: 'gw' }); });
row('IngressGateway and EgressGateway: one name', 'error', app => { const ms = mesh(app); new IngressGateway(ms, 'g1', { name: 'gw' }); new EgressGateway(ms, 'g2', { name: 'gw' }); });
row('IngressGateway: two with one name in two namespaces', 'valid', app => {
  const ms = mesh(app);
  const web = svc(ms);
  new IngressGateway(ms, 'g1', { name: 'gw', namespace: 'one' }).addRoute({ service: web });
  new IngressGateway(ms, 'g2', { name: 'gw', namespace: 'two' }).addRoute({ service: web });
});
row("IngressGateway name: 'istiod' in istio-system", 'error', app => new IngressGateway(mesh(app), 'gw', { name: 'istiod', namespace: 'istio-system' }));
row('IngressGateway: named like a service in its namespace', 'error', app => { const ms = mesh(app); svc(ms, 'web'); new IngressGateway(ms, 'gw', { name: 'web', namespace: 'default' }); });
row("IngressGateway revision: unknown 'canary'", 'error', app => new IngressGateway(mesh(app), 'gw', { revision: 'canary' }));
row('IngressGateway: in a namespace of its own, with its Namespace', 'valid', app => gateway(app, { namespace: 'ingress' }));
row('EgressGateway: default props', 'valid', app => new EgressGateway(mesh(app), 'egress'));
row('EgressGateway listeners: a TCP listener', 'valid', app => new EgressGateway(mesh(app), 'egress', { listeners: [{ port: 443, protocol: Protocol.TLS, hosts: ['api.example.com'] }] }));
row('IngressGateway: outside a Mesh', 'error', app => new IngressGateway(app, 'gw'));
row("Service named 'istiod' in istio-system", 'error', app => svc(mesh(app), 'istiod', { namespace: 'istio-system' }));
row("Service named 'istio-ingressgateway' in istio-system", 'error', app => svc(mesh(app), 'istio-ingressgateway', { namespace: 'istio-system' }));

// ---------------------------------------------------------------------------------------------------------
// Security: access, mTLS, deny-by-default, revocation, CA

row('AccessPolicy allow from: a plain object', 'error', app => { const ms = mesh(app); new AccessPolicy(ms, 'policy', { service: svc(ms), allow: [{ from: js({ serviceName: 'x' }) }] }); });
row('AccessPolicy allow from: undefined', 'error', app => { const ms = mesh(app); new AccessPolicy(ms, 'policy', { service: svc(ms), allow: [js({})] }); });
row('AccessPolicy allowFrom: undefined', 'error', app => { const ms = mesh(app); new AccessPolicy(ms, 'policy', { service: svc(ms) }).allowFrom(js(undefined)); });
row('AccessPolicy allowFrom: a service of another mesh', 'error', app => { const ms = mesh(app); new AccessPolicy(ms, 'policy', { service: svc(ms) }).allowFrom(svc(new Mesh(new App(), 'other'), 'client')); });
row('AccessPolicy service: of another mesh', 'error', app => new AccessPolicy(mesh(app), 'policy', { service: svc(new Mesh(new App(), 'other')) }));
row('AccessPolicy service: undefined', 'error', app => new AccessPolicy(mesh(app), 'policy', js({})));
row("AccessOptions paths: 'api' (no leading /)", 'error', app => { const ms = mesh(app); new AccessPolicy(ms, 'policy', { service: svc(ms) }).allowFrom(svc(ms, 'client'), { paths: ['api'] }); });
row("AccessOptions paths: '/a*b' (a wildcard inside)", 'error', app => { const ms = mesh(app); new AccessPolicy(ms, 'policy', { service: svc(ms) }).allowFrom(svc(ms, 'client'), { paths: ['/a*b'] }); });
row("AccessOptions paths: '/api/*' and '*.json'", 'valid', app => { const ms = mesh(app); new AccessPolicy(ms, 'policy', { service: svc(ms) }).allowFrom(svc(ms, 'client'), { paths: ['/api/*', '*.json'] }); });
row('AccessOptions paths: empty string', 'error', app => { const ms = mesh(app); new AccessPolicy(ms, 'policy', { service: svc(ms) }).allowFrom(svc(ms, 'client'), { paths: [''] }); });
row('AccessOptions ports: a port the service does not have', 'error', app => { const ms = mesh(app); new AccessPolicy(ms, 'policy', { service: svc(ms) }).allowFrom(svc(ms, 'client'), { ports: [9999] }); });
row('AccessOptions methods on a TCP-only service', 'error', app => {
  const ms = mesh(app);
  new AccessPolicy(ms, 'policy', { service: svc(ms, 'db', { ports: [{ port: 5432, protocol: Protocol.TCP }] }) }).allowFrom(svc(ms, 'client'), { methods: [HttpMethod.GET] });
});
row('AccessPolicy: no rule (deny everything)', 'valid', app => { const ms = mesh(app); new AccessPolicy(ms, 'policy', { service: svc(ms) }); });
row('AccessPolicy: on an imported service in a namespace no service lives in', 'valid', app => {
  const ms = mesh(app);
  new AccessPolicy(ms, 'policy', { service: MeshService.fromName(ms, 'ext', 'ext', { namespace: 'lonely' }), allow: [{ from: svc(ms, 'client') }] });
});
row('AccessPolicy allow from: a gateway', 'valid', app => {
  const ms = mesh(app);
  const web = svc(ms);
  const gw = new IngressGateway(ms, 'gw');
  gw.addRoute({ service: web });
  new AccessPolicy(ms, 'policy', { service: web }).allowFrom(gw);
});
row('AccessPolicy: two on one service', 'error', app => { const ms = mesh(app); const s = svc(ms); new AccessPolicy(ms, 'p1', { service: s }); new AccessPolicy(ms, 'p2', { service: s }); });
row('AccessPolicy allowFrom: the same caller twice', 'warning', app => {
  const ms = mesh(app);
  const p = new AccessPolicy(ms, 'policy', { service: svc(ms) });
  const c = svc(ms, 'client');
  p.allowFrom(c);
  p.allowFrom(c);
});
row('MtlsPolicy: mesh-wide STRICT (the Mesh mtls prop says it)', 'error', app => { svc(mesh(app)); new MtlsPolicy(Mesh.of(app.charts[0]), 'mtls', { mode: MtlsMode.STRICT, scope: PolicyScope.mesh() }); });
row('MtlsPolicy: two mesh-wide', 'error', app => {
  const ms = mesh(app);
  new MtlsPolicy(ms, 'm1', { mode: MtlsMode.STRICT, scope: PolicyScope.mesh() });
  new MtlsPolicy(ms, 'm2', { mode: MtlsMode.PERMISSIVE, scope: PolicyScope.mesh() });
});
row('MtlsPolicy: two on one workload', 'error', app => {
  const ms = mesh(app);
  const s = svc(ms);
  new MtlsPolicy(ms, 'm1', { mode: MtlsMode.STRICT, scope: PolicyScope.workload(s) });
  new MtlsPolicy(ms, 'm2', { mode: MtlsMode.PERMISSIVE, scope: PolicyScope.workload(s) });
});
row('MtlsPolicy: a namespace no service lives in (writes its Namespace)', 'valid', app => { const ms = mesh(app); svc(ms); new MtlsPolicy(ms, 'mtls', { mode: MtlsMode.STRICT, scope: PolicyScope.namespace('lonely') }); });
row('MtlsPolicy: portOverrides on a mesh-wide policy', 'error', app => new MtlsPolicy(mesh(app), 'mtls', { mode: MtlsMode.STRICT, scope: PolicyScope.mesh(), portOverrides: [{ port: 8080, mode: MtlsMode.PERMISSIVE }] }));
row('MtlsPolicy: a port override for a port the service lacks', 'error', app => {
  const ms = mesh(app);
  new MtlsPolicy(ms, 'mtls', { mode: MtlsMode.STRICT, scope: PolicyScope.workload(svc(ms)), portOverrides: [{ port: 9999, mode: MtlsMode.PERMISSIVE }] });
});
row('MtlsPolicy: one port overridden twice', 'error', app => {
  const ms = mesh(app);
  const p = new MtlsPolicy(ms, 'mtls', { mode: MtlsMode.STRICT, scope: PolicyScope.workload(svc(ms)) });
  p.addPortOverride(8080, MtlsMode.PERMISSIVE);
  p.addPortOverride(8080, MtlsMode.DISABLE);
});
row('MtlsPolicy: a valid port override', 'valid', app => {
  const ms = mesh(app);
  new MtlsPolicy(ms, 'mtls', { mode: MtlsMode.STRICT, scope: PolicyScope.workload(svc(ms)), portOverrides: [{ port: 8080, mode: MtlsMode.PERMISSIVE }] });
});
row('MtlsPolicy scope: undefined', 'error', app => new MtlsPolicy(mesh(app), 'mtls', js({ mode: MtlsMode.STRICT })));
row('MtlsPolicy scope: a plain object', 'error', app => new MtlsPolicy(mesh(app), 'mtls', { mode: MtlsMode.STRICT, scope: js({ namespace: 'default' }) }));
row('PolicyScope.workload: a service of another mesh', 'error', app => new MtlsPolicy(mesh(app), 'mtls', { mode: MtlsMode.STRICT, scope: PolicyScope.workload(svc(new Mesh(new App(), 'other'))) }));
row('PolicyScope.workload: undefined', 'error', app => new MtlsPolicy(mesh(app), 'mtls', { mode: MtlsMode.STRICT, scope: PolicyScope.workload(js(undefined)) }));
row("PolicyScope.namespace: the root namespace 'istio-system' (use PolicyScope.mesh())", 'warning', app => new MtlsPolicy(mesh(app), 'mtls', { mode: MtlsMode.STRICT, scope: PolicyScope.namespace('istio-system') }));
row('Mesh.denyByDefault: twice for one namespace', 'error', app => { const ms = mesh(app); svc(ms); ms.denyByDefault(); ms.denyByDefault(); });
row('Mesh denyByDefault: a string', 'error', app => svc(mesh(app, { denyByDefault: js('true') })));
row('Mesh denyByDefault: null (its default)', 'warning', app => svc(mesh(app, { denyByDefault: js(null) })));
row('Mesh denyByDefault: default, a gateway route to a service the gateway may not call', 'error', app => {
  const ms = new Mesh(app, 'mesh');
  new IngressGateway(ms, 'gw').addRoute({ service: svc(ms) });
});
row('Mesh denyByDefault: default, the gateway allowed', 'valid', app => {
  const ms = new Mesh(app, 'mesh');
  const s = svc(ms);
  const gw = new IngressGateway(ms, 'gw');
  gw.addRoute({ service: s });
  new AccessPolicy(ms, 'web-access', { service: s, allow: [{ from: gw }] });
});
row('Mesh.denyByDefault: default', 'valid', app => { const ms = mesh(app); svc(ms); ms.denyByDefault(); });
row('Mesh.denyByDefault: in a namespace no service lives in', 'valid', app => { const ms = mesh(app); svc(ms); ms.denyByDefault({ namespace: 'lonely' }); });
row('DenyByDefault constructed directly', 'valid', app => { const ms = mesh(app); svc(ms); new DenyByDefault(ms, 'deny', { namespace: 'default' }); });
row('DenyByDefault props: undefined', 'error', app => new DenyByDefault(mesh(app), 'deny', js(undefined)));
row('Mesh.revokeIdentity(undefined)', 'error', app => mesh(app).revokeIdentity(js(undefined)));
row('Mesh.revokeIdentity: a plain object', 'error', app => mesh(app).revokeIdentity(js({ principal: 'spiffe://x' })));
row('Mesh.revokeIdentity: a service of another mesh', 'error', app => mesh(app).revokeIdentity(svc(new Mesh(new App(), 'other'))));
row('Mesh.revokeIdentity: a service of this mesh', 'valid', app => { const ms = mesh(app); svc(ms); ms.revokeIdentity(svc(ms, 'old')); });
row('Mesh.revokeIdentity: one identity twice', 'warning', app => { const ms = mesh(app); const s = svc(ms, 'old'); ms.revokeIdentity(s); ms.revokeIdentity(s); });
row('Mesh.revokeIdentity: an imported identity', 'valid', app => { const ms = mesh(app); svc(ms); ms.revokeIdentity(MeshService.fromName(ms, 'gone', 'gone', { namespace: 'other' })); });
row('RevokedIdentities: a second list next to the mesh one', 'error', app => {
  const ms = mesh(app);
  ms.revokeIdentity(svc(ms, 'old'));
  new RevokedIdentities(ms, 'more', { mesh: ms }).add(svc(ms, 'older'));
});
row('RevokedIdentities add: undefined', 'error', app => { const ms = mesh(app); new RevokedIdentities(ms, 'revoked', { mesh: ms }).add(js(undefined)); });
row("CertificateAuthority.certManager istioCsrAddress: 'not a host:port'", 'error', app => controlPlane(app, { certificateAuthority: CertificateAuthority.certManager({ istioCsrAddress: 'not a host' }) }));
row('CertificateAuthority.certManager istioCsrAddress: host without port', 'error', app => controlPlane(app, { certificateAuthority: CertificateAuthority.certManager({ istioCsrAddress: 'cert-manager-istio-csr.cert-manager.svc' }) }));
row('CertificateAuthority.certManager: default', 'valid', app => controlPlane(app, { certificateAuthority: CertificateAuthority.certManager() }));
row("CertManagerIntermediateCa issuerName: ''", 'error', app => controlPlane(app, { certificateAuthority: CertificateAuthority.certManager({ intermediateCa: { issuerName: '' } }) }));
row("CertManagerIntermediateCa name: 'Bad Name'", 'error', app => controlPlane(app, { certificateAuthority: CertificateAuthority.certManager({ intermediateCa: { issuerName: 'root', name: 'Bad Name' } }) }));
row('CertManagerIntermediateCa: every option', 'valid', app => controlPlane(app, {
  certificateAuthority: CertificateAuthority.certManager({ intermediateCa: { issuerName: 'root', issuerKind: IssuerKind.CLUSTER_ISSUER, name: 'istio-ca', duration: Duration.days(365) } }),
}));
row("CertManagerOptions istiodCertSecretName: 'Bad Name'", 'error', app => controlPlane(app, { certificateAuthority: CertificateAuthority.certManager({ istiodCertSecretName: 'Bad Name' }) }));
row('CertificateAuthority.pluginCerts: secretName undefined', 'error', app => controlPlane(app, { certificateAuthority: CertificateAuthority.pluginCerts(js({})) }));
row("CertificateAuthority.pluginCerts: 'cacerts'", 'valid', app => controlPlane(app, { certificateAuthority: CertificateAuthority.pluginCerts({ secretName: 'cacerts' }) }));
row('CertificateAuthority.selfSigned: workloadCertTtl 1h', 'valid', app => controlPlane(app, { certificateAuthority: CertificateAuthority.selfSigned({ workloadCertTtl: Duration.hours(1) }) }));
row('ControlPlaneOptions certificateAuthority: a plain object', 'error', app => controlPlane(app, { certificateAuthority: { kind: 'selfSigned' } }));

// ---------------------------------------------------------------------------------------------------------
// Control planes, revisions, meshes

row('Mesh.addControlPlane: a revision twice', 'error', app => { const ms = mesh(app); ms.addControlPlane('a', { revision: 'canary' }); ms.addControlPlane('b', { revision: 'canary' }); });
row("Mesh.addControlPlane: revision 'default' (the mesh's own)", 'error', app => mesh(app).addControlPlane('a', { revision: 'default' }));
row('Mesh.addControlPlane: no revision', 'error', app => mesh(app).addControlPlane('a', {}));
row('Mesh.addControlPlane: options undefined', 'error', app => mesh(app).addControlPlane('a', js(undefined)));
row('Mesh.addControlPlane: a canary', 'valid', app => { const ms = mesh(app); ms.addControlPlane('canary', { revision: 'canary' }); svc(ms); });
row('Mesh.addControlPlane: its own hub and tag', 'valid', app => mesh(app).addControlPlane('canary', { revision: 'canary', hub: 'gcr.io/istio-release', tag: '1.30.3' }));
row("Mesh.setNamespaceRevision: unknown revision 'nope'", 'error', app => { const ms = mesh(app); svc(ms); ms.setNamespaceRevision('default', 'nope'); });
row('Mesh.setNamespaceRevision: twice, two revisions', 'error', app => {
  const ms = mesh(app);
  ms.addControlPlane('canary', { revision: 'canary' });
  svc(ms);
  ms.setNamespaceRevision('default', 'canary');
  ms.setNamespaceRevision('default', 'default');
});
row('Mesh.setNamespaceRevision: conflicting with a service revision', 'warning', app => {
  const ms = mesh(app);
  ms.addControlPlane('canary', { revision: 'canary' });
  svc(ms, 'web', { revision: 'default' });
  ms.setNamespaceRevision('default', 'canary');
});
row('Mesh.setNamespaceRevision: canary', 'valid', app => { const ms = mesh(app); ms.addControlPlane('canary', { revision: 'canary' }); svc(ms); ms.setNamespaceRevision('default', 'canary'); });
row("Mesh.controlPlaneOf: unknown 'nope'", 'error', app => mesh(app).controlPlaneOf('nope'));
row('Mesh.controlPlaneOf(undefined)', 'error', app => mesh(app).controlPlaneOf(js(undefined)));
row('Mesh.namespaceControlPlane(undefined)', 'error', app => mesh(app).namespaceControlPlane(js(undefined)));
row("Mesh.principalOf: namespace 'a/b'", 'error', app => mesh(app).principalOf('a/b', 'sa'));
row("Mesh.hostOf: name 'Web'", 'error', app => mesh(app).hostOf('Web', 'default'));
row('Mesh.mtlsModeOf: a service of another mesh', 'error', app => mesh(app).mtlsModeOf(svc(new Mesh(new App(), 'other'))));
row('Mesh.mtlsModeOf: port NaN', 'error', app => { const ms = mesh(app); ms.mtlsModeOf(svc(ms), NaN); });
row('Mesh.mtlsModeOf, meshConfig, analyze on a valid mesh', 'valid', app => { const ms = mesh(app); const s = svc(ms); ms.mtlsModeOf(s, 8080); ms.meshConfig(); ms.analyze(); });
row('Mesh: two in one App', 'error', app => { new Mesh(app, 'm1'); new Mesh(app, 'm2'); });
row('Mesh: two in one App, two root namespaces', 'error', app => { new Mesh(app, 'm1'); new Mesh(app, 'm2', { rootNamespace: 'istio-two' }); });
row('Mesh: a Mesh in a Mesh', 'error', app => { const a = new Mesh(app, 'm1'); new Mesh(a, 'm2'); });
row('Mesh: empty props', 'valid', app => new Mesh(app, 'mesh', {}));
row('Mesh: rootNamespace equal to defaultNamespace', 'error', app => svc(mesh(app, { rootNamespace: 'apps', defaultNamespace: 'apps' })));
row("Mesh rootNamespace: 'kube-system'", 'error', app => mesh(app, { rootNamespace: 'kube-system' }));
row("Mesh rootNamespace: 'istio-mesh' (legal)", 'valid', app => svc(mesh(app, { rootNamespace: 'istio-mesh' })));

// ---------------------------------------------------------------------------------------------------------
// Collisions between constructs

row('Two services with one name in one namespace', 'error', app => { const ms = mesh(app); svc(ms, 'a', { serviceName: 'web' }); svc(ms, 'b', { serviceName: 'web' }); });
row('Two services with one name in two namespaces', 'valid', app => { const ms = mesh(app); svc(ms, 'a', { serviceName: 'web', namespace: 'one' }); svc(ms, 'b', { serviceName: 'web', namespace: 'two' }); });
row('Two services sharing a ServiceAccount name', 'error', app => { const ms = mesh(app); svc(ms, 'a', { serviceAccountName: 'sa' }); svc(ms, 'b', { serviceAccountName: 'sa' }); });
// Service web's version v1 is Deployment web-v1; service web-v1's version x is Deployment web-v1-x: no two objects of
// one kind share a name (Service web-v1 and Deployment web-v1 are of two kinds, which Kubernetes keeps apart), and
// each Deployment's pods carry their own app/version labels. The cluster accepts it: it was expected to fail by mistake.
row('Service web with version v1 and service web-v1: one Deployment name', 'valid', app => { const ms = mesh(app); svc(ms, 'web', {}, ['v1']); svc(ms, 'web-v1', {}, ['x']); });
row('Services b-c in a and c in a-b with a TelemetryStack', 'valid', app => { const ms = mesh(app); svc(ms, 'b-c', { namespace: 'a' }); svc(ms, 'c', { namespace: 'a-b' }); new TelemetryStack(ms, 'telemetry'); });
row('Services with 63-character names in two 63-character namespaces with a TelemetryStack', 'valid', app => {
  const ms = mesh(app);
  svc(ms, 'a', { serviceName: `s${'a'.repeat(62)}`, namespace: 'n'.repeat(63) });
  svc(ms, 'b', { serviceName: `s${'a'.repeat(62)}`, namespace: 'm'.repeat(63) });
  new TelemetryStack(ms, 'telemetry');
});
row("Service named 'prometheus' in the telemetry namespace", 'error', app => { const ms = mesh(app); svc(ms, 'prometheus', { namespace: 'istio-system' }); new TelemetryStack(ms, 'telemetry'); });
row("Service named 'grafana' where the stack writes Grafana", 'error', app => { const ms = mesh(app); svc(ms, 'grafana', { namespace: 'telemetry' }); new TelemetryStack(ms, 'telemetry', { namespace: 'telemetry' }); });
row('Service and ExternalService with one name and namespace', 'error', app => { const ms = mesh(app); svc(ms, 'api'); new ExternalService(ms, 'ext', { hosts: ['api.example.com'], name: 'api' }); });

// ---------------------------------------------------------------------------------------------------------
// Telemetry

row('TelemetryStack: default', 'valid', app => telemetry(app, {}));
row('TelemetryStack: two in one mesh', 'error', app => { const ms = mesh(app); svc(ms); new TelemetryStack(ms, 't1'); new TelemetryStack(ms, 't2'); });
row('TelemetryStack: two in one mesh, two namespaces', 'error', app => { const ms = mesh(app); svc(ms); new TelemetryStack(ms, 't1', { namespace: 'one' }); new TelemetryStack(ms, 't2', { namespace: 'two' }); });
row('TelemetryStack: outside a Mesh', 'error', app => new TelemetryStack(app, 'telemetry'));
row("AccessLogOptions filter: 'response.code >=' (not CEL)", 'error', app => telemetry(app, { accessLogging: { filter: 'response.code >=' } }));
row("AccessLogOptions filter: 'response.code >= 400'", 'valid', app => telemetry(app, { accessLogging: { filter: 'response.code >= 400' } }));
row("AccessLogOptions filter: ''", 'error', app => telemetry(app, { accessLogging: { filter: '' } }));
row("AccessLogOptions filter: 'response.code' (not a boolean)", 'error', app => telemetry(app, { accessLogging: { filter: "response.code + 'x'" } }));
row("AccessLogSettings filter: 'a ===' (not CEL)", 'error', app => new TelemetryPolicy(mesh(app), 'policy', { scope: PolicyScope.mesh(), accessLogging: { filter: 'a ===' } }));
row('AccessLogSettings: filter with enabled false', 'error', app => new TelemetryPolicy(mesh(app), 'policy', { scope: PolicyScope.mesh(), accessLogging: { enabled: false, filter: 'response.code >= 400' } }));
row("AccessLogSettings provider: unknown 'splunk'", 'error', app => new TelemetryPolicy(mesh(app), 'policy', { scope: PolicyScope.mesh(), accessLogging: { provider: 'splunk' } }));
row("AccessLogSettings provider: 'envoy'", 'valid', app => new TelemetryPolicy(mesh(app), 'policy', { scope: PolicyScope.mesh(), accessLogging: { provider: 'envoy' } }));
row("TracingSettings provider: unknown 'nope'", 'error', app => new TelemetryPolicy(mesh(app), 'policy', { scope: PolicyScope.mesh(), tracing: { provider: 'nope' } }));
row('TracingSettings: disabled with a samplingPercentage', 'error', app => new TelemetryPolicy(mesh(app), 'policy', { scope: PolicyScope.mesh(), tracing: { disabled: true, samplingPercentage: 10 } }));
row('TelemetryPolicy: no setting', 'error', app => new TelemetryPolicy(mesh(app), 'policy', { scope: PolicyScope.mesh() }));
row('TelemetryPolicy: two mesh-wide', 'error', app => {
  const ms = mesh(app);
  new TelemetryPolicy(ms, 'p1', { scope: PolicyScope.mesh(), tracing: { samplingPercentage: 1 } });
  new TelemetryPolicy(ms, 'p2', { scope: PolicyScope.mesh(), tracing: { samplingPercentage: 2 } });
});
row('TelemetryPolicy: on a namespace no service lives in', 'valid', app => { const ms = mesh(app); svc(ms); new TelemetryStack(ms, 'telemetry', { tracing: TracingBackend.jaeger() }); new TelemetryPolicy(ms, 'p', { scope: PolicyScope.namespace('lonely'), tracing: { samplingPercentage: 5 } }); });
row('TelemetryPolicy: on a workload', 'valid', app => { const ms = mesh(app); new TelemetryPolicy(ms, 'p', { scope: PolicyScope.workload(svc(ms)), accessLogging: { enabled: true } }); });
row('TelemetryPolicy scope: undefined', 'error', app => new TelemetryPolicy(mesh(app), 'p', js({ tracing: { samplingPercentage: 1 } })));
row('TelemetryStack tracing: jaeger', 'valid', app => telemetry(app, { tracing: TracingBackend.jaeger() }));
row('TelemetryStack tracing: zipkin', 'valid', app => telemetry(app, { tracing: TracingBackend.zipkin() }));
row('TelemetryStack tracing: openTelemetry', 'valid', app => telemetry(app, { tracing: TracingBackend.openTelemetry({ host: 'otel-collector.observability.svc.cluster.local', port: 4317 }) }));
row('TracingBackend.openTelemetry: no host', 'error', app => telemetry(app, { tracing: TracingBackend.openTelemetry(js({})) }));
row("TracingBackend.openTelemetry host: 'http://otel:4317' (a URL)", 'error', app => telemetry(app, { tracing: TracingBackend.openTelemetry({ host: 'http://otel:4317' }) }));
row("TracingBackend.openTelemetry host: 'a b'", 'error', app => telemetry(app, { tracing: TracingBackend.openTelemetry({ host: 'a b' }) }));
row("TracingBackend.openTelemetry providerName: 'envoy' (a built-in provider)", 'error', app => telemetry(app, { tracing: TracingBackend.openTelemetry({ host: 'otel.observability.svc.cluster.local', providerName: 'envoy' }) }));
row("TracingBackend.openTelemetry providerName: ''", 'error', app => telemetry(app, { tracing: TracingBackend.openTelemetry({ host: 'otel.observability.svc.cluster.local', providerName: '' }) }));
row('TelemetryStack tracing: a plain object', 'error', app => telemetry(app, { tracing: { kind: 'jaeger' } }));
row("TelemetryComponentOptions version (Prometheus): 'v3.0.0 beta'", 'error', app => telemetry(app, { prometheus: { version: 'v3.0.0 beta' } }));
row('TelemetryComponentOptions version and image both', 'error', app => telemetry(app, { grafana: { version: '11.0.0', image: 'grafana/grafana:10.0.0' } }));
row('PrometheusOptions: disabled with Grafana enabled', 'error', app => telemetry(app, { prometheus: { enabled: false }, grafana: { enabled: true } }));
row('PrometheusOptions: disabled with Kiali enabled', 'error', app => telemetry(app, { prometheus: { enabled: false }, kiali: { enabled: true }, grafana: { enabled: false } }));
row('PrometheusOptions: everything disabled', 'valid', app => telemetry(app, { prometheus: { enabled: false }, grafana: { enabled: false }, kiali: { enabled: false } }));
row('PrometheusStorage.persistentVolume: 0 bytes', 'error', app => telemetry(app, { prometheus: { storage: PrometheusStorage.persistentVolume({ size: Size.kibibytes(0) }) } }));
row('PrometheusStorage.persistentVolume: 20Gi', 'valid', app => telemetry(app, { prometheus: { storage: PrometheusStorage.persistentVolume({ size: Size.gibibytes(20) }) } }));
row("PrometheusStorage.persistentVolume storageClassName: 'Bad Class'", 'error', app => telemetry(app, { prometheus: { storage: PrometheusStorage.persistentVolume({ size: Size.gibibytes(1), storageClassName: 'Bad Class' }) } }));
row('PrometheusStorage.persistentVolume: size undefined', 'error', app => telemetry(app, { prometheus: { storage: PrometheusStorage.persistentVolume(js({})) } }));
row('PrometheusStorage.emptyDir', 'valid', app => telemetry(app, { prometheus: { storage: PrometheusStorage.emptyDir() } }));
row('PrometheusOptions retentionSize: 0', 'error', app => telemetry(app, { prometheus: { retentionSize: Size.kibibytes(0) } }));
row('PrometheusOptions retentionSize: above the volume size', 'error', app => telemetry(app, { prometheus: { retentionSize: Size.gibibytes(50), storage: PrometheusStorage.persistentVolume({ size: Size.gibibytes(10) }) } }));
row('PrometheusOptions retention: 15d', 'valid', app => telemetry(app, { prometheus: { retention: Duration.days(15), scrapeInterval: Duration.seconds(15) } }));
row('PrometheusOptions scrapeInterval: 0', 'error', app => telemetry(app, { prometheus: { scrapeInterval: Duration.seconds(0) } }));
row("PrometheusOptions extraNamespaces: 'Bad'", 'error', app => telemetry(app, { prometheus: { extraNamespaces: ['Bad'] } }));
row('PrometheusOptions extraNamespaces: one twice', 'error', app => telemetry(app, { prometheus: { extraNamespaces: ['other', 'other'] } }));
row('PrometheusOptions extraNamespaces: other', 'valid', app => telemetry(app, { prometheus: { extraNamespaces: ['other'] } }));
row('GrafanaOptions serviceDashboards: a service of another mesh', 'error', app => telemetry(app, { grafana: { serviceDashboards: [svc(new Mesh(new App(), 'other'))] } }));
row('GrafanaOptions serviceDashboards: one service twice', 'error', app => { const ms = mesh(app); const s = svc(ms); new TelemetryStack(ms, 'telemetry', { grafana: { serviceDashboards: [s, s] } }); });
row('GrafanaOptions serviceDashboards: an imported service (its versions are unknown)', 'error', app => { const ms = mesh(app); svc(ms); new TelemetryStack(ms, 'telemetry', { grafana: { serviceDashboards: [MeshService.fromName(ms, 'ext', 'ext', { namespace: 'other', ports: HTTP })] } }); });
row("KialiOptions grafanaExternalUrl: 'not a url'", 'error', app => telemetry(app, { kiali: { grafanaExternalUrl: 'not a url' } }));
row("KialiOptions grafanaExternalUrl: 'https://grafana.example.com'", 'valid', app => telemetry(app, { kiali: { grafanaExternalUrl: 'https://grafana.example.com' } }));
row("KialiOptions grafanaExternalUrl: 'javascript:alert(1)'", 'error', app => telemetry(app, { kiali: { grafanaExternalUrl: 'javascript:alert(1)' } }));
row('TelemetryStack: Kiali without Grafana', 'valid', app => telemetry(app, { grafana: { enabled: false }, kiali: { enabled: true } }));
row('ControlPlaneOptions accessLogging: true with a TelemetryStack', 'valid', app => { const ms = mesh(app, { controlPlane: { accessLogging: true } }); svc(ms); new TelemetryStack(ms, 'telemetry'); });

// ---------------------------------------------------------------------------------------------------------
// MeshTesting, MeshAnalyzer

row('MeshTesting.synth: a plain object', 'error', () => MeshTesting.synth(js({})));
row('MeshTesting.synth: undefined', 'error', () => MeshTesting.synth(js(undefined)));
row('MeshTesting.synth: a valid mesh', 'valid', app => { const ms = mesh(app); svc(ms); MeshTesting.synth(ms); });
row('MeshTesting.find: an object that is not there', 'error', app => { const ms = mesh(app); svc(ms); MeshTesting.find(MeshTesting.synth(ms), 'Service', 'nope'); });
row('MeshTesting.find: manifests undefined', 'error', () => MeshTesting.find(js(undefined), 'Service', 'web'));
row('MeshTesting.allowedCallers: a service of another mesh', 'error', app => { const ms = mesh(app); svc(ms); MeshTesting.allowedCallers(ms, svc(new Mesh(new App(), 'other'))); });
row('MeshTesting.allowedCallers: a service of this mesh with an AccessPolicy', 'valid', app => { const ms = mesh(app); const s = svc(ms); new AccessPolicy(ms, 'p', { service: s, allow: [{ from: s }] }); MeshTesting.allowedCallers(ms, s); });
row('MeshTesting.allowedCallers: a service every caller may call', 'error', app => { const ms = mesh(app); const s = svc(ms); MeshTesting.allowedCallers(ms, s); });
row('MeshTesting.canCall: services of this mesh', 'valid', app => { const ms = mesh(app); const s = svc(ms); MeshTesting.canCall(ms, s, s); });
row('MeshTesting.canCall: a service of another mesh', 'error', app => { const ms = mesh(app); const s = svc(ms); MeshTesting.canCall(ms, s, svc(new Mesh(new App(), 'other'))); });
row('MeshTesting.routeFor: a service of another mesh', 'error', app => { const ms = mesh(app); svc(ms); MeshTesting.routeFor(ms, svc(new Mesh(new App(), 'other'))); });
row('MeshAnalyzer.analyze: a plain object', 'error', () => MeshAnalyzer.analyze(js({})));
row('MeshAnalyzer.analyze: undefined', 'error', () => MeshAnalyzer.analyze(js(undefined)));
row('MeshAnalyzer.analyze: a valid mesh', 'valid', app => { const ms = mesh(app); svc(ms); MeshAnalyzer.analyze(ms); });

// ---------------------------------------------------------------------------------------------------------
// Whole meshes that must be valid

row('Bookinfo-like mesh: canary, gateway, policies, telemetry', 'valid', app => {
  const ms = mesh(app);
  const web = svc(ms, 'web', {}, ['v1', 'v2']);
  const api = svc(ms, 'api', { ports: [{ port: 9080, protocol: Protocol.GRPC }] }, ['v1']);
  new TrafficSplit(ms, 'split', { service: web, routes: [{ targets: [TrafficTarget.version('v1', 90), TrafficTarget.version('v2', 10)] }] });
  const gw = new IngressGateway(ms, 'gw');
  gw.addRoute({ service: web });
  new AccessPolicy(ms, 'api-access', { service: api, allow: [{ from: web, methods: [HttpMethod.POST], paths: ['/api/*'] }] });
  new MtlsPolicy(ms, 'mtls', { mode: MtlsMode.PERMISSIVE, scope: PolicyScope.workload(api) });
  new RateLimit(ms, 'limit', { service: web, requests: 100 });
  new TelemetryStack(ms, 'telemetry', { tracing: TracingBackend.jaeger(), samplingPercentage: 10 });
});
row('A mesh with every service in its own namespace and explicit injection', 'valid', app => {
  const ms = mesh(app);
  svc(ms, 'a', { namespace: 'ns-a', injection: Injection.explicit() }, ['v1', 'v2']);
  svc(ms, 'b', { namespace: 'ns-b' }, ['v1']);
  ms.denyByDefault({ namespace: 'ns-a' });
});

// Route actions, on a split route and on a gateway route; gateway routes through a split; TLS and TCP routes.
function gatewayRoute(app: App, r: any, props: any = {}): void {
  const ms = mesh(app);
  new IngressGateway(ms, 'gw', props).addRoute({ service: svc(ms), ...r });
}
for (const [what, actions] of [
  ['headers a string', { headers: 'x-a: 1' }],
  ['headers.request a list', { headers: { request: [] } }],
  ['headers.request.set a string', { headers: { request: { set: 'x-a' } } }],
  ['headers.request.set a number value', { headers: { request: { set: { 'x-a': 1 } } } }],
  ['headers.response.remove a string', { headers: { response: { remove: 'x-a' } } }],
  ['headers.request.set with CR/LF in the name', { headers: { request: { set: { 'x-a\r\nx-b': '1' } } } }],
  ['headers.request.set :authority', { headers: { request: { set: { ':authority': 'a.example.com' } } } }],
  ['rewrite a string', { rewrite: '/v2' }],
  ['rewrite.fullPath a number', { rewrite: { fullPath: 2 } }],
  ['redirect a string', { redirect: 'https://a.example.com' }],
  ['redirect.port a string', { redirect: { port: '443' } }],
  ['redirect.statusCode a string', { redirect: { fullPath: '/a', statusCode: '301' } }],
  ['redirect.scheme HTTPS', { redirect: { scheme: 'HTTPS' } }],
  ['timeout a Duration', { timeout: Duration.seconds(1) }],
  ['retries a plain object', { retries: { attempts: 2 } }],
] as Array<[string, any]>) {
  row(`TrafficSplit route ${what}`, 'error', app => route(app, actions));
  row(`IngressGateway.addRoute ${what}`, 'error', app => gatewayRoute(app, actions));
}
row('TrafficSplit route: a redirect without targets', 'valid', app => {
  const ms = mesh(app);
  new TrafficSplit(ms, 'split', { service: svc(ms), routes: [{ matches: [{ uri: StringMatch.exact('/old') }], redirect: { fullPath: '/new' } }, { targets: [TrafficTarget.version('v1')] }] });
});
row('TrafficSplit route: every action', 'valid', app => route(app, {
  matches: [{ uri: StringMatch.prefix('/api') }],
  headers: { request: { set: { 'x-a': '%%' }, add: { 'x-b': '%REQ(x-request-id)%' }, remove: ['x-c'] }, response: { remove: ['server'] } },
  rewrite: { pathPrefix: '/v2/api', host: 'web.internal:8080' },
  timeout: Timeout.of(Duration.seconds(1)),
}));
row('IngressGateway.addRoute: a redirect without a service', 'valid', app => {
  const ms = mesh(app);
  const gw = new IngressGateway(ms, 'gw');
  gw.addRoute({ service: svc(ms), paths: [StringMatch.prefix('/shop/')], rewrite: { pathPrefix: '/' } });
  gw.addRoute({ paths: [StringMatch.exact('/')], redirect: { fullPath: '/shop/', statusCode: 302 } });
});
row('IngressGateway.addRoute: through a canary with a mirror, a fault, rewrites and header changes', 'valid', app => {
  const ms = mesh(app);
  const s = svc(ms, 'web', {}, ['v1', 'v2', 'v3']);
  new TrafficSplit(ms, 'split', {
    service: s,
    routes: [
      {
        matches: [{ uri: StringMatch.prefix('/api'), headers: [HeaderMatch.exact('x-canary', 'yes')] }],
        targets: [TrafficTarget.version('v1', 90), TrafficTarget.version('v2', 10)],
        mirror: { version: 'v3' },
        fault: FaultInjection.delay(Duration.seconds(1), 5),
        rewrite: { pathPrefix: '/v2/api' },
        headers: { request: { set: { 'x-a': 'split' } } },
      },
      { targets: [TrafficTarget.version('v1')] },
    ],
  });
  new IngressGateway(ms, 'gw').addRoute({ service: s, paths: [StringMatch.prefix('/shop/')], rewrite: { pathPrefix: '/' }, headers: { request: { set: { 'x-a': 'gw' } } } });
});
row('IngressGateway.addRoute: through a split route on the caller (bypassed)', 'warning', app => {
  const ms = mesh(app);
  const s = svc(ms, 'web', {}, ['v1', 'v2']);
  new TrafficSplit(ms, 'split', { service: s, routes: [{ matches: [{ sourceService: svc(ms, 'client') }], targets: [TrafficTarget.version('v2')] }, { targets: [TrafficTarget.version('v1')] }] });
  new IngressGateway(ms, 'gw').addRoute({ service: s });
});
row('IngressGateway.addRoute: a regex path through a split prefix', 'error', app => {
  const ms = mesh(app);
  const s = svc(ms, 'web', {}, ['v1', 'v2']);
  new TrafficSplit(ms, 'split', { service: s, routes: [{ matches: [{ uri: StringMatch.prefix('/a') }], targets: [TrafficTarget.version('v2')] }, { targets: [TrafficTarget.version('v1')] }] });
  new IngressGateway(ms, 'gw').addRoute({ service: s, paths: [StringMatch.regex('/[a-z]+')] });
});
/** A gateway with a TLS and a TCP listener, an HTTP route for its other host, and service 'db' (TLS and TCP ports). */
function streamGateway(app: App): { gw: IngressGateway; db: MeshService } {
  const ms = mesh(app);
  const db = svc(ms, 'db', { ports: [{ port: 5432, protocol: Protocol.TCP }, { port: 8443, protocol: Protocol.TLS }] });
  const gw = new IngressGateway(ms, 'gw', { listeners: [{ port: 80, hosts: ['shop.example.com'] }, { port: 443, protocol: Protocol.TLS, hosts: ['db.example.com'] }, { port: 5432, protocol: Protocol.TCP }] });
  gw.addRoute({ service: svc(ms), hosts: ['shop.example.com'] });
  return { gw, db };
}
row('IngressGateway.addTlsRoute and addTcpRoute', 'valid', app => {
  const { gw, db } = streamGateway(app);
  gw.addTlsRoute({ hosts: ['db.example.com'], service: db });
  gw.addTcpRoute({ port: 5432, service: db, servicePort: 5432 });
});
for (const [what, make] of [
  ['addTlsRoute hosts a string', (gw: any, db: any) => gw.addTlsRoute({ hosts: 'db.example.com', service: db })],
  ['addTlsRoute hosts undefined', (gw: any, db: any) => gw.addTlsRoute({ service: db })],
  ['addTlsRoute service undefined', (gw: any) => gw.addTlsRoute({ hosts: ['db.example.com'] })],
  ['addTlsRoute service a plain object', (gw: any) => gw.addTlsRoute({ hosts: ['db.example.com'], service: { serviceName: 'db' } })],
  ['addTlsRoute port a string', (gw: any, db: any) => gw.addTlsRoute({ hosts: ['db.example.com'], service: db, port: '8443' })],
  ['addTcpRoute port a string', (gw: any, db: any) => gw.addTcpRoute({ port: '5432', service: db, servicePort: 5432 })],
  ['addTcpRoute port undefined', (gw: any, db: any) => gw.addTcpRoute({ service: db, servicePort: 5432 })],
  ['addTcpRoute servicePort 70000', (gw: any, db: any) => gw.addTcpRoute({ port: 5432, service: db, servicePort: 70000 })],
] as Array<[string, (gw: any, db: any) => void]>) {
  row(`IngressGateway.${what}`, 'error', app => { const { gw, db } = streamGateway(app); make(gw, db); });
}

export { rows };

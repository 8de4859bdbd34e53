/**
 * Random meshes for the property tests: a generator of mesh *specs* (plain data, so that fast-check prints a
 * counterexample readably and shrinks it) and a builder that turns a spec into constructs in a fresh App,
 * the way a user writes them.
 *
 * Values are mostly valid; edge and invalid ones (empty, long or upper-case names, out-of-range numbers,
 * duplicates, names that collide across namespaces) come at a lower rate, so that both outcomes of the
 * property (synthesizes cleanly, or fails with coded errors) are exercised.
 *
 * References between parts of a mesh (a split's service, an access rule's caller...) are indexes, taken
 * modulo the number of candidates when the mesh is built, so every generated reference resolves.
 */
import { App, Duration, Size } from 'cdk8s';
import { Cpu } from 'cdk8s-plus-27';
import * as fc from 'fast-check';
import {
  AccessLogEncoding, AccessPolicy, CircuitBreaker, EgressGateway, EgressScope, ExternalResolution, ExternalService, FaultInjection,
  GatewayServiceType, HeaderMatch, ImageVariant, ProxyLogLevel, ProxyOptions, HttpMethod, IMeshIdentity, IMeshService, IngressGateway,
  Injection, LoadBalancer, Mesh, MeshService,
  MtlsMode, MtlsPolicy, OutboundTrafficPolicy, PolicyScope, PrometheusStorage, Protocol, RateLimit, RetryOn, RetryPolicy, RouteMatch,
  ServiceTrafficPolicy, StringMatch, TelemetryPolicy, TelemetryStack, Timeout, TracingBackend, TrafficSplit, TrafficTarget,
} from '../../src';
import { isHttpProtocol } from '../../src/private/protocols';

// ---------------------------------------------------------------------------------------------------------
// The spec: plain data only.

export interface DurationSpec { readonly unit: 'millis' | 'seconds' | 'minutes'; readonly amount: number }
export interface PortSpec { readonly port: number; readonly protocol?: Protocol; readonly targetPort?: number; readonly name?: string }
export interface VersionSpec {
  readonly name: string;
  readonly image: string;
  readonly replicas?: number;
  readonly env?: Record<string, string>;
  readonly cpuMillis?: { request: number; limit?: number };
  readonly memoryMiB?: { request: number; limit?: number };
  readonly command?: string[];
  readonly args?: string[];
  readonly user?: number;
  readonly podAnnotations?: Record<string, string>;
  readonly writablePaths?: string[];
}
export interface ProxySpec {
  readonly concurrency?: number;
  readonly logLevel?: ProxyLogLevel;
  readonly componentLogLevel?: string;
  readonly excludeInboundPorts?: number[];
  readonly excludeOutboundPorts?: number[];
  readonly excludeOutboundIpRanges?: string[];
  readonly holdApplicationUntilProxyStarts?: boolean;
  readonly nativeSidecar?: boolean;
  readonly cpuMillis?: number;
}
export interface ControlPlaneSpec {
  readonly replicas?: number;
  readonly autoscaling?: { minReplicas?: number; maxReplicas?: number };
  readonly logLevel?: string;
  readonly accessLogging?: boolean;
  readonly cni?: boolean;
  readonly distroless?: boolean;
  readonly proxy?: ProxySpec;
}
export interface RetrySpec { readonly attempts: number; readonly perTryTimeout?: DurationSpec; readonly retryOn?: RetryOn[] }
export interface CircuitBreakerSpec {
  readonly maxConnections?: number;
  readonly maxPendingRequests?: number;
  readonly maxRequests?: number;
  readonly maxRequestsPerConnection?: number;
  readonly maxRetries?: number;
  readonly connectTimeout?: DurationSpec;
  readonly consecutiveErrors?: number;
  readonly interval?: DurationSpec;
  readonly baseEjectionTime?: DurationSpec;
  readonly maxEjectionPercent?: number;
}
export interface LoadBalancerSpec {
  readonly kind: 'roundRobin' | 'leastRequest' | 'random' | 'header' | 'cookie' | 'sourceIp';
  readonly key?: string;
  readonly cookieTtl?: DurationSpec;
  readonly failover?: { from: string; to: string }[];
  readonly distribute?: { from: string; to: Record<string, number> }[];
  readonly failoverPriority?: string[];
}
export interface TrafficPolicySpec {
  readonly timeout?: DurationSpec;
  readonly retries?: RetrySpec | 'none';
  readonly circuitBreaker?: CircuitBreakerSpec;
  readonly loadBalancer?: LoadBalancerSpec;
}
export interface ServiceSpec extends TrafficPolicySpec {
  readonly id: string;
  readonly serviceName?: string;
  readonly namespace?: string;
  readonly serviceAccountName?: string;
  readonly ports: PortSpec[];
  readonly versions: VersionSpec[];
  /** A revision (hostile meshes), or an index into the mesh's revisions, default first (careful ones). */
  readonly revision?: string | number;
  readonly explicitInjection?: boolean;
  readonly proxy?: ProxySpec;
}
export interface ImportSpec { readonly name: string; readonly namespace?: string; readonly versions?: string[]; readonly ports?: PortSpec[] }
export interface StringMatchSpec { readonly kind: 'exact' | 'prefix' | 'regex'; readonly value: string }
export interface HeaderMatchSpec { readonly name: string; readonly match: StringMatchSpec }
export interface MatchSpec {
  readonly uri?: StringMatchSpec; readonly headers?: HeaderMatchSpec[]; readonly method?: HttpMethod; readonly source?: number;
}
export interface FaultSpec { readonly delay?: { by: DurationSpec; percentage?: number }; readonly abort?: { status: number; percentage?: number } }
export interface RouteSpec {
  readonly name?: string;
  readonly matches?: MatchSpec[];
  readonly targets: { version: number; weight?: number }[];
  readonly mirror?: { version: number; percentage?: number };
  readonly fault?: FaultSpec;
  readonly timeout?: DurationSpec;
  readonly retries?: RetrySpec;
}
export interface SplitSpec { readonly service: number; readonly routes: RouteSpec[] }
export interface StpSpec extends TrafficPolicySpec { readonly service: number }
export interface AccessRuleSpec { readonly from: number; readonly methods?: HttpMethod[]; readonly paths?: string[]; readonly ports?: number[] }
export interface AccessSpec { readonly service: number; readonly allow: AccessRuleSpec[] }
export type ScopeSpec = { readonly kind: 'mesh' } | { readonly kind: 'namespace'; readonly name: string } | { readonly kind: 'workload'; readonly service: number };
export interface MtlsPolicySpec { readonly mode: MtlsMode; readonly scope: ScopeSpec; readonly portOverrides?: { port: number; mode: MtlsMode }[] }
export interface ListenerSpec { readonly port: number; readonly protocol?: Protocol; readonly hosts?: string[]; readonly credentialName?: string }
export interface GatewaySpec {
  readonly egress: boolean;
  readonly name?: string;
  readonly namespace?: string;
  readonly listeners?: ListenerSpec[];
  readonly replicas?: number;
  readonly serviceType?: GatewayServiceType;
  readonly revision?: string | number;
  readonly routes: { service: number; paths?: StringMatchSpec[]; hosts?: string[]; port?: number }[];
}
export interface ExternalSpec {
  readonly hosts: string[];
  readonly ports?: { port: number; protocol?: Protocol }[];
  readonly resolution?: ExternalResolution;
  readonly name?: string;
  readonly namespace?: string;
  readonly egressGateway?: number;
}
export interface EgressScopeSpec {
  readonly service?: number;
  readonly namespace?: string;
  readonly allowServices?: number[];
  readonly allowExternal?: number[];
  readonly allowHosts?: string[];
  readonly outboundTrafficPolicy?: OutboundTrafficPolicy;
}
export interface RateLimitSpec { readonly service: number; readonly requests: number; readonly per?: DurationSpec; readonly burst?: number }
export interface TelemetrySpec {
  readonly namespace?: string;
  readonly tracing?: 'jaeger' | 'zipkin' | 'otel';
  readonly samplingPercentage?: number;
  readonly accessLogging?: { encoding?: AccessLogEncoding; filter?: string };
  readonly kiali?: boolean;
  readonly grafana?: boolean;
  /** Services with a dashboard (indexes). */
  readonly dashboards?: number[];
  readonly prometheus?: { retentionDays?: number; persistentGiB?: number; scrapeSeconds?: number };
}
export interface TelemetryPolicySpec {
  readonly scope: ScopeSpec;
  readonly tracing?: { samplingPercentage?: number; disabled?: boolean };
  readonly accessLogging?: { enabled?: boolean; filter?: string };
}
export interface RevisionSpec { readonly id: string; readonly revision: string; readonly tag?: string }

export interface MeshSpec {
  /** Hostile meshes take edge and invalid values, and their references are used as generated. */
  readonly hostile: boolean;
  readonly installCrds: boolean;
  readonly mtls?: MtlsMode;
  readonly outboundTrafficPolicy?: OutboundTrafficPolicy;
  readonly defaultNamespace?: string;
  readonly trustDomain?: string;
  readonly rootNamespace?: string;
  readonly controlPlane?: ControlPlaneSpec;
  readonly revisions: RevisionSpec[];
  readonly namespaceRevisions: { namespace: string; revision: string | number }[];
  readonly services: ServiceSpec[];
  readonly imports: ImportSpec[];
  readonly splits: SplitSpec[];
  readonly trafficPolicies: StpSpec[];
  readonly access: AccessSpec[];
  /** The Mesh prop (undefined: its default, true). */
  readonly meshDenies?: boolean;
  readonly denyByDefault?: { namespace?: string };
  readonly revoked: number[];
  readonly mtlsPolicies: MtlsPolicySpec[];
  readonly gateways: GatewaySpec[];
  readonly externals: ExternalSpec[];
  readonly egressScopes: EgressScopeSpec[];
  readonly rateLimits: RateLimitSpec[];
  readonly telemetry?: TelemetrySpec;
  readonly telemetryPolicies: TelemetryPolicySpec[];
  /** Not generated: a test that wants NetworkPolicies sets it. */
  readonly networkPolicies?: boolean;
}

// ---------------------------------------------------------------------------------------------------------
// Generators. A *careful* mesh (three runs in four) is valid field by field and the builder keeps its
// references consistent (see buildMesh); a *hostile* one takes an edge or invalid value for about one field
// in five, and its references are used exactly as generated.

const NAMES = ['web', 'api', 'db', 'reviews', 'ratings', 'a', 'c', 'b-c', 'a-b'];
/** Few names, so that objects collide across namespaces (`b-c` in `a` and `c` in `a-b`). */
const NAMESPACES = ['shop', 'a', 'a-b', 'default', 'payments'];
const BAD_NAMES = ['', 'Web', 'x'.repeat(64), 'under_score', 'dot.ted', '-dash'];

/** Undefined, or a value `presence` times in `presence + 2` (0: never a value); shrinks to undefined. */
function opt<T>(arb: fc.Arbitrary<T>, presence = 2): fc.Arbitrary<T | undefined> {
  return presence === 0 ? fc.constant(undefined) : fc.oneof({ arbitrary: fc.constant(undefined), weight: 2 }, { arbitrary: arb, weight: presence });
}

function arbitraries(hostile: boolean): fc.Arbitrary<MeshSpec> {
  const mostly = <T>(valid: fc.Arbitrary<T>, invalid: fc.Arbitrary<T>): fc.Arbitrary<T> =>
    hostile ? fc.oneof({ arbitrary: valid, weight: 4 }, { arbitrary: invalid, weight: 1 }) : valid;
  /** Hostile meshes may repeat what must be unique (versions, ports, headers of a match...). */
  const list = <T>(arb: fc.Arbitrary<T>, key: (t: T) => unknown, c: { minLength?: number; maxLength: number }) =>
    hostile ? fc.array(arb, c) : fc.uniqueArray(arb, { ...c, selector: key });

  const name = mostly(fc.constantFrom(...NAMES), fc.constantFrom(...BAD_NAMES));
  const namespace = mostly(fc.constantFrom(...NAMESPACES), fc.constantFrom(...BAD_NAMES, 'istio-system', 'kube-system'));
  const versionName = mostly(fc.constantFrom('v1', 'v2', 'v3', 'canary'), fc.constantFrom('', 'V1', 'v'.repeat(70)));

  const duration: fc.Arbitrary<DurationSpec> = mostly(
    fc.record({ unit: fc.constantFrom('millis' as const, 'seconds' as const, 'minutes' as const), amount: fc.integer({ min: 1, max: 120 }) }),
    // A negative amount is cdk8s's own error, in Duration. Half a millisecond is no whole number of them.
    fc.record({ unit: fc.constantFrom('millis' as const, 'seconds' as const), amount: fc.constantFrom(0, 0.5) }),
  );
  const percentage = mostly(fc.integer({ min: 0, max: 100 }), fc.constantFrom(-1, 101, 0.5, 1e9));
  const smallCount = mostly(fc.integer({ min: 1, max: 1000 }), fc.constantFrom(0, -5, 1.5));

  const port = mostly(fc.constantFrom(80, 443, 8080, 9080, 5432, 50051), fc.constantFrom(0, -1, 65536, 8080.5));
  const serviceProtocol = mostly(
    fc.constantFrom(Protocol.HTTP, Protocol.HTTP2, Protocol.GRPC, Protocol.TCP, Protocol.TLS),
    fc.constant(Protocol.HTTPS),
  );
  const portSpec: fc.Arbitrary<PortSpec> = fc.record({
    port,
    protocol: opt(serviceProtocol, 3),
    targetPort: opt(mostly(fc.integer({ min: 1024, max: 9999 }), fc.constantFrom(0, 70000)), 1),
    name: opt(mostly(fc.constantFrom('http-web', 'grpc-api', 'tcp-db', 'main'), fc.constantFrom('', 'Bad Name')), 1),
  }, { requiredKeys: ['port'] });
  // Careful meshes name ports only through their protocol: two explicit names could collide.
  const ports = list(hostile ? portSpec : portSpec.map(({ name: _, ...p }) => p), p => p.port, { minLength: 1, maxLength: 3 });

  const image = mostly(fc.constantFrom('example/web:1.0', 'registry.example.com/team/api:2.1', 'nginx'), fc.constantFrom(''));
  // Careful: a limit is at least the request; hostile: it may be below.
  const resource = (max: number) => mostly(
    fc.record({ request: fc.integer({ min: 1, max }), extra: opt(fc.integer({ min: 0, max })) })
      .map(({ request, extra }) => ({ request, limit: extra === undefined ? undefined : request + extra })),
    fc.integer({ min: 2, max }).map(request => ({ request, limit: request - 1 })),
  );
  const versionSpec: fc.Arbitrary<VersionSpec> = fc.record({
    name: versionName,
    image,
    replicas: opt(mostly(fc.integer({ min: 0, max: 5 }), fc.constantFrom(-1, 1.5)), 1),
    env: opt(fc.dictionary(mostly(fc.constantFrom('LOG_LEVEL', 'MODE', 'FEATURE_X', 'app.mode'), fc.constantFrom('', '1ST', 'A=B', 'has space')),
      fc.constantFrom('debug', 'on', '')), 1),
    cpuMillis: opt(resource(2000), 1),
    memoryMiB: opt(resource(4096), 1),
    command: opt(fc.array(fc.constantFrom('/bin/server', '--port', '8080'), { minLength: 1, maxLength: 2 }), 1),
    args: opt(fc.array(fc.constantFrom('--verbose', '--config=/etc/app.yaml'), { maxLength: 2 }), 1),
    user: opt(mostly(fc.integer({ min: 1, max: 65534 }), fc.constantFrom(-1, 1.5)), 1),
    podAnnotations: opt(fc.dictionary(mostly(fc.constantFrom('prometheus.io/scrape', 'example.com/team', 'note'), fc.constantFrom('', 'bad key!', 'Example.com/a', 'a/b/c')),
      fc.constantFrom('true', 'shop', '')), 1),
    writablePaths: opt(fc.uniqueArray(mostly(fc.constantFrom('/tmp', '/var/cache', '/opt/app/data'), fc.constantFrom('', 'relative')), { minLength: 1, maxLength: 2 }), 1),
  }, { requiredKeys: ['name', 'image'] });

  const proxySpec: fc.Arbitrary<ProxySpec> = fc.record({
    concurrency: opt(mostly(fc.integer({ min: 0, max: 8 }), fc.constantFrom(-1, 1.5))),
    logLevel: opt(fc.constantFrom(...Object.values(ProxyLogLevel))),
    componentLogLevel: opt(mostly(fc.constantFrom('misc:error', 'upstream:debug,connection:trace'), fc.constantFrom('', 'misc', 'misc:loud', 'misc:error,'))),
    // Hostile: also Istio's own ports, legal to exclude (the injection template excludes 15020, 15021 and 15090 itself).
    excludeInboundPorts: opt(fc.uniqueArray(mostly(fc.constantFrom(8080, 9090, 5432), fc.constantFrom(0, 70000, 15020, 15090)),
      { minLength: 1, maxLength: 2 }), 1),
    excludeOutboundPorts: opt(fc.uniqueArray(mostly(fc.constantFrom(3306, 6379), fc.constantFrom(0, 70000)), { minLength: 1, maxLength: 2 }), 1),
    excludeOutboundIpRanges: opt(fc.uniqueArray(mostly(fc.constantFrom('10.0.0.0/8', '169.254.169.254/32', '192.168.0.0/16', 'fd00::/8'),
      fc.constantFrom('', '10.0.0.0/33', '300.0.0.0/8', 'fd00:::1/64', '*')), { minLength: 1, maxLength: 2 }), 1),
    holdApplicationUntilProxyStarts: opt(fc.boolean()),
    nativeSidecar: opt(fc.boolean()),
    cpuMillis: opt(fc.integer({ min: 10, max: 1000 }), 1),
  }, { requiredKeys: [] });
  const controlPlaneSpec: fc.Arbitrary<ControlPlaneSpec> = fc.record({
    replicas: opt(mostly(fc.integer({ min: 1, max: 3 }), fc.constantFrom(0, -1)), 1),
    autoscaling: opt(mostly<{ minReplicas?: number; maxReplicas?: number }>(
      fc.tuple(fc.integer({ min: 1, max: 3 }), fc.integer({ min: 0, max: 3 })).map(([min, more]) => ({ minReplicas: min, maxReplicas: min + more })),
      fc.constantFrom({ minReplicas: 3, maxReplicas: 1 }, { minReplicas: 0 }),
    ), 1),
    logLevel: opt(fc.constantFrom('default:info', 'default:debug,ads:warn')),
    accessLogging: opt(fc.boolean()),
    cni: opt(fc.boolean(), 1),
    distroless: opt(fc.boolean(), 1),
    proxy: opt(proxySpec, 1),
  }, { requiredKeys: [] }).filter(c => hostile || c.replicas === undefined || c.autoscaling === undefined);

  const retryOn = fc.constantFrom(...Object.values(RetryOn));
  const retrySpec: fc.Arbitrary<RetrySpec> = fc.record({
    attempts: mostly(fc.integer({ min: 1, max: 10 }), fc.constantFrom(0, -1, 1.5)),
    perTryTimeout: opt(duration),
    retryOn: opt(fc.uniqueArray(retryOn, { minLength: 1, maxLength: 3 }), 1),
  }, { requiredKeys: ['attempts'] });

  const circuitBreakerSpec: fc.Arbitrary<CircuitBreakerSpec> = fc.record({
    maxConnections: opt(smallCount),
    maxPendingRequests: opt(smallCount),
    maxRequests: opt(smallCount),
    maxRequestsPerConnection: opt(smallCount),
    maxRetries: opt(smallCount),
    connectTimeout: opt(duration),
    consecutiveErrors: opt(smallCount),
    interval: opt(duration),
    baseEjectionTime: opt(duration),
    maxEjectionPercent: opt(percentage),
  }, { requiredKeys: [] }).filter(cb => hostile || (cb.consecutiveErrors !== undefined
    || cb.interval === undefined && cb.baseEjectionTime === undefined && cb.maxEjectionPercent === undefined)
    && [cb.maxConnections, cb.maxPendingRequests, cb.maxRequests, cb.maxRequestsPerConnection, cb.maxRetries, cb.connectTimeout, cb.consecutiveErrors]
      .some(x => x !== undefined));

  const locality = mostly(fc.constantFrom('us-east', 'us-west', 'eu-west/zone1', 'us-east/zone2/*'), fc.constantFrom('', 'a/b/c/d'));
  const region = mostly(fc.constantFrom('us-east', 'us-west', 'eu-west'), fc.constantFrom('eu-west/zone1', ''));
  const loadBalancerSpec: fc.Arbitrary<LoadBalancerSpec> = fc.record({
    kind: fc.constantFrom('roundRobin' as const, 'leastRequest' as const, 'random' as const, 'header' as const, 'cookie' as const, 'sourceIp' as const),
    key: mostly(fc.constantFrom('x-user', 'session'), fc.constantFrom('', 'bad header')),
    cookieTtl: opt(duration, 1),
    failover: opt(fc.array(fc.record({ from: region, to: region }).filter(f => hostile || f.from !== f.to), { minLength: 1, maxLength: 2 }), 1),
    distribute: opt(fc.array(fc.record({
      from: locality,
      to: hostile
        ? fc.dictionary(locality, fc.integer({ min: 0, max: 100 }), { minKeys: 1, maxKeys: 2 })
        : fc.integer({ min: 1, max: 99 }).map(w => ({ 'us-east': w, 'us-west': 100 - w })),
    }), { minLength: 1, maxLength: 1 }), 1),
    failoverPriority: opt(fc.uniqueArray(fc.constantFrom('topology.kubernetes.io/region', 'topology.kubernetes.io/zone', 'example.com/rack'), { minLength: 1 }), 1),
  }, { requiredKeys: ['kind', 'key'] })
    // Careful: failover or distribute, not both; failoverPriority alone, or with failover when it names no
    // topology label (istiod refuses failover with a topology label in failoverPriority).
    .filter(lb => hostile || lb.distribute === undefined && (lb.failover === undefined || !lb.failoverPriority?.some(l => l.startsWith('topology.')))
      || lb.failover === undefined && lb.failoverPriority === undefined);

  const trafficPolicyFields = {
    timeout: opt(duration, 1),
    retries: opt(fc.oneof({ arbitrary: retrySpec, weight: 5 }, { arbitrary: fc.constant('none' as const), weight: 1 }), 1),
    circuitBreaker: opt(circuitBreakerSpec, 1),
    loadBalancer: opt(loadBalancerSpec, 1),
  };

  const serviceSpec: fc.Arbitrary<ServiceSpec> = fc.record({
    id: name,
    serviceName: opt(name, 1),
    namespace: opt(namespace, 3),
    // Careful meshes give each service of a namespace its own ServiceAccount (see buildMesh).
    serviceAccountName: opt(name, 1),
    ports,
    versions: list(versionSpec, v => v.name, { minLength: 1, maxLength: 3 }),
    revision: opt<string | number>(hostile ? fc.constantFrom('', 'canary', 'missing') : fc.nat(), 1),
    explicitInjection: opt(fc.boolean(), 1),
    proxy: opt(proxySpec, 1),
    ...trafficPolicyFields,
  }, { requiredKeys: ['id', 'ports', 'versions'] });

  const importSpec: fc.Arbitrary<ImportSpec> = fc.record({
    name,
    namespace: opt(namespace),
    versions: opt(list(versionName, v => v, { minLength: 1, maxLength: 2 }), 1),
    ports: opt(ports, 1),
  }, { requiredKeys: ['name'] });

  // ('/' as a prefix takes everything: a careful mesh matches narrower paths)
  const pathValue = mostly(fc.constantFrom('/api', '/static/', '/login'), fc.constantFrom('', 'api', '/'));
  const regexValue = mostly(fc.constantFrom('/api/v[0-9]+', '.*\\.png', '^/users/[a-z]+$'), fc.constantFrom('(', '['));
  const stringMatch: fc.Arbitrary<StringMatchSpec> = fc.oneof(
    fc.record({ kind: fc.constantFrom('exact' as const, 'prefix' as const), value: pathValue }),
    fc.record({ kind: fc.constant('regex' as const), value: regexValue }),
  );
  const headerName = mostly(fc.constantFrom('end-user', 'x-canary', 'user-agent'), fc.constantFrom('', 'bad header', 'X-Upper'));
  const headerValue = mostly(fc.constantFrom('jason', 'true', 'Mozilla'), fc.constantFrom(''));
  const headerMatch: fc.Arbitrary<HeaderMatchSpec> = fc.record({
    name: headerName,
    match: fc.oneof(
      fc.record({ kind: fc.constantFrom('exact' as const, 'prefix' as const), value: headerValue }),
      fc.record({ kind: fc.constant('regex' as const), value: regexValue }),
    ),
  });
  const method = fc.constantFrom(...Object.values(HttpMethod));
  const matchSpec: fc.Arbitrary<MatchSpec> = fc.record({
    uri: opt(stringMatch),
    headers: opt(list(headerMatch, h => h.name, { minLength: 1, maxLength: 2 })),
    method: opt(method, 1),
    source: opt(fc.nat(), 1),
  }, { requiredKeys: [] }).filter(m => hostile || m.uri !== undefined || m.headers !== undefined || m.method !== undefined || m.source !== undefined);
  const faultSpec: fc.Arbitrary<FaultSpec> = fc.record({
    delay: opt(fc.record({ by: duration, percentage: opt(percentage) }, { requiredKeys: ['by'] })),
    abort: opt(fc.record({ status: mostly(fc.constantFrom(400, 500, 503), fc.constantFrom(0, 99, 600)), percentage: opt(percentage) }, { requiredKeys: ['status'] })),
  }, { requiredKeys: [] }).filter(f => hostile || f.delay !== undefined || f.abort !== undefined);

  /** Targets: one, or two with weights that add up to 100; hostile: any number, any weights. */
  const targets = mostly(
    fc.oneof(
      fc.nat().map(v => [{ version: v }]),
      fc.tuple(fc.nat(), fc.nat(), fc.integer({ min: 0, max: 100 })).map(([a, b, w]) => [{ version: a, weight: w }, { version: b, weight: 100 - w }]),
    ),
    fc.array(fc.record({ version: fc.nat(), weight: opt(fc.integer({ min: -10, max: 120 })) }, { requiredKeys: ['version'] }), { maxLength: 3 }),
  );
  const route = (matches: fc.Arbitrary<MatchSpec[] | undefined>): fc.Arbitrary<RouteSpec> => fc.record({
    name: opt(mostly(fc.constantFrom('canary', 'jason', 'default'), fc.constantFrom('', 'Bad Route')), 1),
    matches,
    targets,
    mirror: opt(fc.record({ version: fc.nat(), percentage: opt(percentage) }, { requiredKeys: ['version'] }), 1),
    fault: opt(faultSpec, 1),
    timeout: opt(duration, 1),
    retries: opt(retrySpec, 1),
  }, { requiredKeys: ['matches', 'targets'] });
  // Careful: routes with matches first, then at most one without (it takes everything after it).
  const routes = hostile
    ? fc.array(route(opt(fc.array(matchSpec, { minLength: 1, maxLength: 2 }))), { minLength: 1, maxLength: 3 })
    : fc.tuple(fc.array(route(fc.array(matchSpec, { minLength: 1, maxLength: 2 })), { maxLength: 2 }), opt(route(fc.constant(undefined)), 3))
      .map(([withMatches, last]) => last ? [...withMatches, last] : withMatches)
      .filter(r => r.length > 0);
  const splitSpec: fc.Arbitrary<SplitSpec> = fc.record({ service: fc.nat(), routes });

  const stpSpec: fc.Arbitrary<StpSpec> = fc.record({ service: fc.nat(), ...trafficPolicyFields }, { requiredKeys: ['service'] });

  const accessRule: fc.Arbitrary<AccessRuleSpec> = fc.record({
    from: fc.nat(),
    methods: opt(fc.uniqueArray(method, { minLength: 1, maxLength: 3 }), 1),
    paths: opt(fc.array(mostly(fc.constantFrom('/api/*', '/health', '*/admin', '/'), fc.constantFrom('', 'no-slash')), { minLength: 1, maxLength: 2 }), 1),
    ports: opt(fc.array(port, { minLength: 1, maxLength: 2 }), hostile ? 1 : 0),
  }, { requiredKeys: ['from'] });
  const accessSpec: fc.Arbitrary<AccessSpec> = fc.record({
    service: fc.nat(),
    allow: fc.array(accessRule, { minLength: hostile ? 0 : 1, maxLength: 3 }),
  });

  const mtlsMode = mostly(fc.constantFrom(MtlsMode.STRICT, MtlsMode.PERMISSIVE), fc.constant(MtlsMode.DISABLE));
  const scopeSpec = (mesh: boolean): fc.Arbitrary<ScopeSpec> => fc.oneof(
    ...(mesh || hostile ? [fc.constant({ kind: 'mesh' as const })] : []),
    fc.record({ kind: fc.constant('namespace' as const), name: namespace }),
    fc.record({ kind: fc.constant('workload' as const), service: fc.nat() }),
  );
  const mtlsPolicySpec: fc.Arbitrary<MtlsPolicySpec> = fc.record({
    mode: mtlsMode,
    scope: scopeSpec(false),
    portOverrides: opt(list(fc.record({ port, mode: mtlsMode }), o => o.port, { minLength: 1, maxLength: 2 }), 1),
  }, { requiredKeys: ['mode', 'scope'] });

  const host = mostly(fc.constantFrom('shop.example.com', '*.example.com', 'api.example.com'), fc.constantFrom('', 'Bad Host', 'a..b', '*'));
  const listenerSpec: fc.Arbitrary<ListenerSpec> = fc.record({
    port: mostly(fc.constantFrom(80, 8080, 8443), fc.constantFrom(0, 15021, 70000)),
    protocol: opt(mostly(fc.constantFrom(Protocol.HTTP), fc.constantFrom(Protocol.TCP, Protocol.GRPC, Protocol.HTTPS, Protocol.TLS))),
    hosts: opt(fc.array(host, { minLength: 1, maxLength: 2 }), 1),
    credentialName: opt(fc.constantFrom('', 'Bad_Secret'), hostile ? 1 : 0),
  }, { requiredKeys: ['port'] });
  const gatewaySpec: fc.Arbitrary<GatewaySpec> = fc.record({
    egress: fc.boolean(),
    name: opt(name, 1),
    namespace: opt(namespace, 1),
    listeners: opt(list(listenerSpec, l => l.port, { minLength: 1, maxLength: 2 }), hostile ? 1 : 0),
    replicas: opt(mostly(fc.integer({ min: 1, max: 3 }), fc.constantFrom(0, -1)), 1),
    serviceType: opt(fc.constantFrom(...Object.values(GatewayServiceType)), 1),
    revision: opt<string | number>(hostile ? fc.constantFrom('canary', 'missing') : fc.nat(), 1),
    routes: fc.array(fc.record({
      service: fc.nat(),
      paths: opt(fc.array(stringMatch, { minLength: 1, maxLength: 2 })),
      hosts: opt(fc.array(host, { minLength: 1, maxLength: 1 }), hostile ? 1 : 0),
      port: opt(fc.constantFrom(80, 443, 8443, 9999), hostile ? 1 : 0),
    }, { requiredKeys: ['service'] }), { minLength: hostile ? 0 : 1, maxLength: 2 }),
  }, { requiredKeys: ['egress', 'routes'] });

  const externalSpec: fc.Arbitrary<ExternalSpec> = fc.record({
    hosts: fc.uniqueArray(mostly(fc.constantFrom('api.payments.example', 'www.google.com', 'en.wikipedia.org'), fc.constantFrom('', 'Bad Host', '*', '*.wikipedia.org')), { minLength: 1, maxLength: 2 }),
    ports: opt(list(fc.record({
      port,
      protocol: opt(hostile ? fc.constantFrom(...Object.values(Protocol)) : fc.constantFrom(Protocol.HTTP, Protocol.HTTPS, Protocol.TLS)),
    }, { requiredKeys: ['port'] }), p => p.port, { minLength: 1, maxLength: 2 }), 1),
    resolution: opt(fc.constantFrom(ExternalResolution.DNS, ExternalResolution.NONE), 1),
    name: opt(name, 1),
    namespace: opt(namespace, 1),
    egressGateway: opt(fc.nat(), 1),
  }, { requiredKeys: ['hosts'] }).filter(e => hostile || e.ports === undefined || e.egressGateway === undefined);

  const egressScopeSpec: fc.Arbitrary<EgressScopeSpec> = fc.record({
    service: opt(fc.nat()),
    namespace: opt(namespace, 1),
    allowServices: opt(fc.array(fc.nat(), { minLength: 1, maxLength: 2 }), 1),
    allowExternal: opt(fc.array(fc.nat(), { minLength: 1, maxLength: 2 }), 1),
    allowHosts: opt(fc.array(mostly(fc.constantFrom('*/api.example.com', './*', 'istio-system/*'), fc.constantFrom('', 'no-namespace')), { minLength: 1, maxLength: 2 }), 1),
    outboundTrafficPolicy: opt(fc.constantFrom(...Object.values(OutboundTrafficPolicy)), 1),
  }, { requiredKeys: [] }).filter(e => hostile || e.service === undefined || e.namespace === undefined);

  const rateLimitSpec: fc.Arbitrary<RateLimitSpec> = fc.record({
    service: fc.nat(),
    requests: smallCount,
    per: opt(hostile ? duration : fc.record({ unit: fc.constantFrom('seconds' as const, 'minutes' as const), amount: fc.integer({ min: 1, max: 60 }) })),
    burst: opt(smallCount, 1),
  }, { requiredKeys: ['service', 'requests'] });

  const celFilter = mostly(fc.constantFrom('response.code >= 400', 'request.method == "GET"'), fc.constantFrom('response.code >=', '', 'response.code'));
  const telemetrySpec: fc.Arbitrary<TelemetrySpec> = fc.record({
    namespace: opt(mostly(fc.constantFrom('monitoring', 'istio-system', 'shop'), fc.constantFrom('', 'Bad')), 1),
    tracing: opt(fc.constantFrom('jaeger' as const, 'zipkin' as const, 'otel' as const)),
    samplingPercentage: opt(percentage, 1),
    accessLogging: opt(fc.record({
      encoding: opt(fc.constantFrom(AccessLogEncoding.TEXT, AccessLogEncoding.JSON)),
      filter: opt(celFilter, 1),
    }, { requiredKeys: [] })),
    kiali: opt(fc.boolean(), 1),
    grafana: opt(fc.boolean(), 1),
    dashboards: opt(fc.array(fc.nat(), { minLength: 1, maxLength: 2 }), 1),
    prometheus: opt(fc.record({
      retentionDays: opt(mostly(fc.integer({ min: 1, max: 30 }), fc.constant(0))),
      persistentGiB: opt(mostly(fc.integer({ min: 1, max: 50 }), fc.constant(0)), 1),
      scrapeSeconds: opt(mostly(fc.integer({ min: 5, max: 60 }), fc.constant(0)), 1),
    }, { requiredKeys: [] }), 1),
  }, { requiredKeys: [] }).filter(t => hostile || t.samplingPercentage === undefined || t.tracing !== undefined);
  const telemetryPolicySpec: fc.Arbitrary<TelemetryPolicySpec> = fc.record({
    scope: scopeSpec(false),
    tracing: opt(fc.record({ samplingPercentage: opt(percentage), disabled: opt(fc.boolean(), 1) }, { requiredKeys: [] })),
    accessLogging: opt(fc.record({ enabled: opt(fc.boolean()), filter: opt(celFilter, 1) }, { requiredKeys: [] })),
  }, { requiredKeys: ['scope'] })
    // Careful: a policy sets something (MESH0434), no sampling percentage with span reporting disabled (MESH0433)
    // and no filter with logging disabled (MESH0432).
    .filter(p => hostile || (p.tracing !== undefined || p.accessLogging !== undefined)
      && !(p.tracing?.disabled === true && p.tracing.samplingPercentage !== undefined)
      && !(p.accessLogging?.enabled === false && p.accessLogging.filter !== undefined));

  const revisionSpec: fc.Arbitrary<RevisionSpec> = fc.record({
    id: fc.constantFrom('istiod-canary', 'istiod-1-31'),
    revision: mostly(fc.constantFrom('canary', '1-31'), fc.constantFrom('', 'Canary', 'r'.repeat(60))),
    tag: opt(fc.constantFrom('1.30.3', '1.31.0'), 1),
  }, { requiredKeys: ['id', 'revision'] });

  return fc.record({
    hostile: fc.constant(hostile),
    // CRDs in one mesh in twenty: their 900 kB of YAML dominate the time of a run.
    installCrds: fc.oneof({ arbitrary: fc.constant(false), weight: 19 }, { arbitrary: fc.constant(true), weight: 1 }),
    mtls: opt(mtlsMode, 1),
    outboundTrafficPolicy: opt(fc.constantFrom(...Object.values(OutboundTrafficPolicy)), 1),
    defaultNamespace: opt(namespace, 1),
    trustDomain: opt(mostly(fc.constantFrom('cluster.local', 'example.org'), fc.constantFrom('', 'Bad Domain')), 1),
    rootNamespace: opt(mostly(fc.constantFrom('istio-system', 'mesh-root'), fc.constantFrom('', 'Root')), 1),
    controlPlane: opt(controlPlaneSpec, 1),
    revisions: list(revisionSpec, r => r.revision, { maxLength: 2 }),
    namespaceRevisions: fc.array(fc.record({ namespace, revision: hostile ? fc.constantFrom('canary', '1-31', '', 'missing') : fc.nat() }), { maxLength: 1 }),
    services: fc.array(serviceSpec, { minLength: 1, maxLength: 4 }),
    imports: fc.array(importSpec, { maxLength: 1 }),
    splits: fc.array(splitSpec, { maxLength: 2 }),
    trafficPolicies: fc.array(stpSpec, { maxLength: 1 }),
    access: fc.array(accessSpec, { maxLength: 2 }),
    meshDenies: opt(fc.boolean()),
    denyByDefault: opt(fc.record({ namespace: opt(namespace) }, { requiredKeys: [] })),
    revoked: fc.array(fc.nat(), { maxLength: 1 }),
    mtlsPolicies: fc.array(mtlsPolicySpec, { maxLength: 2 }),
    gateways: fc.array(gatewaySpec, { maxLength: 2 }),
    externals: fc.array(externalSpec, { maxLength: 2 }),
    egressScopes: fc.array(egressScopeSpec, { maxLength: 1 }),
    rateLimits: fc.array(rateLimitSpec, { maxLength: 1 }),
    telemetry: opt(telemetrySpec, 1),
    telemetryPolicies: fc.array(telemetryPolicySpec, { maxLength: 1 }),
  }, { requiredKeys: ['hostile', 'installCrds', 'revisions', 'namespaceRevisions', 'services', 'imports', 'splits', 'trafficPolicies', 'access', 'revoked', 'mtlsPolicies', 'gateways', 'externals', 'egressScopes', 'rateLimits', 'telemetryPolicies'] });
}

/** A random careful mesh. */
export const carefulMeshSpec: fc.Arbitrary<MeshSpec> = arbitraries(false);

/** A random mesh: careful three times in four, hostile otherwise. */
export const meshSpec: fc.Arbitrary<MeshSpec> = fc.oneof({ arbitrary: carefulMeshSpec, weight: 3 }, { arbitrary: arbitraries(true), weight: 1 });

// ---------------------------------------------------------------------------------------------------------
// The builder.

function toDuration(d: DurationSpec): Duration {
  return Duration[d.unit](d.amount);
}

function opt2<T, U>(value: T | undefined, f: (v: T) => U): U | undefined {
  return value === undefined ? undefined : f(value);
}

function pick<T>(list: T[], index: number): T | undefined {
  return list.length === 0 ? undefined : list[index % list.length];
}

function toRetries(r: RetrySpec): RetryPolicy {
  return RetryPolicy.of({ attempts: r.attempts, perTryTimeout: opt2(r.perTryTimeout, toDuration), retryOn: r.retryOn });
}

function toLoadBalancer(lb: LoadBalancerSpec): LoadBalancer {
  const locality = lb.failover || lb.distribute || lb.failoverPriority
    ? { failover: lb.failover, distribute: lb.distribute, failoverPriority: lb.failoverPriority }
    : undefined;
  const options = { locality };
  switch (lb.kind) {
    case 'roundRobin': return LoadBalancer.roundRobin(options);
    case 'leastRequest': return LoadBalancer.leastRequest(options);
    case 'random': return LoadBalancer.random(options);
    case 'header': return LoadBalancer.consistentHashByHeader(lb.key!, options);
    case 'cookie': return LoadBalancer.consistentHashByCookie(lb.key!, { ...options, ttl: opt2(lb.cookieTtl, toDuration) });
    case 'sourceIp': return LoadBalancer.consistentHashBySourceIp(options);
  }
}

function toTrafficPolicy(p: TrafficPolicySpec) {
  return {
    timeout: opt2(p.timeout, d => Timeout.of(toDuration(d))),
    retries: opt2(p.retries, r => r === 'none' ? RetryPolicy.none() : toRetries(r)),
    circuitBreaker: opt2(p.circuitBreaker, cb => CircuitBreaker.of({
      ...cb,
      connectTimeout: opt2(cb.connectTimeout, toDuration),
      interval: opt2(cb.interval, toDuration),
      baseEjectionTime: opt2(cb.baseEjectionTime, toDuration),
    })),
    loadBalancer: opt2(p.loadBalancer, toLoadBalancer),
  };
}

function toProxy(p: ProxySpec): ProxyOptions {
  const { cpuMillis, ...rest } = p;
  return { ...rest, resources: cpuMillis === undefined ? undefined : { cpu: { request: Cpu.millis(cpuMillis) } } };
}

function toStringMatch(m: StringMatchSpec): StringMatch {
  return StringMatch[m.kind](m.value);
}

function toHeaderMatch(h: HeaderMatchSpec): HeaderMatch {
  return HeaderMatch[h.match.kind](h.name, h.match.value);
}

function toScope(s: ScopeSpec, services: IMeshService[]): PolicyScope {
  switch (s.kind) {
    case 'mesh': return PolicyScope.mesh();
    case 'namespace': return PolicyScope.namespace(s.name);
    case 'workload': return PolicyScope.workload(pick(services, s.service)!);
  }
}

/**
 * Builds the spec in a fresh App, as a user writes it; returns the App.
 *
 * References are indexes into what the mesh has (services, then imported ones; callers: services, then
 * gateways). In a careful mesh they are used as a careful user would: revisions the mesh has, one
 * AccessPolicy and one TrafficSplit per service, each caller once, splits and gateway routes only to services
 * with an HTTP port, distinct versions in a route, the gateway allowed to call what it routes to under
 * deny-by-default, telemetry policies only beside a TelemetryStack (tracing only with a tracing backend).
 */
export function buildMesh(spec: MeshSpec): App {
  const careful = !spec.hostile;
  const app = new App();
  const mesh = new Mesh(app, 'mesh', {
    installCrds: spec.installCrds,
    mtls: spec.mtls,
    outboundTrafficPolicy: spec.outboundTrafficPolicy,
    defaultNamespace: spec.defaultNamespace,
    trustDomain: spec.trustDomain,
    rootNamespace: spec.rootNamespace,
    denyByDefault: spec.meshDenies,
    networkPolicies: spec.networkPolicies,
    controlPlane: opt2(spec.controlPlane, c => ({
      replicas: c.replicas,
      autoscaling: c.autoscaling,
      logLevel: c.logLevel,
      accessLogging: c.accessLogging,
      cni: c.cni,
      variant: c.distroless === undefined ? undefined : c.distroless ? ImageVariant.DISTROLESS : ImageVariant.DEFAULT,
      proxy: opt2(c.proxy, toProxy),
    })),
  });
  // Two constructs with one id are the constructs library's own error, not the mesh's: ids stay unique (the
  // service names, which default to the ids, still collide through `serviceName`).
  const ids = new Set<string>();
  const uniqueId = (id: string) => {
    const unique = ids.has(id) || id === '' ? `${id}-${ids.size}` : id;
    ids.add(unique);
    return unique;
  };
  const revisions = ['', ...spec.revisions.map(r => r.revision)];
  const revision = (r: string | number | undefined) => typeof r === 'number' ? revisions[r % revisions.length] || undefined : r;
  spec.revisions.forEach(r => mesh.addControlPlane(uniqueId(r.id), { revision: r.revision, tag: r.tag }));
  spec.namespaceRevisions.forEach(n => mesh.setNamespaceRevision(n.namespace, revision(n.revision) ?? ''));

  const taken = new Set<string>();
  const accounts = new Set<string>();
  const own: MeshService[] = spec.services.filter(s => {
    // Careful: one service per name and namespace, and one ServiceAccount per service.
    const namespace = s.namespace ?? spec.defaultNamespace ?? 'default';
    const key = `${namespace}/${s.serviceName ?? s.id}`;
    const account = `${namespace}/${s.serviceAccountName ?? s.serviceName ?? s.id}`;
    const fresh = !taken.has(key) && !accounts.has(account);
    taken.add(key);
    accounts.add(account);
    return !careful || fresh;
  }).map(s => {
    const svc = new MeshService(mesh, uniqueId(s.id), {
      serviceName: s.serviceName,
      namespace: s.namespace,
      serviceAccountName: s.serviceAccountName,
      ports: s.ports.map(p => ({ ...p })),
      revision: revision(s.revision),
      injection: s.explicitInjection === undefined ? undefined : s.explicitInjection ? Injection.explicit() : Injection.webhook(),
      proxy: opt2(s.proxy, toProxy),
      ...toTrafficPolicy(s),
    });
    s.versions.forEach(v => svc.addVersion(v.name, {
      image: v.image,
      replicas: v.replicas,
      env: v.env,
      command: v.command,
      args: v.args,
      user: v.user,
      podAnnotations: v.podAnnotations,
      writablePaths: v.writablePaths,
      resources: v.cpuMillis || v.memoryMiB ? {
        cpu: opt2(v.cpuMillis, c => ({ request: Cpu.millis(c.request), limit: opt2(c.limit, Cpu.millis) })),
        memory: opt2(v.memoryMiB, m => ({ request: Size.mebibytes(m.request), limit: opt2(m.limit, Size.mebibytes) })),
      } : undefined,
    }));
    return svc;
  });
  // Careful: imports are of services the mesh does not define itself.
  const ownKeys = new Set(own.map(o => `${o.namespace}/${o.serviceName}`));
  const imports = spec.imports.filter(i => !careful || !ownKeys.has(`${i.namespace ?? spec.defaultNamespace ?? 'default'}/${i.name}`));
  const imported = imports.map((i, n) => MeshService.fromName(mesh, `imported-${n}`, i.name, {
    namespace: i.namespace, versions: i.versions, ports: i.ports?.map(p => ({ ...p })),
  }));
  const services: IMeshService[] = [...own, ...imported];
  const versionsOf = (s: IMeshService) => s.versionNames ?? ['v1'];
  const speaksHttp = (s: IMeshService) => s.ports.some(p => p.protocol === undefined || isHttpProtocol(p.protocol));
  const httpServices = careful ? services.filter(speaksHttp) : services;

  const split = new Set<IMeshService>();
  spec.splits.forEach((sp, n) => {
    const service = pick(httpServices, sp.service);
    if (!service || careful && split.has(service)) {
      return;
    }
    split.add(service);
    const versions = versionsOf(service);
    const targetsOf = (targets: { version: number; weight?: number }[]): { version: string; weight?: number }[] => {
      const resolved = targets.map(t => ({ version: pick(versions, t.version)!, weight: t.weight }));
      return careful && resolved.length === 2 && resolved[0].version === resolved[1].version ? [{ version: resolved[0].version }] : resolved;
    };
    const names = new Set<string | undefined>();
    new TrafficSplit(mesh, `split-${n}`, {
      service,
      routes: sp.routes.map(r => ({
        // Careful: route names are unique.
        name: careful && names.has(r.name) ? undefined : (names.add(r.name), r.name),
        matches: r.matches?.map((m): RouteMatch => ({
          uri: opt2(m.uri, toStringMatch),
          headers: m.headers?.map(toHeaderMatch),
          method: m.method,
          sourceService: opt2(m.source, i => pick(services, i)),
        })),
        targets: targetsOf(r.targets).map(t => TrafficTarget.version(t.version, t.weight)),
        mirror: opt2(r.mirror, m => {
          // Careful: mirror to a version the route does not send to.
          const targeted = targetsOf(r.targets).map(t => t.version);
          const version = pick(careful ? versions.filter(v => !targeted.includes(v)) : versions, m.version);
          return version === undefined ? undefined : { version, percentage: m.percentage };
        }),
        fault: opt2(r.fault, f => FaultInjection.of({
          delay: opt2(f.delay, d => ({ fixedDelay: toDuration(d.by), percentage: d.percentage })),
          abort: opt2(f.abort, a => ({ httpStatus: a.status, percentage: a.percentage })),
        })),
        timeout: opt2(r.timeout, d => Timeout.of(toDuration(d))),
        retries: opt2(r.retries, toRetries),
      })),
    });
  });
  // Careful: a ServiceTrafficPolicy only for a service whose props set no traffic settings, one per service.
  const settingsInProps = new Set<IMeshService>(own.filter((_, i) => {
    const s = spec.services[i];
    return s.timeout || s.retries || s.circuitBreaker || s.loadBalancer;
  }));
  spec.trafficPolicies.forEach((p, n) => {
    const service = pick(services, p.service)!;
    if (!careful || !settingsInProps.has(service)) {
      settingsInProps.add(service);
      new ServiceTrafficPolicy(mesh, `policy-${n}`, { service, ...toTrafficPolicy(p) });
    }
  });

  const routed = new Map<IMeshService, IngressGateway[]>();
  const gateways = spec.gateways.map((g, n) => {
    const props = {
      name: g.name,
      namespace: g.namespace,
      replicas: g.replicas,
      serviceType: g.serviceType,
      revision: revision(g.revision),
      listeners: g.listeners?.map(l => ({ ...l })),
    };
    if (g.egress) {
      return new EgressGateway(mesh, `egress-${n}`, props);
    }
    if (careful && httpServices.length === 0) {
      return undefined; // an ingress gateway without routes is an error (MESH0127)
    }
    const gateway = new IngressGateway(mesh, `ingress-${n}`, props);
    for (const r of g.routes) {
      const service = pick(httpServices, r.service);
      if (!service) {
        continue;
      }
      const httpPorts = service.ports.filter(p => p.protocol === undefined || isHttpProtocol(p.protocol));
      gateway.addRoute({ service, paths: r.paths?.map(toStringMatch), hosts: r.hosts, port: careful ? httpPorts[0].port : r.port });
      routed.set(service, [...routed.get(service) ?? [], gateway]);
    }
    return gateway;
  });
  const egressGateways = gateways.filter((g): g is EgressGateway => g instanceof EgressGateway);
  const identities: IMeshIdentity[] = [...services, ...gateways.filter((g): g is EgressGateway | IngressGateway => g !== undefined)];

  const accessPolicies = new Map<IMeshService, IMeshIdentity[]>();
  spec.access.forEach((a, n) => {
    const service = pick(services, a.service)!;
    if (careful && accessPolicies.has(service)) {
      return;
    }
    const callers: IMeshIdentity[] = [];
    const http = speaksHttp(service);
    const allow = a.allow.map(r => ({
      from: pick(identities, r.from)!,
      methods: careful && !http ? undefined : r.methods,
      paths: careful && !http ? undefined : r.paths,
      ports: r.ports,
    }))
      .filter(r => !careful || !callers.includes(r.from) && callers.push(r.from));
    const policy = new AccessPolicy(mesh, `access-${n}`, { service, allow });
    accessPolicies.set(service, callers);
    if (careful) {
      for (const g of routed.get(service) ?? []) {
        if (!callers.includes(g)) {
          callers.push(g);
          policy.allowFrom(g);
        }
      }
    }
  });
  if (spec.denyByDefault) {
    mesh.denyByDefault({ namespace: spec.denyByDefault.namespace });
  }
  if (spec.denyByDefault || mesh.deniesByDefault) {
    if (careful) {
      [...routed].filter(([service]) => !accessPolicies.has(service)).forEach(([service, by], n) => {
        new AccessPolicy(mesh, `gateway-access-${n}`, { service, allow: [...new Set(by)].map(from => ({ from })) });
      });
    }
  }
  spec.revoked.forEach(i => mesh.revokeIdentity(pick(identities, i)!));
  // Careful: one MtlsPolicy per scope, port overrides only on a workload and of its ports.
  const mtlsScopes = new Set<string>();
  spec.mtlsPolicies.forEach((p, n) => {
    const scope = toScope(p.scope, services);
    const service = p.scope.kind === 'workload' ? pick(services, p.scope.service) : undefined;
    const key = service ? `workload ${service.namespace}/${service.serviceName}` : JSON.stringify(p.scope);
    if (careful && mtlsScopes.has(key)) {
      return;
    }
    mtlsScopes.add(key);
    const portOverrides = !careful ? p.portOverrides?.map(o => ({ ...o }))
      : service ? p.portOverrides?.map((o, i) => ({ port: service.ports[(o.port + i) % service.ports.length].port, mode: o.mode })) : undefined;
    new MtlsPolicy(mesh, `mtls-${n}`, { mode: p.mode, scope, portOverrides: careful ? portOverrides?.filter((o, i, all) => all.findIndex(x => x.port === o.port) === i) : portOverrides });
  });

  const externals = spec.externals.map((e, n) => new ExternalService(mesh, `external-${n}`, {
    hosts: e.hosts,
    ports: e.ports?.map(p => ({ ...p })),
    resolution: e.resolution,
    name: e.name,
    namespace: e.namespace,
    egressGateway: opt2(e.egressGateway, i => pick(egressGateways, i)),
  }));
  spec.egressScopes.forEach((e, n) => new EgressScope(mesh, `egress-scope-${n}`, {
    service: opt2(e.service, i => pick(services, i)),
    namespace: e.namespace,
    allowServices: e.allowServices?.map(i => pick(services, i)!),
    allowExternal: e.allowExternal?.map(i => pick(externals, i)).filter((x): x is ExternalService => x !== undefined),
    allowHosts: e.allowHosts,
    outboundTrafficPolicy: e.outboundTrafficPolicy,
  }));
  spec.rateLimits.forEach((r, n) => new RateLimit(mesh, `rate-limit-${n}`, {
    service: pick(services, r.service)!, requests: r.requests, per: opt2(r.per, toDuration), burst: r.burst,
  }));

  const t = spec.telemetry;
  if (t) {
    new TelemetryStack(mesh, 'telemetry', {
      namespace: t.namespace,
      tracing: t.tracing === 'jaeger' ? TracingBackend.jaeger()
        : t.tracing === 'zipkin' ? TracingBackend.zipkin()
          : t.tracing === 'otel' ? TracingBackend.openTelemetry({ host: 'otel-collector.observability.svc.cluster.local' }) : undefined,
      samplingPercentage: t.samplingPercentage,
      accessLogging: t.accessLogging ? { ...t.accessLogging } : undefined,
      kiali: t.kiali === undefined ? undefined : { enabled: t.kiali },
      grafana: t.grafana === undefined && t.dashboards === undefined ? undefined
        : {
          enabled: t.grafana,
          serviceDashboards: t.dashboards?.map(i => pick(careful ? own : services, i))
            .filter((x, i, all) => x !== undefined && (!careful || all.indexOf(x) === i)) as IMeshService[],
        },
      prometheus: opt2(t.prometheus, p => ({
        retention: opt2(p.retentionDays, Duration.days),
        storage: opt2(p.persistentGiB, gib => PrometheusStorage.persistentVolume({ size: Size.gibibytes(gib) })),
        scrapeInterval: opt2(p.scrapeSeconds, Duration.seconds),
      })),
    });
  }
  // Careful: tracing only with a tracing backend, and a policy that has nothing else left out.
  spec.telemetryPolicies.filter(p => !careful || t !== undefined && (p.accessLogging !== undefined || t.tracing))
    .forEach((p, n) => new TelemetryPolicy(mesh, `telemetry-policy-${n}`, {
      scope: toScope(p.scope, services),
      tracing: p.tracing && (!careful || t?.tracing) ? { ...p.tracing } : undefined,
      accessLogging: p.accessLogging ? { ...p.accessLogging } : undefined,
    }));
  return app;
}

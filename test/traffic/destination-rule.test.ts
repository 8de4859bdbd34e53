import * as fs from 'fs';
import * as path from 'path';
import { App, Duration, Testing, Yaml } from 'cdk8s';
import {
  ApplyScript, CircuitBreaker, ConnectionPool, H2UpgradePolicy, HashAlgorithm, IngressGateway, LoadBalancer, MeshService, MeshTesting, Mirror,
  OutlierDetection, Protocol, RetryPolicy, RoutingApi, ServiceTrafficPolicy, Severity, Timeout, TrafficSplit, TrafficTarget,
} from '../../src';
import { newService, ofKind, openMesh, synthErrors } from '../support/util';

const named = (objects: any[], kind: string, name: string) => objects.find(o => o.kind === kind && o.metadata.name === name);

describe('DestinationRule subsets', () => {
  test('every declared version gets its subset, not only those a route uses', () => {
    // GIVEN three versions, a split that uses one
    const mesh = openMesh();
    const web = newService(mesh, 'web', ['v1', 'v2', 'v3']);
    new TrafficSplit(mesh, 'split', { service: web, routes: [{ targets: [TrafficTarget.version('v1')] }] });

    // WHEN
    const dr = named(MeshTesting.synth(mesh), 'DestinationRule', 'web');

    // THEN
    expect(dr.spec.subsets).toEqual([
      { name: 'v1', labels: { version: 'v1' } },
      { name: 'v2', labels: { version: 'v2' } },
      { name: 'v3', labels: { version: 'v3' } },
    ]);
  });

  test('a service with two versions and no split gets a DestinationRule with both subsets; one with one version gets none', () => {
    const mesh = openMesh();
    newService(mesh, 'web', ['v1', 'v2']);
    newService(mesh, 'solo', ['v1']);

    const objects = MeshTesting.synth(mesh);

    expect(named(objects, 'DestinationRule', 'web').spec).toEqual({
      host: 'web.default.svc.cluster.local',
      subsets: [{ name: 'v1', labels: { version: 'v1' } }, { name: 'v2', labels: { version: 'v2' } }],
    });
    expect(named(objects, 'DestinationRule', 'solo')).toBeUndefined();
    expect(named(objects, 'VirtualService', 'web')).toBeUndefined();
  });

  test('an imported service with versions and a policy: every listed version gets its subset once a route uses one', () => {
    const mesh = openMesh();
    const ledger = MeshService.fromName(mesh, 'ledger', 'ledger', { versions: ['v1', 'v2'] });
    new ServiceTrafficPolicy(mesh, 'policy', { service: ledger, loadBalancer: LoadBalancer.random() });
    new TrafficSplit(mesh, 'split', { service: ledger, routes: [{ targets: [TrafficTarget.version('v2')] }] });

    const dr = named(MeshTesting.synth(mesh), 'DestinationRule', 'ledger');

    expect(dr.spec.subsets.map((s: any) => s.name)).toEqual(['v1', 'v2']);
    expect(dr.spec.trafficPolicy).toEqual({ loadBalancer: { simple: 'RANDOM' } });
  });

  test('with the Gateway API no subsets are declared (versions are Services of their own) and no DestinationRule is written for them', () => {
    const mesh = openMesh({ routingApi: RoutingApi.GATEWAY_API });
    newService(mesh, 'web', ['v1', 'v2']);

    expect(ofKind(MeshTesting.synth(mesh), 'DestinationRule')).toEqual([]);
  });
});

describe('rollout order: DestinationRules before the routes that use them', () => {
  /** A gateway and a split created before the services they route to, so that construct order alone would put the routes first. */
  function routesFirst(props = {}) {
    const mesh = openMesh(props);
    const edge = new IngressGateway(mesh, 'edge', { namespace: 'edge' });
    const web = new MeshService(mesh, 'web', { ports: [{ port: 8080, protocol: Protocol.HTTP }] });
    new TrafficSplit(mesh, 'split', { service: web, routes: [{ targets: [TrafficTarget.version('v1', 90), TrafficTarget.version('v2', 10)] }] });
    edge.addRoute({ service: web });
    web.addVersion('v1', { image: 'example/web:v1' });
    web.addVersion('v2', { image: 'example/web:v2' });
    return mesh;
  }

  test('in the synthesized manifests every DestinationRule comes before every VirtualService', () => {
    const mesh = routesFirst();

    const kinds = Testing.synth(mesh).map(o => o.kind);

    const lastRule = kinds.lastIndexOf('DestinationRule');
    expect(lastRule).toBeGreaterThanOrEqual(0);
    expect(kinds.indexOf('VirtualService')).toBeGreaterThan(lastRule);
    expect(kinds.filter(k => k === 'VirtualService')).toHaveLength(2);
  });

  test('with the Gateway API the version Services and their DestinationRules come before the HTTPRoutes', () => {
    const mesh = routesFirst({ routingApi: RoutingApi.GATEWAY_API });
    new ServiceTrafficPolicy(mesh, 'policy', { service: mesh.node.findChild('web') as MeshService, loadBalancer: LoadBalancer.random() });

    const objects = MeshTesting.synth(mesh).filter(o => o.metadata?.namespace !== 'istio-system');
    const at = (kind: string, name: string) => objects.findIndex(o => o.kind === kind && o.metadata.name === name);

    const routes = objects.map((o, i) => o.kind === 'HTTPRoute' ? i : -1).filter(i => i >= 0);
    expect(routes.length).toBeGreaterThan(0);
    for (const before of [at('Service', 'web-v1'), at('Service', 'web-v2'), at('DestinationRule', 'web'), at('DestinationRule', 'web-v2')]) {
      expect(before).toBeGreaterThanOrEqual(0);
      expect(Math.min(...routes)).toBeGreaterThan(before);
    }
  });

  test('the file cdk8s writes, which the ApplyScript applies with kubectl apply -f, has the DestinationRule first', () => {
    const mesh = routesFirst();
    const root = mesh.node.root as App;
    new ApplyScript(root, 'apply');
    root.synth();

    const script = fs.readFileSync(path.join(root.outdir, 'apply.sh'), 'utf-8');
    const file = script.split('\n').map(l => l.match(/apply -f (\S*mesh\.k8s\.yaml)$/)?.[1]).find(f => f !== undefined)!;
    const kinds = Yaml.load(path.join(root.outdir, file)).map((o: any) => o.kind);

    expect(kinds.lastIndexOf('DestinationRule')).toBeLessThan(kinds.indexOf('VirtualService'));
  });

  test('with argoCdSyncWaves the routes take wave 1, after the DestinationRules and Deployments of wave 0', () => {
    const mesh = routesFirst({ argoCdSyncWaves: true });
    synthErrors(mesh);

    const objects = Testing.synth(mesh);
    const wave = (kind: string, name: string) => named(objects, kind, name).metadata.annotations['argocd.argoproj.io/sync-wave'];

    expect(wave('DestinationRule', 'web')).toEqual('0');
    expect(wave('Deployment', 'web-v2')).toEqual('0');
    expect(wave('VirtualService', 'web')).toEqual('1');
    expect(wave('VirtualService', 'edge')).toEqual('1');
  });
});

describe('connection tuning', () => {
  test('ConnectionPool renders every field of Istio\'s connectionPool', () => {
    const mesh = openMesh();
    const web = newService(mesh, 'web', ['v1'], {
      connectionPool: ConnectionPool.of({
        maxConnections: 100,
        connectTimeout: Duration.millis(250),
        tcpKeepalive: { probes: 3, time: Duration.minutes(10), interval: Duration.seconds(75) },
        maxConnectionDuration: Duration.hours(1),
        tcpIdleTimeout: Duration.minutes(30),
        http1MaxPendingRequests: 10,
        http2MaxRequests: 1000,
        maxRequestsPerConnection: 5,
        maxRetries: 3,
        httpIdleTimeout: Duration.seconds(90),
        h2UpgradePolicy: H2UpgradePolicy.DO_NOT_UPGRADE,
        useClientProtocol: true,
        maxConcurrentStreams: 100,
      }),
    });

    const dr = named(MeshTesting.synth(mesh), 'DestinationRule', web.serviceName);

    expect(dr.spec.trafficPolicy).toEqual({
      connectionPool: {
        tcp: {
          maxConnections: 100,
          connectTimeout: '250ms',
          tcpKeepalive: { probes: 3, time: '600s', interval: '75s' },
          maxConnectionDuration: '3600s',
          idleTimeout: '1800s',
        },
        http: {
          http1MaxPendingRequests: 10,
          http2MaxRequests: 1000,
          maxRequestsPerConnection: 5,
          maxRetries: 3,
          idleTimeout: '90s',
          h2UpgradePolicy: 'DO_NOT_UPGRADE',
          useClientProtocol: true,
          maxConcurrentStreams: 100,
        },
      },
    });
  });

  test('OutlierDetection renders every field of Istio\'s outlierDetection, in Istio\'s spelling', () => {
    const mesh = openMesh();
    newService(mesh, 'web', ['v1'], {
      outlierDetection: OutlierDetection.of({
        consecutive5xxErrors: 0,
        consecutiveGatewayErrors: 3,
        splitExternalLocalOriginErrors: true,
        consecutiveLocalOriginFailures: 2,
        interval: Duration.seconds(5),
        baseEjectionTime: Duration.minutes(1),
        maxEjectionPercent: 50,
        minHealthPercent: 30,
      }),
    });

    const dr = named(MeshTesting.synth(mesh), 'DestinationRule', 'web');

    expect(dr.spec.trafficPolicy.outlierDetection).toEqual({
      consecutive5xxErrors: 0,
      consecutiveGatewayErrors: 3,
      splitExternalLocalOriginErrors: true,
      consecutiveLocalOriginFailures: 2,
      interval: '5s',
      baseEjectionTime: '60s',
      maxEjectionPercent: 50,
      minHealthPercent: 30,
    });
  });

  test('OutlierDetection.of({}) turns outlier detection on with Istio\'s defaults', () => {
    const mesh = openMesh();
    newService(mesh, 'web', ['v1'], { outlierDetection: OutlierDetection.of({}) });

    expect(named(MeshTesting.synth(mesh), 'DestinationRule', 'web').spec.trafficPolicy).toEqual({ outlierDetection: {} });
  });

  test('circuitBreaker and the full settings merge when they set different fields', () => {
    const mesh = openMesh();
    newService(mesh, 'web', ['v1'], {
      circuitBreaker: CircuitBreaker.of({ maxConnections: 10, consecutiveErrors: 5 }),
      connectionPool: ConnectionPool.of({ httpIdleTimeout: Duration.seconds(30), connectTimeout: Duration.seconds(1) }),
      outlierDetection: OutlierDetection.of({ minHealthPercent: 20 }),
    });

    const policy = named(MeshTesting.synth(mesh), 'DestinationRule', 'web').spec.trafficPolicy;

    expect(policy.connectionPool).toEqual({ tcp: { maxConnections: 10, connectTimeout: '1s' }, http: { idleTimeout: '30s' } });
    expect(policy.outlierDetection).toEqual({ consecutive5xxErrors: 5, minHealthPercent: 20 });
    expect(synthErrors(mesh)).toEqual([]);
  });

  test('fails when circuitBreaker and connectionPool or outlierDetection set the same field', () => {
    const mesh = openMesh();
    newService(mesh, 'web', ['v1'], {
      circuitBreaker: CircuitBreaker.of({ maxConnections: 10, consecutiveErrors: 5 }),
      connectionPool: ConnectionPool.of({ maxConnections: 20 }),
      outlierDetection: OutlierDetection.of({ consecutive5xxErrors: 3 }),
    });

    expect(synthErrors(mesh)).toEqual([
      '[mesh/web] [MESH0856] circuitBreaker sets connectionPool.tcp.maxConnections, outlierDetection.consecutive5xxErrors, which connectionPool and outlierDetection set too: set each field in one place (circuitBreaker is a shorthand for some of them)',
    ]);
  });

  test('fails on HTTP connection pool settings for a service without an HTTP port; its TCP settings are fine', () => {
    const mesh = openMesh();
    new MeshService(mesh, 'db', {
      ports: [{ port: 5432, protocol: Protocol.TCP }],
      connectionPool: ConnectionPool.of({ maxConnections: 10, httpIdleTimeout: Duration.minutes(1), maxConcurrentStreams: 5 }),
    }).addVersion('v1', { image: 'example/db:v1' });
    new MeshService(mesh, 'cache', {
      ports: [{ port: 6379, protocol: Protocol.TCP }],
      connectionPool: ConnectionPool.of({ maxConnections: 10, tcpIdleTimeout: Duration.minutes(1) }),
    }).addVersion('v1', { image: 'example/cache:v1' });

    expect(mesh.analyze().filter(f => f.code === 'MESH0171').map(f => f.message)).toEqual([
      "service 'db' has no HTTP, HTTP2 or GRPC port (ports: 5432/tcp), so connectionPool httpIdleTimeout, connectionPool maxConcurrentStreams would do nothing: Envoy applies them to HTTP requests only, drop them or give the service an HTTP port",
    ]);
  });

  test.each<[string, () => unknown, string]>([
    ['a duration under 1ms', () => ConnectionPool.of({ connectTimeout: Duration.millis(0) }),
      '[MESH0850] ConnectionPool.of: connectTimeout 0ms is too short: istiod takes durations of at least 1ms'],
    ['a keepalive duration under 1ms', () => ConnectionPool.of({ tcpKeepalive: { time: Duration.millis(0) } }),
      '[MESH0850] ConnectionPool.of: tcpKeepalive.time 0ms is too short: istiod takes durations of at least 1ms'],
    ['a fraction of a millisecond', () => ConnectionPool.of({ httpIdleTimeout: Duration.millis(1.5) }),
      '[MESH0160] ConnectionPool.of: httpIdleTimeout 1.5 millis is not a whole number of milliseconds: durations are written to the millisecond, round it'],
    ['a count of 0', () => ConnectionPool.of({ maxConnections: 0 }),
      '[MESH0851] ConnectionPool.of: maxConnections 0 is invalid: use a whole number from 1 to 2147483647'],
    ['a fractional count', () => ConnectionPool.of({ maxConcurrentStreams: 1.5 }),
      '[MESH0851] ConnectionPool.of: maxConcurrentStreams 1.5 is invalid: use a whole number from 1 to 2147483647'],
    ['keepalive probes of 0', () => ConnectionPool.of({ tcpKeepalive: { probes: 0 } }),
      '[MESH0851] ConnectionPool.of: tcpKeepalive.probes 0 is invalid: use a whole number from 1 to 2147483647'],
    ['nothing set', () => ConnectionPool.of({}),
      '[MESH0853] ConnectionPool.of: sets nothing: give at least one of maxConnections, http1MaxPendingRequests, http2MaxRequests, maxRequestsPerConnection, maxRetries, maxConcurrentStreams, connectTimeout, maxConnectionDuration, tcpIdleTimeout, httpIdleTimeout, tcpKeepalive, h2UpgradePolicy, useClientProtocol'],
    ['useClientProtocol with UPGRADE', () => ConnectionPool.of({ useClientProtocol: true, h2UpgradePolicy: H2UpgradePolicy.UPGRADE }),
      "[MESH0854] ConnectionPool.of: useClientProtocol keeps the client's protocol, h2UpgradePolicy UPGRADE forces HTTP/2 (istiod refuses both): choose one"],
    ['an unknown h2UpgradePolicy (JavaScript)', () => ConnectionPool.of({ h2UpgradePolicy: 'ALWAYS' as H2UpgradePolicy }),
      "[MESH0090] ConnectionPool.of: h2UpgradePolicy 'ALWAYS' is not a value of H2UpgradePolicy: use H2UpgradePolicy.DEFAULT, H2UpgradePolicy.DO_NOT_UPGRADE or H2UpgradePolicy.UPGRADE"],
    ['a negative consecutive5xxErrors', () => OutlierDetection.of({ consecutive5xxErrors: -1 }),
      '[MESH0851] OutlierDetection.of: consecutive5xxErrors -1 is invalid: use a whole number from 0 to 2147483647'],
    ['consecutiveLocalOriginFailures of 0', () => OutlierDetection.of({ consecutiveLocalOriginFailures: 0, splitExternalLocalOriginErrors: true }),
      '[MESH0851] OutlierDetection.of: consecutiveLocalOriginFailures 0 is invalid: use a whole number from 1 to 2147483647'],
    ['maxEjectionPercent over 100', () => OutlierDetection.of({ maxEjectionPercent: 101 }),
      '[MESH0852] OutlierDetection.of: maxEjectionPercent 101 is not a percentage: use a whole number from 0 to 100'],
    ['minHealthPercent under 0', () => OutlierDetection.of({ minHealthPercent: -1 }),
      '[MESH0852] OutlierDetection.of: minHealthPercent -1 is not a percentage: use a whole number from 0 to 100'],
    ['an interval under 1ms', () => OutlierDetection.of({ interval: Duration.millis(0) }),
      '[MESH0850] OutlierDetection.of: interval 0ms is too short: istiod takes durations of at least 1ms'],
    ['local-origin failures without the split', () => OutlierDetection.of({ consecutiveLocalOriginFailures: 3 }),
      '[MESH0855] OutlierDetection.of: consecutiveLocalOriginFailures 3 counts local-origin failures, which are counted apart only with splitExternalLocalOriginErrors (istiod refuses it without): set splitExternalLocalOriginErrors: true'],
  ])('fails on %s', (_, make, message) => {
    expect(make).toThrow(message);
  });
});

describe('load balancer: warmup and every consistent hash', () => {
  const rendered = (lb: LoadBalancer) => lb._toIstio();

  test('warmup on round robin and least request', () => {
    expect(rendered(LoadBalancer.roundRobin({ warmup: { duration: Duration.minutes(2), minimumPercent: 5, aggression: 1.5 } }))).toEqual({
      simple: 'ROUND_ROBIN', warmup: { duration: '120s', minimumPercent: 5, aggression: 1.5 },
    });
    expect(rendered(LoadBalancer.leastRequest({ warmup: { duration: Duration.seconds(30) } }))).toEqual({
      simple: 'LEAST_REQUEST', warmup: { duration: '30s' },
    });
  });

  test('every hash key: header, cookie (ttl, path, attributes), source IP, query parameter', () => {
    expect(rendered(LoadBalancer.consistentHashByHeader('X-User')).consistentHash).toEqual({ httpHeaderName: 'x-user' });
    expect(rendered(LoadBalancer.consistentHashByCookie('session', {
      ttl: Duration.hours(1), path: '/', attributes: [{ name: 'SameSite', value: 'Strict' }, { name: 'Secure' }],
    })).consistentHash).toEqual({
      httpCookie: { name: 'session', ttl: '3600s', path: '/', attributes: [{ name: 'SameSite', value: 'Strict' }, { name: 'Secure' }] },
    });
    expect(rendered(LoadBalancer.consistentHashBySourceIp()).consistentHash).toEqual({ useSourceIp: true });
    expect(rendered(LoadBalancer.consistentHashByQueryParameter('user')).consistentHash).toEqual({ httpQueryParameterName: 'user' });
  });

  test('ring hash and Maglev', () => {
    expect(rendered(LoadBalancer.consistentHashBySourceIp({ algorithm: HashAlgorithm.ringHash(4096) })).consistentHash)
      .toEqual({ useSourceIp: true, ringHash: { minimumRingSize: 4096 } });
    expect(rendered(LoadBalancer.consistentHashByHeader('x-user', { algorithm: HashAlgorithm.maglev(65537) })).consistentHash)
      .toEqual({ httpHeaderName: 'x-user', maglev: { tableSize: 65537 } });
    expect(rendered(LoadBalancer.consistentHashByQueryParameter('u', { algorithm: HashAlgorithm.maglev() })).consistentHash)
      .toEqual({ httpQueryParameterName: 'u', maglev: {} });
  });

  test('a DestinationRule carries the load balancer as rendered', () => {
    const mesh = openMesh();
    newService(mesh, 'web', ['v1'], { loadBalancer: LoadBalancer.consistentHashByQueryParameter('user', { algorithm: HashAlgorithm.ringHash(2048) }) });

    expect(named(MeshTesting.synth(mesh), 'DestinationRule', 'web').spec.trafficPolicy).toEqual({
      loadBalancer: { consistentHash: { httpQueryParameterName: 'user', ringHash: { minimumRingSize: 2048 } } },
    });
  });

  test.each<[string, () => unknown, string]>([
    ['warmup on random (JavaScript)', () => LoadBalancer.random({ warmup: { duration: Duration.seconds(10) } } as any),
      '[MESH0857] LoadBalancer.random: warmup applies only to LoadBalancer.roundRobin() and LoadBalancer.leastRequest() (istiod refuses it with RANDOM): drop it, or use one of them'],
    ['warmup on a hash (JavaScript)', () => LoadBalancer.consistentHashBySourceIp({ warmup: { duration: Duration.seconds(10) } } as any),
      '[MESH0857] LoadBalancer.consistentHashBySourceIp: warmup applies only to LoadBalancer.roundRobin() and LoadBalancer.leastRequest() (istiod refuses it with a consistent hash): drop it, or use one of them'],
    ['a warmup aggression of 0', () => LoadBalancer.roundRobin({ warmup: { duration: Duration.seconds(10), aggression: 0 } }),
      '[MESH0857] LoadBalancer.roundRobin: warmup.aggression 0 is not above 0: use 1 for a linear warmup, more for a faster one'],
    ['a warmup minimumPercent over 100', () => LoadBalancer.leastRequest({ warmup: { duration: Duration.seconds(10), minimumPercent: 150 } }),
      '[MESH0852] LoadBalancer.leastRequest: warmup.minimumPercent 150 is not a percentage: use a number from 0 to 100'],
    ['a warmup under 1ms', () => LoadBalancer.roundRobin({ warmup: { duration: Duration.millis(0) } }),
      '[MESH0850] LoadBalancer.roundRobin: warmup.duration 0ms is too short: istiod takes durations of at least 1ms'],
    ['a warmup without a duration (JavaScript)', () => LoadBalancer.roundRobin({ warmup: {} as any }),
      '[MESH0006] LoadBalancer.roundRobin: warmup.duration is missing: give how long the warmup lasts, e.g. { duration: Duration.minutes(1) }'],
    ['a Maglev table size that is not prime', () => HashAlgorithm.maglev(1000),
      '[MESH0858] HashAlgorithm.maglev: tableSize 1000 is not a prime number: Envoy needs a prime table size, e.g. 65537 (the default)'],
    ['a Maglev table larger than Envoy takes', () => HashAlgorithm.maglev(5000021),
      '[MESH0851] HashAlgorithm.maglev: tableSize 5000021 is invalid: use a whole number from 2 to 5000011'],
    ['a ring size of 0', () => HashAlgorithm.ringHash(0),
      '[MESH0851] HashAlgorithm.ringHash: minimumRingSize 0 is invalid: use a whole number from 1 to 8388608'],
    ['an empty query parameter', () => LoadBalancer.consistentHashByQueryParameter(''),
      "[MESH0859] LoadBalancer.consistentHashByQueryParameter: name \"\" is not a query parameter name: give a non-empty name without '&', '=', '#' or spaces, e.g. 'user'"],
    ['a query parameter with =', () => LoadBalancer.consistentHashByQueryParameter('a=b'),
      "[MESH0859] LoadBalancer.consistentHashByQueryParameter: name \"a=b\" is not a query parameter name: give a non-empty name without '&', '=', '#' or spaces, e.g. 'user'"],
    ['a cookie attribute name with a space', () => LoadBalancer.consistentHashByCookie('s', { attributes: [{ name: 'Same Site' }] }),
      "[MESH0860] LoadBalancer.consistentHashByCookie: attributes[0] name \"Same Site\" is not a cookie attribute name: use letters, digits and '-', e.g. 'SameSite'"],
    ['a cookie attribute value with ;', () => LoadBalancer.consistentHashByCookie('s', { attributes: [{ name: 'SameSite', value: 'Strict; Secure' }] }),
      "[MESH0860] LoadBalancer.consistentHashByCookie: attributes[0] 'SameSite' value \"Strict; Secure\" has ';' or control characters, which end a cookie attribute: give a plain value, e.g. 'Strict'"],
    ['a cookie attribute given twice', () => LoadBalancer.consistentHashByCookie('s', { attributes: [{ name: 'Secure' }, { name: 'secure' }] }),
      "[MESH0860] LoadBalancer.consistentHashByCookie: attributes[1] 'secure' is given twice: give each attribute once"],
    ['an algorithm that is no HashAlgorithm (JavaScript)', () => LoadBalancer.consistentHashBySourceIp({ algorithm: { maglev: {} } as any }),
      '[MESH0096] LoadBalancer.consistentHashBySourceIp: algorithm is not a HashAlgorithm: make it with HashAlgorithm.ringHash() or HashAlgorithm.maglev()'],
  ])('fails on %s', (_, make, message) => {
    expect(make).toThrow(message);
  });
});

describe('policies per version and per port', () => {
  test('a version\'s trafficPolicy is its subset\'s; the service\'s stays at the top', () => {
    const mesh = openMesh();
    const web = newService(mesh, 'web', ['v1'], { loadBalancer: LoadBalancer.roundRobin() });
    web.addVersion('v2', {
      image: 'example/web:v2',
      trafficPolicy: {
        circuitBreaker: CircuitBreaker.of({ maxConnections: 5 }),
        outlierDetection: OutlierDetection.of({ consecutiveGatewayErrors: 2 }),
        loadBalancer: LoadBalancer.random(),
        connectionPool: ConnectionPool.of({ http2MaxRequests: 50 }),
      },
    });

    const dr = named(MeshTesting.synth(mesh), 'DestinationRule', 'web');

    expect(dr.spec).toEqual({
      host: 'web.default.svc.cluster.local',
      trafficPolicy: { loadBalancer: { simple: 'ROUND_ROBIN' } },
      subsets: [
        { name: 'v1', labels: { version: 'v1' } },
        {
          name: 'v2',
          labels: { version: 'v2' },
          trafficPolicy: {
            loadBalancer: { simple: 'RANDOM' },
            connectionPool: { tcp: { maxConnections: 5 }, http: { http2MaxRequests: 50 } },
            outlierDetection: { consecutiveGatewayErrors: 2 },
          },
        },
      ],
    });
  });

  test('port policies are the DestinationRule\'s portLevelSettings', () => {
    const mesh = openMesh();
    newService(mesh, 'web', ['v1'], {
      ports: [{ port: 8080, protocol: Protocol.HTTP }, { port: 9090, protocol: Protocol.GRPC }],
      circuitBreaker: CircuitBreaker.of({ maxConnections: 100 }),
      portPolicies: [
        { port: 9090, connectionPool: ConnectionPool.of({ maxConcurrentStreams: 10 }), loadBalancer: LoadBalancer.leastRequest() },
        { port: 8080, outlierDetection: OutlierDetection.of({ consecutive5xxErrors: 2 }) },
      ],
    });

    const policy = named(MeshTesting.synth(mesh), 'DestinationRule', 'web').spec.trafficPolicy;

    // Istio does not inherit the rule's settings into a port's entry (a field it leaves out falls back to Istio's
    // default), so 8080's entry carries the service's connection pool; 9090 names a pool of its own, which replaces it.
    expect(policy).toEqual({
      connectionPool: { tcp: { maxConnections: 100 } },
      portLevelSettings: [
        { port: { number: 9090 }, connectionPool: { http: { maxConcurrentStreams: 10 } }, loadBalancer: { simple: 'LEAST_REQUEST' } },
        { port: { number: 8080 }, connectionPool: { tcp: { maxConnections: 100 } }, outlierDetection: { consecutive5xxErrors: 2 } },
      ],
    });
  });

  test('a ServiceTrafficPolicy takes port policies too (an imported service)', () => {
    const mesh = openMesh();
    const ledger = MeshService.fromName(mesh, 'ledger', 'ledger', { ports: [{ port: 5432, protocol: Protocol.TCP }] });
    new ServiceTrafficPolicy(mesh, 'policy', { service: ledger, portPolicies: [{ port: 5432, connectionPool: ConnectionPool.of({ connectTimeout: Duration.seconds(2) }) }] });

    expect(named(MeshTesting.synth(mesh), 'DestinationRule', 'ledger').spec.trafficPolicy).toEqual({
      portLevelSettings: [{ port: { number: 5432 }, connectionPool: { tcp: { connectTimeout: '2s' } } }],
    });
  });

  test('fails on a port policy for a port the service does not have, a port given twice, and one that sets nothing', () => {
    const mesh = openMesh();
    newService(mesh, 'web', ['v1'], {
      portPolicies: [
        { port: 9090, loadBalancer: LoadBalancer.random() },
        { port: 8080, loadBalancer: LoadBalancer.random() },
        { port: 8080, loadBalancer: LoadBalancer.roundRobin() },
      ],
    });
    newService(mesh, 'api', ['v1'], { portPolicies: [{ port: 8080 }] });

    expect(synthErrors(mesh)).toEqual([
      "[mesh/web] [MESH0861] portPolicies[0] names port 9090, which is not a port of service 'web' (ports: 8080): name one of its ports",
      '[mesh/web] [MESH0862] portPolicies[2] names port 8080 again: give each port one policy',
      '[mesh/api] [MESH0864] portPolicies[0] for port 8080 sets nothing: give circuitBreaker, loadBalancer, connectionPool or outlierDetection, or remove it',
    ]);
  });

  test('fails on a version policy with route settings (JavaScript) or none, and on one that sets a field twice', () => {
    const mesh = openMesh();
    const web = newService(mesh, 'web', ['v1']);
    web.addVersion('v2', { image: 'example/web:v2', trafficPolicy: { timeout: Timeout.of(Duration.seconds(1)), retries: RetryPolicy.none() } as any });
    web.addVersion('v3', { image: 'example/web:v3', trafficPolicy: {} });
    web.addVersion('v4', {
      image: 'example/web:v4',
      trafficPolicy: { circuitBreaker: CircuitBreaker.of({ maxRetries: 1 }), connectionPool: ConnectionPool.of({ maxRetries: 2 }) },
    });

    expect(synthErrors(mesh)).toEqual([
      "[mesh/web] [MESH0863] version 'v2' trafficPolicy sets timeout and retries, which are route settings (a VirtualService's), not a subset's: give them to a TrafficSplit route to the version (TrafficTarget.version('v2')), or to the service",
      "[mesh/web] [MESH0864] version 'v3' trafficPolicy sets nothing: give circuitBreaker, loadBalancer, connectionPool or outlierDetection, or remove it",
      "[mesh/web] [MESH0856] version 'v4' trafficPolicy circuitBreaker sets connectionPool.http.maxRetries, which connectionPool sets too: set each field in one place (circuitBreaker is a shorthand for some of them)",
    ]);
  });

  test('fails with coded errors on what JavaScript may pass: port policies that are no list or have no port, settings not made by their factories', () => {
    const mesh = openMesh();
    newService(mesh, 'a', ['v1'], { portPolicies: 'x' as any });
    newService(mesh, 'b', ['v1'], { portPolicies: [{} as any] });
    newService(mesh, 'c', ['v1'], { connectionPool: { maxConnections: 1 } as any, portPolicies: [{ port: 8080, outlierDetection: {} as any }] });

    expect(synthErrors(mesh)).toEqual([
      "[mesh/a] [MESH0092] portPolicies 'x' is not a list: give an array, e.g. ['x']",
      '[mesh/b] [MESH0006] portPolicies[0].port is missing: name the port the settings are for, e.g. { port: 8080, ... }',
      '[mesh/c] [MESH0096] connectionPool is not a ConnectionPool: make it with ConnectionPool.of({ ... })',
      '[mesh/c] [MESH0096] portPolicies[0] outlierDetection is not an OutlierDetection: make it with OutlierDetection.of({ ... })',
    ]);
  });

  test('with the Gateway API a version\'s policy goes to the DestinationRule of its own Service, over the service\'s', () => {
    const mesh = openMesh({ routingApi: RoutingApi.GATEWAY_API });
    const web = newService(mesh, 'web', ['v1'], { loadBalancer: LoadBalancer.roundRobin(), circuitBreaker: CircuitBreaker.of({ maxConnections: 100 }) });
    web.addVersion('v2', { image: 'example/web:v2', trafficPolicy: { loadBalancer: LoadBalancer.random() } });
    new TrafficSplit(mesh, 'split', { service: web, routes: [{ targets: [TrafficTarget.version('v1', 90), TrafficTarget.version('v2', 10)] }] });

    const objects = MeshTesting.synth(mesh);

    expect(named(objects, 'DestinationRule', 'web-v2').spec).toEqual({
      host: 'web-v2.default.svc.cluster.local',
      trafficPolicy: { loadBalancer: { simple: 'RANDOM' }, connectionPool: { tcp: { maxConnections: 100 } } },
    });
    expect(named(objects, 'DestinationRule', 'web-v1').spec).toEqual({
      host: 'web-v1.default.svc.cluster.local',
      trafficPolicy: { loadBalancer: { simple: 'ROUND_ROBIN' }, connectionPool: { tcp: { maxConnections: 100 } } },
    });
    expect(named(objects, 'DestinationRule', 'web').spec.subsets).toBeUndefined();
  });

  test('with the Gateway API a version policy without a route to the version is a warning', () => {
    const mesh = openMesh({ routingApi: RoutingApi.GATEWAY_API });
    const web = newService(mesh, 'web', ['v1']);
    web.addVersion('v2', { image: 'example/web:v2', trafficPolicy: { loadBalancer: LoadBalancer.random() } });
    new TrafficSplit(mesh, 'split', { service: web, routes: [{ targets: [TrafficTarget.version('v1')] }] });

    const findings = mesh.analyze().filter(f => f.code === 'MESH0865');

    expect(findings.map(f => f.message)).toEqual([
      "version 'v2' has a trafficPolicy, but with the Gateway API it applies only to traffic routed to the version (through Service 'web-v2') and no route of the mesh sends it any: route to the version with a TrafficSplit, or give the policy to the service",
    ]);
    expect(named(MeshTesting.synth(mesh), 'DestinationRule', 'web-v2')).toBeUndefined();
  });

  test('with Istio\'s API a version policy that no route, mirror or TCP route sends traffic to is a warning', () => {
    // GIVEN versions with policies: api's and db's reached by no route, web's by a route, audit's by a mirror, broker's by a TCP route
    const mesh = openMesh();
    const policy = { trafficPolicy: { circuitBreaker: CircuitBreaker.of({ maxConnections: 10 }) } };
    const api = newService(mesh, 'api', ['v1']);
    api.addVersion('v2', { image: 'example/api:v2', ...policy });
    const db = newService(mesh, 'db', []);
    db.addVersion('v1', { image: 'example/db:v1', ...policy });
    const web = newService(mesh, 'web', ['v1']);
    web.addVersion('v2', { image: 'example/web:v2', ...policy });
    const audit = newService(mesh, 'audit', ['v1']);
    audit.addVersion('v2', { image: 'example/audit:v2', ...policy });
    const broker = newService(mesh, 'broker', ['v1'], { ports: [{ port: 5672, protocol: Protocol.TCP }] });
    broker.addVersion('v2', { image: 'example/broker:v2', ...policy });

    // WHEN
    new TrafficSplit(mesh, 'web-split', {
      service: web,
      routes: [{ targets: [TrafficTarget.version('v1', 90), TrafficTarget.version('v2', 10)], mirrors: [Mirror.to(audit, { version: 'v2' })] }],
    });
    new TrafficSplit(mesh, 'broker-split', { service: broker, tcpRoutes: [{ targets: [TrafficTarget.version('v1', 90), TrafficTarget.version('v2', 10)] }] });
    const findings = mesh.analyze().filter(f => f.code === 'MESH0920');

    // THEN
    expect(findings.map(f => [f.severity, f.path, f.message])).toEqual([
      [Severity.WARNING, 'mesh/api', "version 'v2' has a trafficPolicy, but Istio applies a subset's policy only to traffic a route sends to the subset, and no route of the mesh sends any to subset 'v2' (requests to the service go to every version under the service's policy): route to the version with a TrafficSplit, or give the policy to the service"],
      [Severity.WARNING, 'mesh/db', "version 'v1' has a trafficPolicy, but Istio applies a subset's policy only to traffic a route sends to the subset, and no route of the mesh sends any to subset 'v1' (requests to the service go to every version under the service's policy): route to the version with a TrafficSplit, or give the policy to the service"],
    ]);
    expect(synthErrors(mesh)).toEqual([]);
  });
});

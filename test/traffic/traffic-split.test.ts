import { Duration, Testing } from 'cdk8s';
import {
  EgressGateway, FaultInjection, HeaderMatch, HttpMethod, MeshService, MeshTesting, Protocol, RetryPolicy, StringMatch, Timeout,
  TrafficSplit, TrafficTarget,
} from '../../src';
import { validateManifests } from '../support/schemas';
import { newMesh, newService, synthErrors } from '../support/util';

describe('TrafficSplit', () => {
  test('a canary: 1% of traffic to v2', () => {
    // GIVEN
    const mesh = newMesh();
    const web = newService(mesh, 'web', ['v1', 'v2']);

    // WHEN
    const split = new TrafficSplit(mesh, 'canary', {
      service: web,
      routes: [{ targets: [TrafficTarget.version('v1', 99), TrafficTarget.version('v2', 1)] }],
    });
    const manifests = MeshTesting.synth(mesh);

    // THEN
    expect(manifests.filter(m => ['VirtualService', 'DestinationRule'].includes(m.kind))).toMatchSnapshot();
    expect(split.versionsUsed).toEqual(['v1', 'v2']);
    expect(web.trafficSplit).toBe(split);
    expect(MeshTesting.find(manifests, 'VirtualService', 'web').spec).toEqual({
      hosts: ['web.default.svc.cluster.local'],
      http: [{
        route: [
          { destination: { host: 'web.default.svc.cluster.local', subset: 'v1' }, weight: 99 },
          { destination: { host: 'web.default.svc.cluster.local', subset: 'v2' }, weight: 1 },
        ],
      }],
    });
    expect(MeshTesting.find(manifests, 'DestinationRule', 'web').spec).toEqual({
      host: 'web.default.svc.cluster.local',
      subsets: [{ name: 'v1', labels: { version: 'v1' } }, { name: 'v2', labels: { version: 'v2' } }],
    });
    expect(validateManifests(manifests)).toEqual([]);
  });

  test('every route option', () => {
    // GIVEN
    const mesh = newMesh();
    const web = newService(mesh, 'web', ['v1', 'v2', 'v3'], { timeout: Timeout.of(Duration.seconds(5)), retries: RetryPolicy.of({ attempts: 2 }) });
    const caller = newService(mesh, 'caller', ['v1'], { namespace: 'front' });

    // WHEN
    const split = new TrafficSplit(mesh, 'routes', { service: web });
    split.addRoute({
      name: 'testers',
      matches: [
        { headers: [HeaderMatch.exact('end-user', 'jason'), HeaderMatch.prefix('x-team', 'qa')], uri: StringMatch.prefix('/api'), method: HttpMethod.POST },
        { sourceService: caller },
        { uri: StringMatch.regex('^/v[0-9]+/.*') },
      ],
      targets: [TrafficTarget.version('v2')],
      mirror: { version: 'v3', percentage: 25 },
      fault: FaultInjection.abort(503, 5),
      timeout: Timeout.of(Duration.seconds(1)),
      retries: RetryPolicy.none(),
    });
    split.addRoute({ targets: [TrafficTarget.version('v1', 100)] });
    const manifests = MeshTesting.synth(mesh);

    // THEN
    const host = 'web.default.svc.cluster.local';
    expect(split.routes.map(r => r.name)).toEqual(['testers', undefined]);
    expect(MeshTesting.find(manifests, 'VirtualService', 'web').spec.http).toEqual([
      {
        name: 'testers',
        match: [
          { headers: { 'end-user': { exact: 'jason' }, 'x-team': { prefix: 'qa' } }, uri: { prefix: '/api' }, method: { exact: 'POST' } },
          { sourceLabels: { app: 'caller' }, sourceNamespace: 'front' },
          { uri: { regex: '^/v[0-9]+/.*' } },
        ],
        route: [{ destination: { host, subset: 'v2' } }],
        mirror: { host, subset: 'v3' },
        mirrorPercentage: { value: 25 },
        fault: { abort: { httpStatus: 503, percentage: { value: 5 } } },
        timeout: '1s',
        retries: { attempts: 0 },
      },
      // the service's timeout and retries apply where the route sets none
      { route: [{ destination: { host, subset: 'v1' } }], timeout: '5s', retries: { attempts: 2 } },
    ]);
    // mirrored versions need a subset too
    expect(MeshTesting.find(manifests, 'DestinationRule', 'web').spec.subsets.map((s: any) => s.name)).toEqual(['v1', 'v2', 'v3']);
    expect(validateManifests(manifests)).toEqual([]);
  });

  test('routes added after construction are rendered', () => {
    const mesh = newMesh();
    const web = newService(mesh, 'web', ['v1']);
    const split = new TrafficSplit(mesh, 'routes', { service: web });
    split.addRoute({ targets: [TrafficTarget.version('v1')] });
    expect(MeshTesting.find(MeshTesting.synth(mesh), 'VirtualService', 'web').spec.http).toHaveLength(1);
  });

  test('routes an imported service whose versions are unknown', () => {
    const mesh = newMesh();
    const ext = MeshService.fromName(mesh, 'ledger', 'ledger', { namespace: 'finance' });
    new TrafficSplit(mesh, 'routes', { service: ext, routes: [{ targets: [TrafficTarget.version('v7')] }] });
    const manifests = MeshTesting.synth(mesh);
    expect(MeshTesting.find(manifests, 'VirtualService', 'ledger', 'finance').spec.http[0].route).toEqual([{ destination: { host: 'ledger.finance.svc.cluster.local', subset: 'v7' } }]);
    expect(validateManifests(manifests)).toEqual([]);
  });

  test.each([
    [[TrafficTarget.version('v1', 50), TrafficTarget.version('v2', 40)], '[mesh/split] [MESH0102] route 1 weights add up to 90 (v1=50, v2=40): make them add up to 100'],
    [[TrafficTarget.version('v1', 0), TrafficTarget.version('v2', 0)], '[mesh/split] [MESH0102] route 1 weights add up to 0 (v1=0, v2=0): make them add up to 100'],
    [[TrafficTarget.version('v1', 60), TrafficTarget.version('v2')], "[mesh/split] [MESH0102] route 1 has several targets but no weight for 'v2': give every target a weight, adding up to 100"],
    [[TrafficTarget.version('v1', 50)], "[mesh/split] [MESH0102] route 1 sends weight 50 to its only target 'v1': a single target takes all traffic, omit the weight or use 100"],
    [[], '[mesh/split] [MESH0114] route 1 has no targets: add at least one TrafficTarget.version()'],
    [[TrafficTarget.version('v1', 50), TrafficTarget.version('v1', 50)], "[mesh/split] [MESH0110] route 1 lists version 'v1' twice: give each version one target with its total weight"],
  ])('fails on targets %#', (targets, message) => {
    // GIVEN
    const mesh = newMesh();
    const web = newService(mesh, 'web', ['v1', 'v2']);
    const split = new TrafficSplit(mesh, 'split', { service: web });

    // WHEN
    split.addRoute({ targets });

    // THEN the route is reported, and kept: the split is not also reported as having no routes
    expect(synthErrors(mesh)).toEqual([message]);
    expect(split.routes).toHaveLength(1);
  });

  test('fails on a version listed twice once, and keeps one target per version', () => {
    // GIVEN a service without v9
    const mesh = newMesh();
    const web = newService(mesh, 'web', ['v1']);
    const split = new TrafficSplit(mesh, 'split', { service: web });

    // WHEN
    split.addRoute({ targets: [TrafficTarget.version('v9', 50), TrafficTarget.version('v9', 50)] });

    // THEN the unknown version is reported once, not once per target
    expect(synthErrors(mesh)).toEqual([
      "[mesh/split] [MESH0110] route 1 lists version 'v9' twice: give each version one target with its total weight",
      "[mesh/split] [MESH0101] route 1: subset 'v9' is not a version of service 'web' (versions: v1): add it with addVersion('v9', ...) or route to an existing version",
    ]);
    expect(split.routes[0].targets!.map(t => t.versionName)).toEqual(['v9']);
  });

  test.each([
    [() => TrafficTarget.version('v1', -10), "[MESH0102] TrafficTarget.version: weight -10 of version 'v1' is invalid: use a whole percentage from 0 to 100"],
    [() => TrafficTarget.version('v1', 12.5), "[MESH0102] TrafficTarget.version: weight 12.5 of version 'v1' is invalid: use a whole percentage from 0 to 100"],
    [() => TrafficTarget.version('V1'), "[MESH0001] TrafficTarget.version: version 'V1' is not a valid DNS label: use at most 63 lowercase letters, digits and '-', starting and ending with a letter or digit"],
  ])('fails on a target %#', (make, message) => {
    expect(make).toThrow(message);
  });

  test('fails on a route after a catch-all route', () => {
    // GIVEN
    const mesh = newMesh();
    const web = newService(mesh, 'web');
    const split = new TrafficSplit(mesh, 'split', { service: web, routes: [{ name: 'all', targets: [TrafficTarget.version('v1')] }] });

    // WHEN
    split.addRoute({ name: 'late', matches: [{ uri: StringMatch.prefix('/') }], targets: [TrafficTarget.version('v1')] });

    // THEN
    expect(synthErrors(mesh)).toEqual([
      "[mesh/split] [MESH0104] route 'late' comes after route 'all' without matches, which takes all traffic, so it is never used: give that route matches, or add this one before it",
    ]);
  });

  test.each([
    [{ name: 'a', matches: [{}], targets: [TrafficTarget.version('v1')] }, '[mesh/split] [MESH0042] a match has no condition: give headers, uri, method, queryParams, authority, port or a source (a route without matches takes all traffic)'],
    [{ matches: [{ headers: [HeaderMatch.exact('a', '1'), HeaderMatch.exact('A', '2')] }], targets: [TrafficTarget.version('v1')] },
      "[mesh/split] [MESH0041] header 'a' is matched twice in one match: a request has one value per header, so list it once (use several matches for OR)"],
    [{ name: 'Bad', targets: [TrafficTarget.version('v1')] }, "[mesh/split] [MESH0001] route name 'Bad' is not a valid DNS label: use at most 63 lowercase letters, digits and '-', starting and ending with a letter or digit"],
    [{ targets: [TrafficTarget.version('v1')], mirror: { version: 'v1' } }, "[mesh/split] [MESH0105] route 1 mirrors to version 'v1', which already receives its traffic: mirror to another version"],
    [{ targets: [TrafficTarget.version('v1')], mirror: { version: 'v2', percentage: 150 } }, '[mesh/split] [MESH0002] mirror percentage 150 is not a percentage: use a number from 0 to 100'],
  ])('fails on route %#', (route, message) => {
    // GIVEN
    const mesh = newMesh();
    const web = newService(mesh, 'web', ['v1', 'v2']);
    const split = new TrafficSplit(mesh, 'split', { service: web });

    // WHEN
    split.addRoute(route);

    // THEN
    expect(synthErrors(mesh)).toEqual([message]);
  });

  test('fails on two routes with one name', () => {
    const mesh = newMesh();
    const web = newService(mesh, 'web');
    const split = new TrafficSplit(mesh, 'split', { service: web });
    split.addRoute({ name: 'a', matches: [{ method: HttpMethod.GET }], targets: [TrafficTarget.version('v1')] });
    split.addRoute({ name: 'a', targets: [TrafficTarget.version('v1')] });
    expect(synthErrors(mesh)).toEqual(["[mesh/split] [MESH0109] route 'a' is already defined: give each route its own name"]);
  });

  test('fails on every mistake of a split at once', () => {
    // GIVEN
    const mesh = newMesh();
    const web = newService(mesh, 'web', ['v1', 'v2']);
    const other = newService(newMesh(), 'caller');

    // WHEN a catch-all route with bad weights, then a route with a bad name, a caller of another mesh and a mirror to its own target
    const split = new TrafficSplit(mesh, 'split', {
      service: web,
      routes: [{ name: 'all', targets: [TrafficTarget.version('v1', 50), TrafficTarget.version('v2', 40)] }],
    });
    split.addRoute({ name: 'Late', matches: [{ sourceService: other }], targets: [TrafficTarget.version('v2')], mirror: { version: 'v2' } });

    // THEN every one is reported; the first route is kept, so the second is still found to come after it
    expect(synthErrors(mesh)).toEqual([
      "[mesh/split] [MESH0102] route 'all' weights add up to 90 (v1=50, v2=40): make them add up to 100",
      "[mesh/split] [MESH0104] route 'Late' comes after route 'all' without matches, which takes all traffic, so it is never used: give that route matches, or add this one before it",
      "[mesh/split] [MESH0001] route name 'Late' is not a valid DNS label: use at most 63 lowercase letters, digits and '-', starting and ending with a letter or digit",
      "[mesh/split] [MESH0108] route 'Late' matches source service 'caller' of another mesh: name a service of this mesh",
      "[mesh/split] [MESH0105] route 'Late' mirrors to version 'v2', which already receives its traffic: mirror to another version",
    ]);
    expect(split.routes.map(r => r.name)).toEqual(['all', 'Late']);
    expect(split.routes[1].mirror).toBeUndefined();
  });

  test('fails on a second split for one service', () => {
    // GIVEN
    const mesh = newMesh();
    const web = newService(mesh, 'web');
    const one = new TrafficSplit(mesh, 'one', { service: web, routes: [{ targets: [TrafficTarget.version('v1')] }] });

    // WHEN
    new TrafficSplit(mesh, 'two', { service: web, routes: [{ targets: [TrafficTarget.version('v1')] }] });

    // THEN the first one routes
    expect(synthErrors(mesh)).toEqual([
      "[mesh/two] [MESH0106] service 'web' already has a TrafficSplit (mesh/one): add routes to it with addRoute(), a service has one set of routing rules",
    ]);
    expect(web.trafficSplit).toBe(one);
  });

  test('fails on a service without an HTTP port', () => {
    const mesh = newMesh();
    const db = newService(mesh, 'db', ['v1'], { ports: [{ port: 5432, protocol: Protocol.TCP }] });
    new TrafficSplit(mesh, 'split', { service: db, routes: [{ targets: [TrafficTarget.version('v1')] }] });
    expect(synthErrors(mesh)).toEqual(["[mesh/split] [MESH0107] service 'db' has no HTTP, HTTP2 or GRPC port (ports: tcp): HTTP routes need one"]);
  });

  test('a service without ports is reported once, not again by its split', () => {
    const mesh = newMesh();
    const web = newService(mesh, 'web', ['v1'], { ports: [] });
    new TrafficSplit(mesh, 'split', { service: web, routes: [{ targets: [TrafficTarget.version('v1')] }] });
    expect(synthErrors(mesh)).toEqual(['[mesh/web] [MESH0012] ports is empty: a service needs at least one port, e.g. { port: 8080, protocol: Protocol.HTTP }']);
  });

  test('fails on a service that is not a MeshService', () => {
    const mesh = newMesh();
    const gateway = new EgressGateway(mesh, 'egress');
    new TrafficSplit(mesh, 'split', { service: gateway as any, routes: [{ targets: [TrafficTarget.version('v1')] }] });
    expect(synthErrors(mesh)).toEqual(["[mesh/split] [MESH0108] service 'mesh/egress' is not a MeshService: define it with new MeshService() or MeshService.fromName()"]);
  });

  test('fails on a service of another mesh', () => {
    // GIVEN
    const other = newMesh();
    const web = newService(other, 'web');
    const mesh = newMesh();

    // WHEN
    new TrafficSplit(mesh, 'split', { service: web, routes: [{ targets: [TrafficTarget.version('v1')] }] });
    const split2 = new TrafficSplit(mesh, 'split2', { service: newService(mesh, 'api') });
    split2.addRoute({ matches: [{ sourceService: web }], targets: [TrafficTarget.version('v1')] });

    // THEN
    expect(synthErrors(mesh)).toEqual([
      "[mesh/split] [MESH0108] service 'web' belongs to another mesh (mesh): route a service of this mesh, or import it with MeshService.fromName()",
      "[mesh/split2] [MESH0108] route 1 matches source service 'web' of another mesh: name a service of this mesh",
    ]);
    // the other mesh's service is left alone
    expect(web.trafficSplit).toBeUndefined();
    expect(web.virtualService).toBeUndefined();
  });

  test('fails on a split outside a mesh', () => {
    const mesh = newMesh();
    const web = newService(mesh, 'web');
    expect(() => new TrafficSplit(Testing.chart(), 'split', { service: web })).toThrow('[MESH0004] test/split: is not inside a Mesh');
  });
});

describe('plain JavaScript callers', () => {
  test('fails on a split without a service with a coded error, not a crash', () => {
    // nothing can stand in for the service, so this one still throws
    expect(() => new TrafficSplit(newMesh(), 'split', {} as any)).toThrow('[MESH0006] mesh/split: service is missing: name the service whose traffic is routed');
  });

  test.each([
    ['a route without targets', (m: any) => new TrafficSplit(m, 'split', { service: newService(m, 'web'), routes: [{} as any] }),
      "[mesh/split] [MESH0006] route 1 targets is missing: give the versions that receive its traffic, e.g. [TrafficTarget.version('v1')], or redirect, or give a directResponse"],
    ['a service without ports', (m: any) => new MeshService(m, 'web', {} as any),
      '[mesh/web] [MESH0006] ports is missing: give the service its ports, e.g. [{ port: 8080, protocol: Protocol.HTTP }]'],
  ])('fails on %s with a coded error, not a crash', (_, make, message) => {
    const mesh = newMesh();
    make(mesh);
    expect(synthErrors(mesh)).toEqual([message]);
  });
});

import { AccessPolicy, HttpMethod, MeshService, MeshTesting, Protocol } from '../../src';
import { validateManifests } from '../support/schemas';
import { newMesh, newService, synthErrors } from '../support/util';

describe('AccessPolicy', () => {
  test('A may call B, by SPIFFE principal', () => {
    // GIVEN
    const mesh = newMesh();
    const frontend = newService(mesh, 'frontend', ['v1'], { namespace: 'web' });
    const reviews = newService(mesh, 'reviews', ['v1'], { namespace: 'shop' });

    // WHEN
    const policy = new AccessPolicy(mesh, 'reviews-access', { service: reviews, allow: [{ from: frontend }] });
    const manifests = MeshTesting.synth(mesh);

    // THEN
    const ap = MeshTesting.find(manifests, 'AuthorizationPolicy', 'reviews', 'shop');
    expect(ap).toMatchSnapshot();
    expect(ap.spec).toEqual({
      selector: { matchLabels: { app: 'reviews' } },
      action: 'ALLOW',
      rules: [{ from: [{ source: { principals: ['cluster.local/ns/web/sa/frontend'] } }] }],
    });
    expect(policy.rules).toEqual([{ from: frontend, methods: undefined, paths: undefined, ports: undefined }]);
    expect(MeshTesting.allowedCallers(mesh, reviews, manifests)).toEqual(['cluster.local/ns/web/sa/frontend']);
    expect(validateManifests(manifests)).toEqual([]);
  });

  test('only some methods, paths and ports', () => {
    // GIVEN
    const mesh = newMesh();
    const api = new MeshService(mesh, 'api', { ports: [{ port: 80, targetPort: 8080 }, { port: 9090, protocol: Protocol.GRPC }] });
    const web = newService(mesh, 'web');
    const batch = newService(mesh, 'batch');

    // WHEN
    const policy = new AccessPolicy(mesh, 'api-access', { service: api });
    policy.allowFrom(web, { methods: [HttpMethod.GET, HttpMethod.HEAD], paths: ['/books/*', '*.css', '/health', '*'], ports: [80] });
    policy.allowFrom(batch, { ports: [9090] });
    const manifests = MeshTesting.synth(mesh);

    // THEN
    expect(MeshTesting.find(manifests, 'AuthorizationPolicy', 'api').spec.rules).toEqual([
      {
        from: [{ source: { principals: ['cluster.local/ns/default/sa/web'] } }],
        to: [{ operation: { methods: ['GET', 'HEAD'], paths: ['/books/*', '*.css', '/health', '*'], ports: ['8080'] } }],
      },
      {
        from: [{ source: { principals: ['cluster.local/ns/default/sa/batch'] } }],
        to: [{ operation: { ports: ['9090'] } }],
      },
    ]);
    expect(validateManifests(manifests)).toEqual([]);
  });

  test('deny by default: mesh-wide and per namespace', () => {
    const mesh = newMesh();
    newService(mesh, 'web', ['v1'], { namespace: 'apps' });
    const meshWide = mesh.denyByDefault();
    const perNs = mesh.denyByDefault({ namespace: 'apps' });
    const manifests = MeshTesting.synth(mesh);
    expect(meshWide.namespace).toEqual('istio-system');
    expect(perNs.namespace).toEqual('apps');
    expect(MeshTesting.find(manifests, 'AuthorizationPolicy', 'allow-nothing', 'istio-system').spec).toEqual({});
    expect(MeshTesting.find(manifests, 'AuthorizationPolicy', 'allow-nothing', 'apps').spec).toEqual({});
    expect(validateManifests(manifests)).toEqual([]);
  });

  test('fails on a port the service does not have', () => {
    // GIVEN
    const mesh = newMesh();
    const api = newService(mesh, 'api');
    const web = newService(mesh, 'web');
    // WHEN
    const p = new AccessPolicy(mesh, 'p', { service: api, allow: [{ from: web, ports: [81] }] });
    // THEN the rule is left out, not widened to every port
    expect(p.rules).toEqual([]);
    expect(synthErrors(mesh)).toEqual(["[mesh/p] [MESH0203] port 81 is not a port of service 'api' (ports: 8080): name one of its ports"]);
  });

  test('fails on methods or paths for a TCP service', () => {
    const mesh = newMesh();
    const db = new MeshService(mesh, 'db', { ports: [{ port: 5432, protocol: Protocol.TCP }] });
    const web = newService(mesh, 'web');
    const p = new AccessPolicy(mesh, 'p', { service: db });
    p.allowFrom(web, { methods: [HttpMethod.GET], paths: ['/x'] });
    expect(synthErrors(mesh)).toEqual([
      "[mesh/p] [MESH0207] methods and paths for caller 'web' need an HTTP port, but the ports allowed are tcp: drop methods and paths or allow an HTTP port",
    ]);
  });

  test.each(['api', '/a*b', '/a/**'])('fails on path pattern %s', path => {
    const mesh = newMesh();
    const api = newService(mesh, 'api');
    const web = newService(mesh, 'web');
    const p = new AccessPolicy(mesh, 'p', { service: api });
    p.allowFrom(web, { paths: [path] });
    expect(synthErrors(mesh)).toEqual([
      `[mesh/p] [MESH0208] path '${path}' is not an Istio path pattern: use an exact path ('/api'), a prefix ('/api/*'), a suffix ('*.css') or '*'`,
    ]);
  });

  test('fails on a caller allowed twice, keeping the first rule', () => {
    const mesh = newMesh();
    const api = newService(mesh, 'api');
    const web = newService(mesh, 'web');
    const p = new AccessPolicy(mesh, 'p', { service: api, allow: [{ from: web }] });
    p.allowFrom(web, { methods: [HttpMethod.GET] });
    expect(p.rules).toEqual([{ from: web, methods: undefined, paths: undefined, ports: undefined }]);
    expect(synthErrors(mesh)).toEqual(["[mesh/p] [MESH0209] caller 'web' is already allowed: give it one rule with every method, path and port it needs"]);
  });

  test('fails on every mistake of its rules in one run', () => {
    // GIVEN
    const mesh = newMesh();
    const api = newService(mesh, 'api');
    const web = newService(mesh, 'web');
    const batch = newService(mesh, 'batch');
    // WHEN two rules each have a mistake, and a third is right
    const p = new AccessPolicy(mesh, 'p', { service: api, allow: [{ from: web, ports: [81] }] });
    p.allowFrom(batch, { paths: ['api'] });
    p.allowFrom(web, { paths: ['/api/*'] });
    // THEN both mistakes are reported, and only the right rule stays
    expect(synthErrors(mesh)).toEqual([
      "[mesh/p] [MESH0203] port 81 is not a port of service 'api' (ports: 8080): name one of its ports",
      "[mesh/p] [MESH0208] path 'api' is not an Istio path pattern: use an exact path ('/api'), a prefix ('/api/*'), a suffix ('*.css') or '*'",
    ]);
    expect(p.rules).toEqual([{ from: web, methods: undefined, paths: ['/api/*'], ports: undefined }]);
  });

  test('fails on two policies for one service', () => {
    const mesh = newMesh();
    const api = newService(mesh, 'api');
    new AccessPolicy(mesh, 'a', { service: api });
    new AccessPolicy(mesh, 'b', { service: api });
    expect(synthErrors(mesh)).toEqual(["[mesh/b] [MESH0210] service 'api' already has an AccessPolicy (mesh/a): add callers to it with allowFrom()"]);
  });

  test('fails on services of another mesh', () => {
    const other = newMesh();
    const foreign = newService(other, 'foreign');
    const mesh = newMesh();
    const api = newService(mesh, 'api');
    new AccessPolicy(mesh, 'a', { service: foreign });
    new AccessPolicy(mesh, 'b', { service: api, allow: [{ from: foreign }] });
    expect(synthErrors(mesh)).toEqual([
      "[mesh/a] [MESH0205] service 'foreign' belongs to another mesh (mesh): protect a service of this mesh",
      "[mesh/b] [MESH0205] caller 'foreign' belongs to another mesh (mesh): import it into this mesh with MeshService.fromName()",
    ]);
  });
});

describe('plain JavaScript callers', () => {
  test('fails at once on a policy without a service: nothing can stand in for it', () => {
    expect(() => new AccessPolicy(newMesh(), 'a', {} as any)).toThrow('[MESH0006] mesh/a: service is missing: name the service whose workloads are protected');
  });

  test('fails on a rule without a caller', () => {
    const mesh = newMesh();
    const api = newService(mesh, 'api');
    const p = new AccessPolicy(mesh, 'b', { service: api, allow: [{} as any] });
    expect(p.rules).toEqual([]);
    expect(synthErrors(mesh)).toEqual(['[mesh/b] [MESH0006] caller is missing: name the service allowed to call, e.g. { from: frontend }']);
  });
});

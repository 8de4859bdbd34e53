import { Testing } from 'cdk8s';
import {
  AccessPolicy, IngressGateway, Mesh, MeshDiagram, MeshService, MeshTesting, Mirror, Protocol, RoutingApi, StringMatch, TrafficSplit, TrafficTarget,
} from '../../src';
import { synthChecked } from '../gateway-api/gateway-api-schemas';
import { validateManifests } from '../support/schemas';
import { newMesh, newService, ofKind, openMesh, synthErrors } from '../support/util';

const v1 = () => [TrafficTarget.version('v1')];

describe('Mirror', () => {
  describe("Istio's API", () => {
    test('one mirror to another service: mirror and mirrorPercentage, with the service\'s HTTP port', () => {
      // GIVEN
      const mesh = openMesh();
      const reviews = newService(mesh, 'reviews', ['v1']);
      const shadow = newService(mesh, 'reviews-next', ['v1'], { namespace: 'shadow' });

      // WHEN
      new TrafficSplit(mesh, 'split', { service: reviews, routes: [{ targets: v1(), mirrors: [Mirror.to(shadow, { percentage: 12.5 })] }] });
      const manifests = MeshTesting.synth(mesh);

      // THEN
      expect(MeshTesting.find(manifests, 'VirtualService', 'reviews').spec.http).toEqual([{
        route: [{ destination: { host: 'reviews.default.svc.cluster.local', subset: 'v1' } }],
        mirror: { host: 'reviews-next.shadow.svc.cluster.local', port: { number: 8080 } },
        mirrorPercentage: { value: 12.5 },
      }]);
      expect(validateManifests(manifests)).toEqual([]);
    });

    test('several mirrors: the mirrors list (never beside mirror), each with its destination and percentage', () => {
      // GIVEN
      const mesh = openMesh();
      const reviews = newService(mesh, 'reviews', ['v1', 'v2', 'v3']);
      const audit = newService(mesh, 'audit', ['v1', 'v2']);
      const recorder = new MeshService(mesh, 'recorder', { ports: [{ port: 7000, protocol: Protocol.TCP }, { port: 9090, protocol: Protocol.HTTP2 }] });
      recorder.addVersion('v1', { image: 'example/recorder:v1' });

      // WHEN
      const split = new TrafficSplit(mesh, 'split', {
        service: reviews,
        routes: [{
          targets: v1(),
          mirror: { version: 'v3', percentage: 5 },
          mirrors: [Mirror.to(audit, { version: 'v2', percentage: 50 }), Mirror.to(recorder), Mirror.to(reviews, { version: 'v2', percentage: 0.5 })],
        }],
      });
      const manifests = MeshTesting.synth(mesh);

      // THEN
      const route = MeshTesting.find(manifests, 'VirtualService', 'reviews').spec.http[0];
      expect(route.mirror).toBeUndefined();
      expect(route.mirrorPercentage).toBeUndefined();
      expect(route.mirrors).toEqual([
        { destination: { host: 'reviews.default.svc.cluster.local', subset: 'v3' }, percentage: { value: 5 } },
        { destination: { host: 'audit.default.svc.cluster.local', subset: 'v2', port: { number: 8080 } }, percentage: { value: 50 } },
        // the only HTTP port of a service with a TCP port too
        { destination: { host: 'recorder.default.svc.cluster.local', port: { number: 9090 } }, percentage: { value: 100 } },
        { destination: { host: 'reviews.default.svc.cluster.local', subset: 'v2' }, percentage: { value: 0.5 } },
      ]);
      // the split's service gets subsets for the versions it mirrors to, the other service for every version it declares
      // (the mirrored v2 among them)
      expect(split.versionsUsed).toEqual(['v1', 'v2', 'v3']);
      expect(MeshTesting.find(manifests, 'DestinationRule', 'reviews').spec.subsets.map((s: any) => s.name)).toEqual(['v1', 'v2', 'v3']);
      expect(MeshTesting.find(manifests, 'DestinationRule', 'audit').spec.subsets).toEqual([{ name: 'v1', labels: { version: 'v1' } }, { name: 'v2', labels: { version: 'v2' } }]);
      expect(validateManifests(manifests)).toEqual([]);
    });

    test('a gateway route through a split mirrors to another service on that service\'s port', () => {
      // GIVEN
      const mesh = openMesh();
      const web = newService(mesh, 'web', ['v1']);
      const audit = new MeshService(mesh, 'audit', { ports: [{ port: 9000, protocol: Protocol.HTTP }] });
      audit.addVersion('v1', { image: 'example/audit:v1' });
      new TrafficSplit(mesh, 'split', { service: web, routes: [{ targets: v1(), mirrors: [Mirror.to(audit), Mirror.to(web, { version: 'v2' })] }] });
      web.addVersion('v2', { image: 'example/web:v2' });

      // WHEN
      const gateway = new IngressGateway(mesh, 'ingress');
      gateway.addRoute({ service: web, paths: [StringMatch.prefix('/')] });
      const manifests = MeshTesting.synth(mesh);

      // THEN
      const vs = ofKind(manifests, 'VirtualService').find(v => v.spec.gateways);
      expect(vs.spec.http[0].mirrors).toEqual([
        { destination: { host: 'audit.default.svc.cluster.local', port: { number: 9000 } }, percentage: { value: 100 } },
        { destination: { host: 'web.default.svc.cluster.local', subset: 'v2', port: { number: 8080 } }, percentage: { value: 100 } },
      ]);
    });
  });

  describe('the Gateway API', () => {
    test('a RequestMirror filter per mirror, a Service per version mirrored to, and a ReferenceGrant for another namespace', () => {
      // GIVEN
      const mesh = newMesh({ denyByDefault: false, routingApi: RoutingApi.GATEWAY_API });
      const reviews = newService(mesh, 'reviews', ['v1', 'v2']);
      const audit = newService(mesh, 'audit', ['v1', 'v2'], { namespace: 'audit' });

      // WHEN
      new TrafficSplit(mesh, 'split', {
        service: reviews,
        routes: [{ targets: v1(), mirrors: [Mirror.to(audit, { version: 'v2', percentage: 25 }), Mirror.to(reviews, { version: 'v2', percentage: 0.5 })] }],
      });
      const objects = synthChecked(mesh.charts);

      // THEN
      const route = objects.find(o => o.kind === 'HTTPRoute' && o.metadata.name === 'reviews');
      expect(route.spec.rules[0].filters).toEqual([
        { type: 'RequestMirror', requestMirror: { backendRef: { group: '', kind: 'Service', name: 'audit-v2', namespace: 'audit', port: 8080 }, percent: 25 } },
        { type: 'RequestMirror', requestMirror: { backendRef: { group: '', kind: 'Service', name: 'reviews-v2', port: 8080 }, fraction: { numerator: 5000, denominator: 1_000_000 } } },
      ]);
      expect(objects.filter(o => o.kind === 'Service').map(o => `${o.metadata.namespace}/${o.metadata.name}`)).toEqual(expect.arrayContaining(['audit/audit-v2', 'default/reviews-v2']));
      expect(ofKind(objects, 'ReferenceGrant').map(g => ({ namespace: g.metadata.namespace, from: g.spec.from }))).toEqual([
        { namespace: 'audit', from: [{ group: 'gateway.networking.k8s.io', kind: 'HTTPRoute', namespace: 'default' }] },
      ]);
      expect(synthErrors(mesh)).toEqual([]);
    });
  });

  describe('access: the mirroring sidecar sends the copies with its caller\'s identity', () => {
    function mirrored(auditPolicy: boolean) {
      const mesh = newMesh();
      const frontend = newService(mesh, 'frontend');
      const reviews = newService(mesh, 'reviews');
      const audit = newService(mesh, 'audit', ['v1'], { namespace: 'audit' });
      const ops = newService(mesh, 'ops');
      new AccessPolicy(mesh, 'reviews-access', { service: reviews, allow: [{ from: frontend, paths: ['/api/*'] }] });
      if (auditPolicy) {
        new AccessPolicy(mesh, 'audit-access', { service: audit, allow: [{ from: ops }] });
      }
      new TrafficSplit(mesh, 'split', { service: reviews, routes: [{ targets: v1(), mirrors: [Mirror.to(audit)] }] });
      return { mesh, frontend, reviews, audit, ops };
    }

    test('the target\'s AccessPolicy admits the callers of the mirrored service: AuthorizationPolicy and NetworkPolicy', () => {
      // GIVEN a deny-by-default mesh where only frontend may call reviews, which mirrors to audit (which ops may call)
      const { mesh, frontend, audit, ops } = mirrored(true);

      // WHEN
      const manifests = MeshTesting.synth(mesh);

      // THEN audit admits ops and frontend (on every path: the copy's path is the route's business)
      const policy = MeshTesting.find(manifests, 'AuthorizationPolicy', 'audit', 'audit');
      expect(policy.spec.rules).toEqual([
        { from: [{ source: { principals: ['cluster.local/ns/default/sa/ops'] } }] },
        { from: [{ source: { principals: ['cluster.local/ns/default/sa/frontend'] } }] },
      ]);
      const netpol = ofKind(manifests, 'NetworkPolicy').find(n => n.metadata.namespace === 'audit' && n.spec.podSelector.matchLabels?.app === 'audit');
      const peers = netpol.spec.ingress.flatMap((r: any) => r.from ?? []).map((p: any) => p.podSelector?.matchLabels?.app);
      expect(peers).toEqual(['ops', 'frontend']);
      // and the caller may reach the target's pods
      const egress = ofKind(manifests, 'NetworkPolicy').find(n => n.metadata.name === 'frontend').spec.egress;
      expect(egress.flatMap((r: any) => r.to ?? []).map((p: any) => p.podSelector?.matchLabels?.app)).toEqual(expect.arrayContaining(['reviews', 'audit']));
      expect(MeshTesting.canCall(mesh, frontend, audit, {}, manifests)).toBe(true);
      expect(MeshTesting.canCall(mesh, ops, audit, {}, manifests)).toBe(true);
      expect(synthErrors(mesh)).toEqual([]);
    });

    test('a target without an AccessPolicy under deny-by-default gets one admitting the callers', () => {
      // GIVEN
      const { mesh, frontend, audit, ops } = mirrored(false);

      // WHEN
      const manifests = MeshTesting.synth(mesh);

      // THEN
      expect(MeshTesting.find(manifests, 'AuthorizationPolicy', 'audit', 'audit').spec).toEqual({
        selector: { matchLabels: { app: 'audit' } },
        action: 'ALLOW',
        rules: [{ from: [{ source: { principals: ['cluster.local/ns/default/sa/frontend'] } }] }],
      });
      expect(MeshTesting.canCall(mesh, frontend, audit, {}, manifests)).toBe(true);
      expect(MeshTesting.canCall(mesh, ops, audit, {}, manifests)).toBe(false);
      // synthesized twice, the policy is made once
      expect(ofKind(MeshTesting.synth(mesh), 'AuthorizationPolicy').filter(p => p.metadata.name === 'audit')).toHaveLength(1);
    });

    test('warns when the mirrored service admits everyone but the target names its callers', () => {
      // GIVEN
      const mesh = newMesh({ denyByDefault: false });
      const reviews = newService(mesh, 'reviews');
      const audit = newService(mesh, 'audit');
      new AccessPolicy(mesh, 'audit-access', { service: audit, allow: [{ from: reviews }] });

      // WHEN
      new TrafficSplit(mesh, 'split', { service: reviews, routes: [{ targets: v1(), mirrors: [Mirror.to(audit)] }] });

      // THEN
      expect(mesh.analyze().filter(f => f.code === 'MESH0840').map(f => `[${f.path}] ${f.message}`)).toEqual([
        "[mesh/split] route 1 mirrors to service 'audit', which admits only the callers its AccessPolicy names, but service 'reviews' has no AccessPolicy and admits every caller, "
        + "so copies from callers 'audit' does not name are refused: give 'reviews' an AccessPolicy naming its callers, or allow them on 'audit'",
      ]);
    });
  });

  test('the diagram draws a dotted edge to each mirror', () => {
    // GIVEN
    const mesh = openMesh();
    const reviews = newService(mesh, 'reviews', ['v1', 'v2']);
    const audit = newService(mesh, 'audit');

    // WHEN
    new TrafficSplit(mesh, 'split', { service: reviews, routes: [{ name: 'all', targets: v1(), mirrors: [Mirror.to(audit, { percentage: 10 }), Mirror.to(reviews, { version: 'v2' })] }] });
    const text = MeshDiagram.mermaid(mesh);

    // THEN
    expect(text).toContain('-.->|"all: mirror 10%"|');
    expect(text).toContain('-.->|"all: mirror 100%"|');
  });

  describe('validation', () => {
    test.each([
      ['percentage', () => Mirror.to(newService(openMesh(), 's'), { percentage: 101 }), '[MESH0002] Mirror.to: percentage 101 is not a percentage: use a number from 0 to 100'],
      ['service', () => Mirror.to({} as any), '[MESH0009] Mirror.to: service is not a service of a mesh: name a MeshService, or one imported with MeshService.fromName()'],
      ['version', () => Mirror.to(newService(openMesh(), 's'), { version: 'V2' }),
        "[MESH0001] Mirror.to: version 'V2' is not a valid DNS label: use at most 63 lowercase letters, digits and '-', starting and ending with a letter or digit"],
    ])('Mirror.to fails on its %s', (_what, make, message) => {
      expect(make).toThrow(message);
    });

    test.each([
      ['the routed service without a version', (s: Services) => [Mirror.to(s.reviews)], 'MESH0831',
        "route 1 mirror 1 mirrors to service 'reviews' itself, whose versions already receive the route's traffic: name the version that receives the copies, e.g. Mirror.to(reviews, { version: 'v2' })"],
      ['a version the route sends its traffic to', (s: Services) => [Mirror.to(s.reviews, { version: 'v1' })], 'MESH0105',
        "route 1 mirrors to version 'v1', which already receives its traffic: mirror to another version"],
      ['one destination twice', (s: Services) => [Mirror.to(s.audit), Mirror.to(s.audit, { percentage: 5 })], 'MESH0832',
        "route 1 mirror 2 mirrors to service 'audit' again: mirror to each destination once, with the share of requests it takes"],
      ['a port the service does not have', (s: Services) => [Mirror.to(s.audit, { port: 9000 })], 'MESH0833',
        "route 1 mirror 1 sends its copies to port 9000, which service 'audit' does not have (ports: 8080): give one of its HTTP ports"],
      ['a port that is not HTTP', (s: Services) => [Mirror.to(s.multi, { port: 5432 })], 'MESH0833',
        "route 1 mirror 1 sends its copies to port 5432 (tcp) of service 'multi', which is not an HTTP, HTTP2 or GRPC port: give one of its HTTP ports"],
      ['a service without an HTTP port', (s: Services) => [Mirror.to(s.db)], 'MESH0834',
        "route 1 mirror 1 mirrors to service 'db', which has no HTTP, HTTP2 or GRPC port (ports: tcp): mirror to a service that serves HTTP"],
      ['an imported service\'s version', (s: Services) => [Mirror.to(s.imported, { version: 'v2' })], 'MESH0101',
        "route 1: subset 'v2' is not a version of service 'legacy' (versions: v1): add it with addVersion('v2', ...) or route to an existing version"],
      ['a service with several HTTP ports', (s: Services) => [Mirror.to(s.multi)], 'MESH0835',
        "route 1 mirror 1 mirrors to service 'multi', which has several HTTP ports (8080, 9090): give the port, e.g. Mirror.to(multi, { port: 8080 })"],
      ['a service of another mesh', (s: Services) => [Mirror.to(s.foreign)], 'MESH0108',
        "route 1 mirror 1 mirrors to service 'foreign' of another mesh (mesh): mirror to a service of this mesh, or import it with MeshService.fromName()"],
      ['a plain object', () => [{ service: 'audit' }], 'MESH0096', 'route 1 mirror 1 is not a Mirror: make it with Mirror.to(service)'],
    ])('fails on a mirror to %s', (_what, mirrors: (s: Services) => any[], code, message) => {
      // GIVEN
      const s = services();

      // WHEN
      new TrafficSplit(s.mesh, 'split', { service: s.reviews, routes: [{ targets: v1(), mirrors: mirrors(s) }] });

      // THEN
      expect(synthErrors(s.mesh)).toEqual([`[mesh/split] [${code}] ${message}`]);
    });

    test('fails on a mirror to a version the other service does not have', () => {
      // GIVEN
      const s = services();

      // WHEN
      new TrafficSplit(s.mesh, 'split', { service: s.reviews, routes: [{ targets: v1(), mirrors: [Mirror.to(s.audit, { version: 'v9' })] }] });

      // THEN
      expect(synthErrors(s.mesh)).toEqual([
        "[mesh/split] [MESH0101] route 1: subset 'v9' is not a version of service 'audit' (versions: v1): add it with addVersion('v9', ...) or route to an existing version",
      ]);
    });
  });
});

interface Services {
  readonly mesh: Mesh;
  readonly reviews: MeshService;
  readonly audit: MeshService;
  readonly db: MeshService;
  readonly multi: MeshService;
  readonly imported: any;
  readonly foreign: MeshService;
}

function services(): Services {
  const mesh = openMesh();
  const reviews = newService(mesh, 'reviews', ['v1', 'v2']);
  const audit = newService(mesh, 'audit');
  const db = new MeshService(mesh, 'db', { ports: [{ port: 5432, protocol: Protocol.TCP }] });
  db.addVersion('v1', { image: 'example/db:v1' });
  const multi = new MeshService(mesh, 'multi', { ports: [{ port: 8080, protocol: Protocol.HTTP }, { port: 9090, protocol: Protocol.HTTP }, { port: 5432, protocol: Protocol.TCP }] });
  multi.addVersion('v1', { image: 'example/multi:v1' });
  const imported = MeshService.fromName(mesh, 'legacy', 'legacy', { versions: ['v1'] });
  const foreign = newService(new Mesh(Testing.app(), 'mesh', { denyByDefault: false }), 'foreign');
  return { mesh, reviews, audit, db, multi, imported, foreign };
}

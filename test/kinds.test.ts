import { Duration, Testing } from 'cdk8s';
import { Construct } from 'constructs';
import {
  AccessPolicy, ControlPlane, DenyByDefault, EgressGateway, EgressScope, ExternalService, ExternalTrafficSplit, IngressGateway, Mesh, MeshGateway,
  MeshService, MtlsMode, MtlsPolicy, PolicyScope, Protocol, RateLimit, RevokedIdentities, ServiceTrafficPolicy, TelemetryPolicy, TelemetryStack,
  Timeout, TrafficSplit, TrafficTarget, JwtAuthentication, ExternalAuthorizer, MtlsMigration, PlaintextClient,
} from '../src';
import { newService } from './support/util';

describe('construct kinds', () => {
  // GIVEN one construct of each kind
  const mesh = new Mesh(Testing.app(), 'mesh');
  const web = newService(mesh, 'web', ['v1']);
  const api = newService(mesh, 'api', ['v1']);
  mesh.revokeIdentity(api);
  const external = new ExternalService(mesh, 'ext', { hosts: ['api.example.com'], ports: [{ port: 443, protocol: Protocol.TLS }] });
  const constructs: { [kind: string]: Construct } = {
    Mesh: mesh,
    MeshService: web,
    TrafficSplit: new TrafficSplit(mesh, 'split', { service: web, routes: [{ targets: [TrafficTarget.version('v1')] }] }),
    ControlPlane: mesh.controlPlane,
    IngressGateway: new IngressGateway(mesh, 'in'),
    EgressGateway: new EgressGateway(mesh, 'out'),
    ExternalService: external,
    ExternalTrafficSplit: new ExternalTrafficSplit(mesh, 'ext-routes', { externalService: external }),
    EgressScope: new EgressScope(mesh, 'scope', { service: web }),
    RateLimit: new RateLimit(mesh, 'limit', { service: web, requests: 10 }),
    MtlsPolicy: new MtlsPolicy(mesh, 'mtls', { mode: MtlsMode.PERMISSIVE, scope: PolicyScope.workload(web) }),
    MtlsMigration: new MtlsMigration(mesh, 'migration'),
    PlaintextClient: new PlaintextClient(mesh, 'legacy-client', { namespace: 'legacy', calls: [{ service: web }] }),
    AccessPolicy: new AccessPolicy(mesh, 'access', { service: web, allow: [{ from: api }] }),
    DenyByDefault: mesh.denyByDefault(),
    RevokedIdentities: mesh.node.findChild('RevokedIdentities'),
    TelemetryStack: new TelemetryStack(mesh, 'telemetry'),
    TelemetryPolicy: new TelemetryPolicy(mesh, 'tp', { scope: PolicyScope.workload(web), accessLogging: {} }),
    ServiceTrafficPolicy: new ServiceTrafficPolicy(mesh, 'stp', { service: api, timeout: Timeout.of(Duration.seconds(1)) }),
    JwtAuthentication: new JwtAuthentication(mesh, 'jwt', { service: web, rules: [{ issuer: 'https://issuer.example' }] }),
    ExternalAuthorizer: new ExternalAuthorizer(mesh, 'authz', { host: 'authz.example.com', port: 9000 }),
  };
  const checks: { [kind: string]: (x: any) => boolean } = {
    Mesh: Mesh.isMesh,
    MeshService: MeshService.isMeshService,
    TrafficSplit: TrafficSplit.isTrafficSplit,
    ControlPlane: ControlPlane.isControlPlane,
    IngressGateway: IngressGateway.isIngressGateway,
    EgressGateway: EgressGateway.isEgressGateway,
    ExternalService: ExternalService.isExternalService,
    ExternalTrafficSplit: ExternalTrafficSplit.isExternalTrafficSplit,
    EgressScope: EgressScope.isEgressScope,
    RateLimit: RateLimit.isRateLimit,
    MtlsPolicy: MtlsPolicy.isMtlsPolicy,
    MtlsMigration: MtlsMigration.isMtlsMigration,
    PlaintextClient: PlaintextClient.isPlaintextClient,
    AccessPolicy: AccessPolicy.isAccessPolicy,
    DenyByDefault: DenyByDefault.isDenyByDefault,
    RevokedIdentities: RevokedIdentities.isRevokedIdentities,
    TelemetryStack: TelemetryStack.isTelemetryStack,
    TelemetryPolicy: TelemetryPolicy.isTelemetryPolicy,
    ServiceTrafficPolicy: ServiceTrafficPolicy.isServiceTrafficPolicy,
    JwtAuthentication: JwtAuthentication.isJwtAuthentication,
    ExternalAuthorizer: ExternalAuthorizer.isExternalAuthorizer,
  };

  test.each(Object.keys(checks))('is%s tells its kind from every other kind, and from plain values', kind => {
    for (const [other, construct] of Object.entries(constructs)) {
      expect([other, checks[kind](construct)]).toEqual([other, other === kind]);
    }
    expect([undefined, null, 1, 'x', {}, new Construct(Testing.app(), 'plain')].map(checks[kind])).toEqual([false, false, false, false, false, false]);
  });

  test('both gateways are MeshGateways', () => {
    expect([constructs.IngressGateway, constructs.EgressGateway, web].map(MeshGateway.isMeshGateway)).toEqual([true, true, false]);
  });

  test('a kind is a symbol, so a construct made by another copy of the library is told apart too', () => {
    const foreign = Object.defineProperty({}, Symbol.for('cdk8s-mesh.TrafficSplit'), { value: true });
    expect(TrafficSplit.isTrafficSplit(foreign)).toBe(true);
  });

  test('constructs in a layer chart find their mesh', () => {
    expect(Mesh.ofConstruct(mesh.controlPlane)).toBe(mesh);
    expect(Mesh.ofConstruct(mesh._layer('namespaces' as any))).toBe(mesh);
  });
});

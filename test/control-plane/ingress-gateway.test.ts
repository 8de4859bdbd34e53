import { Testing } from 'cdk8s';
import { AccessPolicy, GatewayProtocol, GatewayServiceType, IngressGateway, MeshTesting, Protocol, ProxyLogLevel, StringMatch } from '../../src';
import { validateManifests } from '../support/schemas';
import { newMesh, newService } from '../support/util';

describe('IngressGateway', () => {
  test('defaults: an Envoy deployment from the proxy model, a load balancer, the Gateway, routes and an open door', () => {
    // GIVEN
    const mesh = newMesh();
    const web = newService(mesh, 'web');
    const gw = new IngressGateway(mesh, 'ingress');
    gw.addRoute({ service: web });
    // WHEN
    const manifests = MeshTesting.synth(mesh);
    const find = (kind: string) => MeshTesting.find(manifests, kind, 'ingress', 'istio-ingress');
    // THEN
    const deployment = find('Deployment');
    const [proxy] = deployment.spec.template.spec.containers;
    expect(proxy.name).toEqual('istio-proxy');
    expect(proxy.image).toEqual('docker.io/istio/proxyv2:1.30.3');
    expect(proxy.args.slice(0, 2)).toEqual(['proxy', 'router']);
    expect(proxy.ports.map((p: any) => [p.name, p.containerPort])).toEqual([['http-80', 8080], ['status-port', 15021], ['http-envoy-prom', 15090]]);
    expect(proxy.securityContext).toMatchObject({ runAsNonRoot: true, runAsUser: 1337, readOnlyRootFilesystem: true });
    expect(deployment.spec.template.metadata.labels).toMatchObject({ 'app': 'ingress', 'istio': 'ingressgateway', 'sidecar.istio.io/inject': 'false' });
    expect(find('Service').spec).toEqual({
      type: 'LoadBalancer',
      selector: { app: 'ingress', istio: 'ingressgateway' },
      ports: [
        { name: 'status-port', port: 15021, protocol: 'TCP', targetPort: 15021 },
        { name: 'http-80', port: 80, protocol: 'TCP', targetPort: 8080 },
      ],
    });
    expect(find('Gateway').spec).toEqual({ selector: { app: 'ingress', istio: 'ingressgateway' }, servers: [{ port: { number: 80, name: 'http-80', protocol: 'HTTP' }, hosts: ['*'] }] });
    expect(find('VirtualService').spec).toEqual({
      hosts: ['*'],
      gateways: ['istio-ingress/ingress'],
      http: [{ name: 'web', route: [{ destination: { host: 'web.default.svc.cluster.local', port: { number: 8080 } } }] }],
    });
    expect(find('AuthorizationPolicy').spec).toEqual({ selector: { matchLabels: { app: 'ingress' } }, action: 'ALLOW', rules: [{}] });
    expect(MeshTesting.find(manifests, 'Namespace', 'istio-ingress').metadata.labels).toBeUndefined();
    expect(gw.principal).toEqual('cluster.local/ns/istio-ingress/sa/ingress');
    expect(validateManifests(manifests)).toEqual([]);
  });

  test('HTTPS with a certificate Secret, hosts, path routes, options; only the gateway may call the service', () => {
    // GIVEN
    const mesh = newMesh();
    const shop = newService(mesh, 'shop');
    const api = newService(mesh, 'api', ['v1'], { ports: [{ port: 8080, protocol: Protocol.HTTP }, { port: 9090, protocol: Protocol.GRPC }] });
    const gw = new IngressGateway(mesh, 'edge', {
      namespace: 'edge',
      name: 'public',
      replicas: 2,
      serviceType: GatewayServiceType.NODE_PORT,
      proxy: { logLevel: ProxyLogLevel.INFO },
      listeners: [
        { port: 443, protocol: GatewayProtocol.HTTPS, hosts: ['shop.example.com', 'api.example.com'], credentialName: 'shop-tls' },
        { port: 80, hosts: ['shop.example.com'] },
      ],
    });
    gw.addRoute({ service: api, hosts: ['api.example.com'], port: 9090 });
    gw.addRoute({ service: shop, hosts: ['shop.example.com'], paths: [StringMatch.prefix('/')] });
    new AccessPolicy(mesh, 'shop-access', { service: shop, allow: [{ from: gw }] });
    // WHEN
    const manifests = MeshTesting.synth(mesh);
    // THEN
    const servers = MeshTesting.find(manifests, 'Gateway', 'public', 'edge').spec.servers;
    expect(servers[0]).toEqual({
      port: { number: 443, name: 'https-443', protocol: 'HTTPS' },
      hosts: ['shop.example.com', 'api.example.com'],
      tls: { mode: 'SIMPLE', credentialName: 'shop-tls' },
    });
    expect(MeshTesting.find(manifests, 'VirtualService', 'public', 'edge').spec).toMatchObject({
      hosts: ['api.example.com'],
      http: [{ route: [{ destination: { host: 'api.default.svc.cluster.local', port: { number: 9090 } } }] }],
    });
    expect(MeshTesting.find(manifests, 'VirtualService', 'public-1', 'edge').spec.http[0].match).toEqual([{ uri: { prefix: '/' } }]);
    expect(MeshTesting.find(manifests, 'Deployment', 'public', 'edge').spec.replicas).toEqual(2);
    expect(MeshTesting.find(manifests, 'Deployment', 'public', 'edge').spec.template.spec.containers[0].args).toContain('--proxyLogLevel=info');
    expect(MeshTesting.find(manifests, 'Service', 'public', 'edge').spec.type).toEqual('NodePort');
    expect(MeshTesting.allowedCallers(mesh, shop, manifests)).toEqual(['cluster.local/ns/edge/sa/public']);
    expect(gw.routedServices).toEqual([api, shop]);
    expect(validateManifests(manifests)).toEqual([]);
  });

  test('fails on a gateway host that no route serves', () => {
    const mesh = newMesh();
    const web = newService(mesh, 'web');
    const gw = new IngressGateway(mesh, 'edge', { listeners: [{ port: 80, hosts: ['a.example.com', 'b.example.com'] }] });
    gw.addRoute({ service: web, hosts: ['a.example.com'] });
    expect(() => MeshTesting.synth(mesh)).toThrow("[MESH0127] mesh/edge: gateway host 'b.example.com' has no route: add one with addRoute(), or drop the host from the listeners");
    expect(gw.unroutedHosts).toEqual(['b.example.com']);
  });

  test.each([
    ['deny-by-default, and it has no AccessPolicy', (mesh: any, _svc: any, _gw: any) => mesh.denyByDefault()],
    ['its AccessPolicy does not allow it', (mesh: any, svc: any, _gw: any) => new AccessPolicy(mesh, 'web-access', { service: svc, allow: [{ from: newService(mesh, 'other') }] })],
  ])('fails on a route to a service that refuses the gateway: %s', (reason, setup) => {
    const mesh = newMesh();
    const web = newService(mesh, 'web');
    const gw = new IngressGateway(mesh, 'edge');
    gw.addRoute({ service: web });
    setup(mesh, web, gw);
    expect(mesh.analyze().filter(f => f.code === 'MESH0304').map(f => f.message)).toEqual([
      `routes to service 'web', which refuses the gateway's calls (${reason}): allow the gateway, e.g. new AccessPolicy(..., { service, allow: [{ from: gateway }] })`,
    ]);
    expect(() => MeshTesting.synth(mesh)).toThrow('[MESH0304] mesh/edge: routes to service \'web\'');
  });

  test('fails on a route to a service of another mesh', () => {
    const gw = new IngressGateway(newMesh(), 'edge');
    const other = newService(newMesh(), 'web');
    expect(() => gw.addRoute({ service: other })).toThrow("[MESH0124] mesh/edge: service 'web' belongs to another mesh (mesh): route to a service of this mesh");
  });

  test('a route to a service that allows the gateway is fine under deny-by-default', () => {
    const mesh = newMesh();
    const web = newService(mesh, 'web');
    const gw = new IngressGateway(mesh, 'edge');
    gw.addRoute({ service: web });
    mesh.denyByDefault();
    new AccessPolicy(mesh, 'web-access', { service: web, allow: [{ from: gw }] });
    expect(mesh.analyze()).toEqual([]);
  });

  test.each<[string, (gw: IngressGateway, svc: any) => void, string]>([
    ['a route host the gateway does not serve', (gw, svc) => gw.addRoute({ service: svc, hosts: ['shop.example.org'] }),
      "[MESH0125] mesh/gw: route host 'shop.example.org' is not served by the gateway (hosts: *.example.com): add it to a listener's hosts or route another host"],
    ['a TCP port', (gw, svc) => gw.addRoute({ service: svc, port: 5432 }),
      "[MESH0126] mesh/gw: port 5432 of service 'svc' is tcp: gateway routes need an HTTP port"],
    ['a service with two HTTP ports and no port chosen', (gw, _svc) => gw.addRoute({ service: newService(gw.mesh, 'two', ['v1'], { ports: [{ port: 80 }, { port: 81 }] }) }),
      "[MESH0126] mesh/gw: service 'two' has 2 HTTP ports (80, 81): choose one with port"],
  ])('fails on %s', (_name, act, message) => {
    const mesh = newMesh();
    const svc = newService(mesh, 'svc', ['v1'], { ports: [{ port: 8080 }, { port: 5432, protocol: Protocol.TCP }] });
    const gw = new IngressGateway(mesh, 'gw', { listeners: [{ port: 80, hosts: ['*.example.com'] }] });
    expect(() => act(gw, svc)).toThrow(message);
  });

  test.each([
    [{ listeners: [] }, '[MESH0122] mesh/gw: listeners is empty: a gateway needs at least one, e.g. { port: 80 }'],
    [{ listeners: [{ port: 443, protocol: GatewayProtocol.HTTPS }] }, '[MESH0123] mesh/gw: HTTPS listener 443 has no credentialName: name the Secret with its certificate and key (tls.crt, tls.key)'],
    [{ listeners: [{ port: 80, credentialName: 'x' }] }, '[MESH0123] mesh/gw: HTTP listener 80 has a credentialName, which only HTTPS listeners use: drop it or make the listener HTTPS'],
    [{ listeners: [{ port: 80 }, { port: 80 }] }, '[MESH0122] mesh/gw: two listeners have port 80: give each listener its own port'],
    [{ listeners: [{ port: 80, hosts: ['http://x'] }] }, "[MESH0122] mesh/gw: listener 80 host 'http://x' is not a host name: use 'example.com', '*.example.com' or '*'"],
    [{ replicas: -1 }, '[MESH0121] mesh/gw: replicas -1 is invalid: use a whole number of at least 0'],
    [{ revision: 'canary' }, "[MESH0036] mesh: no control plane has revision 'canary'"],
  ])('fails on bad props %j', (props, message) => {
    expect(() => new IngressGateway(newMesh(), 'gw', props)).toThrow(message);
  });
});

test('the gateway chart output is stable', () => {
  const mesh = newMesh();
  const gw = new IngressGateway(mesh, 'ingress');
  gw.addRoute({ service: newService(mesh, 'web') });
  expect(Testing.synth(mesh).filter(o => o.metadata.namespace === 'istio-ingress')).toMatchSnapshot();
});

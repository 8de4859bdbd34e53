import { AccessPolicy, EgressGateway, ExternalService, GatewayServiceType, IngressGateway, MeshTesting, NetworkPeer, Protocol } from '../../src';
import { validateManifests } from '../support/schemas';
import { newMesh, newService, ofKind, openMesh, synthErrors } from '../support/util';

/** What a mesh deploys for a gateway of its own, and an existing one must not get. */
const WORKLOAD_KINDS = ['Deployment', 'Service', 'ServiceAccount', 'NetworkPolicy'];

describe('an ingress gateway that exists already', () => {
  test('writes its Gateway, selecting the installed pods, and routes, but no workload of its own (in a mesh that installs Istio)', () => {
    // GIVEN a mesh that denies by default, and istioctl's ingress gateway
    const mesh = newMesh();
    const web = newService(mesh, 'web', ['v1'], { namespace: 'shop' });
    const gateway = new IngressGateway(mesh, 'edge', { existing: { selector: { istio: 'ingressgateway' } } });
    gateway.addRoute({ service: web });
    new AccessPolicy(mesh, 'web-access', { service: web, allow: [{ from: gateway }] });
    // WHEN synthesized
    const manifests = MeshTesting.synth(mesh);
    // THEN the Gateway selects the installed pods, in the installation's namespace
    expect(MeshTesting.find(manifests, 'Gateway', 'edge', 'istio-system').spec.selector).toEqual({ istio: 'ingressgateway' });
    expect(MeshTesting.find(manifests, 'VirtualService', 'edge', 'istio-system').spec.gateways).toEqual(['istio-system/edge']);
    // AND nothing of the gateway's workload is written
    for (const kind of WORKLOAD_KINDS) {
      expect(ofKind(manifests, kind).filter(m => m.metadata.namespace === 'istio-system' && m.metadata.name !== 'istio-reader-service-account'
        && !/^istio(d|-cni)/.test(m.metadata.name))).toEqual([]);
    }
    // AND the mesh denies by default everywhere, so the gateway is let through, selected by its labels
    expect(MeshTesting.find(manifests, 'AuthorizationPolicy', 'edge', 'istio-system').spec).toEqual({
      selector: { matchLabels: { istio: 'ingressgateway' } }, action: 'ALLOW', rules: [{}],
    });
    // AND it is described as installed: istioctl's Service and service account
    expect(gateway.existing).toEqual({ selector: { istio: 'ingressgateway' }, serviceName: 'istio-ingressgateway', serviceAccountName: 'istio-ingressgateway-service-account' });
    expect(gateway.serviceName).toEqual('istio-ingressgateway');
    expect(gateway.gatewayName).toEqual('edge');
    expect(gateway.host).toEqual('istio-ingressgateway.istio-system.svc.cluster.local');
    expect(gateway.principal).toEqual('cluster.local/ns/istio-system/sa/istio-ingressgateway-service-account');
    expect(MeshTesting.find(manifests, 'AuthorizationPolicy', 'web', 'shop').spec.rules[0].from[0].source.principals)
      .toEqual(['cluster.local/ns/istio-system/sa/istio-ingressgateway-service-account']);
    expect(synthErrors(mesh)).toEqual([]);
    expect(validateManifests(manifests)).toEqual([]);
  });

  test('lets the installed pods through the NetworkPolicies of the services it may call', () => {
    const mesh = newMesh();
    const web = newService(mesh, 'web', ['v1'], { namespace: 'shop' });
    const gateway = new IngressGateway(mesh, 'edge', { namespace: 'istio-ingress', existing: { selector: { app: 'istio-ingress', istio: 'ingress' }, serviceName: 'istio-ingress' } });
    gateway.addRoute({ service: web });
    new AccessPolicy(mesh, 'web-access', { service: web, allow: [{ from: gateway }] });
    const manifests = MeshTesting.synth(mesh);
    expect(MeshTesting.find(manifests, 'NetworkPolicy', 'web', 'shop').spec.ingress[0]).toEqual({
      from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'istio-ingress' } }, podSelector: { matchLabels: { app: 'istio-ingress', istio: 'ingress' } } }],
      ports: [{ port: 8080, protocol: 'TCP' }],
    });
    // The Helm gateway chart's service account is the release's name
    expect(gateway.principal).toEqual('cluster.local/ns/istio-ingress/sa/istio-ingress');
    // And its namespace is not the mesh's to write
    expect(ofKind(manifests, 'Namespace').map(n => n.metadata.name)).not.toContain('istio-ingress');
    expect(ofKind(manifests, 'NetworkPolicy').map(n => n.metadata.name)).toEqual(['web']);
  });

  test('in a mesh that adopts an existing Istio, writes no policy for the installed gateway in the root namespace', () => {
    // GIVEN the installed default revision and gateway
    const mesh = newMesh({ existingIstio: {} });
    const web = newService(mesh, 'web', ['v1'], { namespace: 'shop' });
    const gateway = new IngressGateway(mesh, 'edge', { existing: { selector: { istio: 'ingressgateway' } } });
    gateway.addRoute({ service: web });
    new AccessPolicy(mesh, 'web-access', { service: web, allow: [{ from: gateway }] });
    // WHEN synthesized
    const manifests = MeshTesting.synth(mesh);
    // THEN only the Gateway and its routes are in the root namespace: no AuthorizationPolicy, which would select installed pods
    expect(manifests.filter(m => m.metadata.namespace === 'istio-system').map(m => `${m.kind}/${m.metadata.name}`)).toEqual(['Gateway/edge', 'VirtualService/edge']);
    // AND the gateway may call web, by MeshTesting as by the policy
    expect(MeshTesting.canCall(mesh, gateway, web, {}, manifests)).toBe(true);
    expect(synthErrors(mesh)).toEqual([]);
    expect(validateManifests(manifests)).toEqual([]);
  });

  test.each([
    ['before', true],
    ['after', false],
  ])('is let through where the mesh denies by default in its namespace, the namespace added %s it', (_, gatewayFirst) => {
    const mesh = newMesh({ existingIstio: {} });
    const make = () => new IngressGateway(mesh, 'edge', { namespace: 'edge', existing: { selector: { app: 'edge' }, serviceName: 'edge' } });
    const gateway = gatewayFirst ? make() : undefined;
    // A service of the mesh in the gateway's namespace makes it a namespace of the mesh, denied by default
    const web = newService(mesh, 'web', ['v1'], { namespace: 'edge' });
    const edge = gateway ?? make();
    edge.addRoute({ service: web });
    new AccessPolicy(mesh, 'web-access', { service: web, allow: [{ from: edge }] });
    const manifests = MeshTesting.synth(mesh);
    expect(MeshTesting.find(manifests, 'AuthorizationPolicy', 'edge', 'edge').spec.selector).toEqual({ matchLabels: { app: 'edge' } });
    expect(MeshTesting.find(manifests, 'AuthorizationPolicy', 'allow-nothing', 'edge').spec).toEqual({});
  });

  test('is let through a mesh-wide deny-by-default added after it, in a mesh that installs Istio', () => {
    const mesh = openMesh();
    const web = newService(mesh, 'web');
    const gateway = new IngressGateway(mesh, 'edge', { existing: { selector: { istio: 'ingressgateway' } } });
    gateway.addRoute({ service: web });
    expect(gateway.node.tryFindChild('Access')).toBeUndefined();
    mesh.denyByDefault();
    new AccessPolicy(mesh, 'web-access', { service: web, allow: [{ from: gateway }] });
    expect(MeshTesting.find(MeshTesting.synth(mesh), 'AuthorizationPolicy', 'edge', 'istio-system').spec.selector).toEqual({ matchLabels: { istio: 'ingressgateway' } });
  });

  test('fails on every option that configures a workload the mesh does not deploy', () => {
    const mesh = openMesh({ networkPolicies: true });
    const gateway = new IngressGateway(mesh, 'edge', {
      existing: { selector: { istio: 'ingressgateway' } },
      replicas: 2,
      serviceType: GatewayServiceType.NODE_PORT,
      revision: 'canary',
      proxy: { logLevel: 'debug' } as any,
      allowAccessFrom: [NetworkPeer.cidr('203.0.113.0/24')],
    });
    gateway.addRoute({ service: newService(mesh, 'web') });
    expect(synthErrors(mesh)).toEqual([
      "[mesh/edge] [MESH0707] replicas, serviceType, revision, proxy, allowAccessFrom are set beside existing, but the gateway's workload is installed by other means, which configure it: "
      + 'set them where the gateway is installed, or leave existing out to have the mesh deploy the gateway',
    ]);
  });

  test.each([
    ['an empty selector', { selector: {} }, 'empty'],
    ['no selector', {}, 'missing'],
  ])('fails on %s', (_, existing, what) => {
    const mesh = openMesh();
    const gateway = new IngressGateway(mesh, 'edge', { existing: existing as any });
    gateway.addRoute({ service: newService(mesh, 'web') });
    expect(synthErrors(mesh)).toEqual([
      `[mesh/edge] [MESH0708] existing.selector is ${what}, so the Gateway would select no installed pods: give the labels of the installed gateway's pods, e.g. { istio: 'ingressgateway' }`,
    ]);
    // The installed gateway's usual labels stand in, so that nothing else is reported
    expect(gateway._gatewaySpec().selector).toEqual({ istio: 'ingressgateway' });
  });

  test('fails on invalid selector labels and names', () => {
    const mesh = openMesh();
    new IngressGateway(mesh, 'edge', { existing: { selector: { istio: 'not a label' }, serviceName: 'Edge' } }).addRoute({ service: newService(mesh, 'web') });
    expect(synthErrors(mesh)).toEqual([
      "[mesh/edge] [MESH0074] existing.selector 'istio' has value 'not a label', which is not a valid label value: use at most 63 letters, digits, '-', '_' and '.', starting and ending with a letter or digit",
      "[mesh/edge] [MESH0001] existing.serviceName 'Edge' is not a valid DNS label: use at most 63 lowercase letters, digits and '-', starting and ending with a letter or digit",
    ]);
  });
});

describe('an egress gateway that exists already', () => {
  test('routes external services through the installed pods, which the workloads may reach', () => {
    // GIVEN istioctl's egress gateway, in a mesh that adopts the installation
    const mesh = newMesh({ existingIstio: {} });
    const web = newService(mesh, 'web', ['v1'], { namespace: 'shop' });
    new AccessPolicy(mesh, 'web-access', { service: web, allow: [] });
    const egress = new EgressGateway(mesh, 'egress', { existing: { selector: { istio: 'egressgateway' } } });
    new ExternalService(mesh, 'payments', { hosts: ['api.payments.example'], egressGateway: egress });
    // WHEN synthesized
    const manifests = MeshTesting.synth(mesh);
    // THEN the Gateway selects the installed pods, and the route's first hop goes to the installed Service
    expect(MeshTesting.find(manifests, 'Gateway', 'egress', 'istio-system').spec).toEqual({
      selector: { istio: 'egressgateway' },
      servers: [{ port: { number: 443, name: 'tls-443', protocol: 'TLS' }, hosts: ['api.payments.example'], tls: { mode: 'PASSTHROUGH' } }],
    });
    expect(MeshTesting.find(manifests, 'VirtualService', 'payments-egress').spec.tls[0].route[0].destination.host).toEqual('istio-egressgateway.istio-system.svc.cluster.local');
    // AND the workloads may connect to the installed pods
    expect(MeshTesting.find(manifests, 'NetworkPolicy', 'web', 'shop').spec.egress).toContainEqual({
      to: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'istio-system' } }, podSelector: { matchLabels: { istio: 'egressgateway' } } }],
      ports: [{ port: 8443, protocol: 'TCP' }],
    });
    // AND nothing of a workload, nor a policy, for the installed gateway
    expect(manifests.filter(m => m.metadata.namespace === 'istio-system').map(m => `${m.kind}/${m.metadata.name}`)).toEqual(['Gateway/egress']);
    expect(egress.principal).toEqual('cluster.local/ns/istio-system/sa/istio-egressgateway-service-account');
    expect(synthErrors(mesh)).toEqual([]);
    expect(validateManifests(manifests)).toEqual([]);
  });

  test('in a mesh that installs Istio, is let through its deny-by-default', () => {
    const mesh = newMesh();
    const egress = new EgressGateway(mesh, 'egress', { existing: { selector: { istio: 'egressgateway' } } });
    new ExternalService(mesh, 'legacy', { hosts: ['legacy.example'], ports: [{ port: 80, protocol: Protocol.HTTP }], egressGateway: egress });
    const manifests = MeshTesting.synth(mesh);
    expect(MeshTesting.find(manifests, 'AuthorizationPolicy', 'egress', 'istio-system').spec).toEqual({
      selector: { matchLabels: { istio: 'egressgateway' } }, action: 'ALLOW', rules: [{ from: [{ source: { principals: ['*'] } }] }],
    });
    expect(ofKind(manifests, 'Deployment').filter(d => d.metadata.name === 'egress')).toEqual([]);
  });
});

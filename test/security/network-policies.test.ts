import { ApiObject, Testing } from 'cdk8s';
import { Bookinfo } from '../../examples/bookinfo/mesh';
import {
  AccessPolicy, CertificateAuthority, EgressGateway, ExternalService, GatewayServiceType, IngressGateway, Mesh, MeshService, MeshTesting, NetworkPeer,
  Protocol, Severity,
  TelemetryStack, TracingBackend,
} from '../../src';
import { Address, Endpoint, NetworkPolicies, Pod, podOf, podsOf } from '../support/network-policy';
import { validateManifests } from '../support/schemas';
import { newMesh, newService, ofKind, synthErrors } from '../support/util';

/** CoreDNS, which the mesh does not render. */
const DNS: Pod = { name: 'coredns', namespace: 'kube-system', labels: { 'k8s-app': 'kube-dns' }, ports: [{ name: 'dns', containerPort: 53, protocol: 'UDP' }] };
/** A client on the internet. */
const INTERNET: Address = { ip: '198.51.100.7' };
/** The external API's address. */
const PAYMENTS: Address = { ip: '203.0.113.10' };
/** The Kubernetes API server, calling istiod's webhooks. */
const API_SERVER: Address = { ip: '10.0.0.1' };
/** A pod of a namespace outside the mesh. */
const STRANGER: Pod = { name: 'stranger', namespace: 'elsewhere', labels: { app: 'stranger' }, ports: [] };

/**
 * A small shop: an ingress gateway in front of web; web calls api (only its HTTP port), api calls db and
 * worker; web may call an external payments API; a telemetry stack with Jaeger watches it all.
 */
/** The NetworkPolicies of the mesh's workloads and gateways (the telemetry stack's add-ons have their own). */
function workloadPolicies(manifests: any[]): any[] {
  return ofKind(manifests, 'NetworkPolicy').filter(p => p.metadata.labels?.['app.kubernetes.io/part-of'] !== 'cdk8s-mesh-telemetry');
}

function shop(props: { networkPolicies?: boolean; denyByDefault?: boolean } = {}) {
  const mesh = newMesh({ denyByDefault: true, ...props });
  const web = newService(mesh, 'web', ['v1'], { namespace: 'shop' });
  const api = new MeshService(mesh, 'api', { namespace: 'shop', ports: [{ port: 80, targetPort: 8080 }, { port: 9090, protocol: Protocol.GRPC }] });
  api.addVersion('v1', { image: 'example/api:v1' });
  const db = new MeshService(mesh, 'db', { namespace: 'data', ports: [{ port: 5432, protocol: Protocol.TCP }] });
  db.addVersion('v1', { image: 'example/db:v1' });
  const worker = newService(mesh, 'worker', ['v1'], { namespace: 'shop' });
  const edge = new IngressGateway(mesh, 'edge');
  edge.addRoute({ service: web });
  new ExternalService(mesh, 'payments', { hosts: ['api.payments.example'] });
  new TelemetryStack(mesh, 'telemetry', { tracing: TracingBackend.jaeger() });
  new AccessPolicy(mesh, 'web-access', { service: web, allow: [{ from: edge }] });
  new AccessPolicy(mesh, 'api-access', { service: api, allow: [{ from: web, ports: [80] }] });
  new AccessPolicy(mesh, 'db-access', { service: db, allow: [{ from: api }] });
  new AccessPolicy(mesh, 'worker-access', { service: worker, allow: [{ from: api }] });
  return { mesh, web, api, db, worker, edge };
}

function label(e: Endpoint): string {
  return 'ip' in e ? e.ip : `${e.namespace}/${e.name}`;
}

/** Every (from, to, port) the policies admit among `sources` and `targets` on `ports`. */
function admitted(policies: NetworkPolicies, sources: Endpoint[], targets: Pod[], ports: number[]): string[] {
  const found: string[] = [];
  for (const from of sources) {
    for (const to of targets) {
      for (const port of ports) {
        if (from !== to && policies.admits(from, to, port)) {
          found.push(`${label(from)} -> ${label(to)}:${port}`);
        }
      }
    }
  }
  return found.sort();
}

describe('NetworkPolicies from the call graph', () => {
  test('admit exactly the calls the AccessPolicies allow, between workloads and from the gateway', () => {
    // GIVEN
    const { mesh } = shop();
    // WHEN
    const manifests = MeshTesting.synth(mesh);
    const policies = new NetworkPolicies(manifests);
    // THEN: every pod of the output (istiod, Prometheus, Grafana, Jaeger too) and the internet, to every workload, on every application port
    const workloads = ['Deployment/web-v1', 'Deployment/api-v1', 'Deployment/db-v1', 'Deployment/worker-v1', 'Deployment/edge'].map(n => podOf(manifests, n));
    const everyone = [...podsOf(manifests), INTERNET, STRANGER];
    expect(admitted(policies, everyone, workloads, [8080, 9090, 5432])).toEqual([
      // The ingress gateway takes its listener port (80, served on 8080) from anyone whose own egress allows it:
      // the workloads' egress does not, the pods the mesh writes no policy for (istiod, the add-ons) are open.
      '198.51.100.7 -> istio-ingress/Deployment/edge:8080',
      'elsewhere/stranger -> istio-ingress/Deployment/edge:8080',
      'istio-cni/DaemonSet/istio-cni-node -> istio-ingress/Deployment/edge:8080',
      // The call graph: edge -> web, web -> api (its port 80 only, container port 8080), api -> db and worker.
      'istio-ingress/Deployment/edge -> shop/Deployment/web-v1:8080',
      'istio-system/Deployment/grafana -> istio-ingress/Deployment/edge:8080',
      'istio-system/Deployment/istiod -> istio-ingress/Deployment/edge:8080',
      'istio-system/Deployment/jaeger -> istio-ingress/Deployment/edge:8080',
      'istio-system/Deployment/prometheus -> istio-ingress/Deployment/edge:8080',
      'shop/Deployment/api-v1 -> data/Deployment/db-v1:5432',
      'shop/Deployment/api-v1 -> shop/Deployment/worker-v1:8080',
      'shop/Deployment/web-v1 -> shop/Deployment/api-v1:8080',
    ]);
    expect(validateManifests(manifests)).toEqual([]);
  });

  test('between workloads, admit the pairs the AccessPolicies list, worked out from the policies themselves', () => {
    const { mesh } = shop();
    const manifests = MeshTesting.synth(mesh);
    const podFor = (identity: any) => podOf(manifests, `Deployment/${identity.serviceName}${MeshService.isMeshService(identity) ? '-v1' : ''}`, identity.namespace);
    // WHEN the AccessPolicies are read: each rule's caller, to the service's container ports it allows
    const expected = mesh.node.findAll().filter(AccessPolicy.isAccessPolicy).flatMap(policy => policy.rules.flatMap(rule =>
      policy.service!.ports.filter(p => !rule.ports || rule.ports.includes(p.port))
        .map(p => `${label(podFor(rule.from))} -> ${label(podFor(policy.service!))}:${p.targetPort ?? p.port}`)));
    // THEN the NetworkPolicies admit exactly those between the workloads and gateway, on every port any of them serves
    const workloads = [...mesh.services.map(podFor), podOf(manifests, 'Deployment/edge')];
    const ports = [...new Set(mesh.services.flatMap(s => s.ports.map(p => p.targetPort ?? p.port)))];
    expect(expected).toHaveLength(4);
    expect(admitted(new NetworkPolicies(manifests), workloads, workloads, ports)).toEqual(expected.sort());
  });

  test('refuse what no AccessPolicy allows: a service not allowed, a port not allowed, the way back', () => {
    const { mesh } = shop();
    const manifests = MeshTesting.synth(mesh);
    const policies = new NetworkPolicies(manifests);
    const pod = (name: string) => podOf(manifests, `Deployment/${name}`);
    // worker may call nothing; web may call api's HTTP port only; db may not call back; the internet reaches only the gateway.
    expect(policies.admits(pod('worker-v1'), pod('api-v1'), 8080)).toBe(false);
    expect(policies.egressAdmits(pod('worker-v1'), pod('api-v1'), 8080)).toBe(false);
    expect(policies.ingressAdmits(pod('worker-v1'), pod('api-v1'), 8080)).toBe(false);
    expect(policies.admits(pod('web-v1'), pod('api-v1'), 9090)).toBe(false);
    expect(policies.admits(pod('db-v1'), pod('api-v1'), 8080)).toBe(false);
    expect(policies.admits(pod('web-v1'), pod('db-v1'), 5432)).toBe(false);
    expect(policies.admits(INTERNET, pod('web-v1'), 8080)).toBe(false);
    expect(policies.admits(pod('edge'), pod('api-v1'), 8080)).toBe(false);
    // A pod outside the mesh reaches no workload.
    expect(policies.admits(STRANGER, pod('web-v1'), 8080)).toBe(false);
    // The allowed neighbours, so the refusals above are the policies' doing.
    expect(policies.admits(pod('web-v1'), pod('api-v1'), 8080)).toBe(true);
    expect(policies.admits(pod('api-v1'), pod('db-v1'), 5432)).toBe(true);
  });

  test('keep the mesh working: DNS, istiod, its webhook, Prometheus scrapes, tracing, the external service', () => {
    const { mesh } = shop();
    const manifests = MeshTesting.synth(mesh);
    const policies = new NetworkPolicies(manifests);
    const pod = (name: string) => podOf(manifests, `Deployment/${name}`);
    const proxies = ['web-v1', 'api-v1', 'db-v1', 'worker-v1', 'edge'].map(pod);
    for (const proxy of proxies) {
      // Every workload is selected, in both directions: the wall is there.
      expect(policies.selecting(proxy, 'Ingress')).toHaveLength(1);
      expect(policies.selecting(proxy, 'Egress')).toHaveLength(1);
      expect(policies.admits(proxy, DNS, 53, 'UDP')).toBe(true);
      expect(policies.admits(proxy, DNS, 53, 'TCP')).toBe(true);
      expect(policies.admits(proxy, pod('istiod'), 15012)).toBe(true);
      expect(policies.admits(pod('prometheus'), proxy, 15020)).toBe(true);
      expect(policies.admits(pod('prometheus'), proxy, 15090)).toBe(true);
      expect(policies.admits(proxy, pod('jaeger'), 4317)).toBe(true);
      // Not anything else of istiod, Jaeger or the add-ons.
      expect(policies.admits(proxy, pod('istiod'), 15010)).toBe(false);
      expect(policies.admits(proxy, pod('jaeger'), 16686)).toBe(false);
      expect(policies.admits(proxy, pod('prometheus'), 9090)).toBe(false);
      expect(policies.admits(pod('grafana'), proxy, 15020)).toBe(false);
    }
    // Scrapes come from Prometheus only; services do not scrape each other.
    expect(policies.admits(pod('web-v1'), pod('api-v1'), 15020)).toBe(false);
    // The API server reaches istiod's webhook, workloads its xDS and CA port: nothing written selects istiod.
    expect(policies.admits(API_SERVER, pod('istiod'), 15017)).toBe(true);
    expect(policies.selecting(pod('istiod'), 'Ingress')).toEqual([]);
    // The external service, straight from each workload, on its port only.
    expect(policies.admits(pod('web-v1'), PAYMENTS, 443)).toBe(true);
    expect(policies.admits(pod('web-v1'), { ip: '2001:db8::1' }, 443)).toBe(true);
    expect(policies.admits(pod('web-v1'), PAYMENTS, 8443)).toBe(false);
    // The ingress gateway's status port, for load balancers' health checks.
    expect(policies.admits(INTERNET, pod('edge'), 15021)).toBe(true);
  });

  test('one NetworkPolicy per service and gateway, named after it, selecting its pods', () => {
    const { mesh } = shop();
    const manifests = MeshTesting.synth(mesh);
    expect(workloadPolicies(manifests).map(p => [p.metadata.namespace, p.metadata.name, p.spec.podSelector])).toEqual([
      ['shop', 'web', { matchLabels: { app: 'web' } }],
      ['shop', 'api', { matchLabels: { app: 'api' } }],
      ['data', 'db', { matchLabels: { app: 'db' } }],
      ['shop', 'worker', { matchLabels: { app: 'worker' } }],
      ['istio-ingress', 'edge', { matchLabels: { app: 'edge', istio: 'ingressgateway' } }],
    ]);
    expect(MeshTesting.find(manifests, 'NetworkPolicy', 'api', 'shop').spec).toEqual({
      podSelector: { matchLabels: { app: 'api' } },
      policyTypes: ['Ingress', 'Egress'],
      ingress: [
        { from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'shop' } }, podSelector: { matchLabels: { app: 'web' } } }], ports: [{ port: 8080, protocol: 'TCP' }] },
        { from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'istio-system' } }, podSelector: { matchLabels: { app: 'prometheus' } } }], ports: [{ port: 15020, protocol: 'TCP' }, { port: 15090, protocol: 'TCP' }] },
      ],
      egress: [
        { ports: [{ port: 53, protocol: 'UDP' }, { port: 53, protocol: 'TCP' }] },
        { to: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'istio-system' } }, podSelector: { matchLabels: { app: 'istiod' } } }], ports: [{ port: 15012, protocol: 'TCP' }] },
        { to: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'istio-system' } }, podSelector: { matchLabels: { app: 'jaeger' } } }], ports: [{ port: 4317, protocol: 'TCP' }] },
        { to: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'data' } }, podSelector: { matchLabels: { app: 'db' } } }], ports: [{ port: 5432, protocol: 'TCP' }] },
        { to: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'shop' } }, podSelector: { matchLabels: { app: 'worker' } } }], ports: [{ port: 8080, protocol: 'TCP' }] },
        { to: [{ ipBlock: { cidr: '0.0.0.0/0' } }, { ipBlock: { cidr: '::/0' } }], ports: [{ port: 443, protocol: 'TCP' }] },
      ],
    });
  });

  test('are computed at synth: callers allowed after the service was made are admitted', () => {
    // GIVEN a service, its NetworkPolicy made with it
    const mesh = newMesh({ denyByDefault: true });
    const api = newService(mesh, 'api');
    const policy = new AccessPolicy(mesh, 'api-access', { service: api });
    // WHEN a caller is made and allowed afterwards
    const web = newService(mesh, 'web');
    policy.allowFrom(web);
    new AccessPolicy(mesh, 'web-access', { service: web });
    // THEN
    const manifests = MeshTesting.synth(mesh);
    const policies = new NetworkPolicies(manifests);
    expect(policies.admits(podOf(manifests, 'Deployment/web-v1'), podOf(manifests, 'Deployment/api-v1'), 8080)).toBe(true);
    expect(policies.admits(podOf(manifests, 'Deployment/api-v1'), podOf(manifests, 'Deployment/web-v1'), 8080)).toBe(false);
  });

  test('a revoked identity is walled off too, whatever its AccessPolicies say', () => {
    // GIVEN web may call api, but web's identity is revoked
    const { mesh, web } = shop();
    mesh.revokeIdentity(web);
    // WHEN
    const manifests = MeshTesting.synth(mesh);
    const policies = new NetworkPolicies(manifests);
    const pod = (name: string) => podOf(manifests, `Deployment/${name}`);
    // THEN
    expect(policies.egressAdmits(pod('web-v1'), pod('api-v1'), 8080)).toBe(false);
    expect(policies.ingressAdmits(pod('web-v1'), pod('api-v1'), 8080)).toBe(false);
    // and the rest of the call graph stands
    expect(policies.admits(pod('api-v1'), pod('db-v1'), 5432)).toBe(true);
    expect(policies.admits(pod('web-v1'), pod('istiod'), 15012)).toBe(true);
  });

  test('are on by default under deny-by-default, off otherwise, and the prop decides either way', () => {
    const count = (mesh: Mesh) => workloadPolicies(MeshTesting.synth(mesh)).length;
    expect(count(shop().mesh)).toEqual(5);
    expect(shop().mesh.networkPolicies).toBe(true);
    expect(count(shop({ networkPolicies: false }).mesh)).toEqual(0);
    expect(shop({ networkPolicies: false }).mesh.networkPolicies).toBe(false);
    expect(count(shop({ denyByDefault: false }).mesh)).toEqual(0);
    expect(count(shop({ denyByDefault: false, networkPolicies: true }).mesh)).toEqual(5);
  });

  test('turned off, every workload is open again', () => {
    const { mesh } = shop({ networkPolicies: false });
    const manifests = MeshTesting.synth(mesh);
    const policies = new NetworkPolicies(manifests);
    expect(policies.admits(podOf(manifests, 'Deployment/worker-v1'), podOf(manifests, 'Deployment/db-v1'), 5432)).toBe(true);
    expect(policies.admits(INTERNET, podOf(manifests, 'Deployment/web-v1'), 8080)).toBe(true);
  });

  test('without deny-by-default, a service without an AccessPolicy admits every pod of the mesh, and only those', () => {
    // GIVEN a mesh that allows by default, with NetworkPolicies asked for
    const mesh = newMesh({ denyByDefault: false, networkPolicies: true });
    const open = newService(mesh, 'open', ['v1'], { namespace: 'a' });
    newService(mesh, 'other', ['v1'], { namespace: 'b' });
    const guarded = newService(mesh, 'guarded', ['v1'], { namespace: 'b' });
    new AccessPolicy(mesh, 'guarded-access', { service: guarded, allow: [{ from: open }] });
    // WHEN
    const manifests = MeshTesting.synth(mesh);
    const policies = new NetworkPolicies(manifests);
    const pod = (name: string) => podOf(manifests, `Deployment/${name}-v1`);
    // THEN
    expect(policies.admits(pod('other'), pod('open'), 8080)).toBe(true);
    expect(policies.admits(pod('guarded'), pod('open'), 8080)).toBe(true);
    expect(policies.admits(podOf(manifests, 'Deployment/istiod'), pod('open'), 8080)).toBe(true);
    expect(policies.admits(STRANGER, pod('open'), 8080)).toBe(false);
    expect(policies.admits(pod('open'), pod('guarded'), 8080)).toBe(true);
    expect(policies.admits(pod('other'), pod('guarded'), 8080)).toBe(false);
    expect(validateManifests(manifests)).toEqual([]);
  });

  test('an egress gateway: workloads reach it, not the external address; it reaches the external service', () => {
    // GIVEN
    const mesh = newMesh({ denyByDefault: true });
    const web = newService(mesh, 'web');
    new AccessPolicy(mesh, 'web-access', { service: web });
    const egress = new EgressGateway(mesh, 'egress');
    new ExternalService(mesh, 'payments', { hosts: ['api.payments.example'], egressGateway: egress });
    // WHEN
    const manifests = MeshTesting.synth(mesh);
    const policies = new NetworkPolicies(manifests);
    const webPod = podOf(manifests, 'Deployment/web-v1');
    const gatewayPod = podOf(manifests, 'Deployment/egress');
    // THEN: the first hop to the gateway's listener (443, served on 8443), the second from it to the service
    expect(policies.admits(webPod, gatewayPod, 8443)).toBe(true);
    expect(policies.admits(gatewayPod, PAYMENTS, 443)).toBe(true);
    expect(policies.admits(webPod, PAYMENTS, 443)).toBe(false);
    expect(policies.admits(STRANGER, gatewayPod, 8443)).toBe(false);
    expect(policies.admits(gatewayPod, webPod, 8080)).toBe(false);
    expect(policies.admits(gatewayPod, podOf(manifests, 'Deployment/istiod'), 15012)).toBe(true);
    expect(validateManifests(manifests)).toEqual([]);
  });

  test('Bookinfo keeps working: productpage from the gateway, the call graph, nothing else', () => {
    // GIVEN Bookinfo (it denies by default with mesh.denyByDefault()), with NetworkPolicies on
    const bookinfo = new Bookinfo(Testing.app(), 'bookinfo', { networkPolicies: true });
    // WHEN
    const manifests = MeshTesting.synth(bookinfo);
    const policies = new NetworkPolicies(manifests);
    const pod = (name: string) => podOf(manifests, `Deployment/${name}`);
    // THEN
    expect(policies.admits(INTERNET, pod('bookinfo-gateway'), 8080)).toBe(true);
    expect(policies.admits(pod('bookinfo-gateway'), pod('productpage-v1'), 9080)).toBe(true);
    expect(policies.admits(pod('productpage-v1'), pod('details-v1'), 9080)).toBe(true);
    for (const v of ['v1', 'v2', 'v3']) {
      expect(policies.admits(pod('productpage-v1'), pod(`reviews-${v}`), 9080)).toBe(true);
      expect(policies.admits(pod(`reviews-${v}`), pod('ratings-v1'), 9080)).toBe(true);
    }
    expect(policies.admits(pod('productpage-v1'), pod('ratings-v1'), 9080)).toBe(false);
    expect(policies.admits(pod('details-v1'), pod('productpage-v1'), 9080)).toBe(false);
    expect(policies.admits(INTERNET, pod('productpage-v1'), 9080)).toBe(false);
    expect(policies.admits(pod('prometheus'), pod('reviews-v2'), 15020)).toBe(true);
    expect(policies.admits(pod('reviews-v3'), pod('jaeger'), 4317)).toBe(true);
    expect(validateManifests(manifests)).toEqual([]);
  });

  test('Bookinfo without deny-by-default writes none for its workloads (its add-ons keep theirs)', () => {
    const bookinfo = new Bookinfo(Testing.app(), 'bookinfo', { denyByDefault: false });
    const all = ofKind(MeshTesting.synth(bookinfo), 'NetworkPolicy');
    expect(workloadPolicies(all)).toEqual([]);
    expect(all.map(p => p.metadata.name)).toEqual(['telemetry-prometheus', 'telemetry-grafana', 'telemetry-kiali', 'telemetry-jaeger']);
  });

  describe('imported services', () => {
    test('are named by their podLabels', () => {
      const mesh = newMesh({ denyByDefault: true });
      const legacy = MeshService.fromName(mesh, 'legacy', 'legacy', { namespace: 'old', podLabels: { 'app.kubernetes.io/name': 'legacy' } });
      const web = newService(mesh, 'web');
      new AccessPolicy(mesh, 'web-access', { service: web, allow: [{ from: legacy }] });
      new AccessPolicy(mesh, 'legacy-access', { service: legacy, allow: [{ from: web }] });
      const manifests = MeshTesting.synth(mesh);
      const policies = new NetworkPolicies(manifests);
      const legacyPod: Pod = { name: 'legacy', namespace: 'old', labels: { 'app.kubernetes.io/name': 'legacy' }, ports: [] };
      const webPod = podOf(manifests, 'Deployment/web-v1');
      expect(policies.admits(legacyPod, webPod, 8080)).toBe(true);
      expect(policies.admits(webPod, legacyPod, 80)).toBe(true);
      expect(policies.admits(webPod, { ...legacyPod, labels: { app: 'legacy' } }, 80)).toBe(false);
      expect(mesh.analyze().filter(f => f.code === 'MESH0305')).toEqual([]);
    });

    test('warns when their pods are named by an assumed app label (MESH0305)', () => {
      const mesh = newMesh({ denyByDefault: true });
      const legacy = MeshService.fromName(mesh, 'legacy', 'legacy', { namespace: 'old' });
      const web = newService(mesh, 'web');
      new AccessPolicy(mesh, 'web-access', { service: web, allow: [{ from: legacy }] });
      expect(mesh.analyze().filter(f => f.code === 'MESH0305').map(f => [f.severity, f.path, f.message])).toEqual([[
        Severity.WARNING, 'mesh/legacy',
        "service 'legacy' is imported and its pods' labels are unknown, so the NetworkPolicies name them by app=legacy in namespace 'old': give MeshService.fromName() its podLabels, or make sure its pods carry that label",
      ]]);
      // The assumed label is what the policy names.
      const manifests = MeshTesting.synth(mesh);
      const legacyPod: Pod = { name: 'legacy', namespace: 'old', labels: { app: 'legacy' }, ports: [] };
      expect(new NetworkPolicies(manifests).admits(legacyPod, podOf(manifests, 'Deployment/web-v1'), 8080)).toBe(true);
    });

    test('does not warn about an imported service no policy names, or when NetworkPolicies are off', () => {
      const denying = newMesh({ denyByDefault: true });
      MeshService.fromName(denying, 'legacy', 'legacy', { namespace: 'old' });
      expect(denying.analyze().filter(f => f.code === 'MESH0305')).toEqual([]);
      const off = newMesh({ denyByDefault: true, networkPolicies: false });
      const legacy = MeshService.fromName(off, 'legacy', 'legacy', { namespace: 'old' });
      new AccessPolicy(off, 'legacy-access', { service: legacy, allow: [{ from: newService(off, 'web') }] });
      expect(off.analyze().filter(f => f.code === 'MESH0305')).toEqual([]);
    });

    test('fails on empty podLabels (MESH0260)', () => {
      const mesh = newMesh({ denyByDefault: true });
      MeshService.fromName(mesh, 'legacy', 'legacy', { podLabels: {} });
      expect(synthErrors(mesh)).toEqual([
        "[mesh/legacy] [MESH0260] podLabels is empty, which would select every pod of its namespace: give the labels that select the service's pods, e.g. { app: 'legacy' }",
      ]);
    });

    test('fails on podLabels that are no labels', () => {
      const mesh = newMesh({ denyByDefault: true });
      MeshService.fromName(mesh, 'legacy', 'legacy', { podLabels: { app: 'not a label' } });
      expect(synthErrors(mesh)).toEqual([
        "[mesh/legacy] [MESH0074] podLabels 'app' has value 'not a label', which is not a valid label value: use at most 63 letters, digits, '-', '_' and '.', starting and ending with a letter or digit",
      ]);
    });
  });

  test('warns when a service open to callers outside the mesh is walled in to the mesh (MESH0306)', () => {
    // GIVEN a PERMISSIVE mesh that allows by default, with NetworkPolicies asked for
    const mesh = newMesh({ denyByDefault: false, networkPolicies: true, mtls: 'PERMISSIVE' as any });
    newService(mesh, 'web');
    const guarded = newService(mesh, 'guarded');
    new AccessPolicy(mesh, 'guarded-access', { service: guarded });
    // THEN: the service without an AccessPolicy is warned about, the one with one is not
    expect(mesh.analyze().filter(f => f.code === 'MESH0306').map(f => [f.severity, f.path, f.message])).toEqual([[
      Severity.WARNING, 'mesh/web',
      "service 'web' has mTLS PERMISSIVE and no AccessPolicy, so its sidecar accepts calls from outside the mesh, but its NetworkPolicy admits only pods of the mesh's namespaces: call it through an ingress gateway, or set networkPolicies: false on the mesh",
    ]]);
    // and under STRICT mTLS there is nothing to warn about
    const strict = newMesh({ denyByDefault: false, networkPolicies: true });
    newService(strict, 'web');
    expect(strict.analyze().filter(f => f.code === 'MESH0306')).toEqual([]);
  });

  describe('an ingress gateway\'s allowAccessFrom', () => {
    function gatewayMesh(allowAccessFrom?: NetworkPeer[], props: { networkPolicies?: boolean } = {}) {
      const mesh = newMesh({ denyByDefault: true, ...props });
      const web = newService(mesh, 'web');
      const edge = new IngressGateway(mesh, 'edge', { allowAccessFrom });
      edge.addRoute({ service: web });
      new AccessPolicy(mesh, 'web-access', { service: web, allow: [{ from: edge }] });
      return mesh;
    }

    test('admits only the peers listed on the listeners, anyone on the status port', () => {
      const mesh = gatewayMesh([NetworkPeer.cidr('203.0.113.0/24', ['203.0.113.128/25']), NetworkPeer.namespace('monitoring')]);
      const manifests = MeshTesting.synth(mesh);
      const policies = new NetworkPolicies(manifests);
      const edge = podOf(manifests, 'Deployment/edge');
      expect(policies.admits({ ip: '203.0.113.5' }, edge, 8080)).toBe(true);
      expect(policies.admits({ ip: '203.0.113.200' }, edge, 8080)).toBe(false);
      expect(policies.admits(INTERNET, edge, 8080)).toBe(false);
      expect(policies.admits({ ...STRANGER, namespace: 'monitoring' }, edge, 8080)).toBe(true);
      expect(policies.admits(STRANGER, edge, 8080)).toBe(false);
      expect(policies.admits(INTERNET, edge, 15021)).toBe(true);
      expect(policies.admits(edge, podOf(manifests, 'Deployment/web-v1'), 8080)).toBe(true);
      expect(validateManifests(manifests)).toEqual([]);
    });

    test('with address blocks, a load balancer keeps the client\'s address; a ClusterIP gateway, or one without blocks, is left as it is', () => {
      const policyOf = (manifests: any[]) => MeshTesting.find(manifests, 'Service', 'edge', 'istio-ingress').spec.externalTrafficPolicy;
      expect(policyOf(MeshTesting.synth(gatewayMesh([NetworkPeer.cidr('203.0.113.0/24')])))).toEqual('Local');
      expect(policyOf(MeshTesting.synth(gatewayMesh([NetworkPeer.namespace('monitoring')])))).toBeUndefined();
      expect(policyOf(MeshTesting.synth(gatewayMesh()))).toBeUndefined();
      const mesh = newMesh({ denyByDefault: true });
      const web = newService(mesh, 'web');
      const edge = new IngressGateway(mesh, 'edge', { serviceType: GatewayServiceType.CLUSTER_IP, allowAccessFrom: [NetworkPeer.cidr('10.0.0.0/8')] });
      edge.addRoute({ service: web });
      new AccessPolicy(mesh, 'web-access', { service: web, allow: [{ from: edge }] });
      expect(policyOf(MeshTesting.synth(mesh))).toBeUndefined();
    });

    test('NetworkPeer.anywhere() admits anyone', () => {
      const manifests = MeshTesting.synth(gatewayMesh([NetworkPeer.cidr('10.0.0.0/8'), NetworkPeer.anywhere()]));
      expect(new NetworkPolicies(manifests).admits(INTERNET, podOf(manifests, 'Deployment/edge'), 8080)).toBe(true);
    });

    test('fails on an empty list (MESH0261)', () => {
      expect(synthErrors(gatewayMesh([]))).toEqual([
        "[mesh/edge] [MESH0261] allowAccessFrom is empty, so nothing could reach the gateway: list who may, e.g. [NetworkPeer.cidr('203.0.113.0/24')], or leave it out to admit anyone",
      ]);
    });

    test('fails when the mesh renders no NetworkPolicies (MESH0262)', () => {
      expect(synthErrors(gatewayMesh([NetworkPeer.cidr('203.0.113.0/24')], { networkPolicies: false }))).toEqual([
        "[mesh/edge] [MESH0262] allowAccessFrom is set, but the mesh renders no NetworkPolicies, so it would admit anyone: turn the mesh's networkPolicies on, or leave allowAccessFrom out",
      ]);
    });

    test('fails on a peer that is no NetworkPeer, or a bad address block', () => {
      expect(synthErrors(gatewayMesh([{ cidr: '10.0.0.0/8' } as any, NetworkPeer.cidr('10.0.0.0')]))).toEqual([
        '[mesh/edge] [MESH0096] allowAccessFrom[0] is not a NetworkPeer: make it with NetworkPeer.cidr(), NetworkPeer.namespace(), NetworkPeer.pods() or NetworkPeer.anywhere()',
        "[mesh/edge] [MESH0220] allowAccessFrom address block '10.0.0.0' is not a CIDR block: write an address and a prefix length, e.g. '10.0.0.0/16' or '2001:db8::/32'",
      ]);
    });
  });

  test('a rule that would have no ports is left out, not widened to every port', () => {
    // GIVEN a service without ports (an error of its own), which every pod of the mesh may call
    const mesh = newMesh({ denyByDefault: false, networkPolicies: true });
    const empty = new MeshService(mesh, 'empty', { ports: [] });
    // THEN its NetworkPolicy has no rule for its own ports (one with an empty port list would admit every port):
    // only the proxy's metrics ports, open to any scraper as the mesh runs no Prometheus
    expect(synthErrors(mesh)).toEqual([expect.stringContaining('[mesh/empty] ')]);
    const spec = ApiObject.of(empty.node.findChild('NetworkPolicy')).toJson().spec;
    expect(spec.ingress).toEqual([{ ports: [{ port: 15020, protocol: 'TCP' }, { port: 15090, protocol: 'TCP' }] }]);
    expect(spec.egress.every((rule: any) => rule.ports.length > 0)).toBe(true);
  });

  describe('MeshService.allowEgressTo()', () => {
    test('lets a service\'s pods reach what the call graph does not name, on the ports given (or every port)', () => {
      const { mesh, worker } = shop();
      worker.allowEgressTo(NetworkPeer.cidr('10.96.0.1/32'), { ports: [6443] });
      worker.allowEgressTo(NetworkPeer.pods('ops', { app: 'vault' }));
      const manifests = MeshTesting.synth(mesh);
      const policies = new NetworkPolicies(manifests);
      const workerPod = podOf(manifests, 'Deployment/worker-v1');
      const vault: Pod = { name: 'vault', namespace: 'ops', labels: { app: 'vault' }, ports: [] };
      expect(policies.admits(workerPod, { ip: '10.96.0.1' }, 6443)).toBe(true);
      expect(policies.admits(workerPod, { ip: '10.96.0.1' }, 6444)).toBe(false);
      expect(policies.admits(workerPod, { ip: '10.96.0.2' }, 6443)).toBe(false);
      expect(policies.admits(workerPod, vault, 8200)).toBe(true);
      expect(policies.admits(workerPod, { ...vault, labels: { app: 'other' } }, 8200)).toBe(false);
      // Only the service that asked.
      expect(policies.admits(podOf(manifests, 'Deployment/web-v1'), { ip: '10.96.0.1' }, 6443)).toBe(false);
      expect(validateManifests(manifests)).toEqual([]);
    });

    test('NetworkPeer.anywhere() opens the service\'s egress on the ports given', () => {
      const { mesh, worker } = shop();
      worker.allowEgressTo(NetworkPeer.anywhere(), { ports: [5672] });
      const manifests = MeshTesting.synth(mesh);
      const policies = new NetworkPolicies(manifests);
      expect(policies.admits(podOf(manifests, 'Deployment/worker-v1'), STRANGER, 5672)).toBe(true);
      expect(policies.admits(podOf(manifests, 'Deployment/worker-v1'), STRANGER, 5673)).toBe(false);
    });

    test('fails on something that is no NetworkPeer, a bad address block or a bad port', () => {
      const { mesh, worker } = shop();
      worker.allowEgressTo('10.0.0.0/8' as any);
      worker.allowEgressTo(NetworkPeer.cidr('10.0.0.0'));
      worker.allowEgressTo(NetworkPeer.cidr('10.0.0.0/8'), { ports: [0] });
      expect(synthErrors(mesh)).toEqual([
        '[mesh/worker] [MESH0096] allowEgressTo() was given something that is not a NetworkPeer: make it with NetworkPeer.cidr(), NetworkPeer.namespace(), NetworkPeer.pods() or NetworkPeer.anywhere()',
        "[mesh/worker] [MESH0220] allowEgressTo address block '10.0.0.0' is not a CIDR block: write an address and a prefix length, e.g. '10.0.0.0/16' or '2001:db8::/32'",
        '[mesh/worker] [MESH0003] allowEgressTo port 0 is out of range: use a whole number from 1 to 65535',
      ]);
    });

    test('warns that it does nothing in a mesh without NetworkPolicies (MESH0263)', () => {
      const mesh = newMesh({ denyByDefault: false });
      const web = newService(mesh, 'web');
      web.allowEgressTo(NetworkPeer.cidr('10.0.0.1/32'));
      expect(mesh.analyze().map(f => [f.code, f.severity, f.path, f.message])).toEqual([[
        'MESH0263', Severity.WARNING, 'mesh/web',
        "allowEgressTo(addresses 10.0.0.1/32) does nothing: the mesh renders no NetworkPolicies, so the service's pods may connect anywhere already: turn the mesh's networkPolicies on, or drop the call",
      ]]);
    });
  });

  test('fails on a networkPolicies that is not a boolean', () => {
    const mesh = newMesh({ denyByDefault: false, networkPolicies: 'yes' as any });
    expect(mesh.networkPolicies).toBe(false);
    expect(synthErrors(mesh)).toEqual([expect.stringMatching(/^\[mesh\] \[MESH0091\] networkPolicies /)]);
  });
});

describe('what the review found the mesh needs', () => {
  test('with cert-manager as the CA, proxies reach istio-csr (its namespace, its Service port and its pod port)', () => {
    const mesh = newMesh({ controlPlane: { certificateAuthority: CertificateAuthority.certManager() } });
    const web = newService(mesh, 'web', ['v1'], { namespace: 'shop' });
    new AccessPolicy(mesh, 'web-access', { service: web, allow: [{ from: web }] });
    const manifests = MeshTesting.synth(mesh);
    const policies = new NetworkPolicies(manifests);
    const csr: Pod = { name: 'Deployment/cert-manager-istio-csr', namespace: 'cert-manager', labels: { app: 'cert-manager-istio-csr' }, ports: [{ containerPort: 6443 }] };
    const other: Pod = { ...csr, namespace: 'elsewhere' };
    expect(policies.egressAdmits(podOf(manifests, 'Deployment/web-v1'), csr, 6443)).toBe(true);
    expect(policies.egressAdmits(podOf(manifests, 'Deployment/web-v1'), other, 6443)).toBe(false);
    expect(MeshTesting.find(manifests, 'NetworkPolicy', 'web', 'shop').spec.egress).toContainEqual({
      to: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'cert-manager' } } }],
      ports: [{ port: 443, protocol: 'TCP' }, { port: 6443, protocol: 'TCP' }],
    });
  });

  test('a CA outside the cluster is reached on its port at any address; istiod as the CA needs no rule of its own', () => {
    const outside = newMesh({ controlPlane: { certificateAuthority: CertificateAuthority.certManager({ istioCsrAddress: 'ca.example.com:8443' }) } });
    const web = newService(outside, 'web');
    new AccessPolicy(outside, 'web-access', { service: web, allow: [{ from: web }] });
    const policies = new NetworkPolicies(MeshTesting.synth(outside));
    const pod = podOf(MeshTesting.synth(outside), 'Deployment/web-v1');
    expect(policies.egressAdmits(pod, { ip: '203.0.113.9' }, 8443)).toBe(true);
    expect(policies.egressAdmits(pod, { ip: '203.0.113.9' }, 8444)).toBe(false);
    const plain = newMesh();
    const api = newService(plain, 'api');
    new AccessPolicy(plain, 'api-access', { service: api, allow: [{ from: api }] });
    const egress = MeshTesting.find(MeshTesting.synth(plain), 'NetworkPolicy', 'api').spec.egress;
    expect(egress.filter((r: any) => r.ports.some((p: any) => p.port === 6443))).toEqual([]);
  });

  test('without the stack\'s Prometheus, any Prometheus may scrape the proxies\' metrics ports, and nothing else', () => {
    const mesh = newMesh();
    const web = newService(mesh, 'web', ['v1'], { namespace: 'shop' });
    new AccessPolicy(mesh, 'web-access', { service: web, allow: [{ from: web }] });
    const manifests = MeshTesting.synth(mesh);
    const policies = new NetworkPolicies(manifests);
    const kubePrometheus: Pod = { name: 'StatefulSet/prometheus-k8s', namespace: 'monitoring', labels: { app: 'prometheus' }, ports: [] };
    const target = podOf(manifests, 'Deployment/web-v1');
    expect(policies.ingressAdmits(kubePrometheus, target, 15020)).toBe(true);
    expect(policies.ingressAdmits(kubePrometheus, target, 15090)).toBe(true);
    expect(policies.ingressAdmits(kubePrometheus, target, 8080)).toBe(false);
  });

  test('a service without an AccessPolicy in a mesh that does not deny by default admits imported services\' namespaces too', () => {
    const mesh = newMesh({ denyByDefault: false, networkPolicies: true });
    const web = newService(mesh, 'web', ['v1'], { namespace: 'shop' });
    const legacy = MeshService.fromName(mesh, 'legacy', 'legacy', { namespace: 'legacy-ns', podLabels: { app: 'legacy' } });
    new AccessPolicy(mesh, 'legacy-access', { service: legacy, allow: [{ from: web }] });
    const manifests = MeshTesting.synth(mesh);
    const legacyPod: Pod = { name: 'Deployment/legacy', namespace: 'legacy-ns', labels: { app: 'legacy' }, ports: [{ containerPort: 80 }] };
    expect(new NetworkPolicies(manifests).ingressAdmits(legacyPod, podOf(manifests, 'Deployment/web-v1'), 8080)).toBe(true);
  });
});

import { readFileSync } from 'fs';
import { join } from 'path';
import * as YAML from 'yaml';
import { IngressGateway, KialiAuthStrategy, MeshTesting, NetworkPeer, TelemetryStack, TelemetryStackProps, TracingBackend } from '../../src';
import { NetworkPolicies, Pod as PolicyPod, podOf as workloadPod } from '../support/network-policy';

/** The pod of a workload of the output. */
const podOf = (manifests: any[], kind: string, name: string, namespace?: string) => workloadPod(manifests, `${kind}/${name}`, namespace);
/** A pod the mesh does not render, in a namespace, with labels. */
const podIn = (namespace: string, labels: { [key: string]: string }): PolicyPod => ({ name: `Pod/${labels.app}`, namespace, labels, ports: [] });
/** Whether what `to` accepts admits a connection from `from` (the add-ons limit what they accept: their ingress). */
const admits = (manifests: any[], from: PolicyPod, to: PolicyPod, port: number) => new NetworkPolicies(manifests).ingressAdmits(from, to, port);
import { validateManifests } from '../support/schemas';
import { newMesh, newService, ofKind, synthErrors } from '../support/util';

/** Istio 1.30.3's Kiali sample (samples/addons/kiali.yaml): the most Kiali's RBAC may grant. */
const KIALI_SAMPLE = join(__dirname, '..', 'fixtures', 'istio-1.30.3', 'addons', 'kiali.yaml');

/** A mesh with a service in `shop`, an ingress gateway, and a telemetry stack with `props`. */
function stackMesh(props: TelemetryStackProps) {
  const mesh = newMesh({ denyByDefault: false });
  const reviews = newService(mesh, 'reviews', ['v1'], { namespace: 'shop' });
  const gateway = new IngressGateway(mesh, 'gateway');
  gateway.addRoute({ service: reviews });
  const stack = new TelemetryStack(mesh, 'Telemetry', props);
  return { mesh, stack, gateway };
}

/** Every (apiGroup, resource, verb) a list of RBAC rules grants, as `group/resource:verb`. */
function grants(rules: any[]): string[] {
  return rules.flatMap(r => {
    expect(r.resourceNames).toBeUndefined();
    return r.apiGroups.flatMap((g: string) => r.resources.flatMap((res: string) => r.verbs.map((v: string) => `${g}/${res}:${v}`)));
  });
}

/** Whether one of `rules` grants `grant` (`group/resource:verb`); a rule limited to named objects grants no whole kind. */
function granted(rules: any[], grant: string): boolean {
  const [, group, resource, verb] = /^([^/]*)\/(.+):([^:]+)$/.exec(grant)!;
  return rules.some(r => !r.resourceNames
    && r.apiGroups.includes(group)
    && (r.resources.includes(resource) || r.resources.includes('*'))
    && (r.verbs.includes(verb) || r.verbs.includes('*')));
}

/** The rules of every Role and ClusterRole bound to Kiali's ServiceAccount. */
function kialiRules(manifests: any[]): any[] {
  const bindings = manifests.filter(m => (m.kind === 'ClusterRoleBinding' || m.kind === 'RoleBinding')
    && m.subjects.some((s: any) => s.kind === 'ServiceAccount' && s.name === 'kiali'));
  expect(bindings.length).toBeGreaterThan(0);
  return bindings.flatMap(b => manifests.find(m => m.kind === b.roleRef.kind && m.metadata.name === b.roleRef.name).rules);
}

describe('Kiali', () => {
  const sample = YAML.parseAllDocuments(readFileSync(KIALI_SAMPLE, 'utf8')).map(d => d.toJSON()).filter(d => d);
  const sampleRules: any[] = sample.find(d => d.kind === 'ClusterRole').rules;

  test('logs users in with a Kubernetes token by default, with a session key written in no manifest', () => {
    // GIVEN / WHEN
    const { mesh, stack } = stackMesh({ kiali: {} });
    const manifests = MeshTesting.synth(mesh);
    // THEN
    expect(stack.kiali!.authStrategy).toEqual(KialiAuthStrategy.TOKEN);
    const config = YAML.parse(MeshTesting.find(manifests, 'ConfigMap', 'kiali').data['config.yaml']);
    expect(config.auth).toEqual({ strategy: 'token' });
    expect(config.deployment).toMatchObject({ view_only_mode: true });
    expect(config.login_token).toBeUndefined();
    const pod = MeshTesting.find(manifests, 'Deployment', 'kiali').spec.template.spec;
    // Kiali refuses a token login without a 16, 24 or 32 byte key: each pod makes 24 random bytes, 32 in base64.
    expect(pod.containers[0].command).toEqual(['/bin/sh', '-c',
      "head -c 24 /dev/urandom | base64 | tr -d '\\n' > /kiali-override-secrets/login-token-signing-key/value.txt && exec /opt/kiali/kiali -config /kiali-configuration/config.yaml"]);
    expect(pod.containers[0].volumeMounts).toContainEqual({ name: 'signing-key', mountPath: '/kiali-override-secrets/login-token-signing-key' });
    expect(pod.volumes).toContainEqual({ name: 'signing-key', emptyDir: { medium: 'Memory', sizeLimit: '1Mi' } });
    expect(ofKind(manifests, 'Secret')).toEqual([]);
    expect(validateManifests(manifests)).toEqual([]);
  });

  test('runs anonymous only when asked, with its own entrypoint and no session key', () => {
    const { mesh } = stackMesh({ kiali: { authStrategy: KialiAuthStrategy.ANONYMOUS } });
    const manifests = MeshTesting.synth(mesh);
    expect(YAML.parse(MeshTesting.find(manifests, 'ConfigMap', 'kiali').data['config.yaml']).auth).toEqual({ strategy: 'anonymous' });
    const pod = MeshTesting.find(manifests, 'Deployment', 'kiali').spec.template.spec;
    expect(pod.containers[0].command).toEqual(['/opt/kiali/kiali', '-config', '/kiali-configuration/config.yaml']);
    expect(pod.volumes.map((v: any) => v.name)).toEqual(['config', 'tmp']);
    expect(validateManifests(manifests)).toEqual([]);
  });

  test('the sample is read: it grants what the issue calls too wide (so the subset tests below can fail)', () => {
    expect(granted(sampleRules, '/pods/log:get')).toBe(true);
    expect(granted(sampleRules, 'networking.istio.io/virtualservices:delete')).toBe(true);
    expect(granted(sampleRules, '/secrets:get')).toBe(false);
  });

  test.each([KialiAuthStrategy.TOKEN, KialiAuthStrategy.ANONYMOUS])('RBAC with %s login grants nothing Istio\'s Kiali sample does not, and writes nothing', strategy => {
    // GIVEN / WHEN
    const { mesh } = stackMesh({ kiali: { authStrategy: strategy } });
    const rules = kialiRules(MeshTesting.synth(mesh));
    // THEN each grant is one of the sample's
    const ours = grants(rules);
    expect(ours.length).toBeGreaterThan(0);
    expect(ours.filter(g => !granted(sampleRules, g))).toEqual([]);
    // and none changes anything (the sample may patch, create and delete; view-only Kiali needs none of it)
    expect(ours.filter(g => /:(create|update|patch|delete|deletecollection|post|\*)$/.test(g))).toEqual(
      strategy === KialiAuthStrategy.TOKEN ? ['/pods/portforward:create', 'authentication.k8s.io/tokenreviews:create'] : []);
    // and no Secret, pods/proxy or node is read in either mode
    for (const grant of ['/secrets:get', '/secrets:list', '/pods/proxy:get', '/pods/proxy:create', '/nodes:get', '/nodes:list']) {
      expect([grant, granted(rules, grant)]).toEqual([grant, false]);
    }
  });

  test('RBAC without a login leaves out pod logs and port-forwarding, which anyone reaching Kiali would use', () => {
    // The sample grants both to its anonymous Kiali; here anonymous means less.
    const anonymous = kialiRules(MeshTesting.synth(stackMesh({ kiali: { authStrategy: KialiAuthStrategy.ANONYMOUS } }).mesh));
    const token = kialiRules(MeshTesting.synth(stackMesh({ kiali: {} }).mesh));
    for (const grant of ['/pods/log:get', '/pods/portforward:create', 'authentication.k8s.io/tokenreviews:create']) {
      expect([grant, granted(anonymous, grant), granted(token, grant)]).toEqual([grant, false, true]);
    }
    expect(granted(anonymous, '/pods:list')).toBe(true);
    expect(granted(anonymous, 'networking.istio.io/virtualservices:list')).toBe(true);
  });

  test('fails on an auth strategy that is not a KialiAuthStrategy', () => {
    const { mesh } = stackMesh({ kiali: { authStrategy: 'login' as KialiAuthStrategy } });
    expect(synthErrors(mesh)).toEqual([
      "[mesh-telemetry/Kiali] [MESH0090] authStrategy 'login' is not a value of KialiAuthStrategy: use KialiAuthStrategy.TOKEN or KialiAuthStrategy.ANONYMOUS",
    ]);
  });
});

describe('Prometheus and the tracing backend', () => {
  test('Prometheus runs without its admin and lifecycle APIs', () => {
    const { mesh } = stackMesh({});
    const container = MeshTesting.find(MeshTesting.synth(mesh), 'Deployment', 'prometheus').spec.template.spec.containers[0];
    // --web.enable-admin-api deletes series and snapshots the TSDB; --web.enable-lifecycle lets any caller quit or reload it.
    expect(container.args.filter((a: string) => /^--web\.enable-/.test(a))).toEqual([]);
    expect(container.args.some((a: string) => a.startsWith('--config.file='))).toBe(true);
    expect(container.ports.map((p: any) => p.containerPort)).toEqual([9090]);
  });

  test('Jaeger exposes no admin port, and runs no zpages, pprof or expvar extension', () => {
    const { mesh } = stackMesh({ tracing: TracingBackend.jaeger() });
    const manifests = MeshTesting.synth(mesh);
    const container = MeshTesting.find(manifests, 'Deployment', 'jaeger').spec.template.spec.containers[0];
    expect(container.ports.map((p: any) => `${p.name}:${p.containerPort}`)).toEqual(
      ['http-query:16686', 'grpc-otlp:4317', 'http-otlp:4318', 'http-zipkin:9411', 'http-metrics:8888', 'http-health:13133']);
    const config = YAML.parse(MeshTesting.find(manifests, 'ConfigMap', 'jaeger').data['config.yaml']);
    expect(config.service.extensions).toEqual(['jaeger_storage', 'jaeger_query', 'healthcheckv2']);
    expect(Object.keys(config.extensions).sort()).toEqual(['healthcheckv2', 'jaeger_query', 'jaeger_storage']);
    const servicePorts = ofKind(manifests, 'Service').filter(s => s.spec.selector.app === 'jaeger').flatMap(s => s.spec.ports.map((p: any) => p.targetPort));
    expect([...new Set(servicePorts)].sort()).toEqual([16686, 4317, 4318, 9411].sort());
  });

  test('Zipkin exposes its one port only', () => {
    const { mesh } = stackMesh({ tracing: TracingBackend.zipkin() });
    const manifests = MeshTesting.synth(mesh);
    expect(MeshTesting.find(manifests, 'Deployment', 'zipkin').spec.template.spec.containers[0].ports.map((p: any) => p.containerPort)).toEqual([9411]);
  });
});

describe('add-on NetworkPolicies', () => {
  /** The pods of a stack with Jaeger and Kiali, and one pod outside the mesh. */
  function scene(props: TelemetryStackProps = { tracing: TracingBackend.jaeger(), kiali: {} }) {
    const { mesh, stack, gateway } = stackMesh(props);
    // A service added after the stack: its namespace's proxies reach the collector too.
    newService(mesh, 'ratings', ['v1'], { namespace: 'late' });
    const manifests = MeshTesting.synth(mesh);
    const pods = {
      prometheus: podOf(manifests, 'Deployment', 'prometheus'),
      grafana: stack.grafana ? podOf(manifests, 'Deployment', 'grafana') : undefined,
      kiali: stack.kiali ? podOf(manifests, 'Deployment', 'kiali') : undefined,
      jaeger: stack.tracing ? podOf(manifests, 'Deployment', stack.tracing.providerName) : undefined,
      reviews: podOf(manifests, 'Deployment', 'reviews-v1'),
      ratings: podOf(manifests, 'Deployment', 'ratings-v1'),
      gateway: podOf(manifests, 'Deployment', gateway.serviceName, gateway.namespace),
      istiod: podOf(manifests, 'Deployment', 'istiod'),
      outsider: podIn('other', { app: 'tool' }),
      // A pod of the telemetry namespace that merely calls itself grafana.
      impostor: podIn('istio-system', { app: 'grafana' }),
    };
    return { mesh, manifests, pods };
  }

  test('the evaluator admits everything where no policy is rendered', () => {
    const { manifests, pods } = scene({ tracing: TracingBackend.jaeger(), kiali: {}, networkPolicies: false });
    expect(ofKind(manifests, 'NetworkPolicy')).toEqual([]);
    expect(admits(manifests, pods.reviews, pods.prometheus, 9090)).toBe(true);
    expect(admits(manifests, pods.outsider, pods.grafana!, 3000)).toBe(true);
  });

  test('each add-on accepts only what needs it', () => {
    // GIVEN / WHEN the defaults
    const { manifests, pods } = scene();
    const p = pods as { [name: string]: PolicyPod };
    // THEN
    const table: [string, string, number, boolean][] = [
      // Prometheus is read by Grafana and Kiali, on its port only
      ['grafana', 'prometheus', 9090, true],
      ['kiali', 'prometheus', 9090, true],
      ['grafana', 'prometheus', 9091, false],
      ['reviews', 'prometheus', 9090, false],
      ['gateway', 'prometheus', 9090, false],
      ['impostor', 'prometheus', 9090, false],
      // Grafana: Kiali reads it; no one else
      ['kiali', 'grafana', 3000, true],
      ['reviews', 'grafana', 3000, false],
      ['outsider', 'grafana', 3000, false],
      ['prometheus', 'grafana', 3000, false],
      // Kiali's UI: no one; its metrics: Prometheus
      ['reviews', 'kiali', 20001, false],
      ['grafana', 'kiali', 20001, false],
      ['prometheus', 'kiali', 9090, true],
      ['reviews', 'kiali', 9090, false],
      // the collector: every proxy of the mesh (workloads', a late service's, the gateway's, istiod's namespace)
      ['reviews', 'jaeger', 4317, true],
      ['reviews', 'jaeger', 4318, true],
      ['reviews', 'jaeger', 9411, true],
      ['ratings', 'jaeger', 4317, true],
      ['gateway', 'jaeger', 4317, true],
      ['istiod', 'jaeger', 4317, true],
      ['outsider', 'jaeger', 4317, false],
      // its query API: Grafana and Kiali; its metrics: Prometheus; its health port: the kubelet only
      ['grafana', 'jaeger', 16686, true],
      ['kiali', 'jaeger', 16686, true],
      ['reviews', 'jaeger', 16686, false],
      ['prometheus', 'jaeger', 8888, true],
      ['reviews', 'jaeger', 8888, false],
      ['reviews', 'jaeger', 13133, false],
    ];
    expect(table.map(([from, to, port]) => [from, to, port, admits(manifests, p[from], p[to], port)])).toEqual(table);
    expect(validateManifests(manifests)).toEqual([]);
  });

  test('the policies select the add-ons by their pods\' labels, and limit ingress only', () => {
    const { manifests, pods } = scene();
    const policies = ofKind(manifests, 'NetworkPolicy');
    expect(policies.map(n => `${n.metadata.namespace}/${n.metadata.name}`)).toEqual([
      'istio-system/telemetry-prometheus', 'istio-system/telemetry-grafana', 'istio-system/telemetry-kiali', 'istio-system/telemetry-jaeger',
    ]);
    for (const policy of policies) {
      expect(policy.spec.policyTypes).toEqual(['Ingress']);
      const pod = (Object.values(pods) as (PolicyPod | undefined)[]).find(x => x && x.namespace === policy.metadata.namespace
        && Object.entries(policy.spec.podSelector.matchLabels).every(([k, v]) => x.labels[k] === v));
      expect([policy.metadata.name, pod?.labels.app]).toEqual([policy.metadata.name, policy.metadata.name.replace('telemetry-', '')]);
    }
  });

  test('Zipkin takes spans from the proxies and is read by Grafana, on its one port', () => {
    const { manifests, pods } = scene({ tracing: TracingBackend.zipkin() });
    expect(admits(manifests, pods.reviews, pods.jaeger!, 9411)).toBe(true);
    expect(admits(manifests, pods.grafana!, pods.jaeger!, 9411)).toBe(true);
    expect(admits(manifests, pods.prometheus, pods.jaeger!, 9411)).toBe(true);
    expect(admits(manifests, pods.outsider, pods.jaeger!, 9411)).toBe(false);
    expect(validateManifests(manifests)).toEqual([]);
  });

  test('Prometheus without Grafana or Kiali admits no one', () => {
    const { manifests, pods } = scene({ grafana: { enabled: false } });
    const prometheus = MeshTesting.find(manifests, 'NetworkPolicy', 'telemetry-prometheus');
    expect(prometheus.spec.ingress).toEqual([]);
    expect(admits(manifests, pods.reviews, pods.prometheus, 9090)).toBe(false);
    expect(validateManifests(manifests)).toEqual([]);
  });

  test('allowAccessFrom admits the peers listed, to the UIs only: for the stack, or per add-on', () => {
    // GIVEN
    const ops: PolicyPod = podIn('ops', { app: 'bastion' });
    const vpn: PolicyPod = podIn('vpn', { app: 'gateway', role: 'edge' });
    const vpnOther: PolicyPod = podIn('vpn', { app: 'other' });
    // WHEN
    const { manifests, pods } = scene({
      kiali: { allowAccessFrom: [NetworkPeer.pods('vpn', { role: 'edge' })] },
      allowAccessFrom: [NetworkPeer.namespace('ops'), NetworkPeer.cidr('10.8.0.0/16')],
    });
    // THEN
    expect(admits(manifests, ops, pods.grafana!, 3000)).toBe(true);
    expect(admits(manifests, ops, pods.kiali!, 20001)).toBe(true);
    expect(admits(manifests, ops, pods.prometheus, 9090)).toBe(false);
    expect(admits(manifests, ops, pods.kiali!, 9090)).toBe(false);
    expect(admits(manifests, vpn, pods.kiali!, 20001)).toBe(true);
    expect(admits(manifests, vpn, pods.grafana!, 3000)).toBe(false);
    expect(admits(manifests, vpnOther, pods.kiali!, 20001)).toBe(false);
    expect(MeshTesting.find(manifests, 'NetworkPolicy', 'telemetry-grafana').spec.ingress[1].from).toContainEqual({ ipBlock: { cidr: '10.8.0.0/16' } });
    expect(validateManifests(manifests)).toEqual([]);
  });

  test('Prometheus\'s and the tracing backend\'s UIs take their own allowAccessFrom, and admit no one else', () => {
    const ops: PolicyPod = podIn('ops', { app: 'bastion' });
    const { manifests, pods } = scene({
      prometheus: { allowAccessFrom: [NetworkPeer.namespace('ops')] },
      tracing: TracingBackend.jaeger({ allowAccessFrom: [NetworkPeer.namespace('ops')] }),
    });
    expect(admits(manifests, ops, pods.prometheus, 9090)).toBe(true);
    expect(admits(manifests, ops, pods.jaeger!, 16686)).toBe(true);
    // the UIs only: not the collector, not Grafana
    expect(admits(manifests, ops, pods.jaeger!, 4317)).toBe(false);
    expect(admits(manifests, ops, pods.grafana!, 3000)).toBe(false);
    expect(admits(manifests, pods.outsider, pods.prometheus, 9090)).toBe(false);
    expect(admits(manifests, pods.outsider, pods.jaeger!, 16686)).toBe(false);
    const zipkin = scene({ tracing: TracingBackend.zipkin({ allowAccessFrom: [NetworkPeer.namespace('ops')] }) });
    expect(admits(zipkin.manifests, ops, zipkin.pods.jaeger!, 9411)).toBe(true);
    expect(validateManifests(manifests)).toEqual([]);
  });

  test('fails on Prometheus\'s or the tracing backend\'s allowAccessFrom with networkPolicies false', () => {
    const { mesh } = stackMesh({
      networkPolicies: false,
      prometheus: { allowAccessFrom: [NetworkPeer.namespace('ops')] },
      tracing: TracingBackend.zipkin({ allowAccessFrom: [NetworkPeer.namespace('ops')] }),
    });
    expect(synthErrors(mesh)).toEqual([
      '[mesh/Telemetry] [MESH0441] prometheus.allowAccessFrom is given with networkPolicies false, so no NetworkPolicy limits who reaches Prometheus and the peers change nothing: drop allowAccessFrom, or leave networkPolicies on',
      '[mesh/Telemetry] [MESH0441] tracing allowAccessFrom is given with networkPolicies false, so no NetworkPolicy limits who reaches the tracing backend and the peers change nothing: drop allowAccessFrom, or leave networkPolicies on',
    ]);
  });

  test('allowAccessFrom anywhere opens the UI to every source, and nothing else', () => {
    const { manifests, pods } = scene({ grafana: { allowAccessFrom: [NetworkPeer.anywhere()] } });
    expect(admits(manifests, pods.outsider, pods.grafana!, 3000)).toBe(true);
    expect(admits(manifests, pods.outsider, pods.prometheus, 9090)).toBe(false);
  });

  test('fails on allowAccessFrom with networkPolicies false, which would admit no one who was not already admitted', () => {
    const { mesh } = stackMesh({ networkPolicies: false, allowAccessFrom: [NetworkPeer.namespace('ops')], grafana: { allowAccessFrom: [] } });
    expect(synthErrors(mesh)).toEqual([
      '[mesh/Telemetry] [MESH0441] allowAccessFrom is given with networkPolicies false, so no NetworkPolicy limits who reaches the add-ons and the peers change nothing: drop allowAccessFrom, or leave networkPolicies on',
      '[mesh/Telemetry] [MESH0441] grafana.allowAccessFrom is given with networkPolicies false, so no NetworkPolicy limits who reaches Grafana and the peers change nothing: drop allowAccessFrom, or leave networkPolicies on',
    ]);
    const legal = stackMesh({ networkPolicies: false });
    expect(synthErrors(legal.mesh)).toEqual([]);
  });

  test('fails on peers that cannot be rendered, each once; the valid ones are kept', () => {
    const { mesh } = stackMesh({
      kiali: { allowAccessFrom: [{ namespace: 'ops' } as unknown as NetworkPeer, NetworkPeer.cidr('10.0.0.0')] },
      allowAccessFrom: [NetworkPeer.namespace('Ops'), NetworkPeer.namespace('ops')],
    });
    expect(synthErrors(mesh)).toEqual([
      "[mesh/Telemetry] [MESH0001] allowAccessFrom namespace 'Ops' is not a valid DNS label: use at most 63 lowercase letters, digits and '-', starting and ending with a letter or digit",
      '[mesh/Telemetry] [MESH0096] kiali.allowAccessFrom[0] is not a NetworkPeer: make it with NetworkPeer.namespace(...), NetworkPeer.pods(...), NetworkPeer.cidr(...) or NetworkPeer.anywhere()',
      "[mesh/Telemetry] [MESH0220] kiali.allowAccessFrom address block '10.0.0.0' is not a CIDR block: write an address and a prefix length, e.g. '10.0.0.0/16' or '2001:db8::/32'",
    ]);
    const legal = stackMesh({ kiali: { allowAccessFrom: [NetworkPeer.cidr('10.0.0.0/8', ['10.1.0.0/16'])] }, allowAccessFrom: [NetworkPeer.pods('ops', { app: 'bastion' })] });
    expect(synthErrors(legal.mesh)).toEqual([]);
  });
});

import { Duration, Size } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import * as YAML from 'yaml';
import { MeshService, MeshTesting, PrometheusStorage, Protocol, TelemetryStack } from '../../src';
import { promtool } from '../support/promtool';
import { validateManifests } from '../support/schemas';
import { newMesh, newService, synthErrors } from '../support/util';

/** The generated prometheus.yml of a synthesized mesh. */
function prometheusConfig(manifests: any[]): any {
  return YAML.parse(MeshTesting.find(manifests, 'ConfigMap', 'prometheus').data['prometheus.yml']);
}

/**
 * Prometheus's kubernetes_sd_config, as its documentation defines it: the Debian build of promtool has no
 * Kubernetes discovery, so these blocks are checked here, strictly (unknown fields are errors).
 */
function kubernetesSdErrors(block: any): string[] {
  const errors: string[] = [];
  const known = ['api_server', 'role', 'kubeconfig_file', 'namespaces', 'selectors', 'attach_metadata', 'basic_auth', 'authorization', 'oauth2', 'tls_config', 'proxy_url', 'follow_redirects', 'enable_http2'];
  for (const key of Object.keys(block)) {
    if (!known.includes(key)) {
      errors.push(`unknown field '${key}'`);
    }
  }
  if (!['node', 'service', 'pod', 'endpoints', 'endpointslice', 'ingress'].includes(block.role)) {
    errors.push(`role '${block.role}' is not a Kubernetes discovery role`);
  }
  for (const key of Object.keys(block.namespaces ?? {})) {
    if (!['own_namespace', 'names'].includes(key)) {
      errors.push(`unknown field 'namespaces.${key}'`);
    }
  }
  for (const name of block.namespaces?.names ?? []) {
    if (!/^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/.test(name)) {
      errors.push(`namespace '${name}' is not a DNS label`);
    }
  }
  return errors;
}

/** The config with each job's Kubernetes discovery checked here and replaced by a static target for promtool. */
function forPromtool(config: any): { yaml: string; sdErrors: string[] } {
  const sdErrors: string[] = [];
  const jobs = config.scrape_configs.map((job: any) => {
    if (!job.kubernetes_sd_configs) {
      return job;
    }
    job.kubernetes_sd_configs.forEach((b: any) => sdErrors.push(...kubernetesSdErrors(b).map(e => `${job.job_name}: ${e}`)));
    const { kubernetes_sd_configs: _, ...rest } = job;
    return { ...rest, static_configs: [{ targets: ['discovered.invalid:15020'] }] };
  });
  return { yaml: YAML.stringify({ ...config, scrape_configs: jobs }), sdErrors };
}

/**
 * Applies relabel rules the way Prometheus does (regexes anchored at both ends; RE2 and JavaScript agree
 * on the ones used here), to see where a discovered pod is scraped.
 */
function relabel(rules: any[], input: { [label: string]: string }): { [label: string]: string } | undefined {
  let labels = { ...input };
  for (const rule of rules) {
    const action = rule.action ?? 'replace';
    const regex = new RegExp(`^(?:${rule.regex ?? '(.*)'})$`);
    const value = (rule.source_labels ?? []).map((l: string) => labels[l] ?? '').join(rule.separator ?? ';');
    if (action === 'keep' && !regex.test(value)) {
      return undefined;
    }
    if (action === 'drop' && regex.test(value)) {
      return undefined;
    }
    if (action === 'replace') {
      const m = value.match(regex);
      if (m) {
        labels[rule.target_label] = (rule.replacement ?? '$1').replace(/\$(\d)/g, (_: string, i: string) => m[Number(i)] ?? '');
      }
    }
    if (action === 'labelmap') {
      for (const [name, v] of Object.entries(labels)) {
        const m = name.match(regex);
        if (m) {
          labels[(rule.replacement ?? '$1').replace(/\$(\d)/g, (_: string, i: string) => m[Number(i)] ?? '')] = v;
        }
      }
    }
  }
  labels = Object.fromEntries(Object.entries(labels).filter(([k]) => !k.startsWith('__meta_')));
  return labels;
}

describe('Prometheus', () => {
  test('renders a Deployment, Service, ServiceAccount, read-only discovery RBAC and its config', () => {
    // GIVEN
    const mesh = newMesh();
    newService(mesh, 'reviews', ['v1']);
    // WHEN
    const stack = new TelemetryStack(mesh, 'Telemetry');
    const manifests = MeshTesting.synth(mesh);
    // THEN
    expect(stack.prometheus!.url).toEqual('http://prometheus.istio-system.svc.cluster.local:9090');
    const deployment = MeshTesting.find(manifests, 'Deployment', 'prometheus');
    const container = deployment.spec.template.spec.containers[0];
    expect(container.image).toEqual('docker.io/prom/prometheus:v3.10.0');
    expect(container.args).toEqual(['--config.file=/etc/prometheus/prometheus.yml', '--storage.tsdb.path=/prometheus', '--storage.tsdb.retention.time=15d']);
    expect(container.resources).toEqual({ requests: { cpu: '100m', memory: '512Mi' }, limits: { memory: '2Gi' } });
    expect(deployment.spec.strategy).toEqual({ type: 'Recreate' });
    expect(deployment.spec.template.metadata.labels['sidecar.istio.io/inject']).toEqual('false');
    expect(deployment.spec.template.spec.serviceAccountName).toEqual('prometheus');
    expect(deployment.spec.template.spec.volumes).toEqual([
      { name: 'config', configMap: { name: 'prometheus' } },
      { name: 'data', emptyDir: {} },
    ]);
    expect(MeshTesting.find(manifests, 'Service', 'prometheus').spec.ports).toEqual([{ name: 'http', port: 9090, targetPort: 9090, protocol: 'TCP' }]);
    expect(MeshTesting.find(manifests, 'ClusterRole', 'prometheus-istio-system').rules).toEqual([
      { apiGroups: [''], resources: ['pods', 'services', 'endpoints'], verbs: ['get', 'list', 'watch'] },
      { apiGroups: ['discovery.k8s.io'], resources: ['endpointslices'], verbs: ['get', 'list', 'watch'] },
    ]);
    expect(MeshTesting.find(manifests, 'ClusterRoleBinding', 'prometheus-istio-system').subjects).toEqual([{ kind: 'ServiceAccount', name: 'prometheus', namespace: 'istio-system' }]);
    expect(validateManifests(manifests)).toEqual([]);
  });

  test('resources as given: CPU and memory requests and limits', () => {
    // GIVEN
    const mesh = newMesh();
    // WHEN
    new TelemetryStack(mesh, 'Telemetry', {
      prometheus: {
        resources: {
          cpu: { request: kplus.Cpu.millis(250), limit: kplus.Cpu.units(2) },
          memory: { request: Size.gibibytes(1), limit: Size.mebibytes(1536) },
        },
      },
    });
    // THEN
    const container = MeshTesting.find(MeshTesting.synth(mesh), 'Deployment', 'prometheus').spec.template.spec.containers[0];
    expect(container.resources).toEqual({ requests: { cpu: '250m', memory: '1Gi' }, limits: { cpu: '2', memory: '1536Mi' } });
  });

  test('the generated config passes promtool check config', () => {
    // GIVEN a mesh with a canary control plane, services in two namespaces and an extra namespace
    const mesh = newMesh();
    mesh.addControlPlane('canary', { revision: 'canary' });
    newService(mesh, 'reviews', ['v1', 'v2']);
    newService(mesh, 'ratings', ['v1'], { namespace: 'backend' });
    new TelemetryStack(mesh, 'Telemetry', { prometheus: { extraNamespaces: ['legacy'], scrapeInterval: Duration.seconds(30), retention: Duration.hours(12) } });
    // WHEN
    const { yaml, sdErrors } = forPromtool(prometheusConfig(MeshTesting.synth(mesh)));
    const result = promtool(['check', 'config', 'prometheus.yml'], { 'prometheus.yml': yaml });
    // THEN: Kubernetes discovery blocks are checked here (promtool 2.42+ds lacks it), everything else by promtool
    expect(sdErrors).toEqual([]);
    expect(result.output).toContain('SUCCESS');
    expect(result.status).toEqual(0);
  });

  test('promtool rejects a config that breaks its rules (the check can fail)', () => {
    const mesh = newMesh();
    new TelemetryStack(mesh, 'Telemetry');
    const config = prometheusConfig(MeshTesting.synth(mesh));
    config.scrape_configs[1].relabel_configs[0].regex = '(unclosed';
    const result = promtool(['check', 'config', 'prometheus.yml'], { 'prometheus.yml': forPromtool(config).yaml });
    expect(result.status).not.toEqual(0);
    expect(result.output).toContain('missing closing )');
  });

  test('the Kubernetes discovery check rejects unknown fields and roles', () => {
    expect(kubernetesSdErrors({ role: 'pods', namespace: { names: ['a'] } })).toEqual([
      "unknown field 'namespace'",
      "role 'pods' is not a Kubernetes discovery role",
    ]);
    expect(kubernetesSdErrors({ role: 'pod', namespaces: { names: ['Not_A_Label'], own: true } })).toEqual([
      "unknown field 'namespaces.own'",
      "namespace 'Not_A_Label' is not a DNS label",
    ]);
  });

  test('scrapes istiod of every revision, and the annotated pods of the mesh\'s namespaces only', () => {
    // GIVEN
    const mesh = newMesh();
    mesh.addControlPlane('canary', { revision: 'canary' });
    new TelemetryStack(mesh, 'Telemetry', { namespace: 'observability', prometheus: { extraNamespaces: ['legacy'] } });
    // services added after the stack are scraped too
    newService(mesh, 'ratings', ['v1'], { namespace: 'backend' });
    // WHEN
    const config = prometheusConfig(MeshTesting.synth(mesh));
    // THEN
    expect(config.global).toEqual({ scrape_interval: '15s', scrape_timeout: '10s', evaluation_interval: '1m' });
    expect(config.scrape_configs.map((j: any) => j.job_name)).toEqual(['istiod', 'mesh-pods', 'prometheus']);
    const [istiod, pods] = config.scrape_configs;
    expect(istiod.kubernetes_sd_configs).toEqual([{ role: 'endpointslice', namespaces: { names: ['istio-system'] } }]);
    expect(istiod.relabel_configs[0].regex).toEqual('(istiod|istiod-canary);http-monitoring');
    // (istio-cni: the Istio CNI node agent's, whose pods publish metrics)
    expect(pods.kubernetes_sd_configs).toEqual([{ role: 'pod', namespaces: { names: ['backend', 'istio-cni', 'istio-system', 'legacy', 'observability'] } }]);
  });

  test('relabelling scrapes a proxy at :15020/stats/prometheus, IPv4 and IPv6, and skips the rest', () => {
    const mesh = newMesh();
    new TelemetryStack(mesh, 'Telemetry');
    const rules = prometheusConfig(MeshTesting.synth(mesh)).scrape_configs[1].relabel_configs;
    const pod = (ip: string, extra: { [k: string]: string } = {}) => ({
      __address__: `${ip.includes(':') ? `[${ip}]` : ip}:9080`,
      __metrics_path__: '/metrics',
      __scheme__: 'http',
      __meta_kubernetes_namespace: 'default',
      __meta_kubernetes_pod_name: 'reviews-v1-abc',
      __meta_kubernetes_pod_ip: ip,
      __meta_kubernetes_pod_phase: 'Running',
      __meta_kubernetes_pod_label_app: 'reviews',
      __meta_kubernetes_pod_label_version: 'v1',
      __meta_kubernetes_pod_annotation_prometheus_io_scrape: 'true',
      __meta_kubernetes_pod_annotation_prometheus_io_port: '15020',
      __meta_kubernetes_pod_annotation_prometheus_io_path: '/stats/prometheus',
      ...extra,
    });
    expect(relabel(rules, pod('10.1.2.3'))).toEqual({
      __address__: '10.1.2.3:15020',
      __metrics_path__: '/stats/prometheus',
      __scheme__: 'http',
      app: 'reviews',
      version: 'v1',
      namespace: 'default',
      pod: 'reviews-v1-abc',
    });
    expect(relabel(rules, pod('fd00::1:2'))!.__address__).toEqual('[fd00::1:2]:15020');
    expect(relabel(rules, pod('10.1.2.3', { __meta_kubernetes_pod_annotation_prometheus_io_scrape: 'false' }))).toBeUndefined();
    expect(relabel(rules, pod('10.1.2.3', { __meta_kubernetes_pod_phase: 'Succeeded' }))).toBeUndefined();
    expect(relabel(rules, pod('10.1.2.3', { __meta_kubernetes_pod_label_app: 'istiod' }))).toBeUndefined();
  });

  test('retention, size, scrape interval and a persistent volume', () => {
    // GIVEN
    const mesh = newMesh();
    // WHEN
    new TelemetryStack(mesh, 'Telemetry', {
      prometheus: {
        retention: Duration.days(30),
        retentionSize: Size.gibibytes(40),
        scrapeInterval: Duration.seconds(5),
        storage: PrometheusStorage.persistentVolume({ size: Size.gibibytes(50), storageClassName: 'fast' }),
        version: 'v3.9.0',
        image: 'registry.example/prometheus',
      },
    });
    const manifests = MeshTesting.synth(mesh);
    // THEN
    const container = MeshTesting.find(manifests, 'Deployment', 'prometheus').spec.template.spec.containers[0];
    expect(container.image).toEqual('registry.example/prometheus:v3.9.0');
    expect(container.args).toContain('--storage.tsdb.retention.time=30d');
    expect(container.args).toContain('--storage.tsdb.retention.size=40GB');
    expect(MeshTesting.find(manifests, 'Deployment', 'prometheus').spec.template.spec.volumes[1]).toEqual({ name: 'data', persistentVolumeClaim: { claimName: 'prometheus' } });
    expect(MeshTesting.find(manifests, 'PersistentVolumeClaim', 'prometheus').spec).toEqual({
      accessModes: ['ReadWriteOnce'],
      storageClassName: 'fast',
      resources: { requests: { storage: '50Gi' } },
    });
    expect(prometheusConfig(manifests).global).toEqual({ scrape_interval: '5s', scrape_timeout: '5s', evaluation_interval: '1m' });
    expect(validateManifests(manifests)).toEqual([]);
  });

  test('a service on a TCP port is scraped like any other', () => {
    const mesh = newMesh();
    new TelemetryStack(mesh, 'Telemetry');
    const db = new MeshService(mesh, 'db', { ports: [{ port: 5432, protocol: Protocol.TCP }] });
    db.addVersion('v1', { image: 'postgres:16' });
    expect(prometheusConfig(MeshTesting.synth(mesh)).scrape_configs[1].kubernetes_sd_configs[0].namespaces.names).toContain('default');
  });

  test.each([
    ['retention below a second', { retention: Duration.millis(10) }, '[mesh-telemetry/Prometheus] [MESH0422] retention 10ms is below a second: keep samples for at least a second (the default is 15 days)'],
    ['scrape interval below a second', { scrapeInterval: Duration.millis(500) }, '[mesh-telemetry/Prometheus] [MESH0422] scrapeInterval 500ms is below a second: scrape at most once a second'],
    ['retention size not whole MiB', { retentionSize: Size.kibibytes(1500) }, '[mesh-telemetry/Prometheus] [MESH0421] retentionSize 1500Ki is not a whole number of MiB: use Size.mebibytes() or Size.gibibytes()'],
    ['extra namespace not a DNS label', { extraNamespaces: ['Bad_NS'] },
      "[mesh-telemetry/Prometheus] [MESH0001] extraNamespaces 'Bad_NS' is not a valid DNS label: use at most 63 lowercase letters, digits and '-', starting and ending with a letter or digit"],
  ])('fails on %s', (_, prometheus, message) => {
    const mesh = newMesh();
    new TelemetryStack(mesh, 'Telemetry', { prometheus });
    expect(synthErrors(mesh)).toEqual([message]);
  });

  test('fails on every mistake of its options in one run', () => {
    const mesh = newMesh();
    new TelemetryStack(mesh, 'Telemetry', { prometheus: { retention: Duration.millis(10), scrapeInterval: Duration.millis(500), retentionSize: Size.kibibytes(1500) } });
    expect(synthErrors(mesh)).toEqual([
      '[mesh-telemetry/Prometheus] [MESH0422] retention 10ms is below a second: keep samples for at least a second (the default is 15 days)',
      '[mesh-telemetry/Prometheus] [MESH0422] scrapeInterval 500ms is below a second: scrape at most once a second',
      '[mesh-telemetry/Prometheus] [MESH0421] retentionSize 1500Ki is not a whole number of MiB: use Size.mebibytes() or Size.gibibytes()',
    ]);
  });

  test('fails on a persistent volume without a size', () => {
    expect(() => PrometheusStorage.persistentVolume({ size: Size.kibibytes(1) })).toThrow(
      '[MESH0421] PrometheusStorage.persistentVolume: size is below 1Mi: give the volume a size, e.g. Size.gibibytes(20)');
  });
});

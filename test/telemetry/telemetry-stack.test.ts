import { Duration, Testing } from 'cdk8s';
import * as YAML from 'yaml';
import { AccessLogEncoding, Mesh, MeshTesting, PolicyScope, TelemetryPolicy, TelemetryStack, TracingBackend } from '../../src';
import { podSecurityLabels } from '../support/pod-security';
import { validateManifests } from '../support/schemas';
import { openMesh, newService, ofKind, synthErrors } from '../support/util';

function meshConfig(manifests: any[]): any {
  return YAML.parse(MeshTesting.find(manifests, 'ConfigMap', 'istio').data.mesh);
}

describe('TelemetryStack', () => {
  test('is a layer of its own, after the namespaces it needs, written last', () => {
    // GIVEN
    const app = Testing.app();
    const mesh = new Mesh(app, 'shop');
    newService(mesh, 'reviews', ['v1']);
    // WHEN
    new TelemetryStack(mesh, 'Telemetry');
    // THEN
    expect(app.charts.map(c => c.node.id)).toEqual(['shop-crds', 'shop-namespaces', 'shop-control-plane', 'shop', 'shop-telemetry']);
    expect(mesh.charts).toEqual(app.charts);
    const telemetry = Testing.synth(app.charts[4]);
    expect(telemetry.map(m => `${m.kind}/${m.metadata.name}`)).toEqual([
      'ServiceAccount/prometheus',
      'ClusterRole/prometheus-istio-system',
      'ClusterRoleBinding/prometheus-istio-system',
      'ConfigMap/prometheus',
      'Deployment/prometheus',
      'Service/prometheus',
      'ConfigMap/grafana',
      'ConfigMap/grafana-datasources',
      'ConfigMap/grafana-dashboard-providers',
      'ConfigMap/grafana-dashboard-mesh',
      'Deployment/grafana',
      'Service/grafana',
      'ConfigMap/grafana-dashboard-default.reviews',
      'NetworkPolicy/telemetry-prometheus',
      'NetworkPolicy/telemetry-grafana',
    ]);
  });

  test('a mesh without a stack has no telemetry layer', () => {
    const app = Testing.app();
    new Mesh(app, 'shop');
    expect(app.charts.map(c => c.node.id)).toEqual(['shop-crds', 'shop-namespaces', 'shop-control-plane', 'shop']);
  });

  test('by default: Prometheus and Grafana, no tracing, access logs or Kiali', () => {
    // GIVEN
    const mesh = openMesh();
    // WHEN
    const stack = new TelemetryStack(mesh, 'Telemetry');
    const manifests = MeshTesting.synth(mesh);
    // THEN
    expect(mesh.telemetry).toBe(stack);
    expect(stack.namespace).toEqual('istio-system');
    expect(stack.prometheus).toBeDefined();
    expect(stack.grafana).toBeDefined();
    expect([stack.tracing, stack.kiali, stack.meshPolicy]).toEqual([undefined, undefined, undefined]);
    expect(ofKind(manifests, 'Telemetry')).toEqual([]);
    expect(mesh.extensionProviderNames).toEqual(['prometheus', 'envoy']);
    expect(ofKind(manifests, 'Deployment').map(d => d.metadata.name)).toEqual(['istiod', 'prometheus', 'grafana']);
  });

  test('each part can be turned off', () => {
    const mesh = openMesh();
    const stack = new TelemetryStack(mesh, 'Telemetry', { prometheus: { enabled: false }, grafana: { enabled: false } });
    expect([stack.prometheus, stack.grafana]).toEqual([undefined, undefined]);
    expect(ofKind(MeshTesting.synth(mesh), 'Deployment').map(d => d.metadata.name)).toEqual(['istiod']);
  });

  test('the whole stack: Jaeger as the tracing provider, mesh-wide sampling and access logs, Kiali, every object valid', () => {
    // GIVEN
    const mesh = openMesh();
    newService(mesh, 'reviews', ['v1', 'v2']);
    // WHEN
    const stack = new TelemetryStack(mesh, 'Telemetry', {
      namespace: 'observability',
      tracing: TracingBackend.jaeger({ maxTraces: 1000 }),
      samplingPercentage: 10,
      accessLogging: { filter: 'response.code >= 400' },
      kiali: { grafanaExternalUrl: 'https://grafana.example.com' },
    });
    const manifests = MeshTesting.synth(mesh);
    // THEN the mesh config names the collector as an extension provider
    expect(mesh.extensionProviderNames).toEqual(['prometheus', 'envoy', 'jaeger']);
    expect(meshConfig(manifests).extensionProviders).toEqual([
      { name: 'prometheus', prometheus: {} },
      { name: 'envoy', envoyFileAccessLog: { path: '/dev/stdout' } },
      { name: 'jaeger', opentelemetry: { service: 'jaeger-collector.observability.svc.cluster.local', port: 4317 } },
    ]);
    // and the mesh-wide Telemetry object uses it
    expect(MeshTesting.find(manifests, 'Telemetry', 'mesh-default')).toEqual({
      apiVersion: 'telemetry.istio.io/v1',
      kind: 'Telemetry',
      metadata: { name: 'mesh-default', namespace: 'istio-system' },
      spec: {
        tracing: [{ providers: [{ name: 'jaeger' }], randomSamplingPercentage: 10 }],
        accessLogging: [{ providers: [{ name: 'envoy' }], filter: { expression: 'response.code >= 400' } }],
      },
    });
    expect(stack.meshPolicy!.scope.service).toBeUndefined();
    // the stack's namespace is rendered, outside injection, enforcing Pod Security "restricted"
    const ns = MeshTesting.find(manifests, 'Namespace', 'observability');
    expect(ns.metadata.labels).toEqual(podSecurityLabels('restricted'));
    expect(ofKind(manifests, 'Deployment').map(d => `${d.metadata.namespace}/${d.metadata.name}`)).toEqual(expect.arrayContaining([
      'observability/jaeger', 'observability/prometheus', 'observability/grafana', 'observability/kiali',
    ]));
    // every telemetry pod stays out of the mesh and runs non-root on a read-only root filesystem
    for (const d of ofKind(manifests, 'Deployment').filter(x => x.metadata.namespace === 'observability')) {
      const pod = d.spec.template;
      expect(pod.metadata.labels['sidecar.istio.io/inject']).toEqual('false');
      expect(pod.spec.securityContext.runAsNonRoot).toEqual(true);
      expect(pod.spec.containers[0].securityContext).toEqual({ allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] }, readOnlyRootFilesystem: true });
      expect(pod.metadata.annotations['cdk8s-mesh.io/config-hash']).toMatch(/^[0-9a-f]{16}$/);
    }
    expect(validateManifests(manifests)).toEqual([]);
    expect(mesh.analyze()).toEqual([]);
  });

  test('each part exposes its main object as resource: Prometheus\'s, Grafana\'s and Kiali\'s Deployment, the mesh policy\'s Telemetry', () => {
    // GIVEN
    const mesh = openMesh();
    // WHEN
    const stack = new TelemetryStack(mesh, 'Telemetry', { kiali: {}, accessLogging: {} });
    // THEN
    expect([stack.prometheus!.resource, stack.grafana!.resource, stack.kiali!.resource, stack.meshPolicy!.resource!].map(r => `${r.kind}/${r.name}`))
      .toEqual(['Deployment/prometheus', 'Deployment/grafana', 'Deployment/kiali', 'Telemetry/mesh-default']);
    expect([stack.prometheus!, stack.grafana!, stack.kiali!].map(part => part.resource.node.id)).toEqual(['Resource', 'Resource', 'Resource']);
  });

  test('Jaeger: OTLP and Zipkin ports, its UI at /jaeger behind the `tracing` Service, in-memory storage', () => {
    const mesh = openMesh();
    new TelemetryStack(mesh, 'Telemetry', { tracing: TracingBackend.jaeger({ maxTraces: 1000, version: '2.13.0' }) });
    const manifests = MeshTesting.synth(mesh);
    const container = MeshTesting.find(manifests, 'Deployment', 'jaeger').spec.template.spec.containers[0];
    expect(container.image).toEqual('docker.io/jaegertracing/jaeger:2.13.0');
    expect(container.args).toEqual(['--config', '/etc/jaeger/config.yaml']);
    expect(container.ports.map((p: any) => p.containerPort)).toEqual([16686, 4317, 4318, 9411, 8888, 13133]);
    expect(container.readinessProbe.httpGet).toEqual({ path: '/status', port: 13133 });
    expect(MeshTesting.find(manifests, 'Service', 'tracing').spec.ports).toEqual([{ name: 'http-query', port: 80, targetPort: 16686, protocol: 'TCP' }]);
    expect(MeshTesting.find(manifests, 'Service', 'jaeger-collector').spec.ports.map((p: any) => `${p.name}:${p.port}`)).toEqual(['grpc-otlp:4317', 'http-otlp:4318', 'http-zipkin:9411']);
    expect(MeshTesting.find(manifests, 'Service', 'zipkin').spec.ports.map((p: any) => p.port)).toEqual([9411]);
    const config = YAML.parse(MeshTesting.find(manifests, 'ConfigMap', 'jaeger').data['config.yaml']);
    expect(config.service.pipelines.traces).toEqual({ receivers: ['otlp', 'zipkin'], processors: ['batch'], exporters: ['jaeger_storage_exporter'] });
    expect(config.extensions.jaeger_storage).toEqual({ backends: { memory_store: { memory: { max_traces: 1000 } } } });
    expect(config.extensions.jaeger_query).toEqual({ base_path: '/jaeger', storage: { traces: 'memory_store' } });
    expect(config.exporters.jaeger_storage_exporter).toEqual({ trace_storage: 'memory_store' });
    // every pipeline component is defined
    for (const [kind, names] of Object.entries(config.service.pipelines.traces) as [string, string[]][]) {
      for (const name of names) {
        expect(config[kind][name]).toBeDefined();
      }
    }
    for (const name of config.service.extensions) {
      expect(config.extensions[name]).toBeDefined();
    }
  });

  test('Zipkin: one Service for spans and UI, and the zipkin provider', () => {
    const mesh = openMesh();
    new TelemetryStack(mesh, 'Telemetry', { tracing: TracingBackend.zipkin({ maxSpans: 1000 }), kiali: {} });
    const manifests = MeshTesting.synth(mesh);
    expect(meshConfig(manifests).extensionProviders[2]).toEqual({ name: 'zipkin', zipkin: { service: 'zipkin.istio-system.svc.cluster.local', port: 9411 } });
    const container = MeshTesting.find(manifests, 'Deployment', 'zipkin').spec.template.spec.containers[0];
    expect(container.image).toEqual('docker.io/openzipkin/zipkin-slim:3.5.1');
    expect(container.env).toEqual([
      { name: 'STORAGE_TYPE', value: 'mem' },
      { name: 'MEM_MAX_SPANS', value: '1000' },
      { name: 'JAVA_OPTS', value: '-XX:+ExitOnOutOfMemoryError' },
    ]);
    expect(YAML.parse(MeshTesting.find(manifests, 'ConfigMap', 'grafana-datasources').data['datasources.yaml']).datasources[1])
      .toEqual({ name: 'Tracing', uid: 'tracing', type: 'zipkin', access: 'proxy', url: 'http://zipkin.istio-system.svc.cluster.local:9411', editable: false });
    // Kiali reads Jaeger only
    expect(YAML.parse(MeshTesting.find(manifests, 'ConfigMap', 'kiali').data['config.yaml']).external_services.tracing).toEqual({ enabled: false });
    expect(validateManifests(manifests)).toEqual([]);
  });

  test('an OpenTelemetry collector elsewhere: a provider, nothing to run', () => {
    const mesh = openMesh();
    new TelemetryStack(mesh, 'Telemetry', { tracing: TracingBackend.openTelemetry({ host: 'otel-collector.observability.svc.cluster.local', providerName: 'otel-traces' }) });
    const manifests = MeshTesting.synth(mesh);
    expect(meshConfig(manifests).extensionProviders[2]).toEqual({ name: 'otel-traces', opentelemetry: { service: 'otel-collector.observability.svc.cluster.local', port: 4317 } });
    expect(MeshTesting.find(manifests, 'Telemetry', 'mesh-default').spec.tracing).toEqual([{ providers: [{ name: 'otel-traces' }], randomSamplingPercentage: 1 }]);
    expect(YAML.parse(MeshTesting.find(manifests, 'ConfigMap', 'grafana-datasources').data['datasources.yaml']).datasources).toHaveLength(1);
    expect(ofKind(manifests, 'Deployment').map(d => d.metadata.name)).toEqual(['istiod', 'prometheus', 'grafana']);
  });

  test('JSON access logs redefine the envoy provider with named fields', () => {
    const mesh = openMesh();
    new TelemetryStack(mesh, 'Telemetry', { accessLogging: { encoding: AccessLogEncoding.JSON } });
    const manifests = MeshTesting.synth(mesh);
    const envoy = meshConfig(manifests).extensionProviders.find((p: any) => p.name === 'envoy');
    expect(envoy.envoyFileAccessLog.path).toEqual('/dev/stdout');
    expect(envoy.envoyFileAccessLog.logFormat.labels).toMatchObject({ response_code: '%RESPONSE_CODE%', duration: '%DURATION%', trace_id: '%TRACE_ID%', authority: '%REQ(:AUTHORITY)%' });
    expect(MeshTesting.find(manifests, 'Telemetry', 'mesh-default').spec).toEqual({ accessLogging: [{ providers: [{ name: 'envoy' }] }] });
  });

  test('Kiali: view-only, token login, read-only RBAC, wired to Prometheus, Grafana and Jaeger', () => {
    // GIVEN
    const mesh = openMesh({ controlPlane: { revision: 'blue' } });
    // WHEN
    const stack = new TelemetryStack(mesh, 'Telemetry', { tracing: TracingBackend.jaeger(), kiali: { version: 'v2.16.0' } });
    const manifests = MeshTesting.synth(mesh);
    // THEN
    expect(stack.kiali!.url).toEqual('http://kiali.istio-system.svc.cluster.local:20001/kiali');
    const config = YAML.parse(MeshTesting.find(manifests, 'ConfigMap', 'kiali').data['config.yaml']);
    expect(config.auth).toEqual({ strategy: 'token' });
    expect(config.deployment.view_only_mode).toEqual(true);
    expect(config.external_services).toEqual({
      istio: {
        root_namespace: 'istio-system',
        config_map_name: 'istio-blue',
        istiod_deployment_name: 'istiod-blue',
        istio_sidecar_injector_config_map_name: 'istio-sidecar-injector-blue',
        url_service_version: 'http://istiod-blue.istio-system:15014/version',
      },
      prometheus: { url: 'http://prometheus.istio-system.svc.cluster.local:9090' },
      grafana: { enabled: true, internal_url: 'http://grafana.istio-system.svc.cluster.local:3000', external_url: '' },
      tracing: { enabled: true, provider: 'jaeger', internal_url: 'http://tracing.istio-system.svc.cluster.local:80/jaeger', use_grpc: false },
    });
    const writes = MeshTesting.find(manifests, 'ClusterRole', 'kiali-istio-system').rules
      .filter((r: any) => r.verbs.some((v: string) => ['update', 'patch', 'delete', 'deletecollection'].includes(v)));
    expect(writes).toEqual([]);
    const container = MeshTesting.find(manifests, 'Deployment', 'kiali').spec.template.spec.containers[0];
    expect(container.image).toEqual('quay.io/kiali/kiali:v2.16.0');
    expect(container.command.slice(0, 2)).toEqual(['/bin/sh', '-c']);
    expect(container.command[2]).toMatch(/ && exec \/opt\/kiali\/kiali -config \/kiali-configuration\/config.yaml$/);
    expect(validateManifests(manifests)).toEqual([]);
  });

  test('the telemetry pods are scraped by the stack\'s Prometheus through their annotations', () => {
    const mesh = openMesh();
    new TelemetryStack(mesh, 'Telemetry', { tracing: TracingBackend.jaeger(), kiali: {} });
    const manifests = MeshTesting.synth(mesh);
    expect(MeshTesting.find(manifests, 'Deployment', 'jaeger').spec.template.metadata.annotations).toMatchObject({ 'prometheus.io/scrape': 'true', 'prometheus.io/port': '8888' });
    expect(MeshTesting.find(manifests, 'Deployment', 'kiali').spec.template.metadata.annotations).toMatchObject({ 'prometheus.io/scrape': 'true', 'prometheus.io/port': '9090' });
  });

  test('the config hash follows the config: a changed scrape interval rolls Prometheus', () => {
    const hash = (scrapeSeconds: number) => {
      const mesh = openMesh();
      new TelemetryStack(mesh, 'Telemetry', { prometheus: { scrapeInterval: Duration.seconds(scrapeSeconds) } });
      return MeshTesting.find(MeshTesting.synth(mesh), 'Deployment', 'prometheus').spec.template.metadata.annotations['cdk8s-mesh.io/config-hash'];
    };
    expect(hash(15)).toEqual(hash(15));
    expect(hash(15)).not.toEqual(hash(30));
  });

  test('snapshot of the whole stack', () => {
    const app = Testing.app();
    const mesh = new Mesh(app, 'shop', { installCrds: false });
    newService(mesh, 'reviews', ['v1', 'v2']);
    new TelemetryStack(mesh, 'Telemetry', { tracing: TracingBackend.jaeger(), samplingPercentage: 5, accessLogging: {}, kiali: {} });
    expect(Testing.synth(app.charts.find(c => c.node.id === 'shop-telemetry')!)).toMatchSnapshot();
  });

  test.each([
    ['a second stack', (mesh: Mesh) => { new TelemetryStack(mesh, 'One'); new TelemetryStack(mesh, 'Two'); },
      ['[mesh/Two] [MESH0400] the mesh already has a telemetry stack (mesh/One): a mesh has one; configure its parts there']],
    ['sampling above 100', (mesh: Mesh) => new TelemetryStack(mesh, 'T', { tracing: TracingBackend.jaeger(), samplingPercentage: 101 }),
      ['[mesh/T] [MESH0002] samplingPercentage 101 is not a percentage: use a number from 0 to 100']],
    ['sampling without tracing', (mesh: Mesh) => new TelemetryStack(mesh, 'T', { samplingPercentage: 5 }),
      ['[mesh/T] [MESH0401] samplingPercentage 5 is set without a tracing backend: add tracing: TracingBackend.jaeger() (or zipkin(), openTelemetry())']],
    ['Grafana without Prometheus', (mesh: Mesh) => new TelemetryStack(mesh, 'T', { prometheus: { enabled: false } }),
      ["[mesh/T] [MESH0402] grafana reads the stack's Prometheus, which is disabled: enable prometheus, or set grafana: { enabled: false }"]],
    ['Kiali without Prometheus', (mesh: Mesh) => new TelemetryStack(mesh, 'T', { prometheus: { enabled: false }, grafana: { enabled: false }, kiali: {} }),
      ["[mesh/T] [MESH0402] kiali reads the stack's Prometheus, which is disabled: enable prometheus, or set kiali: { enabled: false }"]],
    ['a tracing provider named like a built-in', (mesh: Mesh) => new TelemetryStack(mesh, 'T', { tracing: TracingBackend.openTelemetry({ host: 'otel.example', providerName: 'envoy' }) }),
      ["[mesh/T] [MESH0403] tracing provider name 'envoy' is one of the mesh's built-in providers (prometheus, envoy): give it another providerName"]],
    ['Jaeger keeping no traces', (mesh: Mesh) => new TelemetryStack(mesh, 'T', { tracing: TracingBackend.jaeger({ maxTraces: 0 }) }),
      ['[mesh-telemetry/Tracing] [MESH0423] maxTraces 0 is invalid: use a whole number of at least 1']],
    ['Zipkin keeping no spans', (mesh: Mesh) => new TelemetryStack(mesh, 'T', { tracing: TracingBackend.zipkin({ maxSpans: 1.5 }) }),
      ['[mesh-telemetry/Tracing] [MESH0423] maxSpans 1.5 is invalid: use a whole number of at least 1']],
    ['a version that is not an image tag', (mesh: Mesh) => new TelemetryStack(mesh, 'T', { grafana: { version: '12.2 latest' } }),
      ["[mesh-telemetry/Grafana] [MESH0005] version '12.2 latest' is not a valid image tag: use letters, digits, '.', '_' and '-' (at most 128)"]],
    ['an image with a tag', (mesh: Mesh) => new TelemetryStack(mesh, 'T', { tracing: TracingBackend.jaeger({ image: 'jaegertracing/jaeger:2.14.0' }) }),
      ["[mesh-telemetry/Tracing] [MESH0424] image 'jaegertracing/jaeger:2.14.0' is not an image repository: give one without tag, e.g. 'registry.example.com/team/jaeger'"]],
    ['a namespace that is not a DNS label', (mesh: Mesh) => new TelemetryStack(mesh, 'T', { namespace: 'Observability' }),
      ["[mesh/T] [MESH0001] namespace 'Observability' is not a valid DNS label: use at most 63 lowercase letters, digits and '-', starting and ending with a letter or digit"]],
  ])('fails on %s', (_, build, errors) => {
    const mesh = openMesh();
    build(mesh);
    expect(synthErrors(mesh)).toEqual(errors);
  });

  test('fails on every mistake of the stack and its parts in one run', () => {
    // GIVEN
    const mesh = openMesh();
    // WHEN sampling is out of range and set without tracing, and Grafana and Kiali lack Prometheus
    new TelemetryStack(mesh, 'T', { samplingPercentage: 150, prometheus: { enabled: false }, kiali: {} });
    // THEN every one is reported
    expect(synthErrors(mesh)).toEqual([
      '[mesh/T] [MESH0002] samplingPercentage 150 is not a percentage: use a number from 0 to 100',
      '[mesh/T] [MESH0401] samplingPercentage 150 is set without a tracing backend: add tracing: TracingBackend.jaeger() (or zipkin(), openTelemetry())',
      "[mesh/T] [MESH0402] grafana reads the stack's Prometheus, which is disabled: enable prometheus, or set grafana: { enabled: false }",
      "[mesh/T] [MESH0402] kiali reads the stack's Prometheus, which is disabled: enable prometheus, or set kiali: { enabled: false }",
    ]);
  });

  test('fails on every mistake of the tracing backend in one run', () => {
    const mesh = openMesh();
    new TelemetryStack(mesh, 'T', { tracing: TracingBackend.jaeger({ maxTraces: -1, image: 'jaegertracing/jaeger:2.14.0', version: 'two words' }) });
    expect(synthErrors(mesh)).toEqual([
      '[mesh-telemetry/Tracing] [MESH0423] maxTraces -1 is invalid: use a whole number of at least 1',
      "[mesh-telemetry/Tracing] [MESH0005] version 'two words' is not a valid image tag: use letters, digits, '.', '_' and '-' (at most 128)",
      "[mesh-telemetry/Tracing] [MESH0424] image 'jaegertracing/jaeger:2.14.0' is not an image repository: give one without tag, e.g. 'registry.example.com/team/jaeger'",
    ]);
  });

  test.each([
    ['a host that is not a DNS name', { host: 'otel collector' }, "[MESH0001] TracingBackend.openTelemetry: host 'otel collector' is not a valid DNS name"],
    ['a port out of range', { host: 'otel.example', port: 70000 }, 'TracingBackend.openTelemetry: port 70000'],
  ])('TracingBackend.openTelemetry fails on %s', (_, options, message) => {
    expect(() => TracingBackend.openTelemetry(options)).toThrow(message);
  });

  test('fails on a TelemetryPolicy for the whole mesh beside the stack\'s', () => {
    const mesh = openMesh();
    new TelemetryStack(mesh, 'Telemetry', { accessLogging: {} });
    new TelemetryPolicy(mesh, 'Mine', { scope: PolicyScope.mesh(), tracing: { samplingPercentage: 5 } });
    expect(synthErrors(mesh)).toEqual([
      "[mesh/Mine] [MESH0310] tracing is set, but the mesh has no tracing backend to send spans to: add one with the TelemetryStack's tracing prop (e.g. tracing: TracingBackend.jaeger()), or drop tracing from this TelemetryPolicy",
      '[mesh/Mine] [MESH0410] the whole mesh already has a TelemetryPolicy (mesh/Telemetry/MeshPolicy): Istio applies one Telemetry per scope, so set tracing and access logging on that one',
    ]);
  });
});

/**
 * Telemetry inputs that are accepted by the cluster but do not do what was asked: each is a coded error naming
 * the prop, and its legal neighbour synthesizes cleanly.
 */
import { Size } from 'cdk8s';
import { MeshTesting, PolicyScope, PrometheusStorage, TelemetryPolicy, TelemetryStack, TracingBackend } from '../../src';
import { validateManifests } from '../support/schemas';
import { newMesh, newService, synthErrors } from '../support/util';

describe('TelemetryPolicy', () => {
  test('fails on a sampling percentage with span reporting disabled (MESH0433)', () => {
    const mesh = newMesh();
    new TelemetryPolicy(mesh, 'policy', { scope: PolicyScope.mesh(), tracing: { disabled: true, samplingPercentage: 10 } });
    expect(synthErrors(mesh)).toEqual([
      '[mesh/policy] [MESH0433] tracing.samplingPercentage 10 is given with disabled true, which reports no span of these workloads: drop samplingPercentage, or drop disabled',
    ]);
  });

  test('accepts span reporting disabled alone, and a sampling percentage with disabled false', () => {
    const mesh = newMesh();
    const web = newService(mesh, 'web');
    new TelemetryStack(mesh, 'telemetry', { tracing: TracingBackend.jaeger() });
    new TelemetryPolicy(mesh, 'policy', { scope: PolicyScope.workload(web), tracing: { disabled: true } });
    new TelemetryPolicy(mesh, 'ns', { scope: PolicyScope.namespace('default'), tracing: { disabled: false, samplingPercentage: 10 } });
    expect(synthErrors(mesh)).toEqual([]);
    validateManifests(MeshTesting.synth(mesh));
  });

  test('fails on a policy that sets nothing (MESH0434)', () => {
    const mesh = newMesh();
    new TelemetryPolicy(mesh, 'policy', { scope: PolicyScope.mesh() });
    expect(synthErrors(mesh)).toEqual([
      '[mesh/policy] [MESH0434] the policy sets neither tracing nor accessLogging, so it changes nothing: set one of them, or remove the policy',
    ]);
  });

  test('accepts a policy that only turns access logging on', () => {
    const mesh = newMesh();
    newService(mesh, 'web');
    new TelemetryPolicy(mesh, 'policy', { scope: PolicyScope.mesh(), accessLogging: {} });
    expect(synthErrors(mesh)).toEqual([]);
  });
});

describe('access log filter', () => {
  const rest = "and Envoy logs a request only when the filter is true, so nothing would be logged: write a condition such as 'response.code >= 400'";
  test.each([
    ["response.code + 'x'", 'an int'],
    ['response.code', 'an int'],
    ['request.path', 'a string'],
    ['size(request.path)', 'an int'],
    ['request.duration', 'a google.protobuf.Duration'],
    ["'yes'", 'a string'],
    ['[true]', 'a list'],
    ['a + b', 'a value that is not a boolean'],
    ['true ? 1 : 2', 'an int'],
  ])('fails on a filter %p that is not a boolean (MESH0438)', (filter, type) => {
    const mesh = newMesh();
    new TelemetryPolicy(mesh, 'logs', { scope: PolicyScope.mesh(), accessLogging: { filter } });
    expect(synthErrors(mesh)).toEqual([`[mesh/logs] [MESH0438] accessLogging.filter '${filter}' gives ${type}, ${rest}`]);
  });

  test('fails on a TelemetryStack filter that is not a boolean, on the policy the stack writes', () => {
    const mesh = newMesh();
    new TelemetryStack(mesh, 'telemetry', { accessLogging: { filter: 'response.code' } });
    expect(synthErrors(mesh)).toEqual([`[mesh/telemetry/MeshPolicy] [MESH0438] accessLogging.filter 'response.code' gives an int, ${rest}`]);
  });

  test.each([
    'response.code >= 400',
    'connection.mtls',
    "request.headers['x-debug'] == '1'",
    "has(request.headers.x) || request.path.startsWith('/api')",
    'response.flags != 0 && !(response.code < 500)',
    "request.headers['x-debug']",
    'unknown.attribute',
    '[1, 2].exists(x, x == response.code)',
    "request.path.matches('^/api') ? true : response.code >= 500",
  ])('accepts the filter %p (a boolean, or of a type its form does not tell)', filter => {
    const mesh = newMesh();
    newService(mesh, 'web');
    new TelemetryPolicy(mesh, 'logs', { scope: PolicyScope.mesh(), accessLogging: { filter } });
    expect(synthErrors(mesh)).toEqual([]);
  });
});

describe('Prometheus', () => {
  test('fails on a StorageClass name that is not a DNS subdomain (MESH0001)', () => {
    expect(() => PrometheusStorage.persistentVolume({ size: Size.gibibytes(1), storageClassName: 'Bad Class' })).toThrow(
      "[MESH0001] PrometheusStorage.persistentVolume: storageClassName 'Bad Class' is not a valid DNS name: use lowercase letters, digits, '-' and '.'");
  });

  test('accepts a StorageClass name with dots', () => {
    const mesh = newMesh();
    newService(mesh, 'web');
    new TelemetryStack(mesh, 'telemetry', { prometheus: { storage: PrometheusStorage.persistentVolume({ size: Size.gibibytes(1), storageClassName: 'fast.ssd-1' }) } });
    expect(synthErrors(mesh)).toEqual([]);
    expect(MeshTesting.find(MeshTesting.synth(mesh), 'PersistentVolumeClaim', 'prometheus').spec.storageClassName).toEqual('fast.ssd-1');
  });

  test('fails on a retentionSize above the volume size (MESH0435)', () => {
    const mesh = newMesh();
    new TelemetryStack(mesh, 'telemetry', { prometheus: { retentionSize: Size.gibibytes(50), storage: PrometheusStorage.persistentVolume({ size: Size.gibibytes(10) }) } });
    expect(synthErrors(mesh)).toEqual([
      "[mesh-telemetry/Prometheus] [MESH0435] retentionSize 50Gi is above the volume's size 10Gi, so the volume fills before Prometheus deletes old samples: "
        + 'give a retentionSize below the volume size (leave room for the write-ahead log), or a larger volume',
    ]);
  });

  test('accepts a retentionSize within the volume, and any retentionSize on an emptyDir', () => {
    const mesh = newMesh();
    newService(mesh, 'web');
    new TelemetryStack(mesh, 'telemetry', { prometheus: { retentionSize: Size.gibibytes(8), storage: PrometheusStorage.persistentVolume({ size: Size.gibibytes(10) }) } });
    expect(synthErrors(mesh)).toEqual([]);
    const other = newMesh();
    new TelemetryStack(other, 'telemetry', { prometheus: { retentionSize: Size.gibibytes(50) } });
    expect(synthErrors(other)).toEqual([]);
  });

  test('fails on an extra namespace listed twice (MESH0436)', () => {
    const mesh = newMesh();
    new TelemetryStack(mesh, 'telemetry', { prometheus: { extraNamespaces: ['other', 'more', 'other', 'other'] } });
    expect(synthErrors(mesh)).toEqual([
      "[mesh-telemetry/Prometheus] [MESH0436] extraNamespaces lists 'other' twice: list each namespace once",
    ]);
  });

  test('scrapes namespaces in name order, whatever order services were written in', () => {
    const scraped = (order: string[]) => {
      const mesh = newMesh();
      order.forEach(ns => newService(mesh, `svc-${ns}`, ['v1'], { namespace: ns }));
      return new TelemetryStack(mesh, 'telemetry', { prometheus: { extraNamespaces: ['other', 'more'] } }).prometheus!.scrapedNamespaces;
    };
    expect(scraped(['zeta', 'alpha'])).toEqual(['alpha', 'istio-cni', 'istio-system', 'more', 'other', 'zeta']);
    expect(scraped(['alpha', 'zeta'])).toEqual(scraped(['zeta', 'alpha']));
  });
});

describe('Grafana', () => {
  test('fails on a service dashboard listed twice (MESH0436)', () => {
    const mesh = newMesh();
    const web = newService(mesh, 'web');
    const api = newService(mesh, 'api');
    new TelemetryStack(mesh, 'telemetry', { grafana: { serviceDashboards: [web, api, web] } });
    expect(synthErrors(mesh)).toEqual([
      "[mesh-telemetry/Grafana] [MESH0436] serviceDashboards lists service 'web' (mesh/web) twice: list each service once",
    ]);
  });

  test('accepts two services of one name in different namespaces', () => {
    const mesh = newMesh();
    const a = newService(mesh, 'web', ['v1'], { namespace: 'a' });
    const b = newService(mesh, 'web-b', ['v1'], { namespace: 'b' });
    new TelemetryStack(mesh, 'telemetry', { grafana: { serviceDashboards: [a, b] } });
    expect(synthErrors(mesh)).toEqual([]);
  });
});

describe('Kiali', () => {
  test.each([
    ['not a url'],
    ['javascript:alert(1)'],
    ['grafana.example.com'],
    ['ftp://grafana.example.com'],
    ['https://'],
  ])('fails on grafanaExternalUrl %p (MESH0437)', url => {
    const mesh = newMesh();
    new TelemetryStack(mesh, 'telemetry', { kiali: { grafanaExternalUrl: url } });
    expect(synthErrors(mesh)).toEqual([
      `[mesh-telemetry/Kiali] [MESH0437] grafanaExternalUrl '${url}' is not an absolute http or https URL: give the URL users open Grafana at, e.g. 'https://grafana.example.com'`,
    ]);
  });

  test.each([['https://grafana.example.com'], ['http://grafana.local:3000/grafana']])('accepts grafanaExternalUrl %p', url => {
    const mesh = newMesh();
    newService(mesh, 'web');
    new TelemetryStack(mesh, 'telemetry', { kiali: { grafanaExternalUrl: url } });
    expect(synthErrors(mesh)).toEqual([]);
  });
});

import { MeshTesting, PolicyScope, Severity, TelemetryPolicy, TelemetryStack, TracingBackend } from '../../src';
import { validateManifests } from '../support/schemas';
import { openMesh, newService, synthErrors } from '../support/util';

describe('TelemetryPolicy', () => {
  test('per service: sampling and access logs for one service\'s workloads', () => {
    // GIVEN
    const mesh = openMesh();
    new TelemetryStack(mesh, 'Telemetry', { tracing: TracingBackend.jaeger() });
    const reviews = newService(mesh, 'reviews', ['v1']);
    // WHEN
    const policy = new TelemetryPolicy(mesh, 'ReviewsTelemetry', {
      scope: PolicyScope.workload(reviews),
      tracing: { samplingPercentage: 100 },
      accessLogging: { filter: 'response.code >= 500' },
    });
    const manifests = MeshTesting.synth(mesh);
    // THEN
    expect(policy.tracingProvider).toEqual('jaeger');
    expect(policy.accessLogProvider).toEqual('envoy');
    expect(MeshTesting.find(manifests, 'Telemetry', 'reviews')).toEqual({
      apiVersion: 'telemetry.istio.io/v1',
      kind: 'Telemetry',
      metadata: { name: 'reviews', namespace: 'default' },
      spec: {
        selector: { matchLabels: { app: 'reviews' } },
        tracing: [{ providers: [{ name: 'jaeger' }], randomSamplingPercentage: 100 }],
        accessLogging: [{ providers: [{ name: 'envoy' }], filter: { expression: 'response.code >= 500' } }],
      },
    });
    expect(validateManifests(manifests)).toEqual([]);
    expect(mesh.analyze()).toEqual([]);
  });

  test('per namespace, and turning tracing and logs off', () => {
    const mesh = openMesh();
    new TelemetryStack(mesh, 'Telemetry', { tracing: TracingBackend.zipkin(), accessLogging: {} });
    new TelemetryPolicy(mesh, 'BatchTelemetry', { scope: PolicyScope.namespace('batch'), tracing: { disabled: true }, accessLogging: { enabled: false } });
    const manifests = MeshTesting.synth(mesh);
    expect(MeshTesting.find(manifests, 'Telemetry', 'default')).toEqual({
      apiVersion: 'telemetry.istio.io/v1',
      kind: 'Telemetry',
      metadata: { name: 'default', namespace: 'batch' },
      spec: {
        tracing: [{ providers: [{ name: 'zipkin' }], disableSpanReporting: true }],
        accessLogging: [{ providers: [{ name: 'envoy' }], disabled: true }],
      },
    });
    expect(validateManifests(manifests)).toEqual([]);
    expect(mesh.analyze()).toEqual([]);
  });

  test('a policy names a provider of the telemetry stack added after it', () => {
    const mesh = openMesh();
    const reviews = newService(mesh, 'reviews', ['v1']);
    new TelemetryPolicy(mesh, 'ReviewsTelemetry', { scope: PolicyScope.workload(reviews), tracing: { samplingPercentage: 50 } });
    new TelemetryStack(mesh, 'Telemetry', { tracing: TracingBackend.jaeger() });
    expect(MeshTesting.find(MeshTesting.synth(mesh), 'Telemetry', 'reviews').spec.tracing).toEqual([{ providers: [{ name: 'jaeger' }], randomSamplingPercentage: 50 }]);
  });

  test('fails analysis on a provider the mesh does not have, or of the wrong kind', () => {
    // GIVEN
    const mesh = openMesh();
    new TelemetryStack(mesh, 'Telemetry', { tracing: TracingBackend.jaeger() });
    const reviews = newService(mesh, 'reviews', ['v1']);
    const ratings = newService(mesh, 'ratings', ['v1']);
    // WHEN
    new TelemetryPolicy(mesh, 'ReviewsTelemetry', { scope: PolicyScope.workload(reviews), tracing: { provider: 'datadog' } });
    new TelemetryPolicy(mesh, 'RatingsTelemetry', { scope: PolicyScope.workload(ratings), accessLogging: { provider: 'jaeger' } });
    // THEN
    expect(mesh.analyze()).toEqual([
      {
        code: 'MESH0311',
        severity: Severity.ERROR,
        path: 'mesh/RatingsTelemetry',
        message: "access log provider 'jaeger' is not one of the mesh's access log providers (envoy): name one of them, or add it to the TelemetryStack",
      },
      {
        code: 'MESH0311',
        severity: Severity.ERROR,
        path: 'mesh/ReviewsTelemetry',
        message: "tracing provider 'datadog' is not one of the mesh's tracing providers (jaeger): name one of them, or add it to the TelemetryStack",
      },
    ]);
    expect(synthErrors(mesh)).toEqual([
      "[mesh/ReviewsTelemetry] [MESH0311] tracing provider 'datadog' is not one of the mesh's tracing providers (jaeger): name one of them, or add it to the TelemetryStack",
      "[mesh/RatingsTelemetry] [MESH0311] access log provider 'jaeger' is not one of the mesh's access log providers (envoy): name one of them, or add it to the TelemetryStack",
    ]);
    expect(() => MeshTesting.synth(mesh)).toThrow("[mesh/ReviewsTelemetry] [MESH0311] tracing provider 'datadog'");
  });

  test('fails analysis on tracing in a mesh without a tracing backend', () => {
    const mesh = openMesh();
    new TelemetryPolicy(mesh, 'Tracing', { scope: PolicyScope.namespace('default'), tracing: { samplingPercentage: 10 } });
    expect(mesh.analyze()).toEqual([{
      code: 'MESH0310',
      severity: Severity.ERROR,
      path: 'mesh/Tracing',
      message: "tracing is set, but the mesh has no tracing backend to send spans to: add one with the TelemetryStack's tracing prop (e.g. tracing: TracingBackend.jaeger()), or drop tracing from this TelemetryPolicy",
    }]);
  });

  test.each([
    ['sampling above 100', { scope: PolicyScope.namespace('apps'), tracing: { samplingPercentage: 100.5 } },
      '[mesh/P] [MESH0002] tracing.samplingPercentage 100.5 is not a percentage: use a number from 0 to 100'],
    ['negative sampling', { scope: PolicyScope.namespace('apps'), tracing: { samplingPercentage: -1 } },
      '[mesh/P] [MESH0002] tracing.samplingPercentage -1 is not a percentage: use a number from 0 to 100'],
    ['an empty access log filter', { scope: PolicyScope.namespace('apps'), accessLogging: { filter: ' ' } },
      "[mesh/P] [MESH0411] accessLogging.filter is empty: give a CEL expression such as 'response.code >= 400', or leave it out to log every request"],
  ])('fails on %s', (_, props, message) => {
    // GIVEN a mesh with a tracing backend, so that only the mistake is reported
    const mesh = openMesh();
    new TelemetryStack(mesh, 'Telemetry', { tracing: TracingBackend.jaeger() });
    // WHEN
    new TelemetryPolicy(mesh, 'P', props);
    // THEN
    expect(synthErrors(mesh)).toEqual([message]);
  });

  test('fails on every mistake of a policy in one run', () => {
    const mesh = openMesh();
    new TelemetryStack(mesh, 'Telemetry', { tracing: TracingBackend.jaeger() });
    new TelemetryPolicy(mesh, 'P', { scope: PolicyScope.namespace('apps'), tracing: { samplingPercentage: 101 }, accessLogging: { filter: '' } });
    expect(synthErrors(mesh)).toEqual([
      '[mesh/P] [MESH0002] tracing.samplingPercentage 101 is not a percentage: use a number from 0 to 100',
      "[mesh/P] [MESH0411] accessLogging.filter is empty: give a CEL expression such as 'response.code >= 400', or leave it out to log every request",
    ]);
  });

  test('fails at once on a policy without a scope: nothing can stand in for it', () => {
    expect(() => new TelemetryPolicy(openMesh(), 'P', { scope: undefined as any })).toThrow(
      '[MESH0006] mesh/P: scope is missing: choose PolicyScope.mesh(), PolicyScope.namespace(...) or PolicyScope.workload(...)');
  });

  test('fails on a second policy for one service', () => {
    const mesh = openMesh();
    const reviews = newService(mesh, 'reviews', ['v1']);
    new TelemetryPolicy(mesh, 'A', { scope: PolicyScope.workload(reviews), accessLogging: {} });
    new TelemetryPolicy(mesh, 'B', { scope: PolicyScope.workload(reviews), accessLogging: {} });
    expect(synthErrors(mesh)).toEqual([
      "[mesh/B] [MESH0410] service 'reviews' already has a TelemetryPolicy (mesh/A): Istio applies one Telemetry per scope, so set tracing and access logging on that one",
    ]);
  });
});

import type { App } from 'cdk8s';

/**
 * The benchmark's mesh: N services in 10 namespaces, each with two versions, a 90/10 split between them and an
 * access policy (each service may be called by the one before it, the first by the last), deny-by-default; with `telemetry`, the whole
 * telemetry stack (Prometheus, Grafana with a dashboard per service, Jaeger, access logs, Kiali).
 * The library is the compiled one (`lib/`, what users load), required here so that loading it is timed; with
 * `MESH_BENCH_SOURCE=1`, its TypeScript sources (to profile a change without compiling).
 */
export function buildMesh(app: App, services: number, telemetry: boolean): void {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const m: typeof import('../src') = require(process.env.MESH_BENCH_SOURCE === '1' ? '../src' : '../lib');
  const mesh = new m.Mesh(app, 'bench');
  if (telemetry) {
    new m.TelemetryStack(mesh, 'telemetry', { tracing: m.TracingBackend.jaeger(), accessLogging: {}, kiali: {} });
  }
  let first: import('../src').MeshService | undefined;
  let previous: import('../src').MeshService | undefined;
  for (let i = 0; i < services; i++) {
    const svc = new m.MeshService(mesh, `svc-${i}`, { namespace: `ns-${i % 10}`, ports: [{ port: 8080 }] });
    first ??= svc;
    svc.addVersion('v1', { image: `example/svc-${i}:1` });
    svc.addVersion('v2', { image: `example/svc-${i}:2` });
    new m.TrafficSplit(mesh, `svc-${i}-split`, {
      service: svc,
      routes: [{ targets: [m.TrafficTarget.version('v1', 90), m.TrafficTarget.version('v2', 10)] }],
    });
    if (previous) {
      new m.AccessPolicy(mesh, `svc-${i}-access`, { service: svc, allow: [{ from: previous }] });
    }
    previous = svc;
  }
  // The first service's callers close the ring: the last one.
  if (first && previous) {
    new m.AccessPolicy(mesh, 'svc-0-access', { service: first, allow: [{ from: previous }] });
  }
  mesh.denyByDefault();
}

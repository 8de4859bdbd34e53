/**
 * Synthesis benchmark: a mesh of N services (2 versions, a canary split, an access policy each) with the
 * whole telemetry stack (a Grafana dashboard per service), timed end to end (construct + validate + synthesize). Prints one line per size and writes bench/results/.
 * The Pulumi release plan (construct + validate + render + order, all a `MeshRelease` does before it registers
 * resources) is timed on a fresh mesh of the same size.
 *
 *   npx projen bench                 # sizes 10, 100, 500
 *   npx projen bench -- 1000         # custom sizes
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App } from 'cdk8s';
import { planRelease } from '../packages/pulumi/src/plan';
import { AccessPolicy, Mesh, MeshService, TelemetryStack, TracingBackend, TrafficSplit, TrafficTarget } from '../src';

function build(n: number): App {
  const app = new App({ outdir: fs.mkdtempSync(path.join(os.tmpdir(), 'mesh-bench-')) });
  const mesh = new Mesh(app, 'bench');
  new TelemetryStack(mesh, 'telemetry', { tracing: TracingBackend.jaeger(), accessLogging: {}, kiali: {} });
  const services: MeshService[] = [];
  for (let i = 0; i < n; i++) {
    const svc = new MeshService(mesh, `svc-${i}`, { namespace: `ns-${i % 10}`, ports: [{ port: 8080 }] });
    svc.addVersion('v1', { image: `example/svc-${i}:1` });
    svc.addVersion('v2', { image: `example/svc-${i}:2` });
    new TrafficSplit(mesh, `svc-${i}-split`, { service: svc, routes: [{ targets: [TrafficTarget.version('v1', 90), TrafficTarget.version('v2', 10)] }] });
    if (i > 0) {
      new AccessPolicy(mesh, `svc-${i}-access`, { service: svc, allow: [{ from: services[i - 1] }] });
    }
    services.push(svc);
  }
  mesh.denyByDefault();
  return app;
}

const sizes = process.argv.slice(2).map(Number).filter(n => n > 0);
const results: Array<{ services: number; objects: number; ms: number; releasePlanMs: number }> = [];
for (const n of sizes.length ? sizes : [10, 100, 500]) {
  const start = process.hrtime.bigint();
  const app = build(n);
  const objects = app.synthYaml().split('\n---\n').length;
  const ms = Number(process.hrtime.bigint() - start) / 1e6;

  const planStart = process.hrtime.bigint();
  const planned = planRelease(build(n)).reduce((sum, chart) => sum + chart.objects.length, 0);
  const releasePlanMs = Math.round(Number(process.hrtime.bigint() - planStart) / 1e6);
  if (planned !== objects) {
    throw new Error(`the release plan has ${planned} objects, cdk8s synth wrote ${objects}`);
  }
  results.push({ services: n, objects, ms: Math.round(ms), releasePlanMs });
  console.log(`${n} services, ${objects} objects: ${Math.round(ms)} ms; Pulumi release plan: ${releasePlanMs} ms`);
}
const out = path.join(__dirname, 'results');
fs.mkdirSync(out, { recursive: true });
fs.writeFileSync(path.join(out, 'synth.json'), JSON.stringify({ node: process.version, results }, undefined, 2) + '\n');

/**
 * One benchmark case, run in a child process of its own (bench/synth.ts): a mesh of N services built with the
 * compiled library (`lib/`), synthesized to files by `app.synth()`, the way `cdk8s synth` does. Prints one JSON
 * line: the times, the objects and bytes written, and the process's peak RSS. With `--dump F` it then writes the
 * synthesized objects, chart by chart, to F for the plain-cdk8s baseline (after the peak RSS is read).
 *
 *   node -r ts-node/register bench/mesh-case.ts <services> <telemetry: 0|1> <outdir> [--dump file]
 */
import * as fs from 'fs';
import * as path from 'path';
import { filesOf } from './files';
import { buildMesh } from './mesh-program';

const [services, telemetry, outdir] = process.argv.slice(2);
const dump = process.argv.includes('--dump') ? process.argv[process.argv.indexOf('--dump') + 1] : undefined;

const start = process.hrtime.bigint();
// The library is loaded inside the timed section: a user's `cdk8s synth` loads it too.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const cdk8s: typeof import('cdk8s') = require('cdk8s');
const app = new cdk8s.App({ outdir });
buildMesh(app, Number(services), telemetry === '1');
const built = process.hrtime.bigint();
app.synth();
const synthesized = process.hrtime.bigint();
const peakRssMb = Math.round(process.resourceUsage().maxRSS / 1024);

const files = filesOf(outdir);
const result = {
  constructMs: Number(built - start) / 1e6,
  synthMs: Number(synthesized - built) / 1e6,
  peakRssMb,
  files: files.map(f => path.basename(f.file)),
  objects: files.reduce((n, f) => n + f.objects, 0),
  bytes: files.reduce((n, f) => n + f.bytes, 0),
};
if (dump) {
  const charts = app.charts.map(chart => ({ id: chart.node.id, objects: chart.toJson() }));
  fs.writeFileSync(dump, JSON.stringify(charts));
}
process.stdout.write(JSON.stringify(result) + '\n');

/**
 * The baseline of one benchmark case, in a child process of its own: the very objects a mesh synthesized
 * (written by bench/mesh-case.ts), rebuilt as plain cdk8s `ApiObject`s in charts of the same names, and
 * synthesized by plain cdk8s. Prints one JSON line: the time (loading cdk8s, constructing, synthesizing to
 * files), its peak RSS, and the objects and bytes written.
 *
 *   node -r ts-node/register bench/baseline-case.ts <objects.json> <outdir>
 */
import * as fs from 'fs';
import { filesOf } from './files';

const [dump, outdir] = process.argv.slice(2);
const charts: Array<{ id: string; objects: any[] }> = JSON.parse(fs.readFileSync(dump, 'utf-8'));

const start = process.hrtime.bigint();
// eslint-disable-next-line @typescript-eslint/no-require-imports
const cdk8s: typeof import('cdk8s') = require('cdk8s');
const app = new cdk8s.App({ outdir });
for (const { id, objects } of charts) {
  const chart = new cdk8s.Chart(app, id);
  objects.forEach((o, i) => new cdk8s.ApiObject(chart, `o${i}`, o));
}
app.synth();
const baselineMs = Number(process.hrtime.bigint() - start) / 1e6;
const peakRssMb = Math.round(process.resourceUsage().maxRSS / 1024);

const files = filesOf(outdir);
process.stdout.write(JSON.stringify({
  baselineMs,
  peakRssMb,
  objects: files.reduce((n, f) => n + f.objects, 0),
  bytes: files.reduce((n, f) => n + f.bytes, 0),
}) + '\n');

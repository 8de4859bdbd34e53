/**
 * Synthesis benchmark: cdk8s-mesh against plain cdk8s on the very same objects, measured side by side in one run.
 *
 * For each size (100, 1,000 and 5,000 services) with and without the telemetry stack, a child process builds the
 * benchmark's mesh (bench/mesh-program.ts) with the compiled library and synthesizes it to files (`app.synth()`,
 * what `cdk8s synth` runs); another child rebuilds the objects it wrote as plain cdk8s `ApiObject`s in charts of
 * the same names and synthesizes them with plain cdk8s. Every process is fresh, so each case's peak RSS is its
 * own. The two must write the same objects, byte for byte; the ratio is the mesh's time (construct + synth) over
 * the baseline's, the median of `--runs` runs each.
 *
 *   npx projen bench                  # 100, 1,000, 5,000 services; writes bench/results.json and bench/RESULTS.md
 *   npx projen bench -- --smoke       # 100 services, one run, writes nothing: that the benchmark still works (CI)
 *   npx projen bench -- --sizes 2000 --runs 1
 *
 * Needs the compiled library (`npx projen compile`).
 */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

interface Case {
  readonly services: number;
  readonly telemetry: boolean;
  readonly objects: number;
  readonly bytes: number;
  readonly constructMs: number;
  readonly synthMs: number;
  readonly baselineMs: number;
  readonly ratio: number;
  readonly peakRssMb: number;
  /** Plain cdk8s's peak RSS on the same objects, for comparison. */
  readonly baselinePeakRssMb: number;
}

function option(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

const smoke = process.argv.includes('--smoke');
const sizes = (option('--sizes') ?? (smoke ? '100' : '100,1000,5000')).split(',').map(Number);
const runs = Number(option('--runs') ?? (smoke ? 1 : 3));
if (!fs.existsSync(path.join(__dirname, '..', 'lib', 'index.js'))) {
  throw new Error('bench: the compiled library is missing; run `npx projen compile` first');
}

/** Runs one child (a TypeScript file of bench/) and returns the JSON line it prints. */
function child(script: string, args: string[]): any {
  const out = execFileSync(process.execPath, ['-r', 'ts-node/register/transpile-only', path.join(__dirname, script), ...args], {
    env: { ...process.env, TS_NODE_PROJECT: path.join(__dirname, '..', 'tsconfig.dev.json') },
    maxBuffer: 64 * 1024 * 1024,
    encoding: 'utf-8',
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return JSON.parse(out.trim().split('\n').pop()!);
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

const work = fs.mkdtempSync(path.join(os.tmpdir(), 'mesh-bench-'));
const cases: Case[] = [];
try {
  for (const services of sizes) {
    for (const telemetry of [false, true]) {
      const mesh: any[] = [];
      const baseline: any[] = [];
      for (let run = 0; run < runs; run++) {
        const dump = path.join(work, 'objects.json');
        const meshOut = fs.mkdtempSync(path.join(work, 'mesh-'));
        const baseOut = fs.mkdtempSync(path.join(work, 'plain-'));
        mesh.push(child('mesh-case.ts', [String(services), telemetry ? '1' : '0', meshOut, '--dump', dump]));
        baseline.push(child('baseline-case.ts', [dump, baseOut]));
        const [m, b] = [mesh[mesh.length - 1], baseline[baseline.length - 1]];
        if (m.objects !== b.objects || m.bytes !== b.bytes) {
          throw new Error(`bench: the baseline wrote ${b.objects} objects (${b.bytes} bytes), the mesh ${m.objects} (${m.bytes} bytes)`);
        }
        fs.rmSync(meshOut, { recursive: true });
        fs.rmSync(baseOut, { recursive: true });
      }
      const constructMs = Math.round(median(mesh.map(m => m.constructMs)));
      const synthMs = Math.round(median(mesh.map(m => m.synthMs)));
      const meshMs = median(mesh.map(m => m.constructMs + m.synthMs));
      const baselineMs = median(baseline.map(b => b.baselineMs));
      const c: Case = {
        services,
        telemetry,
        objects: mesh[0].objects,
        bytes: mesh[0].bytes,
        constructMs,
        synthMs,
        baselineMs: Math.round(baselineMs),
        ratio: Math.round(meshMs / baselineMs * 100) / 100,
        peakRssMb: Math.max(...mesh.map(m => m.peakRssMb)),
        baselinePeakRssMb: Math.max(...baseline.map(b => b.peakRssMb)),
      };
      cases.push(c);
      console.log(`${services} services${telemetry ? ' + telemetry' : ''}: ${c.objects} objects (${(c.bytes / 1e6).toFixed(1)} MB); `
        + `mesh ${constructMs} + ${synthMs} ms, plain cdk8s ${c.baselineMs} ms, ratio ${c.ratio}; peak RSS ${c.peakRssMb} MB (plain cdk8s ${c.baselinePeakRssMb} MB)`);
    }
  }
} finally {
  fs.rmSync(work, { recursive: true, force: true });
}

const machine = {
  node: process.version,
  platform: `${os.platform()} ${os.arch()}`,
  cpu: os.cpus()[0]?.model ?? 'unknown',
  cores: os.cpus().length,
  memoryGb: Math.round(os.totalmem() / 2 ** 30),
  runs,
  date: new Date().toISOString().slice(0, 10),
};
if (!smoke) {
  fs.writeFileSync(path.join(__dirname, 'results.json'), JSON.stringify({ cases, machine }, undefined, 2) + '\n');
  fs.writeFileSync(path.join(__dirname, 'RESULTS.md'), resultsTable(cases, machine));
}

function resultsTable(all: Case[], m: typeof machine): string {
  const lines = [
    '# Synthesis benchmark',
    '',
    `Written by \`npx projen bench\` (bench/synth.ts) on ${m.date}: ${m.cores} × ${m.cpu}, ${m.memoryGb} GiB, Node ${m.node}; `
    + `${m.runs === 1 ? 'one run' : `the median of ${m.runs} runs`}, each in a fresh process. A mesh of N services in 10 namespaces, each with two versions, a `
    + '90/10 split and an access policy, deny-by-default; "plain cdk8s" synthesizes the very same objects (byte for byte) as '
    + '`ApiObject`s in charts of the same names. Times include loading the library and writing the files.',
    '',
    '| services | telemetry | objects | MB | construct ms | synth ms | plain cdk8s ms | ratio | peak RSS MB | plain cdk8s peak RSS MB |',
    '|---:|:---:|---:|---:|---:|---:|---:|---:|---:|---:|',
    ...all.map(c => `| ${c.services} | ${c.telemetry ? 'yes' : 'no'} | ${c.objects} | ${(c.bytes / 1e6).toFixed(1)} | ${c.constructMs} | ${c.synthMs} | `
      + `${c.baselineMs} | ${c.ratio.toFixed(2)} | ${c.peakRssMb} | ${c.baselinePeakRssMb} |`),
    '',
  ];
  const at = (n: number, t: boolean) => all.find(c => c.services === n && c.telemetry === t);
  for (const t of [false, true]) {
    const [a, b] = [at(1000, t), at(5000, t)];
    if (a && b) {
      lines.push(`5,000 services take ${((b.constructMs + b.synthMs) / (a.constructMs + a.synthMs)).toFixed(2)}× the time of 1,000${t ? ' with the telemetry stack' : ''}.`);
    }
  }
  return lines.join('\n') + '\n';
}

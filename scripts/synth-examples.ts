/**
 * Synthesizes every example (examples/<name>/main.ts) into examples/<name>/dist/*.k8s.yaml.
 */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';

const EXAMPLES = path.join(__dirname, '..', 'examples');

for (const name of fs.readdirSync(EXAMPLES).sort()) {
  const main = path.join(EXAMPLES, name, 'main.ts');
  if (!fs.existsSync(main)) {
    continue;
  }
  const dist = path.join(EXAMPLES, name, 'dist');
  fs.rmSync(dist, { recursive: true, force: true });
  execFileSync('npx', ['ts-node', '--project', 'tsconfig.dev.json', '-r', './scripts/local-library.ts', main], { cwd: path.join(__dirname, '..'), stdio: 'inherit', env: { ...process.env, CDK8S_OUTDIR: dist } });
  const files = fs.readdirSync(dist).sort();
  console.log(`examples/${name}/dist: ${files.join(', ')}`);
}

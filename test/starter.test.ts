/**
 * The starter application (examples/starter) is what a user copies: its own jest suite passes against the
 * library as an installed package (the compiled lib/, resolved by package name, not src/), and `cdk8s synth`
 * works in it, as in every example, through its cdk8s.yaml.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as YAML from 'yaml';

const ROOT = path.join(__dirname, '..');
const EXAMPLES = path.join(ROOT, 'examples');
const STARTER = path.join(EXAMPLES, 'starter');

function run(command: string, args: string[], cwd: string, env: Record<string, string> = {}) {
  return spawnSync(command, args, { cwd, encoding: 'utf-8', env: { ...process.env, ...env, CI: 'true' }, timeout: 300_000 });
}

test('the library resolves by its package name, as an installed package, from its compiled JavaScript', () => {
  // The starter depends on `cdk8s-mesh` (`file:../..`, an npm workspace of this repository).
  expect(require.resolve('cdk8s-mesh', { paths: [STARTER] })).toBe(path.join(ROOT, 'lib', 'index.js'));
  expect(fs.existsSync(path.join(ROOT, 'lib', 'index.d.ts'))).toBe(true);
});

test("the starter's own jest suite passes", () => {
  const result = run('npx', ['jest', '--ci'], STARTER);
  const output = `${result.stdout}\n${result.stderr}`;
  expect({ status: result.status, output }).toEqual({ status: 0, output: expect.stringMatching(/Tests:\s+\d+ passed, \d+ total/) });
  expect(output).not.toMatch(/failed/);
}, 300_000);

describe('cdk8s synth', () => {
  const withMain = fs.readdirSync(EXAMPLES).filter(e => fs.existsSync(path.join(EXAMPLES, e, 'main.ts'))).sort();

  test.each(fs.readdirSync(EXAMPLES).sort())('example %s has a cdk8s.yaml naming a TypeScript app', name => {
    const config = YAML.parse(fs.readFileSync(path.join(EXAMPLES, name, 'cdk8s.yaml'), 'utf-8'));
    expect(config.language).toBe('typescript');
    const script = /ts-node .*?(\S+\.ts)$/.exec(config.app)?.[1];
    expect(script && fs.existsSync(path.join(EXAMPLES, name, script))).toBe(true);
  });

  test('works in the starter and writes one file per layer', () => {
    expect(withMain).toContain('starter');
    const out = fs.mkdtempSync(path.join(os.tmpdir(), 'starter-synth-'));
    const result = run('npx', ['cdk8s', 'synth', '--output', out, '--check-upgrade', 'false'], STARTER);
    expect({ status: result.status, stderr: result.stderr }).toEqual({ status: 0, stderr: expect.anything() });
    expect(fs.readdirSync(out).filter(f => f.endsWith('.k8s.yaml')).sort()).toEqual([
      '0000-shop-crds.k8s.yaml', '0001-shop-namespaces.k8s.yaml', '0002-shop-control-plane.k8s.yaml', '0003-shop.k8s.yaml',
    ]);
  }, 300_000);
});

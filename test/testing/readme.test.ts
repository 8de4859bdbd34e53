/**
 * The README's "Testing your mesh" jest file, run as a user runs it: its own jest, in a child process, with
 * `cdk8s-mesh` resolved to this source tree. Beside it runs a copy with one expectation turned around, which
 * must fail: proof that the child run reports what the file asserts.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';

const ROOT = path.join(__dirname, '..', '..');

/** The first ```ts block of the README's section `heading`. */
function readmeBlock(heading: string): string {
  const readme = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf-8');
  const section = readme.slice(readme.indexOf(`\n## ${heading}\n`));
  return /```ts\n([\s\S]*?)```/.exec(section.slice(0, section.indexOf('\n## ', 1)))![1];
}

describe("the README's jest file", () => {
  const code = readmeBlock('Testing your mesh');

  test('imports the package by its name, as a user writes it', () => {
    expect(code).toContain("from 'cdk8s-mesh';");
    expect(code).toContain('MeshTesting.canCall(');
    expect(code).toContain('MeshTesting.routeFor(');
    expect(code).toContain('MeshTesting.snapshot(');
  });

  test('passes under jest, and a copy with one expectation turned around fails', () => {
    // Inside the repository, so that cdk8s, constructs and ts-jest resolve from its node_modules.
    const dir = fs.mkdtempSync(path.join(ROOT, '.readme-testing-'));
    try {
      const broken = code.replace('{ from: ledger, to: payments, allowed: false }', '{ from: ledger, to: payments, allowed: true }');
      expect(broken).not.toEqual(code);
      fs.writeFileSync(path.join(dir, 'shop.test.ts'), code);
      fs.writeFileSync(path.join(dir, 'broken.test.ts'), broken);
      // The package name resolves to the source tree for the type checker (paths) and at run time (moduleNameMapper).
      fs.writeFileSync(path.join(dir, 'tsconfig.json'), JSON.stringify({
        extends: path.join(ROOT, 'tsconfig.dev.json'),
        compilerOptions: { paths: { 'cdk8s-mesh': [`./${path.relative(dir, path.join(ROOT, 'src'))}`] } },
        include: ['*.ts'],
      }));
      fs.writeFileSync(path.join(dir, 'jest.config.json'), JSON.stringify({
        rootDir: dir,
        testMatch: ['<rootDir>/*.test.ts'],
        moduleNameMapper: { '^cdk8s-mesh$': path.join(ROOT, 'src') },
        transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: path.join(dir, 'tsconfig.json') }] },
      }));
      const results = path.join(dir, 'results.json');
      const run = spawnSync(process.execPath, [require.resolve('jest/bin/jest'), '--config', path.join(dir, 'jest.config.json'), '--ci=false',
        '--json', '--outputFile', results], { cwd: dir, encoding: 'utf-8', timeout: 240_000 });
      expect(run.error).toBeUndefined();
      const report = JSON.parse(fs.readFileSync(results, 'utf-8'));
      const outcome = (file: string) => report.testResults.find((r: any) => path.basename(r.name) === file);
      const shop = outcome('shop.test.ts');
      expect({ status: shop.status, message: shop.message }).toEqual({ status: 'passed', message: '' });
      expect(shop.assertionResults.map((a: any) => `${a.status} ${a.title}`)).toEqual([
        'passed edge -> frontend: true',
        'passed edge -> payments: false',
        'passed frontend -> ledger: false',
        'passed payments -> ledger: true',
        'passed ledger -> payments: false',
        'passed frontend may only POST /charge to payments',
        'passed payments: testers reach v2, everyone else the 95/5 canary',
        'passed what the program adds',
      ]);
      // The snapshot was written, with the program's objects in it.
      expect(report.snapshot.added).toBeGreaterThanOrEqual(1);
      const broke = outcome('broken.test.ts');
      expect(broke.status).toEqual('failed');
      expect(broke.assertionResults.filter((a: any) => a.status === 'failed').map((a: any) => a.title)).toEqual(['ledger -> payments: true']);
      expect(run.status).toBe(1);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }, 300_000);
});

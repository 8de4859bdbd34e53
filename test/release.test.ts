/**
 * Releasing: the workflow publishes both npm packages at one version and each jsii language only where its
 * registry is configured; CHANGELOG.md gets each release's notes; the test command checks its prerequisites first.
 */
import { execFileSync, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as YAML from 'yaml';

const ROOT = path.join(__dirname, '..');
const workflow = YAML.parse(fs.readFileSync(path.join(ROOT, '.github', 'workflows', 'release.yml'), 'utf-8'));
const tasks = JSON.parse(fs.readFileSync(path.join(ROOT, '.projen', 'tasks.json'), 'utf-8')).tasks;
const runs = (job: string): string[] => workflow.jobs[job].steps.map((s: any) => s.run).filter(Boolean);

describe('the release workflow', () => {
  test('is started by a maintainer and runs the whole build with a version from the commits', () => {
    expect(Object.keys(workflow.on)).toEqual(['workflow_dispatch']);
    expect(runs('release')).toContain('npx projen release');
    expect(tasks.release.steps.map((s: any) => s.spawn ?? s.exec ?? s.execArgs?.join(' '))).toEqual(
      ['rm -fr dist', 'bump', 'build', 'unbump', 'git diff --ignore-space-at-eol --exit-code']);
  });

  test('publishes both npm packages: package:js packs the Pulumi adapter beside the library', () => {
    expect(runs('release_npm')).toEqual(expect.arrayContaining(['cd .repo && npx projen package:js', "npx '-p' 'publib@latest' 'publib-npm'"]));
    expect(tasks['package:js'].steps).toEqual(expect.arrayContaining([{ spawn: 'pulumi:package' }]));
    expect(tasks['pulumi:package'].steps[0].exec).toMatch(/scripts\/pack-pulumi\.ts$/);
  });

  test.each(['release_npm', 'release_maven', 'release_pypi', 'release_nuget', 'release_golang'])(
    '%s unpacks only the library of the two packages in dist/js', job => {
      const extract = runs(job).filter(r => r.startsWith('tar '));
      expect(extract).toEqual(['tar --strip-components=1 -xzvf dist/js/*.jsii.tgz -C .repo']);
    });

  test.each([['release_maven', 'RELEASE_MAVEN'], ['release_pypi', 'RELEASE_PYPI'], ['release_nuget', 'RELEASE_NUGET'], ['release_golang', 'RELEASE_GO']])(
    '%s runs only where its registry is configured (repository variable %s)', (job, variable) => {
      expect(workflow.jobs[job].if).toContain(`vars.${variable} == 'true'`);
    });

  test('the GitHub release and the changelog do not wait on the languages that were skipped', () => {
    expect(workflow.jobs.release_npm.if).not.toContain('vars.');
    expect(workflow.jobs.release_github.if).toMatch(/^!failure\(\) && !cancelled\(\)/);
    expect(workflow.jobs.release_changelog.needs).toEqual(['release', 'release_github']);
    expect(runs('release_changelog')[0]).toContain('bash scripts/changelog.sh dist/changelog.md CHANGELOG.md');
  });
});

describe('scripts/changelog.sh', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'changelog-'));
  const changelog = path.join(dir, 'CHANGELOG.md');
  const notes = path.join(dir, 'notes.md');
  const marker = '<!-- Releases, newest first: the release workflow adds each one below this line. -->';

  test('puts a release below the heading, newest first, once', () => {
    fs.writeFileSync(changelog, `# Changelog\n\nintro\n\n${marker}\n\n## [0.1.0](x) (2026-12-01)\n\n* first\n`);
    fs.writeFileSync(notes, '## [0.2.0](y) (2026-12-08)\n\n### Features\n\n* second\n');
    execFileSync('bash', [path.join(ROOT, 'scripts', 'changelog.sh'), notes, changelog]);
    execFileSync('bash', [path.join(ROOT, 'scripts', 'changelog.sh'), notes, changelog]);
    const text = fs.readFileSync(changelog, 'utf-8');
    expect(text.indexOf('## [0.2.0]')).toBeGreaterThan(text.indexOf(marker));
    expect(text.indexOf('## [0.2.0]')).toBeLessThan(text.indexOf('## [0.1.0]'));
    expect(text.match(/## \[0\.2\.0\]/g)).toHaveLength(1);
  });

  test("refuses a changelog without the marker line, and the project's has it", () => {
    fs.writeFileSync(changelog, '# Changelog\n');
    expect(spawnSync('bash', [path.join(ROOT, 'scripts', 'changelog.sh'), notes, changelog]).status).toBe(1);
    expect(fs.readFileSync(path.join(ROOT, 'CHANGELOG.md'), 'utf-8').split('\n')).toContain(marker);
  });
});

describe('the test command checks its prerequisites first', () => {
  test('pre-compile (before the minutes of jsii) and test run scripts/prereqs.sh', () => {
    expect(tasks['pre-compile'].steps).toEqual([{ spawn: 'prereqs' }]);
    expect(tasks.test.steps[0]).toEqual({ spawn: 'prereqs' });
    expect(tasks.prereqs.steps).toEqual([{ exec: 'bash scripts/prereqs.sh' }]);
  });

  test('a machine with only Node.js (no Go, no promtool, no apt-get) stops at once with one line saying what to install', () => {
    // A PATH with node and the few commands the script uses, nothing else.
    const bin = fs.mkdtempSync(path.join(os.tmpdir(), 'only-node-'));
    for (const tool of ['node', 'id']) {
      fs.symlinkSync(execFileSync('bash', ['-c', `command -v ${tool}`], { encoding: 'utf-8' }).trim(), path.join(bin, tool));
    }
    const result = spawnSync('/bin/bash', [path.join(ROOT, 'scripts', 'prereqs.sh')], { encoding: 'utf-8', env: { PATH: bin } });
    expect(result.status).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr.trim().split('\n')).toEqual([
      "cdk8s-mesh's tests need Go and promtool, missing here: install them (Debian/Ubuntu: sudo apt-get install -y golang-go prometheus; macOS: brew install go prometheus) and run again",
    ]);
  });

  test('where apt-get runs but leaves a tool missing, it stops with one line saying which', () => {
    // root (a fake id), and an apt-get that installs nothing
    const bin = fs.mkdtempSync(path.join(os.tmpdir(), 'apt-nothing-'));
    for (const tool of ['node', 'env']) {
      fs.symlinkSync(execFileSync('bash', ['-c', `command -v ${tool}`], { encoding: 'utf-8' }).trim(), path.join(bin, tool));
    }
    const fake = (name: string, body: string) => fs.writeFileSync(path.join(bin, name), `#!/bin/bash\n${body}\n`, { mode: 0o755 });
    fake('id', 'echo 0');
    fake('apt-get', 'exit 0');
    for (const tool of ['tee', 'chmod', 'rm']) {
      fake(tool, 'cat >/dev/null 2>&1 || true');
    }
    const result = spawnSync('/bin/bash', [path.join(ROOT, 'scripts', 'prereqs.sh')], { encoding: 'utf-8', env: { PATH: bin }, input: '' });
    expect(result.status).toBe(1);
    expect(result.stderr.trim().split('\n')).toEqual([
      "cdk8s-mesh's tests need go promtool, still missing after apt-get install golang-go prometheus: install them so that they are on PATH, and run again",
    ]);
  });

  test('this machine has them, so it passes', () => {
    expect(spawnSync('bash', [path.join(ROOT, 'scripts', 'prereqs.sh')]).status).toBe(0);
  });
});

/**
 * What can be proven about the jsii languages on a machine that reaches no PyPI, Maven Central, NuGet or Go
 * module proxy:
 *
 *   npx projen compile && npx projen check:languages
 *
 * jsii-pacmak generates the Python, Go, Java and C# bindings from the compiled assembly (.jsii), and each
 * language's own parser reads them where it is installed: Python's py_compile, gofmt, javac's parser
 * (scripts/java-syntax.java). Nothing is type-checked or run: that needs each language's jsii runtime and cdk8s's
 * own bindings, which only its registry has. C# is generated but not read: there is no .NET SDK in Debian, and
 * Mono's mcs (Debian's only C# compiler) reads C# 7, older than what jsii writes.
 *
 * A language whose tool is missing is skipped with one line; a file a parser refuses fails the check.
 */
import { spawnSync, SpawnSyncReturns } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

const ROOT = path.join(__dirname, '..');

interface Outcome {
  readonly language: string;
  /** `skip` when the language's tool is not installed (or none exists here). */
  readonly status: 'ok' | 'skip' | 'FAIL';
  readonly line: string;
}

/** Runs a command, its output captured; `undefined` when the command is not installed. */
function run(command: string, args: string[], cwd = ROOT): SpawnSyncReturns<string> | undefined {
  const result = spawnSync(command, args, { cwd, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if ((result.error as NodeJS.ErrnoException | undefined)?.code === 'ENOENT') {
    return undefined;
  }
  if (result.error) {
    throw result.error;
  }
  return result;
}

/** Every file under `dir` whose name ends with `suffix`. */
function filesIn(dir: string, suffix: string): string[] {
  return fs.readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter(f => f.endsWith(suffix))
    .map(f => path.join(dir, f))
    .sort();
}

function newestSource(dir: string): number {
  return Math.max(...filesIn(dir, '.ts').map(f => fs.statSync(f).mtimeMs));
}

/** What a failed command printed, indented under the language's line. */
function output(result: SpawnSyncReturns<string>): string {
  return `${result.stdout}${result.stderr}`.trim().split('\n').slice(0, 40).map(l => `    ${l}`).join('\n');
}

function checkPython(dir: string): Outcome {
  const files = filesIn(dir, '.py');
  const version = run('python3', ['--version']);
  if (!version) {
    return { language: 'Python', status: 'skip', line: `python3 is not installed (${files.length} files generated, not read)` };
  }
  const result = run('python3', ['-m', 'py_compile', ...files])!;
  return result.status === 0
    ? { language: 'Python', status: 'ok', line: `${files.length} files parse (${version.stdout.trim()}, py_compile)` }
    : { language: 'Python', status: 'FAIL', line: `py_compile refuses the generated code:\n${output(result)}` };
}

function checkGo(dir: string): Outcome {
  const files = filesIn(dir, '.go');
  // -l lists files whose layout differs (pacmak's code-only output is not gofmt'ed): only errors matter here.
  const result = run('gofmt', ['-l', '-e', dir]);
  if (!result) {
    return { language: 'Go', status: 'skip', line: `gofmt is not installed (apt-get install golang-go; ${files.length} files generated, not read)` };
  }
  return result.status === 0
    ? { language: 'Go', status: 'ok', line: `${files.length} files parse (gofmt -e)` }
    : { language: 'Go', status: 'FAIL', line: `gofmt refuses the generated code:\n${output({ ...result, stdout: '' })}` };
}

function checkJava(dir: string): Outcome {
  const files = filesIn(dir, '.java');
  const javac = run('javac', ['-version']);
  if (!javac) {
    return { language: 'Java', status: 'skip', line: `javac is not installed (a JDK 11 or later; ${files.length} files generated, not read)` };
  }
  const result = run('java', [path.join(__dirname, 'java-syntax.java'), dir])!;
  return result.status === 0
    ? { language: 'Java', status: 'ok', line: `${files.length} files parse (${javac.stdout.trim() || javac.stderr.trim()}, its parser only)` }
    : { language: 'Java', status: 'FAIL', line: `javac's parser refuses the generated code:\n${output(result)}` };
}

function checkDotnet(dir: string): Outcome {
  const files = filesIn(dir, '.cs');
  return {
    language: 'C#',
    status: 'skip',
    line: `${files.length} files generated, not read: no .NET SDK in Debian, and Mono's mcs reads C# 7, older than jsii's output`,
  };
}

function main(): number {
  const assembly = path.join(ROOT, '.jsii');
  if (!fs.existsSync(assembly) || fs.statSync(assembly).mtimeMs < newestSource(path.join(ROOT, 'src'))) {
    console.error('check-languages: .jsii is missing or older than src/: run `npx projen compile` first');
    return 1;
  }
  const out = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk8s-mesh-languages-'));
  try {
    const started = Date.now();
    const pacmak = run('npx', ['jsii-pacmak', '--code-only', '--fingerprint=false', '--force-subdirectory',
      '--target', 'python', '--target', 'go', '--target', 'java', '--target', 'dotnet', '--outdir', out])!;
    if (pacmak.status !== 0) {
      console.error(`check-languages: jsii-pacmak could not generate the bindings:\n${output(pacmak)}`);
      return 1;
    }
    console.log(`jsii-pacmak generated Python, Go, Java and C# from .jsii in ${((Date.now() - started) / 1000).toFixed(1)}s`);
    const outcomes = [
      checkPython(path.join(out, 'python')),
      checkGo(path.join(out, 'go')),
      checkJava(path.join(out, 'java')),
      checkDotnet(path.join(out, 'dotnet')),
    ];
    for (const o of outcomes) {
      console.log(`${o.status.padEnd(4)} ${o.language}: ${o.line}`);
    }
    console.log('not run: installing a generated package needs its jsii runtime and cdk8s\'s bindings from PyPI, Maven Central, '
      + 'NuGet or the Go module proxy; the release workflow builds and publishes those packages');
    return outcomes.some(o => o.status === 'FAIL') ? 1 : 0;
  } finally {
    fs.rmSync(out, { recursive: true, force: true });
  }
}

process.exitCode = main();

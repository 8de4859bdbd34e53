import { spawnSync } from 'child_process';
import * as path from 'path';
import { Testing } from 'cdk8s';
import { MeshService, Protocol, RetryPolicy } from '../../src';
import { withoutLibraryFrames } from '../../src/private/errors';
import { newMesh } from '../support/util';

/** The error `fn` throws. */
function thrown(fn: () => unknown): Error {
  try {
    fn();
  } catch (e) {
    return e as Error;
  }
  throw new Error('expected a throw');
}

/** The call sites of a V8 stack, without the message. */
function frames(error: Error): string[] {
  return (error.stack ?? '').split('\n').filter(line => /^\s+at /.test(line));
}

const REPO = path.resolve(__dirname, '..', '..');
const LIBRARY_FRAME = new RegExp(`\\(${escape(path.join(REPO, 'src'))}|\\(${escape(path.join(REPO, 'lib'))}`);

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

describe('errors thrown at once', () => {
  test('a factory\'s error starts at the line that called the factory', () => {
    // WHEN
    const error = thrown(() => RetryPolicy.of({ attempts: -1 }));
    // THEN the message is untouched, the first call site is this file, and no frame is the library's
    expect(error.message).toEqual('[MESH0021] RetryPolicy.of: attempts -1 is invalid: use a whole number of at least 0');
    expect(error.stack?.split('\n')[0]).toEqual(`Error: ${error.message}`);
    expect(frames(error)[0]).toContain(`${__filename}:`);
    expect(frames(error).filter(f => LIBRARY_FRAME.test(f))).toEqual([]);
  });

  test('a construct\'s error starts at the line that created the construct', () => {
    // GIVEN a chart outside any mesh
    const chart = Testing.chart();
    // WHEN
    const error = thrown(() => new MeshService(chart, 'web', { ports: [{ port: 8080, protocol: Protocol.HTTP }] }));
    // THEN
    expect(error.message).toEqual('[MESH0004] test/web: is not inside a Mesh: create it with a Mesh (or a construct inside one) as its scope');
    expect(frames(error)[0]).toContain(`${__filename}:`);
    expect(frames(error).filter(f => LIBRARY_FRAME.test(f))).toEqual([]);
  });

  test('the user\'s line is found below more library frames than the stack trace limit', () => {
    // GIVEN a limit smaller than the library's own frames of RetryPolicy.of (meshError, wholeNumber, of)
    const limit = Error.stackTraceLimit;
    Error.stackTraceLimit = 2;
    try {
      // WHEN
      const error = thrown(() => RetryPolicy.of({ attempts: -1 }));
      // THEN the stack still starts at this file, and keeps the limit
      expect(frames(error)[0]).toContain(`${__filename}:`);
      expect(frames(error)).toHaveLength(2);
    } finally {
      Error.stackTraceLimit = limit;
    }
    expect(Error.stackTraceLimit).toEqual(limit);
  });

  test('the stack is formatted only when read', () => {
    // GIVEN a count of the call sites V8 formats (through jest's source maps, the costly part)
    const prepare = Error.prepareStackTrace;
    let formatted = 0;
    Error.prepareStackTrace = (e, sites) => {
      formatted += sites.length > 0 ? 1 : 0;
      return prepare ? prepare(e, sites) : `${e}`;
    };
    try {
      // WHEN an error is caught unread, then another is read
      thrown(() => RetryPolicy.of({ attempts: -1 }));
      const formattedUnread = formatted;
      const error = thrown(() => RetryPolicy.of({ attempts: -1 }));
      const first = error.stack;
      // THEN only the read one was formatted, once
      expect(formattedUnread).toEqual(0);
      expect(error.stack).toEqual(first);
      expect(formatted).toEqual(1);
    } finally {
      Error.prepareStackTrace = prepare;
    }
  });

  test('a stack set by someone else replaces the trimmed one', () => {
    const error = thrown(() => RetryPolicy.of({ attempts: -1 }));
    error.stack = 'Error: rewritten';
    expect(error.stack).toEqual('Error: rewritten');
  });

  test.each<[string, () => () => void]>([
    ['without Error.captureStackTrace', () => {
      const capture = Error.captureStackTrace;
      delete (Error as { captureStackTrace?: unknown }).captureStackTrace;
      return () => Error.captureStackTrace = capture;
    }],
    ['with a read-only Error.stackTraceLimit', () => {
      const limit = Error.stackTraceLimit;
      Object.defineProperty(Error, 'stackTraceLimit', { value: limit, writable: false, configurable: true });
      return () => Object.defineProperty(Error, 'stackTraceLimit', { value: limit, writable: true, configurable: true });
    }],
  ])('an environment %s still gets the coded error', (_, setUp) => {
    const limit = Error.stackTraceLimit;
    const restore = setUp();
    let error: Error;
    try {
      error = thrown(() => RetryPolicy.of({ attempts: -1 }));
    } finally {
      restore();
    }
    expect(error).toBeInstanceOf(Error);
    expect(error.message).toEqual('[MESH0021] RetryPolicy.of: attempts -1 is invalid: use a whole number of at least 0');
    expect(Error.stackTraceLimit).toEqual(limit);
    expect(typeof Error.captureStackTrace).toEqual('function');
  });

  test('synthesis errors carry no library frame', () => {
    // GIVEN a mesh with an error cdk8s reports at synthesis
    const mesh = newMesh({ defaultNamespace: '-apps' });
    // WHEN
    const error = thrown(() => Testing.synth(mesh.charts[0]));
    // THEN cdk8s throws it (the first frame outside node_modules and the suite's strict synthesis, what jest
    // shows, is this file's)
    expect(error.message).toContain('[MESH0001] defaultNamespace \'-apps\' is not a valid DNS label');
    expect(frames(error).filter(f => LIBRARY_FRAME.test(f))).toEqual([]);
    expect(frames(error).find(f => !f.includes(`${path.sep}node_modules${path.sep}`) && !f.includes(path.join(REPO, 'test', 'support')))).toContain(`${__filename}:`);
  });
});

describe('withoutLibraryFrames', () => {
  // The layout of an installed package, as jest prints its frames (through the shipped source maps) or node does.
  const root = '/app/node_modules/cdk8s-mesh';
  const user = '    at Object.<anonymous> (/app/test/main.test.ts:5:15)';
  const cdk8s = '    at App.synth (/app/node_modules/cdk8s/lib/app.js:190:5)';

  test.each([
    ['source-mapped frames', '/app/node_modules/cdk8s-mesh/src/private/errors.ts:21:10', '/app/node_modules/cdk8s-mesh/src/traffic/resilience.ts:118:5'],
    ['compiled frames', '/app/node_modules/cdk8s-mesh/lib/private/errors.js:30:23', '/app/node_modules/cdk8s-mesh/lib/traffic/resilience.js:96:9'],
  ])('drops the library\'s %s', (_, inner, outer) => {
    const stack = ['Error: [MESH0021] RetryPolicy.of: bad', `    at meshError (${inner})`, `    at Function.of (${outer})`, user, cdk8s].join('\n');
    expect(withoutLibraryFrames(stack, root)).toEqual(['Error: [MESH0021] RetryPolicy.of: bad', user, cdk8s].join('\n'));
  });

  test('keeps a message of several lines, other packages and the library\'s bundled dependencies', () => {
    const bundled = '    at parse (/app/node_modules/cdk8s-mesh/node_modules/re2js/build/index.cjs:1:2)';
    const sibling = '    at make (/app/node_modules/cdk8s-mesh-extras/lib/index.js:3:4)';
    const stack = ['Error: first line', 'second line', '    at meshError (/app/node_modules/cdk8s-mesh/lib/private/errors.js:30:23)', bundled, sibling, user].join('\n');
    expect(withoutLibraryFrames(stack, root)).toEqual(['Error: first line', 'second line', bundled, sibling, user].join('\n'));
  });

  test('cuts the stack to the limit after dropping the library\'s frames', () => {
    const stack = ['Error: x', '    at a (/app/node_modules/cdk8s-mesh/lib/a.js:1:1)', user, cdk8s, '    at b (/app/b.js:1:1)'].join('\n');
    expect(withoutLibraryFrames(stack, root, 2)).toEqual(['Error: x', user, cdk8s].join('\n'));
  });

  test.each([
    ['only library frames', ['Error: x', '    at a (/app/node_modules/cdk8s-mesh/lib/a.js:1:1)'].join('\n')],
    ['no frames', 'Error: x'],
  ])('leaves a stack with %s as it is', (_, stack) => {
    expect(withoutLibraryFrames(stack, root)).toEqual(stack);
  });
});

test('the package ships the sources its source maps point to, and no tests', () => {
  // lib/**/*.js map to ../src/**/*.ts, the paths jest prints: what `npm pack` would put in the package.
  const pack = spawnSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: REPO, encoding: 'utf8' });
  const files: string[] = JSON.parse(pack.stdout)[0].files.map((f: { path: string }) => f.path);
  expect(files).toEqual(expect.arrayContaining(['lib/private/errors.js', 'src/private/errors.ts', 'src/index.ts', 'crds/istio-1.30.3.yaml']));
  expect(files.filter(f => /^(test|examples|scripts|packages)\//.test(f))).toEqual([]);
}, 60_000);

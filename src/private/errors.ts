import * as path from 'path';
import { IConstruct } from 'constructs';
import type { MeshCode } from '../analysis/codes';

/**
 * Formats a finding the way Istio's validation does: lowercase, no trailing period, names the prop,
 * shows the value, states the rule and the fix; prefixed with a stable code and the construct path.
 *
 * @internal
 */
export function formatFinding(code: MeshCode, scope: IConstruct | string, message: string): string {
  return `[${code}] ${typeof scope === 'string' ? scope : displayPath(scope)}: ${message}`;
}

/**
 * An error raised while the user's call is still on the stack. `scope` is the construct the error is
 * about, or, for value types that have no construct yet, the factory that was called (`RetryPolicy.of`).
 * Its stack starts at the user's line: the library's own frames are dropped (see `withoutLibraryFrames`).
 *
 * Problems reported at synthesis are not thrown here: cdk8s throws them, together, from `app.synth()` (the user's
 * frame then), each behind its construct path. Their messages do not say where the construct was created: the
 * whole-mesh checks run when no user code is on the stack, in the jsii languages the stack is the jsii
 * runtime's rather than the user's program, and the path already names the construct.
 *
 * @internal
 */
export function meshError(code: MeshCode, scope: IConstruct | string, message: string): Error {
  return userError(formatFinding(code, scope, message));
}

/**
 * An Error whose stack starts at the user's line that called into the library (see `withoutLibraryFrames`).
 *
 * The stack is captured whole, since the user's call may lie deeper than the usual 10 frames below the library's,
 * and it is formatted only when read, as V8 formats its own: many errors are caught and never shown (a test's
 * `toThrow`), and formatting through source maps costs far more than throwing.
 *
 * @internal
 */
export function userError(message: string): Error {
  const limit = Error.stackTraceLimit;
  const capture: { name: string; message: string; stack?: string } = { name: 'Error', message };
  let error: Error;
  try {
    Error.stackTraceLimit = 0;
    error = new Error(message);
    Error.stackTraceLimit = Infinity;
    Error.captureStackTrace(capture, userError);
  } catch {
    // No V8 stack API (Error.captureStackTrace), or a frozen Error: a plain Error, with its stack as it comes.
    return new Error(message);
  } finally {
    if (Error.stackTraceLimit !== limit) {
      Error.stackTraceLimit = limit;
    }
  }
  let stack: string | undefined;
  Object.defineProperty(error, 'stack', {
    configurable: true,
    enumerable: false,
    get: () => stack ??= withoutLibraryFrames(capture.stack, LIBRARY_ROOT, limit),
    set: (value: string) => {
      stack = value;
    },
  });
  return error;
}

/**
 * The package's own directory: this file is `lib/private/errors.js` when installed (`src/private/errors.ts`
 * before compilation).
 */
const LIBRARY_ROOT = path.resolve(__dirname, '..', '..');

/**
 * A stack without the library's own frames, so that its first frame, and the code frame test runners print, is
 * the user's line that called the library. The library's frames are those in its `lib/` (compiled) and `src/`
 * (where the shipped source maps point, as jest and `node --enable-source-maps` show them); its bundled
 * dependencies and every other package keep theirs. A stack that has only the library's frames keeps them. At most
 * `limit` frames are kept.
 *
 * @internal
 */
export function withoutLibraryFrames(stack: string | undefined, root: string, limit: number = Infinity): string | undefined {
  if (stack === undefined) {
    return undefined;
  }
  const own = ['lib', 'src'].map(dir => path.join(root, dir) + path.sep);
  const lines = stack.split('\n');
  const first = lines.findIndex(isFrame);
  if (first < 0) {
    return stack;
  }
  const frames = lines.slice(first);
  const others = frames.filter(line => !isFrame(line) || !own.some(dir => line.includes(dir)));
  return [...lines.slice(0, first), ...(others.some(isFrame) ? others : frames).slice(0, limit)].join('\n');
}

/** A line of a V8 stack that names a call site (the message, however many lines it has, comes before them). */
function isFrame(line: string): boolean {
  return /^\s+at /.test(line);
}

/**
 * The construct path as a user wrote it: the App's empty root id is dropped.
 *
 * @internal
 */
export function displayPath(scope: IConstruct): string {
  return scope.node.path === '' ? '<root>' : scope.node.path;
}

/**
 * A problem a construct recorded about itself (or the mesh's analysis found in it), reported at synth.
 *
 * @internal
 */
export interface RecordedProblem {
  readonly code: MeshCode;
  readonly message: string;
  readonly warning: boolean;
}

interface ProblemState {
  /** What the construct's own checks recorded (they do not change once recorded). */
  readonly recorded: RecordedProblem[];
  /** What the last run of the mesh's analysis found in the construct (replaced on every run). */
  analysis: string[];
}

const PROBLEMS = Symbol.for('cdk8s-mesh.problems');

function stateOf(scope: IConstruct): ProblemState {
  const holder = scope as unknown as { [PROBLEMS]?: ProblemState };
  let state = holder[PROBLEMS];
  if (!state) {
    const created: ProblemState = { recorded: [], analysis: [] };
    Object.defineProperty(scope, PROBLEMS, { value: created });
    // cdk8s runs every construct's validations at synth and prints each error once, behind the construct's path.
    scope.node.addValidation({ validate: () => [...created.recorded.filter(p => !p.warning).map(p => `[${p.code}] ${p.message}`), ...created.analysis] });
    state = created;
  }
  return state;
}

/**
 * Reports a problem: a construct records it and synthesis reports it with every other problem of the program
 * (`node.addValidation`); a value type that has no construct (`scope` is the factory's name) throws at once.
 *
 * @internal
 */
export function reportError(scope: IConstruct | string, code: MeshCode, message: string): void {
  if (typeof scope === 'string') {
    throw meshError(code, scope, message);
  }
  stateOf(scope).recorded.push({ code, message, warning: false });
}

/**
 * Records a warning about a construct: the mesh prints it during synthesis (and fails on it when asked to).
 *
 * @internal
 */
export function reportWarning(scope: IConstruct, code: MeshCode, message: string): void {
  stateOf(scope).recorded.push({ code, message, warning: true });
}

/**
 * What a construct recorded about itself.
 *
 * @internal
 */
export function recordedProblems(scope: IConstruct): RecordedProblem[] {
  const state = (scope as unknown as { [PROBLEMS]?: ProblemState })[PROBLEMS];
  return state ? [...state.recorded] : [];
}

/**
 * Sets what the mesh's analysis found in a construct, so that synthesis reports it behind that construct's path.
 *
 * @internal
 */
export function setAnalysisErrors(scope: IConstruct, messages: string[]): void {
  const state = (scope as unknown as { [PROBLEMS]?: ProblemState })[PROBLEMS];
  if (state || messages.length > 0) {
    stateOf(scope).analysis = messages;
  }
}

/**
 * Checks that a required prop was given: jsii languages enforce it, plain JavaScript does not. With a
 * `fallback`, the problem is reported (see `reportError`) and the construct goes on with the fallback to
 * report its other problems; without one (nothing sensible can stand in), it throws at once.
 *
 * @internal
 */
export function required<T>(scope: IConstruct | string, prop: string, value: T | undefined | null, hint: string, fallback?: T): T {
  if (value !== undefined && value !== null) {
    return value;
  }
  if (fallback === undefined) {
    throw meshError('MESH0006', scope, `${prop} is missing: ${hint}`);
  }
  reportError(scope, 'MESH0006', `${prop} is missing: ${hint}`);
  return fallback;
}

/**
 * Jest setup (setupFilesAfterEnv): every object any test synthesizes is validated strictly, as the
 * cluster would at apply time (validateManifests: schemas, the CRDs' CEL rules, the API server's and
 * istiod's validation). `Chart.toJson()` is where `Testing.synth`, `App.synth`, `App.synthYaml` and
 * `MeshTesting.synth` get their objects, so it is wrapped; a test whose output would be refused fails,
 * after it ran, with the objects and the errors.
 *
 * A test that builds invalid output on purpose (to test what the library does with it) opts out with
 * `allowInvalidOutput('why')`, for that test only.
 */
import { Chart } from 'cdk8s';
import { validateManifests } from './schemas';

interface StrictState {
  failures: string[];
  allowed?: string;
  readonly cache: Map<string, string[]>;
}

// Kept on globalThis: the test files and this setup file must see the same state whatever module registry they use.
const KEY = Symbol.for('cdk8s-mesh.strict-synth');
const state: StrictState = ((globalThis as any)[KEY] ??= { failures: [], cache: new Map() });

/**
 * Lets the current test synthesize objects the cluster would refuse; `reason` says why (it is kept for
 * the reader: a test opting out must say what invalid output it exercises).
 */
export function allowInvalidOutput(reason: string): void {
  if (!reason) {
    throw new Error('allowInvalidOutput needs a reason');
  }
  state.allowed = reason;
}

/** The failures recorded so far in the current test, which are then forgotten (to test this setup itself). */
export function takeFailures(): string[] {
  const failures = state.failures;
  state.failures = [];
  return failures;
}

/** The errors of one object, validated once per distinct content. */
function errorsOf(obj: any): string[] {
  const json = JSON.stringify(obj);
  let errors = state.cache.get(json);
  if (!errors) {
    errors = validateManifests([obj]).flatMap(f => f.errors.map(e => `${f.object}: ${e}`));
    state.cache.set(json, errors);
  }
  return errors;
}

if (!(Chart.prototype.toJson as any).strict) {
  const toJson = Chart.prototype.toJson;
  const strictToJson = function (this: Chart): any[] {
    const objects = toJson.call(this);
    if (state.allowed === undefined) {
      for (const obj of objects) {
        const errors = errorsOf(obj);
        if (errors.length > 0) {
          state.failures.push(`${errors.join('\n')}\nin:\n${JSON.stringify(obj, undefined, 2).slice(0, 4000)}`);
        }
      }
    }
    return objects;
  };
  (strictToJson as any).strict = true;
  Chart.prototype.toJson = strictToJson;
}

beforeEach(() => {
  state.failures = [];
  state.allowed = undefined;
});

afterEach(() => {
  const failures = [...new Set(state.failures)];
  state.failures = [];
  state.allowed = undefined;
  if (failures.length > 0) {
    throw new Error(`synthesized objects the cluster would refuse (strict validation, test/support/strict-synth.ts):\n${failures.join('\n---\n')}`);
  }
});

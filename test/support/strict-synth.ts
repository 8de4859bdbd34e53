/**
 * Jest setup (setupFilesAfterEnv): every object any test synthesizes is validated strictly, as the
 * cluster would at apply time (validateManifests: schemas, the CRDs' CEL rules, the API server's and
 * istiod's validation). `Chart.toJson()` is where `Testing.synth`, `App.synth`, `App.synthYaml` and
 * `MeshTesting.synth` get their objects, so it is wrapped; the objects of every chart of an app are also judged
 * together by the Pod Security Standards (pod-security.ts), as the admission controller would judge the pods of
 * a namespace by its label. A test whose output would be refused fails,
 * after it ran, with the objects and the errors.
 *
 * A test that builds invalid output on purpose (to test what the library does with it) opts out with
 * `allowInvalidOutput('why')`, for that test only.
 */
import { Chart } from 'cdk8s';
import { IConstruct } from 'constructs';
import { podSecurityFailures } from './pod-security';
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

/**
 * The latest objects each app synthesized, by kind, namespace and name: a namespace's Pod Security label and the
 * pods in it come from different charts (layers), and the admission controller judges them together.
 */
const SYNTHESIZED = new WeakMap<IConstruct, Map<string, any>>();

/** The Pod Security failures of an app's output so far, with the objects of `chart` added to it. */
function podSecurityErrorsOf(chart: Chart, objects: any[]): string[] {
  const root = chart.node.root;
  const seen = SYNTHESIZED.get(root) ?? new Map<string, any>();
  SYNTHESIZED.set(root, seen);
  for (const obj of objects) {
    seen.set(`${obj?.apiVersion}/${obj?.kind} ${obj?.metadata?.namespace}/${obj?.metadata?.name}`, obj);
  }
  return podSecurityFailures([...seen.values()]).flatMap(f => f.errors.map(e => `${f.object}: ${e}`));
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
      state.failures.push(...podSecurityErrorsOf(this, objects));
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

/**
 * How the Istio and Gateway API objects the library writes take JSON patches and overrides: on their final YAML, in
 * the APIs' own spelling, checked against the CRD's schema.
 *
 * The generated bindings (src/imports/, see scripts/import-istio.ts) convert their camelCase props to the API's
 * spelling (`consecutive5XxErrors` to `consecutive5xxErrors`) in `toJson()`, keeping only the fields they know, after
 * `ApiObject.toJson()` has applied the object's JSON patches: a patch in the API's spelling was dropped, one in the
 * binding's survived. The generator makes every binding call `checkOverrides` when it is made and render through
 * `patchedLast`, so the patches apply after the conversion, where the spelling is the API's.
 */
import { ApiObject, JsonPatch } from 'cdk8s';
import { IConstruct } from 'constructs';
import { crdSchemaProblems, SchemaProblem } from './crd-schemas';
import { meshError, reportError } from './errors';
import type { MeshCode } from '../analysis/codes';

/**
 * One change an `Overrides` makes: set or remove the field at `path` (its segments, in the API's spelling).
 *
 * @internal
 */
export interface OverrideOp {
  readonly op: 'set' | 'remove';
  readonly path: string[];
  readonly value?: any;
}

interface OverrideState {
  readonly ops: OverrideOp[];
  /** What the last rendering found (the validation renders through `toJson()`, which throws on a broken patch). */
  problems: SchemaProblem[];
}

const STATE = Symbol.for('cdk8s-mesh.overrides');

function stateOf(obj: ApiObject): OverrideState | undefined {
  return (obj as unknown as { [STATE]?: OverrideState })[STATE];
}

/** The object's JSON patches (`addJsonPatch`): ApiObject keeps them in a private array. */
function patchesOf(obj: ApiObject): JsonPatch[] {
  return (obj as unknown as { patches: JsonPatch[] }).patches;
}

/**
 * Marks a binding's object as one whose patches and overrides apply to its final YAML, and checks them at
 * synthesis. Called by every generated binding's constructor.
 *
 * @internal
 */
export function checkOverrides(obj: ApiObject): void {
  const state: OverrideState = { ops: [], problems: [] };
  Object.defineProperty(obj, STATE, { value: state });
  obj.node.addValidation({
    validate: () => {
      if (state.ops.length === 0 && patchesOf(obj).length === 0) {
        return [];
      }
      try {
        obj.toJson();
      } catch {
        // a broken patch: its problem is recorded below, with the others
      }
      return state.problems.map(p => `[${p.code}] ${p.message}`);
    },
  });
}

/**
 * Whether `obj` is one of the objects whose overrides apply to its final YAML (a generated binding's).
 *
 * @internal
 */
export function isOverridable(obj: ApiObject): boolean {
  return stateOf(obj) !== undefined;
}

/**
 * Reports, on `owner`, that the library drops `obj` although the user patched or overrode it (a renderer decided,
 * once every construct was known, not to write it): the user's change would otherwise vanish without a word.
 *
 * @internal
 */
export function reportLostOverrides(owner: IConstruct, obj: IConstruct | undefined, why: string): void {
  if (!obj || !ApiObject.isApiObject(obj) || !stateOf(obj)) {
    return;
  }
  if (stateOf(obj)!.ops.length > 0 || patchesOf(obj).length > 0) {
    reportError(owner, 'MESH0906', `the overrides of ${obj.node.path} (${obj.kind}) are lost: ${why}`);
  }
}

/**
 * Records an override of `obj` (see `Overrides`).
 *
 * @internal
 */
export function addOverride(obj: ApiObject, op: OverrideOp): void {
  stateOf(obj)!.ops.push(op);
}

/**
 * The object's JSON: `convert()` renders it (the binding's `ApiObject.toJson()` and spelling conversion) with the
 * JSON patches held back, which then apply, and then the overrides. A patch or override whose path does not exist
 * throws a coded error here; the validation reports it (with every other problem) before synthesis gets here.
 *
 * @internal
 */
export function patchedLast(obj: ApiObject, convert: () => any): any {
  const { json, problems } = render(obj, convert);
  const broken = problems.find(p => p.code === 'MESH0903');
  if (broken) {
    throw meshError(broken.code, obj, broken.message);
  }
  return json;
}

/** Renders with the patches held back and applied last; `problems` are those of the patches and the schema. */
function render(obj: ApiObject, convert: () => any): { json: any; problems: SchemaProblem[] } {
  const state = stateOf(obj);
  if (state) {
    // a rendering that throws (an input already reported elsewhere) leaves no stale problems behind
    state.problems = [];
  }
  const patches = patchesOf(obj);
  const held = patches.splice(0);
  let json: any;
  try {
    json = convert();
  } finally {
    patches.push(...held);
  }
  const problems: SchemaProblem[] = [];
  for (const patch of held) {
    const operation = patch._toJson();
    // fast-json-patch lets some of these pass without a word (removing past the end of a list): checked first
    let reason = missing(json, pointer(operation.path), operation.op) ?? (operation.from ? missing(json, pointer(operation.from), 'from') : undefined);
    if (!reason) {
      try {
        json = JsonPatch.apply(json, patch);
      } catch (e) {
        reason = firstLine(e);
      }
    }
    if (reason) {
      problems.push(problem('MESH0903', `json patch ${operation.op} ${operation.path} does not apply to ${json.kind} '${json.metadata?.name}': ${reason}`));
    }
  }
  for (const op of state?.ops ?? []) {
    const reason = applyOverride(json, op);
    if (reason) {
      problems.push(problem('MESH0903', `override ${op.op} ${op.path.join('.')} does not apply to ${json.kind} '${json.metadata?.name}': ${reason}`));
    }
  }
  if (held.length > 0 || (state?.ops.length ?? 0) > 0) {
    problems.push(...crdSchemaProblems(json));
  }
  if (state) {
    state.problems = problems;
  }
  return { json, problems };
}

function problem(code: MeshCode, message: string): SchemaProblem {
  return { code, message };
}

/** Applies an override in place; the reason it cannot, if it cannot. */
function applyOverride(json: any, op: OverrideOp): string | undefined {
  let parent = json;
  for (const [i, segment] of op.path.slice(0, -1).entries()) {
    const here = op.path.slice(0, i + 1);
    const next = parent[segment];
    if (next === undefined || next === null) {
      if (op.op === 'remove' || Array.isArray(parent)) {
        return notThere(here, parent);
      }
      if (/^\d+$/.test(op.path[i + 1])) {
        return `there is no list ${here.join('.')} to index: set the whole list (set('${here.join('.')}', [...]))`;
      }
      parent = parent[segment] = {};
    } else if (typeof next !== 'object') {
      return `${here.join('.')} is ${describe(next)}, so it has no ${op.path[i + 1]}`;
    } else {
      parent = next;
    }
  }
  const last = op.path[op.path.length - 1];
  if (Array.isArray(parent)) {
    const index = /^\d+$/.test(last) ? Number(last) : -1;
    const fits = op.op === 'set' ? index >= 0 && index <= parent.length : index >= 0 && index < parent.length;
    if (!fits) {
      return `${op.path.slice(0, -1).join('.')} is a list of ${parent.length}, so ${last} is not an index to ${op.op}`;
    }
    if (op.op === 'remove') {
      parent.splice(index, 1);
    } else {
      parent[index] = clone(op.value);
    }
    return undefined;
  }
  if (op.op === 'remove') {
    if (!(last in parent)) {
      return notThere(op.path, parent);
    }
    delete parent[last];
  } else {
    parent[last] = clone(op.value);
  }
  return undefined;
}

function notThere(path: string[], parent: any): string {
  if (Array.isArray(parent)) {
    return `there is no ${path.join('.')} (${path.slice(0, -1).join('.')} is a list of ${parent.length})`;
  }
  const fields = parent !== null && typeof parent === 'object' && !Array.isArray(parent) ? Object.keys(parent) : [];
  return `there is no ${path.join('.')} (${fields.length > 0 ? `${path.slice(0, -1).join('.') || 'the object'} has ${fields.join(', ')}` : 'nothing is there'})`;
}

/** Why a JSON patch's path is not there, naming the first missing segment (undefined when it is there). */
function missing(json: any, segments: string[], op: string): string | undefined {
  // add needs only the parent; the others need the field itself
  const needed = op === 'add' ? segments.slice(0, -1) : segments;
  let value = json;
  for (const [i, segment] of needed.entries()) {
    const next = value !== null && typeof value === 'object' ? value[segment] : undefined;
    if (next === undefined) {
      return notThere(needed.slice(0, i + 1), value);
    }
    value = next;
  }
  const last = segments[segments.length - 1];
  if (op === 'add' && Array.isArray(value) && last !== '-' && !(/^\d+$/.test(last) && Number(last) <= value.length)) {
    return `${needed.join('.')} is a list of ${value.length}, so ${last} is not an index to add at`;
  }
  return undefined;
}

/** A JSON pointer's segments, unescaped (RFC 6901). */
function pointer(path: string): string[] {
  return path.split('/').slice(1).map(s => s.replace(/~1/g, '/').replace(/~0/g, '~'));
}

function describe(value: any): string {
  return Array.isArray(value) ? 'a list' : value === null ? 'null' : `a ${typeof value} (${JSON.stringify(value)})`;
}

function firstLine(e: unknown): string {
  return String(e instanceof Error ? e.message : e).split('\n')[0];
}

function clone(value: any): any {
  return value === undefined ? undefined : JSON.parse(JSON.stringify(value));
}

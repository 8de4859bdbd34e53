import { Construct, IConstruct } from 'constructs';
import { reportError } from './errors';

/**
 * Runtime checks of what the types promise: callers from plain JavaScript (and `as any`) can give any value
 * where an enum member, a boolean, a number, a string or a list is declared. Each check reports the problem
 * (see `reportError`: recorded on a construct, thrown by a factory) and says whether the value may be used;
 * `undefined` is left to the caller (an optional prop's default, or `required()`).
 */

/** A string enum, as TypeScript compiles it: member name to value. */
type EnumType = { readonly [member: string]: string };

/** Every value of an enum, with the member's name, in declaration order. */
function membersOf(enumType: EnumType): [string, string][] {
  return Object.entries(enumType).filter(([, value]) => typeof value === 'string');
}

/** 'A, B or C'. */
function oneOf(items: string[]): string {
  return items.length <= 1 ? items.join('') : `${items.slice(0, -1).join(', ')} or ${items[items.length - 1]}`;
}

/**
 * A value as a message quotes it: a construct by its path, an object as JSON (when it can be).
 *
 * @internal
 */
export function quoted(value: unknown): string {
  if (typeof value === 'string') {
    return `'${value}'`;
  }
  if (Construct.isConstruct(value)) {
    return `${value.constructor.name} '${value.node.path}'`;
  }
  if (typeof value === 'object' && value !== null) {
    try {
      return JSON.stringify(value);
    } catch {
      // A cycle: an object holding constructs.
      return '{...}';
    }
  }
  return String(value);
}

/**
 * Whether `value` is a member of `enumType` (named `enumName` in the message); if not, reports MESH0090 with
 * the legal values, e.g. `mtls 'strict' is not a value of MtlsMode: use MtlsMode.STRICT, MtlsMode.PERMISSIVE or MtlsMode.DISABLE`.
 *
 * @internal
 */
export function checkEnum(scope: IConstruct | string, prop: string, value: unknown, enumType: EnumType, enumName: string): boolean {
  const members = membersOf(enumType);
  if (value === undefined || members.some(([, v]) => v === value)) {
    return true;
  }
  reportError(scope, 'MESH0090', `${prop} ${quoted(value)} is not a value of ${enumName}: use ${oneOf(members.map(([m]) => `${enumName}.${m}`))}`);
  return false;
}

/**
 * Whether every item of a list is a member of `enumType`, each one that is not reported as `checkEnum` does
 * (the prop named `prop[i]`); a value that is not a list is reported as `checkArray` does.
 *
 * @internal
 */
export function checkEnumList(scope: IConstruct | string, prop: string, values: unknown, enumType: EnumType, enumName: string): boolean {
  if (!checkArray(scope, prop, values) || values === undefined) {
    return values === undefined;
  }
  return (values as unknown[]).map((v, i) => checkEnum(scope, `${prop}[${i}]`, v, enumType, enumName)).every(ok => ok);
}

/** The JavaScript types a prop may be declared as. */
type Primitive = 'boolean' | 'number' | 'string';

const EXAMPLES: { readonly [type in Primitive]: string } = { boolean: 'true or false', number: 'a number such as 3', string: 'a string' };

/**
 * Whether `value` has the JavaScript type its prop is declared with; if not, reports MESH0091: a string
 * `'false'` for a boolean would read as true, a string `'3'` for a number would be written as a string.
 *
 * @internal
 */
export function checkType(scope: IConstruct | string, prop: string, value: unknown, type: Primitive, example?: string): boolean {
  if (value === undefined || typeof value === type) {
    return true;
  }
  const got = value === null ? 'null' : Array.isArray(value) ? 'a list' : typeof value === 'object' ? 'an object' : `a ${typeof value}`;
  reportError(scope, 'MESH0091', `${prop} ${quoted(value)} is ${got}, not a ${type}: give ${example ?? EXAMPLES[type]}${typeof value === 'string' ? ', without quotes' : ''}`);
  return false;
}

/**
 * Whether `value` is a list (an array); if not, reports MESH0092.
 *
 * @internal
 */
export function checkArray(scope: IConstruct | string, prop: string, value: unknown): boolean {
  if (value === undefined || Array.isArray(value)) {
    return true;
  }
  reportError(scope, 'MESH0092', `${prop} ${quoted(value)} is not a list: give an array, e.g. [${typeof value === 'string' ? `'${value}'` : '...'}]`);
  return false;
}

/**
 * A list prop as given when it is a list or missing; anything else is reported (MESH0092) and `fallback`
 * stands in for it, so that the construct goes on to report its other problems.
 *
 * @internal
 */
export function listOr<T>(scope: IConstruct | string, prop: string, value: T[] | undefined, fallback?: T[]): T[] | undefined {
  return checkArray(scope, prop, value) ? value : fallback;
}

/**
 * Whether a map of strings (env, annotations, labels) is an object whose every value is a string; what is
 * not is reported (MESH0091, a value named `prop['key']`): a number would be written as a number, undefined
 * left out; null, a list or a string given for the map would be read as no labels or as `{ '0': ... }`.
 * Missing (undefined) is fine.
 *
 * @internal
 */
export function checkStringMap(scope: IConstruct | string, prop: string, map: unknown): boolean {
  if (map === undefined) {
    return true;
  }
  if (map === null || typeof map !== 'object' || Array.isArray(map)) {
    const given = map === null ? `${prop} is null` : `${prop} ${quoted(map)} is ${Array.isArray(map) ? 'a list' : `a ${typeof map}`}`;
    reportError(scope, 'MESH0091', `${given}, not a map of strings: give an object, e.g. { app: 'web' }`);
    return false;
  }
  let ok = true;
  for (const [key, value] of Object.entries(map)) {
    if (value === undefined) {
      reportError(scope, 'MESH0091', `${prop}['${key}'] is undefined, not a string: give a string, or leave the key out`);
      ok = false;
    } else {
      ok = checkType(scope, `${prop}['${key}']`, value, 'string', `a string, e.g. '${String(value)}'`) && ok;
    }
  }
  return ok;
}

/**
 * Whether a list of strings (a command, args) is a list whose every item is a string; what is not is
 * reported (MESH0092 for no list, MESH0091 for an item, named `prop[i]`).
 *
 * @internal
 */
export function checkStringList(scope: IConstruct | string, prop: string, list: unknown): boolean {
  if (!checkArray(scope, prop, list) || list === undefined) {
    return list === undefined;
  }
  let ok = true;
  (list as unknown[]).forEach((item, i) => {
    if (item === undefined) {
      reportError(scope, 'MESH0091', `${prop}[${i}] is undefined, not a string: give a string, or leave the item out`);
      ok = false;
    } else {
      ok = checkType(scope, `${prop}[${i}]`, item, 'string') && ok;
    }
  });
  return ok;
}

/**
 * The values a list holds more than once (each named once, in the order of their second appearance), compared
 * by `key`.
 *
 * @internal
 */
export function listedTwice<T>(values: readonly T[], key: (value: T) => unknown = v => v): T[] {
  const seen = new Set<unknown>();
  const reported = new Set<unknown>();
  const twice: T[] = [];
  for (const value of values) {
    const k = key(value);
    if (seen.has(k) && !reported.has(k)) {
      reported.add(k);
      twice.push(value);
    }
    seen.add(k);
  }
  return twice;
}

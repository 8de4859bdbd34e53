/**
 * What the API server checks on a custom resource beyond its OpenAPI types: every
 * `x-kubernetes-validations` rule (CEL) of the CRD, evaluated on the value at the schema node it hangs
 * on, and `x-kubernetes-list-type: set/map` uniqueness. The schema and the object are walked together
 * (properties, items, additionalProperties); each value is given to CEL as Kubernetes gives it
 * (k8s.io/apiserver/pkg/cel/common/values.go): integers as CEL ints, lists as lists, maps
 * (additionalProperties) as maps keyed by their keys, and objects (properties) as maps of their declared
 * fields only, a null field being absent, each field named as Kubernetes escapes it (escaping.go:
 * `namespace` is `__namespace__`, `a-b` is `a__dash__b`...).
 *
 * Before any of it, the schema's defaults are applied as the API server applies them before validating
 * (structural defaulting, applyDefaults): rules such as Gateway API's read fields that only defaults fill.
 *
 * Kubernetes' CEL libraries the rules use are provided: `duration()` parses Go durations
 * (time.ParseDuration), `isURL()`/`url().getScheme()` (k8s.io/apiserver/pkg/cel/library/urls.go), `isIP()`
 * (library/ip.go: Go's netip, no zone, not IPv4-mapped), the strings extension (`substring`, `split`...), and
 * `matches` uses RE2. Transition rules (`oldSelf`) are skipped: an object being created has no old self. A
 * rule that does not parse, or calls a function this evaluator does not provide, throws when the CRDs are
 * loaded: a rule silently skipped would prove nothing.
 */
import { create } from '@bufbuild/protobuf';
import { DurationSchema } from '@bufbuild/protobuf/wkt';
import { RE2JS } from 're2js';
import { parseGoDuration } from './go-duration';
import { isCelIp } from './go-ip';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const cel = require('@bufbuild/cel');
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { strings } = require('@bufbuild/cel/ext');

const URL_VALUE = cel.mapType(cel.CelScalar.STRING, cel.CelScalar.STRING);

/** Go's url.ParseRequestURI (what the library's `url()`/`isURL()` use): an absolute URI or an absolute path. */
function parseRequestUri(s: string): { scheme: string } | undefined {
  if (s === '' || /[\x00-\x20\x7f]/.test(s)) {
    return undefined;
  }
  const scheme = /^([a-zA-Z][a-zA-Z0-9+.-]*):/.exec(s);
  if (scheme) {
    return { scheme: scheme[1].toLowerCase() };
  }
  return s.startsWith('/') ? { scheme: '' } : undefined;
}

const FUNCS = [
  ...strings,
  cel.celFunc('duration', [cel.CelScalar.STRING], cel.objectType(DurationSchema), (s: string) => {
    const ns = parseGoDuration(s);
    if (typeof ns === 'string') {
      throw new Error(ns);
    }
    return create(DurationSchema, { seconds: ns / 1_000_000_000n, nanos: Number(ns % 1_000_000_000n) });
  }),
  cel.celFunc('isURL', [cel.CelScalar.STRING], cel.CelScalar.BOOL, (s: string) => parseRequestUri(s) !== undefined),
  cel.celFunc('url', [cel.CelScalar.STRING], URL_VALUE, (s: string) => {
    const url = parseRequestUri(s);
    if (!url) {
      throw new Error(`URL parse error during conversion from string: ${s}`);
    }
    return new Map([['scheme', url.scheme]]);
  }),
  cel.celMethod('getScheme', URL_VALUE, [], cel.CelScalar.STRING, function (this: any) { return this.get('scheme'); }),
  cel.celFunc('isIP', [cel.CelScalar.STRING], cel.CelScalar.BOOL, isCelIp),
];

/** Functions a rule may call: CEL's standard ones, the operators, and the ones above. */
const KNOWN = new Set([
  'size', 'matches', 'startsWith', 'endsWith', 'contains', 'int', 'uint', 'double', 'string', 'bool', 'bytes',
  'duration', 'timestamp', 'type', 'dyn', 'getSeconds', 'getMilliseconds',
  ...FUNCS.map((f: any) => f.name),
]);

const env = cel.celEnv({
  variables: { self: cel.CelScalar.DYN },
  funcs: FUNCS,
  re2: { compile: (p: string) => { const re = RE2JS.compile(p); return { test: (t: string) => re.matcher(t).find() }; } },
});

function checkFunctions(expr: any, rule: string): void {
  if (!expr || typeof expr !== 'object') {
    return;
  }
  if (expr.$typeName === 'cel.expr.Expr.Call') {
    const fn: string = expr.function;
    if (!/^[_@!]/.test(fn) && !KNOWN.has(fn)) {
      throw new Error(`CRD rule calls ${fn}(), which the strict validator does not provide: ${rule}`);
    }
  }
  for (const [k, v] of Object.entries(expr)) {
    if (k !== '$typeName') {
      Array.isArray(v) ? v.forEach(e => checkFunctions(e, rule)) : checkFunctions(v, rule);
    }
  }
}

interface Rule {
  readonly rule: string;
  readonly message: string;
  readonly run: (ctx: { self: unknown }) => unknown;
}

/** A schema node, compiled once. */
export interface RuleNode {
  readonly type?: string;
  readonly rules: Rule[];
  readonly properties?: Map<string, RuleNode>;
  readonly items?: RuleNode;
  readonly additionalProperties?: RuleNode;
  readonly listType?: string;
  readonly listMapKeys?: string[];
  readonly intOrString: boolean;
  /** The schema's `default`, undefined when it has none. */
  readonly default?: unknown;
  readonly nullable: boolean;
}

/** Compiles the rules of an openAPIV3Schema (throws on a rule that does not compile). */
export function compileRules(schema: any): RuleNode {
  const rules: Rule[] = [];
  for (const v of schema['x-kubernetes-validations'] ?? []) {
    if (v.messageExpression !== undefined || v.fieldPath !== undefined || v.optionalOldSelf !== undefined) {
      throw new Error(`CRD rule uses messageExpression, fieldPath or optionalOldSelf, which the strict validator does not implement: ${v.rule}`);
    }
    if (/\boldSelf\b/.test(v.rule)) {
      continue; // a transition rule: there is no old object at creation
    }
    let parsed;
    try {
      parsed = cel.parse(v.rule);
    } catch (e) {
      throw new Error(`CRD rule does not compile: ${v.rule}: ${(e as Error).message}`);
    }
    checkFunctions(parsed.expr, v.rule);
    rules.push({ rule: v.rule, message: v.message ?? `failed rule: ${v.rule}`, run: cel.plan(env, parsed) });
  }
  const sub = (s: any) => (s && typeof s === 'object' ? compileRules(s) : undefined);
  return {
    type: schema.type,
    rules,
    properties: schema.properties ? new Map(Object.entries(schema.properties).map(([k, s]) => [k, compileRules(s)])) : undefined,
    items: sub(schema.items),
    additionalProperties: sub(schema.additionalProperties),
    listType: schema['x-kubernetes-list-type'],
    listMapKeys: schema['x-kubernetes-list-map-keys'],
    intOrString: !!schema['x-kubernetes-int-or-string'],
    default: schema.default,
    nullable: !!schema.nullable,
  };
}

/**
 * Structural defaulting as the API server applies it before validating (apiextensions defaulting/algorithm.go):
 * a missing field (or a null one that is not nullable) whose schema has a default gets a copy of it, and the
 * walk goes on into every field, defaults included. Changes `value` in place.
 */
export function applyDefaults(value: unknown, node: RuleNode | undefined): void {
  if (!node) {
    return;
  }
  const nonNullableNull = (v: unknown, s: RuleNode | undefined) => v === null && s !== undefined && !s.nullable;
  if (Array.isArray(value)) {
    value.forEach((v, i) => {
      if (nonNullableNull(v, node.items) && node.items!.default !== undefined) {
        value[i] = structuredClone(node.items!.default);
      }
      applyDefaults(value[i], node.items);
    });
  } else if (value && typeof value === 'object') {
    const obj = value as Record<string, unknown>;
    for (const [k, prop] of node.properties ?? []) {
      if (prop.default !== undefined && (!(k in obj) || nonNullableNull(obj[k], prop))) {
        obj[k] = structuredClone(prop.default);
      }
    }
    for (const k of Object.keys(obj)) {
      const prop = node.properties?.get(k);
      if (prop) {
        applyDefaults(obj[k], prop);
      } else if (node.additionalProperties) {
        if (nonNullableNull(obj[k], node.additionalProperties) && node.additionalProperties.default !== undefined) {
          obj[k] = structuredClone(node.additionalProperties.default);
        }
        applyDefaults(obj[k], node.additionalProperties);
      }
    }
  }
}

/** CEL's reserved words, which Kubernetes escapes as `__word__` in a field name (escaping.go celReservedSymbols). */
const CEL_RESERVED = new Set([
  'true', 'false', 'null', 'in', 'as', 'break', 'const', 'continue', 'else', 'for', 'function', 'if', 'import', 'let',
  'loop', 'package', 'namespace', 'return', 'var', 'void', 'while',
]);
const ESCAPES: Record<string, string> = { '__': '__underscores__', '.': '__dot__', '-': '__dash__', '/': '__slash__' };

/** cel.Escape: a field name as a CEL identifier, or undefined for a name CEL cannot reach by a dot. */
export function escapeFieldName(name: string): string | undefined {
  if (name === '' || /^[0-9]/.test(name) || !/^[a-zA-Z0-9_./-]+$/.test(name)) {
    return undefined;
  }
  return CEL_RESERVED.has(name) ? `__${name}__` : name.replace(/__|[-./]/g, m => ESCAPES[m]);
}

/** cel.Unescape: the field name an escaped identifier stands for, or undefined for an invalid escape. */
function unescapeFieldName(escaped: string): string | undefined {
  let ok = true;
  const name = escaped.replace(/__[^_]+__/g, m => {
    const inner = m.slice(2, -2);
    const back = Object.entries(ESCAPES).find(([, e]) => e === m)?.[0];
    if (back !== undefined) {
      return back;
    }
    ok &&= CEL_RESERVED.has(inner) && m === escaped;
    return inner;
  });
  return ok ? name : undefined;
}

/**
 * An object (a schema node with properties) as CEL sees it in Kubernetes: its keys are the escaped field
 * names (what `all()`/`exists()` iterate), and a lookup, by `self.f`, `has(self.f)` or `self['f']`, unescapes
 * the name first (unstructuredMap.Find), so `self.__namespace__` and `self['namespace']` both find `namespace`.
 */
class CelObject extends Map<unknown, unknown> {
  public get(key: unknown): unknown {
    if (typeof key !== 'string') {
      return undefined;
    }
    const name = unescapeFieldName(key);
    return name === undefined ? undefined : super.get(escapeFieldName(name) ?? name);
  }

  public has(key: unknown): boolean {
    return this.get(key) !== undefined;
  }
}

/** A JSON value as CEL sees it, where the schema does not say (preserve-unknown-fields). */
function untyped(value: unknown): unknown {
  if (Array.isArray(value)) {
    return value.map(untyped);
  }
  if (value && typeof value === 'object') {
    return new Map(Object.entries(value).map(([k, v]) => [k, untyped(v)]));
  }
  return value;
}

/**
 * Evaluates every rule under `node` on `value` (at `path`), pushing a message per violation; returns
 * the value as CEL sees it, for the rules of the nodes above. `value` is expected defaulted (applyDefaults).
 */
export function evaluateRules(value: unknown, node: RuleNode | undefined, path: string, errors: string[]): unknown {
  if (!node) {
    return untyped(value);
  }
  let celValue: unknown;
  if (Array.isArray(value)) {
    celValue = value.map((v, i) => evaluateRules(v, node.items, `${path}/${i}`, errors));
    checkListType(value, node, path, errors);
  } else if (value && typeof value === 'object' && node.properties) {
    // Only the declared fields are visible, and a null field is an absent one.
    const fields = Object.entries(value).filter(([k, v]) => node.properties!.has(k) && v !== null);
    celValue = new CelObject(fields.map(([k, v]) => [escapeFieldName(k) ?? k, evaluateRules(v, node.properties!.get(k), `${path}/${k}`, errors)]));
  } else if (value && typeof value === 'object') {
    celValue = new Map(Object.entries(value).map(([k, v]) => [k, evaluateRules(v, node.additionalProperties, `${path}/${k}`, errors)]));
  } else if (typeof value === 'number' && Number.isInteger(value) && (node.type === 'integer' || node.intOrString)) {
    celValue = BigInt(value);
  } else {
    celValue = value;
  }
  for (const rule of node.rules) {
    let result: unknown;
    try {
      result = rule.run({ self: celValue });
    } catch (e) {
      result = e;
    }
    if (result !== true) {
      const why = result === false ? '' : ` (evaluation error: ${(result as Error)?.message ?? String(result)})`;
      errors.push(`${path || '/'} ${rule.message}${why}`);
    }
  }
  return celValue;
}

function checkListType(list: unknown[], node: RuleNode, path: string, errors: string[]): void {
  if (node.listType === 'set') {
    const seen = new Set<string>();
    list.forEach((v, i) => {
      const key = JSON.stringify(v);
      if (seen.has(key)) {
        errors.push(`${path}/${i} duplicate value in a list of type set: ${key}`);
      }
      seen.add(key);
    });
  } else if (node.listType === 'map' && node.listMapKeys) {
    const seen = new Set<string>();
    list.forEach((v: any, i) => {
      const key = JSON.stringify(node.listMapKeys!.map(k => v?.[k] ?? null));
      if (seen.has(key)) {
        errors.push(`${path}/${i} duplicate entry in a list of type map (keys ${node.listMapKeys!.join(', ')}): ${key}`);
      }
      seen.add(key);
    });
  }
}

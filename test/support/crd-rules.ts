/**
 * What the API server checks on a custom resource beyond its OpenAPI types: every
 * `x-kubernetes-validations` rule (CEL) of the CRD, evaluated on the value at the schema node it hangs
 * on, and `x-kubernetes-list-type: set/map` uniqueness. The schema and the object are walked together
 * (properties, items, additionalProperties); each value is given to CEL with the types Kubernetes gives it
 * (integers as CEL ints, objects and maps as CEL maps, lists as lists).
 *
 * Kubernetes' CEL libraries the rules use are provided: `duration()` parses Go durations
 * (time.ParseDuration), `isURL()`/`url().getScheme()` (k8s.io/apiserver/pkg/cel/library/urls.go), the
 * strings extension (`substring`...), and `matches` uses RE2. Transition rules (`oldSelf`) are skipped: an
 * object being created has no old self. A rule that does not parse, or calls a function this evaluator
 * does not provide, throws when the CRDs are loaded: a rule silently skipped would prove nothing.
 */
import { create } from '@bufbuild/protobuf';
import { DurationSchema } from '@bufbuild/protobuf/wkt';
import { RE2JS } from 're2js';
import { parseGoDuration } from './go-duration';

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
}

/** Compiles the rules of an openAPIV3Schema (throws on a rule that does not compile). */
export function compileRules(schema: any): RuleNode {
  const rules: Rule[] = [];
  for (const v of schema['x-kubernetes-validations'] ?? []) {
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
  };
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
 * the value as CEL sees it, for the rules of the nodes above.
 */
export function evaluateRules(value: unknown, node: RuleNode | undefined, path: string, errors: string[]): unknown {
  if (!node) {
    return untyped(value);
  }
  let celValue: unknown;
  if (Array.isArray(value)) {
    celValue = value.map((v, i) => evaluateRules(v, node.items, `${path}/${i}`, errors));
    checkListType(value, node, path, errors);
  } else if (value && typeof value === 'object') {
    celValue = new Map(Object.entries(value).map(([k, v]) => {
      const child = node.properties?.get(k) ?? node.additionalProperties;
      return [k, evaluateRules(v, child, `${path}/${k}`, errors)];
    }));
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

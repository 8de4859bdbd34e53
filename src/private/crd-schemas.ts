import * as fs from 'fs';
import * as path from 'path';
import { crdDocuments } from './crd-documents';
import type { MeshCode } from '../analysis/codes';

/**
 * A problem the schema of a custom resource finds in an object.
 *
 * @internal
 */
export interface SchemaProblem {
  readonly code: MeshCode;
  readonly message: string;
}

/** The schema of one kind in one API version, and how messages name it (`DestinationRule networking.istio.io/v1`). */
interface KindSchema {
  readonly schema: any;
  readonly name: string;
  /** Whose YAML spelling fields are written in: `Istio's`, `the Gateway API's`. */
  readonly api: string;
}

let INDEX: Map<string, KindSchema> | undefined;

/**
 * Every served version of every CRD the package ships (each file of `crds/`), by `apiVersion` and kind, built once
 * per process from the documents `CrdBundle` parses anyway.
 */
function schemaIndex(): Map<string, KindSchema> {
  if (!INDEX) {
    INDEX = new Map();
    const files = fs.readdirSync(path.join(__dirname, '..', '..', 'crds')).filter(f => /\.ya?ml$/.test(f)).sort();
    for (const crd of files.flatMap(crdDocuments)) {
      for (const version of crd.spec.versions ?? []) {
        const schema = version.served ? version.schema?.openAPIV3Schema : undefined;
        if (schema) {
          const apiVersion = `${crd.spec.group}/${version.name}`;
          const api = crd.spec.group.endsWith('istio.io') ? 'Istio\'s' : crd.spec.group.endsWith('.k8s.io') ? 'the Gateway API\'s' : 'the API\'s';
          INDEX.set(`${apiVersion} ${crd.spec.names.kind}`, { schema, name: `${crd.spec.names.kind} ${apiVersion}`, api });
        }
      }
    }
  }
  return INDEX;
}

/**
 * What the CRD's openAPIV3Schema says of a whole object (`toJson()` output), the way the API server's strict field
 * validation reads it: fields it does not list (unless `x-kubernetes-preserve-unknown-fields` or
 * `additionalProperties` lets them in), wrong types, values outside an enum or a range. `metadata` is the API
 * server's (ObjectMeta), not the CRD's. CEL rules (`x-kubernetes-validations`) and istiod's own validation are
 * left to the cluster.
 *
 * @internal
 */
export function crdSchemaProblems(obj: any): SchemaProblem[] {
  const kind = schemaIndex().get(`${obj?.apiVersion} ${obj?.kind}`);
  if (!kind) {
    return [];
  }
  const problems: SchemaProblem[] = [];
  const { apiVersion, kind: k, metadata, ...rest } = obj;
  walk(kind.schema, rest, [], kind, problems);
  return problems;
}

function walk(schema: any, value: any, at: string[], kind: KindSchema, problems: SchemaProblem[]): void {
  if (!schema || typeof schema !== 'object') {
    return;
  }
  const field = at.join('.');
  const wanted = schemaType(schema);
  const actual = valueType(value);
  if (value === null && schema.nullable) {
    return;
  }
  if (wanted && !accepts(wanted, actual)) {
    problems.push({
      code: 'MESH0901',
      message: `field ${field} is ${article(actual)} (${shown(value)}) in ${kind.name}, whose schema wants ${article(wanted)}: give it ${article(wanted)}`,
    });
    return;
  }
  if (Array.isArray(schema.enum) && !schema.enum.includes(value)) {
    problems.push({ code: 'MESH0902', message: `field ${field} is ${shown(value)}, which ${kind.name} does not allow: use one of ${schema.enum.join(', ')}` });
  }
  if (typeof value === 'number' && typeof schema.minimum === 'number' && value < schema.minimum) {
    problems.push({ code: 'MESH0902', message: `field ${field} is ${value}, below the minimum ${schema.minimum} of ${kind.name}: give at least ${schema.minimum}` });
  }
  if (typeof value === 'number' && typeof schema.maximum === 'number' && value > schema.maximum) {
    problems.push({ code: 'MESH0902', message: `field ${field} is ${value}, above the maximum ${schema.maximum} of ${kind.name}: give at most ${schema.maximum}` });
  }
  if (actual === 'array') {
    value.forEach((item: any, i: number) => walk(schema.items, item, [...at, String(i)], kind, problems));
  } else if (actual === 'object') {
    walkObject(schema, value, at, kind, problems);
  }
}

function walkObject(schema: any, value: Record<string, any>, at: string[], kind: KindSchema, problems: SchemaProblem[]): void {
  const properties: Record<string, any> = schema.properties ?? {};
  const open = schema['x-kubernetes-preserve-unknown-fields'] === true || schema.additionalProperties === true;
  for (const [key, item] of Object.entries(value)) {
    if (key in properties) {
      walk(properties[key], item, [...at, key], kind, problems);
    } else if (schema.additionalProperties && typeof schema.additionalProperties === 'object') {
      walk(schema.additionalProperties, item, [...at, key], kind, problems);
    } else if (!open) {
      const known = Object.keys(properties);
      const close = closest(key, known);
      const hint = close ? `did you mean ${close}? Fields are written in ${kind.api} YAML spelling`
        : known.length > 0 ? `the fields there are ${known.join(', ')}` : 'nothing can be set there';
      problems.push({ code: 'MESH0900', message: `field ${[...at, key].join('.')} is not in the schema of ${kind.name}: ${hint}` });
    }
  }
}

/** The closest known name: one that differs only in case, else one within two edits. */
function closest(name: string, known: string[]): string | undefined {
  const sameLetters = known.find(k => k.toLowerCase() === name.toLowerCase());
  if (sameLetters) {
    return sameLetters;
  }
  let best: string | undefined;
  let bestDistance = 3;
  for (const k of known) {
    const d = editDistance(name.toLowerCase(), k.toLowerCase());
    if (d < bestDistance) {
      best = k;
      bestDistance = d;
    }
  }
  return best;
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    previous = current;
  }
  return previous[b.length];
}

/** The type the schema wants: `int-or-string` for `x-kubernetes-int-or-string`. */
function schemaType(schema: any): string | undefined {
  return schema['x-kubernetes-int-or-string'] ? 'integer or string' : schema.type;
}

function valueType(value: any): string {
  if (value === null) {
    return 'null';
  }
  if (Array.isArray(value)) {
    return 'array';
  }
  if (typeof value === 'number') {
    return Number.isInteger(value) ? 'integer' : 'number';
  }
  return typeof value;
}

function accepts(wanted: string, actual: string): boolean {
  switch (wanted) {
    case 'integer or string': return actual === 'integer' || actual === 'string';
    case 'number': return actual === 'integer' || actual === 'number';
    default: return wanted === actual;
  }
}

function article(type: string): string {
  return type === 'null' ? 'null' : `${/^[aeiou]/.test(type) ? 'an' : 'a'} ${type}`;
}

function shown(value: any): string {
  const text = typeof value === 'string' ? `'${value}'` : JSON.stringify(value) ?? String(value);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

/**
 * The harness of the hostile-input table: one row is built in a fresh App and synthesized the way
 * `cdk8s synth` does (`app.synthYaml()`, which runs every construct's validation), and what happened is
 * classified:
 *
 * - `error`: synthesis (or construction) failed and every line of the failure carries a code `[MESHxxxx]`;
 * - `crash`: it failed with anything else (a TypeError from deep inside, an uncoded message, a non-Error);
 * - `warning`: it synthesized, printed at least one coded `warning: [MESHxxxx]` and every object is valid;
 * - `valid`: it synthesized silently and every object passes the strict validator;
 * - `invalid`: it synthesized objects the cluster (API server, a CRD's rules, istiod) would refuse.
 */
import { App } from 'cdk8s';
import { parseAllDocuments } from 'yaml';
import { SchemaError, validateManifests } from '../support/schemas';

/** What a row expects: a coded error, a coded warning, or objects the cluster accepts. */
export type Expected = 'error' | 'warning' | 'valid';

/** What a row did. */
export type Observed = Expected | 'crash' | 'invalid';

/** One row of the table. */
export interface Row {
  /** `<construct or factory>: <what is hostile>`, unique in the table. */
  readonly name: string;
  readonly expect: Expected;
  /** Builds the row's program in `app` (a fresh App); may throw. */
  readonly build: (app: App) => unknown;
}

/** The outcome of one row, with what explains it. */
export interface Outcome {
  readonly observed: Observed;
  /** The error, the warnings, or the objects refused and why. */
  readonly detail: string;
}

const CODED = /\[MESH\d{4}\]/;
const CODED_WARNING = /warning: \[MESH\d{4}\]/;

/**
 * The errors of a failure (cdk8s's header left out). cdk8s prints one error a line, `[path] [CODE] msg`; a
 * line that does not start with `[` continues the error before it (a message quoting a value with a line break).
 */
function failureLines(message: string): string[] {
  const errors: string[] = [];
  for (const line of message.split('\n')) {
    if (/^\s*Validation failed with the following errors:?\s*$/.test(line)) {
      continue;
    }
    if (errors.length > 0 && !line.trimStart().startsWith('[')) {
      errors[errors.length - 1] += `\n${line}`;
    } else if (line.trim() !== '') {
      errors.push(line.trim());
    }
  }
  return errors;
}

// Most objects (CRDs, the control plane) are the same in every row: each distinct object is validated once.
const validated = new Map<string, SchemaError[]>();

/** Why the cluster refuses `obj` (nothing when it accepts it). */
function refusals(obj: any): SchemaError[] {
  const json = JSON.stringify(obj);
  let found = validated.get(json);
  if (!found) {
    found = validateManifests([obj]);
    validated.set(json, found);
  }
  return found;
}

/**
 * What the cluster refuses in the output as a whole, which no single object shows: two objects with one
 * kind, namespace and name (the second overwrites the first), and a namespaced object whose Namespace the
 * output does not create (apply fails on it; only `default` exists in every cluster).
 */
function wholeOutputRefusals(objects: any[]): SchemaError[] {
  const failures: SchemaError[] = [];
  const seen = new Set<string>();
  const namespaces = new Set(['default', ...objects.filter(o => o.kind === 'Namespace').map(o => o.metadata?.name)]);
  for (const o of objects) {
    const group = String(o.apiVersion ?? '').split('/').slice(0, -1).join('/');
    const key = `${group}/${o.kind} ${o.metadata?.namespace ?? ''}/${o.metadata?.name}`;
    if (seen.has(key)) {
      failures.push({ object: key, errors: ['written twice in one output (the second apply overwrites the first)'] });
    }
    seen.add(key);
    const ns = o.metadata?.namespace;
    if (ns !== undefined && !namespaces.has(ns)) {
      failures.push({ object: key, errors: [`its namespace '${ns}' is not created by the output`] });
    }
  }
  return failures;
}

/** Builds and synthesizes one row, capturing what it prints to stderr. */
export function runRow(row: Row): Outcome {
  const app = new App({ outdir: '/tmp/cdk8s-mesh-hostile' });
  const printed: string[] = [];
  const write = process.stderr.write;
  (process.stderr as any).write = (chunk: any) => {
    printed.push(String(chunk));
    return true;
  };
  let yaml: string;
  try {
    row.build(app);
    yaml = app.synthYaml();
  } catch (e: unknown) {
    const message = e instanceof Error ? e.message : `thrown non-Error: ${String(e)}`;
    const lines = failureLines(message);
    const coded = e instanceof Error && lines.length > 0 && lines.every(l => CODED.test(l));
    const stack = e instanceof Error && !coded ? ` @ ${(e.stack ?? '').split('\n').slice(1, 3).map(s => s.trim()).join(' < ')}` : '';
    return { observed: coded ? 'error' : 'crash', detail: `${lines.join(' | ').slice(0, 600)}${stack}` };
  } finally {
    (process.stderr as any).write = write;
  }
  const objects = parseAllDocuments(yaml).map(d => d.toJSON()).filter(o => o != null);
  const refused = [...objects.flatMap(o => refusals(o)), ...wholeOutputRefusals(objects)];
  if (refused.length > 0) {
    return { observed: 'invalid', detail: refused.slice(0, 3).map(f => `${f.object}: ${f.errors.slice(0, 3).join('; ')}`).join(' | ').slice(0, 600) };
  }
  const warnings = printed.join('').split('\n').filter(l => CODED_WARNING.test(l));
  if (warnings.length > 0) {
    return { observed: 'warning', detail: warnings.join(' | ').slice(0, 600) };
  }
  return { observed: 'valid', detail: `${objects.length} objects` };
}

/**
 * Whether an outcome is what the row expects. A row expecting a warning (legal input, almost surely a
 * mistake) also accepts a coded error: the library may judge it stricter; a row expecting valid output also
 * accepts warnings printed next to it (the objects are what the cluster gets).
 */
export function meets(expected: Expected, outcome: Outcome): boolean {
  return outcome.observed === expected || (expected === 'warning' && outcome.observed === 'error') || (expected === 'valid' && outcome.observed === 'warning');
}

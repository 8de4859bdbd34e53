import type { IConstruct } from 'constructs';
import { listOr } from '../private/enums';
import { reportError } from '../private/errors';

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

/**
 * Checks an `exportTo` list the way istiod does (`validateExportTo`): each entry `.` (the object's own namespace),
 * `*` (every namespace) or a namespace name, `~` (no namespace but the service's own proxies) only for a
 * ServiceEntry; no entry twice (`.` and the own namespace are one); `*` and `~` alone. Returns the entries that
 * stand, or undefined when none was given (or none stands): the object is then rendered without `exportTo`.
 *
 * @internal
 */
export function checkExportTo(scope: IConstruct, namespace: string, value: string[] | undefined, serviceEntry: boolean): string[] | undefined {
  const given = listOr(scope, 'exportTo', value);
  if (given === undefined) {
    return undefined;
  }
  if (given.length === 0) {
    reportError(scope, 'MESH0888', "exportTo is empty: list the namespaces that may see the service's routing ('.' for its own, '*' for all), or omit it to keep the mesh's default");
    return undefined;
  }
  const kept: string[] = [];
  const seen = new Map<string, string>();
  for (const entry of given) {
    const special = entry === '.' || entry === '*' || serviceEntry && entry === '~';
    if (typeof entry !== 'string' || !special && (entry.length > 63 || !DNS_LABEL.test(entry))) {
      const allowed = serviceEntry ? "'.', '*', '~' or a namespace name" : "'.', '*' or a namespace name";
      reportError(scope, 'MESH0888', `exportTo entry '${entry}' is not ${allowed}: give a namespace (a DNS label), '.' for the service's own namespace or '*' for every namespace`);
      continue;
    }
    const key = entry === '.' ? namespace : entry;
    const first = seen.get(key);
    if (first !== undefined) {
      const what = first === entry ? `'${entry}'` : `'.' and '${namespace}' (the service's own namespace)`;
      reportError(scope, 'MESH0889', `exportTo lists ${what} twice: list each namespace once`);
      continue;
    }
    seen.set(key, entry);
    kept.push(entry);
  }
  for (const alone of ['*', '~']) {
    if (kept.includes(alone) && given.length > 1) {
      const meaning = alone === '*' ? 'every namespace' : 'no namespace but its own proxies';
      reportError(scope, 'MESH0890', `exportTo has '${alone}' (${meaning}) with other entries (${given.join(', ')}), which istiod refuses: give '${alone}' alone, or only namespaces`);
      return undefined;
    }
  }
  return kept.length > 0 ? kept : undefined;
}

/**
 * Whether an object in `namespace` exported to `exportTo` (undefined: the mesh's default, every namespace) is seen
 * by proxies in namespace `from`.
 *
 * @internal
 */
export function exportedTo(namespace: string, exportTo: string[] | undefined, from: string): boolean {
  if (exportTo === undefined) {
    return true;
  }
  return exportTo.some(e => e === '*' || e === from || e === '.' && from === namespace);
}

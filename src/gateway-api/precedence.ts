import type { Inexpressible } from './routing-settings';
import type { HttpRule } from '../traffic/http-rule';
import type { RouteMatch } from '../traffic/route-match';

/**
 * How specific a match is in the order Istio gives a Gateway API route's matches: an exact path, then a path
 * prefix, then a regular expression (the specification leaves its place to implementations), the longer first
 * within each (a match without a path has the path prefix `/`, the API server's default); then a method match;
 * then the most header matches. Istio tries a VirtualService's routes in the order written.
 */
function specificity(match: RouteMatch | undefined): number[] {
  const uri = match?.uri;
  const rank = uri?.kind === 'exact' ? 3 : uri?.kind === 'regex' ? 1 : 2;
  return [rank, uri?.value.length ?? 1, match?.method ? 1 : 0, match?.headers?.length ?? 0];
}

/** The text every path a regular expression matches starts with (up to its first special character). */
function literalPrefix(pattern: string): string {
  const body = pattern.startsWith('^') ? pattern.slice(1) : pattern;
  const end = body.search(/[\\.+*?()|[\]{}^$]/);
  const literal = end < 0 ? body : body.slice(0, end);
  // A quantifier after the last literal character makes that character optional.
  return end >= 0 && /[*?{]/.test(body[end]) ? literal.slice(0, -1) : literal;
}

function moreSpecific(a: number[], b: number[]): boolean {
  for (let i = 0; i < a.length; i++) {
    if (a[i] !== b[i]) {
      return a[i] > b[i];
    }
  }
  return false;
}

/** Whether one request can meet both matches (a regular expression is judged by its literal prefix). */
function overlap(a: RouteMatch | undefined, b: RouteMatch | undefined): boolean {
  if (a?.method && b?.method && a.method !== b.method) {
    return false;
  }
  for (const ha of a?.headers ?? []) {
    const hb = (b?.headers ?? []).find(h => h.name === ha.name);
    if (hb && ha.value.kind === 'exact' && hb.value.kind === 'exact' && ha.value.value !== hb.value.value) {
      return false;
    }
  }
  const pa = a?.uri;
  const pb = b?.uri;
  if (!pa || !pb) {
    return true;
  }
  if (pa.kind === 'regex' || pb.kind === 'regex') {
    // Only what each surely starts with is compared: a regular expression may match more than its literal prefix says.
    const la = pa.kind === 'regex' ? literalPrefix(pa.value) : pa.value;
    const lb = pb.kind === 'regex' ? literalPrefix(pb.value) : pb.value;
    return la.startsWith(lb) || lb.startsWith(la);
  }
  if (pa.kind === 'exact' && pb.kind === 'exact') {
    return pa.value === pb.value;
  }
  if (pa.kind === 'exact') {
    return pa.value.startsWith(pb.value);
  }
  if (pb.kind === 'exact') {
    return pb.value.startsWith(pa.value);
  }
  return pa.value.startsWith(pb.value) || pb.value.startsWith(pa.value);
}

/** A rule's matches; a rule without any takes every request. */
function matchesOf(rule: HttpRule): (RouteMatch | undefined)[] {
  return rule.matches.length > 0 ? rule.matches : [undefined];
}

/** Whether `later` takes some requests of `earlier` and is more specific: the Gateway API would try it first. */
function overtakes(later: RouteMatch | undefined, earlier: RouteMatch | undefined): boolean {
  return overlap(earlier, later) && moreSpecific(specificity(later), specificity(earlier));
}

function describe(match: RouteMatch | undefined): string {
  const parts = [
    match?.uri ? `path ${match.uri.kind} '${match.uri.value}'` : undefined,
    match?.method ? `method ${match.method}` : undefined,
    match?.headers?.length ? `header${match.headers.length > 1 ? 's' : ''} ${match.headers.map(h => h.name).join(', ')}` : undefined,
  ].filter(p => p !== undefined);
  return parts.length > 0 ? parts.join(', ') : 'every request';
}

/**
 * Rules whose order the Gateway API would change for some requests: a later rule, more specific than an earlier one
 * whose requests it can share, that does something else with them. Istio sends such requests to the earlier rule
 * (the order written), the Gateway API to the later one.
 *
 * @param same whether two rules (by index) do the same thing with a request (then their order does not matter)
 * @internal
 */
export function precedenceProblems(rules: HttpRule[], subject: string, same: (i: number, j: number) => boolean): Inexpressible[] {
  const problems: Inexpressible[] = [];
  for (let j = 1; j < rules.length; j++) {
    const later = matchesOf(rules[j]);
    const found = rules.slice(0, j).map((earlier, i) => ({ i, earlier })).find(({ i, earlier }) => !same(i, j)
      && matchesOf(earlier).some(a => later.some(b => overtakes(b, a))));
    if (!found) {
      continue;
    }
    const a = matchesOf(found.earlier).find(m => later.some(b => overtakes(b, m)));
    const b = later.find(m => overtakes(m, a));
    const what = `${rules[j].label} (${describe(b)}) is more specific than ${found.earlier.label} (${describe(a)}) before it`;
    problems.push({
      scope: rules[j].source,
      code: 'MESH0746',
      what,
      message: `${what}, so the Gateway API would try it first and route some requests of ${subject} elsewhere than the order written does: write ${rules[j].label} before ${found.earlier.label}, or set the mesh's allowIstioApiFallback`,
    });
  }
  return problems;
}

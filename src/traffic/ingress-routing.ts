import { IConstruct } from 'constructs';
import { RE2JS } from 're2js';
import type { HttpRule } from './http-rule';
import type { CheckedActions, HeaderChanges, HeaderOperations, UrlRewrite } from './route-actions';
import { RouteMatch, StringMatch } from './route-match';
import type { MeshCode } from '../analysis/codes';
import type { IMeshService } from '../mesh-identity';
import { isKind } from '../private/tree';

/**
 * A gateway route as the gateway resolved it: where it goes and what it does itself.
 *
 * @internal
 */
export interface IngressRoute {
  /** How messages name the route: `the route to service 'reviews'`. */
  readonly label: string;
  /** The rule's name (the service's, or the redirect's). */
  readonly name?: string;
  /** Where it goes; undefined for a redirect. */
  readonly service?: IMeshService;
  /** The paths it takes (any one); empty: every path. */
  readonly paths: StringMatch[];
  /** The service port. */
  readonly port?: number;
  readonly actions: CheckedActions;
}

/**
 * Something the combination of a gateway route and its service's routing found: found at synthesis, when every
 * split is known, whatever order the program made the gateway and the split in.
 *
 * @internal
 */
export interface RoutingFinding {
  readonly code: MeshCode;
  readonly warning: boolean;
  readonly message: string;
}

/** A path condition: a match, any path (undefined), no path at all, or one this cannot decide. */
type PathCondition = { readonly uri?: StringMatch } | 'none' | 'unknown';

/**
 * The rules of a gateway route, which goes through its service's routing: the service's own rules (its
 * TrafficSplit's routes, else one route with its timeout and retries), each restricted to the gateway route's
 * paths, sent to the gateway route's port, with the gateway route's actions around them.
 *
 * The gateway route acts first, as if it called the service: its rewrite changes the path the split's matches
 * see and its request header changes come before the split's; the split's response header changes come before
 * the gateway route's. So where both change one thing, the split's wins on the request (header, host, path
 * rewrite applied after the gateway's) and the gateway route's wins on the response, timeout and retries (the
 * outer call's). A split route that matches on the caller never takes ingress traffic and is left out.
 *
 * @internal
 */
export function ingressRules(source: IConstruct, route: IngressRoute): { rules: HttpRule[]; findings: RoutingFinding[] } {
  const findings: RoutingFinding[] = [];
  const own = route.actions;
  const paths: RouteMatch[] = route.paths.map(uri => ({ uri }));
  const base = { source, label: route.label, name: route.name };
  if (route.service === undefined || own.redirect !== undefined || own.directResponse !== undefined) {
    return {
      rules: [{
        ...base,
        matches: paths,
        backends: [],
        headers: own.headers,
        redirect: own.redirect,
        directResponse: own.directResponse,
        corsPolicy: own.corsPolicy,
      }],
      findings,
    };
  }
  const service = route.service;
  const port = route.port;
  const inner: HttpRule[] = typeof (service as { _httpRules?: unknown })._httpRules === 'function'
    ? (service as unknown as { _httpRules(): HttpRule[] })._httpRules()
    : [{ source: service, label: 'the default route', matches: [], backends: [{ service }] }];
  const split = inner.length > 0 && isKind(inner[0].source, 'TrafficSplit') ? inner[0].source.node.path : undefined;
  const rules: HttpRule[] = [];
  inner.forEach((rule, i) => {
    const of = split ? `${rule.label} of TrafficSplit '${split}'` : rule.label;
    // A match on the caller's service or labels never takes ingress traffic; one on another port than the gateway
    // route's neither, and on its port the condition holds for every request it sends (the listener port differs).
    const callerMatches = rule.matches.filter(m => m.sourceService !== undefined || m.sourceLabels !== undefined);
    const matches = rule.matches
      .filter(m => m.sourceService === undefined && m.sourceLabels === undefined && (m.port === undefined || m.port === port))
      .map(m => m.port === undefined ? m : withoutPort(m));
    if (callerMatches.length > 0) {
      const what = matches.length === 0 ? of : `the matches on sourceService of ${of}`;
      findings.push({
        code: 'MESH0729',
        warning: true,
        message: `${route.label} leaves out ${what}: requests through the gateway come from the gateway, never from ${callerOf(callerMatches[0])}, `
          + `so ingress traffic bypasses ${matches.length === 0 ? 'that route' : 'those matches'}: `
          + 'match ingress traffic on headers or paths, or accept that the gateway skips it',
      });
      if (matches.length === 0) {
        return;
      }
    }
    if (rule.matches.length > 0 && matches.length === 0) {
      // Every match is on another service port than the gateway route's.
      return;
    }
    // A rewrite by regex composes with no other path rewrite, and the split's matches cannot be told on a path the
    // gateway rewrote by one.
    const pathRewrite = (r: UrlRewrite | undefined) => r?.pathPrefix !== undefined || r?.fullPath !== undefined || r?.uriRegexRewrite !== undefined;
    const regexOwn = own.rewrite?.uriRegexRewrite !== undefined;
    if ((regexOwn && (matches.some(m => m.uri !== undefined) || pathRewrite(rule.rewrite)))
      || (rule.rewrite?.uriRegexRewrite !== undefined && pathRewrite(own.rewrite))) {
      findings.push({
        code: 'MESH0728',
        warning: false,
        message: `${regexOwn ? route.label : of} rewrites the path by a regex, and ${regexOwn ? of : route.label} ${regexOwn && !pathRewrite(rule.rewrite) ? 'matches' : 'rewrites'} `
          + 'the path too, so the path either sees cannot be told: rewrite by prefix or whole path where both apply, or route the gateway to those paths separately',
      });
      return;
    }
    const combined: { match: RouteMatch; outer?: StringMatch; inner?: StringMatch }[] = [];
    let undecided = false;
    for (const outer of paths.length > 0 ? paths : [{}] as RouteMatch[]) {
      for (const m of rule.matches.length > 0 ? matches : [{}] as RouteMatch[]) {
        const path = combinePaths(outer.uri, own.rewrite, m.uri);
        if (path === 'unknown') {
          undecided = true;
        } else if (path !== 'none') {
          combined.push({ match: withUri(m, path.uri), outer: outer.uri, inner: m.uri });
        }
      }
    }
    if (undecided) {
      findings.push({
        code: 'MESH0728',
        warning: false,
        message: `${route.label} and ${of} both match the path, one by a regex, so which requests both take cannot be told: `
          + 'match paths by prefix or exact in one of them, or route the gateway to those paths separately',
      });
    }
    if (combined.length === 0) {
      if (!undecided) {
        findings.push({
          code: 'MESH0730',
          warning: true,
          message: `${of} matches no path ${route.label} takes (${route.paths.map(p => `${p.kind} '${p.value}'`).join(', ')}${own.rewrite ? ', after its rewrite' : ''}), `
            + 'so ingress traffic bypasses it: give the gateway route the paths the split route matches, or change the split route\'s matches',
        });
      }
      return;
    }
    const headers = composeHeaders(own.headers, rule.headers, name => findings.push({
      code: 'MESH0732',
      warning: false,
      message: `${route.label} and ${of} both change header '${name}', and the later adds to it, which one route's header changes cannot say: change the header in one of them`,
    }));
    if (own.corsPolicy !== undefined && rule.corsPolicy !== undefined && JSON.stringify(own.corsPolicy) !== JSON.stringify(rule.corsPolicy)) {
      findings.push({
        code: 'MESH0732',
        warning: false,
        message: `${route.label} and ${of} both set a corsPolicy, and the gateway answers a browser's preflight with one policy: set it on one of them`,
      });
    }
    const name = split ? `${route.name}-${rule.name ?? i + 1}` : route.name;
    const common = {
      source,
      label: split ? `${route.label} through ${of}` : route.label,
      name,
      backends: rule.backends.map(b => ({ ...b, port })),
      // A mirror to the routed service goes to the gateway route's port too; one to another service keeps its own.
      mirrors: rule.mirrors?.map(m => m.backend.service === service ? { ...m, backend: { ...m.backend, port } } : m),
      fault: rule.fault,
      timeout: rule.redirect || rule.directResponse ? undefined : own.timeout ?? rule.timeout,
      retries: rule.redirect || rule.directResponse ? undefined : own.retries ?? rule.retries,
      headers,
      corsPolicy: own.corsPolicy ?? rule.corsPolicy,
    };
    if (rule.directResponse !== undefined) {
      if (own.rewrite !== undefined) {
        findings.push({
          code: 'MESH0732',
          warning: false,
          message: `${route.label} rewrites requests that ${of} answers with a direct response, and a route cannot both rewrite and answer (istiod refuses it): drop the gateway route's rewrite, or route those paths separately`,
        });
      }
      rules.push({ ...common, matches: combined.flatMap(c => nonEmpty(c.match)), directResponse: rule.directResponse });
      return;
    }
    if (rule.redirect !== undefined) {
      if (own.rewrite !== undefined) {
        findings.push({
          code: 'MESH0732',
          warning: false,
          message: `${route.label} rewrites requests that ${of} redirects, and a route cannot both rewrite and redirect (istiod refuses it): drop the gateway route's rewrite, or route those paths separately`,
        });
      }
      rules.push({ ...common, matches: combined.flatMap(c => nonEmpty(c.match)), redirect: rule.redirect });
      return;
    }
    const regex = own.rewrite?.uriRegexRewrite ?? rule.rewrite?.uriRegexRewrite;
    if (regex !== undefined) {
      // Only one of them rewrites the path (else reported above): its regex rewrite, and the host of either.
      const host = rule.rewrite?.host ?? own.rewrite?.host;
      rules.push({ ...common, matches: combined.flatMap(c => nonEmpty(c.match)), rewrite: { uriRegexRewrite: regex, host } });
      return;
    }
    const rewritesPath = [own.rewrite, rule.rewrite].some(r => r?.pathPrefix !== undefined || r?.fullPath !== undefined);
    if (!rewritesPath) {
      const host = rule.rewrite?.host ?? own.rewrite?.host;
      rules.push({ ...common, matches: combined.flatMap(c => nonEmpty(c.match)), rewrite: host === undefined ? undefined : { host } });
      return;
    }
    // Where a path is rewritten, the rewrite depends on the prefix each match takes: a rule per match, unless
    // every match gets the same rewrite.
    const rewrites = combined.map(c => composeRewrite(c.match.uri, c.outer, own.rewrite, c.inner, rule.rewrite));
    if (rewrites.includes('unknown')) {
      findings.push({
        code: 'MESH0728',
        warning: false,
        message: `${route.label} and ${of} both rewrite the path, and the combined rewrite of the requests they both take cannot be told from a regex: match paths by prefix or exact where they rewrite`,
      });
      return;
    }
    if (rewrites.every(r => JSON.stringify(r) === JSON.stringify(rewrites[0]))) {
      rules.push({ ...common, matches: combined.flatMap(c => nonEmpty(c.match)), rewrite: rewrites[0] as UrlRewrite });
      return;
    }
    combined.forEach((c, j) => rules.push({ ...common, name: `${name}-${j + 1}`, matches: nonEmpty(c.match), rewrite: rewrites[j] as UrlRewrite }));
  });
  if (split && inner.length > 0 && rules.length === 0) {
    findings.push({
      code: 'MESH0731',
      warning: true,
      message: `${route.label} goes through no route of TrafficSplit '${split}', so requests to it through the gateway get 404: give the split a route ingress traffic matches, or route the gateway elsewhere`,
    });
  }
  if (!split) {
    // Without a split the rule is the gateway route itself, named after it, as before the service's routing applied.
    return { rules: rules.map(r => ({ ...r, label: route.label, name: route.name })), findings };
  }
  return { rules, findings };
}

/** How a message names the caller a match takes: a service, or workloads by their labels. */
function callerOf(match: RouteMatch): string {
  return match.sourceService ? `service '${match.sourceService.serviceName}'`
    : `workloads labelled ${Object.entries(match.sourceLabels ?? {}).map(([k, v]) => `${k}=${v}`).join(', ')}`;
}

/** The match without its port condition. */
function withoutPort(match: RouteMatch): RouteMatch {
  const { port: _port, ...rest } = match;
  return rest;
}

/** The match with `uri` (which may be none). */
function withUri(match: RouteMatch, uri: StringMatch | undefined): RouteMatch {
  const { uri: _old, ...rest } = match;
  return uri === undefined ? rest : { ...rest, uri };
}

/** A match as a rule's matches: none when it has no condition (the rule takes every request). */
function nonEmpty(match: RouteMatch): RouteMatch[] {
  return Object.values(match).some(v => v !== undefined && !(Array.isArray(v) && v.length === 0)) ? [match] : [];
}

/** Whether a path satisfies a match. */
function matchesPath(match: StringMatch, path: string): boolean {
  switch (match.kind) {
    case 'exact': return path === match.value;
    case 'prefix': return path.startsWith(match.value);
    default: return RE2JS.compile(match.value).matches(path);
  }
}

function ofKind(kind: string, value: string): StringMatch {
  return kind === 'exact' ? StringMatch.exact(value) : StringMatch.prefix(value);
}

/**
 * The paths a gateway route (`outer`, with its `rewrite`) and a split route (`inner`, which sees the rewritten
 * path) both take, as the gateway sees them.
 */
function combinePaths(outer: StringMatch | undefined, rewrite: UrlRewrite | undefined, inner: StringMatch | undefined): PathCondition {
  let seen: StringMatch | undefined = inner;
  if (inner !== undefined && rewrite?.fullPath !== undefined) {
    // Every request reaches the split with the one path: the split route takes all of them, or none.
    if (!matchesPath(inner, rewrite.fullPath)) {
      return 'none';
    }
    seen = undefined;
  } else if (inner !== undefined && rewrite?.pathPrefix !== undefined && outer?.kind === 'prefix') {
    const to = rewrite.pathPrefix;
    if (inner.kind === 'regex') {
      return 'unknown';
    }
    if (inner.value.startsWith(to)) {
      seen = ofKind(inner.kind, outer.value + inner.value.slice(to.length));
    } else if (inner.kind === 'prefix' && to.startsWith(inner.value)) {
      seen = undefined;
    } else {
      return 'none';
    }
  }
  return intersect(outer, seen);
}

/** The paths two matches both take: the narrower when one contains the other. */
function intersect(a: StringMatch | undefined, b: StringMatch | undefined): PathCondition {
  if (a === undefined || b === undefined) {
    return { uri: a ?? b };
  }
  if (a.kind === 'regex' || b.kind === 'regex') {
    if (a.kind === b.kind && a.value === b.value) {
      return { uri: a };
    }
    const [regex, other] = a.kind === 'regex' ? [a, b] : [b, a];
    if (other.kind === 'exact') {
      return matchesPath(regex, other.value) ? { uri: other } : 'none';
    }
    return 'unknown';
  }
  if (a.kind === 'exact' && b.kind === 'exact') {
    return a.value === b.value ? { uri: a } : 'none';
  }
  if (a.kind === 'prefix' && b.kind === 'prefix') {
    return b.value.startsWith(a.value) ? { uri: b } : a.value.startsWith(b.value) ? { uri: a } : 'none';
  }
  const [prefix, exact] = a.kind === 'prefix' ? [a, b] : [b, a];
  return exact.value.startsWith(prefix.value) ? { uri: exact } : 'none';
}

/**
 * The one rewrite that does what the gateway route's rewrite and then the split route's do, to the requests the
 * combined match `taken` takes (`outer` and `inner` are the matches the two rewrites replace the prefix of).
 */
function composeRewrite(
  taken: StringMatch | undefined,
  outer: StringMatch | undefined, first: UrlRewrite | undefined,
  inner: StringMatch | undefined, then: UrlRewrite | undefined,
): UrlRewrite | 'unknown' {
  let path: { kind: string; value: string } | undefined = taken && taken.kind !== 'regex' ? { kind: taken.kind, value: taken.value } : undefined;
  const apply = (rewrite: UrlRewrite | undefined, matched: StringMatch | undefined): boolean => {
    if (rewrite?.fullPath !== undefined) {
      path = { kind: 'exact', value: rewrite.fullPath };
    } else if (rewrite?.pathPrefix !== undefined) {
      if (path === undefined || matched?.kind !== 'prefix' || !path.value.startsWith(matched.value)) {
        return false;
      }
      path = { kind: path.kind, value: rewrite.pathPrefix + path.value.slice(matched.value.length) };
    }
    return true;
  };
  if (!apply(first, outer)) {
    return 'unknown';
  }
  // The split's prefix is matched on the path as the gateway rewrote it, which is where `path` now is.
  if (!apply(then, inner) || path === undefined) {
    return 'unknown';
  }
  const host = then?.host ?? first?.host;
  const result: { kind: string; value: string } = path;
  return result.kind === 'prefix' ? { pathPrefix: result.value, host } : { fullPath: result.value, host };
}

/**
 * The header changes of the gateway route (`outer`) and of the split route (`inner`) as one: on the request the
 * gateway route's come first, on the response the split route's. Where both change a header, the later decides;
 * a later `add` to a header the earlier changed cannot be said in one set of changes (`conflict`).
 */
function composeHeaders(
  outer: HeaderOperations | undefined, inner: HeaderOperations | undefined, conflict: (name: string) => void,
): HeaderOperations | undefined {
  if (outer === undefined || inner === undefined) {
    return outer ?? inner;
  }
  return {
    request: composeChanges(outer.request, inner.request, conflict),
    response: composeChanges(inner.response, outer.response, conflict),
  };
}

function composeChanges(
  first: HeaderChanges | undefined, later: HeaderChanges | undefined, conflict: (name: string) => void,
): HeaderChanges | undefined {
  if (first === undefined || later === undefined) {
    return first ?? later;
  }
  const names = (c: HeaderChanges) => [...Object.keys(c.set ?? {}), ...Object.keys(c.add ?? {}), ...c.remove ?? []].map(n => n.toLowerCase());
  const laterNames = new Set(names(later));
  const firstNames = new Set(names(first));
  Object.keys(later.add ?? {}).filter(n => firstNames.has(n.toLowerCase())).forEach(conflict);
  const kept = (record: { [name: string]: string } | undefined) =>
    Object.fromEntries(Object.entries(record ?? {}).filter(([n]) => !laterNames.has(n.toLowerCase())));
  const set = { ...kept(first.set), ...later.set };
  const add = { ...kept(first.add), ...later.add };
  const remove = [...(first.remove ?? []).filter(n => !laterNames.has(n.toLowerCase())), ...later.remove ?? []];
  return {
    set: Object.keys(set).length > 0 ? set : undefined,
    add: Object.keys(add).length > 0 ? add : undefined,
    remove: remove.length > 0 ? remove : undefined,
  };
}

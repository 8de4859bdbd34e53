import { ApiObject, Chart, DependencyGraph } from 'cdk8s';
import { Construct, IConstruct } from 'constructs';

/**
 * Make-before-break: every DestinationRule of a mesh is written (and so applied, by `kubectl apply -f` and the
 * ApplyScript) before every route that may use its subsets, so that a route never names a subset istiod has not
 * seen yet (Envoy answers 503 NR until it has). One construct stands between them, so that n rules and m routes
 * cost n + m edges rather than n × m. Argo CD, which orders a wave by kind and name, gets the routes in a later
 * wave (see layers.ts).
 *
 * The edges are kept here rather than as construct dependencies: cdk8s walks its dependency graph without
 * memoization (once for the App's charts, once for each chart's objects, and once per edge to look for a
 * cycle), so a construct between n rules and m routes costs it n × m. The mesh's chart orders its objects
 * itself (`inRolloutOrder`), exactly as cdk8s would with these edges, in one pass.
 */
const ORDER_ID = 'PoliciesBeforeRoutes';

interface RolloutOrder {
  /** The construct between them: where it sits in the tree is where the rules go when the mesh has no route. */
  readonly hub: Construct;
  readonly policies: ApiObject[];
  /** Each route, with the place its dependency on the hub takes among its dependencies (those it had before). */
  readonly routes: Map<ApiObject, number>;
}

const ORDERS = new WeakMap<IConstruct, RolloutOrder>();

function order(mesh: IConstruct): RolloutOrder {
  let found = ORDERS.get(mesh);
  if (!found) {
    found = { hub: new Construct(mesh, ORDER_ID), policies: [], routes: new Map() };
    ORDERS.set(mesh, found);
    // The Pulumi adapter registers a chart's objects in the order cdk8s writes them (read without depending on this library).
    Object.defineProperty(mesh, OBJECT_ORDER, { value: () => synthesisOrder(mesh as Chart), configurable: true });
  }
  return found;
}

/** The key of a chart's `() => ApiObject[]`: its objects in the order its synthesis writes them. */
const OBJECT_ORDER = Symbol.for('cdk8s-mesh.objectOrder');

/** Whether `o` is written in the mesh's own chart (a dependency across charts would order whole charts). */
function inMeshChart(mesh: IConstruct, o: ApiObject): boolean {
  return Chart.isChart(mesh) && Chart.of(o) === mesh;
}

/**
 * Writes `policy` (a DestinationRule) before the mesh's routes.
 *
 * @internal
 */
export function policiesBeforeRoutes<T extends ApiObject>(mesh: IConstruct, policy: T): T {
  if (inMeshChart(mesh, policy)) {
    const { policies } = order(mesh);
    if (!policies.includes(policy)) {
      policies.push(policy);
    }
  }
  return policy;
}

/**
 * Writes `route` (a VirtualService, HTTPRoute, GRPCRoute...) after the mesh's DestinationRules.
 *
 * @internal
 */
export function routesAfterPolicies<T extends ApiObject>(mesh: IConstruct, route: T): T {
  if (inMeshChart(mesh, route)) {
    const { routes } = order(mesh);
    if (!routes.has(route)) {
      routes.set(route, route.node.dependencies.length);
    }
  }
  return route;
}

/**
 * The JSON of a mesh's chart (`rendered`, what cdk8s's `Chart.toJson()` returned) in rollout order: the order
 * cdk8s writes when the routes depend on the construct between them and the rules, which depends on the rules.
 *
 * @internal
 */
export function inRolloutOrder(chart: Chart, rendered: any[]): any[] {
  if (!ORDERS.has(chart)) {
    return rendered;
  }
  // What cdk8s rendered, in the order it rendered it (without these edges).
  const written = new DependencyGraph(chart.node).topology()
    .filter((c): c is ApiObject => ApiObject.isApiObject(c) && Chart.of(c) === chart);
  const jsonOf = new Map(written.map((o, i) => [o, rendered[i]]));
  return synthesisOrder(chart).map(o => jsonOf.get(o));
}

/**
 * A chart's objects in the order cdk8s's `DependencyGraph.topology()` gives, with the rollout edges: a
 * depth-first walk from every construct nothing depends on (in tree order), each construct written after
 * what it depends on (in the order its dependencies were added), and each only once. It is the same walk
 * as cdk8s's, which visits again what it has written already (and so finds nothing new there); this one
 * does not, so it is linear in the constructs and edges. A cycle throws as cdk8s's does.
 *
 * @internal
 */
export function synthesisOrder(chart: Chart): ApiObject[] {
  const rollout = ORDERS.get(chart);
  const constructs = chart.node.findAll();
  const inScope = new Set<IConstruct>(constructs);
  const edges = new Map<IConstruct, IConstruct[]>();
  const dependedOn = new Set<IConstruct>();
  for (const c of constructs) {
    const own = c.node.dependencies;
    const at = rollout && ApiObject.isApiObject(c) ? rollout.routes.get(c) : undefined;
    // As cdk8s would have them: the hub's rules, a route's hub where it was added among the route's dependencies.
    const all = rollout && c === rollout.hub ? [...own, ...rollout.policies]
      : at !== undefined ? [...own.slice(0, at), rollout!.hub, ...own.slice(at)] : own;
    const targets = [...new Set(all)].filter(d => inScope.has(d));
    edges.set(c, targets);
    targets.forEach(t => dependedOn.add(t));
  }
  const written = new Set<IConstruct>();
  const walking = new Set<IConstruct>();
  const result: IConstruct[] = [];
  const visit = (start: IConstruct) => {
    // Iterative, so that long chains of dependencies do not exhaust the stack.
    const stack: Array<{ c: IConstruct; next: number }> = [{ c: start, next: 0 }];
    walking.add(start);
    while (stack.length > 0) {
      const top = stack[stack.length - 1];
      const targets = edges.get(top.c)!;
      if (top.next < targets.length) {
        const target = targets[top.next++];
        if (walking.has(target)) {
          const cycle = [...stack.slice(stack.findIndex(f => f.c === target)).map(f => f.c), target];
          throw new Error(`Dependency cycle detected: ${cycle.map(c => c.node.path).join(' => ')}`);
        }
        if (!written.has(target)) {
          walking.add(target);
          stack.push({ c: target, next: 0 });
        }
        continue;
      }
      stack.pop();
      walking.delete(top.c);
      if (!written.has(top.c)) {
        written.add(top.c);
        result.push(top.c);
      }
    }
  };
  for (const c of constructs.filter(x => !dependedOn.has(x))) {
    if (!written.has(c)) {
      visit(c);
    }
  }
  // What no walk reached is on a cycle, or behind one: walking it finds the cycle.
  constructs.filter(c => !written.has(c)).forEach(visit);
  return result.filter((c): c is ApiObject => ApiObject.isApiObject(c) && Chart.of(c) === chart);
}

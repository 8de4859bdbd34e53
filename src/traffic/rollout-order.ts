import { ApiObject, Chart } from 'cdk8s';
import { Construct, IConstruct } from 'constructs';

/**
 * Make-before-break: every DestinationRule of a mesh is written (and so applied, by `kubectl apply -f` and the
 * ApplyScript) before every route that may use its subsets, so that a route never names a subset istiod has not
 * seen yet (Envoy answers 503 NR until it has). One construct stands between them, so that n rules and m routes
 * cost n + m dependencies rather than n × m; cdk8s writes a chart's objects in the order of their dependencies.
 * Argo CD, which orders a wave by kind and name, gets the routes in a later wave (see layers.ts).
 */
const ORDER_ID = 'PoliciesBeforeRoutes';

function order(mesh: IConstruct): Construct {
  return mesh.node.tryFindChild(ORDER_ID) as Construct ?? new Construct(mesh, ORDER_ID);
}

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
    order(mesh).node.addDependency(policy);
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
    route.node.addDependency(order(mesh));
  }
  return route;
}

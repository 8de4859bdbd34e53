/**
 * The API a mesh renders its routing with.
 *
 * @see https://istio.io/latest/docs/tasks/traffic-management/ingress/gateway-api/
 * @see https://gateway-api.sigs.k8s.io/mesh/
 */
export enum RoutingApi {
  /** Istio's own API: Gateway, VirtualService and DestinationRule subsets. */
  ISTIO = 'istio',
  /**
   * The Kubernetes Gateway API: ingress as a `Gateway` (class `istio`) with `HTTPRoute`s (`GRPCRoute`, `TLSRoute`,
   * `TCPRoute`), routing inside the mesh as GAMMA `HTTPRoute`s whose parent is the service, and each version a
   * route uses as a Service of its own (`<service>-<version>`). DestinationRules still carry traffic policy.
   */
  GATEWAY_API = 'gateway-api',
}

import { ApiObject } from 'cdk8s';

/**
 * Whether `x` is an API object of the Gateway API (`gateway.networking.k8s.io`) of one of `kinds` (`instanceof`
 * cannot tell: every ApiObject class answers it for every ApiObject).
 *
 * @internal
 */
export function isGatewayApiObject(x: unknown, ...kinds: string[]): x is ApiObject {
  return ApiObject.isApiObject(x) && x.apiVersion.startsWith('gateway.networking.k8s.io/') && kinds.includes(x.kind);
}

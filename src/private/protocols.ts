import { Protocol } from '../traffic/protocol';

/**
 * Whether Istio's HTTP features (routes, retries, faults, methods and paths in policies) apply to a protocol.
 *
 * @internal
 */
export function isHttpProtocol(protocol: Protocol): boolean {
  return protocol === Protocol.HTTP || protocol === Protocol.HTTP2 || protocol === Protocol.GRPC;
}

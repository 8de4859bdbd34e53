import { IConstruct } from 'constructs';
import { reportError } from './errors';
import { Protocol } from '../traffic/protocol';

/**
 * Whether Istio's HTTP features (routes, retries, faults, methods and paths in policies) apply to a protocol.
 *
 * @internal
 */
export function isHttpProtocol(protocol: Protocol): boolean {
  return protocol === Protocol.HTTP || protocol === Protocol.HTTP2 || protocol === Protocol.GRPC;
}

/**
 * The kinds of port a protocol is given to.
 *
 * @internal
 */
export type PortKind = 'service port' | 'gateway listener' | 'external service port';

/** What each kind of port takes, as the message names it. */
interface Supported {
  /** How the message names the port. */
  readonly prop: string;
  readonly protocols: Protocol[];
  /** A fix more to the point than the list, for some protocols. */
  readonly hint?: { [protocol: string]: string };
}

const SUPPORTED: { readonly [kind in PortKind]: Supported } = {
  // Istio takes `https` on a service port (appProtocol or name prefix) and carries it as TLS, as for `tls`.
  'service port': {
    prop: 'port',
    protocols: [Protocol.HTTP, Protocol.HTTP2, Protocol.GRPC, Protocol.TCP, Protocol.TLS, Protocol.HTTPS],
  },
  // What the gateway renders a server for: HTTP, HTTPS terminated with a credential, TLS passed through, plain TCP.
  'gateway listener': { prop: 'listener', protocols: [Protocol.HTTP, Protocol.HTTPS, Protocol.TLS, Protocol.TCP] },
  'external service port': { prop: 'port', protocols: Object.values(Protocol) },
};

/**
 * Whether a kind of port takes `protocol`; when it does not (an enum member it does not support, or any
 * other value from JavaScript), the problem is recorded on `scope` (MESH0120).
 *
 * @internal
 */
export function checkProtocol(scope: IConstruct, kind: PortKind, port: number, protocol: Protocol): boolean {
  const supported = SUPPORTED[kind];
  if (supported.protocols.includes(protocol)) {
    return true;
  }
  const names = supported.protocols.map(p => `Protocol.${protocolMember(p)}`);
  const fix = supported.hint?.[protocol] ?? `use ${names.slice(0, -1).join(', ')} or ${names[names.length - 1]}`;
  reportError(scope, 'MESH0120', `${supported.prop} ${port} protocol '${protocol}' is not a protocol of ${kind}s: ${fix}`);
  return false;
}

/**
 * The protocol as a Gateway server's and a ServiceEntry port's `protocol` name it: in upper case (`HTTPS`).
 *
 * @internal
 */
export function istioProtocol(protocol: Protocol): string {
  return String(protocol).toUpperCase();
}

/** The enum member's name of a protocol (`HTTP2` for `http2`). */
function protocolMember(protocol: Protocol): string {
  return Object.entries(Protocol).find(([, value]) => value === protocol)![0];
}

/**
 * The protocol on a port: of a service, of a gateway listener or of an external service. One vocabulary,
 * rendered as each field expects it: a service port's name prefix and `appProtocol` take the value as it is
 * (`http`, `grpc-admin`); a Gateway server's and a ServiceEntry port's `protocol` take it in upper case
 * (`HTTP`, `HTTPS`, `TLS`).
 *
 * Not every kind of port takes every protocol, and the mesh reports one that does not (MESH0120):
 * service ports take HTTP, HTTP2, GRPC, TCP and TLS; gateway listeners HTTP, HTTPS and TLS; external
 * services every one.
 *
 * @see https://istio.io/latest/docs/ops/configuration/traffic-management/protocol-selection/
 * @see https://istio.io/latest/docs/reference/config/networking/gateway/#Port
 * @see https://istio.io/latest/docs/reference/config/networking/service-entry/#ServicePort
 */
export enum Protocol {
  /** HTTP/1.1 (and HTTP/2 with prior knowledge): Istio's HTTP routing and telemetry apply. */
  HTTP = 'http',
  /** HTTP/2. Not on gateway listeners. */
  HTTP2 = 'http2',
  /** gRPC (HTTP/2). Not on gateway listeners. */
  GRPC = 'grpc',
  /** Opaque TCP: routed by port, no HTTP features. Not on gateway listeners. */
  TCP = 'tcp',
  /**
   * TLS routed by SNI, without decryption: on a service or external port, TLS the application originates;
   * on a gateway listener, TLS passed through to the destination.
   */
  TLS = 'tls',
  /**
   * HTTPS: on a gateway listener, terminated at the gateway with the listener's certificate; on an external
   * service, HTTPS the application originates (the mesh routes it as TLS). Not on service ports: HTTPS a
   * workload serves is TLS to the mesh, so use `TLS` there.
   */
  HTTPS = 'https',
}

/**
 * A port of a service.
 */
export interface MeshServicePort {
  /** The port clients connect to. */
  readonly port: number;

  /**
   * The protocol on the port.
   *
   * @default Protocol.HTTP
   */
  readonly protocol?: Protocol;

  /**
   * The port the workload's container listens on.
   *
   * @default - the same as `port`
   */
  readonly targetPort?: number;

  /**
   * The port's name: the protocol, optionally followed by `-` and a suffix (`http`, `grpc-admin`).
   *
   * @default - the protocol, or `<protocol>-<port>` when the service has several ports of that protocol
   */
  readonly name?: string;
}

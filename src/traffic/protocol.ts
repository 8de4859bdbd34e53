/**
 * The protocol of a service port. Istio reads it from the port name's prefix and from `appProtocol`;
 * both are set from this.
 *
 * @see https://istio.io/latest/docs/ops/configuration/traffic-management/protocol-selection/
 */
export enum Protocol {
  /** HTTP/1.1 (and HTTP/2 with prior knowledge): Istio's HTTP routing and telemetry apply. */
  HTTP = 'http',
  /** HTTP/2. */
  HTTP2 = 'http2',
  /** gRPC (HTTP/2). */
  GRPC = 'grpc',
  /** Opaque TCP: routed by port, no HTTP features. */
  TCP = 'tcp',
  /** TLS originated by the application: routed by SNI. */
  TLS = 'tls',
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

/**
 * How a workload accepts connections.
 *
 * @see https://istio.io/latest/docs/reference/config/security/peer_authentication/#PeerAuthentication-MutualTLS-Mode
 */
export enum MtlsMode {
  /** Only mutual TLS: plaintext connections are refused. */
  STRICT = 'STRICT',
  /** Mutual TLS and plaintext both accepted: for migrating workloads into the mesh. */
  PERMISSIVE = 'PERMISSIVE',
  /** Plaintext only: the sidecar does not terminate mTLS. */
  DISABLE = 'DISABLE',
}

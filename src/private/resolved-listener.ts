import type { ListenerTls } from '../gateways/listener-tls';
import type { Protocol } from '../traffic/protocol';

/**
 * A gateway listener with every default resolved.
 *
 * @internal
 */
export interface ResolvedListener {
  readonly port: number;
  readonly protocol: Protocol;
  readonly hosts: string[];
  readonly credentialName?: string;
  /** An HTTPS listener's TLS settings (from `tls`, or SIMPLE with `credentialName`). */
  readonly tls?: ListenerTls;
  /** Whether an HTTP listener redirects every request to HTTPS. */
  readonly httpsRedirect?: boolean;
  readonly name: string;
  readonly targetPort: number;
}

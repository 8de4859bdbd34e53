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
  readonly name: string;
  readonly targetPort: number;
}

import type { IMesh } from '../mesh-identity';

/**
 * An external authorization service declared on the mesh (an extension provider of the mesh config,
 * `envoyExtAuthzHttp` or `envoyExtAuthzGrpc`), which an `AccessPolicy`'s CUSTOM rules delegate decisions to.
 */
export interface IExternalAuthorizer {
  /** The mesh the authorizer is declared on. */
  readonly mesh: IMesh;
  /** The extension provider's name in the mesh config, which a CUSTOM AuthorizationPolicy names. */
  readonly providerName: string;
}

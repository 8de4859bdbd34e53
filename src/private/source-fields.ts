/**
 * The fields of an AuthorizationPolicy rule's `source` a caller sets.
 *
 * @internal
 */
export interface SourceFields {
  principals?: string[];
  notPrincipals?: string[];
  namespaces?: string[];
  notNamespaces?: string[];
  ipBlocks?: string[];
  notIpBlocks?: string[];
  remoteIpBlocks?: string[];
  notRemoteIpBlocks?: string[];
  requestPrincipals?: string[];
  notRequestPrincipals?: string[];
}

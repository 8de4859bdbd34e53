import type { MeshRequest } from './mesh-testing';

/**
 * A JSON Web Token a request carries, for `MeshTesting.canCall()` and `canRequest()`: its claims, where it is
 * sent, and whether its signature and expiry are good (which a test cannot compute, so it says).
 *
 * The called proxy reads it only when a RequestAuthentication applies to the workload and one of its rules reads
 * the place it is sent in (by default the `Authorization: Bearer` header and the `access_token` query parameter).
 */
export interface JwtToken {
  /** The `iss` claim, e.g. `https://accounts.example.com`. */
  readonly issuer: string;

  /**
   * The `sub` claim.
   *
   * @default - none: the request principal is `<issuer>/`
   */
  readonly subject?: string;

  /**
   * The `aud` claim.
   *
   * @default - none
   */
  readonly audiences?: string[];

  /**
   * The `azp` claim (the authorized presenter), which `request.auth.presenter` matches.
   *
   * @default - none
   */
  readonly presenter?: string;

  /**
   * Other claims, by name: strings, lists of strings, and objects holding claims (`request.auth.claims[a][b]`
   * names a nested one). A list claim matches when one of its items does; a number or boolean matches nothing, as
   * Istio compares claims as strings. `iss`, `sub`, `aud` and `azp` are given by the fields above.
   *
   * @default - none
   */
  readonly claims?: { [name: string]: any };

  /**
   * Whether the signature verifies with the issuer's keys and the token has not expired. A token that does not is
   * rejected (401) by the proxy that reads it.
   *
   * @default true
   */
  readonly valid?: boolean;

  /**
   * The header the token is sent in, as `fromHeaders` names it (the token is sent with the rule's prefix).
   *
   * @default - `Authorization: Bearer <token>`, unless `queryParameter` or `cookie` is given
   */
  readonly header?: string;

  /**
   * The query parameter the token is sent in, as `fromParams` names it.
   *
   * @default - not in a query parameter
   */
  readonly queryParameter?: string;

  /**
   * The cookie the token is sent in, as `fromCookies` names it.
   *
   * @default - not in a cookie
   */
  readonly cookie?: string;
}

/**
 * What a request carries besides its method, path and headers, as AuthorizationPolicies and RequestAuthentications
 * see it: its token, its addresses, its host and SNI, and what the external authorizers answer.
 */
export interface AccessRequest extends MeshRequest {
  /**
   * The host the request asks for (its `Host`/`:authority`, with a port when the client sends one), which
   * `hosts`/`notHosts` match.
   *
   * @default - for canCall, none: a rule on hosts is an error (MESH1051); for canRequest, the gateway's first host
   */
  readonly host?: string;

  /**
   * The token the request carries.
   *
   * @default - none: the request has no request principal
   */
  readonly jwt?: JwtToken;

  /**
   * The address the called proxy sees the connection come from (`ipBlocks`, `source.ip`). A pod's address is not
   * in the manifests, so a rule that needs it without one given is an error (MESH1051).
   *
   * @default - unknown
   */
  readonly sourceIp?: string;

  /**
   * The original client's address (`remoteIpBlocks`, `remote.ip`), as `X-Forwarded-For` or the PROXY protocol
   * tell a gateway.
   *
   * @default - the source IP
   */
  readonly remoteIp?: string;

  /**
   * The address the connection is made to (`destination.ip`).
   *
   * @default - unknown: a rule that needs it is an error (MESH1051)
   */
  readonly destinationIp?: string;

  /**
   * The TLS server name of the connection (`connection.sni`).
   *
   * @default - unknown: a rule that needs it is an error (MESH1051)
   */
  readonly sni?: string;

  /**
   * What each external authorizer answers, by the provider name CUSTOM policies give (`provider.name`): true
   * allows, false denies. When a CUSTOM policy matches the request and its provider is not here, the call is an
   * error (MESH1050): the test must say what the authorizer decides.
   *
   * @default - none given
   */
  readonly externalAuthorizers?: { [provider: string]: boolean };
}

/**
 * A request from a client outside the mesh through an ingress gateway, for `MeshTesting.canRequest()`.
 */
export interface IngressRequestOptions extends AccessRequest {
  /**
   * The version of the service the gateway's route sends the request to.
   *
   * @default - every version the route reaches, which must all give the same answer
   */
  readonly toVersion?: string;
}

import type { RetryPolicy, Timeout } from './resilience';

/**
 * Changes to the headers of a request or a response.
 *
 * @see https://istio.io/latest/docs/reference/config/networking/virtual-service/#Headers-HeaderOperations
 */
export interface HeaderChanges {
  /**
   * Headers set, replacing any value they had.
   *
   * @default - none
   */
  readonly set?: { [name: string]: string };

  /**
   * Headers added beside any value they already have.
   *
   * @default - none
   */
  readonly add?: { [name: string]: string };

  /**
   * Names of headers removed.
   *
   * @default - none
   */
  readonly remove?: string[];
}

/**
 * Changes to the headers of the requests a route takes, and of their responses.
 */
export interface HeaderOperations {
  /**
   * Changes to the request, before it is passed on.
   *
   * @default - none
   */
  readonly request?: HeaderChanges;

  /**
   * Changes to the response, before it is returned.
   *
   * @default - none
   */
  readonly response?: HeaderChanges;
}

/**
 * How a route rewrites a request before passing it on.
 *
 * @see https://istio.io/latest/docs/reference/config/networking/virtual-service/#HTTPRewrite
 * @see https://gateway-api.sigs.k8s.io/reference/spec/#httpurlrewritefilter
 */
export interface UrlRewrite {
  /**
   * Replaces the path prefix the route matched (the route must match paths by prefix), keeping the rest of the path.
   *
   * @default - the path is kept (or `fullPath` replaces it)
   */
  readonly pathPrefix?: string;

  /**
   * Replaces the whole path.
   *
   * @default - the path is kept (or `pathPrefix` replaces its prefix)
   */
  readonly fullPath?: string;

  /**
   * Replaces the Host (`:authority`) header.
   *
   * @default - the host is kept
   */
  readonly host?: string;
}

/**
 * How a route answers with a redirect instead of passing the request on. What is not given is kept from the request.
 *
 * @see https://istio.io/latest/docs/reference/config/networking/virtual-service/#HTTPRedirect
 * @see https://gateway-api.sigs.k8s.io/reference/spec/#httprequestredirectfilter
 */
export interface HttpRedirect {
  /**
   * The scheme of the new location: `http` or `https`.
   *
   * @default - the request's
   */
  readonly scheme?: string;

  /**
   * The host of the new location.
   *
   * @default - the request's
   */
  readonly host?: string;

  /**
   * The port of the new location.
   *
   * @default - the request's (the scheme's well-known port when the scheme changes)
   */
  readonly port?: number;

  /**
   * The whole path of the new location.
   *
   * @default - the request's path (or `pathPrefix` replaces its prefix)
   */
  readonly fullPath?: string;

  /**
   * Replaces the path prefix the route matched (the route must match paths by prefix).
   *
   * @default - the request's path (or `fullPath` replaces it)
   */
  readonly pathPrefix?: string;

  /**
   * The response status: 301, 302, 303, 307 or 308.
   *
   * @default 301
   */
  readonly statusCode?: number;
}

/**
 * What a route does with the requests it takes besides choosing where they go: the same actions for routes
 * inside the mesh (a `TrafficSplit`'s) and at a gateway.
 */
export interface RouteActions {
  /**
   * Timeout of the route.
   *
   * @default - the service's timeout (a gateway route: the destination service's)
   */
  readonly timeout?: Timeout;

  /**
   * Retries of the route.
   *
   * @default - the service's retries (a gateway route: the destination service's)
   */
  readonly retries?: RetryPolicy;

  /**
   * Changes to request and response headers.
   *
   * @default - none
   */
  readonly headers?: HeaderOperations;

  /**
   * Rewrites the path or host before passing the request on.
   *
   * @default - none
   */
  readonly rewrite?: UrlRewrite;

  /**
   * Answers with a redirect instead of passing the request on (a route that redirects has no destination).
   *
   * @default - none
   */
  readonly redirect?: HttpRedirect;
}

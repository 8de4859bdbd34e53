import type { IConstruct } from 'constructs';
import type { FaultInjection } from './fault-injection';
import type { RetryPolicy, Timeout } from './resilience';
import type { CorsPolicy, DirectResponse, HeaderOperations, HttpRedirect, UrlRewrite } from './route-actions';
import type { RouteMatch } from './route-match';
import type { IMeshService } from '../mesh-identity';

/**
 * Where a rule sends requests: a service, or one version of it.
 *
 * @internal
 */
export interface RuleBackend {
  readonly service: IMeshService;
  /** The version (a DestinationRule subset in Istio's API, a per-version Service in the Gateway API). */
  readonly version?: string;
  /** The service port; undefined: the port the request came to. */
  readonly port?: number;
  /** Percent of the rule's requests; set only when the rule has several backends. */
  readonly weight?: number;
  /** Header changes of the requests sent to this backend alone, and of its responses. */
  readonly headers?: HeaderOperations;
}

/**
 * A copy of a rule's requests sent to `backend` (any service of the mesh, or a version of it), whose responses are discarded.
 *
 * @internal
 */
export interface RuleMirror {
  readonly backend: RuleBackend;
  /** Share of the rule's requests copied, 0 to 100. */
  readonly percentage: number;
}

/**
 * One HTTP routing rule, resolved from the model: what a `TrafficSplit` route or a gateway route means, with
 * every default filled in, independent of the API it is rendered to. Both renderers (Istio's API:
 * `istio-routes.ts`; the Gateway API: `gateway-api/`) read only this.
 *
 * @internal
 */
export interface HttpRule {
  /** The construct the rule was declared on (errors about rendering it are reported there). */
  readonly source: IConstruct;
  /** How messages name the rule: `route 'jason'`, `route 2`. */
  readonly label: string;
  /** The route's name, reported in access logs and metrics. */
  readonly name?: string;
  /** Any one of these; empty: every request. */
  readonly matches: RouteMatch[];
  /** Where requests go; empty for a redirect or a direct response. */
  readonly backends: RuleBackend[];
  /** Where copies of the requests go, each with its share of requests (0 to 100); empty: no mirroring. */
  readonly mirrors?: RuleMirror[];
  readonly fault?: FaultInjection;
  readonly timeout?: Timeout;
  readonly retries?: RetryPolicy;
  readonly headers?: HeaderOperations;
  readonly rewrite?: UrlRewrite;
  readonly redirect?: HttpRedirect;
  readonly directResponse?: DirectResponse;
  readonly corsPolicy?: CorsPolicy;
}

/**
 * The L4 conditions of a TCP or TLS rule (Istio's `L4MatchAttributes`): all must hold; none given, every connection.
 *
 * @internal
 */
export interface StreamMatch {
  /** The port connections come to: a gateway listener's, or a port of the routed service; undefined: every port. */
  readonly port?: number;
  /** The labels of the calling workloads (a caller service's pods). */
  readonly sourceLabels?: { [key: string]: string };
  /** The namespace of the calling workloads. */
  readonly sourceNamespace?: string;
  /** The destination addresses (IPs or CIDR blocks) connections go to. */
  readonly destinationSubnets?: string[];
}

/**
 * A TLS route, at a gateway or inside the mesh: connections whose SNI is one of `sniHosts` (and that meet the L4
 * conditions) go, still encrypted, to the backends.
 *
 * @internal
 */
export interface TlsRule extends StreamMatch {
  readonly source: IConstruct;
  readonly label: string;
  readonly sniHosts: string[];
  /** Where connections go; each with a weight when there are several. */
  readonly backends: RuleBackend[];
}

/**
 * A TCP route, at a gateway or inside the mesh: connections that meet the L4 conditions go to the backends.
 *
 * @internal
 */
export interface TcpRule extends StreamMatch {
  readonly source: IConstruct;
  readonly label: string;
  /** Where connections go; each with a weight when there are several. */
  readonly backends: RuleBackend[];
}

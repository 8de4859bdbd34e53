import { ApiObject, Duration } from 'cdk8s';
import { Construct } from 'constructs';
import * as istio from '../imports/istio-networking';
import type { IMeshService } from '../mesh-identity';
import { ensureNamespace } from '../namespaces';
import { reportError, required } from '../private/errors';
import { checkDuration } from '../private/istio-rules';
import { UINT32_MAX, validateInt32 } from '../private/kubernetes-rules';
import { isHttpProtocol } from '../private/protocols';
import { requiredService } from '../private/services';
import { isKind, markKind, meshOf } from '../private/tree';

/**
 * Properties of a `RateLimit`.
 */
export interface RateLimitProps {
  /** The service whose inbound requests are limited (by each of its pods). */
  readonly service: IMeshService;

  /** Requests allowed per `per`, per pod. */
  readonly requests: number;

  /**
   * The window `requests` refill over.
   *
   * @default Duration.minutes(1)
   */
  readonly per?: Duration;

  /**
   * Requests allowed at once (the token bucket's size).
   *
   * @default - `requests`
   */
  readonly burst?: number;
}

/**
 * A local rate limit on a service's inbound HTTP requests: each pod's proxy refuses requests beyond
 * the limit with 429, and marks them with `x-local-rate-limit: true`. Renders an EnvoyFilter that adds
 * Envoy's local rate limit filter to the service's inbound HTTP chain.
 *
 * @see https://istio.io/latest/docs/tasks/policy-enforcement/rate-limit/#local-rate-limit
 * @see https://www.envoyproxy.io/docs/envoy/latest/configuration/http/http_filters/local_rate_limit_filter
 */
export class RateLimit extends Construct {
  /**
   * Whether `x` is a `RateLimit` (told by a symbol, as cdk8s tells charts apart: it works across copies of the library).
   */
  public static isRateLimit(x: any): x is RateLimit {
    return isKind(x, 'RateLimit');
  }

  /** The limited service. */
  public readonly service: IMeshService;
  /** The EnvoyFilter. */
  public readonly resource: ApiObject;

  public constructor(scope: Construct, id: string, props: RateLimitProps) {
    super(scope, id);
    // From JavaScript the props may be missing altogether: each required one is then reported as missing.
    props = props ?? {} as RateLimitProps;
    markKind(this, 'RateLimit');
    const mesh = meshOf(this);
    // Without a service nothing can stand in (the filter selects its workloads), so this one still throws.
    this.service = requiredService(this, 'service', props.service, 'name the service whose requests are limited');
    if (this.service.mesh !== mesh) {
      reportError(this, 'MESH0150', `service '${this.service.serviceName}' belongs to another mesh: limit a service of this mesh`);
    }
    // Each bad value is reported and replaced, so that a bad rate is not reported again as a bad default burst.
    let requests = required(this, 'requests', props.requests, 'give the requests allowed per window, e.g. 100', 1);
    if (!Number.isInteger(requests) || requests < 1) {
      reportError(this, 'MESH0151', `requests ${requests} is invalid: use a whole number of at least 1`);
      requests = 1;
    } else if (!validateInt32(this, 'requests', requests, 1, UINT32_MAX)) {
      requests = 1;
    }
    let burst = props.burst ?? requests;
    if (!Number.isInteger(burst) || burst < 1) {
      reportError(this, 'MESH0151', `burst ${burst} is invalid: use a whole number of at least 1`);
      burst = requests;
    } else if (!validateInt32(this, 'burst', burst, 1, UINT32_MAX)) {
      burst = requests;
    } else if (burst < requests) {
      // Envoy's bucket holds at most max_tokens (burst): each refill of tokens_per_fill (requests) is cut to it.
      reportError(this, 'MESH0176', `burst ${burst} is below requests ${requests}: the bucket holds at most burst tokens, so only ${burst} requests would pass per window, give a burst of at least ${requests} (or leave it out)`);
    }
    // The filter limits HTTP requests: on a service without an HTTP port it would limit nothing.
    const ports = this.service.ports ?? [];
    if (ports.length > 0 && !ports.some(p => p.protocol !== undefined && isHttpProtocol(p.protocol))) {
      reportError(this, 'MESH0170', `service '${this.service.serviceName}' has no HTTP, HTTP2 or GRPC port (ports: ${ports.map(p => `${p.port}/${p.protocol}`).join(', ')}): the rate limit counts HTTP requests, so it would limit nothing, limit an HTTP service`);
    }
    let per = props.per ?? Duration.minutes(1);
    if (checkDuration(this, 'MESH0160', 'per', per) === undefined) {
      per = Duration.minutes(1);
    } else if (per.toMilliseconds() < 50) {
      reportError(this, 'MESH0152', `per ${per.toMilliseconds()}ms is shorter than Envoy's minimum refill interval of 50ms: use a longer window`);
      per = Duration.minutes(1);
    }
    // Envoy reads the patch as protobuf JSON: durations in seconds, snake_case fields.
    const enabled = (key: string) => ({ runtime_key: key, default_value: { numerator: 100, denominator: 'HUNDRED' } });
    // An imported service's namespace may hold nothing else of the mesh: it is rendered all the same.
    ensureNamespace(mesh, this.service.namespace);
    this.resource = new istio.EnvoyFilter(this, 'Resource', {
      metadata: { name: `${this.service.serviceName}-rate-limit`, namespace: this.service.namespace },
      spec: {
        workloadSelector: { labels: { app: this.service.serviceName } },
        configPatches: [{
          applyTo: istio.EnvoyFilterSpecConfigPatchesApplyTo.HTTP_UNDERSCORE_FILTER,
          match: {
            context: istio.EnvoyFilterSpecConfigPatchesMatchContext.SIDECAR_UNDERSCORE_INBOUND,
            listener: { filterChain: { filter: { name: 'envoy.filters.network.http_connection_manager', subFilter: { name: 'envoy.filters.http.router' } } } },
          },
          patch: {
            operation: istio.EnvoyFilterSpecConfigPatchesPatchOperation.INSERT_UNDERSCORE_BEFORE,
            value: {
              name: 'envoy.filters.http.local_ratelimit',
              typed_config: {
                '@type': 'type.googleapis.com/envoy.extensions.filters.http.local_ratelimit.v3.LocalRateLimit',
                'stat_prefix': 'http_local_rate_limiter',
                'token_bucket': { max_tokens: burst, tokens_per_fill: requests, fill_interval: `${per.toMilliseconds() / 1000}s` },
                'filter_enabled': enabled('local_rate_limit_enabled'),
                'filter_enforced': enabled('local_rate_limit_enforced'),
                'response_headers_to_add': [{ append_action: 'OVERWRITE_IF_EXISTS_OR_ADD', header: { key: 'x-local-rate-limit', value: 'true' } }],
              },
            },
          },
        }],
      },
    });
  }
}

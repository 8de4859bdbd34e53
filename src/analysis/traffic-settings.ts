import { IConstruct } from 'constructs';
import type { MeshCode } from './codes';
import { Severity } from './finding';
import type { MeshModel } from './mesh-model';
import { istioDuration } from '../private/duration';
import { wholeMilliseconds } from '../private/istio-rules';
import { isHttpProtocol } from '../private/protocols';
import type { LoadBalancer } from '../traffic/load-balancer';
import type { RetryPolicy, Timeout } from '../traffic/resilience';

/** How a whole-mesh check reports a finding (the mesh's analysis passes its own). */
type Report = (code: MeshCode, severity: Severity, scope: IConstruct, message: string) => void;

/**
 * Whole-mesh checks of the traffic settings a service ends up with (its props or its ServiceTrafficPolicy,
 * under each route of its TrafficSplit), whatever order they were given in:
 * - a per-try timeout at least as long as the timeout of its route never fires (warning, MESH0162);
 * - settings that only HTTP routes carry, on a service with no HTTP port, would do nothing (MESH0171).
 *
 * @internal
 */
export function checkTrafficSettings(model: MeshModel, report: Report): void {
  for (const service of model.services) {
    const policy = service.trafficPolicy;
    const owner: IConstruct = model.serviceTrafficPolicies.find(p => p.service === service) ?? service;
    const split = service.trafficSplit;
    const routes = split && split.routes.length > 0 ? split.routes : undefined;
    if (routes) {
      routes.forEach((route, i) => {
        const label = route.name ? `route '${route.name}'` : `route ${i + 1}`;
        checkPerTryTimeout(split!, `${label}: `, route.timeout ?? policy.timeout, route.retries ?? policy.retries, report);
      });
    } else {
      checkPerTryTimeout(owner, '', policy.timeout, policy.retries, report);
    }
    if (service.ports.length === 0 || service.ports.some(p => p.protocol !== undefined && isHttpProtocol(p.protocol))) {
      continue;
    }
    const httpOnly = [
      ...policy.timeout ? ['timeout'] : [],
      ...policy.retries ? ['retries'] : [],
      ...(['maxPendingRequests', 'maxRequests', 'maxRequestsPerConnection', 'maxRetries'] as const)
        .filter(limit => policy.circuitBreaker?.options[limit] !== undefined).map(limit => `circuitBreaker ${limit}`),
      ...HTTP_POOL_SETTINGS.filter(setting => policy.connectionPool?.options[setting] !== undefined).map(setting => `connectionPool ${setting}`),
      ...hashesOnHttp(policy.loadBalancer) ? ['a loadBalancer hashing on an HTTP header, cookie or query parameter'] : [],
    ];
    if (httpOnly.length > 0) {
      const ports = service.ports.map(p => `${p.port}/${p.protocol}`).join(', ');
      report('MESH0171', Severity.ERROR, owner, `service '${service.serviceName}' has no HTTP, HTTP2 or GRPC port (ports: ${ports}), so ${httpOnly.join(', ')} would do nothing: Envoy applies them to HTTP requests only, drop them or give the service an HTTP port`);
    }
  }
}

/** The settings of a `ConnectionPool` that Envoy applies to HTTP requests only. */
const HTTP_POOL_SETTINGS = ['http1MaxPendingRequests', 'http2MaxRequests', 'maxRequestsPerConnection', 'maxRetries', 'httpIdleTimeout',
  'h2UpgradePolicy', 'useClientProtocol', 'maxConcurrentStreams'] as const;

function checkPerTryTimeout(scope: IConstruct, label: string, timeout: Timeout | undefined, retries: RetryPolicy | undefined, report: Report): void {
  const perTry = retries?.perTryTimeout;
  if (!timeout || !perTry || retries!.attempts === 0) {
    return;
  }
  const [perTryMs, timeoutMs] = [wholeMilliseconds(perTry), wholeMilliseconds(timeout.duration)];
  if (perTryMs !== undefined && timeoutMs !== undefined && perTryMs >= timeoutMs) {
    report('MESH0162', Severity.WARNING, scope, `${label}retries perTryTimeout ${istioDuration(perTry)} is not shorter than the timeout ${istioDuration(timeout.duration)}, which ends the request first, so no try is cut short and retried: make perTryTimeout shorter than the timeout`);
  }
}

function hashesOnHttp(loadBalancer: LoadBalancer | undefined): boolean {
  const hash = loadBalancer?._toIstio().consistentHash;
  return hash?.httpHeaderName !== undefined || hash?.httpCookie !== undefined || hash?.httpQueryParameterName !== undefined;
}

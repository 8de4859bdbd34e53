import type { HttpRule, RuleBackend, TcpRule, TlsRule } from './http-rule';
import type { HeaderChanges } from './route-actions';
import { routeMatchToIstio } from './route-match';
import * as istio from '../imports/istio-networking';

/**
 * A resolved HTTP rule as a VirtualService route (Istio's API).
 *
 * @internal
 */
export function httpRuleToIstio(rule: HttpRule): istio.VirtualServiceSpecHttp {
  const mirrors = rule.mirrors ?? [];
  return {
    name: rule.name,
    match: rule.matches.length > 0 ? rule.matches.map(routeMatchToIstio) : undefined,
    route: rule.backends.length > 0 ? rule.backends.map(b => ({
      destination: istioDestination(b),
      weight: rule.backends.length > 1 ? b.weight : undefined,
    })) : undefined,
    // One mirror in the fields every Istio reads; several in \`mirrors\` (istiod refuses both at once).
    mirror: mirrors.length === 1 ? istioDestination(mirrors[0].backend) : undefined,
    mirrorPercentage: mirrors.length === 1 ? { value: mirrors[0].percentage } : undefined,
    mirrors: mirrors.length > 1 ? mirrors.map(m => ({ destination: istioDestination(m.backend), percentage: { value: m.percentage } })) : undefined,
    fault: rule.fault?._toIstio(),
    timeout: rule.timeout?._toIstio(),
    retries: rule.retries?._toIstio(),
    headers: rule.headers ? {
      request: istioHeaderChanges(rule.headers.request),
      response: istioHeaderChanges(rule.headers.response),
    } : undefined,
    rewrite: rule.rewrite ? {
      uri: rule.rewrite.pathPrefix,
      // As Istio translates the Gateway API's ReplaceFullPath: the whole path (Envoy leaves the query string alone).
      uriRegexRewrite: rule.rewrite.fullPath !== undefined ? { match: '/.*', rewrite: rule.rewrite.fullPath } : undefined,
      authority: rule.rewrite.host,
    } : undefined,
    redirect: rule.redirect ? {
      scheme: rule.redirect.scheme,
      authority: rule.redirect.host,
      port: rule.redirect.port,
      uri: rule.redirect.fullPath,
      redirectCode: rule.redirect.statusCode,
    } : undefined,
  };
}

/**
 * A resolved TLS passthrough rule as a VirtualService `tls` route: the listener port and SNI hosts it takes.
 *
 * @internal
 */
export function tlsRuleToIstio(rule: TlsRule): istio.VirtualServiceSpecTls {
  return {
    match: [{ port: rule.listenerPort, sniHosts: [...rule.sniHosts] }],
    route: [{ destination: istioDestination(rule.backend) }],
  };
}

/**
 * A resolved TCP rule as a VirtualService `tcp` route: every connection to the listener port.
 *
 * @internal
 */
export function tcpRuleToIstio(rule: TcpRule): istio.VirtualServiceSpecTcp {
  return {
    match: [{ port: rule.listenerPort }],
    route: [{ destination: istioDestination(rule.backend) }],
  };
}

/**
 * A backend as a VirtualService destination: the service's host, its version's subset and the port.
 *
 * @internal
 */
export function istioDestination(backend: RuleBackend): istio.VirtualServiceSpecHttpRouteDestination {
  return {
    host: backend.service.host,
    subset: backend.version,
    port: backend.port === undefined ? undefined : { number: backend.port },
  };
}

function istioHeaderChanges(changes: HeaderChanges | undefined): istio.VirtualServiceSpecHttpHeadersRequest | undefined {
  if (!changes) {
    return undefined;
  }
  return {
    set: changes.set && Object.keys(changes.set).length > 0 ? { ...changes.set } : undefined,
    add: changes.add && Object.keys(changes.add).length > 0 ? { ...changes.add } : undefined,
    remove: changes.remove && changes.remove.length > 0 ? [...changes.remove] : undefined,
  };
}

import type { HttpRule, RuleBackend, StreamMatch, TcpRule, TlsRule } from './http-rule';
import type { CorsPolicy, HeaderChanges, HeaderOperations } from './route-actions';
import { routeMatchToIstio } from './route-match';
import * as istio from '../imports/istio-networking';
import { istioDuration } from '../private/duration';

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
      headers: istioHeaders(b.headers),
    })) : undefined,
    // One mirror in the fields every Istio reads; several in \`mirrors\` (istiod refuses both at once).
    mirror: mirrors.length === 1 ? istioDestination(mirrors[0].backend) : undefined,
    mirrorPercentage: mirrors.length === 1 ? { value: mirrors[0].percentage } : undefined,
    mirrors: mirrors.length > 1 ? mirrors.map(m => ({ destination: istioDestination(m.backend), percentage: { value: m.percentage } })) : undefined,
    fault: rule.fault?._toIstio(),
    timeout: rule.timeout?._toIstio(),
    retries: rule.retries?._toIstio(),
    headers: istioHeaders(rule.headers),
    rewrite: rule.rewrite ? {
      uri: rule.rewrite.pathPrefix,
      // As Istio translates the Gateway API's ReplaceFullPath: the whole path (Envoy leaves the query string alone).
      uriRegexRewrite: rule.rewrite.fullPath !== undefined ? { match: '/.*', rewrite: rule.rewrite.fullPath }
        : rule.rewrite.uriRegexRewrite ? { match: rule.rewrite.uriRegexRewrite.match, rewrite: rule.rewrite.uriRegexRewrite.rewrite } : undefined,
      authority: rule.rewrite.host,
    } : undefined,
    redirect: rule.redirect ? {
      scheme: rule.redirect.scheme,
      authority: rule.redirect.host,
      port: rule.redirect.port,
      derivePort: rule.redirect.derivePort as istio.VirtualServiceSpecHttpRedirectDerivePort | undefined,
      uri: rule.redirect.fullPath,
      redirectCode: rule.redirect.statusCode,
    } : undefined,
    directResponse: rule.directResponse ? {
      status: rule.directResponse.status,
      body: rule.directResponse.body !== undefined ? { string: rule.directResponse.body }
        : rule.directResponse.bodyBytes !== undefined ? { bytes: rule.directResponse.bodyBytes } : undefined,
    } : undefined,
    corsPolicy: rule.corsPolicy ? istioCorsPolicy(rule.corsPolicy) : undefined,
  };
}

/**
 * A CORS policy in Istio's terms.
 *
 * @internal
 */
export function istioCorsPolicy(cors: CorsPolicy): istio.VirtualServiceSpecHttpCorsPolicy {
  const list = (l: string[] | undefined) => l && l.length > 0 ? [...l] : undefined;
  return {
    allowOrigins: cors.allowOrigins && cors.allowOrigins.length > 0 ? cors.allowOrigins.map(o => o._toIstio()) : undefined,
    allowMethods: list(cors.allowMethods),
    allowHeaders: list(cors.allowHeaders),
    exposeHeaders: list(cors.exposeHeaders),
    maxAge: cors.maxAge ? istioDuration(cors.maxAge) : undefined,
    allowCredentials: cors.allowCredentials,
    unmatchedPreflights: cors.unmatchedPreflights as istio.VirtualServiceSpecHttpCorsPolicyUnmatchedPreflights | undefined,
  };
}

function istioHeaders(ops: HeaderOperations | undefined): istio.VirtualServiceSpecHttpHeaders | undefined {
  return ops ? { request: istioHeaderChanges(ops.request), response: istioHeaderChanges(ops.response) } : undefined;
}

/**
 * A resolved TLS rule as a VirtualService `tls` route: its SNI hosts and L4 conditions, its weighted destinations.
 *
 * @internal
 */
export function tlsRuleToIstio(rule: TlsRule): istio.VirtualServiceSpecTls {
  return {
    match: [{ ...streamMatchToIstio(rule), sniHosts: [...rule.sniHosts] }],
    route: streamRoute(rule.backends),
  };
}

/**
 * A resolved TCP rule as a VirtualService `tcp` route: its L4 conditions (none: every connection), its weighted
 * destinations.
 *
 * @internal
 */
export function tcpRuleToIstio(rule: TcpRule): istio.VirtualServiceSpecTcp {
  const match = streamMatchToIstio(rule);
  return {
    match: Object.values(match).some(v => v !== undefined) ? [match] : undefined,
    route: streamRoute(rule.backends),
  };
}

function streamMatchToIstio(match: StreamMatch): istio.VirtualServiceSpecTcpMatch {
  return {
    port: match.port,
    sourceLabels: match.sourceLabels ? { ...match.sourceLabels } : undefined,
    sourceNamespace: match.sourceNamespace,
    destinationSubnets: match.destinationSubnets && match.destinationSubnets.length > 0 ? [...match.destinationSubnets] : undefined,
  };
}

function streamRoute(backends: RuleBackend[]): istio.VirtualServiceSpecTcpRoute[] {
  return backends.map(b => ({ destination: istioDestination(b), weight: backends.length > 1 ? b.weight : undefined }));
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

/**
 * istiod's validation (the admission webhook `pilot.validation.istio.io`, istio/istio
 * pkg/config/validation/validation.go, virtualservice.go and agent/validation.go) of the fields this
 * library writes, for what the CRDs' schemas and CEL rules do not already check. Each check names the Go
 * function it follows; nothing here is stricter than istiod.
 *
 * Not checked, because istiod does not: a URI prefix without a leading '/' and lower-case HTTP methods in
 * a match (Envoy takes both; only CORS allowMethods are checked, validateCORSHTTPMethod).
 */
import { RE2JS } from 're2js';
import { parseGoDuration } from './go-duration';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const cel = require('@bufbuild/cel');

/** supportedRetryOnPolicies, plus any HTTP status code Go's http.StatusText knows (validateHTTPRetry). */
const RETRY_ON = new Set([
  '5xx', 'gateway-error', 'reset', 'reset-before-request', 'connect-failure', 'retriable-4xx', 'refused-stream',
  'retriable-status-codes', 'retriable-headers', 'envoy-ratelimited', 'http3-post-connect-failure',
  'cancelled', 'deadline-exceeded', 'internal', 'resource-exhausted', 'unavailable',
]);
/** The codes net/http's StatusText names. */
const HTTP_STATUS = new Set([
  100, 101, 102, 103, 200, 201, 202, 203, 204, 205, 206, 207, 208, 226, 300, 301, 302, 303, 304, 305, 307, 308,
  400, 401, 402, 403, 404, 405, 406, 407, 408, 409, 410, 411, 412, 413, 414, 415, 416, 417, 418, 421, 422, 423,
  424, 425, 426, 428, 429, 431, 451, 500, 501, 502, 503, 504, 505, 506, 507, 508, 510, 511,
]);
/** supportedCORSMethods (Go's net/http methods). */
const CORS_METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS', 'TRACE', 'CONNECT']);
/** validHeaderNameRegex: RFC 7230 tchars. */
const HEADER_NAME = /^[!#$%&'*+\-.^_`|~A-Za-z0-9]+$/;
/** The pseudo-headers istiod takes in a route match (pkg/config/validation: pseudoHeaders). */
const ROUTE_PSEUDO_HEADERS = [':method', ':scheme', ':authority', ':path', ':status'];
/** httpHeaderValueRegexp: no control characters but TAB. */
const HEADER_VALUE = /^[^\u0000-\u0008\u000A-\u001F\u007F]*$/;
/** Duration fields of VirtualService and DestinationRule, each checked with agent.ValidateDuration. */
const DURATION_FIELDS = new Set([
  'timeout', 'perTryTimeout', 'backoff', 'fixedDelay', 'connectTimeout', 'idleTimeout', 'interval', 'baseEjectionTime',
  'maxConnectionDuration', 'time', 'maxAge', 'drainDuration', 'probeInterval', 'probeTimeout',
]);

/** agent.ValidateDuration: Go-parsable, at least 1ms, to the millisecond. */
function validateDuration(s: unknown): string | undefined {
  if (typeof s !== 'string') {
    return undefined;
  }
  const ns = parseGoDuration(s);
  if (typeof ns === 'string') {
    return ns;
  }
  if (ns < 1_000_000n) {
    return 'duration must be greater than 1ms';
  }
  return ns % 1_000_000n === 0n ? undefined : 'only durations to ms precision are supported';
}

/** validateStringRegexp: at most 1024 characters, and RE2 compiles it. */
function validateRegexp(re: string, where: string): string | undefined {
  if (re.length > 1024) {
    return `"${where}": regex is too large, max length allowed is 1024`;
  }
  try {
    RE2JS.compile(re);
    return undefined;
  } catch (e) {
    return `"${where}": ${(e as Error).message}; Istio uses RE2 style regex-based match`;
  }
}

/** validateStringMatch / validateStringMatchRegexp. */
function validateStringMatch(sm: any, where: string): string | undefined {
  if (!sm || typeof sm !== 'object') {
    return undefined;
  }
  if ('prefix' in sm && sm.prefix === '') {
    return `"${where}": prefix string match should not be empty`;
  }
  if ('regex' in sm) {
    return sm.regex === '' ? `"${where}": regex string match should not be empty` : validateRegexp(sm.regex, where);
  }
  return undefined;
}

/** ValidateHTTPHeaderValue: no control characters, and '%' only in pairs (Envoy's %VARIABLE%, or %% for '%'). */
function validateHeaderValue(v: unknown): string | undefined {
  if (typeof v !== 'string') {
    return undefined;
  }
  if (!HEADER_VALUE.test(v)) {
    return `header value configuration ${JSON.stringify(v)} is invalid (control characters such as CR or LF)`;
  }
  return (v.match(/%/g) ?? []).length % 2 !== 0 ? `header value configuration ${JSON.stringify(v)}: single % not allowed` : undefined;
}

function validateHeaders(headers: any, path: string, err: (p: string, m: string) => void): void {
  for (const side of ['request', 'response']) {
    for (const op of ['set', 'add']) {
      for (const [name, value] of Object.entries<any>(headers?.[side]?.[op] ?? {})) {
        if (!HEADER_NAME.test(name.replace(/^:/, ''))) {
          err(`${path}/${side}/${op}`, `invalid header name '${name}'`);
        }
        const e = validateHeaderValue(value);
        e && err(`${path}/${side}/${op}/${name}`, e);
      }
    }
  }
}

/** Every error istiod's validation would return for `m` that the CRDs do not. */
export function istioRules(m: any): string[] {
  const errors: string[] = [];
  const err = (path: string, msg: string) => errors.push(`${path} ${msg}`);
  if (!m || typeof m !== 'object' || typeof m.apiVersion !== 'string' || !m.apiVersion.includes('istio.io/')) {
    return errors;
  }
  const spec = m.spec ?? {};
  if (m.kind === 'VirtualService' || m.kind === 'DestinationRule') {
    // Not EnvoyFilter: its patches are Envoy's own config, where '0s' is a legal (disabling) value.
    walkDurations(spec, '/spec', err);
  }
  switch (m.kind) {
    case 'VirtualService':
      validateVirtualService(spec, err);
      break;
    case 'DestinationRule':
      validateTrafficPolicy(spec.trafficPolicy, '/spec/trafficPolicy', err);
      (spec.subsets ?? []).forEach((s: any, i: number) => validateTrafficPolicy(s.trafficPolicy, `/spec/subsets/${i}/trafficPolicy`, err));
      break;
    case 'Gateway':
      validateGateway(spec, err);
      break;
    case 'RequestAuthentication':
      validateRequestAuthentication(spec, err);
      break;
    case 'PeerAuthentication':
      validatePeerAuthentication(spec, err);
      break;
    case 'Telemetry':
      (spec.accessLogging ?? []).forEach((a: any, i: number) => {
        // validateTelemetryAccessLogging: the filter expression must parse as CEL.
        const expr = a?.filter?.expression;
        if (typeof expr === 'string') {
          try {
            cel.parse(expr);
          } catch (e) {
            err(`/spec/accessLogging/${i}/filter/expression`, `invalid filter expression: ${(e as Error).message}`);
          }
        }
      });
      break;
  }
  return errors;
}

/** ValidatePeerAuthentication: port-level modes only on a workload (a selector with labels), and never an empty map. */
function validatePeerAuthentication(spec: any, err: (p: string, m: string) => void): void {
  const ports = spec.portLevelMtls;
  const emptySelector = !spec.selector || Object.keys(spec.selector.matchLabels ?? {}).length === 0;
  if (emptySelector && ports && Object.keys(ports).length > 0) {
    err('/spec/portLevelMtls', 'mesh/namespace peer authentication cannot have port level mTLS');
  }
  if (ports && Object.keys(ports).length === 0) {
    err('/spec/portLevelMtls', 'port level mTLS, if defined, must have at least one element');
  }
}

/** ValidateDuration on every duration field (validateHTTPRoute's timeout, validateHTTPRetry, validateConnectionPool, validateOutlierDetection...). */
function walkDurations(v: any, path: string, err: (p: string, m: string) => void): void {
  if (Array.isArray(v)) {
    v.forEach((e, i) => walkDurations(e, `${path}/${i}`, err));
  } else if (v && typeof v === 'object') {
    for (const [k, child] of Object.entries<any>(v)) {
      if (DURATION_FIELDS.has(k) && typeof child === 'string') {
        const e = validateDuration(child);
        e && err(`${path}/${k}`, e);
      } else if (k !== 'headers' && k !== 'match') {
        walkDurations(child, `${path}/${k}`, err);
      }
    }
  }
}

/** validateHTTPRoute, validateHTTPRouteMatchRequest, validateHTTPRouteConflict, validateTCPRoute. */
function validateVirtualService(spec: any, err: (p: string, m: string) => void): void {
  // validateVirtualService: hosts are required (this library writes no delegate VirtualService), '*' is not
  // allowed when the routes apply to sidecars (the "mesh" gateway, implied when no gateway is named).
  const hosts: string[] = spec.hosts ?? [];
  const gateways: string[] = spec.gateways ?? [];
  if (hosts.length === 0) {
    err('/spec/hosts', 'virtual service must have at least one host');
  }
  if ((gateways.length === 0 || gateways.includes('mesh')) && hosts.includes('*')) {
    err('/spec/hosts', 'wildcard host * is not allowed for virtual services bound to the mesh gateway');
  }
  // validateGatewayNames: <namespace>/<name> with both DNS labels.
  gateways.forEach((g, i) => {
    const parts = g.split('/');
    if (g !== 'mesh' && parts.length === 2 && (!/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(parts[0]) || !/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(parts[1]))) {
      err(`/spec/gateways/${i}`, `invalid gateway name: ${JSON.stringify(g)} (namespace and name must be DNS-1123 labels)`);
    }
  });
  (spec.http ?? []).forEach((r: any, i: number) => {
    const at = `/spec/http/${i}`;
    if (r.redirect) {
      r.route?.length && err(at, 'HTTP route cannot contain both route and redirect');
      r.fault && err(at, 'HTTP route cannot contain both fault and redirect');
      r.rewrite && err(at, 'HTTP route rule cannot contain both rewrite and redirect');
    } else if (!r.delegate && !r.directResponse && !(r.route?.length)) {
      err(at, 'HTTP route or redirect is required');
    }
    (r.match ?? []).forEach((match: any, j: number) => {
      const mat = `${at}/match/${j}`;
      for (const field of ['uri', 'scheme', 'method', 'authority']) {
        const e = validateStringMatch(match?.[field], field);
        e && err(`${mat}/${field}`, e);
      }
      for (const field of ['headers', 'withoutHeaders', 'queryParams']) {
        for (const [name, sm] of Object.entries<any>(match?.[field] ?? {})) {
          // istiod's ValidateHTTPHeaderNameOrJwtClaimRoute also takes the HTTP/2 pseudo-headers.
          if (field !== 'queryParams' && !HEADER_NAME.test(name) && !ROUTE_PSEUDO_HEADERS.includes(name)) {
            err(`${mat}/${field}`, `invalid header name '${name}'`);
          }
          const e = validateStringMatch(sm, field);
          e && err(`${mat}/${field}/${name}`, e);
        }
      }
    });
    validateHeaders(r.headers, `${at}/headers`, err);
    (r.route ?? []).forEach((d: any, j: number) => {
      validateHeaders(d.headers, `${at}/route/${j}/headers`, err);
      validateDestination(d.destination, `${at}/route/${j}/destination`, err);
    });
    const weights = (r.route ?? []).map((d: any) => d.weight ?? 0);
    if (weights.length > 1 && weights.reduce((a: number, b: number) => a + b, 0) === 0) {
      err(`${at}/route`, 'total destination weight = 0');
    }
    validateDestination(r.mirror, `${at}/mirror`, err);
    (r.mirrors ?? []).forEach((mi: any, j: number) => validateDestination(mi.destination, `${at}/mirrors/${j}/destination`, err));
    validateRetry(r.retries, `${at}/retries`, err);
    validateFault(r.fault, `${at}/fault`, err);
    if (r.rewrite?.uriRegexRewrite) {
      const e = validateRegexp(r.rewrite.uriRegexRewrite.match ?? '', 'HTTPRewrite.UriRegexRewrite.Match');
      e && err(`${at}/rewrite/uriRegexRewrite/match`, e);
    }
    for (const method of r.corsPolicy?.allowMethods ?? []) {
      CORS_METHODS.has(method) || err(`${at}/corsPolicy/allowMethods`, `"${method}" is not a supported HTTP method`);
    }
  });
  (spec.tcp ?? []).forEach((r: any, i: number) => {
    r.route?.length || err(`/spec/tcp/${i}`, 'TCP route is required');
  });
}

/** validateDestination: a host other than '*', a DNS-label subset. */
function validateDestination(d: any, path: string, err: (p: string, m: string) => void): void {
  if (!d) {
    return;
  }
  if (d.host === '*') {
    err(`${path}/host`, 'invalid destination host *');
  }
  if (d.subset !== undefined && !/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(d.subset)) {
    err(`${path}/subset`, `subset name is invalid: ${d.subset}`);
  }
}

/** validateHTTPRetry. */
function validateRetry(retries: any, path: string, err: (p: string, m: string) => void): void {
  if (!retries) {
    return;
  }
  if ((retries.attempts ?? 0) === 0 && (retries.perTryTimeout !== undefined || retries.retryOn || retries.retryRemoteLocalities !== undefined)) {
    err(path, 'http retry policy configured when attempts are set to 0 (disabled)');
  }
  if (typeof retries.retryOn === 'string' && retries.retryOn !== '') {
    for (const policy of retries.retryOn.split(',')) {
      if (!RETRY_ON.has(policy) && !(/^[0-9]+$/.test(policy) && HTTP_STATUS.has(Number(policy)))) {
        err(`${path}/retryOn`, `"${policy}" is not a valid retryOn policy`);
      }
    }
  }
}

/** validateHTTPFaultInjection (abort and delay, validatePercentage, validateHTTPStatus). */
function validateFault(fault: any, path: string, err: (p: string, m: string) => void): void {
  if (!fault) {
    return;
  }
  if (!fault.abort && !fault.delay) {
    err(path, 'HTTP fault injection must have an abort and/or a delay');
  }
  for (const kind of ['abort', 'delay']) {
    const p = fault[kind]?.percentage?.value;
    if (p !== undefined && (p < 0 || p > 100)) {
      err(`${path}/${kind}/percentage`, `percentage ${p} is not in range 0..100`);
    }
  }
  const status = fault.abort?.httpStatus;
  if (status !== undefined && (status < 200 || status > 600)) {
    err(`${path}/abort/httpStatus`, `HTTP status ${status} is not in range 200-599`);
  }
}

/** validateTrafficPolicy's load balancer: ValidateLocalityLbSetting. */
function validateTrafficPolicy(policy: any, path: string, err: (p: string, m: string) => void): void {
  validateClientTls(policy?.tls, `${path}/tls`, err);
  (policy?.portLevelSettings ?? []).forEach((p: any, i: number) => validateClientTls(p?.tls, `${path}/portLevelSettings/${i}/tls`, err));
  const lb = policy?.loadBalancer?.localityLbSetting;
  if (!lb) {
    return;
  }
  const at = `${path}/loadBalancer/localityLbSetting`;
  if ((lb.distribute ?? []).length > 0 && (lb.failover ?? []).length > 0) {
    err(at, "can not simultaneously specify 'distribute' and 'failover'");
    return;
  }
  if ((lb.failover ?? []).length > 0) {
    for (const label of lb.failoverPriority ?? []) {
      if (['topology.kubernetes.io/region', 'topology.kubernetes.io/zone', 'topology.istio.io/subzone'].includes(label)) {
        err(at, `can not simultaneously set 'failover' and topology label '${label}' in 'failover_priority'`);
        return;
      }
    }
  }
  for (const d of lb.distribute ?? []) {
    const weights = Object.values<number>(d.to ?? {});
    if (weights.some(w => w === 0)) {
      err(at, 'locality weight must be in range [1, 100]');
      return;
    }
    const total = weights.reduce((a, b) => a + b, 0);
    if (total !== 100) {
      err(at, `total locality weight ${total} != 100`);
      return;
    }
  }
  for (const f of lb.failover ?? []) {
    if (f.from === f.to) {
      err(at, `locality lb failover settings must specify different regions, from: ${f.from}, to: ${f.to}`);
    }
  }
}

/** validateTLS (ClientTLSSettings of a DestinationRule's traffic policy and its ports). */
function validateClientTls(tls: any, path: string, err: (p: string, m: string) => void): void {
  if (!tls) {
    return;
  }
  if (tls.insecureSkipVerify) {
    if (tls.mode === 'SIMPLE' && (tls.caCertificates || tls.credentialName || tls.subjectAltNames)) {
      err(path, 'cannot specify CaCertificates or CredentialName or SubjectAltNames when InsecureSkipVerify is set true');
    }
    if (tls.mode === 'MUTUAL' && (tls.caCertificates || tls.subjectAltNames)) {
      err(path, 'cannot specify CaCertificates or SubjectAltNames when InsecureSkipVerify is set true');
    }
  }
  if ((tls.mode === 'SIMPLE' || tls.mode === 'MUTUAL') && tls.credentialName) {
    if (tls.clientCertificate || tls.caCertificates || tls.privateKey || tls.caCrl) {
      err(path, 'cannot specify client certificates or CA certificate or CA CRL If credentialName is set');
    }
    return;
  }
  if (tls.mode === 'MUTUAL') {
    !tls.clientCertificate && err(path, 'client certificate required for mutual tls');
    !tls.privateKey && err(path, 'private key required for mutual tls');
  }
}

/** ValidateGateway and validateServer: at least one server, unique port names, hosts. */
function validateGateway(spec: any, err: (p: string, m: string) => void): void {
  const servers: any[] = spec.servers ?? [];
  if (servers.length === 0) {
    err('/spec/servers', 'gateway must have at least one server');
  }
  const names = new Set<string>();
  servers.forEach((s, i) => {
    if ((s.hosts ?? []).length === 0) {
      err(`/spec/servers/${i}/hosts`, 'server config must contain at least one host');
    }
    validateServerTls(s, `/spec/servers/${i}`, err);
    const name = s.port?.name;
    if (name !== undefined) {
      if (names.has(name)) {
        err(`/spec/servers/${i}/port/name`, `port names in servers must be unique: duplicate name ${name}`);
      }
      names.add(name);
    }
  });
}

/** validateWorkloadSelector: no empty keys, no wildcards. */
function validateWorkloadSelector(selector: any, path: string, err: (p: string, m: string) => void): void {
  for (const [k, v] of Object.entries<any>(selector?.matchLabels ?? {})) {
    if (k === '') {
      err(`${path}/matchLabels`, 'empty key is not supported in selector');
    }
    if (k.includes('*') || String(v).includes('*')) {
      err(`${path}/matchLabels/${k}`, 'wildcard is not supported in selector');
    }
  }
}

/** security.ParseJwksURI: Go's url.Parse, an http or https scheme, a numeric port. */
function jwksUriError(uri: string): string | undefined {
  let url: URL;
  try {
    url = new URL(uri);
  } catch {
    return `parse ${JSON.stringify(uri)}: invalid URI`;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    return `URI scheme "${url.protocol.slice(0, -1)}" is not supported`;
  }
  return undefined;
}

/** ValidateRequestAuthentication and validateJwtRule. */
function validateRequestAuthentication(spec: any, err: (p: string, m: string) => void): void {
  validateWorkloadSelector(spec.selector, '/spec/selector', err);
  (spec.jwtRules ?? []).forEach((rule: any, i: number) => {
    const path = `/spec/jwtRules/${i}`;
    if (!rule?.issuer) {
      err(`${path}/issuer`, 'issuer must be set');
    }
    if ((rule.audiences ?? []).some((a: string) => a === '')) {
      err(`${path}/audiences`, 'audience must be non-empty string');
    }
    if (rule.jwksUri) {
      const e = jwksUriError(rule.jwksUri);
      e && err(`${path}/jwksUri`, e);
    }
    if (rule.jwks !== undefined && rule.jwks !== '') {
      // jwk.Parse: a JSON key set (or one key) whose keys each name their type.
      try {
        const parsed = JSON.parse(rule.jwks);
        const keys = Array.isArray(parsed?.keys) ? parsed.keys : [parsed];
        if (keys.some((k: any) => typeof k?.kty !== 'string')) {
          err(`${path}/jwks`, 'jwks parse error: a key has no kty');
        }
      } catch (e) {
        err(`${path}/jwks`, `jwks parse error: ${(e as Error).message}`);
      }
    }
    (rule.fromHeaders ?? []).forEach((h: any, j: number) => !h?.name && err(`${path}/fromHeaders/${j}`, 'location header name must be non-empty string'));
    (rule.fromParams ?? []).forEach((q: string, j: number) => !q && err(`${path}/fromParams/${j}`, 'location query must be non-empty string'));
    (rule.fromCookies ?? []).forEach((c: string, j: number) => !c && err(`${path}/fromCookies/${j}`, 'cookie name must be non-empty string'));
    (rule.outputClaimToHeaders ?? []).forEach((c: any, j: number) => {
      if (!c?.claim || !c?.header) {
        err(`${path}/outputClaimToHeaders/${j}`, 'outputClaimToHeaders header and claim value must be non-empty string');
      } else if (!/^[-_A-Za-z0-9]+$/.test(c.header)) {
        err(`${path}/outputClaimToHeaders/${j}/header`, `header name ${c.header} is not a valid header name`);
      }
    });
    if (rule.timeout !== undefined) {
      const e = validateDuration(rule.timeout);
      e && err(`${path}/timeout`, e);
    }
  });
}

/** The statuses of Envoy's envoy.type.v3.StatusCode (validateExtensionProviderEnvoyExtAuthzStatusOnError). */
const ENVOY_STATUS = new Set([
  0, 100, 200, 201, 202, 203, 204, 205, 206, 207, 208, 226, 300, 301, 302, 303, 304, 305, 307, 308,
  400, 401, 402, 403, 404, 405, 406, 407, 408, 409, 410, 411, 412, 413, 414, 415, 416, 417, 421, 422, 423, 424,
  426, 428, 429, 431, 500, 501, 502, 503, 504, 505, 506, 507, 508, 510, 511,
]);

/**
 * istiod's validation of a mesh config's extension providers (agent.validateExtensionProvider) for the kinds this
 * library writes: unique non-empty names, and for ext_authz providers a port, a service (`[<namespace>/]<FQDN>`),
 * a statusOnError Envoy knows and a pathPrefix that begins with '/'.
 */
export function extensionProviderRules(providers: any[]): string[] {
  const errors: string[] = [];
  const names = new Set<string>();
  providers.forEach((p, i) => {
    const err = (m: string) => errors.push(`/extensionProviders/${i} invalid extension provider ${p?.name}: ${m}`);
    if (!p?.name) {
      err('empty extension provider name');
    } else if (names.has(p.name)) {
      err(`duplicate extension provider name ${p.name}`);
    }
    names.add(p?.name);
    const authz = p?.envoyExtAuthzHttp ?? p?.envoyExtAuthzGrpc;
    if (!authz) {
      return;
    }
    if (!Number.isInteger(authz.port) || authz.port < 1 || authz.port > 65535) {
      err(`port number ${authz.port} must be in the range 1..65535`);
    }
    const service = String(authz.service ?? '');
    const host = service.split('/').pop()!;
    if (service === '' || service.split('/').length > 2 || !/^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)+$/.test(host)) {
      err(`invalid service fmt ${service}`);
    }
    if (authz.statusOnError !== undefined && !(/^-?[0-9]+$/.test(authz.statusOnError) && ENVOY_STATUS.has(Number(authz.statusOnError)))) {
      err(`unsupported statusOnError value ${authz.statusOnError}`);
    }
    if (authz.pathPrefix !== undefined && authz.pathPrefix !== '' && !String(authz.pathPrefix).startsWith('/')) {
      err(`pathPrefix should begin with \`/\` but found ${JSON.stringify(authz.pathPrefix)}`);
    }
    if (authz.timeout !== undefined) {
      const e = validateDuration(authz.timeout);
      e && err(e);
    }
  });
  return errors;
}

/** The cipher suites istiod accepts on a server (security.ValidCipherSuites); it drops any other with a warning. */
const VALID_CIPHER_SUITES = new Set([
  'ECDHE-ECDSA-AES128-GCM-SHA256', 'ECDHE-RSA-AES128-GCM-SHA256', 'ECDHE-ECDSA-AES256-GCM-SHA384', 'ECDHE-RSA-AES256-GCM-SHA384',
  'ECDHE-ECDSA-CHACHA20-POLY1305', 'ECDHE-RSA-CHACHA20-POLY1305', 'ECDHE-ECDSA-AES128-SHA', 'ECDHE-RSA-AES128-SHA',
  'ECDHE-ECDSA-AES256-SHA', 'ECDHE-RSA-AES256-SHA', 'AES128-GCM-SHA256', 'AES256-GCM-SHA384', 'AES128-SHA', 'AES256-SHA', 'DES-CBC3-SHA',
]);

/**
 * validateServer's TLS part and validateTLSOptions: HTTPS/TLS servers need tls, plain HTTP servers take only
 * httpsRedirect, SIMPLE/MUTUAL/OPTIONAL_MUTUAL need a credential (MUTUAL without one a CA bundle too), invalid or
 * duplicate cipher suites (a warning in istiod that drops them: an error here, as the library never writes one).
 */
function validateServerTls(server: any, at: string, err: (p: string, m: string) => void): void {
  const protocol = String(server.port?.protocol ?? '').toUpperCase();
  const tls = server.tls;
  const isTls = protocol === 'HTTPS' || protocol === 'TLS';
  if (isTls && tls === undefined) {
    err(`${at}/tls`, 'server must have TLS settings for HTTPS/TLS protocols');
    return;
  }
  if (tls === undefined) {
    return;
  }
  if (!isTls) {
    const http = ['HTTP', 'HTTP2', 'GRPC', 'GRPC-WEB'].includes(protocol);
    const redirectOnly = Object.keys(tls).every(k => k === 'httpsRedirect' || k === 'mode' && tls.mode === 'PASSTHROUGH');
    if (!http) {
      err(`${at}/tls`, 'server cannot have TLS settings for non HTTPS/TLS ports');
    } else if (!redirectOnly) {
      err(`${at}/tls`, 'server cannot have TLS settings for plain text HTTP ports');
    }
    return;
  }
  const ciphers: string[] = tls.cipherSuites ?? [];
  const invalid = ciphers.filter(c => c !== '' && c !== 'ALL' && /^[A-Za-z0-9]/.test(c) && !VALID_CIPHER_SUITES.has(c));
  if (invalid.length > 0) {
    err(`${at}/tls/cipherSuites`, `ignoring invalid cipher suites: [${[...new Set(invalid)].sort().join(' ')}]`);
  }
  const dup = ciphers.filter((c, i) => ciphers.indexOf(c) !== i && !invalid.includes(c));
  if (dup.length > 0) {
    err(`${at}/tls/cipherSuites`, `ignoring duplicate cipher suites: [${[...new Set(dup)].sort().join(' ')}]`);
  }
  const mode = tls.mode ?? 'PASSTHROUGH';
  const credential = tls.credentialName || (tls.credentialNames ?? []).length > 0;
  if (['SIMPLE', 'MUTUAL', 'OPTIONAL_MUTUAL'].includes(mode) && !credential) {
    const prefix = mode === 'SIMPLE' ? 'SIMPLE TLS' : 'MUTUAL TLS';
    if (mode !== 'SIMPLE' && !tls.caCertificates) {
      err(`${at}/tls`, `${prefix} requires a client CA bundle`);
    }
    if (!tls.serverCertificate) {
      err(`${at}/tls`, `${prefix} requires a server certificate`);
    }
    if (!tls.privateKey) {
      err(`${at}/tls`, `${prefix} requires a private key`);
    }
  }
  if ((mode === 'PASSTHROUGH' || mode === 'AUTO_PASSTHROUGH') && (credential || tls.caCertificates || tls.serverCertificate || tls.privateKey)) {
    err(`${at}/tls`, `${mode} mode does not use certificates, they will be ignored`);
  }
}

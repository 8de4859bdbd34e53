import * as fs from 'fs';
import * as path from 'path';
import { Testing } from 'cdk8s';
import * as YAML from 'yaml';
import { validateManifests } from './schemas';
import { takeFailures } from './strict-synth';
import * as gw from '../../src/imports/gateway-api';

/**
 * The strict validator applied to the Kubernetes Gateway API kinds the library renders (crds/gateway-api-1.5.1.yaml):
 * each row is an object the API server would refuse, for its schema or one of the CRD's CEL rules (with the
 * message expected), next to the same object made legal, which must pass. Objects are written by hand here, so
 * that the validator is proven before any renderer relies on it.
 */
const errorsOf = (m: any) => validateManifests([m]).flatMap(f => f.errors);
const meta = { name: 'web', namespace: 'shop' };
const GW = 'gateway.networking.k8s.io';

const gateway = (listeners: any[], extra: any = {}) => ({
  apiVersion: `${GW}/v1`,
  kind: 'Gateway',
  metadata: meta,
  spec: { gatewayClassName: 'istio', listeners, ...extra },
});
const http = (name = 'http', port = 80, extra: any = {}) => ({ name, port, protocol: 'HTTP', ...extra });
const https = (tls: any, name = 'https') => ({ name, port: 443, protocol: 'HTTPS', hostname: 'shop.example.com', tls });
const certs = { certificateRefs: [{ name: 'shop-cert' }] };

const httpRoute = (rule: any, extra: any = {}, apiVersion = `${GW}/v1`) => ({
  apiVersion,
  kind: 'HTTPRoute',
  metadata: meta,
  spec: { parentRefs: [{ name: 'ingress', namespace: 'istio-ingress' }], hostnames: ['shop.example.com'], rules: [rule], ...extra },
});
const backend = (extra: any = {}) => ({ name: 'web', port: 8080, ...extra });
const prefix = (value: string) => ({ path: { type: 'PathPrefix', value } });
const rewrite = { type: 'URLRewrite', urlRewrite: { path: { type: 'ReplacePrefixMatch', replacePrefixMatch: '/v2' } } };
const addHeader = (name: string) => ({ type: 'RequestHeaderModifier', requestHeaderModifier: { add: [{ name, value: '1' }] } });
const mirror = (extra: any) => ({ type: 'RequestMirror', requestMirror: { backendRef: backend({ name: 'web-shadow' }), ...extra } });

// GAMMA: mesh routing with the Service as parent, as Bookinfo's reviews routing would be written.
const meshRoute = {
  apiVersion: `${GW}/v1`,
  kind: 'HTTPRoute',
  metadata: { name: 'reviews', namespace: 'bookinfo' },
  spec: {
    parentRefs: [{ group: '', kind: 'Service', name: 'reviews', port: 9080 }],
    rules: [
      { matches: [{ headers: [{ name: 'end-user', value: 'jason' }] }], backendRefs: [backend({ name: 'reviews-v2', port: 9080 })] },
      {
        backendRefs: [backend({ name: 'reviews-v1', port: 9080, weight: 50 }), backend({ name: 'reviews-v3', port: 9080, weight: 50 })],
        timeouts: { request: '10s' },
        retry: { attempts: 3, backoff: '100ms', codes: [503] },
      },
    ],
  },
};

const grpcRoute = (rule: any, extra: any = {}) => ({
  apiVersion: `${GW}/v1`,
  kind: 'GRPCRoute',
  metadata: meta,
  spec: { parentRefs: [{ name: 'ingress', namespace: 'istio-ingress' }], rules: [{ backendRefs: [backend()], ...rule }], ...extra },
});
const tlsRoute = (hostnames: string[], extra: any = {}, apiVersion = `${GW}/v1`) => ({
  apiVersion,
  kind: 'TLSRoute',
  metadata: meta,
  spec: { parentRefs: [{ name: 'ingress', namespace: 'istio-ingress', sectionName: 'tls' }], hostnames, rules: [{ backendRefs: [backend({ port: 443 })] }], ...extra },
});
const tcpRoute = (rule: any, extra: any = {}) => ({
  apiVersion: `${GW}/v1alpha2`,
  kind: 'TCPRoute',
  metadata: meta,
  spec: { parentRefs: [{ name: 'ingress', namespace: 'istio-ingress', sectionName: 'tcp' }], rules: [rule], ...extra },
});
const referenceGrant = (from: any[], to: any[] = [{ group: '', kind: 'Service' }], apiVersion = `${GW}/v1beta1`) => ({
  apiVersion,
  kind: 'ReferenceGrant',
  metadata: { name: 'from-istio-ingress', namespace: 'shop' },
  spec: { from, to },
});
const fromRoutes = { group: GW, kind: 'HTTPRoute', namespace: 'istio-ingress' };

describe('Gateway API objects (strict schemas and CEL rules of the Gateway API CRDs)', () => {
  test.each<[string, any]>([
    ['Gateway v1', gateway([http(), https(certs)], { addresses: [{ type: 'IPAddress', value: '10.0.0.1' }, { type: 'Hostname', value: 'lb.example.com' }] })],
    ['Gateway v1beta1', { ...gateway([http()]), apiVersion: `${GW}/v1beta1` }],
    ['HTTPRoute v1', httpRoute({ matches: [prefix('/api')], filters: [rewrite, addHeader('x-a')], backendRefs: [backend({ weight: 90 }), backend({ name: 'web-v2', weight: 10 })], timeouts: { request: '10s', backendRequest: '2s' } })],
    // GAMMA: mesh routing with the Service as parent, as Bookinfo's reviews routing would be written.
    ['HTTPRoute v1 with a Service parent', meshRoute],
    ['HTTPRoute v1beta1', httpRoute({ backendRefs: [backend()] }, {}, `${GW}/v1beta1`)],
    ['GRPCRoute v1', grpcRoute({ matches: [{ method: { service: 'shop.Cart', method: 'Add' }, headers: [{ name: 'x-canary', value: 'yes' }] }] })],
    ['TLSRoute v1', tlsRoute(['shop.example.com', '*.shop.example.com'])],
    ['TLSRoute v1alpha2', { ...tlsRoute(['shop.example.com']), apiVersion: `${GW}/v1alpha2` }],
    ['TCPRoute v1alpha2', tcpRoute({ backendRefs: [backend({ port: 5432 })] })],
    ['ReferenceGrant v1beta1', referenceGrant([fromRoutes])],
    ['ReferenceGrant v1', referenceGrant([fromRoutes], undefined, `${GW}/v1`)],
  ])('a valid %s passes', (_, obj) => {
    expect(errorsOf(obj)).toEqual([]);
  });

  test.each<[string, any, string]>([
    ['Gateway', gateway([{ ...http(), protocl: 'HTTP' }]), "/spec/listeners/0 must NOT have additional properties 'protocl'"],
    ['HTTPRoute', httpRoute({ backendRefs: [backend({ wieght: 1 })] }), "/spec/rules/0/backendRefs/0 must NOT have additional properties 'wieght'"],
    ['GRPCRoute', grpcRoute({ matches: [{ method: { service: 'shop.Cart', methd: 'Add' } }] }), "/spec/rules/0/matches/0/method must NOT have additional properties 'methd'"],
    ['TLSRoute', tlsRoute(['shop.example.com'], { hostname: 'x' }), "/spec must NOT have additional properties 'hostname'"],
    ['TCPRoute', tcpRoute({ backendRefs: [backend({ port: 5432 })], timeout: '1s' }), "/spec/rules/0 must NOT have additional properties 'timeout'"],
    ['ReferenceGrant', referenceGrant([{ ...fromRoutes, name: 'x' }]), "/spec/from/0 must NOT have additional properties 'name'"],
    ['Gateway (metadata, which its CRD declares only as an object)', { ...gateway([http()]), metadata: { ...meta, labls: {} } }, "/metadata must NOT have additional properties 'labls'"],
  ])('an unknown field in a %s is an error', (_, obj, expected) => {
    expect(errorsOf(obj)).toContain(expected);
  });

  test('an object of another apiVersion than its CRD declares is an error (its CRD says what is served)', () => {
    expect(errorsOf({ ...httpRoute({}), apiVersion: `${GW}/v1alpha1` })).toEqual(['no schema for this apiVersion and kind']);
  });

  test.each<[string, any, any, string]>([
    // Schema constraints (types, patterns, enums, bounds, formats, list types).
    ['a backendRef weight above 1000000', httpRoute({ backendRefs: [backend({ weight: 1_000_001 })] }), httpRoute({ backendRefs: [backend({ weight: 1_000_000 })] }),
      '/spec/rules/0/backendRefs/0/weight must be <= 1000000'],
    ['a negative backendRef weight', httpRoute({ backendRefs: [backend({ weight: -1 })] }), httpRoute({ backendRefs: [backend({ weight: 0 })] }), '/spec/rules/0/backendRefs/0/weight must be >= 0'],
    ['a hostname with upper case (pattern)', httpRoute({}, { hostnames: ['Shop.example.com'] }), httpRoute({}, { hostnames: ['shop.example.com'] }), '/spec/hostnames/0 must match pattern'],
    ['a timeout Gateway API cannot express (pattern)', httpRoute({ timeouts: { request: '1.5s' } }), httpRoute({ timeouts: { request: '1500ms' } }), '/spec/rules/0/timeouts/request must match pattern'],
    ['a path match type that does not exist (enum)', httpRoute({ matches: [{ path: { type: 'Prefix', value: '/' } }] }), httpRoute({ matches: [prefix('/')] }), '/spec/rules/0/matches/0/path/type must be equal to one of the allowed values'],
    ['more than 16 rules (maxItems)', { ...httpRoute({}), spec: { ...httpRoute({}).spec, rules: Array.from({ length: 17 }, () => ({ backendRefs: [backend()] })) } },
      { ...httpRoute({}), spec: { ...httpRoute({}).spec, rules: Array.from({ length: 16 }, () => ({ backendRefs: [backend()] })) } }, '/spec/rules must NOT have more than 16 items'],
    ['a listener port of 0', gateway([http('http', 0)]), gateway([http('http', 1)]), '/spec/listeners/0/port must be >= 1'],
    ['an IPAddress that is not an IP (oneOf, format ipv4/ipv6)', gateway([http()], { addresses: [{ type: 'IPAddress', value: '10.0.0.256' }] }),
      gateway([http()], { addresses: [{ type: 'IPAddress', value: 'fd00::1' }] }), '/spec/addresses/0/value must match format "ipv4"'],
    ['a ReferenceGrant without from (minItems)', referenceGrant([]), referenceGrant([fromRoutes]), '/spec/from must NOT have fewer than 1 items'],
    ['a ReferenceGrant namespace that is not a DNS label (pattern)', referenceGrant([{ ...fromRoutes, namespace: 'Istio_Ingress' }]), referenceGrant([fromRoutes]), '/spec/from/0/namespace must match pattern'],
    ['a GRPCRoute header match of an unknown type (enum)', grpcRoute({ matches: [{ headers: [{ name: 'x', value: 'y', type: 'Prefix' }] }] }),
      grpcRoute({ matches: [{ headers: [{ name: 'x', value: 'y', type: 'RegularExpression' }] }] }), '/spec/rules/0/matches/0/headers/0/type must be equal to one of the allowed values'],
    ['a TLSRoute without hostnames (required)', tlsRoute(undefined as any), tlsRoute(['shop.example.com']), "/spec must have required property 'hostnames'"],
    ['a TCPRoute rule without backends (minItems)', tcpRoute({ backendRefs: [] }), tcpRoute({ backendRefs: [backend()] }), '/spec/rules/0/backendRefs must NOT have fewer than 1 items'],
    ['two listeners of one name (list type map)', gateway([http(), http('http', 8080)]), gateway([http(), http('http-2', 8080)]),
      '/spec/listeners/1 duplicate entry in a list of type map (keys name): ["http"]'],

    // Gateway's CEL rules.
    ['duplicate listener names', gateway([http(), http('http', 8080)]), gateway([http(), http('http-2', 8080)]), '/spec/listeners Listener name must be unique within the Gateway'],
    ['a TLS configuration on an HTTP listener', gateway([http('http', 80, { tls: certs })]), gateway([http()]), "/spec/listeners tls must not be specified for protocols ['HTTP', 'TCP', 'UDP']"],
    ['an HTTPS listener passing TLS through', gateway([https({ mode: 'Passthrough' })]), gateway([https({ mode: 'Terminate', ...certs })]), '/spec/listeners tls mode must be Terminate for protocol HTTPS'],
    ['a TLS listener without a TLS mode', gateway([{ name: 'tls', port: 443, protocol: 'TLS' }]), gateway([{ name: 'tls', port: 443, protocol: 'TLS', tls: { mode: 'Passthrough' } }]),
      '/spec/listeners tls mode must be set for protocol TLS'],
    ['a hostname on a TCP listener', gateway([{ name: 'tcp', port: 5432, protocol: 'TCP', hostname: 'db.example.com' }]), gateway([{ name: 'tcp', port: 5432, protocol: 'TCP' }]),
      "/spec/listeners hostname must not be specified for protocols ['TCP', 'UDP']"],
    ['two listeners of one port, protocol and hostname', gateway([http(), http('http-2')]), gateway([http(), http('http-2', 80, { hostname: 'shop.example.com' })]),
      '/spec/listeners Combination of port, protocol and hostname must be unique for each listener'],
    // tls.mode is defaulted to Terminate (as the API server does), and Terminate needs certificates: refused for the missing field.
    ['a terminating listener without certificates', gateway([https({})]), gateway([https(certs)]), '/spec/listeners/0/tls certificateRefs or options must be specified when mode is Terminate'],
    ['two addresses of one IP', gateway([http()], { addresses: [{ type: 'IPAddress', value: '10.0.0.1' }, { type: 'IPAddress', value: '10.0.0.1' }] }),
      gateway([http()], { addresses: [{ type: 'IPAddress', value: '10.0.0.1' }, { type: 'IPAddress', value: '10.0.0.2' }] }), '/spec/addresses IPAddress values must be unique'],
    // A map's keys reach CEL as they are (only declared fields are escaped).
    ['an infrastructure label key that is not a qualified name', gateway([http()], { infrastructure: { labels: { 'bad key!': 'x' } } }),
      gateway([http()], { infrastructure: { labels: { 'sidecar.istio.io/inject': 'false' } } }),
      '/spec/infrastructure/labels Label keys must be in the form of an optional DNS subdomain prefix followed by a required name segment of up to 63 characters.'],
    ['a Hostname address with an underscore', gateway([http()], { addresses: [{ type: 'Hostname', value: 'lb_1.example.com' }] }),
      gateway([http()], { addresses: [{ type: 'Hostname', value: 'lb-1.example.com' }] }), '/spec/addresses/0 Hostname value must be empty or contain only valid characters'],

    // HTTPRoute's CEL rules.
    ['a ReplacePrefixMatch rewrite without a PathPrefix match', httpRoute({ matches: [{ path: { type: 'Exact', value: '/api' } }], filters: [rewrite], backendRefs: [backend()] }),
      httpRoute({ matches: [prefix('/api')], filters: [rewrite], backendRefs: [backend()] }), '/spec/rules/0 When using URLRewrite filter with path.replacePrefixMatch, exactly one PathPrefix match must be specified'],
    ['a ReplacePrefixMatch rewrite with two matches', httpRoute({ matches: [prefix('/a'), prefix('/b')], filters: [rewrite], backendRefs: [backend()] }),
      httpRoute({ matches: [prefix('/a')], filters: [rewrite], backendRefs: [backend()] }), '/spec/rules/0 When using URLRewrite filter with path.replacePrefixMatch, exactly one PathPrefix match must be specified'],
    ['two RequestHeaderModifier filters', httpRoute({ filters: [addHeader('x-a'), addHeader('x-b')], backendRefs: [backend()] }),
      httpRoute({ filters: [{ type: 'RequestHeaderModifier', requestHeaderModifier: { add: [{ name: 'x-a', value: '1' }, { name: 'x-b', value: '1' }] } }], backendRefs: [backend()] }),
      '/spec/rules/0/filters RequestHeaderModifier filter cannot be repeated'],
    ['two URLRewrite filters', httpRoute({ matches: [prefix('/api')], filters: [rewrite, rewrite] }), httpRoute({ matches: [prefix('/api')], filters: [rewrite] }), '/spec/rules/0/filters URLRewrite filter cannot be repeated'],
    ['a redirect and a rewrite together', httpRoute({ filters: [{ type: 'RequestRedirect', requestRedirect: { scheme: 'https' } }, { type: 'URLRewrite', urlRewrite: { hostname: 'x.example.com' } }] }),
      httpRoute({ filters: [{ type: 'RequestRedirect', requestRedirect: { scheme: 'https' } }] }), '/spec/rules/0/filters May specify either httpRouteFilterRequestRedirect or httpRouteFilterRequestRewrite, but not both'],
    ['a redirect with backends', httpRoute({ filters: [{ type: 'RequestRedirect', requestRedirect: { scheme: 'https' } }], backendRefs: [backend()] }),
      httpRoute({ filters: [{ type: 'RequestRedirect', requestRedirect: { scheme: 'https' } }] }), '/spec/rules/0 RequestRedirect filter must not be used together with backendRefs'],
    ['a filter whose type names another field', httpRoute({ filters: [{ type: 'RequestHeaderModifier', urlRewrite: { hostname: 'x.example.com' } }] }),
      httpRoute({ filters: [{ type: 'URLRewrite', urlRewrite: { hostname: 'x.example.com' } }] }), '/spec/rules/0/filters/0 filter.requestHeaderModifier must be specified for RequestHeaderModifier filter.type'],
    // group defaults to '' and kind to Service: the rule reads both, so it only runs right on a defaulted object.
    ['a Service backendRef without a port', httpRoute({ backendRefs: [{ name: 'web' }] }), httpRoute({ backendRefs: [{ name: 'web', port: 80 }] }), '/spec/rules/0/backendRefs/0 Must have port for Service reference'],
    ['a backend timeout longer than the request timeout (CEL duration())', httpRoute({ timeouts: { request: '1s', backendRequest: '2s' } }),
      httpRoute({ timeouts: { request: '2s', backendRequest: '1s' } }), '/spec/rules/0/timeouts backendRequest timeout cannot be longer than request timeout'],
    ['a mirror with both percent and fraction', httpRoute({ filters: [mirror({ percent: 10, fraction: { numerator: 1 } })], backendRefs: [backend()] }),
      httpRoute({ filters: [mirror({ percent: 10 })], backendRefs: [backend()] }), '/spec/rules/0/filters/0/requestMirror Only one of percent or fraction may be specified in HTTPRequestMirrorFilter'],
    // The denominator defaults to 100.
    ['a mirror fraction above 1', httpRoute({ filters: [mirror({ fraction: { numerator: 101 } })], backendRefs: [backend()] }),
      httpRoute({ filters: [mirror({ fraction: { numerator: 100 } })], backendRefs: [backend()] }), '/spec/rules/0/filters/0/requestMirror/fraction numerator must be less than or equal to denominator'],
    ['a path match without a leading slash', httpRoute({ matches: [prefix('api')] }), httpRoute({ matches: [prefix('/api')] }),
      "/spec/rules/0/matches/0/path value must be an absolute path and start with '/' when type one of ['Exact', 'PathPrefix']"],
    ['a path match with //', httpRoute({ matches: [prefix('/a//b')] }), httpRoute({ matches: [prefix('/a/b')] }), "/spec/rules/0/matches/0/path must not contain '//' when type one of ['Exact', 'PathPrefix']"],
    ['two rules of one name', { ...httpRoute({}), spec: { ...httpRoute({}).spec, rules: [{ name: 'api', backendRefs: [backend()] }, { name: 'api', backendRefs: [backend()] }] } },
      { ...httpRoute({}), spec: { ...httpRoute({}).spec, rules: [{ name: 'api', backendRefs: [backend()] }, { name: 'web', backendRefs: [backend()] }] } }, '/spec/rules Rule name must be unique within the route'],
    ['more than 128 matches in a route', { ...httpRoute({}), spec: { ...httpRoute({}).spec, rules: Array.from({ length: 16 }, (_, i) => ({ matches: Array.from({ length: 9 }, (__, j) => prefix(`/r${i}/m${j}`)) })) } },
      { ...httpRoute({}), spec: { ...httpRoute({}).spec, rules: Array.from({ length: 16 }, (_, i) => ({ matches: Array.from({ length: 8 }, (__, j) => prefix(`/r${i}/m${j}`)) })) } },
      '/spec/rules While 16 rules and 64 matches per rule are allowed, the total number of matches across all rules in a route must be less than 128'],
    ['a CORS wildcard origin beside others', httpRoute({ filters: [{ type: 'CORS', cors: { allowOrigins: ['*', 'https://shop.example.com'] } }], backendRefs: [backend()] }),
      httpRoute({ filters: [{ type: 'CORS', cors: { allowOrigins: ['https://shop.example.com'] } }], backendRefs: [backend()] }), "/spec/rules/0/filters/0/cors/allowOrigins AllowOrigins cannot contain '*' alongside other origins"],
    ['two parentRefs to one Gateway without a sectionName', httpRoute({}, { parentRefs: [{ name: 'ingress', namespace: 'istio-ingress' }, { name: 'ingress', namespace: 'istio-ingress' }] }),
      httpRoute({}, { parentRefs: [{ name: 'ingress', namespace: 'istio-ingress', sectionName: 'http' }, { name: 'ingress', namespace: 'istio-ingress', sectionName: 'https' }] }),
      '/spec/parentRefs sectionName or port must be unique when parentRefs includes 2 or more references to the same parent'],
    // The rule reads `namespace` as `__namespace__` (Kubernetes escapes CEL's reserved words): two namespaces are two parents.
    ['two parentRefs to one Gateway, one with a sectionName', httpRoute({}, { parentRefs: [{ name: 'ingress', namespace: 'istio-ingress' }, { name: 'ingress', namespace: 'istio-ingress', sectionName: 'http' }] }),
      httpRoute({}, { parentRefs: [{ name: 'ingress', namespace: 'istio-ingress' }, { name: 'ingress', namespace: 'other-ingress', sectionName: 'http' }] }),
      '/spec/parentRefs sectionName or port must be specified when parentRefs includes 2 or more references to the same parent'],

    // GRPCRoute's CEL rules.
    ['a method match with neither service nor method', grpcRoute({ matches: [{ method: { type: 'Exact' } }] }), grpcRoute({ matches: [{ method: { type: 'Exact', method: 'Add' } }] }),
      "/spec/rules/0/matches/0/method One or both of 'service' or 'method' must be specified"],
    // The pattern is case-insensitive ((?i), RE2): Grpc.Health.V1 is a valid service.
    ['a service name with a dash (RE2 (?i))', grpcRoute({ matches: [{ method: { service: 'shop-cart' } }] }), grpcRoute({ matches: [{ method: { service: 'Grpc.Health.V1' } }] }),
      '/spec/rules/0/matches/0/method service must only contain valid characters'],
    ['a method name with a dot', grpcRoute({ matches: [{ method: { service: 'shop.Cart', method: 'Cart.Add' } }] }), grpcRoute({ matches: [{ method: { service: 'shop.Cart', method: 'Add' } }] }),
      '/spec/rules/0/matches/0/method method must only contain valid characters'],
    ['two RequestHeaderModifier filters on a GRPCRoute', grpcRoute({ filters: [addHeader('x-a'), addHeader('x-b')] }), grpcRoute({ filters: [addHeader('x-a')] }),
      '/spec/rules/0/filters RequestHeaderModifier filter cannot be repeated'],
    ['two parentRefs to one Gateway on a GRPCRoute', grpcRoute({}, { parentRefs: [{ name: 'ingress' }, { name: 'ingress' }] }), grpcRoute({}, { parentRefs: [{ name: 'ingress', port: 443 }, { name: 'ingress', port: 8443 }] }),
      '/spec/parentRefs sectionName or port must be unique when parentRefs includes 2 or more references to the same parent'],

    // TLSRoute's and TCPRoute's CEL rules.
    ['a TLSRoute hostname that is an IP (CEL isIP())', tlsRoute(['10.0.0.1']), tlsRoute(['shop.example.com']), '/spec/hostnames Hostnames cannot contain an IP'],
    ['a TLSRoute wildcard that is not the first label (CEL substring())', tlsRoute(['shop.*.example.com']), tlsRoute(['*.example.com']),
      '/spec/hostnames Wildcards on hostnames must be the first label, and the rest of hostname must be valid based on RFC-1123'],
    ['a TLSRoute Service backendRef without a port', tlsRoute(['shop.example.com'], { rules: [{ backendRefs: [{ name: 'web' }] }] }), tlsRoute(['shop.example.com']),
      '/spec/rules/0/backendRefs/0 Must have port for Service reference'],
    ['a TCPRoute Service backendRef without a port', tcpRoute({ backendRefs: [{ name: 'db' }] }), tcpRoute({ backendRefs: [{ name: 'db', port: 5432 }] }), '/spec/rules/0/backendRefs/0 Must have port for Service reference'],
    ['two TCPRoute parentRefs to one listener', tcpRoute({ backendRefs: [backend()] }, { parentRefs: [{ name: 'ingress', sectionName: 'tcp' }, { name: 'ingress', sectionName: 'tcp' }] }),
      tcpRoute({ backendRefs: [backend()] }, { parentRefs: [{ name: 'ingress', sectionName: 'tcp' }, { name: 'ingress', sectionName: 'tcp-2' }] }),
      '/spec/parentRefs sectionName or port must be unique when parentRefs includes 2 or more references to the same parent'],
  ])('%s is refused, the legal value accepted', (_, bad, good, expected) => {
    expect(errorsOf(good)).toEqual([]);
    expect(errorsOf(bad)).toEqual(expect.arrayContaining([expect.stringContaining(expected)]));
  });

  test('an HTTPRoute rule without matches is defaulted to PathPrefix / (as the API server does), which a ReplacePrefixMatch rewrite accepts', () => {
    // Without the default, the rule counting matches (self[i].matches.size()) and the rewrite rule would fail on the absent field.
    expect(errorsOf(httpRoute({ filters: [rewrite], backendRefs: [backend()] }))).toEqual([]);
  });

  test('the validated object is a defaulted copy: the object given is left as it was', () => {
    const route = httpRoute({ backendRefs: [{ name: 'web', port: 80 }] });
    const before = structuredClone(route);
    errorsOf(route);
    expect(route).toEqual(before);
  });
});

describe('every served version of every Gateway API CRD is validated from the CRD file', () => {
  const file = path.join(__dirname, '..', '..', 'crds', 'gateway-api-1.5.1.yaml');
  const crds = YAML.parseAllDocuments(fs.readFileSync(file, 'utf-8')).map(d => d.toJSON()).filter(d => d?.kind === 'CustomResourceDefinition');
  const served = crds.flatMap((crd: any) => crd.spec.versions.filter((v: any) => v.served).map((v: any) => [`${crd.spec.group}/${v.name}`, crd.spec.names.kind, crd.spec.scope]));

  test('the file holds the kinds the library renders', () => {
    expect(served.map(([apiVersion, kind]) => `${apiVersion}/${kind}`)).toEqual(expect.arrayContaining([
      `${GW}/v1/Gateway`, `${GW}/v1/HTTPRoute`, `${GW}/v1/GRPCRoute`, `${GW}/v1/TLSRoute`, `${GW}/v1alpha2/TCPRoute`, `${GW}/v1beta1/ReferenceGrant`,
    ]));
  });

  test.each(served)('%s %s has a strict schema', (apiVersion, kind, scope) => {
    // Known (not "no schema"), and strict: a misspelt top-level field is refused.
    const obj = { apiVersion, kind, metadata: { name: 'x', ...(scope === 'Namespaced' ? { namespace: 'shop' } : {}) }, sepc: {} };
    expect(errorsOf(obj)).toContain("/ must NOT have additional properties 'sepc'");
  });
});

describe('objects built with the generated bindings (src/imports/gateway-api.ts) are validated at synth', () => {
  const synthOf = (build: (chart: any) => void) => {
    const chart = Testing.chart();
    build(chart);
    return Testing.synth(chart);
  };

  test('one object of each kind the library renders, as its binding writes it, passes', () => {
    const objects = synthOf(chart => {
      new gw.Gateway(chart, 'gateway', {
        metadata: meta,
        spec: {
          gatewayClassName: 'istio',
          listeners: [
            { name: 'http', port: 80, protocol: 'HTTP' },
            { name: 'https', port: 443, protocol: 'HTTPS', hostname: 'shop.example.com', tls: { mode: gw.GatewaySpecListenersTlsMode.TERMINATE, certificateRefs: [{ name: 'shop-cert' }] } },
          ],
        },
      });
      new gw.HttpRoute(chart, 'http', {
        metadata: meta,
        spec: {
          parentRefs: [{ name: 'web' }],
          rules: [{
            matches: [{ path: { type: gw.HttpRouteSpecRulesMatchesPathType.PATH_PREFIX, value: '/api' } }],
            filters: [{ type: gw.HttpRouteSpecRulesFiltersType.URL_REWRITE, urlRewrite: { path: { type: gw.HttpRouteSpecRulesFiltersUrlRewritePathType.REPLACE_PREFIX_MATCH, replacePrefixMatch: '/' } } }],
            backendRefs: [{ name: 'web', port: 8080, weight: 90 }, { name: 'web-v2', port: 8080, weight: 10 }],
            timeouts: { request: '10s' },
          }],
        },
      });
      new gw.GrpcRoute(chart, 'grpc', { metadata: meta, spec: { parentRefs: [{ name: 'web' }], rules: [{ matches: [{ method: { service: 'shop.Cart' } }], backendRefs: [{ name: 'cart', port: 9090 }] }] } });
      new gw.TlsRoute(chart, 'tls', { metadata: meta, spec: { parentRefs: [{ name: 'web' }], hostnames: ['shop.example.com'], rules: [{ backendRefs: [{ name: 'web', port: 443 }] }] } });
      new gw.TcpRoute(chart, 'tcp', { metadata: meta, spec: { parentRefs: [{ name: 'web' }], rules: [{ backendRefs: [{ name: 'db', port: 5432 }] }] } });
      new gw.ReferenceGrant(chart, 'grant', { metadata: meta, spec: { from: [fromRoutes], to: [{ group: '', kind: 'Service' }] } });
    });
    expect(objects.map(o => `${o.apiVersion}/${o.kind}`)).toEqual([
      `${GW}/v1/Gateway`, `${GW}/v1/HTTPRoute`, `${GW}/v1/GRPCRoute`, `${GW}/v1/TLSRoute`, `${GW}/v1alpha2/TCPRoute`, `${GW}/v1/ReferenceGrant`,
    ]);
    expect(validateManifests(objects)).toEqual([]);
    expect(takeFailures()).toEqual([]);
  });

  test('an object breaking a CEL rule fails the test that synthesized it', () => {
    synthOf(chart => new gw.HttpRoute(chart, 'http', {
      metadata: meta,
      spec: { rules: [{ backendRefs: [{ name: 'web' }] }] },
    }));
    expect(takeFailures()).toEqual([expect.stringContaining(`${GW}/v1/HTTPRoute shop/web: /spec/rules/0/backendRefs/0 Must have port for Service reference`)]);
  });
});

import { Duration, Testing } from 'cdk8s';
import { synthChecked } from './gateway-api-schemas';
import { Bookinfo } from '../../examples/bookinfo/mesh';
import {
  EgressGateway, ExternalService, FaultInjection, HeaderMatch, HttpMethod, IngressGateway, Mesh, MeshProps, MeshService, Protocol, QueryParamMatch,
  RedirectPortDerivation, RetryOn, RetryPolicy, RoutingApi, Severity, StringMatch, Timeout, TrafficSplit, TrafficTarget, UnmatchedPreflights,
} from '../../src';
import { gatewayApiGatewaySpec } from '../../src/gateway-api/gateway-listeners';
import { httpRouteRules } from '../../src/gateway-api/route-rules';
import type { HttpRule } from '../../src/traffic/http-rule';
import { validateManifests } from '../support/schemas';
import { newMesh, newService, ofKind, synthErrors } from '../support/util';

/** A mesh rendering routing with the Gateway API, open to every call (these tests are not about access). */
function gatewayApiMesh(props: MeshProps = {}): Mesh {
  return newMesh({ denyByDefault: false, routingApi: RoutingApi.GATEWAY_API, ...props });
}

const jason = { headers: [HeaderMatch.exact('end-user', 'jason')] };

/** Bookinfo's routing: reviews (jason to v2, else 90/10 to v1/v3), ratings (jason delayed 7s), details (timeout, retries). */
function bookinfo(props: MeshProps = {}) {
  const mesh = gatewayApiMesh(props);
  const port = [{ port: 9080, protocol: Protocol.HTTP }];
  const service = (name: string, versions: string[], extra = {}) => {
    const svc = new MeshService(mesh, name, { namespace: 'bookinfo', ports: port, ...extra });
    versions.forEach(v => svc.addVersion(v, { image: `example/${name}:${v}` }));
    return svc;
  };
  const details = service('details', ['v1'], { timeout: Timeout.of(Duration.seconds(10)), retries: RetryPolicy.of({ attempts: 3, perTryTimeout: Duration.seconds(2) }) });
  const reviews = service('reviews', ['v1', 'v2', 'v3']);
  const ratings = service('ratings', ['v1']);
  const productpage = service('productpage', ['v1']);
  new TrafficSplit(mesh, 'reviews-routes', {
    service: reviews,
    routes: [
      { name: 'jason', matches: [jason], targets: [TrafficTarget.version('v2')] },
      { name: 'canary', targets: [TrafficTarget.version('v1', 90), TrafficTarget.version('v3', 10)] },
    ],
  });
  new TrafficSplit(mesh, 'ratings-routes', {
    service: ratings,
    routes: [
      { name: 'jason-delay', matches: [jason], fault: FaultInjection.delay(Duration.seconds(7), 100), targets: [TrafficTarget.version('v1')] },
      { name: 'default', targets: [TrafficTarget.version('v1')] },
    ],
  });
  const gateway = new IngressGateway(mesh, 'bookinfo-gateway');
  gateway.addRoute({ service: productpage, paths: [StringMatch.exact('/productpage'), StringMatch.prefix('/static')] });
  return { mesh, details, reviews, ratings, productpage, gateway };
}

function named(objects: any[], kind: string, name: string): any {
  return objects.find(o => o.kind === kind && o.metadata.name === name);
}

describe('routing with the Gateway API', () => {
  test('Bookinfo\'s routing: GAMMA HTTPRoutes with header matches, weights, timeouts and retries, and a Service per version', () => {
    // GIVEN Bookinfo without its fault
    const { mesh, reviews, details } = bookinfo();
    const ratings = (mesh.node.findChild('ratings-routes') as TrafficSplit);
    mesh.node.tryRemoveChild(ratings.node.id);
    new TrafficSplit(mesh, 'ratings-routes2', { service: mesh.node.findChild('ratings') as MeshService, routes: [{ targets: [TrafficTarget.version('v1')] }] });

    // WHEN
    const objects = synthChecked(mesh.charts);

    // THEN reviews: one HTTPRoute whose parent is the service, jason to v2, the rest 90/10
    const route = named(objects, 'HTTPRoute', 'reviews');
    expect(route.apiVersion).toEqual('gateway.networking.k8s.io/v1');
    expect(route.metadata.namespace).toEqual('bookinfo');
    expect(route.spec.parentRefs).toEqual([{ group: '', kind: 'Service', name: 'reviews', port: 9080 }]);
    expect(route.spec.rules).toEqual([
      {
        name: 'jason',
        matches: [{ headers: [{ type: 'Exact', name: 'end-user', value: 'jason' }] }],
        backendRefs: [{ group: '', kind: 'Service', name: 'reviews-v2', port: 9080 }],
      },
      {
        name: 'canary',
        matches: [{ path: { type: 'PathPrefix', value: '/' } }],
        backendRefs: [
          { group: '', kind: 'Service', name: 'reviews-v1', port: 9080, weight: 90 },
          { group: '', kind: 'Service', name: 'reviews-v3', port: 9080, weight: 10 },
        ],
      },
    ]);
    // details: its timeout, and its retries with the per-try timeout as the backend request's
    expect(named(objects, 'HTTPRoute', 'details').spec.rules).toEqual([{
      name: 'default',
      matches: [{ path: { type: 'PathPrefix', value: '/' } }],
      backendRefs: [{ group: '', kind: 'Service', name: 'details', port: 9080 }],
      timeouts: { request: '10s', backendRequest: '2s' },
      retry: { attempts: 3 },
    }]);
    // No VirtualService, and no DestinationRule where it would only have carried subsets
    expect(ofKind(objects, 'VirtualService')).toEqual([]);
    expect(ofKind(objects, 'DestinationRule')).toEqual([]);
    expect(reviews.virtualService).toBeUndefined();
    expect(reviews.gatewayApiRoutes.map(r => r.kind)).toEqual(['HTTPRoute']);
    expect(details.gatewayApiRoutes.map(r => r.name)).toEqual(['details']);
    // Each version a route uses is a Service of its own, once, beside the service
    const versionServices = ofKind(objects, 'Service').filter(s => /^reviews-v\d$/.test(s.metadata.name));
    expect(versionServices.map(s => s.metadata.name).sort()).toEqual(['reviews-v1', 'reviews-v2', 'reviews-v3']);
    expect(named(objects, 'Service', 'reviews-v2')).toEqual({
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 'reviews-v2', namespace: 'bookinfo', labels: { app: 'reviews', version: 'v2' } },
      spec: {
        selector: { app: 'reviews', version: 'v2' },
        ports: [{ name: 'http', port: 9080, targetPort: 9080, appProtocol: 'http', protocol: 'TCP' }],
      },
    });
    expect(named(objects, 'Service', 'details-v1')).toBeUndefined();
  });

  test('fails on Bookinfo\'s ratings delay, which the Gateway API cannot express', () => {
    // GIVEN
    const { mesh } = bookinfo();

    // THEN
    expect(synthErrors(mesh)).toEqual([
      "[mesh/ratings-routes] [MESH0740] route 'jason-delay' injects a fault (a 7s delay), which the Gateway API cannot express, so service 'ratings' "
      + "cannot be routed with it: drop the fault, or set the mesh's allowIstioApiFallback",
    ]);
  });

  test('with the fallback allowed, only ratings stays in Istio\'s API, and synthesis says so once', () => {
    // GIVEN
    const { mesh, ratings, reviews } = bookinfo({ allowIstioApiFallback: true });

    // WHEN
    const findings = mesh.analyze();
    const objects = synthChecked(mesh.charts);

    // THEN
    expect(findings).toEqual([{
      code: 'MESH0745',
      severity: Severity.WARNING,
      path: 'mesh/ratings',
      message: "routing stays in Istio's API (VirtualService and DestinationRule with subsets), because the Gateway API cannot express it: route 'jason-delay' injects a fault (a 7s delay)",
    }]);
    expect(ofKind(objects, 'VirtualService').map(v => v.metadata.name)).toEqual(['ratings']);
    expect(named(objects, 'VirtualService', 'ratings').spec.http[0].fault).toEqual({ delay: { fixedDelay: '7s', percentage: { value: 100 } } });
    expect(named(objects, 'DestinationRule', 'ratings').spec.subsets).toEqual([{ name: 'v1', labels: { version: 'v1' } }]);
    expect(ratings.gatewayApiRoutes).toEqual([]);
    expect(reviews.gatewayApiRoutes.map(r => r.kind)).toEqual(['HTTPRoute']);
    expect(named(objects, 'Service', 'ratings-v1')).toBeUndefined();
  });

  test('ingress: a Gateway of class istio bound to the gateway\'s Service, an HTTPRoute, and a ReferenceGrant for the backend\'s namespace', () => {
    // GIVEN
    const mesh = gatewayApiMesh();
    const web = newService(mesh, 'web', ['v1'], { namespace: 'shop' });
    const gateway = new IngressGateway(mesh, 'ingress', {
      listeners: [
        { port: 80, hosts: ['shop.example.com'] },
        { port: 443, protocol: Protocol.HTTPS, hosts: ['shop.example.com', 'www.example.com'], credentialName: 'shop-cert' },
      ],
    });
    gateway.addRoute({ service: web, hosts: ['shop.example.com', 'www.example.com'], paths: [StringMatch.prefix('/api'), StringMatch.exact('/')] });

    // WHEN
    const objects = synthChecked(mesh.charts);

    // THEN
    expect(gateway.resource.kind).toEqual('Gateway');
    expect(gateway.resource.apiVersion).toEqual('gateway.networking.k8s.io/v1');
    expect(named(objects, 'Gateway', 'ingress').spec).toEqual({
      gatewayClassName: 'istio',
      addresses: [{ type: 'Hostname', value: 'ingress.istio-ingress.svc.cluster.local' }],
      listeners: [
        { name: 'http-80', port: 80, protocol: 'HTTP', hostname: 'shop.example.com' },
        { name: 'https-443-0', port: 443, protocol: 'HTTPS', hostname: 'shop.example.com', tls: { mode: 'Terminate', certificateRefs: [{ group: '', kind: 'Secret', name: 'shop-cert' }] } },
        { name: 'https-443-1', port: 443, protocol: 'HTTPS', hostname: 'www.example.com', tls: { mode: 'Terminate', certificateRefs: [{ group: '', kind: 'Secret', name: 'shop-cert' }] } },
      ],
    });
    expect(ofKind(objects, 'Gateway').filter(g => g.apiVersion.startsWith('networking.istio.io'))).toEqual([]);
    const route = named(objects, 'HTTPRoute', 'ingress');
    expect(gateway.routeObjects).toEqual([expect.objectContaining({ kind: 'HTTPRoute' })]);
    expect(route.metadata.namespace).toEqual('istio-ingress');
    expect(route.spec).toEqual({
      parentRefs: [{ group: 'gateway.networking.k8s.io', kind: 'Gateway', name: 'ingress' }],
      hostnames: ['shop.example.com', 'www.example.com'],
      rules: [{
        name: 'web',
        matches: [{ path: { type: 'PathPrefix', value: '/api' } }, { path: { type: 'Exact', value: '/' } }],
        backendRefs: [{ group: '', kind: 'Service', name: 'web', namespace: 'shop', port: 8080 }],
      }],
    });
    expect(ofKind(objects, 'ReferenceGrant')).toEqual([{
      apiVersion: 'gateway.networking.k8s.io/v1',
      kind: 'ReferenceGrant',
      metadata: { name: 'httproutes-from-istio-ingress', namespace: 'shop' },
      spec: { from: [{ group: 'gateway.networking.k8s.io', kind: 'HTTPRoute', namespace: 'istio-ingress' }], to: [{ group: '', kind: 'Service' }] },
    }]);
    expect(ofKind(objects, 'VirtualService')).toEqual([]);
  });

  test('ingress: a listener host that names a namespace admits routes from it, and the route lives there', () => {
    // GIVEN
    const mesh = gatewayApiMesh();
    const web = newService(mesh, 'web', ['v1'], { namespace: 'shop' });
    const gateway = new IngressGateway(mesh, 'ingress', { listeners: [{ port: 80, hosts: ['shop/shop.example.com', '*/any.example.com'] }] });
    gateway.addRoute({ service: web, hosts: ['shop.example.com'] });
    gateway.addRoute({ service: web, hosts: ['any.example.com'] });

    // WHEN
    const objects = synthChecked(mesh.charts);

    // THEN
    const listeners = named(objects, 'Gateway', 'ingress').spec.listeners;
    expect(listeners[0].allowedRoutes).toEqual({ namespaces: { from: 'Selector', selector: { matchLabels: { 'kubernetes.io/metadata.name': 'shop' } } } });
    expect(listeners[1].allowedRoutes).toEqual({ namespaces: { from: 'All' } });
    const route = named(objects, 'HTTPRoute', 'ingress');
    expect(route.metadata.namespace).toEqual('shop');
    expect(route.spec.parentRefs).toEqual([{ group: 'gateway.networking.k8s.io', kind: 'Gateway', name: 'ingress', namespace: 'istio-ingress' }]);
    expect(route.spec.rules[0].backendRefs).toEqual([{ group: '', kind: 'Service', name: 'web', port: 8080 }]);
    // The route of the other host lives in the gateway's namespace: its backend needs a grant
    expect(named(objects, 'HTTPRoute', 'ingress-1').metadata.namespace).toEqual('istio-ingress');
    expect(ofKind(objects, 'ReferenceGrant').map(g => `${g.metadata.namespace}/${g.metadata.name}`)).toEqual(['shop/httproutes-from-istio-ingress']);
  });

  test('each route action becomes its standard filter', () => {
    // GIVEN
    const mesh = gatewayApiMesh();
    const api = newService(mesh, 'api', ['v1', 'v2']);
    new TrafficSplit(mesh, 'api-routes', {
      service: api,
      routes: [
        {
          name: 'headers',
          matches: [{ uri: StringMatch.exact('/h'), method: HttpMethod.POST, headers: [HeaderMatch.prefix('x-team', 'a.b'), HeaderMatch.regex('x-id', '[0-9]+')] }],
          targets: [TrafficTarget.version('v1')],
          headers: { request: { set: { 'x-a': '1' }, add: { 'x-b': '2' }, remove: ['x-c'] }, response: { set: { 'x-d': '4' } } },
        },
        { name: 'prefix', matches: [{ uri: StringMatch.prefix('/old') }], targets: [TrafficTarget.version('v1')], rewrite: { pathPrefix: '/new', host: 'api.internal' } },
        { name: 'full', matches: [{ uri: StringMatch.exact('/x') }], targets: [TrafficTarget.version('v1')], rewrite: { fullPath: '/y' } },
        {
          name: 'mirror',
          matches: [{ uri: StringMatch.regex('/m/.*') }],
          targets: [TrafficTarget.version('v1')],
          mirror: { version: 'v2', percentage: 12.5 },
          timeout: Timeout.of(Duration.millis(1500)),
          retries: RetryPolicy.of({
            attempts: 2,
            perTryTimeout: Duration.seconds(5),
            retryOn: [RetryOn.GATEWAY_ERROR, RetryOn.RETRIABLE_4XX, RetryOn.CONNECT_FAILURE],
          }),
        },
        { name: 'rest', matches: [{ uri: StringMatch.prefix('/r') }], targets: [TrafficTarget.version('v1')], mirror: { version: 'v2', percentage: 5 } },
      ],
    });

    // WHEN
    const objects = synthChecked(mesh.charts);
    const rules = named(objects, 'HTTPRoute', 'api').spec.rules;

    // THEN
    expect(rules[0].matches).toEqual([{
      path: { type: 'Exact', value: '/h' },
      method: 'POST',
      // A header prefix has no Gateway API form: the equivalent regular expression
      headers: [{ type: 'RegularExpression', name: 'x-team', value: 'a\\.b.*' }, { type: 'RegularExpression', name: 'x-id', value: '[0-9]+' }],
    }]);
    expect(rules[0].filters).toEqual([
      { type: 'RequestHeaderModifier', requestHeaderModifier: { set: [{ name: 'x-a', value: '1' }], add: [{ name: 'x-b', value: '2' }], remove: ['x-c'] } },
      { type: 'ResponseHeaderModifier', responseHeaderModifier: { set: [{ name: 'x-d', value: '4' }] } },
    ]);
    expect(rules[1].filters).toEqual([{ type: 'URLRewrite', urlRewrite: { hostname: 'api.internal', path: { type: 'ReplacePrefixMatch', replacePrefixMatch: '/new' } } }]);
    expect(rules[2].filters).toEqual([{ type: 'URLRewrite', urlRewrite: { path: { type: 'ReplaceFullPath', replaceFullPath: '/y' } } }]);
    expect(rules[3].matches).toEqual([{ path: { type: 'RegularExpression', value: '/m/.*' } }]);
    expect(rules[3].filters).toEqual([{
      type: 'RequestMirror',
      requestMirror: { backendRef: { group: '', kind: 'Service', name: 'api-v2', port: 8080 }, fraction: { numerator: 125000, denominator: 1000000 } },
    }]);
    // A per-try timeout longer than the request's changes nothing, and the Gateway API refuses it: left out
    expect(rules[3].timeouts).toEqual({ request: '1s500ms' });
    expect(rules[3].retry).toEqual({ attempts: 2, codes: [409, 502, 503, 504] });
    expect(rules[4].filters).toEqual([{ type: 'RequestMirror', requestMirror: { backendRef: { group: '', kind: 'Service', name: 'api-v2', port: 8080 }, percent: 5 } }]);
    expect(named(objects, 'Service', 'api-v2')).toBeDefined();
  });

  test('a redirect becomes a RequestRedirect filter, without backends', () => {
    // GIVEN
    const mesh = gatewayApiMesh();
    const api = newService(mesh, 'api', ['v1']);
    const redirect = { scheme: 'https', host: 'new.example.com', port: 8443, fullPath: '/here', statusCode: 308 };
    const rules: HttpRule[] = [
      { source: api, label: 'route 1', name: 'moved', matches: [{ uri: StringMatch.exact('/moved') }], backends: [], redirect },
      { source: api, label: 'route 2', matches: [{ uri: StringMatch.prefix('/old') }], backends: [], redirect: { pathPrefix: '/new' } },
    ];

    // WHEN
    const rendered = httpRouteRules(rules, { subject: "service 'api'", namespace: 'default', port: 8080 });

    // THEN
    expect(rendered.problems).toEqual([]);
    expect(rendered.rules).toEqual([
      {
        name: 'moved',
        matches: [{ path: { type: 'Exact', value: '/moved' } }],
        filters: [{ type: 'RequestRedirect', requestRedirect: { scheme: 'https', hostname: 'new.example.com', port: 8443, path: { type: 'ReplaceFullPath', replaceFullPath: '/here' }, statusCode: 308 } }],
      },
      {
        matches: [{ path: { type: 'PathPrefix', value: '/old' } }],
        // Istio answers 301 when no code is given; the Gateway API's own default would be 302
        filters: [{ type: 'RequestRedirect', requestRedirect: { path: { type: 'ReplacePrefixMatch', replacePrefixMatch: '/new' }, statusCode: 301 } }],
      },
    ].map(r => expect.objectContaining(r)));
    const route = { apiVersion: 'gateway.networking.k8s.io/v1', kind: 'HTTPRoute', metadata: { name: 'api', namespace: 'default' }, spec: { parentRefs: [{ group: '', kind: 'Service', name: 'api', port: 8080 }], rules: JSON.parse(JSON.stringify(rendered.rules)) } };
    expect(validateManifests([route])).toEqual([]);
  });

  test.each([
    ['a scheme other than http or https', { scheme: 'ftp' }, "route 1 redirects to scheme 'ftp' (the Gateway API redirects to http or https)"],
    ['a host with a port', { host: 'new.example.com:8080' }, "route 1 redirects to the host 'new.example.com:8080' (the Gateway API takes a host name without port or wildcard)"],
    ['a status the Gateway API does not answer', { statusCode: 300 }, 'route 1 redirects with status 300 (the Gateway API answers 301, 302, 303, 307 or 308)'],
  ])('fails on a redirect to %s (MESH0743)', (_what, redirect, what) => {
    // GIVEN
    const mesh = gatewayApiMesh();
    const api = newService(mesh, 'api', ['v1']);
    const rules: HttpRule[] = [{ source: api, label: 'route 1', matches: [{ uri: StringMatch.exact('/a') }], backends: [], redirect }];

    // WHEN
    const rendered = httpRouteRules(rules, { subject: "service 'api'", namespace: 'default', port: 8080 });

    // THEN
    expect(rendered.problems.map(p => [p.code, p.what])).toEqual([['MESH0743', what]]);
  });

  test('TLS and TCP routes become TLSRoutes and TCPRoutes bound to their listeners, with ReferenceGrants, in place of the VirtualService', () => {
    // GIVEN
    const mesh = gatewayApiMesh();
    const db = new MeshService(mesh, 'db', { namespace: 'data', ports: [{ port: 5432, protocol: Protocol.TLS }, { port: 6379, protocol: Protocol.TCP }] });
    const gateway = new IngressGateway(mesh, 'ingress', {
      listeners: [{ port: 9443, protocol: Protocol.TLS, hosts: ['db.example.com'] }, { port: 6379, protocol: Protocol.TCP }],
    });
    gateway.addTlsRoute({ hosts: ['db.example.com'], service: db, port: 5432 });
    gateway.addTcpRoute({ port: 6379, service: db, servicePort: 6379 });

    // WHEN
    const objects = synthChecked(mesh.charts).filter(o => o.metadata.namespace === 'istio-ingress' && /Route$|VirtualService/.test(o.kind));

    // THEN
    expect(objects).toEqual([
      {
        apiVersion: 'gateway.networking.k8s.io/v1',
        kind: 'TLSRoute',
        metadata: { name: 'ingress-tls-0', namespace: 'istio-ingress' },
        spec: {
          parentRefs: [{ group: 'gateway.networking.k8s.io', kind: 'Gateway', name: 'ingress', sectionName: 'tls-9443' }],
          hostnames: ['db.example.com'],
          rules: [{ backendRefs: [{ group: '', kind: 'Service', name: 'db', namespace: 'data', port: 5432 }] }],
        },
      },
      {
        apiVersion: 'gateway.networking.k8s.io/v1alpha2',
        kind: 'TCPRoute',
        metadata: { name: 'ingress-tcp-0', namespace: 'istio-ingress' },
        spec: {
          parentRefs: [{ group: 'gateway.networking.k8s.io', kind: 'Gateway', name: 'ingress', sectionName: expect.any(String) }],
          rules: [{ backendRefs: [{ group: '', kind: 'Service', name: 'db', namespace: 'data', port: 6379 }] }],
        },
      },
    ]);
    expect(gateway.routeObjects.map(o => o.kind)).toEqual(['TLSRoute', 'TCPRoute']);
    const grants = Testing.synth(mesh).filter(o => o.kind === 'ReferenceGrant').map(o => o.spec.from[0].kind).sort();
    expect(grants).toEqual(['TCPRoute', 'TLSRoute']);
  });

  test('a split route that redirects by path prefix becomes ReplacePrefixMatch; falling back to Istio\'s API it is MESH0726', () => {
    // GIVEN a split route redirecting by prefix (which only the Gateway API can say), beside a fault (which only Istio's can)
    const build = (props: MeshProps) => {
      const mesh = gatewayApiMesh(props);
      const api = newService(mesh, 'api', ['v1']);
      const routes = [
        { name: 'old', matches: [{ uri: StringMatch.prefix('/old') }], redirect: { pathPrefix: '/new' } },
        { name: 'rest', targets: [TrafficTarget.version('v1')] },
      ];
      new TrafficSplit(mesh, 'split', { service: api, routes });
      return { mesh, api };
    };

    // WHEN rendered with the Gateway API
    const { mesh, api } = build({});
    const route = synthChecked(mesh.charts).find(o => o.kind === 'HTTPRoute' && o.metadata.name === api.serviceName);

    // THEN
    expect(route.spec.rules[0]).toEqual(expect.objectContaining({
      name: 'old',
      filters: [{ type: 'RequestRedirect', requestRedirect: { path: { type: 'ReplacePrefixMatch', replacePrefixMatch: '/new' }, statusCode: 301 } }],
    }));

    // WHEN the same split also injects a fault, and the fallback keeps it in Istio's API
    const fallback = gatewayApiMesh({ allowIstioApiFallback: true });
    const svc = newService(fallback, 'api', ['v1']);
    new TrafficSplit(fallback, 'split', {
      service: svc,
      routes: [
        { name: 'old', matches: [{ uri: StringMatch.prefix('/old') }], redirect: { pathPrefix: '/new' } },
        { name: 'rest', fault: FaultInjection.abort(503, 10), targets: [TrafficTarget.version('v1')] },
      ],
    });

    // THEN
    expect(synthErrors(fallback)).toEqual(expect.arrayContaining([expect.stringContaining("[MESH0726] route 'old' redirects by path prefix, which Istio's VirtualService cannot")]));
  });

  test('a listener of each protocol: HTTP, HTTPS terminated with its Secret, TLS passed through', () => {
    // GIVEN
    const mesh = gatewayApiMesh();
    const gateway = new IngressGateway(mesh, 'ingress', {
      listeners: [{ port: 80 }, { port: 443, protocol: Protocol.HTTPS, hosts: ['shop.example.com'], credentialName: 'cert' }, { port: 9443, protocol: Protocol.TLS, hosts: ['tls.example.com'] }],
    });

    // WHEN
    const spec = gatewayApiGatewaySpec(gateway);

    // THEN
    expect(spec.listeners).toEqual([
      expect.objectContaining({ name: 'http-80', port: 80, protocol: 'HTTP', hostname: undefined, tls: undefined }),
      expect.objectContaining({ name: 'https-443', port: 443, protocol: 'HTTPS', hostname: 'shop.example.com', tls: { mode: 'Terminate', certificateRefs: [{ group: '', kind: 'Secret', name: 'cert' }] } }),
      expect.objectContaining({ name: 'tls-9443', port: 9443, protocol: 'TLS', hostname: 'tls.example.com', tls: { mode: 'Passthrough' } }),
    ]);
    const object = { apiVersion: 'gateway.networking.k8s.io/v1', kind: 'Gateway', metadata: { name: 'ingress', namespace: 'istio-ingress' }, spec: JSON.parse(JSON.stringify(spec)) };
    expect(validateManifests([object])).toEqual([]);
  });

  test('a gRPC port gets a GRPCRoute, with the gRPC method a path names', () => {
    // GIVEN
    const mesh = gatewayApiMesh();
    const grpc = new MeshService(mesh, 'grpc-api', { ports: [{ port: 9000, protocol: Protocol.GRPC }] });
    ['v1', 'v2'].forEach(v => grpc.addVersion(v, { image: `example/grpc:${v}` }));
    new TrafficSplit(mesh, 'grpc-routes', {
      service: grpc,
      routes: [
        { name: 'get', matches: [{ uri: StringMatch.exact('/shop.Catalog/Get') }], targets: [TrafficTarget.version('v2')] },
        { name: 'catalog', matches: [{ uri: StringMatch.prefix('/shop.Catalog/'), headers: [HeaderMatch.exact('x-user', 'a')] }], targets: [TrafficTarget.version('v2')] },
        { name: 'rest', targets: [TrafficTarget.version('v1', 50), TrafficTarget.version('v2', 50)] },
      ],
    });

    // WHEN
    const objects = synthChecked(mesh.charts);

    // THEN
    const route = named(objects, 'GRPCRoute', 'grpc-api');
    expect(route.spec.parentRefs).toEqual([{ group: '', kind: 'Service', name: 'grpc-api', port: 9000 }]);
    expect(route.spec.rules.map((r: any) => r.matches)).toEqual([
      [{ method: { type: 'Exact', service: 'shop.Catalog', method: 'Get' } }],
      [{ method: { type: 'Exact', service: 'shop.Catalog' }, headers: [{ type: 'Exact', name: 'x-user', value: 'a' }] }],
      undefined,
    ]);
    expect(route.spec.rules[2].backendRefs).toEqual([
      { group: '', kind: 'Service', name: 'grpc-api-v1', port: 9000, weight: 50 },
      { group: '', kind: 'Service', name: 'grpc-api-v2', port: 9000, weight: 50 },
    ]);
    expect(ofKind(objects, 'HTTPRoute')).toEqual([]);
  });

  test('a service with an HTTP and a gRPC port gets a route per port; an ingress route to a gRPC port is a GRPCRoute with the split\'s weights', () => {
    // GIVEN
    const mesh = gatewayApiMesh();
    const both = new MeshService(mesh, 'both', { ports: [{ port: 8080, protocol: Protocol.HTTP }, { port: 9000, protocol: Protocol.GRPC }] });
    ['v1', 'v2'].forEach(v => both.addVersion(v, { image: `example/both:${v}` }));
    new TrafficSplit(mesh, 'both-routes', { service: both, routes: [{ targets: [TrafficTarget.version('v1', 70), TrafficTarget.version('v2', 30)] }] });
    const gateway = new IngressGateway(mesh, 'ingress');
    gateway.addRoute({ service: both, port: 9000 });

    // WHEN
    const objects = synthChecked(mesh.charts);

    // THEN
    expect(both.gatewayApiRoutes.map(r => `${r.kind} ${r.name}`)).toEqual(['HTTPRoute both-8080', 'GRPCRoute both-9000']);
    expect(named(objects, 'HTTPRoute', 'both-8080').spec.parentRefs).toEqual([{ group: '', kind: 'Service', name: 'both', port: 8080 }]);
    expect(named(objects, 'GRPCRoute', 'both-9000').spec.rules[0].backendRefs.map((b: any) => `${b.name}:${b.port}`)).toEqual(['both-v1:9000', 'both-v2:9000']);
    expect(gateway.routeObjects.map(r => `${r.kind} ${r.name}`)).toEqual(['GRPCRoute ingress-grpc']);
    expect(named(objects, 'GRPCRoute', 'ingress-grpc').spec).toEqual({
      parentRefs: [{ group: 'gateway.networking.k8s.io', kind: 'Gateway', name: 'ingress' }],
      // The ingress route carries the service's split: the canary's weights apply to traffic entering there too.
      rules: [{
        name: 'both-1',
        backendRefs: [
          { group: '', kind: 'Service', name: 'both-v1', namespace: 'default', port: 9000, weight: 70 },
          { group: '', kind: 'Service', name: 'both-v2', namespace: 'default', port: 9000, weight: 30 },
        ],
      }],
    });
  });

  test('a GRPCRoute bound from the backend\'s namespace needs no ReferenceGrant, however often the mesh is analysed', () => {
    // GIVEN
    const mesh = gatewayApiMesh();
    const grpc = new MeshService(mesh, 'grpc-api', { ports: [{ port: 9000, protocol: Protocol.GRPC }] });
    grpc.addVersion('v1', { image: 'example/grpc:v1' });
    const gateway = new IngressGateway(mesh, 'ingress', { listeners: [{ port: 80, hosts: ['default/grpc.example.com'] }] });
    gateway.addRoute({ service: grpc, hosts: ['grpc.example.com'] });

    // WHEN
    mesh.analyze();
    mesh.analyze();
    const objects = synthChecked(mesh.charts);

    // THEN
    expect(named(objects, 'GRPCRoute', 'ingress-grpc').metadata.namespace).toEqual('default');
    expect(ofKind(objects, 'ReferenceGrant')).toEqual([]);
  });

  test('a DestinationRule still carries the traffic policy, for the service and each version\'s Service', () => {
    // GIVEN
    const mesh = gatewayApiMesh({ autoMtls: false });
    const api = newService(mesh, 'api', ['v1', 'v2']);
    new TrafficSplit(mesh, 'api-routes', { service: api, routes: [{ targets: [TrafficTarget.version('v1', 80), TrafficTarget.version('v2', 20)] }] });

    // WHEN
    const objects = synthChecked(mesh.charts);

    // THEN no subsets, and the same policy for the hosts of the versions' Services
    const rules = ofKind(objects, 'DestinationRule');
    expect(rules.map(r => [r.metadata.name, r.spec.host])).toEqual([
      ['api', 'api.default.svc.cluster.local'],
      ['api-v1', 'api-v1.default.svc.cluster.local'],
      ['api-v2', 'api-v2.default.svc.cluster.local'],
    ]);
    expect(rules.map(r => r.spec.subsets)).toEqual([undefined, undefined, undefined]);
    expect(rules.map(r => r.spec.trafficPolicy)).toEqual(Array(3).fill({ tls: { mode: 'ISTIO_MUTUAL' } }));
  });

  describe('what the Gateway API cannot express', () => {
    test.each([
      ['a fault', { matches: [{ uri: StringMatch.exact('/a') }], fault: FaultInjection.abort(503, 10) }, 'MESH0740',
        "route 1 injects a fault (an abort with 503), which the Gateway API cannot express, so service 'api' cannot be routed with it: drop the fault, or set the mesh's allowIstioApiFallback"],
      ['a match on the calling service', { matches: [{ sourceService: 'web' }] }, 'MESH0741',
        "route 1 matches the calling service 'web', which the Gateway API cannot express, so service 'api' cannot be routed with it: match on a header the caller sets, or set the mesh's allowIstioApiFallback"],
      ['a retry condition', { retries: RetryPolicy.of({ attempts: 2, retryOn: [RetryOn.RESET] }) }, 'MESH0742',
        "route 1 retries on 'reset' (the Gateway API retries on status codes, and Istio adds connect-failure, refused-stream, unavailable and cancelled), which the Gateway API cannot express, "
        + "so service 'api' cannot be routed with it: retry on RetryOn.GATEWAY_ERROR, RetryOn.RETRIABLE_4XX, connect failures or refused streams only, or set the mesh's allowIstioApiFallback"],
      ['a prefix rewrite of several paths', { matches: [{ uri: StringMatch.prefix('/a') }, { uri: StringMatch.prefix('/b') }], rewrite: { pathPrefix: '/c' } }, 'MESH0743',
        'route 1 replaces the path prefix, which the Gateway API allows only in a rule with exactly one path prefix match (it has 2 matches), which the Gateway API cannot express, '
        + "so service 'api' cannot be routed with it: give the route one prefix path, or set the mesh's allowIstioApiFallback"],
    ])('fails on %s', (_what, route: any, code, message) => {
      // GIVEN
      const mesh = gatewayApiMesh();
      const web = newService(mesh, 'web');
      const api = newService(mesh, 'api', ['v1']);
      const { sourceService, ...rest } = route.matches?.[0] ?? {};
      const matches = route.matches ? [sourceService ? { ...rest, sourceService: web } : route.matches[0], ...route.matches.slice(1)] : undefined;
      new TrafficSplit(mesh, 'api-routes', { service: api, routes: [{ ...route, matches, targets: [TrafficTarget.version('v1')] }] });

      // THEN
      expect(synthErrors(mesh)).toEqual([`[mesh/api-routes] [${code}] ${message}`]);
    });

    test('fails on an egress gateway, and keeps it in Istio\'s API with the fallback', () => {
      // GIVEN
      const build = (props: MeshProps) => {
        const mesh = gatewayApiMesh(props);
        const egress = new EgressGateway(mesh, 'egress');
        new ExternalService(mesh, 'payments', { hosts: ['pay.example.com'], ports: [{ port: 443, protocol: Protocol.TLS }], egressGateway: egress });
        return mesh;
      };

      // THEN
      expect(synthErrors(build({}))).toEqual([
        "[mesh/egress] [MESH0744] an egress gateway (routing external services 'payments') cannot be expressed in the Gateway API: set the mesh's allowIstioApiFallback to keep it in Istio's API, or call the external services directly",
      ]);
      const mesh = build({ allowIstioApiFallback: true });
      expect(mesh.analyze().map(f => `${f.code} ${f.path}`)).toEqual(['MESH0745 mesh/egress']);
      const objects = synthChecked(mesh.charts);
      expect(ofKind(objects, 'Gateway').map(g => g.apiVersion)).toEqual(['networking.istio.io/v1']);
    });

    test('fails on what a GRPCRoute cannot express', () => {
      // GIVEN
      const mesh = gatewayApiMesh();
      const grpc = new MeshService(mesh, 'grpc-api', { ports: [{ port: 9000, protocol: Protocol.GRPC }], timeout: Timeout.of(Duration.seconds(3)) });
      grpc.addVersion('v1', { image: 'example/grpc:v1' });

      // THEN
      expect(synthErrors(mesh)).toEqual([
        "[mesh/grpc-api] [MESH0750] the default route sets a timeout, which a GRPCRoute (port 9000 of service 'grpc-api' is gRPC) cannot express: drop it, or set the mesh's allowIstioApiFallback",
      ]);
    });

    test('fails on more routes than one HTTPRoute may hold', () => {
      // GIVEN
      const mesh = gatewayApiMesh();
      const api = newService(mesh, 'api', ['v1']);
      const routes = Array.from({ length: 17 }, (_, i) => ({ matches: [{ uri: StringMatch.exact(`/p${i}`) }], targets: [TrafficTarget.version('v1')] }));
      new TrafficSplit(mesh, 'api-routes', { service: api, routes });

      // THEN
      expect(synthErrors(mesh)).toEqual([
        "[mesh/api-routes] [MESH0749] service 'api' has 17 routes, more than one route object may hold (16): merge routes (one route may have several matches), or set the mesh's allowIstioApiFallback",
      ]);
    });
  });

  describe('precedence', () => {
    test('fails when the Gateway API would try a later, more specific route first', () => {
      // GIVEN /api before /api/v2, to different versions
      const mesh = gatewayApiMesh();
      const api = newService(mesh, 'api', ['v1', 'v2']);
      new TrafficSplit(mesh, 'api-routes', {
        service: api,
        routes: [
          { name: 'all', matches: [{ uri: StringMatch.prefix('/api') }], targets: [TrafficTarget.version('v1')] },
          { name: 'v2', matches: [{ uri: StringMatch.prefix('/api/v2') }], targets: [TrafficTarget.version('v2')] },
        ],
      });

      // THEN
      expect(synthErrors(mesh)).toEqual([
        "[mesh/api-routes] [MESH0746] route 'v2' (path prefix '/api/v2') is more specific than route 'all' (path prefix '/api') before it, so the Gateway API would try it first and route some requests "
        + "of service 'api' elsewhere than the order written does: write route 'v2' before route 'all', or set the mesh's allowIstioApiFallback",
      ]);
    });

    test.each([
      ['the specific route written first', [['/api/v2', 'v2'], ['/api', 'v1']]],
      ['routes that do the same', [['/api', 'v1'], ['/api/v2', 'v1']]],
      ['routes that share no request', [['/web', 'v1'], ['/api/v2', 'v2']]],
    ])('accepts %s', (_what, paths) => {
      // GIVEN
      const mesh = gatewayApiMesh();
      const api = newService(mesh, 'api', ['v1', 'v2']);
      new TrafficSplit(mesh, 'api-routes', {
        service: api,
        routes: paths.map(([path, version]) => ({ matches: [{ uri: StringMatch.prefix(path) }], targets: [TrafficTarget.version(version)] })),
      });

      // THEN
      expect(synthErrors(mesh)).toEqual([]);
    });

    test('fails when a header route follows the catch-all it would overtake', () => {
      // GIVEN
      const mesh = gatewayApiMesh();
      const api = newService(mesh, 'api', ['v1', 'v2']);
      new TrafficSplit(mesh, 'api-routes', { service: api, routes: [{ targets: [TrafficTarget.version('v1')] }] });
      (mesh.node.findChild('api-routes') as TrafficSplit).addRoute({ name: 'jason', matches: [jason], targets: [TrafficTarget.version('v2')] });

      // THEN
      expect(synthErrors(mesh).filter(e => e.includes('MESH0746'))).toHaveLength(1);
    });
  });

  describe('per-version Services', () => {
    test('fails when <service>-<version> is another service\'s name', () => {
      // GIVEN
      const mesh = gatewayApiMesh();
      const reviews = newService(mesh, 'reviews', ['v1']);
      newService(mesh, 'reviews-v1');
      new TrafficSplit(mesh, 'reviews-routes', { service: reviews, routes: [{ targets: [TrafficTarget.version('v1')] }] });

      // THEN
      expect(synthErrors(mesh)).toEqual([
        "[mesh/reviews] [MESH0747] version 'v1' is routed through a Service 'reviews-v1' (the Gateway API has no subsets), but service 'reviews-v1' in namespace 'default' has that name: rename one of them",
      ]);
    });

    test('fails when <service>-<version> is longer than a Service name may be', () => {
      // GIVEN
      const mesh = gatewayApiMesh();
      const version = 'v'.repeat(40);
      const svc = newService(mesh, 'a-service-with-a-long-name', [version]);
      new TrafficSplit(mesh, 'routes', { service: svc, routes: [{ targets: [TrafficTarget.version(version)] }] });

      // THEN
      expect(synthErrors(mesh)).toEqual([
        `[mesh/a-service-with-a-long-name] [MESH0748] version '${version}' is routed through a Service named 'a-service-with-a-long-name-${version}' (67 characters), `
        + 'longer than a Service name may be (63): shorten the service or version name',
      ]);
    });
  });

  describe('CRDs', () => {
    const crdNames = (mesh: Mesh) => mesh.charts.flatMap(c => c.node.findAll()).filter((c: any) => c.kind === 'CustomResourceDefinition').map((c: any) => c.name as string);

    test('the CRD layer installs the Gateway API\'s CRDs when the mesh renders with it, only then', () => {
      const gatewayApi = crdNames(gatewayApiMesh());
      const istio = crdNames(newMesh());

      expect(gatewayApi.filter(n => n.endsWith('.gateway.networking.k8s.io')).sort()).toEqual([
        'backendtlspolicies.gateway.networking.k8s.io', 'gatewayclasses.gateway.networking.k8s.io', 'gateways.gateway.networking.k8s.io',
        'grpcroutes.gateway.networking.k8s.io', 'httproutes.gateway.networking.k8s.io', 'listenersets.gateway.networking.k8s.io',
        'referencegrants.gateway.networking.k8s.io', 'tcproutes.gateway.networking.k8s.io', 'tlsroutes.gateway.networking.k8s.io',
        'udproutes.gateway.networking.k8s.io',
      ]);
      expect(gatewayApi.filter(n => n.includes('gateway.networking')).length).toEqual(12);
      expect(istio.filter(n => n.includes('gateway.networking'))).toEqual([]);
      expect(istio.length).toBeGreaterThan(0);
    });

    test('installGatewayApiCrds keeps a CRD layer for them without Istio\'s, and turns them off', () => {
      const only = gatewayApiMesh({ installCrds: false, installGatewayApiCrds: true });
      expect(crdNames(only).every(n => n.includes('gateway.networking'))).toBe(true);
      expect(crdNames(only)).toHaveLength(12);
      expect(crdNames(gatewayApiMesh({ installCrds: false }))).toEqual([]);
      expect(crdNames(gatewayApiMesh({ installGatewayApiCrds: false })).filter(n => n.includes('gateway.networking'))).toEqual([]);
    });
  });

  test('the Istio API (the default) is unchanged: VirtualService, subsets and Istio\'s Gateway', () => {
    // GIVEN
    const mesh = newMesh({ denyByDefault: false });
    const api = newService(mesh, 'api', ['v1', 'v2']);
    new TrafficSplit(mesh, 'api-routes', { service: api, routes: [{ targets: [TrafficTarget.version('v1', 50), TrafficTarget.version('v2', 50)] }] });
    const gateway = new IngressGateway(mesh, 'ingress');
    gateway.addRoute({ service: api });

    // WHEN
    const objects = synthChecked(mesh.charts);

    // THEN
    expect(ofKind(objects, 'VirtualService').map(v => v.metadata.name)).toEqual(['api', 'ingress']);
    expect(named(objects, 'DestinationRule', 'api').spec.subsets).toHaveLength(2);
    expect(gateway.resource.apiVersion).toEqual('networking.istio.io/v1');
    expect(objects.filter(o => o.apiVersion.startsWith('gateway.networking'))).toEqual([]);
    expect(api.gatewayApiRoutes).toEqual([]);
  });
});

describe('the Bookinfo example in the Gateway API (examples/bookinfo-gateway-api)', () => {
  test('fails on ratings\' delay without the fallback', () => {
    const bookinfoMesh = new Bookinfo(Testing.app(), 'bookinfo', { routingApi: RoutingApi.GATEWAY_API });

    expect(synthErrors(bookinfoMesh).filter(e => e.includes('MESH07'))).toEqual([
      "[bookinfo/ratings-routes] [MESH0740] route 'jason-delay' injects a fault (a 7s delay), which the Gateway API cannot express, so service 'ratings' "
      + "cannot be routed with it: drop the fault, or set the mesh's allowIstioApiFallback",
    ]);
  });

  test('with the fallback: the ingress and reviews in the Gateway API, ratings in Istio\'s', () => {
    // GIVEN
    const bookinfoMesh = new Bookinfo(Testing.app(), 'bookinfo', { routingApi: RoutingApi.GATEWAY_API, allowIstioApiFallback: true });

    // WHEN
    const objects = synthChecked(bookinfoMesh.charts);

    // THEN
    const gatewayApi = objects.filter(o => o.apiVersion.startsWith('gateway.networking.k8s.io/') && o.kind !== 'CustomResourceDefinition');
    expect(gatewayApi.map(o => `${o.kind} ${o.metadata.namespace}/${o.metadata.name}`).sort()).toEqual([
      'Gateway istio-ingress/bookinfo-gateway', 'HTTPRoute bookinfo/details', 'HTTPRoute bookinfo/reviews', 'HTTPRoute istio-ingress/bookinfo-gateway',
      'ReferenceGrant bookinfo/httproutes-from-istio-ingress',
    ]);
    expect(ofKind(objects, 'VirtualService').map(v => v.metadata.name)).toEqual(['ratings']);
    expect(named(objects, 'HTTPRoute', 'bookinfo-gateway').spec.rules[0].matches).toEqual([
      { path: { type: 'Exact', value: '/productpage' } },
      { path: { type: 'PathPrefix', value: '/static' } },
      { path: { type: 'Exact', value: '/login' } },
      { path: { type: 'Exact', value: '/logout' } },
      { path: { type: 'PathPrefix', value: '/api/v1/products' } },
    ]);
  });
});

describe('the mesh\'s routing props', () => {
  test.each([
    ['routingApi', { routingApi: 'gateway' }, 'routingApi'],
    ['allowIstioApiFallback', { allowIstioApiFallback: 'true' }, 'allowIstioApiFallback'],
    ['installGatewayApiCrds', { installGatewayApiCrds: 'false' }, 'installGatewayApiCrds'],
  ])('fails on a %s that is not one (from JavaScript)', (_what, props: any, prop) => {
    const mesh = newMesh({ denyByDefault: false, ...props });

    const errors = synthErrors(mesh);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(new RegExp(`^\\[mesh\\] \\[MESH\\d{4}\\] ${prop} `));
  });

  test('allowIstioApiFallback without the Gateway API changes nothing', () => {
    const mesh = newMesh({ denyByDefault: false, allowIstioApiFallback: true });
    newService(mesh, 'api', ['v1'], { timeout: Timeout.of(Duration.seconds(1)) });

    expect(synthErrors(mesh)).toEqual([]);
    expect(mesh.analyze()).toEqual([]);
  });
});

describe('matches and route actions in the Gateway API', () => {
  test('query parameters, CORS and per-target headers render as HTTPRoute matches and filters, field by field', () => {
    // GIVEN
    const mesh = gatewayApiMesh();
    const web = newService(mesh, 'web', ['v1', 'v2']);
    new TrafficSplit(mesh, 'split', {
      service: web,
      routes: [{
        name: 'beta',
        matches: [{ queryParams: [QueryParamMatch.exact('tier', 'gold'), QueryParamMatch.regex('id', '\\d+'), QueryParamMatch.prefix('q', 'a.b'), QueryParamMatch.present('debug')] }],
        corsPolicy: {
          allowOrigins: [StringMatch.exact('https://shop.example.com'), StringMatch.exact('https://*.example.com')],
          allowMethods: [HttpMethod.GET, HttpMethod.POST],
          allowHeaders: ['x-user'],
          exposeHeaders: ['x-trace'],
          maxAge: Duration.minutes(10),
          allowCredentials: true,
        },
        targets: [
          TrafficTarget.version('v1', 90, { headers: { request: { set: { 'x-version': 'v1' } } } }),
          TrafficTarget.version('v2', 10, { headers: { response: { add: { 'x-canary': 'true' } } } }),
        ],
      }, { name: 'rest', targets: [TrafficTarget.version('v1')] }],
    });
    // WHEN
    const objects = synthChecked(mesh.charts);
    // THEN
    expect(synthErrors(mesh)).toEqual([]);
    const rule = named(objects, 'HTTPRoute', 'web').spec.rules[0];
    expect(rule.matches).toEqual([{
      queryParams: [
        { type: 'Exact', name: 'tier', value: 'gold' },
        { type: 'RegularExpression', name: 'id', value: '\\d+' },
        { type: 'RegularExpression', name: 'q', value: 'a\\.b.*' },
        { type: 'RegularExpression', name: 'debug', value: '.*' },
      ],
    }]);
    expect(rule.filters).toEqual([{
      type: 'CORS',
      cors: {
        allowOrigins: ['https://shop.example.com', 'https://*.example.com'],
        allowMethods: ['GET', 'POST'],
        allowHeaders: ['x-user'],
        exposeHeaders: ['x-trace'],
        maxAge: 600,
        allowCredentials: true,
      },
    }]);
    expect(rule.backendRefs).toEqual([
      { group: '', kind: 'Service', name: 'web-v1', port: 8080, weight: 90, filters: [{ type: 'RequestHeaderModifier', requestHeaderModifier: { set: [{ name: 'x-version', value: 'v1' }] } }] },
      { group: '', kind: 'Service', name: 'web-v2', port: 8080, weight: 10, filters: [{ type: 'ResponseHeaderModifier', responseHeaderModifier: { add: [{ name: 'x-canary', value: 'true' }] } }] },
    ]);
    expect(ofKind(objects, 'VirtualService')).toEqual([]);
  });

  test('a redirect whose derived port the Gateway API takes renders without a port', () => {
    const mesh = gatewayApiMesh();
    const web = newService(mesh, 'web', ['v1']);
    new TrafficSplit(mesh, 'split', {
      service: web,
      routes: [
        { name: 'secure', matches: [{ uri: StringMatch.prefix('/login') }], redirect: { scheme: 'https', derivePort: RedirectPortDerivation.FROM_PROTOCOL_DEFAULT } },
        { name: 'rest', targets: [TrafficTarget.version('v1')] },
      ],
    });
    const objects = synthChecked(mesh.charts);
    expect(named(objects, 'HTTPRoute', 'web').spec.rules[0].filters).toEqual([{ type: 'RequestRedirect', requestRedirect: { scheme: 'https', statusCode: 301 } }]);
  });

  test.each<[string, (caller: MeshService) => any, string[]]>([
    ['matches it has no field for', c => ({
      matches: [{
        withoutHeaders: [HeaderMatch.present('x')],
        authority: StringMatch.exact('a.b'),
        scheme: StringMatch.exact('https'),
        port: 9090,
        sourceService: c,
        sourceVersion: 'v2',
        sourceLabels: { t: 'b' },
        sourceNamespace: 'default',
        uri: StringMatch.prefix('/a'),
        ignoreUriCase: true,
        statPrefix: 's',
        name: 'n',
      }],
    }), [
      "[MESH0741] route 1 matches the calling service 'caller', which the Gateway API cannot express, so service 'web' cannot be routed with it: match on a header the caller sets, or set the mesh's allowIstioApiFallback",
      ...[
        "the absence of header 'x' (withoutHeaders)", "the authority exact 'a.b'", "the scheme exact 'https'", 'port 9090 (its routes of port 8080 take no such request)',
        "the calling version 'v2'", "the caller's labels t=b", "the calling namespace 'default'", 'the path without regard to case (ignoreUriCase)', "with statPrefix 's'",
        "with the name 'n'",
      ].map(what => `[MESH0812] route 1 matches ${what}, which the Gateway API cannot express, so service 'web' cannot be routed with it: drop that condition, or set the mesh's allowIstioApiFallback`),
    ]],
    ['a direct response', () => ({ targets: undefined, directResponse: { status: 503 } }), [
      "[MESH0813] route 1 answers with a direct response (status 503), which the Gateway API cannot express, so service 'web' cannot be routed with it: drop it, or set the mesh's allowIstioApiFallback",
    ]],
    ['a regex rewrite and CORS it cannot say', () => ({
      rewrite: { uriRegexRewrite: { match: '^/a', rewrite: '/b' } },
      corsPolicy: { allowOrigins: [StringMatch.prefix('https://a'), StringMatch.exact('https://ok.example.com')], unmatchedPreflights: UnmatchedPreflights.IGNORE },
    }), [
      "[MESH0813] route 1 rewrites the path by regex '^/a', which the Gateway API cannot express, so service 'web' cannot be routed with it: drop it, or set the mesh's allowIstioApiFallback",
      "[MESH0813] route 1 allows the CORS origin prefix 'https://a' (the Gateway API takes exact origins, http(s)://host[:port], '*.' hosts), which the Gateway API cannot express, so service 'web' cannot be routed with it: drop it, or set the mesh's allowIstioApiFallback",
      "[MESH0813] route 1 sets the CORS unmatchedPreflights IGNORE, which the Gateway API cannot express, so service 'web' cannot be routed with it: drop it, or set the mesh's allowIstioApiFallback",
    ]],
    ['a redirect port derived from the request to another scheme', () => ({ targets: undefined, redirect: { scheme: 'https', derivePort: RedirectPortDerivation.FROM_REQUEST_PORT } }), [
      "[MESH0813] route 1 redirects with derivePort FROM_REQUEST_PORT with a scheme (the Gateway API takes the port of the scheme it redirects to, else the request's), which the Gateway API cannot express, so service 'web' cannot be routed with it: drop it, or set the mesh's allowIstioApiFallback",
    ]],
  ])('fails on %s, and falls back to Istio\'s API when allowed', (_what, route, messages) => {
    // GIVEN
    const build = (props: MeshProps) => {
      const mesh = gatewayApiMesh(props);
      const caller = newService(mesh, 'caller', ['v1', 'v2']);
      const web = newService(mesh, 'web', ['v1', 'v2'], { ports: [{ port: 8080 }, { port: 9090 }] } as any);
      const first = { matches: [{ uri: StringMatch.prefix('/x') }], targets: [TrafficTarget.version('v1')], ...route(caller) };
      new TrafficSplit(mesh, 'split', { service: web, routes: [first, { targets: [TrafficTarget.version('v2')] }] });
      return mesh;
    };
    // THEN
    expect(synthErrors(build({}))).toEqual(messages.map(m => `[mesh/split] ${m}`));
    // AND with the fallback, the service's routing is a VirtualService
    const fallback = build({ allowIstioApiFallback: true });
    const objects = synthChecked(fallback.charts);
    expect(ofKind(objects, 'VirtualService').map(v => v.metadata.name)).toEqual(['web']);
    expect(ofKind(objects, 'HTTPRoute').filter(r => r.metadata.name.startsWith('web'))).toEqual([]);
  });
});

describe('matches and route actions in a GRPCRoute', () => {
  test('per-target headers render as backendRef filters; CORS and query parameters cannot be expressed', () => {
    // GIVEN a gRPC service whose routes change one target's headers
    const build = (route: object) => {
      const mesh = gatewayApiMesh();
      const api = newService(mesh, 'grpc-api', ['v1', 'v2'], { ports: [{ port: 9000, protocol: Protocol.GRPC }] });
      new TrafficSplit(mesh, 'split', {
        service: api,
        routes: [{
          targets: [TrafficTarget.version('v1', 50, { headers: { request: { set: { 'x-version': 'v1' } } } }), TrafficTarget.version('v2', 50)],
          ...route,
        }],
      });
      return mesh;
    };
    // WHEN
    const mesh = build({});
    const objects = synthChecked(mesh.charts);
    // THEN
    expect(named(objects, 'GRPCRoute', 'grpc-api').spec.rules[0].backendRefs[0].filters).toEqual([
      { type: 'RequestHeaderModifier', requestHeaderModifier: { set: [{ name: 'x-version', value: 'v1' }] } },
    ]);
    expect(synthErrors(build({ corsPolicy: { allowOrigins: [StringMatch.exact('https://a.example.com')] } }))).toEqual([
      "[mesh/split] [MESH0750] route 1 sets a corsPolicy, which a GRPCRoute (port 9000 of service 'grpc-api' is gRPC) cannot express: drop it, or set the mesh's allowIstioApiFallback",
    ]);
  });
});

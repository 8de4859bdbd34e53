import { Duration, Size } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import {
  AccessPolicy, Caller, CircuitBreaker, ClientTls, ConnectionPool, ExternalService, HeaderMatch, HttpMethod, IngressGateway,
  JwtAuthentication, Mesh, MeshProps, MeshService, Mirror, OutlierDetection, Protocol, RetryOn, RetryPolicy, StringMatch,
  Timeout, TrafficSplit, TrafficTarget,
} from '../../src';

const NAMESPACE = 'shop';
const REGISTRY = 'ghcr.io/example/shop';
/** The identity provider whose tokens the shop's customers bring. */
export const ISSUER = 'https://id.shop.example.com';

/**
 * A small online shop, written to show the traffic management a real application uses beyond Bookinfo:
 *
 * - at the edge: the storefront, the API under `/api/` with its prefix rewritten away and a CORS policy for the
 *   partner site, a redirect from the old catalogue paths, and a health answer straight from the gateway;
 * - orders: a canary by header and by weight, whose live requests are also mirrored to the new version and to the
 *   audit service, and whose retries name the conditions they retry on;
 * - payments: v2 is new and fragile, so it alone gets a tighter circuit breaker and connection pool;
 * - the message broker: a TCP canary, 90/10, between two versions of RabbitMQ;
 * - identity: customers must bring a token of the shop's identity provider for `/api/`, checked at the gateway; and
 *   only payments may reach the card processor outside the cluster, over TLS its sidecar originates.
 *
 * The mesh denies by default; every call is named below.
 */
export class Shop extends Mesh {
  public readonly web: MeshService;
  public readonly api: MeshService;
  public readonly orders: MeshService;
  public readonly payments: MeshService;
  public readonly audit: MeshService;
  public readonly broker: MeshService;
  public readonly gateway: IngressGateway;
  public readonly cardProcessor: ExternalService;

  public constructor(scope: Construct, id: string, props: MeshProps = {}) {
    super(scope, id, props);

    const http = [{ port: 8080, protocol: Protocol.HTTP }];
    const resources: kplus.ContainerResources = {
      cpu: { request: kplus.Cpu.millis(50), limit: kplus.Cpu.millis(500) },
      memory: { request: Size.mebibytes(64), limit: Size.mebibytes(256) },
    };
    const service = (name: string, versions: string[], extra: { ports?: typeof http } = {}) => {
      const s = new MeshService(this, name, { namespace: NAMESPACE, ports: extra.ports ?? http });
      versions.forEach(v => s.addVersion(v, { image: `${REGISTRY}/${name}:${v}`, resources, user: 1000 }));
      return s;
    };

    this.web = service('web', ['v1']);
    this.api = service('api', ['v1']);
    this.audit = service('audit', ['v1']);
    this.orders = service('orders', ['v1', 'v2']);

    // payments v2 is new: it alone gets a tighter pool and ejects a failing pod after 3 errors.
    this.payments = new MeshService(this, 'payments', {
      namespace: NAMESPACE,
      ports: http,
      circuitBreaker: CircuitBreaker.of({ maxConnections: 100, maxPendingRequests: 50, consecutiveErrors: 5 }),
    });
    this.payments.addVersion('v1', { image: `${REGISTRY}/payments:v1`, resources, user: 1000 });
    this.payments.addVersion('v2', {
      image: `${REGISTRY}/payments:v2`,
      resources,
      user: 1000,
      trafficPolicy: {
        connectionPool: ConnectionPool.of({ maxConnections: 20, http1MaxPendingRequests: 10, connectTimeout: Duration.seconds(1) }),
        outlierDetection: OutlierDetection.of({ consecutive5xxErrors: 3, interval: Duration.seconds(10), baseEjectionTime: Duration.seconds(60) }),
      },
    });
    new TrafficSplit(this, 'payments-routes', {
      service: this.payments,
      routes: [{ targets: [TrafficTarget.version('v1', 95), TrafficTarget.version('v2', 5)] }],
    });

    // orders: testers (x-canary: yes) see v2; everyone else v1, with 20% of their requests copied to v2 and
    // every request copied to the audit service (the copies' responses are discarded).
    new TrafficSplit(this, 'orders-routes', {
      service: this.orders,
      routes: [
        { name: 'testers', matches: [{ headers: [HeaderMatch.exact('x-canary', 'yes')] }], targets: [TrafficTarget.version('v2')] },
        {
          name: 'live',
          targets: [TrafficTarget.version('v1')],
          mirrors: [Mirror.to(this.orders, { version: 'v2', percentage: 20 }), Mirror.to(this.audit)],
          timeout: Timeout.of(Duration.seconds(3)),
          retries: RetryPolicy.of({
            attempts: 2,
            perTryTimeout: Duration.seconds(1),
            retryOn: [RetryOn.CONNECT_FAILURE, RetryOn.REFUSED_STREAM],
            retriableStatusCodes: [503],
          }),
        },
      ],
    });

    // The message broker: AMQP, a TCP canary of RabbitMQ 4 beside 3.13.
    this.broker = new MeshService(this, 'broker', { namespace: NAMESPACE, ports: [{ port: 5672, protocol: Protocol.TCP }] });
    this.broker.addVersion('v3', { image: 'docker.io/library/rabbitmq:3.13', resources, user: 999, writablePaths: ['/var/lib/rabbitmq'] });
    this.broker.addVersion('v4', { image: 'docker.io/library/rabbitmq:4.1', resources, user: 999, writablePaths: ['/var/lib/rabbitmq'] });
    new TrafficSplit(this, 'broker-routes', {
      service: this.broker,
      tcpRoutes: [{ targets: [TrafficTarget.version('v3', 90), TrafficTarget.version('v4', 10)] }],
    });

    // The edge.
    this.gateway = new IngressGateway(this, 'shop-gateway', {
      listeners: [{ port: 443, protocol: Protocol.HTTPS, hosts: ['shop.example.com'], credentialName: 'shop-tls' }],
    });
    this.gateway.addRoute({ paths: [StringMatch.exact('/healthz')], directResponse: { status: 200, body: 'ok' } });
    this.gateway.addRoute({ paths: [StringMatch.prefix('/catalog')], redirect: { fullPath: '/products', statusCode: 301 } });
    this.gateway.addRoute({
      service: this.api,
      paths: [StringMatch.prefix('/api/')],
      rewrite: { pathPrefix: '/' },
      corsPolicy: {
        allowOrigins: [StringMatch.exact('https://partner.example.com')],
        allowMethods: [HttpMethod.GET, HttpMethod.POST],
        allowHeaders: ['content-type', 'authorization'],
        maxAge: Duration.hours(1),
      },
    });
    this.gateway.addRoute({ service: this.web, paths: [StringMatch.prefix('/')] });

    // Customers: the API takes only requests with a valid token of the shop's identity provider (the gateway checks
    // it and hands the customer's id to the API); the storefront, the health answer and the redirect stay public.
    new JwtAuthentication(this, 'customers', {
      gateway: this.gateway,
      rules: [{
        issuer: ISSUER,
        jwksUri: `${ISSUER}/.well-known/jwks.json`,
        audiences: ['shop-api'],
        outputClaimToHeaders: [{ header: 'x-customer-id', claim: 'sub' }],
      }],
    });
    new AccessPolicy(this, 'edge-access', {
      gateway: this.gateway,
      allow: [
        { from: Caller.jwt({ issuer: ISSUER }), paths: ['/api/*'] },
        { from: Caller.anyone(), notPaths: ['/api/*'] },
      ],
    });

    // The card processor, outside the cluster: payments calls http://api.cards.example.com, its sidecar opens TLS to
    // port 443; no other workload of the mesh knows the host.
    this.cardProcessor = new ExternalService(this, 'card-processor', {
      hosts: ['api.cards.example.com'],
      namespace: NAMESPACE,
      ports: [{ port: 80, protocol: Protocol.HTTP }],
      tlsOrigination: [{ port: 80, targetPort: 443, clientTls: ClientTls.simple({ sni: 'api.cards.example.com' }) }],
      callers: [this.payments],
    });

    // Who may call whom: nothing else gets through.
    new AccessPolicy(this, 'web-access', { service: this.web, allow: [{ from: this.gateway }] });
    new AccessPolicy(this, 'api-access', { service: this.api, allow: [{ from: this.gateway }, { from: this.web }] });
    new AccessPolicy(this, 'orders-access', { service: this.orders, allow: [{ from: this.api }] });
    new AccessPolicy(this, 'payments-access', { service: this.payments, allow: [{ from: this.orders }] });
    new AccessPolicy(this, 'broker-access', { service: this.broker, allow: [{ from: this.orders }, { from: this.payments }] });
  }
}

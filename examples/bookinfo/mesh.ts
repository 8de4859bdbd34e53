import { Duration, Size } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import {
  AccessPolicy, FaultInjection, HeaderMatch, IngressGateway, IngressGatewayProps, Mesh, MeshProps, MeshService, MtlsMode, PolicyScope, Protocol,
  RetryPolicy, StringMatch, TelemetryPolicy, TelemetryStack, Timeout, TracingBackend, TrafficSplit, TrafficTarget,
} from '../../src';

const IMAGES = 'registry.istio.io/release';
const BOOKINFO_TAG = '1.20.3';
const NAMESPACE = 'bookinfo';

/**
 * Properties of the Bookinfo mesh.
 */
export interface BookinfoProps extends MeshProps {
  /**
   * The share of reviews' requests (other than jason's) that go to v3, the canary; the rest go to v1.
   *
   * @default 10
   */
  readonly reviewsCanaryPercent?: number;

  /**
   * The ingress gateway's props, e.g. `{ existing: { selector: { istio: 'ingressgateway' } } }` to serve
   * productpage through a gateway installed with Istio.
   *
   * @default - the mesh deploys its own gateway
   */
  readonly gateway?: IngressGatewayProps;
}

/**
 * Istio's Bookinfo sample as a cdk8s-mesh program: four services (reviews in three versions), canary and
 * header routing for reviews, a fault injected for one user on ratings, resilient calls to details, mTLS
 * STRICT everywhere and an explicit call graph. The mesh's own control plane runs beside it, and an
 * ingress gateway serves productpage, which only the gateway may call. The whole telemetry stack watches
 * it: Prometheus, Grafana with a dashboard per service, Jaeger, access logs and Kiali.
 */
export class Bookinfo extends Mesh {
  public readonly productpage: MeshService;
  public readonly details: MeshService;
  public readonly ratings: MeshService;
  public readonly reviews: MeshService;
  public readonly gateway: IngressGateway;

  public constructor(scope: Construct, id: string, props: BookinfoProps = {}) {
    const { reviewsCanaryPercent: canary = 10, gateway, ...meshProps } = props;
    super(scope, id, { mtls: MtlsMode.STRICT, ...meshProps });

    const port = [{ port: 9080, protocol: Protocol.HTTP }];
    const service = (name: string) => new MeshService(this, name, { namespace: NAMESPACE, ports: port, serviceAccountName: `bookinfo-${name}` });
    const image = (name: string, version: string) => `${IMAGES}/examples-bookinfo-${name}-${version}:${BOOKINFO_TAG}`;
    // Sized for a demo cluster: the library's default (cdk8s-plus: 1 CPU requested per pod) would ask for 6 CPUs.
    const resources: kplus.ContainerResources = {
      cpu: { request: kplus.Cpu.millis(50), limit: kplus.Cpu.millis(500) },
      memory: { request: Size.mebibytes(64), limit: Size.mebibytes(512) },
    };
    const common = { imagePullPolicy: kplus.ImagePullPolicy.IF_NOT_PRESENT, user: 1000, resources };

    this.details = new MeshService(this, 'details', {
      namespace: NAMESPACE,
      ports: port,
      serviceAccountName: 'bookinfo-details',
      timeout: Timeout.of(Duration.seconds(10)),
      retries: RetryPolicy.of({ attempts: 3, perTryTimeout: Duration.seconds(2) }),
    });
    this.details.addVersion('v1', { image: image('details', 'v1'), ...common });

    this.ratings = service('ratings');
    this.ratings.addVersion('v1', { image: image('ratings', 'v1'), ...common });

    this.reviews = service('reviews');
    for (const version of ['v1', 'v2', 'v3']) {
      this.reviews.addVersion(version, {
        image: image('reviews', version),
        env: { LOG_DIR: '/tmp/logs' },
        writablePaths: ['/tmp', '/opt/ibm/wlp/output'],
        ...common,
      });
    }

    this.productpage = service('productpage');
    this.productpage.addVersion('v1', {
      image: image('productpage', 'v1'),
      writablePaths: ['/tmp'],
      podAnnotations: { 'prometheus.io/scrape': 'true', 'prometheus.io/port': '9080', 'prometheus.io/path': '/metrics' },
      ...common,
    });

    const jason = { headers: [HeaderMatch.exact('end-user', 'jason')] };

    // reviews: jason sees v2; everyone else 90% v1, 10% v3 (by default).
    new TrafficSplit(this, 'reviews-routes', {
      service: this.reviews,
      routes: [
        { name: 'jason', matches: [jason], targets: [TrafficTarget.version('v2')] },
        { name: 'canary', targets: [TrafficTarget.version('v1', 100 - canary), TrafficTarget.version('v3', canary)] },
      ],
    });

    // ratings: jason's requests are delayed 7 s, to test the callers' timeouts; others are untouched.
    new TrafficSplit(this, 'ratings-routes', {
      service: this.ratings,
      routes: [
        { name: 'jason-delay', matches: [jason], fault: FaultInjection.delay(Duration.seconds(7), 100), targets: [TrafficTarget.version('v1')] },
        { name: 'default', targets: [TrafficTarget.version('v1')] },
      ],
    });

    // The way in: productpage's page, its static files, login and logout, and its API.
    this.gateway = new IngressGateway(this, 'bookinfo-gateway', gateway);
    this.gateway.addRoute({
      service: this.productpage,
      paths: [
        StringMatch.exact('/productpage'),
        StringMatch.prefix('/static'),
        StringMatch.exact('/login'),
        StringMatch.exact('/logout'),
        StringMatch.prefix('/api/v1/products'),
      ],
    });

    // The call graph, and nothing else: the mesh denies every call these do not allow (its default).
    new AccessPolicy(this, 'productpage-access', { service: this.productpage, allow: [{ from: this.gateway }] });
    new AccessPolicy(this, 'details-access', { service: this.details, allow: [{ from: this.productpage }] });
    new AccessPolicy(this, 'reviews-access', { service: this.reviews, allow: [{ from: this.productpage }] });
    new AccessPolicy(this, 'ratings-access', { service: this.ratings, allow: [{ from: this.reviews }] });

    // Metrics, dashboards, traces (10% of requests; every request of reviews, the service being canaried),
    // an access log line per request, and Kiali.
    new TelemetryStack(this, 'telemetry', {
      tracing: TracingBackend.jaeger(),
      samplingPercentage: 10,
      accessLogging: {},
      kiali: {},
    });
    new TelemetryPolicy(this, 'reviews-telemetry', { scope: PolicyScope.workload(this.reviews), tracing: { samplingPercentage: 100 } });
  }
}

/**
 * Every example synthesizes, deterministically, into objects that validate strictly against the
 * Kubernetes and Istio schemas; Bookinfo is configured as its README says.
 */
import { execFileSync, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, Testing } from 'cdk8s';
import * as YAML from 'yaml';
import { Bookinfo } from '../examples/bookinfo/mesh';
import { ISSUER, Shop } from '../examples/shop/mesh';
import { MeshTesting } from '../src';
import { withoutPodSecurity } from './support/pod-security';
import { validateManifests } from './support/schemas';
import { ofKind } from './support/util';

const EXAMPLES = path.join(__dirname, '..', 'examples');
const ROOT = path.join(__dirname, '..');

function synthExample(name: string): { files: string[]; yaml: string; manifests: any[] } {
  const out = fs.mkdtempSync(path.join(os.tmpdir(), `example-${name}-`));
  execFileSync('node', ['-r', 'ts-node/register', '-r', path.join(ROOT, 'scripts', 'local-library.ts'), path.join(EXAMPLES, name, 'main.ts')], {
    cwd: ROOT,
    env: { ...process.env, TS_NODE_PROJECT: path.join(ROOT, 'tsconfig.dev.json'), TS_NODE_TRANSPILE_ONLY: 'true', CDK8S_OUTDIR: out },
  });
  // The manifests: what `kubectl apply -f` reads (an example may also write a picture of its mesh beside them).
  const files = fs.readdirSync(out).filter(f => f.endsWith('.k8s.yaml')).sort();
  const yaml = files.map(f => fs.readFileSync(path.join(out, f), 'utf-8')).join('---\n');
  return { files, yaml, manifests: YAML.parseAllDocuments(yaml).map(d => d.toJSON()).filter(Boolean) };
}

const examples = fs.readdirSync(EXAMPLES).filter(e => fs.existsSync(path.join(EXAMPLES, e, 'main.ts'))).sort();

describe.each(examples)('example %s', name => {
  const first = synthExample(name);

  test('every object validates strictly against the Kubernetes and Istio schemas', () => {
    expect(first.manifests.length).toBeGreaterThan(0);
    expect(validateManifests(first.manifests)).toEqual([]);
  });

  test('synthesis is deterministic and names are readable', () => {
    expect(synthExample(name).yaml).toEqual(first.yaml);
    for (const m of first.manifests) {
      expect(m.metadata.name).not.toMatch(/-c8[0-9a-f]{6}$/);
    }
    expect(first.yaml).not.toMatch(/c8[0-9a-f]{6}/);
  });

  test('files are numbered in apply order', () => {
    expect(first.files.every((f, i) => f.startsWith(`${String(i).padStart(4, '0')}-`))).toBe(true);
  });
});

describe('Bookinfo', () => {
  const app = new App({ outdir: fs.mkdtempSync(path.join(os.tmpdir(), 'bookinfo-')) });
  const bookinfo = new Bookinfo(app, 'bookinfo');
  const manifests = MeshTesting.synth(bookinfo);
  const find = (kind: string, name: string) => MeshTesting.find(manifests, kind, name);

  const workloads = Testing.synth(bookinfo);

  test('snapshot (of the workloads and policy: CRDs and control plane have tests of their own)', () => {
    expect(workloads).toMatchSnapshot();
  });

  test('the layers, in apply order: CRDs, namespaces, control plane, workloads, telemetry', () => {
    expect(bookinfo.charts.map(c => c.node.id)).toEqual(['bookinfo-crds', 'bookinfo-namespaces', 'bookinfo-control-plane', 'bookinfo', 'bookinfo-telemetry']);
    expect(app.charts).toEqual(bookinfo.charts);
    expect(MeshTesting.find(manifests, 'Deployment', 'istiod', 'istio-system').spec.template.spec.containers[0].image).toEqual('docker.io/istio/pilot:1.30.3');
    expect(withoutPodSecurity(MeshTesting.find(manifests, 'Namespace', 'bookinfo').metadata.labels)).toEqual({ 'istio-injection': 'enabled' });
  });

  test('the ingress gateway routes productpage\'s page, static files, login, logout and API to it', () => {
    const routes = MeshTesting.find(manifests, 'VirtualService', 'bookinfo-gateway', 'istio-ingress').spec;
    expect(routes.gateways).toEqual(['istio-ingress/bookinfo-gateway']);
    expect(routes.http).toEqual([{
      name: 'productpage',
      match: [
        { uri: { exact: '/productpage' } }, { uri: { prefix: '/static' } }, { uri: { exact: '/login' } }, { uri: { exact: '/logout' } },
        { uri: { prefix: '/api/v1/products' } },
      ],
      route: [{ destination: { host: 'productpage.bookinfo.svc.cluster.local', port: { number: 9080 } } }],
    }]);
    expect(MeshTesting.find(manifests, 'Gateway', 'bookinfo-gateway').spec.servers).toEqual([{ port: { number: 80, name: 'http-80', protocol: 'HTTP' }, hosts: ['*'] }]);
    expect(MeshTesting.find(manifests, 'Service', 'bookinfo-gateway').spec.type).toEqual('LoadBalancer');
  });

  test('the services, versions, images and accounts Istio ships', () => {
    const deployments = workloads.filter(m => m.kind === 'Deployment' && m.metadata.namespace === 'bookinfo');
    const summary = deployments.map(d => [d.metadata.name, d.spec.template.spec.serviceAccountName, d.spec.template.spec.containers[0].image]);
    expect(summary.sort()).toEqual([
      ['details-v1', 'bookinfo-details', 'registry.istio.io/release/examples-bookinfo-details-v1:1.20.3'],
      ['productpage-v1', 'bookinfo-productpage', 'registry.istio.io/release/examples-bookinfo-productpage-v1:1.20.3'],
      ['ratings-v1', 'bookinfo-ratings', 'registry.istio.io/release/examples-bookinfo-ratings-v1:1.20.3'],
      ['reviews-v1', 'bookinfo-reviews', 'registry.istio.io/release/examples-bookinfo-reviews-v1:1.20.3'],
      ['reviews-v2', 'bookinfo-reviews', 'registry.istio.io/release/examples-bookinfo-reviews-v2:1.20.3'],
      ['reviews-v3', 'bookinfo-reviews', 'registry.istio.io/release/examples-bookinfo-reviews-v3:1.20.3'],
    ]);
    for (const name of ['productpage', 'details', 'ratings', 'reviews']) {
      expect(find('Service', name).spec.ports).toEqual([{ name: 'http', port: 9080, targetPort: 9080, appProtocol: 'http' }]);
      expect(find('ServiceAccount', `bookinfo-${name}`).metadata.namespace).toEqual('bookinfo');
    }
  });

  test('reviews: jason goes to v2, everyone else 90% v1 and 10% v3', () => {
    const host = 'reviews.bookinfo.svc.cluster.local';
    expect(find('VirtualService', 'reviews').spec.http).toEqual([
      { name: 'jason', match: [{ headers: { 'end-user': { exact: 'jason' } } }], route: [{ destination: { host, subset: 'v2' } }] },
      { name: 'canary', route: [{ destination: { host, subset: 'v1' }, weight: 90 }, { destination: { host, subset: 'v3' }, weight: 10 }] },
    ]);
    expect(find('DestinationRule', 'reviews').spec.subsets.map((s: any) => s.labels.version)).toEqual(['v1', 'v2', 'v3']);
  });

  test('ratings: a 7 s delay on all of jason\'s requests, others untouched', () => {
    const [jason, others] = find('VirtualService', 'ratings').spec.http;
    expect(jason.match).toEqual([{ headers: { 'end-user': { exact: 'jason' } } }]);
    expect(jason.fault).toEqual({ delay: { fixedDelay: '7s', percentage: { value: 100 } } });
    expect(others.match).toBeUndefined();
    expect(others.fault).toBeUndefined();
  });

  test('details: 10 s timeout, 3 retries of 2 s each', () => {
    const [route] = find('VirtualService', 'details').spec.http;
    expect(route.timeout).toEqual('10s');
    expect(route.retries).toEqual({ attempts: 3, perTryTimeout: '2s' });
  });

  test('mTLS STRICT mesh-wide', () => {
    const meshWide = MeshTesting.find(manifests, 'PeerAuthentication', 'default', 'istio-system');
    expect(meshWide.spec).toEqual({ mtls: { mode: 'STRICT' } });
    expect(manifests.filter(m => m.kind === 'PeerAuthentication')).toHaveLength(1);
  });

  test('the call graph: productpage -> details, reviews; reviews -> ratings; nothing else', () => {
    const principal = (name: string) => `cluster.local/ns/bookinfo/sa/bookinfo-${name}`;
    expect(MeshTesting.allowedCallers(bookinfo, bookinfo.details, manifests)).toEqual([principal('productpage')]);
    expect(MeshTesting.allowedCallers(bookinfo, bookinfo.reviews, manifests)).toEqual([principal('productpage')]);
    expect(MeshTesting.allowedCallers(bookinfo, bookinfo.ratings, manifests)).toEqual([principal('reviews')]);
    expect(MeshTesting.allowedCallers(bookinfo, bookinfo.productpage, manifests)).toEqual(['cluster.local/ns/istio-ingress/sa/bookinfo-gateway']);
  });

  test('no findings: every service has a caller', () => {
    expect(bookinfo.analyze()).toEqual([]);
  });

  test('the whole telemetry stack: Prometheus, Grafana with a dashboard per service, Jaeger, access logs, Kiali', () => {
    const telemetry = bookinfo.telemetry!;
    expect([telemetry.prometheus, telemetry.grafana, telemetry.kiali, telemetry.tracing].every(p => p !== undefined)).toBe(true);
    expect(manifests.filter(m => m.kind === 'Deployment' && m.metadata.namespace === 'istio-system').map(m => m.metadata.name))
      .toEqual(['istiod', 'jaeger', 'prometheus', 'grafana', 'kiali']);
    expect(telemetry.grafana!.dashboardServices.map(s => s.serviceName)).toEqual(['details', 'ratings', 'reviews', 'productpage']);
    const reviewsDashboard = JSON.parse(MeshTesting.find(manifests, 'ConfigMap', 'grafana-dashboard-bookinfo.reviews').data['reviews.json']);
    expect(reviewsDashboard.panels.filter((p: any) => p.type === 'row').map((p: any) => p.title)).toEqual(['reviews: all versions', 'reviews v1', 'reviews v2', 'reviews v3']);
    expect(MeshTesting.find(manifests, 'Telemetry', 'mesh-default', 'istio-system').spec).toEqual({
      tracing: [{ providers: [{ name: 'jaeger' }], randomSamplingPercentage: 10 }],
      accessLogging: [{ providers: [{ name: 'envoy' }] }],
    });
    expect(MeshTesting.find(manifests, 'Telemetry', 'reviews', 'bookinfo').spec).toEqual({
      selector: { matchLabels: { app: 'reviews' } },
      tracing: [{ providers: [{ name: 'jaeger' }], randomSamplingPercentage: 100 }],
    });
    expect(YAML.parse(MeshTesting.find(manifests, 'ConfigMap', 'istio', 'istio-system').data.mesh).extensionProviders.map((p: any) => p.name)).toEqual(['prometheus', 'envoy', 'jaeger']);
  });

  test('pods are non-root with read-only root filesystems, and write only to their scratch directories', () => {
    for (const d of workloads.filter(m => m.kind === 'Deployment' && m.metadata.namespace === 'bookinfo')) {
      const [c] = d.spec.template.spec.containers;
      expect(c.securityContext).toMatchObject({ readOnlyRootFilesystem: true, runAsNonRoot: true, runAsUser: 1000 });
      expect(d.spec.template.metadata.labels['sidecar.istio.io/inject']).toEqual('true');
      expect(c.resources).toEqual({ requests: { cpu: '50m', memory: '64Mi' }, limits: { cpu: '500m', memory: '512Mi' } });
    }
    expect(find('Deployment', 'reviews-v1').spec.template.spec.containers[0].volumeMounts.map((v: any) => v.mountPath)).toEqual(['/tmp', '/opt/ibm/wlp/output']);
  });
});

describe('Bookinfo on an existing Istio', () => {
  // What examples/bookinfo-existing-istio/main.ts builds.
  const app = new App({ outdir: fs.mkdtempSync(path.join(os.tmpdir(), 'bookinfo-existing-')) });
  const bookinfo = new Bookinfo(app, 'bookinfo', { existingIstio: {}, gateway: { existing: { selector: { istio: 'ingressgateway' } } } });
  const manifests = MeshTesting.synth(bookinfo);
  const example = synthExample('bookinfo-existing-istio');

  test('is what the example writes', () => {
    expect(example.manifests).toEqual(manifests);
    expect(example.files).toEqual(['0000-bookinfo-namespaces.k8s.yaml', '0001-bookinfo.k8s.yaml', '0002-bookinfo-telemetry.k8s.yaml']);
  });

  test('writes no CRD, control plane or gateway workload, and nothing into istio-system but the Gateway and its routes', () => {
    expect(bookinfo.charts.map(c => c.node.id)).toEqual(['bookinfo-namespaces', 'bookinfo', 'bookinfo-telemetry']);
    for (const kind of ['CustomResourceDefinition', 'MutatingWebhookConfiguration', 'ValidatingWebhookConfiguration', 'DaemonSet']) {
      expect(manifests.filter(m => m.kind === kind)).toEqual([]);
    }
    expect(manifests.filter(m => m.metadata.namespace === 'istio-system').map(m => `${m.kind}/${m.metadata.name}`)).toEqual(['Gateway/bookinfo-gateway', 'VirtualService/bookinfo-gateway']);
    expect(manifests.filter(m => m.kind === 'Namespace').map(m => m.metadata.name)).toEqual(['bookinfo', 'mesh-telemetry']);
    expect(withoutPodSecurity(MeshTesting.find(manifests, 'Namespace', 'bookinfo').metadata.labels)).toEqual({ 'istio-injection': 'enabled' });
  });

  test("binds productpage's routes to the installed istio-ingressgateway, whose identity alone may call it", () => {
    expect(MeshTesting.find(manifests, 'Gateway', 'bookinfo-gateway', 'istio-system').spec.selector).toEqual({ istio: 'ingressgateway' });
    expect(MeshTesting.find(manifests, 'VirtualService', 'bookinfo-gateway', 'istio-system').spec.http[0].route)
      .toEqual([{ destination: { host: 'productpage.bookinfo.svc.cluster.local', port: { number: 9080 } } }]);
    expect(MeshTesting.find(manifests, 'AuthorizationPolicy', 'productpage', 'bookinfo').spec.rules[0].from[0].source.principals)
      .toEqual(['cluster.local/ns/istio-system/sa/istio-ingressgateway-service-account']);
    expect(MeshTesting.canCall(bookinfo, bookinfo.gateway, bookinfo.productpage, {}, manifests)).toBe(true);
    expect(MeshTesting.canCall(bookinfo, bookinfo.ratings, bookinfo.productpage, {}, manifests)).toBe(false);
  });

  test("keeps Bookinfo's routing and its mesh-wide policies, in its own namespaces", () => {
    const host = 'reviews.bookinfo.svc.cluster.local';
    expect(MeshTesting.find(manifests, 'VirtualService', 'reviews', 'bookinfo').spec.http[1].route)
      .toEqual([{ destination: { host, subset: 'v1' }, weight: 90 }, { destination: { host, subset: 'v3' }, weight: 10 }]);
    expect(MeshTesting.find(manifests, 'PeerAuthentication', 'default', 'bookinfo').spec).toEqual({ mtls: { mode: 'STRICT' } });
    expect(MeshTesting.find(manifests, 'AuthorizationPolicy', 'allow-nothing', 'bookinfo').spec).toEqual({});
  });

  test('tells what the installed mesh config needs for its tracing', () => {
    const [warning] = bookinfo.analyze().filter(f => f.code === 'MESH0706');
    expect(warning.message).toContain('{"meshConfig":{"extensionProviders":[{"name":"jaeger","opentelemetry":{"service":"jaeger-collector.mesh-telemetry.svc.cluster.local","port":4317}}]}}');
  });
});

describe('the shop: traffic management beyond Bookinfo', () => {
  const app = new App({ outdir: fs.mkdtempSync(path.join(os.tmpdir(), 'shop-')) });
  const shop = new Shop(app, 'shop');
  const manifests = MeshTesting.synth(shop);
  const find = (kind: string, name: string, namespace = 'shop') => MeshTesting.find(manifests, kind, name, namespace);
  const host = (name: string) => `${name}.shop.svc.cluster.local`;

  test('is what the example writes, with no error and no warning', () => {
    const example = synthExample('shop').manifests;
    expect(example.map(m => `${m.kind}/${m.metadata.name}`)).toEqual(manifests.map(m => `${m.kind}/${m.metadata.name}`));
    expect(shop.analyze()).toEqual([]);
  });

  test('every DestinationRule comes before every VirtualService of the shop (make-before-break)', () => {
    const kinds = manifests.filter(m => m.metadata.namespace === 'shop').map(m => m.kind);
    const lastRule = kinds.lastIndexOf('DestinationRule');
    expect(lastRule).toBeGreaterThan(-1);
    expect(kinds.indexOf('VirtualService')).toBeGreaterThan(lastRule);
  });

  test('the edge: a direct health answer, a redirect, the API under /api/ rewritten with CORS, then the storefront', () => {
    const http = find('VirtualService', 'shop-gateway', 'istio-ingress').spec.http;
    expect(http.map((r: any) => r.match[0].uri)).toEqual([{ exact: '/healthz' }, { prefix: '/catalog' }, { prefix: '/api/' }, { prefix: '/' }]);
    expect(http[0].directResponse).toEqual({ status: 200, body: { string: 'ok' } });
    expect(http[0].route).toBeUndefined();
    expect(http[1].redirect).toEqual({ uri: '/products', redirectCode: 301 });
    expect(http[2].rewrite).toEqual({ uri: '/' });
    expect(http[2].corsPolicy).toEqual({
      allowOrigins: [{ exact: 'https://partner.example.com' }], allowMethods: ['GET', 'POST'], allowHeaders: ['content-type', 'authorization'], maxAge: '3600s',
    });
    expect(http[2].route).toEqual([{ destination: { host: host('api'), port: { number: 8080 } } }]);
  });

  test('orders: testers on v2; live traffic on v1, mirrored 20% to v2 and wholly to audit, with typed retries', () => {
    const [testers, live] = find('VirtualService', 'orders').spec.http;
    expect(testers.route).toEqual([{ destination: { host: host('orders'), subset: 'v2' } }]);
    expect(live.mirrors).toEqual([
      { destination: { host: host('orders'), subset: 'v2' }, percentage: { value: 20 } },
      { destination: { host: host('audit'), port: { number: 8080 } }, percentage: { value: 100 } },
    ]);
    expect(live.mirror).toBeUndefined();
    expect(live.retries).toEqual({ attempts: 2, perTryTimeout: '1s', retryOn: 'connect-failure,refused-stream,503' });
    expect(find('DestinationRule', 'orders').spec.subsets.map((s: any) => s.name)).toEqual(['v1', 'v2']);
  });

  test('audit admits the copies: api, the caller of orders, may call it (and nothing else may)', () => {
    expect(MeshTesting.allowedCallers(shop, shop.audit, manifests)).toEqual(['cluster.local/ns/shop/sa/api']);
  });

  test('payments v2 alone has the tighter pool and outlier detection, over the service-wide circuit breaker', () => {
    const spec = find('DestinationRule', 'payments').spec;
    expect(spec.trafficPolicy).toEqual({
      connectionPool: { tcp: { maxConnections: 100 }, http: { http1MaxPendingRequests: 50 } },
      outlierDetection: { consecutive5xxErrors: 5 },
    });
    expect(spec.subsets).toEqual([
      { name: 'v1', labels: { version: 'v1' } },
      {
        name: 'v2',
        labels: { version: 'v2' },
        trafficPolicy: {
          connectionPool: { tcp: { maxConnections: 20, connectTimeout: '1s' }, http: { http1MaxPendingRequests: 10 } },
          outlierDetection: { consecutive5xxErrors: 3, interval: '10s', baseEjectionTime: '60s' },
        },
      },
    ]);
  });

  test('the broker: a TCP canary, 90% RabbitMQ 3.13 and 10% RabbitMQ 4', () => {
    const spec = find('VirtualService', 'broker').spec;
    expect(spec.http).toBeUndefined();
    expect(spec.tcp).toEqual([{
      route: [{ destination: { host: host('broker'), subset: 'v3' }, weight: 90 }, { destination: { host: host('broker'), subset: 'v4' }, weight: 10 }],
    }]);
    expect(MeshTesting.allowedCallers(shop, shop.broker, manifests).sort()).toEqual(['cluster.local/ns/shop/sa/orders', 'cluster.local/ns/shop/sa/payments']);
  });

  test('customers: the gateway validates their tokens and requires one for /api/, while the storefront stays public', () => {
    const gateway = shop.gateway;
    expect(find('RequestAuthentication', 'shop-gateway-jwt', gateway.namespace).spec).toEqual({
      selector: { matchLabels: gateway._podLabels },
      jwtRules: [{
        issuer: ISSUER,
        jwks_uri: `${ISSUER}/.well-known/jwks.json`,
        audiences: ['shop-api'],
        outputClaimToHeaders: [{ header: 'x-customer-id', claim: 'sub' }],
      }],
    });
    // The gateway's own allow-all policy gives way to the program's, which allow-lists its callers.
    const atGateway = ofKind(manifests, 'AuthorizationPolicy').filter(p => p.metadata.namespace === gateway.namespace);
    expect(atGateway.map(p => p.metadata.name)).toEqual(['shop-gateway-access']);
    expect(atGateway[0].spec.rules).toEqual([
      { from: [{ source: { requestPrincipals: [`${ISSUER}/*`] } }], to: [{ operation: { paths: ['/api/*'] } }] },
      { to: [{ operation: { notPaths: ['/api/*'] } }] },
    ]);
    const request = { host: 'shop.example.com', port: 443 };
    const customer = { issuer: ISSUER, subject: 'c-42', audiences: ['shop-api'] };
    expect(MeshTesting.canRequest(shop, gateway, { ...request, path: '/api/orders' }, manifests)).toBe(false);
    expect(MeshTesting.canRequest(shop, gateway, { ...request, path: '/api/orders', jwt: customer }, manifests)).toBe(true);
    expect(MeshTesting.explainRequest(shop, gateway, { ...request, path: '/api/orders', jwt: { ...customer, valid: false } }, manifests).allowed).toBe(false);
    expect(MeshTesting.explainRequest(shop, gateway, { ...request, path: '/api/orders', jwt: { ...customer, audiences: ['other'] } }, manifests).allowed).toBe(false);
    expect(MeshTesting.canRequest(shop, gateway, { ...request, path: '/products' }, manifests)).toBe(true);
  });

  test('the card processor: payments alone knows it, and its sidecar originates TLS to port 443', () => {
    expect(find('ServiceEntry', 'card-processor').spec.ports).toEqual([{ name: 'http-80', number: 80, protocol: 'HTTP', targetPort: 443 }]);
    expect(find('DestinationRule', 'card-processor-tls').spec).toEqual({
      host: 'api.cards.example.com',
      trafficPolicy: { portLevelSettings: [{ port: { number: 80 }, tls: { mode: 'SIMPLE', sni: 'api.cards.example.com' } }] },
    });
    const sidecars = ofKind(manifests, 'Sidecar');
    expect(sidecars.map(s => s.metadata.name).sort()).toEqual(['default', 'payments-egress']);
    const hosts = (name: string) => sidecars.find(s => s.metadata.name === name).spec.egress.flatMap((e: any) => e.hosts);
    expect(hosts('default')).not.toContain('shop/api.cards.example.com');
    expect(hosts('payments-egress')).toContain('shop/api.cards.example.com');
    expect(sidecars.every(s => s.spec.outboundTrafficPolicy.mode === 'REGISTRY_ONLY')).toBe(true);
    expect(find('Sidecar', 'payments-egress').spec.workloadSelector).toEqual({ labels: { app: 'payments' } });
  });
});

describe("the README's example", () => {
  test('synthesizes, with no error and no warning: its services are reachable under deny-by-default', () => {
    const readme = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf-8');
    const code = /## Example\n\n```ts\n([\s\S]*?)```/.exec(readme)![1];
    const out = fs.mkdtempSync(path.join(os.tmpdir(), 'readme-example-'));
    // Type-checked and run as a user would, with the package name resolved to this source tree (so the program
    // sits in the repository, where its dependencies resolve) and the app writing to a temporary directory.
    const program = code.replace("from 'cdk8s-mesh'", "from '../src'").replace('new App()', `new App({ outdir: ${JSON.stringify(out)} })`);
    const dir = fs.mkdtempSync(path.join(ROOT, '.readme-example-'));
    const file = path.join(dir, 'readme.ts');
    fs.writeFileSync(file, program.replace("from '../src'", `from ${JSON.stringify(path.relative(dir, path.join(ROOT, 'src')))}`));
    let run: ReturnType<typeof spawnSync>;
    try {
      run = spawnSync('node', ['-r', 'ts-node/register', file], { cwd: ROOT, env: { ...process.env, TS_NODE_PROJECT: path.join(ROOT, 'tsconfig.dev.json') } });
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
    expect(run.error).toBeUndefined();
    expect(run.stderr.toString().split('\n').filter((l: string) => /MESH\d{4}/.test(l))).toEqual([]);
    expect(run.status).toBe(0);
    const yaml = fs.readdirSync(out).filter(f => f.endsWith('.k8s.yaml')).map(f => fs.readFileSync(path.join(out, f), 'utf-8')).join('---\n');
    const manifests = YAML.parseAllDocuments(yaml).map(d => d.toJSON()).filter(Boolean);
    expect(validateManifests(manifests)).toEqual([]);
    const names = (kind: string) => manifests.filter(m => m.kind === kind).map(m => m.metadata.name).sort();
    expect(names('AuthorizationPolicy')).toEqual(['allow-nothing', 'edge', 'reviews', 'web']);
    expect(names('NetworkPolicy')).toEqual(['edge', 'reviews', 'web']);
  });
});

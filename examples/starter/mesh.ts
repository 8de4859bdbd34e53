import { App, Duration } from 'cdk8s';
import {
  AccessPolicy, HttpMethod, IngressGateway, Mesh, MeshService, RetryPolicy, Timeout, TrafficSplit, TrafficTarget,
} from 'cdk8s-mesh';

/** The services of the mesh, for tests to name. */
export interface Shop {
  readonly mesh: Mesh;
  readonly gateway: IngressGateway;
  readonly web: MeshService;
  readonly api: MeshService;
}

/**
 * A small shop: an ingress gateway in front of `web`, which calls `api`; api's v2 is a 10% canary.
 * mTLS is STRICT and every call no AccessPolicy allows is refused (the mesh's defaults).
 */
export function shop(app: App): Shop {
  const mesh = new Mesh(app, 'shop');

  const web = new MeshService(mesh, 'web', { namespace: 'shop', ports: [{ port: 8080 }] });
  web.addVersion('v1', { image: 'ghcr.io/example/web:1.0.0' });

  const api = new MeshService(mesh, 'api', {
    namespace: 'shop',
    ports: [{ port: 9080 }],
    timeout: Timeout.of(Duration.seconds(5)),
    retries: RetryPolicy.of({ attempts: 2, perTryTimeout: Duration.seconds(2) }),
  });
  api.addVersion('v1', { image: 'ghcr.io/example/api:1.0.0' });
  api.addVersion('v2', { image: 'ghcr.io/example/api:2.0.0' });
  new TrafficSplit(mesh, 'api-canary', {
    service: api,
    routes: [{ targets: [TrafficTarget.version('v1', 90), TrafficTarget.version('v2', 10)] }],
  });

  const gateway = new IngressGateway(mesh, 'edge', { listeners: [{ port: 80, hosts: ['shop.example.com'] }] });
  gateway.addRoute({ service: web });

  new AccessPolicy(mesh, 'web-access', { service: web, allow: [{ from: gateway }] });
  new AccessPolicy(mesh, 'api-access', { service: api, allow: [{ from: web, methods: [HttpMethod.GET, HttpMethod.POST] }] });
  return { mesh, gateway, web, api };
}

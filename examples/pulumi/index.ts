import * as k8s from '@pulumi/kubernetes';
import * as pulumi from '@pulumi/pulumi';
import { App } from 'cdk8s';
import { MeshRelease } from 'cdk8s-mesh-pulumi';
import { Bookinfo } from '../bookinfo/mesh';

const config = new pulumi.Config();

// The same mesh `cdk8s synth` writes to examples/bookinfo/dist: one program, two ways to deploy it.
// `pulumi config set reviewsCanaryPercent 50 && pulumi up` shifts the canary: an update of one VirtualService.
const app = new App();
const bookinfo = new Bookinfo(app, 'bookinfo', {
  reviewsCanaryPercent: config.getNumber('reviewsCanaryPercent') ?? 10,
});

const cluster = new k8s.Provider('cluster', {
  context: config.get('kubeContext') || undefined,
});

const release = new MeshRelease('bookinfo', {
  source: app,
  skipAwait: config.getBoolean('skipAwait') ?? false,
}, { provider: cluster });

/** The charts, in the order they are deployed, and how many objects each holds. */
export const charts = release.charts.map(chart => `${chart.chartId}: ${chart.resources.length} objects`);

/** Where the ingress gateway listens: open http://<address>/productpage once it has one. */
const gateway = release.getResources(bookinfo.gateway).find(k8s.core.v1.Service.isInstance)!; // the gateway's own Service
export const ingressAddress = gateway.status.apply(status => {
  const ingress = status?.loadBalancer?.ingress?.[0];
  return ingress?.ip ?? ingress?.hostname ?? '(pending)';
});

import * as path from 'path';
import { App } from 'cdk8s';
import { Bookinfo } from '../bookinfo/mesh';

/*
 * Bookinfo's routing, policy and telemetry on a cluster where Istio is installed already (for example with
 * `istioctl install`): the workloads are injected by the installed default revision, and productpage is served
 * through the installed `istio-ingressgateway`. No CRD, control plane or gateway Deployment is written, and
 * nothing goes into istio-system but the Gateway object and its routes.
 *
 * The telemetry stack's Jaeger needs an extension provider in the installed mesh config, which the mesh cannot
 * write: synthesis prints the `meshConfig` to add to the installation (warning MESH0706).
 */
const app = new App({ outdir: process.env.CDK8S_OUTDIR ?? path.join(__dirname, 'dist') });
new Bookinfo(app, 'bookinfo', {
  existingIstio: {},
  gateway: { existing: { selector: { istio: 'ingressgateway' } } },
});
app.synth();

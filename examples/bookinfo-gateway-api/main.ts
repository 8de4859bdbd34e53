import * as path from 'path';
import { App } from 'cdk8s';
import { RoutingApi } from '../../src';
import { Bookinfo } from '../bookinfo/mesh';

const app = new App({ outdir: process.env.CDK8S_OUTDIR ?? path.join(__dirname, 'dist') });
// Bookinfo's routing in the Kubernetes Gateway API: the ingress as a Gateway (class istio) with an HTTPRoute, reviews'
// canary and jason's route as a GAMMA HTTPRoute over a Service per version, details' timeout and retries on its own.
// Ratings keeps the 7s delay it injects for jason: the delay is what Bookinfo's fault-injection task tests, and the
// Gateway API has no fault injection, so ratings' routing alone stays in Istio's API (allowIstioApiFallback; synthesis
// warns about it, MESH0745). Without the fallback, synthesis fails on the delay (MESH0740).
new Bookinfo(app, 'bookinfo', { routingApi: RoutingApi.GATEWAY_API, allowIstioApiFallback: true });
app.synth();

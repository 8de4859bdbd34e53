import * as path from 'path';
import { App } from 'cdk8s';
import { Shop } from './mesh';

const app = new App({ outdir: process.env.CDK8S_OUTDIR ?? path.join(__dirname, 'dist') });
// The shop with its own control plane; `new Shop(app, 'shop', { existingIstio: {} })` puts it on an Istio already installed.
new Shop(app, 'shop');
app.synth();

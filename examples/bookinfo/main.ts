import * as path from 'path';
import { App } from 'cdk8s';
import { Bookinfo } from './mesh';

const app = new App({ outdir: process.env.CDK8S_OUTDIR ?? path.join(__dirname, 'dist') });
new Bookinfo(app, 'bookinfo');
app.synth();

import * as path from 'path';
import { App } from 'cdk8s';
import { Bookinfo } from './mesh';
import { ApplyScript, MeshDiagram } from '../../src';

const app = new App({ outdir: process.env.CDK8S_OUTDIR ?? path.join(__dirname, 'dist') });
const bookinfo = new Bookinfo(app, 'bookinfo');
// The picture of the mesh beside the manifests: dist/bookinfo.mesh.mmd, .dot and .svg.
new MeshDiagram(bookinfo, 'diagram');
// The script that applies them without the CRD race: dist/apply.sh.
new ApplyScript(app, 'apply');
app.synth();

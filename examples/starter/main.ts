import { App } from 'cdk8s';
import { shop } from './mesh';

// `cdk8s synth` (or `npm run synth`) writes one file per layer into dist/, numbered in apply order.
const app = new App();
shop(app);
app.synth();

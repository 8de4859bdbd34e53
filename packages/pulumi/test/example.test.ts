import * as fs from 'fs';
import * as path from 'path';
import * as pulumi from '@pulumi/pulumi';
import { MeshReleaseMocks, outputOf } from '../src';

const EXAMPLE = path.join(__dirname, '..', '..', '..', 'examples', 'pulumi');

test('examples/pulumi deploys Bookinfo through its own provider, with the canary share from the stack config', async () => {
  const mocks = await MeshReleaseMocks.install({ project: 'bookinfo-mesh', config: { 'bookinfo-mesh:reviewsCanaryPercent': '20', 'bookinfo-mesh:kubeContext': 'kind-mesh' } });
  // The program runs when loaded, as under `pulumi up`.
  const program = jest.requireActual(path.join(EXAMPLE, 'index.ts'));
  await mocks.settled();

  expect(await outputOf(pulumi.output(program.charts))).toEqual([
    'bookinfo-crds: 15 objects',
    'bookinfo-namespaces: 4 objects',
    'bookinfo-control-plane: 25 objects',
    'bookinfo: 38 objects',
    'bookinfo-telemetry: 31 objects',
  ]);
  // Under mocks the gateway's Service never gets a load balancer.
  expect(await outputOf(program.ingressAddress)).toEqual('(pending)');

  const provider = mocks.find('cluster', 'pulumi:providers:kubernetes');
  expect(provider.inputs.context).toEqual('kind-mesh');
  expect(mocks.objects).toHaveLength(113);
  expect(mocks.objects.every(o => o.provider.startsWith(`${provider.urn}::`))).toBe(true);
  const reviews = mocks.find('bookinfo:bookinfo/reviews', 'kubernetes:networking.istio.io/v1:VirtualService');
  expect(reviews.inputs.spec.http[1].route.map((r: any) => r.weight)).toEqual([80, 20]);
});

test('the example is a Pulumi project: Pulumi.yaml names the Node.js runtime and every config key the program reads', () => {
  const yaml = fs.readFileSync(path.join(EXAMPLE, 'Pulumi.yaml'), 'utf8');
  expect(yaml).toMatch(/^name: bookinfo-mesh$/m);
  expect(yaml).toMatch(/^runtime:\n {2}name: nodejs$/m);
  const program = fs.readFileSync(path.join(EXAMPLE, 'index.ts'), 'utf8');
  const read = [...program.matchAll(/config\.get\w*\('(\w+)'\)/g)].map(m => m[1]).sort();
  expect(read).toEqual(['kubeContext', 'reviewsCanaryPercent', 'skipAwait']);
  for (const key of read) {
    expect(yaml).toMatch(new RegExp(`^ {2}${key}:$`, 'm'));
  }
});

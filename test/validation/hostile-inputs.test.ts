/**
 * Hostile and edge inputs across every public construct, prop, method and factory (and `MeshRelease` of
 * packages/pulumi): each row is built in a fresh App and synthesized; a bad input must end in a coded
 * error (or a coded warning), never in a crash or in objects the cluster refuses, and a legal edge input
 * must synthesize to objects the strict validator accepts. See hostile-rows.ts for the table.
 */
// MeshRelease's own dependency (packages/pulumi), installed at the root for its tests.
// eslint-disable-next-line import/no-extraneous-dependencies
import * as pulumi from '@pulumi/pulumi';
import { App, Chart } from 'cdk8s';
import { meets, Row, runRow } from './hostile-harness';
import { rows } from './hostile-rows';
import { MeshRelease } from '../../packages/pulumi/src';
import { Mesh, MeshService, Protocol } from '../../src';
import { allowInvalidOutput } from '../support/strict-synth';

const js = (x: unknown): any => x;

/** A mesh with one service, as the source of a release. */
function meshApp(app: App): Mesh {
  const mesh = new Mesh(app, 'mesh');
  new MeshService(mesh, 'web', { ports: [{ port: 8080, protocol: Protocol.HTTP }] }).addVersion('v1', { image: 'example/web:1' });
  return mesh;
}

const releaseRows: Row[] = [
  { name: "MeshRelease: new MeshRelease('r') (no args)", expect: 'error', build: () => new (MeshRelease as any)('r') },
  { name: 'MeshRelease: source undefined', expect: 'error', build: () => new MeshRelease('r', js({ source: undefined })) },
  { name: 'MeshRelease: source a plain object', expect: 'error', build: () => new MeshRelease('r', js({ source: { charts: [] } })) },
  { name: 'MeshRelease: source an empty App', expect: 'error', build: app => new MeshRelease('r', { source: app }) },
  { name: 'MeshRelease: source a valid App', expect: 'valid', build: app => { meshApp(app); new MeshRelease('r', { source: app }); } },
  { name: 'MeshRelease: source the Mesh', expect: 'valid', build: app => new MeshRelease('r', { source: meshApp(app) }) },
  { name: 'MeshRelease: source an empty chart of the app', expect: 'error', build: app => { meshApp(app); new MeshRelease('r', { source: new Chart(app, 'extra', { namespace: 'default' }) }); } },
  { name: 'MeshRelease: source with two Meshes', expect: 'error', build: app => { meshApp(app); new Mesh(app, 'm2'); new MeshRelease('r', { source: app }); } },
  { name: 'MeshRelease: source a mesh with an invalid service', expect: 'error', build: app => { svcIn(new Mesh(app, 'mesh'), '9lives'); new MeshRelease('r', { source: app }); } },
  { name: "MeshRelease: namespace 'Bad NS'", expect: 'error', build: app => { meshApp(app); new MeshRelease('r', { source: app, namespace: 'Bad NS' }); } },
  { name: "MeshRelease: namespace ''", expect: 'error', build: app => { meshApp(app); new MeshRelease('r', { source: app, namespace: '' }); } },
  { name: 'MeshRelease: namespace 63 characters', expect: 'valid', build: app => { meshApp(app); new MeshRelease('r', { source: app, namespace: 'n'.repeat(63) }); } },
  { name: "MeshRelease: resourcePrefix ''", expect: 'error', build: app => { meshApp(app); new MeshRelease('r', { source: app, resourcePrefix: '' }); } },
  { name: 'MeshRelease: resourcePrefix with CR/LF', expect: 'error', build: app => { meshApp(app); new MeshRelease('r', { source: app, resourcePrefix: 'a\nb' }); } },
  { name: 'MeshRelease: skipAwait the string "yes"', expect: 'error', build: app => { meshApp(app); new MeshRelease('r', js({ source: app, skipAwait: 'yes' })); } },
  { name: 'MeshRelease: a source of another App next to this one', expect: 'valid', build: app => { meshApp(app); const other = new App(); meshApp(other); new MeshRelease('r', { source: other }); } },
];

function svcIn(mesh: Mesh, name: string): void {
  new MeshService(mesh, 'svc', { serviceName: name, ports: [{ port: 8080, protocol: Protocol.HTTP }] }).addVersion('v1', { image: 'example/web:1' });
}

const table: Row[] = [...rows, ...releaseRows];

beforeAll(async () => {
  await pulumi.runtime.setMocks({
    newResource: args => ({ id: args.custom ? `${args.name}-id` : undefined, state: args.inputs }),
    call: args => args.inputs,
  }, 'project', 'hostile', false);
});

test('the table covers several hundred inputs, each named once', () => {
  const names = table.map(r => r.name);
  expect(names.filter((n, i) => names.indexOf(n) !== i)).toEqual([]);
  expect(table.length).toBeGreaterThanOrEqual(300);
});

describe.each(['error', 'warning', 'valid'] as const)('expected %s', expected => {
  const selected = table.filter(r => r.expect === expected).map(r => [r.name, r] as const);
  test.each(selected)('%s', (_name, row) => {
    // Each row's output is validated here, strictly, and classified: the global strict setup would fail every
    // invalid row the same way without saying which outcome the row expected.
    allowInvalidOutput('the hostile table validates and classifies every output itself');
    const outcome = runRow(row);
    if (!meets(row.expect, outcome)) {
      throw new Error(`expected ${row.expect}, observed ${outcome.observed}: ${outcome.detail}`);
    }
  });
});

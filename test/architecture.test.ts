import * as fs from 'fs';
import * as path from 'path';
import { cycles, importGraph } from './support/import-graph';

const SRC = path.join(__dirname, '..', 'src');
// The generated Istio bindings (src/imports) import only the hook that applies patches and overrides last (private/overridden-json.ts).
const graph = importGraph(SRC, ['imports']);

describe('architecture', () => {
  test('no import cycle at run time larger than 3 files', () => {
    // WHEN
    const found = cycles(graph.runtime);

    // THEN (on failure, the message lists the files of each cycle)
    expect(found.filter(c => c.length > 3)).toEqual([]);
  });

  test('no import cycle larger than 8 files, type imports counted', () => {
    expect(cycles(graph.all).filter(c => c.length > 8)).toEqual([]);
  });

  test('the cycle check finds cycles', () => {
    // GIVEN a graph with a 3-cycle, a 2-cycle and a tail
    const g = new Map([['a', ['b']], ['b', ['c']], ['c', ['a', 'd']], ['d', ['e']], ['e', ['d']], ['f', ['a']]]);

    // THEN
    expect(cycles(g)).toEqual([['a', 'b', 'c'], ['d', 'e']]);
  });

  test('model files depend on the IMesh description, not on the Mesh class', () => {
    // The package's entry point and the test helpers for users may name the class; nothing else.
    const importers = [...graph.all.entries()].filter(([, deps]) => deps.includes('mesh.ts')).map(([file]) => file).sort();
    expect(importers).toEqual(['index.ts', 'testing/mesh-testing.ts']);
  });

  test('the mesh description imports only value types (and names the control plane\'s type)', () => {
    expect(graph.all.get('mesh-identity.ts')).toEqual(['control-plane/control-plane.ts', 'security/mtls-mode.ts', 'traffic/protocol.ts']);
    expect(graph.all.get('security/mtls-mode.ts')).toEqual([]);
    expect(graph.all.get('traffic/protocol.ts')).toEqual([]);
  });

  test('src/mesh.ts stays under 300 lines', () => {
    expect(fs.readFileSync(path.join(SRC, 'mesh.ts'), 'utf8').split('\n').length).toBeLessThan(300);
  });
});

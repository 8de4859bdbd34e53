import { ApiObject, App, Chart, DependencyGraph, Testing } from 'cdk8s';
import { Construct, IConstruct } from 'constructs';
import * as fc from 'fast-check';
import { synthesisOrder } from '../../src/traffic/rollout-order';

/**
 * The mesh's chart writes its objects in the order of `synthesisOrder`, which claims to be cdk8s's own
 * (`DependencyGraph.topology()`), walked once. Checked here on random trees with random dependencies, against
 * cdk8s itself.
 */

/** A tree of constructs (some of them ApiObjects, some nested charts) and dependencies between them, as data. */
interface TreeSpec {
  /** For each construct after the chart: the index of its parent (an earlier one), whether it is an ApiObject, a nested chart. */
  readonly nodes: Array<{ parent: number; kind: 'construct' | 'object' | 'chart' }>;
  /** Dependencies from a construct to an earlier one (so there is no cycle), in the order they are added. */
  readonly edges: Array<[number, number]>;
}

const treeSpec: fc.Arbitrary<TreeSpec> = fc.integer({ min: 1, max: 40 }).chain(n => fc.record({
  nodes: fc.tuple(...Array.from({ length: n }, (_, i) => fc.record({
    parent: fc.integer({ min: 0, max: i }),
    kind: fc.constantFrom<'construct' | 'object' | 'chart'>('construct', 'object', 'object', 'object', 'chart'),
  }))),
  edges: fc.array(fc.tuple(fc.integer({ min: 1, max: n }), fc.integer({ min: 0, max: n })).filter(([a, b]) => b < a), { maxLength: 60 }),
}));

function build(spec: TreeSpec): { chart: Chart; constructs: IConstruct[] } {
  const chart = new Chart(Testing.app(), 'test');
  const constructs: IConstruct[] = [chart];
  spec.nodes.forEach(({ parent, kind }, i) => {
    const scope = constructs[parent] as Construct;
    const id = `c${i}`;
    constructs.push(kind === 'object' ? new ApiObject(scope, id, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: id } })
      : kind === 'chart' ? new Chart(scope, id) : new Construct(scope, id));
  });
  for (const [from, to] of spec.edges) {
    constructs[from].node.addDependency(constructs[to]);
  }
  return { chart, constructs };
}

function cdk8sOrder(chart: Chart): ApiObject[] {
  return new DependencyGraph(chart.node).topology().filter((c): c is ApiObject => ApiObject.isApiObject(c) && Chart.of(c) === chart);
}

describe('synthesisOrder', () => {
  test('writes the objects of random trees with random dependencies in the order cdk8s does', () => {
    fc.assert(fc.property(treeSpec, spec => {
      const { chart } = build(spec);
      expect(synthesisOrder(chart).map(o => o.node.path)).toEqual(cdk8sOrder(chart).map(o => o.node.path));
    }), { seed: 18, numRuns: 300 });
  });

  test('a mesh-sized chart: the same order as cdk8s, every object once', () => {
    // GIVEN objects depending on the ones before them in a long chain, and many on one
    const chart = new Chart(new App(), 'big');
    const objects = Array.from({ length: 3000 }, (_, i) => new ApiObject(chart, `o${i}`, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: `o${i}` } }));
    objects.forEach((o, i) => i > 0 && i % 3 === 0 && o.node.addDependency(objects[i - 1]));
    objects.slice(1000).forEach(o => o.node.addDependency(objects[7]));
    // THEN
    const order = synthesisOrder(chart);
    expect(new Set(order).size).toBe(3000);
    expect(order.map(o => o.name)).toEqual(cdk8sOrder(chart).map(o => o.name));
  });

  test('a dependency cycle throws, as cdk8s does', () => {
    // GIVEN
    const chart = new Chart(Testing.app(), 'test');
    const a = new ApiObject(chart, 'a', { apiVersion: 'v1', kind: 'ConfigMap' });
    const b = new ApiObject(chart, 'b', { apiVersion: 'v1', kind: 'ConfigMap' });
    a.node.addDependency(b);
    b.node.addDependency(a);
    // THEN
    expect(() => cdk8sOrder(chart)).toThrow(/Dependency cycle detected/);
    expect(() => synthesisOrder(chart)).toThrow('Dependency cycle detected: test/a => test/b => test/a');
  });
});

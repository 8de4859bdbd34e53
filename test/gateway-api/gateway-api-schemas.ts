/**
 * `synthChecked` synthesizes a mesh's charts and fails with every object that does not validate strictly
 * (test/support/schemas.ts: Kubernetes', Istio's and the Gateway API's schemas, CEL rules included), as
 * test/support/strict-synth.ts does for every synthesis of a test; it returns the objects.
 */
import { Chart, Testing } from 'cdk8s';
import { validateManifests } from '../support/schemas';

export function synthChecked(charts: Chart[]): any[] {
  const objects = charts.flatMap(c => Testing.synth(c));
  const errors = validateManifests(objects).flatMap(f => f.errors.map(e => `${f.object}: ${e}`));
  if (errors.length > 0) {
    throw new Error(`invalid output:\n${errors.join('\n')}`);
  }
  return objects;
}

/**
 * Property: a random mesh (see mesh-spec.ts for what is generated) EITHER synthesizes into objects that all
 * pass the strict validator, byte-identically on a second synthesis of the same App and on a synthesis of the
 * same spec built again in another App, OR fails with errors that are all coded (`[MESHxxxx]`); never with an
 * uncoded error, a TypeError or a crash.
 *
 * Seeded. On failure fast-check prints the seed, the path and the shrunk counterexample (the spec, as plain
 * data). To replay exactly that case:
 *
 *   MESH_PROPERTY_SEED=<seed> MESH_PROPERTY_PATH=<path> npx jest test/property/random-meshes.test.ts
 *
 * MESH_PROPERTY_RUNS changes the number of runs (default 300); a new MESH_PROPERTY_SEED explores other meshes.
 */
import { App } from 'cdk8s';
import * as fc from 'fast-check';
import * as YAML from 'yaml';
import { buildMesh, carefulMeshSpec, MeshSpec, meshSpec } from './mesh-spec';
import { SchemaError, validateManifests } from '../support/schemas';

const SEED = Number(process.env.MESH_PROPERTY_SEED ?? 1201);
const RUNS = Number(process.env.MESH_PROPERTY_RUNS ?? 300);
const PATH = process.env.MESH_PROPERTY_PATH;

/** Every error line synthesis printed carries a code; returns the uncoded ones (empty when all are coded). */
export function uncodedLines(error: unknown): string[] {
  if (!(error instanceof Error) || error.constructor !== Error) {
    return [`not a plain Error: ${String(error)}${error instanceof Error ? `\n${error.stack}` : ''}`];
  }
  const [first, ...rest] = error.message.split('\n');
  if (first === 'Validation failed with the following errors:') {
    const uncoded = rest.filter(line => !/^ {2}\[[^\]]*\] \[MESH\d{4}\] /.test(line));
    return rest.length === 0 ? ['no error listed'] : uncoded;
  }
  // Value objects and the rare construct that cannot continue throw one coded error at once.
  return /^\[MESH\d{4}\] /.test(first) && rest.length === 0 ? [] : [`${error.message}\n${error.stack}`];
}

/**
 * The strict validator's errors for every object of a synthesized YAML stream. Each document is parsed and
 * validated once per distinct text (the CRDs, the control plane and the dashboards repeat from mesh to mesh):
 * validating the same bytes again gives the same answer, and it keeps 300 runs within a minute or so.
 */
const validated = new Map<string, SchemaError[]>();
function invalidObjects(yaml: string): SchemaError[] {
  return yaml.split(/^---\n/m).flatMap(doc => {
    let errors = validated.get(doc);
    if (errors === undefined) {
      const manifest = YAML.parseDocument(doc).toJSON();
      errors = manifest ? validateManifests([manifest]) : [];
      validated.set(doc, errors);
    }
    return errors;
  });
}

type Outcome = 'synthesized' | 'rejected';

/** The property for one spec; throws (with what went wrong) when it does not hold. */
export function checkMesh(spec: MeshSpec): Outcome {
  let app: App;
  let first: string;
  try {
    app = buildMesh(spec);
    first = app.synthYaml();
  } catch (error) {
    const uncoded = uncodedLines(error);
    if (uncoded.length > 0) {
      throw new Error(`uncoded error:\n${uncoded.join('\n')}`);
    }
    return 'rejected';
  }
  const invalid = invalidObjects(first);
  if (invalid.length > 0) {
    throw new Error(`synthesized objects fail strict validation:\n${JSON.stringify(invalid, undefined, 2)}`);
  }
  if (app.synthYaml() !== first) {
    throw new Error('a second synthesis of the same App differs from the first');
  }
  if (buildMesh(spec).synthYaml() !== first) {
    throw new Error('the same spec built in another App synthesizes differently');
  }
  return 'synthesized';
}

/** Warnings go to stderr at synth: hold them (each must be coded too) instead of flooding the test's output. */
let warnings: string[] = [];
beforeEach(() => {
  jest.spyOn(process.stderr, 'write').mockImplementation((chunk: any) => {
    warnings.push(...String(chunk).split('\n').filter(l => l !== ''));
    return true;
  });
});
afterEach(() => jest.restoreAllMocks());

test(`random meshes synthesize to valid, deterministic objects or fail with coded errors (seed ${SEED}, ${RUNS} runs)`, () => {
  const outcomes: Record<Outcome, number> = { synthesized: 0, rejected: 0 };
  fc.assert(
    fc.property(meshSpec, spec => {
      warnings = [];
      outcomes[checkMesh(spec)]++;
      const uncoded = warnings.filter(w => !/^warning: \[MESH\d{4}\] /.test(w));
      if (uncoded.length > 0) {
        throw new Error(`uncoded warnings:\n${uncoded.join('\n')}`);
      }
    }),
    { seed: SEED, numRuns: RUNS, path: PATH, endOnFailure: PATH !== undefined },
  );
  // Shown with the test's output, so a generator that drifts to one side is seen before it degenerates.
  process.stdout.write(`random meshes (seed ${SEED}): ${outcomes.synthesized} synthesized, ${outcomes.rejected} rejected with coded errors\n`);
  if (PATH === undefined) {
    expect(outcomes.synthesized).toBeGreaterThan(0);
    expect(outcomes.rejected).toBeGreaterThan(0);
  }
}, 300_000);

/**
 * Property: independent services written in another order give the same objects (in another order), or the
 * same errors: no rule and no output depends on the order in which the user wrote things.
 */
test(`the order in which independent services are written changes nothing but the order of objects (seed ${SEED})`, () => {
  const independent = carefulMeshSpec.map(spec => {
    // Services the builder would keep whatever their order: distinct ids, and one name and one ServiceAccount
    // per namespace (otherwise the builder keeps whichever comes first).
    const ids = new Set<string>();
    const keys = new Set<string>();
    const services = spec.services.filter(s => {
      const namespace = s.namespace ?? spec.defaultNamespace ?? 'default';
      const own = [`service ${namespace}/${s.serviceName ?? s.id}`, `account ${namespace}/${s.serviceAccountName ?? s.serviceName ?? s.id}`];
      const fresh = !ids.has(s.id) && own.every(k => !keys.has(k));
      ids.add(s.id);
      own.forEach(k => keys.add(k));
      return fresh;
    });
    const none = { splits: [], trafficPolicies: [], access: [], revoked: [], mtlsPolicies: [], gateways: [], egressScopes: [], rateLimits: [] };
    // Dashboards name services by index, which reordering changes; the CRDs are the same whatever the services
    // (left out, they would only slow the runs down).
    const telemetry = spec.telemetry && { ...spec.telemetry, dashboards: undefined };
    return { ...spec, ...none, installCrds: false, services, telemetryPolicies: [], telemetry };
  });
  const outcome = (spec: MeshSpec): string[] => {
    try {
      return buildMesh(spec).synthYaml().split(/^---\n/m).sort();
    } catch (error) {
      return ['error', ...(error as Error).message.split('\n').sort()];
    }
  };
  fc.assert(
    fc.property(independent, fc.nat(), (spec, rotation) => {
      const n = spec.services.length;
      const reordered = { ...spec, services: [...spec.services.slice(rotation % n), ...spec.services.slice(0, rotation % n)].reverse() };
      expect(outcome(reordered)).toEqual(outcome(spec));
    }),
    { seed: SEED, numRuns: Math.ceil(RUNS / 10), path: PATH, endOnFailure: PATH !== undefined },
  );
}, 300_000);

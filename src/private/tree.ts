import { IConstruct } from 'constructs';
import { meshError } from './errors';
import type { IMesh } from '../mesh-identity';

/**
 * Construct kinds are told apart by symbols, the way cdk8s tells charts and API objects apart
 * (`Symbol.for('cdk8s.Chart')`): an `instanceof` check would need the class at run time, which ties every
 * module that asks to every module it asks about, and fails across two copies of the library.
 */
export type ConstructKind =
  | 'Mesh'
  | 'MeshService'
  | 'ImportedMeshService'
  | 'TrafficSplit'
  | 'ServiceTrafficPolicy'
  | 'ControlPlane'
  | 'MeshGateway'
  | 'IngressGateway'
  | 'EgressGateway'
  | 'ExternalService'
  | 'ExternalTrafficSplit'
  | 'EgressScope'
  | 'RateLimit'
  | 'MtlsPolicy'
  | 'MtlsMigration'
  | 'PlaintextClient'
  | 'AccessPolicy'
  | 'JwtAuthentication'
  | 'ExternalAuthorizer'
  | 'DenyByDefault'
  | 'RevokedIdentities'
  | 'TelemetryStack'
  | 'TelemetryPolicy'
  | 'MeshNamespace';

const symbolOf = (kind: ConstructKind) => Symbol.for(`cdk8s-mesh.${kind}`);
const KIND_OF_SYMBOL = new Map<symbol, ConstructKind>();

/** Bumped whenever a construct of a known kind is created: views of the tree cached before are stale. */
let generation = 0;

/**
 * Marks `construct` as being of `kind` (a construct may have several: an `IngressGateway` is a `MeshGateway`).
 */
export function markKind(construct: IConstruct, kind: ConstructKind): void {
  KIND_OF_SYMBOL.set(symbolOf(kind), kind);
  Object.defineProperty(construct, symbolOf(kind), { value: true });
  generation++;
}

/**
 * Whether `x` is a service of a mesh (defined in the program or imported with `MeshService.fromName()`).
 */
export function isMeshServiceKind(x: unknown): boolean {
  return isKind(x, 'MeshService') || isKind(x, 'ImportedMeshService');
}

/**
 * Whether `x` is a workload identity of a mesh: a service or a gateway.
 */
export function isMeshIdentityKind(x: unknown): boolean {
  return isMeshServiceKind(x) || isKind(x, 'MeshGateway');
}

/**
 * Whether `x` was marked as being of `kind`.
 */
export function isKind(x: unknown, kind: ConstructKind): boolean {
  return x !== null && typeof x === 'object' && symbolOf(kind) in x;
}

/**
 * Makes every view of the tree built so far stale: for a change that creates no construct but changes what
 * the views derive (a namespace's revision).
 */
export function invalidateTree(): void {
  generation++;
}

/**
 * A number that changes whenever a construct of a known kind was created since it was last read (or something
 * the views of the tree index changed: `invalidateTree()`).
 */
export function treeGeneration(): number {
  return generation;
}

const SYNTHESIS_CACHES = new WeakMap<IConstruct, Map<string, { generation: number; pass: number; value: unknown }>>();

/** Counts cdk8s's validation passes over a mesh (it makes one for every chart it writes). */
let pass = 0;

/**
 * Marks the start of a validation pass: called by the mesh's first validation, which cdk8s runs first.
 */
export function startValidationPass(): void {
  pass++;
}

/**
 * A value worked out from the tree (e.g. an index of its objects) reused for the rest of one validation pass
 * and the rendering that follows it, in one synchronous run, while no construct of a known kind is created.
 * Unlike `constructsOfKind`, it may read constructs that are not of a known kind (ApiObjects added by hand),
 * which bump no generation: the next pass works it out again.
 */
export function duringSynthesis<T>(scope: IConstruct, key: string, compute: () => T): T {
  let caches = SYNTHESIS_CACHES.get(scope);
  const cached = caches?.get(key);
  if (cached && cached.generation === generation && cached.pass === pass) {
    return cached.value as T;
  }
  const value = compute();
  if (!caches) {
    caches = new Map();
    SYNTHESIS_CACHES.set(scope, caches);
    queueMicrotask(() => SYNTHESIS_CACHES.delete(scope));
  }
  caches.set(key, { generation, pass, value });
  return value;
}

interface KindIndex {
  readonly generation: number;
  readonly byKind: Map<ConstructKind, IConstruct[]>;
}

const INDEXES = new WeakMap<IConstruct, KindIndex>();

/**
 * Every construct of `kind` at or below `root`, in tree order (for siblings, the order they were created).
 * One walk indexes every kind; it is reused until a construct of a known kind is created, so asking many
 * times during synthesis costs one walk.
 */
export function constructsOfKind(root: IConstruct, kind: ConstructKind): IConstruct[] {
  let index = INDEXES.get(root);
  if (!index || index.generation !== generation) {
    const byKind = new Map<ConstructKind, IConstruct[]>();
    for (const c of root.node.findAll()) {
      for (const k of Object.getOwnPropertySymbols(c)) {
        const name = KIND_OF_SYMBOL.get(k);
        if (name) {
          const list = byKind.get(name);
          if (list) {
            list.push(c);
          } else {
            byKind.set(name, [c]);
          }
        }
      }
    }
    index = { generation, byKind };
    INDEXES.set(root, index);
  }
  return index.byKind.get(kind) ?? [];
}

/**
 * The mesh `scope` belongs to: `scope` itself or its nearest ancestor that is a mesh.
 *
 * @throws when `scope` is not inside a mesh (there is nothing else to attach the error to)
 */
export function meshOf(scope: IConstruct): IMesh {
  const mesh = tryMeshOf(scope);
  if (!mesh) {
    throw meshError('MESH0004', scope, 'is not inside a Mesh: create it with a Mesh (or a construct inside one) as its scope');
  }
  return mesh;
}

/**
 * The mesh `scope` belongs to, if any.
 */
export function tryMeshOf(scope: IConstruct): IMesh | undefined {
  const scopes = scope.node.scopes;
  for (let i = scopes.length - 1; i >= 0; i--) {
    if (isKind(scopes[i], 'Mesh')) {
      return scopes[i] as IMesh;
    }
    // A layer chart of a mesh sits beside it, not in it: it names its mesh.
    const layerOf = (scopes[i] as { [LAYER_OF]?: IMesh })[LAYER_OF];
    if (layerOf) {
      return layerOf;
    }
  }
  return undefined;
}

const LAYER_OF = Symbol.for('cdk8s-mesh.layerOf');

/**
 * Marks `chart` as a layer of `mesh`, so that the constructs in it find their mesh as those inside it do.
 */
export function markLayer(chart: IConstruct, mesh: IMesh): void {
  Object.defineProperty(chart, LAYER_OF, { value: mesh });
}

const LISTENERS = new WeakMap<IMesh, ((added: IConstruct) => void)[]>();

/**
 * Calls `listener` with every construct announced to `mesh` from now on (the telemetry stack gives each
 * service added after it a dashboard). Constructs that existed before are found in the tree.
 */
export function whenAnnounced(mesh: IMesh, listener: (added: IConstruct) => void): void {
  LISTENERS.set(mesh, [...LISTENERS.get(mesh) ?? [], listener]);
}

/**
 * Tells whoever listens to `mesh` that `construct` was added to it.
 */
export function announce(mesh: IMesh, construct: IConstruct): void {
  for (const listener of LISTENERS.get(mesh) ?? []) {
    listener(construct);
  }
}

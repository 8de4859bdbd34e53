import { Testing } from 'cdk8s';
import { Mesh } from '../mesh';
import type { IMeshService } from '../mesh-identity';
import { checkArray } from '../private/enums';
import { meshError } from '../private/errors';
import { checkOwnService } from '../private/services';

/** Throws MESH0097 unless `mesh` is a Mesh (plain JavaScript can pass anything). */
function checkMesh(method: string, mesh: unknown): void {
  if (!Mesh.isMesh(mesh)) {
    throw meshError('MESH0097', method, `mesh ${mesh === undefined ? 'is missing' : 'is not a Mesh'}: give the Mesh itself, e.g. new Mesh(app, 'mesh')`);
  }
}

/**
 * Helpers for testing a mesh with jest (or any test runner): synthesize every layer, find objects, and ask
 * the synthesized policy who may call a service.
 */
export class MeshTesting {
  /**
   * Validates the mesh like `cdk8s synth` does (throwing every error found, together) and returns the
   * manifests of every layer, in apply order.
   */
  public static synth(mesh: Mesh): any[] {
    checkMesh('MeshTesting.synth', mesh);
    const errors = mesh.charts
      .flatMap(chart => chart.node.findAll())
      .flatMap(c => c.node.validate().map(message => `[${c.node.path}] ${message}`));
    if (errors.length > 0) {
      throw new Error(`Validation failed with the following errors:\n  ${errors.join('\n  ')}`);
    }
    return mesh.charts.flatMap(chart => Testing.synth(chart));
  }

  /**
   * The one synthesized object of `kind` named `name` (in `namespace`, when given).
   *
   * @throws when there is none, or more than one
   */
  public static find(manifests: any[], kind: string, name: string, namespace?: string): any {
    if (manifests === undefined || !checkArray('MeshTesting.find', 'manifests', manifests)) {
      throw meshError('MESH0092', 'MeshTesting.find', 'manifests is missing: give the list MeshTesting.synth() returns');
    }
    const found = manifests.filter(m => m.kind === kind && m.metadata?.name === name
      && (namespace === undefined || m.metadata?.namespace === namespace));
    if (found.length !== 1) {
      const names = manifests.filter(m => m.kind === kind).map(m => m.metadata?.namespace ? `${m.metadata.namespace}/${m.metadata.name}` : m.metadata?.name);
      throw meshError('MESH0098', 'MeshTesting.find', `expected one ${kind} '${name}'${namespace ? ` in namespace '${namespace}'` : ''}, found ${found.length} (${kind}s: ${names.join(', ') || 'none'}): name an object the manifests hold, or give its namespace`);
    }
    return found[0];
  }

  /**
   * Who may call `service`, according to the synthesized AuthorizationPolicies (ALLOW policies on its
   * workloads, its namespace and the root namespace): the principals allowed, sorted, or `['*']` when no
   * ALLOW policy applies, so every caller is.
   */
  public static allowedCallers(mesh: Mesh, service: IMeshService, manifests?: any[]): string[] {
    checkMesh('MeshTesting.allowedCallers', mesh);
    checkOwnService('MeshTesting.allowedCallers', mesh, service);
    const objects = manifests ?? MeshTesting.synth(mesh);
    const applying = objects.filter(o => o.kind === 'AuthorizationPolicy' && (o.spec?.action ?? 'ALLOW') === 'ALLOW').filter(o => {
      const ns = o.metadata?.namespace;
      const labels = o.spec?.selector?.matchLabels;
      const selects = !labels || Object.entries(labels).every(([k, v]) => k === 'app' && v === service.serviceName);
      return selects && (ns === service.namespace || ns === mesh.rootNamespace && !labels);
    });
    if (applying.length === 0) {
      return ['*'];
    }
    const callers = new Set<string>();
    for (const rule of applying.flatMap(p => p.spec?.rules ?? [])) {
      const sources = rule.from ?? [];
      if (sources.length === 0) {
        return ['*'];
      }
      sources.forEach((f: any) => (f.source?.principals ?? ['*']).forEach((p: string) => callers.add(p)));
    }
    return [...callers].sort();
  }

  private constructor() {}
}

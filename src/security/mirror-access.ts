import { AccessPolicy, AccessRule } from './access-policy';
import { MeshModel } from '../analysis/mesh-model';
import type { IMesh, IMeshService } from '../mesh-identity';
import { beforeAnalysis } from '../private/before-analysis';
import { serviceKey } from '../private/services';
import type { TrafficSplit } from '../traffic/traffic-split';
import { routeMirrors } from '../traffic/traffic-split';

/*
 * A sidecar that mirrors a request sends the copy itself, with its own identity: whoever may call a service whose
 * routes mirror to another service calls that service too. So the mirror's target admits the callers of every
 * service that mirrors to it (in its AuthorizationPolicy and NetworkPolicy, which both read `AccessPolicy.rules`),
 * and, when it has no AccessPolicy but refuses calls by default, gets one that admits them.
 */

const WATCHED = new WeakSet<IMesh>();

/** Per view of the mesh: the services whose routes mirror to each service (by service key), other than itself. */
const MIRROR_SOURCES = new WeakMap<MeshModel, Map<string, IMeshService[]>>();

/**
 * The services whose routes mirror to `target`, other than `target` itself: read from one index per view of the
 * mesh (a new route makes a new view), so asking for every service costs one pass over the splits.
 *
 * @internal
 */
export function servicesMirroringTo(model: MeshModel, target: IMeshService): IMeshService[] {
  let index = MIRROR_SOURCES.get(model);
  if (!index) {
    index = new Map();
    for (const split of model.trafficSplits) {
      const source = serviceKey(split.service);
      const targets = new Set(split.routes.flatMap(route => routeMirrors(split, route)).map(m => serviceKey(m.service)));
      for (const key of targets) {
        if (key !== source) {
          index.set(key, [...index.get(key) ?? [], split.service]);
        }
      }
    }
    MIRROR_SOURCES.set(model, index);
  }
  return [...index.get(serviceKey(target)) ?? []];
}

/**
 * The rules `policy` gets from mirroring: each caller that the AccessPolicy of a service mirroring to its service
 * allows, on every port, unless the policy already allows it without restriction.
 *
 * @internal
 */
export function mirroredCallerRules(policy: AccessPolicy, own: AccessRule[]): AccessRule[] {
  const service = policy.service!;
  const model = MeshModel.of(service.mesh);
  const rules: AccessRule[] = [];
  // The first policy of the service that admits callers by name takes them (the service's policies add up).
  if (model.accessPoliciesOf(service).find(p => p._allowListed) !== policy) {
    return rules;
  }
  const unrestricted = (r: AccessRule) => !r.methods?.length && !r.paths?.length && !r.ports?.length
    && !r.notMethods?.length && !r.notPaths?.length && !r.hosts?.length && !r.notHosts?.length && !r.notPorts?.length && !r.when?.length;
  for (const source of servicesMirroringTo(model, service)) {
    for (const rule of model.accessPoliciesOf(source).flatMap(p => p._ownRules)) {
      if (own.some(r => r.from === rule.from && unrestricted(r)) || rules.some(r => r.from === rule.from)) {
        continue;
      }
      rules.push({ from: rule.from });
    }
  }
  return rules;
}

/**
 * Makes sure that, before every analysis (and so before synthesis), a mirror's target that refuses calls by
 * default and has no AccessPolicy gets one, admitting the callers of the services that mirror to it.
 *
 * @internal
 */
export function admitMirrorCallers(mesh: IMesh): void {
  if (WATCHED.has(mesh)) {
    return;
  }
  WATCHED.add(mesh);
  beforeAnalysis(mesh, m => {
    const model = MeshModel.of(m);
    const targets = new Map<string, { target: IMeshService; split: TrafficSplit }>();
    for (const split of model.trafficSplits) {
      for (const route of split.routes) {
        for (const mirror of routeMirrors(split, route)) {
          const key = serviceKey(mirror.service);
          if (key !== serviceKey(split.service) && !targets.has(key)) {
            targets.set(key, { target: mirror.service, split });
          }
        }
      }
    }
    for (const { target, split } of targets.values()) {
      if (MeshModel.of(m).accessPoliciesOf(target).some(p => p._allowListed) || !model.deniesByDefault(target.namespace)) {
        continue;
      }
      const callers = servicesMirroringTo(model, target).flatMap(s => model.accessPoliciesOf(s).flatMap(p => p._ownRules));
      const id = `MirrorAccess-${target.namespace}-${target.serviceName}`;
      if (callers.length > 0 && !split.node.tryFindChild(id)) {
        new AccessPolicy(split, id, { service: target });
      }
    }
  });
}

import { IConstruct } from 'constructs';
import type { MeshCode } from './codes';
import { Severity } from './finding';
import type { MeshModel } from './mesh-model';
import { RoutingApi } from '../gateway-api/routing-api';
import type { MeshServiceBase } from '../traffic/mesh-service-base';
import { routeMirrors } from '../traffic/traffic-split';

/** How a whole-mesh check reports a finding (the mesh's analysis passes its own). */
type Report = (code: MeshCode, severity: Severity, scope: IConstruct, message: string) => void;

/**
 * A version's `trafficPolicy` is its DestinationRule subset's, which Istio applies only to traffic a route sends to
 * that subset: requests to the service itself (no TrafficSplit, or a route that names no version) go to every
 * version under the service's policy. A version policy no route, mirror or TCP/TLS route sends traffic to does
 * nothing (warning, MESH0920; the Gateway API's per-version Services have their own, MESH0865).
 *
 * @internal
 */
export function checkVersionPolicies(model: MeshModel, report: Report): void {
  const routed = new Map<IConstruct, Set<string>>();
  const add = (service: IConstruct, version: string) => routed.set(service, (routed.get(service) ?? new Set()).add(version));
  for (const split of model.trafficSplits) {
    split.versionsUsed.forEach(v => add(split.service, v));
    for (const route of split.routes) {
      routeMirrors(split, route).filter(m => m.version !== undefined).forEach(m => add(m.service, m.version!));
    }
  }
  for (const service of model.services as MeshServiceBase[]) {
    if (service._routingApi !== RoutingApi.ISTIO) {
      continue;
    }
    for (const version of service.versionNames ?? []) {
      if (service._versionPolicy(version) && !routed.get(service)?.has(version)) {
        report('MESH0920', Severity.WARNING, service, `version '${version}' has a trafficPolicy, but Istio applies a subset's policy only to traffic a route sends `
          + `to the subset, and no route of the mesh sends any to subset '${version}' (requests to the service go to every version under the service's policy): `
          + 'route to the version with a TrafficSplit, or give the policy to the service');
      }
    }
  }
}

import { IConstruct } from 'constructs';
import type { IMesh, IMeshService } from '../mesh-identity';
import { listOr } from '../private/enums';
import { reportError } from '../private/errors';
import { checkService } from '../private/services';
import { isKind } from '../private/tree';

/*
 * The callers of an external service, checked where they are given. What makes the restriction real is written by
 * `egress-caller-scopes.ts` once every construct is known. This file reads the external service through what it
 * needs of it, so that the service's rendering and the Sidecars written for its callers do not import each other.
 */

/** What the checks read of an external service. */
interface Restricted extends IConstruct {
  readonly mesh: IMesh;
}

/**
 * Checks and records the `callers` prop of an external service.
 *
 * @internal
 */
export function restrictCallers(external: Restricted, callers: IMeshService[] | undefined, list: IMeshService[]): void {
  if (callers === undefined) {
    return;
  }
  const given = listOr(external, 'callers', callers, [])!;
  if (Array.isArray(callers) && callers.length === 0) {
    reportError(external, 'MESH1080', 'callers is empty, which would let no workload call it: name the services that may (e.g. callers: [payments]), or leave callers out to let every workload call it');
  }
  given.forEach(c => admitCaller(external, c, list));
}

/**
 * Checks one caller of an external service and adds it to `list`.
 *
 * @internal
 */
export function admitCaller(external: Restricted, service: IMeshService, list: IMeshService[]): void {
  if (service === undefined || service === null) {
    reportError(external, 'MESH0006', 'a caller is missing: name a MeshService of this mesh');
    return;
  }
  if (!checkService(external, 'a caller', service)) {
    return;
  }
  if (service.mesh !== external.mesh) {
    reportError(external, 'MESH1081', `caller '${service.serviceName}' belongs to another mesh (${service.mesh.node.path}): name a service of this mesh`);
    return;
  }
  if (!isKind(service, 'MeshService')) {
    reportError(external, 'MESH1082', `caller '${service.serviceName}' is imported (MeshService.fromName()), so the mesh does not run its workloads `
      + 'and cannot write the Sidecar that lets them reach the host: name a service this program defines');
    return;
  }
  if (list.includes(service)) {
    reportError(external, 'MESH1083', `caller '${service.serviceName}' is listed twice: list each caller once`);
    return;
  }
  list.push(service);
}

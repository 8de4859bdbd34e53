import { IConstruct } from 'constructs';
import { meshError, reportError, required } from './errors';
import { isKind, isMeshServiceKind } from './tree';
import type { IMeshService } from '../mesh-identity';
import type { MeshServicePort } from '../traffic/protocol';

/**
 * The key that tells services apart in a mesh: `<namespace>/<name>`.
 *
 * @internal
 */
export function serviceKey(service: IMeshService): string {
  return `${service.namespace}/${service.serviceName}`;
}

const SERVICE_HINT = 'name a MeshService, or one imported with MeshService.fromName()';

/**
 * Checks that a prop that names a service of a mesh was given one (plain JavaScript can pass anything):
 * missing is MESH0006, anything else MESH0009. Nothing can stand in for a service, so either throws.
 *
 * @internal
 */
export function requiredService<T extends IMeshService>(scope: IConstruct | string, prop: string, value: T | undefined | null, hint: string): T {
  const service = required(scope, prop, value, hint);
  if (!isMeshServiceKind(service)) {
    throw meshError('MESH0009', scope, `${prop} is not a service of a mesh: ${SERVICE_HINT}`);
  }
  return service;
}

/**
 * Checks that `service` is a service of `mesh` (MESH0009 when it is no service at all, MESH0097 when it
 * belongs to another mesh): what a mesh says of another mesh's service would be about the wrong policies.
 * Reported as `reportError` does (a factory or method name as `scope` throws); says whether it may be used.
 *
 * @internal
 */
export function checkOwnService(scope: IConstruct | string, mesh: IConstruct, service: unknown, prop = 'service'): boolean {
  const found = requiredService(scope, prop, service as IMeshService, SERVICE_HINT);
  if (found.mesh !== (mesh as unknown)) {
    reportError(scope, 'MESH0097', `${prop} '${found.serviceName}' belongs to another mesh (${found.mesh.node.path}): give a service of mesh '${mesh.node.path}'`);
    return false;
  }
  return true;
}

/**
 * Whether an optional prop that names a service of a mesh holds one; if not, reports MESH0009.
 *
 * @internal
 */
export function checkService(scope: IConstruct | string, prop: string, value: unknown): boolean {
  if (value === undefined || isMeshServiceKind(value)) {
    return true;
  }
  reportError(scope, 'MESH0009', `${prop} is not a service of a mesh: ${SERVICE_HINT}`);
  return false;
}

/**
 * Whether an optional prop that names an egress gateway holds one; if not, reports MESH0009.
 *
 * @internal
 */
export function checkEgressGateway(scope: IConstruct | string, prop: string, value: unknown): boolean {
  if (value === undefined || isKind(value, 'EgressGateway')) {
    return true;
  }
  reportError(scope, 'MESH0009', `${prop} is not an egress gateway of a mesh: name an EgressGateway`);
  return false;
}

/**
 * The port of `service` whose service port is `port`, for code that runs during synthesis (`_toIstio()`),
 * where a problem recorded comes too late to be reported. Constructors and `addX()` methods use
 * `findServicePort`, which records the problem instead, so that a port they accepted is always found here.
 *
 * @throws MESH0203 when the service has no such port
 * @internal
 */
export function servicePort(scope: IConstruct, service: IMeshService, port: number): MeshServicePort {
  const found = service.ports.find(p => p.port === port);
  if (!found) {
    throw meshError('MESH0203', scope, noSuchPort(service, port));
  }
  return found;
}

/**
 * The port of `service` whose service port is `port`; when it has none, the problem is reported (recorded on
 * a construct, reported at synth) and the caller gets undefined, to leave the port out and carry on.
 *
 * @internal
 */
export function findServicePort(scope: IConstruct, service: IMeshService, port: number): MeshServicePort | undefined {
  const found = service.ports.find(p => p.port === port);
  if (!found) {
    reportError(scope, 'MESH0203', noSuchPort(service, port));
  }
  return found;
}

/**
 * What MESH0203 says of a port a service does not have.
 *
 * @internal
 */
export function noSuchPort(service: IMeshService, port: number): string {
  return `port ${port} is not a port of service '${service.serviceName}' (ports: ${service.ports.map(p => p.port).join(', ')}): name one of its ports`;
}

import { IConstruct } from 'constructs';
import { meshError, reportError } from './errors';
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

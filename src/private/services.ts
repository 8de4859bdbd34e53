import { IConstruct } from 'constructs';
import { meshError } from './errors';
import type { IMeshService } from '../mesh-identity';
import type { MeshServicePort } from '../traffic/protocol';

/**
 * The key of a service in the mesh's registries: `<namespace>/<name>`.
 *
 * @internal
 */
export function serviceKey(service: IMeshService): string {
  return `${service.namespace}/${service.serviceName}`;
}

/**
 * The port of `service` whose service port is `port`.
 *
 * @throws MESH0203 when the service has no such port
 * @internal
 */
export function servicePort(scope: IConstruct, service: IMeshService, port: number): MeshServicePort {
  const found = service.ports.find(p => p.port === port);
  if (!found) {
    throw meshError('MESH0203', scope, `port ${port} is not a port of service '${service.serviceName}' (ports: ${service.ports.map(p => p.port).join(', ')}): name one of its ports`);
  }
  return found;
}

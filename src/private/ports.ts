import { IConstruct } from 'constructs';
import { reportError } from './errors';
import { validateNotIstioPort } from './kubernetes-rules';
import { validateDnsLabel, validatePort } from './names';
import { checkProtocol } from './protocols';
import { MeshServicePort, Protocol } from '../traffic/protocol';

/**
 * The ports with every default resolved. Each problem is reported; the service goes on with what can stand:
 * a misnamed port takes its default name, and of two ports with one number the first is kept.
 *
 * @internal
 */
export function resolvePorts(scope: IConstruct, given: MeshServicePort[]): MeshServicePort[] {
  // From JavaScript an item may be no port at all (null, a number): it is reported and left out.
  const ports = given.filter((p, i) => {
    if (p !== null && typeof p === 'object' && !Array.isArray(p)) {
      return true;
    }
    reportError(scope, 'MESH0047', `ports[${i}] ${p === null || p === undefined ? `is ${p}` : `${JSON.stringify(p)} is not a port`}: give each port as an object, e.g. { port: 8080, protocol: Protocol.HTTP }`);
    return false;
  });
  if (ports.length !== given.length) {
    return ports.length === 0 ? [] : resolvePorts(scope, ports);
  }
  if (ports.length === 0) {
    reportError(scope, 'MESH0012', 'ports is empty: a service needs at least one port, e.g. { port: 8080, protocol: Protocol.HTTP }');
    return [];
  }
  const perProtocol = new Map<Protocol, number>();
  for (const p of ports) {
    const protocol = p.protocol ?? Protocol.HTTP;
    perProtocol.set(protocol, (perProtocol.get(protocol) ?? 0) + 1);
  }
  // Names given in place of a wrong one: not the user's, so not checked for clashes (that would report the same mistake twice).
  const standIns = new Set<MeshServicePort>();
  const resolved = ports.map(p => {
    const protocol = p.protocol ?? Protocol.HTTP;
    checkProtocol(scope, 'service port', p.port, protocol);
    validatePort(scope, 'port', p.port);
    // A defaulted targetPort is the port: checked once, as the port.
    const targetPort = p.targetPort === undefined ? p.port : validatePort(scope, 'targetPort', p.targetPort);
    // The sidecar listens on these ports itself: on the Service's port or the workloads' one, it takes the traffic over.
    validateNotIstioPort(scope, 'port', p.port);
    if (p.targetPort !== undefined && p.targetPort !== p.port) {
      validateNotIstioPort(scope, 'targetPort', p.targetPort);
    }
    const defaultName = perProtocol.get(protocol)! > 1 ? `${protocol}-${p.port}` : protocol;
    let name = p.name ?? defaultName;
    let standIn = false;
    if (name !== protocol && !name.startsWith(`${protocol}-`)) {
      reportError(scope, 'MESH0011', `port ${p.port} name '${name}' does not start with its protocol '${protocol}': Istio selects the protocol by the name prefix, use '${protocol}' or '${protocol}-<suffix>'`);
      name = defaultName;
      standIn = true;
    } else {
      validateDnsLabel(scope, 'port name', name);
    }
    const port: MeshServicePort = { port: p.port, protocol, targetPort, name };
    if (standIn) {
      standIns.add(port);
    }
    return port;
  });
  const unique: MeshServicePort[] = [];
  const reported = new Set<number>();
  for (const p of resolved) {
    if (!unique.some(u => u.port === p.port)) {
      unique.push(p);
    } else if (!reported.has(p.port)) {
      reported.add(p.port);
      reportError(scope, 'MESH0012', `two ports have port ${p.port}: each port needs its own port`);
    }
  }
  const names = unique.filter(p => !standIns.has(p)).map(p => p.name!);
  for (const dup of new Set(names.filter((n, i) => names.indexOf(n) !== i))) {
    reportError(scope, 'MESH0012', `two ports have name '${dup}': each port needs its own name`);
  }
  return unique;
}

/**
 * The container ports a service's workloads listen on: each target port once.
 *
 * @internal
 */
export function uniqueTargetPorts(ports: MeshServicePort[]): number[] {
  return [...new Set(ports.map(p => p.targetPort!))];
}

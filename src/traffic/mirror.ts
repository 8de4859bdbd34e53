import type { IConstruct } from 'constructs';
import type { MirrorOptions, TrafficTarget } from './traffic-split';
import type { IMeshService } from '../mesh-identity';
import { checkArray, checkType } from '../private/enums';
import { meshError, reportError } from '../private/errors';
import { validateDnsLabel, validatePercentage, validatePort } from '../private/names';
import { isHttpProtocol } from '../private/protocols';
import { serviceKey } from '../private/services';
import { isMeshServiceKind } from '../private/tree';

/**
 * Options of `Mirror.to()`.
 */
export interface MirrorTargetOptions {
  /**
   * The version of the service that receives the copies (its DestinationRule subset).
   *
   * @default - every version of the service
   */
  readonly version?: string;

  /**
   * Share of the route's requests copied, 0 to 100 (fractions allowed, e.g. 0.5).
   *
   * @default 100
   */
  readonly percentage?: number;

  /**
   * The service port the copies are sent to.
   *
   * @default - the port the request came to, for a mirror to the routed service; the only HTTP port of another service
   */
  readonly port?: number;
}

/**
 * A copy of a route's requests sent to a service of the mesh (or one version of it), whose responses are
 * discarded: shadow traffic to test a new service or version with real requests. The copies are sent by the
 * caller's sidecar, with the caller's identity, and their host has `-shadow` appended.
 *
 * @see https://istio.io/latest/docs/reference/config/networking/virtual-service/#HTTPMirrorPolicy
 * @see https://istio.io/latest/docs/tasks/traffic-management/mirroring/
 */
export class Mirror {
  /**
   * Copy the route's requests to `service` (a `MeshService`, or one imported with `MeshService.fromName()`),
   * or to one of its versions.
   */
  public static to(service: IMeshService, options: MirrorTargetOptions = {}): Mirror {
    const where = 'Mirror.to';
    if (!isMeshServiceKind(service)) {
      throw meshError('MESH0009', where, 'service is not a service of a mesh: name a MeshService, or one imported with MeshService.fromName()');
    }
    options = options ?? {};
    if (options.version !== undefined) {
      validateDnsLabel(where, 'version', options.version);
    }
    const percentage = options.percentage ?? 100;
    validatePercentage(where, 'percentage', percentage);
    if (options.port !== undefined && checkType(where, 'port', options.port, 'number')) {
      validatePort(where, 'port', options.port);
    }
    return new Mirror(service, percentage, options.version, options.port);
  }

  /** A mirror whose parts were checked elsewhere (a route's `mirror` shorthand). @internal */
  public static _unchecked(service: IMeshService, percentage: number, version?: string, port?: number): Mirror {
    return new Mirror(service, percentage, version, port);
  }

  private constructor(
    /** The service that receives the copies. */
    public readonly service: IMeshService,
    /** Share of the route's requests copied, 0 to 100. */
    public readonly percentage: number,
    /** The version that receives the copies; undefined: every version. */
    public readonly version?: string,
    /** The service port the copies go to; undefined: chosen as `MirrorTargetOptions.port` says. */
    public readonly port?: number,
  ) {}

  /** How messages name the mirror's destination: `service 'audit'`, `version 'v2' of service 'reviews'`. @internal */
  public _describe(): string {
    return this.version === undefined ? `service '${this.service.serviceName}'` : `version '${this.version}' of service '${this.service.serviceName}'`;
  }
}

/**
 * Checks a route's `mirrors` against the split's service and the route's targets, reporting each problem on
 * `split`, and returns those that stand, each with the port its copies go to when it mirrors to another service
 * (its only HTTP port, unless given: a port-less destination would be the port the request came to, a port of
 * the routed service). `mirror` is the route's checked shorthand mirror, if any.
 *
 * @internal
 */
export function checkRouteMirrors(
  split: IConstruct & { readonly service: IMeshService }, label: string, mirrors: Mirror[] | undefined,
  mirror: MirrorOptions | undefined, targets: TrafficTarget[],
): Mirror[] {
  if (mirrors === undefined || !checkArray(split, `${label} mirrors`, mirrors)) {
    return [];
  }
  const routed = split.service;
  const seen = new Set<string>(mirror ? [`${serviceKey(routed)}|${mirror.version}`] : []);
  const checked: Mirror[] = [];
  mirrors.forEach((m, i) => {
    const which = `${label} mirror ${i + 1}`;
    if (m === null || typeof (m as { _describe?: unknown })._describe !== 'function') {
      reportError(split, 'MESH0096', `${which} is not a Mirror: make it with Mirror.to(service)`);
      return;
    }
    const target = m.service;
    if (target.mesh !== (routed as { mesh: unknown }).mesh) {
      reportError(split, 'MESH0108', `${which} mirrors to service '${target.serviceName}' of another mesh (${target.mesh.node.path}): mirror to a service of this mesh, or import it with MeshService.fromName()`);
      return;
    }
    const same = serviceKey(target) === serviceKey(routed);
    if (same && m.version === undefined && targets.length > 0) {
      reportError(split, 'MESH0831', `${which} mirrors to service '${target.serviceName}' itself, whose versions already receive the route's traffic: name the version that receives the copies, e.g. Mirror.to(${target.serviceName}, { version: 'v2' })`);
      return;
    }
    if (same && targets.some(t => t.versionName === m.version)) {
      reportError(split, 'MESH0105', `${label} mirrors to version '${m.version}', which already receives its traffic: mirror to another version`);
      return;
    }
    const key = `${serviceKey(target)}|${m.version}`;
    if (seen.has(key)) {
      reportError(split, 'MESH0832', `${which} mirrors to ${m._describe()} again: mirror to each destination once, with the share of requests it takes`);
      return;
    }
    seen.add(key);
    const port = same ? m.port : mirrorPort(split, which, m);
    if (port === null) {
      return;
    }
    checked.push(port === m.port ? m : Mirror._unchecked(target, m.percentage, m.version, port));
  });
  return checked;
}

/** The port a mirror to another service sends its copies to (null when there is none to choose, reported). */
function mirrorPort(scope: IConstruct, which: string, m: Mirror): number | undefined | null {
  const ports = m.service.ports;
  if (m.port !== undefined) {
    const port = ports.find(p => p.port === m.port);
    if (ports.length > 0 && !port) {
      reportError(scope, 'MESH0833', `${which} sends its copies to port ${m.port}, which service '${m.service.serviceName}' does not have (ports: ${ports.map(p => p.port).join(', ')}): give one of its HTTP ports`);
      return null;
    }
    if (port && !isHttpProtocol(port.protocol!)) {
      reportError(scope, 'MESH0833', `${which} sends its copies to port ${m.port} (${port.name}) of service '${m.service.serviceName}', which is not an HTTP, HTTP2 or GRPC port: give one of its HTTP ports`);
      return null;
    }
    return m.port;
  }
  const http = ports.filter(p => isHttpProtocol(p.protocol!));
  if (http.length === 1) {
    return http[0].port;
  }
  if (http.length === 0) {
    // A service without ports has reported that already.
    if (ports.length > 0) {
      reportError(scope, 'MESH0834', `${which} mirrors to service '${m.service.serviceName}', which has no HTTP, HTTP2 or GRPC port (ports: ${ports.map(p => p.name).join(', ')}): mirror to a service that serves HTTP`);
    }
    return null;
  }
  reportError(scope, 'MESH0835', `${which} mirrors to service '${m.service.serviceName}', which has several HTTP ports (${http.map(p => p.port).join(', ')}): give the port, e.g. Mirror.to(${m.service.serviceName}, { port: ${http[0].port} })`);
  return null;
}

import { isIP } from 'net';
import type { IConstruct } from 'constructs';
import type { StreamMatch, TcpRule, TlsRule } from './http-rule';
import { Protocol } from './protocol';
import type { TrafficTarget } from './traffic-split';
import type { IMeshService } from '../mesh-identity';
import { listOr } from '../private/enums';
import { reportError } from '../private/errors';
import { validateDnsLabel, validatePort } from '../private/names';
import { isHttpProtocol } from '../private/protocols';
import { checkService } from '../private/services';

/**
 * A TCP route: connections to the service that meet every condition given go to the targets, by weight. Istio
 * tries a service's TCP routes in order; the first that matches takes the connection.
 *
 * @see https://istio.io/latest/docs/reference/config/networking/virtual-service/#TCPRoute
 */
export interface TcpRouteOptions {
  /**
   * The versions that receive the connections, with weights adding up to 100 when more than one (a TCP canary).
   */
  readonly targets: TrafficTarget[];

  /**
   * The service port whose connections the route takes: a TCP port, or a TLS or HTTPS one (Istio applies TCP
   * routes to connections its TLS routes do not take). HTTP ports take HTTP routes only.
   *
   * @default - every TCP, TLS and HTTPS port of the service
   */
  readonly port?: number;

  /**
   * Take only connections from this service's workloads (Istio's `sourceLabels` and `sourceNamespace`).
   *
   * @default - connections from any caller
   */
  readonly sourceService?: IMeshService;

  /**
   * Take only connections from workloads in this namespace.
   *
   * @default - connections from any namespace
   */
  readonly sourceNamespace?: string;

  /**
   * Take only connections to these destination addresses: IPs or CIDR blocks (`10.1.0.0/16`).
   *
   * @default - connections to any address of the service
   */
  readonly destinationSubnets?: string[];
}

/**
 * A TLS route: TLS connections to the service whose SNI is one of `sniHosts` (and that meet every other condition
 * given) go, still encrypted, to the targets, by weight.
 *
 * @see https://istio.io/latest/docs/reference/config/networking/virtual-service/#TLSRoute
 */
export interface TlsRouteOptions extends TcpRouteOptions {
  /**
   * The SNI host names the route takes; each must be one of the service's hosts, or covered by one (a wildcard
   * host `*.example.com` covers `api.example.com`), as istiod requires.
   *
   * @default - the service's hosts
   */
  readonly sniHosts?: string[];
}

/** The checked conditions of a TCP or TLS route. @internal */
export interface CheckedStreamRoute extends StreamMatch {
  readonly label: string;
  readonly sniHosts?: string[];
}

const STREAM_PROTOCOLS = [Protocol.TCP, Protocol.TLS, Protocol.HTTPS];
const TLS_PROTOCOLS = [Protocol.TLS, Protocol.HTTPS];

/**
 * Checks a TCP route's (`tls` false) or a TLS route's conditions against the service, and against the routes before
 * it (`earlier`, of the same kind): each problem is reported on `scope`, and what cannot stand is left out.
 *
 * @internal
 */
export function checkStreamRoute(
  scope: IConstruct, service: IMeshService, hosts: string[], label: string, options: TlsRouteOptions, tls: boolean, earlier: CheckedStreamRoute[],
): CheckedStreamRoute {
  const kind = tls ? 'TLS' : 'TCP';
  const accepted = tls ? TLS_PROTOCOLS : STREAM_PROTOCOLS;
  const what = tls ? 'a TLS or HTTPS port' : 'a TCP, TLS or HTTPS port';
  let port = options.port;
  const listed = service.ports.map(p => `${p.port} ${p.protocol}`).join(', ');
  if (port !== undefined) {
    validatePort(scope, `${label} port`, port);
    const servicePort = service.ports.find(p => p.port === port);
    if (!servicePort) {
      reportError(scope, 'MESH0880', `${label} port ${port} is not a port of service '${service.serviceName}' (ports: ${listed || 'none'}): route one of its ports, or omit port to take every ${kind} port`);
      port = undefined;
    } else if (!accepted.includes(servicePort.protocol!)) {
      const why = isHttpProtocol(servicePort.protocol!)
        ? 'Istio routes connections to an HTTP port with HTTP routes only, so the route would never be used'
        : `a ${kind} route takes ${what}`;
      reportError(scope, tls ? 'MESH0882' : 'MESH0881', `${label} port ${port} is ${servicePort.protocol}: ${why}: route ${what}${isHttpProtocol(servicePort.protocol!) ? ', or use addRoute() for HTTP' : ''}`);
    }
  } else if (service.ports.length > 0 && !service.ports.some(p => accepted.includes(p.protocol!))) {
    reportError(scope, tls ? 'MESH0882' : 'MESH0881', `${label}: service '${service.serviceName}' has no ${tls ? 'TLS or HTTPS' : 'TCP, TLS or HTTPS'} port (ports: ${listed}), so the route would never be used: give the service ${what}${tls ? '' : ', or use addRoute() for HTTP'}`);
  }

  let sniHosts: string[] | undefined;
  if (tls) {
    const given = listOr(scope, `${label} sniHosts`, options.sniHosts);
    if (given !== undefined && given.length === 0) {
      reportError(scope, 'MESH0883', `${label} sniHosts is empty, so the route takes no connection: give the SNI host names it takes, or omit sniHosts to take the service's hosts (${hosts.join(', ')})`);
    }
    sniHosts = given && given.length > 0 ? [...given] : [...hosts];
    for (const sni of sniHosts) {
      if (typeof sni !== 'string' || !hosts.some(h => hostCovers(h, sni))) {
        reportError(scope, 'MESH0883', `${label} SNI host '${sni}' is not one of the service's hosts (${hosts.join(', ')}), which istiod requires of a VirtualService's TLS route: give one of them, or a name a wildcard host covers`);
      }
    }
  }

  const source = options.sourceService;
  let sourceLabels: { [key: string]: string } | undefined;
  let sourceNamespace: string | undefined;
  if (source !== undefined && checkService(scope, `${label} sourceService`, source)) {
    if (source.mesh !== service.mesh) {
      reportError(scope, 'MESH0108', `${label} matches source service '${source.serviceName}' of another mesh: name a service of this mesh`);
    } else {
      sourceLabels = { app: source.serviceName };
      sourceNamespace = source.namespace;
    }
  }
  if (options.sourceNamespace !== undefined) {
    validateDnsLabel(scope, `${label} sourceNamespace`, options.sourceNamespace);
    if (source !== undefined) {
      reportError(scope, 'MESH0885', `${label} gives both sourceService and sourceNamespace '${options.sourceNamespace}': the source service's namespace is the one matched, give one of them`);
    } else {
      sourceNamespace = options.sourceNamespace;
    }
  }

  const subnets = (listOr(scope, `${label} destinationSubnets`, options.destinationSubnets) ?? []).filter(subnet => {
    if (!isSubnet(subnet)) {
      reportError(scope, 'MESH0884', `${label} destination subnet '${subnet}' is not an IP address or CIDR block: give one such as '10.1.0.0/16' or '10.1.2.3'`);
      return false;
    }
    return true;
  });

  const checked: CheckedStreamRoute = {
    label, port, sourceLabels, sourceNamespace, destinationSubnets: subnets.length > 0 ? subnets : undefined, sniHosts,
  };
  const shadow = earlier.find(e => covers(e, checked));
  if (shadow) {
    reportError(scope, 'MESH0886', `${label} takes only connections ${shadow.label} takes first, so it is never used: give it other conditions, or add it before ${shadow.label}`);
  }
  return checked;
}

/** Whether every connection `later` takes is taken by `first`: `first` has no condition `later` does not narrow. */
function covers(first: CheckedStreamRoute, later: CheckedStreamRoute): boolean {
  if (first.sourceLabels || first.destinationSubnets) {
    // Labels and subnets are compared only when the same: a narrower subnet or a label superset would be missed.
    if (JSON.stringify(first.sourceLabels) !== JSON.stringify(later.sourceLabels)
      || JSON.stringify(first.destinationSubnets) !== JSON.stringify(later.destinationSubnets)) {
      return false;
    }
  }
  if (first.sourceNamespace !== undefined && first.sourceNamespace !== later.sourceNamespace) {
    return false;
  }
  if (first.port !== undefined && first.port !== later.port) {
    return false;
  }
  if (first.sniHosts && later.sniHosts) {
    return later.sniHosts.every(h => first.sniHosts!.some(f => hostCovers(f, h)));
  }
  return true;
}

/**
 * Whether host pattern `pattern` covers `host`, as istiod's `SubsetOf` reads it (`*.example.com` covers
 * `api.example.com` and `*.api.example.com`). The gateways' own `hostCovers` is not imported: the gateways import
 * the traffic model, and the import cycle would grow past what the architecture allows.
 */
function hostCovers(pattern: string, host: string): boolean {
  if (pattern === '*' || pattern === host) {
    return true;
  }
  return pattern.startsWith('*.') && host.endsWith(pattern.slice(1));
}

function isSubnet(value: unknown): boolean {
  if (typeof value !== 'string') {
    return false;
  }
  const [address, bits, ...rest] = value.split('/');
  const family = isIP(address);
  if (family === 0 || rest.length > 0) {
    return false;
  }
  if (bits === undefined) {
    return true;
  }
  const n = Number(bits);
  return /^\d+$/.test(bits) && n <= (family === 4 ? 32 : 128);
}

/**
 * Resolved stream rules of a split's routes, for either API.
 *
 * @internal
 */
export function streamRules<T extends TcpRule | TlsRule>(
  source: IConstruct, service: IMeshService, routes: { checked: CheckedStreamRoute; targets: TrafficTarget[] }[],
): T[] {
  return routes.map(({ checked, targets }) => ({
    source,
    label: checked.label,
    port: checked.port,
    sourceLabels: checked.sourceLabels,
    sourceNamespace: checked.sourceNamespace,
    destinationSubnets: checked.destinationSubnets,
    ...checked.sniHosts ? { sniHosts: checked.sniHosts } : {},
    backends: targets.map(t => ({ service, version: t.versionName, port: checked.port, weight: targets.length > 1 ? t.weight : undefined })),
  }) as unknown as T);
}

import { ApiObject, Lazy } from 'cdk8s';
import { Construct } from 'constructs';
import { ClientTls } from './client-tls';
import { Protocol } from './protocol';
import { policiesBeforeRoutes } from './rollout-order';
import * as istio from '../imports/istio-networking';
import { listOr } from '../private/enums';
import { reportError, required } from '../private/errors';
import { validatePort } from '../private/names';
import type { OriginatingGateway, OriginatingService } from '../private/originating';

/**
 * TLS originated by the mesh for an external service: the application calls a plain HTTP port (`http://host`), and
 * its sidecar (or, with an `egressGateway`, the gateway) opens TLS to the host's `targetPort`. The proxy then sees
 * every request (routes, retries, metrics, access logs), and the client certificate of a `ClientTls.mutual()` stays
 * in a Secret rather than in each application.
 *
 * Without an egress gateway: the ServiceEntry's port gets `targetPort`, and a DestinationRule for each host
 * originates TLS on the port (`portLevelSettings`). Through an egress gateway: sidecars send the requests to the
 * gateway in the mesh's mTLS (its listener on the port takes ISTIO_MUTUAL, and a DestinationRule for the gateway
 * gives each host a subset with the host as SNI), and a DestinationRule in the gateway's namespace, exported there
 * only, originates TLS at the gateway.
 *
 * @see https://istio.io/latest/docs/tasks/traffic-management/egress/egress-tls-origination/
 * @see https://istio.io/latest/docs/tasks/traffic-management/egress/egress-gateway-tls-origination/
 */
export interface TlsOrigination {
  /** The port the application calls in plain HTTP: one of the external service's ports, with `Protocol.HTTP`. */
  readonly port: number;

  /**
   * The port of the external host the proxy opens TLS to.
   *
   * @default 443
   */
  readonly targetPort?: number;

  /**
   * The TLS the proxy opens: `ClientTls.simple()` checks the host's certificate, `ClientTls.mutual()` also presents a
   * client certificate from a Secret (in the namespace of each calling workload, or of the egress gateway).
   *
   * @default ClientTls.simple(): the host's certificate checked against the proxy's system CAs
   */
  readonly clientTls?: ClientTls;
}

/**
 * Checks an external service's TLS originations against its ports: each names a plain HTTP port (MESH1065) once
 * (MESH1067), with TLS of its own (MESH1066). Returns the valid ones.
 *
 * @internal
 */
export function checkTlsOrigination(external: Construct, ports: OriginatingService['ports'], originations?: TlsOrigination[]): Required<TlsOrigination>[] {
  const valid: Required<TlsOrigination>[] = [];
  for (const [i, o] of (listOr(external, 'tlsOrigination', originations) ?? []).entries()) {
    const label = `tlsOrigination[${i}]`;
    if (o?.port === undefined || o?.port === null) {
      required(external, `${label} port`, o?.port, 'name the plain HTTP port the application calls, e.g. { port: 80 }', 0);
      continue;
    }
    const port = validatePort(external, `${label} port`, o.port);
    const targetPort = validatePort(external, `${label} targetPort`, o?.targetPort ?? 443);
    if (!Number.isInteger(port) || !Number.isInteger(targetPort) || port < 1 || port > 65535 || targetPort < 1 || targetPort > 65535) {
      continue;
    }
    const found = ports.find(p => p.port === port);
    const clientTls = o.clientTls ?? ClientTls.simple();
    if (!found) {
      reportError(external, 'MESH1065', `${label} port ${port} is not a port of the service (ports: ${ports.map(p => `${p.port} ${p.protocol}`).join(', ')}): list it with Protocol.HTTP (e.g. { port: ${port}, protocol: Protocol.HTTP }) and call it with http://`);
    } else if (found.protocol !== Protocol.HTTP) {
      reportError(external, 'MESH1065', `${label} port ${port} is ${found.protocol}: TLS is originated for calls the application makes in plain HTTP, list a port with Protocol.HTTP (e.g. { port: 80, protocol: Protocol.HTTP }) and originate TLS on it`);
    } else if (typeof (clientTls as { _toIstio?: unknown })._toIstio !== 'function') {
      reportError(external, 'MESH0096', `${label} clientTls is not a ClientTls: make it with ClientTls.simple() or ClientTls.mutual({ credentialName })`);
    } else if (!clientTls.originatesTls) {
      reportError(external, 'MESH1066', `${label} clientTls is ${clientTls.mode}, which ${clientTls.mode === 'DISABLE' ? 'sends no TLS' : 'an external host does not serve'}: originate with ClientTls.simple() or ClientTls.mutual({ credentialName })`);
    } else if (valid.some(v => v.port === port)) {
      reportError(external, 'MESH1067', `${label} names port ${port} again: originate TLS once per port`);
    } else {
      valid.push({ port, targetPort, clientTls });
    }
  }
  return valid;
}

/**
 * The ServiceEntry port of an external port: with TLS originated on it, the host's port the proxy connects to.
 *
 * @internal
 */
export function originationTargetPort(originations: readonly TlsOrigination[], port: number): { targetPort?: number } {
  const o = originations.find(x => x.port === port);
  return o ? { targetPort: o.targetPort } : {};
}

/**
 * The plain HTTP port whose TLS origination connects to `port` of the hosts (an HTTPS or TLS port of the service),
 * if any: a route may send requests there (they leave the proxy in TLS).
 *
 * @internal
 */
export function originatingPortTo(external: OriginatingService, port: number): number | undefined {
  return external.tlsOrigination.find(o => o.targetPort === port)?.port;
}

/**
 * Writes the DestinationRules that originate TLS for an external service: one per host, in the service's namespace
 * (or, through an egress gateway, in the gateway's and seen there only), and the gateway's own for the mTLS hop.
 *
 * @internal
 */
export function renderTlsOrigination(external: OriginatingService): void {
  if (external.tlsOrigination.length === 0) {
    return;
  }
  const gateway = external.egressGateway;
  external.hosts.forEach((host, i) => {
    const suffix = external.hosts.length > 1 ? `-${i + 1}` : '';
    policiesBeforeRoutes(external.mesh, new istio.DestinationRule(external, `TlsOrigination${suffix === '' ? '' : i + 1}`, {
      metadata: { name: `${external.resource.name}-tls${suffix}`, namespace: gateway?.namespace ?? external.namespace },
      spec: {
        host,
        // At the gateway only: the sidecars send the requests to the gateway, and the Secret is in its namespace.
        exportTo: gateway ? ['.'] : external.exportTo,
        trafficPolicy: {
          portLevelSettings: external.tlsOrigination.map(o => ({
            port: { number: o.port },
            tls: o.clientTls!._toIstio() as istio.DestinationRuleSpecTrafficPolicyPortLevelSettingsTls,
          })),
        },
      },
    }));
  });
  if (gateway && !gateway.node.tryFindChild('MutualTlsHop')) {
    policiesBeforeRoutes(external.mesh, new istio.DestinationRule(gateway, 'MutualTlsHop', {
      metadata: { name: `${gateway.serviceName}-mtls-hop`, namespace: gateway.namespace },
      spec: Lazy.any({ produce: () => mutualTlsHop(gateway) }),
    }));
  }
}

/** The gateway's ports on which some external service routed through it originates TLS. */
function originatingPorts(gateway: OriginatingGateway): number[] {
  return [...new Set(gateway.externalServices.flatMap(e => e.tlsOrigination.map(o => o.port)))].sort((a, b) => a - b);
}

/** The hosts the gateway serves on `port` over plain HTTP, each with the subset the sidecars send its requests to. */
function hopSubsets(gateway: OriginatingGateway): { host: string; port: number; subset: string }[] {
  const ports = originatingPorts(gateway);
  const subsets: { host: string; port: number; subset: string }[] = [];
  for (const external of gateway.externalServices) {
    for (const p of external.ports.filter(x => x.protocol === Protocol.HTTP && ports.includes(x.port))) {
      external.hosts.forEach((host, i) => {
        const base = `${external.resource.name}${external.hosts.length > 1 ? `-${i + 1}` : ''}`;
        // Two services of one name in two namespaces: the second takes its namespace into the subset name.
        const name = subsets.some(s => s.subset === base && s.host !== host) ? `${base}-${external.namespace}` : base;
        if (!subsets.some(s => s.host === host && s.port === p.port)) {
          subsets.push({ host, port: p.port, subset: name });
        }
      });
    }
  }
  return subsets;
}

/** The gateway's DestinationRule for the hop from the sidecars: mTLS, with each host as SNI (its listener's filter). */
function mutualTlsHop(gateway: OriginatingGateway): istio.DestinationRuleSpec {
  const bySubset = new Map<string, { host: string; ports: number[] }>();
  for (const s of hopSubsets(gateway)) {
    const entry = bySubset.get(s.subset) ?? { host: s.host, ports: [] };
    entry.ports.push(s.port);
    bySubset.set(s.subset, entry);
  }
  return {
    host: gateway.host,
    subsets: [...bySubset.entries()].map(([name, { host, ports }]) => ({
      name,
      trafficPolicy: {
        portLevelSettings: ports.map(port => ({
          port: { number: port },
          tls: { mode: istio.DestinationRuleSpecSubsetsTrafficPolicyPortLevelSettingsTlsMode.ISTIO_UNDERSCORE_MUTUAL, sni: host },
        })),
      },
    })),
  };
}

/**
 * The gateway's servers, those on a port where TLS is originated taking the sidecars' requests in mTLS.
 *
 * @internal
 */
export function mutualTlsHopServers(gateway: OriginatingGateway, servers: istio.GatewaySpecServers[]): istio.GatewaySpecServers[] {
  const ports = originatingPorts(gateway);
  return servers.map(server => !ports.includes(server.port?.number ?? 0) ? server : {
    ...server,
    port: { ...server.port!, name: server.port!.name.replace(/^http-/, 'https-'), protocol: 'HTTPS' },
    tls: { mode: istio.GatewaySpecServersTlsMode.ISTIO_UNDERSCORE_MUTUAL },
  });
}

/**
 * The first hop's routes (from the sidecars to the gateway), each sent to its host's subset where the hop is in mTLS.
 *
 * @internal
 */
export function withMutualTlsHop(gateway: OriginatingGateway, routes: istio.VirtualServiceSpecHttp[]): istio.VirtualServiceSpecHttp[] {
  const subsets = hopSubsets(gateway);
  return routes.map(route => {
    const match = route.match?.[0];
    const subset = subsets.find(s => match?.gateways?.includes('mesh') && s.port === match.port && s.host === match.authority?.exact)?.subset;
    const toSubset = (r: istio.VirtualServiceSpecHttpRoute) => r.destination.host === gateway.host
      ? { ...r, destination: { ...r.destination, subset } } : r;
    return !subset || !route.route ? route : { ...route, route: route.route.map(toSubset) };
  });
}

/**
 * The DestinationRules that originate TLS for an external service.
 *
 * @internal
 */
export function tlsOriginationRules(external: OriginatingService): ApiObject[] {
  return external.node.children.filter(c => c.node.id.startsWith('TlsOrigination')) as ApiObject[];
}

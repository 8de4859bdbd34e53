import { gatewayHostName, gatewayHostNamespace } from '../gateways/mesh-gateway';
import type { MeshGateway } from '../gateways/mesh-gateway';
import * as gw from '../imports/gateway-api';
import { Protocol } from '../traffic/protocol';

/**
 * A gateway as a Gateway API `Gateway` of class `istio`: a listener per port and host (HTTP; HTTPS terminated with
 * the listener's Secret; TLS passed through), each admitting routes from the namespace its host names
 * (`ns/host`: that one, `*\/host`: any, else the gateway's own). Its address is the host of the gateway's Service,
 * so Istio configures the gateway the mesh (or the cluster) already runs rather than deploying one of its own
 * (Istio's "manual deployment").
 *
 * @see https://istio.io/latest/docs/tasks/traffic-management/ingress/gateway-api/#manual-deployment
 * @internal
 */
export function gatewayApiGatewaySpec(gateway: MeshGateway): gw.GatewaySpec {
  const listeners = gateway._resolvedListeners.flatMap(l => {
    const hosts = l.hosts.length > 0 ? l.hosts : ['*'];
    return hosts.map((written, i): gw.GatewaySpecListeners => {
      const host = gatewayHostName(written);
      const namespace = written.includes('/') ? gatewayHostNamespace(written, gateway.namespace) : gateway.namespace;
      return {
        name: hosts.length > 1 ? `${l.name}-${i}` : l.name,
        port: l.port,
        protocol: l.protocol === Protocol.HTTPS ? 'HTTPS' : l.protocol === Protocol.TLS ? 'TLS' : 'HTTP',
        hostname: host === '*' ? undefined : host,
        tls: l.protocol === Protocol.HTTPS ? {
          mode: gw.GatewaySpecListenersTlsMode.TERMINATE,
          certificateRefs: [{ group: '', kind: 'Secret', name: l.credentialName ?? '' }],
          // Mutual TLS against the certificate Secret's own CA (ca.crt, or the '<name>-cacert' Secret): Istio's option.
          options: l.tls?.verifiesClients && l.tls.caCredentialName === undefined ? { [TLS_TERMINATE_MODE]: 'MUTUAL' } : undefined,
        } : l.protocol === Protocol.TLS ? { mode: gw.GatewaySpecListenersTlsMode.PASSTHROUGH } : undefined,
        allowedRoutes: namespace === gateway.namespace ? undefined : {
          namespaces: namespace === '*'
            ? { from: gw.GatewaySpecListenersAllowedRoutesNamespacesFrom.ALL }
            : { from: gw.GatewaySpecListenersAllowedRoutesNamespacesFrom.SELECTOR, selector: { matchLabels: { 'kubernetes.io/metadata.name': namespace } } },
        },
      };
    });
  });
  // A CA of its own for client certificates: the Gateway API's frontend validation, per port (Istio 1.28 and later).
  const perPort = gateway._resolvedListeners
    .filter(l => l.protocol === Protocol.HTTPS && l.tls?.verifiesClients && l.tls.caCredentialName !== undefined)
    .map(l => ({ port: l.port, tls: { validation: { caCertificateRefs: [{ group: '', kind: 'ConfigMap', name: l.tls!.caCredentialName! }] } } }));
  return {
    gatewayClassName: 'istio',
    addresses: [{ type: 'Hostname', value: gateway.host }],
    listeners,
    tls: perPort.length > 0 ? { frontend: { default: {}, perPort } } : undefined,
  };
}

/** Istio's listener option that sets the TLS mode of a Terminate listener. */
const TLS_TERMINATE_MODE = 'gateway.istio.io/tls-terminate-mode';

/**
 * The names of the listeners (one per host) of a gateway's listener.
 *
 * @internal
 */
export function listenerNamesOf(gateway: MeshGateway, port: number): string[] {
  const l = gateway._resolvedListeners.find(x => x.port === port);
  return l === undefined ? [] : l.hosts.length > 1 ? l.hosts.map((_, i) => `${l.name}-${i}`) : [l.name];
}

/**
 * The name of the listener a TLS or TCP route binds (its `sectionName`): the first of the listener port's.
 *
 * @internal
 */
export function listenerNameOf(gateway: MeshGateway, port: number): string | undefined {
  const l = gateway._resolvedListeners.find(x => x.port === port);
  return l === undefined ? undefined : l.hosts.length > 1 ? `${l.name}-0` : l.name;
}

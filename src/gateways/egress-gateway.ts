import { Construct } from 'constructs';
import { GatewayKind, GatewayOptions, MeshGateway } from './mesh-gateway';
import * as istio from '../imports/istio-networking';
import { isKind, markKind } from '../private/tree';
import type { ExternalService } from '../traffic/external-service';
import { mutualTlsHopServers } from '../traffic/external-tls';
import type { Protocol } from '../traffic/protocol';

/**
 * Properties of an `EgressGateway`.
 */
export interface EgressGatewayProps extends GatewayOptions {}

/**
 * The exit from the mesh: an Envoy gateway that calls to external services pass through, so that they
 * leave from known pods (for firewalls and audit). Route an `ExternalService` through it with its
 * `egressGateway` prop; the gateway then serves exactly the hosts routed through it.
 *
 * @see https://istio.io/latest/docs/tasks/traffic-management/egress/egress-gateway/
 */
export class EgressGateway extends MeshGateway {
  /**
   * Whether `x` is an `EgressGateway` (told by a symbol, as cdk8s tells charts apart: it works across copies of the library).
   */
  public static isEgressGateway(x: any): x is EgressGateway {
    return isKind(x, 'EgressGateway');
  }

  private readonly externals: ExternalService[] = [];

  public constructor(scope: Construct, id: string, props: EgressGatewayProps = {}) {
    super(scope, id, props, GatewayKind.EGRESS);
    markKind(this, 'EgressGateway');
  }

  /** The external services routed through the gateway. */
  public get externalServices(): ExternalService[] {
    return [...this.externals];
  }

  /** @internal */
  public _route(external: ExternalService): void {
    this.externals.push(external);
  }

  /** @internal */
  public _listenerFor(port: number): { port: number; protocol: Protocol; targetPort: number } | undefined {
    return this._listeners.find(l => l.port === port);
  }

  /** @internal */
  public _gatewaySpec(): istio.GatewaySpec {
    const spec = super._gatewaySpec();
    // Each listener serves the hosts routed through it on its port, and nothing else.
    const servers = (spec.servers ?? []).map(server => ({
      ...server,
      hosts: [...new Set(this.externals.filter(e => e.ports.some(p => p.port === server.port?.number)).flatMap(e => e.hosts))],
    })).filter(server => server.hosts.length > 0);
    // A gateway nothing is routed through yet serves its listeners as declared: a Gateway needs a server, and
    // without a VirtualService bound to it a request it takes goes nowhere.
    return { ...spec, servers: servers.length > 0 ? mutualTlsHopServers(this, servers) : spec.servers };
  }
}

import type { ApiObject } from 'cdk8s';
import type { IConstruct } from 'constructs';
import type { TlsOrigination } from '../traffic/external-tls';
import type { Protocol } from '../traffic/protocol';

/**
 * What origination reads of an external service (`ExternalService` has it; named by shape, so that
 * traffic/external-tls.ts imports neither the service nor the gateway, which both use it).
 *
 * @internal
 */
export interface OriginatingService extends IConstruct {
  readonly mesh: IConstruct;
  readonly hosts: string[];
  readonly ports: { readonly port: number; readonly protocol?: Protocol }[];
  readonly namespace: string;
  readonly exportTo?: string[];
  readonly resource: ApiObject;
  readonly tlsOrigination: TlsOrigination[];
  readonly egressGateway?: OriginatingGateway;
}

/**
 * What origination reads of an egress gateway.
 *
 * @internal
 */
export interface OriginatingGateway extends IConstruct {
  readonly namespace: string;
  readonly serviceName: string;
  readonly host: string;
  readonly externalServices: OriginatingService[];
}

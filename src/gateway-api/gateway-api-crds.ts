import { Construct } from 'constructs';
import { CrdBundle } from '../control-plane/crd-bundle';

/** The Kubernetes Gateway API release whose CRDs ship in `crds/`: the one Istio 1.30 is built against. */
export const GATEWAY_API_CRDS_VERSION = '1.5.1';

/**
 * The Kubernetes Gateway API's CustomResourceDefinitions (its experimental channel, which holds TLSRoute and
 * TCPRoute), written to the CRD layer when the mesh renders routing with the Gateway API.
 *
 * @see https://gateway-api.sigs.k8s.io/guides/#installing-gateway-api
 */
export class GatewayApiCrds extends CrdBundle {
  public constructor(scope: Construct, id: string) {
    super(scope, id, `gateway-api-${GATEWAY_API_CRDS_VERSION}.yaml`);
  }
}

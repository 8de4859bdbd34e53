import { Construct } from 'constructs';
import { CrdBundle } from './crd-bundle';

/** The Istio release whose CRDs ship in `crds/`. */
export const ISTIO_CRDS_VERSION = '1.30.3';

/**
 * Istio's CustomResourceDefinitions (from the CRD schemas shipped with this library), applied before anything
 * that uses them.
 */
export class IstioCrds extends CrdBundle {
  public constructor(scope: Construct, id: string) {
    super(scope, id, `istio-${ISTIO_CRDS_VERSION}.yaml`);
  }
}

import * as path from 'path';
import { ApiObject, Yaml } from 'cdk8s';
import { Construct } from 'constructs';

/** The Istio release whose CRDs ship in `crds/`. */
export const ISTIO_CRDS_VERSION = '1.30.3';

let cached: any[] | undefined;

/** The CRD documents, parsed once per process: every mesh renders the same ones. */
function crdDocuments(): any[] {
  cached ??= Yaml.load(path.join(__dirname, '..', '..', 'crds', `istio-${ISTIO_CRDS_VERSION}.yaml`))
    .filter((d: any) => d && d.kind === 'CustomResourceDefinition')
    .map((d: any) => Object.freeze(d));
  return cached;
}

/**
 * Istio's CustomResourceDefinitions (from the CRD schemas shipped with this library), applied before
 * anything that uses them.
 */
export class IstioCrds extends Construct {
  /** The names of the CRDs, e.g. `virtualservices.networking.istio.io`. */
  public readonly names: string[];

  public constructor(scope: Construct, id: string) {
    super(scope, id);
    const docs = crdDocuments();
    this.names = docs.map(d => d.metadata.name);
    for (const doc of docs) {
      const { apiVersion, kind, metadata, ...rest } = doc;
      // Not k8s.KubeCustomResourceDefinition: its props are camelCase, so the schemas' `x-kubernetes-*` keys would be dropped.
      new ApiObject(this, metadata.name, { apiVersion, kind, metadata: { ...metadata }, ...rest });
    }
  }
}

import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import { crdDocuments } from '../private/crd-documents';

/**
 * CustomResourceDefinitions shipped with this library (a file of its `crds/` folder), applied before anything
 * that uses them.
 */
export abstract class CrdBundle extends Construct {
  /** The names of the CRDs, e.g. `virtualservices.networking.istio.io`. */
  public readonly names: string[];

  /**
   * @param file the file in `crds/` that holds the CRDs
   */
  protected constructor(scope: Construct, id: string, file: string) {
    super(scope, id);
    const docs = crdDocuments(file);
    this.names = docs.map(d => d.metadata.name);
    for (const doc of docs) {
      const { apiVersion, kind, metadata, ...rest } = doc;
      // Not k8s.KubeCustomResourceDefinition: its props are camelCase, so the schemas' `x-kubernetes-*` keys would be dropped.
      new ApiObject(this, metadata.name, { apiVersion, kind, metadata: { ...metadata }, ...rest });
    }
  }
}

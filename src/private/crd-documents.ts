import * as path from 'path';
import { Yaml } from 'cdk8s';

const CACHE = new Map<string, any[]>();

/**
 * The CRD documents of one file of `crds/`, parsed once per process: every mesh renders the same ones, and the
 * overrides' schema checks read the same ones.
 *
 * @internal
 */
export function crdDocuments(file: string): any[] {
  let docs = CACHE.get(file);
  if (!docs) {
    docs = Yaml.load(path.join(__dirname, '..', '..', 'crds', file))
      .filter((d: any) => d && d.kind === 'CustomResourceDefinition')
      .map((d: any) => Object.freeze(d));
    CACHE.set(file, docs!);
  }
  return docs!;
}

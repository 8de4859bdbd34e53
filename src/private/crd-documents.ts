import * as fs from 'fs';
import * as path from 'path';

const CACHE = new Map<string, any[]>();

/**
 * The CRD documents of one file of `crds/` (named as the YAML file: `istio-1.30.3.yaml`), parsed once per process:
 * every mesh renders the same ones, and the overrides' schema checks read the same ones. They are read from the JSON
 * written beside the YAML (`npx projen crds:json`): cdk8s's `Yaml.load` spawns a process for every file it reads.
 *
 * @internal
 */
export function crdDocuments(file: string): any[] {
  let docs = CACHE.get(file);
  if (!docs) {
    const json = path.join(__dirname, '..', '..', 'crds', file.replace(/\.ya?ml$/, '.json'));
    docs = (JSON.parse(fs.readFileSync(json, 'utf-8')) as any[]).map(d => Object.freeze(d));
    CACHE.set(file, docs);
  }
  return docs;
}

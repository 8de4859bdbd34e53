/**
 * Writes crds/<name>.json beside each crds/<name>.yaml: the file's CustomResourceDefinitions as one JSON array,
 * which the library reads (src/private/crd-documents.ts) so that synthesis parses no YAML:
 *
 *   npx projen crds:json
 *
 * test/private/crd-json.test.ts fails when a JSON file differs from its YAML.
 */
import * as fs from 'fs';
import * as path from 'path';
import * as YAML from 'yaml';

export const CRDS_DIR = path.join(__dirname, '..', 'crds');

/** The YAML files of crds/, by name (`istio-1.30.3.yaml`). */
export function crdYamlFiles(): string[] {
  return fs.readdirSync(CRDS_DIR).filter(f => /\.ya?ml$/.test(f)).sort();
}

/** The name of the JSON file written for a YAML file of crds/ (`istio-1.30.3.json`). */
export function crdJsonFile(yamlFile: string): string {
  return yamlFile.replace(/\.ya?ml$/, '.json');
}

/** The CustomResourceDefinitions of a YAML file of crds/, in the file's order. */
export function yamlCrds(yamlFile: string): any[] {
  const docs = YAML.parseAllDocuments(fs.readFileSync(path.join(CRDS_DIR, yamlFile), 'utf-8'));
  // A document the parser cannot read must not silently drop out of the package.
  const error = docs.flatMap(d => d.errors)[0];
  if (error) {
    throw new Error(`crds/${yamlFile}: ${error.message}`);
  }
  return docs.map(d => d.toJSON()).filter(d => d && d.kind === 'CustomResourceDefinition');
}

if (require.main === module) {
  for (const yamlFile of crdYamlFiles()) {
    const crds = yamlCrds(yamlFile);
    fs.writeFileSync(path.join(CRDS_DIR, crdJsonFile(yamlFile)), `${JSON.stringify(crds)}\n`);
    console.log(`crds/${crdJsonFile(yamlFile)}: ${crds.length} CRDs`);
  }
}

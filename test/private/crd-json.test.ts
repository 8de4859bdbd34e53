// The module itself, not the copy a namespace import makes of it (esModuleInterop), which jest cannot spy on.
// eslint-disable-next-line @typescript-eslint/no-require-imports
import child_process = require('child_process');
import * as fs from 'fs';
import * as path from 'path';
import { CRDS_DIR, crdJsonFile, crdYamlFiles, yamlCrds } from '../../scripts/crds-json';

/** Every way Node.js starts a process (cdk8s's `Yaml.load` uses `execFileSync`). */
const SPAWNERS = ['spawn', 'spawnSync', 'exec', 'execSync', 'execFile', 'execFileSync', 'fork'] as const;

const yamlFiles = crdYamlFiles();

afterEach(() => jest.restoreAllMocks());

describe('the JSON the library reads the CRDs from', () => {
  test.each(yamlFiles)('crds/%s has its CRDs, unchanged, in the JSON file beside it (run `npx projen crds:json`)', yamlFile => {
    // GIVEN the JSON file the library reads
    const json = fs.readFileSync(path.join(CRDS_DIR, crdJsonFile(yamlFile)), 'utf-8');

    // THEN it holds the YAML's CustomResourceDefinitions, as the yaml package parses them
    expect(JSON.parse(json)).toEqual(yamlCrds(yamlFile));
  });

  test('crds/ holds no JSON file without its YAML (delete the JSON of a removed YAML file: the package would ship it)', () => {
    const jsonFiles = fs.readdirSync(CRDS_DIR).filter(f => f.endsWith('.json')).sort();
    expect(jsonFiles).toEqual(yamlFiles.map(crdJsonFile).sort());
  });

  test('crdDocuments reads every file without starting a process', () => {
    // GIVEN every way of starting a process watched, and the module loaded afresh (nothing cached)
    const spies = SPAWNERS.map(name => [name, jest.spyOn(child_process, name)] as const);
    let crdDocuments!: (file: string) => any[];
    jest.isolateModules(() => {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      ({ crdDocuments } = require('../../src/private/crd-documents'));
    });

    // WHEN
    const docs = yamlFiles.map(file => crdDocuments(file));

    // THEN
    expect(spies.filter(([, spy]) => spy.mock.calls.length > 0).map(([name]) => name)).toEqual([]);
    expect(docs.map(d => d.length)).toEqual(yamlFiles.map(file => yamlCrds(file).length));
    expect(docs.flat().every(d => Object.isFrozen(d))).toBe(true);
  });
});

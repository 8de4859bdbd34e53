/**
 * Regenerates the typed bindings in src/imports/ from the CRDs this package ships: Istio's
 * (`import-istio.ts istio`, the default) or the Kubernetes Gateway API's (`import-istio.ts gateway-api`).
 *
 * Each API group becomes one module (`istio-networking.ts`, `gateway-api.ts`, ...). One API version per kind
 * is bound: v1 where the CRD serves it (the library renders `networking.istio.io/v1`, `security.istio.io/v1`,
 * `gateway.networking.k8s.io/v1`), otherwise the storage version (EnvoyFilter v1alpha3, TCPRoute v1alpha2,
 * ...). The older versions the CRDs also serve have the same schemas; binding them would triple the generated
 * code for nothing.
 */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as YAML from 'yaml';

const ROOT = path.join(__dirname, '..');
const OUT = path.join(ROOT, 'src', 'imports');

/** Per CRD bundle: its file, and API group -> module name. */
const BUNDLES: Record<string, { crds: string; groups: Record<string, string>; kinds?: string[] }> = {
  'istio': {
    crds: 'istio-1.30.3.yaml',
    groups: {
      'networking.istio.io': 'istio-networking',
      'security.istio.io': 'istio-security',
      'telemetry.istio.io': 'istio-telemetry',
      'extensions.istio.io': 'istio-extensions',
    },
  },
  'gateway-api': {
    crds: 'gateway-api-1.5.1.yaml',
    groups: { 'gateway.networking.k8s.io': 'gateway-api' },
    // Only the kinds the library renders: the bundle's others (ListenerSet, BackendTLSPolicy, ...) are installed, not written.
    kinds: ['Gateway', 'GRPCRoute', 'HTTPRoute', 'ReferenceGrant', 'TCPRoute', 'TLSRoute'],
  },
};
const bundle = BUNDLES[process.argv[2] ?? 'istio'];
if (!bundle) {
  throw new Error(`unknown CRD bundle '${process.argv[2]}': use ${Object.keys(BUNDLES).join(' or ')}`);
}
const CRDS = path.join(ROOT, 'crds', bundle.crds);
const GROUPS = bundle.groups;

function boundVersion(crd: any): any {
  const versions: any[] = crd.spec.versions;
  return versions.find(v => v.name === 'v1' && v.served) ?? versions.find(v => v.storage);
}

const docs = YAML.parseAllDocuments(fs.readFileSync(CRDS, 'utf-8')).map(d => d.toJSON()).filter(Boolean);
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'crd-import-'));

for (const [group, moduleName] of Object.entries(GROUPS)) {
  const crds = docs
    .filter(crd => crd.kind === 'CustomResourceDefinition' && crd.spec.group === group)
    .filter(crd => !bundle.kinds || bundle.kinds.includes(crd.spec.names.kind))
    .map(crd => ({ ...crd, spec: { ...crd.spec, versions: [boundVersion(crd)] } }))
    .sort((a, b) => a.spec.names.kind.localeCompare(b.spec.names.kind));
  if (crds.length === 0) {
    throw new Error(`no CRD of group ${group} in ${CRDS}`);
  }
  const file = path.join(work, `${moduleName}.yaml`);
  fs.writeFileSync(file, crds.map(crd => YAML.stringify(crd)).join('---\n'));
  execFileSync('npx', ['cdk8s', 'import', `${moduleName}:=${file}`, '--output', OUT, '--language', 'typescript', '--no-save', '--no-check-upgrade'], {
    cwd: ROOT,
    stdio: 'inherit',
  });
  // cdk8s names the file after the module and the group; keep the short module name.
  fs.renameSync(path.join(OUT, `${moduleName}-${group}.ts`), path.join(OUT, `${moduleName}.ts`));
}

fs.rmSync(work, { recursive: true, force: true });

/**
 * Extracts the facts the control-plane tests check from Istio's own install output
 * (istioctl manifest generate, default profile): which objects exist, their ports, probes, env, volumes,
 * webhook paths, selectors and rules, and RBAC rules. Templates and prose are left behind.
 *
 *   ts-node scripts/extract-istio-facts.ts ../shared/reference/istio-1.30.3/control-plane/istioctl-manifest-generate-default.golden.yaml
 *
 * writes test/fixtures/istio-1.30.3/control-plane-facts.json.
 */
import * as fs from 'fs';
import * as path from 'path';
import * as YAML from 'yaml';
import { keyPaths } from '../test/support/key-paths';

const source = process.argv[2];
if (!source) {
  throw new Error('usage: extract-istio-facts.ts <istioctl-manifest-generate-default.golden.yaml>');
}
const docs = YAML.parseAllDocuments(fs.readFileSync(source, 'utf-8')).map(d => d.toJSON()).filter(Boolean);
const find = (kind: string, name: string) => docs.find((d: any) => d.kind === kind && d.metadata.name === name);

const deployment = find('Deployment', 'istiod');
const container = deployment.spec.template.spec.containers[0];
const facts = {
  source: path.basename(source),
  objects: docs.map((d: any) => ({ kind: d.kind, name: d.metadata.name, namespace: d.metadata.namespace })),
  rbac: Object.fromEntries(docs.filter((d: any) => d.kind === 'ClusterRole' || d.kind === 'Role').map((d: any) => [`${d.kind}/${d.metadata.name}`, d.rules])),
  bindings: Object.fromEntries(docs.filter((d: any) => d.kind.endsWith('Binding')).map((d: any) => [`${d.kind}/${d.metadata.name}`, { roleRef: d.roleRef, subjects: d.subjects }])),
  mutatingWebhooks: find('MutatingWebhookConfiguration', 'istio-sidecar-injector').webhooks,
  validatingWebhooks: find('ValidatingWebhookConfiguration', 'istio-validator-istio-system').webhooks,
  deployment: {
    podAnnotations: deployment.spec.template.metadata.annotations,
    strategy: deployment.spec.strategy,
    args: container.args,
    env: container.env,
    ports: container.ports,
    readinessProbe: container.readinessProbe,
    resources: container.resources,
    securityContext: container.securityContext,
    volumeMounts: container.volumeMounts,
    volumes: deployment.spec.template.spec.volumes,
    tolerations: deployment.spec.template.spec.tolerations,
  },
  service: find('Service', 'istiod').spec.ports,
  autoscaler: find('HorizontalPodAutoscaler', 'istiod').spec,
  meshConfig: YAML.parse(find('ConfigMap', 'istio').data.mesh),
  injectorConfigKeys: Object.keys(find('ConfigMap', 'istio-sidecar-injector').data),
  // Every key path of the Helm values istiod is given (the injector parses them into its values type).
  valuesKeyPaths: keyPaths(JSON.parse(find('ConfigMap', 'values').data['merged-values'])).sort(),
};
const out = path.join(__dirname, '..', 'test', 'fixtures', 'istio-1.30.3', 'control-plane-facts.json');
fs.writeFileSync(out, JSON.stringify(facts, undefined, 2) + '\n');
console.log(`wrote ${out}`);

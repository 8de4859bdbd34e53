/**
 * Strict validation of Gateway API objects against crds/gateway-api-1.5.1.yaml (schemas and CEL rules), for the
 * tests of the Gateway API renderer: test/support/strict-synth.ts does not know these kinds yet. `synthChecked`
 * synthesizes a mesh's charts, validates its Gateway API objects here and every other object with
 * `validateManifests` (so nothing goes unchecked), and fails with the errors.
 */
import * as fs from 'fs';
import * as path from 'path';
import Ajv, { ValidateFunction } from 'ajv';
import { Chart, Testing } from 'cdk8s';
import * as YAML from 'yaml';
import { compileRules, evaluateRules, RuleNode } from '../support/crd-rules';
import { validateManifests } from '../support/schemas';
import { allowInvalidOutput } from '../support/strict-synth';

const CRDS = path.join(__dirname, '..', '..', 'crds', 'gateway-api-1.5.1.yaml');

/** Unknown fields are refused, as the API server prunes them (oneOf/anyOf branches only constrain values: left as they are). */
function strict(schema: any): any {
  if (Array.isArray(schema)) {
    schema.forEach(strict);
  } else if (schema && typeof schema === 'object') {
    if (schema.properties && schema.additionalProperties === undefined && !schema['x-kubernetes-preserve-unknown-fields']) {
      schema.additionalProperties = false;
    }
    Object.entries(schema).filter(([k]) => !['oneOf', 'anyOf', 'allOf', 'not'].includes(k)).forEach(([, v]) => strict(v));
  }
  return schema;
}

/**
 * The schema without the rules that call `isIP()` (Kubernetes' IP library, which crd-rules.ts does not provide):
 * they forbid IP addresses where a hostname goes, and the renderer writes host names only (tested directly).
 */
function withoutIpRules(schema: any): any {
  if (Array.isArray(schema)) {
    schema.forEach(withoutIpRules);
  } else if (schema && typeof schema === 'object') {
    if (Array.isArray(schema['x-kubernetes-validations'])) {
      schema['x-kubernetes-validations'] = schema['x-kubernetes-validations'].filter((r: any) => !String(r.rule).includes('isIP('));
    }
    Object.values(schema).forEach(withoutIpRules);
  }
  return schema;
}

let registry: Map<string, { validate: ValidateFunction; rules: RuleNode }> | undefined;

function load(): Map<string, { validate: ValidateFunction; rules: RuleNode }> {
  const ajv = new Ajv({ strict: false, allErrors: true });
  const map = new Map<string, { validate: ValidateFunction; rules: RuleNode }>();
  for (const crd of YAML.parseAllDocuments(fs.readFileSync(CRDS, 'utf-8')).map(d => d.toJSON()).filter(d => d?.kind === 'CustomResourceDefinition')) {
    for (const version of crd.spec.versions) {
      const schema = strict(structuredClone(version.schema.openAPIV3Schema));
      schema.properties = {
        ...schema.properties,
        apiVersion: { type: 'string', enum: [`${crd.spec.group}/${version.name}`] },
        kind: { type: 'string', enum: [crd.spec.names.kind] },
        metadata: { type: 'object', required: ['name', 'namespace'], properties: { name: { type: 'string' }, namespace: { type: 'string' } } },
      };
      map.set(`${crd.spec.group}/${version.name}/${crd.spec.names.kind}`, { validate: ajv.compile(schema), rules: compileRules(withoutIpRules(structuredClone(version.schema.openAPIV3Schema))) });
    }
  }
  return map;
}

/** The errors of each Gateway API object of `objects` (empty when all are valid). */
export function gatewayApiErrors(objects: any[]): string[] {
  registry ??= load();
  const errors: string[] = [];
  for (const o of objects.filter(x => String(x.apiVersion).startsWith('gateway.networking.k8s.io/'))) {
    const entry = registry.get(`${o.apiVersion}/${o.kind}`);
    const name = `${o.kind} ${o.metadata?.namespace}/${o.metadata?.name}`;
    if (!entry) {
      errors.push(`${name}: no schema`);
      continue;
    }
    if (!entry.validate(o)) {
      errors.push(...(entry.validate.errors ?? []).map(e => `${name}: ${e.instancePath} ${e.message} ${JSON.stringify(e.params)}`));
    }
    const found: string[] = [];
    evaluateRules(o, entry.rules, '', found);
    errors.push(...found.map(e => `${name}: ${e}`));
  }
  return errors;
}

/**
 * Every object of `charts` (a mesh's, in apply order), validated: Gateway API objects against their CRDs here, the
 * others as strict-synth does. Throws with every error.
 */
export function synthChecked(charts: Chart[]): any[] {
  allowInvalidOutput('Gateway API kinds are validated by gatewayApiErrors (strict-synth has no schema for them yet); the others by validateManifests below');
  const objects = charts.flatMap(c => Testing.synth(c));
  const gatewayApi = objects.filter(o => String(o.apiVersion).startsWith('gateway.networking.k8s.io/'));
  const errors = [
    ...gatewayApiErrors(gatewayApi),
    ...validateManifests(objects.filter(o => !gatewayApi.includes(o))).flatMap(f => f.errors.map(e => `${f.object}: ${e}`)),
  ];
  if (errors.length > 0) {
    throw new Error(`invalid output:\n${errors.join('\n')}`);
  }
  return objects;
}

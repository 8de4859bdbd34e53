/**
 * Strict schema validation of synthesized manifests, the way `kubectl apply` (server-side field
 * validation = Strict) treats them: unknown fields are errors.
 *
 * - Istio kinds: the openAPIV3Schema of every version in the CRDs this package ships (crds/), compiled
 *   with ajv.
 * - Kubernetes kinds: the JSON schemas of Kubernetes 1.27 shipped by kubernetes-models, compiled with ajv,
 *   repaired where that package lost fields (see repair()) and with 1.28's container restartPolicy.
 *
 * Neither source rejects unknown fields by itself (CRD schemas prune them at the API server, and
 * kubernetes-models leaves them open), so both are made strict the way the API server's strict field
 * validation behaves: every object schema that lists its properties and does not allow unknown ones
 * (x-kubernetes-preserve-unknown-fields, additionalProperties) gets `additionalProperties: false`.
 */
import * as fs from 'fs';
import * as path from 'path';
import Ajv, { Format, ValidateFunction } from 'ajv';
import * as YAML from 'yaml';
import { compileRules, evaluateRules, RuleNode } from './crd-rules';
import { istioRules } from './istio-rules';
import { kubernetesRules } from './kube-rules';

const CRDS = path.join(__dirname, '..', '..', 'crds', 'istio-1.30.3.yaml');

export interface SchemaError {
  readonly object: string;
  readonly errors: string[];
}

/** Adds `additionalProperties: false` to every closed object schema, recursively (in place). */
function strict(schema: any): any {
  if (Array.isArray(schema)) {
    schema.forEach(strict);
  } else if (schema && typeof schema === 'object') {
    if (schema.properties && schema.additionalProperties === undefined && !schema['x-kubernetes-preserve-unknown-fields']) {
      schema.additionalProperties = false;
    }
    Object.values(schema).forEach(strict);
  }
  return schema;
}

/**
 * Kubernetes' OpenAPI formats, as the API server checks them (k8s.io/kube-openapi/pkg/validation/strfmt and
 * the apiextensions validation of int32/int64). The formats the shipped schemas use are: int32, int64 and
 * double (Istio CRDs and Kubernetes kinds), byte and date-time. None is treated as free text; ajv fails on
 * a format it does not know, so a new one in a future schema cannot be ignored silently.
 */
const FORMATS: Record<string, Format> = {
  int32: { type: 'number', validate: (n: number) => Number.isInteger(n) && n >= -(2 ** 31) && n <= 2 ** 31 - 1 },
  int64: { type: 'number', validate: (n: number) => Number.isInteger(n) && n >= -(2 ** 63) && n < 2 ** 63 },
  double: { type: 'number', validate: (n: number) => Number.isFinite(n) },
  // Standard base64 (strfmt.IsBase64: base64.StdEncoding).
  byte: { type: 'string', validate: (s: string) => /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/.test(s) },
  // RFC 3339 (strfmt.IsDateTime).
  'date-time': { type: 'string', validate: (s: string) => /^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/.test(s) && !isNaN(Date.parse(s)) },
};

function newAjv(): Ajv {
  // strict: false lets ajv accept the x-kubernetes-* vocabulary; formats are Kubernetes' own (above).
  const ajv = new Ajv({ strict: false, allErrors: true, validateFormats: true });
  for (const [name, format] of Object.entries(FORMATS)) {
    ajv.addFormat(name, format);
  }
  return ajv;
}

class SchemaRegistry {
  private readonly validators = new Map<string, ValidateFunction>();
  private readonly rules = new Map<string, RuleNode>();

  public constructor() {
    this.loadIstio();
    this.loadKubernetes();
  }

  public validatorFor(apiVersion: string, kind: string): ValidateFunction | undefined {
    return this.validators.get(`${apiVersion}/${kind}`);
  }

  /** The CEL rules and list types of a custom resource's schema (undefined for Kubernetes' own kinds). */
  public rulesFor(apiVersion: string, kind: string): RuleNode | undefined {
    return this.rules.get(`${apiVersion}/${kind}`);
  }

  private loadIstio(): void {
    const ajv = newAjv();
    for (const doc of YAML.parseAllDocuments(fs.readFileSync(CRDS, 'utf-8'))) {
      const crd = doc.toJSON();
      if (crd?.kind !== 'CustomResourceDefinition') {
        continue;
      }
      for (const version of crd.spec.versions) {
        this.rules.set(`${crd.spec.group}/${version.name}/${crd.spec.names.kind}`, compileRules(version.schema.openAPIV3Schema));
        const schema = strict(structuredClone(version.schema.openAPIV3Schema));
        // Every object also carries apiVersion, kind and metadata, which the CRD schema leaves to the API server.
        schema.properties = {
          apiVersion: { type: 'string', enum: [`${crd.spec.group}/${version.name}`] },
          kind: { type: 'string', enum: [crd.spec.names.kind] },
          metadata: {
            type: 'object',
            additionalProperties: false,
            required: ['name'],
            properties: {
              name: { type: 'string' },
              namespace: { type: 'string' },
              labels: { type: 'object', additionalProperties: { type: 'string' } },
              annotations: { type: 'object', additionalProperties: { type: 'string' } },
            },
          },
          ...schema.properties,
        };
        schema.required = ['apiVersion', 'kind', 'metadata', ...(schema.required ?? [])];
        this.validators.set(`${crd.spec.group}/${version.name}/${crd.spec.names.kind}`, ajv.compile(schema));
      }
    }
  }

  private loadKubernetes(): void {
    // kubernetes-models registers each schema through @kubernetes-models/validate's register(); collect them.
    const registry: Record<string, any> = {};
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const validate = require('@kubernetes-models/validate');
    const original = validate.register;
    validate.register = (id: string, schema: any) => { registry[id] = schema; };
    try {
      const dir = path.join(path.dirname(require.resolve('kubernetes-models/apps/v1/Deployment')), '..', '..', '_schemas');
      for (const file of fs.readdirSync(dir).filter(f => f.endsWith('.js')).sort()) {
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        require(path.join(dir, file)).addSchema();
      }
      // cert-manager's kinds, for the CA's optional Issuer and Certificate (kept apart from Kubernetes' own schemas).
      for (const [group, kinds] of Object.entries({ 'cert-manager.io/v1': ['Certificate', 'Issuer', 'ClusterIssuer'] })) {
        for (const kind of kinds) {
          // eslint-disable-next-line @typescript-eslint/no-require-imports
          const model = require(`@kubernetes-models/cert-manager/${group}/${kind}`)[kind];
          const before = new Set(Object.keys(registry));
          const add = Object.getOwnPropertySymbols(model.prototype).map(sym => model.prototype[sym]).find(v => typeof v === 'function');
          const saved = { ...registry };
          add();
          // Its ObjectMeta is apimachinery's copy of one Kubernetes already gave: keep Kubernetes' own.
          Object.assign(registry, Object.fromEntries(Object.entries(saved).filter(([id]) => before.has(id))));
        }
      }
    } finally {
      validate.register = original;
    }

    repair(registry);
    const ajv = newAjv();
    for (const [id, schema] of Object.entries(registry)) {
      ajv.addSchema(strict(structuredClone(schema)), id);
    }
    for (const [id, schema] of Object.entries(registry)) {
      const apiVersion = schema.properties?.apiVersion?.enum?.[0];
      const kind = schema.properties?.kind?.enum?.[0];
      if (apiVersion && kind) {
        this.validators.set(`${apiVersion}/${kind}`, ajv.getSchema(id)!);
      }
    }
  }
}

const EXTENSIONS = 'io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1';

/**
 * Puts back what kubernetes-models' schemas lack, so that strictness does not reject valid objects:
 *
 * - Its generator strips every `description` and `x-kubernetes-*` key from the OpenAPI document, which
 *   also strips the fields of those names: a CRD's schema descriptions and structural-schema markers,
 *   a printer column's description, a PriorityClass's description.
 * - Kubernetes 1.28 added a container's `restartPolicy` (only `Always`, for init containers: native
 *   sidecars, on by default since 1.29), which Istio's native sidecar uses. The 1.27 schemas predate it.
 */
function repair(registry: Record<string, any>): void {
  const add = (id: string, properties: Record<string, unknown>) => {
    const schema = registry[id];
    if (!schema?.properties) {
      throw new Error(`schema ${id} not found: kubernetes-models changed, review repair()`);
    }
    Object.assign(schema.properties, properties);
  };
  const str = { type: 'string' };
  const bool = { type: 'boolean' };
  add(`${EXTENSIONS}.JSONSchemaProps`, {
    'description': str,
    'x-kubernetes-embedded-resource': bool,
    'x-kubernetes-int-or-string': bool,
    'x-kubernetes-list-map-keys': { type: 'array', items: str },
    'x-kubernetes-list-type': str,
    'x-kubernetes-map-type': str,
    'x-kubernetes-preserve-unknown-fields': bool,
    'x-kubernetes-validations': { type: 'array', items: { $ref: `${EXTENSIONS}.ValidationRule#` } },
  });
  add(`${EXTENSIONS}.CustomResourceColumnDefinition`, { description: str });
  add(`${EXTENSIONS}.ExternalDocumentation`, { description: str });
  add('io.k8s.api.scheduling.v1.PriorityClass', { description: str });
  add('io.k8s.api.core.v1.Container', { restartPolicy: { type: 'string', enum: ['Always'] } });
}

let registry: SchemaRegistry | undefined;

/**
 * Validates every manifest strictly, as the cluster would at apply time; returns one entry per invalid
 * object (empty when all are valid). An object of a kind no schema describes is an error too.
 *
 * Checked: the schemas (types, unknown fields, enums, required, maxLength/maxItems/maxProperties...),
 * Kubernetes' formats (FORMATS), the CRDs' CEL rules and list types (crd-rules.ts), the API server's
 * rules the schemas do not carry (kube-rules.ts: names, labels, annotations, object size, ports, env...)
 * and istiod's validation of the Istio kinds (istio-rules.ts: RE2, durations, retryOn, locality...).
 */
export function validateManifests(manifests: any[]): SchemaError[] {
  registry ??= new SchemaRegistry();
  const failures: SchemaError[] = [];
  for (const m of manifests) {
    const name = `${m?.apiVersion}/${m?.kind} ${m?.metadata?.namespace ? `${m.metadata.namespace}/` : ''}${m?.metadata?.name}`;
    const validator = registry.validatorFor(m?.apiVersion, m?.kind);
    if (!validator) {
      failures.push({ object: name, errors: ['no schema for this apiVersion and kind'] });
      continue;
    }
    const errors: string[] = [];
    if (!validator(m)) {
      errors.push(...(validator.errors ?? []).map(e => `${e.instancePath || '/'} ${e.message}${e.params && 'additionalProperty' in e.params ? ` '${e.params.additionalProperty}'` : ''}`));
    }
    evaluateRules(m, registry.rulesFor(m.apiVersion, m.kind), '', errors);
    errors.push(...kubernetesRules(m), ...istioRules(m));
    if (errors.length > 0) {
      failures.push({ object: name, errors });
    }
  }
  return failures;
}

/**
 * Strict schema validation of synthesized manifests, the way `kubectl apply` (server-side field
 * validation = Strict) treats them: unknown fields are errors.
 *
 * - Custom resources (Istio's kinds, the Kubernetes Gateway API's): the openAPIV3Schema of every served
 *   version of every CRD this package ships (each file in crds/), compiled with ajv; which kinds and
 *   versions exist is read from the CRDs, nothing is listed here.
 * - Kubernetes kinds: the JSON schemas of Kubernetes 1.27 shipped by kubernetes-models, compiled with ajv,
 *   repaired where that package lost fields (see repair()) and with 1.28's container restartPolicy.
 *
 * Neither source rejects unknown fields by itself (CRD schemas prune them at the API server, and
 * kubernetes-models leaves them open), so both are made strict the way the API server's strict field
 * validation behaves: every object schema that lists its properties and does not allow unknown ones
 * (x-kubernetes-preserve-unknown-fields, additionalProperties) gets `additionalProperties: false`.
 */
import * as crypto from 'crypto';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import Ajv, { Format, ValidateFunction } from 'ajv';
import * as YAML from 'yaml';
import { applyDefaults, compileRules, evaluateRules, RuleNode } from './crd-rules';
import { isIpv4Format, isIpv6Format } from './go-ip';
import { istioRules } from './istio-rules';
import { kubernetesRules, parseQuantity } from './kube-rules';
import { podSecurityFailures } from './pod-security';
import { secretMaterial } from './secret-material';

/** The CRDs the package ships: every YAML file in crds/. */
const CRD_DIR = path.join(__dirname, '..', '..', 'crds');
const crdFiles = () => fs.readdirSync(CRD_DIR).filter(f => /\.ya?ml$/.test(f)).sort().map(f => path.join(CRD_DIR, f));

export interface SchemaError {
  readonly object: string;
  readonly errors: string[];
}

/**
 * Keywords whose values are not schemas of fields: value validations (allOf, anyOf, oneOf, not: a branch
 * naming some `properties` only constrains them, it does not close the object) and literal values.
 */
const NOT_FIELD_SCHEMAS = new Set(['allOf', 'anyOf', 'oneOf', 'not', 'default', 'enum', 'example', 'x-kubernetes-validations']);

/** Adds `additionalProperties: false` to every closed object schema, recursively (in place). */
function strict(schema: any): any {
  if (Array.isArray(schema)) {
    schema.forEach(strict);
  } else if (schema && typeof schema === 'object') {
    if (schema.properties && schema.additionalProperties === undefined && !schema['x-kubernetes-preserve-unknown-fields']) {
      schema.additionalProperties = false;
    }
    Object.entries(schema).filter(([k]) => !NOT_FIELD_SCHEMAS.has(k)).forEach(([, v]) => strict(v));
  }
  return schema;
}

/**
 * Kubernetes' OpenAPI formats, as the API server checks them (k8s.io/kube-openapi/pkg/validation/strfmt and
 * the apiextensions validation of int32/int64). The formats the shipped schemas use are: int32, int64 and
 * double (Istio CRDs and Kubernetes kinds), byte, date-time, and ipv4/ipv6 (a Gateway API address). None is
 * treated as free text; ajv fails on a format it does not know, so a new one in a future schema cannot be
 * ignored silently.
 */
const FORMATS: Record<string, Format> = {
  'int32': { type: 'number', validate: (n: number) => Number.isInteger(n) && n >= -(2 ** 31) && n <= 2 ** 31 - 1 },
  'int64': { type: 'number', validate: (n: number) => Number.isInteger(n) && n >= -(2 ** 63) && n < 2 ** 63 },
  'double': { type: 'number', validate: (n: number) => Number.isFinite(n) },
  // Standard base64 (strfmt.IsBase64: base64.StdEncoding).
  'byte': { type: 'string', validate: (s: string) => /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/.test(s) },
  // resource.ParseQuantity (io.k8s.apimachinery.pkg.api.resource.Quantity's string form).
  'quantity': { type: 'string', validate: (s: string) => parseQuantity(s) !== undefined },
  // RFC 3339 (strfmt.IsDateTime).
  'date-time': { type: 'string', validate: (s: string) => /^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/.test(s) && !isNaN(Date.parse(s)) },
  // govalidator.IsIPv4/IsIPv6: Go's net.ParseIP takes it, and it has a dot (ipv4) or a colon (ipv6).
  'ipv4': { type: 'string', validate: isIpv4Format },
  'ipv6': { type: 'string', validate: isIpv6Format },
};

function newAjv(): Ajv {
  // strict: false lets ajv accept the x-kubernetes-* vocabulary; formats are Kubernetes' own (above).
  const fail = (...args: unknown[]) => {
    throw new Error(`schema: ${args.join(' ')}: add the format to FORMATS`);
  };
  // An unknown format fails the compilation (ajv, not strict, would only log it).
  const logger = { log: () => undefined, warn: (...args: unknown[]) => (/unknown format/.test(String(args[0])) ? fail(...args) : undefined), error: fail };
  const ajv = new Ajv({ strict: false, allErrors: true, validateFormats: true, logger });
  for (const [name, format] of Object.entries(FORMATS)) {
    ajv.addFormat(name, format);
  }
  return ajv;
}

class SchemaRegistry {
  // Each kind is compiled the first time an object of it is validated (most runs see a few kinds).
  private readonly validators = new Map<string, () => ValidateFunction>();
  private readonly rules = new Map<string, () => RuleNode>();

  public constructor() {
    const sources = loadSources();
    this.loadCrds(sources.crds);
    this.loadKubernetes(sources.kubernetes);
  }

  public validatorFor(apiVersion: string, kind: string): ValidateFunction | undefined {
    return this.validators.get(`${apiVersion}/${kind}`)?.();
  }

  /** The CEL rules and list types of a custom resource's schema (undefined for Kubernetes' own kinds). */
  public rulesFor(apiVersion: string, kind: string): RuleNode | undefined {
    return this.rules.get(`${apiVersion}/${kind}`)?.();
  }

  /** Every CRD rule, compiled (throws on one that does not compile). */
  public compileAllRules(): number {
    return [...this.rules.values()].map(rules => rules()).length;
  }

  private loadCrds(crds: any[]): void {
    const ajv = newAjv();
    for (const crd of crds) {
      // A version that is not served cannot be applied (deprecated ones still are, with a warning).
      for (const version of crd.spec.versions.filter((v: any) => v.served)) {
        const key = `${crd.spec.group}/${version.name}/${crd.spec.names.kind}`;
        if (this.validators.has(key)) {
          throw new Error(`schema: two CRDs in crds/ define ${key}`);
        }
        this.rules.set(key, once(() => compileRules(version.schema.openAPIV3Schema)));
        const schema = strict(structuredClone(version.schema.openAPIV3Schema));
        // Every object also carries apiVersion, kind and metadata, which the CRD schema leaves to the API server
        // (a schema that declares them, as Gateway API's do, declares them only as a string, a string and an object).
        schema.properties = {
          ...schema.properties,
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
        };
        schema.required = ['apiVersion', 'kind', 'metadata', ...(schema.required ?? [])];
        this.validators.set(key, once(() => ajv.compile(schema)));
      }
    }
  }

  private loadKubernetes(registry: Record<string, any>): void {
    repair(registry);
    const ajv = newAjv();
    for (const [id, schema] of Object.entries(registry)) {
      ajv.addSchema(strict(structuredClone(schema)), id);
    }
    for (const [id, schema] of Object.entries(registry)) {
      const apiVersion = schema.properties?.apiVersion?.enum?.[0];
      const kind = schema.properties?.kind?.enum?.[0];
      if (apiVersion && kind) {
        this.validators.set(`${apiVersion}/${kind}`, once(() => ajv.getSchema(id)!));
      }
    }
  }
}

/** The schemas kubernetes-models registers, by id (Kubernetes' and cert-manager's kinds). */
function collectKubernetesSchemas(): Record<string, any> {
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
  return registry;
}

/**
 * The parsed CRDs and kubernetes-models' schemas. Reading them (2 MB of YAML and some 600 modules) is most
 * of the validator's start-up, paid by every test file; they are cached in the OS temp dir, keyed by the
 * inputs' identity (each CRD file's name, size and time, the packages' versions, this file's time).
 */
function loadSources(): { crds: any[]; kubernetes: Record<string, any> } {
  const files = crdFiles();
  const stats = files.map(f => [path.basename(f), fs.statSync(f).size, fs.statSync(f).mtimeMs]);
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const versions = ['kubernetes-models', '@kubernetes-models/cert-manager'].map(p => require(`${p}/package.json`).version);
  const key = crypto.createHash('sha256').update(JSON.stringify([stats, versions, fs.statSync(__filename).mtimeMs])).digest('hex').slice(0, 16);
  const file = path.join(os.tmpdir(), `cdk8s-mesh-schemas-${key}.json`);
  try {
    return JSON.parse(fs.readFileSync(file, 'utf-8'));
  } catch {
    const crds = files.flatMap(f => YAML.parseAllDocuments(fs.readFileSync(f, 'utf-8')).map(d => d.toJSON()).filter(d => d?.kind === 'CustomResourceDefinition'));
    const sources = { crds, kubernetes: collectKubernetesSchemas() };
    const tmp = `${file}.${process.pid}`;
    fs.writeFileSync(tmp, JSON.stringify(sources));
    fs.renameSync(tmp, file);
    return sources;
  }
}

function once<T>(make: () => T): () => T {
  let value: T | undefined;
  return () => (value ??= make());
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

/** Compiles every rule of the shipped CRDs, returning how many schemas carry them (for a test: none may be skipped). */
export function compileAllCrdRules(): number {
  registry ??= new SchemaRegistry();
  return registry.compileAllRules();
}

/**
 * Validates every manifest strictly, as the cluster would at apply time; returns one entry per invalid
 * object (empty when all are valid). An object of a kind no schema describes is an error too.
 *
 * Checked, after a custom resource's schema defaults are applied as the API server applies them: the schemas
 * (types, unknown fields, enums, patterns, required, maxLength/maxItems/maxProperties...), Kubernetes' formats
 * (FORMATS), the CRDs' CEL rules and list types (crd-rules.ts), the API server's
 * rules the schemas do not carry (kube-rules.ts: names, labels, annotations, object size, ports, env...)
 * and istiod's validation of the Istio kinds (istio-rules.ts: RE2, durations, retryOn, locality...), and
 * the Pod Security Standards (pod-security.ts): every pod template in a namespace of `manifests` whose
 * `pod-security.kubernetes.io/enforce` label names a level meets that level.
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
    // The API server fills a custom resource's schema defaults in before it validates it (on a copy here).
    const rules = registry.rulesFor(m.apiVersion, m.kind);
    const obj = rules ? structuredClone(m) : m;
    applyDefaults(obj, rules);
    if (!validator(obj)) {
      errors.push(...(validator.errors ?? []).map(e => `${e.instancePath || '/'} ${e.message}${e.params && 'additionalProperty' in e.params ? ` '${e.params.additionalProperty}'` : ''}`));
    }
    evaluateRules(obj, rules, '', errors);
    errors.push(...kubernetesRules(obj), ...istioRules(obj), ...secretMaterial(obj));
    if (errors.length > 0) {
      failures.push({ object: name, errors });
    }
  }
  // As the Pod Security admission controller would: pods in a namespace of the output meet its enforced level.
  failures.push(...podSecurityFailures(manifests));
  return failures;
}

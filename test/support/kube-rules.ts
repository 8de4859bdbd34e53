/**
 * The API server's validation that the OpenAPI schemas do not carry (k8s.io/apimachinery/pkg/util/validation,
 * k8s.io/apimachinery/pkg/api/validation and k8s.io/kubernetes/pkg/apis/core/validation, as of Kubernetes
 * 1.34), for every object: names, labels, annotations, object size; for the kinds this library writes:
 * containers, ports, env, resources, Services, Deployments' selectors, ConfigMap and Secret keys.
 */

const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const DNS1035_LABEL = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;
const QUALIFIED_NAME = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;
const CONFIG_MAP_KEY = /^[-._a-zA-Z0-9]+$/;
/** TotalAnnotationSizeLimitB in apimachinery's ValidateAnnotations. */
const ANNOTATIONS_LIMIT = 256 * 1024;
/** The largest request etcd takes, which bounds an object (apiserver's MaxRequestBodyBytes is 3 MiB, etcd's 1.5 MiB). */
const OBJECT_LIMIT = 1.5 * 1024 * 1024;

/** validation.IsDNS1123Label. */
export function isDns1123Label(s: string): boolean {
  return s.length <= 63 && DNS1123_LABEL.test(s);
}
/** validation.IsDNS1123Subdomain. */
export function isDns1123Subdomain(s: string): boolean {
  return s.length <= 253 && DNS1123_SUBDOMAIN.test(s);
}
/** validation.IsDNS1035Label. */
function isDns1035Label(s: string): boolean {
  return s.length <= 63 && DNS1035_LABEL.test(s);
}
/** path.IsValidPathSegmentName (ValidatePathSegmentName, used for RBAC names). */
function isPathSegmentName(s: string): boolean {
  return s !== '' && s !== '.' && s !== '..' && !/[/%]/.test(s);
}
/** validation.IsQualifiedName: an optional DNS-subdomain prefix and '/', then a name of at most 63 characters. */
export function isQualifiedName(s: string): boolean {
  const parts = s.split('/');
  if (parts.length > 2) {
    return false;
  }
  const name = parts[parts.length - 1];
  if (parts.length === 2 && (parts[0] === '' || !isDns1123Subdomain(parts[0]))) {
    return false;
  }
  return name.length > 0 && name.length <= 63 && QUALIFIED_NAME.test(name);
}
/** validation.IsValidLabelValue. */
function isLabelValue(s: string): boolean {
  return s.length <= 63 && LABEL_VALUE.test(s);
}
/** validation.IsValidPortName (IANA_SVC_NAME). */
function isPortName(s: string): boolean {
  return s.length >= 1 && s.length <= 15 && /^[-a-z0-9]+$/.test(s) && /[a-z]/.test(s) && !s.includes('--') && !s.startsWith('-') && !s.endsWith('-');
}
/**
 * An environment variable name. Kubernetes 1.34 relaxed validateEnvVarName (RelaxedEnvironmentVariableValidation,
 * GA in 1.34): any printable ASCII character but '=', not empty. Older clusters required a C identifier.
 */
function isEnvVarName(s: string): boolean {
  return s.length > 0 && /^[\x20-\x7e]+$/.test(s) && !s.includes('=');
}
function isPort(n: unknown): boolean {
  return typeof n === 'number' && Number.isInteger(n) && n >= 1 && n <= 65535;
}

/** How metadata.name is validated, per kind (each kind's ValidateXName in pkg/apis/<group>/validation). */
function nameRule(kind: string): [string, (s: string) => boolean] {
  switch (kind) {
    case 'Namespace':
      return ['a DNS-1123 label', isDns1123Label]; // ValidateNamespaceName
    case 'Service':
      return ['a DNS-1035 label (starts with a letter)', isDns1035Label]; // ValidateServiceName
    case 'Role': case 'ClusterRole': case 'RoleBinding': case 'ClusterRoleBinding':
      return ['a path segment name', isPathSegmentName]; // ValidateRBACName
    default:
      return ['a DNS-1123 subdomain', isDns1123Subdomain]; // NameIsDNSSubdomain (every other kind, custom resources too)
  }
}

/** A Kubernetes quantity as a number (resource.ParseQuantity), or undefined when it is not one. */
export function parseQuantity(q: unknown): number | undefined {
  if (typeof q === 'number') {
    return q;
  }
  const m = typeof q === 'string' ? /^([+-]?[0-9.]+)(Ki|Mi|Gi|Ti|Pi|Ei|n|u|m|k|M|G|T|P|E|[eE][+-]?[0-9]+)?$/.exec(q) : null;
  if (!m || !/^[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)$/.test(m[1])) {
    return undefined;
  }
  const suffix = m[2] ?? '';
  const binary: Record<string, number> = { Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40, Pi: 2 ** 50, Ei: 2 ** 60 };
  const decimal: Record<string, number> = { '': 1, 'n': 1e-9, 'u': 1e-6, 'm': 1e-3, 'k': 1e3, 'M': 1e6, 'G': 1e9, 'T': 1e12, 'P': 1e15, 'E': 1e18 };
  const scale = binary[suffix] ?? decimal[suffix] ?? 10 ** Number(suffix.slice(1));
  return Number(m[1]) * scale;
}

/** Every error the API server would return for `m` that the schema check does not. */
export function kubernetesRules(m: any): string[] {
  const errors: string[] = [];
  const err = (path: string, msg: string) => errors.push(`${path} ${msg}`);
  if (!m || typeof m !== 'object') {
    return errors;
  }
  const size = Buffer.byteLength(JSON.stringify(m));
  if (size > OBJECT_LIMIT) {
    err('/', `object is ${size} bytes serialized, over the ${OBJECT_LIMIT}-byte limit (etcd's request size)`);
  }
  const meta = m.metadata ?? {};
  if (typeof meta.name === 'string') {
    const [what, ok] = nameRule(m.kind);
    if (!ok(meta.name)) {
      err('/metadata/name', `'${meta.name}' must be ${what}`);
    }
    if (m.kind === 'CustomResourceDefinition' && m.spec?.names?.plural && m.spec?.group && meta.name !== `${m.spec.names.plural}.${m.spec.group}`) {
      err('/metadata/name', `'${meta.name}' must be spec.names.plural+"."+spec.group`);
    }
  }
  if (meta.namespace !== undefined && !isDns1123Label(meta.namespace)) {
    err('/metadata/namespace', `'${meta.namespace}' must be a DNS-1123 label`);
  }
  checkMeta(meta, '/metadata', err);
  const pod = podSpecOf(m);
  if (pod) {
    checkPodSpec(pod.spec, pod.path, err);
    if (pod.template) {
      checkMeta(pod.template.metadata ?? {}, `${pod.path.replace(/\/spec$/, '')}/metadata`, err);
    }
  }
  if (['Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet'].includes(m.kind) && m.apiVersion === 'apps/v1') {
    // ValidateDeploymentSpec & co.: a non-empty selector that selects the template's labels.
    const selector = m.spec?.selector ?? {};
    const labels = m.spec?.template?.metadata?.labels ?? {};
    if (Object.keys(selector.matchLabels ?? {}).length === 0 && (selector.matchExpressions ?? []).length === 0) {
      err('/spec/selector', 'empty selector is invalid for a workload');
    } else if (!selects(selector, labels)) {
      err('/spec/template/metadata/labels', '`selector` does not match template `labels`');
    }
  }
  if (m.kind === 'Service' && m.apiVersion === 'v1') {
    checkService(m.spec ?? {}, err);
  }
  if ((m.kind === 'ConfigMap' || m.kind === 'Secret') && m.apiVersion === 'v1') {
    // ValidateConfigMap / ValidateSecret: keys are IsConfigMapKey, unique across data and binaryData/stringData.
    const seen = new Set<string>();
    for (const field of ['data', 'binaryData', 'stringData']) {
      for (const key of Object.keys(m[field] ?? {})) {
        if (key.length > 253 || !CONFIG_MAP_KEY.test(key) || key === '.' || key === '..' || key.startsWith('..')) {
          err(`/${field}/${key}`, `'${key}' is not a valid ${m.kind} key (${CONFIG_MAP_KEY.source}, at most 253 characters, not '.' or '..')`);
        }
        if (seen.has(key) && field !== 'stringData') {
          err(`/${field}/${key}`, `duplicate of key '${key}' present in another field`);
        }
        seen.add(key);
      }
    }
  }
  return errors;
}

/** ValidateLabels and ValidateAnnotations (apimachinery/pkg/api/validation/objectmeta.go). */
function checkMeta(meta: any, path: string, err: (p: string, m: string) => void): void {
  for (const [k, v] of Object.entries<any>(meta.labels ?? {})) {
    if (!isQualifiedName(k)) {
      err(`${path}/labels`, `label key '${k}' is not a qualified name ([prefix/]name, name at most 63 characters of [-A-Za-z0-9_.] starting and ending alphanumeric)`);
    }
    if (typeof v === 'string' && !isLabelValue(v)) {
      err(`${path}/labels/${k}`, `label value '${v}' is not valid (at most 63 characters of [-A-Za-z0-9_.] starting and ending alphanumeric, or empty)`);
    }
  }
  let total = 0;
  for (const [k, v] of Object.entries<any>(meta.annotations ?? {})) {
    if (!isQualifiedName(k.toLowerCase())) {
      err(`${path}/annotations`, `annotation key '${k}' is not a qualified name`);
    }
    total += k.length + String(v).length;
  }
  if (total > ANNOTATIONS_LIMIT) {
    err(`${path}/annotations`, `annotations are ${total} bytes, over the ${ANNOTATIONS_LIMIT}-byte limit`);
  }
}

function podSpecOf(m: any): { spec: any; path: string; template?: any } | undefined {
  if (m.kind === 'Pod') {
    return m.spec ? { spec: m.spec, path: '/spec' } : undefined;
  }
  if (m.kind === 'CronJob') {
    const t = m.spec?.jobTemplate?.spec?.template;
    return t?.spec ? { spec: t.spec, path: '/spec/jobTemplate/spec/template/spec', template: t } : undefined;
  }
  if (['Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet', 'Job'].includes(m.kind)) {
    const t = m.spec?.template;
    return t?.spec ? { spec: t.spec, path: '/spec/template/spec', template: t } : undefined;
  }
  return undefined;
}

/** validateContainers / validateInitContainers / validateContainerPorts / validateEnv / ValidateResourceRequirements. */
function checkPodSpec(spec: any, path: string, err: (p: string, m: string) => void): void {
  const names = new Set<string>();
  for (const field of ['initContainers', 'containers']) {
    (spec[field] ?? []).forEach((c: any, i: number) => {
      const at = `${path}/${field}/${i}`;
      if (typeof c.name === 'string') {
        if (!isDns1123Label(c.name)) {
          err(`${at}/name`, `container name '${c.name}' must be a DNS-1123 label`);
        }
        if (names.has(c.name)) {
          err(`${at}/name`, `duplicate container name '${c.name}'`);
        }
        names.add(c.name);
      }
      const portNames = new Set<string>();
      (c.ports ?? []).forEach((p: any, j: number) => {
        if (p.name !== undefined) {
          if (!isPortName(p.name)) {
            err(`${at}/ports/${j}/name`, `port name '${p.name}' is not an IANA_SVC_NAME (at most 15 characters of [-a-z0-9], a letter, no '--', no leading or trailing '-')`);
          }
          if (portNames.has(p.name)) {
            err(`${at}/ports/${j}/name`, `duplicate port name '${p.name}'`);
          }
          portNames.add(p.name);
        }
        if (!isPort(p.containerPort)) {
          err(`${at}/ports/${j}/containerPort`, `${p.containerPort} must be between 1 and 65535, inclusive`);
        }
        if (p.hostPort !== undefined && p.hostPort !== 0 && !isPort(p.hostPort)) {
          err(`${at}/ports/${j}/hostPort`, `${p.hostPort} must be between 1 and 65535, inclusive`);
        }
      });
      (c.env ?? []).forEach((e: any, j: number) => {
        if (typeof e.name === 'string' && !isEnvVarName(e.name)) {
          err(`${at}/env/${j}/name`, `env var name '${e.name}' must be printable ASCII characters other than '=' (and not empty)`);
        }
      });
      const limits = c.resources?.limits ?? {};
      for (const [res, req] of Object.entries<any>(c.resources?.requests ?? {})) {
        const [r, l] = [parseQuantity(req), parseQuantity(limits[res])];
        if (req !== undefined && r === undefined) {
          err(`${at}/resources/requests/${res}`, `'${req}' is not a quantity`);
        }
        if (r !== undefined && l !== undefined && r > l) {
          err(`${at}/resources/requests/${res}`, `must be less than or equal to ${res} limit of ${limits[res]}`);
        }
      }
      for (const [res, lim] of Object.entries<any>(limits)) {
        if (parseQuantity(lim) === undefined) {
          err(`${at}/resources/limits/${res}`, `'${lim}' is not a quantity`);
        }
      }
    });
  }
}

/** ValidateService's ports (validateServicePort): names DNS labels, required and unique when several; ports in range. */
function checkService(spec: any, err: (p: string, m: string) => void): void {
  const ports: any[] = spec.ports ?? [];
  const names = new Set<string>();
  const keys = new Set<string>();
  ports.forEach((p, i) => {
    const at = `/spec/ports/${i}`;
    if (ports.length > 1 && !p.name) {
      err(`${at}/name`, 'a name is required when a Service has several ports');
    }
    if (p.name) {
      if (!isDns1123Label(p.name)) {
        err(`${at}/name`, `port name '${p.name}' must be a DNS-1123 label`);
      }
      if (names.has(p.name)) {
        err(`${at}/name`, `duplicate port name '${p.name}'`);
      }
      names.add(p.name);
    }
    if (!isPort(p.port)) {
      err(`${at}/port`, `${p.port} must be between 1 and 65535, inclusive`);
    }
    if (typeof p.targetPort === 'number' ? !isPort(p.targetPort) : p.targetPort !== undefined && !isPortName(p.targetPort)) {
      err(`${at}/targetPort`, `'${p.targetPort}' must be a port number between 1 and 65535 or an IANA_SVC_NAME`);
    }
    if (p.nodePort !== undefined && !isPort(p.nodePort)) {
      err(`${at}/nodePort`, `${p.nodePort} must be between 1 and 65535, inclusive`);
    }
    const key = `${p.port}/${p.protocol ?? 'TCP'}`;
    if (keys.has(key)) {
      err(at, `duplicate port ${key}`);
    }
    keys.add(key);
  });
}

/** Whether a LabelSelector selects the labels (matchLabels and matchExpressions). */
function selects(selector: any, labels: Record<string, string>): boolean {
  for (const [k, v] of Object.entries(selector.matchLabels ?? {})) {
    if (labels[k] !== v) {
      return false;
    }
  }
  for (const e of selector.matchExpressions ?? []) {
    const has = e.key in labels;
    const ok = e.operator === 'In' ? has && e.values.includes(labels[e.key])
      : e.operator === 'NotIn' ? !has || !e.values.includes(labels[e.key])
        : e.operator === 'Exists' ? has : !has;
    if (!ok) {
      return false;
    }
  }
  return true;
}

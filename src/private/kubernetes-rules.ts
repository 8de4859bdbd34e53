import { isIPv4, isIPv6 } from 'net';
import { ApiObject, Size, SizeRoundingBehavior } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import { IConstruct } from 'constructs';
import { checkType } from './enums';
import { reportError } from './errors';

/**
 * What the API server (and Istio's runtime: istio-iptables, the sidecar, the container runtime) refuses, checked
 * where the user gave the value, so that the error names the prop instead of failing at `kubectl apply`.
 *
 * The rules are those of the Kubernetes version cdk8s-plus-27 targets (1.27), the oldest the library supports.
 */

/** The largest value of the int32 fields Kubernetes and Istio's protos hold (replicas, attempts, limits...). */
export const INT32_MAX = 2147483647;

/** The largest value of Envoy's uint32 fields (a token bucket's tokens). */
export const UINT32_MAX = 4294967295;

/**
 * Checks that a number is a whole number from `min` that fits the int32 (or `max`) field it is written to. Props
 * that check their lower bound with a code of their own call this for values that passed, for the upper bound.
 *
 * @internal
 */
export function validateInt32(scope: IConstruct | string, prop: string, value: number | undefined, min: number, max: number = INT32_MAX): boolean {
  if (value === undefined || (Number.isInteger(value) && value >= min && value <= max)) {
    return true;
  }
  if (!checkType(scope, prop, value, 'number', `a whole number from ${min} to ${max}`)) {
    return false;
  }
  const problem = value > max ? `is larger than the field it is written to holds (${max})` : 'is invalid';
  reportError(scope, 'MESH0070', `${prop} ${value} ${problem}: use a whole number from ${min} to ${max}`);
  return false;
}

/**
 * Checks a name that becomes a Service's name: a DNS-1035 label, which unlike other names starts with a letter.
 * Call it on names that passed `validateDnsLabel`, so that a bad name is reported once.
 *
 * @internal
 */
export function validateServiceName(scope: IConstruct | string, prop: string, value: string): string {
  if (/^[0-9]/.test(value) && value.length <= 63 && /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(value)) {
    reportError(scope, 'MESH0001', `${prop} '${value}' is not a valid Service name: it must start with a letter (DNS-1035 label), e.g. 'svc-${value}'`);
  }
  return value;
}

/**
 * Checks a name the library builds from the user's input (`istiod-<revision>`): when it is longer than the object
 * allows, the input is reported with how much of it fits.
 *
 * @internal
 */
export function validateDerivedName(scope: IConstruct, prop: string, value: string, derived: string, what: string, max: number): boolean {
  if (derived.length <= max) {
    return true;
  }
  const left = max - (derived.length - value.length);
  reportError(scope, 'MESH0071', `${prop} '${value}' makes ${what} '${derived}' ${derived.length} characters long, over the limit of ${max}: shorten ${prop} to at most ${Math.max(left, 0)} characters`);
  return false;
}

// Kubernetes before 1.34 takes environment variable names of this form (validation.IsEnvVarName); 1.34 relaxed it
// to any printable ASCII but '='. The library targets 1.27 (cdk8s-plus-27), so the stricter rule applies.
const ENV_VAR_NAME = /^[-._a-zA-Z][-._a-zA-Z0-9]*$/;

/**
 * Checks the names of environment variables.
 *
 * @internal
 */
export function validateEnvNames(scope: IConstruct | string, prop: string, env: { [name: string]: string } | undefined): void {
  for (const name of Object.keys(env ?? {})) {
    if (!ENV_VAR_NAME.test(name)) {
      reportError(scope, 'MESH0072', `${prop} name '${name}' is not a valid environment variable name: use letters, digits, '_', '-' and '.', not starting with a digit`);
    }
  }
}

const QUALIFIED_NAME = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

function validKey(key: string): boolean {
  const slash = key.lastIndexOf('/');
  const prefix = slash < 0 ? undefined : key.slice(0, slash);
  const name = slash < 0 ? key : key.slice(slash + 1);
  if (prefix !== undefined && (prefix.length > 253 || !DNS_SUBDOMAIN.test(prefix))) {
    return false;
  }
  return name.length <= 63 && QUALIFIED_NAME.test(name);
}

function checkKeys(scope: IConstruct | string, prop: string, entries: { [key: string]: string }): void {
  for (const key of Object.keys(entries)) {
    if (!validKey(key)) {
      reportError(scope, 'MESH0073', `${prop} key '${key}' is not a valid key: use an optional DNS prefix and '/', then at most 63 letters, digits, '-', '_' and '.', starting and ending with a letter or digit (e.g. 'example.com/team')`);
    }
  }
}

/**
 * Checks labels the user gives: keys, and values (at most 63 characters, like a key's name, or empty).
 *
 * @internal
 */
export function validateLabels(scope: IConstruct | string, prop: string, labels: { [key: string]: string } | undefined): void {
  checkKeys(scope, prop, labels ?? {});
  for (const [key, value] of Object.entries(labels ?? {})) {
    if (typeof value !== 'string' || value.length > 63 || (value !== '' && !QUALIFIED_NAME.test(value))) {
      reportError(scope, 'MESH0074', `${prop} '${key}' has value '${value}', which is not a valid label value: use at most 63 letters, digits, '-', '_' and '.', starting and ending with a letter or digit`);
    }
  }
}

/**
 * Checks an image tag that is also written as the `app.kubernetes.io/version` label: a tag may be 128 characters and
 * end with '.' or '-', a label value may not. A value that is not an image tag is reported as such, not here.
 *
 * @internal
 */
export function validateVersionLabel(scope: IConstruct | string, prop: string, tag: string): string {
  if (/^[0-9A-Za-z_][0-9A-Za-z._-]{0,127}$/.test(tag) && !(tag.length <= 63 && QUALIFIED_NAME.test(tag))) {
    reportError(scope, 'MESH0074', `${prop} '${tag}' is written as the label app.kubernetes.io/version, which it cannot be: use at most 63 letters, digits, '-', '_' and '.', starting and ending with a letter or digit`);
  }
  return tag;
}

/** The total size of an object's annotations, keys and values, the API server allows. */
export const ANNOTATIONS_MAX_BYTES = 256 * 1024;

/**
 * Checks annotations the user gives: keys, and the total size (256 KiB for keys and values together).
 *
 * @internal
 */
export function validateAnnotations(scope: IConstruct | string, prop: string, annotations: { [key: string]: string } | undefined): void {
  checkKeys(scope, prop, annotations ?? {});
  const bytes = Object.entries(annotations ?? {}).reduce((sum, [k, v]) => sum + Buffer.byteLength(k) + Buffer.byteLength(String(v)), 0);
  if (bytes > ANNOTATIONS_MAX_BYTES) {
    reportError(scope, 'MESH0075', `${prop} take ${bytes} bytes, over the ${ANNOTATIONS_MAX_BYTES} bytes (256 KiB) an object's annotations may take: move large values to a ConfigMap`);
  }
}

/** A CPU quantity in millicores, or undefined when it does not parse. */
function millicores(amount: string): number | undefined {
  const m = /^(\d+(?:\.\d+)?|\.\d+)(m?)$/.exec(amount);
  if (!m) {
    return undefined;
  }
  return m[2] ? Number(m[1]) : Number(m[1]) * 1000;
}

function bytesOf(size: Size): number {
  return size.toKibibytes({ rounding: SizeRoundingBehavior.NONE }) * 1024;
}

/**
 * Checks container resources: quantities that parse and are not negative, and requests no larger than limits
 * (the API server refuses a pod whose request is above its limit).
 *
 * @internal
 */
export function validateResources(
  scope: IConstruct | string, prop: string, resources: kplus.ContainerResources | undefined, compare: boolean = true,
): void {
  if (!resources) {
    return;
  }
  const cpu = { request: resources.cpu?.request?.amount, limit: resources.cpu?.limit?.amount };
  let cpuOk = true;
  for (const [which, amount] of Object.entries(cpu)) {
    if (amount !== undefined && (millicores(String(amount)) === undefined || millicores(String(amount))! < 1)) {
      reportError(scope, 'MESH0076', `${prop}.cpu.${which} '${amount}' is not a CPU quantity: use Cpu.millis(n) or Cpu.units(n) with a positive number, at least 1m`);
      cpuOk = false;
    }
  }
  if (compare && cpuOk && cpu.request !== undefined && cpu.limit !== undefined && millicores(cpu.request)! > millicores(cpu.limit)!) {
    reportError(scope, 'MESH0076', `${prop}.cpu.request ${cpu.request} is above ${prop}.cpu.limit ${cpu.limit}: lower the request or raise the limit`);
  }
  for (const kind of ['memory', 'ephemeralStorage'] as const) {
    const r = resources[kind];
    let ok = true;
    for (const which of ['request', 'limit'] as const) {
      const size = r?.[which];
      if (size !== undefined && !(bytesOf(size) > 0)) {
        reportError(scope, 'MESH0076', `${prop}.${kind}.${which} ${bytesOf(size)} bytes is not a positive size: use e.g. Size.mebibytes(128)`);
        ok = false;
      }
    }
    if (compare && ok && r?.request && r?.limit && bytesOf(r.request) > bytesOf(r.limit)) {
      reportError(scope, 'MESH0076', `${prop}.${kind}.request ${bytesOf(r.request)} bytes is above ${prop}.${kind}.limit ${bytesOf(r.limit)} bytes: lower the request or raise the limit`);
    }
  }
}

/** A memory quantity as the library writes it (`128Mi`, `1Gi`, `1500Ki`), in bytes. */
function memoryBytes(quantity: string): number | undefined {
  const m = /^(\d+(?:\.\d+)?)(Ki|Mi|Gi|Ti)?$/.exec(quantity);
  const units: { [unit: string]: number } = { Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40 };
  return m ? Number(m[1]) * (m[2] ? units[m[2]] : 1) : undefined;
}

/**
 * The sidecar's requests above its limits, once the proxy options are merged with the control plane's defaults
 * (a request given alone may be above the default limit): messages for a construct's validation.
 *
 * @internal
 */
export function proxyRequestsAboveLimits(settings: { cpuRequest: string; cpuLimit: string; memoryRequest: string; memoryLimit: string }): string[] {
  const problems: string[] = [];
  const cpuRequest = millicores(settings.cpuRequest);
  const cpuLimit = millicores(settings.cpuLimit);
  if (cpuRequest !== undefined && cpuLimit !== undefined && cpuRequest > cpuLimit) {
    problems.push(`[MESH0076] the sidecar's CPU request ${settings.cpuRequest} is above its limit ${settings.cpuLimit} (proxy.resources here or on the control plane): lower proxy.resources.cpu.request or raise proxy.resources.cpu.limit`);
  }
  const memoryRequest = memoryBytes(settings.memoryRequest);
  const memoryLimit = memoryBytes(settings.memoryLimit);
  if (memoryRequest !== undefined && memoryLimit !== undefined && memoryRequest > memoryLimit) {
    problems.push(`[MESH0076] the sidecar's memory request ${settings.memoryRequest} is above its limit ${settings.memoryLimit} (proxy.resources here or on the control plane): lower proxy.resources.memory.request or raise proxy.resources.memory.limit`);
  }
  return problems;
}

/** The size of one object the API server stores (etcd's request limit is 1.5 MiB). */
export const OBJECT_MAX_BYTES = 1.5 * 1024 * 1024;

const DOMAIN = '(?:[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?(?:\\.[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)*(?::[0-9]+)?|\\[[0-9a-fA-F:]+\\](?::[0-9]+)?)';
const COMPONENT = '[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*';
const REPOSITORY = new RegExp(`^(?:${DOMAIN}/)?${COMPONENT}(?:/${COMPONENT})*$`);
const TAG = /^[\w][\w.-]{0,127}$/;
const DIGEST = /^[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,}$/;

/** Why a repository (no tag, no digest) is not one, or undefined. */
function repositoryProblem(repository: string): string | undefined {
  if (repository === '') {
    return 'it is empty';
  }
  // The first part is a registry when it looks like a host name; the path after it is lowercase.
  if (!REPOSITORY.test(repository) || repository.length > 255) {
    return "a repository is an optional registry ('registry.example.com/') and lowercase path parts of letters, digits, '.', '_' and '-' separated by '/'";
  }
  return undefined;
}

/**
 * Checks a container image reference: `[registry/]path[:tag][@digest]`.
 *
 * @internal
 */
export function validateImageReference(scope: IConstruct | string, prop: string, image: string): void {
  let rest = image;
  let problem: string | undefined;
  const at = rest.indexOf('@');
  if (at >= 0) {
    const digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
    if (!DIGEST.test(digest) || (digest.startsWith('sha256:') && digest.length !== 7 + 64)) {
      problem = `digest '${digest}' is not '<algorithm>:<hex>', e.g. 'sha256:' and 64 hex digits`;
    }
  }
  const slash = rest.lastIndexOf('/');
  const colon = rest.lastIndexOf(':');
  if (!problem && colon > slash) {
    const tag = rest.slice(colon + 1);
    rest = rest.slice(0, colon);
    if (!TAG.test(tag)) {
      problem = `tag '${tag}' is not a tag: use letters, digits, '.', '_' and '-' (at most 128), one tag only`;
    }
  }
  problem ??= repositoryProblem(rest);
  if (problem) {
    reportError(scope, 'MESH0078', `${prop} '${image}' is not an image reference (${problem}): write it as '[registry/]repository[:tag][@digest]', e.g. 'registry.example.com/team/app:1.0'`);
  }
}

/**
 * Checks an image hub (a registry and path the library appends `/<image>:<tag>` to).
 *
 * @internal
 */
export function validateHub(scope: IConstruct | string, prop: string, hub: string): string {
  const problem = repositoryProblem(hub) ?? (/[:@]/.test(hub.slice(hub.lastIndexOf('/') + 1)) ? 'it has a tag or digest' : undefined);
  if (problem) {
    reportError(scope, 'MESH0078', `${prop} '${hub}' is not an image hub (${problem}): give a registry and path without tag, e.g. 'docker.io/istio'`);
  }
  return hub;
}

/**
 * Whether a value is a CIDR range istio-iptables accepts: an IPv4 or IPv6 address and a prefix length that fits it.
 *
 * @internal
 */
export function isCidr(value: string): boolean {
  const m = /^([^/]+)\/(\d{1,3})$/.exec(value);
  if (!m) {
    return false;
  }
  const bits = Number(m[2]);
  if (isIPv4(m[1])) {
    return bits <= 32;
  }
  return isIPv6(m[1]) && !m[1].includes('.') && bits <= 128;
}

/**
 * The ports Istio's sidecar and gateways use themselves; an application port on one of them is taken over by
 * the proxy (or excluded from capture), so the application never receives its traffic.
 *
 * @see https://istio.io/latest/docs/ops/deployment/application-requirements/#ports-used-by-istio
 */
export const ISTIO_RESERVED_PORTS: ReadonlyMap<number, string> = new Map([
  [15000, 'Envoy admin'],
  [15001, 'outbound capture'],
  [15004, 'debug'],
  [15006, 'inbound capture'],
  [15008, 'HBONE mTLS tunnel'],
  [15009, 'HBONE secure network'],
  [15020, 'merged Prometheus telemetry'],
  [15021, 'health checks'],
  [15053, 'DNS capture'],
  [15090, 'Envoy Prometheus telemetry'],
]);

/**
 * Checks that a port is not one of Istio's own.
 *
 * @internal
 */
export function validateNotIstioPort(scope: IConstruct | string, prop: string, port: number): boolean {
  const use = ISTIO_RESERVED_PORTS.get(port);
  if (use === undefined) {
    return true;
  }
  reportError(scope, 'MESH0134', `${prop} ${port} is a port Istio's proxy uses itself (${use}): use another port`);
  return false;
}

/**
 * The kinds whose objects run pods (Pod Security judges their pod templates).
 *
 * @internal
 */
export const POD_KINDS = ['Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet', 'Job', 'CronJob', 'Pod'];

/**
 * Namespaces Istio's injection webhook never injects (kube-system, kube-public) or that are not for workloads.
 *
 * @internal
 */
export const SYSTEM_NAMESPACES = ['kube-system', 'kube-public', 'kube-node-lease'];

/**
 * Checks that a namespace whose workloads are meant to get a sidecar from Istio's webhook can get one: the
 * webhook leaves out the system namespaces, and the mesh leaves its root namespace out of injection.
 *
 * @internal
 */
export function validateInjectable(scope: IConstruct, namespace: string, rootNamespace: string, consequence: string, fix: string): void {
  if (SYSTEM_NAMESPACES.includes(namespace) || namespace === rootNamespace) {
    const why = namespace === rootNamespace ? "it is the mesh's root namespace" : 'Istio leaves system namespaces out';
    reportError(scope, 'MESH0079', `namespace '${namespace}' is never injected (${why}), so ${consequence}: ${fix}`);
  }
}

/**
 * Checks that the mesh's root namespace is not a Kubernetes system namespace: the mesh writes a Namespace
 * object for it (taking over, and on delete removing, the cluster's own), and istiod would run among the
 * cluster's system components.
 *
 * @internal
 */
export function validateRootNamespace(scope: IConstruct, namespace: string): string {
  if (SYSTEM_NAMESPACES.includes(namespace)) {
    reportError(scope, 'MESH0080', `rootNamespace '${namespace}' is a Kubernetes system namespace, which the mesh would write as its own Namespace (deleting the mesh would delete it): use a namespace of the mesh, e.g. 'istio-system'`);
  }
  return namespace;
}

const reportedSizes = new WeakMap<IConstruct, Set<string>>();
/** The synchronous run (and the tree generation in it) each object's size was last checked in. */
const CHECKED_SIZES = new WeakMap<ApiObject, { run: object; generation: number }>();
/** The current synchronous run, while it lasts. */
let sizeRun: object | undefined;

/**
 * Checks the serialized size of every object the charts write against what the API server stores (1.5 MiB),
 * reporting an object too large on the construct that owns it. Run at synth (from the mesh's validation), once
 * every late-bound value is known; reported once however often synthesis validates.
 *
 * @internal
 */
export function validateObjectSizes(charts: IConstruct[], generation: number): void {
  // cdk8s validates the whole app again for every chart it writes, and this renders every object: each object
  // once per synchronous run (a synthesis) while the tree's generation (`treeGeneration()`) stays the same.
  if (!sizeRun) {
    const run = {};
    sizeRun = run;
    queueMicrotask(() => sizeRun = sizeRun === run ? undefined : sizeRun);
  }
  for (const chart of charts) {
    for (const c of chart.node.findAll()) {
      if (!ApiObject.isApiObject(c)) {
        continue;
      }
      const checked = CHECKED_SIZES.get(c);
      if (checked?.run === sizeRun && checked.generation === generation) {
        continue;
      }
      CHECKED_SIZES.set(c, { run: sizeRun, generation });
      let bytes: number;
      try {
        bytes = Buffer.byteLength(JSON.stringify(c.toJson()));
      } catch {
        // An object that cannot render yet comes from an input already reported (a service without ports).
        continue;
      }
      if (bytes <= OBJECT_MAX_BYTES) {
        continue;
      }
      const owner = c.node.scope ?? c;
      const message = `${c.kind} '${c.name}' is ${bytes} bytes once serialized, over the ${OBJECT_MAX_BYTES} bytes (1.5 MiB) the API server stores: shorten the values that make it large, or split it`;
      const seen = reportedSizes.get(owner) ?? new Set<string>();
      reportedSizes.set(owner, seen);
      if (!seen.has(message)) {
        seen.add(message);
        reportError(owner, 'MESH0077', message);
      }
    }
  }
}

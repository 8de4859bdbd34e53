import { IConstruct } from 'constructs';
import { ProxyLogLevel, ProxyOptions } from './proxy';
import { checkArray, checkEnum, checkType } from '../private/enums';
import { reportError, reportWarning } from '../private/errors';
import { ENVOY_LOG_LEVELS, envoyComponentLogLevelProblem } from '../private/istio-rules';
import { isCidr, validateInt32, validateResources } from '../private/kubernetes-rules';
import { cpuQuantity, memoryQuantity } from '../private/quantities';

/**
 * Proxy options with every default resolved, as the strings the proxy takes.
 *
 * @internal
 */
export interface ProxySettings {
  readonly cpuRequest: string;
  readonly memoryRequest: string;
  readonly cpuLimit: string;
  readonly memoryLimit: string;
  readonly logLevel: ProxyLogLevel;
  readonly componentLogLevel: string;
  readonly includeInboundPorts: string;
  readonly excludeInboundPorts: string;
  readonly includeOutboundPorts: string;
  readonly excludeOutboundPorts: string;
  readonly includeOutboundIpRanges: string;
  readonly excludeOutboundIpRanges: string;
  readonly holdApplicationUntilProxyStarts: boolean;
  readonly nativeSidecar: boolean;
  readonly concurrency?: number;
}

/** Istio's own proxy defaults. @internal */
export const ISTIO_PROXY_DEFAULTS: ProxySettings = {
  cpuRequest: '100m',
  memoryRequest: '128Mi',
  cpuLimit: '2',
  memoryLimit: '1Gi',
  logLevel: ProxyLogLevel.WARNING,
  componentLogLevel: 'misc:error',
  includeInboundPorts: '*',
  excludeInboundPorts: '',
  includeOutboundPorts: '',
  excludeOutboundPorts: '',
  includeOutboundIpRanges: '*',
  excludeOutboundIpRanges: '',
  holdApplicationUntilProxyStarts: false,
  nativeSidecar: true,
};

/**
 * Applies `options` over `base`, validating each (see `validateProxyOptions`): an invalid value is reported
 * and left out, so `base` stands in for it.
 *
 * @internal
 */
export function resolveProxy(scope: IConstruct | string, base: ProxySettings, options: ProxyOptions = {}): ProxySettings {
  return mergeProxy(base, validateProxyOptions(scope, options));
}

/**
 * Checks a workload's proxy options. A construct records each problem and goes on (a factory, named by a
 * string, throws at the first); the options come back without the invalid values, so that nothing rendered
 * from them carries one.
 *
 * @internal
 */
export function validateProxyOptions(scope: IConstruct | string, options: ProxyOptions = {}): ProxyOptions {
  const valid: { -readonly [K in keyof ProxyOptions]: ProxyOptions[K] } = { ...options };
  if (!checkEnum(scope, 'proxy.logLevel', options.logLevel, ProxyLogLevel, 'ProxyLogLevel')) {
    valid.logLevel = undefined;
  }
  for (const prop of ['holdApplicationUntilProxyStarts', 'nativeSidecar'] as const) {
    if (!checkType(scope, `proxy.${prop}`, options[prop], 'boolean')) {
      valid[prop] = undefined;
    }
  }
  for (const prop of ['includeInboundPorts', 'excludeInboundPorts', 'includeOutboundPorts', 'excludeOutboundPorts'] as const) {
    valid[prop] = !checkArray(scope, `proxy.${prop}`, options[prop]) ? undefined : options[prop]?.filter(p => {
      const ok = Number.isInteger(p) && p >= 1 && p <= 65535;
      if (!ok) {
        reportError(scope, 'MESH0026', `proxy.${prop} has port ${p}: use whole numbers from 1 to 65535`);
      }
      return ok;
    });
  }
  for (const prop of ['includeOutboundIpRanges', 'excludeOutboundIpRanges'] as const) {
    valid[prop] = !checkArray(scope, `proxy.${prop}`, options[prop]) ? undefined : options[prop]?.filter(cidr => {
      // '*' is istio-iptables' "every address" (its default), which only an include list takes.
      const ok = isCidr(cidr) || prop === 'includeOutboundIpRanges' && cidr === '*';
      if (!ok) {
        reportError(scope, 'MESH0027', `proxy.${prop} has '${cidr}', which is not a CIDR range: write it as '10.0.0.0/8' or 'fd00::/8'`);
      }
      return ok;
    });
  }
  const excluded = new Set(valid.excludeInboundPorts ?? []);
  const both = [...new Set(valid.includeInboundPorts ?? [])].filter(p => excluded.has(p));
  if (both.length > 0 && typeof scope !== 'string') {
    // istio-iptables reads excludeInboundPorts only when every port is included ('*'): a listed port is redirected.
    reportWarning(scope, 'MESH0190', `proxy.includeInboundPorts and proxy.excludeInboundPorts both list ${both.join(', ')}: with listed include ports Istio ignores excludeInboundPorts, so the proxy still takes that traffic, list each port in one of them`);
  }
  if (options.concurrency !== undefined && (!Number.isInteger(options.concurrency) || options.concurrency < 0)) {
    reportError(scope, 'MESH0028', `proxy.concurrency ${options.concurrency} is invalid: use a whole number of worker threads (0 for one per CPU core)`);
    valid.concurrency = undefined;
  } else if (!validateInt32(scope, 'proxy.concurrency', options.concurrency, 0)) {
    valid.concurrency = undefined;
  }
  // Requests are compared with limits once merged with the defaults: see proxyRequestsAboveLimits.
  validateResources(scope, 'proxy.resources', options.resources, false);
  // Envoy's own parser: an unknown level stops the proxy at start.
  const logLevelProblem = options.componentLogLevel !== undefined ? envoyComponentLogLevelProblem(options.componentLogLevel) : undefined;
  if (logLevelProblem?.level !== undefined) {
    reportError(scope, 'MESH0029', `proxy.componentLogLevel '${options.componentLogLevel}' has the level '${logLevelProblem.level}', which Envoy does not know: use ${ENVOY_LOG_LEVELS.join(', ')}`);
    valid.componentLogLevel = undefined;
  } else if (logLevelProblem) {
    reportError(scope, 'MESH0029', `proxy.componentLogLevel '${options.componentLogLevel}' is invalid: write '<component>:<level>' pairs separated by commas, e.g. 'misc:error,upstream:debug'`);
    valid.componentLogLevel = undefined;
  }
  return valid;
}

/**
 * A workload's proxy settings: its options over its control plane's defaults (checked with `validateProxyOptions`).
 *
 * @internal
 */
export function mergeProxy(base: ProxySettings, options: ProxyOptions = {}): ProxySettings {
  const list = (values: Array<number | string> | undefined, fallback: string) => values === undefined ? fallback : values.join(',');
  const r = options.resources;
  return {
    cpuRequest: r?.cpu?.request ? cpuQuantity(r.cpu.request) : base.cpuRequest,
    memoryRequest: r?.memory?.request ? memoryQuantity(r.memory.request) : base.memoryRequest,
    cpuLimit: r?.cpu?.limit ? cpuQuantity(r.cpu.limit) : base.cpuLimit,
    memoryLimit: r?.memory?.limit ? memoryQuantity(r.memory.limit) : base.memoryLimit,
    logLevel: options.logLevel ?? base.logLevel,
    componentLogLevel: options.componentLogLevel ?? base.componentLogLevel,
    includeInboundPorts: list(options.includeInboundPorts, base.includeInboundPorts),
    excludeInboundPorts: list(options.excludeInboundPorts, base.excludeInboundPorts),
    includeOutboundPorts: list(options.includeOutboundPorts, base.includeOutboundPorts),
    excludeOutboundPorts: list(options.excludeOutboundPorts, base.excludeOutboundPorts),
    includeOutboundIpRanges: list(options.includeOutboundIpRanges, base.includeOutboundIpRanges),
    excludeOutboundIpRanges: list(options.excludeOutboundIpRanges, base.excludeOutboundIpRanges),
    holdApplicationUntilProxyStarts: options.holdApplicationUntilProxyStarts ?? base.holdApplicationUntilProxyStarts,
    nativeSidecar: options.nativeSidecar ?? base.nativeSidecar,
    concurrency: options.concurrency ?? base.concurrency,
  };
}

import { IConstruct } from 'constructs';
import { ClientTls } from './client-tls';
import { ConnectionPool } from './connection-pool';
import { LoadBalancer } from './load-balancer';
import { OutlierDetection } from './outlier-detection';
import { CircuitBreaker } from './resilience';
import * as istio from '../imports/istio-networking';
import { checkArray } from '../private/enums';
import { reportError, required } from '../private/errors';
import { validatePort } from '../private/names';

/**
 * How clients connect to a destination (a service, one of its versions, one of its ports): the settings of a
 * DestinationRule's `trafficPolicy`. `circuitBreaker` is a shorthand for the common fields of `connectionPool`
 * and `outlierDetection`; a field both set is an error.
 *
 * @see https://istio.io/latest/docs/reference/config/networking/destination-rule/#TrafficPolicy
 */
export interface DestinationPolicyOptions {
  /**
   * Connection limits and outlier detection, in short.
   *
   * @default - no limits
   */
  readonly circuitBreaker?: CircuitBreaker;

  /**
   * How clients pick an endpoint.
   *
   * @default - Istio's default: LEAST_REQUEST
   */
  readonly loadBalancer?: LoadBalancer;

  /**
   * Every connection pool setting of Istio (TCP and HTTP), beside or instead of `circuitBreaker`.
   *
   * @default - Istio's defaults
   */
  readonly connectionPool?: ConnectionPool;

  /**
   * Every outlier detection setting of Istio, beside or instead of `circuitBreaker`'s `consecutiveErrors`.
   *
   * @default - no outlier detection
   */
  readonly outlierDetection?: OutlierDetection;

  /**
   * The TLS clients use towards the destination: `ClientTls.istioMutual()` or `ClientTls.disable()` for a mesh
   * workload (without turning auto mTLS off for the whole mesh), `ClientTls.simple()` or `ClientTls.mutual()` for
   * a service that serves TLS of its own.
   *
   * @default - Istio's auto mTLS (or, with the mesh's `autoMtls: false`, the TLS the destination's mTLS mode needs)
   * @see https://istio.io/latest/docs/reference/config/networking/destination-rule/#ClientTLSSettings
   */
  readonly tls?: ClientTls;
}

/**
 * Connection settings for one port of a service (a DestinationRule's `portLevelSettings`): they replace the
 * service's own settings, field by field, for traffic to that port.
 *
 * @see https://istio.io/latest/docs/reference/config/networking/destination-rule/#TrafficPolicy-PortTrafficPolicy
 */
export interface PortPolicy extends DestinationPolicyOptions {
  /** The port, one of the service's (its `port`, not its `targetPort`). */
  readonly port: number;
}

/** The settings of a destination policy, each with the method its factory gives and the factory to name. */
const FACTORIES: { readonly [setting: string]: [method: string, type: string, factory: string] } = {
  circuitBreaker: ['_connectionPool', 'CircuitBreaker', 'CircuitBreaker.of({ ... })'],
  loadBalancer: ['_toIstio', 'LoadBalancer', 'LoadBalancer.roundRobin() or another LoadBalancer factory'],
  connectionPool: ['_toIstio', 'ConnectionPool', 'ConnectionPool.of({ ... })'],
  outlierDetection: ['_toIstio', 'OutlierDetection', 'OutlierDetection.of({ ... })'],
  tls: ['_toIstio', 'ClientTls', 'ClientTls.istioMutual() or another ClientTls factory'],
};

/**
 * The names of the destination settings `p` gives.
 *
 * @internal
 */
export function destinationSettingsOf(p: DestinationPolicyOptions | undefined): string[] {
  return Object.keys(FACTORIES).filter(name => (p as { [k: string]: unknown } | undefined)?.[name] !== undefined);
}

/**
 * `p`'s destination settings that were made by their factories (any other value, a plain object from JavaScript,
 * is MESH0096 and left out), after checking that `circuitBreaker` and the full settings set no field twice (MESH0856).
 * `label` names where the settings are (`''` for a service's own, `version 'v2' trafficPolicy ` for a version's).
 *
 * @internal
 */
export function checkedDestinationPolicy(scope: IConstruct, label: string, p: DestinationPolicyOptions): DestinationPolicyOptions {
  const checked: { [setting: string]: unknown } = {};
  for (const [setting, [method, type, factory]] of Object.entries(FACTORIES)) {
    const value = (p as { [k: string]: any })[setting];
    if (value !== undefined && typeof value?.[method] !== 'function') {
      reportError(scope, 'MESH0096', `${label}${setting} is not ${/^[AEIOU]/.test(type) ? 'an' : 'a'} ${type}: make it with ${factory}`);
    } else {
      checked[setting] = value;
    }
  }
  const policy = checked as DestinationPolicyOptions;
  const twice = fieldsSetTwice(policy);
  if (twice.length > 0) {
    const others = twice.map(t => t.split('.')[0]).filter((v, i, all) => all.indexOf(v) === i);
    reportError(scope, 'MESH0856', `${label}circuitBreaker sets ${twice.join(', ')}, which ${others.join(' and ')} ${others.length > 1 ? 'set' : 'sets'} too: set each field in one place (circuitBreaker is a shorthand for some of them)`);
  }
  return policy;
}

/** The Istio fields (`connectionPool.tcp.maxConnections`) that `circuitBreaker` and the full settings both set. */
function fieldsSetTwice(p: DestinationPolicyOptions): string[] {
  if (!p.circuitBreaker) {
    return [];
  }
  const leaves = (prefix: string, o: object | undefined): string[] => Object.entries(o ?? {})
    .filter(([, v]) => v !== undefined)
    .flatMap(([k, v]) => typeof v === 'object' && !Array.isArray(v) && Object.keys(v).length > 0 ? leaves(`${prefix}.${k}`, v) : [`${prefix}.${k}`]);
  const shorthand = [...leaves('connectionPool', p.circuitBreaker._connectionPool()), ...leaves('outlierDetection', p.circuitBreaker._outlierDetection())];
  const full = [...leaves('connectionPool', p.connectionPool?._toIstio()), ...leaves('outlierDetection', p.outlierDetection?._toIstio())];
  // In Istio's spelling, not the generated binding's (consecutive5XxErrors).
  return shorthand.filter(f => full.includes(f)).map(f => f.replace('5Xx', '5xx'));
}

/**
 * The DestinationRule `trafficPolicy` fields of a destination policy: `circuitBreaker` merged with the full
 * settings (which set no field twice, see `checkedDestinationPolicy`).
 *
 * @internal
 */
export function destinationPolicyToIstio(p: DestinationPolicyOptions | undefined): istio.DestinationRuleSpecTrafficPolicy {
  const pool = merge(p?.circuitBreaker?._connectionPool(), p?.connectionPool?._toIstio());
  const outliers = p?.outlierDetection || p?.circuitBreaker?.detectsOutliers
    ? { ...p?.circuitBreaker?._outlierDetection(), ...defined(p?.outlierDetection?._toIstio()) }
    : undefined;
  return {
    loadBalancer: p?.loadBalancer?._toIstio(),
    connectionPool: pool,
    outlierDetection: outliers,
    tls: p?.tls?._toIstio(),
  };
}

type Pool = istio.DestinationRuleSpecTrafficPolicyConnectionPool;

function merge(a: Pool | undefined, b: Pool | undefined): Pool | undefined {
  if (!a || !b) {
    return a ?? b;
  }
  const tcp = a.tcp || b.tcp ? { ...a.tcp, ...defined(b.tcp) } : undefined;
  const http = a.http || b.http ? { ...a.http, ...defined(b.http) } : undefined;
  return { tcp, http };
}

function defined<T extends object>(o: T | undefined): Partial<T> {
  return Object.fromEntries(Object.entries(o ?? {}).filter(([, v]) => v !== undefined)) as Partial<T>;
}

/**
 * Whether a rendered traffic policy says anything.
 *
 * @internal
 */
export function hasPolicy(p: object | undefined): boolean {
  return p !== undefined && Object.values(p).some(v => v !== undefined);
}

/**
 * Checks a service's port policies: each names a port of the service (MESH0861), once (MESH0862), and sets
 * something (MESH0864). Returns the valid ones.
 *
 * @internal
 */
export function checkedPortPolicies(scope: IConstruct, serviceName: string, ports: number[], policies?: PortPolicy[]): PortPolicy[] | undefined {
  if (policies === undefined || !checkArray(scope, 'portPolicies', policies)) {
    return undefined;
  }
  const seen = new Set<number>();
  const valid: PortPolicy[] = [];
  for (const [i, policy] of policies.entries()) {
    const label = `portPolicies[${i}] `;
    const port = policy?.port;
    if (port === undefined || port === null) {
      required(scope, `portPolicies[${i}].port`, port, 'name the port the settings are for, e.g. { port: 8080, ... }', 0);
      continue;
    }
    validatePort(scope, `portPolicies[${i}].port`, port);
    if (!Number.isInteger(port) || port < 1 || port > 65535) {
      continue;
    }
    if (!ports.includes(port)) {
      reportError(scope, 'MESH0861', `${label}names port ${port}, which is not a port of service '${serviceName}' (ports: ${ports.join(', ')}): name one of its ports`);
      continue;
    }
    if (seen.has(port)) {
      reportError(scope, 'MESH0862', `${label}names port ${port} again: give each port one policy`);
      continue;
    }
    seen.add(port);
    if (destinationSettingsOf(policy).length === 0) {
      reportError(scope, 'MESH0864', `${label}for port ${port} sets nothing: give circuitBreaker, loadBalancer, connectionPool or outlierDetection, or remove it`);
      continue;
    }
    valid.push({ port, ...checkedDestinationPolicy(scope, label, policy) });
  }
  return valid;
}

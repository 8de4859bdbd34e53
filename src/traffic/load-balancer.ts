import { Duration } from 'cdk8s';
import * as istio from '../imports/istio-networking';
import { checkCount, checkPolicyDuration } from '../private/destination-values';
import { istioDuration } from '../private/duration';
import { checkArray, checkType } from '../private/enums';
import { meshError, required } from '../private/errors';
import { checkDuration } from '../private/istio-rules';
import { HTTP_TOKEN } from '../private/names';

/**
 * Traffic that fails over from one locality to another when the first has no healthy endpoints.
 */
export interface LocalityFailover {
  /** The client's region. */
  readonly from: string;
  /** The region to fail over to. */
  readonly to: string;
}

/**
 * How traffic from one locality is spread over others.
 */
export interface LocalityDistribution {
  /** The client's locality, `region/zone/subzone`; `*` matches any segment. */
  readonly from: string;
  /** Destination locality to percentage of traffic; the percentages add up to 100. */
  readonly to: { [locality: string]: number };
}

/**
 * Locality-aware load balancing: prefer endpoints near the client, with failover or a fixed distribution.
 *
 * @see https://istio.io/latest/docs/reference/config/networking/destination-rule/#LocalityLoadBalancerSetting
 */
export interface LocalityLoadBalancing {
  /**
   * Region-to-region failover; exclusive with `distribute`.
   *
   * @default - fail over to the next-nearest locality
   */
  readonly failover?: LocalityFailover[];

  /**
   * Explicit traffic distribution per client locality; exclusive with `failover`.
   *
   * @default - all traffic to the client's own locality while it is healthy
   */
  readonly distribute?: LocalityDistribution[];

  /**
   * Node labels that order failover, most important first (e.g. `topology.kubernetes.io/region`).
   *
   * @default - region, zone, subzone
   */
  readonly failoverPriority?: string[];
}

/**
 * Options shared by every load balancer.
 */
export interface LoadBalancerOptions {
  /**
   * Locality-aware load balancing. Istio applies it only when outlier detection is on
   * (`CircuitBreaker.of({ consecutiveErrors })`), so the mesh analysis warns without one.
   *
   * @default - locality-agnostic
   */
  readonly locality?: LocalityLoadBalancing;
}

/**
 * Slow start: an endpoint that just joined gets a growing share of traffic over a time, rather than its full share
 * at once (a JVM or a cache that must warm up).
 *
 * @see https://istio.io/latest/docs/reference/config/networking/destination-rule/#WarmupConfiguration
 */
export interface LoadBalancerWarmup {
  /** How long an endpoint's share of traffic grows. */
  readonly duration: Duration;
  /**
   * The share of its traffic an endpoint gets at first, as a percentage.
   *
   * @default - Istio's default, 10
   */
  readonly minimumPercent?: number;
  /**
   * How fast the share grows: 1 is linear, more is faster at first.
   *
   * @default - Istio's default, 1
   */
  readonly aggression?: number;
}

/**
 * Options of `LoadBalancer.roundRobin()` and `LoadBalancer.leastRequest()`, the load balancers that warm up.
 */
export interface WarmupLoadBalancerOptions extends LoadBalancerOptions {
  /**
   * Slow start of new endpoints.
   *
   * @default - an endpoint gets its full share at once
   */
  readonly warmup?: LoadBalancerWarmup;
}

/**
 * The consistent hash Envoy uses to map a hash key to an endpoint.
 *
 * @see https://istio.io/latest/docs/reference/config/networking/destination-rule/#LoadBalancerSettings-ConsistentHashLB
 */
export class HashAlgorithm {
  /**
   * A ring hash (ketama) of at least `minimumRingSize` virtual nodes (larger rings spread keys more evenly).
   *
   * @default - minimumRingSize: Envoy's default, 1024
   */
  public static ringHash(minimumRingSize?: number): HashAlgorithm {
    checkCount('HashAlgorithm.ringHash', 'minimumRingSize', minimumRingSize, 1, 8_388_608);
    return new HashAlgorithm({ ringHash: { minimumRingSize } });
  }

  /**
   * Maglev hashing with a lookup table of `tableSize` entries, a prime (Istio's default algorithm).
   *
   * @default - tableSize: Envoy's default, 65537
   */
  public static maglev(tableSize?: number): HashAlgorithm {
    const where = 'HashAlgorithm.maglev';
    checkCount(where, 'tableSize', tableSize, 2, 5_000_011);
    if (tableSize !== undefined && !isPrime(tableSize)) {
      throw meshError('MESH0858', where, `tableSize ${tableSize} is not a prime number: Envoy needs a prime table size, e.g. 65537 (the default)`);
    }
    return new HashAlgorithm({ maglev: { tableSize } });
  }

  private constructor(
    /** @internal */
    public readonly _fields: istio.DestinationRuleSpecTrafficPolicyLoadBalancerConsistentHash,
  ) {}
}

/**
 * Options of the consistent-hash load balancers.
 */
export interface HashOptions extends LoadBalancerOptions {
  /**
   * The hash algorithm.
   *
   * @default - Istio's default, HashAlgorithm.maglev()
   */
  readonly algorithm?: HashAlgorithm;
}

/**
 * An attribute of the cookie Envoy generates for `LoadBalancer.consistentHashByCookie()` (e.g. `SameSite=Strict`, `Secure`).
 */
export interface CookieAttribute {
  /** The attribute's name, e.g. `SameSite`. */
  readonly name: string;
  /**
   * Its value.
   *
   * @default - none: a flag, as `Secure` or `HttpOnly`
   */
  readonly value?: string;
}

/**
 * Options of `LoadBalancer.consistentHashByCookie()`.
 */
export interface CookieHashOptions extends HashOptions {
  /**
   * Lifetime of the cookie Envoy sets when the request has none; without it, no cookie is generated.
   *
   * @default - no cookie is generated
   */
  readonly ttl?: Duration;
  /**
   * Path of the generated cookie.
   *
   * @default - no path
   */
  readonly path?: string;
  /**
   * More attributes of the generated cookie.
   *
   * @default - none
   */
  readonly attributes?: CookieAttribute[];
}

const LOCALITY = /^(\*|[^/*]+(\/(\*|[^/*]+(\/(\*|[^/*]+))?))?)$/;

/**
 * How a client's sidecar picks an endpoint of a service.
 *
 * @see https://istio.io/latest/docs/reference/config/networking/destination-rule/#LoadBalancerSettings
 */
export abstract class LoadBalancer {
  /** Each endpoint in turn. */
  public static roundRobin(options: WarmupLoadBalancerOptions = {}): LoadBalancer {
    return new SimpleLoadBalancer('ROUND_ROBIN', options, checkedWarmup('LoadBalancer.roundRobin', options?.warmup));
  }

  /** The endpoint with fewer outstanding requests, of two picked at random (Istio's default). */
  public static leastRequest(options: WarmupLoadBalancerOptions = {}): LoadBalancer {
    return new SimpleLoadBalancer('LEAST_REQUEST', options, checkedWarmup('LoadBalancer.leastRequest', options?.warmup));
  }

  /** A random endpoint. */
  public static random(options: LoadBalancerOptions = {}): LoadBalancer {
    noWarmup('LoadBalancer.random', 'RANDOM', options);
    return new SimpleLoadBalancer('RANDOM', options);
  }

  /** Session affinity on the value of a query parameter of the request. */
  public static consistentHashByQueryParameter(name: string, options: HashOptions = {}): LoadBalancer {
    const where = 'LoadBalancer.consistentHashByQueryParameter';
    checkType(where, 'name', name, 'string', "a parameter name, e.g. 'user'");
    if (typeof name !== 'string' || name === '' || /[&=#?\s]/.test(name)) {
      throw meshError('MESH0859', where, `name ${JSON.stringify(name)} is not a query parameter name: give a non-empty name without '&', '=', '#' or spaces, e.g. 'user'`);
    }
    return new HashLoadBalancer({ httpQueryParameterName: name }, options, where);
  }

  /** Session affinity on the value of an HTTP header. */
  public static consistentHashByHeader(headerName: string, options: HashOptions = {}): LoadBalancer {
    required('LoadBalancer.consistentHashByHeader', 'headerName', headerName, "name the header to hash on, e.g. 'x-user'");
    checkType('LoadBalancer.consistentHashByHeader', 'headerName', headerName, 'string', "a header name, e.g. 'x-user'");
    if (!HTTP_TOKEN.test(headerName)) {
      throw meshError('MESH0030', 'LoadBalancer.consistentHashByHeader', `headerName '${headerName}' is not an HTTP header name: use letters, digits and '-'`);
    }
    return new HashLoadBalancer({ httpHeaderName: headerName.toLowerCase() }, options, 'LoadBalancer.consistentHashByHeader');
  }

  /** Session affinity on an HTTP cookie, generated by Envoy when `ttl` is set and the request has none. */
  public static consistentHashByCookie(name: string, options: CookieHashOptions = {}): LoadBalancer {
    if (!HTTP_TOKEN.test(name)) {
      throw meshError('MESH0030', 'LoadBalancer.consistentHashByCookie', `name '${name}' is not a cookie name: use letters, digits and '-'`);
    }
    if (options.ttl) {
      checkDuration('LoadBalancer.consistentHashByCookie', 'MESH0160', 'ttl', options.ttl);
    }
    // A cookie Path that is not absolute is ignored by browsers (RFC 6265 section 5.2.4), which then use the request's directory.
    if (options.path !== undefined && (typeof options.path !== 'string' || !/^\/[\x21-\x3a\x3c-\x7e]*$/.test(options.path))) {
      throw meshError('MESH0187', 'LoadBalancer.consistentHashByCookie', `path ${JSON.stringify(options.path)} is not an absolute path: a cookie path starts with '/' and has no spaces, ';' or control characters (RFC 6265), e.g. '/api'`);
    }
    const attributes = checkedCookieAttributes(options.attributes);
    return new HashLoadBalancer({
      httpCookie: { name, ttl: options.ttl ? istioDuration(options.ttl) : undefined, path: options.path, attributes },
    }, options, 'LoadBalancer.consistentHashByCookie');
  }

  /** Session affinity on the client's IP address. */
  public static consistentHashBySourceIp(options: HashOptions = {}): LoadBalancer {
    return new HashLoadBalancer({ useSourceIp: true }, options, 'LoadBalancer.consistentHashBySourceIp');
  }

  /** Locality settings, if any. */
  public readonly locality?: LocalityLoadBalancing;

  protected constructor(options: LoadBalancerOptions) {
    this.locality = options.locality ? validateLocality(options.locality) : undefined;
  }

  /** @internal */
  public abstract _toIstio(): istio.DestinationRuleSpecTrafficPolicyLoadBalancer;

  /** @internal */
  protected _localityToIstio(): istio.DestinationRuleSpecTrafficPolicyLoadBalancerLocalityLbSetting | undefined {
    const l = this.locality;
    if (!l) {
      return undefined;
    }
    return {
      enabled: true,
      failover: l.failover?.map(f => ({ from: f.from, to: f.to })),
      distribute: l.distribute?.map(d => ({ from: d.from, to: { ...d.to } })),
      failoverPriority: l.failoverPriority ? [...l.failoverPriority] : undefined,
    };
  }
}

class SimpleLoadBalancer extends LoadBalancer {
  public constructor(private readonly simple: string, options: LoadBalancerOptions, private readonly warmup?: LoadBalancerWarmup) {
    super(options);
  }

  public _toIstio(): istio.DestinationRuleSpecTrafficPolicyLoadBalancer {
    const w = this.warmup;
    return {
      simple: this.simple as istio.DestinationRuleSpecTrafficPolicyLoadBalancerSimple,
      warmup: w ? { duration: istioDuration(w.duration), minimumPercent: w.minimumPercent, aggression: w.aggression } : undefined,
      localityLbSetting: this._localityToIstio(),
    };
  }
}

class HashLoadBalancer extends LoadBalancer {
  private readonly hash: istio.DestinationRuleSpecTrafficPolicyLoadBalancerConsistentHash;

  public constructor(key: istio.DestinationRuleSpecTrafficPolicyLoadBalancerConsistentHash, options: HashOptions, where: string) {
    super(options);
    noWarmup(where, 'a consistent hash', options);
    const algorithm = options?.algorithm;
    if (algorithm !== undefined && !(algorithm instanceof HashAlgorithm)) {
      throw meshError('MESH0096', where, 'algorithm is not a HashAlgorithm: make it with HashAlgorithm.ringHash() or HashAlgorithm.maglev()');
    }
    this.hash = { ...key, ...algorithm?._fields };
  }

  public _toIstio(): istio.DestinationRuleSpecTrafficPolicyLoadBalancer {
    return { consistentHash: this.hash, localityLbSetting: this._localityToIstio() };
  }
}

/** A warmup checked as istiod checks it: a duration of at least 1ms, a minimumPercent of 0 to 100, an aggression above 0. */
function checkedWarmup(where: string, warmup: LoadBalancerWarmup | undefined): LoadBalancerWarmup | undefined {
  if (warmup === undefined) {
    return undefined;
  }
  required(where, 'warmup.duration', warmup.duration, 'give how long the warmup lasts, e.g. { duration: Duration.minutes(1) }');
  checkPolicyDuration(where, 'warmup.duration', warmup.duration);
  checkType(where, 'warmup.minimumPercent', warmup.minimumPercent, 'number');
  if (warmup.minimumPercent !== undefined && (warmup.minimumPercent < 0 || warmup.minimumPercent > 100)) {
    throw meshError('MESH0852', where, `warmup.minimumPercent ${warmup.minimumPercent} is not a percentage: use a number from 0 to 100`);
  }
  checkType(where, 'warmup.aggression', warmup.aggression, 'number');
  if (warmup.aggression !== undefined && !(warmup.aggression > 0)) {
    throw meshError('MESH0857', where, `warmup.aggression ${warmup.aggression} is not above 0: use 1 for a linear warmup, more for a faster one`);
  }
  return { ...warmup };
}

/** Warmup (from JavaScript) on a load balancer istiod refuses it with. */
function noWarmup(where: string, what: string, options: unknown): void {
  if ((options as { warmup?: unknown } | undefined)?.warmup !== undefined) {
    throw meshError('MESH0857', where, `warmup applies only to LoadBalancer.roundRobin() and LoadBalancer.leastRequest() (istiod refuses it with ${what}): drop it, or use one of them`);
  }
}

/** A cookie attribute name is a token; its value has no ';' or control characters (RFC 6265). */
type RenderedCookieAttribute = istio.DestinationRuleSpecTrafficPolicyLoadBalancerConsistentHashHttpCookieAttributes;

function checkedCookieAttributes(attributes?: CookieAttribute[]): RenderedCookieAttribute[] | undefined {
  const where = 'LoadBalancer.consistentHashByCookie';
  if (attributes === undefined || !checkArray(where, 'attributes', attributes)) {
    return undefined;
  }
  const names: string[] = [];
  attributes.forEach((a, i) => {
    if (typeof a?.name !== 'string' || !HTTP_TOKEN.test(a.name)) {
      throw meshError('MESH0860', where, `attributes[${i}] name ${JSON.stringify(a?.name)} is not a cookie attribute name: use letters, digits and '-', e.g. 'SameSite'`);
    }
    if (a.value !== undefined && (typeof a.value !== 'string' || !/^[\x20-\x3a\x3c-\x7e]*$/.test(a.value))) {
      throw meshError('MESH0860', where, `attributes[${i}] '${a.name}' value ${JSON.stringify(a.value)} has ';' or control characters, which end a cookie attribute: give a plain value, e.g. 'Strict'`);
    }
    if (names.includes(a.name.toLowerCase())) {
      throw meshError('MESH0860', where, `attributes[${i}] '${a.name}' is given twice: give each attribute once`);
    }
    names.push(a.name.toLowerCase());
  });
  return attributes.length === 0 ? undefined : attributes.map(a => ({ name: a.name, value: a.value }));
}

function isPrime(n: number): boolean {
  if (n < 2) {
    return false;
  }
  for (let d = 2; d * d <= n; d++) {
    if (n % d === 0) {
      return false;
    }
  }
  return true;
}

function validateLocality(l: LocalityLoadBalancing): LocalityLoadBalancing {
  const where = 'LoadBalancer';
  if (l.failover && l.distribute) {
    throw meshError('MESH0031', where, 'locality sets both failover and distribute: Istio accepts one of them, choose failover (next-nearest) or distribute (fixed weights)');
  }
  for (const f of l.failover ?? []) {
    if (!f.from || !f.to || f.from.includes('/') || f.to.includes('/') || f.from.includes('*') || f.to.includes('*')) {
      throw meshError('MESH0032', where, `locality failover '${f.from}' -> '${f.to}' must name two regions (no '/' or '*')`);
    }
    if (f.from === f.to) {
      throw meshError('MESH0032', where, `locality failover from '${f.from}' to itself: name another region`);
    }
  }
  const topology = (l.failoverPriority ?? []).find(label => TOPOLOGY_LABELS.includes(label));
  if (l.failover && l.failover.length > 0 && topology) {
    throw meshError('MESH0163', where, `locality sets failover and failoverPriority '${topology}': istiod refuses a topology label in failoverPriority with failover, drop one of them`);
  }
  const froms: string[] = [];
  for (const d of l.distribute ?? []) {
    for (const locality of [d.from, ...Object.keys(d.to)]) {
      if (!LOCALITY.test(locality)) {
        throw meshError('MESH0033', where, `locality '${locality}' is not region[/zone[/subzone]] ('*' may stand for the last segment)`);
      }
    }
    const weights = Object.values(d.to);
    const total = weights.reduce((a, b) => a + b, 0);
    if (weights.length === 0 || weights.some(w => !Number.isInteger(w) || w < 1) || total !== 100) {
      throw meshError('MESH0034', where, `locality distribution from '${d.from}' has weights ${JSON.stringify(d.to)} (total ${total}): use whole percentages of at least 1 that add up to 100`);
    }
    overlapping(Object.keys(d.to), false);
    froms.push(d.from);
  }
  overlapping(froms, true);
  return l;
}

/** The node labels failoverPriority may not name together with failover (istiod's rule). */
const TOPOLOGY_LABELS = ['topology.kubernetes.io/region', 'topology.kubernetes.io/zone', 'topology.istio.io/subzone'];

/**
 * Throws when one locality of a list contains or repeats another ('us' and 'us/z1'), which istiod refuses.
 * '*' (every other locality) may end an ordered list; among a map's keys, which Go reads in random order, it
 * may come first and is refused.
 */
function overlapping(localities: string[], ordered: boolean): void {
  const segments = (locality: string) => locality.split('/').filter(s => s !== '*');
  for (const [i, a] of localities.entries()) {
    for (const b of localities.slice(0, i)) {
      if (ordered && a === '*') {
        continue;
      }
      const [short, long] = segments(a).length <= segments(b).length ? [segments(a), segments(b)] : [segments(b), segments(a)];
      if (short.every((s, k) => long[k] === s)) {
        throw meshError('MESH0164', 'LoadBalancer', `locality '${a}' overlaps '${b}': istiod refuses localities that repeat or contain one another, list each once`);
      }
    }
  }
}

import { Construct, IConstruct } from 'constructs';
import type { ClientTls } from './client-tls';
import { ConnectionPool } from './connection-pool';
import { DestinationPolicyOptions, PortPolicy, checkedDestinationPolicy, checkedPortPolicies } from './destination-policy';
import { LoadBalancer } from './load-balancer';
import type { MeshServiceBase } from './mesh-service-base';
import { OutlierDetection } from './outlier-detection';
import { CircuitBreaker, RetryPolicy, Timeout } from './resilience';
import type { IMeshService } from '../mesh-identity';
import { meshError, reportError, required } from '../private/errors';
import { isKind, isMeshServiceKind, markKind, meshOf } from '../private/tree';

/**
 * Service-level route and connection settings, shared by `MeshService` (its props) and `ServiceTrafficPolicy`.
 */
export interface TrafficPolicyOptions extends DestinationPolicyOptions {
  /**
   * Request timeout on every route to the service (a `TrafficSplit` route may override it).
   *
   * @default - Istio's default: no timeout
   */
  readonly timeout?: Timeout;

  /**
   * Retries on every route to the service (a `TrafficSplit` route may override it).
   *
   * @default - Istio's default: 2 attempts on connect-failure, refused-stream, unavailable, cancelled and retriable status codes
   */
  readonly retries?: RetryPolicy;

  /**
   * Connection settings for single ports of the service (a DestinationRule's `portLevelSettings`): each setting a
   * port policy names (TLS, load balancer, connection pool, outlier detection) replaces the service's whole setting
   * for traffic to that port; those it leaves out are the service's (written into the port's entry, since Istio
   * does not inherit them).
   *
   * @default - every port has the service's settings
   */
  readonly portPolicies?: PortPolicy[];
}

/**
 * Properties of a `ServiceTrafficPolicy`.
 */
export interface ServiceTrafficPolicyProps extends TrafficPolicyOptions {
  /** The service whose traffic the settings apply to. */
  readonly service: IMeshService;
}

/**
 * The route and connection settings of a service, kept apart from its definition: the way to give them to a
 * service defined elsewhere (`MeshService.fromName()`). The service's VirtualService (timeout, retries) and
 * DestinationRule (circuit breaker, load balancer) use them; the objects are made when a setting needs them.
 *
 * A service has one set of settings: a `MeshService` that sets them in its props takes no `ServiceTrafficPolicy`
 * (MESH0115), and no service takes two (MESH0116).
 *
 * @see https://istio.io/latest/docs/reference/config/networking/destination-rule/#TrafficPolicy
 * @see https://istio.io/latest/docs/reference/config/networking/virtual-service/#HTTPRoute
 */
export class ServiceTrafficPolicy extends Construct {
  /**
   * Whether `x` is a `ServiceTrafficPolicy` (told by a symbol, as cdk8s tells charts apart: it works across copies of the library).
   */
  public static isServiceTrafficPolicy(x: any): x is ServiceTrafficPolicy {
    return isKind(x, 'ServiceTrafficPolicy');
  }

  /** The service whose traffic the settings apply to. */
  public readonly service: IMeshService;
  /** Request timeout on every route to the service, if set. */
  public readonly timeout?: Timeout;
  /** Retries on every route to the service, if set. */
  public readonly retries?: RetryPolicy;
  /** Connection limits and outlier detection, if set. */
  public readonly circuitBreaker?: CircuitBreaker;
  /** How clients pick an endpoint, if set. */
  public readonly loadBalancer?: LoadBalancer;
  /** Connection pool settings, if set. */
  public readonly connectionPool?: ConnectionPool;
  /** Outlier detection, if set. */
  public readonly outlierDetection?: OutlierDetection;
  /** Connection settings of single ports, if set. */
  public readonly portPolicies?: PortPolicy[];
  /** The TLS clients use towards the service, if set. */
  public readonly tls?: ClientTls;

  public constructor(scope: Construct, id: string, props: ServiceTrafficPolicyProps) {
    super(scope, id);
    // From JavaScript the props may be missing altogether: each required one is then reported as missing.
    props = props ?? {} as ServiceTrafficPolicyProps;
    markKind(this, 'ServiceTrafficPolicy');
    const mesh = meshOf(this);
    // Without a service nothing can stand in (the service's routing objects are what the policy configures), so this one still throws.
    required(this, 'service', props.service, 'name the service whose traffic the settings apply to');
    this.service = props.service;
    const settings = checkedTrafficPolicy(this, props);
    this.timeout = settings.timeout;
    this.retries = settings.retries;
    this.circuitBreaker = settings.circuitBreaker;
    this.loadBalancer = settings.loadBalancer;
    this.connectionPool = settings.connectionPool;
    this.outlierDetection = settings.outlierDetection;
    this.tls = settings.tls;
    // Checked against the service's ports; a service that is none (reported below) has no ports to check them against.
    const ports = Array.isArray(props.service?.ports) ? props.service.ports.map(p => p.port) : undefined;
    this.portPolicies = ports ? checkedPortPolicies(this, props.service.serviceName, ports, settings.portPolicies) : undefined;
    if (trafficSettingsOf(props).length === 0) {
      reportError(this, 'MESH0188', 'no setting is given, so the policy would change nothing: give timeout, retries, circuitBreaker, loadBalancer, connectionPool, outlierDetection or portPolicies, or remove it');
    }
    if (!isMeshServiceKind(props.service) && !Construct.isConstruct(props.service)) {
      // A plain object (from JavaScript) has nothing to report a path for, nor to route.
      throw meshError('MESH0009', this, 'service is not a service of a mesh: name a MeshService, or one imported with MeshService.fromName()');
    }
    if (!isKind(props.service, 'MeshService') && !isKind(props.service, 'ImportedMeshService')) {
      reportError(this, 'MESH0108', `service '${props.service.node.path}' is not a MeshService: define it with new MeshService() or MeshService.fromName()`);
    } else if (props.service.mesh !== mesh) {
      reportError(this, 'MESH0108', `service '${props.service.serviceName}' belongs to another mesh (${props.service.mesh.node.path}): give settings to a service of this mesh, or import it with MeshService.fromName()`);
    } else {
      // Only a service of this mesh gets routing objects, and so settings.
      (props.service as MeshServiceBase)._attachTrafficPolicy(this);
    }
  }
}

/**
 * Only the traffic policy fields of a service's props (they also carry ports, names...).
 *
 * @internal
 */
export function trafficPolicyOf(p: TrafficPolicyOptions): TrafficPolicyOptions {
  return {
    timeout: p.timeout,
    retries: p.retries,
    circuitBreaker: p.circuitBreaker,
    loadBalancer: p.loadBalancer,
    connectionPool: p.connectionPool,
    outlierDetection: p.outlierDetection,
    tls: p.tls,
    portPolicies: p.portPolicies,
  };
}

/** What each setting's value has (it is made by a factory), and the factory to name. */
const SETTING_FACTORIES: { readonly [setting: string]: [method: string, type: string, factory: string] } = {
  timeout: ['_toIstio', 'Timeout', 'Timeout.of(...)'],
  retries: ['_toIstio', 'RetryPolicy', 'RetryPolicy.of({ attempts: ... })'],
};

/**
 * The settings of `p` that were made by their factories; any other value (a plain object from JavaScript,
 * which would crash at synthesis) is reported (MESH0096) and left out.
 *
 * @internal
 */
export function checkedTrafficPolicy(scope: IConstruct, p: TrafficPolicyOptions): TrafficPolicyOptions {
  const checked: { [setting: string]: unknown } = { ...trafficPolicyOf(p) };
  for (const [setting, [method, type, factory]] of Object.entries(SETTING_FACTORIES)) {
    const value = checked[setting] as { [key: string]: unknown } | undefined;
    if (value !== undefined && typeof value?.[method] !== 'function') {
      reportError(scope, 'MESH0096', `${setting} is not a ${type}: make it with ${factory}`);
      checked[setting] = undefined;
    }
  }
  // Port policies are checked against the service's ports where the service is known (checkedPortPolicies).
  return { ...checked, ...checkedDestinationPolicy(scope, '', p) } as TrafficPolicyOptions;
}

/**
 * The names of the settings `p` gives.
 *
 * @internal
 */
export function trafficSettingsOf(p: TrafficPolicyOptions): string[] {
  return Object.entries(trafficPolicyOf(p)).filter(([, value]) => value !== undefined).map(([name]) => name);
}

import { ApiObject, Lazy } from 'cdk8s';
import { Construct } from 'constructs';
import type { ExternalService } from './external-service';
import * as istio from '../imports/istio-networking';
import type { IMeshService } from '../mesh-identity';
import { OutboundTrafficPolicy } from '../mesh-identity';
import { ensureNamespace } from '../namespaces';
import { checkEnum } from '../private/enums';
import { reportError } from '../private/errors';
import { validateDnsLabel } from '../private/names';
import { checkService } from '../private/services';
import { isKind, markKind, meshOf } from '../private/tree';

/**
 * Properties of an `EgressScope`.
 */
export interface EgressScopeProps {
  /**
   * The workloads scoped: one service's. Without it, every workload of `namespace`.
   *
   * @default - every workload of the namespace
   */
  readonly service?: IMeshService;

  /**
   * The namespace whose workloads are scoped (when `service` is not given).
   *
   * @default - the mesh's default namespace
   */
  readonly namespace?: string;

  /**
   * Services of the mesh the workloads may reach.
   *
   * @default - none
   */
  readonly allowServices?: IMeshService[];

  /**
   * External services the workloads may reach.
   *
   * @default - none
   */
  readonly allowExternal?: ExternalService[];

  /**
   * More hosts, as Istio's Sidecar names them: `<namespace>/<host>` (`istio-system/*`, `./*`).
   *
   * @default - none
   */
  readonly allowHosts?: string[];

  /**
   * What happens to traffic to hosts the proxy does not know.
   *
   * @default OutboundTrafficPolicy.REGISTRY_ONLY
   */
  readonly outboundTrafficPolicy?: OutboundTrafficPolicy;
}

/**
 * Limits what workloads can reach: their proxies learn only the listed services and hosts, and with
 * REGISTRY_ONLY every other destination is refused. Also cuts the configuration each proxy holds.
 * Renders an Istio Sidecar object.
 *
 * @see https://istio.io/latest/docs/reference/config/networking/sidecar/
 */
export class EgressScope extends Construct {
  /**
   * Whether `x` is an `EgressScope` (told by a symbol, as cdk8s tells charts apart: it works across copies of the library).
   */
  public static isEgressScope(x: any): x is EgressScope {
    return isKind(x, 'EgressScope');
  }

  /** The Sidecar object. */
  public readonly resource: ApiObject;
  /** The namespace of the workloads scoped. */
  public readonly namespace: string;

  /**
   * The service scoped, if the scope is one service's.
   *
   * @internal
   */
  public readonly _service?: IMeshService;

  private readonly hosts: string[] = [];
  /** A scope whose hosts (and mode) this one's Sidecar starts from: the namespace's, for a caller's own Sidecar. */
  private base?: EgressScope;
  private mode: OutboundTrafficPolicy;
  /** The mesh's services allowed: the Services their versions are reached through join the hosts at synthesis. */
  private readonly services: IMeshService[] = [];

  public constructor(scope: Construct, id: string, props: EgressScopeProps = {}) {
    super(scope, id);
    markKind(this, 'EgressScope');
    const mesh = meshOf(this);
    if (!checkService(this, 'service', props.service)) {
      // Reported; the scope goes on for its namespace.
      props = { ...props, service: undefined };
    }
    if (props.service && props.service.mesh !== mesh) {
      reportError(this, 'MESH0186', `service '${props.service.serviceName}' belongs to another mesh (${props.service.mesh.node.path}): scope a service of this mesh, or import it with MeshService.fromName()`);
    }
    if (props.service && props.namespace !== undefined && props.service.namespace !== props.namespace) {
      // Reported; the scope goes on in the service's namespace.
      reportError(this, 'MESH0140', `service '${props.service.serviceName}' is in namespace '${props.service.namespace}', not '${props.namespace}': drop namespace, it follows the service`);
    } else if (props.service && props.namespace !== undefined) {
      // Both say one thing, but which one scopes is ambiguous: a scope of the namespace would be meant without service.
      reportError(this, 'MESH0185', `service '${props.service.serviceName}' and namespace '${props.namespace}' are both given, but a scope is one service's workloads or a whole namespace's: drop namespace to scope the service, or service to scope the namespace`);
    }
    // Only a namespace given here is checked here: the service's and the mesh's default are checked where they come from.
    this.namespace = props.service?.namespace
      ?? (props.namespace === undefined ? mesh.defaultNamespace : validateDnsLabel(this, 'namespace', props.namespace));
    ensureNamespace(mesh, this.namespace);
    (props.allowServices ?? []).forEach(s => this.allowService(s));
    (props.allowExternal ?? []).forEach(e => this.allowExternal(e));
    (props.allowHosts ?? []).forEach(h => this.allowHost(h));
    this._service = props.service;
    this.mode = checkEnum(this, 'outboundTrafficPolicy', props.outboundTrafficPolicy, OutboundTrafficPolicy, 'OutboundTrafficPolicy')
      ? props.outboundTrafficPolicy ?? OutboundTrafficPolicy.REGISTRY_ONLY : OutboundTrafficPolicy.REGISTRY_ONLY;

    this.resource = new istio.Sidecar(this, 'Resource', {
      metadata: { name: props.service ? `${props.service.serviceName}-egress` : 'default', namespace: this.namespace },
      spec: Lazy.any({
        produce: () => ({
          workloadSelector: props.service ? { labels: { app: props.service.serviceName } } : undefined,
          egress: [{ hosts: this._hosts() }],
          outboundTrafficPolicy: {
            mode: this._mode === OutboundTrafficPolicy.REGISTRY_ONLY
              ? istio.SidecarSpecOutboundTrafficPolicyMode.REGISTRY_UNDERSCORE_ONLY
              : istio.SidecarSpecOutboundTrafficPolicyMode.ALLOW_UNDERSCORE_ANY,
          },
        }),
      }),
    });
  }

  /** Lets the workloads reach a service of the mesh. */
  public allowService(service: IMeshService): void {
    if (service === undefined || service === null) {
      reportError(this, 'MESH0006', 'allowService() was given no service: name a MeshService, or one imported with MeshService.fromName()');
      return;
    }
    if (!checkService(this, 'the service given to allowService()', service)) {
      return;
    }
    if (service.mesh !== meshOf(this)) {
      reportError(this, 'MESH0186', `allowService() was given service '${service.serviceName}' of another mesh (${service.mesh.node.path}): allow a service of this mesh, or import it with MeshService.fromName()`);
      return;
    }
    this.add(`${service.namespace}/${service.host}`);
    if (!this.services.includes(service)) {
      this.services.push(service);
    }
  }

  /**
   * The egress hosts of the Sidecar, as written: with nothing listed, the control plane's namespace.
   *
   * @internal
   */
  public _hosts(): string[] {
    const hosts = [...new Set([...this.base?._hosts() ?? [], ...this.allHosts()])];
    return hosts.length > 0 ? hosts : [`${meshOf(this).rootNamespace}/*`];
  }

  /**
   * What the Sidecar does with a host it does not know.
   *
   * @internal
   */
  public get _mode(): OutboundTrafficPolicy {
    return this.base?._mode ?? this.mode;
  }

  /**
   * Starts the scope from another's hosts and mode (a caller's Sidecar from its namespace's, which it replaces).
   *
   * @internal
   */
  public _startFrom(base: EgressScope): void {
    this.base = base;
  }

  /**
   * The hosts listed, and after each service the per-version Services the Gateway API routes its versions through
   * (`<service>-<version>`): a route to a version goes to that host, which a proxy not told of it cannot reach.
   */
  private allHosts(): string[] {
    const hosts = [...this.hosts];
    for (const service of this.services) {
      const versionServices = service.node.children
        .filter((c): c is ApiObject => ApiObject.isApiObject(c) && c.kind === 'Service' && c.node.id.startsWith('VersionService-'));
      for (const s of versionServices) {
        const host = `${service.namespace}/${service.mesh.hostOf(s.name, service.namespace)}`;
        if (!hosts.includes(host)) {
          hosts.push(host);
        }
      }
    }
    return hosts;
  }

  /** Lets the workloads reach an external service (through its egress gateway, if it has one). */
  public allowExternal(external: ExternalService): void {
    if (!isKind(external, 'ExternalService')) {
      reportError(this, external === undefined || external === null ? 'MESH0006' : 'MESH0009',
        `allowExternal() was given ${external === undefined || external === null ? 'no external service' : 'something that is not an external service'}: name an ExternalService`);
      return;
    }
    external.hosts.forEach(h => this.add(`${external.namespace}/${h}`));
    if (external.egressGateway) {
      this.add(`${external.egressGateway.namespace}/${external.egressGateway.host}`);
    }
  }

  /**
   * Lets the workloads reach hosts named the way Istio's Sidecar names them: `<namespace>/<host>`.
   * A host not in that form is reported at synth and left out.
   */
  public allowHost(host: string): void {
    if (!/^(\*|\.|~|[a-z0-9]([-a-z0-9]*[a-z0-9])?)\/(\*|(\*\.)?[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*)$/.test(host)) {
      reportError(this, 'MESH0141', `host '${host}' is not '<namespace>/<host>': use e.g. 'istio-system/*', './*' or 'shop/api.shop.svc.cluster.local'`);
      return;
    }
    this.add(host);
  }

  private add(host: string): void {
    if (!this.hosts.includes(host)) {
      this.hosts.push(host);
    }
  }
}

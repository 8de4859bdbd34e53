import { Chart, Testing } from 'cdk8s';
import type { AccessRequest, IngressRequestOptions, JwtToken } from './access-request';
import { AuthzRequest, Peer, Verdict, authorize, peerAuthentication } from './authorization';
import { parseAddress } from './ip-address';
import { authenticate } from './request-authentication';
import { RoutedRequest, hostMatches, route, routeAtGateway } from './routing';
import { Workload, findObject, ofVersion, serviceWorkloads } from './workloads';
import type { IngressGateway } from '../gateways/ingress-gateway';
import { MeshLayer } from '../layers';
import { Mesh } from '../mesh';
import type { IMeshIdentity, IMeshService } from '../mesh-identity';
import { checkArray, checkEnum, checkStringMap, checkType } from '../private/enums';
import { meshError, userError } from '../private/errors';
import { checkOwnService } from '../private/services';
import { sidecarScope } from '../private/sidecar-scope';
import { isKind, isMeshIdentityKind } from '../private/tree';
import { HttpMethod } from '../traffic/route-match';

/**
 * A request, as the assertions of `MeshTesting` send it.
 */
export interface MeshRequest {
  /**
   * The HTTP method.
   *
   * @default HttpMethod.GET
   */
  readonly method?: HttpMethod;

  /**
   * The request path (a query string is ignored, as Istio's path matches ignore it).
   *
   * @default '/'
   */
  readonly path?: string;

  /**
   * The service port called.
   *
   * @default - the service's first port
   */
  readonly port?: number;

  /**
   * The request headers (names are case-insensitive).
   *
   * @default - none
   */
  readonly headers?: { [name: string]: string };
}

/**
 * A call from one service (or gateway) to another, for `MeshTesting.canCall()`.
 */
export interface CallOptions extends AccessRequest {
  /**
   * The calling version.
   *
   * @default - every version of the caller, which must all get the same answer
   */
  readonly fromVersion?: string;

  /**
   * The called version.
   *
   * @default - every version of the service, which must all give the same answer
   */
  readonly toVersion?: string;
}

/**
 * Whether a call is allowed, and why.
 */
export interface CallDecision {
  /** Whether Istio lets the call through. */
  readonly allowed: boolean;
  /**
   * Why: the policy and rule that decided, the request and the caller's identity, e.g.
   * `denied: ALLOW policies apply (istio-system/allow-nothing (no rules: allows nothing)) and no rule of theirs matches GET / ...`.
   */
  readonly reason: string;
  /**
   * The policy that decided, `<namespace>/<name>` (an AuthorizationPolicy, or a PeerAuthentication that refuses plaintext).
   *
   * @default - none: no policy applies
   */
  readonly policy?: string;
}

/**
 * A request to a service, for `MeshTesting.routeFor()`.
 */
export interface RouteOptions extends MeshRequest {
  /**
   * The calling service, for routes that match on the caller (`sourceService`, `sourceLabels`). Not a gateway:
   * its proxy applies only the VirtualServices bound to its Gateway (MESH0603); for a request through one, use `via`.
   *
   * @default - no caller: routes that match on one do not take the request
   */
  readonly from?: IMeshIdentity;

  /**
   * The calling version.
   *
   * @default - every version of the caller, which must all be routed alike
   */
  readonly fromVersion?: string;

  /**
   * The ingress gateway the request enters through: the routes bound to its Gateway take it (with the service's
   * routing they carry), not the service's routes inside the mesh. `port` is then the listener's port, and the
   * versions reached are those of whichever service the gateway's route sends the request to.
   *
   * @default - the request is made inside the mesh
   */
  readonly via?: IngressGateway;

  /**
   * The host the client asks the gateway for, with `via`.
   *
   * @default - the gateway's first host
   */
  readonly host?: string;
}

/**
 * A version a request reaches, and its share.
 */
export interface RouteTarget {
  /** The service's name. */
  readonly service: string;
  /** The service's namespace. */
  readonly namespace: string;
  /**
   * The version (the `version` label of its pods).
   *
   * @default - its pods have no version label
   */
  readonly version?: string;
  /**
   * The percentage of the route's requests this version gets.
   *
   * @default - shared by pod count: the version is one of several behind one destination (a route without a
   *   subset, a subset that selects several versions, or a service without a VirtualService)
   */
  readonly weight?: number;
}

/**
 * The faults the route injects.
 */
export interface RouteFault {
  /**
   * The delay added, as Istio writes it (`7s`).
   *
   * @default - no delay
   */
  readonly delay?: string;
  /**
   * The percentage of requests delayed.
   *
   * @default - no delay
   */
  readonly delayPercentage?: number;
  /**
   * The HTTP status of aborted requests.
   *
   * @default - no abort
   */
  readonly abortStatus?: number;
  /**
   * The percentage of requests aborted.
   *
   * @default - no abort
   */
  readonly abortPercentage?: number;
}

/**
 * Where a request goes, and what the route that takes it does.
 */
export interface RouteDecision {
  /** The versions reached, in the route's order; empty when no route takes the request (the proxy answers 404), or the route redirects or answers itself (directResponse). */
  readonly targets: RouteTarget[];
  /** Why: the VirtualService and route that took the request, or that none did. */
  readonly reason: string;
  /**
   * The VirtualService, `<namespace>/<name>`.
   *
   * @default - the service has none
   */
  readonly virtualService?: string;
  /**
   * The route's name, or `http[<index>]` for an unnamed one.
   *
   * @default - no route took the request
   */
  readonly route?: string;
  /**
   * The route's timeout, as Istio writes it (`10s`).
   *
   * @default - none
   */
  readonly timeout?: string;
  /**
   * The route's retry attempts.
   *
   * @default - none set: Envoy's default retry policy
   */
  readonly retryAttempts?: number;
  /**
   * The faults the route injects.
   *
   * @default - none
   */
  readonly fault?: RouteFault;
}

/**
 * What `MeshTesting.snapshot()` includes.
 */
export interface SnapshotOptions {
  /**
   * Include the telemetry stack (Prometheus, Grafana, tracing, Kiali).
   *
   * @default false
   */
  readonly telemetry?: boolean;
}

/**
 * Helpers for testing a mesh with jest (or any test runner): synthesize every layer, find objects, ask the
 * synthesized policy whether one service may call another, ask the synthesized routes where a request goes,
 * and snapshot what the program adds.
 *
 * `canCall`, `canRequest` and `routeFor` evaluate the manifests the way Istio's proxies do (not the constructs'
 * intent), so a mistake in rendering is caught. What they cannot evaluate (an `experimental.envoy.filters.*`
 * condition, a policy attached by `targetRef`) is a MESH0600 error naming the object and the field; what the
 * request must say for an answer (what an external authorizer answers, a caller's address, the host, the SNI) is
 * an error naming the option (MESH1050, MESH1051), never a guess.
 */
export class MeshTesting {
  /**
   * Validates the mesh like `cdk8s synth` does (throwing every error found, together) and returns the
   * manifests of every layer, in apply order.
   */
  public static synth(mesh: Mesh): any[] {
    checkMesh('MeshTesting.synth', mesh);
    validate(mesh);
    return mesh.charts.flatMap(chart => Testing.synth(chart));
  }

  /**
   * What the program adds, for a `toMatchSnapshot()`: the namespaces of its services and gateways, and the mesh's
   * own chart (service accounts, Services, Deployments, routes, access and mTLS policies, gateways, telemetry
   * policies, NetworkPolicies). Istio's CRDs, the control plane (istiod, its webhooks, the CNI agent and their
   * namespaces) and, unless asked, the telemetry stack are left out: they are the library's, and
   * `MeshTesting.synth()` has them. Validates the mesh like `synth()`.
   */
  public static snapshot(mesh: Mesh, options: SnapshotOptions = {}): any[] {
    checkMesh('MeshTesting.snapshot', mesh);
    validate(mesh);
    const layer = (name: MeshLayer) => mesh.charts.find(c => c.node.id === `${mesh.node.id}-${name}`);
    const synthOf = (chart: Chart | undefined) => chart ? Testing.synth(chart) : [];
    const controlPlaneNamespaces = new Set(synthOf(layer(MeshLayer.CONTROL_PLANE)).map(o => o.metadata?.namespace).filter(Boolean));
    controlPlaneNamespaces.add(mesh.rootNamespace);
    const namespaces = synthOf(layer(MeshLayer.NAMESPACES)).filter(n => !controlPlaneNamespaces.has(n.metadata?.name));
    const telemetry = options?.telemetry === true ? synthOf(layer(MeshLayer.TELEMETRY)) : [];
    return [...namespaces, ...Testing.synth(mesh), ...telemetry];
  }

  /**
   * The one synthesized object of `kind` named `name` (in `namespace`, when given).
   *
   * @throws when there is none, or more than one
   */
  public static find(manifests: any[], kind: string, name: string, namespace?: string): any {
    if (manifests === undefined || !checkArray('MeshTesting.find', 'manifests', manifests)) {
      throw meshError('MESH0092', 'MeshTesting.find', 'manifests is missing: give the list MeshTesting.synth() returns');
    }
    const found = manifests.filter(m => m.kind === kind && m.metadata?.name === name
      && (namespace === undefined || m.metadata?.namespace === namespace));
    if (found.length !== 1) {
      const names = manifests.filter(m => m.kind === kind).map(m => m.metadata?.namespace ? `${m.metadata.namespace}/${m.metadata.name}` : m.metadata?.name);
      throw meshError('MESH0098', 'MeshTesting.find', `expected one ${kind} '${name}'${namespace ? ` in namespace '${namespace}'` : ''}, found ${found.length} (${kind}s: ${names.join(', ') || 'none'}): name an object the manifests hold, or give its namespace`);
    }
    return found[0];
  }

  /**
   * Whether `from` may call `to`, according to the synthesized PeerAuthentications and AuthorizationPolicies,
   * evaluated as Istio does. `explainCall()` says why.
   *
   * @param mesh the mesh
   * @param from the calling service or gateway
   * @param to the called service
   * @param options the request (default: GET / on the service's first port) and the versions
   * @param manifests the manifests to evaluate (default: `MeshTesting.synth(mesh)`)
   */
  public static canCall(mesh: Mesh, from: IMeshIdentity, to: IMeshService, options?: CallOptions, manifests?: any[]): boolean {
    return MeshTesting.decide('MeshTesting.canCall', mesh, from, to, options, manifests).allowed;
  }

  /**
   * Whether `from` may call `to`, and why: the policy that decided (which namespace, allowed or denied) and the
   * request and identity it saw, for a failing test to print.
   *
   * Istio's order: the caller's own proxy refuses a host its `Sidecar` (an `EgressScope`) does not list under
   * REGISTRY_ONLY, and passes it through in plaintext under ALLOW_ANY; a workload without a proxy enforces nothing; a STRICT PeerAuthentication refuses a caller
   * that sends plaintext (it has no sidecar, a DestinationRule sets tls DISABLE, or auto mTLS is off and none sets
   * ISTIO_MUTUAL), and a port in mode DISABLE one that sends mTLS; then the RequestAuthentications that apply to the
   * workload (its namespace's that select it, and the root namespace's, their rules combined) read the request's
   * `jwt`: a token a rule reads is rejected (401) when no rule reading that place names its issuer ("Jwt issuer is
   * not configured"), when it is not valid, or when the rule lists audiences and the token has none of them; a
   * request without a token, or with one no rule reads, has no request principal; then a matching CUSTOM policy
   * asks its external authorizer (`externalAuthorizers`), whose denial ends it; then any matching DENY policy
   * denies; then, when ALLOW policies apply to the workload
   * (by namespace, the root namespace being mesh-wide, and `selector.matchLabels` against its pods' labels),
   * one of their rules must match, and an ALLOW policy without rules matches nothing; with none, the call is
   * allowed. On a TCP port (by the Service port's `appProtocol` or name), an ALLOW rule with HTTP-only fields
   * (methods, paths, hosts, request principals, request conditions) matches nothing and a DENY rule applies without
   * them. AUDIT policies never decide; policies annotated `istio.io/dry-run: "true"` are not enforced. The caller's
   * principal is that of the service account its synthesized pods run as. `hosts` match the request's `host`
   * case-insensitively, port included (`example.com` does not match `example.com:8080`), with a leading or
   * trailing `*`; `paths` take Istio's templates (`{*}` one segment, `{**}` the rest of the path).
   *
   * @param mesh the mesh
   * @param from the calling service or gateway
   * @param to the called service
   * @param options the request (default: GET / on the service's first port) and the versions
   * @param manifests the manifests to evaluate (default: `MeshTesting.synth(mesh)`)
   */
  public static explainCall(mesh: Mesh, from: IMeshIdentity, to: IMeshService, options?: CallOptions, manifests?: any[]): CallDecision {
    return MeshTesting.decide('MeshTesting.explainCall', mesh, from, to, options, manifests);
  }

  /**
   * The versions a request to `service` reaches, with their weights, from the synthesized VirtualService (the
   * first HTTP route that matches takes it) and DestinationRule subsets. A service without a VirtualService
   * reaches every version, each with `weight` undefined (the Kubernetes Service shares requests by pod count).
   * Empty when no route takes the request. `explainRoute()` says which route, and what else it sets.
   *
   * @param mesh the mesh
   * @param service the called service
   * @param options the request (default: GET / on the service's first port, no headers, no caller)
   * @param manifests the manifests to evaluate (default: `MeshTesting.synth(mesh)`)
   */
  public static routeFor(mesh: Mesh, service: IMeshService, options?: RouteOptions, manifests?: any[]): RouteTarget[] {
    return MeshTesting.routeDecision('MeshTesting.routeFor', mesh, service, options, manifests).targets;
  }

  /**
   * Where a request to `service` goes and why: the VirtualService and route that take it, the versions with their
   * weights, and the route's timeout, retry attempts and faults.
   *
   * @param mesh the mesh
   * @param service the called service
   * @param options the request (default: GET / on the service's first port, no headers, no caller)
   * @param manifests the manifests to evaluate (default: `MeshTesting.synth(mesh)`)
   */
  public static explainRoute(mesh: Mesh, service: IMeshService, options?: RouteOptions, manifests?: any[]): RouteDecision {
    return MeshTesting.routeDecision('MeshTesting.explainRoute', mesh, service, options, manifests);
  }

  /**
   * Whether a request from a client outside the mesh, entering through the ingress gateway `via`, reaches the
   * service the gateway routes it to. `explainRequest()` says why.
   *
   * @param mesh the mesh
   * @param via the ingress gateway the request enters through
   * @param options the request (default: GET / for the gateway's first host), its token, the client's address
   * @param manifests the manifests to evaluate (default: `MeshTesting.synth(mesh)`)
   */
  public static canRequest(mesh: Mesh, via: IngressGateway, options?: IngressRequestOptions, manifests?: any[]): boolean {
    return MeshTesting.requestDecision('MeshTesting.canRequest', mesh, via, options, manifests).allowed;
  }

  /**
   * Whether a request from outside the mesh through the ingress gateway `via` gets through, and why. The gateway's
   * proxy decides first, as a workload whose pods its policies select: its RequestAuthentications (a token they
   * reject is answered 401), then its AuthorizationPolicies (CUSTOM, DENY, ALLOW), with the client as a peer without
   * identity, `sourceIp` as the connection's address and `remoteIp` as the original client's. Then its routes
   * (bound to its Gateway, by host) pick the service and version, and the gateway calls the service with its own
   * identity, as `canCall(mesh, gateway, service)` evaluates: the token goes on only when no rule at the gateway
   * read it or the rule that did has `forwardOriginalToken`, with the headers its `outputClaimToHeaders` add;
   * the service sees the client's connection address as `remote.ip` and the gateway's pod (unknown) as `source.ip`.
   * The path is the one the client sends (a route's rewrite is not applied).
   *
   * @param mesh the mesh
   * @param via the ingress gateway the request enters through
   * @param options the request (default: GET / for the gateway's first host), its token, the client's address
   * @param manifests the manifests to evaluate (default: `MeshTesting.synth(mesh)`)
   */
  public static explainRequest(mesh: Mesh, via: IngressGateway, options?: IngressRequestOptions, manifests?: any[]): CallDecision {
    return MeshTesting.requestDecision('MeshTesting.explainRequest', mesh, via, options, manifests);
  }

  /**
   * The principals the ALLOW policies of `service` name. Never `'*'`: when every caller may call the service (no
   * ALLOW policy applies, or a rule allows any source) it throws MESH0604, since a list cannot say "everyone"
   * and `expect(allowedCallers(...)).not.toContain(p)` would pass.
   *
   * @deprecated use `MeshTesting.canCall()` (or `explainCall()`), which evaluates DENY policies, methods, paths and ports too
   */
  public static allowedCallers(mesh: Mesh, service: IMeshService, manifests?: any[]): string[] {
    const where = 'MeshTesting.allowedCallers';
    checkMesh(where, mesh);
    checkOwnService(where, mesh, service);
    const objects = checkedManifests(where, mesh, manifests);
    const applying = objects.filter(o => o.kind === 'AuthorizationPolicy' && (o.spec?.action ?? 'ALLOW') === 'ALLOW').filter(o => {
      const ns = o.metadata?.namespace;
      const labels = o.spec?.selector?.matchLabels;
      const selects = !labels || Object.entries(labels).every(([k, v]) => k === 'app' && v === service.serviceName);
      return selects && (ns === service.namespace || ns === mesh.rootNamespace && !labels);
    });
    const everyone = () => meshError('MESH0604', where, `every caller may call '${service.serviceName}' (${applying.length === 0 ? 'no ALLOW policy applies to it' : 'a rule allows any source'}), `
      + `which a list of principals cannot say: use MeshTesting.canCall(mesh, caller, ${service.serviceName}) instead`);
    if (applying.length === 0) {
      throw everyone();
    }
    const callers = new Set<string>();
    for (const rule of applying.flatMap(p => p.spec?.rules ?? [])) {
      const sources = rule.from ?? [];
      // A caller named by principal may still need a token or an address, and a source without principals may
      // still need one of those: a list of principals (or "everyone") would mis-answer.
      const other = [
        ...sources.flatMap((f: any) => Object.keys(f.source ?? {}).filter(k => /^(not)?(requestPrincipals|ipBlocks|remoteIpBlocks|RequestPrincipals|IpBlocks|RemoteIpBlocks)$/.test(k))),
        ...(rule.when ?? []).map((c: any) => String(c?.key)).filter((k: string) => /^(request\.auth\.|source\.ip|remote\.ip)/.test(k)),
      ];
      if (other.length > 0) {
        throw meshError('MESH0600', where, `an ALLOW rule for '${service.serviceName}' has ${[...new Set(other)].join(', ')} besides principals, which a list of principals cannot say: `
          + `use MeshTesting.canCall(mesh, caller, ${service.serviceName}) instead`);
      }
      if (sources.length === 0 || sources.some((f: any) => f.source?.principals === undefined)) {
        throw everyone();
      }
      sources.forEach((f: any) => f.source.principals.forEach((p: string) => callers.add(p)));
    }
    return [...callers].sort();
  }

  private static decide(
    where: string, mesh: Mesh, from: IMeshIdentity, to: IMeshService, options: CallOptions | undefined, manifests: any[] | undefined,
  ): CallDecision {
    checkMesh(where, mesh);
    checkOwnIdentity(where, mesh, from);
    checkOwnService(where, mesh, to, 'to');
    const objects = checkedManifests(where, mesh, manifests);
    const opts = checkOptions(where, options ?? {}, ['fromVersion', 'toVersion', ...ACCESS_OPTIONS]);
    const { service, workloads } = serviceWorkloads(objects, where, to.serviceName, to.namespace);
    const targets = ofVersion(where, `service '${to.serviceName}'`, workloads, opts.toVersion);
    const callers = callerPeers(where, mesh, objects, from, opts.fromVersion);
    const verdicts: { caller: Peer; target: Workload; verdict: Verdict }[] = [];
    for (const target of targets) {
      const request = requestFor(where, service, target, opts);
      for (const caller of callers) {
        const called = { name: to.serviceName, namespace: to.namespace, port: opts.port ?? service.spec?.ports?.[0]?.port };
        verdicts.push({ caller, target, verdict: decideOne(where, mesh, objects, caller, target, request, called, opts.jwt) });
      }
    }
    const differ = verdicts.some(v => v.verdict.allowed !== verdicts[0].verdict.allowed);
    if (differ) {
      const list = verdicts.map(v => `${v.caller.label} -> ${v.target.ref}: ${v.verdict.allowed ? 'allowed' : 'denied'}`).join('; ');
      throw meshError('MESH0602', where, `the versions of '${from.serviceName}' and '${to.serviceName}' get different answers (${list}): give fromVersion and toVersion`);
    }
    const { verdict } = verdicts[0];
    return { allowed: verdict.allowed, reason: verdict.reason, policy: verdict.policy };
  }

  private static requestDecision(
    where: string, mesh: Mesh, via: IngressGateway, options: IngressRequestOptions | undefined, manifests: any[] | undefined,
  ): CallDecision {
    checkMesh(where, mesh);
    if (!isKind(via, 'IngressGateway') || (via as IngressGateway).mesh !== mesh) {
      throw meshError('MESH0603', where, 'via is not an ingress gateway of this mesh: name the IngressGateway the request enters through');
    }
    const objects = checkedManifests(where, mesh, manifests);
    const opts = checkOptions(where, options ?? {}, ['toVersion', ...ACCESS_OPTIONS]);
    const host = opts.host ?? via.hosts[0] ?? '*';
    const gatewayService = findObject(objects, 'Service', via.serviceName, via.namespace);
    const existing = (via as unknown as { existing?: { selector: { [key: string]: string } } }).existing;
    const gatewayPods: Workload[] = existing
      ? [{ ref: `gateway ${via.namespace}/${via.serviceName} (installed)`, namespace: via.namespace, labels: { ...existing.selector }, serviceAccount: '', proxy: true, namedPorts: {} }]
      : ofVersion(where, `gateway '${via.serviceName}'`, serviceWorkloads(objects, where, via.serviceName, via.namespace).workloads, undefined);
    const gatewayPod = gatewayPods[0];
    // The listener's port: the one asked for, else the Service's first port that is not the status port.
    const listenerPort: number = opts.port ?? (gatewayService?.spec?.ports ?? []).find((p: any) => p?.port !== 15021)?.port ?? 80;
    const atGateway: AuthzRequest = {
      ...requestFor(where, gatewayService ?? { spec: { ports: [{ port: listenerPort }] } }, gatewayPod, { ...opts, port: listenerPort }),
      host,
      http: listenerCarriesHttp(objects, via, listenerPort),
    };
    const client: Peer = { label: `the client${opts.sourceIp ? ` at ${opts.sourceIp}` : ''}`, proxy: false, labels: {}, namespace: '' };
    const auth = authenticate(where, objects, mesh.rootNamespace, gatewayPod, opts.jwt);
    if (auth.rejected) {
      return { allowed: false, policy: auth.policy, reason: `denied: ${auth.rejected}, at ${gatewayPod.ref}` };
    }
    const gatewayVerdict = authorize(where, objects, mesh.rootNamespace, gatewayPod, client,
      { ...atGateway, identity: auth.identity, headers: { ...atGateway.headers, ...auth.addedHeaders } });
    if (!gatewayVerdict.allowed) {
      return { allowed: false, policy: gatewayVerdict.policy, reason: gatewayVerdict.reason };
    }
    const gatewayRef = { name: via.serviceName, namespace: via.namespace };
    const routed = routeAtGateway(objects, where, mesh.clusterDomain, gatewayRef, host, { ...atGateway, port: listenerPort }, listenerPort);
    const targets = routed.targets.filter(t => opts.toVersion === undefined || t.version === opts.toVersion);
    if (targets.length === 0) {
      return { allowed: false, reason: `not routed: ${routed.reason}${routed.targets.length > 0 ? `, and not to version ${opts.toVersion}` : ''}` };
    }
    const callers = callerPeers(where, mesh, objects, via, undefined);
    const verdicts: { ref: string; verdict: Verdict }[] = [];
    for (const routedTo of targets) {
      const { service, workloads } = serviceWorkloads(objects, where, routedTo.service, routedTo.namespace);
      const destinations: any[] = routed.http?.route ?? [];
      const port = destinations.find(d => String(d?.destination?.host).split('.')[0] === routedTo.service)?.destination?.port?.number ?? service.spec?.ports?.[0]?.port;
      const forwarded = { ...opts, port, headers: { ...opts.headers, ...auth.addedHeaders } };
      for (const target of ofVersion(where, `service '${routedTo.service}'`, workloads, routedTo.version)) {
        // The gateway's pod (its address unknown) is the source; the client's connection address is the remote IP.
        const request: AuthzRequest = {
          ...requestFor(where, service, target, forwarded), host, sourceIp: undefined, remoteIp: opts.sourceIp, sni: undefined,
        };
        for (const caller of callers) {
          const called = { name: routedTo.service, namespace: routedTo.namespace, port };
          const jwt = auth.forwarded ? opts.jwt : undefined;
          verdicts.push({ ref: target.ref, verdict: decideOne(where, mesh, objects, caller, target, request, called, jwt) });
        }
      }
    }
    if (verdicts.some(v => v.verdict.allowed !== verdicts[0].verdict.allowed)) {
      const list = verdicts.map(v => `${v.ref}: ${v.verdict.allowed ? 'allowed' : 'denied'}`).join('; ');
      throw meshError('MESH0602', where, `the versions the gateway's route reaches get different answers (${list}): give toVersion`);
    }
    const { verdict } = verdicts[0];
    return verdict.allowed
      ? { allowed: true, policy: verdict.policy ?? gatewayVerdict.policy, reason: `${gatewayVerdict.reason}; then ${verdict.reason}` }
      : { allowed: false, policy: verdict.policy, reason: verdict.reason };
  }

  private static routeDecision(
    where: string, mesh: Mesh, to: IMeshService, options: RouteOptions | undefined, manifests: any[] | undefined,
  ): RouteDecision {
    checkMesh(where, mesh);
    checkOwnService(where, mesh, to);
    const objects = checkedManifests(where, mesh, manifests);
    const opts = checkOptions(where, options ?? {}, ['from', 'fromVersion', 'via', 'host']);
    if (opts.via !== undefined || opts.host !== undefined) {
      return describeRoute(MeshTesting.routeAtGateway(where, mesh, objects, opts));
    }
    if (opts.from !== undefined) {
      checkOwnIdentity(where, mesh, opts.from, 'from');
      if (isKind(opts.from, 'MeshGateway')) {
        // A gateway's proxy applies only the VirtualServices bound to its Gateway (by the host a client asks for),
        // never the service's routes inside the mesh: evaluating those would answer for a sidecar instead.
        throw meshError('MESH0603', where, `from '${opts.from.serviceName}' is a gateway, whose proxy applies only the VirtualServices bound to its Gateway, `
          + `not the routes of '${to.serviceName}' inside the mesh, which this evaluates: name a service as from`);
      }
    } else if (opts.fromVersion !== undefined) {
      throw meshError('MESH0603', where, `fromVersion '${opts.fromVersion}' is given without from: name the calling service too`);
    }
    const { service, workloads } = serviceWorkloads(objects, where, to.serviceName, to.namespace);
    const request = requestFor(where, service, workloads[0], opts);
    const servicePort = opts.port ?? service.spec?.ports?.[0]?.port;
    const sources: (Peer | undefined)[] = opts.from ? callerPeers(where, mesh, objects, opts.from, opts.fromVersion) : [undefined];
    const target = { name: to.serviceName, namespace: to.namespace };
    const host = `${to.serviceName}.${to.namespace}.svc.${mesh.clusterDomain}`;
    const routeFrom = (source: Peer | undefined): RoutedRequest => {
      const scope = source && sidecarScope(objects, where, mesh.rootNamespace, mesh.outboundTrafficPolicy, source, { namespace: to.namespace, host });
      if (!scope || scope.known) {
        return route(objects, where, mesh.clusterDomain, target, source, request, servicePort);
      }
      const unknown = `Sidecar ${scope.sidecar} of ${source!.label} does not list '${host}' among its egress hosts`;
      return scope.mode === 'REGISTRY_ONLY'
        ? { targets: [], reason: `${unknown}, and it is REGISTRY_ONLY: the caller's proxy refuses the request (502)` }
        : route(objects, where, mesh.clusterDomain, target, source, request, servicePort, `${unknown}, so ALLOW_ANY passes the request through`);
    };
    const routed = sources.map(source => ({ source, routed: routeFrom(source) }));
    const key = (r: RoutedRequest) => JSON.stringify([r.route, r.targets]);
    if (routed.some(r => key(r.routed) !== key(routed[0].routed))) {
      const list = routed.map(r => `${r.source!.label}: ${r.routed.route ?? 'no route'}`).join('; ');
      throw meshError('MESH0602', where, `the versions of '${opts.from!.serviceName}' are routed differently (${list}): give fromVersion`);
    }
    return describeRoute(routed[0].routed);
  }

  /** Where a request entering through the gateway `via` goes. */
  private static routeAtGateway(where: string, mesh: Mesh, objects: any[], opts: RouteOptions): RoutedRequest {
    const gateway = opts.via;
    if (gateway === undefined) {
      throw meshError('MESH0603', where, `host '${opts.host}' is given without via: name the gateway the request enters through too`);
    }
    if (!isKind(gateway, 'IngressGateway') || (gateway as IngressGateway).mesh !== mesh) {
      throw meshError('MESH0603', where, 'via is not an ingress gateway of this mesh: name the IngressGateway the request enters through');
    }
    if (opts.from !== undefined || opts.fromVersion !== undefined) {
      throw meshError('MESH0603', where, 'from is given with via, but a request through a gateway comes from the gateway: leave from out');
    }
    const headers: { [name: string]: string } = {};
    Object.entries(opts.headers ?? {}).forEach(([k, v]) => headers[k.toLowerCase()] = v);
    const request: AuthzRequest = { method: opts.method ?? HttpMethod.GET, path: opts.path ?? '/', port: opts.port ?? 0, headers, http: true };
    const host = opts.host ?? gateway.hosts[0] ?? '*';
    const ref = { name: gateway.serviceName, namespace: gateway.namespace };
    return routeAtGateway(objects, where, mesh.clusterDomain, ref, host, request, request.port);
  }

  private constructor() {}
}

/** Throws MESH0097 unless `mesh` is a Mesh (plain JavaScript can pass anything). */
function checkMesh(method: string, mesh: unknown): void {
  if (!Mesh.isMesh(mesh)) {
    throw meshError('MESH0097', method, `mesh ${mesh === undefined ? 'is missing' : 'is not a Mesh'}: give the Mesh itself, e.g. new Mesh(app, 'mesh')`);
  }
}

/** Throws every validation error of the mesh's charts, together, as `cdk8s synth` reports them. */
function validate(mesh: Mesh): void {
  const errors = mesh.charts
    .flatMap(chart => chart.node.findAll())
    .flatMap(c => c.node.validate().map(message => `[${c.node.path}] ${message}`));
  if (errors.length > 0) {
    throw userError(`Validation failed with the following errors:\n  ${errors.join('\n  ')}`);
  }
}

function checkOwnIdentity(where: string, mesh: Mesh, from: unknown, prop = 'from'): asserts from is IMeshIdentity {
  if (!isMeshIdentityKind(from)) {
    throw meshError('MESH0009', where, `${prop} is not a service or gateway of a mesh: name a MeshService, one imported with MeshService.fromName(), or a gateway`);
  }
  const identity = from as IMeshIdentity;
  if (identity.mesh !== (mesh as unknown)) {
    throw meshError('MESH0097', where, `${prop} '${identity.serviceName}' belongs to another mesh (${identity.mesh.node.path}): give a service of mesh '${mesh.node.path}'`);
  }
}

function checkedManifests(where: string, mesh: Mesh, manifests: any[] | undefined): any[] {
  if (manifests === undefined) {
    return MeshTesting.synth(mesh);
  }
  if (!checkArray(where, 'manifests', manifests)) {
    throw meshError('MESH0092', where, 'manifests is not a list: give the list MeshTesting.synth() returns');
  }
  return manifests;
}

function checkOptions<T extends MeshRequest>(where: string, options: T, extra: string[]): T {
  const known = ['method', 'path', 'port', 'headers', ...extra];
  const unknown = Object.keys(options).filter(k => !known.includes(k));
  if (unknown.length > 0) {
    throw meshError('MESH0603', where, `options has ${unknown.map(k => `'${k}'`).join(', ')}, which is not an option: use ${known.join(', ')}`);
  }
  checkEnum(where, 'method', options.method, HttpMethod, 'HttpMethod');
  if (options.path !== undefined && (!checkType(where, 'path', options.path, 'string') || !options.path.startsWith('/'))) {
    throw meshError('MESH0603', where, `path '${options.path}' does not start with '/': give a request path, e.g. '/api/books'`);
  }
  checkType(where, 'port', options.port, 'number');
  checkStringMap(where, 'headers', options.headers);
  for (const prop of ['fromVersion', 'toVersion'] as const) {
    checkType(where, prop, (options as CallOptions)[prop], 'string');
  }
  checkAccessOptions(where, options as AccessRequest);
  return options;
}

/** The options of a request's access beyond its method, path and headers (AccessRequest). */
const ACCESS_OPTIONS = ['host', 'jwt', 'sourceIp', 'remoteIp', 'destinationIp', 'sni', 'externalAuthorizers'];

function checkAccessOptions(where: string, options: AccessRequest): void {
  checkType(where, 'host', options.host, 'string');
  checkType(where, 'sni', options.sni, 'string');
  for (const prop of ['sourceIp', 'remoteIp', 'destinationIp'] as const) {
    const ip = options[prop];
    if (ip !== undefined && (!checkType(where, prop, ip, 'string') || !parseAddress(ip))) {
      throw meshError('MESH0603', where, `${prop} '${ip}' is not an IPv4 or IPv6 address: give one address, e.g. '203.0.113.7' or '2001:db8::7'`);
    }
  }
  const answers = options.externalAuthorizers;
  if (answers !== undefined && (answers === null || typeof answers !== 'object' || Object.values(answers).some(v => typeof v !== 'boolean'))) {
    throw meshError('MESH0603', where, "externalAuthorizers is not a map of provider names to true or false: give e.g. { 'ext-authz': true }");
  }
  if (options.jwt !== undefined) {
    checkJwt(where, options.jwt);
  }
}

function checkJwt(where: string, jwt: JwtToken): void {
  if (jwt === null || typeof jwt !== 'object' || typeof jwt.issuer !== 'string' || jwt.issuer === '') {
    throw meshError('MESH0603', where, "jwt has no issuer: give the token's iss claim, e.g. { issuer: 'https://accounts.example.com', subject: 'alice' }");
  }
  const known = ['issuer', 'subject', 'audiences', 'presenter', 'claims', 'valid', 'header', 'queryParameter', 'cookie'];
  const unknown = Object.keys(jwt).filter(k => !known.includes(k));
  if (unknown.length > 0) {
    throw meshError('MESH0603', where, `jwt has ${unknown.map(k => `'${k}'`).join(', ')}, which is not a field of a token: use ${known.join(', ')} (other claims go in claims)`);
  }
  const places = ['header', 'queryParameter', 'cookie'].filter(k => (jwt as any)[k] !== undefined);
  if (places.length > 1) {
    throw meshError('MESH0603', where, `jwt is sent in ${places.join(' and ')}: give one place the token is sent in`);
  }
  const reserved = Object.keys(jwt.claims ?? {}).filter(k => ['iss', 'sub', 'aud', 'azp'].includes(k));
  if (reserved.length > 0) {
    throw meshError('MESH0603', where, `jwt claims has ${reserved.join(', ')}: give them as issuer, subject, audiences and presenter`);
  }
  for (const prop of ['subject', 'presenter', 'header', 'queryParameter', 'cookie'] as const) {
    checkType(where, `jwt.${prop}`, jwt[prop], 'string');
  }
  checkType(where, 'jwt.valid', jwt.valid, 'boolean');
  if (jwt.audiences !== undefined && (!Array.isArray(jwt.audiences) || jwt.audiences.some(a => typeof a !== 'string'))) {
    throw meshError('MESH0603', where, "jwt.audiences is not a list of strings: give e.g. ['bookinfo']");
  }
}

/** The request as the called workload's proxy sees it: the service port turned into the workload's port. */
/** A routing decision as `explainRoute()` answers it. */
function describeRoute(decision: RoutedRequest): RouteDecision {
  const http = decision.http ?? {};
  const fault = http.fault === undefined ? undefined : {
    delay: http.fault.delay?.fixedDelay,
    delayPercentage: http.fault.delay === undefined ? undefined : http.fault.delay.percentage?.value ?? 100,
    abortStatus: http.fault.abort?.httpStatus,
    abortPercentage: http.fault.abort === undefined ? undefined : http.fault.abort.percentage?.value ?? 100,
  };
  return {
    targets: decision.targets.map(t => ({ service: t.service, namespace: t.namespace, version: t.version, weight: t.weight })),
    reason: decision.reason,
    virtualService: decision.virtualService,
    route: decision.route,
    timeout: http.timeout,
    retryAttempts: http.retries?.attempts,
    fault,
  };
}

function requestFor(where: string, service: any, target: Workload | undefined, options: MeshRequest): AuthzRequest {
  const ports: any[] = service.spec?.ports ?? [];
  const port = options.port === undefined ? ports[0] : ports.find(p => p.port === options.port);
  if (!port) {
    throw meshError('MESH0603', where, `port ${options.port ?? '(first)'} is not a port of Service '${service.metadata?.namespace}/${service.metadata?.name}' `
      + `(ports: ${ports.map(p => p.port).join(', ') || 'none'}): give one of its ports`);
  }
  let targetPort = port.targetPort ?? port.port;
  if (typeof targetPort === 'string') {
    targetPort = /^[0-9]+$/.test(targetPort) ? Number(targetPort) : target?.namedPorts[targetPort];
  }
  const headers: { [name: string]: string } = {};
  Object.entries(options.headers ?? {}).forEach(([k, v]) => headers[k.toLowerCase()] = v);
  const access = options as AccessRequest;
  return {
    method: options.method ?? HttpMethod.GET,
    path: options.path ?? '/',
    port: targetPort,
    headers,
    http: carriesHttp(port),
    host: access.host,
    sourceIp: access.sourceIp,
    remoteIp: access.remoteIp ?? access.sourceIp,
    destinationIp: access.destinationIp,
    sni: access.sni,
    externalAuthorizers: access.externalAuthorizers,
  };
}

/**
 * Whether the gateway's proxy sees HTTP on a listener port: its Gateway server's protocol, where an HTTPS server
 * terminates TLS (unless it passes it through); TLS and TCP servers carry no HTTP. Without a server for the port
 * (a Gateway API gateway, whose listeners are not an Istio Gateway), the request the test sends is HTTP.
 */
function listenerCarriesHttp(manifests: any[], via: IngressGateway, port: number): boolean {
  const gateway = manifests.find(m => m?.kind === 'Gateway' && m.apiVersion?.startsWith('networking.istio.io/')
    && m.metadata?.name === via.gatewayName && (m.metadata?.namespace ?? 'default') === via.namespace);
  const server = (gateway?.spec?.servers ?? []).find((s: any) => s?.port?.number === port);
  if (!server) {
    return true;
  }
  const protocol = String(server.port.protocol ?? '').toUpperCase();
  const passthrough = ['PASSTHROUGH', 'AUTO_PASSTHROUGH'].includes(String(server.tls?.mode ?? ''));
  return ['HTTP', 'HTTP2', 'GRPC'].includes(protocol) || protocol === 'HTTPS' && !passthrough;
}

/**
 * Whether a Service port carries HTTP, as Istio selects the protocol: its `appProtocol`, else its name's prefix
 * (`tcp-db`); a port that declares no protocol Istio knows is sniffed, and the request the test sends is HTTP.
 */
function carriesHttp(port: any): boolean {
  const declared = String(port.appProtocol ?? String(port.name ?? '').split('-')[0]).toLowerCase();
  return !['tcp', 'tls', 'https', 'mongo', 'mysql', 'redis', 'udp'].includes(declared);
}

/**
 * The caller's workloads, as peers: their service account and labels from the synthesized pods. A service
 * imported with `MeshService.fromName()` has none in the manifests: its declared principal stands, with a proxy.
 */
function callerPeers(where: string, mesh: Mesh, manifests: any[], from: IMeshIdentity, version: string | undefined): Peer[] {
  const namespace = (from as unknown as { namespace: string }).namespace;
  if (isKind(from, 'ImportedMeshService') && !manifests.some(m => m?.kind === 'Service' && m.metadata?.name === from.serviceName && m.metadata?.namespace === namespace)) {
    return [{ principal: from.principal, proxy: true, labels: { app: from.serviceName, ...version ? { version } : {} }, namespace, label: `'${from.serviceName}' (imported, ${from.principal})` }];
  }
  const gateway = isKind(from, 'MeshGateway');
  const installed = gateway ? (from as unknown as { existing?: { selector: { [key: string]: string } } }).existing : undefined;
  if (installed) {
    // A gateway installed by other means has no workload in the manifests: its declared identity and pods stand.
    return [{ principal: from.principal, proxy: true, labels: { ...installed.selector }, namespace, gateway, label: `'${from.serviceName}' (installed, ${from.principal})` }];
  }
  const { workloads } = serviceWorkloads(manifests, where, from.serviceName, namespace);
  return ofVersion(where, `caller '${from.serviceName}'`, workloads, version).map(w => {
    const principal = mesh.principalOf(w.namespace, w.serviceAccount);
    return { principal, proxy: w.proxy, labels: w.labels, namespace: w.namespace, gateway, label: `${w.ref} (${w.proxy ? principal : 'no sidecar: plaintext'})` };
  });
}

function decideOne(
  where: string, mesh: Mesh, manifests: any[], caller: Peer, target: Workload, request: AuthzRequest,
  service: { name: string; namespace: string; port: number }, jwt?: JwtToken,
): Verdict {
  const host = `${service.name}.${service.namespace}.svc.${mesh.clusterDomain}`;
  const scope = sidecarScope(manifests, where, mesh.rootNamespace, mesh.outboundTrafficPolicy, caller, { namespace: service.namespace, host });
  if (!scope.known && scope.mode === 'REGISTRY_ONLY') {
    return { allowed: false, policy: scope.sidecar, reason: `denied: Sidecar ${scope.sidecar} of ${caller.label} does not list '${host}' among its egress hosts, and it is REGISTRY_ONLY: the caller's proxy refuses the request` };
  }
  if (!target.proxy) {
    // Auto mTLS sends plaintext to a workload without a proxy; a DestinationRule may still ask for mTLS.
    const client = clientTls(where, mesh, manifests, caller, service, 'DISABLE');
    return client.mtls
      ? { allowed: false, reason: `denied: ${caller.label} sends mTLS (${client.why}), but ${target.ref} runs no Istio proxy to accept it` }
      : { allowed: true, reason: `allowed: ${target.ref} runs no Istio proxy, so no policy is enforced on it` };
  }
  const mtls = peerAuthentication(manifests, mesh.rootNamespace, target, request.port);
  const client = clientTls(where, mesh, manifests, caller, service, mtls.mode);
  if (!client.mtls && mtls.mode === 'STRICT') {
    return { allowed: false, policy: mtls.policy, reason: `denied: PeerAuthentication ${mtls.policy} is STRICT on ${target.ref}, and ${caller.label} ${caller.proxy ? `calls in plaintext (${client.why})` : 'has no sidecar, so it calls in plaintext'}` };
  }
  if (client.mtls && mtls.mode === 'DISABLE') {
    return { allowed: false, policy: mtls.policy, reason: `denied: PeerAuthentication ${mtls.policy} is DISABLE on port ${request.port} of ${target.ref}, so it accepts plaintext only, and ${caller.label} sends mTLS (${client.why})` };
  }
  // Without mTLS the called proxy learns no identity: principals and namespaces then match nothing.
  const peer = client.mtls ? caller : { ...caller, principal: undefined };
  // Then the proxy's filters, in Envoy's order: JWT authentication (401), then authorization.
  const auth = authenticate(where, manifests, mesh.rootNamespace, target, jwt);
  if (auth.rejected) {
    return { allowed: false, policy: auth.policy, reason: `denied: ${auth.rejected}, at ${target.ref}` };
  }
  const headers = { ...request.headers, ...auth.addedHeaders };
  return authorize(where, manifests, mesh.rootNamespace, target, peer, { ...request, identity: auth.identity, headers });
}

/**
 * Whether the caller's proxy sends Istio mTLS to the service's port, and why: none without a proxy; else the
 * DestinationRule's TLS mode for the host (the caller's namespace first, then the service's, then the root
 * namespace's, as a sidecar picks one; its port-level setting first); else, with auto mTLS, mTLS unless the
 * workload's mode is DISABLE; else plaintext.
 *
 * @throws MESH0600 for TLS the caller's proxy originates (SIMPLE, MUTUAL) or set per subset
 */
function clientTls(
  where: string, mesh: Mesh, manifests: any[], caller: Peer, service: { name: string; namespace: string; port: number }, serverMode: string,
): { mtls: boolean; why: string } {
  if (!caller.proxy) {
    return { mtls: false, why: 'it has no sidecar' };
  }
  const host = `${service.name}.${service.namespace}.svc.${mesh.clusterDomain}`;
  const scope = sidecarScope(manifests, where, mesh.rootNamespace, mesh.outboundTrafficPolicy, caller, { namespace: service.namespace, host });
  if (!scope.known) {
    return { mtls: false, why: `its Sidecar ${scope.sidecar} does not list the host, so ALLOW_ANY passes the request through as it is` };
  }
  const rules = manifests.filter(m => m?.kind === 'DestinationRule'
    && hostMatches(String(m.spec?.host), m.metadata?.namespace ?? 'default', host, mesh.clusterDomain));
  const order = [caller.namespace, service.namespace, mesh.rootNamespace];
  const rank = (ns: string) => (order.includes(ns) ? order.indexOf(ns) : order.length);
  const rule = rules.sort((a, b) => rank(a.metadata?.namespace ?? 'default') - rank(b.metadata?.namespace ?? 'default'))[0];
  if (rule) {
    const name = `${rule.metadata?.namespace ?? 'default'}/${rule.metadata?.name}`;
    const ownTls = (s: any) => s?.trafficPolicy?.tls !== undefined || s?.trafficPolicy?.portLevelSettings?.some((p: any) => p?.tls !== undefined);
    if ((rule.spec?.subsets ?? []).some(ownTls)) {
      throw meshError('MESH0600', where, `DestinationRule ${name} has a subset with its own tls, which this evaluation cannot decide (only the rule's and its ports' tls are modelled): `
        + 'test that rule against a cluster, or leave it out of the manifests given');
    }
    const policy = rule.spec?.trafficPolicy ?? {};
    // A port's entry replaces the rule's settings on that port, tls included: one without tls leaves the port to
    // auto mTLS (Istio does not inherit the rule's tls into it).
    const portLevel = (policy.portLevelSettings ?? []).find((p: any) => p?.port?.number === service.port);
    const mode = portLevel ? portLevel.tls?.mode : policy.tls?.mode;
    if (mode === 'ISTIO_MUTUAL' || mode === 'DISABLE') {
      return { mtls: mode === 'ISTIO_MUTUAL', why: `DestinationRule ${name} sets tls ${mode}` };
    }
    if (mode !== undefined) {
      throw meshError('MESH0600', where, `DestinationRule ${name} has tls ${mode}, which this evaluation cannot decide (the caller's proxy originates TLS of its own to a workload of the mesh): `
        + 'test that rule against a cluster, or leave it out of the manifests given');
    }
  }
  if (!mesh.autoMtls) {
    return { mtls: false, why: 'auto mTLS is off and no DestinationRule sets tls ISTIO_MUTUAL' };
  }
  return serverMode === 'DISABLE' ? { mtls: false, why: 'auto mTLS: the workload takes plaintext' } : { mtls: true, why: 'auto mTLS' };
}

import { Lazy } from 'cdk8s';
import { k8s } from 'cdk8s-plus-27';
import { IConstruct } from 'constructs';
import type { AccessAction, AccessRule } from './access-policy';
import type { Caller } from './caller';
import { MtlsMode } from './mtls-mode';
import { namespaceSelector } from './network-peer';
import { plaintextCallersOf } from './plaintext-client';
import type { RevokedIdentities } from './revoked-identities';
import { AccessModel, callerVerdict } from '../analysis/access-model';
import type { MeshCode } from '../analysis/codes';
import { Severity } from '../analysis/finding';
import { MeshModel } from '../analysis/mesh-model';
import type { ControlPlane } from '../control-plane/control-plane';
import type { EgressGateway } from '../gateways/egress-gateway';
import type { IngressGateway } from '../gateways/ingress-gateway';
import type { MeshGateway } from '../gateways/mesh-gateway';
import type { IMesh, IMeshIdentity, IMeshService } from '../mesh-identity';
import { meshNamespaces, proxyNamespaces } from '../namespaces';
import { constructsOfKind, isKind, tryMeshOf, whenAnnounced } from '../private/tree';
import { PROXY_PORTS } from '../sidecar/sidecar';
import type { MeshService } from '../traffic/mesh-service';

/**
 * Where a NetworkPolicy's pods may connect or be connected from: their peers (none: anyone) and the pod ports.
 */
interface Rule {
  readonly peers?: k8s.NetworkPolicyPeer[];
  /** The ports (none: every port). */
  readonly ports?: { readonly port: number; readonly protocol: 'TCP' | 'UDP' }[];
}

const ALLOW = 'ALLOW' as AccessAction;

/** The port istio-csr's pods serve certificate requests on (its Service's 443). */
const ISTIO_CSR_POD_PORT = 6443;

/** istiod's xDS and CA port, which every proxy dials. */
const ISTIOD_XDS_PORT = 15012;

/** Every address, IPv4 and IPv6: the peers of a destination outside the cluster. */
const ANY_ADDRESS: k8s.NetworkPolicyPeer[] = [{ ipBlock: { cidr: '0.0.0.0/0' } }, { ipBlock: { cidr: '::/0' } }];

/**
 * When the mesh's `networkPolicies` is on, gives every service and gateway added to it its NetworkPolicy (they
 * announce themselves at the end of their constructors; the mesh is made before any of them).
 *
 * @internal
 */
export function watchNetworkPolicies(mesh: IMesh): void {
  if (mesh.networkPolicies) {
    whenAnnounced(mesh, added => {
      // An installed gateway's pods are not the mesh's to fence.
      if (isKind(added, 'MeshService') || isKind(added, 'MeshGateway') && !(added as MeshGateway).existing) {
        renderNetworkPolicy(added as IMeshIdentity & { readonly namespace: string });
      }
    });
  }
}

/**
 * Renders the NetworkPolicy of a service's pods or of a gateway's: the object is made now, its spec at synth,
 * when every caller, route and external service is known.
 */
function renderNetworkPolicy(owner: IMeshIdentity & { readonly namespace: string }): void {
  new k8s.KubeNetworkPolicy(owner, 'NetworkPolicy', {
    metadata: { name: owner.serviceName, namespace: owner.namespace },
    spec: Lazy.any({ produce: () => toKube(networkPolicySpec(owner)) }),
  });
}

/**
 * The rules of a workload's NetworkPolicy: who may connect to its pods (ingress) and where they may connect (egress).
 *
 * @internal
 */
export function networkPolicySpec(owner: IMeshIdentity): { selector: { [key: string]: string }; ingress: Rule[]; egress: Rule[] } {
  const mesh = owner.mesh;
  const model = MeshModel.of(mesh);
  const ingress: Rule[] = [];
  const egress: Rule[] = [];
  if (isKind(owner, 'MeshService')) {
    ingress.push(...callersOf(mesh, model, owner as unknown as IMeshService));
  } else if (isKind(owner, 'IngressGateway')) {
    // Clients outside the mesh: anyone (or whom allowAccessFrom lists) on the listeners; anyone on the status
    // port load balancers check.
    const gateway = owner as unknown as IngressGateway;
    const from = gateway._accessFrom;
    const peers = from === undefined || from.some(p => p._anywhere) ? undefined : from.flatMap(p => p._render());
    ingress.push({ peers, ports: tcp(gateway._listenerTargetPorts) }, { ports: tcp([PROXY_PORTS.health]) });
  } else {
    // An egress gateway: every workload may call the external services routed through it.
    const gateway = owner as unknown as EgressGateway;
    const peers = [...model.services, ...model.ingressGateways].map(identityPeer);
    if (peers.length > 0) {
      ingress.push({ peers, ports: tcp(gateway._listenerTargetPorts) });
    }
  }
  // pilot-agent's merged metrics and Envoy's own: to the stack's Prometheus, or, when the mesh runs none, to
  // whichever Prometheus the cluster has (the proxies serve only metrics there).
  const prometheus = model.telemetryStack?.prometheus;
  const scraper = prometheus
    ? [{ namespaceSelector: namespaceSelector(prometheus.namespace), podSelector: { matchLabels: { app: prometheus.serviceName } } }]
    : undefined;
  ingress.push({ peers: scraper, ports: tcp([PROXY_PORTS.agent, PROXY_PORTS.envoyMetrics]) });

  egress.push({ ports: [{ port: 53, protocol: 'UDP' }, { port: 53, protocol: 'TCP' }] });
  egress.push({ peers: controlPlanePeers(model.controlPlanes), ports: tcp([ISTIOD_XDS_PORT]) });
  egress.push(...certificateAuthorities(model.controlPlanes));
  const collector = tracingCollector(model);
  if (collector) {
    egress.push(collector);
  }
  for (const destination of egressCandidates(mesh, model, owner)) {
    const ports = reachablePorts(mesh, model, owner, destination);
    if (ports.length > 0) {
      egress.push({ peers: [identityPeer(destination)], ports: tcp(ports) });
    }
  }
  if (isKind(owner, 'EgressGateway')) {
    const gateway = owner as unknown as EgressGateway;
    const ports = gateway.externalServices.flatMap(e => e.ports.map(p => p.port));
    if (ports.length > 0) {
      egress.push({ peers: ANY_ADDRESS, ports: tcp(ports) });
    }
  } else {
    for (const external of model.externalServices) {
      const gateway = external.egressGateway;
      egress.push(gateway
        ? { peers: [identityPeer(gateway)], ports: tcp(external.ports.map(p => gatewayTargetPort(p.port))) }
        : { peers: ANY_ADDRESS, ports: tcp(external.ports.map(p => p.port)) });
    }
  }
  if (isKind(owner, 'MeshService')) {
    // What the program lets it reach beyond the call graph (MeshService.allowEgressTo()).
    for (const { peer, ports } of (owner as unknown as MeshService)._egressPeers) {
      egress.push({ peers: peer._anywhere ? undefined : peer._render(), ports: ports ? tcp(ports) : undefined });
    }
  }
  return { selector: podLabelsOf(owner), ingress, egress };
}

/**
 * Who may connect to a service's pods, from the call graph: each caller its AccessPolicy allows, on the ports it
 * allows; nobody under deny-by-default without one; else every pod of the mesh's namespaces.
 */
function callersOf(mesh: IMesh, model: MeshModel, service: IMeshService): Rule[] {
  const access = AccessModel.of(model);
  if (!access.allowListed(service)) {
    if (deniedByDefault(mesh, model, service)) {
      return [];
    }
    const namespaces = proxyNamespaces(mesh);
    return [{ peers: [{ namespaceSelector: { matchExpressions: [{ key: NAMESPACE_NAME, operator: 'In', values: namespaces }] } }], ports: tcp(targetPorts(service)) },
      // The declared plaintext clients, wherever they run (PlaintextClient), on the ports they call.
      ...plaintextCallersOf(mesh, service).map(c => ({
        peers: [{ namespaceSelector: namespaceSelector(c.namespace), podSelector: { matchLabels: c.podLabels } }],
        ports: tcp(targetPorts(service, c.ports)),
      }))];
  }
  const identities = identitiesByPrincipal(mesh, model);
  // A revoked identity is refused whatever the AccessPolicy says (Mesh.revokeIdentity()).
  const revoked = revokedPrincipals(mesh, service.namespace);
  // DENY rules never narrow the NetworkPolicy (Istio enforces them; a superset is safe): only ALLOW rules widen it.
  return access.rulesOf(service, ALLOW).flatMap(({ rule, caller }) => {
    const ports = tcp(rulePorts(service, rule));
    const peers = callerPeers(caller, identities, revoked);
    return peers === null ? [] : [{ peers, ports }];
  });
}

/**
 * The pods a caller may connect from, at L3/L4: the workloads its principals name (those of a service or gateway
 * of the mesh, or, for another SPIFFE ID, its namespace), else its namespaces, else its IP blocks; anyone for
 * what only a proxy can tell (a JWT, the original client behind a gateway, any identity). Its other fields only
 * narrow it: left to Istio. `null` when it names only revoked identities.
 */
function callerPeers(caller: Caller, identities: Map<string, IMeshIdentity[]>, revoked: string[]): k8s.NetworkPolicyPeer[] | undefined | null {
  const f = caller._fields;
  const principals = f.principals?.filter(p => !revoked.includes(p));
  if (principals && !principals.some(p => p.includes('*'))) {
    if (principals.length === 0) {
      return null;
    }
    const peers = principals.map(principal => {
      // AuthorizationPolicy allows a principal: every workload that runs as it.
      const alike = identities.get(principal) ?? [];
      const named = caller._identities.filter(i => i.principal === principal);
      if (alike.length > 0 || named.length > 0) {
        return (alike.length > 0 ? alike : named).map(identityPeer);
      }
      // A workload the mesh does not model: its namespace, or (when the principal does not say) anyone.
      const ns = /\/ns\/([^/]+)\/sa\//.exec(principal)?.[1];
      return ns ? [{ namespaceSelector: namespaceSelector(ns) }] : undefined;
    });
    return peers.some(p => p === undefined) ? undefined : unique(peers.flatMap(p => p!));
  }
  if (f.namespaces && !f.namespaces.some(n => n.includes('*'))) {
    return f.namespaces.map(ns => ({ namespaceSelector: namespaceSelector(ns) }));
  }
  if (f.ipBlocks) {
    return f.ipBlocks.map(cidr => ({ ipBlock: { cidr: cidr.includes('/') ? cidr : `${cidr}/${cidr.includes(':') ? 128 : 32}` } }));
  }
  return undefined;
}

/** The pod ports a rule is about: its ports (or every port), without its notPorts. */
function rulePorts(service: IMeshService, rule: AccessRule): number[] {
  const ports = rule.ports?.length ? rule.ports : service.ports.map(p => p.port);
  return targetPorts(service, ports.filter(p => !rule.notPorts?.includes(p)));
}

/**
 * The identities revoked where `namespace`'s workloads are: everywhere, or, when the mesh adopts an existing Istio
 * (which writes the DENY policy into each of its namespaces), in the mesh's namespaces only.
 */
function revokedPrincipals(mesh: IMesh, namespace: string): string[] {
  const outside = mesh.existingIstio && (namespace === mesh.rootNamespace || !meshNamespaces(mesh).some(n => n.namespaceName === namespace));
  return outside ? [] : (mesh.node.tryFindChild('RevokedIdentities') as RevokedIdentities | undefined)?.principals ?? [];
}

/** The pod ports `caller` may connect to on `destination`'s pods, from the call graph (none when it may not call it). */
function reachablePorts(mesh: IMesh, model: MeshModel, caller: IMeshIdentity, destination: IMeshService): number[] {
  if (revokedPrincipals(mesh, destination.namespace).includes(caller.principal)) {
    return [];
  }
  const access = AccessModel.of(model);
  if (!access.allowListed(destination)) {
    return deniedByDefault(mesh, model, destination) ? [] : targetPorts(destination);
  }
  // Every ALLOW rule that may admit the caller opens its ports (DENY rules never narrow: a superset is safe).
  const rules = access.rulesOf(destination, ALLOW).filter(r => callerVerdict(r.caller, caller) !== 'no');
  return [...new Set(rules.flatMap(r => rulePorts(destination, r.rule)))];
}

/** Per view of the mesh: which destinations a workload may reach, indexed so each NetworkPolicy reads only its own. */
interface EgressIndex {
  /** Every destination, with its place in `destinations()`. */
  readonly order: Map<IMeshService, number>;
  /** The destinations any workload may reach: not allow-listed, or with ALLOW rules not only about named identities. */
  readonly anyone: IMeshService[];
  /** The allow-listed destinations whose ALLOW rules name a principal, by that principal. */
  readonly byPrincipal: Map<string, IMeshService[]>;
}

const EGRESS_INDEXES = new WeakMap<MeshModel, EgressIndex>();

/**
 * The destinations `caller` may reach some port of, in the order of `destinations()`: a superset of those
 * `reachablePorts` opens, found without asking every destination about every caller (which is quadratic in the
 * services). A caller is refused by an allow-listed destination whose ALLOW rules all name principals without a
 * wildcard (`Caller.service()`) other than its own, whatever else they say (`callerVerdict`).
 */
function egressCandidates(mesh: IMesh, model: MeshModel, caller: IMeshIdentity): IMeshService[] {
  let index = EGRESS_INDEXES.get(model);
  if (!index) {
    const access = AccessModel.of(model);
    index = { order: new Map(), anyone: [], byPrincipal: new Map() };
    for (const destination of destinations(mesh)) {
      index.order.set(destination, index.order.size);
      if (!access.allowListed(destination)) {
        index.anyone.push(destination);
        continue;
      }
      const principals = new Set<string>();
      let general = false;
      for (const { caller: c } of access.rulesOf(destination, ALLOW)) {
        const named = c._fields.principals;
        if (!named || named.some(p => p.includes('*'))) {
          general = true;
        } else {
          named.forEach(p => principals.add(p));
        }
      }
      if (general) {
        index.anyone.push(destination);
      } else {
        for (const principal of principals) {
          index.byPrincipal.set(principal, [...index.byPrincipal.get(principal) ?? [], destination]);
        }
      }
    }
    EGRESS_INDEXES.set(model, index);
  }
  const order = index.order;
  const named = index.byPrincipal.get(caller.principal) ?? [];
  return named.length === 0 ? index.anyone : [...new Set([...index.anyone, ...named])].sort((a, b) => order.get(a)! - order.get(b)!);
}

function deniedByDefault(_mesh: IMesh, model: MeshModel, service: IMeshService): boolean {
  return model.deniesByDefault(service.namespace);
}

/** The container ports behind service ports (all of them when `ports` is empty or missing). */
function targetPorts(service: IMeshService, ports?: number[]): number[] {
  const chosen = ports?.length ? service.ports.filter(p => ports.includes(p.port)) : service.ports;
  return [...new Set(chosen.map(p => p.targetPort ?? p.port))];
}

/** Every service a workload may call: those of the program, then the imported ones. */
function destinations(mesh: IMesh): IMeshService[] {
  return [...MeshModel.of(mesh).services, ...importedServices(mesh)];
}

function importedServices(mesh: IMesh): IMeshService[] {
  return constructsOfKind(mesh, 'ImportedMeshService').filter(c => tryMeshOf(c) === mesh) as unknown as IMeshService[];
}

const IDENTITIES_BY_PRINCIPAL = new WeakMap<MeshModel, Map<string, IMeshIdentity[]>>();

/** Every workload identity of the mesh whose pods a policy can name, by principal (one index per view of the mesh). */
function identitiesByPrincipal(mesh: IMesh, model: MeshModel): Map<string, IMeshIdentity[]> {
  let index = IDENTITIES_BY_PRINCIPAL.get(model);
  if (!index) {
    index = new Map();
    for (const identity of identitiesOf(mesh)) {
      index.set(identity.principal, [...index.get(identity.principal) ?? [], identity]);
    }
    IDENTITIES_BY_PRINCIPAL.set(model, index);
  }
  return index;
}

/** Every workload identity of the mesh whose pods a policy can name. */
function identitiesOf(mesh: IMesh): IMeshIdentity[] {
  const model = MeshModel.of(mesh);
  return [...model.services, ...model.gateways, ...importedServices(mesh)];
}

/** The pods of a service or gateway, as a NetworkPolicy peer. */
function identityPeer(identity: IMeshIdentity): k8s.NetworkPolicyPeer {
  const namespace = (identity as unknown as { namespace: string }).namespace;
  return { namespaceSelector: namespaceSelector(namespace), podSelector: { matchLabels: podLabelsOf(identity) } };
}

/**
 * The labels that select a workload's pods: a gateway's app and role, a service's app (an imported service's
 * given `podLabels`, else the `app` label Istio's conventions give it).
 *
 * @internal
 */
export function podLabelsOf(identity: IMeshIdentity): { [key: string]: string } {
  if (isKind(identity, 'MeshGateway')) {
    return (identity as unknown as MeshGateway)._podLabels;
  }
  const given = (identity as { _podLabels?: { [key: string]: string } })._podLabels;
  return given ? { ...given } : { app: identity.serviceName };
}

/** The pods of every control plane: a proxy may move to another revision's during a canary upgrade. */
function controlPlanePeers(controlPlanes: ControlPlane[]): k8s.NetworkPolicyPeer[] {
  return unique(controlPlanes.map(c => ({ namespaceSelector: namespaceSelector(c.namespace), podSelector: { matchLabels: { app: 'istiod' } } })));
}

/**
 * Where proxies send their certificate requests when istiod is not their CA (cert-manager's istio-csr): its
 * namespace, on the port of its address and on istio-csr's own pod port (its Service maps 443 to 6443); an
 * address outside the cluster, on its port anywhere.
 */
function certificateAuthorities(controlPlanes: ControlPlane[]): Rule[] {
  const rules = controlPlanes.flatMap(c => {
    const address = c._ca.caAddress;
    const m = address === undefined ? null : /^([a-z0-9-]+)\.([a-z0-9-]+)\.svc(?:\.[a-z0-9.-]+)?:(\d+)$/.exec(address);
    if (address === undefined) {
      return [];
    }
    if (!m) {
      const port = Number(/:(\d+)$/.exec(address)?.[1] ?? 443);
      return [{ peers: ANY_ADDRESS, ports: tcp([port]) }];
    }
    return [{ peers: [{ namespaceSelector: namespaceSelector(m[2]) }], ports: tcp([...new Set([Number(m[3]), ISTIO_CSR_POD_PORT])]) }];
  });
  return [...new Map(rules.map(r => [JSON.stringify(r), r])).values()];
}

/**
 * Where proxies send spans: the pods of the backend the stack runs (on its collector port), or, for a collector
 * that runs elsewhere, its port on any address.
 */
function tracingCollector(model: MeshModel): Rule | undefined {
  const stack = model.telemetryStack;
  const config = stack?._tracingConfig;
  if (!stack || !config || !stack.tracing) {
    return undefined;
  }
  const service = (config.provider.config.opentelemetry ?? config.provider.config.zipkin) as { port: number } | undefined;
  if (!service) {
    return undefined;
  }
  // A backend the stack runs has a query URL; its pods carry its provider's name as their app.
  const pods = { namespaceSelector: namespaceSelector(stack.namespace), podSelector: { matchLabels: { app: stack.tracing.providerName } } };
  return config.queryUrl ? { peers: [pods], ports: tcp([service.port]) } : { ports: tcp([service.port]) };
}

/** The container port of a gateway listener: ports below 1024 are served on 8000 + port. */
function gatewayTargetPort(port: number): number {
  return port < 1024 ? port + 8000 : port;
}

const NAMESPACE_NAME = 'kubernetes.io/metadata.name';

function tcp(ports: number[]): Rule['ports'] {
  return [...new Set(ports)].map(port => ({ port, protocol: 'TCP' as const }));
}

function unique<T>(items: T[]): T[] {
  const seen = new Set<string>();
  return items.filter(item => {
    const key = JSON.stringify(item);
    return seen.has(key) ? false : (seen.add(key), true);
  });
}

/**
 * The spec as Kubernetes reads it. An empty list of peers or ports would admit every peer or port: a rule that
 * ends up with one (a service without ports, reported elsewhere) is left out, never widened.
 */
function toKube(spec: ReturnType<typeof networkPolicySpec>): k8s.NetworkPolicySpec {
  const nonEmpty = (list: unknown[] | undefined) => list === undefined || list.length > 0;
  const rules = (list: Rule[]) => list.filter(rule => nonEmpty(rule.ports) && nonEmpty(rule.peers));
  const ports = (rule: Rule) => rule.ports?.map(p => ({ port: k8s.IntOrString.fromNumber(p.port), protocol: p.protocol }));
  return {
    podSelector: { matchLabels: spec.selector },
    policyTypes: ['Ingress', 'Egress'],
    ingress: rules(spec.ingress).map(rule => ({ from: rule.peers, ports: ports(rule) })),
    egress: rules(spec.egress).map(rule => ({ to: rule.peers, ports: ports(rule) })),
  };
}

/**
 * What cannot work in the NetworkPolicies of a mesh, found at synth with the rest of its analysis.
 *
 * @internal
 */
export function checkNetworkPolicies(
  mesh: IMesh,
  model: MeshModel,
  report: (code: MeshCode, severity: Severity, scope: IConstruct, message: string) => void,
): void {
  if (!mesh.networkPolicies) {
    return;
  }
  // An imported service's pods are named by labels the program does not know.
  const named = new Set<IMeshIdentity>();
  const access = AccessModel.of(model);
  for (const policy of model.accessPolicies.filter(p => p.service)) {
    named.add(policy.service!);
    access.namedCallers(policy.service!).forEach(i => named.add(i));
  }
  for (const service of importedServices(mesh)) {
    const reached = named.has(service) || !access.allowListed(service) && !deniedByDefault(mesh, model, service);
    if (reached && !(service as { _podLabels?: object })._podLabels) {
      report('MESH0305', Severity.WARNING, service, `service '${service.serviceName}' is imported and its pods' labels are unknown, so the NetworkPolicies name them by app=${service.serviceName} in namespace '${service.namespace}': `
        + 'give MeshService.fromName() its podLabels, or make sure its pods carry that label');
    }
  }
  for (const service of model.services) {
    if (!access.allowListed(service) && !deniedByDefault(mesh, model, service) && mesh.mtlsModeOf(service) !== MtlsMode.STRICT) {
      report('MESH0306', Severity.WARNING, service, `service '${service.serviceName}' has mTLS ${mesh.mtlsModeOf(service)} and no AccessPolicy, so its sidecar accepts calls from outside the mesh, `
        + "but its NetworkPolicy admits only pods of the mesh's namespaces: call it through an ingress gateway, or set networkPolicies: false on the mesh");
    }
  }
}

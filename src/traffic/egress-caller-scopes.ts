import { Lazy } from 'cdk8s';
import { Construct } from 'constructs';
import { EgressScope } from './egress-scope';
import type { ExternalService } from './external-service';
import { Protocol } from './protocol';
import * as security from '../imports/istio-security';
import type { IMesh, IMeshService } from '../mesh-identity';
import { proxyNamespaces } from '../namespaces';
import { ConstructKind, constructsOfKind, tryMeshOf } from '../private/tree';

/*
 * "Only these services may call this external service", made real with what Istio offers:
 * - Sidecar egress scoping: every namespace with workloads of the mesh gets a default Sidecar (unless the program
 *   declared one) that lists every namespace's hosts but the restricted ones, REGISTRY_ONLY, so a workload that does
 *   not know the host cannot pass through to it either; each caller gets a Sidecar of its own (unless the program
 *   declared one) that starts from its namespace's and adds the host. Never two Sidecars for one workload or two
 *   default ones for a namespace (undefined in Istio): the program's EgressScopes are merged with, not doubled.
 * - Through an egress gateway, a DENY AuthorizationPolicy there refuses the host to every identity but the
 *   callers': sidecar configuration is the caller's own, which a malicious workload can bypass; the gateway's is not.
 */

/** The scopes written here, told apart from the program's. */
const WRITTEN = new WeakSet<EgressScope>();

/**
 * Whether `scope` was written for the callers of an external service rather than declared by the program.
 *
 * @internal
 */
export function isWrittenForCallers(scope: EgressScope): boolean {
  return WRITTEN.has(scope);
}

/** The constructs of a kind in this mesh. */
function ours<T>(mesh: IMesh, kind: ConstructKind): T[] {
  return constructsOfKind(mesh, kind).filter(c => tryMeshOf(c) === mesh) as unknown as T[];
}

/**
 * Writes what the restrictions need, once every construct is known: the Sidecars the program did not declare,
 * and the egress gateways' policies. Runs at every analysis (so before synthesis) and only adds what is missing.
 *
 * @internal
 */
export function writeCallerScopes(mesh: IMesh): void {
  const externals = ours<ExternalService>(mesh, 'ExternalService');
  const restricted = externals.filter(e => e.callers.length > 0);
  if (restricted.length === 0) {
    return;
  }
  const services = ours<IMeshService>(mesh, 'MeshService');
  const declared = ours<EgressScope>(mesh, 'EgressScope').filter(s => !WRITTEN.has(s));
  const container = mesh.node.tryFindChild('EgressCallers') ?? new Construct(mesh, 'EgressCallers');
  const write = (id: string, make: () => EgressScope) => {
    const found = container.node.tryFindChild(id) as EgressScope | undefined;
    if (found) {
      return found;
    }
    const scope = make();
    WRITTEN.add(scope);
    return scope;
  };
  const defaults = new Map<string, EgressScope>();
  for (const namespace of [...new Set(services.map(s => s.namespace))]) {
    const own = declared.find(s => s.namespace === namespace && !s._service);
    if (own) {
      defaults.set(namespace, own);
      continue;
    }
    const scope = write(`Namespace-${namespace}`, () => new EgressScope(container, `Namespace-${namespace}`, { namespace }));
    // Again at every analysis: what the program added since only adds hosts.
    allowAllBut(mesh, scope, restricted, externals, services);
    defaults.set(namespace, scope);
  }
  const callers = [...new Set(restricted.flatMap(e => e.callers))];
  for (const caller of callers.filter(c => !declared.some(s => s._service === c))) {
    const scope = write(`Caller-${caller.namespace}-${caller.serviceName}`, () => new EgressScope(container, `Caller-${caller.namespace}-${caller.serviceName}`, { service: caller }));
    scope._startFrom(defaults.get(caller.namespace)!);
    restricted.filter(e => e.callers.includes(caller)).forEach(e => scope.allowExternal(e));
  }
  for (const external of restricted.filter(e => e.egressGateway)) {
    if (!external.node.tryFindChild('CallersOnly')) {
      admitOnlyCallersAt(external, external.egressGateway!);
    }
  }
}

/**
 * Lists every host the mesh knows but the restricted ones: the whole of each namespace that holds none of them
 * (the program's, and the cluster's own 'default' and 'kube-system'), and in a namespace that does, each other host
 * of the program (services, unrestricted external services, gateways) and the Kubernetes API. Hosts of namespaces
 * the program does not model are not listed: a namespace that needs them declares its own `EgressScope`.
 */
function allowAllBut(mesh: IMesh, scope: EgressScope, restricted: ExternalService[], externals: ExternalService[], services: IMeshService[]): void {
  const closed = new Set(restricted.map(e => e.namespace));
  const gateways = ours<{ namespace: string; host: string }>(mesh, 'MeshGateway');
  const imported = ours<IMeshService>(mesh, 'ImportedMeshService');
  const stack = ours<{ namespace: string }>(mesh, 'TelemetryStack');
  // The cluster's own services stay reachable whatever the program models: the Kubernetes API (in 'default') and
  // kube-system's (a workload that talks to the API server, or to a cluster add-on, must not lose it).
  const namespaces = [...new Set([
    ...proxyNamespaces(mesh), ...services.map(s => s.namespace), ...imported.map(s => s.namespace),
    ...externals.map(e => e.namespace), ...gateways.map(g => g.namespace), ...stack.map(s => s.namespace), 'default', 'kube-system',
  ])];
  for (const namespace of namespaces) {
    if (!closed.has(namespace)) {
      scope.allowHost(`${namespace}/*`);
      continue;
    }
    [...services, ...imported].filter(s => s.namespace === namespace).forEach(s => scope.allowService(s));
    externals.filter(e => e.namespace === namespace && e.callers.length === 0).forEach(e => scope.allowExternal(e));
    gateways.filter(g => g.namespace === namespace).forEach(g => scope.allowHost(`${namespace}/${g.host}`));
    if (namespace === 'default') {
      scope.allowHost(`default/kubernetes.default.svc.${mesh.clusterDomain}`);
    }
  }
}

/**
 * The egress gateway refuses the external service's hosts to every identity but its callers': a DENY policy,
 * which Istio applies before the gateway's ALLOW policy, so the hosts of other external services stay open.
 * HTTP is told by the request's host (with or without a port), TLS by the SNI; each rule is held to the
 * gateway's container ports of the service's ports of that kind, because on a TCP connection Istio applies a
 * DENY rule without its HTTP fields.
 */
function admitOnlyCallersAt(external: ExternalService, gateway: NonNullable<ExternalService['egressGateway']>): void {
  const targetPorts = (http: boolean) => [...new Set(external.ports
    .filter(p => (p.protocol === Protocol.HTTP) === http && [Protocol.HTTP, Protocol.HTTPS, Protocol.TLS].includes(p.protocol!))
    .map(p => gateway._listenerFor(p.port)?.targetPort)
    .filter((p): p is number => p !== undefined))].map(String);
  new security.AuthorizationPolicy(external, 'CallersOnly', {
    metadata: { name: `${external.resource.name}-${external.namespace}-callers`, namespace: gateway.namespace },
    spec: Lazy.any({
      produce: (): security.AuthorizationPolicySpec => {
        const notPrincipals = external.callers.map(c => c.principal);
        const http = targetPorts(true);
        const tls = targetPorts(false);
        return {
          selector: { matchLabels: gateway._podLabels },
          action: security.AuthorizationPolicySpecAction.DENY,
          rules: [
            ...http.length > 0 ? [{
              from: [{ source: { notPrincipals } }],
              to: [{ operation: { hosts: external.hosts.flatMap(h => [h, `${h}:*`]), ports: http } }],
            }] : [],
            ...tls.length > 0 ? [{
              from: [{ source: { notPrincipals } }],
              to: [{ operation: { ports: tls } }],
              when: [{ key: 'connection.sni', values: external.hosts }],
            }] : [],
          ],
        };
      },
    }),
  });
}

import { IConstruct } from 'constructs';
import { AccessModel } from './access-model';
import type { MeshCode } from './codes';
import { Severity } from './finding';
import type { MeshModel } from './mesh-model';
import type { IMeshIdentity, IMeshService } from '../mesh-identity';
import type { AccessAction } from '../security/access-policy';
import { exportedTo } from '../traffic/export-to';
import type { MeshServiceBase } from '../traffic/mesh-service-base';
import { routeMirrors } from '../traffic/traffic-split';

/** How a whole-mesh check reports a finding (the mesh's analysis passes its own). */
type Report = (code: MeshCode, severity: Severity, scope: IConstruct, message: string) => void;

/** A workload the program itself says calls a service, and where it says so. */
interface Caller {
  readonly label: string;
  readonly namespace: string;
  readonly where: string;
}

/**
 * Callers the program names, in namespaces a service's routing is not exported to (MESH0891, an error). Istio
 * does not tell: the caller's proxy never sees the VirtualService and DestinationRule, so its requests bypass
 * the routing silently (no weights, subsets, timeouts, retries or circuit breaker; without auto mTLS, no mTLS
 * either). The program names both the caller and the visibility, so one of them is a mistake: an error, whose
 * fix is to add the namespace to `exportTo` or to drop the caller. The callers are those of the service's
 * AccessPolicy, the calling services its routes match, the ingress gateways that route to it, and those of a
 * service whose routes mirror to it (their proxies send the copies); an external service's are the egress gateway
 * it is routed through.
 *
 * @internal
 */
export function checkVisibility(model: MeshModel, report: Report): void {
  const services = [...model.services, ...model.trafficSplits.map(s => s.service)].filter((s, i, all) => all.indexOf(s) === i) as MeshServiceBase[];
  for (const service of services.filter(s => s.exportTo !== undefined)) {
    if (!service.virtualService && !service.destinationRule && service.gatewayApiRoutes.length === 0) {
      continue;
    }
    const callers = callersOf(model, service);
    // A mirror's copies are sent by the proxies of the mirroring service's callers, which need the subset.
    for (const split of model.trafficSplits.filter(s => s.service !== service)) {
      if (split.routes.some(r => routeMirrors(split, r).some(m => m.service === service))) {
        callers.push(...callersOf(model, split.service as MeshServiceBase).map(c => ({
          ...c, where: `its requests to service '${split.service.serviceName}' are mirrored to it by ${split.node.path}`,
        })));
      }
    }
    reportHidden(report, service, `service '${service.serviceName}'`, service.namespace, service.exportTo!, callers,
      "its routing (VirtualService, DestinationRule), so that caller's requests bypass it: no weights, subsets, timeouts, retries or circuit breaker apply");
  }
  for (const external of model.externalServices.filter(e => e.exportTo !== undefined && e.egressGateway !== undefined)) {
    const gateway = external.egressGateway!;
    reportHidden(report, external, `external service '${external.resource.name}'`, external.namespace, external.exportTo!,
      [{ label: `egress gateway '${gateway.gatewayName}'`, namespace: gateway.namespace, where: 'calls to it are routed through it' }],
      'its ServiceEntry and VirtualService, so the gateway does not know the host and cannot forward the calls');
  }
}

/**
 * The callers the program names for a service: those its AccessPolicy allows, the calling services its routes
 * match, and the ingress gateways that route to it.
 */
function callersOf(model: MeshModel, service: MeshServiceBase): Caller[] {
  const callers: Caller[] = [];
  for (const { caller, policy } of AccessModel.of(model).rulesOf(service, 'ALLOW' as AccessAction)) {
    for (const identity of caller._identities) {
      const ns = namespaceOf(identity);
      if (ns !== undefined) {
        callers.push({ label: `caller '${identity.serviceName}'`, namespace: ns, where: `its AccessPolicy (${policy.node.path}) allows it` });
      }
    }
  }
  const split = service.trafficSplit;
  if (split) {
    const matched = [
      ...split.routes.flatMap(r => (r.matches ?? []).map(m => m.sourceService)),
      ...[...split.tcpRoutes, ...split.tlsRoutes].map(r => r.sourceService),
    ].filter((s): s is IMeshService => s !== undefined);
    for (const source of matched) {
      callers.push({ label: `calling service '${source.serviceName}'`, namespace: source.namespace, where: `a route of ${split.node.path} matches it` });
    }
  }
  for (const gateway of model.ingressGateways.filter(g => g.routedServices.includes(service))) {
    callers.push({ label: `ingress gateway '${gateway.gatewayName}'`, namespace: gateway.namespace, where: 'it routes to the service' });
  }
  return callers;
}

function reportHidden(
  report: Report, scope: IConstruct, subject: string, namespace: string, exportTo: string[], callers: Caller[], effect: string,
): void {
  const seen = new Set<string>();
  for (const caller of callers) {
    const key = `${caller.label} ${caller.namespace}`;
    if (seen.has(key) || exportedTo(namespace, exportTo, caller.namespace)) {
      continue;
    }
    seen.add(key);
    const fix = `add '${caller.namespace}' to exportTo, or stop naming that caller`;
    report('MESH0891', Severity.ERROR, scope, `${caller.label} in namespace '${caller.namespace}' calls ${subject} (${caller.where}), but exportTo (${exportTo.join(', ')}) hides ${effect}: ${fix}`);
  }
}

/** The namespace of a caller: a service's, or a gateway's. */
function namespaceOf(caller: IMeshIdentity): string | undefined {
  const ns = (caller as { namespace?: unknown }).namespace;
  return typeof ns === 'string' ? ns : undefined;
}

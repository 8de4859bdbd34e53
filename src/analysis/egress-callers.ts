import { IConstruct } from 'constructs';
import type { MeshCode } from './codes';
import { Severity } from './finding';
import type { MeshModel } from './mesh-model';
import type { IMesh, IMeshService } from '../mesh-identity';
import { OutboundTrafficPolicy } from '../mesh-identity';
import { hostListed } from '../private/sidecar-scope';
import { constructsOfKind, tryMeshOf } from '../private/tree';
import { extensionProvidersOf } from '../telemetry/providers';
import { isWrittenForCallers, writeCallerScopes } from '../traffic/egress-caller-scopes';
import type { EgressScope } from '../traffic/egress-scope';
import { exportedTo } from '../traffic/export-to';
import type { ExternalService } from '../traffic/external-service';
import type { ExternalTrafficSplit } from '../traffic/external-split';

/** How a whole-mesh check reports a finding (the mesh's analysis passes its own). */
type Report = (code: MeshCode, severity: Severity, scope: IConstruct, message: string) => void;

/**
 * What contradicts an external service's `callers`: a caller whose own EgressScope or whose namespace (by the
 * service's `exportTo`) leaves the host out, an EgressScope the program declared that lets another workload reach
 * the host (by listing it, or by passing unknown hosts through), a route of its split that matches calls from a
 * service that cannot make them; and, for every Sidecar, the endpoints of the mesh's own extension providers
 * (the tracing collector...) that it leaves out.
 *
 * @internal
 */
export function checkEgressCallers(mesh: IMesh, model: MeshModel, report: Report): void {
  // Written here rather than when a caller is given, which would tie the external service to the Sidecars in an
  // import cycle; the analysis runs before synthesis, and the checks below see what is written.
  writeCallerScopes(mesh);
  const scopes = (constructsOfKind(mesh, 'EgressScope').filter(s => tryMeshOf(s) === mesh) as unknown as EgressScope[]);
  const declared = scopes.filter(s => !isWrittenForCallers(s));
  const restricted = model.externalServices.filter(e => e.callers.length > 0);
  const names = (e: ExternalService) => e.callers.map(c => c.serviceName).join(', ');
  for (const external of restricted) {
    for (const caller of external.callers) {
      const own = declared.find(s => s._service === caller);
      const missing = own && external.hosts.filter(host => !hostListed(own._hosts(), own.namespace, { namespace: external.namespace, host }));
      if (own && missing!.length > 0) {
        report('MESH1084', Severity.ERROR, external, `caller '${caller.serviceName}' has an EgressScope (${own.node.path}) that leaves out host '${missing![0]}', `
          + `so its proxy refuses the calls: add allowExternal: [${external.node.id}] to that scope`);
      }
      if (!exportedTo(external.namespace, external.exportTo, caller.namespace)) {
        report('MESH1085', Severity.ERROR, external, `caller '${caller.serviceName}' is in namespace '${caller.namespace}', which exportTo (${external.exportTo!.join(', ')}) leaves out, `
          + `so its proxy never learns the host: add '${caller.namespace}' to exportTo, or drop exportTo`);
      }
    }
  }
  if (restricted.length > 0) {
    for (const scope of declared) {
      const governed = scope._service ? [scope._service]
        : model.services.filter(s => s.namespace === scope.namespace && !declared.some(d => d._service === s)) as IMeshService[];
      const reaching = restricted.filter(e => governed.some(w => !e.callers.includes(w)));
      if (reaching.length === 0) {
        continue;
      }
      const others = (e: ExternalService) => governed.filter(w => !e.callers.includes(w)).map(w => `'${w.serviceName}'`).join(', ');
      if (scope._mode === OutboundTrafficPolicy.ALLOW_ANY) {
        const e = reaching[0];
        report('MESH1087', Severity.ERROR, scope, `the scope passes unknown hosts through (ALLOW_ANY), so the proxies of ${others(e)} reach host '${e.hosts[0]}' of external service `
          + `'${e.node.id}', which only its callers (${names(e)}) may call: make the scope REGISTRY_ONLY, or add them to callers`);
        continue;
      }
      for (const e of reaching) {
        const host = e.hosts.find(h => hostListed(scope._hosts(), scope.namespace, { namespace: e.namespace, host: h }));
        if (host) {
          report('MESH1086', Severity.ERROR, scope, `the scope lets ${others(e)} reach host '${host}' of external service '${e.node.id}', which only its callers `
            + `(${names(e)}) may call: leave the host out of the scope, or add them to callers`);
        }
      }
    }
    const splits = constructsOfKind(mesh, 'ExternalTrafficSplit').filter(s => tryMeshOf(s) === mesh) as unknown as ExternalTrafficSplit[];
    for (const split of splits.filter(s => s.externalService.callers.length > 0)) {
      const e = split.externalService;
      split.routes.forEach((route, i) => {
        for (const source of (route.matches ?? []).map(m => m.sourceService).filter((s): s is IMeshService => !!s && !e.callers.includes(s))) {
          report('MESH1088', Severity.WARNING, split, `route ${route.name ? `'${route.name}'` : i + 1} matches calls from '${source.serviceName}', which is not a caller of external service `
            + `'${e.node.id}' (callers: ${names(e)}) and cannot reach it, so the route never applies: drop the match, or add '${source.serviceName}' to callers`);
        }
      });
    }
  }
  checkProviderEndpoints(mesh, model, scopes, report);
}

/**
 * A Sidecar that leaves out an endpoint of the mesh's extension providers (the tracing collector, an
 * OpenTelemetry access log service) leaves its proxies without a cluster for it: spans and logs are dropped.
 */
function checkProviderEndpoints(mesh: IMesh, model: MeshModel, scopes: EgressScope[], report: Report): void {
  const endpoints = extensionProvidersOf(mesh).flatMap(p => Object.values(p.config)
    .map(c => (c as { service?: unknown } | undefined)?.service)
    .filter((s): s is string => typeof s === 'string')
    .map(host => ({ provider: p, host, namespace: namespaceOf(model, host) }))
    .filter((e): e is { provider: typeof p; host: string; namespace: string } => e.namespace !== undefined));
  for (const scope of scopes) {
    for (const endpoint of endpoints.filter(e => !hostListed(scope._hosts(), scope.namespace, e))) {
      report('MESH1089', Severity.WARNING, scope, `the Sidecar leaves out host '${endpoint.host}' of the mesh's ${endpoint.provider.kind} provider '${endpoint.provider.name}', `
        + `so its proxies cannot reach it (spans or logs are dropped): add allowHosts: ['${endpoint.namespace}/${endpoint.host}'] (or '${endpoint.namespace}/*')`);
    }
  }
}

/** The namespace whose configuration makes a host known: a Service's, or an external service's. */
function namespaceOf(model: MeshModel, host: string): string | undefined {
  const inCluster = /^[a-z0-9-]+\.([a-z0-9-]+)\.svc(\.|$)/.exec(host);
  return inCluster ? inCluster[1] : model.externalServices.find(e => e.hosts.includes(host))?.namespace;
}

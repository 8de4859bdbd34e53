import { IConstruct } from 'constructs';
import type { Mesh } from '../mesh';
import type { MeshCode } from './codes';
import { Finding, Severity } from './finding';
import { EgressGateway } from '../control-plane/egress-gateway';
import { IngressGateway } from '../control-plane/ingress-gateway';
import { displayPath } from '../private/errors';
import { MtlsMode } from '../security/mtls-policy';
import { IMeshService, MeshService } from '../traffic/mesh-service';

/**
 * Whole-mesh checks: the ones that need every service, version and policy to be known, so they run at
 * synthesis (through the mesh's validation) rather than when a construct is created. Every finding of a
 * mesh is reported together.
 */
export class MeshAnalyzer {
  /**
   * Analyses a mesh; the findings are sorted by path, then code.
   */
  public static analyze(mesh: Mesh): Finding[] {
    const findings: Finding[] = [];
    const report = (code: MeshCode, severity: Severity, scope: IConstruct, message: string) => {
      findings.push({ code, severity, path: displayPath(scope), message });
    };

    for (const split of mesh._trafficSplits) {
      const service = split.service;
      const versions = service.versionNames;
      const routes = split.routes;
      if (routes.length === 0) {
        report('MESH0103', Severity.ERROR, split, `has no routes for service '${service.serviceName}': add one with addRoute(), or remove the split`);
        continue;
      }
      if (versions) {
        routes.forEach((route, i) => {
          const label = route.name ? `route '${route.name}'` : `route ${i + 1}`;
          const used = [...route.targets.map(t => t.versionName), ...(route.mirror ? [route.mirror.version] : [])];
          for (const v of used.filter(u => !versions.includes(u))) {
            report('MESH0101', Severity.ERROR, split, `${label}: subset '${v}' is not a version of service '${service.serviceName}' (versions: ${versions.length ? versions.join(', ') : 'none'}): add it with addVersion('${v}', ...) or route to an existing version`);
          }
        });
      }
      const last = routes[routes.length - 1];
      if (last.matches && last.matches.length > 0) {
        report('MESH0112', Severity.WARNING, split, `every route of service '${service.serviceName}' has matches, so requests matching none get 404: end with a route without matches`);
      }
    }

    for (const service of mesh.services) {
      if (!(service instanceof MeshService)) {
        continue;
      }
      if (service.versions.length === 0) {
        report('MESH0111', Severity.WARNING, service, `service '${service.serviceName}' has no versions, so its Service selects no pods: add one with addVersion()`);
      }
      const policy = service.trafficPolicy;
      if (policy.loadBalancer?.locality && !policy.circuitBreaker?.detectsOutliers) {
        report('MESH0113', Severity.WARNING, service, `locality load balancing of service '${service.serviceName}' has no effect without outlier detection: add circuitBreaker: CircuitBreaker.of({ consecutiveErrors: ... })`);
      }
    }

    for (const policy of mesh._accessPolicies) {
      const target = policy.service;
      if (policy.rules.length === 0) {
        report('MESH0302', Severity.WARNING, policy, `allows no caller, so service '${target.serviceName}' refuses every call: add callers with allowFrom()`);
      }
      for (const rule of policy.rules) {
        const ports = rule.ports && rule.ports.length > 0 ? rule.ports : target.ports.map(p => p.port);
        const plaintext = ports.filter(port => mesh.mtlsModeOf(target, port) === MtlsMode.DISABLE);
        if (plaintext.length > 0) {
          report('MESH0301', Severity.ERROR, policy, `caller '${rule.from.serviceName}' is named by its mTLS identity, but service '${target.serviceName}' has mTLS DISABLE on port ${plaintext.join(', ')}, so no request there carries one and all are refused: use STRICT or PERMISSIVE for that service`);
        }
      }
    }

    const denied = new Set(mesh._denyByDefaultNamespaces);
    const deniedByDefault = (service: IMeshService) => denied.has(mesh.rootNamespace) || denied.has(service.namespace);
    for (const service of mesh.services) {
      if (deniedByDefault(service) && !mesh._accessPolicyOf(service)) {
        report('MESH0303', Severity.WARNING, service, `service '${service.serviceName}' has no AccessPolicy under deny-by-default, so nothing may call it: allow its callers with an AccessPolicy`);
      }
    }

    for (const gateway of mesh._gateways) {
      if (gateway instanceof IngressGateway) {
        for (const host of gateway.unroutedHosts) {
          report('MESH0127', Severity.ERROR, gateway, `gateway host '${host}' has no route: add one with addRoute(), or drop the host from the listeners`);
        }
        for (const service of gateway.routedServices) {
          const policy = mesh._accessPolicyOf(service);
          if ((policy || deniedByDefault(service)) && !policy?.rules.some(r => r.from.principal === gateway.principal)) {
            report('MESH0304', Severity.ERROR, gateway, `routes to service '${service.serviceName}', which refuses the gateway's calls (${policy ? 'its AccessPolicy does not allow it' : 'deny-by-default, and it has no AccessPolicy'}): allow the gateway, e.g. new AccessPolicy(..., { service, allow: [{ from: gateway }] })`);
          }
        }
      }
      if (gateway instanceof EgressGateway && gateway.externalServices.length === 0) {
        report('MESH0128', Severity.WARNING, gateway, 'egress gateway routes no external service: route one through it with ExternalService\'s egressGateway, or remove the gateway');
      }
    }

    for (const policy of mesh._telemetryPolicyList) {
      const uses: [string, 'tracing' | 'accessLogging', string | undefined][] = [];
      if (policy.tracing && !policy.tracing.disabled) {
        uses.push(['tracing', 'tracing', policy.tracingProvider]);
      }
      if (policy.accessLogging && policy.accessLogging.enabled !== false) {
        uses.push(['access log', 'accessLogging', policy.accessLogProvider]);
      }
      for (const [what, kind, name] of uses) {
        const names = mesh._providersOf(kind).map(p => p.name);
        if (name === undefined) {
          report('MESH0310', Severity.ERROR, policy, 'sets tracing, but the mesh has no tracing provider: give the TelemetryStack a tracing backend (tracing: TracingBackend.jaeger())');
        } else if (!names.includes(name)) {
          report('MESH0311', Severity.ERROR, policy, `${what} provider '${name}' is not one of the mesh's ${what} providers (${names.join(', ') || 'none'}): name one of them, or add it to the TelemetryStack`);
        }
      }
    }

    return findings.sort((a, b) => a.path.localeCompare(b.path) || a.code.localeCompare(b.code));
  }

  private constructor() {}
}

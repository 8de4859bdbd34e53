import { IConstruct } from 'constructs';
import { AccessModel } from './access-model';
import type { MeshCode } from './codes';
import { Severity } from './finding';
import type { MeshModel } from './mesh-model';
import type { IMesh, IMeshIdentity } from '../mesh-identity';
import type { AccessAction } from '../security/access-policy';
import { MtlsMode } from '../security/mtls-mode';

type Report = (code: MeshCode, severity: Severity, scope: IConstruct, message: string) => void;

const ALLOW = 'ALLOW' as AccessAction;

/**
 * Whole-mesh checks of the access policies: the objects they write, the callers they cannot admit (plaintext ports,
 * gateways), and services that refuse everything.
 *
 * @internal
 */
export function checkAccess(mesh: IMesh, model: MeshModel, report: Report): void {
  const access = AccessModel.of(model);
  // Several policies per target are fine; two writing one object are not.
  const written = new Map<string, IConstruct>();
  for (const policy of model.accessPolicies) {
    for (const object of policy.resources) {
      const key = `${policy.namespace}/${object.name}`;
      const first = written.get(key);
      if (first && first !== policy) {
        report('MESH1012', Severity.ERROR, policy, `AuthorizationPolicy '${object.name}' in namespace '${policy.namespace}' is also written by AccessPolicy ${first.node.path}: give one of the policies another name`);
      } else {
        written.set(key, policy);
      }
    }
  }

  for (const policy of model.accessPolicies) {
    const target: IMeshIdentity = (policy.service ?? policy.gateway)!;
    const what = policy.service ? 'service' : 'gateway';
    if (policy._allowListed && policy._rulesOf(ALLOW).length === 0) {
      report('MESH0302', Severity.WARNING, policy, `allows no caller, so ${what} '${target.serviceName}' refuses every call: add callers with allowFrom()`);
    }
    const service = policy.service;
    for (const { rule, caller } of service ? policy._rulesOf(ALLOW) : []) {
      // Principals and namespaces come from the peer's certificate.
      if (!caller._fields.principals && !caller._fields.namespaces) {
        continue;
      }
      const ports = rule.ports && rule.ports.length > 0 ? rule.ports : service!.ports.map(p => p.port);
      const plaintext = ports.filter(port => mesh.mtlsModeOf(service!, port) === MtlsMode.DISABLE);
      if (plaintext.length > 0) {
        report('MESH0301', Severity.ERROR, policy, `caller '${caller.name}' is named by its mTLS identity, but service '${service!.serviceName}' has mTLS DISABLE on port ${plaintext.join(', ')}, so no request there carries one and all are refused: use STRICT or PERMISSIVE for that service`);
      }
    }
  }

  for (const service of model.services) {
    if (model.deniesByDefault(service.namespace) && !access.allowListed(service)) {
      report('MESH0303', Severity.WARNING, service, `service '${service.serviceName}' has no AccessPolicy under deny-by-default, so nothing may call it: allow its callers with an AccessPolicy`);
    }
  }

  for (const gateway of model.ingressGateways) {
    for (const service of gateway.routedServices) {
      if (!access.mayCall(service, gateway)) {
        const why = access.denies(service, gateway) ? 'an AccessPolicy denies it' : access.allowListed(service) ? 'its AccessPolicy does not allow it' : 'deny-by-default, and it has no AccessPolicy';
        report('MESH0304', Severity.ERROR, gateway, `routes to service '${service.serviceName}', which refuses the gateway's calls (${why}): allow the gateway, e.g. new AccessPolicy(..., { service, allow: [{ from: gateway }] })`);
      }
    }
  }
}

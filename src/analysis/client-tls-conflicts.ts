import { IConstruct } from 'constructs';
import type { MeshCode } from './codes';
import { Severity } from './finding';
import type { MeshModel } from './mesh-model';
import type { IMesh } from '../mesh-identity';
import { isKind } from '../private/tree';
import { MtlsMode } from '../security/mtls-mode';
import { ClientTls, ClientTlsMode } from '../traffic/client-tls';
import type { MeshServiceBase } from '../traffic/mesh-service-base';

/** How a whole-mesh check reports a finding (the mesh's analysis passes its own). */
type Report = (code: MeshCode, severity: Severity, scope: IConstruct, message: string) => void;

/**
 * A destination's client TLS (a DestinationRule's `tls`, set on a service, a version or a port) against the mTLS
 * mode of its workloads: plain text to a STRICT port is refused (MESH1068), the mesh's mTLS to a DISABLE port reaches
 * the application still encrypted (MESH1069). PERMISSIVE takes both.
 *
 * @internal
 */
export function checkClientTls(mesh: IMesh, model: MeshModel, report: Report): void {
  // A policy's service that is none, or another mesh's, is reported by the policy (MESH0009, MESH0108).
  const imported = model.serviceTrafficPolicies.map(p => p.service).filter(s => isKind(s, 'ImportedMeshService') && s.mesh === mesh);
  const services = [...new Set([...model.services, ...imported])] as MeshServiceBase[];
  for (const service of services) {
    const policy = service.trafficPolicy;
    const ports = service.ports.map(p => p.port);
    const check = (label: string, tlsOf: (port: number) => ClientTls | undefined) => {
      const modes = ports.map(port => ({ port, tls: tlsOf(port), mode: mesh.mtlsModeOf(service, port) }));
      const plain = modes.filter(m => m.tls?.mode === ClientTlsMode.DISABLE && m.mode === MtlsMode.STRICT).map(m => m.port);
      const mutual = modes.filter(m => m.tls?.mode === ClientTlsMode.ISTIO_MUTUAL && m.mode === MtlsMode.DISABLE).map(m => m.port);
      if (plain.length > 0) {
        report('MESH1068', Severity.ERROR, service, `${label}tls is DISABLE, but the workloads of service '${service.serviceName}' take only mTLS on ${portList(plain)} (STRICT): `
          + 'connections would be refused, use ClientTls.istioMutual() or leave tls out (auto mTLS)');
      }
      if (mutual.length > 0) {
        report('MESH1069', Severity.ERROR, service, `${label}tls is ISTIO_MUTUAL, but ${portList(mutual)} of service '${service.serviceName}' ${mutual.length > 1 ? 'have' : 'has'} mTLS DISABLE: `
          + `${mutual.length > 1 ? 'their proxies' : 'its proxy'} would hand the TLS to the application, use ClientTls.disable() for the port or enable mTLS on it`);
      }
    };
    if (policy.tls) {
      // The ports whose own policy sets TLS are checked as theirs.
      check('', port => policy.portPolicies?.some(pp => pp.port === port && pp.tls) ? undefined : policy.tls);
    }
    for (const pp of policy.portPolicies ?? []) {
      if (pp.tls) {
        check(`portPolicies port ${pp.port} `, port => port === pp.port ? pp.tls : undefined);
      }
    }
    for (const version of service.versionNames ?? []) {
      const tls = service._versionPolicy(version)?.tls;
      if (tls) {
        check(`version '${version}' trafficPolicy `, () => tls);
      }
    }
  }
}

function portList(ports: number[]): string {
  return ports.length > 1 ? `ports ${ports.join(', ')}` : `port ${ports[0]}`;
}

/**
 * Pod Security labels go only on the namespaces where the mesh runs pods: a namespace the program names for a
 * policy, an external service or an imported service holds other people's pods, and the cluster's own
 * namespaces must keep admitting theirs.
 */
import { Testing } from 'cdk8s';
import { AccessPolicy, ExternalService, Injection, Mesh, MeshService, MeshTesting, MtlsMode, MtlsPolicy, PolicyScope, Protocol } from '../../src';
import { newService } from '../support/util';

function enforced(mesh: Mesh): { [namespace: string]: string | undefined } {
  return Object.fromEntries(MeshTesting.synth(mesh).filter(o => o.kind === 'Namespace')
    .map(n => [n.metadata.name, n.metadata.labels?.['pod-security.kubernetes.io/enforce']]));
}

test('only namespaces with the mesh\'s pods carry Pod Security labels, never the cluster\'s own', () => {
  const mesh = new Mesh(Testing.app(), 'mesh', { denyByDefault: false });
  const web = newService(mesh, 'web', ['v1'], { namespace: 'shop' });
  new ExternalService(mesh, 'ext', { namespace: 'egress-config', hosts: ['api.example.com'], ports: [{ port: 443, protocol: Protocol.TLS }] });
  new MtlsPolicy(mesh, 'monitoring-mtls', { scope: PolicyScope.namespace('monitoring'), mode: MtlsMode.PERMISSIVE });
  const legacy = MeshService.fromName(mesh, 'legacy', 'legacy', { namespace: 'legacy-ns', podLabels: { app: 'legacy' } });
  new AccessPolicy(mesh, 'legacy-access', { service: legacy, allow: [{ from: web }] });
  new ExternalService(mesh, 'cluster-api', { namespace: 'kube-system', hosts: ['api.example.com'], ports: [{ port: 443, protocol: Protocol.TLS }] });
  const mesh2 = new Mesh(Testing.app(), 'mesh', { denyByDefault: false, controlPlane: { cni: false } });
  newService(mesh2, 'dns-probe', ['v1'], { namespace: 'kube-system', injection: Injection.explicit() });

  expect(enforced(mesh)).toEqual({
    'istio-system': 'restricted',
    'istio-cni': 'privileged',
    'shop': 'restricted',
    'egress-config': undefined,
    'monitoring': undefined,
    'legacy-ns': undefined,
    'kube-system': undefined,
  });
  expect(enforced(mesh2)['kube-system']).toBeUndefined();
});

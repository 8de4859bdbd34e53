import { Duration, Testing } from 'cdk8s';
import { CertificateAuthority, CertificateAuthorityKind, Injection, IssuerKind, Mesh, MeshTesting } from '../../src';
import { validateManifests } from '../support/schemas';
import { newMesh, newService } from '../support/util';

function istiod(mesh: Mesh): any {
  const objects = Testing.synth(mesh.charts.find(c => c.node.id === 'mesh-control-plane')!);
  return MeshTesting.find(objects, 'Deployment', 'istiod');
}

const env = (deployment: any) => Object.fromEntries(deployment.spec.template.spec.containers[0].env.map((e: any) => [e.name, e.value]));
const volume = (deployment: any, name: string) => deployment.spec.template.spec.volumes.find((v: any) => v.name === name);

/** The proxy of an explicitly injected service: what every proxy of the mesh gets. */
function proxyEnv(mesh: Mesh): Record<string, string> {
  newService(mesh, 'probe', ['v1'], { injection: Injection.explicit() });
  const pod = MeshTesting.find(MeshTesting.synth(mesh), 'Deployment', 'probe-v1').spec.template.spec;
  const proxy = pod.initContainers.find((c: any) => c.name === 'istio-proxy');
  return Object.fromEntries(proxy.env.filter((e: any) => e.value !== undefined).map((e: any) => [e.name, e.value]));
}

describe('CertificateAuthority', () => {
  test('selfSigned (the default): istiod signs, an optional cacerts Secret may override its generated root', () => {
    const mesh = newMesh();
    const d = istiod(mesh);
    expect(mesh.controlPlane.certificateAuthority.kind).toEqual(CertificateAuthorityKind.SELF_SIGNED);
    expect(volume(d, 'cacerts')).toEqual({ name: 'cacerts', secret: { secretName: 'cacerts', optional: true } });
    expect(env(d).ENABLE_CA_SERVER).toBeUndefined();
    expect(proxyEnv(mesh).CA_ADDR).toEqual('istiod.istio-system.svc:15012');
  });

  test('pluginCerts: istiod mounts the named Secret and will not start without it; no key in any manifest', () => {
    const mesh = newMesh({ controlPlane: { certificateAuthority: CertificateAuthority.pluginCerts({ secretName: 'corp-intermediate' }) } });
    const d = istiod(mesh);
    expect(mesh.controlPlane.certificateAuthority.kind).toEqual(CertificateAuthorityKind.PLUGIN_CERTS);
    expect(volume(d, 'cacerts')).toEqual({ name: 'cacerts', secret: { secretName: 'corp-intermediate', optional: false } });
    expect(d.spec.template.spec.containers[0].volumeMounts).toContainEqual({ mountPath: '/etc/cacerts', name: 'cacerts', readOnly: true });
    const all = MeshTesting.synth(mesh);
    expect(all.filter(o => o.kind === 'Secret')).toEqual([]);
    expect(JSON.stringify(all)).not.toMatch(/BEGIN (RSA |EC )?PRIVATE KEY/);
  });

  test('certManager: istiod\'s CA server off, proxies sign with istio-csr, istiod serves istio-csr\'s certificate', () => {
    const mesh = newMesh({ controlPlane: { certificateAuthority: CertificateAuthority.certManager() } });
    const d = istiod(mesh);
    expect(mesh.controlPlane.certificateAuthority.kind).toEqual(CertificateAuthorityKind.CERT_MANAGER);
    expect(env(d).ENABLE_CA_SERVER).toEqual('false');
    expect(volume(d, 'istio-csr-dns-cert')).toEqual({ name: 'istio-csr-dns-cert', secret: { secretName: 'istiod-tls', optional: false } });
    expect(volume(d, 'istio-csr-ca-configmap')).toEqual({ name: 'istio-csr-ca-configmap', configMap: { name: 'istio-ca-root-cert', defaultMode: 420, optional: false } });
    expect(mesh.controlPlane.caAddress).toEqual('cert-manager-istio-csr.cert-manager.svc:443');
    expect(proxyEnv(mesh).CA_ADDR).toEqual('cert-manager-istio-csr.cert-manager.svc:443');
    expect(validateManifests(MeshTesting.synth(mesh))).toEqual([]);
  });

  test('certManager options', () => {
    const mesh = newMesh({
      controlPlane: { certificateAuthority: CertificateAuthority.certManager({ istioCsrAddress: 'csr.pki.svc:8443', istiodCertSecretName: 'istiod-serving' }) },
    });
    expect(volume(istiod(mesh), 'istio-csr-dns-cert').secret.secretName).toEqual('istiod-serving');
    expect(mesh.controlPlane.caAddress).toEqual('csr.pki.svc:8443');
  });

  test('certManager with the intermediate CA as cert-manager objects: a CA Certificate and the Issuer istio-csr uses', () => {
    // GIVEN a root issuer that exists in the cluster
    const ca = CertificateAuthority.certManager({ intermediateCa: { issuerName: 'corp-root', duration: Duration.days(30) } });
    const mesh = newMesh({ controlPlane: { certificateAuthority: ca } });
    mesh.addControlPlane('canary', { revision: 'canary', certificateAuthority: ca });
    // WHEN
    const manifests = MeshTesting.synth(mesh);
    // THEN, once for both control planes, in the control plane's namespace; no key material
    expect(manifests.filter(o => o.apiVersion === 'cert-manager.io/v1')).toEqual([
      {
        apiVersion: 'cert-manager.io/v1',
        kind: 'Certificate',
        metadata: { name: 'istio-ca', namespace: 'istio-system' },
        spec: {
          isCA: true,
          commonName: 'istio-ca',
          secretName: 'istio-ca',
          duration: '720h',
          privateKey: { algorithm: 'ECDSA', size: 256 },
          issuerRef: { name: 'corp-root', kind: 'ClusterIssuer', group: 'cert-manager.io' },
        },
      },
      { apiVersion: 'cert-manager.io/v1', kind: 'Issuer', metadata: { name: 'istio-ca', namespace: 'istio-system' }, spec: { ca: { secretName: 'istio-ca' } } },
    ]);
    expect(validateManifests(manifests)).toEqual([]);
  });

  test('certManager with an intermediate CA signed by a namespaced Issuer', () => {
    // GIVEN
    const ca = CertificateAuthority.certManager({ intermediateCa: { issuerName: 'mesh-root', issuerKind: IssuerKind.ISSUER } });
    // WHEN
    const manifests = MeshTesting.synth(newMesh({ controlPlane: { certificateAuthority: ca } }));
    // THEN
    expect(MeshTesting.find(manifests, 'Certificate', 'istio-ca', 'istio-system').spec.issuerRef).toEqual({ name: 'mesh-root', kind: 'Issuer', group: 'cert-manager.io' });
    expect(Object.values(IssuerKind)).toEqual(['Issuer', 'ClusterIssuer']);
  });

  test('the schema check knows cert-manager\'s kinds, strictly', () => {
    expect(validateManifests([{ apiVersion: 'cert-manager.io/v1', kind: 'Issuer', metadata: { name: 'x' }, spec: { ca: { secretName: 'y', bogus: 1 } } }]))
      .toEqual([{ object: 'cert-manager.io/v1/Issuer x', errors: ["/spec/ca must NOT have additional properties 'bogus'"] }]);
  });

  test('workload certificate lifetimes reach istiod and every proxy', () => {
    const mesh = newMesh({
      controlPlane: {
        certificateAuthority: CertificateAuthority.selfSigned({ workloadCertTtl: Duration.hours(12), maxWorkloadCertTtl: Duration.days(2) }),
      },
    });
    expect(env(istiod(mesh))).toMatchObject({ DEFAULT_WORKLOAD_CERT_TTL: '12h', MAX_WORKLOAD_CERT_TTL: '48h' });
    expect(proxyEnv(mesh).SECRET_TTL).toEqual('12h');
  });

  test.each([
    [() => CertificateAuthority.pluginCerts({} as any), "[MESH0006] CertificateAuthority.pluginCerts: secretName is missing: name the Secret holding ca-cert.pem, ca-key.pem, root-cert.pem and cert-chain.pem, e.g. { secretName: 'cacerts' }"],
    [() => CertificateAuthority.pluginCerts({ secretName: 'Bad_Name' }), "[MESH0001] CertificateAuthority.pluginCerts: secretName 'Bad_Name' is not a valid DNS name: use lowercase letters, digits, '-' and '.'"],
    [() => CertificateAuthority.certManager({ istioCsrAddress: 'https://csr' }), "[MESH0240] CertificateAuthority.certManager: istioCsrAddress 'https://csr' is not '<host>:<port>': use the address of istio-csr's service, e.g. 'cert-manager-istio-csr.cert-manager.svc:443'"],
    [() => CertificateAuthority.selfSigned({ workloadCertTtl: Duration.seconds(30) }), '[MESH0241] CertificateAuthority: workloadCertTtl 30s is too short: certificates must live at least a minute'],
    [() => CertificateAuthority.selfSigned({ workloadCertTtl: Duration.days(3), maxWorkloadCertTtl: Duration.days(1) }), '[MESH0241] CertificateAuthority: workloadCertTtl 72h is longer than maxWorkloadCertTtl 24h: the CA would cut it short, lower it or raise the maximum'],
    [() => CertificateAuthority.certManager({ intermediateCa: { issuerName: 'root', issuerKind: 'Vault' as IssuerKind } }), "[MESH0242] CertificateAuthority.certManager: intermediateCa.issuerKind 'Vault' is not a cert-manager issuer kind: use 'Issuer' or 'ClusterIssuer'"],
    // Plain JavaScript may pass any string: the kinds are case-sensitive.
    [() => CertificateAuthority.certManager({ intermediateCa: { issuerName: 'root', issuerKind: 'clusterissuer' as IssuerKind } }), "[MESH0242] CertificateAuthority.certManager: intermediateCa.issuerKind 'clusterissuer' is not a cert-manager issuer kind: use 'Issuer' or 'ClusterIssuer'"],
    [() => CertificateAuthority.certManager({ intermediateCa: {} as any }), "[MESH0006] CertificateAuthority.certManager: intermediateCa.issuerName is missing: name the issuer that signs the mesh's intermediate, e.g. { issuerName: 'root-ca' }"],
  ])('fails on bad input (%#)', (make, message) => {
    expect(make).toThrow(message);
  });
});

/**
 * No secret material in any manifest: the check every synthesized object goes through (test/support/
 * secret-material.ts, run by validateManifests), shown to catch each kind of leak, and run over meshes that
 * use every setting that names a secret (a plug-in CA, Grafana's admin Secret, HTTPS gateway certificates).
 */
import { Testing } from 'cdk8s';
import { Bookinfo } from '../../examples/bookinfo/mesh';
import { AccessPolicy, CertificateAuthority, IngressGateway, MeshTesting, Protocol, TelemetryStack, TracingBackend } from '../../src';
import { secretMaterial } from '../support/secret-material';
import { newMesh, newService } from '../support/util';

const KEY = ['-----BEGIN', 'PRIVATE KEY-----\nMIIEv...\n-----END', 'PRIVATE KEY-----'].join(' ');

describe('the secret-material check', () => {
  test.each([
    ['a Secret with data', { apiVersion: 'v1', kind: 'Secret', metadata: { name: 's' }, data: { 'ca-key.pem': 'AAAA' } }, '/data: a Secret with its data written in the manifest'],
    ['a Secret with stringData', { apiVersion: 'v1', kind: 'Secret', metadata: { name: 's' }, stringData: { password: 'x' } }, '/data: a Secret with its data written in the manifest'],
    ['a private key in a ConfigMap', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c' }, data: { 'key.pem': KEY } }, '/data/key.pem: a private key'],
    ['a password in a config file', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c' }, data: { 'grafana.ini': '[auth]\ndisable_login_form = true\n[security]\nadmin_password = hunter2\n' } }, "/data/grafana.ini: 'admin_password' is set to a literal in a config file"],
    ['a token in an environment variable', {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'd' },
      spec: { template: { spec: { containers: [{ name: 'c', env: [{ name: 'API_TOKEN', value: 'abc123' }] }] } } },
    }, '/spec/template/spec/containers/0/env/0/value: environment variable API_TOKEN is given a literal'],
  ])('finds %s', (_, object, problem) => {
    const found = secretMaterial(object);
    expect(found).toHaveLength(1);
    expect(found[0]).toContain(problem);
  });

  test.each([
    ['a Secret without data (a name others fill)', { apiVersion: 'v1', kind: 'Secret', metadata: { name: 's' } }],
    ['a password read from a file', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c' }, data: { 'grafana.ini': '[security]\nadmin_password = $__file{/etc/secrets/password}\n' } }],
    ['a secret taken from a Secret', {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'd' },
      spec: { template: { spec: { containers: [{ name: 'c', env: [{ name: 'ADMIN_PASSWORD', valueFrom: { secretKeyRef: { name: 's', key: 'k' } } }] }] } } },
    }],
    ['a setting that only names a strategy', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c' }, data: { 'config.yaml': 'auth:\n  strategy: token\n' } }],
  ])('passes %s', (_, object) => {
    expect(secretMaterial(object)).toEqual([]);
  });
});

describe('no secret material in what the mesh writes', () => {
  test('Bookinfo: every object of every chart', () => {
    const app = Testing.app();
    const mesh = new Bookinfo(app, 'bookinfo');
    const all = MeshTesting.synth(mesh);
    expect(all.length).toBeGreaterThan(50);
    expect(all.flatMap(secretMaterial)).toEqual([]);
    expect(all.filter(o => o.kind === 'Secret')).toEqual([]);
  });

  test('settings that name secrets name them only: plug-in CA, Grafana admin, gateway certificates', () => {
    const mesh = newMesh({ controlPlane: { certificateAuthority: CertificateAuthority.pluginCerts({ secretName: 'corp-intermediate' }) } });
    const web = newService(mesh, 'web');
    const gateway = new IngressGateway(mesh, 'edge', { listeners: [{ port: 443, protocol: Protocol.HTTPS, credentialName: 'shop-tls', hosts: ['shop.example.com'] }] });
    gateway.addRoute({ service: web });
    new AccessPolicy(mesh, 'web-access', { service: web, allow: [{ from: gateway }] });
    new TelemetryStack(mesh, 'telemetry', { tracing: TracingBackend.jaeger(), kiali: {}, grafana: { adminSecretName: 'grafana-admin' } });
    const all = MeshTesting.synth(mesh);
    expect(all.flatMap(secretMaterial)).toEqual([]);
    expect(all.filter(o => o.kind === 'Secret')).toEqual([]);
    expect(JSON.stringify(all)).toContain('corp-intermediate');
    expect(JSON.stringify(all)).toContain('shop-tls');
  });
});

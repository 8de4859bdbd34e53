import { synthChecked } from './gateway-api-schemas';
import { IngressGateway, ListenerTls, Mesh, MeshProps, Protocol, RoutingApi, TlsVersion } from '../../src';
import { newMesh, newService, synthErrors } from '../support/util';

/** A mesh routing with the Gateway API, open to every call (these tests are not about access). */
function gatewayApiMesh(props: MeshProps = {}): Mesh {
  return newMesh({ denyByDefault: false, routingApi: RoutingApi.GATEWAY_API, ...props });
}

function named(objects: any[], kind: string, name: string): any {
  return objects.find(o => o.kind === kind && o.metadata.name === name);
}

describe('listener TLS with the Gateway API', () => {
  test('MUTUAL against the certificate Secret\'s CA: a Terminate listener with Istio\'s tls-terminate-mode option', () => {
    // GIVEN
    const mesh = gatewayApiMesh();
    const gw = new IngressGateway(mesh, 'gw', { listeners: [{ port: 443, protocol: Protocol.HTTPS, hosts: ['shop.example.com'], tls: ListenerTls.mutual('shop-cert') }] });
    gw.addRoute({ service: newService(mesh, 'web') });
    // WHEN
    const gateway = named(synthChecked(mesh.charts), 'Gateway', 'gw');
    // THEN
    expect(gateway.spec.listeners).toEqual([{
      name: 'https-443',
      port: 443,
      protocol: 'HTTPS',
      hostname: 'shop.example.com',
      tls: { mode: 'Terminate', certificateRefs: [{ group: '', kind: 'Secret', name: 'shop-cert' }], options: { 'gateway.istio.io/tls-terminate-mode': 'MUTUAL' } },
    }]);
    expect(gateway.spec.tls).toBeUndefined();
    expect(synthErrors(mesh)).toEqual([]);
  });

  test('MUTUAL with a CA of its own: the Gateway\'s frontend validation for the listener\'s port, referring to the ConfigMap', () => {
    // GIVEN
    const mesh = gatewayApiMesh();
    const gw = new IngressGateway(mesh, 'gw', {
      listeners: [
        { port: 443, protocol: Protocol.HTTPS, hosts: ['shop.example.com'], tls: ListenerTls.mutual('shop-cert', { caCredentialName: 'partner-ca' }) },
        { port: 9443, protocol: Protocol.HTTPS, hosts: ['shop.example.com'], tls: ListenerTls.simple('shop-cert') },
      ],
    });
    gw.addRoute({ service: newService(mesh, 'web') });
    // WHEN
    const gateway = named(synthChecked(mesh.charts), 'Gateway', 'gw');
    // THEN
    expect(gateway.spec.listeners.map((l: any) => l.tls)).toEqual([
      { mode: 'Terminate', certificateRefs: [{ group: '', kind: 'Secret', name: 'shop-cert' }] },
      { mode: 'Terminate', certificateRefs: [{ group: '', kind: 'Secret', name: 'shop-cert' }] },
    ]);
    expect(gateway.spec.tls).toEqual({
      frontend: {
        default: {},
        perPort: [{ port: 443, tls: { validation: { caCertificateRefs: [{ group: '', kind: 'ConfigMap', name: 'partner-ca' }] } } }],
      },
    });
    expect(synthErrors(mesh)).toEqual([]);
  });

  test('httpsRedirect: an HTTPRoute on the HTTP listener redirects to https with 301, and the routes bind only the other listeners', () => {
    // GIVEN
    const mesh = gatewayApiMesh();
    const gw = new IngressGateway(mesh, 'gw', {
      listeners: [
        { port: 80, hosts: ['shop.example.com'], httpsRedirect: true },
        { port: 443, protocol: Protocol.HTTPS, hosts: ['shop.example.com'], tls: ListenerTls.simple('shop-cert') },
      ],
    });
    gw.addRoute({ service: newService(mesh, 'web') });
    // WHEN
    const objects = synthChecked(mesh.charts);
    // THEN
    const gateway = named(objects, 'Gateway', 'gw');
    expect(gateway.spec.listeners.map((l: any) => [l.name, l.protocol, l.tls])).toEqual([
      ['http-80', 'HTTP', undefined],
      ['https-443', 'HTTPS', { mode: 'Terminate', certificateRefs: [{ group: '', kind: 'Secret', name: 'shop-cert' }] }],
    ]);
    expect(named(objects, 'HTTPRoute', 'gw-https-redirect-80').spec).toEqual({
      parentRefs: [{ group: 'gateway.networking.k8s.io', kind: 'Gateway', name: 'gw', sectionName: 'http-80' }],
      rules: [{ filters: [{ type: 'RequestRedirect', requestRedirect: { scheme: 'https', statusCode: 301 } }] }],
    });
    expect(named(objects, 'HTTPRoute', 'gw').spec.parentRefs).toEqual([{ group: 'gateway.networking.k8s.io', kind: 'Gateway', name: 'gw', sectionName: 'https-443' }]);
    expect(gw.routeObjects.map(o => o.metadata.name)).toEqual(['gw-https-redirect-80', 'gw']);
    expect(synthErrors(mesh)).toEqual([]);
  });

  test('TLS versions, cipher suites and client certificate pins are errors: Istio 1.30 reads none of them from a Gateway API listener', () => {
    // GIVEN
    const mesh = gatewayApiMesh();
    const gw = new IngressGateway(mesh, 'gw', {
      listeners: [{
        port: 443,
        protocol: Protocol.HTTPS,
        hosts: ['shop.example.com'],
        tls: ListenerTls.optionalMutual('shop-cert', { minVersion: TlsVersion.TLSV1_2, cipherSuites: ['AES128-SHA'], subjectAltNames: ['partner.example.com'] }),
      }],
    });
    gw.addRoute({ service: newService(mesh, 'web') });
    // THEN
    expect(synthErrors(mesh)).toEqual([
      "[mesh/gw] [MESH1103] listener 443 sets optional mutual TLS (Istio 1.30 renders the Gateway API's AllowInsecureFallback as strict MUTUAL), which the Gateway API cannot express, so gateway 'gw' cannot be rendered with it: drop the setting, or set the mesh's allowIstioApiFallback",
      "[mesh/gw] [MESH1103] listener 443 sets minVersion, cipherSuites, subjectAltNames (Istio 1.30 reads no TLS version, cipher or client certificate options from a Gateway API listener), which the Gateway API cannot express, so gateway 'gw' cannot be rendered with it: drop the setting, or set the mesh's allowIstioApiFallback",
    ]);
  });

  test('with allowIstioApiFallback, such a gateway stays in Istio\'s API, with every TLS setting', () => {
    // GIVEN
    const mesh = gatewayApiMesh({ allowIstioApiFallback: true });
    const gw = new IngressGateway(mesh, 'gw', {
      listeners: [{ port: 443, protocol: Protocol.HTTPS, hosts: ['shop.example.com'], tls: ListenerTls.simple('shop-cert', { minVersion: TlsVersion.TLSV1_3 }) }],
    });
    gw.addRoute({ service: newService(mesh, 'web') });
    // WHEN
    const objects = synthChecked(mesh.charts);
    // THEN
    const gateway = objects.find(o => o.kind === 'Gateway' && o.metadata.name === 'gw');
    expect(gateway.apiVersion).toMatch(/^networking\.istio\.io\//);
    expect(gateway.spec.servers[0].tls).toEqual({ mode: 'SIMPLE', credentialName: 'shop-cert', minProtocolVersion: 'TLSV1_3' });
    expect(mesh.analyze().filter(f => f.code === 'MESH0745').map(f => f.message)).toEqual([
      "routing stays in Istio's API (VirtualService and DestinationRule with subsets), because the Gateway API cannot express it: listener 443 sets minVersion (Istio 1.30 reads no TLS version, cipher or client certificate options from a Gateway API listener)",
    ]);
  });
});

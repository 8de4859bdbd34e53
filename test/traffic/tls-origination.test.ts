import { Duration } from 'cdk8s';
import {
  ClientTls, EgressGateway, ExternalService, ExternalTrafficSplit, Mesh, MeshProps, MeshTesting, Protocol, RoutingApi, Timeout,
} from '../../src';
import { openMesh, synthErrors } from '../support/util';

const named = (objects: any[], kind: string, name: string) => objects.find(o => o.kind === kind && o.metadata.name === name);
const http80 = { port: 80, protocol: Protocol.HTTP };

describe('TLS origination from the sidecar (Egress TLS Origination)', () => {
  test('the application calls http://, the sidecar opens TLS to 443: ServiceEntry targetPort and a DestinationRule per port', () => {
    // GIVEN the task's edition.cnn.com, called on plain HTTP port 80
    const mesh = openMesh();
    const cnn = new ExternalService(mesh, 'cnn', { hosts: ['edition.cnn.com'], ports: [http80], tlsOrigination: [{ port: 80 }] });

    // WHEN
    const objects = MeshTesting.synth(mesh);

    // THEN port 80 goes to 443 of the host, in TLS that checks the host's certificate against the system CAs
    expect(named(objects, 'ServiceEntry', 'cnn').spec.ports).toEqual([{ number: 80, name: 'http-80', protocol: 'HTTP', targetPort: 443 }]);
    expect(named(objects, 'DestinationRule', 'cnn-tls')).toEqual({
      apiVersion: 'networking.istio.io/v1',
      kind: 'DestinationRule',
      metadata: { name: 'cnn-tls', namespace: 'default' },
      spec: { host: 'edition.cnn.com', trafficPolicy: { portLevelSettings: [{ port: { number: 80 }, tls: { mode: 'SIMPLE' } }] } },
    });
    expect(cnn.tlsOrigination.map(o => [o.port, o.targetPort, o.clientTls?.mode])).toEqual([[80, 443, 'SIMPLE']]);
    // No routing is needed: the sidecar's own cluster for port 80 originates
    expect(objects.filter(o => o.kind === 'VirtualService')).toEqual([]);
  });

  test('mutual TLS with a client certificate from a Secret, SNI, another target port, each host its DestinationRule, exportTo kept', () => {
    const mesh = openMesh();
    new ExternalService(mesh, 'nginx', {
      hosts: ['my-nginx.example.com', 'mirror.example.com'],
      namespace: 'shop',
      exportTo: ['.'],
      ports: [{ port: 8080, protocol: Protocol.HTTP }],
      tlsOrigination: [{
        port: 8080,
        targetPort: 8443,
        clientTls: ClientTls.mutual({ credentialName: 'client-credential', sni: 'my-nginx.example.com', subjectAltNames: ['my-nginx.example.com'] }),
      }],
    });

    const objects = MeshTesting.synth(mesh);

    expect(named(objects, 'ServiceEntry', 'nginx').spec.ports).toEqual([{ number: 8080, name: 'http-8080', protocol: 'HTTP', targetPort: 8443 }]);
    const tls = { mode: 'MUTUAL', credentialName: 'client-credential', sni: 'my-nginx.example.com', subjectAltNames: ['my-nginx.example.com'] };
    expect(named(objects, 'DestinationRule', 'nginx-tls-1').spec).toEqual({
      host: 'my-nginx.example.com', exportTo: ['.'], trafficPolicy: { portLevelSettings: [{ port: { number: 8080 }, tls }] },
    });
    expect(named(objects, 'DestinationRule', 'nginx-tls-2').spec).toEqual({
      host: 'mirror.example.com', exportTo: ['.'], trafficPolicy: { portLevelSettings: [{ port: { number: 8080 }, tls }] },
    });
    expect(named(objects, 'DestinationRule', 'nginx-tls-1').metadata.namespace).toBe('shop');
  });

  test('a port without origination is left as it is', () => {
    const mesh = openMesh();
    new ExternalService(mesh, 'api', { hosts: ['api.example.com'], ports: [http80, { port: 443 }, { port: 8080, protocol: Protocol.HTTP }], tlsOrigination: [{ port: 8080 }] });

    const objects = MeshTesting.synth(mesh);

    expect(named(objects, 'ServiceEntry', 'api').spec.ports).toEqual([
      { number: 80, name: 'http-80', protocol: 'HTTP' },
      { number: 443, name: 'https-443', protocol: 'HTTPS' },
      { number: 8080, name: 'http-8080', protocol: 'HTTP', targetPort: 443 },
    ]);
    expect(named(objects, 'DestinationRule', 'api-tls').spec.trafficPolicy.portLevelSettings).toEqual([{ port: { number: 8080 }, tls: { mode: 'SIMPLE' } }]);
  });

  test('with the Gateway API the origination is the same DestinationRule (no routing object is involved)', () => {
    const istio = originatingMesh({});
    const gatewayApi = originatingMesh({ routingApi: RoutingApi.GATEWAY_API });

    const objects = MeshTesting.synth(gatewayApi);

    expect(named(objects, 'DestinationRule', 'cnn-tls')).toEqual(named(MeshTesting.synth(istio), 'DestinationRule', 'cnn-tls'));
    expect(named(objects, 'ServiceEntry', 'cnn').spec.ports[0].targetPort).toBe(443);
    expect(objects.filter(o => ['HTTPRoute', 'VirtualService'].includes(o.kind))).toEqual([]);
  });

  function originatingMesh(props: MeshProps): Mesh {
    const mesh = openMesh(props);
    new ExternalService(mesh, 'cnn', { hosts: ['edition.cnn.com'], ports: [http80], tlsOrigination: [{ port: 80 }] });
    return mesh;
  }
});

describe('TLS origination at the egress gateway (Egress Gateways with TLS Origination)', () => {
  function gatewayMesh(props: MeshProps = {}) {
    const mesh = openMesh(props);
    const egress = new EgressGateway(mesh, 'egress', { listeners: [http80] });
    const cnn = new ExternalService(mesh, 'cnn', {
      hosts: ['edition.cnn.com'],
      ports: [http80],
      egressGateway: egress,
      tlsOrigination: [{ port: 80, clientTls: ClientTls.mutual({ credentialName: 'client-credential' }) }],
    });
    return { mesh, egress, cnn };
  }

  test('sidecar to gateway in ISTIO_MUTUAL (with the host as SNI), the gateway originates TLS with a DestinationRule seen only in its namespace', () => {
    // GIVEN
    const { mesh } = gatewayMesh();

    // WHEN
    const objects = MeshTesting.synth(mesh);

    // THEN the gateway's listener takes the sidecars' mTLS
    expect(named(objects, 'Gateway', 'egress').spec.servers).toEqual([
      { port: { number: 80, name: 'https-80', protocol: 'HTTPS' }, hosts: ['edition.cnn.com'], tls: { mode: 'ISTIO_MUTUAL' } },
    ]);
    // the sidecars send to the gateway's subset for the host, in mTLS with the host as SNI
    expect(named(objects, 'DestinationRule', 'egress-mtls-hop')).toEqual({
      apiVersion: 'networking.istio.io/v1',
      kind: 'DestinationRule',
      metadata: { name: 'egress-mtls-hop', namespace: 'istio-system' },
      spec: {
        host: 'egress.istio-system.svc.cluster.local',
        subsets: [{ name: 'cnn', trafficPolicy: { portLevelSettings: [{ port: { number: 80 }, tls: { mode: 'ISTIO_MUTUAL', sni: 'edition.cnn.com' } }] } }],
      },
    });
    const vs = named(objects, 'VirtualService', 'cnn-egress').spec;
    expect(vs.http).toEqual([
      {
        match: [{ gateways: ['mesh'], port: 80, authority: { exact: 'edition.cnn.com' } }],
        route: [{ destination: { host: 'egress.istio-system.svc.cluster.local', subset: 'cnn', port: { number: 80 } } }],
      },
      {
        match: [{ gateways: ['istio-system/egress'], port: 80, authority: { exact: 'edition.cnn.com' } }],
        route: [{ destination: { host: 'edition.cnn.com', port: { number: 80 } } }],
      },
    ]);
    // the gateway originates (its Secret is in its namespace), and no sidecar sees the rule
    expect(named(objects, 'DestinationRule', 'cnn-tls')).toEqual({
      apiVersion: 'networking.istio.io/v1',
      kind: 'DestinationRule',
      metadata: { name: 'cnn-tls', namespace: 'istio-system' },
      spec: {
        host: 'edition.cnn.com',
        exportTo: ['.'],
        trafficPolicy: { portLevelSettings: [{ port: { number: 80 }, tls: { mode: 'MUTUAL', credentialName: 'client-credential' } }] },
      },
    });
    expect(named(objects, 'ServiceEntry', 'cnn').spec.ports).toEqual([{ number: 80, name: 'http-80', protocol: 'HTTP', targetPort: 443 }]);
  });

  test('every host the gateway serves on the port takes the mTLS hop, originated or not', () => {
    const { mesh, egress } = gatewayMesh();
    new ExternalService(mesh, 'plain', { hosts: ['plain.example.com'], ports: [http80], egressGateway: egress });

    const objects = MeshTesting.synth(mesh);

    expect(named(objects, 'DestinationRule', 'egress-mtls-hop').spec.subsets.map((s: any) => [s.name, s.trafficPolicy.portLevelSettings[0].tls.sni]))
      .toEqual([['cnn', 'edition.cnn.com'], ['plain', 'plain.example.com']]);
    expect(named(objects, 'VirtualService', 'plain-egress').spec.http[0].route).toEqual([
      { destination: { host: 'egress.istio-system.svc.cluster.local', subset: 'plain', port: { number: 80 } } },
    ]);
    expect(named(objects, 'DestinationRule', 'plain-tls')).toBeUndefined();
  });

  test("a split's routes on the first hop go to the host's subset too", () => {
    const { mesh, cnn } = gatewayMesh();
    new ExternalTrafficSplit(mesh, 'cnn-routes', { externalService: cnn, routes: [{ name: 'slow', timeout: Timeout.of(Duration.seconds(5)) }] });

    const vs = named(MeshTesting.synth(mesh), 'VirtualService', 'cnn-egress').spec;

    expect(vs.http[0]).toEqual({
      name: 'slow',
      match: [{ gateways: ['mesh'], port: 80, authority: { exact: 'edition.cnn.com' } }],
      timeout: '5s',
      route: [{ destination: { host: 'egress.istio-system.svc.cluster.local', subset: 'cnn', port: { number: 80 } } }],
    });
  });

  test('with the Gateway API and the fallback, the egress gateway keeps the same objects in Istio\'s API', () => {
    const istio = MeshTesting.synth(gatewayMesh().mesh);
    const objects = MeshTesting.synth(gatewayMesh({ routingApi: RoutingApi.GATEWAY_API, allowIstioApiFallback: true }).mesh);

    for (const [kind, name] of [['DestinationRule', 'cnn-tls'], ['DestinationRule', 'egress-mtls-hop'], ['VirtualService', 'cnn-egress'], ['Gateway', 'egress']]) {
      expect(named(objects, kind, name)).toEqual(named(istio, kind, name));
    }
  });

  test('without TLS origination the gateway keeps its plain HTTP listener and no hop rule is written', () => {
    const mesh = openMesh();
    const egress = new EgressGateway(mesh, 'egress', { listeners: [http80] });
    new ExternalService(mesh, 'plain', { hosts: ['plain.example.com'], ports: [http80], egressGateway: egress });

    const objects = MeshTesting.synth(mesh);

    expect(named(objects, 'Gateway', 'egress').spec.servers).toEqual([{ port: { number: 80, name: 'http-80', protocol: 'HTTP' }, hosts: ['plain.example.com'] }]);
    expect(named(objects, 'DestinationRule', 'egress-mtls-hop')).toBeUndefined();
  });
});

describe('routes of an external service to the TLS port the mesh originates to', () => {
  test('a route may send requests to the HTTPS port: they go through the HTTP port that originates TLS to it', () => {
    // GIVEN port 80 originating to 443, and a route that names 443
    const mesh = openMesh();
    const api = new ExternalService(mesh, 'api', { hosts: ['api.example.com'], ports: [http80, { port: 443 }], tlsOrigination: [{ port: 80 }] });
    new ExternalTrafficSplit(mesh, 'api-routes', { externalService: api, routes: [{ port: 443 }] });

    // WHEN
    const vs = named(MeshTesting.synth(mesh), 'VirtualService', 'api-routes');

    // THEN
    expect(vs.spec.http).toEqual([{ route: [{ destination: { host: 'api.example.com', port: { number: 80 } } }] }]);
  });

  test('fails on a route to an HTTPS port nothing originates TLS to', () => {
    const mesh = openMesh();
    const api = new ExternalService(mesh, 'api', { hosts: ['api.example.com'], ports: [http80, { port: 443 }] });
    new ExternalTrafficSplit(mesh, 'api-routes', { externalService: api, routes: [{ port: 443 }] });

    expect(synthErrors(mesh)).toEqual([
      "[mesh/api-routes] [MESH0895] route 1 port 443 is https, where the sidecar sees no HTTP requests (the application's TLS hides them on HTTPS and TLS ports), so an HTTP route cannot take them: give an HTTP port",
    ]);
  });
});

describe('TLS origination mistakes', () => {
  test.each([
    ['a port the service lacks', { ports: [http80], tlsOrigination: [{ port: 8080 }] },
      '[mesh/ext] [MESH1065] tlsOrigination[0] port 8080 is not a port of the service (ports: 80 http): list it with Protocol.HTTP (e.g. { port: 8080, protocol: Protocol.HTTP }) and call it with http://'],
    ['an HTTPS port', { ports: [{ port: 443 }], tlsOrigination: [{ port: 443 }] },
      '[mesh/ext] [MESH1065] tlsOrigination[0] port 443 is https: TLS is originated for calls the application makes in plain HTTP, list a port with Protocol.HTTP (e.g. { port: 80, protocol: Protocol.HTTP }) and originate TLS on it'],
    ['ISTIO_MUTUAL', { ports: [http80], tlsOrigination: [{ port: 80, clientTls: ClientTls.istioMutual() }] },
      '[mesh/ext] [MESH1066] tlsOrigination[0] clientTls is ISTIO_MUTUAL, which an external host does not serve: originate with ClientTls.simple() or ClientTls.mutual({ credentialName })'],
    ['DISABLE', { ports: [http80], tlsOrigination: [{ port: 80, clientTls: ClientTls.disable() }] },
      '[mesh/ext] [MESH1066] tlsOrigination[0] clientTls is DISABLE, which sends no TLS: originate with ClientTls.simple() or ClientTls.mutual({ credentialName })'],
    ['a port twice', { ports: [http80], tlsOrigination: [{ port: 80 }, { port: 80 }] },
      '[mesh/ext] [MESH1067] tlsOrigination[1] names port 80 again: originate TLS once per port'],
    ['a targetPort out of range', { ports: [http80], tlsOrigination: [{ port: 80, targetPort: 70000 }] },
      '[mesh/ext] [MESH0003] tlsOrigination[0] targetPort 70000 is out of range: use a whole number from 1 to 65535'],
    ['a clientTls that is no ClientTls (JavaScript)', { ports: [http80], tlsOrigination: [{ port: 80, clientTls: { mode: 'SIMPLE' } }] },
      '[mesh/ext] [MESH0096] tlsOrigination[0] clientTls is not a ClientTls: make it with ClientTls.simple() or ClientTls.mutual({ credentialName })'],
    ['a missing port (JavaScript)', { ports: [http80], tlsOrigination: [{}] },
      '[mesh/ext] [MESH0006] tlsOrigination[0] port is missing: name the plain HTTP port the application calls, e.g. { port: 80 }'],
  ])('fails on %s, and writes no origination for it', (_name, props: any, message) => {
    // GIVEN
    const mesh = openMesh();

    // WHEN
    const ext = new ExternalService(mesh, 'ext', { hosts: ['api.example.com'], ...props });

    // THEN
    expect(synthErrors(mesh)).toEqual([message]);
    expect(ext.tlsOrigination.length).toBe(message.includes('MESH1067') ? 1 : 0);
  });
});

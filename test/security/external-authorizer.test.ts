import { Duration } from 'cdk8s';
import * as YAML from 'yaml';
import {
  AccessPolicy, ExternalAuthorizer, ExternalAuthorizerProps, ExternalAuthorizerProtocol, IExternalAuthorizer, Mesh, MeshService, MeshTesting,
  Protocol, Severity, TelemetryStack, TracingBackend,
} from '../../src';
import { extensionProviderRules } from '../support/istio-rules';
import { newMesh, newService, openMesh, synthErrors } from '../support/util';

/** The mesh config istiod reads: the `mesh` key of the istio ConfigMap. */
function meshConfig(mesh: Mesh): any {
  return YAML.parse(MeshTesting.find(MeshTesting.synth(mesh), 'ConfigMap', 'istio', 'istio-system').data.mesh);
}

/** The extension provider of that name in the mesh config, checked as istiod checks the providers. */
function provider(mesh: Mesh, name: string): any {
  const providers = meshConfig(mesh).extensionProviders;
  expect(extensionProviderRules(providers)).toEqual([]);
  return providers.find((p: any) => p.name === name);
}

/** An authorization service of the mesh: OPA's Envoy plugin serves gRPC on 9191 and HTTP on 8181. */
function opaService(mesh: Mesh): MeshService {
  const opa = new MeshService(mesh, 'opa-service', { serviceName: 'opa', namespace: 'authz', ports: [{ port: 8181, protocol: Protocol.HTTP }, { port: 9191, protocol: Protocol.GRPC }] });
  opa.addVersion('v1', { image: 'openpolicyagent/opa:latest-envoy' });
  return opa;
}

describe('ExternalAuthorizer', () => {
  test('an HTTP authorizer with every field, in the mesh config istiod reads', () => {
    // GIVEN
    const mesh = openMesh();
    const opa = opaService(mesh);

    // WHEN
    const authorizer = new ExternalAuthorizer(mesh, 'opa', {
      service: opa,
      port: 8181,
      timeout: Duration.millis(500),
      failOpen: true,
      statusOnError: 503,
      pathPrefix: '/check',
      includeRequestHeadersInCheck: ['authorization', 'x-auth-*', '*-token'],
      includeAdditionalHeadersInCheck: { 'x-from-mesh': 'shop', 'x-checked-by': 'envoy' },
      includeRequestBodyInCheck: { maxRequestBytes: 8192, allowPartialMessage: true },
      headersToUpstreamOnAllow: ['x-user'],
      headersToDownstreamOnDeny: ['www-authenticate', 'set-cookie'],
      headersToDownstreamOnAllow: ['set-cookie'],
    });

    // THEN
    expect(provider(mesh, 'opa')).toEqual({
      name: 'opa',
      envoyExtAuthzHttp: {
        service: 'opa.authz.svc.cluster.local',
        port: 8181,
        timeout: '500ms',
        failOpen: true,
        statusOnError: '503',
        pathPrefix: '/check',
        includeRequestHeadersInCheck: ['authorization', 'x-auth-*', '*-token'],
        includeAdditionalHeadersInCheck: { 'x-checked-by': 'envoy', 'x-from-mesh': 'shop' },
        includeRequestBodyInCheck: { maxRequestBytes: 8192, allowPartialMessage: true },
        headersToUpstreamOnAllow: ['x-user'],
        headersToDownstreamOnDeny: ['www-authenticate', 'set-cookie'],
        headersToDownstreamOnAllow: ['set-cookie'],
      },
    });
    expect([authorizer.providerName, authorizer.host, authorizer.port, authorizer.protocol, authorizer.service])
      .toEqual(['opa', 'opa.authz.svc.cluster.local', 8181, ExternalAuthorizerProtocol.HTTP, opa]);
    // It is what a CUSTOM access rule names.
    const contract: IExternalAuthorizer = authorizer;
    expect([contract.mesh, contract.providerName]).toEqual([mesh, 'opa']);
    expect(ExternalAuthorizer.isExternalAuthorizer(authorizer)).toBe(true);
    expect(mesh.extensionProviderNames).toEqual(['prometheus', 'envoy', 'opa']);
  });

  test('a gRPC authorizer: the protocol follows a gRPC port of the service; the name can be chosen', () => {
    const mesh = openMesh();
    const opa = opaService(mesh);
    const authorizer = new ExternalAuthorizer(mesh, 'authz', {
      name: 'opa-grpc', service: opa, port: 9191, timeout: Duration.seconds(2), includeRequestBodyInCheck: { maxRequestBytes: 1024, packAsBytes: true },
    });
    expect(authorizer.protocol).toEqual(ExternalAuthorizerProtocol.GRPC);
    expect(provider(mesh, 'opa-grpc')).toEqual({
      name: 'opa-grpc',
      envoyExtAuthzGrpc: { service: 'opa.authz.svc.cluster.local', port: 9191, timeout: '2s', includeRequestBodyInCheck: { maxRequestBytes: 1024, packAsBytes: true } },
    });
  });

  test('a host outside the program, with its namespace; the protocol can be chosen', () => {
    const mesh = openMesh();
    new ExternalAuthorizer(mesh, 'oauth2-proxy', { host: 'security/oauth2-proxy.example.com', port: 4180 });
    new ExternalAuthorizer(mesh, 'ext-authz', { host: 'ext-authz.foo.svc.cluster.local', port: 9000, protocol: ExternalAuthorizerProtocol.GRPC });
    expect(provider(mesh, 'oauth2-proxy')).toEqual({ name: 'oauth2-proxy', envoyExtAuthzHttp: { service: 'security/oauth2-proxy.example.com', port: 4180 } });
    expect(provider(mesh, 'ext-authz')).toEqual({ name: 'ext-authz', envoyExtAuthzGrpc: { service: 'ext-authz.foo.svc.cluster.local', port: 9000 } });
  });

  test('a service with one port: that port', () => {
    const mesh = openMesh();
    const authz = newService(mesh, 'authz-service', ['v1'], { namespace: 'security', serviceName: 'authz' });
    new ExternalAuthorizer(mesh, 'authz', { service: authz });
    expect(provider(mesh, 'authz').envoyExtAuthzHttp).toEqual({ service: 'authz.security.svc.cluster.local', port: 8080 });
  });

  test('beside the telemetry stack\'s providers, after them', () => {
    const mesh = openMesh();
    new TelemetryStack(mesh, 'telemetry', { tracing: TracingBackend.jaeger() });
    new ExternalAuthorizer(mesh, 'opa', { host: 'opa.authz.svc.cluster.local', port: 9191 });
    expect(meshConfig(mesh).extensionProviders.map((p: any) => p.name)).toEqual(['prometheus', 'envoy', 'jaeger', 'opa']);
  });

  test('a mesh that adopts an existing Istio asks for the provider in the installed mesh config (MESH0706)', () => {
    const mesh = newMesh({ existingIstio: {}, denyByDefault: false });
    newService(mesh, 'web', ['v1'], { namespace: 'shop' });
    new ExternalAuthorizer(mesh, 'opa', { host: 'opa.authz.svc.cluster.local', port: 9191, protocol: ExternalAuthorizerProtocol.GRPC });
    const warnings = mesh.analyze().filter(f => f.code === 'MESH0706');
    expect(warnings.map(w => [w.severity, w.path])).toEqual([[Severity.WARNING, 'mesh']]);
    expect(warnings[0].message).toEqual("the mesh adopts an existing Istio, whose mesh config it cannot change, and needs extensionProviders there: add to the installation's values (istioctl or Helm) "
      + '{"meshConfig":{"extensionProviders":[{"name":"opa","envoyExtAuthzGrpc":{"service":"opa.authz.svc.cluster.local","port":9191}}]}}');
    expect(MeshTesting.synth(mesh).filter(m => m.kind === 'ConfigMap' && m.metadata.name === 'istio')).toEqual([]);
  });

  describe('under deny-by-default (MESH1048)', () => {
    const message = "the authorizer is service 'opa', which has no AccessPolicy under deny-by-default, so the proxies that ask it are refused and every request "
      + "a CUSTOM rule sends to provider 'opa' is denied: give 'opa' an AccessPolicy that allows the services whose CUSTOM rules name it";

    test('warns when nothing may call the authorizer\'s service', () => {
      const mesh = newMesh();
      new ExternalAuthorizer(mesh, 'opa', { service: opaService(mesh), port: 9191 });
      expect(mesh.analyze().filter(f => f.code === 'MESH1048').map(f => [f.severity, f.path, f.message])).toEqual([[Severity.WARNING, 'mesh/opa', message]]);
    });

    test('says nothing when its AccessPolicy names callers, or when the mesh does not deny by default', () => {
      const mesh = newMesh();
      const opa = opaService(mesh);
      new ExternalAuthorizer(mesh, 'opa', { service: opa, port: 9191 });
      new AccessPolicy(mesh, 'opa-access', { service: opa, allow: [{ from: newService(mesh, 'web') }] });
      expect(mesh.analyze().filter(f => f.code === 'MESH1048')).toEqual([]);
      const open = openMesh();
      new ExternalAuthorizer(open, 'opa', { service: opaService(open), port: 9191 });
      expect(open.analyze().filter(f => f.code === 'MESH1048')).toEqual([]);
    });
  });

  describe('fails', () => {
    test.each<[string, (mesh: Mesh) => ExternalAuthorizerProps, string]>([
      ['without service or host', () => ({}),
        "[MESH1040] mesh/opa: neither service nor host is given: give the authorizer's service (a MeshService) or its host ('opa.authz.svc.cluster.local'), not both"],
      ['with both', mesh => ({ service: opaService(mesh), host: 'opa.example.com' }),
        "[MESH1040] mesh/opa: service and host are both given: give the authorizer's service (a MeshService) or its host ('opa.authz.svc.cluster.local'), not both"],
      ['with a service that is not one', () => ({ service: 'opa' as any }),
        '[MESH0009] mesh/opa: service is not a service of a mesh: name a MeshService, or one imported with MeshService.fromName(), or give host'],
    ])('%s, at once', (_, props, message) => {
      const mesh = openMesh();
      expect(() => new ExternalAuthorizer(mesh, 'opa', props(mesh))).toThrow(message);
    });

    const host = { host: 'opa.authz.svc.cluster.local', port: 9000 };
    test.each<[string, (mesh: Mesh) => ExternalAuthorizerProps, string]>([
      ['a host that is not fully qualified', () => ({ host: 'opa', port: 9000 }),
        "[MESH1040] host 'opa' is not a fully qualified host name: give the authorizer's host, e.g. 'opa.authz.svc.cluster.local', optionally behind its namespace ('authz/opa.example.com')"],
      ['a host with a bad namespace', () => ({ host: 'Authz/opa.example.com', port: 9000 }),
        "[MESH1040] host 'Authz/opa.example.com' is not a fully qualified host name: give the authorizer's host, e.g. 'opa.authz.svc.cluster.local', optionally behind its namespace ('authz/opa.example.com')"],
      ['a host without a port', () => ({ host: 'opa.authz.svc.cluster.local' }),
        '[MESH1040] port is missing: give the port the authorizer serves on, e.g. 9000'],
      ['a service of several ports without a port', mesh => ({ service: opaService(mesh) }),
        "[MESH1040] port is missing, and service 'opa' has 2 ports (8181, 9191): give the port the authorizer serves on"],
      ['a port the service does not have', mesh => ({ service: opaService(mesh), port: 9000 }),
        "[MESH1040] port 9000 is not a port of service 'opa' (ports: 8181, 9191): give one of its ports"],
      ['a port out of range', () => ({ ...host, port: 70000 }), '[MESH0003] port 70000 is out of range: use a whole number from 1 to 65535'],
      ['a name that is no DNS label', () => ({ ...host, name: 'OPA' }),
        "[MESH0001] name 'OPA' is not a valid DNS label: use at most 63 lowercase letters, digits and '-', starting and ending with a letter or digit"],
      ['a status Envoy does not return', () => ({ ...host, statusOnError: 299 }),
        '[MESH1042] statusOnError 299 is not an HTTP status Envoy returns: give a status such as 403, 401 or 503'],
      ['HTTP fields on a gRPC authorizer', () => ({ ...host, protocol: ExternalAuthorizerProtocol.GRPC, pathPrefix: '/check', headersToUpstreamOnAllow: ['x-user'] }),
        '[MESH1043] pathPrefix, headersToUpstreamOnAllow apply to HTTP authorizers only, and this one is asked over gRPC: drop them, or use ExternalAuthorizerProtocol.HTTP'],
      ['packAsBytes on an HTTP authorizer', () => ({ ...host, includeRequestBodyInCheck: { packAsBytes: true } }),
        '[MESH1043] includeRequestBodyInCheck.packAsBytes applies to gRPC authorizers only, and this one is asked over HTTP: drop it, or use ExternalAuthorizerProtocol.GRPC'],
      ['a path prefix that is not a path', () => ({ ...host, pathPrefix: 'check' }),
        "[MESH1043] pathPrefix 'check' is not a path: give one that begins with '/', without spaces, '?' or '#', e.g. '/check'"],
      ['a header that is not one', () => ({ ...host, includeRequestHeadersInCheck: ['x auth'] }),
        "[MESH1044] includeRequestHeadersInCheck lists 'x auth', which is not a header name, prefix ('x-auth-*') or suffix ('*-token'): use letters, digits and !#$%&'+.^_`|~- with at most one '*' at either end"],
      ['a header pattern with a * inside', () => ({ ...host, headersToDownstreamOnDeny: ['x-*-id'] }),
        "[MESH1044] headersToDownstreamOnDeny lists 'x-*-id', which is not a header name, prefix ('x-auth-*') or suffix ('*-token'): use letters, digits and !#$%&'+.^_`|~- with at most one '*' at either end"],
      ['a header twice', () => ({ ...host, headersToUpstreamOnAllow: ['x-user', 'X-User'] }),
        "[MESH1044] headersToUpstreamOnAllow lists 'X-User' twice: list each header once"],
      ['an added header that is not one', () => ({ ...host, includeAdditionalHeadersInCheck: { 'x mesh': 'a' } }),
        "[MESH1044] includeAdditionalHeadersInCheck names header 'x mesh', which is not a header name: use letters, digits and !#$%&'*+.^_`|~-"],
      ['an added header with a line break', () => ({ ...host, includeAdditionalHeadersInCheck: { 'x-mesh': 'a\nb' } }),
        "[MESH1044] includeAdditionalHeadersInCheck gives header 'x-mesh' a value with a control character (\\n): remove it"],
      ['no body setting', () => ({ ...host, includeRequestBodyInCheck: 8192 as any }),
        '[MESH1045] includeRequestBodyInCheck 8192 is not an ExternalAuthorizerRequestBody: give an object, e.g. { maxRequestBytes: 8192 }'],
      ['a body of no bytes', () => ({ ...host, includeRequestBodyInCheck: { maxRequestBytes: 0 } }),
        '[MESH1045] includeRequestBodyInCheck.maxRequestBytes 0 is not a number of bytes: give a whole number of at least 1, e.g. 8192'],
      ['a zero timeout', () => ({ ...host, timeout: Duration.seconds(0) }),
        '[MESH1046] timeout 0s would fail every check at once: give a timeout of at least 1ms, or leave it out for the default (600s)'],
      ['a timeout finer than a millisecond', () => ({ ...host, timeout: Duration.millis(0.5) }),
        '[MESH1046] timeout 0.5 millis is not a whole number of milliseconds: durations are written to the millisecond, round it'],
      ['a failOpen that is no boolean', () => ({ ...host, failOpen: 'yes' as any }),
        "[MESH0091] failOpen 'yes' is a string, not a boolean: give true or false, without quotes"],
      ['a protocol that is not one', () => ({ ...host, protocol: 'grpc' as any }),
        "[MESH0090] protocol 'grpc' is not a value of ExternalAuthorizerProtocol: use ExternalAuthorizerProtocol.HTTP or ExternalAuthorizerProtocol.GRPC"],
    ])('with %s', (_, props, message) => {
      const mesh = openMesh();
      new ExternalAuthorizer(mesh, 'opa', props(mesh));
      expect(synthErrors(mesh)).toEqual([`[mesh/opa] ${message}`]);
    });

    test.each([
      ['a built-in provider', (mesh: Mesh) => mesh, 'envoy', 'a provider of the telemetry stack'],
      ['the tracing backend', (mesh: Mesh) => new TelemetryStack(mesh, 'telemetry', { tracing: TracingBackend.jaeger() }), 'jaeger', 'a provider of the telemetry stack'],
      ['another authorizer', (mesh: Mesh) => new ExternalAuthorizer(mesh, 'first', { name: 'opa', host: 'a.example.com', port: 80 }), 'opa', 'the name of ExternalAuthorizer mesh/first'],
    ])('with the name of %s (analysis)', (_, before, name, holder) => {
      const mesh = openMesh();
      before(mesh);
      new ExternalAuthorizer(mesh, 'second', { name, host: 'b.example.com', port: 80 });
      const message = `provider name '${name}' is already ${holder}, and the mesh config's extension providers need unique names: give the authorizer another name`;
      expect(mesh.analyze().filter(f => f.code === 'MESH1041').map(f => [f.severity, f.path, f.message])).toEqual([[Severity.ERROR, 'mesh/second', message]]);
      expect(synthErrors(mesh)).toContain(`[mesh/second] [MESH1041] ${message}`);
    });
  });
});

import { Duration } from 'cdk8s';
import { Construct } from 'constructs';
import type { MeshCode } from '../analysis/codes';
import type { IMesh, IMeshService } from '../mesh-identity';
import { istioDuration } from '../private/duration';
import { checkEnum, checkStringList, checkStringMap, checkType, listedTwice, quoted } from '../private/enums';
import { meshError, recordedProblems, reportError } from '../private/errors';
import { checkDuration, controlCharacter } from '../private/istio-rules';
import { validateInt32 } from '../private/kubernetes-rules';
import { HTTP_TOKEN, validateDnsLabel, validatePort } from '../private/names';
import { isKind, isMeshServiceKind, markKind, meshOf } from '../private/tree';
import { Protocol } from '../traffic/protocol';

/**
 * An external authorization service declared on the mesh (an extension provider of the mesh config,
 * `envoyExtAuthzHttp` or `envoyExtAuthzGrpc`), which an `AccessPolicy`'s CUSTOM rules delegate decisions to.
 */
export interface IExternalAuthorizer {
  /** The mesh the authorizer is declared on. */
  readonly mesh: IMesh;
  /** The extension provider's name in the mesh config, which a CUSTOM AuthorizationPolicy names. */
  readonly providerName: string;
}

/**
 * The API the proxies use to ask an external authorizer: Envoy's ext_authz over HTTP or over gRPC.
 */
export enum ExternalAuthorizerProtocol {
  /** Each check is an HTTP request to the authorizer; a 200 response allows (`envoyExtAuthzHttp`). */
  HTTP = 'HTTP',
  /** Each check is a call of Envoy's `envoy.service.auth.v3.Authorization/Check` (`envoyExtAuthzGrpc`). */
  GRPC = 'GRPC',
}

/**
 * The request body sent with each check.
 */
export interface ExternalAuthorizerRequestBody {
  /**
   * The most bytes of the body the proxy holds and sends.
   *
   * @default - Envoy's default
   */
  readonly maxRequestBytes?: number;

  /**
   * Whether a longer body is sent cut to `maxRequestBytes` (with `x-envoy-auth-partial-body: true`) instead of
   * refused with 413.
   *
   * @default false
   */
  readonly allowPartialMessage?: boolean;

  /**
   * Whether a gRPC authorizer gets the body as raw bytes instead of a UTF-8 string. gRPC only.
   *
   * @default false
   */
  readonly packAsBytes?: boolean;
}

/**
 * Properties of an `ExternalAuthorizer`. Give `service` (a service of the mesh) or `host` (any other).
 */
export interface ExternalAuthorizerProps {
  /**
   * The extension provider's name, which CUSTOM access rules name. Unique among the mesh's extension providers
   * (telemetry's too).
   *
   * @default - the construct id
   */
  readonly name?: string;

  /**
   * The authorizer, a service of the mesh.
   *
   * @default - none: give `host`
   */
  readonly service?: IMeshService;

  /**
   * The authorizer's fully qualified host name, when it is not a service of this program (a Kubernetes Service
   * elsewhere, or an `ExternalService` host), optionally behind its namespace: `[<namespace>/]<host>`.
   *
   * @default - none: give `service`
   */
  readonly host?: string;

  /**
   * The authorizer's port.
   *
   * @default - the service's port, when it has only one; required with `host`
   */
  readonly port?: number;

  /**
   * The API the proxies use to ask it.
   *
   * @default - GRPC when the port is a gRPC port of `service`, otherwise HTTP
   */
  readonly protocol?: ExternalAuthorizerProtocol;

  /**
   * How long the proxy waits for a decision before it treats the check as failed.
   *
   * @default - 600 seconds (Istio's default)
   */
  readonly timeout?: Duration;

  /**
   * Whether requests are let through when the authorizer cannot be reached or answers with a 5xx.
   *
   * @default false
   */
  readonly failOpen?: boolean;

  /**
   * The HTTP status returned to the client when the authorizer cannot be reached.
   *
   * @default 403
   */
  readonly statusOnError?: number;

  /**
   * A prefix of the path of each check request (`/check` turns `/admin` into `/check/admin`). HTTP only.
   *
   * @default - the request's path as it is
   */
  readonly pathPrefix?: string;

  /**
   * Client request headers sent with each check, beyond Host, Method, Path and Content-Length: exact names,
   * prefixes (`x-auth-*`) or suffixes (`*-token`). HTTP only.
   *
   * @default - none beyond those
   */
  readonly includeRequestHeadersInCheck?: string[];

  /**
   * Fixed headers added to each check request. HTTP only.
   *
   * @default - none
   */
  readonly includeAdditionalHeadersInCheck?: { [header: string]: string };

  /**
   * The request body sent with each check.
   *
   * @default - no body
   */
  readonly includeRequestBodyInCheck?: ExternalAuthorizerRequestBody;

  /**
   * Headers of the authorizer's response set on the request passed on when it allows (names, prefixes or
   * suffixes). HTTP only.
   *
   * @default - the request is passed on as it is
   */
  readonly headersToUpstreamOnAllow?: string[];

  /**
   * Headers of the authorizer's response returned to the client when it denies. HTTP only.
   *
   * @default - every header of its response but Host
   */
  readonly headersToDownstreamOnDeny?: string[];

  /**
   * Headers of the authorizer's response added to the response to the client when it allows. HTTP only.
   *
   * @default - the response is returned as it is
   */
  readonly headersToDownstreamOnAllow?: string[];
}

/**
 * An external authorization service (OPA, oauth2-proxy, a service of your own) declared once on the mesh, as an
 * extension provider of the mesh config that istiod reads (`envoyExtAuthzHttp` or `envoyExtAuthzGrpc`). An
 * access policy's CUSTOM rules name it (`IExternalAuthorizer`), and the proxies of the workloads they protect
 * then ask it about each request they match.
 *
 * The checks come from those proxies with their workloads' identities: when the authorizer is a service of a
 * mesh that denies by default, allow those workloads to call it (the analysis warns when nothing may, MESH1048).
 * When the mesh adopts an existing Istio, whose mesh config it cannot write, the provider is part of the
 * meshConfig the mesh asks to be added there (MESH0706).
 *
 * @see https://istio.io/latest/docs/tasks/security/authorization/authz-custom/
 * @see https://istio.io/latest/docs/reference/config/istio.mesh.v1alpha1/#MeshConfig-ExtensionProvider-EnvoyExternalAuthorizationHttpProvider
 */
export class ExternalAuthorizer extends Construct implements IExternalAuthorizer {
  /**
   * Whether `x` is an `ExternalAuthorizer` (told by a symbol, as cdk8s tells charts apart: it works across copies of the library).
   */
  public static isExternalAuthorizer(x: any): x is ExternalAuthorizer {
    return isKind(x, 'ExternalAuthorizer');
  }

  /** The mesh the authorizer is declared on. */
  public readonly mesh: IMesh;
  /** The extension provider's name in the mesh config, which CUSTOM access rules name. */
  public readonly providerName: string;
  /** The authorizer's service, when it is a service of the mesh. */
  public readonly service?: IMeshService;
  /** The host the proxies call, as the mesh config names it (`[<namespace>/]<host>`). */
  public readonly host: string;
  /** The authorizer's port. */
  public readonly port: number;
  /** The API the proxies use to ask it. */
  public readonly protocol: ExternalAuthorizerProtocol;

  private readonly settings: Record<string, unknown>;

  public constructor(scope: Construct, id: string, props: ExternalAuthorizerProps) {
    super(scope, id);
    props = props ?? {} as ExternalAuthorizerProps;
    const given = (['service', 'host'] as const).filter(p => props[p] !== undefined && props[p] !== null);
    // The host is what the provider is: nothing can stand in for it.
    if (given.length !== 1) {
      throw meshError('MESH1040', this, `${given.length === 0 ? 'neither service nor host is given' : 'service and host are both given'}: `
        + "give the authorizer's service (a MeshService) or its host ('opa.authz.svc.cluster.local'), not both");
    }
    if (props.service !== undefined && !isMeshServiceKind(props.service)) {
      throw meshError('MESH0009', this, 'service is not a service of a mesh: name a MeshService, or one imported with MeshService.fromName(), or give host');
    }
    markKind(this, 'ExternalAuthorizer');
    this.mesh = meshOf(this);
    this.providerName = validateDnsLabel(this, 'name', props.name ?? id);
    this.service = props.service;
    if (this.service && this.service.mesh !== this.mesh) {
      reportError(this, 'MESH0205', `service '${this.service.serviceName}' belongs to another mesh (${this.service.mesh.node.path}): name a service of this mesh, or give its host`);
    }
    this.host = this.service ? this.service.host : checkHost(this, props.host!);
    this.port = this.resolvePort(props.port);
    const servicePort = this.service?.ports.find(p => p.port === this.port);
    this.protocol = props.protocol ?? (servicePort?.protocol === Protocol.GRPC ? ExternalAuthorizerProtocol.GRPC : ExternalAuthorizerProtocol.HTTP);
    if (!checkEnum(this, 'protocol', this.protocol, ExternalAuthorizerProtocol, 'ExternalAuthorizerProtocol')) {
      this.protocol = ExternalAuthorizerProtocol.HTTP;
    }
    this.settings = this.checkSettings(props);
  }

  /**
   * The extension provider as the mesh config's `extensionProviders` lists it.
   *
   * @internal
   */
  public get _extensionProvider(): { name: string; kind: 'authorization'; config: Record<string, unknown> } {
    const key = this.protocol === ExternalAuthorizerProtocol.GRPC ? 'envoyExtAuthzGrpc' : 'envoyExtAuthzHttp';
    return { name: this.providerName, kind: 'authorization', config: { [key]: { service: this.host, port: this.port, ...this.settings } } };
  }

  private resolvePort(port: number | undefined): number {
    const service = this.service;
    if (port === undefined) {
      if (service && service.ports.length === 1) {
        return service.ports[0].port;
      }
      reportError(this, 'MESH1040', service
        ? `port is missing, and service '${service.serviceName}' has ${service.ports.length} ports (${service.ports.map(p => p.port).join(', ')}): give the port the authorizer serves on`
        : 'port is missing: give the port the authorizer serves on, e.g. 9000');
      return service?.ports[0]?.port ?? 1;
    }
    if (!checkType(this, 'port', port, 'number')) {
      return 1;
    }
    const problems = recordedProblems(this).length;
    validatePort(this, 'port', port);
    if (recordedProblems(this).length === problems && service && !service.ports.some(p => p.port === port)) {
      reportError(this, 'MESH1040', `port ${port} is not a port of service '${service.serviceName}' (ports: ${service.ports.map(p => p.port).join(', ')}): give one of its ports`);
    }
    return port;
  }

  /** The provider's settings beyond service and port, checked as istiod checks them; a setting with a mistake is left out. */
  private checkSettings(props: ExternalAuthorizerProps): Record<string, unknown> {
    const http = this.protocol === ExternalAuthorizerProtocol.HTTP;
    const settings: Record<string, unknown> = {};
    const fail = (code: MeshCode, message: string) => reportError(this, code, message);
    if (props.timeout !== undefined) {
      const ms = checkDuration(this, 'MESH1046', 'timeout', props.timeout);
      if (ms === 0) {
        fail('MESH1046', 'timeout 0s would fail every check at once: give a timeout of at least 1ms, or leave it out for the default (600s)');
      } else if (ms !== undefined) {
        settings.timeout = istioDuration(props.timeout);
      }
    }
    if (checkType(this, 'failOpen', props.failOpen, 'boolean') && props.failOpen) {
      settings.failOpen = true;
    }
    if (props.statusOnError !== undefined && checkType(this, 'statusOnError', props.statusOnError, 'number')) {
      if (ENVOY_STATUS_CODES.has(props.statusOnError)) {
        settings.statusOnError = String(props.statusOnError);
      } else {
        fail('MESH1042', `statusOnError ${props.statusOnError} is not an HTTP status Envoy returns: give a status such as 403, 401 or 503`);
      }
    }
    const httpOnly = (['pathPrefix', 'includeRequestHeadersInCheck', 'includeAdditionalHeadersInCheck', 'headersToUpstreamOnAllow',
      'headersToDownstreamOnDeny', 'headersToDownstreamOnAllow'] as const).filter(p => props[p] !== undefined);
    if (!http && httpOnly.length > 0) {
      fail('MESH1043', `${httpOnly.join(', ')} ${httpOnly.length > 1 ? 'apply' : 'applies'} to HTTP authorizers only, and this one is asked over gRPC: drop ${httpOnly.length > 1 ? 'them' : 'it'}, or use ExternalAuthorizerProtocol.HTTP`);
      return settings;
    }
    if (props.pathPrefix !== undefined && checkType(this, 'pathPrefix', props.pathPrefix, 'string')) {
      if (!props.pathPrefix.startsWith('/') || /[\s?#]/.test(props.pathPrefix) || controlCharacter(props.pathPrefix) !== undefined) {
        fail('MESH1043', `pathPrefix ${quoted(props.pathPrefix)} is not a path: give one that begins with '/', without spaces, '?' or '#', e.g. '/check'`);
      } else {
        settings.pathPrefix = props.pathPrefix;
      }
    }
    for (const prop of ['includeRequestHeadersInCheck', 'headersToUpstreamOnAllow', 'headersToDownstreamOnDeny', 'headersToDownstreamOnAllow'] as const) {
      const list = props[prop];
      if (list === undefined || !checkStringList(this, prop, list)) {
        continue;
      }
      const bad = list.find(h => !HEADER_PATTERN.test(h));
      const twice = listedTwice(list, h => h.toLowerCase());
      if (bad !== undefined) {
        fail('MESH1044', `${prop} lists ${quoted(bad)}, which is not a header name, prefix ('x-auth-*') or suffix ('*-token'): use letters, digits and !#$%&'+.^_\`|~- with at most one '*' at either end`);
      } else if (twice.length > 0) {
        fail('MESH1044', `${prop} lists ${twice.map(quoted).join(', ')} twice: list each header once`);
      } else if (list.length > 0) {
        settings[prop] = [...list];
      }
    }
    const extra = props.includeAdditionalHeadersInCheck;
    if (extra !== undefined && checkStringMap(this, 'includeAdditionalHeadersInCheck', extra)) {
      const badName = Object.keys(extra).find(h => !HTTP_TOKEN.test(h));
      const badValue = Object.entries(extra).find(([, v]) => controlCharacter(v) !== undefined);
      if (badName !== undefined) {
        fail('MESH1044', `includeAdditionalHeadersInCheck names header ${quoted(badName)}, which is not a header name: use letters, digits and !#$%&'*+.^_\`|~-`);
      } else if (badValue) {
        fail('MESH1044', `includeAdditionalHeadersInCheck gives header '${badValue[0]}' a value with a control character (${controlCharacter(badValue[1])}): remove it`);
      } else if (Object.keys(extra).length > 0) {
        settings.includeAdditionalHeadersInCheck = Object.fromEntries(Object.keys(extra).sort().map(k => [k, extra[k]]));
      }
    }
    const body = props.includeRequestBodyInCheck;
    if (body !== undefined) {
      const before = recordedProblems(this).length;
      if (typeof body !== 'object' || body === null) {
        fail('MESH1045', `includeRequestBodyInCheck ${quoted(body)} is not an ExternalAuthorizerRequestBody: give an object, e.g. { maxRequestBytes: 8192 }`);
      } else {
        if (body.maxRequestBytes !== undefined && checkType(this, 'includeRequestBodyInCheck.maxRequestBytes', body.maxRequestBytes, 'number')
          && (!Number.isInteger(body.maxRequestBytes) || body.maxRequestBytes < 1)) {
          fail('MESH1045', `includeRequestBodyInCheck.maxRequestBytes ${body.maxRequestBytes} is not a number of bytes: give a whole number of at least 1, e.g. 8192`);
        } else if (body.maxRequestBytes !== undefined) {
          validateInt32(this, 'includeRequestBodyInCheck.maxRequestBytes', body.maxRequestBytes, 1, 4_294_967_295);
        }
        checkType(this, 'includeRequestBodyInCheck.allowPartialMessage', body.allowPartialMessage, 'boolean');
        checkType(this, 'includeRequestBodyInCheck.packAsBytes', body.packAsBytes, 'boolean');
        if (http && body.packAsBytes) {
          fail('MESH1043', 'includeRequestBodyInCheck.packAsBytes applies to gRPC authorizers only, and this one is asked over HTTP: drop it, or use ExternalAuthorizerProtocol.GRPC');
        }
      }
      if (recordedProblems(this).length === before) {
        settings.includeRequestBodyInCheck = {
          maxRequestBytes: body.maxRequestBytes,
          allowPartialMessage: body.allowPartialMessage || undefined,
          packAsBytes: body.packAsBytes || undefined,
        };
      }
    }
    return settings;
  }
}

/** A header name, or a prefix or suffix of one (a '*' at either end), as ext_authz's header lists take them. */
const HEADER_PATTERN = /^\*?[A-Za-z0-9!#$%&'+.^_`|~-]+\*?$/;

/** The statuses of Envoy's `envoy.type.v3.StatusCode`, which istiod checks statusOnError against. */
const ENVOY_STATUS_CODES = new Set([
  100, 200, 201, 202, 203, 204, 205, 206, 207, 208, 226, 300, 301, 302, 303, 304, 305, 307, 308,
  400, 401, 402, 403, 404, 405, 406, 407, 408, 409, 410, 411, 412, 413, 414, 415, 416, 417, 421, 422, 423, 424,
  426, 428, 429, 431, 500, 501, 502, 503, 504, 505, 506, 507, 508, 510, 511,
]);

const DNS_NAME = /^(\*\.)?[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

/**
 * Checks a provider's service as istiod does (validateExtensionProviderService): a fully qualified host name,
 * optionally behind `<namespace>/`.
 */
function checkHost(scope: Construct, host: string): string {
  if (!checkType(scope, 'host', host, 'string')) {
    return 'invalid';
  }
  const parts = host.split('/');
  const name = parts[parts.length - 1];
  const namespaceOk = parts.length === 1 || parts.length === 2 && /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(parts[0]) && parts[0].length <= 63;
  if (!namespaceOk || name.length > 253 || !DNS_NAME.test(name) || name.startsWith('*') || !name.includes('.')) {
    reportError(scope, 'MESH1040', `host '${host}' is not a fully qualified host name: give the authorizer's host, e.g. 'opa.authz.svc.cluster.local', optionally behind its namespace ('authz/opa.example.com')`);
  }
  return host;
}

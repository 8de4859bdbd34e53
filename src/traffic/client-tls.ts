import * as istio from '../imports/istio-networking';
import { checkType } from '../private/enums';
import { reportError, required } from '../private/errors';
import { validateDnsSubdomain } from '../private/names';

/**
 * The TLS a client proxy uses towards a destination (Istio's `ClientTLSSettings.TLSmode`).
 */
export enum ClientTlsMode {
  /** Plain text: no TLS. */
  DISABLE = 'DISABLE',
  /** TLS that checks the server's certificate (what `https://` does). */
  SIMPLE = 'SIMPLE',
  /** TLS with a client certificate of the user's own (from a Secret). */
  MUTUAL = 'MUTUAL',
  /** The mesh's mutual TLS, with the certificates istiod issues to the proxy. */
  ISTIO_MUTUAL = 'ISTIO_MUTUAL',
}

/**
 * Options of `ClientTls.istioMutual()`.
 */
export interface IstioMutualClientTlsOptions {
  /**
   * The server name the proxy sends in the TLS handshake.
   *
   * @default - none (Istio's default)
   */
  readonly sni?: string;

  /**
   * Names, one of which the server certificate must carry (for the mesh: SPIFFE identities).
   *
   * @default - Istio checks the identities of the destination's workloads
   */
  readonly subjectAltNames?: string[];
}

/**
 * Options of `ClientTls.simple()`: TLS that checks the server's certificate.
 */
export interface SimpleClientTlsOptions {
  /**
   * The server name the proxy sends in the TLS handshake (the external host, e.g. `api.example.com`).
   *
   * @default - Istio's default: the host of the request, when auto SNI applies (HTTP ports)
   */
  readonly sni?: string;

  /**
   * Names, one of which the server certificate must carry.
   *
   * @default - Istio's default: the SNI, when auto SAN validation applies
   */
  readonly subjectAltNames?: string[];

  /**
   * A file in the proxy's container with the CA certificates that sign the server's certificate: a file of the
   * proxy image (e.g. `/etc/ssl/certs/ca-certificates.crt`) or one mounted into it. Leave both this and
   * `caCredentialName` out to use the proxy's system CAs.
   *
   * @default - the proxy's system CAs
   */
  readonly caCertificates?: string;

  /**
   * A Secret with the CA certificates (key `ca.crt`), in the namespace of the proxy that originates TLS (the
   * client's, or the egress gateway's).
   *
   * @default - the proxy's system CAs
   */
  readonly caCredentialName?: string;

  /**
   * Accept any server certificate (no CA or name check). For tests only.
   *
   * @default false
   */
  readonly insecureSkipVerify?: boolean;
}

/**
 * Options of `ClientTls.mutual()`: TLS with a client certificate of the user's own.
 */
export interface MutualClientTlsOptions {
  /**
   * The Secret with the client certificate (`tls.crt`), its key (`tls.key`) and the CA certificates that sign
   * the server's (`ca.crt`), in the namespace of the proxy that originates TLS (the client's, or the egress
   * gateway's). The key stays in the cluster: no manifest carries it.
   */
  readonly credentialName: string;

  /**
   * The server name the proxy sends in the TLS handshake.
   *
   * @default - Istio's default: the host of the request, when auto SNI applies (HTTP ports)
   */
  readonly sni?: string;

  /**
   * Names, one of which the server certificate must carry.
   *
   * @default - Istio's default: the SNI, when auto SAN validation applies
   */
  readonly subjectAltNames?: string[];

  /**
   * Accept any server certificate (no CA or name check). For tests only.
   *
   * @default false
   */
  readonly insecureSkipVerify?: boolean;
}

/**
 * The TLS a client (a sidecar or a gateway) uses towards a destination: the `tls` of a DestinationRule's
 * traffic policy. No private key is ever written: a client certificate comes from a Secret by name.
 *
 * @see https://istio.io/latest/docs/reference/config/networking/destination-rule/#ClientTLSSettings
 */
export class ClientTls {
  /**
   * Plain text: the client sends no TLS (to a destination that takes plain text: mTLS DISABLE, or its own
   * plain-text protocol).
   */
  public static disable(): ClientTls {
    return new ClientTls(ClientTlsMode.DISABLE, {});
  }

  /**
   * The mesh's mutual TLS, with the certificates istiod issues to the proxy (what auto mTLS picks for a
   * destination with a sidecar).
   */
  public static istioMutual(options: IstioMutualClientTlsOptions = {}): ClientTls {
    return new ClientTls(ClientTlsMode.ISTIO_MUTUAL, checkCommon('ClientTls.istioMutual', options ?? {}));
  }

  /**
   * TLS that checks the server's certificate, against the proxy's system CAs, a CA file in the proxy, or a
   * Secret's `ca.crt`.
   */
  public static simple(options: SimpleClientTlsOptions = {}): ClientTls {
    const where = 'ClientTls.simple';
    options = options ?? {};
    const common = checkCommon(where, options);
    if (options.caCertificates !== undefined && checkType(where, 'caCertificates', options.caCertificates, 'string', '/etc/ssl/certs/ca-certificates.crt')
      && !options.caCertificates.startsWith('/')) {
      reportError(where, 'MESH1062', `caCertificates '${options.caCertificates}' is not a path: give the absolute path of a file in the proxy's container (e.g. '/etc/ssl/certs/ca-certificates.crt'), or a Secret with caCredentialName`);
    }
    const credentialName = options.caCredentialName === undefined ? undefined : validateDnsSubdomain(where, 'caCredentialName', options.caCredentialName);
    if (options.caCertificates !== undefined && credentialName !== undefined) {
      reportError(where, 'MESH1063', 'caCertificates and caCredentialName are both given: istiod refuses CA files beside a credential, give one of them');
    }
    const skip = checkSkip(where, options.insecureSkipVerify);
    if (skip && (options.caCertificates !== undefined || credentialName !== undefined || options.subjectAltNames !== undefined)) {
      reportError(where, 'MESH1064', 'insecureSkipVerify checks no certificate, but caCertificates, caCredentialName or subjectAltNames are given: istiod refuses both, leave insecureSkipVerify out to check the server');
    }
    return new ClientTls(ClientTlsMode.SIMPLE, { ...common, credentialName, caCertificates: options.caCertificates, insecureSkipVerify: skip });
  }

  /**
   * TLS with a client certificate of the user's own: the Secret `credentialName` holds the certificate, its key
   * and the CA certificates.
   */
  public static mutual(options: MutualClientTlsOptions): ClientTls {
    const where = 'ClientTls.mutual';
    options = options ?? {} as MutualClientTlsOptions;
    const common = checkCommon(where, options);
    const name = required(where, 'credentialName', options.credentialName,
      'name the Secret with the client certificate (tls.crt, tls.key and ca.crt), e.g. { credentialName: \'client-credential\' }');
    const credentialName = validateDnsSubdomain(where, 'credentialName', name);
    const loose = options as { caCertificates?: unknown; clientCertificate?: unknown; privateKey?: unknown };
    if (loose.caCertificates !== undefined || loose.clientCertificate !== undefined || loose.privateKey !== undefined) {
      // From JavaScript: file paths beside a credential are refused by istiod.
      reportError(where, 'MESH1063', 'caCertificates, clientCertificate and privateKey are not options of a mutual ClientTls: the Secret credentialName holds the certificate, key and CA certificates');
    }
    const skip = checkSkip(where, options.insecureSkipVerify);
    if (skip && options.subjectAltNames !== undefined) {
      reportError(where, 'MESH1064', 'insecureSkipVerify checks no certificate, but subjectAltNames are given: istiod refuses both, leave insecureSkipVerify out to check the server');
    }
    return new ClientTls(ClientTlsMode.MUTUAL, { ...common, credentialName, insecureSkipVerify: skip });
  }

  /** The TLS mode. */
  public readonly mode: ClientTlsMode;
  /** The server name sent in the handshake, if set. */
  public readonly sni?: string;
  /** The names one of which the server certificate must carry, if set. */
  public readonly subjectAltNames?: string[];
  /** The Secret with the client certificate (MUTUAL) or the CA certificates (SIMPLE), if set. */
  public readonly credentialName?: string;
  /** The CA file in the proxy, if set. */
  public readonly caCertificates?: string;
  /** Whether the server certificate goes unchecked. */
  public readonly insecureSkipVerify: boolean;

  private constructor(mode: ClientTlsMode, settings: Settings) {
    this.mode = mode;
    this.sni = settings.sni;
    this.subjectAltNames = settings.subjectAltNames;
    this.credentialName = settings.credentialName;
    this.caCertificates = settings.caCertificates;
    this.insecureSkipVerify = settings.insecureSkipVerify ?? false;
  }

  /**
   * Whether the client sends TLS of its own (SIMPLE, MUTUAL): what originating TLS to an external host needs.
   */
  public get originatesTls(): boolean {
    return this.mode === ClientTlsMode.SIMPLE || this.mode === ClientTlsMode.MUTUAL;
  }

  /**
   * The DestinationRule `tls` field.
   *
   * @internal
   */
  public _toIstio(): istio.DestinationRuleSpecTrafficPolicyTls {
    return {
      mode: this.mode as string as istio.DestinationRuleSpecTrafficPolicyTlsMode,
      credentialName: this.credentialName,
      caCertificates: this.caCertificates,
      sni: this.sni,
      subjectAltNames: this.subjectAltNames ? [...this.subjectAltNames] : undefined,
      insecureSkipVerify: this.insecureSkipVerify ? true : undefined,
    };
  }
}

interface Settings {
  readonly sni?: string;
  readonly subjectAltNames?: string[];
  readonly credentialName?: string;
  readonly caCertificates?: string;
  readonly insecureSkipVerify?: boolean;
}

/** A host name a TLS client can send as SNI: DNS labels, no wildcard, no IP address, no port. */
const SNI = /^(?=.{1,253}$)[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?(\.[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?)*$/i;

function checkCommon(where: string, options: IstioMutualClientTlsOptions): Settings {
  if (options.sni !== undefined && (typeof options.sni !== 'string' || !SNI.test(options.sni) || /^[0-9.]+$/.test(options.sni))) {
    reportError(where, 'MESH1060', `sni '${options.sni}' is not a host name: give the name the server's certificate is for (e.g. 'api.example.com'), without wildcard, port or IP address`);
  }
  const names = options.subjectAltNames;
  if (names !== undefined) {
    if (!Array.isArray(names) || names.length === 0) {
      reportError(where, 'MESH1061', 'subjectAltNames is empty: list the names the server certificate may carry, or leave it out');
    }
    for (const [i, name] of (Array.isArray(names) ? names : []).entries()) {
      if (typeof name !== 'string' || name.trim() === '') {
        reportError(where, 'MESH1061', `subjectAltNames[${i}] is ${typeof name === 'string' ? 'empty' : 'not a string'}: give a name the server certificate carries (e.g. 'api.example.com' or a spiffe:// identity)`);
      }
    }
  }
  return { sni: options.sni, subjectAltNames: names ? [...names] : undefined };
}

function checkSkip(where: string, value: boolean | undefined): boolean {
  return value !== undefined && checkType(where, 'insecureSkipVerify', value, 'boolean', 'true') && value;
}

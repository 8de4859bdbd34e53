import { IConstruct } from 'constructs';
import * as istio from '../imports/istio-networking';
import { checkEnum, checkStringList, listedTwice, quoted } from '../private/enums';
import { reportError, reportWarning } from '../private/errors';
import { validateDnsSubdomain } from '../private/names';

/**
 * A TLS protocol version, as Istio's gateway servers name them.
 */
export enum TlsVersion {
  /** Envoy's default (TLS 1.2 at least, TLS 1.3 at most). */
  TLS_AUTO = 'TLS_AUTO',
  /** TLS 1.0 (needs cipherSuites that TLS 1.0 clients offer). */
  TLSV1_0 = 'TLSV1_0',
  /** TLS 1.1 (needs cipherSuites that TLS 1.1 clients offer). */
  TLSV1_1 = 'TLSV1_1',
  /** TLS 1.2. */
  TLSV1_2 = 'TLSV1_2',
  /** TLS 1.3. */
  TLSV1_3 = 'TLSV1_3',
}

/**
 * How an HTTPS listener treats client certificates.
 */
export enum ListenerTlsMode {
  /** The gateway presents its certificate; clients present none. */
  SIMPLE = 'SIMPLE',
  /** Clients must present a certificate the CA signed (mutual TLS). */
  MUTUAL = 'MUTUAL',
  /** A client certificate is asked for and verified when presented, but clients without one are let in too. */
  OPTIONAL_MUTUAL = 'OPTIONAL_MUTUAL',
}

/**
 * TLS settings of an HTTPS listener: protocol versions and cipher suites.
 */
export interface ListenerTlsOptions {
  /**
   * The lowest TLS version the listener accepts.
   *
   * @default TlsVersion.TLS_AUTO (TLS 1.2)
   */
  readonly minVersion?: TlsVersion;

  /**
   * The highest TLS version the listener accepts.
   *
   * @default TlsVersion.TLS_AUTO (TLS 1.3)
   */
  readonly maxVersion?: TlsVersion;

  /**
   * The cipher suites of TLS 1.2 and below the listener accepts, in Envoy's (BoringSSL's) names, e.g.
   * `ECDHE-ECDSA-AES256-GCM-SHA384`. TLS 1.3's cipher suites are not configurable.
   *
   * @default - Envoy's defaults
   */
  readonly cipherSuites?: string[];
}

/**
 * TLS settings of a listener that verifies client certificates.
 */
export interface MutualListenerTlsOptions extends ListenerTlsOptions {
  /**
   * The Secret or ConfigMap (in the gateway's namespace) with the CA certificates (`ca.crt`) that client
   * certificates must chain to. With the Gateway API it is referred to as a ConfigMap.
   *
   * @default - the `ca.crt` of the credentialName Secret, else the Secret `<credentialName>-cacert`
   */
  readonly caCredentialName?: string;

  /**
   * Names of which a client certificate must carry one as a subject alternative name.
   *
   * @default - any name
   */
  readonly subjectAltNames?: string[];

  /**
   * Base64-encoded SHA-256 hashes of the public keys (SPKI) of the client certificates let in.
   *
   * @default - any key
   */
  readonly verifyCertificateSpki?: string[];

  /**
   * Hex-encoded SHA-256 hashes of the client certificates let in (`AB:CD:...` or `abcd...`).
   *
   * @default - any certificate
   */
  readonly verifyCertificateHash?: string[];
}

/**
 * The cipher suites Envoy (BoringSSL) accepts on a gateway server, as istiod checks them
 * (`security.ValidCipherSuites`): any other is dropped by istiod with a warning.
 */
const CIPHER_SUITES = [
  'ECDHE-ECDSA-AES128-GCM-SHA256', 'ECDHE-RSA-AES128-GCM-SHA256', 'ECDHE-ECDSA-AES256-GCM-SHA384', 'ECDHE-RSA-AES256-GCM-SHA384',
  'ECDHE-ECDSA-CHACHA20-POLY1305', 'ECDHE-RSA-CHACHA20-POLY1305', 'ECDHE-ECDSA-AES128-SHA', 'ECDHE-RSA-AES128-SHA',
  'ECDHE-ECDSA-AES256-SHA', 'ECDHE-RSA-AES256-SHA', 'AES128-GCM-SHA256', 'AES256-GCM-SHA384', 'AES128-SHA', 'AES256-SHA', 'DES-CBC3-SHA',
];

const VERSION_ORDER = [TlsVersion.TLSV1_0, TlsVersion.TLSV1_1, TlsVersion.TLSV1_2, TlsVersion.TLSV1_3];

/**
 * How an HTTPS listener terminates TLS: the Secret with its certificate and key, whether clients must present a
 * certificate (mutual TLS), and which TLS versions and cipher suites it accepts. The key never enters a manifest:
 * the listener names the Secret, which cert-manager or an operator writes.
 *
 * @see https://istio.io/latest/docs/reference/config/networking/gateway/#ServerTLSSettings
 */
export class ListenerTls {
  /**
   * TLS with the gateway's certificate only (Istio's SIMPLE).
   *
   * @param credentialName the Secret (in the gateway's namespace) with `tls.crt` and `tls.key`
   */
  public static simple(credentialName: string, options: ListenerTlsOptions = {}): ListenerTls {
    return new ListenerTls(ListenerTlsMode.SIMPLE, credentialName, options);
  }

  /**
   * Mutual TLS: clients must present a certificate signed by the CA (Istio's MUTUAL).
   *
   * @param credentialName the Secret (in the gateway's namespace) with `tls.crt`, `tls.key` and, unless caCredentialName is given, `ca.crt`
   */
  public static mutual(credentialName: string, options: MutualListenerTlsOptions = {}): ListenerTls {
    return new ListenerTls(ListenerTlsMode.MUTUAL, credentialName, options);
  }

  /**
   * Optional mutual TLS: a client certificate is verified when presented, and clients without one are let in too
   * (Istio's OPTIONAL_MUTUAL). Access rules can then tell the two apart.
   *
   * @param credentialName the Secret (in the gateway's namespace) with `tls.crt`, `tls.key` and, unless caCredentialName is given, `ca.crt`
   */
  public static optionalMutual(credentialName: string, options: MutualListenerTlsOptions = {}): ListenerTls {
    return new ListenerTls(ListenerTlsMode.OPTIONAL_MUTUAL, credentialName, options);
  }

  /**
   * Whether `x` is a `ListenerTls`.
   */
  public static isListenerTls(x: any): x is ListenerTls {
    return x instanceof ListenerTls;
  }

  /** How client certificates are treated. */
  public readonly mode: ListenerTlsMode;
  /** The Secret with the listener's certificate and key. */
  public readonly credentialName: string;
  /** The lowest TLS version accepted. */
  public readonly minVersion?: TlsVersion;
  /** The highest TLS version accepted. */
  public readonly maxVersion?: TlsVersion;
  /** The cipher suites accepted. */
  public readonly cipherSuites?: string[];
  /** The Secret or ConfigMap with the CA of client certificates. */
  public readonly caCredentialName?: string;
  /** Subject alternative names of which a client certificate must carry one. */
  public readonly subjectAltNames?: string[];
  /** SPKI hashes of the client certificates let in. */
  public readonly verifyCertificateSpki?: string[];
  /** Hashes of the client certificates let in. */
  public readonly verifyCertificateHash?: string[];

  private constructor(mode: ListenerTlsMode, credentialName: string, options: MutualListenerTlsOptions) {
    this.mode = mode;
    this.credentialName = credentialName;
    const o = options ?? {};
    this.minVersion = o.minVersion;
    this.maxVersion = o.maxVersion;
    this.cipherSuites = o.cipherSuites === undefined ? undefined : o.cipherSuites;
    this.caCredentialName = o.caCredentialName;
    this.subjectAltNames = o.subjectAltNames;
    this.verifyCertificateSpki = o.verifyCertificateSpki;
    this.verifyCertificateHash = o.verifyCertificateHash;
  }

  /** Whether clients are asked for a certificate (MUTUAL or OPTIONAL_MUTUAL). */
  public get verifiesClients(): boolean {
    return this.mode !== ListenerTlsMode.SIMPLE;
  }

  /**
   * Checks the settings as istiod (and Envoy) would, reporting each problem on `scope`; false when any was found.
   *
   * @internal
   */
  public _check(scope: IConstruct, port: number): boolean {
    let ok = true;
    const fail = (code: 'MESH1101' | 'MESH1102' | 'MESH1105', message: string) => {
      reportError(scope, code, `listener ${port} ${message}`);
      ok = false;
    };
    if (typeof this.credentialName !== 'string' || this.credentialName === '') {
      reportError(scope, 'MESH1100', `listener ${port} tls has no credentialName: name the Secret with the certificate and key (tls.crt, tls.key), e.g. ListenerTls.simple('shop-cert')`);
      ok = false;
    } else {
      validateDnsSubdomain(scope, 'tls.credentialName', this.credentialName);
    }
    const versionsOk = [['minVersion', this.minVersion], ['maxVersion', this.maxVersion]]
      .every(([prop, v]) => v === undefined || checkEnum(scope, `tls.${prop}`, v, TlsVersion, 'TlsVersion'));
    if (!versionsOk) {
      ok = false;
    } else {
      const min = VERSION_ORDER.indexOf(this.minVersion as TlsVersion);
      const max = VERSION_ORDER.indexOf(this.maxVersion as TlsVersion);
      if (min >= 0 && max >= 0 && min > max) {
        fail('MESH1101', `tls minVersion ${this.minVersion} is above maxVersion ${this.maxVersion}, so no TLS version is left and every handshake fails: lower minVersion or raise maxVersion`);
      }
      if (this.minVersion === TlsVersion.TLSV1_0 || this.minVersion === TlsVersion.TLSV1_1) {
        if (this.cipherSuites === undefined) {
          reportWarning(scope, 'MESH1104', `listener ${port} tls minVersion ${this.minVersion} has no cipherSuites, and Envoy's default cipher suites no longer include any that ${this.minVersion} clients offer, so they still cannot connect: list cipherSuites they offer (e.g. 'ECDHE-RSA-AES128-SHA'), or raise minVersion to TlsVersion.TLSV1_2`);
        }
      }
    }
    if (this.cipherSuites !== undefined) {
      if (!checkStringList(scope, 'tls.cipherSuites', this.cipherSuites)) {
        ok = false;
      } else if (this.cipherSuites.length === 0) {
        fail('MESH1102', 'tls cipherSuites is empty: list the cipher suites to accept, or leave cipherSuites out for Envoy\'s defaults');
      } else {
        const unknown = this.cipherSuites.filter(c => !CIPHER_SUITES.includes(c));
        if (unknown.length > 0) {
          fail('MESH1102', `tls cipherSuites ${unknown.map(quoted).join(', ')} ${unknown.length > 1 ? 'are' : 'is'} not a cipher suite Envoy accepts (istiod would drop ${unknown.length > 1 ? 'them' : 'it'}): use BoringSSL's names of TLS 1.2 suites, e.g. 'ECDHE-ECDSA-AES256-GCM-SHA384' (TLS 1.3's are not configurable)`);
        }
        const twice = listedTwice(this.cipherSuites);
        if (twice.length > 0) {
          fail('MESH1102', `tls cipherSuites lists ${twice.map(quoted).join(', ')} twice: list each cipher suite once`);
        }
        if (this.minVersion === TlsVersion.TLSV1_3) {
          fail('MESH1102', 'tls cipherSuites is set with minVersion TLSV1_3, whose cipher suites are not configurable, so the list would do nothing: drop cipherSuites, or lower minVersion');
        }
      }
    }
    ok = this.checkClientVerification(scope, fail) && ok;
    return ok;
  }

  /**
   * The Istio Gateway server's `tls`.
   *
   * @internal
   */
  public _render(): istio.GatewaySpecServersTls {
    const list = (l?: string[]) => l === undefined ? undefined : [...l];
    return {
      mode: this.mode as unknown as istio.GatewaySpecServersTlsMode,
      credentialName: this.credentialName,
      caCertCredentialName: this.caCredentialName,
      minProtocolVersion: this.minVersion as unknown as istio.GatewaySpecServersTlsMinProtocolVersion,
      maxProtocolVersion: this.maxVersion as unknown as istio.GatewaySpecServersTlsMaxProtocolVersion,
      cipherSuites: list(this.cipherSuites),
      subjectAltNames: list(this.subjectAltNames),
      verifyCertificateSpki: list(this.verifyCertificateSpki),
      verifyCertificateHash: list(this.verifyCertificateHash),
    };
  }

  /**
   * What of these settings Istio 1.30's Gateway API translation cannot express (empty when it can express them all).
   *
   * @internal
   */
  public _gatewayApiGaps(): string[] {
    const gaps: string[] = [];
    if (this.mode === ListenerTlsMode.OPTIONAL_MUTUAL) {
      gaps.push('optional mutual TLS (Istio 1.30 renders the Gateway API\'s AllowInsecureFallback as strict MUTUAL)');
    }
    const given = (['minVersion', 'maxVersion', 'cipherSuites', 'subjectAltNames', 'verifyCertificateSpki', 'verifyCertificateHash'] as const)
      .filter(p => this[p] !== undefined);
    if (given.length > 0) {
      gaps.push(`${given.join(', ')} (Istio 1.30 reads no TLS version, cipher or client certificate options from a Gateway API listener)`);
    }
    return gaps;
  }

  private checkClientVerification(scope: IConstruct, fail: (code: 'MESH1105', message: string) => void): boolean {
    let ok = true;
    const given = (['caCredentialName', 'subjectAltNames', 'verifyCertificateSpki', 'verifyCertificateHash'] as const).filter(p => this[p] !== undefined);
    if (!this.verifiesClients) {
      if (given.length > 0) {
        fail('MESH1105', `tls is SIMPLE but sets ${given.join(', ')}, which only verify client certificates: use ListenerTls.mutual() or ListenerTls.optionalMutual(), or drop ${given.length > 1 ? 'them' : 'it'}`);
        return false;
      }
      return true;
    }
    if (this.caCredentialName !== undefined) {
      validateDnsSubdomain(scope, 'tls.caCredentialName', this.caCredentialName);
    }
    const lists: [string, string[] | undefined, (v: string) => boolean, string][] = [
      ['subjectAltNames', this.subjectAltNames, v => v.length > 0, 'a name such as \'client.example.com\''],
      ['verifyCertificateSpki', this.verifyCertificateSpki, v => /^[A-Za-z0-9+/]{43}=$/.test(v), 'the base64 of a SHA-256 hash (44 characters ending in \'=\')'],
      ['verifyCertificateHash', this.verifyCertificateHash, v => /^[0-9a-fA-F]{64}$/.test(v.replace(/:/g, '')) && (!v.includes(':') || /^([0-9a-fA-F]{2}:){31}[0-9a-fA-F]{2}$/.test(v)), 'a SHA-256 hash in hex (64 digits, optionally in pairs separated by \':\')'],
    ];
    for (const [prop, values, valid, what] of lists) {
      if (values === undefined) {
        continue;
      }
      if (!checkStringList(scope, `tls.${prop}`, values)) {
        ok = false;
        continue;
      }
      if (values.length === 0) {
        fail('MESH1105', `tls ${prop} is empty: list at least one, or leave ${prop} out`);
        ok = false;
      }
      for (const v of values.filter(x => !valid(x))) {
        fail('MESH1105', `tls ${prop} ${quoted(v)} is not ${what}`);
        ok = false;
      }
    }
    return ok;
  }
}

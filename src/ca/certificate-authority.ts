import { ApiObject, Duration } from 'cdk8s';
import { Construct } from 'constructs';
import { goDuration } from '../private/duration';
import { meshError, required } from '../private/errors';
import { checkDuration } from '../private/istio-rules';
import { validateDnsSubdomain } from '../private/names';

/**
 * The kinds of certificate authority, one per factory of `CertificateAuthority`.
 */
export enum CertificateAuthorityKind {
  /** istiod's built-in CA with a root it generates (`CertificateAuthority.selfSigned()`). */
  SELF_SIGNED = 'selfSigned',
  /** istiod signs with an intermediate CA read from a Secret (`CertificateAuthority.pluginCerts()`). */
  PLUGIN_CERTS = 'pluginCerts',
  /** cert-manager signs, through istio-csr (`CertificateAuthority.certManager()`). */
  CERT_MANAGER = 'certManager',
}

/**
 * The kinds of cert-manager issuer.
 *
 * @see https://cert-manager.io/docs/concepts/issuer/
 */
export enum IssuerKind {
  /** An Issuer: signs certificates in its own namespace. */
  ISSUER = 'Issuer',
  /** A ClusterIssuer: signs certificates in any namespace. */
  CLUSTER_ISSUER = 'ClusterIssuer',
}

/**
 * Certificate lifetimes, which every kind of certificate authority takes.
 */
export interface CertificateAuthorityOptions {
  /**
   * The lifetime proxies request for their workload certificates. They renew them before they expire.
   *
   * @default - Istio's: 24 hours
   * @see https://istio.io/latest/docs/reference/commands/pilot-agent/#envvars (SECRET_TTL)
   */
  readonly workloadCertTtl?: Duration;

  /**
   * The longest workload certificate lifetime the CA grants, whatever a proxy requests.
   *
   * @default - Istio's: 90 days
   * @see https://istio.io/latest/docs/reference/commands/pilot-discovery/#envvars (MAX_WORKLOAD_CERT_TTL)
   */
  readonly maxWorkloadCertTtl?: Duration;
}

/**
 * Options of `CertificateAuthority.pluginCerts()`.
 */
export interface PluginCertsOptions extends CertificateAuthorityOptions {
  /**
   * The Secret in the control plane's namespace that holds `ca-cert.pem`, `ca-key.pem`, `root-cert.pem`
   * and `cert-chain.pem`. Create it out of band (for example from your PKI); it is never written into a manifest.
   */
  readonly secretName: string;
}

/**
 * Options of `CertificateAuthority.certManager()`.
 */
export interface CertManagerOptions extends CertificateAuthorityOptions {
  /**
   * The address of istio-csr's gRPC certificate service, which proxies send their signing requests to.
   *
   * @default 'cert-manager-istio-csr.cert-manager.svc:443'
   */
  readonly istioCsrAddress?: string;

  /**
   * The Secret istio-csr writes istiod's serving certificate into (in the control plane's namespace).
   *
   * @default 'istiod-tls'
   */
  readonly istiodCertSecretName?: string;

  /**
   * Render the cert-manager objects of the mesh's intermediate CA: a CA Certificate issued by your
   * issuer, and an Issuer that signs with it, for istio-csr to use. cert-manager generates the key in the
   * cluster.
   *
   * @default - none: the issuer istio-csr uses exists already
   */
  readonly intermediateCa?: CertManagerIntermediateCa;
}

/**
 * The cert-manager objects of an intermediate CA for the mesh.
 */
export interface CertManagerIntermediateCa {
  /** The cert-manager issuer that signs the intermediate (your root or an upper intermediate). */
  readonly issuerName: string;

  /**
   * The kind of that issuer.
   *
   * @default IssuerKind.CLUSTER_ISSUER
   */
  readonly issuerKind?: IssuerKind;

  /**
   * The name of the Certificate, its Secret and the Issuer istio-csr is configured with.
   *
   * @default 'istio-ca'
   */
  readonly name?: string;

  /**
   * How long the intermediate lives; cert-manager renews it before it expires.
   *
   * @default Duration.days(90)
   */
  readonly duration?: Duration;
}

/**
 * What a certificate authority sets on the control plane and its proxies; the result of `bind()`.
 */
export interface CertificateAuthorityConfig {
  /** Where proxies send certificate signing requests; undefined for istiod itself. */
  readonly caAddress?: string;
  /** Environment of istiod. */
  readonly istiodEnv: { [name: string]: string };
  /** Environment of every proxy (proxy metadata). */
  readonly proxyEnv: { [name: string]: string };
  /** The Secret with the CA's own certificate and key that istiod mounts at /etc/cacerts. */
  readonly caSecretName: string;
  /** Whether istiod starts without that Secret (then it signs with a self-signed root it generates). */
  readonly caSecretOptional: boolean;
  /** Whether istiod's serving certificate comes from istio-csr (then its Secret and root ConfigMap are required). */
  readonly externalIstiodCert: boolean;
  /** The Secret with istiod's serving certificate written by istio-csr. */
  readonly istiodCertSecretName: string;
}

/**
 * Where a certificate authority is bound.
 */
export interface CertificateAuthorityBindOptions {
  /** The control plane's namespace. */
  readonly namespace: string;
}

/**
 * Who signs the mesh's workload certificates (the mTLS identities).
 *
 * No private key is ever written into a manifest: a plug-in CA's key is a Secret created out of band,
 * and istiod's self-signed root is generated in the cluster.
 *
 * @see https://istio.io/latest/docs/concepts/security/#pki
 */
export abstract class CertificateAuthority {
  /**
   * istiod's built-in CA with a root it generates on first start and keeps in the `istio-ca-secret`
   * Secret. The default; fine for one cluster, but the root cannot be shared or rotated from outside.
   */
  public static selfSigned(options: CertificateAuthorityOptions = {}): CertificateAuthority {
    return new IstiodCa(CertificateAuthorityKind.SELF_SIGNED, options, 'cacerts', true);
  }

  /**
   * istiod signs with an intermediate CA from your PKI, read from an existing Secret.
   *
   * @see https://istio.io/latest/docs/tasks/security/cert-management/plugin-ca-cert/
   */
  public static pluginCerts(options: PluginCertsOptions): CertificateAuthority {
    const where = 'CertificateAuthority.pluginCerts';
    const secretName = required(where, 'secretName', options?.secretName, "name the Secret holding ca-cert.pem, ca-key.pem, root-cert.pem and cert-chain.pem, e.g. { secretName: 'cacerts' }");
    validateDnsSubdomain(where, 'secretName', secretName);
    return new IstiodCa(CertificateAuthorityKind.PLUGIN_CERTS, options, secretName, false);
  }

  /**
   * cert-manager signs, through istio-csr: istiod's own CA server is off, proxies send their signing
   * requests to istio-csr, and istiod serves with the certificate istio-csr writes. Install cert-manager,
   * an issuer and istio-csr before the mesh.
   *
   * @see https://cert-manager.io/docs/usage/istio-csr/
   */
  public static certManager(options: CertManagerOptions = {}): CertificateAuthority {
    const where = 'CertificateAuthority.certManager';
    const address = options.istioCsrAddress ?? 'cert-manager-istio-csr.cert-manager.svc:443';
    if (!/^[a-z0-9]([-a-z0-9.]*[a-z0-9])?:\d{1,5}$/.test(address)) {
      throw meshError('MESH0240', where, `istioCsrAddress '${address}' is not '<host>:<port>': use the address of istio-csr's service, e.g. 'cert-manager-istio-csr.cert-manager.svc:443'`);
    }
    const secret = validateDnsSubdomain(where, 'istiodCertSecretName', options.istiodCertSecretName ?? 'istiod-tls');
    const ca = options.intermediateCa;
    if (ca) {
      validateDnsSubdomain(where, 'intermediateCa.issuerName', required(where, 'intermediateCa.issuerName', ca.issuerName, "name the issuer that signs the mesh's intermediate, e.g. { issuerName: 'root-ca' }"));
      validateDnsSubdomain(where, 'intermediateCa.name', ca.name ?? 'istio-ca');
      // JavaScript callers can pass any string.
      if (ca.issuerKind !== undefined && !Object.values(IssuerKind).includes(ca.issuerKind)) {
        throw meshError('MESH0242', where, `intermediateCa.issuerKind '${ca.issuerKind}' is not a cert-manager issuer kind: use 'Issuer' or 'ClusterIssuer'`);
      }
      if (ca.duration) {
        checkDuration(where, 'MESH0212', 'intermediateCa.duration', ca.duration);
      }
      if (ca.duration && ca.duration.toHours({ integral: false }) < 1) {
        throw meshError('MESH0241', where, 'intermediateCa.duration is under an hour: cert-manager renews a CA certificate ahead of expiry, give it at least an hour (days, in practice)');
      }
    }
    return new CertManagerCa(options, address, secret);
  }

  /** Which kind of CA this is: the factory that made it. */
  public abstract readonly kind: CertificateAuthorityKind;

  protected constructor(lifetimes: CertificateAuthorityOptions) {
    for (const prop of ['workloadCertTtl', 'maxWorkloadCertTtl'] as const) {
      const d = lifetimes[prop];
      // istiod reads them from its environment with Go's duration parser.
      if (d) {
        checkDuration('CertificateAuthority', 'MESH0212', prop, d);
      }
      if (d && d.toSeconds() < 60) {
        throw meshError('MESH0241', 'CertificateAuthority', `${prop} ${goDuration(d)} is too short: certificates must live at least a minute`);
      }
    }
    const { workloadCertTtl: ttl, maxWorkloadCertTtl: max } = lifetimes;
    if (ttl && max && ttl.toSeconds() > max.toSeconds()) {
      throw meshError('MESH0241', 'CertificateAuthority', `workloadCertTtl ${goDuration(ttl)} is longer than maxWorkloadCertTtl ${goDuration(max)}: the CA would cut it short, lower it or raise the maximum`);
    }
  }

  /**
   * The settings this CA puts on a control plane and its proxies.
   */
  public abstract bind(scope: Construct, options: CertificateAuthorityBindOptions): CertificateAuthorityConfig;

}

/** The lifetime settings, as istiod's and the proxies' environment. */
function lifetimeEnv(lifetimes: CertificateAuthorityOptions): { istiodEnv: { [name: string]: string }; proxyEnv: { [name: string]: string } } {
  const istiodEnv: { [name: string]: string } = {};
  const proxyEnv: { [name: string]: string } = {};
  if (lifetimes.workloadCertTtl) {
    istiodEnv.DEFAULT_WORKLOAD_CERT_TTL = goDuration(lifetimes.workloadCertTtl);
    proxyEnv.SECRET_TTL = goDuration(lifetimes.workloadCertTtl);
  }
  if (lifetimes.maxWorkloadCertTtl) {
    istiodEnv.MAX_WORKLOAD_CERT_TTL = goDuration(lifetimes.maxWorkloadCertTtl);
  }
  return { istiodEnv, proxyEnv };
}

class IstiodCa extends CertificateAuthority {
  public constructor(
    public readonly kind: CertificateAuthorityKind,
    private readonly options: CertificateAuthorityOptions,
    private readonly secretName: string,
    private readonly optional: boolean,
  ) {
    super(options);
  }

  public bind(_scope: Construct, _options: CertificateAuthorityBindOptions): CertificateAuthorityConfig {
    return {
      ...lifetimeEnv(this.options),
      caSecretName: this.secretName,
      caSecretOptional: this.optional,
      externalIstiodCert: false,
      istiodCertSecretName: 'istiod-tls',
    };
  }
}

class CertManagerCa extends CertificateAuthority {
  public readonly kind: CertificateAuthorityKind = CertificateAuthorityKind.CERT_MANAGER;
  private rendered = false;

  private readonly intermediateCa?: CertManagerIntermediateCa;

  public constructor(private readonly options: CertManagerOptions, private readonly address: string, private readonly secretName: string) {
    super(options);
    this.intermediateCa = options.intermediateCa;
  }

  public bind(scope: Construct, options: CertificateAuthorityBindOptions): CertificateAuthorityConfig {
    if (this.intermediateCa && !this.rendered) {
      // Once, whatever number of control planes share this CA.
      this.rendered = true;
      renderIntermediateCa(scope, options.namespace, this.intermediateCa);
    }
    const { istiodEnv, proxyEnv } = lifetimeEnv(this.options);
    return {
      caAddress: this.address,
      istiodEnv: { ...istiodEnv, ENABLE_CA_SERVER: 'false' },
      proxyEnv,
      caSecretName: 'cacerts',
      caSecretOptional: true,
      externalIstiodCert: true,
      istiodCertSecretName: this.secretName,
    };
  }
}

/**
 * The intermediate CA as cert-manager objects, in the control plane's namespace: a CA Certificate signed
 * by the given issuer (its key generated by cert-manager), and an Issuer that signs with it.
 */
function renderIntermediateCa(scope: Construct, namespace: string, ca: CertManagerIntermediateCa): void {
  const name = ca.name ?? 'istio-ca';
  const hours = (ca.duration ?? Duration.days(90)).toHours({ integral: false });
  // cert-manager's kinds have no typed binding in src/imports (only Kubernetes' and Istio's do).
  new ApiObject(scope, 'IntermediateCaCertificate', {
    apiVersion: 'cert-manager.io/v1',
    kind: 'Certificate',
    metadata: { name, namespace },
    spec: {
      isCA: true,
      commonName: name,
      secretName: name,
      duration: `${hours}h`,
      privateKey: { algorithm: 'ECDSA', size: 256 },
      issuerRef: { name: ca.issuerName, kind: ca.issuerKind ?? IssuerKind.CLUSTER_ISSUER, group: 'cert-manager.io' },
    },
  });
  new ApiObject(scope, 'IntermediateCaIssuer', {
    apiVersion: 'cert-manager.io/v1',
    kind: 'Issuer',
    metadata: { name, namespace },
    spec: { ca: { secretName: name } },
  });
}

import { checkAddress } from '../private/addresses';
import { meshError } from '../private/errors';

/**
 * The values a condition accepts, or refuses. At least one of the two.
 */
export interface ConditionValues {
  /**
   * The condition holds when the attribute has one of these values (`*` as a prefix or suffix matches any).
   *
   * @default - any value (then `notValues` is required)
   */
  readonly values?: string[];

  /**
   * The condition holds when the attribute has none of these values.
   *
   * @default - no value refused
   */
  readonly notValues?: string[];
}

/**
 * Ports a condition accepts, or refuses. At least one of the two.
 */
export interface PortConditionValues {
  /**
   * The condition holds for one of these ports.
   *
   * @default - any port (then `notValues` is required)
   */
  readonly values?: number[];

  /**
   * The condition holds for none of these ports.
   *
   * @default - no port refused
   */
  readonly notValues?: number[];
}

/** The token of an HTTP header name (RFC 7230). */
const HEADER_NAME = /^[!#$%&'*+\-.^_`|~A-Za-z0-9]+$/;

/**
 * A `when` condition of an access rule: one of Istio 1.30's "Authorization Policy Conditions", an attribute of the
 * request or connection with the values it must have (or must not). The conditions of a rule must all hold.
 *
 * @see https://istio.io/latest/docs/reference/config/security/conditions/
 */
export class Condition {
  /**
   * A request header (`request.headers[<name>]`). HTTP only.
   */
  public static header(name: string, match: ConditionValues): Condition {
    const where = 'Condition.header';
    if (typeof name !== 'string' || !HEADER_NAME.test(name)) {
      throw meshError('MESH1007', where, `header name '${name}' is not an HTTP header name: use letters, digits and !#$%&'*+-.^_\`|~, e.g. 'x-api-version'`);
    }
    return Condition.strings(where, `request.headers[${name}]`, match, true);
  }

  /**
   * A claim of the request's validated JWT (`request.auth.claims[<name>]`); a nested claim is written with dots
   * (`realm_access.roles`), rendered as Istio's `request.auth.claims[realm_access][roles]`. A name that is a URL
   * (`https://example.com/roles`, as namespaced claims are) is one claim, dots and all; for any other name with
   * dots in it, use `claimPath()`. HTTP only.
   */
  public static claim(name: string, match: ConditionValues): Condition {
    const parts = typeof name !== 'string' ? [''] : /^[a-z][a-z0-9+.-]*:\/\//i.test(name) ? [name] : name.split('.');
    return Condition.claimOf('Condition.claim', String(name), parts, match);
  }

  /**
   * A claim of the request's validated JWT, by the names of its path, each taken as it is (`['realm_access',
   * 'roles']`, or `['app.example.com']` for a claim whose name has dots): `request.auth.claims[<a>][<b>]`. HTTP only.
   */
  public static claimPath(path: string[], match: ConditionValues): Condition {
    const parts = Array.isArray(path) && path.length > 0 ? path.map(p => (typeof p === 'string' ? p : '')) : [''];
    return Condition.claimOf('Condition.claimPath', Array.isArray(path) ? path.join(', ') : String(path), parts, match);
  }

  /** The server name (SNI) of the connection's TLS handshake (`connection.sni`). */
  public static sni(match: ConditionValues): Condition {
    return Condition.strings('Condition.sni', 'connection.sni', match, false);
  }

  /** The port the workload receives the connection on (`destination.port`): a workload (target) port. */
  public static destinationPort(match: PortConditionValues): Condition {
    const where = 'Condition.destinationPort';
    const check = (ports: number[] | undefined) => ports?.map(port => {
      if (!Number.isInteger(port) || port < 1 || port > 65535) {
        throw meshError('MESH1008', where, `'${port}' is not a port: use a whole number from 1 to 65535`);
      }
      return String(port);
    });
    return Condition.strings(where, 'destination.port', { values: check(match?.values), notValues: check(match?.notValues) }, false);
  }

  /** The IP address of the connection's peer (`source.ip`): IP addresses or CIDR blocks. */
  public static sourceIp(match: ConditionValues): Condition {
    return Condition.addresses('Condition.sourceIp', 'source.ip', match);
  }

  /** The original client's IP address (`remote.ip`), from X-Forwarded-For or the proxy protocol: IP addresses or CIDR blocks. */
  public static remoteIp(match: ConditionValues): Condition {
    return Condition.addresses('Condition.remoteIp', 'remote.ip', match);
  }

  /** The workload's own IP address the connection reached (`destination.ip`): IP addresses or CIDR blocks. */
  public static destinationIp(match: ConditionValues): Condition {
    return Condition.addresses('Condition.destinationIp', 'destination.ip', match);
  }

  /** The request's JWT principal, `<iss>/<sub>` (`request.auth.principal`). HTTP only. */
  public static requestPrincipal(match: ConditionValues): Condition {
    return Condition.strings('Condition.requestPrincipal', 'request.auth.principal', match, true);
  }

  /** The audiences of the request's JWT (`request.auth.audiences`). HTTP only. */
  public static audience(match: ConditionValues): Condition {
    return Condition.strings('Condition.audience', 'request.auth.audiences', match, true);
  }

  /** The authorized presenter of the request's JWT, its `azp` claim (`request.auth.presenter`). HTTP only. */
  public static presenter(match: ConditionValues): Condition {
    return Condition.strings('Condition.presenter', 'request.auth.presenter', match, true);
  }

  /** The namespace of the caller's mTLS identity (`source.namespace`). */
  public static sourceNamespace(match: ConditionValues): Condition {
    return Condition.strings('Condition.sourceNamespace', 'source.namespace', match, false);
  }

  /** The caller's mTLS identity, `<trust domain>/ns/<namespace>/sa/<service account>` (`source.principal`). */
  public static sourcePrincipal(match: ConditionValues): Condition {
    return Condition.strings('Condition.sourcePrincipal', 'source.principal', match, false);
  }

  /**
   * Whether `x` is a `Condition`.
   */
  public static isCondition(x: unknown): x is Condition {
    return x instanceof Condition;
  }

  private static addresses(where: string, key: string, match: ConditionValues): Condition {
    const condition = Condition.strings(where, key, match, false);
    [...condition.values ?? [], ...condition.notValues ?? []].forEach(v => checkAddress(where, v));
    return condition;
  }

  private static claimOf(where: string, name: string, parts: string[], match: ConditionValues): Condition {
    if (parts.some(p => p === '' || /[[\]]/.test(p))) {
      throw meshError('MESH1007', where, `claim name '${name}' is not a claim: name it without brackets, with dots between the names of a nested claim, e.g. 'realm_access.roles'`);
    }
    return Condition.strings(where, `request.auth.claims${parts.map(p => `[${p}]`).join('')}`, match, true);
  }

  private static strings(where: string, key: string, match: ConditionValues, httpOnly: boolean): Condition {
    const values = match?.values;
    const notValues = match?.notValues;
    if (!values?.length && !notValues?.length) {
      throw meshError('MESH1006', where, `condition '${key}' has no values: give values, notValues or both`);
    }
    for (const v of [...values ?? [], ...notValues ?? []]) {
      if (typeof v !== 'string' || v === '') {
        throw meshError('MESH1006', where, `condition '${key}' has an empty value: give each value as a non-empty string`);
      }
    }
    return new Condition(key, values?.length ? [...values] : undefined, notValues?.length ? [...notValues] : undefined, httpOnly);
  }

  /** The attribute, in Istio's notation (`request.headers[x-user]`). */
  public readonly key: string;
  /** The values the attribute must have (one of them). */
  public readonly values?: string[];
  /** The values the attribute must not have. */
  public readonly notValues?: string[];
  /** Whether only HTTP requests have the attribute (headers, JWT). */
  public readonly httpOnly: boolean;

  private constructor(key: string, values: string[] | undefined, notValues: string[] | undefined, httpOnly: boolean) {
    this.key = key;
    this.values = values;
    this.notValues = notValues;
    this.httpOnly = httpOnly;
  }

  /** @internal */
  public _toIstio(): { key: string; values?: string[]; notValues?: string[] } {
    return { key: this.key, values: this.values ? [...this.values] : undefined, notValues: this.notValues ? [...this.notValues] : undefined };
  }
}

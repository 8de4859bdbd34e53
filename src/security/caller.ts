import { Condition } from './condition';
import type { IMeshIdentity } from '../mesh-identity';
import { checkAddress } from '../private/addresses';
import { meshError } from '../private/errors';
import type { SourceFields } from '../private/source-fields';
import { isMeshIdentityKind } from '../private/tree';

type Field = 'principals' | 'namespaces' | 'ipBlocks' | 'remoteIpBlocks' | 'requestPrincipals';
const FIELDS: Field[] = ['principals', 'namespaces', 'ipBlocks', 'remoteIpBlocks', 'requestPrincipals'];
const NOT: Record<Field, keyof SourceFields> = {
  principals: 'notPrincipals', namespaces: 'notNamespaces', ipBlocks: 'notIpBlocks', remoteIpBlocks: 'notRemoteIpBlocks', requestPrincipals: 'notRequestPrincipals',
};

/**
 * An end user identified by a validated JWT (see `Caller.jwt()`).
 */
export interface JwtCallerOptions {
  /** The token's issuer (`iss`). */
  readonly issuer: string;

  /**
   * The token's subject (`sub`).
   *
   * @default - any subject of the issuer
   */
  readonly subject?: string;

  /**
   * Claims the token must carry, each with the values it may have (one of them); a nested claim is written with
   * dots (`realm_access.roles`), while a name that is a URL (`https://example.com/roles`) is one claim. Rendered as
   * `when` conditions on `request.auth.claims[...]` (for other names with dots, use `Condition.claimPath()`).
   *
   * @default - no claim required
   */
  readonly claims?: { [claim: string]: string[] };
}

/**
 * Who a rule of an `AccessPolicy` is about: a service of the mesh, anyone, any mTLS identity, the workloads of a
 * namespace, SPIFFE principals, IP blocks, or end users by JWT. Renders one `source` of an AuthorizationPolicy rule;
 * `and()` requires several at once (fields of one source), `except()` leaves some out (its `not...` fields).
 *
 * @see https://istio.io/latest/docs/reference/config/security/authorization-policy/#Source
 */
export class Caller {
  /**
   * A service or gateway of the mesh, by its mTLS identity (SPIFFE principal): what `{ from: frontend }` means.
   */
  public static service(identity: IMeshIdentity): Caller {
    if (!isMeshIdentityKind(identity)) {
      throw meshError('MESH0009', 'Caller.service', 'caller is not a service or gateway of a mesh: name a MeshService, one imported with MeshService.fromName(), or a gateway');
    }
    return new Caller(identity.serviceName, { principals: [identity.principal] }, [identity], []);
  }

  /** Anyone: plaintext and unauthenticated callers too (a rule without `from`). */
  public static anyone(): Caller {
    return new Caller('anyone', {}, [], []);
  }

  /** Any caller with an mTLS identity (`principals: ["*"]`). */
  public static authenticated(): Caller {
    return new Caller('any authenticated workload', { principals: ['*'] }, [], []);
  }

  /** The workloads of these namespaces, by their mTLS identity (`namespaces`; `*` as a prefix or suffix matches any). */
  public static namespace(...names: string[]): Caller {
    const list = Caller.values('Caller.namespace', 'namespace', names);
    return new Caller(`namespace ${list.join(', ')}`, { namespaces: list }, [], []);
  }

  /**
   * Workloads by SPIFFE principal, `<trust domain>/ns/<namespace>/sa/<service account>` (without `spiffe://`), for
   * workloads the mesh does not model (`principals`).
   */
  public static principal(...principals: string[]): Caller {
    const list = Caller.values('Caller.principal', 'principal', principals).map(p => p.replace(/^spiffe:\/\//, ''));
    return new Caller(`principal ${list.join(', ')}`, { principals: list }, [], []);
  }

  /** Connections whose peer address is in these IP blocks (`ipBlocks`). */
  public static ipBlock(...cidrs: string[]): Caller {
    const list = Caller.values('Caller.ipBlock', 'IP block', cidrs);
    list.forEach(c => checkAddress('Caller.ipBlock', c));
    return new Caller(`IP block ${list.join(', ')}`, { ipBlocks: list }, [], []);
  }

  /**
   * Original clients in these IP blocks (`remoteIpBlocks`): the address behind a gateway, from X-Forwarded-For
   * (with the gateway's `numTrustedProxies`) or the proxy protocol; the peer's address where there is neither.
   */
  public static remoteIpBlock(...cidrs: string[]): Caller {
    const list = Caller.values('Caller.remoteIpBlock', 'remote IP block', cidrs);
    list.forEach(c => checkAddress('Caller.remoteIpBlock', c));
    return new Caller(`remote IP block ${list.join(', ')}`, { remoteIpBlocks: list }, [], []);
  }

  /**
   * An end user by a validated JWT (`requestPrincipals: ["<iss>/<sub>"]`, or `"<iss>/*"` for any subject), with the
   * claims it must carry. Needs a `RequestAuthentication` for the issuer where the policy applies. HTTP only.
   */
  public static jwt(options: JwtCallerOptions): Caller {
    const where = 'Caller.jwt';
    const issuer = options?.issuer;
    if (typeof issuer !== 'string' || issuer === '') {
      throw meshError('MESH1000', where, 'issuer is missing: give the issuer (iss) of the tokens, e.g. https://accounts.example.com');
    }
    if (options.subject !== undefined && (typeof options.subject !== 'string' || options.subject === '')) {
      throw meshError('MESH1000', where, 'subject is empty: give the subject (sub) of the token, or leave it out for any subject');
    }
    const claims = Object.entries(options.claims ?? {}).map(([name, values]) => {
      if (!Array.isArray(values) || values.length === 0) {
        throw meshError('MESH1006', where, `claim '${name}' has no values: give the values it may have`);
      }
      return Condition.claim(name, { values });
    });
    const principal = `${issuer}/${options.subject ?? '*'}`;
    return new Caller(`JWT ${principal}`, { requestPrincipals: [principal] }, [], claims);
  }

  /** Any end user with a valid JWT (`requestPrincipals: ["*"]`). HTTP only. */
  public static authenticatedUser(): Caller {
    return new Caller('any authenticated user', { requestPrincipals: ['*'] }, [], []);
  }

  /**
   * The caller of a rule's `from`: a `Caller`, or a service or gateway of the mesh (`Caller.service()`).
   *
   * @internal
   */
  public static _of(from: Caller | IMeshIdentity): Caller {
    return Caller.isCaller(from) ? from : Caller.service(from);
  }

  /**
   * Whether `x` is a `Caller`.
   */
  public static isCaller(x: unknown): x is Caller {
    return x instanceof Caller;
  }

  private static values(where: string, what: string, values: string[]): string[] {
    if (values.length === 0) {
      throw meshError('MESH1000', where, `no ${what} given: give at least one`);
    }
    for (const v of values) {
      if (typeof v !== 'string' || v.trim() === '') {
        throw meshError('MESH1000', where, `${what} '${v}' is empty: give each ${what} as a non-empty string`);
      }
    }
    return [...values];
  }

  /** How messages and the diagram name the caller: a service's name, or what the caller is (`namespace shop`). */
  public readonly name: string;
  /** @internal */
  public readonly _fields: SourceFields;
  /** The services and gateways of the mesh the caller names by their identity. @internal */
  public readonly _identities: IMeshIdentity[];
  /** The `when` conditions a JWT caller's claims add. @internal */
  public readonly _conditions: Condition[];

  private constructor(name: string, fields: SourceFields, identities: IMeshIdentity[], conditions: Condition[]) {
    this.name = name;
    this._fields = fields;
    this._identities = identities;
    this._conditions = conditions;
  }

  /**
   * This caller and `other` at once: the fields of one source, which must all match. Istio cannot AND two lists
   * of the same field (each list matches any of its values), nor two services.
   */
  public and(other: Caller): Caller {
    const where = 'Caller.and';
    const fields: SourceFields = { ...this._fields };
    for (const [key, values] of Object.entries(other._fields) as [keyof SourceFields, string[]][]) {
      if (fields[key] && !NOT_KEYS.has(key)) {
        throw meshError('MESH1002', where, `'${this.name}' and '${other.name}' both set ${key}, and a source matches any of a list's values: Istio cannot require both; write one caller per rule, or add a condition with when`);
      }
      fields[key] = [...fields[key] ?? [], ...values];
    }
    // Claims come with a JWT caller, of which a source has one (requestPrincipals are refused twice above).
    const claims = [...this._conditions, ...other._conditions];
    const name = this._isAnyone() ? other.name : other._isAnyone() ? this.name : `${this.name} and ${other.name}`;
    return new Caller(name, fields, [...this._identities, ...other._identities], claims);
  }

  /**
   * This caller, but not `other`: `other`'s field as the `not...` field (`notPrincipals`, `notNamespaces`,
   * `notIpBlocks`, `notRemoteIpBlocks`, `notRequestPrincipals`). `other` must set one field and no claims, since
   * a source cannot say "not (A and B)".
   */
  public except(other: Caller): Caller {
    const where = 'Caller.except';
    const keys = Object.keys(other._fields) as (keyof SourceFields)[];
    if (keys.length !== 1 || !FIELDS.includes(keys[0] as Field) || other._conditions.length > 0) {
      const what = keys.length === 0 ? 'anyone' : keys.some(k => NOT_KEYS.has(k)) ? 'an exception' : other._conditions.length > 0 ? 'claims' : 'several fields';
      throw meshError('MESH1003', where, `cannot leave out '${other.name}', which is ${what}: Istio's not-fields negate one field of a source: except one kind of caller (a service, principals, namespaces, IP blocks or a JWT without claims)`);
    }
    const field = keys[0] as Field;
    const notKey = NOT[field];
    const fields: SourceFields = { ...this._fields, [notKey]: [...this._fields[notKey] ?? [], ...other._fields[field]!] };
    return new Caller(`${this.name} except ${other.name}`, fields, this._identities, this._conditions);
  }

  /** Whether the caller is anyone at all (no field, no claim). @internal */
  public _isAnyone(): boolean {
    return Object.keys(this._fields).length === 0 && this._conditions.length === 0;
  }

  /** Whether only HTTP requests carry what the caller needs (a JWT). @internal */
  public get _httpOnly(): boolean {
    return this._fields.requestPrincipals !== undefined || this._fields.notRequestPrincipals !== undefined || this._conditions.length > 0;
  }

  /** The rendered source, none for anyone. @internal */
  public _source(): SourceFields | undefined {
    const entries = Object.entries(this._fields).filter(([, v]) => v && v.length > 0);
    return entries.length > 0 ? Object.fromEntries(entries.map(([k, v]) => [k, [...v!]])) : undefined;
  }
}

const NOT_KEYS = new Set<keyof SourceFields>(Object.values(NOT));

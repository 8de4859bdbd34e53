import { k8s } from 'cdk8s-plus-27';
import { IConstruct } from 'constructs';
import { checkArray, checkStringMap, quoted } from '../private/enums';
import { reportError } from '../private/errors';
import { isCidr, validateLabels } from '../private/kubernetes-rules';
import { validateDnsLabel } from '../private/names';

/**
 * Who may open connections to something the mesh renders NetworkPolicies for (an add-on, a gateway): pods
 * chosen by namespace and labels, or addresses outside the cluster. It renders to a Kubernetes
 * NetworkPolicy peer.
 *
 * @see https://kubernetes.io/docs/concepts/services-networking/network-policies/
 */
export class NetworkPeer {
  /**
   * Every pod of a namespace.
   */
  public static namespace(name: string): NetworkPeer {
    return new NetworkPeer('namespace', name, undefined, undefined, undefined);
  }

  /**
   * The pods of a namespace that carry every one of `labels`.
   */
  public static pods(namespace: string, labels: { [key: string]: string }): NetworkPeer {
    return new NetworkPeer('pods', namespace, labels, undefined, undefined);
  }

  /**
   * Addresses in a CIDR block (e.g. a load balancer's, a VPN's or an office's), except the blocks in `except`.
   * Pod addresses are not stable: name pods with `namespace()` or `pods()` instead.
   */
  public static cidr(cidr: string, except?: string[]): NetworkPeer {
    return new NetworkPeer('cidr', undefined, undefined, cidr, except);
  }

  /**
   * Anyone: every pod of the cluster and every address outside it.
   */
  public static anywhere(): NetworkPeer {
    return new NetworkPeer('anywhere', undefined, undefined, undefined, undefined);
  }

  private constructor(
    private readonly kind: 'namespace' | 'pods' | 'cidr' | 'anywhere',
    private readonly namespaceName: string | undefined,
    private readonly labels: { [key: string]: string } | undefined,
    private readonly block: string | undefined,
    private readonly except: string[] | undefined) {}

  /**
   * What the peer is, in words (for messages and docs).
   */
  public toString(): string {
    switch (this.kind) {
      case 'namespace': return `namespace '${this.namespaceName}'`;
      case 'pods': return `pods ${Object.entries(this.labels ?? {}).map(([k, v]) => `${k}=${v}`).join(',')} of namespace '${this.namespaceName}'`;
      case 'cidr': return `addresses ${this.block}${this.except?.length ? ` except ${this.except.join(', ')}` : ''}`;
      default: return 'anywhere';
    }
  }

  /**
   * Checks the peer as `scope`'s `prop` (each problem reported on `scope`); false when it cannot be rendered.
   *
   * @internal
   */
  public _check(scope: IConstruct, prop: string): boolean {
    if (this.kind === 'namespace' || this.kind === 'pods') {
      const ok = validateDnsLabel(scope, `${prop} namespace`, this.namespaceName as string) === this.namespaceName && this.namespaceName !== '';
      if (this.kind === 'namespace') {
        return ok;
      }
      const labels: unknown = this.labels === undefined ? {} : this.labels;
      if (!checkStringMap(scope, `${prop} labels`, labels)) {
        return false;
      }
      if (Object.keys(labels as object).length === 0) {
        reportError(scope, 'MESH0229', `${prop} pods of namespace ${quoted(this.namespaceName)} are given no labels, which would select every pod of the namespace: give the labels that select the pods, e.g. { app: 'web' }, or use NetworkPeer.namespace(${quoted(this.namespaceName)}) to admit them all`);
        return false;
      }
      validateLabels(scope, `${prop} labels`, this.labels);
      return ok;
    }
    if (this.kind === 'cidr') {
      const blocks = [this.block, ...checkArray(scope, `${prop} except`, this.except) ? this.except ?? [] : []];
      const bad = blocks.filter(b => typeof b !== 'string' || !isCidr(b));
      for (const b of bad) {
        reportError(scope, 'MESH0220', `${prop} address block ${quoted(b)} is not a CIDR block: write an address and a prefix length, e.g. '10.0.0.0/16' or '2001:db8::/32'`);
      }
      if (bad.length > 0) {
        return false;
      }
      return (this.except ?? []).map(e => checkExcept(scope, prop, this.block as string, e)).every(inside => inside);
    }
    return true;
  }

  /**
   * The NetworkPolicy peers (one, or none for `anywhere()`: an empty peer list admits everyone).
   *
   * @internal
   */
  public _render(): k8s.NetworkPolicyPeer[] {
    switch (this.kind) {
      case 'namespace':
        return [{ namespaceSelector: namespaceSelector(this.namespaceName as string) }];
      case 'pods':
        return [{ namespaceSelector: namespaceSelector(this.namespaceName as string), podSelector: { matchLabels: { ...this.labels } } }];
      case 'cidr':
        return [{ ipBlock: { cidr: this.block as string, except: this.except?.length ? [...this.except] : undefined } }];
      default:
        return [];
    }
  }

  /**
   * Whether the peer is everyone (a rule with it admits every source).
   *
   * @internal
   */
  public get _anywhere(): boolean {
    return this.kind === 'anywhere';
  }
}

/**
 * Selects one namespace by the label the API server sets on every namespace to its name.
 *
 * @internal
 */
export function namespaceSelector(namespace: string): k8s.LabelSelector {
  return { matchLabels: { 'kubernetes.io/metadata.name': namespace } };
}

/** A CIDR block: its address as a string of bits (32 for IPv4, 128 for IPv6) and its prefix length. */
interface Block {
  readonly bits: string;
  readonly prefix: number;
}

/** Parses a block `isCidr` accepts (IPv4 dotted, IPv6 hex groups). */
function parseBlock(cidr: string): Block {
  const [address, prefixText] = cidr.split('/');
  const binary = (n: number, width: number) => n.toString(2).padStart(width, '0');
  if (!address.includes(':')) {
    return { bits: address.split('.').map(octet => binary(Number(octet), 8)).join(''), prefix: Number(prefixText) };
  }
  const [head, tail] = address.split('::');
  const headGroups = head ? head.split(':') : [];
  const tailGroups = tail ? tail.split(':') : [];
  const groups = tail === undefined ? headGroups : [...headGroups, ...Array(8 - headGroups.length - tailGroups.length).fill('0'), ...tailGroups];
  return { bits: groups.map(group => binary(parseInt(group, 16), 16)).join(''), prefix: Number(prefixText) };
}

/**
 * Whether `except` is strictly inside `cidr`, as the API server's ValidateIPBlock requires (same address
 * family, longer prefix, network inside the block); if not, reports MESH0230.
 */
function checkExcept(scope: IConstruct, prop: string, cidr: string, except: string): boolean {
  const outer = parseBlock(cidr);
  const inner = parseBlock(except);
  const family = (b: Block) => (b.bits.length === 32 ? 'IPv4' : 'IPv6');
  let why: string | undefined;
  if (outer.bits.length !== inner.bits.length) {
    why = `an ${family(inner)} block, and ${quoted(cidr)} is ${family(outer)}`;
  } else if (inner.prefix <= outer.prefix) {
    why = inner.prefix === outer.prefix ? 'as large as the block itself' : 'larger than the block';
  } else if (inner.bits.slice(0, outer.prefix) !== outer.bits.slice(0, outer.prefix)) {
    why = 'outside the block';
  }
  if (why === undefined) {
    return true;
  }
  reportError(scope, 'MESH0230', `${prop} except block ${quoted(except)} is ${why}: the API server takes only except blocks strictly inside ${quoted(cidr)} (same address family, longer prefix), give such a block or drop it`);
  return false;
}

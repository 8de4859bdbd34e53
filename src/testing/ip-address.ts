/* eslint-disable no-bitwise -- addresses are numbers, and a CIDR match is a shift of them */
/**
 * IPv4 and IPv6 addresses and CIDR ranges, as AuthorizationPolicies match them (`ipBlocks`, `remoteIpBlocks`,
 * `source.ip`, `remote.ip`, `destination.ip`): a value is an address (a range of one) or `address/prefix`.
 */

/** An address as a number, with its family's width in bits. */
interface ParsedAddress {
  readonly bits: 32 | 128;
  readonly value: bigint;
}

/**
 * The address, or undefined when `text` is not an IPv4 or IPv6 address (an IPv4-mapped IPv6 address
 * `::ffff:a.b.c.d` is the IPv4 address, as Envoy compares them).
 *
 * @internal
 */
export function parseAddress(text: string): ParsedAddress | undefined {
  const v4 = parseIpv4(text);
  if (v4 !== undefined) {
    return { bits: 32, value: v4 };
  }
  const v6 = parseIpv6(text);
  if (v6 === undefined) {
    return undefined;
  }
  if (v6 >> 32n === 0xffffn) {
    return { bits: 32, value: v6 & 0xffffffffn };
  }
  return { bits: 128, value: v6 };
}

/**
 * Whether `text` is an address or a CIDR range whose prefix length fits its family.
 *
 * @internal
 */
export function isAddressOrRange(text: string): boolean {
  return parseRange(text) !== undefined;
}

/**
 * Whether the address `ip` lies in `range` (an address or a CIDR range); false for addresses of the other family.
 *
 * @internal
 */
export function inRange(range: string, ip: string): boolean {
  const parsedRange = parseRange(range);
  const address = parseAddress(ip);
  if (!parsedRange || !address || parsedRange.bits !== address.bits) {
    return false;
  }
  const shift = BigInt(parsedRange.bits - parsedRange.prefix);
  return address.value >> shift === parsedRange.value >> shift;
}

function parseRange(text: string): (ParsedAddress & { prefix: number }) | undefined {
  const [addressText, prefixText, ...rest] = text.split('/');
  const address = parseAddress(addressText);
  if (!address || rest.length > 0 || (prefixText !== undefined && !/^[0-9]{1,3}$/.test(prefixText))) {
    return undefined;
  }
  const mapped = address.bits === 32 && addressText.includes(':');
  let prefix = prefixText === undefined ? address.bits : Number(prefixText);
  if (mapped) {
    // ::ffff:10.0.0.0/104 is 10.0.0.0/8.
    prefix = prefixText === undefined ? 32 : prefix - 96;
  }
  return prefix >= 0 && prefix <= address.bits ? { ...address, prefix } : undefined;
}

function parseIpv4(text: string): bigint | undefined {
  const parts = text.split('.');
  if (parts.length !== 4 || parts.some(p => !/^(0|[1-9][0-9]{0,2})$/.test(p) || Number(p) > 255)) {
    return undefined;
  }
  return parts.reduce((acc, p) => (acc << 8n) + BigInt(p), 0n);
}

function parseIpv6(text: string): bigint | undefined {
  if (!/^[0-9a-fA-F:.]+$/.test(text) || text.split('::').length > 2) {
    return undefined;
  }
  let body = text;
  const lastColon = text.lastIndexOf(':');
  if (text.slice(lastColon + 1).includes('.')) {
    // An embedded IPv4 address ends it: it is the last two groups.
    const v4 = parseIpv4(text.slice(lastColon + 1));
    if (v4 === undefined) {
      return undefined;
    }
    body = `${text.slice(0, lastColon + 1)}${(v4 >> 16n).toString(16)}:${(v4 & 0xffffn).toString(16)}`;
  }
  let groups: string[];
  if (body.includes('::')) {
    const [head, rest] = body.split('::');
    const h = head === '' ? [] : head.split(':');
    const r = rest === '' ? [] : rest.split(':');
    if (h.length + r.length >= 8) {
      return undefined;
    }
    groups = [...h, ...Array(8 - h.length - r.length).fill('0'), ...r];
  } else {
    groups = body.split(':');
  }
  if (groups.length !== 8 || groups.some(g => !/^[0-9a-fA-F]{1,4}$/.test(g))) {
    return undefined;
  }
  return groups.reduce((acc, g) => (acc << 16n) + BigInt(`0x${g}`), 0n);
}

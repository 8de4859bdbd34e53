/**
 * Go's IP address parsing (net/netip.ParseAddr; net.ParseIP reads the same text but refuses a zone), which
 * Kubernetes uses for CEL's `isIP()` (k8s.io/apiserver/pkg/cel/library/ip.go) and for the OpenAPI formats
 * `ipv4` and `ipv6` (k8s.io/kube-openapi strfmt, through govalidator.IsIPv4/IsIPv6): dotted-decimal IPv4 with
 * no leading zeros, or IPv6 of up to eight groups of at most four hex digits, one `::` at most, optionally
 * ending in a dotted IPv4, and optionally followed by `%zone`.
 */

/** A parsed address: 4 bytes for IPv4, 16 for IPv6. */
export interface GoIp {
  readonly bytes: number[];
  readonly zone: string;
}

const IPV4 = /^(0|[1-9][0-9]{0,2})\.(0|[1-9][0-9]{0,2})\.(0|[1-9][0-9]{0,2})\.(0|[1-9][0-9]{0,2})$/;

function parseIpv4(s: string): number[] | undefined {
  const m = IPV4.exec(s);
  const bytes = m?.slice(1).map(Number);
  return bytes?.every(b => b <= 255) ? bytes : undefined;
}

function parseIpv6(input: string): GoIp | undefined {
  let s = input;
  let zone = '';
  const percent = s.indexOf('%');
  if (percent >= 0) {
    zone = s.slice(percent + 1);
    s = s.slice(0, percent);
    if (zone === '') {
      return undefined;
    }
  }
  const ip = new Array<number>(16).fill(0);
  let ellipsis = -1;
  if (s.startsWith('::')) {
    ellipsis = 0;
    s = s.slice(2);
    if (s === '') {
      return { bytes: ip, zone };
    }
  }
  let i = 0;
  while (i < 16) {
    const group = /^[0-9a-fA-F]*/.exec(s)![0];
    if (group.length === 0 || group.length > 4) {
      return undefined;
    }
    if (s[group.length] === '.') {
      // A trailing IPv4 replaces the last two groups.
      const v4 = (ellipsis >= 0 || i === 12) && i + 4 <= 16 ? parseIpv4(s) : undefined;
      if (!v4) {
        return undefined;
      }
      ip.splice(i, 4, ...v4);
      s = '';
      i += 4;
      break;
    }
    const value = parseInt(group, 16);
    ip[i] = Math.floor(value / 256);
    ip[i + 1] = value % 256;
    i += 2;
    s = s.slice(group.length);
    if (s === '') {
      break;
    }
    if (s[0] !== ':' || s.length === 1) {
      return undefined;
    }
    s = s.slice(1);
    if (s[0] === ':') {
      if (ellipsis >= 0) {
        return undefined;
      }
      ellipsis = i;
      s = s.slice(1);
      if (s === '') {
        break;
      }
    }
  }
  if (s !== '') {
    return undefined;
  }
  if (i < 16) {
    if (ellipsis < 0) {
      return undefined;
    }
    const zeros = new Array<number>(16 - i).fill(0);
    ip.splice(ellipsis, 0, ...zeros);
    ip.length = 16;
  } else if (ellipsis >= 0) {
    return undefined; // the :: must stand for at least one group of zeros
  }
  return { bytes: ip, zone };
}

/** netip.ParseAddr: the address, or undefined when Go refuses it. */
export function parseGoIp(s: string): GoIp | undefined {
  for (const c of s) {
    switch (c) {
      case '.': {
        const bytes = parseIpv4(s);
        return bytes ? { bytes, zone: '' } : undefined;
      }
      case ':':
        return parseIpv6(s);
      case '%':
        return undefined;
    }
  }
  return undefined;
}

/** Whether a 16-byte address is an IPv4-mapped IPv6 address (::ffff:a.b.c.d), netip.Addr.Is4In6. */
function is4In6(ip: GoIp): boolean {
  return ip.bytes.length === 16 && ip.bytes.slice(0, 10).every(b => b === 0) && ip.bytes[10] === 0xff && ip.bytes[11] === 0xff;
}

/** CEL `isIP()` (Kubernetes' IP library): Go parses it, with no zone and not IPv4-mapped. */
export function isCelIp(s: string): boolean {
  const ip = parseGoIp(s);
  return ip !== undefined && ip.zone === '' && !is4In6(ip);
}

/** OpenAPI format `ipv4` (govalidator.IsIPv4): net.ParseIP takes it, and it contains a dot. */
export function isIpv4Format(s: string): boolean {
  return parseGoIp(s)?.zone === '' && s.includes('.');
}

/** OpenAPI format `ipv6` (govalidator.IsIPv6): net.ParseIP takes it, and it contains a colon. */
export function isIpv6Format(s: string): boolean {
  return parseGoIp(s)?.zone === '' && s.includes(':');
}

import { isIP } from 'net';
import { meshError } from './errors';

/**
 * Checks an IP address or CIDR block as istiod does (ValidateIPs: an address, or a prefix whose length fits it).
 *
 * @internal
 */
export function checkAddress(where: string, value: string): void {
  const [address, prefix, ...rest] = typeof value === 'string' ? value.split('/') : [''];
  const family = isIP(address ?? '');
  const bits = family === 4 ? 32 : 128;
  const prefixOk = prefix === undefined || /^\d{1,3}$/.test(prefix) && Number(prefix) <= bits;
  if (family === 0 || !prefixOk || rest.length > 0) {
    throw meshError('MESH1001', where, `'${value}' is not an IP address or CIDR block: use e.g. '10.0.0.1', '10.0.0.0/16' or '2001:db8::/32'`);
  }
}

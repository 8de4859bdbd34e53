import { IConstruct } from 'constructs';
import { checkType } from './enums';
import { reportError, required } from './errors';

/** An HTTP token (RFC 9110): header and cookie names. @internal */
export const HTTP_TOKEN = /^[A-Za-z0-9!#$%&'*+.^_`|~-]+$/;

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

/**
 * A name prop as a string: from JavaScript a name may be a number or an object, which would be written as
 * such (a number) or break the construct ids made of it. A value that is not a string is reported (MESH0091)
 * and its text stands in for it, so that the construct goes on to report its other problems.
 *
 * @internal
 */
export function nameString(scope: IConstruct | string, prop: string, value: unknown, example = 'web'): { readonly ok: boolean; readonly name: string } {
  if (typeof value === 'string') {
    return { ok: true, name: value };
  }
  if (value === undefined || value === null) {
    return { ok: false, name: required(scope, prop, value, `give a name, e.g. '${example}'`, 'missing') };
  }
  checkType(scope, prop, value, 'string', `a name in quotes, e.g. '${example}'`);
  return { ok: false, name: typeof value === 'object' ? 'invalid' : String(value) };
}

/**
 * Checks a name that becomes part of a Kubernetes object name or a namespace (RFC 1123 label).
 *
 * @internal
 */
export function validateDnsLabel(scope: IConstruct | string, prop: string, value: string): string {
  const { ok, name } = nameString(scope, prop, value);
  if (!ok) {
    return name;
  }
  if (value.length > 63 || !DNS_LABEL.test(value)) {
    reportError(scope, 'MESH0001', `${prop} '${value}' is not a valid DNS label: use at most 63 lowercase letters, digits and '-', starting and ending with a letter or digit`);
  }
  return value;
}

/**
 * Checks a DNS subdomain such as a trust domain.
 *
 * @internal
 */
export function validateDnsSubdomain(scope: IConstruct | string, prop: string, value: string): string {
  const { ok, name } = nameString(scope, prop, value);
  if (!ok) {
    return name;
  }
  if (value.length > 253 || !DNS_SUBDOMAIN.test(value)) {
    reportError(scope, 'MESH0001', `${prop} '${value}' is not a valid DNS name: use lowercase letters, digits, '-' and '.'`);
  }
  return value;
}

/**
 * Checks a percentage in [0, 100].
 *
 * @internal
 */
export function validatePercentage(scope: IConstruct | string, prop: string, value: number): number {
  if (!checkType(scope, prop, value, 'number', 'a number from 0 to 100')) {
    return value;
  }
  if (!Number.isFinite(value) || value < 0 || value > 100) {
    reportError(scope, 'MESH0002', `${prop} ${value} is not a percentage: use a number from 0 to 100`);
  }
  return value;
}

/**
 * Checks a TCP/UDP port number.
 *
 * @internal
 */
export function validatePort(scope: IConstruct | string, prop: string, value: number): number {
  // From JavaScript a port may come as a string: said as such, not as a port out of range.
  if (!checkType(scope, prop, value, 'number', 'a whole number from 1 to 65535')) {
    return value;
  }
  if (!Number.isInteger(value) || value < 1 || value > 65535) {
    reportError(scope, 'MESH0003', `${prop} ${value} is out of range: use a whole number from 1 to 65535`);
  }
  return value;
}

/**
 * Checks an image tag: letters, digits, '.', '_' and '-', at most 128, not starting with '.' or '-'.
 *
 * @internal
 */
export function validateImageTag(scope: IConstruct | string, prop: string, value: string): string {
  if (!/^[0-9A-Za-z_][0-9A-Za-z._-]{0,127}$/.test(value)) {
    reportError(scope, 'MESH0005', `${prop} '${value}' is not a valid image tag: use letters, digits, '.', '_' and '-' (at most 128)`);
  }
  return value;
}

/**
 * Every key path of a JSON value (`global.proxy.image`), leaves and empty objects included: used to
 * compare the shape of Helm values with Istio's own.
 */
export function keyPaths(value: any, prefix = ''): string[] {
  if (value === null || typeof value !== 'object' || Array.isArray(value) || Object.keys(value).length === 0) {
    return [prefix];
  }
  return Object.entries(value).flatMap(([k, v]) => keyPaths(v, prefix ? `${prefix}.${k}` : k));
}

/**
 * A copy of `value` without undefined fields, for YAML written into ConfigMaps (cdk8s's YAML writer
 * keeps undefined as null).
 *
 * @internal
 */
export function compact<T>(value: T): T {
  return JSON.parse(JSON.stringify(value));
}

import { Duration } from 'cdk8s';

/**
 * Renders a duration the way Istio's protobuf Duration fields expect it (`10s`, `250ms`).
 *
 * @internal
 */
export function istioDuration(d: Duration): string {
  const ms = d.toMilliseconds();
  return ms % 1000 === 0 ? `${ms / 1000}s` : `${ms}ms`;
}

/**
 * Renders a duration the way Go's time.ParseDuration reads it, in the largest unit that keeps it whole
 * (`30m`, `12h`, `90s`): the form of istiod's and the proxies' flags and environment.
 *
 * @internal
 */
export function goDuration(d: Duration): string {
  const ms = d.toMilliseconds();
  for (const [unit, size] of [['h', 3_600_000], ['m', 60_000], ['s', 1000]] as const) {
    if (ms % size === 0) {
      return `${ms / size}${unit}`;
    }
  }
  return `${ms}ms`;
}

/**
 * Renders a duration the way Prometheus reads it (`15d`, `30s`): whole days, hours, minutes, seconds or
 * milliseconds, the largest unit that keeps it whole.
 *
 * @internal
 */
export function prometheusDuration(d: Duration): string {
  const ms = d.toMilliseconds();
  for (const [unit, size] of [['d', 86_400_000], ['h', 3_600_000], ['m', 60_000], ['s', 1000]] as const) {
    if (ms % size === 0) {
      return `${ms / size}${unit}`;
    }
  }
  return `${ms}ms`;
}

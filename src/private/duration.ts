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

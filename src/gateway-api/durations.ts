/**
 * A duration in the Gateway API's form (`10s`, `1s500ms`, `1h30m`): at most four parts of at most five digits,
 * each in h, m, s or ms (GEP-2257).
 *
 * @see https://gateway-api.sigs.k8s.io/geps/gep-2257/
 * @internal
 */
export function gatewayApiDuration(ms: number): string {
  if (ms === 0) {
    return '0s';
  }
  const parts: string[] = [];
  let rest = Math.round(ms);
  for (const [unit, size] of [['h', 3_600_000], ['m', 60_000], ['s', 1000], ['ms', 1]] as const) {
    const n = Math.floor(rest / size);
    if (n > 0) {
      parts.push(`${n}${unit}`);
      rest -= n * size;
    }
  }
  return parts.join('');
}

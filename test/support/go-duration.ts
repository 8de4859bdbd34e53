/**
 * Go's `time.ParseDuration`, which Kubernetes' CEL `duration()` and istiod (through protobuf durations
 * parsed by `time.ParseDuration` in the gateway of the API) use: a possibly signed sequence of decimal
 * numbers, each with an optional fraction and a unit (ns, us, µs, μs, ms, s, m, h), e.g. "300ms", "1.5h",
 * "2h45m"; "0" alone is allowed. The result must fit an int64 of nanoseconds (2562047h47m16.854775807s).
 */
const UNITS: Record<string, bigint> = {
  ns: 1n,
  us: 1_000n,
  µs: 1_000n, // U+00B5 micro sign
  μs: 1_000n, // U+03BC Greek mu
  ms: 1_000_000n,
  s: 1_000_000_000n,
  m: 60_000_000_000n,
  h: 3_600_000_000_000n,
};
const MAX_INT64 = 9_223_372_036_854_775_807n;

/** The duration in nanoseconds, or an error message (Go's words) when Go cannot parse it. */
export function parseGoDuration(s: string): bigint | string {
  const invalid = `time: invalid duration "${s}"`;
  let rest = s;
  let negative = false;
  if (rest.startsWith('-') || rest.startsWith('+')) {
    negative = rest[0] === '-';
    rest = rest.slice(1);
  }
  if (rest === '0') {
    return 0n;
  }
  if (rest === '') {
    return invalid;
  }
  let total = 0n;
  while (rest !== '') {
    const m = /^([0-9]*)(?:\.([0-9]*))?/.exec(rest)!;
    const [whole, int, frac] = [m[0], m[1], m[2]];
    if (int === '' && (frac === undefined || frac === '')) {
      return invalid; // no digits (e.g. ".s")
    }
    rest = rest.slice(whole.length);
    const unit = /^[^0-9.]+/.exec(rest)?.[0];
    if (unit === undefined) {
      return `time: missing unit in duration "${s}"`;
    }
    const scale = UNITS[unit];
    if (scale === undefined) {
      return `time: unknown unit "${unit}" in duration "${s}"`;
    }
    rest = rest.slice(unit.length);
    let v = BigInt(int === '' ? '0' : int) * scale;
    if (frac) {
      // Go truncates the fraction to nanoseconds.
      v += (BigInt(frac) * scale) / (10n ** BigInt(frac.length));
    }
    total += v;
    if (total > MAX_INT64 + (negative ? 1n : 0n)) {
      return invalid;
    }
  }
  return negative ? -total : total;
}

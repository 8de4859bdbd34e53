import { Duration } from 'cdk8s';
import { IConstruct } from 'constructs';
import { RE2JS } from 're2js';
import { istioDuration } from './duration';
import { quoted } from './enums';
import { reportError } from './errors';
import type { MeshCode } from '../analysis/codes';

// The rules istiod's validating webhook (istio/istio pkg/config/validation), the CRDs' CEL rules and the
// proxies' flag parsers apply to what we write: checked here, so that a mistake is a coded error at synth
// instead of a refused `kubectl apply` or a crash-looping proxy.

/**
 * The longest duration Go's `time.ParseDuration` reads: 2562047h47m16.854775807s. The CRDs' CEL rules
 * (`duration(self) >= duration('1ms')`) and istiod's flags parse durations with it, so a longer one is refused.
 */
const GO_MAX_DURATION_MS = 9_223_372_036_854;

/** istiod refuses longer regular expressions (it approximates Envoy's RE2 program size limit by the length). */
const MAX_REGEX_LENGTH = 1024;

/**
 * A duration's whole milliseconds, or undefined when it is not a whole number of them (cdk8s throws then).
 *
 * @internal
 */
export function wholeMilliseconds(d: Duration): number | undefined {
  try {
    return d.toMilliseconds();
  } catch {
    return undefined;
  }
}

/**
 * Whether `value` is a cdk8s Duration. Told by its methods, not by `instanceof`: a Duration of another copy
 * of cdk8s (an app's own dependency next to the library's) is a Duration all the same.
 *
 * @internal
 */
export function isDuration(value: unknown): value is Duration {
  const d = value as { [method: string]: unknown } | undefined;
  return typeof value === 'object' && value !== null && typeof d!.toMilliseconds === 'function' && typeof d!.toHumanString === 'function';
}

/**
 * Checks that `value` is a cdk8s Duration; if not (a string such as '5s' or a plain object, from JavaScript),
 * reports MESH0173 and says false.
 *
 * @internal
 */
export function checkIsDuration(scope: IConstruct | string, prop: string, value: unknown): value is Duration {
  if (isDuration(value)) {
    return true;
  }
  const got = value === null ? 'null' : Array.isArray(value) ? 'a list' : typeof value === 'object' ? 'a plain object' : `a ${typeof value}`;
  reportError(scope, 'MESH0173', `${prop} ${quoted(value)} is ${got}, not a Duration: make it with cdk8s's Duration, e.g. Duration.seconds(5)`);
  return false;
}

/**
 * Checks a duration Istio or Kubernetes parses: a cdk8s Duration (reported as MESH0173 when it is not), a
 * whole number of milliseconds (istiod takes durations to the millisecond, and cdk8s cannot render a fraction
 * of one), at most Go's longest duration. Returns its milliseconds when it passes.
 *
 * @internal
 */
export function checkDuration(scope: IConstruct | string, code: MeshCode, prop: string, d: Duration): number | undefined {
  if (!checkIsDuration(scope, prop, d)) {
    return undefined;
  }
  const ms = wholeMilliseconds(d);
  if (ms === undefined) {
    reportError(scope, code, `${prop} ${d.toHumanString()} is not a whole number of milliseconds: durations are written to the millisecond, round it`);
    return undefined;
  }
  if (ms > GO_MAX_DURATION_MS) {
    reportError(scope, code, `${prop} ${istioDuration(d)} is longer than a Go duration holds (2562047h, about 292 years), so the cluster cannot read it: use a shorter one`);
    return undefined;
  }
  return ms;
}

/**
 * Checks a regular expression as Envoy and istiod read it: RE2 syntax (no lookaround, no backreferences,
 * repeat counts up to 1000), at most 1024 characters.
 *
 * @internal
 */
export function checkRegex(scope: IConstruct | string, prop: string, pattern: string): boolean {
  if (pattern.length > MAX_REGEX_LENGTH) {
    reportError(scope, 'MESH0040', `${prop} is ${pattern.length} characters long: istiod refuses regular expressions longer than ${MAX_REGEX_LENGTH}, shorten it`);
    return false;
  }
  try {
    RE2JS.compile(pattern);
  } catch (e) {
    const reason = (e as Error).message.replace(/^error parsing regexp: /, '');
    reportError(scope, 'MESH0040', `${prop} '${pattern}' is not a valid RE2 regular expression (${reason}): Envoy and istiod use RE2, which has no lookaround or backreferences and repeats at most 1000 times, rewrite it`);
    return false;
  }
  return true;
}

/** The retry conditions istiod takes (Envoy's x-envoy-retry-on and x-envoy-retry-grpc-on), besides status codes. */
const RETRY_ON = new Set([
  '5xx', 'gateway-error', 'reset', 'reset-before-request', 'connect-failure', 'retriable-4xx', 'refused-stream',
  'retriable-status-codes', 'retriable-headers', 'envoy-ratelimited', 'http3-post-connect-failure',
  'cancelled', 'deadline-exceeded', 'internal', 'resource-exhausted', 'unavailable',
]);

/** The status codes Go's net/http knows (istiod takes a retryOn entry that is one of them). */
const HTTP_STATUS_CODES = new Set([
  100, 101, 102, 103, 200, 201, 202, 203, 204, 205, 206, 207, 208, 226, 300, 301, 302, 303, 304, 305, 307, 308,
  400, 401, 402, 403, 404, 405, 406, 407, 408, 409, 410, 411, 412, 413, 414, 415, 416, 417, 418, 421, 422, 423,
  424, 425, 426, 428, 429, 431, 451, 500, 501, 502, 503, 504, 505, 506, 507, 508, 510, 511,
]);

/**
 * The first retryOn entry istiod refuses, if any: each comma-separated entry must be a retry condition or an
 * HTTP status code (as Go's `strconv.Atoi` reads it: digits only).
 *
 * @internal
 */
export function invalidRetryOn(values: readonly string[]): string | undefined {
  for (const value of values) {
    for (const entry of String(value).split(',')) {
      if (!RETRY_ON.has(entry) && !(/^[0-9]+$/.test(entry) && HTTP_STATUS_CODES.has(Number(entry)))) {
        return entry;
      }
    }
  }
  return undefined;
}

/** The levels of istiod's and pilot-agent's `--log_output_level` (istio/istio pkg/log). */
export const ISTIO_LOG_LEVELS = ['debug', 'info', 'warn', 'error', 'fatal', 'none'];

/** The levels of Envoy's `--component-log-level` (spdlog's names, and `warn`). */
export const ENVOY_LOG_LEVELS = ['trace', 'debug', 'info', 'warning', 'warn', 'error', 'critical', 'off'];

/**
 * What is wrong with a log level setting, if anything: its syntax (`syntax`), or a level the program does
 * not know (`level`).
 *
 * @internal
 */
export interface LogLevelProblem {
  readonly syntax: boolean;
  readonly level?: string;
}

/**
 * Checks a value of istio's `--log_output_level` (istiod, pilot-agent): comma-separated `<level>` (the
 * default scope) or `<scope>:<level>` entries, each level one of debug, info, warn, error, fatal, none.
 *
 * @internal
 */
export function istioLogLevelProblem(value: string): LogLevelProblem | undefined {
  return logLevelProblem(value, ISTIO_LOG_LEVELS, true);
}

/**
 * Checks a value of Envoy's `--component-log-level`: comma-separated `<component>:<level>` pairs.
 *
 * @internal
 */
export function envoyComponentLogLevelProblem(value: string): LogLevelProblem | undefined {
  return logLevelProblem(value, ENVOY_LOG_LEVELS, false);
}

function logLevelProblem(value: string, levels: string[], bareLevel: boolean): LogLevelProblem | undefined {
  if (typeof value !== 'string') {
    return { syntax: true };
  }
  for (const entry of value.split(',')) {
    const pieces = entry.split(':');
    const scoped = pieces.length === 2 && /^[a-z0-9_-]+$/.test(pieces[0]);
    if (!scoped && !(bareLevel && pieces.length === 1)) {
      return { syntax: true };
    }
    const level = pieces[pieces.length - 1];
    if (!levels.includes(level)) {
      return /^[a-z]+$/.test(level) ? { syntax: false, level } : { syntax: true };
    }
  }
  return undefined;
}

/**
 * The first control character (CR, LF, NUL...) in a value that is matched against a request's path or
 * headers, shown escaped; a request never carries one there, so the match could never succeed.
 *
 * @internal
 */
export function controlCharacter(value: string): string | undefined {
  // eslint-disable-next-line no-control-regex
  const found = /[\u0000-\u0008\u000a-\u001f\u007f]/.exec(value);
  return found ? JSON.stringify(found[0]).slice(1, -1) : undefined;
}

/**
 * Checks a CEL expression (a Telemetry access-log filter) by parsing it. `@bufbuild/cel` is loaded only here,
 * so meshes without filters do not pay for it.
 *
 * @internal
 */
export function checkCelExpression(scope: IConstruct, code: MeshCode, prop: string, expression: string): boolean {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { parse } = require('@bufbuild/cel') as { parse: (expr: string) => unknown };
  try {
    parse(expression);
    return true;
  } catch (e) {
    const reason = (e as Error).message.split('\n')[0].replace(/^<input>:/, 'at ');
    reportError(scope, code, `${prop} '${expression}' is not a CEL expression (${reason}): write one such as 'response.code >= 400'`);
    return false;
  }
}

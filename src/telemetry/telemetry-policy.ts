import { ApiObject, Lazy } from 'cdk8s';
import { Construct } from 'constructs';
import * as istio from '../imports/istio-telemetry';
import type { IMesh } from '../mesh-identity';
import { ensureNamespace } from '../namespaces';
import { providersOf } from './providers';
import { celResultType } from '../private/cel-types';
import { checkType } from '../private/enums';
import { meshError, reportError, required } from '../private/errors';
import { checkCelExpression } from '../private/istio-rules';
import { dropMeshWideCopy, meshWideObject, policyObjects } from '../private/mesh-wide';
import { validatePercentage } from '../private/names';
import { constructsOfKind, isKind, markKind, meshOf } from '../private/tree';
import { checkScopeMesh, PolicyScope } from '../security/mtls-policy';

/**
 * Tracing of the selected workloads' requests.
 *
 * @see https://istio.io/latest/docs/reference/config/telemetry/#Tracing
 */
export interface TracingSettings {
  /**
   * The percentage of requests (0 to 100) whose traces are kept, for requests that arrive without a
   * sampling decision.
   *
   * @default - inherited: the mesh-wide policy's, or 1 when none sets it
   */
  readonly samplingPercentage?: number;

  /**
   * The tracing extension provider spans are sent to.
   *
   * @default - the telemetry stack's tracing backend
   */
  readonly provider?: string;

  /**
   * Turns span reporting off for the selected workloads (trace context is still propagated).
   *
   * @default false
   */
  readonly disabled?: boolean;
}

/**
 * Envoy's access log of the selected workloads.
 *
 * @see https://istio.io/latest/docs/reference/config/telemetry/#AccessLogging
 */
export interface AccessLogSettings {
  /**
   * Whether requests are logged (`false` turns a mesh-wide log off for these workloads).
   *
   * @default true
   */
  readonly enabled?: boolean;

  /**
   * The access log extension provider.
   *
   * @default 'envoy': one line per request on the proxy's stdout
   */
  readonly provider?: string;

  /**
   * A CEL expression: only requests it holds for are logged (`response.code >= 400`).
   *
   * @default - every request
   * @see https://istio.io/latest/docs/reference/config/telemetry/#AccessLogging-Filter
   */
  readonly filter?: string;
}

/**
 * Properties of a `TelemetryPolicy`.
 */
export interface TelemetryPolicyProps {
  /**
   * Which workloads the policy applies to: the whole mesh, a namespace or one service's workloads.
   */
  readonly scope: PolicyScope;

  /**
   * Tracing of the selected workloads.
   *
   * @default - inherited from the wider scope
   */
  readonly tracing?: TracingSettings;

  /**
   * Access logging of the selected workloads.
   *
   * @default - inherited from the wider scope
   */
  readonly accessLogging?: AccessLogSettings;
}

/**
 * Tracing and access logging for the mesh, a namespace or one service's workloads: an Istio `Telemetry`
 * object. The most specific policy wins (workload over namespace over mesh); each scope has at most one.
 *
 * The providers it names must be extension providers of the mesh (see `Mesh.extensionProviderNames`);
 * the mesh's analysis reports one that is not.
 *
 * @see https://istio.io/latest/docs/reference/config/telemetry/
 */
export class TelemetryPolicy extends Construct {
  /**
   * Whether `x` is a `TelemetryPolicy` (told by a symbol, as cdk8s tells charts apart: it works across copies of the library).
   */
  public static isTelemetryPolicy(x: any): x is TelemetryPolicy {
    return isKind(x, 'TelemetryPolicy');
  }

  /** The workloads the policy applies to. */
  public readonly scope: PolicyScope;
  /** The tracing settings, if the policy sets any. */
  public readonly tracing?: TracingSettings;
  /** The access log settings, if the policy sets any. */
  public readonly accessLogging?: AccessLogSettings;
  /**
   * The Telemetry object; none for a mesh-wide policy of a mesh that adopts an existing Istio, which writes a
   * copy into each of its namespaces that has no TelemetryPolicy of its own instead (see `resources`).
   */
  public readonly resource?: ApiObject;

  private readonly mesh: IMesh;

  public constructor(scope: Construct, id: string, props: TelemetryPolicyProps) {
    super(scope, id);
    // From JavaScript the props may be missing altogether: each required one is then reported as missing.
    props = props ?? {} as TelemetryPolicyProps;
    // Nothing can stand in for a missing scope (it decides the policy's namespace and what the analysis
    // compares it with), so that one throws; before the construct joins the model, which then never meets it.
    this.scope = required(this, 'scope', props.scope, 'choose PolicyScope.mesh(), PolicyScope.namespace(...) or PolicyScope.workload(...)');
    if (typeof (this.scope as { _key?: unknown })._key !== 'function') {
      throw meshError('MESH0096', this, 'scope is not a PolicyScope: choose PolicyScope.mesh(), PolicyScope.namespace(...) or PolicyScope.workload(...)');
    }
    markKind(this, 'TelemetryPolicy');
    this.mesh = meshOf(this);
    checkScopeMesh(this, this.scope, this.mesh);
    if (!props.tracing && !props.accessLogging) {
      reportError(this, 'MESH0434', 'the policy sets neither tracing nor accessLogging, so it changes nothing: set one of them, or remove the policy');
    }
    if (props.tracing?.samplingPercentage !== undefined) {
      validatePercentage(this, 'tracing.samplingPercentage', props.tracing.samplingPercentage);
      if (props.tracing.disabled === true) {
        reportError(this, 'MESH0433', `tracing.samplingPercentage ${props.tracing.samplingPercentage} is given with disabled true, which reports no span of these workloads: drop samplingPercentage, or drop disabled`);
      }
    }
    if (props.accessLogging?.filter !== undefined && props.accessLogging.filter.trim() === '') {
      reportError(this, 'MESH0411', 'accessLogging.filter is empty: give a CEL expression such as \'response.code >= 400\', or leave it out to log every request');
    } else if (props.accessLogging?.filter !== undefined && props.accessLogging.enabled === false) {
      reportError(this, 'MESH0432', 'accessLogging.filter is given with enabled false, which logs nothing, so the filter would do nothing: drop the filter, or enable logging');
    } else if (props.accessLogging?.filter !== undefined) {
      // Envoy compiles the filter when it loads the listener: one that is not CEL is refused there, not at apply.
      if (checkCelExpression(this, 'MESH0431', 'accessLogging.filter', props.accessLogging.filter)) {
        checkCelBoolean(this, props.accessLogging.filter);
      }
    }
    // 'false' from JavaScript would read as true: a value of another type is reported and left out.
    this.tracing = props.tracing ? { ...props.tracing, disabled: checkType(this, 'tracing.disabled', props.tracing.disabled, 'boolean') ? props.tracing.disabled : undefined } : undefined;
    this.accessLogging = props.accessLogging
      ? { ...props.accessLogging, enabled: checkType(this, 'accessLogging.enabled', props.accessLogging.enabled, 'boolean') ? props.accessLogging.enabled : undefined }
      : undefined;

    const service = this.scope.service;
    const namespace = this.scope._namespace(this.mesh);
    // A policy's namespace is rendered even when no service of the mesh lives there.
    ensureNamespace(this.mesh, namespace);
    const meshWide = this.scope._key(this.mesh) === 'mesh';
    const render = (parent: Construct, objectId: string, ns: string) => new istio.Telemetry(parent, objectId, {
      metadata: { name: service ? service.serviceName : meshWide ? 'mesh-default' : 'default', namespace: ns },
      spec: Lazy.any({ produce: () => this._toIstio() }),
    });
    const policies = () => constructsOfKind(this.mesh, 'TelemetryPolicy') as TelemetryPolicy[];
    if (meshWide) {
      // Istio honours one namespace-wide Telemetry per namespace: a namespace's own policy replaces the copy there.
      this.resource = meshWideObject(this, this.mesh, render, ns => policies().some(p => p.scope?._key(this.mesh) === `ns/${ns}`));
    } else {
      this.resource = render(this, 'Resource', namespace);
      if (!service) {
        policies().filter(p => p.scope?._key(this.mesh) === 'mesh').forEach(p => dropMeshWideCopy(p, namespace));
      }
    }
  }

  /**
   * Every Telemetry object the policy writes: its `resource`, or the copies of a mesh-wide one in a mesh that
   * adopts an existing Istio.
   */
  public get resources(): ApiObject[] {
    return policyObjects(this);
  }

  /**
   * The tracing provider spans go to: the one named, or the mesh's tracing backend.
   */
  public get tracingProvider(): string | undefined {
    return this.tracing?.provider ?? providersOf(this.mesh, 'tracing')[0]?.name;
  }

  /**
   * The access log provider.
   */
  public get accessLogProvider(): string {
    return this.accessLogging?.provider ?? 'envoy';
  }

  /** @internal */
  public _toIstio(): istio.TelemetrySpec {
    const service = this.scope.service;
    const tracing = this.tracing;
    const logging = this.accessLogging;
    const provider = this.tracingProvider;
    return {
      selector: service ? { matchLabels: { app: service.serviceName } } : undefined,
      tracing: tracing ? [{
        providers: provider ? [{ name: provider }] : undefined,
        randomSamplingPercentage: tracing.samplingPercentage,
        disableSpanReporting: tracing.disabled || undefined,
      }] : undefined,
      accessLogging: logging ? [{
        providers: [{ name: this.accessLogProvider }],
        disabled: logging.enabled === false || undefined,
        filter: logging.filter !== undefined ? { expression: logging.filter } : undefined,
      }] : undefined,
    };
  }
}

/** Envoy logs a request only when the filter gives true: one that gives an int or a string logs nothing. */
function checkCelBoolean(scope: Construct, filter: string): void {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { parse } = require('@bufbuild/cel') as { parse: (expr: string) => { expr?: unknown } };
  const type = celResultType(parse(filter).expr);
  if (type !== undefined && type !== 'bool') {
    reportError(scope, 'MESH0438', `accessLogging.filter '${filter}' gives ${type === 'non-boolean' ? 'a value that is not a boolean' : `${/^[aeiou]/.test(type) ? 'an' : 'a'} ${type}`}, `
      + 'and Envoy logs a request only when the filter is true, so nothing would be logged: write a condition such as \'response.code >= 400\'');
  }
}

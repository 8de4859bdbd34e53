import { IConstruct } from 'constructs';
import { RoutingApi } from './routing-api';
import type { MeshCode } from '../analysis/codes';
import type { IMesh } from '../mesh-identity';
import { checkEnum, checkType } from '../private/enums';

/**
 * How a mesh renders routing, its props checked and defaulted.
 *
 * @internal
 */
export interface RoutingSettings {
  readonly api: RoutingApi;
  /** Whether an object the Gateway API cannot express stays in Istio's API (a warning) rather than failing synthesis. */
  readonly allowIstioApiFallback: boolean;
  /** Whether the CRD layer installs the Gateway API's CRDs. */
  readonly installGatewayApiCrds: boolean;
}

/** The props of a mesh that choose its routing API. @internal */
export interface RoutingProps {
  readonly routingApi?: RoutingApi;
  readonly allowIstioApiFallback?: boolean;
  readonly installGatewayApiCrds?: boolean;
  readonly installCrds?: boolean;
}

const SETTINGS = Symbol.for('cdk8s-mesh.routing');

/**
 * Checks and records a mesh's routing settings (each problem reported on the mesh, its default then standing).
 *
 * @internal
 */
export function routingSettings(mesh: IConstruct, props: RoutingProps): RoutingSettings {
  const api = checkEnum(mesh, 'routingApi', props.routingApi, RoutingApi, 'RoutingApi') ? props.routingApi ?? RoutingApi.ISTIO : RoutingApi.ISTIO;
  const flag = (prop: 'allowIstioApiFallback' | 'installGatewayApiCrds' | 'installCrds', fallback: boolean) =>
    checkType(mesh, prop, props[prop], 'boolean') ? props[prop] ?? fallback : fallback;
  const settings: RoutingSettings = {
    api,
    allowIstioApiFallback: flag('allowIstioApiFallback', false),
    // Installed with Istio's CRDs, when the mesh renders Gateway API objects.
    installGatewayApiCrds: flag('installGatewayApiCrds', api === RoutingApi.GATEWAY_API && flag('installCrds', true)),
  };
  Object.defineProperty(mesh, SETTINGS, { value: settings, configurable: true });
  return settings;
}

/**
 * The routing settings of a mesh.
 *
 * @internal
 */
export function routingOf(mesh: IMesh): RoutingSettings {
  const recorded = (mesh as unknown as { [SETTINGS]?: RoutingSettings })[SETTINGS];
  return recorded ?? { api: RoutingApi.ISTIO, allowIstioApiFallback: false, installGatewayApiCrds: false };
}

/**
 * Something the Gateway API cannot express about one object's routing.
 *
 * @internal
 */
export interface Inexpressible {
  /** The construct the problem is reported on (the route's split, the service, the gateway). */
  readonly scope: IConstruct;
  readonly code: MeshCode;
  /** What cannot be expressed, e.g. `route 'jason-delay' injects a fault (a 7s delay)`. */
  readonly what: string;
  /** The whole error message: what, why, and the fix. */
  readonly message: string;
}

/** Records a problem (the renderer reports each once). @internal */
export type Reporter = (scope: IConstruct, code: MeshCode, message: string) => void;

/**
 * Which API renders one object's routing (a service's, or a gateway's): the one place that decides it. The mesh's
 * `routingApi`, unless the Gateway API cannot express the object: then, if the mesh allows the fallback, the object
 * stays in Istio's API and synthesis says so once (MESH0745); else each problem is an error, and the object is
 * rendered in the Gateway API as far as it goes (synthesis fails anyway).
 *
 * @internal
 */
export function chooseRoutingApi(mesh: IMesh, owner: IConstruct, problems: Inexpressible[], report: Reporter): RoutingApi {
  const settings = routingOf(mesh);
  if (settings.api === RoutingApi.ISTIO) {
    return RoutingApi.ISTIO;
  }
  if (problems.length === 0) {
    return RoutingApi.GATEWAY_API;
  }
  if (settings.allowIstioApiFallback) {
    const warning = `routing stays in Istio's API (VirtualService and DestinationRule with subsets), because the Gateway API cannot express it: ${problems.map(p => p.what).join('; ')}`;
    report(owner, 'MESH0745', warning);
    return RoutingApi.ISTIO;
  }
  for (const p of problems) {
    report(p.scope, p.code, p.message);
  }
  return RoutingApi.GATEWAY_API;
}

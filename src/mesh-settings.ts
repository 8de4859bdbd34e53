import { IConstruct } from 'constructs';
import type { CniOptions, ControlPlaneOptions } from './control-plane/control-plane-options';
import { ExistingIstio, existingIstioOf } from './control-plane/existing-istio';
import { renderGatewayApi } from './gateway-api/render';
import { RoutingApi } from './gateway-api/routing-api';
import { RoutingSettings, routingSettings } from './gateway-api/routing-settings';
import { IMesh, OutboundTrafficPolicy } from './mesh-identity';
import { MeshProps } from './mesh-props';
import { beforeAnalysis } from './private/before-analysis';
import { checkEnum, checkType } from './private/enums';
import { reportError } from './private/errors';
import { validateHub, validateRootNamespace, validateVersionLabel } from './private/kubernetes-rules';
import { validateDnsLabel, validateDnsSubdomain, validateImageTag } from './private/names';
import { MtlsMode } from './security/mtls-mode';

/** The Istio release the mesh renders: its CRDs and injection template are 1.30.3's, so a patch release of 1.30. */
const SHIPPED_VERSION = '1.30.3';

/**
 * A mesh's settings: its props checked (each problem recorded on the mesh) and defaulted. A value that is
 * reported is replaced by its default, so that synthesis goes on to report every other problem.
 *
 * @internal
 */
export interface MeshSettings {
  readonly trustDomain: string;
  readonly rootNamespace: string;
  readonly version: string;
  readonly hub: string;
  readonly tag: string;
  readonly mtlsMode: MtlsMode;
  readonly autoMtls: boolean;
  readonly outboundTrafficPolicy: OutboundTrafficPolicy;
  readonly defaultNamespace: string;
  readonly clusterDomain: string;
  readonly installCrds: boolean;
  readonly failOnWarnings: boolean;
  /** Whether every call no AccessPolicy allows is refused, mesh-wide. */
  readonly denyByDefault: boolean;
  /** Whether workloads and gateways get NetworkPolicies from the call graph. */
  readonly networkPolicies: boolean;
  /** The default control plane's options. */
  readonly controlPlane: ControlPlaneOptions;
  /** The Istio CNI node agent's options, as given (the agent checks them). */
  readonly cni: CniOptions | undefined;
  /** The installed Istio the mesh adopts, if it adopts one. */
  readonly existingIstio: ExistingIstio | undefined;
  /** Whether every object of every layer is annotated for Argo CD's sync waves. */
  readonly argoCdSyncWaves: boolean;
  /** How routing is rendered (also recorded on the mesh, where the renderers read it). */
  readonly routing: RoutingSettings;
}

/** @internal */
export function meshSettings(mesh: IConstruct, props: MeshProps | undefined): MeshSettings {
  // From JavaScript the props may be null: every setting then takes its default.
  props = props ?? {};
  const flag = (prop: 'autoMtls' | 'installCrds' | 'failOnWarnings' | 'denyByDefault' | 'networkPolicies' | 'argoCdSyncWaves', fallback: boolean) =>
    checkType(mesh, prop, props[prop], 'boolean') ? props[prop] ?? fallback : fallback;
  const version = checkVersion(mesh, props.version);
  const denyByDefault = flag('denyByDefault', true);
  const existingIstio = existingIstioOf(mesh, props.existingIstio, props);
  return {
    trustDomain: validateDnsSubdomain(mesh, 'trustDomain', props.trustDomain ?? 'cluster.local'),
    rootNamespace: validateRootNamespace(mesh, validateDnsLabel(mesh, 'rootNamespace', props.rootNamespace ?? 'istio-system')),
    version,
    hub: props.hub === undefined ? 'docker.io/istio' : validateHub(mesh, 'hub', props.hub),
    tag: validateVersionLabel(mesh, 'tag', validateImageTag(mesh, 'tag', props.tag ?? version)),
    mtlsMode: checkEnum(mesh, 'mtls', props.mtls, MtlsMode, 'MtlsMode') ? props.mtls ?? MtlsMode.STRICT : MtlsMode.STRICT,
    autoMtls: flag('autoMtls', true),
    outboundTrafficPolicy: checkEnum(mesh, 'outboundTrafficPolicy', props.outboundTrafficPolicy, OutboundTrafficPolicy, 'OutboundTrafficPolicy')
      ? props.outboundTrafficPolicy ?? OutboundTrafficPolicy.ALLOW_ANY : OutboundTrafficPolicy.ALLOW_ANY,
    defaultNamespace: validateDnsLabel(mesh, 'defaultNamespace', props.defaultNamespace ?? 'default'),
    clusterDomain: validateDnsSubdomain(mesh, 'clusterDomain', props.clusterDomain ?? 'cluster.local'),
    installCrds: existingIstio ? false : flag('installCrds', true),
    failOnWarnings: flag('failOnWarnings', false),
    denyByDefault,
    networkPolicies: flag('networkPolicies', denyByDefault),
    controlPlane: props.controlPlane ?? {},
    cni: props.cni ?? undefined,
    existingIstio,
    argoCdSyncWaves: flag('argoCdSyncWaves', false),
    // With Istio's CRDs as they are installed: not on an existing Istio, whose cluster may hold the Gateway API's already.
    routing: routingFor(mesh, { ...props, installCrds: existingIstio ? false : props.installCrds }),
  };
}

/** The mesh's routing settings; with the Gateway API, its renderer runs before every analysis (so at synthesis). */
function routingFor(mesh: IConstruct, props: MeshProps): RoutingSettings {
  const routing = routingSettings(mesh, props);
  if (routing.api === RoutingApi.GATEWAY_API) {
    beforeAnalysis(mesh as IMesh, renderGatewayApi);
  }
  return routing;
}

function checkVersion(mesh: IConstruct, version: string | undefined): string {
  if (version === undefined || (checkType(mesh, 'version', version, 'string', `a string such as '${SHIPPED_VERSION}'`) && /^1\.30\.\d+$/.test(version))) {
    return version ?? SHIPPED_VERSION;
  }
  if (typeof version === 'string') {
    reportError(mesh, 'MESH0094', `version '${version}' is not a 1.30 patch release: the mesh renders Istio ${SHIPPED_VERSION}'s CRDs and injection template, `
      + `and other releases' istiod and proxies would not match them, use a 1.30.x version (e.g. '${SHIPPED_VERSION}'), or set tag for images built otherwise`);
  }
  return SHIPPED_VERSION;
}

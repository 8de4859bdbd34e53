import { IConstruct } from 'constructs';
import { CniAgent } from './cni-agent';
import { ControlPlane } from './control-plane';
import type { CniOptions, ControlPlaneOptions } from './control-plane-options';
import { readerServiceAccount } from './rbac';
import { controlPlaneScope } from './revisions';
import type { MeshCode } from '../analysis/codes';
import { Severity } from '../analysis/finding';
import type { MeshModel } from '../analysis/mesh-model';
import { layerOf, layerScope, MeshLayer } from '../layers';
import { IMesh, OutboundTrafficPolicy } from '../mesh-identity';
import { ensureNamespace } from '../namespaces';
import { checkStringList, checkType, quoted } from '../private/enums';
import { recordedProblems, reportError } from '../private/errors';
import { validateDnsLabel } from '../private/names';
import { BUILTIN_PROVIDERS } from '../telemetry/providers';

/**
 * How a mesh adopts an Istio installed by other means (istioctl, Helm, a platform team): which of its
 * revisions inject the mesh's workloads, and what the mesh may write.
 *
 * The mesh then writes no Istio CRDs, no control plane (istiod, webhooks, RBAC, mesh config) and no Istio CNI
 * node agent: only the namespaces (unless `namespaces` is false), the workloads, their routing and policy, and
 * the telemetry stack if it has one. The mesh's `trustDomain`, `rootNamespace`, `clusterDomain`, `autoMtls`,
 * `outboundTrafficPolicy`, `version`, `hub` and `tag` describe the installation and must match it.
 *
 * @see https://istio.io/latest/docs/setup/upgrade/canary/
 */
export interface ExistingIstioOptions {
  /**
   * The installed revision (or revision tag) that injects the mesh's workloads unless they or their namespace
   * choose another: namespaces get `istio.io/rev=<revision>`, or `istio-injection=enabled` for the default.
   *
   * @default - the installation's default revision (what `istio-injection=enabled` selects)
   * @see https://istio.io/latest/docs/setup/upgrade/canary/#stable-revision-labels
   */
  readonly revision?: string;

  /**
   * Other installed revisions or revision tags that namespaces (`Mesh.setNamespaceRevision()`) and services
   * (their `revision`) may choose, e.g. the new revision of a canary upgrade of the installation.
   *
   * @default - none
   */
  readonly revisions?: string[];

  /**
   * Whether the mesh writes the Namespace objects of its namespaces. Turn off when namespaces are owned
   * elsewhere: each pod then selects its revision's injection itself (`sidecar.istio.io/inject=true`, and
   * `istio.io/rev=<revision>` for a named one), which the installed webhooks honour in namespaces that carry
   * no injection label; the namespaces' Pod Security labels are then theirs to set.
   *
   * @default true
   */
  readonly namespaces?: boolean;

  /**
   * Whether the installation captures pods' traffic with the Istio CNI node agent. Without it, the injected
   * `istio-init` container runs as root with NET_ADMIN and NET_RAW, so the mesh's namespaces are labelled for
   * the 'privileged' Pod Security level; explicitly injected sidecars follow the same choice.
   *
   * @default false
   * @see https://istio.io/latest/docs/setup/additional-setup/cni/
   */
  readonly cni?: boolean;
}

/**
 * The existing installation a mesh adopts, checked.
 *
 * @internal
 */
export interface ExistingIstio {
  readonly revision: string;
  readonly revisions: string[];
  readonly namespaces: boolean;
  readonly cni: boolean;
}

/**
 * What a mesh's `existingIstio` and the props beside it say, each problem reported on the mesh: undefined
 * when the mesh installs its own Istio.
 *
 * @internal
 */
export function existingIstioOf(
  mesh: IConstruct,
  options: ExistingIstioOptions | undefined,
  given: { installCrds?: unknown; controlPlane?: unknown; cni?: unknown },
): ExistingIstio | undefined {
  if (options === undefined || options === null) {
    return undefined;
  }
  if (typeof options !== 'object' || Array.isArray(options)) {
    reportError(mesh, 'MESH0704', `existingIstio ${quoted(options)} is not ExistingIstioOptions: give an object such as { revision: 'canary' }, or {} for the installation's default revision`);
    options = {};
  }
  if (given.installCrds === true) {
    reportError(mesh, 'MESH0700', 'installCrds is true beside existingIstio, but the installed Istio owns its CRDs (and their version): leave installCrds out');
  }
  if (given.controlPlane !== undefined) {
    reportError(mesh, 'MESH0701', 'controlPlane is set beside existingIstio, but the mesh renders no control plane of its own: configure istiod where Istio is installed (istioctl or Helm values), and leave controlPlane out');
  }
  if (given.cni !== undefined) {
    reportError(mesh, 'MESH0702', "cni is set beside existingIstio, but the mesh installs no Istio CNI node agent: install it with Istio's istio-cni chart, and say whether the installation uses it with existingIstio.cni");
  }
  // A revision reported as invalid is left out (the default stands in), so that nothing reports it again.
  const dnsLabel = (prop: string, value: string) => {
    const before = recordedProblems(mesh).length;
    const name = validateDnsLabel(mesh, prop, value);
    return recordedProblems(mesh).length === before ? name : undefined;
  };
  const revision = options.revision === undefined || options.revision === 'default' ? '' : dnsLabel('existingIstio.revision', options.revision) ?? '';
  const listed = checkStringList(mesh, 'existingIstio.revisions', options.revisions) ? options.revisions ?? [] : [];
  const revisions: string[] = [];
  for (const r of listed) {
    const label = dnsLabel('existingIstio.revisions', r);
    if (label === undefined) {
      continue;
    }
    if (label === (revision || 'default') || revisions.includes(label)) {
      reportError(mesh, 'MESH0705', `existingIstio.revisions lists revision '${label}' ${revisions.includes(label) ? 'twice' : 'that existingIstio.revision already names'}: list each other revision once`);
      continue;
    }
    revisions.push(label);
  }
  const flag = (prop: 'namespaces' | 'cni', fallback: boolean) =>
    checkType(mesh, `existingIstio.${prop}`, options![prop], 'boolean') ? options![prop] ?? fallback : fallback;
  return { revision, revisions, namespaces: flag('namespaces', true), cni: flag('cni', false) };
}

/**
 * Declares a mesh's Istio and returns its default control plane: for a mesh that installs it, the root
 * namespace, the reader service account, the CNI node agent and istiod; for one that adopts an existing
 * installation, a description of each installed revision (nothing is rendered).
 *
 * @internal
 */
export function installIstio(
  mesh: IMesh,
  existing: ExistingIstio | undefined,
  controlPlane: ControlPlaneOptions,
  cni: CniOptions | undefined,
): ControlPlane {
  ensureNamespace(mesh, mesh.rootNamespace, false);
  if (!existing) {
    readerServiceAccount(layerOf(mesh, MeshLayer.CONTROL_PLANE), mesh.rootNamespace);
    CniAgent.forMesh(mesh, cni);
    return addControlPlane(mesh, 'istiod', controlPlane);
  }
  const scope = layerScope(mesh, MeshLayer.CONTROL_PLANE);
  const plane = new ControlPlane(scope, 'istiod', { mesh, revision: existing.revision || undefined, cni: existing.cni });
  for (const revision of existing.revisions) {
    new ControlPlane(scope, `istiod-${revision}`, { mesh, revision, cni: existing.cni });
  }
  return plane;
}

/**
 * Adds a control plane of another revision (what `Mesh.addControlPlane()` does). A mesh that adopts an existing
 * Istio renders none: the call is reported, and the revision described so that the program can go on.
 *
 * @internal
 */
export function addControlPlane(mesh: IMesh, id: string, options: ControlPlaneOptions): ControlPlane {
  if (mesh.existingIstio) {
    reportError(mesh, 'MESH0703', `addControlPlane('${id}') adds a control plane, but the mesh adopts an existing Istio and renders none: install the revision with istioctl or Helm, and list it in existingIstio.revisions`);
    return new ControlPlane(controlPlaneScope(mesh, id), id, { mesh, revision: options?.revision, cni: mesh.controlPlane?.cni ?? false });
  }
  return new ControlPlane(controlPlaneScope(mesh, id), id, { ...options, mesh });
}

/**
 * What a mesh that adopts an existing Istio needs of the installed mesh config but cannot write itself: the
 * settings that differ from Istio's defaults and the extension providers of its telemetry stack, as a warning
 * with the `meshConfig` to add where Istio is installed.
 *
 * @internal
 */
export function checkInstalledMeshConfig(
  mesh: IMesh,
  model: MeshModel,
  report: (code: MeshCode, severity: Severity, scope: IConstruct, message: string) => void,
): void {
  if (!mesh.existingIstio) {
    return;
  }
  const builtin = new Set(BUILTIN_PROVIDERS.map(p => JSON.stringify(p)));
  const providers = model.extensionProviders.filter(p => !builtin.has(JSON.stringify(p)));
  const needed: Record<string, unknown> = {
    trustDomain: mesh.trustDomain === 'cluster.local' ? undefined : mesh.trustDomain,
    enableAutoMtls: mesh.autoMtls ? undefined : false,
    outboundTrafficPolicy: mesh.outboundTrafficPolicy === OutboundTrafficPolicy.ALLOW_ANY ? undefined : { mode: mesh.outboundTrafficPolicy },
    extensionProviders: providers.length === 0 ? undefined : providers.map(p => ({ name: p.name, ...p.config })),
  };
  const settings = Object.fromEntries(Object.entries(needed).filter(([, v]) => v !== undefined));
  if (Object.keys(settings).length === 0) {
    return;
  }
  const snippet = JSON.stringify({ meshConfig: settings });
  report('MESH0706', Severity.WARNING, mesh, `the mesh adopts an existing Istio, whose mesh config it cannot change, and needs ${Object.keys(settings).join(', ')} there: `
    + `add to the installation's values (istioctl or Helm) ${snippet}`);
}

import { ApiObject, Chart } from 'cdk8s';
import { IConstruct } from 'constructs';
import { checkAccess } from './access-checks';
import { AccessModel } from './access-model';
import { checkClientTls } from './client-tls-conflicts';
import type { MeshCode } from './codes';
import { checkEgressCallers } from './egress-callers';
import { checkEndUserAuth } from './end-user-auth';
import { Finding, Severity } from './finding';
import { MeshModel } from './mesh-model';
import { checkMtlsMigration } from './mtls-migration';
import { checkTrafficSettings } from './traffic-settings';
import { checkVersionPolicies } from './version-policies';
import { checkVisibility } from './visibility';
import { checkCniAgent } from '../control-plane/cni-agent';
import { checkInstalledMeshConfig } from '../control-plane/existing-istio';
import { meshCharts } from '../layers';
import type { IMesh, IMeshService } from '../mesh-identity';
import { meshNamespaces } from '../namespaces';
import { runBeforeAnalysis } from '../private/before-analysis';
import { displayPath, meshError, recordedProblems, setAnalysisErrors } from '../private/errors';
import { serviceKey } from '../private/services';
import { constructsOfKind, isKind, tryMeshOf } from '../private/tree';
import { admitMirrorCallers } from '../security/mirror-access';
import { checkNetworkPolicies } from '../security/network-policies';
import { meshWorkloads } from '../sidecar/workload';
import type { EgressScope } from '../traffic/egress-scope';
import type { RateLimit } from '../traffic/rate-limit';
import { routeMirrors } from '../traffic/traffic-split';

/**
 * A finding with the construct it is about.
 *
 * @internal
 */
export interface ScopedFinding extends Finding {
  /** The construct the finding is about. */
  readonly scope: IConstruct;
  /** Whether the construct recorded it about itself (its own validation reports it) rather than the analysis. */
  readonly recorded: boolean;
}

/**
 * Whole-mesh checks: the ones that need every service, version and policy to be known, so they run at
 * synthesis (through the mesh's validation) rather than when a construct is created, over a read-only view
 * of the model. Together with what each construct recorded about its own props, every finding of a mesh is
 * reported together, whatever order the program created things in.
 */
export class MeshAnalyzer {
  /**
   * Analyses a mesh: what each construct recorded about itself and the whole-mesh checks. The findings are
   * sorted by path, then code.
   */
  public static analyze(mesh: IMesh): Finding[] {
    if (!isKind(mesh, 'Mesh')) {
      throw meshError('MESH0097', 'MeshAnalyzer.analyze', `mesh ${mesh === undefined ? 'is missing' : 'is not a Mesh'}: give the Mesh itself, e.g. new Mesh(app, 'mesh')`);
    }
    return MeshAnalyzer._analyzeMesh(mesh).map(({ code, severity, path, message }) => ({ code, severity, path, message }));
  }

  /** @internal */
  public static _analyzeMesh(mesh: IMesh): ScopedFinding[] {
    // Registered here rather than where a mirror is added, which would tie the routes to the access policies in an import cycle.
    admitMirrorCallers(mesh);
    runBeforeAnalysis(mesh);
    const findings: ScopedFinding[] = [];
    for (const chart of meshCharts(mesh)) {
      for (const scope of chart.node.findAll()) {
        for (const p of recordedProblems(scope)) {
          const severity = p.warning ? Severity.WARNING : Severity.ERROR;
          findings.push({ code: p.code, severity, path: displayPath(scope), message: p.message, scope, recorded: true });
        }
      }
    }
    const report = (code: MeshCode, severity: Severity, scope: IConstruct, message: string) => {
      findings.push({ code, severity, path: displayPath(scope), message, scope, recorded: false });
    };
    const model = MeshModel.of(mesh);
    const alone = checkMeshes(mesh, report);
    checkUniqueness(mesh, model, report);
    checkRouting(model, report);
    checkTrafficSettings(model, report);
    checkVisibility(model, report);
    checkVersionPolicies(model, report);
    checkClientTls(mesh, model, report);
    checkAccess(mesh, model, report);
    checkEndUserAuth(mesh, model, report);
    checkMtlsMigration(mesh, model, report);
    checkNetworkPolicies(mesh, model, report);
    checkInstalledMeshConfig(mesh, model, report);
    checkTelemetry(model, report);
    checkCniAgent(mesh, report);
    checkEgressCallers(mesh, model, report);
    // Last: an object whose construct already reports an error (two policies for one scope, a second
    // control plane of one revision...) is not reported again as a duplicate object.
    // A second Mesh writes every cluster-wide object of the first again: that one error says it all.
    if (alone) {
      checkObjects(mesh, new Set(findings.filter(f => f.severity === Severity.ERROR).map(f => f.scope)), report);
    }
    return findings.sort((a, b) => a.path.localeCompare(b.path) || a.code.localeCompare(b.code));
  }

  /** @internal */
  public static _setErrors(scope: IConstruct, messages: string[]): void {
    setAnalysisErrors(scope, messages);
  }

  private constructor() {}
}

type Report = (code: MeshCode, severity: Severity, scope: IConstruct, message: string) => void;

/**
 * One Mesh per App: two meshes write the same CRDs, injector webhook, cluster roles and root-namespace
 * objects, whatever else they are given. A Mesh inside a Mesh is the error; else, of two side by side, the
 * second (in tree order). Returns whether the mesh is the App's only one (or its first).
 */
function checkMeshes(mesh: IMesh, report: Report): boolean {
  const outer = mesh.node.scopes.slice(0, -1).reverse().find(s => isKind(s, 'Mesh'));
  if (outer) {
    report('MESH0045', Severity.ERROR, mesh, `is inside Mesh '${outer.node.path}': a Mesh writes cluster-wide objects (CRDs, the injector webhook, `
      + 'cluster roles, the root namespace), so create it at the top of an App of its own, or add what it holds to the outer Mesh');
    return false;
  }
  const topLevel = constructsOfKind(mesh.node.root, 'Mesh').filter(m => !m.node.scopes.slice(0, -1).some(s => isKind(s, 'Mesh')));
  if (topLevel[0] !== mesh) {
    report('MESH0046', Severity.ERROR, mesh, `the App already has a Mesh (${topLevel[0].node.path}): both would write the same cluster-wide objects (CRDs, `
      + 'the injector webhook, cluster roles, the root namespace), so put each Mesh in an App of its own');
    return false;
  }
  return true;
}

/**
 * What must be one of a kind: a service per name and namespace, a control plane per revision, a policy per
 * scope, a telemetry stack per mesh. The first declared wins; each later one is the error.
 */
function checkUniqueness(mesh: IMesh, model: MeshModel, report: Report): void {
  const firsts = <T extends IConstruct>(items: T[], keyOf: (item: T) => string, onClash: (item: T, first: T) => void) => {
    const seen = new Map<string, T>();
    for (const item of items) {
      const first = seen.get(keyOf(item));
      if (first) {
        onClash(item, first);
      } else {
        seen.set(keyOf(item), item);
      }
    }
  };
  firsts(model.services, s => serviceKey(s), (s, first) => report('MESH0010', Severity.ERROR, s,
    `service '${s.serviceName}' in namespace '${s.namespace}' is already in the mesh (${first.node.path}): give one of them another name or namespace, or import the existing one with MeshService.fromName()`));
  firsts(model.controlPlanes, c => c.revisionLabel, (c, first) => report('MESH0035', Severity.ERROR, c,
    `revision '${c.revisionLabel}' already has a control plane (${first.node.path}): give each control plane its own revision`));
  const revisions = model.controlPlanes.map(c => c.revisionLabel).join(', ');
  const unknownRevision = (scope: IConstruct, revision: string | undefined, what: string) => {
    if (revision !== undefined && !model.controlPlaneOf(revision || 'default')) {
      const fix = mesh.existingIstio ? 'if it is installed, list it in existingIstio.revisions' : 'add it with Mesh.addControlPlane()';
      report('MESH0036', Severity.ERROR, scope, `${what} revision '${revision || 'default'}', but no control plane has it (revisions: ${revisions}): ${fix}`);
    }
  };
  for (const ns of meshNamespaces(mesh)) {
    unknownRevision(mesh, ns.revision, `namespace '${ns.namespaceName}' uses`);
    // A service's own revision wins over its namespace's: when every service there chooses another, the namespace's goes unused.
    const plane = ns.revision === undefined ? undefined : model.controlPlaneOf(ns.revision || 'default');
    const injected = meshWorkloads(mesh).filter(w => w.namespace === ns.namespaceName && !w.explicit);
    if (plane && injected.length > 0 && injected.every(w => w.controlPlane !== plane)) {
      report('MESH0048', Severity.WARNING, mesh, `namespace '${ns.namespaceName}' has revision '${plane.revisionLabel}', but every service in it chooses its own `
        + `(${[...new Set(injected.map(w => w.controlPlane.revisionLabel))].join(', ')}), so the namespace is labelled for theirs and revision '${plane.revisionLabel}' injects nothing: `
        + 'drop setNamespaceRevision() for it, or the revision of its services');
    }
  }
  for (const s of model.services) {
    unknownRevision(s, s.revision, `service '${s.serviceName}' uses`);
  }
  for (const g of model.gateways) {
    unknownRevision(g, g.revision, `gateway '${g.serviceName}' uses`);
  }
  for (const p of model.mtlsPolicies.filter(m => m !== mesh.node.tryFindChild('MeshMtls') && m.scope._key(mesh) === 'mesh')) {
    report('MESH0201', Severity.ERROR, p, `the mesh-wide mTLS mode is the Mesh's 'mtls' prop (now ${mesh.mtlsMode}): set it there instead of adding an MtlsPolicy for the whole mesh`);
  }
  firsts(model.mtlsPolicies.filter(m => m.scope._key(mesh) !== 'mesh'), m => m.scope._key(mesh), (m, first) => report('MESH0200', Severity.ERROR, m,
    `${m.scope._describe(mesh)} already has an MtlsPolicy (${first.node.path}): Istio honours one per scope, so set the mode and port overrides on that one`));
  firsts(model.trafficSplits, s => serviceKey(s.service), (s, first) => report('MESH0106', Severity.ERROR, s,
    `service '${s.service.serviceName}' already has a TrafficSplit (${first.node.path}): add routes to it with addRoute(), a service has one set of routing rules`));
  firsts(model.serviceTrafficPolicies, p => serviceKey(p.service), (p, first) => report('MESH0116', Severity.ERROR, p,
    `service '${p.service.serviceName}' already has a ServiceTrafficPolicy (${first.node.path}): give every traffic setting of a service in that one`));
  firsts(constructsOfKind(mesh, 'RateLimit').filter(r => tryMeshOf(r) === mesh) as RateLimit[], r => serviceKey(r.service), (r, first) => report('MESH0153', Severity.ERROR, r,
    `service '${r.service.serviceName}' already has a RateLimit (${first.node.path}): a service has one local rate limit, so set requests, per and burst on that one`));
  firsts(model.gateways, g => `${g.namespace}/${g.serviceName}`, (g, first) => report('MESH0154', Severity.ERROR, g,
    `gateway '${g.serviceName}' in namespace '${g.namespace}' is already in the mesh (${first.node.path}): give one of them another name or namespace`));
  // Istio uses one ServiceEntry of a host per namespace (the newest, a conflict it calls invalid), so the other is silently ignored.
  for (const external of model.externalServices) {
    for (const host of external.hosts) {
      const first = model.externalServices.find(e => e.namespace === external.namespace && e.hosts.includes(host));
      if (first && first !== external) {
        report('MESH0155', Severity.ERROR, external, `host '${host}' is already an ExternalService in namespace '${external.namespace}' (${first.node.path}): `
          + 'Istio uses one of the two and ignores the other, so give each host one ExternalService, with every port it needs');
      }
    }
  }
  firsts(constructsOfKind(mesh, 'EgressScope').filter(e => tryMeshOf(e) === mesh) as EgressScope[], e => `${e.namespace}/${e.resource.name}`, (e, first) => report('MESH0156', Severity.ERROR, e,
    `${e.resource.name === 'default' ? `namespace '${e.namespace}'` : `service '${e.resource.name.replace(/-egress$/, '')}'`} already has an EgressScope (${first.node.path}): `
    + 'each writes one Sidecar, so allow every host it needs on that one'));
  firsts(model.telemetryStacks, () => 'stack', (s, first) => report('MESH0400', Severity.ERROR, s,
    `the mesh already has a telemetry stack (${first.node.path}): a mesh has one; configure its parts there`));
  firsts(model.telemetryPolicies, p => p.scope._key(mesh), (p, first) => report('MESH0410', Severity.ERROR, p,
    `${p.scope._describe(mesh)} already has a TelemetryPolicy (${first.node.path}): Istio applies one Telemetry per scope, so set tracing and access logging on that one`));
}

/**
 * Two objects of one kind with one name (and namespace) in the App: the cluster keeps one object per key, so
 * one of them would silently replace the other. The mesh's own layers (CRDs, namespaces, control plane,
 * telemetry) come first, so a service named like one of their objects is the one reported. Each clash is
 * reported by the mesh whose chart writes the later object, unless the construct that writes it reports an
 * error already; a clash between two meshes is reported once, as a second Mesh (checkMeshes).
 */
function checkObjects(mesh: IMesh, reported: Set<IConstruct>, report: Report): void {
  const own = new Set<IConstruct>(meshCharts(mesh));
  const objects = mesh.node.root.node.findAll().filter((c): c is ApiObject => ApiObject.isApiObject(c));
  const isLayer = (o: ApiObject) => {
    const chart = Chart.of(o);
    const of = tryMeshOf(chart);
    return of !== undefined && (chart as IConstruct) !== of;
  };
  // A stable sort: layers first, each group in tree order.
  const ordered = [...objects.filter(isLayer), ...objects.filter(o => !isLayer(o))];
  const seen = new Map<string, ApiObject>();
  const otherMesh = (a: ApiObject, b: ApiObject) => {
    const [ma, mb] = [tryMeshOf(a), tryMeshOf(b)];
    return ma !== undefined && mb !== undefined && ma !== mb;
  };
  for (const c of ordered) {
    const namespace = c.metadata.namespace;
    const key = `${c.apiGroup}/${c.kind}/${namespace ?? ''}/${c.name}`;
    const first = seen.get(key);
    if (!first) {
      seen.set(key, c);
    } else if (!otherMesh(first, c)) {
      // An object of a chart of the user's is reported on the mesh's object it collides with: that one is
      // validated after the mesh's analysis, wherever the user's chart is in the App.
      const [later, other] = own.has(Chart.of(c)) ? [c, first] : own.has(Chart.of(first)) && !tryMeshOf(c) ? [first, c] : [undefined, undefined];
      if (later && other && !later.node.scopes.some(s => reported.has(s))) {
        report('MESH0008', Severity.ERROR, later, `${c.kind} '${namespace ? `${namespace}/` : ''}${c.name}' is also written by ${other.node.path}: `
          + 'the cluster keeps one object per kind, namespace and name, give one of them another name');
      }
    }
  }
}

function checkRouting(model: MeshModel, report: Report): void {
  for (const split of model.trafficSplits) {
    const service = split.service;
    const routes = split.routes;
    const streams = [...split._tcpRules(), ...split._tlsRules()];
    if (routes.length === 0 && streams.length === 0) {
      report('MESH0103', Severity.ERROR, split, `has no routes for service '${service.serviceName}': add one with addRoute(), or remove the split`);
      continue;
    }
    routes.forEach((route, i) => {
      const label = route.name ? `route '${route.name}'` : `route ${i + 1}`;
      // Each destination (a target, or a mirror to a version of this or another service) against its service's versions.
      const used: [IMeshService, string][] = [
        ...(route.targets ?? []).map((t): [IMeshService, string] => [service, t.versionName]),
        ...routeMirrors(split, route).filter(m => m.version !== undefined).map((m): [IMeshService, string] => [m.service, m.version!]),
      ];
      // Copies are sent with the callers' identities: a target that names its callers cannot name "everyone".
      const access = AccessModel.of(model);
      const open = !access.restricts(service);
      for (const m of open ? routeMirrors(split, route).filter(x => serviceKey(x.service) !== serviceKey(service)) : []) {
        const target = m.service;
        if (access.restricts(target)) {
          report('MESH0840', Severity.WARNING, split, `${label} mirrors to service '${target.serviceName}', which admits only the callers ${access.allowListed(target) ? 'its AccessPolicy names' : 'an AccessPolicy names (deny-by-default)'}, `
            + `but service '${service.serviceName}' has no AccessPolicy and admits every caller, so copies from callers '${target.serviceName}' does not name are refused: `
            + `give '${service.serviceName}' an AccessPolicy naming its callers, or allow them on '${target.serviceName}'`);
        }
      }
      for (const [s, v] of used) {
        const known = s.versionNames;
        if (known && !known.includes(v)) {
          report('MESH0101', Severity.ERROR, split, `${label}: subset '${v}' is not a version of service '${s.serviceName}' (versions: ${known.length ? known.join(', ') : 'none'}): add it with addVersion('${v}', ...) or route to an existing version`);
        }
      }
    });
    // The L4 routes' versions, against the service's.
    const known = service.versionNames;
    for (const rule of known ? streams : []) {
      for (const v of rule.backends.map(b => b.version).filter((x): x is string => x !== undefined && !known!.includes(x))) {
        report('MESH0101', Severity.ERROR, split, `${rule.label}: subset '${v}' is not a version of service '${service.serviceName}' (versions: ${known!.length ? known!.join(', ') : 'none'}): add it with addVersion('${v}', ...) or route to an existing version`);
      }
    }
    const last = routes[routes.length - 1];
    if (last?.matches && last.matches.length > 0) {
      report('MESH0112', Severity.WARNING, split, `every route of service '${service.serviceName}' has matches, so requests matching none get 404: end with a route without matches`);
    }
  }

  for (const policy of model.serviceTrafficPolicies.filter(p => isKind(p.service, 'ImportedMeshService'))) {
    if (policy.loadBalancer?.locality && !policy.circuitBreaker?.detectsOutliers && !policy.outlierDetection) {
      report('MESH0113', Severity.WARNING, policy, `locality load balancing of service '${policy.service.serviceName}' has no effect without outlier detection: add circuitBreaker: CircuitBreaker.of({ consecutiveErrors: ... })`);
    }
  }
  for (const service of model.services) {
    if (service.versions.length === 0) {
      report('MESH0111', Severity.WARNING, service, `service '${service.serviceName}' has no versions, so its Service selects no pods: add one with addVersion()`);
    }
    const policy = service.trafficPolicy;
    if (policy.loadBalancer?.locality && !policy.circuitBreaker?.detectsOutliers && !policy.outlierDetection) {
      report('MESH0113', Severity.WARNING, service, `locality load balancing of service '${service.serviceName}' has no effect without outlier detection: add circuitBreaker: CircuitBreaker.of({ consecutiveErrors: ... })`);
    }
  }

  for (const gateway of model.ingressGateways) {
    // A gateway route goes through its service's routing, known only now: what bypasses a split, or cannot be combined.
    for (const finding of gateway._routingFindings()) {
      report(finding.code, finding.warning ? Severity.WARNING : Severity.ERROR, gateway, finding.message);
    }
    for (const host of gateway.unroutedHosts) {
      report('MESH0127', Severity.ERROR, gateway, `gateway host '${host}' has no route: add one with addRoute(), or drop the host from the listeners`);
    }
  }
  for (const gateway of model.egressGateways.filter(g => g.externalServices.length === 0)) {
    report('MESH0128', Severity.WARNING, gateway, 'egress gateway routes no external service: route one through it with ExternalService\'s egressGateway, or remove the gateway');
  }
}

function checkTelemetry(model: MeshModel, report: Report): void {
  for (const policy of model.telemetryPolicies) {
    const uses: [string, 'tracing' | 'accessLogging', string | undefined][] = [];
    if (policy.tracing && !policy.tracing.disabled) {
      uses.push(['tracing', 'tracing', policy.tracingProvider]);
    }
    if (policy.accessLogging && policy.accessLogging.enabled !== false) {
      uses.push(['access log', 'accessLogging', policy.accessLogProvider]);
    }
    for (const [what, kind, name] of uses) {
      const names = model.providersOf(kind).map(p => p.name);
      if (name === undefined) {
        report('MESH0310', Severity.ERROR, policy, "tracing is set, but the mesh has no tracing backend to send spans to: add one with the TelemetryStack's tracing prop (e.g. tracing: TracingBackend.jaeger()), or drop tracing from this TelemetryPolicy");
      } else if (!names.includes(name)) {
        report('MESH0311', Severity.ERROR, policy, `${what} provider '${name}' is not one of the mesh's ${what} providers (${names.join(', ') || 'none'}): name one of them, or add it to the TelemetryStack`);
      }
    }
  }
}

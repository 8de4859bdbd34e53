import { ApiObject } from 'cdk8s';
import { IConstruct } from 'constructs';
import { AccessModel } from './access-model';
import type { MeshCode } from './codes';
import { Severity } from './finding';
import type { MeshModel } from './mesh-model';
import { meshCharts } from '../layers';
import type { IMesh } from '../mesh-identity';
import { recordedProblems } from '../private/errors';
import { constructsOfKind, isKind, tryMeshOf } from '../private/tree';
import type { ExternalAuthorizer } from '../security/external-authorizer';
import type { JwtAuthentication } from '../security/jwt-authentication';
import { extensionProvidersOf } from '../telemetry/providers';

type Report = (code: MeshCode, severity: Severity, scope: IConstruct, message: string) => void;

/**
 * The checks of end-user authentication and external authorization: JWT validation that nothing requires, JWT
 * authentications without rules, extension provider names given twice, and authorizers the mesh's own
 * deny-by-default keeps the proxies from asking.
 *
 * @internal
 */
export function checkEndUserAuth(mesh: IMesh, model: MeshModel, report: Report): void {
  const of = <T>(kind: 'JwtAuthentication' | 'ExternalAuthorizer') => constructsOfKind(mesh, kind).filter(c => tryMeshOf(c) === mesh) as unknown as T[];
  const jwts = of<JwtAuthentication>('JwtAuthentication');
  if (jwts.length > 0) {
    const policies = authorizationPolicies(mesh);
    const workloads = meshWorkloadLabels(model);
    for (const jwt of jwts) {
      checkJwt(mesh, jwt, workloads, policies, report);
    }
  }
  const authorizers = of<ExternalAuthorizer>('ExternalAuthorizer');
  const taken = new Map(extensionProvidersOf(mesh).filter(p => p.kind !== 'authorization').map(p => [p.name, 'a provider of the telemetry stack']));
  for (const authorizer of authorizers) {
    const holder = taken.get(authorizer.providerName);
    if (holder) {
      report('MESH1041', Severity.ERROR, authorizer, `provider name '${authorizer.providerName}' is already ${holder}, and the mesh config's extension providers need unique names: `
        + 'give the authorizer another name');
    } else {
      taken.set(authorizer.providerName, `the name of ExternalAuthorizer ${authorizer.node.path}`);
    }
    const service = authorizer.service;
    if (service && isKind(service, 'MeshService') && model.deniesByDefault(service.namespace) && !AccessModel.of(model).allowListed(service)) {
      report('MESH1048', Severity.WARNING, authorizer, `the authorizer is service '${service.serviceName}', which has no AccessPolicy under deny-by-default, so the proxies that ask it `
        + `are refused and every request a CUSTOM rule sends to provider '${authorizer.providerName}' is denied: give '${service.serviceName}' an AccessPolicy that allows the services whose CUSTOM rules name it`);
    }
  }
}

/** A workload of the mesh as a policy's selector sees it. */
interface WorkloadLabels {
  readonly namespace: string;
  /** The Service or gateway it belongs to: what a policy's targetRef names. */
  readonly owner: string;
  /** How a message names it: `<namespace>/<deployment>`. */
  readonly name: string;
  readonly labels: { readonly [key: string]: string };
}

/** The proxies of the mesh: each version of each service, and each gateway. */
function meshWorkloadLabels(model: MeshModel): WorkloadLabels[] {
  const services = model.services.flatMap(s => s.versions.length === 0
    ? [{ namespace: s.namespace, owner: s.serviceName, name: `${s.namespace}/${s.serviceName}`, labels: { app: s.serviceName } }]
    : s.versions.map(v => ({ namespace: s.namespace, owner: s.serviceName, name: `${s.namespace}/${s.serviceName}-${v.versionName}`, labels: v.selectorLabels })));
  const gateways = model.gateways.map(g => ({ namespace: g.namespace, owner: g.gatewayName, name: `${g.namespace}/${g.serviceName}`, labels: g._podLabels }));
  return [...services, ...gateways];
}

/** Every AuthorizationPolicy the mesh's charts write, as it is written (overrides and patches applied). */
function authorizationPolicies(mesh: IMesh): any[] {
  const objects = meshCharts(mesh).flatMap(chart => chart.node.findAll())
    .filter((c): c is ApiObject => ApiObject.isApiObject(c) && c.kind === 'AuthorizationPolicy' && c.apiVersion.startsWith('security.istio.io/'));
  const written: any[] = [];
  for (const object of objects) {
    try {
      written.push(object.toJson());
    } catch {
      // An object that cannot be rendered reports why itself; it requires nothing.
    }
  }
  return written;
}

function selects(selector: { readonly [key: string]: string } | undefined, labels: { readonly [key: string]: string }): boolean {
  return Object.entries(selector ?? {}).every(([k, v]) => labels[k] === v);
}

/** Whether an AuthorizationPolicy applies to a workload: by namespace (the root namespace's to every one), then selector or targetRefs. */
function appliesTo(policy: any, workload: WorkloadLabels, rootNamespace: string): boolean {
  const namespace = policy?.metadata?.namespace;
  if (workload.namespace !== '*' && namespace !== workload.namespace && namespace !== rootNamespace) {
    return false;
  }
  const spec = policy?.spec ?? {};
  const refs: any[] = [...spec.targetRef ? [spec.targetRef] : [], ...spec.targetRefs ?? []];
  if (refs.length > 0) {
    return refs.some(r => r?.name === workload.owner && namespace === workload.namespace);
  }
  return selects(spec.selector?.matchLabels, workload.labels);
}

/**
 * Whether a policy requires a valid token of some requests: an ALLOW or DENY rule on a request principal or a
 * `request.auth.*` condition. AUDIT only logs, and CUSTOM only chooses what to send to the authorizer.
 */
function requiresToken(policy: any): boolean {
  const action = policy?.spec?.action ?? 'ALLOW';
  if (action !== 'ALLOW' && action !== 'DENY') {
    return false;
  }
  return (policy.spec.rules ?? []).some((rule: any) =>
    (rule?.from ?? []).some((f: any) => (f?.source?.requestPrincipals ?? []).length > 0 || (f?.source?.notRequestPrincipals ?? []).length > 0)
    || (rule?.when ?? []).some((w: any) => typeof w?.key === 'string' && w.key.startsWith('request.auth.')));
}

function checkJwt(mesh: IMesh, jwt: JwtAuthentication, all: WorkloadLabels[], policies: any[], report: Report): void {
  if (jwt.rules.length === 0) {
    // A rule with a mistake was reported and left out: that report says it all.
    if (!recordedProblems(jwt).some(p => !p.warning)) {
      report('MESH1031', Severity.ERROR, jwt, 'has no JWT rule, so it validates no token: add the issuers whose tokens are accepted with rules or addRule()');
    }
    return;
  }
  const root = mesh.rootNamespace;
  const selector = jwt.selectorLabels;
  const meshWide = jwt.namespace === root && !selector;
  let targets = all.filter(w => (meshWide || w.namespace === jwt.namespace) && selects(selector, w.labels));
  if (targets.length === 0) {
    // Workloads the program does not run (an imported service, an empty namespace): the selector stands for them.
    const owner = jwt.gateway?.gatewayName ?? jwt.service?.serviceName ?? '';
    targets = [{ namespace: meshWide ? '*' : jwt.namespace, owner, name: owner ? `${jwt.namespace}/${owner}` : meshWide ? 'the whole mesh' : `namespace '${jwt.namespace}'`, labels: selector ?? {} }];
  }
  const requiring = policies.filter(requiresToken);
  const open = targets.filter(w => !requiring.some(p => appliesTo(p, w, root)));
  if (open.length === 0) {
    return;
  }
  const issuers = jwt.rules.map(r => `'${r.issuer}'`).join(', ');
  const issuer = jwt.rules[0].issuer;
  report('MESH1047', Severity.WARNING, jwt, `tokens of ${jwt.rules.length > 1 ? 'issuers' : 'issuer'} ${issuers} are validated on ${open.map(w => w.name).join(', ')}, `
    + 'but no ALLOW or DENY AuthorizationPolicy there requires one, so requests without a token are let through (only invalid tokens are refused): '
    + `require a token with an access rule from Caller.jwt({ issuer: '${issuer}' }) or Caller.authenticatedUser(), or deny requests without one (notRequestPrincipals: ['*'])`);
}

import { IConstruct } from 'constructs';
import { AccessModel } from './access-model';
import type { MeshCode } from './codes';
import { Severity } from './finding';
import type { MeshModel } from './mesh-model';
import type { IMesh, IMeshService } from '../mesh-identity';
import type { AccessAction } from '../security/access-policy';
import type { Caller } from '../security/caller';
import { mtlsMigrationsOf } from '../security/mtls-migration';
import { MtlsMode } from '../security/mtls-mode';
import { PolicyScope } from '../security/mtls-policy';
import type { MtlsPolicy } from '../security/mtls-policy';
import { plaintextClientsOf } from '../security/plaintext-client';
import type { PlaintextClient } from '../security/plaintext-client';

/** How a whole-mesh check reports a finding (the mesh's analysis passes its own). */
type Report = (code: MeshCode, severity: Severity, scope: IConstruct, message: string) => void;

/** One port a plaintext client calls, with the policy that decides the port's mode. */
interface PlaintextCallPort {
  readonly client: PlaintextClient;
  readonly service: IMeshService;
  readonly port: number;
  readonly policy: MtlsPolicy;
  readonly mode: MtlsMode;
}

/**
 * The checks of a move from PERMISSIVE to STRICT mutual TLS, over the declared plaintext clients and every
 * MtlsPolicy (a migration's stages, the mesh's own, any other):
 * - a STRICT port a plaintext client calls refuses it (MESH1120, on the policy that makes it STRICT);
 * - an AccessPolicy naming callers by identity, or deny-by-default, refuses it whatever the mode (MESH1121);
 * - a PERMISSIVE stage that no plaintext client needs any more can move to STRICT (warning, MESH1122), and so can
 *   a PERMISSIVE mesh that has a migration, once no client breaks anywhere;
 * - a stage that sets the mode its scope inherits anyway changes nothing (warning, MESH1123).
 *
 * @internal
 */
export function checkMtlsMigration(mesh: IMesh, model: MeshModel, report: Report): void {
  const meshPolicy = mesh.node.tryFindChild('MeshMtls') as MtlsPolicy | undefined;
  const migrations = mtlsMigrationsOf(mesh);
  const calls = plaintextCalls(mesh, model, meshPolicy);

  // Per client, service and deciding policy: the STRICT ports, reported together.
  const strict = new Map<string, PlaintextCallPort[]>();
  for (const call of calls.filter(c => c.mode === MtlsMode.STRICT)) {
    const key = `${call.client.node.path}|${call.service.namespace}/${call.service.serviceName}|${call.policy.node.path}`;
    strict.set(key, [...strict.get(key) ?? [], call]);
  }
  for (const group of strict.values()) {
    const { client, service, policy } = group[0];
    const ports = group.map(c => c.port);
    const scope = policy.scope._key(mesh) === 'mesh' ? 'mesh' : policy.scope.service ? 'workload' : 'namespace';
    const keep = scope === 'mesh'
      ? `keep namespace '${service.namespace}' PERMISSIVE for now with MtlsStage.permissive(PolicyScope.namespace('${service.namespace}'))`
      : `keep ${policy.scope._describe(mesh)} PERMISSIVE for now (MtlsStage.permissive)`;
    report('MESH1120', Severity.ERROR, policy === meshPolicy ? mesh : policy,
      `plaintext client '${client.clientName}' (namespace '${client.namespace}') calls service '${service.serviceName}' on port ${ports.join(', ')}, `
      + `which ${policy.scope._describe(mesh)} makes STRICT, so its calls are refused: ${keep}, move the client into the mesh, `
      + `or leave the port PERMISSIVE with MtlsStage.strict(PolicyScope.workload(${service.serviceName}), { permissivePorts: [${ports.join(', ')}] })`);
  }

  for (const client of plaintextClientsOf(mesh)) {
    for (const { service } of client.calls) {
      const access = AccessModel.of(model);
      const policy = access.allowListed(service) ? access.policiesOf(service).find(p => p._allowListed) : undefined;
      if (policy && !access.rulesOf(service, 'ALLOW' as AccessAction).some(r => admitsPlaintext(r.caller))) {
        report('MESH1121', Severity.ERROR, client, `calls service '${service.serviceName}', whose AccessPolicy (${policy.node.path}) names its callers by mTLS identity, and a plaintext call carries none, `
          + 'so it is refused whatever the mTLS mode: admit the client by address (Caller.ipBlock(...)) or every caller (Caller.anyone()) in that AccessPolicy, or move the client into the mesh');
      } else if (!policy && model.deniesByDefault(service.namespace)) {
        report('MESH1121', Severity.ERROR, client, `calls service '${service.serviceName}', which has no AccessPolicy under deny-by-default, so its plaintext calls are refused whatever the mTLS mode: `
          + `give '${service.serviceName}' an AccessPolicy that admits the client by address (Caller.ipBlock(...)) or every caller (Caller.anyone()), or move the client into the mesh`);
      }
    }
  }

  const waitedFor = (policy: MtlsPolicy) => calls.some(c => c.policy === policy && c.mode !== MtlsMode.STRICT);
  for (const migration of migrations) {
    for (const stage of migration.stages) {
      const policy = migration._policyOf(stage)!;
      const what = stage.scope._describe(mesh);
      const inherited = stage.scope.service
        ? model.mtlsPolicyOf(namespaceKey(mesh, stage.scope.service.namespace))?.mode ?? mesh.mtlsMode
        : mesh.mtlsMode;
      const from = stage.scope.service && model.mtlsPolicyOf(namespaceKey(mesh, stage.scope.service.namespace)) ? `namespace '${stage.scope.service.namespace}'` : 'the whole mesh';
      if (stage.mode === inherited && stage.permissivePorts.length === 0) {
        report('MESH1123', Severity.WARNING, policy, `${what} is ${stage.mode}, as ${from} is, so the stage changes nothing: drop it from the migration`);
      } else if (stage.mode === MtlsMode.PERMISSIVE && !waitedFor(policy)) {
        report('MESH1122', Severity.WARNING, policy, `${what} is still PERMISSIVE, but no PlaintextClient calls it in plaintext: move it to STRICT with `
          + `MtlsStage.strict(${scopeSource(stage.scope, mesh)}), or declare the clients it waits for with PlaintextClient`);
      }
    }
  }
  // Not while a client breaks somewhere: the fix is then the error's, not the mesh's next step.
  if (migrations.length > 0 && meshPolicy && mesh.mtlsMode === MtlsMode.PERMISSIVE && !waitedFor(meshPolicy) && strict.size === 0) {
    report('MESH1122', Severity.WARNING, migrations[0], 'the whole mesh is still PERMISSIVE, but no PlaintextClient calls a service whose mode it decides: '
      + "set mtls: MtlsMode.STRICT on the Mesh, the migration's last step, with MtlsStage.permissive() for the scopes that still wait");
  }
}

/**
 * Every port each plaintext client calls, with the MtlsPolicy that decides its mode (the service's own, its
 * namespace's, the mesh's) and that mode.
 */
function plaintextCalls(mesh: IMesh, model: MeshModel, meshPolicy: MtlsPolicy | undefined): PlaintextCallPort[] {
  const calls: PlaintextCallPort[] = [];
  for (const client of plaintextClientsOf(mesh)) {
    for (const { service, ports } of client.calls) {
      const policy = model.mtlsPolicyOf(PolicyScope.workload(service)._key(mesh))
        ?? model.mtlsPolicyOf(namespaceKey(mesh, service.namespace)) ?? meshPolicy;
      for (const port of policy ? ports ?? [] : []) {
        calls.push({ client, service, port, policy: policy!, mode: policy!.modeFor(port) });
      }
    }
  }
  return calls;
}

/**
 * Whether an AccessPolicy admits a call without an mTLS identity: a rule whose caller is not named by a principal.
 * Every caller of today's rules is a service or gateway, named by its principal.
 */
/** Whether a caller may match a call without an mTLS identity or a token: anyone, IP blocks (a plaintext call has no principal, so no namespace). */
function admitsPlaintext(caller: Caller): boolean {
  const f = caller._fields;
  return f.principals === undefined && f.namespaces === undefined && f.requestPrincipals === undefined && caller._conditions.length === 0;
}

/** A namespace's scope key, as PolicyScope.namespace() makes it without its check (the analysis must run on). */
function namespaceKey(mesh: IMesh, namespace: string): string {
  return namespace === mesh.rootNamespace ? 'mesh' : `ns/${namespace}`;
}

/** How a program writes a stage's scope, for a fix. */
function scopeSource(scope: PolicyScope, mesh: IMesh): string {
  return scope.service ? `PolicyScope.workload(${scope.service.serviceName})` : `PolicyScope.namespace('${scope._namespace(mesh)}')`;
}

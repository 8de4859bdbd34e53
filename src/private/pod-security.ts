import type { IConstruct } from 'constructs';
import { checkArray, checkType, quoted } from './enums';
import { reportError, reportWarning } from './errors';
import { LinuxCapability, SeccompProfile } from '../security/container-security';

/**
 * A level of Kubernetes' Pod Security Standards, from the most to the least restrictive.
 *
 * @internal
 */
export type PodSecurityLevel = 'restricted' | 'baseline' | 'privileged';

/**
 * The version of the Pod Security Standards the namespaces' labels name: the Kubernetes version whose kinds
 * the library writes, so that a newer cluster does not judge the pods by rules they were not written for.
 *
 * @internal
 */
export const POD_SECURITY_VERSION = 'v1.27';

/** From the most to the least restrictive. */
const LEVELS: readonly PodSecurityLevel[] = ['restricted', 'baseline', 'privileged'];

/**
 * The capabilities Pod Security "baseline" lets a container add (the runtime's defaults); "restricted" allows
 * only NET_BIND_SERVICE.
 */
const BASELINE_CAPABILITIES: ReadonlySet<string> = new Set([
  'AUDIT_WRITE', 'CHOWN', 'DAC_OVERRIDE', 'FOWNER', 'FSETID', 'KILL', 'MKNOD', 'NET_BIND_SERVICE',
  'SETFCAP', 'SETGID', 'SETPCAP', 'SETUID', 'SYS_CHROOT',
]);

/**
 * The least restrictive of `levels` (a namespace enforces what its weakest pod meets); `restricted` for none.
 *
 * @internal
 */
export function weakestLevel(levels: Iterable<PodSecurityLevel>): PodSecurityLevel {
  let weakest = 0;
  for (const level of levels) {
    weakest = Math.max(weakest, LEVELS.indexOf(level));
  }
  return LEVELS[weakest];
}

/**
 * The pod-level security context of every pod the library writes: non-root, with the runtime's seccomp
 * profile (each container also drops every capability and may not escalate privileges).
 *
 * @internal
 */
export function restrictedPodSecurityContext(): { runAsNonRoot: boolean; seccompProfile: { type: string } } {
  return { runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } };
}

/**
 * `workload` (a manifest with a pod template) with every container and init container that sets no capabilities
 * dropping them all.
 *
 * @internal
 */
export function withCapabilitiesDropped(workload: any): any {
  const pod = workload?.spec?.template?.spec;
  for (const container of [...pod?.containers ?? [], ...pod?.initContainers ?? []]) {
    if (container.securityContext?.capabilities === undefined) {
      container.securityContext = { ...container.securityContext, capabilities: { drop: ['ALL'] } };
    }
  }
  return workload;
}

/**
 * A namespace's Pod Security labels: `enforce` at the level its pods meet, `warn` and `audit` at
 * `restricted`, so that a namespace that enforces less still shows what its pods give up.
 *
 * @internal
 */
export function podSecurityLabels(level: PodSecurityLevel): { [key: string]: string } {
  const labels: { [key: string]: string } = {};
  for (const [mode, modeLevel] of [['enforce', level], ['audit', 'restricted'], ['warn', 'restricted']]) {
    labels[`pod-security.kubernetes.io/${mode}`] = modeLevel;
    labels[`pod-security.kubernetes.io/${mode}-version`] = POD_SECURITY_VERSION;
  }
  return labels;
}

/**
 * A workload's options that relax its container's security context (see `VersionOptions`).
 *
 * @internal
 */
export interface WorkloadSecurityOptions {
  readonly user?: number;
  readonly runAsRoot?: boolean;
  readonly allowPrivilegeEscalation?: boolean;
  readonly readOnlyRootFilesystem?: boolean;
  readonly addCapabilities?: LinuxCapability[];
  readonly seccompProfile?: SeccompProfile;
}

/**
 * A workload container's security context, worked out from its options.
 *
 * @internal
 */
export interface WorkloadSecurity {
  readonly runAsRoot: boolean;
  readonly allowPrivilegeEscalation: boolean;
  readonly readOnlyRootFilesystem: boolean;
  /** Capabilities added back after dropping ALL. */
  readonly addCapabilities: string[];
  /** The container's own seccomp profile; undefined keeps the pod's (RuntimeDefault). */
  readonly seccompProfile?: { type: string; localhostProfile?: string };
  /** The Pod Security level its pods meet. */
  readonly level: PodSecurityLevel;
}

/**
 * Checks a workload's security options and works out its container's security context. A value that cannot
 * be used is reported and the restricted default kept; each relaxation is a warning (MESH0225) naming what it
 * relaxes and the level the namespace falls to.
 *
 * @internal
 */
export function workloadSecurity(scope: IConstruct, options: WorkloadSecurityOptions, namespace: string): WorkloadSecurity {
  const levels: PodSecurityLevel[] = [];
  const relaxes = (prop: string, what: string, level: PodSecurityLevel, fix: string) => {
    levels.push(level);
    const falls = level === 'restricted' ? "stays at Pod Security 'restricted'" : `falls to Pod Security '${level}'`;
    reportWarning(scope, 'MESH0225', `${prop} ${what}: namespace '${namespace}' ${falls}; ${fix}`);
  };
  const flag = (prop: string, value: boolean | undefined, fallback: boolean) => (checkType(scope, prop, value, 'boolean') ? value ?? fallback : fallback);

  let runAsRoot = flag('runAsRoot', options.runAsRoot, false);
  if (runAsRoot && options.user !== undefined) {
    reportError(scope, 'MESH0226', `user ${options.user} contradicts runAsRoot true, which runs the container as user 0: drop user, or drop runAsRoot to run as user ${options.user}`);
    runAsRoot = false;
  } else if (runAsRoot) {
    relaxes('runAsRoot true', 'runs the container as root (runAsUser 0)', 'baseline', 'run it as a non-root user (user) if its image allows');
  }
  const allowPrivilegeEscalation = flag('allowPrivilegeEscalation', options.allowPrivilegeEscalation, false);
  if (allowPrivilegeEscalation) {
    relaxes('allowPrivilegeEscalation true', "lets the container's processes gain privileges (setuid programs, file capabilities)", 'baseline',
      'drop it unless the application runs setuid programs');
  }
  const readOnlyRootFilesystem = flag('readOnlyRootFilesystem', options.readOnlyRootFilesystem, true);
  if (!readOnlyRootFilesystem) {
    relaxes('readOnlyRootFilesystem false', "lets the container write to its image's filesystem", 'restricted',
      'list the directories the application writes to in writablePaths instead');
  }
  const addCapabilities = capabilitiesOf(scope, options.addCapabilities);
  if (addCapabilities.length > 0) {
    const level = addCapabilities.every(c => c === LinuxCapability.NET_BIND_SERVICE) ? 'restricted'
      : addCapabilities.every(c => BASELINE_CAPABILITIES.has(c)) ? 'baseline' : 'privileged';
    relaxes(`addCapabilities ${addCapabilities.map(c => `'${c}'`).join(', ')}`, 'gives the container capabilities back after dropping them all', level,
      'add only what the application needs (NET_BIND_SERVICE alone keeps \'restricted\')');
  }
  const seccompProfile = seccompOf(scope, options.seccompProfile);
  if (seccompProfile?.type === 'Unconfined') {
    relaxes('seccompProfile Unconfined', 'turns seccomp off for the container: every system call is allowed', 'privileged',
      'use SeccompProfile.runtimeDefault(), or SeccompProfile.localhost() with a profile that allows what the application needs');
  } else if (seccompProfile?.type === 'Localhost') {
    relaxes(`seccompProfile Localhost '${seccompProfile.localhostProfile}'`,
      "replaces the runtime's default profile with a file each node must have, which Kubernetes does not check", 'restricted',
      'make sure every node has the profile');
  }
  return { runAsRoot, allowPrivilegeEscalation, readOnlyRootFilesystem, addCapabilities, seccompProfile, level: weakestLevel(levels) };
}

/** The capabilities to add, each once; a name that is not a capability is reported (MESH0227) and left out. */
function capabilitiesOf(scope: IConstruct, capabilities: unknown): string[] {
  if (!checkArray(scope, 'addCapabilities', capabilities) || capabilities === undefined) {
    return [];
  }
  const known = new Set<string>(Object.values(LinuxCapability));
  const result: string[] = [];
  for (const capability of capabilities as unknown[]) {
    if (typeof capability === 'string' && known.has(capability)) {
      if (!result.includes(capability)) {
        result.push(capability);
      }
      continue;
    }
    const unprefixed = typeof capability === 'string' ? capability.toUpperCase().replace(/^CAP_/, '') : undefined;
    const fix = unprefixed !== undefined && known.has(unprefixed)
      ? `drop the 'CAP_' prefix: LinuxCapability.${unprefixed} ('${unprefixed}')`
      : 'use a LinuxCapability, e.g. LinuxCapability.NET_BIND_SERVICE';
    reportError(scope, 'MESH0227', `addCapabilities ${quoted(capability)} is not a Linux capability as Kubernetes names it: ${fix}`);
  }
  return result;
}

/** The container's own seccomp profile, or undefined for the pod's RuntimeDefault; a value not made by SeccompProfile is reported (MESH0096). */
function seccompOf(scope: IConstruct, profile: unknown): { type: string; localhostProfile?: string } | undefined {
  if (profile === undefined) {
    return undefined;
  }
  if (!(profile instanceof SeccompProfile)) {
    reportError(scope, 'MESH0096', 'seccompProfile is not a SeccompProfile: make it with SeccompProfile.runtimeDefault(), SeccompProfile.unconfined() or SeccompProfile.localhost(path)');
    return undefined;
  }
  if (profile.type === 'RuntimeDefault') {
    return undefined;
  }
  return profile.localhostProfile !== undefined ? { type: profile.type, localhostProfile: profile.localhostProfile } : { type: profile.type };
}

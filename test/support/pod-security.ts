/**
 * Kubernetes' Pod Security Standards, checked independently of the library: each control of the "baseline"
 * and "restricted" profiles as https://kubernetes.io/docs/concepts/security/pod-security-standards/ states it
 * (restricted includes baseline), applied to a pod spec. `podSecurityFailures` applies them the way the Pod
 * Security admission controller does: every pod template in a namespace must meet the `enforce` level of the
 * namespace's `pod-security.kubernetes.io/enforce` label, for the namespaces in the same output.
 */

export type PodSecurityLevel = 'privileged' | 'baseline' | 'restricted';

/** A rule of the standard, its level and what it checks; `check` returns what violates it (empty: met). */
export interface PodSecurityRule {
  readonly name: string;
  readonly level: 'baseline' | 'restricted';
  readonly check: (pod: PodView, version: number) => string[];
}

/** A pod spec with its metadata (annotations carry AppArmor profiles before Kubernetes 1.30). */
export interface PodView {
  readonly spec: any;
  readonly annotations: { [key: string]: string };
}

interface NamedContainer {
  readonly path: string;
  readonly container: any;
}

/** Every container of the pod, init and ephemeral included, with where it is. */
function containers(spec: any): NamedContainer[] {
  return ['containers', 'initContainers', 'ephemeralContainers'].flatMap(field =>
    ((spec?.[field] ?? []) as any[]).map(container => ({ path: `${field}[${container?.name}]`, container })));
}

const truthy = (v: unknown) => v !== undefined && v !== null && v !== false;

/** Sysctls "baseline" allows, with the Kubernetes minor that allowed each. */
const SAFE_SYSCTLS: { [name: string]: number } = {
  'kernel.shm_rmid_forced': 0,
  'net.ipv4.ip_local_port_range': 0,
  'net.ipv4.tcp_syncookies': 0,
  'net.ipv4.ping_group_range': 0,
  'net.ipv4.ip_unprivileged_port_start': 22,
  'net.ipv4.ip_local_reserved_ports': 27,
  'net.ipv4.tcp_keepalive_time': 29,
  'net.ipv4.tcp_fin_timeout': 29,
  'net.ipv4.tcp_keepalive_intvl': 29,
  'net.ipv4.tcp_keepalive_probes': 29,
};

const BASELINE_CAPABILITIES = new Set(['AUDIT_WRITE', 'CHOWN', 'DAC_OVERRIDE', 'FOWNER', 'FSETID', 'KILL', 'MKNOD', 'NET_BIND_SERVICE',
  'SETFCAP', 'SETGID', 'SETPCAP', 'SETUID', 'SYS_CHROOT']);

const RESTRICTED_VOLUMES = new Set(['configMap', 'csi', 'downwardAPI', 'emptyDir', 'ephemeral', 'persistentVolumeClaim', 'projected', 'secret']);

/** Each control of the standard, in the order the page lists them. */
export const RULES: PodSecurityRule[] = [
  {
    name: 'HostProcess',
    level: 'baseline',
    check: ({ spec }) => [
      ...truthy(spec.securityContext?.windowsOptions?.hostProcess) ? ['spec.securityContext.windowsOptions.hostProcess'] : [],
      ...containers(spec).filter(c => truthy(c.container.securityContext?.windowsOptions?.hostProcess))
        .map(c => `${c.path}.securityContext.windowsOptions.hostProcess`),
    ],
  },
  {
    name: 'Host Namespaces',
    level: 'baseline',
    check: ({ spec }) => ['hostNetwork', 'hostPID', 'hostIPC'].filter(f => truthy(spec[f])).map(f => `spec.${f}`),
  },
  {
    name: 'Privileged Containers',
    level: 'baseline',
    check: ({ spec }) => containers(spec).filter(c => truthy(c.container.securityContext?.privileged)).map(c => `${c.path}.securityContext.privileged`),
  },
  {
    name: 'Capabilities',
    level: 'baseline',
    check: ({ spec }) => containers(spec).flatMap(c => ((c.container.securityContext?.capabilities?.add ?? []) as string[])
      .filter(cap => !BASELINE_CAPABILITIES.has(cap)).map(cap => `${c.path}.securityContext.capabilities.add ${cap}`)),
  },
  {
    name: 'HostPath Volumes',
    level: 'baseline',
    check: ({ spec }) => ((spec.volumes ?? []) as any[]).filter(v => v.hostPath !== undefined).map(v => `spec.volumes[${v.name}].hostPath`),
  },
  {
    name: 'Host Ports',
    level: 'baseline',
    check: ({ spec }) => containers(spec).flatMap(c => ((c.container.ports ?? []) as any[])
      .filter(p => p.hostPort !== undefined && p.hostPort !== 0).map(p => `${c.path}.ports hostPort ${p.hostPort}`)),
  },
  {
    name: 'AppArmor',
    level: 'baseline',
    check: ({ spec, annotations }) => {
      const allowed = (type: unknown) => type === undefined || type === 'RuntimeDefault' || type === 'Localhost';
      return [
        ...Object.entries(annotations).filter(([k, v]) => k.startsWith('container.apparmor.security.beta.kubernetes.io/')
          && !(v === 'runtime/default' || v.startsWith('localhost/'))).map(([k, v]) => `annotation ${k}: ${v}`),
        ...allowed(spec.securityContext?.appArmorProfile?.type) ? [] : ['spec.securityContext.appArmorProfile.type'],
        ...containers(spec).filter(c => !allowed(c.container.securityContext?.appArmorProfile?.type)).map(c => `${c.path}.securityContext.appArmorProfile.type`),
      ];
    },
  },
  {
    name: 'SELinux',
    level: 'baseline',
    check: ({ spec }) => {
      const contexts = [
        { path: 'spec.securityContext', context: spec.securityContext },
        ...containers(spec).map(c => ({ path: `${c.path}.securityContext`, context: c.container.securityContext })),
      ];
      return contexts.flatMap(({ path, context }) => {
        const options = context?.seLinuxOptions;
        if (!options) {
          return [];
        }
        return [
          ...['', 'container_t', 'container_init_t', 'container_kvm_t'].includes(options.type ?? '') ? [] : [`${path}.seLinuxOptions.type ${options.type}`],
          ...(options.user ?? '') !== '' ? [`${path}.seLinuxOptions.user`] : [],
          ...(options.role ?? '') !== '' ? [`${path}.seLinuxOptions.role`] : [],
        ];
      });
    },
  },
  {
    name: '/proc Mount Type',
    level: 'baseline',
    check: ({ spec }) => containers(spec).filter(c => ![undefined, 'Default'].includes(c.container.securityContext?.procMount))
      .map(c => `${c.path}.securityContext.procMount`),
  },
  {
    name: 'Seccomp',
    level: 'baseline',
    check: ({ spec }) => [
      ...spec.securityContext?.seccompProfile?.type === 'Unconfined' ? ['spec.securityContext.seccompProfile.type Unconfined'] : [],
      ...containers(spec).filter(c => c.container.securityContext?.seccompProfile?.type === 'Unconfined')
        .map(c => `${c.path}.securityContext.seccompProfile.type Unconfined`),
    ],
  },
  {
    name: 'Sysctls',
    level: 'baseline',
    check: ({ spec }, version) => ((spec.securityContext?.sysctls ?? []) as any[])
      .filter(s => !(s.name in SAFE_SYSCTLS) || SAFE_SYSCTLS[s.name] > version).map(s => `spec.securityContext.sysctls ${s.name}`),
  },
  {
    name: 'Volume Types',
    level: 'restricted',
    check: ({ spec }) => ((spec.volumes ?? []) as any[]).flatMap(v => Object.keys(v).filter(k => k !== 'name' && !RESTRICTED_VOLUMES.has(k))
      .map(k => `spec.volumes[${v.name}].${k}`)),
  },
  {
    name: 'Privilege Escalation',
    level: 'restricted',
    check: ({ spec }) => containers(spec).filter(c => c.container.securityContext?.allowPrivilegeEscalation !== false)
      .map(c => `${c.path}.securityContext.allowPrivilegeEscalation`),
  },
  {
    name: 'Running as Non-root',
    level: 'restricted',
    check: ({ spec }) => {
      const pod = spec.securityContext?.runAsNonRoot;
      return [
        ...pod === false ? ['spec.securityContext.runAsNonRoot false'] : [],
        ...containers(spec).filter(c => {
          const own = c.container.securityContext?.runAsNonRoot;
          return own === false || (own === undefined && pod !== true);
        }).map(c => `${c.path}.securityContext.runAsNonRoot`),
      ];
    },
  },
  {
    name: 'Running as Non-root user',
    level: 'restricted',
    check: ({ spec }) => [
      ...spec.securityContext?.runAsUser === 0 ? ['spec.securityContext.runAsUser 0'] : [],
      ...containers(spec).filter(c => c.container.securityContext?.runAsUser === 0).map(c => `${c.path}.securityContext.runAsUser 0`),
    ],
  },
  {
    name: 'Seccomp (restricted)',
    level: 'restricted',
    check: ({ spec }) => {
      const allowed = (type: unknown) => type === 'RuntimeDefault' || type === 'Localhost';
      const pod = spec.securityContext?.seccompProfile?.type;
      return [
        ...pod !== undefined && !allowed(pod) ? [`spec.securityContext.seccompProfile.type ${pod}`] : [],
        ...containers(spec).filter(c => {
          const own = c.container.securityContext?.seccompProfile?.type;
          return own === undefined ? !allowed(pod) : !allowed(own);
        }).map(c => `${c.path}.securityContext.seccompProfile`),
      ];
    },
  },
  {
    name: 'Capabilities (restricted)',
    level: 'restricted',
    check: ({ spec }) => containers(spec).flatMap(c => {
      const capabilities = c.container.securityContext?.capabilities;
      return [
        ...((capabilities?.drop ?? []) as string[]).includes('ALL') ? [] : [`${c.path}.securityContext.capabilities.drop lacks ALL`],
        ...((capabilities?.add ?? []) as string[]).filter(cap => cap !== 'NET_BIND_SERVICE').map(cap => `${c.path}.securityContext.capabilities.add ${cap}`),
      ];
    }),
  },
];

/** The Kubernetes minor of a Pod Security version label (`v1.27`), `latest` or none being the newest the rules know. */
function minorOf(version: string | undefined): number {
  const match = /^v1\.(\d+)$/.exec(version ?? '');
  return match ? Number(match[1]) : Number.MAX_SAFE_INTEGER;
}

/**
 * The rules of `level` (restricted includes baseline) that `pod` violates, as `<rule>: <field>`; empty when it meets the level.
 * `version` is the Pod Security version (`v1.27`, `latest`).
 */
export function podSecurityViolations(pod: PodView, level: PodSecurityLevel, version?: string): string[] {
  const levels = level === 'restricted' ? ['baseline', 'restricted'] : level === 'baseline' ? ['baseline'] : [];
  return RULES.filter(r => levels.includes(r.level)).flatMap(r => r.check(pod, minorOf(version)).map(v => `${r.name}: ${v}`));
}

/** The pod templates of a workload object (or the pod itself), with their metadata; none for other kinds. */
export function podsOf(obj: any): PodView[] {
  const view = (template: any): PodView[] => (template?.spec ? [{ spec: template.spec, annotations: template.metadata?.annotations ?? {} }] : []);
  switch (obj?.kind) {
    case 'Pod':
      return view(obj);
    case 'Deployment':
    case 'DaemonSet':
    case 'StatefulSet':
    case 'ReplicaSet':
    case 'ReplicationController':
    case 'Job':
      return view(obj.spec?.template);
    case 'CronJob':
      return view(obj.spec?.jobTemplate?.spec?.template);
    default:
      return [];
  }
}

/**
 * What the Pod Security admission controller would refuse: for each pod template in a namespace labelled with
 * `pod-security.kubernetes.io/enforce` among `manifests`, the rules of that level it violates.
 */
export function podSecurityFailures(manifests: any[]): { object: string; errors: string[] }[] {
  const enforced = new Map<string, { level: PodSecurityLevel; version?: string }>();
  for (const ns of manifests.filter(m => m?.kind === 'Namespace' && m.apiVersion === 'v1')) {
    const labels = ns.metadata?.labels ?? {};
    const level = labels['pod-security.kubernetes.io/enforce'];
    if (level !== undefined) {
      enforced.set(ns.metadata.name, { level, version: labels['pod-security.kubernetes.io/enforce-version'] });
    }
  }
  const failures: { object: string; errors: string[] }[] = [];
  for (const obj of manifests) {
    const policy = enforced.get(obj?.metadata?.namespace);
    if (!policy) {
      continue;
    }
    const errors = podsOf(obj).flatMap(pod => podSecurityViolations(pod, policy.level, policy.version))
      .map(v => `Pod Security '${policy.level}' of namespace '${obj.metadata.namespace}': ${v}`);
    if (errors.length > 0) {
      failures.push({ object: `${obj.apiVersion}/${obj.kind} ${obj.metadata.namespace}/${obj.metadata.name}`, errors });
    }
  }
  return failures;
}

/**
 * A namespace's labels without its Pod Security ones (undefined when none is left), for tests about the others
 * (injection).
 */
export function withoutPodSecurity(labels: { [key: string]: string } | undefined): { [key: string]: string } | undefined {
  const rest = Object.fromEntries(Object.entries(labels ?? {}).filter(([k]) => !k.startsWith('pod-security.kubernetes.io/')));
  return Object.keys(rest).length > 0 ? rest : undefined;
}

/** The labels a namespace of the mesh carries for a Pod Security level: enforce it, warn and audit at restricted. */
export function podSecurityLabels(enforce: PodSecurityLevel): { [key: string]: string } {
  return {
    'pod-security.kubernetes.io/audit': 'restricted',
    'pod-security.kubernetes.io/audit-version': 'v1.27',
    'pod-security.kubernetes.io/enforce': enforce,
    'pod-security.kubernetes.io/enforce-version': 'v1.27',
    'pod-security.kubernetes.io/warn': 'restricted',
    'pod-security.kubernetes.io/warn-version': 'v1.27',
  };
}

import { meshError } from '../private/errors';

/**
 * A Linux capability, named as Kubernetes names it in `securityContext.capabilities` (without the `CAP_` prefix).
 *
 * @see https://man7.org/linux/man-pages/man7/capabilities.7.html
 * @see https://kubernetes.io/docs/concepts/security/pod-security-standards/
 */
export enum LinuxCapability {
  /** Enable and disable kernel auditing. */
  AUDIT_CONTROL = 'AUDIT_CONTROL',
  /** Read the audit log. */
  AUDIT_READ = 'AUDIT_READ',
  /** Write records to the kernel audit log (allowed by Pod Security "baseline"). */
  AUDIT_WRITE = 'AUDIT_WRITE',
  /** Block system suspend. */
  BLOCK_SUSPEND = 'BLOCK_SUSPEND',
  /** Privileged BPF operations. */
  BPF = 'BPF',
  /** Checkpoint and restore processes. */
  CHECKPOINT_RESTORE = 'CHECKPOINT_RESTORE',
  /** Change file owners (allowed by Pod Security "baseline"). */
  CHOWN = 'CHOWN',
  /** Bypass file permission checks (allowed by Pod Security "baseline"). */
  DAC_OVERRIDE = 'DAC_OVERRIDE',
  /** Bypass file read and directory search permission checks. */
  DAC_READ_SEARCH = 'DAC_READ_SEARCH',
  /** Bypass checks on operations that require the file's owner (allowed by Pod Security "baseline"). */
  FOWNER = 'FOWNER',
  /** Keep set-user-ID and set-group-ID bits when a file is modified (allowed by Pod Security "baseline"). */
  FSETID = 'FSETID',
  /** Lock memory. */
  IPC_LOCK = 'IPC_LOCK',
  /** Bypass System V IPC permission checks. */
  IPC_OWNER = 'IPC_OWNER',
  /** Send signals to any process (allowed by Pod Security "baseline"). */
  KILL = 'KILL',
  /** Take leases on files. */
  LEASE = 'LEASE',
  /** Set the immutable and append-only file attributes. */
  LINUX_IMMUTABLE = 'LINUX_IMMUTABLE',
  /** Configure mandatory access control. */
  MAC_ADMIN = 'MAC_ADMIN',
  /** Override mandatory access control. */
  MAC_OVERRIDE = 'MAC_OVERRIDE',
  /** Create special files (allowed by Pod Security "baseline"). */
  MKNOD = 'MKNOD',
  /** Network administration: interfaces, routing, firewall rules. */
  NET_ADMIN = 'NET_ADMIN',
  /** Bind ports below 1024 (the only capability Pod Security "restricted" lets a container add). */
  NET_BIND_SERVICE = 'NET_BIND_SERVICE',
  /** Broadcast and listen to multicast. */
  NET_BROADCAST = 'NET_BROADCAST',
  /** Raw and packet sockets. */
  NET_RAW = 'NET_RAW',
  /** Performance monitoring. */
  PERFMON = 'PERFMON',
  /** Set file capabilities (allowed by Pod Security "baseline"). */
  SETFCAP = 'SETFCAP',
  /** Change group ids (allowed by Pod Security "baseline"). */
  SETGID = 'SETGID',
  /** Change capability sets (allowed by Pod Security "baseline"). */
  SETPCAP = 'SETPCAP',
  /** Change user ids (allowed by Pod Security "baseline"). */
  SETUID = 'SETUID',
  /** Privileged syslog operations. */
  SYSLOG = 'SYSLOG',
  /** System administration (mounts, namespaces and much more). */
  SYS_ADMIN = 'SYS_ADMIN',
  /** Reboot. */
  SYS_BOOT = 'SYS_BOOT',
  /** Use chroot (allowed by Pod Security "baseline"). */
  SYS_CHROOT = 'SYS_CHROOT',
  /** Load kernel modules. */
  SYS_MODULE = 'SYS_MODULE',
  /** Raise process priorities. */
  SYS_NICE = 'SYS_NICE',
  /** Process accounting. */
  SYS_PACCT = 'SYS_PACCT',
  /** Trace any process. */
  SYS_PTRACE = 'SYS_PTRACE',
  /** Raw I/O. */
  SYS_RAWIO = 'SYS_RAWIO',
  /** Override resource limits. */
  SYS_RESOURCE = 'SYS_RESOURCE',
  /** Set the system clock. */
  SYS_TIME = 'SYS_TIME',
  /** Configure terminals. */
  SYS_TTY_CONFIG = 'SYS_TTY_CONFIG',
  /** Trigger wake-ups. */
  WAKE_ALARM = 'WAKE_ALARM',
}

/**
 * The seccomp profile of a workload's container.
 *
 * @see https://kubernetes.io/docs/tutorials/security/seccomp/
 */
export class SeccompProfile {
  /**
   * The container runtime's default profile (what Pod Security "restricted" asks for).
   */
  public static runtimeDefault(): SeccompProfile {
    return new SeccompProfile('RuntimeDefault');
  }

  /**
   * No seccomp filtering: every system call is allowed. Pod Security "baseline" forbids it, so the namespace is
   * labelled "privileged".
   */
  public static unconfined(): SeccompProfile {
    return new SeccompProfile('Unconfined');
  }

  /**
   * A profile installed on every node, as a file under the kubelet's seccomp directory
   * (`<kubelet root>/seccomp/<path>`). Pod Security "restricted" allows it, but does not see what it allows.
   *
   * @param path the file, relative to the kubelet's seccomp directory, e.g. `profiles/audit.json`
   */
  public static localhost(path: string): SeccompProfile {
    if (typeof path !== 'string' || path === '') {
      throw meshError('MESH0228', 'SeccompProfile.localhost', `path ${path === '' ? "''" : String(path)} is empty: name the profile's file, relative to the kubelet's seccomp directory (e.g. 'profiles/app.json')`);
    }
    // Kubernetes' validation of localhostProfile (validateLocalDescendingPath): relative, and never above its directory.
    if (path.startsWith('/') || path.split(/[\\/]/).includes('..')) {
      throw meshError('MESH0228', 'SeccompProfile.localhost', `path '${path}' leaves the kubelet's seccomp directory: give a path relative to it, without a leading '/' or '..' (e.g. 'profiles/app.json')`);
    }
    return new SeccompProfile('Localhost', path);
  }

  /** The profile type, as Kubernetes names it: `RuntimeDefault`, `Unconfined` or `Localhost`. */
  public readonly type: string;

  /**
   * The file of a `Localhost` profile, relative to the kubelet's seccomp directory.
   *
   * @default - none (not a `Localhost` profile)
   */
  public readonly localhostProfile?: string;

  private constructor(type: string, localhostProfile?: string) {
    this.type = type;
    this.localhostProfile = localhostProfile;
  }
}

import { Duration } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import type { ControlPlaneToleration } from './toleration';
import { CertificateAuthority } from '../ca/certificate-authority';
import { ProxyOptions } from '../sidecar/proxy';

/**
 * The build of Istio's images.
 *
 * @see https://istio.io/latest/docs/ops/configuration/security/harden-docker-images/
 */
export enum ImageVariant {
  /** Debian-based images with a shell and debugging tools. */
  DEFAULT = '',
  /** Distroless images: no shell or package manager, fewer CVEs. */
  DISTROLESS = 'distroless',
}

/**
 * How istiod scales with load.
 */
export interface ControlPlaneAutoscaling {
  /**
   * The fewest replicas.
   *
   * @default 1
   */
  readonly minReplicas?: number;

  /**
   * The most replicas.
   *
   * @default 5
   */
  readonly maxReplicas?: number;

  /**
   * Average CPU use, in percent of the request, that the autoscaler keeps replicas at.
   *
   * @default 80
   */
  readonly targetCpuUtilization?: number;
}

/**
 * Options of a control plane: the ones Istio's Helm values are reached for.
 */
export interface ControlPlaneOptions {
  /**
   * The revision: a name that lets two control planes run side by side (a canary upgrade). Workloads and
   * namespaces choose theirs. Objects of a named revision carry it in their names (`istiod-<revision>`).
   *
   * @default - none: the unnamed `default` revision
   * @see https://istio.io/latest/docs/setup/upgrade/canary/
   */
  readonly revision?: string;

  /**
   * Fixed number of istiod replicas, instead of autoscaling (set one or the other).
   *
   * @default - autoscaled
   */
  readonly replicas?: number;

  /**
   * Autoscaling of istiod on CPU (set this or `replicas`, not both).
   *
   * @default - 1 to 5 replicas at 80% CPU
   */
  readonly autoscaling?: ControlPlaneAutoscaling;

  /**
   * CPU and memory of istiod.
   *
   * @default - requests 500m CPU and 2Gi, no limits (Istio's)
   */
  readonly resources?: kplus.ContainerResources;

  /**
   * Node labels istiod's pods must be scheduled on.
   *
   * @default - any node
   */
  readonly nodeSelector?: { [label: string]: string };

  /**
   * Taints istiod's pods tolerate, beyond Istio CNI's not-ready taint.
   *
   * @default - none
   */
  readonly tolerations?: ControlPlaneToleration[];

  /**
   * The PriorityClass of istiod's pods.
   *
   * @default - none
   */
  readonly priorityClassName?: string;

  /**
   * The registry of this control plane's images (istiod and proxies).
   *
   * @default - the mesh's
   */
  readonly hub?: string;

  /**
   * The tag of this control plane's images: a canary revision runs a newer one.
   *
   * @default - the mesh's
   */
  readonly tag?: string;

  /**
   * The image build.
   *
   * @default ImageVariant.DEFAULT
   */
  readonly variant?: ImageVariant;

  /**
   * istiod's log levels, `<scope>:<level>` separated by commas.
   *
   * @default 'default:info'
   */
  readonly logLevel?: string;

  /**
   * Defaults of every proxy this control plane serves; services override them.
   *
   * @default - Istio's
   */
  readonly proxy?: ProxyOptions;

  /**
   * Who signs workload certificates.
   *
   * @default CertificateAuthority.selfSigned()
   */
  readonly certificateAuthority?: CertificateAuthority;

  /**
   * Whether the Istio CNI node agent sets up the traffic capture of this control plane's pods, so that their
   * sidecar needs no privileged init container (an unprivileged `istio-validation` checks the capture instead)
   * and they can meet the "restricted" Pod Security profile. The mesh installs the agent (see `MeshProps.cni`).
   *
   * Without it, every pod gets `istio-init`, which runs as root with NET_ADMIN and NET_RAW: its namespace must
   * then admit "privileged" pods (synthesis warns).
   *
   * @default true
   * @see https://istio.io/latest/docs/setup/additional-setup/cni/
   */
  readonly cni?: boolean;

  /**
   * Whether every proxy writes Envoy's access log to its standard output.
   *
   * @default false
   */
  readonly accessLogging?: boolean;

  /**
   * How long a proxy's connection to istiod lives before it reconnects (spreading proxies over replicas).
   *
   * @default Duration.minutes(30)
   */
  readonly keepaliveMaxServerConnectionAge?: Duration;
}

/**
 * The Istio CNI node agent (`istio-cni-node`): a DaemonSet that installs Istio's CNI plugin on every node,
 * which sets up each injected pod's traffic capture as the pod's network is created. It serves every control
 * plane whose `cni` is on, whatever their revision: there is one per node, as Istio's `istio-cni` chart installs it.
 *
 * @see https://istio.io/latest/docs/setup/additional-setup/cni/
 */
export interface CniOptions {
  /**
   * Whether the mesh installs the agent. Turn it off when the cluster has one already (from its platform,
   * or installed with another tool): control planes whose `cni` is on still rely on it.
   *
   * @default true
   */
  readonly install?: boolean;

  /**
   * The namespace the agent runs in. Its pods are privileged (they change the nodes' network configuration),
   * and a namespace admits pods up to one Pod Security level, so the agent needs a namespace of its own:
   * not the root namespace nor one with workloads. A Kubernetes system namespace (`kube-system`, which some
   * platforms require for `system-node-critical` pods) is used as it is: the mesh writes no Namespace for it.
   *
   * @default 'istio-cni'
   */
  readonly namespace?: string;

  /**
   * The agent's log levels: `<scope>:<level>` pairs (or one bare level) separated by commas.
   *
   * @default 'info'
   */
  readonly logLevel?: string;

  /**
   * CPU and memory of the agent on each node.
   *
   * @default - requests 100m CPU and 100Mi, no limits (Istio's)
   */
  readonly resources?: kplus.ContainerResources;

  /**
   * Namespaces whose pods the CNI plugin leaves alone, beyond `kube-system` and the agent's own (always left
   * out). A pod there injected by a control plane with `cni` on would never start: nothing captures its
   * traffic, and its `istio-validation` init container fails.
   *
   * @default - none
   */
  readonly excludeNamespaces?: string[];
}

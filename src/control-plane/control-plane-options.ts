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
   * Whether Istio CNI (installed separately) sets up pods' traffic capture, so the sidecar needs no
   * privileged init container.
   *
   * @default false
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

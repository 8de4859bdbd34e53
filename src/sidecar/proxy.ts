import * as kplus from 'cdk8s-plus-27';

/**
 * Envoy's log level.
 *
 * @see https://istio.io/latest/docs/reference/config/annotations/#SidecarLogLevel
 */
export enum ProxyLogLevel {
  /** Everything. */
  TRACE = 'trace',
  /** Debugging detail. */
  DEBUG = 'debug',
  /** Informational messages. */
  INFO = 'info',
  /** Warnings and errors (Istio's default). */
  WARNING = 'warning',
  /** Errors only. */
  ERROR = 'error',
  /** Critical errors only. */
  CRITICAL = 'critical',
  /** Nothing. */
  OFF = 'off',
}

/**
 * Settings of the Envoy proxy beside a workload: mesh-wide on the control plane (`ControlPlaneOptions.proxy`),
 * overridden per service (`MeshServiceProps.proxy`).
 *
 * @see https://istio.io/latest/docs/reference/config/annotations/
 */
export interface ProxyOptions {
  /**
   * CPU and memory of the proxy container (and of its init container).
   *
   * @default - Istio's: requests 100m CPU and 128Mi, limits 2 CPUs and 1Gi
   */
  readonly resources?: kplus.ContainerResources;

  /**
   * Envoy worker threads.
   *
   * @default - derived by the proxy from its CPU limit
   * @see https://istio.io/latest/docs/reference/config/istio.mesh.v1alpha1/#ProxyConfig-concurrency
   */
  readonly concurrency?: number;

  /**
   * Envoy's log level.
   *
   * @default ProxyLogLevel.WARNING
   */
  readonly logLevel?: ProxyLogLevel;

  /**
   * Envoy's per-component log levels, `<component>:<level>` separated by commas.
   *
   * @default 'misc:error'
   */
  readonly componentLogLevel?: string;

  /**
   * Inbound ports whose traffic goes through the proxy.
   *
   * @default - every port
   */
  readonly includeInboundPorts?: number[];

  /**
   * Inbound ports whose traffic bypasses the proxy.
   *
   * @default - none (the proxy's own ports always bypass it)
   */
  readonly excludeInboundPorts?: number[];

  /**
   * Outbound ports whose traffic goes through the proxy whatever its destination address.
   *
   * @default - none beyond `includeOutboundIpRanges`
   */
  readonly includeOutboundPorts?: number[];

  /**
   * Outbound ports whose traffic bypasses the proxy.
   *
   * @default - none
   */
  readonly excludeOutboundPorts?: number[];

  /**
   * Destination IP ranges (CIDR) whose traffic goes through the proxy.
   *
   * @default - every address
   */
  readonly includeOutboundIpRanges?: string[];

  /**
   * Destination IP ranges (CIDR) whose traffic bypasses the proxy.
   *
   * @default - none
   */
  readonly excludeOutboundIpRanges?: string[];

  /**
   * Whether the application's containers start only once the proxy is ready. Native sidecars always
   * start first; this matters for classic sidecars.
   *
   * @default false
   * @see https://istio.io/latest/docs/reference/config/istio.mesh.v1alpha1/#ProxyConfig-hold_application_until_proxy_starts
   */
  readonly holdApplicationUntilProxyStarts?: boolean;

  /**
   * Whether the proxy runs as a Kubernetes native sidecar (an init container with `restartPolicy: Always`,
   * Kubernetes 1.29+) rather than a classic one (an ordinary container beside the application).
   *
   * @default true
   * @see https://kubernetes.io/docs/concepts/workloads/pods/sidecar-containers/
   */
  readonly nativeSidecar?: boolean;
}

import * as kplus from 'cdk8s-plus-27';

/**
 * Options every part of the telemetry stack shares: which image runs it and with what resources.
 */
export interface TelemetryComponentOptions {
  /**
   * The image repository, without tag.
   *
   * @default - the component's upstream image on Docker Hub or Quay
   */
  readonly image?: string;

  /**
   * The image tag: the component's version.
   *
   * @default - the version this release of cdk8s-mesh is tested with
   */
  readonly version?: string;

  /**
   * CPU and memory of the component's container.
   *
   * @default - requests sized for a small mesh, no CPU limit
   */
  readonly resources?: kplus.ContainerResources;
}

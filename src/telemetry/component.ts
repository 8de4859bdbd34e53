import * as kplus from 'cdk8s-plus-27';

/**
 * Options every part of the telemetry stack shares: which image runs it and with what resources.
 */
export interface TelemetryComponentOptions {
  /**
   * The image repository, without tag.
   *
   * @default - the upstream image: `docker.io/prom/prometheus`, `docker.io/grafana/grafana`,
   * `docker.io/jaegertracing/jaeger`, `docker.io/openzipkin/zipkin-slim` or `quay.io/kiali/kiali`
   */
  readonly image?: string;

  /**
   * The image tag: the component's version.
   *
   * @default - Prometheus `v3.10.0`, Grafana `12.2.1`, Jaeger `2.14.0`, Zipkin `3.5.1`, Kiali `v2.17.0`
   */
  readonly version?: string;

  /**
   * CPU and memory of the component's container.
   *
   * @default - requests sized for a small mesh, no CPU limit
   */
  readonly resources?: kplus.ContainerResources;
}

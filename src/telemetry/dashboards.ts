import { createHash } from 'crypto';
import * as common from '@grafana/grafana-foundation-sdk/common';
import * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';
import * as prometheus from '@grafana/grafana-foundation-sdk/prometheus';
import * as stat from '@grafana/grafana-foundation-sdk/stat';
import * as timeseries from '@grafana/grafana-foundation-sdk/timeseries';
import type { IMesh } from '../mesh-identity';
import { IMeshService } from '../mesh-identity';
import { isHttpProtocol } from '../private/protocols';
import { Protocol } from '../traffic/protocol';

const sdk = { common, dashboard, prometheus, stat, timeseries };

/**
 * The uid of the provisioned Prometheus data source every panel reads.
 *
 * @internal
 */
export const PROMETHEUS_DATASOURCE_UID = 'prometheus';

/**
 * The rate window of every query: Grafana's `$__rate_interval`, at least four scrape intervals.
 *
 * @internal
 */
export const RATE_WINDOW = '$__rate_interval';

/**
 * A service as its dashboard sees it: where its metrics come from and which versions it has.
 *
 * @internal
 */
export interface DashboardService {
  readonly service: IMeshService;
  readonly versions: string[];
}

const datasource = { type: 'prometheus', uid: PROMETHEUS_DATASOURCE_UID };

/** A PromQL label matcher list, values quoted. */
function selector(labels: [string, string, string][]): string {
  return `{${labels.map(([name, op, value]) => `${name}${op}${JSON.stringify(value)}`).join(',')}}`;
}

/**
 * The queries of one service's panels, over Istio's standard metrics as the destination's proxy reports
 * them. `by` is the breakdown (`destination_version` puts a canary beside its baseline).
 */
class ServiceQueries {
  private readonly base: [string, string, string][];

  public constructor(service: IMeshService, version?: string) {
    this.base = [
      ['reporter', '=', 'destination'],
      ['destination_service_namespace', '=', service.namespace],
      ['destination_service_name', '=', service.serviceName],
      ...version !== undefined ? [['destination_version', '=', version] as [string, string, string]] : [],
    ];
  }

  public requestRate(by: string): string {
    return `sum by (${by}) (rate(istio_requests_total${selector(this.base)}[${RATE_WINDOW}]))`;
  }

  public errorRatio(by: string): string {
    const errors = selector([...this.base, ['response_code', '=~', '5..']]);
    return `sum by (${by}) (rate(istio_requests_total${errors}[${RATE_WINDOW}])) / sum by (${by}) (rate(istio_requests_total${selector(this.base)}[${RATE_WINDOW}]))`;
  }

  public latency(quantile: number, by: string): string {
    return `histogram_quantile(${quantile}, sum by (le, ${by}) (rate(istio_request_duration_milliseconds_bucket${selector(this.base)}[${RATE_WINDOW}])))`;
  }

  public tcpBytes(metric: 'sent' | 'received', by: string): string {
    return `sum by (${by}) (rate(istio_tcp_${metric}_bytes_total${selector(this.base)}[${RATE_WINDOW}]))`;
  }

  public tcpConnections(by: string): string {
    return `sum by (${by}) (rate(istio_tcp_connections_opened_total${selector(this.base)}[${RATE_WINDOW}]))`;
  }
}

function query(expr: string, legend: string, refId: string): prometheus.DataqueryBuilder {
  return new sdk.prometheus.DataqueryBuilder().expr(expr).legendFormat(legend).refId(refId).datasource(datasource);
}

function timeSeries(title: string, unit: string, queries: prometheus.DataqueryBuilder[], width: number = 8): timeseries.PanelBuilder {
  const panel = new sdk.timeseries.PanelBuilder()
    .title(title)
    .unit(unit)
    .min(0)
    .span(width)
    .height(8)
    .datasource(datasource)
    .legend(new sdk.common.VizLegendOptionsBuilder()
      .displayMode(sdk.common.LegendDisplayMode.List)
      .placement(sdk.common.LegendPlacement.Bottom)
      .showLegend(true));
  queries.forEach(q => panel.withTarget(q));
  return panel;
}

function statPanel(title: string, unit: string, expr: string): stat.PanelBuilder {
  return new sdk.stat.PanelBuilder()
    .title(title)
    .unit(unit)
    .span(6)
    .height(4)
    .datasource(datasource)
    .withTarget(query(expr, title, 'A'));
}

/** The panels of one breakdown of a service: all versions side by side, or one version alone. */
function servicePanels(d: DashboardService, version: string | undefined): timeseries.PanelBuilder[] {
  const q = new ServiceQueries(d.service, version);
  const by = version === undefined ? 'destination_version' : 'response_code';
  const legend = version === undefined ? '{{destination_version}}' : '{{response_code}}';
  const quantiles = [0.5, 0.9, 0.99];
  const latency = quantiles.map((p, i) =>
    query(q.latency(p, 'destination_version'), version === undefined ? `p${p * 100} {{destination_version}}` : `p${p * 100}`, String.fromCharCode(65 + i)));
  if (!d.service.ports.some(p => isHttpProtocol(p.protocol ?? Protocol.HTTP))) {
    return [
      timeSeries('Bytes received', 'Bps', [query(q.tcpBytes('received', 'destination_version'), '{{destination_version}}', 'A')]),
      timeSeries('Bytes sent', 'Bps', [query(q.tcpBytes('sent', 'destination_version'), '{{destination_version}}', 'A')]),
      timeSeries('Connections opened', 'cps', [query(q.tcpConnections('destination_version'), '{{destination_version}}', 'A')]),
    ];
  }
  return [
    timeSeries(version === undefined ? 'Request rate by version' : 'Request rate by response code', 'reqps', [query(q.requestRate(by), legend, 'A')]),
    timeSeries(version === undefined ? 'Error rate (5xx) by version' : 'Error rate (5xx)', 'percentunit', [query(q.errorRatio('destination_version'), '{{destination_version}}', 'A')]),
    timeSeries(version === undefined ? 'Latency p50 / p90 / p99 by version' : 'Latency p50 / p90 / p99', 'ms', latency),
  ];
}

/** A dashboard generated from the model: read-only (it changes with the mesh), the last hour, refreshed every 30 s. */
function newDashboard(title: string, id: string, tags: string[], description: string): dashboard.DashboardBuilder {
  return new sdk.dashboard.DashboardBuilder(title)
    .uid(id)
    .tags(['cdk8s-mesh', ...tags])
    .description(description)
    .readonly()
    .refresh('30s')
    .time({ from: 'now-1h', to: 'now' })
    .timezone('browser');
}

/**
 * A Grafana uid (letters, digits, '-' and '_', at most 40 characters) for a name: the name itself when it fits,
 * else a hash of it. Service names join namespace and service with '_', which neither has, so they never collide.
 */
function uid(prefix: string, name: string): string {
  const plain = `${prefix}-${name}`;
  return plain.length <= 40 ? plain : `${prefix}-${createHash('sha256').update(name).digest('hex').slice(0, 39 - prefix.length)}`;
}

/**
 * One service's dashboard: a row comparing every version (a canary next to its baseline), then a row per
 * version with its request rate, error rate and p50/p90/p99 latency.
 *
 * @internal
 */
export function serviceDashboard(d: DashboardService): object {
  const s = d.service;
  const builder = newDashboard(`${s.serviceName} (${s.namespace})`, uid('svc', `${s.namespace}_${s.serviceName}`), ['service', s.namespace],
    `Istio's standard metrics for ${s.host}, as its workloads' proxies report them.`);
  builder.withRow(new sdk.dashboard.RowBuilder(`${s.serviceName}: all versions`));
  servicePanels(d, undefined).forEach(p => builder.withPanel(p));
  for (const version of d.versions) {
    builder.withRow(new sdk.dashboard.RowBuilder(`${s.serviceName} ${version}`));
    servicePanels(d, version).forEach(p => builder.withPanel(p));
  }
  return builder.build();
}

/**
 * The mesh's overview: mesh-wide request rate, success rate and latency, then request rate, error rate and
 * p99 latency broken down by service. One query per panel covers every service, so the dashboard's size
 * does not grow with the mesh (a ConfigMap holds at most 1 MiB).
 *
 * @internal
 */
export function meshDashboard(mesh: IMesh, namespaces: string[]): object {
  const inMesh: [string, string, string][] = [['reporter', '=', 'destination'], ['destination_service_namespace', '=~', namespaces.join('|')]];
  const all = selector(inMesh);
  const errors = selector([...inMesh, ['response_code', '=~', '5..']]);
  const byService = 'destination_service_namespace, destination_service_name';
  const legend = '{{destination_service_name}}.{{destination_service_namespace}}';
  const builder = newDashboard(`${mesh.node.id} mesh`, uid('mesh', mesh.node.id), ['mesh'], `Every service of mesh ${mesh.node.id}, from Istio's standard metrics.`);
  builder.withRow(new sdk.dashboard.RowBuilder('Mesh'));
  builder.withPanel(statPanel('Requests per second', 'reqps', `sum(rate(istio_requests_total${all}[${RATE_WINDOW}]))`));
  builder.withPanel(statPanel('Success rate (non-5xx)', 'percentunit',
    `1 - (sum(rate(istio_requests_total${errors}[${RATE_WINDOW}])) / sum(rate(istio_requests_total${all}[${RATE_WINDOW}])))`));
  builder.withPanel(statPanel('p99 latency', 'ms',
    `histogram_quantile(0.99, sum by (le) (rate(istio_request_duration_milliseconds_bucket${all}[${RATE_WINDOW}])))`));
  builder.withPanel(statPanel('Services receiving requests', 'none', `count(count by (${byService}) (rate(istio_requests_total${all}[${RATE_WINDOW}]) > 0))`));
  builder.withRow(new sdk.dashboard.RowBuilder('Services'));
  builder.withPanel(timeSeries('Request rate by service', 'reqps', [query(`sum by (${byService}) (rate(istio_requests_total${all}[${RATE_WINDOW}]))`, legend, 'A')]));
  builder.withPanel(timeSeries('Error rate (5xx) by service', 'percentunit', [query(
    `sum by (${byService}) (rate(istio_requests_total${errors}[${RATE_WINDOW}])) / sum by (${byService}) (rate(istio_requests_total${all}[${RATE_WINDOW}]))`, legend, 'A')]));
  builder.withPanel(timeSeries('p99 latency by service', 'ms', [query(
    `histogram_quantile(0.99, sum by (le, ${byService}) (rate(istio_request_duration_milliseconds_bucket${all}[${RATE_WINDOW}])))`, legend, 'A')]));
  return builder.build();
}

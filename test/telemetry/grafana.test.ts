import type * as lezer from '@prometheus-io/lezer-promql' with { 'resolution-mode': 'require' };
import { Testing } from 'cdk8s';
import * as YAML from 'yaml';
import { GrafanaRole, Mesh, MeshService, MeshTesting, Protocol, TelemetryStack, TracingBackend } from '../../src';
import { promtool } from '../support/promtool';
import { validateManifests } from '../support/schemas';
import { newMesh, newService, synthErrors } from '../support/util';

// The grammar ships as an ES module with a CommonJS build beside it (its `require` export), which jest loads.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { parser } = require('@prometheus-io/lezer-promql') as typeof lezer;

/** Every dashboard the mesh's Grafana is provisioned with, by ConfigMap name. */
function dashboards(manifests: any[]): { [configMap: string]: any } {
  return Object.fromEntries(manifests
    .filter(m => m.kind === 'ConfigMap' && m.metadata.name.startsWith('grafana-dashboard-') && m.metadata.name !== 'grafana-dashboard-providers')
    .map(m => [m.metadata.name, JSON.parse(Object.values(m.data)[0] as string)]));
}

/** The rows of a dashboard, each with the titles of the panels that follow it. */
function rows(dashboard: any): { [row: string]: string[] } {
  const result: { [row: string]: string[] } = {};
  let current = '';
  for (const panel of dashboard.panels) {
    if (panel.type === 'row') {
      current = panel.title;
      result[current] = [];
    } else {
      result[current].push(panel.title);
    }
  }
  return result;
}

/** Every PromQL query of every dashboard. */
function queries(manifests: any[]): string[] {
  return Object.values(dashboards(manifests)).flatMap((d: any) => d.panels.flatMap((p: any) => (p.targets ?? []).map((t: any) => t.expr)));
}

/**
 * A query as Prometheus receives it: Grafana substitutes its own variables first (`$__rate_interval`
 * becomes a duration).
 */
function interpolate(expr: string): string {
  return expr.replace(/\$__rate_interval/g, '1m');
}

/** The syntax errors the Prometheus project's own PromQL grammar finds. */
function promqlErrors(expr: string): number[] {
  const errors: number[] = [];
  parser.parse(expr).iterate({
    enter: node => {
      if (node.type.isError) {
        errors.push(node.from);
      }
    },
  });
  return errors;
}

function bookstore(): { mesh: Mesh; reviews: MeshService } {
  const mesh = newMesh();
  new TelemetryStack(mesh, 'Telemetry', { tracing: TracingBackend.jaeger() });
  const reviews = newService(mesh, 'reviews', ['v1', 'v2', 'v3']);
  newService(mesh, 'ratings', ['v1'], { namespace: 'backend' });
  const db = new MeshService(mesh, 'db', { ports: [{ port: 5432, protocol: Protocol.TCP }], namespace: 'backend' });
  db.addVersion('v1', { image: 'postgres:16' });
  return { mesh, reviews };
}

describe('Grafana', () => {
  test('a dashboard per service with a row comparing versions and a row per version, plus the mesh overview', () => {
    // GIVEN services added after the stack
    const { mesh } = bookstore();
    // WHEN
    const manifests = MeshTesting.synth(mesh);
    const all = dashboards(manifests);
    // THEN
    expect(Object.keys(all)).toEqual([
      'grafana-dashboard-mesh',
      'grafana-dashboard-default.reviews',
      'grafana-dashboard-backend.ratings',
      'grafana-dashboard-backend.db',
    ]);
    const http = ['Request rate by version', 'Error rate (5xx) by version', 'Latency p50 / p90 / p99 by version'];
    const perVersion = ['Request rate by response code', 'Error rate (5xx)', 'Latency p50 / p90 / p99'];
    expect(rows(all['grafana-dashboard-default.reviews'])).toEqual({
      'reviews: all versions': http,
      'reviews v1': perVersion,
      'reviews v2': perVersion,
      'reviews v3': perVersion,
    });
    expect(rows(all['grafana-dashboard-backend.db'])).toEqual({
      'db: all versions': ['Bytes received', 'Bytes sent', 'Connections opened'],
      'db v1': ['Bytes received', 'Bytes sent', 'Connections opened'],
    });
    expect(rows(all['grafana-dashboard-mesh'])).toEqual({
      Mesh: ['Requests per second', 'Success rate (non-5xx)', 'p99 latency', 'Services receiving requests'],
      Services: ['Request rate by service', 'Error rate (5xx) by service', 'p99 latency by service'],
    });
    expect(all['grafana-dashboard-mesh'].panels[1].targets[0].expr).toEqual(
      'sum(rate(istio_requests_total{reporter="destination",destination_service_namespace=~"backend|default|istio-cni|istio-system"}[$__rate_interval]))');
    const reviews = all['grafana-dashboard-default.reviews'];
    expect(reviews.uid).toEqual('svc-default_reviews');
    expect(reviews.title).toEqual('reviews (default)');
    expect(reviews.editable).toEqual(false);
    expect(validateManifests(manifests)).toEqual([]);
  });

  test('every dashboard lays its panels out on Grafana\'s 24-column grid without overlaps', () => {
    for (const [name, dashboard] of Object.entries(dashboards(MeshTesting.synth(bookstore().mesh)))) {
      const cells = new Set<string>();
      for (const p of dashboard.panels) {
        const { x, y, w, h } = p.gridPos;
        expect({ name, panel: p.title, fits: x >= 0 && w > 0 && x + w <= 24 && h > 0 }).toEqual({ name, panel: p.title, fits: true });
        for (let i = x; i < x + w; i++) {
          for (let j = y; j < y + h; j++) {
            expect({ name, panel: p.title, overlaps: cells.has(`${i},${j}`) }).toEqual({ name, panel: p.title, overlaps: false });
            cells.add(`${i},${j}`);
          }
        }
      }
    }
  });

  test('the queries read Istio\'s standard metrics of the service, broken down by version', () => {
    const { mesh } = bookstore();
    const reviews = dashboards(MeshTesting.synth(mesh))['grafana-dashboard-default.reviews'];
    const targets = reviews.panels.filter((p: any) => p.targets).map((p: any) => p.targets.map((t: any) => [t.expr, t.legendFormat]));
    const sel = 'reporter="destination",destination_service_namespace="default",destination_service_name="reviews"';
    expect(targets[0]).toEqual([[`sum by (destination_version) (rate(istio_requests_total{${sel}}[$__rate_interval]))`, '{{destination_version}}']]);
    expect(targets[1]).toEqual([[
      `sum by (destination_version) (rate(istio_requests_total{${sel},response_code=~"5.."}[$__rate_interval])) / sum by (destination_version) (rate(istio_requests_total{${sel}}[$__rate_interval]))`,
      '{{destination_version}}',
    ]]);
    expect(targets[2].map((t: string[]) => t[1])).toEqual(['p50 {{destination_version}}', 'p90 {{destination_version}}', 'p99 {{destination_version}}']);
    expect(targets[2][2][0]).toEqual(`histogram_quantile(0.99, sum by (le, destination_version) (rate(istio_request_duration_milliseconds_bucket{${sel}}[$__rate_interval])))`);
    // the v2 row reads v2 only
    expect(targets[6][0][0]).toContain(`${sel},destination_version="v2"`);
    // every panel reads the provisioned Prometheus
    expect(new Set(reviews.panels.filter((p: any) => p.targets).map((p: any) => p.datasource.uid))).toEqual(new Set(['prometheus']));
  });

  test('every query parses with the Prometheus project\'s PromQL grammar', () => {
    const all = queries(MeshTesting.synth(bookstore().mesh));
    expect(all.length).toBeGreaterThan(40);
    for (const expr of all) {
      expect({ expr, errors: promqlErrors(interpolate(expr)) }).toEqual({ expr, errors: [] });
    }
    // the grammar does find errors: an unclosed selector and a missing range
    expect(promqlErrors('sum(rate(istio_requests_total{reporter="destination"[1m]))').length).toBeGreaterThan(0);
    expect(promqlErrors('histogram_quantile(0.99, sum by (le) (rate(x[])))').length).toBeGreaterThan(0);
  });

  test('every query passes promtool check rules as a recording rule', () => {
    const all = queries(MeshTesting.synth(bookstore().mesh));
    const rules = { groups: [{ name: 'dashboards', rules: all.map((expr, i) => ({ record: `cdk8s_mesh:dashboard_query:${i}`, expr: interpolate(expr) })) }] };
    const result = promtool(['check', 'rules', 'rules.yml'], { 'rules.yml': YAML.stringify(rules) });
    expect(result.output).toContain(`SUCCESS: ${all.length} rules found`);
    expect(result.status).toEqual(0);
    // and promtool fails a broken one
    const broken = promtool(['check', 'rules', 'rules.yml'], { 'rules.yml': YAML.stringify({ groups: [{ name: 'x', rules: [{ record: 'x:y', expr: 'sum(rate(x[1m])' }] }] }) });
    expect(broken.status).not.toEqual(0);
  });

  test('provisions Prometheus and the tracing backend as data sources, and the dashboards as files in folders', () => {
    // GIVEN
    const { mesh } = bookstore();
    // WHEN
    const manifests = MeshTesting.synth(mesh);
    // THEN
    expect(YAML.parse(MeshTesting.find(manifests, 'ConfigMap', 'grafana-datasources').data['datasources.yaml'])).toEqual({
      apiVersion: 1,
      datasources: [
        { name: 'Prometheus', uid: 'prometheus', type: 'prometheus', access: 'proxy', url: 'http://prometheus.istio-system.svc.cluster.local:9090', isDefault: true, editable: false, jsonData: { timeInterval: '15s' } },
        { name: 'Tracing', uid: 'tracing', type: 'jaeger', access: 'proxy', url: 'http://tracing.istio-system.svc.cluster.local:80/jaeger', editable: false },
      ],
    });
    expect(YAML.parse(MeshTesting.find(manifests, 'ConfigMap', 'grafana-dashboard-providers').data['dashboards.yaml']).providers[0]).toEqual({
      name: 'cdk8s-mesh',
      orgId: 1,
      type: 'file',
      disableDeletion: true,
      allowUiUpdates: false,
      updateIntervalSeconds: 30,
      options: { path: '/var/lib/grafana/dashboards', foldersFromFilesStructure: true },
    });
    const pod = MeshTesting.find(manifests, 'Deployment', 'grafana').spec.template.spec;
    expect(pod.containers[0].image).toEqual('docker.io/grafana/grafana:12.2.1');
    expect(pod.containers[0].volumeMounts.slice(5)).toEqual([
      { name: 'dashboards-0', mountPath: '/var/lib/grafana/dashboards/Mesh', readOnly: true },
      { name: 'dashboards-1', mountPath: '/var/lib/grafana/dashboards/backend', readOnly: true },
      { name: 'dashboards-2', mountPath: '/var/lib/grafana/dashboards/default', readOnly: true },
    ]);
    expect(pod.volumes.slice(5)).toEqual([
      { name: 'dashboards-0', projected: { sources: [{ configMap: { name: 'grafana-dashboard-mesh' } }] } },
      { name: 'dashboards-1', projected: { sources: [{ configMap: { name: 'grafana-dashboard-backend.db' } }, { configMap: { name: 'grafana-dashboard-backend.ratings' } }] } },
      { name: 'dashboards-2', projected: { sources: [{ configMap: { name: 'grafana-dashboard-default.reviews' } }] } },
    ]);
    const ini = iniOf(manifests);
    expect(ini['auth.anonymous']).toEqual({ enabled: 'true', org_name: 'Main Org.', org_role: 'Viewer' });
    // No administrator, no login form, and no password on API requests: Grafana's own defaults would take admin/admin.
    expect(ini.auth).toEqual({ disable_login_form: 'true' });
    expect(ini['auth.basic']).toEqual({ enabled: 'false' });
    expect(ini.security).toEqual({ disable_initial_admin_creation: 'true', disable_gravatar: 'true' });
    expect(ini.users).toEqual({ allow_sign_up: 'false', allow_org_create: 'false' });
    expect(ini.analytics).toEqual({ check_for_updates: 'false', reporting_enabled: 'false' });
    expect(pod.containers[0].env).toEqual([
      { name: 'GF_PATHS_DATA', value: '/var/lib/grafana' },
      { name: 'GF_PATHS_PROVISIONING', value: '/etc/grafana/provisioning' },
    ]);
  });

  test('the dashboard folders and their ConfigMaps are in name order, whatever the order services were written in', () => {
    // GIVEN services in two namespaces, written in either order
    const volumes = (names: string[]) => {
      const mesh = newMesh({ installCrds: false });
      names.forEach(name => newService(mesh, name, ['v1'], { namespace: name === 'db' ? 'data' : 'shop' }));
      new TelemetryStack(mesh, 'telemetry');
      return MeshTesting.find(MeshTesting.synth(mesh), 'Deployment', 'grafana').spec.template.spec.volumes.filter((v: any) => v.projected);
    };
    // WHEN / THEN the Deployment is the same
    expect(volumes(['web', 'db', 'api'])).toEqual([
      { name: 'dashboards-0', projected: { sources: [{ configMap: { name: 'grafana-dashboard-mesh' } }] } },
      { name: 'dashboards-1', projected: { sources: [{ configMap: { name: 'grafana-dashboard-data.db' } }] } },
      { name: 'dashboards-2', projected: { sources: [{ configMap: { name: 'grafana-dashboard-shop.api' } }, { configMap: { name: 'grafana-dashboard-shop.web' } }] } },
    ]);
    expect(volumes(['api', 'web', 'db'])).toEqual(volumes(['web', 'db', 'api']));
  });

  test('an admin Secret creates that administrator and turns the login form on, basic auth still off; dashboards for chosen services only', () => {
    // GIVEN
    const mesh = newMesh();
    const reviews = newService(mesh, 'reviews', ['v1']);
    newService(mesh, 'ratings', ['v1']);
    // WHEN
    const stack = new TelemetryStack(mesh, 'Telemetry', { grafana: { adminSecretName: 'grafana-admin', anonymousRole: GrafanaRole.VIEWER, serviceDashboards: [reviews] } });
    newService(mesh, 'details', ['v1']);
    const manifests = MeshTesting.synth(mesh);
    // THEN
    expect(stack.grafana!.dashboardServices).toEqual([reviews]);
    expect(Object.keys(dashboards(manifests))).toEqual(['grafana-dashboard-mesh', 'grafana-dashboard-default.reviews']);
    const ini = iniOf(manifests);
    expect(ini['auth.anonymous'].org_role).toEqual('Viewer');
    expect(ini.auth).toEqual({ disable_login_form: 'false' });
    expect(ini['auth.basic']).toEqual({ enabled: 'false' });
    expect(ini.security.disable_initial_admin_creation).toEqual('false');
    expect(MeshTesting.find(manifests, 'Deployment', 'grafana').spec.template.spec.containers[0].env.slice(2)).toEqual([
      { name: 'GF_SECURITY_ADMIN_USER', valueFrom: { secretKeyRef: { name: 'grafana-admin', key: 'admin-user' } } },
      { name: 'GF_SECURITY_ADMIN_PASSWORD', valueFrom: { secretKeyRef: { name: 'grafana-admin', key: 'admin-password' } } },
    ]);
    expect(validateManifests(manifests)).toEqual([]);
  });

  test('a version added after synthesis planning still gets its row (dashboards are rendered at synth)', () => {
    const mesh = newMesh();
    new TelemetryStack(mesh, 'Telemetry');
    const reviews = newService(mesh, 'reviews', ['v1']);
    reviews.addVersion('v2-canary', { image: 'example/reviews:v2' });
    expect(Object.keys(rows(dashboards(MeshTesting.synth(mesh))['grafana-dashboard-default.reviews']))).toEqual([
      'reviews: all versions', 'reviews v1', 'reviews v2-canary',
    ]);
  });

  test('a long service name gets a hashed uid within Grafana\'s 40 characters', () => {
    const mesh = newMesh();
    new TelemetryStack(mesh, 'Telemetry');
    newService(mesh, 'a-very-long-service-name-for-the-recommendations', ['v1'], { namespace: 'storefront-production' });
    const uid = dashboards(MeshTesting.synth(mesh))['grafana-dashboard-storefront-production.a-very-long-service-name-for-the-recommendations'].uid;
    expect(uid).toMatch(/^svc-[0-9a-f]{36}$/);
  });

  test('services whose namespace and name join to one string get dashboards of their own', () => {
    // GIVEN 'b-c' in namespace 'a' and 'c' in namespace 'a-b': joined with '-', both were 'a-b-c'
    const mesh = newMesh();
    new TelemetryStack(mesh, 'Telemetry');
    newService(mesh, 'b-c', ['v1'], { namespace: 'a' });
    newService(mesh, 'c', ['v1'], { namespace: 'a-b' });

    // THEN
    expect(synthErrors(mesh)).toEqual([]);
    const manifests = MeshTesting.synth(mesh);
    const all = dashboards(manifests);
    expect(Object.keys(all)).toEqual(['grafana-dashboard-mesh', 'grafana-dashboard-a.b-c', 'grafana-dashboard-a-b.c']);
    expect([all['grafana-dashboard-a.b-c'].uid, all['grafana-dashboard-a-b.c'].uid]).toEqual(['svc-a_b-c', 'svc-a-b_c']);
    validateManifests(manifests);
  });

  test('fails on a dashboard for a service not in the mesh', () => {
    // GIVEN
    const mesh = newMesh();
    const other = new Mesh(Testing.app(), 'other');
    const foreign = newService(other, 'payments', ['v1']);
    const imported = MeshService.fromName(mesh, 'Legacy', 'legacy');
    const reviews = newService(mesh, 'reviews', ['v1']);
    // WHEN
    const stack = new TelemetryStack(mesh, 'Telemetry', { grafana: { serviceDashboards: [foreign, imported, reviews] } });
    // THEN both are reported, and left out of the dashboards
    expect(synthErrors(mesh)).toEqual([
      "[mesh-telemetry/Grafana] [MESH0420] service 'payments' (other/payments) is not a MeshService of mesh 'mesh', so its versions are unknown: name services defined with new MeshService() in this mesh",
      "[mesh-telemetry/Grafana] [MESH0420] service 'legacy' (mesh/Legacy) is not a MeshService of mesh 'mesh', so its versions are unknown: name services defined with new MeshService() in this mesh",
    ]);
    expect(stack.grafana!.dashboardServices).toEqual([reviews]);
  });

  test('fails on an admin Secret name that is not a DNS label', () => {
    const mesh = newMesh();
    new TelemetryStack(mesh, 'Telemetry', { grafana: { adminSecretName: 'Admin Secret' } });
    expect(synthErrors(mesh)).toEqual([
      "[mesh-telemetry/Grafana] [MESH0001] adminSecretName 'Admin Secret' is not a valid DNS label: use at most 63 lowercase letters, digits and '-', starting and ending with a letter or digit",
    ]);
  });

  test.each(['Editor', 'Admin'])('fails on an anonymous role of %s: anyone who reaches Grafana would change it', role => {
    // GIVEN a role above Viewer (from JavaScript: GrafanaRole offers no other)
    const mesh = newMesh();
    // WHEN
    new TelemetryStack(mesh, 'Telemetry', { grafana: { anonymousRole: role as GrafanaRole } });
    // THEN
    expect(synthErrors(mesh)).toEqual([
      `[mesh-telemetry/Grafana] [MESH0440] anonymousRole '${role}' lets anyone who reaches Grafana change it without logging in: anonymous visitors are at most viewers, use GrafanaRole.VIEWER (and an adminSecretName to log in and edit)`,
    ]);
  });

  test('an anonymous role of Viewer is accepted, with an admin Secret or without', () => {
    for (const adminSecretName of [undefined, 'grafana-admin']) {
      const mesh = newMesh();
      new TelemetryStack(mesh, 'Telemetry', { grafana: { anonymousRole: GrafanaRole.VIEWER, adminSecretName } });
      expect(synthErrors(mesh)).toEqual([]);
    }
  });

  test('fails on every mistake of its options in one run', () => {
    const mesh = newMesh();
    const other = new Mesh(Testing.app(), 'other');
    const foreign = newService(other, 'payments', ['v1']);
    new TelemetryStack(mesh, 'Telemetry', { grafana: { adminSecretName: 'Admin Secret', serviceDashboards: [foreign], image: 'grafana/grafana:12' } });
    expect(synthErrors(mesh)).toEqual([
      "[mesh-telemetry/Grafana] [MESH0001] adminSecretName 'Admin Secret' is not a valid DNS label: use at most 63 lowercase letters, digits and '-', starting and ending with a letter or digit",
      "[mesh-telemetry/Grafana] [MESH0420] service 'payments' (other/payments) is not a MeshService of mesh 'mesh', so its versions are unknown: name services defined with new MeshService() in this mesh",
      "[mesh-telemetry/Grafana] [MESH0424] image 'grafana/grafana:12' is not an image repository: give one without tag, e.g. 'registry.example.com/team/grafana'",
    ]);
  });
});

/** Grafana's settings, section by section (an INI file: `[section]`, then `key = value` lines). */
function iniOf(manifests: any[]): { [section: string]: { [key: string]: string } } {
  const ini: { [section: string]: { [key: string]: string } } = {};
  let section = '';
  for (const line of (MeshTesting.find(manifests, 'ConfigMap', 'grafana').data['grafana.ini'] as string).split('\n')) {
    const header = /^\[(.+)\]$/.exec(line);
    if (header) {
      section = header[1];
      ini[section] = {};
    } else if (line.trim() !== '') {
      const [key, ...value] = line.split(' = ');
      ini[section][key] = value.join(' = ');
    }
  }
  return ini;
}

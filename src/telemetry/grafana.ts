import { ApiObject, Lazy, Yaml } from 'cdk8s';
import { k8s } from 'cdk8s-plus-27';
import { Construct, IConstruct } from 'constructs';
import { TelemetryComponentOptions } from './component';
import { DashboardService, PROMETHEUS_DATASOURCE_UID, meshDashboard, serviceDashboard } from './dashboards';
import type { TelemetryStack } from './telemetry-stack';
import { addonDeployment, addonLabels, addonService } from './workload';
import type { IMesh, IMeshService } from '../mesh-identity';
import { meshNamespaces } from '../namespaces';
import { prometheusDuration } from '../private/duration';
import { checkEnum, listedTwice, listOr } from '../private/enums';
import { reportError, required } from '../private/errors';
import { validateDnsLabel } from '../private/names';
import { serviceKey, checkService } from '../private/services';
import { constructsOfKind, isKind, whenAnnounced } from '../private/tree';
import type { NetworkPeer } from '../security/network-peer';
import type { MeshService } from '../traffic/mesh-service';

/**
 * The role anonymous visitors get in Grafana.
 */
export enum GrafanaRole {
  /**
   * Read dashboards. The only role anonymous visitors may have: Editor or Admin (from JavaScript) is MESH0440,
   * for anyone who reaches Grafana would change it without logging in.
   */
  VIEWER = 'Viewer',
}

/**
 * Options of the telemetry stack's Grafana.
 */
export interface GrafanaOptions extends TelemetryComponentOptions {
  /**
   * Whether the stack runs Grafana (it needs the stack's Prometheus).
   *
   * @default true
   */
  readonly enabled?: boolean;

  /**
   * The services that get a dashboard of their own.
   *
   * @default - every `MeshService` of the mesh, including those added after the stack
   */
  readonly serviceDashboards?: IMeshService[];

  /**
   * The role of visitors who do not log in: at most `Viewer`.
   *
   * @default GrafanaRole.VIEWER
   */
  readonly anonymousRole?: GrafanaRole;

  /**
   * A Secret (in the telemetry namespace) with the administrator's login under `admin-user` and
   * `admin-password`: Grafana creates that administrator at start and shows its login form. Without one,
   * Grafana creates no administrator (`disable_initial_admin_creation`), the login form is off, and
   * Grafana is read anonymously only. Either way basic auth (a password on each API request) is off, so
   * no password opens Grafana's HTTP API; log in through the form.
   *
   * @default - no administrator, no login
   * @see https://grafana.com/docs/grafana/latest/setup-grafana/configure-security/configure-authentication/grafana/
   */
  readonly adminSecretName?: string;

  /**
   * Who else may open connections to Grafana (port 3000), besides Kiali, when the stack renders
   * NetworkPolicies (its `networkPolicies`); added to the stack's `allowAccessFrom`.
   * `kubectl port-forward` works without any.
   *
   * @default - no one else
   */
  readonly allowAccessFrom?: NetworkPeer[];
}

/**
 * Properties of a `Grafana`.
 */
export interface GrafanaProps extends GrafanaOptions {
  /** The stack it is part of: its mesh, namespace, Prometheus and tracing backend. */
  readonly stack: TelemetryStack;
}

/**
 * Grafana with the stack's Prometheus (and tracing backend) provisioned as data sources, and dashboards
 * generated from the mesh model: an overview of the mesh, and one per service with a row comparing its
 * versions and a row for each version. Dashboards are files, one ConfigMap per service, in one folder per
 * namespace; they change with the mesh, never by hand.
 *
 * Created by a `TelemetryStack` (its `grafana` option); read it from the stack.
 */
export class Grafana extends Construct {
  /** The Service name. */
  public readonly serviceName = 'grafana';
  /** The namespace. */
  public readonly namespace: string;
  /** The in-cluster URL of its UI and API. */
  public readonly url: string;
  /** The Deployment. */
  public readonly resource: ApiObject;

  private readonly mesh: IMesh;
  private readonly dashboards = new Map<string, { service: MeshService; configMap: string }>();
  private readonly selected?: Set<string>;
  private readonly labels: { [key: string]: string };

  public constructor(scope: Construct, id: string, props: GrafanaProps) {
    super(scope, id);
    // From JavaScript the props may be missing altogether: each required one is then reported as missing.
    props = props ?? {} as GrafanaProps;
    const stack = props.stack;
    const prometheus = required(this, 'stack.prometheus', stack.prometheus, 'Grafana reads the stack\'s Prometheus: enable it');
    const tracing = stack._tracingConfig;
    this.mesh = stack.mesh;
    this.namespace = stack.namespace;
    this.url = `http://${this.serviceName}.${this.namespace}.svc.${this.mesh.clusterDomain}:3000`;
    if (props.adminSecretName !== undefined) {
      validateDnsLabel(this, 'adminSecretName', props.adminSecretName);
    }
    // A value that is no list is reported, and no service gets a dashboard.
    const serviceDashboards = listOr(this, 'serviceDashboards', props.serviceDashboards, []);
    if (serviceDashboards) {
      // A service that cannot have a dashboard is recorded and left out of the selection.
      const dashboarded = serviceDashboards.filter(service => {
        if (!checkService(this, 'serviceDashboards', service)) {
          return false;
        }
        if (!isKind(service, 'MeshService') || service.mesh !== this.mesh) {
          reportError(this, 'MESH0420', `service '${service.serviceName}' (${service.node.path}) is not a MeshService of mesh '${this.mesh.node.id}', so its versions are unknown: name services defined with new MeshService() in this mesh`);
          return false;
        }
        return true;
      });
      for (const twice of listedTwice(dashboarded, serviceKey)) {
        reportError(this, 'MESH0436', `serviceDashboards lists service '${twice.serviceName}' (${twice.node.path}) twice: list each service once`);
      }
      this.selected = new Set(dashboarded.map(serviceKey));
    }

    const version = props.version ?? '12.2.1';
    const labels = addonLabels(this.serviceName, version);
    this.labels = labels;
    const meta = (name: string) => ({ name, namespace: this.namespace, labels });

    // Anonymous visitors are at most viewers: an anonymous Editor or Admin (from JavaScript, or from older
    // versions of this library) is reported with its own code, anything else as no GrafanaRole.
    const anonymousRole: unknown = props.anonymousRole;
    if (anonymousRole === 'Editor' || anonymousRole === 'Admin') {
      reportError(this, 'MESH0440', `anonymousRole '${anonymousRole}' lets anyone who reaches Grafana change it without logging in: `
        + 'anonymous visitors are at most viewers, use GrafanaRole.VIEWER (and an adminSecretName to log in and edit)');
    } else {
      checkEnum(this, 'anonymousRole', anonymousRole, GrafanaRole, 'GrafanaRole');
    }
    const ini = grafanaIni(GrafanaRole.VIEWER, props.adminSecretName !== undefined);
    const datasources = Yaml.stringify({
      apiVersion: 1,
      datasources: [
        {
          name: 'Prometheus',
          uid: PROMETHEUS_DATASOURCE_UID,
          type: 'prometheus',
          access: 'proxy',
          url: prometheus.url,
          isDefault: true,
          editable: false,
          jsonData: { timeInterval: prometheusDuration(prometheus.scrapeInterval) },
        },
        ...tracing?.queryUrl ? [{
          name: 'Tracing',
          uid: 'tracing',
          type: tracing.grafanaType,
          access: 'proxy',
          url: tracing.queryUrl,
          editable: false,
        }] : [],
      ],
    });
    const providers = Yaml.stringify({
      apiVersion: 1,
      providers: [{
        name: 'cdk8s-mesh',
        orgId: 1,
        type: 'file',
        disableDeletion: true,
        allowUiUpdates: false,
        updateIntervalSeconds: 30,
        options: { path: DASHBOARD_ROOT, foldersFromFilesStructure: true },
      }],
    });
    new k8s.KubeConfigMap(this, 'Config', { metadata: meta('grafana'), data: { 'grafana.ini': ini } });
    new k8s.KubeConfigMap(this, 'Datasources', { metadata: meta('grafana-datasources'), data: { 'datasources.yaml': datasources } });
    new k8s.KubeConfigMap(this, 'DashboardProviders', { metadata: meta('grafana-dashboard-providers'), data: { 'dashboards.yaml': providers } });
    new k8s.KubeConfigMap(this, 'MeshDashboard', {
      metadata: meta('grafana-dashboard-mesh'),
      data: { 'mesh.json': Lazy.any({ produce: () => JSON.stringify(meshDashboard(this.mesh, meshNamespaces(this.mesh).map(n => n.namespaceName).sort())) }) as unknown as string },
    });

    this.resource = addonDeployment(this, {
      name: this.serviceName,
      namespace: this.namespace,
      image: 'docker.io/grafana/grafana',
      version,
      env: { GF_PATHS_DATA: '/var/lib/grafana', GF_PATHS_PROVISIONING: '/etc/grafana/provisioning' },
      secretEnv: props.adminSecretName ? [
        { name: 'GF_SECURITY_ADMIN_USER', valueFrom: { secretKeyRef: { name: props.adminSecretName, key: 'admin-user' } } },
        { name: 'GF_SECURITY_ADMIN_PASSWORD', valueFrom: { secretKeyRef: { name: props.adminSecretName, key: 'admin-password' } } },
      ] : undefined,
      ports: [{ name: 'http', containerPort: 3000 }],
      probe: { path: '/api/health', port: 3000 },
      mounts: Lazy.any({ produce: () => this.mounts() }),
      volumes: Lazy.any({ produce: () => this.volumes() }),
      user: 472,
      resources: { cpu: '50m', memory: '128Mi', memoryLimit: '512Mi' },
      options: props,
      config: () => [ini, datasources, providers].join('\n'),
    });
    addonService(this, 'Service', this.serviceName, this.namespace, this.serviceName, version, [{ name: 'http', port: 3000 }]);

    // Every service of the mesh gets its dashboard, whether it was added before the stack or after it.
    for (const service of constructsOfKind(this.mesh, 'MeshService')) {
      this.addService(service);
    }
    whenAnnounced(this.mesh, added => this.addService(added));
  }

  /**
   * The services with a dashboard of their own.
   */
  public get dashboardServices(): IMeshService[] {
    return [...this.dashboards.values()].map(d => d.service);
  }

  /**
   * Gives a service of the mesh its dashboard (when it is one of the selected services).
   */
  private addService(added: IConstruct): void {
    if (!isKind(added, 'MeshService')) {
      return;
    }
    const service = added as MeshService;
    const key = serviceKey(service);
    if ((this.selected && !this.selected.has(key)) || this.dashboards.has(key)) {
      return;
    }
    // '.' separates the namespace from the service: neither has one (both are DNS labels), so two services
    // never share a name ('b-c' in 'a' and 'c' in 'a-b' would with '-'); at most 18 + 63 + 1 + 63 characters.
    const configMap = `grafana-dashboard-${service.namespace}.${service.serviceName}`;
    this.dashboards.set(key, { service, configMap });
    new k8s.KubeConfigMap(this, `Dashboard-${service.namespace}.${service.serviceName}`, {
      metadata: { name: configMap, namespace: this.namespace, labels: this.labels },
      data: { [`${service.serviceName}.json`]: Lazy.any({ produce: () => JSON.stringify(serviceDashboard(dashboardService(service))) }) as unknown as string },
    });
  }

  /**
   * The dashboard folders: the mesh overview, then one per namespace, each a projected volume of its ConfigMaps;
   * in name order, so that the order services were written in does not change (and restart) the Deployment.
   */
  private folders(): { folder: string; configMaps: string[] }[] {
    const byNamespace = new Map<string, string[]>();
    for (const d of this.dashboards.values()) {
      byNamespace.set(d.service.namespace, [...byNamespace.get(d.service.namespace) ?? [], d.configMap]);
    }
    return [
      { folder: 'Mesh', configMaps: ['grafana-dashboard-mesh'] },
      ...[...byNamespace.keys()].sort().map(folder => ({ folder, configMaps: byNamespace.get(folder)!.sort() })),
    ];
  }

  private mounts(): object[] {
    return [
      { name: 'config', mountPath: '/etc/grafana/grafana.ini', subPath: 'grafana.ini', readOnly: true },
      { name: 'datasources', mountPath: '/etc/grafana/provisioning/datasources', readOnly: true },
      { name: 'dashboard-providers', mountPath: '/etc/grafana/provisioning/dashboards', readOnly: true },
      { name: 'storage', mountPath: '/var/lib/grafana' },
      { name: 'tmp', mountPath: '/tmp' },
      ...this.folders().map((f, i) => ({ name: `dashboards-${i}`, mountPath: `${DASHBOARD_ROOT}/${f.folder}`, readOnly: true })),
    ];
  }

  private volumes(): object[] {
    return [
      { name: 'config', configMap: { name: 'grafana' } },
      { name: 'datasources', configMap: { name: 'grafana-datasources' } },
      { name: 'dashboard-providers', configMap: { name: 'grafana-dashboard-providers' } },
      { name: 'storage', emptyDir: {} },
      { name: 'tmp', emptyDir: {} },
      ...this.folders().map((f, i) => ({ name: `dashboards-${i}`, projected: { sources: f.configMaps.map(name => ({ configMap: { name } })) } })),
    ];
  }
}

const DASHBOARD_ROOT = '/var/lib/grafana/dashboards';

function dashboardService(service: MeshService): DashboardService {
  return { service, versions: service.versions.map(v => v.versionName) };
}

/**
 * Grafana's settings: no phoning home, anonymous viewers, no basic auth (Grafana's default would take
 * `admin`/`admin` on every API request), and an administrator with a login form only when an admin Secret
 * gives one (otherwise none is created at all).
 */
function grafanaIni(role: GrafanaRole, adminLogin: boolean): string {
  return [
    '[analytics]',
    'check_for_updates = false',
    'reporting_enabled = false',
    '',
    '[auth.anonymous]',
    'enabled = true',
    'org_name = Main Org.',
    `org_role = ${role}`,
    '',
    '[auth]',
    `disable_login_form = ${!adminLogin}`,
    '',
    '[auth.basic]',
    'enabled = false',
    '',
    '[security]',
    `disable_initial_admin_creation = ${!adminLogin}`,
    'disable_gravatar = true',
    '',
    '[users]',
    'allow_sign_up = false',
    'allow_org_create = false',
    '',
  ].join('\n');
}

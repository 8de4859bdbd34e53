import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { ApiObject, App, Chart, Testing } from 'cdk8s';
import * as YAML from 'yaml';
import { AccessPolicy, Mesh, MeshProps, MeshService, Protocol, RoutingApi, TelemetryStack, TrafficSplit, TrafficTarget } from '../src';
import { takeFailures } from './support/strict-synth';

/**
 * What `cdk8s synth` writes for a mesh, file by file and object by object, pinned exactly: the files are applied
 * in name order (`kubectl apply -f` on the directory, the ApplyScript), so their names and the order of the objects
 * in them are the mesh's apply order. A change to how the charts depend on each other must leave all of it as is.
 */

interface Written {
  readonly kind: string;
  readonly name: string;
  readonly annotations: { readonly [key: string]: string };
}

const outdirs: string[] = [];
afterAll(() => outdirs.forEach(dir => fs.rmSync(dir, { recursive: true, force: true })));

/** An App writing to a fresh directory, as `cdk8s synth` runs one. */
function newApp(): App {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'synth-order-'));
  outdirs.push(outdir);
  return new App({ outdir });
}

/** The shop: two services, `api` with two versions split 90/10 and called by `web`. */
function shop(scope: App, props: MeshProps = {}, id = 'shop'): Mesh {
  const mesh = new Mesh(scope, id, props);
  const web = new MeshService(mesh, 'web', { namespace: 'store', ports: [{ port: 8080, protocol: Protocol.HTTP }] });
  web.addVersion('v1', { image: 'example/web:v1' });
  const api = new MeshService(mesh, 'api', { namespace: 'store', ports: [{ port: 8080, protocol: Protocol.HTTP }] });
  api.addVersion('v1', { image: 'example/api:v1' });
  api.addVersion('v2', { image: 'example/api:v2' });
  new TrafficSplit(mesh, 'api-split', { service: api, routes: [{ targets: [TrafficTarget.version('v1', 90), TrafficTarget.version('v2', 10)] }] });
  new AccessPolicy(mesh, 'api-access', { service: api, allow: [{ from: web }] });
  new AccessPolicy(mesh, 'web-access', { service: web, allow: [{ from: web }] });
  return mesh;
}

/** A chart of the user's own, beside the mesh, holding one ConfigMap for the shop's workloads. */
function userChart(app: App, id = 'mine'): Chart {
  const chart = new Chart(app, id);
  new ApiObject(chart, 'settings', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'settings', namespace: 'store' }, data: { mode: 'shop' } });
  return chart;
}

/** The names of the manifest files an App wrote, in name order: the order they are applied. */
function filesOf(app: App): string[] {
  return fs.readdirSync(app.outdir).filter(f => f.endsWith('.k8s.yaml')).sort();
}

/**
 * The objects of a written file, in order, read from their `kind` and `metadata` only: parsing the whole CRD file
 * (megabytes) would cost more than synthesizing it. cdk8s writes every top-level key at column 0 and indents the
 * rest, so each document splits into its top-level blocks.
 */
function objectsIn(app: App, file: string): Written[] {
  const text = fs.readFileSync(path.join(app.outdir, file), 'utf-8');
  return text.split(/^---$/m).filter(doc => doc.trim() !== '').map(doc => {
    const head = YAML.parse(doc.split(/\n(?=\S)/).filter(block => /^(kind|metadata):/.test(block.trim())).join('\n'));
    return { kind: head.kind, name: head.metadata.name, annotations: head.metadata.annotations ?? {} };
  });
}

/** Each file with its kinds, once each, in the order they first appear. */
function kindsByFile(app: App): Array<[string, string[]]> {
  return filesOf(app).map(file => [file, [...new Set(objectsIn(app, file).map(o => o.kind))]]);
}

const ROUTE_KINDS = ['VirtualService', 'HTTPRoute', 'GRPCRoute', 'TCPRoute', 'TLSRoute'];

/** Make-before-break: the position of the last DestinationRule and of the first route of a file's objects. */
function rulesAndRoutes(objects: Written[]): { lastRule: number; firstRoute: number } {
  const kinds = objects.map(o => o.kind);
  return { lastRule: kinds.lastIndexOf('DestinationRule'), firstRoute: kinds.findIndex(k => ROUTE_KINDS.includes(k)) };
}

/** The file each chart of the mesh was written to, in the order of the mesh's layers (`Mesh.charts`). */
function meshFiles(app: App, mesh: Mesh): string[] {
  const byChart = new Map(filesOf(app).map(f => [f.replace(/^\d{4}-/, '').replace(/\.k8s\.yaml$/, ''), f]));
  return mesh.charts.map(c => byChart.get(c.node.id)!);
}

const LAYERS = ['shop-crds', 'shop-namespaces', 'shop-control-plane', 'shop'];
const LAYERS_WITH_TELEMETRY = [...LAYERS, 'shop-telemetry'];

describe('the files cdk8s writes for a mesh', () => {
  describe('a default mesh', () => {
    // One synthesis for the tests of this scenario: the CRD layer makes each one cost about a second.
    let app: App;
    let mesh: Mesh;
    let alone: string[][];
    beforeAll(() => {
      // GIVEN
      app = newApp();
      mesh = shop(app);
      // The mesh's chart synthesized alone, before app.synth() adds dependencies across charts to its objects
      alone = Testing.synth(mesh).map(o => [o.kind, o.metadata.name]);

      // WHEN
      app.synth();
      // The strict validation of the output reports per test, and forgets what a beforeAll recorded: checked here.
      expect(takeFailures()).toEqual([]);
    });

    test('CRDs, namespaces, control plane, then the mesh, numbered in that order', () => {
      expect(filesOf(app)).toEqual(['0000-shop-crds.k8s.yaml', '0001-shop-namespaces.k8s.yaml', '0002-shop-control-plane.k8s.yaml', '0003-shop.k8s.yaml']);
      expect(mesh.charts.map(c => c.node.id)).toEqual(LAYERS);
      expect(meshFiles(app, mesh)).toEqual(filesOf(app));
      const kinds = kindsByFile(app);
      expect(kinds[0]).toEqual(['0000-shop-crds.k8s.yaml', ['CustomResourceDefinition']]);
      expect(kinds[1]).toEqual(['0001-shop-namespaces.k8s.yaml', ['Namespace']]);
      expect(objectsIn(app, '0001-shop-namespaces.k8s.yaml').map(o => o.name)).toEqual(['istio-system', 'istio-cni', 'store']);
      expect(kinds.map(([file, k]) => [file, k[0]])).toEqual([
        ['0000-shop-crds.k8s.yaml', 'CustomResourceDefinition'],
        ['0001-shop-namespaces.k8s.yaml', 'Namespace'],
        ['0002-shop-control-plane.k8s.yaml', 'ServiceAccount'],
        ['0003-shop.k8s.yaml', 'PeerAuthentication'],
      ]);
      expect(kinds[2][1]).toEqual(expect.arrayContaining(['Deployment', 'MutatingWebhookConfiguration', 'DaemonSet']));
    });

    test('the mesh\'s own chart: every object in the order app.synth() writes it, the same as per-chart synthesis', () => {
      const written = objectsIn(app, '0003-shop.k8s.yaml').map(o => [o.kind, o.name]);
      expect(written).toEqual([
        ['PeerAuthentication', 'default'],
        ['AuthorizationPolicy', 'allow-nothing'],
        ['ServiceAccount', 'web'],
        ['Service', 'web'],
        ['NetworkPolicy', 'web'],
        ['Deployment', 'web-v1'],
        ['ServiceAccount', 'api'],
        ['Service', 'api'],
        ['NetworkPolicy', 'api'],
        ['Deployment', 'api-v1'],
        ['Deployment', 'api-v2'],
        ['DestinationRule', 'api'],
        ['VirtualService', 'api'],
        ['AuthorizationPolicy', 'api'],
        ['AuthorizationPolicy', 'web'],
      ]);
      expect(alone).toEqual(written);
      expect(Testing.synth(mesh).map(o => [o.kind, o.metadata.name])).toEqual(written);
    });

    test('make-before-break: every DestinationRule is written before every route', () => {
      const { lastRule, firstRoute } = rulesAndRoutes(objectsIn(app, '0003-shop.k8s.yaml'));
      expect(lastRule).toBeGreaterThanOrEqual(0);
      expect(firstRoute).toBeGreaterThan(lastRule);
    });
  });

  test('with a telemetry stack: its layer is written last, after the mesh', () => {
    // GIVEN
    const app = newApp();
    const mesh = shop(app);
    new TelemetryStack(mesh, 'telemetry', {});

    // WHEN
    app.synth();

    // THEN
    expect(filesOf(app)).toEqual([
      '0000-shop-crds.k8s.yaml', '0001-shop-namespaces.k8s.yaml', '0002-shop-control-plane.k8s.yaml', '0003-shop.k8s.yaml', '0004-shop-telemetry.k8s.yaml',
    ]);
    expect(mesh.charts.map(c => c.node.id)).toEqual(LAYERS_WITH_TELEMETRY);
    expect(meshFiles(app, mesh)).toEqual(filesOf(app));
    const kinds = kindsByFile(app);
    expect(kinds.map(([file, k]) => [file, k[0]])).toEqual([
      ['0000-shop-crds.k8s.yaml', 'CustomResourceDefinition'],
      ['0001-shop-namespaces.k8s.yaml', 'Namespace'],
      ['0002-shop-control-plane.k8s.yaml', 'ServiceAccount'],
      ['0003-shop.k8s.yaml', 'PeerAuthentication'],
      ['0004-shop-telemetry.k8s.yaml', 'ServiceAccount'],
    ]);
    expect(kinds[0][1]).toEqual(['CustomResourceDefinition']);
    expect(kinds[1][1]).toEqual(['Namespace']);
    const { lastRule, firstRoute } = rulesAndRoutes(objectsIn(app, '0003-shop.k8s.yaml'));
    expect(firstRoute).toBeGreaterThan(lastRule);
    expect(lastRule).toBeGreaterThanOrEqual(0);
  });

  test('adopting an existing Istio: no CRDs and no control plane, the services\' namespaces before the mesh', () => {
    // GIVEN
    const app = newApp();
    const mesh = shop(app, { existingIstio: {} });

    // WHEN
    app.synth();

    // THEN the root namespace is the installation's, not written
    expect(filesOf(app)).toEqual(['0000-shop-namespaces.k8s.yaml', '0001-shop.k8s.yaml']);
    expect(mesh.charts.map(c => c.node.id)).toEqual(['shop-namespaces', 'shop']);
    expect(objectsIn(app, '0000-shop-namespaces.k8s.yaml').map(o => [o.kind, o.name])).toEqual([['Namespace', 'store']]);
    expect(objectsIn(app, '0001-shop.k8s.yaml')[0].kind).toEqual('PeerAuthentication');
  });

  test('adopting an existing Istio with namespaces: false: the mesh alone, in one file cdk8s does not number', () => {
    // GIVEN
    const app = newApp();
    const mesh = shop(app, { existingIstio: { namespaces: false } });

    // WHEN
    app.synth();

    // THEN cdk8s numbers the files only when charts depend on each other
    expect(filesOf(app)).toEqual(['shop.k8s.yaml']);
    expect(mesh.charts.map(c => c.node.id)).toEqual(['shop']);
    expect(objectsIn(app, 'shop.k8s.yaml').map(o => o.kind)).not.toContain('Namespace');
  });

  test('installCrds: false: the numbering starts at the namespaces', () => {
    // GIVEN
    const app = newApp();
    const mesh = shop(app, { installCrds: false });

    // WHEN
    app.synth();

    // THEN
    expect(filesOf(app)).toEqual(['0000-shop-namespaces.k8s.yaml', '0001-shop-control-plane.k8s.yaml', '0002-shop.k8s.yaml']);
    expect(mesh.charts.map(c => c.node.id)).toEqual(['shop-namespaces', 'shop-control-plane', 'shop']);
    expect(kindsByFile(app).map(([file, k]) => [file, k[0]])).toEqual([
      ['0000-shop-namespaces.k8s.yaml', 'Namespace'],
      ['0001-shop-control-plane.k8s.yaml', 'ServiceAccount'],
      ['0002-shop.k8s.yaml', 'PeerAuthentication'],
    ]);
    const { lastRule, firstRoute } = rulesAndRoutes(objectsIn(app, '0002-shop.k8s.yaml'));
    expect(firstRoute).toBeGreaterThan(lastRule);
    expect(lastRule).toBeGreaterThanOrEqual(0);
  });

  test('routing with the Gateway API: its CRDs in the CRD layer after Istio\'s, the DestinationRules before the HTTPRoutes', () => {
    // GIVEN a mesh without auto mTLS, so that DestinationRules carry the TLS mode
    const app = newApp();
    const mesh = shop(app, { routingApi: RoutingApi.GATEWAY_API, autoMtls: false });

    // WHEN
    app.synth();

    // THEN
    expect(filesOf(app)).toEqual(['0000-shop-crds.k8s.yaml', '0001-shop-namespaces.k8s.yaml', '0002-shop-control-plane.k8s.yaml', '0003-shop.k8s.yaml']);
    expect(meshFiles(app, mesh)).toEqual(filesOf(app));
    const crds = objectsIn(app, '0000-shop-crds.k8s.yaml');
    expect([...new Set(crds.map(o => o.kind))]).toEqual(['CustomResourceDefinition']);
    const groups = [...new Set(crds.map(o => o.name.slice(o.name.indexOf('.') + 1)))];
    expect(groups).toEqual([
      'extensions.istio.io', 'networking.istio.io', 'security.istio.io', 'telemetry.istio.io', 'gateway.networking.k8s.io', 'gateway.networking.x-k8s.io',
    ]);
    expect(crds.map(o => o.name)).toEqual(expect.arrayContaining(['httproutes.gateway.networking.k8s.io']));
    const objects = objectsIn(app, '0003-shop.k8s.yaml');
    expect(objects.map(o => o.kind)).toContain('HTTPRoute');
    expect(objects.map(o => o.kind)).not.toContain('VirtualService');
    const { lastRule, firstRoute } = rulesAndRoutes(objects);
    expect(lastRule).toBeGreaterThanOrEqual(0);
    expect(firstRoute).toBeGreaterThan(lastRule);
  });

  test('argoCdSyncWaves: the waves of each file, in the order written', () => {
    // GIVEN
    const app = newApp();
    shop(app, { argoCdSyncWaves: true });

    // WHEN
    app.synth();

    // THEN
    const waves = filesOf(app).map(file => {
      const objects = objectsIn(app, file);
      return [file, [...new Set(objects.map(o => o.annotations['argocd.argoproj.io/sync-wave']))]];
    });
    expect(waves).toEqual([
      ['0000-shop-crds.k8s.yaml', ['-3']],
      ['0001-shop-namespaces.k8s.yaml', ['-2']],
      ['0002-shop-control-plane.k8s.yaml', ['-1']],
      ['0003-shop.k8s.yaml', ['0', '1']],
    ]);
    const inWaveOne = objectsIn(app, '0003-shop.k8s.yaml').filter(o => o.annotations['argocd.argoproj.io/sync-wave'] === '1');
    expect(inWaveOne.map(o => [o.kind, o.name])).toEqual([['VirtualService', 'api']]);
  });
});

describe('user charts beside a mesh', () => {
  test('a chart created before the mesh is written first', () => {
    // GIVEN
    const app = newApp();
    userChart(app);
    const mesh = shop(app);

    // WHEN
    app.synth();

    // THEN
    expect(filesOf(app)).toEqual([
      '0000-mine.k8s.yaml', '0001-shop-crds.k8s.yaml', '0002-shop-namespaces.k8s.yaml', '0003-shop-control-plane.k8s.yaml', '0004-shop.k8s.yaml',
    ]);
    expect(meshFiles(app, mesh)).toEqual(filesOf(app).slice(1));
  });

  test('a chart created after the mesh is written after it', () => {
    // GIVEN
    const app = newApp();
    const mesh = shop(app);
    userChart(app);

    // WHEN
    app.synth();

    // THEN
    expect(filesOf(app)).toEqual([
      '0000-shop-crds.k8s.yaml', '0001-shop-namespaces.k8s.yaml', '0002-shop-control-plane.k8s.yaml', '0003-shop.k8s.yaml', '0004-mine.k8s.yaml',
    ]);
    expect(meshFiles(app, mesh)).toEqual(filesOf(app).slice(0, 4));
  });

  test('a chart created after the mesh that depends on it is written after it', () => {
    // GIVEN
    const app = newApp();
    const mesh = shop(app);
    userChart(app).addDependency(mesh);

    // WHEN
    app.synth();

    // THEN
    expect(filesOf(app)).toEqual([
      '0000-shop-crds.k8s.yaml', '0001-shop-namespaces.k8s.yaml', '0002-shop-control-plane.k8s.yaml', '0003-shop.k8s.yaml', '0004-mine.k8s.yaml',
    ]);
    expect(meshFiles(app, mesh)).toEqual(filesOf(app).slice(0, 4));
  });

  test('a chart the mesh depends on, created after it, is written right before the mesh, after the control plane', () => {
    // GIVEN
    const app = newApp();
    const mesh = shop(app);
    mesh.addDependency(userChart(app));

    // WHEN
    app.synth();

    // THEN
    expect(filesOf(app)).toEqual([
      '0000-shop-crds.k8s.yaml', '0001-shop-namespaces.k8s.yaml', '0002-shop-control-plane.k8s.yaml', '0003-mine.k8s.yaml', '0004-shop.k8s.yaml',
    ]);
    expect(meshFiles(app, mesh)).toEqual(['0000-shop-crds.k8s.yaml', '0001-shop-namespaces.k8s.yaml', '0002-shop-control-plane.k8s.yaml', '0004-shop.k8s.yaml']);
  });

  test('a chart created after the mesh but before its telemetry stack: the telemetry layer is written after it', () => {
    // GIVEN
    const app = newApp();
    const mesh = shop(app);
    userChart(app);
    new TelemetryStack(mesh, 'telemetry', {});

    // WHEN
    app.synth();

    // THEN
    expect(filesOf(app)).toEqual([
      '0000-shop-crds.k8s.yaml', '0001-shop-namespaces.k8s.yaml', '0002-shop-control-plane.k8s.yaml', '0003-shop.k8s.yaml', '0004-mine.k8s.yaml',
      '0005-shop-telemetry.k8s.yaml',
    ]);
    expect(mesh.charts.map(c => c.node.id)).toEqual(LAYERS_WITH_TELEMETRY);
    expect(meshFiles(app, mesh)).toEqual([
      '0000-shop-crds.k8s.yaml', '0001-shop-namespaces.k8s.yaml', '0002-shop-control-plane.k8s.yaml', '0003-shop.k8s.yaml', '0005-shop-telemetry.k8s.yaml',
    ]);
  });
});

describe('orders the tree alone cannot give', () => {
  const MESH_FILES = ['0000-shop-crds.k8s.yaml', '0001-shop-namespaces.k8s.yaml', '0002-shop-control-plane.k8s.yaml', '0003-shop.k8s.yaml'];

  test('a chart created before the mesh that depends on it is written after every layer of the mesh', () => {
    // GIVEN
    const app = newApp();
    const mine = userChart(app);
    const mesh = shop(app);
    mine.addDependency(mesh);

    // WHEN
    app.synth();

    // THEN
    expect(filesOf(app)).toEqual([...MESH_FILES, '0004-mine.k8s.yaml']);
  });

  test('a chart created before the mesh whose object depends on the telemetry layer: written after the namespaces it needs', () => {
    // GIVEN
    const app = newApp();
    const mine = userChart(app);
    const mesh = shop(app);
    new TelemetryStack(mesh, 'telemetry', {});
    mine.node.findAll().filter(ApiObject.isApiObject)[0].node.addDependency(mesh.charts[mesh.charts.length - 1]);

    // WHEN
    app.synth();

    // THEN the telemetry layer needs only the namespaces, and comes with them (as it always has)
    expect(filesOf(app)).toEqual(['0000-shop-crds.k8s.yaml', '0001-shop-namespaces.k8s.yaml', '0002-shop-telemetry.k8s.yaml', '0003-mine.k8s.yaml',
      '0004-shop-control-plane.k8s.yaml', '0005-shop.k8s.yaml']);
  });

  test('a mesh whose id is integer-like (which the constructs library keeps first among its siblings)', () => {
    // GIVEN
    const app = newApp();
    shop(app, {}, '1');

    // WHEN
    app.synth();

    // THEN
    expect(filesOf(app)).toEqual(['0000-1-crds.k8s.yaml', '0001-1-namespaces.k8s.yaml', '0002-1-control-plane.k8s.yaml', '0003-1.k8s.yaml']);
  });

  test("a route's own dependencies keep their place before the DestinationRules", () => {
    // GIVEN a ConfigMap of the mesh's chart, made after the route, that the route depends on
    const app = newApp();
    const mesh = shop(app);
    const api = mesh.node.findChild('api') as MeshService;
    const config = new ApiObject(mesh, 'cm', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'routing-config', namespace: 'store' } });
    api.virtualService!.node.addDependency(config);

    // WHEN
    app.synth();

    // THEN as cdk8s orders them with the route depending on the ConfigMap, then on the rules: rules, ConfigMap, route
    const objects = objectsIn(app, '0003-shop.k8s.yaml').map(o => `${o.kind}/${o.name}`);
    expect(objects.slice(objects.indexOf('DestinationRule/api'), objects.indexOf('VirtualService/api') + 1))
      .toEqual(['DestinationRule/api', 'ConfigMap/routing-config', 'VirtualService/api']);
  });
});

describe('two meshes in one App', () => {
  test('fails: the second mesh is refused at synth (MESH0046), before any file is written', () => {
    // GIVEN
    const app = newApp();
    shop(app, {}, 'a');
    shop(app, {}, 'b');

    // THEN
    expect(() => app.synth()).toThrow('[b] [MESH0046] the App already has a Mesh (a): both would write the same cluster-wide objects '
      + '(CRDs, the injector webhook, cluster roles, the root namespace), so put each Mesh in an App of its own');
    expect(filesOf(app)).toEqual([]);
  });
});

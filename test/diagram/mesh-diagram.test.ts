import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, Chart, Duration, Testing } from 'cdk8s';
import { Construct } from 'constructs';
import { readDot, svgTexts, xmlProblems } from './picture';
import { Bookinfo } from '../../examples/bookinfo/mesh';
import {
  AccessPolicy, Caller, DiagramFormat, EgressGateway, EgressScope, ExternalService, FaultInjection, HeaderMatch, HttpMethod, IMesh, Mesh, MeshDiagram,
  IngressGateway, MeshService,
  MeshTesting, MtlsMode, MtlsPolicy, PolicyScope, Protocol, RoutingApi, StringMatch, TrafficSplit, TrafficTarget,
} from '../../src';
import { nodeId } from '../../src/diagram/mesh-graph';
import { dotText, mermaidText } from '../../src/diagram/notation';
import { renderSvg } from '../../src/diagram/svg-renderer';
import { newMesh, newService, openMesh, synthErrors } from '../support/util';

const tmp = (name: string) => fs.mkdtempSync(path.join(os.tmpdir(), `diagram-${name}-`));

describe('MeshDiagram of Bookinfo', () => {
  const bookinfo = new Bookinfo(Testing.app(), 'bookinfo');
  const dot = MeshDiagram.dot(bookinfo);
  const { nodes, edges, clusterLabels } = readDot(dot);
  const id = (...parts: string[]) => nodeId(parts[0], ...parts.slice(1));
  const label = (nodeIdOf: string) => nodes.find(n => n.id === nodeIdOf)?.label;
  const edgesBetween = (from: string, to: string) => edges.filter(e => e.from === from && e.to === to).map(e => e.label);
  const svc = (name: string) => id('svc', 'bookinfo', name);
  const ver = (name: string, version: string) => id('ver', 'bookinfo', name, version);
  const gateway = id('gw', 'istio-ingress', 'bookinfo-gateway');

  test('every service and version, in its namespace, inside the mesh', () => {
    const services = nodes.filter(n => n.id.startsWith('svc__'));
    expect(services.map(n => n.label)).toEqual(['details', 'ratings', 'reviews', 'productpage']);
    expect(nodes.filter(n => n.id.startsWith('ver__')).map(n => n.label)).toEqual(['details v1', 'ratings v1', 'reviews v1', 'reviews v2', 'reviews v3', 'productpage v1']);
    for (const n of nodes.filter(x => /^(svc|ver)__/.test(x.id))) {
      expect(n.clusters).toEqual(['cluster_mesh', 'cluster_ns__bookinfo']);
    }
    expect(clusterLabels.cluster_ns__bookinfo).toEqual('namespace bookinfo');
  });

  test('reviews: v2 for jason (header end-user=jason), else 90% v1 and 10% v3', () => {
    expect(edgesBetween(svc('reviews'), ver('reviews', 'v2'))).toEqual(['jason: header end-user=jason']);
    expect(edgesBetween(svc('reviews'), ver('reviews', 'v1'))).toEqual(['canary: 90%']);
    expect(edgesBetween(svc('reviews'), ver('reviews', 'v3'))).toEqual(['canary: 10%']);
  });

  test("ratings: jason's requests delayed 7 s, the others routed as they are", () => {
    expect(edgesBetween(svc('ratings'), ver('ratings', 'v1'))).toEqual(['jason-delay: header end-user=jason\\ndelay 7s', 'default']);
  });

  test('a service without a TrafficSplit reaches its versions without conditions', () => {
    expect(edgesBetween(svc('details'), ver('details', 'v1'))).toEqual([undefined]);
  });

  test('the ingress gateway: its listener, who may reach it, and the paths it routes to productpage', () => {
    expect(label(gateway)).toEqual('bookinfo-gateway (ingress gateway)\\nHTTP :80 *');
    expect(nodes.find(n => n.id === gateway)!.clusters).toEqual(['cluster_mesh', 'cluster_ns__istio_2d_ingress']);
    expect(edgesBetween('anyone', gateway)).toEqual(['may call']);
    expect(edges.filter(e => e.from === gateway && String(e.attrs.penwidth) === '2').map(e => [e.to, e.label])).toEqual([
      [svc('productpage'), '/productpage\\nprefix /static\\n/login\\n/logout\\nprefix /api/v1/products'],
    ]);
  });

  test('who may call whom: the call graph of the AccessPolicies, and nothing from anyone but the gateway', () => {
    const calls = edges.filter(e => e.label?.startsWith('may call')).map(e => [e.from, e.to]);
    expect(calls).toEqual([
      ['anyone', gateway],
      [svc('productpage'), svc('details')],
      [svc('reviews'), svc('ratings')],
      [svc('productpage'), svc('reviews')],
      [gateway, svc('productpage')],
    ]);
  });

  test('mTLS STRICT and deny-by-default, mesh-wide', () => {
    expect(clusterLabels.cluster_mesh).toEqual('mesh bookinfo\\nmTLS STRICT (mesh-wide)\\ndeny by default (mesh-wide)');
  });

  test('every edge joins two nodes of the picture, and node ids are unique', () => {
    const ids = nodes.map(n => n.id);
    expect(new Set(ids).size).toEqual(ids.length);
    for (const e of edges) {
      expect(ids).toContain(e.from);
      expect(ids).toContain(e.to);
    }
  });

  test('Mermaid: one node per DOT node, one arrow per DOT edge, with the same labels (snapshot)', () => {
    const mermaid = MeshDiagram.mermaid(bookinfo);
    expect(mermaid).toMatchSnapshot();
    const lines = mermaid.trimEnd().split('\n');
    expect(lines[1]).toEqual('flowchart LR');
    expect(lines.filter(l => /^\s*subgraph /.test(l))).toHaveLength(3);
    expect(lines.filter(l => /^\s*end$/.test(l))).toHaveLength(3);
    const arrows = lines.filter(l => / (-->|-\.->|==>)( |\|)/.test(l));
    expect(arrows).toHaveLength(edges.length);
    for (const n of nodes) {
      expect(lines.filter(l => l.trim().startsWith(`${n.id}[`) || l.trim().startsWith(`${n.id}(`) || l.trim().startsWith(`${n.id}{`))).toHaveLength(1);
    }
    expect(mermaid).toContain(`  ${svc('reviews')} -->|"canary: 90%"| ${ver('reviews', 'v1')}`);
    expect(mermaid).toContain(`  ${svc('reviews')} -->|"jason: header end-user=jason"| ${ver('reviews', 'v2')}`);
    expect(mermaid).toContain(`  ${svc('reviews')} -.->|"may call"| ${svc('ratings')}`);
    expect(mermaid).toContain('subgraph mesh["mesh bookinfo<br>mTLS STRICT (mesh-wide)<br>deny by default (mesh-wide)"]');
  });

  test('SVG: well-formed XML, rendered by Graphviz, with every service, version and label', () => {
    const svg = MeshDiagram.svg(bookinfo);
    expect(xmlProblems(svg)).toEqual([]);
    expect(svg).toMatch(/^<\?xml /);
    expect(svg).toContain('<svg ');
    const texts = svgTexts(svg);
    for (const name of ['details', 'ratings', 'reviews', 'productpage', 'reviews v1', 'reviews v2', 'reviews v3', 'canary: 90%', 'canary: 10%',
      'jason: header end-user=jason', 'bookinfo-gateway (ingress gateway)', 'mTLS STRICT (mesh-wide)', 'anyone']) {
      expect(texts).toContain(name);
    }
    // Deterministic: the same mesh gives the same picture.
    expect(MeshDiagram.svg(bookinfo)).toEqual(svg);
  });
});

describe('MeshDiagram: what the picture says', () => {
  test('a service no AccessPolicy restricts accepts anyone; under deny-by-default it refuses every call', () => {
    // GIVEN
    const open = openMesh();
    newService(open, 'web');
    const closed = newMesh();
    newService(closed, 'web');

    // THEN
    const openDot = readDot(MeshDiagram.dot(open));
    expect(openDot.edges.filter(e => e.to === nodeId('svc', 'default', 'web')).map(e => [e.from, e.label])).toEqual([['anyone', 'may call']]);
    expect(openDot.nodes.find(n => n.id === nodeId('svc', 'default', 'web'))!.label).toEqual('web');
    const closedDot = readDot(MeshDiagram.dot(closed));
    expect(closedDot.edges.filter(e => e.to === nodeId('svc', 'default', 'web'))).toEqual([]);
    expect(closedDot.nodes.find(n => n.id === nodeId('svc', 'default', 'web'))!.label).toEqual('web\\nrefuses every call');
    expect(closedDot.nodes.map(n => n.id)).not.toContain('anyone');
  });

  test("a caller's methods, paths and ports, and a policy that allows no one", () => {
    // GIVEN
    const mesh = newMesh();
    const api = newService(mesh, 'api', ['v1'], { namespace: 'shop' });
    const web = newService(mesh, 'web', ['v1'], { namespace: 'front' });
    const idle = newService(mesh, 'idle');
    new AccessPolicy(mesh, 'api-access', { service: api, allow: [{ from: web, methods: [HttpMethod.GET], paths: ['/books/*'], ports: [8080] }] });
    new AccessPolicy(mesh, 'idle-access', { service: idle });

    // THEN
    const { edges, nodes } = readDot(MeshDiagram.dot(mesh));
    expect(edges.filter(e => e.to === nodeId('svc', 'shop', 'api')).map(e => [e.from, e.label]))
      .toEqual([[nodeId('svc', 'front', 'web'), 'may call\\nmethods GET\\npaths /books/*\\nports 8080']]);
    expect(nodes.find(n => n.id === nodeId('svc', 'default', 'idle'))!.label).toEqual('idle\\nrefuses every call');
  });

  test('callers the model cannot name come from anyone, labelled; a caller a DENY rule refuses gets no edge', () => {
    // GIVEN
    const mesh = newMesh();
    const api = newService(mesh, 'api', ['v1'], { namespace: 'shop' });
    const web = newService(mesh, 'web', ['v1'], { namespace: 'front' });
    const batch = newService(mesh, 'batch', ['v1'], { namespace: 'front' });
    new AccessPolicy(mesh, 'api-access', {
      service: api,
      allow: [{ from: web, notPaths: ['/admin/*'] }, { from: batch }, { from: Caller.namespace('ops'), hosts: ['api.example.com'] }, { from: Caller.anyone(), paths: ['/health'] }],
      deny: [{ from: batch }],
    });

    // THEN
    const { edges } = readDot(MeshDiagram.dot(mesh));
    expect(edges.filter(e => e.to === nodeId('svc', 'shop', 'api')).map(e => [e.from, e.label])).toEqual([
      [nodeId('svc', 'front', 'web'), 'may call\\nnot paths /admin/*'],
      ['anyone', 'may call\\nnamespace ops\\nhosts api.example.com'],
      ['anyone', 'may call\\npaths /health'],
    ]);
  });

  test('a revoked identity may call nothing, whatever the AccessPolicies allow', () => {
    // GIVEN
    const mesh = newMesh();
    const api = newService(mesh, 'api');
    const web = newService(mesh, 'web');
    const admin = newService(mesh, 'admin');
    new AccessPolicy(mesh, 'api-access', { service: api, allow: [{ from: web }, { from: admin }] });
    mesh.revokeIdentity(web);

    // THEN
    const { edges, nodes } = readDot(MeshDiagram.dot(mesh));
    expect(edges.filter(e => e.to === nodeId('svc', 'default', 'api')).map(e => e.from)).toEqual([nodeId('svc', 'default', 'admin')]);
    expect(nodes.find(n => n.id === nodeId('svc', 'default', 'web'))!.label).toEqual('web\\nrefuses every call\\nidentity revoked: may call nothing');
    expect(MeshTesting.canCall(mesh, web, api)).toBe(false);
    expect(MeshTesting.canCall(mesh, admin, api)).toBe(true);
  });

  test('no "may call" edge from a caller whose EgressScope does not list the service', () => {
    // GIVEN web allowed to call api and db, but its EgressScope lists db only
    const mesh = newMesh();
    const web = newService(mesh, 'web');
    const api = newService(mesh, 'api');
    const db = newService(mesh, 'db');
    new AccessPolicy(mesh, 'api-access', { service: api, allow: [{ from: web }] });
    new AccessPolicy(mesh, 'db-access', { service: db, allow: [{ from: web }] });
    new EgressScope(mesh, 'web-egress', { service: web, allowServices: [db] });

    // THEN the picture shows web -> db only, as the mesh decides
    const { edges } = readDot(MeshDiagram.dot(mesh));
    const fromWeb = edges.filter(e => e.from === nodeId('svc', 'default', 'web') && e.label?.startsWith('may call'));
    expect(fromWeb.map(e => e.to)).toEqual([nodeId('svc', 'default', 'db')]);
    expect(MeshTesting.canCall(mesh, web, api)).toBe(false);
    expect(MeshTesting.canCall(mesh, web, db)).toBe(true);
  });

  test('mTLS of each scope that sets one: namespace, workload and its ports', () => {
    // GIVEN
    const mesh = openMesh();
    const legacy = newService(mesh, 'legacy', ['v1'], { namespace: 'old' });
    newService(mesh, 'web', ['v1'], { namespace: 'old' });
    new MtlsPolicy(mesh, 'old-mtls', { scope: PolicyScope.namespace('old'), mode: MtlsMode.PERMISSIVE });
    new MtlsPolicy(mesh, 'legacy-mtls', { scope: PolicyScope.workload(legacy), mode: MtlsMode.STRICT, portOverrides: [{ port: 8080, mode: MtlsMode.DISABLE }] });

    // THEN
    const { nodes, clusterLabels } = readDot(MeshDiagram.dot(mesh));
    expect(clusterLabels.cluster_mesh).toEqual('mesh mesh\\nmTLS STRICT (mesh-wide)');
    expect(clusterLabels.cluster_ns__old).toEqual('namespace old\\nmTLS PERMISSIVE');
    expect(nodes.find(n => n.id === nodeId('svc', 'old', 'legacy'))!.label).toEqual('legacy\\nmTLS STRICT\\nport 8080: mTLS DISABLE');
    expect(nodes.find(n => n.id === nodeId('svc', 'old', 'web'))!.label).toEqual('web');
  });

  test('matches, mirrors and faults on the route edges', () => {
    // GIVEN
    const mesh = openMesh();
    const web = newService(mesh, 'web');
    const api = newService(mesh, 'api', ['v1', 'v2', 'v3']);
    new TrafficSplit(mesh, 'api-split', {
      service: api,
      routes: [
        {
          name: 'beta',
          matches: [{ uri: StringMatch.prefix('/beta'), method: HttpMethod.POST }, { headers: [HeaderMatch.regex('x-group', 'b.*')], sourceService: web }],
          targets: [TrafficTarget.version('v2')],
          fault: FaultInjection.of({ abort: { httpStatus: 503, percentage: 5 }, delay: { fixedDelay: Duration.millis(1500), percentage: 100 } }),
        },
        { targets: [TrafficTarget.version('v1')], mirror: { version: 'v3', percentage: 20 } },
      ],
    });

    // THEN
    const { edges } = readDot(MeshDiagram.dot(mesh));
    const from = nodeId('svc', 'default', 'api');
    expect(edges.filter(e => e.from === from).map(e => [e.to, e.label, e.attrs.style])).toEqual([
      [nodeId('ver', 'default', 'api', 'v2'), 'beta: uri prefix /beta, method POST or header x-group ~ b.*, from web\\ndelay 1500ms\\nabort 503 (5%)', undefined],
      [nodeId('ver', 'default', 'api', 'v1'), 'route 2', undefined],
      [nodeId('ver', 'default', 'api', 'v3'), 'route 2: mirror 20%', 'dashed'],
    ]);
  });

  test('an egress gateway and the external services routed through it, outside the mesh', () => {
    // GIVEN
    const mesh = openMesh();
    const egress = new EgressGateway(mesh, 'egress');
    new ExternalService(mesh, 'payments', { hosts: ['api.payments.example'], egressGateway: egress });
    new ExternalService(mesh, 'docs', { hosts: ['docs.example.com'], ports: [{ port: 80, protocol: Protocol.HTTP }] });

    // THEN
    const { nodes, edges } = readDot(MeshDiagram.dot(mesh));
    const gw = nodeId('gw', 'istio-system', 'egress');
    expect(nodes.find(n => n.id === gw)!.label).toMatch(/^egress \(egress gateway\)\\nTLS :443 api\.payments\.example/);
    const externals = nodes.filter(n => n.id.startsWith('ext__'));
    expect(externals.map(n => [n.label, n.clusters])).toEqual([['api.payments.example\\nHTTPS :443', []], ['docs.example.com\\nHTTP :80', []]]);
    expect(edges.filter(e => e.from === gw).map(e => [e.to, e.label])).toEqual([[nodeId('ext', 'default', 'payments'), 'HTTPS :443']]);
  });

  test('an imported service is drawn where the program calls or routes it', () => {
    // GIVEN
    const mesh = newMesh();
    const web = newService(mesh, 'web');
    const legacy = MeshService.fromName(mesh, 'legacy', 'legacy', { namespace: 'old', versions: ['v1'] });
    new AccessPolicy(mesh, 'web-access', { service: web, allow: [{ from: legacy }] });
    new AccessPolicy(mesh, 'legacy-access', { service: legacy, allow: [{ from: web }] });
    new TrafficSplit(mesh, 'legacy-split', { service: legacy, routes: [{ targets: [TrafficTarget.version('v1')] }] });

    // THEN each of its nodes and edges once, however often the program names it
    const { nodes, edges } = readDot(MeshDiagram.dot(mesh));
    const id = nodeId('svc', 'old', 'legacy');
    expect(nodes.filter(n => n.id === id).map(n => [n.label, n.clusters])).toEqual([['legacy\\n(imported)', ['cluster_mesh', 'cluster_ns__old']]]);
    expect(edges.filter(e => e.to === nodeId('svc', 'default', 'web')).map(e => e.from)).toEqual([id]);
    expect(edges.filter(e => e.from === id || e.to === id).map(e => [e.from, e.to, e.label])).toEqual([
      [id, nodeId('ver', 'old', 'legacy', 'v1'), 'route 1'],
      [id, nodeId('svc', 'default', 'web'), 'may call'],
      [nodeId('svc', 'default', 'web'), id, 'may call'],
    ]);
  });
});

describe('MeshDiagram: names and labels', () => {
  test.each([
    [['svc', 'a-b', 'c'], ['svc', 'a', 'b-c']],
    [['svc', 'a--b', 'c'], ['svc', 'a', 'b', 'c']],
    [['ver', 'ns', 'a', 'v1'], ['ver', 'ns', 'a-v1']],
    [['svc', 'a_b'], ['svc', 'a', 'b']],
  ])('ids of %j and %j differ', (a, b) => {
    expect(nodeId(a[0], ...a.slice(1))).not.toEqual(nodeId(b[0], ...b.slice(1)));
  });

  test('ids are made of lowercase letters, digits and _ only, and readable for plain names', () => {
    expect(nodeId('svc', 'bookinfo', 'reviews')).toEqual('svc__bookinfo__reviews');
    expect(nodeId('svc', 'Ü"x<y>')).toMatch(/^[a-z0-9_]+$/);
  });

  test('two services a-b/c and a/b-c are two nodes', () => {
    // GIVEN
    const mesh = openMesh();
    newService(mesh, 'c', ['v1'], { namespace: 'a-b' });
    newService(mesh, 'b-c', ['v1'], { namespace: 'a' });

    // THEN
    const { nodes } = readDot(MeshDiagram.dot(mesh));
    expect(nodes.filter(n => n.id.startsWith('svc__')).map(n => [n.label, n.clusters[1]])).toEqual([['b-c', 'cluster_ns__a'], ['c', 'cluster_ns__a_2d_b']]);
  });

  test.each([
    ['quotes', 'a"b', 'a#34;b', '"a\\"b"'],
    ['angle brackets', '<script>', '#60;script#62;', '"<script>"'],
    ['a newline', 'a\nb', 'a#10;b', '"a\\nb"'],
    ['an entity', '&lt;', '#38;lt#59;', '"&amp;lt;"'],
    ['a backslash', 'a\\N', 'a#92;N', '"a\\\\N"'],
    ['Mermaid markup', '`x` |y| #35; end', '#96;x#96; #124;y#124; #35;35#59; end', '"`x` |y| #35; end"'],
    ['a control character', 'a\u0007b', 'a#7;b', '"a b"'],
  ])('%s are escaped for Mermaid and DOT', (_, line, mermaid, dot) => {
    expect(mermaidText(line)).toEqual(mermaid);
    expect(dotText([line])).toEqual(dot);
  });

  test('hostile user strings reach the picture as they were written, and break neither notation', () => {
    // GIVEN a mesh id, header values, a regex and an access path that carry quotes, markup and entities
    const hostile = 'we"ird <b>mesh<b> &amp; #35; `x` |p|';
    const mesh = new Mesh(Testing.app(), hostile, { denyByDefault: false });
    const a = newService(mesh, 'a');
    const b = newService(mesh, 'b', ['v1', 'v2']);
    const accessPath = '/a"b<c>|x#y&amp;`z`\\w';
    new AccessPolicy(mesh, 'b-access', { service: b, allow: [{ from: a, paths: [accessPath] }] });
    const header = 'a"b<script>|&lt;#35;`';
    new TrafficSplit(mesh, 'b-split', {
      service: b,
      routes: [{ name: 'evil', matches: [{ headers: [HeaderMatch.exact('x-user', header)] }], targets: [TrafficTarget.version('v2')] }, { targets: [TrafficTarget.version('v1')] }],
    });

    // THEN DOT parses, and its labels are the strings as written
    const dot = MeshDiagram.dot(mesh);
    const { edges, clusterLabels } = readDot(dot);
    expect(clusterLabels.cluster_mesh).toEqual(`mesh ${hostile.replace(/&/g, '&amp;')}\\nmTLS STRICT (mesh-wide)`);
    expect(edges.find(e => e.to === nodeId('ver', 'default', 'b', 'v2'))!.label).toEqual(`evil: header x-user=${header.replace(/&/g, '&amp;')}`);
    // AND the SVG shows them as written
    const svg = MeshDiagram.svg(mesh);
    expect(xmlProblems(svg)).toEqual([]);
    expect(svgTexts(svg)).toEqual(expect.arrayContaining([`mesh ${hostile}`, `evil: header x-user=${header}`, `paths ${accessPath}`]));
    // AND Mermaid keeps every label inside its quotes, with no character that could end it or start markup
    const mermaid = MeshDiagram.mermaid(mesh);
    for (const quoted of mermaid.match(/"[^"\n]*"/g)!) {
      expect(quoted.slice(1, -1)).toMatch(/^([A-Za-z0-9 .,:=%*+/()'_-]|#[0-9]+;|<br>)*$/);
    }
    expect(mermaid.split('\n').every(l => l === '' || /^(%%| {2}| *flowchart| *subgraph| *end$)/.test(l) || l === 'flowchart LR')).toBe(true);
    expect(mermaid).toContain(mermaidText(`mesh ${hostile}`));
    expect(mermaid).toContain(mermaidText(`paths ${accessPath}`));
  });
});

describe('MeshDiagram: files written by app.synth()', () => {
  function meshWithService(outdir: string): { app: App; mesh: Mesh } {
    const app = new App({ outdir });
    const mesh = new Mesh(app, 'shop', { denyByDefault: false });
    newService(mesh, 'web');
    return { app, mesh };
  }

  test('writes <mesh id>.mesh.mmd, .dot and .svg beside the manifests, and changes no manifest', () => {
    // GIVEN the same program with and without a diagram
    const plain = tmp('plain');
    meshWithService(plain).app.synth();
    const outdir = tmp('files');
    const { app, mesh } = meshWithService(outdir);

    // WHEN
    const diagram = new MeshDiagram(mesh, 'diagram');
    app.synth();

    // THEN
    expect(MeshDiagram.isMeshDiagram(diagram)).toBe(true);
    expect(MeshDiagram.isMeshDiagram(mesh)).toBe(false);
    expect(diagram.formats).toEqual([DiagramFormat.MERMAID, DiagramFormat.DOT, DiagramFormat.SVG]);
    expect(diagram.fileNames).toEqual(['shop.mesh.mmd', 'shop.mesh.dot', 'shop.mesh.svg']);
    const manifests = fs.readdirSync(plain).sort();
    expect(fs.readdirSync(outdir).sort()).toEqual([...manifests, ...diagram.fileNames].sort());
    for (const file of manifests) {
      expect(fs.readFileSync(path.join(outdir, file), 'utf-8')).toEqual(fs.readFileSync(path.join(plain, file), 'utf-8'));
    }
    expect(fs.readFileSync(path.join(outdir, 'shop.mesh.mmd'), 'utf-8')).toEqual(MeshDiagram.mermaid(mesh));
    expect(fs.readFileSync(path.join(outdir, 'shop.mesh.dot'), 'utf-8')).toEqual(MeshDiagram.dot(mesh));
    expect(xmlProblems(fs.readFileSync(path.join(outdir, 'shop.mesh.svg'), 'utf-8'))).toEqual([]);
    // kubectl apply -f reads .json, .yaml and .yml files only
    expect(diagram.fileNames.filter(f => /\.(json|ya?ml)$/.test(f))).toEqual([]);
  });

  test('only the formats asked for', () => {
    // GIVEN
    const outdir = tmp('formats');
    const { app, mesh } = meshWithService(outdir);

    // WHEN
    new MeshDiagram(mesh, 'diagram', { formats: [DiagramFormat.MERMAID] });
    app.synth();

    // THEN
    expect(fs.readdirSync(outdir).filter(f => f.includes('.mesh.'))).toEqual(['shop.mesh.mmd']);
  });

  test('the picture shows what the program added after the diagram', () => {
    // GIVEN
    const outdir = tmp('late');
    const { app, mesh } = meshWithService(outdir);
    new MeshDiagram(mesh, 'diagram', { formats: [DiagramFormat.DOT] });

    // WHEN
    newService(mesh, 'late-comer');
    app.synth();

    // THEN
    expect(fs.readFileSync(path.join(outdir, 'shop.mesh.dot'), 'utf-8')).toContain('svc__default__late_2d_comer [label="late-comer"');
  });

  test('fails without writing anything when the mesh has an error', () => {
    // GIVEN a split to a version the service does not have
    const outdir = path.join(tmp('error'), 'dist');
    const { app, mesh } = meshWithService(outdir);
    new TrafficSplit(mesh, 'split', { service: mesh.services[0], routes: [{ targets: [TrafficTarget.version('v9')] }] });
    new MeshDiagram(mesh, 'diagram');

    // THEN
    expect(() => app.synth()).toThrow(/MESH0101/);
    expect(fs.readdirSync(outdir)).toEqual([]);
  });

  test('fails without writing anything when a chart outside the mesh has an error', () => {
    // GIVEN
    const outdir = path.join(tmp('other-error'), 'dist');
    const { app, mesh } = meshWithService(outdir);
    new MeshDiagram(mesh, 'diagram');
    const chart = new Chart(app, 'mine');
    chart.node.addValidation({ validate: () => ['broken'] });

    // THEN
    expect(() => app.synth()).toThrow(/broken/);
    expect(fs.readdirSync(outdir)).toEqual([]);
  });

  test('Testing.synth(), MeshTesting.synth() and synthYaml() write nothing', () => {
    // GIVEN
    const outdir = tmp('testing');
    const { app, mesh } = meshWithService(outdir);
    new MeshDiagram(mesh, 'diagram');

    // WHEN
    const objects = Testing.synth(mesh);
    const manifests = MeshTesting.synth(mesh);
    app.synthYaml();

    // THEN
    expect(objects.length).toBeGreaterThan(0);
    expect(manifests.length).toBeGreaterThan(objects.length);
    expect(fs.readdirSync(outdir)).toEqual([]);
  });

  test('the diagram adds no object to the mesh', () => {
    // GIVEN
    const without = meshWithService(tmp('no-objects')).mesh;
    const { mesh } = meshWithService(tmp('objects'));

    // WHEN
    new MeshDiagram(mesh, 'diagram');

    // THEN
    expect(MeshTesting.synth(mesh)).toEqual(MeshTesting.synth(without));
  });

  test('the Bookinfo example writes its picture, the one committed as docs/bookinfo-mesh.svg', () => {
    // GIVEN
    const outdir = tmp('example');
    const before = process.env.CDK8S_OUTDIR;
    process.env.CDK8S_OUTDIR = outdir;

    // WHEN
    try {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      jest.isolateModules(() => require('../../examples/bookinfo/main'));
    } finally {
      process.env.CDK8S_OUTDIR = before;
    }

    // THEN
    expect(fs.readdirSync(outdir).filter(f => f.includes('.mesh.'))).toEqual(['bookinfo.mesh.dot', 'bookinfo.mesh.mmd', 'bookinfo.mesh.svg']);
    expect(fs.readFileSync(path.join(outdir, 'bookinfo.mesh.svg'), 'utf-8')).toEqual(fs.readFileSync(path.join(__dirname, '..', '..', 'docs', 'bookinfo-mesh.svg'), 'utf-8'));
  });
});

describe('MeshDiagram: errors', () => {
  test('fails with formats empty', () => {
    // GIVEN
    const mesh = openMesh();

    // WHEN
    new MeshDiagram(mesh, 'diagram', { formats: [] });

    // THEN
    expect(synthErrors(mesh)).toEqual([
      '[mesh/diagram] [MESH0610] formats is empty, so no picture would be written: list at least one, e.g. [DiagramFormat.SVG], or leave it out for all three',
    ]);
  });

  test('fails with a format that is not a DiagramFormat', () => {
    // GIVEN
    const mesh = openMesh();

    // WHEN
    const diagram = new MeshDiagram(mesh, 'diagram', { formats: ['png' as DiagramFormat] });

    // THEN
    expect(synthErrors(mesh)).toEqual([
      "[mesh/diagram] [MESH0090] formats[0] 'png' is not a value of DiagramFormat: use DiagramFormat.MERMAID, DiagramFormat.DOT or DiagramFormat.SVG",
    ]);
    expect(diagram.formats).toEqual([DiagramFormat.MERMAID, DiagramFormat.DOT, DiagramFormat.SVG]);
  });

  test('fails with two diagrams of one mesh', () => {
    // GIVEN
    const mesh = openMesh();

    // WHEN
    new MeshDiagram(mesh, 'diagram');
    new MeshDiagram(mesh, 'diagram2', { formats: [DiagramFormat.SVG] });

    // THEN
    expect(synthErrors(mesh)).toEqual([
      '[mesh/diagram2] [MESH0612] the mesh already has a MeshDiagram (mesh/diagram), which writes the same files: give that one every format you need',
    ]);
  });

  test('fails when the tree is not an App', () => {
    // GIVEN
    const mesh = new Mesh(new Construct(undefined as any, ''), 'mesh', { denyByDefault: false });

    // WHEN
    new MeshDiagram(mesh, 'diagram');

    // THEN
    expect(synthErrors(mesh)).toContain(
      "[mesh/diagram] [MESH0613] the construct tree's root (Construct) is not a cdk8s App, so nothing would write the picture: create the Mesh in an App, or call MeshDiagram.svg(mesh) and write it yourself");
  });

  test('fails outside a mesh', () => {
    expect(() => new MeshDiagram(Testing.chart(), 'diagram')).toThrow('[MESH0004] test/diagram: is not inside a Mesh: create it with a Mesh (or a construct inside one) as its scope');
  });

  test.each([
    ['mermaid', (m: IMesh) => MeshDiagram.mermaid(m)],
    ['dot', (m: IMesh) => MeshDiagram.dot(m)],
    ['svg', (m: IMesh) => MeshDiagram.svg(m)],
  ])('MeshDiagram.%s fails without a Mesh', (method, render) => {
    expect(() => render(undefined as any)).toThrow(`[MESH0097] MeshDiagram.${method}: mesh is missing: give the Mesh itself, e.g. new Mesh(app, 'mesh')`);
    expect(() => render(Testing.chart() as any)).toThrow(`[MESH0097] MeshDiagram.${method}: mesh is not a Mesh: give the Mesh itself, e.g. new Mesh(app, 'mesh')`);
  });

  test('fails when Graphviz cannot render the DOT text', () => {
    expect(() => renderSvg('digraph { a -> }')).toThrow(
      "[MESH0611] MeshDiagram.svg: Graphviz could not render the picture (syntax error in line 1 near '}'): write the DOT text (DiagramFormat.DOT) and render it with the dot command");
  });
});

describe('an ingress route through a split', () => {
  test.each([RoutingApi.ISTIO, RoutingApi.GATEWAY_API])('is drawn as one edge with its paths (routing rendered with %s)', api => {
    // GIVEN a gateway route to a service whose split matches a header, so the route's rules have matches without a path
    const mesh = openMesh({ routingApi: api });
    const web = new MeshService(mesh, 'web', { namespace: 'shop', ports: [{ port: 8080, protocol: Protocol.HTTP }] });
    web.addVersion('v1', { image: 'example/web:v1' });
    web.addVersion('v2', { image: 'example/web:v2' });
    new TrafficSplit(mesh, 'web-routes', {
      service: web,
      routes: [
        { name: 'beta', matches: [{ headers: [HeaderMatch.exact('x-beta', '1')] }], targets: [TrafficTarget.version('v2')] },
        { name: 'rest', targets: [TrafficTarget.version('v1', 90), TrafficTarget.version('v2', 10)] },
      ],
    });
    const gateway = new IngressGateway(mesh, 'ingress');
    gateway.addRoute({ service: web, paths: [StringMatch.prefix('/web')] });
    const other = new IngressGateway(mesh, 'other', { namespace: 'other-ingress' });
    other.addRoute({ service: web });
    // WHEN drawn after synthesis (which decides the API each route object is rendered in)
    MeshTesting.synth(mesh);
    expect(gateway.routeObjects.map(o => o.kind)).toEqual([api === RoutingApi.ISTIO ? 'VirtualService' : 'HTTPRoute']);
    const mermaid = MeshDiagram.mermaid(mesh);
    // THEN each gateway has one edge to web, with the paths its route takes (the second: every path)
    const edges = mermaid.split('\n').filter(l => l.includes('==>'));
    expect(edges).toEqual([
      expect.stringMatching(/gw__istio_2d_ingress__ingress ==>\|"prefix \/web"\| svc__shop__web/),
      expect.stringMatching(/gw__other_2d_ingress__other ==>\|"every path"\| svc__shop__web/),
    ]);
    expect(synthErrors(mesh)).toEqual([]);
  });
});

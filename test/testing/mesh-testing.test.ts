import { Testing } from 'cdk8s';
import { Bookinfo } from '../../examples/bookinfo/mesh';
import { AccessPolicy, Mesh, MeshTesting } from '../../src';
import { newMesh, newService } from '../support/util';

describe('MeshTesting', () => {
  test('synth returns every layer in apply order', () => {
    const mesh = newMesh();
    newService(mesh, 'web', ['v1'], { namespace: 'apps' });
    const kinds = MeshTesting.synth(mesh).map(m => m.kind);
    const firstOf = (kind: string) => kinds.indexOf(kind);
    expect(kinds.slice(0, 15)).toEqual(Array(15).fill('CustomResourceDefinition'));
    expect(kinds.slice(15, 17)).toEqual(['Namespace', 'Namespace']);
    expect(firstOf('MutatingWebhookConfiguration')).toBeGreaterThan(16);
    expect(firstOf('MutatingWebhookConfiguration')).toBeLessThan(firstOf('PeerAuthentication'));
    const workloads = kinds.slice(firstOf('PeerAuthentication'));
    expect(workloads.sort()).toEqual(['AuthorizationPolicy', 'Deployment', 'NetworkPolicy', 'PeerAuthentication', 'Service', 'ServiceAccount']);
  });

  test('allowedCallers: nobody by default, then the principals AccessPolicies name', () => {
    const mesh = newMesh();
    const web = newService(mesh, 'web');
    const api = newService(mesh, 'api');
    expect(MeshTesting.allowedCallers(mesh, api)).toEqual([]);
    new AccessPolicy(mesh, 'api-access', { service: api, allow: [{ from: web }] });
    expect(MeshTesting.allowedCallers(mesh, api)).toEqual(['cluster.local/ns/default/sa/web']);
    expect(MeshTesting.allowedCallers(mesh, web)).toEqual([]);
  });

  test('allowedCallers in a mesh that opts out of deny-by-default: fails where everyone may call, lists principals where a policy applies', () => {
    const mesh = newMesh({ denyByDefault: false });
    const web = newService(mesh, 'web');
    const api = newService(mesh, 'api');
    const db = newService(mesh, 'db');
    expect(() => MeshTesting.allowedCallers(mesh, api)).toThrow(/^\[MESH0604\] MeshTesting.allowedCallers: every caller may call 'api'/);

    new AccessPolicy(mesh, 'api-access', { service: api, allow: [{ from: web }] });
    expect(MeshTesting.allowedCallers(mesh, api)).toEqual(['cluster.local/ns/default/sa/web']);
    expect(() => MeshTesting.allowedCallers(mesh, db)).toThrow(/MESH0604/);

    mesh.denyByDefault();
    expect(MeshTesting.allowedCallers(mesh, db)).toEqual([]);
    expect(MeshTesting.allowedCallers(mesh, api)).toEqual(['cluster.local/ns/default/sa/web']);
  });

  test('find fails unless exactly one object matches', () => {
    const mesh = newMesh();
    newService(mesh, 'web');
    const manifests = MeshTesting.synth(mesh);
    expect(() => MeshTesting.find(manifests, 'Service', 'nope')).toThrow("expected one Service 'nope', found 0");
    expect(() => MeshTesting.find(manifests, 'Service', 'web', 'other')).toThrow("expected one Service 'web' in namespace 'other', found 0");
  });
});

describe('MeshTesting.snapshot: what the program adds', () => {
  const bookinfo = new Bookinfo(Testing.app(), 'bookinfo');
  const all = MeshTesting.synth(bookinfo);
  const snapshot = MeshTesting.snapshot(bookinfo);
  const key = (o: any) => `${o.kind} ${o.metadata.namespace ?? ''}/${o.metadata.name}`;

  test('snapshot of Bookinfo', () => {
    expect(snapshot).toMatchSnapshot();
  });

  test('every object of the mesh\'s own chart, and the namespaces of its services and gateway, in apply order', () => {
    const namespaces = snapshot.filter(o => o.kind === 'Namespace').map(o => o.metadata.name);
    expect(namespaces).toEqual(['bookinfo', 'istio-ingress']);
    expect(snapshot.slice(2).map(key)).toEqual(Testing.synth(bookinfo).map(key));
    expect(snapshot.map(key)).toEqual(expect.arrayContaining([
      'Deployment bookinfo/reviews-v3', 'VirtualService bookinfo/reviews', 'DestinationRule bookinfo/reviews', 'AuthorizationPolicy bookinfo/ratings',
      'AuthorizationPolicy istio-system/allow-nothing', 'PeerAuthentication istio-system/default', 'Gateway istio-ingress/bookinfo-gateway', 'Telemetry bookinfo/reviews',
    ]));
    // each object as MeshTesting.synth writes it
    const byKey = new Map(all.map(o => [key(o), o]));
    snapshot.forEach(o => expect(byKey.get(key(o))).toEqual(o));
  });

  test('no CRD, no control plane (istiod, webhooks, CNI agent, their namespaces), no telemetry stack unless asked', () => {
    expect(snapshot.filter(o => o.kind === 'CustomResourceDefinition')).toEqual([]);
    expect(snapshot.filter(o => ['MutatingWebhookConfiguration', 'ValidatingWebhookConfiguration', 'DaemonSet', 'ClusterRole', 'ClusterRoleBinding'].includes(o.kind))).toEqual([]);
    expect(snapshot.filter(o => o.metadata.name === 'istiod' || o.metadata.namespace === 'istio-cni')).toEqual([]);
    expect(snapshot.filter(o => o.kind === 'Namespace' && ['istio-system', 'istio-cni'].includes(o.metadata.name))).toEqual([]);
    expect(snapshot.filter(o => o.kind === 'Deployment' && o.metadata.namespace === 'istio-system')).toEqual([]);
    // the counts the README gives
    expect(snapshot).toHaveLength(40);
    expect(all).toHaveLength(113);

    const withTelemetry = MeshTesting.snapshot(bookinfo, { telemetry: true }).map(key);
    expect(withTelemetry).toEqual(expect.arrayContaining(['Deployment istio-system/prometheus', 'Deployment istio-system/kiali', 'Deployment istio-system/grafana']));
    expect(withTelemetry.length).toEqual(snapshot.length + 31);
  });

  test('fails like synth on a mesh with errors, and on something that is no mesh', () => {
    const mesh = newMesh();
    new AccessPolicy(mesh, 'p', { service: newService(mesh, 'web'), allow: [{ from: newService(mesh, 'api'), ports: [1] }] });
    expect(() => MeshTesting.snapshot(mesh)).toThrow(/^Validation failed with the following errors:\n {2}\[mesh\/p\] \[MESH0203\]/);
    expect(() => MeshTesting.snapshot({} as Mesh)).toThrow('[MESH0097] MeshTesting.snapshot: mesh is not a Mesh');
  });
});

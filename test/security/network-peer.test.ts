import { AccessPolicy, IngressGateway, MeshTesting, NetworkPeer } from '../../src';
import { validateManifests } from '../support/schemas';
import { newMesh, newService, ofKind, synthErrors } from '../support/util';

/** A mesh with an ingress gateway 'edge' in front of web, admitting `allowAccessFrom`. */
function gatewayMesh(allowAccessFrom: NetworkPeer[]) {
  const mesh = newMesh({ denyByDefault: true });
  const web = newService(mesh, 'web');
  const edge = new IngressGateway(mesh, 'edge', { allowAccessFrom });
  edge.addRoute({ service: web });
  new AccessPolicy(mesh, 'web-access', { service: web, allow: [{ from: edge }] });
  return mesh;
}

/** The ipBlocks of the gateway's NetworkPolicies. */
function ipBlocks(manifests: any[]): any[] {
  return ofKind(manifests, 'NetworkPolicy').flatMap(p => (p.spec.ingress ?? []).flatMap((r: any) => (r.from ?? []).map((f: any) => f.ipBlock)))
    .filter(b => b !== undefined);
}

describe('NetworkPeer.cidr() except blocks (MESH0230)', () => {
  test.each([
    ['10.0.0.0/16', '192.168.0.0/24', 'outside the block'],
    ['10.0.0.0/16', '10.0.0.0/16', 'as large as the block itself'],
    ['10.0.0.0/16', '10.0.0.0/8', 'larger than the block'],
    ['10.0.0.0/16', '10.1.0.0/24', 'outside the block'],
    ['::/0', '10.0.0.0/8', "an IPv4 block, and '::/0' is IPv6"],
    ['10.0.0.0/8', '2001:db8::/32', "an IPv6 block, and '10.0.0.0/8' is IPv4"],
    ['2001:db8::/32', '2001:db9::/48', 'outside the block'],
  ])('%s except %s is refused: %s', (cidr, except, why) => {
    const mesh = gatewayMesh([NetworkPeer.cidr(cidr, [except])]);
    expect(synthErrors(mesh)).toEqual([
      `[mesh/edge] [MESH0230] allowAccessFrom except block '${except}' is ${why}: the API server takes only except blocks strictly inside '${cidr}' (same address family, longer prefix), give such a block or drop it`,
    ]);
  });

  test('each bad except block is reported, the good ones are not', () => {
    const mesh = gatewayMesh([NetworkPeer.cidr('10.0.0.0/16', ['10.0.1.0/24', '192.168.0.0/24'])]);
    expect(synthErrors(mesh)).toEqual([
      "[mesh/edge] [MESH0230] allowAccessFrom except block '192.168.0.0/24' is outside the block: the API server takes only except blocks strictly inside '10.0.0.0/16' (same address family, longer prefix), give such a block or drop it",
    ]);
  });

  test.each([
    ['10.0.0.0/16', ['10.0.1.0/24']],
    ['10.0.0.0/16', ['10.0.255.255/32', '10.0.128.0/17']],
    ['0.0.0.0/0', ['10.0.0.0/8', '192.168.0.0/16']],
    ['::/0', ['2001:db8::/32']],
    ['2001:db8::/32', ['2001:db8:0:1::/64', '2001:db8:ffff::/48']],
  ])('%s except %j is strictly inside, rendered and valid', (cidr, except) => {
    const mesh = gatewayMesh([NetworkPeer.cidr(cidr, except)]);
    expect(synthErrors(mesh)).toEqual([]);
    const manifests = MeshTesting.synth(mesh);
    expect(ipBlocks(manifests)).toContainEqual({ cidr, except });
    expect(validateManifests(manifests)).toEqual([]);
  });
});

describe('NetworkPeer.pods() labels (MESH0229, MESH0091)', () => {
  test('empty labels would select every pod of the namespace', () => {
    const mesh = gatewayMesh([NetworkPeer.pods('db', {})]);
    expect(synthErrors(mesh)).toEqual([
      "[mesh/edge] [MESH0229] allowAccessFrom pods of namespace 'db' are given no labels, which would select every pod of the namespace: give the labels that select the pods, e.g. { app: 'web' }, or use NetworkPeer.namespace('db') to admit them all",
    ]);
  });

  test('missing labels (plain JavaScript) are no labels', () => {
    const mesh = gatewayMesh([NetworkPeer.pods('db', undefined as any)]);
    expect(synthErrors(mesh)).toEqual([
      "[mesh/edge] [MESH0229] allowAccessFrom pods of namespace 'db' are given no labels, which would select every pod of the namespace: give the labels that select the pods, e.g. { app: 'web' }, or use NetworkPeer.namespace('db') to admit them all",
    ]);
  });

  test.each([
    [null, 'allowAccessFrom labels is null'],
    ['x', "allowAccessFrom labels 'x' is a string"],
    [['x'], 'allowAccessFrom labels ["x"] is a list'],
  ])('labels %j (plain JavaScript) are not a map of strings', (labels, given) => {
    const mesh = gatewayMesh([NetworkPeer.pods('db', labels as any)]);
    expect(synthErrors(mesh)).toEqual([`[mesh/edge] [MESH0091] ${given}, not a map of strings: give an object, e.g. { app: 'web' }`]);
  });

  test('labels that select pods are rendered and valid', () => {
    const mesh = gatewayMesh([NetworkPeer.pods('db', { app: 'db' })]);
    expect(synthErrors(mesh)).toEqual([]);
    const manifests = MeshTesting.synth(mesh);
    const peers = ofKind(manifests, 'NetworkPolicy').flatMap(p => (p.spec.ingress ?? []).flatMap((r: any) => r.from ?? []));
    expect(peers).toContainEqual({ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'db' } }, podSelector: { matchLabels: { app: 'db' } } });
    expect(validateManifests(manifests)).toEqual([]);
  });
});

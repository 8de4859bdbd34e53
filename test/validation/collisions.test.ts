import { App, Chart, Testing } from 'cdk8s';
import { k8s } from 'cdk8s-plus-27';
import { EgressGateway, EgressScope, ExternalService, IngressGateway, Injection, Mesh, MeshTesting, RateLimit, TelemetryStack } from '../../src';
import { validateManifests } from '../support/schemas';
import { openMesh, newService, synthErrors } from '../support/util';

// The same object written twice with different content: the cluster keeps one of them, so synthesis fails,
// once per clash, on the construct the user wrote second.
describe('collisions', () => {
  test('fails on a second Mesh in one App, once (not on each of the objects both write)', () => {
    // GIVEN
    const app = new App();
    new Mesh(app, 'a');
    new Mesh(app, 'b', { rootNamespace: 'other-system' });

    // THEN
    expect(synthErrors(app)).toEqual([
      '[b] [MESH0046] the App already has a Mesh (a): both would write the same cluster-wide objects (CRDs, the injector webhook, cluster roles, '
      + 'the root namespace), so put each Mesh in an App of its own',
    ]);
  });

  test('a Mesh in each of two Apps is valid', () => {
    const a = new Mesh(Testing.app(), 'a');
    const b = new Mesh(Testing.app(), 'b');
    expect([...synthErrors(a), ...synthErrors(b)]).toEqual([]);
  });

  test('fails on a Mesh inside a Mesh, once, and the outer mesh keeps its own constructs', () => {
    // GIVEN
    const mesh = openMesh();
    newService(mesh, 'web');
    const inner = new Mesh(mesh, 'inner');
    newService(inner, 'web');

    // THEN
    expect(synthErrors(mesh)).toEqual([
      "[mesh/inner] [MESH0045] is inside Mesh 'mesh': a Mesh writes cluster-wide objects (CRDs, the injector webhook, cluster roles, "
      + 'the root namespace), so create it at the top of an App of its own, or add what it holds to the outer Mesh',
    ]);
  });

  test('fails on two services sharing a ServiceAccount name, naming both', () => {
    const mesh = openMesh();
    newService(mesh, 'a', ['v1'], { serviceAccountName: 'shared' });
    newService(mesh, 'b', ['v1'], { serviceAccountName: 'shared' });
    expect(synthErrors(mesh)).toEqual([
      "[mesh/b/ServiceAccount/Resource] [MESH0008] ServiceAccount 'default/shared' is also written by mesh/a/ServiceAccount/Resource: "
      + 'the cluster keeps one object per kind, namespace and name, give one of them another name',
    ]);
  });

  test('two services with ServiceAccounts of their own are valid', () => {
    const mesh = openMesh();
    newService(mesh, 'a', ['v1'], { serviceAccountName: 'shared' });
    newService(mesh, 'b', ['v1'], { serviceAccountName: 'shared', namespace: 'other' });
    expect(synthErrors(mesh)).toEqual([]);
  });

  test('fails on a service named like the control plane, on the service (the control plane comes first)', () => {
    const mesh = openMesh();
    newService(mesh, 'istiod', ['v1'], { namespace: 'istio-system', injection: Injection.explicit() });
    expect(synthErrors(mesh)).toEqual([
      "[mesh/istiod/ServiceAccount/Resource] [MESH0008] ServiceAccount 'istio-system/istiod' is also written by mesh-control-plane/istiod/ServiceAccount: "
      + 'the cluster keeps one object per kind, namespace and name, give one of them another name',
      "[mesh/istiod/Resource/Resource] [MESH0008] Service 'istio-system/istiod' is also written by mesh-control-plane/istiod/Service: "
      + 'the cluster keeps one object per kind, namespace and name, give one of them another name',
    ]);
  });

  test('a service named istiod in its own namespace is valid', () => {
    const mesh = openMesh();
    newService(mesh, 'istiod', ['v1'], { namespace: 'apps' });
    expect(synthErrors(mesh)).toEqual([]);
  });

  test('fails on a service named like a gateway in the gateway\'s namespace', () => {
    const mesh = openMesh();
    const web = newService(mesh, 'web');
    new IngressGateway(mesh, 'gateway', { name: 'edge' }).addRoute({ service: web });
    newService(mesh, 'edge', ['v1'], { namespace: 'istio-ingress' });
    expect(synthErrors(mesh)).toEqual([
      "[mesh/edge/ServiceAccount/Resource] [MESH0008] ServiceAccount 'istio-ingress/edge' is also written by mesh/gateway/ServiceAccount: "
      + 'the cluster keeps one object per kind, namespace and name, give one of them another name',
      "[mesh/edge/Resource/Resource] [MESH0008] Service 'istio-ingress/edge' is also written by mesh/gateway/Service: "
      + 'the cluster keeps one object per kind, namespace and name, give one of them another name',
    ]);
  });

  test('fails on two RateLimits on one service, once', () => {
    const mesh = openMesh();
    const api = newService(mesh, 'api');
    new RateLimit(mesh, 'r1', { service: api, requests: 10 });
    new RateLimit(mesh, 'r2', { service: api, requests: 20 });
    expect(synthErrors(mesh)).toEqual([
      "[mesh/r2] [MESH0153] service 'api' already has a RateLimit (mesh/r1): a service has one local rate limit, so set requests, per and burst on that one",
    ]);
  });

  test('a RateLimit on each of two services is valid', () => {
    const mesh = openMesh();
    new RateLimit(mesh, 'r1', { service: newService(mesh, 'api'), requests: 10 });
    new RateLimit(mesh, 'r2', { service: newService(mesh, 'web'), requests: 20 });
    expect(synthErrors(mesh)).toEqual([]);
  });

  test('fails on two ExternalServices with one name', () => {
    const mesh = openMesh();
    new ExternalService(mesh, 'e1', { hosts: ['a.example.com'], name: 'partner' });
    new ExternalService(mesh, 'e2', { hosts: ['b.example.com'], name: 'partner' });
    expect(synthErrors(mesh)).toEqual([
      "[mesh/e2/Resource] [MESH0008] ServiceEntry 'default/partner' is also written by mesh/e1/Resource: "
      + 'the cluster keeps one object per kind, namespace and name, give one of them another name',
    ]);
  });

  test('two ExternalServices with names of their own are valid', () => {
    const mesh = openMesh();
    new ExternalService(mesh, 'e1', { hosts: ['a.example.com'], name: 'partner' });
    new ExternalService(mesh, 'e2', { hosts: ['b.example.com'], name: 'partner', namespace: 'other' });
    expect(synthErrors(mesh)).toEqual([]);
  });

  test('fails on two ingress gateways with one name, once', () => {
    const mesh = openMesh();
    const web = newService(mesh, 'web');
    new IngressGateway(mesh, 'g1', { name: 'edge' }).addRoute({ service: web });
    new IngressGateway(mesh, 'g2', { name: 'edge' }).addRoute({ service: web });
    expect(synthErrors(mesh)).toEqual([
      "[mesh/g2] [MESH0154] gateway 'edge' in namespace 'istio-ingress' is already in the mesh (mesh/g1): give one of them another name or namespace",
    ]);
  });

  test('fails on two egress gateways with one name, once', () => {
    const mesh = openMesh();
    const g1 = new EgressGateway(mesh, 'g1', { name: 'out' });
    const g2 = new EgressGateway(mesh, 'g2', { name: 'out' });
    new ExternalService(mesh, 'e1', { hosts: ['a.example.com'], egressGateway: g1 });
    new ExternalService(mesh, 'e2', { hosts: ['b.example.com'], egressGateway: g2 });
    expect(synthErrors(mesh)).toEqual([
      "[mesh/g2] [MESH0154] gateway 'out' in namespace 'istio-system' is already in the mesh (mesh/g1): give one of them another name or namespace",
    ]);
  });

  test('two gateways with one name in two namespaces are valid', () => {
    const mesh = openMesh();
    const web = newService(mesh, 'web');
    new IngressGateway(mesh, 'g1', { name: 'edge' }).addRoute({ service: web });
    new IngressGateway(mesh, 'g2', { name: 'edge', namespace: 'edge-2' }).addRoute({ service: web });
    expect(synthErrors(mesh)).toEqual([]);
  });

  test('services whose namespace and name join to one string are valid with a TelemetryStack', () => {
    const mesh = openMesh();
    new TelemetryStack(mesh, 'telemetry');
    newService(mesh, 'b-c', ['v1'], { namespace: 'a' });
    newService(mesh, 'c', ['v1'], { namespace: 'a-b' });
    expect(synthErrors(mesh)).toEqual([]);
    validateManifests(MeshTesting.synth(mesh));
  });
});

describe('settings that would silently override one another', () => {
  test('fails on two ExternalServices of one namespace with a host in common', () => {
    const mesh = openMesh();
    new ExternalService(mesh, 'e1', { hosts: ['api.example.com'], name: 'api-http' });
    new ExternalService(mesh, 'e2', { hosts: ['api.example.com', 'b.example.com'], name: 'api-https' });
    expect(synthErrors(mesh)).toEqual([
      "[mesh/e2] [MESH0155] host 'api.example.com' is already an ExternalService in namespace 'default' (mesh/e1): "
      + 'Istio uses one of the two and ignores the other, so give each host one ExternalService, with every port it needs',
    ]);
  });

  test('one host as an ExternalService in each of two namespaces is valid', () => {
    const mesh = openMesh();
    new ExternalService(mesh, 'e1', { hosts: ['api.example.com'], name: 'api' });
    new ExternalService(mesh, 'e2', { hosts: ['api.example.com'], name: 'api', namespace: 'other' });
    expect(synthErrors(mesh)).toEqual([]);
  });

  test('fails on two EgressScopes for one namespace or one service, once each', () => {
    const mesh = openMesh();
    const web = newService(mesh, 'web');
    new EgressScope(mesh, 'a');
    new EgressScope(mesh, 'b');
    new EgressScope(mesh, 'c', { service: web });
    new EgressScope(mesh, 'd', { service: web });
    expect(synthErrors(mesh)).toEqual([
      "[mesh/b] [MESH0156] namespace 'default' already has an EgressScope (mesh/a): each writes one Sidecar, so allow every host it needs on that one",
      "[mesh/d] [MESH0156] service 'web' already has an EgressScope (mesh/c): each writes one Sidecar, so allow every host it needs on that one",
    ]);
  });

  test('an EgressScope for a namespace and one for a service in it are valid', () => {
    const mesh = openMesh();
    new EgressScope(mesh, 'a');
    new EgressScope(mesh, 'c', { service: newService(mesh, 'web') });
    expect(synthErrors(mesh)).toEqual([]);
  });
});

describe('objects of charts of the user\'s', () => {
  test.each([['before', true], ['after', false]])('fails on an object of a chart created %s the mesh that the mesh writes too', (_, before) => {
    // GIVEN a chart of the user's with a ServiceAccount named like istiod's
    const app = new App();
    const add = () => new k8s.KubeServiceAccount(new Chart(app, 'mine'), 'sa', { metadata: { name: 'istiod', namespace: 'istio-system' } });
    if (before) {
      add();
    }
    const mesh = new Mesh(app, 'mesh');
    if (!before) {
      add();
    }

    // THEN the mesh's object reports it
    expect(synthErrors(mesh)).toEqual([
      "[mesh-control-plane/istiod/ServiceAccount] [MESH0008] ServiceAccount 'istio-system/istiod' is also written by mine/sa: "
      + 'the cluster keeps one object per kind, namespace and name, give one of them another name',
    ]);
  });

  test('an object of a chart of the user\'s with a name of its own is valid', () => {
    const app = new App();
    new k8s.KubeServiceAccount(new Chart(app, 'mine'), 'sa', { metadata: { name: 'mine', namespace: 'istio-system' } });
    expect(synthErrors(new Mesh(app, 'mesh'))).toEqual([]);
  });
});

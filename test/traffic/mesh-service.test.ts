import { Testing, Duration } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import { CircuitBreaker, LoadBalancer, MeshService, MeshServiceBase, MeshTesting, Protocol, RetryPolicy, Timeout } from '../../src';
import { validateManifests } from '../support/schemas';
import { openMesh, newService, synthErrors } from '../support/util';

describe('MeshService', () => {
  test('defaults: ServiceAccount, Service with a named HTTP port, no routing objects', () => {
    // GIVEN
    const mesh = openMesh();

    // WHEN
    const svc = new MeshService(mesh, 'web', { ports: [{ port: 8080 }] });
    const manifests = Testing.synth(mesh);

    // THEN
    expect(manifests).toMatchSnapshot();
    expect(svc.serviceName).toEqual('web');
    expect(svc.namespace).toEqual('default');
    expect(svc.serviceAccountName).toEqual('web');
    expect(svc.ports).toEqual([{ port: 8080, protocol: Protocol.HTTP, targetPort: 8080, name: 'http' }]);
    expect(svc.host).toEqual('web.default.svc.cluster.local');
    expect(svc.identity).toEqual('spiffe://cluster.local/ns/default/sa/web');
    expect(svc.principal).toEqual('cluster.local/ns/default/sa/web');
    expect(svc.versionNames).toEqual([]);
    expect(svc.virtualService).toBeUndefined();
    expect(svc.destinationRule).toBeUndefined();
    expect(svc.resource).toBeInstanceOf(kplus.Service);
    expect(svc.resource.name).toEqual('web');
    expect(svc.serviceAccount.name).toEqual('web');
    expect(mesh.services).toEqual([svc]);
    expect(mesh.namespaces).toEqual(['istio-system', 'istio-cni', 'default']);
    expect(MeshTesting.find(manifests, 'ServiceAccount', 'web').metadata).toEqual({ name: 'web', namespace: 'default', labels: { account: 'web' } });
    expect(MeshTesting.find(manifests, 'Service', 'web').spec).toEqual({
      externalIPs: [],
      ports: [{ name: 'http', port: 8080, targetPort: 8080, appProtocol: 'http' }],
      selector: { app: 'web' },
      type: 'ClusterIP',
    });
    expect(manifests.map(m => m.kind).sort()).toEqual(['PeerAuthentication', 'Service', 'ServiceAccount']);
  });

  test('every prop', () => {
    // GIVEN
    const mesh = openMesh();

    // WHEN
    const svc = new MeshService(mesh, 'id-is-not-the-name', {
      serviceName: 'payments',
      namespace: 'billing',
      serviceAccountName: 'payments-sa',
      ports: [
        { port: 443, protocol: Protocol.TLS, targetPort: 8443 },
        { port: 9090, protocol: Protocol.GRPC, name: 'grpc-api' },
        { port: 8080, protocol: Protocol.HTTP2 },
        { port: 5432, protocol: Protocol.TCP },
        { port: 5433, protocol: Protocol.TCP },
      ],
      timeout: Timeout.of(Duration.millis(1500)),
      retries: RetryPolicy.of({ attempts: 2 }),
      circuitBreaker: CircuitBreaker.of({ maxConnections: 10 }),
      loadBalancer: LoadBalancer.random(),
    });
    const manifests = Testing.synth(mesh);

    // THEN
    expect(svc.identity).toEqual('spiffe://cluster.local/ns/billing/sa/payments-sa');
    expect(svc.trafficPolicy).toEqual({
      timeout: Timeout.of(Duration.millis(1500)),
      retries: RetryPolicy.of({ attempts: 2 }),
      circuitBreaker: CircuitBreaker.of({ maxConnections: 10 }),
      loadBalancer: LoadBalancer.random(),
    });
    expect(MeshTesting.find(manifests, 'Service', 'payments', 'billing').spec.ports).toEqual([
      { name: 'tls', port: 443, targetPort: 8443, appProtocol: 'tls' },
      { name: 'grpc-api', port: 9090, targetPort: 9090, appProtocol: 'grpc' },
      { name: 'http2', port: 8080, targetPort: 8080, appProtocol: 'http2' },
      { name: 'tcp-5432', port: 5432, targetPort: 5432, appProtocol: 'tcp' },
      { name: 'tcp-5433', port: 5433, targetPort: 5433, appProtocol: 'tcp' },
    ]);
    expect(MeshTesting.find(manifests, 'VirtualService', 'payments', 'billing').spec).toEqual({
      hosts: ['payments.billing.svc.cluster.local'],
      http: [{ name: 'default', route: [{ destination: { host: 'payments.billing.svc.cluster.local' } }], timeout: '1500ms', retries: { attempts: 2 } }],
    });
    expect(MeshTesting.find(manifests, 'DestinationRule', 'payments', 'billing').spec).toEqual({
      host: 'payments.billing.svc.cluster.local',
      trafficPolicy: { loadBalancer: { simple: 'RANDOM' }, connectionPool: { tcp: { maxConnections: 10 } } },
    });
    expect(validateManifests(manifests)).toEqual([]);
  });

  test('addVersion renders a Deployment enrolled in the mesh, selected by app and version', () => {
    // GIVEN
    const mesh = openMesh();
    const svc = new MeshService(mesh, 'web', { ports: [{ port: 80, targetPort: 8080 }] });

    // WHEN
    const v2 = svc.addVersion('v2', {
      image: 'example/web:2',
      replicas: 3,
      env: { B: '2', A: '1' },
      resources: { cpu: { request: kplus.Cpu.millis(100), limit: kplus.Cpu.millis(200) } },
      writablePaths: ['/tmp'],
      command: ['/bin/web'],
      args: ['--serve'],
      user: 1000,
      imagePullPolicy: kplus.ImagePullPolicy.IF_NOT_PRESENT,
      podAnnotations: { 'prometheus.io/scrape': 'true' },
    });
    const manifests = Testing.synth(mesh);
    const deployment = MeshTesting.find(manifests, 'Deployment', 'web-v2');

    // THEN
    expect(deployment).toMatchSnapshot();
    expect(svc.versionNames).toEqual(['v2']);
    expect(v2.versionName).toEqual('v2');
    expect(v2.selectorLabels).toEqual({ app: 'web', version: 'v2' });
    expect(v2.resource).toBeInstanceOf(kplus.Deployment);
    expect(v2.resource.name).toEqual('web-v2');
    expect(deployment.metadata).toEqual({ name: 'web-v2', namespace: 'default', labels: { app: 'web', version: 'v2' } });
    expect(deployment.spec.replicas).toEqual(3);
    expect(deployment.spec.selector).toEqual({ matchLabels: { app: 'web', version: 'v2' } });
    expect(deployment.spec.template.metadata).toEqual({
      labels: { 'app': 'web', 'version': 'v2', 'sidecar.istio.io/inject': 'true' },
      annotations: { 'prometheus.io/scrape': 'true' },
    });
    const pod = deployment.spec.template.spec;
    expect(pod.serviceAccountName).toEqual('web');
    const [container] = pod.containers;
    expect(container.name).toEqual('web');
    expect(container.image).toEqual('example/web:2');
    expect(container.imagePullPolicy).toEqual('IfNotPresent');
    expect(container.ports).toEqual([{ containerPort: 8080 }]);
    expect(container.env).toEqual([{ name: 'A', value: '1' }, { name: 'B', value: '2' }]);
    expect(container.command).toEqual(['/bin/web']);
    expect(container.args).toEqual(['--serve']);
    expect(container.resources.requests.cpu).toEqual('100m');
    expect(container.securityContext).toEqual({
      allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] }, privileged: false, readOnlyRootFilesystem: true, runAsNonRoot: true, runAsUser: 1000,
    });
    expect(container.volumeMounts).toEqual([{ mountPath: '/tmp', name: 'writable-0' }]);
    expect(pod.volumes).toEqual([{ name: 'writable-0', emptyDir: {} }]);
    expect(validateManifests(manifests)).toEqual([]);
  });

  test('version defaults: one replica, non-root, read-only root filesystem', () => {
    const mesh = openMesh();
    newService(mesh, 'web', ['v1']);
    const deployment = MeshTesting.find(Testing.synth(mesh), 'Deployment', 'web-v1');
    expect(deployment.spec.replicas).toEqual(1);
    const container = deployment.spec.template.spec.containers[0];
    expect(container.securityContext.readOnlyRootFilesystem).toBe(true);
    expect(container.securityContext.runAsNonRoot).toBe(true);
    expect(deployment.spec.template.spec.securityContext.runAsNonRoot).toBe(true);
    expect(container.env).toBeUndefined();
    expect(deployment.spec.template.metadata.annotations).toBeUndefined();
  });

  test('fromName refers to a service defined elsewhere', () => {
    const mesh = openMesh({ trustDomain: 'corp.example' });
    const ext = MeshService.fromName(mesh, 'ledger', 'ledger', { namespace: 'finance', serviceAccountName: 'ledger-sa', versions: ['v1'] });
    expect(ext.serviceName).toEqual('ledger');
    expect(ext.namespace).toEqual('finance');
    expect(ext.identity).toEqual('spiffe://corp.example/ns/finance/sa/ledger-sa');
    expect(ext.host).toEqual('ledger.finance.svc.cluster.local');
    expect(ext.ports).toEqual([{ port: 80, protocol: Protocol.HTTP, targetPort: 80, name: 'http' }]);
    expect(ext.versionNames).toEqual(['v1']);
    // an imported service renders nothing by itself and is not one of the mesh's own services
    expect(Testing.synth(mesh).map(m => m.kind)).toEqual(['PeerAuthentication']);
    expect(mesh.services).toEqual([]);
  });

  test('fromName defaults', () => {
    const mesh = openMesh();
    const ext = MeshService.fromName(mesh, 'x', 'inventory');
    expect(ext.namespace).toEqual('default');
    expect(ext.serviceAccountName).toEqual('inventory');
    expect(ext.versionNames).toBeUndefined();
  });

  test('fromName creates nothing, even where a MeshService would state its TLS mode (auto mTLS off)', () => {
    // GIVEN
    const mesh = openMesh({ autoMtls: false });

    // WHEN
    const ext = MeshService.fromName(mesh, 'ledger', 'ledger') as MeshServiceBase;

    // THEN the service that defines it states its TLS mode, in the program that defines it
    expect(Testing.synth(mesh).map(m => m.kind)).toEqual(['PeerAuthentication']);
    expect(ext.virtualService).toBeUndefined();
    expect(ext.destinationRule).toBeUndefined();
    expect(ext.trafficPolicy).toEqual({});
  });

  test('fails on traffic settings given to fromName (from plain JavaScript: they belong to a ServiceTrafficPolicy)', () => {
    // GIVEN
    const mesh = openMesh();

    // WHEN
    const ext = MeshService.fromName(mesh, 'ledger', 'ledger', { timeout: Timeout.of(Duration.seconds(1)), loadBalancer: LoadBalancer.random() } as any) as MeshServiceBase;

    // THEN the mistake is reported, and nothing is made from the settings
    expect(synthErrors(mesh)).toEqual([
      '[mesh/ledger] [MESH0117] MeshService.fromName() takes no traffic settings (given: timeout, loadBalancer): give them to a ServiceTrafficPolicy for this service',
    ]);
    expect(ext.virtualService).toBeUndefined();
    expect(ext.destinationRule).toBeUndefined();
    expect(ext.trafficPolicy).toEqual({});
  });

  test.each([
    [{ ports: [] }, '[mesh/web] [MESH0012] ports is empty: a service needs at least one port, e.g. { port: 8080, protocol: Protocol.HTTP }'],
    [{ ports: [{ port: 0 }] }, '[mesh/web] [MESH0003] port 0 is out of range: use a whole number from 1 to 65535'],
    [{ ports: [{ port: 70000 }] }, '[mesh/web] [MESH0003] port 70000 is out of range: use a whole number from 1 to 65535'],
    [{ ports: [{ port: 80, targetPort: -1 }] }, '[mesh/web] [MESH0003] targetPort -1 is out of range: use a whole number from 1 to 65535'],
    [{ ports: [{ port: 80, name: 'web' }] }, "[mesh/web] [MESH0011] port 80 name 'web' does not start with its protocol 'http': Istio selects the protocol by the name prefix, use 'http' or 'http-<suffix>'"],
    [{ ports: [{ port: 80, protocol: Protocol.TCP, name: 'http-db' }] }, "[mesh/web] [MESH0011] port 80 name 'http-db' does not start with its protocol 'tcp': Istio selects the protocol by the name prefix, use 'tcp' or 'tcp-<suffix>'"],
    [{ ports: [{ port: 80 }, { port: 80, protocol: Protocol.TCP }] }, '[mesh/web] [MESH0012] two ports have port 80: each port needs its own port'],
    // the same port twice is one mistake: its two default names (http-80) do not clash once the second is dropped
    [{ ports: [{ port: 80 }, { port: 80 }] }, '[mesh/web] [MESH0012] two ports have port 80: each port needs its own port'],
    [{ ports: [{ port: 80, name: 'http-a' }, { port: 81, name: 'http-a' }] }, "[mesh/web] [MESH0012] two ports have name 'http-a': each port needs its own name"],
    [{ ports: [{ port: 80 }], namespace: 'Bad_NS' }, "[mesh/web] [MESH0001] namespace 'Bad_NS' is not a valid DNS label: use at most 63 lowercase letters, digits and '-', starting and ending with a letter or digit"],
    [{ ports: [{ port: 80 }], serviceName: 'web.v1' }, "[mesh/web] [MESH0001] serviceName 'web.v1' is not a valid DNS label: use at most 63 lowercase letters, digits and '-', starting and ending with a letter or digit"],
  ])('fails on invalid props %#', (props, message) => {
    // GIVEN
    const mesh = openMesh();

    // WHEN
    new MeshService(mesh, 'web', props as any);

    // THEN
    expect(synthErrors(mesh)).toEqual([message]);
  });

  test('fails on every mistake of a service at once', () => {
    // GIVEN
    const mesh = openMesh();

    // WHEN three independent mistakes
    const svc = new MeshService(mesh, 'web', { namespace: 'Bad_NS', ports: [{ port: 80, name: 'web' }, { port: 0, protocol: Protocol.TCP }] });

    // THEN all are reported, and the service carries on with its ports (the misnamed one with its default name)
    expect(synthErrors(mesh)).toEqual([
      "[mesh/web] [MESH0001] namespace 'Bad_NS' is not a valid DNS label: use at most 63 lowercase letters, digits and '-', starting and ending with a letter or digit",
      "[mesh/web] [MESH0011] port 80 name 'web' does not start with its protocol 'http': Istio selects the protocol by the name prefix, use 'http' or 'http-<suffix>'",
      '[mesh/web] [MESH0003] port 0 is out of range: use a whole number from 1 to 65535',
    ]);
    expect(svc.ports.map(p => p.name)).toEqual(['http', 'tcp']);
  });

  test('fails on every mistake of an imported service at once', () => {
    const mesh = openMesh();
    MeshService.fromName(mesh, 'ledger', 'Ledger', { ports: [{ port: 80, name: 'web' }] });
    // the service account defaults to the name: its mistake is reported once
    expect(synthErrors(mesh)).toEqual([
      "[mesh/ledger] [MESH0001] serviceName 'Ledger' is not a valid DNS label: use at most 63 lowercase letters, digits and '-', starting and ending with a letter or digit",
      "[mesh/ledger] [MESH0011] port 80 name 'web' does not start with its protocol 'http': Istio selects the protocol by the name prefix, use 'http' or 'http-<suffix>'",
    ]);
  });

  test('a wrong default namespace is reported by the mesh, not again by its services', () => {
    const mesh = openMesh({ defaultNamespace: '-apps' });
    new MeshService(mesh, 'web', { ports: [{ port: 80 }] });
    MeshService.fromName(mesh, 'ledger', 'ledger');
    expect(synthErrors(mesh)).toEqual(["[mesh] [MESH0001] defaultNamespace '-apps' is not a valid DNS label: use at most 63 lowercase letters, digits and '-', starting and ending with a letter or digit"]);
  });

  test('fails on a duplicate service', () => {
    // GIVEN
    const mesh = openMesh();
    newService(mesh, 'web');

    // WHEN
    new MeshService(mesh, 'web2', { serviceName: 'web', ports: [{ port: 80 }] });

    // THEN
    expect(synthErrors(mesh)).toEqual([
      "[mesh/web2] [MESH0010] service 'web' in namespace 'default' is already in the mesh (mesh/web): give one of them another name or namespace, or import the existing one with MeshService.fromName()",
    ]);
  });

  test('the same name in two namespaces is two services', () => {
    const mesh = openMesh();
    newService(mesh, 'web', ['v1'], { namespace: 'a' });
    newService(mesh, 'web-b', ['v1'], { namespace: 'b', serviceName: 'web' });
    expect(synthErrors(mesh)).toEqual([]);
    expect(mesh.services.map(s => `${s.namespace}/${s.serviceName}`)).toEqual(['a/web', 'b/web']);
  });

  test.each([
    ['v1', { image: 'x' }, "[mesh/web] [MESH0013] version 'v1' already exists (versions: v1): give each version its own name"],
    ['V2', { image: 'x' }, "[mesh/web] [MESH0001] version 'V2' is not a valid DNS label: use at most 63 lowercase letters, digits and '-', starting and ending with a letter or digit"],
    ['', { image: 'x' }, "[mesh/web] [MESH0001] version '' is not a valid DNS label: use at most 63 lowercase letters, digits and '-', starting and ending with a letter or digit"],
    ['v2', { image: 'x', replicas: -1 }, '[mesh/web/v2] [MESH0014] replicas -1 is invalid: use a whole number of at least 0'],
    ['v2', { image: '' }, '[mesh/web/v2] [MESH0015] image is empty: name the container image of this version'],
    ['v2', { image: 'x', user: 0 }, '[mesh/web/v2] [MESH0016] user 0 is root: workloads run as non-root, use another user id (or runAsRoot: true if the image must run as root)'],
    ['v2', { image: 'x', writablePaths: ['tmp'] }, "[mesh/web/v2] [MESH0017] writablePaths 'tmp' is not an absolute path: start it with '/'"],
  ])('fails on invalid version %p %p', (name, options, message) => {
    // GIVEN
    const mesh = openMesh();
    const svc = newService(mesh, 'web', ['v1']);

    // WHEN
    svc.addVersion(name, options);

    // THEN
    expect(synthErrors(mesh)).toEqual([message]);
  });

  test('a repeated version keeps the first', () => {
    const mesh = openMesh();
    const svc = newService(mesh, 'web', ['v1']);
    const first = svc.versions[0];
    expect(svc.addVersion('v1', { image: 'other' })).toBe(first);
    expect(svc.versionNames).toEqual(['v1']);
  });

  test('fails on every mistake of a version at once', () => {
    // GIVEN
    const mesh = openMesh();
    const svc = newService(mesh, 'web', []);

    // WHEN four independent mistakes
    svc.addVersion('v1', { image: '', replicas: 1.5, user: 0, writablePaths: ['tmp', '/var/cache', 'cache'] });

    // THEN all are reported, and the version carries on without what was wrong
    expect(synthErrors(mesh)).toEqual([
      '[mesh/web/v1] [MESH0014] replicas 1.5 is invalid: use a whole number of at least 0',
      '[mesh/web/v1] [MESH0015] image is empty: name the container image of this version',
      '[mesh/web/v1] [MESH0016] user 0 is root: workloads run as non-root, use another user id (or runAsRoot: true if the image must run as root)',
      "[mesh/web/v1] [MESH0017] writablePaths 'tmp' is not an absolute path: start it with '/'",
      "[mesh/web/v1] [MESH0017] writablePaths 'cache' is not an absolute path: start it with '/'",
    ]);
    const deployment = svc.versions[0].resource;
    expect(deployment.replicas).toEqual(1);
    expect(deployment.containers[0].securityContext.user).toBeUndefined();
    expect(deployment.containers[0].mounts.map(m => m.path)).toEqual(['/var/cache']);
  });
});

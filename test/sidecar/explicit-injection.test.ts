import * as fs from 'fs';
import * as path from 'path';
import * as YAML from 'yaml';
import { injectManifest } from '../../src/sidecar/explicit-injection';
import { ISTIO_PROXY_DEFAULTS } from '../../src/sidecar/proxy-settings';
import { SidecarEnvironment } from '../../src/sidecar/sidecar';
import { testSidecarEnv } from '../support/sidecar-env';

const FIXTURES = path.join(__dirname, '..', 'fixtures', 'istio-1.30.3', 'sidecar');
const load = (file: string) => YAML.parseAllDocuments(fs.readFileSync(path.join(FIXTURES, file), 'utf-8'))[0].toJSON();

/** The environment Istio's injection test data was generated with. */
const ISTIO_TEST_ENV: SidecarEnvironment = testSidecarEnv();

/**
 * Istio's output differs from ours in form only, in three places; these bring both to one form:
 * - PROXY_CONFIG: ours always carries the discovery address (revisions have their own istiod), Istio's
 *   test mesh config is empty;
 * - ISTIO_META_POD_PORTS: the same JSON, laid out on one line (ours) or several (Istio's);
 * - a volume with no source is an emptyDir to Kubernetes; ours says so.
 */
function normalizeContainer(c: any): any {
  const env = c.env?.map((e: any) => {
    if (e.name === 'PROXY_CONFIG') {
      return { name: e.name, value: 'normalized' };
    }
    if (e.name === 'ISTIO_META_POD_PORTS') {
      return { name: e.name, value: JSON.stringify(JSON.parse(e.value)) };
    }
    return e;
  });
  return { ...c, env };
}

function normalizeVolume(v: any): any {
  return Object.keys(v).length === 1 ? { ...v, emptyDir: {} } : v;
}

function byName(list: any[]): Map<string, any> {
  return new Map(list.map(x => [x.name, x]));
}

describe('explicit injection of Istio\'s hello Deployment', () => {
  const hello = load('hello.yaml');

  test('native sidecar: istio-init and istio-proxy as init containers, container by container as Istio injects them', () => {
    // GIVEN Istio's injected output of the same Deployment
    const expected = load('hello.yaml.injected');
    // WHEN we inject it
    const actual = injectManifest(hello, ISTIO_TEST_ENV, ISTIO_PROXY_DEFAULTS);
    // THEN every container, volume, label and annotation matches
    const want = expected.spec.template;
    const got = actual.spec.template;
    expect(got.spec.initContainers.map((c: any) => c.name)).toEqual(['istio-init', 'istio-proxy']);
    expect(got.spec.containers.map((c: any) => c.name)).toEqual(['hello']);
    for (const [name, container] of byName(want.spec.initContainers)) {
      expect(normalizeContainer(byName(got.spec.initContainers).get(name))).toEqual(normalizeContainer(container));
    }
    // The application container is untouched (Istio's shows the `resources: {}` its decoder adds).
    const { resources, ...app } = want.spec.containers[0];
    expect(resources).toEqual({});
    expect(got.spec.containers[0]).toEqual(app);
    expect(got.spec.volumes).toEqual(want.spec.volumes.map(normalizeVolume));
    expect(got.metadata.labels).toEqual(want.metadata.labels);
    expect(got.metadata.annotations).toEqual(want.metadata.annotations);
    expect(got.spec.initContainers[1].restartPolicy).toEqual('Always');
  });

  test('classic sidecar: istio-proxy beside the application, as Istio injects it', () => {
    // GIVEN Istio's injected output of hello as a Pod with a classic sidecar
    const expected = load('hello-classic-sidecar.yaml.injected');
    const pod = {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'hellopod', annotations: { 'sidecar.istio.io/nativeSidecar': 'false' } },
      spec: hello.spec.template.spec,
    };
    // WHEN we inject it with native sidecars off
    const actual = injectManifest(pod, ISTIO_TEST_ENV, { ...ISTIO_PROXY_DEFAULTS, nativeSidecar: false });
    // THEN
    expect(actual.spec.initContainers.map((c: any) => c.name)).toEqual(['istio-init']);
    expect(actual.spec.containers.map((c: any) => c.name)).toEqual(['hello', 'istio-proxy']);
    expect(normalizeContainer(actual.spec.containers[1])).toEqual(normalizeContainer(expected.spec.containers[1]));
    expect(actual.spec.containers[1].restartPolicy).toBeUndefined();
    expect(normalizeContainer(actual.spec.initContainers[0])).toEqual(normalizeContainer(expected.spec.initContainers[0]));
    expect(actual.spec.volumes).toEqual(expected.spec.volumes.map(normalizeVolume));
    expect(actual.metadata.annotations).toEqual(expected.metadata.annotations);
    // Istio takes the canonical name of a bare pod from its name; so do we.
    expect(actual.metadata.labels).toEqual(expected.metadata.labels);
  });

  test('the pod facts the sidecar carries: ports, containers, owner, workload', () => {
    const actual = injectManifest(hello, { ...ISTIO_TEST_ENV, revision: 'canary' }, ISTIO_PROXY_DEFAULTS);
    const proxyEnv = actual.spec.template.spec.initContainers[1].env.filter((e: any) => e.value !== undefined);
    const env = Object.fromEntries(proxyEnv.map((e: any) => [e.name, e.value]));
    expect(env.ISTIO_META_POD_PORTS).toEqual('[{"name":"http","containerPort":80}]');
    expect(env.ISTIO_META_APP_CONTAINERS).toEqual('hello');
    expect(env.ISTIO_META_OWNER).toEqual('kubernetes://apis/apps/v1/namespaces/default/deployments/hello');
    expect(env.ISTIO_META_WORKLOAD_NAME).toEqual('hello');
    expect(JSON.parse(env.PROXY_CONFIG)).toEqual({ discoveryAddress: 'istiod.istio-system.svc:15012' });
    expect(actual.spec.template.metadata.annotations['istio.io/rev']).toEqual('canary');
    expect(JSON.parse(actual.spec.template.metadata.annotations['sidecar.istio.io/status']).revision).toEqual('canary');
  });

  test('does not change its input', () => {
    const before = JSON.stringify(hello);
    injectManifest(hello, ISTIO_TEST_ENV, ISTIO_PROXY_DEFAULTS);
    expect(JSON.stringify(hello)).toEqual(before);
  });

  test('fails on a kind without pods', () => {
    expect(() => injectManifest({ apiVersion: 'v1', kind: 'Service', metadata: { name: 'x' } }, ISTIO_TEST_ENV, ISTIO_PROXY_DEFAULTS))
      .toThrow(new Error('[MESH0095] explicit injection: cannot inject a sidecar into a Service: inject Deployments, StatefulSets, DaemonSets, ReplicaSets, Jobs or Pods'));
  });
});


describe('application probes', () => {
  test('HTTP probes go through pilot-agent, which makes the original request from inside the pod', () => {
    // GIVEN a container with HTTP readiness and liveness probes (one on a named port) and a TCP startup probe
    const hello = load('hello.yaml');
    const app = hello.spec.template.spec.containers[0];
    app.readinessProbe = { httpGet: { path: '/ready', port: 'http' }, periodSeconds: 5 };
    app.livenessProbe = { httpGet: { path: '/live', port: 80, scheme: 'HTTP' }, timeoutSeconds: 3 };
    app.startupProbe = { tcpSocket: { port: 80 } };
    // WHEN injected
    const spec = injectManifest(hello, ISTIO_TEST_ENV, ISTIO_PROXY_DEFAULTS).spec.template.spec;
    // THEN the HTTP probes target pilot-agent, the TCP probe is left alone
    const [c] = spec.containers;
    expect(c.readinessProbe).toEqual({ httpGet: { path: '/app-health/hello/readyz', port: 15020, scheme: 'HTTP' }, periodSeconds: 5 });
    expect(c.livenessProbe).toEqual({ httpGet: { path: '/app-health/hello/livez', port: 15020, scheme: 'HTTP' }, timeoutSeconds: 3 });
    expect(c.startupProbe).toEqual({ tcpSocket: { port: 80 } });
    const probers = spec.initContainers[1].env.find((e: any) => e.name === 'ISTIO_KUBE_APP_PROBERS');
    expect(JSON.parse(probers.value)).toEqual({
      '/app-health/hello/readyz': { httpGet: { path: '/ready', port: 80, scheme: 'HTTP' }, timeoutSeconds: 1 },
      '/app-health/hello/livez': { httpGet: { path: '/live', port: 80, scheme: 'HTTP' }, timeoutSeconds: 3 },
    });
  });

  test('no probes, no prober environment', () => {
    const spec = injectManifest(load('hello.yaml'), ISTIO_TEST_ENV, ISTIO_PROXY_DEFAULTS).spec.template.spec;
    expect(spec.initContainers[1].env.map((e: any) => e.name)).not.toContain('ISTIO_KUBE_APP_PROBERS');
  });
});

/**
 * The injector template and explicit injection come from one sidecar model. This renders the generated
 * template with Go's text/template, as istiod does when the webhook runs, and checks that it gives the
 * very sidecar explicit injection writes. Needs Go (Debian package golang-go; CI installs it).
 */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as YAML from 'yaml';
import { MeshTesting } from '../../src';
import { injectManifest } from '../../src/sidecar/explicit-injection';
import { sidecarTemplate } from '../../src/sidecar/injector-template';
import { ISTIO_PROXY_DEFAULTS, ProxySettings } from '../../src/sidecar/proxy-settings';
import { SidecarEnvironment } from '../../src/sidecar/sidecar';
import { podSecurityViolations } from '../support/pod-security';
import { testSidecarEnv } from '../support/sidecar-env';
import { newMesh, newService } from '../support/util';

const RENDERER = path.join(__dirname, '..', 'support', 'injector', 'main.go');
let binary: string | undefined;

function renderer(): string {
  if (!binary) {
    binary = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'injector-')), 'render');
    try {
      execFileSync('go', ['build', '-o', binary, RENDERER], { stdio: 'pipe', env: { ...process.env, GO111MODULE: 'off' } });
    } catch (e: any) {
      throw new Error(`building the template renderer needs Go (apt-get install golang-go): ${e.stderr ?? e.message}`);
    }
  }
  return binary;
}

/** Renders `template` for the pod of a workload, with the facts istiod gives the template. */
function renderForWorkload(template: string, workload: any): any {
  const pod = workload.kind === 'Pod' ? workload : workload.spec.template;
  const input = {
    objectMeta: { name: pod.metadata?.name ?? '', namespace: workload.metadata.namespace ?? 'default', labels: pod.metadata?.labels ?? {}, annotations: pod.metadata?.annotations ?? {} },
    spec: { containers: pod.spec.containers.map((c: any) => ({ name: c.name, ports: c.ports ?? [] })) },
    deploymentMeta: { name: workload.metadata.name, namespace: workload.metadata.namespace ?? 'default' },
    typeMeta: { apiVersion: workload.apiVersion, kind: workload.kind },
  };
  const out = execFileSync(renderer(), { input: JSON.stringify({ template, input }) }).toString();
  return YAML.parse(out);
}

const ENV: SidecarEnvironment = testSidecarEnv({ image: 'docker.io/istio/proxyv2:1.30.3', proxyMetadata: { SECRET_TTL: '12h0m0s' } });

const WORKLOAD = {
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'reviews-v2', namespace: 'bookinfo' },
  spec: {
    selector: { matchLabels: { app: 'reviews', version: 'v2' } },
    template: {
      metadata: { labels: { app: 'reviews', version: 'v2' } },
      spec: {
        containers: [
          { name: 'reviews', image: 'example/reviews:v2', ports: [{ containerPort: 9080, name: 'http' }, { containerPort: 9443, protocol: 'TCP' }] },
          { name: 'helper', image: 'example/helper:1' },
        ],
        volumes: [{ name: 'tmp', emptyDir: {} }],
      },
    },
  },
};

describe('the injector template', () => {
  test('is the sidecar model with the pod facts left to the webhook', () => {
    const template = sidecarTemplate(ENV, ISTIO_PROXY_DEFAULTS);
    // The facts only the webhook knows are Go template expressions...
    expect(template).toContain("value: '{{ .DeploymentMeta.Name }}'");
    expect(template).toContain("value: 'kubernetes://apis/{{ .TypeMeta.APIVersion }}/namespaces/{{ .DeploymentMeta.Namespace }}/{{ toLower .TypeMeta.Kind }}s/{{ .DeploymentMeta.Name }}'");
    // ...and everything else is the model's.
    const parsed = YAML.parse(template);
    expect(parsed.spec.initContainers.map((c: any) => c.name)).toEqual(['istio-init', 'istio-proxy']);
    expect(parsed.spec.initContainers[1].restartPolicy).toEqual('Always');
    expect(parsed.spec.containers).toBeUndefined();
    expect(parsed.metadata.annotations['istio.io/rev']).toEqual('default');
  });

  test('classic sidecars are containers', () => {
    const parsed = YAML.parse(sidecarTemplate(ENV, { ...ISTIO_PROXY_DEFAULTS, nativeSidecar: false }));
    expect(parsed.spec.initContainers.map((c: any) => c.name)).toEqual(['istio-init']);
    expect(parsed.spec.containers.map((c: any) => c.name)).toEqual(['istio-proxy']);
  });
});

describe.each<[string, ProxySettings]>([
  ['native sidecar, Istio defaults', ISTIO_PROXY_DEFAULTS],
  ['classic sidecar held until ready, with its own settings', {
    ...ISTIO_PROXY_DEFAULTS,
    nativeSidecar: false,
    holdApplicationUntilProxyStarts: true,
    concurrency: 2,
    cpuRequest: '50m',
    excludeOutboundPorts: '5432',
  }],
])('the webhook template gives what explicit injection writes: %s', (_name, settings) => {
  let explicit: any;
  let webhook: any;
  beforeAll(() => {
    explicit = injectManifest(WORKLOAD, ENV, settings).spec.template;
    webhook = renderForWorkload(sidecarTemplate(ENV, settings), WORKLOAD);
  });
  const appContainers = WORKLOAD.spec.template.spec.containers.map(c => c.name);

  test('init containers', () => {
    expect(webhook.spec.initContainers).toEqual(explicit.spec.initContainers);
  });

  test('containers', () => {
    const sidecars = explicit.spec.containers.filter((c: any) => !appContainers.includes(c.name));
    expect(webhook.spec.containers ?? []).toEqual(sidecars);
  });

  test('volumes', () => {
    expect(webhook.spec.volumes).toEqual(explicit.spec.volumes.filter((v: any) => v.name !== 'tmp'));
  });

  test('labels and annotations (status and metrics annotations are istiod\'s own, after the template)', () => {
    expect(explicit.metadata.labels).toEqual({ ...WORKLOAD.spec.template.metadata.labels, ...webhook.metadata.labels });
    expect(explicit.metadata.annotations).toMatchObject(webhook.metadata.annotations);
  });

  test('the pod facts were computed by the template', () => {
    const proxy = [...webhook.spec.initContainers, ...webhook.spec.containers ?? []].find((c: any) => c.name === 'istio-proxy');
    const env = Object.fromEntries(proxy.env.filter((e: any) => e.value !== undefined).map((e: any) => [e.name, e.value]));
    expect(env.ISTIO_META_POD_PORTS).toEqual('[{"name":"http","containerPort":9080},{"containerPort":9443,"protocol":"TCP"}]');
    expect(env.ISTIO_META_APP_CONTAINERS).toEqual('reviews,helper');
    expect(env.ISTIO_META_OWNER).toEqual('kubernetes://apis/apps/v1/namespaces/bookinfo/deployments/reviews-v2');
    expect(webhook.metadata.labels['service.istio.io/canonical-revision']).toEqual('v2');
    expect(webhook.metadata.annotations['kubectl.kubernetes.io/default-container']).toEqual('reviews');
  });
});

test('a pod without app or version labels gets the workload name and `latest`, as Istio does', () => {
  const bare = { ...WORKLOAD, spec: { ...WORKLOAD.spec, template: { ...WORKLOAD.spec.template, metadata: { labels: {} } } } };
  const webhook = renderForWorkload(sidecarTemplate(ENV, ISTIO_PROXY_DEFAULTS), bare);
  expect(webhook.metadata.labels['service.istio.io/canonical-name']).toEqual('reviews-v2');
  expect(webhook.metadata.labels['service.istio.io/canonical-revision']).toEqual('latest');
  const explicit = injectManifest(bare, ENV, ISTIO_PROXY_DEFAULTS).spec.template;
  expect(explicit.metadata.labels).toEqual(webhook.metadata.labels);
});

describe('the pod the webhook makes of a version, under a control plane with Istio CNI', () => {
  test('meets Pod Security "restricted", sidecars included', () => {
    // GIVEN a version as the library writes it, and the template of its control plane
    const mesh = newMesh({ denyByDefault: false, controlPlane: { cni: true } });
    newService(mesh, 'web', ['v1'], { namespace: 'shop' });
    const workload = MeshTesting.find(MeshTesting.synth(mesh), 'Deployment', 'web-v1', 'shop');
    const cni = { ...ENV, cni: true };

    for (const settings of [ISTIO_PROXY_DEFAULTS, { ...ISTIO_PROXY_DEFAULTS, nativeSidecar: false }]) {
      // WHEN the webhook injects it: istiod puts the template's init containers first and its containers after the pod's
      const injected = renderForWorkload(sidecarTemplate(cni, settings), workload);
      const pod = workload.spec.template.spec;
      const spec = {
        ...pod,
        securityContext: { ...pod.securityContext, ...injected.spec.securityContext },
        initContainers: [...injected.spec.initContainers ?? [], ...pod.initContainers ?? []],
        containers: [...pod.containers, ...injected.spec.containers ?? []],
        volumes: [...pod.volumes ?? [], ...injected.spec.volumes ?? []],
      };

      // THEN
      expect([...spec.initContainers, ...spec.containers].map((c: any) => c.name)).toEqual(
        settings.nativeSidecar ? ['istio-validation', 'istio-proxy', 'web'] : ['istio-validation', 'web', 'istio-proxy']);
      expect(podSecurityViolations({ spec, annotations: injected.metadata.annotations ?? {} }, 'restricted', 'v1.27')).toEqual([]);
    }
  });

  test('without CNI, istio-init needs the namespace to be privileged', () => {
    const injected = renderForWorkload(sidecarTemplate(ENV, ISTIO_PROXY_DEFAULTS), WORKLOAD);
    const spec = { ...WORKLOAD.spec.template.spec, initContainers: injected.spec.initContainers };
    expect(podSecurityViolations({ spec, annotations: {} }, 'baseline')).toEqual([
      'Capabilities: initContainers[istio-init].securityContext.capabilities.add NET_ADMIN',
      'Capabilities: initContainers[istio-init].securityContext.capabilities.add NET_RAW',
    ]);
  });
});

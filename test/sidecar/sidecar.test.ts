import * as fs from 'fs';
import * as path from 'path';
import { Size } from 'cdk8s';
import { Cpu } from 'cdk8s-plus-27';
import * as YAML from 'yaml';
import { ProxyLogLevel } from '../../src';
import { injectManifest } from '../../src/sidecar/explicit-injection';
import { ISTIO_PROXY_DEFAULTS, ProxySettings, resolveProxy } from '../../src/sidecar/proxy-settings';
import { SidecarEnvironment } from '../../src/sidecar/sidecar';
import { testSidecarEnv } from '../support/sidecar-env';

/*
 * The sidecar model, seen through explicit injection of Istio's hello Deployment: what each proxy
 * setting and each part of the control plane's environment makes of the proxy and its init container.
 */

const FIXTURES = path.join(__dirname, '..', 'fixtures', 'istio-1.30.3', 'sidecar');
const load = (file: string) => YAML.parseAllDocuments(fs.readFileSync(path.join(FIXTURES, file), 'utf-8'))[0].toJSON();

/** The environment Istio's injection test data was generated with. */
const ISTIO_TEST_ENV: SidecarEnvironment = testSidecarEnv();

describe('proxy settings in the sidecar', () => {
  const hello = load('hello.yaml');
  const proxyOf = (settings: ProxySettings, env: SidecarEnvironment = ISTIO_TEST_ENV) => {
    const spec = injectManifest(hello, env, settings).spec.template.spec;
    return {
      init: spec.initContainers[0],
      proxy: [...spec.initContainers, ...spec.containers].find((c: any) => c.name === 'istio-proxy'),
      containers: spec.containers.map((c: any) => c.name),
    };
  };
  const scope = 'svc';

  test('every option reaches the proxy or its init container', () => {
    // GIVEN every option set
    const settings = resolveProxy(scope, ISTIO_PROXY_DEFAULTS, {
      resources: { cpu: { request: Cpu.millis(50), limit: Cpu.units(1) }, memory: { request: Size.mebibytes(64), limit: Size.gibibytes(2) } },
      concurrency: 2,
      logLevel: ProxyLogLevel.DEBUG,
      componentLogLevel: 'misc:error,upstream:debug',
      includeInboundPorts: [8080, 9090],
      excludeInboundPorts: [9901],
      includeOutboundPorts: [5432],
      excludeOutboundPorts: [3306, 6379],
      includeOutboundIpRanges: ['10.0.0.0/8'],
      excludeOutboundIpRanges: ['169.254.169.254/32'],
    });
    // WHEN injected
    const { init, proxy } = proxyOf(settings);
    // THEN
    expect(proxy.resources).toEqual({ requests: { cpu: '50m', memory: '64Mi' }, limits: { cpu: '1', memory: '2Gi' } });
    expect(init.resources).toEqual(proxy.resources);
    expect(proxy.args).toEqual(['proxy', 'sidecar', '--domain', '$(POD_NAMESPACE).svc.cluster.local', '--proxyLogLevel=debug',
      '--proxyComponentLogLevel=misc:error,upstream:debug', '--log_output_level=default:info']);
    expect(init.args).toEqual(['istio-iptables', '-p', '15001', '-z', '15006', '-u', '1337', '-m', 'REDIRECT',
      '-i', '10.0.0.0/8', '-x', '169.254.169.254/32', '-b', '8080,9090', '-d', '15090,15021,15020,9901',
      '-q', '5432', '-o', '3306,6379', '--log_output_level=default:info']);
    expect(JSON.parse(proxy.env.find((e: any) => e.name === 'PROXY_CONFIG').value)).toEqual({ discoveryAddress: 'istiod.istio-system.svc:15012', concurrency: 2 });
  });

  test('holdApplicationUntilProxyStarts puts a classic proxy first and waits for it', () => {
    const { proxy, containers } = proxyOf({ ...ISTIO_PROXY_DEFAULTS, nativeSidecar: false, holdApplicationUntilProxyStarts: true });
    expect(containers).toEqual(['istio-proxy', 'hello']);
    expect(proxy.lifecycle.postStart).toEqual({ exec: { command: ['pilot-agent', 'wait'] } });
    expect(JSON.parse(proxy.env.find((e: any) => e.name === 'PROXY_CONFIG').value).holdApplicationUntilProxyStarts).toBe(true);
  });

  test('a native sidecar needs no hold: it starts before the application anyway', () => {
    const { proxy, containers } = proxyOf({ ...ISTIO_PROXY_DEFAULTS, holdApplicationUntilProxyStarts: true });
    expect(containers).toEqual(['hello']);
    expect(proxy.lifecycle.postStart).toBeUndefined();
  });

  test('with Istio CNI, an unprivileged istio-validation checks the capture instead of setting it up', () => {
    const { init } = proxyOf(ISTIO_PROXY_DEFAULTS, { ...ISTIO_TEST_ENV, cni: true });
    expect(init.name).toEqual('istio-validation');
    expect(init.args.slice(-2)).toEqual(['--run-validation', '--skip-rule-apply']);
    expect(init.securityContext).toMatchObject({ runAsNonRoot: true, runAsUser: 1337, readOnlyRootFilesystem: true });
    expect(init.securityContext.capabilities).toEqual({ drop: ['ALL'] });
  });

  test('the CA\'s proxy metadata reaches the proxy environment', () => {
    const { proxy } = proxyOf(ISTIO_PROXY_DEFAULTS, { ...ISTIO_TEST_ENV, proxyMetadata: { SECRET_TTL: '12h' } });
    expect(proxy.env).toContainEqual({ name: 'SECRET_TTL', value: '12h' });
  });
});

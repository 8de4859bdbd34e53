import { Testing } from 'cdk8s';
import { ProxyLogLevel } from '../../src';
import { ISTIO_PROXY_DEFAULTS, resolveProxy, validateProxyOptions } from '../../src/sidecar/proxy-settings';
import { synthErrors } from '../support/util';

describe('proxy settings', () => {
  const scope = 'svc';

  test.each([
    [{ includeInboundPorts: [0] }, '[MESH0026] svc: proxy.includeInboundPorts has port 0: use whole numbers from 1 to 65535'],
    [{ excludeOutboundPorts: [70000] }, '[MESH0026] svc: proxy.excludeOutboundPorts has port 70000: use whole numbers from 1 to 65535'],
    [{ excludeOutboundIpRanges: ['10.0.0.1'] }, "[MESH0027] svc: proxy.excludeOutboundIpRanges has '10.0.0.1', which is not a CIDR range: write it as '10.0.0.0/8' or 'fd00::/8'"],
    [{ concurrency: -1 }, '[MESH0028] svc: proxy.concurrency -1 is invalid: use a whole number of worker threads (0 for one per CPU core)'],
    [{ componentLogLevel: 'misc' }, "[MESH0029] svc: proxy.componentLogLevel 'misc' is invalid: write '<component>:<level>' pairs separated by commas, e.g. 'misc:error,upstream:debug'"],
  ])('fails on invalid options %j', (options, message) => {
    expect(() => resolveProxy(scope, ISTIO_PROXY_DEFAULTS, options)).toThrow(message);
  });

  test('fails on several invalid options of a construct, reporting every one and leaving the invalid values out', () => {
    // GIVEN a construct's proxy options with four mistakes beside valid values
    const construct = Testing.chart();
    // WHEN
    const valid = validateProxyOptions(construct, {
      logLevel: ProxyLogLevel.DEBUG,
      includeInboundPorts: [0, 8080],
      excludeOutboundIpRanges: ['10.0.0.1', '10.0.0.0/8'],
      concurrency: -1,
      componentLogLevel: 'misc',
    });
    // THEN synthesis reports each, and the options keep only what is valid
    expect(synthErrors(construct)).toEqual([
      '[test] [MESH0026] proxy.includeInboundPorts has port 0: use whole numbers from 1 to 65535',
      "[test] [MESH0027] proxy.excludeOutboundIpRanges has '10.0.0.1', which is not a CIDR range: write it as '10.0.0.0/8' or 'fd00::/8'",
      '[test] [MESH0028] proxy.concurrency -1 is invalid: use a whole number of worker threads (0 for one per CPU core)',
      "[test] [MESH0029] proxy.componentLogLevel 'misc' is invalid: write '<component>:<level>' pairs separated by commas, e.g. 'misc:error,upstream:debug'",
    ]);
    expect(resolveProxy('svc', ISTIO_PROXY_DEFAULTS, valid)).toEqual({
      ...ISTIO_PROXY_DEFAULTS,
      logLevel: ProxyLogLevel.DEBUG,
      includeInboundPorts: '8080',
      excludeOutboundIpRanges: '10.0.0.0/8',
    });
  });
});

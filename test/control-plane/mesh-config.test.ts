import * as YAML from 'yaml';
import { MtlsMode, OutboundTrafficPolicy } from '../../src';
import { newMesh } from '../support/util';

describe('mesh config', () => {
  test('derives from the defaults', () => {
    expect(YAML.parse(newMesh().meshConfig())).toEqual({
      trustDomain: 'cluster.local',
      rootNamespace: 'istio-system',
      enableAutoMtls: true,
      outboundTrafficPolicy: { mode: 'ALLOW_ANY' },
      defaultConfig: { discoveryAddress: 'istiod.istio-system.svc:15012' },
      defaultProviders: { metrics: ['prometheus'] },
      enablePrometheusMerge: true,
      extensionProviders: [{ name: 'prometheus', prometheus: {} }, { name: 'envoy', envoyFileAccessLog: { path: '/dev/stdout' } }],
    });
  });

  test('follows the model', () => {
    const config = YAML.parse(newMesh({
      trustDomain: 'corp.example', rootNamespace: 'mesh', autoMtls: false, mtls: MtlsMode.PERMISSIVE, outboundTrafficPolicy: OutboundTrafficPolicy.REGISTRY_ONLY,
    }).meshConfig());
    expect(config.trustDomain).toEqual('corp.example');
    expect(config.rootNamespace).toEqual('mesh');
    expect(config.enableAutoMtls).toBe(false);
    expect(config.outboundTrafficPolicy).toEqual({ mode: 'REGISTRY_ONLY' });
    expect(config.defaultConfig.discoveryAddress).toEqual('istiod.mesh.svc:15012');
  });

  test('is the default control plane\'s: a named revision has its own discovery address', () => {
    const config = YAML.parse(newMesh({ controlPlane: { revision: 'stable' } }).meshConfig());
    expect(config.defaultConfig.discoveryAddress).toEqual('istiod-stable.istio-system.svc:15012');
  });
});

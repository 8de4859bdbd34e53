import { Size } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import { IConstruct } from 'constructs';
import {
  CircuitBreaker, ExternalService, HeaderMatch, ImageVariant, IngressGateway, Injection, MeshService, MeshTesting, Protocol, RateLimit, RetryPolicy,
  TrafficSplit, TrafficTarget,
} from '../../src';
import { validateManifests } from '../support/schemas';
import { newMesh, newService, synthErrors as allErrors } from '../support/util';

/** The errors synthesis reports, but that a gateway's host has no route (the gateways here route nothing on purpose). */
function synthErrors(mesh: IConstruct): string[] {
  return allErrors(mesh).filter(e => !e.includes('[MESH0127]'));
}

describe('integers past int32', () => {
  test.each([
    ['attempts', () => RetryPolicy.of({ attempts: 2 ** 33 }),
      '[MESH0070] RetryPolicy.of: attempts 8589934592 is larger than the field it is written to holds (2147483647): use a whole number from 0 to 2147483647'],
    ['maxConnections', () => CircuitBreaker.of({ maxConnections: 2 ** 40 }),
      '[MESH0070] CircuitBreaker.of: maxConnections 1099511627776 is larger than the field it is written to holds (2147483647): use a whole number from 1 to 2147483647'],
    ['consecutiveErrors', () => CircuitBreaker.of({ consecutiveErrors: 2 ** 31 }),
      '[MESH0070] CircuitBreaker.of: consecutiveErrors 2147483648 is larger than the field it is written to holds (2147483647): use a whole number from 1 to 2147483647'],
  ])('fails on %s past int32', (_prop, make, message) => {
    expect(make).toThrow(message);
  });

  test('accepts the largest int32', () => {
    expect(RetryPolicy.of({ attempts: 2 ** 31 - 1 }).attempts).toEqual(2147483647);
    expect(() => CircuitBreaker.of({ maxConnections: 2 ** 31 - 1, consecutiveErrors: 2 ** 31 - 1 })).not.toThrow();
  });

  test('fails on replicas past int32 on a version, a gateway and the control plane', () => {
    // GIVEN
    const mesh = newMesh({ controlPlane: { replicas: 2 ** 40 } });
    const web = new MeshService(mesh, 'web', { ports: [{ port: 8080 }] });
    // WHEN
    web.addVersion('v1', { image: 'example/web:1', replicas: 2 ** 40 });
    new IngressGateway(mesh, 'gw', { replicas: 2 ** 31 });
    // THEN
    expect(synthErrors(mesh)).toEqual([
      '[mesh-control-plane/istiod] [MESH0070] replicas 1099511627776 is larger than the field it is written to holds (2147483647): use a whole number from 1 to 2147483647',
      '[mesh/web/v1] [MESH0070] replicas 1099511627776 is larger than the field it is written to holds (2147483647): use a whole number from 0 to 2147483647',
      '[mesh/gw] [MESH0070] replicas 2147483648 is larger than the field it is written to holds (2147483647): use a whole number from 0 to 2147483647',
    ]);
  });

  test('fails on autoscaling bounds and proxy concurrency past int32', () => {
    const mesh = newMesh({ controlPlane: { autoscaling: { minReplicas: 2, maxReplicas: 2 ** 32 }, proxy: { concurrency: 2 ** 32 } } });
    expect(synthErrors(mesh)).toEqual([
      '[mesh-control-plane/istiod] [MESH0070] proxy.concurrency 4294967296 is larger than the field it is written to holds (2147483647): use a whole number from 0 to 2147483647',
      '[mesh-control-plane/istiod] [MESH0070] autoscaling.maxReplicas 4294967296 is larger than the field it is written to holds (2147483647): use a whole number from 1 to 2147483647',
    ]);
  });

  test('fails on rate limit tokens past uint32, accepts the largest', () => {
    const mesh = newMesh();
    const api = newService(mesh, 'api');
    new RateLimit(mesh, 'rl', { service: api, requests: 2 ** 32 });
    expect(synthErrors(mesh)).toEqual([
      '[mesh/rl] [MESH0070] requests 4294967296 is larger than the field it is written to holds (4294967295): use a whole number from 1 to 4294967295',
    ]);
    const ok = newMesh();
    new RateLimit(ok, 'rl', { service: newService(ok, 'api'), requests: 2 ** 32 - 1 });
    expect(synthErrors(ok)).toEqual([]);
  });

  test('fails on a user id that Kubernetes refuses, accepts the largest', () => {
    const mesh = newMesh();
    const web = new MeshService(mesh, 'web', { ports: [{ port: 8080 }] });
    web.addVersion('v1', { image: 'example/web:1', user: -1 });
    web.addVersion('v2', { image: 'example/web:1', user: 2 ** 31 });
    web.addVersion('v3', { image: 'example/web:1', user: 2 ** 31 - 1 });
    expect(synthErrors(mesh)).toEqual([
      '[mesh/web/v1] [MESH0070] user -1 is invalid: use a whole number from 1 to 2147483647',
      '[mesh/web/v2] [MESH0070] user 2147483648 is larger than the field it is written to holds (2147483647): use a whole number from 1 to 2147483647',
    ]);
  });

  test('fails on a writable path listed twice (one mount per path), accepts two paths', () => {
    const mesh = newMesh();
    const web = new MeshService(mesh, 'web', { ports: [{ port: 8080 }] });
    web.addVersion('v1', { image: 'example/web:1', writablePaths: ['/tmp', '/cache', '/tmp', '/tmp'] });
    web.addVersion('v2', { image: 'example/web:1', writablePaths: ['/tmp', '/cache'] });
    expect(synthErrors(mesh)).toEqual(["[mesh/web/v1] [MESH0017] writablePaths lists '/tmp' twice: list each path once"]);
  });

  test('accepts replicas of the largest int32', () => {
    const mesh = newMesh();
    const web = new MeshService(mesh, 'web', { ports: [{ port: 8080 }] });
    web.addVersion('v1', { image: 'example/web:1', replicas: 2 ** 31 - 1 });
    expect(synthErrors(mesh)).toEqual([]);
  });
});

describe('names', () => {
  test('fails on a service name starting with a digit (a Service name is a DNS-1035 label)', () => {
    const mesh = newMesh();
    new MeshService(mesh, '9lives', { ports: [{ port: 8080 }] });
    new IngressGateway(mesh, 'gw', { name: '1gw' });
    expect(synthErrors(mesh)).toEqual([
      "[mesh/9lives] [MESH0001] serviceName '9lives' is not a valid Service name: it must start with a letter (DNS-1035 label), e.g. 'svc-9lives'",
      "[mesh/gw] [MESH0001] name '1gw' is not a valid Service name: it must start with a letter (DNS-1035 label), e.g. 'svc-1gw'",
    ]);
  });

  test('fails on an imported service name starting with a digit', () => {
    const mesh = newMesh();
    MeshService.fromName(mesh, 'ext', '9lives');
    expect(synthErrors(mesh)).toEqual([
      "[mesh/ext] [MESH0001] serviceName '9lives' is not a valid Service name: it must start with a letter (DNS-1035 label), e.g. 'svc-9lives'",
    ]);
  });

  test('accepts a service name with digits after its first letter', () => {
    const mesh = newMesh();
    newService(mesh, 'nine9lives');
    expect(synthErrors(mesh)).toEqual([]);
  });

  test('fails on a revision that makes istiod\'s Service name longer than 63 characters', () => {
    const mesh = newMesh();
    const revision = 'a'.repeat(57);
    mesh.addControlPlane('long', { revision });
    expect(synthErrors(mesh)).toEqual([
      `[mesh-control-plane/long] [MESH0071] revision '${revision}' makes istiod's Service name 'istiod-${revision}' 64 characters long, over the limit of 63: shorten revision to at most 56 characters`,
    ]);
  });

  test('fails on an image tag that cannot be the app.kubernetes.io/version label', () => {
    const tag = `1.30.3-${'a'.repeat(60)}`;
    const mesh = newMesh({ tag, controlPlane: { tag: '1.30.3-' } });
    const rule = "use at most 63 letters, digits, '-', '_' and '.', starting and ending with a letter or digit";
    expect(synthErrors(mesh)).toEqual([
      `[mesh-control-plane/istiod] [MESH0074] tag '1.30.3-' is written as the label app.kubernetes.io/version, which it cannot be: ${rule}`,
      `[mesh] [MESH0074] tag '${tag}' is written as the label app.kubernetes.io/version, which it cannot be: ${rule}`,
    ]);
  });

  test('accepts an image tag of 63 characters', () => {
    const mesh = newMesh({ tag: `1.30.3-${'a'.repeat(56)}` });
    expect(synthErrors(mesh)).toEqual([]);
  });

  test('fails on a priorityClassName that is not a DNS name, accepts one', () => {
    const mesh = newMesh({ controlPlane: { priorityClassName: 'Critical_Pods' } });
    mesh.addControlPlane('b', { revision: 'b', priorityClassName: 'system-cluster-critical' });
    expect(synthErrors(mesh)).toEqual([
      "[mesh-control-plane/istiod] [MESH0001] priorityClassName 'Critical_Pods' is not a valid DNS name: use lowercase letters, digits, '-' and '.'",
    ]);
  });

  test('fails on a tag that makes the distroless image tag longer than 128 characters, accepts 117', () => {
    const tag = `1.30.3-${'a'.repeat(111)}`;
    const mesh = newMesh({ controlPlane: { variant: ImageVariant.DISTROLESS, tag } });
    mesh.addControlPlane('b', { revision: 'b', variant: ImageVariant.DISTROLESS, tag: tag.slice(1) });
    expect(allErrors(mesh).filter(e => e.includes('MESH0071'))).toEqual([
      `[mesh-control-plane/istiod] [MESH0071] tag '${tag}' makes the image tag '${tag}-distroless' 129 characters long, over the limit of 128: shorten tag to at most 117 characters`,
    ]);
  });

  test('accepts a revision of 56 characters', () => {
    const mesh = newMesh();
    mesh.addControlPlane('long', { revision: 'a'.repeat(56) });
    expect(synthErrors(mesh)).toEqual([]);
  });
});

describe('environment variables, labels and annotations', () => {
  test.each([
    ['A=B'],
    [''],
    ['1ST'],
    ['has space'],
  ])('fails on env name %p', (name) => {
    const mesh = newMesh();
    const web = new MeshService(mesh, 'web', { ports: [{ port: 8080 }] });
    web.addVersion('v1', { image: 'example/web:1', env: { [name]: 'x' } });
    expect(synthErrors(mesh)).toEqual([
      `[mesh/web/v1] [MESH0072] env name '${name}' is not a valid environment variable name: use letters, digits, '_', '-' and '.', not starting with a digit`,
    ]);
  });

  test('accepts env names of letters, digits, \'_\', \'-\' and \'.\'', () => {
    const mesh = newMesh();
    const web = new MeshService(mesh, 'web', { ports: [{ port: 8080 }] });
    web.addVersion('v1', { image: 'example/web:1', env: { 'LOG_LEVEL': 'debug', '_x.y-z': '1', 'a1': '' } });
    expect(synthErrors(mesh)).toEqual([]);
    expect(validateManifests(MeshTesting.synth(mesh))).toEqual([]);
  });

  test('fails on a pod annotation key that is not a qualified name', () => {
    const mesh = newMesh();
    const web = new MeshService(mesh, 'web', { ports: [{ port: 8080 }] });
    web.addVersion('v1', { image: 'example/web:1', podAnnotations: { 'bad key!': 'x', 'Example.com/a': 'x', [`${'a'.repeat(64)}`]: 'x' } });
    const rule = "is not a valid key: use an optional DNS prefix and '/', then at most 63 letters, digits, '-', '_' and '.', starting and ending with a letter or digit (e.g. 'example.com/team')";
    expect(synthErrors(mesh)).toEqual([
      `[mesh/web/v1] [MESH0073] podAnnotations key 'bad key!' ${rule}`,
      `[mesh/web/v1] [MESH0073] podAnnotations key 'Example.com/a' ${rule}`,
      `[mesh/web/v1] [MESH0073] podAnnotations key '${'a'.repeat(64)}' ${rule}`,
    ]);
  });

  test('fails on pod annotations over 256 KiB, accepts them at 256 KiB', () => {
    const mesh = newMesh();
    const web = new MeshService(mesh, 'web', { ports: [{ port: 8080 }] });
    web.addVersion('v1', { image: 'example/web:1', podAnnotations: { 'example.com/big': 'x'.repeat(300_000) } });
    expect(synthErrors(mesh)).toEqual([
      "[mesh/web/v1] [MESH0075] podAnnotations take 300015 bytes, over the 262144 bytes (256 KiB) an object's annotations may take: move large values to a ConfigMap",
    ]);
    const ok = newMesh();
    new MeshService(ok, 'web', { ports: [{ port: 8080 }] })
      .addVersion('v1', { image: 'example/web:1', podAnnotations: { 'example.com/big': 'x'.repeat(262_144 - 15) } });
    expect(synthErrors(ok)).toEqual([]);
  });

  test('fails on a node selector label value that is not a label value', () => {
    const mesh = newMesh({ controlPlane: { nodeSelector: { 'pool': 'a b', 'bad key!': 'x', 'long': 'v'.repeat(64) } } });
    expect(synthErrors(mesh)).toEqual([
      "[mesh-control-plane/istiod] [MESH0073] nodeSelector key 'bad key!' is not a valid key: use an optional DNS prefix and '/', then at most 63 letters, digits, '-', '_' and '.', starting and ending with a letter or digit (e.g. 'example.com/team')",
      "[mesh-control-plane/istiod] [MESH0074] nodeSelector 'pool' has value 'a b', which is not a valid label value: use at most 63 letters, digits, '-', '_' and '.', starting and ending with a letter or digit",
      `[mesh-control-plane/istiod] [MESH0074] nodeSelector 'long' has value '${'v'.repeat(64)}', which is not a valid label value: use at most 63 letters, digits, '-', '_' and '.', starting and ending with a letter or digit`,
    ]);
  });

  test('fails on a toleration key or value that is not a label key or value', () => {
    const mesh = newMesh({ controlPlane: { tolerations: [{ key: 'bad key!' }, { key: 'pool', value: 'a b' }] } });
    expect(synthErrors(mesh)).toEqual([
      "[mesh-control-plane/istiod] [MESH0073] tolerations key 'bad key!' is not a valid key: use an optional DNS prefix and '/', then at most 63 letters, digits, '-', '_' and '.', starting and ending with a letter or digit (e.g. 'example.com/team')",
      "[mesh-control-plane/istiod] [MESH0074] tolerations 'pool' has value 'a b', which is not a valid label value: use at most 63 letters, digits, '-', '_' and '.', starting and ending with a letter or digit",
    ]);
  });

  test('accepts tolerations with a prefixed key and a label value', () => {
    const mesh = newMesh({ controlPlane: { tolerations: [{ key: 'node-role.kubernetes.io/control-plane' }, { key: 'pool', value: 'system' }] } });
    expect(synthErrors(mesh)).toEqual([]);
  });

  test('accepts node selector labels with a prefix and an empty value', () => {
    const mesh = newMesh({ controlPlane: { nodeSelector: { 'node.kubernetes.io/pool': 'system_1.a', 'empty': '' } } });
    expect(synthErrors(mesh)).toEqual([]);
  });
});

describe('resources', () => {
  test('fails on requests above limits, for a version, the control plane and a sidecar', () => {
    const big = {
      cpu: { request: kplus.Cpu.units(2), limit: kplus.Cpu.millis(500) },
      memory: { request: Size.gibibytes(2), limit: Size.gibibytes(1) },
    };
    const mesh = newMesh({ controlPlane: { resources: big } });
    const web = new MeshService(mesh, 'web', { ports: [{ port: 8080 }], proxy: { resources: big } });
    web.addVersion('v1', { image: 'example/web:1', resources: big });
    const lines = (path: string, prop: string) => [
      `[${path}] [MESH0076] ${prop}.cpu.request 2 is above ${prop}.cpu.limit 500m: lower the request or raise the limit`,
      `[${path}] [MESH0076] ${prop}.memory.request 2147483648 bytes is above ${prop}.memory.limit 1073741824 bytes: lower the request or raise the limit`,
    ];
    expect(synthErrors(mesh)).toEqual([
      // cdk8s lists errors in the order of the tree: the mesh's layers, then the mesh.
      ...lines('mesh-control-plane/istiod', 'resources'),
      ...sidecarLines('mesh/web', '2', '500m', '2Gi', '1Gi'),
      ...lines('mesh/web/v1', 'resources'),
    ]);
  });

  const sidecarLines = (path: string, cpuRequest: string, cpuLimit: string, memoryRequest: string, memoryLimit: string) => [
    `[${path}] [MESH0076] the sidecar's CPU request ${cpuRequest} is above its limit ${cpuLimit} (proxy.resources here or on the control plane): lower proxy.resources.cpu.request or raise proxy.resources.cpu.limit`,
    `[${path}] [MESH0076] the sidecar's memory request ${memoryRequest} is above its limit ${memoryLimit} (proxy.resources here or on the control plane): lower proxy.resources.memory.request or raise proxy.resources.memory.limit`,
  ];

  test("fails on a sidecar request above the control plane's default limit (2 CPUs, 1Gi)", () => {
    const requests = { cpu: { request: kplus.Cpu.units(3) }, memory: { request: Size.gibibytes(2) } };
    const mesh = newMesh();
    new MeshService(mesh, 'web', { ports: [{ port: 8080 }], proxy: { resources: requests } }).addVersion('v1', { image: 'example/web:1' });
    new IngressGateway(mesh, 'gw', { proxy: { resources: requests } });
    mesh.addControlPlane('b', { revision: 'b', proxy: { resources: { memory: { limit: Size.mebibytes(64) } } } });
    expect(synthErrors(mesh)).toEqual([
      sidecarLines('mesh-control-plane/b', '', '', '128Mi', '64Mi')[1],
      ...sidecarLines('mesh/web', '3', '2', '2Gi', '1Gi'),
      ...sidecarLines('mesh/gw', '3', '2', '2Gi', '1Gi'),
    ]);
  });

  test("accepts a sidecar request at the control plane's limit", () => {
    const mesh = newMesh({ controlPlane: { proxy: { resources: { cpu: { limit: kplus.Cpu.units(4) } } } } });
    new MeshService(mesh, 'web', { ports: [{ port: 8080 }], proxy: { resources: { cpu: { request: kplus.Cpu.units(4) } } } })
      .addVersion('v1', { image: 'example/web:1' });
    expect(synthErrors(mesh)).toEqual([]);
  });

  test('fails on a CPU amount that is not a positive quantity', () => {
    const mesh = newMesh();
    const web = new MeshService(mesh, 'web', { ports: [{ port: 8080 }] });
    web.addVersion('v1', { image: 'example/web:1', resources: { cpu: { request: kplus.Cpu.millis(-5) } } });
    expect(synthErrors(mesh)).toEqual([
      "[mesh/web/v1] [MESH0076] resources.cpu.request '-5m' is not a CPU quantity: use Cpu.millis(n) or Cpu.units(n) with a positive number, at least 1m",
    ]);
  });

  test('accepts requests equal to limits', () => {
    const equal = {
      cpu: { request: kplus.Cpu.units(1), limit: kplus.Cpu.millis(1000) },
      memory: { request: Size.mebibytes(1024), limit: Size.gibibytes(1) },
    };
    const mesh = newMesh({ controlPlane: { resources: equal } });
    const web = new MeshService(mesh, 'web', { ports: [{ port: 8080 }], proxy: { resources: equal } });
    web.addVersion('v1', { image: 'example/web:1', resources: equal });
    expect(synthErrors(mesh)).toEqual([]);
  });
});

describe('object size', () => {
  test('fails on an object over 1.5 MiB, naming the object and its size, once', () => {
    const mesh = newMesh();
    newService(mesh, 'web', ['v1', 'v2']);
    const split = new TrafficSplit(mesh, 'split', { service: mesh.services[0] });
    split.addRoute({ matches: [{ headers: [HeaderMatch.exact('x-big', 'x'.repeat(2 * 1024 * 1024))] }], targets: [TrafficTarget.version('v2')] });
    split.addRoute({ targets: [TrafficTarget.version('v1')] });
    const errors = synthErrors(mesh);
    // The VirtualService is the service's (its routing objects live with it).
    expect(errors).toEqual([
      "[mesh/web] [MESH0077] VirtualService 'web' is 2097534 bytes once serialized, over the 1572864 bytes (1.5 MiB) the API server stores: shorten the values that make it large, or split it",
    ]);
    // A second validation (cdk8s synth after a check) reports it once.
    expect(synthErrors(mesh)).toEqual(errors);
  });

  test('accepts a large header value under the limit', () => {
    const mesh = newMesh();
    newService(mesh, 'web', ['v1', 'v2']);
    const split = new TrafficSplit(mesh, 'split', { service: mesh.services[0] });
    split.addRoute({ matches: [{ headers: [HeaderMatch.exact('x-big', 'x'.repeat(1024 * 1024))] }], targets: [TrafficTarget.version('v2')] });
    split.addRoute({ targets: [TrafficTarget.version('v1')] });
    expect(synthErrors(mesh)).toEqual([]);
  });
});

describe('collisions with Istio itself', () => {
  test.each([15000, 15001, 15004, 15006, 15008, 15009, 15020, 15021, 15053, 15090])('fails on service port %p', (port) => {
    const mesh = newMesh();
    new MeshService(mesh, 'web', { ports: [{ port, protocol: Protocol.TCP }] });
    expect(synthErrors(mesh)).toEqual([expect.stringMatching(new RegExp(`^\\[mesh/web\\] \\[MESH0134\\] port ${port} is a port Istio's proxy uses itself \\(.+\\): use another port$`))]);
  });

  test('fails on a target port of Istio, and a gateway listener on one', () => {
    const mesh = newMesh();
    new MeshService(mesh, 'web', { ports: [{ port: 80, targetPort: 15006 }] });
    new IngressGateway(mesh, 'gw', { listeners: [{ port: 15021 }] });
    expect(synthErrors(mesh)).toEqual([
      "[mesh/web] [MESH0134] targetPort 15006 is a port Istio's proxy uses itself (inbound capture): use another port",
      "[mesh/gw] [MESH0134] listener port 15021 is a port Istio's proxy uses itself (health checks): use another port",
    ]);
  });

  test('accepts ports next to Istio\'s (15010, 15443)', () => {
    const mesh = newMesh();
    newService(mesh, 'web', ['v1'], { ports: [{ port: 15010, targetPort: 15443, protocol: Protocol.TCP }] });
    new IngressGateway(mesh, 'gw', { listeners: [{ port: 15443, protocol: Protocol.TLS }] });
    expect(synthErrors(mesh)).toEqual([]);
  });

  test('fails on an external service port of Istio, accepts 15443', () => {
    const mesh = newMesh();
    new ExternalService(mesh, 'ext', { hosts: ['api.example.com'], ports: [{ port: 15001, protocol: Protocol.TCP }] });
    new ExternalService(mesh, 'ok', { hosts: ['ok.example.com'], ports: [{ port: 15443, protocol: Protocol.TLS }] });
    expect(synthErrors(mesh)).toEqual([
      "[mesh/ext] [MESH0134] port 15001 is a port Istio's proxy uses itself (outbound capture): use another port",
    ]);
  });

  test('fails on two gateway listeners served on one container port', () => {
    const mesh = newMesh();
    new IngressGateway(mesh, 'gw', { listeners: [{ port: 80 }, { port: 8080 }] });
    expect(synthErrors(mesh)).toEqual([
      '[mesh/gw] [MESH0135] listeners 80 and 8080 are both served on container port 8080 (a port below 1024 is served on 8000 + port): change one of the listener ports',
    ]);
  });

  test('accepts listeners 80 and 8081', () => {
    const mesh = newMesh();
    new IngressGateway(mesh, 'gw', { listeners: [{ port: 80 }, { port: 8081 }] });
    expect(synthErrors(mesh)).toEqual([]);
  });

  test.each(['10.0.0.0/33', '300.0.0.0/8', '10.0.0/8', 'fd00::/129', '::ffff:1.2.3.4/128', 'fd00:::1/64', '*'])('fails on CIDR %p', (cidr) => {
    const mesh = newMesh();
    new MeshService(mesh, 'web', { ports: [{ port: 8080 }], proxy: { excludeOutboundIpRanges: [cidr] } });
    expect(synthErrors(mesh)).toEqual([
      `[mesh/web] [MESH0027] proxy.excludeOutboundIpRanges has '${cidr}', which is not a CIDR range: write it as '10.0.0.0/8' or 'fd00::/8'`,
    ]);
  });

  test('accepts IPv4 and IPv6 CIDRs at their longest prefix', () => {
    const mesh = newMesh();
    new MeshService(mesh, 'web', { ports: [{ port: 8080 }], proxy: { includeOutboundIpRanges: ['10.0.0.0/8', '255.255.255.255/32', '0.0.0.0/0', 'fd00::/8', '::1/128', '2001:db8::/32'] } });
    expect(synthErrors(mesh)).toEqual([]);
  });

  test.each([
    ['My/App', "a repository is an optional registry ('registry.example.com/') and lowercase path parts of letters, digits, '.', '_' and '-' separated by '/'"],
    ['example/app :1', "a repository is an optional registry ('registry.example.com/') and lowercase path parts of letters, digits, '.', '_' and '-' separated by '/'"],
    ['example/app:1:2', "a repository is an optional registry ('registry.example.com/') and lowercase path parts of letters, digits, '.', '_' and '-' separated by '/'"],
    ['example/app:b@d', "digest 'd' is not '<algorithm>:<hex>', e.g. 'sha256:' and 64 hex digits"],
    ['example/app@sha256:abc', "digest 'sha256:abc' is not '<algorithm>:<hex>', e.g. 'sha256:' and 64 hex digits"],
    ['example/app:', "tag '' is not a tag: use letters, digits, '.', '_' and '-' (at most 128), one tag only"],
    ['/app', "a repository is an optional registry ('registry.example.com/') and lowercase path parts of letters, digits, '.', '_' and '-' separated by '/'"],
  ])('fails on image %p', (image, problem) => {
    const mesh = newMesh();
    new MeshService(mesh, 'web', { ports: [{ port: 8080 }] }).addVersion('v1', { image });
    expect(synthErrors(mesh)).toEqual([
      `[mesh/web/v1] [MESH0078] image '${image}' is not an image reference (${problem}): write it as '[registry/]repository[:tag][@digest]', e.g. 'registry.example.com/team/app:1.0'`,
    ]);
  });

  test.each([
    'nginx', 'example/web:1.0', 'registry.example.com:5000/team/web:v1_2', 'localhost/web', 'Registry.Example.com/web',
    `example/web@sha256:${'a'.repeat(64)}`, `example/web:1@sha256:${'0'.repeat(64)}`,
  ])('accepts image %p', (image) => {
    const mesh = newMesh();
    new MeshService(mesh, 'web', { ports: [{ port: 8080 }] }).addVersion('v1', { image });
    expect(synthErrors(mesh)).toEqual([]);
  });

  test('fails on a hub that is empty, has a space or a tag', () => {
    const mesh = newMesh({ hub: '', controlPlane: { hub: 'docker.io/istio:1.0' } });
    mesh.addControlPlane('b', { revision: 'b', hub: 'my hub' });
    const rule = "a repository is an optional registry ('registry.example.com/') and lowercase path parts of letters, digits, '.', '_' and '-' separated by '/'";
    expect(synthErrors(mesh)).toEqual([
      `[mesh-control-plane/istiod] [MESH0078] hub 'docker.io/istio:1.0' is not an image hub (${rule}): give a registry and path without tag, e.g. 'docker.io/istio'`,
      `[mesh-control-plane/b] [MESH0078] hub 'my hub' is not an image hub (${rule}): give a registry and path without tag, e.g. 'docker.io/istio'`,
      "[mesh] [MESH0078] hub '' is not an image hub (it is empty): give a registry and path without tag, e.g. 'docker.io/istio'",
    ]);
  });

  test('accepts a hub with a registry port', () => {
    const mesh = newMesh({ hub: 'registry.example.com:5000/mirror/istio' });
    expect(synthErrors(mesh)).toEqual([]);
  });
});

describe('namespaces Istio never injects', () => {
  test.each(['kube-system', 'kube-public', 'kube-node-lease'])('fails on a service with webhook injection in %p', (namespace) => {
    const mesh = newMesh();
    newService(mesh, 'dns', ['v1'], { namespace });
    expect(synthErrors(mesh)).toEqual([
      `[mesh/dns] [MESH0079] namespace '${namespace}' is never injected (Istio leaves system namespaces out), so the service would run without its sidecar: put the service in another namespace, or use Injection.explicit()`,
    ]);
  });

  test("fails on a service with webhook injection in the mesh's root namespace", () => {
    const mesh = newMesh();
    newService(mesh, 'api', ['v1'], { namespace: 'istio-system' });
    expect(synthErrors(mesh)).toEqual([
      "[mesh/api] [MESH0079] namespace 'istio-system' is never injected (it is the mesh's root namespace), so the service would run without its sidecar: put the service in another namespace, or use Injection.explicit()",
    ]);
  });

  test('fails on a revision for kube-system', () => {
    const mesh = newMesh();
    mesh.setNamespaceRevision('kube-system', 'default');
    expect(synthErrors(mesh)).toEqual([
      "[mesh] [MESH0079] namespace 'kube-system' is never injected (Istio leaves system namespaces out), so its revision would not apply: set the revision of another namespace",
    ]);
  });

  test('accepts explicit injection in kube-system without CNI, and webhook injection in kube-systems', () => {
    const mesh = newMesh({ controlPlane: { cni: false } });
    newService(mesh, 'dns', ['v1'], { namespace: 'kube-system', injection: Injection.explicit() });
    newService(mesh, 'web', ['v1'], { namespace: 'kube-systems' });
    expect(synthErrors(mesh)).toEqual([]);
  });

  test('fails on explicit injection in kube-system with CNI (the plugin leaves kube-system out, so nothing captures the pods)', () => {
    const mesh = newMesh();
    newService(mesh, 'dns', ['v1'], { namespace: 'kube-system', injection: Injection.explicit() });
    expect(synthErrors(mesh)).toEqual([
      "[mesh] [MESH0085] namespace 'kube-system' is left out by the CNI plugin (Istio leaves kube-system out), and service 'dns' there gets its sidecar from revision 'default', which uses CNI: nothing would capture its pods' traffic and istio-validation would stop them, put the service in another namespace, or set cni: false on that control plane",
    ]);
  });
});

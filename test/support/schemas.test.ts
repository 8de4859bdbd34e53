import { ApiObject, Testing } from 'cdk8s';
import { compileRules } from './crd-rules';
import { compileAllCrdRules, validateManifests } from './schemas';
import { allowInvalidOutput, takeFailures } from './strict-synth';

/** The strict validator must reject what `kubectl apply` rejects, or every "validates" test proves nothing. */
describe('strict schema validation', () => {
  const deployment = () => ({
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'web', namespace: 'default' },
    spec: {
      selector: { matchLabels: { app: 'web' } },
      template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'web', image: 'web:1' }] } },
    },
  });
  const virtualService = () => ({
    apiVersion: 'networking.istio.io/v1',
    kind: 'VirtualService',
    metadata: { name: 'web', namespace: 'default' },
    spec: { hosts: ['web'], http: [{ route: [{ destination: { host: 'web' } }], timeout: '1s' }] },
  });

  test('valid objects pass', () => {
    expect(validateManifests([deployment(), virtualService()])).toEqual([]);
  });

  test('an unknown field in a Kubernetes object is an error', () => {
    const d: any = deployment();
    d.spec.template.spec.containers[0].imagePullPolcy = 'Always';
    const [failure] = validateManifests([d]);
    expect(failure.object).toEqual('apps/v1/Deployment default/web');
    expect(failure.errors).toContain("/spec/template/spec/containers/0 must NOT have additional properties 'imagePullPolcy'");
  });

  test('an unknown field in an Istio object is an error', () => {
    const vs: any = virtualService();
    vs.spec.http[0].timeOut = '1s';
    expect(validateManifests([vs])[0].errors).toContain("/spec/http/0 must NOT have additional properties 'timeOut'");
  });

  test('a wrong type is an error', () => {
    const vs: any = virtualService();
    vs.spec.http[0].timeout = 1;
    expect(validateManifests([vs])[0].errors).toContain('/spec/http/0/timeout must be string');
  });

  test('an unknown metadata field and a missing name are errors', () => {
    const vs: any = virtualService();
    vs.metadata = { nme: 'web' };
    expect(validateManifests([vs])[0].errors).toEqual(expect.arrayContaining(["/metadata must have required property 'name'", "/metadata must NOT have additional properties 'nme'"]));
  });

  test('a kind no schema describes is an error', () => {
    expect(validateManifests([{ apiVersion: 'networking.istio.io/v9', kind: 'VirtualService', metadata: { name: 'x' } }]))
      .toEqual([{ object: 'networking.istio.io/v9/VirtualService x', errors: ['no schema for this apiVersion and kind'] }]);
  });
});

/**
 * Beyond the schemas, the validator checks what the cluster checks: each table row is an object the API
 * server, a CRD's CEL rules or istiod would refuse (with the error expected), next to the same object
 * with the legal value, which must pass.
 */
describe('what the cluster checks beyond the schemas', () => {
  const meta = { name: 'web', namespace: 'default' };
  const vs = (http: any, extra: any = {}) => ({
    apiVersion: 'networking.istio.io/v1',
    kind: 'VirtualService',
    metadata: meta,
    spec: { hosts: ['web'], http: [{ route: [{ destination: { host: 'web' } }], ...http }], ...extra },
  });
  const dr = (trafficPolicy: any) => ({ apiVersion: 'networking.istio.io/v1', kind: 'DestinationRule', metadata: meta, spec: { host: 'web', trafficPolicy } });
  const se = (ports: any[]) => ({
    apiVersion: 'networking.istio.io/v1',
    kind: 'ServiceEntry',
    metadata: meta,
    spec: { hosts: ['api.example.com'], ports, resolution: 'DNS', location: 'MESH_EXTERNAL' },
  });
  const gateway = (servers: any[]) => ({ apiVersion: 'networking.istio.io/v1', kind: 'Gateway', metadata: meta, spec: { selector: { istio: 'ingress' }, servers } });
  const server = (name: string, port = 80) => ({ port: { number: port, name, protocol: 'HTTP' }, hosts: ['*'] });
  const telemetry = (expression: string) => ({
    apiVersion: 'telemetry.istio.io/v1',
    kind: 'Telemetry',
    metadata: meta,
    spec: { accessLogging: [{ providers: [{ name: 'envoy' }], filter: { expression } }] },
  });
  const ra = (jwksUri: string) => ({
    apiVersion: 'security.istio.io/v1',
    kind: 'RequestAuthentication',
    metadata: meta,
    spec: { jwtRules: [{ issuer: 'https://issuer.example.com', jwksUri }] },
  });
  const jwtRule = (rule: any) => ({ ...ra('https://issuer.example.com/jwks'), spec: { jwtRules: [{ issuer: 'https://issuer.example.com', ...rule }] } });
  const deployment = (container: any, extra: any = {}) => ({
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: meta,
    spec: {
      selector: { matchLabels: { app: 'web' } },
      template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'web', image: 'web:1', ...container }] } },
      ...extra,
    },
  });
  const service = (ports: any[], name = 'web') => ({ apiVersion: 'v1', kind: 'Service', metadata: { ...meta, name }, spec: { selector: { app: 'web' }, ports } });
  const configMap = (data: any, metadata: any = meta) => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata, data });
  const errorsOf = (m: any) => validateManifests([m]).flatMap(f => f.errors);

  test.each<[string, any, any, string]>([
    // The CRDs' CEL rules (x-kubernetes-validations), walked with the schema.
    ['a timeout under 1ms (CEL duration rule)', vs({ timeout: '500us' }), vs({ timeout: '1ms' }), '/spec/http/0/timeout must be a valid duration greater than 1ms'],
    ['a timeout Go cannot parse (CEL duration())', vs({ timeout: '1000y' }), vs({ timeout: '8760h' }), '/spec/http/0/timeout must be a valid duration greater than 1ms (evaluation error: time: unknown unit "y" in duration "1000y")'],
    ['a timeout past int64 nanoseconds', vs({ timeout: '2562048h' }), vs({ timeout: '2562047h' }), '/spec/http/0/timeout must be a valid duration greater than 1ms (evaluation error: time: invalid duration "2562048h")'],
    ['a ServiceEntry port past 65535', se([{ number: 70000, name: 'https', protocol: 'TLS' }]), se([{ number: 65535, name: 'https', protocol: 'TLS' }]), '/spec/ports/0/number port must be between 1-65535'],
    ['duplicate ServiceEntry ports (CEL exists_one)', se([{ number: 443, name: 'https', protocol: 'TLS' }, { number: 443, name: 'https-2', protocol: 'TLS' }]),
      se([{ number: 443, name: 'https', protocol: 'TLS' }, { number: 8443, name: 'https-2', protocol: 'TLS' }]), '/spec/ports port number cannot be duplicated'],
    ['a jwksUri without http(s) (CEL url().getScheme())', ra('ftp://keys.example.com/jwks'), ra('https://keys.example.com/jwks'), '/spec/jwtRules/0/jwksUri url must have scheme http:// or https://'],
    ['an outlier detection interval under 1ms', dr({ outlierDetection: { interval: '0s' } }), dr({ outlierDetection: { interval: '10s' } }), '/spec/trafficPolicy/outlierDetection/interval must be a valid duration greater than 1ms'],
    // Formats.
    ['an int32 past its range (format int32)', vs({ retries: { attempts: 2 ** 33 } }), vs({ retries: { attempts: 3 } }), '/spec/http/0/retries/attempts must match format "int32"'],
    ['replicas past int32 in a Kubernetes kind', deployment({}, { replicas: 2 ** 40 }), deployment({}, { replicas: 3 }), '/spec/replicas must match format "int32"'],
    ['maxConnections past int32', dr({ connectionPool: { tcp: { maxConnections: 2 ** 40 } } }), dr({ connectionPool: { tcp: { maxConnections: 100 } } }), '/spec/trafficPolicy/connectionPool/tcp/maxConnections must match format "int32"'],
    ['a quantity that is not one', deployment({ resources: { limits: { cpu: 'lots' } } }), deployment({ resources: { limits: { cpu: '500m' } } }), '/spec/template/spec/containers/0/resources/limits/cpu must match format "quantity"'],
    // istiod's validation.
    ['a lookbehind (not RE2)', vs({ match: [{ uri: { regex: '(?<=/api)/v1' } }] }), vs({ match: [{ uri: { regex: '^/api/.*$' } }] }), '/spec/http/0/match/0/uri "uri": '],
    ['a backreference (not RE2)', vs({ match: [{ headers: { 'x-id': { regex: '(a)\\1' } } }] }), vs({ match: [{ headers: { 'x-id': { regex: '(a)+' } } }] }), '/spec/http/0/match/0/headers/x-id "headers": '],
    ['a repeat count past 1000 (RE2)', vs({ match: [{ queryParams: { q: { regex: 'a{1001}' } } }] }), vs({ match: [{ queryParams: { q: { regex: 'a{1000}' } } }] }), '/spec/http/0/match/0/queryParams/q "queryParams": '],
    ['a regex over 1024 characters', vs({ match: [{ authority: { regex: 'a'.repeat(1025) } }] }), vs({ match: [{ authority: { regex: 'a'.repeat(1024) } }] }), '/spec/http/0/match/0/authority "authority": regex is too large, max length allowed is 1024'],
    ['an empty prefix match', vs({ match: [{ uri: { prefix: '' } }] }), vs({ match: [{ uri: { prefix: '/' } }] }), '/spec/http/0/match/0/uri "uri": prefix string match should not be empty'],
    ['a retryOn policy Envoy does not know', vs({ retries: { attempts: 2, retryOn: '5xx,sometimes' } }), vs({ retries: { attempts: 2, retryOn: '5xx,503,reset' } }), '/spec/http/0/retries/retryOn "sometimes" is not a valid retryOn policy'],
    ['a retry policy with 0 attempts', vs({ retries: { attempts: 0, retryOn: '5xx' } }), vs({ retries: { attempts: 0 } }), '/spec/http/0/retries http retry policy configured when attempts are set to 0 (disabled)'],
    ['a duration finer than 1ms (ValidateDuration)', vs({ retries: { attempts: 2, perTryTimeout: '1500us' } }), vs({ retries: { attempts: 2, perTryTimeout: '2ms' } }), '/spec/http/0/retries/perTryTimeout only durations to ms precision are supported'],
    ['a header value with CR/LF', vs({ headers: { request: { set: { 'x-a': 'b\r\nx-evil: 1' } } } }), vs({ headers: { request: { set: { 'x-a': 'b' } } } }), '/spec/http/0/headers/request/set/x-a header value configuration "b\\r\\nx-evil: 1" is invalid (control characters such as CR or LF)'],
    ['a fault with neither abort nor delay', vs({ fault: {} }), vs({ fault: { abort: { httpStatus: 503, percentage: { value: 10 } } } }), '/spec/http/0/fault HTTP fault injection must have an abort and/or a delay'],
    ['an abort status out of range', vs({ fault: { abort: { httpStatus: 700 } } }), vs({ fault: { abort: { httpStatus: 599 } } }), '/spec/http/0/fault/abort/httpStatus HTTP status 700 is not in range 200-599'],
    ['a wildcard host on sidecars', vs({}, { hosts: ['*'] }), vs({}, { hosts: ['*'], gateways: ['istio-ingress/web'] }), '/spec/hosts wildcard host * is not allowed for virtual services bound to the mesh gateway'],
    ['a gateway name that is not namespace/name of DNS labels', vs({}, { gateways: ['istio-ingress/Web'] }), vs({}, { gateways: ['istio-ingress/web', 'mesh'] }), '/spec/gateways/0 invalid gateway name: "istio-ingress/Web"'],
    ['a route with neither route nor redirect', vs({ route: undefined }), vs({}), '/spec/http/0 HTTP route or redirect is required'],
    ['a locality weight of 0', dr({ loadBalancer: { localityLbSetting: { distribute: [{ from: 'a/*', to: { 'a/*': 100, 'b/*': 0 } }] } } }),
      dr({ loadBalancer: { localityLbSetting: { distribute: [{ from: 'a/*', to: { 'a/*': 90, 'b/*': 10 } }] } } }), '/spec/trafficPolicy/loadBalancer/localityLbSetting locality weight must be in range [1, 100]'],
    ['failover with a topology failoverPriority', dr({ loadBalancer: { localityLbSetting: { failover: [{ from: 'a', to: 'b' }], failoverPriority: ['topology.kubernetes.io/region'] } } }),
      dr({ loadBalancer: { localityLbSetting: { failover: [{ from: 'a', to: 'b' }], failoverPriority: ['network'] } } }),
      "/spec/trafficPolicy/loadBalancer/localityLbSetting can not simultaneously set 'failover' and topology label 'topology.kubernetes.io/region' in 'failover_priority'"],
    ['a Gateway without servers', gateway([]), gateway([server('http')]), '/spec/servers gateway must have at least one server'],
    ['Gateway servers sharing a port name', gateway([server('http'), server('http', 8080)]), gateway([server('http'), server('http-2', 8080)]), '/spec/servers/1/port/name port names in servers must be unique: duplicate name http'],
    ['a JWT rule without an issuer (validateJwtRule)', jwtRule({ issuer: undefined }), jwtRule({}), '/spec/jwtRules/0/issuer issuer must be set'],
    ['inline JWKS that is not a key set', jwtRule({ jwks: '{"keys":[{"n":"x"}]}' }), jwtRule({ jwks: '{"keys":[{"kty":"RSA","n":"x","e":"AQAB"}]}' }), '/spec/jwtRules/0/jwks jwks parse error'],
    ['a claim copied into a header istiod refuses', jwtRule({ outputClaimToHeaders: [{ header: 'x.email', claim: 'email' }] }), jwtRule({ outputClaimToHeaders: [{ header: 'x-email', claim: 'email' }] }),
      '/spec/jwtRules/0/outputClaimToHeaders/0/header header name x.email is not a valid header name'],
    ['a JWKS fetch timeout finer than 1ms', jwtRule({ timeout: '1500us' }), jwtRule({ timeout: '2ms' }), '/spec/jwtRules/0/timeout only durations to ms precision are supported'],
    ['an access-log filter that is not CEL', telemetry('response.code >= >= 400'), telemetry('response.code >= 400'), '/spec/accessLogging/0/filter/expression invalid filter expression: '],
    // The API server's own rules.
    ['a Service name that is not a DNS-1035 label', service([{ port: 80 }], '9lives'), service([{ port: 80 }], 'lives9'), "/metadata/name '9lives' must be a DNS-1035 label (starts with a letter)"],
    ['a name past 253 characters', configMap({}, { name: `a${'.b'.repeat(127)}` }), configMap({}, { name: `a${'.b'.repeat(126)}` }), '/metadata/name'],
    ['a namespace that is not a DNS label', configMap({}, { name: 'x', namespace: 'a.b' }), configMap({}, { name: 'x', namespace: 'a-b' }), "/metadata/namespace 'a.b' must be a DNS-1123 label"],
    ['a label key that is not a qualified name', configMap({}, { name: 'x', labels: { 'bad key!': 'v' } }), configMap({}, { name: 'x', labels: { 'example.com/good-key': 'v' } }), "/metadata/labels label key 'bad key!' is not a qualified name"],
    ['a label value past 63 characters', configMap({}, { name: 'x', labels: { k: 'v'.repeat(64) } }), configMap({}, { name: 'x', labels: { k: 'v'.repeat(63) } }), '/metadata/labels/k label value'],
    ['an annotation key that is not a qualified name', configMap({}, { name: 'x', annotations: { 'bad key!': 'v' } }), configMap({}, { name: 'x', annotations: { 'Example.com/Key': 'v' } }), "/metadata/annotations annotation key 'bad key!' is not a qualified name"],
    ['annotations past 256 KiB', configMap({}, { name: 'x', annotations: { a: 'x'.repeat(256 * 1024) } }), configMap({}, { name: 'x', annotations: { a: 'x'.repeat(256 * 1024 - 1) } }), '/metadata/annotations annotations are 262145 bytes, over the 262144-byte limit'],
    ['an object past 1.5 MiB', configMap({ a: 'x'.repeat(1.5 * 1024 * 1024) }), configMap({ a: 'x'.repeat(1024 * 1024) }), '/ object is'],
    ['a ConfigMap key with a slash', configMap({ 'a/b': '1' }), configMap({ 'a.b_c-d': '1' }), "/data/a/b 'a/b' is not a valid ConfigMap key"],
    ['an env var name with =', deployment({ env: [{ name: 'A=B', value: '1' }] }), deployment({ env: [{ name: 'A.B-c d', value: '1' }] }), "/spec/template/spec/containers/0/env/0/name env var name 'A=B' must be printable ASCII characters other than '=' (and not empty)"],
    ['an empty env var name', deployment({ env: [{ name: '', value: '1' }] }), deployment({ env: [{ name: 'A', value: '1' }] }), "env var name '' must be printable ASCII"],
    ['a CPU request above its limit', deployment({ resources: { requests: { cpu: '2' }, limits: { cpu: '1500m' } } }), deployment({ resources: { requests: { cpu: '1500m' }, limits: { cpu: '1.5' } } }),
      '/spec/template/spec/containers/0/resources/requests/cpu must be less than or equal to cpu limit of 1500m'],
    ['a memory request above its limit', deployment({ resources: { requests: { memory: '1Gi' }, limits: { memory: '1000M' } } }), deployment({ resources: { requests: { memory: '1G' }, limits: { memory: '1Gi' } } }),
      '/spec/template/spec/containers/0/resources/requests/memory must be less than or equal to memory limit of 1000M'],
    ['a container port name past 15 characters', deployment({ ports: [{ containerPort: 80, name: 'http-very-long-name' }] }), deployment({ ports: [{ containerPort: 80, name: 'http-short' }] }), "port name 'http-very-long-name' is not an IANA_SVC_NAME"],
    ['a container port name without a letter', deployment({ ports: [{ containerPort: 80, name: '8080' }] }), deployment({ ports: [{ containerPort: 80, name: 'p8080' }] }), "port name '8080' is not an IANA_SVC_NAME"],
    ['duplicate container port names', deployment({ ports: [{ containerPort: 80, name: 'http' }, { containerPort: 81, name: 'http' }] }),
      deployment({ ports: [{ containerPort: 80, name: 'http' }, { containerPort: 81, name: 'http-2' }] }), "/spec/template/spec/containers/0/ports/1/name duplicate port name 'http'"],
    ['a container port of 0', deployment({ ports: [{ containerPort: 0 }] }), deployment({ ports: [{ containerPort: 1 }] }), '/spec/template/spec/containers/0/ports/0/containerPort 0 must be between 1 and 65535, inclusive'],
    ['a container name that is not a DNS label', deployment({ name: 'Web' }), deployment({ name: 'web-2' }), "container name 'Web' must be a DNS-1123 label"],
    ['a selector that does not select the template', deployment({}, { selector: { matchLabels: { app: 'other' } } }), deployment({}, { selector: { matchLabels: { app: 'web' } } }), '/spec/template/metadata/labels `selector` does not match template `labels`'],
    ['Service ports without names', service([{ port: 80 }, { port: 81 }]), service([{ port: 80, name: 'http' }, { port: 81, name: 'http-2' }]), '/spec/ports/0/name a name is required when a Service has several ports'],
    ['Service ports sharing a name', service([{ port: 80, name: 'http' }, { port: 81, name: 'http' }]), service([{ port: 80, name: 'http' }, { port: 81, name: 'tcp' }]), "/spec/ports/1/name duplicate port name 'http'"],
    ['a Service port past 65535', service([{ port: 65536 }]), service([{ port: 65535 }]), '/spec/ports/0/port 65536 must be between 1 and 65535, inclusive'],
  ])('%s is refused, the legal value accepted', (_, bad, good, expected) => {
    expect(errorsOf(good)).toEqual([]);
    expect(errorsOf(bad)).toEqual(expect.arrayContaining([expect.stringContaining(expected)]));
  });

  test('x-kubernetes-list-type map: two entries with one key are refused (ServiceEntry ports, keyed by name)', () => {
    expect(errorsOf(se([{ number: 443, name: 'https', protocol: 'TLS' }, { number: 8443, name: 'https', protocol: 'TLS' }])))
      .toEqual(['/spec/ports/1 duplicate entry in a list of type map (keys name): ["https"]']);
  });

  test('every CEL rule of the shipped CRDs compiles with the functions the validator provides', () => {
    // A rule that does not parse or calls an unknown function throws here: none is skipped silently.
    expect(compileAllCrdRules()).toBeGreaterThan(0);
  });

  test.each<[string, string]>([
    ['ip(self) == ip(\'::1\')', 'CRD rule calls ip(), which the strict validator does not provide'],
    ['self.size() >', 'CRD rule does not compile: self.size() >'],
  ])('a CRD rule the validator cannot evaluate (%s) throws when its CRD is compiled', (rule, expected) => {
    expect(() => compileRules({ 'type': 'string', 'x-kubernetes-validations': [{ rule, message: 'm' }] })).toThrow(expected);
  });
});

/** The jest setup validates whatever a test synthesizes, unless the test opts out. */
describe('every synthesized object is validated (strict-synth)', () => {
  const invalidChart = () => {
    const chart = Testing.chart();
    new ApiObject(chart, 'cm', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'Bad_Name' } });
    return chart;
  };

  test('an object the cluster would refuse fails the test that synthesized it', () => {
    Testing.synth(invalidChart());
    const failures = takeFailures();
    expect(failures).toHaveLength(1);
    expect(failures[0]).toContain("v1/ConfigMap Bad_Name: /metadata/name 'Bad_Name' must be a DNS-1123 subdomain");
  });

  test('a valid object records nothing', () => {
    const chart = Testing.chart();
    new ApiObject(chart, 'cm', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'good-name' } });
    Testing.synth(chart);
    expect(takeFailures()).toEqual([]);
  });

  test('a test that opts out records nothing', () => {
    allowInvalidOutput('this test checks the opt-out itself');
    Testing.synth(invalidChart());
    expect(takeFailures()).toEqual([]);
  });
});

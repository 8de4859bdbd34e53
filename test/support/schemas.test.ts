import { validateManifests } from './schemas';

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

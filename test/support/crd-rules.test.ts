import { applyDefaults, compileRules, escapeFieldName, evaluateRules } from './crd-rules';

/** How field names reach CEL in Kubernetes (k8s.io/apiserver/pkg/cel/escaping.go and its tests). */
describe('CRD rule field names', () => {
  test.each<[string, string | undefined]>([
    ['port', 'port'],
    ['namespace', '__namespace__'],
    ['in', '__in__'],
    ['a-b', 'a__dash__b'],
    ['a.b', 'a__dot__b'],
    ['a/b', 'a__slash__b'],
    ['a__b', 'a__underscores__b'],
    ['_a', '_a'],
    ['1a', undefined], // not reachable by a dot
    ['a b', undefined],
    ['', undefined],
  ])('%j is %j', (name, escaped) => {
    expect(escapeFieldName(name)).toBe(escaped);
  });

  const schema = (rule: string) => ({
    'type': 'object',
    'properties': { 'namespace': { type: 'string' }, 'x-y': { type: 'string' }, 'labels': { type: 'object', additionalProperties: { type: 'string' } } },
    'x-kubernetes-validations': [{ rule, message: 'refused' }],
  });
  const errorsOf = (rule: string, value: unknown) => {
    const errors: string[] = [];
    evaluateRules(value, compileRules(schema(rule)), '', errors);
    return errors;
  };

  test.each<[string, unknown]>([
    ["self.__namespace__ == 'a'", { namespace: 'a' }],
    ["self['namespace'] == 'a'", { namespace: 'a' }],
    ["self.x__dash__y == 'b'", { 'x-y': 'b' }],
    ["self.labels['app.kubernetes.io/name'] == 'web'", { labels: { 'app.kubernetes.io/name': 'web' } }],
    ['!has(self.undeclared)', { undeclared: 'z' }], // only declared fields are visible
    ['!has(self.__namespace__)', { namespace: null }], // a null field is absent
    ["self.all(k, k in ['__namespace__', 'x__dash__y'])", { 'namespace': 'a', 'x-y': 'b' }], // iteration yields escaped names
  ])('%s holds', (rule, value) => {
    expect(errorsOf(rule, value)).toEqual([]);
  });

  test('a rule that does not hold is reported with its message and path', () => {
    expect(errorsOf("self.__namespace__ == 'a'", { namespace: 'b' })).toEqual(['/ refused']);
  });
});

describe('CRD defaults', () => {
  const node = compileRules({
    type: 'object',
    properties: {
      mode: { type: 'string', default: 'Terminate' },
      rules: { type: 'array', default: [{}], items: { type: 'object', properties: { weight: { type: 'integer', default: 1 } } } },
      note: { type: 'string', nullable: true, default: 'n' },
    },
  });

  test('missing fields get their defaults, and defaults are defaulted in turn', () => {
    const value: any = {};
    applyDefaults(value, node);
    expect(value).toEqual({ mode: 'Terminate', rules: [{ weight: 1 }], note: 'n' });
  });

  test('a given value is kept; a null is defaulted unless the field is nullable', () => {
    const value: any = { mode: null, rules: [{ weight: 5 }], note: null };
    applyDefaults(value, node);
    expect(value).toEqual({ mode: 'Terminate', rules: [{ weight: 5 }], note: null });
  });
});

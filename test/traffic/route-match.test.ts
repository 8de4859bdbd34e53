import { HeaderMatch, StringMatch } from '../../src';

describe('matches', () => {
  test('string and header matches', () => {
    expect(StringMatch.exact('/a')._toIstio()).toEqual({ exact: '/a' });
    expect(StringMatch.prefix('/api')._toIstio()).toEqual({ prefix: '/api' });
    expect(StringMatch.regex('^/v[0-9]+/')._toIstio()).toEqual({ regex: '^/v[0-9]+/' });
    const h = HeaderMatch.exact('End-User', 'jason');
    expect(h.name).toEqual('end-user');
    expect(h.value._toIstio()).toEqual({ exact: 'jason' });
    expect(HeaderMatch.prefix('x-a', 'b').value._toIstio()).toEqual({ prefix: 'b' });
    expect(HeaderMatch.regex('x-a', 'b+').value._toIstio()).toEqual({ regex: 'b+' });
  });

  test('an exact header match may be empty (the header is present and empty), and may name a request pseudo-header', () => {
    expect(HeaderMatch.exact('x-user', '').value._toIstio()).toEqual({ exact: '' });
    const authority = HeaderMatch.exact(':Authority', 'example.com');
    expect(authority.name).toEqual(':authority');
    expect(authority.value._toIstio()).toEqual({ exact: 'example.com' });
    expect(HeaderMatch.prefix(':path', '/api').name).toEqual(':path');
  });

  test.each([
    [() => HeaderMatch.regex('end-user', ''), "[MESH0043] HeaderMatch.regex: header 'end-user' has no value to match: give one, e.g. HeaderMatch.exact('end-user', 'jason')"],
    [() => HeaderMatch.exact(':status', '200'), "[MESH0044] HeaderMatch.exact: header name ':status' is not an HTTP header name: use letters, digits and '-'"],
    [() => HeaderMatch.prefix('x', ''), "[MESH0043] HeaderMatch.prefix: header 'x' has no value to match: give one, e.g. HeaderMatch.exact('x', 'jason')"],
    [() => HeaderMatch.exact('bad header', 'x'), "[MESH0044] HeaderMatch.exact: header name 'bad header' is not an HTTP header name: use letters, digits and '-'"],
    [() => StringMatch.exact(''), '[MESH0043] StringMatch.exact: value is empty: give the text to match'],
    [() => StringMatch.regex('(unclosed'), "[MESH0040] StringMatch.regex: pattern '(unclosed' is not a valid RE2 regular expression (missing closing ): `(unclosed`): Envoy and istiod use RE2, which has no lookaround or backreferences and repeats at most 1000 times, rewrite it"],
  ])('fails %#', (make, message) => {
    expect(make).toThrow(message);
  });
});

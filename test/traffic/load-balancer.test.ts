import { Duration } from 'cdk8s';
import { LoadBalancer } from '../../src';

describe('LoadBalancer', () => {
  test.each([
    [LoadBalancer.roundRobin(), { simple: 'ROUND_ROBIN' }],
    [LoadBalancer.leastRequest(), { simple: 'LEAST_REQUEST' }],
    [LoadBalancer.random(), { simple: 'RANDOM' }],
    [LoadBalancer.consistentHashByHeader('X-User'), { consistentHash: { httpHeaderName: 'x-user' } }],
    [LoadBalancer.consistentHashByCookie('session', { ttl: Duration.hours(1), path: '/' }), { consistentHash: { httpCookie: { name: 'session', ttl: '3600s', path: '/' } } }],
    [LoadBalancer.consistentHashByCookie('session'), { consistentHash: { httpCookie: { name: 'session' } } }],
    [LoadBalancer.consistentHashBySourceIp(), { consistentHash: { useSourceIp: true } }],
  ])('%#: renders', (lb, expected) => {
    expect(JSON.parse(JSON.stringify(lb._toIstio()))).toEqual(expected);
  });

  test('locality failover and distribution', () => {
    const failover = LoadBalancer.leastRequest({ locality: { failover: [{ from: 'us-east', to: 'us-west' }], failoverPriority: ['topology.istio.io/network'] } });
    expect(JSON.parse(JSON.stringify(failover._toIstio()))).toEqual({
      simple: 'LEAST_REQUEST',
      localityLbSetting: { enabled: true, failover: [{ from: 'us-east', to: 'us-west' }], failoverPriority: ['topology.istio.io/network'] },
    });
    const distribute = LoadBalancer.roundRobin({ locality: { distribute: [{ from: 'us-east/zone1/*', to: { 'us-east/zone1/*': 80, 'us-east/zone2/*': 20 } }] } });
    expect(JSON.parse(JSON.stringify(distribute._toIstio()))).toEqual({
      simple: 'ROUND_ROBIN',
      localityLbSetting: { enabled: true, distribute: [{ from: 'us-east/zone1/*', to: { 'us-east/zone1/*': 80, 'us-east/zone2/*': 20 } }] },
    });
  });

  test.each([
    [() => LoadBalancer.roundRobin({ locality: { failover: [{ from: 'a', to: 'b' }], distribute: [{ from: 'a', to: { b: 100 } }] } }),
      '[MESH0031] LoadBalancer: locality sets both failover and distribute: Istio accepts one of them, choose failover (next-nearest) or distribute (fixed weights)'],
    [() => LoadBalancer.roundRobin({ locality: { failover: [{ from: 'us/z1', to: 'eu' }] } }), "[MESH0032] LoadBalancer: locality failover 'us/z1' -> 'eu' must name two regions (no '/' or '*')"],
    [() => LoadBalancer.roundRobin({ locality: { failover: [{ from: 'us', to: 'us' }] } }), "[MESH0032] LoadBalancer: locality failover from 'us' to itself: name another region"],
    [() => LoadBalancer.roundRobin({ locality: { distribute: [{ from: 'us', to: { eu: 50, us: 40 } }] } }),
      '[MESH0034] LoadBalancer: locality distribution from \'us\' has weights {"eu":50,"us":40} (total 90): use whole percentages of at least 1 that add up to 100'],
    [() => LoadBalancer.roundRobin({ locality: { distribute: [{ from: 'us//x', to: { eu: 100 } }] } }), "[MESH0033] LoadBalancer: locality 'us//x' is not region[/zone[/subzone]] ('*' may stand for the last segment)"],
    [() => LoadBalancer.consistentHashByHeader('bad header'), "[MESH0030] LoadBalancer.consistentHashByHeader: headerName 'bad header' is not an HTTP header name: use letters, digits and '-'"],
    [() => LoadBalancer.consistentHashByCookie('a;b'), "[MESH0030] LoadBalancer.consistentHashByCookie: name 'a;b' is not a cookie name: use letters, digits and '-'"],
  ])('fails %#', (make, message) => {
    expect(make).toThrow(message);
  });
});

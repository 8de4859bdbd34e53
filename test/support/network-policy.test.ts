import { inBlock, NetworkPolicies, Pod, podsOf, selectorMatches } from './network-policy';

const pod = (name: string, namespace: string, labels: { [key: string]: string }, ports: Pod['ports'] = []): Pod => ({ name, namespace, labels, ports });
const policy = (namespace: string, spec: object) => ({ apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name: 'p', namespace }, spec });

const web = pod('web', 'shop', { app: 'web' });
const api = pod('api', 'shop', { app: 'api', tier: 'back' }, [{ name: 'http', containerPort: 8080 }, { name: 'dns', containerPort: 53, protocol: 'UDP' }]);
const db = pod('db', 'data', { app: 'db' });

describe('the NetworkPolicy evaluator', () => {
  test('a pod no policy selects is open; a selected one admits only its rules', () => {
    const open = new NetworkPolicies([]);
    expect(open.admits(web, api, 8080)).toBe(true);
    const policies = new NetworkPolicies([policy('shop', { podSelector: { matchLabels: { app: 'api' } }, ingress: [{ from: [{ podSelector: { matchLabels: { app: 'web' } } }] }] })]);
    expect(policies.admits(web, api, 8080)).toBe(true);
    expect(policies.admits(api, web, 8080)).toBe(true);
    // podSelector alone: pods of the policy's namespace only.
    expect(policies.admits(pod('web', 'other', { app: 'web' }), api, 8080)).toBe(false);
    expect(policies.admits(db, api, 8080)).toBe(false);
  });

  test('a policy with no rules for a direction it names denies it; policyTypes defaults to Ingress (and Egress with egress rules)', () => {
    const denyEgress = new NetworkPolicies([policy('shop', { podSelector: {}, policyTypes: ['Egress'] })]);
    expect(denyEgress.admits(web, db, 5432)).toBe(false);
    expect(denyEgress.admits(db, web, 8080)).toBe(true);
    const ingressOnly = new NetworkPolicies([policy('shop', { podSelector: {} })]);
    expect(ingressOnly.admits(db, web, 8080)).toBe(false);
    expect(ingressOnly.admits(web, db, 5432)).toBe(true);
    const withEgress = new NetworkPolicies([policy('shop', { podSelector: {}, egress: [{ to: [{ podSelector: { matchLabels: { app: 'api' } } }] }] })]);
    expect(withEgress.admits(web, db, 5432)).toBe(false);
    expect(withEgress.admits(web, api, 8080)).toBe(false); // ingress too: every shop pod is selected, and no ingress rule
  });

  test('both ends must admit, and policies add up', () => {
    const policies = new NetworkPolicies([
      policy('shop', { podSelector: { matchLabels: { app: 'web' } }, policyTypes: ['Egress'], egress: [{ to: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'data' } } }] }] }),
      policy('shop', { podSelector: { matchLabels: { app: 'web' } }, policyTypes: ['Egress'], egress: [{ ports: [{ port: 53, protocol: 'UDP' }] }] }),
      policy('data', { podSelector: {}, policyTypes: ['Ingress'], ingress: [{ from: [{ namespaceSelector: {}, podSelector: { matchLabels: { app: 'api' } } }] }] }),
    ]);
    expect(policies.egressAdmits(web, db, 5432)).toBe(true);
    expect(policies.ingressAdmits(web, db, 5432)).toBe(false);
    expect(policies.admits(web, db, 5432)).toBe(false);
    expect(policies.admits(api, db, 5432)).toBe(true);
    expect(policies.admits(web, api, 53, 'UDP')).toBe(true);
    expect(policies.admits(web, api, 53, 'TCP')).toBe(false);
  });

  test('ports: numbers, names of the destination container ports, ranges', () => {
    const policies = new NetworkPolicies([policy('shop', {
      podSelector: {},
      ingress: [{ ports: [{ port: 'http' }, { port: 9000, endPort: 9010 }, { port: 'dns', protocol: 'UDP' }] }],
    })]);
    expect(policies.admits(db, api, 8080)).toBe(true);
    expect(policies.admits(db, api, 8081)).toBe(false);
    expect(policies.admits(db, web, 8080)).toBe(false); // web has no port named http
    expect(policies.admits(db, api, 9005)).toBe(true);
    expect(policies.admits(db, api, 9011)).toBe(false);
    expect(policies.admits(db, api, 53, 'UDP')).toBe(true);
    expect(policies.admits(db, api, 53, 'TCP')).toBe(false);
  });

  test('ipBlock: addresses outside the cluster, with exceptions; never pods', () => {
    const policies = new NetworkPolicies([policy('shop', {
      podSelector: {},
      policyTypes: ['Egress'],
      egress: [{ to: [{ ipBlock: { cidr: '10.0.0.0/8', except: ['10.1.0.0/16'] } }, { ipBlock: { cidr: '2001:db8::/32' } }] }],
    })]);
    expect(policies.admits(web, { ip: '10.2.3.4' }, 443)).toBe(true);
    expect(policies.admits(web, { ip: '10.1.3.4' }, 443)).toBe(false);
    expect(policies.admits(web, { ip: '192.168.0.1' }, 443)).toBe(false);
    expect(policies.admits(web, { ip: '2001:db8::1' }, 443)).toBe(true);
    expect(policies.admits(web, { ip: '2001:db9::1' }, 443)).toBe(false);
    expect(policies.admits(web, db, 443)).toBe(false);
    expect(inBlock('0.0.0.1', '0.0.0.0/0')).toBe(true);
    expect(inBlock('::1', '0.0.0.0/0')).toBe(false);
    expect(inBlock('fe80::1', '::/0')).toBe(true);
  });

  test('namespaces are selected by their rendered labels and their name', () => {
    const namespace = { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'data', labels: { team: 'storage' } } };
    const policies = new NetworkPolicies([namespace, policy('shop', {
      podSelector: {},
      policyTypes: ['Egress'],
      egress: [{ to: [{ namespaceSelector: { matchLabels: { team: 'storage' } } }] }],
    })]);
    expect(policies.admits(web, db, 5432)).toBe(true);
    expect(policies.admits(web, pod('x', 'other', {}), 5432)).toBe(false);
  });

  test('label selectors: matchLabels and every operator of matchExpressions', () => {
    const labels = { app: 'api', tier: 'back' };
    expect(selectorMatches({}, labels)).toBe(true);
    expect(selectorMatches({ matchLabels: { app: 'api' } }, labels)).toBe(true);
    expect(selectorMatches({ matchLabels: { app: 'web' } }, labels)).toBe(false);
    expect(selectorMatches({ matchExpressions: [{ key: 'tier', operator: 'In', values: ['back', 'mid'] }] }, labels)).toBe(true);
    expect(selectorMatches({ matchExpressions: [{ key: 'tier', operator: 'In', values: ['front'] }] }, labels)).toBe(false);
    expect(selectorMatches({ matchExpressions: [{ key: 'tier', operator: 'NotIn', values: ['front'] }] }, labels)).toBe(true);
    expect(selectorMatches({ matchExpressions: [{ key: 'zone', operator: 'NotIn', values: ['a'] }] }, labels)).toBe(true);
    expect(selectorMatches({ matchExpressions: [{ key: 'tier', operator: 'Exists' }] }, labels)).toBe(true);
    expect(selectorMatches({ matchExpressions: [{ key: 'tier', operator: 'DoesNotExist' }] }, labels)).toBe(false);
    expect(selectorMatches({ matchLabels: { app: 'api' }, matchExpressions: [{ key: 'zone', operator: 'Exists' }] }, labels)).toBe(false);
  });

  test('pods are read from the workloads\' pod templates', () => {
    const deployment = {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'api', namespace: 'shop' },
      spec: { template: { metadata: { labels: { app: 'api' } }, spec: { containers: [{ name: 'api', ports: [{ name: 'http', containerPort: 8080 }] }] } } },
    };
    expect(podsOf([deployment, { apiVersion: 'v1', kind: 'Service', metadata: { name: 'api' } }])).toEqual([
      { name: 'Deployment/api', namespace: 'shop', labels: { app: 'api' }, ports: [{ name: 'http', containerPort: 8080 }] },
    ]);
  });
});

import { EgressGateway, EgressScope, ExternalService, ExternalTrafficSplit, IMeshService, Mesh, MeshService, MeshTesting, OutboundTrafficPolicy, Protocol } from '../../src';
import { sidecarScope } from '../../src/private/sidecar-scope';
import { validateManifests } from '../support/schemas';
import { newService, openMesh, synthErrors } from '../support/util';

const HTTP_AND_TLS = [{ port: 443, protocol: Protocol.TLS }, { port: 80, protocol: Protocol.HTTP }];

/** payments and ledger in 'pay', web in 'shop'; stripe (restricted to payments) and maps (open) in 'default'. */
function shop(options: { gateway?: boolean } = {}) {
  const mesh = openMesh();
  const payments = newService(mesh, 'payments', ['v1'], { namespace: 'pay' });
  const ledger = newService(mesh, 'ledger', ['v1'], { namespace: 'pay' });
  const web = newService(mesh, 'web', ['v1'], { namespace: 'shop' });
  const egress = options.gateway ? new EgressGateway(mesh, 'egress', { listeners: HTTP_AND_TLS }) : undefined;
  const stripe = new ExternalService(mesh, 'stripe', {
    hosts: ['api.stripe.com'], egressGateway: egress, callers: [payments], ports: [{ port: 443 }, { port: 80, protocol: Protocol.HTTP }],
  });
  const maps = new ExternalService(mesh, 'maps', { hosts: ['maps.example.com'], egressGateway: egress });
  return { mesh, payments, ledger, web, egress, stripe, maps };
}

/** What the proxy of `service` does with `host` (configured in `namespace`), as MeshTesting evaluates it. */
function scopeOf(mesh: Mesh, manifests: any[], service: IMeshService, namespace: string, host: string) {
  const caller = { namespace: service.namespace, labels: { app: service.serviceName }, proxy: true };
  return sidecarScope(manifests, 'test', mesh.rootNamespace, mesh.outboundTrafficPolicy, caller, { namespace, host });
}

const sidecars = (manifests: any[]) => manifests.filter(m => m.kind === 'Sidecar').map(m => `${m.metadata.namespace}/${m.metadata.name}`);
const warnings = (mesh: Mesh, code: string) => mesh.analyze().filter(f => f.code === code).map(f => `[${f.path}] ${f.message}`);

describe('ExternalService callers', () => {
  test('the callers\' Sidecars list the host; every other namespace\'s default Sidecar leaves it out, REGISTRY_ONLY', () => {
    // GIVEN
    const { mesh, stripe, payments } = shop();

    // WHEN
    const manifests = MeshTesting.synth(mesh);

    // THEN one default Sidecar per namespace with workloads, one for the caller; none where no workload runs
    expect(stripe.callers).toEqual([payments]);
    expect(sidecars(manifests)).toEqual(['pay/default', 'shop/default', 'pay/payments-egress']);
    const everythingButStripe = ['istio-system/*', 'istio-cni/*', 'pay/*', 'shop/*', 'default/maps.example.com', 'default/kubernetes.default.svc.cluster.local', 'kube-system/*'];
    for (const namespace of ['pay', 'shop']) {
      expect(MeshTesting.find(manifests, 'Sidecar', 'default', namespace).spec).toEqual({
        egress: [{ hosts: everythingButStripe }],
        outboundTrafficPolicy: { mode: 'REGISTRY_ONLY' },
      });
    }
    expect(MeshTesting.find(manifests, 'Sidecar', 'payments-egress', 'pay').spec).toEqual({
      workloadSelector: { labels: { app: 'payments' } },
      egress: [{ hosts: [...everythingButStripe, 'default/api.stripe.com'] }],
      outboundTrafficPolicy: { mode: 'REGISTRY_ONLY' },
    });
    // Without an egress gateway, nothing else is written: the ServiceEntry is as before, no AuthorizationPolicy.
    expect(MeshTesting.find(manifests, 'ServiceEntry', 'stripe', 'default').spec.exportTo).toBeUndefined();
    expect(manifests.filter(m => m.kind === 'AuthorizationPolicy' && m.spec?.action === 'DENY')).toEqual([]);
    expect(validateManifests(manifests)).toEqual([]);
  });

  test('only the callers\' proxies know the host; the others refuse it, and still reach the mesh and the open hosts', () => {
    // GIVEN
    const { mesh, payments, ledger, web } = shop();

    // WHEN
    const manifests = MeshTesting.synth(mesh);

    // THEN
    expect(scopeOf(mesh, manifests, payments, 'default', 'api.stripe.com')).toEqual({ known: true, sidecar: 'pay/payments-egress', mode: 'REGISTRY_ONLY' });
    expect(scopeOf(mesh, manifests, ledger, 'default', 'api.stripe.com')).toEqual({ known: false, sidecar: 'pay/default', mode: 'REGISTRY_ONLY' });
    expect(scopeOf(mesh, manifests, web, 'default', 'api.stripe.com')).toEqual({ known: false, sidecar: 'shop/default', mode: 'REGISTRY_ONLY' });
    expect(scopeOf(mesh, manifests, web, 'default', 'maps.example.com').known).toBe(true);
    expect(MeshTesting.canCall(mesh, web, payments, undefined, manifests)).toBe(true);
    expect(MeshTesting.canCall(mesh, payments, ledger, undefined, manifests)).toBe(true);
  });

  test('through an egress gateway, a DENY policy there refuses the host to every identity but the callers\'', () => {
    // GIVEN
    const { mesh, egress } = shop({ gateway: true });

    // WHEN
    const manifests = MeshTesting.synth(mesh);

    // THEN HTTP by host (with or without a port), TLS by SNI, each on the gateway's container ports of its kind
    expect(MeshTesting.find(manifests, 'AuthorizationPolicy', 'stripe-default-callers', 'istio-system').spec).toEqual({
      selector: { matchLabels: { app: 'egress', istio: 'egressgateway' } },
      action: 'DENY',
      rules: [
        {
          from: [{ source: { notPrincipals: ['cluster.local/ns/pay/sa/payments'] } }],
          to: [{ operation: { hosts: ['api.stripe.com', 'api.stripe.com:*'], ports: ['8080'] } }],
        },
        {
          from: [{ source: { notPrincipals: ['cluster.local/ns/pay/sa/payments'] } }],
          to: [{ operation: { ports: ['8443'] } }],
          when: [{ key: 'connection.sni', values: ['api.stripe.com'] }],
        },
      ],
    });
    // The gateway's own ALLOW policy is unchanged, and the open host gets no policy: everyone keeps reaching it.
    expect(MeshTesting.find(manifests, 'AuthorizationPolicy', 'egress', 'istio-system').spec.rules).toEqual([{ from: [{ source: { principals: ['*'] } }] }]);
    expect(manifests.filter(m => m.kind === 'AuthorizationPolicy' && m.spec?.action === 'DENY').map(m => m.metadata.name)).toEqual(['stripe-default-callers']);
    // The callers' Sidecar knows the gateway too, which the two hops go through.
    expect(MeshTesting.find(manifests, 'Sidecar', 'payments-egress', 'pay').spec.egress[0].hosts)
      .toEqual(['istio-system/*', 'istio-cni/*', 'pay/*', 'shop/*', 'default/maps.example.com', `istio-system/${egress!.host}`, 'default/kubernetes.default.svc.cluster.local', 'kube-system/*', 'default/api.stripe.com']);
    expect(validateManifests(manifests)).toEqual([]);
  });

  test('HTTP only: one rule, by host', () => {
    // GIVEN
    const mesh = openMesh();
    const payments = newService(mesh, 'payments');
    const egress = new EgressGateway(mesh, 'egress', { listeners: [{ port: 80, protocol: Protocol.HTTP }] });
    // WHEN
    new ExternalService(mesh, 'api', { hosts: ['api.example.com'], ports: [{ port: 80, protocol: Protocol.HTTP }], egressGateway: egress, callers: [payments] });
    // THEN
    const policy = MeshTesting.find(MeshTesting.synth(mesh), 'AuthorizationPolicy', 'api-default-callers', 'istio-system');
    expect(policy.spec.rules).toEqual([{
      from: [{ source: { notPrincipals: ['cluster.local/ns/default/sa/payments'] } }],
      to: [{ operation: { hosts: ['api.example.com', 'api.example.com:*'], ports: ['8080'] } }],
    }]);
  });

  test('addCaller() adds a caller after the fact, to the Sidecars and the gateway\'s policy', () => {
    // GIVEN
    const { mesh, stripe, ledger } = shop({ gateway: true });

    // WHEN
    stripe.addCaller(ledger);
    const manifests = MeshTesting.synth(mesh);

    // THEN
    expect(stripe.callers.map(c => c.serviceName)).toEqual(['payments', 'ledger']);
    expect(sidecars(manifests)).toEqual(['pay/default', 'shop/default', 'pay/payments-egress', 'pay/ledger-egress']);
    expect(MeshTesting.find(manifests, 'Sidecar', 'ledger-egress', 'pay').spec.egress[0].hosts).toContain('default/api.stripe.com');
    expect(MeshTesting.find(manifests, 'AuthorizationPolicy', 'stripe-default-callers', 'istio-system').spec.rules[0].from)
      .toEqual([{ source: { notPrincipals: ['cluster.local/ns/pay/sa/payments', 'cluster.local/ns/pay/sa/ledger'] } }]);
  });

  test('merges with the program\'s EgressScopes: never a second Sidecar for a namespace or a workload', () => {
    // GIVEN a namespace scope for 'pay' and a scope of its own for payments that allows stripe
    const { mesh, stripe, payments, ledger } = shop();
    new EgressScope(mesh, 'pay-egress', { namespace: 'pay', allowServices: [ledger], allowHosts: ['istio-system/*'] });
    const own = new EgressScope(mesh, 'payments-own', { service: payments, allowExternal: [stripe], allowHosts: ['istio-system/*'] });

    // WHEN
    const manifests = MeshTesting.synth(mesh);

    // THEN the program's Sidecars stand as declared; only shop gets one written
    expect(sidecars(manifests)).toEqual(['pay/default', 'pay/payments-egress', 'shop/default']);
    expect(MeshTesting.find(manifests, 'Sidecar', 'default', 'pay').spec.egress).toEqual([{ hosts: ['pay/ledger.pay.svc.cluster.local', 'istio-system/*'] }]);
    expect(MeshTesting.find(manifests, 'Sidecar', 'payments-egress', 'pay').spec.egress).toEqual([{ hosts: ['default/api.stripe.com', 'istio-system/*'] }]);
    expect(own.resource.name).toBe('payments-egress');
    expect(synthErrors(mesh)).toEqual([]);
  });

  test('a caller without a scope of its own starts from its namespace\'s declared scope, and keeps its mode', () => {
    // GIVEN
    const { mesh, ledger } = shop();
    new EgressScope(mesh, 'pay-egress', { namespace: 'pay', allowServices: [ledger], allowHosts: ['istio-system/*'] });

    // WHEN
    const manifests = MeshTesting.synth(mesh);

    // THEN
    expect(MeshTesting.find(manifests, 'Sidecar', 'payments-egress', 'pay').spec).toEqual({
      workloadSelector: { labels: { app: 'payments' } },
      egress: [{ hosts: ['pay/ledger.pay.svc.cluster.local', 'istio-system/*', 'default/api.stripe.com'] }],
      outboundTrafficPolicy: { mode: 'REGISTRY_ONLY' },
    });
    expect(scopeOf(mesh, manifests, ledger, 'default', 'api.stripe.com').known).toBe(false);
  });

  test('what the program adds after an analysis joins the Sidecars written', () => {
    // GIVEN a mesh analysed once
    const { mesh } = shop();
    mesh.analyze();

    // WHEN a service in a new namespace comes after
    newService(mesh, 'search', ['v1'], { namespace: 'find' });
    const manifests = MeshTesting.synth(mesh);

    // THEN
    expect(sidecars(manifests)).toEqual(['pay/default', 'shop/default', 'pay/payments-egress', 'find/default']);
    expect(MeshTesting.find(manifests, 'Sidecar', 'default', 'shop').spec.egress[0].hosts).toEqual(['istio-system/*', 'istio-cni/*', 'pay/*', 'shop/*', 'default/maps.example.com', 'default/kubernetes.default.svc.cluster.local', 'kube-system/*', 'find/*']);
  });

  test('a namespace that holds the restricted host lists its other hosts one by one', () => {
    // GIVEN stripe in the namespace of payments and web
    const mesh = openMesh();
    const payments = newService(mesh, 'payments', ['v1'], { namespace: 'shop' });
    newService(mesh, 'web', ['v1'], { namespace: 'shop' });
    new ExternalService(mesh, 'stripe', { hosts: ['api.stripe.com'], namespace: 'shop', callers: [payments] });
    new ExternalService(mesh, 'maps', { hosts: ['maps.example.com'], namespace: 'shop' });

    // WHEN
    const manifests = MeshTesting.synth(mesh);

    // THEN
    expect(MeshTesting.find(manifests, 'Sidecar', 'default', 'shop').spec.egress[0].hosts).toEqual([
      'istio-system/*', 'istio-cni/*', 'shop/payments.shop.svc.cluster.local', 'shop/web.shop.svc.cluster.local', 'shop/maps.example.com',
      'default/*', 'kube-system/*',
    ]);
    expect(validateManifests(manifests)).toEqual([]);
  });

  test.each([
    [(m: Mesh) => new ExternalService(m, 'stripe', { hosts: ['api.stripe.com'], callers: [] }),
      '[mesh/stripe] [MESH1080] callers is empty, which would let no workload call it: name the services that may (e.g. callers: [payments]), or leave callers out to let every workload call it'],
    [(m: Mesh) => new ExternalService(m, 'stripe', { hosts: ['api.stripe.com'], callers: [newService(openMesh(), 'payments')] }),
      "[mesh/stripe] [MESH1081] caller 'payments' belongs to another mesh (mesh): name a service of this mesh"],
    [(m: Mesh) => new ExternalService(m, 'stripe', { hosts: ['api.stripe.com'], callers: [MeshService.fromName(m, 'billing', 'billing')] }),
      "[mesh/stripe] [MESH1082] caller 'billing' is imported (MeshService.fromName()), so the mesh does not run its workloads and cannot write the Sidecar that lets them reach the host: name a service this program defines"],
    [(m: Mesh) => {
      const payments = newService(m, 'payments');
      new ExternalService(m, 'stripe', { hosts: ['api.stripe.com'], callers: [payments] }).addCaller(payments);
    }, "[mesh/stripe] [MESH1083] caller 'payments' is listed twice: list each caller once"],
    [(m: Mesh) => new ExternalService(m, 'stripe', { hosts: ['api.stripe.com'] }).addCaller(undefined as any),
      '[mesh/stripe] [MESH0006] a caller is missing: name a MeshService of this mesh'],
    [(m: Mesh) => new ExternalService(m, 'stripe', { hosts: ['api.stripe.com'], callers: ['payments' as any] }),
      '[mesh/stripe] [MESH0009] a caller is not a service of a mesh: name a MeshService, or one imported with MeshService.fromName()'],
  ])('fails on a bad caller (%#)', (make, message) => {
    // GIVEN
    const mesh = openMesh();
    // WHEN
    make(mesh);
    // THEN
    expect(synthErrors(mesh)).toEqual([message]);
  });

  test('fails when a caller\'s own EgressScope leaves the host out', () => {
    // GIVEN
    const { mesh, payments } = shop();
    // WHEN
    new EgressScope(mesh, 'payments-egress', { service: payments, allowHosts: ['istio-system/*'] });
    // THEN
    expect(synthErrors(mesh)).toEqual(["[mesh/stripe] [MESH1084] caller 'payments' has an EgressScope (mesh/payments-egress) that leaves out host 'api.stripe.com', so its proxy refuses the calls: add allowExternal: [stripe] to that scope"]);
  });

  test('fails when exportTo leaves a caller\'s namespace out', () => {
    // GIVEN
    const mesh = openMesh();
    const payments = newService(mesh, 'payments', ['v1'], { namespace: 'pay' });
    // WHEN
    new ExternalService(mesh, 'stripe', { hosts: ['api.stripe.com'], exportTo: ['.'], callers: [payments] });
    // THEN
    expect(synthErrors(mesh)).toEqual(["[mesh/stripe] [MESH1085] caller 'payments' is in namespace 'pay', which exportTo (.) leaves out, so its proxy never learns the host: add 'pay' to exportTo, or drop exportTo"]);
  });

  test('fails when a declared EgressScope lets another workload reach the host', () => {
    // GIVEN
    const { mesh, stripe, web } = shop();
    // WHEN
    new EgressScope(mesh, 'web-egress', { service: web, allowExternal: [stripe] });
    // THEN
    expect(synthErrors(mesh)).toEqual(["[mesh/web-egress] [MESH1086] the scope lets 'web' reach host 'api.stripe.com' of external service 'stripe', which only its callers (payments) may call: leave the host out of the scope, or add them to callers"]);
  });

  test('fails when a namespace\'s declared EgressScope lists every host, or passes unknown hosts through', () => {
    // GIVEN
    const { mesh } = shop();
    // WHEN
    new EgressScope(mesh, 'pay-egress', { namespace: 'pay', allowHosts: ['*/*'] });
    new EgressScope(mesh, 'shop-egress', { namespace: 'shop', outboundTrafficPolicy: OutboundTrafficPolicy.ALLOW_ANY });
    // THEN
    expect(synthErrors(mesh)).toEqual([
      "[mesh/pay-egress] [MESH1086] the scope lets 'ledger' reach host 'api.stripe.com' of external service 'stripe', which only its callers (payments) may call: leave the host out of the scope, or add them to callers",
      "[mesh/shop-egress] [MESH1087] the scope passes unknown hosts through (ALLOW_ANY), so the proxies of 'web' reach host 'api.stripe.com' of external service 'stripe', which only its callers (payments) may call: make the scope REGISTRY_ONLY, or add them to callers",
    ]);
  });

  test('warns of a split route that matches calls from a service that is not a caller', () => {
    // GIVEN
    const { mesh, stripe, web, payments } = shop();
    // WHEN
    new ExternalTrafficSplit(mesh, 'stripe-routes', { externalService: stripe, routes: [{ matches: [{ sourceService: payments }, { sourceService: web }] }] });
    // THEN
    expect(warnings(mesh, 'MESH1088')).toEqual([
      "[mesh/stripe-routes] route 1 matches calls from 'web', which is not a caller of external service 'stripe' (callers: payments) and cannot reach it, so the route never applies: drop the match, or add 'web' to callers",
    ]);
  });
});

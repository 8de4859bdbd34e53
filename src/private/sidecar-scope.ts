import { meshError } from './errors';

/** A workload whose outbound requests a Sidecar may scope. */
interface Caller {
  readonly namespace: string;
  /** Its pods' labels. */
  readonly labels: { [key: string]: string };
  /** Whether it runs an Istio proxy. */
  readonly proxy: boolean;
  /** Whether it is a gateway, whose proxy no Sidecar scopes. */
  readonly gateway?: boolean;
}

/**
 * Whether the caller's proxy knows a host: the Istio `Sidecar` that scopes it (its workload's, else its
 * namespace's, else the root namespace's) lists the host among its egress hosts, or no Sidecar scopes it.
 * What a proxy does with a host it does not know is `mode`: REGISTRY_ONLY refuses the request,
 * ALLOW_ANY passes it through to the address, in plaintext and past every route.
 *
 * @internal
 */
export interface SidecarScope {
  readonly known: boolean;
  /** The Sidecar, `<namespace>/<name>`, when one scopes the caller. */
  readonly sidecar?: string;
  readonly mode: string;
}

/**
 * The scope of the caller's proxy for the Service of `namespace` whose host is `host` (what MeshTesting evaluates,
 * and what the diagram draws).
 *
 * @throws MESH0600 for a Sidecar egress listener of its own port, bind address or capture mode
 * @internal
 */
export function sidecarScope(
  manifests: any[], where: string, rootNamespace: string, meshMode: string, caller: Caller, service: { namespace: string; host: string },
): SidecarScope {
  const all = manifests.filter(m => m?.kind === 'Sidecar');
  const inNs = (ns: string) => all.filter(s => (s.metadata?.namespace ?? 'default') === ns);
  const labelsOf = (s: any) => s.spec?.workloadSelector?.labels ?? {};
  const hasSelector = (s: any) => Object.keys(labelsOf(s)).length > 0;
  const selects = (s: any) => Object.entries<string>(labelsOf(s)).every(([k, v]) => caller.labels[k] === v);
  const sidecar = inNs(caller.namespace).find(s => hasSelector(s) && selects(s))
    ?? inNs(caller.namespace).find(s => !hasSelector(s))
    ?? inNs(rootNamespace).find(s => !hasSelector(s));
  if (!caller.proxy || caller.gateway || !sidecar) {
    return { known: true, mode: meshMode };
  }
  const name = `${sidecar.metadata?.namespace ?? 'default'}/${sidecar.metadata?.name}`;
  const mode = sidecar.spec?.outboundTrafficPolicy?.mode ?? meshMode;
  const egress: any[] = sidecar.spec?.egress ?? [];
  if (egress.length === 0) {
    return { known: true, sidecar: name, mode };
  }
  for (const listener of egress) {
    const own = ['port', 'bind', 'captureMode'].filter(k => listener?.[k] !== undefined);
    if (own.length > 0) {
      throw meshError('MESH0600', where, `Sidecar ${name} has an egress listener with ${own.join(', ')}, which this evaluation cannot decide `
        + '(only egress hosts are modelled): test that Sidecar against a cluster, or leave it out of the manifests given');
    }
  }
  const known = hostListed(egress.flatMap(l => l?.hosts ?? []), sidecar.metadata?.namespace ?? 'default', service);
  return { known, sidecar: name, mode };
}

/**
 * Whether a Sidecar's egress `hosts` (`<namespace>/<dns name>`, in namespace `ownNamespace`) import the host
 * `host` whose configuration is in `namespace`.
 *
 * @internal
 */
export function hostListed(hosts: string[], ownNamespace: string, service: { namespace: string; host: string }): boolean {
  return hosts.some((entry: string) => {
    const [ns, dns] = entry.includes('/') ? entry.split('/', 2) : ['*', entry];
    const nsMatches = ns === '*' || (ns === '.' ? ownNamespace : ns) === service.namespace;
    const dnsMatches = dns === '*' || (dns.startsWith('*.') ? service.host.endsWith(dns.slice(1)) : dns === service.host);
    return ns !== '~' && nsMatches && dnsMatches;
  });
}

/**
 * A small Kubernetes API server for tests that run the real kubectl, on 127.0.0.1 and an ephemeral port. It
 * keeps objects in memory and behaves as the real one does where the order of applying matters:
 *
 * - discovery (`/api`, `/apis`, `/api/v1`, `/apis/<group>/<version>`) lists the built-in kinds and the kinds of
 *   every CustomResourceDefinition once it is Established, which it becomes `crdDelayMs` after it is created:
 *   kubectl maps every object of an invocation through discovery before it applies any, so a custom object
 *   applied with its CRD, or before the CRD is established, fails with "resource mapping not found";
 * - a namespaced object is refused while its Namespace does not exist (`default`, `kube-system` and
 *   `kube-public` exist from the start);
 * - annotations larger than 262144 bytes are refused (client-side apply keeps the whole object in one);
 * - a Deployment or DaemonSet reports itself rolled out `rolloutDelayMs` after it is created;
 * - list with a field selector and watch, which `kubectl wait` and `kubectl rollout status` use.
 *
 * Every write is logged with the time it was accepted, so a test can tell what came before what.
 */
import * as http from 'http';
import { AddressInfo } from 'net';
import * as YAML from 'yaml';

/** A kind the server serves. */
interface Resource {
  readonly group: string;
  readonly version: string;
  readonly kind: string;
  readonly plural: string;
  readonly namespaced: boolean;
}

interface Watcher {
  readonly resource: Resource;
  readonly namespace?: string;
  readonly name?: string;
  readonly res: http.ServerResponse;
}

/** One write the server accepted or refused. */
export interface LoggedWrite {
  readonly at: number;
  readonly method: string;
  readonly group: string;
  readonly kind: string;
  readonly namespace?: string;
  readonly name: string;
  readonly status: number;
}

export interface FakeApiServerOptions {
  /** How long a CRD takes to become Established. */
  readonly crdDelayMs?: number;
  /** How long a Deployment or DaemonSet takes to roll out. */
  readonly rolloutDelayMs?: number;
}

const BUILT_IN: Array<[group: string, version: string, kinds: string[], clusterKinds: string[]]> = [
  ['', 'v1', ['ConfigMap', 'Endpoints', 'Pod', 'Secret', 'Service', 'ServiceAccount', 'PersistentVolumeClaim'], ['Namespace', 'Node', 'PersistentVolume']],
  ['apps', 'v1', ['Deployment', 'DaemonSet', 'StatefulSet', 'ReplicaSet'], []],
  ['batch', 'v1', ['Job', 'CronJob'], []],
  ['autoscaling', 'v2', ['HorizontalPodAutoscaler'], []],
  ['policy', 'v1', ['PodDisruptionBudget'], []],
  ['networking.k8s.io', 'v1', ['NetworkPolicy', 'Ingress'], ['IngressClass']],
  ['rbac.authorization.k8s.io', 'v1', ['Role', 'RoleBinding'], ['ClusterRole', 'ClusterRoleBinding']],
  ['admissionregistration.k8s.io', 'v1', [], ['MutatingWebhookConfiguration', 'ValidatingWebhookConfiguration',
    'ValidatingAdmissionPolicy', 'ValidatingAdmissionPolicyBinding']],
  ['apiextensions.k8s.io', 'v1', [], ['CustomResourceDefinition']],
  ['scheduling.k8s.io', 'v1', [], ['PriorityClass']],
];

function plural(kind: string): string {
  const lower = kind.toLowerCase();
  return lower.endsWith('y') ? `${lower.slice(0, -1)}ies` : /(s|ch|sh|x)$/.test(lower) ? `${lower}es` : `${lower}s`;
}

const MAX_ANNOTATIONS = 262144;

export class FakeApiServer {
  /** Starts a server; `close()` it at the end. */
  public static async start(options: FakeApiServerOptions = {}): Promise<FakeApiServer> {
    const server = new FakeApiServer(options);
    await new Promise<void>(resolve => server.http.listen(0, '127.0.0.1', resolve));
    return server;
  }

  /** Every write, in the order the server answered it. */
  public readonly writes: LoggedWrite[] = [];
  /** When each CRD (by name) became Established, each Deployment or DaemonSet (`Kind namespace/name`) rolled out. */
  public readonly ready = new Map<string, number>();

  private readonly http: http.Server;
  private readonly resources: Resource[] = [];
  private readonly objects = new Map<string, any>();
  private readonly watchers = new Set<Watcher>();
  /** Every event, so that a watch from a resourceVersion sees what happened since (a change between list and watch is not lost). */
  private readonly history: Array<{ type: string; resource: Resource; object: any }> = [];
  private readonly timers = new Set<NodeJS.Timeout>();
  private revision = 1;

  private constructor(private readonly options: FakeApiServerOptions) {
    for (const [group, version, kinds, clusterKinds] of BUILT_IN) {
      kinds.forEach(kind => this.resources.push({ group, version, kind, plural: plural(kind), namespaced: true }));
      clusterKinds.forEach(kind => this.resources.push({ group, version, kind, plural: plural(kind), namespaced: false }));
    }
    // What every cluster has.
    this.seed(['default', 'kube-system', 'kube-public'].map(name => ({ apiVersion: 'v1', kind: 'Namespace', metadata: { name } })));
    this.http = http.createServer((req, res) => {
      let body = '';
      req.on('data', chunk => body += chunk);
      req.on('end', () => {
        try {
          this.handle(req, res, body);
        } catch (e) {
          send(res, 500, status(500, 'InternalError', String(e)));
        }
      });
    });
  }

  /** The server's address, for a kubeconfig. */
  public get url(): string {
    return `http://127.0.0.1:${(this.http.address() as AddressInfo).port}`;
  }

  /** A kubeconfig that points kubectl at this server. */
  public kubeconfig(): string {
    return YAML.stringify({
      'apiVersion': 'v1',
      'kind': 'Config',
      'clusters': [{ name: 'fake', cluster: { server: this.url } }],
      'users': [{ name: 'fake', user: {} }],
      'contexts': [{ name: 'fake', context: { cluster: 'fake', user: 'fake' } }],
      'current-context': 'fake',
    });
  }

  /** Creates objects as if they were there before (an Istio someone else installed), CRDs established at once. */
  public seed(manifests: any[]): void {
    for (const m of manifests) {
      const resource = this.resourceOf(m.apiVersion, m.kind)!;
      this.store(resource, m, true);
    }
  }

  /** The stored object, if any. */
  public get(kind: string, namespace: string | undefined, name: string): any {
    return [...this.objects.values()].find(o => o.kind === kind && o.metadata.name === name && o.metadata.namespace === namespace);
  }

  public async close(): Promise<void> {
    this.timers.forEach(t => clearTimeout(t));
    this.watchers.forEach(w => w.res.end());
    await new Promise<void>(resolve => this.http.close(() => resolve()));
  }

  private handle(req: http.IncomingMessage, res: http.ServerResponse, body: string): void {
    const url = new URL(req.url!, 'http://x');
    const parts = url.pathname.split('/').filter(p => p !== '');
    if (url.pathname === '/version') {
      return send(res, 200, { major: '1', minor: '34', gitVersion: 'v1.34.0', platform: 'linux/amd64' });
    }
    if (url.pathname === '/api') {
      return send(res, 200, { kind: 'APIVersions', versions: ['v1'], serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress: '127.0.0.1' }] });
    }
    if (url.pathname === '/apis') {
      return send(res, 200, this.groupList());
    }
    // kubectl asks whether the server validates fields itself (fieldValidation=Strict) before it applies; it does.
    if (url.pathname === '/openapi/v3') {
      return send(res, 200, this.openApiRoot());
    }
    // Asked for kinds the server does not serve (yet): an empty document (an empty protobuf message), in which
    // kubectl finds no schema and so skips its own validation, as it does for a kind a real server does not know.
    if (url.pathname === '/openapi/v2') {
      res.writeHead(200, { 'Content-Type': 'application/com.github.proto-openapi.spec.v2.v1.0+protobuf' });
      res.end();
      return;
    }
    if (url.pathname.startsWith('/openapi/v3/')) {
      return send(res, 200, this.openApiDocument(url.pathname.slice('/openapi/v3/'.length)));
    }
    // /api/v1[/namespaces/<ns>]/<plural>[/<name>], /apis/<group>/<version>[/namespaces/<ns>]/<plural>[/<name>]
    let group: string;
    let rest: string[];
    if (parts[0] === 'api') {
      group = '';
      rest = parts.slice(1);
    } else if (parts[0] === 'apis' && parts.length >= 3) {
      group = parts[1];
      rest = parts.slice(2);
    } else {
      return send(res, 404, status(404, 'NotFound', 'the server could not find the requested resource'));
    }
    const version = rest[0];
    if (rest.length === 1) {
      const list = this.resourceList(group, version);
      return list ? send(res, 200, list) : send(res, 404, status(404, 'NotFound', 'the server could not find the requested resource'));
    }
    let namespace: string | undefined;
    let path = rest.slice(1);
    if (path[0] === 'namespaces' && path.length >= 3) {
      namespace = path[1];
      path = path.slice(2);
    }
    const resource = this.served().find(r => r.group === group && r.version === version && r.plural === path[0]);
    if (!resource || path.length > 2) {
      return send(res, 404, status(404, 'NotFound', 'the server could not find the requested resource'));
    }
    const name = path[1];
    switch (req.method) {
      case 'GET':
        return name ? this.read(res, resource, namespace, name) : this.list(res, resource, namespace, url.searchParams);
      case 'POST':
        return this.write(req, res, resource, namespace, parse(body, req.headers['content-type']), 'create');
      case 'PATCH':
      case 'PUT':
        return this.write(req, res, resource, namespace, { ...parse(body, req.headers['content-type']), metadata: { name, ...parse(body, req.headers['content-type'])?.metadata } }, 'patch');
      default:
        return send(res, 405, status(405, 'MethodNotAllowed', `${req.method} is not supported here`));
    }
  }

  private read(res: http.ServerResponse, resource: Resource, namespace: string | undefined, name: string): void {
    const found = this.objects.get(key(resource, namespace, name));
    if (!found) {
      return send(res, 404, status(404, 'NotFound', `${resource.plural}${resource.group ? `.${resource.group}` : ''} "${name}" not found`, { name, kind: resource.plural }));
    }
    send(res, 200, found);
  }

  private list(res: http.ServerResponse, resource: Resource, namespace: string | undefined, query: URLSearchParams): void {
    const name = /^metadata\.name=(.*)$/.exec(query.get('fieldSelector') ?? '')?.[1];
    const items = [...this.objects.values()].filter(o => this.resourceOf(o.apiVersion, o.kind) === resource
      && (namespace === undefined || o.metadata.namespace === namespace) && (name === undefined || o.metadata.name === name));
    if (query.get('watch') === 'true' || query.get('watch') === '1') {
      res.writeHead(200, { 'Content-Type': 'application/json', 'Transfer-Encoding': 'chunked' });
      res.flushHeaders();
      const watcher: Watcher = { resource, namespace, name, res };
      const since = Number(query.get('resourceVersion') ?? '0');
      for (const event of this.history.filter(e => Number(e.object.metadata.resourceVersion) > since)) {
        this.send(watcher, event.type, event.resource, event.object);
      }
      this.watchers.add(watcher);
      res.on('close', () => this.watchers.delete(watcher));
      const timeout = Number(query.get('timeoutSeconds') ?? '0');
      if (timeout > 0) {
        this.later(timeout * 1000, () => res.end());
      }
      return;
    }
    send(res, 200, {
      apiVersion: resource.group ? `${resource.group}/${resource.version}` : resource.version,
      kind: `${resource.kind}List`,
      metadata: { resourceVersion: String(this.revision) },
      items,
    });
  }

  private write(req: http.IncomingMessage, res: http.ServerResponse, resource: Resource, namespace: string | undefined, object: any, verb: 'create' | 'patch'): void {
    const name: string = object?.metadata?.name;
    const log = (code: number) => this.writes.push({
      at: Date.now(), method: req.method!, group: resource.group, kind: resource.kind, namespace, name, status: code,
    });
    if (resource.namespaced && namespace !== undefined && !this.objects.has(key(this.namespaceResource(), undefined, namespace))) {
      log(404);
      return send(res, 404, status(404, 'NotFound', `namespaces "${namespace}" not found`, { name: namespace, kind: 'namespaces' }));
    }
    const annotations = JSON.stringify(object.metadata?.annotations ?? {}).length;
    if (annotations > MAX_ANNOTATIONS) {
      log(422);
      return send(res, 422, status(422, 'Invalid', `${resource.kind} "${name}" is invalid: metadata.annotations: Too long: may not be more than ${MAX_ANNOTATIONS} bytes`));
    }
    const existing = this.objects.get(key(resource, namespace, name));
    if (verb === 'create' && existing) {
      log(409);
      return send(res, 409, status(409, 'AlreadyExists', `${resource.plural} "${name}" already exists`));
    }
    const merged = existing ? { ...existing, ...object, metadata: { ...existing.metadata, ...object.metadata } } : object;
    const stored = this.store(resource, { ...merged, metadata: { ...merged.metadata, namespace } }, false);
    log(existing ? 200 : 201);
    send(res, existing ? 200 : 201, stored);
  }

  private store(resource: Resource, object: any, settled: boolean): any {
    const metadata = { ...object.metadata, resourceVersion: String(++this.revision), generation: 1, uid: `uid-${this.revision}` };
    if (!resource.namespaced) {
      delete metadata.namespace;
    }
    const stored = { ...object, apiVersion: object.apiVersion, kind: resource.kind, metadata };
    const id = key(resource, metadata.namespace, metadata.name);
    const fresh = !this.objects.has(id);
    this.objects.set(id, stored);
    this.notify(fresh ? 'ADDED' : 'MODIFIED', resource, stored);
    if (fresh && resource.kind === 'CustomResourceDefinition') {
      this.after(settled ? 0 : this.options.crdDelayMs ?? 0, () => this.establish(id));
    } else if (fresh && (resource.kind === 'Deployment' || resource.kind === 'DaemonSet')) {
      this.after(settled ? 0 : this.options.rolloutDelayMs ?? 0, () => this.rollOut(id));
    }
    return stored;
  }

  private establish(id: string): void {
    const crd = this.objects.get(id);
    const condition = (type: string) => ({ type, status: 'True', reason: type, message: '', lastTransitionTime: new Date().toISOString() });
    const updated = { ...crd, metadata: { ...crd.metadata, resourceVersion: String(++this.revision) }, status: { conditions: [condition('NamesAccepted'), condition('Established')], acceptedNames: crd.spec.names } };
    this.objects.set(id, updated);
    for (const v of crd.spec.versions.filter((x: any) => x.served)) {
      const names = crd.spec.names;
      this.resources.push({ group: crd.spec.group, version: v.name, kind: names.kind, plural: names.plural, namespaced: crd.spec.scope === 'Namespaced' });
    }
    this.ready.set(crd.metadata.name, Date.now());
    this.notify('MODIFIED', this.resourceOf('apiextensions.k8s.io/v1', 'CustomResourceDefinition')!, updated);
  }

  private rollOut(id: string): void {
    const o = this.objects.get(id);
    const replicas = o.spec?.replicas ?? 1;
    const conditions = [
      { type: 'Available', status: 'True', reason: 'MinimumReplicasAvailable' },
      { type: 'Progressing', status: 'True', reason: 'NewReplicaSetAvailable' },
    ];
    const rolledOut = o.kind === 'Deployment'
      ? { observedGeneration: 1, replicas, updatedReplicas: replicas, readyReplicas: replicas, availableReplicas: replicas, conditions }
      : { observedGeneration: 1, desiredNumberScheduled: 1, updatedNumberScheduled: 1, numberReady: 1, numberAvailable: 1 };
    const updated = { ...o, metadata: { ...o.metadata, resourceVersion: String(++this.revision) }, status: rolledOut };
    this.objects.set(id, updated);
    this.ready.set(`${o.kind} ${o.metadata.namespace}/${o.metadata.name}`, Date.now());
    this.notify('MODIFIED', this.resourceOf(o.apiVersion, o.kind)!, updated);
  }

  private notify(type: string, resource: Resource, object: any): void {
    this.history.push({ type, resource, object });
    for (const w of this.watchers) {
      this.send(w, type, resource, object);
    }
  }

  private send(w: Watcher, type: string, resource: Resource, object: any): void {
    if (w.resource.kind === resource.kind && w.resource.group === resource.group
      && (w.namespace === undefined || w.namespace === object.metadata.namespace) && (w.name === undefined || w.name === object.metadata.name)) {
      w.res.write(`${JSON.stringify({ type, object })}\n`);
    }
  }

  private after(ms: number, f: () => void): void {
    if (ms === 0) {
      f();
      return;
    }
    this.later(ms, f);
  }

  private later(ms: number, f: () => void): void {
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      f();
    }, ms);
    this.timers.add(timer);
  }

  private served(): Resource[] {
    return this.resources;
  }

  private resourceOf(apiVersion: string, kind: string): Resource | undefined {
    const slash = apiVersion.lastIndexOf('/');
    const group = slash < 0 ? '' : apiVersion.slice(0, slash);
    const version = apiVersion.slice(slash + 1);
    const known = this.resources.find(r => r.group === group && r.version === version && r.kind === kind);
    if (known) {
      return known;
    }
    // A kind whose CRD is stored but not established yet: stored objects (seeded ones) still need a key.
    return undefined;
  }

  private namespaceResource(): Resource {
    return this.resourceOf('v1', 'Namespace')!;
  }

  private groupList(): any {
    const groups = new Map<string, string[]>();
    for (const r of this.served().filter(x => x.group !== '')) {
      const versions = groups.get(r.group) ?? [];
      if (!versions.includes(r.version)) {
        versions.push(r.version);
      }
      groups.set(r.group, versions);
    }
    return {
      kind: 'APIGroupList',
      apiVersion: 'v1',
      groups: [...groups].map(([name, versions]) => ({
        name,
        versions: versions.map(version => ({ groupVersion: `${name}/${version}`, version })),
        preferredVersion: { groupVersion: `${name}/${versions[0]}`, version: versions[0] },
      })),
    };
  }

  private groupVersions(): string[] {
    return [...new Set(this.served().map(r => r.group ? `apis/${r.group}/${r.version}` : `api/${r.version}`))];
  }

  private openApiRoot(): any {
    return { paths: Object.fromEntries(this.groupVersions().map(gv => [gv, { serverRelativeURL: `/openapi/v3/${gv}?hash=${this.revision}` }])) };
  }

  /** Only what kubectl reads: each kind's PATCH operation and its fieldValidation parameter. */
  private openApiDocument(gv: string): any {
    const resources = this.served().filter(r => (r.group ? `apis/${r.group}/${r.version}` : `api/${r.version}`) === gv);
    return {
      openapi: '3.0.0',
      info: { title: 'Kubernetes', version: 'v1.34.0' },
      paths: Object.fromEntries(resources.map(r => [`/${gv}/${r.namespaced ? 'namespaces/{namespace}/' : ''}${r.plural}/{name}`, {
        patch: {
          'x-kubernetes-group-version-kind': { group: r.group, version: r.version, kind: r.kind },
          'parameters': [{ name: 'fieldValidation', in: 'query', schema: { type: 'string' } }],
          'responses': { 200: { description: 'OK' } },
        },
      }])),
    };
  }

  private resourceList(group: string, version: string): any {
    const resources = this.served().filter(r => r.group === group && r.version === version);
    if (resources.length === 0) {
      return undefined;
    }
    return {
      kind: 'APIResourceList',
      apiVersion: 'v1',
      groupVersion: group ? `${group}/${version}` : version,
      resources: resources.map(r => ({
        name: r.plural,
        singularName: r.kind.toLowerCase(),
        namespaced: r.namespaced,
        kind: r.kind,
        verbs: ['create', 'delete', 'get', 'list', 'patch', 'update', 'watch'],
      })),
    };
  }
}

function key(resource: Resource, namespace: string | undefined, name: string): string {
  return `${resource.group}/${resource.plural}/${namespace ?? ''}/${name}`;
}

function parse(body: string, contentType: string | undefined): any {
  if (body === '') {
    return {};
  }
  return contentType?.includes('yaml') ? YAML.parse(body) : JSON.parse(body);
}

function status(code: number, reason: string, message: string, details?: object): any {
  return { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, reason, details, code };
}

function send(res: http.ServerResponse, code: number, body: unknown): void {
  res.writeHead(code, { 'Content-Type': 'application/json' });
  res.end(JSON.stringify(body));
}

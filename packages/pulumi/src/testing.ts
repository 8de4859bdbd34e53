import * as pulumi from '@pulumi/pulumi';

/**
 * One resource as the Pulumi engine received it under {@link MeshReleaseMocks}: what it is, the options that
 * order and place it, what went in and what the mocks gave back.
 */
export interface RegisteredResource {
  /** The resource's URN, the key of every other field that refers to a resource. */
  readonly urn: string;
  /** The type token: `kubernetes:apps/v1:Deployment`, `cdk8s-mesh:index:ChartRelease`, `pulumi:providers:kubernetes`. */
  readonly type: string;
  /** The Pulumi name: `bookinfo:bookinfo/reviews` for an object of a release named `bookinfo`. */
  readonly name: string;
  /** Whether a provider manages it (an object or a provider), as opposed to a component. */
  readonly custom: boolean;
  /** The URN of its parent (the `parent` option): for an object, its chart's `ChartRelease`. `''` for none. */
  readonly parent: string;
  /**
   * The provider that manages it (the `provider` option, or the one inherited from its parent), as the
   * engine sees it: `<provider URN>::<provider id>`. `''` for the default provider and for components.
   */
  readonly provider: string;
  /**
   * The URNs the engine creates before it: its `dependsOn`, with each component replaced by the custom
   * resources inside it, and the resources its inputs come from.
   */
  readonly dependencies: string[];
  /** Its inputs, with outputs resolved: for an object, the manifest `cdk8s synth` writes. */
  readonly inputs: any;
  /** Its outputs, as the mocks returned them: the inputs, unless `outputs` in the options says otherwise. */
  readonly state: any;
}

/**
 * A resource about to be registered under {@link MeshReleaseMocks}, as `outputs` in the options receives it.
 */
export interface MockedResource {
  /** The type token: `kubernetes:core/v1:Service`. */
  readonly type: string;
  /** The Pulumi name. */
  readonly name: string;
  /** Its inputs, with outputs resolved. */
  readonly inputs: any;
}

/**
 * How {@link MeshReleaseMocks.install} sets up the Pulumi runtime.
 */
export interface MeshReleaseMocksOptions {
  /**
   * The project name, as `pulumi.getProject()` and `new pulumi.Config()` see it.
   *
   * @default 'project'
   */
  readonly project?: string;

  /**
   * The stack name, as `pulumi.getStack()` sees it.
   *
   * @default 'stack'
   */
  readonly stack?: string;

  /**
   * Run as `pulumi preview` does (`pulumi.runtime.isDryRun()` is true): an output the mocks do not return is
   * unknown then, as it is in a real preview.
   *
   * @default false
   */
  readonly preview?: boolean;

  /**
   * The stack configuration, keys with their namespace: `{ 'shop:replicas': '3' }`, read by `new pulumi.Config()`.
   *
   * @default - none
   */
  readonly config?: Record<string, string>;

  /**
   * The outputs of each resource: give a Service the load balancer address a cluster would, for instance.
   * The result becomes the resource's state; return `undefined` to keep the default.
   *
   * @default - every resource's outputs are its inputs
   */
  readonly outputs?: (resource: MockedResource) => Record<string, any> | undefined;
}

/**
 * Unit tests of a Pulumi program that deploys a mesh, without a cluster or the Pulumi CLI: installs Pulumi's
 * mocks (`pulumi.runtime.setMocks`) and records every resource the program registers, with the options the
 * engine orders and places it by (`dependsOn`, `provider`, `parent`).
 *
 * ```ts
 * const mocks = await MeshReleaseMocks.install();
 * const release = new MeshRelease('shop', { source: app });
 * await mocks.settled();
 * const reviews = await mocks.registrationOf(release.getResource(reviewsDeployment));
 * expect(mocks.createdBefore(reviews)).toContain(mocks.find('shop:istio-system/istiod', 'kubernetes:apps/v1:Deployment').urn);
 * ```
 *
 * Install it before the program creates any resource (in `beforeAll`, or before `require`-ing a program that
 * creates resources when loaded). Each install replaces the previous mocks and starts a new record.
 */
export class MeshReleaseMocks {
  /**
   * Installs Pulumi's mocks and starts recording. Resources get their inputs as outputs (unless `outputs`
   * says otherwise) and the id `<name>-id`; function calls (invokes) return their arguments.
   */
  public static async install(options: MeshReleaseMocksOptions = {}): Promise<MeshReleaseMocks> {
    const outputs = options.outputs ?? (() => undefined);
    await pulumi.runtime.setMocks({
      newResource: args => ({
        id: args.custom ? `${args.name}-id` : undefined,
        state: outputs({ type: args.type, name: args.name, inputs: args.inputs }) ?? args.inputs,
      }),
      call: args => args.inputs,
    }, options.project ?? 'project', options.stack ?? 'stack', options.preview ?? false);
    pulumi.runtime.setAllConfig(options.config ?? {});
    const mocks = new MeshReleaseMocks();
    mocks.hook(pulumi.runtime.getMonitor());
    return mocks;
  }

  private readonly registrations = new Map<string, RegisteredResource>();

  private constructor() {
  }

  /**
   * Every resource registered since the install, in the order the engine received them (a resource is sent
   * once its inputs are known, so this is not always the order the program created them in).
   */
  public get resources(): RegisteredResource[] {
    return [...this.registrations.values()];
  }

  /** The Kubernetes objects registered: custom resources of the Kubernetes provider, without the providers. */
  public get objects(): RegisteredResource[] {
    return this.resources.filter(r => r.custom && r.type.startsWith('kubernetes:'));
  }

  /**
   * Waits until every resource the program has created is registered and has its outputs, as the Pulumi
   * runtime waits before a program exits.
   */
  public async settled(): Promise<void> {
    // The runtime's own wait (what `pulumi up` does before it disconnects): it counts every resource from its
    // constructor on, so it also covers resources whose inputs are still being resolved.
    const waitForRPCs = (pulumi.runtime as unknown as { waitForRPCs?: () => Promise<void> }).waitForRPCs;
    if (typeof waitForRPCs !== 'function') {
      throw new Error('this version of @pulumi/pulumi has no runtime.waitForRPCs: wait for the resources instead, '
        + 'with `await mocks.registered(release.resources)`');
    }
    await waitForRPCs();
  }

  /** Waits until each resource given is registered, and returns what the engine received for each. */
  public async registered(resources: readonly pulumi.Resource[]): Promise<RegisteredResource[]> {
    const urns = await Promise.all(resources.map(r => outputOf(r.urn)));
    return urns.map(urn => this.byUrn(urn));
  }

  /**
   * What the engine received for one resource, once it is registered:
   * `(await mocks.registrationOf(release.getResource(service))).dependencies`.
   *
   * @throws when the resource was registered before the install
   */
  public async registrationOf(resource: pulumi.Resource): Promise<RegisteredResource> {
    return this.byUrn(await outputOf(resource.urn));
  }

  /**
   * The one resource registered under a Pulumi name (`bookinfo:bookinfo/reviews`), of a type if given
   * (`kubernetes:networking.istio.io/v1:VirtualService`): names are unique per type, not across types.
   *
   * @throws when no resource or more than one matches
   */
  public find(name: string, type?: string): RegisteredResource {
    const found = this.resources.filter(r => r.name === name && (type === undefined || r.type === type));
    if (found.length !== 1) {
      throw new Error(`expected one resource named '${name}'${type ? ` of type ${type}` : ''}, found ${found.length}`
        + (found.length > 1 ? ` (${found.map(r => r.type).sort().join(', ')}): give the type` : ''));
    }
    return found[0];
  }

  /**
   * What the engine received for a URN.
   *
   * @throws when nothing was registered under it since the install
   */
  public byUrn(urn: string): RegisteredResource {
    const found = this.registrations.get(urn);
    if (!found) {
      throw new Error(`no resource registered as ${urn} since the install: create it after MeshReleaseMocks.install()`);
    }
    return found;
  }

  /**
   * Every URN the engine creates before a resource: its dependencies, theirs, and so on. Tests of order read
   * this rather than `dependencies`, which lists only the direct ones.
   */
  public createdBefore(resource: RegisteredResource | string): Set<string> {
    const seen = new Set<string>();
    const visit = (urn: string) => {
      for (const dependency of this.registrations.get(urn)?.dependencies ?? []) {
        if (!seen.has(dependency)) {
          seen.add(dependency);
          visit(dependency);
        }
      }
    };
    visit(typeof resource === 'string' ? resource : resource.urn);
    return seen;
  }

  /**
   * Pulumi's mocks receive a resource's type, name and inputs but not its options. The request the SDK sends
   * to the engine has them all (dependencies with components expanded, parent, provider): each is read as it
   * passes, with what the mocks returned.
   */
  private hook(monitor: unknown): void {
    const target = monitor as { registerResource?: (request: any, callback: (error: unknown, response: any) => void) => unknown };
    if (typeof target?.registerResource !== 'function') {
      throw new Error('pulumi.runtime.setMocks installed no resource monitor this helper can read: '
        + 'this version of @pulumi/pulumi is not supported (3.142 or later is)');
    }
    const register = target.registerResource.bind(target);
    target.registerResource = (request, callback) => register(request, (error, response) => {
      if (!error) {
        const urn: string = response.getUrn();
        this.registrations.set(urn, {
          urn,
          type: request.getType(),
          name: request.getName(),
          custom: request.getCustom(),
          parent: request.getParent(),
          provider: request.getProvider(),
          dependencies: request.getDependenciesList(),
          inputs: pulumi.runtime.deserializeProperties(request.getObject()),
          state: pulumi.runtime.deserializeProperties(response.getObject()),
        });
      }
      callback(error, response);
    });
  }
}

/**
 * The value of an output (or of any input: a promise, a plain value), once known:
 * `expect(await outputOf(service.spec.type)).toEqual('ClusterIP')`.
 *
 * @throws when the value is unknown, as outputs the mocks do not return are in a preview
 */
export function outputOf<T>(value: pulumi.Input<T>): Promise<pulumi.Unwrap<T>> {
  const output = pulumi.output(value);
  return new Promise((resolve, reject) => {
    output.apply(v => {
      resolve(v);
      return v;
    });
    // An unknown value never reaches `apply`: say so rather than wait forever.
    const known = (output as unknown as { isKnown?: Promise<boolean> }).isKnown;
    known?.then(isKnown => {
      if (!isKnown) {
        reject(new Error('the output is unknown, as it is in a preview when the mocks return no value for it: give it a value with `outputs` in the options'));
      }
    }, reject);
  });
}

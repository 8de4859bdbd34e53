import * as pulumi from '@pulumi/pulumi';

/**
 * One resource registration, as the Pulumi engine receives it.
 */
export interface Registration {
  readonly urn: string;
  readonly type: string;
  readonly name: string;
  readonly custom: boolean;
  readonly parent: string;
  /** The provider reference (`<provider urn>::<id>`), `''` for the default provider. */
  readonly provider: string;
  readonly inputs: any;
  /** The URNs the engine must create first: `dependsOn` with components expanded to their resources. */
  readonly dependencies: string[];
}

/**
 * What a program registered under `pulumi.runtime.setMocks`. Pulumi's mocks hand `newResource` the type,
 * name and inputs of a resource but not its dependencies; the recorder also reads the request the SDK sends
 * to the engine, so tests see the dependency list the engine orders operations by.
 */
export class Recorder {
  public readonly registrations = new Map<string, Registration>();

  /** Custom resources of the Kubernetes provider (providers and components left out). */
  public get objects(): Registration[] {
    return [...this.registrations.values()].filter(r => r.custom && r.type.startsWith('kubernetes:'));
  }

  public byName(name: string, type?: string): Registration {
    const found = [...this.registrations.values()].filter(r => r.name === name && (type === undefined || r.type === type));
    if (found.length !== 1) {
      throw new Error(`expected one registration named '${name}'${type ? ` of type ${type}` : ''}, found ${found.length}`);
    }
    return found[0];
  }

  /** Every URN the engine creates before `urn`, directly or through other resources. */
  public before(urn: string): Set<string> {
    const seen = new Set<string>();
    const visit = (u: string) => {
      for (const dependency of this.registrations.get(u)?.dependencies ?? []) {
        if (!seen.has(dependency)) {
          seen.add(dependency);
          visit(dependency);
        }
      }
    };
    visit(urn);
    return seen;
  }
}

/**
 * Installs Pulumi's mocks (resources echo their inputs as state) and records every registration.
 */
export async function recordDeployment(options: { project?: string; config?: Record<string, string>; preview?: boolean } = {}): Promise<Recorder> {
  await pulumi.runtime.setMocks({
    newResource: args => ({ id: args.custom ? `${args.name}-id` : undefined, state: args.inputs }),
    call: args => args.inputs,
  }, options.project ?? 'project', 'test', options.preview ?? false);
  pulumi.runtime.setAllConfig(options.config ?? {});
  const recorder = new Recorder();
  const monitor: any = pulumi.runtime.getMonitor();
  const register = monitor.registerResource.bind(monitor);
  monitor.registerResource = (request: any, callback: (error: any, response: any) => void) => register(request, (error: any, response: any) => {
    if (!error) {
      const urn = response.getUrn();
      recorder.registrations.set(urn, {
        urn,
        type: request.getType(),
        name: request.getName(),
        custom: request.getCustom(),
        parent: request.getParent(),
        provider: request.getProvider(),
        inputs: pulumi.runtime.deserializeProperties(request.getObject()),
        dependencies: request.getDependenciesList(),
      });
    }
    callback(error, response);
  });
  return recorder;
}

/**
 * Waits until every registration the program has started is done, as the Pulumi runtime does before it exits
 * (its own `waitForRPCs`, which the SDK keeps out of its typings).
 */
export async function settled(): Promise<void> {
  await (pulumi.runtime as unknown as { waitForRPCs(): Promise<void> }).waitForRPCs();
}

/** The value of an output, once known. */
export function valueOf<T>(output: pulumi.Output<T>): Promise<T> {
  return new Promise(resolve => output.apply(value => {
    resolve(value);
    return value;
  }));
}

/** Waits until every resource given is registered (and its URN known). */
export async function registered(resources: readonly pulumi.Resource[]): Promise<string[]> {
  return Promise.all(resources.map(r => valueOf(r.urn)));
}

import { Construct } from 'constructs';
import type { IMesh, IMeshService } from '../mesh-identity';
import { recordedProblems, reportError, required } from '../private/errors';
import { validateDnsLabel, validatePort } from '../private/names';
import { checkOwnService, findServicePort } from '../private/services';
import { constructsOfKind, isKind, markKind, meshOf, tryMeshOf } from '../private/tree';

/**
 * A service a plaintext client calls, and on which ports.
 */
export interface PlaintextCall {
  /** The service of the mesh it calls. */
  readonly service: IMeshService;

  /**
   * The service ports it calls (as declared on the service).
   *
   * @default - every port of the service
   */
  readonly ports?: number[];
}

/**
 * Properties of a `PlaintextClient`.
 */
export interface PlaintextClientProps {
  /** The namespace its pods run in. */
  readonly namespace: string;

  /** The services of the mesh it calls, in plaintext. */
  readonly calls: PlaintextCall[];

  /**
   * The labels of its pods: the NetworkPolicies of the services it may call admit them.
   *
   * @default - `app: <id>`
   */
  readonly podLabels?: { [key: string]: string };

  /**
   * Why it has no sidecar yet, or what moves it into the mesh: for the reviewer of the migration.
   *
   * @default - none
   */
  readonly description?: string;
}

/**
 * A workload without an Istio sidecar that calls services of the mesh: a pod of a namespace outside the mesh, a
 * job that opted out of injection, a VM. It sends plaintext and carries no mTLS identity, so a port in STRICT
 * mTLS refuses it, and an AccessPolicy that names its callers by identity never admits it. Nothing is written for
 * it: it tells the mesh's analysis (and its NetworkPolicies) who would break, the first step of Istio's mutual TLS
 * migration.
 *
 * @see https://istio.io/latest/docs/tasks/security/authentication/mtls-migration/
 */
export class PlaintextClient extends Construct {
  /**
   * Whether `x` is a `PlaintextClient` (told by a symbol: it works across copies of the library).
   */
  public static isPlaintextClient(x: any): x is PlaintextClient {
    return isKind(x, 'PlaintextClient');
  }

  /** The client's name (the construct id). */
  public readonly clientName: string;
  /** The namespace its pods run in. */
  public readonly namespace: string;
  /** The labels of its pods. */
  public readonly podLabels: { [key: string]: string };
  /** Why it has no sidecar yet. */
  public readonly description?: string;

  private readonly _calls: { service: IMeshService; ports: number[] }[] = [];

  public constructor(scope: Construct, id: string, props: PlaintextClientProps) {
    super(scope, id);
    props = props ?? {} as PlaintextClientProps;
    const mesh = meshOf(this);
    this.clientName = id;
    this.namespace = validateDnsLabel(this, 'namespace', required(this, 'namespace', props.namespace, "name the namespace its pods run in, e.g. namespace: 'legacy'", 'default'));
    if (!props.podLabels) {
      // The id becomes the app label its NetworkPolicy peers select.
      validateDnsLabel(this, 'id', id);
    }
    this.podLabels = { ...props.podLabels ?? { app: id } };
    this.description = props.description;
    markKind(this, 'PlaintextClient');
    const calls = required(this, 'calls', props.calls, 'list the services it calls, e.g. calls: [{ service: orders }]', []);
    if (calls.length === 0) {
      reportError(this, 'MESH1124', 'calls no service: list the services of the mesh it calls in plaintext, e.g. calls: [{ service: orders }], or remove the client');
    }
    for (const call of calls) {
      this.addCall(mesh, call);
    }
  }

  /**
   * The services it calls, each with the service ports it calls (every port when none were given).
   */
  public get calls(): PlaintextCall[] {
    return this._calls.map(c => ({ service: c.service, ports: [...c.ports] }));
  }

  private addCall(mesh: IMesh, call: PlaintextCall): void {
    if (!checkOwnService(this, mesh, call?.service, 'calls service')) {
      return;
    }
    const service = call.service;
    const ports: number[] = [];
    for (const port of call.ports ?? service.ports.map(p => p.port)) {
      // A port with a mistake is reported once and left out: the others still say who would break.
      const problems = recordedProblems(this).length;
      validatePort(this, 'port', port);
      if (recordedProblems(this).length === problems && findServicePort(this, service, port)) {
        ports.push(port);
      }
    }
    this._calls.push({ service, ports });
  }
}

/**
 * Every plaintext client of a mesh.
 *
 * @internal
 */
export function plaintextClientsOf(mesh: IMesh): PlaintextClient[] {
  return constructsOfKind(mesh, 'PlaintextClient').filter(c => tryMeshOf(c) === mesh) as PlaintextClient[];
}

/** A plaintext client of a service, as its NetworkPolicy admits it. */
interface PlaintextCaller {
  readonly namespace: string;
  readonly podLabels: { [key: string]: string };
  readonly ports: number[];
}

/**
 * The plaintext clients that call `service`: their namespace, pod labels and the service ports they call.
 *
 * @internal
 */
export function plaintextCallersOf(mesh: IMesh, service: IMeshService): PlaintextCaller[] {
  return plaintextClientsOf(mesh).flatMap(client => client.calls
    .filter(c => c.service === service)
    .map(c => ({ namespace: client.namespace, podLabels: client.podLabels, ports: c.ports ?? [] })));
}

import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import * as istio from '../imports/istio-security';
import { dropMeshWideCopy, meshWideObject, policyObjects } from '../private/mesh-wide';
import { validateDnsLabel } from '../private/names';
import { constructsOfKind, isKind, markKind, meshOf } from '../private/tree';

/**
 * Options of `Mesh.denyByDefault()`.
 */
export interface DenyByDefaultOptions {
  /**
   * The namespace whose workloads refuse every call no `AccessPolicy` allows.
   *
   * @default - the root namespace: the whole mesh
   */
  readonly namespace?: string;
}

/**
 * Properties of `DenyByDefault`.
 */
export interface DenyByDefaultProps {
  /** The namespace the policy lives in; the root namespace makes it mesh-wide. */
  readonly namespace: string;
}

/**
 * Refuses every request to the workloads of a namespace (or of the whole mesh) unless an `AccessPolicy`
 * allows it. Renders Istio's "allow nothing" AuthorizationPolicy: an ALLOW policy with no rules, which
 * matches no request, so only requests some other ALLOW policy matches get through. The whole mesh's is
 * written into the root namespace, or, when the mesh adopts an existing Istio, into each of its namespaces.
 *
 * Create it with `Mesh.denyByDefault()`.
 *
 * @see https://istio.io/latest/docs/reference/config/security/authorization-policy/
 */
export class DenyByDefault extends Construct {
  /**
   * Whether `x` is a `DenyByDefault` (told by a symbol, as cdk8s tells charts apart: it works across copies of the library).
   */
  public static isDenyByDefault(x: any): x is DenyByDefault {
    return isKind(x, 'DenyByDefault');
  }

  /** The namespace the policy lives in. */
  public readonly namespace: string;
  /**
   * The AuthorizationPolicy object; none for the mesh-wide policy of a mesh that adopts an existing Istio, which
   * writes a copy into each of its namespaces instead (see `resources`).
   */
  public readonly resource?: ApiObject;

  public constructor(scope: Construct, id: string, props: DenyByDefaultProps) {
    super(scope, id);
    // From JavaScript the props may be missing altogether: each required one is then reported as missing.
    props = props ?? {} as DenyByDefaultProps;
    markKind(this, 'DenyByDefault');
    const mesh = meshOf(this);
    // The mesh reports its own root namespace; the mesh-wide policy does not report it again.
    this.namespace = props.namespace === mesh.rootNamespace ? props.namespace : validateDnsLabel(this, 'namespace', props.namespace);
    const render = (parent: Construct, objectId: string, namespace: string) => {
      const policy = new istio.AuthorizationPolicy(parent, objectId, { metadata: { name: 'allow-nothing', namespace }, spec: {} });
      // An installed gateway there is let through from now on (it gets no policy where nothing denies by default).
      constructsOfKind(mesh, 'MeshGateway').forEach(g => (g as unknown as { _deniedByDefaultIn(ns: string): void })._deniedByDefaultIn(namespace));
      return policy;
    };
    if (this.namespace === mesh.rootNamespace) {
      const own = (ns: string) => mesh.node.tryFindChild(`DenyByDefault-${ns}`) !== undefined;
      this.resource = meshWideObject(this, mesh, render, own);
    } else {
      // A namespace's own takes the place of the mesh-wide copy there (the same object).
      dropMeshWideCopy(mesh.node.tryFindChild('DenyByDefault') as Construct | undefined, this.namespace);
      this.resource = render(this, 'Resource', this.namespace);
    }
  }

  /**
   * Every AuthorizationPolicy the policy writes: its `resource`, or, for the mesh-wide policy of a mesh that
   * adopts an existing Istio, one per namespace of the mesh.
   */
  public get resources(): ApiObject[] {
    return policyObjects(this);
  }
}

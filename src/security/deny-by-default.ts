import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import * as istio from '../imports/istio-security';
import { validateDnsLabel } from '../private/names';
import { isKind, markKind, meshOf } from '../private/tree';

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
 * matches no request, so only requests some other ALLOW policy matches get through.
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
  /** The AuthorizationPolicy object. */
  public readonly resource: ApiObject;

  public constructor(scope: Construct, id: string, props: DenyByDefaultProps) {
    super(scope, id);
    // From JavaScript the props may be missing altogether: each required one is then reported as missing.
    props = props ?? {} as DenyByDefaultProps;
    markKind(this, 'DenyByDefault');
    // The mesh reports its own root namespace; the mesh-wide policy does not report it again.
    this.namespace = props.namespace === meshOf(this).rootNamespace ? props.namespace : validateDnsLabel(this, 'namespace', props.namespace);
    this.resource = new istio.AuthorizationPolicy(this, 'Resource', {
      metadata: { name: 'allow-nothing', namespace: this.namespace },
      spec: {},
    });
  }
}

import { ApiObject } from 'cdk8s';
import { IConstruct } from 'constructs';
import { meshError, reportError } from './private/errors';
import { addOverride, isOverridable } from './private/overridden-json';

/**
 * Sets or removes any field of an Istio or Gateway API object the library writes (VirtualService,
 * DestinationRule, ServiceEntry, Gateway, Sidecar, PeerAuthentication, AuthorizationPolicy, Telemetry,
 * EnvoyFilter, HTTPRoute, ...), in the API's own YAML spelling: the escape hatch for what the typed API does not
 * have.
 *
 * Paths are dot-separated, as `kubectl explain` writes them, from the top of the object:
 * `spec.trafficPolicy.outlierDetection.consecutive5xxErrors`. A number indexes a list (`spec.http.0.timeout`);
 * `\.` is a dot inside a key (`metadata.annotations.example\.com/owner`). `set` makes the objects on the way
 * that are missing, as AWS CDK's `addOverride` does; `remove` needs the field to be there.
 *
 * Overrides apply to the object's final YAML, after the library rendered it and after its JSON patches
 * (`ApiObject.addJsonPatch`, which apply to the same final YAML on these objects), in the order they were made.
 * At synthesis the result is checked against the CRD's schema: a field the API does not have (a misspelling, the
 * camelCase of the generated bindings) is an error that names the close field, as are a wrong type and a value
 * outside the schema's enum or range; a path that is not there to remove is an error too.
 *
 * The mesh's analysis (routes, access, the call graph and its NetworkPolicies) reads the typed model, not the
 * overridden YAML: an override of a route's destinations or of a policy's rules is written as given, and nothing
 * checks what it means. The diagram draws the ingress gateways' routes and the egress scopes from the written
 * objects, overrides included.
 *
 * @example
 * Overrides.of(reviews.destinationRule!).set('spec.trafficPolicy.outlierDetection.consecutive5xxErrors', 5);
 */
export class Overrides {
  /**
   * The overrides of an Istio or Gateway API object the library wrote.
   *
   * @param obj the object (an `ApiObject`), or a construct whose `Resource` child is one
   */
  public static of(obj: IConstruct): Overrides {
    const api = ApiObject.isApiObject(obj) ? obj : obj.node.tryFindChild('Resource');
    if (!api || !ApiObject.isApiObject(api)) {
      throw meshError('MESH0904', 'Overrides.of', `${obj.node.path} is not an object the library writes, and has no 'Resource' child that is: `
        + 'give the object itself, e.g. service.destinationRule');
    }
    if (!isOverridable(api)) {
      throw meshError('MESH0904', 'Overrides.of', `${api.node.path} is a ${api.kind} (${api.apiVersion}), not an Istio or Gateway API object: `
        + 'use ApiObject.addJsonPatch for other objects');
    }
    return new Overrides(api);
  }

  /** The object the overrides change. */
  public readonly object: ApiObject;

  private constructor(obj: ApiObject) {
    this.object = obj;
  }

  /**
   * Sets a field, in the API's spelling, to a value (JSON: strings, numbers, booleans, lists and objects),
   * making the objects on the way that are missing. A field that was there is replaced.
   *
   * @param path the field, dot-separated, e.g. `spec.trafficPolicy.outlierDetection.consecutive5xxErrors`
   * @param value the value, in the API's spelling
   */
  public set(path: string, value: any): Overrides {
    const segments = this.parse('set', path);
    if (segments && value === undefined) {
      reportError(this.object, 'MESH0905', `override set ${path} has no value: give a value, or remove the field with remove('${path}')`);
    } else if (segments) {
      addOverride(this.object, { op: 'set', path: segments, value });
    }
    return this;
  }

  /**
   * Removes a field (or an item of a list), in the API's spelling; it must be there.
   *
   * @param path the field, dot-separated, e.g. `spec.http.0.retries`
   */
  public remove(path: string): Overrides {
    const segments = this.parse('remove', path);
    if (segments) {
      addOverride(this.object, { op: 'remove', path: segments });
    }
    return this;
  }

  /** A path's segments (`\.` is a dot inside one), or undefined when it is malformed (reported). */
  private parse(op: string, path: string): string[] | undefined {
    const segments = typeof path === 'string' ? path.split(/(?<!\\)\./).map(s => s.replace(/\\\./g, '.')) : [];
    if (segments.length === 0 || segments.some(s => s === '')) {
      reportError(this.object, 'MESH0905', `override ${op} path '${path}' has an empty field name: `
        + 'write the fields from the top of the object, separated by dots, e.g. spec.trafficPolicy.outlierDetection.consecutive5xxErrors');
      return undefined;
    }
    if (['apiVersion', 'kind'].includes(segments[0]) || (segments[0] === 'metadata' && (segments.length === 1 || ['name', 'namespace'].includes(segments[1])))) {
      reportError(this.object, 'MESH0905', `override ${op} ${path} would change what the object is: `
        + 'the library names the object and refers to it by apiVersion, kind, name and namespace; override its other fields');
      return undefined;
    }
    return segments;
  }
}

import { App, Testing } from 'cdk8s';
import { IConstruct } from 'constructs';
import { IMesh, Mesh, MeshProps, MeshService, MeshServiceProps, Protocol } from '../../src';

/** A mesh at the root of a fresh app, as users write it. */
export function newMesh(props: MeshProps = {}): Mesh {
  return new Mesh(Testing.app(), 'mesh', props);
}

/** A service with one HTTP port and the given versions. */
export function newService(mesh: IMesh, name: string, versions: string[] = ['v1'], props: Partial<MeshServiceProps> = {}): MeshService {
  const svc = new MeshService(mesh, name, { ports: [{ port: 8080, protocol: Protocol.HTTP }], ...props });
  versions.forEach(v => svc.addVersion(v, { image: `example/${name}:${v}` }));
  return svc;
}

/** The objects of one kind. */
export function ofKind(manifests: any[], kind: string): any[] {
  return manifests.filter(m => m.kind === kind);
}

/**
 * Every error synthesis would report for the app `scope` is in, in cdk8s's words and order
 * (`[<construct path>] [MESHxxxx] <message>`), without writing anything: what `cdk8s synth` prints after
 * "Validation failed with the following errors:".
 */
export function synthErrors(scope: IConstruct): string[] {
  const errors: string[] = [];
  for (const c of App.of(scope).node.findAll()) {
    for (const error of c.node.validate()) {
      errors.push(`[${c.node.path}] ${error}`);
    }
  }
  return errors;
}

/**
 * A mesh that lets every workload call every other (`denyByDefault: false`), for tests about something other
 * than access: under the default, a service without an AccessPolicy is a warning and a gateway route to one an
 * error, which would crowd what those tests check. Access itself is tested with the default (test/security/).
 */
export function openMesh(props: MeshProps = {}): Mesh {
  return newMesh({ denyByDefault: false, ...props });
}

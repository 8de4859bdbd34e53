import { Testing } from 'cdk8s';
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

import { ApiObject, JsonPatch, Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import { Injection, MeshTesting } from '../../src';
import { newMesh, newService } from '../support/util';

describe('MeshServiceVersion', () => {
  test('resource is the cdk8s-plus Deployment, and its API object the one rendered', () => {
    // GIVEN
    const mesh = newMesh();
    const [v1] = newService(mesh, 'web', ['v1']).versions;

    // WHEN
    ApiObject.of(v1.resource).addJsonPatch(JsonPatch.add('/metadata/annotations', { owner: 'team-a' }));
    const manifests = Testing.synth(mesh);

    // THEN
    expect(v1.resource).toBeInstanceOf(kplus.Deployment);
    expect(v1.resource.name).toEqual('web-v1');
    expect(v1.resource.node.path).toEqual('mesh/web/v1/Resource');
    expect(MeshTesting.find(manifests, 'Deployment', 'web-v1').metadata.annotations).toEqual({ owner: 'team-a' });
  });

  test('explicit injection renders one Deployment: what cdk8s-plus renders, with the sidecar written in', () => {
    // GIVEN
    const mesh = newMesh();
    const [v1] = newService(mesh, 'legacy', ['v1'], { injection: Injection.explicit() }).versions;

    // WHEN a container, a label and a JSON patch are added after the version was made
    v1.resource.addContainer({ name: 'extra', image: 'example/extra:1', ports: [{ number: 7070 }] });
    v1.resource.metadata.addLabel('team', 'a');
    ApiObject.of(v1.resource).addJsonPatch(JsonPatch.add('/metadata/annotations', { owner: 'team-a' }));
    const manifests = Testing.synth(mesh);

    // THEN one Deployment, at the path and place of the cdk8s-plus one, carries all of it and the sidecar
    const deployments = manifests.filter(m => m.kind === 'Deployment');
    expect(deployments.map(d => d.metadata.name)).toEqual(['legacy-v1']);
    const [deployment] = deployments;
    expect(deployment.metadata.labels).toEqual({ app: 'legacy', version: 'v1', team: 'a' });
    expect(deployment.metadata.annotations).toEqual({ owner: 'team-a' });
    const pod = deployment.spec.template.spec;
    expect(pod.containers.map((c: any) => c.name)).toEqual(['legacy', 'extra']);
    expect(pod.initContainers.map((c: any) => c.name)).toEqual(['istio-validation', 'istio-proxy']);
    // the sidecar saw the container added last
    const proxy = pod.initContainers.find((c: any) => c.name === 'istio-proxy');
    expect(proxy.env.find((e: any) => e.name === 'ISTIO_META_POD_PORTS').value).toEqual('[{"containerPort":8080},{"containerPort":7070}]');
    expect(JSON.parse(deployment.spec.template.metadata.annotations['sidecar.istio.io/status']).initContainers).toEqual(['istio-validation', 'istio-proxy']);
    // cdk8s-plus's API object stays the Deployment's: what ApiObject.of() gives is what is rendered, with the sidecar
    expect(ApiObject.of(v1.resource).node.path).toEqual('mesh/legacy/v1/Resource/Resource');
    expect(mesh.node.findAll().filter(c => ApiObject.isApiObject(c) && (c as ApiObject).kind === 'Deployment').map(c => c.node.path))
      .toEqual(['mesh/legacy/v1/Resource/Resource']);
  });
});

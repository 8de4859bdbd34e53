import { createHash } from 'crypto';
import { ApiObject, Lazy } from 'cdk8s';
import { k8s } from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import type { TelemetryComponentOptions } from './component';
import { reportError } from '../private/errors';
import { validateResources, validateVersionLabel } from '../private/kubernetes-rules';
import { validateImageTag } from '../private/names';
import { cpuQuantity, memoryQuantity } from '../private/quantities';

/**
 * What a telemetry component's Deployment needs: everything else (security context, labels, probes'
 * shape, the config checksum) is the same for every component.
 *
 * @internal
 */
export interface AddonSpec {
  readonly name: string;
  readonly namespace: string;
  readonly image: string;
  readonly version: string;
  /** The entrypoint, when the image's is not the one to run. */
  readonly command?: string[];
  readonly args?: string[];
  readonly env?: { [name: string]: string };
  readonly ports: { name: string; containerPort: number }[];
  /** The HTTP path and port of the readiness (and liveness) probe. */
  readonly probe: { path: string; port: number };
  /** The container's volume mounts (a list, or a Lazy that produces one). */
  readonly mounts: unknown;
  /** The pod's volumes (a list, or a Lazy that produces one). */
  readonly volumes: unknown;
  /** Environment variables read from Secrets. */
  readonly secretEnv?: object[];
  /** The user the image runs as (non-root). */
  readonly user: number;
  readonly resources: { cpu: string; memory: string; memoryLimit: string };
  readonly options: TelemetryComponentOptions;
  readonly serviceAccountName?: string;
  /** Pod annotations (a scrape port, for example). */
  readonly annotations?: { [key: string]: string };
  /** What the pods read from ConfigMaps: its hash is a pod annotation, so a change rolls the pods. */
  readonly config: () => string;
  /** Recreate rather than roll: for a single-writer store (a volume one pod at a time may mount). */
  readonly recreate?: boolean;
}

/**
 * The labels of a telemetry component's objects.
 *
 * @internal
 */
export function addonLabels(name: string, version: string): { [key: string]: string } {
  return {
    'app': name,
    'app.kubernetes.io/name': name,
    'app.kubernetes.io/version': version,
    'app.kubernetes.io/part-of': 'cdk8s-mesh-telemetry',
    'app.kubernetes.io/managed-by': 'cdk8s-mesh',
  };
}

/**
 * Renders a telemetry component's Deployment, its main object (id `Resource`): one replica, outside the
 * mesh (no sidecar: it scrapes and receives from proxies on ports Istio leaves unintercepted), non-root
 * with a read-only root filesystem.
 *
 * @internal
 */
export function addonDeployment(scope: Construct, spec: AddonSpec): ApiObject {
  const tag = spec.options.version ?? spec.version;
  const image = spec.options.image ?? spec.image;
  validateVersionLabel(scope, 'version', validateImageTag(scope, 'version', tag));
  // A registry may carry a port (`host:5000/team/x`); a colon in the last segment is a tag.
  if (!/^[a-z0-9]+([._\-/:][a-z0-9]+)*$/.test(image) || image.split('/').pop()!.includes(':')) {
    // Rendered as given: synthesis reports it before anything is written.
    reportError(scope, 'MESH0424', `image '${image}' is not an image repository: give one without tag, e.g. 'registry.example.com/team/${spec.name}'`);
  }
  const labels = addonLabels(spec.name, tag);
  const r = spec.options.resources;
  validateResources(scope, 'resources', r);
  const probe = { httpGet: { path: spec.probe.path, port: k8s.IntOrString.fromNumber(spec.probe.port) } };
  return new k8s.KubeDeployment(scope, 'Resource', {
    metadata: { name: spec.name, namespace: spec.namespace, labels },
    spec: {
      replicas: 1,
      selector: { matchLabels: { app: spec.name } },
      strategy: spec.recreate ? { type: 'Recreate' } : undefined,
      template: {
        metadata: {
          labels: { ...labels, 'sidecar.istio.io/inject': 'false' },
          annotations: {
            ...spec.annotations,
            'cdk8s-mesh.io/config-hash': Lazy.any({ produce: () => createHash('sha256').update(spec.config()).digest('hex').slice(0, 16) }) as unknown as string,
          },
        },
        spec: {
          serviceAccountName: spec.serviceAccountName,
          automountServiceAccountToken: spec.serviceAccountName !== undefined,
          securityContext: {
            runAsNonRoot: true,
            runAsUser: spec.user,
            runAsGroup: spec.user,
            fsGroup: spec.user,
            seccompProfile: { type: 'RuntimeDefault' },
          },
          containers: [{
            name: spec.name,
            image: `${image}:${tag}`,
            command: spec.command,
            args: spec.args,
            env: spec.env || spec.secretEnv ? [
              ...Object.entries(spec.env ?? {}).map(([name, value]) => ({ name, value })),
              ...(spec.secretEnv ?? []) as k8s.EnvVar[],
            ] : undefined,
            ports: spec.ports.map(p => ({ ...p, protocol: 'TCP' })),
            readinessProbe: { ...probe, periodSeconds: 5, timeoutSeconds: 4 },
            livenessProbe: { ...probe, initialDelaySeconds: 30, periodSeconds: 15, timeoutSeconds: 10 },
            resources: {
              requests: {
                cpu: k8s.Quantity.fromString(r?.cpu?.request ? cpuQuantity(r.cpu.request) : spec.resources.cpu),
                memory: k8s.Quantity.fromString(r?.memory?.request ? memoryQuantity(r.memory.request) : spec.resources.memory),
              },
              limits: {
                ...r?.cpu?.limit ? { cpu: k8s.Quantity.fromString(cpuQuantity(r.cpu.limit)) } : {},
                memory: k8s.Quantity.fromString(r?.memory?.limit ? memoryQuantity(r.memory.limit) : spec.resources.memoryLimit),
              },
            },
            securityContext: {
              allowPrivilegeEscalation: false,
              capabilities: { drop: ['ALL'] },
              readOnlyRootFilesystem: true,
            },
            volumeMounts: spec.mounts as k8s.VolumeMount[],
          }],
          volumes: spec.volumes as k8s.Volume[],
        },
      },
    },
  });
}

/**
 * Renders a ClusterIP Service in front of a telemetry component.
 *
 * @internal
 */
export function addonService(scope: Construct, id: string, name: string, namespace: string, app: string, version: string,
  ports: { name: string; port: number; targetPort?: number }[]): ApiObject {
  return new k8s.KubeService(scope, id, {
    metadata: { name, namespace, labels: addonLabels(app, version) },
    spec: {
      type: 'ClusterIP',
      selector: { app },
      ports: ports.map(p => ({ name: p.name, port: p.port, targetPort: k8s.IntOrString.fromNumber(p.targetPort ?? p.port), protocol: 'TCP' })),
    },
  });
}

/**
 * Renders a telemetry component's identity: its ServiceAccount, and a ClusterRole with `rules` bound to
 * it (named `<name>-<namespace>`, so stacks of two meshes in one cluster do not collide).
 *
 * @internal
 */
export function addonIdentity(scope: Construct, name: string, namespace: string, labels: { [key: string]: string }, rules: k8s.PolicyRule[]): void {
  const clusterName = `${name}-${namespace}`;
  new k8s.KubeServiceAccount(scope, 'ServiceAccount', { metadata: { name, namespace, labels } });
  new k8s.KubeClusterRole(scope, 'ClusterRole', { metadata: { name: clusterName, labels }, rules });
  new k8s.KubeClusterRoleBinding(scope, 'ClusterRoleBinding', {
    metadata: { name: clusterName, labels },
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: clusterName },
    subjects: [{ kind: 'ServiceAccount', name, namespace }],
  });
}

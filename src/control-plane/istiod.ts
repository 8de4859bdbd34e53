import { ApiObject, Duration } from 'cdk8s';
import { k8s } from 'cdk8s-plus-27';
import type { ControlPlaneAutoscaling, ControlPlaneOptions } from './control-plane-options';
import { TolerationOperator, validTolerations } from './toleration';
import { WebhooksOwner, injectionWebhookName, validationWebhookName } from './webhooks';
import type { CertificateAuthorityConfig } from '../ca/certificate-authority';
import { goDuration } from '../private/duration';
import { restrictedPodSecurityContext } from '../private/pod-security';
import { cpuQuantity, memoryQuantity } from '../private/quantities';

/**
 * What istiod is rendered from: the `ControlPlane`, which is also the scope of its objects. (Named by what
 * is read of it, not by its class, so that the renderers stay out of its import cycle.)
 *
 * @internal
 */
export interface IstiodOwner extends WebhooksOwner {
  readonly mesh: { readonly clusterDomain: string };
  readonly _ca: CertificateAuthorityConfig;
  readonly _logLevel: string;
  _selector(): { [key: string]: string };
  _metadata(name: string, extraLabels?: { [key: string]: string }): k8s.ObjectMeta;
  _image(name: string): string;
}

/**
 * istiod's replicas: a fixed count, or autoscaling bounds (then `min` is their lower one).
 *
 * @internal
 */
export interface IstiodReplicas {
  readonly min: number;
  readonly autoscaling?: Required<ControlPlaneAutoscaling>;
}

/**
 * The istiod workload of a control plane: its Deployment, its Service (xDS, CA, webhooks, monitoring),
 * and its autoscaler and disruption budget. Returns the Deployment.
 *
 * @internal
 */
export function renderIstiod(controlPlane: IstiodOwner, props: ControlPlaneOptions, replicas: IstiodReplicas): ApiObject {
  const deployment = renderDeployment(controlPlane, props, replicas);

  new k8s.KubeService(controlPlane, 'Service', {
    metadata: controlPlane._metadata(controlPlane.serviceName, { istio: 'pilot' }),
    spec: {
      ports: [
        { name: 'grpc-xds', port: 15010, protocol: 'TCP' },
        { name: 'https-dns', port: 15012, protocol: 'TCP' },
        { name: 'https-webhook', port: 443, protocol: 'TCP', targetPort: k8s.IntOrString.fromNumber(15017) },
        { name: 'http-monitoring', port: 15014, protocol: 'TCP' },
      ],
      selector: controlPlane._selector(),
    },
  });

  if (replicas.autoscaling) {
    const a = replicas.autoscaling;
    new k8s.KubeHorizontalPodAutoscalerV2(controlPlane, 'Autoscaler', {
      metadata: controlPlane._metadata(controlPlane.serviceName),
      spec: {
        minReplicas: a.minReplicas,
        maxReplicas: a.maxReplicas,
        metrics: [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: a.targetCpuUtilization } } }],
        scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: controlPlane.serviceName },
      },
    });
  }
  if (replicas.min > 1) {
    new k8s.KubePodDisruptionBudget(controlPlane, 'DisruptionBudget', {
      metadata: controlPlane._metadata(controlPlane.serviceName),
      spec: { minAvailable: k8s.IntOrString.fromNumber(1), selector: { matchLabels: controlPlane._selector() } },
    });
  }
  return deployment;
}

function renderDeployment(controlPlane: IstiodOwner, props: ControlPlaneOptions, replicas: IstiodReplicas): ApiObject {
  const labels = controlPlane._labels();
  const ca = controlPlane._ca;
  const fieldRef = (fieldPath: string) => ({ valueFrom: { fieldRef: { apiVersion: 'v1', fieldPath } } });
  const env: { [name: string]: Omit<k8s.EnvVar, 'name'> } = {
    REVISION: { value: controlPlane.revisionLabel },
    PILOT_CERT_PROVIDER: { value: 'istiod' },
    POD_NAME: fieldRef('metadata.name'),
    POD_NAMESPACE: fieldRef('metadata.namespace'),
    SERVICE_ACCOUNT: fieldRef('spec.serviceAccountName'),
    KUBECONFIG: { value: '/var/run/secrets/remote/config' },
    CA_TRUSTED_NODE_ACCOUNTS: { value: `${controlPlane.namespace}/ztunnel` },
    PILOT_TRACE_SAMPLING: { value: '1' },
    PILOT_ENABLE_ANALYSIS: { value: 'false' },
    CLUSTER_ID: { value: 'Kubernetes' },
    GOMAXPROCS: { valueFrom: { resourceFieldRef: { divisor: k8s.Quantity.fromString('1'), resource: 'limits.cpu' } } },
    PLATFORM: { value: '' },
    INJECTION_WEBHOOK_CONFIG_NAME: { value: injectionWebhookName(controlPlane) },
    VALIDATION_WEBHOOK_CONFIG_NAME: { value: validationWebhookName(controlPlane) },
    ...Object.fromEntries(Object.entries(ca.istiodEnv).map(([k, v]) => [k, { value: v }])),
  };
  const r = props.resources;
  const requests = {
    cpu: k8s.Quantity.fromString(r?.cpu?.request ? cpuQuantity(r.cpu.request) : '500m'),
    memory: k8s.Quantity.fromString(r?.memory?.request ? memoryQuantity(r.memory.request) : '2048Mi'),
  };
  const limits: { [resource: string]: k8s.Quantity } = {
    ...r?.cpu?.limit ? { cpu: k8s.Quantity.fromString(cpuQuantity(r.cpu.limit)) } : {},
    ...r?.memory?.limit ? { memory: k8s.Quantity.fromString(memoryQuantity(r.memory.limit)) } : {},
  };
  const external = ca.externalIstiodCert;
  const podLabels = { ...labels, 'istio': 'pilot', 'istio.io/dataplane-mode': 'none', 'sidecar.istio.io/inject': 'false' };
  // An invalid toleration is reported and left out of the pod.
  const tolerations = validTolerations(controlPlane, props.tolerations ?? []);
  return new k8s.KubeDeployment(controlPlane, 'Deployment', {
    metadata: controlPlane._metadata(controlPlane.serviceName, { istio: 'pilot' }),
    spec: {
      replicas: replicas.autoscaling ? undefined : replicas.min,
      selector: { matchLabels: controlPlane._selector() },
      strategy: { rollingUpdate: { maxSurge: k8s.IntOrString.fromString('100%'), maxUnavailable: k8s.IntOrString.fromString('25%') } },
      template: {
        metadata: {
          annotations: { 'prometheus.io/port': '15014', 'prometheus.io/scrape': 'true', 'sidecar.istio.io/inject': 'false' },
          labels: podLabels,
        },
        spec: {
          serviceAccountName: controlPlane.serviceName,
          securityContext: restrictedPodSecurityContext(),
          priorityClassName: props.priorityClassName,
          nodeSelector: props.nodeSelector ? { ...props.nodeSelector } : undefined,
          tolerations: [
            { key: 'cni.istio.io/not-ready', operator: 'Exists' },
            // A value without an operator is matched as Kubernetes does: with Equal (Exists takes no value).
            ...tolerations.map(t => ({
              key: t.key,
              operator: t.operator ?? (t.value !== undefined ? TolerationOperator.EQUAL : TolerationOperator.EXISTS),
              value: t.value,
              effect: t.effect,
            })),
          ],
          containers: [{
            name: 'discovery',
            image: controlPlane._image('pilot'),
            args: [
              'discovery',
              '--monitoringAddr=:15014',
              `--log_output_level=${controlPlane._logLevel}`,
              '--domain', controlPlane.mesh.clusterDomain,
              '--keepaliveMaxServerConnectionAge', goDuration(props.keepaliveMaxServerConnectionAge ?? Duration.minutes(30)),
            ],
            env: Object.entries(env).map(([name, v]) => ({ name, ...v })),
            ports: [
              { containerPort: 8080, name: 'http-debug', protocol: 'TCP' },
              { containerPort: 15010, name: 'grpc-xds', protocol: 'TCP' },
              { containerPort: 15012, name: 'tls-xds', protocol: 'TCP' },
              { containerPort: 15017, name: 'https-webhooks', protocol: 'TCP' },
              { containerPort: 15014, name: 'http-monitoring', protocol: 'TCP' },
            ],
            readinessProbe: { httpGet: { path: '/ready', port: k8s.IntOrString.fromNumber(8080) }, initialDelaySeconds: 1, periodSeconds: 3, timeoutSeconds: 5 },
            resources: { requests, limits: Object.keys(limits).length > 0 ? limits : undefined },
            securityContext: {
              allowPrivilegeEscalation: false,
              capabilities: { drop: ['ALL'] },
              readOnlyRootFilesystem: true,
              runAsNonRoot: true,
            },
            volumeMounts: [
              { mountPath: '/var/run/secrets/tokens', name: 'istio-token', readOnly: true },
              { mountPath: '/var/run/secrets/istio-dns', name: 'local-certs' },
              { mountPath: '/etc/cacerts', name: 'cacerts', readOnly: true },
              { mountPath: '/var/run/secrets/remote', name: 'istio-kubeconfig', readOnly: true },
              { mountPath: '/var/run/secrets/istiod/tls', name: 'istio-csr-dns-cert', readOnly: true },
              { mountPath: '/var/run/secrets/istiod/ca', name: 'istio-csr-ca-configmap', readOnly: true },
            ],
          }],
          volumes: [
            { name: 'local-certs', emptyDir: { medium: 'Memory' } },
            { name: 'istio-token', projected: { sources: [{ serviceAccountToken: { audience: 'istio-ca', expirationSeconds: 43200, path: 'istio-token' } }] } },
            { name: 'cacerts', secret: { secretName: ca.caSecretName, optional: ca.caSecretOptional } },
            { name: 'istio-kubeconfig', secret: { secretName: 'istio-kubeconfig', optional: true } },
            { name: 'istio-csr-dns-cert', secret: { secretName: ca.istiodCertSecretName, optional: !external } },
            { name: 'istio-csr-ca-configmap', configMap: { name: 'istio-ca-root-cert', defaultMode: 420, optional: !external } },
          ],
        },
      },
    },
  });
}

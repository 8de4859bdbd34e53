import { Lazy, Yaml } from 'cdk8s';
import { k8s } from 'cdk8s-plus-27';
import type { ControlPlane } from './control-plane';
import { sidecarTemplate } from '../sidecar/injector-template';
import { meshWorkloads } from '../sidecar/workload';

/**
 * The sidecar injector's configuration of a control plane (`istio-sidecar-injector`: its templates,
 * generated from the sidecar model, and its values) and the `values` ConfigMap tools read.
 *
 * @internal
 */
export function renderInjectorConfig(controlPlane: ControlPlane): void {
  const suffix = controlPlane._suffix;
  new k8s.KubeConfigMap(controlPlane, 'InjectorConfig', {
    metadata: controlPlane._metadata(`istio-sidecar-injector${suffix}`),
    data: {
      config: Lazy.any({ produce: () => injectorConfig(controlPlane) }),
      values: Lazy.any({ produce: () => JSON.stringify(values(controlPlane), undefined, 2) }),
    },
  });
  new k8s.KubeConfigMap(controlPlane, 'Values', {
    metadata: {
      ...controlPlane._metadata(`values${suffix}`),
      annotations: { 'kubernetes.io/description': 'The settings this control plane was generated with, in the shape of Istio\'s Helm values, for tools that read them. Changing them has no effect.' },
    },
    data: { 'merged-values': Lazy.any({ produce: () => JSON.stringify(values(controlPlane), undefined, 2) }) },
  });
}

/** The injector's configuration: one template per distinct proxy settings of the services it serves. */
function injectorConfig(controlPlane: ControlPlane): string {
  const env = controlPlane._sidecarEnvironment;
  const own: { [name: string]: string } = {};
  for (const workload of meshWorkloads(controlPlane.mesh).filter(w => w.controlPlane === controlPlane && !w.explicit)) {
    own[workload.templateName] ??= sidecarTemplate(env, workload.settings);
  }
  // In name order, not the order services were written in: reordering code must not change the config.
  const templates: { [name: string]: string } = { sidecar: sidecarTemplate(env, controlPlane._proxyDefaults) };
  for (const name of Object.keys(own).sort()) {
    templates[name] = own[name];
  }
  return Yaml.stringify({
    defaultTemplates: ['sidecar'],
    policy: 'enabled',
    alwaysInjectSelector: [],
    neverInjectSelector: [],
    injectedAnnotations: {},
    templates,
  });
}

/**
 * This control plane's settings in the shape of Istio's Helm values (the injector reads some of them).
 * Only keys Istio 1.30's values define: istiod parses them into its own values type. The generated
 * templates carry the proxy settings themselves.
 */
function values(controlPlane: ControlPlane): object {
  const p = controlPlane._proxyDefaults;
  const mesh = controlPlane.mesh;
  return {
    global: {
      hub: controlPlane.hub,
      tag: controlPlane.tag,
      variant: controlPlane.variant,
      istioNamespace: controlPlane.namespace,
      caAddress: controlPlane._ca.caAddress ?? '',
      pilotCertProvider: 'istiod',
      meshID: mesh.trustDomain,
      multiCluster: { clusterName: 'Kubernetes' },
      network: '',
      logging: { level: controlPlane._logLevel },
      proxy: {
        image: 'proxyv2',
        clusterDomain: mesh.clusterDomain,
        logLevel: p.logLevel,
        componentLogLevel: p.componentLogLevel,
        includeIPRanges: p.includeOutboundIpRanges,
        excludeIPRanges: p.excludeOutboundIpRanges,
        includeInboundPorts: p.includeInboundPorts,
        excludeInboundPorts: p.excludeInboundPorts,
        includeOutboundPorts: p.includeOutboundPorts,
        excludeOutboundPorts: p.excludeOutboundPorts,
        resources: { requests: { cpu: p.cpuRequest, memory: p.memoryRequest }, limits: { cpu: p.cpuLimit, memory: p.memoryLimit } },
      },
      proxy_init: { image: 'proxyv2' },
    },
    pilot: { cni: { enabled: controlPlane.cni } },
    revision: controlPlane.revision,
    sidecarInjectorWebhook: { rewriteAppHTTPProbe: true },
  };
}

import { Yaml } from 'cdk8s';
import type { ProxySettings } from './proxy-settings';
import { PodFacts, SidecarEnvironment, renderSidecar } from './sidecar';
import { compact } from '../private/compact';

/**
 * The pod facts as the injector's Go template computes them when the webhook runs.
 * (Functions from istiod's template function map: `toLower`, `structToJSON`, and sprig's `default`.)
 */
const TEMPLATE_FACTS: PodFacts = {
  workloadName: '{{ .DeploymentMeta.Name }}',
  owner: 'kubernetes://apis/{{ .TypeMeta.APIVersion }}/namespaces/{{ .DeploymentMeta.Namespace }}/{{ toLower .TypeMeta.Kind }}s/{{ .DeploymentMeta.Name }}',
  podPorts: '[{{ $pp := true }}{{ range .Spec.Containers }}{{ range .Ports }}{{ if not $pp }},{{ end }}{{ $pp = false }}{{ structToJSON . }}{{ end }}{{ end }}]',
  appContainers: '{{ $ac := true }}{{ range .Spec.Containers }}{{ if ne .Name `istio-proxy` }}{{ if not $ac }},{{ end }}{{ $ac = false }}{{ .Name }}{{ end }}{{ end }}',
  defaultContainer: '{{ (index .Spec.Containers 0).Name }}',
  canonicalName: '{{ index .ObjectMeta.Labels `app` | default .DeploymentMeta.Name }}',
  canonicalRevision: '{{ index .ObjectMeta.Labels `version` | default `latest` }}',
};

/**
 * The injector webhook's template for proxies with `settings`: the sidecar model rendered with the
 * pod facts left as Go template expressions, which istiod evaluates for each pod it injects.
 *
 * @internal
 */
export function sidecarTemplate(env: SidecarEnvironment, settings: ProxySettings): string {
  // Render with placeholder tokens, then put each expression in single quotes: the values they produce
  // (names, JSON) hold double quotes but never single ones.
  const tokens = Object.fromEntries(Object.keys(TEMPLATE_FACTS).map(k => [k, `TEMPLATE_FACT_${k}`])) as unknown as PodFacts;
  const fragment = renderSidecar(env, settings, tokens);
  let text = Yaml.stringify(compact({
    metadata: { labels: fragment.labels, annotations: fragment.annotations },
    spec: {
      initContainers: fragment.initContainers,
      containers: fragment.containers.length > 0 ? fragment.containers : undefined,
      volumes: fragment.volumes,
    },
  }));
  for (const [key, expression] of Object.entries(TEMPLATE_FACTS)) {
    text = text.split(`TEMPLATE_FACT_${key}`).join(`'${expression}'`);
  }
  return text;
}

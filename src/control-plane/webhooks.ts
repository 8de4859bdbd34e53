import { k8s } from 'cdk8s-plus-27';
import { Construct } from 'constructs';

/**
 * What a control plane's webhooks are rendered from: the `ControlPlane`, which is also their scope. (Named
 * by what is read of it, not by its class, so that the renderers stay out of its import cycle.)
 *
 * @internal
 */
export interface WebhooksOwner extends Construct {
  readonly serviceName: string;
  readonly namespace: string;
  readonly revision: string;
  readonly revisionLabel: string;
  readonly _suffix: string;
  _labels(): { [key: string]: string };
}

/**
 * The name of a control plane's MutatingWebhookConfiguration (istiod keeps its CA bundle patched in).
 *
 * @internal
 */
export function injectionWebhookName(controlPlane: WebhooksOwner): string {
  return `istio-sidecar-injector${controlPlane._suffix}`;
}

/**
 * The name of a control plane's ValidatingWebhookConfiguration (istiod keeps its CA bundle patched in).
 *
 * @internal
 */
export function validationWebhookName(controlPlane: WebhooksOwner): string {
  return `istio-validator${controlPlane._suffix}-${controlPlane.namespace}`;
}

/**
 * A control plane's admission webhooks: the sidecar injector, which selects the pods of its revision
 * (the unnamed revision also by Istio's older labels), and the validation of Istio's resources.
 *
 * @internal
 */
export function renderWebhooks(controlPlane: WebhooksOwner): void {
  const labels = controlPlane._labels();
  const service = { name: controlPlane.serviceName, namespace: controlPlane.namespace };
  const inject = (name: string, namespaceSelector: k8s.LabelSelector, objectSelector: k8s.LabelSelector): k8s.MutatingWebhook => ({
    name,
    admissionReviewVersions: ['v1'],
    clientConfig: { service: { ...service, path: '/inject', port: 443 } },
    failurePolicy: 'Fail',
    namespaceSelector,
    objectSelector,
    reinvocationPolicy: 'Never',
    rules: [{ apiGroups: [''], apiVersions: ['v1'], operations: ['CREATE'], resources: ['pods'] }],
    sideEffects: 'None',
  });
  const expr = (key: string, operator: string, ...values: string[]) => ({ key, operator, values: values.length > 0 ? values : undefined });
  const rev = controlPlane.revisionLabel;
  const notOptedOut = expr('sidecar.istio.io/inject', 'NotIn', 'false');
  const webhooks = [
    // A namespace labelled istio.io/rev=<rev> (and not istio-injection).
    inject('rev.namespace.sidecar-injector.istio.io',
      { matchExpressions: [expr('istio.io/rev', 'In', rev), expr('istio-injection', 'DoesNotExist')] },
      { matchExpressions: [notOptedOut] }),
    // A pod labelled istio.io/rev=<rev> in a namespace that chose no revision.
    inject('rev.object.sidecar-injector.istio.io',
      { matchExpressions: [expr('istio.io/rev', 'DoesNotExist'), expr('istio-injection', 'DoesNotExist')] },
      { matchExpressions: [notOptedOut, expr('istio.io/rev', 'In', rev)] }),
  ];
  if (!controlPlane.revision) {
    webhooks.push(
      // A namespace labelled istio-injection=enabled.
      inject('namespace.sidecar-injector.istio.io',
        { matchExpressions: [expr('istio-injection', 'In', 'enabled')] },
        { matchExpressions: [notOptedOut] }),
      // A pod labelled sidecar.istio.io/inject=true, where neither it nor its namespace chose a revision.
      inject('object.sidecar-injector.istio.io',
        { matchExpressions: [expr('istio-injection', 'DoesNotExist'), expr('istio.io/rev', 'DoesNotExist')] },
        { matchExpressions: [expr('sidecar.istio.io/inject', 'In', 'true'), expr('istio.io/rev', 'DoesNotExist')] }),
    );
  }
  new k8s.KubeMutatingWebhookConfiguration(controlPlane, 'InjectionWebhook', {
    metadata: { name: injectionWebhookName(controlPlane), labels: { ...labels, app: 'sidecar-injector' } },
    webhooks,
  });
  new k8s.KubeValidatingWebhookConfiguration(controlPlane, 'ValidationWebhook', {
    metadata: { name: validationWebhookName(controlPlane), labels: { ...labels, istio: 'istiod' } },
    webhooks: [{
      name: 'rev.validation.istio.io',
      admissionReviewVersions: ['v1'],
      clientConfig: { service: { ...service, path: '/validate' } },
      // istiod turns this to Fail once it serves the webhook (and patches in its CA bundle).
      failurePolicy: 'Ignore',
      objectSelector: { matchExpressions: [expr('istio.io/rev', 'In', rev)] },
      rules: [{
        apiGroups: ['security.istio.io', 'networking.istio.io', 'telemetry.istio.io', 'extensions.istio.io'],
        apiVersions: ['*'],
        operations: ['CREATE', 'UPDATE'],
        resources: ['*'],
      }],
      sideEffects: 'None',
    }],
  });
}

/**
 * How the Envoy sidecar gets into a workload's pods.
 *
 * Both ways render the same sidecar model: the webhook's template is generated from it, and explicit
 * injection writes it into the pod spec at synth time.
 */
export abstract class Injection {
  /**
   * Istio's mutating webhook injects the sidecar when pods are created; the pods carry the labels that
   * select the webhook of their control plane revision. The default.
   *
   * @see https://istio.io/latest/docs/setup/additional-setup/sidecar-injection/#automatic-sidecar-injection
   */
  public static webhook(): Injection {
    return new WebhookInjection();
  }

  /**
   * The sidecar is written into the pod spec at synth time (what `istioctl kube-inject` does), and the
   * pods opt out of the webhook: for clusters without it, or to review the exact pod in code.
   *
   * @see https://istio.io/latest/docs/setup/additional-setup/sidecar-injection/#manual-sidecar-injection
   */
  public static explicit(): Injection {
    return new ExplicitInjection();
  }

  /** Whether the sidecar is written at synth time (explicit injection). */
  public abstract readonly isExplicit: boolean;
}

class WebhookInjection extends Injection {
  public readonly isExplicit = false;
}

class ExplicitInjection extends Injection {
  public readonly isExplicit = true;
}

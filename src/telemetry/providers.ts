/**
 * What an extension provider does: the Telemetry object's field that may name it.
 *
 * @internal
 */
export type ProviderKind = 'metrics' | 'tracing' | 'accessLogging';

/**
 * One of the mesh config's `extensionProviders`: a name Telemetry objects refer to, and its settings.
 *
 * @see https://istio.io/latest/docs/reference/config/istio.mesh.v1alpha1/#MeshConfig-ExtensionProvider
 * @internal
 */
export interface ExtensionProvider {
  readonly name: string;
  readonly kind: ProviderKind;
  /** The provider's settings, keyed by its type (`prometheus`, `opentelemetry`, `zipkin`, `envoyFileAccessLog`). */
  readonly config: Record<string, unknown>;
}

/**
 * The providers every mesh has: Prometheus metrics (what the proxies' `/stats/prometheus` serves) and
 * Envoy's access log to the proxy's stdout.
 *
 * @internal
 */
export const BUILTIN_PROVIDERS: readonly ExtensionProvider[] = [
  { name: 'prometheus', kind: 'metrics', config: { prometheus: {} } },
  { name: 'envoy', kind: 'accessLogging', config: { envoyFileAccessLog: { path: '/dev/stdout' } } },
];

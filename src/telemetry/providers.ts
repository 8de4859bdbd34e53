import type { IMesh } from '../mesh-identity';
import { constructsOfKind } from '../private/tree';

/**
 * What an extension provider does: the Telemetry object's field that may name it, or (`authorization`) the
 * external authorizer a CUSTOM AuthorizationPolicy names.
 *
 * @internal
 */
export type ProviderKind = 'metrics' | 'tracing' | 'accessLogging' | 'authorization';

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

/**
 * The extension providers of a mesh's config: the built-in ones, replaced or joined (by name) by those of its
 * telemetry stack (its tracing backend, its access log format), then its external authorizers (one whose name
 * is taken is left out: the analysis reports it, MESH1041).
 *
 * @internal
 */
export function extensionProvidersOf(mesh: IMesh): ExtensionProvider[] {
  const providers = new Map<string, ExtensionProvider>(BUILTIN_PROVIDERS.map(p => [p.name, p]));
  const [stack] = constructsOfKind(mesh, 'TelemetryStack') as unknown as { readonly _extensionProviders: ExtensionProvider[] }[];
  for (const provider of stack?._extensionProviders ?? []) {
    providers.set(provider.name, provider);
  }
  const authorizers = constructsOfKind(mesh, 'ExternalAuthorizer') as unknown as { readonly _extensionProvider: ExtensionProvider }[];
  for (const provider of authorizers.map(a => a._extensionProvider).filter(p => !providers.has(p.name))) {
    providers.set(provider.name, provider);
  }
  return [...providers.values()];
}

/**
 * The extension providers of one kind (tracing backends, access loggers).
 *
 * @internal
 */
export function providersOf(mesh: IMesh, kind: ProviderKind): ExtensionProvider[] {
  return extensionProvidersOf(mesh).filter(p => p.kind === kind);
}

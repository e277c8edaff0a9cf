import type { WorkbenchConfig } from '../config/workbenchConfig';
import type { ModelRef } from '../models/modelRef';
import { parseModelRef } from '../models/modelRef';
import type { KeySource, ProviderKind } from '../providers/adapter';
import type { EvalFile, ProviderSpec } from './evalModel';
import { graderModelRefs } from './graderDiagnostics';

const KNOWN_KINDS: readonly ProviderKind[] = ['openai', 'anthropic', 'ollama'];

/**
 * promptfoo's `config.apiBaseUrl` points one provider entry of an eval file at another server. We give each such
 * entry a provider of its own (`openai-eval-1`, same kind, that base URL) and map the spec to it, so the rest of the
 * configuration is untouched. The key stays the one of the provider it derives from.
 *
 * Where a key may be sent is a trust decision: the CLI honours apiBaseUrl (the user ran the file); the editor never
 * calls this (its gateway has the user's own providers only) and warns at the line instead (editorOnlyDiagnostics).
 */
export function withEvalProviders(config: WorkbenchConfig, files: readonly EvalFile[], extraRefs: readonly ModelRef[] = []): {
  config: WorkbenchConfig;
  refFor: (spec: ProviderSpec) => ModelRef;
  /** The configured provider a derived one stands in for (its key and key hint are that provider's). */
  sourceOf: (providerId: string) => string;
  keys: (base: KeySource) => KeySource;
} {
  const derived = new Map<string, { id: string; from: string }>();
  const providers = [...config.providers];
  for (const spec of files.flatMap((f) => f.providers)) {
    if (!spec.apiBaseUrl) continue;
    const { provider } = parseModelRef(spec.ref);
    const key = `${provider}\u0000${spec.apiBaseUrl}`;
    if (derived.has(key)) continue;
    const existing = config.providers.find((p) => p.id === provider);
    const kind: ProviderKind = existing?.kind ?? (KNOWN_KINDS.includes(provider as ProviderKind) ? (provider as ProviderKind) : 'openai-compatible');
    const id = `${provider}-eval-${derived.size + 1}`;
    derived.set(key, { id, from: provider });
    providers.push({ ...existing, id, kind, baseUrl: spec.apiBaseUrl });
  }
  // A file that names `anthropic:...` means the Anthropic API even when the settings list no such provider:
  // add the well-known kinds it uses with their default endpoints (keys still come from the key source).
  const named = [...files.flatMap((f) => [...f.providers.map((p) => p.ref), ...graderModelRefs(f, extraRefs[0])]), ...extraRefs];
  for (const ref of named) {
    const colon = ref.indexOf(':');
    const id = colon > 0 ? ref.slice(0, colon) : '';
    if (KNOWN_KINDS.includes(id as ProviderKind) && !providers.some((p) => p.id === id)) providers.push({ id, kind: id as ProviderKind });
  }
  const aliases = new Map([...derived.values()].map((d) => [d.id, d.from]));
  return {
    config: { ...config, providers },
    refFor: (spec) => {
      if (!spec.apiBaseUrl) return spec.ref;
      const { provider, model } = parseModelRef(spec.ref);
      return `${derived.get(`${provider}\u0000${spec.apiBaseUrl}`)!.id}:${model}`;
    },
    sourceOf: (providerId) => aliases.get(providerId) ?? providerId,
    keys: (base) => (providerId) => base(aliases.get(providerId) ?? providerId),
  };
}

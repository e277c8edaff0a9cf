import type { KeySource, ProviderConfig } from '../../core/providers/adapter';
import type { AdapterOptions } from '../../core/providers/adapterOptions';
import { createAdapter } from '../../core/providers/createAdapter';
import { OllamaAdapter } from '../../core/providers/ollamaAdapter';

/**
 * The Ollama adapter OllamaServers asks for num_ctx and installed models, built into its own file
 * (dist/ollamaLookups.js, esbuild.config.mjs) and loaded on the first lookup: activation compiles no adapter.
 */
export function ollamaLookupAdapter(
  config: ProviderConfig | undefined,
  keys: KeySource,
  options: AdapterOptions,
): OllamaAdapter | undefined {
  const created = config && createAdapter(config, keys, options);
  return created instanceof OllamaAdapter ? created : undefined;
}

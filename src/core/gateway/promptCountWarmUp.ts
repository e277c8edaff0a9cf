import type { WorkbenchConfig } from '../config/workbenchConfig';
import type { ModelCatalog } from '../models/catalog';
import type { EncodingName, ModelInfo } from '../models/modelInfo';
import { splitModelRef, type ModelRef } from '../models/modelRef';
import { loadTokenizer, tokenizerSpecFor } from '../tokens/encodings';
import { defaultOutputLimit } from './outputLimit';

/**
 * The encodings the gateway counts these models' prompts with whatever their size (prepareModel takes a bound that
 * needs no tokenizer everywhere else): a model on an Ollama server (its num_ctx is one window prompt and answer
 * share), one whose output limit an ordinary prompt shrinks (a shared window smaller than prompt plus maximum
 * output), and o200k when routing rules on prompt size decide `routed` calls (no model named).
 */
export function encodingsCountedForEveryPrompt(
  config: WorkbenchConfig,
  catalog: ModelCatalog,
  refs: readonly ModelRef[],
  routed: boolean,
): Set<EncodingName> {
  const encodings = new Set<EncodingName>();
  if (routed && config.routingRules.some((r) => r.when.minInputTokens !== undefined || r.when.maxInputTokens !== undefined)) {
    encodings.add('o200k_base');
  }
  for (const ref of refs) {
    const info = catalog.lookup(ref);
    const provider = config.providers.find((p) => p.id === splitModelRef(ref)?.provider);
    if (provider?.kind === 'ollama' || (info && promptShrinksOutputLimit(info, config.budget.outputReserve))) {
      encodings.add(tokenizerSpecFor(info).encoding);
    }
  }
  return encodings;
}

/** A prompt of ordinary size (4,096 tokens) leaves `info` a smaller output limit than an empty one. */
function promptShrinksOutputLimit(info: ModelInfo, outputReserve: number): boolean {
  const reserve = Math.min(outputReserve, info.maxOutput);
  return defaultOutputLimit(info, 4096, reserve, true) !== defaultOutputLimit(info, 0, reserve, true);
}

/**
 * Loads those encodings before the first call: a fresh process otherwise spends its one-time rank load (0.3-1 s)
 * inside the first calls, which would show up as their TTFT and latency and could fail an eval's `latency`
 * assertion. Loading one for the other calls would only cost every run that time. A load that fails is left to the
 * call (which falls back to the characters-per-token estimate).
 */
export async function warmUpPromptCounts(
  config: WorkbenchConfig,
  catalog: ModelCatalog,
  refs: readonly ModelRef[],
  routed: boolean,
): Promise<void> {
  const encodings = encodingsCountedForEveryPrompt(config, catalog, refs, routed);
  await Promise.all([...encodings].map((name) => loadTokenizer(name).catch(() => undefined)));
}

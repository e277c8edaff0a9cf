import type { WorkbenchConfig } from '../config/workbenchConfig';
import { decideRoute } from '../gateway/router';
import type { ModelCatalog } from '../models/catalog';
import { effectiveContextWindow, effectiveLimits, type EffectiveContextWindow, type WindowInfo } from '../providers/effectiveContextWindow';
import { splitModelRef } from '../models/modelRef';
import { loadTokenizer, tokenizerSpecFor } from '../tokens/encodings';
import { AUTO_MODEL, type ChatTask, type ModelChoice } from './conversation';
import type { RequestBudget } from './chatSession';

/** The window to count a model against; the editor passes one backed by what its Ollama servers said (never waits). */
export type WindowLookup = (ref: string, info: WindowInfo | undefined) => EffectiveContextWindow;

/**
 * The model a chat request is counted against: the chosen one, or for Auto the primary the router would pick
 * (asked without network: no classification call, no Ollama listing), else the budget model — flagged
 * `unrouted`, so the count says it is the budget model's and not a model the chat would send to.
 */
export async function windowModel(
  choice: ModelChoice,
  task: ChatTask,
  config: WorkbenchConfig,
  catalog: ModelCatalog,
): Promise<{ model: string; unrouted?: true }> {
  if (choice !== AUTO_MODEL) return { model: choice };
  try {
    const decision = await decideRoute({ task, messages: [] }, 0, {
      config,
      catalog,
      classify: async () => ({ label: 'COMPLEX' as const }),
      installedLocalModels: async () => [],
    });
    if (decision.route.primary) return { model: decision.route.primary };
  } catch {
    // Nothing routable yet: count against the budget model so the number is still useful, and say so.
  }
  return { model: config.budget.model, unrouted: true };
}

/**
 * Window, output reserve and a loaded tokenizer for counting a chat request. Ollama models count against the
 * context the server will use (`windowFor`: its num_ctx; without it, `numCtx` or the catalog's 4,096), never the
 * family's advertised maximum.
 */
export async function requestBudget(
  choice: ModelChoice,
  task: ChatTask,
  config: WorkbenchConfig,
  catalog: ModelCatalog,
  windowFor?: WindowLookup,
): Promise<RequestBudget> {
  const { model, unrouted } = await windowModel(choice, task, config, catalog);
  const info = catalog.lookup(model);
  const lookup: WindowLookup =
    windowFor ??
    ((ref, known) =>
      effectiveContextWindow({
        ref,
        info: known,
        provider: config.providers.find((p) => p.id === splitModelRef(ref)?.provider),
        server: undefined,
      }));
  const effective = lookup(model, info);
  const limits = effectiveLimits(info, effective);
  const spec = tokenizerSpecFor(info);
  const tokenizer = await loadTokenizer(spec.encoding);
  return {
    model,
    limits,
    ...(effective.note ? { windowNote: effective.note } : {}),
    ...(unrouted ? { unrouted } : {}),
    // The setting is a default for every model: never more than this one can answer with.
    outputReserve: Math.min(config.budget.outputReserve, limits.maxOutput),
    exact: spec.kind === 'exact',
    count: (text) => cachedCount(spec.encoding, text, () => tokenizer.count(text)),
  };
}

/**
 * The live count re-counts the whole history on every (debounced) keystroke; earlier messages never change, so
 * their counts are remembered. Bounded: the oldest entries go first.
 */
const COUNT_CACHE_LIMIT = 2000;
const countCache = new Map<string, number>();

function cachedCount(encoding: string, text: string, count: () => number): number {
  if (text.length < 64) return count(); // cheaper to count than to remember
  const key = `${encoding}\u0000${text}`;
  const known = countCache.get(key);
  if (known !== undefined) return known;
  const value = count();
  countCache.set(key, value);
  if (countCache.size > COUNT_CACHE_LIMIT) countCache.delete(countCache.keys().next().value!);
  return value;
}

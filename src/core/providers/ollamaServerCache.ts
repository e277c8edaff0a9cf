import type { ModelListing } from './adapter';
import type { OllamaContextWindow } from './ollamaAdapter';
import type { ServerWindowAnswer } from './effectiveContextWindow';

/** How the cache reaches Ollama servers: the adapters' own HTTP (`contextWindowDetail`, `listModels`), injected. */
export interface OllamaServerLookups {
  /** Rejects when the server cannot answer; an error with `status: 404` means the model is not installed. */
  contextWindow(providerId: string, model: string): Promise<OllamaContextWindow>;
  /** Rejects when the server cannot answer. */
  listModels(providerId: string): Promise<ModelListing[]>;
}

export type InstalledModelsAnswer = { state: 'pending' } | { state: 'unreachable' } | { state: 'known'; models: ModelListing[] };

export interface OllamaServerCacheOptions {
  /** Called when an answer changed (a lookup finished with something new): re-render what shows it. */
  onChange(): void;
  /** A lookup slower than this counts as unreachable (the server may still answer a later retry). */
  timeoutMs?: number;
  /** How long an unreachable answer stands before the next read asks again. */
  retryAfterMs?: number;
  now?: () => number;
}

interface Entry<T> {
  answer: T;
  checkedAt: number;
  inFlight?: Promise<void>;
}

export const DEFAULT_LOOKUP_TIMEOUT_MS = 2000;
export const DEFAULT_RETRY_AFTER_MS = 30_000;

/**
 * What the configured Ollama servers said about context windows and installed models, per provider + model.
 * Reads are synchronous and never wait on the network: a read returns what is known now (`pending` the first
 * time) and starts a lookup in the background; `onChange` fires when it lands. Known answers stand until
 * `clear()` (settings changed); unreachable ones are asked again after `retryAfterMs`.
 */
export class OllamaServerCache {
  private readonly windows = new Map<string, Entry<ServerWindowAnswer>>();
  private readonly installedModels = new Map<string, Entry<InstalledModelsAnswer>>();
  private generation = 0;
  private readonly timeoutMs: number;
  private readonly retryAfterMs: number;
  private readonly now: () => number;

  constructor(
    private readonly lookups: OllamaServerLookups,
    private readonly options: OllamaServerCacheOptions,
  ) {
    this.timeoutMs = options.timeoutMs ?? DEFAULT_LOOKUP_TIMEOUT_MS;
    this.retryAfterMs = options.retryAfterMs ?? DEFAULT_RETRY_AFTER_MS;
    this.now = options.now ?? Date.now;
  }

  window(providerId: string, model: string): ServerWindowAnswer {
    return this.read(this.windows, `${providerId}\u0000${model}`, async () => {
      try {
        return { state: 'known', window: await this.lookups.contextWindow(providerId, model) };
      } catch (error) {
        return (error as { status?: number }).status === 404 ? { state: 'missing' } : { state: 'unreachable' };
      }
    });
  }

  installed(providerId: string): InstalledModelsAnswer {
    return this.read(this.installedModels, providerId, async () => {
      try {
        return { state: 'known', models: await this.lookups.listModels(providerId) };
      } catch {
        return { state: 'unreachable' };
      }
    });
  }

  /** Resolves when every lookup started so far has landed (tests, and callers that may wait). */
  async settled(): Promise<void> {
    const inFlight = [...this.windows.values(), ...this.installedModels.values()].map((e) => e.inFlight).filter(Boolean);
    await Promise.all(inFlight);
  }

  /** Forget everything (settings changed: other servers, another numCtx). Lookups in flight are ignored when they land. */
  clear(): void {
    this.generation++;
    this.windows.clear();
    this.installedModels.clear();
  }

  private read<T extends { state: string }>(map: Map<string, Entry<T>>, key: string, load: () => Promise<T>): T {
    let entry = map.get(key);
    if (!entry) {
      entry = { answer: { state: 'pending' } as T, checkedAt: this.now() };
      map.set(key, entry);
      this.start(map, key, entry, load);
    } else if (entry.answer.state !== 'known' && !entry.inFlight && this.now() - entry.checkedAt >= this.retryAfterMs) {
      this.start(map, key, entry, load);
    }
    return entry.answer;
  }

  private start<T extends { state: string }>(map: Map<string, Entry<T>>, key: string, entry: Entry<T>, load: () => Promise<T>): void {
    const generation = this.generation;
    entry.checkedAt = this.now();
    entry.inFlight = withTimeout(load(), this.timeoutMs, { state: 'unreachable' } as T).then((answer) => {
      entry.inFlight = undefined;
      entry.checkedAt = this.now();
      if (generation !== this.generation || map.get(key) !== entry) return;
      const changed = JSON.stringify(answer) !== JSON.stringify(entry.answer);
      entry.answer = answer;
      if (changed) this.options.onChange();
    });
  }
}

function withTimeout<T>(promise: Promise<T>, ms: number, onTimeout: T): Promise<T> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(onTimeout), ms);
    // A pending lookup must not keep a CLI or test process alive.
    (timer as { unref?: () => void }).unref?.();
    promise.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      () => {
        clearTimeout(timer);
        resolve(onTimeout);
      },
    );
  });
}

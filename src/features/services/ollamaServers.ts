import { join } from 'node:path';
import * as vscode from 'vscode';
import { effectiveContextWindow, type EffectiveContextWindow, type WindowInfo } from '../../core/providers/effectiveContextWindow';
import { splitModelRef } from '../../core/models/modelRef';
import { OllamaServerCache, type InstalledModelsAnswer } from '../../core/providers/ollamaServerCache';
import type { ProviderConfig } from '../../core/providers/adapter';
import type { OllamaAdapter } from '../../core/providers/ollamaAdapter';
import { keySourceFrom } from '../../core/secrets/apiKeys';
import { guardProviderEndpoints } from '../../core/secrets/endpointGuard';
import { lazyBundle } from '../lazyBundle';
import type * as OllamaLookups from './ollamaLookups';
import type { WorkbenchSettings } from './settings';

/** The Ollama adapter (dist/ollamaLookups.js), loaded on the first lookup, never on activation. */
const ollamaLookups = lazyBundle<typeof OllamaLookups>('ollamaLookups', join(__dirname, 'ollamaLookups'));

/** A budget lookup runs beside the editor, never in front of it: a server that takes longer counts as unreachable. */
const LOOKUP_TIMEOUT_MS = 2000;

/** One installed model as the pickers list it. */
export interface InstalledOllamaModel {
  ref: string;
  providerId: string;
  /** The window Ollama will use for it, when the server said. */
  contextWindow?: number;
}

/**
 * The configured Ollama servers, asked (through the Ollama adapter's own HTTP) for the context each model will
 * really run with and for the models installed. Everything is read from a cache synchronously; lookups run in
 * the background and `onDidChange` fires when an answer lands. Settings changes start over.
 */
export class OllamaServers implements vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<void>();
  /** An answer from a server changed what a window or a picker shows. */
  readonly onDidChange = this.changed.event;
  private readonly cache: OllamaServerCache;
  private readonly adapters = new Map<string, OllamaAdapter>();
  /** Read on first use (an `inspect()` of the user's providers: not needed to activate); undefined after a settings change. */
  private providers?: ProviderConfig[];
  private readonly subscription: vscode.Disposable;

  constructor(settings: WorkbenchSettings, secrets: vscode.SecretStorage) {
    const keys = keySourceFrom(secrets);
    this.cache = new OllamaServerCache(
      {
        contextWindow: (providerId, model) => this.adapter(providerId, keys).contextWindowDetail(model),
        listModels: (providerId) => this.adapter(providerId, keys).listModels(),
      },
      { onChange: () => this.changed.fire(), timeoutMs: LOOKUP_TIMEOUT_MS },
    );
    this.subscription = settings.onDidChange(() => {
      this.providers = undefined;
      this.adapters.clear();
      this.cache.clear();
    });
  }

  private get providerList(): ProviderConfig[] {
    this.providers ??= userProviders();
    return this.providers;
  }

  /** The window to budget `ref` against, and where it came from; never waits (a lookup may start behind it). */
  windowFor(ref: string, info: WindowInfo | undefined): EffectiveContextWindow {
    const parts = splitModelRef(ref);
    const provider = parts && this.providerList.find((p) => p.id === parts.provider);
    const server = parts && provider?.kind === 'ollama' ? this.cache.window(provider.id, parts.model) : undefined;
    return effectiveContextWindow({ ref, info, provider, server });
  }

  /** What the model's Ollama server says it can do (`tools`, `vision`), once `windowFor` has asked; undefined before. */
  capabilitiesFor(ref: string): readonly string[] | undefined {
    const colon = ref.indexOf(':');
    const provider = colon > 0 ? this.providerList.find((p) => p.id === ref.slice(0, colon)) : undefined;
    if (provider?.kind !== 'ollama') return undefined;
    const answer = this.cache.window(provider.id, ref.slice(colon + 1));
    return answer.state === 'known' ? answer.window.capabilities : undefined;
  }

  /** Installed models of every configured Ollama server, as known now; `pending` while any server is being asked. */
  installed(): { models: InstalledOllamaModel[]; pending: boolean; unreachable: string[] } {
    const models: InstalledOllamaModel[] = [];
    const unreachable: string[] = [];
    let pending = false;
    for (const provider of this.providerList.filter((p) => p.kind === 'ollama')) {
      const answer: InstalledModelsAnswer = this.cache.installed(provider.id);
      if (answer.state === 'pending') pending = true;
      else if (answer.state === 'unreachable') unreachable.push(provider.baseUrl ?? provider.id);
      else
        for (const m of answer.models)
          models.push({ ref: `${provider.id}:${m.id}`, providerId: provider.id, contextWindow: m.contextWindow });
    }
    return { models, pending, unreachable };
  }

  /** Resolves when the lookups started so far have landed. */
  settled(): Promise<void> {
    return this.cache.settled();
  }

  dispose(): void {
    this.subscription.dispose();
    this.changed.dispose();
  }

  private adapter(providerId: string, keys: ReturnType<typeof keySourceFrom>): OllamaAdapter {
    let adapter = this.adapters.get(providerId);
    if (!adapter) {
      const config = this.providerList.find((p) => p.id === providerId);
      const created = ollamaLookups().ollamaLookupAdapter(config, keys, { timeoutMs: LOOKUP_TIMEOUT_MS });
      if (!created) throw new Error(`'${providerId}' is not a configured Ollama provider`);
      adapter = created;
      this.adapters.set(providerId, adapter);
    }
    return adapter;
  }
}

/** Providers from the user's own settings only: a workspace must not point lookups (with a key) elsewhere. */
function userProviders(): ProviderConfig[] {
  return guardProviderEndpoints(vscode.workspace.getConfiguration('llmWorkbench').inspect('providers')).providers;
}

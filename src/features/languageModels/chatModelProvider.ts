import * as vscode from 'vscode';
import { effectiveContextWindow } from '../../core/providers/effectiveContextWindow';
import { languageModelEntries, type LanguageModelEntry } from '../../core/chat/languageModelEntries';
import type { GatewayRequest } from '../../core/gateway/gatewayApi';
import { messageContentTokens, PER_MESSAGE } from '../../core/gateway/promptTokens';
import { tokenizerSpecFor } from '../../core/tokens/encodings';
import { TextCountCache } from '../../core/tokens/textCountCache';
import type { GatewayService } from '../services/gatewayService';
import type { OllamaServers } from '../services/ollamaServers';
import { convertRequestMessages } from './requestMessages';
import type { LanguageModelApi, LmChatInformation, LmChatProvider, LmRequestMessage, LmResponseOptions } from './lmApi';

export const VENDOR = 'llm-workbench';
/** Caller recorded in the ledger for requests that come in through the language model API (Copilot Chat, agents). */
export const LANGUAGE_MODEL_SOURCE = 'copilot';

interface Info extends LmChatInformation {
  entry: LanguageModelEntry;
}

/**
 * Our models and task routes as a language model chat provider: the list comes from settings, the catalog and the
 * Ollama servers (their real num_ctx); every request goes through the extension's one gateway (routing, retries,
 * fallback, cost, ledger); token counts are local and exact for OpenAI encodings. Nothing here loads an SDK or a
 * tokenizer until a request or a count needs it.
 */
export class ChatModelProvider implements LmChatProvider<Info>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChangeLanguageModelChatInformation = this.changed.event;
  private readonly subscriptions: vscode.Disposable[];
  private readonly counts = new TextCountCache();

  constructor(
    private readonly gateway: GatewayService,
    private readonly ollama: OllamaServers | undefined,
    private readonly api: LanguageModelApi,
    onSettingsChange: vscode.Event<unknown>,
  ) {
    this.subscriptions = [onSettingsChange(() => this.changed.fire()), ...(ollama ? [ollama.onDidChange(() => this.changed.fire())] : [])];
  }

  async provideLanguageModelChatInformation(): Promise<Info[]> {
    // The first listing waits (at most the lookup timeout) for the Ollama servers, so windows are num_ctx, not a guess.
    await this.settle();
    this.entries();
    await this.settle();
    return this.entries().map((entry) => ({
      id: entry.id,
      name: entry.name,
      family: entry.family,
      version: entry.version,
      detail: entry.detail,
      tooltip: entry.tooltip,
      maxInputTokens: entry.maxInputTokens,
      maxOutputTokens: entry.maxOutputTokens,
      capabilities: { toolCalling: entry.toolCalling, imageInput: entry.imageInput },
      entry,
    }));
  }

  async provideLanguageModelChatResponse(
    model: Info,
    messages: readonly LmRequestMessage[],
    options: LmResponseOptions,
    progress: vscode.Progress<unknown>,
    token: vscode.CancellationToken,
  ): Promise<void> {
    const built = this.gateway.tryGateway();
    if ('error' in built) throw new Error(built.error);
    const entry = this.entries().find((e) => e.id === model.id) ?? model.entry;
    const converted = convertRequestMessages(messages);
    if (converted.skipped.length)
      this.gateway.log.trace(`language model request: not sent (no wire form): ${converted.skipped.join(', ')}`);
    const controller = new AbortController();
    const cancel = token.onCancellationRequested(() => controller.abort());
    const request: GatewayRequest = {
      task: 'task' in entry.target ? entry.target.task : 'chat',
      ...('model' in entry.target ? { model: entry.target.model, fallbacks: entry.target.fallbacks } : {}),
      ...(converted.system ? { system: converted.system } : {}),
      messages: converted.messages,
      maxOutputTokens: Math.min(entry.maxOutputTokens, requestedMaxTokens(options) ?? Infinity),
      ...(options.tools?.length
        ? {
            tools: options.tools.map((t) => ({
              name: t.name,
              description: t.description,
              inputSchema: t.inputSchema as Record<string, unknown> | undefined,
            })),
            toolChoice: options.toolMode === 2 ? 'required' : 'auto',
          }
        : {}),
      signal: controller.signal,
      source: LANGUAGE_MODEL_SOURCE,
    };
    const { TextPart, ToolCallPart } = this.api;
    let failure: Error | undefined;
    try {
      for await (const event of built.gateway.stream(request)) {
        if (event.type === 'text' && TextPart) progress.report(new TextPart(event.text));
        else if (event.type === 'tool_call' && ToolCallPart)
          progress.report(new ToolCallPart(event.call.id, event.call.name, event.call.input));
        // Text already shown cannot be taken back: say plainly that the answer starts over.
        else if (event.type === 'restart' && TextPart) progress.report(new TextPart(`\n\n[LLM Workbench: ${event.reason}]\n\n`));
        else if (event.type === 'error') failure = new Error(event.error.message);
      }
    } finally {
      cancel.dispose();
    }
    if (token.isCancellationRequested) throw new vscode.CancellationError();
    if (failure) throw failure;
  }

  /** Local and exact for OpenAI encodings (≈ o200k for others); the rank table loads once, on the first count. */
  async provideTokenCount(model: Info, text: string | LmRequestMessage): Promise<number> {
    const entry = model.entry ?? this.entries().find((e) => e.id === model.id);
    const encoding = tokenizerSpecFor(this.gateway.catalog.lookup(entry?.encodingOf ?? model.id)).encoding;
    const count = (value: string, name: typeof encoding) => this.counts.count(value, name);
    if (typeof text === 'string') return count(text, encoding);
    const [message] = convertRequestMessages([text]).messages;
    // A system message becomes the system prompt: counted as text, with the same per-message markup.
    const content = message
      ? await messageContentTokens(message, encoding, count)
      : await count(text.content.map((p) => (p as { value?: string }).value ?? '').join(''), encoding);
    return PER_MESSAGE + content;
  }

  entries(): LanguageModelEntry[] {
    const { ollama } = this;
    return languageModelEntries({
      config: this.gateway.config,
      catalog: this.gateway.catalog,
      installed: (providerId) => {
        const answer = ollama?.installed();
        if (!answer || answer.pending || answer.unreachable.length) {
          const known = answer?.models.filter((m) => m.providerId === providerId);
          return known?.length ? known.map((m) => m.ref) : undefined;
        }
        return answer.models.filter((m) => m.providerId === providerId).map((m) => m.ref);
      },
      windowFor: (ref, info) =>
        ollama?.windowFor(ref, info) ?? effectiveContextWindow({ ref, info, provider: undefined, server: undefined }),
      serverCapabilities: (ref) => ollama?.capabilitiesFor(ref),
    });
  }

  private async settle(): Promise<void> {
    await this.ollama?.settled();
  }

  dispose(): void {
    for (const s of this.subscriptions) s.dispose();
    this.changed.dispose();
  }
}

/** `max_tokens` / `maxOutputTokens` in the caller's model options, when it set one. */
function requestedMaxTokens(options: LmResponseOptions): number | undefined {
  const value = options.modelOptions?.max_tokens ?? options.modelOptions?.maxOutputTokens;
  return typeof value === 'number' && value > 0 ? value : undefined;
}

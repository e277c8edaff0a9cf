import { splitModelRef } from '../models/modelRef';
import type { CallRecord, CostPart } from '../cost/callRecord';
import { costOfUsage, estimateCallCost } from '../cost/pricing';
import type { ProviderError } from '../providers/providerError';
import { redactSecrets } from '../providers/redactSecrets';
import type { StopReason } from '../providers/chat';
import type { Usage } from '../providers/usage';
import { estimateTokensFromChars } from '../tokens/charEstimate';
import type { GatewayRequest, Route } from './gatewayApi';
import type { Prepared } from './prepareModel';
import { promptText } from './promptTokens';

/** What a record says about where it was made, beside the tally. */
export interface RecordContext {
  request: GatewayRequest;
  requestId: string;
  startedAt: number;
  now: number;
  route: Route;
  outcome: CallRecord['outcome'];
  error?: ProviderError;
  sessionId?: string;
  logPrompts: boolean;
  /** Removes every key in use from recorded text; key shapes only when absent. */
  redact?: (text: string) => string;
}

/**
 * Accumulates what the call record needs while the call runs, and makes the record at the end. Tokens and cost cover
 * the same attempts (every one that was billed, retries and fallbacks included), and one estimated part makes the
 * whole usage an estimate.
 */
export class CallTally {
  attempts = 0;
  cost: number | null = 0;
  estimatedCost: number | null | undefined;
  usageSource: 'provider' | 'estimate' | undefined;
  lastTried: Prepared | undefined;
  inputTokens = 0;
  outputTokens = 0;
  cachedInputTokens = 0;
  /** Why the answer that was kept ended. */
  stopReason: StopReason | undefined;
  ttftAt: number | undefined;
  fallbackNotes: string[] = [];
  /** Per model that produced tokens, in the order they were tried: each model is charged its own part. */
  private readonly parts = new Map<string, CostPart>();

  addCost(amount: number | null): void {
    this.cost = this.cost === null || amount === null ? null : this.cost + amount;
  }

  /**
   * Cost and tokens of one attempt, added to the call's: provider usage when reported; an estimate for a partial
   * answer (billed but never reported: the stream broke off); nothing for a refused call.
   */
  async addAttempt(p: Prepared, usage: Usage | undefined, text: string): Promise<void> {
    if (usage) {
      const cost = costOfUsage(p.info, usage);
      this.addCost(cost);
      this.addPart(p.ref, cost, usage.input.total, usage.output.total, usage.source);
      this.addUsage(usage.input.total, usage.output.total, usage.input.cacheRead ?? 0, usage.source);
    } else if (text) {
      // The prompt as the model's encoding counts it (not the bound the window check may have settled for).
      const input = await p.exactInputTokens();
      const output = estimateTokensFromChars(text.length);
      const cost = estimateCallCost(p.info, input, output);
      this.addCost(cost);
      this.addPart(p.ref, cost, input, output, 'estimate');
      this.addUsage(input, output, 0, 'estimate');
    }
  }

  private addPart(model: string, cost: number | null, input: number, output: number, source: CostPart['usageSource']): void {
    const part = this.parts.get(model);
    if (!part) {
      this.parts.set(model, { model, costUsd: cost, inputTokens: input, outputTokens: output, usageSource: source });
      return;
    }
    part.costUsd = part.costUsd === null || cost === null ? null : part.costUsd + cost;
    part.inputTokens += input;
    part.outputTokens += output;
    if (source === 'estimate') part.usageSource = 'estimate';
  }

  private addUsage(input: number, output: number, cached: number, source: 'provider' | 'estimate'): void {
    this.inputTokens += input;
    this.outputTokens += output;
    this.cachedInputTokens += cached;
    this.usageSource = this.usageSource === 'estimate' || source === 'estimate' ? 'estimate' : 'provider';
  }

  record(ctx: RecordContext): CallRecord {
    const { request, route, error } = ctx;
    const tried = this.lastTried;
    const finalRef = tried?.ref ?? route.primary;
    const parts = splitModelRef(finalRef);
    const redact = ctx.redact ?? ((text: string) => redactSecrets(text));
    const record: CallRecord = {
      at: new Date(ctx.startedAt).toISOString(),
      requestId: ctx.requestId,
      task: request.task,
      route: [route.primary, ...route.fallbacks].filter(Boolean),
      reason: route.reason,
      // An empty or malformed ref (no model could be routed to) is recorded as it is.
      provider: parts?.provider ?? '',
      model: parts?.model ?? finalRef,
      inputTokens: this.inputTokens,
      outputTokens: this.outputTokens,
      costUsd: this.cost,
      estimatedCostUsd: this.estimatedCost ?? null,
      ttftMs: this.ttftAt === undefined ? null : this.ttftAt - ctx.startedAt,
      totalMs: ctx.now - ctx.startedAt,
      attempts: this.attempts,
      fallbackUsed: tried !== undefined && tried.ref !== route.primary,
      outcome: ctx.outcome,
    };
    if (this.cachedInputTokens) record.cachedInputTokens = this.cachedInputTokens;
    if (this.parts.size > 1) record.costParts = [...this.parts.values()].map((part) => ({ ...part }));
    if (this.usageSource) record.usageSource = this.usageSource;
    if (ctx.outcome === 'ok' && this.stopReason) record.stopReason = this.stopReason;
    if (tried?.maxOutputTokens !== undefined) record.maxOutputTokens = tried.maxOutputTokens;
    if (this.fallbackNotes.length > 0) record.fallbackReason = redact(this.fallbackNotes.join('; '));
    if (error) {
      record.errorKind = error.kind;
      // Adapter errors are already redacted against their keys; this catches every key in use and key shapes from anywhere else.
      record.errorMessage = redact(error.message);
    }
    if (request.source) record.source = request.source;
    if (ctx.sessionId) record.sessionId = ctx.sessionId;
    if (ctx.logPrompts) record.prompt = redact(promptText(request));
    return record;
  }
}

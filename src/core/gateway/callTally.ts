import { splitModelRef } from '../models/modelRef';
import type { CallRecord, CostPart } from '../cost/callRecord';
import { costOfUsage, estimateCallCost } from '../cost/pricing';
import type { ProviderError } from '../providers/providerError';
import { redactSecrets } from '../providers/redactSecrets';
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
}

/** Accumulates what the call record needs while the call runs, and makes the record at the end. */
export class CallTally {
  attempts = 0;
  cost: number | null = 0;
  estimatedCost: number | null | undefined;
  usageSource: 'provider' | 'estimate' | undefined;
  lastTried: Prepared | undefined;
  lastUsage: Usage | undefined;
  lastText = '';
  ttftAt: number | undefined;
  fallbackNotes: string[] = [];
  /** Per model that produced tokens, in the order they were tried. */
  private readonly parts = new Map<string, CostPart>();

  addCost(amount: number | null): void {
    this.cost = this.cost === null || amount === null ? null : this.cost + amount;
  }

  /** Cost of one attempt: provider usage when reported; an estimate for a partial answer; nothing for a refused call. */
  addAttempt(p: Prepared, usage: Usage | undefined, text: string, kept: boolean): void {
    if (usage) {
      const cost = costOfUsage(p.info, usage);
      this.addCost(cost);
      this.addPart(p.ref, cost, usage.input.total, usage.output.total, usage.source);
      if (kept || !this.usageSource) this.usageSource = usage.source;
    } else if (text) {
      // Billed but never reported (the stream broke off): estimate rather than pretend it was free.
      const output = estimateTokensFromChars(text.length);
      const cost = estimateCallCost(p.info, p.inputTokens, output);
      this.addCost(cost);
      this.addPart(p.ref, cost, p.inputTokens, output, 'estimate');
      this.usageSource = 'estimate';
    }
    this.lastUsage = usage;
    this.lastText = text;
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

  record(ctx: RecordContext): CallRecord {
    const { request, route, error } = ctx;
    const tried = this.lastTried;
    const finalRef = tried?.ref ?? route.primary;
    const parts = splitModelRef(finalRef);
    const usage = this.lastUsage;
    const record: CallRecord = {
      at: new Date(ctx.startedAt).toISOString(),
      requestId: ctx.requestId,
      task: request.task,
      route: [route.primary, ...route.fallbacks].filter(Boolean),
      reason: route.reason,
      // An empty or malformed ref (no model could be routed to) is recorded as it is.
      provider: parts?.provider ?? '',
      model: parts?.model ?? finalRef,
      inputTokens: usage?.input.total ?? (tried && this.lastText ? tried.inputTokens : 0),
      outputTokens: usage?.output.total ?? (this.lastText ? estimateTokensFromChars(this.lastText.length) : 0),
      costUsd: this.cost,
      estimatedCostUsd: this.estimatedCost ?? null,
      ttftMs: this.ttftAt === undefined ? null : this.ttftAt - ctx.startedAt,
      totalMs: ctx.now - ctx.startedAt,
      attempts: this.attempts,
      fallbackUsed: tried !== undefined && tried.ref !== route.primary,
      outcome: ctx.outcome,
    };
    if (usage?.input.cacheRead) record.cachedInputTokens = usage.input.cacheRead;
    if (this.parts.size > 1) record.costParts = [...this.parts.values()].map((part) => ({ ...part }));
    if (this.usageSource) record.usageSource = this.usageSource;
    if (this.fallbackNotes.length > 0) record.fallbackReason = this.fallbackNotes.join('; ');
    if (error) {
      record.errorKind = error.kind;
      // Adapter errors are already redacted against their keys; key-shaped tokens from anywhere else are caught here.
      record.errorMessage = redactSecrets(error.message);
    }
    if (request.source) record.source = request.source;
    if (ctx.sessionId) record.sessionId = ctx.sessionId;
    if (ctx.logPrompts) record.prompt = promptText(request);
    return record;
  }
}

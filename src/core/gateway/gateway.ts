import { randomUUID } from 'node:crypto';
import type { ResilienceSettings } from '../config/resilienceSettings';
import type { WorkbenchConfig } from '../config/workbenchConfig';
import type { CallRecord } from '../cost/callRecord';
import type { Ledger } from '../cost/ledger';
import { estimateCallCost } from '../cost/pricing';
import type { ModelCatalog } from '../models/catalog';
import { isOllamaCloudModel } from '../models/catalogModels';
import type { ModelRef } from '../models/modelRef';
import type { ProviderAdapter } from '../providers/adapter';
import { ProviderError } from '../providers/providerError';
import { CallTally } from './callTally';
import { collectGatewayStream } from './collectStream';
import { classifyRequest } from './classifier';
import { abortedError, asProviderError, summarizeFailures } from './gatewayErrors';
import type { ChatGateway, GatewayEvent, GatewayRequest, GatewayResult, Route } from './gatewayApi';
import { runAttempt, type AttemptOutcome } from './modelAttempt';
import { prepareModel, type Prepared } from './prepareModel';
import { warmUpPromptCounts } from './promptCountWarmUp';
import { promptTokenCounter } from './promptTokens';
import { CircuitBreakers } from './circuitBreakers';
import { RetryBudget, describeKind } from './retryPolicy';
import { decideRoute, type RouteDecision, type RouterContext } from './router';
import { embedThroughGateway, type EmbedRequest, type EmbedResponse } from './embedCall';

/** Everything the gateway is built from; `createGateway` fills in the defaults. */
export interface GatewayParts {
  config: WorkbenchConfig;
  catalog: ModelCatalog;
  /** The adapter serving a provider id; throws a `bad_request` ProviderError for a provider that is not configured. */
  adapterFor(providerId: string): ProviderAdapter;
  ledger?: Ledger;
  resilience: ResilienceSettings;
  now(): number;
  random(): number;
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
  log(line: string): void;
  sessionId?: string;
  /** The gateway as callers see it (with decorators such as telemetry), for the gateway's own nested calls. */
  self?: () => ChatGateway;
  /** Removes every key in use from text the gateway records (error messages, reasons, logged prompts). */
  redact?(text: string): string;
}

interface CallProgress {
  recorded: boolean;
  recordEarlyClose?: () => void;
}

/** One call's state while it walks its route: what the record needs and what the next model should know. */
interface RouteWalk {
  request: GatewayRequest;
  decision: RouteDecision;
  tally: CallTally;
  budget: RetryBudget;
  failures: { ref: ModelRef; error: ProviderError }[];
  pendingFallback?: { from: ModelRef; reason: string; missingKey?: boolean };
  restart?: { from: ModelRef; reason: string };
  lastError?: ProviderError;
  /** Makes the call's one record (also appended to the ledger). */
  finish(outcome: CallRecord['outcome'], error?: ProviderError): CallRecord;
}

/**
 * Routes, checks the budget, retries with backoff, trips per-model circuits, falls back, validates, and records
 * every call. `stream` never throws: every outcome ends with exactly one `record` event, also appended to the ledger.
 */
export class Gateway implements ChatGateway {
  private readonly breakers: CircuitBreakers;
  private installed: Promise<ModelRef[]> | undefined;

  constructor(private readonly parts: GatewayParts) {
    this.breakers = new CircuitBreakers(parts.resilience, parts.log);
  }

  complete(request: GatewayRequest): Promise<GatewayResult> {
    return collectGatewayStream(this.stream(request));
  }

  embed(request: EmbedRequest): Promise<EmbedResponse> {
    return embedThroughGateway(this.parts, request);
  }

  warmUp(refs: readonly ModelRef[]): Promise<void> {
    return warmUpPromptCounts(this.parts.config, this.parts.catalog, refs, false);
  }

  async *stream(request: GatewayRequest): AsyncGenerator<GatewayEvent> {
    const call: CallProgress = { recorded: false };
    try {
      yield* this.run(request, call);
    } finally {
      // A caller that stops reading still gets its call recorded (as aborted) in the ledger.
      if (!call.recorded) call.recordEarlyClose?.();
    }
  }

  /** Route, then each model on the route in turn until one answers; the record is made before the last events. */
  private async *run(request: GatewayRequest, call: CallProgress): AsyncGenerator<GatewayEvent> {
    const { parts } = this;
    const startedAt = parts.now();
    const requestId = randomUUID();
    const tally = new CallTally();
    let route: Route = { primary: request.model ?? '', fallbacks: request.fallbacks ?? [], reason: '' };
    const finish = (outcome: CallRecord['outcome'], error?: ProviderError): CallRecord => {
      call.recorded = true;
      const { config, sessionId } = parts;
      const record = tally.record({
        request,
        requestId,
        startedAt,
        now: parts.now(),
        route,
        outcome,
        error,
        sessionId,
        logPrompts: config.logPrompts,
        redact: parts.redact,
      });
      // A call that never reached a provider (nothing routable, every model skipped, cancelled before sending) cost
      // nothing and answered nothing: the caller still gets its record, the ledger does not.
      if (tally.attempts > 0) this.append(record);
      return record;
    };
    call.recordEarlyClose = () =>
      finish('aborted', new ProviderError({ kind: 'aborted', message: 'Cancelled: the caller stopped reading the answer.' }));

    if (request.signal?.aborted) return yield* failCall(finish, abortedError(), 'aborted');
    const promptTokens = promptTokenCounter(request);
    let decision: RouteDecision;
    try {
      decision = await decideRoute(request, () => promptTokens.exact('o200k_base'), this.routerContext());
    } catch (error) {
      return yield* failCall(finish, asProviderError(error, 'bad_request'));
    }
    route = decision.route;
    parts.log(`route ${requestId.slice(0, 8)}: ${route.reason}`);
    yield { type: 'route', route };

    const walk: RouteWalk = { request, decision, tally, budget: new RetryBudget(parts.resilience, parts.random), failures: [], finish };
    for (const [index, ref] of [route.primary, ...route.fallbacks].entries()) {
      const prepared = await prepareModel(parts, ref, request, decision, promptTokens);
      if ('skip' in prepared) {
        walk.lastError = prepared.skip;
        this.moveOn(walk, ref, prepared.skip, `${ref} skipped: ${prepared.skip.message}`);
        continue;
      }
      // The first model that gets the request sets the estimate (null = its price is unknown, and stays so); its prompt
      // part is the count, or the bound when nothing needed the count (prepareModel): an upper bound either way.
      if (tally.estimatedCost === undefined) tally.estimatedCost = estimateCallCost(prepared.info, prepared.inputTokens, prepared.reserve);
      if (yield* this.tryModel(walk, prepared, index === route.fallbacks.length)) return;
    }
    yield* failCall(finish, summarizeFailures(walk.failures, walk.lastError));
  }

  /**
   * Attempts on one model until it answers (true: the call is over, answered or aborted) or the retry policy gives
   * up on it (false: the next model on the route gets the request).
   */
  private async *tryModel(walk: RouteWalk, prepared: Prepared, isLast: boolean): AsyncGenerator<GatewayEvent, boolean> {
    const { parts } = this;
    const { request, tally, budget } = walk;
    const ref = prepared.ref;
    budget.startModel();
    for (let attemptOnModel = 1; ; attemptOnModel++) {
      const outcome = yield* this.forwardAttempt(walk, prepared);
      if (outcome.ok) {
        await tally.addAttempt(prepared, outcome.usage, outcome.text);
        tally.stopReason = outcome.stopReason;
        parts.log(`answered by ${ref} after ${tally.attempts} attempt(s)`);
        const record = walk.finish('ok');
        if (outcome.usage) yield { type: 'usage', usage: outcome.usage };
        yield { type: 'done', stopReason: outcome.stopReason, ...(outcome.logProbs ? { logProbs: outcome.logProbs } : {}) };
        yield { type: 'record', record };
        return true;
      }
      const { error } = outcome;
      if (outcome.started) await tally.addAttempt(prepared, outcome.usage, outcome.text);
      if (error.kind === 'aborted' || request.signal?.aborted) {
        yield* failCall(walk.finish, request.signal?.aborted ? abortedError() : error, 'aborted');
        return true;
      }
      walk.lastError = error;
      if (outcome.circuitOpen) return this.moveOn(walk, ref, error, `${ref} skipped: ${error.message}`);
      if (outcome.text) {
        walk.restart = {
          from: ref,
          reason: `${ref} ${describeKind(error)} after ${outcome.text.length} characters of its answer; the answer restarts`,
        };
      }
      let retry = budget.decide(error, attemptOnModel);
      if (retry.retry && outcome.text && !isLast) {
        // Text was already shown: a different model is the better bet than repeating the one that broke off.
        retry = { retry: false, because: `${describeKind(error)} mid-answer` };
      }
      if (!retry.retry) return this.moveOn(walk, ref, error, `${ref}: ${retry.because}`);
      parts.log(`retry ${ref} in ${retry.delayMs} ms (${retry.basis}): ${error.message}`);
      yield { type: 'retry', model: ref, attempt: tally.attempts, delayMs: retry.delayMs, error };
      try {
        await parts.sleep(retry.delayMs, request.signal);
      } catch {
        // the wait was cut short by the caller's abort
      }
      budget.waitedFor(retry.delayMs);
      if (request.signal?.aborted) {
        yield* failCall(walk.finish, abortedError(), 'aborted');
        return true;
      }
    }
  }

  /**
   * One attempt, its events passed on as they come: the first `attempt` event announces a pending fallback and a
   * restart, text events mark the time to first token. Returns how the attempt ended.
   */
  private async *forwardAttempt(walk: RouteWalk, prepared: Prepared): AsyncGenerator<GatewayEvent, AttemptOutcome> {
    const { tally } = walk;
    const run = runAttempt(prepared, walk.request, walk.decision.validator, this.breakers, this.parts.resilience, walk.budget);
    let outcome: AttemptOutcome | undefined;
    try {
      for (;;) {
        const step = await run.next();
        if (step.done) return (outcome = step.value);
        const event = step.value;
        if (event.type === 'attempt') {
          tally.attempts += 1;
          tally.lastTried = prepared;
          if (walk.pendingFallback) {
            const { from, reason, missingKey } = walk.pendingFallback;
            yield { type: 'fallback', from, to: prepared.ref, reason, ...(missingKey ? { missingKey } : {}) };
            walk.pendingFallback = undefined;
          }
          yield { ...event, attempt: tally.attempts };
          if (walk.restart) {
            yield { type: 'restart', model: prepared.ref, from: walk.restart.from, reason: walk.restart.reason };
            walk.restart = undefined;
            tally.ttftAt = undefined;
          }
          continue;
        }
        if (event.type === 'text' && tally.ttftAt === undefined) tally.ttftAt = this.parts.now();
        yield event;
      }
    } finally {
      // The caller stopped reading mid-attempt: closing the attempt cancels its HTTP request.
      if (!outcome) await run.return(undefined as never);
    }
  }

  /** Gives up on `ref` for this call: the reason is logged, kept for the record and announced with the fallback. */
  private moveOn(walk: RouteWalk, ref: ModelRef, error: ProviderError, note: string): false {
    this.parts.log(note);
    walk.tally.fallbackNotes.push(note);
    walk.failures.push({ ref, error });
    walk.pendingFallback = { from: ref, reason: note, ...(error.missingKey ? { missingKey: true } : {}) };
    return false;
  }

  private append(record: CallRecord): void {
    const { ledger, log } = this.parts;
    if (!ledger) return;
    // Recording must never fail the call it records; a write error is logged instead.
    ledger.append(record).catch((error: unknown) => log(`ledger: could not record call ${record.requestId}: ${String(error)}`));
  }

  private routerContext(): RouterContext {
    return {
      config: this.parts.config,
      catalog: this.parts.catalog,
      classify: (model, request) => classifyRequest((r) => (this.parts.self?.() ?? this).complete(r), model, request),
      installedLocalModels: () => this.installedLocalModels(),
    };
  }

  /** Models the configured Ollama providers have installed (remembered once found; an unreachable server is asked again). */
  private installedLocalModels(): Promise<ModelRef[]> {
    if (!this.installed) {
      const lookups = this.parts.config.providers
        .filter((p) => p.kind === 'ollama')
        .map(async (p) => {
          try {
            const adapter = this.parts.adapterFor(p.id);
            // Ollama Cloud models are listed too, but run on ollama.com: not local.
            return (await adapter.listModels?.())?.filter((m) => !isOllamaCloudModel(m.id)).map((m) => `${p.id}:${m.id}`) ?? [];
          } catch {
            return [];
          }
        });
      this.installed = Promise.all(lookups).then((lists) => lists.flat());
      void this.installed.then((refs) => {
        if (refs.length === 0) this.installed = undefined;
      });
    }
    return this.installed;
  }
}

/** The call's last events when it fails: the record is made first, so a caller that stops reading at `error` still leaves the true outcome in the ledger. */
function* failCall(finish: RouteWalk['finish'], error: ProviderError, outcome: CallRecord['outcome'] = 'error'): Generator<GatewayEvent> {
  const record = finish(outcome, error);
  yield { type: 'error', error };
  yield { type: 'record', record };
}

import { randomUUID } from 'node:crypto';
import type { WorkbenchConfig } from '../config/workbenchConfig';
import type { Ledger } from '../cost/ledger';
import { costOfUsage, estimateCallCost } from '../cost/pricing';
import type { Usage } from '../providers/usage';
import type { ModelCatalog } from '../models/catalog';
import type { EncodingName, ModelInfo } from '../models/modelInfo';
import type { ProviderAdapter } from '../providers/adapter';
import type { ChatEvent, StopReason } from '../providers/chat';
import { ProviderError, type ErrorKind } from '../providers/providerError';
import { redactSecrets } from '../providers/redactSecrets';
import { tokenizerSpecFor } from '../tokens/encodings';
import type { CallRecord } from '../cost/callRecord';
import type { ModelRef } from '../models/modelRef';
import { EventQueue } from './eventQueue';
import type { ChatGateway, GatewayEvent, GatewayRequest, GatewayResult, Route } from './gatewayApi';
import { validateOutput } from './outputValidator';
import { estimatePromptTokens, promptText } from './promptTokens';
import { RetryBudget, describeKind } from './retryPolicy';
import { CircuitBreakers, CircuitOpenError, circuitOpenMessage } from './circuitBreakers';
import { defaultOutputLimit } from './outputLimit';
import type { ResilienceSettings } from '../config/resilienceSettings';
import { decideRoute, type ComplexityLabel, type RouteDecision, type RouterContext } from './router';
import type { OutputValidator } from '../config/routingRule';
import { watchStream } from './streamWatchdog';

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
  /** Removes every key in use from text the gateway records (error messages, reasons, logged prompts). */
  redact?(text: string): string;
}

const CLASSIFY_SYSTEM =
  'You route requests to language models. Label the request SIMPLE if a small, fast model can answer it well ' +
  '(lookup, short rewrite, classification, small edit) or COMPLEX if it needs careful multi-step reasoning, ' +
  'long code, or expert judgment. Answer with exactly one word: SIMPLE or COMPLEX.';

/** One model about to be tried: where it goes and what it was checked against. */
interface Prepared {
  ref: ModelRef;
  providerId: string;
  modelId: string;
  adapter: ProviderAdapter;
  info: ModelInfo | undefined;
  inputTokens: number;
  /** Output tokens the window check reserved (and cost estimates assume). */
  reserve: number;
  /** The limit sent: the caller's, else the model's own maximum; undefined = the provider's default (unknown model). */
  maxOutputTokens: number | undefined;
}

type AttemptOutcome =
  | { ok: true; text: string; usage?: Usage; stopReason: StopReason; ttftAt?: number }
  | { ok: false; error: ProviderError; text: string; usage?: Usage; started: boolean; circuitOpen?: boolean };

interface CallProgress {
  recorded: boolean;
  recordEarlyClose?: () => void;
}

/**
 * Accumulates what the call record needs while the call runs. Tokens and cost cover the same attempts (every one
 * that was billed, retries and fallbacks included), and one estimated part makes the whole usage an estimate.
 */
class CallTally {
  attempts = 0;
  cost: number | null = 0;
  estimatedCost: number | null | undefined;
  usageSource: 'provider' | 'estimate' | undefined;
  lastTried: Prepared | undefined;
  inputTokens = 0;
  outputTokens = 0;
  cachedInputTokens = 0;
  stopReason: StopReason | undefined;
  ttftAt: number | undefined;
  fallbackNotes: string[] = [];

  addCost(amount: number | null): void {
    this.cost = this.cost === null || amount === null ? null : this.cost + amount;
  }

  addUsage(input: number, output: number, cached: number, source: 'provider' | 'estimate'): void {
    this.inputTokens += input;
    this.outputTokens += output;
    this.cachedInputTokens += cached;
    this.usageSource = this.usageSource === 'estimate' || source === 'estimate' ? 'estimate' : 'provider';
  }
}

/**
 * Routes, checks the budget, retries with backoff, trips per-provider circuits, falls back, validates, and records
 * every call. `stream` never throws: every outcome ends with exactly one `record` event, also appended to the ledger.
 */
export class Gateway implements ChatGateway {
  private readonly breakers: CircuitBreakers;
  private installed: Promise<ModelRef[]> | undefined;

  constructor(private readonly parts: GatewayParts) {
    this.breakers = new CircuitBreakers(parts.resilience, (line) => parts.log(line));
  }

  async complete(request: GatewayRequest): Promise<GatewayResult> {
    let text = '';
    let record: CallRecord | undefined;
    let usage: Usage | undefined;
    let error: ProviderError | undefined;
    let stopReason: StopReason | undefined;
    for await (const event of this.stream(request)) {
      if (event.type === 'text') text += event.text;
      else if (event.type === 'done') stopReason = event.stopReason;
      else if (event.type === 'restart') text = ''; // only the answer that succeeded counts
      else if (event.type === 'usage') usage = event.usage;
      else if (event.type === 'error') error = event.error;
      else if (event.type === 'record') record = event.record;
    }
    if (!record) throw new Error('gateway bug: a stream ended without its record');
    return { text: error ? '' : text, record, usage, error, stopReason };
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

  private async *run(request: GatewayRequest, call: CallProgress): AsyncGenerator<GatewayEvent> {
    const { parts } = this;
    const startedAt = parts.now();
    const requestId = randomUUID();
    const tally = new CallTally();
    let route: Route = { primary: request.model ?? '', fallbacks: request.fallbacks ?? [], reason: '' };

    const finish = (outcome: CallRecord['outcome'], error?: ProviderError): CallRecord => {
      call.recorded = true;
      const record = this.buildRecord({ request, requestId, startedAt, route, tally, outcome, error });
      this.append(record);
      return record;
    };
    call.recordEarlyClose = () =>
      finish('aborted', new ProviderError({ kind: 'aborted', message: 'Cancelled: the caller stopped reading the answer.' }));
    // The record is made before the last events go out: a caller that stops reading at `error` or `done` still
    // leaves the true outcome in the ledger.
    const fail = function* (error: ProviderError, outcome: CallRecord['outcome'] = 'error'): Generator<GatewayEvent> {
      const record = finish(outcome, error);
      yield { type: 'error', error };
      yield { type: 'record', record };
    };

    if (request.signal?.aborted) return yield* fail(abortedError(), 'aborted');

    // One count per encoding per request: routing and every model on the route share it.
    const counts = new Map<EncodingName, Promise<number>>();
    const promptTokens = (encoding: EncodingName) => {
      let count = counts.get(encoding);
      if (!count) {
        // Should the tokenizer fail to load, a rough 4-characters-per-token count still lets budgets and routing work.
        count = estimatePromptTokens(request, encoding).catch(() => Math.ceil(promptText(request).length / 4));
        counts.set(encoding, count);
      }
      return count;
    };
    let decision: RouteDecision;
    try {
      const routingTokens = await promptTokens('o200k_base');
      decision = await decideRoute(request, routingTokens, this.routerContext());
    } catch (error) {
      return yield* fail(asProviderError(error, 'bad_request'));
    }
    route = decision.route;
    parts.log(`route ${requestId.slice(0, 8)}: ${route.reason}`);
    yield { type: 'route', route };

    const budget = new RetryBudget(parts.resilience, parts.random);
    const failures: { ref: ModelRef; error: ProviderError }[] = [];
    let pendingFallback: { from: ModelRef; reason: string } | undefined;
    let restartReason: string | undefined;
    let lastError: ProviderError | undefined;

    for (const [index, ref] of [route.primary, ...route.fallbacks].entries()) {
      const isLast = index === route.fallbacks.length;
      const prepared = await this.prepare(ref, request, decision, promptTokens);
      if ('skip' in prepared) {
        const note = `${ref} skipped: ${prepared.skip.message}`;
        parts.log(note);
        tally.fallbackNotes.push(note);
        failures.push({ ref, error: prepared.skip });
        lastError = prepared.skip;
        pendingFallback = { from: ref, reason: note };
        continue;
      }
      if (tally.estimatedCost === undefined) {
        tally.estimatedCost = estimateCallCost(prepared.info, prepared.inputTokens, prepared.reserve);
      }
      budget.startModel();
      for (let attemptOnModel = 1; ; attemptOnModel++) {
        const run = this.attempt(prepared, request, decision.validator, budget);
        let outcome: AttemptOutcome | undefined;
        try {
          for (;;) {
            const step = await run.next();
            if (step.done) {
              outcome = step.value;
              break;
            }
            const event = step.value;
            if (event.type === 'attempt') {
              tally.attempts += 1;
              tally.lastTried = prepared;
              if (pendingFallback) {
                yield { type: 'fallback', from: pendingFallback.from, to: ref, reason: pendingFallback.reason };
                pendingFallback = undefined;
              }
              yield { ...event, attempt: tally.attempts };
              if (restartReason) {
                yield { type: 'restart', model: ref, reason: restartReason };
                restartReason = undefined;
                tally.ttftAt = undefined;
              }
              continue;
            }
            if (event.type === 'text' && tally.ttftAt === undefined) tally.ttftAt = parts.now();
            yield event;
          }
        } finally {
          // The caller stopped reading mid-attempt: closing the attempt cancels its HTTP request.
          if (!outcome) await run.return(undefined as never);
        }

        if (outcome.ok) {
          this.tallyAttempt(tally, prepared, outcome.usage, outcome.text);
          tally.stopReason = outcome.stopReason;
          parts.log(`answered by ${ref} after ${tally.attempts} attempt(s)`);
          const record = finish('ok');
          if (outcome.usage) yield { type: 'usage', usage: outcome.usage };
          yield { type: 'done', stopReason: outcome.stopReason };
          yield { type: 'record', record };
          return;
        }

        const { error } = outcome;
        if (outcome.started) this.tallyAttempt(tally, prepared, outcome.usage, outcome.text);
        if (error.kind === 'aborted' || request.signal?.aborted) {
          return yield* fail(request.signal?.aborted ? abortedError() : error, 'aborted');
        }
        lastError = error;
        if (outcome.circuitOpen) {
          const note = `${ref} skipped: ${error.message}`;
          parts.log(note);
          tally.fallbackNotes.push(note);
          failures.push({ ref, error });
          pendingFallback = { from: ref, reason: note };
          break;
        }
        if (outcome.text) {
          restartReason = `${ref} ${describeKind(error)} after ${outcome.text.length} characters of its answer; the answer restarts`;
        }
        let retry = budget.decide(error, attemptOnModel);
        if (retry.retry && outcome.text && !isLast) {
          // Text was already shown: a different model is the better bet than repeating the one that broke off.
          retry = { retry: false, because: `${describeKind(error)} mid-answer` };
        }
        if (!retry.retry) {
          const note = `${ref}: ${retry.because}`;
          parts.log(note);
          tally.fallbackNotes.push(note);
          failures.push({ ref, error });
          pendingFallback = { from: ref, reason: note };
          break;
        }
        parts.log(`retry ${ref} in ${retry.delayMs} ms (${retry.basis}): ${error.message}`);
        yield { type: 'retry', model: ref, attempt: tally.attempts, delayMs: retry.delayMs, error };
        try {
          await parts.sleep(retry.delayMs, request.signal);
        } catch {
          // the wait was cut short by the caller's abort
        }
        budget.waitedFor(retry.delayMs);
        if (request.signal?.aborted) return yield* fail(abortedError(), 'aborted');
      }
    }

    yield* fail(summarizeFailures(failures, lastError));
  }

  /** Finds the adapter and checks the model fits; a model that cannot work is skipped before anything is sent. */
  private async prepare(
    ref: ModelRef,
    request: GatewayRequest,
    decision: RouteDecision,
    promptTokens: (encoding: EncodingName) => Promise<number>,
  ): Promise<Prepared | { skip: ProviderError }> {
    const colon = ref.indexOf(':');
    if (colon <= 0 || colon === ref.length - 1) {
      return { skip: new ProviderError({ kind: 'bad_request', message: `"${ref}" is not a model reference: write it as provider:model, e.g. openai:gpt-4o-mini` }) };
    }
    const providerId = ref.slice(0, colon);
    const modelId = ref.slice(colon + 1);
    let adapter: ProviderAdapter;
    try {
      adapter = this.parts.adapterFor(providerId);
    } catch (error) {
      return { skip: asProviderError(error, 'bad_request') };
    }
    if (decision.localOnly && adapter.kind !== 'ollama' && !this.parts.catalog.lookup(ref)?.local) {
      return { skip: new ProviderError({ kind: 'bad_request', message: `${ref} is not a local model and this request must stay local` }) };
    }
    const info = this.parts.catalog.lookup(ref);
    const encoding = tokenizerSpecFor(info).encoding;
    const inputTokens = await promptTokens(encoding);
    const reserve = Math.min(this.parts.config.budget.outputReserve, info?.maxOutput ?? Infinity);
    const checked = request.maxOutputTokens ?? reserve;
    let window = info?.contextWindow;
    if (adapter.contextWindowFor) window = (await adapter.contextWindowFor(modelId).catch(() => undefined)) ?? window;
    if (window !== undefined && inputTokens + checked > window) {
      return {
        skip: new ProviderError({
          kind: 'context_overflow',
          provider: providerId,
          model: modelId,
          message:
            `the prompt (~${inputTokens.toLocaleString('en-US')} tokens) plus ${checked.toLocaleString('en-US')} reserved for the answer ` +
            `exceeds ${ref}'s ${window.toLocaleString('en-US')}-token window — shorten the prompt, lower the output reserve, ` +
            `or add a model with a larger window to the route's fallbacks`,
        }),
      };
    }
    const exactCount = tokenizerSpecFor(info).kind === 'exact';
    const maxOutputTokens = request.maxOutputTokens ?? defaultOutputLimit(info, window, inputTokens, checked, exactCount);
    return { ref, providerId, modelId, adapter, info, inputTokens, reserve: checked, maxOutputTokens };
  }

  /**
   * One attempt on one model, inside the provider's circuit breaker. Yields `attempt` once the breaker lets it
   * through, then text as it streams; returns how it ended. Usage and done are held back until the answer passed
   * its validator, so a caller never sees `done` for an answer that is about to be replaced.
   */
  private async *attempt(p: Prepared, request: GatewayRequest, validator: OutputValidator | undefined, budget: RetryBudget): AsyncGenerator<GatewayEvent, AttemptOutcome> {
    const controller = new AbortController();
    const onAbort = () => controller.abort(request.signal?.reason);
    if (request.signal?.aborted) controller.abort(request.signal.reason);
    else request.signal?.addEventListener('abort', onAbort, { once: true });

    const queue = new EventQueue<ChatEvent | { type: 'attempt' }>();
    let started = false;
    let completed = false;
    const { resilience } = this.parts;
    const providerRequest = { ...request, maxOutputTokens: p.maxOutputTokens, signal: controller.signal };
    const limits = budget.silenceLimits();
    const execution = this.breakers.execute(p.providerId, p.ref, async () => {
      started = true;
      queue.push({ type: 'attempt' });
      let done = false;
      for await (const event of watchStream(p.adapter.stream(p.modelId, providerRequest), limits, controller, p.ref, (ms) => budget.stalledFor(ms))) {
        if (event.type === 'error') throw event.error;
        queue.push(event);
        if (event.type === 'done') done = true;
      }
      if (!done) {
        throw new ProviderError({ kind: 'incomplete', provider: p.providerId, model: p.modelId, message: `${p.ref} ended its answer without finishing it (no end-of-stream event)` });
      }
    });
    execution.then(
      () => queue.close(),
      (error: unknown) => queue.fail(error),
    );

    let text = '';
    let usage: Usage | undefined;
    let stopReason: StopReason = 'other';
    try {
      for await (const event of queue) {
        if (event.type === 'attempt') yield { type: 'attempt', model: p.ref, attempt: 0 };
        else if (event.type === 'text') {
          text += event.text;
          yield event;
        } else if (event.type === 'usage') usage = event.usage;
        else if (event.type === 'done') stopReason = event.stopReason;
      }
      completed = true;
    } catch (error) {
      completed = true;
      if (error instanceof CircuitOpenError) {
        return {
          ok: false,
          started,
          text,
          circuitOpen: true,
          error: new ProviderError({ kind: 'overloaded', provider: p.providerId, model: p.modelId, message: circuitOpenMessage(error.circuit, resilience) }),
        };
      }
      const normalized = controller.signal.aborted && request.signal?.aborted ? abortedError() : asProviderError(error, 'network');
      return { ok: false, started, text, usage, error: normalized };
    } finally {
      request.signal?.removeEventListener('abort', onAbort);
      // The caller stopped reading (or broke out): cancel the request instead of letting it run on.
      if (!completed) controller.abort(new Error('the caller stopped reading'));
    }

    if (validator) {
      const problem = validateOutput(text, validator);
      if (problem) {
        return {
          ok: false,
          started,
          text,
          usage,
          error: new ProviderError({ kind: 'invalid_output', provider: p.providerId, model: p.modelId, message: `${p.ref}'s answer failed the route's validator: ${problem}` }),
        };
      }
    }
    return { ok: true, text, usage, stopReason };
  }

  /**
   * Cost and tokens of one attempt, added to the call's: provider usage when reported; an estimate for a partial
   * answer (billed but never reported: the stream broke off); nothing for a refused call.
   */
  private tallyAttempt(tally: CallTally, p: Prepared, usage: Usage | undefined, text: string): void {
    if (usage) {
      tally.addCost(costOfUsage(p.info, usage));
      tally.addUsage(usage.input.total, usage.output.total, usage.input.cacheRead ?? 0, usage.source);
    } else if (text) {
      const output = Math.ceil(text.length / 4);
      tally.addCost(estimateCallCost(p.info, p.inputTokens, output));
      tally.addUsage(p.inputTokens, output, 0, 'estimate');
    }
  }

  private buildRecord(args: {
    request: GatewayRequest;
    requestId: string;
    startedAt: number;
    route: Route;
    tally: CallTally;
    outcome: CallRecord['outcome'];
    error?: ProviderError;
  }): CallRecord {
    const { request, tally, route, error } = args;
    const now = this.parts.now();
    const tried = tally.lastTried;
    const finalRef = tried?.ref ?? route.primary;
    const colon = finalRef.indexOf(':');
    const redact = this.parts.redact ?? ((text: string) => redactSecrets(text));
    const record: CallRecord = {
      at: new Date(args.startedAt).toISOString(),
      requestId: args.requestId,
      task: request.task,
      route: [route.primary, ...route.fallbacks].filter(Boolean),
      reason: route.reason,
      provider: colon > 0 ? finalRef.slice(0, colon) : '',
      model: colon > 0 ? finalRef.slice(colon + 1) : finalRef,
      inputTokens: tally.inputTokens,
      outputTokens: tally.outputTokens,
      costUsd: tally.cost,
      estimatedCostUsd: tally.estimatedCost ?? null,
      ttftMs: tally.ttftAt === undefined ? null : tally.ttftAt - args.startedAt,
      totalMs: now - args.startedAt,
      attempts: tally.attempts,
      fallbackUsed: tried !== undefined && tried.ref !== route.primary,
      outcome: args.outcome,
    };
    if (tally.cachedInputTokens) record.cachedInputTokens = tally.cachedInputTokens;
    if (tally.usageSource) record.usageSource = tally.usageSource;
    if (args.outcome === 'ok' && tally.stopReason) record.stopReason = tally.stopReason;
    if (tried?.maxOutputTokens !== undefined) record.maxOutputTokens = tried.maxOutputTokens;
    if (tally.fallbackNotes.length > 0) record.fallbackReason = redact(tally.fallbackNotes.join('; '));
    if (error) {
      record.errorKind = error.kind;
      // Adapter errors are already redacted against their keys; this catches every key in use and key shapes from anywhere else.
      record.errorMessage = redact(error.message);
    }
    if (request.source) record.source = request.source;
    if (this.parts.sessionId) record.sessionId = this.parts.sessionId;
    if (this.parts.config.logPrompts) record.prompt = redact(promptText(request));
    return record;
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
      classify: (model, request) => this.classify(model, request),
      installedLocalModels: () => this.installedLocalModels(),
    };
  }

  /** Classify-then-route: the label comes from a call through this same gateway, so it is retried and recorded. */
  private async classify(model: ModelRef, request: GatewayRequest): Promise<{ label: ComplexityLabel; description?: string }> {
    const lastUser = [...request.messages].reverse().find((m) => m.role === 'user')?.content ?? '';
    const result = await this.complete({
      task: 'classify',
      model,
      system: CLASSIFY_SYSTEM,
      messages: [{ role: 'user', content: lastUser }],
      maxOutputTokens: 5,
      temperature: 0,
      signal: request.signal,
      filePath: request.filePath,
      source: 'router',
    });
    const answer = result.text.trim().toUpperCase();
    const label: ComplexityLabel | undefined = /\bSIMPLE\b/.test(answer) ? 'SIMPLE' : /\bCOMPLEX\b/.test(answer) ? 'COMPLEX' : undefined;
    if (label) return { label };
    // Not the answer itself: a classifier that echoes the request would put prompt text into the ledger's reason.
    const why = result.error ? result.error.message : `its ${answer.length}-character answer was neither SIMPLE nor COMPLEX`;
    return { label: 'COMPLEX', description: `the classifier ${model} gave no label (${why}), so COMPLEX` };
  }

  /** Models the configured Ollama providers have installed (remembered once found; an unreachable server is asked again). */
  private installedLocalModels(): Promise<ModelRef[]> {
    if (!this.installed) {
      const lookups = this.parts.config.providers
        .filter((p) => p.kind === 'ollama')
        .map(async (p) => {
          try {
            const adapter = this.parts.adapterFor(p.id);
            return (await adapter.listModels?.())?.map((m) => `${p.id}:${m.id}`) ?? [];
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

function abortedError(): ProviderError {
  return new ProviderError({ kind: 'aborted', message: 'Cancelled: the request was stopped before the answer finished.' });
}

function asProviderError(error: unknown, kind: ErrorKind): ProviderError {
  if (error instanceof ProviderError) return error;
  return new ProviderError({ kind, message: error instanceof Error ? error.message : String(error), cause: error });
}

/** One model: its own actionable message. Several: each model's message on its own line. */
function summarizeFailures(failures: { ref: ModelRef; error: ProviderError }[], lastError: ProviderError | undefined): ProviderError {
  if (failures.length === 0) return lastError ?? new ProviderError({ kind: 'bad_request', message: 'The route has no model to try.' });
  if (failures.length === 1) return failures[0].error;
  const last = failures[failures.length - 1].error;
  return new ProviderError({
    kind: last.kind,
    provider: last.provider,
    model: last.model,
    status: last.status,
    message: `No model on the route could answer:\n${failures.map((f) => `  ${f.ref}: ${f.error.message}`).join('\n')}`,
  });
}

import { createWriteStream, mkdirSync, type WriteStream } from 'node:fs';
import { dirname } from 'node:path';
import type { CallRecord } from '../cost/callRecord';
import type { ModelRef } from '../models/modelRef';
import type { ChatGateway, GatewayRequest, GatewayResult } from '../gateway/gatewayApi';
import type { StopReason } from '../providers/chat';
import { ProviderError } from '../providers/providerError';
import { loadTokenizer } from '../tokens/encodings';
import type { AssertionRuntime } from './assertions/assertionOutcome';
import { graderRuntime } from './graderRuntime';
import { runAssertions } from './assertions/runAssertions';
import type { EvalCase, EvalFile, PromptSpec, ProviderSpec } from './evalModel';
import type { EvalCaseResult, Verdict } from './evalResult';
import { MatrixAccumulator, type CandidateStats } from './matrixStats';
import { DEFAULT_CALLS_PER_DAY, DEFAULT_MIN_PASS_RATE, selectModel, type ModelSelectionRecord } from './modelSelection';
import { renderPrompt } from './renderPrompt';
import { ResponseCache } from './responseCache';
import { TemplateError } from './template';

export const DEFAULT_CONCURRENCY = 4;

export interface EvalRunOptions {
  /** Every model call (answers and grades) goes through it: routing, retries, cost and the ledger apply. */
  gateway: ChatGateway;
  /** Parallel calls (`-j`); default 4. */
  concurrency?: number;
  /** Runs of every case (`--repeat`); default 1. Each repeat is its own cache entry. */
  repeat?: number;
  /** Absent = no cache (`--no-cache`). */
  cache?: ResponseCache;
  signal?: AbortSignal;
  onEvent?: (event: EvalEvent) => void;
  /** Each result is appended here as one JSON line the moment it is known. */
  jsonlPath?: string;
  /** javascript assertions run only when true. */
  allowCode: boolean;
  /** Grader for llm-rubric where the file names none (CLI `--grader`). */
  grader?: ModelRef;
  /** Replaces every file's providers (the editor's "compare models"). */
  providers?: ModelRef[];
  /** Which cases to run (the editor runs single items); default all. */
  select?: (file: EvalFile, caseIndex: number, provider: ModelRef | undefined) => boolean;
  /** The ref to call for a provider spec; lets the host map `apiBaseUrl` specs to their own provider entry. */
  refFor?: (spec: ProviderSpec) => ModelRef;
  /** Quality gate for the recommendation when the file sets none (`--min-pass-rate`); default 1.0. */
  minPassRate?: number;
  /** Calls per day for the monthly cost estimate when the file sets none; default 1000. */
  callsPerDay?: number;
  /**
   * How the model-selection record names the eval file (the dataset): a path relative to the workspace or the
   * current directory, so a record committed next to the file does not carry someone's home directory.
   * Default: the path as given.
   */
  displayPath?: (path: string) => string;
  codeTimeoutMs?: number;
  /**
   * Runs each case inside this wrapper (e.g. a trace span the case's calls nest under); the case's `case-start` and
   * `result` events and its model calls all happen inside `run`. The wrapper must call `run` exactly once.
   */
  aroundCase?: (start: CaseStart, run: () => Promise<void>) => Promise<void>;
}

/** Which case is starting: what `case-start` reports, plus the case's description. */
export interface CaseStart {
  file: string;
  caseIndex: number;
  description: string;
  provider?: ModelRef;
  promptIndex: number;
  repeat: number;
}

export type EvalEvent =
  | { type: 'start'; total: number; files: string[] }
  | { type: 'case-start'; file: string; caseIndex: number; provider?: ModelRef; promptIndex: number; repeat: number }
  | { type: 'result'; result: EvalCaseResult; completed: number; total: number }
  | { type: 'done'; summary: EvalRunSummary };

export interface FileSummary {
  file: string;
  description?: string;
  candidates: CandidateStats[];
  /** Present when the file ran on two or more providers. */
  selection?: ModelSelectionRecord;
}

export interface EvalRunSummary {
  total: number;
  passed: number;
  failed: number;
  errors: number;
  skipped: number;
  cached: number;
  cancelled: boolean;
  wallMs: number;
  /** Money spent by this run: answers and grades that were not read from the cache. */
  newSpendUsd: number;
  /** Calls of this run whose price is unknown. */
  unknownCostCalls: number;
  files: FileSummary[];
}

interface Job {
  file: EvalFile;
  test: EvalCase;
  promptIndex: number;
  prompt: PromptSpec;
  provider?: ProviderSpec;
  ref?: ModelRef;
  repeat: number;
}

/**
 * Runs eval files: every test × prompt × provider × repeat, `concurrency` at a time. Results go out as events and
 * JSONL lines as they arrive and are not kept here (only per-candidate numbers for the summary), so a long run's
 * memory does not grow with its outputs. Never throws for provider faults: a failed call is a case with `error`.
 */
export async function runEval(files: readonly EvalFile[], options: EvalRunOptions): Promise<EvalRunSummary> {
  const started = Date.now();
  // Files and tests that need promptfoo never run natively (their errors say so; delegation runs them).
  const runnable = files.filter((f) => !f.fatal && f.needsPromptfoo !== 'file');
  const repeat = Math.max(1, Math.floor(options.repeat ?? 1));
  const jobs = [...planJobs(runnable, options, repeat)];
  const total = jobs.length;
  const emit = options.onEvent ?? (() => undefined);
  const out = options.jsonlPath ? openJsonl(options.jsonlPath) : undefined;
  const matrices = new Map<string, MatrixAccumulator>(runnable.map((f) => [f.path, new MatrixAccumulator(f.prompts.length > 1)]));
  const summary: EvalRunSummary = {
    total, passed: 0, failed: 0, errors: 0, skipped: 0, cached: 0, cancelled: false, wallMs: 0, newSpendUsd: 0, unknownCostCalls: 0, files: [],
  };
  emit({ type: 'start', total, files: runnable.map((f) => f.path) });
  // The gateway counts every prompt with o200k (routing); loading its ranks once here, not inside the first cases,
  // keeps the one-time 0.3-1 s load out of their measured latency (and out of `latency` assertions).
  if (jobs.length > 0) await loadTokenizer('o200k_base').catch(() => undefined);

  let completed = 0;
  const runCase = async (job: Job) => {
    emit({ type: 'case-start', file: job.file.path, caseIndex: job.test.index, provider: job.ref, promptIndex: job.promptIndex, repeat: job.repeat });
    const { result, spent } = await runJob(job, options);
    if (options.signal?.aborted && result.error?.kind === 'aborted') return;
    completed++;
    summary[result.verdict === 'pass' ? 'passed' : result.verdict === 'fail' ? 'failed' : result.verdict === 'error' ? 'errors' : 'skipped']++;
    if (result.cached) summary.cached++;
    summary.newSpendUsd += spent.usd;
    summary.unknownCostCalls += spent.unknownCalls;
    matrices.get(job.file.path)!.add(result);
    out?.write(`${JSON.stringify(result)}\n`);
    emit({ type: 'result', result, completed, total });
  };
  await pool(jobs, Math.max(1, Math.floor(options.concurrency ?? DEFAULT_CONCURRENCY)), options.signal, async (job) => {
    if (!options.aroundCase) return runCase(job);
    const start: CaseStart = { file: job.file.path, caseIndex: job.test.index, description: job.test.description, provider: job.ref, promptIndex: job.promptIndex, repeat: job.repeat };
    await options.aroundCase(start, () => runCase(job));
  });

  if (out) await closeJsonl(out);
  summary.cancelled = options.signal?.aborted ?? false;
  summary.wallMs = Date.now() - started;
  for (const file of runnable) {
    const candidates = matrices.get(file.path)!.stats();
    const fileSummary: FileSummary = { file: file.path, description: file.description, candidates };
    if (candidates.length >= 2) {
      fileSummary.selection = selectModel(candidates, {
        task: file.task,
        description: file.description,
        file: options.displayPath?.(file.path) ?? file.path,
        cases: file.tests.length,
        repeats: repeat,
        minPassRate: file.minPassRate ?? options.minPassRate ?? DEFAULT_MIN_PASS_RATE,
        callsPerDay: file.callsPerDay ?? options.callsPerDay ?? DEFAULT_CALLS_PER_DAY,
      });
    }
    summary.files.push(fileSummary);
  }
  emit({ type: 'done', summary });
  return summary;
}

/** The jobs in file order: tests, then prompts, then providers, then repeats (references only, no rendering yet). */
function* planJobs(files: readonly EvalFile[], options: EvalRunOptions, repeat: number): Generator<Job> {
  for (const file of files) {
    const providers: (ProviderSpec | undefined)[] = options.providers
      ? options.providers.map((ref) => ({ id: ref, ref, label: ref, location: file.providers[0]?.location ?? { file: file.path, range: { start: { line: 0, column: 0 }, end: { line: 0, column: 0 } } } }))
      : file.providers.length > 0
        ? file.providers
        : [undefined];
    for (const test of file.tests) {
      if (test.needsPromptfoo) continue;
      for (let promptIndex = 0; promptIndex < file.prompts.length; promptIndex++) {
        for (const provider of providers) {
          const ref = provider ? (options.refFor ?? ((p: ProviderSpec) => p.ref))(provider) : undefined;
          if (options.select && !options.select(file, test.index, provider?.ref)) continue;
          for (let r = 0; r < repeat; r++) yield { file, test, promptIndex, prompt: file.prompts[promptIndex], provider, ref, repeat: r };
        }
      }
    }
  }
}

export interface Spent {
  usd: number;
  unknownCalls: number;
}

async function runJob(job: Job, options: EvalRunOptions): Promise<{ result: EvalCaseResult; spent: Spent }> {
  const spent: Spent = { usd: 0, unknownCalls: 0 };
  const base = {
    file: job.file.path,
    caseIndex: job.test.index,
    description: job.test.description,
    location: job.test.location,
    promptIndex: job.promptIndex,
    promptLabel: job.prompt.label,
    provider: job.provider?.ref,
    providerLabel: job.provider?.label ?? `route:${job.file.task}`,
    repeat: job.repeat,
  };
  let rendered;
  try {
    rendered = renderPrompt(job.prompt, job.test.vars);
  } catch (error) {
    const message = error instanceof TemplateError ? `The prompt could not be rendered: ${error.message}` : String(error);
    return { result: failedResult(base, '', { kind: 'template', message }), spent };
  }
  const request: GatewayRequest = {
    task: job.file.task,
    messages: rendered.messages,
    system: rendered.system,
    temperature: job.provider?.temperature,
    maxOutputTokens: job.provider?.maxTokens,
    source: 'eval',
    signal: options.signal,
  };
  if (job.ref) {
    request.model = job.ref;
    // A comparison measures the named model; its fallbacks would blur which model answered.
    request.fallbacks = [];
  }
  const answer = await cachedComplete(options, request, { role: 'answer', ref: job.ref ?? `route:${job.file.task}`, baseUrl: job.provider?.apiBaseUrl, repeat: job.repeat }, spent);
  if (answer.error) {
    return { result: failedResult(base, rendered.display, { kind: answer.error.kind, message: answer.error.message }, answer.record), spent };
  }
  const record = answer.record;
  const graderCosts: (number | null)[] = [];
  const runtime: AssertionRuntime = {
    allowCode: options.allowCode,
    fallbackGrader: options.grader,
    testGrader: job.test.grader,
    grading: job.test.grading,
    codeTimeoutMs: options.codeTimeoutMs,
    signal: options.signal,
    baseDir: dirname(job.file.path),
    ...graderRuntime((request, identity) => cachedComplete(options, request, { ...identity, repeat: job.repeat }, spent), options, job.repeat, spent, graderCosts),
  };
  const verdict = await runAssertions(
    job.test.assert,
    { output: answer.text, vars: job.test.vars, prompt: rendered.display, latencyMs: record.totalMs, costUsd: record.costUsd, cached: answer.cached, stopReason: answer.stopReason, test: { description: job.test.description, vars: job.test.vars } },
    runtime,
    job.test.threshold,
  );
  const v: Verdict = verdict.skipped ? 'skipped' : verdict.pass ? 'pass' : 'fail';
  return {
    result: {
      ...base,
      model: `${record.provider}:${record.model}`,
      verdict: v,
      pass: verdict.pass,
      score: verdict.score,
      reason: verdict.reason,
      assertions: verdict.assertions,
      output: answer.text,
      prompt: rendered.display,
      latencyMs: record.totalMs,
      ttftMs: record.ttftMs,
      costUsd: record.costUsd,
      graderCostUsd: graderCosts.length === 0 ? undefined : graderCosts.some((c) => c === null) ? null : graderCosts.reduce<number>((a, c) => a + (c ?? 0), 0),
      tokens: { input: record.inputTokens, output: record.outputTokens },
      cached: answer.cached,
      ...(record.stopReason ? { stopReason: record.stopReason } : {}),
    },
    spent,
  };
}

function failedResult(
  base: Omit<EvalCaseResult, 'verdict' | 'pass' | 'score' | 'reason' | 'assertions' | 'output' | 'prompt' | 'latencyMs' | 'ttftMs' | 'costUsd' | 'tokens' | 'cached'>,
  prompt: string,
  error: NonNullable<EvalCaseResult['error']>,
  record?: CallRecord,
): EvalCaseResult {
  return {
    ...base,
    model: record ? `${record.provider}:${record.model}` : undefined,
    verdict: 'error',
    pass: false,
    score: 0,
    reason: error.message,
    assertions: [],
    output: '',
    prompt,
    latencyMs: record?.totalMs ?? 0,
    ttftMs: record?.ttftMs ?? null,
    costUsd: record?.costUsd ?? null,
    tokens: { input: record?.inputTokens ?? 0, output: record?.outputTokens ?? 0 },
    cached: false,
    error,
  };
}

export interface Answer {
  text: string;
  record: CallRecord;
  cached: boolean;
  error?: ProviderError;
  stopReason?: StopReason;
}

/**
 * A cache hit returns the stored answer with its original record (latency, cost) and makes no call, so nothing new
 * reaches the ledger and nothing is spent. Only successful answers are stored.
 */
export async function cachedComplete(
  options: Pick<EvalRunOptions, 'cache' | 'gateway'>,
  request: GatewayRequest,
  identity: { role: 'answer' | 'grade'; ref: string; baseUrl?: string; repeat: number },
  spent: Spent,
): Promise<Answer> {
  const key = options.cache
    ? ResponseCache.key({
        ...identity,
        task: request.task,
        messages: request.messages,
        system: request.system,
        temperature: request.temperature,
        maxOutputTokens: request.maxOutputTokens,
        responseFormat: request.responseFormat,
      })
    : undefined;
  if (key) {
    const hit = options.cache!.get(key);
    if (hit) return { text: hit.text, record: hit.record, cached: true, stopReason: hit.stopReason };
  }
  let result: GatewayResult;
  try {
    result = await options.gateway.complete(request);
  } catch (error) {
    // The gateway promises not to throw; if one does, the case still fails with its message instead of the run.
    const message = error instanceof Error ? error.message : String(error);
    return { text: '', record: syntheticRecord(request), cached: false, error: error instanceof ProviderError ? error : new ProviderError({ kind: 'server', message }) };
  }
  if (result.record.costUsd === null) spent.unknownCalls++;
  else spent.usd += result.record.costUsd;
  if (result.error || result.record.outcome !== 'ok') {
    const error = result.error ?? new ProviderError({ kind: result.record.errorKind ?? 'server', message: result.record.errorMessage ?? 'The call failed' });
    return { text: result.text, record: result.record, cached: false, error };
  }
  if (key) options.cache!.set(key, { text: result.text, record: result.record, stopReason: result.stopReason });
  return { text: result.text, record: result.record, cached: false, stopReason: result.stopReason };
}

function syntheticRecord(request: GatewayRequest): CallRecord {
  const [provider = '', ...model] = (request.model ?? '').split(':');
  return {
    at: new Date().toISOString(), requestId: '', task: request.task, route: request.model ? [request.model] : [], reason: '', provider, model: model.join(':'),
    inputTokens: 0, outputTokens: 0, costUsd: null, ttftMs: null, totalMs: 0, attempts: 0, fallbackUsed: false, outcome: 'error',
  };
}

/** `size` workers pull jobs from one iterator; they stop taking new ones once the run is cancelled. */
async function pool<T>(jobs: Iterable<T>, size: number, signal: AbortSignal | undefined, work: (job: T) => Promise<void>): Promise<void> {
  const iterator = jobs[Symbol.iterator]();
  const worker = async () => {
    for (;;) {
      if (signal?.aborted) return;
      const next = iterator.next();
      if (next.done) return;
      await work(next.value);
    }
  };
  await Promise.all(Array.from({ length: size }, worker));
}

function openJsonl(path: string): WriteStream {
  mkdirSync(dirname(path), { recursive: true });
  return createWriteStream(path, { flags: 'w' });
}

function closeJsonl(stream: WriteStream): Promise<void> {
  return new Promise((resolve, reject) => stream.end((error?: Error | null) => (error ? reject(error) : resolve())));
}

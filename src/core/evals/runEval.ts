import { createWriteStream, mkdirSync, type WriteStream } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import type { ModelRef } from '../models/modelRef';
import type { ChatGateway } from '../gateway/gatewayApi';
import { sharedSandbox } from './assertions/sandboxWorker';
import type { AssertionSpec, EvalFile, ProviderSpec } from './evalModel';
import type { EvalCaseResult } from './evalResult';
import { MatrixAccumulator, type CandidateStats } from './matrixStats';
import { DEFAULT_CALLS_PER_DAY, DEFAULT_MIN_PASS_RATE, selectModel, type ModelSelectionRecord } from './modelSelection';
import { countJobs, planJobs, type Job, type PlanOptions } from './planJobs';
import type { ResponseCache } from './responseCache';
import { runJob, type JobContext } from './runJob';
import { templateEnv, type TemplateFilter, type TemplateScope } from './template';

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
  /** promptfoo's default grader for the environment's keys (after `grader`), or why there is none (CLI only). */
  defaultGrader?: { ref: ModelRef } | { why: string };
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
  /** Applied to every text that leaves the run (results, JSONL): removes keys a template or an answer echoed. */
  redact?: (text: string) => string;
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

/**
 * Runs eval files: every test × repeat × provider × prompt (promptfoo's order), `concurrency` at a time (1 when a
 * test stores its output for later tests). Results go out as events and JSONL lines as they arrive and are not
 * kept here (only per-candidate numbers for the summary), so memory stays flat however many cases run. Never throws
 * for provider faults: a failed call is a case with `error`.
 */
export async function runEval(files: readonly EvalFile[], options: EvalRunOptions): Promise<EvalRunSummary> {
  const started = Date.now();
  // Files and tests that need promptfoo never run natively (their errors say so; delegation runs them).
  const runnable = files.filter((f) => !f.fatal && f.needsPromptfoo !== 'file');
  const plan: PlanOptions = {
    repeat: options.repeat === undefined ? undefined : Math.max(1, Math.floor(options.repeat)),
    providers: options.providers,
    select: options.select,
    refFor: options.refFor ?? ((p: ProviderSpec) => p.ref),
  };
  const total = countJobs(runnable, plan);
  const emit = options.onEvent ?? (() => undefined);
  const out = options.jsonlPath ? openJsonl(options.jsonlPath) : undefined;
  const matrices = new Map<string, MatrixAccumulator>(runnable.map((f) => [f.path, new MatrixAccumulator(f.prompts.length > 1)]));
  // The recommendation chooses between models: one candidate per model, whatever the number of prompts.
  const byModel = new Map<string, MatrixAccumulator>(runnable.map((f) => [f.path, new MatrixAccumulator(false)]));
  const summary: EvalRunSummary = {
    total,
    passed: 0,
    failed: 0,
    errors: 0,
    skipped: 0,
    cached: 0,
    cancelled: false,
    wallMs: 0,
    newSpendUsd: 0,
    unknownCostCalls: 0,
    files: [],
  };
  emit({ type: 'start', total, files: runnable.map((f) => f.path) });
  // A tokenizer the gateway will need for these models (most calls need none) is loaded once here, not inside the
  // first cases: the one-time 0.3-1 s load stays out of their measured latency (and out of `latency` assertions).
  if (total > 0) await options.gateway.warmUp?.([...(options.providers ?? []), ...runnable.flatMap((f) => f.providers.map(plan.refFor))]);
  // The worker javascript assertions run in starts alongside the first calls rather than after their answers.
  if (total > 0 && options.allowCode && runnable.some(usesJavascriptAssertions)) sharedSandbox.warmUp();
  const shared: JobContext = { registers: new Map(), scopeFor: scopes(runnable, options.allowCode) };
  // promptfoo runs serially when a test stores its output for later tests (storeOutputAs).
  const serial = runnable.some((f) => f.tests.some((t) => t.options?.storeOutputAs));
  const concurrency = serial ? 1 : Math.max(1, Math.floor(options.concurrency ?? DEFAULT_CONCURRENCY));

  let completed = 0;
  const runCase = async (job: Job) => {
    emit({
      type: 'case-start',
      file: job.file.path,
      caseIndex: job.test.index,
      provider: job.ref,
      promptIndex: job.promptIndex,
      repeat: job.repeat,
    });
    const { result: raw, spent } = await runJob(job, options, shared);
    if (options.signal?.aborted && raw.error?.kind === 'aborted') return;
    const result = options.redact ? redactResult(raw, options.redact) : raw;
    completed++;
    summary[
      result.verdict === 'pass' ? 'passed' : result.verdict === 'fail' ? 'failed' : result.verdict === 'error' ? 'errors' : 'skipped'
    ]++;
    if (result.cached) summary.cached++;
    summary.newSpendUsd += spent.usd;
    summary.unknownCostCalls += spent.unknownCalls;
    matrices.get(job.file.path)!.add(result);
    byModel.get(job.file.path)!.add(result);
    if (out && !out.write(`${JSON.stringify(result)}\n`)) await drained(out);
    emit({ type: 'result', result, completed, total });
  };
  await pool(planJobs(runnable, plan), concurrency, options.signal, async (job) => {
    if (!options.aroundCase) return runCase(job);
    const start: CaseStart = {
      file: job.file.path,
      caseIndex: job.test.index,
      description: job.test.description,
      provider: job.ref,
      promptIndex: job.promptIndex,
      repeat: job.repeat,
    };
    await options.aroundCase(start, () => runCase(job));
  });

  if (out) await closeJsonl(out);
  summary.cancelled = options.signal?.aborted ?? false;
  summary.wallMs = Date.now() - started;
  for (const file of runnable)
    summary.files.push(fileSummary(file, matrices.get(file.path)!, byModel.get(file.path)!, plan.repeat ?? file.repeat ?? 1, options));
  emit({ type: 'done', summary });
  return summary;
}

function fileSummary(
  file: EvalFile,
  matrix: MatrixAccumulator,
  byModel: MatrixAccumulator,
  repeats: number,
  options: EvalRunOptions,
): FileSummary {
  const candidates = matrix.stats();
  const models = byModel.stats().filter((c) => c.provider);
  const summary: FileSummary = { file: file.path, description: file.description, candidates };
  // Two prompts on one model are not a model choice: no recommendation (it would name that model twice).
  if (new Set(models.map((c) => c.provider)).size >= 2) {
    summary.selection = selectModel(models, {
      task: file.task,
      description: file.description,
      file: options.displayPath?.(file.path) ?? file.path,
      cases: file.tests.length,
      repeats,
      minPassRate: file.minPassRate ?? options.minPassRate ?? DEFAULT_MIN_PASS_RATE,
      callsPerDay: file.callsPerDay ?? options.callsPerDay ?? DEFAULT_CALLS_PER_DAY,
    });
  }
  return summary;
}

/**
 * Each file's template scope: `env` = the process environment overlaid with the file's `env:`, and its
 * `nunjucksFilters` (JavaScript modules: loaded only where code may run; otherwise every case says why).
 */
function scopes(files: readonly EvalFile[], allowCode: boolean): (file: string) => TemplateScope | Error {
  const byFile = new Map<string, TemplateScope | Error>();
  for (const file of files) {
    const env = templateEnv(file.env);
    const names = Object.entries(file.nunjucksFilters ?? {});
    if (names.length === 0) byFile.set(file.path, { env });
    else if (!allowCode)
      byFile.set(
        file.path,
        new Error(
          '`nunjucksFilters` are JavaScript modules: they run only where code may run (a trusted workspace, or the CLI without --no-code)',
        ),
      );
    else byFile.set(file.path, loadFilters(file.path, names, env));
  }
  return (file) => byFile.get(file) ?? {};
}

function loadFilters(evalFile: string, names: [string, string][], env: Record<string, string | undefined>): TemplateScope | Error {
  try {
    const load = createRequire(evalFile);
    const filters: Record<string, TemplateFilter> = {};
    for (const [name, module] of names) {
      const loaded = load(module) as TemplateFilter | { default?: TemplateFilter };
      const fn = typeof loaded === 'function' ? loaded : loaded?.default;
      if (typeof fn !== 'function') throw new Error(`nunjucksFilters.${name}: ${module} must export a function`);
      filters[name] = fn;
    }
    return { env, filters };
  } catch (error) {
    return new Error(`nunjucksFilters could not be loaded: ${(error as Error).message}`);
  }
}

/**
 * Everything a model, a template or an error produced is redacted; the ids the run is keyed by (the provider as the
 * file names it, the model, the file) are not: they come from the eval file and our catalog, never from an answer,
 * and a key fragment that happens to spell a vendor's name (`emu-anthropic-key`) must not rename the column.
 */
function usesJavascriptAssertions(file: EvalFile): boolean {
  const javascript = (a: AssertionSpec): boolean => a.type === 'javascript' || (a.assert?.some(javascript) ?? false);
  return file.tests.some((t) => t.assert.some(javascript));
}

function redactResult(result: EvalCaseResult, redact: (text: string) => string): EvalCaseResult {
  const { provider, providerLabel, model, file, location, ...rest } = result;
  const text = JSON.stringify(rest);
  const clean = redact(text);
  return clean === text ? result : { ...(JSON.parse(clean) as typeof rest), provider, providerLabel, model, file, location };
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

/** One shared wait per full buffer, however many workers hit it (no listener per worker). */
const draining = new WeakMap<WriteStream, Promise<void>>();
function drained(stream: WriteStream): Promise<void> {
  let wait = draining.get(stream);
  if (!wait) {
    wait = new Promise<void>((resolve) => stream.once('drain', () => (draining.delete(stream), resolve())));
    draining.set(stream, wait);
  }
  return wait;
}

function openJsonl(path: string): WriteStream {
  mkdirSync(dirname(path), { recursive: true });
  return createWriteStream(path, { flags: 'w' });
}

function closeJsonl(stream: WriteStream): Promise<void> {
  return new Promise((resolve, reject) => stream.end((error?: Error | null) => (error ? reject(error) : resolve())));
}

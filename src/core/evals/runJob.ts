/**
 * One call of an eval run, in promptfoo's steps (src/evaluator.ts, runEvalInternal): the case's vars plus the
 * outputs stored by earlier tests (storeOutputAs) → prefix + prompt + suffix rendered (renderPrompt) → the request
 * body promptfoo builds for the provider (prompt config over provider config) → the provider's `transform`, then the
 * test's `options.transform` → assertions over the transformed output.
 */
import type { CallRecord } from '../cost/callRecord';
import type { ModelRef } from '../models/modelRef';
import type { GatewayRequest } from '../gateway/gatewayApi';
import type { AssertionRuntime } from './assertions/assertionOutcome';
import { runAssertions } from './assertions/runAssertions';
import { runTransform, TransformError } from './codeTransforms';
import type { ProviderSpec } from './evalModel';
import type { EvalCaseResult, Verdict } from './evalResult';
import { graderRuntime } from './graderRuntime';
import { outputText, providerOutput } from './providerOutput';
import { cachedComplete, type Spent } from './modelCall';
import type { Job } from './planJobs';
import { buildRequest, PromptShapeError, type BuiltRequest } from './promptfooRequest';
import { vendorPreset } from './promptfooProviderIds';
import { PromptFunctionError, runPromptFunction } from './promptFunctions';
import { renderPromptText } from './renderPrompt';
import type { EvalRunOptions } from './runEval';
import { TemplateError, type TemplateScope } from './template';
import { dirname } from 'node:path';

/** What a job shares with the others of its run: the stored outputs and the file's template scope. */
export interface JobContext {
  registers: Map<string, Record<string, unknown>>;
  scopeFor: (file: string) => TemplateScope | Error;
}

type Base = Omit<
  EvalCaseResult,
  'verdict' | 'pass' | 'score' | 'reason' | 'assertions' | 'output' | 'prompt' | 'latencyMs' | 'ttftMs' | 'costUsd' | 'tokens' | 'cached'
>;

export async function runJob(job: Job, options: EvalRunOptions, shared: JobContext): Promise<{ result: EvalCaseResult; spent: Spent }> {
  const spent: Spent = { usd: 0, unknownCalls: 0 };
  const active = job.test.provider ?? job.provider;
  const base: Base = {
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
  const prepared = await prepare(job, options, shared, active);
  if ('error' in prepared)
    return { result: failedResult(base, prepared.prompt ?? '', { kind: 'template', message: prepared.error }), spent };
  const { request, vars, rendered } = prepared;
  const ref = job.test.provider ? (options.refFor ?? ((p: ProviderSpec) => p.ref))(job.test.provider) : job.ref;
  if (ref) {
    request.model = ref;
    // A comparison measures the named model; its fallbacks would blur which model answered.
    request.fallbacks = [];
  }
  const answer = await cachedComplete(
    options,
    request,
    { role: 'answer', ref: ref ?? `route:${job.file.task}`, baseUrl: active?.apiBaseUrl, repeat: job.repeat },
    spent,
  );
  if (answer.error)
    return { result: failedResult(base, rendered, { kind: answer.error.kind, message: answer.error.message }, answer.record), spent };
  const given = providerOutput(answer, active?.protocol, { ...(active?.config ?? {}), ...(job.prompt.config ?? {}) }, active?.azure);
  if ('error' in given) return { result: failedResult(base, rendered, { kind: 'template', message: given.error }, answer.record), spent };
  let output: unknown = given.output;
  try {
    output = await transformOutput(job, options, active, output, vars, rendered);
  } catch (error) {
    return { result: failedResult(base, rendered, { kind: 'template', message: (error as Error).message }, answer.record), spent };
  }
  if (typeof output !== 'string' && output !== given.output) {
    const message =
      'the transform returned a non-text value; llm-workbench assertions check text: return a string (e.g. JSON.stringify(value))';
    return { result: failedResult(base, rendered, { kind: 'template', message }, answer.record), spent };
  }
  if (job.test.options?.storeOutputAs && typeof output !== 'string') {
    const message =
      '`storeOutputAs` of a non-text output (tool calls, a json_schema answer) is not supported by llm-workbench: run this file with --engine promptfoo';
    return { result: failedResult(base, rendered, { kind: 'template', message }, answer.record), spent };
  }
  if (job.test.options?.storeOutputAs && output) registersOf(shared, job.file.path)[job.test.options.storeOutputAs] = output;
  const record = answer.record;
  const graderCosts: (number | null)[] = [];
  const runtime: AssertionRuntime = {
    allowCode: options.allowCode,
    fallbackGrader: options.grader,
    defaultGrader: options.defaultGrader,
    testGrader: job.test.grader,
    grading: job.test.grading,
    codeTimeoutMs: options.codeTimeoutMs,
    signal: options.signal,
    baseDir: dirname(job.file.path),
    ...graderRuntime(
      (request, identity) => cachedComplete(options, request, { ...identity, repeat: job.repeat }, spent),
      options,
      job.repeat,
      spent,
      graderCosts,
    ),
  };
  const context = {
    output: outputText(output),
    ...(typeof output !== 'string' ? { rawOutput: output } : {}),
    logProbs: answer.logProbs,
    vars,
    prompt: rendered,
    latencyMs: record.totalMs,
    costUsd: record.costUsd,
    cached: answer.cached,
    stopReason: answer.stopReason,
    test: { description: job.test.description, vars },
  };
  const verdict = await runAssertions(job.test.assert, context, runtime, job.test.threshold);
  // An assertion that threw makes the case an error, as promptfoo reports it (not a failed check).
  const v: Verdict = verdict.error !== undefined ? 'error' : verdict.skipped ? 'skipped' : verdict.pass ? 'pass' : 'fail';
  return {
    result: {
      ...base,
      model: `${record.provider}:${record.model}`,
      verdict: v,
      pass: verdict.pass,
      score: verdict.score,
      reason: verdict.reason,
      assertions: verdict.assertions,
      output: outputText(output),
      prompt: rendered,
      latencyMs: record.totalMs,
      ttftMs: record.ttftMs,
      costUsd: record.costUsd,
      graderCostUsd:
        graderCosts.length === 0
          ? undefined
          : graderCosts.some((c) => c === null)
            ? null
            : graderCosts.reduce<number>((a, c) => a + (c ?? 0), 0),
      tokens: { input: record.inputTokens, output: record.outputTokens },
      cached: answer.cached,
      ...(record.stopReason ? { stopReason: record.stopReason } : {}),
    },
    spent,
  };
}

function registersOf(shared: JobContext, file: string): Record<string, unknown> {
  let registers = shared.registers.get(file);
  if (!registers) shared.registers.set(file, (registers = {}));
  return registers;
}

type Prepared = { request: GatewayRequest; vars: Record<string, unknown>; rendered: string } | { error: string; prompt?: string };

/** vars (transformVars, stored outputs) → rendered prompt → the request. Code steps need `allowCode`. */
async function prepare(job: Job, options: EvalRunOptions, shared: JobContext, active: ProviderSpec | undefined): Promise<Prepared> {
  const scope = shared.scopeFor(job.file.path);
  if (scope instanceof Error) return { error: scope.message };
  const opts = job.test.options ?? {};
  let vars: Record<string, unknown> = structuredClone(job.test.vars);
  if (opts.transformVars) {
    if (!options.allowCode)
      return { error: '`transformVars` is code: it runs only where code may run (a trusted workspace, or the CLI without --no-code)' };
    try {
      const transformed = await runTransform(
        opts.transformVars,
        vars,
        { prompt: {}, uuid: crypto.randomUUID() },
        'vars',
        dirname(job.file.path),
      );
      if (!transformed || typeof transformed !== 'object') return { error: 'Transform function did not return a valid object' };
      vars = { ...vars, ...(transformed as Record<string, unknown>) };
    } catch (error) {
      return { error: (error as Error).message };
    }
  }
  Object.assign(vars, registersOf(shared, job.file.path));
  const fromFunction = await callPromptFunction(job, options, active, vars);
  if ('error' in fromFunction) return fromFunction;
  const raw = `${opts.prefix ?? ''}${fromFunction.raw}${opts.suffix ?? ''}`;
  let rendered: string;
  try {
    rendered = renderPromptText(raw, vars, scope);
  } catch (error) {
    return { error: `The prompt could not be rendered: ${error instanceof TemplateError ? error.message : String(error)}` };
  }
  let built: BuiltRequest | undefined;
  if (active?.protocol) {
    const config = { ...(active.config ?? {}), ...(fromFunction.config ?? {}) };
    try {
      built = buildRequest(
        active.protocol,
        modelOf(active.ref),
        rendered,
        config,
        active.azure ? 'azure' : active.vendor && vendorPreset(active.vendor)?.body === 'mistral' ? 'mistral' : 'openai',
      );
    } catch (error) {
      return { error: error instanceof PromptShapeError ? `The prompt cannot be sent: ${error.message}` : String(error), prompt: rendered };
    }
  }
  const request: GatewayRequest = built
    ? {
        task: job.file.task,
        messages: built.messages,
        system: built.system,
        maxOutputTokens: built.maxOutputTokens,
        native: { protocol: active!.protocol!, body: built.body },
        source: 'eval',
        signal: options.signal,
      }
    : {
        task: job.file.task,
        messages: [{ role: 'user', content: rendered }],
        temperature: active?.temperature,
        maxOutputTokens: active?.maxTokens,
        source: 'eval',
        signal: options.signal,
      };
  return { request, vars, rendered };
}

/** The prompt's template: its text, or what its prompt function returns for these vars (promptfoo's renderPrompt). */
async function callPromptFunction(
  job: Job,
  options: EvalRunOptions,
  active: ProviderSpec | undefined,
  vars: Record<string, unknown>,
): Promise<{ raw: string; config?: Record<string, unknown> } | { error: string }> {
  const { fn, raw, config } = job.prompt;
  if (!fn) return { raw, config };
  if (!options.allowCode)
    return {
      error: 'The prompt is a prompt function (code): it runs only where code may run (a trusted workspace, or the CLI without --no-code)',
    };
  const provider = { id: active?.id ?? job.ref ?? `route:${job.file.task}`, label: active?.label };
  try {
    const result = await runPromptFunction(
      fn,
      { vars, provider, config: config ?? {} },
      { signal: options.signal, timeoutMs: options.codeTimeoutMs },
    );
    return { raw: result.raw, config: result.config ? { ...(config ?? {}), ...result.config } : config };
  } catch (error) {
    return { error: error instanceof PromptFunctionError ? error.message : String(error) };
  }
}

async function transformOutput(
  job: Job,
  options: EvalRunOptions,
  active: ProviderSpec | undefined,
  output: unknown,
  vars: Record<string, unknown>,
  prompt: string,
): Promise<unknown> {
  const steps = [active?.transform, job.test.options?.transform].filter((t): t is string => Boolean(t));
  if (steps.length === 0) return output;
  if (!options.allowCode)
    throw new TransformError('`transform` is code: it runs only where code may run (a trusted workspace, or the CLI without --no-code)');
  let value = output;
  for (const code of steps)
    value = await runTransform(code, value, { vars, prompt: { raw: prompt, label: job.prompt.label } }, 'output', dirname(job.file.path));
  return value;
}

function modelOf(ref: ModelRef): string {
  const colon = ref.indexOf(':');
  return colon > 0 ? ref.slice(colon + 1) : ref;
}

export function failedResult(base: Base, prompt: string, error: NonNullable<EvalCaseResult['error']>, record?: CallRecord): EvalCaseResult {
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

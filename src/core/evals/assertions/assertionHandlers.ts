import type { AssertionSpec } from '../evalModel';
import type { AssertionInput, AssertionRuntime, Check } from './assertionOutcome';
import { checkJavascript } from './javascriptAssertion';
import { checkContainsJson, checkIsJson } from './jsonAssertions';
import { noGraderMessage } from './llmRubric';
import { checkCost, checkLatency } from './metricAssertions';
import { checkFinishReason, checkIsRefusal, checkWordCount } from './outputChecks';
import { checkBleu, checkRougeN } from './overlapMetrics';
import { pythonResultCheck, pythonScript } from './python/pythonAssertion';
import { runPythonCode } from './python/pythonRunner';
import { checkContains, checkContainsList, checkEquals, checkLevenshtein, checkRegex, checkStartsWith } from './textAssertions';
import { gradingCalls, type CountedGraderCalls } from './grading/gradingCalls';
import { invert, type GradedCheck } from './grading/graderCalls';
import { gradeClosedQa, gradeFactuality, gradeGEval, gradeLlmRubric } from './grading/modelGraded';
import {
  gradeAnswerRelevance,
  gradeContextFaithfulness,
  gradeContextRecall,
  gradeContextRelevance,
  resolveContext,
} from './grading/ragGraded';
import { checkSimilar, similarityMetric } from './grading/similarity';
import { checkContainsHtml, checkIsHtml } from './structured/htmlChecks';
import { checkPerplexity, checkPerplexityScore } from './structured/perplexity';
import { checkContainsSql, checkIsSql, type SqlOptions } from './structured/sqlChecks';
import { checkXml } from './structured/xmlChecks';

/** Everything one check may read: the spec, its rendered value, the (transformed) output and the runtime. */
export interface HandlerArgs {
  spec: AssertionSpec;
  value: unknown;
  /** The output as a string (a transform's non-string result as JSON, as promptfoo's `coerceString`). */
  output: string;
  /** The output before that coercion (what Python and file scripts receive). */
  rawOutput: unknown;
  input: AssertionInput;
  runtime: AssertionRuntime;
  /** promptfoo's assertion `context` for scripts. */
  context: Record<string, unknown>;
}

type Handler = (a: HandlerArgs) => Check | Promise<Check>;

const CODE_DISABLED: Check = {
  pass: false,
  score: 0,
  skipped: true,
  reason: 'skipped: code execution is disabled (untrusted workspace or --no-code)',
};

const HANDLERS: Record<string, Handler> = {
  equals: ({ output, value, spec }) => checkEquals(output, value, spec.negate),
  contains: ({ output, value, spec }) => checkContains(output, value, spec.negate, false),
  icontains: ({ output, value, spec }) => checkContains(output, value, spec.negate, true),
  'contains-any': ({ output, value, spec }) => checkContainsList(output, value, spec.negate, 'any', false),
  'contains-all': ({ output, value, spec }) => checkContainsList(output, value, spec.negate, 'all', false),
  'icontains-any': ({ output, value, spec }) => checkContainsList(output, value, spec.negate, 'any', true),
  'icontains-all': ({ output, value, spec }) => checkContainsList(output, value, spec.negate, 'all', true),
  'starts-with': ({ output, value, spec }) => checkStartsWith(output, value, spec.negate),
  regex: ({ output, value, spec, runtime }) =>
    checkRegex(output, value, spec.negate, { timeoutMs: runtime.regexTimeoutMs, signal: runtime.signal }),
  'is-json': ({ output, value, spec }) => checkIsJson(output, value, spec.negate),
  'contains-json': ({ output, value, spec }) => checkContainsJson(output, value, spec.negate),
  levenshtein: ({ output, value, spec }) => checkLevenshtein(output, value, spec.negate, spec.threshold),
  latency: ({ input, spec }) => checkLatency(input.latencyMs, spec.threshold ?? 0, spec.negate, input.cached),
  cost: ({ input, spec }) => checkCost(input.costUsd, spec.threshold ?? 0, spec.negate),
  'word-count': ({ output, value, spec }) => checkWordCount(output, value, spec.negate),
  'is-refusal': ({ output, spec }) => checkIsRefusal(output, spec.negate),
  'finish-reason': ({ input, value, spec }) => checkFinishReason(input.stopReason, value, spec.negate),
  'is-html': ({ output, spec }) => checkIsHtml(output, spec.negate),
  'contains-html': ({ output, spec }) => checkContainsHtml(output, spec.negate),
  'is-sql': ({ output, value, spec }) => checkIsSql(output, sqlOptions(value), spec.negate),
  'contains-sql': ({ output, value, spec }) => checkContainsSql(output, sqlOptions(value), spec.negate),
  'is-xml': ({ output, value, spec }) => checkXml('is-xml', output, value, spec.negate),
  'contains-xml': ({ output, value, spec }) => checkXml('contains-xml', output, value, spec.negate),
  perplexity: ({ input, spec }) => checkPerplexity(input.logProbs, spec.threshold, spec.negate),
  'perplexity-score': ({ input, spec }) => checkPerplexityScore(input.logProbs, spec.threshold, spec.negate),
  'rouge-n': ({ output, value, spec }) => checkRougeN(output, value, spec.negate, spec.threshold),
  bleu: ({ output, value, spec }) => checkBleu(output, value, spec.negate, spec.threshold),
  // promptfoo hands javascript the output as it is (an object for tool calls or a json_schema answer).
  javascript: ({ output, rawOutput, value, spec, runtime, context }) =>
    runtime.allowCode
      ? checkJavascript(
          String(value),
          typeof rawOutput === 'string' ? output : rawOutput,
          { vars: context.vars as Record<string, unknown>, prompt: String(context.prompt) },
          spec.negate,
          spec.threshold,
          runtime.codeTimeoutMs,
        )
      : CODE_DISABLED,
  python: runPython,
  'llm-rubric': graded(async ({ spec, value, output, input, runtime }, calls) => {
    const check = await gradeLlmRubric(
      calls,
      value === undefined || value === null ? '' : typeof value === 'string' ? value : JSON.stringify(value),
      output,
      input.vars,
      spec.threshold,
      rubricPromptOf(spec, runtime),
    );
    return invert(check, spec.negate, true);
  }),
  factuality: graded(({ value, output, input, spec, runtime }, calls) =>
    gradeFactuality(calls, input.prompt, String(value), output, input.vars, rubricPromptOf(spec, runtime), runtime.grading?.factuality),
  ),
  'model-graded-closedqa': graded(({ value, output, input, spec, runtime }, calls) =>
    gradeClosedQa(calls, input.prompt, String(value), output, input.vars, rubricPromptOf(spec, runtime)),
  ),
  'g-eval': graded(({ value, output, input, spec, runtime }, calls) =>
    gradeGEval(
      calls,
      Array.isArray(value) ? value.map(String) : String(value),
      input.prompt,
      output,
      spec.threshold ?? 0.7,
      spec.negate,
      rubricPromptOf(spec, runtime),
    ),
  ),
  'context-recall': graded(async ({ value, input, spec, runtime }, calls) => {
    const context = resolveContext(input.vars, input.prompt);
    if (isMissing(context)) throw new Error(context.error);
    return invert(
      await gradeContextRecall(calls, context, String(value), input.vars, spec.threshold ?? 0.5, rubricPromptOf(spec, runtime)),
      spec.negate,
    );
  }),
  'context-relevance': graded(async ({ input, spec, runtime }, calls) => {
    if (typeof input.vars.query !== 'string')
      throw new Error('context-relevance assertion requires a "query" variable with the user question');
    const context = resolveContext(input.vars);
    if (isMissing(context)) throw new Error(context.error);
    return invert(
      await gradeContextRelevance(calls, input.vars.query, context, spec.threshold ?? 0.5, rubricPromptOf(spec, runtime)),
      spec.negate,
    );
  }),
  'context-faithfulness': graded(async ({ output, input, spec, runtime }, calls) => {
    if (typeof input.vars.query !== 'string')
      throw new Error('context-faithfulness assertion requires a "query" variable with the user question');
    const context = resolveContext(input.vars);
    if (isMissing(context)) throw new Error(context.error);
    return invert(
      await gradeContextFaithfulness(
        calls,
        input.vars.query,
        output,
        context,
        input.vars,
        spec.threshold ?? 0.5,
        rubricPromptOf(spec, runtime),
      ),
      spec.negate,
    );
  }),
  'answer-relevance': graded(async ({ output, input, spec, runtime }, calls) => {
    const query = typeof input.vars.query === 'string' ? input.vars.query : input.prompt;
    return invert(await gradeAnswerRelevance(calls, query, output, spec.threshold ?? 0.5, rubricPromptOf(spec, runtime)), spec.negate);
  }),
  similar: graded(({ value, output, spec }, calls) =>
    checkSimilar(
      calls,
      Array.isArray(value) ? value.map(String) : String(value),
      output,
      spec.threshold,
      spec.negate,
      similarityMetric(spec.type),
    ),
  ),
};
HANDLERS['similar:cosine'] = HANDLERS.similar;
HANDLERS['similar:dot'] = HANDLERS.similar;
HANDLERS['similar:euclidean'] = HANDLERS.similar;

export const NATIVE_HANDLER_TYPES: readonly string[] = Object.keys(HANDLERS);

export async function runHandler(args: HandlerArgs): Promise<Check> {
  const handler = HANDLERS[args.spec.type];
  if (!handler) return { pass: false, score: 0, reason: `unknown assertion type '${args.spec.type}'` };
  return handler(args);
}

/** The assertion's rubricPrompt wins over the test's (promptfoo getFinalTest). */
function rubricPromptOf(spec: AssertionSpec, runtime: AssertionRuntime): unknown {
  return spec.rubricPrompt ?? runtime.grading?.rubricPrompt;
}

/**
 * Model-graded checks: the graders are resolved here (assertion provider, else the test's options.provider, else
 * --grader for text), calls are counted for the case's grader cost. A missing grader is a failed check naming it.
 */
function graded(grade: (a: HandlerArgs, calls: CountedGraderCalls) => Promise<GradedCheck>): Handler {
  return async (args) => {
    const calls = gradingCalls(args.spec, args.runtime);
    if ('error' in calls)
      return { pass: false, score: 0, reason: calls.error === 'no-grader' ? noGraderMessage(args.runtime.defaultGrader) : calls.error };
    const check = await grade(args, calls);
    const { graderError: _ignored, ...rest } = check;
    return { ...rest, graderCostUsd: calls.spent() };
  };
}

async function runPython({ spec, value, runtime, context, rawOutput }: HandlerArgs): Promise<Check> {
  if (!runtime.allowCode) return CODE_DISABLED;
  try {
    const result = await runPythonCode(pythonScript(String(value)), 'main', [rawOutput, context], {
      timeoutMs: runtime.pythonTimeoutMs,
      signal: runtime.signal,
    });
    return pythonResultCheck(result, spec.negate, spec.threshold, String(value));
  } catch (error) {
    return { pass: false, score: 0, reason: `Python code execution failed: ${(error as Error).message}` };
  }
}

/** promptfoo's is-sql value: a mapping {databaseType, allowedTables, allowedColumns}; anything else truthy is an error. */
function sqlOptions(value: unknown): SqlOptions | undefined {
  if (!value) return undefined;
  if (typeof value !== 'object') throw new Error('is-sql assertion must have a object value.');
  return value as SqlOptions;
}

function isMissing(context: ReturnType<typeof resolveContext>): context is { error: string } {
  return typeof context === 'object' && !Array.isArray(context);
}

import type { AssertionSpec } from '../evalModel';
import { renderDeep } from '../template';
import type { AssertionInput, AssertionOutcome, AssertionRuntime, Check } from './assertionOutcome';
import { checkJavascript } from './javascriptAssertion';
import { checkContainsJson, checkIsJson } from './jsonAssertions';
import { NO_GRADER_MESSAGE, rubricCheck } from './llmRubric';
import { checkCost, checkLatency } from './metricAssertions';
import { checkContains, checkContainsList, checkEquals, checkLevenshtein, checkRegex, checkStartsWith } from './textAssertions';

export interface AssertionsVerdict {
  pass: boolean;
  /** Weighted mean of the scores: sum(score_i * weight_i) / sum(weight_i); 0 when the weights sum to 0. */
  score: number;
  reason: string;
  assertions: AssertionOutcome[];
  /** Some assertion could not run here (code disabled) and the rest did not fail. */
  skipped: boolean;
}

/**
 * Runs a case's assertions and combines them as promptfoo does (docs: "Weighted assertions", "Setting a score
 * requirement", "Assertion Sets"): with a `threshold`, the case passes iff the weighted score >= threshold; without
 * one, iff no assertion failed. A weight-0 assertion always passes and adds nothing to the score. An assert-set is
 * scored the same way over its members and then counts as one assertion with its own weight.
 */
export async function runAssertions(
  specs: readonly AssertionSpec[],
  input: AssertionInput,
  runtime: AssertionRuntime,
  threshold?: number,
): Promise<AssertionsVerdict> {
  if (specs.length === 0) return { pass: true, score: 1, reason: 'No assertions', assertions: [], skipped: false };
  const assertions: AssertionOutcome[] = [];
  for (const spec of specs) assertions.push(await runAssertion(spec, input, runtime));
  return combine(assertions, threshold);
}

export function combine(assertions: AssertionOutcome[], threshold?: number): AssertionsVerdict {
  let total = 0;
  let weights = 0;
  let failure: AssertionOutcome | undefined;
  let skipped = false;
  for (const a of assertions) {
    if (a.skipped) {
      skipped = true;
      continue;
    }
    total += a.score * a.weight;
    weights += a.weight;
    if (!a.pass && !failure) failure = a;
  }
  const score = weights > 0 ? total / weights : 0;
  let pass = !failure;
  let reason = failure ? failure.reason : skipped ? 'Some assertions were skipped' : 'All assertions passed';
  if (typeof threshold === 'number' && !Number.isNaN(threshold)) {
    pass = score >= threshold;
    reason = `Aggregate score ${score.toFixed(2)} ${pass ? '≥' : '<'} ${threshold} threshold${!pass && failure ? ` (${failure.reason})` : ''}`;
  }
  return { pass, score, reason, assertions, skipped: skipped && pass && assertions.every((a) => a.skipped || a.pass) };
}

export async function runAssertion(spec: AssertionSpec, input: AssertionInput, runtime: AssertionRuntime): Promise<AssertionOutcome> {
  const type = spec.negate ? `not-${spec.type}` : spec.type;
  const base = { type, weight: spec.weight, location: spec.location };
  if (spec.type === 'assert-set') {
    const set = await runAssertions(spec.assert ?? [], input, runtime, spec.threshold);
    return { ...base, pass: set.pass || spec.weight === 0, score: set.score, reason: set.reason, components: set.assertions, skipped: set.skipped && set.assertions.every((a) => a.skipped) };
  }
  let check: Check;
  try {
    check = await evaluate(spec, renderDeep(spec.value, input.vars), input, runtime);
  } catch (error) {
    check = { pass: false, score: 0, reason: `The assertion could not run: ${error instanceof Error ? error.message : String(error)}` };
  }
  // promptfoo: "If weight is set to 0, the assertion automatically passes."
  return { ...base, ...check, pass: check.pass || spec.weight === 0 };
}

async function evaluate(spec: AssertionSpec, value: unknown, input: AssertionInput, runtime: AssertionRuntime): Promise<Check> {
  const { output } = input;
  const negate = spec.negate;
  switch (spec.type) {
    case 'equals':
      return checkEquals(output, value, negate);
    case 'contains':
      return checkContains(output, value, negate, false);
    case 'icontains':
      return checkContains(output, value, negate, true);
    case 'contains-any':
      return checkContainsList(output, value, negate, 'any', false);
    case 'contains-all':
      return checkContainsList(output, value, negate, 'all', false);
    case 'icontains-any':
      return checkContainsList(output, value, negate, 'any', true);
    case 'icontains-all':
      return checkContainsList(output, value, negate, 'all', true);
    case 'starts-with':
      return checkStartsWith(output, value, negate);
    case 'regex':
      return checkRegex(output, value, negate);
    case 'is-json':
      return checkIsJson(output, value, negate);
    case 'contains-json':
      return checkContainsJson(output, value, negate);
    case 'levenshtein':
      return checkLevenshtein(output, value, negate, spec.threshold);
    case 'latency':
      return checkLatency(input.latencyMs, spec.threshold ?? 0, negate, input.cached);
    case 'cost':
      return checkCost(input.costUsd, spec.threshold ?? 0, negate);
    case 'javascript':
      if (!runtime.allowCode) {
        return { pass: false, score: 0, skipped: true, reason: 'skipped: code execution is disabled (untrusted workspace or --no-code)' };
      }
      return checkJavascript(String(value), output, { vars: input.vars, prompt: input.prompt }, negate, spec.threshold, runtime.codeTimeoutMs);
    case 'llm-rubric': {
      const grader = spec.provider ?? runtime.testGrader ?? runtime.fallbackGrader;
      if (!grader) return { pass: false, score: 0, reason: NO_GRADER_MESSAGE };
      if (!runtime.grade) return { pass: false, score: 0, reason: 'llm-rubric cannot run here: no gateway to call the grader model' };
      const grade = await runtime.grade({ grader, rubric: String(value), output, vars: input.vars, prompt: input.prompt });
      return rubricCheck(grade, spec.threshold, negate);
    }
    default:
      return { pass: false, score: 0, reason: `unknown assertion type '${spec.type}'` };
  }
}

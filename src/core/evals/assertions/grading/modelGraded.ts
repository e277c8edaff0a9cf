import { fail, graderFail, type GradedCheck, type GraderCalls } from './graderCalls';
import { renderGradingPrompt, tryParse } from './gradingTemplate';
import { extractJsonObjects } from './jsonObjects';
import {
  DEFAULT_GRADING_PROMPT,
  GEVAL_PROMPT_EVALUATE,
  GEVAL_PROMPT_STEPS,
  OPENAI_CLOSED_QA_PROMPT,
  PROMPTFOO_FACTUALITY_PROMPT,
} from './gradingPrompts';

/**
 * promptfoo's `loadRubricPrompt` once files are read (the parser reads `file://` targets): absent or `{}` means the
 * default; an object or list is sent as its JSON.
 */
export function rubricText(rubricPrompt: unknown, fallback: string): string {
  if (rubricPrompt === undefined || rubricPrompt === null || rubricPrompt === '') return fallback;
  if (typeof rubricPrompt === 'object' && !Array.isArray(rubricPrompt) && Object.keys(rubricPrompt).length === 0) return fallback;
  return typeof rubricPrompt === 'string' ? rubricPrompt : JSON.stringify(rubricPrompt);
}

/** The first JSON object in a reply (promptfoo `extractJsonObjects(...)[0]`). */
function firstJsonObject(text: string): Record<string, unknown> | undefined {
  return extractJsonObjects(text)[0];
}

/**
 * llm-rubric (promptfoo `matchesLlmRubric` → `runJsonGradingPrompt`): the grader's first JSON object decides;
 * a missing `pass` counts as true, a non-boolean `pass` is read as yes/true/pass/y; a non-numeric `score` falls back to
 * Number(pass); with a threshold, pass also needs score >= threshold.
 */
export async function gradeLlmRubric(
  calls: GraderCalls,
  rubric: string,
  output: string,
  vars: Record<string, unknown>,
  threshold: number | undefined,
  rubricPrompt: unknown,
): Promise<GradedCheck> {
  const prompt = renderGradingPrompt(rubricText(rubricPrompt, DEFAULT_GRADING_PROMPT), { ...vars, output: tryParse(output), rubric });
  const resp = await calls.text(prompt);
  if (resp.error || !resp.output) return graderFail(resp.error || 'No output');
  const parsed = firstJsonObject(resp.output);
  if (!parsed) return graderFail('Could not extract JSON from llm-rubric response');
  let pass: boolean =
    parsed.pass === undefined || parsed.pass === null
      ? true
      : typeof parsed.pass === 'boolean'
        ? parsed.pass
        : /^(true|yes|pass|y)$/i.test(String(parsed.pass));
  const rawScore = parsed.score;
  const score =
    typeof rawScore === 'number'
      ? rawScore
      : Number.isFinite(Number(rawScore)) && rawScore !== null && rawScore !== undefined
        ? Number(rawScore)
        : Number(pass);
  if (typeof threshold === 'number' && Number.isFinite(threshold)) pass = pass && score >= threshold;
  const reason =
    typeof parsed.reason === 'string' && parsed.reason
      ? parsed.reason
      : pass
        ? 'Grading passed'
        : `Score ${score} below threshold ${threshold}`;
  return { pass, score, reason };
}

const FACTUALITY_CATEGORIES: Record<string, string> = {
  A: 'The submitted answer is a subset of the expert answer and is fully consistent with it.',
  B: 'The submitted answer is a superset of the expert answer and is fully consistent with it.',
  C: 'The submitted answer contains all the same details as the expert answer.',
  D: 'There is a disagreement between the submitted answer and the expert answer.',
  E: "The answers differ, but these differences don't matter from the perspective of factuality.",
};

/** `options.factuality` scores per category (subset, superset, agree, disagree, differButFactual). */
export interface FactualityScores {
  subset?: number;
  superset?: number;
  agree?: number;
  disagree?: number;
  differButFactual?: number;
}

function factualityResult(option: string, reason: string, scores: FactualityScores | undefined): GradedCheck {
  const lookup: Record<string, number> = {
    A: scores?.subset ?? 1,
    B: scores?.superset ?? 1,
    C: scores?.agree ?? 1,
    D: scores?.disagree ?? 0,
    E: scores?.differButFactual ?? 1,
  };
  const passing = Object.keys(lookup).filter((k) => lookup[k] > 0);
  const failing = Object.keys(lookup).filter((k) => lookup[k] === 0);
  const pass = passing.includes(option) && !failing.includes(option);
  return { pass, score: lookup[option] ?? (pass ? 1 : 0), reason };
}

/**
 * factuality (promptfoo `matchesFactuality`): the grader picks a category A-E, as JSON `{category, reason}` or, failing
 * that, the legacy "(A) reason" text. promptfoo ignores `not-` here; the parser refuses `not-factuality`.
 */
export async function gradeFactuality(
  calls: GraderCalls,
  input: string,
  expected: string,
  output: string,
  vars: Record<string, unknown>,
  rubricPrompt: unknown,
  scores: FactualityScores | undefined,
): Promise<GradedCheck> {
  const prompt = renderGradingPrompt(rubricText(rubricPrompt, PROMPTFOO_FACTUALITY_PROMPT), {
    ...vars,
    input,
    ideal: expected,
    completion: tryParse(output),
  });
  const resp = await calls.text(prompt);
  if (resp.error || !resp.output) return fail(resp.error || 'No output');
  const json = firstJsonObject(resp.output);
  if (json && typeof json.category === 'string' && json.category) {
    const option = json.category.trim().toUpperCase();
    if (!/^[A-E]$/.test(option)) return fail(`Invalid category value: ${option}`);
    const reason =
      typeof json.reason === 'string' && json.reason.trim() ? json.reason.trim() : `Category ${option}: ${FACTUALITY_CATEGORIES[option]}`;
    return factualityResult(option, reason, scores);
  }
  const answer = /\s*\(?([a-eA-E])\)/.exec(resp.output);
  if (!answer) return fail(`Factuality checker output did not match expected format: ${resp.output}`);
  const reasonMatch = /\)\s*(.*)/s.exec(resp.output);
  return factualityResult(answer[1].toUpperCase(), reasonMatch?.[1] ? reasonMatch[1].trim() : resp.output, scores);
}

/** model-graded-closedqa (promptfoo `matchesClosedQa`): passes when the grader's reply ends with "Y". `not-` is ignored there too (refused by the parser). */
export async function gradeClosedQa(
  calls: GraderCalls,
  input: string,
  criteria: string,
  output: string,
  vars: Record<string, unknown>,
  rubricPrompt: unknown,
): Promise<GradedCheck> {
  const prompt = renderGradingPrompt(rubricText(rubricPrompt, OPENAI_CLOSED_QA_PROMPT), {
    ...vars,
    input,
    criteria,
    completion: tryParse(output),
  });
  const resp = await calls.text(prompt);
  if (resp.error || !resp.output) return fail(resp.error || 'No output');
  const trimmed = resp.output.trimEnd();
  const pass = trimmed.endsWith('Y');
  const reason = pass
    ? `The submission meets the criterion:\n${resp.output}`
    : trimmed.endsWith('N')
      ? `The submission does not meet the criterion:\n${resp.output}`
      : `Model grader produced a malformed response:\n${resp.output}`;
  return { pass, score: pass ? 1 : 0, reason };
}

/** g-eval sub-prompts: `rubricPrompt: {steps, evaluate}` replaces either (promptfoo `matchesGEval`). */
function gEvalPrompt(rubricPrompt: unknown, key: 'steps' | 'evaluate', fallback: string): string {
  const custom =
    rubricPrompt && typeof rubricPrompt === 'object' && !Array.isArray(rubricPrompt)
      ? (rubricPrompt as Record<string, unknown>)[key]
      : undefined;
  return rubricText(custom, fallback);
}

/**
 * One g-eval criterion (promptfoo `matchesGEval`): the grader first proposes evaluation steps as `{"steps": [...]}`,
 * then scores the reply 0-10 following them; score = raw / 10, pass when score >= threshold.
 */
export async function gradeGEvalCriterion(
  calls: GraderCalls,
  criteria: string,
  input: string,
  output: string,
  threshold: number,
  rubricPrompt: unknown,
): Promise<GradedCheck> {
  if (!input) return fail('No source text to estimate reply');
  const who = calls.textModel?.ref ?? 'the grader';
  const stepsResp = await calls.text(renderGradingPrompt(gEvalPrompt(rubricPrompt, 'steps', GEVAL_PROMPT_STEPS), { criteria }));
  if (stepsResp.error) return graderFail(stepsResp.error);
  if (!stepsResp.output) return graderFail(`G-Eval step-generation call to ${who} returned no output`);
  const stepsMatch = stepsResp.output.match(/\{"steps".+\}/g);
  if (!stepsMatch) return graderFail(`LLM-proposed evaluation steps are not in JSON format: ${stepsResp.output}`);
  let steps: unknown;
  try {
    steps = (JSON.parse(stepsMatch[0]) as { steps?: unknown }).steps;
  } catch (error) {
    return graderFail(`LLM-proposed evaluation steps are not in JSON format: ${(error as Error).message}\n\n${stepsResp.output}`);
  }
  if (!Array.isArray(steps)) return graderFail(`G-Eval steps response has invalid or missing steps: ${JSON.stringify(steps)}`);
  if (steps.length === 0) return graderFail('LLM does not propose any evaluation step');
  if (!steps.every((s) => typeof s === 'string' && s.trim() !== ''))
    return graderFail(`G-Eval steps response contains invalid steps: ${JSON.stringify(steps)}`);
  const evalVars = { criteria, steps: (steps as string[]).join('\n- '), maxScore: '10', input: tryParse(input), output: tryParse(output) };
  const resp = await calls.text(renderGradingPrompt(gEvalPrompt(rubricPrompt, 'evaluate', GEVAL_PROMPT_EVALUATE), evalVars));
  if (resp.error) return graderFail(resp.error);
  if (!resp.output) return graderFail(`G-Eval evaluation call to ${who} returned no output`);
  const resultMatch = resp.output.match(/\{.+\}/g);
  if (!resultMatch) return graderFail(`LLM-proposed evaluation result is not in JSON format: ${resp.output}`);
  let result: { score?: unknown; reason?: unknown };
  try {
    result = JSON.parse(resultMatch[0]) as typeof result;
  } catch (error) {
    return graderFail(`LLM-proposed evaluation result is not in JSON format: ${(error as Error).message}\n\n${resp.output}`);
  }
  const raw =
    typeof result.score === 'number'
      ? result.score
      : typeof result.score === 'string' && result.score.trim() !== ''
        ? Number(result.score)
        : NaN;
  if (!Number.isFinite(raw)) return graderFail(`G-Eval result has invalid or missing score: ${JSON.stringify(result.score)}`);
  if (raw < 0 || raw > 10) return graderFail(`G-Eval result score ${raw} is outside the expected 0-10 range`);
  if (typeof result.reason !== 'string' || result.reason.trim() === '')
    return graderFail(`G-Eval result has invalid or missing reason: ${JSON.stringify(result.reason)}`);
  return { pass: raw / 10 >= threshold, score: raw / 10, reason: result.reason };
}

/**
 * g-eval (promptfoo `handleGEval`): one criterion or a list (each graded, scores averaged, the first grader failure
 * ends it); pass when the score >= threshold (default 0.7); `not-` flips pass and score = 1 - score.
 */
export async function gradeGEval(
  calls: GraderCalls,
  value: string | string[],
  input: string,
  output: string,
  threshold: number,
  negate: boolean,
  rubricPrompt: unknown,
): Promise<GradedCheck> {
  if (Array.isArray(value)) {
    if (value.length === 0) return fail('G-Eval assertion requires at least one criterion string in the value array.');
    const results: GradedCheck[] = [];
    for (const [i, criterion] of value.entries()) {
      const r = await gradeGEvalCriterion(calls, criterion, input, output, threshold, rubricPrompt);
      if (r.graderError) return fail(`G-Eval criterion ${i + 1}/${value.length} (${JSON.stringify(criterion)}) failed: ${r.reason}`);
      results.push(r);
    }
    const avg = results.reduce((a, r) => a + r.score, 0) / results.length;
    return { pass: avg >= threshold !== negate, score: negate ? 1 - avg : avg, reason: results.map((r) => r.reason).join('\n\n') };
  }
  const r = await gradeGEvalCriterion(calls, value, input, output, threshold, rubricPrompt);
  if (r.graderError) return fail(r.reason);
  return { ...r, pass: r.score >= threshold !== negate, score: negate ? 1 - r.score : r.score };
}

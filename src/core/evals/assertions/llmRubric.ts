import type { ChatMessage } from '../../providers/chat';
import type { Check, GradeResult } from './assertionOutcome';
import { extractJsonValues } from './jsonAssertions';

export const NO_GRADER_MESSAGE =
  'llm-rubric needs a grader model and none is configured: set `defaultTest.options.provider` (or the assertion\'s `provider`) to e.g. openai:gpt-4o-mini, or pass --grader REF';

export const GRADER_SYSTEM_PROMPT = [
  'You grade an output against a rubric.',
  'Read the output and decide whether it satisfies every requirement of the rubric.',
  'Reply with only a JSON object, no other text: {"reason": "<one or two sentences>", "pass": true|false, "score": <number from 0.0 to 1.0>}',
].join('\n');

/** The grader's messages: the output and rubric fenced so text inside them cannot pass for instructions' boundaries. */
export function graderMessages(output: string, rubric: string): ChatMessage[] {
  return [{ role: 'user', content: `<Output>\n${output}\n</Output>\n<Rubric>\n${rubric}\n</Rubric>` }];
}

/** Reads the grader's JSON reply; anything else is a failed grade with the reply quoted. */
export function parseGraderReply(reply: string): GradeResult {
  for (const candidate of extractJsonValues(reply)) {
    if (candidate && typeof candidate === 'object' && !Array.isArray(candidate)) {
      const r = candidate as { pass?: unknown; score?: unknown; reason?: unknown };
      if (typeof r.pass === 'boolean' || typeof r.score === 'number') {
        const score = typeof r.score === 'number' && Number.isFinite(r.score) ? Math.max(0, Math.min(1, r.score)) : r.pass ? 1 : 0;
        const pass = typeof r.pass === 'boolean' ? r.pass : score >= 0.5;
        return { pass, score, reason: typeof r.reason === 'string' ? r.reason : '' };
      }
    }
  }
  const quoted = reply.length > 200 ? `${reply.slice(0, 199)}…` : reply;
  return { pass: false, score: 0, reason: `The grader's reply is not the JSON {pass, score, reason} it was asked for: ${JSON.stringify(quoted)}` };
}

/** llm-rubric verdict: the grader's pass, and with a threshold also score >= threshold; `not-` flips pass and score. */
export function rubricCheck(grade: GradeResult, threshold: number | undefined, negate: boolean): Check {
  let rawPass = grade.pass;
  let reason = grade.reason;
  if (threshold !== undefined && grade.score < threshold) {
    rawPass = false;
    reason = `Grader score ${grade.score} is below threshold ${threshold}${reason ? `: ${reason}` : ''}`;
  }
  const pass = rawPass !== negate;
  return { pass, score: negate ? 1 - grade.score : grade.score, reason: reason || (pass ? 'Assertion passed' : 'The grader failed the output'), graderCostUsd: grade.costUsd };
}

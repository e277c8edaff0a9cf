/**
 * promptfoo 0.123.1's default grader (src/providers/defaults.ts getDefaultProviders): chosen by the API keys in the
 * environment. With OPENAI_API_KEY it is OpenAI's `gpt-5.6-sol` (llm-rubric asks it for a JSON object:
 * `response_format: {type: json_object}`; the other graded types send no format) — that is the one llm-workbench
 * reproduces. Without it promptfoo picks Anthropic (a tool-calling grader), Azure, Google, Mistral, xAI or Codex
 * defaults, which we do not reproduce: the run asks for a grader instead, naming what promptfoo would have used.
 */
import type { ModelRef } from '../../../models/modelRef';

export const PROMPTFOO_DEFAULT_GRADER: ModelRef = 'openai:gpt-5.6-sol';

/** The default grader for this environment, or why there is none we can use (the sentence ends the refusal). */
export function promptfooDefaultGrader(env: Readonly<Record<string, string | undefined>>): { ref: ModelRef } | { why: string } {
  const has = (name: string) => Boolean(env[name]);
  if (has('OPENAI_API_KEY')) return { ref: PROMPTFOO_DEFAULT_GRADER };
  if (has('ANTHROPIC_API_KEY'))
    return {
      why: "promptfoo's default here (ANTHROPIC_API_KEY set, OPENAI_API_KEY not) is Anthropic's claude-sonnet-4-6 grading through a tool call, which llm-workbench does not reproduce",
    };
  const other = [
    'AZURE_OPENAI_API_KEY',
    'AZURE_API_KEY',
    'GEMINI_API_KEY',
    'GOOGLE_API_KEY',
    'PALM_API_KEY',
    'MISTRAL_API_KEY',
    'XAI_API_KEY',
  ].find(has);
  if (other) return { why: `promptfoo's default here (${other} set, OPENAI_API_KEY not) is a grader llm-workbench does not reproduce` };
  return { why: `promptfoo's default grader, ${PROMPTFOO_DEFAULT_GRADER}, needs OPENAI_API_KEY, which is not set` };
}

/**
 * Without a grader (none named, no --grader, and no promptfoo default we reproduce: see defaultGrader.ts) a
 * model-graded assertion fails with this, followed by why promptfoo's default does not apply.
 */
export const NO_GRADER_MESSAGE =
  "this model-graded assertion needs a grader model and none is configured: set `defaultTest.options.provider` (or the assertion's `provider`) to e.g. openai:gpt-4o-mini, or pass --grader REF";

export function noGraderMessage(defaultGrader: { ref: string } | { why: string } | undefined): string {
  return defaultGrader && 'why' in defaultGrader ? `${NO_GRADER_MESSAGE} (${defaultGrader.why})` : NO_GRADER_MESSAGE;
}

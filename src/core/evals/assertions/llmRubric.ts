/** Model-graded assertions never fall back to a vendor the user did not name: without a grader they fail with this. */
export const NO_GRADER_MESSAGE =
  "this model-graded assertion needs a grader model and none is configured: set `defaultTest.options.provider` (or the assertion's `provider`) to e.g. openai:gpt-4o-mini, or pass --grader REF";

/** Model references are `provider:model`, e.g. `openai:gpt-4o-mini`, `ollama:llama3.1:8b`. */
export type ModelRef = string;

/** Splits `provider:model` at the first colon (Ollama tags like `llama3.1:8b` keep theirs). */
export function parseModelRef(ref: ModelRef): { provider: string; model: string } {
  const colon = ref.indexOf(':');
  if (colon <= 0 || colon === ref.length - 1) {
    throw new Error(`"${ref}" is not a model reference: write it as provider:model, e.g. openai:gpt-4o-mini`);
  }
  return { provider: ref.slice(0, colon), model: ref.slice(colon + 1) };
}

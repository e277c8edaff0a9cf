/** Model references are `provider:model`, e.g. `openai:gpt-4o-mini`, `ollama:llama3.1:8b`. */
export type ModelRef = string;

/** Splits `provider:model` at the first colon (Ollama tags like `llama3.1:8b` keep theirs); undefined when it is not one. */
export function splitModelRef(ref: ModelRef): { provider: string; model: string } | undefined {
  const colon = ref.indexOf(':');
  if (colon <= 0 || colon === ref.length - 1) return undefined;
  return { provider: ref.slice(0, colon), model: ref.slice(colon + 1) };
}

/** `splitModelRef` for a ref that must be one: throws a message saying how to write it. */
export function parseModelRef(ref: ModelRef): { provider: string; model: string } {
  const parts = splitModelRef(ref);
  if (!parts) throw new Error(`"${ref}" is not a model reference: write it as provider:model, e.g. openai:gpt-4o-mini`);
  return parts;
}

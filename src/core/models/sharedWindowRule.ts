/**
 * Whether a catalog model's prompt and answer share one window of `maxInputTokens` tokens, by rule (LiteLLM's table
 * gives `max_input_tokens` and `max_output_tokens` but not whether they add up).
 *
 * Most providers document one context window that the prompt and `max_tokens` must fit in together: OpenAI's
 * gpt-4o ("maximum context length is 128000 tokens … 125000 in the messages, 4000 in the completion"), Anthropic's
 * Claude (prompt + max_tokens beyond the context window is a validation error), Mistral, DeepSeek, xAI, Llama hosts.
 * Treating their input limit as shared is the safe reading: a call we pass fits; at worst we warn a reserve early.
 *
 * Two families document separate limits, and only they get the input-only rule:
 * - Gemini: "input token limit" and "output token limit" are listed separately (1,048,576 in / 65,536 out).
 * - OpenAI's GPT-5 reasoning models with a 272,000-token input limit: a 400,000-token context = 272,000 input +
 *   128,000 output, so a 272,000-token prompt fits whatever the reserve.
 */
export function sharesWindow(provider: string, modelId: string, maxInputTokens: number | undefined): boolean {
  if (provider === 'gemini' || /(^|\/)gemini-/.test(modelId)) return false;
  const openaiFamily = provider === 'openai' || provider === 'azure' || /^openai\//.test(modelId);
  if (openaiFamily && /(^|\/)gpt-5/.test(modelId) && maxInputTokens === 272_000) return false;
  return true;
}

import type { Usage } from './usage';
import { estimateTokensFromChars } from '../tokens/charEstimate';
import type { ChatRequest } from './chat';

/**
 * A rough count (4 characters per token) for OpenAI-compatible servers that never report usage. Labelled
 * `source: 'estimate'` so the gateway and the ledger never present it as the provider's own count.
 */
export function estimateUsage(request: ChatRequest, outputText: string): Usage {
  const promptChars = (request.system?.length ?? 0) + request.messages.reduce((sum, m) => sum + m.content.length, 0);
  return {
    input: { total: estimateTokensFromChars(promptChars) },
    output: { total: estimateTokensFromChars(outputText.length) },
    source: 'estimate',
  };
}

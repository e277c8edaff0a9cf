import type { Usage } from './usage';
import { estimateTokensFromChars } from '../tokens/charEstimate';
import type { ChatRequest } from './chat';

/**
 * A rough count (4 characters per token) for OpenAI-compatible servers that never report usage. Labelled
 * `source: 'estimate'` so the gateway and the ledger never present it as the provider's own count.
 */
export function estimateUsage(request: ChatRequest, outputText: string): Usage {
  // Tool calls and results count by their text; images have no characters to count and are left out.
  const messageChars = (m: ChatRequest['messages'][number]) =>
    m.content.length +
    (m.parts ?? []).reduce(
      (sum, p) =>
        sum +
        (p.type === 'tool_call'
          ? p.name.length + JSON.stringify(p.input).length
          : p.type === 'tool_result'
            ? p.content.reduce((n, c) => n + (c.type === 'text' ? c.text.length : 0), 0)
            : 0),
      0,
    );
  const promptChars = (request.system?.length ?? 0) + request.messages.reduce((sum, m) => sum + messageChars(m), 0);
  return {
    input: { total: estimateTokensFromChars(promptChars) },
    output: { total: estimateTokensFromChars(outputText.length) },
    source: 'estimate',
  };
}

import type { EncodingName } from '../models/modelInfo';
import type { ChatRequest } from '../providers/chat';
import { estimateTokensFromChars } from '../tokens/charEstimate';
import { countTokens } from '../tokens/encodings';

/** Chat formats wrap each message in a few tokens of markup (OpenAI documents 3 per message plus 3 to prime the reply). */
const PER_MESSAGE = 3;
const REPLY_PRIMER = 3;

/** Input tokens of a request as `encoding` counts them: an estimate for budgets and routing, not for billing. */
export async function estimatePromptTokens(request: Pick<ChatRequest, 'system' | 'messages'>, encoding: EncodingName): Promise<number> {
  let total = REPLY_PRIMER;
  if (request.system) total += PER_MESSAGE + (await countTokens(request.system, encoding));
  for (const message of request.messages) total += PER_MESSAGE + (await countTokens(message.content, encoding));
  return total;
}

/** The prompt as one text, for the ledger when the user turned prompt logging on. */
export function promptText(request: Pick<ChatRequest, 'system' | 'messages'>): string {
  const parts = request.system ? [`system: ${request.system}`] : [];
  for (const message of request.messages) parts.push(`${message.role}: ${message.content}`);
  return parts.join('\n\n');
}

/**
 * One count per encoding per request: routing and every model on the route share it. Should the tokenizer fail to
 * load, the rough characters-per-token estimate still lets budgets and routing work.
 */
export function promptTokenCounter(request: Pick<ChatRequest, 'system' | 'messages'>): (encoding: EncodingName) => Promise<number> {
  const counts = new Map<EncodingName, Promise<number>>();
  return (encoding) => {
    let count = counts.get(encoding);
    if (!count) {
      count = estimatePromptTokens(request, encoding).catch(() => estimateTokensFromChars(promptText(request).length));
      counts.set(encoding, count);
    }
    return count;
  };
}

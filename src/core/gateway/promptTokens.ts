import type { EncodingName } from '../models/modelInfo';
import { partsOf, type ChatMessage, type ChatRequest, type ContentPart } from '../providers/chat';
import { estimateTokensFromChars } from '../tokens/charEstimate';
import { countTokens } from '../tokens/encodings';
import { imageTokens } from './imageTokens';

/** Chat formats wrap each message in a few tokens of markup (OpenAI documents 3 per message plus 3 to prime the reply). */
export const PER_MESSAGE = 3;
const REPLY_PRIMER = 3;

/** Input tokens of a request as `encoding` counts them: an estimate for budgets and routing, not for billing. */
export async function estimatePromptTokens(
  request: Pick<ChatRequest, 'system' | 'messages' | 'tools'>,
  encoding: EncodingName,
  count: TextCounter = countTokens,
): Promise<number> {
  let total = REPLY_PRIMER;
  if (request.system) total += PER_MESSAGE + (await count(request.system, encoding));
  for (const message of request.messages) total += PER_MESSAGE + (await messageContentTokens(message, encoding, count));
  // Tool definitions are sent with the prompt and billed as input; counted as the JSON they travel as.
  if (request.tools?.length) total += await count(JSON.stringify(request.tools), encoding);
  return total;
}

/**
 * Every token of o200k and cl100k is at least one byte of UTF-8 (byte-level BPE; special-token text is counted as
 * text), so a text's byte length bounds its count in both: no tokenizer needed.
 */
const utf8Bytes: TextCounter = (text) => Promise.resolve(Buffer.byteLength(text, 'utf8'));

/** No encoding counts more tokens in this request than this (the same sum as `estimatePromptTokens`, texts as bytes). */
export function promptTokensUpperBound(request: Pick<ChatRequest, 'system' | 'messages' | 'tools'>): Promise<number> {
  return estimatePromptTokens(request, 'o200k_base', utf8Bytes);
}

/**
 * Tokens of one message's content, without the per-message markup: text exactly as `encoding` counts it (tool calls
 * as their name and JSON arguments, tool results as their text), images by `imageTokens`.
 */
export async function messageContentTokens(
  message: ChatMessage,
  encoding: EncodingName,
  count: TextCounter = countTokens,
): Promise<number> {
  if (!message.parts) return count(message.content, encoding);
  let total = 0;
  for (const part of message.parts) total += await partTokens(part, encoding, count);
  return total;
}

/** How a text is counted: `countTokens`, or a cache in front of it (`TextCountCache`). */
export type TextCounter = (text: string, encoding: EncodingName) => Promise<number>;

async function partTokens(part: ContentPart, encoding: EncodingName, count: TextCounter): Promise<number> {
  switch (part.type) {
    case 'text':
      return count(part.text, encoding);
    case 'image':
      return imageTokens(part.data);
    case 'tool_call':
      return (await count(part.name, encoding)) + (await count(JSON.stringify(part.input), encoding));
    case 'tool_result': {
      let total = 0;
      for (const item of part.content) total += await partTokens(item, encoding, count);
      return total;
    }
  }
}

/** The prompt as one text, for the ledger when the user turned prompt logging on. */
export function promptText(request: Pick<ChatRequest, 'system' | 'messages'>): string {
  const parts = request.system ? [`system: ${request.system}`] : [];
  for (const message of request.messages) parts.push(`${message.role}: ${describeContent(message)}`);
  return parts.join('\n\n');
}

/** The prompt tokens of one request: a bound that needs no tokenizer, and exact counts when a decision needs them. */
export interface PromptTokens {
  /** No encoding counts more (`promptTokensUpperBound`): enough for a prompt far from every limit. */
  upperBound(): Promise<number>;
  /** The count `encoding` gives (its tokenizer loaded on first use). */
  exact(encoding: EncodingName): Promise<number>;
}

/**
 * One count per encoding per request: routing and every model on the route share it. Should the tokenizer fail to
 * load, the rough characters-per-token estimate still lets budgets and routing work. Nothing is counted until asked:
 * a call far from its model's limits never loads a tokenizer (its rank table costs ~0.3-1 s of CPU the first time).
 */
export function promptTokenCounter(request: Pick<ChatRequest, 'system' | 'messages' | 'tools'>): PromptTokens {
  const counts = new Map<EncodingName, Promise<number>>();
  let bound: Promise<number> | undefined;
  return {
    upperBound: () => (bound ??= promptTokensUpperBound(request)),
    exact: (encoding) => {
      let count = counts.get(encoding);
      if (!count) {
        count = estimatePromptTokens(request, encoding).catch(() => estimateTokensFromChars(promptText(request).length));
        counts.set(encoding, count);
      }
      return count;
    },
  };
}

/** A message's text with its tool calls, tool results and images named in brackets (images never as bytes). */
export function describeContent(message: ChatMessage): string {
  if (!message.parts) return message.content;
  return partsOf(message)
    .map((part) => {
      switch (part.type) {
        case 'text':
          return part.text;
        case 'image':
          return `[image ${part.mimeType}, ${part.data.byteLength} bytes]`;
        case 'tool_call':
          return `[tool call ${part.name} ${JSON.stringify(part.input)}]`;
        case 'tool_result':
          return `[tool result for ${part.callId}: ${part.content.map((c) => (c.type === 'text' ? c.text : `[image ${c.mimeType}]`)).join('')}]`;
      }
    })
    .join('');
}

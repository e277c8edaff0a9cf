import type { EmulatorReply, Fault } from './emulatorTypes';

/** A reply with every default filled in: what the protocol writers turn into frames. */
export interface PlannedReply {
  chunks: string[];
  text: string;
  /** cacheWrite1h: the part of cacheWrite written to Anthropic's 1-hour cache. */
  usage: { input: number; output: number; cacheRead: number; cacheWrite: number; cacheWrite1h: number };
  /** Normalized or protocol word, translated by each protocol. */
  stopReason: string;
  chunkDelayMs: number;
  fault?: Fault;
  omitUsage: boolean;
}

/** Deterministic: same prompt, same answer and counts. Roughly 4 characters per token, like real tokenizers on English. */
export function planReply(reply: EmulatorReply | undefined, model: string, prompt: string, lastUserMessage: string): PlannedReply {
  const text = reply?.chunks ? reply.chunks.join('') : reply?.text ?? defaultAnswer(model, lastUserMessage);
  const chunks = reply?.chunks ?? splitIntoWords(text);
  const usage = reply?.usage;
  return {
    chunks,
    text,
    usage: {
      input: usage?.input ?? estimateTokens(prompt),
      output: usage?.output ?? estimateTokens(text),
      cacheRead: usage?.cacheRead ?? 0,
      cacheWrite: usage?.cacheWrite ?? 0,
      cacheWrite1h: usage?.cacheWrite1h ?? 0,
    },
    stopReason: reply?.stopReason ?? 'end',
    chunkDelayMs: reply?.chunkDelayMs ?? 0,
    fault: reply?.fault,
    omitUsage: reply?.omitUsage ?? false,
  };
}

export function defaultAnswer(model: string, lastUserMessage: string): string {
  const oneLine = lastUserMessage.replace(/\s+/g, ' ').trim();
  const echo = oneLine.length > 60 ? `${oneLine.slice(0, 57)}...` : oneLine;
  return `Emulated answer from ${model}: ${echo}`;
}

export function estimateTokens(text: string): number {
  return Math.max(1, Math.ceil(text.length / 4));
}

function splitIntoWords(text: string): string[] {
  const words = text.match(/\S+\s*|\s+/g);
  return words && words.length > 0 ? words : [text];
}

/** Translates a normalized stop reason to a protocol's word; anything else is passed through as the raw word. */
export function nativeStopReason(stopReason: string, table: Record<string, string>): string {
  return table[stopReason] ?? stopReason;
}

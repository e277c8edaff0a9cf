import type { EmulatedToolCall, EmulatorReply, Fault } from './emulatorTypes';

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
  toolCalls: PlannedToolCall[];
}

export interface PlannedToolCall {
  id: string;
  name: string;
  /** The arguments as the wire carries them (JSON text). */
  argumentsText: string;
  input: Record<string, unknown>;
}

let nextCall = 1;

/** Deterministic: same prompt, same answer and counts. Roughly 4 characters per token, like real tokenizers on English. */
export function planReply(reply: EmulatorReply | undefined, model: string, prompt: string, lastUserMessage: string): PlannedReply {
  const toolCalls = (reply?.toolCalls ?? []).map(planToolCall);
  const text = reply?.chunks ? reply.chunks.join('') : (reply?.text ?? (toolCalls.length ? '' : defaultAnswer(model, lastUserMessage)));
  const chunks = reply?.chunks ?? (text ? splitIntoWords(text) : []);
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
    stopReason: reply?.stopReason ?? (toolCalls.length ? 'tool_use' : 'end'),
    chunkDelayMs: reply?.chunkDelayMs ?? 0,
    fault: reply?.fault,
    omitUsage: reply?.omitUsage ?? false,
    toolCalls,
  };
}

function planToolCall(call: EmulatedToolCall): PlannedToolCall {
  const input = call.input ?? {};
  return { id: call.id ?? `emu${nextCall++}`, name: call.name, input, argumentsText: call.argumentsText ?? JSON.stringify(input) };
}

/** JSON text in two fragments, as real servers stream arguments (a fragment may end mid-token). */
export function fragments(text: string): string[] {
  if (text.length < 2) return [text];
  const middle = Math.ceil(text.length / 2);
  return [text.slice(0, middle), text.slice(middle)];
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

import { sendJson, type Exchange } from './exchange';
import { openaiErrorBody } from './openaiProtocol';
import { estimateTokens } from './plannedReply';
import { writeStatus } from './replyWriter';

const DIMENSIONS = 256;

/**
 * `POST /v1/embeddings`: a deterministic bag-of-words vector per input (each lower-cased word hashed to a dimension),
 * normalized. The same text always gets the same vector, texts sharing words are close, unrelated texts are far: enough
 * for `similar` assertions to pass or fail the same way in every tool that asks.
 */
export async function handleOpenAIEmbeddings(x: Exchange): Promise<void> {
  const model = String(x.body.model ?? 'text-embedding-3-small');
  const inputs = Array.isArray(x.body.input) ? x.body.input.map(String) : [String(x.body.input ?? '')];
  // Scripted like chat: a matching reply's status fault is sent as OpenAI's error; its `embedding` replaces the vector.
  const scripted = x.script.take({ protocol: x.record.protocol, model, prompt: inputs.join('\n') });
  if (scripted?.fault?.kind === 'status') return writeStatus(x.res, scripted.fault, openaiErrorBody(scripted.fault));
  // The official clients ask for base64 (little-endian float32) by default and decode it themselves.
  const base64 = x.body.encoding_format === 'base64';
  const data = inputs.map((text, index) => {
    const vector = scripted?.embedding ?? embed(text);
    return { object: 'embedding', index, embedding: base64 ? Buffer.from(new Float32Array(vector).buffer).toString('base64') : vector };
  });
  const tokens = inputs.reduce((sum, text) => sum + estimateTokens(text), 0);
  sendJson(x.res, 200, { object: 'list', data, model, usage: { prompt_tokens: tokens, total_tokens: tokens } });
}

export function embed(text: string): number[] {
  const vector = new Array<number>(DIMENSIONS).fill(0);
  for (const word of text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? []) vector[hash(word) % DIMENSIONS] += 1;
  const norm = Math.sqrt(vector.reduce((sum, v) => sum + v * v, 0)) || 1;
  return vector.map((v) => v / norm);
}

/** FNV-1a, 32 bits. */
function hash(word: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < word.length; i++) h = Math.imul(h ^ word.charCodeAt(i), 0x01000193) >>> 0;
  return h;
}

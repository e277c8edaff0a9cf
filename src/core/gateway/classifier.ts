import type { ModelRef } from '../models/modelRef';
import type { GatewayRequest, GatewayResult } from './gatewayApi';
import type { ComplexityLabel } from './router';

const CLASSIFY_SYSTEM =
  'You route requests to language models. Label the request SIMPLE if a small, fast model can answer it well ' +
  '(lookup, short rewrite, classification, small edit) or COMPLEX if it needs careful multi-step reasoning, ' +
  'long code, or expert judgment. Answer with exactly one word: SIMPLE or COMPLEX.';

/**
 * Classify-then-route: the label comes from a call through the same gateway (`complete`), so it is retried and
 * recorded like any other call. Never rejects: no label means COMPLEX, with a description saying why.
 */
export async function classifyRequest(
  complete: (request: GatewayRequest) => Promise<GatewayResult>,
  model: ModelRef,
  request: GatewayRequest,
): Promise<{ label: ComplexityLabel; description?: string }> {
  const lastUser = [...request.messages].reverse().find((m) => m.role === 'user')?.content ?? '';
  const result = await complete({
    task: 'classify',
    model,
    system: CLASSIFY_SYSTEM,
    messages: [{ role: 'user', content: lastUser }],
    maxOutputTokens: 5,
    temperature: 0,
    signal: request.signal,
    filePath: request.filePath,
    source: 'router',
  });
  const answer = result.text.trim().toUpperCase();
  const label: ComplexityLabel | undefined = /\bSIMPLE\b/.test(answer) ? 'SIMPLE' : /\bCOMPLEX\b/.test(answer) ? 'COMPLEX' : undefined;
  if (label) return { label };
  // Not the answer itself: a classifier that echoes the request would put prompt text into the ledger's reason.
  const why = result.error ? result.error.message : `its ${answer.length}-character answer was neither SIMPLE nor COMPLEX`;
  return { label: 'COMPLEX', description: `the classifier ${model} gave no label (${why}), so COMPLEX` };
}

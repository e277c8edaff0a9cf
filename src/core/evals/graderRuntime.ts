import type { GatewayRequest } from '../gateway/gatewayApi';
import { ResponseCache } from './responseCache';
import type { AssertionRuntime } from './assertions/assertionOutcome';
import { embeddingModel } from './assertions/grading/graderChoice';
import { gradingMessages } from './assertions/grading/gradingTemplate';
import type { Answer, Spent } from './modelCall';
import type { EvalRunOptions } from './runEval';
import type { GraderModel } from './assertions/grading/graderChoice';
import { buildRequest, PromptShapeError } from './promptfooRequest';

type Complete = (request: GatewayRequest, identity: { role: 'answer' | 'grade'; ref: string }) => Promise<Answer>;

/**
 * The runner's side of model-graded assertions: a grading prompt goes to the grader as promptfoo's chat providers
 * send a prompt string (a JSON chat list is the conversation, other text one user message), with only the settings
 * the request settings promptfoo's provider would send (its OpenAI and Anthropic providers default to temperature 0
 * and 1024 output tokens; the file's grader config wins; no response format); embeddings go through
 * the gateway's `/v1/embeddings`. Both use the response cache and count what they spend.
 */
export function graderRuntime(
  complete: Complete,
  options: Pick<EvalRunOptions, 'gateway' | 'cache' | 'signal'>,
  repeat: number,
  spent: Spent,
  costs: (number | null)[],
): Pick<AssertionRuntime, 'callGrader' | 'embed'> {
  return {
    callGrader: async (model, prompt) => {
      const parsed = gradingMessages(prompt);
      if ('error' in parsed) return { error: parsed.error };
      let native: GatewayRequest['native'];
      try {
        native = graderBody(model, prompt);
      } catch (error) {
        return { error: error instanceof PromptShapeError ? `The grading prompt cannot be sent: ${error.message}` : String(error) };
      }
      const request: GatewayRequest = {
        task: 'classify',
        model: model.ref,
        fallbacks: [],
        system: parsed.system,
        messages: parsed.messages,
        ...promptfooGraderDefaults(model.ref, model.temperature, model.maxTokens),
        ...(native ? { native } : {}),
        source: 'eval-grader',
        signal: options.signal,
      };
      const answer = await complete(request, { role: 'grade', ref: model.ref });
      const costUsd = answer.cached ? 0 : answer.record.costUsd;
      costs.push(costUsd);
      if (answer.error) return { error: `The grader ${model.ref} failed: ${answer.error.message}`, costUsd };
      return { output: answer.text, costUsd };
    },
    embed: async (model, text) => {
      const target = embeddingModel(model.ref);
      const ref = target ? `${target.provider}:${target.model}` : model.ref;
      const key = options.cache ? ResponseCache.key({ role: 'embedding', ref, input: text, repeat }) : undefined;
      const hit = key ? options.cache!.get(key) : undefined;
      if (hit?.embedding) {
        costs.push(0);
        return { embedding: hit.embedding, costUsd: 0 };
      }
      if (!options.gateway.embed) return { error: 'this host cannot call embedding models' };
      const result = await options.gateway.embed({ model: ref, input: text, signal: options.signal, source: 'eval-grader' });
      costs.push(result.record.costUsd);
      if (result.record.costUsd === null) spent.unknownCalls++;
      else spent.usd += result.record.costUsd;
      if (!result.embedding)
        return { error: `The embedding model ${ref} failed: ${result.error?.message ?? 'no embedding'}`, costUsd: result.record.costUsd };
      if (key) options.cache!.set(key, { text: '', record: result.record, embedding: result.embedding });
      return { embedding: result.embedding, costUsd: result.record.costUsd };
    },
  };
}

/**
 * The body promptfoo's OpenAI chat or Anthropic Messages provider sends for the grading prompt (the same builder as
 * the answers': temperature 0 unless the grader's config says otherwise, its max_tokens rules, the default grader's
 * response_format); undefined for other providers, which get the gateway's request.
 */
function graderBody(model: GraderModel, prompt: string): GatewayRequest['native'] {
  const colon = model.ref.indexOf(':');
  const provider = model.ref.slice(0, colon);
  const protocol = provider === 'openai' ? 'openai-chat' : provider === 'anthropic' ? 'anthropic-messages' : undefined;
  if (!protocol) return undefined;
  const config: Record<string, unknown> = {
    ...(model.config ?? {}),
    ...(model.temperature !== undefined ? { temperature: model.temperature } : {}),
    ...(model.maxTokens !== undefined ? { max_tokens: model.maxTokens } : {}),
  };
  return { protocol, body: buildRequest(protocol, model.ref.slice(colon + 1), prompt, config).body };
}

/** promptfoo's reasoning-model families get neither default (src/providers/openai/chat.ts isReasoningModel / gpt-5). */
const REASONING = /^(o1|o3|o4|gpt-5)/;

/**
 * The temperature and output limit promptfoo's provider sends a grader when its config sets none: OpenAI chat
 * (`OPENAI_TEMPERATURE` 0, `OPENAI_MAX_TOKENS` 1024, neither for reasoning models) and Anthropic (`ANTHROPIC_MAX_TOKENS`
 * 1024, temperature 0 — which the bundled Anthropic SDK cannot send, so the gateway warns where it applies).
 */
export function promptfooGraderDefaults(
  ref: string,
  temperature: number | undefined,
  maxTokens: number | undefined,
): { temperature?: number; maxOutputTokens?: number } {
  const colon = ref.indexOf(':');
  const provider = ref.slice(0, colon);
  const model = ref.slice(colon + 1);
  if (provider === 'openai' || provider === 'anthropic') {
    const reasoning = provider === 'openai' && REASONING.test(model);
    return { temperature: temperature ?? (reasoning ? undefined : 0), maxOutputTokens: maxTokens ?? (reasoning ? undefined : 1024) };
  }
  return { temperature, maxOutputTokens: maxTokens };
}

import type { AssertionSpec } from '../../evalModel';
import type { AssertionRuntime } from '../assertionOutcome';
import type { EmbeddingReply, GraderCalls, GraderReply } from './graderCalls';
import { pickGrader, PROMPTFOO_DEFAULT_EMBEDDING, type GraderKind, type GraderModel } from './graderChoice';

/** Which kinds of grader call each model-graded type makes (promptfoo's getAndCheckProvider calls). */
export const GRADER_KINDS: Readonly<Record<string, readonly GraderKind[]>> = {
  'llm-rubric': ['text'],
  factuality: ['text'],
  'model-graded-closedqa': ['text'],
  'g-eval': ['text'],
  'context-recall': ['text'],
  'context-relevance': ['text'],
  'context-faithfulness': ['text'],
  'answer-relevance': ['text', 'embedding'],
  similar: ['embedding'],
  'similar:cosine': ['embedding'],
  'similar:dot': ['embedding'],
  'similar:euclidean': ['embedding'],
};

/**
 * The grader model of one kind for an assertion, as promptfoo picks it (getFinalTest + getGradingProvider): the
 * assertion's provider, else the test's options.provider (defaultTest's merged in, defaultTest.provider as last
 * resort); then `--grader` for text, and promptfoo's default embedding model for embeddings. Never a silent text
 * grader: without one, undefined.
 */
export function resolveGrader(
  spec: Pick<AssertionSpec, 'grader'> & { type?: string },
  runtime: Pick<AssertionRuntime, 'grading' | 'testGrader' | 'fallbackGrader' | 'defaultGrader'>,
  kind: GraderKind,
): GraderModel | undefined {
  const choice = spec.grader ?? runtime.grading?.grader;
  const picked = pickGrader(choice, kind);
  if (picked) return picked;
  if (choice) return undefined;
  if (kind === 'embedding') return { ref: PROMPTFOO_DEFAULT_EMBEDDING };
  const fallback = runtime.testGrader ?? runtime.fallbackGrader;
  if (fallback) return { ref: fallback };
  const fallbackDefault = runtime.defaultGrader;
  if (!fallbackDefault || !('ref' in fallbackDefault)) return undefined;
  // llm-rubric's default is promptfoo's gradingJsonProvider; the other types use its plain gradingProvider.
  return spec.type === 'llm-rubric'
    ? { ref: fallbackDefault.ref, config: { response_format: { type: 'json_object' } } }
    : { ref: fallbackDefault.ref };
}

/** GraderCalls bound to the resolved models, adding up what they cost (null once any cost is unknown). */
export type CountedGraderCalls = GraderCalls & { spent: () => number | null | undefined };

export function gradingCalls(spec: AssertionSpec, runtime: AssertionRuntime): CountedGraderCalls | { error: string } {
  const kinds = GRADER_KINDS[spec.type] ?? ['text'];
  const textModel = kinds.includes('text') ? resolveGrader(spec, runtime, 'text') : undefined;
  const embeddingModel = kinds.includes('embedding') ? resolveGrader(spec, runtime, 'embedding') : undefined;
  if (kinds.includes('text') && !textModel) return { error: 'no-grader' };
  if (kinds.includes('embedding') && !embeddingModel)
    return {
      error: `${spec.type} needs an embedding model: set options.provider.embedding (e.g. openai:embedding:text-embedding-3-small)`,
    };
  if ((kinds.includes('text') && !runtime.callGrader) || (kinds.includes('embedding') && !runtime.embed)) {
    return { error: `${spec.type} cannot run here: no gateway to call the grader model` };
  }
  let total: number | null | undefined;
  const add = (cost: number | null | undefined) => {
    if (cost === undefined) return;
    total = cost === null || total === null ? null : (total ?? 0) + cost;
  };
  return {
    textModel,
    embeddingModel,
    text: async (prompt: string): Promise<GraderReply> => {
      const reply = await runtime.callGrader!(textModel!, prompt);
      add(reply.costUsd);
      return reply;
    },
    embed: async (text: string): Promise<EmbeddingReply> => {
      const reply = await runtime.embed!(embeddingModel!, text);
      add(reply.costUsd);
      return reply;
    },
    spent: () => total,
  };
}

import { cosineSimilarity } from './similarity';
import { fail, graderFail, type GradedCheck, type GraderCalls } from './graderCalls';
import { renderGradingPrompt, tryParse } from './gradingTemplate';
import {
  ANSWER_RELEVANCY_GENERATE,
  CONTEXT_FAITHFULNESS_LONGFORM,
  CONTEXT_FAITHFULNESS_NLI_STATEMENTS,
  CONTEXT_RECALL,
  CONTEXT_RELEVANCE,
} from './gradingPrompts';
import { rubricText } from './modelGraded';

/** RAG context: a `context` var (text or list of texts), else the fallback (context-recall: the prompt). */
export type RagContext = string | string[];

/** promptfoo `resolveContext` without contextTransform (the parser refuses that key); undefined = missing, with the message promptfoo throws. */
export function resolveContext(vars: Record<string, unknown>, fallback?: string): RagContext | { error: string } {
  let context: unknown = fallback;
  if (vars.context) {
    if (typeof vars.context === 'string') context = vars.context;
    else if (Array.isArray(vars.context)) {
      const bad = vars.context.findIndex((v) => typeof v !== 'string');
      if (bad >= 0)
        return { error: `Invalid context: expected an array of strings, but found ${typeof vars.context[bad]} at index ${bad}` };
      context = vars.context;
    }
  }
  const ok =
    (typeof context === 'string' && context.length > 0) ||
    (Array.isArray(context) && context.length > 0 && context.every((c) => typeof c === 'string' && c.length > 0));
  if (!ok) {
    return {
      error:
        'Context is required for context-based assertions. Provide either a "context" variable (string or array of strings) in your test case or use "contextTransform" to extract context from the provider response.',
    };
  }
  return context as RagContext;
}

const serialize = (context: RagContext) => (Array.isArray(context) ? context.join('\n\n') : context);
const lines = (text: string) => text.split('\n').filter((s) => s.trim() !== '');

/** promptfoo `splitTextIntoSentences`: two or more lines are units; otherwise sentence boundaries; bare list markers dropped. */
function sentences(text: string): string[] {
  const ls = lines(text);
  return (ls.length > 1 ? ls : text.split(/(?<=[.!?])\s+/)).map((s) => s.trim()).filter((s) => s.length > 0 && !/^\d+[.)]$/.test(s));
}

const atLeast = (score: number, threshold: number) => score >= threshold - Number.EPSILON;

/** context-recall (promptfoo `matchesContextRecall`): share of the grader's classified lines marked [Attributed]. */
export async function gradeContextRecall(
  calls: GraderCalls,
  context: RagContext,
  groundTruth: string,
  vars: Record<string, unknown>,
  threshold: number,
  rubricPrompt: unknown,
): Promise<GradedCheck> {
  const resp = await calls.text(
    renderGradingPrompt(rubricText(rubricPrompt, CONTEXT_RECALL), { ...vars, context: serialize(context), groundTruth }),
  );
  if (resp.error || !resp.output) return graderFail(resp.error || 'No output');
  const classified = lines(resp.output).filter(
    (l) => l.toLowerCase().includes('[attributed]') || l.toLowerCase().includes('[not attributed]'),
  );
  if (classified.length === 0) return graderFail('Grader returned no [Attributed]/[Not Attributed] classifications');
  const attributed = classified.filter(
    (l) => !l.toLowerCase().includes('[not attributed]') && l.toLowerCase().includes('[attributed]'),
  ).length;
  const score = attributed / classified.length;
  const pass = atLeast(score, threshold);
  return { pass, score, reason: pass ? `Recall ${score.toFixed(2)} is >= ${threshold}` : `Recall ${score.toFixed(2)} is < ${threshold}` };
}

/** context-relevance (promptfoo `matchesContextRelevance`): share of context units the grader quotes as needed for the query. */
export async function gradeContextRelevance(
  calls: GraderCalls,
  query: string,
  context: RagContext,
  threshold: number,
  rubricPrompt: unknown,
): Promise<GradedCheck> {
  const contextString = serialize(context);
  const resp = await calls.text(renderGradingPrompt(rubricText(rubricPrompt, CONTEXT_RELEVANCE), { context: contextString, query }));
  if (resp.error || !resp.output) return graderFail(resp.error || 'No output');
  const preSegmented = Array.isArray(context) || lines(context).length > 1;
  const units = Array.isArray(context) ? context.filter((c) => c.trim().length > 0) : sentences(context);
  const insufficient = resp.output.includes('Insufficient Information');
  const relevant = insufficient ? [] : [...new Set((preSegmented ? lines : sentences)(resp.output))];
  const numerator = Math.min(relevant.length, units.length);
  const score = units.length > 0 ? numerator / units.length : 0;
  const norm = (v: string) => v.toLowerCase().replace(/\s+/g, ' ').trim();
  const haystack = norm(contextString);
  if (!insufficient && relevant.length > 0 && !relevant.some((s) => haystack.includes(norm(s.replace(/^\s*(?:\d+[.)]|[-*])\s*/, ''))))) {
    return graderFail('Grader output does not quote the provided context');
  }
  const pass = atLeast(score, threshold);
  return {
    pass,
    score,
    reason: pass ? `Context relevance ${score.toFixed(2)} is >= ${threshold}` : `Context relevance ${score.toFixed(2)} is < ${threshold}`,
  };
}

/** A context-faithfulness sub-prompt: `rubricPrompt` is a list [longform, nli], each a text or {content}. */
function faithfulnessPrompt(rubricPrompt: unknown, index: number, fallback: string): string {
  const item = Array.isArray(rubricPrompt) ? rubricPrompt[index] : undefined;
  const raw = typeof item === 'string' ? item : item && typeof item === 'object' ? (item as { content?: unknown }).content : undefined;
  return rubricText(raw, fallback);
}

/**
 * context-faithfulness (promptfoo `matchesContextFaithfulness`): the grader splits the answer into statements, then
 * gives a Yes/No verdict per statement against the context; score = share supported (missing verdicts count as No).
 */
export async function gradeContextFaithfulness(
  calls: GraderCalls,
  query: string,
  output: string,
  context: RagContext,
  vars: Record<string, unknown>,
  threshold: number,
  rubricPrompt: unknown,
): Promise<GradedCheck> {
  let resp = await calls.text(
    renderGradingPrompt(faithfulnessPrompt(rubricPrompt, 0, CONTEXT_FAITHFULNESS_LONGFORM), {
      ...vars,
      question: query,
      answer: tryParse(output),
    }),
  );
  if (resp.error || !resp.output) return graderFail(resp.error || 'No output');
  const statements = lines(resp.output);
  if (statements.length === 0) return graderFail('Could not extract context-faithfulness statements');
  resp = await calls.text(
    renderGradingPrompt(faithfulnessPrompt(rubricPrompt, 1, CONTEXT_FAITHFULNESS_NLI_STATEMENTS), {
      ...vars,
      context: serialize(context),
      statements,
    }),
  );
  if (resp.error || !resp.output) return graderFail(resp.error || 'No output');
  const marker = 'final verdict for each statement in order:';
  let verdicts = resp.output.toLowerCase().trim();
  let score = 0;
  let parsed = false;
  if (verdicts.includes(marker)) {
    verdicts = verdicts.slice(verdicts.indexOf(marker) + marker.length);
    const each = verdicts.split('.').filter((a) => a.trim() !== '');
    if (each.length > 0 && each.every((a) => /\b(?:yes|no)\b/.test(a))) {
      parsed = true;
      score = 1 - (each.filter((a) => !a.includes('yes')).length + Math.max(0, statements.length - each.length)) / statements.length;
    }
  } else {
    const no = verdicts.split('verdict: no').length - 1;
    const yes = verdicts.split('verdict: yes').length - 1;
    if (no + yes > 0) {
      parsed = true;
      score = 1 - (no + Math.max(0, statements.length - no - yes)) / statements.length;
    }
  }
  if (!parsed) return graderFail('Could not parse context-faithfulness verdicts');
  score = Math.min(1, Math.max(0, score));
  const pass = atLeast(score, threshold);
  return {
    pass,
    score,
    reason: pass ? `Faithfulness ${score.toFixed(2)} is >= ${threshold}` : `Faithfulness ${score.toFixed(2)} is < ${threshold}`,
  };
}

/**
 * answer-relevance (promptfoo `matchesAnswerRelevance`): the text grader writes 3 questions the answer would answer;
 * each is embedded and compared (cosine) with the input (`query` var, else the prompt); score = mean similarity.
 */
export async function gradeAnswerRelevance(
  calls: GraderCalls,
  input: string,
  output: string,
  threshold: number,
  rubricPrompt: unknown,
): Promise<GradedCheck> {
  const answer = tryParse(output);
  const prompt = renderGradingPrompt(rubricText(rubricPrompt, ANSWER_RELEVANCY_GENERATE), { answer });
  const questions: string[] = [];
  for (let i = 0; i < 3; i++) {
    const resp = await calls.text(prompt);
    if (resp.error || !resp.output) return graderFail(resp.error || 'No output');
    questions.push(resp.output);
  }
  const inputEmbedding = await calls.embed(input);
  if (inputEmbedding.error || !inputEmbedding.embedding) return graderFail(inputEmbedding.error || 'No embedding');
  const similarities: number[] = [];
  for (const q of questions) {
    const e = await calls.embed(q);
    if (e.error || !e.embedding) return graderFail(e.error || 'No embedding');
    similarities.push(cosineSimilarity(inputEmbedding.embedding, e.embedding));
  }
  const similarity = similarities.reduce((a, b) => a + b, 0) / similarities.length;
  const pass = atLeast(similarity, threshold);
  return {
    pass,
    score: similarity,
    reason: pass
      ? `Relevance ${similarity.toFixed(2)} is greater than threshold ${threshold}`
      : `Relevance ${similarity.toFixed(2)} is less than threshold ${threshold}`,
  };
}

export { fail };

import type { Check } from '../assertionOutcome';
import type { GraderModel } from './graderChoice';

export interface GraderReply {
  output?: string;
  error?: string;
  costUsd?: number | null;
}

export interface EmbeddingReply {
  embedding?: number[];
  error?: string;
  costUsd?: number | null;
}

/** What a model-graded check may call; both record what they spend so the case can report it. */
export interface GraderCalls {
  /** Sends a rendered grading prompt (text or a JSON chat list) to the text grader. */
  text(prompt: string): Promise<GraderReply>;
  embed(text: string): Promise<EmbeddingReply>;
  /** The models in use, for messages. */
  textModel?: GraderModel;
  embeddingModel?: GraderModel;
}

/** A model-graded verdict; `graderError` marks a transport/parse failure that `not-` must not turn into a pass. */
export type GradedCheck = Check & { graderError?: boolean };

export const fail = (reason: string): GradedCheck => ({ pass: false, score: 0, reason });
export const graderFail = (reason: string): GradedCheck => ({ pass: false, score: 0, reason, graderError: true });

/** promptfoo's `applyRagInverse` / llm-rubric inversion: a grader failure stays a failure; else pass flips, score = 1 - score (clamped). */
export function invert(check: GradedCheck, negate: boolean, clamp = false): GradedCheck {
  if (!negate || check.graderError) return check;
  const score = clamp ? Math.min(1, Math.max(0, 1 - (Number.isFinite(check.score) ? check.score : 0))) : 1 - check.score;
  return { ...check, pass: !check.pass, score };
}

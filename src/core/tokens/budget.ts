import { UNKNOWN_MODEL_CONTEXT_WINDOW, UNKNOWN_MODEL_MAX_OUTPUT } from '../models/catalogModels';
import type { ModelInfo } from '../models/modelInfo';
import { checkWindow, windowSum, type WindowCheck } from '../models/windowCheck';

/** The parts of a single request's token budget (seeds/001 "Token budget template"). */
export type Bucket = 'system' | 'context' | 'history' | 'user' | 'output';

export const BUCKETS: readonly Bucket[] = ['system', 'context', 'history', 'user', 'output'];

/**
 * seeds/001's example budget for one request: ~5,000 tokens, "well within 128K — room to grow deliberately".
 * `output` is the response buffer (max_tokens) reserved for the answer.
 */
export const DEFAULT_BUCKET_TEMPLATE: Readonly<Record<Bucket, number>> = {
  system: 500,
  context: 2000,
  history: 1000,
  user: 500,
  output: 1000,
};

/** Human names used in messages. */
export const BUCKET_LABELS: Readonly<Record<Bucket, string>> = {
  system: 'System prompt',
  context: 'Retrieved context',
  history: 'Conversation history',
  user: 'User message',
  output: 'Response buffer',
};

/** Window assumed for a model the catalog does not know (the catalog's default for user-added models). */
export { UNKNOWN_MODEL_CONTEXT_WINDOW };

export type Verdict = 'ok' | 'warn' | 'over';

export interface BudgetSectionInput {
  heading: string;
  bucket?: Bucket;
  tokens: number;
  /** Token limit of the section's bucket (front matter `budget:`). */
  limit?: number;
}

export interface BudgetInput {
  /** Target model with the limits to check (see windowCheck.ts); undefined (unknown model) budgets against UNKNOWN_MODEL_CONTEXT_WINDOW. */
  model: Pick<ModelInfo, 'ref' | 'displayName' | 'maxInputTokens' | 'maxOutput' | 'combinedWindow'> | undefined;
  promptTokens: number;
  /** Tokens reserved for the answer (max_tokens). */
  outputReserve: number;
  /** Fraction of the window past which the verdict is `warn` (0..1, default setting 0.8). */
  warnThreshold: number;
  sections?: BudgetSectionInput[];
}

export interface SectionReport {
  heading: string;
  bucket?: Bucket;
  tokens: number;
  limit?: number;
  /** The verdict of the section's bucket: all sections of one bucket share its limit. */
  verdict: Verdict;
  message: string;
}

export interface BucketReport {
  bucket: Bucket;
  /** Sum over the sections in this bucket. */
  tokens: number;
  sections: number;
  limit?: number;
  verdict: Verdict;
  message: string;
}

export interface BudgetReport {
  verdict: Verdict;
  promptTokens: number;
  outputReserve: number;
  /** The limit the share is measured against: the model's input limit, or its combined window (Ollama num_ctx). */
  contextWindow: number;
  limitKind: WindowCheck['limitKind'];
  /** Tokens counted against `contextWindow`: the prompt, or prompt + reserve for a combined window. */
  used: number;
  /** used / contextWindow */
  share: number;
  /** contextWindow - used (negative when over) */
  remaining: number;
  /** The model's output limit, which the reserve is checked against. */
  maxOutput: number;
  /** What the numbers mean and what to do about them. */
  message: string;
  sections: SectionReport[];
  buckets: BucketReport[];
}

/** Name used by the editor features. */
export type BudgetEvaluation = BudgetReport;

const n = (value: number) => Math.round(value).toLocaleString('en-US');
const pct = (share: number) => `${(share * 100).toFixed(share < 0.1 ? 1 : 0)}%`;

/**
 * ok / warn / over for a prompt against a model's context window: `over` when prompt + output reserve exceeds the
 * window, `warn` when it uses more than `warnThreshold` of it. Sections are checked against their bucket's limit,
 * summed per bucket (two `# Context` sections share the context limit) with the same threshold.
 */
export function evaluateBudget(input: BudgetInput): BudgetReport {
  const limits = input.model ?? { maxInputTokens: UNKNOWN_MODEL_CONTEXT_WINDOW, maxOutput: UNKNOWN_MODEL_MAX_OUTPUT };
  const name = input.model?.displayName ?? 'the unknown model';
  const check = checkWindow(limits, input.promptTokens, input.outputReserve, input.warnThreshold);
  const { verdict, share, remaining, used, limit: contextWindow } = check;
  const sum = windowSum(check, input.promptTokens, input.outputReserve, name);
  const reserve =
    check.limitKind === 'input'
      ? ` The ${n(input.outputReserve)}-token output reserve is checked against its ${n(limits.maxOutput)}-token output limit.`
      : '';
  let message: string;
  if (check.reserveOverMax) {
    message =
      `${sum}. The ${n(input.outputReserve)} tokens reserved for the answer exceed ${name}'s ${n(limits.maxOutput)}-token output limit: ` +
      `lower the output reserve to at most ${n(limits.maxOutput)}.`;
  } else if (verdict === 'over') {
    const over = input.promptTokens - check.promptLimit;
    message =
      `${sum}: ${n(over)} tokens over. Cut at least ${n(over)} tokens (fewer retrieved chunks, a summarized history), ` +
      `${check.limitKind === 'combined' ? 'lower the output reserve, ' : ''}or pick a model with a larger window.${reserve}`;
  } else if (verdict === 'warn') {
    message =
      `${sum}: past the ${pct(input.warnThreshold)} warning threshold, ${n(remaining)} tokens left. ` +
      `Trim context or history before it grows further, or pick a model with a larger window.${reserve}`;
  } else {
    message = `${sum}: ${n(remaining)} tokens left.${reserve}`;
  }

  const buckets = bucketReports(input.sections ?? [], input.warnThreshold);
  const byBucket = new Map(buckets.map((b) => [b.bucket, b]));
  const sections = (input.sections ?? []).map((section): SectionReport => {
    const bucket = section.bucket ? byBucket.get(section.bucket) : undefined;
    const limit = bucket?.limit ?? section.limit;
    const report: SectionReport = {
      heading: section.heading,
      tokens: section.tokens,
      verdict: bucket?.verdict ?? 'ok',
      message:
        bucket?.limit !== undefined ? bucket.message : `${section.heading || 'Preamble'}: ${n(section.tokens)} tokens (no limit set).`,
    };
    if (section.bucket) report.bucket = section.bucket;
    if (limit !== undefined) report.limit = limit;
    return report;
  });
  return {
    verdict,
    promptTokens: input.promptTokens,
    outputReserve: input.outputReserve,
    contextWindow,
    limitKind: check.limitKind,
    used,
    share,
    remaining,
    maxOutput: limits.maxOutput,
    message,
    sections,
    buckets,
  };
}

function verdictFor(used: number, limit: number, warnThreshold: number): Verdict {
  if (used > limit) return 'over';
  if (used > warnThreshold * limit) return 'warn';
  return 'ok';
}

function bucketReports(sections: BudgetSectionInput[], warnThreshold: number): BucketReport[] {
  const reports: BucketReport[] = [];
  for (const bucket of BUCKETS) {
    const members = sections.filter((s) => s.bucket === bucket);
    if (members.length === 0) continue;
    const tokens = members.reduce((total, s) => total + s.tokens, 0);
    const limit = members.find((s) => s.limit !== undefined)?.limit;
    const label = BUCKET_LABELS[bucket];
    const where = members.length > 1 ? ` in ${members.length} sections` : '';
    if (limit === undefined) {
      reports.push({
        bucket,
        tokens,
        sections: members.length,
        verdict: 'ok',
        message: `${label}: ${n(tokens)} tokens${where} (no limit set).`,
      });
      continue;
    }
    const verdict = verdictFor(tokens, limit, warnThreshold);
    const head = `${label}: ${n(tokens)} tokens${where} of its ${n(limit)}-token budget (${pct(limit > 0 ? tokens / limit : Infinity)})`;
    const message =
      verdict === 'over'
        ? `${head}, ${n(tokens - limit)} over. Shorten it or raise \`budget.${bucket}\` in the front matter.`
        : verdict === 'warn'
          ? `${head}: close to its limit, ${n(limit - tokens)} left.`
          : `${head}.`;
    reports.push({ bucket, tokens, sections: members.length, limit, verdict, message });
  }
  return reports;
}

import { formatUsd } from '../../cost/pricing';
import type { IncompleteAnswer } from '../incompleteAnswer';

/** One case on one provider, as the editor shows it. */
export interface CaseOutcomeView {
  provider?: string;
  pass: boolean;
  latencyMs: number;
  /** null = unknown price. */
  costUsd: number | null;
  cached: boolean;
  /** The call failed (no answer to check). */
  error?: string;
  /** The first failing assertion, when the answer failed one. */
  failure?: { expected?: string; actual?: string; reason: string };
  /** Assertions that could not run here (javascript in a restricted workspace). */
  skipped: number;
  /**
   * The case itself was skipped: nothing it could check ran (its only assertions are javascript, in Restricted
   * Mode). Never shown as a pass: the gutter and the Test Explorer say Skipped, and so does the decoration.
   */
  skippedCase?: boolean;
  /** The answer did not end on its own (cut at the output limit, content filter): shown next to the verdict. */
  incomplete?: IncompleteAnswer;
}

/** The three looks a decoration can have, matching the gutter's passed / failed / skipped icons. */
export type CaseDecorationKind = 'pass' | 'fail' | 'skipped';

/** Skipped when every outcome was; a pass when none failed (some may be skipped, as the Test Explorer counts it). */
export function caseDecorationKind(outcomes: readonly CaseOutcomeView[]): CaseDecorationKind {
  if (outcomes.length > 0 && outcomes.every((o) => o.skippedCase)) return 'skipped';
  return outcomes.every((o) => o.pass || o.skippedCase) ? 'pass' : 'fail';
}

const MAX_QUOTE = 48;

/** A value on one line, cut to fit an after-line decoration. */
export function quote(text: string): string {
  const flat = text.replace(/\s*\n\s*/g, ' ⏎ ').trim();
  return `"${flat.length > MAX_QUOTE ? `${flat.slice(0, MAX_QUOTE - 1)}…` : flat}"`;
}

function formatMs(ms: number): string {
  return ms >= 10_000 ? `${(ms / 1000).toFixed(1)} s` : `${Math.round(ms)} ms`;
}

function why(outcome: CaseOutcomeView): string {
  if (outcome.error) return outcome.error.length > 80 ? `${outcome.error.slice(0, 79)}…` : outcome.error;
  const f = outcome.failure;
  if (!f) return 'failed';
  if (f.expected !== undefined && f.actual !== undefined) return `expected ${quote(f.expected)}, got ${quote(f.actual)}`;
  return f.reason.length > 80 ? `${f.reason.slice(0, 79)}…` : f.reason;
}

function costText(cost: number | null): string {
  return cost === null ? 'cost unknown' : formatUsd(cost);
}

/**
 * The after-line decoration of a case: `✓ 412 ms · $0.0004`, `✗ expected "invoice", got "maybe billing or legal"`;
 * cached answers say so (their latency is the original call's). Several providers: the share that passed first.
 */
export function caseDecorationText(outcomes: readonly CaseOutcomeView[]): string {
  if (outcomes.length === 0) return '';
  const text = verdictText(outcomes);
  const incomplete = outcomes.filter((o) => o.incomplete);
  if (incomplete.length === 0) return text;
  const what = [...new Set(incomplete.map((o) => o.incomplete!.short))].join(', ');
  return `${text} · ⚠ ${outcomes.length > 1 ? `${incomplete.length} ` : ''}${what}`;
}

function verdictText(outcomes: readonly CaseOutcomeView[]): string {
  const cached = outcomes.every((o) => o.cached) ? ' · cached' : outcomes.some((o) => o.cached) ? ' · partly cached' : '';
  const skipped = outcomes.reduce((n, o) => n + o.skipped, 0);
  const skippedText = skipped > 0 ? ` · ${skipped} skipped: workspace not trusted` : '';
  const known = outcomes.map((o) => o.costUsd);
  const cost = known.some((c) => c === null) ? null : known.reduce<number>((s, c) => s + (c ?? 0), 0);
  if (outcomes.every((o) => o.skippedCase)) {
    const meanMs = outcomes.reduce((s, o) => s + o.latencyMs, 0) / outcomes.length;
    const what = skipped === 1 ? 'its javascript assertion did' : 'its javascript assertions did';
    return `○ skipped: ${what} not run (workspace not trusted) · ${formatMs(meanMs)}${outcomes.length > 1 ? ' mean' : ''} · ${costText(cost)}${cached}`;
  }
  if (outcomes.length === 1) {
    const [o] = outcomes;
    return o.pass
      ? `✓ ${formatMs(o.latencyMs)} · ${costText(o.costUsd)}${cached}${skippedText}`
      : `✗ ${why(o)}${o.error ? '' : ` · ${formatMs(o.latencyMs)} · ${costText(o.costUsd)}`}${cached}${skippedText}`;
  }
  const passed = outcomes.filter((o) => o.pass && !o.skippedCase).length;
  const skippedCases = outcomes.filter((o) => o.skippedCase).length;
  const meanMs = outcomes.reduce((s, o) => s + o.latencyMs, 0) / outcomes.length;
  const symbol = caseDecorationKind(outcomes) === 'pass' ? '✓' : '✗';
  const skippedPart = skippedCases > 0 ? ` · ${skippedCases} skipped` : '';
  const head = `${symbol} ${passed}/${outcomes.length} passed${skippedPart} · ${formatMs(meanMs)} mean · ${costText(cost)}`;
  const firstFailure = outcomes.find((o) => !o.pass && !o.skippedCase);
  return `${head}${firstFailure ? ` · ${firstFailure.provider ?? 'provider'}: ${why(firstFailure)}` : ''}${cached}${skippedText}`;
}

/**
 * A case the run was cancelled before it finished: what ran so far, in the skipped colour — or the failed one when
 * something that ran failed. Never a pass it did not reach.
 */
export function cancelledCaseText(verdicts: readonly string[], expected: number): { text: string; kind: CaseDecorationKind } {
  const passed = verdicts.filter((v) => v === 'pass').length;
  const failed = verdicts.filter((v) => v === 'fail' || v === 'error').length;
  const ran =
    verdicts.length === 0 ? 'did not run' : `${verdicts.length}/${expected} ran (${passed} passed${failed ? `, ${failed} failed` : ''})`;
  return { text: `○ cancelled: ${ran}`, kind: failed > 0 ? 'fail' : 'skipped' };
}

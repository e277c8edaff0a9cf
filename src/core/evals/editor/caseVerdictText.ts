import { formatUsd } from '../../cost/pricing';

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
  const cached = outcomes.every((o) => o.cached) ? ' · cached' : outcomes.some((o) => o.cached) ? ' · partly cached' : '';
  const skipped = outcomes.reduce((n, o) => n + o.skipped, 0);
  const skippedText = skipped > 0 ? ` · ${skipped} skipped: workspace not trusted` : '';
  const known = outcomes.map((o) => o.costUsd);
  const cost = known.some((c) => c === null) ? null : known.reduce<number>((s, c) => s + (c ?? 0), 0);
  if (outcomes.length === 1) {
    const [o] = outcomes;
    return o.pass
      ? `✓ ${formatMs(o.latencyMs)} · ${costText(o.costUsd)}${cached}${skippedText}`
      : `✗ ${why(o)}${o.error ? '' : ` · ${formatMs(o.latencyMs)} · ${costText(o.costUsd)}`}${cached}${skippedText}`;
  }
  const passed = outcomes.filter((o) => o.pass).length;
  const meanMs = outcomes.reduce((s, o) => s + o.latencyMs, 0) / outcomes.length;
  const head = `${passed === outcomes.length ? '✓' : '✗'} ${passed}/${outcomes.length} passed · ${formatMs(meanMs)} mean · ${costText(cost)}`;
  const firstFailure = outcomes.find((o) => !o.pass);
  return `${head}${firstFailure ? ` · ${firstFailure.provider ?? 'provider'}: ${why(firstFailure)}` : ''}${cached}${skippedText}`;
}

/**
 * The verdict on one config: promptfoo's run against ours, case by case (pass/fail, score, rendered prompt) and call
 * by call (endpoint, model, key, messages and parameters as the emulator received them).
 */
import type { RecordedRequest } from '../emulator/emulatorTypes';
import { cellKey, type CaseResult } from './caseResult';
import { reportedMessages, sentCall, stableJson, type SentCall } from './sentCalls';

export type Status = 'agree' | 'refused' | 'differ' | 'broken';

export interface Difference {
  /** Short, stable label to group differences by (the table's "top categories"). */
  category: string;
  detail: string;
}

export interface ConfigVerdict {
  status: Status;
  /** Cases (cells) promptfoo ran. */
  cases: number;
  agree: number;
  refused: number;
  differ: number;
  differences: Difference[];
  notes: string[];
}

export interface ToolOutcome {
  exitCode: number | null;
  timedOut: boolean;
  stderr: string;
  cases?: CaseResult[];
  requests: RecordedRequest[];
  problem?: string;
  /** Per prompt column: promptfoo's `prompts[].metrics.namedScores`; ours: the derivedMetrics lines (derived names only). */
  columnMetrics?: Record<number, Record<string, number | null>>;
}

export interface Refusal {
  /** A substring our refusal must contain (case-insensitive): the feature it names. */
  message: string;
  why?: string;
}

/** `file:line:col: error: ...`, as the CLI prints a positioned diagnostic. */
const POSITIONED_ERROR = /^\S[^\n]*:\d+:\d+: error: .+$/m;
const SCORE_TOLERANCE = 1e-6;

export function compareRuns(
  promptfoo: ToolOutcome,
  ours: ToolOutcome,
  refusal: Refusal | undefined,
  explicitParams: (name: string) => boolean,
): ConfigVerdict {
  const differences: Difference[] = [];
  const notes: string[] = [];
  const pfCases = promptfoo.cases ?? [];
  const verdict = (status: Status, counts: Partial<ConfigVerdict> = {}): ConfigVerdict => ({
    status,
    cases: pfCases.length,
    agree: 0,
    refused: 0,
    differ: 0,
    differences,
    notes,
    ...counts,
  });

  if (promptfoo.timedOut) {
    // No anchor: promptfoo did not finish, which says nothing about the config (a loaded machine, a hung provider).
    differences.push({ category: 'promptfoo: timed out', detail: lastLines(promptfoo.stderr) });
    return verdict('broken');
  }
  if (!promptfoo.cases) {
    // promptfoo itself rejected the config: agreement means we reject it too.
    if (ours.exitCode === 2) return verdict('agree');
    differences.push({ category: 'promptfoo rejects, we run', detail: `promptfoo: ${promptfoo.problem}; ${lastLines(promptfoo.stderr)}` });
    return verdict('broken');
  }
  if (ours.timedOut) differences.push({ category: 'ours: timed out', detail: lastLines(ours.stderr) });
  else if (ours.exitCode !== 0 && ours.exitCode !== 1 && ours.exitCode !== 2)
    differences.push({ category: 'ours: crashed', detail: `exit ${ours.exitCode}: ${lastLines(ours.stderr)}` });
  if (/^\s+at .+\(.+:\d+:\d+\)$/m.test(ours.stderr))
    differences.push({ category: 'ours: stack trace on stderr', detail: lastLines(ours.stderr) });

  const refusedByUs = ours.exitCode === 2;
  if (refusedByUs) {
    const positioned = POSITIONED_ERROR.exec(ours.stderr)?.[0];
    if (!positioned) differences.push({ category: 'refusal without a position', detail: lastLines(ours.stderr) });
    else if (!refusal)
      differences.push({ category: 'refused, promptfoo runs it (no documented refusal)', detail: firstErrors(ours.stderr) });
    else if (!ours.stderr.toLowerCase().includes(refusal.message.toLowerCase())) {
      differences.push({
        category: 'refusal does not name the feature',
        detail: `expected "${refusal.message}" in: ${firstErrors(ours.stderr)}`,
      });
    }
  } else if (refusal) notes.push(`documented refusal ("${refusal.message}") no longer happens: we run the config`);

  const caseDiffs = compareCases(pfCases, ours.cases ?? [], refusedByUs);
  differences.push(...caseDiffs.differences);
  const callDiffs = compareCalls(promptfoo.requests, ours.requests, pfCases, ours.cases ?? [], explicitParams, refusedByUs);
  differences.push(...callDiffs.differences);
  notes.push(...callDiffs.notes);
  for (const key of callDiffs.cellsDiffering) caseDiffs.differing.add(key);
  if (!refusedByUs) differences.push(...compareDerivedMetrics(promptfoo.columnMetrics, ours.columnMetrics));

  // A refusal counts only when it is documented and names the feature; otherwise the cases it kept from running differ.
  const refusalAccepted = refusedByUs && differences.every((d) => !REFUSAL_PROBLEMS.has(d.category));
  const refused = refusalAccepted ? caseDiffs.notRunByUs : 0;
  let differ = caseDiffs.differing.size + (refusedByUs && !refusalAccepted ? caseDiffs.notRunByUs : 0);
  const status: Status = differences.length > 0 ? 'differ' : refusedByUs ? 'refused' : 'agree';
  // A difference no single case carries (a crash, a grader call) puts every case of the config in doubt.
  if (status === 'differ' && differ === 0) differ = pfCases.length - refused;
  return verdict(status, { agree: pfCases.length - differ - refused, refused, differ });
}

const REFUSAL_PROBLEMS = new Set([
  'refusal without a position',
  'refused, promptfoo runs it (no documented refusal)',
  'refusal does not name the feature',
]);

/**
 * promptfoo's derivedMetrics land in each prompt column's named scores; ours in the derivedMetrics JSON lines. Every
 * derived value we report must equal promptfoo's (JSON null = Infinity/NaN on both sides).
 */
function compareDerivedMetrics(pf: ToolOutcome['columnMetrics'], ours: ToolOutcome['columnMetrics']): Difference[] {
  const out: Difference[] = [];
  for (const [column, metrics] of Object.entries(ours ?? {})) {
    for (const [name, value] of Object.entries(metrics)) {
      const theirs = pf?.[Number(column)]?.[name];
      const same =
        theirs === value || (typeof theirs === 'number' && typeof value === 'number' && Math.abs(theirs - value) <= SCORE_TOLERANCE);
      if (!same)
        out.push({
          category: 'derived metric',
          detail: `column ${column}: ${name} = ${JSON.stringify(value)} (ours), ${JSON.stringify(theirs ?? 'absent')} (promptfoo)`,
        });
    }
  }
  return out;
}

function compareCases(pf: CaseResult[], ours: CaseResult[], refusedByUs: boolean) {
  const differences: Difference[] = [];
  const differing = new Set<string>();
  let notRunByUs = 0;
  const oursByCell = new Map(ours.map((c) => [cellKey(c), c]));
  const pfByCell = new Map(pf.map((c) => [cellKey(c), c]));
  for (const p of pf) {
    const key = cellKey(p);
    const o = oursByCell.get(key);
    const label = `case ${p.test}${p.description ? ` "${p.description}"` : ''} [${p.provider}]`;
    if (!o) {
      if (refusedByUs) notRunByUs++;
      else {
        differing.add(key);
        differences.push({ category: 'case count: promptfoo runs a case we do not', detail: `${label}: prompt ${clip(p.prompt)}` });
      }
      continue;
    }
    const pfMessages = stableJson(reportedMessages(p.prompt));
    const ourMessages = stableJson(reportedMessages(o.prompt));
    const reasons: Difference[] = [];
    if (pfMessages !== ourMessages)
      reasons.push({ category: 'rendered prompt', detail: `${label}: promptfoo ${clip(p.prompt)} / ours ${clip(o.prompt)}` });
    if (p.verdict !== o.verdict) {
      reasons.push({
        category: `verdict ${p.verdict} vs ${o.verdict}`,
        detail: `${label}: promptfoo ${p.verdict} (${clip(p.reason)}) / ours ${o.verdict} (${clip(o.reason)})`,
      });
    } else if (p.score !== null && o.score !== null && Math.abs(p.score - o.score) > SCORE_TOLERANCE) {
      reasons.push({ category: 'score', detail: `${label}: promptfoo ${p.score} / ours ${o.score}` });
    }
    if (reasons.length > 0) differing.add(key);
    differences.push(...reasons);
  }
  for (const o of ours) {
    if (pfByCell.has(cellKey(o))) continue;
    differences.push({
      category: 'case count: we run a case promptfoo does not',
      detail: `case ${o.test} [${o.provider}]: prompt ${clip(o.prompt)}`,
    });
  }
  return { differences, differing, notRunByUs };
}

/**
 * The calls each tool made, as multisets. A call only one tool made is a difference; it is charged to the cases whose
 * reported prompt it carries, else to the config (grader and embedding calls). Parameters are compared on calls with
 * the same prompt: a parameter the config sets is a difference, a default that differs is a note.
 */
function compareCalls(
  pfRequests: RecordedRequest[],
  ourRequests: RecordedRequest[],
  pfCases: CaseResult[],
  ourCases: CaseResult[],
  explicitParams: (name: string) => boolean,
  refusedByUs: boolean,
) {
  const differences: Difference[] = [];
  const notes: string[] = [];
  const cellsDiffering = new Set<string>();
  if (refusedByUs && ourRequests.length === 0) return { differences, notes, cellsDiffering };
  const pfCalls = pfRequests.map(sentCall);
  const ourCalls = ourRequests.map(sentCall);
  const identity = (c: SentCall) => stableJson({ endpoint: c.endpoint, model: c.model, key: c.key, messages: c.messages });
  const remaining = new Map<string, SentCall[]>();
  for (const c of ourCalls) remaining.set(identity(c), [...(remaining.get(identity(c)) ?? []), c]);
  const unmatchedPf: SentCall[] = [];
  for (const p of pfCalls) {
    const same = remaining.get(identity(p));
    const o = same?.shift();
    if (!o) {
      unmatchedPf.push(p);
      continue;
    }
    for (const name of new Set([...Object.keys(p.params), ...Object.keys(o.params)])) {
      const a = stableJson(p.params[name]);
      const b = stableJson(o.params[name]);
      if (a === b) continue;
      const line = `${p.endpoint} ${p.model}: ${name} promptfoo ${clip(a ?? 'unset')} / ours ${clip(b ?? 'unset')}`;
      if (explicitParams(name)) differences.push({ category: `request parameter ${name}`, detail: line });
      else notes.push(`default differs: ${line}`);
    }
  }
  const unmatchedOurs = [...remaining.values()].flat();
  const cellsFor = (call: SentCall, cases: CaseResult[]) =>
    cases.filter((c) => stableJson(reportedMessages(c.prompt)) === stableJson(call.messages)).map(cellKey);
  for (const [who, calls, cases] of [
    ['promptfoo', unmatchedPf, pfCases],
    ['ours', unmatchedOurs, ourCases],
  ] as const) {
    for (const call of calls) {
      const cells = cellsFor(call, cases);
      cells.forEach((k) => cellsDiffering.add(k));
      const kind = cells.length > 0 ? 'case call' : 'other call (grader, embedding...)';
      differences.push({
        category: `${kind} only ${who} made`,
        detail: `${call.endpoint} model=${call.model ?? '-'} key=${call.key ?? '-'} messages=${clip(stableJson(call.messages), 240)}`,
      });
    }
  }
  return { differences, notes, cellsDiffering };
}

function clip(text: string, max = 160): string {
  const one = String(text).replace(/\s+/g, ' ').trim();
  return one.length > max ? `${one.slice(0, max - 1)}…` : one;
}

function lastLines(text: string, n = 3): string {
  return clip(text.trim().split('\n').slice(-n).join(' | '), 300);
}

function firstErrors(text: string): string {
  const errors = text.split('\n').filter((l) => / error: /.test(l));
  return clip((errors.length ? errors : text.split('\n')).slice(0, 2).join(' | '), 300);
}

/**
 * A config run with `oursArgs` agrees only if, without them, we refuse it as `withoutArgs` documents (positioned,
 * naming the feature): the opt-in is the user's decision, the default must never run differently.
 */
export function withoutOptIn(verdict: ConfigVerdict, optIn: string[], without: ConfigVerdict | undefined): void {
  const problem = !without
    ? 'not run'
    : without.status !== 'refused'
      ? `${without.status}: ${without.differences.map((d) => `${d.category}: ${d.detail}`).join(' | ') || 'ran the config'}`
      : undefined;
  if (problem === undefined && without) {
    verdict.notes.push(`with ${optIn.join(' ')}; without it, refused as documented`);
    return;
  }
  verdict.differences.push({ category: `without ${optIn.join(' ')}: not the documented refusal`, detail: problem ?? '' });
  verdict.status = 'differ';
  verdict.differ = verdict.cases - verdict.refused;
  verdict.agree = 0;
}

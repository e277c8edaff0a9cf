/**
 * Worst-case token counting (issue #15): 1 MB documents made of pieces the pre-tokenizer keeps whole, counted by this
 * engine, by OpenAI's tiktoken (the WASM package) and by js-tiktoken in the same run, plus the incremental counter's
 * per-keystroke update on the same documents.
 *
 * The two references run in child processes with a time limit, on growing prefixes (16 KB, 32 KB, … up to the whole
 * document) until one takes over REFERENCE_STOP_MS or fails: their O(n²) merges would otherwise take hours on a 1 MB
 * run, and tiktoken's WASM build aborts on some. A row then says which prefix was measured.
 *
 * Times are CPU time of the (single-threaded) work, with wall time beside it: on the shared 2-core development machine
 * the wall clock mostly measures other people's builds. On an idle machine the two agree.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { createTokenizer, loadTokenizer } from '../../src/core/tokens/encodings';
import { IncrementalCounter } from '../../src/core/tokens/incrementalCounter';
import { seededRandom } from '../fixtures/tokens/mixedDocument';
import { worstCaseDocuments } from '../fixtures/tokens/worstCaseDocuments';
import type { BenchRow } from './benchRow';

const BENCH = 'tokens';
const ENCODING = 'o200k_base';
const REFERENCE_STOP_MS = 2000;
const REFERENCE_TIMEOUT_MS = 60_000;
const EDITS = 300;
const WARMUP_EDITS = 30;
const INSERTS = ['a', 'e', 'Z', ' ', '\n', '/', "'", '1', '.', '{', '\t', '中', '😀', 'é', 'x', '='];

const ms = (value: number) =>
  value < 1 ? `${value.toFixed(3)} ms` : value < 10_000 ? `${value.toFixed(1)} ms` : `${(value / 1000).toFixed(1)} s`;
const kb = (chars: number) => (chars >= 1_000_000 ? `${(chars / 1e6).toFixed(2)} M chars` : `${Math.round(chars / 1000)} K chars`);

interface ReferenceRun {
  /** Prefix lengths measured, with their CPU and wall time and tokens; the last may have failed. */
  runs: { chars: number; ms: number; wall: number; tokens: number }[];
  error?: string;
}

/** Measures a reference encoder in a child process on growing prefixes of document `index`. */
function measureReference(engine: 'wasm' | 'js-tiktoken', index: number): ReferenceRun {
  const script = `
    const { worstCaseDocuments } = require('./test/fixtures/tokens/worstCaseDocuments.ts');
    const text = worstCaseDocuments()[${index}].text;
    let encode;
    if (${JSON.stringify(engine)} === 'wasm') {
      const { get_encoding } = require('tiktoken');
      const encoder = get_encoding('${ENCODING}'); // loaded before timing: only encoding is measured
      encode = (s) => encoder.encode_ordinary(s).length;
    } else {
      const { Tiktoken } = require('js-tiktoken/lite');
      const t = new Tiktoken(require('js-tiktoken/ranks/${ENCODING}'));
      encode = (s) => t.encode(s, [], []).length;
    }
    for (let chars = Math.min(4000, text.length); ; chars = Math.min(text.length, chars * 2)) {
      const prefix = text.slice(0, chars);
      const start = performance.now();
      const cpuStart = process.cpuUsage();
      let tokens;
      try { tokens = encode(prefix); }
      catch (error) { process.stdout.write(JSON.stringify({ error: String(error).split('\\n')[0], chars }) + '\\n'); break; }
      const cpu = process.cpuUsage(cpuStart);
      const ms = (cpu.user + cpu.system) / 1000;
      process.stdout.write(JSON.stringify({ chars, ms, wall: performance.now() - start, tokens }) + '\\n');
      if (chars === text.length || ms > ${REFERENCE_STOP_MS}) break;
    }`;
  const root = join(__dirname, '..', '..');
  const child = spawnSync(process.execPath, ['-r', 'tsx/cjs', '-e', script], {
    cwd: root,
    encoding: 'utf8',
    timeout: REFERENCE_TIMEOUT_MS,
  });
  const result: ReferenceRun = { runs: [] };
  for (const line of child.stdout.split('\n').filter(Boolean)) {
    const parsed = JSON.parse(line) as { chars: number; ms?: number; wall?: number; tokens?: number; error?: string };
    if (parsed.error) result.error = `${parsed.error} at ${kb(parsed.chars)}`;
    else result.runs.push({ chars: parsed.chars, ms: parsed.ms!, wall: parsed.wall!, tokens: parsed.tokens! });
  }
  if (child.error) result.error = `stopped after ${REFERENCE_TIMEOUT_MS / 1000} s`;
  else if (child.status !== 0 && !result.error) result.error = `exit ${child.status}: ${child.stderr.split('\n').find(Boolean) ?? ''}`;
  return result;
}

function describeReference(run: ReferenceRun, fullChars: number): string {
  const last = run.runs[run.runs.length - 1];
  if (last && last.chars === fullChars) return cpuAndWall(last.ms, last.wall);
  const measured = last ? `${cpuAndWall(last.ms, last.wall)} on the first ${kb(last.chars)}` : 'nothing measured';
  const why = run.error ?? `whole document not run: the ${kb(last.chars)} prefix alone took over ${REFERENCE_STOP_MS / 1000} s`;
  return `${measured} (${why})`;
}

const cpuAndWall = (cpu: number, wall: number) => `${ms(cpu)} CPU (${ms(wall)} wall)`;

/** CPU and wall milliseconds of `work`. */
function timed<T>(work: () => T): { result: T; ms: number; wall: number } {
  const start = performance.now();
  const cpuStart = process.cpuUsage();
  const result = work();
  const cpu = process.cpuUsage(cpuStart);
  return { result, ms: (cpu.user + cpu.system) / 1000, wall: performance.now() - start };
}

/** A fresh tokenizer's first count of `text`: no cache has seen it. */
async function coldCount(text: string): Promise<{ ms: number; wall: number; tokens: number }> {
  const tokenizer = await createTokenizer(ENCODING);
  const { result, ms, wall } = timed(() => tokenizer.count(text));
  return { ms, wall, tokens: result };
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

/** Per-keystroke update times of the incremental counter on `doc`, and whether its total stayed exact. */
async function measureKeystrokes(doc: string, seed: number): Promise<{ p50: number; p99: number; max: number; exact: boolean }> {
  const tokenizer = await loadTokenizer(ENCODING);
  const counter = new IncrementalCounter(tokenizer, doc);
  const random = seededRandom(seed);
  let text = doc;
  const times: number[] = [];
  for (let i = 0; i < WARMUP_EDITS + EDITS; i++) {
    let at = Math.floor(random() * text.length);
    if (at > 0 && /[\uDC00-\uDFFF]/.test(text[at])) at--;
    const width = at < text.length && (text.codePointAt(at) ?? 0) > 0xffff ? 2 : 1;
    const kind = random();
    const insert = kind < 0.8 ? INSERTS[Math.floor(random() * INSERTS.length)] : '';
    const deleteLength = kind < 0.5 ? 0 : Math.min(width, text.length - at);
    const { ms: elapsed } = timed(() => counter.applyChange(at, deleteLength, insert));
    text = text.slice(0, at) + insert + text.slice(at + deleteLength);
    if (i >= WARMUP_EDITS) times.push(elapsed);
  }
  const exact = counter.text === text && counter.total === (await coldCount(text)).tokens;
  const sorted = times.sort((a, b) => a - b);
  return { p50: percentile(sorted, 50), p99: percentile(sorted, 99), max: sorted[sorted.length - 1], exact };
}

export async function run(): Promise<BenchRow[]> {
  const rows: BenchRow[] = [];
  const documents = worstCaseDocuments();
  for (const [index, doc] of documents.entries()) {
    const cold = await coldCount(doc.text);
    const tokenizer = await loadTokenizer(ENCODING);
    tokenizer.count(doc.text);
    const warm = timed(() => tokenizer.count(doc.text));

    const wasm = measureReference('wasm', index);
    const js = measureReference('js-tiktoken', index);
    // ≤ 2× tiktoken on the same input: the whole document, or the longest prefix tiktoken finished.
    const wasmLast = wasm.runs[wasm.runs.length - 1];
    const sameInput = wasmLast && wasmLast.chars < doc.text.length ? await coldCount(doc.text.slice(0, wasmLast.chars)) : cold;
    const agree =
      [...wasm.runs, ...js.runs].every((r) => r.chars !== doc.text.length || r.tokens === cold.tokens) &&
      (!wasmLast || sameInput.tokens === wasmLast.tokens);
    const ratio = wasmLast ? sameInput.ms / wasmLast.ms : Number.NaN;

    const keys = await measureKeystrokes(doc.text, 100 + index);
    const label = `${doc.name}, ${cold.tokens.toLocaleString('en-US')} tokens`;
    rows.push(
      {
        bench: BENCH,
        metric: `${label}: this engine, first count`,
        value: cpuAndWall(cold.ms, cold.wall),
        target: '≤ 1 s CPU',
        ok: cold.ms <= 1000,
      },
      {
        bench: BENCH,
        metric: `${label}: this engine, counted again (remembered pieces)`,
        value: cpuAndWall(warm.ms, warm.wall),
        target: 'exact',
        ok: warm.result === cold.tokens,
      },
      { bench: BENCH, metric: `${label}: OpenAI tiktoken (WASM)`, value: describeReference(wasm, doc.text.length) },
      { bench: BENCH, metric: `${label}: js-tiktoken`, value: describeReference(js, doc.text.length) },
      {
        bench: BENCH,
        metric: `${label}: this engine ÷ tiktoken WASM (CPU) on the same input${wasmLast && wasmLast.chars < doc.text.length ? ` (the ${kb(wasmLast.chars)} prefix)` : ''}`,
        value: Number.isNaN(ratio) ? 'n/a' : `${ratio.toFixed(2)}×`,
        target: '≤ 2×, same count',
        ok: !Number.isNaN(ratio) && ratio <= 2 && agree,
      },
      {
        bench: BENCH,
        metric: `${label}: incremental update per keystroke, CPU p50 / max (${EDITS} random edits)`,
        value: `${ms(keys.p50)} / ${ms(keys.max)}`,
        target: 'exact',
        ok: keys.exact,
      },
      {
        bench: BENCH,
        metric: `${label}: incremental update per keystroke, CPU p99`,
        value: ms(keys.p99),
        target: '≤ 5 ms',
        ok: keys.p99 <= 5,
      },
    );
  }
  return rows;
}

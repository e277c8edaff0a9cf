import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { CallRecord } from '../../cost/callRecord';
import type { ModelRef } from '../../models/modelRef';
import type { EvalFile } from '../evalModel';
import type { EvalCaseResult } from '../evalResult';
import type { SourceRange } from '../sourceRange';
import type { PromptfooInstall } from './findPromptfoo';
import { testSourceMap, toCallRecord, toEvalResult, type PromptfooRow } from './promptfooResults';

export interface PromptfooRunOptions {
  install: PromptfooInstall;
  /** The eval file's text as run (the editor passes the buffer it parsed; promptfoo reads the saved file). */
  text: string;
  env?: NodeJS.ProcessEnv;
  concurrency?: number;
  repeat?: number;
  noCache?: boolean;
  /** CLI --grader, passed on. */
  grader?: ModelRef;
  signal?: AbortSignal;
  /** Each result as ours, in promptfoo's order, once the run ended (promptfoo writes its results at the end). */
  onResult?: (result: EvalCaseResult) => void;
  /** Each call promptfoo made, for our ledger. */
  onRecord?: (record: CallRecord) => void;
  /** The editor's case index for a test of the file (default: the test's index). */
  caseIndexFor?: (testIndex: number, range: SourceRange) => number;
}

export interface PromptfooRunOutcome {
  results: EvalCaseResult[];
  /** promptfoo could not run or wrote no results: the message says what it printed. */
  error?: string;
  cancelled: boolean;
}

/**
 * Runs one eval file with the workspace's promptfoo (`promptfoo eval -c FILE -o results.json --no-write`), in the
 * file's folder, with the caller's environment (keys and base URLs as the user set them) and promptfoo's telemetry
 * and update check off. Results are read from promptfoo's JSON output and mapped onto the file's tests.
 */
export async function runPromptfoo(file: EvalFile, options: PromptfooRunOptions): Promise<PromptfooRunOutcome> {
  const dir = await mkdtemp(join(tmpdir(), 'llm-workbench-promptfoo-'));
  const out = join(dir, 'results.json');
  const args = ['eval', '-c', file.path, '-o', out, '--no-write', '--no-progress-bar', '--no-table', '--no-share'];
  if (options.concurrency) args.push('--max-concurrency', String(options.concurrency));
  if (options.repeat !== undefined && options.repeat >= 1) args.push('--repeat', String(options.repeat));
  if (options.noCache) args.push('--no-cache');
  if (options.grader) args.push('--grader', options.grader);
  const env = { ...(options.env ?? process.env), PROMPTFOO_DISABLE_TELEMETRY: '1', PROMPTFOO_DISABLE_UPDATE: '1', NO_COLOR: '1' };
  try {
    const exit = await spawnPromptfoo(options.install.command, args, dirname(file.path), env, options.signal);
    if (exit.cancelled) return { results: [], cancelled: true };
    let json: { results?: { results?: PromptfooRow[]; prompts?: { label?: string }[] } };
    try {
      json = JSON.parse(await readFile(out, 'utf8')) as typeof json;
    } catch {
      return { results: [], cancelled: false, error: `promptfoo wrote no results (exit ${exit.code}): ${exit.tail || 'no output'}` };
    }
    const rows = json.results?.results ?? [];
    const map = testSourceMap(file.path, options.text);
    const labels = (json.results?.prompts ?? []).map((p) => p.label ?? '');
    const at = new Date().toISOString();
    const repeats = new Map<string, number>();
    const results = rows.map((row) => {
      const result = toEvalResult(row, file, map, options.caseIndexFor ?? ((i) => i), labels);
      // --repeat: promptfoo lists the same test/prompt/provider again; number them as our repeats.
      const key = `${row.testIdx}/${row.promptIdx}/${result.provider}`;
      result.repeat = repeats.get(key) ?? 0;
      repeats.set(key, result.repeat + 1);
      const record = toCallRecord(row, at, undefined);
      if (record) options.onRecord?.(record);
      options.onResult?.(result);
      return result;
    });
    return { results, cancelled: false };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** Spawns promptfoo in its own process group so a cancel ends it and its children; keeps the end of its output for errors. */
function spawnPromptfoo(
  command: string,
  args: string[],
  cwd: string,
  env: NodeJS.ProcessEnv,
  signal?: AbortSignal,
): Promise<{ code: number | null; tail: string; cancelled: boolean }> {
  return new Promise((resolvePromise) => {
    if (signal?.aborted) return resolvePromise({ code: null, tail: '', cancelled: true });
    const child = spawn(command, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'], detached: process.platform !== 'win32' });
    let tail = '';
    const keep = (chunk: Buffer) => {
      tail = (tail + chunk.toString('utf8')).slice(-4000);
    };
    child.stdout.on('data', keep);
    child.stderr.on('data', keep);
    let cancelled = false;
    const kill = (sig: NodeJS.Signals) => {
      try {
        if (child.pid !== undefined && process.platform !== 'win32') process.kill(-child.pid, sig);
        else child.kill(sig);
      } catch {
        // already gone
      }
    };
    const onAbort = () => {
      cancelled = true;
      kill('SIGINT');
      setTimeout(() => kill('SIGKILL'), 500).unref();
    };
    signal?.addEventListener('abort', onAbort, { once: true });
    child.on('error', (error) => {
      signal?.removeEventListener('abort', onAbort);
      resolvePromise({ code: null, tail: error.message, cancelled });
    });
    child.on('close', (code) => {
      signal?.removeEventListener('abort', onAbort);
      resolvePromise({
        code,
        tail: tail
          // eslint-disable-next-line no-control-regex -- strips the ANSI colours from promptfoo's output tail
          .replace(/\x1b\[[0-9;]*m/g, '')
          .trim()
          .split('\n')
          .slice(-6)
          .join('\n'),
        cancelled,
      });
    });
  });
}

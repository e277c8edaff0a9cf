/** Runs promptfoo 0.123.1 (on Node 24, from the cache) on one config and reads its JSON output. */
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { CaseResult } from './caseResult';
import { runProcess, type ProcessResult } from './processRun';

export interface PromptfooInstall {
  node24: string;
  promptfoo: string;
}

interface PromptfooResult {
  testIdx: number;
  promptIdx: number;
  success: boolean;
  score?: number;
  error?: string | null;
  failureReason?: number;
  prompt?: { raw?: string };
  provider?: { id?: string; label?: string };
  response?: { output?: unknown; error?: string };
  gradingResult?: { pass?: boolean; score?: number; reason?: string } | null;
  testCase?: { description?: string };
}

const ERROR = 2; // promptfoo's ResultFailureReason.ERROR

/**
 * promptfoo's own state (cache, database, telemetry id, update checks, sharing) is switched off or kept in a
 * throwaway HOME, so a run reads and writes nothing outside `home` and calls nothing but the emulator.
 */
export function promptfooEnv(home: string, base: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  mkdirSync(join(home, '.promptfoo'), { recursive: true });
  return {
    ...base,
    HOME: home,
    PROMPTFOO_CONFIG_DIR: join(home, '.promptfoo'),
    PROMPTFOO_CACHE_ENABLED: 'false',
    PROMPTFOO_DISABLE_TELEMETRY: '1',
    PROMPTFOO_DISABLE_UPDATE: '1',
    PROMPTFOO_DISABLE_SHARING: '1',
    PROMPTFOO_DISABLE_REDTEAM_REMOTE_GENERATION: 'true',
    PROMPTFOO_DISABLE_REMOTE_GENERATION: 'true',
    PROMPTFOO_SELF_HOSTED: '1',
    PROMPTFOO_DISABLE_WAL_MODE: 'true',
    PROMPTFOO_DISABLE_ERROR_LOG: 'true',
    PROMPTFOO_LOG_DIR: join(home, 'logs'),
    NO_COLOR: '1',
    FORCE_COLOR: '0',
  };
}

export async function runPromptfoo(
  install: PromptfooInstall,
  dir: string,
  env: NodeJS.ProcessEnv,
  timeoutMs: number,
): Promise<ProcessResult & { cases?: CaseResult[]; problem?: string; columnMetrics?: Record<number, Record<string, number | null>> }> {
  const out = join(dir, '.promptfoo-results.json');
  const args = [
    install.promptfoo,
    'eval',
    '-c',
    'promptfooconfig.yaml',
    '--no-cache',
    '--no-table',
    '--no-progress-bar',
    '--no-write',
    '-j',
    '4',
    '-o',
    out,
  ];
  const run = await runProcess(install.node24, args, { cwd: dir, env, timeoutMs });
  if (!existsSync(out)) return { ...run, problem: 'promptfoo wrote no results' };
  try {
    const parsed = JSON.parse(readFileSync(out, 'utf8')) as {
      results?: { results?: PromptfooResult[]; prompts?: { metrics?: { namedScores?: Record<string, number | null> } }[] };
    };
    const columnMetrics = Object.fromEntries((parsed.results?.prompts ?? []).map((p, i) => [i, p.metrics?.namedScores ?? {}]));
    return { ...run, cases: (parsed.results?.results ?? []).map(fromPromptfoo), columnMetrics };
  } catch (error) {
    return { ...run, problem: `promptfoo's results do not parse: ${(error as Error).message}` };
  }
}

function fromPromptfoo(r: PromptfooResult): CaseResult {
  const errored = r.failureReason === ERROR;
  const output = r.response?.output;
  return {
    test: r.testIdx,
    column: r.promptIdx,
    verdict: errored ? 'error' : r.success ? 'pass' : 'fail',
    score: errored ? null : (r.score ?? r.gradingResult?.score ?? null),
    prompt: r.prompt?.raw ?? '',
    provider: r.provider?.label || r.provider?.id || '',
    output: typeof output === 'string' ? output : JSON.stringify(output ?? ''),
    reason: errored ? String(r.error ?? r.response?.error ?? '') : (r.gradingResult?.reason ?? ''),
    description: r.testCase?.description,
  };
}

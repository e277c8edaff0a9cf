/** Runs our engine (`node dist/cli.js eval`, the built CLI, on the Node running the harness) on one config. */
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { EvalCaseResult } from '../../src/core/evals/evalResult';
import type { CaseResult } from './caseResult';
import { runProcess, type ProcessResult } from './processRun';

export function oursEnv(home: string, base: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  mkdirSync(home, { recursive: true });
  return { ...base, HOME: home, LLM_WORKBENCH_HOME: join(home, '.llm-workbench'), NO_COLOR: '1' };
}

export async function runOurs(
  cli: string,
  dir: string,
  env: NodeJS.ProcessEnv,
  providerOrder: string[],
  timeoutMs: number,
  extraArgs: readonly string[] = [],
): Promise<ProcessResult & { cases: CaseResult[]; columnMetrics?: Record<number, Record<string, number | null>> }> {
  const out = join(dir, '.ours-results.jsonl');
  const args = [cli, 'eval', 'promptfooconfig.yaml', '--no-cache', '-j', '4', '--json', out, ...extraArgs];
  const run = await runProcess(process.execPath, args, {
    cwd: dir,
    env,
    timeoutMs,
  });
  const lines = existsSync(out)
    ? readFileSync(out, 'utf8')
        .split('\n')
        .filter((l) => l.trim() !== '')
    : [];
  const parsed = lines.map((l) => JSON.parse(l) as EvalCaseResult | DerivedLine);
  const results = parsed.filter((l): l is EvalCaseResult => !('derivedMetrics' in l));
  const derivedLines = parsed.filter((l): l is DerivedLine => 'derivedMetrics' in l);
  const prompts = Math.max(0, ...results.map((r) => r.promptIndex + 1));
  const providerIndex = (r: EvalCaseResult) => {
    const i = providerOrder.findIndex((p) => p === r.providerLabel || p === r.provider);
    return i < 0 ? 0 : i;
  };
  const cases = results
    .filter((r) => r.repeat === 0)
    .map((r): CaseResult => ({
      test: r.caseIndex,
      column: providerIndex(r) * prompts + r.promptIndex,
      verdict: r.verdict === 'error' ? 'error' : r.pass ? 'pass' : 'fail',
      score: r.verdict === 'error' ? null : r.score,
      prompt: r.prompt,
      provider: r.providerLabel,
      output: r.output,
      reason: r.error?.message ?? r.reason,
      description: r.description,
    }));
  const columnMetrics: Record<number, Record<string, number | null>> = {};
  for (const d of derivedLines) {
    const column = providerIndex({ providerLabel: d.providerLabel } as EvalCaseResult) * prompts + d.promptIndex;
    columnMetrics[column] = d.derivedMetrics;
  }
  return { ...run, cases, ...(derivedLines.length > 0 ? { columnMetrics } : {}) };
}

/** Our `--json` line with a prompt column's derived metrics (after the result lines). */
interface DerivedLine {
  derivedMetrics: Record<string, number | null>;
  promptIndex: number;
  providerLabel: string;
}

/**
 * promptfoo's runs, kept between harness runs. promptfoo 0.123.1 is pinned, the emulator answers deterministically and
 * a config's run depends only on its directory, so its result (cases and the requests the emulator received) is
 * reused until the config, the emulator or the way promptfoo is run changes. Our engine always runs fresh.
 * `--fresh` ignores the kept runs. They live in the integration cache, beside promptfoo, never in the repo.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { RecordedRequest } from '../emulator/emulatorTypes';
import type { CaseResult } from './caseResult';
import type { CorpusConfig } from './corpus';

export interface AnchorRun {
  exitCode: number | null;
  timedOut: boolean;
  stderr: string;
  ms: number;
  cases?: CaseResult[];
  problem?: string;
  requests: RecordedRequest[];
  columnMetrics?: Record<number, Record<string, number | null>>;
}

/** Sources whose change can change what promptfoo does or what the emulator answers it. */
const HARNESS_INPUTS = [
  join(__dirname, '..', 'emulator'),
  join(__dirname, 'toolEnv.ts'),
  join(__dirname, 'promptfooRun.ts'),
  join(__dirname, 'corpus.ts'),
];

export class AnchorCache {
  private readonly harnessHash: string;

  constructor(
    private readonly dir: string,
    promptfooVersion: string,
  ) {
    const h = createHash('sha256').update(`promptfoo@${promptfooVersion}\n`);
    for (const input of HARNESS_INPUTS) hashTree(h, input);
    this.harnessHash = h.digest('hex');
  }

  key(config: CorpusConfig): string {
    const h = createHash('sha256').update(this.harnessHash);
    hashTree(h, config.dir);
    return h.digest('hex').slice(0, 32);
  }

  get(config: CorpusConfig): AnchorRun | undefined {
    const path = join(this.dir, `${this.key(config)}.json`);
    if (!existsSync(path)) return undefined;
    try {
      return JSON.parse(readFileSync(path, 'utf8')) as AnchorRun;
    } catch {
      return undefined;
    }
  }

  set(config: CorpusConfig, run: AnchorRun): void {
    mkdirSync(this.dir, { recursive: true });
    const path = join(this.dir, `${this.key(config)}.json`);
    writeFileSync(`${path}.tmp`, JSON.stringify(run));
    renameSync(`${path}.tmp`, path);
  }
}

function hashTree(h: ReturnType<typeof createHash>, path: string): void {
  if (statSync(path).isFile()) {
    h.update(`${path.split(/[\\/]/).pop()}\n`).update(readFileSync(path));
    return;
  }
  for (const entry of readdirSync(path, { recursive: true }).map(String).sort()) {
    // The emulator's own tests do not change what it answers: editing them must not void every kept promptfoo run.
    if (entry.endsWith('.test.ts')) continue;
    const file = join(path, entry);
    if (statSync(file).isFile()) h.update(`\n${entry}\n`).update(readFileSync(file));
  }
}

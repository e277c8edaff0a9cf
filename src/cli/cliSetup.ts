/** What `llm-workbench chat` and `llm-workbench eval` share: settings, the ledger, the tokenizer, usage errors. */
import { resolve } from 'node:path';
import { ConfigError, editorSettings, loadCliConfig, type CliConfig } from './loadCliConfig';
import { FailSoftLedger } from '../core/cost/failSoftLedger';
import { JsonlLedger, type Ledger } from '../core/cost/ledger';
import type { CallRecord } from '../core/cost/callRecord';
import type { WorkbenchConfig } from '../core/config/workbenchConfig';
import { ModelCatalog } from '../core/models/catalog';
import { warmUpPromptCounts } from '../core/gateway/promptCountWarmUp';

/**
 * `--config FILE` (relative to `cwd`) and the environment. A configuration the CLI cannot run with comes back as
 * `{ problem }`, the message to print before exiting 2; anything else is a bug and throws.
 */
export function loadCliSettings(
  file: string | undefined,
  env: NodeJS.ProcessEnv,
  cwd: string,
  allowConfigEndpoints = false,
): CliConfig | { problem: string } {
  try {
    return loadCliConfig({
      file: file === undefined ? undefined : resolve(cwd, file),
      env,
      editorSettings: editorSettings(),
      allowConfigEndpoints,
    });
  } catch (error) {
    if (error instanceof ConfigError) return { problem: error.message };
    throw error;
  }
}

/**
 * The ledger file of a CLI run; `close()` waits until every record of the run is on disk. It fails soft: a file
 * that cannot be written (a directory, read-only, a full disk) is one warning on stderr naming the path and the fix,
 * and the run's answer, table and reports are delivered all the same.
 */
export class CliLedger implements Ledger {
  private readonly file: FailSoftLedger;
  /** Writes not yet on disk (settled ones leave the set, so a long run does not keep one promise per call). */
  private readonly pending = new Set<Promise<void>>();

  constructor(
    path: string,
    private readonly warn: (line: string) => void = (line) => process.stderr.write(line),
  ) {
    this.file = new FailSoftLedger(new JsonlLedger(path), path, (message) => warn(`llm-workbench: warning: ${message}\n`));
  }

  append(record: CallRecord): Promise<void> {
    const write = this.file.append(record);
    this.pending.add(write);
    void write.finally(() => this.pending.delete(write)).catch(() => undefined);
    return write;
  }

  /** Resolves when every record appended so far is written (a long-running server keeps the file open). */
  async settled(): Promise<void> {
    await Promise.allSettled([...this.pending]);
  }

  async close(): Promise<void> {
    await Promise.allSettled([...this.pending]);
    await this.file.close();
    const lost = this.file.lostRecords;
    if (lost > 1) this.warn(`llm-workbench: warning: ${lost} call records of this run are not in the ledger (see the warning above)\n`);
  }
}

/**
 * Loads the encodings the gateway will count these models' prompts with whatever their size before the first call
 * (`warmUpPromptCounts`); `routed`: calls without a model, which routing rules on prompt size may count.
 */
export async function warmUpTokenizers(config: WorkbenchConfig, refs: readonly string[] = [], routed = refs.length === 0): Promise<void> {
  await warmUpPromptCounts(config, new ModelCatalog(config.models, { providers: config.providers }), refs, routed);
}

/** Variables whose values are secrets whatever their provider: named like a key, token or password. */
const SECRET_NAME = /(_API_KEY|_KEY|_TOKEN|_SECRET|PASSWORD)$/i;

/** The secret values of the environment (8+ characters), for redacting what a command prints or writes. */
export function secretValues(env: NodeJS.ProcessEnv): string[] {
  return Object.entries(env)
    .filter(([name, value]) => SECRET_NAME.test(name) && typeof value === 'string' && value.trim().length >= 8)
    .map(([, value]) => value!.trim());
}

/** `llm-workbench <command>: <message>` and the command's usage, as every subcommand reports bad usage. */
export function usageMessage(command: string, message: string, usage: string): string {
  // Node's parseArgs adds advice about `--` that does not fit here; its first sentence says it all.
  const first = message.replace(/\. To specify a positional argument.*$/s, '').replace(/\.$/, '');
  return `llm-workbench ${command}: ${first}.\n\n${usage}`;
}

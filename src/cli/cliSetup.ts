/** What `llm-workbench chat` and `llm-workbench eval` share: settings, the ledger, the tokenizer, usage errors. */
import { resolve } from 'node:path';
import { ConfigError, editorSettings, loadCliConfig, type CliConfig } from './loadCliConfig';
import { JsonlLedger, type Ledger } from '../core/cost/ledger';
import type { CallRecord } from '../core/cost/callRecord';
import type { WorkbenchConfig } from '../core/config/workbenchConfig';
import { ModelCatalog } from '../core/models/catalog';
import type { EncodingName } from '../core/models/modelInfo';
import { loadTokenizer, tokenizerSpecFor } from '../core/tokens/encodings';

/**
 * `--config FILE` (relative to `cwd`) and the environment. A configuration the CLI cannot run with comes back as
 * `{ problem }`, the message to print before exiting 2; anything else is a bug and throws.
 */
export function loadCliSettings(file: string | undefined, env: NodeJS.ProcessEnv, cwd: string): CliConfig | { problem: string } {
  try {
    return loadCliConfig({ file: file === undefined ? undefined : resolve(cwd, file), env, editorSettings: editorSettings() });
  } catch (error) {
    if (error instanceof ConfigError) return { problem: error.message };
    throw error;
  }
}

/** The ledger file of a CLI run; `close()` waits until every record of the run is on disk. */
export class CliLedger implements Ledger {
  private readonly file: JsonlLedger;
  private readonly pending: Promise<void>[] = [];

  constructor(path: string) {
    this.file = new JsonlLedger(path);
  }

  append(record: CallRecord): Promise<void> {
    const write = this.file.append(record);
    this.pending.push(write);
    return write;
  }

  /** Resolves when every record appended so far is written (a long-running server keeps the file open). */
  async settled(): Promise<void> {
    await Promise.allSettled(this.pending);
  }

  async close(): Promise<void> {
    await Promise.allSettled(this.pending);
    await this.file.close();
  }
}

/**
 * Loads the encodings the gateway will count these models' prompts with (o200k always: routing uses it) before the
 * first call. A fresh CLI process otherwise spends its one-time rank load (0.3-1 s) inside the first calls, which
 * would show up as their TTFT and latency and could fail an eval's `latency` assertion.
 */
export async function warmUpTokenizers(config: WorkbenchConfig, refs: readonly string[] = []): Promise<void> {
  const catalog = new ModelCatalog(config.models, { providers: config.providers });
  const encodings = new Set<EncodingName>(['o200k_base']);
  for (const ref of refs) encodings.add(tokenizerSpecFor(catalog.lookup(ref)).encoding);
  await Promise.all([...encodings].map((name) => loadTokenizer(name).catch(() => undefined)));
}

/** `llm-workbench <command>: <message>` and the command's usage, as every subcommand reports bad usage. */
export function usageMessage(command: string, message: string, usage: string): string {
  // Node's parseArgs adds advice about `--` that does not fit here; its first sentence says it all.
  const first = message.replace(/\. To specify a positional argument.*$/s, '').replace(/\.$/, '');
  return `llm-workbench ${command}: ${first}.\n\n${usage}`;
}

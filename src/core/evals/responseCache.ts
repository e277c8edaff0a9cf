import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import type { CallRecord } from '../cost/callRecord';
import type { StopReason, ToolCallPart } from '../providers/chat';

/** What a cache hit gives back: the answer and the record of the call that produced it (original latency and cost). */
export interface CachedAnswer {
  text: string;
  record: CallRecord;
  /** Why the answer ended (finish-reason assertions); absent in entries written before it was kept. */
  stopReason?: StopReason;
  /** An embedding call's vector (then `text` is empty). */
  embedding?: number[];
  /** The answer's tool calls and token logprobs, when it had them (eval output and perplexity read them). */
  toolCalls?: ToolCallPart[];
  logProbs?: number[];
}

/** `$LLM_WORKBENCH_HOME/cache/evals`, default `~/.llm-workbench/cache/evals`. */
export function defaultEvalCacheDir(env: NodeJS.ProcessEnv = process.env, home: string = homedir()): string {
  return join(env.LLM_WORKBENCH_HOME?.trim() || join(home, '.llm-workbench'), 'cache', 'evals');
}

/**
 * Answers stored on disk by a key over everything that shapes the answer: provider, model, base URL, the full
 * request (messages, system, temperature, max tokens, response format) and the repeat index — so `--repeat 3`
 * makes three real calls the first time and reads three distinct answers after (promptfoo's cache once returned one
 * answer for every repeat). One small JSON file per entry, written atomically, so parallel runs never read half a file.
 */
export class ResponseCache {
  private warned = false;

  /** `warn` hears once, in one sentence, that answers cannot be stored (the run goes on uncached). */
  constructor(
    readonly dir: string,
    private readonly warn: (message: string) => void = () => undefined,
  ) {}

  static key(parts: Record<string, unknown>): string {
    return createHash('sha256').update(stableJson(parts)).digest('hex');
  }

  get(key: string): CachedAnswer | undefined {
    try {
      const entry = JSON.parse(readFileSync(this.pathOf(key), 'utf8')) as CachedAnswer;
      return typeof entry.text === 'string' && entry.record ? entry : undefined;
    } catch {
      return undefined;
    }
  }

  /** Stores an answer; a cache that cannot be written fails soft (the answer was already delivered). */
  set(key: string, answer: CachedAnswer): void {
    const path = this.pathOf(key);
    const temp = `${path}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
    try {
      mkdirSync(join(this.dir, key.slice(0, 2)), { recursive: true });
      writeFileSync(temp, JSON.stringify(answer));
      renameSync(temp, path);
    } catch (error) {
      try {
        rmSync(temp, { force: true });
      } catch {
        // nothing was written there
      }
      if (!this.warned) {
        this.warned = true;
        const code = (error as NodeJS.ErrnoException).code;
        const why =
          code === 'ENOSPC'
            ? 'the disk is full'
            : code === 'EACCES' || code === 'EPERM'
              ? 'permission denied'
              : code === 'ENOTDIR' || code === 'EEXIST'
                ? 'a file is in the way of its folders'
                : (error as Error).message.split('\n')[0];
        this.warn(
          `the eval response cache ${this.dir} cannot be written (${why}): answers of this run are not cached — fix the folder, set LLM_WORKBENCH_HOME, or pass --no-cache`,
        );
      }
    }
  }

  private pathOf(key: string): string {
    return join(this.dir, key.slice(0, 2), `${key}.json`);
  }
}

/** JSON with sorted keys, so equal requests hash equally whatever order their fields were built in. */
function stableJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${stableJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

import { sharedSandbox, SandboxWorker } from './sandboxWorker';

export const DEFAULT_REGEX_TIMEOUT_MS = 1000;

export type RegexTestResult = { matched: boolean } | { error: string } | { timedOut: true } | { aborted: true };

/**
 * Regex tests in the sandbox worker (sandboxWorker.ts). A pattern from an eval file can backtrack for minutes
 * (`^((\w+\s?)+)+$` on 44 characters); run on the main thread it would also block Ctrl+C. In the worker it runs with
 * JavaScript's own RegExp (so the semantics are exactly promptfoo's `new RegExp(value).test(output)`), and a stuck
 * match is ended with `terminate()`. Each test gets `timeoutMs` from the moment it reaches the worker.
 */
export class RegexRunner {
  constructor(private readonly sandbox: SandboxWorker = new SandboxWorker()) {}

  async test(
    pattern: string,
    text: string,
    options: { flags?: string; timeoutMs?: number; signal?: AbortSignal } = {},
  ): Promise<RegexTestResult> {
    const reply = await this.sandbox.run<{ matched?: boolean; error?: string }>(
      { kind: 'regex', pattern, flags: options.flags ?? '', text },
      options.timeoutMs ?? DEFAULT_REGEX_TIMEOUT_MS,
      options.signal,
    );
    if ('timedOut' in reply || 'aborted' in reply) return reply;
    return reply.error !== undefined ? { error: reply.error } : { matched: Boolean(reply.matched) };
  }

  /** Ends the worker (idle workers are unref'd and never keep the process alive, so this is only for tidiness). */
  dispose(): Promise<void> {
    return this.sandbox.dispose();
  }
}

/** Shared by every regex assertion of the process (its worker also runs `javascript` assertions). */
export const sharedRegexRunner = new RegexRunner(sharedSandbox);

import { runsInline } from './boundedRegex';
import { sharedSandbox, SandboxWorker } from './sandboxWorker';

export const DEFAULT_REGEX_TIMEOUT_MS = 1000;

export type RegexTestResult = { matched: boolean } | { error: string } | { timedOut: true } | { aborted: true };

/**
 * Regex tests in the sandbox worker (sandboxWorker.ts). A pattern from an eval file can backtrack for minutes
 * (`^((\w+\s?)+)+$` on 44 characters); run on the main thread it would also block Ctrl+C. In the worker it runs with
 * JavaScript's own RegExp (so the semantics are exactly promptfoo's `new RegExp(value).test(output)`), and a stuck
 * match is ended with `terminate()`. Each test gets `timeoutMs` from the moment it reaches the worker. A pattern whose
 * worst case is provably a few milliseconds on this text (boundedRegex.ts: no groups, no alternation, a small bound)
 * runs here instead, with the same `RegExp` and so the same result, without the message round trip.
 */
export class RegexRunner {
  constructor(private readonly sandbox: SandboxWorker = new SandboxWorker()) {}

  async test(
    pattern: string,
    text: string,
    options: { flags?: string; timeoutMs?: number; signal?: AbortSignal } = {},
  ): Promise<RegexTestResult> {
    const flags = options.flags ?? '';
    if (runsInline(pattern, flags, text.length)) {
      if (options.signal?.aborted) return { aborted: true };
      return testInline(pattern, flags, text);
    }
    const reply = await this.sandbox.run<{ matched?: boolean; error?: string }>(
      { kind: 'regex', pattern, flags, text },
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

/** Compiled inline patterns, as the worker keeps its own (the same few patterns run once per case). */
const inlinePatterns = new Map<string, RegExp>();

/** The worker's `testRegex`, on this thread: the same compile, `lastIndex` reset, and error text. */
function testInline(pattern: string, flags: string, text: string): RegexTestResult {
  try {
    const key = `${flags}/${pattern}`;
    let re = inlinePatterns.get(key);
    if (!re) {
      re = new RegExp(pattern, flags);
      if (inlinePatterns.size > 500) inlinePatterns.clear();
      inlinePatterns.set(key, re);
    }
    re.lastIndex = 0;
    return { matched: re.test(text) };
  } catch (error) {
    return { error: String((error as Error)?.message || error) };
  }
}

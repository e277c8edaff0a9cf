/**
 * The calls of a run in promptfoo's order (src/evaluator.ts, buildRunEvalOptions): for each test case, each repeat,
 * each provider (the test's `providers` filter applied), each prompt (the provider's and the test's `prompts`
 * filters applied). With `storeOutputAs` the order matters: a later test sees the last stored output.
 */
import type { ModelRef } from '../models/modelRef';
import type { EvalCase, EvalFile, PromptSpec, ProviderSpec } from './evalModel';

export interface Job {
  file: EvalFile;
  test: EvalCase;
  promptIndex: number;
  prompt: PromptSpec;
  /** The column's provider (the file's); the call goes to `test.provider` when the test names one. */
  provider?: ProviderSpec;
  ref?: ModelRef;
  repeat: number;
}

/** The most repeats of a case (--repeat, evaluateOptions.repeat, a test's options.repeat): a typo must not plan 10⁹ calls. */
export const MAX_REPEAT = 10_000;

export interface PlanOptions {
  /** The command line's `--repeat`; undefined = the file's evaluateOptions.repeat, else 1. */
  repeat?: number;
  /** Replaces every file's providers (the editor's comparison). */
  providers?: ModelRef[];
  select?: (file: EvalFile, caseIndex: number, provider: ModelRef | undefined) => boolean;
  refFor: (spec: ProviderSpec) => ModelRef;
}

/** promptfoo's doesPromptRefMatch: label or id, `group:*` wildcards, and `group` for `group:...`. */
export function promptRefMatches(ref: string, prompt: Pick<PromptSpec, 'label'>): boolean {
  if (prompt.label === ref) return true;
  if (ref.endsWith('*') && prompt.label.startsWith(ref.slice(0, -1))) return true;
  return prompt.label.startsWith(`${ref}:`);
}

function allowedPrompt(prompt: PromptSpec, allowed: string[] | undefined): boolean {
  return allowed === undefined || allowed.some((ref) => promptRefMatches(ref, prompt));
}

function allowedProvider(provider: ProviderSpec | undefined, allowed: string[] | undefined): boolean {
  if (allowed === undefined || !provider) return true;
  return allowed.some(
    (ref) =>
      ref === provider.id ||
      ref === provider.label ||
      (ref.endsWith('*') && (provider.id.startsWith(ref.slice(0, -1)) || provider.label.startsWith(ref.slice(0, -1)))),
  );
}

export function* planJobs(files: readonly EvalFile[], options: PlanOptions): Generator<Job> {
  for (const file of files) {
    const providers: (ProviderSpec | undefined)[] = options.providers
      ? options.providers.map((ref) => ({
          id: ref,
          ref,
          label: ref,
          location: file.providers[0]?.location ?? {
            file: file.path,
            range: { start: { line: 0, column: 0 }, end: { line: 0, column: 0 } },
          },
        }))
      : file.providers.length > 0
        ? file.providers
        : [undefined];
    for (const test of file.tests) {
      // A test that needs promptfoo never runs natively (its errors say so; delegation runs it).
      if (test.needsPromptfoo) continue;
      const repeats = test.options?.repeat ?? options.repeat ?? file.repeat ?? 1;
      for (let r = 0; r < repeats; r++) {
        for (const provider of providers) {
          if (!allowedProvider(provider, test.providers)) continue;
          if (options.select && !options.select(file, test.index, provider?.ref)) continue;
          const ref = provider ? options.refFor(provider) : undefined;
          for (let promptIndex = 0; promptIndex < file.prompts.length; promptIndex++) {
            const prompt = file.prompts[promptIndex];
            if (!allowedPrompt(prompt, provider?.prompts) || !allowedPrompt(prompt, test.prompts)) continue;
            yield { file, test, promptIndex, prompt, provider, ref, repeat: r };
          }
        }
      }
    }
  }
}

/** How many jobs a plan has, without keeping them (the plan is walked again to run). */
export function countJobs(files: readonly EvalFile[], options: PlanOptions): number {
  let n = 0;
  for (const _job of planJobs(files, options)) n++;
  return n;
}

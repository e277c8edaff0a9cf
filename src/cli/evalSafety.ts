/** What keeps an eval run's terminal and reports clean: no key in a report, no library warning printed raw. */
import { redactSecrets, secretRedactor } from '../core/providers/redactSecrets';

/** Variables whose values are secrets whatever their provider: anything named like a key or token. */
const SECRET_NAME = /(_API_KEY|_KEY|_TOKEN|_SECRET|PASSWORD)$/i;

/**
 * Redacts, from every result that reaches a report, the values of the environment's key variables and the keys
 * written in eval files (a template can render `{{ env.OPENAI_API_KEY }}` into a prompt; a model can echo it).
 */
export function reportRedactor(env: NodeJS.ProcessEnv, fileKeys: readonly string[]): (text: string) => string {
  const known = [
    ...Object.entries(env)
      .filter(([name, value]) => SECRET_NAME.test(name) && value && value.trim().length >= 8)
      .map(([, value]) => value!.trim()),
    ...fileKeys.filter((k) => k.length >= 8),
  ];
  // JSON text escapes some characters; redact both spellings.
  const spellings = [...new Set(known.flatMap((k) => [k, JSON.stringify(k).slice(1, -1)]))];
  return secretRedactor(spellings);
}

/**
 * Library warnings (yaml's "Keys with collection values…", an SDK's deprecation console.warn) are collected while
 * the run lasts and printed once each as our own warning line, instead of raw text between the progress and the table.
 */
export function captureLibraryWarnings(): { stop(): string[] } {
  const seen = new Set<string>();
  const originalWarn = console.warn;
  const originalEmit = process.emitWarning;
  console.warn = (...args: unknown[]) => {
    seen.add(
      args
        .map((a) => (a instanceof Error ? a.message : String(a)))
        .join(' ')
        .split('\n')[0],
    );
  };
  process.emitWarning = ((warning: string | Error) => {
    seen.add((warning instanceof Error ? warning.message : String(warning)).split('\n')[0]);
  }) as typeof process.emitWarning;
  return {
    stop() {
      console.warn = originalWarn;
      process.emitWarning = originalEmit;
      return [...seen].map((w) => redactSecrets(w));
    },
  };
}

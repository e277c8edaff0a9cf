import { extname } from 'node:path';
import type { DataPath, YamlSource } from './yamlSource';

interface FileContext {
  source: YamlSource;
  path: DataPath;
  resolveRef: (ref: string) => string;
  read: (absolutePath: string) => string;
}

/** `{{ env.X }}` or `{% ... env ... %}`: promptfoo renders the process environment there; we refuse rather than render it empty. */
const READS_ENV = /(\{\{|\{%)[^}]*\benv\b/;

/**
 * Reads an `options.rubricPrompt` / assertion `rubricPrompt` as promptfoo's `loadRubricPrompt` will see it: a
 * `file://` text (top level, g-eval's `steps`/`evaluate`, or a context-faithfulness list item) is replaced by the
 * file's text (promptfoo reads it as text whatever the extension). JavaScript rubric files run code in
 * promptfoo and are refused here, as are prompts that read `env`.
 */
export function loadRubricPrompt(raw: unknown, ctx: FileContext, report: (message: string) => void): unknown {
  const load = (value: unknown): unknown => {
    if (typeof value !== 'string' || !value.startsWith('file://')) return value;
    const file = ctx.resolveRef(value);
    const ext = extname(file).toLowerCase();
    if (['.js', '.cjs', '.mjs', '.ts', '.py'].includes(ext)) {
      report(
        `rubricPrompt ${value} is a script: llm-workbench reads rubric prompts from text, JSON or YAML files only (run the file with --engine promptfoo)`,
      );
      return undefined;
    }
    try {
      // promptfoo reads the file as text whatever its extension; a JSON chat list is parsed when it is rendered.
      return ctx.read(file);
    } catch (error) {
      const reason = (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'the file does not exist' : (error as Error).message;
      report(`rubricPrompt ${value}: ${reason} (the path is relative to the eval file)`);
      return undefined;
    }
  };
  let loaded: unknown = load(raw);
  if (Array.isArray(loaded))
    loaded = loaded.map((item) =>
      item && typeof item === 'object' && 'content' in item
        ? { ...item, content: load((item as { content: unknown }).content) }
        : load(item),
    );
  else if (loaded && typeof loaded === 'object') loaded = Object.fromEntries(Object.entries(loaded).map(([k, v]) => [k, load(v)]));
  if (READS_ENV.test(typeof loaded === 'string' ? loaded : JSON.stringify(loaded ?? ''))) {
    report(
      'rubricPrompt reads `env`: promptfoo renders the process environment there, llm-workbench does not send environment values to graders; write the values into the prompt',
    );
  }
  return loaded;
}

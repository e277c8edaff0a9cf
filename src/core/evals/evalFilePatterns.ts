/**
 * Which files are eval files, once for the editor and the CLI: `*.eval.yaml`, `*.eval.yml`, `*.eval.json`, and
 * promptfoo's default config name, `promptfooconfig.yaml` or `.yml`. package.json repeats them where it cannot import
 * (menus' `when` clauses, the schema's fileMatch); test/unit/evals/evalFilePatterns.test.ts keeps those equal.
 */
export const EVAL_FILE_NAMES = ['*.eval.yaml', '*.eval.yml', '*.eval.json', 'promptfooconfig.yaml', 'promptfooconfig.yml'] as const;

/** For messages: "*.eval.yaml, *.eval.yml, *.eval.json, promptfooconfig.yaml or promptfooconfig.yml". */
export const EVAL_FILE_NAMES_TEXT = `${EVAL_FILE_NAMES.slice(0, -1).join(', ')} or ${EVAL_FILE_NAMES[EVAL_FILE_NAMES.length - 1]}`;

/** A workspace glob over every eval file (the Test Explorer's discovery and watcher). */
export const EVAL_FILE_GLOB = `**/{${EVAL_FILE_NAMES.join(',')}}`;
export const EVAL_FILE_EXCLUDE = '**/node_modules/**';

/** Matches an eval file's base name (package.json's `resourceFilename =~` clauses use this same pattern). */
export const EVAL_FILE_BASENAME = /(\.eval\.(ya?ml|json)|^promptfooconfig\.ya?ml)$/i;

export function isEvalFilePath(path: string): boolean {
  return EVAL_FILE_BASENAME.test(path.slice(Math.max(path.lastIndexOf('/'), path.lastIndexOf('\\')) + 1));
}

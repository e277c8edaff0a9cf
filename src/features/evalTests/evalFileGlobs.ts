/** Files the Test Explorer treats as eval files (promptfoo's default config name included). */
export const EVAL_FILE_GLOB = '**/{*.eval.yaml,*.eval.yml,*.eval.json,promptfooconfig.yaml}';
export const EVAL_FILE_EXCLUDE = '**/node_modules/**';

const EVAL_FILE_NAME = /(\.eval\.(ya?ml|json)|(^|[\\/])promptfooconfig\.yaml)$/i;

export function isEvalFilePath(path: string): boolean {
  return EVAL_FILE_NAME.test(path);
}

import type { EvalFile } from '../evalModel';
import type { EvalDiagnostic } from '../sourceRange';

export const API_BASE_URL_IGNORED =
  'apiBaseUrl is honoured by the CLI only; in the editor endpoints come from your User settings so a cloned repo cannot redirect your key';

/**
 * Problems that exist only when the file runs in the editor. There every call goes through the extension's gateway,
 * whose providers come from the user's own settings: a file's `config.apiBaseUrl` (which decides where a key is
 * sent) is ignored, and the user should see that rather than wonder why the endpoint was not used.
 */
export function editorOnlyDiagnostics(file: EvalFile): EvalDiagnostic[] {
  return file.providers
    .filter((p) => p.apiBaseUrl !== undefined)
    .map((p) => {
      const where = p.apiBaseUrlLocation ?? p.location;
      return { severity: 'warning', message: API_BASE_URL_IGNORED, file: where.file, range: where.range };
    });
}

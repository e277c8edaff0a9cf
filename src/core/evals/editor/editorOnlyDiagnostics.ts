import type { WorkbenchConfig } from '../../config/workbenchConfig';
import { withEvalProviders } from '../evalProviders';
import type { EvalFile } from '../evalModel';
import type { EvalDiagnostic } from '../sourceRange';

/**
 * Problems that exist only when the file runs in the editor. The editor runs a file's endpoints under the same key
 * rule as the CLI (withEvalProviders): a base URL the file chose gets your SecretStorage key, and a key variable the
 * file names (`apiKeyEnvar`) is read, only in a trusted workspace after your confirmation (asked at run time); in an
 * untrusted workspace both are errors at their line.
 */
export function editorOnlyDiagnostics(file: EvalFile, config?: WorkbenchConfig, trusted = false): EvalDiagnostic[] {
  if (!config) return [];
  const confirmable = trusted && file.providers.some((p) => p.key?.kind === 'file-env' || (p.baseUrlFromFile && !p.key));
  return withEvalProviders(config, [file], [], { allowFileEndpoints: confirmable }).problems;
}

import type { EvalFile } from '../evalModel';
import type { EvalDiagnostic } from '../sourceRange';
import { INSTALL_PROMPTFOO_HINT } from './findPromptfoo';

/** Which engine runs a file: ours, or the workspace's promptfoo. */
export type EngineChoice = 'auto' | 'native' | 'promptfoo';

/**
 * A refusal promptfoo itself can run: every such message tells the user to use `--engine promptfoo` (assertion types,
 * keys and providers llm-workbench does not implement). Errors in the file's own shape are not delegable: promptfoo
 * would reject them too.
 */
export function isDelegable(d: EvalDiagnostic): boolean {
  return d.severity === 'error' && /--engine promptfoo|workspace's promptfoo/.test(d.message);
}

export interface DelegationPlan {
  /** The file needs promptfoo to run as written. */
  needed: boolean;
  /** The features that need it, each at its line. */
  reasons: EvalDiagnostic[];
}

/** A file needs promptfoo when it has delegable errors and no others. */
export function delegationPlan(file: EvalFile): DelegationPlan {
  const errors = file.diagnostics.filter((d) => d.severity === 'error');
  const reasons = errors.filter(isDelegable);
  return { needed: reasons.length > 0 && reasons.length === errors.length, reasons };
}

/** One line for the run's log: which engine ran the file and why. */
export function engineNote(file: string, engine: 'native' | 'promptfoo', why: string): string {
  return `${file}: engine ${engine} — ${why}`;
}

/** The message a delegable refusal gets when no promptfoo is available. */
export function withInstallHint(d: EvalDiagnostic): EvalDiagnostic {
  return { ...d, message: `${d.message} — this needs promptfoo: ${INSTALL_PROMPTFOO_HINT}` };
}

/**
 * Positions in an eval file, plain data so the parser is tested without an editor.
 * Lines and columns are 0-based (the editor's convention); messages printed for people add 1.
 */
export interface SourcePosition {
  line: number;
  column: number;
}

export interface SourceRange {
  start: SourcePosition;
  end: SourcePosition;
}

export type DiagnosticSeverity = 'error' | 'warning';

/** One problem in an eval file: where it is and what to do about it. */
export interface EvalDiagnostic {
  severity: DiagnosticSeverity;
  message: string;
  range: SourceRange;
  /** Absolute path of the file the range points into (an eval file or a `file://` target). */
  file: string;
}

export const START_OF_FILE: SourceRange = { start: { line: 0, column: 0 }, end: { line: 0, column: 0 } };

/** `file:line:col: severity: message`, 1-based as compilers print it, so terminals and CI link to the spot. */
export function formatDiagnostic(d: EvalDiagnostic): string {
  return `${d.file}:${d.range.start.line + 1}:${d.range.start.column + 1}: ${d.severity}: ${d.message}`;
}

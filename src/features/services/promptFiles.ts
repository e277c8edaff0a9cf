import * as vscode from 'vscode';
import { isEvalFilePath } from '../../core/evals/evalFilePatterns';

/**
 * Files checked as prompts: Copilot prompt and instruction files, agent instructions and Prompty files, plus the
 * user's `llmWorkbench.budget.include` globs. Matched by path, not language id: VS Code 1.139 gives `*.prompt.md` its
 * own "prompt" language, other editors leave it markdown.
 * Eval files never are, even when an include glob matches them: their `#` lines are YAML comments, not sections, and
 * they have no front matter; what is sent are their prompts with each test's vars, checked when they run.
 */
export const PROMPT_FILE_GLOBS = [
  '**/*.prompt.md',
  '**/*.instructions.md',
  '**/AGENTS.md',
  '**/.github/copilot-instructions.md',
  '**/*.prompty',
];

/** A workspace-relative glob such as `prompts/*.txt` matches anywhere below a folder, as users expect. */
function anchored(glob: string): string {
  return glob.startsWith('**/') || glob.startsWith('/') ? glob : `**/${glob}`;
}

export function promptFileSelector(include: readonly string[]): vscode.DocumentFilter[] {
  return [...PROMPT_FILE_GLOBS, ...include.map(anchored)].map((pattern) => ({ pattern }));
}

export function isPromptFile(document: vscode.TextDocument, include: readonly string[]): boolean {
  return !isEvalFilePath(document.uri.path) && vscode.languages.match(promptFileSelector(include), document) > 0;
}

/**
 * The same test for a file whose document VS Code has not handed over yet (its tab is opening): the selectors above
 * match by path only, so the uri is all `languages.match` reads.
 */
export function isPromptUri(uri: vscode.Uri, include: readonly string[]): boolean {
  const pathOnly = { uri, languageId: '' } as Pick<vscode.TextDocument, 'uri' | 'languageId'>;
  return !isEvalFilePath(uri.path) && vscode.languages.match(promptFileSelector(include), pathOnly as vscode.TextDocument) > 0;
}

export function isEvalFile(document: vscode.TextDocument): boolean {
  return isEvalFilePath(document.uri.path);
}

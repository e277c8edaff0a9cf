import * as vscode from 'vscode';

/**
 * Files checked as prompts: Copilot prompt and instruction files, agent instructions, Prompty files and eval files,
 * plus the user's `llmWorkbench.budget.include` globs. Matched by path, not language id: VS Code 1.139 gives
 * `*.prompt.md` its own "prompt" language, other editors leave it markdown.
 */
export const PROMPT_FILE_GLOBS = [
  '**/*.prompt.md',
  '**/*.instructions.md',
  '**/AGENTS.md',
  '**/.github/copilot-instructions.md',
  '**/*.prompty',
  '**/*.eval.yaml',
  '**/*.eval.yml',
  '**/promptfooconfig.yaml',
];

/** A workspace-relative glob such as `prompts/*.txt` matches anywhere below a folder, as users expect. */
function anchored(glob: string): string {
  return glob.startsWith('**/') || glob.startsWith('/') ? glob : `**/${glob}`;
}

export function promptFileSelector(include: readonly string[]): vscode.DocumentFilter[] {
  return [...PROMPT_FILE_GLOBS, ...include.map(anchored)].map((pattern) => ({ pattern }));
}

export function isPromptFile(document: vscode.TextDocument, include: readonly string[]): boolean {
  return vscode.languages.match(promptFileSelector(include), document) > 0;
}

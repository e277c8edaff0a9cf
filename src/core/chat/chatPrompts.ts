import type { ChatMessage } from '../providers/chat';
import type { CodeAction, CodeContext, ChatTask, Turn, UserTurn } from './conversation';

const CHAT_SYSTEM =
  'You are a helpful assistant for a software engineer, inside the VS Code editor. Answer in Markdown; put code in fenced code blocks with a language tag. Be concise.';

const CODE_SYSTEM =
  'You are an expert programmer, inside the VS Code editor. Answer in Markdown; put code in fenced code blocks with a language tag. ' +
  'When asked to change code, reply with the complete replacement for the selected code in a single fenced code block, then a short explanation.';

export function systemPrompt(task: ChatTask): string {
  return task === 'code' ? CODE_SYSTEM : CHAT_SYSTEM;
}

/** The question a palette code action asks when the user typed none. */
export function defaultQuestion(action: CodeAction): string {
  switch (action) {
    case 'explain':
      return 'Explain what this code does, step by step, and point out anything surprising.';
    case 'refactor':
      return 'Refactor this code for readability and correctness without changing its behaviour.';
    case 'ask':
      return '';
  }
}

/** A fence longer than any backtick run in the code, so selected code containing ``` cannot close it early. */
export function fenceFor(code: string): string {
  const longest = Math.max(2, ...[...code.matchAll(/`+/g)].map((m) => m[0].length));
  return '`'.repeat(longest + 1);
}

/** What the model receives for a user turn: the question, with the selected code (file name, language) above it. */
export function userContent(turn: Pick<UserTurn, 'text' | 'context'>): string {
  if (!turn.context) return turn.text;
  return `${codeBlockOf(turn.context)}\n\n${turn.text}`;
}

function codeBlockOf(context: CodeContext): string {
  const fence = fenceFor(context.code);
  const lines = `lines ${context.range.startLine + 1}-${context.range.endLine + 1}`;
  return `Selected code from \`${context.filePath}\` (${context.languageId}, ${lines}):\n${fence}${context.languageId}\n${context.code}\n${fence}`;
}

/**
 * The conversation as chat messages, oldest first: only exchanges that completed. A failed or stopped answer
 * and its question are left out so the model never sees half an exchange.
 */
export function historyMessages(turns: readonly Turn[]): ChatMessage[] {
  const messages: ChatMessage[] = [];
  for (let i = 0; i < turns.length; i++) {
    const turn = turns[i];
    const next = turns[i + 1];
    if (turn.role !== 'user' || !next || next.role !== 'assistant' || next.status !== 'done') continue;
    messages.push({ role: 'user', content: userContent(turn) }, { role: 'assistant', content: next.text });
  }
  return messages;
}

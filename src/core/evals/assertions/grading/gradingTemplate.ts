import nunjucks from 'nunjucks';
import { parse as parseYaml } from 'yaml';
import type { ChatMessage } from '../../../providers/chat';

/**
 * Grading prompts render as promptfoo renders them (src/matchers/rubric.ts): Nunjucks with autoescape off; when the
 * prompt is a JSON chat list, every string inside it is rendered on its own and the list re-serialized, so quotes
 * in the output cannot break the JSON. Object-valued variables are passed as JSON text (promptfoo's default without
 * PROMPTFOO_DISABLE_OBJECT_STRINGIFY). promptfoo also puts `env` (the process environment) in scope; we do not, so a
 * rubricPrompt that reads `env` is refused where it is written (buildAssertion) rather than rendered differently.
 */
const engine = new nunjucks.Environment(null, { autoescape: false, throwOnUndefined: false });
engine.addFilter('load', (text: string) => JSON.parse(text) as unknown);

function stringifyObjects(vars: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(vars).map(([key, value]) => {
      if (value && typeof value === 'object') {
        if (Array.isArray(value)) return [key, value.map((item) => (item && typeof item === 'object' ? JSON.stringify(item) : item))];
        return [key, JSON.stringify(value)];
      }
      return [key, value];
    }),
  );
}

export function renderGradingPrompt(template: string, vars: Record<string, unknown>): string {
  const context = stringifyObjects(vars);
  try {
    const parsed = JSON.parse(template, (_key, value: unknown) =>
      typeof value === 'string' ? engine.renderString(value, context) : value,
    ) as unknown;
    return JSON.stringify(parsed);
  } catch {
    // not JSON: render the whole text
  }
  return engine.renderString(template, context);
}

/** promptfoo's `tryParse`: the output as JSON when it is JSON, else the text. */
export function tryParse(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

/**
 * What a chat provider sends for a prompt string (promptfoo `parseChatPrompt`): YAML when it starts with `- role:`,
 * else JSON when it parses; a JSON/YAML list of messages is the conversation (system messages become the system
 * text), anything else is one user message. Text that looks like JSON but does not parse is an error, as there.
 */
export function gradingMessages(prompt: string): { system?: string; messages: ChatMessage[] } | { error: string } {
  const trimmed = prompt.trim();
  let parsed: unknown;
  if (trimmed.startsWith('- role:')) {
    try {
      parsed = parseYaml(prompt);
    } catch (error) {
      return { error: `Chat Completion prompt is not a valid YAML string: ${(error as Error).message}` };
    }
  } else {
    try {
      parsed = JSON.parse(prompt);
    } catch (error) {
      if (looksLikeJson(trimmed)) {
        return { error: `Chat Completion prompt is not a valid JSON string: ${(error as Error).message}` };
      }
      return { messages: [{ role: 'user', content: prompt }] };
    }
  }
  if (!Array.isArray(parsed)) return { messages: [{ role: 'user', content: prompt }] };
  const system: string[] = [];
  const messages: ChatMessage[] = [];
  for (const m of parsed as unknown[]) {
    const msg = m as { role?: unknown; content?: unknown };
    if (!msg || typeof msg !== 'object' || typeof msg.content !== 'string' || !['system', 'user', 'assistant'].includes(String(msg.role))) {
      return { error: 'the grading prompt is a list, but not of {role, content} chat messages with text content' };
    }
    if (msg.role === 'system') system.push(msg.content);
    else messages.push({ role: msg.role as ChatMessage['role'], content: msg.content });
  }
  return { system: system.length > 0 ? system.join('\n\n') : undefined, messages };
}

/** promptfoo's `looksLikeJson`: `{...}`, or `[...]` whose first item starts like a JSON value. */
function looksLikeJson(trimmed: string): boolean {
  if (trimmed.startsWith('{') && trimmed.endsWith('}')) return true;
  if (!(trimmed.startsWith('[') && trimmed.endsWith(']'))) return false;
  const after = trimmed.slice(1).trimStart();
  return /^["{[]/.test(after) || /^[\d-]/.test(after) || /^(true|false|null)/.test(after) || after.length === 0 || /^\s+$/.test(after);
}

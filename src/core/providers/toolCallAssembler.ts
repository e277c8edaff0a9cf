import type { ToolCallPart } from './chat';

/** A tool call whose arguments arrived as JSON text that does not parse: the answer cannot be used as it is. */
export class MalformedToolCall extends Error {
  constructor(
    readonly toolName: string,
    readonly argumentsText: string,
  ) {
    super(`the model called tool '${toolName}' with arguments that are not a JSON object: ${argumentsText.slice(0, 120)}`);
    this.name = 'MalformedToolCall';
  }
}

interface Pending {
  id: string;
  name: string;
  json: string;
}

/**
 * Streamed tool calls arrive in pieces: an id and a name first, then the JSON arguments in fragments (OpenAI's
 * `delta.tool_calls[i]`, Anthropic's `input_json_delta`). Keyed by the stream's own index, assembled once the
 * stream ends, in index order. Ids missing from the wire (some OpenAI-compatible servers) get `call_<index>`.
 */
export class ToolCallAssembler {
  private readonly calls = new Map<number, Pending>();

  get size(): number {
    return this.calls.size;
  }

  start(index: number, id: string | undefined, name: string | undefined): void {
    const call = this.entry(index);
    if (id) call.id = id;
    if (name) call.name += name;
  }

  append(index: number, fragment: string | undefined): void {
    if (fragment) this.entry(index).json += fragment;
  }

  /** The complete calls. Throws MalformedToolCall for arguments that are not a JSON object. */
  finish(): ToolCallPart[] {
    return [...this.calls.entries()]
      .sort(([a], [b]) => a - b)
      .map(([, call]) => ({
        type: 'tool_call',
        id: call.id,
        name: call.name,
        input: parseArguments(call.name, call.json),
        argumentsText: call.json,
      }));
  }

  private entry(index: number): Pending {
    let call = this.calls.get(index);
    if (!call) {
      call = { id: `call_${index}`, name: '', json: '' };
      this.calls.set(index, call);
    }
    return call;
  }
}

/** `""` (a call without arguments) is `{}`; anything else must be a JSON object. */
export function parseArguments(name: string, json: string): Record<string, unknown> {
  if (json.trim() === '') return {};
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch {
    throw new MalformedToolCall(name, json);
  }
  if (!value || typeof value !== 'object' || Array.isArray(value)) throw new MalformedToolCall(name, json);
  return value as Record<string, unknown>;
}

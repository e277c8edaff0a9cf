/**
 * The output promptfoo 0.123.1's provider hands to transforms and assertions for an answer
 * (src/providers/openai/chat.ts, callApi): the text; for an OpenAI chat answer that only calls tools, the API's
 * `tool_calls` list as the object it is; with `response_format: {type: json_schema}`, the text parsed as JSON when it
 * parses. An answer with both text and tool calls is the API's whole `message` object there, which we cannot rebuild
 * from the stream exactly: that case is an error that says so rather than a different output.
 */
import type { ToolCallPart } from '../providers/chat';
import type { EvalProtocol } from './evalModel';

export function providerOutput(
  answer: { text: string; toolCalls?: ToolCallPart[] },
  protocol: EvalProtocol | undefined,
  config: Record<string, unknown>,
  azure = false,
): { output: unknown } | { error: string } {
  const calls = answer.toolCalls ?? [];
  const format = config.response_format as { type?: unknown } | undefined;
  // promptfoo's Azure chat provider: the text when there is any (JSON-parsed for json_schema and json_object), else
  // the tool calls.
  if (azure && answer.text) {
    if (format?.type === 'json_schema' || format?.type === 'json_object') return parsedOrText(answer.text);
    return { output: answer.text };
  }
  if (calls.length > 0) {
    if (protocol !== 'openai-chat')
      return { error: 'the model answered with tool calls, which llm-workbench only reports for OpenAI chat models' };
    if (answer.text)
      return {
        error:
          "the model answered with text and tool calls: promptfoo's output is then the API's whole message object, which llm-workbench does not rebuild — run this file with --engine promptfoo",
      };
    return {
      output: calls.map((call) => ({
        id: call.id,
        type: 'function',
        function: { name: call.name, arguments: call.argumentsText ?? JSON.stringify(call.input) },
      })),
    };
  }
  if (protocol === 'openai-chat' && format?.type === 'json_schema') return parsedOrText(answer.text);
  return { output: answer.text };
}

function parsedOrText(text: string): { output: unknown } {
  try {
    return { output: JSON.parse(text) as unknown };
  } catch {
    return { output: text }; // promptfoo logs the parse error and keeps the text
  }
}

/** An output as text, as promptfoo's assertions see it (coerceString: JSON for objects). */
export function outputText(output: unknown): string {
  return typeof output === 'string' ? output : JSON.stringify(output);
}

import type {
  Base64ImageSource,
  ContentBlockParam,
  ImageBlockParam,
  MessageParam,
  TextBlockParam,
  Tool,
  ToolChoice,
} from '@anthropic-ai/sdk/resources/messages/messages';
import { imageBase64, partsOf, type ChatRequest, type ImagePart } from './chat';

/**
 * Our messages as Anthropic Messages content. Plain text messages stay plain strings. In a user message the
 * `tool_result` blocks come first (the API wants them right after the assistant's `tool_use`), then its text and
 * images. Empty text blocks are dropped: the API refuses them.
 */
export function anthropicMessages(request: Pick<ChatRequest, 'messages'>): MessageParam[] {
  return request.messages.map((message): MessageParam => {
    if (!message.parts) return { role: message.role, content: message.content };
    const results: ContentBlockParam[] = [];
    const rest: ContentBlockParam[] = [];
    for (const part of partsOf(message)) {
      if (part.type === 'text') {
        if (part.text) rest.push({ type: 'text', text: part.text });
      } else if (part.type === 'image') rest.push(imageBlock(part));
      else if (part.type === 'tool_call') rest.push({ type: 'tool_use', id: toolUseId(part.id), name: part.name, input: part.input });
      else {
        const content = part.content
          .map((c): TextBlockParam | ImageBlockParam | undefined =>
            c.type === 'image' ? imageBlock(c) : c.text ? { type: 'text', text: c.text } : undefined,
          )
          .filter((c): c is TextBlockParam | ImageBlockParam => c !== undefined);
        results.push({ type: 'tool_result', tool_use_id: toolUseId(part.callId), content, ...(part.isError ? { is_error: true } : {}) });
      }
    }
    return { role: message.role, content: [...results, ...rest] };
  });
}

export function anthropicTools(request: Pick<ChatRequest, 'tools' | 'toolChoice'>): { tools: Tool[]; tool_choice: ToolChoice } | undefined {
  if (!request.tools?.length) return undefined;
  return {
    tools: request.tools.map((tool) => ({
      name: tool.name,
      description: tool.description,
      input_schema: (tool.inputSchema ?? { type: 'object', properties: {} }) as Tool.InputSchema,
    })),
    // `any`: the model must use one of the tools (our `required`).
    tool_choice: { type: request.toolChoice === 'required' ? 'any' : 'auto' },
  };
}

/**
 * Anthropic accepts tool-use ids matching ^[a-zA-Z0-9_-]+$; a conversation that began on another provider may carry
 * other characters. The same mapping is applied to the call and to its result, so they still pair.
 */
export function toolUseId(id: string): string {
  return id.replace(/[^a-zA-Z0-9_-]/g, '_') || 'call';
}

function imageBlock(image: ImagePart): ImageBlockParam {
  return {
    type: 'image',
    source: { type: 'base64', media_type: image.mimeType as Base64ImageSource['media_type'], data: imageBase64(image) },
  };
}

/** The agent tools over MCP: one server, the tool catalog's own JSON schemas, ajv-validated input. */
import Ajv from 'ajv';
import { Server } from '@modelcontextprotocol/sdk/server/index.js';
import { CallToolRequestSchema, ListToolsRequestSchema, type CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { spendRefusal } from '../core/agentTools/spendCheck';
import { AGENT_TOOLS, type AgentToolSpec } from '../core/agentTools/toolCatalog';
import { AgentToolInputError, type AgentToolContext } from '../core/agentTools/toolContext';
import { ProviderError } from '../core/providers/providerError';

export const MCP_SERVER_NAME = 'llm-workbench';

/**
 * Built on the SDK's `Server` rather than `McpServer.registerTool`, which takes zod shapes: the tools' schemas are
 * JSON Schema written once (src/core/agentTools/toolCatalog.ts) and shared with the editor's package.json.
 */
export function createMcpServer(version: string, context: (signal: AbortSignal) => AgentToolContext): Server {
  const server = new Server({ name: MCP_SERVER_NAME, version }, { capabilities: { tools: {} } });
  const ajv = new Ajv({ allErrors: true, strict: false });
  const validators = new Map(AGENT_TOOLS.map((tool) => [tool.mcpName, ajv.compile(tool.inputSchema)]));

  server.setRequestHandler(ListToolsRequestSchema, () => ({
    tools: AGENT_TOOLS.map((tool) => ({
      name: tool.mcpName,
      title: tool.displayName,
      description: tool.spends ? `${tool.modelDescription} Requires maxCostUsd.` : tool.modelDescription,
      inputSchema: tool.inputSchema as { type: 'object'; properties?: Record<string, unknown> },
      annotations: { title: tool.displayName, readOnlyHint: !tool.spends, openWorldHint: tool.spends, idempotentHint: !tool.spends },
    })),
  }));

  server.setRequestHandler(CallToolRequestSchema, async (request, extra): Promise<CallToolResult> => {
    const tool = AGENT_TOOLS.find((t) => t.mcpName === request.params.name);
    if (!tool) return failure(`Unknown tool ${request.params.name}: use ${AGENT_TOOLS.map((t) => t.mcpName).join(', ')}.`);
    const input = request.params.arguments ?? {};
    const validate = validators.get(tool.mcpName)!;
    if (!validate(input)) return failure(`Invalid input for ${tool.mcpName}: ${ajv.errorsText(validate.errors, { dataVar: 'input' })}`);
    return callTool(tool, context(extra.signal), input);
  });
  return server;
}

async function callTool(tool: AgentToolSpec, ctx: AgentToolContext, input: Record<string, unknown>): Promise<CallToolResult> {
  try {
    if (tool.spends && tool.estimate) {
      const refusal = spendRefusal(tool.estimate(ctx, input as never), input.maxCostUsd);
      if (refusal) return failure(refusal);
    }
    const result = await tool.run(ctx, input as never);
    await ctx.recorded?.();
    return { content: [{ type: 'text', text: result.text }], structuredContent: result.data };
  } catch (error) {
    // A wrong input or a provider's failure is the tool's answer (the agent can act on it), not a protocol error.
    if (error instanceof AgentToolInputError || error instanceof ProviderError) return failure(error.message);
    throw error;
  }
}

function failure(text: string): CallToolResult {
  return { content: [{ type: 'text', text }], isError: true };
}

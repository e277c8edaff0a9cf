import * as vscode from 'vscode';
import { effectiveContextWindow } from '../../core/providers/effectiveContextWindow';
import { describeEstimate } from '../../core/agentTools/runEvalTool';
import { AGENT_TOOLS, type AgentToolSpec } from '../../core/agentTools/toolCatalog';
import { AgentToolInputError, type AgentToolContext } from '../../core/agentTools/toolContext';
import { withSource } from '../../core/agentTools/withSource';
import { readWorkspaceText, workspacePath } from '../../core/agentTools/workspacePaths';
import type { GatewayService } from '../services/gatewayService';
import type { OllamaServers } from '../services/ollamaServers';
import type { LanguageModelApi } from './lmApi';
import { LANGUAGE_MODEL_SOURCE } from './chatModelProvider';
import { evalEngine } from '../evalTests/lazyEvalEngine';

/**
 * The agent tools as language model tools (`contributes.languageModelTools`): count and estimate run at once; run
 * eval and compare models ask the user first, with the estimated cost, because they call models.
 */
export function registerAgentTools(api: LanguageModelApi, gateway: GatewayService, ollama: OllamaServers | undefined): vscode.Disposable[] {
  const { registerTool, ToolResult, TextPart } = api;
  if (!registerTool || !ToolResult || !TextPart) return [];
  return AGENT_TOOLS.map((spec) =>
    registerTool<Record<string, unknown>>(spec.lmName, {
      prepareInvocation: ({ input }) => prepare(spec, editorToolContext(gateway, ollama), input),
      invoke: async ({ input }, token) => {
        let result;
        try {
          result = await spec.run(editorToolContext(gateway, ollama, token), input as never);
        } catch (error) {
          gateway.log.warn(`agent tool ${spec.lmName}: ${(error as Error).message}`);
          throw error;
        }
        // What an agent ran and what it got, next to the calls it made: the answer's first line (count and verdict,
        // or the run's totals and spend). The rest can quote model output (a failed case's reason), which a call's log
        // line never carries.
        gateway.log.info(`agent tool ${spec.lmName}: ${result.text.split('\n')[0]}`);
        return new ToolResult([new TextPart(result.text)]);
      },
    }),
  );
}

function prepare(spec: AgentToolSpec, ctx: AgentToolContext, input: Record<string, unknown>) {
  if (!spec.spends || !spec.estimate) return { invocationMessage: `${spec.displayName}…` };
  // A broken input is reported by invoke; here it only means the estimate cannot be shown.
  let cost: string;
  try {
    cost = describeEstimate(spec.estimate(ctx, input as never));
  } catch (error) {
    cost = error instanceof AgentToolInputError ? `cost unknown: ${error.message}` : 'cost unknown';
  }
  const file = typeof input.file === 'string' ? input.file : 'the eval file';
  const models = Array.isArray(input.models) ? ` on ${input.models.join(', ')}` : '';
  return {
    invocationMessage: `${spec.displayName}: ${file}${models}`,
    confirmationMessages: {
      title: `${spec.displayName}: this calls models and costs money`,
      message: new vscode.MarkdownString(
        `Run **${file}**${models}: ${cost}. Calls go through LLM Workbench's gateway and are recorded in the ledger.`,
      ),
    },
  };
}

/** The tools' context in the editor: workspace files, the settings, the one gateway (calls tagged `copilot`). */
export function editorToolContext(
  gateway: GatewayService,
  ollama: OllamaServers | undefined,
  token?: vscode.CancellationToken,
): AgentToolContext {
  const roots = (vscode.workspace.workspaceFolders ?? []).filter((f) => f.uri.scheme === 'file').map((f) => f.uri.fsPath);
  const inWorkspace = <T>(use: (root: string) => T): T => {
    if (roots.length === 0) throw new AgentToolInputError('Open a folder first: the tools read files inside the workspace.');
    let last: unknown;
    for (const root of roots) {
      try {
        return use(root);
      } catch (error) {
        last = error;
      }
    }
    throw last;
  };
  const controller = new AbortController();
  token?.onCancellationRequested(() => controller.abort());
  return {
    config: gateway.config,
    catalog: gateway.catalog,
    allowCode: vscode.workspace.isTrusted,
    signal: controller.signal,
    // The first workspace folder that has the file (multi-root); never a path outside them.
    readText: async (path) =>
      readWorkspaceText(
        inWorkspace((root) => (workspacePath(root, path), root)),
        path,
      ),
    resolveEvalFile: (path) => inWorkspace((root) => workspacePath(root, path)),
    evalEngine,
    windowFor: async (ref, info) => {
      if (!ollama) return effectiveContextWindow({ ref, info, provider: undefined, server: undefined });
      ollama.windowFor(ref, info);
      await ollama.settled();
      return ollama.windowFor(ref, info);
    },
    evalGateway: () => {
      const built = gateway.tryGateway();
      if ('error' in built) throw new AgentToolInputError(built.error);
      return { gateway: withSource(built.gateway, LANGUAGE_MODEL_SOURCE) };
    },
  };
}

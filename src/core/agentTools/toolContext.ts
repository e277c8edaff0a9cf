import type { WorkbenchConfig } from '../config/workbenchConfig';
import type { EvalFile, ProviderSpec } from '../evals/evalModel';
import type { ModelRef } from '../models/modelRef';
import type { ChatGateway } from '../gateway/gatewayApi';
import type { ModelCatalog } from '../models/catalog';
import type { EffectiveContextWindow } from '../providers/effectiveContextWindow';
import type { ModelInfo } from '../models/modelInfo';
import type { parseEvalFile } from '../evals/parseEvalFile';
import type { runEval } from '../evals/runEval';

/** The eval engine's entry points the tools use. */
export interface AgentEvalEngine {
  parseEvalFile: typeof parseEvalFile;
  runEval: typeof runEval;
}

/**
 * What the agent tools need from their host (the editor's language model tools, the `llm-workbench mcp` server).
 * The tools are plain functions of this context and their input; nothing here knows about VS Code or MCP.
 */
export interface AgentToolContext {
  config: WorkbenchConfig;
  catalog: ModelCatalog;
  /** The file's text; rejects with a message for a path outside the workspace or a missing file. */
  readText(path: string): Promise<string>;
  /** An absolute path for an eval file the tool may run (inside the workspace), or a thrown message. */
  resolveEvalFile(path: string): string;
  /** The window to budget `ref` against (Ollama: the server's num_ctx); default: the catalog's. */
  windowFor?(ref: ModelRef, info: ModelInfo | undefined): EffectiveContextWindow | Promise<EffectiveContextWindow>;
  /** The gateway eval runs go through (routing, retries, cost, the ledger), set up for these files. */
  evalGateway(files: readonly EvalFile[]): { gateway: ChatGateway; refFor?: (spec: ProviderSpec) => ModelRef };
  /**
   * The eval engine (parse, run). The editor loads it on the first tool call that needs it (it is its own bundle,
   * never evaluated on activation); the CLI passes the functions as they are.
   */
  evalEngine(): AgentEvalEngine;
  /** javascript assertions run only when true (trusted workspace; `mcp --allow-code`). */
  allowCode: boolean;
  signal?: AbortSignal;
  /** Resolves once the call records of the tool's model calls are in the ledger (the answer reports that spend). */
  recorded?(): Promise<void>;
}

/** A tool's answer: a few lines for the model's context window, and the numbers for programs. */
export interface AgentToolResult {
  text: string;
  data: Record<string, unknown>;
}

/** A mistake in the tool's input or the files it names: the message says what to change. */
export class AgentToolInputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'AgentToolInputError';
  }
}

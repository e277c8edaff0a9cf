import { compareModelsTool } from './compareModelsTool';
import { countTokensTool } from './countTokensTool';
import { estimateCostTool } from './estimateCostTool';
import type { RunEstimate } from '../evals/editor/runEstimate';
import { evalRunEstimate, loadEvalForTool, runEvalTool, type RunEvalInput } from './runEvalTool';
import type { CompareModelsInput } from './compareModelsTool';
import type { AgentToolContext, AgentToolResult } from './toolContext';

/**
 * The agent tools, described once: the editor registers them as language model tools (`package.json`
 * `contributes.languageModelTools` carries the same names, descriptions and schemas; a unit test keeps them equal)
 * and `llm-workbench mcp` serves them over MCP.
 */
export interface AgentToolSpec {
  /** Language model tool name (VS Code). */
  lmName: string;
  /** MCP tool name. */
  mcpName: string;
  /** `#name` users can type in the chat. */
  referenceName: string;
  displayName: string;
  /** What the model reads to decide when to call it. */
  modelDescription: string;
  userDescription: string;
  /** Spends money (model calls): the editor asks first, MCP requires `maxCostUsd`. */
  spends: boolean;
  inputSchema: Record<string, unknown>;
  run(ctx: AgentToolContext, input: never): Promise<AgentToolResult>;
  /** Spending tools: what the call would cost at most, before anything is sent (throws AgentToolInputError). */
  estimate?(ctx: AgentToolContext, input: never): RunEstimate;
}

const files = { type: 'array', items: { type: 'string' }, description: 'Paths of files in the workspace (relative to its root).' };
const model = { type: 'string', description: 'Model as provider:model, e.g. openai:gpt-4o-mini or ollama:llama3.1:8b.' };
const evalFile = {
  type: 'string',
  description: 'Path of an eval file in the workspace (*.eval.yaml, *.eval.json or promptfooconfig.yaml).',
};
const maxCostUsd = {
  type: 'number',
  minimum: 0,
  description:
    'Over MCP: the most this run may cost in USD. The run is refused when its estimate is higher (or unknown). Ignored in VS Code, which asks the user instead.',
};

export const AGENT_TOOLS: readonly AgentToolSpec[] = [
  {
    lmName: 'llmWorkbench_countTokens',
    mcpName: 'count_tokens',
    referenceName: 'countTokens',
    displayName: 'Count Tokens',
    modelDescription:
      "Counts the tokens of workspace files and/or a text on a model (exact for OpenAI models, estimate marked ≈ otherwise) and checks them against the model's context window with the output reserve: returns the count and a budget verdict (ok, warn, over). Free: no model is called.",
    userDescription: 'Count tokens of files or text on a model, with the context-window verdict.',
    spends: false,
    inputSchema: {
      type: 'object',
      properties: { files, text: { type: 'string', description: 'Text to count as it is, e.g. a prompt or the selection.' }, model },
    },
    run: countTokensTool as AgentToolSpec['run'],
  },
  {
    lmName: 'llmWorkbench_estimateCost',
    mcpName: 'estimate_cost',
    referenceName: 'estimateCost',
    displayName: 'Estimate Cost',
    modelDescription:
      'Estimates what one call with a prompt costs on candidate models (default: the models the user configured), cheapest first, with a monthly projection. Free: no model is called.',
    userDescription: 'What a prompt costs per call and per month on candidate models.',
    spends: false,
    inputSchema: {
      type: 'object',
      properties: {
        prompt: { type: 'string', description: 'The prompt text to price.' },
        files,
        models: { type: 'array', items: model, description: 'Candidate models; default: the configured ones.' },
        outputTokens: {
          type: 'integer',
          minimum: 0,
          description: 'Expected answer length in tokens; default: the output reserve setting.',
        },
        callsPerDay: { type: 'integer', minimum: 0, description: 'For the monthly projection; default: the callsPerDay setting.' },
      },
    },
    run: estimateCostTool as AgentToolSpec['run'],
  },
  {
    lmName: 'llmWorkbench_runEval',
    mcpName: 'run_eval',
    referenceName: 'runEval',
    displayName: 'Run Eval',
    modelDescription:
      "Runs an eval file (promptfoo format) or one case of it through the configured models and returns each case's verdict (pass, fail, error, skipped) with the reason. Calls models: costs money.",
    userDescription: 'Run an eval file or one case and get the verdicts.',
    spends: true,
    inputSchema: {
      type: 'object',
      properties: {
        file: evalFile,
        case: { type: ['integer', 'string'], description: 'Only this case: its 0-based index, or text its description contains.' },
        maxCostUsd,
      },
      required: ['file'],
    },
    run: runEvalTool as AgentToolSpec['run'],
    estimate: ((ctx: AgentToolContext, input: RunEvalInput) => {
      const { file, shouldRun } = loadEvalForTool(ctx, input.file, input.case);
      return evalRunEstimate(ctx, file, shouldRun);
    }) as AgentToolSpec['estimate'],
  },
  {
    lmName: 'llmWorkbench_compareModels',
    mcpName: 'compare_models',
    referenceName: 'compareModels',
    displayName: 'Compare Models',
    modelDescription:
      'Runs every case of an eval file on two or more models and recommends the cheapest model that meets the quality gate, with pass rate, p95 latency and cost per call of each. Calls models: costs money.',
    userDescription: 'Compare models on an eval file and get the recommendation.',
    spends: true,
    inputSchema: {
      type: 'object',
      properties: {
        file: evalFile,
        models: { type: 'array', items: model, minItems: 2, description: 'The models to compare.' },
        minPassRate: {
          type: 'number',
          minimum: 0,
          maximum: 1,
          description: "Share of cases a model must pass to be recommended; default: the file's, else 1.",
        },
        maxCostUsd,
      },
      required: ['file', 'models'],
    },
    run: compareModelsTool as AgentToolSpec['run'],
    estimate: ((ctx: AgentToolContext, input: CompareModelsInput) => {
      const { file } = loadEvalForTool(ctx, input.file);
      return evalRunEstimate(ctx, file, () => true, [...new Set(input.models ?? [])]);
    }) as AgentToolSpec['estimate'],
  },
];

/** `llm-workbench mcp`: the agent tools (count, cost, eval, compare) as an MCP server on stdio. */
import { parseArgs } from 'node:util';
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import packageJson from '../../package.json';
import { readWorkspaceText, workspacePath } from '../core/agentTools/workspacePaths';
import type { AgentToolContext } from '../core/agentTools/toolContext';
import type { WorkbenchConfig } from '../core/config/workbenchConfig';
import { withEvalProviders } from '../core/evals/evalProviders';
import { parseEvalFile } from '../core/evals/parseEvalFile';
import { runEval } from '../core/evals/runEval';
import { createGateway } from '../core/gateway/createGateway';
import { ModelCatalog } from '../core/models/catalog';
import { parseModelRef } from '../core/models/modelRef';
import { effectiveContextWindow, type EffectiveContextWindow } from '../core/providers/effectiveContextWindow';
import type { ModelInfo } from '../core/models/modelInfo';
import { createAdapter } from '../core/providers/createAdapter';
import type { KeySource } from '../core/providers/adapter';
import { OllamaAdapter } from '../core/providers/ollamaAdapter';
import { withSource } from '../core/agentTools/withSource';
import { CliLedger, loadCliSettings, usageMessage } from './cliSetup';
import { cliTelemetry, closeCliTelemetry } from './cliTelemetry';
import type { Telemetry } from '../core/telemetry/telemetryRuntime';
import { createMcpServer } from './mcpServer';

export const MCP_USAGE = `Usage: llm-workbench mcp [--config FILE] [--root DIR] [--allow-code] [--allow-config-endpoints]

Serves LLM Workbench's tools to MCP clients (Claude Code, Codex, Cursor, VS Code...) over stdio:
  count_tokens    tokens of files or text on a model, with the context-window verdict (free)
  estimate_cost   cost of a prompt per call and per month on candidate models (free)
  run_eval        run an eval file or one case; needs maxCostUsd (calls models)
  compare_models  run an eval file on several models and recommend one; needs maxCostUsd (calls models)

  --config FILE  JSON settings with the VS Code keys (llmWorkbench.providers, .routes, .models, .budget...)
  --root DIR     the workspace the tools may read (default: the current directory)
  --allow-code   run eval files' javascript assertions (off by default: they are code from the repository)
  --allow-config-endpoints  send the environment's keys to base URLs the --config file sets

Keys come from OPENAI_API_KEY, ANTHROPIC_API_KEY, <ID>_API_KEY; calls are recorded in the ledger with source "mcp".
`;

export async function runMcp(argv: string[]): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        config: { type: 'string' },
        root: { type: 'string' },
        'allow-code': { type: 'boolean' },
        'allow-config-endpoints': { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
    }));
  } catch (error) {
    process.stderr.write(usageMessage('mcp', (error as Error).message, MCP_USAGE));
    return 2;
  }
  if (values.help) {
    process.stdout.write(MCP_USAGE);
    return 0;
  }
  const root = values.root ?? process.cwd();
  const loaded = loadCliSettings(values.config, process.env, root, values['allow-config-endpoints']);
  if ('problem' in loaded) {
    process.stderr.write(`llm-workbench mcp: ${loaded.problem}\n`);
    return 2;
  }
  // stdout is the MCP transport: export warnings go to stderr like everything else this command prints.
  const exporting = cliTelemetry(process.env, loaded.config.providers, (line) => process.stderr.write(line));
  if ('problem' in exporting) {
    process.stderr.write(`llm-workbench mcp: ${exporting.problem}\n`);
    return 2;
  }
  const { telemetry } = exporting;
  const ledger = new CliLedger(loaded.ledgerPath);
  const catalog = new ModelCatalog(loaded.config.models);
  const server = createMcpServer(packageJson.version, (signal) =>
    mcpToolContext({
      config: loaded.config,
      catalog,
      keys: loaded.keys,
      root,
      allowCode: Boolean(values['allow-code']),
      ledger,
      signal,
      telemetry,
    }),
  );
  const closed = new Promise<void>((resolve) => (server.onclose = resolve));
  await server.connect(new StdioServerTransport());
  process.stderr.write(`llm-workbench mcp: serving ${root} on stdio\n`);
  await closed;
  await ledger.close();
  await closeCliTelemetry(telemetry, (line) => process.stderr.write(line));
  return 0;
}

interface McpContextInput {
  config: WorkbenchConfig;
  catalog: ModelCatalog;
  keys: KeySource;
  root: string;
  allowCode: boolean;
  ledger: CliLedger;
  signal: AbortSignal;
  /** OpenTelemetry export, when the OTEL_* environment turns it on. */
  telemetry?: Telemetry;
}

/** The tools' context in a CLI process: files under `root`, keys from the environment, the CLI's ledger. */
export function mcpToolContext(input: McpContextInput): AgentToolContext {
  const { config, catalog, keys, root } = input;
  return {
    config,
    catalog,
    allowCode: input.allowCode,
    signal: input.signal,
    readText: (path) => readWorkspaceText(root, path),
    recorded: () => input.ledger.settled(),
    resolveEvalFile: (path) => workspacePath(root, path),
    windowFor: (ref, info) => ollamaWindow(config, keys, ref, info),
    evalEngine: () => ({ parseEvalFile, runEval }),
    evalGateway: (files) => {
      const evalProviders = withEvalProviders(config, files);
      const { telemetry } = input;
      const gateway = createGateway({
        config: evalProviders.config,
        catalog,
        keys: evalProviders.keys(keys),
        ledger: input.ledger,
        wrap: telemetry ? (g) => telemetry.wrapGateway(g) : undefined,
      });
      return { gateway: withSource(gateway, 'mcp'), refFor: evalProviders.refFor };
    },
  };
}

/** For an Ollama model, the window its server runs (num_ctx), asked once per call; else the catalog's. */
async function ollamaWindow(
  config: WorkbenchConfig,
  keys: KeySource,
  ref: string,
  info: ModelInfo | undefined,
): Promise<EffectiveContextWindow> {
  const { provider: providerId, model } = parseModelRef(ref);
  const provider = config.providers.find((p) => p.id === providerId);
  if (provider?.kind !== 'ollama') return effectiveContextWindow({ ref, info, provider, server: undefined });
  const adapter = createAdapter(provider, keys, { timeoutMs: 2000 });
  if (!(adapter instanceof OllamaAdapter)) return effectiveContextWindow({ ref, info, provider, server: undefined });
  const server = await adapter.contextWindowDetail(model).then(
    (window) => ({ state: 'known' as const, window }),
    (error: { status?: number }) => (error.status === 404 ? { state: 'missing' as const } : { state: 'unreachable' as const }),
  );
  return effectiveContextWindow({ ref, info, provider, server });
}

/** `llm-workbench <command>`: the headless entry point over src/core. */
import packageJson from '../../package.json';
import { CatalogStore, setDefaultCatalogStore } from '../core/models/catalogStore';
import { setBundleLoader } from '../core/runtime/bundleLoader';
import { defaultCodeCacheDir, loadWithCodeCacheUntilExit } from '../core/runtime/codeCache';
import { cliCatalogPath } from './modelsCommand';

const USAGE = `Usage: llm-workbench <command> [options]

Commands:
  count   Count tokens in files (exact for OpenAI models, ≈ estimate for others)
  chat    Send a prompt through the gateway (routing, retries, fallback, cost, ledger)
  eval    Run eval files (promptfoo-compatible) and compare models
  models  List, filter and show the model catalog (prices, limits, tokenizer, deprecation); --update refreshes prices
  mcp     Serve the count, cost, eval and compare tools to MCP clients over stdio

Run "llm-workbench <command> --help" for a command's options.
Exit status: 0 success, 1 a file, case or provider failed, 2 bad usage or configuration.
`;

async function main(argv: string[]): Promise<number> {
  const [command] = argv;
  // Prices from a table the user refreshed (models --update), read on the first model lookup only.
  setDefaultCatalogStore(new CatalogStore({ storedPath: cliCatalogPath() }));
  loadBundlesWithCodeCache(command);
  switch (command) {
    case 'models':
      return (await import('./modelsCommand')).runModels(argv.slice(1));
    case 'count':
      return (await import('./countCommand')).runCount(argv.slice(1));
    case 'eval':
      return (await import('./evalCommand')).evalCommand(argv.slice(1));
    case 'chat':
      return (await import('./chatCommand')).runChat(argv.slice(1));
    case 'mcp':
      return (await import('./mcpCommand')).runMcp(argv.slice(1));
    case 'help':
    case '--help':
    case '-h':
      process.stdout.write(USAGE);
      return 0;
    case '--version':
    case '-v':
      process.stdout.write(`${packageJson.version}\n`);
      return 0;
    default:
      process.stderr.write(command ? `llm-workbench: unknown command "${command}".\n\n${USAGE}` : USAGE);
      return 2;
  }
}

/**
 * The files the CLI loads on first use (the SDKs, dist/sdk/*.js; OpenTelemetry) start through V8's code cache like
 * the CLI itself (launch.ts): the first call of a run no longer compiles the SDK and the functions a request runs.
 * One cache per command kind and file, since V8 checks a cache against the flags, and `eval` sets one (heapGrowth.ts).
 * Written at exit when it was not taken.
 */
function loadBundlesWithCodeCache(command: string | undefined): void {
  const kind = command === 'eval' ? 'eval' : 'base';
  setBundleLoader((file, name) => loadWithCodeCacheUntilExit(file, { dir: defaultCodeCacheDir(), name: `${name}-${kind}` }));
}

main(process.argv.slice(2)).then(async (code) => {
  process.exitCode = code;
  // An unreachable collector leaves the exporter's retry timers running; the command's work (and the ledger) is done.
  const { exportAbandoned } = await import('./cliTelemetry');
  if (exportAbandoned()) process.stdout.write('', () => process.stderr.write('', () => process.exit(code)));
});

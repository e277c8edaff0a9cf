/**
 * `npm run emulator [-- --port 4010] [--host 127.0.0.1] [--rules rules.json] [--require-key KEY]`
 * Runs the provider emulator until Ctrl+C and prints what to point the CLI or the extension at.
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { startEmulator, type EmulatorReply, type Match } from './emulator';

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      port: { type: 'string', default: '4010' },
      host: { type: 'string', default: '127.0.0.1' },
      rules: { type: 'string' },
      'require-key': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    process.stdout.write('Usage: npm run emulator -- [--port 4010] [--host 127.0.0.1] [--rules rules.json] [--require-key KEY]\n');
    return;
  }
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`--port must be 0..65535, got '${values.port}'`);
  const rules = values.rules ? readRules(values.rules) : [];

  const emulator = await startEmulator({ port, host: values.host, requireKey: values['require-key'] });
  for (const { match, reply } of rules) emulator.rule(match, reply);
  const key = values['require-key'] ?? 'emulator-key';
  process.stdout.write(
    [
      `Provider emulator listening on ${emulator.url}${rules.length ? ` with ${rules.length} rule(s) from ${values.rules}` : ''}`,
      `  OpenAI     ${emulator.openaiBaseUrl}/chat/completions`,
      `  Anthropic  ${emulator.anthropicBaseUrl}/v1/messages`,
      `  Ollama     ${emulator.ollamaBaseUrl}/api/chat  (and ${emulator.ollamaBaseUrl}/v1)`,
      `  Control    ${emulator.url}/__emulator/{enqueue,rule,reset,requests}`,
      '',
      'Point the CLI at it (any key works unless --require-key is given):',
      `  export OPENAI_BASE_URL=${emulator.openaiBaseUrl} OPENAI_API_KEY=${key}`,
      `  export ANTHROPIC_BASE_URL=${emulator.anthropicBaseUrl} ANTHROPIC_API_KEY=${key}`,
      `  export OLLAMA_HOST=${emulator.ollamaBaseUrl}`,
      '',
      'Ctrl+C stops it.',
      '',
    ].join('\n'),
  );
  const stop = () => {
    void emulator.close().then(() => process.exit(0));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

/** A JSON array of `{match, reply}` (or `{"rules": [...]}`), applied as persistent rules. */
function readRules(file: string): Array<{ match: Match; reply: EmulatorReply }> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new Error(`--rules ${file}: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
  }
  const list = Array.isArray(parsed) ? parsed : (parsed as { rules?: unknown }).rules;
  if (!Array.isArray(list)) throw new Error(`${file}: expected a JSON array of {match, reply} rules`);
  return list.map((entry, i) => {
    if (!entry || typeof entry !== 'object' || typeof entry.reply !== 'object')
      throw new Error(`${file}: rule ${i} needs a "reply" object`);
    return { match: entry.match ?? {}, reply: entry.reply };
  });
}

main().catch((error: unknown) => {
  process.stderr.write(`emulator: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(2);
});

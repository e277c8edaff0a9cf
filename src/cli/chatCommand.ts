import { randomUUID } from 'node:crypto';
import { parseArgs } from 'node:util';
import { formatCount, formatMs } from '../core/chat/footerText';
import { callCostSummary } from '../core/cost/callCost';
import type { CallRecord } from '../core/cost/callRecord';
import { createGateway } from '../core/gateway/createGateway';
import { parseModelRef } from '../core/models/modelRef';
import { TASKS, type Task } from '../core/providers/chat';
import { redactSecrets } from '../core/providers/redactSecrets';
import { CliLedger, loadCliSettings, secretValues, usageMessage, warmUpTokenizers } from './cliSetup';
import { cliTelemetry, closeCliTelemetry } from './cliTelemetry';
import { stripTerminalControls, TerminalSanitizer } from './terminalText';

export const CHAT_USAGE = `Usage: llm-workbench chat [--config FILE] [--task T] [--model REF] [--file PATH] [--json] [--raw] [--allow-truncated] [--allow-config-endpoints] PROMPT

Sends PROMPT through the gateway (routing, retries, fallback, cost) and streams the answer to stdout;
a footer with model, route reason, tokens, cost and timings goes to stderr. PROMPT "-" (or none, with
input piped) reads the prompt from stdin.

  --config FILE  JSON settings with the VS Code keys (llmWorkbench.providers, .routes, .routing.rules, .models, .budget...)
  --task T       ${TASKS.join(' | ')} (default chat)
  --model REF    provider:model, bypassing routing (e.g. openai:gpt-4o-mini)
  --file PATH    the file the prompt is about: routing rules and llmWorkbench.privateFiles match it
  --json         print the call record (plus "answer") as JSON instead of streaming
  --raw          write the answer exactly as the model sent it (by default terminal control
                 sequences in it, such as clipboard writes, title changes or clear-screen, are removed)
  --allow-truncated  exit 0 for an answer cut at the output limit (default: exit 3)
  --allow-config-endpoints  send the environment's keys to base URLs the --config file sets (by default
                 only to your environment's endpoints, the providers' defaults and loopback addresses)

Environment: OPENAI_API_KEY, OPENAI_BASE_URL, ANTHROPIC_API_KEY, ANTHROPIC_BASE_URL, OLLAMA_HOST,
<ID>_API_KEY for other providers; the ledger is $LLM_WORKBENCH_HOME/ledger.jsonl (default ~/.llm-workbench).
OTEL_EXPORTER_OTLP_ENDPOINT (and the other standard OTEL_* variables) exports the call as OpenTelemetry spans.
Exit: 0 answered, 1 the provider(s) failed after retries and fallbacks, 2 bad usage or configuration,
3 the answer is incomplete: cut at the output limit (stop reason max_tokens) or stopped by the
provider's content filter (the footer says which; --allow-truncated exits 0), 130 interrupted (Ctrl+C),
143 terminated (SIGTERM). Interrupted or terminated, the call is still recorded as aborted.
`;

export interface ChatIo {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
  stdin: NodeJS.ReadableStream & { isTTY?: boolean };
  env: NodeJS.ProcessEnv;
}

// eslint-disable-next-line max-lines-per-function -- one linear command: parse and check the arguments, build the gateway, stream the answer, print the footer
export async function runChat(
  argv: string[],
  io: ChatIo = { stdout: process.stdout, stderr: process.stderr, stdin: process.stdin, env: process.env },
): Promise<number> {
  const usageError = (message: string) => {
    io.stderr.write(usageMessage('chat', message, CHAT_USAGE));
    return 2;
  };
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        config: { type: 'string' },
        task: { type: 'string', default: 'chat' },
        model: { type: 'string' },
        file: { type: 'string' },
        json: { type: 'boolean', default: false },
        raw: { type: 'boolean', default: false },
        'allow-truncated': { type: 'boolean', default: false },
        'allow-config-endpoints': { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (error) {
    return usageError((error as Error).message);
  }
  const { values, positionals } = parsed;
  if (values.help) {
    io.stdout.write(CHAT_USAGE);
    return 0;
  }
  const task = values.task as Task;
  if (!TASKS.includes(task)) return usageError(`Unknown task "${values.task}": use one of ${TASKS.join(', ')}.`);
  if (values.model) {
    try {
      parseModelRef(values.model);
    } catch (error) {
      return usageError(`--model: ${(error as Error).message}`);
    }
  }
  let prompt = positionals.join(' ');
  if (prompt === '-' || (prompt === '' && !io.stdin.isTTY)) prompt = await readAll(io.stdin);
  if (prompt.trim() === '') return usageError('No prompt: pass it as an argument, or pipe it in with "-".');

  const cli = loadCliSettings(values.config, io.env, process.cwd(), values['allow-config-endpoints']);
  if ('problem' in cli) {
    io.stderr.write(`llm-workbench chat: ${cli.problem}\n`);
    return 2;
  }

  const exporting = cliTelemetry(io.env, cli.config.providers, (line) => io.stderr.write(line));
  if ('problem' in exporting) {
    io.stderr.write(`llm-workbench chat: ${exporting.problem}\n`);
    return 2;
  }
  const { telemetry } = exporting;
  const ledger = new CliLedger(cli.ledgerPath, (line) => io.stderr.write(line));
  await warmUpTokenizers(cli.config, values.model ? [values.model] : []);
  const gateway = createGateway({
    wrap: telemetry ? (g) => telemetry.wrapGateway(g) : undefined,
    config: cli.config,
    keys: cli.keys,
    ledger,
    adapterOptions: { keyHint: cli.keyHint },
    sessionId: `cli-${randomUUID()}`,
    log: io.env.LLM_WORKBENCH_DEBUG ? (line) => io.stderr.write(`[gateway] ${line}\n`) : undefined,
  });

  // Ctrl+C and SIGTERM (CI cancelling a job, `timeout`, a container stopping) both end the call as aborted, and
  // the record of the call still reaches the ledger before the process exits.
  const controller = new AbortController();
  let stoppedBy: NodeJS.Signals | undefined;
  const onSignal = (signal: NodeJS.Signals) => {
    stoppedBy ??= signal;
    controller.abort();
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  let record: CallRecord | undefined;
  let answer = '';
  let endsWithNewline = true;
  const terminal = new TerminalSanitizer();
  const write = (text: string) => {
    if (values.json) return;
    const shown = values.raw ? text : terminal.push(text);
    if (shown === '') return;
    io.stdout.write(shown);
    endsWithNewline = shown.endsWith('\n');
  };
  const stderrLine = (text: string) => io.stderr.write(stripTerminalControls(text));
  try {
    for await (const event of gateway.stream({
      task,
      messages: [{ role: 'user', content: prompt }],
      model: values.model,
      filePath: values.file,
      signal: controller.signal,
      source: 'cli',
    })) {
      switch (event.type) {
        case 'text':
          answer += event.text;
          write(event.text);
          break;
        case 'retry':
          stderrLine(`retrying ${event.model} in ${formatMs(event.delayMs)}: ${event.error.message}\n`);
          break;
        case 'fallback':
          stderrLine(`falling back to ${event.to}: ${event.reason}\n`);
          break;
        case 'restart':
          answer = '';
          stderrLine(`\nthe answer restarts on ${event.model}: ${event.reason}\n`);
          write(`${endsWithNewline ? '' : '\n'}\n[answer restarted on ${event.model}]\n\n`);
          break;
        case 'record':
          record = event.record;
          break;
      }
    }
  } finally {
    process.removeListener('SIGINT', onSignal);
    process.removeListener('SIGTERM', onSignal);
    // The ledger first: it is the record of the call; export is best effort, bounded in time.
    await ledger.close();
    await closeCliTelemetry(telemetry, (line) => io.stderr.write(line));
  }
  if (!record) throw new Error('the gateway ended without a call record');

  if (values.json) {
    // A report leaves the machine (CI logs, artifacts): no key of this environment in it, in any spelling.
    const json = JSON.stringify({ answer: record.outcome === 'ok' ? answer : '', ...record }, null, 2);
    io.stdout.write(`${redactSecrets(json, secretValues(io.env))}\n`);
  } else if (!endsWithNewline) {
    io.stdout.write('\n');
  }
  if (record.outcome !== 'ok') stderrLine(`\nerror: ${record.errorMessage ?? record.errorKind}\n`);
  stderrLine(footer(record));
  if (record.outcome === 'aborted') return stoppedBy === 'SIGTERM' ? 143 : 130;
  if (record.outcome === 'ok') return incompleteBecause(record) && !values['allow-truncated'] ? 3 : 0;
  // Nothing was sent because routing could not pick a model: that is configuration, not a provider failure.
  return record.errorKind === 'bad_request' && record.attempts === 0 ? 2 : 1;
}

/** The footer: model, route reason, tokens in/out, cost, TTFT, total; the fallback and why when one was used. */
export function footer(record: CallRecord): string {
  const model = record.provider ? `${record.provider}:${record.model}` : record.model || 'no model';
  const estimated = record.usageSource === 'estimate' ? '≈' : '';
  const summary = callCostSummary(record.costUsd, model, record.costParts);
  const cost =
    summary.unpriced.length === 0
      ? summary.text
      : summary.text === 'unknown' && summary.unpriced.length === 1 && summary.unpriced[0] === model
        ? 'cost unknown (no price for this model: add it under llmWorkbench.models)'
        : `${summary.text === 'unknown' ? 'cost unknown' : `at least ${summary.text.replace(/\+$/, '')}`} (no price for ${summary.unpriced.join(', ')}: add it under llmWorkbench.models)`;
  const lines = [
    `── ${model} · ${record.reason || 'not routed'}`,
    `   ${estimated}${formatCount(record.inputTokens)} in / ${estimated}${formatCount(record.outputTokens)} out · ${cost} · ` +
      `TTFT ${formatMs(record.ttftMs)} · total ${formatMs(record.totalMs)} · ${record.attempts} attempt${record.attempts === 1 ? '' : 's'}`,
  ];
  if (record.fallbackReason) {
    const label = record.outcome !== 'ok' ? 'failed' : record.fallbackUsed ? 'fallback used' : 'skipped';
    lines.push(`   ${label}: ${record.fallbackReason}`);
  }
  const incomplete = incompleteBecause(record);
  if (incomplete) lines.push(`   ⚠ ${incomplete}`);
  return `${lines.join('\n')}\n`;
}

/** Why an answer that ended normally is still not whole (truncation is never silent), or undefined. */
export function incompleteBecause(record: Pick<CallRecord, 'outcome' | 'stopReason' | 'maxOutputTokens'>): string | undefined {
  if (record.outcome !== 'ok') return undefined;
  if (record.stopReason === 'max_tokens') {
    const limit =
      record.maxOutputTokens !== undefined
        ? `the ${formatCount(record.maxOutputTokens)}-token output limit`
        : "the provider's output limit";
    return `truncated: the answer was cut at ${limit} (stop reason max_tokens) — it is incomplete; ask for a shorter answer or split the task`;
  }
  if (record.stopReason === 'content_filter')
    return "incomplete: the provider's content filter stopped the answer (stop reason content_filter)";
  return undefined;
}

async function readAll(stream: NodeJS.ReadableStream): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer));
  return Buffer.concat(chunks).toString('utf8');
}

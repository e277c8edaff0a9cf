/**
 * `llm-workbench mcp` as an MCP client runs it: the built dist/cli.js in a child process on stdio, driven by the
 * MCP SDK's own Client, with the in-process emulator as every provider.
 */
import * as assert from 'node:assert/strict';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { AGENT_TOOLS } from '../../src/core/agentTools/toolCatalog';
import { countTokens } from '../../src/core/tokens/encodings';
import { costOfOneTicketCall, scriptTickets, TICKET_MODELS } from '../integration/fixtures/emulatorTickets';
import { startEmulator, type Emulator } from './emulator';

const CLI = join(__dirname, '..', '..', 'dist', 'cli.js');
const FIXTURE_EVALS = join(__dirname, '..', 'integration', 'fixtures', 'workspace', 'evals');

describe('llm-workbench mcp (MCP SDK client over stdio)', function () {
  this.timeout(60_000);
  let emulator: Emulator;
  let dir: string;
  let client: Client;
  let stderr = '';

  before(async function () {
    assert.ok(existsSync(CLI), 'dist/cli.js is missing: run `npm run build` first (npm test does)');
    emulator = await startEmulator();
    scriptTickets(emulator);
    dir = mkdtempSync(join(tmpdir(), 'mcp-'));
    mkdirSync(join(dir, 'workspace'));
    cpSync(FIXTURE_EVALS, join(dir, 'workspace', 'evals'), { recursive: true });
    writeFileSync(
      join(dir, 'workspace', 'prompt.md'),
      'You are a careful reviewer. Review the diff below and list missing error handling.\n',
    );
    writeFileSync(join(dir, 'secret.txt'), 'TOP-SECRET-CONTENT');
    writeFileSync(
      join(dir, 'settings.json'),
      JSON.stringify({
        'llmWorkbench.providers': [{ id: 'emu', kind: 'openai-compatible', baseUrl: emulator.openaiBaseUrl }],
        'llmWorkbench.models': TICKET_MODELS.map((m) => ({ ...m, contextWindow: 8192, maxOutput: 1024 })),
        'llmWorkbench.routes': { classify: { primary: 'emu:medium' } },
      }),
    );
    const transport = new StdioClientTransport({
      command: process.execPath,
      args: [CLI, 'mcp', '--config', join(dir, 'settings.json'), '--root', join(dir, 'workspace')],
      env: { PATH: process.env.PATH ?? '', LLM_WORKBENCH_HOME: join(dir, 'home') },
      stderr: 'pipe',
    });
    transport.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    client = new Client({ name: 'llm-workbench-test', version: '1.0.0' });
    await client.connect(transport);
  });

  after(async () => {
    await client?.close();
    await emulator?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const call = async (name: string, args: Record<string, unknown>) => (await client.callTool({ name, arguments: args })) as CallToolResult;
  const text = (result: CallToolResult) => result.content.map((c) => (c.type === 'text' ? c.text : '')).join('');

  it("lists the four tools with the catalog's schemas, marking the two that spend money", async () => {
    const { tools } = await client.listTools();
    assert.deepEqual(
      tools.map((t) => t.name),
      ['count_tokens', 'estimate_cost', 'run_eval', 'compare_models'],
    );
    for (const tool of tools) {
      const spec = AGENT_TOOLS.find((t) => t.mcpName === tool.name)!;
      assert.deepEqual(tool.inputSchema, spec.inputSchema);
      assert.equal(tool.annotations?.readOnlyHint, !spec.spends, tool.name);
    }
  });

  it('count_tokens: the exact o200k count of a workspace file, with the budget verdict', async () => {
    const result = await call('count_tokens', { files: ['prompt.md'], model: 'openai:gpt-4o' });
    assert.equal(result.isError, undefined, text(result));
    const expected = await countTokens(readFileSync(join(dir, 'workspace', 'prompt.md'), 'utf8'), 'o200k_base');
    const data = result.structuredContent as Record<string, unknown>;
    assert.equal(data.totalTokens, expected);
    assert.equal(data.exact, true);
    assert.equal(data.verdict, 'ok');
    assert.match(text(result), new RegExp(`^${expected} tokens on openai:gpt-4o \\(exact \\(o200k_base\\)\\)\\. Verdict: ok\\.`));
  });

  it('count_tokens refuses a path outside the workspace, and says why', async () => {
    const result = await call('count_tokens', { files: ['../secret.txt'] });
    assert.equal(result.isError, true);
    assert.match(text(result), /outside the workspace/);
    // The refusal names the path, never the file's content.
    assert.ok(!text(result).includes('TOP-SECRET-CONTENT'), text(result));
    assert.equal(result.structuredContent, undefined);
  });

  it('input that breaks the schema is an error naming the field', async () => {
    const result = await call('compare_models', { file: 'evals/compare.eval.yaml', models: 'emu:small' });
    assert.equal(result.isError, true);
    assert.match(text(result), /input\/models must be array/);
  });

  it('estimate_cost: per-call and monthly cost on the candidates, cheapest first; nothing is called', async () => {
    const result = await call('estimate_cost', {
      prompt: 'Summarize this ticket in one line.',
      models: ['emu:large', 'emu:small', 'nope:model'],
      outputTokens: 10,
    });
    const lines = text(result).split('\n');
    assert.match(lines[1], /^- emu:small: /);
    assert.match(lines[2], /^- emu:large: /);
    assert.match(text(result), /Not in the catalog \(no price\): nope:model\./);
    assert.equal(emulator.requests.length, 0);
  });

  it('run_eval without maxCostUsd is refused with the estimate; nothing is called', async () => {
    const result = await call('run_eval', { file: 'evals/compare.eval.yaml' });
    assert.equal(result.isError, true);
    assert.match(text(result), /costs money \(9 model call\(s\), about \$[\d.]+\)\. Call it again with maxCostUsd/);
    assert.equal(emulator.requests.length, 0);
  });

  it('run_eval on one case under a cost cap: the verdicts, the spend, and ledger records tagged mcp', async () => {
    emulator.reset();
    scriptTickets(emulator);
    const result = await call('run_eval', { file: 'evals/compare.eval.yaml', case: 'ambiguous', maxCostUsd: 1 });
    assert.equal(result.isError, undefined, text(result));
    const lines = text(result).split('\n');
    const spent = TICKET_MODELS.reduce((sum, m) => sum + costOfOneTicketCall(m.ref), 0);
    assert.match(lines[0], /^evals\/compare\.eval\.yaml: 2 passed, 1 failed, 0 errors, 0 skipped; spent \$/);
    assert.ok(Math.abs((result.structuredContent as { spentUsd: number }).spentUsd - spent) < 1e-12);
    assert.deepEqual(lines.slice(1, 3), [
      '- [pass] #2 ambiguous invoice question on emu:large',
      '- [pass] #2 ambiguous invoice question on emu:medium',
    ]);
    assert.match(lines[3], /^- \[fail\] #2 ambiguous invoice question on emu:small: .+/);
    assert.equal(lines.length, 4);
    const ledger = readFileSync(join(dir, 'home', 'ledger.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { source?: string });
    assert.equal(ledger.length, 3);
    assert.ok(
      ledger.every((r) => r.source === 'mcp'),
      JSON.stringify(ledger.map((r) => r.source)),
    );
  });

  it('run_eval over the cap is refused before any call', async () => {
    emulator.reset();
    const result = await call('run_eval', { file: 'evals/compare.eval.yaml', maxCostUsd: 0.000001 });
    assert.equal(result.isError, true);
    assert.match(text(result), /^Not run: 9 model call\(s\), about \$[\d.]+, over maxCostUsd/);
    assert.equal(emulator.requests.length, 0);
  });

  it('compare_models: the matrix and the recommendation (the cheapest model that passes every case)', async () => {
    emulator.reset();
    scriptTickets(emulator);
    const result = await call('compare_models', {
      file: 'evals/compare.eval.yaml',
      models: ['emu:small', 'emu:medium', 'emu:large'],
      maxCostUsd: 1,
    });
    assert.equal(result.isError, undefined, text(result));
    const data = result.structuredContent as { recommendation: { primary: string } | null };
    assert.equal(data.recommendation?.primary, 'emu:medium');
    assert.match(text(result), /^- emu:small: 67% pass/m);
    assert.match(text(result), /Recommendation: .*emu:medium/);
    assert.ok(text(result).split('\n').length <= 8, 'short enough for a context window');
  });

  it('an unknown eval case is an error listing the cases', async () => {
    const result = await call('run_eval', { file: 'evals/compare.eval.yaml', case: 99, maxCostUsd: 1 });
    assert.equal(result.isError, true);
    assert.match(text(result), /has no case 99\. Cases: 0: resend an invoice; 1: money back; 2: ambiguous invoice question/);
    assert.match(stderr, /llm-workbench mcp: serving/);
  });
});

import * as assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { formatUsd } from '../../../src/core/cost/pricing';
import { startEmulator, type Emulator } from '../../emulator/emulator';
import { ChatView } from './chatView';
import { session, workbenchMode } from './session';

/**
 * #16's footers, as a user sees them: a call that never reached a provider is headed "Not sent", with no footer and
 * no ledger line; a call in which one model broke off mid-answer and a fallback answered shows each model's cost in
 * the footer's cost tooltip, the same parts the ledger charged. Prices are set in llmWorkbench.models so every number
 * is known; the emulator's scripted faults cut the primary's stream.
 */
const PRIMARY = 'openai:gpt-4o-mini';
const FALLBACK = 'anthropic:claude-haiku-4-5';
/** Per 1M tokens (input, output). */
const PRICES = [
  { ref: PRIMARY, inputPerMTok: 2, outputPerMTok: 8 },
  { ref: FALLBACK, inputPerMTok: 4, outputPerMTok: 20 },
];
const FALLBACK_USAGE = { input: 300, output: 50 };

let emulator: Emulator | undefined;
workbenchMode({
  workspaceTrust: 'disabled',
  userSettings: async () => {
    emulator = await startEmulator();
    return {
      'llmWorkbench.providers': [
        { id: 'openai', kind: 'openai', baseUrl: emulator.openaiBaseUrl },
        { id: 'anthropic', kind: 'anthropic', baseUrl: emulator.anthropicBaseUrl },
      ],
      'llmWorkbench.routes': { chat: { primary: PRIMARY, fallbacks: [FALLBACK] } },
      'llmWorkbench.models': PRICES,
    };
  },
});

interface LedgerLine {
  model: string;
  provider: string;
  costUsd: number | null;
  costParts?: { model: string; costUsd: number | null; usageSource: string }[];
}

function ledger(): LedgerLine[] {
  const file = join(session().workbenchHome!, 'ledger.jsonl');
  if (!existsSync(file)) return [];
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((line) => line.trim())
    .map((line) => JSON.parse(line) as LedgerLine);
}

describe('chat footers, as a user sees them (#16)', function () {
  let chat: ChatView;

  before(async function () {
    this.timeout(120_000);
    assert.ok(emulator, 'the workbench started with the emulator as its providers');
    chat = new ChatView(session().workbench);
    await chat.open();
    await chat.waitForModel(PRIMARY);
  });

  after(async () => {
    await emulator?.close();
  });

  it('a call that never reached a provider (no key for any model) is headed "Not sent", with no footer and no ledger line', async () => {
    const { workbench } = session();
    const answer = await chat.askAndWait('Which model answers this?');
    assert.equal((await answer.locator('.turn-header .who').innerText()).trim(), 'Not sent');
    assert.equal(await answer.locator('.answer-footer').count(), 0, 'no footer for a call that was not made');
    // One line per model that could not answer, as the message has them (innerText keeps only the breaks shown).
    const lines = (await answer.locator('.error-message .error-text').innerText()).split('\n').map((line) => line.trim());
    assert.equal(lines.length, 3, `lines: ${JSON.stringify(lines)}`);
    assert.match(lines[0], /^No model on the route could answer:$/);
    assert.match(lines[1], new RegExp(`^${PRIMARY}: .*key`, 'i'));
    assert.match(lines[2], new RegExp(`^${FALLBACK}: .*key`, 'i'));
    assert.equal(await answer.locator('.error-actions button', { hasText: 'Set API Key' }).count(), 1);
    assert.deepEqual(
      emulator!.requests.map((r) => r.path),
      [],
      'nothing was sent',
    );
    assert.deepEqual(ledger(), [], 'a call never made is not a ledger line');
    await workbench.screenshot('chat-not-sent');
  });

  it('after a fallback the footer shows what each model cost, as the ledger charged it', async () => {
    const { workbench } = session();
    await chat.setApiKeyFromPalette('openai', `sk-it-${randomBytes(8).toString('hex')}`);
    await chat.setApiKeyFromPalette('anthropic', `sk-ant-it-${randomBytes(8).toString('hex')}`);
    // The primary breaks off after two chunks every time; the fallback answers with known usage.
    emulator!.rule(
      { protocol: 'openai' },
      { chunks: ['The first model ', 'started to answer ', 'and then ', 'broke off.'], fault: { kind: 'cut', afterChunks: 2 } },
    );
    emulator!.rule({ protocol: 'anthropic' }, { text: 'The fallback model answered in full.', usage: FALLBACK_USAGE });
    const answer = await chat.askAndWait('Which model answers this?', 120_000);
    assert.equal(await answer.locator('.markdown-body').innerText(), 'The fallback model answered in full.');
    const footer = await chat.footer(answer);
    assert.equal(footer.model, FALLBACK);

    // The ledger's line for this call: both models, each charged its own part.
    const line = ledger().at(-1)!;
    assert.ok(line.costParts && line.costParts.length === 2, `cost parts in the ledger: ${JSON.stringify(line)}`);
    const [primaryPart, fallbackPart] = line.costParts;
    assert.equal(primaryPart.model, PRIMARY);
    assert.equal(primaryPart.usageSource, 'estimate', 'the cut stream reported no usage');
    assert.ok(primaryPart.costUsd !== null && primaryPart.costUsd > 0, 'the model that broke off is charged, not $0');
    assert.equal(fallbackPart.model, FALLBACK);
    const fallbackCost = (FALLBACK_USAGE.input * PRICES[1].inputPerMTok + FALLBACK_USAGE.output * PRICES[1].outputPerMTok) / 1e6;
    assert.ok(Math.abs(fallbackPart.costUsd! - fallbackCost) < 1e-12, `${fallbackPart.costUsd} = ${fallbackCost}`);

    // The footer: the call's cost, and per model in its tooltip, the numbers the ledger has.
    const costTitle = (await answer.locator('.answer-footer .footer-part.cost').getAttribute('title')) ?? '';
    assert.equal(footer.cost, formatUsd(primaryPart.costUsd! + fallbackCost));
    assert.deepEqual(costTitle.split('\n'), [
      'Cost of this call, by model:',
      `${PRIMARY}: ${formatUsd(primaryPart.costUsd)} (≈: it broke off before reporting usage)`,
      `${FALLBACK}: ${formatUsd(fallbackCost)}`,
    ]);
    // Hover the cost as a user would: VS Code's webview shows the title as a tooltip; the screenshot keeps the footer.
    await answer.locator('.answer-footer .footer-part.cost').hover();
    await workbench.screenshot('chat-fallback-cost-per-model');
    emulator!.reset();
  });
});

import * as assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { countTokens } from '../../../src/core/tokens/encodings';
import { TokenCountClient } from '../../../src/workers/tokenCountClient';
import type { DocumentCount, PromptSectionCounts, RangeCounts } from '../../../src/workers/tokenCountProtocol';

/** The worker as the extension ships it (built by `npm run build`, which `npm test` runs first). */
const WORKER = join(__dirname, '..', '..', '..', 'dist', 'workers', 'tokenCount.js');

describe('token-count worker thread', function () {
  this.timeout(30_000);
  let client: TokenCountClient;
  let exits: string[];

  before(function () {
    if (!existsSync(WORKER)) throw new Error(`${WORKER} is missing: run npm run build first`);
  });
  beforeEach(() => {
    exits = [];
    client = new TokenCountClient(WORKER, (reason) => exits.push(reason));
  });
  afterEach(() => client.dispose());

  it('starts only on the first request', async () => {
    assert.equal(client.running, false);
    await client.request({ kind: 'open', doc: 'a', version: 1, encoding: 'o200k_base', text: 'hello' });
    assert.equal(client.running, true);
  });

  it('counts a document, follows VS Code content changes in order, and counts ranges', async () => {
    const text = '# System\nYou are terse.\n\n# Question\nWhat is a token?\n';
    const opened = await client.request<DocumentCount>({
      kind: 'open',
      doc: 'file:///p.prompt.md',
      version: 1,
      encoding: 'o200k_base',
      text,
    });
    assert.equal(opened.total, await countTokens(text, 'o200k_base'));

    // Two edits in one event: offsets of the second are relative to the text after the first.
    const changes = [
      { rangeOffset: 9, rangeLength: 14, text: 'You are a careful, friendly assistant.' },
      { rangeOffset: 0, rangeLength: 0, text: '<!-- v2 -->\n' },
    ];
    let expected = text;
    for (const c of changes) expected = expected.slice(0, c.rangeOffset) + c.text + expected.slice(c.rangeOffset + c.rangeLength);
    const changed = await client.request<DocumentCount>({ kind: 'change', doc: 'file:///p.prompt.md', version: 2, changes });
    assert.equal(changed.version, 2);
    assert.equal(changed.total, await countTokens(expected, 'o200k_base'));

    const ranges = await client.request<RangeCounts>({
      kind: 'countRanges',
      doc: 'file:///p.prompt.md',
      ranges: [
        [0, 12],
        [12, expected.length],
      ],
    });
    assert.deepEqual(ranges.counts, [
      await countTokens(expected.slice(0, 12), 'o200k_base'),
      await countTokens(expected.slice(12), 'o200k_base'),
    ]);
  });

  it('splits a prompt file into sections with their counts and reads its front matter', async () => {
    const text =
      '---\nmodel: openai:gpt-4o-mini\nbudget:\n  user: 5\n---\n# System\nBe brief.\n# Question\nWhy is the sky blue, and why are sunsets red?\n';
    await client.request({ kind: 'open', doc: 'q', version: 1, encoding: 'o200k_base', text });
    const sections = await client.request<PromptSectionCounts>({ kind: 'promptSections', doc: 'q' });
    assert.equal(sections.frontMatter.model, 'openai:gpt-4o-mini');
    assert.deepEqual(sections.frontMatter.budget, { user: 5 });
    assert.deepEqual(
      sections.sections.map((s) => [s.heading, s.bucket, s.line]),
      [
        ['System', 'system', 5],
        ['Question', 'user', 7],
      ],
    );
    const question = text.slice(text.indexOf('# Question'));
    assert.equal(sections.sections[1].tokens, await countTokens(question, 'o200k_base'));
  });

  it('an open that asks for sections answers with them (one round trip), the same as asking after it', async () => {
    const text = '---\nmodel: openai:gpt-4o\n---\n## System\nBe brief.\n## User\nName three primes.\n';
    // Warmed first, as the extension does on an idle window: warming must not change a count.
    await client.request({ kind: 'warm', encoding: 'o200k_base' });
    const opened = await client.request<DocumentCount>({
      kind: 'open',
      doc: 's',
      version: -1,
      encoding: 'o200k_base',
      text,
      sections: true,
    });
    assert.equal(opened.total, await countTokens(text, 'o200k_base'));
    assert.ok(opened.sections, 'the sections came with the count');
    assert.equal(opened.sections.version, -1);
    assert.equal(opened.sections.frontMatter.model, 'openai:gpt-4o');
    assert.deepEqual(opened.sections, await client.request<PromptSectionCounts>({ kind: 'promptSections', doc: 's' }));
    const plain = await client.request<DocumentCount>({ kind: 'open', doc: 't', version: 1, encoding: 'o200k_base', text });
    assert.equal(plain.sections, undefined, 'no sections unless asked');
  });

  it('rejects requests for a document it does not hold, and keeps working', async () => {
    await assert.rejects(client.request({ kind: 'countRanges', doc: 'never-opened', ranges: [[0, 1]] }), /not open in the token worker/);
    const opened = await client.request<DocumentCount>({
      kind: 'open',
      doc: 'b',
      version: 1,
      encoding: 'cl100k_base',
      text: 'still alive',
    });
    assert.equal(opened.total, await countTokens('still alive', 'cl100k_base'));
  });

  it('a closed document is forgotten', async () => {
    await client.request({ kind: 'open', doc: 'c', version: 1, encoding: 'o200k_base', text: 'x' });
    await client.request({ kind: 'close', doc: 'c' });
    await assert.rejects(client.request({ kind: 'promptSections', doc: 'c' }), /not open/);
  });
});

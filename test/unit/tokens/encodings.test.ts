import { strict as assert } from 'node:assert';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { Tiktoken, type TiktokenBPE } from 'js-tiktoken/lite';
import { ModelCatalog } from '../../../src/core/models/catalog';
import { countTokens, isTokenizerLoaded, loadTokenizer, parseRankFile, tokenizerSpecFor } from '../../../src/core/tokens/encodings';
import type { EncodingName } from '../../../src/core/models/modelInfo';
import fc from 'fast-check';
import { mixedDocument } from '../../fixtures/tokens/mixedDocument';
import { TRICKY_FRAGMENTS } from './trickyText';

const root = join(__dirname, '..', '..', '..');

describe('encodings', () => {
  it('loads nothing at import time; the first load reads the rank file once, as data, shared by concurrent callers', () => {
    // A fresh process, so no other spec has loaded a tokenizer yet. Rank files read are counted through fs/promises.
    const script = `
      const fsPromises = require('node:fs/promises');
      const read = fsPromises.readFile;
      const rankReads = [];
      fsPromises.readFile = (file, ...rest) => { if (/ranks/.test(String(file))) rankReads.push(String(file)); return read(file, ...rest); };
      const encodings = require('./src/core/tokens/encodings.ts');
      const rankModules = () => Object.keys(require.cache).filter((k) => /ranks/.test(k)).length;
      const before = { reads: rankReads.length, loaded: encodings.isTokenizerLoaded('o200k_base') };
      const a = encodings.loadTokenizer('o200k_base');
      const b = encodings.loadTokenizer('o200k_base');
      Promise.all([a, b]).then(([x, y]) => {
        const after = { reads: rankReads.length, modules: rankModules(), loaded: encodings.isTokenizerLoaded('o200k_base'), same: a === b && x === y, cl100k: encodings.isTokenizerLoaded('cl100k_base') };
        process.stdout.write(JSON.stringify({ before, after }));
      });`;
    const out = execFileSync(process.execPath, ['-r', 'tsx/cjs', '-e', script], { cwd: root, encoding: 'utf8' });
    assert.deepEqual(JSON.parse(out), {
      before: { reads: 0, loaded: false },
      after: { reads: 1, modules: 0, loaded: true, same: true, cl100k: false },
    });
  });

  it("reads a rank file as JSON or as js-tiktoken's module of it, and says what is wrong with anything else", () => {
    const table = { pat_str: 'x', special_tokens: {}, bpe_ranks: '! 0 IQ==' };
    assert.deepEqual(parseRankFile(JSON.stringify(table)), table);
    assert.deepEqual(parseRankFile(`module.exports = ${JSON.stringify(table)};\n`), table);
    assert.throws(() => parseRankFile('{"pat_str": 1}'), /not a rank table/);
    assert.throws(() => parseRankFile('module.exports = {'), SyntaxError);
  });

  it("builds the same rank tables as js-tiktoken's own constructor (encodes and decodes identically)", async () => {
    const text = mixedDocument(20_000, 5);
    for (const encoding of ['cl100k_base', 'o200k_base'] as const) {
      const ours = await loadTokenizer(encoding);
      // js-tiktoken's package exports (ranks/*) are invisible to this tsconfig's node10 resolution; require them untyped.
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const reference = new Tiktoken(require(`js-tiktoken/ranks/${encoding}`) as TiktokenBPE);
      assert.deepEqual(ours.encode(text), reference.encode(text, [], []), encoding);
      assert.equal(reference.decode(ours.encode(text)), text);
    }
  });

  it('count (cached per pre-tokenizer piece) always equals encode().length', async () => {
    for (const encoding of ['o200k_base', 'cl100k_base'] as const) {
      const tokenizer = await loadTokenizer(encoding);
      const text = fc
        .array(fc.oneof(fc.constantFrom(...TRICKY_FRAGMENTS), fc.string({ unit: 'binary', maxLength: 6 })), { maxLength: 30 })
        .map((parts) => parts.join(''));
      fc.assert(
        fc.property(text, (s) => tokenizer.count(s) === tokenizer.encode(s).length && tokenizer.count(s) === tokenizer.count(s)),
        { numRuns: 600 },
      );
      const doc = mixedDocument(50_000, 9);
      assert.equal(tokenizer.count(doc), tokenizer.encode(doc).length);
      assert.equal(tokenizer.count('a'.repeat(300)), tokenizer.encode('a'.repeat(300)).length, 'a long piece is counted, not cached');
    }
  });

  it('counts known strings and treats special-token text as plain text instead of throwing', async () => {
    assert.equal(await countTokens('', 'o200k_base'), 0);
    const o200k = await loadTokenizer('o200k_base');
    assert.equal(o200k.count('hello world'), 2);
    assert.ok(o200k.count('before <|endoftext|> after') > 5, 'special token text is several ordinary tokens');
    assert.ok(isTokenizerLoaded('o200k_base'));
  });

  it('rejects an unknown encoding with the names it supports', async () => {
    await assert.rejects(loadTokenizer('p50k_base' as EncodingName), /Unknown encoding "p50k_base": use o200k_base or cl100k_base/);
  });

  it('picks the model tokenizer, falling back to an o200k estimate', () => {
    const catalog = new ModelCatalog();
    const gpt4turbo = catalog.lookup('openai:gpt-4-turbo');
    const claude = catalog.lookup('anthropic:claude-sonnet-4-5');
    assert.deepEqual(tokenizerSpecFor(gpt4turbo), { kind: 'exact', encoding: 'cl100k_base' });
    assert.deepEqual(tokenizerSpecFor(claude), { kind: 'estimate', encoding: 'o200k_base' });
    assert.deepEqual(tokenizerSpecFor(undefined), { kind: 'estimate', encoding: 'o200k_base' });
  });
});

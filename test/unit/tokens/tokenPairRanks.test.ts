import { strict as assert } from 'node:assert';
import { createRequire } from 'node:module';
import { Tiktoken, type TiktokenBPE } from 'js-tiktoken/lite';
import { TokenPairRanks } from '../../../src/core/tokens/tokenPairRanks';

// js-tiktoken's package exports (ranks/*) are invisible to this tsconfig's node10 resolution; require them untyped.
const ranksOf = (encoding: string) => createRequire(__filename)(`js-tiktoken/ranks/${encoding}`) as TiktokenBPE;

/** A compressed rank text (js-tiktoken's `bpe_ranks` format) of the given tokens, ranks from 0. */
function compressed(tokens: Uint8Array[]): string {
  return `! 0 ${tokens.map((bytes) => Buffer.from(bytes).toString('base64')).join(' ')}`;
}

const everyByte = Array.from({ length: 256 }, (_, byte) => Uint8Array.of(byte));

describe('TokenPairRanks from compressed rank text (what the shared tokenizer loads)', () => {
  for (const encoding of ['o200k_base', 'cl100k_base']) {
    it(`${encoding}: the same token for every rank as js-tiktoken's own table`, async function () {
      this.timeout(60_000);
      const ranks = ranksOf(encoding);
      const reference = (new Tiktoken(ranks) as unknown as { textMap: Map<number, Uint8Array> }).textMap;
      const ours = await TokenPairRanks.fromCompressedRanks(ranks.bpe_ranks);
      const fromTable = await TokenPairRanks.build({ textMap: reference });
      assert.equal(ours.maxTokenBytes, fromTable.maxTokenBytes);
      assert.deepEqual([...ours.byteRanks], [...fromTable.byteRanks]);
      for (const [rank, bytes] of reference) assert.equal(ours.rankOf(bytes), rank, `rank ${rank}`);
      // Pairs, through the index of concatenations: every adjacent pair of a few thousand ranks.
      const someRanks = [...reference.keys()].filter((rank) => rank % 97 === 0);
      for (let i = 1; i < someRanks.length; i++)
        assert.equal(ours.pairRank(someRanks[i - 1], someRanks[i]), fromTable.pairRank(someRanks[i - 1], someRanks[i]));
      assert.equal(ours.rankOf(Uint8Array.of(0xff, 0xfe, 0xfd, 0xfc, 0xfb)), -1);
    });
  }

  it('reads tokens of every padding length and yields to the event loop while it builds', async () => {
    const tokens = [...everyByte, Uint8Array.of(104, 105), Uint8Array.of(104, 105, 33), Uint8Array.of(1, 2, 3, 4)];
    let ticks = 0;
    const timer = setInterval(() => ticks++, 0);
    const ranks = await TokenPairRanks.fromCompressedRanks(`${compressed(tokens)}\n${compressed([]).replace('! 0 ', '! 300 ')}`);
    clearInterval(timer);
    tokens.forEach((bytes, rank) => assert.equal(ranks.rankOf(bytes), rank));
    assert.equal(ranks.maxTokenBytes, 4);
    // 8,192 tokens per slice: a table this small finishes in one slice, a real one (200k tokens) yields ~50 times.
    const big = Array.from({ length: 20_000 }, (_, i) => Uint8Array.of(i & 0xff, i >> 8, 7));
    const start = ticks;
    const timer2 = setInterval(() => ticks++, 0);
    await TokenPairRanks.fromCompressedRanks(compressed([...everyByte, ...big]));
    clearInterval(timer2);
    assert.ok(ticks > start, 'the event loop ran while the table was built');
  });

  it('refuses a corrupt table with what is wrong, never a wrong rank', async () => {
    await assert.rejects(
      TokenPairRanks.fromCompressedRanks(`${compressed(everyByte)} ab$=`),
      /"\$" is not base64: the rank table is corrupt/,
    );
    await assert.rejects(TokenPairRanks.fromCompressedRanks(`${compressed(everyByte)} abc`), /base64 "abc" is malformed/);
    await assert.rejects(TokenPairRanks.fromCompressedRanks(`${compressed(everyByte)} QQ==`), /Ranks 65 and 256 are the same bytes/);
    await assert.rejects(TokenPairRanks.fromCompressedRanks(compressed(everyByte.slice(1))), /Byte 0 has no rank/);
    await assert.rejects(TokenPairRanks.fromCompressedRanks(`${compressed(everyByte)}\n! 3 aGk=`), /Rank 3 appears twice/);
  });
});

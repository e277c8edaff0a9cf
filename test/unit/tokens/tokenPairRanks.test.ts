import { strict as assert } from 'node:assert';
import { Tiktoken } from 'js-tiktoken/lite';
import { TokenPairRanks } from '../../../src/core/tokens/tokenPairRanks';
import { jsTiktokenRanks } from './referenceEncoders';

/** A compressed rank text (js-tiktoken's `bpe_ranks` format) of the given tokens, ranks from 0. */
function compressed(tokens: Uint8Array[]): string {
  return `! 0 ${tokens.map((bytes) => Buffer.from(bytes).toString('base64')).join(' ')}`;
}

const everyByte = Array.from({ length: 256 }, (_, byte) => Uint8Array.of(byte));

/** js-tiktoken's own answers, straight from its `textMap` (rank → bytes): the reference the index must agree with. */
function referenceLookups(textMap: Map<number, Uint8Array>) {
  const byBytes = new Map<string, number>();
  for (const [rank, bytes] of textMap) byBytes.set(Buffer.from(bytes).toString('latin1'), rank);
  const rankOf = (bytes: Uint8Array) => byBytes.get(Buffer.from(bytes).toString('latin1')) ?? -1;
  return {
    maxTokenBytes: [...textMap.values()].reduce((longest, bytes) => Math.max(longest, bytes.length), 0),
    byteRanks: everyByte.map(rankOf),
    pairRank: (left: number, right: number) => rankOf(Buffer.concat([textMap.get(left)!, textMap.get(right)!])),
  };
}

describe('TokenPairRanks from compressed rank text (what the shared tokenizer loads)', () => {
  for (const encoding of ['o200k_base', 'cl100k_base'] as const) {
    it(`${encoding}: the same token for every rank as js-tiktoken's own table`, async function () {
      this.timeout(60_000);
      const ranks = jsTiktokenRanks(encoding);
      const textMap = (new Tiktoken(ranks) as unknown as { textMap: Map<number, Uint8Array> }).textMap;
      const reference = referenceLookups(textMap);
      const ours = await TokenPairRanks.fromCompressedRanks(ranks.bpe_ranks);
      assert.equal(ours.maxTokenBytes, reference.maxTokenBytes);
      assert.deepEqual([...ours.byteRanks], reference.byteRanks);
      for (const [rank, bytes] of textMap) assert.equal(ours.rankOf(bytes), rank, `rank ${rank}`);
      // Pairs, through the index of concatenations: every adjacent pair of a few thousand ranks, and pairs known to
      // merge (each token of 2-4 bytes split at every point), so both answers (-1 and a rank) are exercised.
      const someRanks = [...textMap.keys()].filter((rank) => rank % 97 === 0);
      for (let i = 1; i < someRanks.length; i++)
        assert.equal(ours.pairRank(someRanks[i - 1], someRanks[i]), reference.pairRank(someRanks[i - 1], someRanks[i]));
      let merging = 0;
      for (const [rank, bytes] of textMap) {
        if (bytes.length < 2 || bytes.length > 4 || rank % 7 !== 0) continue;
        for (let cut = 1; cut < bytes.length; cut++) {
          const left = ours.rankOf(bytes.subarray(0, cut));
          const right = ours.rankOf(bytes.subarray(cut));
          if (left < 0 || right < 0) continue;
          assert.equal(ours.pairRank(left, right), rank, `rank ${rank} cut at ${cut}`);
          merging++;
        }
      }
      assert.ok(merging > 1000, `only ${merging} merging pairs checked`);
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

import { strict as assert } from 'node:assert';
import fc from 'fast-check';
import { CALL_CSV_HEADER, callRecordsCsv, csvField, toCsv } from '../../../src/core/cost/spendCsv';
import { callRecord } from './spendRecords';

/** A small RFC 4180 reader, only to check that what we write reads back as the same fields. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      row.push(field);
      field = '';
    } else if (c === '\r' && text[i + 1] === '\n') {
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
      i++;
    } else field += c;
  }
  return rows;
}

describe('spend CSV', () => {
  it('quotes commas, quotes and line breaks', () => {
    assert.equal(csvField('a,b'), '"a,b"');
    assert.equal(csvField('say "hi"'), '"say ""hi"""');
    assert.equal(csvField('two\nlines'), '"two\nlines"');
    assert.equal(csvField('plain'), 'plain');
    assert.equal(csvField(null), '');
    assert.equal(csvField(-1.5), '-1.5');
  });

  it('defuses text a spreadsheet would run as a formula', () => {
    assert.equal(csvField('=HYPERLINK("x")'), `"'=HYPERLINK(""x"")"`);
    assert.equal(csvField('@SUM(A1)'), `'@SUM(A1)`);
  });

  it('round-trips any text through a CSV reader (property)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.array(fc.string({ unit: 'grapheme-ascii' }), { minLength: 1, maxLength: 4 }), { minLength: 1, maxLength: 5 }),
        (rows) => {
          const safe = rows.map((r) => r.map((s) => s.replace(/^[=+\-@\t\r]+/, '')));
          assert.deepEqual(parseCsv(toCsv(safe)), safe);
        },
      ),
    );
  });

  it('writes one row per call; unknown cost is empty with price_known=false', () => {
    const csv = callRecordsCsv([
      callRecord({ costUsd: 0.0004, model: 'gpt-4o-mini' }),
      callRecord({ costUsd: null, provider: 'ollama', model: 'llama3.1:8b', errorKind: 'timeout', outcome: 'error' }),
    ]);
    const [header, first, second]: string[][] = parseCsv(csv);
    assert.deepEqual(header, [...CALL_CSV_HEADER]);
    const col = (name: string) => (header as string[]).indexOf(name);
    assert.equal(first[col('cost_usd')], '0.0004');
    assert.equal(first[col('price_known')], 'true');
    assert.equal(second[col('cost_usd')], '');
    assert.equal(second[col('price_known')], 'false');
    assert.equal(second[col('model')], 'llama3.1:8b');
    assert.equal(second[col('error_kind')], 'timeout');
  });
});

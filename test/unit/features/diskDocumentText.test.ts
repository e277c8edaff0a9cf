import * as assert from 'node:assert/strict';
import { diskDocumentText, MAX_DISK_COUNT_BYTES } from '../../../src/features/tokens/diskDocumentText';

const bytes = (text: string) => new TextEncoder().encode(text);

/** A file's text is counted before its document comes only when it is surely the document's text (#16 item 10). */
describe('diskDocumentText: the text VS Code will give a file read from disk, or undefined', () => {
  it('keeps plain UTF-8 text as it is, with \\n or \\r\\n line endings, or none', () => {
    for (const text of ['', 'one line', '# Task\nSummarize.\n', '# Task\r\nSummarize.\r\n', 'héllo 世界 🙂\n'])
      assert.equal(diskDocumentText(bytes(text)), text);
  });

  it('leaves out a UTF-8 BOM, as VS Code does', () => {
    assert.equal(diskDocumentText(new Uint8Array([0xef, 0xbb, 0xbf, ...bytes('# Task\n')])), '# Task\n');
  });

  it('refuses mixed line endings and lone \\r (VS Code normalizes those)', () => {
    assert.equal(diskDocumentText(bytes('a\r\nb\nc')), undefined);
    assert.equal(diskDocumentText(bytes('a\nb\r\n')), undefined);
    assert.equal(diskDocumentText(bytes('a\rb')), undefined);
    assert.equal(diskDocumentText(bytes('a\r')), undefined);
    assert.equal(diskDocumentText(bytes('\nb\r\n')), undefined);
  });

  it('refuses what VS Code decodes otherwise: UTF-16 BOMs, invalid UTF-8, NUL bytes, unusual line terminators', () => {
    assert.equal(diskDocumentText(new Uint8Array([0xff, 0xfe, 0x61, 0x00])), undefined);
    assert.equal(diskDocumentText(new Uint8Array([0xfe, 0xff, 0x00, 0x61])), undefined);
    assert.equal(diskDocumentText(new Uint8Array([0x61, 0xe9, 0x62])), undefined); // Latin-1 é
    assert.equal(diskDocumentText(bytes('a\0b')), undefined);
    assert.equal(diskDocumentText(bytes('a\u2028b')), undefined);
  });

  it('refuses files larger than the read-ahead limit', () => {
    assert.equal(diskDocumentText(new Uint8Array(MAX_DISK_COUNT_BYTES + 1).fill(0x61)), undefined);
    assert.equal(diskDocumentText(new Uint8Array(1000).fill(0x61))?.length, 1000);
  });
});

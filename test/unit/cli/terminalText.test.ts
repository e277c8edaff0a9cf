import assert from 'node:assert/strict';
import { stripTerminalControls, TerminalSanitizer } from '../../../src/cli/terminalText';

describe('terminal control sequences are stripped from model text', () => {
  const attacks: Array<[string, string]> = [
    ['OSC 52 clipboard write (BEL)', '\x1b]52;c;ZWNobyBwd25lZA==\x07'],
    ['OSC 52 clipboard write (ST)', '\x1b]52;c;ZWNobyBwd25lZA==\x1b\\'],
    ['window title', '\x1b]0;sudo rm -rf ~\x07'],
    ['hyperlink', '\x1b]8;;https://evil.example\x1b\\'],
    ['clear screen and home', '\x1b[2J\x1b[H'],
    ['cursor up and erase line', '\x1b[1A\x1b[2K'],
    ['hidden text attribute', '\x1b[8m'],
    ['terminal reset', '\x1bc'],
    ['DCS', '\x1bP+q544e\x1b\\'],
    ['C1 CSI', '\u009b2J'],
    ['C1 OSC', '\u009d0;title\u0007'],
    ['backspace overwrite', '\b\b\b'],
    ['carriage return overwrite', '\r'],
    ['bell', '\x07'],
    ['charset switch', '\x1b(0'],
  ];
  for (const [name, sequence] of attacks) {
    it(`${name}: removed, the text around it kept`, () => {
      assert.equal(stripTerminalControls(`before ${sequence}after`), 'before after');
    });
  }

  it('keeps text, tabs, newlines and non-ASCII as they are', () => {
    const text = 'Line 1\n\tindented — ünïcode ✓ 漢字 🙂\nLine 3';
    assert.equal(stripTerminalControls(text), text);
  });

  it('a sequence split across stream chunks is removed whole', () => {
    const full = 'Hi \x1b]52;c;QUJD\x07there \x1b[2Jfriend';
    for (let cut = 1; cut < full.length; cut++) {
      const s = new TerminalSanitizer();
      assert.equal(s.push(full.slice(0, cut)) + s.push(full.slice(cut)), 'Hi there friend', `cut at ${cut}`);
    }
  });

  it('an unterminated string does not swallow the rest of a long answer', () => {
    const out = stripTerminalControls(`\x1b]0;${'x'.repeat(5000)} the end`);
    assert.ok(out.endsWith(' the end'));
  });
});

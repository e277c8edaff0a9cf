/**
 * Model text written to a terminal must not drive the terminal: an answer can carry escape sequences that set the
 * clipboard (OSC 52), retitle the window, clear the screen, move the cursor or hide text. This strips every escape
 * and control sequence (ESC and C1 introduced: CSI, OSC, DCS, SOS, PM, APC, two-byte escapes) and every control
 * character except tab and newline, streaming: a sequence split across chunks is removed whole. `--raw` skips it.
 */
export class TerminalSanitizer {
  private state: 'text' | 'esc' | 'escIntermediate' | 'csi' | 'string' | 'stringEsc' = 'text';
  private stringLength = 0;

  push(chunk: string): string {
    let out = '';
    for (const ch of chunk) {
      const c = ch.codePointAt(0)!;
      switch (this.state) {
        case 'text':
          if (c === 0x1b) this.state = 'esc';
          else if (c === 0x9b) this.state = 'csi';
          else if (c === 0x90 || c === 0x98 || c === 0x9d || c === 0x9e || c === 0x9f) this.startString();
          else if (c === 0x09 || c === 0x0a || !(c < 0x20 || c === 0x7f || (c >= 0x80 && c <= 0x9f))) out += ch;
          break;
        case 'esc':
          if (c === 0x5b) this.state = 'csi';
          else if (c === 0x5d || c === 0x50 || c === 0x58 || c === 0x5e || c === 0x5f) this.startString();
          else if (c >= 0x20 && c <= 0x2f) this.state = 'escIntermediate';
          else this.state = 'text'; // a two-character escape (ESC c resets the terminal): both dropped
          break;
        case 'escIntermediate':
          if (!(c >= 0x20 && c <= 0x2f)) this.state = 'text';
          break;
        case 'csi':
          // Parameters and intermediates go on; a final byte (or anything unexpected) ends the sequence.
          if (!(c >= 0x20 && c <= 0x3f)) this.state = 'text';
          break;
        case 'string':
        case 'stringEsc':
          this.stringLength += 1;
          if (c === 0x07 || c === 0x9c || (this.state === 'stringEsc' && c === 0x5c)) this.state = 'text';
          else if (this.stringLength > 4096) {
            // An unterminated string must not swallow the rest of the answer: give the text back from here.
            this.state = 'text';
            out += this.push(ch);
          } else this.state = c === 0x1b ? 'stringEsc' : 'string';
          break;
      }
    }
    return out;
  }

  private startString(): void {
    this.state = 'string';
    this.stringLength = 0;
  }
}

/** `TerminalSanitizer` over a whole text (error messages, table cells). */
export function stripTerminalControls(text: string): string {
  return new TerminalSanitizer().push(text);
}

/**
 * Alphabets of the character classes the pre-tokenizer keeps together in one piece (and mixes of them): what the
 * long-run suites build their runs from. Each suite adds what only it needs (lone surrogates where js-tiktoken is
 * the reference; the WASM tiktoken replaces them before encoding).
 */
export const RUN_CLASSES: Record<string, string[]> = {
  letters: [...'abcdefghijklmnopqrstuvwxyz'],
  mixedCase: [...'aAbBcCdDxXyYzZéÉ'],
  oneLetter: ['x'],
  digits: [...'0123456789'],
  punctuation: [...'=-_*#~.,;:!?()[]{}<>/\\|+&^%$@`"'],
  spaces: [' ', ' ', ' ', '\t', '\u00a0', '\u3000'],
  cjk: [...'的一是不了人我在有他这为之大来以个中上们退款日本語한국어'],
  emoji: ['😀', '🎉', '👍🏽', '🧑‍💻', '❤️', '🇫🇷'],
  marks: ['e\u0301', 'a\u0308', '\u0301', 'n\u0303'],
  base64: [...'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/'],
  mixed: [..."aZ9 =\t中😀é\u0301\n's"],
};

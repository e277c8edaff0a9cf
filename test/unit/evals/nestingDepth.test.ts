/**
 * yamlSource.ts's `nestingDepth` (the pre-parse guard against files nested deeper than MAX_NESTING) reads character
 * codes; the first version, kept here as the oracle, sliced every line and matched it with regular expressions. On
 * every YAML/JSON file under test/ and examples/, on probing shapes and on random YAML-ish text, both must give the
 * same depth and offset. The oracle threw on a line holding `\r` (every line of a Windows file); the new one reads a
 * `\r\n` file as its `\n` copy.
 */
import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, yamlFiles } from './repoYamlFiles';
import { MAX_NESTING, nestingDepth, YamlSource } from '../../../src/core/evals/yamlSource';

/** The first version, verbatim. */
function oracle(text: string): { depth: number; offset: number } {
  let max = { depth: 0, offset: 0 };
  let flow = 0;
  const indents: number[] = [];
  let lineStart = 0;
  for (let i = 0; i <= text.length; i++) {
    const c = text[i];
    if (c === '\n' || i === text.length) {
      const line = text.slice(lineStart, i);
      const blockDepth = oracleBlockLevels(line, indents);
      const depth = blockDepth + flow;
      if (depth > max.depth) max = { depth, offset: lineStart };
      lineStart = i + 1;
      continue;
    }
    if (c === '[' || c === '{') {
      flow++;
      if (flow + indents.length > max.depth) max = { depth: flow + indents.length, offset: i };
    } else if ((c === ']' || c === '}') && flow > 0) flow--;
    else if (c === '"' || c === "'") {
      const end = text.indexOf(c, i + 1);
      const newline = text.indexOf('\n', i + 1);
      if (end > 0 && (newline < 0 || end < newline)) i = end;
    } else if (c === '#' && (i === lineStart || /\s/.test(text[i - 1]))) {
      const newline = text.indexOf('\n', i);
      i = (newline < 0 ? text.length : newline) - 1;
    }
  }
  return max;
}

function oracleBlockLevels(line: string, indents: number[]): number {
  const content = /^(\s*)(.*)$/.exec(line)!;
  if (content[2] === '' || content[2].startsWith('#')) return indents.length;
  const indent = content[1].length;
  while (indents.length > 0 && indents[indents.length - 1] >= indent) indents.pop();
  indents.push(indent);
  const dashes = /^(-\s+)+/.exec(content[2])?.[0].match(/-/g)?.length ?? 0;
  return indents.length + dashes;
}

/** The oracle's answer, or undefined where it threw (a line with `\r`, `\u2028` or `\u2029` after its indentation). */
function oracleOrThrow(text: string): { depth: number; offset: number } | undefined {
  try {
    return oracle(text);
  } catch {
    return undefined;
  }
}

const SHAPES = [
  '',
  '\n\n',
  'a: 1',
  '- - - x\n  - y\n- z',
  '-  -x\n- -\n-\n- ',
  'a:\n  b:\n    c: [1, [2, {d: [3]}]]\n  e: "[not {flow"\n  f: \'[nor this\'\n',
  'a: "unclosed [\nb: [1,\n  2]\n',
  '# comment [[[[\nx: 1 # trailing {{{\ny: a#b[c\n\t- tab\n',
  '\u00a0\u3000a: 1\n \ufeffb:\n  - c',
  'k: v\u2028w\n',
  'a:\n' + '  '.repeat(1) + 'b:\n' + Array.from({ length: 70 }, (_, i) => `${'  '.repeat(i + 2)}k${i}:`).join('\n'),
  '['.repeat(80) + ']'.repeat(80),
];

function randomText(seed: number): string {
  let s = seed;
  const next = () => ((s = (Math.imul(s, 1103515245) + 12345) >>> 0) >>> 8) / (1 << 24);
  const pieces = ['- ', '-', ' ', '  ', '\t', 'a', 'key: ', '[', ']', '{', '}', '"', "'", '#', '\n', '\n', '\n', ', ', '\u00a0', 'x'];
  let out = '';
  const n = Math.floor(next() * 200);
  for (let i = 0; i < n; i++) out += pieces[Math.floor(next() * pieces.length)];
  return out;
}

describe('nestingDepth', () => {
  it('gives the first version’s depth and offset on every YAML and JSON file under test/ and examples/', () => {
    const files = [...yamlFiles(join(ROOT, 'test')), ...yamlFiles(join(ROOT, 'examples'))];
    assert.ok(files.length > 100, `${files.length} files`);
    let compared = 0;
    for (const file of files) {
      const text = readFileSync(file, 'utf8');
      const expected = oracleOrThrow(text);
      if (expected === undefined) continue;
      assert.deepEqual(nestingDepth(text), expected, file);
      compared++;
    }
    assert.ok(compared > 100, `${compared} compared`);
  });

  it('gives the first version’s answer on probing shapes and 3,000 random texts', () => {
    for (const text of [...SHAPES, ...Array.from({ length: 3000 }, (_, i) => randomText(i + 1))]) {
      const expected = oracleOrThrow(text);
      if (expected !== undefined) assert.deepEqual(nestingDepth(text), expected, JSON.stringify(text));
    }
  });

  it('reads a \\r\\n file as its \\n copy (the first version threw on every such line)', () => {
    const files = [...yamlFiles(join(ROOT, 'test')), ...yamlFiles(join(ROOT, 'examples'))].slice(0, 200);
    for (const text of [...SHAPES, ...files.map((f) => readFileSync(f, 'utf8'))]) {
      if (text.includes('\r')) continue;
      const crlf = text.replace(/\n/g, '\r\n');
      assert.equal(oracleOrThrow(crlf) === undefined, /[^\s]\r/.test(crlf), 'the oracle throws exactly on lines with content');
      const lf = nestingDepth(text);
      const got = nestingDepth(crlf);
      assert.equal(got.depth, lf.depth, JSON.stringify(text.slice(0, 80)));
      // The same place: the same line, and the same column.
      const line = (t: string, at: number) => t.slice(0, at).split('\n').length;
      assert.equal(line(crlf, got.offset), line(text, lf.offset));
      const column = (t: string, at: number) => (at === 0 ? 0 : at - (t.lastIndexOf('\n', at - 1) + 1));
      assert.equal(column(crlf, got.offset), column(text, lf.offset));
    }
  });

  it('a Windows (\\r\\n) eval file parses to the same tests as its \\n copy; one nested too deep is still refused', () => {
    const lf =
      'description: x\nprompts: ["hi {{a}}"]\nproviders: [openai:gpt-4o-mini]\ntests:\n  - vars: {a: 1}\n    assert:\n      - type: equals\n        value: hi 1\n';
    const crlf = lf.replace(/\n/g, '\r\n');
    const a = new YamlSource('lf.yaml', lf);
    const b = new YamlSource('crlf.yaml', crlf);
    assert.deepEqual(b.diagnostics, []);
    assert.deepEqual(b.toData(), a.toData());
    assert.deepEqual(b.rangeAt(['tests', 0, 'assert', 0]), a.rangeAt(['tests', 0, 'assert', 0]));
    const deep = `a:\r\n${Array.from({ length: MAX_NESTING + 2 }, (_, i) => `${'  '.repeat(i + 1)}k${i}:`).join('\r\n')} 1\r\n`;
    const refused = new YamlSource('deep.yaml', deep);
    assert.match(refused.diagnostics[0]?.message ?? '', /nests deeper than 64 levels/);
  });
});

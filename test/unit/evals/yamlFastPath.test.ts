/**
 * The fast YAML path (js-yaml's events, core/evals/yamlFastPath.ts) against the `yaml` document it stands in for: on
 * every YAML file under test/ and on shapes written to probe each rule, a file it takes must give the same values as
 * the document's `toJS` and, for every path into the data, the same range as the document's node, and the document
 * must hold no error or warning; where it answers "inexact" the document is asked, so only exact answers are compared.
 * (JSON files too: an eval file may be JSON, which YAML reads.)
 */
import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, yamlFiles } from './repoYamlFiles';
import { isMap, isScalar, isSeq, parseDocument, type Document, type Node } from 'yaml';
import { fastParse, positionAt } from '../../../src/core/evals/yamlFastPath';
import { YamlSource } from '../../../src/core/evals/yamlSource';

function document(text: string): Document.Parsed {
  return parseDocument(text, { prettyErrors: false, uniqueKeys: true, strict: true, logLevel: 'error' });
}

/** yamlSource's `nodeAt` and `rangeOf` on the document: [start, end] offsets, trailing whitespace dropped. */
function documentRange(doc: Document.Parsed, text: string, path: (string | number)[]): [number, number] | undefined {
  let node: unknown = doc.contents;
  for (const segment of path) {
    if (isMap(node)) node = node.items.find((p) => isScalar(p.key) && String(p.key.value) === String(segment))?.value ?? undefined;
    else if (isSeq(node) && typeof segment === 'number') node = node.items[segment];
    else return undefined;
    if (node === undefined || node === null) return undefined;
  }
  const range = (node as Node).range;
  if (!range) return undefined;
  let end = range[1];
  while (end > range[0] && /\s/.test(text[end - 1])) end--;
  return [range[0], end];
}

function paths(value: unknown, prefix: (string | number)[] = [], out: (string | number)[][] = []): (string | number)[][] {
  out.push(prefix);
  if (Array.isArray(value)) value.forEach((v, i) => paths(v, [...prefix, i], out));
  else if (value !== null && typeof value === 'object') for (const [k, v] of Object.entries(value)) paths(v, [...prefix, k], out);
  return out;
}

/** Checks one text; returns whether the fast path took it and how many ranges were compared. */
function compare(text: string, label: string): { fast: boolean; exact: number; inexact: number } {
  const fast = fastParse(text);
  if (!fast) return { fast: false, exact: 0, inexact: 0 };
  const doc = document(text);
  assert.deepEqual(
    [...doc.errors, ...doc.warnings].map((e) => e.message),
    [],
    `${label}: the fast path took a file the yaml document reports problems in`,
  );
  assert.deepStrictEqual(fast.data, doc.toJS({ maxAliasCount: 1000 }), `${label}: values differ`);
  let exact = 0;
  let inexact = 0;
  for (const path of paths(fast.data)) {
    const node = positionAt(fast.root, path);
    assert.ok(node, `${label}: no position for ${JSON.stringify(path)}`);
    if (!node.exact) {
      inexact++;
      continue;
    }
    exact++;
    assert.deepEqual([node.start, node.end], documentRange(doc, text, path), `${label}: range of ${JSON.stringify(path)}`);
  }
  return { fast: true, exact, inexact };
}

const SHAPES: Record<string, string> = {
  'flow maps in block lists':
    'tests:\n  - vars: { a: 1, b: "x" }\n    assert:\n      - { type: equals, value: x }\n      - { type: latency, threshold: 5 }\n',
  'same-line comments': 'a: 1 # one\nb:\n  - x   # after x\n  - { k: v }  # after map\nc: [1, 2] # list\n',
  'comment lines between and after items': 'tests:\n  # first\n  - a: 1\n    # inside\n    b: 2\n  # between\n  - a: 3\n# at the end\n',
  'block scalars':
    'prompts:\n  - |\n    Line one\n    Line two\n\n  - >-\n    folded\n    text\n  - |2\n     indented\nafter: |+\n  keep\n\n',
  'block scalar with blank first lines': 'p: |\n\n\n  text\nq: 1\n',
  'block scalar header comment': 'p: | # why\n  text\n',
  'empty values': 'a:\nb: ~\nc: null\nd: ""\ne: []\nf: {}\ng:\n  - \n  - x\n',
  'multi-line flow collections': 'a: [\n  1,\n  2, # two\n]\nb: {\n  x: 1,\n  y: [a, b]\n}\n',
  'multi-line plain and quoted scalars': "a: one\n  two\n  three\nb: \"one\n  two\"\nc: 'it''s\n  x'\n",
  escapes: "a: \"tab\\there \\u00e9 \\x41 \\\\ \\\" \\/ \\0\"\nb: 'single ''q'''\n",
  'numbers and words':
    'a: 012\nb: 0o17\nc: 0x1F\nd: 1e3\ne: .inf\nf: -.Inf\ng: .NaN\nh: yes\ni: "1"\nj: 1_000\nk: 0b10\nl: -0\nm: 2024-01-01\n',
  'overflowing float': 'a: 1e400\n',
  'keys of every quoting': '"a b": 1\n\'c\': 2\nplain key: 3\n__proto__: 4\n',
  'numeric key': '1: one\n',
  'null key': '~: x\n',
  'collection key': '[a]: 1\n',
  'explicit key': '? a\n: 1\n',
  anchors: 'a: &x 1\nb: *x\n',
  tags: 'a: !!str 1\n',
  'merge key': 'base: &b {x: 1}\nc:\n  <<: *b\n',
  'duplicate key': 'a: 1\na: 2\n',
  'syntax error': 'a: [1, 2\n',
  'two documents': 'a: 1\n---\nb: 2\n',
  'a scalar document': 'just text\n',
  'an empty file': '',
  'only comments': '# nothing\n',
  crlf: 'a: 1\r\nb:\r\n  - x\r\n  - |\r\n    y\r\n',
  'nested block sequences': 'a:\n- - 1\n  - 2\n- - 3\n',
  'compact sequence in map': 'a:\n- x\n- y\nb: 1\n',
  'unicode text': 'a: "naïve — ✓"\nb: emoji 🎉 here\n',
  'trailing spaces': 'a: x   \nb:   \n  - y   \n',
};

describe('YAML fast path (js-yaml events) against the yaml document', () => {
  for (const [name, text] of Object.entries(SHAPES)) {
    it(`shape: ${name}`, () => {
      compare(text, name);
    });
  }

  it('refuses what the readers may read differently', () => {
    for (const name of [
      'overflowing float',
      'numeric key',
      'null key',
      'collection key',
      'anchors',
      'tags',
      'merge key',
      'duplicate key',
      'syntax error',
      'two documents',
      'an empty file',
      'only comments',
    ])
      assert.equal(fastParse(SHAPES[name]), undefined, name);
  });

  it('the bench file is fast and every range exact', () => {
    const lines = ['prompts: ["Ticket {{n}}"]', 'providers: [openai:gpt-4o-mini]', 'tests:'];
    for (let i = 0; i < 20; i++)
      lines.push(
        `  - description: case ${i}`,
        `    vars: { n: ${i}, ticket: "ticket ${i}" }`,
        '    assert:',
        `      - { type: regex, value: "\\"label\\":\\\\s*\\"x\\"" }`,
        '      - { type: latency, threshold: 5000 }',
      );
    const r = compare(lines.join('\n'), 'bench');
    assert.equal(r.fast, true);
    assert.equal(r.inexact, 0);
  });

  it('every YAML and JSON file under test/ and examples/: same values, same ranges', function () {
    this.timeout(120_000);
    const files = [...yamlFiles(join(ROOT, 'test')), ...yamlFiles(join(ROOT, 'examples'))];
    assert.ok(files.length > 100, `only ${files.length} YAML files found`);
    let taken = 0;
    let exact = 0;
    for (const file of files) {
      const r = compare(readFileSync(file, 'utf8'), file);
      if (r.fast) taken++;
      exact += r.exact;
    }
    // Most real files have comments and block scalars; the point is that what is taken is exact.
    assert.ok(taken > files.length / 4, `the fast path took ${taken} of ${files.length} files`);
    assert.ok(exact > 1000);
  });

  it('YamlSource answers inexact ranges from the yaml document', () => {
    const text = 'tests:\n  - a: 1\n    # inside\n  - a:\n';
    const source = new YamlSource('f.yaml', text);
    const doc = document(text);
    for (const path of [['tests', 0], ['tests', 1], ['tests', 1, 'a'], ['tests']]) {
      const range = documentRange(doc, text, path)!;
      assert.deepEqual(source.rangeAt(path), source.rangeOfOffsets(range[0], range[1]), JSON.stringify(path));
    }
  });
});

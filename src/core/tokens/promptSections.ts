import { isMap, isScalar, LineCounter, parseDocument, type Document } from 'yaml';
import { BUCKETS, type Bucket } from './budget';
import { normalizeModelRef } from './modelName';

export type { Bucket } from './budget';

export interface PromptFrontMatter {
  /** Target model as a `provider:model` reference (bare ids and display names are normalized). */
  model?: string;
  /** 0-based file line of `model:` (for a Warning there when the model is deprecated). */
  modelLine?: number;
  /** Token limits per bucket (`budget:` in the front matter). */
  budget?: Partial<Record<Bucket, number>>;
  /** Tokens reserved for the answer: `outputReserve`, else `max_tokens` (.prompty `model.parameters`), else `budget.output`. */
  outputReserve?: number;
}

export interface PromptSection {
  /** The heading's text (`System`, `Retrieved context`...); '' for the text before the first heading. */
  heading: string;
  bucket?: Bucket;
  /** 0-based line of the heading (of the section's first line for the text before the first heading). */
  line: number;
  startOffset: number;
  /** Start of the next section, or the end of the text. */
  endOffset: number;
  /** End of the heading line (before its line break); equals startOffset when there is no heading. */
  headingEndOffset: number;
}

export interface PromptFile {
  frontMatter: PromptFrontMatter;
  /** The first problem in the front matter, at its 0-based line in the file. Other fields are still read. */
  frontMatterError?: { line: number; message: string };
  /** Offset where the prompt starts (after the front matter); sections cover the text from here on. */
  bodyStart: number;
  sections: PromptSection[];
}

/** Heading words for each bucket (matched case-insensitively, on the whole heading or on its part before `:`/`(`/` - `). */
const BUCKET_SYNONYMS: Record<Exclude<Bucket, 'output'>, string[]> = {
  system: [
    'system',
    'system prompt',
    'system message',
    'system instructions',
    'instructions',
    'instruction',
    'developer',
    'developer message',
    'rules',
    'role',
    'persona',
    'guidelines',
    'examples',
    'example',
    'few-shot examples',
    'few shot examples',
    'output format',
    'format',
    'response format',
  ],
  context: [
    'context',
    'retrieved context',
    'retrieval',
    'rag',
    'documents',
    'document',
    'docs',
    'knowledge',
    'reference',
    'references',
    'sources',
    'background',
    'data',
    'retrieved documents',
    'context documents',
  ],
  history: ['history', 'conversation', 'conversation history', 'chat history', 'messages', 'dialogue', 'dialog', 'transcript', 'assistant'],
  user: ['user', 'user message', 'user prompt', 'user input', 'question', 'query', 'input', 'request', 'task', 'prompt'],
};

const HEADING_TO_BUCKET = new Map<string, Bucket>(
  Object.entries(BUCKET_SYNONYMS).flatMap(([bucket, words]) => words.map((word) => [word, bucket as Bucket] as const)),
);

/**
 * The budget bucket a heading belongs to: `# System` / `## Instructions` -> system, `# Context` / `# Documents` /
 * `# Retrieved context` -> context, `# History` / `# Conversation` -> history, `# User` / `# Question` / `# Input` -> user,
 * `# Examples` -> system (few-shot examples are part of the fixed instructions). Headings are never the output bucket:
 * an `# Output format` section is instructions; the output reserve comes from the front matter.
 */
export function bucketForHeading(heading: string): Bucket | undefined {
  const normalized = heading
    .replace(/[*_`~]/g, '')
    .trim()
    .toLowerCase()
    .replace(/\s+/g, ' ')
    .replace(/[\s:.]+$/, '');
  const direct = HEADING_TO_BUCKET.get(normalized);
  if (direct) return direct;
  const head = normalized.split(/\s*(?::|\(|\s-\s|\s—\s)/)[0].trim();
  return HEADING_TO_BUCKET.get(head);
}

const ATX_HEADING = /^ {0,3}(#{1,6})(?:[ \t]+(.*?))?(?:[ \t]+#+)?[ \t]*$/;
const FENCE = /^ {0,3}(`{3,}|~{3,})/;
/** .prompty bodies mark roles with a line like `system:` / `user:` / `assistant:`. */
const ROLE_MARKER = /^[ \t]*(system|user|assistant)[ \t]*:[ \t]*$/i;

/**
 * Splits a prompt file (`*.prompt.md`, `*.instructions.md`, `AGENTS.md`, `.prompty`...) into front matter and
 * sections. A heading that names a bucket always starts a section; another heading starts one unless it is a
 * sub-heading (deeper level) inside a bucket section, so `## Rules` under `# System` counts toward the system bucket.
 * Headings inside fenced code blocks are code, not sections.
 */
export function parsePromptFile(text: string): PromptFile {
  const { frontMatter, frontMatterError, bodyStart } = readFrontMatter(text);
  const sections: PromptSection[] = [];
  let current: (PromptSection & { level: number }) | undefined;
  let fence: string | undefined;
  let line = countLines(text, bodyStart);
  let offset = bodyStart;

  const close = (at: number) => {
    if (current) {
      current.endOffset = at;
      const { level: _level, ...section } = current;
      sections.push(section);
    }
  };

  while (offset < text.length) {
    const newline = text.indexOf('\n', offset);
    const next = newline === -1 ? text.length : newline + 1;
    const content = text.slice(offset, newline === -1 ? text.length : newline).replace(/\r$/, '');
    const fenceMatch = FENCE.exec(content);
    if (fence) {
      if (fenceMatch && fenceMatch[1][0] === fence[0] && fenceMatch[1].length >= fence.length && content.trim() === fenceMatch[1])
        fence = undefined;
    } else if (fenceMatch) {
      fence = fenceMatch[1];
    } else {
      const heading = readHeading(content);
      if (heading) {
        const bucket = bucketForHeading(heading.text);
        const startsSection = bucket !== undefined || !current || current.bucket === undefined || heading.level <= current.level;
        if (startsSection) {
          if (!current && text.slice(bodyStart, offset).trim()) {
            sections.push({
              heading: '',
              line: countLines(text, bodyStart),
              startOffset: bodyStart,
              endOffset: offset,
              headingEndOffset: bodyStart,
            });
          }
          close(offset);
          current = {
            heading: heading.text,
            line,
            startOffset: offset,
            endOffset: text.length,
            headingEndOffset: offset + content.length,
            level: heading.level,
          };
          if (bucket) current.bucket = bucket;
        }
      }
    }
    offset = next;
    line++;
  }
  if (!current && text.slice(bodyStart).trim()) {
    sections.push({
      heading: '',
      line: countLines(text, bodyStart),
      startOffset: bodyStart,
      endOffset: text.length,
      headingEndOffset: bodyStart,
    });
  }
  close(text.length);
  const result: PromptFile = { frontMatter, bodyStart, sections };
  if (frontMatterError) result.frontMatterError = frontMatterError;
  return result;
}

function readHeading(content: string): { text: string; level: number } | undefined {
  const atx = ATX_HEADING.exec(content);
  if (atx) return { text: (atx[2] ?? '').trim(), level: atx[1].length };
  const role = ROLE_MARKER.exec(content);
  if (role) return { text: role[1].toLowerCase(), level: 1 };
  return undefined;
}

function countLines(text: string, end: number): number {
  let lines = 0;
  for (let i = text.indexOf('\n'); i !== -1 && i < end; i = text.indexOf('\n', i + 1)) lines++;
  return lines;
}

const FENCE_LINE = /^---[ \t]*\r?$/;
const END_LINE = /^(---|\.\.\.)[ \t]*\r?$/;

function readFrontMatter(text: string): {
  frontMatter: PromptFrontMatter;
  frontMatterError?: { line: number; message: string };
  bodyStart: number;
} {
  const start = text.startsWith('\uFEFF') ? 1 : 0;
  const firstEnd = text.indexOf('\n', start);
  if (firstEnd === -1 || !FENCE_LINE.test(text.slice(start, firstEnd))) return { frontMatter: {}, bodyStart: 0 };
  let offset = firstEnd + 1;
  while (offset <= text.length) {
    const newline = text.indexOf('\n', offset);
    const lineEnd = newline === -1 ? text.length : newline;
    if (END_LINE.test(text.slice(offset, lineEnd))) {
      const yamlText = text.slice(firstEnd + 1, offset);
      const bodyStart = newline === -1 ? text.length : newline + 1;
      return { ...interpretFrontMatter(yamlText), bodyStart };
    }
    if (newline === -1) break;
    offset = newline + 1;
  }
  return {
    frontMatter: {},
    frontMatterError: { line: 0, message: 'The front matter opened with --- is never closed: add a line with --- after it.' },
    bodyStart: 0,
  };
}

/** Reads the fields we use; the YAML starts on line 1 of the file, so a YAML line L (1-based) is file line L. */
function interpretFrontMatter(yamlText: string): { frontMatter: PromptFrontMatter; frontMatterError?: { line: number; message: string } } {
  const lineCounter = new LineCounter();
  const doc = parseDocument(yamlText, { lineCounter, prettyErrors: false });
  const lineAt = (range: readonly number[] | null | undefined) => (range ? lineCounter.linePos(range[0]).line : 1);
  const frontMatter: PromptFrontMatter = {};
  if (doc.errors.length > 0) {
    const error = doc.errors[0];
    return {
      frontMatter,
      frontMatterError: {
        line: lineAt(error.pos),
        message: `Front matter is not valid YAML: ${error.message.split('\n')[0].replace(/ at line \d+, column \d+:?$/, '')}`,
      },
    };
  }
  if (doc.contents === null) return { frontMatter };
  if (!isMap(doc.contents)) {
    return {
      frontMatter,
      frontMatterError: { line: 1, message: 'Front matter must be `key: value` lines (e.g. `model: openai:gpt-4o`).' },
    };
  }
  let frontMatterError: { line: number; message: string } | undefined;
  const fail = (node: unknown, message: string) => {
    frontMatterError ??= { line: lineAt((node as { range?: number[] } | undefined)?.range), message };
  };

  const model = doc.get('model', true);
  if (isScalar(model) && typeof model.value === 'string' && model.value.trim()) frontMatter.model = normalizeModelRef(model.value);
  else if (isMap(model)) {
    // .prompty: model: { configuration: { type, name | model | azure_deployment }, parameters: { max_tokens } }
    const name = firstString(doc, [
      ['model', 'configuration', 'model'],
      ['model', 'configuration', 'name'],
      ['model', 'configuration', 'azure_deployment'],
    ]);
    if (name) frontMatter.model = normalizeModelRef(name);
  } else if (model !== undefined && !(isScalar(model) && model.value === null)) {
    fail(model, '`model` must be a model name such as openai:gpt-4o.');
  }
  if (frontMatter.model !== undefined) frontMatter.modelLine = lineAt((model as { range?: number[] } | undefined)?.range);

  const budgetNode = doc.get('budget', true);
  if (isMap(budgetNode)) {
    const budget: Partial<Record<Bucket, number>> = {};
    for (const pair of budgetNode.items) {
      const key = isScalar(pair.key) ? String(pair.key.value) : String(pair.key);
      const bucket = key.toLowerCase() as Bucket;
      const value = isScalar(pair.value) ? pair.value.value : undefined;
      if (!BUCKETS.includes(bucket)) {
        fail(pair.key, `Unknown budget bucket "${key}": use ${BUCKETS.join(', ')}.`);
      } else if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
        fail(pair.value ?? pair.key, `budget.${key} must be a number of tokens (e.g. ${key}: 500).`);
      } else {
        budget[bucket] = Math.floor(value);
      }
    }
    frontMatter.budget = budget;
  } else if (budgetNode !== undefined && !(isScalar(budgetNode) && budgetNode.value === null)) {
    fail(budgetNode, '`budget` must map buckets to token limits, e.g. `budget: { system: 500, context: 2000 }`.');
  }

  for (const path of [['outputReserve'], ['output_reserve'], ['max_tokens'], ['model', 'parameters', 'max_tokens']]) {
    const node = doc.getIn(path, true);
    if (node === undefined) continue;
    const value = isScalar(node) ? node.value : undefined;
    if (typeof value === 'number' && Number.isFinite(value) && value >= 0) {
      frontMatter.outputReserve = Math.floor(value);
      break;
    }
    fail(node, `\`${path.join('.')}\` must be a number of tokens.`);
  }
  if (frontMatter.outputReserve === undefined && frontMatter.budget?.output !== undefined)
    frontMatter.outputReserve = frontMatter.budget.output;

  return frontMatterError ? { frontMatter, frontMatterError } : { frontMatter };
}

function firstString(doc: Document, paths: string[][]): string | undefined {
  for (const path of paths) {
    const value = doc.getIn(path);
    if (typeof value === 'string' && value.trim()) return value;
  }
  return undefined;
}

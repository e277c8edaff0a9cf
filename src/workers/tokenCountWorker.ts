/** Worker thread entry (`dist/workers/tokenCount.js`): holds the documents' incremental counters off the extension host thread. */
import { parentPort } from 'node:worker_threads';
import { loadTokenizer } from '../core/tokens/encodings';
import { IncrementalCounter } from '../core/tokens/incrementalCounter';
import { parsePromptFile } from '../core/tokens/promptSections';
import type { EncodingName } from '../core/models/modelInfo';
import type { DocumentCount, PromptSectionCounts, RangeCounts, WorkerReply, WorkerRequest } from './tokenCountProtocol';

interface TrackedDocument {
  version: number;
  encoding: EncodingName;
  counter: IncrementalCounter;
  /** Cached until the next change. */
  sections?: PromptSectionCounts;
}

const documents = new Map<string, TrackedDocument>();

/** What `warm` counts: a prompt file's usual parts (front matter, headed sections, prose, a list, code). */
const WARM_UP_PROMPT = [
  '---',
  'model: openai:gpt-4o-mini',
  'outputReserve: 500',
  'budget:',
  '  system: 200',
  '---',
  '## System',
  'You are a careful assistant. Answer in one short paragraph, and cite the ticket id (e.g. #4312).',
  '',
  '## User',
  '- Summarize the ticket below.',
  '```json',
  '{ "id": 4312, "title": "Login fails after update" }',
  '```',
  '',
].join('\n');

function tracked(doc: string): TrackedDocument {
  const entry = documents.get(doc);
  if (!entry) throw new Error(`document ${doc} is not open in the token worker`);
  return entry;
}

async function handle(request: WorkerRequest): Promise<DocumentCount | RangeCounts | PromptSectionCounts | null> {
  const started = performance.now();
  switch (request.kind) {
    case 'open': {
      const tokenizer = await loadTokenizer(request.encoding);
      const counter = new IncrementalCounter(tokenizer, request.text);
      const entry: TrackedDocument = { version: request.version, encoding: request.encoding, counter };
      documents.set(request.doc, entry);
      if (request.sections) entry.sections = sectionCounts(request.doc, entry);
      return {
        doc: request.doc,
        version: request.version,
        encoding: request.encoding,
        total: counter.total,
        elapsedMs: performance.now() - started,
        ...(entry.sections ? { sections: entry.sections } : {}),
      };
    }
    case 'change': {
      const entry = tracked(request.doc);
      entry.counter.applyChanges(request.changes);
      entry.version = request.version;
      entry.sections = undefined;
      return {
        doc: request.doc,
        version: entry.version,
        encoding: entry.encoding,
        total: entry.counter.total,
        elapsedMs: performance.now() - started,
      };
    }
    case 'close':
      documents.delete(request.doc);
      return null;
    case 'countRanges': {
      const entry = tracked(request.doc);
      return {
        doc: request.doc,
        version: entry.version,
        counts: request.ranges.map(([start, end]) => entry.counter.countRange(start, end)),
      };
    }
    case 'promptSections': {
      const entry = tracked(request.doc);
      entry.sections ??= sectionCounts(request.doc, entry);
      return entry.sections;
    }
    case 'warm': {
      const tokenizer = await loadTokenizer(request.encoding);
      // The first open's whole path, run once on a small prompt: the pre-tokenizer regex compiles, and the counter's
      // and the front-matter parser's code is compiled (cold, they took 60-80 ms for a 0.5 KB prompt on a loaded machine).
      sectionCounts('', { version: 0, encoding: request.encoding, counter: new IncrementalCounter(tokenizer, WARM_UP_PROMPT) });
      return null;
    }
  }
}

function sectionCounts(doc: string, entry: TrackedDocument): PromptSectionCounts {
  const parsed = parsePromptFile(entry.counter.text);
  const result: PromptSectionCounts = {
    doc,
    version: entry.version,
    total: entry.counter.total,
    frontMatter: parsed.frontMatter,
    sections: parsed.sections.map((section) => ({
      heading: section.heading,
      bucket: section.bucket,
      line: section.line,
      startOffset: section.startOffset,
      endOffset: section.endOffset,
      headingEndOffset: section.headingEndOffset,
      tokens: entry.counter.countRange(section.startOffset, section.endOffset),
    })),
  };
  if (parsed.frontMatterError) result.frontMatterError = parsed.frontMatterError;
  return result;
}

// Requests are handled one at a time, in arrival order, so a change never overtakes the open it follows.
let queue: Promise<void> = Promise.resolve();
parentPort?.on('message', (request: WorkerRequest) => {
  queue = queue.then(async () => {
    let reply: WorkerReply;
    try {
      reply = { id: request.id, ok: true, result: await handle(request) };
    } catch (error) {
      reply = { id: request.id, ok: false, error: error instanceof Error ? error.message : String(error) };
    }
    parentPort?.postMessage(reply);
  });
});

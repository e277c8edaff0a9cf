import type { EncodingName } from '../core/models/modelInfo';
import type { PromptFrontMatter, PromptSection } from '../core/tokens/promptSections';

/**
 * Messages between the extension host and the token-count worker (`dist/workers/tokenCount.js`).
 * The worker owns one incremental counter per tracked document, so loading ranks and counting large texts never
 * run on the extension host's thread. Every request carries an id; every reply answers one id.
 */

/** A VS Code content change: replace `rangeLength` characters at `rangeOffset` with `text` (applied in order). */
export interface ContentChange {
  rangeOffset: number;
  rangeLength: number;
  text: string;
}

export type WorkerRequest =
  /** `sections`: the reply carries the prompt file's sections too (one round trip for a prompt file's first number). */
  | { kind: 'open'; id: number; doc: string; version: number; encoding: EncodingName; text: string; sections?: boolean }
  | { kind: 'change'; id: number; doc: string; version: number; changes: ContentChange[] }
  | { kind: 'close'; id: number; doc: string }
  | { kind: 'countRanges'; id: number; doc: string; ranges: [start: number, end: number][] }
  | { kind: 'promptSections'; id: number; doc: string }
  /** Loads an encoding's ranks ahead of the first document, so that first count does not wait for them. */
  | { kind: 'warm'; id: number; encoding: EncodingName };

export interface DocumentCount {
  doc: string;
  version: number;
  encoding: EncodingName;
  total: number;
  /** Milliseconds the worker spent on this request (loading the tokenizer included). */
  elapsedMs: number;
  /** The prompt file's sections, when the open asked for them. */
  sections?: PromptSectionCounts;
}

export interface RangeCounts {
  doc: string;
  version: number;
  counts: number[];
}

/** A prompt-file section with its token count. */
export interface SectionCount extends PromptSection {
  tokens: number;
}

export interface PromptSectionCounts {
  doc: string;
  version: number;
  total: number;
  frontMatter: PromptFrontMatter;
  frontMatterError?: { line: number; message: string };
  sections: SectionCount[];
}

export type WorkerReply =
  { id: number; ok: true; result: DocumentCount | RangeCounts | PromptSectionCounts | null } | { id: number; ok: false; error: string };

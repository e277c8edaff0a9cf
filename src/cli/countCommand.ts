import { constants } from 'node:fs';
import { open } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { ModelCatalog } from '../core/models/catalog';
import type { EncodingName, ModelInfo, TokenizerSpec } from '../core/models/modelInfo';
import { ENCODING_NAMES, isEncodingName, loadTokenizer } from '../core/tokens/encodings';
import { normalizeModelRef } from '../core/tokens/modelName';

/** Generous for prompts and documents; a bigger input is almost always the wrong file (a log, a dump, /dev/zero). */
const DEFAULT_MAX_MB = 32;

export const COUNT_USAGE = `Usage: llm-workbench count [--model REF | --encoding NAME] [--json] [--max-size MB] FILE...

Counts tokens per file and in total. A FILE of - reads standard input. Only regular files are read
(not devices, FIFOs or sockets), each up to --max-size.

Options:
  --model REF       count for this model (default openai:gpt-4o). Models without a public tokenizer
                    (e.g. anthropic:claude-sonnet-4-5) are counted with o200k_base and marked ≈ (estimate).
  --encoding NAME   count with an encoding directly: ${ENCODING_NAMES.join(', ')}
  --json            print {"files":[{"path","tokens","encoding","exact"}],"total"}
  --max-size MB     largest file (or standard input) counted, in MB (default ${DEFAULT_MAX_MB})

Exit status: 0 all files counted, 1 a file could not be read (the others are still counted), 2 bad usage.
`;

const DEFAULT_MODEL = 'openai:gpt-4o';

interface CountIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  /** Reads standard input, at most `limit` bytes (more is refused, not waited for). */
  readStdin: (limit: number) => Promise<Buffer>;
}

const processIo: CountIo = {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
  readStdin: (limit) => readBounded(process.stdin, limit),
};

class UsageError extends Error {}

/** `llm-workbench count`: returns the exit code. */
export async function runCount(args: string[], io: CountIo = processIo): Promise<number> {
  let options: CountOptions;
  try {
    options = parseCountArgs(args);
  } catch (error) {
    if (error instanceof HelpRequested) {
      io.stdout(COUNT_USAGE);
      return 0;
    }
    const message = error instanceof Error ? error.message : String(error);
    io.stderr(`llm-workbench count: ${message}\n\n${COUNT_USAGE}`);
    return 2;
  }

  const tokenizer = await loadTokenizer(options.spec.encoding);
  const exact = options.spec.kind === 'exact';
  const files: { path: string; tokens: number; encoding: EncodingName; exact: boolean }[] = [];
  const errors: { path: string; error: string }[] = [];
  for (const path of options.files) {
    const text = await readTextFile(path, io, options.maxBytes);
    if (typeof text === 'string') {
      files.push({ path, tokens: tokenizer.count(text), encoding: options.spec.encoding, exact });
    } else {
      errors.push({ path, error: text.error });
      io.stderr(`llm-workbench count: ${path}: ${text.error}\n`);
    }
  }
  const total = files.reduce((sum, file) => sum + file.tokens, 0);

  if (options.json) {
    const report: Record<string, unknown> = { files, total };
    if (options.model) report.model = options.model.ref;
    if (errors.length > 0) report.errors = errors;
    io.stdout(`${JSON.stringify(report)}\n`);
  } else {
    io.stdout(humanReport(files, total, options.spec, options.model));
  }
  return errors.length > 0 ? 1 : 0;
}

class HelpRequested extends Error {}

interface CountOptions {
  spec: TokenizerSpec;
  model?: ModelInfo;
  json: boolean;
  files: string[];
  maxBytes: number;
}

function parseCountArgs(args: string[]): CountOptions {
  let parsed;
  try {
    parsed = parseArgs({
      args,
      allowPositionals: true,
      strict: true,
      options: {
        model: { type: 'string', short: 'm' },
        encoding: { type: 'string', short: 'e' },
        json: { type: 'boolean' },
        'max-size': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (error) {
    // Node's messages are precise ("Unknown option '--foo'"); keep their first sentence.
    throw new UsageError(error instanceof Error ? error.message.split('. ')[0] : String(error));
  }
  const { values, positionals } = parsed;
  if (values.help) throw new HelpRequested();
  if (values.model !== undefined && values.encoding !== undefined) throw new UsageError('use either --model or --encoding, not both.');
  if (positionals.length === 0) throw new UsageError('no files given.');
  const maxMb = values['max-size'] === undefined ? DEFAULT_MAX_MB : Number(values['max-size']);
  if (!(maxMb > 0 && maxMb <= 4096)) throw new UsageError(`--max-size must be a size in MB from 0 to 4096 (got "${values['max-size']}").`);
  const maxBytes = Math.floor(maxMb * 1024 * 1024);

  if (values.encoding !== undefined) {
    if (!isEncodingName(values.encoding))
      throw new UsageError(`unknown encoding "${values.encoding}": use ${ENCODING_NAMES.join(' or ')}.`);
    return { spec: { kind: 'exact', encoding: values.encoding }, json: values.json ?? false, files: positionals, maxBytes };
  }
  const catalog = new ModelCatalog();
  const requested = values.model ?? DEFAULT_MODEL;
  const model = catalog.lookup(normalizeModelRef(requested));
  if (!model) {
    const ref = normalizeModelRef(requested);
    const provider = ref.includes(':') ? ref.slice(0, ref.indexOf(':')) : undefined;
    const stem = ref
      .slice(ref.indexOf(':') + 1)
      .toLowerCase()
      .replace(/[-.\d]+$/, '');
    const near = catalog
      .all()
      .filter((m) => (!provider || m.provider === provider) && stem && m.id.toLowerCase().startsWith(stem))
      .slice(0, 8);
    throw new UsageError(
      `unknown model "${requested}".${near.length ? ` Similar models: ${near.map((m) => m.ref).join(', ')}.` : ''} ` +
        'List them with `llm-workbench models --search <text>`, or count with --encoding o200k_base / cl100k_base.',
    );
  }
  return { spec: model.tokenizer, model, json: values.json ?? false, files: positionals, maxBytes };
}

/** The file's text, or why it cannot be counted (one line, saying what to do where that helps). */
async function readTextFile(path: string, io: CountIo, maxBytes: number): Promise<string | { error: string }> {
  let bytes: Buffer;
  const tooBig = `is over the ${formatMb(maxBytes)} limit — pass --max-size with a larger size in MB to count it anyway`;
  try {
    if (path === '-') {
      bytes = await io.readStdin(maxBytes);
      if (bytes.length > maxBytes) return { error: `(standard input) ${tooBig}` };
    } else {
      // Non-blocking open: a FIFO would otherwise wait for a writer; the checks below refuse it before any read.
      const file = await open(path, constants.O_RDONLY | constants.O_NONBLOCK);
      try {
        const info = await file.stat();
        if (info.isDirectory()) return { error: 'is a directory (pass the files inside it, e.g. dir/*.md)' };
        if (!info.isFile()) return { error: 'is not a regular file (a device, FIFO or socket): only files are counted' };
        if (info.size > maxBytes) return { error: `is ${formatMb(info.size)}, which ${tooBig}` };
        // Read to the end but never past the limit: some files (in /proc) say size 0 and have content.
        bytes = await readBounded(file.createReadStream({ autoClose: false }), maxBytes);
        if (bytes.length > maxBytes) return { error: tooBig };
      } finally {
        await file.close();
      }
    }
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return { error: 'no such file' };
    if (code === 'EACCES' || code === 'EPERM') return { error: 'permission denied' };
    return { error: `cannot be read (${error instanceof Error ? error.message : String(error)})` };
  }
  const nul = bytes.indexOf(0);
  if (nul !== -1) return { error: `is a binary file (NUL byte at offset ${nul}); only text files are counted` };
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return { error: `is not valid UTF-8 (first bad byte at offset ${firstInvalidUtf8Byte(bytes)}); convert it to UTF-8 first` };
  }
}

/** At most `limit` + 1 bytes of a stream: one byte more than allowed says "too big" without reading the rest. */
async function readBounded(stream: NodeJS.ReadableStream, limit: number): Promise<Buffer> {
  const parts: Buffer[] = [];
  let size = 0;
  for await (const part of stream) {
    const chunk = typeof part === 'string' ? Buffer.from(part) : (part as Buffer);
    parts.push(chunk);
    size += chunk.length;
    if (size > limit) break;
  }
  return Buffer.concat(parts).subarray(0, limit + 1);
}

function formatMb(bytes: number): string {
  const mb = bytes / (1024 * 1024);
  return `${mb >= 10 ? Math.round(mb) : mb.toFixed(1)} MB`;
}

/** Offset where the first invalid UTF-8 sequence starts (a prefix that is invalid stays invalid when extended). */
function firstInvalidUtf8Byte(bytes: Uint8Array): number {
  const decodes = (length: number, stream: boolean) => {
    try {
      new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(0, length), { stream });
      return true;
    } catch {
      return false;
    }
  };
  let low = 0; // the longest prefix that decodes, allowing an unfinished sequence at its end
  let high = bytes.length + 1;
  while (low + 1 < high) {
    const mid = (low + high) >>> 1;
    if (decodes(mid, true)) low = mid;
    else high = mid;
  }
  if (decodes(low, false)) return low;
  // The prefix ends inside a sequence that never completes: its lead byte is the culprit.
  let lead = low - 1;
  while (lead > 0 && (bytes[lead] & 0xc0) === 0x80) lead--;
  return lead;
}

function humanReport(files: { path: string; tokens: number }[], total: number, spec: TokenizerSpec, model: ModelInfo | undefined): string {
  const mark = spec.kind === 'exact' ? '' : '≈';
  const cells = [
    ...files.map((f) => ({ count: mark + f.tokens.toLocaleString('en-US'), label: f.path })),
    { count: mark + total.toLocaleString('en-US'), label: 'total' },
  ];
  const width = Math.max(...cells.map((c) => c.count.length));
  const lines = cells.map((c) => `${c.count.padStart(width)}  ${c.label}`);
  const subject = model ? `${model.displayName} (${model.ref})` : undefined;
  if (spec.kind === 'exact') lines.push(subject ? `${spec.encoding}, exact for ${subject}` : `${spec.encoding}, exact`);
  else lines.push(`${spec.encoding}, estimate (≈) for ${subject}: it has no public tokenizer, so the count uses ${spec.encoding}`);
  return `${lines.join('\n')}\n`;
}

/**
 * `prompts:` read the way promptfoo reads them (src/prompts/index.ts, processors/*): a string that looks like a file
 * path is a file even without `file://`; `.txt` splits on `---` lines; `.json`/`.yaml` are kept as JSON text (a chat
 * list is rendered and parsed per provider later); `.jsonl` is one prompt per line; `.md`/`.j2` are one prompt.
 * What promptfoo would execute (`.py`, `exec:`, shell scripts) or fetch (`portkey://`, `langfuse://`) is refused.
 */
import { statSync } from 'node:fs';
import { basename, extname, join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { parseCsv } from './csvTests';
import type { PromptSpec, SourceLocation } from './evalModel';
import { expandGlob, hasGlobMagic } from './fileRefs';
import { isRecord, type ParseContext } from './parseContext';
import { checkTemplate, readsEnv, templateVariables } from './template';
import { formatPath, type DataPath, type YamlSource } from './yamlSource';

/** promptfoo's VALID_FILE_EXTENSIONS: a one-line prompt ending like one of these is read as a file path. */
const FILE_EXTENSIONS = ['.cjs', '.cts', '.j2', '.js', '.json', '.jsonl', '.md', '.mjs', '.mts', '.py', '.ts', '.txt', '.yml', '.yaml'];
const JS_EXTENSIONS = new Set(['.js', '.cjs', '.mjs', '.ts', '.cts', '.mts']);
const EXECUTABLES = new Set(['.sh', '.bash', '.exe', '.bat', '.cmd', '.ps1', '.rb', '.pl']);
const REMOTE_PROMPTS = ['portkey://', 'langfuse://', 'helicone://'];

interface RawPrompt {
  raw: unknown;
  label?: string;
  config?: unknown;
  path: DataPath;
}

/** promptfoo's `maybeFilePath`: no newline, and a file:// prefix, a known extension, a `.x`/`.xy` ending, `*`, `/` or `\`. */
export function looksLikeFilePath(text: string): boolean {
  if (text.includes('\n') || REMOTE_PROMPTS.some((p) => text.includes(p))) return false;
  const tokens = text.split(':');
  const last = tokens[tokens.length - 1];
  const beforeLast = tokens[tokens.length - 2];
  return (
    text.startsWith('file://') ||
    FILE_EXTENSIONS.some((ext) => last?.endsWith(ext) || beforeLast?.endsWith(ext)) ||
    text.charAt(text.length - 3) === '.' ||
    text.charAt(text.length - 4) === '.' ||
    text.includes('*') ||
    text.includes('/') ||
    text.includes('\\')
  );
}

export function buildPrompts(
  ctx: ParseContext,
  source: YamlSource,
  raw: unknown,
  hasPromptVar: boolean,
  filterNames: readonly string[] = [],
): PromptSpec[] {
  if (raw === undefined || raw === null) {
    if (!hasPromptVar)
      ctx.warn(
        source,
        [],
        "the eval file has no `prompts`: promptfoo then sends each test's `prompt` var as the prompt ({{prompt}}), and no test has one",
      );
    return [{ label: '{{prompt}}', raw: '{{prompt}}', location: { file: ctx.path, range: source.rangeAt([]) } }];
  }
  const items = normalizeInput(ctx, source, raw);
  const prompts: PromptSpec[] = [];
  const seen = new Set<string>();
  for (const item of items) {
    if (typeof item.raw !== 'string' || item.raw === '') {
      ctx.error(
        source,
        item.path,
        `\`${formatPath(item.path)}\` must be a prompt string, a file path, or {raw, label, config}; promptfoo does not accept an inline chat-message list — write it as a JSON string or put it in a .json file (file://prompt.json)`,
      );
      continue;
    }
    // promptfoo keeps distinct prompt strings only (its config loader collects them in a Set).
    if (item.label === undefined && item.config === undefined) {
      if (seen.has(item.raw)) continue;
      seen.add(item.raw);
    }
    if (item.config !== undefined && !isRecord(item.config)) {
      ctx.error(source, [...item.path, 'config'], `\`${formatPath([...item.path, 'config'])}\` must be a mapping of provider config keys`);
      continue;
    }
    const location: SourceLocation = { file: ctx.path, range: source.rangeAt(item.path) };
    for (const p of processPrompt(ctx, source, item, location))
      if (p.fn || checkPrompt(ctx, source, item.path, p, filterNames)) prompts.push(p);
  }
  if (prompts.length === 0 && !ctx.fatal) ctx.error(source, ['prompts'], '`prompts` has no usable prompt: add at least one template');
  return prompts;
}

/** promptfoo's `normalizeInput`: a string, a list of strings / {raw|id, label, config}, or a {raw: label} map. */
function normalizeInput(ctx: ParseContext, source: YamlSource, raw: unknown): RawPrompt[] {
  if (typeof raw === 'string') return [{ raw, path: ['prompts'] }];
  if (Array.isArray(raw)) {
    return raw.map((item, i) => {
      const path: DataPath = ['prompts', i];
      if (typeof item === 'string') return { raw: item, path };
      if (!isRecord(item)) return { raw: undefined, path };
      for (const key of Object.keys(item)) {
        if (!['raw', 'id', 'label', 'config'].includes(key))
          ctx.errorAtKey(
            source,
            path,
            key,
            `\`${key}\` on a prompt is not something llm-workbench runs (a prompt takes raw, id, label and config)`,
          );
      }
      return { raw: item.raw || item.id, label: typeof item.label === 'string' ? item.label : undefined, config: item.config, path };
    });
  }
  if (isRecord(raw)) return Object.entries(raw).map(([text, label]) => ({ raw: text, label: String(label), path: ['prompts', text] }));
  return [{ raw: undefined, path: ['prompts'] }];
}

function processPrompt(ctx: ParseContext, source: YamlSource, item: RawPrompt, location: SourceLocation): PromptSpec[] {
  const text = item.raw as string;
  const config = item.config as Record<string, unknown> | undefined;
  const remote = REMOTE_PROMPTS.find((p) => text.startsWith(p));
  if (remote) {
    ctx.error(
      source,
      item.path,
      `\`${remote}\` prompts are fetched from ${remote.slice(0, -3)} at run time; llm-workbench does not fetch prompts: copy the prompt into the file (or run this file with --engine promptfoo)`,
    );
    return [];
  }
  if (text.startsWith('exec:')) {
    ctx.error(
      source,
      item.path,
      '`exec:` prompts run a program to make the prompt; llm-workbench does not run programs from eval files: write the prompt out, or run this file with --engine promptfoo',
    );
    return [];
  }
  if (!looksLikeFilePath(text)) return [{ label: item.label ?? text, raw: text, config, location }];
  return processFile(ctx, source, item, location);
}

function processFile(ctx: ParseContext, source: YamlSource, item: RawPrompt, location: SourceLocation): PromptSpec[] {
  const text = (item.raw as string).replace(/^file:\/\//, '');
  const { file, functionName } = splitFunction(ctx.resolve(text));
  let isDir: boolean;
  try {
    isDir = statSync(file).isDirectory();
  } catch {
    isDir = false;
  }
  if (isDir || hasGlobMagic(text)) {
    let files: string[];
    try {
      files = expandGlob(isDir ? join(text, '*') : text, ctx.dir, ctx.rules);
    } catch (error) {
      ctx.error(source, item.path, `\`${formatPath(item.path)}\`: ${(error as Error).message}`);
      return [];
    }
    // promptfoo: a pattern that matches no file is the prompt itself (a one-line prompt with `*`, `[...]` or `/`).
    if (files.length === 0)
      return [
        {
          label: item.label ?? (item.raw as string),
          raw: item.raw as string,
          config: item.config as Record<string, unknown> | undefined,
          location,
        },
      ];
    return files.flatMap((f) => processFile(ctx, source, { ...item, raw: functionName ? `${f}:${functionName}` : f }, location));
  }
  const ext = extname(file).toLowerCase();
  const where = `\`${formatPath(item.path)}\``;
  if (ext === '.py' || JS_EXTENSIONS.has(ext)) return promptFunction(ctx, source, item, location, file, ext, functionName);
  if (EXECUTABLES.has(ext)) {
    ctx.error(
      source,
      item.path,
      `${where} is a script (${basename(file)}) promptfoo would execute to make the prompt; llm-workbench does not run programs from eval files`,
    );
    return [];
  }
  const known = ['.txt', '.md', '.j2', '.json', '.jsonl', '.yaml', '.yml', '.csv'];
  if (!known.includes(ext)) {
    const missing = !safeExists(file);
    ctx.error(
      source,
      item.path,
      missing
        ? `${where} ("${item.raw as string}") is read as a file path (promptfoo treats a one-line prompt containing "/" or ending like ".x" as a file) and ${file} does not exist: if it is prompt text, write it on two lines (a YAML block with |) or drop the "/"`
        : `${where}: ${basename(file)} is not a prompt file promptfoo reads as text (.txt, .md, .j2, .json, .jsonl, .yaml, .csv)`,
    );
    return [];
  }
  const loaded = ctx.readRef(source, item.path, `file://${file}`, true);
  if (!loaded) return [];
  return promptsFromText(ctx, source, item, location, file, ext, loaded.text);
}

function promptsFromText(
  ctx: ParseContext,
  source: YamlSource,
  item: RawPrompt,
  location: SourceLocation,
  file: string,
  ext: string,
  content: string,
): PromptSpec[] {
  const config = item.config as Record<string, unknown> | undefined;
  const label = item.label;
  const at = (raw: string, l: string): PromptSpec => ({ label: l, raw, config, location });
  switch (ext) {
    case '.txt': {
      const parts = splitOnDelimiter(content);
      return parts.map((raw) => at(raw, label ? `${label}: ${file}: ${raw}` : `${file}: ${raw}`));
    }
    case '.md':
    case '.j2':
      return [at(content, label || `${file}: ${content.slice(0, 50)}...`)];
    case '.jsonl': {
      const lines = content.split(/\r?\n/).filter((line) => line.length > 0);
      const many = lines.length > 1;
      return lines.map((line) => at(line, many ? (label ? `${label}: ${line}` : `${file}: ${line}`) : label || file));
    }
    case '.json':
    case '.yaml':
    case '.yml': {
      const raw = structuredPrompt(ctx, source, item.path, content, ext);
      return raw === undefined ? [] : [at(raw, label || `${file}: ${ext === '.json' ? raw : raw.slice(0, 80)}`)];
    }
    case '.csv':
      return csvPrompts(ctx, source, item, location, content);
    default:
      return [];
  }
}

/**
 * `.js`/`.cjs` (a function export) and `.py` (`:function`) prompt functions, called per case at run time. The
 * source text is the prompt's `raw`, as promptfoo keeps it. ES modules and TypeScript prompt files are refused.
 */
function promptFunction(
  ctx: ParseContext,
  source: YamlSource,
  item: RawPrompt,
  location: SourceLocation,
  file: string,
  ext: string,
  functionName: string | undefined,
): PromptSpec[] {
  const where = `\`${formatPath(item.path)}\``;
  if (ext === '.py' && !functionName) {
    ctx.error(
      source,
      item.path,
      `${where}: a Python prompt file without a function name is run as a whole script by promptfoo (its legacy form), which llm-workbench does not do: name the function (file://${basename(file)}:make_prompt), or run this file with --engine promptfoo`,
    );
    return [];
  }
  if (ext !== '.py' && ext !== '.js' && ext !== '.cjs') {
    ctx.error(
      source,
      item.path,
      `${where}: ${basename(file)} is a ${ext === '.mjs' ? 'ES module' : 'TypeScript'} prompt function; llm-workbench runs CommonJS .js/.cjs prompt functions: write it as .js (module.exports = ({ vars }) => ...), or run this file with --engine promptfoo`,
    );
    return [];
  }
  const loaded = ctx.readRef(source, item.path, `file://${file}`, true);
  if (!loaded) return [];
  const label = item.label ?? (functionName ? `${file}:${functionName}` : file);
  const config = item.config as Record<string, unknown> | undefined;
  const language = ext === '.py' ? 'python' : 'javascript';
  return [{ label, raw: loaded.text, config, fn: { file, name: functionName, language }, location }];
}

/** `.txt`: parts between lines that are exactly `---` (after trimming), each trimmed; empty parts dropped. */
export function splitOnDelimiter(content: string, delimiter = '---'): string[] {
  const prompts: string[] = [];
  let buffer: string[] = [];
  const flush = () => {
    const raw = buffer.join('\n').trim();
    if (raw.length > 0) prompts.push(raw);
    buffer = [];
  };
  for (const line of content.split(/\r?\n/)) {
    if (line.trim() === delimiter) flush();
    else buffer.push(line);
  }
  flush();
  return prompts;
}

/**
 * `.json` prompts are kept as compact JSON text (promptfoo: JSON.parse then JSON.stringify), `.yaml` likewise;
 * text that does not parse stays as it is. `file://` references inside would be loaded by promptfoo: refused.
 */
function structuredPrompt(ctx: ParseContext, source: YamlSource, path: DataPath, content: string, ext: string): string | undefined {
  let parsed: unknown;
  try {
    parsed = ext === '.json' ? JSON.parse(content) : parseYaml(content, { logLevel: 'silent', maxAliasCount: 1000 });
  } catch {
    return content;
  }
  if (JSON.stringify(parsed)?.includes('"file://')) {
    ctx.error(
      source,
      path,
      `\`${formatPath(path)}\`: the prompt file refers to other files with file://; llm-workbench does not expand file:// inside prompt files — inline the content`,
    );
    return undefined;
  }
  return JSON.stringify(parsed);
}

/** `.csv` prompts: one per row of a `prompt` column (optional `label`), or one per line without a comma. */
function csvPrompts(ctx: ParseContext, source: YamlSource, item: RawPrompt, location: SourceLocation, content: string): PromptSpec[] {
  const config = item.config as Record<string, unknown> | undefined;
  if (!content.includes(',')) {
    const lines = content.split(/\r?\n/).filter((l) => l.trim());
    const rows = lines[0]?.toLowerCase().trim() === 'prompt' ? lines.slice(1) : lines;
    return rows.map((raw, i) => ({
      label: item.label ? (rows.length > 1 ? `${item.label}: ${raw}` : item.label) : `Prompt ${i + 1} - ${raw}`,
      raw,
      config,
      location,
    }));
  }
  const csv = parseCsv(content.replace(/^\uFEFF/, ''));
  if ('error' in csv) {
    ctx.error(source, item.path, `\`${formatPath(item.path)}\`: ${csv.error}`);
    return [];
  }
  const p = csv.header.indexOf('prompt');
  const l = csv.header.indexOf('label');
  return csv.rows
    .map((row) => ({ raw: (row.cells[p] ?? '').trim(), label: l >= 0 ? (row.cells[l] ?? '').trim() : '' }))
    .filter((row) => row.raw)
    .map((row, i, all) => ({
      label: row.label || (item.label ? (all.length > 1 ? `${item.label}: ${row.raw}` : item.label) : `Prompt ${i + 1} - ${row.raw}`),
      raw: row.raw,
      config,
      location,
    }));
}

function checkPrompt(ctx: ParseContext, source: YamlSource, path: DataPath, prompt: PromptSpec, filterNames: readonly string[]): boolean {
  // promptfoo wraps a prompt with an unclosed tag in {% raw %}: it is sent as written, never a syntax error.
  if (/({%[^%]*$|{{[^}]*$|{#[^#]*$)/m.test(prompt.raw)) return true;
  const problem = checkTemplate(prompt.raw, filterNames);
  if (problem) {
    const at = problem.line !== undefined ? ` (line ${problem.line + 1} of the prompt)` : '';
    ctx.error(source, path, `\`${formatPath(path)}\`${at}: ${problem.message}`);
    return false;
  }
  const vars = templateVariables(prompt.raw);
  const unsupported = vars.find((v) => v === '_conversation' || v === '__evalId');
  if (unsupported) {
    ctx.error(
      source,
      path,
      `\`${formatPath(path)}\` uses {{ ${unsupported} }} (${unsupported === '_conversation' ? 'multi-turn conversation history' : 'the promptfoo eval id'}), which llm-workbench does not provide: run this file with --engine promptfoo`,
    );
    return false;
  }
  if (!ctx.allowEnv && readsEnv(prompt.raw)) {
    ctx.error(
      source,
      path,
      `\`${formatPath(path)}\` reads {{ env.… }}: templates see your environment only in a trusted workspace (or the CLI)`,
    );
    return false;
  }
  return true;
}

function splitFunction(path: string): { file: string; functionName?: string } {
  const colon = path.lastIndexOf(':');
  if (colon > 1) {
    const head = path.slice(0, colon);
    const ext = extname(head).toLowerCase();
    if (JS_EXTENSIONS.has(ext) || ext === '.py' || ext === '.go' || ext === '.rb')
      return { file: head, functionName: path.slice(colon + 1) };
  }
  return { file: path };
}

function safeExists(path: string): boolean {
  try {
    statSync(path);
    return true;
  } catch {
    return false;
  }
}

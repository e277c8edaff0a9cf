/**
 * Reads a `--config` file the way VS Code reads settings.json: JSON with comments and trailing commas, an optional
 * BOM, settings written flat (`"llmWorkbench.routes": …`) or nested (`"llmWorkbench": { "routes": … }`), and other
 * extensions' settings beside ours (ignored: a real settings.json has them). Bounded: nesting deeper than
 * MAX_SETTINGS_DEPTH is refused at its line and column before anything recursive runs, so a hostile file cannot
 * overflow the stack.
 */
import { createScanner, parse, printParseErrorCode, type ParseError } from 'jsonc-parser/lib/esm/main.js'; // the ESM build: esbuild cannot follow the UMD build's dynamic requires

/** Far deeper than any real settings.json (routing rules with validators reach about 8). */
export const MAX_SETTINGS_DEPTH = 64;

/** Our namespace: keys under it must be known settings; keys outside it belong to others and are left alone. */
const NAMESPACE = 'llmWorkbench';

export class SettingsFileError extends Error {}

/**
 * The file's text as flat `llmWorkbench.*` settings. `known` names the settings: an object under a key that is not
 * one but prefixes some (`llmWorkbench`, `llmWorkbench.routing`) is a group whose keys continue the name.
 */
export function readSettingsText(text: string, file: string, known: ReadonlySet<string>): Record<string, unknown> {
  const isGroup = (key: string) => !known.has(key) && [...known].some((k) => k.startsWith(`${key}.`));
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  checkDepth(body, file);
  const errors: ParseError[] = [];
  const value = parse(body, errors, { allowTrailingComma: true, disallowComments: false, allowEmptyContent: false }) as unknown;
  if (errors.length > 0) {
    const first = errors[0];
    throw new SettingsFileError(`${file} is not valid JSON${position(body, first.offset)}: ${describe(printParseErrorCode(first.error))}`);
  }
  if (!isPlainObject(value)) {
    throw new SettingsFileError(
      `${file} must hold a JSON object of settings, e.g. { "llmWorkbench.routes": { "chat": { "primary": "openai:gpt-4o-mini" } } }.`,
    );
  }
  const flat: Record<string, unknown> = {};
  const add = (key: string, item: unknown) => {
    if (isGroup(key) && isPlainObject(item)) {
      // A group of settings (`llmWorkbench: {…}`, `"llmWorkbench.routing": { "rules": … }`): its keys continue the name.
      for (const [inner, innerValue] of Object.entries(item)) add(`${key}.${inner}`, innerValue);
      return;
    }
    if (key in flat) throw new SettingsFileError(`${file}: "${key}" is set twice (flat and nested): keep one.`);
    flat[key] = item;
  };
  for (const [key, item] of Object.entries(value)) {
    if (key === NAMESPACE || key.startsWith(`${NAMESPACE}.`)) add(key, item);
  }
  return flat;
}

/** Counts `{`/`[` depth with the scanner (iterative, comments and strings understood) and refuses deep nesting. */
function checkDepth(text: string, file: string): void {
  const scanner = createScanner(text, true);
  let depth = 0;
  for (let kind = scanner.scan(); kind !== 17 /* EOF */; kind = scanner.scan()) {
    if (kind === 1 /* { */ || kind === 3 /* [ */) {
      depth += 1;
      if (depth > MAX_SETTINGS_DEPTH) {
        throw new SettingsFileError(
          `${file}${position(text, scanner.getTokenOffset())}: nested more than ${MAX_SETTINGS_DEPTH} levels deep — settings never are; check the file is the one you meant`,
        );
      }
    } else if (kind === 2 /* } */ || kind === 4 /* ] */) depth -= 1;
  }
}

/** ` (line 3, column 7)`, 1-based. */
function position(text: string, offset: number): string {
  const before = text.slice(0, offset);
  const line = before.split('\n').length;
  const column = offset - before.lastIndexOf('\n');
  return ` (line ${line}, column ${column})`;
}

function describe(code: string): string {
  return code.replace(/([a-z])([A-Z])/g, '$1 $2').toLowerCase();
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

import { readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { checkReadable, defaultRules, FileRefError, resolveRef, type FileRules } from './fileRefs';
import type { EvalDiagnostic, SourceRange } from './sourceRange';
import { formatPath, type DataPath, type YamlSource } from './yamlSource';

export interface ParseOptions {
  /** Reads the main file and `file://` targets (absolute paths). Default: the disk. The editor passes open buffers. */
  readFile?: (absolutePath: string) => string;
  /** Where `file://` reads may go and how big they may be; default: the eval file's folder tree, 50 MB. */
  fileRules?: Partial<FileRules>;
  /** `{{ env.X }}` in templates reads the environment; the editor allows it only in a trusted workspace. */
  allowEnv?: boolean;
  /**
   * Test generators (`tests: file://tests.js`) run at parse time, and only when this is true: the CLI without
   * --no-code, the editor in a trusted workspace. Default false: a caller that only reads a file runs no code.
   */
  allowCode?: boolean;
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

export const ZERO_RANGE: SourceRange = { start: { line: 0, column: 0 }, end: { line: 0, column: 0 } };

/** The state one parse shares between its parts: the file, its diagnostics, and the bounded reader. */
export class ParseContext {
  readonly diagnostics: EvalDiagnostic[] = [];
  fatal = false;
  readonly dir: string;
  readonly rules: FileRules;
  readonly allowEnv: boolean;
  readonly allowCode: boolean;
  private readonly custom?: (p: string) => string;

  constructor(
    readonly path: string,
    options: ParseOptions,
  ) {
    this.dir = dirname(path);
    this.rules = defaultRules(path, options.fileRules);
    this.custom = options.readFile;
    this.allowEnv = options.allowEnv ?? true;
    this.allowCode = options.allowCode ?? false;
  }

  error(source: YamlSource, path: DataPath, message: string, fatal = true): EvalDiagnostic {
    const d = source.diagnostic('error', message, source.rangeAt(path));
    this.diagnostics.push(d);
    if (fatal) this.fatal = true;
    return d;
  }

  /** An error at a mapping key (`providers[0].config.tools`), falling back to the value's range. */
  errorAtKey(source: YamlSource, path: DataPath, key: string, message: string, fatal = true): EvalDiagnostic {
    const node = source.keyAt(path, key);
    const d = source.diagnostic('error', message, node ? source.rangeOf(node) : source.rangeAt([...path, key]));
    this.diagnostics.push(d);
    if (fatal) this.fatal = true;
    return d;
  }

  warn(source: YamlSource, path: DataPath, message: string, key?: string): void {
    const node = key ? source.keyAt(path, key) : undefined;
    this.diagnostics.push(source.diagnostic('warning', message, node ? source.rangeOf(node) : source.rangeAt(path)));
  }

  push(diagnostics: readonly EvalDiagnostic[]): void {
    for (const d of diagnostics) {
      this.diagnostics.push(d);
      if (d.severity === 'error') this.fatal = true;
    }
  }

  resolve(ref: string, baseDir = this.dir): string {
    return resolveRef(ref, baseDir);
  }

  /** Reads an absolute path within the bounds; throws FileRefError with the reason. */
  readAbsolute(file: string): string {
    checkReadable(file, this.rules, this.custom !== undefined);
    return this.custom ? this.custom(file) : readFileSync(file, 'utf8');
  }

  readBinary(file: string): Buffer {
    checkReadable(file, this.rules);
    return readFileSync(file);
  }

  /** Reads a `file://` target; on failure reports at `path` and returns undefined. */
  readRef(source: YamlSource, path: DataPath, ref: string, fatal: boolean, baseDir = this.dir): { file: string; text: string } | undefined {
    const file = this.resolve(ref, baseDir);
    try {
      return { file, text: this.readAbsolute(file) };
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      const reason =
        error instanceof FileRefError
          ? error.message
          : code === 'ENOENT' || code === 'ENOTDIR'
            ? 'the file does not exist'
            : `${file} cannot be read: ${(error as Error).message}`;
      this.error(
        source,
        path,
        `\`${formatPath(path)}\` refers to ${file}, but ${reason}: fix the path (it is relative to the eval file)`,
        fatal,
      );
      return undefined;
    }
  }
}

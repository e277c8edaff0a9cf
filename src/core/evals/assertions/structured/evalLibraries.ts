import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import type * as Parse5 from 'parse5';
import type * as SqlParser from 'node-sql-parser';
import type * as FastXmlParser from 'fast-xml-parser';
import type * as Saxes from 'saxes';
import type * as MathJs from 'mathjs';

/**
 * The libraries promptfoo 0.123.1 checks structured output with (parse5, node-sql-parser, fast-xml-parser, saxes),
 * at the versions it installs. They load on the first assertion that needs
 * one, never on activation: node-sql-parser alone is 2.5 MB. The build puts each in its own file
 * (`dist/lib/<name>.js`, next to dist/extension.js and dist/cli.js); from sources (tests) they come from node_modules.
 */
type LibraryName = 'parse5' | 'node-sql-parser' | 'fast-xml-parser' | 'saxes' | 'mathjs';

const loaded = new Map<LibraryName, unknown>();

function load<T>(name: LibraryName): T {
  let library = loaded.get(name);
  if (!library) {
    const file = `${name}.js`;
    const bundled = [join(__dirname, 'lib', file), join(__dirname, '..', 'lib', file)].find((path) => existsSync(path));
    // A name chosen at run time, so esbuild leaves the library out of the bundle that requires it.
    library = createRequire(__filename)(bundled ?? name) as T;
    loaded.set(name, library);
  }
  return library as T;
}

export const loadParse5 = (): typeof Parse5 => load('parse5');
export const loadSqlParser = (): typeof SqlParser => load('node-sql-parser');
export const loadFastXmlParser = (): typeof FastXmlParser => load('fast-xml-parser');
export const loadSaxes = (): typeof Saxes => load('saxes');
/** mathjs (promptfoo's derivedMetrics evaluator, 15.2.0 as promptfoo 0.123.1 installs it): only for a file with derivedMetrics. */
export const loadMathJs = (): typeof MathJs => load('mathjs');

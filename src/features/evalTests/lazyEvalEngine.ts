import { join } from 'node:path';
import { lazyBundle } from '../lazyBundle';
import type * as EvalEngine from './evalEngine';

/**
 * The eval engine (dist/evalEngine.js: the YAML parsers, nunjucks, the JSON-schema validator, globbing, the
 * assertions), loaded the first time an eval file is parsed or run, after activation. Types come from './evalEngine'
 * directly; values only through here.
 */
export const evalEngine = lazyBundle<typeof EvalEngine>('evalEngine', join(__dirname, 'evalEngine'));

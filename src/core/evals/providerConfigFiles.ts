/**
 * `file://` references inside an OpenAI provider's `tools` and `response_format`, loaded as promptfoo 0.123.1's
 * maybeLoadToolsFromExternalFile / maybeLoadResponseFormatFromExternalFile load them (src/util/file.ts): a `.json` or
 * `.yaml` file is the value (a list of tools, a format, or a json_schema's `schema`), a list of tool files is flattened.
 * Tools computed by code (`file://tools.py:fn`, `.js`) and values that are templates are refused at the key: they
 * would run code or render per test, which llm-workbench does not do for provider config.
 */
import { extname } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { isRecord, type ParseContext } from './parseContext';
import type { DataPath, YamlSource } from './yamlSource';

type Loaded = { value: unknown } | { error: string };

function loadDataFile(ctx: ParseContext, source: YamlSource, path: DataPath, ref: string): Loaded {
  const target = ref.slice('file://'.length);
  const ext = extname(target.replace(/:[^/\\]*$/, '')).toLowerCase();
  if (['.py', '.js', '.cjs', '.mjs', '.ts'].includes(ext))
    return {
      error: `\`${ref}\` computes the value with code, which llm-workbench does not run for provider config: write the definitions in a .json or .yaml file, or run this file with --engine promptfoo`,
    };
  if (!['.json', '.yaml', '.yml'].includes(ext)) return { error: `\`${ref}\`: provider config files are read as .json, .yaml or .yml` };
  const read = ctx.readRef(source, path, ref, false);
  if (!read) return { error: '' }; // readRef reported it at the key
  try {
    return { value: ext === '.json' ? (JSON.parse(read.text) as unknown) : (parseYaml(read.text) as unknown) };
  } catch (error) {
    return { error: `${read.file} is not valid ${ext === '.json' ? 'JSON' : 'YAML'}: ${(error as Error).message.split('\n')[0]}` };
  }
}

function hasTemplate(value: unknown): boolean {
  return JSON.stringify(value ?? null).includes('{{') || JSON.stringify(value ?? null).includes('{%');
}

function loadTools(ctx: ParseContext, source: YamlSource, path: DataPath, value: unknown): Loaded {
  if (typeof value === 'string' && value.startsWith('file://')) return loadDataFile(ctx, source, path, value);
  if (Array.isArray(value)) {
    const items: unknown[] = [];
    for (const item of value) {
      const loaded = loadTools(ctx, source, path, item);
      if ('error' in loaded) return loaded;
      items.push(loaded.value);
    }
    return { value: items.every((item) => Array.isArray(item)) ? items.flat() : items };
  }
  return { value };
}

function loadResponseFormat(ctx: ParseContext, source: YamlSource, path: DataPath, value: unknown): Loaded {
  const top = typeof value === 'string' && value.startsWith('file://') ? loadDataFile(ctx, source, path, value) : { value };
  if ('error' in top || !isRecord(top.value) || top.value.type !== 'json_schema') return top;
  const format = top.value;
  const jsonSchema = isRecord(format.json_schema) ? format.json_schema : undefined;
  const nested = format.schema ?? jsonSchema?.schema;
  if (typeof nested !== 'string' || !nested.startsWith('file://')) return top;
  const schema = loadDataFile(ctx, source, path, nested);
  if ('error' in schema) return schema;
  return format.schema !== undefined
    ? { value: { ...format, schema: schema.value } }
    : { value: { ...format, json_schema: { ...jsonSchema, schema: schema.value } } };
}

/**
 * The value promptfoo would send for `key` (undefined: the key is not one of these), or the problem to report at the
 * key. `tools` must end as a list (promptfoo spreads it into the request's tool list).
 */
export function loadProviderConfigFiles(
  ctx: ParseContext,
  source: YamlSource,
  path: DataPath,
  key: string,
  value: unknown,
): Loaded | undefined {
  if (key !== 'tools' && key !== 'response_format') return undefined;
  const loaded = key === 'tools' ? loadTools(ctx, source, path, value) : loadResponseFormat(ctx, source, path, value);
  if ('error' in loaded) return loaded;
  if (hasTemplate(loaded.value))
    return {
      error: `provider config \`${key}\` holds a template ({{ }}), which promptfoo renders per test and llm-workbench does not: write it without one, or run this file with --engine promptfoo`,
    };
  if (key === 'tools' && !Array.isArray(loaded.value))
    return { error: 'provider config `tools` must be a list of tool definitions ([{type: function, function: {name, parameters}}])' };
  return loaded;
}

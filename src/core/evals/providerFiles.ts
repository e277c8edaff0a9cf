/**
 * `providers: [file://providers.yaml]`: promptfoo's provider config files (readProviderConfigFile). A `.yaml`, `.yml`
 * or `.json` file holds one provider entry or a list of them, each with an `id`; they are data, read like the
 * entries written inline, with positions in that file. JavaScript or Python provider files are custom code and
 * stay with promptfoo (promptfooProviderIds refuses them).
 */
import { isRecord, type ParseContext } from './parseContext';
import { formatPath, YamlSource, type DataPath } from './yamlSource';

/** One entry read from a provider file: its data, and where to report problems in it. */
export interface ProviderFileEntry {
  item: unknown;
  source: YamlSource;
  path: DataPath;
}

/** promptfoo's isProviderConfigFileReference. */
export function isProviderConfigFileRef(item: unknown): item is string {
  return typeof item === 'string' && item.startsWith('file://') && /\.(ya?ml|json)$/.test(item);
}

/** The entries of a provider file; undefined after a reported error (at the reference, or in the file). */
export function readProviderFile(ctx: ParseContext, source: YamlSource, path: DataPath, ref: string): ProviderFileEntry[] | undefined {
  const loaded = ctx.readRef(source, path, ref, false);
  if (!loaded) return undefined;
  const inner = new YamlSource(loaded.file, loaded.text);
  const { data, error } = inner.toData();
  if (inner.diagnostics.some((d) => d.severity === 'error')) {
    ctx.push(inner.diagnostics);
    return undefined;
  }
  const entries = Array.isArray(data) ? data : [data];
  if (error !== undefined || data === undefined || data === null || entries.some((e) => !isRecord(e) || typeof e.id !== 'string')) {
    const bad = entries.findIndex((e) => !isRecord(e) || typeof e.id !== 'string');
    const at: DataPath = Array.isArray(data) && bad >= 0 ? [bad] : [];
    ctx.push([
      inner.diagnostic(
        'error',
        `${formatPath(path)}: every provider in ${loaded.file} needs an \`id\` (promptfoo: "Provider config … must have an id")${error ? `: ${error}` : ''}`,
        inner.rangeAt(at),
      ),
    ]);
    return undefined;
  }
  return entries.map((item, i) => ({ item, source: inner, path: Array.isArray(data) ? [i] : [] }));
}

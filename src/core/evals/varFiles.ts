/**
 * `vars: {q: file://q.txt}` loaded as promptfoo's renderPrompt loads them: text trimmed, YAML as its JSON text,
 * images as `data:<mime>;base64,...` URLs (for multimodal prompts), audio/video as bare base64. Code (`.js`, `.py`)
 * and PDFs are refused: we run no var loaders and extract no PDF text.
 */
import { extname } from 'node:path';
import { parse as parseYaml } from 'yaml';

const IMAGE = new Set(['jpg', 'jpeg', 'png', 'gif', 'bmp', 'webp', 'svg', 'tif', 'tiff', 'ico', 'avif', 'heic', 'heif']);
const VIDEO = new Set(['mp4', 'webm', 'ogg', 'mov', 'avi', 'wmv', 'mkv', 'm4v']);
const AUDIO = new Set(['wav', 'mp3', 'flac', 'aac', 'm4a', 'opus']);
const CODE = new Set(['js', 'cjs', 'mjs', 'ts', 'cts', 'mts', 'py']);

const MIME: Record<string, string> = {
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  png: 'image/png',
  gif: 'image/gif',
  bmp: 'image/bmp',
  webp: 'image/webp',
  svg: 'image/svg+xml',
  tif: 'image/tiff',
  tiff: 'image/tiff',
  ico: 'image/x-icon',
  avif: 'image/avif',
  heic: 'image/heic',
  heif: 'image/heif',
};

export type VarFileKind = 'text' | 'yaml' | 'image' | 'media' | 'code' | 'pdf';

export function varFileKind(path: string): VarFileKind {
  const ext = extname(path).slice(1).toLowerCase();
  if (ext === 'yaml' || ext === 'yml') return 'yaml';
  if (ext === 'pdf') return 'pdf';
  if (CODE.has(ext)) return 'code';
  if (IMAGE.has(ext)) return 'image';
  if (VIDEO.has(ext) || AUDIO.has(ext)) return 'media';
  return 'text';
}

/** The value promptfoo puts in the var for this file. `read`/`readBinary` apply the file bounds. */
export function loadVarFile(path: string, read: (p: string) => string, readBinary: (p: string) => Buffer): string {
  switch (varFileKind(path)) {
    case 'yaml':
      return JSON.stringify(parseYaml(read(path), { logLevel: 'silent', maxAliasCount: 1000 }) ?? null);
    case 'image': {
      const base64 = readBinary(path).toString('base64');
      return `data:${sniffImage(base64) ?? MIME[extname(path).slice(1).toLowerCase()] ?? 'image/jpeg'};base64,${base64}`;
    }
    case 'media':
      return readBinary(path).toString('base64');
    case 'text':
      return read(path).trim();
    default:
      throw new Error(`${path} cannot be loaded as a var`);
  }
}

/** promptfoo's detectMimeFromBase64: the magic numbers win over the extension. */
function sniffImage(base64: string): string | undefined {
  if (base64.startsWith('/9j/')) return 'image/jpeg';
  if (base64.startsWith('iVBORw0KGgo')) return 'image/png';
  if (base64.startsWith('R0lGODlh') || base64.startsWith('R0lGODdh')) return 'image/gif';
  if (base64.startsWith('UklGR')) return 'image/webp';
  if (base64.startsWith('Qk0') || base64.startsWith('Qk1')) return 'image/bmp';
  if (base64.startsWith('SUkq') || base64.startsWith('TU0A')) return 'image/tiff';
  if (base64.startsWith('AAABAA')) return 'image/x-icon';
  return undefined;
}

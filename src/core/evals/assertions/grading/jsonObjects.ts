import { parse as parseYaml } from 'yaml';

/**
 * The JSON objects in a grader's reply, found the way promptfoo finds them (src/util/json.ts `extractJsonObjects`):
 * from each `{`, braces are counted (strings are not special) up to the matching `}` — or the end of the text, with
 * the missing braces added — and the span is read as YAML, so the relaxed `{pass: true, score: 1}` graders sometimes
 * write counts too. The first object found ends that span.
 */
export function extractJsonObjects(text: string): Record<string, unknown>[] {
  const found: Record<string, unknown>[] = [];
  const maxLength = 100_000;
  for (let i = 0; i < text.length; i++) {
    if (text[i] !== '{') continue;
    let open = 1;
    let close = 0;
    let j = i + 1;
    while (j < Math.min(i + maxLength, text.length) && open > close) {
      if (text[j] === '{') open++;
      if (text[j] === '}') close++;
      j++;
      if (open === close || j === text.length || j === i + maxLength) {
        let candidate = text.slice(i, j);
        if (open > close) candidate += '}'.repeat(open - close);
        const parsed = parseObject(candidate);
        if (parsed) {
          found.push(parsed);
          i = j - 1;
          break;
        }
        if (open === close) break;
      }
    }
  }
  return found;
}

function parseObject(candidate: string): Record<string, unknown> | undefined {
  let value: unknown;
  try {
    value = JSON.parse(candidate);
  } catch {
    try {
      value = parseYaml(candidate, { uniqueKeys: false, logLevel: 'silent' });
    } catch {
      return undefined;
    }
  }
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
}

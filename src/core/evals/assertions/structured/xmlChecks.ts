/**
 * `is-xml` and `contains-xml` with promptfoo 0.123.1's semantics (src/assertions/xml.ts): is-xml needs the whole
 * output to be well-formed for saxes (promptfoo's strict parser), then fast-xml-parser's object for
 * `requiredElements` (dotted paths); contains-xml tries the fragments the scanner finds. Same reasons as promptfoo.
 */
import type { Check } from '../assertionOutcome';
import { loadFastXmlParser, loadSaxes } from './evalLibraries';
import { hasExternalSubset, hasInternalSubset, isWellFormedDoctype, readName, xmlCandidates } from './xmlScanner';

interface Verdict {
  valid: boolean;
  reason: string;
  wellFormed?: boolean;
}

function hasPath(value: unknown, path: string[]): boolean {
  let current = value;
  for (const key of path) {
    if (current === null || typeof current !== 'object') return false;
    if (Array.isArray(current)) {
      const index = Number(key);
      if (!Number.isInteger(index) || index < 0 || String(index) !== key || current[index] === undefined) return false;
      current = current[index];
    } else {
      const next = (current as Record<string, unknown>)[key];
      if (next === undefined) return false;
      current = next;
    }
  }
  return true;
}

function checkElements(xml: string, required: string[] | undefined): Verdict {
  const { XMLParser } = loadFastXmlParser();
  const parser = new XMLParser({ allowBooleanAttributes: true, ignoreAttributes: false, parseAttributeValue: true, parseTagValue: true });
  try {
    const parsed: unknown = parser.parse(xml);
    const missing = (required ?? []).filter((element) => !hasPath(parsed, element.split('.')));
    if (missing.length > 0) return { valid: false, reason: `XML is missing required elements: ${missing.join(', ')}`, wellFormed: true };
    return { valid: true, reason: 'XML is valid and contains all required elements', wellFormed: true };
  } catch (error) {
    return { valid: false, reason: `XML parsing failed: ${(error as Error).message}`, wellFormed: false };
  }
}

/** Entities an external DTD may declare stay as written instead of failing as undefined (promptfoo does the same). */
function keepExternalEntities(parser: { ENTITIES: Record<string, string> }): void {
  parser.ENTITIES = new Proxy(parser.ENTITIES, {
    get(target, property, receiver) {
      if (typeof property === 'string' && readName(property, 0)?.end === property.length && !Reflect.has(target, property))
        return `&${property};`;
      return Reflect.get(target, property, receiver) as unknown;
    },
  });
}

function wellFormedProblem(xml: string): string | undefined {
  let unsupported: string | undefined;
  let badDoctype: string | undefined;
  let standalone = false;
  try {
    const parser = new (loadSaxes().SaxesParser)({ xmlns: true });
    parser.on('xmldecl', (declaration) => {
      standalone = declaration.standalone === 'yes';
    });
    parser.on('doctype', (doctype) => {
      if (hasInternalSubset(doctype)) {
        unsupported = 'DTD internal subsets are not supported by is-xml validation';
        throw new Error(unsupported);
      }
      if (!isWellFormedDoctype(doctype)) {
        badDoctype = 'Malformed DOCTYPE declaration';
        throw new Error(badDoctype);
      }
      if (hasExternalSubset(doctype) && !standalone) keepExternalEntities(parser);
    });
    parser.write(xml).close();
    return undefined;
  } catch (error) {
    return unsupported ?? `XML parsing failed: ${badDoctype ?? (error instanceof Error ? error.message : String(error))}`;
  }
}

export function validateXml(xml: string, required: string[] | undefined): Verdict {
  const problem = wellFormedProblem(xml);
  if (problem) return { valid: false, reason: problem };
  const { valid, reason } = checkElements(xml, required);
  return { valid, reason };
}

export function containsXml(output: string, required: string[] | undefined): Verdict {
  const candidates = xmlCandidates(output);
  if (candidates.length === 0) return { valid: false, reason: 'No XML content found in the output' };
  const wellFormed: Array<{ start: number; end: number }> = [];
  for (const candidate of candidates) {
    if (wellFormed.some((c) => candidate.start >= c.start && candidate.end <= c.end)) continue;
    const verdict = checkElements(output.slice(candidate.start, candidate.end), required);
    if (verdict.valid) return { valid: true, reason: verdict.reason };
    if (verdict.wellFormed) wellFormed.push(candidate);
  }
  return { valid: false, reason: 'No valid XML content found matching the requirements' };
}

/**
 * The required elements a value names: `a.b, c` (text), a list, or {requiredElements: [...]}; none for no value.
 * A mapping without `requiredElements` is an error in promptfoo too (checked at the file's line by the parser).
 */
export function requiredElements(value: unknown): string[] | undefined {
  if (typeof value === 'string') return value.split(',').map((element) => element.trim());
  if (Array.isArray(value) && value.length > 0) return value.map((element) => String(element));
  if (value !== null && typeof value === 'object' && Object.keys(value).length > 0) {
    const list = (value as { requiredElements?: unknown }).requiredElements;
    if (Array.isArray(list)) return list.map((element) => String(element));
    throw new Error('xml assertion must contain a string, array value, or no value');
  }
  return undefined;
}

export function checkXml(kind: 'is-xml' | 'contains-xml', output: string, value: unknown, negate: boolean): Check {
  const verdict = (kind === 'is-xml' ? validateXml : containsXml)(output, requiredElements(value));
  const pass = verdict.valid !== negate;
  return { pass, score: pass ? 1 : 0, reason: pass ? 'Assertion passed' : verdict.reason };
}

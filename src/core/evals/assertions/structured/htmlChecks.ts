/**
 * `is-html` and `contains-html` with promptfoo 0.123.1's semantics (src/assertions/html.ts): is-html parses the
 * output with parse5 (promptfoo's version) and asks for at least one element the author wrote; contains-html scores
 * regex indicators of HTML. Same reasons, so failures read the same in both tools.
 */
import type { DefaultTreeAdapterTypes } from 'parse5';
import { booleanCheck, type Check } from '../assertionOutcome';
import { loadParse5 } from './evalLibraries';

type Node = DefaultTreeAdapterTypes.Node;
type Element = DefaultTreeAdapterTypes.Element;

/** promptfoo's size limit for both checks (10 MiB). */
const MAX_INPUT_SIZE = 10 * 1024 * 1024;

/** parse5 invents html/head/body around any input: they count only when the text itself has the tag. */
const WRITTEN_WRAPPER: Record<string, RegExp> = {
  html: /<html(?=[\s>/])/,
  head: /<head(?=[\s>/])/,
  body: /<body(?=[\s>/])/,
};

const HTML_ELEMENTS = new Set(
  (
    'html head title base link meta style body article section nav aside h1 h2 h3 h4 h5 h6 header footer address p hr ' +
    'pre blockquote ol ul li dl dt dd figure figcaption main div a em strong small s cite q dfn abbr ruby rt rp data ' +
    'time code var samp kbd sub sup i b u mark bdi bdo span br wbr img iframe embed object param picture source video ' +
    'audio track map area svg math script noscript canvas ins del table caption colgroup col tbody thead tfoot tr td ' +
    'th form label input button select datalist optgroup option textarea output progress meter fieldset legend ' +
    'details summary dialog menu slot template'
  ).split(' '),
);

function isElement(node: Node): node is Element {
  return 'tagName' in node;
}

function located(element: Element): boolean {
  return element.sourceCodeLocation !== null && element.sourceCodeLocation !== undefined;
}

/** Depth-first, document order: the first element that satisfies `test`. */
function findElement(root: Node, test: (element: Element) => boolean): Element | undefined {
  const stack: Node[] = [root];
  while (stack.length > 0) {
    const node = stack.pop()!;
    if (isElement(node) && test(node)) return node;
    const children = 'childNodes' in node ? node.childNodes : [];
    for (let i = children.length - 1; i >= 0; i--) stack.push(children[i]);
  }
  return undefined;
}

function writtenByAuthor(element: Element, lowercase: string): boolean {
  const tag = element.tagName.toLowerCase();
  if (WRITTEN_WRAPPER[tag]) return WRITTEN_WRAPPER[tag].test(lowercase) && located(element);
  return HTML_ELEMENTS.has(tag) || tag.includes('-');
}

/** undefined when the text is HTML, else why not (promptfoo's reasons). */
export function htmlProblem(text: string): string | undefined {
  const trimmed = text.trim();
  if (!trimmed) return 'Output is empty';
  if (trimmed.length > MAX_INPUT_SIZE) return 'Output exceeds maximum size limit';
  if (/^\s*<\?xml/i.test(trimmed)) return 'Output appears to be XML, not HTML';
  const document = loadParse5().parse(trimmed, { sourceCodeLocationInfo: true });
  const lowercase = trimmed.toLowerCase();
  const body = findElement(document, (e) => e.tagName === 'body');
  const bodyWritten = body !== undefined && WRITTEN_WRAPPER.body.test(lowercase) && located(body);
  // Loose text parse5 put into a body the author did not write: prose with tags in it, not an HTML document.
  if (!bodyWritten && body && body.childNodes.some((n) => n.nodeName === '#text' && Boolean((n as { value: string }).value.trim())))
    return 'Output must be wrapped in HTML tags';
  if (!findElement(document, (e) => writtenByAuthor(e, lowercase))) return 'Output does not contain recognized HTML elements';
  return undefined;
}

const INDICATORS = {
  openingTag: /<[a-zA-Z][a-zA-Z0-9-]*(?:\s[^>]*)?>/,
  closingTag: /<\/[a-zA-Z][a-zA-Z0-9-]*\s*>/,
  selfClosingTag: /<[a-zA-Z][a-zA-Z0-9-]*(?:\s[^>]*)?\/>/,
  entity: /&(?:[a-zA-Z]+|#[0-9]+|#x[0-9a-fA-F]+);/,
  doctype: /<!DOCTYPE\s+html/i,
  comment: /<!--[^-]*(?:-[^-]+)*-->/,
  attribute: /\s[a-zA-Z-]+=\s*["'][^"']*["']/,
  commonTag: /<(html|head|body|div|span|p|a|img|h[1-6]|ul|ol|li|table|tr|td|th|form|input|button|script|style|link|meta|br|hr)\b/i,
};

/** promptfoo's containsHtml: two or more points of evidence. */
export function containsHtml(text: string): boolean {
  if (text.length > MAX_INPUT_SIZE) return false;
  const opening = INDICATORS.openingTag.test(text);
  const closing = INDICATORS.closingTag.test(text);
  let points = opening && closing ? 2 : opening || closing ? 1 : 0;
  if (INDICATORS.selfClosingTag.test(text)) points += 1;
  if (INDICATORS.entity.test(text)) points += 1;
  if (INDICATORS.doctype.test(text)) points += 2;
  if (INDICATORS.comment.test(text)) points += 1;
  if (INDICATORS.attribute.test(text)) points += 1;
  if (INDICATORS.commonTag.test(text)) points += 2;
  return points >= 2;
}

export function checkIsHtml(output: string, negate: boolean): Check {
  const problem = htmlProblem(output);
  const pass = (problem === undefined) !== negate;
  return { pass, score: pass ? 1 : 0, reason: pass ? 'Assertion passed' : (problem ?? 'Output is valid HTML') };
}

export function checkContainsHtml(output: string, negate: boolean): Check {
  return booleanCheck(
    containsHtml(output),
    negate,
    'Expected output to contain HTML content',
    'Expected output to not contain HTML content',
  );
}

/**
 * Model output is untrusted input. It becomes DOM in two guarded steps:
 *  1. marked renders Markdown with raw HTML escaped (shown as text, never parsed) and images reduced to their
 *     alt text (no remote fetches);
 *  2. DOMPurify sanitizes the result with an HTML-only profile (no SVG/MathML), no forms, frames, styles or
 *     media, links limited to http(s)/mailto/#, and classes limited to marked's `language-*` on code.
 * The result is a DocumentFragment (not an HTML string), so nothing is parsed a second time (no mutation XSS).
 * The same code runs in the webview and, with jsdom's window, in the unit tests.
 */
import { Marked, type Tokens } from 'marked';
import DOMPurify, { type Config } from 'dompurify';

const FORBID_TAGS = [
  'style',
  'link',
  'meta',
  'base',
  'script',
  'noscript',
  'template',
  'slot',
  'form',
  'input',
  'button',
  'textarea',
  'select',
  'option',
  'label',
  'fieldset',
  'output',
  'iframe',
  'frame',
  'frameset',
  'object',
  'embed',
  'applet',
  'portal',
  'img',
  'picture',
  'source',
  'video',
  'audio',
  'track',
  'canvas',
  'map',
  'area',
  'svg',
  'math',
  'dialog',
  'details',
  'summary',
  'marquee',
];
const FORBID_ATTR = ['style', 'id', 'name', 'class', 'srcset', 'target', 'action', 'formaction', 'ping', 'background', 'poster'];
/** http(s), mailto and in-page anchors; everything else (javascript:, data:, vbscript:, file:, relative) is dropped. */
export const SAFE_URI = /^(?:https?:\/\/|mailto:|#)/i;
const LANGUAGE_CLASS = /^language-[\w#+.-]{1,40}$/;

export interface MarkdownRenderer {
  /** Markdown -> sanitized fragment, ready to append. */
  render(markdown: string): DocumentFragment;
  /** The sanitizer alone (HTML string in, fragment out), for defence-in-depth tests. */
  sanitize(html: string): DocumentFragment;
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

/** `win` is the webview's window, or jsdom's in tests. */
export function createMarkdownRenderer(win: Window & typeof globalThis): MarkdownRenderer {
  const purify = DOMPurify(win);
  const config: Config & { RETURN_DOM_FRAGMENT: true } = {
    USE_PROFILES: { html: true },
    FORBID_TAGS,
    FORBID_ATTR,
    ALLOWED_URI_REGEXP: SAFE_URI,
    ALLOW_DATA_ATTR: false,
    ALLOW_UNKNOWN_PROTOCOLS: false,
    RETURN_DOM_FRAGMENT: true,
  };
  // `class` is forbidden above; code blocks get their language class back here, checked against a strict pattern.
  purify.addHook('uponSanitizeAttribute', (node, data) => {
    if (data.attrName === 'class' && node.nodeName === 'CODE' && LANGUAGE_CLASS.test(data.attrValue)) data.forceKeepAttr = true;
  });
  purify.addHook('afterSanitizeAttributes', (node) => {
    if (node.nodeName === 'A') {
      const href = node.getAttribute('href');
      if (href && !SAFE_URI.test(href)) node.removeAttribute('href');
      node.setAttribute('rel', 'noopener noreferrer');
    }
  });

  const marked = new Marked({
    gfm: true,
    async: false,
    renderer: {
      html(token: Tokens.HTML | Tokens.Tag): string {
        return escapeHtml(token.text);
      },
      image(token: Tokens.Image): string {
        const label = token.text || token.href;
        return escapeHtml(`[image: ${label}]`);
      },
    },
  });

  const sanitize = (html: string): DocumentFragment => purify.sanitize(html, config) as DocumentFragment;
  return {
    sanitize,
    render: (markdown) => sanitize(marked.parse(markdown, { async: false }) as string),
  };
}

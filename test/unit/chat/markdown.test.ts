import assert from 'node:assert/strict';
import { JSDOM } from 'jsdom';
import { createMarkdownRenderer, type MarkdownRenderer } from '../../../media/chat/markdown';

/**
 * The webview's markdown pipeline (marked + DOMPurify) run in Node against jsdom, the DOM DOMPurify itself is
 * tested with. Each hostile answer must come out inert: no script, no handler, no dangerous URL, no style,
 * no frame, no form, no SVG.
 */
describe('chat markdown sanitizer', () => {
  let dom: JSDOM;
  let renderer: MarkdownRenderer;
  before(() => {
    dom = new JSDOM('<!doctype html><html><body></body></html>', { runScripts: 'outside-only' });
    renderer = createMarkdownRenderer(dom.window as unknown as Window & typeof globalThis);
  });
  after(() => dom.window.close());

  /** Renders into a live document, so anything that could execute would have had its chance. */
  function mount(fragment: DocumentFragment): HTMLElement {
    const host = dom.window.document.createElement('div');
    host.appendChild(fragment);
    dom.window.document.body.appendChild(host);
    return host;
  }
  const render = (md: string) => mount(renderer.render(md));
  const sanitize = (html: string) => mount(renderer.sanitize(html));

  function assertInert(host: HTMLElement): void {
    const all = [host, ...host.querySelectorAll('*')];
    for (const el of all) {
      for (const attr of [...el.attributes]) {
        assert.ok(!/^on/i.test(attr.name), `event handler attribute ${attr.name} survived on <${el.tagName}>`);
        assert.notEqual(attr.name, 'style', `style attribute survived on <${el.tagName}>`);
        assert.notEqual(attr.name, 'srcdoc');
        if (/^(href|src|xlink:href|action|formaction)$/i.test(attr.name)) {
          assert.match(attr.value, /^(https?:\/\/|mailto:|#)/i, `unsafe URL ${attr.value} on <${el.tagName}>`);
        }
      }
    }
    const forbidden = host.querySelectorAll(
      'script, style, link, iframe, frame, object, embed, form, input, button, svg, math, img, meta, base, template, textarea',
    );
    assert.equal(forbidden.length, 0, `forbidden elements survived: ${[...forbidden].map((e) => e.tagName).join(', ')}`);
    assert.equal((dom.window as unknown as { pwned?: unknown }).pwned, undefined, 'a script ran');
  }

  it('renders ordinary markdown: headings, lists, emphasis, tables, code with its language', () => {
    const host = render('# Title\n\n- one\n- **two**\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n```ts\nconst x = 1 < 2;\n```\n');
    assert.equal(host.querySelector('h1')?.textContent, 'Title');
    assert.equal(host.querySelectorAll('li').length, 2);
    assert.equal(host.querySelector('strong')?.textContent, 'two');
    assert.equal(host.querySelectorAll('td').length, 2);
    const code = host.querySelector('pre > code');
    assert.equal(code?.getAttribute('class'), 'language-ts');
    assert.equal(code?.textContent, 'const x = 1 < 2;\n');
  });

  it('keeps https and mailto links, adds rel=noopener, drops target', () => {
    const host = render('[docs](https://example.com/a) and <mailto:a@b.c>');
    const links = host.querySelectorAll('a');
    assert.equal(links[0].getAttribute('href'), 'https://example.com/a');
    assert.equal(links[0].getAttribute('rel'), 'noopener noreferrer');
    assert.equal(links[1].getAttribute('href'), 'mailto:a@b.c');
    const targeted = sanitize('<a href="https://x.test" target="_blank">x</a>');
    assert.equal(targeted.querySelector('a')?.hasAttribute('target'), false);
    assertInert(targeted);
  });

  it('shows raw HTML in markdown as text instead of parsing it', () => {
    const host = render('Hello <script>window.pwned = 1</script> <img src=x onerror="window.pwned=2">');
    assert.match(host.textContent ?? '', /<script>window.pwned = 1<\/script>/);
    assertInert(host);
  });

  const hostileMarkdown: Record<string, string> = {
    'javascript: link': '[click me](javascript:window.pwned=1)',
    'encoded javascript: link': '[click](jav&#x61;script:window.pwned=1)',
    'data: link': '[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)',
    'vbscript link': '[x](vbscript:msgbox(1))',
    'remote image': '![tracking pixel](https://evil.test/p.png)',
    'image with javascript src': '![x](javascript:window.pwned=1)',
    'code fence language with an injection': '```js" onmouseover="window.pwned=1\nx\n```',
    'html block': '<div onclick="window.pwned=1"><svg onload="window.pwned=1"><script>window.pwned=1</script></svg></div>',
    'style block': '<style>body{background:url(https://evil.test/x)}</style>',
    'autolink javascript': '<javascript:window.pwned=1>',
  };
  for (const [name, md] of Object.entries(hostileMarkdown)) {
    it(`renders a hostile answer inertly: ${name}`, () => assertInert(render(md)));
  }

  it('drops a javascript: link but keeps its text', () => {
    const host = render('[click me](javascript:window.pwned=1)');
    assert.match(host.textContent ?? '', /click me/);
    assert.equal(host.querySelector('a[href]'), null);
  });

  it('reduces images to their alt text (no remote fetch)', () => {
    const host = render('![diagram](https://evil.test/p.png)');
    assert.equal(host.querySelector('img'), null);
    assert.match(host.textContent ?? '', /\[image: diagram\]/);
  });

  // The sanitizer alone, fed HTML directly: the second line of defence if the markdown step ever lets HTML through.
  const hostileHtml: Record<string, string> = {
    'script tag': '<script>window.pwned=1</script>ok',
    'img onerror': '<img src=x onerror="window.pwned=1">',
    'body onload': '<body onload="window.pwned=1">',
    'javascript: href': '<a href="javascript:window.pwned=1">x</a>',
    'javascript: href with whitespace and case': '<a href=" JaVaScRiPt:window.pwned=1">x</a>',
    'svg with script': '<svg><script>window.pwned=1</script></svg>',
    'svg onload': '<svg onload="window.pwned=1"><circle r="5"/></svg>',
    'svg use xlink': '<svg><use xlink:href="data:image/svg+xml,<svg onload=alert(1)>"/></svg>',
    'svg animate href': '<svg><a><animate attributeName="href" values="javascript:window.pwned=1"/><text>x</text></a></svg>',
    'math with link': '<math><mtext><a href="javascript:window.pwned=1">x</a></mtext></math>',
    'style tag': '<style>*{color:red}@import url(https://evil.test/x.css);</style>',
    'style attribute': '<p style="background:url(https://evil.test/x);position:fixed;inset:0">x</p>',
    'link stylesheet': '<link rel="stylesheet" href="https://evil.test/x.css">',
    iframe: '<iframe src="https://evil.test"></iframe>',
    'iframe srcdoc': '<iframe srcdoc="<script>parent.pwned=1</script>"></iframe>',
    'object/embed': '<object data="x.swf"></object><embed src="x.swf">',
    form: '<form action="https://evil.test"><input name="q"><button formaction="javascript:x">go</button></form>',
    'meta refresh': '<meta http-equiv="refresh" content="0;url=https://evil.test">',
    'base href': '<base href="https://evil.test/">',
    'DOM clobbering id/name': '<a id="acquireVsCodeApi" name="vscode">x</a>',
    'class spoofing our UI': '<div class="answer-footer error">fake</div>',
    'mutation XSS via noscript': '<noscript><p title="</noscript><img src=x onerror=window.pwned=1>">',
    template: '<template><img src=x onerror=window.pwned=1></template>',
    'details ontoggle': '<details open ontoggle="window.pwned=1">x</details>',
  };
  for (const [name, html] of Object.entries(hostileHtml)) {
    it(`sanitizes hostile HTML: ${name}`, () => {
      const host = sanitize(html);
      assertInert(host);
      for (const el of host.querySelectorAll('*')) {
        assert.ok(
          !el.hasAttribute('id') && !el.hasAttribute('name') && !el.hasAttribute('class'),
          `identifying attribute kept on <${el.tagName}>`,
        );
      }
    });
  }
});

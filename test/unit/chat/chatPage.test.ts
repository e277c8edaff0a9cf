import assert from 'node:assert/strict';
import { webviewCsp, webviewPageHtml } from '../../../src/core/webview/webviewPage';
import { fitReplacement, locateOriginal } from '../../../src/core/chat/replacement';
import { fenceFor, historyMessages, userContent } from '../../../src/core/chat/chatPrompts';
import { isWebviewMessage, type Turn } from '../../../src/shared/chatProtocol';

describe('webview page (chat, cost report, model comparison)', () => {
  const source = 'https://abc.vscode-cdn.net';
  it('has a strict CSP: nothing by default, nonce scripts, no inline styles, no network, no frames', () => {
    const csp = webviewCsp(source, 'N0NCE');
    const directives = Object.fromEntries(csp.split('; ').map((d) => [d.split(' ')[0], d.split(' ').slice(1).join(' ')]));
    assert.equal(directives['default-src'], "'none'");
    assert.equal(directives['script-src'], `'nonce-N0NCE' ${source}`);
    assert.equal(directives['style-src'], `${source} 'nonce-N0NCE'`);
    assert.equal(directives['img-src'], `${source} data:`);
    assert.equal(directives['connect-src'], "'none'");
    assert.equal(directives['frame-src'], "'none'");
    assert.ok(!csp.includes('unsafe-inline') && !csp.includes('unsafe-eval'));
  });

  it('loads only the bundle, with the nonce, and escapes what it interpolates', () => {
    const html = webviewPageHtml({
      cspSource: source,
      nonce: 'N0NCE',
      scriptUri: `${source}/chat.js?a=1&b="2"`,
      styleUri: `${source}/chat.css`,
      title: 'Chat <&>',
    });
    assert.match(html, /<title>Chat &lt;&amp;>/);
    assert.match(html, /<script nonce="N0NCE" src="https:\/\/abc\.vscode-cdn\.net\/chat\.js\?a=1&amp;b=&quot;2&quot;"><\/script>/);
    assert.equal((html.match(/<script/g) ?? []).length, 1);
    assert.ok(!/<script[^>]*>[^<]/.test(html), 'no inline script');
  });
});

describe('chat protocol', () => {
  it('accepts well-formed webview messages and rejects anything else', () => {
    assert.ok(isWebviewMessage({ type: 'send', text: 'hi', model: 'auto', task: 'chat' }));
    assert.ok(isWebviewMessage({ type: 'action', action: 'setApiKey' }));
    assert.ok(!isWebviewMessage({ type: 'send', text: 'hi', model: 'auto', task: 'classify' }));
    assert.ok(!isWebviewMessage({ type: 'action', action: 'runCommand' }));
    assert.ok(!isWebviewMessage({ type: 'evil' }));
    assert.ok(!isWebviewMessage({ type: 'applyCode', turnId: 1, code: 'x' }));
    assert.ok(!isWebviewMessage(null));
    assert.ok(!isWebviewMessage('send'));
  });
});

describe('code task prompts', () => {
  it('puts the selection in a fence that code containing backticks cannot close', () => {
    assert.equal(fenceFor('plain'), '```');
    assert.equal(fenceFor('a ``` b'), '````');
    const content = userContent({
      text: 'Explain',
      context: {
        fileName: 'a.md',
        filePath: 'docs/a.md',
        languageId: 'markdown',
        code: '```js\nx\n```',
        uri: 'file:///a.md',
        range: { startLine: 2, startCharacter: 0, endLine: 4, endCharacter: 3 },
      },
    });
    assert.equal(content, 'Selected code from `docs/a.md` (markdown, lines 3-5):\n````markdown\n```js\nx\n```\n````\n\nExplain');
  });

  it('sends only completed exchanges as history', () => {
    const turns: Turn[] = [
      { id: 'u1', role: 'user', text: 'q1', task: 'chat', model: 'auto', at: '' },
      { id: 'a1', role: 'assistant', replyTo: 'u1', text: 'a1', status: 'done', notices: [] },
      { id: 'u2', role: 'user', text: 'q2', task: 'chat', model: 'auto', at: '' },
      { id: 'a2', role: 'assistant', replyTo: 'u2', text: 'partial', status: 'stopped', notices: [] },
      { id: 'u3', role: 'user', text: 'q3', task: 'chat', model: 'auto', at: '' },
      { id: 'a3', role: 'assistant', replyTo: 'u3', text: '', status: 'error', notices: [] },
    ];
    assert.deepEqual(historyMessages(turns), [
      { role: 'user', content: 'q1' },
      { role: 'assistant', content: 'a1' },
    ]);
  });
});

describe('applying a refactor', () => {
  it("matches the selection's trailing newline and the document's line endings", () => {
    assert.equal(fitReplacement('a()', 'b()\n', '\n'), 'b()');
    assert.equal(fitReplacement('a()\n', 'b()', '\n'), 'b()\n');
    assert.equal(fitReplacement('a()\r\n', 'b()\nc()\n', '\r\n'), 'b()\r\nc()\r\n');
  });

  it('finds the original code where it was, or its only other occurrence, else refuses', () => {
    const doc = 'x\nfunction f() {}\ny';
    assert.equal(locateOriginal(doc, 'function f() {}', 2), 2);
    assert.equal(locateOriginal('// moved\n' + doc, 'function f() {}', 2), 11);
    assert.equal(locateOriginal('f(); f();', 'f();', 3), undefined);
    assert.equal(locateOriginal(doc, 'gone', 0), undefined);
  });
});

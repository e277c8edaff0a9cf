/** What the chat page needs from the webview: its CSP source, a fresh nonce and the URIs of the bundle. */
export interface ChatPageInput {
  cspSource: string;
  nonce: string;
  scriptUri: string;
  styleUri: string;
}

/**
 * Strict CSP: nothing loads unless it comes from the extension's own webview resources, scripts also need the
 * nonce, no inline styles or handlers, no network (`connect-src 'none'`), no frames, forms or base changes.
 * Images only from the extension or data: (model output has no images; see media/chat/markdown.ts).
 */
export function chatCsp(cspSource: string, nonce: string): string {
  return [
    "default-src 'none'",
    `script-src 'nonce-${nonce}' ${cspSource}`,
    `style-src ${cspSource} 'nonce-${nonce}'`,
    `img-src ${cspSource} data:`,
    `font-src ${cspSource}`,
    "connect-src 'none'",
    "frame-src 'none'",
    "form-action 'none'",
    "base-uri 'none'",
  ].join('; ');
}

const attr = (value: string) => value.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');

export function chatPageHtml(input: ChatPageInput): string {
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${attr(chatCsp(input.cspSource, input.nonce))}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" nonce="${attr(input.nonce)}" href="${attr(input.styleUri)}">
<title>LLM Workbench Chat</title>
</head>
<body>
<div id="root"></div>
<script nonce="${attr(input.nonce)}" src="${attr(input.scriptUri)}"></script>
</body>
</html>`;
}

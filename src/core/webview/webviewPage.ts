/** What a webview page needs: the webview's CSP source, a fresh nonce, the bundle's URIs and a title. */
export interface WebviewPageInput {
  cspSource: string;
  nonce: string;
  scriptUri: string;
  styleUri: string;
  title: string;
}

/**
 * Strict CSP shared by every LLM Workbench webview: nothing loads unless it comes from the extension's own webview
 * resources, scripts also need the nonce, no inline styles or handlers, no network (`connect-src 'none'`), no frames,
 * forms or base changes. Images only from the extension or data: (model output has no images; see media/chat/markdown.ts).
 */
export function webviewCsp(cspSource: string, nonce: string): string {
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

/** The page around one webview bundle: its stylesheet, a `#root` for the script to render into, and the script. */
export function webviewPageHtml(input: WebviewPageInput): string {
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${attr(webviewCsp(input.cspSource, input.nonce))}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" nonce="${attr(input.nonce)}" href="${attr(input.styleUri)}">
<title>${attr(input.title)}</title>
</head>
<body>
<main id="root"></main>
<script nonce="${attr(input.nonce)}" src="${attr(input.scriptUri)}"></script>
</body>
</html>`;
}

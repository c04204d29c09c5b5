// The HTML shell of both webviews (dashboard panel and Monitor view). Pure, so the extension
// host and the Chromium tests build the very same page and apply the very same CSP.
// The CSP follows the VS Code webview guide: nothing by default, scripts only with the nonce,
// styles and fonts only from the extension's own resources (`cspSource`), plus nonce'd styles.
// https://code.visualstudio.com/api/extension-guides/webview#content-security-policy

export interface WebviewHtmlOptions {
  /** `webview.cspSource`, e.g. `https://*.vscode-cdn.net`. */
  cspSource: string;
  /** A fresh random value per page load (see createNonce). */
  nonce: string;
  /** `webview.asWebviewUri(…/dist/webview/dashboard.js)` as a string. */
  scriptUri: string;
  /** The bundle's stylesheet (`…/dist/webview/dashboard.css`), or null for none. */
  styleUri: string | null;
  title: string;
}

/** Escapes text for an HTML text node or a double- or single-quoted attribute. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (character) => HTML_ESCAPES[character] ?? character);
}

const HTML_ESCAPES: Readonly<Record<string, string>> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

// HTML entities are decoded before the CSP is parsed, so escaping alone cannot keep a `;` or a
// quote out of the policy: values that go into it must be plain tokens.
const NONCE_PATTERN = /^[A-Za-z0-9+/_-]{16,}={0,2}$/;
// VS Code's cspSource is a space-separated list (1.99: `'self' https://*.vscode-cdn.net`): each
// entry is `'self'` or a plain source without separators or quotes.
const CSP_SOURCE_PATTERN = /^(?:'self'|[^\s;,'"]+)(?: (?:'self'|[^\s;,'"]+))*$/;

/** The Content-Security-Policy of a page with this nonce and resource origin. */
export function webviewCsp(cspSource: string, nonce: string): string {
  if (!CSP_SOURCE_PATTERN.test(cspSource))
    throw new Error(`webview cspSource is not a list of CSP sources: ${JSON.stringify(cspSource)}`);
  if (!NONCE_PATTERN.test(nonce)) throw new Error('webview nonce must be at least 16 base64 characters');
  return [
    "default-src 'none'",
    `style-src ${cspSource} 'nonce-${nonce}'`,
    `script-src 'nonce-${nonce}'`,
    `font-src ${cspSource}`,
    `img-src ${cspSource} data:`,
  ].join('; ');
}

/**
 * The whole page: CSP meta tag, stylesheet, an empty `#app` root and the nonce'd script.
 * `csp-nonce` is where the toolkit's FAST runtime looks for the nonce of the one `<style>` it
 * inserts (a `:focus-visible` support probe); without it that probe is a CSP violation.
 */
export function buildWebviewHtml(options: WebviewHtmlOptions): string {
  const csp = webviewCsp(options.cspSource, options.nonce);
  const nonce = escapeHtml(options.nonce);
  const style =
    options.styleUri === null
      ? ''
      : `\n    <link rel="stylesheet" href="${escapeHtml(options.styleUri)}" nonce="${nonce}">`;
  return `<!DOCTYPE html>
<html lang="en">
  <head>
    <meta charset="UTF-8">
    <meta http-equiv="Content-Security-Policy" content="${escapeHtml(csp)}">
    <meta name="viewport" content="width=device-width, initial-scale=1.0">
    <meta property="csp-nonce" content="${nonce}">
    <title>${escapeHtml(options.title)}</title>${style}
  </head>
  <body>
    <main id="app" aria-busy="true"><p class="app-loading">Loading…</p></main>
    <script nonce="${nonce}" src="${escapeHtml(options.scriptUri)}"></script>
  </body>
</html>
`;
}

/** A random nonce (base64url, 32 characters) from the platform's crypto (Node 20 and browsers). */
export function createNonce(): string {
  const bytes = new Uint8Array(24);
  globalThis.crypto.getRandomValues(bytes);
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
  let nonce = '';
  for (let index = 0; index < bytes.length; index += 3) {
    const chunk = ((bytes[index] ?? 0) << 16) | ((bytes[index + 1] ?? 0) << 8) | (bytes[index + 2] ?? 0);
    for (let shift = 18; shift >= 0; shift -= 6) nonce += alphabet[(chunk >> shift) & 63];
  }
  return nonce;
}

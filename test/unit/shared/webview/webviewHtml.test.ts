import assert from 'node:assert/strict';
import { test } from 'node:test';
import { buildWebviewHtml, createNonce, escapeHtml, webviewCsp } from '../../../../src/shared/webview/webviewHtml';

const nonce = 'abcdefghijklmnopqrstuvwx';

test('the CSP allows nonce scripts only, and styles/fonts/images from the webview origin', () => {
  assert.equal(
    webviewCsp('https://*.vscode-cdn.net', nonce),
    `default-src 'none'; style-src https://*.vscode-cdn.net 'nonce-${nonce}'; script-src 'nonce-${nonce}'; font-src https://*.vscode-cdn.net; img-src https://*.vscode-cdn.net data:`,
  );
});

test('the shell has the CSP, the nonce on script and stylesheet, and escapes every value', () => {
  const html = buildWebviewHtml({
    cspSource: 'https://x.example',
    nonce,
    scriptUri: 'https://x.example/a.js?x="1"&y=<2>',
    styleUri: "https://x.example/a'.css",
    title: '<Run> & "co"',
  });
  // Attribute values are escaped; the browser decodes them before it parses the policy.
  assert.ok(
    html.includes(
      `<meta http-equiv="Content-Security-Policy" content="${escapeHtml(webviewCsp('https://x.example', nonce))}">`,
    ),
  );
  assert.ok(
    html.includes(`<script nonce="${nonce}" src="https://x.example/a.js?x=&quot;1&quot;&amp;y=&lt;2&gt;"></script>`),
  );
  assert.ok(html.includes(`<link rel="stylesheet" href="https://x.example/a&#39;.css" nonce="${nonce}">`));
  assert.ok(html.includes('<title>&lt;Run&gt; &amp; &quot;co&quot;</title>'));
  assert.ok(html.includes(`<meta property="csp-nonce" content="${nonce}">`));
  assert.ok(html.includes('<main id="app"'));
  assert.ok(
    !buildWebviewHtml({ cspSource: 'file:', nonce, scriptUri: 'a.js', styleUri: null, title: 't' }).includes('<link'),
  );
});

test('values that could change the policy are refused rather than escaped', () => {
  assert.throws(() => webviewCsp("https://x.example; script-src 'unsafe-inline'", nonce));
  assert.throws(() => webviewCsp("'self' 'unsafe-inline'", nonce));
  // What VS Code 1.99 gives as webview.cspSource.
  assert.match(
    webviewCsp("'self' https://*.vscode-cdn.net", nonce),
    /style-src 'self' https:\/\/\*\.vscode-cdn\.net 'nonce-/,
  );
  assert.throws(() => webviewCsp('https://x.example', "abc' 'unsafe-eval"));
  assert.throws(() => webviewCsp('https://x.example', 'short'));
});

test('nonces are fresh and policy-safe; escapeHtml covers the five characters', () => {
  const a = createNonce();
  assert.match(a, /^[A-Za-z0-9_-]{32}$/);
  assert.notEqual(a, createNonce());
  assert.doesNotThrow(() => webviewCsp('file:', a));
  assert.equal(
    escapeHtml(`<a href="x" title='y'>&</a>`),
    '&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;&lt;/a&gt;',
  );
});

// Opens a built webview (dist/webview/<view>.js/.css) in headless Chromium the way VS Code
// would: the shared HTML shell with its CSP and nonce, the theme's CSS variables and body class,
// and a stub acquireVsCodeApi that records posted messages and keeps setState's value.
// Nothing is served: the page is a file in a temp dir and loads the bundle by file:// URL.
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';
import type { Browser, Page } from 'playwright-core';
import { buildWebviewHtml, createNonce } from '../../src/shared/webview/webviewHtml';
import { THEMES } from './webviewThemes';
import type { ThemeName } from './webviewThemes';
import { skipIfMissing } from './prerequisites';
import { repoRoot } from './paths';

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const DIST_WEBVIEW = join(repoRoot, 'dist', 'webview');
export const SCREENSHOT_DIR = join(repoRoot, 'test-output', 'webview');

export type WebviewName = 'dashboard' | 'monitor' | 'explain';

/** Why the browser tests cannot run here, or false. */
export function cannotRun(view: WebviewName): string | false {
  if (!existsSync(CHROMIUM_PATH)) return skipIfMissing(`no Chromium at ${CHROMIUM_PATH}`);
  if (!existsSync(join(DIST_WEBVIEW, `${view}.js`)))
    return skipIfMissing(`dist/webview/${view}.js is not built (npm run build)`);
  return false;
}

export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

export interface OpenOptions {
  view: WebviewName;
  theme?: ThemeName;
  width?: number;
  height?: number;
  /** What getState() returns: the state a previous page saved. */
  savedState?: unknown;
}

export interface WebviewPage {
  page: Page;
  /** Messages the webview posted to the host, in order. */
  posted(): Promise<unknown[]>;
  /** The last value given to setState. */
  savedState(): Promise<unknown>;
  /** Delivers a message from the "host" and resolves once the view has rendered it (two animation frames). */
  post(message: unknown): Promise<void>;
  /** securitypolicyviolation reports, and console errors about refused resources. */
  cspViolations(): Promise<string[]>;
  consoleWarnings: string[];
  pageErrors: string[];
  close(): Promise<void>;
}

interface PageGlobals {
  __posted: unknown[];
  __state: unknown;
  __csp: string[];
  postMessage(message: unknown, targetOrigin: string): void;
  requestAnimationFrame(callback: () => void): number;
}

export async function openWebview(browser: Browser, options: OpenOptions): Promise<WebviewPage> {
  const theme = THEMES[options.theme ?? 'dark'];
  const dir = mkdtempSync(join(tmpdir(), 'medtransfer-webview-'));
  const nonce = createNonce();
  const shell = buildWebviewHtml({
    cspSource: 'file:',
    nonce,
    scriptUri: pathToFileURL(join(DIST_WEBVIEW, `${options.view}.js`)).href,
    styleUri: pathToFileURL(join(DIST_WEBVIEW, `${options.view}.css`)).href,
    title: `MedTransfer ${options.view}`,
  });
  const variables = Object.entries(theme.variables)
    .map(([name, value]) => `${name}: ${value};`)
    .join(' ');
  const html = shell
    .replace('</head>', `  <style nonce="${nonce}">:root { ${variables} }</style>\n  </head>`)
    .replace('<body>', `<body class="${theme.bodyClass}" data-vscode-theme-kind="${theme.bodyClass}">`);
  const file = join(dir, 'index.html');
  writeFileSync(file, html);

  const context = await browser.newContext({
    viewport: { width: options.width ?? 1100, height: options.height ?? 900 },
    deviceScaleFactor: 1,
    colorScheme: options.theme === 'light' ? 'light' : 'dark',
  });
  const page = await context.newPage();
  const consoleWarnings: string[] = [];
  const pageErrors: string[] = [];
  const refused: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'warning') consoleWarnings.push(message.text());
    if (message.type() === 'error' && /Refused to|Content Security Policy/i.test(message.text()))
      refused.push(message.text());
  });
  page.on('pageerror', (error) => pageErrors.push(String(error)));
  await page.addInitScript({
    content: `(() => {
      window.__posted = [];
      window.__state = ${JSON.stringify(options.savedState ?? null)};
      window.__csp = [];
      document.addEventListener('securitypolicyviolation', (event) => window.__csp.push(event.violatedDirective + ' ' + event.blockedURI));
      let acquired = false;
      window.acquireVsCodeApi = () => {
        if (acquired) throw new Error('acquireVsCodeApi called twice');
        acquired = true;
        return {
          postMessage: (message) => window.__posted.push(JSON.parse(JSON.stringify(message))),
          getState: () => window.__state,
          setState: (state) => { window.__state = JSON.parse(JSON.stringify(state)); },
        };
      };
    })();`,
  });
  await page.goto(pathToFileURL(file).href);
  return {
    page,
    posted: () => page.evaluate(() => (globalThis as unknown as PageGlobals).__posted),
    savedState: () => page.evaluate(() => (globalThis as unknown as PageGlobals).__state),
    post: async (message) => {
      await page.evaluate((data) => (globalThis as unknown as PageGlobals).postMessage(data, '*'), message);
      // The views render on the next animation frame: wait two, so that what follows sees this message's page.
      await page.evaluate(
        () =>
          new Promise<void>((resolve) => {
            const frames = globalThis as unknown as PageGlobals;
            frames.requestAnimationFrame(() => frames.requestAnimationFrame(() => resolve()));
          }),
      );
    },
    cspViolations: async () => [
      ...(await page.evaluate(() => (globalThis as unknown as PageGlobals).__csp)),
      ...refused,
    ],
    consoleWarnings,
    pageErrors,
    close: async () => {
      await context.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Waits until the webview has posted a message of `type`. */
export async function waitForPosted(view: WebviewPage, type: string): Promise<void> {
  await view.page.waitForFunction(
    (wanted) =>
      (globalThis as unknown as PageGlobals).__posted.some(
        (message) => (message as { type?: unknown }).type === wanted,
      ),
    type,
  );
}

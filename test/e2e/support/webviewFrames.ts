// Webview content in the workbench sits two iframes deep (VS Code's host frame, then the
// frame holding the extension's HTML), and frames come and go as views are shown, hidden or
// reloaded. These helpers search every frame of the page for a selector.
import type { Frame, Page } from 'playwright-core';

/** The body VS Code puts in a webview whose provider threw (mainThreadWebviews.ts, getWebviewResolvedFailedContent). */
const FAILED_VIEW_TEXT = 'An error occurred while loading view';

async function has(frame: Frame, selector: string): Promise<boolean> {
  try {
    return (await frame.$(selector)) !== null;
  } catch {
    // The frame navigated or was detached while we looked: not this one.
    return false;
  }
}

/**
 * The frame that holds `selector`, waiting up to `timeoutMs`. Fails at once, with VS Code's
 * message, when a webview shows the "error while loading view" page instead of its content.
 */
export async function webviewFrame(page: Page, selector: string, timeoutMs = 30_000): Promise<Frame> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    for (const frame of page.frames()) {
      if (frame === page.mainFrame()) continue;
      if (await has(frame, selector)) return frame;
      if (await has(frame, `body:has-text("${FAILED_VIEW_TEXT}")`)) {
        const text = await frame
          .locator('body')
          .innerText()
          .catch(() => FAILED_VIEW_TEXT);
        throw new Error(
          `a webview failed to load instead of showing ${selector}: "${text.trim()}" (the extension's resolveWebviewView or HTML threw; see the browser console log)`,
        );
      }
    }
    if (Date.now() > deadline) {
      const urls = page.frames().map((frame) => frame.url().slice(0, 120));
      throw new Error(`no frame holds ${selector} after ${timeoutMs} ms; frames:\n  ${urls.join('\n  ')}`);
    }
    await page.waitForTimeout(250);
  }
}

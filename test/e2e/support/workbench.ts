// Driving VS Code's workbench (code-server in headless Chromium) the way a user does: the
// activity bar, tree rows, code lenses, the command palette, squiggles and their hovers, the
// Problems panel. Selectors are VS Code 1.99's DOM; each finder waits for a condition, never a
// fixed time, so a slow CI machine only makes the suite slower.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import type { Browser, Locator, Page } from 'playwright-core';
import { REPO_ROOT } from './codeServer';

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const OUTPUT_DIR = join(REPO_ROOT, 'test-output', 'e2e');

/** Flags from tools/install-code-server.sh: no sandbox (root in a container), no GPU, no network chatter. */
export function launchBrowser(): Promise<Browser> {
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

export interface ConsoleLine {
  type: string;
  text: string;
}

export class Workbench {
  /** Console messages and page errors of the workbench and its frames (webviews included). */
  readonly console: ConsoleLine[] = [];

  private constructor(readonly page: Page) {
    page.on('console', (message) => {
      if (message.type() === 'error' || message.type() === 'warning')
        this.console.push({ type: message.type(), text: message.text() });
    });
    page.on('pageerror', (error) => this.console.push({ type: 'pageerror', text: error.stack ?? error.message }));
  }

  /** Opens `url` (code-server with `?folder=`) and waits until the workbench is laid out. */
  static async open(browser: Browser, url: string): Promise<Workbench> {
    const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
    const page = await context.newPage();
    page.setDefaultTimeout(30_000);
    const workbench = new Workbench(page);
    await page.goto(url);
    await page.locator('.monaco-workbench .part.statusbar').waitFor({ timeout: 60_000 });
    return workbench;
  }

  /** Errors and stack traces that come from the MedTransfer extension host code or its webviews. */
  extensionErrors(): string[] {
    return this.console
      .filter(
        (line) => line.type !== 'warning' && /medtransfer\.medtransfer|\/extensions\/medtransfer\./i.test(line.text),
      )
      .map((line) => line.text);
  }

  async screenshot(name: string): Promise<string> {
    mkdirSync(OUTPUT_DIR, { recursive: true });
    const path = join(OUTPUT_DIR, `${name}.png`);
    await this.page.screenshot({ path });
    return path;
  }

  /** Shows a view container of the activity bar (a click on the active one would hide the side bar). */
  async showContainer(title: string): Promise<void> {
    // With a badge (runs active) the label reads `MedTransfer - 1 running, 0 queued`.
    const label = this.page.locator(`a.action-label[aria-label="${title}"], a.action-label[aria-label^="${title} - "]`);
    const item = this.page.locator('.part.activitybar .action-item', { has: label });
    await item.waitFor();
    const heading = this.page.locator('.part.sidebar .composite.title', { hasText: title });
    // After a window reload the item can be marked active while the side bar is hidden.
    if (!((await item.getAttribute('class')) ?? '').split(/\s+/).includes('checked') || !(await heading.isVisible()))
      await item.locator('a.action-label').click();
    await heading.waitFor();
  }

  /** A row of a tree in the side bar whose aria-label (label, then description) starts with `prefix`. */
  treeRow(prefix: string): Locator {
    return this.page.locator(`.part.sidebar .monaco-list-row[aria-label^="${cssString(prefix)}"]`);
  }

  /**
   * Clicks a tree row. A row hovered by an earlier step leaves its tooltip (a context view)
   * over its neighbours, which takes the click: the mouse moves off first and the tooltip goes.
   */
  async clickTreeRow(prefix: string): Promise<void> {
    await this.dismissHovers();
    await this.treeRow(prefix).click();
  }

  /** Moves the mouse to a corner and waits until no hover or tooltip is left on screen. */
  async dismissHovers(): Promise<void> {
    await this.page.mouse.move(5, 5);
    const hovers = this.page.locator('.context-view .rendered-markdown:visible, .monaco-hover:not(.hidden):visible');
    for (let tries = 0; (await hovers.count()) > 0; tries += 1) {
      if (tries === 20) throw new Error('a hover stayed on screen after the mouse moved away and Escape');
      await this.page.keyboard.press('Escape');
      await this.page.waitForTimeout(250);
    }
  }

  async expandTreeRow(row: Locator): Promise<void> {
    if ((await row.getAttribute('aria-expanded')) === 'false') await row.locator('.monaco-tl-twistie').click();
    await row.and(this.page.locator('[aria-expanded="true"]')).waitFor();
  }

  /** The active editor: the visible editor of the active group. */
  activeEditor(): Locator {
    return this.page.locator('.part.editor .editor-group-container.active .editor-instance .monaco-editor').first();
  }

  /** The active tab of the active editor group, if its title has `title`. */
  activeTab(title: string): Locator {
    return this.page.locator('.part.editor .editor-group-container.active .tab.active', { hasText: title });
  }

  async waitForActiveTab(fileName: string): Promise<void> {
    await this.activeTab(fileName).waitFor();
    await this.activeEditor().locator('.view-lines').waitFor();
  }

  /** A code lens of the active editor, by its exact text (`▶ Run experiment`, `■ Stop`…). */
  codeLens(text: string | RegExp): Locator {
    const exact = typeof text === 'string' ? new RegExp(`^${escapeRegExp(text)}$`) : text;
    return this.activeEditor().locator('.contentWidgets .codelens-decoration a').filter({ hasText: exact });
  }

  async codeLensTexts(): Promise<string[]> {
    return (await this.activeEditor().locator('.contentWidgets .codelens-decoration a').allTextContents()).map((text) =>
      text.trim(),
    );
  }

  /** Runs a command from the command palette by its full title (`MedTransfer: Open Dashboard`). */
  async runCommand(title: string): Promise<void> {
    await this.page.keyboard.press('F1');
    const input = this.page.locator('.quick-input-widget .quick-input-box input');
    await input.waitFor({ state: 'visible' });
    await input.fill(`>${title}`);
    // Enter runs the focused (first) entry: wait until that is ours, not a fuzzy neighbour.
    await this.page
      .locator(`.quick-input-widget .monaco-list-row.focused[aria-label^="${cssString(title)}"]`)
      .waitFor();
    await this.page.keyboard.press('Enter');
  }

  /** Moves the cursor of the active editor to the end of a 1-based line (Go to Line, then End). */
  async goToLineEnd(line: number): Promise<void> {
    await this.activeEditor().locator('.view-lines').click();
    await this.page.keyboard.press('Control+G');
    const input = this.page.locator('.quick-input-widget .quick-input-box input');
    await input.waitFor({ state: 'visible' });
    await input.fill(`:${line}`);
    await this.page.keyboard.press('Enter');
    await this.page.locator('.quick-input-widget').waitFor({ state: 'hidden' });
    await this.page.keyboard.press('End');
    await this.page.locator('.part.statusbar', { hasText: `Ln ${line},` }).waitFor();
  }

  squiggles(): Locator {
    return this.activeEditor().locator('.view-overlays .squiggly-error');
  }

  /**
   * Hovers `target` until a hover containing `text` shows. The editor shows a hover only after
   * the mouse rests on the decoration, so the mouse moves away and back until it appears.
   */
  async hoverUntil(target: Locator, text: string, timeoutMs = 15_000): Promise<Locator> {
    const hover = this.page.locator('.monaco-hover:not(.hidden)').filter({ hasText: text });
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const box = await target.boundingBox();
      if (box) {
        await this.page.mouse.move(box.x + box.width / 2, box.y + box.height / 2, { steps: 4 });
        try {
          await hover.first().waitFor({ state: 'visible', timeout: 2_000 });
          return hover.first();
        } catch (error) {
          if (Date.now() > deadline) throw error;
        }
      } else if (Date.now() > deadline) {
        throw new Error('the hover target has no box (not visible)');
      }
      await this.page.mouse.move(5, 5);
    }
  }

  /** Notification toasts whose message contains `text`. */
  notification(text: string): Locator {
    return this.page.locator('.notifications-toasts .notification-list-item', { hasText: text });
  }

  /** The text of every notification toast on screen (for a failing step's message). */
  async notificationTexts(): Promise<string[]> {
    const texts = await this.page.locator('.notifications-toasts .notification-list-item').allInnerTexts();
    return texts.map((text) => text.replace(/\s+/g, ' ').trim());
  }

  /** Rows of the Problems panel (opened with Ctrl+Shift+M), as their aria-labels. */
  problemRows(): Locator {
    return this.page.locator('.part.panel .markers-panel .monaco-list-row');
  }
}

/** A value for a double-quoted CSS attribute selector. */
function cssString(text: string): string {
  return text.replace(/["\\]/g, '\\$&');
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

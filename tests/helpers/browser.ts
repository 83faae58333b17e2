// A real headless Chromium (Debian's /usr/bin/chromium) driven by playwright-core; nothing is downloaded.
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type BrowserContext, chromium } from 'playwright-core';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const ARTIFACTS = fileURLToPath(new URL('../artifacts/', import.meta.url));
/** `npm run screenshots` sets this: the screenshots marked for the docs are written there too. */
const DOCS_DIR = process.env.SLOTKEEPER_DOC_SCREENSHOTS;

export interface Browser {
  context: BrowserContext;
  /** Saves a screenshot of the page under tests/artifacts/ (git-ignored), and `doc` ones to the docs when asked. */
  screenshot(
    page: import('playwright-core').Page,
    name: string,
    opts?: { doc?: boolean; fullPage?: boolean },
  ): Promise<void>;
  close(): Promise<void>;
}

export async function launchBrowser(viewport = { width: 1280, height: 900 }): Promise<Browser> {
  const userDataDir = mkdtempSync(join(tmpdir(), 'slotkeeper-chromium-'));
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: CHROMIUM,
    headless: true,
    viewport,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  mkdirSync(ARTIFACTS, { recursive: true });
  return {
    context,
    async screenshot(page, name, opts = {}) {
      const fullPage = opts.fullPage ?? true;
      await page.screenshot({ path: join(ARTIFACTS, `${name}.png`), fullPage });
      if (opts.doc && DOCS_DIR) await page.screenshot({ path: join(DOCS_DIR, `${name}.png`), fullPage });
    },
    async close() {
      await context.close();
      rmSync(userDataDir, { recursive: true, force: true });
    },
  };
}

import fs from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { loadConfig } from '../../infra/config';
import { ensureChromium } from '../../stack/chromium';

/**
 * Pages in a real browser: headless Chromium from Debian's package (stack/chromium.ts), driven by playwright-core,
 * and screenshots of what it showed, kept across runs.
 */

/** Headless Chromium; without its sandbox, which needs a user namespace the tests (run as root) do not have. */
export async function launchBrowser(): Promise<Browser> {
  const executablePath = await ensureChromium();
  return chromium.launch({ executablePath, headless: true, args: ['--no-sandbox'] });
}

/** The run's folder: DANVAN_SCREENSHOT_DIR, or a folder per run under the cache, so earlier runs' stay to compare with. */
const runDir = process.env.DANVAN_SCREENSHOT_DIR ?? path.join(loadConfig().DANVAN_CACHE_DIR, 'screenshots', new Date().toISOString().replace(/[:.]/g, '-'));
const DOCS_IMAGES = path.resolve(__dirname, '..', '..', 'docs', 'images');
let announced = false;

/**
 * The whole page as a PNG in the run's folder; with DANVAN_DOCS_SCREENSHOTS=1 a page meant for the docs is written to
 * docs/images/<docs.file>.png too, the whole page or only its first screen (a phone's whole page is metres long).
 */
export async function screenshot(page: Page, name: string, docs?: { file: string; firstScreen?: boolean }): Promise<string> {
  fs.mkdirSync(runDir, { recursive: true });
  if (!announced) {
    process.stderr.write(`[dashboard] screenshots in ${runDir}\n`);
    announced = true;
  }
  const file = path.join(runDir, `${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
  if (docs && process.env.DANVAN_DOCS_SCREENSHOTS === '1') {
    fs.mkdirSync(DOCS_IMAGES, { recursive: true });
    await page.screenshot({ path: path.join(DOCS_IMAGES, `${docs.file}.png`), fullPage: !docs.firstScreen });
  }
  return file;
}

/** Whether the page is wider than its window: what a reader at that width would have to scroll sideways. */
export function scrollsSideways(page: Page): Promise<boolean> {
  return page.evaluate<boolean>('document.documentElement.scrollWidth > document.documentElement.clientWidth');
}

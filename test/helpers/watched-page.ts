/**
 * The HTML report in headless Chromium (Debian's, driven by playwright-core), watched: every request the page
 * makes and every console error or warning it logs are recorded, so a test can assert it loads nothing but
 * itself and logs nothing.
 */
import { existsSync } from 'node:fs';
import { chromium, type Browser, type Page } from 'playwright-core';

export const CHROMIUM = '/usr/bin/chromium';
export const HAVE_CHROMIUM = existsSync(CHROMIUM);

/** Chromium with nothing of its own on the network (no background networking, component updates, sync, QUIC). */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'],
  });
}

export interface WatchedPage {
  page: Page;
  /** Every URL the page requested, in order (the report itself first). */
  requests: string[];
  /** Console errors and warnings (`error: …`, `warning: …`), uncaught page errors (`pageerror: …`) and, when asked for, dialogs (`dialog: …`). */
  consoleErrors: string[];
}

export interface WatchOptions {
  /** Record every alert/confirm/prompt as an error (and dismiss it). */
  dialogsAreErrors?: boolean;
}

/** Opens the report at `url` in a 1280 × 900 page, watched from before it loads, once its script marks it ready. */
export async function watchedPage(browser: Browser, url: string, options: WatchOptions = {}): Promise<WatchedPage> {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  const requests: string[] = [];
  const consoleErrors: string[] = [];
  page.on('request', (r) => requests.push(r.url()));
  page.on('console', (m) => {
    if (m.type() === 'error' || m.type() === 'warning') consoleErrors.push(`${m.type()}: ${m.text()}`);
  });
  page.on('pageerror', (e) => consoleErrors.push(`pageerror: ${e.message}`));
  if (options.dialogsAreErrors) {
    page.on('dialog', (d) => {
      consoleErrors.push(`dialog: ${d.message()}`);
      void d.dismiss();
    });
  }
  await page.goto(url, { waitUntil: 'load' });
  await page.waitForSelector('html[data-report-ready]', { state: 'attached', timeout: 15_000 });
  return { page, requests, consoleErrors };
}

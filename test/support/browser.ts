import { mkdirSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import {
  type Browser,
  type BrowserContext,
  type BrowserContextOptions,
  chromium,
  type Page,
  type Response,
} from 'playwright-core';
import { expect } from 'vitest';
import { linkIn, type SentEmail } from './local-system.js';

/**
 * What the browser tests share: Debian's headless Chromium (at /usr/bin/chromium), a fresh context per
 * test, and the checks every form gets the same way (navigations, the error summary, keyboard focus, the
 * phone-width screenshot).
 */

/**
 * Just what these helpers read inside the page. The callbacks passed to `page.evaluate` run in
 * Chromium; the project compiles without the DOM library, so this file declares the little it uses.
 */
interface PageElement {
  classList: { contains(name: string): boolean };
  getAttribute(name: string): string | null;
  id: string;
}
declare const document: { activeElement: PageElement | null };
declare function getComputedStyle(element: PageElement): { outlineStyle: string; outlineWidth: string };

/** Headless, and nothing the browser would fetch for itself: only the local system's pages are loaded. */
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** One browser for a test file. */
export const launchChromium = (): Promise<Browser> =>
  chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS });

/** A context of its own for a test (no cookies or history from the last), with one page open. */
export async function openPage(
  browser: Browser,
  options: BrowserContextOptions = {},
): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext(options);
  // Short: a page of ours that takes seconds is itself a failure worth seeing.
  context.setDefaultTimeout(5_000);
  return { context, page: await context.newPage() };
}

/** The phone the forms must fit: no sideways scrolling at this width. */
export const PHONE = { width: 375, height: 812 };

/** Gitignored (see .gitignore): screenshots are for people to look at, never committed. */
const SCREENSHOTS = resolve(import.meta.dirname, '../../test-results/e2e');

/**
 * A full-page screenshot of the page as it is now, kept as `fileName`, checked to be a PNG as wide as
 * the phone (a full-page capture is as wide as the page: anything wider than the screen would show here
 * too). Returns its height and size, for what each test expects of them.
 */
export async function phoneScreenshot(page: Page, fileName: string) {
  mkdirSync(SCREENSHOTS, { recursive: true });
  const file = resolve(SCREENSHOTS, fileName);
  await page.screenshot({ path: file, fullPage: true });
  const png = readFileSync(file);
  expect(png.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
  expect(png.subarray(12, 16).toString('ascii')).toBe('IHDR');
  expect(png.readUInt32BE(16)).toBe(PHONE.width);
  return { height: png.readUInt32BE(20), bytes: png.length };
}

/** Runs `action` and returns the response of the page it navigates to, once that page has loaded. */
export async function navigation(page: Page, action: () => Promise<unknown>): Promise<Response> {
  const [response] = await Promise.all([
    page.waitForEvent('response', (r) => r.request().isNavigationRequest() && r.frame() === page.mainFrame()),
    action(),
  ]);
  await page.waitForLoadState('load');
  return response;
}

/** Clicks the form's button and returns the page the answer leads to. */
export const submitWith = (page: Page, button: string) =>
  navigation(page, () => page.getByRole('button', { name: button }).click());

/** Shows the email as the person's mail program would, and clicks its button: the link we sent. */
export async function openFromEmail(page: Page, email: SentEmail, button: string) {
  await page.setContent(email.body.html ?? '');
  const link = page.getByRole('link', { name: button });
  expect(await link.getAttribute('href')).toBe(linkIn(email));
  const opened = await navigation(page, () => link.click());
  expect(opened.status()).toBe(200);
  expect(page.url()).toBe(linkIn(email));
}

export const heading = (page: Page) => page.locator('h1').innerText();
export const focusedId = (page: Page) => page.evaluate(() => document.activeElement?.id ?? '');

/** The error summary: focused as the page loads (so a screen reader reads it first), with its links. */
export async function errorSummary(page: Page) {
  const summary = page.locator('.error-summary');
  expect(await summary.getAttribute('role')).toBe('alert');
  await expect
    .poll(() => page.evaluate(() => document.activeElement?.classList.contains('error-summary')), {
      timeout: 2_000,
    })
    .toBe(true);
  const links = summary.getByRole('link');
  return {
    texts: await links.allInnerTexts(),
    targets: (await links.evaluateAll((as) => as.map((a) => a.getAttribute('href')))).map((h) =>
      (h ?? '').replace(/^#/, ''),
    ),
  };
}

/** Tab moves focus to `id`, and shows it (the yellow focus outline). */
export async function tabTo(page: Page, id: string) {
  await page.keyboard.press('Tab');
  expect(await focusedId(page)).toBe(id);
  expect(
    await page.evaluate(() => {
      const style = getComputedStyle(document.activeElement as PageElement);
      return `${style.outlineStyle} ${style.outlineWidth}`;
    }),
  ).toBe('solid 3px');
}

import { mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, resolve } from 'node:path';
import {
  type Browser,
  type BrowserContext,
  type BrowserContextOptions,
  chromium,
  type Page,
  type Response,
} from 'playwright-core';
import { afterAll, afterEach, beforeAll, beforeEach, expect, inject } from 'vitest';
import type { LocalSystem } from '../../infra/local/system.js';
import { checkInvariantsAfterEach, type InvariantChecks } from './invariants.js';
import { linkIn, type SentEmail, startTestSystem } from './local-system.js';

/**
 * What the browser tests share: Debian's headless Chromium (at /usr/bin/chromium), a fresh context per
 * test, and the checks every form gets the same way (navigations, the error summary, keyboard focus, the
 * phone-width screenshot, axe-core's accessibility rules).
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
declare const document: {
  activeElement: PageElement | null;
  documentElement: { scrollWidth: number };
  querySelectorAll(selectors: string): { length: number };
};
declare function getComputedStyle(element: PageElement): { outlineStyle: string; outlineWidth: string };
interface AxeNode {
  target: unknown[];
  html: string;
  failureSummary?: string;
}
interface AxeRule {
  id: string;
  impact?: string | null;
  help: string;
  helpUrl: string;
  nodes: AxeNode[];
}
/** axe-core, once injected into the page. */
declare const axe: {
  run(context: unknown): Promise<{ violations: AxeRule[]; passes: AxeRule[]; incomplete: AxeRule[] }>;
};

/**
 * The run's Chromium (test/setup/chromium-server.ts), for one test file: closing what this returns closes
 * the file's contexts and leaves the browser to the other files.
 */
export const connectChromium = (): Promise<Browser> => chromium.connect(inject('chromiumEndpoint'));

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

/**
 * The hooks of a browser test file: the local system and a connection to Chromium once for the file
 * (`started` gets them, and may set up what the file's tests share), a fresh context and page per test
 * (`opened` gets them), at a desktop size with the pages' CSP relaxed for axe-core unless
 * `accessibilityChecks` is false, and axe's lesser findings reported at the end. After each test the
 * whole-system invariants hold (`invariants` says where to look for participants the file wrote straight
 * into the store).
 */
export function browserTestFile(hooks: {
  lesserFindings: AccessibilityFinding[];
  started: (system: LocalSystem, browser: Browser) => Promise<void> | void;
  opened: (context: BrowserContext, page: Page) => void;
  accessibilityChecks?: boolean;
  invariants?: InvariantChecks;
}) {
  let system: LocalSystem | undefined;
  let browser: Browser | undefined;
  let context: BrowserContext | undefined;
  beforeAll(async () => {
    [system, browser] = await Promise.all([startTestSystem(), connectChromium()]);
    await hooks.started(system, browser);
  });
  afterAll(async () => {
    reportLesserFindings(hooks.lesserFindings);
    await browser?.close();
    await system?.stop();
  });
  beforeEach(async () => {
    if (!browser) throw new Error('Chromium did not start');
    const opened = await openPage(
      browser,
      hooks.accessibilityChecks === false
        ? {}
        : { ...ACCESSIBILITY_CHECKS, viewport: { width: 1024, height: 768 } },
    );
    context = opened.context;
    hooks.opened(opened.context, opened.page);
  });
  afterEach(() => context?.close());
  checkInvariantsAfterEach(() => system, hooks.invariants);
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
  // The new page's own load event, not waitForLoadState: the old page counts as loaded already, and a key
  // press (unlike a click) does not wait for the navigation it starts.
  const [response] = await Promise.all([
    page.waitForEvent('response', (r) => r.request().isNavigationRequest() && r.frame() === page.mainFrame()),
    page.waitForEvent('load'),
    action(),
  ]);
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

/** Injected as an inline script: the pages' CSP forbids scripts, so the contexts bypass it (bypassCSP). */
const AXE_SOURCE = readFileSync(
  resolve(dirname(createRequire(import.meta.url).resolve('axe-core')), 'axe.min.js'),
  'utf8',
);

/**
 * What a context needs for `checkAccessibility`: our pages' CSP forbids every script, axe-core's
 * included, so the context bypasses it. (It cannot be lifted later for a page already loaded: Chromium
 * binds a page's CSP as it loads.) Only for the tests that check accessibility: the others keep the
 * pages' own CSP, as a real browser enforces it.
 */
export const ACCESSIBILITY_CHECKS = { bypassCSP: true } as const satisfies BrowserContextOptions;

/** What axe found, on which page. */
export interface AccessibilityFinding {
  page: string;
  rule: string;
  impact: string;
  help: string;
  helpUrl: string;
  nodes: { target: string; html: string; summary: string }[];
}

/** Findings as a person reads them: impact, rule and page, then each element with what to fix. */
export const readableFindings = (findings: AccessibilityFinding[]) =>
  findings
    .map(
      (f) =>
        `[${f.impact}] ${f.rule} on "${f.page}": ${f.help} (${f.helpUrl})\n${f.nodes
          .map((n) => `    at ${n.target}\n      ${n.html}\n      ${n.summary.replace(/\n/g, '\n      ')}`)
          .join('\n')}`,
    )
    .join('\n');

/**
 * axe-core on the page as it is now, named `pageName` in what it reports: no serious or critical
 * violations, and every input, textarea and select named (by axe's `label` rule: none it could not
 * decide on, and as many passed as there are controls). Soft assertions: one page's problems do not hide
 * the next page's. Returns the lesser (moderate or minor) violations, for the caller to list with
 * `reportLesserFindings` once its tests are done. The page's context needs `ACCESSIBILITY_CHECKS`.
 */
export async function checkAccessibility(page: Page, pageName: string): Promise<AccessibilityFinding[]> {
  try {
    await page.addScriptTag({ content: AXE_SOURCE });
  } catch (error) {
    throw new Error(
      `axe-core could not be injected into "${pageName}": open its context with ACCESSIBILITY_CHECKS`,
      {
        cause: error,
      },
    );
  }
  const audit = await page.evaluate(async () => {
    const results = await axe.run(document);
    const summarise = (rules: AxeRule[]) =>
      rules.map((r) => ({
        rule: r.id,
        impact: r.impact ?? 'none',
        help: r.help,
        helpUrl: r.helpUrl,
        nodes: r.nodes.map((n) => ({
          target: n.target.map(String).join(' '),
          html: n.html,
          summary: n.failureSummary ?? '',
        })),
      }));
    return {
      violations: summarise(results.violations),
      unsureLabels: summarise(results.incomplete.filter((r) => r.id === 'label')),
      passed: results.passes.length,
      labelled: results.passes.find((r) => r.id === 'label')?.nodes.length ?? 0,
      controls: document.querySelectorAll('input:not([type=hidden]), textarea, select').length,
    };
  });
  expect(audit.passed, `axe ran its rules on "${pageName}"`).toBeGreaterThan(10);
  const violations = audit.violations.map((v) => ({ page: pageName, ...v }));
  const serious = violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  expect.soft(serious, `axe on "${pageName}":\n${readableFindings(serious)}`).toEqual([]);
  expect.soft(audit.unsureLabels, `labels axe could not decide on "${pageName}"`).toEqual([]);
  expect
    .soft(audit.labelled, `every input and textarea on "${pageName}" has an accessible name`)
    .toBe(audit.controls);
  return violations.filter((v) => !serious.includes(v));
}

/** Lists the lesser findings, if any, for people to read: they do not fail a test. */
export function reportLesserFindings(findings: AccessibilityFinding[]) {
  if (findings.length > 0)
    console.info(`axe also found these lesser (moderate or minor) issues:\n${readableFindings(findings)}`);
}

/** Each field in error says so, and is described by its message (after its hint, where it has one). */
export async function expectFieldErrors(
  page: Page,
  errors: Record<string, { message: string; hint?: boolean }>,
) {
  for (const [name, { message, hint }] of Object.entries(errors)) {
    expect(await page.locator(`#${name}-error`).innerText()).toBe(`Error: ${message}`);
    expect(await page.locator(`#${name}`).getAttribute('aria-describedby')).toBe(
      hint ? `${name}-hint ${name}-error` : `${name}-error`,
    );
  }
}

/**
 * The checks every form page gets: axe-core in the page (no serious or critical violations; every input,
 * textarea and select named, by the `label` rule), then a 375-pixel phone width (no sideways scrolling),
 * with a full-page screenshot when `screenshot` names one. Soft assertions: one page's problems do not
 * hide the next page's. Returns axe's lesser findings, for the file to report at the end.
 */
export async function checkFormPage(page: Page, name: string, screenshot?: string) {
  const lesser = await checkAccessibility(page, name);
  const size = page.viewportSize();
  await page.setViewportSize(PHONE);
  expect
    .soft(await page.evaluate(() => document.documentElement.scrollWidth), `"${name}" at 375 px`)
    .toBeLessThanOrEqual(PHONE.width);
  if (screenshot) {
    // As wide as the phone (checked inside), and a real picture of the page, not an empty one.
    const png = await phoneScreenshot(page, screenshot);
    expect(png.height).toBeGreaterThan(0);
    expect(png.bytes).toBeGreaterThan(1_000);
  }
  if (size) await page.setViewportSize(size);
  return lesser;
}

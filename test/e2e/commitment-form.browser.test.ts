import { mkdirSync, readFileSync } from 'node:fs';
import { isIP } from 'node:net';
import { resolve } from 'node:path';
import { type Browser, type BrowserContext, chromium, type Page, type Response } from 'playwright-core';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { commitmentRequestId } from '../../functions/domain/request.js';
import { programmeById } from '../../functions/programmes/index.js';
import type { LocalSystem } from '../../infra/local/system.js';
import { readWorkflow } from '../../workflows/definitions.js';
import {
  createCohort,
  enrol,
  linkIn,
  mailbox,
  startTestSystem,
  waitForStatus,
} from '../support/local-system.js';

/**
 * The senior leader's side of the commitment gate in real headless Chromium (Debian's, at
 * /usr/bin/chromium): the emailed link, the form, its errors, the keyboard, a phone-sized screen, and
 * what the system records and sends once they answer. One browser for the file, one context per test.
 */
/**
 * Just what these tests read inside the page. The callbacks passed to `page.evaluate` run in Chromium;
 * the project compiles without the DOM library, so this file declares the little it uses, for itself.
 */
interface PageElement {
  id: string;
  textContent: string | null;
  classList: { contains(name: string): boolean };
  getAttribute(name: string): string | null;
  closest(selectors: string): PageElement | null;
  querySelector(selectors: string): PageElement | null;
}
declare const document: {
  activeElement: PageElement | null;
  documentElement: { scrollWidth: number };
  getElementById(id: string): PageElement | null;
};
declare const navigator: { userAgent: string };
declare function getComputedStyle(element: PageElement): { outlineStyle: string; outlineWidth: string };

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
/** Gitignored (see .gitignore): screenshots are for people to look at, never committed. */
const SCREENSHOTS = resolve(import.meta.dirname, '../../test-results/e2e');
const programme = programmeById('ncetm-pd-lead');

let system: LocalSystem;
let browser: Browser;
let context: BrowserContext;
let page: Page;

beforeAll(async () => {
  [system, browser] = await Promise.all([
    startTestSystem(),
    chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS }),
  ]);
  await createCohort(system);
});
afterAll(async () => {
  await browser?.close();
  await system?.stop();
});
beforeEach(async () => {
  context = await browser.newContext();
  context.setDefaultTimeout(5_000);
  page = await context.newPage();
});
afterEach(() => context?.close());

/**
 * Signing ends the commitment gate at ReadyForDevelopmentDays. While that state ends the lifecycle the
 * execution must succeed there; once the ASL carries on into the programme, it must pass through it
 * and keep going without failing. Read from the ASL itself, so this follows the one source of truth.
 */
const readyForDevelopmentDays = (
  JSON.parse(readWorkflow('ParticipantLifecycle')) as { States: Record<string, { Type: string }> }
).States.ReadyForDevelopmentDays;

async function expectPastCommitmentGate(executionArn: string) {
  expect(readyForDevelopmentDays).toBeDefined();
  await vi.waitFor(
    () => {
      const { statesEntered, status } = system.stepFunctions.describeExecution(executionArn);
      if (!statesEntered.includes('ReadyForDevelopmentDays'))
        throw new Error(
          `Execution is ${status} at ${statesEntered.at(-1)}, not past ReadyForDevelopmentDays`,
        );
    },
    { timeout: 10_000, interval: 20 },
  );
  if (readyForDevelopmentDays?.Type === 'Succeed') {
    await waitForStatus(system, executionArn, 'SUCCEEDED');
    expect(system.stepFunctions.describeExecution(executionArn).statesEntered.at(-1)).toBe(
      'ReadyForDevelopmentDays',
    );
  } else {
    const { status, statesEntered } = system.stepFunctions.describeExecution(executionArn);
    expect(status).not.toBe('FAILED');
    expect(statesEntered).not.toContain('LifecycleFailed');
    expect(statesEntered).not.toContain('CommitmentDeclined');
  }
}

/** Enrols a participant and returns the link in the ask their senior leader was emailed. */
async function asked(email: string) {
  const enrolled = await enrol(system, { email });
  const ask = await mailbox(system).waitForEmail(enrolled.leader, /^Please confirm your support for/);
  return { ...enrolled, ask, link: linkIn(ask), requestId: commitmentRequestId(enrolled.participantId) };
}

/** Runs `action` and returns the response of the page it navigates to, once that page has loaded. */
async function navigation(action: () => Promise<unknown>): Promise<Response> {
  const [response] = await Promise.all([
    page.waitForEvent('response', (r) => r.request().isNavigationRequest() && r.frame() === page.mainFrame()),
    action(),
  ]);
  await page.waitForLoadState('load');
  return response;
}

const send = () => navigation(() => page.getByRole('button', { name: 'Send my answer' }).click());
const heading = () => page.locator('h1').innerText();
const focusedId = () => page.evaluate(() => document.activeElement?.id ?? '');
const requestStatus = async (requestId: string) =>
  (await system.dependencies.store.getRequest(requestId))?.status;

/** The error summary: focused as the page loads (so a screen reader reads it first), with its links. */
async function errorSummary() {
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

describe('the commitment form in Chromium', () => {
  it('opened from the emailed ask: shows the commitment, signs, and records the evidence', async () => {
    const { link, ask, participantId, executionArn, participant, leader, requestId } =
      await asked('browser-signs@school.test');

    // The leader clicks the button in the email itself, not a link we built.
    await page.setContent(ask.body.html ?? '');
    const button = page.getByRole('link', { name: 'Review and sign the commitment' });
    expect(await button.getAttribute('href')).toBe(link);
    const opened = await navigation(() => button.click());
    expect(opened.status()).toBe(200);
    expect(page.url()).toBe(link);

    expect(await heading()).toBe('Support Asha Patel on the programme');
    const shown = await page.locator('main').innerText();
    expect(shown).toContain(programme.commitment.summary);
    for (const pledge of programme.commitment.pledges) expect(shown).toContain(pledge);
    expect(shown).toContain('Hillside Primary');

    await page.getByRole('radio', { name: 'Yes, I commit to supporting them' }).check();
    await page.getByLabel('Your full name').fill('Sam Okafor');
    await page.getByLabel('Your role').fill('Head teacher');
    await page.getByRole('checkbox', { name: /I agree to the commitment above/ }).check();
    const before = system.clock.now();
    const thanked = await send();
    const after = system.clock.now();

    expect(thanked.status()).toBe(200);
    expect(await heading()).toBe('Thank you: your answer is recorded');
    expect(await page.locator('main').innerText()).toContain('You have committed to supporting Asha Patel');

    await expectPastCommitmentGate(executionArn);
    await mailbox(system).waitForEmail(participant, /ready to start/);
    await mailbox(system).waitForEmail(leader, /commitment to support Asha Patel is recorded/);

    const { commitment } = (await system.dependencies.store.getParticipant(participantId)) ?? {};
    expect(commitment).toMatchObject({
      decision: 'signed',
      signedBy: 'Sam Okafor',
      role: 'Head teacher',
      textVersion: programme.commitment.textVersion,
    });
    // The user agent is the browser's own, exactly as it sent it.
    expect(commitment?.userAgent).toBe(await page.evaluate(() => navigator.userAgent));
    expect(commitment?.userAgent).toMatch(/HeadlessChrome\/\d+/);
    expect(isIP(commitment?.ipAddress ?? '')).not.toBe(0);
    expect(commitment?.ipAddress).toMatch(/^(127\.0\.0\.1|::1|::ffff:127\.0\.0\.1)$/);
    const answeredAt = new Date(commitment?.answeredAt ?? 0).getTime();
    expect(answeredAt).toBeGreaterThanOrEqual(before.getTime());
    expect(answeredAt).toBeLessThanOrEqual(after.getTime());
    expect(await requestStatus(requestId)).toBe('answered');

    // Opening the link again (a second click in the email) explains rather than offering the form.
    const again = await navigation(() => page.goto(link));
    expect(again.status()).toBe(409);
    expect(await heading()).toBe('This commitment has already been answered');
    expect(await page.locator('main').innerText()).toContain('signed by Sam Okafor (Head teacher)');
    expect(await page.locator('form').count()).toBe(0);
  });

  it('submitted empty: a focused error summary links to each field, and what was typed is kept', async () => {
    const { link, requestId } = await asked('browser-errors@school.test');
    await page.goto(link);

    const empty = await send();
    expect(empty.status()).toBe(422);
    expect(await page.title()).toMatch(/^Error: /);
    const first = await errorSummary();
    expect(first.texts).toEqual([
      expect.stringMatching(/Choose whether you can commit/),
      expect.stringMatching(/Enter a name/),
      expect.stringMatching(/Enter your role/),
    ]);
    expect(first.targets).toEqual(['decision', 'signedBy', 'role']);
    // Each field says what is wrong with it, and is described by that message.
    expect(await page.getByLabel('Your full name').getAttribute('aria-describedby')).toContain(
      'signedBy-error',
    );
    expect(await page.locator('#signedBy-error').innerText()).toContain('Enter a name');
    // Every link has a target: the text field itself, or for the choice its question above the options.
    expect(
      await page.evaluate(
        (ids: string[]) =>
          ids.map((id) => document.getElementById(id)?.closest('fieldset, div')?.querySelector('input')?.id),
        first.targets,
      ),
    ).toEqual(['decision-signed', 'signedBy', 'role']);

    // Fix some things but not others: everything typed comes back, quotes and all.
    await page.getByRole('radio', { name: 'Yes, I commit to supporting them' }).check();
    await page.getByLabel('Your full name').fill(`Sam "Sammy" O'Kafor`);
    await page.getByLabel(/If you cannot commit/).fill('Nothing to add & nothing < to hide');
    const partial = await send();
    expect(partial.status()).toBe(422);
    const second = await errorSummary();
    expect(second.targets).toEqual(['role', 'agree']);
    expect(second.texts[1]).toMatch(/Tick the box/);
    expect(await page.getByLabel('Your full name').inputValue()).toBe(`Sam "Sammy" O'Kafor`);
    expect(await page.getByRole('radio', { name: 'Yes, I commit to supporting them' }).isChecked()).toBe(
      true,
    );
    expect(await page.getByLabel(/If you cannot commit/).inputValue()).toBe(
      'Nothing to add & nothing < to hide',
    );
    expect(await requestStatus(requestId)).toBe('open');

    // The links lead to their fields: following one focuses the field to fix. (Followed only now: a
    // followed link leaves its #fragment on the address, and the next error page would scroll to that
    // field instead of focusing its summary.)
    await page.locator('.error-summary a[href="#role"]').click();
    expect(await focusedId()).toBe('role');
    await page.locator('.error-summary a[href="#agree"]').click();
    expect(await focusedId()).toBe('agree');

    await page.getByLabel('Your role').fill('Head teacher');
    await page.getByRole('checkbox', { name: /I agree to the commitment above/ }).check();
    expect((await send()).status()).toBe(200);
    expect(await heading()).toBe('Thank you: your answer is recorded');
    expect(await requestStatus(requestId)).toBe('answered');
  });

  it('can be answered with the keyboard alone: Tab to each field, Space to choose, Enter to send', async () => {
    const { link, executionArn, participantId } = await asked('browser-keyboard@school.test');
    await page.goto(link);

    /** Focus is where we expect, and visibly so (the yellow focus outline). */
    const tabTo = async (id: string) => {
      await page.keyboard.press('Tab');
      expect(await focusedId()).toBe(id);
      expect(
        await page.evaluate(() => {
          const style = getComputedStyle(document.activeElement as PageElement);
          return `${style.outlineStyle} ${style.outlineWidth}`;
        }),
      ).toBe('solid 3px');
    };

    await tabTo('decision-signed');
    await page.keyboard.press('Space');
    await tabTo('signedBy');
    await page.keyboard.type('Sam Okafor');
    // Enter in a text field sends the form: the role and the tick are missing.
    expect((await navigation(() => page.keyboard.press('Enter'))).status()).toBe(422);
    expect((await errorSummary()).targets).toEqual(['role', 'agree']);
    // From the focused summary, Tab reaches its first link and Enter follows it to the field.
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.getAttribute('href'))).toBe('#role');
    await page.keyboard.press('Enter');
    expect(await focusedId()).toBe('role');
    await page.keyboard.type('Head teacher');
    await tabTo('agree');
    await page.keyboard.press('Space');
    await tabTo('reason');
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Send my answer');
    const sent = await navigation(() => page.keyboard.press('Enter'));

    expect(sent.status()).toBe(200);
    expect(await heading()).toBe('Thank you: your answer is recorded');
    await expectPastCommitmentGate(executionArn);
    expect((await system.dependencies.store.getParticipant(participantId))?.commitment).toMatchObject({
      decision: 'signed',
      signedBy: 'Sam Okafor',
      role: 'Head teacher',
    });
  });

  it('fits a 375-pixel phone screen: no sideways scrolling, choices big enough to tap, errors included', async () => {
    await context.close();
    context = await browser.newContext({ viewport: { width: 375, height: 812 }, isMobile: true });
    context.setDefaultTimeout(5_000);
    page = await context.newPage();
    const { link } = await asked('browser-phone@school.test');

    await page.goto(link);
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(375);
    // Every choice is big enough to tap (WCAG 2.2 target size, 24 by 24 CSS pixels), long label or not.
    for (const id of ['decision-signed', 'decision-declined', 'agree']) {
      const box = await page.locator(`#${id}`).boundingBox();
      expect(box?.width, id).toBeGreaterThanOrEqual(24);
      expect(box?.height, id).toBeGreaterThanOrEqual(24);
    }
    mkdirSync(SCREENSHOTS, { recursive: true });
    const file = resolve(SCREENSHOTS, 'commitment-form-375.png');
    await page.screenshot({ path: file, fullPage: true });
    const png = readFileSync(file);
    expect(png.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
    expect(png.subarray(12, 16).toString('ascii')).toBe('IHDR');
    // A full-page capture is as wide as the page: anything wider than the screen would show here too.
    expect(png.readUInt32BE(16)).toBe(375);
    expect(png.readUInt32BE(20)).toBeGreaterThan(812);

    await send();
    expect(await page.locator('.error-summary').isVisible()).toBe(true);
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(375);
  });

  it('declining needs a reason, then tells everyone and ends at CommitmentDeclined', async () => {
    const { link, executionArn, participantId, participant, requestId } = await asked(
      'browser-declines@school.test',
    );
    await page.goto(link);

    await page.getByRole('radio', { name: 'No, I cannot commit' }).check();
    await page.getByLabel('Your full name').fill('Sam Okafor');
    await page.getByLabel('Your role').fill('Head teacher');
    const noReason = await send();
    expect(noReason.status()).toBe(422);
    const summary = await errorSummary();
    expect(summary.targets).toEqual(['reason']);
    expect(summary.texts[0]).toMatch(/Tell us why you cannot support them/);
    expect(await page.getByRole('radio', { name: 'No, I cannot commit' }).isChecked()).toBe(true);
    expect(await page.getByLabel('Your full name').inputValue()).toBe('Sam Okafor');
    expect(await requestStatus(requestId)).toBe('open');
    expect(system.stepFunctions.describeExecution(executionArn).status).toBe('RUNNING');

    await page.getByLabel(/If you cannot commit/).fill('Staffing cuts this year');
    const declined = await send();
    expect(declined.status()).toBe(200);
    expect(await heading()).toBe('Thank you: your answer is recorded');
    expect(await page.locator('main').innerText()).toContain('you cannot commit at the moment');

    await waitForStatus(system, executionArn, 'SUCCEEDED');
    expect(system.stepFunctions.describeExecution(executionArn).statesEntered.at(-1)).toBe(
      'CommitmentDeclined',
    );
    expect((await system.dependencies.store.getParticipant(participantId))?.commitment).toMatchObject({
      decision: 'declined',
      reason: 'Staffing cuts this year',
    });
    await mailbox(system).waitForEmail(participant, /cannot go ahead/);
    const toAdmin = await mailbox(system).waitForEmail(
      system.dependencies.settings.ADMIN_EMAIL,
      /Commitment declined/,
    );
    expect(toAdmin.body.text).toContain('Staffing cuts this year');
  });
});

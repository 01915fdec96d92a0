import { isIP } from 'node:net';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { programmeById } from '../../functions/programmes/index.js';
import type { LocalSystem } from '../../infra/local/system.js';
import {
  ACCESSIBILITY_CHECKS,
  type AccessibilityFinding,
  browserTestFile,
  checkAccessibility,
  errorSummary,
  focusedId,
  heading,
  navigation,
  openFromEmail,
  openPage,
  PHONE,
  phoneScreenshot,
  submitWith,
  tabTo,
} from '../support/browser.js';
import { askedToCommit, expectPastCommitmentGate } from '../support/commitment.js';
import { createCohort, mailbox, waitForStatus } from '../support/local-system.js';
import type { PageDocument } from '../support/page-dom.js';

/**
 * The senior leader's side of the commitment gate in real headless Chromium (Debian's, at
 * /usr/bin/chromium): the emailed link, the form, its errors, the keyboard, a phone-sized screen, and
 * what the system records and sends once they answer. The form, fresh and with its errors, and the
 * thank-you pages are checked with axe-core (no serious or critical violations, every control labelled).
 * One browser for the file, one context per test.
 */
/** The page's globals, as the callbacks run inside it see them (see test/support/page-dom.ts). */
declare const document: PageDocument;
declare const navigator: { userAgent: string };

const programme = programmeById('ncetm-pd-lead');

let system: LocalSystem;
let browser: Browser;
let context: BrowserContext;
let page: Page;

/** What axe found that fails no test (moderate or minor), listed once the file's tests are done. */
const lesserFindings: AccessibilityFinding[] = [];

browserTestFile({
  lesserFindings,
  async started(startedSystem, startedBrowser) {
    [system, browser] = [startedSystem, startedBrowser];
    await createCohort(system);
  },
  opened(openedContext, openedPage) {
    [context, page] = [openedContext, openedPage];
  },
  accessibilityChecks: false,
});

/**
 * For a test that checks its pages with axe-core: a fresh context that lets axe in (the pages' CSP keeps
 * out every script). The other tests keep the pages' own CSP, as the leader's browser enforces it, so
 * their answers are still sent under its form-action.
 */
async function openForAccessibilityChecks() {
  await context.close();
  ({ context, page } = await openPage(browser, ACCESSIBILITY_CHECKS));
}
const checkPage = async (name: string) => lesserFindings.push(...(await checkAccessibility(page, name)));

/** Enrols a participant and returns the ask their senior leader was emailed, its link and its request. */
const asked = (email: string) => askedToCommit(system, email);

const send = () => submitWith(page, 'Send my answer');
const requestStatus = async (requestId: string) =>
  (await system.dependencies.store.requests.get(requestId))?.status;

describe('the commitment form in Chromium', () => {
  it('opened from the emailed ask: shows the commitment, signs, and records the evidence', async () => {
    await openForAccessibilityChecks();
    const { link, ask, participantId, executionArn, participant, leader, requestId } =
      await asked('browser-signs@school.test');

    // The leader clicks the button in the email itself, not a link we built.
    await openFromEmail(page, ask, 'Review and sign the commitment');

    expect(await heading(page)).toBe('Support Asha Patel on the programme');
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
    expect(await heading(page)).toBe('Thank you: your answer is recorded');
    expect(await page.locator('main').innerText()).toContain('You have committed to supporting Asha Patel');
    await checkPage('commitment: thank you, signed');

    await expectPastCommitmentGate(system, executionArn);
    await mailbox(system).waitForEmail(participant, /ready to start/);
    await mailbox(system).waitForEmail(leader, /commitment to support Asha Patel is recorded/);

    const { commitment } = (await system.dependencies.store.participants.get(participantId)) ?? {};
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
    const again = await navigation(page, () => page.goto(link));
    expect(again.status()).toBe(409);
    expect(await heading(page)).toBe('This commitment has already been answered');
    expect(await page.locator('main').innerText()).toContain('signed by Sam Okafor (Head teacher)');
    expect(await page.locator('form').count()).toBe(0);
    await checkPage('commitment: already answered');
  });

  it('submitted empty: a focused error summary links to each field, and what was typed is kept', async () => {
    await openForAccessibilityChecks();
    const { link, requestId } = await asked('browser-errors@school.test');
    await page.goto(link);
    expect(await heading(page)).toBe('Support Asha Patel on the programme');
    await checkPage('commitment form');

    const empty = await send();
    expect(empty.status()).toBe(422);
    expect(await page.title()).toMatch(/^Error: /);
    const first = await errorSummary(page);
    expect(first.texts).toEqual([
      expect.stringMatching(/Choose whether you can commit/),
      expect.stringMatching(/Enter a name/),
      expect.stringMatching(/Enter your role/),
    ]);
    expect(first.targets).toEqual(['decision', 'signedBy', 'role']);
    await checkPage('commitment form, submitted empty');
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
    const second = await errorSummary(page);
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
    expect(await focusedId(page)).toBe('role');
    await page.locator('.error-summary a[href="#agree"]').click();
    expect(await focusedId(page)).toBe('agree');

    await page.getByLabel('Your role').fill('Head teacher');
    await page.getByRole('checkbox', { name: /I agree to the commitment above/ }).check();
    expect((await send()).status()).toBe(200);
    expect(await heading(page)).toBe('Thank you: your answer is recorded');
    expect(await requestStatus(requestId)).toBe('answered');
  });

  it('can be answered with the keyboard alone: Tab to each field, Space to choose, Enter to send', async () => {
    const { link, executionArn, participantId } = await asked('browser-keyboard@school.test');
    await page.goto(link);

    await tabTo(page, 'decision-signed');
    await page.keyboard.press('Space');
    await tabTo(page, 'signedBy');
    await page.keyboard.type('Sam Okafor');
    // Enter in a text field sends the form: the role and the tick are missing.
    expect((await navigation(page, () => page.keyboard.press('Enter'))).status()).toBe(422);
    expect((await errorSummary(page)).targets).toEqual(['role', 'agree']);
    // From the focused summary, Tab reaches its first link and Enter follows it to the field.
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.getAttribute('href'))).toBe('#role');
    await page.keyboard.press('Enter');
    expect(await focusedId(page)).toBe('role');
    await page.keyboard.type('Head teacher');
    await tabTo(page, 'agree');
    await page.keyboard.press('Space');
    await tabTo(page, 'reason');
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Send my answer');
    const sent = await navigation(page, () => page.keyboard.press('Enter'));

    expect(sent.status()).toBe(200);
    expect(await heading(page)).toBe('Thank you: your answer is recorded');
    await expectPastCommitmentGate(system, executionArn);
    expect((await system.dependencies.store.participants.get(participantId))?.commitment).toMatchObject({
      decision: 'signed',
      signedBy: 'Sam Okafor',
      role: 'Head teacher',
    });
  });

  it('fits a 375-pixel phone screen: no sideways scrolling, choices big enough to tap, errors included', async () => {
    await context.close();
    ({ context, page } = await openPage(browser, { viewport: PHONE, isMobile: true }));
    const { link } = await asked('browser-phone@school.test');

    await page.goto(link);
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(PHONE.width);
    // Every choice is big enough to tap (WCAG 2.2 target size, 24 by 24 CSS pixels), long label or not.
    for (const id of ['decision-signed', 'decision-declined', 'agree']) {
      const box = await page.locator(`#${id}`).boundingBox();
      expect(box?.width, id).toBeGreaterThanOrEqual(24);
      expect(box?.height, id).toBeGreaterThanOrEqual(24);
    }
    // As wide as the phone (checked inside), and longer than its screen: the whole form was captured.
    expect((await phoneScreenshot(page, 'commitment-form-375.png')).height).toBeGreaterThan(PHONE.height);

    await send();
    expect(await page.locator('.error-summary').isVisible()).toBe(true);
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(PHONE.width);
  });

  it('declining needs a reason, then tells everyone and ends at CommitmentDeclined', async () => {
    await openForAccessibilityChecks();
    const { link, executionArn, participantId, participant, requestId } = await asked(
      'browser-declines@school.test',
    );
    await page.goto(link);

    await page.getByRole('radio', { name: 'No, I cannot commit' }).check();
    await page.getByLabel('Your full name').fill('Sam Okafor');
    await page.getByLabel('Your role').fill('Head teacher');
    const noReason = await send();
    expect(noReason.status()).toBe(422);
    const summary = await errorSummary(page);
    expect(summary.targets).toEqual(['reason']);
    expect(summary.texts[0]).toMatch(/Tell us why you cannot support them/);
    expect(await page.getByRole('radio', { name: 'No, I cannot commit' }).isChecked()).toBe(true);
    expect(await page.getByLabel('Your full name').inputValue()).toBe('Sam Okafor');
    expect(await requestStatus(requestId)).toBe('open');
    expect(system.stepFunctions.describeExecution(executionArn).status).toBe('RUNNING');
    await checkPage('commitment form, declined without a reason');

    await page.getByLabel(/If you cannot commit/).fill('Staffing cuts this year');
    const declined = await send();
    expect(declined.status()).toBe(200);
    expect(await heading(page)).toBe('Thank you: your answer is recorded');
    expect(await page.locator('main').innerText()).toContain('you cannot commit at the moment');
    await checkPage('commitment: thank you, declined');

    await waitForStatus(system, executionArn, 'SUCCEEDED');
    expect(system.stepFunctions.describeExecution(executionArn).statesEntered.at(-1)).toBe(
      'CommitmentDeclined',
    );
    expect((await system.dependencies.store.participants.get(participantId))?.commitment).toMatchObject({
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

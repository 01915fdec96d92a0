import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { masterySpecialistSchedule } from '../../infra/local/demo-schedule.js';
import type { LocalSystem } from '../../infra/local/system.js';
import {
  type AccessibilityFinding,
  browserTestFile,
  checkFormPage,
  errorSummary,
  heading,
  navigation,
  openFromEmail,
} from '../support/browser.js';
import { daysFromNow, mailbox, pdLeadSchedule } from '../support/local-system.js';
import type { PageDocument } from '../support/page-dom.js';

/**
 * The public pages that take people in, in headless Chromium: registering interest in the waiting list
 * (and its problems), the emailed confirmation, the invitation to a place, and the application form of a
 * programme that takes applications, each checked with axe-core and at a 375-pixel
 * phone width, and each used by keyboard alone. The tests are steps of one journey on one system, in order.
 */
declare const document: PageDocument;

let system: LocalSystem;
let page: Page;
const lesserFindings: AccessibilityFinding[] = [];

const EMAIL = 'keyboard@college.test';
const checkPage = async (name: string, screenshot?: string) =>
  lesserFindings.push(...(await checkFormPage(page, name, screenshot)));
const registerPage = () => `${system.urls.app}/waiting-list/ncetm-pd-lead/further-education`;

/** Tab until the focused element reads `text` (a field's id or a button's words); Tab only, no mouse. */
async function tabUntil(text: string) {
  for (let presses = 0; presses < 20; presses++) {
    await page.keyboard.press('Tab');
    const focused = await page.evaluate(() => {
      const active = document.activeElement;
      return active ? `${active.id}|${(active as unknown as { innerText?: string }).innerText ?? ''}` : '';
    });
    if (focused.split('|').includes(text)) return;
  }
  throw new Error(`Tab never reached "${text}"`);
}

async function typeInto(id: string, text: string) {
  await tabUntil(id);
  await page.keyboard.type(text);
}

browserTestFile({
  lesserFindings,
  started(startedSystem) {
    system = startedSystem;
  },
  opened(_context, openedPage) {
    page = openedPage;
  },
});

describe.sequential('the waiting list in Chromium', () => {
  it('the register-interest page passes axe and fits a phone; problems come back with a summary', async () => {
    expect((await navigation(page, () => page.goto(registerPage()))).status()).toBe(200);
    expect(await heading(page)).toBe('Join the waiting list');
    await checkPage('register interest', 'register-interest-375.png');
    await tabUntil('Join the waiting list');
    const refused = await navigation(page, () => page.keyboard.press('Enter'));
    expect(refused.status()).toBe(422);
    expect((await errorSummary(page)).targets).toEqual([
      'name',
      'email',
      'school',
      'leaderName',
      'leaderEmail',
    ]);
    await checkPage('register interest, with problems');
  });

  it('registering by keyboard alone, then confirming from the email, puts them on the list', async () => {
    await navigation(page, () => page.goto(registerPage()));
    await typeInto('name', 'Kim Keyboard');
    await typeInto('email', EMAIL);
    await typeInto('school', 'Northgate College');
    await typeInto('leaderName', 'Pat Principal');
    await typeInto('leaderEmail', `principal-of-${EMAIL}`);
    await tabUntil('Join the waiting list');
    const sent = await navigation(page, () => page.keyboard.press('Enter'));
    expect(sent.status()).toBe(200);
    expect(await heading(page)).toBe('Check your email');
    await checkPage('check your email');

    const email = await mailbox(system).waitForEmail(EMAIL, /join the waiting list/);
    await openFromEmail(page, email, 'Confirm I want to join');
    await checkPage('confirm joining', 'confirm-joining-375.png');
    await tabUntil('Confirm I want to join');
    await navigation(page, () => page.keyboard.press('Enter'));
    expect(await heading(page)).toBe('You are on the waiting list');
    await checkPage('on the waiting list');
  });

  it('the invitation to a place passes axe, fits a phone, and is accepted by keyboard', async () => {
    await system.admin({
      command: 'create-cohort',
      cohort: {
        cohortId: 'fe-browser',
        programmeId: 'ncetm-pd-lead',
        pathway: 'further-education',
        mathsHub: 'national',
        name: 'FE PD Leads',
        cohortLead: { name: 'Casey Lead', email: 'cohort-lead@hub.test' },
        startsOn: daysFromNow(29, '09:00', system.clock.now()).slice(0, 10),
        capacity: 1,
        schedule: pdLeadSchedule(system.clock.now()),
      },
    });
    await system.admin({ command: 'invite-from-waitlist', cohortId: 'fe-browser' });
    const invitation = await mailbox(system).waitForEmail(EMAIL, /A place for you/);
    await openFromEmail(page, invitation, 'Accept or decline the place');
    await checkPage('invitation', 'invitation-375.png');
    await tabUntil('Accept the place');
    await navigation(page, () => page.keyboard.press('Enter'));
    expect(await heading(page)).toBe('Your place is booked');
    await checkPage('place booked');
    await system.stepFunctions.settled();
  });

  it('the application form passes axe and fits a phone, and is sent by keyboard with the prerequisite ticked', async () => {
    await system.admin({
      command: 'create-cohort',
      cohort: {
        cohortId: 'mastery-browser',
        programmeId: 'primary-mastery-specialist',
        pathway: 'primary',
        mathsHub: 'North Star Maths Hub',
        name: 'Mastery Specialists',
        cohortLead: { name: 'Casey Lead', email: 'cohort-lead@hub.test' },
        startsOn: daysFromNow(60, '09:00', system.clock.now()).slice(0, 10),
        schedule: masterySpecialistSchedule(system.clock.now(), 60),
      },
    });
    await navigation(page, () => page.goto(`${system.urls.app}/applications/mastery-browser`));
    expect(await heading(page)).toContain('Apply for the Primary Mastery Specialist');
    await checkPage('application form', 'application-375.png');
    await typeInto('name', 'Kim Keyboard');
    await typeInto('email', 'applicant@school.test');
    await typeInto('school', 'Brook Primary');
    await typeInto('leaderName', 'Hana Head');
    await typeInto('leaderEmail', 'head@school.test');
    await typeInto('whyApply', 'To lead mastery in our school.');
    await typeInto('masteryExperience', 'A year of Teaching for Mastery.');
    await tabUntil('Send my application');
    const refused = await navigation(page, () => page.keyboard.press('Enter'));
    expect(refused.status()).toBe(422);
    expect((await errorSummary(page)).targets).toEqual(['prerequisite']);
    await checkPage('application form, prerequisite not confirmed');
    await tabUntil('prerequisite');
    await page.keyboard.press('Space');
    await tabUntil('Send my application');
    const sent = await navigation(page, () => page.keyboard.press('Enter'));
    expect(sent.status()).toBe(200);
    expect(await heading(page)).toBe('Check your email');
    await mailbox(system).waitForEmail('applicant@school.test', /your application/);
  });
});

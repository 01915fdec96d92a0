import { setTimeout as sleep } from 'node:timers/promises';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { describe, expect, it, vi } from 'vitest';
import type { LocalSystem } from '../../infra/local/system.js';
import {
  type AccessibilityFinding,
  browserTestFile,
  checkFormPage,
  expectFieldErrors,
  focusedId,
  heading,
  navigation,
  openFromEmail,
  submitWith,
  errorSummary as summaryOf,
  tabTo,
} from '../support/browser.js';
import { linkIn, mailbox, waitForState } from '../support/local-system.js';
import type { PageDocument } from '../support/page-dom.js';
import {
  advanceTo,
  expectAccredited,
  feedbackGiven,
  frameworkAnswers,
  interimAnswers,
  lead,
  programmeCohort,
  signedUp,
} from '../support/programme.js';

/**
 * Every programme form in real headless Chromium (Debian's, at /usr/bin/chromium), each opened by
 * clicking the button in the email that asked for it: the cohort lead's registers for both development
 * days (two participants on one page), the participant's interim task, the lead's formative feedback,
 * the participant's framework (PDLPERF) and the lead's assessment, through to accreditation.
 *
 * Every form page, before and after an error, is checked with axe-core (no serious or critical
 * violations, every control labelled) and at a 375-pixel phone width (no sideways scrolling).
 *
 * The tests are steps of one journey and run in order on one local system: each needs the one before.
 * One browser for the file, one context per test.
 */
/** The page's globals, as the callbacks run inside it see them (see test/support/page-dom.ts). */
declare const document: PageDocument;
declare const location: { hash: string };

const interimPrompts = {
  plan: 'What did you plan, and with which teachers?',
  whatHappened: 'What happened?',
  evaluation: 'How did you evaluate it, and what did you learn?',
};
const frameworkPrompts = { planning: 'Planning', evaluation: 'Evaluation', reflection: 'Reflection' };

let system: LocalSystem;
let _browser: Browser;
let _context: BrowserContext;
let page: Page;

type Cohort = Awaited<ReturnType<typeof programmeCohort>>;
interface Enrolled {
  name: string;
  school: string;
  email: string;
  participantId: string;
  executionArn: string;
}
let cohort: Cohort;
let asha: Enrolled;
let ben: Enrolled;

/** What axe found that fails no test (moderate or minor), listed once the file's tests are done. */
const lesserFindings: AccessibilityFinding[] = [];

/** Enrolled, their senior leader's commitment signed (the commitment form has its own browser tests). */
async function joined(name: string, email: string, school: string): Promise<Enrolled> {
  const { participantId, executionArn } = await signedUp(system, { name, email, school }, cohort.cohortId);
  return { name, school, email, participantId, executionArn };
}

/**
 * Parked: waiting in `state` with nothing under way. With two executions in one system the clock's
 * timer count cannot tell whose timer it is, so this also asks for the same states and the same wait
 * token on the participant's record across two looks 100 ms apart: the wait has started and its timer
 * is set, so moving the clock now moves it for this execution too.
 */
async function parked(who: Enrolled, state: string) {
  await waitForState(system, who.executionArn, state);
  const look = async () => {
    const { statesEntered } = system.stepFunctions.describeExecution(who.executionArn);
    const { waitToken } = (await system.dependencies.store.participants.get(who.participantId)) ?? {};
    return { entered: statesEntered.length, at: statesEntered.at(-1), waitToken };
  };
  await vi.waitFor(
    async () => {
      const first = await look();
      await sleep(100);
      const second = await look();
      if (JSON.stringify(first) !== JSON.stringify(second) || second.at !== state || !second.waitToken)
        throw new Error(
          `${who.name}'s execution is not parked at ${state}: ${JSON.stringify([first, second])}`,
        );
    },
    { timeout: 10_000, interval: 20 },
  );
}

const send = (button: string) => submitWith(page, button);
const mainText = () => page.locator('main').innerText();
const progressOf = async (who: Enrolled) =>
  (await system.dependencies.store.participants.get(who.participantId))?.progress;

/** Every error page here says so in its title first, then its summary is read as on any form. */
async function errorSummary() {
  expect(await page.title()).toMatch(/^Error: /);
  return summaryOf(page);
}

/** axe, the phone width and an optional screenshot (see checkFormPage); lesser findings reported at the end. */
const checkPage = async (name: string, screenshot?: string) =>
  lesserFindings.push(...(await checkFormPage(page, name, screenshot)));

/**
 * Once the day has ended, the cohort lead opens its register from the email asking for it: one page
 * for the whole cohort, Asha and Ben each with their school.
 */
async function openRegister(stepId: 'day-1' | 'day-2', title: string) {
  advanceTo(system, cohort.schedule[stepId].ends);
  const ask = await mailbox(system).waitForEmail(lead, new RegExp(`^Please record attendance for ${title}`));
  await openFromEmail(page, ask, 'Record attendance');
  expect(await heading(page)).toBe(`Attendance: ${title}`);
  expect(await page.locator('fieldset legend').allInnerTexts()).toEqual([
    'Asha Patel, Hillside Primary',
    'Ben Carter, Moorland Primary',
  ]);
}

const register = (who: Enrolled) => `attendance-${who.participantId}`;
const row = (who: Enrolled) => page.getByRole('group', { name: `${who.name}, ${who.school}` });

async function fillAll(labels: Record<string, string>, answers: Record<string, string>) {
  for (const [name, label] of Object.entries(labels))
    await page.getByLabel(label, { exact: true }).fill(answers[name] ?? '');
}

/** The answers shown to the cohort lead: each question as a heading, then what the participant typed. */
async function shownAnswers() {
  const questions = await page.locator('main h3').allInnerTexts();
  const answers = await page.locator('main h3 + div').allInnerTexts();
  return Object.fromEntries(questions.map((q, i) => [q, answers[i]]));
}

/** What `shownAnswers` should read: each prompt's question, with the answer given to it. */
const underPrompts = (prompts: Record<string, string>, answers: Record<string, string>) =>
  Object.fromEntries(Object.entries(prompts).map(([name, label]) => [label, answers[name]]));

browserTestFile({
  lesserFindings,
  async started(startedSystem, startedBrowser) {
    [system, _browser] = [startedSystem, startedBrowser];
    cohort = await programmeCohort(system, 'browser-programme');
    asha = await joined('Asha Patel', 'browser-asha@school.test', 'Hillside Primary');
    ben = await joined('Ben Carter', 'browser-ben@school.test', 'Moorland Primary');
  },
  opened(openedContext, openedPage) {
    [_context, page] = [openedContext, openedPage];
  },
});

describe.sequential('the programme forms in Chromium, from the emailed links to accreditation', () => {
  it('the day 1 register lists both participants; one left unanswered is caught, the other choice kept', async () => {
    await parked(asha, 'AtDevelopmentDay');
    await parked(ben, 'AtDevelopmentDay');
    await openRegister('day-1', 'Development day 1');
    await checkPage('attendance register, day 1', 'attendance-form-375.png');

    await row(asha).getByRole('radio', { name: 'Attended' }).check();
    const unanswered = await send('Send the register');
    expect(unanswered.status()).toBe(422);
    expect(await page.title()).toBe('Error: Attendance: Development day 1');
    const summary = await errorSummary();
    expect(summary.texts).toEqual(['Choose Attended or Absent for Ben Carter']);
    expect(summary.targets).toEqual([register(ben)]);
    // The link's target is Ben's whole question (the fieldset), which its message describes.
    expect(await page.evaluate((id) => document.getElementById(id)?.tagName, register(ben))).toBe('FIELDSET');
    await expectFieldErrors(page, {
      [register(ben)]: { message: 'Choose Attended or Absent for Ben Carter' },
    });
    expect(await row(asha).getByRole('radio', { name: 'Attended' }).isChecked()).toBe(true);
    expect(await row(ben).getByRole('radio', { name: 'Attended' }).isChecked()).toBe(false);
    expect(await row(ben).getByRole('radio', { name: 'Absent' }).isChecked()).toBe(false);
    await checkPage('attendance register, day 1, with an error');

    // By keyboard from the focused summary: Tab to its link, Enter to follow it, and the next Tab
    // lands on Ben's first choice.
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.getAttribute('href'))).toBe(`#${register(ben)}`);
    await page.keyboard.press('Enter');
    expect(await page.evaluate(() => location.hash)).toBe(`#${register(ben)}`);
    await tabTo(page, `${register(ben)}-attended`);

    await row(ben).getByRole('radio', { name: 'Absent' }).check();
    const sent = await send('Send the register');
    expect(sent.status()).toBe(200);
    expect(await heading(page)).toBe('Thank you: it is recorded');
    expect(await mainText()).toContain(
      'You recorded 1 attended and 1 absent for Development day 1. We will tell the programme team who was absent',
    );
    await checkPage('thank you, after the day 1 register');

    await mailbox(system).waitForEmail(
      system.dependencies.settings.ADMIN_EMAIL,
      /^Absent from Development day 1: Ben Carter/,
    );
    expect((await progressOf(asha))?.['day-1']).toMatchObject({
      outcome: 'attended',
      recordedBy: 'Casey Lead',
    });
    expect((await progressOf(ben))?.['day-1']).toMatchObject({ outcome: 'absent', recordedBy: 'Casey Lead' });
  });

  it('the interim task: an empty answer names every prompt, what was typed is kept, then it is sent', async () => {
    const brief = await mailbox(system).waitForEmail(asha.email, /^Please submit your Interim task/);
    await openFromEmail(page, brief, 'Submit your Interim task');
    expect(await heading(page)).toBe('Interim task');
    await checkPage('interim task', 'interim-task-form-375.png');

    const groupPlan = Buffer.from('%PDF-1.4\n% the group plan\n');
    // A file goes first, straight to S3 by the page's own upload form; S3 sends the browser back here.
    await page.setInputFiles('#file-pdf', {
      name: 'group-plan.pdf',
      mimeType: 'application/pdf',
      buffer: groupPlan,
    });
    const uploaded = await send('Upload a PDF');
    expect(uploaded.status()).toBe(303); // S3's redirect back to the form
    expect(new URL(page.url()).pathname).toBe(new URL(linkIn(brief)).pathname);
    expect(await mainText()).toContain('group-plan.pdf is uploaded');
    await checkPage('interim task, a file uploaded');

    const empty = await send('Send my answers');
    expect(empty.status()).toBe(422);
    const all = await errorSummary();
    expect(all.texts).toEqual(Object.values(interimPrompts).map((label) => `Answer '${label}'`));
    expect(all.targets).toEqual(Object.keys(interimPrompts));
    await expectFieldErrors(
      page,
      Object.fromEntries(
        Object.entries(interimPrompts).map(([name, label]) => [
          name,
          { message: `Answer '${label}'`, hint: true },
        ]),
      ),
    );
    await checkPage('interim task, all three missing');

    // Line breaks, quotes, ampersands and angle brackets come back exactly as typed.
    await page.getByLabel(interimPrompts.plan, { exact: true }).fill(interimAnswers.plan);
    const partial = await send('Send my answers');
    expect(partial.status()).toBe(422);
    expect((await errorSummary()).targets).toEqual(['whatHappened', 'evaluation']);
    expect(await page.getByLabel(interimPrompts.plan, { exact: true }).inputValue()).toBe(
      interimAnswers.plan,
    );
    await checkPage('interim task, two missing');

    await fillAll(interimPrompts, interimAnswers);
    const sent = await send('Send my answers');
    expect(sent.status()).toBe(200);
    expect(await heading(page)).toBe('Thank you: it is recorded');
    expect(await mainText()).toMatch(/We have your answers and .*group-plan\.pdf.* for Interim task\./);
    expect((await progressOf(asha))?.['interim-task']).toMatchObject({
      outcome: 'submitted',
      attempt: 1,
      answers: interimAnswers,
      attachments: [{ name: 'group-plan.pdf', contentType: 'application/pdf', bytes: groupPlan.length }],
    });
  });

  it("formative feedback: the cohort lead reads the participant's answers and sends feedback", async () => {
    const ask = await mailbox(system).waitForEmail(lead, /^Please give feedback to Asha Patel/);
    await openFromEmail(page, ask, 'Read it and give feedback');
    expect(await heading(page)).toBe("Feedback on Asha Patel's interim task");
    expect(await shownAnswers()).toEqual(underPrompts(interimPrompts, interimAnswers));
    await checkPage('formative feedback', 'feedback-form-375.png');

    const empty = await send('Send my feedback');
    expect(empty.status()).toBe(422);
    const summary = await errorSummary();
    expect(summary.texts).toEqual(['Write your feedback for Asha Patel']);
    expect(summary.targets).toEqual(['feedback']);
    await expectFieldErrors(page, {
      feedback: { message: 'Write your feedback for Asha Patel', hint: true },
    });
    await checkPage('formative feedback, missing');

    await page.getByLabel('Your feedback for Asha Patel').fill(feedbackGiven);
    const sent = await send('Send my feedback');
    expect(sent.status()).toBe(200);
    expect(await mainText()).toContain("Your feedback on Asha Patel's interim task is recorded.");
    const toAsha = await mailbox(system).waitForEmail(asha.email, /^Feedback on your interim task/);
    expect(toAsha.body.text).toContain(feedbackGiven);
  });

  it('the day 2 register, by keyboard alone: Tab to each row, Space and arrows to choose, Enter to send', async () => {
    await parked(asha, 'AtDevelopmentDay');
    // Ben, absent from day 1, was still given the interim task: the admin decides what happens next.
    await parked(ben, 'AtTask');
    await openRegister('day-2', 'Development day 2');
    await checkPage('attendance register, day 2');

    await tabTo(page, `${register(asha)}-attended`);
    await page.keyboard.press('Space');
    expect(await row(asha).getByRole('radio', { name: 'Attended' }).isChecked()).toBe(true);
    // Tab moves on to the next row; within a row the arrow keys move to, and choose, the other option.
    await tabTo(page, `${register(ben)}-attended`);
    await page.keyboard.press('ArrowRight');
    expect(await focusedId(page)).toBe(`${register(ben)}-absent`);
    expect(await row(ben).getByRole('radio', { name: 'Absent' }).isChecked()).toBe(true);
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Send the register');
    const sent = await navigation(page, () => page.keyboard.press('Enter'));

    expect(sent.status()).toBe(200);
    expect(await mainText()).toContain('You recorded 1 attended and 1 absent for Development day 2.');
    expect((await progressOf(asha))?.['day-2']).toMatchObject({ outcome: 'attended' });
    expect((await progressOf(ben))?.['day-2']).toMatchObject({ outcome: 'absent' });
  });

  it('the framework (PDLPERF): a missing answer is caught, the others kept, then it is sent', async () => {
    const brief = await mailbox(system).waitForEmail(
      asha.email,
      /^Please submit your Planning, Evaluation and Reflection Framework/,
    );
    await openFromEmail(page, brief, 'Submit your Planning, Evaluation and Reflection Framework (PDLPERF)');
    expect(await heading(page)).toBe('Planning, Evaluation and Reflection Framework (PDLPERF)');
    await checkPage('framework (PDLPERF)', 'pdlperf-form-375.png');

    await fillAll({ planning: 'Planning', evaluation: 'Evaluation' }, frameworkAnswers);
    const partial = await send('Send my answers');
    expect(partial.status()).toBe(422);
    const summary = await errorSummary();
    expect(summary.texts).toEqual(["Answer 'Reflection'"]);
    expect(summary.targets).toEqual(['reflection']);
    expect(await page.getByLabel('Planning', { exact: true }).inputValue()).toBe(frameworkAnswers.planning);
    expect(await page.getByLabel('Evaluation', { exact: true }).inputValue()).toBe(
      frameworkAnswers.evaluation,
    );
    await checkPage('framework (PDLPERF), reflection missing');

    await page.getByLabel('Reflection', { exact: true }).fill(frameworkAnswers.reflection);
    const sent = await send('Send my answers');
    expect(sent.status()).toBe(200);
    expect(await mainText()).toContain(
      'We have your answers for Planning, Evaluation and Reflection Framework (PDLPERF).',
    );
  });

  it('the assessment: "resubmit" needs feedback and a date; then accredited, and the execution ends Accredited', async () => {
    const ask = await mailbox(system).waitForEmail(lead, /^Please assess Asha Patel's submission/);
    await openFromEmail(page, ask, 'Assess the submission');
    expect(await heading(page)).toBe(
      "Assess Asha Patel's Planning, Evaluation and Reflection Framework (PDLPERF)",
    );
    expect(await shownAnswers()).toEqual(underPrompts(frameworkPrompts, frameworkAnswers));
    await checkPage('assessment', 'assessment-form-375.png');

    const resubmit = page.getByRole('radio', { name: 'Resubmit: they improve it and send it again' });
    await resubmit.check();
    const incomplete = await send('Send my decision');
    expect(incomplete.status()).toBe(422);
    const summary = await errorSummary();
    expect(summary.texts).toEqual([
      'Tell them what to improve before they resubmit',
      'Enter the date they must resubmit by',
    ]);
    expect(summary.targets).toEqual(['feedback', 'resubmitBy']);
    await expectFieldErrors(page, {
      feedback: { message: 'Tell them what to improve before they resubmit', hint: true },
      resubmitBy: { message: 'Enter the date they must resubmit by', hint: true },
    });
    expect(await resubmit.isChecked()).toBe(true);
    await checkPage('assessment, resubmit without feedback or date');

    await page.getByRole('radio', { name: 'Accredited', exact: true }).check();
    const decided = await send('Send my decision');
    expect(decided.status()).toBe(200);
    expect(await mainText()).toContain(
      'You decided Asha Patel is accredited. We will email them the outcome.',
    );
    await checkPage('thank you, after the assessment');

    // Exactly what was typed in the browser: line breaks arrive as CRLF and are stored as \n.
    const { record } = await expectAccredited(system, asha.email, asha);
    // And here, who recorded and gave what, beyond what every accreditation is checked for.
    expect(record?.progress).toMatchObject({
      'interim-feedback': { givenBy: 'Casey Lead', feedback: feedbackGiven },
      'day-2': { recordedBy: 'Casey Lead' },
    });
    expect(record?.progress.assessment).not.toHaveProperty('feedback');
    expect(record?.progress.assessment).not.toHaveProperty('resubmitBy');
    // Ben's lifecycle carries on, waiting for the admin: nothing the lead did for Asha failed it.
    expect(system.stepFunctions.describeExecution(ben.executionArn).status).toBe('RUNNING');
  });
});

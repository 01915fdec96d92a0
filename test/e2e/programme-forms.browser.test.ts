import { mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { type Browser, type BrowserContext, chromium, type Page, type Response } from 'playwright-core';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import type { LocalSystem } from '../../infra/local/system.js';
import {
  linkIn,
  mailbox,
  type SentEmail,
  startTestSystem,
  waitForState,
  waitForStatus,
} from '../support/local-system.js';
import { advanceTo, lead, post, programmeCohort } from '../support/programme.js';

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
/**
 * Just what these tests read inside the page. The callbacks passed to `page.evaluate` run in Chromium;
 * the project compiles without the DOM library, so this file declares the little it uses, for itself.
 */
interface PageElement {
  id: string;
  tagName: string;
  textContent: string | null;
  classList: { contains(name: string): boolean };
  getAttribute(name: string): string | null;
}
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
declare const document: {
  activeElement: PageElement | null;
  documentElement: { scrollWidth: number };
  getElementById(id: string): PageElement | null;
  querySelectorAll(selectors: string): { length: number };
};
declare const location: { hash: string };
declare function getComputedStyle(element: PageElement): { outlineStyle: string; outlineWidth: string };
/** axe-core, once injected into the page. */
declare const axe: {
  run(context: unknown): Promise<{ violations: AxeRule[]; passes: AxeRule[]; incomplete: AxeRule[] }>;
};

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
const PHONE = { width: 375, height: 812 };
/** Injected as an inline script: the pages' CSP forbids scripts, so the contexts bypass it (bypassCSP). */
const AXE_SOURCE = readFileSync(
  resolve(dirname(createRequire(import.meta.url).resolve('axe-core')), 'axe.min.js'),
  'utf8',
);

const interimAnswers = {
  plan: 'A lesson-study group of four Year 5 & 6 teachers ("the maths team").\nAims: reasoning <and> fluency, from day 1.',
  whatHappened: 'Three cycles of planning and observation.',
  evaluation: 'Teachers used more representations;\npupils explained more.',
};
const feedbackGiven = 'Strong evaluation.\nSay more about the impact on pupils & how you know.';
const frameworkAnswers = {
  planning: 'Planned from the teachers\' needs, using the "five big ideas".',
  evaluation: 'Evaluated with pupil work:\n- before\n- after',
  reflection: 'Acted on the feedback about impact.',
};
const interimPrompts = {
  plan: 'What did you plan, and with which teachers?',
  whatHappened: 'What happened?',
  evaluation: 'How did you evaluate it, and what did you learn?',
};
const frameworkPrompts = { planning: 'Planning', evaluation: 'Evaluation', reflection: 'Reflection' };

let system: LocalSystem;
let browser: Browser;
let context: BrowserContext;
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

/** What axe found, on which page: every serious or critical one fails the test; the rest are listed. */
interface Finding {
  page: string;
  rule: string;
  impact: string;
  help: string;
  helpUrl: string;
  nodes: { target: string; html: string; summary: string }[];
}
const lesserFindings: Finding[] = [];

/** Enrolled, their senior leader's commitment signed (the commitment form has its own browser tests). */
async function signedUp(name: string, email: string, school: string): Promise<Enrolled> {
  const leader = `head-of-${email}`;
  const enrolled = (await system.admin({
    command: 'enrol-participant',
    cohortId: cohort.cohortId,
    participant: { name, email },
    school,
    seniorLeader: { name: 'Sam Okafor', email: leader, role: 'Head teacher' },
  })) as { participantId: string; executionArn: string };
  const ask = await mailbox(system).waitForEmail(leader, /^Please confirm your support/);
  await waitForState(system, enrolled.executionArn, 'AwaitCommitment');
  const signed = await post(linkIn(ask), {
    decision: 'signed',
    signedBy: 'Sam Okafor',
    role: 'Head teacher',
    agree: 'yes',
  });
  expect(signed.status, signed.page).toBe(200);
  return { name, school, email, ...enrolled };
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
    const { waitToken } = (await system.dependencies.store.getParticipant(who.participantId)) ?? {};
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

/** Runs `action` and returns the response of the page it navigates to, once that page has loaded. */
async function navigation(action: () => Promise<unknown>): Promise<Response> {
  const [response] = await Promise.all([
    page.waitForEvent('response', (r) => r.request().isNavigationRequest() && r.frame() === page.mainFrame()),
    action(),
  ]);
  await page.waitForLoadState('load');
  return response;
}

/** Shows the email as the person's mail program would, and clicks its button: the link we sent. */
async function openFromEmail(email: SentEmail, button: string) {
  await page.setContent(email.body.html ?? '');
  const link = page.getByRole('link', { name: button });
  expect(await link.getAttribute('href')).toBe(linkIn(email));
  const opened = await navigation(() => link.click());
  expect(opened.status()).toBe(200);
  expect(page.url()).toBe(linkIn(email));
}

const send = (button: string) => navigation(() => page.getByRole('button', { name: button }).click());
const heading = () => page.locator('h1').innerText();
const mainText = () => page.locator('main').innerText();
const focusedId = () => page.evaluate(() => document.activeElement?.id ?? '');
const progressOf = async (who: Enrolled) =>
  (await system.dependencies.store.getParticipant(who.participantId))?.progress;

/** The error summary: focused as the page loads (so a screen reader reads it first), with its links. */
async function errorSummary() {
  expect(await page.title()).toMatch(/^Error: /);
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

/** Each field in error says so, and is described by its message (after its hint, if it has one). */
async function expectFieldErrors(errors: Record<string, string>, hinted: boolean) {
  for (const [name, message] of Object.entries(errors)) {
    expect(await page.locator(`#${name}-error`).innerText()).toBe(`Error: ${message}`);
    expect(await page.locator(`#${name}`).getAttribute('aria-describedby')).toBe(
      hinted ? `${name}-hint ${name}-error` : `${name}-error`,
    );
  }
}

const readable = (findings: Finding[]) =>
  findings
    .map(
      (f) =>
        `[${f.impact}] ${f.rule} on "${f.page}": ${f.help} (${f.helpUrl})\n${f.nodes
          .map((n) => `    at ${n.target}\n      ${n.html}\n      ${n.summary.replace(/\n/g, '\n      ')}`)
          .join('\n')}`,
    )
    .join('\n');

/**
 * The checks every page gets: axe-core in the page (no serious or critical violations; every input,
 * textarea and select named, by the `label` rule), then a 375-pixel phone width (no sideways scrolling),
 * with a full-page screenshot when `screenshot` names one. Soft assertions: one page's problems do not
 * hide the next page's.
 */
async function checkPage(name: string, screenshot?: string) {
  await page.addScriptTag({ content: AXE_SOURCE });
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
  expect(audit.passed, `axe ran its rules on "${name}"`).toBeGreaterThan(10);
  const violations = audit.violations.map((v) => ({ page: name, ...v }));
  const serious = violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  lesserFindings.push(...violations.filter((v) => !serious.includes(v)));
  expect.soft(serious, `axe on "${name}":\n${readable(serious)}`).toEqual([]);
  expect.soft(audit.unsureLabels, `labels axe could not decide on "${name}"`).toEqual([]);
  expect
    .soft(audit.labelled, `every input and textarea on "${name}" has an accessible name`)
    .toBe(audit.controls);

  const size = page.viewportSize();
  await page.setViewportSize(PHONE);
  expect
    .soft(await page.evaluate(() => document.documentElement.scrollWidth), `"${name}" at 375 px`)
    .toBeLessThanOrEqual(PHONE.width);
  if (screenshot) {
    mkdirSync(SCREENSHOTS, { recursive: true });
    const file = resolve(SCREENSHOTS, screenshot);
    await page.screenshot({ path: file, fullPage: true });
    const png = readFileSync(file);
    expect(png.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
    expect(png.subarray(12, 16).toString('ascii')).toBe('IHDR');
    // A full-page capture is as wide as the page: anything wider than the screen would show here too.
    expect(png.readUInt32BE(16)).toBe(PHONE.width);
    expect(png.readUInt32BE(20)).toBeGreaterThan(0);
    expect(png.length).toBeGreaterThan(1_000);
  }
  if (size) await page.setViewportSize(size);
}

/** Tab moves focus to `id`, and shows it (the yellow focus outline). */
async function tabTo(id: string) {
  await page.keyboard.press('Tab');
  expect(await focusedId()).toBe(id);
  expect(
    await page.evaluate(() => {
      const style = getComputedStyle(document.activeElement as PageElement);
      return `${style.outlineStyle} ${style.outlineWidth}`;
    }),
  ).toBe('solid 3px');
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

beforeAll(async () => {
  [system, browser] = await Promise.all([
    startTestSystem(),
    chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS }),
  ]);
  cohort = await programmeCohort(system, 'browser-programme');
  asha = await signedUp('Asha Patel', 'browser-asha@school.test', 'Hillside Primary');
  ben = await signedUp('Ben Carter', 'browser-ben@school.test', 'Moorland Primary');
});
afterAll(async () => {
  if (lesserFindings.length > 0)
    console.info(`axe also found these lesser (moderate or minor) issues:\n${readable(lesserFindings)}`);
  await browser?.close();
  await system?.stop();
});
beforeEach(async () => {
  // bypassCSP: our pages forbid every script, axe-core's included.
  context = await browser.newContext({ bypassCSP: true, viewport: { width: 1024, height: 768 } });
  context.setDefaultTimeout(5_000);
  page = await context.newPage();
});
afterEach(() => context?.close());

describe.sequential('the programme forms in Chromium, from the emailed links to accreditation', () => {
  it('the day 1 register lists both participants; one left unanswered is caught, the other choice kept', async () => {
    await parked(asha, 'AtDevelopmentDay');
    await parked(ben, 'AtDevelopmentDay');
    advanceTo(system, cohort.schedule['day-1'].ends);
    const ask = await mailbox(system).waitForEmail(lead, /^Please record attendance for Development day 1/);
    await openFromEmail(ask, 'Record attendance');

    expect(await heading()).toBe('Attendance: Development day 1');
    expect(await page.locator('fieldset legend').allInnerTexts()).toEqual([
      'Asha Patel, Hillside Primary',
      'Ben Carter, Moorland Primary',
    ]);
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
    await expectFieldErrors({ [register(ben)]: 'Choose Attended or Absent for Ben Carter' }, false);
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
    await tabTo(`${register(ben)}-attended`);

    await row(ben).getByRole('radio', { name: 'Absent' }).check();
    const sent = await send('Send the register');
    expect(sent.status()).toBe(200);
    expect(await heading()).toBe('Thank you: it is recorded');
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
    await openFromEmail(brief, 'Submit your Interim task');
    expect(await heading()).toBe('Interim task');
    await checkPage('interim task', 'interim-task-form-375.png');

    const empty = await send('Send my answers');
    expect(empty.status()).toBe(422);
    const all = await errorSummary();
    expect(all.texts).toEqual(Object.values(interimPrompts).map((label) => `Answer '${label}'`));
    expect(all.targets).toEqual(Object.keys(interimPrompts));
    await expectFieldErrors(
      Object.fromEntries(Object.entries(interimPrompts).map(([name, label]) => [name, `Answer '${label}'`])),
      true,
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
    expect(await heading()).toBe('Thank you: it is recorded');
    expect(await mainText()).toContain('We have your answers for Interim task.');
    expect((await progressOf(asha))?.['interim-task']).toMatchObject({
      outcome: 'submitted',
      attempt: 1,
      answers: interimAnswers,
    });
  });

  it("formative feedback: the cohort lead reads the participant's answers and sends feedback", async () => {
    const ask = await mailbox(system).waitForEmail(lead, /^Please give feedback to Asha Patel/);
    await openFromEmail(ask, 'Read it and give feedback');
    expect(await heading()).toBe("Feedback on Asha Patel's interim task");
    expect(await shownAnswers()).toEqual(
      Object.fromEntries(
        Object.entries(interimPrompts).map(([name, label]) => [
          label,
          interimAnswers[name as keyof typeof interimAnswers],
        ]),
      ),
    );
    await checkPage('formative feedback', 'feedback-form-375.png');

    const empty = await send('Send my feedback');
    expect(empty.status()).toBe(422);
    const summary = await errorSummary();
    expect(summary.texts).toEqual(['Write your feedback for Asha Patel']);
    expect(summary.targets).toEqual(['feedback']);
    await expectFieldErrors({ feedback: 'Write your feedback for Asha Patel' }, true);
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
    advanceTo(system, cohort.schedule['day-2'].ends);
    const ask = await mailbox(system).waitForEmail(lead, /^Please record attendance for Development day 2/);
    await openFromEmail(ask, 'Record attendance');
    expect(await heading()).toBe('Attendance: Development day 2');
    expect(await page.locator('fieldset legend').allInnerTexts()).toEqual([
      'Asha Patel, Hillside Primary',
      'Ben Carter, Moorland Primary',
    ]);
    await checkPage('attendance register, day 2');

    await tabTo(`${register(asha)}-attended`);
    await page.keyboard.press('Space');
    expect(await row(asha).getByRole('radio', { name: 'Attended' }).isChecked()).toBe(true);
    // Tab moves on to the next row; within a row the arrow keys move to, and choose, the other option.
    await tabTo(`${register(ben)}-attended`);
    await page.keyboard.press('ArrowRight');
    expect(await focusedId()).toBe(`${register(ben)}-absent`);
    expect(await row(ben).getByRole('radio', { name: 'Absent' }).isChecked()).toBe(true);
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Send the register');
    const sent = await navigation(() => page.keyboard.press('Enter'));

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
    await openFromEmail(brief, 'Submit your Planning, Evaluation and Reflection Framework (PDLPERF)');
    expect(await heading()).toBe('Planning, Evaluation and Reflection Framework (PDLPERF)');
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
    await openFromEmail(ask, 'Assess the submission');
    expect(await heading()).toBe(
      "Assess Asha Patel's Planning, Evaluation and Reflection Framework (PDLPERF)",
    );
    expect(await shownAnswers()).toEqual(
      Object.fromEntries(
        Object.entries(frameworkPrompts).map(([name, label]) => [
          label,
          frameworkAnswers[name as keyof typeof frameworkAnswers],
        ]),
      ),
    );
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
    await expectFieldErrors(
      {
        feedback: 'Tell them what to improve before they resubmit',
        resubmitBy: 'Enter the date they must resubmit by',
      },
      true,
    );
    expect(await resubmit.isChecked()).toBe(true);
    await checkPage('assessment, resubmit without feedback or date');

    await page.getByRole('radio', { name: 'Accredited', exact: true }).check();
    const decided = await send('Send my decision');
    expect(decided.status()).toBe(200);
    expect(await mainText()).toContain(
      'You decided Asha Patel is accredited. We will email them the outcome.',
    );
    await checkPage('thank you, after the assessment');

    await mailbox(system).waitForEmail(asha.email, /you are accredited/);
    await waitForStatus(system, asha.executionArn, 'SUCCEEDED');
    const execution = system.stepFunctions.describeExecution(asha.executionArn);
    expect(execution.statesEntered.at(-1)).toBe('Accredited');
    for (const state of [
      'AtDevelopmentDay',
      'AtTask',
      'AtFormativeFeedback',
      'AtFrameworkSubmission',
      'AtAssessment',
    ])
      expect(execution.statesEntered).toContain(state);

    const record = await system.dependencies.store.getParticipant(asha.participantId);
    expect(record?.stage).toBe('accredited');
    // Exactly what was typed in the browser: line breaks arrive as CRLF and are stored as \n.
    expect(record?.progress).toMatchObject({
      'day-1': { outcome: 'attended', recordedBy: 'Casey Lead' },
      'interim-task': { outcome: 'submitted', attempt: 1, answers: interimAnswers },
      'interim-feedback': { outcome: 'feedback-given', givenBy: 'Casey Lead', feedback: feedbackGiven },
      'day-2': { outcome: 'attended', recordedBy: 'Casey Lead' },
      pdlperf: { outcome: 'submitted', attempt: 1, answers: frameworkAnswers },
      assessment: { outcome: 'accredited', attempt: 1, decidedBy: 'Casey Lead' },
    });
    expect(record?.progress.assessment).not.toHaveProperty('feedback');
    expect(record?.progress.assessment).not.toHaveProperty('resubmitBy');
    // Ben's lifecycle carries on, waiting for the admin: nothing the lead did for Asha failed it.
    expect(system.stepFunctions.describeExecution(ben.executionArn).status).toBe('RUNNING');
  });
});

import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { termlyReports } from '../../functions/domain/accredited-years.js';
import type { DirectoryEntry } from '../../functions/domain/directory.js';
import { newVerificationCode } from '../../functions/domain/directory.js';
import { Participant } from '../../functions/domain/participant.js';
import { type Request, type RequestKind, stepRequestId } from '../../functions/domain/request.js';
import { formatLondon } from '../../functions/domain/time.js';
import { ensureRequest, mintLink } from '../../functions/lifecycle/asks.js';
import type { LocalSystem } from '../../infra/local/system.js';
import { accreditedYearsPlan } from '../support/accredited-years.js';
import {
  type AccessibilityFinding,
  browserTestFile,
  checkFormPage,
  expectFieldErrors,
  heading,
  navigation,
  submitWith,
  errorSummary as summaryOf,
  tabTo,
} from '../support/browser.js';
import { testCohort } from '../support/local-system.js';
import type { PageDocument } from '../support/page-dom.js';
import { advanceToInstant } from '../support/programme.js';

/**
 * The accredited lead's two yearly forms in real headless Chromium (Debian's, at /usr/bin/chromium),
 * opened from their links: the termly reach-and-impact report and the re-registration. For each, the
 * fresh form, its problems (what was typed kept), a good answer and what it records, the link opened
 * again once answered (409), and a link past its deadline (410: a missed term is not a lapse, a missed
 * re-registration is).
 *
 * Every page, the forms before and after an error, the thank-you, already-recorded and deadline pages and
 * the directory, is checked with axe-core (no serious or critical violations, every control labelled)
 * and at a 375-pixel phone width (no sideways scrolling).
 *
 * The leads are accredited straight into the store, as AdvanceProgramme leaves them, and their asks
 * created and links minted as the accredited-years workflow does (`ensureRequest`, `mintLink`): no
 * execution runs. The tests are steps of one journey on one local system, in order. One browser for the
 * file, one context per test.
 */
/** The page's globals, as the callbacks run inside it see them (see test/support/page-dom.ts). */
declare const document: PageDocument;

const PROGRAMME = 'NCETM Professional Development Lead accreditation';
const ACCREDITED_AT = '2026-12-10T12:00:00.000Z';
/** The first term reported on after that accreditation date: its ask comes on 13 March 2027. */
const TERM = { id: 'termly-spring-2027', title: 'Spring term 2027' };
const RE_REGISTRATION = 're-registration-1';
/** As the workflow asks, but with a deadline of our own: 30 days from when the test creates the ask. */
const LADDER = { reminderAfterDays: [], expiresAfterDays: 30 };

const termly = {
  title: `Your PD reach and impact: ${TERM.title}`,
  send: 'Send my report',
  labels: {
    teachers: 'How many teachers took part in PD you led this term?',
    schools: 'From how many schools, colleges or organisations?',
    pdLed: 'What PD did you lead this term?',
    impact: 'What impact have you seen on teachers and pupils?',
  },
  /** What the lead types: line breaks (a blank line too), quotes, ampersands and angle brackets. */
  answers: {
    teachers: '14',
    schools: '3',
    pdLed: 'Two work groups on fractions & a staff meeting ("bar models").\nCoaching for <Year 3> teachers.',
    impact: "Teachers use bar models;\n\npupils explain their reasoning & say 'because' > guessing.",
  },
};

const reRegistration = {
  title: 'Re-register as an accredited lead',
  send: 'Re-register',
  labels: {
    name: 'Your name',
    email: 'Your email address',
    organisation: 'Your school, college or organisation',
    teachers: 'How many teachers took part in PD you led in the last year?',
    schools: 'From how many schools, colleges or organisations?',
    commit: 'I commit to a further year as an accredited lead',
  },
  /** The lead has moved: a new organisation and email address, and a year's reach. */
  moved: {
    organisation: 'Riverside Academy & "Sixth Form"',
    email: 'asha.patel@riverside.sch.uk',
    teachers: '40',
    schools: '6',
  },
};

let system: LocalSystem;
let _browser: Browser;
let _context: BrowserContext;
let page: Page;

/** Asha, who reports on her spring term and re-registers after a move. */
let lead: Participant;
let termlyAsk: { request: Request; link: string };
let reRegistrationAsk: { request: Request; link: string };
/** Ben, whose deadlines pass. */
let lapsing: Participant;

/** What axe found that fails no test (moderate or minor), listed once the file's tests are done. */
const lesserFindings: AccessibilityFinding[] = [];

/** A form's fields by their labels (the two forms share names, not labels). */
const fieldsOf =
  <Name extends string>(labels: Record<Name, string>) =>
  (name: Name) =>
    page.getByLabel(labels[name], { exact: true });
const termlyField = fieldsOf(termly.labels);
const reField = fieldsOf(reRegistration.labels);
const mainText = () => page.locator('main').innerText();
const recordOf = async (who: Participant) => {
  const record = await system.dependencies.store.participants.get(who.participantId);
  if (!record) throw new Error(`${who.participantId} is not in the store`);
  return record;
};
const requestStatus = async (request: Request) =>
  (await system.dependencies.store.requests.get(request.requestId))?.status;
const directoryJson = async () =>
  ((await (await fetch(`${system.urls.app}/directory.json`)).json()) as { leads: Record<string, string>[] })
    .leads;

/** Accredited as AdvanceProgramme leaves a lead: the record, and their certificate findable by its code. */
async function accreditedLead(participantId: string, name: string, email: string, school: string) {
  const verificationCode = newVerificationCode();
  const accredited = Participant.parse({
    participantId,
    person: { name, email },
    school,
    seniorLeader: { name: 'Sam Okafor', email: `head-of-${email}`, role: 'Head teacher' },
    programmeId: testCohort.programmeId,
    pathway: testCohort.pathway,
    cohortId: testCohort.cohortId,
    stage: 'accredited',
    enrolledAt: '2026-01-05T09:00:00.000Z',
    accreditation: { verificationCode, accreditedAt: ACCREDITED_AT, listedInDirectory: true },
  });
  await system.dependencies.store.participants.create(accredited);
  await system.dependencies.store.certificates.record(verificationCode, participantId);
  return accredited;
}

/** The lead's ask for `stepId`, as the accredited-years workflow creates it, and a link to its form. */
async function ask(who: Participant, kind: RequestKind, stepId: string) {
  const request = await ensureRequest(
    {
      requestId: stepRequestId(stepId, who.participantId),
      kind,
      participantId: who.participantId,
      stepId,
      recipient: who.person,
    },
    LADDER,
    system.dependencies,
  );
  return { request, link: await mintLink(request, who.person.email, system.dependencies) };
}

/** Asha's directory entry as she left it: her school and her school email, among what she chose to show. */
const listedEntry = (): DirectoryEntry => ({
  participantId: lead.participantId,
  programmeId: testCohort.programmeId,
  pathway: 'primary',
  displayName: 'Asha Patel',
  organisation: 'Hillside Primary',
  region: testCohort.mathsHub,
  contactEmail: lead.person.email,
  offer: 'Fractions work groups',
  updatedAt: '2026-12-11T10:00:00.000Z',
});

/** axe, the phone width and an optional screenshot (see checkFormPage); lesser findings reported at the end. */
const checkPage = async (name: string, screenshot?: string) =>
  lesserFindings.push(...(await checkFormPage(page, name, screenshot)));

/** Opens a link (as from the email's button) and expects a page of `status` titled `title`. */
async function open(link: string, status: number, title: string) {
  const opened = await navigation(page, () => page.goto(link));
  expect(opened.status()).toBe(status);
  expect(await page.title()).toBe(title);
  expect(await heading(page)).toBe(title);
}

/** A page that came back with problems says so in its title first; its summary is read as on any form. */
async function errorSummary(title: string) {
  expect(await page.title()).toBe(`Error: ${title}`);
  expect(await heading(page)).toBe(title);
  return summaryOf(page);
}

/** The thank-you page every recorded answer leads to. */
async function expectThankYou(message: string) {
  expect(await page.title()).toBe('Thank you: it is recorded');
  expect(await heading(page)).toBe('Thank you: it is recorded');
  expect(await page.locator('main p').allInnerTexts()).toEqual([message, 'You can close this page.']);
}

/** What each of `names` holds now, by name. */
const valuesOf = async <Name extends string>(field: (name: Name) => Locator, names: readonly Name[]) =>
  Object.fromEntries(await Promise.all(names.map(async (n) => [n, await field(n).inputValue()])));

browserTestFile({
  lesserFindings,
  async started(startedSystem, startedBrowser) {
    [system, _browser] = [startedSystem, startedBrowser];
    lead = await accreditedLead(
      'p-browser-years',
      'Asha Patel',
      'browser-years@school.test',
      'Hillside Primary',
    );
    lapsing = await accreditedLead(
      'p-browser-lapsing',
      'Ben Carter',
      'browser-lapsing@school.test',
      'Oak Lane',
    );
    await system.dependencies.store.directory.save(listedEntry());
    termlyAsk = await ask(lead, 'termly-feedback', TERM.id);
    reRegistrationAsk = await ask(lead, 're-registration', RE_REGISTRATION);
  },
  opened(openedContext, openedPage) {
    [_context, page] = [openedContext, openedPage];
  },
  // The leads are written into the store with no execution: nothing is expected to carry them on.
  invariants: {
    seededWithoutExecution: ['p-browser-years', 'p-browser-lapsing'],
  },
});

describe.sequential("an accredited lead's yearly forms in Chromium, from their links", () => {
  describe('the termly reach-and-impact report', () => {
    const termlyFields = ['teachers', 'schools', 'pdLed', 'impact'] as const;

    it('the fresh form names the term and its deadline, and asks two numbers and two answers', async () => {
      // The term is the first after accreditation, worked out from the date alone.
      expect(termlyReports(new Date(ACCREDITED_AT), accreditedYearsPlan().termlyFeedback)[0]).toMatchObject(
        TERM,
      );
      await open(termlyAsk.link, 200, termly.title);
      expect(await page.locator('main p').first().innerText()).toBe(
        `Tell us about the professional development you led this term, by ${formatLondon(new Date(termlyAsk.request.expiresAt))}. If you led none, enter 0 and say why.`,
      );
      expect(await page.locator('main label').allInnerTexts()).toEqual(Object.values(termly.labels));
      expect(await valuesOf(termlyField, termlyFields)).toEqual({
        teachers: '',
        schools: '',
        pdLed: '',
        impact: '',
      });
      // Numbers as text with the phone's number pad; the answers say how much fits.
      for (const count of ['teachers', 'schools'] as const) {
        expect(await termlyField(count).getAttribute('type')).toBe('text');
        expect(await termlyField(count).getAttribute('inputmode')).toBe('numeric');
      }
      expect(await page.locator('#pdLed-hint').innerText()).toBe(
        'For example, work groups, staff meetings, coaching. Up to 2,000 characters.',
      );
      expect(await page.locator('#impact-hint').innerText()).toBe('Up to 2,000 characters.');
      expect(await termlyField('pdLed').getAttribute('aria-describedby')).toBe('pdLed-hint');
      await checkPage('termly report form', 'termly-feedback-form-375.png');
    });

    it('an empty report, then numbers that are not whole, come back 422 with what was typed kept', async () => {
      await open(termlyAsk.link, 200, termly.title);
      const empty = await submitWith(page, termly.send);
      expect(empty.status()).toBe(422);
      const missing = {
        teachers: `Answer '${termly.labels.teachers}'`,
        schools: `Answer '${termly.labels.schools}'`,
        pdLed: `Answer '${termly.labels.pdLed}'`,
        impact: `Answer '${termly.labels.impact}'`,
      };
      const summary = await errorSummary(termly.title);
      expect(summary.texts).toEqual(Object.values(missing));
      expect(summary.targets).toEqual([...termlyFields]);
      await expectFieldErrors(page, {
        teachers: { message: missing.teachers },
        schools: { message: missing.schools },
        pdLed: { message: missing.pdLed, hint: true },
        impact: { message: missing.impact, hint: true },
      });
      await checkPage('termly report form, four problems', 'termly-feedback-errors-375.png');

      // Typed on the page that came back: a rough number, a fraction, and the answers as the lead writes.
      await termlyField('teachers').fill('~10');
      await termlyField('schools').fill('2.5');
      await termlyField('pdLed').fill(termly.answers.pdLed);
      await termlyField('impact').fill(termly.answers.impact);
      const rough = await submitWith(page, termly.send);
      expect(rough.status()).toBe(422);
      const notWhole = {
        teachers: `Enter a whole number for '${termly.labels.teachers}', like 12`,
        schools: `Enter a whole number for '${termly.labels.schools}', like 12`,
      };
      const again = await errorSummary(termly.title);
      expect(again.texts).toEqual(Object.values(notWhole));
      expect(again.targets).toEqual(['teachers', 'schools']);
      await expectFieldErrors(page, {
        teachers: { message: notWhole.teachers },
        schools: { message: notWhole.schools },
      });
      expect(await page.locator('.error-message').count()).toBe(2);
      expect(await valuesOf(termlyField, termlyFields)).toEqual({
        teachers: '~10',
        schools: '2.5',
        pdLed: termly.answers.pdLed,
        impact: termly.answers.impact,
      });
      await checkPage('termly report form, two counts not whole numbers');

      expect((await recordOf(lead)).progress[TERM.id]).toBeUndefined();
      expect(await requestStatus(termlyAsk.request)).toBe('open');
    });

    it('filled in by keyboard alone, the report is recorded: numbers as numbers, answers exactly as typed', async () => {
      await open(termlyAsk.link, 200, termly.title);
      // What was typed on the last visit is not kept: the form starts empty again.
      expect(await termlyField('pdLed').inputValue()).toBe('');

      // Tab into each box in page order and type (Enter in an answer box starts a new line).
      for (const name of termlyFields) {
        await tabTo(page, name);
        await page.keyboard.type(termly.answers[name]);
      }
      expect(await valuesOf(termlyField, termlyFields)).toEqual(termly.answers);
      await page.keyboard.press('Tab');
      expect(
        await page.evaluate(
          () => `${document.activeElement?.tagName} ${document.activeElement?.textContent}`,
        ),
      ).toBe(`BUTTON ${termly.send}`);
      const before = system.clock.now().getTime();
      // Enter sends it.
      const sent = await navigation(page, () => page.keyboard.press('Enter'));

      expect(sent.status()).toBe(200);
      await expectThankYou(
        `Your reach and impact report for the ${TERM.title} is recorded. Thank you for the PD you lead.`,
      );
      await checkPage('termly report recorded');

      const recorded = (await recordOf(lead)).progress[TERM.id];
      expect(recorded).toEqual({
        outcome: 'reported',
        reportedAt: expect.any(String),
        counts: { teachers: 14, schools: 3 },
        answers: { pdLed: termly.answers.pdLed, impact: termly.answers.impact },
      });
      const reportedAt = new Date((recorded as { reportedAt: string }).reportedAt).getTime();
      expect(reportedAt).toBeGreaterThanOrEqual(before);
      expect(reportedAt).toBeLessThanOrEqual(system.clock.now().getTime());
      expect(await requestStatus(termlyAsk.request)).toBe('answered');
    });

    it('the link opened again says the report is already recorded (409), with no form', async () => {
      await open(termlyAsk.link, 409, 'This has already been recorded');
      expect(await mainText()).toContain(
        `Your reach and impact report for the ${TERM.title} is already recorded. There is nothing more to do.`,
      );
      expect(await page.locator('form').count()).toBe(0);
      await checkPage('termly report already recorded');
      // Nothing about the recorded report changed by looking.
      expect((await recordOf(lead)).progress[TERM.id]).toMatchObject({
        counts: { teachers: 14, schools: 3 },
      });
    });
  });

  describe('the re-registration', () => {
    const contactFields = ['name', 'email', 'organisation', 'teachers', 'schools'] as const;

    it('the fresh form starts from the name, email and organisation on record, unticked', async () => {
      await open(reRegistrationAsk.link, 200, reRegistration.title);
      expect(await page.locator('main p').first().innerText()).toBe(
        `${PROGRAMME}: year 1 of your accreditation. Please re-register by ${formatLondon(new Date(reRegistrationAsk.request.expiresAt))}, or your accreditation lapses.`,
      );
      expect(await page.locator('main label').allInnerTexts()).toEqual(Object.values(reRegistration.labels));
      expect(await valuesOf(reField, contactFields)).toEqual({
        name: 'Asha Patel',
        email: 'browser-years@school.test',
        organisation: 'Hillside Primary',
        teachers: '',
        schools: '',
      });
      expect(await reField('commit').isChecked()).toBe(false);
      expect(await reField('email').getAttribute('autocomplete')).toBe('email');
      expect(await reField('email').getAttribute('aria-describedby')).toBe('email-hint');
      // The pledges the tick box commits to, word for word.
      expect(await page.locator('main li').allInnerTexts()).toEqual(
        accreditedYearsPlan().reRegistration.pledges,
      );
      await checkPage('re-registration form', 're-registration-form-375.png');
    });

    it('without the tick and with a bad email it comes back 422, kept; put right, the move is recorded', async () => {
      await open(reRegistrationAsk.link, 200, reRegistration.title);
      await reField('email').fill('asha.patel.riverside.sch.uk');
      await reField('organisation').fill(reRegistration.moved.organisation);
      await reField('teachers').fill(reRegistration.moved.teachers);
      await reField('schools').fill(reRegistration.moved.schools);

      const refused = await submitWith(page, reRegistration.send);
      expect(refused.status()).toBe(422);
      const problems = {
        email: 'Enter an email address like name@school.org.uk',
        commit: 'Tick the box to commit to a further year',
      };
      const summary = await errorSummary(reRegistration.title);
      expect(summary.texts).toEqual(Object.values(problems));
      expect(summary.targets).toEqual(['email', 'commit']);
      await expectFieldErrors(page, {
        email: { message: problems.email, hint: true },
        commit: { message: problems.commit },
      });
      expect(await page.locator('.error-message').count()).toBe(2);
      expect(await valuesOf(reField, contactFields)).toEqual({
        name: 'Asha Patel',
        email: 'asha.patel.riverside.sch.uk',
        organisation: reRegistration.moved.organisation,
        teachers: reRegistration.moved.teachers,
        schools: reRegistration.moved.schools,
      });
      expect(await reField('commit').isChecked()).toBe(false);
      await checkPage('re-registration form, two problems', 're-registration-errors-375.png');

      // Nothing recorded, nothing moved.
      const unchanged = await recordOf(lead);
      expect(unchanged.progress[RE_REGISTRATION]).toBeUndefined();
      expect(unchanged.person.email).toBe('browser-years@school.test');
      expect(unchanged.school).toBe('Hillside Primary');
      expect(await system.dependencies.store.directory.get(lead.participantId)).toEqual(listedEntry());
      expect(await requestStatus(reRegistrationAsk.request)).toBe('open');

      // Put right on the page that came back: the new email, and the tick.
      await reField('email').fill(reRegistration.moved.email);
      await reField('commit').check();
      const before = system.clock.now().getTime();
      const sent = await submitWith(page, reRegistration.send);
      expect(sent.status()).toBe(200);
      await expectThankYou(
        'You are re-registered for year 1 of your accreditation. We will email you to confirm.',
      );
      await checkPage('re-registration recorded');

      const moved = await recordOf(lead);
      expect(moved.person).toEqual({ name: 'Asha Patel', email: reRegistration.moved.email });
      expect(moved.school).toBe(reRegistration.moved.organisation);
      const recorded = moved.progress[RE_REGISTRATION];
      expect(recorded).toEqual({
        outcome: 're-registered',
        reRegisteredAt: expect.any(String),
        contact: {
          name: 'Asha Patel',
          email: reRegistration.moved.email,
          organisation: reRegistration.moved.organisation,
        },
        counts: { teachers: 40, schools: 6 },
        pledges: accreditedYearsPlan().reRegistration.pledges,
      });
      const reRegisteredAt = new Date((recorded as { reRegisteredAt: string }).reRegisteredAt).getTime();
      expect(reRegisteredAt).toBeGreaterThanOrEqual(before);
      expect(reRegisteredAt).toBeLessThanOrEqual(system.clock.now().getTime());
      expect(await requestStatus(reRegistrationAsk.request)).toBe('answered');
      // The termly report from before is untouched by the move.
      expect(moved.progress[TERM.id]).toMatchObject({ outcome: 'reported' });
    });

    it('the directory entry that showed the old organisation and email now shows the new ones', async () => {
      const entry = await system.dependencies.store.directory.get(lead.participantId);
      expect(entry).toEqual({
        ...listedEntry(),
        organisation: reRegistration.moved.organisation,
        contactEmail: reRegistration.moved.email,
        updatedAt: expect.any(String),
      });
      expect(entry?.updatedAt).not.toBe(listedEntry().updatedAt);
      expect(await directoryJson()).toEqual([
        {
          name: 'Asha Patel',
          programme: PROGRAMME,
          pathway: 'Primary',
          organisation: reRegistration.moved.organisation,
          region: testCohort.mathsHub,
          contactEmail: reRegistration.moved.email,
          offer: 'Fractions work groups',
        },
      ]);

      await open(`${system.urls.app}/directory`, 200, 'Directory of accredited leads');
      const listed = page.locator('main li');
      expect(await listed.count()).toBe(1);
      expect(await listed.locator('p').allInnerTexts()).toEqual([
        `${PROGRAMME}, Primary pathway`,
        `${reRegistration.moved.organisation}, ${testCohort.mathsHub}`,
        reRegistration.moved.email,
      ]);
      expect(await listed.getByRole('link').getAttribute('href')).toBe(
        `mailto:${reRegistration.moved.email}`,
      );
      const shown = await mainText();
      for (const old of ['Hillside Primary', 'browser-years@school.test']) expect(shown).not.toContain(old);
      await checkPage('directory after the move');
    });

    it('the link opened again says the re-registration is already recorded (409), with no form', async () => {
      await open(reRegistrationAsk.link, 409, 'This has already been recorded');
      expect(await mainText()).toContain(
        'Your re-registration for year 1 is already recorded. There is nothing more to do.',
      );
      expect(await page.locator('form').count()).toBe(0);
      await checkPage('re-registration already recorded');
    });
  });

  describe('links past their deadline', () => {
    it('a re-registration sent too late lapses (410), a missed term does not; nothing is recorded', async () => {
      const lateTermly = await ask(lapsing, 'termly-feedback', TERM.id);
      const lateReRegistration = await ask(lapsing, 're-registration', RE_REGISTRATION);

      // Ben opens his re-registration in time and fills it in, but sends it only after the deadline.
      await open(lateReRegistration.link, 200, reRegistration.title);
      await reField('teachers').fill('12');
      await reField('schools').fill('2');
      await reField('commit').check();
      advanceToInstant(system, new Date(lateReRegistration.request.expiresAt));
      const late = await submitWith(page, reRegistration.send);
      const lapsed = 'The deadline to re-register has passed';
      expect(late.status()).toBe(410);
      expect(await page.title()).toBe(lapsed);
      expect(await heading(page)).toBe(lapsed);
      expect(await mainText()).toContain(
        'Your accreditation has lapsed, and the programme team has been told.',
      );
      await checkPage('re-registration sent after the deadline');

      // The link itself, opened again: the same page.
      await open(lateReRegistration.link, 410, lapsed);
      expect(await mainText()).toContain('Your accreditation has lapsed');
      expect(await page.locator('form').count()).toBe(0);
      await checkPage('re-registration link after the deadline');

      // A termly report's link past its deadline: the term is missed, the accreditation goes on.
      await open(lateTermly.link, 410, 'The deadline has passed');
      const missed = await mainText();
      expect(missed).toContain(
        `The deadline for your reach and impact report for the ${TERM.title} has passed, and the programme team has been told. Your accreditation continues.`,
      );
      expect(missed).not.toContain('lapsed');
      expect(await page.locator('form').count()).toBe(0);
      await checkPage('termly report link after the deadline');

      const record = await recordOf(lapsing);
      expect(record.progress).toEqual({});
      expect(record.person.email).toBe('browser-lapsing@school.test');
      expect(await requestStatus(lateReRegistration.request)).not.toBe('answered');
      expect(await requestStatus(lateTermly.request)).not.toBe('answered');
    });
  });
});

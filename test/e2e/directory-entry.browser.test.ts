import type { Browser, BrowserContext, Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { offerDirectoryEntry } from '../../functions/accreditation/directory.js';
import { newVerificationCode } from '../../functions/domain/directory.js';
import { Participant } from '../../functions/domain/participant.js';
import type { LocalSystem } from '../../infra/local/system.js';
import {
  type AccessibilityFinding,
  browserTestFile,
  checkFormPage,
  expectFieldErrors,
  focusedId,
  heading,
  navigation,
  submitWith,
  errorSummary as summaryOf,
  tabTo,
} from '../support/browser.js';
import { createCohort, testCohort } from '../support/local-system.js';
import type { PageDocument } from '../support/page-dom.js';

/**
 * The accredited lead's directory-entry form in real headless Chromium (Debian's, at /usr/bin/chromium),
 * opened from its link: the fresh form, its problems, opting in (by keyboard) and out, and what the
 * public directory shows, as a page in the browser and as /directory.json, after each.
 *
 * Every page, the form before and after an error, the thank-you pages and the directory, is checked with
 * axe-core (no serious or critical violations, every control labelled) and at a 375-pixel phone width
 * (no sideways scrolling).
 *
 * The lead is accredited straight into the store, as AdvanceProgramme leaves them (their certificate's
 * code recorded), and their link minted by `offerDirectoryEntry`, as the accreditation email's is: no
 * programme is run. The tests are steps of one journey on one local system, in order. One browser for
 * the file, one context per test.
 */
/** The page's globals, as the callbacks run inside it see them (see test/support/page-dom.ts). */
declare const document: PageDocument;

const TITLE = 'Your entry in the directory of accredited leads';
const PROGRAMME = 'NCETM Professional Development Lead accreditation';
const SAVE = 'Save my choice';
const MAX_OFFER = 500;

const labels = {
  displayName: 'Your name',
  organisation: 'Organisation',
  region: 'Region or Maths Hub',
  contactEmail: 'Contact email (optional)',
  offer: 'The PD I offer (optional)',
};
const yes = 'Yes, list me';
const no = 'No, do not list me';

/** What the lead chooses to show: a new name, no organisation, their Maths Hub, an email and what they offer. */
const chosen = {
  displayName: 'Dr Asha Patel',
  region: testCohort.mathsHub,
  contactEmail: 'asha.patel@hillside.sch.uk',
  offer: 'Fractions and place value work groups\nTeaching for mastery, Years 1 to 6 & <SEND>',
};

let system: LocalSystem;
let _browser: Browser;
let _context: BrowserContext;
let page: Page;

let participant: Participant;
let link: string;

/** What axe found that fails no test (moderate or minor), listed once the file's tests are done. */
const lesserFindings: AccessibilityFinding[] = [];

const url = (path: string) => `${system.urls.app}${path}`;
const field = (name: keyof typeof labels) => page.getByLabel(labels[name], { exact: true });
const radio = (name: string) => page.getByRole('radio', { name, exact: true });
const mainText = () => page.locator('main').innerText();
const directoryJson = async () =>
  ((await (await fetch(url('/directory.json'))).json()) as { leads: Record<string, string>[] }).leads;
const listedInDirectory = async () =>
  (await system.dependencies.store.participants.get(participant.participantId))?.accreditation
    ?.listedInDirectory;

/** Accredited as AdvanceProgramme leaves a lead: the record, and their certificate findable by its code. */
async function accreditedLead(): Promise<Participant> {
  const participantId = 'p-browser-directory';
  const verificationCode = newVerificationCode();
  const lead = Participant.parse({
    participantId,
    person: { name: 'Asha Patel', email: 'browser-directory@school.test' },
    school: 'Hillside Primary',
    seniorLeader: {
      name: 'Sam Okafor',
      email: 'head-of-browser-directory@school.test',
      role: 'Head teacher',
    },
    programmeId: testCohort.programmeId,
    pathway: testCohort.pathway,
    cohortId: testCohort.cohortId,
    stage: 'accredited',
    enrolledAt: '2026-09-01T09:00:00.000Z',
    accreditation: { verificationCode, accreditedAt: '2027-07-01T09:00:00.000Z', listedInDirectory: false },
  });
  await system.dependencies.store.participants.create(lead);
  await system.dependencies.store.certificates.record(verificationCode, participantId);
  return lead;
}

/** Every error page here says so in its title first, then its summary is read as on any form. */
async function errorSummary() {
  expect(await page.title()).toBe(`Error: ${TITLE}`);
  return summaryOf(page);
}

/** axe, the phone width and an optional screenshot (see checkFormPage); lesser findings reported at the end. */
const checkPage = async (name: string, screenshot?: string) =>
  lesserFindings.push(...(await checkFormPage(page, name, screenshot)));

/** The lead opens their link (as from the accreditation email's button): the form, as it starts. */
async function openForm() {
  const opened = await navigation(page, () => page.goto(link));
  expect(opened.status()).toBe(200);
  expect(await page.title()).toBe(TITLE);
  expect(await heading(page)).toBe(TITLE);
}

/** The public directory, opened in the browser. */
async function openDirectory() {
  const opened = await navigation(page, () => page.goto(url('/directory')));
  expect(opened.status()).toBe(200);
  expect(await heading(page)).toBe('Directory of accredited leads');
}

browserTestFile({
  lesserFindings,
  async started(startedSystem, startedBrowser) {
    [system, _browser] = [startedSystem, startedBrowser];
    await createCohort(system);
    participant = await accreditedLead();
    link = await offerDirectoryEntry(participant, system.dependencies);
  },
  opened(openedContext, openedPage) {
    [_context, page] = [openedContext, openedPage];
  },
  // The lead is written into the store with no execution: nothing is expected to carry them on.
  invariants: { seededWithoutExecution: ['p-browser-directory'] },
});

describe.sequential("the accredited lead's directory entry in Chromium, from their link", () => {
  it('the fresh form starts from their name, school and Maths Hub, and the directory is empty', async () => {
    await openDirectory();
    expect(await mainText()).toContain('No accredited leads are listed yet.');
    await checkPage('directory, empty');

    await openForm();
    expect(await mainText()).toContain(`You are accredited: ${PROGRAMME}, Primary pathway.`);
    expect(
      await page.getByRole('group', { name: 'Do you want to be listed in the directory?' }).count(),
    ).toBe(1);
    expect(await radio(yes).isChecked()).toBe(false);
    expect(await radio(no).isChecked()).toBe(false);
    expect(await field('displayName').inputValue()).toBe('Asha Patel');
    expect(await field('organisation').inputValue()).toBe('Hillside Primary');
    expect(await field('region').inputValue()).toBe(testCohort.mathsHub);
    expect(await field('contactEmail').inputValue()).toBe('');
    expect(await field('offer').inputValue()).toBe('');
    expect(await field('offer').getAttribute('maxlength')).toBe(String(MAX_OFFER));
    await checkPage('directory entry form', 'directory-entry-form-375.png');
  });

  it('problems come back 422 with the summary in page order, what was typed kept, and pass axe again', async () => {
    await openForm();
    // The box stops typing at 500 characters; what another client posts past it is still refused.
    await field('offer').fill('o'.repeat(MAX_OFFER + 1));
    expect(await field('offer').inputValue()).toHaveLength(MAX_OFFER);
    await page.evaluate(() => document.getElementById('offer')?.removeAttribute('maxlength'));
    const tooLong = `${'o'.repeat(MAX_OFFER - 9)} & <b>x</b>`;
    await field('offer').fill(tooLong);
    await field('displayName').fill('   ');
    await field('organisation').fill('Hillside Primary & "Nursery"');
    await field('contactEmail').fill('asha.patel.hillside.sch.uk');

    const refused = await submitWith(page, SAVE);
    expect(refused.status()).toBe(422);
    const summary = await errorSummary();
    expect(summary.texts).toEqual([
      'Choose whether to be listed in the directory',
      'Enter the name to show in the directory',
      'Enter an email address like name@school.org.uk, or leave it empty',
      `Shorten the PD you offer to 500 characters or fewer (it has ${tooLong.length})`,
    ]);
    expect(summary.targets).toEqual(['listed', 'displayName', 'contactEmail', 'offer']);
    await expectFieldErrors(page, {
      listed: { message: 'Choose whether to be listed in the directory' },
      displayName: { message: 'Enter the name to show in the directory' },
      contactEmail: {
        message: 'Enter an email address like name@school.org.uk, or leave it empty',
        hint: true,
      },
      offer: {
        message: `Shorten the PD you offer to 500 characters or fewer (it has ${tooLong.length})`,
        hint: true,
      },
    });
    // What was typed is kept, exactly: nothing chosen, the others as they were.
    expect(await radio(yes).isChecked()).toBe(false);
    expect(await radio(no).isChecked()).toBe(false);
    expect(await field('displayName').inputValue()).toBe('   ');
    expect(await field('organisation').inputValue()).toBe('Hillside Primary & "Nursery"');
    expect(await field('region').inputValue()).toBe(testCohort.mathsHub);
    expect(await field('contactEmail').inputValue()).toBe('asha.patel.hillside.sch.uk');
    expect(await field('offer').inputValue()).toBe(tooLong);
    await checkPage('directory entry form, four problems', 'directory-entry-errors-375.png');

    expect(await directoryJson()).toEqual([]);
    expect(await listedInDirectory()).toBe(false);
  });

  it('opting in by keyboard alone shows the lead in the directory with exactly the fields chosen, as HTML and JSON', async () => {
    await openForm();
    // Their answer to the last test is not kept: the form starts again from their record.
    expect(await field('organisation').inputValue()).toBe('Hillside Primary');

    // Tab to the first choice, Space to choose it; Tab through each box, typing or clearing it.
    await tabTo(page, 'listed-yes');
    await page.keyboard.press('Space');
    expect(await radio(yes).isChecked()).toBe(true);
    const retype = async (id: keyof typeof labels, text: string) => {
      await tabTo(page, id);
      await page.keyboard.press('ControlOrMeta+A');
      await page.keyboard.press('Backspace');
      if (text) await page.keyboard.type(text);
    };
    await retype('displayName', chosen.displayName);
    await retype('organisation', '');
    await tabTo(page, 'region'); // kept as it starts
    await retype('contactEmail', chosen.contactEmail);
    await retype('offer', chosen.offer); // Enter in the box starts a new line
    expect(await field('offer').inputValue()).toBe(chosen.offer);
    await page.keyboard.press('Tab');
    expect(
      await page.evaluate(() => `${document.activeElement?.tagName} ${document.activeElement?.textContent}`),
    ).toBe(`BUTTON ${SAVE}`);
    const saved = await navigation(page, () => page.keyboard.press('Enter'));

    expect(saved.status()).toBe(200);
    expect(await heading(page)).toBe('Thank you: your choice is saved');
    expect(await mainText()).toContain('Your entry is in the directory of accredited leads.');
    await checkPage('directory entry saved');
    expect(await listedInDirectory()).toBe(true);

    // The thank-you page's own link leads to the public directory.
    const directory = await navigation(page, () =>
      page.getByRole('link', { name: 'See the directory' }).click(),
    );
    expect(directory.status()).toBe(200);
    expect(page.url()).toBe(url('/directory'));
    expect(await heading(page)).toBe('Directory of accredited leads');
    const leads = page.locator('main li');
    expect(await leads.count()).toBe(1);
    const entry = leads.first();
    expect(await entry.locator('h2').innerText()).toBe(chosen.displayName);
    expect(await entry.locator('p').allInnerTexts()).toEqual([
      `${PROGRAMME}, Primary pathway`,
      chosen.region,
      chosen.contactEmail,
    ]);
    // What they offer, line breaks and all, exactly as typed (and as text, never markup).
    expect(await entry.locator('div').innerText()).toBe(chosen.offer);
    expect(await entry.getByRole('link').getAttribute('href')).toBe(`mailto:${chosen.contactEmail}`);
    // Nothing they left out, and nothing from their record they were not asked to show.
    const shown = await mainText();
    for (const hidden of ['Hillside Primary', participant.person.email]) expect(shown).not.toContain(hidden);
    expect(await directoryJson()).toEqual([
      {
        name: chosen.displayName,
        programme: PROGRAMME,
        pathway: 'Primary',
        region: chosen.region,
        contactEmail: chosen.contactEmail,
        offer: chosen.offer,
      },
    ]);
    await checkPage('directory, one lead listed', 'directory-listed-375.png');
  });

  it('the same link shows the entry as saved; opting out takes the lead off the directory, as HTML and JSON', async () => {
    await openForm();
    expect(await radio(yes).isChecked()).toBe(true);
    expect(await field('displayName').inputValue()).toBe(chosen.displayName);
    expect(await field('organisation').inputValue()).toBe('');
    expect(await field('region').inputValue()).toBe(chosen.region);
    expect(await field('contactEmail').inputValue()).toBe(chosen.contactEmail);
    expect(await field('offer').inputValue()).toBe(chosen.offer);
    await checkPage('directory entry form, as saved');

    // Within the group the arrow keys move to, and choose, the other option.
    await tabTo(page, 'listed-yes');
    await page.keyboard.press('ArrowDown');
    expect(await focusedId(page)).toBe('listed-no');
    expect(await radio(no).isChecked()).toBe(true);
    const left = await submitWith(page, SAVE);
    expect(left.status()).toBe(200);
    expect(await heading(page)).toBe('Thank you: your choice is saved');
    expect(await mainText()).toContain('You are not listed in the directory.');
    expect(await page.getByRole('link', { name: 'See the directory' }).count()).toBe(0);
    await checkPage('directory entry removed');
    expect(await listedInDirectory()).toBe(false);
    expect(
      (await system.dependencies.store.requests.get(`directory-entry-${participant.participantId}`))?.status,
    ).toBe('open');

    await openDirectory();
    expect(await page.locator('main li').count()).toBe(0);
    expect(await mainText()).toContain('No accredited leads are listed yet.');
    expect(await mainText()).not.toContain(chosen.displayName);
    await checkPage('directory, empty again');
    expect(await directoryJson()).toEqual([]);
  });

  it('a long contact email, well within what the form takes, still fits the directory at 375 px', async () => {
    // A school address of 49 characters: the form takes up to 254, and many real ones are this long.
    // The directory's entries must wrap it (and long names) rather than scroll the page sideways.
    const long = 'asha.patel@stbartholomewsprimary.wiltshire.sch.uk';
    await openForm();
    await radio(yes).check();
    await field('contactEmail').fill(long);
    expect((await submitWith(page, SAVE)).status()).toBe(200);
    expect((await directoryJson()).map((lead) => lead.contactEmail)).toEqual([long]);

    await openDirectory();
    expect(await page.locator('main li').getByRole('link').innerText()).toBe(long);
    await checkPage('directory, a long contact email', 'directory-long-email-375.png');
  });

  it('once the accreditation lapses, the link says why it no longer lists them, and they are off the directory', async () => {
    await system.dependencies.store.participants.change(participant.participantId, {
      lapse: { reason: 'Not re-registered', at: system.clock.now().toISOString() },
      stage: 'lapsed',
    });
    expect((await navigation(page, () => page.goto(link))).status()).toBe(410);
    expect(await heading(page)).toBe('This link no longer changes the directory');
    expect(await mainText()).toContain('Your accreditation has lapsed');
    expect(await page.locator('form').count()).toBe(0);
    await checkPage('directory entry, lapsed');
    expect(await directoryJson()).toEqual([]);
  });

  it('a link to a corrected address says it was replaced; once withdrawn, the new one says it is closed', async () => {
    const moved = Participant.parse({
      ...participant,
      participantId: 'p-browser-directory-moved',
      person: { ...participant.person, email: 'moved-from@school.test' },
      stage: 'accredited',
      lapse: undefined,
    });
    await system.dependencies.store.participants.create(moved);
    const oldLink = await offerDirectoryEntry(moved, system.dependencies);
    await system.admin({
      command: 'correct-email',
      participantId: moved.participantId,
      whose: 'participant',
      email: 'moved-to@school.test',
    });
    expect((await navigation(page, () => page.goto(oldLink))).status()).toBe(410);
    expect(await heading(page)).toBe('This link has been replaced');
    await checkPage('a replaced link');

    const corrected = { ...moved, person: { ...moved.person, email: 'moved-to@school.test' } };
    const newLink = await offerDirectoryEntry(corrected, system.dependencies);
    await system.admin({
      command: 'withdraw-participant',
      participantId: moved.participantId,
      reason: 'Left',
    });
    expect((await navigation(page, () => page.goto(newLink))).status()).toBe(410);
    expect(await heading(page)).toBe('This link is closed');
    expect(await mainText()).toContain('has been withdrawn from the programme');
    await checkPage('a link about a withdrawn participant');
  });
});

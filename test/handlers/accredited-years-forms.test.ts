import type { APIGatewayProxyResult } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { reRegistrationYear, termlyReports } from '../../functions/domain/accredited-years.js';
import type { DirectoryEntry } from '../../functions/domain/directory.js';
import { Participant } from '../../functions/domain/participant.js';
import { ladderToDeadline, type Request, stepRequestId } from '../../functions/domain/request.js';
import type { FormValues, RequestForm } from '../../functions/forms/form.js';
import { reRegistrationForm } from '../../functions/forms/re-registration-form.js';
import { termlyFeedbackForm } from '../../functions/forms/termly-feedback-form.js';
import { advanceAccreditedYears } from '../../functions/lifecycle/advance-accredited-years.js';
import { ensureRequest, mintLink } from '../../functions/lifecycle/asks.js';
import type { LocalSystem } from '../../infra/local/system.js';
import { accreditedYearsPlan } from '../support/accredited-years.js';
import { startTestSystem, testCohort } from '../support/local-system.js';

/**
 * The accredited leads' forms (termly reach and impact, yearly re-registration) called directly against
 * the real local store, as the forms handler calls them once it has found an open request behind a link.
 * Leads are accredited on 15 February 2027 (12:00Z), so their first report is on the spring term 2027,
 * due 17 April 2027 at 5 pm (BST), and their first re-registration is due 15 February 2028 at 5 pm (GMT).
 */
const SCRIPT = '<script>alert("x")</script>';
const ESCAPED_SCRIPT = '&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;';
const evidence = { ipAddress: '127.0.0.1', userAgent: 'vitest' };
const ACCREDITED_AT = '2027-02-15T12:00:00.000Z';
const plan = accreditedYearsPlan();

let system: LocalSystem;
const store = () => system.dependencies.store;
const deps = () => system.dependencies;

beforeAll(async () => {
  system = await startTestSystem();
  // Every participant's cohort exists, as enrolment makes sure: the accredited years' steps index it.
  await system.admin({ command: 'create-cohort', cohort: { ...testCohort, cohortId: 'accredited-cohort' } });
});
afterAll(() => system.stop());

let counter = 0;
async function lead({
  name = 'Asha Patel',
  school = 'Hillside Primary',
  accreditedAt = ACCREDITED_AT as string | null,
} = {}): Promise<Participant> {
  counter += 1;
  const created = Participant.parse({
    participantId: `p-accredited-${counter}`,
    person: { name, email: `lead-${counter}@school.test` },
    school,
    seniorLeader: { name: 'Sam Okafor', email: `head-${counter}@school.test`, role: 'Head teacher' },
    programmeId: 'ncetm-pd-lead',
    pathway: 'primary',
    cohortId: 'accredited-cohort',
    stage: accreditedAt ? 'accredited' : 'in-programme',
    enrolledAt: '2026-09-01T09:00:00.000Z',
    ...(accreditedAt
      ? {
          accreditation: {
            verificationCode: `ABCD-1234-${String(counter).padStart(4, '0')}`,
            accreditedAt,
            listedInDirectory: true,
          },
        }
      : {}),
  });
  await store().participants.create(created);
  return created;
}

/** The ask as the accredited-years workflow makes it: due at the plan's deadline, to the lead themself. */
function ask(p: Participant, kind: 'termly-feedback' | 're-registration', stepId: string, deadline: Date) {
  const now = system.clock.now();
  return ensureRequest(
    {
      requestId: stepRequestId(stepId, p.participantId),
      kind,
      participantId: p.participantId,
      stepId,
      recipient: p.person,
    },
    ladderToDeadline(
      deadline,
      (kind === 'termly-feedback' ? plan.termlyFeedback : plan.reRegistration).remindersDaysBefore,
      now,
    ),
    deps(),
    deadline,
  );
}

const springReport = () => {
  const [spring] = termlyReports(new Date(ACCREDITED_AT), plan.termlyFeedback);
  if (!spring) throw new Error('A lead accredited in February reports on the spring term');
  return spring;
};
const termlyAsk = (p: Participant, report = springReport()) =>
  ask(p, 'termly-feedback', report.id, report.due);
const reRegistrationAsk = (p: Participant, year = 1) =>
  ask(
    p,
    're-registration',
    `re-registration-${year}`,
    reRegistrationYear(new Date(ACCREDITED_AT), year, plan.reRegistration).due,
  );

const answer = (form: RequestForm, req: Request, values: FormValues) =>
  form.answer(req, values, evidence, deps());
const recordOf = async (p: Participant) => {
  const found = await store().participants.get(p.participantId);
  if (!found) throw new Error(`${p.participantId} vanished`);
  return found;
};
const statusOf = async (r: Request) => (await store().requests.get(r.requestId))?.status;
const textarea = (page: APIGatewayProxyResult, name: string) =>
  page.body.match(new RegExp(`<textarea id="${name}"[^>]*>\\n([\\s\\S]*?)</textarea>`))?.[1];
const input = (page: APIGatewayProxyResult, name: string) =>
  page.body.match(new RegExp(`<input type="text" id="${name}" [^>]*value="([^"]*)"`))?.[1];
const summaryLinks = (page: APIGatewayProxyResult) =>
  [...page.body.matchAll(/<li><a href="#(\w+)">([^<]*)<\/a><\/li>/g)].map(([, field, text]) => [field, text]);

const TEACHERS = 'How many teachers took part in PD you led this term?';
const SCHOOLS = 'From how many schools, colleges or organisations?';
const PD_LED = 'What PD did you lead this term?';
const IMPACT = 'What impact have you seen on teachers and pupils?';
const esc = (text: string) => text.replaceAll("'", '&#39;');

const goodReport = {
  teachers: '14',
  schools: ' 3 ',
  pdLed: `Two work groups on fractions & a staff meeting ${SCRIPT}`,
  impact: 'Teachers use bar models;\r\npupils explain their reasoning.',
};

/** The rest of a valid re-registration: the year's reach and the tick. */
const pledgesAndCounts = { teachers: '40', schools: '6', commit: 'yes' };

const LISTED_AT = '2027-03-01T10:00:00.000Z';
function directoryEntry(
  p: Participant,
  shown: { organisation: string; contactEmail: string },
): DirectoryEntry {
  return {
    participantId: p.participantId,
    programmeId: p.programmeId,
    pathway: p.pathway,
    displayName: 'Asha P.',
    region: 'North Star Maths Hub',
    offer: 'Work groups on fractions',
    updatedAt: LISTED_AT,
    ...shown,
  };
}

describe('termly feedback form', () => {
  it('shows the term, its deadline in London time and one field per count and prompt', async () => {
    const req = await termlyAsk(await lead());
    expect(req.expiresAt).toBe('2027-04-17T16:00:00.000Z');
    const page = await termlyFeedbackForm.show(req, deps());
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('<title>Your PD reach and impact: Spring term 2027</title>');
    expect(page.body).toContain('<h1>Your PD reach and impact: Spring term 2027</h1>');
    expect(page.body).toContain(
      'Tell us about the professional development you led this term, by Saturday 17 April 2027 at 5:00 pm.',
    );
    expect(page.body).toContain(`<label for="teachers">${TEACHERS}</label>`);
    expect(page.body).toContain(`<label for="schools">${SCHOOLS}</label>`);
    expect(page.body).toMatch(
      /<input type="text" id="teachers" name="teachers" inputmode="numeric" maxlength="6"/,
    );
    expect(page.body).toContain('<textarea id="pdLed" name="pdLed" rows="6" maxlength="2000"');
    expect(page.body).toContain(
      'For example, work groups, staff meetings, coaching. Up to 2,000 characters.',
    );
    expect(page.body).toContain('<textarea id="impact" name="impact" rows="6" maxlength="2000"');
    expect(page.body).toContain('Send my report');
    expect(await termlyFeedbackForm.fields(req, deps())).toEqual(['teachers', 'schools', 'pdLed', 'impact']);
  });

  it('names whichever term the ask is about', async () => {
    const p = await lead();
    const [, , autumn] = termlyReports(new Date(ACCREDITED_AT), plan.termlyFeedback);
    if (!autumn) throw new Error('Three terms are reported on');
    const req = await termlyAsk(p, autumn);
    const page = await termlyFeedbackForm.show(req, deps());
    expect(page.body).toContain('<h1>Your PD reach and impact: Autumn term 2027</h1>');
    expect(page.body).toContain('by Saturday 8 January 2028 at 5:00 pm.');
    const expired = await termlyFeedbackForm.expired(req, deps());
    expect(expired.body).toContain('your reach and impact report for the Autumn term 2027 has passed');
  });

  it('refuses missing answers, naming each question, and keeps what was typed, escaped', async () => {
    const p = await lead();
    const req = await termlyAsk(p);
    const page = await answer(termlyFeedbackForm, req, {
      teachers: '',
      pdLed: SCRIPT,
      impact: ' \r\n ',
    });
    expect(page.statusCode).toBe(422);
    expect(page.body).toContain('<title>Error: Your PD reach and impact: Spring term 2027</title>');
    expect(summaryLinks(page)).toEqual([
      ['teachers', esc(`Answer '${TEACHERS}'`)],
      ['schools', esc(`Answer '${SCHOOLS}'`)],
      ['impact', esc(`Answer '${IMPACT}'`)],
    ]);
    expect(page.body).toContain(
      `<span class="error-message" id="impact-error">Error: ${esc(`Answer '${IMPACT}'`)}`,
    );
    expect(textarea(page, 'pdLed')).toBe(ESCAPED_SCRIPT);
    expect(page.body).not.toContain(SCRIPT);
    expect((await recordOf(p)).progress).toEqual({});
    expect(await statusOf(req)).toBe('open');
  });

  it('refuses counts that are not whole numbers of up to six digits, and over-long answers', async () => {
    const p = await lead();
    const req = await termlyAsk(p);
    const typed = {
      teachers: '"><b>lots</b>',
      schools: '1234567',
      pdLed: `${SCRIPT}${'a'.repeat(2001)}`,
      impact: 'Fine',
    };
    const page = await answer(termlyFeedbackForm, req, typed);
    expect(page.statusCode).toBe(422);
    expect(summaryLinks(page)).toEqual([
      ['teachers', esc(`Enter a whole number for '${TEACHERS}', like 12`)],
      ['schools', esc(`Enter a whole number for '${SCHOOLS}', like 12`)],
      ['pdLed', esc(`Shorten your answer to '${PD_LED}' to 2,000 characters or fewer (it has 2,028)`)],
    ]);
    expect(input(page, 'teachers')).toBe('&quot;&gt;&lt;b&gt;lots&lt;/b&gt;');
    expect(input(page, 'schools')).toBe('1234567');
    expect(textarea(page, 'pdLed')).toBe(`${ESCAPED_SCRIPT}${'a'.repeat(2001)}`);
    expect(textarea(page, 'impact')).toBe('Fine');
    expect(page.body).not.toContain('<b>lots</b>');
    expect(page.body).not.toContain(SCRIPT);

    const decimal = await answer(termlyFeedbackForm, req, { ...goodReport, teachers: '2.5', schools: '-1' });
    expect(decimal.statusCode).toBe(422);
    expect(summaryLinks(decimal).map(([field]) => field)).toEqual(['teachers', 'schools']);
    expect((await recordOf(p)).progress).toEqual({});
    expect(await statusOf(req)).toBe('open');
  });

  it('records the report once, counts as numbers and answers as typed, and closes the request', async () => {
    const p = await lead();
    const req = await termlyAsk(p);
    const before = system.clock.now().toISOString();
    const page = await answer(termlyFeedbackForm, req, { ...goodReport, schools: ' 0300 ' });
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain(
      'Your reach and impact report for the Spring term 2027 is recorded. Thank you for the PD you lead.',
    );
    const recorded = await recordOf(p);
    expect(recorded.progress).toEqual({
      'termly-spring-2027': {
        outcome: 'reported',
        reportedAt: expect.any(String),
        counts: { teachers: 14, schools: 300 },
        answers: {
          pdLed: `Two work groups on fractions & a staff meeting ${SCRIPT}`,
          impact: 'Teachers use bar models;\npupils explain their reasoning.',
        },
      },
    });
    const reportedAt = (recorded.progress['termly-spring-2027'] as { reportedAt: string }).reportedAt;
    expect(reportedAt >= before && reportedAt <= system.clock.now().toISOString()).toBe(true);
    expect(recorded.revision).toBe(p.revision + 1);
    expect(await store().requests.get(req.requestId)).toMatchObject({
      status: 'answered',
      answer: { answeredBy: 'Asha Patel', answeredAt: reportedAt },
    });

    const again = await answer(termlyFeedbackForm, req, { ...goodReport, teachers: '99' });
    expect(again.statusCode).toBe(409);
    expect(again.body).toContain(
      'Your reach and impact report for the Spring term 2027 is already recorded.',
    );
    const after = await recordOf(p);
    expect(after.progress).toEqual(recorded.progress);
    expect(after.revision).toBe(recorded.revision);

    const already = await termlyFeedbackForm.alreadyAnswered(req, deps());
    expect(already.statusCode).toBe(409);
    expect(already.body).toContain(
      'Your reach and impact report for the Spring term 2027 is already recorded.',
    );
  });

  it('after the deadline, says the accreditation continues', async () => {
    const req = await termlyAsk(await lead());
    const page = await termlyFeedbackForm.expired(req, deps());
    expect(page.statusCode).toBe(410);
    expect(page.body).toContain('<h1>The deadline has passed</h1>');
    expect(page.body).toContain(
      'The deadline for your reach and impact report for the Spring term 2027 has passed, and the programme team has been told. Your accreditation continues.',
    );
  });

  it('refuses a term the lead does not report on', async () => {
    // Accredited after the spring 2027 ask: summer 2027 is their first term.
    const p = await lead({ accreditedAt: '2027-03-20T12:00:00.000Z' });
    const req = await termlyAsk(p);
    await expect(termlyFeedbackForm.show(req, deps())).rejects.toThrow(
      `${p.participantId} has no termly report "termly-spring-2027"`,
    );
    await expect(answer(termlyFeedbackForm, req, goodReport)).rejects.toThrow('has no termly report');
    expect((await recordOf(p)).progress).toEqual({});
    expect(await statusOf(req)).toBe('open');
  });
});

describe('re-registration form', () => {
  const RE_TEACHERS = 'How many teachers took part in PD you led in the last year?';

  it('shows the year, its deadline, the pledges, and starts from the contact details on record', async () => {
    const p = await lead({ school: `Oak & Ash ${SCRIPT}` });
    const req = await reRegistrationAsk(p);
    expect(req.expiresAt).toBe('2028-02-15T17:00:00.000Z');
    const page = await reRegistrationForm.show(req, deps());
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('<h1>Re-register as an accredited lead</h1>');
    expect(page.body).toContain(
      'NCETM Professional Development Lead accreditation: year 1 of your accreditation. Please re-register by Tuesday 15 February 2028 at 5:00 pm, or your accreditation lapses.',
    );
    expect(input(page, 'name')).toBe('Asha Patel');
    expect(input(page, 'email')).toBe(p.person.email);
    expect(input(page, 'organisation')).toBe(`Oak &amp; Ash ${ESCAPED_SCRIPT}`);
    expect(page.body).not.toContain(SCRIPT);
    expect(input(page, 'teachers')).toBe('');
    expect(page.body).toContain(`<label for="teachers">${RE_TEACHERS}</label>`);
    for (const pledge of plan.reRegistration.pledges) expect(page.body).toContain(`<li>${esc(pledge)}</li>`);
    expect(page.body).toMatch(/<input type="checkbox" id="commit" name="commit" value="yes">/);
    expect(await reRegistrationForm.fields(req, deps())).toEqual([
      'name',
      'email',
      'organisation',
      'teachers',
      'schools',
      'commit',
    ]);
  });

  it('names the year of a later re-registration and its own anniversary', async () => {
    const req = await reRegistrationAsk(await lead(), 2);
    const page = await reRegistrationForm.show(req, deps());
    expect(page.body).toContain(
      'year 2 of your accreditation. Please re-register by Thursday 15 February 2029 at 5:00 pm',
    );
  });

  it('asks for the tick, a valid email and the counts, keeping what was typed, escaped', async () => {
    const p = await lead();
    const req = await reRegistrationAsk(p);
    const page = await answer(reRegistrationForm, req, {
      name: 'Asha Patel',
      email: 'not-an-email',
      organisation: `Riverside ${SCRIPT}`,
      teachers: 'forty',
      schools: '6',
    });
    expect(page.statusCode).toBe(422);
    expect(summaryLinks(page)).toEqual([
      ['email', 'Enter an email address like name@school.org.uk'],
      ['teachers', esc(`Enter a whole number for '${RE_TEACHERS}', like 12`)],
      ['commit', 'Tick the box to commit to a further year'],
    ]);
    expect(page.body).toContain(
      '<span class="error-message" id="commit-error">Error: Tick the box to commit',
    );
    expect(input(page, 'email')).toBe('not-an-email');
    expect(input(page, 'organisation')).toBe(`Riverside ${ESCAPED_SCRIPT}`);
    expect(input(page, 'teachers')).toBe('forty');
    expect(input(page, 'schools')).toBe('6');
    expect(page.body).not.toContain(SCRIPT);

    const blank = await answer(reRegistrationForm, req, {
      name: ' ',
      email: '',
      organisation: 'o'.repeat(101),
      ...pledgesAndCounts,
    });
    expect(blank.statusCode).toBe(422);
    expect(summaryLinks(blank)).toEqual([
      ['name', 'Enter a name'],
      ['email', 'Enter your email address'],
      [
        'organisation',
        'Shorten your school, college or organisation to 100 characters or fewer (it has 101)',
      ],
    ]);
    expect(page.body).toMatch(
      /<input type="checkbox" id="commit" name="commit" value="yes" aria-describedby="commit-error">/,
    );
    expect(blank.body).toMatch(/<input type="checkbox" id="commit" name="commit" value="yes" checked>/);

    expect((await recordOf(p)).progress).toEqual({});
    expect((await recordOf(p)).person.email).toBe(p.person.email);
    expect(await statusOf(req)).toBe('open');
  });

  it('records the re-registration, updates the contact details and moves the directory entry that showed them', async () => {
    const p = await lead();
    await store().directory.save(directoryEntry(p, { organisation: p.school, contactEmail: p.person.email }));
    const req = await reRegistrationAsk(p);
    const page = await answer(reRegistrationForm, req, {
      name: ' Asha Patel-Jones ',
      email: ' asha@riverside.test ',
      organisation: 'Riverside Academy',
      teachers: '40',
      schools: '6',
      commit: 'yes',
    });
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('You are re-registered for year 1 of your accreditation.');

    const record = await recordOf(p);
    expect(record.person).toEqual({ name: 'Asha Patel-Jones', email: 'asha@riverside.test' });
    expect(record.school).toBe('Riverside Academy');
    expect(record.progress['re-registration-1']).toEqual({
      outcome: 're-registered',
      reRegisteredAt: expect.any(String),
      contact: { name: 'Asha Patel-Jones', email: 'asha@riverside.test', organisation: 'Riverside Academy' },
      counts: { teachers: 40, schools: 6 },
      pledges: plan.reRegistration.pledges,
    });
    expect(await store().requests.get(req.requestId)).toMatchObject({
      status: 'answered',
      answer: { answeredBy: 'Asha Patel' },
    });
    const entry = await store().directory.get(p.participantId);
    expect(entry).toMatchObject({
      displayName: 'Asha P.',
      organisation: 'Riverside Academy',
      contactEmail: 'asha@riverside.test',
      region: 'North Star Maths Hub',
      offer: 'Work groups on fractions',
    });
    expect(entry?.updatedAt).not.toBe(LISTED_AT);

    const again = await answer(reRegistrationForm, req, {
      name: 'Someone Else',
      email: 'else@school.test',
      organisation: 'Elsewhere',
      ...pledgesAndCounts,
    });
    expect(again.statusCode).toBe(409);
    expect(again.body).toContain('Your re-registration for year 1 is already recorded.');
    const after = await recordOf(p);
    expect(after.person).toEqual(record.person);
    expect(after.school).toBe('Riverside Academy');
    expect(after.progress).toEqual(record.progress);
    expect(await store().directory.get(p.participantId)).toEqual(entry);
    expect((await reRegistrationForm.alreadyAnswered(req, deps())).statusCode).toBe(409);
  });

  it('finishes a move that stopped part-way: a retried post, or else the next accredited-years step', async () => {
    // The outcome was recorded, then the post stopped before the contact details changed.
    const stopped = async () => {
      const p = await lead();
      await store().directory.save(
        directoryEntry(p, { organisation: p.school, contactEmail: p.person.email }),
      );
      const req = await reRegistrationAsk(p);
      const contact = { name: 'Asha Patel', email: 'asha@riverside.test', organisation: 'Riverside Academy' };
      await store().participants.recordStepOutcome(p.participantId, 're-registration-1', {
        outcome: 're-registered',
        reRegisteredAt: system.clock.now().toISOString(),
        contact,
        counts: { teachers: 40, schools: 6 },
        pledges: plan.reRegistration.pledges,
      });
      expect((await recordOf(p)).school).toBe('Hillside Primary');
      return { p, req, contact };
    };
    const moved = async (p: Participant, contact: { email: string; organisation: string }) => {
      const record = await recordOf(p);
      expect(record.person.email).toBe(contact.email);
      expect(record.school).toBe(contact.organisation);
      expect(await store().directory.get(p.participantId)).toMatchObject({
        organisation: contact.organisation,
        contactEmail: contact.email,
      });
    };

    // The retry is told it is already recorded, and the winning answer's details now apply.
    const retried = await stopped();
    const again = await answer(reRegistrationForm, retried.req, {
      ...retried.contact,
      ...pledgesAndCounts,
    });
    expect(again.statusCode).toBe(409);
    await moved(retried.p, retried.contact);
    expect(await statusOf(retried.req)).toBe('answered');

    // Nobody retries: the accredited years' next step applies them.
    const left = await stopped();
    await advanceAccreditedYears(
      {
        participantId: left.p.participantId,
        execution: { input: {}, startedAt: system.clock.now().toISOString() },
      },
      deps(),
    );
    await moved(left.p, left.contact);
  });

  it('leaves what a directory entry showed of its own (another organisation) and moves only the old email', async () => {
    const p = await lead();
    await store().directory.save(
      directoryEntry(p, { organisation: 'North Star Maths Hub', contactEmail: p.person.email }),
    );
    const req = await reRegistrationAsk(p);
    const page = await answer(reRegistrationForm, req, {
      name: 'Asha Patel',
      email: 'asha@riverside.test',
      organisation: 'Riverside Academy',
      ...pledgesAndCounts,
    });
    expect(page.statusCode).toBe(200);
    expect(await store().directory.get(p.participantId)).toMatchObject({
      organisation: 'North Star Maths Hub',
      contactEmail: 'asha@riverside.test',
    });
  });

  it('leaves a directory entry alone when what it shows is not the old contact details', async () => {
    const p = await lead();
    const listed = directoryEntry(p, { organisation: 'North Star Maths Hub', contactEmail: 'hub@hub.test' });
    await store().directory.save(listed);
    const req = await reRegistrationAsk(p);
    const page = await answer(reRegistrationForm, req, {
      name: 'Asha Patel',
      email: 'asha@riverside.test',
      organisation: 'Riverside Academy',
      ...pledgesAndCounts,
    });
    expect(page.statusCode).toBe(200);
    expect(await store().directory.get(p.participantId)).toEqual(listed);
    expect((await recordOf(p)).school).toBe('Riverside Academy');
  });

  it('re-registers a lead with no directory entry, details unchanged', async () => {
    const p = await lead();
    const req = await reRegistrationAsk(p);
    const page = await answer(reRegistrationForm, req, {
      name: p.person.name,
      email: p.person.email,
      organisation: p.school,
      ...pledgesAndCounts,
    });
    expect(page.statusCode).toBe(200);
    expect(await store().directory.get(p.participantId)).toBeUndefined();
    const record = await recordOf(p);
    expect(record.person).toEqual(p.person);
    expect(record.progress['re-registration-1']).toMatchObject({ outcome: 're-registered' });
  });

  it('after the deadline, says the accreditation has lapsed', async () => {
    const req = await reRegistrationAsk(await lead());
    const page = await reRegistrationForm.expired(req, deps());
    expect(page.statusCode).toBe(410);
    expect(page.body).toContain('<h1>The deadline to re-register has passed</h1>');
    expect(page.body).toContain('Your accreditation has lapsed, and the programme team has been told.');
  });

  it('refuses an ask that is not a re-registration year', async () => {
    const p = await lead();
    const req = await ask(p, 're-registration', 're-registration-0', new Date('2028-02-15T17:00:00Z'));
    await expect(reRegistrationForm.show(req, deps())).rejects.toThrow(
      '"re-registration-0" is not a re-registration',
    );
  });
});

describe('a lead who is not accredited', () => {
  it('gets no accredited form: each one throws, records nothing, and the link shows a page that says nothing', async () => {
    const p = await lead({ accreditedAt: null });
    const termly = await termlyAsk(p);
    const yearly = await reRegistrationAsk(p);
    const reason = `${p.participantId} is asked termly-spring-2027 without an accreditation`;
    await expect(termlyFeedbackForm.show(termly, deps())).rejects.toThrow(reason);
    await expect(answer(termlyFeedbackForm, termly, goodReport)).rejects.toThrow(reason);
    await expect(termlyFeedbackForm.expired(termly, deps())).rejects.toThrow(reason);
    await expect(reRegistrationForm.show(yearly, deps())).rejects.toThrow('without an accreditation');
    await expect(
      answer(reRegistrationForm, yearly, {
        name: 'Asha Patel',
        email: 'asha@riverside.test',
        organisation: 'Riverside Academy',
        ...pledgesAndCounts,
      }),
    ).rejects.toThrow('without an accreditation');
    const record = await recordOf(p);
    expect(record.progress).toEqual({});
    expect(record.school).toBe('Hillside Primary');
    expect(await statusOf(termly)).toBe('open');

    // Through the emailed link, the forms handler turns the failure into a page that leaks nothing.
    const response = await fetch(await mintLink(termly, p.person.email, deps()));
    const body = await response.text();
    expect(response.status).toBe(500);
    expect(body).toContain('Sorry, something went wrong');
    expect(body).not.toContain(p.participantId);
    expect(body).not.toContain('accreditation');
    expect(body).not.toContain('Asha');
  });
});

describe('the accredited years hand over to a new execution before a year is up', () => {
  it('named for the next generation, within its series: a reinstatement never meets names already used', async () => {
    const p = await lead();
    const startedAt = new Date(system.clock.now().getTime() - 301 * 86_400_000).toISOString();
    const handOver = (input: { generation?: number; series?: string }) =>
      advanceAccreditedYears({ participantId: p.participantId, execution: { input, startedAt } }, deps());
    expect(await handOver({})).toEqual({
      next: 'continue-in-new-execution',
      executionName: `${p.participantId}-accredited-2`,
      cohortId: p.cohortId,
      generation: 2,
      series: 'accredited',
      asksToRead: expect.any(Array),
    });
    expect(await handOver({ generation: 1, series: 'reinstated-1' })).toEqual({
      next: 'continue-in-new-execution',
      executionName: `${p.participantId}-reinstated-1-2`,
      cohortId: p.cohortId,
      generation: 2,
      series: 'reinstated-1',
      asksToRead: expect.any(Array),
    });
  });
});

import { beforeEach, describe, expect, it } from 'vitest';
import { reRegistrationYear } from '../../functions/domain/accredited-years.js';
import { DAY, formatLondon, toLondonLocal } from '../../functions/domain/time.js';
import { HAND_OVER_AFTER_DAYS } from '../../functions/lifecycle/execution.js';
import type { LocalSystem } from '../../infra/local/system.js';
import {
  accreditedLead,
  accreditedYearsExecutions,
  accreditedYearsPlan,
  parkedIn,
  reRegistrationAnswers,
  termlyAnswers,
} from '../support/accredited-years.js';
import { checkInvariantsAfterEach } from '../support/invariants.js';
import {
  createCohort,
  enrol,
  linkIn,
  mailbox,
  recordedExecution,
  startTestSystem,
  waitForState,
  waitForStatus,
} from '../support/local-system.js';
import { advanceToInstant, post } from '../support/programme.js';

/**
 * The accredited years on the real ASL in aws-local-stepfunctions, handed over from the participant
 * lifecycle at accreditation, with the real handlers, dynalite, the local SES and the controllable clock.
 * Dates come from the record (the terms and anniversaries after the day the test accredits someone).
 */
let system: LocalSystem;
beforeEach(async () => {
  system = await startTestSystem();
});
checkInvariantsAfterEach(() => system, { thenStop: true });

const admin = 'programme-admin@accreditation.localhost';
type Lead = Awaited<ReturnType<typeof accreditedLead>>;

/** The lead lists themselves in the directory with their school and email, through the accreditation email. */
async function listInDirectory(lead: Lead) {
  const listed = await post(linkIn(lead.accreditedEmail), {
    listed: 'yes',
    displayName: 'Asha Patel',
    organisation: 'Hillside Primary',
    region: 'North Star Maths Hub',
    contactEmail: lead.participant,
    offer: 'Work groups on fractions',
    pageId: 'first',
  });
  expect(listed.status, listed.page).toBe(200);
}

const directory = async () =>
  (await (await fetch(`${system.urls.app}/directory.json`)).json()) as { leads: { name: string }[] };

const yearOne = (lead: Lead) =>
  reRegistrationYear(lead.accreditedAt, 1, accreditedYearsPlan().reRegistration);

const subjectOf = (text: string) => new RegExp(`^${text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`);

describe('the accredited years', () => {
  it('run termly reports (one missed), re-registration with a move, and chain executions losing nothing', async () => {
    const lead = await accreditedLead(system, 'years-first', 'years@school.test');
    const mail = mailbox(system);
    const [first] = accreditedYearsExecutions(system, lead.participantId);
    expect(first?.name).toBe(`${lead.participantId}-accredited-1`);
    await parkedIn(system, lead.participantId, 'Accredited');
    await listInDirectory(lead);
    const [spring, summer, autumn] = lead.terms;
    if (!spring || !summer || !autumn) throw new Error('Three terms are reported on');

    // A term reported on through the emailed link.
    advanceToInstant(system, spring.asksAt);
    const reportAsk = await mail.waitForEmail(
      lead.participant,
      subjectOf(
        `Please report your PD reach and impact for the ${spring.title} by ${formatLondon(spring.due)}`,
      ),
    );
    await parkedIn(system, lead.participantId, 'AtTermlyFeedback');
    const reported = await post(linkIn(reportAsk), termlyAnswers);
    expect(reported.status, reported.page).toBe(200);
    await parkedIn(system, lead.participantId, 'Accredited');
    const afterSpring = await system.dependencies.store.participants.get(lead.participantId);
    expect(afterSpring?.progress[spring.id]).toMatchObject({
      outcome: 'reported',
      counts: { teachers: 14, schools: 3 },
      answers: { pdLed: termlyAnswers.pdLed, impact: termlyAnswers.impact },
    });

    // A term not reported on: a reminder, then the admin is told; the accreditation carries on.
    advanceToInstant(system, summer.asksAt);
    const summerAsk = await mail.waitForEmail(
      lead.participant,
      subjectOf(`Please report your PD reach and impact for the ${summer.title}`),
    );
    await parkedIn(system, lead.participantId, 'AtTermlyFeedback');
    advanceToInstant(system, new Date(summer.due.getTime() - 7 * DAY));
    await mail.waitForEmail(
      lead.participant,
      subjectOf(`Reminder: Please report your PD reach and impact for the ${summer.title}`),
    );
    await parkedIn(system, lead.participantId, 'AtTermlyFeedback');
    advanceToInstant(system, summer.due);
    const missed = await mail.waitForEmail(
      admin,
      subjectOf(`No termly feedback for the ${summer.title}: Asha Patel`),
    );
    expect(missed.body.text).toContain('Their accreditation continues');
    await parkedIn(system, lead.participantId, 'Accredited');
    const late = await fetch(linkIn(summerAsk));
    expect(late.status).toBe(410);
    expect(await late.text()).toContain('Your accreditation continues');

    advanceToInstant(system, autumn.asksAt);
    const autumnAsk = await mail.waitForEmail(
      lead.participant,
      subjectOf(`Please report your PD reach and impact for the ${autumn.title}`),
    );
    await parkedIn(system, lead.participantId, 'AtTermlyFeedback');
    expect((await post(linkIn(autumnAsk), { ...termlyAnswers, teachers: '0', schools: '0' })).status).toBe(
      200,
    );
    // Parked again before the clock moves: a wait's timeout runs from when it parks.
    await parkedIn(system, lead.participantId, 'Accredited');

    // Re-registration, from a new school with a new address: the record and the directory follow the move.
    const year = yearOne(lead);
    advanceToInstant(system, year.asksAt);
    const reRegisterAsk = await mail.waitForEmail(
      lead.participant,
      subjectOf(`Please re-register as an accredited lead by ${formatLondon(year.due)}`),
    );
    await parkedIn(system, lead.participantId, 'AtReRegistration');
    const page = await fetch(linkIn(reRegisterAsk));
    expect(await page.text()).toContain('value="Hillside Primary"');
    const moved = await post(
      linkIn(reRegisterAsk),
      reRegistrationAnswers('asha@riverside.test', {
        organisation: 'Riverside Academy',
        teachers: '40',
        schools: '6',
      }),
    );
    expect(moved.status, moved.page).toBe(200);
    const confirmed = await mail.waitForEmail(
      'asha@riverside.test',
      /^You are re-registered as an accredited lead until/,
    );
    expect(confirmed.subject).toContain(String(Number(toLondonLocal(year.due).slice(0, 4)) + 1));
    await parkedIn(system, lead.participantId, 'Accredited');
    const record = await system.dependencies.store.participants.get(lead.participantId);
    expect(record?.person.email).toBe('asha@riverside.test');
    expect(record?.school).toBe('Riverside Academy');
    expect(record?.stage).toBe('accredited');
    expect(record?.progress[year.id]).toMatchObject({
      outcome: 're-registered',
      contact: { organisation: 'Riverside Academy', email: 'asha@riverside.test' },
      counts: { teachers: 40, schools: 6 },
      pledges: accreditedYearsPlan().reRegistration.pledges,
    });
    expect(await system.dependencies.store.directory.get(lead.participantId)).toMatchObject({
      organisation: 'Riverside Academy',
      contactEmail: 'asha@riverside.test',
      offer: 'Work groups on fractions',
    });

    // Over that year the lead was handed from one execution to the next before either was a year old.
    const executions = accreditedYearsExecutions(system, lead.participantId);
    expect(executions.length).toBeGreaterThanOrEqual(2);
    for (const [index, execution] of executions.entries()) {
      expect(execution.name).toBe(`${lead.participantId}-accredited-${index + 1}`);
      if (index === executions.length - 1) continue;
      expect(execution.status).toBe('SUCCEEDED');
      expect(execution.statesEntered.at(-1)).toBe('HandedOverToNextExecution');
      const days = ((execution.stopDate?.getTime() ?? 0) - execution.startDate.getTime()) / DAY;
      // At its last look before a wait would run past its hand-over instant, so never near a year.
      expect(days).toBeLessThanOrEqual(HAND_OVER_AFTER_DAYS + 1);
    }
    expect((await recordedExecution(system, lead.participantId)).name).toBe(executions.at(-1)?.name);
    // And nothing was asked twice across the hand-overs.
    const subjects = (await mail.emailsTo(lead.participant)).map((e) => e.subject);
    for (const term of lead.terms)
      expect(
        subjects.filter((s) => s.startsWith(`Please report your PD reach and impact for the ${term.title}`)),
      ).toHaveLength(1);
    expect(subjects.filter((s) => s.startsWith('Please re-register'))).toHaveLength(1);

    // What the programme team reports from: the cohort's leads, their reports, re-registrations and misses.
    const report = (await system.admin({ command: 'reach-report', cohortId: lead.cohort.cohortId })) as {
      leads: unknown[];
    };
    expect(report.leads).toEqual([
      {
        participantId: lead.participantId,
        name: 'Asha Patel',
        organisation: 'Riverside Academy',
        stage: 'accredited',
        termly: [
          {
            id: spring.id,
            counts: { teachers: 14, schools: 3 },
            answers: { pdLed: termlyAnswers.pdLed, impact: termlyAnswers.impact },
          },
          {
            id: autumn.id,
            counts: { teachers: 0, schools: 0 },
            answers: { pdLed: termlyAnswers.pdLed, impact: termlyAnswers.impact },
          },
        ],
        reRegistrations: [{ id: year.id, counts: { teachers: 40, schools: 6 } }],
        missed: [summer.id],
      },
    ]);
  });

  it('lapses when nobody re-registers (reminders, off the directory, the lead and the admin told), and can be reinstated', async () => {
    const lead = await accreditedLead(system, 'years-lapse', 'lapse@school.test');
    const mail = mailbox(system);
    await parkedIn(system, lead.participantId, 'Accredited');
    await listInDirectory(lead);
    expect((await directory()).leads.map((l) => l.name)).toContain('Asha Patel');

    const year = yearOne(lead);
    advanceToInstant(system, year.asksAt);
    const ask = await mail.waitForEmail(lead.participant, /^Please re-register as an accredited lead by/);
    expect(ask.body.text).toContain('your accreditation lapses');
    await parkedIn(system, lead.participantId, 'AtReRegistration');
    for (const daysBefore of accreditedYearsPlan().reRegistration.remindersDaysBefore) {
      advanceToInstant(system, new Date(year.due.getTime() - daysBefore * DAY));
      await parkedIn(system, lead.participantId, 'AtReRegistration');
    }
    const reminders = (await mail.emailsTo(lead.participant)).filter((e) =>
      e.subject.startsWith('Reminder: Please re-register'),
    );
    expect(reminders).toHaveLength(accreditedYearsPlan().reRegistration.remindersDaysBefore.length);

    advanceToInstant(system, year.due);
    const lapsed = await mail.waitForEmail(lead.participant, /^Your accreditation has lapsed/);
    expect(lapsed.body.text).toContain('removed from the directory');
    await mail.waitForEmail(admin, /^Accreditation lapsed: Asha Patel/);
    const execution = accreditedYearsExecutions(system, lead.participantId).at(-1);
    await waitForStatus(system, execution?.executionArn ?? '', 'SUCCEEDED');
    expect(execution?.statesEntered.at(-1)).toBe('AccreditationLapsed');

    const record = await system.dependencies.store.participants.get(lead.participantId);
    expect(record?.stage).toBe('lapsed');
    expect(record?.lapse?.reason).toContain('Not re-registered for year 1');
    expect(record?.accreditation?.listedInDirectory).toBe(false);
    expect(await system.dependencies.store.directory.get(lead.participantId)).toBeUndefined();
    expect((await directory()).leads.map((l) => l.name)).not.toContain('Asha Patel');
    // The certificate stays genuine, but says it is no longer current; the link says it is too late.
    const code = record?.accreditation?.verificationCode;
    const verify = await (await fetch(`${system.urls.app}/certificates/${code}/verify`)).text();
    expect(verify).toContain('no longer current');
    const tooLate = await fetch(linkIn(ask));
    expect(tooLate.status).toBe(410);
    expect(await tooLate.text()).toContain('Your accreditation has lapsed');

    // The lead asks to come back: the admin reinstates them with a new deadline to re-register by.
    await expect(
      system.admin({
        command: 'reinstate-accreditation',
        participantId: lead.participantId,
        reason: 'x',
        reRegisterBy: toLondonLocal(new Date(system.clock.now().getTime() - DAY)),
      }),
    ).rejects.toThrow('The new deadline must be in the future');
    const reRegisterBy = toLondonLocal(new Date(system.clock.now().getTime() + 14 * DAY));
    const reinstated = (await system.admin({
      command: 'reinstate-accreditation',
      participantId: lead.participantId,
      reason: 'Re-registered by phone; the email went to spam',
      reRegisterBy,
    })) as { executionArn: string };
    expect(reinstated.executionArn).toMatch(new RegExp(`:${lead.participantId}-reinstated-1-1$`));
    const again = await mail.waitForEmail(lead.participant, /^New deadline: Please re-register/);
    await parkedIn(system, lead.participantId, 'AtReRegistration');
    const back = await post(linkIn(again), reRegistrationAnswers(lead.participant));
    expect(back.status, back.page).toBe(200);
    const confirmed = await mail.waitForEmail(lead.participant, /^You are re-registered/);
    await parkedIn(system, lead.participantId, 'Accredited');
    const reinstatedRecord = await system.dependencies.store.participants.get(lead.participantId);
    expect(reinstatedRecord?.stage).toBe('accredited');
    expect(reinstatedRecord?.lapse).toBeUndefined();
    expect(reinstatedRecord?.reinstatements).toEqual([
      {
        reason: 'Re-registered by phone; the email went to spam',
        at: expect.any(String),
        lapse: record?.lapse,
      },
    ]);
    expect(await (await fetch(`${system.urls.app}/certificates/${code}/verify`)).text()).toContain(
      'Their accreditation is current.',
    );
    // Off the directory since the lapse, they choose again through the confirmation's link.
    const entryForm = await fetch(linkIn(confirmed));
    expect(entryForm.status).toBe(200);
    expect(await entryForm.text()).toContain('Do you want to be listed in the directory?');
    // Run again (a retry), it finds that reinstatement's execution and starts nothing more.
    const executions = accreditedYearsExecutions(system, lead.participantId).length;
    expect(
      await system.admin({
        command: 'reinstate-accreditation',
        participantId: lead.participantId,
        reason: 'x',
        reRegisterBy,
      }),
    ).toEqual(reinstated);
    expect(accreditedYearsExecutions(system, lead.participantId)).toHaveLength(executions);
    expect((await recordedExecution(system, lead.participantId)).executionArn).toBe(reinstated.executionArn);
  });

  it('an extension moves the running re-registration wait past its old deadline', async () => {
    const lead = await accreditedLead(system, 'years-extension', 'extension@school.test');
    const mail = mailbox(system);
    await parkedIn(system, lead.participantId, 'Accredited');
    const year = yearOne(lead);
    advanceToInstant(system, year.asksAt);
    await mail.waitForEmail(lead.participant, /^Please re-register as an accredited lead by/);
    await parkedIn(system, lead.participantId, 'AtReRegistration');

    await expect(
      system.admin({
        command: 'grant-extension',
        participantId: lead.participantId,
        stepId: 're-registration-2',
        until: toLondonLocal(new Date(year.due.getTime() + 14 * DAY)),
      }),
    ).rejects.toThrow('no open ask "re-registration-2"');
    const until = toLondonLocal(new Date(year.due.getTime() + 14 * DAY));
    await system.admin({
      command: 'grant-extension',
      participantId: lead.participantId,
      stepId: year.id,
      until,
    });
    const extended = await mail.waitForEmail(lead.participant, /^New deadline: Please re-register/);
    await parkedIn(system, lead.participantId, 'AtReRegistration');

    advanceToInstant(system, year.due, DAY);
    await parkedIn(system, lead.participantId, 'AtReRegistration');
    expect((await system.dependencies.store.participants.get(lead.participantId))?.stage).toBe('accredited');
    const answer = await post(linkIn(extended), reRegistrationAnswers(lead.participant));
    expect(answer.status, answer.page).toBe(200);
    await mail.waitForEmail(lead.participant, /^You are re-registered/);
    await parkedIn(system, lead.participantId, 'Accredited');
  });

  it('withdrawn while accredited: off the directory, and the execution ends', async () => {
    const lead = await accreditedLead(system, 'years-withdrawn', 'withdrawn@school.test');
    await parkedIn(system, lead.participantId, 'Accredited');
    await listInDirectory(lead);
    await system.admin({
      command: 'withdraw-participant',
      participantId: lead.participantId,
      reason: 'Left teaching',
    });
    const execution = accreditedYearsExecutions(system, lead.participantId).at(-1);
    await waitForStatus(system, execution?.executionArn ?? '', 'SUCCEEDED');
    expect(execution?.statesEntered.at(-1)).toBe('Withdrawn');
    expect(await system.dependencies.store.directory.get(lead.participantId)).toBeUndefined();
  });

  it('started for someone not accredited, it stops at once and tells the admin', async () => {
    await createCohort(system);
    const { participantId, executionArn } = await enrol(system, { email: 'not-yet@school.test' });
    await waitForState(system, executionArn, 'AwaitCommitment');
    const execution = system.stepFunctions.startExecution(
      system.stateMachineArns.AccreditedYears,
      `${participantId}-accredited-1`,
      JSON.stringify({ participantId }),
    );
    await execution.done;
    expect(execution.status).toBe('FAILED');
    expect(execution.error).toBe('AccreditedYearsFailed');
    expect(execution.statesEntered).toEqual([
      'NextAccreditedYearsStep',
      'NotifyAdminOfFailure',
      'AccreditedYearsFailed',
    ]);
    const alert = await mailbox(system).waitForEmail(admin, /^Action needed: the lifecycle of Asha Patel/);
    expect(alert.body.text).toContain('NotAccredited');
    // Their own lifecycle, untouched, still waits for the senior leader, as their record still says.
    const record = await system.dependencies.store.participants.get(participantId);
    expect(record?.waiting?.on).toBe('senior-leader');
  });

  it('a restarted execution resumes from the record and asks nothing twice', async () => {
    const lead = await accreditedLead(system, 'years-restart', 'restart@school.test');
    const mail = mailbox(system);
    await parkedIn(system, lead.participantId, 'Accredited');
    const [spring] = lead.terms;
    advanceToInstant(system, spring?.asksAt ?? new Date());
    const ask = await mail.waitForEmail(lead.participant, /^Please report your PD reach and impact/);
    await parkedIn(system, lead.participantId, 'AtTermlyFeedback');
    const before = (await mail.emailsTo(lead.participant)).length;

    // A restart (or a move to a new version of the workflow): the execution stopped, a new one on the same record.
    const stopped = accreditedYearsExecutions(system, lead.participantId).at(-1);
    system.stepFunctions.stopExecution(stopped?.executionArn ?? '');
    const restarted = system.stepFunctions.startExecution(
      system.stateMachineArns.AccreditedYears,
      `${lead.participantId}-accredited-restarted`,
      JSON.stringify({ participantId: lead.participantId }),
    );
    await parkedIn(system, lead.participantId, 'AtTermlyFeedback');
    expect(restarted.statesEntered).toContain('AtTermlyFeedback');
    expect((await mail.emailsTo(lead.participant)).length).toBe(before);
    // Either link answers it, and the restarted execution moves on.
    expect((await post(linkIn(ask), termlyAnswers)).status).toBe(200);
    await parkedIn(system, lead.participantId, 'Accredited');
  });
});

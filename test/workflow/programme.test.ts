import { beforeEach, describe, expect, it, vi } from 'vitest';
import { certificateStore } from '../../functions/accreditation/certificate-store.js';
import { DAY, formatLondon, londonTime } from '../../functions/domain/time.js';
import { advanceProgramme } from '../../functions/lifecycle/advance-programme.js';
import type { LocalSystem } from '../../infra/local/system.js';
import { checkInvariantsAfterEach } from '../support/invariants.js';
import {
  daysFromNow,
  linkIn,
  mailbox,
  recordedExecution,
  type SentEmail,
  startTestSystem,
  waitForState,
  waitForStatus,
} from '../support/local-system.js';
import {
  advanceTo,
  calendarIn,
  expectAccredited,
  frameworkAnswers,
  interimAnswers,
  joiningInstructions,
  lead,
  MINUTE,
  post,
  programmeCohort,
  readyForDayOne,
  recordAttendance,
  throughToAssessment,
} from '../support/programme.js';

/**
 * The programme phase on the real ASL in aws-local-stepfunctions, with the real handlers, dynalite, the
 * local SES and the controllable clock: every answer goes through the emailed link, as people give it.
 */
let system: LocalSystem;
beforeEach(async () => {
  system = await startTestSystem();
});
checkInvariantsAfterEach(() => system, { thenStop: true });

type Cohort = Awaited<ReturnType<typeof programmeCohort>>;

/** Signed up, attended day 1, and sent the interim task's brief: the execution waits at AtTask. */
async function atInterimTask(cohort: Cohort, email: string) {
  const who = await readyForDayOne(system, cohort.cohortId, email);
  advanceTo(system, cohort.schedule['day-1'].ends);
  await recordAttendance(system, 'Development day 1', [who], 'attended');
  const brief = await mailbox(system).waitForEmail(who.participant, /^Please submit your Interim task/);
  await waitForState(system, who.executionArn, 'AtTask');
  return { who, brief };
}

describe('the programme phase', () => {
  it('runs day 1, the interim task, feedback, day 2 and the framework to accreditation', async () => {
    const cohort = await programmeCohort(system, 'programme-accredited');
    const who = await readyForDayOne(system, cohort.cohortId, 'accredited@school.test');
    const assessAsk = await throughToAssessment(system, cohort, who);

    expect((await post(linkIn(assessAsk), { decision: 'accredited' })).status).toBe(200);
    const { email: accredited, record } = await expectAccredited(system, who.participant, who);
    const certificate = accredited.body.text?.match(/https?:\/\/\S+\/certificates\/[\w-]+/)?.[0] ?? '';
    expect(certificate).toContain(`certificates/${record?.accreditation?.verificationCode}`);
    const pdf = await fetch(certificate);
    expect(pdf.status).toBe(200);
    expect(pdf.headers.get('content-type')).toBe('application/pdf');
    const served = Buffer.from(await pdf.arrayBuffer());
    expect(served.subarray(0, 5).toString()).toBe('%PDF-');
    // Issued at accreditation and kept in S3: the link serves exactly what was kept.
    const code = record?.accreditation?.verificationCode ?? '';
    const kept = () => certificateStore(system.dependencies).issuedCertificate(code);
    expect(Buffer.from((await kept()) ?? []).equals(served)).toBe(true);
    // A rerun of the last step (a retry, a restart) a month later issues nothing new and sends nothing more.
    system.clock.advance(30 * DAY);
    const rerun = await advanceProgramme(
      {
        participantId: who.participantId,
        execution: { input: {}, startedAt: system.clock.now().toISOString() },
      },
      system.dependencies,
    );
    expect(rerun).toEqual({
      next: 'accredited',
      accreditedYears: { executionName: `${who.participantId}-accredited-1`, cohortId: cohort.cohortId },
    });
    expect(Buffer.from((await kept()) ?? []).equals(served)).toBe(true);
    expect(
      (await mailbox(system).emailsTo(who.participant)).filter((e) => /you are accredited/.test(e.subject)),
    ).toHaveLength(1);
    // The directory is opt-in: the email's link opens the lead's own entry form.
    const entry = await fetch(linkIn(accredited));
    expect(entry.status).toBe(200);
    expect(await entry.text()).toContain('directory');
  });

  it('asks for a resubmission with a new deadline, then accredits the second attempt', async () => {
    const cohort = await programmeCohort(system, 'programme-resubmit');
    const who = await readyForDayOne(system, cohort.cohortId, 'resubmit@school.test');
    const assessAsk = await throughToAssessment(system, cohort, who);

    const resubmitBy = daysFromNow(30, '17:00', system.clock.now()).slice(0, 10);
    const decision = await post(linkIn(assessAsk), {
      decision: 'resubmit',
      feedback: 'Show the impact on pupils.',
      resubmitBy,
    });
    expect(decision.status, decision.page).toBe(200);
    const revise = await mailbox(system).waitForEmail(who.participant, /revise and resubmit/);
    expect(revise.body.text).toContain('Show the impact on pupils.');
    const again = await mailbox(system).waitForEmail(who.participant, /Please submit your resubmission/);
    expect(
      (await post(linkIn(again), { ...frameworkAnswers, evaluation: 'Now with pupil outcomes.' })).status,
    ).toBe(200);

    const asks = async () =>
      (await mailbox(system).emailsTo(lead)).filter((e) =>
        /Please assess Asha Patel's submission/.test(e.subject),
      );
    await vi.waitFor(async () => expect(await asks()).toHaveLength(2));
    const secondAssessment = (await asks())[1] as SentEmail;
    expect((await post(linkIn(secondAssessment), { decision: 'accredited' })).status).toBe(200);
    await waitForStatus(system, who.executionArn, 'SUCCEEDED');
    const record = await system.dependencies.store.participants.get(who.participantId);
    expect(record?.progress.pdlperf).toMatchObject({
      attempt: 2,
      answers: { evaluation: 'Now with pupil outcomes.' },
    });
    expect(record?.progress.assessment).toMatchObject({ outcome: 'accredited', attempt: 2 });
  });

  it('not accredited: the reasons reach the participant and the execution ends at NotAccredited', async () => {
    const cohort = await programmeCohort(system, 'programme-not-accredited');
    const who = await readyForDayOne(system, cohort.cohortId, 'not-accredited@school.test');
    const assessAsk = await throughToAssessment(system, cohort, who);
    const reasons = 'The evaluation does not show impact on teachers.';
    expect((await post(linkIn(assessAsk), { decision: 'not-accredited', feedback: reasons })).status).toBe(
      200,
    );

    const outcome = await mailbox(system).waitForEmail(who.participant, /The outcome of your .* assessment/);
    expect(outcome.body.text).toContain(reasons);
    await waitForStatus(system, who.executionArn, 'SUCCEEDED');
    expect(system.stepFunctions.describeExecution(who.executionArn).statesEntered.at(-1)).toBe(
      'NotAccredited',
    );
    const record = await system.dependencies.store.participants.get(who.participantId);
    expect(record?.stage).toBe('not-accredited');
    expect(record?.progress.assessment).toMatchObject({
      outcome: 'not-accredited',
      feedback: reasons,
      decidedBy: 'Casey Lead',
    });
    expect(record?.accreditation).toBeUndefined();
  });

  it("a cohort's deadline brought forward reaches every waiting participant at once, with a new link", async () => {
    const cohort = await programmeCohort(system, 'programme-earlier');
    const { who, brief } = await atInterimTask(cohort, 'earlier@school.test');

    const deadline = daysFromNow(20, '17:00', system.clock.now());
    const moved = (await system.admin({
      command: 'change-date',
      cohortId: cohort.cohortId,
      stepId: 'interim-task',
      schedule: { deadline },
    })) as { waitsWoken: number; notWoken: unknown[] };
    expect(moved).toMatchObject({ waitsWoken: 1, notWoken: [] });
    const notice = await mailbox(system).waitForEmail(
      who.participant,
      /^New deadline: Please submit your Interim task/,
    );
    expect(notice.body.text).toContain(
      `Your deadline has changed: it is now ${formatLondon(londonTime(deadline))}.`,
    );
    const request = await system.dependencies.store.requests.get(`interim-task#1-${who.participantId}`);
    expect(request?.expiresAt).toBe(londonTime(deadline).toISOString());
    expect((await post(linkIn(notice), interimAnswers)).status).toBe(200);
    // The first link still worked until the answer: both belong to the same request, now answered.
    expect((await fetch(linkIn(brief))).status).toBe(409);
  });

  it('reminds before the deadline, tells the admin when it passes, and an extension moves the running wait', async () => {
    const cohort = await programmeCohort(system, 'programme-late');
    const { who, brief } = await atInterimTask(cohort, 'late@school.test');

    advanceTo(system, cohort.schedule['interim-task'].deadline, -7 * DAY + MINUTE);
    await mailbox(system).waitForEmail(who.participant, /^Reminder: Please submit your Interim task/);
    await waitForState(system, who.executionArn, 'AtTask');
    advanceTo(system, cohort.schedule['interim-task'].deadline);
    const admin = system.dependencies.settings.ADMIN_EMAIL;
    await mailbox(system).waitForEmail(admin, /Missed deadline for Interim task: Asha Patel/);
    expect((await fetch(linkIn(brief))).status).toBe(410);
    await waitForState(system, who.executionArn, 'AtTask');
    // Past its deadline the ask waits for the admin, whose extension or withdrawal wakes it: the execution
    // neither polls nor looks weekly, but sleeps until the next thing due: day 2 (whose joining instructions
    // went with the task) ends, and its register is asked for.
    const pastDeadline = await advanceProgramme(
      {
        participantId: who.participantId,
        execution: { input: {}, startedAt: system.clock.now().toISOString() },
      },
      system.dependencies,
    );
    const day2Ends = londonTime(cohort.schedule['day-2'].ends).getTime();
    expect(pastDeadline).toMatchObject({
      next: 'wait',
      kind: 'task',
      waitSeconds: Math.ceil((day2Ends - system.clock.now().getTime()) / 1000),
    });
    expect((pastDeadline as { waitSeconds: number }).waitSeconds).toBeGreaterThan(7 * 86_400);

    // Without moving the clock: the extension wakes the wait, which emails the new deadline at once.
    const until = daysFromNow(10, '17:00', system.clock.now());
    const extension = {
      command: 'grant-extension',
      participantId: who.participantId,
      stepId: 'interim-task',
      until,
    };
    expect(await system.admin(extension)).toMatchObject({ waitsWoken: 1, notWoken: [] });
    const extended = await mailbox(system).waitForEmail(
      who.participant,
      /New deadline: Please submit your Interim task/,
    );
    expect((await post(linkIn(extended), interimAnswers)).status).toBe(200);
    await mailbox(system).waitForEmail(lead, /Please give feedback to Asha Patel/);
    const reminders = (await mailbox(system).emailsTo(who.participant)).filter((e) =>
      e.subject.startsWith('Reminder:'),
    );
    expect(reminders.length).toBeGreaterThanOrEqual(1);
  });

  it("a corrected participant's address gets the open task's ask again, and its new link submits", async () => {
    const cohort = await programmeCohort(system, 'programme-corrected');
    const { who } = await atInterimTask(cohort, 'bounced@school.test');
    const corrected = await system.admin({
      command: 'correct-email',
      participantId: who.participantId,
      whose: 'participant',
      email: 'asha.patel@school.test',
    });
    expect(corrected).toMatchObject({ askedAgain: [`interim-task#1-${who.participantId}`] });
    const again = await mailbox(system).waitForEmail(
      'asha.patel@school.test',
      /^Please submit your Interim task/,
    );
    await waitForState(system, who.executionArn, 'AtTask');
    expect((await post(linkIn(again), interimAnswers)).status).toBe(200);
    await mailbox(system).waitForEmail(lead, /Please give feedback to Asha Patel/);
    await expect(
      system.admin({
        command: 'correct-email',
        participantId: who.participantId,
        whose: 'participant',
        email: 'nope',
      }),
    ).rejects.toMatchObject({ name: 'AdminInputInvalid' });
  });

  it('an absentee is reported, then deferred to a later cohort keeping what they completed', async () => {
    const cohort = await programmeCohort(system, 'programme-absent');
    const later = await programmeCohort(system, 'programme-later', 120);
    const who = await readyForDayOne(system, cohort.cohortId, 'absent@school.test');
    advanceTo(system, cohort.schedule['day-1'].ends);
    await recordAttendance(system, 'Development day 1', [who], 'absent');
    await mailbox(system).waitForEmail(
      system.dependencies.settings.ADMIN_EMAIL,
      /Absent from Development day 1/,
    );

    const deferral = (await system.admin({
      command: 'defer-participant',
      participantId: who.participantId,
      toCohortId: later.cohortId,
      reason: 'Missed day 1 through illness',
    })) as { executionArn: string };
    await waitForStatus(system, who.executionArn, 'SUCCEEDED');
    expect(system.stepFunctions.describeExecution(who.executionArn).statesEntered.at(-1)).toBe(
      'DeferredToLaterCohort',
    );

    await waitForState(system, deferral.executionArn, 'AtDevelopmentDay');
    const resumed = system.stepFunctions.describeExecution(deferral.executionArn).statesEntered;
    expect(resumed).not.toContain('AwaitCommitment');
    const record = await system.dependencies.store.participants.get(who.participantId);
    expect(record).toMatchObject({ cohortId: later.cohortId, commitment: { decision: 'signed' } });
    expect(record?.progress['day-1']).toBeUndefined();
    expect(record?.deferrals).toEqual([expect.objectContaining({ fromCohortId: cohort.cohortId })]);
  });

  it('a withdrawn participant’s execution ends cleanly and no more emails go out', async () => {
    const cohort = await programmeCohort(system, 'programme-withdrawn');
    const who = await readyForDayOne(system, cohort.cohortId, 'withdrawn@school.test');
    await system.admin({
      command: 'withdraw-participant',
      participantId: who.participantId,
      reason: 'Left teaching',
    });
    await waitForStatus(system, who.executionArn, 'SUCCEEDED');
    expect(system.stepFunctions.describeExecution(who.executionArn).statesEntered.at(-1)).toBe('Withdrawn');
    const sent = (await mailbox(system).emailsTo(who.participant)).length;
    advanceTo(system, cohort.schedule['day-1'].ends);
    const record = await system.dependencies.store.participants.get(who.participantId);
    expect(record).toMatchObject({ stage: 'withdrawn', withdrawal: { reason: 'Left teaching' } });
    expect(await mailbox(system).emailsTo(who.participant)).toHaveLength(sent);
  });

  it('withdrawn after the joining instructions: the day is cancelled in their diary, then nothing more', async () => {
    const cohort = await programmeCohort(system, 'programme-cancelled');
    const who = await readyForDayOne(system, cohort.cohortId, 'cancelled@school.test');
    const invite = await joiningInstructions(system, cohort, who);

    await system.admin({
      command: 'withdraw-participant',
      participantId: who.participantId,
      reason: 'Moved school',
    });
    const cancelled = await mailbox(system).waitForEmail(
      who.participant,
      /^Cancelled for you: Development day 1/,
    );
    await waitForStatus(system, who.executionArn, 'SUCCEEDED');
    const uid = calendarIn(invite)?.match(/UID:(\S+)/)?.[1];
    expect(calendarIn(cancelled)).toContain(`UID:${uid}`);
    expect(calendarIn(cancelled)).toContain('METHOD:CANCEL');
    expect(calendarIn(cancelled)).toContain('SEQUENCE:1');

    const sent = (await mailbox(system).all()).length;
    advanceTo(system, cohort.schedule['day-1'].ends);
    await new Promise((done) => setTimeout(done, 200));
    expect(await mailbox(system).all()).toHaveLength(sent);
  });

  it('a moved development day updates the calendar invite (same UID, next SEQUENCE) straight away', async () => {
    const cohort = await programmeCohort(system, 'programme-moved');
    const who = await readyForDayOne(system, cohort.cohortId, 'moved@school.test');
    const first = await joiningInstructions(system, cohort, who);

    const starts = daysFromNow(20, '18:00', system.clock.now());
    const ends = daysFromNow(21, '16:00', system.clock.now());
    await system.admin({
      command: 'change-date',
      cohortId: cohort.cohortId,
      stepId: 'day-1',
      schedule: { starts, ends, venue: 'York Racecourse' },
    });
    const changed = await mailbox(system).waitForEmail(
      who.participant,
      /^Changed: Development day 1, .*York Racecourse/,
    );
    const uid = calendarIn(first)?.match(/UID:(\S+)/)?.[1];
    expect(uid).toBeDefined();
    expect(calendarIn(changed)).toContain(`UID:${uid}`);
    expect(calendarIn(changed)).toContain('SEQUENCE:1');
    expect(calendarIn(first)).toContain('SEQUENCE:0');
  });

  it('a day moved earlier is honoured without a weekly look: the moved date wakes the wait, which re-plans to it', async () => {
    const cohort = await programmeCohort(system, 'programme-brought-forward');
    const who = await readyForDayOne(system, cohort.cohortId, 'brought-forward@school.test');
    // Day 1 is a month off: the wait sleeps until its joining instructions are due, 16 days from now.
    const wakesAt = () => {
      const wait = system.stepFunctions.describeExecution(who.executionArn).parked;
      return (wait?.since.getTime() ?? 0) + (wait?.timeoutSeconds ?? 0) * 1000;
    };
    const firstJoining = londonTime(cohort.schedule['day-1'].starts).getTime() - 14 * DAY;
    expect(Math.abs(wakesAt() - firstJoining)).toBeLessThan(1000);

    const starts = daysFromNow(18, '18:00', system.clock.now());
    const moved = await system.admin({
      command: 'change-date',
      cohortId: cohort.cohortId,
      stepId: 'day-1',
      schedule: { starts, ends: daysFromNow(19, '16:00', system.clock.now()), venue: 'York Racecourse' },
    });
    expect(moved).toMatchObject({ waitsWoken: 1, notWoken: [] });
    await system.stepFunctions.settled();
    const newJoining = londonTime(starts).getTime() - 14 * DAY;
    expect(Math.abs(wakesAt() - newJoining)).toBeLessThan(1000);

    // Four days on, well before the old wait would have ended, the invite for the new date goes out.
    advanceTo(system, starts, -14 * DAY + MINUTE);
    const invite = await mailbox(system).waitForEmail(who.participant, /^Development day 1, /);
    expect(invite.subject).toContain('York Racecourse');
    await waitForState(system, who.executionArn, 'AtDevelopmentDay');
  });

  it('a day moved before invitations go out: the first invite is new, and only a later move says Changed', async () => {
    const cohort = await programmeCohort(system, 'programme-moved-early');
    const who = await readyForDayOne(system, cohort.cohortId, 'moved-early@school.test');
    const moveDayOne = (days: number, venue: string) =>
      system.admin({
        command: 'change-date',
        cohortId: cohort.cohortId,
        stepId: 'day-1',
        schedule: {
          starts: daysFromNow(days, '18:00', system.clock.now()),
          ends: daysFromNow(days + 1, '16:00', system.clock.now()),
          venue,
        },
      });
    await moveDayOne(40, 'Leeds Town Hall');
    await system.stepFunctions.settled();
    advanceTo(system, daysFromNow(40, '18:00', system.clock.now()), -13 * DAY);
    const first = await mailbox(system).waitForEmail(who.participant, /Development day 1, /);
    expect(first.subject).toMatch(/^Development day 1, .*Leeds Town Hall$/);
    expect(first.body.text).not.toContain('changed');
    const uid = calendarIn(first)?.match(/UID:(\S+)/)?.[1];
    const heldSequence = Number(calendarIn(first)?.match(/SEQUENCE:(\d+)/)?.[1]);

    await waitForState(system, who.executionArn, 'AtDevelopmentDay');
    await moveDayOne(20, 'York Racecourse');
    const changed = await mailbox(system).waitForEmail(who.participant, /^Changed: Development day 1, /);
    expect(changed.subject).toContain('York Racecourse');
    expect(calendarIn(changed)).toContain(`UID:${uid}`);
    expect(Number(calendarIn(changed)?.match(/SEQUENCE:(\d+)/)?.[1])).toBeGreaterThan(heldSequence);
    await system.stepFunctions.settled();
    const invites = (await mailbox(system).emailsTo(who.participant)).filter((e) =>
      /Development day 1, /.test(e.subject),
    );
    expect(invites.map((e) => e.subject.startsWith('Changed: '))).toEqual([false, true]);
  });

  it('an execution close to a year old hands over to a new one, which carries on without repeating anything', async () => {
    const cohort = await programmeCohort(system, 'programme-long');
    const { who } = await atInterimTask(cohort, 'long@school.test');
    // The task is never submitted: the execution looks again every week, for most of a year.
    const first = () => system.stepFunctions.describeExecution(who.executionArn);
    for (let week = 0; week < 46 && first().status === 'RUNNING'; week++) {
      system.clock.advance(7 * DAY);
      await vi.waitFor(() => {
        const parkedAgain = first().statesEntered.at(-1) === 'AtTask' && system.clock.pendingTimers > 0;
        if (first().status === 'RUNNING' && !parkedAgain) throw new Error('still working');
      });
    }
    await waitForStatus(system, who.executionArn, 'SUCCEEDED');
    expect(system.stepFunctions.describeExecution(who.executionArn).statesEntered.at(-1)).toBe(
      'HandedOverToNextExecution',
    );

    const next = system.stepFunctions
      .listExecutions()
      .find((e) => e.executionArn !== who.executionArn && e.input.includes(who.participantId));
    expect(next?.name).toMatch(new RegExp(`^${who.participantId}-[0-9a-f]{8}-2$`));
    await waitForState(system, next?.executionArn ?? '', 'AtTask');
    expect((await recordedExecution(system, who.participantId)).executionArn).toBe(next?.executionArn);
    expect(next?.statesEntered).not.toContain('AwaitCommitment');
    const admin = await mailbox(system).emailsTo(system.dependencies.settings.ADMIN_EMAIL);
    expect(admin.filter((e) => /Missed deadline/.test(e.subject))).toHaveLength(1);
  });
});

import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { participantIdFor } from '../../functions/domain/participant.js';
import { DAY, formatLondon, londonTime, toLondonLocal } from '../../functions/domain/time.js';
import { accreditedYearsExecution } from '../../functions/lifecycle/execution.js';
import type { LocalSystem } from '../../infra/local/system.js';
import { parkedIn } from '../support/accredited-years.js';
import {
  enrol,
  linkIn,
  mailbox,
  recordedExecution,
  startTestSystem,
  waitForState,
  waitForStatus,
} from '../support/local-system.js';
import {
  advanceTo,
  joiningInstructions,
  programmeCohort,
  readyForDayOne,
  recordAttendance,
} from '../support/programme.js';
import { accreditedLongAgo, participantRecord } from '../support/records.js';

/**
 * Admin commands that fail part-way (here: Step Functions refuses the start once) and are run again:
 * the retry finishes the job, and the record names the execution that runs.
 */
let system: LocalSystem;
beforeEach(async () => {
  system = await startTestSystem();
});
afterEach(() => system.stop());

/** The next start of an execution fails, as a throttled or unreachable Step Functions would. */
const failNextStart = () =>
  vi
    .spyOn(system.dependencies.workflow, 'startExecution')
    .mockRejectedValueOnce(Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' }));

describe('admin commands run again after a failure', () => {
  it('defer into a cohort with a long id: a bounded name, recorded first, started by the retry', async () => {
    const cohort = await programmeCohort(system, 'retry-defer');
    // 64 characters, the most a cohort id may have: `<participant>-<cohort>` would be 89.
    const later = await programmeCohort(system, `later-cohort-${'x'.repeat(51)}`, 120);
    const who = await readyForDayOne(system, cohort.cohortId, 'defer-retry@school.test');
    const defer = () =>
      system.admin({
        command: 'defer-participant',
        participantId: who.participantId,
        toCohortId: later.cohortId,
        reason: 'Illness',
      }) as Promise<{ executionArn: string }>;

    failNextStart();
    await expect(defer()).rejects.toThrow('Rate exceeded');
    await waitForStatus(system, who.executionArn, 'SUCCEEDED');
    const deferred = await defer();
    const execution = await recordedExecution(system, who.participantId);
    expect(execution.executionArn).toBe(deferred.executionArn);
    await waitForState(system, deferred.executionArn, 'AtDevelopmentDay');
    // Run once more, it finds the same execution running and starts nothing.
    expect(await defer()).toEqual(deferred);
    expect(system.stepFunctions.listExecutions().filter((e) => e.status === 'RUNNING')).toHaveLength(1);
  });

  it('reinstate-accreditation: a retry after a failed start starts the same execution', async () => {
    const cohort = await programmeCohort(system, 'retry-reinstate');
    const lead = await participantRecord(system, cohort.cohortId, 'reinstate-retry@school.test', {
      ...accreditedLongAgo(system),
      stage: 'lapsed',
      lapse: { reason: 'Not re-registered for year 1', at: system.clock.now().toISOString() },
      execution: accreditedYearsExecution(
        participantIdFor(cohort.cohortId, 'reinstate-retry@school.test'),
        1,
      ),
    });
    const reinstate = () =>
      system.admin({
        command: 'reinstate-accreditation',
        participantId: lead.participantId,
        reason: 'Re-registered by phone',
        reRegisterBy: toLondonLocal(new Date(system.clock.now().getTime() + 14 * DAY)),
      }) as Promise<{ executionArn: string }>;

    failNextStart();
    await expect(reinstate()).rejects.toThrow('Rate exceeded');
    const reinstated = await reinstate();
    expect(reinstated.executionArn).toMatch(new RegExp(`:${lead.participantId}-reinstated-1-1$`));
    await parkedIn(system, lead.participantId, 'AtReRegistration');
    expect((await recordedExecution(system, lead.participantId)).executionArn).toBe(reinstated.executionArn);
    await mailbox(system).waitForEmail(lead.person.email, /^Please re-register/);
    const record = await system.dependencies.store.participants.get(lead.participantId);
    expect(record?.reinstatements).toHaveLength(1);
  });
});

describe('admin commands run again after a failure part-way', () => {
  it('change-date run again with the same day sends no second calendar update', async () => {
    const cohort = await programmeCohort(system, 'retry-change-date');
    const who = await readyForDayOne(system, cohort.cohortId, 'change-twice@school.test');
    await joiningInstructions(system, cohort, who);
    const change = {
      command: 'change-date',
      cohortId: cohort.cohortId,
      stepId: 'day-1',
      schedule: { ...cohort.schedule['day-1'], venue: 'York Racecourse' },
    };
    expect(await system.admin(change)).toMatchObject({ waitsWoken: 1, notWoken: [] });
    await waitForState(system, who.executionArn, 'AtDevelopmentDay');
    await system.admin(change);
    await system.stepFunctions.settled();
    const updates = (await mailbox(system).emailsTo(who.participant)).filter((e) =>
      e.subject.startsWith('Changed:'),
    );
    expect(updates).toHaveLength(1);
    expect((await system.dependencies.store.cohorts.get(cohort.cohortId))?.schedule['day-1']).toMatchObject({
      venue: 'York Racecourse',
      sequence: 1,
    });
  });

  it('withdraw-participant run again after failing to tell the commitment gate finishes the job', async () => {
    await programmeCohort(system, 'retry-withdraw');
    const who = await enrol(system, { email: 'withdraw-twice@school.test' }, 'retry-withdraw');
    await waitForState(system, who.executionArn, 'AwaitCommitment');
    vi.spyOn(system.dependencies.workflow, 'completeTask').mockRejectedValueOnce(new Error('Rate exceeded'));
    const withdraw = () =>
      system.admin({ command: 'withdraw-participant', participantId: who.participantId, reason: 'Left' });
    await expect(withdraw()).rejects.toThrow('Rate exceeded');
    expect(await withdraw()).toMatchObject({ alreadyWithdrawn: true });
    await waitForStatus(system, who.executionArn, 'SUCCEEDED');
    expect(system.stepFunctions.describeExecution(who.executionArn).statesEntered.at(-1)).toBe('Withdrawn');
  });
});

describe('what an admin command reports is what happens', () => {
  it("correct-email after a deferral reports only asks that go now: the old cohort's ask closed at deferral", async () => {
    const cohort = await programmeCohort(system, 'corrected-old');
    const later = await programmeCohort(system, 'corrected-later', 120);
    const who = await readyForDayOne(system, cohort.cohortId, 'deferred-bounce@school.test');
    advanceTo(system, cohort.schedule['day-1'].ends);
    await recordAttendance(system, 'Development day 1', [who], 'absent');
    // Past the absent day, the interim task is asked of them in the old cohort.
    const oldAsk = await mailbox(system).waitForEmail(who.participant, /^Please submit your Interim task/);
    await waitForState(system, who.executionArn, 'AtTask');
    const { executionArn } = (await system.admin({
      command: 'defer-participant',
      participantId: who.participantId,
      toCohortId: later.cohortId,
      reason: 'Missed day 1',
    })) as { executionArn: string };
    await waitForState(system, executionArn, 'AtDevelopmentDay');
    expect((await fetch(linkIn(oldAsk))).status).toBe(410);

    const corrected = 'asha.patel@school.test';
    const { askedAgain } = (await system.admin({
      command: 'correct-email',
      participantId: who.participantId,
      whose: 'participant',
      email: corrected,
    })) as { askedAgain: string[] };
    await system.stepFunctions.settled();
    // Every ask it reports has gone again, to the corrected address, by the time the execution rests.
    for (const requestId of askedAgain)
      expect((await system.dependencies.store.requests.get(requestId))?.invitedAt, requestId).toBeDefined();
    expect(await mailbox(system).emailsTo(corrected)).toHaveLength(askedAgain.length);

    // The later cohort asks the task of them, at the corrected address, after its own day 1.
    advanceTo(system, later.schedule['day-1'].ends);
    // Settled: the later cohort's register is the newest, not the old cohort's (already answered).
    await system.stepFunctions.settled();
    await recordAttendance(system, 'Development day 1', [who], 'attended');
    const ask = await mailbox(system).waitForEmail(corrected, /Please submit your Interim task/);
    expect(ask.body.text).toContain(formatLondon(londonTime(later.schedule['interim-task'].deadline)));
  });
});

import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  addDays,
  DAY,
  fivePmDaysAfter,
  formatLondon,
  londonTime,
  SECOND,
} from '../../functions/domain/time.js';
import type { LocalSystem } from '../../infra/local/system.js';
import { linkIn, mailbox, startTestSystem, waitForState } from '../support/local-system.js';
import {
  advanceTo,
  advanceToInstant,
  lead,
  post,
  programmeCohort,
  readyForDayOne,
  recordAttendance,
  signedUp,
} from '../support/programme.js';

/**
 * The cohort lead's asks on the real ASL: each is due a set number of days after what it follows, says
 * so, is reminded before, and past due the admin is told once while the ask stays open. Nobody is left
 * off a register, and no execution polls while it waits for the cohort lead.
 */
let system: LocalSystem;
beforeEach(async () => {
  system = await startTestSystem();
});
afterEach(() => system.stop());

const parked = (executionArn: string) => system.stepFunctions.describeExecution(executionArn).parked;

describe("the cohort lead's asks", () => {
  it('someone who joins after a day’s register was answered gets a register of their own, and their execution waits on it', async () => {
    const cohort = await programmeCohort(system, 'late-joiner');
    const onTime = await readyForDayOne(system, cohort.cohortId, 'on-time@school.test');
    advanceTo(system, cohort.schedule['day-1'].ends);
    await recordAttendance(system, 'Development day 1', [onTime], 'attended');
    await waitForState(system, onTime.executionArn, 'AtTask');

    // Enrolled, and their senior leader signs, after the register was answered.
    const late = await signedUp(system, { email: 'late@school.test', name: 'Ben Jones' }, cohort.cohortId);
    const asked = fivePmDaysAfter(system.clock.now(), 3);
    const ask = await mailbox(system).waitForEmail(
      lead,
      /record attendance for Development day 1 for Ben Jones/,
    );
    expect(ask.subject).toContain(`by ${formatLondon(asked)}`);
    await system.stepFunctions.settled();
    // Waiting on the cohort lead until the reminder two days before it is due: not a second at a time.
    expect(parked(late.executionArn)?.state).toBe('AtDevelopmentDay');
    const untilReminder = (asked.getTime() - 2 * DAY - system.clock.now().getTime()) / SECOND;
    expect(parked(late.executionArn)?.timeoutSeconds).toBeCloseTo(untilReminder, -1);

    const page = await (await fetch(linkIn(ask))).text();
    expect(page).toContain('Ben Jones');
    expect(page).not.toContain('Asha Patel');
    const answer = await post(linkIn(ask), { [`attendance-${late.participantId}`]: 'absent' });
    expect(answer.status, answer.page).toBe(200);
    await mailbox(system).waitForEmail(
      system.dependencies.settings.ADMIN_EMAIL,
      /^Absent from Development day 1: Ben Jones/,
    );
    await waitForState(system, late.executionArn, 'AtTask');
    const record = await system.dependencies.store.participants.get(late.participantId);
    expect(record?.progress['day-1']).toMatchObject({ outcome: 'absent', recordedBy: 'Casey Lead' });
  });

  it('a register is due days after the day, reminded before, and past due the admin is told once while it stays open', async () => {
    const cohort = await programmeCohort(system, 'register-overdue');
    const asha = await readyForDayOne(system, cohort.cohortId, 'asha@school.test');
    const ben = await signedUp(system, { email: 'ben@school.test', name: 'Ben Jones' }, cohort.cohortId);
    await waitForState(system, ben.executionArn, 'AtDevelopmentDay');
    const mail = mailbox(system);
    const due = fivePmDaysAfter(londonTime(cohort.schedule['day-1'].ends), 3);

    advanceTo(system, cohort.schedule['day-1'].ends);
    const register = await mail.waitForEmail(lead, /^Please record attendance for Development day 1 by /);
    expect(register.subject).toContain(`by ${formatLondon(due)}`);
    await system.stepFunctions.settled();
    advanceToInstant(system, addDays(due, -2));
    const reminder = await mail.waitForEmail(
      lead,
      /^Reminder: Please record attendance for Development day 1/,
    );
    expect(reminder.subject).toContain(`by ${formatLondon(due)}`);
    await system.stepFunctions.settled();

    advanceToInstant(system, due);
    const admin = system.dependencies.settings.ADMIN_EMAIL;
    const overdue = /^Overdue from the cohort lead: the attendance register for Development day 1/;
    await mail.waitForEmail(admin, overdue);
    await system.stepFunctions.settled();
    // Past due, both executions wait for the cohort lead (whose answer wakes them): not a poll and not a
    // weekly look, but asleep until the next thing due, day 2's joining instructions.
    const day2Joining = addDays(londonTime(cohort.schedule['day-2'].starts), -14);
    for (const who of [asha, ben]) {
      const wait = parked(who.executionArn);
      const ends = (wait?.since.getTime() ?? 0) + (wait?.timeoutSeconds ?? 0) * SECOND;
      expect(Math.abs(ends - day2Joining.getTime())).toBeLessThan(SECOND);
    }
    system.clock.advance(7 * DAY);
    await system.stepFunctions.settled();
    expect((await mail.emailsTo(admin)).filter((e) => overdue.test(e.subject))).toHaveLength(1);
    expect((await mail.emailsTo(lead)).filter((e) => /attendance/.test(e.subject))).toHaveLength(2);

    // Never cut off: the first link still records the register, and both carry on.
    const answer = await post(linkIn(register), {
      [`attendance-${asha.participantId}`]: 'attended',
      [`attendance-${ben.participantId}`]: 'attended',
    });
    expect(answer.status, answer.page).toBe(200);
    for (const who of [asha, ben]) await waitForState(system, who.executionArn, 'AtTask');
  });
});

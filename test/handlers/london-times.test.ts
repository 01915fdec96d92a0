import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inputIssues } from '../../functions/admin/command.js';
import type { LocalSystem } from '../../infra/local/system.js';
import { createCohort, enrol, startTestSystem, testCohort } from '../support/local-system.js';

/**
 * London times the admin writes (a cohort's schedule, a moved date, an extension) must name a real moment:
 * refused at the command, with the field and why, and refused again by the store whoever writes them.
 */
let system: LocalSystem;
const store = () => system.dependencies.store;
beforeAll(async () => {
  system = await startTestSystem();
  await createCohort(system);
});
afterAll(() => system.stop());

const withSchedule = (cohortId: string, changes: Record<string, object>) => ({
  ...testCohort,
  cohortId,
  schedule: { ...testCohort.schedule, ...changes },
});

/** What the admin is told: the edge's problems by field (as JSON, each path a list), or the command's refusal. */
async function refusalOf(command: object): Promise<string> {
  const error = (await system.admin(command).then(
    () => expect.fail('the command was accepted'),
    (e: unknown) => e,
  )) as Error;
  return error.name === 'AdminInputInvalid'
    ? JSON.stringify(
        inputIssues(error.message).map(({ message, path }) => ({ message, path: path.split('.') })),
      )
    : error.message;
}

describe('impossible London times', () => {
  it('create-cohort refuses an hour past 23:59, naming the field, and creates nothing', async () => {
    const day1 = { ...testCohort.schedule['day-1'], starts: '2027-01-14T25:00' };
    const cohort = withSchedule('hour-25', { 'day-1': day1 });
    expect(await refusalOf({ command: 'create-cohort', cohort })).toMatch(
      /"2027-01-14T25:00 is not a London time: [^"]*00:00 to 23:59\)","path":\["cohort","schedule","day-1","starts"\]/,
    );
    expect(await store().cohorts.get('hour-25')).toBeUndefined();
  });

  it('create-cohort refuses 29 February in a year that has none, rather than 1 March', async () => {
    const cohort = withSchedule('no-leap-day', { 'interim-task': { deadline: '2099-02-29T17:00' } });
    expect(await refusalOf({ command: 'create-cohort', cohort })).toMatch(
      /"2099-02-29T17:00 is not a London time: February 2099 has no day 29","path":\["cohort","schedule","interim-task","deadline"\]/,
    );
    expect(await store().cohorts.get('no-leap-day')).toBeUndefined();
  });

  it('change-date refuses 30 February, and the schedule stays as it was', async () => {
    const before = (await store().cohorts.get(testCohort.cohortId))?.schedule;
    const refusal = await refusalOf({
      command: 'change-date',
      cohortId: testCohort.cohortId,
      stepId: 'pdlperf',
      schedule: { deadline: '2099-02-30T17:00' },
    });
    expect(refusal).toMatch(
      /"2099-02-30T17:00 is not a London time: February 2099 has no day 30","path":\["schedule","deadline"\]/,
    );
    expect((await store().cohorts.get(testCohort.cohortId))?.schedule).toEqual(before);
  });

  it('grant-extension refuses a day the month does not have, and records no deadline', async () => {
    const { participantId } = await enrol(system, { email: 'impossible-extension@school.test' });
    const until = '2099-02-29T17:00';
    expect(
      await refusalOf({ command: 'grant-extension', participantId, stepId: 'interim-task', until }),
    ).toMatch(/February 2099 has no day 29/);
    expect((await store().participants.get(participantId))?.deadlines).toEqual({});
  });

  it('the store refuses to write one, whoever asks', async () => {
    const day2 = { ...testCohort.schedule['day-2'], ends: '2099-06-31T16:00' };
    await expect(
      store().cohorts.create(withSchedule('store-refuses', { 'day-2': day2 }) as never),
    ).rejects.toThrow(/June 2099 has no day 31/);
    expect(await store().cohorts.get('store-refuses')).toBeUndefined();

    const before = (await store().cohorts.get(testCohort.cohortId))?.schedule;
    await expect(
      store().cohorts.updateSchedule(testCohort.cohortId, 'interim-task', { deadline: '2099-03-10T24:00' }),
    ).rejects.toThrow(/2099-03-10T24:00 is not a London time/);
    await expect(
      store().cohorts.updateSchedule(testCohort.cohortId, 'day-2', {
        starts: '2099-03-29T01:30',
        ends: '2099-03-29T16:00',
        venue: 'Leeds',
        sequence: 1,
      }),
    ).rejects.toThrow(/01:30 on 2099-03-29 does not exist in London/);
    expect((await store().cohorts.get(testCohort.cohortId))?.schedule).toEqual(before);

    const { participantId } = await enrol(system, { email: 'store-deadline@school.test' });
    await expect(
      store().participants.setDeadline(participantId, 'interim-task', '2099-02-29T17:00'),
    ).rejects.toThrow(/February 2099 has no day 29/);
    expect((await store().participants.get(participantId))?.deadlines).toEqual({});
  });
});

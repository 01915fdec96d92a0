import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StatusRow } from '../../functions/admin/status.js';
import { commitmentRequestId, stepRequestId } from '../../functions/domain/request.js';
import { DAY, londonTime } from '../../functions/domain/time.js';
import type { LocalSystem } from '../../infra/local/system.js';
import { checkInvariantsAfterEach } from '../support/invariants.js';
import {
  enrol,
  mailbox,
  pdLeadSchedule,
  startTestSystem,
  testCohort,
  waitForState,
} from '../support/local-system.js';
import { advanceTo, advanceToInstant, readyForDayOne, recordAttendance } from '../support/programme.js';

/**
 * Who the system waits on: each look of the lifecycle records it on the participant (`waiting`), the
 * `status` command lists it by cohort, Maths Hub and stage (the status index, GSI2), and the weekly
 * digest tells each cohort's admin who is overdue. The tests are steps of one story on one local system,
 * in order: a north cohort (its own admin address) and a south one (the default admin).
 */
const northAdmin = 'north-admin@hub.test';
const defaultAdmin = 'programme-admin@accreditation.localhost';
const north = { ...testCohort, cohortId: 'waiting-north', adminEmail: northAdmin };
const south = {
  ...testCohort,
  cohortId: 'waiting-south',
  mathsHub: 'South Coast Maths Hub',
  name: 'South primary PD Leads',
};
let system: LocalSystem;
let asha: Awaited<ReturnType<typeof readyForDayOne>>;

beforeAll(async () => {
  system = await startTestSystem();
  for (const cohort of [north, south])
    await system.admin({
      command: 'create-cohort',
      cohort: { ...cohort, schedule: pdLeadSchedule(system.clock.now()) },
    });
});
afterAll(() => system?.stop());
checkInvariantsAfterEach(() => system);

const waitingOf = async (participantId: string) =>
  (await system.dependencies.store.participants.get(participantId))?.waiting;
const status = async (filter: Record<string, string> = {}) =>
  ((await system.admin({ command: 'status', ...filter })) as { rows: StatusRow[] }).rows;
const northSchedule = async () =>
  (await system.dependencies.store.cohorts.get(north.cohortId))?.schedule ?? {};
const digests = async (to: string) =>
  (await mailbox(system).emailsTo(to)).filter((e) => / overdue in /.test(e.subject));

describe('who the system waits on', () => {
  it('is recorded by each look: the senior leader, a date, the cohort lead, the participant, then the admin', async () => {
    const enrolled = await enrol(system, { email: 'asha@waiting.test' }, north.cohortId);
    await waitForState(system, enrolled.executionArn, 'AwaitCommitment');
    const commitment = await system.dependencies.store.requests.get(
      commitmentRequestId(enrolled.participantId),
    );
    expect(await waitingOf(enrolled.participantId)).toEqual({
      on: 'senior-leader',
      stage: 'awaiting-commitment',
      what: 'commitment',
      since: commitment?.createdAt,
      nextDeadline: commitment?.expiresAt,
    });
    // Signed: the next look waits for day 1's joining instructions, 14 days before it.
    const leaderDone = await system.admin({ command: 'status', cohortId: north.cohortId });
    expect(leaderDone).toMatchObject({
      rows: [{ participantId: enrolled.participantId, waitingOn: 'senior-leader' }],
    });
    asha = await readyForDayOne(system, north.cohortId, 'asha2@waiting.test');
    const dayOne = (await northSchedule())['day-1'];
    if (!dayOne || !('starts' in dayOne)) throw new Error('Day 1 has dates');
    expect(await waitingOf(asha.participantId)).toMatchObject({
      on: 'date',
      stage: 'in-programme',
      what: 'day-1',
      nextDeadline: new Date(londonTime(dayOne.starts).getTime() - 14 * DAY).toISOString(),
    });

    // After the day, the register: the cohort lead, due 3 days after it at 5 pm.
    advanceTo(system, dayOne.ends);
    await mailbox(system).waitForEmail(
      testCohort.cohortLead.email,
      /record attendance for Development day 1/,
    );
    await waitForState(system, asha.executionArn, 'AtDevelopmentDay');
    const register = await system.dependencies.store.requests.get(stepRequestId('day-1', north.cohortId));
    expect(await waitingOf(asha.participantId)).toMatchObject({
      on: 'cohort-lead',
      what: 'day-1',
      nextDeadline: register?.dueAt,
    });

    await recordAttendance(system, 'Development day 1', [asha], 'attended');
    await mailbox(system).waitForEmail(asha.participant, /^Please submit your Interim task/);
    await waitForState(system, asha.executionArn, 'AtTask');
    const task = await system.dependencies.store.requests.get(
      stepRequestId('interim-task', asha.participantId, 1),
    );
    const onTask = await waitingOf(asha.participantId);
    expect(onTask).toEqual({
      on: 'participant',
      stage: 'in-programme',
      what: 'interim-task',
      since: task?.createdAt,
      nextDeadline: task?.expiresAt,
    });

    // A reminder's look changes nothing about whom it waits on: the record is not rewritten.
    const deadline = new Date(task?.expiresAt ?? 0);
    advanceToInstant(system, new Date(deadline.getTime() - 7 * DAY));
    await mailbox(system).waitForEmail(asha.participant, /^Reminder: Please submit your Interim task/);
    await waitForState(system, asha.executionArn, 'AtTask');
    expect(await waitingOf(asha.participantId)).toEqual(onTask);

    // Past the deadline only the admin can move them on (an extension or a withdrawal): overdue.
    advanceToInstant(system, deadline);
    await mailbox(system).waitForEmail(defaultAdmin, /^Missed deadline for Interim task/);
    await waitForState(system, asha.executionArn, 'AtTask');
    expect(await waitingOf(asha.participantId)).toMatchObject({
      on: 'admin',
      what: 'interim-task',
      since: task?.expiresAt,
      nextDeadline: task?.expiresAt,
    });
  });

  it('status lists a cohort, a Maths Hub or a stage from the index, overdue first', async () => {
    const sam = await enrol(system, { email: 'sam@waiting.test', name: 'Sam Reid' }, south.cohortId);
    await waitForState(system, sam.executionArn, 'AwaitCommitment');
    const row = (p: { participantId: string }, more: Partial<StatusRow> = {}) =>
      expect.objectContaining({ participantId: p.participantId, ...more });

    // North: Asha overdue on the admin first; the first enrolment expired meanwhile, so nothing awaits them.
    expect(await status({ cohortId: north.cohortId })).toEqual([
      row(asha, { name: 'Asha Patel', waitingOn: 'admin', what: 'interim-task', overdue: true }),
    ]);
    expect(await status({ mathsHub: south.mathsHub })).toEqual([
      row(sam, {
        cohortId: south.cohortId,
        stage: 'awaiting-commitment',
        waitingOn: 'senior-leader',
        overdue: false,
      }),
    ]);
    expect(await status({ stage: 'awaiting-commitment' })).toEqual([row(sam)]);
    expect(await status({ stage: 'in-programme', mathsHub: south.mathsHub })).toEqual([]);
    const expired = await status({ stage: 'commitment-expired' });
    expect(expired).toEqual([expect.objectContaining({ cohortId: north.cohortId, waitingOn: 'nobody' })]);
    // Everyone still awaited, across hubs and stages: overdue first, then due soonest.
    expect(await status()).toEqual([row(asha, { overdue: true }), row(sam, { overdue: false })]);
  });

  it('the weekly digest emails each cohort admin whom is overdue, once a week, and nothing where nobody is', async () => {
    expect(await system.weeklyDigest()).toMatchObject({ cohortsChecked: 2, digestsSent: [north.cohortId] });
    const [digest, ...more] = await digests(northAdmin);
    expect(more).toEqual([]);
    expect(digest?.subject).toMatch(/^1 overdue in North primary PD Leads: week of /);
    expect(digest?.body.text).toContain(
      `Asha Patel (${asha.participantId}): waiting on the admin for interim-task, due `,
    );
    expect(digest?.body.html).toContain('Asha Patel');
    // The south cohort has nobody overdue: its (default) admin gets no digest.
    expect(await digests(defaultAdmin)).toEqual([]);

    // Run again the same week (a retry): nothing sent twice. The next week: again, while still overdue.
    await system.weeklyDigest();
    expect(await digests(northAdmin)).toHaveLength(1);
    system.clock.advance(7 * DAY);
    await waitForState(system, asha.executionArn, 'AtTask');
    await system.weeklyDigest();
    expect(await digests(northAdmin)).toHaveLength(2);
  });
});

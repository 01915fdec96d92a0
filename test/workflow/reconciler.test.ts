import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { executionConsoleUrl, stateMachineConsoleUrl } from '../../events/lifecycle-stopped.js';
import { Participant, type Stage } from '../../functions/domain/participant.js';
import { DAY } from '../../functions/domain/time.js';
import type { LocalSystem } from '../../infra/local/system.js';
import {
  createCohort,
  daysFromNow,
  mailbox,
  pdLeadSchedule,
  startTestSystem,
  testCohort,
  waitForState,
  waitForStatus,
} from '../support/local-system.js';

/**
 * The daily reconciler, run through the real Reconcile handler, the real SNS client and the local SNS,
 * which delivers to the admin's address in the mailbox as the topic's email subscription would. The tests
 * run in order: what one leaves running, the next stops.
 */
const admin = 'programme-admin@accreditation.localhost';
const alertSubject = /^PD accreditation: \d+ participants? not moving/;
let system: LocalSystem;

beforeAll(async () => {
  system = await startTestSystem();
  await createCohort(system);
});
afterAll(() => system?.stop());

/** A participant's record as the admin's commands write it; `name` is a person's, so it must not be sent. */
async function recorded(
  participantId: string,
  stage: Stage,
  execution?: Participant['execution'],
  more: Partial<Participant> = {},
) {
  const participant = Participant.parse({
    participantId,
    person: { name: `Person ${participantId}`, email: `${participantId}@school.test` },
    school: 'Hillside Primary',
    seniorLeader: { name: 'Sam Okafor', email: `head-of-${participantId}@school.test`, role: 'Head teacher' },
    programmeId: testCohort.programmeId,
    pathway: testCohort.pathway,
    cohortId: testCohort.cohortId,
    stage,
    enrolledAt: system.clock.now().toISOString(),
    ...(execution && { execution }),
    ...more,
  });
  expect(await system.dependencies.store.participants.create(participant)).toBe(true);
}

/** A participant whose lifecycle runs, started as every start is: its name recorded on them first. */
async function carriedOn(participantId: string) {
  await recorded(participantId, 'awaiting-commitment', {
    workflow: 'ParticipantLifecycle',
    name: participantId,
  });
  const { executionArn } = system.stepFunctions.startExecution(
    system.stateMachineArn,
    participantId,
    JSON.stringify({ participantId, cohortId: testCohort.cohortId }),
  );
  await waitForState(system, executionArn, 'AwaitCommitment');
  return executionArn;
}

const alerts = async () =>
  (await mailbox(system).emailsTo(admin)).filter((e) => alertSubject.test(e.subject));

describe('the daily reconciler', () => {
  let stoppedArn: string;

  it('sends nothing when every unfinished participant has a running execution', async () => {
    stoppedArn = await carriedOn('p-later-stopped');
    // Finished: nothing should be running for them, and nothing is.
    await recorded('p-withdrawn', 'withdrawn');
    await recorded('p-lapsed', 'lapsed');

    expect(await system.reconcile()).toEqual({
      checked: 1,
      notMoving: [],
      alertsPublished: 0,
      overdueByCohort: { [testCohort.cohortId]: 0 },
    });
    // Publish delivers before it answers, so an alert would be in the mailbox by now.
    expect(await alerts()).toEqual([]);
  });

  it("reports a stopped execution and one never started, with console links, to the admin's mailbox; not a running one", async () => {
    await system.stepFunctions.abortAll();
    await waitForStatus(system, stoppedArn, 'ABORTED');
    const runningArn = await carriedOn('p-running');
    // Recorded without a start (as if the start had failed), and an accredited lead whose years never began.
    await recorded('p-never-started', 'in-programme');
    await recorded('p-accredited', 'accredited', {
      workflow: 'AccreditedYears',
      name: 'p-accredited-accredited-1',
    });

    expect(await system.reconcile()).toEqual({
      checked: 4,
      notMoving: ['p-accredited', 'p-later-stopped', 'p-never-started'],
      alertsPublished: 1,
      overdueByCohort: { [testCohort.cohortId]: 0 },
    });
    const [alert, ...more] = await alerts();
    expect(more).toEqual([]);
    expect(alert?.subject).toBe('PD accreditation: 3 participants not moving');
    const text = alert?.body.text ?? '';
    const entry = (participantId: string) =>
      text.split('\n- ').find((e) => e.startsWith(`${participantId},`)) ?? `no entry for ${participantId}`;

    expect(entry('p-later-stopped')).toContain(
      `cohort ${testCohort.cohortId}, stage awaiting-commitment: no running ParticipantLifecycle execution`,
    );
    expect(entry('p-later-stopped')).toContain(
      'Execution: p-later-stopped (ParticipantLifecycle), status ABORTED',
    );
    expect(entry('p-later-stopped')).toContain(executionConsoleUrl('eu-west-2', stoppedArn));

    expect(entry('p-never-started')).toContain(
      'stage in-programme: no running ParticipantLifecycle execution',
    );
    expect(entry('p-never-started')).toContain('Execution: none recorded: never started');
    expect(entry('p-never-started')).toContain(stateMachineConsoleUrl('eu-west-2', system.stateMachineArn));

    expect(entry('p-accredited')).toContain('stage accredited: no running AccreditedYears execution');
    expect(entry('p-accredited')).toContain(
      'p-accredited-accredited-1 (AccreditedYears), status NOT_STARTED',
    );
    expect(entry('p-accredited')).toContain(
      stateMachineConsoleUrl('eu-west-2', system.stateMachineArns.AccreditedYears),
    );

    expect(text).toContain('{"command":"resume-participant","participantId":"<participant id>"}');
    expect(text).not.toContain('p-running,');
    expect(text).not.toContain(runningArn);
    expect(text).not.toMatch(/p-withdrawn|p-lapsed/);
    // Ids only: no names or addresses.
    expect(text).not.toMatch(/Person |@school\.test|Okafor/);
  });

  it('a run repeated the same day sends nothing twice; the next day it says it again', async () => {
    expect((await system.reconcile()) as { alertsPublished: number }).toMatchObject({ alertsPublished: 1 });
    expect(await alerts()).toHaveLength(1);

    system.clock.advance(86_400_000);
    await system.stepFunctions.settled();
    await system.reconcile();
    const [yesterday, today] = await alerts();
    expect(today?.body.text).toBe(yesterday?.body.text);
  });

  it('counts, by cohort, the participants whose submission is past its deadline (extensions included)', async () => {
    // A cohort 100 days in: its interim task was due 30 days ago, its framework is due in 40.
    const cohortId = 'overdue-cohort';
    await system.admin({
      command: 'create-cohort',
      cohort: {
        ...testCohort,
        cohortId,
        schedule: pdLeadSchedule(new Date(system.clock.now().getTime() - 100 * DAY)),
      },
    });
    const attended = {
      outcome: 'attended' as const,
      recordedAt: system.clock.now().toISOString(),
      recordedBy: 'Casey Lead',
    };
    const inCohort = { cohortId, progress: { 'day-1': attended } } as Partial<Participant>;
    await recorded('p-task-overdue', 'in-programme', undefined, inCohort);
    await recorded('p-task-extended', 'in-programme', undefined, {
      ...inCohort,
      deadlines: { 'interim-task': daysFromNow(7, '17:00', system.clock.now()) },
    });
    await recorded('p-overdue-withdrawn', 'withdrawn', undefined, inCohort);
    await recorded('p-task-submitted', 'in-programme', undefined, {
      cohortId,
      progress: {
        'day-1': attended,
        'interim-task': { outcome: 'submitted', attempt: 1, submittedAt: attended.recordedAt, answers: {} },
      },
    });

    expect(await system.reconcile()).toMatchObject({
      overdueByCohort: { [cohortId]: 1, [testCohort.cohortId]: 0 },
    });
  });
});

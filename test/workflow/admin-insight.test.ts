import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toLondonLocal } from '../../functions/domain/time.js';
import type { LocalSystem } from '../../infra/local/system.js';
import { sign } from '../support/commitment.js';
import { checkInvariantsAfterEach } from '../support/invariants.js';
import { enrol, linkIn, mailbox, startTestSystem, waitForState } from '../support/local-system.js';
import { post, programmeCohort } from '../support/programme.js';

/**
 * The admin's views and their small actions on the real ASL: list cohorts and participants (whom each
 * waits on, by when), one participant's history, a cohort's schedule, a link sent again, a cohort edited
 * after a preview.
 */
let system: LocalSystem;
let cohort: Awaited<ReturnType<typeof programmeCohort>>;
/** Enrolled, their senior leader not yet answering. */
let awaiting: Awaited<ReturnType<typeof enrol>>;
/** Enrolled and signed: waiting for development day 1. */
let signed: Awaited<ReturnType<typeof enrol>>;

beforeAll(async () => {
  system = await startTestSystem();
  cohort = await programmeCohort(system, 'insight-north');
  awaiting = await enrol(system, { email: 'awaiting@school.test', name: 'Ada Awaits' }, cohort.cohortId);
  signed = await enrol(system, { email: 'signed@school.test', name: 'Sid Signed' }, cohort.cohortId);
  const ask = await mailbox(system).waitForEmail(signed.leader, /^Please confirm your support/);
  await waitForState(system, signed.executionArn, 'AwaitCommitment');
  expect((await post(linkIn(ask), sign)).status).toBe(200);
  await waitForState(system, signed.executionArn, 'AtDevelopmentDay');
  await waitForState(system, awaiting.executionArn, 'AwaitCommitment');
});
afterAll(() => system.stop());
checkInvariantsAfterEach(() => system);

const admin = <T>(command: object) => system.admin(command) as Promise<T>;

describe("the admin's views", () => {
  it('list-cohorts lists every cohort with its programme, pathway, hub and lead', async () => {
    const { cohorts } = await admin<{ cohorts: object[] }>({ command: 'list-cohorts' });
    expect(cohorts).toContainEqual({
      cohortId: 'insight-north',
      name: cohort.name,
      programmeId: 'ncetm-pd-lead',
      pathway: 'primary',
      mathsHub: cohort.mathsHub,
      startsOn: cohort.startsOn,
      cohortLead: 'Casey Lead',
    });
  });

  it("list-participants says each one's stage, whom they wait on, for what and by when, as their record says", async () => {
    const { participants } = await admin<{ participants: object[] }>({
      command: 'list-participants',
      cohortId: cohort.cohortId,
    });
    const commitment = await system.dependencies.store.requests.get(`commitment-${awaiting.participantId}`);
    expect(participants).toEqual([
      {
        participantId: awaiting.participantId,
        name: 'Ada Awaits',
        email: 'awaiting@school.test',
        stage: 'awaiting-commitment',
        waitingOn: 'senior-leader',
        asked: 'commitment',
        nextDeadline: toLondonLocal(new Date(commitment?.expiresAt ?? '')),
      },
      {
        participantId: signed.participantId,
        name: 'Sid Signed',
        email: 'signed@school.test',
        stage: 'in-programme',
        // Signed: nothing is asked until day 1's joining instructions go out, a date ahead.
        waitingOn: 'date',
        asked: 'day-1',
        nextDeadline: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d$/),
      },
    ]);
    await expect(admin({ command: 'list-participants', cohortId: 'no-such' })).rejects.toMatchObject({
      name: 'AdminCommandRejected',
    });
  });

  it('show-participant tells their history, asks, emails and executions, and never a task token', async () => {
    const shown = await admin<Record<string, unknown>>({
      command: 'show-participant',
      participantId: signed.participantId,
    });
    expect(shown).toMatchObject({
      participant: { participantId: signed.participantId, stage: 'in-programme' },
      waitingOn: 'date',
      asks: [{ kind: 'commitment', of: 'senior-leader', status: 'answered', remindersSent: 0 }],
      executions: [
        {
          workflow: 'ParticipantLifecycle',
          name: signed.participantId,
          status: 'RUNNING',
          consoleUrl: expect.stringContaining(`#/v2/executions/details/${signed.executionArn}`),
        },
      ],
    });
    expect((shown.history as { what: string }[]).map((h) => h.what)).toEqual([
      'enrolled in insight-north',
      'emailed senior-leader: commitment',
      'answered: commitment',
      'commitment signed',
      // Each email is noted on its own: the participant's and their senior leader's.
      'emailed: commitment-signed#0',
      'emailed: commitment-signed#1',
    ]);
    const waitToken = (await system.dependencies.store.participants.get(signed.participantId))?.waitToken;
    expect(waitToken).toBeDefined();
    expect(JSON.stringify(shown)).not.toContain(waitToken);
  });

  it('show-schedule lists the programme step by step with its dates and venues', async () => {
    const { steps } = await admin<{ steps: object[] }>({
      command: 'show-schedule',
      cohortId: cohort.cohortId,
    });
    expect(steps).toEqual([
      {
        stepId: 'day-1',
        title: 'Development day 1',
        kind: 'development-day',
        residential: true,
        ...withoutSequence(cohort.schedule['day-1']),
      },
      {
        stepId: 'interim-task',
        title: 'Interim task',
        kind: 'task',
        deadline: cohort.schedule['interim-task'].deadline,
      },
      {
        stepId: 'interim-feedback',
        title: expect.any(String),
        kind: 'formative-feedback',
        follows: 'interim-task',
      },
      {
        stepId: 'day-2',
        title: 'Development day 2',
        kind: 'development-day',
        residential: false,
        ...withoutSequence(cohort.schedule['day-2']),
      },
      {
        stepId: 'pdlperf',
        title: expect.any(String),
        kind: 'framework-submission',
        deadline: cohort.schedule.pdlperf.deadline,
      },
      { stepId: expect.any(String), title: expect.any(String), kind: 'assessment', follows: 'pdlperf' },
    ]);
  });
});

const withoutSequence = ({ starts, ends, venue }: { starts: string; ends: string; venue: string }) => ({
  starts,
  ends,
  venue,
});

describe('resend-link', () => {
  it('sends the current ask again, with a fresh link, to whoever is awaited; both links open the form', async () => {
    const first = await mailbox(system).waitForEmail(awaiting.leader, /^Please confirm your support/);
    const resent = await admin({ command: 'resend-link', participantId: awaiting.participantId });
    expect(resent).toEqual({
      command: 'resend-link',
      participantId: awaiting.participantId,
      resent: [
        { requestId: `commitment-${awaiting.participantId}`, kind: 'commitment', to: 'senior-leader' },
      ],
    });
    await waitForState(system, awaiting.executionArn, 'AwaitCommitment');
    await system.stepFunctions.settled();
    const asks = (await mailbox(system).emailsTo(awaiting.leader)).filter((e) => e.subject === first.subject);
    expect(asks).toHaveLength(2);
    expect(linkIn(asks[1] as never)).not.toBe(linkIn(first));
    for (const ask of asks) expect((await fetch(linkIn(ask))).status).toBe(200);
  });

  it('has nothing to send for someone awaited by nobody', async () => {
    const before = (await mailbox(system).all()).length;
    expect(await admin({ command: 'resend-link', participantId: signed.participantId })).toMatchObject({
      resent: [],
    });
    await system.stepFunctions.settled();
    expect((await mailbox(system).all()).length).toBe(before);
  });
});

describe('edit-cohort', () => {
  const day2 = () => ({
    starts: cohort.schedule['day-2'].starts.replace('09:30', '10:00'),
    ends: cohort.schedule['day-2'].ends,
    venue: 'Sheffield Hallam',
  });
  const newLead = { name: 'Lee Newlead', email: 'new-lead@hub.test' };

  it('previews who is affected and changes nothing', async () => {
    const preview = await admin({
      command: 'edit-cohort',
      cohortId: cohort.cohortId,
      schedule: { 'day-2': day2() },
      cohortLead: newLead,
      preview: true,
    });
    const affected = [{ participantId: signed.participantId, name: 'Sid Signed' }];
    expect(preview).toEqual({
      command: 'edit-cohort',
      cohortId: cohort.cohortId,
      preview: true,
      changes: [
        {
          change: 'day-2',
          from: { ...cohort.schedule['day-2'], sequence: 0 },
          to: { ...day2(), sequence: 1 },
          affected,
        },
        { change: 'cohort-lead', from: cohort.cohortLead, to: newLead, affected },
      ],
    });
    expect(await system.dependencies.store.cohorts.get(cohort.cohortId)).toMatchObject({
      cohortLead: cohort.cohortLead,
      schedule: { 'day-2': { venue: cohort.schedule['day-2'].venue, sequence: 0 } },
    });
  });

  it('refuses a schedule out of order, or a step the cohort has not, changing nothing', async () => {
    const late = { ...day2(), starts: '2099-01-01T09:00', ends: '2099-01-01T16:00' };
    await expect(
      admin({ command: 'edit-cohort', cohortId: cohort.cohortId, schedule: { 'day-2': late } }),
    ).rejects.toMatchObject({ name: 'AdminCommandRejected', message: expect.stringContaining('pdlperf') });
    await expect(
      admin({ command: 'edit-cohort', cohortId: cohort.cohortId, schedule: { 'day-9': day2() } }),
    ).rejects.toMatchObject({ name: 'AdminCommandRejected', message: expect.stringContaining('day-9') });
    expect((await system.dependencies.store.cohorts.get(cohort.cohortId))?.schedule['day-2']).toMatchObject({
      sequence: 0,
    });
  });

  it('applied, the cohort changes and everyone under way re-plans; run again, nothing more changes', async () => {
    const edit = {
      command: 'edit-cohort',
      cohortId: cohort.cohortId,
      schedule: { 'day-2': day2() },
      cohortLead: newLead,
    };
    expect(await admin(edit)).toMatchObject({ preview: false, waitsWoken: 1, notWoken: [] });
    await waitForState(system, signed.executionArn, 'AtDevelopmentDay');
    expect(await system.dependencies.store.cohorts.get(cohort.cohortId)).toMatchObject({
      cohortLead: newLead,
      schedule: { 'day-2': { ...day2(), sequence: 1 } },
    });
    await admin(edit);
    expect((await system.dependencies.store.cohorts.get(cohort.cohortId))?.schedule['day-2']).toMatchObject({
      sequence: 1,
    });
    await waitForState(system, signed.executionArn, 'AtDevelopmentDay');
  });
});

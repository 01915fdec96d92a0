import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { LocalSystem } from '../../infra/local/system.js';
import { askedToCommit, sign } from '../support/commitment.js';
import { checkInvariantsAfterEach } from '../support/invariants.js';
import {
  createCohort,
  linkIn,
  mailbox,
  startTestSystem,
  testCohort,
  waitForState,
  waitForStatus,
} from '../support/local-system.js';
import { post } from '../support/programme.js';

/**
 * Each path of the commitment gate, on the real ASL in aws-local-stepfunctions, with the real handlers,
 * dynalite and the local SES. The senior leader answers through the real forms endpoint.
 */
const DAY = 86_400_000;
let system: LocalSystem;

beforeAll(async () => {
  system = await startTestSystem();
  await createCohort(system);
});
afterAll(() => system.stop());
checkInvariantsAfterEach(() => system);

/** The senior leader answers by posting the form behind the emailed link. */
const answer = post;

/** Times an execution has entered a state: a waiting execution re-enters AwaitCommitment after each chase. */
const entries = (executionArn: string, state: string) =>
  system.stepFunctions.describeExecution(executionArn).statesEntered.filter((s) => s === state).length;

async function parked(executionArn: string, times = 1) {
  await vi.waitFor(() => expect(entries(executionArn, 'AwaitCommitment')).toBe(times), { timeout: 10_000 });
  // The waiting Lambda has stored its token once the timer is armed.
  await vi.waitFor(() => expect(system.clock.pendingTimers).toBeGreaterThan(0));
}

/** Enrolled, the ask emailed to their senior leader, and the execution waiting for the answer. */
async function awaitingAnswer(email: string) {
  const asked = await askedToCommit(system, email);
  await parked(asked.executionArn);
  return asked;
}

describe('the senior-leader commitment gate', () => {
  it('signed: both are told and the participant is ready for the development days', async () => {
    const { participantId, executionArn, leader, participant, ask } =
      await awaitingAnswer('signed@school.test');

    expect((await answer(linkIn(ask), sign)).status).toBe(200);
    // The programme begins: the execution waits for the first development day.
    await waitForState(system, executionArn, 'AtDevelopmentDay');

    const execution = system.stepFunctions.describeExecution(executionArn);
    expect(execution.statesEntered).toContain('ReadyForDevelopmentDays');
    const record = await system.dependencies.store.participants.get(participantId);
    expect(record?.stage).toBe('in-programme');
    expect(record?.commitment).toMatchObject({
      decision: 'signed',
      signedBy: 'Sam Okafor',
      role: 'Head teacher',
    });
    expect(record?.commitment?.textVersion).toBe('ncetm-pd-lead/commitment/2026-09');
    await mailbox(system).waitForEmail(participant, /ready to start/);
    await mailbox(system).waitForEmail(leader, /commitment to support .* is recorded/);
  });

  it('declined: the participant and the admin are told, with the reason', async () => {
    const { participantId, executionArn, participant, ask } = await awaitingAnswer('declined@school.test');

    const reply = await answer(linkIn(ask), {
      ...sign,
      decision: 'declined',
      agree: '',
      reason: 'Staffing cuts this year',
    });
    expect(reply.status).toBe(200);
    await waitForStatus(system, executionArn, 'SUCCEEDED');

    expect(system.stepFunctions.describeExecution(executionArn).statesEntered.at(-1)).toBe(
      'CommitmentDeclined',
    );
    expect((await system.dependencies.store.participants.get(participantId))?.stage).toBe(
      'commitment-declined',
    );
    await mailbox(system).waitForEmail(participant, /cannot go ahead/);
    const toAdmin = await mailbox(system).waitForEmail(
      system.dependencies.settings.ADMIN_EMAIL,
      /Commitment declined/,
    );
    expect(toAdmin.body.text).toContain('Staffing cuts this year');
  });

  it('reminded, then signed through the reminder link', async () => {
    const { executionArn, leader, ask: first } = await awaitingAnswer('reminded@school.test');

    system.clock.advance(4 * DAY + 60_000);
    const reminder = await mailbox(system).waitForEmail(leader, /^Reminder: Please confirm/);
    await parked(executionArn, 2);
    expect(linkIn(reminder)).not.toBe(linkIn(first));
    expect(system.stepFunctions.describeExecution(executionArn).statesEntered).toContain('ChaseCommitment');

    expect((await answer(linkIn(reminder), sign)).status).toBe(200);
    await waitForState(system, executionArn, 'AtDevelopmentDay');
    expect(system.stepFunctions.describeExecution(executionArn).statesEntered).toContain(
      'ReadyForDevelopmentDays',
    );
    // The first link now says it has been answered rather than offering the form again.
    expect((await fetch(linkIn(first))).status).toBe(409);
  });

  it('expired: two reminders, then the admin is told and the link says so', async () => {
    const { participantId, executionArn, leader, ask } = await awaitingAnswer('expired@school.test');

    system.clock.advance(4 * DAY + 60_000);
    await parked(executionArn, 2);
    system.clock.advance(4 * DAY);
    await parked(executionArn, 3);
    expect(
      (await mailbox(system).emailsTo(leader)).filter((e) => e.subject.startsWith('Reminder:')),
    ).toHaveLength(2);

    system.clock.advance(6 * DAY);
    await waitForStatus(system, executionArn, 'SUCCEEDED');
    expect(system.stepFunctions.describeExecution(executionArn).statesEntered.at(-1)).toBe(
      'CommitmentExpired',
    );
    await mailbox(system).waitForEmail(system.dependencies.settings.ADMIN_EMAIL, /No commitment signed/);
    expect((await system.dependencies.store.requests.get(`commitment-${participantId}`))?.status).toBe(
      'expired',
    );
    expect((await fetch(linkIn(ask))).status).toBe(410);
  });

  it('restarted after signing: skips what is done and sends nothing again', async () => {
    const { participantId, executionArn, ask } = await awaitingAnswer('restarted@school.test');
    await answer(linkIn(ask), sign);
    await waitForState(system, executionArn, 'AtDevelopmentDay');
    await vi.waitFor(async () =>
      expect(
        Object.keys((await system.dependencies.store.participants.get(participantId))?.notified ?? {}),
      ).toEqual(expect.arrayContaining(['commitment-signed#0', 'commitment-signed#1'])),
    );
    const sentBefore = (await mailbox(system).all()).length;

    // A restart: the execution stopped (an operator, a redeploy) and a new one started on the same record.
    system.stepFunctions.stopExecution(executionArn);
    const restart = system.stepFunctions.startExecution(
      system.stateMachineArn,
      `${participantId}-restart`,
      JSON.stringify({ participantId, cohortId: testCohort.cohortId }),
    );
    await waitForState(system, restart.executionArn, 'AtDevelopmentDay');
    expect(restart.statesEntered).toEqual([
      'RequestCommitment',
      'CheckCommitment',
      'ConfirmCommitment',
      'ReadyForDevelopmentDays',
      'NextProgrammeStep',
      'WhereNext',
      'AtDevelopmentDay',
    ]);
    expect(await mailbox(system).all()).toHaveLength(sentBefore);
  });

  it('withdrawn while waiting for the senior leader: the gate ends at Withdrawn and the link has closed', async () => {
    const { participantId, executionArn, ask } = await awaitingAnswer('withdrawn-early@school.test');
    await system.admin({ command: 'withdraw-participant', participantId, reason: 'Place no longer needed' });
    await waitForStatus(system, executionArn, 'SUCCEEDED');
    expect(system.stepFunctions.describeExecution(executionArn).statesEntered.slice(-2)).toEqual([
      'CheckCommitment',
      'Withdrawn',
    ]);
    expect((await fetch(linkIn(ask))).status).toBe(410);
    expect(await system.dependencies.store.participants.get(participantId)).toMatchObject({
      stage: 'withdrawn',
    });
  });

  it("a corrected senior leader's address gets the ask again at once, and the new link signs", async () => {
    const { participantId, executionArn, leader } = await awaitingAnswer('bounced-head@school.test');
    const corrected = await system.admin({
      command: 'correct-email',
      participantId,
      whose: 'senior-leader',
      email: 'sam.okafor@school.test',
    });
    expect(corrected).toMatchObject({ askedAgain: [`commitment-${participantId}`] });
    const again = await mailbox(system).waitForEmail(
      'sam.okafor@school.test',
      /^Please confirm your support/,
    );
    await parked(executionArn, 2);
    // The same deadline; nothing more to the old address.
    const first = await mailbox(system).waitForEmail(leader, /^Please confirm your support/);
    expect(again.subject).toBe(first.subject);
    expect(await mailbox(system).emailsTo(leader)).toHaveLength(1);
    expect(system.stepFunctions.describeExecution(executionArn).statesEntered).toContain('ChaseCommitment');

    expect((await answer(linkIn(again), sign)).status).toBe(200);
    await waitForState(system, executionArn, 'AtDevelopmentDay');
    const record = await system.dependencies.store.participants.get(participantId);
    expect(record?.seniorLeader.email).toBe('sam.okafor@school.test');
    expect(record?.commitment?.decision).toBe('signed');
  });

  it('a step that keeps failing tells the admin and ends at LifecycleFailed', async () => {
    const execution = system.stepFunctions.startExecution(
      system.stateMachineArn,
      'no-such-participant',
      JSON.stringify({ participantId: 'p-does-not-exist' }),
    );
    await execution.done;
    expect(execution.status).toBe('FAILED');
    expect(execution.error).toBe('LifecycleFailed');
    expect(execution.statesEntered).toEqual(['RequestCommitment', 'NotifyAdminOfFailure', 'LifecycleFailed']);
    const alert = await mailbox(system).waitForEmail(
      system.dependencies.settings.ADMIN_EMAIL,
      /lifecycle of p-does-not-exist stopped/,
    );
    expect(alert.body.text).toContain('ParticipantNotFound');
  });
});

import type { SESClient } from '@aws-sdk/client-ses';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Participant, participantIdFor } from '../../functions/domain/participant.js';
import { commitmentRequestId, newRequest } from '../../functions/domain/request.js';
import { sesMailer } from '../../functions/email/mailer.js';
import { advanceCommitment } from '../../functions/lifecycle/advance-commitment.js';
import { chase } from '../../functions/lifecycle/asks.js';
import { awaitCommitment } from '../../functions/lifecycle/await-commitment.js';
import { notifyCommitmentOutcome } from '../../functions/lifecycle/notify-commitment-outcome.js';
import type { Dependencies } from '../../functions/shared/dependencies.js';
import type { LocalSystem } from '../../infra/local/system.js';
import { linkIn, mailbox, startTestSystem, testCohort } from '../support/local-system.js';

/**
 * The lifecycle steps as plain functions, on real dynalite and the local SES, without a running
 * execution: what a retried or restarted Lambda does.
 */
const DAY = 86_400_000;
let system: LocalSystem;
beforeAll(async () => {
  system = await startTestSystem();
  // Every participant's cohort exists, as enrolment makes sure: the steps index whom they wait on by its hub.
  await system.admin({ command: 'create-cohort', cohort: { ...testCohort, cohortId: 'steps-cohort' } });
});
afterAll(() => system.stop());

let counter = 0;
async function participantNobodyIsRunning(): Promise<Participant> {
  counter += 1;
  const email = `steps-${counter}@school.test`;
  const participant = Participant.parse({
    participantId: participantIdFor('steps-cohort', email),
    person: { name: 'Bea Jones', email },
    school: 'Riverside Academy',
    seniorLeader: { name: 'Kim Principal', email: `leader-${counter}@school.test`, role: 'Principal' },
    programmeId: 'ncetm-pd-lead',
    pathway: 'secondary',
    cohortId: 'steps-cohort',
    stage: 'awaiting-commitment',
    enrolledAt: system.clock.now().toISOString(),
    notified: {},
  });
  await system.dependencies.store.participants.create(participant);
  return participant;
}

/** Dependencies whose mailer fails on the first send after SES accepted it: a Lambda dying at the worst moment. */
function failingAfterFirstSend(deps: Dependencies): Dependencies {
  let failed = false;
  return {
    ...deps,
    mailer: {
      ...deps.mailer,
      async send(message, key) {
        const sent = await deps.mailer.send(message, key);
        if (!failed) {
          failed = true;
          throw new Error('Lambda timed out after sending');
        }
        return sent;
      },
    },
  };
}

/** Dependencies whose SES refuses every send: the claim of each email must be taken back, for the retry. */
function sesRefusing(deps: Dependencies): Dependencies {
  const ses = {
    send: async () => {
      throw Object.assign(new Error('Throttling: Maximum sending rate exceeded'), { name: 'Throttling' });
    },
  } as unknown as SESClient;
  return {
    ...deps,
    mailer: sesMailer({ ses, from: deps.settings.EMAIL_FROM, persistenceStore: deps.idempotencyStore }),
  };
}

describe('AdvanceCommitment', () => {
  it('two runs at once store the ask once and send it once', async () => {
    const { participantId, seniorLeader } = await participantNobodyIsRunning();
    const runs = await Promise.all([
      advanceCommitment({ participantId }, system.dependencies),
      advanceCommitment({ participantId }, system.dependencies),
    ]);
    expect(runs.map((run) => run.decision)).toEqual(['pending', 'pending']);
    expect(await mailbox(system).emailsTo(seniorLeader.email)).toHaveLength(1);
  });

  it('an ask SES refused is taken back: the retry asks, once', async () => {
    const { participantId, seniorLeader } = await participantNobodyIsRunning();
    await expect(advanceCommitment({ participantId }, sesRefusing(system.dependencies))).rejects.toThrow(
      'Maximum sending rate exceeded',
    );
    const refused = await system.dependencies.store.requests.get(commitmentRequestId(participantId));
    expect(refused).toMatchObject({ status: 'open', remindersSent: 0 });
    expect(refused?.invitedAt).toBeUndefined();
    await advanceCommitment({ participantId }, system.dependencies);
    await advanceCommitment({ participantId }, system.dependencies);
    expect(await mailbox(system).emailsTo(seniorLeader.email)).toHaveLength(1);
  });

  it('a reminder SES refused is taken back: the retry reminds, once', async () => {
    const { participantId, seniorLeader } = await participantNobodyIsRunning();
    await advanceCommitment({ participantId }, system.dependencies);
    system.clock.advance(4 * DAY);
    await expect(advanceCommitment({ participantId }, sesRefusing(system.dependencies))).rejects.toThrow(
      'Maximum sending rate exceeded',
    );
    expect(
      (await system.dependencies.store.requests.get(commitmentRequestId(participantId)))?.remindersSent,
    ).toBe(0);
    await advanceCommitment({ participantId }, system.dependencies);
    await advanceCommitment({ participantId }, system.dependencies);
    const subjects = (await mailbox(system).emailsTo(seniorLeader.email)).map((e) => e.subject);
    expect(subjects.filter((s) => s.startsWith('Reminder:'))).toHaveLength(1);
  });

  it('asks once, however often it runs', async () => {
    const { participantId, seniorLeader } = await participantNobodyIsRunning();
    const first = await advanceCommitment({ participantId }, system.dependencies);
    const again = await advanceCommitment({ participantId }, system.dependencies);
    expect(first).toEqual({ decision: 'pending', waitSeconds: 4 * 86_400 });
    expect(again.decision).toBe('pending');
    expect(await mailbox(system).emailsTo(seniorLeader.email)).toHaveLength(1);
  });

  it('a retry after the email went out sends nothing more', async () => {
    const { participantId, seniorLeader } = await participantNobodyIsRunning();
    await expect(
      advanceCommitment({ participantId }, failingAfterFirstSend(system.dependencies)),
    ).rejects.toThrow('Lambda timed out');
    await advanceCommitment({ participantId }, system.dependencies);
    expect(await mailbox(system).emailsTo(seniorLeader.email)).toHaveLength(1);
  });

  it('sends each reminder once, when it is due, then expires', async () => {
    const { participantId, seniorLeader } = await participantNobodyIsRunning();
    await advanceCommitment({ participantId }, system.dependencies);
    system.clock.advance(4 * DAY);
    await advanceCommitment({ participantId }, system.dependencies);
    const result = await advanceCommitment({ participantId }, system.dependencies);
    const subjects = (await mailbox(system).emailsTo(seniorLeader.email)).map((e) => e.subject);
    expect(subjects.filter((s) => s.startsWith('Reminder:'))).toHaveLength(1);
    expect(result).toEqual({ decision: 'pending', waitSeconds: 4 * 86_400 });
    system.clock.advance(10 * DAY);
    expect(await advanceCommitment({ participantId }, system.dependencies)).toEqual({
      decision: 'expired',
      waitSeconds: 0,
    });
  });

  it('run late, with both reminders past (a redriven execution), sends only the latest, then waits for expiry', async () => {
    const { participantId, seniorLeader } = await participantNobodyIsRunning();
    await advanceCommitment({ participantId }, system.dependencies);
    system.clock.advance(9 * DAY);
    const late = await advanceCommitment({ participantId }, system.dependencies);
    expect(late).toEqual({ decision: 'pending', waitSeconds: 5 * 86_400 });
    expect(await advanceCommitment({ participantId }, system.dependencies)).toEqual(late);
    const subjects = (await mailbox(system).emailsTo(seniorLeader.email)).map((e) => e.subject);
    expect(subjects.filter((s) => s.startsWith('Reminder:'))).toHaveLength(1);
  });

  it('an unknown participant fails with ParticipantNotFound, which the workflow does not retry', async () => {
    await expect(advanceCommitment({ participantId: 'p-nobody' }, system.dependencies)).rejects.toMatchObject(
      {
        name: 'ParticipantNotFound',
      },
    );
  });
});

describe('chase', () => {
  it('an ask first chased past its deadline is stored expired, sending nothing; a second run finds it so', async () => {
    const { participantId, seniorLeader } = await participantNobodyIsRunning();
    const { store } = system.dependencies;
    const made = newRequest(
      {
        requestId: commitmentRequestId(participantId),
        kind: 'commitment',
        participantId,
        recipient: { name: seniorLeader.name, email: seniorLeader.email },
      },
      { reminderAfterDays: [4, 8], expiresAfterDays: 14 },
      new Date(system.clock.now().getTime() - 15 * DAY),
    );
    const askEmail = () => {
      throw new Error('nothing is asked past the deadline');
    };
    expect(await chase(made, askEmail, system.dependencies, false)).toEqual({ state: 'expired' });
    expect(await store.requests.get(made.requestId)).toEqual({ ...made, status: 'expired' });
    expect(await chase(made, askEmail, system.dependencies, false)).toEqual({ state: 'expired' });
  });
});

describe('AwaitCommitment', () => {
  it('hands back an answer that arrived before the wait began', async () => {
    const { participantId, seniorLeader } = await participantNobodyIsRunning();
    await advanceCommitment({ participantId }, system.dependencies);
    const [ask] = await mailbox(system).emailsTo(seniorLeader.email);
    const signed = await fetch(linkIn(ask as never), {
      method: 'POST',
      body: new URLSearchParams({
        decision: 'signed',
        signedBy: 'Kim Principal',
        role: 'Principal',
        agree: 'yes',
      }),
    });
    expect(signed.status).toBe(200);

    const completed: unknown[] = [];
    const deps = {
      ...system.dependencies,
      workflow: {
        ...system.dependencies.workflow,
        completeTask: async (_t: string, output: object) => {
          completed.push(output);
          return 'completed' as const;
        },
      },
    };
    expect(await awaitCommitment({ participantId, taskToken: 'token-1' }, deps)).toEqual({ waiting: false });
    expect(completed).toEqual([{ decision: 'signed' }]);
  });

  it('stores the token on an open request and waits', async () => {
    const { participantId } = await participantNobodyIsRunning();
    await advanceCommitment({ participantId }, system.dependencies);
    expect(await awaitCommitment({ participantId, taskToken: 'token-2' }, system.dependencies)).toEqual({
      waiting: true,
    });
    expect(
      (await system.dependencies.store.requests.get(commitmentRequestId(participantId)))?.taskToken,
    ).toBe('token-2');
  });
});

describe('NotifyCommitmentOutcome', () => {
  it('copies the answer to the participant and emails each person once, even when run twice', async () => {
    const { participantId, seniorLeader, person } = await participantNobodyIsRunning();
    await advanceCommitment({ participantId }, system.dependencies);
    const [ask] = await mailbox(system).emailsTo(seniorLeader.email);
    await fetch(linkIn(ask as never), {
      method: 'POST',
      body: new URLSearchParams({
        decision: 'declined',
        signedBy: 'Kim Principal',
        role: 'Principal',
        reason: 'Ofsted week',
      }),
    });
    await notifyCommitmentOutcome({ participantId, outcome: 'declined' }, system.dependencies);
    await notifyCommitmentOutcome({ participantId, outcome: 'declined' }, system.dependencies);
    const record = await system.dependencies.store.participants.get(participantId);
    expect(record?.stage).toBe('commitment-declined');
    expect(record?.commitment?.reason).toBe('Ofsted week');
    expect(await mailbox(system).emailsTo(person.email)).toHaveLength(1);
  });

  it('an outcome email SES refused is taken back off the record: the retry sends it, once', async () => {
    const { participantId, seniorLeader } = await participantNobodyIsRunning();
    await expect(
      notifyCommitmentOutcome({ participantId, outcome: 'expired' }, sesRefusing(system.dependencies)),
    ).rejects.toThrow('Maximum sending rate exceeded');
    expect((await system.dependencies.store.participants.get(participantId))?.notified).toEqual({});
    await notifyCommitmentOutcome({ participantId, outcome: 'expired' }, system.dependencies);
    await notifyCommitmentOutcome({ participantId, outcome: 'expired' }, system.dependencies);
    const told = await mailbox(system).emailsTo(system.dependencies.settings.ADMIN_EMAIL);
    // Each participant's senior leader is their own: the admin's email names them.
    expect(told.filter((email) => JSON.stringify(email).includes(seniorLeader.email))).toHaveLength(1);
  });
});

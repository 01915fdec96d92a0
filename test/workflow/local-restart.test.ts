import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { DAY } from '../../functions/domain/time.js';
import type { LocalSystem } from '../../infra/local/system.js';
import { enrol, mailbox, startSystem, waitForState, waitForStatus } from '../support/local-system.js';
import { joiningInstructions, programmeCohort, readyForDayOne } from '../support/programme.js';

/**
 * `npm start` is durable like AWS: stopped and started again on the same folders, the local system has
 * the same clock, mailbox and executions, and every participant carries on from where they were.
 */
const root = mkdtempSync(join(tmpdir(), 'pd-accreditation-restart-'));
const start = () =>
  startSystem({ dataDir: join(root, 'dynamodb'), uploadsDir: join(root, 's3'), retryIntervalMs: 0 });
afterAll(() => rmSync(root, { recursive: true, force: true }));

type Execution = ReturnType<LocalSystem['stepFunctions']['describeExecution']>;
const asItWas = ({ executionArn, name, input, status, startDate, parked, historyEvents }: Execution) => ({
  executionArn,
  name,
  input,
  status,
  startDate,
  parkedIn: parked?.state,
  historyEvents,
});

it('keeps the clock, the mailbox and the executions; each participant carries on where they were', async () => {
  let system = await start();
  const north = await programmeCohort(system, 'restart-north');
  const south = await programmeCohort(system, 'restart-south', 7);
  const awaiting = await enrol(system, { email: 'awaiting@school.test' }, north.cohortId);
  await waitForState(system, awaiting.executionArn, 'AwaitCommitment');
  const readyNorth = await readyForDayOne(system, north.cohortId, 'ready-north@school.test');
  const readySouth = await readyForDayOne(system, south.cohortId, 'ready-south@school.test');
  const withdrawn = await enrol(system, { email: 'withdrawn@school.test' }, south.cohortId);
  await waitForState(system, withdrawn.executionArn, 'AwaitCommitment');
  await system.admin({
    command: 'withdraw-participant',
    participantId: withdrawn.participantId,
    reason: 'Moved school',
  });
  await waitForStatus(system, withdrawn.executionArn, 'SUCCEEDED');
  system.clock.advance(DAY);
  await system.stepFunctions.settled();

  const running = [awaiting, readyNorth, readySouth].map((who) => who.executionArn);
  const before = {
    now: system.clock.now(),
    emails: await mailbox(system).all(),
    executions: system.stepFunctions.listExecutions().map(asItWas),
  };
  expect(before.executions.map((e) => e.parkedIn)).toEqual([
    'AwaitCommitment',
    'AtDevelopmentDay',
    'AtDevelopmentDay',
    undefined,
  ]);
  await system.stop();

  system = await start();
  try {
    expect(system.clock.now().getTime()).toBeGreaterThanOrEqual(before.now.getTime());
    for (const arn of running)
      await waitForState(system, arn, before.executions.find((e) => e.executionArn === arn)?.parkedIn ?? '');
    await system.stepFunctions.settled();

    const after = system.stepFunctions.listExecutions().map(asItWas);
    expect(after).toEqual(
      before.executions.map((e) =>
        e.status === 'RUNNING' ? { ...e, historyEvents: expect.any(Number) } : e,
      ),
    );
    // The revival's rerun adds to the history it carried on from.
    for (const [i, e] of after.entries())
      expect(e.historyEvents).toBeGreaterThanOrEqual(before.executions[i]?.historyEvents ?? Infinity);
    // A finished execution's name stays taken.
    expect(() =>
      system.stepFunctions.startExecution(
        system.stateMachineArn,
        withdrawn.participantId,
        before.executions[3]?.input,
      ),
    ).toThrow(expect.objectContaining({ name: 'ExecutionAlreadyExists' }));
    // Nothing was sent again, and nothing was lost.
    expect(await mailbox(system).all()).toEqual(before.emails);

    // Moving the clock on brings each one's next email.
    system.clock.advance(4 * DAY);
    await mailbox(system).waitForEmail(awaiting.leader, /^Reminder: Please confirm/);
    await joiningInstructions(system, north, readyNorth);
    await joiningInstructions(system, south, readySouth);
  } finally {
    await system.stop();
  }
});

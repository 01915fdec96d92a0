import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { participantIdFor } from '../../functions/domain/participant.js';
import { accreditedYearsExecution, programmeExecution } from '../../functions/lifecycle/execution.js';
import type { LocalSystem } from '../../infra/local/system.js';
import { parkedIn } from '../support/accredited-years.js';
import { recordedExecution, startTestSystem, waitForState } from '../support/local-system.js';
import { programmeCohort } from '../support/programme.js';
import { participantRecord } from '../support/records.js';

/**
 * resume-participant on the real ASL: a participant whose execution stopped (here: failed, the cause
 * since mended) gets a new one from the record, and the record names it.
 */
let system: LocalSystem;
beforeEach(async () => {
  system = await startTestSystem();
});
afterEach(() => system.stop());

const resume = (participantId: string) =>
  system.admin({ command: 'resume-participant', participantId }) as Promise<{
    execution: { workflow: string; name: string };
    alreadyRunning: boolean;
  }>;

const signed = {
  decision: 'signed',
  signedBy: 'Sam Okafor',
  role: 'Head teacher',
  answeredAt: '2027-01-01T09:00:00.000Z',
  textVersion: 'v1',
  ipAddress: '127.0.0.1',
  userAgent: 'test',
} as const;

describe('resume-participant', () => {
  it('failed in the programme, the cause mended: the next generation starts, even after a failed start, and once only', async () => {
    // Their cohort is missing, so the programme's first step fails and the execution ends at LifecycleFailed.
    const cohortId = 'resume-programme';
    const email = 'stranded@school.test';
    const participantId = participantIdFor(cohortId, email);
    await participantRecord(system, cohortId, email, {
      stage: 'ready-for-development-days',
      commitment: signed,
      execution: { workflow: 'ParticipantLifecycle', name: participantId },
    });
    const failed = system.stepFunctions.startExecution(
      system.stateMachineArn,
      participantId,
      JSON.stringify({ participantId, cohortId }),
    );
    await failed.done;
    expect(failed.error).toBe('LifecycleFailed');
    await programmeCohort(system, cohortId);

    vi.spyOn(system.dependencies.workflow, 'startExecution').mockRejectedValueOnce(
      new Error('Rate exceeded'),
    );
    await expect(resume(participantId)).rejects.toThrow('Rate exceeded');
    const next = programmeExecution(participantId, cohortId, 2);
    expect(await resume(participantId)).toMatchObject({ execution: next, alreadyRunning: false });
    const running = await recordedExecution(system, participantId);
    expect(running.name).toBe(next.name);
    expect(JSON.parse(running.input)).toMatchObject({ participantId, cohortId, generation: 2 });
    await waitForState(system, running.executionArn, 'AtDevelopmentDay');
    expect(running.statesEntered).not.toContain('AwaitCommitment');

    expect(await resume(participantId)).toEqual({
      command: 'resume-participant',
      participantId,
      execution: next,
      alreadyRunning: true,
    });
    expect(system.stepFunctions.listExecutions().filter((e) => e.status === 'RUNNING')).toHaveLength(1);
  });

  it('failed in the accredited years, the cause mended: accredited years in a series of their own', async () => {
    const cohort = await programmeCohort(system, 'resume-years');
    const email = 'stranded-lead@school.test';
    const participantId = participantIdFor(cohort.cohortId, email);
    const first = accreditedYearsExecution(participantId, 1);
    // Accredited on the record, but the accreditation itself is missing: the years fail at once.
    await participantRecord(system, cohort.cohortId, email, { stage: 'accredited', execution: first });
    const failed = system.stepFunctions.startExecution(
      system.stateMachineArns.AccreditedYears,
      first.name,
      JSON.stringify({ participantId }),
    );
    await failed.done;
    expect(failed.error).toBe('AccreditedYearsFailed');
    await system.dependencies.store.participants.recordAccreditation(participantId, {
      verificationCode: 'TEST-0000-0002',
      accreditedAt: system.clock.now().toISOString(),
      listedInDirectory: false,
    });

    const { execution } = await resume(participantId);
    expect(execution.workflow).toBe('AccreditedYears');
    expect(execution.name).toMatch(new RegExp(`^${participantId}-resumed-[0-9a-f]{8}-1$`));
    const running = await parkedIn(system, participantId, 'Accredited');
    expect((await recordedExecution(system, participantId)).executionArn).toBe(running.executionArn);
    // Its hand-over stays in its own series.
    expect(JSON.parse(running.input)).toMatchObject({
      generation: 1,
      series: expect.stringMatching(/^resumed-[0-9a-f]{8}$/),
    });
  });
});

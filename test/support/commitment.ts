import { expect, vi } from 'vitest';
import { commitmentRequestId } from '../../functions/domain/request.js';
import type { LocalSystem } from '../../infra/local/system.js';
import { readWorkflow } from '../../workflows/definitions.js';
import { enrol, linkIn, mailbox, waitForStatus } from './local-system.js';

/** The senior leader's answer that signs the commitment, as the form posts it. */
export const sign = { decision: 'signed', signedBy: 'Sam Okafor', role: 'Head teacher', agree: 'yes' };

/** Enrols a participant and returns the ask their senior leader was emailed, its link and its request. */
export async function askedToCommit(system: LocalSystem, email: string) {
  const enrolled = await enrol(system, { email });
  const ask = await mailbox(system).waitForEmail(enrolled.leader, /^Please confirm your support for/);
  return { ...enrolled, ask, link: linkIn(ask), requestId: commitmentRequestId(enrolled.participantId) };
}

/**
 * Signing ends the commitment gate at ReadyForDevelopmentDays. While that state ends the lifecycle the
 * execution must succeed there; once the ASL carries on into the programme, it must pass through it
 * and keep going without failing. Read from the ASL itself, so this follows the one source of truth.
 */
const readyForDevelopmentDays = (
  JSON.parse(readWorkflow('ParticipantLifecycle')) as { States: Record<string, { Type: string }> }
).States.ReadyForDevelopmentDays;

export async function expectPastCommitmentGate(system: LocalSystem, executionArn: string) {
  expect(readyForDevelopmentDays).toBeDefined();
  await vi.waitFor(
    () => {
      const { statesEntered, status } = system.stepFunctions.describeExecution(executionArn);
      if (!statesEntered.includes('ReadyForDevelopmentDays'))
        throw new Error(
          `Execution is ${status} at ${statesEntered.at(-1)}, not past ReadyForDevelopmentDays`,
        );
    },
    { timeout: 10_000, interval: 20 },
  );
  if (readyForDevelopmentDays?.Type === 'Succeed') {
    await waitForStatus(system, executionArn, 'SUCCEEDED');
    expect(system.stepFunctions.describeExecution(executionArn).statesEntered.at(-1)).toBe(
      'ReadyForDevelopmentDays',
    );
  } else {
    const { status, statesEntered } = system.stepFunctions.describeExecution(executionArn);
    expect(status).not.toBe('FAILED');
    expect(statesEntered).not.toContain('LifecycleFailed');
    expect(statesEntered).not.toContain('CommitmentDeclined');
  }
}

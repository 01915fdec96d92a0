import { commitmentRequestId } from '../domain/request.js';
import { wakeParticipant } from '../lifecycle/wake.js';
import type { Dependencies } from '../shared/dependencies.js';
import type { AdminResult } from './admin-commands.js';
import { AdminCommandRejected, type Command } from './command.js';

/**
 * Ends the participant's lifecycle cleanly: no more emails; the record says why. Run again (a retry after
 * a failure part-way), it keeps the first withdrawal and finishes telling the waiting execution.
 */
export async function withdrawParticipant(
  command: Command<'withdraw-participant'>,
  deps: Dependencies,
): Promise<AdminResult> {
  const participant = await deps.store.participants.get(command.participantId);
  if (!participant) throw new AdminCommandRejected(`No participant "${command.participantId}"`);
  const { participantId } = participant;
  const withdrawal = { reason: command.reason, at: deps.clock.now().toISOString() };
  if (!participant.withdrawal)
    await deps.store.participants.change(
      participantId,
      { withdrawal, stage: 'withdrawn' },
      'attribute_exists(PK) AND attribute_not_exists(withdrawal)',
    );
  await wakeParticipant(participantId, deps);
  // Still waiting for the senior leader: that wait's token is on the commitment request, and the
  // senior leader's link now says the request has closed.
  const ask = await deps.store.requests.get(commitmentRequestId(participantId));
  if (ask && ask.status !== 'answered') {
    await deps.store.requests.expire(ask.requestId);
    if (ask.taskToken) await deps.workflow.completeTask(ask.taskToken, { decision: 'withdrawn' });
  }
  return {
    command: 'withdraw-participant',
    participantId,
    alreadyWithdrawn: Boolean(participant.withdrawal),
  };
}

import { commitmentRequestId } from '../domain/request.js';
import { wakeParticipant } from '../lifecycle/wake.js';
import type { Dependencies } from '../shared/dependencies.js';
import type { AdminResult } from './admin-commands.js';
import { type Command, participantFor } from './command.js';

/** Ends the participant's lifecycle cleanly: no more emails; the record says why. */
export async function withdrawParticipant(
  command: Command<'withdraw-participant'>,
  deps: Dependencies,
): Promise<AdminResult> {
  const participant = await participantFor(command.participantId, deps);
  await deps.store.changeParticipant(participant.participantId, {
    withdrawal: { reason: command.reason, at: deps.clock.now().toISOString() },
    stage: 'withdrawn',
  });
  await wakeParticipant(participant.participantId, deps);
  // Still waiting for the senior leader: that wait's token is on the commitment request, and the
  // senior leader's link now says the request has closed.
  const ask = await deps.store.getRequest(commitmentRequestId(participant.participantId));
  if (ask && (await deps.store.expireRequest(ask.requestId)) && ask.taskToken)
    await deps.workflow.completeTask(ask.taskToken, { decision: 'withdrawn' });
  return { command: 'withdraw-participant', participantId: participant.participantId };
}

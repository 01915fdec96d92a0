import type { Participant } from '../domain/participant.js';
import type { Dependencies } from '../shared/dependencies.js';

/**
 * Tells a participant's waiting execution to look again now; true if a parked wait took it. Call it after
 * any change recorded on the participant (which bumps their revision): if the execution is between steps
 * and has no token parked yet, the revision check in AwaitChange catches the change instead, so no
 * wake-up is ever lost.
 */
export async function wakeParticipant(participantId: string, deps: Dependencies) {
  return wakeWaiting(await deps.store.participants.get(participantId), deps);
}

/**
 * The same, from the record as a change wrote it (its `waitToken` is the wait parked at that instant; a
 * later one parks only if the revision is unchanged, so it sees the change itself): no second read.
 */
export async function wakeWaiting(participant: Participant | undefined, { workflow }: Dependencies) {
  if (!participant?.waitToken) return false;
  return (await workflow.completeTask(participant.waitToken, { woken: true })) === 'completed';
}

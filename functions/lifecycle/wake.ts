import type { Dependencies } from '../shared/dependencies.js';

/**
 * Tells a participant's waiting execution to look again now; true if a parked wait took it. Call it after
 * any change recorded on the participant (which bumps their revision): if the execution is between steps
 * and has no token parked yet, the revision check in AwaitChange catches the change instead, so no
 * wake-up is ever lost.
 */
export async function wakeParticipant(participantId: string, { store, workflow }: Dependencies) {
  const participant = await store.participants.get(participantId);
  if (!participant?.waitToken) return false;
  return (await workflow.completeTask(participant.waitToken, { woken: true })) === 'completed';
}

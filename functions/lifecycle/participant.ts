import type { AccreditationStore } from '../data/store.js';
import type { Participant } from '../domain/participant.js';

/** A step for a participant who is not in the table is a bug upstream: fail loudly so the execution's Catch sees it. */
export class ParticipantNotFound extends Error {
  override name = 'ParticipantNotFound';
}

export async function loadParticipant(
  store: AccreditationStore,
  participantId: string,
): Promise<Participant> {
  return found(await store.participants.get(participantId), participantId);
}

/** The participant as read, or ParticipantNotFound. */
export function found(participant: Participant | undefined, participantId: string): Participant {
  if (!participant) throw new ParticipantNotFound(`No participant ${participantId}`);
  return participant;
}

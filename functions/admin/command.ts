import type { Participant } from '../domain/participant.js';
import { wakeParticipant } from '../lifecycle/wake.js';
import type { Dependencies } from '../shared/dependencies.js';
import type { AdminCommand } from './admin-commands.js';

/**
 * A command the data says no to: answered with a reason, never half-done. The reason names people by
 * id only (`participant p-…`), never by name or address: it is the Lambda's error, so it reaches the logs.
 */
export class AdminCommandRejected extends Error {
  override name = 'AdminCommandRejected';
}

/** How a rejection names a participant: by id, which the admin gave and the console and logs show. */
export const participantNamed = ({ participantId }: { participantId: string }) =>
  `Participant ${participantId}`;

export type Command<C extends AdminCommand['command']> = Extract<AdminCommand, { command: C }>;

export async function participantFor(participantId: string, { store }: Dependencies) {
  const participant = await store.participants.get(participantId);
  if (!participant) throw new AdminCommandRejected(`No participant "${participantId}"`);
  if (participant.withdrawal)
    throw new AdminCommandRejected(`${participantNamed(participant)} has been withdrawn`);
  return participant;
}

/** How many waits a change woke, and who had none to wake (no wait parked, or its token already spent). */
export interface Woken {
  waitsWoken: number;
  notWoken: { participantId: string; name: string }[];
}

/** Wakes each participant's waiting execution, saying whom it could not. */
export async function wakeEach(participants: Participant[], deps: Dependencies): Promise<Woken> {
  const woken: Woken = { waitsWoken: 0, notWoken: [] };
  for (const { participantId, person } of participants)
    if (await wakeParticipant(participantId, deps)) woken.waitsWoken += 1;
    else woken.notWoken.push({ participantId, name: person.name });
  return woken;
}

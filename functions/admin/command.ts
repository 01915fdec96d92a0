import type { Dependencies } from '../shared/dependencies.js';
import type { AdminCommand } from './admin-commands.js';

/** A command the data says no to: answered with a reason, never half-done. */
export class AdminCommandRejected extends Error {
  override name = 'AdminCommandRejected';
}

export type Command<C extends AdminCommand['command']> = Extract<AdminCommand, { command: C }>;

export async function participantFor(participantId: string, { store }: Dependencies) {
  const participant = await store.getParticipant(participantId);
  if (!participant) throw new AdminCommandRejected(`No participant "${participantId}"`);
  if (participant.withdrawal) throw new AdminCommandRejected(`${participant.person.name} has been withdrawn`);
  return participant;
}

import type { WaitingListEntry } from '../domain/waiting-list.js';
import type { Dependencies } from '../shared/dependencies.js';
import type { AdminResult } from './admin-commands.js';
import type { Command } from './command.js';

/** One line of the list for the admin: who, since when, and what became of them. */
export type ListedEntry = Pick<WaitingListEntry, 'entryId' | 'status' | 'joinedAt' | 'participantId'> & {
  name: string;
  email: string;
  school: string;
  invitedTo?: string;
  invitationExpiresAt?: string;
};

/** A pathway's waiting list in the order people joined, with each one's status. */
export async function waitlistList(
  command: Command<'waitlist-list'>,
  { store }: Dependencies,
): Promise<AdminResult> {
  const entries = await store.waitingList.list(command.programmeId, command.pathway);
  return {
    command: 'waitlist-list',
    entries: entries.map((e) => ({
      entryId: e.entryId,
      name: e.person.name,
      email: e.person.email,
      school: e.school,
      status: e.status,
      ...(e.joinedAt ? { joinedAt: e.joinedAt } : {}),
      ...(e.invitation
        ? { invitedTo: e.invitation.cohortId, invitationExpiresAt: e.invitation.expiresAt }
        : {}),
      ...(e.participantId ? { participantId: e.participantId } : {}),
    })),
  };
}

import type { RequestsRead } from '../data/store.js';
import type { Participant } from '../domain/participant.js';
import { ensureRequest, mintLink } from '../lifecycle/asks.js';
import type { Dependencies } from '../shared/dependencies.js';

/** One per accredited year: the first comes with accreditation, each later one with re-registration. */
export const directoryEntryRequestId = (participantId: string, accreditedYear = 0) =>
  `directory-entry-${participantId}${accreditedYear ? `-year-${accreditedYear}` : ''}`;

/**
 * A directory entry can be changed for a year on the same link: no reminders, since being listed is
 * the lead's choice, not something we chase. Each re-registration offers a fresh link for the next year.
 */
const directoryEntryLadder = { reminderAfterDays: [], expiresAfterDays: 365 };

/**
 * The accredited lead's link to choose whether (and how) they appear in the public directory. Safe to
 * call again: the request is created once, and each call mints one more link to it. `read`: the request
 * as the caller's look read it, if it did.
 */
export async function offerDirectoryEntry(
  participant: Participant,
  deps: Dependencies,
  accreditedYear = 0,
  read?: RequestsRead,
): Promise<string> {
  const request = await ensureRequest(
    {
      requestId: directoryEntryRequestId(participant.participantId, accreditedYear),
      kind: 'directory-entry',
      participantId: participant.participantId,
      recipient: participant.person,
    },
    directoryEntryLadder,
    deps,
    undefined,
    read,
  );
  return mintLink(request, participant.person.email, deps);
}

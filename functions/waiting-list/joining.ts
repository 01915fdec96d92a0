import type { Pathway } from '../domain/pathway.js';
import type { Request } from '../domain/request.js';
import {
  type Applicant,
  confirmationRequestId,
  entryIdFor,
  type WaitingListEntry,
} from '../domain/waiting-list.js';
import { confirmJoiningEmail } from '../email/waiting-list-emails.js';
import { chase, ensureRequest } from '../lifecycle/asks.js';
import { programmeById } from '../programmes/index.js';
import type { Dependencies } from '../shared/dependencies.js';
import { wakeInvitationsFor } from './invitations.js';

/** How long the emailed confirmation of joining works. */
export const CONFIRM_WITHIN_DAYS = 7;

function newEntry(
  programmeId: string,
  pathway: Pathway,
  applicant: Applicant,
  now: Date,
  status: 'waiting' | 'unconfirmed',
): WaitingListEntry {
  return {
    entryId: entryIdFor(programmeId, pathway, applicant.person.email),
    programmeId,
    pathway,
    ...applicant,
    status,
    registeredAt: now.toISOString(),
    ...(status === 'waiting' ? { joinedAt: now.toISOString() } : {}),
  };
}

/** The admin puts someone on the list (they vouch for the address): at the back, at once. */
export async function addToWaitingList(
  programmeId: string,
  pathway: Pathway,
  applicant: Applicant,
  deps: Dependencies,
): Promise<{ entryId: string; added: boolean }> {
  const entry = newEntry(programmeId, pathway, applicant, deps.clock.now(), 'waiting');
  const added = await deps.store.waitingList.join(entry);
  if (added) await wakeInvitationsFor(entry, deps);
  return { entryId: entry.entryId, added };
}

/**
 * Someone registers their interest on the public form: nothing more than an unconfirmed entry and an
 * email to the address given, with a link to confirm (double opt-in). Anyone already on the list is left
 * as they are and emailed nothing; at most one confirmation goes to an address a day.
 */
export async function registerInterest(
  programmeId: string,
  pathway: Pathway,
  applicant: Applicant,
  deps: Dependencies,
): Promise<void> {
  const now = deps.clock.now();
  const entry = newEntry(programmeId, pathway, applicant, now, 'unconfirmed');
  if (!(await deps.store.waitingList.join(entry))) return;
  const request = await ensureRequest(
    {
      requestId: confirmationRequestId(entry.entryId, now),
      kind: 'waiting-list-confirmation',
      waitingListEntryId: entry.entryId,
      recipient: { name: entry.person.name, email: entry.person.email },
    },
    { reminderAfterDays: [], expiresAfterDays: CONFIRM_WITHIN_DAYS },
    deps,
  );
  const programme = programmeById(programmeId);
  await chase(
    request,
    (link) => confirmJoiningEmail(entry, programme, link, new Date(request.expiresAt)),
    deps,
  );
}

/** The emailed link confirmed: on the list from now. False if they were not waiting to confirm. */
export async function confirmJoining(request: Request, deps: Dependencies): Promise<boolean> {
  const entry = await deps.store.waitingList.get(request.waitingListEntryId ?? '');
  if (!entry) return false;
  const now = deps.clock.now();
  const confirmed = await deps.store.waitingList.confirm(entry, now);
  await deps.store.requests.answer(
    request,
    { answeredAt: now.toISOString(), answeredBy: request.recipient.name },
    now,
  );
  if (confirmed) await wakeInvitationsFor(entry, deps);
  return confirmed;
}

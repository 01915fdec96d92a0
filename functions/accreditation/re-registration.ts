import { reRegistrationId, yearsReRegistered } from '../domain/accredited-years.js';
import type { Participant } from '../domain/participant.js';
import type { Dependencies } from '../shared/dependencies.js';

/** The contact details of the lead's latest re-registration, if they have re-registered at all. */
function latestContact(participant: Participant) {
  const latest = participant.progress[reRegistrationId(yearsReRegistered(participant))];
  return latest?.outcome === 're-registered' ? latest.contact : undefined;
}

/**
 * Makes the record and the directory follow the contact details of the latest re-registration (a new
 * address, a move to another organisation). The re-registration outcome is the truth: the form applies it
 * straight after recording it, and the accredited years' next step applies it again if anything stopped
 * the form part-way, so a change is never lost. Does nothing once they match.
 */
export async function followReRegisteredContact(participant: Participant, deps: Dependencies) {
  const contact = latestContact(participant);
  if (!contact) return false;
  const { person, school } = participant;
  if (person.name === contact.name && person.email === contact.email && school === contact.organisation)
    return false;
  // What the directory entry showed of the old details follows the move; the rest is the lead's to change.
  const entry = await deps.store.directory.get(participant.participantId);
  if (entry) {
    const moved = {
      organisation: entry.organisation === school ? contact.organisation : entry.organisation,
      contactEmail: entry.contactEmail === person.email ? contact.email : entry.contactEmail,
    };
    if (moved.organisation !== entry.organisation || moved.contactEmail !== entry.contactEmail)
      await deps.store.directory.save({ ...entry, ...moved, updatedAt: deps.clock.now().toISOString() });
  }
  await deps.store.participants.change(participant.participantId, {
    person: { name: contact.name, email: contact.email },
    school: contact.organisation,
  });
  return true;
}

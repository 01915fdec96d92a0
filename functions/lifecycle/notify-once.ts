import type { Participant } from '../domain/participant.js';
import type { EmailMessage } from '../email/message.js';
import type { Dependencies } from '../shared/dependencies.js';

/**
 * Sends `email` once per `key` for this participant, recording it on the participant record, so a rerun
 * (a retry, a restart, an early wake-up) never sends it again. `email` may decide there is nothing to send.
 * The record is the email's claim, written before it is sent (one write) and taken back if the send
 * fails; it leaves the revision as it is, so a look's own emails never send its wait back to look again.
 */
export async function notifyOnce(
  participant: Participant,
  key: string,
  email: () => EmailMessage | undefined | Promise<EmailMessage | undefined>,
  { store, mailer, clock }: Dependencies,
) {
  if (participant.notified[key]) return;
  const { participantId } = participant;
  const now = clock.now();
  const message = await email();
  if (!message) {
    await store.participants.markNotified(participantId, key, now);
    return;
  }
  await mailer.send(message, {
    take: () => store.participants.markNotified(participantId, key, now),
    release: () => store.participants.unmarkNotified(participantId, key, now),
  });
}

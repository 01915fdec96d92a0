import type { Participant } from '../domain/participant.js';
import type { EmailMessage } from '../email/message.js';
import type { Dependencies } from '../shared/dependencies.js';

/**
 * Sends `email` once per `key` for this participant, recording it on the participant record, so a rerun
 * (a retry, a restart, an early wake-up) never sends it again. `email` may decide there is nothing to send.
 */
export async function notifyOnce(
  participant: Participant,
  key: string,
  email: () => EmailMessage | undefined | Promise<EmailMessage | undefined>,
  deps: Dependencies,
) {
  if (participant.notified[key]) return;
  const message = await email();
  if (message) await deps.mailer.send(message, `${participant.participantId}#${key}`);
  await deps.store.participants.markNotified(participant.participantId, key, deps.clock.now());
}

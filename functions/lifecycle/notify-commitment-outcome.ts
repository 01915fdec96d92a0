import * as z from 'zod';
import { existingCommitment } from '../domain/commitment.js';
import type { Stage } from '../domain/participant.js';
import { commitmentRequestId } from '../domain/request.js';
import { noAsks, waitingFor } from '../domain/waiting.js';
import {
  commitmentDeclinedEmails,
  commitmentExpiredEmails,
  commitmentSignedEmails,
} from '../email/commitment-emails.js';
import { programmeById } from '../programmes/index.js';
import { composedFor } from '../shared/composition.js';
import type { Dependencies } from '../shared/dependencies.js';
import { idempotency } from '../shared/parts/idempotency.js';
import { mailer } from '../shared/parts/mailer.js';
import { store } from '../shared/parts/store.js';
import { defineTask } from '../shared/task-handler.js';
import { notifyOnce } from './notify-once.js';
import { loadParticipant } from './participant.js';
import { recordWaiting } from './record-waiting.js';

const Outcome = z.enum(['signed', 'declined', 'expired']);
type Outcome = z.infer<typeof Outcome>;

const stageAfter: Record<Outcome, Stage> = {
  signed: 'ready-for-development-days',
  declined: 'commitment-declined',
  expired: 'commitment-expired',
};

/**
 * Records the commitment outcome on the participant and tells the people who need to know, once each:
 * a restarted execution finds each email noted in `notified` and sends nothing.
 */
export async function notifyCommitmentOutcome(
  { participantId, outcome }: { participantId: string; outcome: Outcome },
  deps: Dependencies,
): Promise<{ stage: Stage }> {
  const { store, clock, settings } = deps;
  let participant = await loadParticipant(store, participantId);
  if (outcome !== 'expired' && !participant.commitment) {
    // The form answered the request first; copy that answer onto the participant, the record of truth.
    const answer = existingCommitment(await store.requests.get(commitmentRequestId(participantId)));
    if (!answer) throw new Error(`No recorded answer for ${participantId}`);
    await store.participants.recordCommitment(participantId, answer);
    participant = await loadParticipant(store, participantId);
  }
  const stage = stageAfter[outcome];
  if (participant.stage !== stage) await store.participants.setStage(participantId, stage);
  // Declined or expired, nothing more is awaited; once signed, the programme's first look records its wait.
  if (outcome !== 'signed')
    await recordWaiting(participant, waitingFor(participant, noAsks(), undefined, clock.now(), stage), deps);
  const notifiedKey = `commitment-${outcome}`;
  // Records from before each email was noted on its own note them all at once.
  if (participant.notified[notifiedKey]) return { stage };

  const programme = programmeById(participant.programmeId);
  const emails = {
    signed: () => commitmentSignedEmails(participant, programme),
    declined: () => commitmentDeclinedEmails(participant, programme, settings.ADMIN_EMAIL),
    expired: () => commitmentExpiredEmails(participant, programme, settings.ADMIN_EMAIL),
  }[outcome]();
  for (const [index, email] of emails.entries())
    await notifyOnce(participant, `${notifiedKey}#${index}`, () => email, deps);
  return { stage };
}

export const NotifyCommitmentOutcome = defineTask({
  name: 'NotifyCommitmentOutcome',
  input: z.object({ participantId: z.string().min(1), outcome: Outcome }),
  run: notifyCommitmentOutcome,
});
export const handler = NotifyCommitmentOutcome.handler(
  composedFor('NotifyCommitmentOutcome', store, idempotency, mailer),
);

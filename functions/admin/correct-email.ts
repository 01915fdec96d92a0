import { isExpired, type RequestKind } from '../domain/request.js';
import type { Dependencies } from '../shared/dependencies.js';
import type { AdminResult } from './admin-commands.js';
import { askAgainNow, type Command, participantFor } from './command.js';

/** Which asks go to whom: the senior leader signs the commitment; the participant answers their own asks. */
const askedOf: Record<Command<'correct-email'>['whose'], ReadonlySet<RequestKind>> = {
  'senior-leader': new Set(['commitment']),
  participant: new Set(['submission', 'termly-feedback', 're-registration']),
};

/**
 * A corrected address (one that bounced, or that SES now suppresses): the record takes it, and every ask
 * still open for that person goes again at once, with a new link, to the new address; the deadlines and
 * reminders already sent stay as they were. The waiting execution is woken to send it.
 */
export async function correctEmail(
  command: Command<'correct-email'>,
  deps: Dependencies,
): Promise<AdminResult> {
  const participant = await participantFor(command.participantId, deps);
  const { participantId } = participant;
  const change =
    command.whose === 'participant'
      ? { person: { ...participant.person, email: command.email } }
      : { seniorLeader: { ...participant.seniorLeader, email: command.email } };
  await deps.store.participants.change(participantId, change);
  const now = deps.clock.now();
  const open = (await deps.store.requests.ofParticipant(participantId)).filter(
    (r) => askedOf[command.whose].has(r.kind) && !isExpired(r, now) && r.status === 'open',
  );
  const askedAgain = await askAgainNow(participantId, open, (r) => deps.store.requests.askAgain(r), deps);
  return { command: 'correct-email', participantId, askedAgain };
}

import { addressedTo, isExpired } from '../domain/request.js';
import type { Dependencies } from '../shared/dependencies.js';
import { askAgainNow, type Command, participantFor } from './command.js';

/**
 * The current ask goes again, with a fresh link, to whoever is awaited (the senior leader, the
 * participant or the cohort lead): same deadline, same reminders. Each run sends it once more.
 */
export async function resendLink(command: Command<'resend-link'>, deps: Dependencies) {
  const participant = await participantFor(command.participantId, deps);
  const now = deps.clock.now();
  const open = (await deps.store.requests.ofParticipant(participant.participantId)).filter(
    (r) => r.status === 'open' && !isExpired(r, now),
  );
  const resent = await askAgainNow(
    participant.participantId,
    open,
    (requestId) => deps.store.requests.resend(requestId),
    deps,
  );
  return {
    command: 'resend-link' as const,
    participantId: participant.participantId,
    resent: open
      .filter((r) => resent.includes(r.requestId))
      .map((r) => ({ requestId: r.requestId, kind: r.kind, to: addressedTo[r.kind] })),
  };
}

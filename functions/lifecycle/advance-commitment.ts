import * as z from 'zod';
import { existingCommitment } from '../domain/commitment.js';
import type { CommitmentDecision } from '../domain/participant.js';
import { commitmentRequestId, secondsUntil } from '../domain/request.js';
import { noAsks, waitingFor } from '../domain/waiting.js';
import { commitmentRequestEmail } from '../email/commitment-emails.js';
import { programmeById } from '../programmes/index.js';
import { composedFor } from '../shared/composition.js';
import type { Dependencies } from '../shared/dependencies.js';
import { idempotency } from '../shared/parts/idempotency.js';
import { mailer } from '../shared/parts/mailer.js';
import { store } from '../shared/parts/store.js';
import { defineTask } from '../shared/task-handler.js';
import { chase, requestToChase } from './asks.js';
import { found } from './participant.js';
import { recordWaiting } from './record-waiting.js';

/** `waitSeconds` is how long the execution should wait for an answer; 0 once there is nothing to wait for. */
export interface CommitmentProgress {
  decision: CommitmentDecision | 'expired' | 'pending' | 'withdrawn';
  waitSeconds: number;
}

/**
 * Moves the senior-leader commitment forward by whatever is due now: the first ask, a reminder, or
 * expiry. Safe to run any number of times: it reads what is already done and does only the rest.
 */
export async function advanceCommitment(
  { participantId }: { participantId: string },
  deps: Dependencies,
): Promise<CommitmentProgress> {
  const requestId = commitmentRequestId(participantId);
  // The record and its ask, read at once.
  const look = await deps.store.look({ participantId, requestIds: [requestId] });
  const participant = found(look.participant, participantId);
  if (participant.withdrawal) {
    await recordWaiting(participant, waitingFor(participant, noAsks(), undefined, deps.clock.now()), deps);
    return { decision: 'withdrawn', waitSeconds: 0 };
  }
  const existing = look.requests.get(requestId);
  const answer = participant.commitment ?? existingCommitment(existing);
  if (answer) return { decision: answer.decision, waitSeconds: 0 };

  const programme = programmeById(participant.programmeId);
  const { seniorLeader } = participant;
  const { request, stored } = await requestToChase(
    {
      requestId,
      kind: 'commitment',
      participantId,
      recipient: { name: seniorLeader.name, email: seniorLeader.email },
    },
    programme.commitment.ladder,
    deps,
    undefined,
    look.requests,
  );
  const deadline = new Date(request.expiresAt);
  const now = deps.clock.now();
  const progress = await chase(
    request,
    (link, reminder) => commitmentRequestEmail({ participant, programme, link, deadline }, reminder),
    deps,
    stored,
  );
  if (progress.state === 'open') {
    const asks = { ...noAsks(), open: [request] };
    await recordWaiting(participant, waitingFor(participant, asks, undefined, now), deps);
    return { decision: 'pending', waitSeconds: secondsUntil(progress.nextAt, now) };
  }
  if (progress.state === 'expired') return { decision: 'expired', waitSeconds: 0 };
  const answered = existingCommitment(await deps.store.requests.get(requestId));
  return { decision: answered?.decision ?? 'expired', waitSeconds: 0 };
}

export const AdvanceCommitment = defineTask({
  name: 'AdvanceCommitment',
  input: z.object({ participantId: z.string().min(1) }),
  run: advanceCommitment,
});
export const handler = AdvanceCommitment.handler(
  composedFor('AdvanceCommitment', store, idempotency, mailer),
);

import { z } from 'zod';
import type { CommitmentDecision, Participant } from '../domain/participant.js';
import {
  commitmentRequestId,
  hashLinkSecret,
  isExpired,
  newLinkSecret,
  newRequest,
  nextReminderAt,
  type Request,
  secondsUntilNextChase,
} from '../domain/request.js';
import { commitmentRequestEmail } from '../email/commitment-emails.js';
import { programmeById } from '../programmes/index.js';
import type { Dependencies } from '../shared/dependencies.js';
import { defineTask } from '../shared/task-handler.js';
import { loadParticipant } from './participant.js';

/** `waitSeconds` is how long the execution should wait for an answer; 0 once there is nothing to wait for. */
export interface CommitmentProgress {
  decision: CommitmentDecision | 'expired' | 'pending';
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
  const { store, clock } = deps;
  const participant = await loadParticipant(store, participantId);
  const requestId = commitmentRequestId(participantId);
  let request = await store.getRequest(requestId);
  const answer = participant.commitment ?? request?.answer;
  if (answer) return { decision: answer.decision, waitSeconds: 0 };

  const now = clock.now();
  if (!request) {
    const { ladder } = programmeById(participant.programmeId).commitment;
    const recipient = { name: participant.seniorLeader.name, email: participant.seniorLeader.email };
    await store.createRequest(newRequest('commitment', participantId, recipient, ladder, now));
    request = await store.getRequest(requestId);
    if (!request) throw new Error(`Request ${requestId} vanished after creation`);
  }

  if (isExpired(request, now)) {
    if (await store.expireRequest(requestId)) return { decision: 'expired', waitSeconds: 0 };
    // Answered in the instant between our read and the expiry: the answer wins.
    const latest = await store.getRequest(requestId);
    return { decision: latest?.answer?.decision ?? 'expired', waitSeconds: 0 };
  }

  if (!request.invitedAt) {
    await emailAsk(participant, request, 0, deps);
    await store.markInvited(requestId, now);
  } else {
    const reminderDue = nextReminderAt(request);
    if (reminderDue && now >= reminderDue) {
      const number = request.remindersSent + 1;
      await emailAsk(participant, request, number, deps);
      await store.markReminderSent(requestId, number);
      request = { ...request, remindersSent: number };
    }
  }
  return { decision: 'pending', waitSeconds: secondsUntilNextChase(request, now) };
}

/** Each email gets a fresh link; any of them opens the form until the request is answered or expires. */
async function emailAsk(participant: Participant, request: Request, reminder: number, deps: Dependencies) {
  const secret = newLinkSecret();
  await deps.store.createLink({
    linkHash: hashLinkSecret(secret),
    requestId: request.requestId,
    createdAt: deps.clock.now().toISOString(),
    expiresAt: request.expiresAt,
  });
  const email = commitmentRequestEmail(
    {
      participant,
      programme: programmeById(participant.programmeId),
      link: new URL(`r/${secret}`, withTrailingSlash(deps.settings.FORMS_BASE_URL)).toString(),
      deadline: new Date(request.expiresAt),
    },
    reminder,
  );
  // Keyed by the ask, not the link: a retry mints a new link but never sends a second email.
  await deps.mailer.send(email, `${request.requestId}#ask#${reminder}`);
}

const withTrailingSlash = (url: string) => (url.endsWith('/') ? url : `${url}/`);

export const AdvanceCommitment = defineTask({
  name: 'AdvanceCommitment',
  input: z.object({ participantId: z.string().min(1) }),
  run: advanceCommitment,
});
export const handler = AdvanceCommitment.handler();

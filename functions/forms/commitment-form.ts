import { createHash } from 'node:crypto';
import type { APIGatewayProxyResult } from 'aws-lambda';
import { CommitmentAnswer, type CommitmentFormValues, toCommitment } from '../domain/commitment.js';
import type { Participant } from '../domain/participant.js';
import { hashLinkSecret, isExpired, LinkSecret, type Request } from '../domain/request.js';
import { programmeById } from '../programmes/index.js';
import type { Dependencies } from '../shared/dependencies.js';
import {
  alreadyAnsweredPage,
  answerRecordedPage,
  commitmentFormPage,
  expiredLinkPage,
  unknownLinkPage,
} from './pages.js';

type LinkState =
  | { state: 'unknown' }
  | { state: 'expired' }
  | { state: 'answered'; request: Request }
  | { state: 'open'; request: Request; participant: Participant };

/** What an emailed link leads to right now. Malformed secrets never reach the database. */
async function followLink(secret: string, { store, clock }: Dependencies): Promise<LinkState> {
  if (!LinkSecret.safeParse(secret).success) return { state: 'unknown' };
  const link = await store.getLink(hashLinkSecret(secret));
  const request = link && (await store.getRequest(link.requestId));
  if (!request) return { state: 'unknown' };
  if (request.answer) return { state: 'answered', request };
  if (isExpired(request, clock.now())) return { state: 'expired' };
  const participant = await store.getParticipant(request.participantId);
  if (!participant) return { state: 'unknown' };
  return { state: 'open', request, participant };
}

function pageFor(link: Exclude<LinkState, { state: 'open' }>): APIGatewayProxyResult {
  switch (link.state) {
    case 'unknown':
      return unknownLinkPage();
    case 'expired':
      return expiredLinkPage();
    case 'answered':
      // biome-ignore lint/style/noNonNullAssertion: an answered request always carries its answer
      return alreadyAnsweredPage(link.request.answer!);
  }
}

/** GET: only ever shows a page. Mail scanners that prefetch links change nothing. */
export async function showCommitmentForm(secret: string, deps: Dependencies): Promise<APIGatewayProxyResult> {
  const link = await followLink(secret, deps);
  if (link.state !== 'open') return pageFor(link);
  const programme = programmeById(link.participant.programmeId);
  return commitmentFormPage(link.participant, programme, new Date(link.request.expiresAt));
}

export interface PostedAnswer {
  secret: string;
  fields: CommitmentFormValues;
  ipAddress: string;
  userAgent: string;
}

/**
 * POST: validates, records the answer on the request (one conditional write: the first answer wins),
 * copies it to the participant record, then wakes the waiting execution.
 */
export async function answerCommitment(
  posted: PostedAnswer,
  deps: Dependencies,
): Promise<APIGatewayProxyResult> {
  const link = await followLink(posted.secret, deps);
  if (link.state !== 'open') return pageFor(link);
  const { request, participant } = link;
  const programme = programmeById(participant.programmeId);

  const parsed = CommitmentAnswer.safeParse(posted.fields);
  if (!parsed.success) {
    return commitmentFormPage(
      participant,
      programme,
      new Date(request.expiresAt),
      posted.fields,
      formErrors(posted.fields),
    );
  }

  const now = deps.clock.now();
  const commitment = toCommitment(parsed.data, {
    answeredAt: now,
    textVersion: programme.commitment.textVersion,
    ipAddress: posted.ipAddress,
    userAgent: posted.userAgent,
  });
  const answered = await deps.store.answerRequest(request.requestId, commitment, now);
  if (!answered) {
    // Someone else answered, or it expired, in the moment since we looked.
    const latest = await followLink(posted.secret, deps);
    return latest.state === 'open' ? expiredLinkPage() : pageFor(latest);
  }
  await deps.store.recordCommitment(participant.participantId, commitment);
  if (answered.taskToken)
    await deps.workflow.completeTask(answered.taskToken, { decision: commitment.decision });
  return answerRecordedPage(participant, commitment);
}

/**
 * Every problem with the form at once, worded for the person: when no choice was made we still check
 * the name and role, so they fix everything in one go.
 */
function formErrors(fields: CommitmentFormValues): Partial<Record<keyof CommitmentFormValues, string>> {
  const chosen = fields.decision === 'signed' || fields.decision === 'declined';
  const result = CommitmentAnswer.safeParse({
    ...fields,
    decision: chosen ? fields.decision : 'declined',
    reason: chosen ? fields.reason : 'x',
  });
  const errors: Partial<Record<keyof CommitmentFormValues, string>> = {};
  for (const issue of result.error?.issues ?? []) {
    const field = String(issue.path[0]) as keyof CommitmentFormValues;
    errors[field] ??= issue.message;
  }
  if (!chosen) errors.decision = 'Choose whether you can commit to supporting them';
  return errors;
}

/** The idempotency key of a POST: the same body to the same link is the same answer. */
export function postIdempotencyKey(posted: PostedAnswer): string {
  return createHash('sha256')
    .update(hashLinkSecret(posted.secret))
    .update(JSON.stringify(posted.fields))
    .digest('hex');
}

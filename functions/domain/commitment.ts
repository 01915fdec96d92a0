import * as z from 'zod';
import { type Commitment, PersonName } from './participant.js';
import type { Request } from './request.js';

const Role = z
  .string({ error: 'Enter your role, for example Head teacher' })
  .trim()
  .min(1, 'Enter your role, for example Head teacher')
  .max(100, 'Role must be 100 characters or fewer')
  .regex(/^[^<>]*$/, 'Role must not contain < or >');

/** What the commitment form posts. Signing needs the tick; declining needs a reason. */
export const CommitmentAnswer = z.discriminatedUnion('decision', [
  z.object({
    decision: z.literal('signed'),
    signedBy: PersonName,
    role: Role,
    agree: z.literal('yes', { error: 'Tick the box to confirm you agree to support them' }),
  }),
  z.object({
    decision: z.literal('declined'),
    signedBy: PersonName,
    role: Role,
    reason: z
      .string({ error: 'Tell us why you cannot support them, so the programme team can help' })
      .trim()
      .min(1, 'Tell us why you cannot support them, so the programme team can help')
      .max(1000, 'Reason must be 1000 characters or fewer'),
  }),
]);
export type CommitmentAnswer = z.infer<typeof CommitmentAnswer>;

/** The form's fields before validation: what a page re-renders so nothing typed is lost. */
export type CommitmentFormValues = Partial<
  Record<'decision' | 'signedBy' | 'role' | 'agree' | 'reason', string>
>;

export function toCommitment(
  answer: CommitmentAnswer,
  evidence: { answeredAt: Date; textVersion: string; ipAddress: string; userAgent: string },
): Commitment {
  return {
    decision: answer.decision,
    signedBy: answer.signedBy,
    role: answer.role,
    ...(answer.decision === 'declined' ? { reason: answer.reason } : {}),
    answeredAt: evidence.answeredAt.toISOString(),
    textVersion: evidence.textVersion,
    ipAddress: evidence.ipAddress,
    userAgent: evidence.userAgent.slice(0, 512),
  };
}

/** The senior leader's answer, if the form recorded one on the request. */
export const existingCommitment = (request?: Request): Commitment | undefined =>
  request?.kind === 'commitment' && request.answer && 'decision' in request.answer
    ? request.answer
    : undefined;

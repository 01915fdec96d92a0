import { createHash } from 'node:crypto';
import * as z from 'zod';
import { DaySchedule } from './cohort.js';
import { Applicant } from './waiting-list.js';

/**
 * An application to a cohort of a programme that takes them (functions/domain/programme.ts,
 * `ApplicationProcess`): sent on the public form and confirmed from the emailed link, then an interview
 * (a lesson observed by Maths Hub leads) with a calendar invite, then a Maths Hub lead's decision,
 * recorded with who and when. Accepted, the applicant is enrolled into the cohort.
 */
export const ApplicationStatus = z.enum([
  /** Sent on the public form, not yet confirmed from the emailed link. */
  'unconfirmed',
  'submitted',
  'interview-scheduled',
  'accepted',
  'declined',
]);

export const Application = Applicant.extend({
  applicationId: z.string(),
  cohortId: z.string(),
  programmeId: z.string(),
  status: ApplicationStatus,
  sentAt: z.iso.datetime(),
  /** The prerequisite the programme states, word for word, as the applicant confirmed it. */
  prerequisiteConfirmed: z.string().optional(),
  answers: z.record(z.string(), z.string()),
  /** When and where, and who observes; `sequence` moves on with each change, so the invite updates. */
  interview: DaySchedule.and(z.object({ observedBy: z.array(z.string().min(1)).min(1) })).optional(),
  decision: z
    .object({
      outcome: z.enum(['accepted', 'declined']),
      decidedBy: z.string(),
      decidedAt: z.iso.datetime(),
      reason: z.string().optional(),
    })
    .optional(),
  /** Once accepted: their participant record in the cohort. */
  participantId: z.string().optional(),
});
export type Application = z.infer<typeof Application>;

/** One application per person per cohort: sending the form twice lands on the same one. */
export function applicationIdFor(cohortId: string, email: string): string {
  const digest = createHash('sha256').update(`${cohortId}\n${email.trim().toLowerCase()}`).digest('hex');
  return `a-${digest.slice(0, 24)}`;
}

/** One confirmation email a day at most per application. */
export const applicationConfirmationId = (applicationId: string, now: Date) =>
  `application-confirmation-${applicationId}-${now.toISOString().slice(0, 10)}`;

import { createHash } from 'node:crypto';
import { z } from 'zod';
import { Pathway } from './programme.js';

/** Typed text from people: trimmed, bounded, and never allowed to smuggle markup into our pages or emails. */
export const PersonName = z
  .string({ error: 'Enter a name' })
  .trim()
  .min(1, 'Enter a name')
  .max(100, 'Name must be 100 characters or fewer')
  .regex(/^[^<>]*$/, 'Name must not contain < or >');

export const Person = z.object({
  name: PersonName,
  email: z.email('Enter an email address like name@school.org.uk').max(254),
});
export type Person = z.infer<typeof Person>;

export const SeniorLeader = Person.extend({
  /** Head teacher, principal, CEO … as given by the admin; the signer confirms their own role on the form. */
  role: z.string().trim().max(100).optional(),
});
export type SeniorLeader = z.infer<typeof SeniorLeader>;

export const Stage = z.enum([
  'awaiting-commitment',
  'commitment-declined',
  'commitment-expired',
  'ready-for-development-days',
]);
export type Stage = z.infer<typeof Stage>;

export const CommitmentDecision = z.enum(['signed', 'declined']);
export type CommitmentDecision = z.infer<typeof CommitmentDecision>;

/** What a senior leader answered, with enough evidence to stand up later. */
export const Commitment = z.object({
  decision: CommitmentDecision,
  signedBy: PersonName,
  role: z.string(),
  reason: z.string().optional(),
  answeredAt: z.iso.datetime(),
  textVersion: z.string(),
  ipAddress: z.string(),
  userAgent: z.string(),
});
export type Commitment = z.infer<typeof Commitment>;

export const Participant = z.object({
  participantId: z.string(),
  person: Person,
  school: z.string(),
  seniorLeader: SeniorLeader,
  programmeId: z.string(),
  pathway: Pathway,
  cohortId: z.string(),
  stage: Stage,
  enrolledAt: z.iso.datetime(),
  commitment: Commitment.optional(),
  /** Outcome emails already sent, by outcome, so a restarted execution never sends them again. */
  notified: z.record(z.string(), z.iso.datetime()).default({}),
});
export type Participant = z.infer<typeof Participant>;

/**
 * One participant per person per cohort: the id is derived from both, so enrolling twice
 * (a double click, a retried call) lands on the same record and the same execution.
 */
export function participantIdFor(cohortId: string, email: string): string {
  const digest = createHash('sha256')
    .update(`${cohortId}\n${email.trim().toLowerCase()}`)
    .digest('base64url');
  return `p-${digest
    .slice(0, 22)
    .toLowerCase()
    .replace(/[^a-z0-9]/g, 'x')}`;
}

import { z } from 'zod';
import type { Participant } from './participant.js';
import { Pathway } from './programme.js';

/**
 * An accredited lead's entry in the public directory: only what they chose to show. Absent fields are not
 * published; the programme and pathway are what being listed means.
 */
export const DirectoryEntry = z.object({
  participantId: z.string(),
  programmeId: z.string(),
  pathway: Pathway,
  displayName: z.string().min(1),
  organisation: z.string().optional(),
  region: z.string().optional(),
  contactEmail: z.string().optional(),
  offer: z.string().optional(),
  updatedAt: z.iso.datetime(),
});
export type DirectoryEntry = z.infer<typeof DirectoryEntry>;

/** Printed on a certificate: `XXXX-XXXX-XXXX`, upper-case hex, as advance-programme's verificationCodeFor makes it. */
export const VerificationCode = z.string().regex(/^[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4}$/);

/** Only a lead whose accreditation is current is in the directory: accredited, not lapsed, not withdrawn. */
export const mayBeListed = (participant: Participant | undefined): boolean =>
  participant?.stage === 'accredited' &&
  Boolean(participant.accreditation) &&
  !participant.lapse &&
  !participant.withdrawal;

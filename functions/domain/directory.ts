import { randomBytes } from 'node:crypto';
import * as z from 'zod';
import type { Participant } from './participant.js';
import { Pathway } from './pathway.js';

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

/**
 * What a verification code is drawn from: digits and capitals without 0, 1, I and O, which are misread
 * from paper. 32 characters, so a random byte's low five bits pick one without bias.
 */
const CODE_ALPHABET = '23456789ABCDEFGHJKLMNPQRSTUVWXYZ';

/**
 * Printed on a certificate: `XXXX-XXXX-XXXX`. Codes issued before they were random are upper-case hex
 * (0 and 1 included), and stay valid: they are stored on the record and the certificate item.
 */
export const VerificationCode = z.string().regex(/^[0-9A-HJ-NP-Z]{4}-[0-9A-HJ-NP-Z]{4}-[0-9A-HJ-NP-Z]{4}$/);

/** A new certificate's code: 60 random bits, so it cannot be worked out from anything about the lead. */
export function newVerificationCode(): string {
  const characters = [...randomBytes(12)].map((byte) => CODE_ALPHABET[byte % CODE_ALPHABET.length]);
  return [0, 4, 8].map((at) => characters.slice(at, at + 4).join('')).join('-');
}

/** Only a lead whose accreditation is current is in the directory: accredited, not lapsed, not withdrawn. */
export const mayBeListed = (participant: Participant | undefined): boolean =>
  participant?.stage === 'accredited' &&
  Boolean(participant.accreditation) &&
  !participant.lapse &&
  !participant.withdrawal;

import type { Participant } from '../domain/participant.js';
import type { ParticipantItems } from './participants.js';
import { keys, type Table } from './table.js';

/** Verification codes, each pointing at the lead it was issued to. */
export class CertificateItems {
  constructor(
    private readonly table: Table,
    private readonly participants: Pick<ParticipantItems, 'get'>,
  ) {}

  /**
   * Makes a certificate findable by its verification code, once; false if it already was. The participant
   * record stays the truth: `participantWith` checks the code on it.
   */
  record(verificationCode: string, participantId: string): Promise<boolean> {
    return this.table.create({ ...keys.certificate(verificationCode), type: 'certificate', participantId });
  }

  /** The accredited participant a verification code belongs to, if any. */
  async participantWith(verificationCode: string): Promise<Participant | undefined> {
    const certificate = await this.table.get(keys.certificate(verificationCode));
    if (typeof certificate?.participantId !== 'string') return undefined;
    const participant = await this.participants.get(certificate.participantId);
    return participant?.accreditation?.verificationCode === verificationCode ? participant : undefined;
  }
}

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

  /**
   * The lead's data was erased: the code no longer leads to anyone, but stays known as issued, so its
   * verify page can say it cannot be shown rather than that it is not ours.
   */
  async erase(verificationCode: string, at: Date): Promise<void> {
    await this.table.put({
      ...keys.certificate(verificationCode),
      type: 'certificate',
      erasedAt: at.toISOString(),
    });
  }

  async isErased(verificationCode: string): Promise<boolean> {
    return typeof (await this.table.get(keys.certificate(verificationCode)))?.erasedAt === 'string';
  }

  /** The accredited participant a verification code belongs to, if any. */
  async participantWith(verificationCode: string): Promise<Participant | undefined> {
    const certificate = await this.table.get(keys.certificate(verificationCode));
    if (typeof certificate?.participantId !== 'string') return undefined;
    const participant = await this.participants.get(certificate.participantId);
    return participant?.accreditation?.verificationCode === verificationCode ? participant : undefined;
  }
}

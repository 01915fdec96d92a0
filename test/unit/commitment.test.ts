import { describe, expect, it } from 'vitest';
import { CommitmentAnswer, toCommitment } from '../../functions/domain/commitment.js';
import { Commitment } from '../../functions/domain/participant.js';

const signed = { decision: 'signed', signedBy: 'Sam Okafor', role: 'Head teacher', agree: 'yes' };
const declined = { decision: 'declined', signedBy: 'Sam Okafor', role: 'Head teacher', reason: 'No cover' };

/** Field → message, as the form shows them. */
function errors(fields: Record<string, unknown>): Record<string, string> {
  const issues = CommitmentAnswer.safeParse(fields).error?.issues ?? [];
  return Object.fromEntries(issues.map((issue) => [issue.path.join('.'), issue.message]));
}

describe('CommitmentAnswer', () => {
  it('accepts a signature with the tick, trimming what was typed', () => {
    expect(CommitmentAnswer.parse({ ...signed, signedBy: ' Sam Okafor ', role: ' Head teacher ' })).toEqual(
      signed,
    );
  });

  it('signing needs the box ticked', () => {
    const tick = 'Tick the box to confirm you agree to support them';
    expect(errors({ ...signed, agree: undefined })).toEqual({ agree: tick });
    expect(errors({ ...signed, agree: 'no' })).toEqual({ agree: tick });
  });

  it('declining needs a reason, and not the tick', () => {
    const why = 'Tell us why you cannot support them, so the programme team can help';
    expect(CommitmentAnswer.parse(declined)).toEqual(declined);
    expect(errors({ ...declined, reason: '   ' })).toEqual({ reason: why });
    expect(errors({ ...declined, reason: undefined })).toEqual({ reason: why });
    expect(errors({ ...declined, reason: 'x'.repeat(1001) })).toEqual({
      reason: 'Reason must be 1000 characters or fewer',
    });
  });

  it('a reason given with a signature is not kept', () => {
    expect(CommitmentAnswer.parse({ ...signed, reason: 'ignored' })).not.toHaveProperty('reason');
  });

  it('names every problem at once, in words a person understands', () => {
    expect(errors({ decision: 'declined', signedBy: '', role: '<b>Head</b>' })).toEqual({
      signedBy: 'Enter a name',
      role: 'Role must not contain < or >',
      reason: 'Tell us why you cannot support them, so the programme team can help',
    });
    expect(errors({ decision: 'signed' })).toEqual({
      signedBy: 'Enter a name',
      role: 'Enter your role, for example Head teacher',
      agree: 'Tick the box to confirm you agree to support them',
    });
    for (const message of Object.values(errors({ decision: 'declined' }))) {
      expect(message).not.toMatch(/invalid|expected|received|undefined/i);
    }
  });

  it('rejects any decision other than signed or declined', () => {
    expect(CommitmentAnswer.safeParse({ ...signed, decision: 'maybe' }).success).toBe(false);
  });
});

describe('toCommitment', () => {
  const evidence = {
    answeredAt: new Date('2026-09-10T14:03:00.000Z'),
    textVersion: 'ncetm-pd-lead/commitment/2026-09',
    ipAddress: '203.0.113.7',
    userAgent: 'Mozilla/5.0 (Windows NT 10.0)',
  };

  it('keeps who signed, as what, when, from where, and which text they saw', () => {
    const commitment = toCommitment(CommitmentAnswer.parse(signed), evidence);
    expect(commitment).toEqual({
      decision: 'signed',
      signedBy: 'Sam Okafor',
      role: 'Head teacher',
      answeredAt: '2026-09-10T14:03:00.000Z',
      textVersion: 'ncetm-pd-lead/commitment/2026-09',
      ipAddress: '203.0.113.7',
      userAgent: 'Mozilla/5.0 (Windows NT 10.0)',
    });
    expect(Commitment.parse(commitment)).toEqual(commitment);
  });

  it('keeps the reason of a decline', () => {
    const commitment = toCommitment(CommitmentAnswer.parse(declined), evidence);
    expect(commitment.decision).toBe('declined');
    expect(commitment.reason).toBe('No cover');
  });

  it('truncates an overlong user agent to 512 characters', () => {
    const userAgent = `Mozilla/5.0 ${'x'.repeat(2_000)}`;
    const commitment = toCommitment(CommitmentAnswer.parse(signed), { ...evidence, userAgent });
    expect(commitment.userAgent).toHaveLength(512);
    expect(commitment.userAgent).toBe(userAgent.slice(0, 512));
  });
});

import { describe, expect, it } from 'vitest';
import { Programme, ReminderLadder } from '../../functions/domain/programme.js';
import { programmeById, programmes } from '../../functions/programmes/index.js';
import ncetmPdLead from '../../functions/programmes/ncetm-pd-lead.json' with { type: 'json' };

const ladderError = (ladder: unknown) => ReminderLadder.safeParse(ladder).error?.issues[0]?.message;

describe('ReminderLadder', () => {
  it('accepts increasing reminders before the expiry, or none at all', () => {
    expect(ReminderLadder.safeParse({ reminderAfterDays: [4, 8], expiresAfterDays: 14 }).success).toBe(true);
    expect(ReminderLadder.safeParse({ reminderAfterDays: [0.5], expiresAfterDays: 1 }).success).toBe(true);
    expect(ReminderLadder.safeParse({ reminderAfterDays: [], expiresAfterDays: 14 }).success).toBe(true);
  });

  it('rejects reminders out of order or repeated', () => {
    const message = 'reminders must be in increasing order and before expiry';
    expect(ladderError({ reminderAfterDays: [8, 4], expiresAfterDays: 14 })).toBe(message);
    expect(ladderError({ reminderAfterDays: [4, 4], expiresAfterDays: 14 })).toBe(message);
    expect(ladderError({ reminderAfterDays: [2, 6, 5], expiresAfterDays: 14 })).toBe(message);
  });

  it('rejects a reminder on or after the expiry', () => {
    const message = 'reminders must be in increasing order and before expiry';
    expect(ladderError({ reminderAfterDays: [4, 14], expiresAfterDays: 14 })).toBe(message);
    expect(ladderError({ reminderAfterDays: [20], expiresAfterDays: 14 })).toBe(message);
  });

  it('rejects days that are not positive, and more than 10 reminders', () => {
    expect(ReminderLadder.safeParse({ reminderAfterDays: [0, 4], expiresAfterDays: 14 }).success).toBe(false);
    expect(ReminderLadder.safeParse({ reminderAfterDays: [4], expiresAfterDays: 0 }).success).toBe(false);
    const eleven = Array.from({ length: 11 }, (_, i) => i + 1);
    expect(ReminderLadder.safeParse({ reminderAfterDays: eleven, expiresAfterDays: 30 }).success).toBe(false);
  });
});

describe('the shipped programmes', () => {
  it('all parse, and are found by id', () => {
    expect([...programmes.keys()].sort()).toEqual(['ncetm-pd-lead', 'primary-mastery-specialist']);
    for (const [id, programme] of programmes) {
      expect(Programme.parse(programme)).toEqual(programme);
      expect(programmeById(id)).toBe(programme);
    }
    expect(Programme.safeParse(ncetmPdLead).success).toBe(true);
  });

  it('carry the ladders the README promises', () => {
    expect(programmeById('ncetm-pd-lead').commitment.ladder).toEqual({
      reminderAfterDays: [4, 8],
      expiresAfterDays: 14,
    });
    expect(programmeById('ncetm-pd-lead').pathways).toEqual([
      'primary',
      'secondary',
      'a-level',
      'further-education',
    ]);
    expect(programmeById('primary-mastery-specialist').pathways).toEqual(['primary']);
  });

  it('an unknown id is an error naming it', () => {
    expect(() => programmeById('no-such-programme')).toThrow('Unknown programme "no-such-programme"');
  });

  it('a programme file with a bad ladder does not parse', () => {
    const bad = structuredClone(ncetmPdLead);
    bad.commitment.ladder.reminderAfterDays = [8, 4];
    expect(Programme.safeParse(bad).success).toBe(false);
  });
});
